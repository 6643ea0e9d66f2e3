// The simulator's live load (SimConfig::liveTradesPerSecond, `cpc sim --trade-rate`): up to
// 20,000 extra trades a second from the start on, with history before it untouched and every
// candle after it the exact aggregate of the trades the model (and so the streams) produce.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <nlohmann/json.hpp>

#include "cpc/core/time.hpp"
#include "cpc/sim/market_model.hpp"
#include "cpc/sim/order_book_model.hpp"
#include "cpc/sim/symbol_universe.hpp"
#include "cpc/sim/ticker_model.hpp"
#include "stream_registry.hpp"  // src/sim (private to the simulator)
#include "ticker_window.hpp"    // src/sim

using namespace cpc;
using sim::LiveTrades;
using sim::MarketModel;

namespace {

std::int64_t utc(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
    return daysFromCivil(CivilDate{y, m, d}) * kDayMs + hh * kHourMs + mm * kMinuteMs + ss * kSecondMs;
}

// Mid-second and mid-minute: the start splits a second, a minute and a day.
const std::int64_t kStart = utc(2024, 3, 20, 15, 42, 17) + 250;
constexpr int kRate = 20000;

// The candle Binance would build from these trades (all inside [openTime, next open)).
Candle candleOf(std::int64_t openTime, const std::vector<exchange::TradeTick>& trades) {
    Candle c;
    c.openTime = openTime;
    for (const auto& t : trades) {
        if (c.trades == 0) {
            c.open = c.high = c.low = t.price;
        }
        c.high = std::max(c.high, t.price);
        c.low = std::min(c.low, t.price);
        c.close = t.price;
        ++c.trades;
        c.volume += t.quantity;
        const Decimal quote = Decimal::fromUnits(t.price.units() * t.quantity.units() / Decimal::kUnitsPerOne);
        c.quoteVolume += quote;
        if (!t.buyerIsMaker) {
            c.takerBuyBase += t.quantity;
            c.takerBuyQuote += quote;
        }
    }
    return c;
}

void expectSameCandleData(const Candle& expected, const Candle& actual, const std::string& what) {
    EXPECT_EQ(expected.open, actual.open) << what;
    EXPECT_EQ(expected.high, actual.high) << what;
    EXPECT_EQ(expected.low, actual.low) << what;
    EXPECT_EQ(expected.close, actual.close) << what;
    EXPECT_EQ(expected.volume, actual.volume) << what;
    EXPECT_EQ(expected.quoteVolume, actual.quoteVolume) << what;
    EXPECT_EQ(expected.trades, actual.trades) << what;
    EXPECT_EQ(expected.takerBuyBase, actual.takerBuyBase) << what;
    EXPECT_EQ(expected.takerBuyQuote, actual.takerBuyQuote) << what;
}

}  // namespace

TEST(LiveTrades, HistoryBeforeTheStartIsUnchanged) {
    const MarketModel plain(42);
    const MarketModel loaded(42, MarketModel::defaultSymbols(), LiveTrades{kRate, kStart});
    // Trades (ids included) up to the start.
    for (const std::string symbol : {"BTCUSDT", "NKNUSDT"}) {
        const auto a = plain.trades(symbol, kStart - 3 * kMinuteMs, kStart);
        EXPECT_EQ(a.size(), loaded.trades(symbol, kStart - 3 * kMinuteMs, kStart).size()) << symbol;
        const auto b = loaded.trades(symbol, kStart - 3 * kMinuteMs, kStart);
        for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
            EXPECT_EQ(a[i].tradeId, b[i].tradeId);
            EXPECT_EQ(a[i].price, b[i].price);
            EXPECT_EQ(a[i].timeMs, b[i].timeMs);
        }
    }
    // Every candle as of just before the start, and every candle closed before the start as of
    // later on, of every kind of interval.
    for (Interval i : {Interval::S1, Interval::M1, Interval::H1, Interval::D1, Interval::W1}) {
        const auto before = plain.klines("BTCUSDT", i, std::nullopt, std::nullopt, 300, kStart - 1);
        ASSERT_FALSE(before.empty()) << toString(i);
        EXPECT_EQ(before, loaded.klines("BTCUSDT", i, std::nullopt, std::nullopt, 300, kStart - 1)) << toString(i);
        const auto later = loaded.klines("BTCUSDT", i, std::nullopt, kStart - 1, 300, kStart + 5 * kSecondMs);
        for (const Candle& c : later)
            if (nextBucketStart(i, c.openTime) <= kStart) {
                const auto p = plain.klines("BTCUSDT", i, c.openTime, c.openTime, 1, kStart + 5 * kSecondMs);
                ASSERT_EQ(p.size(), 1u);
                EXPECT_EQ(p.front(), c) << toString(i) << " " << c.openTime;
            }
    }
}

