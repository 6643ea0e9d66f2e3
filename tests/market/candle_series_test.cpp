#include <gtest/gtest.h>

#include <limits>

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

// A scroll-back page (a sorted batch before the series) is one insert at the front: the series is
// what candle-by-candle upserts make of it (rows, a refused candle counted, a value too wide for a
// packed row kept whole), and the view counts one change.
TEST(CandleSeries, APageBeforeTheSeriesIsPrependedAsUpsertsWouldMakeIt) {
    auto page = cpc::test::randomMinutes(0, 500, 3);
    page[7] = makeCandle(page[7].openTime, 5, 2, 1, 1.5, 1);  // open > high: refused
    page[9].volume = Decimal::fromUnits(static_cast<Int128>(std::numeric_limits<std::int64_t>::max()) * 4);  // too wide
    page[9].takerBuyBase = Decimal::fromUnits(0);
    const auto newer = cpc::test::randomMinutes(500 * 60'000, 300, 4);
    CandleSeries merged, upserted;
    merged.merge(newer);
    upserted.merge(newer);
    const auto revision = merged.revision();
    EXPECT_EQ(merged.merge(page), 499u);
    EXPECT_EQ(merged.revision(), revision + 1);
    for (const Candle& c : page) upserted.upsert(c);
    ASSERT_EQ(merged.size(), upserted.size());
    ASSERT_EQ(merged.size(), 799u);
    for (std::size_t i = 0; i < merged.size(); ++i) EXPECT_EQ(merged[i], upserted[i]) << "row " << i;
    EXPECT_EQ(merged.rejectedCount(), 1u);
    EXPECT_EQ(merged.wideCount(), upserted.wideCount());
    EXPECT_EQ(merged[8].volume, page[9].volume);  // (row 7 was refused)
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
