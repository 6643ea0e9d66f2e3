#pragma once
// The built-in exchange simulator: speaks Binance's (or Bybit's, OKX's, KuCoin's: SimConfig::exchange)
// REST and WebSocket protocol on loopback (plain or TLS) over a MarketModel. Used by `canvasprochart --demo`, `cpc sim` and every network
// test. Runs its own network thread.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cpc/core/result.hpp"
#include "cpc/sim/market_model.hpp"
#include "cpc/sim/order_book_model.hpp"

namespace cpc::sim {

struct SimConfig {
    // The venue dialect spoken over the same market: "binance" (default), "bybit", "okx",
    // "kucoin" (see SimServer::exchangeNames()).
    std::string exchange = "binance";
    // The venue's spot market (default) or its perpetual futures: MarketType::Perp serves
    // Binance USD-M (/fapi/v1, /futures/data, streams routed by /public and /market) over a
    // perpetual that tracks the spot model with a basis (src/sim/perp_model.hpp).
    MarketType market = MarketType::Spot;
    std::string bindAddress = "127.0.0.1";
    std::uint16_t port = 0;                // 0: pick a free port
    bool tls = false;
    std::string certFile;                  // PEM, when tls
    std::string keyFile;
    std::uint64_t seed = 42;
    std::chrono::milliseconds klinePushInterval{2000};   // Binance: 2 s (1 s for 1s klines)
    std::chrono::milliseconds pingInterval{20000};       // Binance: ping every 20 s
    std::chrono::milliseconds pongTimeout{60000};        // disconnect without pong
    // Venues whose clients send the pings (Bybit, OKX, KuCoin): a connection without any client
    // message for this long is closed. 0: the venue's own timeout.
    std::chrono::milliseconds heartbeatTimeout{0};
    // Exchange clock (ms since epoch). Defaults to the system clock.
    std::function<std::int64_t()> clock;
    // Diagnostics (TLS handshake failures, dropped clients); none when empty. Called on the
    // server's network thread. Normal closes are not reported.
    std::function<void(const std::string&)> log;
    std::size_t maxStreamsPerConnection = 1024;  // Binance spot limit
    // Binance cuts every connection after 24 h; tests shorten it.
    std::chrono::milliseconds maxConnectionLifetime{24LL * 3600 * 1000};
    // Venue limits the simulator enforces and counts (SimStats): incoming WebSocket messages
    // (text, ping, pong) per connection and second, connection attempts per 5 minutes, and the
    // venue's own REST limits (src/sim/venue_limits.hpp): Binance's weight per minute (over it:
    // 429 + Retry-After; a request during that wait: 418 ban), Bybit's 600 requests per 5 s per IP
    // (over it: 403 and a ban), OKX's window per endpoint (429, code 50011), KuCoin's public pool
    // of 2,000 weight per 30 s (429, code 429000, gw-ratelimit-reset).
    int maxIncomingMessagesPerSecond = 5;
    int maxConnectionsPer5Min = 300;
    std::chrono::milliseconds connectionWindow{300'000};  // the "5 minutes" (tests shorten it)
    int restWeightPerMinute = 6000;  // Binance's (and its perpetuals')
    // Bybit's, OKX's and KuCoin's REST windows (wall clock) are this many times shorter: tests
    // that run the exchange clock faster shorten them with the client's gate alike.
    int restWindowDivisor = 1;
    std::chrono::milliseconds banDuration{120'000};
    // Requests arriving this soon (wall clock) after a 429 and inside its wait, at most
    // maxCrossing429 of them, crossed it on the wire: answered 429 again, no ban (SimStats::rest429InFlight).
    std::chrono::milliseconds crossing429Grace{250};
    int maxCrossing429 = 3;
    // Retry-After of a 429 in seconds; 0: until the next minute of exchange time (Binance).
    int tooManyRetryAfterSeconds = 0;
    std::chrono::milliseconds restDelay{0};  // slow answers
    // Live load: every symbol also trades this often per second (evenly spread) from the server's
    // start on, on the trade/aggTrade streams and in every candle; history before it is unchanged.
    int liveTradesPerSecond = 0;  // 0..MarketModel::kMaxLiveTradesPerSecond
    // Only the first N symbols get that live load (0: every symbol): `cpc sim --trade-symbols`.
    int liveTradeSymbols = 0;
    // The market's symbols; empty: MarketModel::defaultSymbols() (tests add no-trade stretches).
    std::vector<SimSymbol> symbols;
};

// Faults a test (or `cpc sim`) can inject at any time; see SimServer::inject.
enum class SimFault : std::uint8_t {
    CloseTcp,        // close every WebSocket's TCP connection (no close frame)
    ResetTcp,        // abort with RST (SO_LINGER 0)
    Stall,           // stop sending anything (events, pings) for `duration`, socket kept open
    MalformedFrame,  // one frame that is not JSON
    OversizedFrame,  // one 2 MiB text frame
    ServerShutdown,  // Binance's serverShutdown event
    IgnorePongs,     // stop counting pongs for `duration`: the pong deadline then cuts the client
    RestServerError, // the next `count` REST answers are HTTP 503
    RestTooMany,     // the next `count` REST answers are 429 with Retry-After (then 418 if ignored)
    ForgetSubscriptions,  // the next `count` WebSocket connections start without their URL's
                          // streams (the venue lost them; LIST_SUBSCRIPTIONS shows it)
    RestWrongRange,  // the next `count` candle requests are answered with the newest page, whatever
                     // range they asked for (status 200, rows of another range)
    RestEmptyAnswer, // the next `count` candle requests are answered without rows (status 200), as
                     // if the range were before the listing
    RestBan,         // the venue bans the IP now for `duration` (0: SimConfig::banDuration): every
                     // REST request is answered with its ban status (418; Bybit 403) and Retry-After
                     // (a ban that ended before any request met it starts again at the next one)
    RestSlow,        // the next `count` REST answers are held `duration` before they are written
                     // (on top of SimConfig::restDelay): a slow venue, not a failing one
};

struct SimStats {
    std::uint64_t restRequests = 0;
    std::uint64_t wsConnections = 0;    // accepted WebSocket upgrades, in total
    std::uint64_t wsMessagesSent = 0;   // text frames (events and control replies)
    std::uint64_t wsOpenConnections = 0;
    std::uint64_t pingsSent = 0;
    std::uint64_t pongTimeouts = 0;     // connections closed because no pong came back
    std::uint64_t heartbeatTimeouts = 0;  // connections closed because the client's pings stopped
    std::uint64_t controlMessages = 0;  // text frames received from clients
    std::uint64_t lifetimeCuts = 0;     // connections closed at maxConnectionLifetime
    std::uint64_t faultsInjected = 0;
    std::uint64_t rest429 = 0;          // answered 429
    std::uint64_t rest418 = 0;          // answered with the ban status (418; Bybit 403): the client
                                        // ignored a Retry-After, broke Bybit's window or is banned
    // Requests that reached the simulator within SimConfig::crossing429Grace of a 429 and inside
    // its wait (maxCrossing429 at most): taken as sent before the client could have read it
    // (another of its connections), answered 429 again, not counted as violations. More: a ban.
    std::uint64_t rest429InFlight = 0;
    // Limit violations by the clients (a well-behaved client leaves all three at 0).
    std::uint64_t messageRateViolations = 0;     // > maxIncomingMessagesPerSecond on one connection
    std::uint64_t connectionRateViolations = 0;  // > maxConnectionsPer5Min attempts
    std::uint64_t weightViolations = 0;          // requests beyond the venue's REST limit or while told to wait
    // The REST faults that took effect: requests answered 503, an injected 429, a wrong range, no
    // rows, or an injected ban's status (each counted when a request met it, not when injected).
    std::uint64_t rest503 = 0;
    std::uint64_t restTooManyInjected = 0;
    std::uint64_t restWrongRanges = 0;
    std::uint64_t restEmptyAnswers = 0;
    std::uint64_t restBanAnswersInjected = 0;
    std::uint64_t restSlowAnswers = 0;  // answers a RestSlow fault held back
    std::uint64_t oversizedFrames = 0;  // 2 MiB frames sent to a client (it may close the connection midway)
    std::uint64_t malformedFrames = 0;  // frames that are not JSON written to a client
    std::uint64_t shutdownNotices = 0;  // serverShutdown notices written to a client
    std::uint64_t stalls = 0;           // connections a Stall fault held silent
    std::uint64_t faultCuts = 0;        // connections closed or reset by a CloseTcp/ResetTcp fault
    // The highest share of the venue's REST limit used in any of its windows, per mille (1000: at
    // the limit): a pacing test ran near the limit, not far below it.
    int restPeakLimitPermille = 0;
    // The most REST requests being answered at once (read, answered, restDelay waited, written):
    // how many a client keeps in flight.
    std::uint64_t restInFlightMax = 0;
};

class SimServer {
public:
    explicit SimServer(SimConfig config);
    ~SimServer();  // stops
    SimServer(const SimServer&) = delete;
    SimServer& operator=(const SimServer&) = delete;

    // The accepted values of SimConfig::exchange.
    static std::vector<std::string> exchangeNames();

    Result<Ok> start();         // binds and starts serving; error if the port is taken etc.
    void stop();                // closes every connection, joins the thread
    std::uint16_t port() const; // the bound port (after start)
    std::string restBase() const;    // "http://127.0.0.1:PORT" or "https://…"
    std::string streamBase() const;  // "ws://127.0.0.1:PORT" or "wss://…"
    // URLs to try by hand in this dialect (a candle request, a stream endpoint), after start.
    std::vector<std::string> exampleUrls() const;
    SimStats stats() const;
    // Fault injection (tests): drop every open WebSocket connection now (TCP close, no close
    // frame, like a network failure). Returns when the sockets are closed.
    void dropAllConnections();
    // Fault injection (tests): close every kept-alive HTTP connection, as a server's idle
    // timeout would.
    void dropHttpConnections();
    // Fault injection: `duration` for Stall/IgnorePongs, `count` for the REST faults.
    void inject(SimFault fault, std::chrono::milliseconds duration = std::chrono::milliseconds(0), int count = 1);
    const MarketModel& model() const;
    const OrderBookModel& book() const;  // ground truth of the served order books

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace cpc::sim
