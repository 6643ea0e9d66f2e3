#include "cpc/sim/symbol_universe.hpp"
#include "cpc/sim/sim_server.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <deque>
#include <future>
#include <list>
#include <set>
#include <type_traits>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <nlohmann/json.hpp>

#include "cpc/core/time.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/net/tls.hpp"
#include "dialect.hpp"
#include "venue_limits.hpp"

namespace cpc::sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using ojson = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
constexpr auto kTlsHandshakeTimeout = std::chrono::seconds(10);
constexpr auto kHttpIdleTimeout = std::chrono::seconds(120);
constexpr auto kShutdownTimeout = std::chrono::seconds(2);
constexpr std::size_t kMaxOutbox = 10000;  // queued frames before a slow reader is dropped
constexpr const char* kServerName = "cpc-sim";

// Ends of a connection that are not worth a log line: the peer left, or we closed it.
bool isNormalClose(const boost::system::error_code& ec) {
    return ec == asio::error::operation_aborted || ec == asio::error::eof ||
           ec == websocket::error::closed || ec == http::error::end_of_stream ||
           ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
           ec == asio::ssl::error::stream_truncated || ec == asio::error::not_connected ||
           ec == asio::error::bad_descriptor || ec == beast::error::timeout;
}

// Bound to a wildcard address, the server is still reached on loopback.
std::string urlHost(const std::string& bind) {
    if (bind == "0.0.0.0") return "127.0.0.1";
    if (bind == "::") return "[::1]";
    if (bind.find(':') != std::string::npos) return "[" + bind + "]";
    return bind;
}

}  // namespace

class WsSessionBase {
public:
    virtual ~WsSessionBase() = default;
    virtual void drop() = 0;  // network thread
    virtual void reset() = 0;
    // `written` (if any) is counted once the frame starts going out: the fault took effect.
    virtual void sendRaw(std::string frame, std::atomic<std::uint64_t>* written = nullptr) = 0;
    virtual bool stall(Clock::time_point until) = 0;  // false: the connection is closing
};

// ---------------------------------------------------------------------------------------------

struct ServerState {
    SimConfig config;
    MarketModel model;
    OrderBookModel book;
    std::unique_ptr<Dialect> dialect;  // nullptr: SimConfig::exchange names no dialect (start() fails)
    std::shared_ptr<asio::ssl::context> tls;
    std::atomic<std::uint16_t> boundPort{0};
    std::atomic<std::uint64_t> restRequests{0}, wsConnections{0}, wsMessagesSent{0}, wsOpen{0},
        pingsSent{0}, pongTimeouts{0}, heartbeatTimeouts{0}, controlMessages{0}, lifetimeCuts{0}, faultsInjected{0}, rest429{0},
        rest418{0}, rest429InFlight{0}, messageRateViolations{0}, connectionRateViolations{0}, weightViolations{0},
        rest503{0}, restTooManyInjected{0}, restWrongRanges{0}, restEmptyAnswers{0}, restBanAnswersInjected{0}, restSlowAnswers{0},
        oversizedFrames{0}, malformedFrames{0}, shutdownNotices{0}, stalls{0}, faultCuts{0};
    std::atomic<int> restPeakLimitPermille{0};
    std::uint64_t restInFlight = 0;  // network thread only
    std::atomic<std::uint64_t> restInFlightMax{0};
    bool started = false;
    bool stopped = false;

    // Network thread only.
    std::list<std::weak_ptr<WsSessionBase>> sessions;
    std::set<beast::tcp_stream*> httpConnections;
    std::int64_t weightMinute = -1;
    int weightUsed = 0;
    std::deque<Clock::time_point> connectionAttempts;  // last 5 minutes
    Clock::time_point ignorePongsUntil{};
    int failRest503 = 0, failRest429 = 0, wrongRange = 0, emptyAnswers = 0;
    int forgetSubscriptions = 0;  // next connections to open without their URL's streams
    int slowAnswers = 0;          // next REST answers to hold back (SimFault::RestSlow) ...
    std::chrono::milliseconds slowFor{0};  // ... this long each
    std::int64_t retryAfterUntilMs = 0;  // a 429 told the client to wait until then
    Clock::time_point last429At{};       // when that 429 was answered (wall clock)
    int crossing429 = 0;                 // requests forgiven since (SimConfig::maxCrossing429 at most)
    std::int64_t bannedUntilMs = 0;
    // The ban is an injected one (SimFault::RestBan): the first answers tell the client, they are
    // no violation (those crossing it on the wire within crossing429Grace neither).
    bool banByFault = false;
    // An injected ban no request has met yet: it starts again at the next request, for this long
    // (a test's sped-up exchange clock can end a ban before the client's next request comes).
    std::int64_t pendingBanMs = 0;
    Clock::time_point firstBanAnswerAt{};
    int banCrossings = 0;
    std::unique_ptr<RestLimiter> limiter;  // the venue's own REST limits

    // Declared last so they are destroyed first: the io_context's destructor destroys the
    // suspended coroutine frames, which still refer to the members above.
    std::unique_ptr<net::IoThread> io;
    std::unique_ptr<tcp::acceptor> acceptor;

