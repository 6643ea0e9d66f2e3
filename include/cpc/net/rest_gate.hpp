#pragma once
// RestGate: one REST host's rate limits, shared by every MarketFeed, StreamSession and command of
// this process that talks to it (the venue counts per IP, not per connection). Thread-safe.
//
// - A weight budget per window: Binance's 6,000 per minute (a calendar minute of the venue's
//   clock, reported back in X-MBX-USED-WEIGHT-1M), or a sliding window for venues that count
//   that way. Requests wait for the next window instead of earning a 429.
// - HTTP 429 pauses every request to the host for as long as the venue's wait header says
//   (Binance's Retry-After seconds, KuCoin's milliseconds left, Bybit's reset time), else for one
//   window.
// - HTTP 418 (IP banned) refuses every request until the ban ends; the refusal says until when.
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cpc/core/result.hpp"

namespace cpc::net {

struct HttpResponse;

// How a venue says when to ask again after a 429.
enum class WaitHeader : std::uint8_t {
    RetryAfterSeconds,  // "Retry-After: 7" (Binance; HTTP's own)
    MillisecondsLeft,   // KuCoin "gw-ratelimit-reset: 8500": ms until its quota resets
    ResetAtVenueMs,     // Bybit "X-Bapi-Limit-Reset-Timestamp": the venue time (ms) it resets
};

// A window of its own for one endpoint (a path), on venues that count each endpoint apart (OKX):
// sliding, in local time, like the host's; `safetyShare` applies to it too.
struct EndpointWindow {
    std::string path;  // "/api/v5/public/time"
    int weightPerWindow = 1;
    std::chrono::milliseconds window{1000};
};

struct RestLimits {
    int weightPerWindow = 6000;                     // Binance: REQUEST_WEIGHT 6,000 per minute
    std::chrono::milliseconds window{60'000};
    bool calendarWindow = true;   // windows start at multiples of `window` on the venue's clock
    double safetyShare = 0.8;     // spend at most this share of the budget
    int banStatus = 418;          // the HTTP status of an IP ban besides 418 (Bybit: 403)
    std::chrono::milliseconds ban{120'000};  // a ban's length when the answer does not say
    std::string usedWeightHeader{};         // lower-case name of the venue's used-weight count ("": none)
    std::string waitHeader = "retry-after";  // lower-case name of its "ask again after" header
    WaitHeader waitKind = WaitHeader::RetryAfterSeconds;
    // Sliding windows only: endpoints counted apart; a request to one of them is paced by its
    // window alone, every other path by the host's.
    std::vector<EndpointWindow> endpoints{};
    int budget() const;           // weightPerWindow × safetyShare, at least 1
};

class RestGate {
public:
    explicit RestGate(RestLimits limits = {});

    // What a request of `weight` may do at local time nowMs (the venue's clock is nowMs + skewMs):
    // go now (weight reserved), wait `wait` and ask again, or not be sent at all (banned: the
    // Error, code 418, says until when).
    struct Admission {
        std::chrono::milliseconds wait{0};
        std::optional<Error> refused;
        // Sliding windows: the reservation, to be passed to answered() once the answer is in.
        std::uint64_t ticket = 0;
        bool go() const { return wait.count() == 0 && !refused; }
    };
    // `path` (the request target's, query or not): a request to one of limits().endpoints
    // counts in that endpoint's window instead of the host's.
    Admission admit(int weight, std::int64_t nowMs, std::int64_t skewMs = 0, std::string_view path = {});

    // Sliding windows: the answer to the request admitted with `ticket` came at nowMs. The venue
    // counted the request when it arrived, some time between admission and answer (a new
    // connection's handshake, a queue at either end): its weight stays in the window until one
    // window after the answer, so requests admitted close together but delayed on the way cannot
    // meet fresh ones in one of the venue's windows.
    void answered(std::uint64_t ticket, std::int64_t nowMs);

    // The venue's own count after an answer (X-MBX-USED-WEIGHT-1M): never lowers what was
    // reserved for requests still in flight in the same window.
    void reportUsedWeight(int used, std::int64_t nowMs, std::int64_t skewMs = 0);
    // HTTP 429: nothing is sent to the host before untilMs (local clock).
    void pauseUntil(std::int64_t untilMs);
    // HTTP 418: nothing is sent before untilMs; returns the refusal every caller will get.
    Error ban(std::int64_t untilMs);

    // Everything an answer says about the limits, in one place for every caller: the weight the
    // venue reports as used (the header's value; empty when it sent none), HTTP 429 → pause for
    // Retry-After seconds (one window when absent), HTTP 418 or limits().banStatus → ban for Retry-After
    // seconds, else until the venue time in the body ("IP banned until 1618228675371") when the
    // venue clock is known (skewMs), else limits().ban (Binance's shortest: 2 minutes). Returns
    // the refusal (code 418 whatever the venue's status) for a ban.
    std::optional<Error> noteAnswer(int status, std::string_view retryAfter, std::string_view usedWeight,
                                    std::string_view body, std::int64_t nowMs, std::optional<std::int64_t> skewMs);
    // The same, reading the venue's headers named in limits(): its used weight, and how long to
    // wait after a 429 or ban (limits().waitHeader, or Retry-After when that is absent). A 429
    // that says nothing pauses for one window (limits().window).
    std::optional<Error> noteAnswer(const HttpResponse& answer, std::int64_t nowMs, std::optional<std::int64_t> skewMs);

    std::int64_t bannedUntilMs() const;
    std::int64_t pausedUntilMs() const;
    int usedWeight(std::int64_t nowMs, std::int64_t skewMs = 0);
    const RestLimits& limits() const { return m_limits; }

private:
    struct Spent {
        std::int64_t atMs;  // local ms: admission, then the answer
        int weight;
        std::uint64_t ticket;
    };
    // One sliding window: the host's, or an endpoint's.
    struct Lane {
        std::string path;  // "" for the host's
        int budget = 1;
        std::int64_t windowMs = 1;
        std::deque<Spent> spent;  // oldest first
    };
    Lane& laneOf(std::string_view path);  // m_mutex held
    static void roll(Lane& lane, std::int64_t nowMs);
    void rollWindow(std::int64_t nowMs);  // m_mutex held; venue clock for calendar windows
    Error banError() const;                    // m_mutex held
    std::optional<Error> note(int status, std::optional<std::int64_t> waitMs, std::string_view usedWeight,
                              std::string_view body, std::int64_t nowMs, std::optional<std::int64_t> skewMs);

    RestLimits m_limits;
    mutable std::mutex m_mutex;
    // guarded by m_mutex:
    std::int64_t m_windowStart = 0;            // calendar windows: venue ms
    int m_used = 0;                            // calendar windows
    std::vector<Lane> m_lanes;  // sliding windows: the host's first, then each endpoint's
    std::uint64_t m_nextTicket = 1;
    std::int64_t m_pausedUntil = 0;
    std::int64_t m_bannedUntil = 0;
};

}  // namespace cpc::net
