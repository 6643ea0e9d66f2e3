// The feed's builder of intervals a venue lacks (1w from 1d here): REST pages whose buckets span
// two pages, a newest-rows page that starts inside a bucket, live updates of the forming source
// candle, and the previous bucket made final when a new one opens.
#include <gtest/gtest.h>

#include "cpc/market/aggregate.hpp"
#include "source_aggregator.hpp"

using namespace cpc;
using cpc::session::detail::SourceAggregator;

namespace {

constexpr std::int64_t kDay = 24 * 3600'000;
constexpr std::int64_t kMonday = 1704672000000;  // 2024-01-08 00:00 UTC, a Monday

Decimal d(std::int64_t units) { return Decimal::fromUnits(units * 100'000'000); }

// Day `i` after kMonday: prices around 100 + i, volume i + 1.
Candle day(int i, bool closed = true, std::int64_t volume = -1, std::int64_t trades = 10) {
    Candle c;
    c.openTime = kMonday + i * kDay;
    c.open = d(100 + i);
    c.high = d(110 + i);
    c.low = d(90 + i);
    c.close = d(101 + i);
    c.volume = d(volume >= 0 ? volume : i + 1);
    c.quoteVolume = d(100 * (i + 1));
    c.trades = trades;
    c.closed = closed;
    return c;
}

std::vector<Candle> days(int from, int to, int openFrom = 1 << 30) {
    std::vector<Candle> out;
    for (int i = from; i < to; ++i) out.push_back(day(i, i < openFrom));
    return out;
}

Candle week(const std::vector<Candle>& sources, std::int64_t nowMs) {
    market::AggregateOptions o;
    o.nowMs = nowMs;
    const auto out = market::aggregate(sources, Interval::D1, Interval::W1, o);
    EXPECT_EQ(out.size(), 1u);
    return out.empty() ? Candle{} : out.front();
}

}  // namespace

TEST(SourceAggregator, PagesSpanningABucketGiveWholeCandles) {
    SourceAggregator agg(Interval::D1, Interval::W1);
    const std::int64_t now = kMonday + 30 * kDay;
    // Page 1: days 0..9 (week 2 cut after Wednesday); more pages follow: week 2 is held back.
    auto first = agg.add(days(0, 10), now, /*holdNewest=*/true);
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0], week(days(0, 7), now));
    EXPECT_TRUE(first[0].closed);
    // Page 2: days 10..20, the last page: week 2 whole, week 3 whole.
    auto second = agg.add(days(10, 21), now, false);
    ASSERT_EQ(second.size(), 2u);
    EXPECT_EQ(second[0], week(days(7, 14), now));
    EXPECT_EQ(second[0].volume, d(8 + 9 + 10 + 11 + 12 + 13 + 14));
    EXPECT_EQ(second[1], week(days(14, 21), now));
}

TEST(SourceAggregator, ANewestRowsPageStartingInsideABucketDropsIt) {
    SourceAggregator agg(Interval::D1, Interval::W1);
    const std::int64_t now = kMonday + 30 * kDay;
    auto out = agg.add(days(3, 14), now, false, /*dropOldestPartial=*/true);  // Thursday of week 1 on
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].openTime, kMonday + 7 * kDay);
    // A page that starts at a bucket's open keeps it.
    SourceAggregator aligned(Interval::D1, Interval::W1);
    EXPECT_EQ(aligned.add(days(0, 14), now, false, true).size(), 2u);
}

TEST(SourceAggregator, TheFormingCandleFollowsItsSourceAndClosesWhenTheNextBucketOpens) {
    SourceAggregator agg(Interval::D1, Interval::W1);
    // History up to Thursday of week 2, Thursday forming.
    std::int64_t now = kMonday + 10 * kDay + 3600'000;
    auto history = agg.add(days(0, 11, 10), now);
    ASSERT_EQ(history.size(), 2u);
    EXPECT_TRUE(history[0].closed);
    EXPECT_FALSE(history[1].closed);
    // A live update of Thursday: the week is the aggregate with the new Thursday.
    Candle thursday = day(10, false, 50);
    thursday.high = d(500);
    auto live = agg.add({thursday}, now);
    ASSERT_EQ(live.size(), 1u);
    auto want = days(7, 10);
    want.push_back(thursday);
    EXPECT_EQ(live[0], week(want, now));
    EXPECT_EQ(live[0].high, d(500));
    EXPECT_FALSE(live[0].closed);
    // Thursday closes, then Friday and Saturday: still forming. Sunday's final version ends the
    // week: it goes out final, and the next Monday's first push opens week 3 alone.
    thursday.closed = true;
    agg.add({thursday}, now);
    for (int i = 11; i < 13; ++i) {
        auto out = agg.add({day(i)}, now = kMonday + (i + 1) * kDay);
        ASSERT_EQ(out.size(), 1u);
        EXPECT_FALSE(out[0].closed);
    }
    auto sunday = agg.add({day(13)}, kMonday + 14 * kDay);
    ASSERT_EQ(sunday.size(), 1u);
    EXPECT_EQ(sunday[0].openTime, kMonday + 7 * kDay);
    EXPECT_TRUE(sunday[0].closed);
    auto next = agg.add({day(14, false)}, kMonday + 14 * kDay + 1000);
    ASSERT_EQ(next.size(), 1u);
    EXPECT_EQ(next[0].openTime, kMonday + 14 * kDay);
    EXPECT_FALSE(next[0].closed);
    // Without Sunday's final version (a venue that never sends one), the new week's first candle
    // makes the last one final once its source candle is: week 2 goes out final beside week 3.
    SourceAggregator late(Interval::D1, Interval::W1);
    late.add(days(7, 14, 13), kMonday + 13 * kDay + 1000);  // Sunday still forming
    auto sundayClosed = day(13);
    auto opened = late.add({sundayClosed, day(14, false)}, kMonday + 14 * kDay + 1000);
    ASSERT_EQ(opened.size(), 2u);
    EXPECT_TRUE(opened[0].closed);
    EXPECT_FALSE(opened[1].closed);
}

