#include "cpc/session/perp_feed.hpp"

#include <algorithm>
#include <atomic>
#include <future>
#include <mutex>
#include <set>

#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "coroutine_tracker.hpp"
#include "cpc/core/ascii.hpp"
#include "cpc/exchange/price_klines.hpp"
#include "cpc/session/market_session.hpp"
#include "cpc/session/stream_session.hpp"
#include "cpc/session/venue_rest.hpp"

namespace cpc::session {

namespace asio = boost::asio;
using asio::awaitable;
using exchange::StreamKind;
using exchange::StreamSpec;

namespace {

// The feed's user of the connection engine: hands this symbol's events to the sink until closed.
class Forwarder final : public feed::FeedSink {
public:
    Forwarder(std::shared_ptr<feed::FeedSink> sink, std::string symbol) : m_sink(std::move(sink)), m_symbol(std::move(symbol)) {}

    void post(feed::FeedEvent event) override {
        // OKX's liquidation channel carries every swap: only this symbol's are the feed's.
        if (const auto* l = std::get_if<exchange::Liquidation>(&event); l && !equalsIgnoreCaseAscii(l->symbol, m_symbol))
            return;
        std::lock_guard lock(m_mutex);
        if (m_open) m_sink->post(std::move(event));
    }
    void onLink(const feed::StreamLink& link) override {
        std::lock_guard lock(m_mutex);
        if (m_open) m_sink->onLink(link);
    }
    // Runs `deliver` unless closed (under the lock, so not after stop() returned).
    template <class F>
    void deliver(F&& deliver) {
        std::lock_guard lock(m_mutex);
        if (m_open) deliver();
    }
    void close() {
        std::lock_guard lock(m_mutex);
        m_open = false;
    }

private:
    std::shared_ptr<feed::FeedSink> m_sink;
    std::string m_symbol;
    std::mutex m_mutex;
    bool m_open = true;  // guarded by m_mutex
};

}  // namespace

struct PerpFeed::Impl : std::enable_shared_from_this<Impl> {
    Impl(MarketSession& m, std::shared_ptr<const exchange::ExchangeAdapter> a, std::shared_ptr<feed::FeedSink> s,
         PerpFeedOptions o)
        : market(m), adapter(std::move(a)), sink(std::move(s)), options(std::move(o)),
          listener(std::make_shared<Forwarder>(sink, options.symbol)),
          scope(std::make_shared<CancelScope>(market.io().context())) {}

    MarketSession& market;
    std::shared_ptr<const exchange::ExchangeAdapter> adapter;
    std::shared_ptr<feed::FeedSink> sink;
    PerpFeedOptions options;
    std::shared_ptr<Forwarder> listener;
    std::shared_ptr<CancelScope> scope;  // network thread
    std::shared_ptr<StreamSession> streams;
    std::shared_ptr<VenueRest> rest;
    std::vector<StreamSpec> specs;  // subscribed (one per venue stream)
    detail::CoroutineTracker coroutines;
    std::atomic<bool> started{false};
    std::atomic<bool> stopped{false};

    SeriesKey key() const {
        return SeriesKey{adapter->name(), options.symbol, options.openInterestPeriod, adapter->market()};
    }
    void postError(const std::string& message) { listener->post(feed::FeedError{key(), makeError(message)}); }

    void spawn(awaitable<void> coroutine) {
        detail::spawnSupervised(market.io().context(), std::move(coroutine), [self = shared_from_this()](const std::string& what) {
            self->postError("perpetual feed: internal error: " + what);
        });
    }

    awaitable<Result<net::HttpResponse>> get(const exchange::RestRequest& request) {
        co_return co_await rest->send(request, *scope, RestOptions{.onBan = RestOnBan::WaitOut});
    }

