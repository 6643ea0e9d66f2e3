#include "cpc/chart_qt/chart_renderers.hpp"

#include <QImage>
#include <QLinearGradient>
#include <QPaintEngine>
#include <QPainter>
#include <QPolygonF>
#include <tuple>
#include <QVarLengthArray>
#include <QVector>
#include <algorithm>
#include <array>
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

// Fills batches of opaque device-pixel rectangles inside a clip rectangle (device pixels).
// QPainter's raster engine fills a rectangle row by row through a span function, ~2.5 ns a row
// whatever its width, so the 1 px columns of a zoomed-out frame (1,500 volume bars ~150 rows
// high) cost ~0.5 ms. When the painter paints 1:1 into a 32-bit QImage with nothing that could
// change an opaque pixel (no clip of its own, SourceOver, full opacity, no transform left after
// DeviceSpace), the rectangles are written straight into the image's memory instead: the same
// pixels (exactly what drawRects fills for an integer rectangle without antialiasing:
// [x, x + w) × [y, y + h)), about 7× faster. Otherwise, and for translucent colours, it clips the
// painter and uses drawRects. Use inside a DeviceSpace scope; the painter's clip is its own until
// that scope ends.
class RectFill {
public:
    RectFill(QPainter& p, const QRect& clip) : m_p(p), m_clip(clip) {
        // DeviceSpace leaves dpr · (1 / dpr), which QTransform already reads as no scale.
        const QTransform t = p.deviceTransform();
        const bool oneToOne = t.type() <= QTransform::TxTranslate && std::abs(t.dx() - std::round(t.dx())) < 1e-9 &&
                              std::abs(t.dy() - std::round(t.dy())) < 1e-9;
        auto* image = p.device() != nullptr && p.device()->devType() == QInternal::Image
                          ? static_cast<QImage*>(p.device())
                          : nullptr;
        const bool direct = image != nullptr && p.paintEngine() != nullptr &&
                            p.paintEngine()->type() == QPaintEngine::Raster && oneToOne && !p.hasClipping() &&
                            p.compositionMode() == QPainter::CompositionMode_SourceOver && p.opacity() == 1.0 &&
                            image->isDetached() &&
                            (image->format() == QImage::Format_RGB32 || image->format() == QImage::Format_ARGB32 ||
                             image->format() == QImage::Format_ARGB32_Premultiplied);
        if (direct) {
            m_dx = static_cast<int>(std::lround(t.dx()));
            m_dy = static_cast<int>(std::lround(t.dy()));
            m_clip = m_clip.translated(m_dx, m_dy).intersected(image->rect());
            m_bits = reinterpret_cast<QRgb*>(image->bits());
            m_stride = image->bytesPerLine() / static_cast<qsizetype>(sizeof(QRgb));
        }
    }
    RectFill(const RectFill&) = delete;
    RectFill& operator=(const RectFill&) = delete;

    void fill(const QVector<QRect>& rects, const QColor& colour) {
        if (rects.isEmpty()) return;
        if (m_bits == nullptr || colour.alpha() != 255) {
            if (!m_painterClipped) {
                m_p.setClipRect(m_clip.translated(-m_dx, -m_dy));
                m_painterClipped = true;
            }
            fillRects(m_p, rects, colour);
            return;
        }
        const QRgb value = colour.rgba();  // 0xffRRGGBB: the same opaque pixel in all three formats
        for (const QRect& rect : rects) {
            const QRect r = rect.translated(m_dx, m_dy).intersected(m_clip);
            if (r.isEmpty()) continue;
            QRgb* row = m_bits + static_cast<qsizetype>(r.top()) * m_stride + r.left();
            if (r.width() == 1) {
                for (QRgb* const end = row + static_cast<qsizetype>(r.height()) * m_stride; row != end; row += m_stride)
                    *row = value;
            } else {
                for (int y = 0; y < r.height(); ++y, row += m_stride) std::fill_n(row, r.width(), value);
            }
        }
    }

private:
    QPainter& m_p;
    QRect m_clip;
    QRgb* m_bits = nullptr;
    qsizetype m_stride = 0;
    int m_dx = 0;
    int m_dy = 0;
    bool m_painterClipped = false;
};

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

QColor fromRgba(std::uint32_t rgba) {
    return QColor(static_cast<int>((rgba >> 24U) & 0xffU), static_cast<int>((rgba >> 16U) & 0xffU),
                  static_cast<int>((rgba >> 8U) & 0xffU), static_cast<int>(rgba & 0xffU));
}