    explicit ServerState(SimConfig c)
        : config(std::move(c)),
          model(config.seed, withLiveLoadOn(config.symbols.empty() ? MarketModel::defaultSymbols() : config.symbols, config.liveTradeSymbols), LiveTrades{config.liveTradesPerSecond, now()}),
          book(model, config.seed),
          dialect(makeDialect(config.exchange, DialectEnv{model, book, config, [this] { return streamBase(); }})),
          limiter(makeRestLimiter(config.exchange, config)) {}

    std::string streamBase() const {
        return std::string(config.tls ? "wss" : "ws") + "://" + urlHost(config.bindAddress) + ":" +
               std::to_string(boundPort.load());
    }

    std::int64_t now() const { return config.clock ? config.clock() : cpc::nowMs(); }
    void log(const std::string& line) const {
        if (config.log) config.log(line);
    }

    // Binance's X-MBX-USED-WEIGHT-1M: weight used in the current minute of exchange time.
    int addWeight(int weight, std::int64_t nowMs) {
        const std::int64_t minute = nowMs / kMinuteMs;
        if (minute != weightMinute) {
            weightMinute = minute;
            weightUsed = 0;
        }
        weightUsed += weight;
        return weightUsed;
    }

    void runOnNetworkThread(const std::function<void()>& fn) {
        if (!started || stopped || !io) return;
        if (io->runningInThisThread()) {
            fn();
            return;
        }
        std::promise<void> done;
        asio::post(io->context(), [&] {
            fn();
            done.set_value();
        });
        done.get_future().wait();
    }

    http::response<http::string_body> handleRest(const http::request<http::string_body>& req);
    asio::awaitable<void> acceptLoop();
    asio::awaitable<void> handleConnection(tcp::socket socket);
    template <class Stream>
    asio::awaitable<void> serveHttp(Stream stream);
    template <class Stream>
    asio::awaitable<void> serveWebSocket(Stream stream, http::request<http::string_body> req);
};

// ---------------------------------------------------------------------------------------------
// One WebSocket connection: a read loop (control messages; keeps Beast answering pings), a push
// loop polling the subscribed streams, a ping loop with the pong deadline, and a write queue
// (Beast allows one write at a time). Everything runs on the server's single network thread.

