#include "cpc/session/market_feed.hpp"

#include "coroutine_tracker.hpp"

#include <condition_variable>
#include <algorithm>
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

#include "cpc/core/ascii.hpp"
#include "cpc/core/time.hpp"
#include "cpc/exchange/history_rows.hpp"
#include "cpc/exchange/listing_day.hpp"
#include "cpc/session/history_pages.hpp"
#include "source_aggregator.hpp"
#include "cpc/net/backoff.hpp"
#include "cpc/net/http_client.hpp"
#include "cpc/net/tls.hpp"
#include "cpc/net/ws_client.hpp"

namespace cpc::session {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using Clock = std::chrono::steady_clock;



struct MarketFeed::Impl : std::enable_shared_from_this<MarketFeed::Impl> {
    Impl(net::IoThread& ioThread, std::shared_ptr<const exchange::ExchangeAdapter> venue,
         FeedConfig feedConfig, FeedSink& target)
        : io(ioThread), adapter(std::move(venue)), config(std::move(feedConfig)), sink(target) {
        rest = config.rest;
        if (!rest)
            rest = std::make_shared<VenueRest>(
                io.context(), adapter,
                VenueRestConfig{config.tls, config.requestTimeout, config.restGate, config.restWeightBudget,
                                config.weightSafetyShare, nullptr});
        streams = config.streamSession;
        if (!streams) {
            // A feed of its own: the connection engine with the feed's settings.
            StreamSessionConfig sc;
            sc.tls = config.tls;
            sc.backoffBase = config.backoffBase;
            sc.backoffMax = config.backoffMax;
            sc.requestTimeout = config.requestTimeout;
            sc.watchdog = config.watchdogOverride;
            sc.controlInterval = config.controlInterval;
            sc.syncClock = false;  // the feed measures the venue's clock with its history
            sc.connectionBudget = config.connectionBudget;  // null: the engine's own
            sc.rotateAfter = config.rotateAfter;
            sc.heartbeatOverride = config.heartbeatOverride;
            sc.rest = rest;
            streams = std::make_shared<StreamSession>(io, adapter, std::move(sc), discard);
        }
    }

    // The session's own sink of a feed's private session: the feed hears through its listener.
    struct Discard final : FeedSink {
        void post(FeedEvent) override {}
    };
    Discard discard;

    struct Series;
    struct Tap;

    net::IoThread& io;
    std::shared_ptr<const exchange::ExchangeAdapter> adapter;
    FeedConfig config;
    FeedSink& sink;

    // --- network thread only ---
    // The open series' work (its history, stream, reconciles, scroll-back and hole jobs) runs in
    // `scope`: open() and stop() cancel it and start a new one. The symbol list runs in metaScope
    // (only stop() ends it).
    using Scope = std::shared_ptr<CancelScope>;
    Scope scope = std::make_shared<CancelScope>(io.context());
    Scope metaScope = std::make_shared<CancelScope>(io.context());
    bool stopping = false;
    // The connection engine carrying the kline stream: FeedConfig::streamSession (shared with
    // every other user of the venue in the process) or the feed's own.
    std::shared_ptr<StreamSession> streams;
    net::Backoff restartBackoff{config.backoffBase, config.backoffMax};  // after internal errors
    // The REST host's client (limits, clock offset), shared with every feed, session and command of
    // the process talking to it: FeedConfig::rest (the MarketSession's) or one of its own.
    std::shared_ptr<VenueRest> rest;
    // Listing days (open time of the first 1d candle) by symbol: the anchor of 3d buckets built
    // from days (venues without our 3d). Found once per symbol (listingDay()).
    std::map<std::string, std::int64_t> listingDays;

    // --- any thread ---
    mutable std::mutex statsMutex;
    FeedStats statsValue;              // guarded by statsMutex
    detail::CoroutineTracker coroutines;  // stop() waits for these

    using ActiveGuard = detail::CoroutineTracker::Guard;

    void publish(const SeriesKey& key, FeedState state, std::string detail, std::int64_t retryInMs = 0) {
        FeedStatus status{key, state, std::move(detail), retryInMs, nowMs()};
        status.clockOffsetMs = rest->clockOffsetMs();  // lets the app correct its latency figures
        sink.post(std::move(status));
    }

    std::int64_t venueNow() const { return rest->venueNowMs(); }
    // A history answer's rows as the feed takes them (exchange::checkHistoryRows): an answer with an
    // open time off the interval's boundaries is an error; a row marked closed whose close time has
    // not passed on the venue's clock is provisional.
    Result<std::vector<Candle>> parseRows(const exchange::HistoryQuery& q, const net::HttpResponse& r) const {
        auto rows = adapter->parseHistoryFor(q, r.body, r.status, venueNow());
        if (!rows) return rows;
        // The rows are of the interval the venue was asked for (a query names the wanted interval;
        // the adapter requests its native source, e.g. 1d for 1w).
        const Interval rowsInterval = adapter->nativeSourceInterval(q.interval).value_or(q.interval);
        return exchange::checkHistoryRows(std::move(*rows), rowsInterval, venueNow(), adapter->name());
    }

    // An exception escaping one of the feed's coroutines is a failure of the series, shown with
    // its reason (Failed), and the series is opened again after a back-off.
    void spawn(awaitable<void> coroutine) {
        std::weak_ptr<Impl> weak = weak_from_this();
        detail::spawnSupervised(io.context(), std::move(coroutine), [weak](const std::string& what) {
            if (auto self = weak.lock()) self->internalError(what);
        });
    }

    void internalError(const std::string& what) {
        {
            std::lock_guard lock(statsMutex);
            ++statsValue.internalErrors;
        }
        if (stopping || !current) return;
        const SeriesKey key = current->key;
        const std::optional<std::int64_t> resume = current->resume;
        const auto delay = restartBackoff.next();
        publish(key, FeedState::Failed,
                "internal error: " + what + "; restarting in " + std::to_string(delay.count()) + " ms", delay.count());
        closeCurrent();
        spawn(restartAfter(scope, key, resume, delay));
    }

    awaitable<void> restartAfter(Scope sc, SeriesKey key, std::optional<std::int64_t> resume,
                                 std::chrono::milliseconds delay) {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        if (!co_await sc->sleep(delay)) co_return;
        openSeries(std::move(key), resume);
    }

    std::shared_ptr<Series> current;  // the open series (network thread)

    // Ends the open series: its coroutines are cancelled and its stream left (the session
    // unsubscribes it when no other user has it).
    void closeCurrent() {
        scope->cancel();
        scope = std::make_shared<CancelScope>(io.context());
        if (!current) return;
        streams->unsubscribe({current->spec}, current->tap);
        current->notify();
        current.reset();
    }

