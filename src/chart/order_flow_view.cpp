#include "cpc/chart/order_flow_view.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "cpc/chart/format.hpp"

namespace cpc::chart {

namespace {

constexpr int kLegendHeight = 110;
constexpr int kLegendWidth = 10;
constexpr int kMaxHeatmapRows = 4'000;  // aggregated price rows asked of the heatmap at most

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    if (a % b != 0 && ((a < 0) != (b < 0))) --q;
    return q;
}

// 256 colours of the scale, computed once.
const std::array<std::uint32_t, 256>& palette() {
    static const std::array<std::uint32_t, 256> colours = [] {
        std::array<std::uint32_t, 256> p{};
        for (int i = 0; i < 256; ++i) p[static_cast<std::size_t>(i)] = OrderFlowView::heatColour(i / 255.0);
        return p;
    }();
    return colours;
}

// Footprint numbers in three significant digits at most ("0.42", "7.5", "76", "1.2K"): a cell is
// narrow.
std::string compactVolume(double v, const TextLocale& locale) {
    const double a = std::fabs(v);
    if (a >= 1000.0 || a == 0.0) return formatVolume(v, locale);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", a >= 100.0 ? 0 : a >= 10.0 ? 1 : 2, v);
    std::string s(buf);
    if (s.find('.') != std::string::npos) {
        while (s.back() == '0') s.pop_back();
        if (s.back() == '.') s.pop_back();
    }
    for (char& c : s)
        if (c == '.') c = locale.decimalPoint;
    return s;
}

}  // namespace

std::uint32_t OrderFlowView::heatColour(double intensity) {
    const double v = std::clamp(intensity, 0.0, 1.0);
    if (v <= 0.0) return 0;
    // Stops: deep blue, cyan, yellow, white; alpha rises quickly so small sizes stay faint.
    struct Stop {
        double at, r, g, b;
    };
    static constexpr std::array<Stop, 4> kStops{{{0.0, 20, 40, 140}, {0.35, 0, 170, 220}, {0.7, 250, 220, 40},
                                                 {1.0, 255, 255, 255}}};
    std::size_t k = 1;
    while (k + 1 < kStops.size() && v > kStops[k].at) ++k;
    const Stop& a = kStops[k - 1];
    const Stop& b = kStops[k];
    const double f = (v - a.at) / (b.at - a.at);
    const double alpha = std::min(1.0, 0.25 + 0.75 * std::sqrt(v));
    const auto channel = [&](double x, double y) {
        return static_cast<std::uint32_t>(std::lround((x + (y - x) * f) * alpha));
    };
    const auto A = static_cast<std::uint32_t>(std::lround(alpha * 255.0));
    return (A << 24) | (channel(a.r, b.r) << 16) | (channel(a.g, b.g) << 8) | channel(a.b, b.b);
}

std::optional<TimeAxisMap> timeAxisMap(const ChartModel& model) {
    const market::CandleView bars = model.candles();
    if (bars.empty()) return std::nullopt;
    const std::size_t last = bars.size() - 1;
    const double spacing = model.timeScale().barSpacing();
    TimeAxisMap map;
    map.x0 = model.layout().candlePane.x + model.timeScale().indexToX(static_cast<double>(last)) - spacing / 2.0;
    map.t0 = bars.openTime(last);
    map.pxPerMs = spacing / static_cast<double>(nominalMs(model.interval()));
    return map;
}

void OrderFlowView::build(const ChartModel& model, FrameItems& out) const {
    if (!out.hasData) return;
    buildHeatmap(model, out);
    buildFootprint(model, out);
    buildBubbles(model, out);
}

