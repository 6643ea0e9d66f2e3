// The simulator's market-data streams (trade, aggTrade, depth, partial depth, bookTicker,
// tickers) and REST depth/ticker routes, read through the real clients and checked against the
// simulator's own models: trades add up to the klines, a local book built from the diff stream
// and the REST snapshot equals the simulator's book.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cpc/exchange/binance/binance_adapter.hpp"
#include "cpc/feed/order_book.hpp"
#include "cpc/net/http_client.hpp"
#include "cpc/net/ws_client.hpp"
#include "cpc/sim/ticker_model.hpp"
#include "net_test_util.hpp"

using namespace cpc;
using namespace std::chrono_literals;
using cpc::test::runSync;
using cpc::test::SimEnv;
using cpc::test::TestClock;

namespace {

constexpr std::int64_t kMinuteOpen = 1705320000000;  // 2024-01-15 12:00:00 UTC

class SimMarketStreams : public ::testing::Test {
protected:
    void SetUp() override {
        sim::SimConfig c;
        c.klinePushInterval = 100ms;
        c.clock = clock.fn();
        env = std::make_unique<SimEnv>(false, std::move(c));
    }

    std::unique_ptr<net::WsClient> connect(const std::string& path) {
        auto ws = std::make_unique<net::WsClient>(io.context(), env->clientTls);
        auto url = net::Url::parse(env->server->streamBase() + path);
        EXPECT_TRUE(url);
        auto c = runSync(io, ws->connect(*url));
        EXPECT_TRUE(c) << (c ? "" : c.error().message);
        return ws;
    }

    std::vector<exchange::StreamEvent> read(net::WsClient& ws) {
        auto frame = runSync(io, ws.read(), 5s);
        if (!frame) throw std::runtime_error(frame.error().message);
        auto events = adapter.parseStreamMessage(*frame);
        if (!events) throw std::runtime_error(events.error().message + ": " + *frame);
        return *events;
    }

    // Moves the exchange clock in small steps so that every producer sees every tick.
    void advance(std::int64_t toMs, std::int64_t stepMs) {
        while (clock.now() < toMs) {
            clock.set(std::min(toMs, clock.now() + stepMs));
            std::this_thread::sleep_for(12ms);
        }
    }

    TestClock clock{kMinuteOpen - 1000};
    std::unique_ptr<SimEnv> env;
    net::IoThread io;
    exchange::BinanceAdapter adapter;
};

}  // namespace