TEST(LiveTrades, TheRateIsExactAndIdsAndTimesIncrease) {
    const MarketModel loaded(42, MarketModel::defaultSymbols(), LiveTrades{kRate, kStart});
    const MarketModel plain(42);
    const std::int64_t from = kStart + 750;  // a whole second boundary
    const auto trades = loaded.trades("BTCUSDT", from, from + 2 * kSecondMs);
    const auto historical = plain.trades("BTCUSDT", from, from + 2 * kSecondMs);
    EXPECT_EQ(trades.size(), 2u * kRate + historical.size());
    for (std::size_t i = 1; i < trades.size(); ++i) {
        ASSERT_LT(trades[i - 1].tradeId, trades[i].tradeId) << i;
        ASSERT_LE(trades[i - 1].timeMs, trades[i].timeMs) << i;
    }
    // Nothing live before the start; the first live trade is at it.
    const auto first = loaded.firstTradeFrom("BTCUSDT", kStart, kStart + kSecondMs);
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->timeMs, kStart);
    EXPECT_GT(first->tradeId, plain.lastTradeBefore("BTCUSDT", kStart, kStart - kDayMs)->tradeId);
    // Ids across a minute boundary keep increasing (the id space is stretched after the start).
    const std::int64_t nextMinute = (kStart / kMinuteMs + 1) * kMinuteMs;
    const auto last = loaded.lastTradeBefore("BTCUSDT", nextMinute, kStart);
    const auto next = loaded.firstTradeFrom("BTCUSDT", nextMinute, nextMinute + kSecondMs);
    ASSERT_TRUE(last && next);
    EXPECT_LT(last->tradeId, next->tradeId);
    EXPECT_EQ(next->timeMs, nextMinute);
}

TEST(LiveTrades, AnyWindowingOfTheStreamGivesTheSameTrades) {
    const MarketModel loaded(7, MarketModel::defaultSymbols(), LiveTrades{1234, kStart});
    const auto whole = loaded.trades("ETHUSDT", kStart - 500, kStart + 3 * kSecondMs);
    std::vector<exchange::TradeTick> pieces;
    for (std::int64_t t = kStart - 500; t < kStart + 3 * kSecondMs; t += 37) {
        const auto part = loaded.trades("ETHUSDT", t, std::min(t + 37, kStart + 3 * kSecondMs));
        pieces.insert(pieces.end(), part.begin(), part.end());
    }
    ASSERT_EQ(whole.size(), pieces.size());
    for (std::size_t i = 0; i < whole.size(); ++i) {
        EXPECT_EQ(whole[i].tradeId, pieces[i].tradeId);
        EXPECT_EQ(whole[i].price, pieces[i].price);
        EXPECT_EQ(whole[i].quantity, pieces[i].quantity);
    }
}

TEST(LiveTrades, CandlesAfterTheStartAggregateTheStreamedTrades) {
    const MarketModel loaded(42, MarketModel::defaultSymbols(), LiveTrades{kRate, kStart});
    const std::int64_t now = kStart + 2 * kSecondMs + 400;
    // 1s candles: the split second of the start and the following ones, the last one forming.
    for (std::int64_t sec = kStart / kSecondMs; sec * kSecondMs <= now; ++sec) {
        const auto k = loaded.klines("BTCUSDT", Interval::S1, sec * kSecondMs, sec * kSecondMs, 1, now);
        ASSERT_EQ(k.size(), 1u);
        const auto trades = loaded.trades("BTCUSDT", sec * kSecondMs, std::min(sec * kSecondMs + kSecondMs, now + 1));
        expectSameCandleData(candleOf(sec * kSecondMs, trades), k.front(), "1s " + std::to_string(sec));
    }
    // The 1m candle holding the start, forming, and after it has closed.
    const std::int64_t minute = kStart / kMinuteMs * kMinuteMs;
    for (const std::int64_t at : {now, minute + kMinuteMs + 10}) {
        const auto k = loaded.klines("BTCUSDT", Interval::M1, minute, minute, 1, at);
        ASSERT_EQ(k.size(), 1u);
        const auto trades = loaded.trades("BTCUSDT", minute, std::min(minute + kMinuteMs, at + 1));
        expectSameCandleData(candleOf(minute, trades), k.front(), "1m at " + std::to_string(at));
        EXPECT_GT(k.front().trades, kRate);
    }
    // Higher intervals are the aggregate of those minutes, as before.
    const auto h1 = loaded.klines("BTCUSDT", Interval::H1, std::nullopt, std::nullopt, 1, now);
    const auto m1 = loaded.klines("BTCUSDT", Interval::M1, h1.front().openTime, now, 60, now);
    std::int64_t count = 0;
    for (const Candle& c : m1) count += c.trades;
    EXPECT_EQ(h1.front().trades, count);
}