void drawCandles(QPainter& p, std::span<const CandleItem> candles, bool pixelColumns,
                 const Rect& clip, const ChartTheme& theme, qreal dpr, chart::SeriesStyle style) {
    if (candles.empty()) return;
    DeviceSpace space(p, dpr);
    RectFill filler(p, devRect(clip, dpr));
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
            if (style == chart::SeriesStyle::Bars) {
                // OHLC bar: high–low stroke, open tick left, close tick right.
                const int tick = std::max(wick, body / 2);
                out.push_back(QRect(cx - wick / 2, wickTop, wick, std::max(wick, wickBottom - wickTop)));
                out.push_back(QRect(cx - wick / 2 - tick, dev(c.openY, dpr) - wick / 2, tick, wick));
                out.push_back(QRect(cx - wick / 2 + wick, dev(c.closeY, dpr) - wick / 2, tick, wick));
                continue;
            }
            if (style == chart::SeriesStyle::HollowCandles && c.rising && body > 2 * wick &&
                bodyH > 2 * wick) {
                // Hollow rising candle: wicks plus the body's outline.
                const int l = cx - body / 2;
                if (bodyTop > wickTop) out.push_back(QRect(cx - wick / 2, wickTop, wick, bodyTop - wickTop));
                if (wickBottom > bodyTop + bodyH)
                    out.push_back(QRect(cx - wick / 2, bodyTop + bodyH, wick, wickBottom - bodyTop - bodyH));
                out.push_back(QRect(l, bodyTop, body, wick));
                out.push_back(QRect(l, bodyTop + bodyH - wick, body, wick));
                out.push_back(QRect(l, bodyTop + wick, wick, bodyH - 2 * wick));
                out.push_back(QRect(l + body - wick, bodyTop + wick, wick, bodyH - 2 * wick));
                continue;
            }
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
    filler.fill(up, theme.rising);
    filler.fill(down, theme.falling);
}

void drawVolumes(QPainter& p, std::span<const VolumeItem> volumes, float baseY, const Rect& clip,
                 const ChartTheme& theme, qreal dpr) {
    if (volumes.empty() || clip.empty()) return;
    DeviceSpace space(p, dpr);
    RectFill filler(p, devRect(clip, dpr));
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
    filler.fill(up, composedOver(theme.risingVolume, theme.background));
    filler.fill(down, composedOver(theme.fallingVolume, theme.background));
}

void drawVolumeProfile(QPainter& p, const chart::VolumeProfileItem& vp, const Rect& clip, const ChartTheme& theme,
                       qreal dpr) {
    if (!vp.visible || vp.rows.empty() || clip.empty()) return;
    DeviceSpace space(p, dpr);
    p.save();
    p.setClipRect(devRect(clip, dpr));
    const int edge = dev(vp.edgeX, dpr);
    QVector<QRect> up, down, upOut, downOut;
    for (const chart::VolumeProfileRowItem& r : vp.rows) {
        const int top = dev(r.topY, dpr);
        int bottom = dev(r.bottomY, dpr);
        if (bottom - top >= 3) --bottom;  // a hairline gap between rows when they are tall enough
        if (bottom <= top || r.width <= 0) continue;
        const int whole = std::max(1, dev(r.width, dpr));
        const int upPx = std::clamp(dev(r.upWidth, dpr), 0, whole);
        const int downPx = whole - upPx;
        // Rising volume next to the edge, falling volume beyond it.
        const int upLeft = vp.fromRight ? edge - upPx : edge;
        const int downLeft = vp.fromRight ? edge - whole : edge + upPx;
        if (upPx > 0) (r.inValueArea ? up : upOut).push_back(QRect(upLeft, top, upPx, bottom - top));
        if (downPx > 0) (r.inValueArea ? down : downOut).push_back(QRect(downLeft, top, downPx, bottom - top));
    }
    fillRects(p, upOut, theme.profileUpOutside);
    fillRects(p, downOut, theme.profileDownOutside);
    fillRects(p, up, theme.profileUp);
    fillRects(p, down, theme.profileDown);
    const int line = lineWidth(dpr);
    fillRects(p, {QRect(dev(clip.x, dpr), dev(vp.pocY, dpr) - line / 2, dev(clip.width, dpr), line)}, theme.profilePoc);
    p.restore();
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
        p.setPen(t.rgba != 0 ? fromRgba(t.rgba) : toneColour(t.tone, theme));
        int flags = Qt::AlignVCenter | Qt::TextDontClip | Qt::TextSingleLine;
        flags |= t.align == chart::TextAlign::Left    ? Qt::AlignLeft
                 : t.align == chart::TextAlign::Right ? Qt::AlignRight
                                                       : Qt::AlignHCenter;
        p.drawText(QRectF(t.box.x, t.box.y, t.box.width, t.box.height), flags,
                   QString::fromStdString(t.text));
    }
    p.restore();
}

