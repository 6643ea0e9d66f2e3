#include <gtest/gtest.h>

#include <limits>

#include "cpc/core/interval.hpp"
#include "cpc/core/time.hpp"

using namespace cpc;

namespace {
std::int64_t utc(const char* s) { return *parseUtc(s); }
}  // namespace

TEST(Interval, ParsesAllSixteenBinanceSpellingsRoundTrip) {
    ASSERT_EQ(kAllIntervals.size(), 16u);
    for (Interval i : kAllIntervals) EXPECT_EQ(parseInterval(toString(i)), i);
    EXPECT_EQ(acceptedIntervalsText(), "1s 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w 1M");
}

TEST(Interval, MinuteAndMonthAreNotCaseFolded) {
    EXPECT_EQ(parseInterval("1m"), Interval::M1);
    EXPECT_EQ(parseInterval("1M"), Interval::Mo1);
    EXPECT_FALSE(parseInterval("1H"));
    EXPECT_FALSE(parseInterval("1mo"));
    EXPECT_FALSE(parseInterval("2d"));
    EXPECT_FALSE(parseInterval(""));
}

TEST(Interval, EpochAlignedBucketsUpToOneDay) {
    const auto t = utc("2024-01-15 13:47:31");
    EXPECT_EQ(bucketStart(Interval::M1, t), utc("2024-01-15 13:47:00"));
    EXPECT_EQ(bucketStart(Interval::M15, t), utc("2024-01-15 13:45:00"));
    EXPECT_EQ(bucketStart(Interval::H4, t), utc("2024-01-15 12:00:00"));
    EXPECT_EQ(bucketStart(Interval::H12, t), utc("2024-01-15 12:00:00"));
    EXPECT_EQ(bucketStart(Interval::D1, t), utc("2024-01-15"));
    EXPECT_EQ(bucketStart(Interval::S1, t + 999), t);
    EXPECT_EQ(closeTime(Interval::H1, utc("2024-01-15 13:00:00")), utc("2024-01-15 14:00:00") - 1);
}

TEST(Interval, WeeksOpenMondayUtc) {
    // Binance doc example: 1w kline 1499040000000 (Mon 2017-07-03) closes 1499644799999.
    EXPECT_EQ(bucketStart(Interval::W1, 1499040000000 + 3 * kDayMs), 1499040000000);
    EXPECT_EQ(closeTime(Interval::W1, 1499040000000), 1499644799999);
    EXPECT_EQ(bucketStart(Interval::W1, utc("2024-01-14 23:59:59")), utc("2024-01-08"));  // Sunday
    EXPECT_EQ(bucketStart(Interval::W1, utc("2024-01-15")), utc("2024-01-15"));  // Monday
}

// An open time whose next bucket lies past what 64 bits of milliseconds hold (only hostile input:
// the year 292 million) gets the last representable time, a bucket that never closes, instead of
// a signed overflow (fuzz_bybit_codec after 3.4 M inputs: a kline row opening at INT64_MAX).
TEST(Interval, ABucketEndingPastTheLastRepresentableTimeSaturatesInsteadOfOverflowing) {
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    for (const Interval i : {Interval::M1, Interval::H1, Interval::D1, Interval::D3, Interval::W1, Interval::Mo1}) {
        EXPECT_EQ(nextBucketStart(i, kMax), kMax) << toString(i);
        EXPECT_EQ(nextBucketStart(i, kMax - 1), kMax) << toString(i);
        EXPECT_EQ(closeTime(i, kMax), kMax - 1) << toString(i);
    }
    EXPECT_EQ(nextBucketStart(Interval::H1, kMax - kHourMs), kMax);  // exactly the last time
    EXPECT_EQ(nextBucketStart(Interval::H1, kMax - kHourMs - 1), kMax - 1);
    // The far past still works (no saturation needed: the next bucket is later).
    EXPECT_EQ(nextBucketStart(Interval::H1, std::numeric_limits<std::int64_t>::min()),
              std::numeric_limits<std::int64_t>::min() + kHourMs);
}

TEST(Interval, MonthsFollowTheCalendar) {
    EXPECT_EQ(bucketStart(Interval::Mo1, utc("2024-02-29 23:00:00")), utc("2024-02-01"));
    EXPECT_EQ(nextBucketStart(Interval::Mo1, utc("2024-02-01")), utc("2024-03-01"));
    EXPECT_EQ(nextBucketStart(Interval::Mo1, utc("2023-02-01")), utc("2023-03-01"));  // 28 days
    EXPECT_EQ(nextBucketStart(Interval::Mo1, utc("2024-12-01")), utc("2025-01-01"));
    EXPECT_EQ(closeTime(Interval::Mo1, utc("2025-01-01")), utc("2025-02-01") - 1);
    EXPECT_TRUE(isAligned(Interval::Mo1, utc("2025-01-01")));
    EXPECT_FALSE(isAligned(Interval::Mo1, utc("2025-01-02")));
}

TEST(Interval, ThreeDayBucketsAnchorAtListingDay) {
    // BTCUSDT listed 2017-08-17 (day index ≡ 1 mod 3), ETHBTC 2017-07-14 (≡ 0 mod 3).
    const auto btcListing = utc("2017-08-17");
    const auto ethbtcListing = utc("2017-07-14");
    EXPECT_EQ((btcListing / kDayMs) % 3, 1);
    EXPECT_EQ((ethbtcListing / kDayMs) % 3, 0);
    const auto t = utc("2024-01-15 10:00:00");
    const auto btcBucket = bucketStart(Interval::D3, t, btcListing);
    const auto ethBucket = bucketStart(Interval::D3, t, ethbtcListing);
    EXPECT_EQ(((btcBucket - btcListing) / kDayMs) % 3, 0);
    EXPECT_EQ(((ethBucket - ethbtcListing) / kDayMs) % 3, 0);
    EXPECT_NE(btcBucket, ethBucket);
    EXPECT_LE(btcBucket, t);
    EXPECT_GT(btcBucket + 3 * kDayMs, t);
}

TEST(Interval, DividesKnowsWhichIntervalsTile) {
    EXPECT_TRUE(divides(Interval::M1, Interval::H1));
    EXPECT_TRUE(divides(Interval::M3, Interval::M15));
    EXPECT_FALSE(divides(Interval::M3, Interval::M5));
    EXPECT_FALSE(divides(Interval::H8, Interval::H12));
    EXPECT_TRUE(divides(Interval::D1, Interval::Mo1));
    EXPECT_TRUE(divides(Interval::D1, Interval::D3));
    EXPECT_FALSE(divides(Interval::D3, Interval::W1));
    EXPECT_FALSE(divides(Interval::W1, Interval::Mo1));
    EXPECT_FALSE(divides(Interval::H1, Interval::M1));
}