template <class Stream>
class WsSession final : public WsSessionBase,
                        public WsSubscriptions,
                        public std::enable_shared_from_this<WsSession<Stream>> {
public:
    WsSession(ServerState& server, Stream&& stream, std::unique_ptr<WsProtocol> protocol)
        : m_server(server), m_ws(std::move(stream)), m_pushTimer(m_ws.get_executor()),
          m_pingTimer(m_ws.get_executor()), m_protocol(std::move(protocol)) {}

    asio::awaitable<void> run(http::request<http::string_body> req, std::vector<std::string> names) {
        websocket::stream_base::timeout t{};
        t.handshake_timeout = std::chrono::seconds(10);
        t.idle_timeout = websocket::stream_base::none();  // our own ping/pong deadline instead
        t.keep_alive_pings = false;
        m_ws.set_option(t);
        m_ws.set_option(websocket::stream_base::decorator(
            [](websocket::response_type& res) { res.set(http::field::server, kServerName); }));
        m_ws.read_message_max(1024 * 1024);
        m_ws.control_callback([this](websocket::frame_type kind, beast::string_view payload) {
            // Only a pong echoing one of our pings counts (Binance: unsolicited pongs do not
            // prevent the disconnect).
            if (kind != websocket::frame_type::close) countIncoming();
            if (kind == websocket::frame_type::pong && payload.starts_with("cpc-sim-") &&
                Clock::now() >= m_server.ignorePongsUntil)
                m_awaitingPong = false;
        });
        auto [ec] = co_await m_ws.async_accept(req, kNoThrow);
        if (ec) {
            if (!isNormalClose(ec)) m_server.log("sim: WebSocket accept failed: " + ec.message());
            co_return;
        }
        ++m_server.wsConnections;
        m_openedAt = Clock::now();
        ++m_server.wsOpen;
        std::erase_if(m_server.sessions, [](const std::weak_ptr<WsSessionBase>& w) { return w.expired(); });
        m_server.sessions.push_back(this->weak_from_this());
        if (m_server.forgetSubscriptions > 0) {
            --m_server.forgetSubscriptions;  // the fault: this connection "lost" its streams
        } else {
            for (auto& name : names) m_subs.push_back(Subscription{name, m_server.dialect->createStream(name)});
        }
        m_lastHeard = Clock::now();
        for (std::string& frame : m_protocol->onOpen()) enqueue(std::move(frame));

        const auto self = this->shared_from_this();
        const auto ex = m_ws.get_executor();
        asio::co_spawn(ex, pushLoop(self), asio::detached);
        if (m_server.dialect->serverPings()) asio::co_spawn(ex, pingLoop(self), asio::detached);
        else asio::co_spawn(ex, silenceLoop(self), asio::detached);
        co_await readLoop();
        stop();
        --m_server.wsOpen;
    }

    void drop() override {
        stop();
        boost::system::error_code ignored;
        beast::get_lowest_layer(m_ws).socket().close(ignored);
    }

    void reset() override {
        boost::system::error_code ignored;
        beast::get_lowest_layer(m_ws).socket().set_option(asio::socket_base::linger(true, 0), ignored);
        drop();
    }

    void sendRaw(std::string frame, std::atomic<std::uint64_t>* written) override { enqueue(std::move(frame), written); }

    bool stall(Clock::time_point until) override {
        m_stalledUntil = until;
        return !m_stopped;
    }

    // WsSubscriptions (the dialect's control messages)
    bool has(std::string_view name) const override {
        return std::any_of(m_subs.begin(), m_subs.end(), [&](const Subscription& s) { return s.name == name; });
    }
    std::size_t count() const override { return m_subs.size(); }
    void add(std::string name, std::unique_ptr<StreamProducer> producer) override {
        m_subs.push_back(Subscription{std::move(name), std::move(producer)});
    }
    void remove(std::string_view name) override {
        std::erase_if(m_subs, [&](const Subscription& s) { return s.name == name; });
    }
    std::vector<std::string> names() const override {
        std::vector<std::string> out;
        for (const Subscription& s : m_subs) out.push_back(s.name);
        return out;
    }

private:
    struct Subscription {
        std::string name;
        std::unique_ptr<StreamProducer> producer;
    };

    void stop() {
        m_stopped = true;
        m_pushTimer.cancel();
        m_pingTimer.cancel();
    }

    asio::awaitable<void> readLoop() {
        beast::flat_buffer buffer;
        for (;;) {
            auto [ec, bytes] = co_await m_ws.async_read(buffer, kNoThrow);
            if (ec) {
                if (!m_stopped && !isNormalClose(ec)) m_server.log("sim: WebSocket read failed: " + ec.message());
                co_return;
            }
            const std::string text = beast::buffers_to_string(buffer.data());
            buffer.consume(buffer.size());
            ++m_server.controlMessages;
            countIncoming();
            if (Clock::now() >= m_server.ignorePongsUntil) m_lastHeard = Clock::now();
            for (std::string& reply : m_protocol->onText(text, *this)) enqueue(std::move(reply));
        }
    }

    asio::awaitable<void> pushLoop([[maybe_unused]] std::shared_ptr<WsSession> self) {
        const auto push = std::min(m_server.config.klinePushInterval, std::chrono::milliseconds(1000));
        // With live trades (the realtime window's load) every 10 ms, so trades leave as a stream,
        // not in bursts a tenth of a second apart (2,000 frames at 20,000 trades/s, whose drain
        // the client's receipt latency then measures).
        const auto tick = m_server.config.liveTradesPerSecond > 0
                              ? std::chrono::milliseconds(10)
                              : std::clamp(push / 4, std::chrono::milliseconds(10), std::chrono::milliseconds(100));
        std::vector<std::string> payloads;
        while (!m_stopped) {
            if (Clock::now() - m_openedAt >= m_server.config.maxConnectionLifetime) {
                ++m_server.lifetimeCuts;
                drop();  // Binance's 24 h cut
                co_return;
            }
            if (Clock::now() < m_stalledUntil) {  // stalled: the producers keep their place
                m_pushTimer.expires_after(tick);
                co_await m_pushTimer.async_wait(kNoThrow);
                continue;
            }
            const PollTime now{m_server.now(), Clock::now()};
            for (Subscription& sub : m_subs) {
                payloads.clear();
                sub.producer->poll(now, payloads);
                for (std::string& p : payloads) enqueue(wrap(sub.name, std::move(p)));
            }
            m_pushTimer.expires_after(tick);
            co_await m_pushTimer.async_wait(kNoThrow);
        }
    }

    asio::awaitable<void> pingLoop([[maybe_unused]] std::shared_ptr<WsSession> self) {
        const auto interval = m_server.config.pingInterval;
        const auto pongTimeout = m_server.config.pongTimeout;
        auto nextPing = Clock::now() + interval;
        while (!m_stopped) {
            auto deadline = nextPing;
            if (m_awaitingPong) deadline = std::min(deadline, m_pingSentAt + pongTimeout);
            m_pingTimer.expires_at(deadline);
            co_await m_pingTimer.async_wait(kNoThrow);
            if (m_stopped) co_return;
            const auto now = Clock::now();
            if (m_awaitingPong && now >= m_pingSentAt + pongTimeout) {
                ++m_server.pongTimeouts;
                m_server.log("sim: no pong within " + std::to_string(pongTimeout.count()) +
                             " ms, closing the connection");
                drop();
                co_return;
            }
            if (now >= nextPing && now < m_stalledUntil) {
                nextPing = now + interval;  // a stalled server sends no pings either
            } else if (now >= nextPing) {
                if (!m_awaitingPong) {
                    m_awaitingPong = true;
                    m_pingSentAt = now;
                }
                const std::string payload = "cpc-sim-" + std::to_string(++m_pingCounter);
                auto [ec] = co_await m_ws.async_ping(websocket::ping_data(payload.c_str()), kNoThrow);
                if (ec) co_return;
                ++m_server.pingsSent;
                nextPing = now + interval;
            }
        }
    }

    // Venues whose clients ping: close a connection whose client stayed silent for the venue's
    // timeout (the IgnorePongs fault stops counting the client's messages).
    asio::awaitable<void> silenceLoop([[maybe_unused]] std::shared_ptr<WsSession> self) {
        const auto timeout = heartbeatTimeoutOr(m_server.config, m_server.dialect->heartbeatTimeout());
        while (!m_stopped) {
            m_pingTimer.expires_at(m_lastHeard + timeout);
            co_await m_pingTimer.async_wait(kNoThrow);
            if (m_stopped) co_return;
            if (Clock::now() >= m_lastHeard + timeout) {
                ++m_server.heartbeatTimeouts;
                m_server.log("sim: no client message within " + std::to_string(timeout.count()) +
                             " ms, closing the connection");
                drop();
                co_return;
            }
        }
    }

    std::string wrap(const std::string& name, std::string payload) const {
        return m_protocol->wrap(name, std::move(payload));
    }

    // Binance: at most 5 incoming messages (text, ping, pong) per second per connection.
    void countIncoming() {
        const auto now = Clock::now();
        m_incoming.push_back(now);
        while (!m_incoming.empty() && now - m_incoming.front() >= std::chrono::seconds(1)) m_incoming.pop_front();
        if (m_incoming.size() > static_cast<std::size_t>(m_server.config.maxIncomingMessagesPerSecond)) {
            ++m_server.messageRateViolations;
            m_server.log("sim: more than " + std::to_string(m_server.config.maxIncomingMessagesPerSecond) +
                         " incoming messages in one second on one connection");
        }
    }

    void enqueue(std::string message, std::atomic<std::uint64_t>* written = nullptr) {
        if (m_stopped) return;
        if (m_outbox.size() >= kMaxOutbox) {
            m_server.log("sim: client does not read (" + std::to_string(kMaxOutbox) + " frames queued), dropping it");
            drop();
            return;
        }
        m_outbox.emplace_back(std::move(message), written);
        if (!m_writing) {
            m_writing = true;
            asio::co_spawn(m_ws.get_executor(), writeLoop(this->shared_from_this()), asio::detached);
        }
    }

    asio::awaitable<void> writeLoop([[maybe_unused]] std::shared_ptr<WsSession> self) {
        while (!m_outbox.empty() && !m_stopped && Clock::now() >= m_stalledUntil) {
            m_ws.text(true);
            // A fault's frame took effect once it goes out: a client that guards its reads closes
            // the connection in the middle of an oversized one, so its write never completes.
            if (m_outbox.front().second) ++*m_outbox.front().second;
            auto [ec, bytes] = co_await m_ws.async_write(asio::buffer(m_outbox.front().first), kNoThrow);
            if (ec) {
                if (!isNormalClose(ec)) m_server.log("sim: WebSocket write failed: " + ec.message());
                drop();
                break;
            }
            m_outbox.pop_front();
            ++m_server.wsMessagesSent;
        }
        m_writing = false;
    }

    ServerState& m_server;
    websocket::stream<Stream> m_ws;
    asio::steady_timer m_pushTimer;
    asio::steady_timer m_pingTimer;
    std::unique_ptr<WsProtocol> m_protocol;
    Clock::time_point m_lastHeard{};  // the client's last text frame (client-ping venues)
    bool m_stopped = false;
    bool m_writing = false;
    bool m_awaitingPong = false;
    Clock::time_point m_pingSentAt{};
    Clock::time_point m_openedAt{};
    Clock::time_point m_stalledUntil{};
    std::deque<Clock::time_point> m_incoming;  // incoming messages of the last second
    std::uint64_t m_pingCounter = 0;
    std::vector<Subscription> m_subs;
    // front() is being written while m_writing; with the counter of a fault's frame.
    std::deque<std::pair<std::string, std::atomic<std::uint64_t>*>> m_outbox;
};

