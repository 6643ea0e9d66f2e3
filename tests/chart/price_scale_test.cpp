#include <gtest/gtest.h>

#include <cmath>

#include "cpc/chart/price_scale.hpp"

namespace {

using cpc::chart::niceStep;
using cpc::chart::PriceRange;
using cpc::chart::PriceScale;

TEST(NiceStep, RoundsUpToOneTwoOrFiveTimesAPowerOfTen) {
    EXPECT_DOUBLE_EQ(niceStep(0.7), 1.0);
    EXPECT_DOUBLE_EQ(niceStep(1.0), 1.0);
    EXPECT_DOUBLE_EQ(niceStep(1.3), 2.0);
    EXPECT_DOUBLE_EQ(niceStep(2.0), 2.0);
    EXPECT_DOUBLE_EQ(niceStep(3.0), 5.0);
    EXPECT_DOUBLE_EQ(niceStep(7.0), 10.0);
    EXPECT_DOUBLE_EQ(niceStep(45.0), 50.0);
    EXPECT_DOUBLE_EQ(niceStep(120.0), 200.0);
    EXPECT_NEAR(niceStep(0.0012), 0.002, 1e-15);
    EXPECT_NEAR(niceStep(0.05), 0.05, 1e-15);
}

PriceScale makeScale() {
    PriceScale ps(/*top=*/20, /*height=*/400, /*marginTop=*/0.1, /*marginBottom=*/0.05);
    ps.autoscaleTo(100, 200);
    return ps;
}

TEST(PriceScale, AutoscaleFitsTheRangeBetweenTheMargins) {
    const PriceScale ps = makeScale();
    EXPECT_DOUBLE_EQ(ps.priceToY(200), 20 + 40);        // top margin: 10% of 400
    EXPECT_DOUBLE_EQ(ps.priceToY(100), 20 + 400 - 20);  // bottom margin: 5% of 400
    EXPECT_DOUBLE_EQ(ps.priceToY(150), (60 + 400) / 2.0);
}

TEST(PriceScale, HigherPricesAreHigherOnScreen) {
    const PriceScale ps = makeScale();
    EXPECT_LT(ps.priceToY(180), ps.priceToY(120));
}

TEST(PriceScale, YToPriceInvertsPriceToY) {
    const PriceScale ps = makeScale();
    for (double p = 50; p < 260; p += 3.7) EXPECT_NEAR(ps.yToPrice(ps.priceToY(p)), p, 1e-9);
    for (double y = 0; y < 450; y += 11) EXPECT_NEAR(ps.priceToY(ps.yToPrice(y)), y, 1e-9);
}

TEST(PriceScale, FlatRangeGetsRoomAroundIt) {
    PriceScale ps(0, 300, 0.1, 0.1);
    ps.autoscaleTo(42000, 42000);
    EXPECT_TRUE(ps.range().valid());
    EXPECT_NEAR(ps.priceToY(42000), 150, 1e-9);
    ps.autoscaleTo(0, 0);
    EXPECT_TRUE(ps.range().valid());
}

TEST(PriceScale, ManualScalingTurnsAutoscaleOffAndKeepsTheRange) {
    PriceScale ps = makeScale();
    ps.scaleBy(2.0);
    EXPECT_FALSE(ps.autoScale());
    EXPECT_DOUBLE_EQ(ps.range().min, 50);
    EXPECT_DOUBLE_EQ(ps.range().max, 250);
    EXPECT_FALSE(ps.autoscaleTo(10, 20));
    EXPECT_DOUBLE_EQ(ps.range().max, 250);
    ps.setAutoScale(true);
    EXPECT_TRUE(ps.autoscaleTo(10, 20));
    EXPECT_DOUBLE_EQ(ps.range().max, 20);
}

TEST(PriceScale, PanMovesThePricesWithTheMouse) {
    PriceScale ps = makeScale();
    const double y = ps.priceToY(150);
    ps.panBy(30);  // drag down
    EXPECT_FALSE(ps.autoScale());
    EXPECT_NEAR(ps.priceToY(150), y + 30, 1e-9);
}

TEST(PriceScale, TicksAreNiceMultiplesSpacedApartAcrossThePane) {
    for (const double height : {120.0, 400.0, 1000.0}) {
        for (const auto& [lo, hi] : {std::pair{100.0, 200.0}, std::pair{41732.35, 41790.12},
                                     std::pair{0.000123, 0.000456}, std::pair{1.0, 100000.0}}) {
            PriceScale ps(0, height, 0.1, 0.1);
            ps.autoscaleTo(lo, hi);
            const double step = ps.tickStep(40);
            const auto ticks = ps.ticks(40);
            // A nice step can be up to 2.5 times the minimum spacing: a short pane may get one tick.
            ASSERT_GE(ticks.size(), height >= 400 ? 2U : 1U) << lo << ".." << hi << " h " << height;
            EXPECT_LE(ticks.size(), static_cast<std::size_t>(height / 40) + 1);
            const double mantissa = step / std::pow(10.0, std::floor(std::log10(step)));
            EXPECT_TRUE(std::fabs(mantissa - 1) < 1e-9 || std::fabs(mantissa - 2) < 1e-9 ||
                        std::fabs(mantissa - 5) < 1e-9)
                << step;
            for (std::size_t i = 0; i < ticks.size(); ++i) {
                EXPECT_NEAR(ticks[i] / step, std::round(ticks[i] / step), 1e-6);
                EXPECT_GE(ps.priceToY(ticks[i]), -1e-6);
                EXPECT_LE(ps.priceToY(ticks[i]), height + 1e-6);
                if (i > 0) {
                    EXPECT_GE(ps.priceToY(ticks[i - 1]) - ps.priceToY(ticks[i]), 40 - 1e-6);
                }
            }
        }
    }
}

TEST(PriceScale, TicksNeverGoBelowTheSymbolsTickSize) {
    PriceScale ps(0, 400, 0.1, 0.1);
    ps.autoscaleTo(100.00, 100.02);
    EXPECT_GE(ps.tickStep(40, 0.01), 0.01 - 1e-12);
    const auto ticks = ps.ticks(40, 0.01);
    ASSERT_FALSE(ticks.empty());
    for (const double t : ticks) EXPECT_NEAR(t * 100, std::round(t * 100), 1e-6);
}

TEST(PriceScale, EmptyPaneHasNoTicks) {
    PriceScale ps(0, 0, 0.1, 0.1);
    ps.setRange(PriceRange{1, 2});
    EXPECT_TRUE(ps.ticks(40).empty());
}

}  // namespace

