#include "cpc/feed/market_feed.hpp"

#include "coroutine_tracker.hpp"

#include <condition_variable>
#include <charconv>
#include <mutex>
#include <map>
#include <set>

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
        : io(ioThread), adapter(std::move(venue)), config(std::move(feedConfig)), sink(target) {
        if (!config.connectionBudget) config.connectionBudget = net::ConnectionBudget::processDefault();
    }

    net::IoThread& io;
    std::shared_ptr<const exchange::ExchangeAdapter> adapter;
    FeedConfig config;
    FeedSink& sink;

    // --- network thread only ---
    std::shared_ptr<asio::ssl::context> tls;
    std::string tlsError;
    std::unique_ptr<net::HttpClient> http;      // history and time
    std::unique_ptr<net::HttpClient> metaHttp;  // exchangeInfo (may run beside history)
    std::shared_ptr<net::WsClient> ws;      // the current stream connection
    std::shared_ptr<net::WsClient> nextWs;  // a rotation's new connection while it opens
    std::set<std::shared_ptr<asio::steady_timer>> timers;    // every pending sleep of a series
    std::set<std::shared_ptr<asio::steady_timer>> metaTimers;  // fetchSymbols; cancelled by stop()
    std::set<std::shared_ptr<net::HttpClient>> olderHttps;   // loadOlder requests in flight
    std::shared_ptr<asio::steady_timer> watchdogTimer;  // of the current stream connection
    std::uint64_t generation = 0;
    bool stopping = false;
    std::int64_t skewMs = 0;           // exchange clock − local clock
    bool clockSynced = false;
    int usedWeight = 0;                // venue-reported weight used this minute
    // HTTP 418: the venue banned this IP. Every REST request of the feed (history, backfill,
    // loadOlder, symbols) waits behind this gate until the ban ends; none is sent before.
    std::int64_t bannedUntilMs = 0;    // local clock
    std::string banDetail;
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
        FeedStatus status{key, state, std::move(detail), retryInMs, nowMs()};
        if (clockSynced) status.clockOffsetMs = skewMs;  // lets the app correct its latency figures
        sink.post(std::move(status));
    }

    void spawn(awaitable<void> coroutine) { detail::spawnLogged(io.context(), std::move(coroutine), "cpc feed"); }

    awaitable<bool> sleepFor(std::chrono::milliseconds delay) {
        auto timer = std::make_shared<asio::steady_timer>(io.context(), delay);
        timers.insert(timer);
        boost::system::error_code ec;
        co_await timer->async_wait(asio::redirect_error(use_awaitable, ec));
        timers.erase(timer);
        co_return !ec && !stopping;
    }

    void cancelCurrent() {
        if (ws) ws->cancel();
        if (nextWs) nextWs->cancel();
        for (const auto& t : timers) t->cancel();
        if (watchdogTimer) watchdogTimer->cancel();
        for (const auto& h : olderHttps) h->close();
    }

    // One REST GET with the venue's weight budget and its 429/418 rules respected.
    awaitable<Result<net::HttpResponse>> restGet(const exchange::RestRequest& request, std::uint64_t gen,
                                                 net::HttpClient& client) {
        auto base = net::Url::parse(adapter->endpoints().restBase);
        if (!base) co_return base.error();
        for (int attempt = 0; attempt < 4; ++attempt) {
            if (nowMs() < bannedUntilMs) co_return makeError(banDetail, 418);
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
                if (r->status == 418) co_return noteBan(*r);
                if (!co_await sleepFor(std::chrono::seconds(retryAfter)) || !alive(gen))
                    co_return makeError("cancelled");
                continue;
            }
            co_return r;
        }
        co_return makeError("too many rate-limited attempts", 429);
    }

    // An HTTP 418 answer: close the gate until the ban ends. Binance gives the rest of the ban in
    // Retry-After (seconds); without it, the end in the message ("IP banned until 1618228675371",
    // exchange ms) is used when the exchange clock is known, else 2 minutes (its shortest ban).
    Error noteBan(const net::HttpResponse& r) {
        std::int64_t until = nowMs() + 120'000;
        int retryAfter = 0;
        const std::string header = r.header("retry-after");
        const auto [hend, hec] = std::from_chars(header.data(), header.data() + header.size(), retryAfter);
        constexpr std::string_view marker = "banned until ";
        if (hec == std::errc{} && hend != header.data() && retryAfter > 0) {
            until = nowMs() + retryAfter * 1000LL;
        } else if (const auto p = r.body.find(marker); p != std::string::npos && clockSynced) {
            std::int64_t venueUntil = 0;
            const char* first = r.body.data() + p + marker.size();
            const auto [end, ec] = std::from_chars(first, r.body.data() + r.body.size(), venueUntil);
            if (ec == std::errc{} && end != first) until = venueUntil - skewMs;
        }
        bannedUntilMs = std::max(bannedUntilMs, until);
        banDetail = "the exchange banned this IP for too many requests (HTTP 418) until " +
                    formatUtc(bannedUntilMs) + " UTC; no request is sent before then";
        std::lock_guard lock(statsMutex);
        statsValue.restBannedUntilMs = bannedUntilMs;
        ++statsValue.restBans;
        return makeError(banDetail, 418);
    }

    // Takes a connection attempt from the shared budget, waiting while it is spent; false when
    // cancelled. `key` set: the wait is shown as the series' status.
    awaitable<bool> connectionAttempt(std::uint64_t gen, const SeriesKey* key) {
        while (alive(gen)) {
            const auto wait = config.connectionBudget->reserve();
            if (wait.count() == 0) co_return true;
            {
                std::lock_guard lock(statsMutex);
                ++statsValue.budgetWaits;
            }
            if (key)
                publish(*key, FeedState::Reconnecting,
                        "waiting for the connection budget (" + std::to_string(config.connectionBudget->maxAttempts()) +
                            " attempts per " + std::to_string(config.connectionBudget->window().count() / 1000) + " s)",
                        wait.count());
            if (!co_await sleepFor(wait)) co_return false;
        }
        co_return false;
    }

    // Delay before the next attempt: the back-off, or the rest of an IP ban if that is longer.
    std::chrono::milliseconds retryDelay(net::Backoff& backoff) const {
        auto delay = backoff.next();
        const std::int64_t banLeft = bannedUntilMs - nowMs();
        if (banLeft > 0) delay = std::max(delay, std::chrono::milliseconds(banLeft + 100));
        return delay;
    }

    awaitable<Result<Ok>> syncClock(std::uint64_t gen, net::HttpClient& client) {
        const std::int64_t sent = nowMs();
        // Requests are named before co_await: GCC 12 destroys a temporary with a destructor
        // inside a co_await expression twice.
        const exchange::RestRequest request = adapter->serverTimeRequest();
        auto r = co_await restGet(request, gen, client);
        if (!r) co_return r.error();
        auto t = adapter->parseServerTime(r->body, r->status);
        if (!t) co_return t.error();
        const std::int64_t received = nowMs();
        skewMs = *t - (sent + received) / 2;
        clockSynced = true;
        co_return Ok{};
    }

    // REST history: the newest page, or every page from `resume` on. Posts each page.
    awaitable<Result<Ok>> backfill(std::uint64_t gen, const SeriesKey& key,
                                   std::optional<std::int64_t>& resume) {
        if (auto c = co_await syncClock(gen, *http); !c) co_return c.error();
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
            if (!co_await connectionAttempt(gen, &key)) co_return;
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
                reason = co_await readLoop(gen, key, socket, *url, idle, resume);
                if (!alive(gen)) co_return;
            }
            socket->cancel();
            {
                std::lock_guard lock(statsMutex);
                ++statsValue.reconnects;
            }
            const auto delay = retryDelay(backoff);
            publish(key, FeedState::Reconnecting, reason, delay.count());
            if (!co_await sleepFor(delay)) co_return;  // cancelled: open() or stop()
        }
    }

    // One WebSocket of a readLoop: the current connection or, during a rotation, the next one.
    struct Link {
        std::shared_ptr<net::WsClient> ws;
        std::int64_t firstEventMs = 0;  // venue event time of the first kline read on it
        std::int64_t lastEventMs = 0;   // of the newest
        bool retired = false;           // closed by a rotation: its end is not a failure
        bool ended = false;
        std::string endReason;
    };
    // Shared by the coroutines of one readLoop (readers, watchdog, rotation).
    struct LoopState {
        std::shared_ptr<Link> current, next;
        std::shared_ptr<asio::steady_timer> wake;  // cancelled to wake readLoop
        std::shared_ptr<asio::steady_timer> rotationTimer;
        Clock::time_point lastFrame = Clock::now();
        bool finished = false;
        bool stale = false;
        bool rotateRequested = false;
        bool rotating = false;  // the next connection is being opened
        std::string rotateWhy;
        std::optional<std::int64_t> resume;
        // Kline de-duplication across the two connections of a rotation, by open time: the
        // newest event time delivered, and whether the final (closed) version went out.
        std::map<std::int64_t, std::pair<std::int64_t, bool>> delivered;
        void notify() const {
            if (wake) wake->cancel();
        }
    };

    // A kline goes out unless it is a repeat or older than what was delivered for its candle (two
    // connections overlap during a rotation; frames of one connection arrive in order).
    static bool freshKline(LoopState& st, const exchange::KlineUpdate& k) {
        auto& [eventMs, closed] = st.delivered[k.candle.openTime];
        if (closed) return false;
        if (!k.candle.closed && k.eventTimeMs <= eventMs && eventMs != 0) return false;
        eventMs = std::max(eventMs, k.eventTimeMs);
        closed = k.candle.closed;
        while (st.delivered.size() > 64) st.delivered.erase(st.delivered.begin());
        return true;
    }

    awaitable<void> reader(std::uint64_t gen, SeriesKey key, std::shared_ptr<LoopState> st, std::shared_ptr<Link> link) {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        while (alive(gen) && !st->finished) {
            auto frame = co_await link->ws->read();
            if (!frame) {
                link->ended = true;
                link->endReason = frame.error().message;
                st->notify();
                co_return;
            }
            if (st->finished || link->retired) co_return;
            st->lastFrame = Clock::now();
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
            for (auto& e : *events) {
                if (auto* k = std::get_if<exchange::KlineUpdate>(&e)) {
                    if (k->key.symbol != key.symbol || k->key.interval != key.interval) continue;
                    if (!link->firstEventMs) link->firstEventMs = k->eventTimeMs;
                    link->lastEventMs = std::max(link->lastEventMs, k->eventTimeMs);
                    if (st->next) st->notify();  // a rotation waits for the overlap
                    if (!freshKline(*st, *k)) continue;
                    k->key.exchange = key.exchange;
                    if (k->candle.closed && (!st->resume || k->candle.openTime > *st->resume))
                        st->resume = k->candle.openTime;
                    sink.post(std::move(*k));
                } else if (std::holds_alternative<exchange::ServerShutdown>(e)) {
                    if (link == st->current && !st->rotateRequested && !st->rotating) {
                        st->rotateRequested = true;
                        st->rotateWhy = "the exchange announced a server shutdown";
                        st->notify();
                    }
                } else if (auto* t = std::get_if<exchange::TradeTick>(&e)) {
                    sink.post(std::move(*t));
                }
            }
        }
    }

    // Requests a planned rotation before the venue's connection lifetime runs out.
    awaitable<void> rotationClock(std::uint64_t gen, std::shared_ptr<LoopState> st, std::shared_ptr<Link> link) {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        if (config.rotateAfter.count() <= 0) co_return;
        auto timer = std::make_shared<asio::steady_timer>(io.context(), config.rotateAfter);
        if (st->rotationTimer) st->rotationTimer->cancel();
        st->rotationTimer = timer;
        boost::system::error_code ec;
        co_await timer->async_wait(asio::redirect_error(use_awaitable, ec));
        if (ec || !alive(gen) || st->finished) co_return;
        if (st->current == link && !st->rotateRequested && !st->rotating) {
            st->rotateRequested = true;
            st->rotateWhy = "planned rotation before the venue's connection lifetime";
            st->notify();
        }
    }

    // Make-before-break: open the next connection; readLoop switches once the two overlap.
    awaitable<void> openNext(std::uint64_t gen, SeriesKey key, std::shared_ptr<LoopState> st, net::Url url) {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        if (!co_await connectionAttempt(gen, nullptr) || st->finished) co_return;
        auto socket = std::make_shared<net::WsClient>(io.context(), tls);
        nextWs = socket;
        auto connected = co_await socket->connect(url, config.requestTimeout);
        if (!alive(gen) || st->finished) {
            socket->cancel();
            co_return;
        }
        if (!connected) {
            std::fprintf(stderr, "cpc feed: rotation: %s\n", connected.error().message.c_str());
            st->rotating = false;
            nextWs.reset();
            // Try again a little later; the current connection keeps serving meanwhile.
            if (!co_await sleepFor(config.backoffBase) || !alive(gen) || st->finished) co_return;
            st->rotateRequested = true;
            st->notify();
            co_return;
        }
        auto link = std::make_shared<Link>();
        link->ws = socket;
        st->next = link;
        spawn(reader(gen, key, st, link));
        st->notify();
    }

    awaitable<void> loopWatchdog(std::shared_ptr<LoopState> st, std::chrono::milliseconds idle) {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        auto timer = std::make_shared<asio::steady_timer>(io.context());
        watchdogTimer = timer;  // cancelled when the loop ends, on open() and on stop()
        while (!st->finished) {
            timer->expires_after(std::max(idle / 4, std::chrono::milliseconds(50)));
            boost::system::error_code ec;
            co_await timer->async_wait(asio::redirect_error(use_awaitable, ec));
            if (st->finished || stopping) co_return;
            if (Clock::now() - st->lastFrame > idle) {
                st->stale = true;
                st->current->ws->cancel();  // its reader ends; readLoop reconnects
                co_return;
            }
        }
    }

    // Reads frames until the connection ends; returns why it ended. Rotates the connection
    // make-before-break before the venue's lifetime and on serverShutdown.
    awaitable<std::string> readLoop(std::uint64_t gen, const SeriesKey& key, std::shared_ptr<net::WsClient> socket,
                                    const net::Url& url, std::chrono::milliseconds idle,
                                    std::optional<std::int64_t>& resume) {
        auto st = std::make_shared<LoopState>();
        st->current = std::make_shared<Link>();
        st->current->ws = socket;
        st->resume = resume;
        st->wake = std::make_shared<asio::steady_timer>(io.context());
        spawn(reader(gen, key, st, st->current));
        spawn(loopWatchdog(st, idle));
        spawn(rotationClock(gen, st, st->current));
        std::string reason;
        while (alive(gen)) {
            if (st->current->ended) {
                reason = st->stale ? "no data for " + std::to_string(idle.count() / 1000) + " s"
                                   : "stream closed: " + st->current->endReason;
                if (st->stale) publish(key, FeedState::Stale, reason);
                break;
            }
            if (st->next && st->next->ended) {  // the new connection died before taking over
                st->next.reset();
                st->rotating = false;
                st->rotateRequested = true;
            }
            if (st->rotateRequested && !st->rotating) {
                st->rotateRequested = false;
                st->rotating = true;
                std::fprintf(stderr, "cpc feed: rotating the stream connection: %s\n", st->rotateWhy.c_str());
                spawn(openNext(gen, key, st, url));
            }
            // Switch once the old connection has delivered everything up to the new one's first
            // event: nothing is lost, and the overlap is de-duplicated.
            if (st->next && st->next->firstEventMs != 0 && st->current->lastEventMs >= st->next->firstEventMs) {
                auto old = st->current;
                old->retired = true;
                st->current = st->next;
                st->next.reset();
                st->rotating = false;
                ws = st->current->ws;
                nextWs.reset();
                old->ws->cancel();
                {
                    std::lock_guard lock(statsMutex);
                    ++statsValue.rotations;
                }
                spawn(rotationClock(gen, st, st->current));
            }
            st->wake->expires_at(Clock::time_point::max());
            boost::system::error_code ec;
            co_await st->wake->async_wait(asio::redirect_error(use_awaitable, ec));
        }
        st->finished = true;
        if (watchdogTimer) watchdogTimer->cancel();  // let the watchdog end now, not at its next tick
        if (st->rotationTimer) st->rotationTimer->cancel();
        if (st->next) st->next->ws->cancel();
        if (nextWs) nextWs->cancel();
        st->current->ws->cancel();
        resume = st->resume;
        co_return reason;
    }

    // Scroll-back history (loadOlder): pages backwards from `before`, newest page first.
    awaitable<void> older(std::uint64_t gen, SeriesKey key, std::int64_t before, std::size_t count) {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        if (!alive(gen)) co_return;
        ensureClients();
        if (!tls) {
            sink.post(FeedError{key, makeError("TLS setup failed: " + tlsError)});
            co_return;
        }
        auto client = std::make_shared<net::HttpClient>(io.context(), tls, config.requestTimeout);
        olderHttps.insert(client);
        struct Forget {
            Impl& impl;
            std::shared_ptr<net::HttpClient> c;
            ~Forget() { impl.olderHttps.erase(c); }
        } forget{*this, client};
        const auto fail = [&](const Error& e) {
            sink.post(FeedError{key, Error{"older history of " + key.symbol + " " +
                                               std::string(toString(key.interval)) + ": " + e.message,
                                           e.code}});
        };
        net::Backoff backoff(config.backoffBase, config.backoffMax);
        int failures = 0;
        if (!clockSynced) {  // decides whether the newest row is still forming
            auto c = co_await syncClock(gen, *client);
            if (!alive(gen)) co_return;
            if (!c && (isPermanent(c.error()) || c.error().code == 418)) {
                fail(c.error());
                co_return;
            }
        }
        const int limit = std::max(1, adapter->maxHistoryLimit());
        std::int64_t end = before - 1;
        std::size_t remaining = count;
        while (remaining > 0 && alive(gen)) {
            const int want = static_cast<int>(std::min<std::size_t>(remaining, static_cast<std::size_t>(limit)));
            const exchange::HistoryQuery q{key.symbol, key.interval, std::nullopt, end, want};
            const exchange::RestRequest request = adapter->historyRequest(q);
            auto r = co_await restGet(request, gen, *client);
            if (!alive(gen)) co_return;
            Result<std::vector<Candle>> rows =
                r ? adapter->parseHistory(r->body, r->status, nowMs() + skewMs) : Result<std::vector<Candle>>(r.error());
            if (!rows) {
                const Error& e = rows.error();
                if (isPermanent(e) || e.code == 418 || ++failures > 3) {
                    fail(e);
                    co_return;
                }
                if (!co_await sleepFor(backoff.next()) || !alive(gen)) co_return;
                continue;
            }
            failures = 0;
            backoff.reset();
            std::erase_if(*rows, [&](const Candle& c) { return c.openTime > end; });  // never trust blindly
            // endTime without startTime: the newest `want` rows up to endTime; fewer means the
            // listing starts inside this page.
            const bool startReached = rows->size() < static_cast<std::size_t>(want);
            remaining -= std::min(remaining, rows->size());
            const std::int64_t oldest = rows->empty() ? end : rows->front().openTime;
            HistoryBatch batch{key, std::move(*rows)};
            batch.older = true;
            batch.startReached = startReached;
            sink.post(std::move(batch));
            if (startReached) break;
            end = oldest - 1;
        }
    }

    // fetchSymbols' own sleep: open() (which cancels the series' sleeps) must not end it.
    awaitable<void> metaSleep(std::chrono::milliseconds delay) {
        auto timer = std::make_shared<asio::steady_timer>(io.context(), delay);
        metaTimers.insert(timer);
        boost::system::error_code ec;
        co_await timer->async_wait(asio::redirect_error(use_awaitable, ec));
        metaTimers.erase(timer);
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
            if (!r && r.error().code == 418) --attempt;  // the ban is waited out, not counted
            co_await metaSleep(retryDelay(backoff));
        }
        if (stopping) co_return;
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

void MarketFeed::loadOlder(SeriesKey key, std::int64_t beforeOpenTime, std::size_t count) {
    auto impl = m_impl;
    asio::post(impl->io.context(), [impl, key = std::move(key), beforeOpenTime, count]() mutable {
        if (!impl->stopping) impl->spawn(impl->older(impl->generation, std::move(key), beforeOpenTime, count));
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
        for (const auto& t : impl->metaTimers) t->cancel();
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
