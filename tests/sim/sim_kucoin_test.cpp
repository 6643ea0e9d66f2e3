// The simulator's KuCoin dialect, end to end: KucoinAdapter (from the registry) + HttpClient
// (GET and POST) / WsClient against `SimConfig::exchange = "kucoin"`, plain and over TLS.
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cpc/exchange/kucoin/kucoin_adapter.hpp"
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

// KuCoin leaves out periods without a trade.
std::vector<Candle> traded(std::vector<Candle> candles) {
    std::erase_if(candles, [](const Candle& c) { return c.trades == 0; });
    return candles;
}
}  // namespace

class SimKucoinTest : public ::testing::TestWithParam<bool> {
protected:
    sim::SimConfig config() {
        sim::SimConfig c;
        c.klinePushInterval = 100ms;
        c.clock = clock.fn();
        return c;
    }
    void start(sim::SimConfig c) { sim = std::make_unique<VenueSim>("kucoin", GetParam(), std::move(c), ""); }

    // POST /api/v1/bullet-public through the adapter, then connect to the answered endpoint and
    // read the welcome.
    std::unique_ptr<net::WsClient> connectWithToken(exchange::StreamConnectInfo* infoOut = nullptr) {
        const auto req = sim->adapter->streamConnectRequest();
        EXPECT_TRUE(req);
        EXPECT_EQ(req->method, "POST");
        auto r = cpc::test::runSync(sim->io, sim->http->post(*net::Url::parse(sim->env->server->restBase()), req->target,
                                                             req->body));
        if (!r) throw std::runtime_error(r.error().message);
        auto info = sim->adapter->parseStreamConnect(r->body, r->status, "c1");
        if (!info) throw std::runtime_error(info.error().message + " in " + r->body);
        EXPECT_TRUE(info->url.starts_with(sim->env->server->streamBase() + "/?token=")) << info->url;
        auto ws = sim->connect(info->url);
        const auto welcome = sim->readUntil<exchange::ControlReply>(*ws, [](const auto&) { return true; });
        EXPECT_EQ(welcome.message, "welcome");
        EXPECT_EQ(welcome.id, "c1");
        if (infoOut) *infoOut = *info;
        return ws;
    }

    TestClock clock{kFixedNowMs};
    std::unique_ptr<VenueSim> sim;
};

TEST_P(SimKucoinTest, RestHistoryPagesAreTheModelsTradedCandlesAscending) {
    start(config());
    const auto& model = sim->env->server->model();
    // NKNUSDT has no-trade minutes: KuCoin's answer must leave them out.
    for (const auto& [symbol, modelSymbol] : {std::pair{"BTC-USDT", "BTCUSDT"}, std::pair{"NKN-USDT", "NKNUSDT"}}) {
        for (const Interval interval : {Interval::M1, Interval::H1}) {
            const std::int64_t step = nominalMs(interval);
            std::int64_t from = (kFixedNowMs / step - 2000) * step;
            std::vector<Candle> got;
            for (int page = 0; page < 5 && from <= kFixedNowMs; ++page) {
                exchange::HistoryQuery q{symbol, interval, from, std::nullopt, 1500};
                const auto r = sim->get(sim->adapter->historyRequest(q).target);
                ASSERT_EQ(r.status, 200) << r.body;
                const auto rows = sim->adapter->parseHistoryFor(q, r.body, r.status, kFixedNowMs);
                ASSERT_TRUE(rows) << rows.error().message;
                got.insert(got.end(), rows->begin(), rows->end());
                from += 1500 * step;  // pages by time: a page may hold fewer rows than periods
            }
            std::vector<Candle> want;
            for (std::int64_t t = (kFixedNowMs / step - 2000) * step;;) {
                const auto part = model.klines(modelSymbol, interval, t, std::nullopt, 1000, kFixedNowMs);
                if (part.empty()) break;
                want.insert(want.end(), part.begin(), part.end());
                t = part.back().openTime + 1;
            }
            ASSERT_EQ(want.size(), 2001u);
            expectSameCandles(got, traded(want), std::string(symbol) + " " + std::string(toString(interval)));
            for (std::size_t i = 1; i < got.size(); ++i) ASSERT_LT(got[i - 1].openTime, got[i].openTime);
        }
    }
    // NKN's 1m history really has gaps (else the omission above was not tested).
    const auto nkn = model.klines("NKNUSDT", Interval::M1, std::nullopt, std::nullopt, 1000, kFixedNowMs);
    EXPECT_LT(traded(nkn).size(), nkn.size());
    // Raw rows: seconds, newest first, [time, open, close, high, low, volume, turnover].
    const auto r = sim->get("/api/v1/market/candles?symbol=BTC-USDT&type=1min");
    const auto j = nlohmann::json::parse(r.body);
    ASSERT_GE(j["data"].size(), 2u);
    const auto newest = std::stoll(j["data"][0][0].get<std::string>());
    EXPECT_GT(newest, std::stoll(j["data"][1][0].get<std::string>()));
    EXPECT_EQ(newest, kFixedNowMs / 60000 * 60);
    EXPECT_LE(j["data"].size(), 1500u);
}

