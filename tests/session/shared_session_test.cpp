// One connection engine shared by several users: StreamSession listeners share subscriptions
// (counted per venue stream: the first user subscribes, the last one leaving unsubscribes), two
// chart feeds and a realtime window's streams ride one connection, and a failure inside a
// coroutine or a user's handler is a visible state followed by a restart, not a line on stderr.
#include <gtest/gtest.h>

#include <set>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <thread>

#include "cpc/core/time.hpp"
#include "cpc/exchange/binance/binance_adapter.hpp"
#include "cpc/feed/mailbox.hpp"
#include "cpc/session/market_feed.hpp"
#include "cpc/session/stream_session.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/sim/sim_server.hpp"

using namespace cpc;
using namespace std::chrono_literals;
using exchange::StreamKind;
using exchange::StreamSpec;

namespace {

// A user of the session: events and connection states land in a mailbox.
struct Listener final : feed::FeedSink {
    void post(feed::FeedEvent e) override { box.post(std::move(e)); }
    void onLink(const feed::StreamLink& link) override {
        std::lock_guard lock(mutex);
        links.push_back(link);
    }
    std::size_t klines() {
        for (auto& e : box.takeAll()) {
            if (std::holds_alternative<exchange::KlineUpdate>(e)) ++klineCount;
            if (std::holds_alternative<exchange::TradeTick>(e)) ++tradeCount;
        }
        return klineCount;
    }
    std::size_t trades() {
        klines();
        return tradeCount;
    }
    bool sawLink(feed::FeedState state, bool fresh) {
        std::lock_guard lock(mutex);
        return std::any_of(links.begin(), links.end(),
                           [&](const auto& l) { return l.state == state && l.fresh == fresh; });
    }
    feed::Mailbox<feed::FeedEvent> box;
    std::mutex mutex;
    std::vector<feed::StreamLink> links;  // guarded by mutex
    std::size_t klineCount = 0;
    std::size_t tradeCount = 0;
};

struct Sink final : feed::FeedSink {
    void post(feed::FeedEvent e) override { box.post(std::move(e)); }
    feed::Mailbox<feed::FeedEvent> box;
};

template <class Pred>
bool waitFor(Pred pred, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return pred();
}

StreamSpec kline(const char* symbol, Interval interval) { return StreamSpec{symbol, interval, StreamKind::Kline}; }
StreamSpec trades(const char* symbol) { return StreamSpec{symbol, Interval::M1, StreamKind::Trade}; }

class SharedSessionTest : public ::testing::Test {
protected:
    void SetUp() override {
        sim::SimConfig c;
        c.klinePushInterval = 100ms;
        c.liveTradesPerSecond = 20;
        configure(c);
        server = std::make_unique<sim::SimServer>(c);
        ASSERT_TRUE(server->start());
        adapter = std::make_shared<exchange::BinanceAdapter>(
            exchange::Endpoints{server->restBase(), server->streamBase()});
        session::StreamSessionConfig config;
        config.backoffBase = 100ms;
        config.backoffMax = 400ms;
        config.watchdog = 3s;
        session = std::make_shared<session::StreamSession>(io, adapter, config, sink);
    }
    virtual void configure(sim::SimConfig&) const {}
    void TearDown() override {
        if (session) session->stop();
    }

    net::IoThread io;
    std::unique_ptr<sim::SimServer> server;
    std::shared_ptr<exchange::BinanceAdapter> adapter;
    Sink sink;
    std::shared_ptr<session::StreamSession> session;
};

}  // namespace