void OrderFlowView::buildHeatmap(const ChartModel& model, FrameItems& out) const {
    if (!m_options.heatmap || !m_heatmap) return;
    const auto map = timeAxisMap(model);
    if (!map) return;
    HeatmapItem& h = out.heatmap;
    h.visible = true;
    h.pixels.clear();
    h.columns = h.rows = 0;
    const Rect pane = out.layout.candlePane;
    const PriceScale& ps = model.priceScale();
    const TextLocale& locale = model.textLocale();
    const double rowSize = m_heatmap->config().rowSize.toDouble();

    // Aggregated rows: at least one pixel tall at the middle of the pane.
    const double midPrice = ps.yToPrice(pane.centerY());
    const double pxPerBaseRow = std::fabs(ps.priceToY(midPrice) - ps.priceToY(midPrice + rowSize));
    int multiple = orderflow::rowMultipleForZoom(pxPerBaseRow, 1.0);
    const double topPrice = std::max(ps.yToPrice(pane.y), ps.yToPrice(pane.bottom()));
    const double bottomPrice = std::min(ps.yToPrice(pane.y), ps.yToPrice(pane.bottom()));
    auto rowAt = [&](double price, int m) { return static_cast<std::int64_t>(std::floor(price / (rowSize * m))); };
    while (rowAt(topPrice, multiple) - rowAt(bottomPrice, multiple) + 1 > kMaxHeatmapRows) multiple *= 2;
    const std::int64_t lowRow = rowAt(bottomPrice, multiple);
    const std::int64_t highRow = rowAt(topPrice, multiple);
    const double aggRow = rowSize * multiple;

    float maxValue = 0.0F;
    if (m_heatmap->size() > 0) {
        const std::int64_t first = (*m_heatmap)[0].timeMs;
        const std::int64_t last = (*m_heatmap)[m_heatmap->size() - 1].timeMs + m_heatmap->config().columnMs;
        const std::int64_t from = std::max(map->timeOf(pane.x), first);
        const std::int64_t to = std::min(map->timeOf(pane.right()), last);
        const double xFrom = map->xOf(from);
        const double xTo = map->xOf(to);
        const int columns = static_cast<int>(std::lround(xTo - xFrom));
        const int rows = static_cast<int>(std::ceil(pane.height));
        if (to > from && columns > 0 && rows > 0 && highRow >= lowRow) {
            const orderflow::HeatmapGrid grid = m_heatmap->grid(from, to, static_cast<std::size_t>(columns), lowRow,
                                                                highRow, multiple);
            maxValue = grid.maxValue;
            h.area = Rect{xFrom, pane.y, static_cast<double>(columns), static_cast<double>(rows)};
            h.columns = columns;
            h.rows = rows;
            h.pixels.assign(static_cast<std::size_t>(columns) * static_cast<std::size_t>(rows), 0U);
            const auto& colours = palette();
            // Size → colour index through a table of the size's share of the largest (a log per
            // cell cost more than the rest of the frame).
            constexpr int kSteps = 4'096;
            std::array<std::uint8_t, kSteps + 1> index{};
            for (int k = 0; k <= kSteps; ++k)
                index[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(std::lround(
                    orderflow::heatmapIntensity(static_cast<double>(maxValue) * k / kSteps, maxValue,
                                                m_options.heatmapScale) *
                    255.0));
            const float toStep = maxValue > 0.0F ? static_cast<float>(kSteps) / maxValue : 0.0F;
            // Intensity → colour index per cell, once per grid row, then copied to its pixel rows.
            std::vector<std::uint32_t> rowPixels(static_cast<std::size_t>(columns));
            std::int64_t cachedRow = kMaxHeatmapRows + 1;  // no row cached yet
            for (int y = 0; y < rows; ++y) {
                const double price = ps.yToPrice(pane.y + y + 0.5);
                const std::int64_t r = rowAt(price, multiple);
                std::uint32_t* dst = h.pixels.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(columns);
                if (r < lowRow || r > highRow) continue;
                const auto gridRow = static_cast<std::size_t>(highRow - r);
                if (static_cast<std::int64_t>(gridRow) != cachedRow) {
                    cachedRow = static_cast<std::int64_t>(gridRow);
                    const float* cells = grid.cells.data() + gridRow * grid.columns;
                    for (int c = 0; c < columns; ++c) {
                        const float v = cells[c];
                        // NaN (nothing sampled) and 0 are transparent.
                        rowPixels[static_cast<std::size_t>(c)] =
                            !(v > 0.0F) ? 0U
                                        : colours[index[static_cast<std::size_t>(
                                              std::min(v * toStep + 0.5F, static_cast<float>(kSteps)))]];
                    }
                }
                std::memcpy(dst, rowPixels.data(), rowPixels.size() * sizeof(std::uint32_t));
            }
        }

        // The newest book at the right edge of the pane: bids and asks as bars growing leftwards.
        const orderflow::HeatmapColumn& newest = (*m_heatmap)[m_heatmap->size() - 1];
        std::vector<float> sums;
        const std::int64_t colLow = floorDiv(newest.firstRow, multiple);
        const std::int64_t colHigh = floorDiv(newest.firstRow + static_cast<std::int64_t>(newest.sizes.size()) - 1, multiple);
        sums.assign(static_cast<std::size_t>(colHigh - colLow + 1), 0.0F);
        for (std::size_t k = 0; k < newest.sizes.size(); ++k)
            sums[static_cast<std::size_t>(floorDiv(newest.firstRow + static_cast<std::int64_t>(k), multiple) - colLow)] +=
                newest.sizes[k];
        float ladderMax = 0.0F;
        for (std::size_t k = 0; k < sums.size(); ++k) {
            const std::int64_t r = colLow + static_cast<std::int64_t>(k);
            if (r >= lowRow && r <= highRow) ladderMax = std::max(ladderMax, sums[k]);
        }
        h.ladderEdgeX = static_cast<float>(pane.right());
        const std::int64_t bidTop = newest.bestBidRow == orderflow::kNoRow ? colLow - 1 : floorDiv(newest.bestBidRow, multiple);
        for (std::size_t k = 0; k < sums.size() && ladderMax > 0.0F; ++k) {
            const std::int64_t r = colLow + static_cast<std::int64_t>(k);
            if (r < lowRow || r > highRow || sums[k] <= 0.0F) continue;
            const double y1 = ps.priceToY(static_cast<double>(r) * aggRow);
            const double y2 = ps.priceToY(static_cast<double>(r + 1) * aggRow);
            const auto top = static_cast<float>(std::min(y1, y2));
            const auto bottom = static_cast<float>(std::max(std::max(y1, y2), std::min(y1, y2) + 1.0));
            h.ladder.push_back(HeatmapLadderRow{top, bottom,
                                                static_cast<float>(m_options.ladderWidthPx * sums[k] / ladderMax),
                                                r <= bidTop});
        }
    }

    // The colour scale's legend at the pane's bottom left.
    h.legendBar = Rect{pane.x + 8.0, pane.bottom() - kLegendHeight - 8.0, kLegendWidth, kLegendHeight};
    h.legendColours.resize(kLegendHeight);
    for (int i = 0; i < kLegendHeight; ++i)
        h.legendColours[static_cast<std::size_t>(i)] = heatColour((i + 0.5) / kLegendHeight);
    const double textX = h.legendBar.right() + 4.0;
    const double lineH = 14.0;
    const auto label = [&](double y, std::string text, TextTone tone) {
        h.legendLabels.push_back(TextItem{Rect{textX, y - lineH / 2.0, 120.0, lineH}, std::move(text), tone,
                                          FontRole::Regular, TextAlign::Left, 0});
    };
    if (maxValue > 0.0F) {
        label(h.legendBar.y, formatVolume(maxValue, locale), TextTone::Normal);
        label(h.legendBar.bottom(), "0", TextTone::Normal);
    } else {
        label(h.legendBar.bottom(), "-", TextTone::Muted);  // nothing sampled in view yet
    }
    label(h.legendBar.y + h.legendBar.height / 2.0,
          m_options.heatmapScale == orderflow::HeatmapScale::Log ? "log" : "linear", TextTone::Muted);
}

void OrderFlowView::buildFootprint(const ChartModel& model, FrameItems& out) const {
    if (model.chartType() != ChartType::Footprint || !m_footprint || out.pixelColumns) return;
    const TimeScale& ts = model.timeScale();
    const double spacing = ts.barSpacing();
    if (spacing < 3.0) return;  // too narrow for cells: the candles alone
    const PriceScale& ps = model.priceScale();
    const market::CandleView bars = model.candles();
    const IndexRange range = ts.visibleRange();
    if (range.empty()) return;
    const double rowSize = m_footprint->rowSize().toDouble();
    const double midPrice = ps.yToPrice(out.layout.candlePane.centerY());
    const double pxPerBaseRow = std::fabs(ps.priceToY(midPrice) - ps.priceToY(midPrice + rowSize));
    const int multiple = orderflow::rowMultipleForZoom(pxPerBaseRow, m_options.minFootprintRowPx);
    const double aggRow = rowSize * multiple;
    const TextMeasurer& measure = model.textMeasurer();
    const TextLocale& locale = model.textLocale();
    const double paneX = out.layout.candlePane.x;
    if (m_cachedFootprint != m_footprint || m_levelCache.size() > 4 * static_cast<std::size_t>(range.count()) + 64) {
        m_levelCache.clear();
        m_cachedFootprint = m_footprint;
    }
    for (std::int64_t i = range.first; i <= range.last; ++i) {
        const orderflow::FootprintBar* bar = m_footprint->find(bars.openTime(static_cast<std::size_t>(i)));
        if (!bar || bar->trades == 0) continue;
        CachedLevels& cached = m_levelCache[bar->openTime];
        if (cached.trades != bar->trades || cached.multiple != multiple || cached.ratio != m_options.imbalanceRatio) {
            cached.levels = orderflow::levelsOf(*bar, multiple, m_options.imbalanceRatio);
            cached.trades = bar->trades;
            cached.multiple = multiple;
            cached.ratio = m_options.imbalanceRatio;
        }
        const orderflow::FootprintLevels& levels = cached.levels;
        const double x = paneX + ts.indexToX(static_cast<double>(i));
        FootprintBarItem item;
        // Wide bars: the candle thin at the left, the cells beside it; narrow ones: the cells fill
        // the slot over the candle (shading only).
        const bool wide = spacing >= kFootprintWideSpacing;
        item.left = static_cast<float>(x - spacing / 2.0 + (wide ? 7.0 : 0.5));
        item.right = static_cast<float>(x + spacing / 2.0 - (wide ? 2.0 : 0.5));
        item.deltaPositive = bar->delta() >= Decimal{};
        double largest = 0.0;
        for (const auto& l : levels.levels) largest = std::max({largest, l.buy, l.sell});
        const double half = (item.right - item.left) / 2.0 - 2.0;
        float lowestY = 0.0F;
        for (std::size_t k = 0; k < levels.levels.size(); ++k) {
            const orderflow::FootprintLevel& l = levels.levels[k];
            const double y1 = ps.priceToY(static_cast<double>(l.row) * aggRow);
            const double y2 = ps.priceToY(static_cast<double>(l.row + 1) * aggRow);
            FootprintCellItem cell;
            cell.topY = static_cast<float>(std::min(y1, y2));
            cell.bottomY = static_cast<float>(std::max(y1, y2));
            cell.sellShare = largest > 0.0 ? static_cast<float>(l.sell / largest) : 0.0F;
            cell.buyShare = largest > 0.0 ? static_cast<float>(l.buy / largest) : 0.0F;
            cell.buyImbalance = l.buyImbalance;
            cell.sellImbalance = l.sellImbalance;
            cell.poc = k == levels.pocIndex;
            lowestY = std::max(lowestY, cell.bottomY);
            // "sell | buy" when both numbers fit their half and the row is tall enough to read.
            if (cell.bottomY - cell.topY >= 11.0F && (l.buy > 0.0 || l.sell > 0.0)) {
                std::string sell = compactVolume(l.sell, locale);
                std::string buy = compactVolume(l.buy, locale);
                const FontRole sellFont = l.sellImbalance ? FontRole::Bold : FontRole::Regular;
                const FontRole buyFont = l.buyImbalance ? FontRole::Bold : FontRole::Regular;
                if (measure.textWidth(sell, sellFont) <= half && measure.textWidth(buy, buyFont) <= half) {
                    const double h = cell.bottomY - cell.topY;
                    // An imbalance's cell is filled with its side's colour: its number in the tag text.
                    item.texts.push_back(TextItem{Rect{item.left, cell.topY, half, h}, std::move(sell),
                                                  l.sellImbalance ? TextTone::Inverse : TextTone::Falling, sellFont,
                                                  TextAlign::Right, 0});
                    item.texts.push_back(TextItem{Rect{item.left + half + 4.0, cell.topY, half, h}, std::move(buy),
                                                  l.buyImbalance ? TextTone::Inverse : TextTone::Rising, buyFont,
                                                  TextAlign::Left, 0});
                }
            }
            item.cells.push_back(cell);
        }
        // The bar's delta under its lowest row, when it fits the slot.
        std::string delta = (item.deltaPositive ? "+" : "") + compactVolume(bar->delta().toDouble(), locale);
        if (measure.textWidth(delta, FontRole::Regular) <= spacing - 4.0)
            item.texts.push_back(TextItem{Rect{x - spacing / 2.0, lowestY + 2.0, spacing, 14.0}, std::move(delta),
                                          item.deltaPositive ? TextTone::Rising : TextTone::Falling, FontRole::Regular,
                                          TextAlign::Center, 0});
        out.footprint.push_back(std::move(item));
    }
}

void OrderFlowView::buildBubbles(const ChartModel& model, FrameItems& out) const {
    if (!m_options.bigTrades || !m_bigTrades || m_bigTrades->size() == 0) return;
    const auto map = timeAxisMap(model);
    if (!map) return;
    const Rect pane = out.layout.candlePane;
    const PriceScale& ps = model.priceScale();
    const double minValue = m_bigTrades->minValue();
    for (const orderflow::BigTrade& t : m_bigTrades->trades()) {
        if (t.value < minValue) continue;  // kept under a lower threshold
        const double x = map->xOf(t.timeMs);
        if (x < pane.x || x > pane.right()) continue;
        const double y = ps.priceToY(t.price);
        if (y < pane.y || y > pane.bottom()) continue;
        out.bubbles.push_back(BubbleItem{static_cast<float>(x), static_cast<float>(y),
                                         static_cast<float>(orderflow::bubbleRadius(t.value, minValue, 3.0, 24.0)), t.buy});
    }
}

}  // namespace cpc::chart
