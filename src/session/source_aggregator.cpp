#include "source_aggregator.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

#include "cpc/market/aggregate.hpp"

namespace cpc::session::detail {

std::vector<Candle> aggregateSources(const std::vector<Candle>& sources, Interval from, Interval to,
                                     std::int64_t nowMs, std::optional<Decimal> previousClose,
                                     std::int64_t anchor3dMs) {
    market::AggregateOptions options;
    options.anchor3dMs = anchor3dMs;
    options.nowMs = nowMs;
    options.previousClose = previousClose;
    auto out = market::aggregate(sources, from, to, options);
    std::size_t i = 0;
    for (Candle& bucket : out) {
        const std::int64_t end = nextBucketStart(to, bucket.openTime);
        bool uncounted = false;
        for (; i < sources.size() && sources[i].openTime < end; ++i) uncounted = uncounted || sources[i].trades < 0;
        if (uncounted) bucket.trades = -1;
    }
    return out;
}

void SourceAggregator::setAnchor3d(std::int64_t listingDayMs) {
    m_anchor3d = listingDayMs;
    m_agg = market::TimeframeAggregator(source(), target(), listingDayMs);
}

std::int64_t SourceAggregator::bucketOf(std::int64_t sourceOpenTime) const {
    return bucketStart(target(), sourceOpenTime, m_anchor3d);
}

// What the aggregator leaves to its caller: a bucket whose end passed with no source candle at the
// end (a venue that skips quiet intervals) is final once its newest one is, and a bucket built from
// candles without a trade count (KuCoin) has none either.
Candle SourceAggregator::finish(Candle bucket, std::int64_t nowMs) const {
    const std::int64_t end = nextBucketStart(target(), bucket.openTime);
    const std::size_t first = m_sources.lowerBound(bucket.openTime);
    const std::size_t stop = m_sources.lowerBound(end);
    if (stop == first) return bucket;
    if (!bucket.closed && end <= nowMs && m_sources[stop - 1].closed) bucket.closed = true;
    for (std::size_t i = first; i < stop; ++i)
        if (m_sources[i].trades < 0) {
            bucket.trades = -1;
            break;
        }
    return bucket;
}

std::vector<Candle> SourceAggregator::add(const std::vector<Candle>& sources, std::int64_t nowMs, bool holdNewest,
                                          bool dropOldestPartial) {
    std::vector<Candle> in = std::exchange(m_held, {});
    in.insert(in.end(), sources.begin(), sources.end());
    if (dropOldestPartial && !sources.empty()) {
        const std::int64_t oldest = sources.front().openTime;
        if (bucketOf(oldest) != oldest) m_dropped.insert(bucketOf(oldest));
    }
    if (holdNewest && !in.empty()) {
        const std::int64_t newest = bucketOf(in.back().openTime);
        const auto cut = std::find_if(in.begin(), in.end(), [&](const Candle& c) { return bucketOf(c.openTime) == newest; });
        m_held.assign(std::make_move_iterator(cut), std::make_move_iterator(in.end()));
        in.erase(cut, in.end());
    }
    std::vector<Candle> out;
    // `ended`: the bucket before the touched ones, made final by a newer one (put out once).
    const auto emit = [&](Candle c, bool ended) {
        if (m_dropped.contains(c.openTime) || (ended && m_finalOut.contains(c.openTime))) return;
        c = finish(std::move(c), nowMs);
        if (c.closed) m_finalOut.insert(c.openTime);
        out.push_back(std::move(c));
    };
    const auto previousClose = [&](std::int64_t bucket) -> std::optional<Decimal> {
        const std::size_t i = m_sources.lowerBound(bucket);
        return i > 0 ? std::optional<Decimal>(m_sources[i - 1].close) : std::nullopt;
    };
    if (in.size() == 1) {
        // A stream update: the aggregator's fast path (the forming bucket, and the one before
        // made final when a new bucket begins).
        m_sources.upsert(in.front());
        const std::int64_t bucket = bucketOf(in.front().openTime);
        for (Candle& c : m_agg.apply(m_sources, in.front(), previousClose(bucket))) emit(c, c.openTime != bucket);
    } else if (!in.empty()) {
        // A page: every bucket it touches, and the one before (a new bucket ends it), rebuilt.
        std::set<std::int64_t> touched;
        for (const Candle& c : in) {
            m_sources.upsert(c);
            touched.insert(bucketOf(c.openTime));
        }
        std::optional<std::int64_t> before;
        if (const std::size_t i = m_sources.lowerBound(*touched.begin()); i > 0) {
            before = bucketOf(m_sources.openTime(i - 1));
            emit(m_agg.recompute(m_sources, *before, previousClose(*before)), true);
        }
        for (const std::int64_t bucket : touched) emit(m_agg.recompute(m_sources, bucket, previousClose(bucket)), false);
    }
    prune();
    return out;
}

void SourceAggregator::prune() {
    // Keep the two newest buckets' sources (the forming one and the one it may still finish).
    if (m_sources.size() < 2) return;
    const std::int64_t newest = bucketOf(m_sources.openTime(m_sources.size() - 1));
    const std::size_t first = m_sources.lowerBound(newest);
    const std::int64_t keepFrom = first > 0 ? bucketOf(m_sources.openTime(first - 1)) : newest;
    const std::size_t drop = m_sources.lowerBound(keepFrom);
    if (drop > 0) {
        std::vector<Candle> kept;
        for (std::size_t i = drop; i < m_sources.size(); ++i) kept.push_back(m_sources[i]);
        m_sources.clear();
        m_sources.merge(kept);
    }
    m_dropped.erase(m_dropped.begin(), m_dropped.lower_bound(keepFrom));
    m_finalOut.erase(m_finalOut.begin(), m_finalOut.lower_bound(keepFrom));
}

}  // namespace cpc::session::detail