    // The mark price and the funding countdown at once, before the first push.
    awaitable<void> premiumIndex() {
        auto self = shared_from_this();
        detail::CoroutineTracker::Guard guard(coroutines);
        const auto request = adapter->premiumIndexRequest(options.symbol);
        if (!request) co_return;
        auto answer = co_await get(*request);
        if (scope->cancelled()) co_return;
        if (!answer) co_return postError("mark price and funding of " + options.symbol + ": " + answer.error().message);
        auto events = adapter->parsePremiumIndex(answer->body, answer->status, options.symbol);
        if (!events) co_return postError("mark price and funding of " + options.symbol + ": " + events.error().message);
        for (auto& e : *events) {
            if (auto* m = std::get_if<exchange::MarkPriceUpdate>(&e); m && options.markPrice) listener->post(std::move(*m));
            else if (auto* f = std::get_if<exchange::FundingUpdate>(&e); f && options.funding) listener->post(std::move(*f));
        }
    }

    // Open interest of a venue without a stream for it, every openInterestPollInterval().
    awaitable<void> pollOpenInterest() {
        auto self = shared_from_this();
        detail::CoroutineTracker::Guard guard(coroutines);
        const auto request = adapter->openInterestRequest(options.symbol);
        const auto every = adapter->openInterestPollInterval();
        if (!request || every.count() <= 0) co_return;
        std::string lastError;
        while (!scope->cancelled()) {
            auto answer = co_await get(*request);
            if (scope->cancelled()) co_return;
            auto update = answer ? adapter->parseOpenInterest(answer->body, answer->status, options.symbol)
                                 : Result<exchange::OpenInterestUpdate>(answer.error());
            if (update) {
                lastError.clear();
                listener->post(std::move(*update));
            } else if (update.error().message != lastError) {  // said once, then retried quietly
                lastError = update.error().message;
                postError("open interest of " + options.symbol + ": " + lastError);
            }
            if (!co_await scope->sleep(every)) co_return;
        }
    }

    awaitable<void> fundingHistory() {
        auto self = shared_from_this();
        detail::CoroutineTracker::Guard guard(coroutines);
        std::vector<exchange::FundingRatePoint> all;
        std::optional<std::int64_t> end = rest->venueNowMs();
        for (int page = 0; page < options.historyPages; ++page) {
            const auto request = adapter->fundingHistoryRequest(
                exchange::DerivativesQuery{options.symbol, options.openInterestPeriod, std::nullopt, end,
                                           adapter->maxDerivativesLimit()});
            if (!request) break;
            auto answer = co_await get(*request);
            if (scope->cancelled()) co_return;
            auto rows = answer ? adapter->parseFundingHistory(answer->body, answer->status)
                               : Result<std::vector<exchange::FundingRatePoint>>(answer.error());
            if (!rows) co_return postError("funding history of " + options.symbol + ": " + rows.error().message);
            if (!all.empty())
                std::erase_if(*rows, [&](const auto& p) { return p.fundingTimeMs >= all.front().fundingTimeMs; });
            if (rows->empty()) break;
            all.insert(all.begin(), rows->begin(), rows->end());
            end = all.front().fundingTimeMs - 1;
        }
        listener->post(feed::FundingHistory{adapter->name(), options.symbol, std::move(all)});
    }

    awaitable<void> openInterestHistory() {
        auto self = shared_from_this();
        detail::CoroutineTracker::Guard guard(coroutines);
        std::vector<exchange::OpenInterestPoint> all;
        std::optional<std::int64_t> end = rest->venueNowMs();
        bool reachedStart = false;
        for (int page = 0; page < options.historyPages; ++page) {
            const auto request = adapter->openInterestHistoryRequest(
                exchange::DerivativesQuery{options.symbol, options.openInterestPeriod, std::nullopt, end,
                                           adapter->maxDerivativesLimit()});
            if (!request) break;
            auto answer = co_await get(*request);
            if (scope->cancelled()) co_return;
            auto rows = answer ? adapter->parseOpenInterestHistory(answer->body, answer->status)
                               : Result<std::vector<exchange::OpenInterestPoint>>(answer.error());
            if (!rows) co_return postError("open-interest history of " + options.symbol + ": " + rows.error().message);
            if (!all.empty()) std::erase_if(*rows, [&](const auto& p) { return p.timeMs >= all.front().timeMs; });
            if (rows->empty()) {
                reachedStart = true;
                break;
            }
            all.insert(all.begin(), rows->begin(), rows->end());
            end = all.front().timeMs - 1;
        }
        listener->post(feed::OpenInterestHistory{adapter->name(), options.symbol, options.openInterestPeriod,
                                                 std::move(all), reachedStart});
    }