void drawHeatmap(QPainter& p, const chart::HeatmapItem& h, const Rect& clip, const ChartTheme& theme) {
    if (!h.visible || clip.empty()) return;
    p.save();
    p.setClipRect(QRectF(clip.x, clip.y, clip.width, clip.height));
    if (h.columns > 0 && h.rows > 0 && h.pixels &&
        h.pixels->size() >= static_cast<std::size_t>(h.rows - 1) * static_cast<std::size_t>(h.stride) +
                                static_cast<std::size_t>(h.offset + h.columns)) {
        // The view's pixels as they are (no copy); one image column per logical pixel, so the
        // painter's device-pixel ratio scales it like everything else. Each band stretches its
        // rows over its part of the price axis (an inverted axis: drawn mirrored).
        const QImage image(reinterpret_cast<const uchar*>(h.pixels->data() + h.offset), h.columns, h.rows,
                           h.stride * static_cast<int>(sizeof(std::uint32_t)), QImage::Format_ARGB32_Premultiplied);
        for (const chart::HeatmapBand& b : h.bands) {
            const QRectF source(0, b.row0, h.columns, b.row1 - b.row0);
            if (b.yFirst <= b.yEnd) {
                p.drawImage(QRectF(h.area.x, b.yFirst, h.columns, b.yEnd - b.yFirst), image, source);
            } else {
                p.save();
                p.translate(0, static_cast<double>(b.yFirst) + b.yEnd);
                p.scale(1, -1);
                p.drawImage(QRectF(h.area.x, b.yEnd, h.columns, b.yFirst - b.yEnd), image, source);
                p.restore();
            }
        }
    }
    // The newest book at the right edge: bids and asks growing leftwards.
    QColor bid = theme.rising;
    QColor ask = theme.falling;
    bid.setAlpha(0xb0);
    ask.setAlpha(0xb0);
    for (const chart::HeatmapLadderRow& r : h.ladder)
        p.fillRect(QRectF(h.ladderEdgeX - r.width, r.topY, r.width, std::max(1.0F, r.bottomY - r.topY)), r.bid ? bid : ask);
    // The colour scale: its colours bottom to top, framed.
    if (!h.legendColours.empty()) {
        const int n = static_cast<int>(h.legendColours.size());
        QImage bar(1, n, QImage::Format_ARGB32_Premultiplied);
        for (int i = 0; i < n; ++i) bar.setPixel(0, n - 1 - i, h.legendColours[static_cast<std::size_t>(i)]);
        const QRectF box(h.legendBar.x, h.legendBar.y, h.legendBar.width, h.legendBar.height);
        p.fillRect(box, theme.background);
        p.drawImage(box, bar);
        p.setPen(theme.border);
        p.drawRect(box);
    }
    p.restore();
    drawTexts(p, h.legendLabels, theme);
}

