#pragma once
// Candles of an interval the venue lacks, built from the venue's source interval
// (ExchangeAdapter::nativeSourceInterval): REST pages and stream updates of the source candles go
// in, candles of the asked interval come out. The buckets are market::TimeframeAggregator's (the
// app's one live aggregator: a stream update of the forming bucket costs O(1)); this keeps the
// source candles of the newest buckets and applies the rules of REST pages (a bucket that may go
// on in the next page, a newest-rows page starting inside a bucket).
// Network thread only (one per MarketFeed series).
#include <cstdint>
#include <optional>
#include <set>
#include <vector>

#include "cpc/core/candle.hpp"
#include "cpc/market/candle_series.hpp"
#include "cpc/market/timeframe_aggregator.hpp"

namespace cpc::session::detail {

// market::aggregate of ascending source candles, keeping "no trade count" (trades = -1, KuCoin) on
// the buckets built from such candles. anchor3dMs: the symbol's listing day (3d buckets only).
std::vector<Candle> aggregateSources(const std::vector<Candle>& sources, Interval from, Interval to,
                                     std::int64_t nowMs, std::optional<Decimal> previousClose = std::nullopt,
                                     std::int64_t anchor3dMs = 0);

class SourceAggregator {
public:
    SourceAggregator(Interval source, Interval target) : m_agg(source, target) {}

    // 3d buckets start at the symbol's listing day plus a multiple of 3 days (as Binance's and the
    // rest of the app's); set before the first add(). Ignored for other targets.
    void setAnchor3d(std::int64_t listingDayMs);
    std::int64_t anchor3d() const { return m_anchor3d; }

    Interval source() const { return m_agg.source(); }
    Interval target() const { return m_agg.target(); }
    bool passthrough() const { return source() == target(); }

    // Source candles (ascending, replacing earlier versions by open time) in; the target candles
    // of every bucket they touch out, ascending. holdNewest: the newest touched bucket may still
    // get source candles from the next REST page, so it is kept back and put out with the next call
    // (or by flush()). dropOldestPartial: the first bucket may lack source candles before the page
    // (a newest-rows page without a start), so it is not put out at all. nowMs: exchange time; a
    // bucket whose end has passed is final once its newest source candle is.
    std::vector<Candle> add(const std::vector<Candle>& sources, std::int64_t nowMs, bool holdNewest = false,
                            bool dropOldestPartial = false);
    // Buckets kept back by add(…, holdNewest = true).
    std::vector<Candle> flush(std::int64_t nowMs) { return add({}, nowMs); }
    // The bucket a source candle belongs to.
    std::int64_t bucketOf(std::int64_t sourceOpenTime) const;
    // Stream updates folded in O(1) (the aggregator's fast path), and buckets rebuilt from sources.
    std::uint64_t fastUpdates() const { return m_agg.fastUpdates(); }
    std::uint64_t rebuilds() const { return m_agg.slowUpdates(); }

private:
    Candle finish(Candle bucket, std::int64_t nowMs) const;
    void prune();

    market::TimeframeAggregator m_agg;
    std::int64_t m_anchor3d = 0;
    market::CandleSeries m_sources;  // the newest buckets' source candles
    std::vector<Candle> m_held;      // rows of a bucket kept back by holdNewest
    std::set<std::int64_t> m_dropped;  // partial buckets never to put out
    std::set<std::int64_t> m_finalOut; // buckets put out final
};

}  // namespace cpc::session::detail
