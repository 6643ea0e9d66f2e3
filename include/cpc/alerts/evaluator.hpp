#pragma once
// AlertEvaluator: every alert's condition evaluated on the candles of its series, one owner thread
// (the alert engine's, or a test's), no locks, no clocks, no I/O. State is kept per series key
// (venue, symbol, interval): its bars, the indicators its alerts read (shared by every alert of
// the key that names the same spec, updated incrementally: a tick costs O(1) per indicator), and
// the alerts. A tick costs O(indicators + alerts of that key), whatever else is watched.
//
// Input: live kline updates (a tick: the forming bar revised, a new bar, or the bar's close) and
// history batches (the first page when a series opens — warm-up — and every backfill after a
// reconnect: each bar the evaluator had not seen is evaluated as one step, with its high and low,
// and what fires from it is `late`). Anything at or before an alert's seenThroughMs only updates
// its state, so a restart that replays history does not fire again.
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <vector>

#include "cpc/alerts/alert.hpp"
#include "cpc/core/result.hpp"
#include "cpc/exchange/events.hpp"

namespace cpc::alerts {

class AlertEvaluator {
public:
    AlertEvaluator();
    ~AlertEvaluator();
    AlertEvaluator(const AlertEvaluator&) = delete;
    AlertEvaluator& operator=(const AlertEvaluator&) = delete;

    // Adds (or replaces, same id) an alert; its indicators are made and warmed on the bars held.
    // An indicator spec the registry refuses is an error (the alert is not added).
    Result<Ok> add(const Alert& alert);
    void remove(std::int64_t id);
    void setPaused(std::int64_t id, bool paused);
    // The alert with its current state (seenThroughMs, fireCount…); nullptr when unknown.
    const Alert* find(std::int64_t id) const;
    std::vector<Alert> alerts() const;
    // Series keys some alert reads.
    std::vector<SeriesKey> keys() const;
    std::size_t alertCount() const;

    // A live update. Triggers are appended to `out`; `localNowMs` becomes their detectedMs.
    void onKline(const exchange::KlineUpdate& update, std::int64_t localNowMs, std::vector<Trigger>& out);
    // REST history of `key` (ascending open times). `marketNowMs`: the venue's time now (the time
    // of the forming bar's step). Bars newer than the newest held are evaluated, `late`.
    void onHistory(const SeriesKey& key, std::span<const Candle> candles, std::int64_t marketNowMs,
                   std::int64_t localNowMs, std::vector<Trigger>& out);
    // Bars held for `key` (tests).
    std::size_t barCount(const SeriesKey& key) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace cpc::alerts
