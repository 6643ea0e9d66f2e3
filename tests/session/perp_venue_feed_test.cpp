// session::PerpFeed against the simulator's Bybit linear and OKX swap dialects (SimConfig::market =
// Perp), as perp_feed_test.cpp does for Binance USD-M: the mark price and the funding countdown,
// open-interest history joined to the live stream without a gap, liquidation events, and the
// streams after the venue drops the connection — each value checked against the simulator's own
// perpetual model (src/sim/perp_model.hpp) at the same instant; and, for Binance USD-M too, the
// mark and index price history (PerpFeedOptions::onPriceHistory) joined to the live pushes.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "cpc/exchange/price_klines.hpp"
#include "cpc/exchange/registry.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/session/market_session.hpp"
#include "cpc/session/perp_feed.hpp"
#include "cpc/session/venue_paths.hpp"
#include "cpc/sim/sim_server.hpp"
#include "cpc/sim/ticker_model.hpp"
#include "perp_model.hpp"  // src/sim (private): the model the simulator serves

using namespace cpc;
using namespace std::chrono_literals;

namespace {

constexpr std::uint64_t kSeed = 42;
// 2024-03-01 07:59:00 UTC: a minute before a funding time.
constexpr std::int64_t kStartMs = 1709279940000;

struct PerpVenue {
    std::string name;
    std::string symbol;         // the venue's spelling of BTC/USDT's perpetual
    // Bybit's ticker carries the mark and the index price in one push; OKX's index comes from its
    // own channel (index-tickers), subscribed with the MarkPrice stream.
    bool indexInMarkStream;
};

std::ostream& operator<<(std::ostream& os, const PerpVenue& v) { return os << v.name; }

class Collector final : public feed::FeedSink {
public:
    void post(feed::FeedEvent event) override {
        std::lock_guard lock(m_mutex);
        m_events.push_back(std::move(event));
        m_cv.notify_all();
    }
    template <class T>
    std::vector<T> all() {
        std::lock_guard lock(m_mutex);
        std::vector<T> out;
        for (const auto& e : m_events)
            if (const auto* t = std::get_if<T>(&e)) out.push_back(*t);
        return out;
    }
    template <class Done>
    bool waitFor(Done done, std::chrono::milliseconds timeout = 25s) {
        std::unique_lock lock(m_mutex);
        return m_cv.wait_for(lock, timeout, [&] { return done(m_events); });
    }
    template <class T>
    static std::size_t count(const std::vector<feed::FeedEvent>& events) {
        return static_cast<std::size_t>(
            std::count_if(events.begin(), events.end(), [](const auto& e) { return std::holds_alternative<T>(e); }));
    }
    std::vector<std::string> errors() {
        std::vector<std::string> out;
        for (const auto& e : all<feed::FeedError>()) out.push_back(e.error.message);
        return out;
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::vector<feed::FeedEvent> m_events;
};

// A simulator of the venue's perpetuals whose exchange clock starts at kStartMs and runs `speed`
// times real time, and the venue's perpetual adapter pointed at it.
struct PerpRig {
    PerpRig(const PerpVenue& venue, int speed) {
        const auto wallStart = std::chrono::steady_clock::now();
        sim::SimConfig c;
        c.exchange = venue.name;
        c.market = MarketType::Perp;
        c.seed = kSeed;
        c.clock = [wallStart, speed] {
            const auto elapsed =
                std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - wallStart);
            return kStartMs + elapsed.count() * speed;
        };
        server = std::make_unique<sim::SimServer>(c);
        const auto started = server->start();
        EXPECT_TRUE(started) << (started ? "" : started.error().message);
        auto a = exchange::makeAdapter(
            venue.name,
            exchange::Endpoints{server->restBase(), server->streamBase() + session::venueStreamPath(venue.name, MarketType::Perp)},
            MarketType::Perp);
        EXPECT_TRUE(a);
        adapter = std::shared_ptr<const exchange::ExchangeAdapter>(std::move(*a));
    }
    ~PerpRig() {
        market.stop();
        server->stop();
    }