// KuCoin's 1week candles open on Thursday 00:00 UTC (epoch-aligned), as the real venue's do: each
// folds the model's days of its Thursday-to-Wednesday week. (The app never asks for them: its 1w is
// Monday weeks built from 1day; tests/integration/venue_history_test.cpp.)
TEST_P(SimKucoinTest, WeeksOpenOnThursday) {
    start(config());
    constexpr std::int64_t kDay = 24 * 3600'000;
    const auto& model = sim->env->server->model();
    const auto r = sim->get("/api/v1/market/candles?symbol=BTC-USDT&type=1week&startAt=" +
                            std::to_string((kFixedNowMs - 70 * kDay) / 1000) + "&endAt=" + std::to_string(kFixedNowMs / 1000));
    ASSERT_EQ(r.status, 200) << r.body;
    const auto rows = sim->adapter->parseHistory(r.body, r.status, kFixedNowMs);
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->size(), 10u);
    for (const Candle& w : *rows) {
        EXPECT_EQ(w.openTime % (7 * kDay), 0) << w.openTime;  // 1970-01-01, day 0, was a Thursday
        const auto days = model.klines("BTCUSDT", Interval::D1, w.openTime, w.openTime + 7 * kDay - 1, 7, kFixedNowMs);
        ASSERT_FALSE(days.empty());
        Decimal volume{};
        Decimal high = days.front().high;
        for (const Candle& d : days) {
            volume = volume + d.volume;
            high = std::max(high, d.high);
        }
        EXPECT_EQ(w.open, days.front().open);
        EXPECT_EQ(w.close, days.back().close);
        EXPECT_EQ(w.high, high);
        EXPECT_EQ(w.volume, volume);
    }
    EXPECT_EQ(rows->back().openTime, kFixedNowMs / (7 * kDay) * (7 * kDay));  // the forming week
}

TEST_P(SimKucoinTest, TimestampSymbolsAndOrderBook) {
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

    const auto d = sim->get(sim->adapter->depthRequest("BTC-USDT", 20).target);
    const auto book = sim->adapter->parseDepthSnapshot(d.body, d.status, "BTC-USDT");
    ASSERT_TRUE(book) << book.error().message;
    const std::int64_t tick = sim::OrderBookModel::tickOf(kFixedNowMs);
    auto want = sim->env->server->book().book("BTCUSDT", tick);
    want.bids.resize(std::min<std::size_t>(20, want.bids.size()));
    want.asks.resize(std::min<std::size_t>(20, want.asks.size()));
    EXPECT_EQ(book->bids, want.bids);
    EXPECT_EQ(book->asks, want.asks);
    EXPECT_EQ(book->lastUpdateId, sim::OrderBookModel::lastUpdateId(tick));
}

