#include "cpc/net/ws_client.hpp"

#include <gtest/gtest.h>

#include "net_test_util.hpp"

using namespace std::chrono_literals;
using cpc::net::IoThread;
using cpc::net::Url;
using cpc::net::WsClient;
using cpc::test::runSync;
using cpc::test::SimEnv;

namespace {
Url streamUrl(const SimEnv& env, const std::string& path) {
    auto url = Url::parse(env.server->streamBase() + path);
    EXPECT_TRUE(url) << (url ? "" : url.error().message);
    return *url;
}

cpc::sim::SimConfig fastConfig() {
    cpc::sim::SimConfig c;
    c.klinePushInterval = 50ms;
    return c;
}
}  // namespace

class WsClientTest : public ::testing::TestWithParam<bool> {};

TEST_P(WsClientTest, ConnectsAndReadsAMessage) {
    SimEnv env(GetParam(), fastConfig());
    IoThread io;
    WsClient ws(io.context(), env.clientTls);
    auto c = runSync(io, ws.connect(streamUrl(env, "/ws/btcusdt@kline_1m")));
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_TRUE(ws.isOpen());
    auto m = runSync(io, ws.read());
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_NE(m->find("\"e\":\"kline\""), std::string::npos) << *m;
    runSync(io, ws.close());
    EXPECT_FALSE(ws.isOpen());
}

TEST_P(WsClientTest, CancelMakesAPendingReadFailAsClosedByUs) {
    SimEnv env(GetParam());
    IoThread io;
    WsClient ws(io.context(), env.clientTls);
    ASSERT_TRUE(runSync(io, ws.connect(streamUrl(env, "/ws"))));  // no streams: nothing to read
    auto pending = cpc::test::spawn(io, ws.read());
    EXPECT_EQ(pending.wait_for(100ms), std::future_status::timeout);
    boost::asio::post(io.executor(), [&] { ws.cancel(); });
    ASSERT_EQ(pending.wait_for(2s), std::future_status::ready);
    auto r = pending.get();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, 1);
    EXPECT_FALSE(ws.isOpen());
}

TEST_P(WsClientTest, SendAfterCloseIsAnError) {
    SimEnv env(GetParam());
    IoThread io;
    WsClient ws(io.context(), env.clientTls);
    ASSERT_TRUE(runSync(io, ws.connect(streamUrl(env, "/ws"))));
    runSync(io, ws.close());
    auto r = runSync(io, ws.send("{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":1}"));
    EXPECT_FALSE(r);
}

TEST_P(WsClientTest, ConcurrentSendsAreQueued) {
    SimEnv env(GetParam());
    IoThread io;
    WsClient ws(io.context(), env.clientTls);
    ASSERT_TRUE(runSync(io, ws.connect(streamUrl(env, "/ws"))));
    // Ten sends started at once: Beast allows one write at a time, the client must queue them.
    std::vector<std::future<cpc::Result<cpc::Ok>>> sends;
    for (int i = 1; i <= 10; ++i)
        sends.push_back(cpc::test::spawn(
            io, ws.send("{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":" + std::to_string(i) + "}")));
    for (auto& f : sends) {
        ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
        EXPECT_TRUE(f.get());
    }
    for (int i = 1; i <= 10; ++i) {
        auto reply = runSync(io, ws.read());
        ASSERT_TRUE(reply) << reply.error().message;
        EXPECT_EQ(*reply, "{\"result\":[],\"id\":" + std::to_string(i) + "}");
    }
}

INSTANTIATE_TEST_SUITE_P(Transport, WsClientTest, ::testing::Bool(), cpc::test::tlsName);

TEST(WsClient, ReadBeforeConnectIsAnError) {
    IoThread io;
    WsClient ws(io.context(), nullptr);
    EXPECT_FALSE(ws.isOpen());
    EXPECT_FALSE(runSync(io, ws.read()));
    ws.cancel();  // safe when not connected
}

TEST(WsClient, RefusesPlainWsToAPublicHost) {
    IoThread io;
    WsClient ws(io.context(), nullptr);
    auto r = runSync(io, ws.connect(Url{"ws", "stream.binance.com", "9443", "/ws"}));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("loopback"), std::string::npos) << r.error().message;
}

TEST(WsClient, UpgradeDeclinedCarriesTheHttpStatus) {
    SimEnv env(false);
    IoThread io;
    WsClient ws(io.context(), nullptr);
    auto r = runSync(io, ws.connect(streamUrl(env, "/api/v3/nothing-here")));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, 404);
    EXPECT_NE(r.error().message.find("declined"), std::string::npos) << r.error().message;
}
