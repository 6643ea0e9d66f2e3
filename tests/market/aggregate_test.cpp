#include <gtest/gtest.h>

#include "cpc/core/time.hpp"
#include "cpc/exchange/binance/binance_adapter.hpp"
#include "cpc/market/aggregate.hpp"
#include "cpc/market/validation.hpp"
#include "market_test_util.hpp"
#include "support/fixtures.hpp"

using namespace cpc;
using cpc::market::aggregate;
using cpc::test::makeCandle;

TEST(Aggregate, TwentyFourRealHoursEqualBinancesDailyCandle) {
    exchange::BinanceAdapter adapter;
    const auto rows = adapter.parseHistory(test::readFixture("binance-rest/BTCUSDT-1h-2024-01-15.klines.json"),
                                           200, INT64_MAX);
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->size(), 24u);
    const auto day = aggregate(*rows, Interval::H1, Interval::D1);
    ASSERT_EQ(day.size(), 1u);
    EXPECT_EQ(day[0].openTime, *parseUtc("2024-01-15"));
    EXPECT_EQ(day[0].open.toString(), "41732.35000000");
    EXPECT_EQ(day[0].high.toString(), "43400.43000000");
    EXPECT_EQ(day[0].low.toString(), "41718.05000000");
    EXPECT_EQ(day[0].close.toString(), "42511.10000000");
    EXPECT_EQ(day[0].volume.toString(), "40269.89303000");
    EXPECT_TRUE(day[0].closed);
}

