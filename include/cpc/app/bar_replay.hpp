#pragma once
// Bar Replay (TradingView's): a chart's own candles shown up to a chosen moment, the later ones
// hidden, then revealed again bar by bar — Qt-free, so the stepping, the forming bar and the
// replay's alerts are tested without a window (the Qt side: bar_replay_ui.hpp).
//
// One BarReplay replays a group of charts (a link group, or one chart) on one market clock: the
// replay time T. Each chart (a Track) shows, of the candles it had when the replay started (a
// snapshot: candles arriving meanwhile go to the live series only):
//   - every candle that ended at or before T, whole (the venue's own candle);
//   - the candle whose bucket holds T, as it was at T: built with market::aggregate() from the
//     lower-timeframe candles (1m, or 1s on a 1m chart) of its bucket that ended by T, so it grows
//     as it did — open first, then high, low and close moving — and is marked not closed. Without
//     lower-timeframe candles for that bucket it is not shown until it ends (then it appears whole);
//   - nothing after T.
// Moving T forward reveals incrementally (what the chart's indicators follow like live ticks);
// moving it back rebuilds the shown series (a jump to another start).
//
// Alerts: the chart's alerts (those on exactly its series key) are evaluated on a replay-local
// alerts::AlertEvaluator over the revealed bars only; what fires is kept here as replay firings
// (the UI marks them on the chart as "Replay"), never given to the app's alert engine, its log or
// its notifications.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cpc/alerts/alert.hpp"
#include "cpc/core/candle.hpp"
#include "cpc/core/result.hpp"
#include "cpc/market/candle_series.hpp"

namespace cpc::alerts { class AlertEvaluator; }

namespace cpc::app {

// One chart of a replay.
class BarReplayTrack {
public:
    // `live`: the chart's candles when the replay starts (oldest first, one interval: key.interval).
    BarReplayTrack(SeriesKey key, std::vector<Candle> live);
    ~BarReplayTrack();
    BarReplayTrack(BarReplayTrack&&) noexcept;
    BarReplayTrack& operator=(BarReplayTrack&&) noexcept;

    const SeriesKey& key() const { return m_key; }
    // Lower-timeframe candles (`interval` divides the chart's and is finer) the forming bar is
    // built from; replaces any given before. Takes effect from the next bucket not yet shown
    // whole (the bucket forming now is rebuilt at once).
    void setFine(Interval interval, std::vector<Candle> candles);
    std::optional<Interval> fineInterval() const { return m_fineInterval; }
    std::size_t fineCount() const { return m_fine.size(); }

    // What the chart shows at the replay time (see the file comment).
    const market::CandleSeries& series() const { return m_shown; }
    // The candles of the start snapshot (what exiting does not bring back: the live series does).
    std::span<const Candle> live() const { return m_live; }
    // End (close time + 1 ms, i.e. the next bucket's start) of the newest candle of the snapshot.
    std::int64_t endTime() const;
    // The first moment after `t` at which this chart changes: the end of the next lower-timeframe
    // candle inside a bucket, or of the next bar. nullopt past the snapshot's end.
    std::optional<std::int64_t> nextChange(std::int64_t t) const;
    // End of the first bar not shown whole at `t`: the one holding `t` (it completes), else the
    // next one.
    std::optional<std::int64_t> nextBarEnd(std::int64_t t) const;
    // End of the bar that holds `t`; `t` itself when a bar ends there. nullopt outside the snapshot.
    std::optional<std::int64_t> barEndAt(std::int64_t t) const;

    // Shows the chart as it was at `t`. Returns the candles revealed or revised since the last
    // call (the forming bar at most once, as it is now), in time order.
    std::vector<Candle> moveTo(std::int64_t t);
    // The last moveTo rebuilt the shown series (a jump), rather than revealing onto it.
    bool rebuilt() const { return m_rebuilt; }

    // ---- alerts on this chart's series, evaluated on the replay only ----------------------------
    // Copies of the alerts (only those on key()), their firing state cleared and their history
    // starting at the replay time: nothing fires for bars shown before it. A jump arms them again
    // at the new start (earlier firings dropped).
    void setAlerts(const std::vector<alerts::Alert>& alerts, std::int64_t replayTime);
    std::size_t alertCount() const { return m_alertCount; }
    const std::vector<alerts::Trigger>& firings() const { return m_firings; }

private:
    void rebuild(std::int64_t t);
    std::optional<Candle> formingAt(std::size_t bucketIndex, std::int64_t t) const;
    void evaluate(const std::vector<Candle>& revealed, std::int64_t t);
    void armAlerts(std::int64_t replayTime);

    SeriesKey m_key;
    std::vector<Candle> m_live;
    std::optional<Interval> m_fineInterval;
    std::vector<Candle> m_fine;
    market::CandleSeries m_shown;
    std::size_t m_whole = 0;          // m_live[0, m_whole) are shown whole
    std::optional<Candle> m_forming;  // the forming bar shown (m_live[m_whole]'s bucket)
    std::int64_t m_time = 0;
    bool m_rebuilt = true;
    std::vector<alerts::Alert> m_alertSource;  // the chart's alerts as given (armed again on a jump)
    std::unique_ptr<alerts::AlertEvaluator> m_evaluator;
    std::size_t m_alertCount = 0;
    std::vector<alerts::Trigger> m_firings;
};

// A replay of one or more charts on one clock.
class BarReplay {
public:
    BarReplay() = default;

    // Starts at the bar of `tracks[driver]` that holds `timeMs` (that bar is the last one shown,
    // whole). An error (nothing started) when that chart has no bar there or it is its newest bar
    // (there would be nothing to replay).
    Result<Ok> start(std::vector<BarReplayTrack> tracks, std::size_t driver, std::int64_t timeMs);
    // Jumps to another start (forward or back) on the same charts; the same errors.
    Result<Ok> jumpTo(std::size_t driver, std::int64_t timeMs);
    bool active() const { return !m_tracks.empty(); }
    void stop() { m_tracks.clear(); }

    std::int64_t time() const { return m_time; }
    // Every chart has shown all its snapshot's candles.
    bool atEnd() const;
    // Moves the clock to `t` (clamped to the end); every chart reveals what ended by then.
    void moveTo(std::int64_t t);
    // One lower-timeframe step: to the first moment any chart changes. False at the end.
    bool tick();
    // One bar of chart `driver`: its next bar is revealed whole (the others follow to that time).
    bool stepBar(std::size_t driver);
    // The time one bar of `driver` later (nullopt at its end).
    std::optional<std::int64_t> nextBarEnd(std::size_t driver) const;

    std::size_t size() const { return m_tracks.size(); }
    BarReplayTrack& track(std::size_t i) { return m_tracks[i]; }
    const BarReplayTrack& track(std::size_t i) const { return m_tracks[i]; }
    // What the last moveTo / tick / step revealed per track (see BarReplayTrack::moveTo).
    const std::vector<std::vector<Candle>>& revealed() const { return m_revealed; }

private:
    Result<Ok> startTimeOf(std::size_t driver, std::int64_t timeMs, std::int64_t& out) const;

    std::vector<BarReplayTrack> m_tracks;
    std::vector<std::vector<Candle>> m_revealed;
    std::int64_t m_time = 0;
};

}  // namespace cpc::app
