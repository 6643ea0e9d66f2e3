#include <gtest/gtest.h>

#include <vector>

#include "cpc/chart/chart_model.hpp"
#include "fake_text_measurer.hpp"
#include "synthetic_series.hpp"

namespace {

using namespace cpc::chart;
using cpc::Interval;
namespace synth = cpc::chart::testing;

class ChartModelTest : public ::testing::Test {
protected:
    void SetUp() override {
        series = synth::makeSeries(500);
        model.setTextMeasurer(&measurer);
        model.setViewportSize(900, 560);
        model.setInvalidateHandler([this](Invalidation level) { calls.push_back(level); });
        model.setSeries(&series, Interval::M1, 2);
        model.prepareFrame(model.takeInvalidation());
        calls.clear();
    }

    void append(int n) {
        synth::Walk walk(series.last()->close.toDouble(), 99);
        for (int i = 0; i < n; ++i)
            series.upsert(walk.next(cpc::nextBucketStart(Interval::M1, series.last()->openTime)));
        model.seriesChanged();
    }

    double xOfOpenTime(std::int64_t openTime) const {
        return model.timeScale().indexToX(static_cast<double>(series.lowerBound(openTime)));
    }

    synth::FakeTextMeasurer measurer;
    cpc::market::CandleSeries series;
    ChartModel model;
    std::vector<Invalidation> calls;
};

TEST_F(ChartModelTest, SetSeriesStartsAtTheLiveEdgeWithAFullInvalidation) {
    ChartModel fresh;
    std::vector<Invalidation> seen;
    fresh.setInvalidateHandler([&](Invalidation l) { seen.push_back(l); });
    fresh.setViewportSize(900, 560);
    fresh.setSeries(&series, Interval::M1, 2);
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.back(), Invalidation::Full);
    EXPECT_TRUE(fresh.timeScale().isAtLiveEdge());
    EXPECT_DOUBLE_EQ(fresh.timeScale().barSpacing(), TimeScale::kDefaultBarSpacing);
    EXPECT_EQ(fresh.timeScale().barCount(), 500U);
    EXPECT_EQ(fresh.title(), "BTCUSDT · 1m · Binance");
    fresh.setVenueLabel("Simulator");  // demo mode never labels simulated data as the venue's
    EXPECT_EQ(fresh.title(), "BTCUSDT · 1m · Simulator");
}

TEST_F(ChartModelTest, InvalidationsMergeUntilTheFramePaints) {
    model.setCrosshair({100, 100});
    EXPECT_EQ(model.pendingInvalidation(), Invalidation::Cursor);
    model.scrollBy(10);
    EXPECT_EQ(model.pendingInvalidation(), Invalidation::Light);
    model.setCrosshair({120, 100});
    EXPECT_EQ(model.pendingInvalidation(), Invalidation::Light);  // never downgraded
    EXPECT_EQ(calls.back(), Invalidation::Light);
    EXPECT_EQ(model.takeInvalidation(), Invalidation::Light);
    EXPECT_EQ(model.pendingInvalidation(), Invalidation::None);
    model.setViewportSize(800, 500);
    EXPECT_EQ(model.takeInvalidation(), Invalidation::Full);
}

TEST_F(ChartModelTest, CrosshairMovesOnlyInvalidateTheCursorLayer) {
    model.setCrosshair({300, 200});
    model.setCrosshair({301, 200});
    model.clearCrosshair();
    ASSERT_EQ(calls.size(), 3U);
    for (const Invalidation l : calls) EXPECT_EQ(l, Invalidation::Cursor);
    model.clearCrosshair();  // nothing to clear: no repaint
    EXPECT_EQ(calls.size(), 3U);
}

TEST_F(ChartModelTest, AppendAtTheLiveEdgeScrollsTheNewBarIn) {
    const double lastX = xOfOpenTime(series.last()->openTime);
    append(1);
    EXPECT_EQ(calls.back(), Invalidation::Light);
    EXPECT_EQ(model.timeScale().barCount(), 501U);
    EXPECT_DOUBLE_EQ(xOfOpenTime(series.last()->openTime), lastX);
}

