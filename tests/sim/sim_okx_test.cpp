// The simulator's OKX v5 dialect, end to end: OkxAdapter (from the registry) + HttpClient /
// WsClient against `SimConfig::exchange = "okx"`, plain and over TLS.
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cpc/exchange/okx/okx_adapter.hpp"
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

class SimOkxTest : public ::testing::TestWithParam<bool> {
protected:
    sim::SimConfig config() {
        sim::SimConfig c;
        c.klinePushInterval = 100ms;
        c.clock = clock.fn();
        return c;
    }
    void start(sim::SimConfig c) { sim = std::make_unique<VenueSim>("okx", GetParam(), std::move(c), "/ws/v5"); }

    TestClock clock{kFixedNowMs};
    std::unique_ptr<VenueSim> sim;
};

TEST_P(SimOkxTest, RestHistoryPagesAreTheModelsCandlesAscending) {
    start(config());
    const auto& model = sim->env->server->model();
    for (const Interval interval : {Interval::M1, Interval::H4, Interval::S1}) {
        const std::int64_t step = nominalMs(interval);
        std::int64_t from = (kFixedNowMs / step - 250) * step;
        std::vector<Candle> got;
        for (int page = 0; page < 5; ++page) {
            exchange::HistoryQuery q{"BTC-USDT", interval, from, std::nullopt, 100};
            const auto r = sim->get(sim->adapter->historyRequest(q).target);
            ASSERT_EQ(r.status, 200) << r.body;
            const auto rows = sim->adapter->parseHistoryFor(q, r.body, r.status, kFixedNowMs);
            ASSERT_TRUE(rows) << rows.error().message;
            const auto want = model.klines("BTCUSDT", interval, from, std::nullopt, 100, kFixedNowMs);
            expectSameCandles(*rows, want, std::string(toString(interval)) + " page " + std::to_string(page));
            if (rows->empty()) break;
            got.insert(got.end(), rows->begin(), rows->end());
            from = rows->back().openTime + 1;
        }
        ASSERT_EQ(got.size(), 251u) << toString(interval);
        for (std::size_t i = 1; i < got.size(); ++i) ASSERT_EQ(got[i].openTime, got[i - 1].openTime + step);
        EXPECT_FALSE(got.back().closed);  // OKX's own confirm flag: "0" on the forming candle
        EXPECT_TRUE(got[got.size() - 2].closed);
    }
    // The newest page (no start, no end) comes from /market/candles, newest first.
    exchange::HistoryQuery latest{"BTC-USDT", Interval::M5, std::nullopt, std::nullopt, 50};
    const auto req = sim->adapter->historyRequest(latest);
    ASSERT_TRUE(req.target.starts_with("/api/v5/market/candles?")) << req.target;
    const auto r = sim->get(req.target);
    const auto rows = sim->adapter->parseHistoryFor(latest, r.body, r.status, kFixedNowMs);
    ASSERT_TRUE(rows) << rows.error().message;
    expectSameCandles(*rows, model.klines("BTCUSDT", Interval::M5, std::nullopt, std::nullopt, 50, kFixedNowMs),
                      "latest 5m");
    const auto j = nlohmann::json::parse(r.body);
    EXPECT_GT(std::stoll(j["data"][0][0].get<std::string>()), std::stoll(j["data"][1][0].get<std::string>()));
}

TEST_P(SimOkxTest, ServerTimeInstrumentsAndBooks) {
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
        const sim::SimSymbol* m = sim->env->server->model().find(s.baseAsset + s.quoteAsset);
        ASSERT_NE(m, nullptr) << s.symbol;
        EXPECT_EQ(s.symbol, m->baseAsset + "-" + m->quoteAsset);
        EXPECT_EQ(s.priceDecimals, m->priceDecimals);
        EXPECT_EQ(s.quantityDecimals, m->quantityDecimals);
    }

    const auto d = sim->get(sim->adapter->depthRequest("BTC-USDT", 10).target);
    const auto book = sim->adapter->parseDepthSnapshot(d.body, d.status, "BTC-USDT");
    ASSERT_TRUE(book) << book.error().message;
    auto want = sim->env->server->book().book("BTCUSDT", sim::OrderBookModel::tickOf(kFixedNowMs));
    want.bids.resize(10);
    want.asks.resize(10);
    EXPECT_EQ(book->bids, want.bids);
    EXPECT_EQ(book->asks, want.asks);
}

