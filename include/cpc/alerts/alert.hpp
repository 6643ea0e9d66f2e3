#pragma once
// An alert (a condition on one series, when to evaluate it, how often to fire, its expiry and
// message, and the state that keeps it from firing twice) and a trigger (one firing). Plain values:
// the evaluator, the store, the engine and the GUI pass them around by copy.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cpc/alerts/condition.hpp"
#include "cpc/core/candle.hpp"

namespace cpc::alerts {

// When the condition is looked at: on every update of the forming bar (a kline push; the bar's
// high and low since the previous one count, so a spike between two pushes is not missed), or
// only when a bar closes (with the bar's final values).
enum class Evaluation : std::uint8_t { EveryTick, OnBarClose };
// How often it fires: once (then it is done), at most once per bar, or every time. For a
// condition that holds over time (>, <, change, volume) "every time" is each time it becomes true
// again after having been false — not every tick while it holds.
enum class Frequency : std::uint8_t { Once, OncePerBar, EveryTime };

std::string_view toString(Evaluation e);    // "tick", "close"
std::string_view toString(Frequency f);     // "once", "bar", "every"
std::optional<Evaluation> parseEvaluation(std::string_view text);
std::optional<Frequency> parseFrequency(std::string_view text);

struct Alert {
    std::int64_t id = 0;  // the store's; 0 before it is stored
    SeriesKey key;        // venue, symbol (venue spelling), interval of the bars it reads
    Condition condition;
    Evaluation evaluation = Evaluation::EveryTick;
    Frequency frequency = Frequency::Once;
    std::optional<std::int64_t> expiresMs;  // no firing after this time (UTC epoch ms)
    std::string message;                    // the user's own text, shown with each trigger
    std::int64_t createdMs = 0;
    bool paused = false;

    // What keeps it from firing twice, also across a restart (stored with every firing).
    bool done = false;                        // a Once alert that fired
    std::int64_t fireCount = 0;
    std::optional<std::int64_t> lastFiredMs;  // market time of the last firing
    std::optional<std::int64_t> lastFiredBar; // open time of the bar it last fired in
    // Market time up to which the alert has been evaluated: anything at or before it never fires
    // again (a restart replays history only to warm up). Starts at createdMs.
    std::int64_t seenThroughMs = 0;

    bool expiredAt(std::int64_t timeMs) const { return expiresMs && timeMs > *expiresMs; }
};

struct Trigger {
    std::int64_t alertId = 0;
    SeriesKey key;
    std::string condition;  // its text
    std::string message;
    // Market time of the firing: a tick's event time, or the close time of the bar whose data
    // showed it (on-close alerts, and bars that came from a backfill).
    std::int64_t timeMs = 0;
    std::int64_t barOpenTime = 0;  // the bar it happened in: [barOpenTime, close of that bar]
    double price = 0;              // the last price then (the bar's close for a bar)
    // Seen only in history fetched after the fact (a backfill after a disconnect, or bars that
    // closed while nothing ran): it happened at timeMs (a closed bar's: somewhere in that bar, or
    // in the forming bar's unwatched part of more than 5 s), before it was reported.
    bool late = false;
    std::int64_t detectedMs = 0;  // local time the evaluator saw it
};

}  // namespace cpc::alerts
