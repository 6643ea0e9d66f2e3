#include "cpc/chart/chart_views.hpp"
#include "cpc/chart/order_flow_view.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
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
    style = SeriesStyle::Candles;
    line.clear();
    baselineY = 0;
    panes.clear();
    overlayLines.clear();
    drawings.clear();
    markers.clear();
    volumeProfile.visible = false;
    volumeProfile.rows.clear();
    valueTags.clear();
    heatmap.visible = false;
    heatmap.pixels.reset();
    heatmap.bands.clear();
    heatmap.ladder.clear();
    heatmap.legendLabels.clear();
    footprint.clear();
    bubbles.clear();
}

void OverlayItems::clear() {
    measure.reset();
    lastPrice.reset();
    crosshair.reset();
    legend.clear();
    overlayLegendRows.clear();
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

SeriesStyle styleOf(ChartType type) {
    switch (type) {
    case ChartType::HollowCandles: return SeriesStyle::HollowCandles;
    case ChartType::Bars: return SeriesStyle::Bars;
    case ChartType::Line: return SeriesStyle::Line;
    case ChartType::Area: return SeriesStyle::Area;
    case ChartType::Baseline: return SeriesStyle::Baseline;
    case ChartType::Candles:
    case ChartType::HeikinAshi:
    case ChartType::Footprint: break;
    }
    return SeriesStyle::Candles;
}

bool isLineStyle(SeriesStyle s) {
    return s == SeriesStyle::Line || s == SeriesStyle::Area || s == SeriesStyle::Baseline;
}

void buildBars(const ChartModel& model, FrameItems& out) {
    const auto bars = model.candles();
    const TimeScale& ts = model.timeScale();
    const PriceScale& ps = model.priceScale();
    const PriceScale& vs = model.volumeScale();
    const ChartLayout& l = out.layout;
    const IndexRange range = ts.visibleRange();
    if (range.empty()) return;
    const bool volume = l.hasVolumePane();
    const bool lines = isLineStyle(out.style);
    const double paneX = l.candlePane.x;
    // Baseline: the reference sits at half the pane's height (TradingView's 50% level), so the
    // chart reads as above / below the middle of what is on screen; Area fills to the bottom.
    out.baselineY = lines && out.style == SeriesStyle::Baseline ? static_cast<float>(l.candlePane.centerY())
                                                                : static_cast<float>(l.candlePane.bottom());

    if (!out.pixelColumns) {
        const auto bodyWidth = static_cast<float>(candleBodyWidth(ts.barSpacing()));
        // Footprint: the candle is a thin bar at the slot's left, the footprint's cells beside it.
        const bool footprint = model.chartType() == ChartType::Footprint && ts.barSpacing() >= kFootprintWideSpacing;
        const float candleWidth = footprint ? std::min(bodyWidth, 3.0F) : bodyWidth;
        const float candleShift = footprint ? static_cast<float>(-ts.barSpacing() / 2.0 + 3.0) : 0.0F;
        if (lines) out.line.reserve(static_cast<std::size_t>(range.count()));
        else out.candles.reserve(static_cast<std::size_t>(range.count()));
        if (volume) out.volumes.reserve(static_cast<std::size_t>(range.count()));
        for (std::int64_t i = range.first; i <= range.last; ++i) {
            const auto idx = static_cast<std::size_t>(i);
            const OhlcBar b = model.displayBar(idx);
            const auto x = static_cast<float>(paneX + ts.indexToX(static_cast<double>(i)));
            const bool rising = b.close >= b.open;
            if (lines) {
                out.line.push_back(LinePoint{x, clampY(ps.priceToY(b.close))});
            } else {
                out.candles.push_back(CandleItem{x + candleShift, clampY(ps.priceToY(b.open)),
                                                 clampY(ps.priceToY(b.high)), clampY(ps.priceToY(b.low)),
                                                 clampY(ps.priceToY(b.close)), candleWidth, rising});
            }
            if (volume) {
                // Volume colour follows the real candle, whatever the chart type shows.
                out.volumes.push_back(VolumeItem{x, clampY(vs.priceToY(bars.volume(idx))), bodyWidth,
                                                 bars.rising(idx)});
            }
        }
        return;
    }

    // Zoomed out below a pixel per bar: one column per pixel with the extremes of all its bars,
    // read from the min/max pyramid in O(log n) per column, so the frame costs the pane's width
    // in pixels whatever the number of bars (a million bars: ~1.5k queries).
    const double left = std::floor(paneX + ts.indexToX(static_cast<double>(range.first)));
    const double right = std::floor(paneX + ts.indexToX(static_cast<double>(range.last)));
    const std::size_t columns = static_cast<std::size_t>(std::max(0.0, right - left)) + 1;
    if (lines) out.line.reserve(columns * 4);
    else out.candles.reserve(columns);
    if (volume) out.volumes.reserve(columns);
    const bool heikinAshi = model.chartType() == ChartType::HeikinAshi;
    // A column needs only its first open and last close (and first close for lines): converting
    // just those, not whole bars, halves the Decimal → double conversions of a zoomed-out frame.
    auto openAt = [&](std::size_t i) { return heikinAshi ? model.displayBar(i).open : bars[i].open.toDouble(); };
    auto closeAt = [&](std::size_t i) { return heikinAshi ? model.displayBar(i).close : bars[i].close.toDouble(); };
    for (double px = left; px <= right; px += 1.0) {
        // Bars whose centre falls in [px, px + 1).
        const double fromIndex = ts.xToFloatIndex(px - paneX);
        const double toIndex = ts.xToFloatIndex(px + 1.0 - paneX);
        const auto first = static_cast<std::int64_t>(std::max<double>(range.first, std::ceil(fromIndex - 1e-9)));
        const auto last = static_cast<std::int64_t>(
            std::min<double>(range.last, std::ceil(toIndex - 1e-9) - 1.0));
        if (last < first) continue;
        const auto a = static_cast<std::size_t>(first);
        const auto b = static_cast<std::size_t>(last);
        const BarExtremes e = model.pyramid().query(bars, a, b);
        const double firstOpen = openAt(a);
        const double lastClose = closeAt(b);
        const auto x = static_cast<float>(px + 0.5);
        const bool rising = lastClose >= firstOpen;
        if (lines) {
            const double firstClose = closeAt(a);
            const bool upFirst = lastClose >= firstClose;
            out.line.push_back(LinePoint{x, clampY(ps.priceToY(firstClose))});
            out.line.push_back(LinePoint{x, clampY(ps.priceToY(upFirst ? e.closeLow : e.closeHigh))});
            out.line.push_back(LinePoint{x, clampY(ps.priceToY(upFirst ? e.closeHigh : e.closeLow))});
            out.line.push_back(LinePoint{x, clampY(ps.priceToY(lastClose))});
        } else {
            // Heikin-Ashi extremes can only lie within the raw extremes' hull of earlier bars;
            // the column shows the raw high/low, which is what a trader reads at this zoom.
            const double hi = heikinAshi ? std::max(e.high, std::max(firstOpen, lastClose)) : e.high;
            const double lo = heikinAshi ? std::min(e.low, std::min(firstOpen, lastClose)) : e.low;
            out.candles.push_back(CandleItem{x, clampY(ps.priceToY(firstOpen)), clampY(ps.priceToY(hi)),
                                             clampY(ps.priceToY(lo)), clampY(ps.priceToY(lastClose)), 1.0F,
                                             rising});
        }
        if (volume) out.volumes.push_back(VolumeItem{x, clampY(vs.priceToY(e.maxVolume)), 1.0F, rising});
    }
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
    const std::string price = formatPrice(close, model.priceDecimals(), model.textLocale());
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
    const double tickSize = model.tickSize();
    for (const double v : ps.ticks(spacing, tickSize)) {
        const double y = ps.priceToY(v);
        if (y < l.candlePane.top() || y >= l.candlePane.bottom()) continue;
        out.priceGrid.push_back(static_cast<float>(y));
        if (y - lh / 2 < l.priceAxis.top() || y + lh / 2 > l.priceAxis.bottom()) continue;
        const Rect box{l.priceAxis.x + pad, y - lh / 2, l.priceAxis.width - 2 * pad, lh};
        if (box.intersects(tagBox)) continue;
        std::string text = ps.mode() == PriceScaleMode::Percent ? formatPercent(ps.toScale(v), model.textLocale())
                                                                 : formatPrice(v, model.priceDecimals(), model.textLocale());
        out.priceLabels.push_back(TextItem{box, std::move(text), TextTone::Normal, FontRole::Regular,
                                           TextAlign::Left});
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
                                            formatVolume(v, model.textLocale()), TextTone::Normal, FontRole::Regular,
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
    // the axis keeps labelling the future while the user looks at the live edge. Times are wall
    // clock in the display time zone. Zoomed out below a pixel per bar, only the first bar of
    // each pixel column is a candidate (its weight compares it with the previous column's), so a
    // million bars cost ~1.5k candidates; calendar boundaries still land in the right column.
    std::int64_t first = std::max<std::int64_t>(0, ts.xToIndex(0.0));
    std::int64_t last = ts.xToIndex(ts.width());
    if (last < first) return;
    const std::int64_t stride =
        ts.barSpacing() < 1.0 ? std::max<std::int64_t>(1, static_cast<std::int64_t>(1.0 / ts.barSpacing())) : 1;
    std::vector<TimeMarkCandidate> candidates;
    candidates.reserve(static_cast<std::size_t>((last - first) / stride + 1));
    auto utcAt = [&](std::int64_t i) -> std::optional<std::int64_t> {
        if (i >= 0 && i < n) return bars.openTime(static_cast<std::size_t>(i));
        if (i >= n && !isCalendar(interval))
            return bars.openTime(static_cast<std::size_t>(n - 1)) + (i - (n - 1)) * nominalMs(interval);
        return model.timeAtIndex(i);
    };
    std::int64_t prev = model.toDisplayTime(
        first > 0 ? utcAt(std::max<std::int64_t>(0, first - stride)).value_or(bars.openTime(0))
                  : bars.openTime(0) - nominalMs(interval));
    for (std::int64_t i = first; i <= last; i += stride) {
        const auto utc = utcAt(i);
        if (!utc) break;
        const std::int64_t t = model.toDisplayTime(*utc);
        if (t > prev)
            candidates.push_back(TimeMarkCandidate{l.candlePane.x + ts.indexToX(static_cast<double>(i)), t,
                                                   markWeight(prev, t)});
        prev = t;
    }
    const std::vector<TimeMark> marks =
        selectTimeMarks(candidates, l.timeAxis.left(), l.timeAxis.right(), m,
                        m.lineHeight() * ViewMetrics::kTimeLabelGapLines, model.textLocale());
    for (const TimeMark& mark : marks) {
        out.timeGrid.push_back(static_cast<float>(mark.x));
        out.timeLabels.push_back(TextItem{
            Rect{mark.x - mark.width / 2, l.timeAxis.y, mark.width, l.timeAxis.height}, mark.text,
            mark.emphasised ? TextTone::Strong : TextTone::Normal,
            mark.emphasised ? FontRole::Bold : FontRole::Regular, TextAlign::Center});
    }
}

void buildPanes(const ChartModel& model, FrameItems& out) {
    const ChartLayout& l = out.layout;
    const TimeScale& ts = model.timeScale();
    const IndexRange range = model.visibleSlots();  // past the newest bar too: displaced values
    const TextMeasurer& m = model.textMeasurer();
    const double lh = m.lineHeight();
    const double pad = ViewMetrics::kLabelPaddingX;
    const auto& panes = model.panes();
    for (std::size_t p = 0; p < panes.size() && p < l.extraPanes.size(); ++p) {
        const Pane& pane = panes[p];
        PaneFrame frame;
        frame.pane = l.extraPanes[p];
        frame.axis = l.extraAxes[p];
        const PriceScale& ps = pane.scale;
        const double step = ps.tickStep(lh * 2.2);
        const int decimals = std::clamp(static_cast<int>(std::ceil(-std::log10(step))), 0, 8);
        for (const double v : ps.ticks(lh * 2.2)) {
            const double y = ps.priceToY(v);
            if (y < frame.pane.top() || y >= frame.pane.bottom()) continue;
            frame.grid.push_back(static_cast<float>(y));
            if (y - lh / 2 < frame.axis.top() || y + lh / 2 > frame.axis.bottom()) continue;
            frame.labels.push_back(TextItem{Rect{frame.axis.x + pad, y - lh / 2, frame.axis.width - 2 * pad, lh},
                                            formatPrice(v, decimals, model.textLocale()), TextTone::Normal, FontRole::Regular,
                                            TextAlign::Left});
        }
        for (const double level : pane.levels) {
            const double y = ps.priceToY(level);
            if (y >= frame.pane.top() && y < frame.pane.bottom()) frame.levels.push_back(static_cast<float>(y));
        }
        if (!range.empty()) {
            const auto bodyWidth = static_cast<float>(std::max(1.0, candleBodyWidth(ts.barSpacing())));
            for (const PaneSeries& series : pane.series) {
                const std::size_t end =
                    std::min(static_cast<std::size_t>(range.last) + 1, series.values.size());
                if (series.kind == PaneSeriesKind::Histogram) {
                    HistogramItem h;
                    h.rgba = series.rgba;
                    h.negativeRgba = series.negativeRgba;
                    h.baseY = clampY(ps.priceToY(0.0));
                    for (auto i = static_cast<std::size_t>(range.first); i < end; ++i) {
                        const double v = series.values[i];
                        if (!std::isfinite(v)) continue;
                        const auto x = static_cast<float>(l.candlePane.x + ts.indexToX(static_cast<double>(i)));
                        h.bars.push_back(VolumeItem{x, clampY(ps.priceToY(v)), bodyWidth, v >= 0});
                    }
                    frame.histograms.push_back(std::move(h));
                } else if (series.kind == PaneSeriesKind::Candles) {
                    const std::size_t candleEnd =
                        std::min({end, series.open.size(), series.high.size(), series.low.size()});
                    for (auto i = static_cast<std::size_t>(range.first); i < candleEnd; ++i) {
                        const double o = series.open[i], h = series.high[i], lo = series.low[i], c = series.values[i];
                        if (!std::isfinite(o) || !std::isfinite(h) || !std::isfinite(lo) || !std::isfinite(c)) continue;
                        const auto x = static_cast<float>(l.candlePane.x + ts.indexToX(static_cast<double>(i)));
                        frame.candles.push_back(CandleItem{x, clampY(ps.priceToY(o)), clampY(ps.priceToY(h)),
                                                           clampY(ps.priceToY(lo)), clampY(ps.priceToY(c)), bodyWidth,
                                                           c >= o});
                    }
                } else {
                    PolylineItem line;
                    line.rgba = series.rgba;
                    line.width = static_cast<float>(series.width);
                    line.dash = series.dash;
                    for (auto i = static_cast<std::size_t>(range.first); i < end; ++i) {
                        const double v = series.values[i];
                        const auto x = static_cast<float>(l.candlePane.x + ts.indexToX(static_cast<double>(i)));
                        // NaN y marks a gap; the renderer breaks the line there.
                        line.points.push_back(LinePoint{x, std::isfinite(v) ? clampY(ps.priceToY(v))
                                                                            : std::numeric_limits<float>::quiet_NaN()});
                    }
                    frame.lines.push_back(std::move(line));
                }
            }
        }
        if (!pane.title.empty())
            frame.labels.push_back(TextItem{Rect{frame.pane.x + ViewMetrics::kLegendMargin, frame.pane.y + 2,
                                                 m.textWidth(pane.title), lh},
                                            pane.title, TextTone::Muted, FontRole::Regular, TextAlign::Left});
        out.panes.push_back(std::move(frame));
    }
}

void buildOverlayLines(const ChartModel& model, FrameItems& out) {
    const ChartLayout& l = out.layout;
    const TimeScale& ts = model.timeScale();
    const PriceScale& ps = model.priceScale();
    // The visible bars and the future slots right of the newest one: a displaced output (Ichimoku's
    // senkou spans, +26) has values there and is drawn into the future on the bar spacing.
    const IndexRange range = model.visibleSlots();
    if (range.empty()) return;
    for (const Overlay& overlay : model.overlays()) {
        const PriceScale& scale = overlay.ownScale ? overlay.scale : ps;
        for (const PaneSeries& series : overlay.series) {
            PolylineItem line;
            line.rgba = series.rgba;
            line.width = static_cast<float>(series.width);
            line.dash = series.dash;
            const std::size_t end = std::min(static_cast<std::size_t>(range.last) + 1, series.values.size());
            if (static_cast<std::size_t>(range.first) < end) line.points.reserve(end - static_cast<std::size_t>(range.first));
            for (auto i = static_cast<std::size_t>(range.first); i < end; ++i) {
                const double v = overlay.drawn(series.values[i]);
                const auto x = static_cast<float>(l.candlePane.x + ts.indexToX(static_cast<double>(i)));
                line.points.push_back(LinePoint{x, std::isfinite(v) ? clampY(scale.priceToY(v))
                                                                    : std::numeric_limits<float>::quiet_NaN()});
            }
            out.overlayLines.push_back(std::move(line));
        }
    }
}

void buildDrawings(const ChartModel& model, FrameItems& out) {
    const Rect& pane = out.layout.candlePane;
    const PriceScale& ps = model.priceScale();
    const TextMeasurer& m = model.textMeasurer();
    const double lh = m.lineHeight();
    // Labels are drawn unclipped: each one is sized to its text, kept inside the candle pane
    // (never over the price axis), and left out when it would overlap one placed before it
    // (zoomed out, a Fibonacci's levels crowd into a few pixels; close lines' prices stack).
    std::vector<Rect> placed;
    constexpr double kLabelPad = 4;
    auto place = [&](DrawingItem& item, double x, double lineY, std::string text, TextAlign align) {
        const double width = m.textWidth(text) + 2;
        Rect box{align == TextAlign::Right ? x - width : x, lineY - lh - 1, width, lh};
        // Moved left rather than over the axis (a level starting near the right edge).
        box.x = std::min(box.x, pane.right() - kLabelPad - width);
        box.x = std::max(box.x, pane.left() + kLabelPad);
        if (box.right() > pane.right() || box.top() < pane.top() || box.bottom() > pane.bottom()) return;
        for (const Rect& other : placed)
            if (box.intersects(other)) return;
        placed.push_back(box);
        item.labels.push_back(TextItem{box, std::move(text), TextTone::Normal, FontRole::Regular, align});
    };
    // A line from (x1, y1) through (x2, y2), run on past either end to beyond the pane.
    const auto reachOf = [&](float dx, float dy) {
        return (static_cast<float>(pane.width) + static_cast<float>(pane.height)) * 4.0F /
               std::max(1e-3F, std::hypot(dx, dy));
    };
    auto extended = [&](float x1, float y1, float x2, float y2, bool left, bool right) {
        const float dx = x2 - x1;
        const float dy = y2 - y1;
        if (dx == 0.0F && dy == 0.0F) return SegmentItem{x1, y1, x2, y2};
        const float reach = reachOf(dx, dy);
        SegmentItem seg{x1, y1, x2, y2};
        if (left) {
            seg.x1 = x1 - dx * reach;
            seg.y1 = y1 - dy * reach;
        }
        if (right) {
            seg.x2 = x1 + dx * reach;
            seg.y2 = y1 + dy * reach;
        }
        return seg;
    };
    // The handles the model hits (a channel's parallel, a position's target and stop).
    const auto addHandles = [&](DrawingItem& item, const Drawing& d) {
        for (const Point h : model.drawingHandles(d))
            item.handles.push_back(LinePoint{static_cast<float>(h.x), clampY(h.y)});
    };
    for (const Drawing& d : model.drawings()) {
        if (d.hidden) continue;
        DrawingItem item;
        item.selected = model.selectedDrawing() == d.id;
        item.rgba = d.rgba;
        item.width = static_cast<float>(d.width);
        item.dash = d.dash;
        const auto ax = static_cast<float>(model.timeToX(d.a.timeMs));
        const auto ay = clampY(ps.priceToY(d.a.price));
        const auto bx = static_cast<float>(model.timeToX(d.b.timeMs));
        const auto by = clampY(ps.priceToY(d.b.price));
        const auto left = static_cast<float>(pane.left());
        const auto right = static_cast<float>(pane.right());
        switch (d.kind) {
        case DrawingKind::HorizontalLine:
            item.lines.push_back(SegmentItem{left, ay, right, ay});
            place(item, pane.right() - kLabelPad, ay, formatPrice(d.a.price, model.priceDecimals(), model.textLocale()), TextAlign::Right);
            item.handles.push_back(LinePoint{ax, ay});
            break;
        case DrawingKind::VerticalLine:
            // Through the whole candle pane at the anchor's bar; its time on the time axis is the
            // crosshair's job, so no label of its own.
            item.lines.push_back(SegmentItem{ax, static_cast<float>(pane.top()), ax, static_cast<float>(pane.bottom())});
            item.handles.push_back(LinePoint{ax, ay});
            break;
        case DrawingKind::TrendLine:
        case DrawingKind::Ray:
            // A ray runs on from a through b to the pane's edge; extend left / right run either way.
            item.lines.push_back(extended(ax, ay, bx, by, d.extendLeft, d.kind == DrawingKind::Ray || d.extendRight));
            item.handles = {LinePoint{ax, ay}, LinePoint{bx, by}};
            break;
        case DrawingKind::Rectangle:
            item.fill = Rect{std::min(ax, bx), std::min(ay, by), std::fabs(bx - ax), std::fabs(by - ay)};
            item.lines = {SegmentItem{ax, ay, bx, ay}, SegmentItem{bx, ay, bx, by}, SegmentItem{bx, by, ax, by},
                          SegmentItem{ax, by, ax, ay}};
            item.handles = {LinePoint{ax, ay}, LinePoint{bx, by}};
            break;
        case DrawingKind::Fibonacci: {
            const float from = d.extendLeft ? left : std::min(ax, bx);
            for (const double level : kFibLevels) {
                const double price = d.b.price + (d.a.price - d.b.price) * level;
                const float y = clampY(ps.priceToY(price));
                item.lines.push_back(SegmentItem{from, y, right, y});
                char buf[32];
                std::snprintf(buf, sizeof buf, "%.3f", level);
                place(item, from + kLabelPad, y, std::string(buf) + " (" + formatPrice(price, model.priceDecimals(), model.textLocale()) + ")",
                      TextAlign::Left);
            }
            item.lines.push_back(SegmentItem{ax, ay, bx, by});  // the measured swing, as a diagonal
            item.handles = {LinePoint{ax, ay}, LinePoint{bx, by}};
            break;
        }
        case DrawingKind::ParallelChannel: {
            const double offset = d.c.price - d.a.price;
            const auto pay = clampY(ps.priceToY(d.a.price + offset));
            const auto pby = clampY(ps.priceToY(d.b.price + offset));
            item.lines.push_back(extended(ax, ay, bx, by, d.extendLeft, d.extendRight));
            item.lines.push_back(extended(ax, pay, bx, pby, d.extendLeft, d.extendRight));
            item.polygon = {LinePoint{ax, ay}, LinePoint{bx, by}, LinePoint{bx, pby}, LinePoint{ax, pay}};
            addHandles(item, d);
            break;
        }
        case DrawingKind::Text: {
            const std::string text = d.text.empty() ? std::string("Text") : d.text;
            const double width = m.textWidth(text) + 8;
            const Rect box{ax, ay - lh - 4, width, lh + 4};
            item.fill = box;
            item.labels.push_back(TextItem{Rect{box.x + 4, box.y + 2, width - 8, lh}, text, TextTone::Strong,
                                           FontRole::Regular, TextAlign::Left, d.rgba});
            item.handles.push_back(LinePoint{ax, ay});
            break;
        }
        case DrawingKind::PriceRange:
        case DrawingKind::DateRange: {
            const float x0 = std::min(ax, bx);
            const float x1 = std::max(ax, bx);
            const float y0 = std::min(ay, by);
            const float y1 = std::max(ay, by);
            item.fill = Rect{x0, y0, x1 - x0, y1 - y0};
            const float arrow = 5.0F;
            std::string text;
            if (d.kind == DrawingKind::PriceRange) {
                // Horizontal edges at both prices, an arrow from the first to the second.
                const float mx = (ax + bx) / 2;
                const float dir = by < ay ? 1.0F : -1.0F;  // the arrowhead points at b
                item.lines = {SegmentItem{x0, ay, x1, ay}, SegmentItem{x0, by, x1, by}, SegmentItem{mx, ay, mx, by},
                              SegmentItem{mx, by, mx - arrow, by + dir * arrow}, SegmentItem{mx, by, mx + arrow, by + dir * arrow}};
                const double change = d.b.price - d.a.price;
                text = formatSignedPrice(change, model.priceDecimals(), model.textLocale());
                if (d.a.price != 0)
                    text += " (" + formatPercent(change / d.a.price * 100.0, model.textLocale()) + ")";
            } else {
                const float my = (ay + by) / 2;
                const float dir = bx < ax ? 1.0F : -1.0F;
                item.lines = {SegmentItem{ax, y0, ax, y1}, SegmentItem{bx, y0, bx, y1}, SegmentItem{ax, my, bx, my},
                              SegmentItem{bx, my, bx + dir * arrow, my - arrow}, SegmentItem{bx, my, bx + dir * arrow, my + arrow}};
                const auto bars = std::lround(model.indexOfTime(d.b.timeMs) - model.indexOfTime(d.a.timeMs));
                text = std::to_string(bars) + " " + model.textLocale().bars + ", " + formatDuration(d.b.timeMs - d.a.timeMs);
            }
            // The figures under the box (above it when there is no room below); none while the
            // box is scrolled out of view.
            if (x1 < left || x0 > right) {
                item.handles = {LinePoint{ax, ay}, LinePoint{bx, by}};
                break;
            }
            const double textX = (x0 + x1) / 2.0 - (m.textWidth(text) + 2) / 2.0;
            const double below = y1 + lh + kLabelPad;
            place(item, textX, below <= pane.bottom() ? below : y0 - kLabelPad, std::move(text), TextAlign::Left);
            item.handles = {LinePoint{ax, ay}, LinePoint{bx, by}};
            break;
        }
        case DrawingKind::LongPosition:
        case DrawingKind::ShortPosition: {
            const auto cy = clampY(ps.priceToY(d.c.price));
            const float x0 = std::min(ax, bx);
            const float x1 = std::max(ax, bx);
            constexpr std::uint32_t kTargetFill = 0x26a69a40U;  // the theme's rising colour, translucent
            constexpr std::uint32_t kStopFill = 0xef535040U;
            item.fills = {FillItem{Rect{x0, std::min(ay, by), x1 - x0, std::fabs(by - ay)}, kTargetFill},
                          FillItem{Rect{x0, std::min(ay, cy), x1 - x0, std::fabs(cy - ay)}, kStopFill}};
            item.lines = {SegmentItem{x0, ay, x1, ay}};
            const int decimals = model.priceDecimals();
            const TextLocale& words = model.textLocale();
            const auto percentOf = [&](double price) {
                return d.a.price != 0 ? " (" + formatPercent((price - d.a.price) / d.a.price * 100.0, words) + ")" : std::string();
            };
            if (x1 < left || x0 > right) {  // scrolled out of view: no labels hanging at the edge
                addHandles(item, d);
                break;
            }
            const double reward = std::fabs(d.b.price - d.a.price);
            const double risk = std::fabs(d.a.price - d.c.price);
            const bool targetAbove = by < ay;
            place(item, x0 + kLabelPad, targetAbove ? by + lh + kLabelPad : by - kLabelPad,
                  words.target + " " + formatPrice(d.b.price, decimals, words) + percentOf(d.b.price), TextAlign::Left);
            place(item, x0 + kLabelPad, targetAbove ? cy - kLabelPad : cy + lh + kLabelPad,
                  words.stop + " " + formatPrice(d.c.price, decimals, words) + percentOf(d.c.price), TextAlign::Left);
            if (risk > 0) {
                char ratio[32];
                std::snprintf(ratio, sizeof ratio, "%.2f", reward / risk);
                std::string text = words.riskReward + " " + ratio;
                if (words.decimalPoint != '.') std::replace(text.begin(), text.end(), '.', words.decimalPoint);
                // In the target zone next to the entry (the stop zone is the smaller one).
                place(item, x0 + kLabelPad, targetAbove ? ay - kLabelPad : ay + lh + kLabelPad, std::move(text), TextAlign::Left);
            }
            addHandles(item, d);
            break;
        }
        }
        // The drawing's own text, above its first anchor (a horizontal line's left end).
        if (!d.text.empty() && d.kind != DrawingKind::Text)
            place(item, d.kind == DrawingKind::HorizontalLine ? pane.left() + kLabelPad : ax + kLabelPad,
                  d.kind == DrawingKind::VerticalLine ? pane.top() + lh + kLabelPad : ay, d.text, TextAlign::Left);
        out.drawings.push_back(std::move(item));
    }
}

// Runs of text placed left to right, wrapping to a new line when the pane is too narrow.
struct LegendRun {
    std::string text;
    TextTone tone = TextTone::Normal;
    std::uint32_t rgba = 0;
};

class LegendWriter {
public:
    LegendWriter(const TextMeasurer& m, const Rect& pane, std::vector<TextItem>& out)
        : m_m(m), m_pane(pane), m_out(out) {
        m_x = pane.x + ViewMetrics::kLegendMargin;
        m_y = pane.y + ViewMetrics::kLegendMargin * 0.75;
    }
    // Starts at (x, y) instead of the pane's top-left corner.
    void moveTo(double x, double y) {
        m_x = x;
        m_y = y;
    }
    void newLine() {
        m_x = m_pane.x + ViewMetrics::kLegendMargin;
        m_y += m_m.lineHeight() + 2;
    }
    // Runs with an optional colour of their own, kept together on one line.
    void group(const std::vector<LegendRun>& runs, double gapAfter) {
        double width = 0;
        for (const LegendRun& r : runs) width += m_m.textWidth(r.text) + kInner;
        const double right = m_pane.right() - ViewMetrics::kLegendMargin;
        if (m_x + width > right && m_x > m_pane.x + ViewMetrics::kLegendMargin) newLine();
        for (const LegendRun& r : runs) {
            const double w = m_m.textWidth(r.text);
            m_out.push_back(TextItem{Rect{m_x, m_y, w, m_m.lineHeight()}, r.text, r.tone, FontRole::Regular,
                                     TextAlign::Left, r.rgba});
            m_x += w + kInner;
        }
        m_x += gapAfter;
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
    const TextLocale& text = model.textLocale();
    w.group({{text.open, TextTone::Muted}, {formatPrice(open, d, text), tone}}, 6.0);
    w.group({{text.high, TextTone::Muted}, {formatPrice(c.high.toDouble(), d, text), tone}}, 6.0);
    w.group({{text.low, TextTone::Muted}, {formatPrice(c.low.toDouble(), d, text), tone}}, 6.0);
    w.group({{text.close, TextTone::Muted}, {formatPrice(close, d, text), tone}}, 6.0);
    w.group({{formatSignedPrice(change, d, text) + " (" + formatPercent(percent, text) + ")", changeTone}},
            10.0);
    w.group({{text.volume, TextTone::Muted}, {formatVolume(c.volume.toDouble(), text), tone}}, 0.0);

    // Indicator values at the hovered bar: one row per overlay under the OHLC row, and a row at
    // the top of each stacked pane after its title.
    auto valueText = [&text](double v, int decimals) {
        return std::isfinite(v) ? formatPrice(v, decimals, text) : text.notAvailable;
    };
    for (const Overlay& overlay : model.overlays()) {
        w.newLine();
        std::vector<LegendRun> runs;
        runs.push_back(LegendRun{overlay.title, TextTone::Muted, 0});
        for (const PaneSeries& s : overlay.series)
            runs.push_back(LegendRun{valueText(i < s.values.size() ? s.values[i] : std::nan(""), d),
                                     TextTone::Normal, s.rgba});
        const std::size_t first = out.legend.size();
        w.group(runs, 0.0);
        if (out.legend.size() > first) {
            Rect box = out.legend[first].box;
            for (std::size_t k = first + 1; k < out.legend.size(); ++k) {
                const Rect& b = out.legend[k].box;
                const double right = std::max(box.right(), b.right());
                const double bottom = std::max(box.bottom(), b.bottom());
                box.x = std::min(box.x, b.x);
                box.y = std::min(box.y, b.y);
                box.width = right - box.x;
                box.height = bottom - box.y;
            }
            out.overlayLegendRows.push_back(OverlayItems::LegendRow{overlay.id, box});
        }
    }
    const auto& panes = model.panes();
    const TextMeasurer& m = model.textMeasurer();
    for (std::size_t p = 0; p < panes.size() && p < l.extraPanes.size(); ++p) {
        const Pane& pane = panes[p];
        if (pane.series.empty()) continue;
        const Rect& r = l.extraPanes[p];
        LegendWriter pw(m, r, out.legend);
        // The base layer draws the title at (x + margin, y + 2); the values follow it.
        pw.moveTo(r.x + ViewMetrics::kLegendMargin + (pane.title.empty() ? 0.0 : m.textWidth(pane.title) + 8.0),
                  r.y + 2);
        std::vector<LegendRun> runs;
        for (const PaneSeries& s : pane.series) {
            const double v = i < s.values.size() ? s.values[i] : std::nan("");
            const int decimals = std::isfinite(v) && std::fabs(v) < 1.0 ? 4 : 2;
            runs.push_back(LegendRun{valueText(v, decimals), TextTone::Normal, s.rgba});
        }
        pw.group(runs, 0.0);
    }
}

void buildCrosshair(const ChartModel& model, OverlayItems& out) {
    const auto p = model.crosshair();
    if (!p) return;
    const ChartRegion region = model.regionAt(*p);
    if (region != ChartRegion::CandlePane && region != ChartRegion::VolumePane &&
        region != ChartRegion::ExtraPane)
        return;
    const ChartLayout& l = model.layout();
    const TextMeasurer& m = model.textMeasurer();
    const TimeScale& ts = model.timeScale();
    const std::int64_t index = ts.xToIndex(p->x - l.candlePane.x);

    CrosshairItem item;
    item.x = static_cast<float>(l.candlePane.x + ts.indexToX(static_cast<double>(index)));
    item.y = static_cast<float>(p->y);
    item.verticalSpan = l.plotArea();
    const bool inCandles = region == ChartRegion::CandlePane;
    if (region == ChartRegion::ExtraPane) {
        const std::size_t pane = model.paneAt(*p).value_or(0);
        item.horizontalSpan = l.extraPanes[pane];
        const double v = model.panes()[pane].scale.yToPrice(p->y);
        item.priceLabel = makeAxisTag(m, l.extraAxes[pane], p->y, {formatPrice(v, 4, model.textLocale())});
    } else {
        item.horizontalSpan = inCandles ? l.candlePane : l.volumePane;
        const PriceScale& ps = model.priceScale();
        std::string value;
        if (!inCandles) value = formatVolume(model.volumeScale().yToPrice(p->y), model.textLocale());
        else if (ps.mode() == PriceScaleMode::Percent) value = formatPercent(ps.toScale(ps.yToPrice(p->y)), model.textLocale());
        else value = formatPrice(model.roundToTick(ps.yToPrice(p->y)), model.priceDecimals(), model.textLocale());
        item.priceLabel = makeAxisTag(m, inCandles ? l.priceAxis : l.volumeAxis, p->y, {value});
    }

    if (const auto t = model.timeAtIndex(index)) {
        const std::string text = formatCrosshairTime(model.toDisplayTime(*t), model.interval(), model.textLocale());
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

namespace {

// Black or white, whichever reads better on the fill.
std::uint32_t textOn(std::uint32_t rgba) {
    const double r = (rgba >> 24U) & 0xffU;
    const double g = (rgba >> 16U) & 0xffU;
    const double b = (rgba >> 8U) & 0xffU;
    return 0.299 * r + 0.587 * g + 0.114 * b > 128.0 ? 0x000000ffU : 0xffffffffU;
}

struct WantedTag {
    double y = 0;
    std::string text;
    std::uint32_t rgba = 0;
};

// Places one axis' tags centred on their values where they fit, pushed apart (downwards, past
// `obstacle` — the last-price tag — then back up from the axis' bottom) so that none covers
// another; tags that still do not fit are left out. Axis labels under a tag are removed.
void placeTags(const TextMeasurer& m, const Rect& axis, std::vector<WantedTag> wanted, std::optional<Rect> obstacle,
               std::vector<ValueTagItem>& out, std::vector<TextItem>& axisLabels) {
    if (wanted.empty() || axis.empty()) return;
    const double lh = m.lineHeight();
    const double h = lh + 2 * ViewMetrics::kTagPaddingY;
    std::sort(wanted.begin(), wanted.end(), [](const WantedTag& a, const WantedTag& b) { return a.y < b.y; });
    const auto hitsObstacle = [&](double top) {
        return obstacle && top < obstacle->bottom() && top + h > obstacle->top();
    };
    std::vector<double> tops(wanted.size());
    for (std::size_t i = 0; i < wanted.size(); ++i) {
        tops[i] = wanted[i].y - h / 2;
        if (i > 0) tops[i] = std::max(tops[i], tops[i - 1] + h);
        if (hitsObstacle(tops[i])) {
            // Above the obstacle when the value is above its middle and there is room, else below.
            const double above = obstacle->top() - h;
            const bool roomAbove = i == 0 || above >= tops[i - 1] + h;
            tops[i] = wanted[i].y < obstacle->centerY() && roomAbove && above >= axis.top() ? above : obstacle->bottom();
        }
    }
    for (std::size_t i = wanted.size(); i-- > 0;) {
        const double limit = i + 1 < wanted.size() ? tops[i + 1] - h : axis.bottom() - h;
        tops[i] = std::min(tops[i], limit);
    }
    const std::size_t first = out.size();
    for (std::size_t i = 0; i < wanted.size(); ++i) {
        if (tops[i] < axis.top() || tops[i] + h > axis.bottom() || hitsObstacle(tops[i])) continue;
        ValueTagItem item;
        item.rgba = wanted[i].rgba;
        item.tag.box = Rect{axis.x, tops[i], axis.width, h};
        TextItem text{Rect{axis.x + ViewMetrics::kLabelPaddingX, tops[i] + ViewMetrics::kTagPaddingY,
                           axis.width - 2 * ViewMetrics::kLabelPaddingX, lh},
                      std::move(wanted[i].text), TextTone::Inverse, FontRole::Regular, TextAlign::Left};
        if (item.rgba != 0) text.rgba = textOn(item.rgba);
        item.tag.texts.push_back(std::move(text));
        out.push_back(std::move(item));
    }
    // An axis label half hidden under a tag reads as a wrong number: leave it out.
    std::erase_if(axisLabels, [&](const TextItem& label) {
        if (!label.box.intersects(axis)) return false;
        for (std::size_t i = first; i < out.size(); ++i)
            if (label.box.intersects(out[i].tag.box)) return true;
        return false;
    });
}

// The value of a series at the newest candle (a displaced output has none there).
std::optional<double> valueAtNewest(const PaneSeries& series, std::size_t candles) {
    if (candles == 0 || series.values.size() < candles) return std::nullopt;
    const double v = series.values[candles - 1];
    return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

// The last value of every study line and the price of every horizontal line, on their axes.
void buildValueTags(const ChartModel& model, FrameItems& out) {
    const ChartLayout& l = out.layout;
    const TextMeasurer& m = model.textMeasurer();
    const std::size_t n = model.candles().size();
    const PriceScale& ps = model.priceScale();
    std::vector<WantedTag> priceAxis;
    for (const Overlay& overlay : model.overlays()) {
        if (overlay.ownScale) continue;  // not a price: a tag on the price axis would mislead
        for (const PaneSeries& series : overlay.series)
            if (const auto v = valueAtNewest(series, n))
                // At the height it is drawn; the label says the symbol's own price.
                priceAxis.push_back({ps.priceToY(overlay.drawn(*v)), formatPrice(*v, model.priceDecimals(), model.textLocale()),
                                     series.rgba});
    }
    for (const Drawing& d : model.drawings())
        if (d.kind == DrawingKind::HorizontalLine && !d.hidden)
            priceAxis.push_back({ps.priceToY(d.a.price), formatPrice(d.a.price, model.priceDecimals(), model.textLocale()),
                                 d.rgba});
    std::erase_if(priceAxis, [&](const WantedTag& t) { return t.y < l.candlePane.top() || t.y >= l.candlePane.bottom(); });
    std::optional<Rect> lastPrice;
    if (n > 0) lastPrice = lastPriceTag(model).tag.box;
    placeTags(m, l.priceAxis, std::move(priceAxis), lastPrice, out.valueTags, out.priceLabels);

    const auto& panes = model.panes();
    for (std::size_t p = 0; p < panes.size() && p < l.extraPanes.size(); ++p) {
        const Pane& pane = panes[p];
        const Rect& rect = l.extraPanes[p];
        const double step = pane.scale.tickStep(m.lineHeight() * 2.2);
        // Finer than the axis labels: RSI reads 62.50 on its tag, 60 on the axis.
        const int decimals = std::max(2, std::clamp(static_cast<int>(std::ceil(-std::log10(step))) + 1, 0, 8));
        std::vector<WantedTag> wanted;
        for (const PaneSeries& series : pane.series) {
            const auto v = valueAtNewest(series, n);
            if (!v) continue;
            const double y = pane.scale.priceToY(*v);
            if (y < rect.top() || y >= rect.bottom()) continue;
            const std::uint32_t fill = series.kind == PaneSeriesKind::Histogram && *v < 0 && series.negativeRgba != 0
                                           ? series.negativeRgba
                                           : series.rgba;
            wanted.push_back({y, formatPrice(*v, decimals, model.textLocale()), fill});
        }
        if (p < out.panes.size()) placeTags(m, l.extraAxes[p], std::move(wanted), std::nullopt, out.valueTags, out.panes[p].labels);
    }
}

// Value bubbles (liquidations): a circle at the bar the time falls in and the price, its area in
// proportion to the value against the largest of the list (radius 4 to 18 px), so one large
// liquidation stands out among small ones whatever the market's scale.
void buildValueBubbles(const ChartModel& model, FrameItems& out) {
    const auto& bubbles = model.bubbles();
    if (bubbles.empty()) return;
    double largest = 0;
    for (const ChartBubble& b : bubbles) largest = std::max(largest, b.value);
    if (!(largest > 0)) return;
    const Rect& pane = out.layout.candlePane;
    const PriceScale& ps = model.priceScale();
    for (const ChartBubble& b : bubbles) {
        const double x = model.timeToX(bucketStart(model.interval(), b.timeMs));
        const double y = ps.priceToY(b.price);
        if (!pane.contains(Point{x, y})) continue;
        const double r = kBubbleMinRadius + (kBubbleMaxRadius - kBubbleMinRadius) * std::sqrt(std::max(0.0, b.value) / largest);
        out.bubbles.push_back(BubbleItem{static_cast<float>(x), static_cast<float>(y), static_cast<float>(r), b.buy, true});
    }
}

// Markers (alerts that fired): a flag at the bar the time falls in and the price, its label to
// the right when it fits inside the pane and covers no label placed before it.
void buildMarkers(const ChartModel& model, FrameItems& out) {
    const Rect& pane = out.layout.candlePane;
    const PriceScale& ps = model.priceScale();
    const TextMeasurer& m = model.textMeasurer();
    const double lh = m.lineHeight();
    std::vector<Rect> placed;
    for (const ChartMarker& marker : model.markers()) {
        // The bar the time falls in (a firing's time is inside its bar, not at its open).
        const double x = model.timeToX(bucketStart(model.interval(), marker.timeMs));
        const double y = ps.priceToY(marker.price);
        if (!pane.contains(Point{x, y})) continue;
        MarkerItem item;
        item.x = static_cast<float>(x);
        item.y = static_cast<float>(y);
        item.late = marker.late;
        if (!marker.label.empty()) {
            const double width = m.textWidth(marker.label) + 2;
            Rect box{x + 12, y - lh - 6, width, lh};
            if (box.right() > pane.right()) box.x = x - 4 - width;  // at the live edge: to the left
            if (box.left() < pane.left()) box.x = pane.left();
            const bool free = std::none_of(placed.begin(), placed.end(), [&](const Rect& r) { return r.intersects(box); });
            if (free && box.right() <= pane.right() && box.top() >= pane.top()) {
                placed.push_back(box);
                item.label = TextItem{box, marker.label, TextTone::Strong, FontRole::Regular, TextAlign::Left};
            }
        }
        out.markers.push_back(std::move(item));
    }
}

}  // namespace

void buildFrame(const ChartModel& model, FrameItems& out) {
    out.clear();
    out.layout = model.layout();
    out.hasData = model.hasData();
    out.barSpacing = static_cast<float>(model.timeScale().barSpacing());
    out.pixelColumns = model.timeScale().barSpacing() < ViewMetrics::kPixelColumnThreshold;
    out.style = styleOf(model.chartType());
    out.volumeBaseY = static_cast<float>(out.layout.volumePane.bottom());
    if (!out.hasData) return;
    buildBars(model, out);
    buildPriceAxis(model, out);
    buildTimeAxis(model, out);
    buildPanes(model, out);
    buildOverlayLines(model, out);
    buildDrawings(model, out);
    buildValueBubbles(model, out);
    buildMarkers(model, out);
    buildValueTags(model, out);
}

namespace {

// Shift+drag: the box, its arrows and a tag with the change, the bars and the time.
void buildMeasure(const ChartModel& model, OverlayItems& out) {
    const auto& measure = model.measure();
    if (!measure) return;
    const ChartLayout& l = model.layout();
    const PriceScale& ps = model.priceScale();
    const TextMeasurer& m = model.textMeasurer();
    const TextLocale& words = model.textLocale();
    const auto x1 = static_cast<float>(model.timeToX(measure->from.timeMs));
    const auto y1 = clampY(ps.priceToY(measure->from.price));
    const auto x2 = static_cast<float>(model.timeToX(measure->to.timeMs));
    const auto y2 = clampY(ps.priceToY(measure->to.price));
    MeasureItem item;
    item.up = measure->to.price >= measure->from.price;
    item.box = Rect{std::min(x1, x2), std::min(y1, y2), std::fabs(x2 - x1), std::fabs(y2 - y1)};
    const float mx = (x1 + x2) / 2;
    const float my = (y1 + y2) / 2;
    item.arrows = {SegmentItem{mx, y1, mx, y2}, SegmentItem{x1, my, x2, my}};
    const double change = measure->to.price - measure->from.price;
    std::string first = formatSignedPrice(change, model.priceDecimals(), words);
    if (measure->from.price != 0) first += " (" + formatPercent(change / measure->from.price * 100.0, words) + ")";
    const auto bars = std::lround(model.indexOfTime(measure->to.timeMs) - model.indexOfTime(measure->from.timeMs));
    std::string second = std::to_string(bars) + " " + words.bars + ", " + formatDuration(measure->to.timeMs - measure->from.timeMs);
    const double lh = m.lineHeight();
    const double pad = ViewMetrics::kLabelPaddingX;
    const double width = std::max(m.textWidth(first), m.textWidth(second)) + 2 * pad;
    const double height = 2 * lh + 2 * ViewMetrics::kTagPaddingY;
    // Under the box when the price fell, over it when it rose (TradingView's place), inside the pane.
    double top = item.up ? item.box.top() - height - 4 : item.box.bottom() + 4;
    top = std::clamp(top, l.candlePane.top(), std::max(l.candlePane.top(), l.candlePane.bottom() - height));
    double left = item.box.centerX() - width / 2;
    left = std::clamp(left, l.candlePane.left(), std::max(l.candlePane.left(), l.candlePane.right() - width));
    item.label.box = Rect{left, top, width, height};
    item.label.texts.push_back(TextItem{Rect{left + pad, top + ViewMetrics::kTagPaddingY, width - 2 * pad, lh},
                                        std::move(first), TextTone::Inverse, FontRole::Regular, TextAlign::Center});
    item.label.texts.push_back(TextItem{Rect{left + pad, top + ViewMetrics::kTagPaddingY + lh, width - 2 * pad, lh},
                                        std::move(second), TextTone::Inverse, FontRole::Regular, TextAlign::Center});
    out.measure = std::move(item);
}

}  // namespace

void buildOverlay(const ChartModel& model, OverlayItems& out) {
    out.clear();
    if (!model.hasData()) return;
    buildLegend(model, out);
    out.lastPrice = lastPriceTag(model);
    buildCrosshair(model, out);
    buildMeasure(model, out);
}

// ---- VisibleVolumeProfile ---------------------------------------------------------------------

VisibleVolumeProfile::VisibleVolumeProfile()
    : m_range(indicators::RangeVolumeProfile::create(kRows, kValueAreaFraction).value()) {}

void VisibleVolumeProfile::setEnabled(bool enabled) {
    if (enabled == m_enabled) return;
    m_enabled = enabled;
    if (!enabled) {  // nothing is kept while hidden; turning it on again converts once
        m_bars.clear();
        m_bars.shrink_to_fit();
        m_range.sync({}, 0, 0);
        m_series = nullptr;
    }
}

bool VisibleVolumeProfile::syncBars(const ChartModel& model) {
    const market::CandleView candles = model.candles();
    const bool sameSeries = m_series == static_cast<const void*>(model.series()) && m_interval == model.interval();
    m_series = model.series();
    m_interval = model.interval();
    const std::size_t have = m_bars.size();
    if (sameSeries && have > 0 && !candles.empty()) {
        // Older history prepended: the mirror's first candle is now further in.
        const auto firstOpen = static_cast<std::int64_t>(m_bars.front().time);
        const auto it = std::lower_bound(candles.begin(), candles.end(), firstOpen,
                                         [](const Candle& c, std::int64_t t) { return c.openTime < t; });
        const auto shift = static_cast<std::size_t>(it - candles.begin());
        // The mirrored candles must still be there, the last closed one unchanged (otherwise
        // history was rewritten).
        const bool kept = it != candles.end() && it->openTime == firstOpen && shift + have <= candles.size() &&
                          (have < 2 || m_bars[have - 2] == indicators::toBar(candles[shift + have - 2]));
        if (kept) {
            if (shift > 0) {
                const std::vector<indicators::Bar> older = indicators::toBars(candles.first(shift));
                m_bars.insert(m_bars.begin(), older.begin(), older.end());
            }
            // The previously last (forming) bar may have been revised or closed; new bars are
            // appended.
            const std::size_t from = shift + have - 1;
            m_bars.resize(candles.size());
            for (std::size_t i = from; i < candles.size(); ++i) m_bars[i] = indicators::toBar(candles[i]);
            return false;
        }
    }
    m_bars = indicators::toBars(candles);
    ++m_mirrorRebuilds;
    return true;
}

void VisibleVolumeProfile::build(const ChartModel& model, FrameItems& out) {
    using indicators::RangeVolumeProfile;
    VolumeProfileItem& item = out.volumeProfile;
    item.visible = false;
    item.rows.clear();
    if (!m_enabled) return;
    if (!model.hasData()) {
        m_bars.clear();
        m_lastSync = m_range.sync({}, 0, 0);
        return;
    }
    const bool rebuilt = syncBars(model);
    const IndexRange visible = model.timeScale().visibleRange();
    const auto n = static_cast<std::int64_t>(m_bars.size());
    if (visible.empty() || visible.last < 0 || visible.first >= n) {
        m_lastSync = m_range.sync({}, 0, 0);
        return;
    }
    const auto first = static_cast<std::size_t>(std::max<std::int64_t>(visible.first, 0));
    const auto last = static_cast<std::size_t>(std::min(visible.last, n - 1));
    if (rebuilt) {
        m_range.recompute(m_bars, first, last);
        m_lastSync = RangeVolumeProfile::SyncKind::Full;
    } else {
        m_lastSync = m_range.sync(m_bars, first, last);
    }
    const auto& profile = m_range.profile();
    if (!profile || profile->rows.empty()) return;

    const Rect& pane = out.layout.candlePane;
    const PriceScale& ps = model.priceScale();
    const double maxVolume = profile->rows[profile->pocRow].volume;
    const double maxWidth = pane.width * kWidthFraction;
    item.fromRight = m_fromRight;
    item.edgeX = static_cast<float>(m_fromRight ? pane.right() : pane.x);
    item.rows.reserve(profile->rows.size());
    for (std::size_t r = 0; r < profile->rows.size(); ++r) {
        const indicators::VolumeProfileRow& row = profile->rows[r];
        const double width = maxVolume > 0 ? maxWidth * row.volume / maxVolume : 0.0;
        const double upWidth = row.volume > 0 ? width * row.upVolume / row.volume : 0.0;
        const float top = clampY(ps.priceToY(row.priceHigh));
        const float bottom = clampY(ps.priceToY(row.priceLow));
        item.rows.push_back(VolumeProfileRowItem{std::min(top, bottom), std::max(top, bottom),
                                                 static_cast<float>(width), static_cast<float>(upWidth),
                                                 r == profile->pocRow,
                                                 r >= profile->valueAreaLowRow && r <= profile->valueAreaHighRow});
    }
    const VolumeProfileRowItem& poc = item.rows[profile->pocRow];
    item.pocY = (poc.topY + poc.bottomY) * 0.5F;
    item.visible = true;
}

}  // namespace cpc::chart
