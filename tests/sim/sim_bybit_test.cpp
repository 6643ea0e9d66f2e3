// The simulator's Bybit v5 dialect, end to end: BybitAdapter (from the registry) + HttpClient /
// WsClient against `SimConfig::exchange = "bybit"`, plain and over TLS.
#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cpc/exchange/bybit/bybit_adapter.hpp"
#include "venue_sim_util.hpp"

using namespace cpc;
using namespace std::chrono_literals;
using cpc::test::expectSameCandles;
using cpc::test::kFixedNowMs;
using cpc::test::TestClock;
using cpc::test::VenueSim;

namespace {
constexpr std::int64_t kMinuteOpen = 1705320000000;  // 2024-01-15 12:00:00 UTC
constexpr std::int64_t kStart = kMinuteOpen + 58'000;
}  // namespace

class SimBybitTest : public ::testing::TestWithParam<bool> {
protected:
    sim::SimConfig config() {
        sim::SimConfig c;
        c.klinePushInterval = 100ms;
        c.clock = clock.fn();
        return c;
    }
    void start(sim::SimConfig c) { sim = std::make_unique<VenueSim>("bybit", GetParam(), std::move(c), "/v5/public/spot"); }

    TestClock clock{kFixedNowMs};
    std::unique_ptr<VenueSim> sim;
};

TEST_P(SimBybitTest, RestHistoryPagesAreTheModelsCandlesAscending) {
    start(config());
    const auto& model = sim->env->server->model();
    for (const Interval interval : {Interval::M1, Interval::H1}) {
        // Page forward from 2,500 candles back: the adapter asks for newest-first pages ending
        // where a page from `start` ends; parsed, they must be ascending and equal the model's.
        const std::int64_t step = nominalMs(interval);
        std::int64_t from = (kFixedNowMs / step - 2500) * step;
        std::vector<Candle> got;
        for (int page = 0; page < 5; ++page) {
            exchange::HistoryQuery q{"BTCUSDT", interval, from, std::nullopt, 1000};
            const auto req = sim->adapter->historyRequest(q);
            const auto r = sim->get(req.target);
            ASSERT_EQ(r.status, 200) << r.body;
            const auto rows = sim->adapter->parseHistoryFor(q, r.body, r.status, kFixedNowMs);
            ASSERT_TRUE(rows) << rows.error().message;
            const auto want = model.klines("BTCUSDT", interval, from, std::nullopt, 1000, kFixedNowMs);
            expectSameCandles(*rows, want, std::string(toString(interval)) + " page " + std::to_string(page));
            if (rows->empty()) break;
            got.insert(got.end(), rows->begin(), rows->end());
            from = rows->back().openTime + 1;
        }
        ASSERT_EQ(got.size(), 2501u) << toString(interval);
        for (std::size_t i = 1; i < got.size(); ++i) ASSERT_EQ(got[i].openTime, got[i - 1].openTime + step);
        EXPECT_FALSE(got.back().closed);  // the forming candle
        EXPECT_TRUE(got[got.size() - 2].closed);
    }
    // The raw answer is newest first, as Bybit's.
    const auto r = sim->get("/v5/market/kline?category=spot&symbol=BTCUSDT&interval=1&limit=3");
    const auto j = nlohmann::json::parse(r.body);
    ASSERT_EQ(j["result"]["list"].size(), 3u);
    EXPECT_GT(std::stoll(j["result"]["list"][0][0].get<std::string>()),
              std::stoll(j["result"]["list"][1][0].get<std::string>()));
}

TEST_P(SimBybitTest, ServerTimeInstrumentsAndOrderBook) {
    start(config());
    const auto t = sim->get(sim->adapter->serverTimeRequest().target);
    const auto now = sim->adapter->parseServerTime(t.body, t.status);
    ASSERT_TRUE(now) << now.error().message;
    EXPECT_EQ(*now, kFixedNowMs);

    const auto info = sim->get(sim->adapter->exchangeInfoRequest().target);
    const auto symbols = sim->adapter->parseExchangeInfo(info.body, info.status);
    ASSERT_TRUE(symbols) << symbols.error().message;
    ASSERT_EQ(symbols->size(), sim->env->server->model().symbols().size());
    for (const auto& s : *symbols) {
        const sim::SimSymbol* m = sim->env->server->model().find(s.symbol);
        ASSERT_NE(m, nullptr) << s.symbol;
        EXPECT_EQ(s.baseAsset, m->baseAsset);
        EXPECT_EQ(s.quoteAsset, m->quoteAsset);
        EXPECT_EQ(s.priceDecimals, m->priceDecimals);
        EXPECT_EQ(s.quantityDecimals, m->quantityDecimals);
    }

    const auto d = sim->get(sim->adapter->depthRequest("BTCUSDT", 10).target);
    const auto book = sim->adapter->parseDepthSnapshot(d.body, d.status, "BTCUSDT");
    ASSERT_TRUE(book) << book.error().message;
    auto want = sim->env->server->book().book("BTCUSDT", sim::OrderBookModel::tickOf(kFixedNowMs));
    want.bids.resize(10);
    want.asks.resize(10);
    EXPECT_EQ(book->bids, want.bids);
    EXPECT_EQ(book->asks, want.asks);
}

