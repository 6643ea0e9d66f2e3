#pragma once
// A venue dialect of the simulator: what Binance, Bybit, OKX or KuCoin say on the wire over the
// same MarketModel. SimServer owns the sockets, limits and faults and only dispatches: REST
// routes and error bodies, the WebSocket paths, the control messages of a connection, the
// stream topics and the heartbeat rule come from the dialect (one file per venue:
// dialect_<venue>.cpp).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cpc/sim/sim_server.hpp"
#include "http_routes.hpp"
#include "stream_registry.hpp"

namespace cpc::sim {

// The subscriptions of one WebSocket connection (implemented by the server's session).
class WsSubscriptions {
public:
    virtual ~WsSubscriptions() = default;
    virtual bool has(std::string_view name) const = 0;
    virtual std::size_t count() const = 0;
    virtual void add(std::string name, std::unique_ptr<StreamProducer> producer) = 0;
    virtual void remove(std::string_view name) = 0;
    virtual std::vector<std::string> names() const = 0;
};

// The dialect's side of one WebSocket connection.
class WsProtocol {
public:
    virtual ~WsProtocol() = default;
    // Frames sent right after the handshake (KuCoin's welcome).
    virtual std::vector<std::string> onOpen() { return {}; }
    // A text frame from the client (any of them keeps a client-pinged connection alive); returns
    // the replies to send.
    virtual std::vector<std::string> onText(const std::string& text, WsSubscriptions& subs) = 0;
    // A producer's payload as sent on this connection (Binance's combined wrapper).
    virtual std::string wrap(const std::string& /*name*/, std::string payload) const { return payload; }
};

// The answer to a WebSocket upgrade request.
struct WsAccept {
    int rejectStatus = 0;  // != 0: answer the upgrade with this HTTP status and body
    std::string rejectBody;
    std::vector<std::string> streams;  // subscribed from the start (Binance: in the URL)
    std::unique_ptr<WsProtocol> protocol;
};

// What a dialect may read from the server.
struct DialectEnv {
    const MarketModel& model;
    const OrderBookModel& book;
    const SimConfig& config;
    std::function<std::string()> streamBase;  // "ws://127.0.0.1:PORT" (KuCoin's bullet answer)
};

// Why the server answers a REST request itself (not a route).
enum class RestProblem : std::uint8_t {
    NotFound,         // unknown path (404)
    BadMethod,        // method not served on this path (405)
    BadTarget,        // malformed request target (400)
    Unavailable,      // injected 503
    TooMany,          // request weight exceeded / injected 429
    Banned,           // 418: requests while told to wait
};

class Dialect {
public:
    virtual ~Dialect() = default;
    virtual std::string name() const = 0;
    virtual const RestRouter& routes() const = 0;
    virtual HttpReply restError(RestProblem problem, const std::string& message, int status) const = 0;
    // Response header carrying the used request weight (Binance's X-MBX-USED-WEIGHT-1M); empty: none.
    virtual std::string usedWeightHeader() const { return {}; }
    // The HTTP status of an IP ban (requests while told to wait): Binance 418, Bybit 403. The
    // simulator says Retry-After (its ban length) on every dialect, so tests can use short bans.
    virtual int banStatus() const { return 418; }
    // The headers of a 429 that say when to ask again, `waitMs` from the venue time `nowMs`:
    // HTTP's Retry-After (whole seconds) unless the venue says it its own way.
    virtual std::vector<std::pair<std::string, std::string>> tooManyHeaders(std::int64_t waitMs,
                                                                            std::int64_t nowMs) const {
        (void)nowMs;
        return {{"Retry-After", std::to_string((waitMs + 999) / 1000)}};
    }
    virtual WsAccept acceptWebSocket(const ParsedTarget& target) const = 0;
    // A producer for one of the dialect's stream names/topics; nullptr when unknown.
    virtual std::unique_ptr<StreamProducer> createStream(std::string_view name) const = 0;
    // Keep-alive: Binance's server sends ping frames and cuts a client without pong
    // (SimConfig::pingInterval/pongTimeout); the others wait for the client's pings and cut a
    // connection that stays silent for heartbeatTimeout().
    virtual bool serverPings() const { return false; }
    virtual std::chrono::milliseconds heartbeatTimeout() const = 0;
    // Faults: a frame that is not JSON, and the venue's "server going away" notice (if any).
    virtual std::string malformedFrame() const { return "{\"topic\":\"kline."; }
    virtual std::optional<std::string> shutdownNotice(std::int64_t /*nowMs*/) const { return std::nullopt; }
    // `cpc sim`'s "try:" lines.
    virtual std::vector<std::string> exampleUrls(const std::string& restBase, const std::string& streamBase) const = 0;
};

// "binance", "bybit", "okx", "kucoin"; nullptr for another name.
std::unique_ptr<Dialect> makeDialect(std::string_view name, const DialectEnv& env);
std::unique_ptr<Dialect> makeBinanceDialect(const DialectEnv& env);
std::unique_ptr<Dialect> makeBybitDialect(const DialectEnv& env);
std::unique_ptr<Dialect> makeOkxDialect(const DialectEnv& env);
std::unique_ptr<Dialect> makeKucoinDialect(const DialectEnv& env);
// Binance USD-M perpetual futures over a PerpModel of env.model (SimConfig::market == Perp).
std::unique_ptr<Dialect> makeBinancePerpDialect(const DialectEnv& env);
// Binance's SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS / SET_PROPERTY / GET_PROPERTY over a
// stream factory (spot's and USD-M's connections).
std::unique_ptr<WsProtocol> makeBinanceControlProtocol(std::function<std::unique_ptr<StreamProducer>(std::string_view)> create,
                                                       std::size_t maxStreams, bool combined);

// Bybit v5 linear perpetuals and OKX v5 swaps over a PerpModel of env.model (SimConfig::market ==
// Perp; dialect_bybit_perp.cpp, dialect_okx_perp.cpp).
std::unique_ptr<Dialect> makeBybitPerpDialect(const DialectEnv& env);
std::unique_ptr<Dialect> makeOkxPerpDialect(const DialectEnv& env);
// Bybit's {"op":"subscribe"|"unsubscribe"|"ping"} over a topic factory (spot's and linear's
// connections; spot takes at most 10 args a request).
std::unique_ptr<WsProtocol> makeBybitControlProtocol(std::function<std::unique_ptr<StreamProducer>(std::string_view)> create,
                                                     std::size_t maxStreams, std::size_t maxArgsPerSubscribe);
// Bybit's orderbook.<depth>.<SYMBOL> topic over the book model (dialect_bybit.cpp).
std::unique_ptr<StreamProducer> makeBybitBookStream(const OrderBookModel& book, std::string symbol, std::size_t depth);

// SimConfig::heartbeatTimeout when set, otherwise the venue's own.
inline std::chrono::milliseconds heartbeatTimeoutOr(const SimConfig& c, std::chrono::milliseconds venue) {
    return c.heartbeatTimeout.count() > 0 ? c.heartbeatTimeout : venue;
}

}  // namespace cpc::sim
