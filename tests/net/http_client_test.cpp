#include "cpc/net/http_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <gtest/gtest.h>

#include <future>

#include "net_test_util.hpp"

using namespace std::chrono_literals;
using cpc::net::HttpClient;
using cpc::net::IoThread;
using cpc::net::Url;
using cpc::test::runSync;
using cpc::test::SimEnv;

namespace {
Url restUrl(const SimEnv& env) {
    auto url = Url::parse(env.server->restBase());
    EXPECT_TRUE(url);
    return *url;
}
}  // namespace

class HttpClientTest : public ::testing::TestWithParam<bool> {};

TEST_P(HttpClientTest, ReusesOneKeptAliveConnection) {
    SimEnv env(GetParam());
    IoThread io;
    HttpClient client(io.context(), env.clientTls);
    for (int i = 0; i < 5; ++i) {
        auto r = runSync(io, client.get(restUrl(env), "/api/v3/ping"));
        ASSERT_TRUE(r) << r.error().message;
        EXPECT_EQ(r->status, 200);
        EXPECT_EQ(r->body, "{}");
    }
    EXPECT_EQ(client.connectionsOpened(), 1u);
    EXPECT_EQ(env.server->stats().restRequests, 5u);
}

TEST_P(HttpClientTest, ReconnectsTransparentlyWhenTheServerClosedTheConnection) {
    SimEnv env(GetParam());
    IoThread io;
    HttpClient client(io.context(), env.clientTls);
    ASSERT_TRUE(runSync(io, client.get(restUrl(env), "/api/v3/time")));
    env.server->dropHttpConnections();
    auto r = runSync(io, client.get(restUrl(env), "/api/v3/time"));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(client.connectionsOpened(), 2u);
}

TEST_P(HttpClientTest, HeaderNamesAreLowerCase) {
    SimEnv env(GetParam());
    IoThread io;
    HttpClient client(io.context(), env.clientTls);
    auto r = runSync(io, client.get(restUrl(env), "api/v3/ping"));  // leading '/' added
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->header("content-type"), "application/json;charset=UTF-8");
    EXPECT_FALSE(r->header("x-mbx-used-weight-1m").empty());
    EXPECT_EQ(r->header("no-such-header"), "");
}

TEST_P(HttpClientTest, CloseDropsTheKeptAliveConnection) {
    SimEnv env(GetParam());
    IoThread io;
    HttpClient client(io.context(), env.clientTls);
    ASSERT_TRUE(runSync(io, client.get(restUrl(env), "/api/v3/ping")));
    boost::asio::post(io.executor(), [&] { client.close(); });
    ASSERT_TRUE(runSync(io, client.get(restUrl(env), "/api/v3/ping")));
    EXPECT_EQ(client.connectionsOpened(), 2u);
}

TEST_P(HttpClientTest, PostSendsItsMethodAndBodyOnTheKeptAliveConnection) {
    SimEnv env(GetParam());
    IoThread io;
    HttpClient client(io.context(), env.clientTls);
    // Binance's dialect serves GET only: the answer names the method that arrived.
    auto r = runSync(io, client.post(restUrl(env), "/api/v3/ping", "{\"x\":1}"));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->status, 405);
    EXPECT_NE(r->body.find("got POST"), std::string::npos) << r->body;
    // The body was sent with its length: the connection is still in step for the next request.
    auto g = runSync(io, client.get(restUrl(env), "/api/v3/ping"));
    ASSERT_TRUE(g) << g.error().message;
    EXPECT_EQ(g->status, 200);
    EXPECT_EQ(client.connectionsOpened(), 1u);
    // KuCoin's dialect answers POST /api/v1/bullet-public (and only POST).
    cpc::sim::SimConfig kucoin;
    kucoin.exchange = "kucoin";
    SimEnv kenv(GetParam(), kucoin);
    HttpClient kclient(io.context(), kenv.clientTls);  // trusts this simulator's certificate
    auto b = runSync(io, kclient.post(restUrl(kenv), "/api/v1/bullet-public", ""));
    ASSERT_TRUE(b) << b.error().message;
    EXPECT_EQ(b->status, 200) << b->body;
    EXPECT_NE(b->body.find("\"token\""), std::string::npos) << b->body;
    auto bg = runSync(io, kclient.get(restUrl(kenv), "/api/v1/bullet-public"));
    ASSERT_TRUE(bg) << bg.error().message;
    EXPECT_EQ(bg->status, 405);
}

INSTANTIATE_TEST_SUITE_P(Transport, HttpClientTest, ::testing::Bool(), cpc::test::tlsName);

TEST(HttpClient, TimesOutOnAServerThatNeverAnswers) {
    IoThread io;
    // Accepts the TCP connection (backlog) but never reads or writes.
    boost::asio::ip::tcp::acceptor silent(io.context(), {boost::asio::ip::make_address("127.0.0.1"), 0});
    const auto port = silent.local_endpoint().port();
    HttpClient client(io.context(), nullptr, 300ms);
    auto url = Url::parse("http://127.0.0.1:" + std::to_string(port));
    ASSERT_TRUE(url);
    const auto start = std::chrono::steady_clock::now();
    auto r = runSync(io, client.get(*url, "/api/v3/ping"));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("timed out"), std::string::npos) << r.error().message;
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
    // Closed on the network thread, and only then destroyed here (TSan: the two raced).
    std::promise<void> closed;
    boost::asio::post(io.executor(), [&] {
        silent.close();
        closed.set_value();
    });
    closed.get_future().wait();
}

TEST(HttpClient, ReportsARefusedConnection) {
    IoThread io;
    std::uint16_t port = 0;
    {
        boost::asio::ip::tcp::acceptor probe(io.context(), {boost::asio::ip::make_address("127.0.0.1"), 0});
        port = probe.local_endpoint().port();
    }  // closed: nothing listens there now
    HttpClient client(io.context(), nullptr);
    auto r = runSync(io, client.get(*Url::parse("http://127.0.0.1:" + std::to_string(port)), "/"));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("cannot connect"), std::string::npos) << r.error().message;
}

TEST(HttpClient, RefusesPlainHttpToAPublicHostWithoutTouchingTheNetwork) {
    IoThread io;
    HttpClient client(io.context(), nullptr);
    Url url{"http", "api.binance.com", "80", "/"};  // built by hand, bypassing Url::parse
    auto r = runSync(io, client.get(url, "/api/v3/ping"));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("loopback"), std::string::npos) << r.error().message;
}

TEST(HttpClient, HttpsWithoutATlsContextIsAnError) {
    IoThread io;
    HttpClient client(io.context(), nullptr);
    auto r = runSync(io, client.get(*Url::parse("https://127.0.0.1:1"), "/"));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("TLS context"), std::string::npos) << r.error().message;
}
