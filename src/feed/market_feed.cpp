#include "cpc/feed/market_feed.hpp"

#include "coroutine_tracker.hpp"

#include <condition_variable>
#include <mutex>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cpc/core/time.hpp"
#include "cpc/net/backoff.hpp"
#include "cpc/net/http_client.hpp"
#include "cpc/net/ws_client.hpp"

namespace cpc::feed {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using Clock = std::chrono::steady_clock;

std::string_view toString(FeedState state) {
    switch (state) {
        case FeedState::Idle: return "idle";
        case FeedState::Connecting: return "connecting";
        case FeedState::Live: return "live";
        case FeedState::Stale: return "stale";
        case FeedState::Reconnecting: return "reconnecting";
        case FeedState::Failed: return "failed";
    }
    return "unknown";
}

namespace {

// Venue answers that retrying will not fix: the request itself is wrong.
bool isPermanent(const Error& e) {
    switch (e.code) {
        case -1100: case -1102: case -1120: case -1121: case -1130: case 451: return true;
        default: return false;
    }
}

}  // namespace

struct MarketFeed::Impl : std::enable_shared_from_this<MarketFeed::Impl> {
    Impl(net::IoThread& ioThread, std::shared_ptr<const exchange::ExchangeAdapter> venue,
         FeedConfig feedConfig, FeedSink& target)
        : io(ioThread), adapter(std::move(venue)), config(std::move(feedConfig)), sink(target) {}

    net::IoThread& io;
    std::shared_ptr<const exchange::ExchangeAdapter> adapter;
    FeedConfig config;
    FeedSink& sink;

    // --- network thread only ---
    std::shared_ptr<asio::ssl::context> tls;
    std::string tlsError;
    std::unique_ptr<net::HttpClient> http;      // history and time
    std::unique_ptr<net::HttpClient> metaHttp;  // exchangeInfo (may run beside history)
    std::shared_ptr<net::WsClient> ws;
    std::shared_ptr<asio::steady_timer> sleepTimer;
    std::shared_ptr<asio::steady_timer> watchdogTimer;  // of the current stream connection
    std::uint64_t generation = 0;
    bool stopping = false;
    std::int64_t skewMs = 0;           // exchange clock − local clock
    int usedWeight = 0;                // venue-reported weight used this minute
    std::int64_t weightMinute = 0;     // local minute of usedWeight

    // --- any thread ---
    mutable std::mutex statsMutex;
    FeedStats statsValue;              // guarded by statsMutex
    detail::CoroutineTracker coroutines;  // stop() waits for these

    using ActiveGuard = detail::CoroutineTracker::Guard;

    bool alive(std::uint64_t gen) const { return !stopping && gen == generation; }

    void ensureClients() {
        if (tls || !tlsError.empty()) return;
        auto ctx = net::makeClientTlsContext(config.tls);
        if (!ctx) {
            tlsError = ctx.error().message;
            return;
        }
        tls = *ctx;
        http = std::make_unique<net::HttpClient>(io.context(), tls, config.requestTimeout);
        metaHttp = std::make_unique<net::HttpClient>(io.context(), tls, config.requestTimeout);
    }

    void publish(const SeriesKey& key, FeedState state, std::string detail, std::int64_t retryInMs = 0) {
        sink.post(FeedStatus{key, state, std::move(detail), retryInMs, nowMs()});
    }

    void spawn(awaitable<void> coroutine) { detail::spawnLogged(io.context(), std::move(coroutine), "cpc feed"); }

    awaitable<bool> sleepFor(std::chrono::milliseconds delay) {
        sleepTimer = std::make_shared<asio::steady_timer>(io.context(), delay);
        auto timer = sleepTimer;
        boost::system::error_code ec;
        co_await timer->async_wait(asio::redirect_error(use_awaitable, ec));
        co_return !ec;
    }

    void cancelCurrent() {
        if (ws) ws->cancel();
        if (sleepTimer) sleepTimer->cancel();
        if (watchdogTimer) watchdogTimer->cancel();
    }

