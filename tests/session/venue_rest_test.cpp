// session::VenueRest (the one REST client of a venue host) and session::CancelScope against the simulator
// on 127.0.0.1, plain and TLS.
#include <gtest/gtest.h>

#include <boost/asio/post.hpp>

#include "cpc/core/time.hpp"
#include "cpc/exchange/binance/binance_adapter.hpp"
#include "cpc/session/market_feed.hpp"
#include "cpc/session/stream_session.hpp"
#include "cpc/session/venue_rest.hpp"
#include "cpc/net/io_thread.hpp"
#include "net_test_util.hpp"

using namespace cpc;
using namespace std::chrono_literals;

namespace {

class VenueRestTest : public ::testing::TestWithParam<bool> {
protected:
    std::shared_ptr<exchange::BinanceAdapter> adapter(const test::SimEnv& env) const {
        return std::make_shared<exchange::BinanceAdapter>(
            exchange::Endpoints{env.server->restBase(), env.server->streamBase()});
    }
    session::VenueRestConfig restConfig(const test::SimEnv& env) const {
        session::VenueRestConfig c;
        if (GetParam()) c.tls.extraCaFile = env.cert->certFile;
        return c;
    }
};

struct Discard final : feed::FeedSink {
    void post(feed::FeedEvent) override {}
};

constexpr std::int64_t kVenueAhead = 3'600'000;  // the venue's clock runs an hour ahead of ours

}  // namespace

TEST_P(VenueRestTest, MeasuresTheVenueClockOnceForEveryUserOfTheHost) {
    sim::SimConfig config;
    config.clock = [] { return nowMs() + kVenueAhead; };
    test::SimEnv env(GetParam(), config);
    net::IoThread io;
    auto rest = std::make_shared<session::VenueRest>(io.context(), adapter(env), restConfig(env));
    // A chart feed and a connection engine of the host, given its client (as a MarketSession does).
    Discard sink;
    session::FeedConfig feedConfig;
    feedConfig.rest = rest;
    session::MarketFeed feed(io, adapter(env), feedConfig, sink);
    session::StreamSessionConfig sessionConfig;
    sessionConfig.rest = rest;
    sessionConfig.syncClock = false;  // the engine never measures it itself here
    session::StreamSession session(io, adapter(env), sessionConfig, sink);
    EXPECT_FALSE(rest->clockOffsetMs().has_value());
    EXPECT_FALSE(session.stats().clockSynced);

    auto scope = std::make_shared<session::CancelScope>(io.context());
    auto offset = test::runSync(io, rest->syncClock(*scope));
    ASSERT_TRUE(offset) << offset.error().message;
    EXPECT_NEAR(static_cast<double>(*offset), static_cast<double>(kVenueAhead), 1000.0);
    EXPECT_NEAR(static_cast<double>(rest->venueNowMs() - nowMs()), static_cast<double>(kVenueAhead), 1000.0);
    // One measurement serves every user of the host.
    const auto stats = session.stats();
    EXPECT_TRUE(stats.clockSynced);
    EXPECT_NEAR(static_cast<double>(stats.clockOffsetMs), static_cast<double>(kVenueAhead), 1000.0);
    EXPECT_EQ(env.server->stats().restRequests, 1u);
    feed.stop();
    session.stop();
}