TEST(Aggregate, NoTradeCandlesAreIgnoredForOpenHighLowClose) {
    const std::int64_t t0 = 0;
    std::vector<Candle> src = {
        makeCandle(t0, 10, 10, 10, 10, 0, 0),             // no trades: flat at previous close
        makeCandle(t0 + 60'000, 11, 12, 10.5, 11.5, 2),   // first traded candle
        makeCandle(t0 + 120'000, 11.5, 11.5, 11.5, 11.5, 0, 0),
        makeCandle(t0 + 180'000, 11.4, 11.6, 11.2, 11.3, 1),
        makeCandle(t0 + 240'000, 11.3, 11.3, 11.3, 11.3, 0, 0),
    };
    const auto out = aggregate(src, Interval::M1, Interval::M5);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].open.toShortString(), "11");   // not the empty candle's 10
    EXPECT_EQ(out[0].high.toShortString(), "12");
    EXPECT_EQ(out[0].low.toShortString(), "10.5");  // not 10
    EXPECT_EQ(out[0].close.toShortString(), "11.3");
    EXPECT_EQ(out[0].volume.toShortString(), "3");
    EXPECT_EQ(out[0].trades, 20);
}

TEST(Aggregate, AllEmptyBucketIsFlatAtThePreviousClose) {
    std::vector<Candle> src = {makeCandle(0, 1, 3, 1, 2.5, 1)};
    for (int i = 5; i < 10; ++i) src.push_back(makeCandle(i * 60'000, 2.5, 2.5, 2.5, 2.5, 0, 0));
    const auto out = aggregate(src, Interval::M1, Interval::M5);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[1].open, out[0].close);
    EXPECT_EQ(out[1].high, out[0].close);
    EXPECT_TRUE(out[1].volume.isZero());
    EXPECT_EQ(out[1].trades, 0);
}

TEST(Aggregate, ChainedAggregationEqualsDirect) {
    const auto minutes = test::randomMinutes(*parseUtc("2024-01-01"), 3 * 24 * 60, 7);
    const auto m5 = aggregate(minutes, Interval::M1, Interval::M5);
    const auto m15viaM5 = aggregate(m5, Interval::M5, Interval::M15);
    const auto m15 = aggregate(minutes, Interval::M1, Interval::M15);
    EXPECT_EQ(m15viaM5, m15);
    const auto h4 = aggregate(aggregate(minutes, Interval::M1, Interval::H1), Interval::H1, Interval::H4);
    EXPECT_EQ(h4, aggregate(minutes, Interval::M1, Interval::H4));
    EXPECT_FALSE(market::validateSeries(m15, Interval::M15));
}

TEST(Aggregate, WeeksMonthsAndListingAnchoredThreeDays) {
    // Daily candles from Wednesday 2024-01-03 through 2024-03-05.
    std::vector<Candle> days;
    for (std::int64_t d = *parseUtc("2024-01-03"); d < *parseUtc("2024-03-06"); d += kDayMs)
        days.push_back(makeCandle(d, 10, 11, 9, 10.5, 1));
    const auto weeks = aggregate(days, Interval::D1, Interval::W1);
    EXPECT_EQ(weeks.front().openTime, *parseUtc("2024-01-01"));  // Monday, partial first week
    EXPECT_EQ(weeks[1].openTime, *parseUtc("2024-01-08"));
    EXPECT_EQ(weeks[1].volume.toShortString(), "7");
    const auto months = aggregate(days, Interval::D1, Interval::Mo1);
    ASSERT_EQ(months.size(), 3u);
    EXPECT_EQ(months[1].openTime, *parseUtc("2024-02-01"));
    EXPECT_EQ(months[1].volume.toShortString(), "29");  // leap February
    EXPECT_FALSE(months[2].closed);                      // March has only 5 days so far
    const std::int64_t listing = *parseUtc("2017-08-17");
    const auto d3 = aggregate(days, Interval::D1, Interval::D3, {.anchor3dMs = listing, .previousClose = std::nullopt});
    for (const auto& c : d3) EXPECT_EQ(((c.openTime - listing) / kDayMs) % 3, 0);
}

TEST(Aggregate, DerivedCandleIsFinalOnlyWhenItsLastSourceIs) {
    std::vector<Candle> src;
    for (int i = 0; i < 5; ++i) src.push_back(makeCandle(i * 60'000, 1, 2, 0.5, 1.5, 1, 3, i < 4));
    EXPECT_FALSE(aggregate(src, Interval::M1, Interval::M5)[0].closed);
    src.back().closed = true;
    EXPECT_TRUE(aggregate(src, Interval::M1, Interval::M5)[0].closed);
    src.pop_back();  // last minute missing: final only once the bucket is over (exchange gap)
    EXPECT_FALSE(aggregate(src, Interval::M1, Interval::M5)[0].closed);
    EXPECT_TRUE(aggregate(src, Interval::M1, Interval::M5, {.anchor3dMs = 0, .previousClose = std::nullopt, .nowMs = 10 * 60'000})[0].closed);
}

TEST(Aggregate, IntoAReusedBufferEqualsAFoldOfEverySourceCandle) {
    // aggregateInto (the fast path with the sums in locals) against the plain rule: foldInto of
    // every source candle of a bucket, on random minutes with no-trade and unknown-count candles.
    auto minutes = test::randomMinutes(*parseUtc("2024-01-29"), 40 * 24 * 60, 11);
    for (std::size_t i = 0; i < minutes.size(); i += 97) minutes[i].trades = -1;  // CSV without a count
    std::vector<Candle> out(5);  // stale contents must not leak into the result
    for (Interval to : {Interval::M3, Interval::M5, Interval::H1, Interval::D1, Interval::W1, Interval::Mo1}) {
        market::aggregateInto(minutes, Interval::M1, to, out);
        std::vector<Candle> expected;
        std::vector<const Candle*> lastSource;
        std::vector<bool> traded;
        for (const Candle& c : minutes) {
            const std::int64_t open = bucketStart(to, c.openTime);
            if (expected.empty() || expected.back().openTime != open) {
                expected.emplace_back().openTime = open;
                lastSource.push_back(nullptr);
                traded.push_back(false);
            }
            bool hasTrades = traded.back();
            market::foldInto(expected.back(), c, hasTrades);
            traded.back() = hasTrades;
            lastSource.back() = &c;
        }
        ASSERT_EQ(out.size(), expected.size()) << toString(to);
        for (std::size_t i = 0; i < out.size(); ++i) {
            const Candle& last = *lastSource[i];
            if (!traded[i]) expected[i].open = expected[i].high = expected[i].low = expected[i].close = last.close;
            expected[i].closed = last.closed && (i + 1 < out.size() ||
                                                 closeTime(Interval::M1, last.openTime) == closeTime(to, expected[i].openTime));
            EXPECT_EQ(out[i], expected[i]) << toString(to) << " bucket " << i;
        }
        EXPECT_EQ(out, market::aggregate(minutes, Interval::M1, to)) << toString(to);
    }
}