TEST_F(SharedSessionTest, TwoUsersOfAStreamShareOneSubscriptionAndTheLastOneLeavingUnsubscribes) {
    auto a = std::make_shared<Listener>();
    auto b = std::make_shared<Listener>();
    const std::string name = adapter->streamName(kline("BTCUSDT", Interval::S1));
    session->subscribe({kline("BTCUSDT", Interval::S1)}, a);
    ASSERT_TRUE(waitFor([&] { return a->klines() >= 3; }, 10s));
    EXPECT_TRUE(a->sawLink(feed::FeedState::Live, true));
    // Every control message of the connect (subscriptions, LIST_SUBSCRIPTIONS) answered: idle.
    const auto idle = [&] {
        const auto st = session->stats();
        return st.controlMessagesSent > 0 && st.controlReplies == st.controlMessagesSent;
    };
    ASSERT_TRUE(waitFor(idle, 5s));
    std::this_thread::sleep_for(400ms);  // past the control interval: nothing more was queued
    ASSERT_TRUE(idle());
    const auto controlBefore = session->stats().controlMessagesSent;
    session->subscribe({kline("BTCUSDT", Interval::S1)}, b);
    ASSERT_TRUE(waitFor([&] { return b->klines() >= 3; }, 10s));
    // The second user joined a stream that already flows: told Live (fresh: fetch what came
    // before), no SUBSCRIBE sent for it, one connection.
    EXPECT_TRUE(b->sawLink(feed::FeedState::Live, true));
    EXPECT_EQ(session->usersOf(name), 2u);
    EXPECT_EQ(server->stats().wsConnections, 1u) << session->stats().lastError << " reconnects "
                                                 << session->stats().reconnects << " rotations "
                                                 << session->stats().rotations;
    EXPECT_EQ(server->stats().wsOpenConnections, 1u);

    // One user leaves: the other keeps its stream, nothing is unsubscribed.
    session->unsubscribe({kline("BTCUSDT", Interval::S1)}, a);
    ASSERT_TRUE(waitFor([&] { return session->usersOf(name) == 1u; }, 5s));
    const auto bBefore = b->klines();
    ASSERT_TRUE(waitFor([&] { return b->klines() >= bBefore + 3; }, 10s));
    std::this_thread::sleep_for(400ms);  // past the control interval: an UNSUBSCRIBE would be out
    EXPECT_EQ(session->stats().controlMessagesSent, controlBefore + 0) << "a shared stream was unsubscribed";

    // The last user leaves: the venue stream is unsubscribed, its frames stop. Wait for the
    // UNSUBSCRIBE's own reply (the connect's replies are already counted): the message is sent
    // by the connection's writer after usersOf() has dropped to 0.
    const auto repliesBefore = session->stats().controlReplies;
    session->unsubscribe({kline("BTCUSDT", Interval::S1)}, b);
    ASSERT_TRUE(waitFor(
        [&] { return session->usersOf(name) == 0u && session->stats().controlReplies > repliesBefore; }, 5s));
    EXPECT_GE(session->stats().controlMessagesSent, controlBefore + 1);
    const auto after = b->klines();
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(b->klines(), after) << "frames kept coming after the last user left";
    EXPECT_EQ(server->stats().wsConnections, 1u);
}

TEST_F(SharedSessionTest, EachUserGetsOnlyItsOwnStreams) {
    auto charts = std::make_shared<Listener>();
    auto tape = std::make_shared<Listener>();
    session->subscribe({kline("ETHUSDT", Interval::S1)}, charts);
    session->subscribe({trades("ETHUSDT")}, tape);
    ASSERT_TRUE(waitFor([&] { return charts->klines() >= 3 && tape->trades() >= 3; }, 10s));
    EXPECT_EQ(charts->trades(), 0u);
    EXPECT_EQ(tape->klines(), 0u);
    EXPECT_EQ(server->stats().wsConnections, 1u);
}

