#include "cpc/orderflow/book_heatmap.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace cpc::orderflow {

namespace {

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    if (a % b != 0 && ((a < 0) != (b < 0))) --q;
    return q;
}

// The longest gap a sample is carried over: the book rests between samples, but a feed that fell
// silent (a reconnect) must show as a gap.
constexpr std::int64_t kCarryMs = 1'000;

}  // namespace

BookHeatmap::BookHeatmap(HeatmapConfig config) : m_config(config) {
    if (m_config.rowSize.units() <= 0) throw std::invalid_argument("heatmap row size must be positive");
    m_config.columnMs = std::max<std::int64_t>(1, m_config.columnMs);
    m_config.maxColumns = std::max<std::size_t>(1, m_config.maxColumns);
    m_config.maxRows = std::max<std::size_t>(2, m_config.maxRows);
}

std::int64_t BookHeatmap::rowOf(Decimal price) const {
    const Int128 a = price.units();
    const Int128 b = m_config.rowSize.units();
    Int128 q = a / b;
    if (a % b != 0 && a < 0) --q;
    return static_cast<std::int64_t>(q);
}

template <class Bids, class Asks>
bool BookHeatmap::sampleLevels(const Bids& bids, const Asks& asks, std::int64_t timeMs) {
    const std::int64_t slot = floorDiv(timeMs, m_config.columnMs) * m_config.columnMs;
    if (!m_columns.empty() && slot < m_columns.back().timeMs) return false;
    HeatmapColumn column;
    column.timeMs = slot;
    if (!bids.empty()) column.bestBidRow = rowOf(bids.begin()->price);
    if (!asks.empty()) column.bestAskRow = rowOf(asks.begin()->price);
    if (column.bestBidRow == kNoRow && column.bestAskRow == kNoRow) return false;
    const std::int64_t mid = column.bestBidRow == kNoRow   ? column.bestAskRow
                             : column.bestAskRow == kNoRow ? column.bestBidRow
                                                           : floorDiv(column.bestBidRow + column.bestAskRow, 2);
    const auto half = static_cast<std::int64_t>(m_config.maxRows / 2);
    column.firstRow = mid - half;
    const std::int64_t lastRow = column.firstRow + static_cast<std::int64_t>(m_config.maxRows) - 1;
    column.sizes.assign(m_config.maxRows, 0.0f);
    // Levels are summed exactly per row (several ticks in a coarser row), converted once.
    std::vector<Decimal> sums(m_config.maxRows);
    for (const auto& level : bids) {  // best first, downwards
        const std::int64_t row = rowOf(level.price);
        if (row < column.firstRow) break;
        if (row <= lastRow) sums[static_cast<std::size_t>(row - column.firstRow)] += level.quantity;
    }
    for (const auto& level : asks) {  // best first, upwards
        const std::int64_t row = rowOf(level.price);
        if (row > lastRow) break;
        if (row >= column.firstRow) sums[static_cast<std::size_t>(row - column.firstRow)] += level.quantity;
    }
    for (std::size_t i = 0; i < sums.size(); ++i) {
        column.sizes[i] = static_cast<float>(sums[i].toDouble());
        column.maxSize = std::max(column.maxSize, column.sizes[i]);
    }
    mergeIntoBlock(column);
    if (!m_columns.empty() && m_columns.back().timeMs == slot) {
        m_columns.back() = std::move(column);
    } else {
        m_columns.push_back(std::move(column));
        if (m_columns.size() > m_config.maxColumns) m_columns.pop_front();
    }
    // Blocks older than every column kept go with them.
    while (!m_blocks.empty() && m_blocks.front().timeMs + blockMs() <= m_columns.front().timeMs) m_blocks.pop_front();
    ++m_version;
    return true;
}

