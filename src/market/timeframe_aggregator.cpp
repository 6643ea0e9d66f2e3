#include "cpc/market/timeframe_aggregator.hpp"

namespace cpc::market {

TimeframeAggregator::TimeframeAggregator(Interval source, Interval target, std::int64_t anchor3dMs)
    : m_source(source), m_target(target), m_anchor3d(anchor3dMs) {}

Candle TimeframeAggregator::finish(Candle bucket, bool hasTrades, const Candle& last,
                                   std::optional<Decimal> previousClose, bool laterExists) const {
    if (!hasTrades) {
        // Same rule as aggregate(): no-trade candles already sit at the previous close.
        const Decimal flat = !last.close.isZero() || !previousClose ? last.close : *previousClose;
        bucket.open = bucket.high = bucket.low = bucket.close = flat;
    }
    // Final only when its last source candle is final and the bucket is over: that candle ends
    // it, or a later source candle exists (the bucket's end was an exchange gap).
    bucket.closed = last.closed && (laterExists || closeTime(m_source, last.openTime) >=
                                                       closeTime(m_target, bucket.openTime));
    return bucket;
}

Candle TimeframeAggregator::recompute(const CandleSeries& source, std::int64_t bucketOpen,
                                      std::optional<Decimal> previousClose, bool laterExists) {
    ++m_slow;
    const std::int64_t end = nextBucketStart(m_target, bucketOpen);
    const std::size_t first = source.lowerBound(bucketOpen);
    const std::size_t stop = source.lowerBound(end);
    Candle acc;
    acc.openTime = bucketOpen;
    bool hasTrades = false;
    for (std::size_t i = first; i + 1 < stop; ++i) foldInto(acc, source[i], hasTrades);
    // Remember the state if this is the newest bucket, so the next tick takes the fast path.
    if (stop > first && (!m_bucketOpen || bucketOpen >= *m_bucketOpen)) {
        m_bucketOpen = bucketOpen;
        m_tipOpen = source.openTime(stop - 1);
        m_acc = acc;
        m_accHasTrades = hasTrades;
    }
    if (stop == first) {  // nothing in the bucket (should not happen for a just-upserted candle)
        acc.closed = false;
        return acc;
    }
    Candle bucket = acc;
    bool bucketHasTrades = hasTrades;
    const Candle tip = source[stop - 1];
    foldInto(bucket, tip, bucketHasTrades);
    return finish(bucket, bucketHasTrades, tip, previousClose,
                  laterExists || stop < source.size());
}

std::vector<Candle> TimeframeAggregator::apply(const CandleSeries& source, const Candle& update,
                                               std::optional<Decimal> previousClose) {
    // Work from the version the series kept (a late provisional update of a closed candle was
    // ignored by the series, and must be here too).
    const std::optional<Candle> stored = source.find(update.openTime);
    if (!stored) return {};
    const Candle& changed = *stored;
    const std::int64_t bucketOpen = bucketStart(m_target, changed.openTime, m_anchor3d);
    std::vector<Candle> out;
    if (m_bucketOpen && bucketOpen > *m_bucketOpen) {
        // A new bucket begins: the previous newest bucket is over.
        out.push_back(recompute(source, *m_bucketOpen, std::nullopt, true));
    }
    if (!m_bucketOpen || bucketOpen != *m_bucketOpen || changed.openTime < m_tipOpen) {
        out.push_back(recompute(source, bucketOpen, previousClose));
        return out;
    }
    if (changed.openTime > m_tipOpen) {
        // The old tip is now followed by a newer candle: fold its current version in for good.
        const std::optional<Candle> oldTip = source.find(m_tipOpen);
        if (!oldTip || source.lowerBound(m_tipOpen) + 1 != source.lowerBound(changed.openTime)) {
            out.push_back(recompute(source, bucketOpen, previousClose));  // an insert in between
            return out;
        }
        foldInto(m_acc, *oldTip, m_accHasTrades);
        m_tipOpen = changed.openTime;
    }
    ++m_fast;
    Candle bucket = m_acc;
    bool hasTrades = m_accHasTrades;
    foldInto(bucket, changed, hasTrades);
    out.push_back(finish(bucket, hasTrades, changed, previousClose, false));
    return out;
}

}  // namespace cpc::market