// Two chart feeds (the same symbol and interval) and a realtime window's trade stream on one
// session: one subscription of the kline stream, one connection; closing the charts unsubscribes.
TEST_F(SharedSessionTest, TwoChartsAndARealtimeWindowOnOneSymbolUseOneSubscriptionAndOneConnection) {
    session::FeedConfig config;
    config.streamSession = session;
    config.backoffBase = 100ms;
    config.backoffMax = 300ms;
    Sink chartSink1, chartSink2;
    auto chart1 = std::make_unique<session::MarketFeed>(io, adapter, config, chartSink1);
    auto chart2 = std::make_unique<session::MarketFeed>(io, adapter, config, chartSink2);
    auto realtime = std::make_shared<Listener>();
    const SeriesKey key{"binance", "BTCUSDT", Interval::S1};
    chart1->open(key);
    chart2->open(key);
    session->subscribe({trades("BTCUSDT"), kline("BTCUSDT", Interval::S1)}, realtime);

    std::size_t live1 = 0, live2 = 0, klines1 = 0, klines2 = 0;
    const auto drain = [](Sink& s, std::size_t& live, std::size_t& klines) {
        for (auto& e : s.box.takeAll()) {
            if (auto* st = std::get_if<feed::FeedStatus>(&e); st && st->state == feed::FeedState::Live) ++live;
            if (std::holds_alternative<exchange::KlineUpdate>(e)) ++klines;
        }
    };
    ASSERT_TRUE(waitFor([&] {
        drain(chartSink1, live1, klines1);
        drain(chartSink2, live2, klines2);
        return live1 > 0 && live2 > 0 && klines1 >= 3 && klines2 >= 3 && realtime->trades() >= 3 &&
               realtime->klines() >= 3;
    }, 15s));
    const std::string klineName = adapter->streamName(kline("BTCUSDT", Interval::S1));
    EXPECT_EQ(session->usersOf(klineName), 3u);  // two charts and the realtime window
    EXPECT_EQ(server->stats().wsConnections, 1u) << "every user must ride the one connection";
    EXPECT_EQ(server->stats().wsOpenConnections, 1u);

    chart1->stop();
    chart2->stop();
    ASSERT_TRUE(waitFor([&] { return session->usersOf(klineName) == 1u; }, 5s));
    session->unsubscribe({kline("BTCUSDT", Interval::S1)}, realtime);
    ASSERT_TRUE(waitFor([&] { return session->usersOf(klineName) == 0u; }, 5s));
    const auto trades = realtime->trades();
    ASSERT_TRUE(waitFor([&] { return realtime->trades() > trades; }, 5s)) << "the trade stream went with the klines";
    EXPECT_EQ(server->stats().wsConnections, 1u);
}

// A user whose handler throws: the connection shows Failed with the reason, reconnects with
// back-off and delivers again; the exception does not leave a dead reader behind "live".
TEST_F(SharedSessionTest, AnExceptionInAUsersHandlerIsAFailedStateAndTheConnectionRecovers) {
    struct Throwing final : feed::FeedSink {
        void post(feed::FeedEvent e) override {
            if (std::holds_alternative<exchange::KlineUpdate>(e) && !thrown.exchange(true))
                throw std::runtime_error("handler broke");
            inner.post(std::move(e));
        }
        void onLink(const feed::StreamLink& link) override { inner.onLink(link); }
        std::atomic<bool> thrown{false};
        Listener inner;
    };
    auto user = std::make_shared<Throwing>();
    session->subscribe({kline("BTCUSDT", Interval::S1)}, user);
    ASSERT_TRUE(waitFor([&] { return user->thrown.load() && user->inner.klines() >= 3; }, 15s));
    const auto stats = session->stats();
    EXPECT_EQ(stats.internalErrors, 1u);
    EXPECT_GE(stats.reconnects, 1u);
    std::lock_guard lock(user->inner.mutex);
    const auto failed = std::find_if(user->inner.links.begin(), user->inner.links.end(),
                                     [](const auto& l) { return l.state == feed::FeedState::Failed; });
    ASSERT_NE(failed, user->inner.links.end());
    EXPECT_NE(failed->detail.find("handler broke"), std::string::npos) << failed->detail;
    EXPECT_TRUE(std::any_of(failed, user->inner.links.end(),
                            [](const auto& l) { return l.state == feed::FeedState::Live && l.fresh; }));
}