// ---------------------------------------------------------------------------------------------

http::response<http::string_body> ServerState::handleRest(const http::request<http::string_body>& req) {
    ++restRequests;
    const std::int64_t nowMs = now();
    HttpReply reply;
    int weight = 1;
    const Dialect& venue = *dialect;
    auto target = parseTarget(req.target());
    const RestRoute* route = target ? venue.routes().find(target->path) : nullptr;
    const std::string method(req.method_string());
    if (pendingBanMs > 0 && bannedUntilMs <= nowMs) bannedUntilMs = nowMs + pendingBanMs;
    if (route ? method != route->method : req.method() != http::verb::get) {
        reply = venue.restError(RestProblem::BadMethod,
                                route ? "Only " + route->method + " is served on " + route->path + "; got " + method + "."
                                      : "Only GET is served by the simulator; got " + method + ".",
                                405);
    } else if (!target) {
        reply = venue.restError(RestProblem::BadTarget, "Malformed request target: " + target.error().message, 400);
    } else if (bannedUntilMs <= nowMs && nowMs < retryAfterUntilMs && failRest429 == 0 &&
               Clock::now() - last429At < config.crossing429Grace && crossing429 < config.maxCrossing429) {
        // A request that crossed the 429 on the wire (sent before the client could read it, e.g.
        // by another of its connections): Binance bans clients that keep sending after a 429, not
        // that. It gets the 429 again, with what is left of the wait.
        ++rest429InFlight;
        ++crossing429;
        const std::int64_t waitMs = retryAfterUntilMs - nowMs;
        reply = venue.restError(RestProblem::TooMany, "Too much request weight used; please wait before sending more.", 429);
        for (auto& header : venue.tooManyHeaders(waitMs, nowMs)) reply.headers.push_back(std::move(header));
        weight = 0;
    } else if (nowMs < bannedUntilMs || (nowMs < retryAfterUntilMs && failRest429 == 0)) {
        // Binance: requests after a 429 (before its Retry-After) earn an IP ban (418; Bybit 403).
        if (banByFault && nowMs < bannedUntilMs) {
            // An injected ban: the client learns of it from this answer (or one crossing it).
            ++restBanAnswersInjected;
            pendingBanMs = 0;
            const auto at = Clock::now();
            if (firstBanAnswerAt == Clock::time_point{}) firstBanAnswerAt = at;
            else if (at - firstBanAnswerAt >= config.crossing429Grace || ++banCrossings > config.maxCrossing429)
                ++weightViolations;
        } else {
            ++weightViolations;
        }
        ++rest418;
        if (bannedUntilMs <= nowMs) {
            bannedUntilMs = nowMs + config.banDuration.count();
            banByFault = false;
        }
        const std::int64_t wait = (bannedUntilMs - nowMs + 999) / 1000;
        reply = venue.restError(RestProblem::Banned,
                                "Way too much request weight used; IP banned until " + std::to_string(bannedUntilMs) +
                                    ". Please use WebSocket Streams for live updates to avoid bans.",
                                venue.banStatus());
        reply.headers.emplace_back("Retry-After", std::to_string(wait));
        weight = 0;
    } else if (failRest503 > 0) {
        --failRest503;
        ++rest503;
        reply = venue.restError(RestProblem::Unavailable, "Service Unavailable", 503);
        weight = 0;
    } else if (route) {
        weight = route->weight;
        if (wrongRange > 0 && !route->rangeParams.empty()) {
            --wrongRange;
            ++restWrongRanges;
            std::erase_if(target->params, [&](const auto& p) {
                return std::find(route->rangeParams.begin(), route->rangeParams.end(), p.first) != route->rangeParams.end();
            });
        }
        if (emptyAnswers > 0 && !route->rangeParams.empty()) {
            // A range in 1970 in every dialect's parameters: the venue's own answer without rows.
            --emptyAnswers;
            ++restEmptyAnswers;
            std::erase_if(target->params, [&](const auto& p) {
                return std::find(route->rangeParams.begin(), route->rangeParams.end(), p.first) != route->rangeParams.end();
            });
            for (const auto& name : route->rangeParams) target->params.emplace_back(name, "1");
        }
        reply = route->handler(RestContext{model, nowMs, *target, &book});
        if (reply.weight >= 0) weight = reply.weight;
        // The venue's own limits (venue_limits.hpp), or an injected 429 that says to wait.
        LimitVerdict verdict;
        if (failRest429 > 0) {
            --failRest429;
            ++restTooManyInjected;
            verdict.kind = LimitVerdict::Kind::TooMany;
            verdict.escalates = true;
            verdict.waitMs = config.tooManyRetryAfterSeconds > 0 ? config.tooManyRetryAfterSeconds * 1000LL
                                                                 : kMinuteMs - nowMs % kMinuteMs;
            verdict.message = "Too much request weight used; current limit is " + std::to_string(config.restWeightPerMinute) +
                              " request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid "
                              "polling the API.";
        } else {
            verdict = limiter->admit(target->path, weight, nowMs, Clock::now());
            restPeakLimitPermille = limiter->peakPermille();
            if (verdict.kind != LimitVerdict::Kind::Go) {
                ++weightViolations;
                log("sim: " + target->path + " beyond the venue's REST limit: " + verdict.message);
            }
        }
        if (verdict.kind == LimitVerdict::Kind::Ban) {
            // Bybit: past its window the IP is banned (403) without a 429 first.
            ++rest418;
            bannedUntilMs = nowMs + config.banDuration.count();
            banByFault = false;
            reply = venue.restError(RestProblem::Banned, verdict.message, venue.banStatus());
            reply.headers.emplace_back("Retry-After", std::to_string((config.banDuration.count() + 999) / 1000));
            weight = 0;
        } else if (verdict.kind == LimitVerdict::Kind::TooMany) {
            ++rest429;
            std::int64_t waitMs = verdict.waitMs;
            if (verdict.escalates) {
                // Told to wait whole seconds (Retry-After); a request inside them earns a ban.
                waitMs = (waitMs + 999) / 1000 * 1000;
                retryAfterUntilMs = nowMs + waitMs;
                last429At = Clock::now();
                crossing429 = 0;
            }
            reply = venue.restError(RestProblem::TooMany, verdict.message, 429);
            for (auto& header : venue.tooManyHeaders(waitMs, nowMs)) reply.headers.push_back(std::move(header));
            weight = 0;
        }
    } else {
        reply = venue.restError(RestProblem::NotFound, "Unknown path '" + target->path + "'", 404);
    }
    http::response<http::string_body> res{static_cast<http::status>(reply.status), req.version()};
    res.set(http::field::server, kServerName);
    res.set(http::field::content_type, "application/json;charset=UTF-8");
    const int usedWeight = addWeight(weight, nowMs);
    if (const std::string header = venue.usedWeightHeader(); !header.empty())
        res.set(header, std::to_string(usedWeight));
    for (const auto& [name, value] : reply.headers) res.set(name, value);
    res.keep_alive(req.keep_alive());
    res.body() = std::move(reply.body);
    res.prepare_payload();
    return res;
}