TEST_F(ChartModelTest, AppendWhileScrolledBackKeepsTheViewStill) {
    model.scrollBy(600);
    ASSERT_FALSE(model.timeScale().isAtLiveEdge());
    const std::int64_t watched = series[400].openTime;
    const double x = xOfOpenTime(watched);
    append(5);
    EXPECT_DOUBLE_EQ(xOfOpenTime(watched), x);
}

TEST_F(ChartModelTest, PrependedHistoryDoesNotMoveTheView) {
    model.scrollBy(300);
    const std::int64_t watched = series[450].openTime;
    const double x = xOfOpenTime(watched);
    synth::Walk walk(40000, 3);
    std::int64_t t = series[0].openTime;
    for (int i = 0; i < 100; ++i) {
        t -= cpc::kMinuteMs;
        series.upsert(walk.next(t));
    }
    model.seriesChanged();
    EXPECT_EQ(model.timeScale().barCount(), 600U);
    EXPECT_DOUBLE_EQ(xOfOpenTime(watched), x);
}

TEST_F(ChartModelTest, UpdatingTheFormingCandleIsLightAndMovesNothing) {
    const double ro = model.timeScale().rightOffset();
    cpc::Candle c = *series.last();
    c.close = c.high;
    series.upsert(c);
    model.seriesChanged();
    EXPECT_EQ(calls.back(), Invalidation::Light);
    EXPECT_DOUBLE_EQ(model.timeScale().rightOffset(), ro);
    calls.clear();
    model.seriesChanged();  // same revision: nothing to do
    EXPECT_TRUE(calls.empty());
}

TEST_F(ChartModelTest, FirstDataAfterLoadingStartsAtTheLiveEdge) {
    cpc::market::CandleSeries loading(cpc::SeriesKey{"binance", "ETHUSDT", Interval::M1});
    model.setSeries(&loading, Interval::M1, 2);
    EXPECT_FALSE(model.hasData());
    model.scrollBy(500);
    synth::Walk walk(2500);
    for (int i = 0; i < 300; ++i) loading.upsert(walk.next(synth::kStartMs + i * cpc::kMinuteMs));
    model.seriesChanged();
    EXPECT_TRUE(model.hasData());
    EXPECT_TRUE(model.timeScale().isAtLiveEdge());
    EXPECT_DOUBLE_EQ(model.timeScale().rightOffset(), TimeScale::kDefaultRightOffset);
}

TEST_F(ChartModelTest, AutoscaleFitsTheVisibleBars) {
    model.scrollBy(800);
    model.prepareFrame(model.takeInvalidation());
    const auto range = model.timeScale().visibleRange();
    double hi = 0, lo = 1e18, vol = 0;
    for (auto i = range.first; i <= range.last; ++i) {
        hi = std::max(hi, series[static_cast<std::size_t>(i)].high.toDouble());
        lo = std::min(lo, series[static_cast<std::size_t>(i)].low.toDouble());
        vol = std::max(vol, series[static_cast<std::size_t>(i)].volume.toDouble());
    }
    const PriceScale& ps = model.priceScale();
    EXPECT_NEAR(ps.priceToY(hi), ps.top() + ps.height() * ps.marginTop(), 1e-6);
    EXPECT_NEAR(ps.priceToY(lo), ps.bottom() - ps.height() * ps.marginBottom(), 1e-6);
    const PriceScale& vs = model.volumeScale();
    EXPECT_NEAR(vs.priceToY(vol), vs.top() + vs.height() * vs.marginTop(), 1e-6);
    EXPECT_NEAR(vs.priceToY(0), vs.bottom(), 1e-6);
}

TEST_F(ChartModelTest, ManualPriceScaleStaysPutUntilAutoscaleIsBack) {
    model.scalePrice(1.5);
    EXPECT_FALSE(model.autoScale());
    model.prepareFrame(model.takeInvalidation());
    const PriceRange manual = model.priceScale().range();
    model.scrollBy(700);
    model.prepareFrame(model.takeInvalidation());
    EXPECT_EQ(model.priceScale().range(), manual);
    model.setAutoScale(true);
    model.prepareFrame(model.takeInvalidation());
    EXPECT_NE(model.priceScale().range(), manual);
}

