#include <gtest/gtest.h>

#include "cpc/core/time.hpp"

using namespace cpc;

TEST(Time, CivilRoundTripAcrossCenturiesAndLeapDays) {
    for (std::int64_t d = -800000; d < 800000; d += 997) {
        EXPECT_EQ(daysFromCivil(civilFromDays(d)), d);
    }
    EXPECT_EQ(daysFromCivil({1970, 1, 1}), 0);
    EXPECT_EQ(daysFromCivil({2000, 3, 1}) - daysFromCivil({2000, 2, 28}), 2);  // 2000 is leap
}

TEST(Time, FormatsAndParsesUtc) {
    EXPECT_EQ(formatUtc(1705276800000), "2024-01-15 00:00:00");
    EXPECT_EQ(formatUtc(1705280399999, true), "2024-01-15 00:59:59.999");
    EXPECT_EQ(parseUtc("2024-01-15"), 1705276800000);
    EXPECT_EQ(parseUtc("2024-01-15T01:00"), 1705280400000);
    EXPECT_EQ(parseUtc("2024-01-15 01:00:00Z"), 1705280400000);
    EXPECT_EQ(parseUtc("1705276800000"), 1705276800000);
    EXPECT_FALSE(parseUtc("2024-02-30"));
    // A year beyond four digits overflowed the milliseconds (UBSan; fuzz_alert_condition).
    EXPECT_FALSE(parseUtc("2026555555-12-01T00:00Z"));
    EXPECT_FALSE(parseUtc("0-01-01"));
    EXPECT_TRUE(parseUtc("9999-12-31T23:59:59Z"));
    EXPECT_FALSE(parseUtc("yesterday"));
    EXPECT_FALSE(parseUtc("2024-01-15 25:00"));
}
