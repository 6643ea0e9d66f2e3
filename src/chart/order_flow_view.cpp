#include "cpc/chart/order_flow_view.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <utility>

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
    if (model.chartType() == ChartType::Footprint && !m_options.footprintNote.empty()) {
        // A bar item of its own without cells: drawn with the footprint's texts.
        const Rect pane = out.layout.candlePane;
        FootprintBarItem note;
        note.texts.push_back(TextItem{Rect{pane.x + 8.0, pane.y + 4.0, pane.width - 16.0, 16.0}, m_options.footprintNote,
                                      TextTone::Strong, FontRole::Regular, TextAlign::Right, 0});
        out.footprint.push_back(std::move(note));
    }
}

void OrderFlowView::buildHeatmap(const ChartModel& model, FrameItems& out) const {
    if (!m_options.heatmap || !m_heatmap) return;
    const auto map = timeAxisMap(model);
    if (!map) return;
    HeatmapItem& h = out.heatmap;
    h.visible = true;
    h.pixels.reset();
    h.bands.clear();
    h.columns = h.rows = h.stride = h.offset = 0;
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
        maxValue = buildHeatmapImage(model, *map, pane, multiple, lowRow, highRow, h);
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

float OrderFlowView::buildHeatmapImage(const ChartModel& model, const TimeAxisMap& map, const Rect& pane, int multiple,
                                       std::int64_t lowRow, std::int64_t highRow, HeatmapItem& h) const {
    const orderflow::BookHeatmap& heat = *m_heatmap;
    HeatmapCache& c = m_heat;
    const double pxPerMs = map.pxPerMs;
    if (!(pxPerMs > 0.0) || highRow < lowRow) return 0.0F;
    // x of absolute column 0: column k's left edge is base + k.
    const double base = map.x0 - static_cast<double>(map.t0) * pxPerMs;
    const auto columnOf = [pxPerMs](std::int64_t t) {
        return static_cast<std::int64_t>(std::floor(static_cast<double>(t) * pxPerMs));
    };
    const auto edgeOf = [pxPerMs](std::int64_t k) {
        return static_cast<std::int64_t>(std::floor(static_cast<double>(k) / pxPerMs));
    };
    const std::int64_t firstMs = heat[0].timeMs;
    const std::int64_t lastMs = heat[heat.size() - 1].timeMs;
    const std::int64_t kp0 = static_cast<std::int64_t>(std::floor(pane.x - base));
    const std::int64_t kp1 = static_cast<std::int64_t>(std::ceil(pane.right() - base));
    if (kp1 <= kp0) return 0.0F;
    const std::int64_t visibleRows = highRow - lowRow + 1;

    const bool restart = c.source != &heat || c.generation != heat.generation() || c.pxPerMs != pxPerMs ||
                         c.multiple != multiple || lowRow < c.lowRow || highRow > c.highRow ||
                         c.rows() > 4 * visibleRows + 64 || firstMs < c.firstSampleMs || lastMs < c.lastSampleMs;
    // Columns whose cells a change of the heatmap reached: from shortly before the newest sample
    // the cache saw (its slot may have been replaced, its block grown, a carried state ended), and
    // those of samples dropped at the old end.
    std::int64_t dirtyFrom = std::numeric_limits<std::int64_t>::max();
    std::int64_t dirtyBefore = std::numeric_limits<std::int64_t>::min();
    if (restart) {
        const std::int64_t pad = visibleRows / 4 + 8;  // an autoscale within it keeps the cache
        c.columns = 0;  // nothing kept (the buffers are, for their memory)
        c.colourMax = -1.0F;
        c.source = &heat;
        c.generation = heat.generation();
        c.pxPerMs = pxPerMs;
        c.multiple = multiple;
        c.lowRow = std::max<std::int64_t>(0, lowRow - pad);
        c.highRow = std::max(highRow + pad, c.lowRow);
    } else if (heat.version() != c.version) {
        const std::int64_t reach = (orderflow::BookHeatmap::kBlockSamples + 1) * heat.config().columnMs;
        dirtyFrom = columnOf(c.lastSampleMs - reach) - 1;
        if (firstMs != c.firstSampleMs) dirtyBefore = columnOf(firstMs + reach) + 2;
    }
    const int rows = c.rows();
    const auto R = static_cast<std::size_t>(rows);

    // The pane's columns: kept where the window overlaps the last one.
    const int n = static_cast<int>(kp1 - kp0);
    const auto N = static_cast<std::size_t>(n);
    const auto unshared = [](std::shared_ptr<std::vector<std::uint32_t>>& spare) {
        if (!spare || spare.use_count() > 1) spare = std::make_shared<std::vector<std::uint32_t>>();
        return spare;
    };
    if (!c.pixels || c.firstColumn != kp0 || c.columns != n) {
        // Into the spare buffers (their memory kept: fresh pages cost more than the work here).
        std::vector<float>& cells = c.spareCells;
        std::vector<float>& columnMax = c.spareColumnMax;
        std::vector<char>& computed = c.spareComputed;
        // Only columns marked computed are ever read or drawn: the rest need no first value.
        cells.resize(R * N);
        columnMax.assign(N, 0.0F);
        computed.assign(N, 0);
        auto pixels = unshared(c.sparePixels);
        pixels->resize(R * N);
        const std::int64_t o0 = std::max(kp0, c.firstColumn);
        const std::int64_t o1 = std::min(kp1, c.firstColumn + c.columns);
        if (c.pixels && o1 > o0) {
            const auto from = static_cast<std::size_t>(o0 - c.firstColumn);
            const auto to = static_cast<std::size_t>(o0 - kp0);
            const auto len = static_cast<std::size_t>(o1 - o0);
            const auto oldN = static_cast<std::size_t>(c.columns);
            for (std::size_t r = 0; r < R; ++r) {
                std::memcpy(cells.data() + r * N + to, c.cells.data() + r * oldN + from, len * sizeof(float));
                std::memcpy(pixels->data() + r * N + to, c.pixels->data() + r * oldN + from, len * sizeof(std::uint32_t));
            }
            std::copy_n(c.columnMax.begin() + static_cast<std::ptrdiff_t>(from), len, columnMax.begin() + static_cast<std::ptrdiff_t>(to));
            std::copy_n(c.computed.begin() + static_cast<std::ptrdiff_t>(from), len, computed.begin() + static_cast<std::ptrdiff_t>(to));
        }
        c.cells.swap(cells);
        c.columnMax.swap(columnMax);
        c.computed.swap(computed);
        c.sparePixels = std::move(c.pixels);
        c.pixels = std::move(pixels);
        c.firstColumn = kp0;
        c.columns = n;
    } else if (c.pixels.use_count() > 1) {
        auto copy = unshared(c.sparePixels);  // a frame still shows the current one
        *copy = *c.pixels;
        c.sparePixels = std::move(c.pixels);
        c.pixels = std::move(copy);
    }
    c.version = heat.version();
    c.firstSampleMs = firstMs;
    c.lastSampleMs = lastMs;

    // The columns with samples (up to the newest slot's end), and among them those to compute.
    const std::int64_t kd0 = std::max(kp0, columnOf(firstMs));
    const std::int64_t kd1 = std::min(kp1, columnOf(lastMs + heat.config().columnMs - 1) + 1);
    if (kd1 <= kd0) return 0.0F;
    std::vector<std::pair<std::int64_t, std::int64_t>> fresh;  // runs of columns computed in this frame
    std::vector<std::int64_t> edges;
    for (std::int64_t k = kd0; k < kd1;) {
        const auto needs = [&](std::int64_t j) {
            return c.computed[static_cast<std::size_t>(j - kp0)] == 0 || j >= dirtyFrom || j < dirtyBefore;
        };
        if (!needs(k)) {
            ++k;
            continue;
        }
        std::int64_t end = k + 1;
        while (end < kd1 && needs(end)) ++end;
        edges.clear();
        for (std::int64_t j = k; j <= end; ++j) edges.push_back(edgeOf(j));
        orderflow::HeatmapGrid& grid = c.scratch;
        heat.gridAt(edges, 1.0 / pxPerMs, c.lowRow, c.highRow, multiple, grid);
        // Row by row (the arrays are row-major: a column at a time would touch a cache line per cell).
        const auto col0 = static_cast<std::size_t>(k - kp0);
        const auto count = static_cast<std::size_t>(end - k);
        float* top = c.columnMax.data() + col0;
        std::fill_n(top, count, 0.0F);
        for (std::size_t r = 0; r < R; ++r) {
            const float* src = grid.cells.data() + r * grid.columns;
            std::memcpy(c.cells.data() + r * N + col0, src, count * sizeof(float));
            for (std::size_t j = 0; j < count; ++j)
                if (src[j] > top[j]) top[j] = src[j];
        }
        std::fill_n(c.computed.begin() + static_cast<std::ptrdiff_t>(col0), count, char{1});
        fresh.emplace_back(k, end);
        k = end;
    }

    // Colours: scaled to the largest size on screen; all of them again when that changed.
    float maxValue = 0.0F;
    for (std::int64_t k = kd0; k < kd1; ++k) maxValue = std::max(maxValue, c.columnMax[static_cast<std::size_t>(k - kp0)]);
    const bool recolourAll = maxValue != c.colourMax || m_options.heatmapScale != c.colourScale;
    if (recolourAll || !fresh.empty()) {
        const auto& colours = palette();
        // Size → colour index through a table of the size's share of the largest (a log per cell
        // cost more than the rest of the frame).
        constexpr int kSteps = 4'096;
        std::array<std::uint8_t, kSteps + 1> index{};
        for (int k = 0; k <= kSteps; ++k)
            index[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(std::lround(
                orderflow::heatmapIntensity(static_cast<double>(maxValue) * k / kSteps, maxValue, m_options.heatmapScale) *
                255.0));
        const float toStep = maxValue > 0.0F ? static_cast<float>(kSteps) / maxValue : 0.0F;
        const auto colourOf = [&](float v) {
            // NaN (nothing sampled) and 0 are transparent.
            return !(v > 0.0F) ? 0U
                               : colours[index[static_cast<std::size_t>(std::min(v * toStep + 0.5F, static_cast<float>(kSteps)))]];
        };
        std::uint32_t* px = c.pixels->data();
        const auto colour = [&](std::int64_t from, std::int64_t to) {
            const auto a = static_cast<std::size_t>(from - kp0);
            const auto b = static_cast<std::size_t>(to - kp0);
            for (std::size_t r = 0; r < R; ++r)
                for (std::size_t col = a; col < b; ++col) px[r * N + col] = colourOf(c.cells[r * N + col]);
        };
        if (recolourAll) {
            colour(kd0, kd1);
            c.colourMax = maxValue;
            c.colourScale = m_options.heatmapScale;
        } else {
            for (const auto& [from, to] : fresh) colour(from, to);
        }
    }

    // The image: the columns with samples, the rows on screen, stretched over the price axis.
    const PriceScale& ps = model.priceScale();
    const double aggRow = m_heatmap->config().rowSize.toDouble() * multiple;
    // Image row i is aggregated row highRow − i; its top edge is that row's upper price.
    const auto edgeY = [&](std::int64_t i) {
        const double price = static_cast<double>(c.highRow - i + 1) * aggRow;
        return static_cast<float>(ps.priceToY(ps.mode() == PriceScaleMode::Logarithmic ? std::max(price, aggRow * 1e-3) : price));
    };
    const std::int64_t i0 = std::clamp<std::int64_t>(c.highRow - highRow, 0, rows);
    const std::int64_t i1 = std::clamp<std::int64_t>(c.highRow - lowRow + 1, 0, rows);
    if (i1 <= i0) return maxValue;
    // A logarithmic axis is not linear in price: follow it in bands of a few rows.
    const std::int64_t bandRows = ps.mode() == PriceScaleMode::Logarithmic ? 8 : i1 - i0;
    for (std::int64_t a = i0; a < i1; a += bandRows) {
        const std::int64_t b = std::min(i1, a + bandRows);
        h.bands.push_back(HeatmapBand{static_cast<int>(a), static_cast<int>(b), edgeY(a), edgeY(b)});
    }
    const float yA = h.bands.front().yFirst;
    const float yB = h.bands.back().yEnd;
    h.pixels = c.pixels;
    h.stride = n;
    h.offset = static_cast<int>(kd0 - kp0);
    h.columns = static_cast<int>(kd1 - kd0);
    h.rows = rows;
    h.area = Rect{base + static_cast<double>(kd0), std::min(yA, yB), static_cast<double>(h.columns), std::fabs(yB - yA)};
    return maxValue;
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
    // The rows the pane shows (at the zoom's multiple), and the narrowest number.
    const Rect& pane = out.layout.candlePane;
    const double priceA = ps.yToPrice(pane.y), priceB = ps.yToPrice(pane.bottom());
    const auto rowBelow = static_cast<std::int64_t>(std::floor(std::min(priceA, priceB) / aggRow)) - 1;
    const auto rowAbove = static_cast<std::int64_t>(std::floor(std::max(priceA, priceB) / aggRow)) + 1;
    if (m_digitMeasurer != &measure) {
        m_digitWidth = measure.textWidth("0", FontRole::Regular);
        m_digitMeasurer = &measure;
    }
    const double digitWidth = m_digitWidth;
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
            cached.texts.clear();
            cached.delta.clear();
        }
        const orderflow::FootprintLevels& levels = cached.levels;
        if (cached.decimalPoint != locale.decimalPoint) {
            cached.texts.clear();
            cached.delta.clear();
            cached.decimalPoint = locale.decimalPoint;
        }
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
        // Numbers only where one digit fits a half: narrower cells are shading only, and nothing
        // is formatted or measured for them.
        const bool numbers = half >= digitWidth;
        if (numbers && cached.texts.size() != levels.levels.size()) cached.texts.assign(levels.levels.size(), LevelTexts{});
        // Only the rows on screen: levels are ascending, so the visible ones are one run.
        const auto first = static_cast<std::size_t>(std::clamp<std::int64_t>(
            rowBelow - (levels.levels.empty() ? 0 : levels.levels.front().row), 0,
            static_cast<std::int64_t>(levels.levels.size())));
        const auto last = static_cast<std::size_t>(std::clamp<std::int64_t>(
            rowAbove - (levels.levels.empty() ? 0 : levels.levels.front().row) + 1, 0,
            static_cast<std::int64_t>(levels.levels.size())));
        float lowestY = 0.0F;
        item.cells.reserve(last > first ? last - first : 0);
        for (std::size_t k = first; k < last; ++k) {
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
            if (numbers && cell.bottomY - cell.topY >= 11.0F && (l.buy > 0.0 || l.sell > 0.0)) {
                const FontRole sellFont = l.sellImbalance ? FontRole::Bold : FontRole::Regular;
                const FontRole buyFont = l.buyImbalance ? FontRole::Bold : FontRole::Regular;
                LevelTexts& t = cached.texts[k];
                if (t.sell.empty()) {
                    t.sell = compactVolume(l.sell, locale);
                    t.buy = compactVolume(l.buy, locale);
                    t.sellWidth = measure.textWidth(t.sell, sellFont);
                    t.buyWidth = measure.textWidth(t.buy, buyFont);
                }
                if (t.sellWidth <= half && t.buyWidth <= half) {
                    const double h = cell.bottomY - cell.topY;
                    // An imbalance's cell is filled with its side's colour: its number in the tag text.
                    item.texts.push_back(TextItem{Rect{item.left, cell.topY, half, h}, t.sell,
                                                  l.sellImbalance ? TextTone::Inverse : TextTone::Falling, sellFont,
                                                  TextAlign::Right, 0});
                    item.texts.push_back(TextItem{Rect{item.left + half + 4.0, cell.topY, half, h}, t.buy,
                                                  l.buyImbalance ? TextTone::Inverse : TextTone::Rising, buyFont,
                                                  TextAlign::Left, 0});
                }
            }
            item.cells.push_back(cell);
        }
        // The bar's delta under its lowest row, when it fits the slot and the pane.
        if (first < last && lowestY + 16.0 <= pane.bottom()) {
            if (spacing - 4.0 >= 3.0 * digitWidth) {
                if (cached.delta.empty()) {
                    cached.delta = (item.deltaPositive ? "+" : "") + compactVolume(bar->delta().toDouble(), locale);
                    cached.deltaWidth = measure.textWidth(cached.delta, FontRole::Regular);
                }
                if (cached.deltaWidth <= spacing - 4.0)
                    item.texts.push_back(TextItem{Rect{x - spacing / 2.0, lowestY + 2.0, spacing, 14.0}, cached.delta,
                                                  item.deltaPositive ? TextTone::Rising : TextTone::Falling,
                                                  FontRole::Regular, TextAlign::Center, 0});
            }
        }
        if (item.cells.empty()) continue;
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