TEST(SourceAggregator, UncountedTradesStayUncounted) {
    // KuCoin has no trade counts (trades = -1): the week says "unknown", not "no trades".
    std::vector<Candle> sources;
    for (int i = 0; i < 7; ++i) sources.push_back(day(i, true, -1, -1));
    const auto out = session::detail::aggregateSources(sources, Interval::D1, Interval::W1, kMonday + 30 * kDay);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].trades, -1);
    EXPECT_TRUE(out[0].hasTrades());
    SourceAggregator agg(Interval::D1, Interval::W1);
    const auto viaAgg = agg.add(sources, kMonday + 30 * kDay);
    ASSERT_EQ(viaAgg.size(), 1u);
    EXPECT_EQ(viaAgg[0].trades, -1);
}

// 3d from days is anchored at the listing day given (as Binance's 3d and market::aggregate), not at
// the epoch: the listing's day number is 1 mod 3, so epoch-anchored buckets would differ.
TEST(SourceAggregator, ThreeDaysStartAtTheListingDay) {
    const std::int64_t listing = kMonday + 2 * kDay;
    ASSERT_EQ((listing / kDay) % 3, 1);
    SourceAggregator agg(Interval::D1, Interval::D3);
    agg.setAnchor3d(listing);
    const std::int64_t now = kMonday + 30 * kDay;
    const auto out = agg.add(days(2, 14), now);
    market::AggregateOptions o;
    o.nowMs = now;
    o.anchor3dMs = listing;
    const auto want = market::aggregate(days(2, 14), Interval::D1, Interval::D3, o);
    ASSERT_EQ(want.size(), 4u);
    EXPECT_EQ(out, want);
    for (const Candle& c : out) EXPECT_EQ((c.openTime - listing) % (3 * kDay), 0);
    EXPECT_EQ(agg.bucketOf(listing + 4 * kDay), listing + 3 * kDay);
    // Live: day 14 opens the bucket of days 14..16.
    const auto live = agg.add({day(14, false)}, now);
    ASSERT_FALSE(live.empty());
    EXPECT_EQ(live.back().openTime, kMonday + 14 * kDay);
}

// The forming bucket follows its stream through market::TimeframeAggregator's O(1) path (the app's
// one live aggregator), not by rebuilding the bucket from its sources on every update.
TEST(SourceAggregator, StreamUpdatesOfTheFormingBucketAreFoldedInConstantTime) {
    SourceAggregator agg(Interval::D1, Interval::W1);
    const std::int64_t now = kMonday + 10 * kDay + 3600'000;
    agg.add(days(0, 11, 10), now);  // history up to Thursday of week 2, Thursday forming
    const std::uint64_t rebuildsAfterHistory = agg.rebuilds();
    Candle thursday = day(10, false);
    for (int tick = 0; tick < 500; ++tick) {
        thursday.close = d(100 + tick % 17);
        thursday.high = std::max(thursday.high, thursday.close);
        thursday.volume = d(tick + 1);
        const auto out = agg.add({thursday}, now);
        ASSERT_EQ(out.size(), 1u);
        auto want = days(7, 10);
        want.push_back(thursday);
        ASSERT_EQ(out[0], week(want, now)) << "tick " << tick;
    }
    EXPECT_EQ(agg.fastUpdates(), 500u);
    EXPECT_EQ(agg.rebuilds(), rebuildsAfterHistory);
}

// A source candle corrected after its bucket went out final (REST confirming a candle the stream
// left provisional) puts the bucket out again with the correction.
TEST(SourceAggregator, ACorrectedSourceCandleRebuildsABucketAlreadyFinal) {
    SourceAggregator agg(Interval::D1, Interval::W1);
    agg.add(days(7, 13), kMonday + 13 * kDay);
    Candle sunday = day(13);
    agg.add({sunday}, kMonday + 14 * kDay);  // week 2 final
    agg.add({day(14, false)}, kMonday + 14 * kDay + 1000);
    sunday.high = d(900);  // the venue's final Sunday differs from the stream's last push
    const auto out = agg.add({sunday}, kMonday + 14 * kDay + 2000);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].openTime, kMonday + 7 * kDay);
    EXPECT_EQ(out[0].high, d(900));
    EXPECT_TRUE(out[0].closed);
}