TEST_P(SimOkxTest, UnknownInstrumentAndBadBarAreOkxErrors) {
    start(config());
    exchange::HistoryQuery q{"NOPE-USDT", Interval::M1, std::nullopt, std::nullopt, 10};
    auto r = sim->get(sim->adapter->historyRequest(q).target);
    auto parsed = sim->adapter->parseHistoryFor(q, r.body, r.status, kFixedNowMs);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().code, 51001) << parsed.error().message;

    r = sim->get("/api/v5/market/candles?instId=BTC-USDT&bar=7m");
    parsed = sim->adapter->parseHistory(r.body, r.status, kFixedNowMs);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().code, 51000);
    r = sim->get("/api/v5/market/candles?instId=BTC-USDT&bar=1s");  // 1s only on history-candles
    parsed = sim->adapter->parseHistory(r.body, r.status, kFixedNowMs);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().code, 51000);
}

TEST_P(SimOkxTest, CandlesOnBusinessWithSubscribeReplyLivePushAndClose) {
    clock.set(kStart);
    start(config());
    const exchange::StreamSpec spec{"BTC-USDT", Interval::M1, exchange::StreamKind::Kline};
    const std::string url = sim->adapter->streamUrl({spec});
    ASSERT_TRUE(url.ends_with("/ws/v5/business")) << url;
    auto ws = sim->connect(url);
    sim->send(*ws, sim->adapter->subscribeMessage({spec}, 5));
    const auto reply = sim->readUntil<exchange::ControlReply>(*ws, [](const auto&) { return true; });
    EXPECT_EQ(reply.id, "5");
    EXPECT_EQ(reply.errorCode, 0) << reply.message;
    EXPECT_EQ(reply.message, "subscribe");

    const auto& model = sim->env->server->model();
    const auto forming = sim->readUntil<exchange::KlineUpdate>(*ws, [](const auto&) { return true; });
    EXPECT_EQ(forming.key, (SeriesKey{"okx", "BTC-USDT", Interval::M1}));
    const auto want = model.klines("BTCUSDT", Interval::M1, kMinuteOpen, kMinuteOpen, 1, kStart);
    ASSERT_EQ(want.size(), 1u);
    cpc::test::expectSameCandle(forming.candle, want.front(), "forming");

    clock.set(kMinuteOpen + 60'500);
    const auto closed = sim->readUntil<exchange::KlineUpdate>(*ws, [](const auto& u) { return u.candle.closed; });
    const auto final = model.klines("BTCUSDT", Interval::M1, kMinuteOpen, kMinuteOpen, 1, kMinuteOpen + 60'500);
    ASSERT_EQ(final.size(), 1u);
    cpc::test::expectSameCandle(closed.candle, final.front(), "closed");
}

TEST_P(SimOkxTest, TextPingGetsPongAndChannelsOnTheWrongUrlAreRefused) {
    clock.set(kStart);
    start(config());
    const exchange::StreamSpec candle{"BTC-USDT", Interval::M1, exchange::StreamKind::Kline};
    const exchange::StreamSpec trades{"BTC-USDT", Interval::M1, exchange::StreamKind::Trade};
    const std::string publicUrl = sim->adapter->streamUrl({trades});
    ASSERT_TRUE(publicUrl.ends_with("/ws/v5/public")) << publicUrl;
    auto ws = sim->connect(publicUrl);
    sim->send(*ws, *sim->adapter->heartbeatMessage(1));
    auto m = cpc::test::runSync(sim->io, ws->read(), 5s);
    ASSERT_TRUE(m);
    EXPECT_EQ(*m, "pong");
    const auto events = sim->adapter->parseStreamMessage(*m);
    ASSERT_TRUE(events);
    ASSERT_EQ(events->size(), 1u);
    EXPECT_TRUE(std::holds_alternative<exchange::ControlReply>(events->front()));

    sim->send(*ws, sim->adapter->subscribeMessage({candle}, 8));  // candles are on /business
    const auto refused = sim->readUntil<exchange::ControlReply>(*ws, [](const auto&) { return true; });
    EXPECT_EQ(refused.id, "8");
    EXPECT_EQ(refused.errorCode, 60018) << refused.message;
    sim->send(*ws, R"({"id":"9","op":"subscribe","args":[{"channel":"trades","instId":"NOPE-USDT"}]})");
    const auto unknown = sim->readUntil<exchange::ControlReply>(*ws, [](const auto&) { return true; });
    EXPECT_EQ(unknown.id, "9");
    EXPECT_NE(unknown.errorCode, 0);
}

TEST_P(SimOkxTest, TradesBooksAndTickersParseOnPublic) {
    sim::SimConfig c;  // the real clock
    c.klinePushInterval = 100ms;
    c.liveTradesPerSecond = 20;
    start(c);
    using exchange::StreamKind;
    const std::vector<exchange::StreamSpec> specs{{"ETH-USDT", Interval::M1, StreamKind::Trade},
                                                  {"ETH-USDT", Interval::M1, StreamKind::Depth},
                                                  {"ETH-USDT", Interval::M1, StreamKind::Ticker}};
    auto ws = sim->connect(sim->adapter->streamUrl(specs));
    sim->send(*ws, sim->adapter->subscribeMessage(specs, 1));
    bool trade = false, snapshot = false, chained = false, ticker = false;
    std::optional<std::int64_t> last;
    for (int i = 0; i < 2000 && !(trade && snapshot && chained && ticker); ++i) {
        auto m = cpc::test::runSync(sim->io, ws->read(), 5s);
        ASSERT_TRUE(m) << m.error().message;
        auto events = sim->adapter->parseStreamMessage(*m);
        ASSERT_TRUE(events) << events.error().message << " in " << *m;
        for (const auto& e : *events) {
            if (const auto* t = std::get_if<exchange::TradeTick>(&e)) {
                trade = true;
                EXPECT_EQ(t->symbol, "ETH-USDT");
            } else if (const auto* s = std::get_if<exchange::DepthSnapshot>(&e)) {
                snapshot = true;
                last = s->lastUpdateId;
                EXPECT_LT(s->bids.front().price, s->asks.front().price);
            } else if (const auto* d = std::get_if<exchange::DepthUpdate>(&e)) {
                ASSERT_TRUE(last) << "an update before the snapshot";
                EXPECT_EQ(d->firstUpdateId, *last + 1);  // prevSeqId chains to the previous seqId
                last = d->finalUpdateId;
                chained = true;
            } else if (const auto* k = std::get_if<exchange::Ticker24h>(&e)) {
                ticker = true;
                EXPECT_EQ(k->symbol, "ETH-USDT");
                EXPECT_LT(k->bidPrice, k->askPrice);
            }
        }
    }
    EXPECT_TRUE(trade && snapshot && chained && ticker) << trade << snapshot << chained << ticker;
}

TEST_P(SimOkxTest, ASilentClientIsCutAndAPingingOneIsNot) {
    clock.set(kStart);
    auto c = config();
    c.heartbeatTimeout = 1500ms;
    start(c);
    const std::string url = sim->adapter->streamUrl({{"BTC-USDT", Interval::M1, exchange::StreamKind::Trade}});
    sim->expectSilentClientCutAndPingingKept([this, &url] { return sim->connect(url); },
                                             [](int) { return std::string("ping"); });
}

TEST_P(SimOkxTest, FaultsApplyToTheOkxDialect) {
    clock.set(kStart);
    start(config());
    const exchange::StreamSpec spec{"BTC-USDT", Interval::M1, exchange::StreamKind::Kline};
    auto ws = sim->connect(sim->adapter->streamUrl({spec}));
    sim->send(*ws, sim->adapter->subscribeMessage({spec}, 1));
    sim->readUntil<exchange::ControlReply>(*ws, [](const auto&) { return true; });
    sim->waitForOpenConnections(1);
    sim->env->server->inject(sim::SimFault::ServerShutdown);  // OKX's 64008 notice
    sim->readUntil<exchange::ServerShutdown>(*ws, [](const auto&) { return true; });
    sim->expectMalformedFrameRejected(*ws);

    sim->env->server->inject(sim::SimFault::RestServerError);
    const auto r = sim->get("/api/v5/public/time");
    EXPECT_EQ(r.status, 503);
    EXPECT_TRUE(exchange::OkxAdapter::parseErrorBody(r.body, r.status));

    // OKX's 429 (code 50011) does not say when to ask again: the feed's gate waits one window of
    // the limit it paces by (2 s).
    sim->env->server->inject(sim::SimFault::RestTooMany);
    const auto tooMany = sim->get("/api/v5/public/time");
    EXPECT_EQ(tooMany.status, 429);
    const auto e = exchange::OkxAdapter::parseErrorBody(tooMany.body, tooMany.status);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, 50011);
    EXPECT_EQ(tooMany.header("retry-after"), "");
    EXPECT_EQ(sim->pauseAfter(tooMany, kStart, 0), 2'000);

    sim->env->server->inject(sim::SimFault::CloseTcp);
    EXPECT_TRUE(sim->readsUntilClosed(*ws));
}

INSTANTIATE_TEST_SUITE_P(Transport, SimOkxTest, ::testing::Bool(), cpc::test::tlsName);