TEST_P(VenueRestTest, CancellingTheScopeEndsItsSleepsAndItsRequestsAtOnce) {
    test::SimEnv env(GetParam());
    net::IoThread io;
    auto rest = std::make_shared<session::VenueRest>(io.context(), adapter(env), restConfig(env));
    auto scope = std::make_shared<session::CancelScope>(io.context());
    // A request held at the gate by an IP ban it is to wait out, and a long sleep, both in the scope.
    rest->gate()->ban(nowMs() + 1'500);
    std::string banned;
    const exchange::RestRequest time = adapter(env)->serverTimeRequest();
    auto request = test::spawn(io, rest->send(time, *scope, {.onBan = session::RestOnBan::WaitOut, .banned = &banned}));
    auto sleep = test::spawn(io, scope->sleep(10s));
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(request.wait_for(0ms), std::future_status::timeout) << "the ban holds the request";
    const auto cancelledAt = std::chrono::steady_clock::now();
    boost::asio::post(io.context(), [scope] { scope->cancel(); });
    ASSERT_EQ(request.wait_for(2s), std::future_status::ready);
    ASSERT_EQ(sleep.wait_for(2s), std::future_status::ready);
    EXPECT_LT(std::chrono::steady_clock::now() - cancelledAt, 1s);
    const auto answer = request.get();
    ASSERT_FALSE(answer);
    EXPECT_EQ(answer.error().message, "cancelled");
    EXPECT_FALSE(sleep.get());
    EXPECT_NE(banned.find("418"), std::string::npos) << "the wait was reported: " << banned;
    EXPECT_EQ(env.server->stats().restRequests, 0u) << "nothing reached the venue during the ban";
    // A cancelled scope stays cancelled: later work in it ends at once.
    EXPECT_FALSE(test::runSync(io, scope->sleep(10s), 2s));
    // Another scope of the same client is not affected (once the ban is over).
    std::this_thread::sleep_for(std::chrono::milliseconds(std::max<std::int64_t>(0, rest->gate()->bannedUntilMs() - nowMs())));
    auto other = std::make_shared<session::CancelScope>(io.context());
    auto fresh = test::runSync(io, rest->send(time, *other));
    ASSERT_TRUE(fresh) << fresh.error().message;
    EXPECT_EQ(fresh->status, 200);
}

// A connect's coroutines run in a child of its connection's scope: cancelling the child ends its
// sleeps only; cancelling the parent ends the children's too, and a child of a cancelled scope
// starts cancelled.
TEST(CancelScope, AChildEndsWithItsParentButNotTheOtherWayRound) {
    net::IoThread io;
    auto parent = std::make_shared<session::CancelScope>(io.context());
    auto first = parent->child();
    auto second = parent->child();
    auto firstSleep = test::spawn(io, first->sleep(10s));
    auto secondSleep = test::spawn(io, second->sleep(10s));
    auto parentSleep = test::spawn(io, parent->sleep(10s));
    std::this_thread::sleep_for(50ms);
    boost::asio::post(io.context(), [first] { first->cancel(); });
    ASSERT_EQ(firstSleep.wait_for(2s), std::future_status::ready);
    EXPECT_FALSE(firstSleep.get());
    EXPECT_EQ(secondSleep.wait_for(100ms), std::future_status::timeout) << "a sibling goes on";
    EXPECT_EQ(parentSleep.wait_for(0ms), std::future_status::timeout) << "the parent goes on";
    EXPECT_FALSE(parent->cancelled());
    boost::asio::post(io.context(), [parent] { parent->cancel(); });
    ASSERT_EQ(secondSleep.wait_for(2s), std::future_status::ready);
    ASSERT_EQ(parentSleep.wait_for(2s), std::future_status::ready);
    EXPECT_FALSE(secondSleep.get());
    EXPECT_FALSE(parentSleep.get());
    EXPECT_TRUE(second->cancelled());
    const auto childOf = [](std::shared_ptr<session::CancelScope> scope) -> boost::asio::awaitable<bool> {
        co_return scope->child()->cancelled();
    };
    const bool late = test::runSync(io, childOf(parent));
    EXPECT_TRUE(late) << "a child of a cancelled scope starts cancelled";
}

TEST_P(VenueRestTest, ABanFailsTheRequestOrIsWaitedOutAsTheCallerAsks) {
    test::SimEnv env(GetParam());
    net::IoThread io;
    auto rest = std::make_shared<session::VenueRest>(io.context(), adapter(env), restConfig(env));
    auto scope = std::make_shared<session::CancelScope>(io.context());
    const exchange::RestRequest time = adapter(env)->serverTimeRequest();
    session::RestTally tally;
    rest->gate()->ban(nowMs() + 400);
    // A chart's request: the ban is the answer, with its end, and nothing is sent.
    auto failed = test::runSync(io, rest->send(time, *scope, {.tally = &tally}));
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().code, 418);
    EXPECT_EQ(tally.sent, 0u);
    // A book snapshot's: the ban is waited out, then the request goes.
    std::string banned;
    const auto start = std::chrono::steady_clock::now();
    auto waited = test::runSync(io, rest->send(time, *scope, {.onBan = session::RestOnBan::WaitOut, .tally = &tally,
                                                              .banned = &banned}));
    ASSERT_TRUE(waited) << waited.error().message;
    EXPECT_GE(std::chrono::steady_clock::now() - start, 250ms);
    EXPECT_FALSE(banned.empty());
    EXPECT_EQ(tally.sent, 1u);
    EXPECT_EQ(env.server->stats().restRequests, 1u);
}

INSTANTIATE_TEST_SUITE_P(Transport, VenueRestTest, ::testing::Bool(), test::tlsName);
