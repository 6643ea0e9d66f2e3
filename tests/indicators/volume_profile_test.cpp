#include "cpc/indicators/volume_profile.hpp"

#include <gtest/gtest.h>

namespace cpc::indicators {
namespace {

TEST(VolumeProfile, SpreadsEachBarsVolumeOverItsRange) {
    const std::vector<Bar> bars = {
        {0, 10, 14, 10, 13, 40},   // 10..14, up bar: 10 per unit of price
        {1, 13, 13, 12, 12, 30},   // 12..13, down bar
        {2, 11, 11, 11, 11, 5},    // zero range: all at 11
    };
    auto vp = computeVolumeProfile(bars, 4, 0.7);
    ASSERT_TRUE(vp.ok()) << vp.error().message;
    ASSERT_EQ(vp->rows.size(), 4u);
    EXPECT_DOUBLE_EQ(vp->rows[0].priceLow, 10);
    EXPECT_DOUBLE_EQ(vp->rows[3].priceHigh, 14);
    EXPECT_DOUBLE_EQ(vp->rows[0].volume, 10);
    EXPECT_DOUBLE_EQ(vp->rows[1].volume, 15);
    EXPECT_DOUBLE_EQ(vp->rows[2].volume, 40);
    EXPECT_DOUBLE_EQ(vp->rows[2].downVolume, 30);
    EXPECT_DOUBLE_EQ(vp->rows[3].volume, 10);
    EXPECT_DOUBLE_EQ(vp->totalVolume, 75);
    EXPECT_EQ(vp->pocRow, 2u);
    // Value area: 40 at the POC, then the 15 below (more than the 10 above) makes 55 >= 0.7 * 75.
    EXPECT_EQ(vp->valueAreaLowRow, 1u);
    EXPECT_EQ(vp->valueAreaHighRow, 2u);
}

TEST(VolumeProfile, RejectsBadArgumentsWithReasons) {
    const std::vector<Bar> bars = {{0, 1, 2, 1, 2, 1}};
    EXPECT_EQ(computeVolumeProfile(bars, 0).error().message, "volume profile: rowCount must be >= 1, got 0");
    EXPECT_FALSE(computeVolumeProfile(bars, 10, 1.5).ok());
    EXPECT_FALSE(computeVolumeProfile({}, 10).ok());
}

}  // namespace
}  // namespace cpc::indicators