    // One REST GET with the venue's weight budget and its 429/418 rules respected.
    awaitable<Result<net::HttpResponse>> restGet(const exchange::RestRequest& request, std::uint64_t gen,
                                                 net::HttpClient& client) {
        auto base = net::Url::parse(adapter->endpoints().restBase);
        if (!base) co_return base.error();
        for (int attempt = 0; attempt < 4; ++attempt) {
            const std::int64_t minute = nowMs() / 60'000;
            if (minute != weightMinute) {
                weightMinute = minute;
                usedWeight = 0;
            }
            const int budget = static_cast<int>(config.weightBudgetPerMinute * config.weightSafetyShare);
            if (usedWeight + request.weight > budget) {
                // Wait for the venue's next minute window instead of earning a 429.
                const auto wait = std::chrono::milliseconds(60'000 - (nowMs() + skewMs) % 60'000 + 250);
                if (!co_await sleepFor(wait) || !alive(gen)) co_return makeError("cancelled");
                continue;
            }
            std::string target = request.target;
            auto r = co_await client.get(*base, std::move(target));
            {
                std::lock_guard lock(statsMutex);
                ++statsValue.restRequests;
            }
            if (!r) co_return r.error();
            if (const auto w = r->header("x-mbx-used-weight-1m"); !w.empty()) {
                try {
                    usedWeight = std::stoi(w);
                } catch (const std::exception&) {
                }
            } else {
                usedWeight += request.weight;
            }
            if (r->status == 429 || r->status == 418) {
                int retryAfter = 60;
                try {
                    retryAfter = std::max(1, std::stoi(r->header("retry-after")));
                } catch (const std::exception&) {
                }
                if (r->status == 418)  // IP ban: report it, the outer back-off retries later
                    co_return makeError("rate limit ban (HTTP 418), retry after " +
                                            std::to_string(retryAfter) + " s", 418);
                if (!co_await sleepFor(std::chrono::seconds(retryAfter)) || !alive(gen))
                    co_return makeError("cancelled");
                continue;
            }
            co_return r;
        }
        co_return makeError("too many rate-limited attempts", 429);
    }

    awaitable<Result<Ok>> syncClock(std::uint64_t gen) {
        const std::int64_t sent = nowMs();
        // Requests are named before co_await: GCC 12 destroys a temporary with a destructor
        // inside a co_await expression twice.
        const exchange::RestRequest request = adapter->serverTimeRequest();
        auto r = co_await restGet(request, gen, *http);
        if (!r) co_return r.error();
        auto t = adapter->parseServerTime(r->body, r->status);
        if (!t) co_return t.error();
        const std::int64_t received = nowMs();
        skewMs = *t - (sent + received) / 2;
        co_return Ok{};
    }

    // REST history: the newest page, or every page from `resume` on. Posts each page.
    awaitable<Result<Ok>> backfill(std::uint64_t gen, const SeriesKey& key,
                                   std::optional<std::int64_t>& resume) {
        if (auto c = co_await syncClock(gen); !c) co_return c.error();
        if (!alive(gen)) co_return makeError("cancelled");
        const int limit = adapter->maxHistoryLimit();
        std::optional<std::int64_t> start = resume;
        while (true) {
            exchange::HistoryQuery q{key.symbol, key.interval, start, std::nullopt, limit};
            const exchange::RestRequest request = adapter->historyRequest(q);
            auto r = co_await restGet(request, gen, *http);
            if (!r) co_return r.error();
            if (!alive(gen)) co_return makeError("cancelled");
            auto rows = adapter->parseHistory(r->body, r->status, nowMs() + skewMs);
            if (!rows) co_return rows.error();
            const std::size_t n = rows->size();
            for (const Candle& c : *rows)
                if (c.closed && (!resume || c.openTime > *resume)) resume = c.openTime;
            const std::int64_t lastOpen = n ? rows->back().openTime : 0;
            sink.post(HistoryBatch{key, std::move(*rows)});
            if (!start || n < static_cast<std::size_t>(limit)) break;
            start = lastOpen + 1;
        }
        co_return Ok{};
    }

