#include "cpc/sim/market_model.hpp"

#include <chrono>

#include <gtest/gtest.h>

#include "cpc/core/time.hpp"
#include "cpc/market/aggregate.hpp"
#include "cpc/market/validation.hpp"

using namespace cpc;
using sim::MarketModel;

namespace {

std::int64_t utc(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
    return daysFromCivil(CivilDate{y, m, d}) * kDayMs + hh * kHourMs + mm * kMinuteMs + ss * kSecondMs;
}

// All candles of `interval` with open time in [from, to], paged 1000 at a time as a client would.
std::vector<Candle> fetchAll(const MarketModel& m, const std::string& symbol, Interval interval, std::int64_t from,
                             std::int64_t to, std::int64_t nowMs) {
    std::vector<Candle> out;
    std::int64_t start = from;
    for (;;) {
        auto page = m.klines(symbol, interval, start, to, 1000, nowMs);
        out.insert(out.end(), page.begin(), page.end());
        if (page.size() < 1000) break;
        start = page.back().openTime + 1;
    }
    return out;
}

// Close of the last traded 1m candle before t (what aggregate() needs for an all-empty bucket).
Decimal closeBefore(const MarketModel& m, const std::string& symbol, std::int64_t t, std::int64_t nowMs) {
    auto prev = m.klines(symbol, Interval::M1, std::nullopt, t - 1, 1, nowMs);
    return prev.empty() ? Decimal{} : prev.back().close;
}

const std::int64_t kNow = utc(2024, 3, 20, 15, 42, 17) + 250;  // mid-minute, mid-day

}  // namespace

TEST(MarketModel, SameSeedSameCandlesOtherSeedOtherCandles) {
    MarketModel a(42), b(42), c(43);
    const auto start = utc(2023, 5, 1);
    for (Interval i : {Interval::S1, Interval::M1, Interval::H1, Interval::D1}) {
        const auto ka = a.klines("BTCUSDT", i, start, std::nullopt, 300, kNow);
        ASSERT_EQ(ka.size(), 300u) << toString(i);
        EXPECT_EQ(ka, b.klines("BTCUSDT", i, start, std::nullopt, 300, kNow)) << toString(i);
        EXPECT_NE(ka, c.klines("BTCUSDT", i, start, std::nullopt, 300, kNow)) << toString(i);
    }
    // Order of requests does not matter (the day cache and the anchor walk are order-free).
    MarketModel fresh(42);
    const auto late = fresh.klines("ETHUSDT", Interval::D1, utc(2023, 1, 1), std::nullopt, 10, kNow);
    EXPECT_EQ(late, a.klines("ETHUSDT", Interval::D1, utc(2023, 1, 1), std::nullopt, 10, kNow));
}

TEST(MarketModel, CandlesAreValidAndAligned) {
    MarketModel m(7);
    for (const auto& s : m.symbols()) {
        for (Interval i : kAllIntervals) {
            // Enough rows to cross day, week and month boundaries without generating years.
            const int rows = nominalMs(i) <= kHourMs ? 200 : nominalMs(i) <= kDayMs ? 40 : 6;
            const auto k = m.klines(s.symbol, i, std::nullopt, std::nullopt, rows, kNow);
            ASSERT_FALSE(k.empty()) << s.symbol << " " << toString(i);
            EXPECT_EQ(market::validateSeries(k, i, s.listingMs), std::nullopt) << s.symbol << " " << toString(i);
        }
    }
}

