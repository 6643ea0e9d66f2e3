#include "cpc/session/agg_trade_history.hpp"

#include <atomic>
#include <mutex>
#include <optional>

#include <boost/asio/post.hpp>

#include "coroutine_tracker.hpp"
#include "cpc/core/time.hpp"
#include "cpc/exchange/agg_trades.hpp"
#include "cpc/session/market_session.hpp"
#include "cpc/session/venue_rest.hpp"

namespace cpc::session {

namespace asio = boost::asio;
using asio::awaitable;

struct AggTradeHistory::Impl : std::enable_shared_from_this<Impl> {
    Impl(MarketSession& m, std::shared_ptr<const exchange::ExchangeAdapter> a, AggTradeHistoryOptions o, Listener l)
        : market(m), adapter(std::move(a)), options(std::move(o)), listener(std::move(l)),
          scope(std::make_shared<CancelScope>(market.io().context())) {}

    MarketSession& market;
    std::shared_ptr<const exchange::ExchangeAdapter> adapter;
    AggTradeHistoryOptions options;
    Listener listener;
    std::shared_ptr<CancelScope> scope;
    std::shared_ptr<VenueRest> rest;
    std::optional<storage::AggTradeCache> cache;
    detail::CoroutineTracker coroutines;
    std::mutex mutex;
    bool open = true;  // guarded by mutex: the listener may be called
    std::atomic<bool> started{false};
    std::atomic<bool> stopped{false};
    int requests = 0;
    int done = 0;

    void emit(AggTradeHistoryEvent e) {
        e.rangesDone = done;
        e.rangesTotal = static_cast<int>(options.ranges.size());
        e.requests = requests;
        std::lock_guard lock(mutex);
        if (open) listener(std::move(e));
    }
    void finish(std::string error) {
        AggTradeHistoryEvent e;
        e.kind = AggTradeHistoryEvent::Kind::Finished;
        e.complete = error.empty();
        e.error = std::move(error);
        emit(std::move(e));
    }

    // One page; an Error names the request.
    awaitable<Result<std::vector<exchange::TradeTick>>> page(const exchange::AggTradeQuery& query) {
        const auto request = exchange::aggTradesRequest(*adapter, query);
        if (!request) co_return makeError(exchange::aggTradesUnavailable(*adapter));
        if (requests >= options.maxRequests)
            co_return makeError("the history stops at " + std::to_string(options.maxRequests) +
                                " requests (the venue's request budget is shared with the charts)");
        ++requests;
        auto answer = co_await rest->send(*request, *scope, RestOptions{});
        if (scope->cancelled()) co_return makeError("cancelled");
        auto rows = answer ? exchange::parseAggTrades(*adapter, answer->body, answer->status, options.symbol)
                           : Result<std::vector<exchange::TradeTick>>(answer.error());
        emit(AggTradeHistoryEvent{});  // Progress
        co_return rows;
    }

    // Every trade of [range.fromMs, range.toMs) from a venue that pages backwards (OKX): the page
    // before the range's end, then by id before the oldest one held, until a page reaches before
    // the range or comes back short (nothing older: the venue's 3 months, or the listing).
    awaitable<Result<std::vector<exchange::TradeTick>>> fetchBackward(storage::TimeRange range) {
        std::vector<exchange::TradeTick> newestFirst;
        const int limit = exchange::aggTradesPageLimit(*adapter);
        exchange::AggTradeQuery q{options.symbol};
        q.limit = limit;
        q.beforeTime = range.toMs;
        for (;;) {
            auto rows = co_await page(q);
            if (!rows) co_return rows.error();
            bool reachedStart = false;
            for (auto it = rows->rbegin(); it != rows->rend(); ++it) {  // newest first
                if (it->timeMs >= range.toMs) continue;
                if (it->timeMs < range.fromMs) {
                    reachedStart = true;
                    break;
                }
                if (!newestFirst.empty() && it->tradeId >= newestFirst.back().tradeId) continue;
                newestFirst.push_back(std::move(*it));
            }
            if (reachedStart || static_cast<int>(rows->size()) < limit || rows->empty()) break;
            q.beforeTime.reset();
            q.beforeId = rows->front().tradeId;  // the oldest of the page (rows are ascending)
        }
        co_return std::vector<exchange::TradeTick>(newestFirst.rbegin(), newestFirst.rend());
    }

