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
    EXPECT_NE(s.find(120 * 60'000), nullptr);
    EXPECT_EQ(s.find(120 * 60'000 + 1), nullptr);
}