    // Network thread: `key` becomes the open series.
    void openSeries(SeriesKey key, std::optional<std::int64_t> resume) {
        closeCurrent();
        if (auto ready = rest->ready(); !ready) {
            sink.post(FeedError{key, ready.error()});
            publish(key, FeedState::Failed, ready.error().message);
            return;
        }
        // Every way a symbol reaches the feed (the symbol box, --symbol, settings) ends here: one
        // outside the venue's alphabet would put its '&', '?', spaces or line breaks into requests.
        if (const auto bad = adapter->checkSymbol(key.symbol)) {
            sink.post(FeedError{key, *bad});
            publish(key, FeedState::Failed, bad->message);
            return;
        }
        const auto source = adapter->nativeSourceInterval(key.interval);
        if (!source) {
            const Error e = noSourceInterval(key);
            sink.post(FeedError{key, e});
            publish(key, FeedState::Failed, e.message);
            return;
        }
        auto s = std::make_shared<Series>(key, *source);
        s->scope = scope;
        s->resume = resume;
        s->spec = exchange::StreamSpec{key.symbol, *source, exchange::StreamKind::Kline};
        s->wake = std::make_shared<asio::steady_timer>(io.context());
        s->tap = std::make_shared<Tap>();
        s->tap->impl = weak_from_this();
        s->tap->series = s;
        current = s;
        // Subscribe first, then fetch history: stream updates that arrive meanwhile are held.
        streams->subscribe({s->spec}, s->tap);
        spawn(run(s));
    }

    // One REST request of the series' work through the host's client (its gate: the venue's
    // weight budget and 429/418 answers respected by every request of the process to that host);
    // an IP ban is an Error, code 418, saying until when.
    awaitable<Result<net::HttpResponse>> restGet(const exchange::RestRequest& request, CancelScope& sc) {
        VenueRest::Tally tally;
        auto r = co_await rest->send(request, sc, {.tally = &tally});
        count(tally, !r && r.error().code == 418);
        co_return r;
    }

    awaitable<Result<Ok>> syncClock(CancelScope& sc) {
        VenueRest::Tally tally;
        auto offset = co_await rest->syncClock(sc, {.tally = &tally});
        count(tally, !offset && offset.error().code == 418);
        if (!offset) co_return offset.error();
        co_return Ok{};
    }

    // The feed's own requests in its stats, and a ban (shown until it ends).
    void count(const VenueRest::Tally& tally, bool banned) {
        std::lock_guard lock(statsMutex);
        statsValue.restRequests += tally.sent;
        statsValue.restBans += tally.bans;
        if (banned) statsValue.restBannedUntilMs = rest->gate()->bannedUntilMs();
    }

    // Delay before the next attempt: the back-off, or the rest of an IP ban if that is longer.
    std::chrono::milliseconds retryDelay(net::Backoff& backoff) const { return pastBan(backoff.next()); }
    std::chrono::milliseconds pastBan(std::chrono::milliseconds delay) const {
        const std::int64_t banLeft = rest->gate()->bannedUntilMs() - nowMs();
        if (banLeft > 0) delay = std::max(delay, std::chrono::milliseconds(banLeft + 100));
        return delay;
    }

    // One opened series: the key asked for, the venue interval it is built from (itself when the
    // venue has it, else nativeSourceInterval) and what the feed has delivered of it. Network
    // thread only.
    struct Series : std::enable_shared_from_this<Series> {
        SeriesKey key;
        Interval source;
        Scope scope;  // the work of the series (cancelled when it closes)
        exchange::StreamSpec spec;  // the source interval's kline stream
        detail::SourceAggregator agg;
        std::optional<std::int64_t> resume;  // newest closed candle of key.interval delivered
        // Source open time of the newest candle delivered closed (REST or stream): stream updates
        // of it or older are stale (held while a backfill ran, or late).
        std::optional<std::int64_t> newestClosedSource;
        // The newest source candle delivered while still open (the stream's, or the newest REST row
        // when the venue still had it forming): when a newer candle opens before its closed version
        // came (a reconnect at its end; KuCoin never sends one) it is fetched over REST (reconcile).
        std::optional<Candle> forming;
        // Source candles that are over (a newer one opened) but whose closed version the venue has
        // not confirmed (REST failed or did not have it yet): shown as they are, never saved as
        // final, re-checked at the next successful REST call of the series.
        std::vector<Candle> unconfirmed;
        // Stream updates that arrived while history was (to be) fetched: applied after it, in order.
        std::vector<exchange::KlineUpdate> held;
        // Provisional updates in event-time order per open time (a held update may repeat one).
        std::map<std::int64_t, std::int64_t> newestEvent;
        bool backfillWanted = true;  // at the open, and after every fresh connection
        bool backfilling = false;
        bool linkSeen = false;       // the connection said something (live, or why not): history may start
        bool failed = false;         // a permanent error: nothing more is delivered
        bool recheckScheduled = false;  // a timed re-check of `unconfirmed` is waiting
        StreamLink lastLink;
        std::optional<std::string> streamRefused;  // the venue refused the stream: not retried
        std::shared_ptr<asio::steady_timer> wake;  // run() waits on it; notify() cancels it
        std::shared_ptr<Tap> tap;
        Series(SeriesKey k, Interval src) : key(std::move(k)), source(src), agg(src, key.interval) {}
        void notify() const {
            if (wake) wake->cancel();
        }
        bool holding() const { return backfillWanted || backfilling; }
        std::shared_ptr<Series> shared() { return shared_from_this(); }
    };

    // The series' user of the stream session: what the session delivers for its kline stream (on
    // the network thread) goes to the series it was made for, while that series is current.
    struct Tap final : FeedSink {
        std::weak_ptr<Impl> impl;
        std::weak_ptr<Series> series;
        void post(FeedEvent event) override {
            auto i = impl.lock();
            auto s = series.lock();
            if (i && s && !s->failed && !s->scope->cancelled()) i->onStream(*s, std::move(event));
        }
        void onLink(const StreamLink& link) override {
            auto i = impl.lock();
            auto s = series.lock();
            if (i && s && !s->failed && !s->scope->cancelled()) i->onLink(*s, link);
        }
    };

    static void noteClosed(Series& s, const Candle& c) {
        if (c.closed && (!s.resume || c.openTime > *s.resume)) s.resume = c.openTime;
    }

    static void noteClosedSource(Series& s, const std::vector<Candle>& rows) {
        for (const Candle& c : rows)
            if (c.closed && (!s.newestClosedSource || c.openTime > *s.newestClosedSource)) s.newestClosedSource = c.openTime;
    }

