// Fault injection and limit accounting of the simulator (issue #4): every fault is observable by
// a client, and the counters catch a client that breaks Binance's limits.
#include <gtest/gtest.h>

#include "cpc/exchange/binance/binance_adapter.hpp"
#include "cpc/net/http_client.hpp"
#include "cpc/net/ws_client.hpp"
#include "net_test_util.hpp"

using namespace cpc;
using namespace std::chrono_literals;
using cpc::test::runSync;
using cpc::test::SimEnv;
using cpc::test::TestClock;

namespace {

class SimFaults : public ::testing::Test {
protected:
    void start(sim::SimConfig c = {}) {
        c.klinePushInterval = 100ms;
        c.clock = clock.fn();
        env = std::make_unique<SimEnv>(false, std::move(c));
    }
    std::unique_ptr<net::WsClient> connect() {
        auto ws = std::make_unique<net::WsClient>(io.context(), env->clientTls);
        auto url = net::Url::parse(env->server->streamBase() + "/stream?streams=btcusdt@kline_1s");
        auto c = runSync(io, ws->connect(*url));
        EXPECT_TRUE(c);
        // The client's handshake can finish before the server has registered the session; a
        // fault injected in between would reach nobody. The first pushed frame proves it has.
        EXPECT_TRUE(runSync(io, ws->read(), 3s));
        return ws;
    }
    net::HttpResponse get(net::HttpClient& http, const std::string& target) {
        auto r = runSync(io, http.get(*net::Url::parse(env->server->restBase()), target));
        if (!r) throw std::runtime_error(r.error().message);
        return *r;
    }

    TestClock clock{test::kFixedNowMs};
    std::unique_ptr<SimEnv> env;
    net::IoThread io;
    exchange::BinanceAdapter adapter;
};

}  // namespace

TEST_F(SimFaults, CloseAndResetEndTheClientsRead) {
    start();
    for (const auto fault : {sim::SimFault::CloseTcp, sim::SimFault::ResetTcp}) {
        auto ws = connect();
        env->server->inject(fault);
        bool ended = false;
        for (int i = 0; i < 50 && !ended; ++i) ended = !runSync(io, ws->read(), 3s);
        EXPECT_TRUE(ended);
    }
    EXPECT_EQ(env->server->stats().faultsInjected, 2u);
}

TEST_F(SimFaults, StallSilencesTheConnectionWithoutClosingIt) {
    start();
    auto ws = connect();
    env->server->inject(sim::SimFault::Stall, 600ms);
    std::this_thread::sleep_for(50ms);
    // Frames keep coming after the stall, but with one long silence in between (a lower bound:
    // a loaded machine only makes the gap longer).
    const auto t0 = std::chrono::steady_clock::now();
    auto last = t0;
    std::chrono::steady_clock::duration longestGap{};
    while (std::chrono::steady_clock::now() - t0 < 1000ms) {
        Result<std::string> frame = runSync(io, ws->read(), 3s);
        ASSERT_TRUE(frame);
        const auto now = std::chrono::steady_clock::now();
        longestGap = std::max(longestGap, now - last);
        last = now;
    }
    EXPECT_GE(longestGap, 400ms);
    EXPECT_TRUE(ws->isOpen());
}

TEST_F(SimFaults, ShutdownMalformedAndOversizedFramesReachTheClient) {
    start();
    auto ws = connect();
    env->server->inject(sim::SimFault::ServerShutdown);
    env->server->inject(sim::SimFault::MalformedFrame);
    bool shutdown = false, malformed = false;
    for (int i = 0; i < 100 && !(shutdown && malformed); ++i) {
        auto frame = runSync(io, ws->read(), 3s);
        ASSERT_TRUE(frame);
        auto events = adapter.parseStreamMessage(*frame);
        if (!events) malformed = true;
        else
            for (const auto& e : *events) shutdown |= std::holds_alternative<exchange::ServerShutdown>(e);
    }
    EXPECT_TRUE(shutdown);
    EXPECT_TRUE(malformed);
    // A 2 MiB frame is over the client's message limit: the read fails and the connection ends.
    env->server->inject(sim::SimFault::OversizedFrame);
    bool failed = false;
    for (int i = 0; i < 100 && !failed; ++i) failed = !runSync(io, ws->read(), 3s);
    EXPECT_TRUE(failed);
}