TEST_F(SimMarketStreams, TradesAndAggTradesAddUpToTheMinutesKline) {
    auto ws = connect("/stream?streams=btcusdt@trade/btcusdt@aggTrade");
    std::this_thread::sleep_for(60ms);  // the producers' first poll pins the start
    advance(kMinuteOpen + 60'000 + 500, 400);
    const auto candle =
        env->server->model().klines("BTCUSDT", Interval::M1, kMinuteOpen, kMinuteOpen, 1, kMinuteOpen + 120'000);
    ASSERT_EQ(candle.size(), 1u);
    ASSERT_GT(candle[0].trades, 3);
    Decimal tradeVolume, aggVolume;
    std::int64_t trades = 0, nextAggFirst = -1, aggCovered = 0;
    bool tradesDone = false, aggDone = false;
    while (!tradesDone || !aggDone) {
        for (const auto& e : read(*ws)) {
            const auto* t = std::get_if<exchange::TradeTick>(&e);
            ASSERT_NE(t, nullptr);
            const bool inMinute = t->timeMs >= kMinuteOpen && t->timeMs < kMinuteOpen + 60'000;
            if (t->timeMs >= kMinuteOpen + 60'000) (t->aggregate ? aggDone : tradesDone) = true;
            if (!inMinute) continue;
            if (t->aggregate) {
                if (nextAggFirst >= 0) {
                    EXPECT_EQ(t->firstTradeId, nextAggFirst);  // no trade lost or repeated
                }
                nextAggFirst = t->lastTradeId + 1;
                aggCovered += t->lastTradeId - t->firstTradeId + 1;
                aggVolume += t->quantity;
            } else {
                ++trades;
                tradeVolume += t->quantity;
            }
        }
    }
    EXPECT_EQ(trades, candle[0].trades);
    EXPECT_EQ(aggCovered, candle[0].trades);
    EXPECT_EQ(tradeVolume, candle[0].volume);
    EXPECT_EQ(aggVolume, candle[0].volume);
}

TEST_F(SimMarketStreams, DiffStreamPlusRestSnapshotGivesTheSimulatorsBook) {
    clock.set(kMinuteOpen + 20'000);
    auto ws = connect("/stream?streams=ethusdt@depth@100ms/ethusdt@bookTicker/ethusdt@depth5@100ms");
    net::HttpClient http(io.context(), env->clientTls);
    feed::LocalOrderBook book("ETHUSDT");
    advance(clock.now() + 1000, 100);
    auto base = net::Url::parse(env->server->restBase());
    auto res = runSync(io, http.get(*base, adapter.depthRequest("ETHUSDT", 1000).target));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->header("x-mbx-used-weight-1m"), "50");
    auto snapshot = adapter.parseDepthSnapshot(res->body, res->status, "ETHUSDT");
    ASSERT_TRUE(snapshot) << res->body;
    advance(clock.now() + 3000, 100);
    const std::int64_t finalId = sim::OrderBookModel::lastUpdateId(sim::OrderBookModel::tickOf(clock.now()));
    bool snapshotApplied = false;
    int partials = 0, tops = 0;
    while (!book.synced() || book.lastUpdateId() < finalId) {
        for (const auto& e : read(*ws)) {
            if (const auto* d = std::get_if<exchange::DepthUpdate>(&e)) {
                ASSERT_NE(book.onDiff(*d), feed::LocalOrderBook::Outcome::NeedsSnapshot);
                if (!snapshotApplied && d->finalUpdateId >= snapshot->lastUpdateId) {
                    ASSERT_EQ(book.onSnapshot(*snapshot), feed::LocalOrderBook::Outcome::Applied);
                    snapshotApplied = true;
                }
            } else if (const auto* p = std::get_if<exchange::DepthSnapshot>(&e)) {
                ++partials;
                EXPECT_EQ(p->symbol, "ETHUSDT");
                EXPECT_LE(p->bids.size(), 5u);
                const auto truth = env->server->book().book(
                    "ETHUSDT", sim::OrderBookModel::tickOfUpdateId(p->lastUpdateId));
                EXPECT_EQ(p->bids.front(), truth.bids.front());
            } else if (const auto* b = std::get_if<exchange::BookTicker>(&e)) {
                ++tops;
                EXPECT_LT(b->bidPrice, b->askPrice);
            }
        }
    }
    const auto truth = env->server->book().book("ETHUSDT", sim::OrderBookModel::tickOf(clock.now()));
    const auto mine = book.snapshot();
    EXPECT_EQ(mine.bids, truth.bids);
    EXPECT_EQ(mine.asks, truth.asks);
    EXPECT_EQ(book.resyncs(), 0u);
    EXPECT_GT(partials, 10);
    EXPECT_GT(tops, 0);
}

TEST_F(SimMarketStreams, TickersAgreeWithTheKlinesAndTheRestTicker) {
    clock.set(kMinuteOpen + 30'000);
    auto ws = connect("/stream?streams=adausdt@ticker/adausdt@miniTicker");
    bool full = false, mini = false;
    while (!full || !mini) {
        for (const auto& e : read(*ws)) {
            const auto& t = std::get<exchange::Ticker24h>(e);
            (t.mini ? mini : full) = true;
            EXPECT_EQ(t.symbol, "ADAUSDT");
            EXPECT_LE(t.low, t.high);
            EXPECT_GT(t.volume, Decimal{});
        }
    }
    // The REST ticker's volume is the sum of the window's 1m klines.
    net::HttpClient http(io.context(), env->clientTls);
    auto base = net::Url::parse(env->server->restBase());
    auto res = runSync(io, http.get(*base, "/api/v3/ticker/24hr?symbol=ADAUSDT"));
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    const auto j = nlohmann::json::parse(res->body);
    const std::int64_t now = clock.now();
    const std::int64_t first = now / kMinuteMs * kMinuteMs - kDayMs + kMinuteMs;
    Decimal volume;
    std::int64_t count = 0;
    for (std::int64_t from = first; from <= now; from += 1000 * kMinuteMs)
        for (const Candle& c : env->server->model().klines("ADAUSDT", Interval::M1, from,
                                                           std::min(now, from + 999 * kMinuteMs), 1000, now)) {
            volume += c.volume;
            count += c.trades;
        }
    EXPECT_EQ(j["volume"].get<std::string>(), volume.toString());
    EXPECT_EQ(j["count"].get<std::int64_t>(), count);
    EXPECT_EQ(res->header("x-mbx-used-weight-1m"), "2");
    EXPECT_EQ(*Decimal::parse(j["priceChange"].get<std::string>()),
              *Decimal::parse(j["lastPrice"].get<std::string>()) - *Decimal::parse(j["openPrice"].get<std::string>()));
}