asio::awaitable<void> ServerState::acceptLoop() {
    for (;;) {
        auto [ec, socket] = co_await acceptor->async_accept(kNoThrow);
        if (ec) {
            if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
            log("sim: accept failed: " + ec.message());
            asio::steady_timer pause(acceptor->get_executor(), std::chrono::milliseconds(50));
            co_await pause.async_wait(kNoThrow);  // e.g. out of file descriptors: don't spin
            continue;
        }
        asio::co_spawn(acceptor->get_executor(), handleConnection(std::move(socket)), asio::detached);
    }
}

asio::awaitable<void> ServerState::handleConnection(tcp::socket socket) {
    // Stream frames are small and written one by one: with Nagle's algorithm a frame can wait
    // for the client's delayed ACK (up to 40 ms on Linux), which was the p99 of a 20,000 msg/s run.
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    beast::tcp_stream stream(std::move(socket));
    if (!tls) {
        co_await serveHttp(std::move(stream));
        co_return;
    }
    beast::ssl_stream<beast::tcp_stream> secure(std::move(stream), *tls);
    beast::get_lowest_layer(secure).expires_after(kTlsHandshakeTimeout);
    auto [ec] = co_await secure.async_handshake(asio::ssl::stream_base::server, kNoThrow);
    if (ec) {
        // A client that rejects our certificate shows up here (e.g. "tlsv1 alert unknown ca").
        if (!isNormalClose(ec)) log("sim: TLS handshake failed: " + ec.message());
        co_return;
    }
    co_await serveHttp(std::move(secure));
}

