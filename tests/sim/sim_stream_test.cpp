// The simulator's WebSocket streams through the real WsClient, plain and over TLS.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cpc/exchange/binance/binance_adapter.hpp"
#include "cpc/net/ws_client.hpp"
#include "net_test_util.hpp"

using namespace cpc;
using namespace std::chrono_literals;
using cpc::net::IoThread;
using cpc::net::Url;
using cpc::net::WsClient;
using cpc::test::runSync;
using cpc::test::SimEnv;
using cpc::test::TestClock;
using json = nlohmann::json;

namespace {
// 12:00:58.000 on 2024-01-15: two seconds before a minute closes.
constexpr std::int64_t kMinuteOpen = 1705320000000;  // 12:00:00
constexpr std::int64_t kStart = kMinuteOpen + 58'000;
}  // namespace

class SimStreamTest : public ::testing::TestWithParam<bool> {
protected:
    sim::SimConfig config() {
        sim::SimConfig c;
        c.klinePushInterval = 100ms;
        c.clock = clock.fn();
        return c;
    }

    void start(sim::SimConfig c) { env = std::make_unique<SimEnv>(GetParam(), std::move(c)); }

    std::unique_ptr<WsClient> connect(const std::string& path) {
        auto ws = std::make_unique<WsClient>(io.context(), env->clientTls);
        auto url = Url::parse(env->server->streamBase() + path);
        if (!url) throw std::runtime_error(url.error().message);
        auto c = runSync(io, ws->connect(*url));
        if (!c) throw std::runtime_error(c.error().message);
        return ws;
    }

    json readJson(WsClient& ws) {
        auto m = runSync(io, ws.read(), 5s);
        if (!m) throw std::runtime_error(m.error().message);
        return json::parse(*m);
    }

    // Reads until a control reply (has "id") arrives; events before it are skipped.
    json readReply(WsClient& ws) {
        for (int i = 0; i < 200; ++i) {
            json j = readJson(ws);
            if (j.contains("id")) return j;
        }
        throw std::runtime_error("no control reply");
    }

    void send(WsClient& ws, const std::string& text) {
        auto r = runSync(io, ws.send(text));
        if (!r) throw std::runtime_error(r.error().message);
    }

    TestClock clock{kStart};
    std::unique_ptr<SimEnv> env;
    IoThread io;
    exchange::BinanceAdapter adapter;
};

TEST_P(SimStreamTest, RawStreamPushesKlineEvents) {
    start(config());
    auto ws = connect("/ws/btcusdt@kline_1m");
    std::string frame = *runSync(io, ws->read());
    const auto events = adapter.parseStreamMessage(frame);
    ASSERT_TRUE(events) << events.error().message << "\n" << frame;
    ASSERT_EQ(events->size(), 1u);
    const auto* k = std::get_if<exchange::KlineUpdate>(&events->front());
    ASSERT_NE(k, nullptr) << frame;
    EXPECT_EQ(k->key.symbol, "BTCUSDT");
    EXPECT_EQ(k->key.interval, Interval::M1);
    EXPECT_EQ(k->candle.openTime, kMinuteOpen);
    EXPECT_FALSE(k->candle.closed);
    EXPECT_EQ(k->eventTimeMs, kStart);
    EXPECT_FALSE(json::parse(frame).contains("stream"));  // raw: the bare event
    // The pushed candle is the model's forming candle.
    const auto model = env->server->model().klines("BTCUSDT", Interval::M1, kMinuteOpen, kMinuteOpen, 1, kStart);
    EXPECT_EQ(k->candle, model.at(0));
    // Pushes repeat at the push interval.
    const auto again = readJson(*ws);
    EXPECT_EQ(again["k"]["t"], kMinuteOpen);
}

TEST_P(SimStreamTest, CombinedStreamWrapsEventsWithTheStreamName) {
    start(config());
    auto ws = connect("/stream?streams=btcusdt@kline_1m/ethbtc@kline_1h");
    std::set<std::string> seen;
    for (int i = 0; i < 20 && seen.size() < 2; ++i) {
        const json j = readJson(*ws);
        ASSERT_TRUE(j.contains("stream") && j.contains("data")) << j.dump();
        const std::string stream = j["stream"];
        seen.insert(stream);
        const json& k = j["data"]["k"];
        if (stream == "btcusdt@kline_1m") {
            EXPECT_EQ(k["s"], "BTCUSDT");
            EXPECT_EQ(k["i"], "1m");
        } else {
            EXPECT_EQ(stream, "ethbtc@kline_1h");
            EXPECT_EQ(k["s"], "ETHBTC");
            EXPECT_EQ(k["i"], "1h");
        }
        EXPECT_TRUE(adapter.parseStreamMessage(j.dump()));
    }
    EXPECT_EQ(seen.size(), 2u);
}