    sim::MarketModel spot{kSeed};
    sim::PerpModel perp{spot, kSeed};
    std::unique_ptr<sim::SimServer> server;
    std::shared_ptr<const exchange::ExchangeAdapter> adapter;
    net::IoThread io;
    session::MarketSession market{io};
};

// Mark (or index) bars of one history answer: one a minute with no hole and no repeat, each closing
// at the model's price at the bar's last millisecond (what the streams send at that moment).
void expectModelBars(const PerpRig& rig, const std::vector<Candle>& rows, bool mark) {
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const Candle& c = rows[i];
        if (i > 0) {
            ASSERT_EQ(c.openTime - rows[i - 1].openTime, 60'000) << "bar " << i << ": no hole, no repeat";
        }
        const std::int64_t last = c.openTime + 60'000 - 1;
        const auto model = mark ? rig.perp.markPrice("BTCUSDT", last) : rig.perp.indexPrice("BTCUSDT", last);
        ASSERT_TRUE(model);
        ASSERT_EQ(c.close, *model) << (mark ? "mark" : "index") << " bar at " << c.openTime;
    }
}

}  // namespace

class PerpVenueFeed : public ::testing::TestWithParam<PerpVenue> {};

TEST_P(PerpVenueFeed, MarkPriceAndFundingCountdownMatchTheModel) {
    const PerpVenue& venue = GetParam();
    PerpRig rig(venue, 1);
    auto sink = std::make_shared<Collector>();
    session::PerpFeedOptions options{venue.symbol};
    options.openInterest = options.liquidations = options.history = false;
    session::PerpFeed feed(rig.market, rig.adapter, sink, options);
    ASSERT_TRUE(feed.start());
    // The REST answer and the first push, then the mark price when it changes (OKX: at most every
    // second, at least every 10 s; the spot index moves with its trades, about every 5 s).
    const auto withIndex = [](const auto& events) {
        return std::count_if(events.begin(), events.end(), [](const feed::FeedEvent& e) {
            const auto* m = std::get_if<exchange::MarkPriceUpdate>(&e);
            return m && m->indexPrice;
        });
    };
    ASSERT_TRUE(sink->waitFor([&](const auto& events) {
        return Collector::count<exchange::MarkPriceUpdate>(events) >= 2 && Collector::count<exchange::FundingUpdate>(events) >= 2 &&
               withIndex(events) >= 1;
    }, 40s)) << "errors: " << ::testing::PrintToString(sink->errors());
    feed.stop();
    for (const auto& m : sink->all<exchange::MarkPriceUpdate>()) {
        ASSERT_GT(m.eventTimeMs, kStartMs - 1) << "every value carries the venue's time";
        if (m.markPrice) {
            EXPECT_EQ(*m.markPrice, *rig.perp.markPrice("BTCUSDT", m.eventTimeMs)) << "at " << m.eventTimeMs;
        }
        if (m.indexPrice) {
            EXPECT_EQ(*m.indexPrice, *rig.perp.indexPrice("BTCUSDT", m.eventTimeMs));
        }
        if (venue.indexInMarkStream && m.markPrice && m.indexPrice) {
            EXPECT_NE(*m.markPrice, *m.indexPrice) << "a basis";
        }
    }
    const auto funding = sink->all<exchange::FundingUpdate>();
    for (const auto& f : funding) {
        ASSERT_TRUE(f.rate && f.nextFundingTimeMs);
        EXPECT_EQ(*f.nextFundingTimeMs, sim::PerpModel::nextFundingTime(f.eventTimeMs)) << "at " << f.eventTimeMs;
        EXPECT_EQ(*f.rate, rig.perp.fundingRate("BTCUSDT", *f.nextFundingTimeMs));
    }
    EXPECT_EQ(*funding.front().nextFundingTimeMs, kStartMs + 60'000) << "funding at 08:00, a minute after the start";
    EXPECT_TRUE(sink->errors().empty()) << ::testing::PrintToString(sink->errors());
}

TEST_P(PerpVenueFeed, OpenInterestHistoryJoinsTheLiveStreamWithoutAGap) {
    const PerpVenue& venue = GetParam();
    PerpRig rig(venue, 1);
    auto sink = std::make_shared<Collector>();
    session::PerpFeedOptions options{venue.symbol};
    options.markPrice = options.funding = options.liquidations = false;
    options.openInterestPeriod = Interval::M5;
    options.historyPages = 16;
    session::PerpFeed feed(rig.market, rig.adapter, sink, options);
    ASSERT_TRUE(feed.start());
    ASSERT_TRUE(sink->waitFor([](const auto& events) {
        return Collector::count<feed::OpenInterestHistory>(events) >= 1 &&
               Collector::count<exchange::OpenInterestUpdate>(events) >= 2;
    })) << "errors: " << ::testing::PrintToString(sink->errors());
    feed.stop();
    const auto histories = sink->all<feed::OpenInterestHistory>();
    ASSERT_EQ(histories.size(), 1u);
    const auto& history = histories.front();
    if (venue.name == "okx") {
        // OKX keeps the latest 1,440 rows of a period: all of them, then nothing older.
        EXPECT_TRUE(history.reachedStart);
        EXPECT_EQ(history.points.size(), 1440u);
    } else {
        // Bybit serves back to the listing (2017 here): 16 pages of 200, no end reached.
        EXPECT_FALSE(history.reachedStart);
        EXPECT_EQ(history.points.size(), 16u * 200);
    }
    for (std::size_t i = 1; i < history.points.size(); ++i)
        ASSERT_EQ(history.points[i].timeMs - history.points[i - 1].timeMs, 300'000) << "row " << i << ": no hole, no repeat";
    for (const auto& p : {history.points.front(), history.points.back()})
        EXPECT_EQ(p.openInterest, rig.perp.openInterest("BTCUSDT", p.timeMs)) << "in the base asset at " << p.timeMs;
    const auto live = sink->all<exchange::OpenInterestUpdate>();
    const auto firstLive =
        std::min_element(live.begin(), live.end(), [](const auto& a, const auto& b) { return a.timeMs < b.timeMs; });
    EXPECT_GE(firstLive->timeMs, history.points.back().timeMs);
    EXPECT_LT(firstLive->timeMs - history.points.back().timeMs, 300'000) << "the live values continue the history";
    for (const auto& u : live) EXPECT_EQ(u.openInterest, rig.perp.openInterest("BTCUSDT", u.timeMs)) << "at " << u.timeMs;
    EXPECT_TRUE(sink->errors().empty()) << ::testing::PrintToString(sink->errors());
}

TEST_P(PerpVenueFeed, LiquidationsAreTheModelsAtTheMarkPrice) {
    const PerpVenue& venue = GetParam();
    // An exchange minute per wall second: about one liquidation every 4 s.
    PerpRig rig(venue, 60);
    auto sink = std::make_shared<Collector>();
    session::PerpFeedOptions options{venue.symbol};
    options.markPrice = options.funding = options.openInterest = options.history = false;
    session::PerpFeed feed(rig.market, rig.adapter, sink, options);
    ASSERT_TRUE(feed.start());
    ASSERT_TRUE(sink->waitFor([](const auto& events) { return Collector::count<exchange::Liquidation>(events) >= 2; }, 40s))
        << "errors: " << ::testing::PrintToString(sink->errors());
    feed.stop();
    for (const auto& l : sink->all<exchange::Liquidation>()) {
        EXPECT_EQ(l.symbol, venue.symbol) << "only this symbol's (OKX's channel carries every swap)";
        const auto model = rig.perp.liquidations("BTCUSDT", l.timeMs, l.timeMs + 1);
        ASSERT_EQ(model.size(), 1u) << "a liquidation the model has at " << l.timeMs;
        EXPECT_EQ(l.longLiquidated, model.front().longLiquidated);
        EXPECT_EQ(l.price, *rig.perp.markPrice("BTCUSDT", l.timeMs));
        // OKX sends contracts (0.001 BTC each in the simulator); the codec knows their value.
        EXPECT_FALSE(l.contracts);
        EXPECT_EQ(l.quantity, model.front().quantity) << "in the base asset";
    }
}

TEST_P(PerpVenueFeed, AfterTheVenueDropsTheConnectionMarkPricesContinue) {
    const PerpVenue& venue = GetParam();
    PerpRig rig(venue, 1);
    auto sink = std::make_shared<Collector>();
    session::PerpFeedOptions options{venue.symbol};
    options.openInterest = options.liquidations = options.history = false;
    session::PerpFeed feed(rig.market, rig.adapter, sink, options);
    ASSERT_TRUE(feed.start());
    ASSERT_TRUE(sink->waitFor([](const auto& events) { return Collector::count<exchange::MarkPriceUpdate>(events) >= 1; }));
    const auto before = rig.server->stats().wsConnections;
    rig.server->inject(sim::SimFault::CloseTcp);
    const std::size_t seen = sink->all<exchange::MarkPriceUpdate>().size();
    ASSERT_TRUE(sink->waitFor([seen](const auto& events) {
        return Collector::count<exchange::MarkPriceUpdate>(events) >= seen + 2;
    }, 40s)) << "errors: " << ::testing::PrintToString(sink->errors());
    feed.stop();
    EXPECT_GT(rig.server->stats().wsConnections, before) << "a new connection";
    for (const auto& m : sink->all<exchange::MarkPriceUpdate>())
        if (m.markPrice) {
            EXPECT_EQ(*m.markPrice, *rig.perp.markPrice("BTCUSDT", m.eventTimeMs));
        }
}

INSTANTIATE_TEST_SUITE_P(Venues, PerpVenueFeed,
                         ::testing::Values(PerpVenue{"bybit", "BTCUSDT", true}, PerpVenue{"okx", "BTC-USDT-SWAP", false}),
                         [](const auto& p) { return p.param.name; });

// OKX swaps count sizes in contracts on the wire (the simulator's BTC-USDT-SWAP: ctVal 0.001 BTC,
// dialect_okx_perp.cpp); the session's trades, book and 24 h ticker are the model's in the base
// asset — the codec read the contract values from the instruments before connecting.
TEST(OkxSwapSizes, TradesBookAndTickerAreTheModelsInTheBaseAsset) {
    PerpRig rig(PerpVenue{"okx", "BTC-USDT-SWAP", false}, 10);
    auto sink = std::make_shared<Collector>();
    const auto engine = rig.market.streams(rig.adapter);
    std::vector<exchange::StreamSpec> specs;
    for (const auto kind : {exchange::StreamKind::Trade, exchange::StreamKind::Depth, exchange::StreamKind::Ticker})
        specs.push_back(exchange::StreamSpec{"BTC-USDT-SWAP", Interval::M1, kind});
    engine->subscribe(specs, sink);
    ASSERT_TRUE(sink->waitFor([](const auto& events) {
        return Collector::count<exchange::TradeTick>(events) >= 3 && Collector::count<feed::OrderBookView>(events) >= 3 &&
               Collector::count<exchange::Ticker24h>(events) >= 2;
    }, 40s)) << "errors: " << ::testing::PrintToString(sink->errors()) << "; " << engine->stats().lastError;
    engine->unsubscribe(specs, sink);
    const sim::MarketModel& model = rig.server->model();
    for (const auto& t : sink->all<exchange::TradeTick>()) {
        const auto same = model.trades("BTCUSDT", t.timeMs, t.timeMs + 1);
        const auto it = std::find_if(same.begin(), same.end(), [&](const auto& m) { return m.tradeId == t.tradeId; });
        ASSERT_NE(it, same.end()) << "trade " << t.tradeId;
        EXPECT_EQ(t.quantity, it->quantity) << "trade " << t.tradeId << " in BTC, not contracts";
        EXPECT_EQ(t.price, it->price);
    }
    for (const auto& view : sink->all<feed::OrderBookView>()) {
        const auto book = rig.server->book().book("BTCUSDT", sim::OrderBookModel::tickOfUpdateId(view.lastUpdateId));
        ASSERT_FALSE(view.bids.empty());
        ASSERT_LE(view.bids.size(), book.bids.size());
        ASSERT_LE(view.asks.size(), book.asks.size());
        for (std::size_t i = 0; i < view.bids.size(); ++i) EXPECT_EQ(view.bids[i], book.bids[i]) << "bid " << i;
        for (std::size_t i = 0; i < view.asks.size(); ++i) EXPECT_EQ(view.asks[i], book.asks[i]) << "ask " << i;
    }
    for (const auto& t : sink->all<exchange::Ticker24h>()) {
        const auto expected = sim::rollingTicker(model, rig.server->book(), "BTCUSDT", t.eventTimeMs, false);
        EXPECT_EQ(t.volume, expected.volume) << "volCcy24h: BTC";
        EXPECT_EQ(t.lastQuantity, expected.lastQuantity);
        EXPECT_EQ(t.bidQuantity, expected.bidQuantity);
        EXPECT_EQ(t.askQuantity, expected.askQuantity);
    }
    EXPECT_TRUE(sink->errors().empty()) << ::testing::PrintToString(sink->errors());
    EXPECT_EQ(engine->stats().framesRejected, 0u) << engine->stats().lastError;
}

// Mark and index price history (PerpFeedOptions::onPriceHistory) of every venue: the bars before
// the feed started, each the simulator's mark / index price at the bar's last millisecond (what
// the streams send at that moment), contiguous back to the chart's first bar, and joined to the
// live pushes without a gap.
class PerpPriceHistory : public ::testing::TestWithParam<PerpVenue> {};

TEST_P(PerpPriceHistory, BarsBeforeTheStartAreTheModelsAndTheLivePushesContinueThem) {
    const PerpVenue& venue = GetParam();
    PerpRig rig(venue, 1);
    auto sink = std::make_shared<Collector>();
    std::mutex mutex;
    std::vector<session::PriceHistory> histories;
    session::PerpFeedOptions options{venue.symbol};
    options.funding = options.openInterest = options.liquidations = options.history = false;
    options.priceInterval = Interval::M1;
    // 250 one-minute bars: one page on Binance and Bybit, three of 100 on OKX.
    options.priceFromMs = kStartMs - 250 * 60'000;
    options.onPriceHistory = [&](session::PriceHistory h) {
        {
            std::lock_guard lock(mutex);
            histories.push_back(std::move(h));
        }
        sink->post(feed::FeedStatus{});  // wakes waitFor
    };
    session::PerpFeed feed(rig.market, rig.adapter, sink, options);
    ASSERT_TRUE(feed.start());
    ASSERT_TRUE(sink->waitFor([](const auto& events) {
        return Collector::count<feed::FeedStatus>(events) >= 1 && Collector::count<exchange::MarkPriceUpdate>(events) >= 2;
    }, 40s)) << "errors: " << ::testing::PrintToString(sink->errors());
    feed.stop();
    std::lock_guard lock(mutex);
    ASSERT_EQ(histories.size(), 1u);
    const session::PriceHistory& h = histories.front();
    EXPECT_EQ(h.interval, Interval::M1);
    for (const auto* rows : {&h.mark, &h.index}) {
        const bool mark = rows == &h.mark;
        ASSERT_FALSE(rows->empty()) << (mark ? "mark" : "index");
        EXPECT_LE(rows->front().openTime, options.priceFromMs) << "back to the chart's first bar";
        EXPECT_GT(rows->front().openTime, options.priceFromMs - exchange::priceKlinesPageLimit(*rig.adapter) * 60'000)
            << "no page more than needed";
        EXPECT_EQ(rows->back().openTime, kStartMs - 60'000) << "up to the last closed bar before the start";
        ASSERT_NO_FATAL_FAILURE(expectModelBars(rig, *rows, mark));
        for (const Candle& c : *rows) {
            EXPECT_TRUE(c.closed);
            EXPECT_LE(c.low, c.close);
            EXPECT_GE(c.high, c.close);
        }
    }
    // The live pushes continue where the history ends: the first one is in the bar after it.
    const auto live = sink->all<exchange::MarkPriceUpdate>();
    const auto first =
        std::min_element(live.begin(), live.end(), [](const auto& a, const auto& b) { return a.eventTimeMs < b.eventTimeMs; });
    EXPECT_GE(first->eventTimeMs, h.mark.back().openTime + 60'000);
    EXPECT_LT(first->eventTimeMs, h.mark.back().openTime + 2 * 60'000) << "no bar without a value between them";
    EXPECT_TRUE(sink->errors().empty()) << ::testing::PrintToString(sink->errors());
    // Within the venue's limits: nothing refused.
    EXPECT_EQ(rig.server->stats().rest429, 0u);
    EXPECT_EQ(rig.server->stats().weightViolations, 0u);
}

// Scrolling back (PerpFeed::requestPriceHistory): the bars of an older range, before the first
// history's oldest, each the model's, none at or after the range's end, and no page more than needed.
TEST_P(PerpPriceHistory, OlderBarsAskedLaterAreTheModelsAndEndWhereTheKnownOnesBegin) {
    const PerpVenue& venue = GetParam();
    PerpRig rig(venue, 1);
    auto sink = std::make_shared<Collector>();
    std::mutex mutex;
    std::vector<session::PriceHistory> histories;
    session::PerpFeedOptions options{venue.symbol};
    options.funding = options.openInterest = options.liquidations = options.history = false;
    options.priceInterval = Interval::M1;
    options.priceFromMs = kStartMs - 100 * 60'000;
    options.onPriceHistory = [&](session::PriceHistory h) {
        {
            std::lock_guard lock(mutex);
            histories.push_back(std::move(h));
        }
        sink->post(feed::FeedStatus{});  // wakes waitFor
    };
    session::PerpFeed feed(rig.market, rig.adapter, sink, options);
    ASSERT_TRUE(feed.start());
    ASSERT_TRUE(sink->waitFor([](const auto& events) { return Collector::count<feed::FeedStatus>(events) >= 1; }, 40s))
        << "errors: " << ::testing::PrintToString(sink->errors());
    std::int64_t known = 0;
    {
        std::lock_guard lock(mutex);
        ASSERT_EQ(histories.size(), 1u);
        ASSERT_FALSE(histories[0].mark.empty());
        EXPECT_EQ(histories[0].reachedMs,
                  std::max(histories[0].mark.front().openTime, histories[0].index.front().openTime));
        EXPECT_LE(histories[0].reachedMs, options.priceFromMs);
        known = std::min(histories[0].mark.front().openTime, histories[0].index.front().openTime);
    }
    // 230 older bars: one page on Binance and Bybit, three of 100 on OKX.
    const std::int64_t from = known - 230 * 60'000;
    feed.requestPriceHistory(from, known, 5);
    ASSERT_TRUE(sink->waitFor([](const auto& events) { return Collector::count<feed::FeedStatus>(events) >= 2; }, 40s))
        << "errors: " << ::testing::PrintToString(sink->errors());
    feed.stop();
    std::lock_guard lock(mutex);
    ASSERT_EQ(histories.size(), 2u);
    const session::PriceHistory& h = histories[1];
    EXPECT_EQ(h.fromMs, from);
    EXPECT_EQ(h.beforeMs, known);
    ASSERT_FALSE(h.mark.empty() || h.index.empty());
    EXPECT_LE(h.reachedMs, from) << "served back to the range's start";
    EXPECT_EQ(h.reachedMs, std::max(h.mark.front().openTime, h.index.front().openTime));
    for (const auto* rows : {&h.mark, &h.index}) {
        const bool mark = rows == &h.mark;
        ASSERT_FALSE(rows->empty()) << (mark ? "mark" : "index");
        EXPECT_LE(rows->front().openTime, from);
        EXPECT_GT(rows->front().openTime, from - exchange::priceKlinesPageLimit(*rig.adapter) * 60'000)
            << "no page more than needed";
        EXPECT_EQ(rows->back().openTime, known - 60'000) << "up to the bar before the known ones, not into them";
        ASSERT_NO_FATAL_FAILURE(expectModelBars(rig, *rows, mark));
    }
    EXPECT_TRUE(sink->errors().empty()) << ::testing::PrintToString(sink->errors());
    EXPECT_EQ(rig.server->stats().rest429, 0u);
    EXPECT_EQ(rig.server->stats().weightViolations, 0u);
}

INSTANTIATE_TEST_SUITE_P(Venues, PerpPriceHistory,
                         ::testing::Values(PerpVenue{"binance", "BTCUSDT", true}, PerpVenue{"bybit", "BTCUSDT", true},
                                           PerpVenue{"okx", "BTC-USDT-SWAP", false}),
                         [](const auto& p) { return p.param.name; });