template <class Stream>
asio::awaitable<void> ServerState::serveHttp(Stream stream) {
    beast::tcp_stream& lowest = beast::get_lowest_layer(stream);
    httpConnections.insert(&lowest);
    struct Unregister {
        ServerState& impl;
        beast::tcp_stream* s;
        ~Unregister() { impl.httpConnections.erase(s); }
    } unregister{*this, &lowest};

    beast::flat_buffer buffer;
    for (;;) {
        lowest.expires_after(kHttpIdleTimeout);
        http::request_parser<http::string_body> parser;
        parser.body_limit(64 * 1024);
        auto [ec, bytes] = co_await http::async_read(stream, buffer, parser, kNoThrow);
        if (ec) {
            if (!isNormalClose(ec)) log("sim: HTTP read failed: " + ec.message());
            break;
        }
        http::request<http::string_body> req = parser.release();
        if (websocket::is_upgrade(req)) {
            lowest.expires_never();
            httpConnections.erase(&lowest);
            co_await serveWebSocket(std::move(stream), std::move(req));
            co_return;
        }
        restInFlightMax = std::max<std::uint64_t>(restInFlightMax, ++restInFlight);
        auto res = handleRest(req);
        auto delay = config.restDelay;
        if (slowAnswers > 0) {
            --slowAnswers;
            ++restSlowAnswers;
            delay += slowFor;
        }
        if (delay.count() > 0) {
            asio::steady_timer slow(lowest.get_executor(), delay);
            co_await slow.async_wait(kNoThrow);
        }
        auto [wec, written] = co_await http::async_write(stream, res, kNoThrow);
        --restInFlight;
        if (wec || !res.keep_alive()) break;
    }
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
        boost::system::error_code ignored;
        lowest.socket().shutdown(tcp::socket::shutdown_send, ignored);
    } else {
        lowest.expires_after(kShutdownTimeout);
        co_await stream.async_shutdown(kNoThrow);
    }
}

