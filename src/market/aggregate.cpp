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

std::vector<Candle> aggregate(std::span<const Candle> source, Interval from, Interval to,
                              const AggregateOptions& options) {
    std::vector<Candle> out;
    if (source.empty() || !divides(from, to)) return out;
    // One allocation: growing by push_back would copy the output (176 bytes a candle) about twice
    // more, which dominates when buckets are small (1m -> 3m: 333k buckets from 1M candles).
    const std::int64_t span = std::max<std::int64_t>(0, source.back().openTime - source.front().openTime);
    out.reserve(static_cast<std::size_t>(span / nominalMs(to)) + 2);
    std::optional<Decimal> prevClose = options.previousClose;
    std::size_t i = 0;
    while (i < source.size()) {
        const std::int64_t start = bucketStart(to, source[i].openTime, options.anchor3dMs);
        const std::int64_t end = nextBucketStart(to, start);
        Candle& bucket = out.emplace_back();  // built in place: no 176-byte copy per bucket
        bucket.openTime = start;
        bool hasTrades = false;
        const Candle* lastInBucket = nullptr;
        for (; i < source.size() && source[i].openTime < end; ++i) {
            foldInto(bucket, source[i], hasTrades);
            lastInBucket = &source[i];
        }
        if (!hasTrades) {
            // Every source candle was empty: flat at the previous close. Binance publishes
            // no-trade candles flat at the previous close already, so their own price is it;
            // this keeps the result independent of where the input happens to start.
            const Decimal flat = !lastInBucket->close.isZero() || !prevClose ? lastInBucket->close : *prevClose;
            bucket.open = bucket.high = bucket.low = bucket.close = flat;
        }
        prevClose = bucket.close;
        const bool coversEnd = closeTime(from, lastInBucket->openTime) >= end - 1;
        const bool laterExists = i < source.size();
        const bool endedBeforeNow = options.nowMs > 0 && end <= options.nowMs;
        bucket.closed = lastInBucket->closed && (coversEnd || laterExists || endedBeforeNow);
    }
    return out;
}

}  // namespace cpc::market
