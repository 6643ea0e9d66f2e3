#pragma once
// Footprint candles: for each bar, the traded volume at each price row split by aggressor (what
// aggressive buyers lifted from the asks, what aggressive sellers hit on the bids), the bar's delta
// and its point of control (POC, the row with the most volume), built from trades at O(1) per trade.
//
// Rows are kept at the finest size given (the symbol's tick size, or a multiple of it); a chart
// zoomed out asks for rows of a whole multiple of that size (rowMultipleForZoom) and gets them
// summed (levels()). Volumes are exact (Decimal): a row equals the sum of its trades to the last
// satoshi. Qt-free; owned by one thread.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <unordered_map>
#include <vector>

#include "cpc/core/decimal.hpp"
#include "cpc/core/interval.hpp"
#include "cpc/exchange/events.hpp"

namespace cpc::orderflow {

struct SideVolumes {
    Decimal buy;   // aggressive buyers (the buyer was the taker: buyerIsMaker == false)
    Decimal sell;  // aggressive sellers
    Decimal total() const { return buy + sell; }
    bool operator==(const SideVolumes&) const = default;
};

// One footprint bar at the series' base row size. rows: row index (floor(price / rowSize)) →
// volumes; only rows that traded are present.
struct FootprintBar {
    std::int64_t openTime = 0;
    std::unordered_map<std::int64_t, SideVolumes> rows;
    SideVolumes totals;
    std::int64_t trades = 0;
    std::int64_t pocRow = 0;  // base row with the most volume (the lower row on a tie)
    std::int64_t lowRow = 0, highRow = 0;
    // The running delta inside the bar (0 at its open, trade by trade in the order they came: the
    // venue's order): its highest and lowest; its close is delta(). The intrabar CVD candle.
    Decimal deltaHigh, deltaLow;
    Decimal delta() const { return totals.buy - totals.sell; }
};

// One row of a bar at a row size of `multiple` base rows: prices [row·size, (row+1)·size).
struct FootprintLevel {
    std::int64_t row = 0;  // index at the aggregated size
    double buy = 0.0, sell = 0.0;
    bool buyImbalance = false;   // buy ≥ ratio × the sells one row below (the diagonal)
    bool sellImbalance = false;  // sell ≥ ratio × the buys one row above
};

// A bar's rows at `multiple` × the base row size, every row from its lowest to its highest traded
// one (rows without trades are zero: the diagonal of an imbalance is the adjacent price), lowest
// first, with the imbalances marked for `imbalanceRatio` (e.g. 3: buys at least three times the
// diagonal sells; a side against zero counts when it traded at all). pocIndex: the level with the
// most volume at that size.
struct FootprintLevels {
    std::vector<FootprintLevel> levels;
    std::size_t pocIndex = 0;
};
FootprintLevels levelsOf(const FootprintBar& bar, int multiple, double imbalanceRatio);

// The smallest multiple of the base row size in 1-2-5 steps (1, 2, 5, 10, 20, 50…) whose rows are at
// least minRowPixels tall when one base row is baseRowPixels tall.
int rowMultipleForZoom(double baseRowPixels, double minRowPixels);

// Intrabar CVD from trades (the CVD indicator's trade-based mode): per footprint bar a candle of
// the cumulative delta — open = the CVD before the bar, high/low/close = open + the bar's running
// delta's high/low/close. Anchors like the klines' CVD: none (from the first bar), day or session
// (00:00 UTC on the crypto venues) restart at 0. A bar missing from the series (no trade seen) does
// not break the sum: the CVD simply has no candle there.
enum class CvdAnchor : std::uint8_t { None, Day, Session };
struct CvdCandle {
    std::int64_t openTime = 0;
    Decimal open, high, low, close;
    bool operator==(const CvdCandle&) const = default;
};
class FootprintSeries;
std::vector<CvdCandle> intrabarCvd(const FootprintSeries& series, CvdAnchor anchor);

class FootprintSeries {
public:
    // rowSize: the base row (the symbol's tick size or a multiple); must be > 0.
    // maxBars: the oldest bars are dropped beyond it (bounded memory).
    FootprintSeries(Interval interval, Decimal rowSize, std::size_t maxBars = 2'000);

    // O(1) for a trade of the newest bar (a hash insert or update); a late trade of an older bar
    // still held costs a binary search over the bars. A trade older than every bar held once the
    // series is full is ignored (returns false), as is a non-positive quantity.
    bool add(std::int64_t timeMs, Decimal price, Decimal quantity, bool buyerIsMaker);
    bool add(const exchange::TradeTick& trade) {
        return add(trade.timeMs, trade.price, trade.quantity, trade.buyerIsMaker);
    }
    // The venue's history (aggregate trades over REST, ascending) of bars whose later trades the
    // series may hold already (the live ones, all after these): each bar's rows and totals become
    // the sums of both, its delta path the history's followed by the live one. Trades of a bar
    // older than everything a full series keeps are dropped. Returns the trades taken.
    std::size_t addEarlier(const std::vector<exchange::TradeTick>& trades);
    void clear() { m_bars.clear(); }

    Interval interval() const { return m_interval; }
    Decimal rowSize() const { return m_rowSize; }
    std::int64_t rowOf(Decimal price) const;
    std::size_t size() const { return m_bars.size(); }
    const FootprintBar& operator[](std::size_t i) const { return m_bars[i]; }
    const FootprintBar* find(std::int64_t openTime) const;

private:
    FootprintBar& barFor(std::int64_t openTime, bool& ok);

    Interval m_interval;
    Decimal m_rowSize;
    std::size_t m_maxBars;
    std::deque<FootprintBar> m_bars;  // sorted by open time
};

}  // namespace cpc::orderflow