void drawFootprint(QPainter& p, std::span<const chart::FootprintBarItem> bars, const Rect& clip, const ChartTheme& theme) {
    if (bars.empty() || clip.empty()) return;
    p.save();
    p.setClipRect(QRectF(clip.x, clip.y, clip.width, clip.height));
    // Shading by volume (of the bar's largest row) in 16 steps, an imbalance in the full colour
    // (step 16): the cells of one colour go to the painter in one call (thousands of cells a frame).
    constexpr int kSteps = 17;
    static thread_local std::array<std::vector<QRectF>, 2 * kSteps> batches;
    static thread_local std::vector<QRectF> pocs;
    for (auto& b : batches) b.clear();
    pocs.clear();
    const auto step = [](float share, bool imbalance) {
        return imbalance ? kSteps - 1 : std::clamp(static_cast<int>(share * 15.0F + 0.5F), 0, kSteps - 2);
    };
    const float clipTop = static_cast<float>(clip.y), clipBottom = static_cast<float>(clip.bottom());
    for (const chart::FootprintBarItem& bar : bars) {
        const float mid = (bar.left + bar.right) / 2.0F;
        for (const chart::FootprintCellItem& c : bar.cells) {
            if (c.bottomY < clipTop || c.topY > clipBottom) continue;
            const float h = std::max(1.0F, c.bottomY - c.topY - (c.bottomY - c.topY >= 4.0F ? 1.0F : 0.0F));
            batches[static_cast<std::size_t>(step(c.sellShare, c.sellImbalance))].emplace_back(bar.left, c.topY, mid - bar.left, h);
            batches[static_cast<std::size_t>(kSteps + step(c.buyShare, c.buyImbalance))].emplace_back(mid, c.topY, bar.right - mid, h);
            if (c.poc) {
                // The POC's frame as four filled edges (a stroked pen costs more than every cell).
                constexpr float w = 1.5F;
                const float x0 = bar.left - w / 2.0F, y0 = c.topY - w / 2.0F;
                const float fw = bar.right - bar.left + w, fh = h + w;
                pocs.emplace_back(x0, y0, fw, w);
                pocs.emplace_back(x0, y0 + fh - w, fw, w);
                pocs.emplace_back(x0, y0, w, fh);
                pocs.emplace_back(x0 + fw - w, y0, w, fh);
            }
        }
    }
    p.setPen(Qt::NoPen);
    for (int side = 0; side < 2; ++side)
        for (int s = 0; s < kSteps; ++s) {
            const auto& rects = batches[static_cast<std::size_t>(side * kSteps + s)];
            if (rects.empty()) continue;
            QColor colour = side == 0 ? theme.falling : theme.rising;
            colour.setAlpha(s == kSteps - 1 ? 0xc0 : 0x18 + 0x70 * s / 15);
            p.setBrush(colour);
            p.drawRects(rects.data(), static_cast<int>(rects.size()));
        }
    if (!pocs.empty()) {
        p.setBrush(theme.profilePoc);
        p.drawRects(pocs.data(), static_cast<int>(pocs.size()));
    }
    p.restore();
    for (const chart::FootprintBarItem& bar : bars) drawTexts(p, bar.texts, theme);
}