    // A backfill's rows that came as not final although a newer row follows them (the newest row
    // of the newest page is the forming candle): the venue has moved past them, but the feed's
    // estimate of its clock had not (exchange::checkHistoryRows: a clock measured a while ago, or
    // 1s candles within the estimate's error). No stream update will reconcile them, so they are
    // parked as unconfirmed and asked for again when the backfill ends (recheckUnconfirmed).
    // Without this such a candle stayed provisional, out of the cache, for good (the fault matrix,
    // its exchange clock at 75×, on a loaded machine).
    void parkNotFinal(Series& s, const std::vector<Candle>& rows, bool newestPage) {
        const std::size_t end = newestPage && !rows.empty() ? rows.size() - 1 : rows.size();
        for (std::size_t i = 0; i < end; ++i) {
            if (rows[i].closed || !park(s, rows[i])) continue;
            std::lock_guard lock(statsMutex);
            ++statsValue.unconfirmed;
        }
    }

    // Adds `c` to the candles to ask for again (recheckUnconfirmed); false if it is there already.
    static bool park(Series& s, const Candle& c) {
        if (std::any_of(s.unconfirmed.begin(), s.unconfirmed.end(),
                        [&](const Candle& u) { return u.openTime == c.openTime; }))
            return false;
        s.unconfirmed.push_back(c);
        return true;
    }

    // REST rows of the source interval (ascending) go out as a HistoryBatch of the series'
    // interval; see SourceAggregator::add for holdNewest / dropOldestPartial.
    void postHistory(Series& s, std::vector<Candle> rows, bool holdNewest, bool dropOldestPartial) {
        std::vector<Candle> out = s.agg.passthrough()
                                      ? std::move(rows)
                                      : s.agg.add(rows, venueNow(), holdNewest, dropOldestPartial);
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
        for (const Candle& c : s.agg.add({k.candle}, venueNow())) {
            noteClosed(s, c);
            sink.post(exchange::KlineUpdate{s.key, c, k.eventTimeMs});
        }
    }