void BookHeatmap::mergeIntoBlock(const HeatmapColumn& column) {
    const std::int64_t slot = floorDiv(column.timeMs, blockMs()) * blockMs();
    if (m_blocks.empty() || m_blocks.back().timeMs != slot) {
        m_blocks.push_back(column);
        m_blocks.back().timeMs = slot;
        return;
    }
    // The maximum of each row over the block's samples, over the union of their rows.
    HeatmapColumn& b = m_blocks.back();
    const std::int64_t first = std::min(b.firstRow, column.firstRow);
    const std::int64_t last = std::max(b.firstRow + static_cast<std::int64_t>(b.sizes.size()),
                                       column.firstRow + static_cast<std::int64_t>(column.sizes.size()));
    if (first != b.firstRow || last != b.firstRow + static_cast<std::int64_t>(b.sizes.size())) {
        std::vector<float> grown(static_cast<std::size_t>(last - first), 0.0F);
        std::copy(b.sizes.begin(), b.sizes.end(), grown.begin() + (b.firstRow - first));
        b.sizes = std::move(grown);
        b.firstRow = first;
    }
    float* dst = b.sizes.data() + (column.firstRow - b.firstRow);
    for (std::size_t k = 0; k < column.sizes.size(); ++k) dst[k] = std::max(dst[k], column.sizes[k]);
    b.maxSize = std::max(b.maxSize, column.maxSize);
    b.bestBidRow = column.bestBidRow;
    b.bestAskRow = column.bestAskRow;
}


bool BookHeatmap::sample(const feed::OrderBookView& view, std::int64_t timeMs) {
    return sampleLevels(view.bids, view.asks, timeMs);
}

bool BookHeatmap::sample(const feed::LocalOrderBook& book, std::int64_t timeMs) {
    if (!book.synced()) return false;
    // Only the rows kept are read: copy the levels of each side up to the window's edge.
    const auto keepRows = static_cast<std::int64_t>(m_config.maxRows);
    std::vector<exchange::PriceLevel> bids, asks;
    const std::int64_t bestBid = book.bids().empty() ? kNoRow : rowOf(book.bids().begin()->first);
    const std::int64_t bestAsk = book.asks().empty() ? kNoRow : rowOf(book.asks().begin()->first);
    for (const auto& [price, qty] : book.bids()) {
        if (bestAsk != kNoRow ? rowOf(price) < bestAsk - keepRows : rowOf(price) < bestBid - keepRows) break;
        bids.push_back({price, qty});
    }
    for (const auto& [price, qty] : book.asks()) {
        if (bestBid != kNoRow ? rowOf(price) > bestBid + keepRows : rowOf(price) > bestAsk + keepRows) break;
        asks.push_back({price, qty});
    }
    return sampleLevels(bids, asks, timeMs);
}

std::size_t BookHeatmap::columnAt(std::int64_t timeMs) const {
    const auto it = std::upper_bound(m_columns.begin(), m_columns.end(), timeMs,
                                     [](std::int64_t t, const HeatmapColumn& c) { return t < c.timeMs; });
    return it == m_columns.begin() ? m_columns.size() : static_cast<std::size_t>(it - m_columns.begin()) - 1;
}

HeatmapGrid BookHeatmap::grid(std::int64_t fromMs, std::int64_t toMs, std::size_t columns, std::int64_t lowRow,
                              std::int64_t highRow, int rowMultiple) const {
    if (columns == 0 || toMs <= fromMs || highRow < lowRow) {
        HeatmapGrid g;
        g.rowMultiple = std::max(1, rowMultiple);
        return g;
    }
    const double step = static_cast<double>(toMs - fromMs) / static_cast<double>(columns);
    std::vector<std::int64_t> edges(columns + 1);
    for (std::size_t c = 0; c <= columns; ++c)
        edges[c] = fromMs + static_cast<std::int64_t>(std::floor(step * static_cast<double>(c)));
    return gridAt(edges, step, lowRow, highRow, rowMultiple);
}

HeatmapGrid BookHeatmap::gridAt(const std::vector<std::int64_t>& edges, double stepMs, std::int64_t lowRow,
                                std::int64_t highRow, int rowMultiple) const {
    HeatmapGrid g;
    gridAt(edges, stepMs, lowRow, highRow, rowMultiple, g);
    return g;
}