    struct PriceRows {
        std::vector<Candle> rows;
        std::int64_t reachedMs = 0;  // PriceHistory::reachedMs of this series
    };

    // The mark- or index-price candles opening in [fromMs, beforeMs) (beforeMs 0: up to now),
    // newest page first (a page cap then leaves out the oldest bars, never the ones the live pushes
    // or the bars already shown continue), closed bars only.
    awaitable<PriceRows> priceKlines(exchange::PriceSeries series, Interval interval, std::int64_t fromMs,
                                     std::int64_t beforeMs, int pages) {
        const char* what = series == exchange::PriceSeries::Mark ? "mark price history of " : "index price history of ";
        PriceRows out;
        std::vector<Candle>& all = out.rows;
        std::optional<std::int64_t> end = beforeMs > 0 ? std::optional<std::int64_t>(beforeMs - 1) : rest->venueNowMs();
        bool reached = false;
        for (int page = 0; page < pages; ++page) {
            exchange::HistoryQuery q;
            q.symbol = options.symbol;
            q.interval = interval;
            q.endTime = end;
            q.limit = exchange::priceKlinesPageLimit(*adapter);
            const auto request = exchange::priceKlinesRequest(*adapter, series, q);
            if (!request) break;
            auto answer = co_await get(*request);
            if (scope->cancelled()) co_return out;
            auto rows = answer ? exchange::parsePriceKlines(*adapter, series, q, answer->body, answer->status, rest->venueNowMs())
                               : Result<std::vector<Candle>>(answer.error());
            if (!rows) {
                postError(what + options.symbol + ": " + rows.error().message);
                break;
            }
            if (beforeMs > 0) std::erase_if(*rows, [&](const Candle& c) { return c.openTime >= beforeMs; });
            if (!all.empty()) std::erase_if(*rows, [&](const Candle& c) { return c.openTime >= all.front().openTime; });
            if (rows->empty()) {
                reached = true;  // nothing older at the venue
                break;
            }
            all.insert(all.begin(), rows->begin(), rows->end());
            if (all.front().openTime <= fromMs) {
                reached = true;
                break;
            }
            end = all.front().openTime - 1;
        }
        if (reached) out.reachedMs = all.empty() ? fromMs : std::min(fromMs, all.front().openTime);  // a page may overshoot
        else if (!all.empty()) out.reachedMs = all.front().openTime;  // a page cap or a failed page
        else out.reachedMs = beforeMs > 0 ? beforeMs : fromMs;        // nothing answered
        // Bars before fromMs a page brought are kept (the chart may scroll there next); the
        // forming bar's close is not its last price: the live pushes give that bar.
        std::erase_if(all, [](const Candle& c) { return !c.closed; });
        co_return out;
    }

    awaitable<void> priceHistory(std::int64_t fromMs, std::int64_t beforeMs, int pages) {
        auto self = shared_from_this();
        detail::CoroutineTracker::Guard guard(coroutines);
        const Interval interval = adapter->nativeSourceInterval(*options.priceInterval).value_or(*options.priceInterval);
        PriceHistory history{adapter->name(), options.symbol, interval, {}, {}, fromMs, beforeMs, fromMs};
        PriceRows mark = co_await priceKlines(exchange::PriceSeries::Mark, interval, fromMs, beforeMs, pages);
        if (scope->cancelled()) co_return;
        PriceRows index = co_await priceKlines(exchange::PriceSeries::Index, interval, fromMs, beforeMs, pages);
        if (scope->cancelled()) co_return;
        history.mark = std::move(mark.rows);
        history.index = std::move(index.rows);
        history.reachedMs = std::max(mark.reachedMs, index.reachedMs);
        listener->deliver([&] { options.onPriceHistory(std::move(history)); });
    }