    // Every aggregate trade of [range.fromMs, range.toMs): windows of the venue's widest span, each
    // continued by id while its pages come back full.
    awaitable<Result<std::vector<exchange::TradeTick>>> fetch(storage::TimeRange range) {
        if (exchange::aggTradesPaging(*adapter) == exchange::AggTradePaging::Backward) co_return co_await fetchBackward(range);
        std::vector<exchange::TradeTick> out;
        const int limit = exchange::kMaxAggTradesLimit;
        for (std::int64_t t = range.fromMs; t < range.toMs;) {
            const std::int64_t end = std::min(t + exchange::kMaxAggTradesWindowMs, range.toMs - 1);
            exchange::AggTradeQuery q{options.symbol, std::nullopt, t, end, limit};
            auto rows = co_await page(q);
            if (!rows) co_return rows.error();
            for (;;) {
                const bool full = static_cast<int>(rows->size()) >= limit;
                bool past = false;
                for (auto& r : *rows) {
                    if (r.timeMs > end) {
                        past = true;
                        break;
                    }
                    if (r.timeMs < t) continue;
                    if (!out.empty() && r.tradeId <= out.back().tradeId) continue;
                    out.push_back(std::move(r));
                }
                if (!full || past || rows->empty()) break;
                exchange::AggTradeQuery next{options.symbol, rows->back().tradeId + 1, std::nullopt, std::nullopt, limit};
                rows = co_await page(next);
                if (!rows) co_return rows.error();
            }
            t = end + 1;
        }
        co_return out;
    }

    awaitable<void> run() {
        auto self = shared_from_this();
        detail::CoroutineTracker::Guard guard(coroutines);
        if (!exchange::aggTradesRequest(*adapter, exchange::AggTradeQuery{options.symbol}))
            co_return finish(exchange::aggTradesUnavailable(*adapter));
        std::string cacheError;
        if (!options.cachePath.empty()) {
            std::string notice;
            auto opened = storage::AggTradeCache::open(options.cachePath, &notice);
            if (opened) cache.emplace(std::move(*opened));
            else cacheError = "trade cache: " + opened.error().message + " (fetched again each time)";
            if (!notice.empty() || !cacheError.empty()) {
                AggTradeHistoryEvent e;
                e.notice = notice.empty() ? cacheError : notice;
                emit(std::move(e));
            }
        }
        const storage::AggTradeKey key{adapter->name(), std::string(toString(adapter->market())), options.symbol};
        for (const storage::TimeRange& range : options.ranges) {
            if (scope->cancelled()) co_return;
            AggTradeHistoryEvent e;
            e.kind = AggTradeHistoryEvent::Kind::Range;
            e.range = range;
            if (cache) {
                auto missing = cache->missing(key, range.fromMs, range.toMs);
                if (missing && missing->empty()) {
                    if (auto held = cache->load(key, range.fromMs, range.toMs)) {
                        e.trades = std::move(*held);
                        e.fromCache = true;
                    } else {
                        missing = held.error();
                    }
                }
                if (!missing) {  // a read failure: said, then fetched over REST
                    AggTradeHistoryEvent n;
                    n.notice = "trade cache: " + missing.error().message;
                    emit(std::move(n));
                }
            }
            if (!e.fromCache) {
                auto rows = co_await fetch(range);
                if (scope->cancelled()) co_return;
                if (!rows)
                    co_return finish("aggregate trades of " + options.symbol + " at " + formatUtc(range.fromMs) + ": " +
                                     rows.error().message);
                // Only a range that has passed is complete for good: the venue's now bounds it.
                if (cache && range.toMs <= rest->venueNowMs())
                    if (auto stored = cache->store(key, range, *rows); !stored) {
                        AggTradeHistoryEvent n;
                        n.notice = "trade cache: " + stored.error().message;
                        emit(std::move(n));
                    }
                e.trades = std::move(*rows);
            }
            ++done;
            emit(std::move(e));
        }
        finish({});
    }
};

AggTradeHistory::AggTradeHistory(MarketSession& market, std::shared_ptr<const exchange::ExchangeAdapter> adapter,
                                 AggTradeHistoryOptions options, Listener listener)
    : m_impl(std::make_shared<Impl>(market, std::move(adapter), std::move(options), std::move(listener))) {}

AggTradeHistory::~AggTradeHistory() { stop(); }

void AggTradeHistory::start() {
    if (m_impl->started.exchange(true)) return;
    m_impl->rest = m_impl->market.rest(m_impl->adapter);
    asio::post(m_impl->market.io().context(), [impl = m_impl] {
        if (impl->stopped) return;
        detail::spawnSupervised(impl->market.io().context(), impl->run(), [impl](const std::string& what) {
            impl->finish("footprint history: internal error: " + what);
        });
    });
}

void AggTradeHistory::stop() {
    Impl& f = *m_impl;
    if (f.stopped.exchange(true)) return;
    {
        std::lock_guard lock(f.mutex);
        f.open = false;
    }
    if (!f.started) return;
    asio::post(f.market.io().context(), [impl = m_impl] {
        impl->scope->cancel();
        impl->coroutines.markStopped();
    });
    f.coroutines.waitStopped(std::chrono::seconds(5));
}

}  // namespace cpc::session