    // REST history: the newest page, or every page from `resume` on. Posts each page.
    awaitable<Result<Ok>> backfill(Scope sc, std::shared_ptr<Series> s) {
        if (auto c = co_await syncClock(*sc); !c) co_return c.error();
        if (sc->cancelled()) co_return makeError("cancelled");
        if (needsListingDay(s->key.interval, s->source)) {
            auto day = co_await listingDay(sc, s->key.symbol);
            if (!day) co_return day.error();
            s->agg.setAnchor3d(*day);
        }
        const int limit = std::max(1, adapter->maxHistoryLimit());
        // (After the clock sync: the start of a first load is in the venue's time.)
        std::optional<std::int64_t> start = s->resume ? s->resume : initialStart(s->key, s->source);
        if (start) {
            // The whole pages before the newest one, several at once (a cache days old, OKX's
            // short pages); what is left, the page reaching the forming candle, as below.
            auto bulkEnd = co_await backfillPages(sc, s, *start, limit);
            if (!bulkEnd) co_return bulkEnd.error();
            start = *bulkEnd;
        }
        while (true) {
            const exchange::HistoryQuery q{s->key.symbol, s->key.interval, start, std::nullopt, limit};
            const exchange::RestRequest request = adapter->historyRequest(q);
            auto r = co_await restGet(request, *sc);
            if (!r) co_return r.error();
            if (sc->cancelled()) co_return makeError("cancelled");
            auto rows = parseRows(q, *r);
            if (!rows) co_return rows.error();
            // Asked from the newest candle delivered closed, the venue has at least that one: an
            // answer without rows is no "nothing new" but a venue that is not answering right (an
            // outage of its history): asked again after a back-off, not taken as the gap's end.
            if (rows->empty() && start && s->resume && *start == *s->resume)
                co_return makeError(adapter->name() + " answered no candles from " + formatUtc(*start) +
                                    ", which it had sent before");
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
                    if (covered <= venueNow()) next = covered;
                }
            }
            if (!next && !rows->empty()) {
                // The newest row still forming on the venue is the forming candle: closed and
                // reconciled when a newer one streams in, even if the stream never pushes it (the
                // reconnect fell on its end, or the venue pushes only on trades).
                if (!rows->back().closed && (!s->forming || rows->back().openTime >= s->forming->openTime))
                    s->forming = rows->back();
                else if (rows->back().closed && s->forming && s->forming->openTime <= rows->back().openTime)
                    s->forming.reset();
            }
            noteClosedSource(*s, *rows);
            parkNotFinal(*s, *rows, !next);
            postHistory(*s, std::move(*rows), next.has_value(), !start && full);
            if (!next) break;
            start = next;
        }
        co_return Ok{};
    }

    // The backfill's pages that end before the venue's forming candle, from `start` on: windows of
    // `limit` source buckets (each answer says exactly what its span holds, also across an outage
    // of the venue's history or on a venue that skips quiet intervals), up to
    // config.parallelPages asked at once (issue 21) through the host's gate like every request.
    // They are posted oldest first, each as soon as every older one was: `resume`, where a retry
    // starts again, only ever moves past candles delivered (a window failing ends the backfill,
    // and the retry asks again from the newest candle delivered). Returns where the rest of the
    // backfill starts: `start` itself when fewer than two windows are whole (nothing to overlap).
    awaitable<Result<std::int64_t>> backfillPages(Scope sc, std::shared_ptr<Series> s, std::int64_t start, int limit) {
        const std::int64_t forming = bucketStart(s->source, venueNow());
        std::vector<PageSpan> windows;
        for (std::int64_t from = start;;) {
            const std::int64_t to = bucketsEnd(s->source, from, limit);
            if (to <= from || to > forming) break;
            windows.push_back({from, to});
            from = to;
        }
        if (windows.size() < 2 || config.parallelPages < 2) co_return start;
        BackfillJob job{s, std::move(windows), {}, 0, std::nullopt, s->resume && *s->resume == start, limit};
        job.answers.resize(job.windows.size());
        const std::function<awaitable<bool>(std::size_t)> page = [this, &sc, &job](std::size_t i) {
            return backfillWindow(sc, job, i);
        };
        co_await runBounded(job.windows.size(), config.parallelPages, page);
        if (sc->cancelled()) co_return makeError("cancelled");
        if (job.error) co_return *job.error;
        co_return job.windows.back().to;
    }

    struct BackfillJob {
        std::shared_ptr<Series> series;
        std::vector<PageSpan> windows;                         // ascending
        std::vector<std::optional<std::vector<Candle>>> answers;  // by window, until posted
        std::size_t posted = 0;                                // windows posted (a prefix)
        std::optional<Error> error;
        bool fromResume = false;  // the first window starts at the newest candle delivered closed
        int limit = 1;
    };

    // One window of backfillPages; false ends the job.
    awaitable<bool> backfillWindow(const Scope& sc, BackfillJob& job, std::size_t i) {
        if (job.error || sc->cancelled()) co_return false;
        Series& s = *job.series;
        const PageSpan w = job.windows[i];
        const exchange::HistoryQuery q{s.key.symbol, s.key.interval, w.from, w.to - 1, job.limit};
        std::size_t outside = 0;
        auto rows = co_await olderRows(sc, q, &outside);
        if (job.error || sc->cancelled()) co_return false;
        if (rows && rows->empty() && outside > 0)  // rows, but none where asked: no word about the span
            rows = Result<std::vector<Candle>>(makeError(adapter->name() + " answered with " + std::to_string(outside) +
                                                         " rows outside " + formatUtc(w.from) + " .. " +
                                                         formatUtc(w.to - 1)));
        else if (rows && rows->empty() && i == 0 && job.fromResume)  // as in backfill: it had sent that candle
            rows = Result<std::vector<Candle>>(makeError(adapter->name() + " answered no candles from " +
                                                         formatUtc(w.from) + ", which it had sent before"));
        if (!rows) {
            job.error = rows.error();
            co_return false;
        }
        job.answers[i] = std::move(*rows);
        for (; job.posted < job.answers.size() && job.answers[job.posted]; ++job.posted) {
            std::vector<Candle> page = std::exchange(*job.answers[job.posted], {});
            noteClosedSource(s, page);
            parkNotFinal(s, page, false);
            postHistory(s, std::move(page), true, false);
        }
        co_return true;
    }

    // Where a series opened without a cache starts. Normally the venue's newest page; a venue whose
    // pages are short (OKX: 100 rows) is read forward from config.initialCandles candles back
    // instead (at most 20 of its pages), so a new chart shows as much as on the other venues.
    std::optional<std::int64_t> initialStart(const SeriesKey& key, Interval source) const {
        const int limit = std::max(1, adapter->maxHistoryLimit());
        if (limit >= config.initialCandles || key.interval == Interval::D3) return std::nullopt;  // 3d: listing-anchored
        const std::int64_t span = std::min<std::int64_t>(config.initialCandles * nominalMs(key.interval),
                                                         std::int64_t{20} * limit * nominalMs(source));
        return bucketStart(key.interval, venueNow() - span);
    }


    // Why the venue cannot serve `interval` (none of its intervals builds it).
    Error noSourceInterval(const SeriesKey& key) const {
        std::string have;
        for (Interval i : kAllIntervals)
            if (adapter->isNativeInterval(i)) have += (have.empty() ? "" : ", ") + std::string(toString(i));
        return makeError(adapter->name() + " has no " + std::string(toString(key.interval)) +
                         " candles and none that build them; it serves " + have);
    }

    // --- the stream, through the session: its events and its connection's state ---

    void onStream(Series& s, FeedEvent event) {
        auto* k = std::get_if<exchange::KlineUpdate>(&event);
        if (!k || k->key.interval != s.source || !equalsIgnoreCaseAscii(k->key.symbol, s.key.symbol)) return;
        if (s.holding()) {
            s.held.push_back(std::move(*k));  // applied once history has caught up
            return;
        }
        applyKline(s, std::move(*k));
    }

    // A stream update, after history: stale ones dropped, a candle left without its closed version
    // reconciled over REST, the rest delivered.
    void applyKline(Series& s, exchange::KlineUpdate k) {
        const Candle& c = k.candle;
        if (s.newestClosedSource && c.openTime <= *s.newestClosedSource) return;  // the venue's final is out
        if (!c.closed) {
            auto& newest = s.newestEvent[c.openTime];
            if (k.eventTimeMs != 0 && k.eventTimeMs < newest) return;  // older than one delivered
            newest = std::max(newest, k.eventTimeMs);
            while (s.newestEvent.size() > 64) s.newestEvent.erase(s.newestEvent.begin());
        }
        if (s.forming && c.openTime > s.forming->openTime) {
            // A newer candle opened: the forming one is over without its closed version.
            if (!config.offline) spawn(reconcile(s.scope, s.shared(), *s.forming, c.openTime));
            s.forming.reset();
        }
        if (!c.closed && (!s.forming || c.openTime >= s.forming->openTime)) s.forming = c;
        else if (c.closed && s.forming && s.forming->openTime == c.openTime) s.forming.reset();
        if (c.closed) noteClosedSource(s, {c});
        postLive(s, std::move(k));
    }

    void onLink(Series& s, const StreamLink& link) {
        s.lastLink = link;
        if (link.state != FeedState::Connecting) s.linkSeen = true;
        if (link.state == FeedState::Live) {
            if (link.fresh) s.backfillWanted = true;  // nothing between the connections was streamed
            // (the series is live once history has caught up)
        } else if (link.final) {
            s.streamRefused = link.detail;  // the session does not retry it
        } else if (!s.holding() || link.state != FeedState::Connecting) {
            publish(s.key, link.state, link.detail, link.retryInMs);
        }
        s.notify();
    }

    // The series' supervisor: history at the open and after every fresh connection (streams never
    // replay, so the REST backfill is what guarantees no candle is lost), held stream updates
    // applied after it, the status kept true. Retries with back-off; a permanent error ends it.
    awaitable<void> run(std::shared_ptr<Series> s) {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        const Scope sc = s->scope;
        net::Backoff backoff(config.backoffBase, config.backoffMax);
        publish(s->key, FeedState::Connecting, "connecting to " + streamHost());
        while (!sc->cancelled()) {
            if (!(s->backfillWanted && s->linkSeen) && !(s->streamRefused && !s->backfilling)) {
                s->wake->expires_at(Clock::time_point::max());
                boost::system::error_code ec;
                co_await s->wake->async_wait(asio::redirect_error(use_awaitable, ec));
                continue;
            }
            if (!s->backfillWanted && s->streamRefused) {
                fail(*s, makeError(*s->streamRefused));
                co_return;
            }
            s->backfillWanted = false;
            s->backfilling = true;
            // Offline (a replay): the record holds no history; what came before is the cache's.
            // (Not a conditional expression: GCC 12 destroys a co_await's temporaries in one twice.)
            Result<Ok> history = Ok{};
            if (!config.offline) history = co_await backfill(sc, s);
            if (sc->cancelled()) co_return;
            s->backfilling = false;
            if (!history && isFinal(history.error())) {
                fail(*s, history.error());
                co_return;
            }
            if (s->streamRefused) {
                fail(*s, makeError(*s->streamRefused));
                co_return;
            }
            if (!history) {
                s->backfillWanted = true;  // stream updates stay held meanwhile
                {
                    std::lock_guard lock(statsMutex);
                    ++statsValue.historyRetries;
                }
                const auto delay = retryDelay(backoff);
                publish(s->key, FeedState::Reconnecting, "history: " + history.error().message, delay.count());
                if (!co_await sc->sleep(delay)) co_return;  // cancelled: open() or stop()
                continue;
            }
            if (s->backfillWanted) continue;  // a fresh connection came meanwhile: fetch its gap too
            backoff.reset();
            recheckUnconfirmed(*s);
            for (auto& k : std::exchange(s->held, {})) applyKline(*s, std::move(k));
            if (s->lastLink.state == FeedState::Live) publish(s->key, FeedState::Live, "live");
            else publish(s->key, s->lastLink.state, s->lastLink.detail, s->lastLink.retryInMs);
        }
    }

    // A permanent error of the series: reported, shown, and its stream left.
    // An answer no retry changes: the venue refused the request for good (an unknown symbol…), or
    // the server's certificate was refused (asking again only repeats the refusal; the stream
    // connection stops the same way).
    bool isFinal(const Error& e) const { return adapter->isPermanentError(e) || e.code == net::kCertificateRejected; }

    void fail(Series& s, const Error& e) {
        s.failed = true;
        sink.post(FeedError{s.key, e});
        publish(s.key, FeedState::Failed, e.message);
        streams->unsubscribe({s.spec}, s.tap);
    }

    // The host the series' stream connects to, for the status line (KuCoin's real URL comes with
    // its token at every connect).
    std::string streamHost() const {
        auto url = net::Url::parse(adapter->endpoints().streamBase);
        return url ? url->host : adapter->endpoints().streamBase;
    }

    // Candles parked as unconfirmed are asked for again now that REST answers.
    void recheckUnconfirmed(Series& s) {
        if (s.unconfirmed.empty()) return;
        std::vector<Candle> again = std::exchange(s.unconfirmed, {});
        std::sort(again.begin(), again.end(), [](const Candle& a, const Candle& b) { return a.openTime < b.openTime; });
        for (const Candle& c : again) spawn(reconcile(s.scope, s.shared(), c, c.openTime + nominalMs(s.source)));
    }

    // A candle the stream left without its closed version (a newer one opened): fetch it over
    // REST. Only the venue makes a candle final: a REST row whose close time has passed on the
    // venue's clock (the venue's stream has moved past it). When REST fails (or does not have it closed yet) a few times, the candle stays
    // as the stream left it, provisional, and is asked for again at the series' next successful
    // REST call (recheckUnconfirmed) — never saved as final from the stream's last push.
    awaitable<void> reconcile(Scope sc, std::shared_ptr<Series> sp, Candle last, std::int64_t newerOpen) {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        if (sc->cancelled()) co_return;
        {
            std::lock_guard lock(statsMutex);
            ++statsValue.reconciles;
        }
        Series& s = *sp;
        net::Backoff backoff(config.backoffBase, config.backoffMax);
        std::vector<Candle> rows;
        for (int attempt = 0; attempt < 3 && !sc->cancelled(); ++attempt) {
            if (attempt > 0 && (!co_await sc->sleep(backoff.next()) || sc->cancelled())) co_return;
            const exchange::HistoryQuery q{s.key.symbol, s.key.interval, last.openTime, newerOpen - 1, 2};
            const exchange::RestRequest request = adapter->historyRequest(q);
            auto r = co_await restGet(request, *sc);
            if (sc->cancelled()) co_return;
            auto parsed = r ? parseRows(q, *r)
                            : Result<std::vector<Candle>>(r.error());
            if (!parsed) continue;
            // The venue's row of a candle the venue's stream has already moved past is its final
            // version (its close time has passed on the venue's clock; ours may lag it).
            for (Candle& c : *parsed)
                if (c.openTime >= last.openTime && c.openTime < newerOpen) rows.push_back(c);
            if (!rows.empty() && rows.front().openTime == last.openTime) break;
            rows.clear();  // REST does not have it yet: ask again
        }
        if (rows.empty()) {
            {
                std::lock_guard lock(statsMutex);
                ++statsValue.unconfirmed;
            }
            park(s, last);
            // No later REST call may come for a long time (the stream goes on without a break):
            // ask again after a back-off of its own, so the candle does not stay provisional, and
            // out of the cache, until the next reconnect.
            if (!s.recheckScheduled) {
                s.recheckScheduled = true;
                spawn(recheckLater(sc, sp));
            }
            co_return;
        }
        for (Candle& c : rows) c.closed = true;
        noteClosedSource(s, rows);
        postHistory(s, std::move(rows), false, false);
        recheckUnconfirmed(s);  // REST answers again: the candles it could not confirm before
    }

    // The timed re-check of the candles parked as unconfirmed (see reconcile).
    // It waits the longest back-off, and past a ban the venue announced.
    awaitable<void> recheckLater(Scope sc, std::shared_ptr<Series> sp) {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        const bool slept = co_await sc->sleep(pastBan(config.backoffMax));
        sp->recheckScheduled = false;
        if (!slept || sc->cancelled() || sp->failed) co_return;
        recheckUnconfirmed(*sp);
    }

    // 3d built from another interval needs the symbol's listing day (our 3d, like Binance's, starts
    // there plus a multiple of 3 days; a venue's own 3-day candles are not anchored so).
    static bool needsListingDay(Interval interval, Interval source) {
        return interval == Interval::D3 && source != Interval::D3;
    }

    // The symbol's listing day: the open time of its first 1d candle on the venue (cached per
    // symbol): exchange::ListingDaySearch's pages (about 13), each through the REST gate.
    awaitable<Result<std::int64_t>> listingDay(Scope sc, const std::string& symbol) {
        if (const auto it = listingDays.find(symbol); it != listingDays.end()) co_return it->second;
        exchange::ListingDaySearch search(*adapter, symbol, venueNow());
        while (const auto q = search.next()) {
            auto rows = co_await olderRows(sc, *q);
            if (!rows) co_return rows.error();
            search.answer(*rows);
        }
        listingDays[symbol] = search.day();
        co_return search.day();
    }

    // One page of older history with a few retries: the venue's rows with open times in the query's
    // range (ascending); an Error when retrying cannot help or keeps failing.
    // `outside`: when given, how many rows of the answer lay outside the query's range.
    awaitable<Result<std::vector<Candle>>> olderRows(Scope sc,
                                                     exchange::HistoryQuery q, std::size_t* outside = nullptr) {
        net::Backoff backoff(config.backoffBase, config.backoffMax);
        for (int failures = 0;; ) {
            const exchange::RestRequest request = adapter->historyRequest(q);
            auto r = co_await restGet(request, *sc);
            if (sc->cancelled()) co_return makeError("cancelled");
            Result<std::vector<Candle>> rows = r ? parseRows(q, *r)
                                                 : Result<std::vector<Candle>>(r.error());
            if (rows) {
                const std::size_t dropped = std::erase_if(*rows, [&](const Candle& c) {  // never trust blindly
                    return (q.endTime && c.openTime > *q.endTime) || (q.startTime && c.openTime < *q.startTime);
                });
                if (outside) *outside = dropped;
                co_return rows;
            }
            const Error& e = rows.error();
            if (adapter->isPermanentError(e) || e.code == 418 || ++failures > 3) co_return e;
            if (!co_await sc->sleep(backoff.next()) || sc->cancelled()) co_return makeError("cancelled");
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
    awaitable<Result<std::optional<std::int64_t>>> probeOlder(Scope sc,
                                                              const SeriesKey& key, Interval source,
                                                              std::int64_t end, int want) {
        const std::int64_t floor = adapter->earliestHistoryMs();
        std::int64_t span = static_cast<std::int64_t>(want) * nominalMs(source);
        for (int probe = 0; probe < kMaxProbes && end >= floor && !sc->cancelled(); ++probe) {
            span *= kProbeGrowth;
            const std::int64_t start = end - floor > span ? end - span : floor;
            exchange::HistoryQuery q{key.symbol, key.interval, start, end, adapter->maxHistoryLimit()};
            q.newestOfRange = true;
            {
                std::lock_guard lock(statsMutex);
                ++statsValue.historyProbes;
            }
            auto rows = co_await olderRows(sc, q);
            if (!rows) co_return rows.error();
            if (!rows->empty()) co_return std::optional<std::int64_t>(rows->back().openTime);
            if (start == floor) break;
        }
        co_return std::optional<std::int64_t>();
    }

    // What a history job (scroll-back, a hole) needs before its first page: the venue's clock once
    // (it decides whether a row is still forming; a transient failure is not fatal), the interval
    // that builds the asked one, and for 3d built from days the symbol's listing day.
    // nullopt: cancelled, or failed — then `job`'s FeedError, "<what>: <reason>", was posted.
    struct JobPlan {
        Interval source = Interval::M1;
        std::int64_t anchor3d = 0;  // 3d built from days: the listing day
        bool aggregated = false;    // the venue lacks the interval: built from `source`
        std::int64_t ratio = 1;     // source rows per candle (nominal; months vary)
        int limit = 1;              // the venue's page size
    };
    // The FeedError of a history job: which job (its owner ends only that one), "<what>: <reason>".
    static FeedError jobError(const FeedError& job, const Error& e) {
        FeedError out = job;
        out.error = Error{job.error.message + ": " + e.message, e.code};
        return out;
    }
    awaitable<std::optional<JobPlan>> prepareJob(Scope sc, FeedError job) {
        const SeriesKey& key = job.key;
        const auto fail = [&](const Error& e) {
            sink.post(jobError(job, e));
            return std::optional<JobPlan>();
        };
        if (sc->cancelled()) co_return std::nullopt;
        JobPlan plan;
        if (!rest->clockOffsetMs()) {
            auto c = co_await syncClock(*sc);
            if (sc->cancelled()) co_return std::nullopt;
            if (!c && (adapter->isPermanentError(c.error()) || c.error().code == 418)) co_return fail(c.error());
        }
        const auto source = adapter->nativeSourceInterval(key.interval);
        if (!source) co_return fail(noSourceInterval(key));
        plan.source = *source;
        plan.aggregated = *source != key.interval;
        plan.ratio = plan.aggregated ? std::max<std::int64_t>(1, nominalMs(key.interval) / nominalMs(*source)) : 1;
        plan.limit = std::max(1, adapter->maxHistoryLimit());
        if (needsListingDay(key.interval, *source)) {
            auto day = co_await listingDay(sc, key.symbol);
            if (sc->cancelled()) co_return std::nullopt;
            if (!day) co_return fail(day.error());
            plan.anchor3d = *day;
        }
        co_return plan;
    }

    // Scroll-back history (loadOlder): pages backwards from `before`, newest page first.
    awaitable<void> older(Scope sc, SeriesKey key, std::int64_t before, std::size_t count) {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        const FeedError job{key, makeError("older history of " + key.symbol + " " + std::string(toString(key.interval))),
                            FeedError::Job::Older};
        const auto fail = [&](const Error& e) { sink.post(jobError(job, e)); };
        auto plan = co_await prepareJob(sc, job);
        if (!plan || sc->cancelled()) co_return;
        const auto [source, anchor3d, aggregated, nominalRatio, limit] = *plan;
        if (!aggregated && !adapter->historyHasGaps() && !isCalendar(key.interval) &&
            count > static_cast<std::size_t>(limit) && config.parallelPages > 1) {
            co_await olderPages(sc, job, before, count, limit);
            co_return;
        }
        const auto ratio = static_cast<std::size_t>(nominalRatio);  // source rows per candle, at most
        std::int64_t end = before - 1;
        std::size_t remaining = count;
        std::vector<Candle> pending;  // source rows of the oldest bucket seen: it may go on in the next page
        std::optional<std::int64_t> resumedAt;  // the newest row a probe found (paging goes on from it)
        while (remaining > 0 && !sc->cancelled()) {
            const int want = static_cast<int>(std::min<std::size_t>(remaining * ratio, static_cast<std::size_t>(limit)));
            const exchange::HistoryQuery q{key.symbol, key.interval, std::nullopt, end, want};
            auto rows = co_await olderRows(sc, q);
            if (sc->cancelled()) co_return;
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
                    auto newest = co_await probeOlder(sc, key, source, end, want);
                    if (sc->cancelled()) co_return;
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
                out = detail::aggregateSources(sources, source, key.interval, venueNow(), std::nullopt, anchor3d);
            }
            remaining -= std::min(remaining, out.size());
            HistoryBatch batch{key, std::move(out)};
            batch.older = true;
            batch.startReached = startReached;
            batch.rangeEnd = startReached || remaining == 0;
            sink.post(std::move(batch));
            if (startReached) break;
            end = oldest - 1;
        }
    }

    // Scroll-back of several pages (older) of an interval the venue has, with every bucket (no
    // quiet intervals skipped) and a fixed length: page k asks for the newest rows up to `before`
    // minus k pages, so the pages are known before any answer and up to config.parallelPages are
    // asked at once (issue 21), newest first, through the host's gate. Each is posted as soon as
    // every newer one was (the hub takes them newest first); its rows are cut to its own span (a
    // venue outage makes an answer reach into the next page's). The first page answered with fewer
    // rows than asked holds the listing start: posted with startReached, and the pages after it,
    // which can only be empty, are not asked or not posted. A page that fails (after olderRows'
    // retries) ends the job with the job's FeedError; the pages posted before it stay.
    awaitable<void> olderPages(Scope sc, const FeedError& job, std::int64_t before, std::size_t count, int limit) {
        const std::int64_t step = nominalMs(job.key.interval);
        OlderJob state{job, {}, {}, 0, false, std::nullopt};
        for (std::size_t taken = 0; taken < count;) {
            const int want = static_cast<int>(std::min<std::size_t>(count - taken, static_cast<std::size_t>(limit)));
            const std::int64_t end = before - static_cast<std::int64_t>(taken) * step;  // exclusive
            state.pages.push_back({end - want * step, end});
            taken += static_cast<std::size_t>(want);
        }
        state.answers.resize(state.pages.size());
        const std::function<awaitable<bool>(std::size_t)> page = [this, &sc, &state](std::size_t i) {
            return olderPage(sc, state, i);
        };
        co_await runBounded(state.pages.size(), config.parallelPages, page);
    }

    struct OlderJob {
        FeedError job;
        std::vector<PageSpan> pages;  // newest first; a page asks for to − from buckets up to `to`
        std::vector<std::optional<HistoryBatch>> answers;  // by page, until posted
        std::size_t posted = 0;
        bool done = false;  // failed, or the listing start posted: nothing more goes out
        std::optional<std::size_t> startPage;  // the newest page that reached the listing start
    };

    // One page of olderPages; false stops the start of further pages.
    awaitable<bool> olderPage(const Scope& sc, OlderJob& state, std::size_t i) {
        if (state.done || sc->cancelled() || (state.startPage && i > *state.startPage)) co_return false;
        const SeriesKey& key = state.job.key;
        const PageSpan span = state.pages[i];
        const int want = static_cast<int>((span.to - span.from) / nominalMs(key.interval));
        const exchange::HistoryQuery q{key.symbol, key.interval, std::nullopt, span.to - 1, want};
        auto rows = co_await olderRows(sc, q);
        if (state.done || sc->cancelled()) co_return false;
        if (!rows) {
            state.done = true;
            sink.post(jobError(state.job, rows.error()));
            co_return false;
        }
        const bool startReached = rows->size() < static_cast<std::size_t>(want);
        std::erase_if(*rows, [&](const Candle& c) { return c.openTime < span.from; });  // the next page's
        HistoryBatch batch{key, std::move(*rows)};
        batch.older = true;
        batch.startReached = startReached;
        if (startReached && (!state.startPage || i < *state.startPage)) state.startPage = i;
        state.answers[i] = std::move(batch);
        const std::size_t last = state.startPage.value_or(state.pages.size() - 1);
        for (; !state.done && state.posted <= last && state.answers[state.posted]; ++state.posted) {
            HistoryBatch out = std::move(*state.answers[state.posted]);
            out.rangeEnd = state.posted == last;
            state.done = out.rangeEnd;
            sink.post(std::move(out));
        }
        co_return !startReached;
    }

    // A hole in the caller's cache (loadRange): forward windows over [from, to), each at most one
    // venue page of whole buckets, so that every answer tells exactly which span it covers (also on
    // a venue that skips intervals without trades, where fewer rows than asked is no end). Up to
    // config.parallelPages windows are asked at once, the newest first (the part nearest what the
    // chart shows arrives first); every request waits on the host's gate as any other. The window
    // that ends last carries rangeEnd; a failure ends the job (its other windows are dropped by the
    // owner with it).
    awaitable<void> range(Scope sc, SeriesKey key, std::int64_t from, std::int64_t to) {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        const FeedError job{
            key, makeError("history of " + key.symbol + " " + std::string(toString(key.interval)) + " from " + formatUtc(from)),
            FeedError::Job::Range, from, to};
        auto plan = co_await prepareJob(sc, job);
        if (!plan || sc->cancelled()) co_return;
        // A window holds at most one page of source rows (a calendar month: up to ratio + 1 days).
        const std::int64_t ratio = plan->aggregated ? plan->ratio + 1 : 1;
        const int buckets = static_cast<int>(std::max<std::int64_t>(1, plan->limit / ratio));
        // Nothing opens after the venue's now: a window starting later could only be empty, which
        // would read as a gap of the venue.
        // (As one at a time: a window's end is counted from its start in nominal buckets, except
        // for calendar intervals; 3d buckets are anchored at the listing, not at the epoch.)
        std::vector<PageSpan> windows;
        for (std::int64_t start = from; start < to;) {
            const std::int64_t end = std::min(to, isCalendar(key.interval) ? bucketsEnd(key.interval, start, buckets)
                                                                           : start + buckets * nominalMs(key.interval));
            windows.push_back({start, end});
            start = end;
        }
        std::reverse(windows.begin(), windows.end());  // newest first
        std::erase_if(windows, [&](const PageSpan& w) { return w.from > venueNow(); });
        RangeJob state{key, job, *plan, windows.size(), false, std::nullopt};
        const std::function<awaitable<bool>(std::size_t)> page = [this, &sc, &state, &windows](std::size_t i) {
            return rangeWindow(sc, state, windows[i]);
        };
        co_await runBounded(windows.size(), std::max<std::size_t>(1, config.parallelPages), page);
    }

    struct RangeJob {
        SeriesKey key;
        FeedError job;
        JobPlan plan;
        std::size_t left;     // windows not posted yet
        bool failed = false;
        std::optional<std::int64_t> formingAt;  // a forming candle's bucket: nothing after it exists yet
    };

    // One window of a hole: posted as a filled HistoryBatch; false ends the job.
    awaitable<bool> rangeWindow(const Scope& sc, RangeJob& state, PageSpan window) {
        if (state.failed || sc->cancelled()) co_return false;
        const auto& [source, anchor3d, aggregated, nominalRatio, limit] = state.plan;
        const SeriesKey& key = state.key;
        const std::int64_t start = window.from;
        const std::int64_t end = window.to;
        const exchange::HistoryQuery q{key.symbol, key.interval, start, end - 1, limit};
        std::size_t outside = 0;
        auto rows = co_await olderRows(sc, q, &outside);
        if (sc->cancelled() || state.failed) co_return false;
        const auto fail = [&](const Error& e) {
            state.failed = true;
            sink.post(jobError(state.job, e));
        };
        if (!rows) {
            fail(rows.error());
            co_return false;
        }
        if (rows->empty() && outside > 0) {
            // Rows, but none where asked: no word about this span (not a gap of the venue).
            fail(makeError("the venue answered with " + std::to_string(outside) + " rows outside " + formatUtc(start) +
                           " .. " + formatUtc(end - 1)));
            co_return false;
        }
        // Nothing opens after the forming candle: the span ends at its bucket.
        std::int64_t pageEnd = end;
        if (const auto forming = std::find_if(rows->begin(), rows->end(), [](const Candle& c) { return !c.closed; });
            forming != rows->end()) {
            pageEnd = aggregated ? bucketStart(key.interval, forming->openTime, anchor3d) : forming->openTime;
            std::erase_if(*rows, [&](const Candle& c) { return c.openTime >= pageEnd; });
            state.formingAt = std::min(state.formingAt.value_or(pageEnd), pageEnd);
        }
        // A window after a forming candle (the venue's clock ran behind ours) answers for nothing.
        if (state.formingAt && start > *state.formingAt) pageEnd = start;
        HistoryBatch batch{key, aggregated ? detail::aggregateSources(*rows, source, key.interval, venueNow(),
                                                                      std::nullopt, anchor3d)
                                           : std::move(*rows)};
        if (pageEnd <= start) batch.candles.clear();
        batch.filled = true;
        batch.fromOpenTime = start;
        batch.toOpenTime = std::max(start, pageEnd);
        batch.rangeEnd = --state.left == 0;
        sink.post(std::move(batch));
        co_return true;
    }

    awaitable<void> fetchSymbols() {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        if (stopping) co_return;
        SeriesKey none{adapter->name(), "", Interval::M1};
        if (auto ready = rest->ready(); !ready) {
            sink.post(FeedError{none, ready.error()});
            co_return;
        }
        net::Backoff backoff(config.backoffBase, config.backoffMax);
        const Scope sc = metaScope;  // open() does not end it
        std::string lastError;
        for (int attempt = 0; attempt < 6 && !stopping; ++attempt) {
            const exchange::RestRequest request = adapter->exchangeInfoRequest();
            auto r = co_await restGet(request, *sc);
            if (stopping) co_return;
            if (r) {
                auto symbols = adapter->parseExchangeInfo(r->body, r->status);
                if (symbols) {
                    sink.post(SymbolList{adapter->name(), std::move(*symbols)});
                    co_return;
                }
                if (isFinal(symbols.error())) {
                    sink.post(FeedError{none, symbols.error()});
                    co_return;
                }
                lastError = symbols.error().message;
            } else {
                if (isFinal(r.error())) {
                    sink.post(FeedError{none, r.error()});
                    co_return;
                }
                lastError = r.error().message;
            }
            if (!r && r.error().code == 418) --attempt;  // the ban is waited out, not counted
            co_await sc->sleep(retryDelay(backoff));
        }
        if (stopping) co_return;
        sink.post(FeedError{none, makeError("could not load the symbol list from " + adapter->endpoints().restBase +
                                            (lastError.empty() ? std::string() : ": " + lastError))});
    }
};