    // After the streams are subscribed: the venue clock, then what REST adds.
    awaitable<void> run() {
        auto self = shared_from_this();
        detail::CoroutineTracker::Guard guard(coroutines);
        if (auto offset = co_await rest->syncClock(*scope); !offset && !scope->cancelled())
            postError("venue clock: " + offset.error().message + " (the local clock is used)");
        if (scope->cancelled()) co_return;
        if (options.markPrice || options.funding) spawn(premiumIndex());
        if (options.openInterest && !adapter->hasStream(StreamSpec{options.symbol, Interval::M1, StreamKind::OpenInterest}))
            spawn(pollOpenInterest());
        if (options.markPrice && options.priceInterval && options.onPriceHistory)
            spawn(priceHistory(options.priceFromMs, 0, options.priceHistoryPages));
        if (options.history) {
            if (options.funding) spawn(fundingHistory());
            if (options.openInterest) spawn(openInterestHistory());
        }
    }
};

PerpFeed::PerpFeed(MarketSession& market, std::shared_ptr<const exchange::ExchangeAdapter> adapter,
                   std::shared_ptr<feed::FeedSink> sink, PerpFeedOptions options)
    : m_impl(std::make_shared<Impl>(market, std::move(adapter), std::move(sink), std::move(options))) {}

PerpFeed::~PerpFeed() { stop(); }

Result<Ok> PerpFeed::start() {
    Impl& f = *m_impl;
    if (f.adapter->market() != MarketType::Perp)
        return makeError(f.adapter->name() + " " + std::string(toString(f.adapter->market())) +
                         " has no mark price, funding or open interest: open its perpetual market");
    if (const auto bad = f.adapter->checkSymbol(f.options.symbol)) return *bad;
    const auto periods = f.adapter->openInterestPeriods();
    if (f.options.openInterest && f.options.history &&
        std::find(periods.begin(), periods.end(), f.options.openInterestPeriod) == periods.end()) {
        std::string accepted;
        for (const Interval i : periods) accepted += (accepted.empty() ? "" : ", ") + std::string(toString(i));
        return makeError(f.adapter->name() + " keeps open interest at " + accepted + ", not " +
                         std::string(toString(f.options.openInterestPeriod)));
    }
    if (f.started.exchange(true)) return makeError("the perpetual feed of " + f.options.symbol + " is started already");
    f.options.symbol = toUpperAscii(f.options.symbol);
    f.streams = f.market.streams(f.adapter);
    f.rest = f.market.rest(f.adapter);
    // One spec per venue stream: Binance's mark price stream is the funding one too, Bybit's ticker
    // all three (a listener subscribed twice to one stream would hear each event twice).
    std::set<std::string> names;
    const auto want = [&](StreamKind kind) {
        const StreamSpec spec{f.options.symbol, Interval::M1, kind};
        if (f.adapter->hasStream(spec) && names.insert(f.adapter->streamName(spec)).second) f.specs.push_back(spec);
    };
    if (f.options.markPrice) want(StreamKind::MarkPrice);
    if (f.options.funding) want(StreamKind::Funding);
    if (f.options.openInterest) want(StreamKind::OpenInterest);
    if (f.options.liquidations) want(StreamKind::Liquidation);
    if (!f.specs.empty()) f.streams->subscribe(f.specs, f.listener);
    asio::post(f.market.io().context(), [impl = m_impl] {
        if (!impl->stopped) impl->spawn(impl->run());
    });
    return Ok{};
}

void PerpFeed::requestPriceHistory(std::int64_t fromMs, std::int64_t beforeMs, int pages) {
    Impl& f = *m_impl;
    if (!f.started || f.stopped || !f.options.markPrice || !f.options.priceInterval || !f.options.onPriceHistory) return;
    if (beforeMs <= fromMs || pages <= 0) return;
    // After run(): the venue clock is synced by then or being synced; the pages do not need it.
    asio::post(f.market.io().context(), [impl = m_impl, fromMs, beforeMs, pages] {
        if (!impl->stopped) impl->spawn(impl->priceHistory(fromMs, beforeMs, pages));
    });
}

void PerpFeed::stop() {
    Impl& f = *m_impl;
    if (f.stopped.exchange(true)) return;
    if (f.streams && !f.specs.empty()) f.streams->unsubscribe(f.specs, f.listener);
    f.listener->close();
    asio::post(f.market.io().context(), [impl = m_impl] {
        impl->scope->cancel();
        impl->coroutines.markStopped();
    });
    f.coroutines.waitStopped(std::chrono::seconds(5));
}

}  // namespace cpc::session