namespace {
using cpc::chart::PriceScaleMode;

// Invert scale: every mode flips top and bottom; the range, the round trip and the ticks stay.
TEST(PriceScaleInverted, HigherPricesAreLowerOnScreenInEveryMode) {
    for (const PriceScaleMode mode : {PriceScaleMode::Linear, PriceScaleMode::Logarithmic, PriceScaleMode::Percent}) {
        PriceScale upright(/*top=*/20, /*height=*/400, /*marginTop=*/0.1, /*marginBottom=*/0.1);
        upright.setBase(120);
        upright.setMode(mode);
        upright.autoscaleTo(100, 200);
        PriceScale flipped = upright;
        flipped.setInverted(true);
        EXPECT_TRUE(flipped.inverted());
        EXPECT_EQ(flipped.range(), upright.range());
        EXPECT_GT(flipped.priceToY(200), flipped.priceToY(100)) << cpc::chart::toString(mode);
        // The lowest price takes the place of the highest: mirror images within the pane.
        EXPECT_NEAR(flipped.priceToY(100), upright.priceToY(200), 1e-9) << cpc::chart::toString(mode);
        EXPECT_NEAR(flipped.priceToY(200), upright.priceToY(100), 1e-9) << cpc::chart::toString(mode);
        for (const double y : {30.0, 150.0, 333.0}) EXPECT_NEAR(flipped.priceToY(flipped.yToPrice(y)), y, 1e-6);
        // The same labels, each at its mirrored place.
        const auto ticksUp = upright.ticks(30);
        const auto ticksFlipped = flipped.ticks(30);
        ASSERT_FALSE(ticksFlipped.empty()) << cpc::chart::toString(mode);
        ASSERT_EQ(ticksFlipped.size(), ticksUp.size()) << cpc::chart::toString(mode);
        for (std::size_t i = 0; i < ticksUp.size(); ++i) EXPECT_NEAR(ticksFlipped[i], ticksUp[i], 1e-9);
        EXPECT_DOUBLE_EQ(flipped.tickStep(30), upright.tickStep(30));
    }
}

TEST(PriceScaleInverted, PanStillMovesThePricesWithTheMouse) {
    PriceScale ps = makeScale();
    ps.setInverted(true);
    const double y = ps.priceToY(150);
    ps.panBy(30);  // drag down
    EXPECT_NEAR(ps.priceToY(150), y + 30, 1e-9);
}
}  // namespace