TEST(LiveTrades, RateOutOfRangeIsRejected) {
    EXPECT_THROW(MarketModel(1, MarketModel::defaultSymbols(), LiveTrades{20001, kStart}), std::invalid_argument);
    EXPECT_THROW(MarketModel(1, MarketModel::defaultSymbols(), LiveTrades{-1, kStart}), std::invalid_argument);
}

// The ticker streams keep the window's closed minutes (TickerWindow): every push equals the
// ticker computed from the whole window, across minute boundaries and under live load.
TEST(LiveTrades, TheKeptTickerWindowGivesTheWholeWindowsTicker) {
    const MarketModel loaded(42, MarketModel::defaultSymbols(), LiveTrades{200, kStart});
    const sim::OrderBookModel book(loaded, 42);
    for (const std::string symbol : {"BTCUSDT", "NKNUSDT"}) {
        sim::TickerWindow window;
        for (std::int64_t now = kStart - 2 * kSecondMs; now < kStart + 3 * kMinuteMs; now += 7'300) {
            for (const bool mini : {true, false}) {
                sim::TickerWindow fresh;
                const auto kept = (mini ? window : fresh).ticker(loaded, book, symbol, now, mini);
                const auto whole = sim::rollingTicker(loaded, book, symbol, now, mini);
                const std::string at = symbol + " at " + std::to_string(now);
                EXPECT_EQ(kept.lastPrice, whole.lastPrice) << at;
                EXPECT_EQ(kept.open, whole.open) << at;
                EXPECT_EQ(kept.high, whole.high) << at;
                EXPECT_EQ(kept.low, whole.low) << at;
                EXPECT_EQ(kept.volume, whole.volume) << at;
                EXPECT_EQ(kept.quoteVolume, whole.quoteVolume) << at;
                EXPECT_EQ(kept.tradeCount, whole.tradeCount) << at;
                EXPECT_EQ(kept.firstTradeId, whole.firstTradeId) << at;
                EXPECT_EQ(kept.lastTradeId, whole.lastTradeId) << at;
                EXPECT_EQ(kept.priceChangePercent, whole.priceChangePercent) << at;
                EXPECT_EQ(kept.bidPrice, whole.bidPrice) << at;
            }
        }
    }
}

TEST(LiveTrades, OnlyTheFirstSymbolsCarryTheLoadWhenAskedAndAManySymbolMarketIsMade) {
    // `cpc sim --symbol-count 300 --trade-rate 100 --trade-symbols 2`.
    const auto symbols = sim::withLiveLoadOn(sim::symbolUniverse(300), 2);
    ASSERT_EQ(symbols.size(), 300U);
    std::set<std::string> names;
    for (const auto& s : symbols) names.insert(s.symbol);
    EXPECT_EQ(names.size(), 300U);
    EXPECT_EQ(symbols[0].symbol, "BTCUSDT");
    EXPECT_EQ(symbols[299].symbol, "X0295USDT");
    const MarketModel loaded(42, symbols, LiveTrades{100, kStart});
    const MarketModel plain(42, sim::symbolUniverse(300));
    const std::int64_t from = kStart + kSecondMs, to = kStart + 3 * kSecondMs;
    // The first two trade 100 more times a second; the others exactly as without load.
    EXPECT_GE(loaded.trades("ETHUSDT", from, to).size(), plain.trades("ETHUSDT", from, to).size() + 200);
    for (const std::string symbol : {"ETHBTC", "X0001USDT", "X0295USDT"})
        EXPECT_EQ(loaded.trades(symbol, from, to).size(), plain.trades(symbol, from, to).size()) << symbol;
    // Generated symbols trade and have sane candles.
    const auto day = plain.klines("X0042USDT", Interval::D1, std::nullopt, std::nullopt, 2, kStart);
    ASSERT_EQ(day.size(), 2U);
    EXPECT_GT(day.front().trades, 0);
    EXPECT_GT(day.front().close.toDouble(), 0.0);
    auto over = symbols;
    over[5].liveTradesPerSecond = 20001;
    EXPECT_THROW(MarketModel(1, over, LiveTrades{0, kStart}), std::invalid_argument);
}