TEST_F(ChartModelTest, PriceAxisGrowsForWiderPrices) {
    const double before = model.layout().priceAxis.width;
    cpc::Candle c = *series.last();
    c.high = *cpc::Decimal::fromDouble(1234567.0);
    c.close = c.high;
    series.upsert(c);
    model.seriesChanged();
    model.prepareFrame(model.takeInvalidation());
    EXPECT_GE(model.layout().priceAxis.width, 10 * 6 + 16);  // "1234567.00"
    EXPECT_GT(model.layout().priceAxis.width, before);
    EXPECT_DOUBLE_EQ(model.timeScale().width(), model.layout().candlePane.width);
}

TEST_F(ChartModelTest, HoveredIndexFollowsTheCrosshairOverPanesOnly) {
    const double x = model.timeScale().indexToX(480);
    model.setCrosshair({x, 100});
    EXPECT_EQ(model.hoveredIndex(), 480U);
    model.setCrosshair({x, model.layout().volumePane.y + 5});
    EXPECT_EQ(model.hoveredIndex(), 480U);
    model.setCrosshair({model.layout().priceAxis.x + 5, 100});
    EXPECT_FALSE(model.hoveredIndex().has_value());
    model.setCrosshair({model.timeScale().indexToX(501), 100});  // empty space after the data
    EXPECT_FALSE(model.hoveredIndex().has_value());
    EXPECT_EQ(model.regionAt({5, model.layout().timeAxis.y + 3}), ChartRegion::TimeAxis);
}

TEST_F(ChartModelTest, TimesExtendAlongTheIntervalBeyondTheData) {
    EXPECT_EQ(model.timeAtIndex(0), series[0].openTime);
    EXPECT_EQ(model.timeAtIndex(502), series.last()->openTime + 3 * cpc::kMinuteMs);
    EXPECT_EQ(model.timeAtIndex(-2), series[0].openTime - 2 * cpc::kMinuteMs);

    auto monthly = synth::makeSeries(3, Interval::Mo1, 1'704'067'200'000);  // 2024-01-01
    model.setSeries(&monthly, Interval::Mo1, 2);
    EXPECT_EQ(model.timeAtIndex(3), 1'711'929'600'000);   // 2024-04-01
    EXPECT_EQ(model.timeAtIndex(-1), 1'701'388'800'000);  // 2023-12-01
}

TEST_F(ChartModelTest, CountdownRunsToTheCloseOfTheFormingCandle) {
    const std::int64_t open = series.last()->openTime;
    std::int64_t now = open + 20'000;
    model.setClock([&now] { return now; });
    ASSERT_FALSE(series.last()->closed);
    EXPECT_EQ(model.countdownMs(), 40'000);
    calls.clear();
    model.clockTick();
    EXPECT_EQ(calls, std::vector<Invalidation>{Invalidation::Cursor});
    now += 300;  // same second on the clock: no repaint
    model.clockTick();
    EXPECT_EQ(calls.size(), 1U);
    now += 1000;
    model.clockTick();
    EXPECT_EQ(calls.size(), 2U);
    now = open + 61'000;  // past the close: stale data shows no countdown
    EXPECT_FALSE(model.countdownMs().has_value());
}

TEST_F(ChartModelTest, ClosedCandleHasNoCountdown) {
    cpc::Candle c = *series.last();
    c.closed = true;
    series.upsert(c);
    model.seriesChanged();
    model.setClock([&] { return c.openTime + 1000; });
    EXPECT_FALSE(model.countdownMs().has_value());
}

TEST_F(ChartModelTest, ZoomAnchorsAtTheCursor) {
    const double x = 333;
    const auto bar = model.timeScale().xToIndex(x);
    model.zoom(x, 2.0);
    EXPECT_EQ(model.timeScale().xToIndex(x), bar);
    EXPECT_DOUBLE_EQ(model.timeScale().barSpacing(), 2 * TimeScale::kDefaultBarSpacing);
    EXPECT_EQ(calls.back(), Invalidation::Light);
}

TEST_F(ChartModelTest, NullSeriesIsEmpty) {
    model.setSeries(nullptr, Interval::H1, 2);
    EXPECT_FALSE(model.hasData());
    EXPECT_TRUE(model.title().empty());
    EXPECT_FALSE(model.timeAtIndex(0).has_value());
    model.seriesChanged();
    model.prepareFrame(Invalidation::Full);
}

}  // namespace
