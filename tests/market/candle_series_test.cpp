#include <gtest/gtest.h>

#include "cpc/market/candle_series.hpp"
#include "market_test_util.hpp"

using namespace cpc;
using cpc::market::CandleSeries;
using cpc::market::UpsertOutcome;
using cpc::test::makeCandle;

TEST(CandleSeries, AppendsUpdatesAndInsertsByOpenTime) {
    CandleSeries s;
    EXPECT_EQ(s.upsert(makeCandle(120'000, 1, 2, 0.5, 1.5, 3)), UpsertOutcome::Appended);
    EXPECT_EQ(s.upsert(makeCandle(180'000, 1.5, 2, 1, 1.8, 1, 5, false)), UpsertOutcome::Appended);
    EXPECT_EQ(s.upsert(makeCandle(180'000, 1.5, 2.5, 1, 2.2, 2, 6, false)), UpsertOutcome::UpdatedLast);
    EXPECT_EQ(s.upsert(makeCandle(60'000, 1, 1, 1, 1, 1)), UpsertOutcome::Inserted);
    ASSERT_EQ(s.size(), 3u);
    EXPECT_EQ(s[0].openTime, 60'000);
    EXPECT_EQ(s[2].close.toShortString(), "2.2");
    EXPECT_EQ(s.lastClosedOpenTime(), 120'000);
    EXPECT_EQ(s.upsert(s[2]), UpsertOutcome::Unchanged);
}

TEST(CandleSeries, LateProvisionalUpdateNeverOverwritesAClosedCandle) {
    CandleSeries s;
    s.upsert(makeCandle(60'000, 1, 2, 0.5, 1.5, 3, 10, true));
    s.upsert(makeCandle(120'000, 1, 2, 0.5, 1.5, 3, 10, false));
    EXPECT_EQ(s.upsert(makeCandle(60'000, 9, 9, 9, 9, 1, 1, false)), UpsertOutcome::IgnoredClosed);
    EXPECT_EQ(s[0].close.toShortString(), "1.5");
    // A corrected final version (REST reconciliation) does replace it.
    EXPECT_EQ(s.upsert(makeCandle(60'000, 1, 2, 0.5, 1.6, 3, 10, true)), UpsertOutcome::Replaced);
}

TEST(CandleSeries, RejectsInconsistentCandlesAndCountsThem) {
    CandleSeries s;
    EXPECT_EQ(s.upsert(makeCandle(60'000, 5, 2, 1, 1.5, 1)), UpsertOutcome::Rejected);  // open > high
    EXPECT_EQ(s.upsert(makeCandle(60'000, 1, 2, 3, 1.5, 1)), UpsertOutcome::Rejected);  // low > high
    EXPECT_TRUE(s.empty());
    EXPECT_EQ(s.rejectedCount(), 2u);
}

TEST(CandleSeries, MergeOfOverlappingBatchesKeepsOneCandlePerOpenTime) {
    CandleSeries s;
    const auto a = cpc::test::randomMinutes(0, 100, 1);
    const auto b = cpc::test::randomMinutes(50 * 60'000, 100, 1);
    s.merge(b);
    s.merge(a);
    ASSERT_EQ(s.size(), 150u);
    for (std::size_t i = 1; i < s.size(); ++i) EXPECT_LT(s[i - 1].openTime, s[i].openTime);
    EXPECT_TRUE(s.find(120 * 60'000).has_value());
    EXPECT_FALSE(s.find(120 * 60'000 + 1).has_value());
}

#include "cpc/market/candle_store.hpp"

TEST(CandleStore, EvictsLeastRecentlyUsedSeriesOverBudgetButNeverTheOpenOne) {
    market::CandleStore store(0);
    const SeriesKey a{"binance", "BTCUSDT", Interval::M1};
    const SeriesKey b{"binance", "ETHUSDT", Interval::M1};
    const SeriesKey c{"binance", "ADAUSDT", Interval::M1};
    for (const auto& k : {a, b, c}) store.series(k).merge(cpc::test::randomMinutes(0, 1000, 3));
    const std::size_t oneSeries = store.bytesUsed() / 3;
    store.setBudgetBytes(oneSeries * 2 + oneSeries / 2);
    store.series(a);  // a is now the most recently used; b the least
    EXPECT_EQ(store.enforceBudget(c), 1u);
    EXPECT_EQ(store.find(b), nullptr);
    EXPECT_NE(store.find(a), nullptr);
    EXPECT_NE(store.find(c), nullptr);
    store.setBudgetBytes(0);
    EXPECT_EQ(store.enforceBudget(c), 1u);  // everything but the open series
    EXPECT_NE(store.find(c), nullptr);
    EXPECT_EQ(store.seriesCount(), 1u);
    EXPECT_GE(market::CandleStore::bytesPerCandle(), sizeof(std::int64_t) * 2);
}

TEST(CandleStore, FindWithoutUseDoesNotProtectASeriesFromEviction) {
    market::CandleStore store(0);
    const SeriesKey a{"binance", "BTCUSDT", Interval::M1};
    const SeriesKey b{"binance", "BTCUSDT", Interval::M15};
    const SeriesKey c{"binance", "BTCUSDT", Interval::H1};
    for (const auto& k : {a, b, c}) store.series(k).merge(cpc::test::randomMinutes(0, 100, 5));
    EXPECT_EQ(store.keys(), (std::vector<SeriesKey>{a, b, c}));
    // A live update of a background series (found, not used) leaves it least recently used.
    market::CandleSeries* background = store.find(a);
    ASSERT_NE(background, nullptr);
    background->upsert((*background)[0]);
    store.setBudgetBytes(store.bytesUsed() - 1);
    EXPECT_EQ(store.enforceBudget(c), 1u);
    EXPECT_EQ(store.find(a), nullptr);
    EXPECT_NE(store.find(b), nullptr);
}
