#include <gtest/gtest.h>

#include "cpc/chart/chart_layout.hpp"
#include "fake_text_measurer.hpp"

namespace {

using cpc::chart::computeLayout;
using cpc::chart::LayoutMetrics;
using cpc::chart::Rect;
using cpc::chart::testing::FakeTextMeasurer;

double area(const Rect& r) { return r.width * r.height; }

TEST(ChartLayout, PanesAndAxesTileTheViewport) {
    const FakeTextMeasurer m;
    const auto l = computeLayout(900, 560, 48, m);
    const std::vector<Rect> parts{l.candlePane, l.volumePane, l.priceAxis, l.volumeAxis, l.timeAxis, l.corner};
    for (std::size_t i = 0; i < parts.size(); ++i)
        for (std::size_t j = i + 1; j < parts.size(); ++j)
            EXPECT_FALSE(parts[i].intersects(parts[j])) << i << " overlaps " << j;
    double total = 0;
    for (const Rect& r : parts) total += area(r);
    const double separator = l.viewport.width * LayoutMetrics{}.separator;
    EXPECT_DOUBLE_EQ(total + separator, 900.0 * 560.0);
}

TEST(ChartLayout, AxisSizesFollowTheText) {
    const FakeTextMeasurer m;
    const auto l = computeLayout(900, 560, 48, m);
    EXPECT_DOUBLE_EQ(l.priceAxis.width, 48 + 2 * 8);  // label + padding on both sides
    EXPECT_DOUBLE_EQ(l.priceAxis.x, 900 - 64);
    EXPECT_DOUBLE_EQ(l.timeAxis.height, 12 + 2 * 7);  // one line + padding
    EXPECT_DOUBLE_EQ(l.timeAxis.bottom(), 560);
    EXPECT_DOUBLE_EQ(l.candlePane.width, l.timeAxis.width);
    EXPECT_DOUBLE_EQ(l.candlePane.right(), l.priceAxis.x);
}

TEST(ChartLayout, WiderPriceLabelsWidenTheAxis) {
    const FakeTextMeasurer m;
    const auto narrow = computeLayout(900, 560, 40, m);
    const auto wide = computeLayout(900, 560, 90.3, m);
    EXPECT_GT(wide.priceAxis.width, narrow.priceAxis.width);
    EXPECT_DOUBLE_EQ(wide.priceAxis.width, 107);  // whole pixels
    EXPECT_LT(wide.candlePane.width, narrow.candlePane.width);
}

TEST(ChartLayout, VolumePaneTakesAboutAFifthBelowTheCandles) {
    const FakeTextMeasurer m;
    const auto l = computeLayout(900, 560, 48, m);
    ASSERT_TRUE(l.hasVolumePane());
    const double plot = l.timeAxis.y;
    EXPECT_NEAR(l.volumePane.height / plot, 0.2, 0.01);
    EXPECT_DOUBLE_EQ(l.volumePane.bottom(), l.timeAxis.y);
    EXPECT_DOUBLE_EQ(l.separatorY, l.candlePane.bottom());
    EXPECT_DOUBLE_EQ(l.volumePane.y, l.separatorY + 1);
    EXPECT_DOUBLE_EQ(l.volumeAxis.y, l.volumePane.y);
    EXPECT_EQ(l.plotArea(), (Rect{0, 0, l.candlePane.width, plot}));
}

TEST(ChartLayout, SmallViewportKeepsOnlyTheCandlePane) {
    const FakeTextMeasurer m;
    const auto l = computeLayout(300, 120, 48, m);
    EXPECT_FALSE(l.hasVolumePane());
    EXPECT_DOUBLE_EQ(l.candlePane.bottom(), l.timeAxis.y);
}

TEST(ChartLayout, DegenerateSizesGiveNoNegativeRectangles) {
    const FakeTextMeasurer m;
    for (const auto& [w, h] : {std::pair{0.0, 0.0}, std::pair{10.0, 5.0}, std::pair{-5.0, 100.0}}) {
        const auto l = computeLayout(w, h, 48, m);
        for (const Rect& r : {l.candlePane, l.volumePane, l.priceAxis, l.timeAxis, l.corner}) {
            EXPECT_GE(r.width, 0.0);
            EXPECT_GE(r.height, 0.0);
        }
    }
}

}  // namespace
