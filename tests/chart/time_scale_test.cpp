#include <gtest/gtest.h>

#include "cpc/chart/time_scale.hpp"

namespace {

using cpc::chart::TimeScale;

TimeScale makeScale(std::size_t bars = 500, double width = 800, double spacing = 8) {
    TimeScale ts(width, spacing, TimeScale::kDefaultRightOffset);
    ts.setBarCount(bars);
    return ts;
}

TEST(TimeScale, XToIndexInvertsIndexToX) {
    for (const double spacing : {0.1, 0.37, 1.0, 3.3, 8.0, 25.0, 60.0}) {
        for (const double offset : {-120.5, -3.0, 0.0, 4.0, 17.25}) {
            TimeScale ts = makeScale(1000, 937, spacing);
            ts.setRightOffset(offset);
            for (std::int64_t i = -50; i < 1100; i += 7)
                ASSERT_EQ(ts.xToIndex(ts.indexToX(static_cast<double>(i))), i)
                    << "spacing " << spacing << " offset " << ts.rightOffset();
        }
    }
}

TEST(TimeScale, NewestBarSitsRightOffsetBarsFromTheRightEdge) {
    TimeScale ts = makeScale(500, 800, 10);
    ts.setRightOffset(3);
    EXPECT_DOUBLE_EQ(ts.indexToX(499), 800 - 3.5 * 10);
    EXPECT_DOUBLE_EQ(ts.indexToX(498), ts.indexToX(499) - 10);
}

TEST(TimeScale, EdgesOfABarSlotBelongToTheRightBar) {
    TimeScale ts = makeScale(100, 800, 10);
    const double centre = ts.indexToX(50);
    EXPECT_EQ(ts.xToIndex(centre - 4.99), 50);
    EXPECT_EQ(ts.xToIndex(centre + 4.99), 50);
    EXPECT_EQ(ts.xToIndex(centre + 5.01), 51);
    EXPECT_EQ(ts.xToIndex(centre - 5.01), 49);
}

TEST(TimeScale, ZoomKeepsBarUnderCursorFixed) {
    TimeScale ts = makeScale(2000, 800, 6);
    for (const double anchor : {13.0, 400.0, 777.0}) {
        for (const double factor : {1.5, 0.5, 1.1, 0.9, 2.0}) {
            const auto before = ts.xToIndex(anchor);
            const double exact = ts.xToFloatIndex(anchor);
            ts.zoom(anchor, factor);
            EXPECT_EQ(ts.xToIndex(anchor), before) << "anchor " << anchor << " factor " << factor;
            EXPECT_NEAR(ts.xToFloatIndex(anchor), exact, 1e-9);
        }
    }
}

TEST(TimeScale, ZoomChangesSpacingByTheFactorWithinClamps) {
    TimeScale ts = makeScale(5000, 800, 8);
    ts.zoom(400, 1.5);
    EXPECT_DOUBLE_EQ(ts.barSpacing(), 12);
    ts.zoom(400, 100);
    EXPECT_DOUBLE_EQ(ts.barSpacing(), TimeScale::kMaxBarSpacing);
    ts.zoom(400, 1e-6);
    EXPECT_DOUBLE_EQ(ts.barSpacing(), TimeScale::kMinBarSpacing);
    ts.setBarSpacing(1000);
    EXPECT_DOUBLE_EQ(ts.barSpacing(), TimeScale::kMaxBarSpacing);
    ts.zoom(400, -2);  // ignored
    ts.zoom(400, std::numeric_limits<double>::quiet_NaN());
    EXPECT_DOUBLE_EQ(ts.barSpacing(), TimeScale::kMaxBarSpacing);
}

TEST(TimeScale, ScrollMovesContentByThePixels) {
    TimeScale ts = makeScale(500, 800, 8);
    const double x = ts.indexToX(300);
    ts.scrollBy(80);
    EXPECT_DOUBLE_EQ(ts.indexToX(300), x + 80);
    EXPECT_DOUBLE_EQ(ts.rightOffset(), TimeScale::kDefaultRightOffset - 10);
    ts.scrollBy(-40);
    EXPECT_DOUBLE_EQ(ts.indexToX(300), x + 40);
}

TEST(TimeScale, ScrollingKeepsSomeBarsOnScreenAtBothEnds) {
    TimeScale ts = makeScale(500, 800, 8);
    ts.scrollBy(1e9);  // far into the past
    EXPECT_LE(ts.indexToX(1), 800.0);
    EXPECT_GE(ts.visibleRange().count(), 2);
    EXPECT_EQ(ts.visibleRange().first, 0);
    ts.scrollBy(-1e9);  // far into the future
    EXPECT_GE(ts.indexToX(498), 0.0);
    EXPECT_GE(ts.visibleRange().count(), 2);
    EXPECT_EQ(ts.visibleRange().last, 499);
}

TEST(TimeScale, VisibleRangeHoldsExactlyTheBarsOnScreen) {
    TimeScale ts = makeScale(500, 800, 10);
    ts.scrollBy(1234);
    const auto range = ts.visibleRange();
    ASSERT_FALSE(range.empty());
    for (std::int64_t i = range.first; i <= range.last; ++i) {
        EXPECT_GT(ts.indexToX(static_cast<double>(i)) + 5, 0.0);
        EXPECT_LT(ts.indexToX(static_cast<double>(i)) - 5, 800.0);
    }
    EXPECT_LE(ts.indexToX(static_cast<double>(range.first - 1)) + 5, 0.0);
    EXPECT_GE(ts.indexToX(static_cast<double>(range.last + 1)) - 5, 800.0);
    EXPECT_GE(range.count(), 80);  // 800 px of 10 px slots, plus a partial one at each edge
    EXPECT_LE(range.count(), 81);
}

TEST(TimeScale, VisibleRangeIsClippedToTheData) {
    TimeScale ts = makeScale(30, 800, 10);
    const auto range = ts.visibleRange();
    EXPECT_EQ(range.first, 0);
    EXPECT_EQ(range.last, 29);
    EXPECT_TRUE(TimeScale(800, 10).visibleRange().empty());
}

TEST(TimeScale, AppendedBarsScrollTheViewAtTheLiveEdge) {
    TimeScale ts = makeScale(500, 800, 8);
    ASSERT_TRUE(ts.isAtLiveEdge());
    const double lastX = ts.indexToX(499);
    ts.appendBars(1);
    EXPECT_EQ(ts.barCount(), 501U);
    EXPECT_DOUBLE_EQ(ts.indexToX(500), lastX);  // the new bar takes the newest bar's place
    EXPECT_DOUBLE_EQ(ts.rightOffset(), TimeScale::kDefaultRightOffset);
    EXPECT_TRUE(ts.isAtLiveEdge());
}

TEST(TimeScale, AppendedBarsDoNotMoveAViewScrolledIntoHistory) {
    TimeScale ts = makeScale(500, 800, 8);
    ts.scrollBy(400);  // 50 bars back: the newest bar is off screen
    ASSERT_FALSE(ts.isAtLiveEdge());
    const double x = ts.indexToX(420);
    ts.appendBars(3);
    EXPECT_DOUBLE_EQ(ts.indexToX(420), x);
    EXPECT_FALSE(ts.isAtLiveEdge());
}

TEST(TimeScale, ViewPastTheNewestBarCountsAsLive) {
    TimeScale ts = makeScale(500, 800, 8);
    ts.scrollBy(-200);
    EXPECT_TRUE(ts.isAtLiveEdge());
    ts.scrollToLiveEdge();
    ts.scrollBy(2 * 8);
    EXPECT_TRUE(ts.isAtLiveEdge());  // newest bar still on screen
    ts.scrollBy(6 * 8);
    EXPECT_FALSE(ts.isAtLiveEdge());
}

TEST(TimeScale, ResetRestoresDefaults) {
    TimeScale ts = makeScale(500, 800, 8);
    ts.zoom(100, 3);
    ts.scrollBy(300);
    ts.reset();
    EXPECT_DOUBLE_EQ(ts.barSpacing(), TimeScale::kDefaultBarSpacing);
    EXPECT_DOUBLE_EQ(ts.rightOffset(), TimeScale::kDefaultRightOffset);
}

TEST(TimeScale, ScrollToFirstBarShowsTheOldestBars) {
    TimeScale ts = makeScale(5000, 800, 8);
    ts.scrollToFirstBar();
    EXPECT_EQ(ts.visibleRange().first, 0);
    EXPECT_GT(ts.indexToX(0), 0.0);
    EXPECT_LT(ts.indexToX(0), 80.0);
}

TEST(TimeScale, WidthChangeKeepsTheNewestBarAnchoredRight) {
    TimeScale ts = makeScale(500, 800, 8);
    const double fromRight = 800 - ts.indexToX(499);
    ts.setWidth(1200);
    EXPECT_DOUBLE_EQ(1200 - ts.indexToX(499), fromRight);
}

}  // namespace