    awaitable<void> watchdog(std::shared_ptr<net::WsClient> socket, std::shared_ptr<Clock::time_point> last,
                             std::shared_ptr<bool> done, std::shared_ptr<bool> stale,
                             std::chrono::milliseconds idle) {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        auto timer = std::make_shared<asio::steady_timer>(io.context());
        watchdogTimer = timer;  // cancelled when the connection ends, on open() and on stop()
        while (!*done) {
            timer->expires_after(std::max(idle / 4, std::chrono::milliseconds(50)));
            boost::system::error_code ec;
            co_await timer->async_wait(asio::redirect_error(use_awaitable, ec));
            if (*done || stopping) co_return;
            if (Clock::now() - *last > idle) {
                *stale = true;
                socket->cancel();  // the pending read fails; run() reconnects
                co_return;
            }
        }
    }

    awaitable<void> run(std::uint64_t gen, SeriesKey key, std::optional<std::int64_t> resume) {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        if (!alive(gen)) co_return;
        ensureClients();
        if (!tls) {
            sink.post(FeedError{key, makeError("TLS setup failed: " + tlsError)});
            publish(key, FeedState::Failed, "TLS setup failed: " + tlsError);
            co_return;
        }
        auto url = net::Url::parse(adapter->klineStreamUrl({{key.symbol, key.interval}}));
        if (!url) {
            sink.post(FeedError{key, url.error()});
            publish(key, FeedState::Failed, url.error().message);
            co_return;
        }
        const auto idle = config.watchdogOverride.count() > 0 ? config.watchdogOverride
                                                              : adapter->streamIdleTimeout(key.interval);
        net::Backoff backoff(config.backoffBase, config.backoffMax);
        bool firstAttempt = true;
        while (alive(gen)) {
            publish(key, firstAttempt ? FeedState::Connecting : FeedState::Reconnecting,
                    firstAttempt ? "connecting to " + url->host : "reconnecting to " + url->host);
            firstAttempt = false;
            std::string reason;
            auto socket = std::make_shared<net::WsClient>(io.context(), tls);
            ws = socket;
            // Subscribe first, then backfill: frames that arrive meanwhile wait in the socket.
            auto connected = co_await socket->connect(*url, config.requestTimeout);
            if (!alive(gen)) co_return;
            // History runs even when the stream could not connect: it paints what REST has and
            // tells a permanent error (unknown symbol…) from a network problem.
            auto history = co_await backfill(gen, key, resume);
            if (!alive(gen)) co_return;
            if (!history && isPermanent(history.error())) {
                sink.post(FeedError{key, history.error()});
                publish(key, FeedState::Failed, history.error().message);
                socket->cancel();
                co_return;
            }
            if (!connected) {
                reason = "stream: " + connected.error().message;
            } else if (!history) {
                reason = "history: " + history.error().message;
            } else {
                publish(key, FeedState::Live, "live");
                backoff.reset();
                reason = co_await readLoop(gen, key, socket, idle, resume);
                if (!alive(gen)) co_return;
            }
            socket->cancel();
            {
                std::lock_guard lock(statsMutex);
                ++statsValue.reconnects;
            }
            const auto delay = backoff.next();
            publish(key, FeedState::Reconnecting, reason, delay.count());
            if (!co_await sleepFor(delay)) co_return;  // cancelled: open() or stop()
        }
    }

    // Reads frames until the connection ends; returns why it ended.
    awaitable<std::string> readLoop(std::uint64_t gen, const SeriesKey& key,
                                    std::shared_ptr<net::WsClient> socket, std::chrono::milliseconds idle,
                                    std::optional<std::int64_t>& resume) {
        auto last = std::make_shared<Clock::time_point>(Clock::now());
        auto done = std::make_shared<bool>(false);
        auto stale = std::make_shared<bool>(false);
        spawn(watchdog(socket, last, done, stale, idle));
        std::string reason;
        while (alive(gen)) {
            auto frame = co_await socket->read();
            if (!frame) {
                reason = *stale ? "no data for " + std::to_string(idle.count() / 1000) + " s"
                                : "stream closed: " + frame.error().message;
                if (*stale) publish(key, FeedState::Stale, reason);
                break;
            }
            *last = Clock::now();
            auto events = adapter->parseStreamMessage(*frame);
            {
                std::lock_guard lock(statsMutex);
                ++statsValue.framesReceived;
                statsValue.lastMessageAtMs = nowMs();
                if (!events) ++statsValue.framesRejected;
            }
            if (!events) {
                std::fprintf(stderr, "cpc feed: rejected frame: %s\n", events.error().message.c_str());
                continue;
            }
            bool shutdown = false;
            for (auto& e : *events) {
                if (auto* k = std::get_if<exchange::KlineUpdate>(&e)) {
                    if (k->key.symbol != key.symbol || k->key.interval != key.interval) continue;
                    k->key.exchange = key.exchange;
                    if (k->candle.closed && (!resume || k->candle.openTime > *resume))
                        resume = k->candle.openTime;
                    sink.post(std::move(*k));
                } else if (std::holds_alternative<exchange::ServerShutdown>(e)) {
                    shutdown = true;
                } else if (auto* t = std::get_if<exchange::TradeTick>(&e)) {
                    sink.post(std::move(*t));
                }
            }
            if (shutdown) {
                reason = "the exchange announced a server shutdown";
                break;
            }
        }
        *done = true;
        if (watchdogTimer) watchdogTimer->cancel();  // let the watchdog end now, not at its next tick
        co_return reason;
    }