void drawBubbles(QPainter& p, std::span<const chart::BubbleItem> bubbles, const Rect& clip, const ChartTheme& theme) {
    if (bubbles.empty() || clip.empty()) return;
    p.save();
    p.setClipRect(QRectF(clip.x, clip.y, clip.width, clip.height));
    p.setRenderHint(QPainter::Antialiasing, true);
    for (const chart::BubbleItem& b : bubbles) {
        QColor fill = b.buy ? theme.rising : theme.falling;
        const QColor edge = fill;
        fill.setAlpha(0x66);
        p.setPen(QPen(edge, 1.2));
        p.setBrush(fill);
        p.drawEllipse(QPointF(b.x, b.y), b.r, b.r);
        if (b.liquidation) {  // a ring inside: a liquidation, not a big trade
            p.setBrush(Qt::NoBrush);
            p.drawEllipse(QPointF(b.x, b.y), b.r * 0.5, b.r * 0.5);
        }
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
        RectFill(p, plot).fill(grid, theme.grid);
        p.restore();

        // Borders: price axis edge, time axis edge, pane separator.
        QVector<QRect> borders;
        const QRect axis = devRect(l.priceAxis, dpr);
        borders.push_back(QRect(axis.left(), 0, line, plot.bottom() + 1));
        borders.push_back(QRect(0, plot.bottom() + 1, dev(l.viewport.width, dpr), line));
        if (l.hasVolumePane())
            borders.push_back(QRect(0, dev(l.separatorY, dpr), dev(l.viewport.width, dpr),
                                    std::max(line, dev(l.volumePane.top() - l.separatorY, dpr))));
        for (const double y : l.extraSeparatorsY)
            borders.push_back(QRect(0, dev(y, dpr), dev(l.viewport.width, dpr), line));
        p.save();
        RectFill(p, devRect(l.viewport, dpr)).fill(borders, theme.border);
        p.restore();
    }
    if (!f.hasData) return;
    drawVolumes(p, f.volumes, f.volumeBaseY, l.volumePane, theme, dpr);
    drawHeatmap(p, f.heatmap, l.candlePane, theme);                    // under everything of the pane
    drawVolumeProfile(p, f.volumeProfile, l.candlePane, theme, dpr);  // behind the candles
    drawPanes(p, f.panes, l, theme, dpr);
    if (f.style == chart::SeriesStyle::Line || f.style == chart::SeriesStyle::Area ||
        f.style == chart::SeriesStyle::Baseline)
        drawLineSeries(p, f.line, f.style, f.baselineY, l.candlePane, theme);
    else
        drawCandles(p, f.candles, f.pixelColumns, l.candlePane, theme, dpr, f.style);
    drawFootprint(p, f.footprint, l.candlePane, theme);
    drawBubbles(p, f.bubbles, l.candlePane, theme);
    drawPolylines(p, f.overlayLines, l.candlePane);
    drawDrawings(p, f.drawings, l.candlePane, theme);
    drawMarkers(p, f.markers, l.candlePane, theme);
    drawTexts(p, f.priceLabels, theme);
    drawTexts(p, f.volumeLabels, theme);
    drawTexts(p, f.timeLabels, theme);
    for (const chart::ValueTagItem& t : f.valueTags)
        drawTag(p, t.tag, t.rgba != 0 ? fromRgba(t.rgba) : theme.drawing, theme, dpr);
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
    if (o.measure) {
        // Shift+drag: blue when the price rose, red when it fell (TradingView's colours).
        const QColor tone = o.measure->up ? theme.drawing : theme.falling;
        QColor fill = tone;
        fill.setAlpha(0x30);
        p.save();
        p.setClipRect(QRectF(l.candlePane.x, l.candlePane.y, l.candlePane.width, l.candlePane.height));
        p.setPen(Qt::NoPen);
        p.setBrush(fill);
        const chart::Rect& b = o.measure->box;
        p.drawRect(QRectF(b.x, b.y, b.width, b.height));
        p.setPen(QPen(tone, 1.0));
        for (const chart::SegmentItem& s : o.measure->arrows) p.drawLine(QPointF(s.x1, s.y1), QPointF(s.x2, s.y2));
        p.restore();
        drawTag(p, o.measure->label, tone, theme, dpr);
    }
    if (o.lastPrice)
        drawTag(p, o.lastPrice->tag, o.lastPrice->rising ? theme.rising : theme.falling, theme, dpr);
    if (o.crosshair) {
        if (o.crosshair->priceLabel) drawTag(p, *o.crosshair->priceLabel, theme.crosshairLabel, theme, dpr);
        if (o.crosshair->timeLabel) drawTag(p, *o.crosshair->timeLabel, theme.crosshairLabel, theme, dpr);
    }
}

namespace {

// A 2 px antialiased line. QPainter's raster engine has a fast path only for antialiased
// cosmetic pens up to 1 px (wider pens go through the general stroker, ~15x slower: 5.5 ms for
// 1,000 points), so the line is two 1 px cosmetic strokes one device pixel apart, across the
// line's direction per run of mostly-flat or mostly-steep segments.
void strokeLine(QPainter& p, const QPolygonF& line, const QColor& colour) {
    QPen pen(colour, 1.0);
    pen.setCosmetic(true);
    pen.setCapStyle(Qt::FlatCap);
    pen.setJoinStyle(Qt::MiterJoin);
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);
    const qreal dpr = p.device() != nullptr ? p.device()->devicePixelRatioF() : 1.0;
    const qreal px = 1.0 / dpr;
    p.drawPolyline(line);
    QPolygonF shifted = line;
    // Offset each vertex across the local direction: down for flat stretches, right for steep.
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QPointF a = line[std::max<qsizetype>(0, i - 1)];
        const QPointF b = line[std::min<qsizetype>(line.size() - 1, i + 1)];
        const bool steep = std::abs(b.y() - a.y()) > std::abs(b.x() - a.x());
        shifted[i] += steep ? QPointF(px, 0) : QPointF(0, px);
    }
    p.drawPolyline(shifted);
}
}  // namespace