template <class Stream>
asio::awaitable<void> ServerState::serveWebSocket(Stream stream, http::request<http::string_body> req) {
    const auto target = parseTarget(req.target());
    WsAccept accept;
    if (!target) {
        accept.rejectStatus = 400;
        accept.rejectBody = "{\"error\":{\"code\":2,\"msg\":\"Invalid request: " + target.error().message + "\"}}";
    } else {
        accept = dialect->acceptWebSocket(*target);
    }
    const int rejectStatus = accept.rejectStatus;
    const std::string& rejectBody = accept.rejectBody;
    if (rejectStatus != 0) {
        http::response<http::string_body> res{static_cast<http::status>(rejectStatus), req.version()};
        res.set(http::field::server, kServerName);
        res.set(http::field::content_type, "application/json;charset=UTF-8");
        res.keep_alive(false);
        res.body() = rejectBody;
        res.prepare_payload();
        beast::get_lowest_layer(stream).expires_after(kShutdownTimeout);
        co_await http::async_write(stream, res, kNoThrow);
        boost::system::error_code ignored;
        beast::get_lowest_layer(stream).socket().close(ignored);
        co_return;
    }
    // Binance: at most 300 connection attempts per 5 minutes per IP.
    const auto attemptAt = Clock::now();
    connectionAttempts.push_back(attemptAt);
    while (!connectionAttempts.empty() && attemptAt - connectionAttempts.front() >= config.connectionWindow)
        connectionAttempts.pop_front();
    if (connectionAttempts.size() > static_cast<std::size_t>(config.maxConnectionsPer5Min)) {
        ++connectionRateViolations;
        log("sim: more than " + std::to_string(config.maxConnectionsPer5Min) + " connection attempts in 5 minutes");
    }
    auto session = std::make_shared<WsSession<Stream>>(*this, std::move(stream), std::move(accept.protocol));
    co_await session->run(std::move(req), std::move(accept.streams));
}

// ---------------------------------------------------------------------------------------------

struct SimServer::Impl : ServerState {
    explicit Impl(SimConfig c) : ServerState(std::move(c)) {}
};

SimServer::SimServer(SimConfig config) : m_impl(std::make_unique<Impl>(std::move(config))) {}

SimServer::~SimServer() { stop(); }

Result<Ok> SimServer::start() {
    Impl& impl = *m_impl;
    if (impl.started) return makeError("the simulator is already started");
    const SimConfig& cfg = impl.config;
    if (!impl.dialect && cfg.market == MarketType::Perp)
        return makeError("sim: perpetual futures are simulated for binance (USD-M), bybit (linear) and okx (swap), not '" +
                         cfg.exchange + "'");
    if (!impl.dialect) {
        std::string accepted;
        for (const std::string& n : exchangeNames()) accepted += (accepted.empty() ? "" : ", ") + n;
        return makeError("sim: unknown exchange '" + cfg.exchange + "'; accepted are " + accepted);
    }
    if (cfg.klinePushInterval.count() <= 0 || cfg.pingInterval.count() <= 0 || cfg.pongTimeout.count() <= 0)
        return makeError("sim: klinePushInterval, pingInterval and pongTimeout must be positive");
    if (cfg.tls) {
        if (cfg.certFile.empty() || cfg.keyFile.empty())
            return makeError("sim: TLS needs a certificate file and a key file (PEM)");
        auto ctx = net::makeServerTlsContext(cfg.certFile, cfg.keyFile);
        if (!ctx) return ctx.error();
        impl.tls = *ctx;
    }
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(cfg.bindAddress, ec);
    if (ec)
        return makeError("sim: bind address '" + cfg.bindAddress +
                         "' is not an IP address (e.g. 127.0.0.1, ::1, 0.0.0.0)");
    auto io = std::make_unique<net::IoThread>();
    auto acceptor = std::make_unique<tcp::acceptor>(io->context());
    const tcp::endpoint endpoint(address, cfg.port);
    const std::string where = urlHost(cfg.bindAddress) + ":" + std::to_string(cfg.port);
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (ec) return makeError("sim: cannot listen on " + where + ": " + ec.message());
    acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return makeError("sim: cannot listen on " + where + ": " + ec.message());
    impl.boundPort = acceptor->local_endpoint().port();
    impl.io = std::move(io);
    impl.acceptor = std::move(acceptor);
    impl.started = true;
    asio::co_spawn(impl.io->context(), impl.acceptLoop(), asio::detached);
    return Ok{};
}

void SimServer::stop() {
    Impl& impl = *m_impl;
    if (!impl.started || impl.stopped) return;
    impl.runOnNetworkThread([&impl] {
        boost::system::error_code ignored;
        impl.acceptor->close(ignored);
        for (auto& weak : impl.sessions)
            if (auto s = weak.lock()) s->drop();
        impl.sessions.clear();
        for (beast::tcp_stream* s : impl.httpConnections) s->socket().close(ignored);
    });
    impl.stopped = true;
    impl.io->stop();
}

std::vector<std::string> SimServer::exchangeNames() { return {"binance", "bybit", "okx", "kucoin"}; }

std::uint16_t SimServer::port() const { return m_impl->boundPort; }

std::string SimServer::restBase() const {
    return std::string(m_impl->config.tls ? "https" : "http") + "://" + urlHost(m_impl->config.bindAddress) + ":" +
           std::to_string(port());
}

std::string SimServer::streamBase() const { return m_impl->streamBase(); }

std::vector<std::string> SimServer::exampleUrls() const {
    if (!m_impl->dialect) return {};
    return m_impl->dialect->exampleUrls(restBase(), streamBase());
}

