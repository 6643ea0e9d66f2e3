#pragma once
// Candles of an interval the venue lacks, built from the venue's source interval
// (ExchangeAdapter::nativeSourceInterval) with market::aggregate: REST pages and stream updates of
// the source candles go in, candles of the asked interval come out. Keeps the source candles of
// the newest buckets only (the forming bucket needs the ones before the stream started).
// Network thread only (one per MarketFeed series).
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "cpc/core/candle.hpp"

namespace cpc::feed::detail {

// market::aggregate of ascending source candles, keeping "no trade count" (trades = -1, KuCoin) on
// the buckets built from such candles. anchor3dMs: the symbol's listing day (3d buckets only).
std::vector<Candle> aggregateSources(const std::vector<Candle>& sources, Interval from, Interval to,
                                     std::int64_t nowMs, std::optional<Decimal> previousClose = std::nullopt,
                                     std::int64_t anchor3dMs = 0);

class SourceAggregator {
public:
    SourceAggregator(Interval source, Interval target) : m_source(source), m_target(target) {}

    // 3d buckets start at the symbol's listing day plus a multiple of 3 days (as Binance's and the
    // rest of the app's); set before the first add(). Ignored for other targets.
    void setAnchor3d(std::int64_t listingDayMs) { m_anchor3d = listingDayMs; }
    std::int64_t anchor3d() const { return m_anchor3d; }

    Interval source() const { return m_source; }
    Interval target() const { return m_target; }
    bool passthrough() const { return m_source == m_target; }

    // Source candles (any order, replacing earlier versions by open time) in; the target candles
    // of every bucket they touch out, ascending. holdNewest: the newest touched bucket may still
    // get source candles from the next REST page, so it is kept back and put out with the next call
    // (or by flush()). dropOldestPartial: the first bucket may lack source candles before the page
    // (a newest-rows page without a start), so it is not put out at all. nowMs: exchange time, for
    // the finality of a bucket whose end has no source candle (market::AggregateOptions::nowMs).
    std::vector<Candle> add(const std::vector<Candle>& sources, std::int64_t nowMs, bool holdNewest = false,
                            bool dropOldestPartial = false);
    // Buckets kept back by add(…, holdNewest = true).
    std::vector<Candle> flush(std::int64_t nowMs);
    // The bucket a source candle belongs to.
    std::int64_t bucketOf(std::int64_t sourceOpenTime) const;

private:
    Candle build(std::int64_t bucket, std::int64_t nowMs) const;
    void prune();

    Interval m_source;
    Interval m_target;
    std::int64_t m_anchor3d = 0;
    std::map<std::int64_t, Candle> m_sources;  // by open time
    std::set<std::int64_t> m_held;             // buckets kept back by holdNewest
    std::set<std::int64_t> m_dropped;          // partial buckets never to put out
    std::set<std::int64_t> m_closedOut;        // buckets put out final
};

}  // namespace cpc::feed::detail
