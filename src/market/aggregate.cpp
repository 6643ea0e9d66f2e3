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

std::int64_t openTimeOf(std::span<const Candle> source, std::size_t i) { return source[i].openTime; }
std::int64_t openTimeOf(const CandleView& source, std::size_t i) { return source.openTime(i); }

// Folds source[i, stop) into `bucket` (which must be zero-initialised apart from its open time).
// The sums run in locals the compiler keeps in registers, instead of read-modify-writes of the
// bucket's 16-byte fields for every source candle.
// Source: a span of Candles or a series' CandleView (same indexing, the view decodes rows).
template <class Source>
inline std::size_t foldRange(Candle& bucket, const Source& source, std::size_t i, std::size_t n,
                             std::int64_t end, bool& hasTrades) {
    Int128 volume = 0, quoteVolume = 0, takerBase = 0, takerQuote = 0;
    std::int64_t trades = 0;
    Decimal open, high, low, close;
    bool traded = false;
    for (; i < n && openTimeOf(source, i) < end; ++i) {
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

template <class Source>
void aggregateRange(const Source& source, Interval from, Interval to, std::vector<Candle>& out,
                    const AggregateOptions& options) {
    out.clear();
    if (source.empty() || !divides(from, to)) return;
    // One allocation: growing by push_back would copy the output (176 bytes a candle) about twice
    // more, which dominates when buckets are small (1m -> 3m: 333k buckets from 1M candles).
    const std::int64_t span = std::max<std::int64_t>(0, openTimeOf(source, source.size() - 1) - openTimeOf(source, 0));
    out.reserve(static_cast<std::size_t>(span / nominalMs(to)) + 2);
    std::optional<Decimal> prevClose = options.previousClose;
    const std::size_t n = source.size();
    std::size_t i = 0;
    while (i < n) {
        const std::int64_t start = bucketStart(to, openTimeOf(source, i), options.anchor3dMs);
        const std::int64_t end = nextBucketStart(to, start);
        Candle& bucket = out.emplace_back();  // built in place: no 176-byte copy per bucket
        bucket.openTime = start;
        bool hasTrades = false;
        i = foldRange(bucket, source, i, n, end, hasTrades);
        const Candle& lastInBucket = source[i - 1];  // a decoded temporary for a view
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

}  // namespace

void aggregateInto(std::span<const Candle> source, Interval from, Interval to, std::vector<Candle>& out,
                   const AggregateOptions& options) {
    aggregateRange(source, from, to, out, options);
}

void aggregateInto(const CandleView& source, Interval from, Interval to, std::vector<Candle>& out,
                   const AggregateOptions& options) {
    aggregateRange(source, from, to, out, options);
}

std::vector<Candle> aggregate(std::span<const Candle> source, Interval from, Interval to,
                              const AggregateOptions& options) {
    std::vector<Candle> out;
    aggregateRange(source, from, to, out, options);
    return out;
}

std::vector<Candle> aggregate(const CandleView& source, Interval from, Interval to,
                              const AggregateOptions& options) {
    std::vector<Candle> out;
    aggregateRange(source, from, to, out, options);
    return out;
}

}  // namespace cpc::market