TEST_F(SimFaults, TooManyThen418WhenTheRetryAfterIsIgnored) {
    sim::SimConfig c;
    c.crossing429Grace = 60s;  // (wall clock: the count decides here, not the machine's speed)
    start(c);
    net::HttpClient http(io.context(), env->clientTls);
    env->server->inject(sim::SimFault::RestTooMany, 0ms, 1);
    const auto first = get(http, "/api/v3/time");
    EXPECT_EQ(first.status, 429);
    EXPECT_FALSE(first.header("retry-after").empty());
    // Did not wait: the first three requests right after it may have crossed the 429 on the wire
    // (another connection's), so they get the 429 again; the fourth is a ban.
    for (int i = 0; i < 3; ++i) EXPECT_EQ(get(http, "/api/v3/time").status, 429) << i;
    EXPECT_EQ(env->server->stats().rest429InFlight, 3u);
    EXPECT_EQ(env->server->stats().weightViolations, 0u);
    const auto second = get(http, "/api/v3/time");
    EXPECT_EQ(second.status, 418);
    EXPECT_NE(second.body.find("IP banned until"), std::string::npos);
    EXPECT_EQ(env->server->stats().weightViolations, 1u);
    clock.set(clock.now() + 121'000);  // the ban is over
    EXPECT_EQ(get(http, "/api/v3/time").status, 200);
    env->server->inject(sim::SimFault::RestServerError, 0ms, 2);
    EXPECT_EQ(get(http, "/api/v3/time").status, 503);
    EXPECT_EQ(get(http, "/api/v3/time").status, 503);
    EXPECT_EQ(get(http, "/api/v3/time").status, 200);
}

TEST_F(SimFaults, WeightBudgetAndMessageRateViolationsAreCounted) {
    sim::SimConfig c;
    c.restWeightPerMinute = 10;
    start(c);
    clock.set(test::kFixedNowMs / 60'000 * 60'000 + 1000);
    net::HttpClient http(io.context(), env->clientTls);
    for (int i = 0; i < 5; ++i) EXPECT_EQ(get(http, "/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1").status, 200);
    EXPECT_EQ(get(http, "/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1").status, 429);
    EXPECT_EQ(env->server->stats().weightViolations, 1u);

    auto ws = connect();
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(runSync(io, ws->send(adapter.listSubscriptionsMessage(i))));
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(env->server->stats().messageRateViolations, 0u);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(runSync(io, ws->send(adapter.listSubscriptionsMessage(10 + i))));
    std::this_thread::sleep_for(100ms);
    EXPECT_GE(env->server->stats().messageRateViolations, 1u);
    EXPECT_EQ(env->server->stats().controlMessages, 7u);
}

TEST_F(SimFaults, ConnectionsAreCutAtTheirMaximumLifetime) {
    sim::SimConfig c;
    c.maxConnectionLifetime = 300ms;
    start(c);
    auto ws = connect();
    const auto t0 = std::chrono::steady_clock::now();
    while (runSync(io, ws->read(), 3s)) {
    }
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 250ms);
    EXPECT_EQ(env->server->stats().lifetimeCuts, 1u);
}

TEST_F(SimFaults, AConnectionThatLostItsStreamsShowsItInListSubscriptions) {
    start();
    env->server->inject(sim::SimFault::ForgetSubscriptions, 0ms, 1);
    const auto url = *net::Url::parse(env->server->streamBase() + "/stream?streams=btcusdt@kline_1s");
    const auto listOf = [&](net::WsClient& ws, std::int64_t id) {
        EXPECT_TRUE(runSync(io, ws.send(adapter.listSubscriptionsMessage(id))));
        for (int i = 0; i < 100; ++i) {
            auto frame = runSync(io, ws.read(), 3s);
            if (!frame) break;
            auto events = adapter.parseStreamMessage(*frame);
            if (!events) continue;
            for (const auto& e : *events)
                if (const auto* r = std::get_if<exchange::ControlReply>(&e); r && r->id == std::to_string(id))
                    return r->streams;
        }
        ADD_FAILURE() << "no LIST_SUBSCRIPTIONS reply";
        return std::vector<std::string>{};
    };
    net::WsClient lost(io.context(), env->clientTls);
    ASSERT_TRUE(runSync(io, lost.connect(url)));
    EXPECT_TRUE(listOf(lost, 7).empty()) << "the faulty connection carries nothing";
    net::WsClient next(io.context(), env->clientTls);  // only the next connection was affected
    ASSERT_TRUE(runSync(io, next.connect(url)));
    EXPECT_EQ(listOf(next, 8), std::vector<std::string>{"btcusdt@kline_1s"});
}

TEST_F(SimFaults, TooManyRetryAfterAndTheConnectionWindowCanBeShortened) {
    sim::SimConfig c;
    c.tooManyRetryAfterSeconds = 2;
    c.maxConnectionsPer5Min = 1;
    c.connectionWindow = 1500ms;
    start(c);
    net::HttpClient http(io.context(), env->clientTls);
    env->server->inject(sim::SimFault::RestTooMany, 0ms, 1);
    const auto r = get(http, "/api/v3/time");
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.header("retry-after"), "2");

    auto first = connect();
    auto second = connect();  // 2 attempts within the window
    EXPECT_EQ(env->server->stats().connectionRateViolations, 1u);
    std::this_thread::sleep_for(1600ms);  // the window has passed (a loaded machine only waits longer)
    auto third = connect();
    EXPECT_EQ(env->server->stats().connectionRateViolations, 1u);
}