void drawLineSeries(QPainter& p, std::span<const chart::LinePoint> points, chart::SeriesStyle style,
                    float baseY, const Rect& clip, const ChartTheme& theme) {
    if (points.empty()) return;
    p.save();
    p.setClipRect(QRectF(clip.x, clip.y, clip.width, clip.height));
    QPolygonF line;
    line.reserve(static_cast<qsizetype>(points.size()));
    for (const chart::LinePoint& pt : points) line.push_back(QPointF(pt.x, pt.y));
    QPolygonF area = line;
    area.push_back(QPointF(points.back().x, baseY));
    area.push_back(QPointF(points.front().x, baseY));
    // Fills without antialiasing: their only edge is covered by the antialiased line.
    p.setRenderHint(QPainter::Antialiasing, false);
    if (style == chart::SeriesStyle::Area) {
        QLinearGradient gradient(0, clip.top(), 0, clip.bottom());
        gradient.setColorAt(0, theme.areaTop);
        gradient.setColorAt(1, theme.areaBottom);
        p.setPen(Qt::NoPen);
        p.setBrush(gradient);
        p.drawPolygon(area);
    }
    if (style == chart::SeriesStyle::Baseline) {
        // Above the reference level in the rising colour, below it in the falling colour.
        const QRectF above(clip.x, clip.y, clip.width, std::max(0.0, baseY - clip.y));
        const QRectF below(clip.x, baseY, clip.width, std::max(0.0, clip.bottom() - baseY));
        for (const auto& [rect, fill, stroke] :
             {std::tuple{above, theme.baselineUpFill, theme.rising}, std::tuple{below, theme.baselineDownFill, theme.falling}}) {
            p.save();
            p.setClipRect(rect, Qt::IntersectClip);
            p.setRenderHint(QPainter::Antialiasing, false);
            p.setPen(Qt::NoPen);
            p.setBrush(fill);
            p.drawPolygon(area);
            p.setRenderHint(QPainter::Antialiasing, true);
            strokeLine(p, line, stroke);
            p.restore();
        }
        p.setPen(QPen(theme.mutedText, 1.0, Qt::DashLine));
        p.drawLine(QPointF(clip.left(), baseY), QPointF(clip.right(), baseY));
    } else {
        p.setRenderHint(QPainter::Antialiasing, true);
        strokeLine(p, line, theme.line);
    }
    p.restore();
}

namespace {
Qt::PenStyle penStyle(chart::LineDash dash) {
    switch (dash) {
    case chart::LineDash::Dashed: return Qt::DashLine;
    case chart::LineDash::Dotted: return Qt::DotLine;
    case chart::LineDash::Solid: break;
    }
    return Qt::SolidLine;
}
}  // namespace

void drawPolylines(QPainter& p, std::span<const chart::PolylineItem> lines, const chart::Rect& clip) {
    if (lines.empty() || clip.empty()) return;
    p.save();
    p.setClipRect(QRectF(clip.x, clip.y, clip.width, clip.height));
    p.setRenderHint(QPainter::Antialiasing, true);
    for (const chart::PolylineItem& series : lines) {
        p.setPen(QPen(fromRgba(series.rgba), series.width, penStyle(series.dash),
                      series.dash == chart::LineDash::Solid ? Qt::RoundCap : Qt::FlatCap, Qt::RoundJoin));
        QPolygonF run;
        for (const chart::LinePoint& pt : series.points) {
            if (std::isnan(pt.y)) {
                if (run.size() > 1) p.drawPolyline(run);
                run.clear();
                continue;
            }
            run.push_back(QPointF(pt.x, pt.y));
        }
        if (run.size() > 1) p.drawPolyline(run);
    }
    p.restore();
}

void drawPanes(QPainter& p, std::span<const chart::PaneFrame> panes, const chart::ChartLayout& l,
               const ChartTheme& theme, qreal dpr) {
    (void)l;
    const int line = lineWidth(dpr);
    for (const chart::PaneFrame& pane : panes) {
        {
            DeviceSpace space(p, dpr);
            const QRect r = devRect(pane.pane, dpr);
            QVector<QRect> grid;
            for (const float y : pane.grid) grid.push_back(QRect(r.left(), dev(y, dpr), r.width(), line));
            p.setClipRect(r);
            fillRects(p, grid, theme.grid);
            for (const chart::HistogramItem& h : pane.histograms) {
                QVector<QRect> up;
                QVector<QRect> down;
                const int base = dev(h.baseY, dpr);
                for (const chart::VolumeItem& b : h.bars) {
                    const int w = std::max(1, bodyWidthPx(b.width, line, dpr));
                    const int top = dev(b.topY, dpr);
                    const int left = dev(b.x, dpr) - w / 2;
                    (b.rising ? up : down).push_back(QRect(left, std::min(top, base), w, std::max(line, std::abs(base - top))));
                }
                const QColor c = fromRgba(h.rgba);
                fillRects(p, up, c);
                fillRects(p, down, h.negativeRgba != 0 ? fromRgba(h.negativeRgba) : c.darker(130));
            }
            p.setClipping(false);
        }
        drawCandles(p, pane.candles, false, pane.pane, theme, dpr, chart::SeriesStyle::Candles);
        if (!pane.levels.empty()) {
            // Reference levels (RSI 30 / 70): dashed, in the axis text colour, under the lines.
            p.save();
            p.setClipRect(QRectF(pane.pane.x, pane.pane.y, pane.pane.width, pane.pane.height));
            p.setPen(QPen(theme.mutedText, 1.0, Qt::DashLine));
            for (const float y : pane.levels)
                p.drawLine(QPointF(pane.pane.left(), y), QPointF(pane.pane.right(), y));
            p.restore();
        }
        drawPolylines(p, pane.lines, pane.pane);
        drawTexts(p, pane.labels, theme);
    }
}

