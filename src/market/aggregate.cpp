#include "cpc/market/aggregate.hpp"

#include <algorithm>

namespace cpc::market {

void foldInto(Candle& bucket, const Candle& source, bool& bucketHasTrades) {
    // OHLC only from candles with trades (a no-trade candle is flat at the previous close and
    // Binance ignores it when building longer candles).
    if (source.hasTrades()) {
        if (!bucketHasTrades) {
            bucket.open = source.open;
            bucket.high = source.high;
            bucket.low = source.low;
            bucketHasTrades = true;
        } else {
            if (source.high > bucket.high) bucket.high = source.high;
            if (source.low < bucket.low) bucket.low = source.low;
        }
        bucket.close = source.close;
    }
    bucket.volume += source.volume;
    bucket.quoteVolume += source.quoteVolume;
    if (source.trades > 0) bucket.trades += source.trades;
    bucket.takerBuyBase += source.takerBuyBase;
    bucket.takerBuyQuote += source.takerBuyQuote;
}

namespace {

// Folds source[i, stop) into `bucket` (which must be zero-initialised apart from its open time).
// The sums run in locals the compiler keeps in registers, instead of read-modify-writes of the
// bucket's 16-byte fields for every source candle.
inline std::size_t foldRange(Candle& bucket, const Candle* source, std::size_t i, std::size_t n,
                             std::int64_t end, bool& hasTrades) {
    Int128 volume = 0, quoteVolume = 0, takerBase = 0, takerQuote = 0;
    std::int64_t trades = 0;
    Decimal open, high, low, close;
    bool traded = false;
    for (; i < n && source[i].openTime < end; ++i) {
        const Candle& c = source[i];
        if (c.hasTrades()) {
            if (!traded) {
                open = c.open;
                high = c.high;
                low = c.low;
                traded = true;
            } else {
                if (c.high > high) high = c.high;
                if (c.low < low) low = c.low;
            }
            close = c.close;
        }
        volume += c.volume.units();
        quoteVolume += c.quoteVolume.units();
        if (c.trades > 0) trades += c.trades;
        takerBase += c.takerBuyBase.units();
        takerQuote += c.takerBuyQuote.units();
    }
    if (traded) {
        bucket.open = open;
        bucket.high = high;
        bucket.low = low;
        bucket.close = close;
    }
    bucket.volume = Decimal::fromUnits(volume);
    bucket.quoteVolume = Decimal::fromUnits(quoteVolume);
    bucket.trades = trades;
    bucket.takerBuyBase = Decimal::fromUnits(takerBase);
    bucket.takerBuyQuote = Decimal::fromUnits(takerQuote);
    hasTrades = traded;
    return i;
}

}  // namespace

void aggregateInto(std::span<const Candle> source, Interval from, Interval to, std::vector<Candle>& out,
                   const AggregateOptions& options) {
    out.clear();
    if (source.empty() || !divides(from, to)) return;
    // One allocation: growing by push_back would copy the output (176 bytes a candle) about twice
    // more, which dominates when buckets are small (1m -> 3m: 333k buckets from 1M candles).
    const std::int64_t span = std::max<std::int64_t>(0, source.back().openTime - source.front().openTime);
    out.reserve(static_cast<std::size_t>(span / nominalMs(to)) + 2);
    std::optional<Decimal> prevClose = options.previousClose;
    const Candle* src = source.data();
    const std::size_t n = source.size();
    std::size_t i = 0;
    while (i < n) {
        const std::int64_t start = bucketStart(to, src[i].openTime, options.anchor3dMs);
        const std::int64_t end = nextBucketStart(to, start);
        Candle& bucket = out.emplace_back();  // built in place: no 176-byte copy per bucket
        bucket.openTime = start;
        bool hasTrades = false;
        i = foldRange(bucket, src, i, n, end, hasTrades);
        const Candle& lastInBucket = src[i - 1];
        if (!hasTrades) {
            // Every source candle was empty: flat at the previous close. Binance publishes
            // no-trade candles flat at the previous close already, so their own price is it;
            // this keeps the result independent of where the input happens to start.
            const Decimal flat = !lastInBucket.close.isZero() || !prevClose ? lastInBucket.close : *prevClose;
            bucket.open = bucket.high = bucket.low = bucket.close = flat;
        }
        prevClose = bucket.close;
        const bool coversEnd = closeTime(from, lastInBucket.openTime) >= end - 1;
        const bool laterExists = i < n;
        const bool endedBeforeNow = options.nowMs > 0 && end <= options.nowMs;
        bucket.closed = lastInBucket.closed && (coversEnd || laterExists || endedBeforeNow);
    }
}

std::vector<Candle> aggregate(std::span<const Candle> source, Interval from, Interval to,
                              const AggregateOptions& options) {
    std::vector<Candle> out;
    aggregateInto(source, from, to, out, options);
    return out;
}

}  // namespace cpc::market
