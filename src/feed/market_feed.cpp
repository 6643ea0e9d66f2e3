#include "cpc/feed/market_feed.hpp"

#include "coroutine_tracker.hpp"

#include <condition_variable>
#include <algorithm>
#include <cctype>
#include <mutex>
#include <map>
#include <set>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cpc/core/time.hpp"
#include "cpc/exchange/listing_day.hpp"
#include "source_aggregator.hpp"
#include "cpc/feed/venue_rest_gate.hpp"
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


struct MarketFeed::Impl : std::enable_shared_from_this<MarketFeed::Impl> {
    Impl(net::IoThread& ioThread, std::shared_ptr<const exchange::ExchangeAdapter> venue,
         FeedConfig feedConfig, FeedSink& target)
        : io(ioThread), adapter(std::move(venue)), config(std::move(feedConfig)), sink(target) {
        if (!config.connectionBudget) config.connectionBudget = net::ConnectionBudget::processDefault();
        gate = config.restGate ? config.restGate
                               : venueRestGate(*adapter, config.restWeightBudget, config.weightSafetyShare);
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
    std::int64_t controlId = 0;        // ids of our control messages
    std::uint64_t connectCounter = 0;  // KuCoin connectId
    bool stopping = false;
    std::int64_t skewMs = 0;           // exchange clock − local clock
    bool clockSynced = false;
    // The REST host's limits, shared with every feed, session and command of the process talking to
    // it (weight budget, 429 pause, 418 ban): FeedConfig::restGate or RestGate::forHost().
    std::shared_ptr<net::RestGate> gate;
    // Listing days (open time of the first 1d candle) by symbol: the anchor of 3d buckets built
    // from days (venues without our 3d). Found once per symbol (listingDay()).
    std::map<std::string, std::int64_t> listingDays;

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

    // Waits until the REST gate lets a request of `weight` go: the venue's budget
    // (ExchangeAdapter::restRateLimit()) has room and no 429 pause holds. An IP ban (418) is an
    // Error, code 418, saying until when; "cancelled" when the feed moved on.
    awaitable<Result<Ok>> awaitRestGate(int weight, std::uint64_t gen) {
        while (true) {
            const net::RestGate::Admission a = gate->admit(weight, nowMs(), skewMs);
            if (a.refused) co_return *a.refused;
            if (a.go()) co_return Ok{};
            if (!co_await sleepFor(a.wait + std::chrono::milliseconds(1)) || !alive(gen)) co_return makeError("cancelled");
        }
    }

    // One REST GET (or, with a body, a POST) through the REST gate: the venue's weight budget and
    // its 429/418 answers respected by every request of the process to that host.
    awaitable<Result<net::HttpResponse>> restGet(const exchange::RestRequest& request, std::uint64_t gen,
                                                 net::HttpClient& client, const std::string* postBody = nullptr) {
        auto base = net::Url::parse(adapter->endpoints().restBase);
        if (!base) co_return base.error();
        for (int attempt = 0; attempt < 4; ++attempt) {
            if (auto admitted = co_await awaitRestGate(request.weight, gen); !admitted) {
                if (admitted.error().code == 418) noteBanStats();
                co_return admitted.error();
            }
            std::string target = request.target;
            Result<net::HttpResponse> r = makeError("not sent");
            if (postBody) {
                std::string body = *postBody;
                r = co_await client.post(*base, std::move(target), std::move(body));
            } else {
                r = co_await client.get(*base, std::move(target));
            }
            {
                std::lock_guard lock(statsMutex);
                ++statsValue.restRequests;
            }
            if (!r) co_return r.error();
            if (auto banned = gate->noteAnswer(*r, nowMs(), clockSynced ? std::optional<std::int64_t>(skewMs) : std::nullopt)) {
                noteBanStats(true);
                co_return *banned;
            }
            if (r->status == 429) continue;  // the gate holds every request until the venue's wait ends
            co_return r;
        }
        co_return makeError("too many rate-limited attempts", 429);
    }

    // The ban is shown in the stats (and counted once per 418 answer this feed received).
    void noteBanStats(bool answered = false) {
        std::lock_guard lock(statsMutex);
        statsValue.restBannedUntilMs = gate->bannedUntilMs();
        if (answered) ++statsValue.restBans;
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
        const std::int64_t banLeft = gate->bannedUntilMs() - nowMs();
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

    // One opened series: the key asked for, the venue interval it is built from (itself when the
    // venue has it, else nativeSourceInterval) and what the feed has delivered of it.
    struct Series {
        SeriesKey key;
        Interval source;
        detail::SourceAggregator agg;
        std::optional<std::int64_t> resume;  // newest closed candle of key.interval delivered
        // The newest source row of the last backfill when REST had it still forming: the next read
        // loop starts with it as its forming candle, so it is closed and reconciled when a newer
        // one streams in even if the stream never pushes it (the reconnect fell on its end, or the
        // venue pushes only on trades and there was none after the backfill).
        std::optional<Candle> restForming;
        Series(SeriesKey k, Interval src) : key(std::move(k)), source(src), agg(src, key.interval) {}
    };

    static void noteClosed(Series& s, const Candle& c) {
        if (c.closed && (!s.resume || c.openTime > *s.resume)) s.resume = c.openTime;
    }

    // REST rows of the source interval (ascending) go out as a HistoryBatch of the series'
    // interval; see SourceAggregator::add for holdNewest / dropOldestPartial.
    void postHistory(Series& s, std::vector<Candle> rows, bool holdNewest, bool dropOldestPartial) {
        std::vector<Candle> out = s.agg.passthrough()
                                      ? std::move(rows)
                                      : s.agg.add(rows, nowMs() + skewMs, holdNewest, dropOldestPartial);
        for (const Candle& c : out) noteClosed(s, c);
        sink.post(HistoryBatch{s.key, std::move(out)});
    }

    // A stream update of a source candle goes out as the update(s) of the series' candles.
    void postLive(Series& s, exchange::KlineUpdate k) {
        if (s.agg.passthrough()) {
            k.key = s.key;
            noteClosed(s, k.candle);
            sink.post(std::move(k));
            return;
        }
        for (const Candle& c : s.agg.add({k.candle}, nowMs() + skewMs)) {
            noteClosed(s, c);
            sink.post(exchange::KlineUpdate{s.key, c, k.eventTimeMs});
        }
    }

    // REST history: the newest page, or every page from `resume` on. Posts each page.
    awaitable<Result<Ok>> backfill(std::uint64_t gen, std::shared_ptr<Series> s) {
        if (auto c = co_await syncClock(gen, *http); !c) co_return c.error();
        if (!alive(gen)) co_return makeError("cancelled");
        if (needsListingDay(s->key.interval, s->source)) {
            auto day = co_await listingDay(gen, *http, s->key.symbol);
            if (!day) co_return day.error();
            s->agg.setAnchor3d(*day);
        }
        const int limit = std::max(1, adapter->maxHistoryLimit());
        // (After the clock sync: the start of a first load is in the venue's time.)
        std::optional<std::int64_t> start = s->resume ? s->resume : initialStart(s->key, s->source);
        while (true) {
            const exchange::HistoryQuery q{s->key.symbol, s->key.interval, start, std::nullopt, limit};
            const exchange::RestRequest request = adapter->historyRequest(q);
            auto r = co_await restGet(request, gen, *http);
            if (!r) co_return r.error();
            if (!alive(gen)) co_return makeError("cancelled");
            auto rows = adapter->parseHistoryFor(q, r->body, r->status, nowMs() + skewMs);
            if (!rows) co_return rows.error();
            const std::size_t n = rows->size();
            const bool full = n >= static_cast<std::size_t>(limit);
            std::optional<std::int64_t> next;
            if (start) {
                if (full) {
                    next = rows->back().openTime + 1;
                } else if (adapter->historyHasGaps()) {
                    // Fewer rows than asked is no end on a venue that skips quiet intervals: go on
                    // after the range this page covered, until that is in the future.
                    const std::int64_t covered = bucketsEnd(s->source, *start, limit);
                    if (covered <= nowMs() + skewMs) next = covered;
                }
            }
            if (!next) {
                s->restForming.reset();
                if (!rows->empty() && !rows->back().closed) s->restForming = rows->back();
            }
            postHistory(*s, std::move(*rows), next.has_value(), !start && full);
            if (!next) break;
            start = next;
        }
        co_return Ok{};
    }

    // Where a series opened without a cache starts. Normally the venue's newest page; a venue whose
    // pages are short (OKX: 100 rows) is read forward from config.initialCandles candles back
    // instead (at most 20 of its pages), so a new chart shows as much as on the other venues.
    std::optional<std::int64_t> initialStart(const SeriesKey& key, Interval source) const {
        const int limit = std::max(1, adapter->maxHistoryLimit());
        if (limit >= config.initialCandles || key.interval == Interval::D3) return std::nullopt;  // 3d: listing-anchored
        const std::int64_t span = std::min<std::int64_t>(config.initialCandles * nominalMs(key.interval),
                                                         std::int64_t{20} * limit * nominalMs(source));
        return bucketStart(key.interval, nowMs() + skewMs - span);
    }

    // Why the venue cannot serve `interval` (none of its intervals builds it).
    Error noSourceInterval(const SeriesKey& key) const {
        std::string have;
        for (Interval i : kAllIntervals)
            if (adapter->isNativeInterval(i)) have += (have.empty() ? "" : ", ") + std::string(toString(i));
        return makeError(adapter->name() + " has no " + std::string(toString(key.interval)) +
                         " candles and none that build them; it serves " + have);
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
        const auto source = adapter->nativeSourceInterval(key.interval);
        if (!source) {
            const Error e = noSourceInterval(key);
            sink.post(FeedError{key, e});
            publish(key, FeedState::Failed, e.message);
            co_return;
        }
        auto series = std::make_shared<Series>(key, *source);
        series->resume = resume;
        // Only for the status line: KuCoin's real URL comes with its token at every connect.
        auto url = net::Url::parse(adapter->klineStreamUrl({{key.symbol, key.interval}}));
        if (!url) {
            sink.post(FeedError{key, url.error()});
            publish(key, FeedState::Failed, url.error().message);
            co_return;
        }
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
            auto opened = co_await openStream(gen, *series, *socket);
            if (!alive(gen)) co_return;
            // History runs even when the stream could not connect: it paints what REST has and
            // tells a permanent error (unknown symbol…) from a network problem.
            auto history = co_await backfill(gen, series);
            if (!alive(gen)) co_return;
            if (!history && adapter->isPermanentError(history.error())) {
                sink.post(FeedError{key, history.error()});
                publish(key, FeedState::Failed, history.error().message);
                socket->cancel();
                co_return;
            }
            if (!opened) {
                reason = "stream: " + opened.error().message;
            } else if (!history) {
                reason = "history: " + history.error().message;
            } else {
                publish(key, FeedState::Live, "live");
                backoff.reset();
                reason = co_await readLoop(gen, series, socket, *opened);
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

    // How a connected stream is kept alive.
    struct StreamPlan {
        std::chrono::milliseconds heartbeat{0};         // send heartbeatMessage() this often; 0: never
        std::chrono::milliseconds heartbeatTimeout{0};  // its reply is due within this
    };

    // Connects `socket` to the series' kline stream the venue's way: asks for the URL first when
    // the venue hands it out per connection (KuCoin's token), and subscribes after connecting when
    // the URL does not name the stream (Bybit, OKX, KuCoin).
    awaitable<Result<StreamPlan>> openStream(std::uint64_t gen, const Series& s, net::WsClient& socket) {
        const std::vector<exchange::StreamSpec> specs{{s.key.symbol, s.key.interval, exchange::StreamKind::Kline}};
        std::string urlText = adapter->klineStreamUrl(specs);
        StreamPlan plan;
        plan.heartbeat = adapter->heartbeatInterval();
        if (const auto connectRequest = adapter->streamConnectRequest()) {
            const exchange::RestRequest request{connectRequest->target, connectRequest->weight};
            const std::string body = connectRequest->body;
            auto r = co_await restGet(request, gen, *http, connectRequest->method == "GET" ? nullptr : &body);
            if (!r) co_return r.error();
            const std::string connectId = "cpc" + std::to_string(++connectCounter) + "x" + std::to_string(nowMs());
            auto info = adapter->parseStreamConnect(r->body, r->status, connectId);
            if (!info) co_return info.error();
            urlText = info->url;
            plan.heartbeat = info->heartbeatInterval;
            plan.heartbeatTimeout = info->heartbeatTimeout;
        }
        if (config.heartbeatOverride.count() > 0) plan.heartbeat = config.heartbeatOverride;
        if (!adapter->heartbeatMessage(0)) plan.heartbeat = std::chrono::milliseconds(0);
        if (plan.heartbeatTimeout.count() <= 0 || config.heartbeatOverride.count() > 0)
            plan.heartbeatTimeout = plan.heartbeat;
        auto url = net::Url::parse(urlText);
        if (!url) co_return url.error();
        auto connected = co_await socket.connect(*url, config.requestTimeout);
        if (!connected) co_return connected.error();
        if (!adapter->streamsInUrl()) {
            auto subscribed = co_await sendSubscribe(gen, socket, specs);
            if (!subscribed) co_return subscribed.error();
        }
        co_return plan;
    }

    // SUBSCRIBE messages for `specs`, at most maxStreamsPerSubscribe() streams each (one per
    // stream when the venue cannot put them in one message), controlInterval apart.
    awaitable<Result<Ok>> sendSubscribe(std::uint64_t gen, net::WsClient& socket,
                                        const std::vector<exchange::StreamSpec>& specs) {
        const std::size_t per = static_cast<std::size_t>(std::max(1, adapter->maxStreamsPerSubscribe()));
        std::vector<std::string> messages;
        for (std::size_t i = 0; i < specs.size(); i += per) {
            const std::vector<exchange::StreamSpec> chunk(specs.begin() + static_cast<std::ptrdiff_t>(i),
                                                          specs.begin() + static_cast<std::ptrdiff_t>(std::min(specs.size(), i + per)));
            std::string message = adapter->subscribeMessage(chunk, ++controlId);
            if (!message.empty()) {
                messages.push_back(std::move(message));
                continue;
            }
            for (const auto& one : chunk) messages.push_back(adapter->subscribeMessage({one}, ++controlId));
        }
        bool first = true;
        for (auto& message : messages) {
            if (message.empty()) continue;
            if (!first && (!co_await sleepFor(config.controlInterval) || !alive(gen))) co_return makeError("cancelled");
            first = false;
            auto sent = co_await socket.send(std::move(message));
            if (!sent) co_return sent.error();
        }
        co_return Ok{};
    }

    // One WebSocket of a readLoop: the current connection or, during a rotation, the next one.
    struct Link {
        std::shared_ptr<net::WsClient> ws;
        StreamPlan plan;
        std::shared_ptr<asio::steady_timer> heartbeatTimer;
        std::int64_t firstEventMs = 0;  // venue event time of the first kline read on it
        std::int64_t lastEventMs = 0;   // of the newest
        bool retired = false;           // closed by a rotation: its end is not a failure
        bool ended = false;
        std::string endReason;
        void stop() const {
            if (heartbeatTimer) heartbeatTimer->cancel();
            ws->cancel();
        }
    };
    // Shared by the coroutines of one readLoop (readers, watchdog, rotation).
    struct LoopState {
        std::shared_ptr<Series> series;
        std::shared_ptr<Link> current, next;
        std::shared_ptr<asio::steady_timer> wake;  // cancelled to wake readLoop
        std::shared_ptr<asio::steady_timer> rotationTimer;
        Clock::time_point lastFrame = Clock::now();
        bool finished = false;
        bool stale = false;
        bool rotateRequested = false;
        bool rotating = false;  // the next connection is being opened
        std::string rotateWhy;
        // Kline de-duplication across the two connections of a rotation, by open time: the
        // newest event time delivered, and whether the final (closed) version went out.
        std::map<std::int64_t, std::pair<std::int64_t, bool>> delivered;
        // The newest source candle delivered while still open, and its last version: when a newer
        // candle opens before its closed version came (KuCoin never sends one), it is closed and
        // fetched over REST (reconcile).
        std::optional<Candle> forming;
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

    static std::string upperCase(std::string s) {
        for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return s;
    }

    awaitable<void> reader(std::uint64_t gen, std::shared_ptr<LoopState> st, std::shared_ptr<Link> link) {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        Series& s = *st->series;
        const std::string symbol = upperCase(s.key.symbol);
        while (alive(gen) && !st->finished) {
            auto frame = co_await link->ws->read();
            if (!frame) {
                link->ended = true;
                if (link->endReason.empty()) link->endReason = frame.error().message;
                if (link->heartbeatTimer) link->heartbeatTimer->cancel();
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
                    if (upperCase(k->key.symbol) != symbol || k->key.interval != s.source) continue;
                    // OKX candle pushes carry no event time: the receipt time (exchange clock)
                    // orders them for the de-duplication and the rotation overlap.
                    if (k->eventTimeMs == 0) k->eventTimeMs = nowMs() + skewMs;
                    if (!link->firstEventMs) link->firstEventMs = k->eventTimeMs;
                    link->lastEventMs = std::max(link->lastEventMs, k->eventTimeMs);
                    if (st->next) st->notify();  // a rotation waits for the overlap
                    if (!freshKline(*st, *k)) continue;
                    if (st->forming && k->candle.openTime > st->forming->openTime) {
                        // A newer candle opened: the forming one is over without its closed version.
                        spawn(reconcile(gen, st, *st->forming, k->candle.openTime));
                        st->forming.reset();
                    }
                    if (!k->candle.closed && (!st->forming || k->candle.openTime >= st->forming->openTime))
                        st->forming = k->candle;
                    else if (k->candle.closed && st->forming && st->forming->openTime == k->candle.openTime)
                        st->forming.reset();
                    postLive(s, std::move(*k));
                } else if (std::holds_alternative<exchange::ServerShutdown>(e)) {
                    if (link == st->current && !st->rotateRequested && !st->rotating) {
                        st->rotateRequested = true;
                        st->rotateWhy = "the exchange announced a server shutdown";
                        st->notify();
                    }
                } else if (auto* t = std::get_if<exchange::TradeTick>(&e)) {
                    sink.post(std::move(*t));
                } else if (auto* reply = std::get_if<exchange::ControlReply>(&e); reply && reply->errorCode != 0) {
                    // The venue refused our subscription (welcome, pong and acks carry 0).
                    link->endReason = "the exchange refused the subscription: " + reply->message + " (code " +
                                      std::to_string(reply->errorCode) + ")";
                    std::fprintf(stderr, "cpc feed: %s\n", link->endReason.c_str());
                    link->stop();
                }
            }
        }
    }

    // Client heartbeats of one connection (venues whose clients ping). A missing reply shows as
    // silence: the watchdog's limit is the heartbeat period plus the reply's deadline.
    awaitable<void> heartbeat(std::uint64_t gen, std::shared_ptr<LoopState> st, std::shared_ptr<Link> link) {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        if (link->plan.heartbeat.count() <= 0) co_return;
        auto timer = std::make_shared<asio::steady_timer>(io.context());
        link->heartbeatTimer = timer;
        timers.insert(timer);  // cancelled by open() and stop() with the other sleeps
        std::int64_t id = 0;
        while (alive(gen) && !st->finished && !link->ended && !link->retired) {
            timer->expires_after(link->plan.heartbeat);
            boost::system::error_code ec;
            co_await timer->async_wait(asio::redirect_error(use_awaitable, ec));
            if (ec || !alive(gen) || st->finished || link->ended || link->retired) break;
            auto message = adapter->heartbeatMessage(++id);
            if (!message) break;
            std::string text = std::move(*message);
            auto sent = co_await link->ws->send(std::move(text));
            if (!sent) break;
            std::lock_guard lock(statsMutex);
            ++statsValue.heartbeatsSent;
        }
        timers.erase(timer);
    }

    // A candle the stream left without its closed version (a newer one opened): fetch it over
    // REST, closed, so the final candle is the venue's and not the stream's last push.
    awaitable<void> reconcile(std::uint64_t gen, std::shared_ptr<LoopState> st, Candle last, std::int64_t newerOpen) {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        if (!alive(gen)) co_return;
        {
            std::lock_guard lock(statsMutex);
            ++statsValue.reconciles;
        }
        auto client = std::make_shared<net::HttpClient>(io.context(), tls, config.requestTimeout);
        olderHttps.insert(client);
        struct Forget {
            Impl& impl;
            std::shared_ptr<net::HttpClient> c;
            ~Forget() { impl.olderHttps.erase(c); }
        } forget{*this, client};
        Series& s = *st->series;
        net::Backoff backoff(config.backoffBase, config.backoffMax);
        std::vector<Candle> rows;
        for (int attempt = 0; attempt < 3 && alive(gen); ++attempt) {
            const exchange::HistoryQuery q{s.key.symbol, s.key.interval, last.openTime, newerOpen - 1, 2};
            const exchange::RestRequest request = adapter->historyRequest(q);
            auto r = co_await restGet(request, gen, *client);
            if (!alive(gen)) co_return;
            auto parsed = r ? adapter->parseHistoryFor(q, r->body, r->status, nowMs() + skewMs)
                            : Result<std::vector<Candle>>(r.error());
            if (parsed) {
                for (Candle& c : *parsed)
                    if (c.openTime >= last.openTime && c.openTime < newerOpen) rows.push_back(c);
                break;
            }
            if (!co_await sleepFor(backoff.next()) || !alive(gen)) co_return;
        }
        // The venue has no row (or did not answer): the stream's last version is all there is.
        if (rows.empty()) rows.push_back(last);
        for (Candle& c : rows) c.closed = true;  // a newer candle opened on the venue
        st->delivered[last.openTime].second = true;
        postHistory(s, std::move(rows), false, false);
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
    awaitable<void> openNext(std::uint64_t gen, std::shared_ptr<LoopState> st) {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        if (!co_await connectionAttempt(gen, nullptr) || st->finished) co_return;
        auto socket = std::make_shared<net::WsClient>(io.context(), tls);
        nextWs = socket;
        auto opened = co_await openStream(gen, *st->series, *socket);
        if (!alive(gen) || st->finished) {
            socket->cancel();
            co_return;
        }
        if (!opened) {
            std::fprintf(stderr, "cpc feed: rotation: %s\n", opened.error().message.c_str());
            socket->cancel();
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
        link->plan = *opened;
        st->next = link;
        spawn(reader(gen, st, link));
        spawn(heartbeat(gen, st, link));
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
                st->current->stop();  // its reader ends; readLoop reconnects
                co_return;
            }
        }
    }

    // Longest silence before the connection counts as dead: the adapter's idle timeout (or the
    // configured override) and, with client heartbeats, one period plus the reply's deadline.
    std::chrono::milliseconds idleLimit(const Series& s, const StreamPlan& plan) const {
        if (config.watchdogOverride.count() > 0) return config.watchdogOverride;
        auto idle = adapter->streamIdleTimeout(s.key.interval);
        if (plan.heartbeat.count() > 0) idle = std::min(idle, plan.heartbeat + plan.heartbeatTimeout);
        return idle;
    }

    // Reads frames until the connection ends; returns why it ended. Rotates the connection
    // make-before-break before the venue's lifetime and on serverShutdown.
    awaitable<std::string> readLoop(std::uint64_t gen, std::shared_ptr<Series> series,
                                    std::shared_ptr<net::WsClient> socket, StreamPlan plan) {
        auto st = std::make_shared<LoopState>();
        st->series = series;
        st->forming = std::exchange(series->restForming, std::nullopt);
        st->current = std::make_shared<Link>();
        st->current->ws = socket;
        st->current->plan = plan;
        st->wake = std::make_shared<asio::steady_timer>(io.context());
        const auto idle = idleLimit(*series, plan);
        spawn(reader(gen, st, st->current));
        spawn(heartbeat(gen, st, st->current));
        spawn(loopWatchdog(st, idle));
        spawn(rotationClock(gen, st, st->current));
        std::string reason;
        while (alive(gen)) {
            if (st->current->ended) {
                reason = st->stale ? "no data for " + std::to_string(idle.count() / 1000) + " s"
                                   : "stream closed: " + st->current->endReason;
                if (st->stale) publish(series->key, FeedState::Stale, reason);
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
                spawn(openNext(gen, st));
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
                old->stop();
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
        if (st->next) st->next->stop();
        if (nextWs) nextWs->cancel();
        st->current->stop();
        co_return reason;
    }

    // 3d built from another interval needs the symbol's listing day (our 3d, like Binance's, starts
    // there plus a multiple of 3 days; a venue's own 3-day candles are not anchored so).
    static bool needsListingDay(Interval interval, Interval source) {
        return interval == Interval::D3 && source != Interval::D3;
    }

    // The symbol's listing day: the open time of its first 1d candle on the venue (cached per
    // symbol): exchange::ListingDaySearch's pages (about 13), each through the REST gate.
    awaitable<Result<std::int64_t>> listingDay(std::uint64_t gen, net::HttpClient& client, const std::string& symbol) {
        if (const auto it = listingDays.find(symbol); it != listingDays.end()) co_return it->second;
        exchange::ListingDaySearch search(*adapter, symbol, nowMs() + skewMs);
        while (const auto q = search.next()) {
            auto rows = co_await olderRows(gen, client, *q);
            if (!rows) co_return rows.error();
            search.answer(*rows);
        }
        listingDays[symbol] = search.day();
        co_return search.day();
    }

    // One page of older history with a few retries: the venue's rows with open times in the query's
    // range (ascending); an Error when retrying cannot help or keeps failing.
    awaitable<Result<std::vector<Candle>>> olderRows(std::uint64_t gen, net::HttpClient& client,
                                                     exchange::HistoryQuery q) {
        net::Backoff backoff(config.backoffBase, config.backoffMax);
        for (int failures = 0;; ) {
            const exchange::RestRequest request = adapter->historyRequest(q);
            auto r = co_await restGet(request, gen, client);
            if (!alive(gen)) co_return makeError("cancelled");
            Result<std::vector<Candle>> rows = r ? adapter->parseHistoryFor(q, r->body, r->status, nowMs() + skewMs)
                                                 : Result<std::vector<Candle>>(r.error());
            if (rows) {
                std::erase_if(*rows, [&](const Candle& c) {  // never trust blindly
                    return (q.endTime && c.openTime > *q.endTime) || (q.startTime && c.openTime < *q.startTime);
                });
                co_return rows;
            }
            const Error& e = rows.error();
            if (adapter->isPermanentError(e) || e.code == 418 || ++failures > 3) co_return e;
            if (!co_await sleepFor(backoff.next()) || !alive(gen)) co_return makeError("cancelled");
        }
    }

    // Scroll-back probes on a venue that skips intervals without trades (historyHasGaps(): KuCoin).
    // Its page of `want` rows ending at `end` was empty: a no-trade stretch (an illiquid pair's
    // quiet weeks, maintenance) or the listing start. Each probe asks for the newest rows of a range
    // ending at `end` kProbeGrowth times wider than the one before (the first: the empty page's
    // span), never starting before the venue's earliestHistoryMs(), at most kMaxProbes of them (so
    // a stretch costs at most kMaxProbes requests, each through the REST gate). Returns the open
    // time of the newest row found — normal paging goes on from there — or nullopt: nothing down to
    // the floor (or within the widest probe), the listing start.
    static constexpr int kMaxProbes = 6;
    static constexpr std::int64_t kProbeGrowth = 4;
    awaitable<Result<std::optional<std::int64_t>>> probeOlder(std::uint64_t gen, net::HttpClient& client,
                                                              const SeriesKey& key, Interval source,
                                                              std::int64_t end, int want) {
        const std::int64_t floor = adapter->earliestHistoryMs();
        std::int64_t span = static_cast<std::int64_t>(want) * nominalMs(source);
        for (int probe = 0; probe < kMaxProbes && end >= floor && alive(gen); ++probe) {
            span *= kProbeGrowth;
            const std::int64_t start = end - floor > span ? end - span : floor;
            exchange::HistoryQuery q{key.symbol, key.interval, start, end, adapter->maxHistoryLimit()};
            q.newestOfRange = true;
            {
                std::lock_guard lock(statsMutex);
                ++statsValue.historyProbes;
            }
            auto rows = co_await olderRows(gen, client, q);
            if (!rows) co_return rows.error();
            if (!rows->empty()) co_return std::optional<std::int64_t>(rows->back().openTime);
            if (start == floor) break;
        }
        co_return std::optional<std::int64_t>();
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
        if (!clockSynced) {  // decides whether the newest row is still forming
            auto c = co_await syncClock(gen, *client);
            if (!alive(gen)) co_return;
            if (!c && (adapter->isPermanentError(c.error()) || c.error().code == 418)) {
                fail(c.error());
                co_return;
            }
        }
        const auto source = adapter->nativeSourceInterval(key.interval);
        if (!source) {
            fail(noSourceInterval(key));
            co_return;
        }
        std::int64_t anchor3d = 0;  // 3d built from days: the listing day
        if (needsListingDay(key.interval, *source)) {
            auto day = co_await listingDay(gen, *client, key.symbol);
            if (!alive(gen)) co_return;
            if (!day) {
                fail(day.error());
                co_return;
            }
            anchor3d = *day;
        }
        // Intervals the venue lacks come from `ratio` source rows per candle (at most; months vary).
        const bool aggregated = *source != key.interval;
        const std::size_t ratio =
            aggregated ? static_cast<std::size_t>(std::max<std::int64_t>(1, nominalMs(key.interval) / nominalMs(*source))) : 1;
        const int limit = std::max(1, adapter->maxHistoryLimit());
        std::int64_t end = before - 1;
        std::size_t remaining = count;
        std::vector<Candle> pending;  // source rows of the oldest bucket seen: it may go on in the next page
        std::optional<std::int64_t> resumedAt;  // the newest row a probe found (paging goes on from it)
        while (remaining > 0 && alive(gen)) {
            const int want = static_cast<int>(std::min<std::size_t>(remaining * ratio, static_cast<std::size_t>(limit)));
            const exchange::HistoryQuery q{key.symbol, key.interval, std::nullopt, end, want};
            auto rows = co_await olderRows(gen, *client, q);
            if (!alive(gen)) co_return;
            if (!rows) {
                fail(rows.error());
                co_return;
            }
            // endTime without startTime: the newest `want` rows up to endTime; fewer means the
            // listing starts inside this page. A venue that skips quiet intervals may answer an
            // empty page inside a no-trade stretch: probe further back before calling it the start.
            bool startReached = rows->size() < static_cast<std::size_t>(want);
            if (adapter->historyHasGaps()) {
                startReached = false;
                if (rows->empty() && resumedAt == end) {
                    startReached = true;  // the row the probe found is gone: do not probe in circles
                } else if (rows->empty()) {
                    auto newest = co_await probeOlder(gen, *client, key, *source, end, want);
                    if (!alive(gen)) co_return;
                    if (!newest) {
                        fail(newest.error());
                        co_return;
                    }
                    if (*newest) {  // rows before the stretch: page on from the newest of them
                        end = **newest;
                        resumedAt = end;
                        continue;
                    }
                    startReached = true;
                }
            }
            const std::int64_t oldest = rows->empty() ? end : rows->front().openTime;
            std::vector<Candle> out;
            if (!aggregated) {
                out = std::move(*rows);
            } else {
                std::vector<Candle> sources = std::move(*rows);
                sources.insert(sources.end(), pending.begin(), pending.end());
                pending.clear();
                if (!startReached && !sources.empty()) {
                    const std::int64_t first = bucketStart(key.interval, sources.front().openTime, anchor3d);
                    const auto cut = std::find_if(sources.begin(), sources.end(), [&](const Candle& c) {
                        return bucketStart(key.interval, c.openTime, anchor3d) != first;
                    });
                    pending.assign(sources.begin(), cut);
                    sources.erase(sources.begin(), cut);
                }
                out = detail::aggregateSources(sources, *source, key.interval, nowMs() + skewMs, std::nullopt, anchor3d);
            }
            remaining -= std::min(remaining, out.size());
            HistoryBatch batch{key, std::move(out)};
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
                if (adapter->isPermanentError(symbols.error())) {
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