void BookHeatmap::gridAt(const std::vector<std::int64_t>& edges, double stepMs, std::int64_t lowRow, std::int64_t highRow,
                         int rowMultiple, HeatmapGrid& g) const {
    g.rowMultiple = std::max(1, rowMultiple);
    g.rows = g.columns = 0;
    g.maxValue = 0.0F;
    g.cells.clear();
    if (edges.size() < 2 || highRow < lowRow) return;
    const std::size_t columns = edges.size() - 1;
    const std::int64_t fromMs = edges.front();
    g.columns = columns;
    g.rows = static_cast<std::size_t>(highRow - lowRow + 1);
    g.lowRow = lowRow;
    g.cells.assign(g.rows * g.columns, std::numeric_limits<float>::quiet_NaN());
    const std::int64_t m = g.rowMultiple;
    const double step = stepMs;
    std::vector<float> cell(g.rows);
    std::vector<float> summed;
    // Zoomed out so far that a pixel spans a whole block or more: read the blocks (the maximum of
    // kBlockSamples columns each), a quarter of the data, for the same maxima.
    const bool useBlocks = step >= static_cast<double>(blockMs());
    const std::deque<HeatmapColumn>& source = useBlocks ? m_blocks : m_columns;
    const auto at = [&](std::int64_t t) {
        const auto it = std::upper_bound(source.begin(), source.end(), t,
                                         [](std::int64_t v, const HeatmapColumn& c) { return v < c.timeMs; });
        return it == source.begin() ? source.size() : static_cast<std::size_t>(it - source.begin()) - 1;
    };
    const std::int64_t span = useBlocks ? blockMs() - 1 : 0;
    std::size_t next = source.empty() ? 0 : at(fromMs);
    if (next == source.size()) next = 0;  // no column at or before fromMs: start at the first
    for (std::size_t c = 0; c < columns; ++c) {
        const std::int64_t start = edges[c];
        const std::int64_t end = edges[c + 1];
        // The samples in [start, end); if none, the newest before start while it is fresh.
        std::size_t first = next;
        // A block that began before the pixel but reaches into it counts too (a maximum may count
        // it in two pixels; it never drops it).
        while (first < source.size() && source[first].timeMs + span < start) ++first;
        std::size_t last = first;
        while (last < source.size() && source[last].timeMs < std::max(end, start + 1)) ++last;
        if (first == last) {
            if (first == 0 || start - source[first - 1].timeMs >= kCarryMs) {
                next = first;
                continue;
            }
            --first;  // carry the state that still rests
        }
        next = last;
        std::fill(cell.begin(), cell.end(), 0.0f);
        for (std::size_t s = first; s < last; ++s) {
            const HeatmapColumn& col = source[s];
            // Rows of this sample inside [lowRow, highRow] at the aggregated size.
            const std::int64_t colLow = std::max(floorDiv(col.firstRow, m), lowRow);
            const std::int64_t colHigh =
                std::min(floorDiv(col.firstRow + static_cast<std::int64_t>(col.sizes.size()) - 1, m), highRow);
            if (colLow > colHigh) continue;
            const float* src;
            if (m == 1) {
                src = col.sizes.data() + (colLow - col.firstRow);
            } else {
                // Sum the base rows into the aggregated rows first (one pass over the column), so
                // the maximum below is the same contiguous loop as at the base size.
                summed.assign(static_cast<std::size_t>(colHigh - colLow + 1), 0.0F);
                const std::int64_t b0 = std::max(colLow * m, col.firstRow);
                const std::int64_t b1 =
                    std::min(colHigh * m + m - 1, col.firstRow + static_cast<std::int64_t>(col.sizes.size()) - 1);
                const float* base = col.sizes.data() + (b0 - col.firstRow);
                std::int64_t b = b0;
                while (b <= b1) {
                    const std::int64_t r = floorDiv(b, m);
                    const std::int64_t rowEnd = std::min(r * m + m - 1, b1);
                    float acc = 0.0F;
                    for (; b <= rowEnd; ++b) acc += base[b - b0];
                    summed[static_cast<std::size_t>(r - colLow)] = acc;
                }
                src = summed.data();
            }
            float* dst = cell.data() + (colLow - lowRow);
            const auto n = static_cast<std::size_t>(colHigh - colLow + 1);
            for (std::size_t k = 0; k < n; ++k) dst[k] = std::max(dst[k], src[k]);
        }
        for (std::size_t r = 0; r < g.rows; ++r) {
            const float v = cell[r];
            g.cells[(g.rows - 1 - r) * g.columns + c] = v;  // top row first
            g.maxValue = std::max(g.maxValue, v);
        }
    }
}

double heatmapIntensity(double size, double maxSize, HeatmapScale scale) {
    if (!(size > 0.0) || !(maxSize > 0.0)) return 0.0;
    if (size >= maxSize) return 1.0;
    return scale == HeatmapScale::Linear ? size / maxSize : std::log1p(size) / std::log1p(maxSize);
}

}  // namespace cpc::orderflow
