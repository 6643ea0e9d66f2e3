#include "cpc/chart/chart_views.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "cpc/chart/format.hpp"
#include "cpc/chart/time_marks.hpp"

namespace cpc::chart {

void FrameItems::clear() {
    layout = {};
    hasData = false;
    pixelColumns = false;
    barSpacing = 0;
    candles.clear();
    volumes.clear();
    volumeBaseY = 0;
    priceGrid.clear();
    volumeGrid.clear();
    timeGrid.clear();
    priceLabels.clear();
    volumeLabels.clear();
    timeLabels.clear();
}

void OverlayItems::clear() {
    lastPrice.reset();
    crosshair.reset();
    legend.clear();
}

double candleBodyWidth(double barSpacing) {
    // lightweight-charts (optimalCandlestickWidth): 3 px between 2.5 and 4 px of spacing, else a
    // fraction that falls from 100% towards 80% as bars get wider.
    if (barSpacing >= 2.5 && barSpacing <= 4.0) return 3.0;
    const double coeff =
        1.0 - 0.2 * std::atan(std::max(4.0, barSpacing) - 4.0) / (std::numbers::pi * 0.5);
    return std::max(1.0, std::min(barSpacing * coeff, barSpacing));
}

namespace {

// Far outside any pane but well inside float and int range, so renderers can clip safely even
// when the user has dragged the price scale to extremes.
float clampY(double y) { return static_cast<float>(std::clamp(y, -1e6, 1e6)); }

void buildBars(const ChartModel& model, FrameItems& out) {
    const auto bars = model.candles();
    const TimeScale& ts = model.timeScale();
    const PriceScale& ps = model.priceScale();
    const PriceScale& vs = model.volumeScale();
    const ChartLayout& l = out.layout;
    const IndexRange range = ts.visibleRange();
    if (range.empty()) return;
    const bool volume = l.hasVolumePane();
    const double paneX = l.candlePane.x;

    if (!out.pixelColumns) {
        const auto bodyWidth = static_cast<float>(candleBodyWidth(ts.barSpacing()));
        out.candles.reserve(static_cast<std::size_t>(range.count()));
        for (std::int64_t i = range.first; i <= range.last; ++i) {
            const Candle& c = bars[static_cast<std::size_t>(i)];
            const double open = c.open.toDouble();
            const double close = c.close.toDouble();
            const auto x = static_cast<float>(paneX + ts.indexToX(static_cast<double>(i)));
            const bool rising = close >= open;
            out.candles.push_back(CandleItem{x, clampY(ps.priceToY(open)),
                                             clampY(ps.priceToY(c.high.toDouble())),
                                             clampY(ps.priceToY(c.low.toDouble())),
                                             clampY(ps.priceToY(close)), bodyWidth, rising});
            if (volume)
                out.volumes.push_back(
                    VolumeItem{x, clampY(vs.priceToY(c.volume.toDouble())), bodyWidth, rising});
        }
        return;
    }

    // Zoomed out below a pixel per bar: one column per pixel with the extremes of all its bars,
    // so a 15k-bar view costs ~1.5k rectangles and no spike is lost to overdraw.
    bool open = false;
    double columnPx = 0, hi = 0, lo = 0, firstOpen = 0, lastClose = 0, maxVolume = 0;
    auto flush = [&] {
        if (!open) return;
        const auto x = static_cast<float>(columnPx + 0.5);
        const bool rising = lastClose >= firstOpen;
        out.candles.push_back(CandleItem{x, clampY(ps.priceToY(firstOpen)), clampY(ps.priceToY(hi)),
                                         clampY(ps.priceToY(lo)), clampY(ps.priceToY(lastClose)),
                                         1.0F, rising});
        if (volume) out.volumes.push_back(VolumeItem{x, clampY(vs.priceToY(maxVolume)), 1.0F, rising});
    };
    for (std::int64_t i = range.first; i <= range.last; ++i) {
        const Candle& c = bars[static_cast<std::size_t>(i)];
        const double px = std::floor(paneX + ts.indexToX(static_cast<double>(i)));
        const double h = c.high.toDouble();
        const double lw = c.low.toDouble();
        const double v = c.volume.toDouble();
        if (!open || px != columnPx) {
            flush();
            open = true;
            columnPx = px;
            hi = h;
            lo = lw;
            firstOpen = c.open.toDouble();
            maxVolume = v;
        } else {
            hi = std::max(hi, h);
            lo = std::min(lo, lw);
            maxVolume = std::max(maxVolume, v);
        }
        lastClose = c.close.toDouble();
    }
    flush();
}

TagItem makeAxisTag(const TextMeasurer& m, const Rect& axis, double y,
                    std::initializer_list<std::string> lines) {
    const double lh = m.lineHeight();
    const double padY = ViewMetrics::kTagPaddingY;
    const double h = static_cast<double>(lines.size()) * lh + 2 * padY;
    // Centred on y through the first line, kept inside the axis.
    double top = y - lh / 2 - padY;
    top = std::clamp(top, axis.top(), std::max(axis.top(), axis.bottom() - h));
    TagItem tag;
    tag.box = Rect{axis.x, top, axis.width, h};
    double lineY = top + padY;
    for (const std::string& text : lines) {
        tag.texts.push_back(TextItem{Rect{axis.x + ViewMetrics::kLabelPaddingX, lineY,
                                          axis.width - 2 * ViewMetrics::kLabelPaddingX, lh},
                                     text, TextTone::Inverse, FontRole::Regular, TextAlign::Left});
        lineY += lh;
    }
    return tag;
}

PriceTagItem lastPriceTag(const ChartModel& model) {
    const Candle& last = model.candles().back();
    const ChartLayout& l = model.layout();
    const TextMeasurer& m = model.textMeasurer();
    const double close = last.close.toDouble();
    const double y = model.priceScale().priceToY(close);
    PriceTagItem item;
    item.y = clampY(y);
    item.lineVisible = y >= l.candlePane.top() && y < l.candlePane.bottom();
    item.rising = close >= last.open.toDouble();
    const std::string price = formatPrice(close, model.priceDecimals());
    if (const auto left = model.countdownMs())
        item.tag = makeAxisTag(m, l.priceAxis, y, {price, formatCountdown(*left)});
    else
        item.tag = makeAxisTag(m, l.priceAxis, y, {price});
    return item;
}

void buildPriceAxis(const ChartModel& model, FrameItems& out) {
    const ChartLayout& l = out.layout;
    const TextMeasurer& m = model.textMeasurer();
    const double lh = m.lineHeight();
    const double spacing = lh * ViewMetrics::kPriceTickSpacingLines;
    const double pad = ViewMetrics::kLabelPaddingX;

    // Labels the last-price tag would cover are left out rather than peeking out under it.
    Rect tagBox = lastPriceTag(model).tag.box;
    tagBox.y -= 2;
    tagBox.height += 4;

    const PriceScale& ps = model.priceScale();
    const double tickSize = std::pow(10.0, -model.priceDecimals());
    for (const double v : ps.ticks(spacing, tickSize)) {
        const double y = ps.priceToY(v);
        if (y < l.candlePane.top() || y >= l.candlePane.bottom()) continue;
        out.priceGrid.push_back(static_cast<float>(y));
        if (y - lh / 2 < l.priceAxis.top() || y + lh / 2 > l.priceAxis.bottom()) continue;
        const Rect box{l.priceAxis.x + pad, y - lh / 2, l.priceAxis.width - 2 * pad, lh};
        if (box.intersects(tagBox)) continue;
        out.priceLabels.push_back(TextItem{box, formatPrice(v, model.priceDecimals()),
                                           TextTone::Normal, FontRole::Regular, TextAlign::Left});
    }

    if (!l.hasVolumePane()) return;
    const PriceScale& vs = model.volumeScale();
    for (const double v : vs.ticks(spacing)) {
        const double y = vs.priceToY(v);
        if (v <= 0.0 || y < l.volumePane.top() || y >= l.volumePane.bottom()) continue;
        out.volumeGrid.push_back(static_cast<float>(y));
        if (y - lh / 2 < l.volumeAxis.top() || y + lh / 2 > l.volumeAxis.bottom()) continue;
        out.volumeLabels.push_back(TextItem{Rect{l.volumeAxis.x + pad, y - lh / 2,
                                                 l.volumeAxis.width - 2 * pad, lh},
                                            formatVolume(v), TextTone::Normal, FontRole::Regular,
                                            TextAlign::Left});
    }
}

void buildTimeAxis(const ChartModel& model, FrameItems& out) {
    const ChartLayout& l = out.layout;
    const TimeScale& ts = model.timeScale();
    const auto bars = model.candles();
    if (bars.empty() || l.timeAxis.empty()) return;
    const TextMeasurer& m = model.textMeasurer();
    const Interval interval = model.interval();
    const auto n = static_cast<std::int64_t>(bars.size());

    // Every bar on screen is a candidate, including the empty slots right of the newest bar, so
    // the axis keeps labelling the future while the user looks at the live edge.
    std::int64_t first = std::max<std::int64_t>(0, ts.xToIndex(0.0));
    std::int64_t last = ts.xToIndex(ts.width());
    if (last < first) return;
    std::vector<TimeMarkCandidate> candidates;
    candidates.reserve(static_cast<std::size_t>(last - first + 1));
    std::int64_t prev = first > 0 ? bars[static_cast<std::size_t>(first - 1)].openTime
                                  : bars.front().openTime - nominalMs(interval);
    std::int64_t t = 0;
    for (std::int64_t i = first; i <= last; ++i) {
        if (i < n) {
            t = bars[static_cast<std::size_t>(i)].openTime;
        } else if (i == n || isCalendar(interval)) {
            const auto next = model.timeAtIndex(i);
            if (!next) break;
            t = *next;
        } else {
            t += nominalMs(interval);
        }
        candidates.push_back(TimeMarkCandidate{l.candlePane.x + ts.indexToX(static_cast<double>(i)),
                                               t, markWeight(prev, t)});
        prev = t;
    }
    const std::vector<TimeMark> marks =
        selectTimeMarks(candidates, l.timeAxis.left(), l.timeAxis.right(), m,
                        m.lineHeight() * ViewMetrics::kTimeLabelGapLines);
    for (const TimeMark& mark : marks) {
        out.timeGrid.push_back(static_cast<float>(mark.x));
        out.timeLabels.push_back(TextItem{
            Rect{mark.x - mark.width / 2, l.timeAxis.y, mark.width, l.timeAxis.height}, mark.text,
            mark.emphasised ? TextTone::Strong : TextTone::Normal,
            mark.emphasised ? FontRole::Bold : FontRole::Regular, TextAlign::Center});
    }
}

// Runs of text placed left to right, wrapping to a new line when the pane is too narrow.
class LegendWriter {
public:
    LegendWriter(const TextMeasurer& m, const Rect& pane, std::vector<TextItem>& out)
        : m_m(m), m_pane(pane), m_out(out) {
        m_x = pane.x + ViewMetrics::kLegendMargin;
        m_y = pane.y + ViewMetrics::kLegendMargin * 0.75;
    }
    // A group is kept together on one line.
    void group(std::initializer_list<std::pair<std::string, TextTone>> runs, double gapAfter,
               FontRole font = FontRole::Regular) {
        double width = 0;
        for (const auto& [text, tone] : runs) width += m_m.textWidth(text, font) + kInner;
        const double right = m_pane.right() - ViewMetrics::kLegendMargin;
        if (m_x + width > right && m_x > m_pane.x + ViewMetrics::kLegendMargin) {
            m_x = m_pane.x + ViewMetrics::kLegendMargin;
            m_y += m_m.lineHeight() + 2;
        }
        for (const auto& [text, tone] : runs) {
            const double w = m_m.textWidth(text, font);
            m_out.push_back(
                TextItem{Rect{m_x, m_y, w, m_m.lineHeight()}, text, tone, font, TextAlign::Left});
            m_x += w + kInner;
        }
        m_x += gapAfter;
    }

private:
    static constexpr double kInner = 3.0;
    const TextMeasurer& m_m;
    Rect m_pane;
    std::vector<TextItem>& m_out;
    double m_x = 0;
    double m_y = 0;
};

void buildLegend(const ChartModel& model, OverlayItems& out) {
    const auto bars = model.candles();
    const ChartLayout& l = model.layout();
    const std::size_t i = model.hoveredIndex().value_or(bars.size() - 1);
    const Candle& c = bars[i];
    const int d = model.priceDecimals();
    const double open = c.open.toDouble();
    const double close = c.close.toDouble();
    const TextTone tone = close >= open ? TextTone::Rising : TextTone::Falling;
    // Change against the previous close, as exchanges quote it; the first bar has only its open.
    const double reference = i > 0 ? bars[i - 1].close.toDouble() : open;
    const double change = close - reference;
    const double percent = reference != 0.0 ? change / reference * 100.0 : 0.0;
    const TextTone changeTone = change >= 0 ? TextTone::Rising : TextTone::Falling;

    LegendWriter w(model.textMeasurer(), l.candlePane, out.legend);
    if (const std::string title = model.title(); !title.empty())
        w.group({{title, TextTone::Strong}}, 12.0, FontRole::Bold);
    w.group({{"O", TextTone::Muted}, {formatPrice(open, d), tone}}, 6.0);
    w.group({{"H", TextTone::Muted}, {formatPrice(c.high.toDouble(), d), tone}}, 6.0);
    w.group({{"L", TextTone::Muted}, {formatPrice(c.low.toDouble(), d), tone}}, 6.0);
    w.group({{"C", TextTone::Muted}, {formatPrice(close, d), tone}}, 6.0);
    w.group({{formatSignedPrice(change, d) + " (" + formatPercent(percent) + ")", changeTone}},
            10.0);
    w.group({{"Vol", TextTone::Muted}, {formatVolume(c.volume.toDouble()), tone}}, 0.0);
}

void buildCrosshair(const ChartModel& model, OverlayItems& out) {
    const auto p = model.crosshair();
    if (!p) return;
    const ChartRegion region = model.regionAt(*p);
    if (region != ChartRegion::CandlePane && region != ChartRegion::VolumePane) return;
    const ChartLayout& l = model.layout();
    const TextMeasurer& m = model.textMeasurer();
    const TimeScale& ts = model.timeScale();
    const std::int64_t index = ts.xToIndex(p->x - l.candlePane.x);

    CrosshairItem item;
    item.x = static_cast<float>(l.candlePane.x + ts.indexToX(static_cast<double>(index)));
    item.y = static_cast<float>(p->y);
    item.verticalSpan = l.plotArea();
    const bool inCandles = region == ChartRegion::CandlePane;
    item.horizontalSpan = inCandles ? l.candlePane : l.volumePane;

    const std::string value =
        inCandles ? formatPrice(model.priceScale().yToPrice(p->y), model.priceDecimals())
                  : formatVolume(model.volumeScale().yToPrice(p->y));
    item.priceLabel = makeAxisTag(m, inCandles ? l.priceAxis : l.volumeAxis, p->y, {value});

    if (const auto t = model.timeAtIndex(index)) {
        const std::string text = formatCrosshairTime(*t, model.interval());
        const double w = m.textWidth(text) + 2 * ViewMetrics::kLabelPaddingX;
        const double left = std::clamp(item.x - w / 2, l.timeAxis.left(),
                                       std::max(l.timeAxis.left(), l.timeAxis.right() - w));
        TagItem tag;
        tag.box = Rect{left, l.timeAxis.y, w, l.timeAxis.height};
        tag.texts.push_back(TextItem{tag.box, text, TextTone::Inverse, FontRole::Regular,
                                     TextAlign::Center});
        item.timeLabel = std::move(tag);
    }
    out.crosshair = std::move(item);
}

}  // namespace

void buildFrame(const ChartModel& model, FrameItems& out) {
    out.clear();
    out.layout = model.layout();
    out.hasData = model.hasData();
    out.barSpacing = static_cast<float>(model.timeScale().barSpacing());
    out.pixelColumns = model.timeScale().barSpacing() < ViewMetrics::kPixelColumnThreshold;
    out.volumeBaseY = static_cast<float>(out.layout.volumePane.bottom());
    if (!out.hasData) return;
    buildBars(model, out);
    buildPriceAxis(model, out);
    buildTimeAxis(model, out);
}

void buildOverlay(const ChartModel& model, OverlayItems& out) {
    out.clear();
    if (!model.hasData()) return;
    buildLegend(model, out);
    out.lastPrice = lastPriceTag(model);
    buildCrosshair(model, out);
}

}  // namespace cpc::chart
