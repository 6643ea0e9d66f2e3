#pragma once
// Order-book heatmap history: the resting size of the synced local book per price row, sampled into
// one column per 100 ms slot, kept for a bounded span (15 minutes by default: 9,000 columns of at
// most 1,000 rows, ≤ 36 MB), and aggregated for drawing (grid()) into at most one cell per pixel:
// rows summed into a multiple of the base row size, columns of a pixel taken at their maximum, so a
// large order resting for a moment still shows when zoomed out. Qt-free; owned by one thread.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <vector>

#include "cpc/core/decimal.hpp"
#include "cpc/feed/feed_events.hpp"
#include "cpc/feed/order_book.hpp"

namespace cpc::orderflow {

inline constexpr std::int64_t kNoRow = std::numeric_limits<std::int64_t>::min();

struct HeatmapColumn {
    std::int64_t timeMs = 0;     // start of its slot (a multiple of the column time)
    std::int64_t firstRow = 0;   // row index of sizes[0]; row r covers [r·rowSize, (r+1)·rowSize)
    std::vector<float> sizes;    // resting base quantity per row, bids and asks together
    std::int64_t bestBidRow = kNoRow, bestAskRow = kNoRow;
    float maxSize = 0.0f;
};

struct HeatmapConfig {
    Decimal rowSize = Decimal::fromInt(1);  // base row: the tick size or a multiple; > 0
    std::int64_t columnMs = 100;
    std::size_t maxColumns = 9'000;         // 15 minutes of 100 ms columns
    std::size_t maxRows = 1'000;            // rows kept per column, centred on the mid
};

// What grid() hands the renderer: rows × columns cells, row 0 the highest price (as drawn),
// column 0 the oldest; NaN where nothing was sampled. firstRow/rowMultiple: the price of
// row k (counted from the bottom) is (firstRow + k) · rowMultiple · rowSize.
struct HeatmapGrid {
    std::size_t rows = 0, columns = 0;
    std::int64_t lowRow = 0;   // aggregated row index of the bottom row
    int rowMultiple = 1;
    std::vector<float> cells;  // row-major, top row first
    float maxValue = 0.0f;
    float at(std::size_t row, std::size_t column) const { return cells[row * columns + column]; }
};

class BookHeatmap {
public:
    explicit BookHeatmap(HeatmapConfig config = {});

    const HeatmapConfig& config() const { return m_config; }
    std::int64_t rowOf(Decimal price) const;

    // Records the book's state for the slot holding timeMs: a new column, or the slot's column
    // replaced (the newest state of a slot wins). An unsynced book or a time before the newest
    // column is ignored (returns false). O(rows kept).
    bool sample(const feed::LocalOrderBook& book, std::int64_t timeMs);
    bool sample(const feed::OrderBookView& view, std::int64_t timeMs);
    void clear() {
        m_columns.clear();
        m_blocks.clear();
        ++m_version;
        ++m_generation;
    }
    // Changes with every accepted sample and every clear(): a view that keeps what it drew from
    // the heatmap knows from it when to look again.
    std::uint64_t version() const { return m_version; }
    std::uint64_t generation() const { return m_generation; }  // changes with clear() alone

    std::size_t size() const { return m_columns.size(); }
    const HeatmapColumn& operator[](std::size_t i) const { return m_columns[i]; }
    // Index of the newest column at or before timeMs; size() when there is none.
    std::size_t columnAt(std::int64_t timeMs) const;

    // The cells of [fromMs, toMs) in `columns` equal time steps and of the rows [lowRow, highRow]
    // at rowMultiple × the base row (aggregated indices). A cell between two samples holds the
    // older one's state while it is younger than a second (the book rests until the next sample);
    // before the first sample, or after a longer silence, it is NaN.
    HeatmapGrid grid(std::int64_t fromMs, std::int64_t toMs, std::size_t columns, std::int64_t lowRow,
                     std::int64_t highRow, int rowMultiple) const;
    // The same with the columns' times given: column c spans [edges[c], edges[c + 1]) (rising);
    // stepMs is the columns' nominal width, which chooses the blocks as grid() does. A view that
    // keeps columns between frames asks for the new ones alone, at the same edges as before.
    HeatmapGrid gridAt(const std::vector<std::int64_t>& edges, double stepMs, std::int64_t lowRow,
                       std::int64_t highRow, int rowMultiple) const;
    // The same into `out`, whose memory is reused (a frame allocates nothing once it settled).
    void gridAt(const std::vector<std::int64_t>& edges, double stepMs, std::int64_t lowRow, std::int64_t highRow,
                int rowMultiple, HeatmapGrid& out) const;

    // Columns are also folded into blocks of this many slots (each row's maximum), which grid()
    // reads when a pixel spans a block or more.
    static constexpr std::int64_t kBlockSamples = 4;
    std::size_t blockCount() const { return m_blocks.size(); }

private:
    template <class Bids, class Asks>
    bool sampleLevels(const Bids& bids, const Asks& asks, std::int64_t timeMs);
    void mergeIntoBlock(const HeatmapColumn& column);
    std::int64_t blockMs() const { return kBlockSamples * m_config.columnMs; }

    HeatmapConfig m_config;
    std::deque<HeatmapColumn> m_columns;
    std::deque<HeatmapColumn> m_blocks;
    std::uint64_t m_version = 0;
    std::uint64_t m_generation = 0;
};

// Maps a resting size to [0, 1] for the colour scale: linear (size / max) or logarithmic
// (log1p(size) / log1p(max)). 0 for no size, 1 at and above max.
enum class HeatmapScale : unsigned char { Linear, Log };
double heatmapIntensity(double size, double maxSize, HeatmapScale scale);

}  // namespace cpc::orderflow