MarketFeed::MarketFeed(net::IoThread& io, std::shared_ptr<const exchange::ExchangeAdapter> adapter,
                       FeedConfig config, FeedSink& sink)
    : m_impl(std::make_shared<Impl>(io, std::move(adapter), std::move(config), sink)) {}

MarketFeed::~MarketFeed() { stop(); }

void MarketFeed::open(SeriesKey key, std::optional<std::int64_t> resumeFromOpenTime) {
    auto impl = m_impl;
    asio::post(impl->io.context(), [impl, key = std::move(key), resumeFromOpenTime]() mutable {
        if (!impl->stopping) impl->openSeries(std::move(key), resumeFromOpenTime);
    });
}

void MarketFeed::loadOlder(SeriesKey key, std::int64_t beforeOpenTime, std::size_t count) {
    auto impl = m_impl;
    asio::post(impl->io.context(), [impl, key = std::move(key), beforeOpenTime, count]() mutable {
        if (impl->stopping) return;
        if (impl->config.offline) {
            impl->sink.post(FeedError{std::move(key), makeError("a replay asks the venue for no older candles")});
            return;
        }
        impl->spawn(impl->older(impl->scope, std::move(key), beforeOpenTime, count));
    });
}

void MarketFeed::loadRange(SeriesKey key, std::int64_t fromOpenTime, std::int64_t toOpenTime) {
    auto impl = m_impl;
    asio::post(impl->io.context(), [impl, key = std::move(key), fromOpenTime, toOpenTime]() mutable {
        if (impl->stopping || fromOpenTime >= toOpenTime) return;
        if (impl->config.offline) {
            impl->sink.post(FeedError{std::move(key), makeError("a replay asks the venue for no candles")});
            return;
        }
        impl->spawn(impl->range(impl->scope, std::move(key), fromOpenTime, toOpenTime));
    });
}