TEST_P(SimBybitTest, UnknownSymbolAndBadIntervalAreBybitErrors) {
    start(config());
    exchange::HistoryQuery q{"NOPEUSDT", Interval::M1, std::nullopt, std::nullopt, 10};
    auto r = sim->get(sim->adapter->historyRequest(q).target);
    auto parsed = sim->adapter->parseHistoryFor(q, r.body, r.status, kFixedNowMs);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().code, 10001) << parsed.error().message;
    EXPECT_NE(parsed.error().message.find("Not supported symbols"), std::string::npos);

    r = sim->get("/v5/market/kline?category=spot&symbol=BTCUSDT&interval=7&limit=5");
    parsed = sim->adapter->parseHistory(r.body, r.status, kFixedNowMs);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().code, 10001);
    EXPECT_NE(parsed.error().message.find("Invalid period"), std::string::npos);

    r = sim->get("/api/v3/klines?symbol=BTCUSDT&interval=1m");  // Binance's path: not this venue
    EXPECT_EQ(r.status, 404);
    EXPECT_TRUE(exchange::BybitAdapter::parseErrorBody(r.body, r.status));
}

TEST_P(SimBybitTest, SubscribeReplyLiveKlineAndItsClose) {
    clock.set(kStart);
    start(config());
    auto ws = sim->connect(sim->adapter->streamUrl({}));
    const exchange::StreamSpec spec{"BTCUSDT", Interval::M1, exchange::StreamKind::Kline};
    sim->send(*ws, sim->adapter->subscribeMessage({spec}, 7));
    const auto reply = sim->readUntil<exchange::ControlReply>(*ws, [](const auto&) { return true; });
    EXPECT_EQ(reply.id, "7");
    EXPECT_EQ(reply.errorCode, 0) << reply.message;

    const auto& model = sim->env->server->model();
    const auto forming = sim->readUntil<exchange::KlineUpdate>(*ws, [](const auto&) { return true; });
    EXPECT_EQ(forming.key, (SeriesKey{"bybit", "BTCUSDT", Interval::M1}));
    const auto want = model.klines("BTCUSDT", Interval::M1, kMinuteOpen, kMinuteOpen, 1, kStart);
    ASSERT_EQ(want.size(), 1u);
    cpc::test::expectSameCandle(forming.candle, want.front(), "forming");
    EXPECT_FALSE(forming.candle.closed);
    EXPECT_EQ(forming.eventTimeMs, kStart);

    clock.set(kMinuteOpen + 60'500);  // the minute closes: its final version, confirm = true
    const auto closed = sim->readUntil<exchange::KlineUpdate>(*ws, [](const auto& u) { return u.candle.closed; });
    const auto final = model.klines("BTCUSDT", Interval::M1, kMinuteOpen, kMinuteOpen, 1, kMinuteOpen + 60'500);
    ASSERT_EQ(final.size(), 1u);
    ASSERT_TRUE(final.front().closed);
    cpc::test::expectSameCandle(closed.candle, final.front(), "closed");
    const auto next = sim->readUntil<exchange::KlineUpdate>(
        *ws, [](const auto& u) { return u.candle.openTime == kMinuteOpen + 60'000; });
    EXPECT_FALSE(next.candle.closed);
}

TEST_P(SimBybitTest, PingIsAnsweredWithPongAndBadTopicsAreRefused) {
    clock.set(kStart);
    start(config());
    auto ws = sim->connect(sim->adapter->streamUrl({}));
    sim->send(*ws, *sim->adapter->heartbeatMessage(42));
    const auto pong = sim->readUntil<exchange::ControlReply>(*ws, [](const auto&) { return true; });
    EXPECT_EQ(pong.errorCode, 0);
    EXPECT_EQ(pong.id, "42");
    EXPECT_EQ(pong.message, "pong");

    sim->send(*ws, R"({"req_id":"9","op":"subscribe","args":["kline.1.NOPEUSDT"]})");
    const auto refused = sim->readUntil<exchange::ControlReply>(*ws, [](const auto&) { return true; });
    EXPECT_EQ(refused.id, "9");
    EXPECT_NE(refused.errorCode, 0);
    EXPECT_NE(refused.message.find("kline.1.NOPEUSDT"), std::string::npos) << refused.message;

    // More than 10 args in one subscribe (Bybit spot's limit).
    std::string args;
    for (int i = 0; i < 11; ++i) args += std::string(i ? "," : "") + "\"kline." + std::to_string(i + 1) + ".BTCUSDT\"";
    sim->send(*ws, R"({"req_id":"10","op":"subscribe","args":[)" + args + "]}");
    const auto tooMany = sim->readUntil<exchange::ControlReply>(*ws, [](const auto&) { return true; });
    EXPECT_EQ(tooMany.id, "10");
    EXPECT_NE(tooMany.errorCode, 0);
}

TEST_P(SimBybitTest, TradesBookAndTickerTopicsParse) {
    sim::SimConfig c;  // the real clock: trades and book ticks happen as time passes
    c.klinePushInterval = 100ms;
    c.liveTradesPerSecond = 20;  // a trade every 50 ms, whatever the symbol's history
    start(c);
    auto ws = sim->connect(sim->adapter->streamUrl({}));
    using exchange::StreamKind;
    const std::vector<exchange::StreamSpec> specs{{"ETHUSDT", Interval::M1, StreamKind::Trade},
                                                  {"ETHUSDT", Interval::M1, StreamKind::Depth},
                                                  {"ETHUSDT", Interval::M1, StreamKind::Ticker}};
    sim->send(*ws, sim->adapter->subscribeMessage(specs, 1));
    bool trade = false, snapshot = false, delta = false, ticker = false;
    for (int i = 0; i < 2000 && !(trade && snapshot && delta && ticker); ++i) {
        auto m = cpc::test::runSync(sim->io, ws->read(), 5s);
        ASSERT_TRUE(m) << m.error().message;
        auto events = sim->adapter->parseStreamMessage(*m);
        ASSERT_TRUE(events) << events.error().message << " in " << *m;
        for (const auto& e : *events) {
            if (const auto* t = std::get_if<exchange::TradeTick>(&e)) {
                trade = true;
                EXPECT_EQ(t->symbol, "ETHUSDT");
                EXPECT_GT(t->tradeId, 0);
            } else if (const auto* s = std::get_if<exchange::DepthSnapshot>(&e)) {
                snapshot = true;
                EXPECT_FALSE(s->bids.empty());
                EXPECT_LT(s->bids.front().price, s->asks.front().price);
            } else if (std::holds_alternative<exchange::DepthUpdate>(e)) {
                delta = true;
            } else if (const auto* k = std::get_if<exchange::Ticker24h>(&e)) {
                ticker = true;
                EXPECT_EQ(k->symbol, "ETHUSDT");
                EXPECT_GT(k->volume, Decimal{});
            }
        }
    }
    EXPECT_TRUE(trade && snapshot && delta && ticker) << trade << snapshot << delta << ticker;
}

// orderbook.1, .50 and .200 of one symbol on one connection are three books: each starts with
// its own snapshot and goes on with its own u sequence (consecutive, disjoint from the others'),
// orderbook.1 keeps one level per side, and the adapter labels each with its depthLevels.
TEST_P(SimBybitTest, OrderBookTopicsOfOneSymbolAreBooksOfTheirOwn) {
    sim::SimConfig c;  // the real clock: book ticks happen as time passes
    start(c);
    auto ws = sim->connect(sim->adapter->streamUrl({}));
    using exchange::StreamKind;
    sim->send(*ws, sim->adapter->subscribeMessage({{"ETHUSDT", Interval::M1, StreamKind::Depth},
                                                   {"ETHUSDT", Interval::M1, StreamKind::PartialDepth, 50},
                                                   {"ETHUSDT", Interval::M1, StreamKind::BookTicker}},
                                                  1));
    struct Topic {
        int levels = 0;
        std::vector<std::int64_t> us{};
        std::vector<std::string> types{};
        std::size_t mostLevels = 0;
    };
    std::map<std::string, Topic> topics{{"orderbook.1.ETHUSDT", {1}}, {"orderbook.50.ETHUSDT", {50}},
                                        {"orderbook.200.ETHUSDT", {0}}};
    const auto enough = [&] {
        return std::all_of(topics.begin(), topics.end(), [](const auto& t) { return t.second.us.size() >= 4; });
    };
    for (int i = 0; i < 2000 && !enough(); ++i) {
        auto m = cpc::test::runSync(sim->io, ws->read(), 5s);
        ASSERT_TRUE(m) << m.error().message;
        const auto j = nlohmann::json::parse(*m);
        if (!j.contains("topic")) continue;  // the subscribe reply
        auto it = topics.find(j["topic"].get<std::string>());
        ASSERT_NE(it, topics.end()) << *m;
        Topic& t = it->second;
        t.us.push_back(j["data"]["u"].get<std::int64_t>());
        t.types.push_back(j["type"].get<std::string>());
        t.mostLevels = std::max({t.mostLevels, j["data"]["b"].size(), j["data"]["a"].size()});
        auto events = sim->adapter->parseStreamMessage(*m);
        ASSERT_TRUE(events) << events.error().message << " in " << *m;
        for (const auto& e : *events) {
            if (const auto* s = std::get_if<exchange::DepthSnapshot>(&e)) {
                EXPECT_EQ(s->depthLevels, t.levels) << *m;
            } else if (const auto* d = std::get_if<exchange::DepthUpdate>(&e)) {
                EXPECT_EQ(d->depthLevels, t.levels) << *m;
            }
        }
    }
    ASSERT_TRUE(enough());
    std::set<std::int64_t> seen;
    for (const auto& [name, t] : topics) {
        SCOPED_TRACE(name);
        EXPECT_EQ(t.types.front(), "snapshot");
        for (std::size_t i = 1; i < t.us.size(); ++i) EXPECT_EQ(t.us[i], t.us[i - 1] + 1);
        for (const std::int64_t u : t.us) EXPECT_TRUE(seen.insert(u).second) << "u " << u << " of another topic too";
    }
    EXPECT_EQ(topics["orderbook.1.ETHUSDT"].mostLevels, 1u);
    EXPECT_GT(topics["orderbook.50.ETHUSDT"].mostLevels, 1u);
    EXPECT_EQ(std::count(topics["orderbook.1.ETHUSDT"].types.begin(), topics["orderbook.1.ETHUSDT"].types.end(), "delta"), 0);
}

TEST_P(SimBybitTest, ASilentClientIsCutAndAPingingOneIsNot) {
    clock.set(kStart);
    auto c = config();
    c.heartbeatTimeout = 1500ms;
    start(c);
    sim->expectSilentClientCutAndPingingKept([this] { return sim->connect(sim->adapter->streamUrl({})); },
                                             [this](int id) { return *sim->adapter->heartbeatMessage(id); });
}

TEST_P(SimBybitTest, FaultsApplyToTheBybitDialect) {
    clock.set(kStart);
    sim::SimConfig c = config();
    c.crossing429Grace = 60s;  // (wall clock: the count decides here, not the machine's speed)
    start(c);
    auto ws = sim->connect(sim->adapter->streamUrl({}));
    sim->send(*ws, sim->adapter->subscribeMessage({{"BTCUSDT", Interval::M1, exchange::StreamKind::Kline}}, 1));
    sim->readUntil<exchange::ControlReply>(*ws, [](const auto&) { return true; });
    sim->waitForOpenConnections(1);
    sim->expectMalformedFrameRejected(*ws);

    sim->env->server->inject(sim::SimFault::RestTooMany);
    const auto r = sim->get("/v5/market/time");
    EXPECT_EQ(r.status, 429);
    const auto e = exchange::BybitAdapter::parseErrorBody(r.body, r.status);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, 10006);
    // When to ask again, Bybit's way: the venue time its limit resets, no Retry-After; the feed's
    // gate converts it with the venue clock offset (here the venue runs 5 s ahead of us).
    EXPECT_EQ(r.header("retry-after"), "");
    const std::string reset = r.header("x-bapi-limit-reset-timestamp");
    ASSERT_FALSE(reset.empty());
    EXPECT_GT(std::stoll(reset), kStart);
    EXPECT_EQ(sim->pauseAfter(r, kStart - 5'000, 5'000), std::stoll(reset) - kStart);
    // Asking again before the wait (more often than requests crossing the 429 would): Bybit's IP
    // ban is HTTP 403, which the adapter's REST limits name, so the feed's RestGate treats it as a
    // ban (tests/net/rest_gate_test.cpp).
    for (int i = 0; i < 3; ++i) ASSERT_EQ(sim->get("/v5/market/time").status, 429) << "crossing " << i;
    const auto banned = sim->get("/v5/market/time");
    EXPECT_EQ(banned.status, 403);
    EXPECT_EQ(banned.status, sim->adapter->restRateLimit().banStatus);
    EXPECT_EQ(sim->env->server->stats().rest418, 1u);  // (counts bans, whatever the status)

    sim->env->server->inject(sim::SimFault::ResetTcp);
    EXPECT_TRUE(sim->readsUntilClosed(*ws));
}

INSTANTIATE_TEST_SUITE_P(Transport, SimBybitTest, ::testing::Bool(), cpc::test::tlsName);