TEST_P(SimStreamTest, AClosingCandleIsSentFinalThenTheNextOneStarts) {
    start(config());
    auto ws = connect("/ws/ethusdt@kline_1m");
    EXPECT_EQ(readJson(*ws)["k"]["x"], false);
    clock.set(kMinuteOpen + kMinuteMs + 300);  // the 12:00 candle is over
    std::optional<json> final;
    json next;
    for (int i = 0; i < 50; ++i) {
        const json j = readJson(*ws);
        if (j["k"]["t"] == kMinuteOpen && j["k"]["x"] == true) final = j;
        if (j["k"]["t"] == kMinuteOpen + kMinuteMs) {
            next = j;
            break;
        }
    }
    ASSERT_TRUE(final) << "no x:true event for the closed candle";
    EXPECT_EQ(next["k"]["x"], false);
    const auto model = env->server->model().klines("ETHUSDT", Interval::M1, kMinuteOpen, kMinuteOpen, 1,
                                                   kMinuteOpen + kMinuteMs + 300);
    const auto parsed = adapter.parseStreamMessage(final->dump());
    ASSERT_TRUE(parsed);
    EXPECT_EQ(std::get<exchange::KlineUpdate>(parsed->front()).candle, model.at(0));
}

TEST_P(SimStreamTest, SubscribeListAndUnsubscribe) {
    start(config());
    auto ws = connect("/ws");
    send(*ws, R"({"method":"SUBSCRIBE","params":["btcusdt@kline_1m","adausdt@kline_1s"],"id":1})");
    EXPECT_EQ(readReply(*ws), json::parse(R"({"result":null,"id":1})"));
    send(*ws, R"({"method":"LIST_SUBSCRIPTIONS","id":2})");
    EXPECT_EQ(readReply(*ws), json::parse(R"({"result":["btcusdt@kline_1m","adausdt@kline_1s"],"id":2})"));
    // Events of both streams arrive (raw: told apart by k.i).
    std::set<std::string> intervals;
    for (int i = 0; i < 20 && intervals.size() < 2; ++i) {
        const json j = readJson(*ws);
        if (j.contains("k")) intervals.insert(j["k"]["i"].get<std::string>());
    }
    EXPECT_EQ(intervals, (std::set<std::string>{"1m", "1s"}));
    send(*ws, R"({"method":"UNSUBSCRIBE","params":["btcusdt@kline_1m"],"id":"abc"})");
    EXPECT_EQ(readReply(*ws), json::parse(R"({"result":null,"id":"abc"})"));
    send(*ws, R"({"method":"LIST_SUBSCRIPTIONS","id":3})");
    EXPECT_EQ(readReply(*ws), json::parse(R"({"result":["adausdt@kline_1s"],"id":3})"));
    send(*ws, R"({"method":"SET_PROPERTY","params":["combined",true],"id":4})");
    EXPECT_EQ(readReply(*ws), json::parse(R"({"result":null,"id":4})"));
    send(*ws, R"({"method":"GET_PROPERTY","params":["combined"],"id":5})");
    EXPECT_EQ(readReply(*ws), json::parse(R"({"result":true,"id":5})"));
    const json wrapped = readJson(*ws);
    EXPECT_EQ(wrapped["stream"], "adausdt@kline_1s");
}

