#include "source_aggregator.hpp"

#include "cpc/market/aggregate.hpp"

namespace cpc::feed::detail {

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

std::int64_t SourceAggregator::bucketOf(std::int64_t sourceOpenTime) const {
    return bucketStart(m_target, sourceOpenTime, m_anchor3d);
}

Candle SourceAggregator::build(std::int64_t bucket, std::int64_t nowMs) const {
    std::vector<Candle> sources;
    for (auto it = m_sources.lower_bound(bucket); it != m_sources.end() && bucketOf(it->first) == bucket; ++it)
        sources.push_back(it->second);
    std::optional<Decimal> previousClose;
    const auto before = m_sources.lower_bound(bucket);
    if (before != m_sources.begin()) previousClose = std::prev(before)->second.close;
    auto out = aggregateSources(sources, m_source, m_target, nowMs, previousClose, m_anchor3d);
    if (out.empty()) return Candle{};
    Candle c = out.front();
    // A later source candle (the next bucket's) ends this one, as aggregate() says for its input.
    const auto later = m_sources.lower_bound(nextBucketStart(m_target, bucket));
    if (later != m_sources.end() && sources.back().closed) c.closed = true;
    return c;
}

std::vector<Candle> SourceAggregator::add(const std::vector<Candle>& sources, std::int64_t nowMs, bool holdNewest,
                                          bool dropOldestPartial) {
    std::set<std::int64_t> touched = m_held;
    m_held.clear();
    for (const Candle& c : sources) {
        m_sources[c.openTime] = c;
        touched.insert(bucketOf(c.openTime));
    }
    if (dropOldestPartial && !sources.empty()) {
        std::int64_t oldest = sources.front().openTime;
        for (const Candle& c : sources) oldest = std::min(oldest, c.openTime);
        const std::int64_t bucket = bucketOf(oldest);
        if (oldest != bucket) m_dropped.insert(bucket);
    }
    // A new bucket ends the one before: its finality may change without a source candle of its own
    // (unless it already went out final).
    if (!touched.empty()) {
        const auto first = m_sources.lower_bound(*touched.begin());
        if (first != m_sources.begin()) {
            const std::int64_t before = bucketOf(std::prev(first)->first);
            if (!m_closedOut.count(before)) touched.insert(before);
        }
    }
    if (holdNewest && !touched.empty()) {
        m_held.insert(*touched.rbegin());
        touched.erase(std::prev(touched.end()));
    }
    std::vector<Candle> out;
    for (std::int64_t bucket : touched) {
        if (m_dropped.count(bucket)) continue;
        Candle c = build(bucket, nowMs);
        if (c.openTime != bucket) continue;
        if (c.closed) m_closedOut.insert(bucket);
        out.push_back(c);
    }
    prune();
    return out;
}

std::vector<Candle> SourceAggregator::flush(std::int64_t nowMs) { return add({}, nowMs); }

void SourceAggregator::prune() {
    // Keep the two newest buckets (the forming one and the one it may still finish) and any held.
    if (m_sources.empty()) return;
    const std::int64_t newest = bucketOf(m_sources.rbegin()->first);
    std::int64_t keepFrom = newest;
    const auto first = m_sources.lower_bound(newest);
    if (first != m_sources.begin()) keepFrom = bucketOf(std::prev(first)->first);
    if (!m_held.empty()) keepFrom = std::min(keepFrom, *m_held.begin());
    m_sources.erase(m_sources.begin(), m_sources.lower_bound(keepFrom));
    m_dropped.erase(m_dropped.begin(), m_dropped.lower_bound(keepFrom));
    m_closedOut.erase(m_closedOut.begin(), m_closedOut.lower_bound(keepFrom));
}

}  // namespace cpc::feed::detail