// A depth diff that covers several 100 ms ticks (a late poll) names every level that changed in
// between, as Binance's does: applied to a snapshot taken inside the range it gives the book at
// the diff's end. Under live load the mid moves every tick, so levels appear and vanish.
TEST(LiveTrades, ADepthDiffOverSeveralTicksFixesASnapshotInsideIt) {
    const std::int64_t t0 = (kStart / 100 + 5) * 100;
    const MarketModel model(42, MarketModel::defaultSymbols(), LiveTrades{kRate, kStart});
    const sim::OrderBookModel book(model, 42);
    const auto streams = sim::makeBinanceStreams(model, book, std::chrono::milliseconds(1000));
    auto depth = streams.create("btcusdt@depth@100ms");
    ASSERT_NE(depth, nullptr);
    std::vector<std::string> out;
    depth->poll(sim::PollTime{t0, {}}, out);  // the first poll only takes its starting point
    ASSERT_TRUE(out.empty());
    const std::int64_t tick0 = sim::OrderBookModel::tickOf(t0);
    for (const std::int64_t late : {3, 6}) {
        const std::int64_t lastTick = tick0 + (late == 3 ? 0 : 3);
        depth->poll(sim::PollTime{(lastTick + late) * 100, {}}, out);
        ASSERT_EQ(out.size(), 1u);
        const auto diff = nlohmann::json::parse(out.front());
        out.clear();
        for (std::int64_t inside = lastTick + 1; inside < lastTick + late; ++inside) {
            // A client's snapshot at `inside`, then the diff applied (Binance's update rule).
            const auto snapshot = book.book("BTCUSDT", inside);
            ASSERT_LE(diff["U"].get<std::int64_t>(), snapshot.lastUpdateId + 1);
            ASSERT_GE(diff["u"].get<std::int64_t>(), snapshot.lastUpdateId + 1);
            std::map<Decimal, Decimal> bids, asks;
            for (const auto& l : snapshot.bids) bids[l.price] = l.quantity;
            for (const auto& l : snapshot.asks) asks[l.price] = l.quantity;
            const auto applySide = [](const nlohmann::json& levels, std::map<Decimal, Decimal>& side) {
                for (const auto& l : levels) {
                    const Decimal price = *Decimal::parse(l[0].get<std::string>());
                    const Decimal qty = *Decimal::parse(l[1].get<std::string>());
                    if (qty.isZero())
                        side.erase(price);
                    else
                        side[price] = qty;
                }
            };
            applySide(diff["b"], bids);
            applySide(diff["a"], asks);
            const auto truth = book.book("BTCUSDT", lastTick + late);
            std::map<Decimal, Decimal> wantBids, wantAsks;
            for (const auto& l : truth.bids) wantBids[l.price] = l.quantity;
            for (const auto& l : truth.asks) wantAsks[l.price] = l.quantity;
            EXPECT_EQ(bids, wantBids) << "snapshot at tick " << inside << ", diff over " << late << " ticks";
            EXPECT_EQ(asks, wantAsks) << "snapshot at tick " << inside << ", diff over " << late << " ticks";
        }
    }
}

TEST(LiveTrades, LiveLoadKeepsTheCandlesVolumeInScaleWithTheHistory) {
    // The realtime window (and the demo chart) trade thousands of times more often than the
    // history: the forming candles' volume must not dwarf the history's bars (it was ~100× at
    // 1,000 trades/s). The live trades together trade about what the history trades.
    const std::int64_t dayStart = utc(2024, 3, 20);
    const MarketModel plain(42);
    double historyVolume = 0;
    const auto history = plain.klines("BTCUSDT", Interval::M1, dayStart, std::nullopt, 600, dayStart + kDayMs);
    for (const Candle& c : history) historyVolume += c.volume.toDouble();
    const double historyPerMinute = historyVolume / static_cast<double>(history.size());
    ASSERT_GT(historyPerMinute, 0.0);
    for (const int rate : {20, 1000, 20000}) {
        SCOPED_TRACE(rate);
        const MarketModel loaded(42, MarketModel::defaultSymbols(), LiveTrades{rate, dayStart + 600 * kMinuteMs});
        const auto live =
            loaded.klines("BTCUSDT", Interval::M1, dayStart + 600 * kMinuteMs, std::nullopt, 10, dayStart + kDayMs);
        ASSERT_EQ(live.size(), 10u);
        double liveVolume = 0;
        for (const Candle& c : live) liveVolume += c.volume.toDouble();
        const double perMinute = liveVolume / 10.0;
        // History's own trades plus about as much again from the live ones. At 20,000 a second
        // the smallest quantity step (one per trade: 1.2 M steps a minute) is the floor, about
        // 20x the history (without the sizing it was thousands of times).
        EXPECT_GT(perMinute, historyPerMinute * 0.8);
        EXPECT_LT(perMinute, historyPerMinute * (rate <= 1000 ? 4.0 : 30.0));
        EXPECT_GT(static_cast<std::int64_t>(live.front().trades), static_cast<std::int64_t>(rate) * 59);
    }
}