void drawDrawings(QPainter& p, std::span<const chart::DrawingItem> drawings, const Rect& clip,
                  const ChartTheme& theme) {
    if (drawings.empty()) return;
    p.save();
    p.setClipRect(QRectF(clip.x, clip.y, clip.width, clip.height));
    p.setRenderHint(QPainter::Antialiasing, true);
    for (const chart::DrawingItem& d : drawings) {
        const QColor colour = d.rgba != 0 ? fromRgba(d.rgba) : theme.drawing;
        // The fill follows a colour the user chose, as translucent as the theme's.
        QColor fill = theme.drawingFill;
        if (d.rgba != 0) {
            fill = colour;
            fill.setAlpha(theme.drawingFill.alpha());
        }
        p.setPen(Qt::NoPen);
        for (const chart::FillItem& f : d.fills) {
            p.setBrush(fromRgba(f.rgba));
            p.drawRect(QRectF(f.box.x, f.box.y, f.box.width, f.box.height));
        }
        if (d.fill) {
            p.setBrush(fill);
            p.drawRect(QRectF(d.fill->x, d.fill->y, d.fill->width, d.fill->height));
        }
        if (d.polygon.size() >= 3) {
            QPolygonF area;
            for (const chart::LinePoint& pt : d.polygon) area << QPointF(pt.x, pt.y);
            p.setBrush(fill);
            p.drawPolygon(area);
        }
        p.setPen(QPen(colour, d.selected ? d.width + 0.5F : d.width, penStyle(d.dash)));
        for (const chart::SegmentItem& s : d.lines) p.drawLine(QPointF(s.x1, s.y1), QPointF(s.x2, s.y2));
        if (d.selected) {
            p.setPen(QPen(colour, 1.5));
            p.setBrush(theme.selectionHandle);
            for (const chart::LinePoint& h : d.handles) p.drawEllipse(QPointF(h.x, h.y), 4.5, 4.5);
        }
    }
    p.restore();
    for (const chart::DrawingItem& d : drawings) drawTexts(p, d.labels, theme);
}

void drawMarkers(QPainter& p, std::span<const chart::MarkerItem> markers, const Rect& clip, const ChartTheme& theme) {
    if (markers.empty()) return;
    p.save();
    p.setClipRect(QRectF(clip.x, clip.y, clip.width, clip.height));
    p.setRenderHint(QPainter::Antialiasing, true);
    for (const chart::MarkerItem& m : markers) {
        // The staff's foot is the point; the flag flies up and to the right of it.
        const QPointF foot(m.x, m.y);
        const QPointF top(m.x, m.y - 16);
        p.setPen(QPen(theme.alertMarker, 1.5));
        p.drawLine(foot, top);
        QPolygonF flag;
        flag << top << QPointF(m.x + 9, m.y - 12.5) << QPointF(m.x, m.y - 9);
        p.setBrush(m.late ? QBrush(Qt::NoBrush) : QBrush(theme.alertMarker));
        p.drawPolygon(flag);
        p.setBrush(theme.alertMarker);
        p.setPen(Qt::NoPen);
        p.drawEllipse(foot, 2.5, 2.5);
    }
    p.restore();
    for (const chart::MarkerItem& m : markers)
        if (!m.label.text.empty()) drawTexts(p, std::span<const chart::TextItem>(&m.label, 1), theme);
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