void MarketFeed::requestSymbols() {
    auto impl = m_impl;
    asio::post(impl->io.context(), [impl] {
        if (!impl->stopping && !impl->config.offline) impl->spawn(impl->fetchSymbols());
    });
}

void MarketFeed::dropConnection() { m_impl->streams->dropConnection(); }

void MarketFeed::stop() {
    auto impl = m_impl;
    asio::post(impl->io.context(), [impl] {
        if (impl->stopping) return;
        impl->closeCurrent();
        impl->stopping = true;
        impl->metaScope->cancel();
        impl->coroutines.markStopped();
    });
    // Wait (bounded) until the network thread has cancelled everything and every coroutine has
    // ended; after that nothing posts to the sink any more.
    impl->coroutines.waitStopped(std::chrono::seconds(5));
    if (!impl->config.streamSession) impl->streams->stop();  // the feed's own connection engine
}

FeedStats MarketFeed::stats() const {
    FeedStats out;
    {
        std::lock_guard lock(m_impl->statsMutex);
        out = m_impl->statsValue;
    }
    // The connection's figures are the session's (shared: of every stream it carries).
    const StreamSessionStats ss = m_impl->streams->stats();
    out.framesReceived = ss.framesReceived;
    out.framesRejected = ss.framesRejected;
    out.reconnects = ss.reconnects + out.historyRetries;
    out.rotations = ss.rotations;
    out.budgetWaits = ss.budgetWaits;
    out.heartbeatsSent = ss.heartbeatsSent;
    out.lastMessageAtMs = ss.lastMessageAtMs;
    out.internalErrors += ss.internalErrors;
    return out;
}

}  // namespace cpc::session