SimStats SimServer::stats() const {
    const Impl& impl = *m_impl;
    SimStats s;
    s.restRequests = impl.restRequests;
    s.wsConnections = impl.wsConnections;
    s.wsMessagesSent = impl.wsMessagesSent;
    s.wsOpenConnections = impl.wsOpen;
    s.pingsSent = impl.pingsSent;
    s.pongTimeouts = impl.pongTimeouts;
    s.heartbeatTimeouts = impl.heartbeatTimeouts;
    s.controlMessages = impl.controlMessages;
    s.lifetimeCuts = impl.lifetimeCuts;
    s.faultsInjected = impl.faultsInjected;
    s.rest429 = impl.rest429;
    s.rest418 = impl.rest418;
    s.rest429InFlight = impl.rest429InFlight;
    s.messageRateViolations = impl.messageRateViolations;
    s.connectionRateViolations = impl.connectionRateViolations;
    s.weightViolations = impl.weightViolations;
    s.rest503 = impl.rest503;
    s.restTooManyInjected = impl.restTooManyInjected;
    s.restWrongRanges = impl.restWrongRanges;
    s.restEmptyAnswers = impl.restEmptyAnswers;
    s.restBanAnswersInjected = impl.restBanAnswersInjected;
    s.restSlowAnswers = impl.restSlowAnswers;
    s.oversizedFrames = impl.oversizedFrames;
    s.malformedFrames = impl.malformedFrames;
    s.shutdownNotices = impl.shutdownNotices;
    s.stalls = impl.stalls;
    s.faultCuts = impl.faultCuts;
    s.restPeakLimitPermille = impl.restPeakLimitPermille;
    s.restInFlightMax = impl.restInFlightMax;
    return s;
}

void SimServer::dropAllConnections() {
    Impl& impl = *m_impl;
    impl.runOnNetworkThread([&impl] {
        for (auto& weak : impl.sessions)
            if (auto s = weak.lock()) s->drop();
        impl.sessions.clear();
    });
}

void SimServer::dropHttpConnections() {
    Impl& impl = *m_impl;
    impl.runOnNetworkThread([&impl] {
        boost::system::error_code ignored;
        for (beast::tcp_stream* s : impl.httpConnections) s->socket().close(ignored);
    });
}

void SimServer::inject(SimFault fault, std::chrono::milliseconds duration, int count) {
    Impl& impl = *m_impl;
    ++impl.faultsInjected;
    impl.runOnNetworkThread([&impl, fault, duration, count] {
        std::erase_if(impl.sessions, [](const std::weak_ptr<WsSessionBase>& w) { return w.expired(); });
        const auto each = [&impl](const std::function<void(WsSessionBase&)>& fn) {
            for (auto& weak : impl.sessions)
                if (auto s = weak.lock()) fn(*s);
        };
        switch (fault) {
            case SimFault::CloseTcp:
                each([&impl](WsSessionBase& s) {
                    ++impl.faultCuts;
                    s.drop();
                });
                break;
            case SimFault::ResetTcp:
                each([&impl](WsSessionBase& s) {
                    ++impl.faultCuts;
                    s.reset();
                });
                break;
            case SimFault::Stall: {
                const auto until = Clock::now() + duration;
                each([&impl, until](WsSessionBase& s) {
                    if (s.stall(until)) ++impl.stalls;
                });
                break;
            }
            case SimFault::MalformedFrame:
            {
                const std::string frame = impl.dialect->malformedFrame();
                each([&impl, &frame](WsSessionBase& s) { s.sendRaw(frame, &impl.malformedFrames); });
                break;
            }
            case SimFault::OversizedFrame:
                each([&impl](WsSessionBase& s) {
                    s.sendRaw("{\"pad\":\"" + std::string(2 * 1024 * 1024, 'x') + "\"}", &impl.oversizedFrames);
                });
                break;
            case SimFault::ServerShutdown: {
                // Venues without such a notice: nothing is sent.
                if (const auto event = impl.dialect->shutdownNotice(impl.now()))
                    each([&impl, &event](WsSessionBase& s) { s.sendRaw(*event, &impl.shutdownNotices); });
                break;
            }
            case SimFault::IgnorePongs: impl.ignorePongsUntil = Clock::now() + duration; break;
            case SimFault::RestServerError: impl.failRest503 += count; break;
            case SimFault::RestTooMany: impl.failRest429 += count; break;
            case SimFault::ForgetSubscriptions: impl.forgetSubscriptions += count; break;
            case SimFault::RestWrongRange: impl.wrongRange += count; break;
            case SimFault::RestEmptyAnswer: impl.emptyAnswers += count; break;
            case SimFault::RestSlow:
                impl.slowAnswers += count;
                impl.slowFor = duration;
                break;
            case SimFault::RestBan: {
                const std::int64_t now = impl.now();
                const auto length = duration.count() > 0 ? duration : impl.config.banDuration;
                impl.bannedUntilMs = std::max(impl.bannedUntilMs, now + length.count());
                impl.banByFault = true;
                impl.pendingBanMs = length.count();
                impl.firstBanAnswerAt = {};
                impl.banCrossings = 0;
                break;
            }
        }
    });
}

const MarketModel& SimServer::model() const { return m_impl->model; }

const OrderBookModel& SimServer::book() const { return m_impl->book; }

}  // namespace cpc::sim