TEST(MarketModel, OneMinuteCandlesAreBuiltFromTheTrades) {
    MarketModel m(42);
    const auto* sym = m.find("ETHUSDT");
    ASSERT_NE(sym, nullptr);
    const std::int64_t from = utc(2022, 6, 1, 10);
    const auto candles = m.klines("ETHUSDT", Interval::M1, from, std::nullopt, 30, kNow);
    const auto trades = m.trades("ETHUSDT", from, from + 30 * kMinuteMs);
    ASSERT_EQ(candles.size(), 30u);
    ASSERT_GT(trades.size(), 100u);
    std::size_t t = 0;
    for (const Candle& c : candles) {
        Candle expected;
        expected.openTime = c.openTime;
        expected.closed = true;
        Int128 quote = 0, takerQuote = 0;
        for (; t < trades.size() && trades[t].timeMs < c.openTime + kMinuteMs; ++t) {
            const auto& tr = trades[t];
            if (expected.trades == 0) expected.open = expected.high = expected.low = tr.price;
            expected.high = std::max(expected.high, tr.price);
            expected.low = std::min(expected.low, tr.price);
            expected.close = tr.price;
            ++expected.trades;
            expected.volume += tr.quantity;
            // price·qty exactly: both in 1e-8 units, the product has no more than 8 decimals.
            const Int128 pq = tr.price.units() * tr.quantity.units();
            ASSERT_EQ(pq % Decimal::kUnitsPerOne, 0);
            quote += pq / Decimal::kUnitsPerOne;
            if (!tr.buyerIsMaker) {  // taker buy: the buyer crossed the spread
                expected.takerBuyBase += tr.quantity;
                takerQuote += pq / Decimal::kUnitsPerOne;
            }
        }
        expected.quoteVolume = Decimal::fromUnits(quote);
        expected.takerBuyQuote = Decimal::fromUnits(takerQuote);
        if (expected.trades == 0) continue;  // flat candles are checked elsewhere
        EXPECT_EQ(c, expected) << formatUtc(c.openTime);
    }
    // Trades are on the tick/step grid and in time order.
    for (std::size_t i = 0; i < trades.size(); ++i) {
        EXPECT_EQ(trades[i].price.units() % 1'000'000, 0);       // tick 0.01
        EXPECT_EQ(trades[i].quantity.units() % 10'000, 0);       // step 0.0001
        if (i > 0) {
            EXPECT_LE(trades[i - 1].timeMs, trades[i].timeMs);
            EXPECT_LT(trades[i - 1].tradeId, trades[i].tradeId);
        }
    }
}

TEST(MarketModel, NoTradeMinutesAreFlatAtThePreviousClose) {
    MarketModel m(42);
    const auto k = m.klines("NKNUSDT", Interval::M1, utc(2021, 2, 3, 4), std::nullopt, 1000, kNow);
    ASSERT_EQ(k.size(), 1000u);
    int empty = 0;
    for (std::size_t i = 1; i < k.size(); ++i) {
        if (k[i].trades != 0) continue;
        ++empty;
        EXPECT_EQ(k[i].open, k[i - 1].close);
        EXPECT_EQ(k[i].high, k[i].open);
        EXPECT_EQ(k[i].low, k[i].open);
        EXPECT_EQ(k[i].close, k[i].open);
        EXPECT_TRUE(k[i].volume.isZero());
        EXPECT_TRUE(k[i].quoteVolume.isZero());
        EXPECT_TRUE(k[i].takerBuyBase.isZero());
    }
    EXPECT_GT(empty, 300);  // the illiquid pair: about half its minutes have no trade
    EXPECT_LT(empty, 800);
}

// A no-trade stretch (SimSymbol::quietWindows): no trade and flat candles at the previous close
// inside it, every candle before it as without it; the day holding it has fewer trades.
TEST(MarketModel, AQuietWindowHasNoTrades) {
    auto symbols = MarketModel::defaultSymbols();
    const std::int64_t from = utc(2021, 2, 3, 4), to = utc(2021, 2, 3, 10);
    symbols[0].quietWindows = {{from, to}};
    ASSERT_EQ(symbols[0].symbol, "BTCUSDT");
    const MarketModel quiet(42, symbols), plain(42);
    const auto q = quiet.klines("BTCUSDT", Interval::M1, utc(2021, 2, 3), std::nullopt, 1000, kNow);
    const auto p = plain.klines("BTCUSDT", Interval::M1, utc(2021, 2, 3), std::nullopt, 1000, kNow);
    ASSERT_EQ(q.size(), p.size());
    for (std::size_t i = 0; i < q.size(); ++i) {
        if (q[i].openTime < from) {
            EXPECT_EQ(q[i], p[i]);
        } else if (q[i].openTime < to) {
            EXPECT_EQ(q[i].trades, 0);
            EXPECT_TRUE(q[i].volume.isZero());
            EXPECT_EQ(q[i].close, q[i - 1].close);
            EXPECT_EQ(q[i].high, q[i].low);
        } else {
            EXPECT_GT(q[i].trades, 0);
        }
    }
    EXPECT_TRUE(quiet.trades("BTCUSDT", from, to).empty());
    EXPECT_FALSE(plain.trades("BTCUSDT", from, to).empty());
    const auto day = quiet.klines("BTCUSDT", Interval::D1, utc(2021, 2, 3), utc(2021, 2, 3), 1, kNow);
    ASSERT_EQ(day.size(), 1u);
    EXPECT_LT(day[0].trades, plain.klines("BTCUSDT", Interval::D1, utc(2021, 2, 3), utc(2021, 2, 3), 1, kNow)[0].trades);
}

TEST(MarketModel, SecondsAggregateToTheMinute) {
    MarketModel m(42);
    for (const char* symbol : {"BTCUSDT", "NKNUSDT"}) {
        const std::int64_t from = utc(2024, 2, 29, 23, 50);
        const auto seconds = m.klines(symbol, Interval::S1, from, std::nullopt, 600, kNow);
        ASSERT_EQ(seconds.size(), 600u);
        market::AggregateOptions o;
        o.previousClose = closeBefore(m, symbol, from, kNow);
        const auto minutes = market::aggregate(seconds, Interval::S1, Interval::M1, o);
        EXPECT_EQ(minutes, m.klines(symbol, Interval::M1, from, std::nullopt, 10, kNow)) << symbol;
    }
}

TEST(MarketModel, EveryIntradayIntervalIsTheAggregateOfOneMinute) {
    MarketModel m(42);
    for (const auto& s : m.symbols()) {
        const std::int64_t from = utc(2023, 11, 7);
        const std::int64_t to = from + 2 * kDayMs - 1;
        const auto minutes = fetchAll(m, s.symbol, Interval::M1, from, to, kNow);
        ASSERT_EQ(minutes.size(), 2u * 1440);
        market::AggregateOptions o;
        o.anchor3dMs = s.listingMs;
        o.nowMs = kNow;
        o.previousClose = closeBefore(m, s.symbol, from, kNow);
        for (Interval i : {Interval::M3, Interval::M5, Interval::M15, Interval::M30, Interval::H1, Interval::H2,
                           Interval::H4, Interval::H6, Interval::H8, Interval::H12, Interval::D1}) {
            const auto expected = market::aggregate(minutes, Interval::M1, i, o);
            EXPECT_EQ(fetchAll(m, s.symbol, i, from, to, kNow), expected) << s.symbol << " " << toString(i);
        }
    }
}

TEST(MarketModel, WeeksMonthsAndListingAnchoredThreeDaysAreTheAggregateOfOneMinute) {
    MarketModel m(42);
    // NKNUSDT (illiquid, listing day ≡ 2 mod 3), ETHBTC (≡ 0), BTCUSDT (≡ 1).
    for (const char* symbol : {"NKNUSDT", "ETHBTC", "BTCUSDT"}) {
        const auto* s = m.find(symbol);
        const std::int64_t from = utc(2021, 3, 1);  // a Monday, and the first of a month
        const std::int64_t to = utc(2021, 4, 1) - 1;
        const auto minutes = fetchAll(m, symbol, Interval::M1, from, to, kNow);
        ASSERT_EQ(minutes.size(), 31u * 1440);
        market::AggregateOptions o;
        o.anchor3dMs = s->listingMs;
        o.nowMs = kNow;
        o.previousClose = closeBefore(m, symbol, from, kNow);

        const auto months = m.klines(symbol, Interval::Mo1, from, to, 1000, kNow);
        ASSERT_EQ(months.size(), 1u);
        EXPECT_EQ(months, market::aggregate(minutes, Interval::M1, Interval::Mo1, o)) << symbol;
        EXPECT_EQ(closeTime(Interval::Mo1, months[0].openTime), to);

        // Whole weeks inside March 2021: Mondays 1, 8, 15, 22 (the 29th runs into April).
        const auto weeks = m.klines(symbol, Interval::W1, from, utc(2021, 3, 22), 1000, kNow);
        ASSERT_EQ(weeks.size(), 4u);
        const std::vector<Candle> marchOnly(minutes.begin(), minutes.begin() + 28 * 1440);
        EXPECT_EQ(weeks, market::aggregate(marchOnly, Interval::M1, Interval::W1, o)) << symbol;
        for (const Candle& w : weeks) EXPECT_EQ(((w.openTime / kDayMs) + 3) % 7, 0) << "not a Monday";

        // 3d buckets fully inside the month, anchored at the listing day.
        const auto threeDays = m.klines(symbol, Interval::D3, from, utc(2021, 3, 26), 1000, kNow);
        ASSERT_FALSE(threeDays.empty());
        for (const Candle& c : threeDays) EXPECT_EQ((c.openTime - s->listingMs) % (3 * kDayMs), 0) << symbol;
        const auto firstFull = threeDays.front().openTime;
        const std::vector<Candle> span(minutes.begin() + (firstFull - from) / kMinuteMs,
                                       minutes.begin() + (nextBucketStart(Interval::D3, threeDays.back().openTime) - from) / kMinuteMs);
        auto o3 = o;
        o3.previousClose = closeBefore(m, symbol, firstFull, kNow);
        EXPECT_EQ(threeDays, market::aggregate(span, Interval::M1, Interval::D3, o3)) << symbol;
    }
}

TEST(MarketModel, HistoryStartsAtTheListingDay) {
    MarketModel m(42);
    const auto* btc = m.find("BTCUSDT");
    ASSERT_NE(btc, nullptr);
    EXPECT_EQ(btc->listingMs, utc(2017, 8, 17));
    EXPECT_TRUE(m.klines("BTCUSDT", Interval::M1, std::nullopt, btc->listingMs - 1, 10, kNow).empty());
    EXPECT_TRUE(m.klines("BTCUSDT", Interval::D1, 0, utc(2017, 8, 16), 10, kNow).empty());
    EXPECT_TRUE(m.klines("BTCUSDT", Interval::M1, std::nullopt, std::nullopt, 10, btc->listingMs - 1).empty());
    EXPECT_TRUE(m.klines("NOSUCH", Interval::M1, std::nullopt, std::nullopt, 10, kNow).empty());

    const auto firstMinute = m.klines("BTCUSDT", Interval::M1, 0, std::nullopt, 1, kNow);
    ASSERT_EQ(firstMinute.size(), 1u);
    EXPECT_EQ(firstMinute[0].openTime, btc->listingMs);
    // Longer candles open on their own grid, before the listing (Binance: 1w of 2017-08-14).
    const auto firstWeek = m.klines("BTCUSDT", Interval::W1, 0, std::nullopt, 1, kNow);
    ASSERT_EQ(firstWeek.size(), 1u);
    EXPECT_EQ(firstWeek[0].openTime, utc(2017, 8, 14));
    EXPECT_EQ(m.firstOpenTime("BTCUSDT", Interval::W1), utc(2017, 8, 14));
    const auto firstMonth = m.klines("BTCUSDT", Interval::Mo1, 0, std::nullopt, 1, kNow);
    EXPECT_EQ(firstMonth.at(0).openTime, utc(2017, 8, 1));
    const auto first3d = m.klines("ETHBTC", Interval::D3, 0, std::nullopt, 1, kNow);
    EXPECT_EQ(first3d.at(0).openTime, utc(2017, 7, 14));
}

TEST(MarketModel, TheCandleContainingNowIsFormingAndNothingLaterExists) {
    MarketModel m(42);
    const std::int64_t minute = utc(2024, 3, 20, 15, 42);
    const std::int64_t now = minute + 30'500;
    const auto k = m.klines("BTCUSDT", Interval::M1, std::nullopt, std::nullopt, 5, now);
    ASSERT_EQ(k.size(), 5u);
    EXPECT_EQ(k.back().openTime, minute);
    EXPECT_FALSE(k.back().closed);
    for (std::size_t i = 0; i + 1 < k.size(); ++i) EXPECT_TRUE(k[i].closed);

    // Built from the trades up to now only, and a prefix of the final candle.
    const auto trades = m.trades("BTCUSDT", minute, now + 1);
    EXPECT_EQ(k.back().trades, static_cast<std::int64_t>(trades.size()));
    if (!trades.empty()) {
        EXPECT_EQ(k.back().close, trades.back().price);
    }
    const auto final = m.klines("BTCUSDT", Interval::M1, minute, minute, 1, minute + kMinuteMs);
    ASSERT_EQ(final.size(), 1u);
    EXPECT_TRUE(final[0].closed);
    EXPECT_EQ(final[0].open, k.back().open);
    EXPECT_GE(final[0].trades, k.back().trades);

    // Asking past now gives nothing after the forming candle.
    const auto future = m.klines("BTCUSDT", Interval::M1, minute, minute + kHourMs, 100, now);
    ASSERT_EQ(future.size(), 1u);
    EXPECT_TRUE(m.klines("BTCUSDT", Interval::M1, minute + kMinuteMs, std::nullopt, 10, now).empty());

    for (Interval i : {Interval::S1, Interval::H1, Interval::D1, Interval::W1, Interval::Mo1}) {
        const auto last = m.klines("BTCUSDT", i, std::nullopt, std::nullopt, 2, now);
        ASSERT_EQ(last.size(), 2u) << toString(i);
        EXPECT_EQ(last.back().openTime, bucketStart(i, now)) << toString(i);
        EXPECT_FALSE(last.back().closed) << toString(i);
        EXPECT_TRUE(last.front().closed) << toString(i);
    }
    // The same closed candles whatever "now" is (as long as they are closed).
    EXPECT_EQ(m.klines("BTCUSDT", Interval::H1, utc(2024, 3, 19), utc(2024, 3, 19, 23), 100, now),
              m.klines("BTCUSDT", Interval::H1, utc(2024, 3, 19), utc(2024, 3, 19, 23), 100, now + 7 * kDayMs));
}

TEST(MarketModel, PagingFollowsBinanceSemantics) {
    MarketModel m(42);
    const std::int64_t start = utc(2022, 1, 1);
    // startTime only: the oldest `limit` from start.
    const auto fwd = m.klines("ETHUSDT", Interval::M5, start, std::nullopt, 3, kNow);
    ASSERT_EQ(fwd.size(), 3u);
    EXPECT_EQ(fwd[0].openTime, start);
    EXPECT_EQ(fwd[2].openTime, start + 10 * kMinuteMs);
    // An unaligned startTime selects by open time >= startTime.
    EXPECT_EQ(m.klines("ETHUSDT", Interval::M5, start + 1, std::nullopt, 1, kNow).at(0).openTime,
              start + 5 * kMinuteMs);
    // endTime only: the newest `limit` up to endTime, in chronological order.
    const auto back = m.klines("ETHUSDT", Interval::M5, std::nullopt, start + 12 * kMinuteMs, 3, kNow);
    ASSERT_EQ(back.size(), 3u);
    EXPECT_EQ(back[0].openTime, start);
    EXPECT_EQ(back[2].openTime, start + 10 * kMinuteMs);
    // Both: bounded on both sides.
    EXPECT_EQ(m.klines("ETHUSDT", Interval::M5, start, start + 7 * kMinuteMs, 100, kNow).size(), 2u);
    // Limits: at most 1000, zero gives nothing.
    EXPECT_EQ(m.klines("ETHUSDT", Interval::M1, start, std::nullopt, 5000, kNow).size(), 1000u);
    EXPECT_TRUE(m.klines("ETHUSDT", Interval::M1, start, std::nullopt, 0, kNow).empty());
    // Forward paging with lastOpen + 1 is contiguous, without duplicates.
    const auto all = fetchAll(m, "ETHUSDT", Interval::M1, start, start + 2500 * kMinuteMs - 1, kNow);
    ASSERT_EQ(all.size(), 2500u);
    for (std::size_t i = 1; i < all.size(); ++i) EXPECT_EQ(all[i].openTime - all[i - 1].openTime, kMinuteMs);
    // Months page by calendar.
    const auto months = m.klines("ETHUSDT", Interval::Mo1, utc(2020, 1, 1), std::nullopt, 3, kNow);
    ASSERT_EQ(months.size(), 3u);
    EXPECT_EQ(months[1].openTime, utc(2020, 2, 1));
    EXPECT_EQ(months[2].openTime, utc(2020, 3, 1));
}

// Speed is measured in benchmarks, never asserted here; this checks long answers are complete.
TEST(MarketModel, ServesFullPagesOfLongIntervalsBackToListing) {
    MarketModel m(42);
    const auto now = nowMs();
    const auto minutes = m.klines("BTCUSDT", Interval::M1, std::nullopt, std::nullopt, 1000, now);
    const auto days = m.klines("BTCUSDT", Interval::D1, std::nullopt, std::nullopt, 1000, now);
    const auto weeks = m.klines("BTCUSDT", Interval::W1, std::nullopt, std::nullopt, 100, now);
    ASSERT_EQ(minutes.size(), 1000u);
    ASSERT_EQ(days.size(), 1000u);
    ASSERT_EQ(weeks.size(), 100u);
    EXPECT_FALSE(days.back().closed);
    EXPECT_TRUE(days[998].closed);
    EXPECT_EQ(weeks.back().openTime, bucketStart(Interval::W1, now));
}

TEST(MarketModel, RejectsAnInconsistentSymbolTable) {
    auto bad = MarketModel::defaultSymbols();
    bad[0].quantityDecimals = 7;  // 2 + 7 > 8: price·qty would not be exact
    EXPECT_THROW(MarketModel(1, bad), std::invalid_argument);
    auto dup = MarketModel::defaultSymbols();
    dup.push_back(dup[0]);
    EXPECT_THROW(MarketModel(1, dup), std::invalid_argument);
}
