#pragma once
// Builds higher-interval candles from lower-interval ones exactly as Binance does
// (aggregation guide): OHLC from traded source candles only, sums of every volume and trade
// count, calendar weeks and months, 3d anchored at the listing day, finality from the last source.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "cpc/core/candle.hpp"
#include "cpc/market/candle_view.hpp"

namespace cpc::market {

struct AggregateOptions {
    std::int64_t anchor3dMs = 0;  // listing day of the symbol (for 3d)
    // Price for a bucket whose source candles have no trades and carry no price (zero). Binance's
    // no-trade candles are flat at the previous close, so normally their own price is used.
    std::optional<Decimal> previousClose;
    // Exchange time now (ms), 0 when unknown. A bucket is final when its last source candle is
    // final and either that candle ends the bucket, a later source candle exists, or the bucket
    // ended before nowMs (an exchange gap at the end of a bucket).
    std::int64_t nowMs = 0;
};

// `source` sorted by open time, all of interval `from`; `from` must divide `to`.
std::vector<Candle> aggregate(std::span<const Candle> source, Interval from, Interval to,
                              const AggregateOptions& options = {});
// The same from a series' candles (CandleSeries::candles(), or a subspan of it).
std::vector<Candle> aggregate(const CandleView& source, Interval from, Interval to,
                              const AggregateOptions& options = {});

// The same as aggregate(), written into `out` (cleared first). Its capacity is reused, so
// aggregating again into the same buffer (a timeframe switch, a benchmark) neither allocates nor
// faults in fresh pages.
void aggregateInto(std::span<const Candle> source, Interval from, Interval to, std::vector<Candle>& out,
                   const AggregateOptions& options = {});
void aggregateInto(const CandleView& source, Interval from, Interval to, std::vector<Candle>& out,
                   const AggregateOptions& options = {});

// Folds one source candle into a bucket candle (both already in the same bucket).
// `isFirst` when the bucket has no source yet.
void foldInto(Candle& bucket, const Candle& source, bool& bucketHasTrades);

}  // namespace cpc::market
