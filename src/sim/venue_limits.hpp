#pragma once
// Each venue's own REST limits in the simulator. SimServer asks the limiter of its dialect about
// every request before answering it:
// - Binance: request weight per minute of the exchange clock (SimConfig::restWeightPerMinute,
//   6,000); past it HTTP 429 + Retry-After until the next minute, and requests sent inside that
//   wait earn an IP ban (418).
// - Bybit: 600 requests per IP in any 5-second window, every path alike; past it HTTP 403 "access
//   too frequent" and the IP is banned (SimConfig::banDuration; Bybit: at least 10 minutes).
// - OKX: a window per endpoint and IP (history-candles 20 / 2 s, candles 40 / 2 s, books 40 / 2 s,
//   instruments 20 / 2 s, time 10 / 2 s; swaps also funding-rate 10, funding-rate-history 10,
//   open-interest 20 and rubik open-interest-history 10 per 2 s); past one, HTTP 429 with code
//   50011 for that endpoint (the others still answer), nothing said of when to ask again.
// - KuCoin: the "Public" resource pool, 2,000 weight per 30 s counted from the first request of
//   the window; past it HTTP 429 with code 429000 and gw-ratelimit-reset (ms until the pool
//   refills).
// The windows of Bybit, OKX and KuCoin run on the wall clock (steady), SimConfig::restWindowDivisor
// times shorter in tests that run the exchange clock faster; Binance's minute is the exchange
// clock's.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "cpc/sim/sim_server.hpp"

namespace cpc::sim {

struct LimitVerdict {
    enum class Kind : std::uint8_t {
        Go,       // within the limit: counted
        TooMany,  // HTTP 429; waitMs until the limit has room again (Binance: exchange ms, else wall ms)
        Ban,      // the venue bans the IP (Bybit's 403)
    };
    Kind kind = Kind::Go;
    std::int64_t waitMs = 0;
    std::string message;  // the venue's words for it
    // The 429 starts a wait the client must honour; a request inside it earns a ban (Binance).
    // false: the limit itself answers 429 again while it is full (OKX, KuCoin).
    bool escalates = false;
};

class RestLimiter {
public:
    virtual ~RestLimiter() = default;
    // A request of `weight` (the route's) for `path` arrives: venueNowMs on the exchange clock,
    // `wall` on the steady clock. Only a request that may go is counted.
    virtual LimitVerdict admit(std::string_view path, int weight, std::int64_t venueNowMs,
                               std::chrono::steady_clock::time_point wall) = 0;
    // The highest share of one of the venue's limits used in any window so far, in per mille
    // (1000: exactly at the limit). Shows a pacing test that it ran near the limit.
    virtual int peakPermille() const = 0;
};

// The limiter of SimConfig::exchange's venue ("binance", "bybit", "okx", "kucoin"; Binance's rule
// for any other, and for Binance's perpetuals).
std::unique_ptr<RestLimiter> makeRestLimiter(std::string_view exchange, const SimConfig& config);

}  // namespace cpc::sim