TEST_P(SimStreamTest, InvalidRequestsGetWrappedErrors) {
    start(config());
    auto ws = connect("/ws");
    send(*ws, R"({"method":"SUBSCRIBE","params":["btcusdt@kline_2m"],"id":7})");
    EXPECT_EQ(readReply(*ws), json::parse(R"({"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":7})"));
    send(*ws, R"({"method":"SUBSCRIBE","params":["BTCUSDT@kline_1m"],"id":8})");  // names are lower case
    EXPECT_EQ(readReply(*ws)["error"]["code"], 2);
    send(*ws, R"({"method":"SUBSCRIBE","params":["nosuch@kline_1m"],"id":9})");
    EXPECT_EQ(readReply(*ws)["error"]["msg"], "Invalid request: invalid stream");
    send(*ws, R"({"method":"LIST_SUBSCRIPTIONS","id":10})");
    EXPECT_EQ(readReply(*ws), json::parse(R"({"result":[],"id":10})"));  // nothing half-added
    send(*ws, R"({"method":"SUBSCRIBE","params":[],"id":{"x":1}})");
    EXPECT_EQ(readReply(*ws)["error"]["msg"], "Invalid request: request ID must be an unsigned integer");
    send(*ws, R"({"method":"FROB","id":11})");
    const json unknown = readReply(*ws);
    EXPECT_EQ(unknown["error"]["code"], 2);
    EXPECT_NE(unknown["error"]["msg"].get<std::string>().find("unknown variant `FROB`"), std::string::npos);
    send(*ws, R"({"method":"SET_PROPERTY","params":["colour",true],"id":12})");
    EXPECT_EQ(readReply(*ws), json::parse(R"({"error":{"code":0,"msg":"Unknown property"},"id":12})"));
    send(*ws, R"({"method":"SET_PROPERTY","params":["combined","yes"],"id":13})");
    EXPECT_EQ(readReply(*ws)["error"]["code"], 1);
    send(*ws, "{not json");
    EXPECT_EQ(readReply(*ws)["error"]["code"], 3);
}

TEST_P(SimStreamTest, UnknownStreamInTheUrlIsRejected) {
    start(config());
    WsClient ws(io.context(), env->clientTls);
    auto r = runSync(io, ws.connect(*Url::parse(env->server->streamBase() + "/ws/btcusdt@nonsense")));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, 400);
    EXPECT_NE(r.error().message.find("invalid stream"), std::string::npos) << r.error().message;
}

TEST_P(SimStreamTest, AnsweredPingsKeepTheConnectionAlive) {
    auto c = config();
    c.pingInterval = 100ms;
    c.pongTimeout = 300ms;
    start(c);
    auto ws = connect("/ws/btcusdt@kline_1m");
    // Keep a read pending for 1.2 s: Beast answers every ping meanwhile.
    const auto until = std::chrono::steady_clock::now() + 1200ms;
    while (std::chrono::steady_clock::now() < until) ASSERT_TRUE(runSync(io, ws->read()));
    EXPECT_TRUE(ws->isOpen());
    EXPECT_GE(ws->pingsReceived(), 5u);
    EXPECT_GE(env->server->stats().pingsSent, 5u);
    EXPECT_EQ(env->server->stats().pongTimeouts, 0u);
}

TEST_P(SimStreamTest, AClientThatNeverAnswersPingsIsDisconnected) {
    auto c = config();
    c.pingInterval = 100ms;
    c.pongTimeout = 300ms;
    start(c);
    auto ws = connect("/ws");  // no streams, and no read pending: pings go unanswered
    runSync(io, cpc::test::sleepFor(800ms));
    bool failed = false;
    for (int i = 0; i < 100 && !failed; ++i) failed = !runSync(io, ws->read(), 3s);
    EXPECT_TRUE(failed);
    EXPECT_GE(env->server->stats().pongTimeouts, 1u);
}

TEST_P(SimStreamTest, DropAllConnectionsFailsTheClientsRead) {
    start(config());
    auto ws = connect("/ws/btcusdt@kline_1m");
    ASSERT_TRUE(runSync(io, ws->read()));
    EXPECT_EQ(env->server->stats().wsOpenConnections, 1u);
    env->server->dropAllConnections();
    cpc::Result<std::string> r = std::string();
    for (int i = 0; i < 100 && r; ++i) r = runSync(io, ws->read(), 3s);  // buffered events first
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().code, 1);  // not closed by us
    EXPECT_EQ(env->server->stats().wsConnections, 1u);
}

TEST_P(SimStreamTest, GracefulCloseAndStats) {
    start(config());
    auto ws = connect("/ws/btcusdt@kline_1m");
    ASSERT_TRUE(runSync(io, ws->read()));
    runSync(io, ws->close());
    EXPECT_FALSE(ws->isOpen());
    for (int i = 0; i < 100 && env->server->stats().wsOpenConnections != 0; ++i)
        runSync(io, cpc::test::sleepFor(10ms));
    const auto stats = env->server->stats();
    EXPECT_EQ(stats.wsOpenConnections, 0u);
    EXPECT_EQ(stats.wsConnections, 1u);
    EXPECT_GE(stats.wsMessagesSent, 1u);
}

INSTANTIATE_TEST_SUITE_P(Transport, SimStreamTest, ::testing::Bool(), cpc::test::tlsName);