TEST_P(SimKucoinTest, UnknownSymbolBadTypeAndNoTokenAreKucoinErrors) {
    start(config());
    exchange::HistoryQuery q{"NOPE-USDT", Interval::M1, std::nullopt, std::nullopt, 10};
    auto r = sim->get(sim->adapter->historyRequest(q).target);
    auto parsed = sim->adapter->parseHistoryFor(q, r.body, r.status, kFixedNowMs);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().code, 400100) << parsed.error().message;
    r = sim->get("/api/v1/market/candles?symbol=BTC-USDT&type=7min");
    parsed = sim->adapter->parseHistory(r.body, r.status, kFixedNowMs);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().code, 400100);
    // The bullet endpoint is POST only, and a WebSocket without a token is refused.
    r = sim->get("/api/v1/bullet-public");
    EXPECT_EQ(r.status, 405);
    net::WsClient ws(sim->io.context(), sim->env->clientTls);
    const auto c = cpc::test::runSync(sim->io, ws.connect(*net::Url::parse(sim->env->server->streamBase() + "/")));
    EXPECT_FALSE(c);
}

TEST_P(SimKucoinTest, WelcomeAckLiveCandlePushAndPong) {
    clock.set(kStart);
    start(config());
    auto ws = connectWithToken();
    const exchange::StreamSpec spec{"BTC-USDT", Interval::M1, exchange::StreamKind::Kline};
    sim->send(*ws, sim->adapter->subscribeMessage({spec}, 3));
    const auto ack = sim->readUntil<exchange::ControlReply>(*ws, [](const auto&) { return true; });
    EXPECT_EQ(ack.message, "ack");
    EXPECT_EQ(ack.id, "3");
    EXPECT_EQ(ack.errorCode, 0);

    const auto& model = sim->env->server->model();
    const auto forming = sim->readUntil<exchange::KlineUpdate>(*ws, [](const auto&) { return true; });
    EXPECT_EQ(forming.key, (SeriesKey{"kucoin", "BTC-USDT", Interval::M1}));
    const auto want = model.klines("BTCUSDT", Interval::M1, kMinuteOpen, kMinuteOpen, 1, kStart);
    ASSERT_EQ(want.size(), 1u);
    cpc::test::expectSameCandle(forming.candle, want.front(), "forming");
    EXPECT_EQ(forming.eventTimeMs, kStart);  // "time" in nanoseconds, back to ms

    // No closed flag on KuCoin: the next candle's push shows the minute is over.
    clock.set(kMinuteOpen + 60'500);
    const auto next = sim->readUntil<exchange::KlineUpdate>(
        *ws, [](const auto& u) { return u.candle.openTime == kMinuteOpen + 60'000; });
    EXPECT_FALSE(next.candle.closed);

    sim->send(*ws, *sim->adapter->heartbeatMessage(77));
    const auto pong = sim->readUntil<exchange::ControlReply>(*ws, [](const auto& r) { return r.message == "pong"; });
    EXPECT_EQ(pong.id, "77");

    sim->send(*ws, R"({"id":"5","type":"subscribe","topic":"/market/candles:NOPE-USDT_1min","response":true})");
    const auto refused = sim->readUntil<exchange::ControlReply>(*ws, [](const auto& r) { return r.id == "5"; });
    EXPECT_EQ(refused.errorCode, 404) << refused.message;
}

TEST_P(SimKucoinTest, MatchLevel2TickerAndSnapshotTopicsParse) {
    sim::SimConfig c;  // the real clock
    c.klinePushInterval = 100ms;
    c.liveTradesPerSecond = 20;
    start(c);
    auto ws = connectWithToken();
    using exchange::StreamKind;
    for (const StreamKind kind : {StreamKind::Trade, StreamKind::Depth, StreamKind::BookTicker, StreamKind::Ticker}) {
        sim->send(*ws, sim->adapter->subscribeMessage({{"ETH-USDT", Interval::M1, kind}}, static_cast<int>(kind) + 10));
        const auto ack = sim->readUntil<exchange::ControlReply>(*ws, [](const auto& r) { return r.message == "ack"; });
        EXPECT_EQ(ack.id, std::to_string(static_cast<int>(kind) + 10));
    }
    bool trade = false, chained = false, top = false, ticker = false;
    std::optional<std::int64_t> last;
    for (int i = 0; i < 3000 && !(trade && chained && top && ticker); ++i) {
        auto m = cpc::test::runSync(sim->io, ws->read(), 5s);
        ASSERT_TRUE(m) << m.error().message;
        auto events = sim->adapter->parseStreamMessage(*m);
        ASSERT_TRUE(events) << events.error().message << " in " << *m;
        for (const auto& e : *events) {
            if (const auto* t = std::get_if<exchange::TradeTick>(&e)) {
                trade = true;
                EXPECT_EQ(t->symbol, "ETH-USDT");
            } else if (const auto* d = std::get_if<exchange::DepthUpdate>(&e)) {
                if (last) {
                    EXPECT_EQ(d->firstUpdateId, *last + 1);
                    chained = true;
                }
                last = d->finalUpdateId;
            } else if (const auto* b = std::get_if<exchange::BookTicker>(&e)) {
                top = true;
                EXPECT_LT(b->bidPrice, b->askPrice);
            } else if (const auto* k = std::get_if<exchange::Ticker24h>(&e)) {
                ticker = true;
                EXPECT_EQ(k->symbol, "ETH-USDT");
            }
        }
    }
    EXPECT_TRUE(trade && chained && top && ticker) << trade << chained << top << ticker;
}

TEST_P(SimKucoinTest, ASilentClientIsCutAndAPingingOneIsNot) {
    clock.set(kStart);
    auto c = config();
    c.heartbeatTimeout = 1500ms;
    start(c);
    exchange::StreamConnectInfo info;
    auto pinging = connectWithToken(&info);
    // The token answer tells the client the (shortened) rules.
    EXPECT_EQ(info.heartbeatInterval + info.heartbeatTimeout, 1500ms);
    pinging.reset();
    sim->expectSilentClientCutAndPingingKept([this] { return connectWithToken(); },
                                             [this](int id) { return *sim->adapter->heartbeatMessage(id); });
}

TEST_P(SimKucoinTest, FaultsApplyToTheKucoinDialect) {
    clock.set(kStart);
    start(config());
    auto ws = connectWithToken();
    sim->waitForOpenConnections(1);
    sim->expectMalformedFrameRejected(*ws);
    sim->env->server->inject(sim::SimFault::RestTooMany);
    const auto r = sim->get("/api/v1/timestamp");
    EXPECT_EQ(r.status, 429);
    const auto e = exchange::KucoinAdapter::parseErrorBody(r.body, r.status);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, 429000);
    // When to ask again, KuCoin's way: the milliseconds until its quota resets, no Retry-After;
    // the feed's gate waits exactly that.
    EXPECT_EQ(r.header("retry-after"), "");
    EXPECT_EQ(r.header("gw-ratelimit-remaining"), "0");
    const std::string reset = r.header("gw-ratelimit-reset");
    ASSERT_FALSE(reset.empty());
    EXPECT_GT(std::stoll(reset), 0);
    EXPECT_EQ(sim->pauseAfter(r, kStart, 0), std::stoll(reset));
    sim->env->server->inject(sim::SimFault::CloseTcp);
    EXPECT_TRUE(sim->readsUntilClosed(*ws));
}

INSTANTIATE_TEST_SUITE_P(Transport, SimKucoinTest, ::testing::Bool(), cpc::test::tlsName);
