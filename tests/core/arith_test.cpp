#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "cpc/core/arith.hpp"

using namespace cpc;

TEST(Arith, FloorDivRoundsTowardsNegativeInfinity) {
    EXPECT_EQ(floorDiv(7, 2), 3);
    EXPECT_EQ(floorDiv(-7, 2), -4);
    EXPECT_EQ(floorDiv(7, -2), -4);
    EXPECT_EQ(floorDiv(-7, -2), 3);
    EXPECT_EQ(floorDiv(-8, 2), -4);
    EXPECT_EQ(floorDiv(0, 5), 0);
    EXPECT_EQ(floorDiv(-1, 86'400'000), -1);  // 1969-12-31 23:59:59.999 is day -1
    EXPECT_EQ(floorDiv(-86'400'000, 86'400'000), -1);
    EXPECT_EQ(floorDiv(-86'400'001, 86'400'000), -2);
    static_assert(floorDiv(-1, 3) == -1 && floorMod(-1, 3) == 2);
}

TEST(Arith, AgreesWithRealFloorAndModHasTheDivisorsSign) {
    for (std::int64_t a = -50; a <= 50; ++a) {
        for (std::int64_t b : {-7, -3, -1, 1, 2, 5, 13}) {
            const auto q = static_cast<std::int64_t>(std::floor(static_cast<double>(a) / static_cast<double>(b)));
            EXPECT_EQ(floorDiv(a, b), q) << a << " / " << b;
            const std::int64_t m = floorMod(a, b);
            EXPECT_EQ(floorDiv(a, b) * b + m, a) << a << " % " << b;
            if (b > 0) {
                EXPECT_TRUE(m >= 0 && m < b) << a << " % " << b << " = " << m;
            } else {
                EXPECT_TRUE(m <= 0 && m > b) << a << " % " << b << " = " << m;
            }
        }
    }
}

TEST(Arith, LargeTimes) {
    const std::int64_t week = 7 * 86'400'000LL;
    const std::int64_t t = -62'135'596'800'000LL;  // 0001-01-01, far before the epoch
    EXPECT_LE(floorDiv(t, week) * week, t);
    EXPECT_GT((floorDiv(t, week) + 1) * week, t);
    EXPECT_EQ(floorMod(t, week), t - floorDiv(t, week) * week);
    EXPECT_EQ(floorMod(INT64_MAX, 1000), 807);
}
