#include "cpc/chart_qt/chart_renderers.hpp"

#include <QPainter>
#include <QVarLengthArray>
#include <QVector>
#include <algorithm>
#include <cmath>

namespace cpc::chart_qt {

using chart::CandleItem;
using chart::Rect;
using chart::TextItem;
using chart::TextTone;
using chart::VolumeItem;

namespace {

// Paints in device pixels for the lifetime of the scope: integer coordinates land exactly on
// pixels whatever the device pixel ratio, and antialiasing is off so nothing is smeared.
class DeviceSpace {
public:
    DeviceSpace(QPainter& p, qreal dpr) : m_p(p) {
        m_p.save();
        m_p.scale(1.0 / dpr, 1.0 / dpr);
        m_p.setRenderHint(QPainter::Antialiasing, false);
        m_p.setPen(Qt::NoPen);
    }
    ~DeviceSpace() { m_p.restore(); }
    DeviceSpace(const DeviceSpace&) = delete;
    DeviceSpace& operator=(const DeviceSpace&) = delete;

private:
    QPainter& m_p;
};

int dev(double logical, qreal dpr) { return static_cast<int>(std::lround(logical * dpr)); }

// Grid, crosshair and wick width: one logical pixel, at least one device pixel, always whole.
int lineWidth(qreal dpr) { return std::max(1, static_cast<int>(std::floor(dpr))); }

QRect devRect(const Rect& r, qreal dpr) {
    const int l = dev(r.left(), dpr);
    const int t = dev(r.top(), dpr);
    return QRect(l, t, dev(r.right(), dpr) - l, dev(r.bottom(), dpr) - t);
}

void fillRects(QPainter& p, const QVector<QRect>& rects, const QColor& colour) {
    if (rects.isEmpty()) return;
    p.setBrush(colour);
    p.drawRects(rects.constData(), static_cast<int>(rects.size()));
}

// Body width in device pixels: same parity as the wick so the wick sits exactly in the middle
// (and the crosshair, which has the wick's width, over it).
int bodyWidthPx(float bodyWidth, int wick, qreal dpr) {
    int w = std::max(wick, static_cast<int>(std::floor(bodyWidth * dpr)));
    if (w >= 2 && (w % 2) != (wick % 2)) --w;
    return std::max(w, wick);
}

void horizontalDashes(QVector<QRect>& out, int left, int right, int row, int thickness, int dash,
                      int gap) {
    for (int x = left; x < right; x += dash + gap)
        out.push_back(QRect(x, row, std::min(dash, right - x), thickness));
}

void verticalDashes(QVector<QRect>& out, int top, int bottom, int col, int thickness, int dash,
                    int gap) {
    for (int y = top; y < bottom; y += dash + gap)
        out.push_back(QRect(col, y, thickness, std::min(dash, bottom - y)));
}

// Translucent colour composed over an opaque background, as one opaque colour. QPainter fills
// opaque rectangles on a fast path; translucent ones cost ~20x more (17 ms for 1.5k volume bars).
QColor composedOver(const QColor& colour, const QColor& background) {
    const double a = colour.alphaF();
    auto mix = [a](int fg, int bg) { return static_cast<int>(std::lround(fg * a + bg * (1.0 - a))); };
    return QColor(mix(colour.red(), background.red()), mix(colour.green(), background.green()),
                  mix(colour.blue(), background.blue()));
}

QColor toneColour(TextTone tone, const ChartTheme& theme) {
    switch (tone) {
    case TextTone::Strong: return theme.strongText;
    case TextTone::Muted: return theme.mutedText;
    case TextTone::Rising: return theme.rising;
    case TextTone::Falling: return theme.falling;
    case TextTone::Inverse: return theme.inverseText;
    case TextTone::Normal: break;
    }
    return theme.text;
}

void drawTag(QPainter& p, const chart::TagItem& tag, const QColor& fill, const ChartTheme& theme,
             qreal dpr) {
    {
        DeviceSpace space(p, dpr);
        p.fillRect(devRect(tag.box, dpr), fill);
    }
    drawTexts(p, tag.texts, theme);
}

}  // namespace

void drawCandles(QPainter& p, std::span<const CandleItem> candles, bool pixelColumns,
                 const Rect& clip, const ChartTheme& theme, qreal dpr) {
    if (candles.empty()) return;
    DeviceSpace space(p, dpr);
    p.setClipRect(devRect(clip, dpr));
    const int wick = lineWidth(dpr);
    QVector<QRect> up;
    QVector<QRect> down;
    up.reserve(static_cast<qsizetype>(candles.size()) * 2);
    down.reserve(static_cast<qsizetype>(candles.size()) * 2);

    if (pixelColumns) {
        // One logical pixel per column: [x − 0.5, x + 0.5).
        const int w = std::max(1, dev(1.0, dpr));
        for (const CandleItem& c : candles) {
            const int left = dev(c.x - 0.5, dpr);
            const int top = dev(c.highY, dpr);
            const int h = std::max(wick, dev(c.lowY, dpr) - top);
            (c.rising ? up : down).push_back(QRect(left, top, w, h));
        }
    } else {
        const int body = bodyWidthPx(candles.front().bodyWidth, wick, dpr);
        for (const CandleItem& c : candles) {
            const int cx = dev(c.x, dpr);
            auto& out = c.rising ? up : down;
            const int wickTop = dev(c.highY, dpr);
            const int wickBottom = dev(c.lowY, dpr);
            const int bodyTop = dev(std::min(c.openY, c.closeY), dpr);
            const int bodyBottom = dev(std::max(c.openY, c.closeY), dpr);
            const int bodyH = std::max(wick, bodyBottom - bodyTop);  // a doji is a thin line
            if (body > wick) {
                if (bodyTop > wickTop)
                    out.push_back(QRect(cx - wick / 2, wickTop, wick, bodyTop - wickTop));
                if (wickBottom > bodyTop + bodyH)
                    out.push_back(QRect(cx - wick / 2, bodyTop + bodyH, wick,
                                        wickBottom - bodyTop - bodyH));
                out.push_back(QRect(cx - body / 2, bodyTop, body, bodyH));
            } else {
                // Too narrow for a body: a bar from high to low.
                out.push_back(QRect(cx - wick / 2, wickTop, wick, std::max(wick, wickBottom - wickTop)));
            }
        }
    }
    fillRects(p, up, theme.rising);
    fillRects(p, down, theme.falling);
}

void drawVolumes(QPainter& p, std::span<const VolumeItem> volumes, float baseY, const Rect& clip,
                 const ChartTheme& theme, qreal dpr) {
    if (volumes.empty() || clip.empty()) return;
    DeviceSpace space(p, dpr);
    p.setClipRect(devRect(clip, dpr));
    const int wick = lineWidth(dpr);
    const int bottom = dev(baseY, dpr);
    QVector<QRect> up;
    QVector<QRect> down;
    up.reserve(static_cast<qsizetype>(volumes.size()));
    down.reserve(static_cast<qsizetype>(volumes.size()));
    for (const VolumeItem& v : volumes) {
        const int w = v.width <= 1.0F ? std::max(1, dev(v.width, dpr)) : bodyWidthPx(v.width, wick, dpr);
        const int left = v.width <= 1.0F ? dev(v.x - 0.5F, dpr) : dev(v.x, dpr) - w / 2;
        const int top = std::min(dev(v.topY, dpr), bottom - 1);  // every traded bar is visible
        (v.rising ? up : down).push_back(QRect(left, top, w, bottom - top));
    }
    // Volume bars stand on the plain background (the grid lines behind them are hidden either
    // way at these colours), so the translucent theme colours can be composed in advance.
    fillRects(p, up, composedOver(theme.risingVolume, theme.background));
    fillRects(p, down, composedOver(theme.fallingVolume, theme.background));
}

void drawTexts(QPainter& p, std::span<const TextItem> texts, const ChartTheme& theme) {
    if (texts.empty()) return;
    p.save();
    p.setRenderHint(QPainter::TextAntialiasing, true);
    const QFont* current = nullptr;
    for (const TextItem& t : texts) {
        const QFont& font = t.font == chart::FontRole::Bold ? theme.boldFont : theme.font;
        if (current != &font) {
            p.setFont(font);
            current = &font;
        }
        p.setPen(toneColour(t.tone, theme));
        int flags = Qt::AlignVCenter | Qt::TextDontClip | Qt::TextSingleLine;
        flags |= t.align == chart::TextAlign::Left    ? Qt::AlignLeft
                 : t.align == chart::TextAlign::Right ? Qt::AlignRight
                                                       : Qt::AlignHCenter;
        p.drawText(QRectF(t.box.x, t.box.y, t.box.width, t.box.height), flags,
                   QString::fromStdString(t.text));
    }
    p.restore();
}

void drawBase(QPainter& p, const chart::FrameItems& f, const ChartTheme& theme, qreal dpr) {
    const chart::ChartLayout& l = f.layout;
    const int line = lineWidth(dpr);
    {
        DeviceSpace space(p, dpr);
        p.fillRect(devRect(l.viewport, dpr), theme.background);

        // Grid: horizontal lines per pane, vertical lines through both panes.
        QVector<QRect> grid;
        const QRect candle = devRect(l.candlePane, dpr);
        const QRect volume = devRect(l.volumePane, dpr);
        const QRect plot = devRect(l.plotArea(), dpr);
        for (const float y : f.priceGrid) grid.push_back(QRect(candle.left(), dev(y, dpr), candle.width(), line));
        for (const float y : f.volumeGrid) grid.push_back(QRect(volume.left(), dev(y, dpr), volume.width(), line));
        for (const float x : f.timeGrid) grid.push_back(QRect(dev(x, dpr) - line / 2, plot.top(), line, plot.height()));
        p.save();
        p.setClipRect(plot);
        fillRects(p, grid, theme.grid);
        p.restore();

        // Borders: price axis edge, time axis edge, pane separator.
        QVector<QRect> borders;
        const QRect axis = devRect(l.priceAxis, dpr);
        borders.push_back(QRect(axis.left(), 0, line, plot.bottom() + 1));
        borders.push_back(QRect(0, plot.bottom() + 1, dev(l.viewport.width, dpr), line));
        if (l.hasVolumePane())
            borders.push_back(QRect(0, dev(l.separatorY, dpr), dev(l.viewport.width, dpr),
                                    std::max(line, dev(l.volumePane.top() - l.separatorY, dpr))));
        fillRects(p, borders, theme.border);
    }
    if (!f.hasData) return;
    drawVolumes(p, f.volumes, f.volumeBaseY, l.volumePane, theme, dpr);
    drawCandles(p, f.candles, f.pixelColumns, l.candlePane, theme, dpr);
    drawTexts(p, f.priceLabels, theme);
    drawTexts(p, f.volumeLabels, theme);
    drawTexts(p, f.timeLabels, theme);
}

void drawOverlay(QPainter& p, const chart::OverlayItems& o, const chart::ChartLayout& l,
                 const ChartTheme& theme, qreal dpr) {
    const int line = lineWidth(dpr);
    if (o.lastPrice && o.lastPrice->lineVisible) {
        DeviceSpace space(p, dpr);
        const QRect pane = devRect(l.candlePane, dpr);
        QVector<QRect> dots;
        horizontalDashes(dots, pane.left(), pane.right() + 1, dev(o.lastPrice->y, dpr), line,
                         line, 2 * line);
        fillRects(p, dots, o.lastPrice->rising ? theme.rising : theme.falling);
    }
    drawTexts(p, o.legend, theme);
    if (o.crosshair) {
        const chart::CrosshairItem& c = *o.crosshair;
        {
            DeviceSpace space(p, dpr);
            const QRect v = devRect(c.verticalSpan, dpr);
            const QRect h = devRect(c.horizontalSpan, dpr);
            QVector<QRect> dashes;
            const int dash = 5 * line;
            const int gap = 4 * line;
            const int col = dev(c.x, dpr) - line / 2;  // same centring as the wicks
            if (col >= v.left() && col < v.right() + 1)
                verticalDashes(dashes, v.top(), v.bottom() + 1, col, line, dash, gap);
            horizontalDashes(dashes, h.left(), h.right() + 1, dev(c.y, dpr), line, dash, gap);
            fillRects(p, dashes, theme.crosshair);
        }
    }
    if (o.lastPrice)
        drawTag(p, o.lastPrice->tag, o.lastPrice->rising ? theme.rising : theme.falling, theme, dpr);
    if (o.crosshair) {
        if (o.crosshair->priceLabel) drawTag(p, *o.crosshair->priceLabel, theme.crosshairLabel, theme, dpr);
        if (o.crosshair->timeLabel) drawTag(p, *o.crosshair->timeLabel, theme.crosshairLabel, theme, dpr);
    }
}

void drawPlaceholder(QPainter& p, const chart::ChartLayout& l, const QString& text,
                     const ChartTheme& theme) {
    if (text.isEmpty()) return;
    const Rect plot = l.plotArea();
    p.save();
    p.setFont(theme.placeholderFont);
    p.setPen(theme.mutedText);
    p.drawText(QRectF(plot.x, plot.y, plot.width, plot.height), Qt::AlignCenter, text);
    p.restore();
}

}  // namespace cpc::chart_qt
