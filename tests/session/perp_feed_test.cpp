// session::PerpFeed against the simulator's Binance USD-M dialect (SimConfig::market = Perp):
// the mark price and the funding countdown, open-interest history joined to the live poll
// without a gap, and liquidation events, each checked against the simulator's own perpetual
// model (src/sim/perp_model.hpp) at the same instants.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "cpc/exchange/registry.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/session/market_session.hpp"
#include "cpc/session/perp_feed.hpp"
#include "cpc/sim/sim_server.hpp"
#include "perp_model.hpp"  // src/sim (private): the model the simulator serves

using namespace cpc;
using namespace std::chrono_literals;

namespace {

constexpr std::uint64_t kSeed = 42;
// 2024-03-01 07:59:00 UTC: a minute before a funding time.
constexpr std::int64_t kStartMs = 1709279940000;

// Everything the feed posts, for the test thread.
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
    // Waits until `done()` holds (checked under the lock after every event) or the timeout.
    template <class Done>
    bool waitFor(Done done, std::chrono::milliseconds timeout = 20s) {
        std::unique_lock lock(m_mutex);
        return m_cv.wait_for(lock, timeout, [&] { return done(m_events); });
    }
    template <class T>
    static std::size_t count(const std::vector<feed::FeedEvent>& events) {
        return static_cast<std::size_t>(std::count_if(events.begin(), events.end(), [](const auto& e) {
            return std::holds_alternative<T>(e);
        }));
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

// A USD-M simulator whose exchange clock starts at kStartMs and runs `speed` times real time.
struct PerpRig {
    explicit PerpRig(int speed) {
        const auto wallStart = std::chrono::steady_clock::now();
        sim::SimConfig c;
        c.market = MarketType::Perp;
        c.seed = kSeed;
        c.clock = [wallStart, speed] {
            const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - wallStart);
            return kStartMs + elapsed.count() * speed;
        };
        server = std::make_unique<sim::SimServer>(c);
        EXPECT_TRUE(server->start());
        auto a = exchange::makeAdapter("binance", exchange::Endpoints{server->restBase(), server->streamBase()}, MarketType::Perp);
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

}  // namespace

TEST(PerpFeed, SpotAdaptersAndUnkeptPeriodsAreRefusedBeforeAnythingStarts) {
    net::IoThread io;
    session::MarketSession market(io);
    auto spot = exchange::makeAdapter("binance", exchange::Endpoints{"http://127.0.0.1:1", "ws://127.0.0.1:1"});
    ASSERT_TRUE(spot);
    session::PerpFeed onSpot(market, std::shared_ptr<const exchange::ExchangeAdapter>(std::move(*spot)),
                             std::make_shared<Collector>(), session::PerpFeedOptions{"BTCUSDT"});
    const auto refused = onSpot.start();
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("perpetual market"), std::string::npos) << refused.error().message;

    auto perp = exchange::makeAdapter("binance", exchange::Endpoints{"http://127.0.0.1:1", "ws://127.0.0.1:1"}, MarketType::Perp);
    ASSERT_TRUE(perp);
    session::PerpFeedOptions options{"BTCUSDT"};
    options.openInterestPeriod = Interval::M1;  // Binance keeps 5m and coarser
    session::PerpFeed oneMinute(market, std::shared_ptr<const exchange::ExchangeAdapter>(std::move(*perp)),
                                std::make_shared<Collector>(), options);
    const auto period = oneMinute.start();
    ASSERT_FALSE(period);
    EXPECT_NE(period.error().message.find("5m"), std::string::npos) << period.error().message;
    EXPECT_EQ(market.streamSessions(), 0u) << "nothing subscribed";
    market.stop();
}

TEST(PerpFeed, MarkPriceAndFundingCountdownMatchTheModel) {
    PerpRig rig(1);
    auto sink = std::make_shared<Collector>();
    session::PerpFeedOptions options{"BTCUSDT"};
    options.openInterest = options.liquidations = options.history = false;
    session::PerpFeed feed(rig.market, rig.adapter, sink, options);
    ASSERT_TRUE(feed.start());
    // The REST answer first, then at least two pushes of @markPrice@1s.
    ASSERT_TRUE(sink->waitFor([](const auto& events) {
        return Collector::count<exchange::MarkPriceUpdate>(events) >= 3 && Collector::count<exchange::FundingUpdate>(events) >= 3;
    })) << "errors: " << ::testing::PrintToString(sink->errors());
    feed.stop();
    const auto marks = sink->all<exchange::MarkPriceUpdate>();
    for (const auto& m : marks) {
        ASSERT_TRUE(m.markPrice && m.indexPrice);
        EXPECT_EQ(*m.markPrice, *rig.perp.markPrice("BTCUSDT", m.eventTimeMs)) << "at " << m.eventTimeMs;
        EXPECT_EQ(*m.indexPrice, *rig.perp.indexPrice("BTCUSDT", m.eventTimeMs));
        EXPECT_NE(*m.markPrice, *m.indexPrice) << "the perpetual trades at a basis";
    }
    const auto funding = sink->all<exchange::FundingUpdate>();
    ASSERT_GE(funding.size(), 3u);
    for (const auto& f : funding) {
        ASSERT_TRUE(f.rate && f.nextFundingTimeMs);
        // The countdown: the next 8-hour boundary after the event, 08:00 UTC here (the clock starts
        // a minute before it).
        EXPECT_EQ(*f.nextFundingTimeMs % (8 * 3'600'000), 0);
        EXPECT_GT(*f.nextFundingTimeMs, f.eventTimeMs);
        EXPECT_LE(*f.nextFundingTimeMs - f.eventTimeMs, 8 * 3'600'000);
        EXPECT_EQ(*f.nextFundingTimeMs, sim::PerpModel::nextFundingTime(f.eventTimeMs));
        EXPECT_EQ(*f.rate, rig.perp.fundingRate("BTCUSDT", *f.nextFundingTimeMs));
    }
    EXPECT_EQ(*funding.front().nextFundingTimeMs, kStartMs + 60'000) << "funding at 08:00, a minute after the start";
    EXPECT_TRUE(sink->errors().empty()) << ::testing::PrintToString(sink->errors());
}

TEST(PerpFeed, OpenInterestHistoryJoinsTheLivePollWithoutAGap) {
    PerpRig rig(1);
    auto sink = std::make_shared<Collector>();
    session::PerpFeedOptions options{"BTCUSDT"};
    options.markPrice = options.funding = options.liquidations = false;
    options.openInterestPeriod = Interval::M5;
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
    EXPECT_EQ(history.period, Interval::M5);
    // As far back as the venue serves it: 30 days of 5-minute rows, then nothing older.
    EXPECT_TRUE(history.reachedStart);
    ASSERT_GE(history.points.size(), 30u * 24 * 12);
    EXPECT_LE(history.points.size(), 30u * 24 * 12 + 1);
    for (std::size_t i = 1; i < history.points.size(); ++i)
        ASSERT_EQ(history.points[i].timeMs - history.points[i - 1].timeMs, 300'000) << "row " << i << ": no hole, no repeat";
    for (const auto& p : {history.points.front(), history.points.back()})
        EXPECT_EQ(p.openInterest, rig.perp.openInterest("BTCUSDT", p.timeMs));
    // The live values start within the period after the last history row: no gap between them.
    const auto live = sink->all<exchange::OpenInterestUpdate>();
    const auto firstLive = std::min_element(live.begin(), live.end(), [](const auto& a, const auto& b) { return a.timeMs < b.timeMs; });
    EXPECT_GE(firstLive->timeMs, history.points.back().timeMs);
    EXPECT_LT(firstLive->timeMs - history.points.back().timeMs, 300'000);
    for (const auto& u : live) EXPECT_EQ(u.openInterest, rig.perp.openInterest("BTCUSDT", u.timeMs));
    EXPECT_TRUE(sink->errors().empty()) << ::testing::PrintToString(sink->errors());
}

TEST(PerpFeed, LiquidationsAreTheModelsAtTheMarkPrice) {
    // An exchange minute per wall second: about one liquidation every 4 s.
    PerpRig rig(60);
    auto sink = std::make_shared<Collector>();
    session::PerpFeedOptions options{"BTCUSDT"};
    options.markPrice = options.funding = options.openInterest = options.history = false;
    session::PerpFeed feed(rig.market, rig.adapter, sink, options);
    ASSERT_TRUE(feed.start());
    ASSERT_TRUE(sink->waitFor([](const auto& events) { return Collector::count<exchange::Liquidation>(events) >= 2; }, 30s))
        << "errors: " << ::testing::PrintToString(sink->errors());
    feed.stop();
    for (const auto& l : sink->all<exchange::Liquidation>()) {
        EXPECT_EQ(l.symbol, "BTCUSDT");
        const auto model = rig.perp.liquidations("BTCUSDT", l.timeMs, l.timeMs + 1);
        ASSERT_EQ(model.size(), 1u) << "a liquidation the model has at " << l.timeMs;
        EXPECT_EQ(l.longLiquidated, model.front().longLiquidated);
        EXPECT_EQ(l.price, model.front().price);
        EXPECT_EQ(l.price, *rig.perp.markPrice("BTCUSDT", l.timeMs));
        EXPECT_EQ(l.quantity, model.front().quantity);
        EXPECT_FALSE(l.contracts);
    }
}

TEST(PerpFeed, AfterTheVenueDropsTheConnectionMarkPricesContinue) {
    // The simulator's fault injection works on the perpetual dialect as on spot: every socket is
    // closed (no close frame); the engine reconnects and the feed's streams flow again.
    PerpRig rig(1);
    auto sink = std::make_shared<Collector>();
    session::PerpFeedOptions options{"BTCUSDT"};
    options.openInterest = options.liquidations = options.history = false;
    session::PerpFeed feed(rig.market, rig.adapter, sink, options);
    ASSERT_TRUE(feed.start());
    ASSERT_TRUE(sink->waitFor([](const auto& events) { return Collector::count<exchange::MarkPriceUpdate>(events) >= 2; }));
    const auto before = rig.server->stats().wsConnections;
    rig.server->inject(sim::SimFault::CloseTcp);
    const std::size_t seen = sink->all<exchange::MarkPriceUpdate>().size();
    ASSERT_TRUE(sink->waitFor([seen](const auto& events) {
        return Collector::count<exchange::MarkPriceUpdate>(events) >= seen + 3;
    })) << "errors: " << ::testing::PrintToString(sink->errors());
    feed.stop();
    EXPECT_GT(rig.server->stats().wsConnections, before) << "a new connection";
    for (const auto& m : sink->all<exchange::MarkPriceUpdate>())
        EXPECT_EQ(*m.markPrice, *rig.perp.markPrice("BTCUSDT", m.eventTimeMs));
}
