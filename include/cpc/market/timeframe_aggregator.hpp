#pragma once
// Keeps a derived timeframe (e.g. 1h) current from updates of a finer source series (e.g. 1m),
// exactly as aggregate() would build it, at O(1) per tick: the source candles of the newest
// bucket before its newest ("tip") candle are folded once into an accumulator, and each update
// of the tip is folded onto a copy of it. An update anywhere else (late, out of order, history
// merged into an older bucket) recomputes just that bucket from the source series.
#include <cstdint>
#include <optional>
#include <vector>

#include "cpc/market/aggregate.hpp"
#include "cpc/market/candle_series.hpp"

namespace cpc::market {

class TimeframeAggregator {
public:
    TimeframeAggregator(Interval source, Interval target, std::int64_t anchor3dMs = 0);

    Interval source() const { return m_source; }
    Interval target() const { return m_target; }

    // `changed` was just upserted into `source` (which holds its current version). Returns the
    // derived candles to upsert into the derived series: the candle of its bucket and, when a
    // new bucket begins, first the previous bucket made final (its end may be an exchange gap).
    // previousClose: close of the derived candle before the bucket, used only when every source
    // candle of the bucket lacks trades (Binance already sets those to the previous close).
    std::vector<Candle> apply(const CandleSeries& source, const Candle& changed,
                              std::optional<Decimal> previousClose = std::nullopt);

    // Recomputes the bucket opening at bucketOpen from the source series (slow path).
    // laterExists: a source candle after the bucket exists, so the bucket is over.
    Candle recompute(const CandleSeries& source, std::int64_t bucketOpen,
                     std::optional<Decimal> previousClose = std::nullopt, bool laterExists = false);

    std::uint64_t fastUpdates() const { return m_fast; }
    std::uint64_t slowUpdates() const { return m_slow; }

private:
    Candle finish(Candle bucket, bool hasTrades, const Candle& last, std::optional<Decimal> previousClose,
                  bool laterExists) const;

    Interval m_source;
    Interval m_target;
    std::int64_t m_anchor3d;
    // State of the newest bucket seen.
    std::optional<std::int64_t> m_bucketOpen;
    std::int64_t m_tipOpen = 0;   // open time of the newest source candle in the bucket
    Candle m_acc;                 // fold of the bucket's source candles before the tip
    bool m_accHasTrades = false;
    std::uint64_t m_fast = 0;
    std::uint64_t m_slow = 0;
};

}  // namespace cpc::market