// An exception escaping one of the feed's own coroutines (here: the app's sink throws on the first
// history batch) was printed to stderr and the chart kept saying "live". It is a Failed status
// with its reason, and the series is opened again after a back-off.
TEST(SharedFeed, AnExceptionEscapingAFeedCoroutineIsFailedWithItsReasonThenRestarts) {
    sim::SimConfig c;
    c.klinePushInterval = 100ms;
    sim::SimServer server(c);
    ASSERT_TRUE(server.start());
    auto adapter = std::make_shared<exchange::BinanceAdapter>(exchange::Endpoints{server.restBase(), server.streamBase()});
    struct ThrowingSink final : feed::FeedSink {
        void post(feed::FeedEvent e) override {
            if (std::holds_alternative<feed::HistoryBatch>(e) && !thrown.exchange(true))
                throw std::runtime_error("sink broke");
            box.post(std::move(e));
        }
        std::atomic<bool> thrown{false};
        feed::Mailbox<feed::FeedEvent> box;
    } sink;
    net::IoThread io;
    session::FeedConfig config;
    config.backoffBase = 100ms;
    config.backoffMax = 300ms;
    session::MarketFeed feed(io, adapter, config, sink);
    feed.open({"binance", "BTCUSDT", Interval::M1});
    std::vector<feed::FeedStatus> statuses;
    std::size_t history = 0;
    ASSERT_TRUE(waitFor([&] {
        for (auto& e : sink.box.takeAll()) {
            if (auto* s = std::get_if<feed::FeedStatus>(&e)) statuses.push_back(*s);
            if (std::holds_alternative<feed::HistoryBatch>(e)) ++history;
        }
        return history > 0 && !statuses.empty() && statuses.back().state == feed::FeedState::Live;
    }, 15s));
    feed.stop();
    const auto failed = std::find_if(statuses.begin(), statuses.end(),
                                     [](const auto& s) { return s.state == feed::FeedState::Failed; });
    ASSERT_NE(failed, statuses.end()) << "the failure was not shown";
    EXPECT_NE(failed->detail.find("sink broke"), std::string::npos) << failed->detail;
    EXPECT_GT(failed->retryInMs, 0);
    EXPECT_EQ(feed.stats().internalErrors, 1u);
}

// Streams that need two connections (here the venue's limit is one stream a connection): each
// state a user hears says which connection it is about, so a command can say so.
TEST_F(SharedSessionTest, EachLinkSaysWhichOfTheEnginesConnectionsItIsAbout) {
    session->stop();
    session::StreamSessionConfig config;
    config.backoffBase = 100ms;
    config.backoffMax = 400ms;
    config.watchdog = 3s;
    config.maxStreamsPerConnection = 1;
    session = std::make_shared<session::StreamSession>(io, adapter, config, sink);
    auto user = std::make_shared<Listener>();
    session->subscribe({kline("BTCUSDT", Interval::S1), trades("BTCUSDT")}, user);
    ASSERT_TRUE(waitFor([&] { return user->klines() >= 2 && user->trades() >= 2; }, 10s));
    EXPECT_EQ(session->stats().connections, 2u);
    std::lock_guard lock(user->mutex);
    std::set<int> live;
    for (const auto& l : user->links)
        if (l.state == feed::FeedState::Live) live.insert(l.connection);
    EXPECT_EQ(live, (std::set<int>{0, 1}));
}

// A chart opened on a symbol the venue does not list: the venue refuses the connection's URL (its
// stream set) and the connection is not retried. The user leaves it for a listed symbol at once
// (before the unused session would close): the connection opens again with the new set and its
// klines flow. (Before, its run loop had ended, so the new stream waited at "connecting" forever.)
TEST_F(SharedSessionTest, AfterARefusedStreamSetANewSetConnects) {
    auto user = std::make_shared<Listener>();
    session->subscribe({kline("FOOUSDT", Interval::M1)}, user);
    ASSERT_TRUE(waitFor([&] {
        std::lock_guard lock(user->mutex);
        return std::any_of(user->links.begin(), user->links.end(),
                           [](const auto& l) { return l.state == feed::FeedState::Failed && l.final; });
    }, 10s));
    EXPECT_TRUE(session->stats().refused);
    session->unsubscribe({kline("FOOUSDT", Interval::M1)}, user);
    session->subscribe({kline("BTCUSDT", Interval::S1)}, user);
    ASSERT_TRUE(waitFor([&] { return user->klines() >= 2; }, 10s))
        << "connections " << session->stats().connections << ", last error: " << session->stats().lastError;
    EXPECT_TRUE(user->sawLink(feed::FeedState::Live, true));
}