    awaitable<void> fetchSymbols() {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        if (stopping) co_return;
        ensureClients();
        SeriesKey none{adapter->name(), "", Interval::M1};
        if (!tls) {
            sink.post(FeedError{none, makeError("TLS setup failed: " + tlsError)});
            co_return;
        }
        net::Backoff backoff(config.backoffBase, config.backoffMax);
        const std::uint64_t gen = generation;
        for (int attempt = 0; attempt < 6 && !stopping; ++attempt) {
            const exchange::RestRequest request = adapter->exchangeInfoRequest();
            auto r = co_await restGet(request, gen, *metaHttp);
            if (stopping) co_return;
            if (r) {
                auto symbols = adapter->parseExchangeInfo(r->body, r->status);
                if (symbols) {
                    sink.post(SymbolList{adapter->name(), std::move(*symbols)});
                    co_return;
                }
                if (isPermanent(symbols.error())) {
                    sink.post(FeedError{none, symbols.error()});
                    co_return;
                }
            }
            asio::steady_timer timer(io.context(), backoff.next());
            boost::system::error_code ec;
            co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
        }
        sink.post(FeedError{none, makeError("could not load the symbol list from " + adapter->endpoints().restBase)});
    }
};

MarketFeed::MarketFeed(net::IoThread& io, std::shared_ptr<const exchange::ExchangeAdapter> adapter,
                       FeedConfig config, FeedSink& sink)
    : m_impl(std::make_shared<Impl>(io, std::move(adapter), std::move(config), sink)) {}

MarketFeed::~MarketFeed() { stop(); }

void MarketFeed::open(SeriesKey key, std::optional<std::int64_t> resumeFromOpenTime) {
    auto impl = m_impl;
    asio::post(impl->io.context(), [impl, key = std::move(key), resumeFromOpenTime]() mutable {
        if (impl->stopping) return;
        ++impl->generation;
        impl->cancelCurrent();
        impl->spawn(impl->run(impl->generation, std::move(key), resumeFromOpenTime));
    });
}

void MarketFeed::requestSymbols() {
    auto impl = m_impl;
    asio::post(impl->io.context(), [impl] {
        if (!impl->stopping) impl->spawn(impl->fetchSymbols());
    });
}

void MarketFeed::dropConnection() {
    auto impl = m_impl;
    asio::post(impl->io.context(), [impl] {
        if (impl->ws) impl->ws->cancel();
    });
}

void MarketFeed::stop() {
    auto impl = m_impl;
    asio::post(impl->io.context(), [impl] {
        impl->stopping = true;
        ++impl->generation;
        impl->cancelCurrent();
        if (impl->http) impl->http->close();
        if (impl->metaHttp) impl->metaHttp->close();
        impl->coroutines.markStopped();
    });
    // Wait (bounded) until the network thread has cancelled everything and every coroutine has
    // ended; after that nothing posts to the sink any more.
    impl->coroutines.waitStopped(std::chrono::seconds(5));
}

FeedStats MarketFeed::stats() const {
    std::lock_guard lock(m_impl->statsMutex);
    return m_impl->statsValue;
}

}  // namespace cpc::feed
