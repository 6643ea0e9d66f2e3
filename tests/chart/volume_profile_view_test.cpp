// The visible-range volume profile layer (VisibleVolumeProfile): its rows are the profile of
// exactly the visible candles, mapped to pixels, with the POC and value area flagged, and it
// follows ticks, new candles, older history and scrolling with RangeVolumeProfile's incremental
// syncs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "cpc/chart/chart_views.hpp"
#include "cpc/indicators/bar.hpp"
#include "cpc/indicators/volume_profile.hpp"
#include "fake_text_measurer.hpp"
#include "synthetic_series.hpp"

namespace {

using namespace cpc::chart;
using cpc::Interval;
using cpc::indicators::RangeVolumeProfile;
namespace synth = cpc::chart::testing;
namespace ind = cpc::indicators;

class VolumeProfileViewTest : public ::testing::Test {
protected:
    void SetUp() override {
        series = synth::makeSeries(800);
        model.setTextMeasurer(&measurer);
        model.setViewportSize(1000, 600);
        model.setSeries(&series, Interval::M1, 2);
        profile.setEnabled(true);
        prepare();
    }
    void prepare() {
        model.prepareFrame(model.takeInvalidation());
        buildFrame(model, frame);
        profile.build(model, frame);
    }
    // computeVolumeProfile over exactly the visible candles.
    ind::VolumeProfile expected() const {
        const IndexRange r = model.timeScale().visibleRange();
        const auto first = static_cast<std::size_t>(std::max<std::int64_t>(r.first, 0));
        const auto last = static_cast<std::size_t>(std::min<std::int64_t>(r.last, static_cast<std::int64_t>(series.size()) - 1));
        const auto bars = ind::toBars(series.candles().subspan(first, last - first + 1));
        return ind::computeVolumeProfile(bars, VisibleVolumeProfile::kRows, VisibleVolumeProfile::kValueAreaFraction)
            .value();
    }
    // The items match `want`: one per row, y from the price scale, width proportional to the
    // volume (the POC row is the longest), rising share, POC and value-area flags.
    void expectItemsMatch(const ind::VolumeProfile& want) const {
        const VolumeProfileItem& vp = frame.volumeProfile;
        ASSERT_TRUE(vp.visible);
        ASSERT_EQ(vp.rows.size(), want.rows.size());
        const double maxWidth = frame.layout.candlePane.width * VisibleVolumeProfile::kWidthFraction;
        const double maxVolume = want.rows[want.pocRow].volume;
        std::size_t pocs = 0;
        for (std::size_t r = 0; r < want.rows.size(); ++r) {
            const ind::VolumeProfileRow& row = want.rows[r];
            const VolumeProfileRowItem& item = vp.rows[r];
            SCOPED_TRACE(r);
            EXPECT_NEAR(item.topY, model.priceScale().priceToY(row.priceHigh), 1e-3);
            EXPECT_NEAR(item.bottomY, model.priceScale().priceToY(row.priceLow), 1e-3);
            EXPECT_NEAR(item.width, maxWidth * row.volume / maxVolume, 1e-3);
            EXPECT_NEAR(item.upWidth, row.volume > 0 ? item.width * row.upVolume / row.volume : 0.0, 1e-3);
            EXPECT_LE(item.width, static_cast<float>(maxWidth) + 1e-3F);
            EXPECT_EQ(item.poc, r == want.pocRow);
            EXPECT_EQ(item.inValueArea, r >= want.valueAreaLowRow && r <= want.valueAreaHighRow);
            pocs += item.poc ? 1 : 0;
        }
        EXPECT_EQ(pocs, 1U);
        EXPECT_FLOAT_EQ(vp.rows[want.pocRow].width, static_cast<float>(maxWidth));
        EXPECT_NEAR(vp.pocY, (vp.rows[want.pocRow].topY + vp.rows[want.pocRow].bottomY) / 2, 1e-3);
    }

    synth::FakeTextMeasurer measurer;
    cpc::market::CandleSeries series;
    ChartModel model;
    FrameItems frame;
    VisibleVolumeProfile profile;
};

TEST_F(VolumeProfileViewTest, RowsAreTheProfileOfExactlyTheVisibleCandles) {
    model.scrollBy(1500);  // away from the live edge: candles on both sides are off screen
    prepare();
    const IndexRange r = model.timeScale().visibleRange();
    ASSERT_GT(r.first, 0);
    ASSERT_LT(r.last, static_cast<std::int64_t>(series.size()) - 1);
    const ind::VolumeProfile want = expected();
    ASSERT_TRUE(profile.profile().has_value());
    EXPECT_EQ(*profile.profile(), want);  // bitwise
    expectItemsMatch(want);

    // One candle more or less would be a different profile (so the check above can fail).
    const auto bars = ind::toBars(series.candles().subspan(static_cast<std::size_t>(r.first),
                                                           static_cast<std::size_t>(r.count()) + 1));
    EXPECT_NE(ind::computeVolumeProfile(bars, VisibleVolumeProfile::kRows).value(), want);

    // The value area holds at least 70 % of the volume and contains the POC.
    double inArea = 0;
    for (std::size_t i = want.valueAreaLowRow; i <= want.valueAreaHighRow; ++i) inArea += want.rows[i].volume;
    EXPECT_GE(inArea, 0.70 * want.totalVolume - 1e-9);
    EXPECT_LE(want.valueAreaLowRow, want.pocRow);
    EXPECT_GE(want.valueAreaHighRow, want.pocRow);
    EXPECT_LT(want.valueAreaHighRow - want.valueAreaLowRow + 1, want.rows.size());  // not everything

    // Rows stack upwards from the lowest price, inside the candle pane's price range.
    const VolumeProfileItem& vp = frame.volumeProfile;
    for (std::size_t i = 1; i < vp.rows.size(); ++i) EXPECT_NEAR(vp.rows[i].bottomY, vp.rows[i - 1].topY, 1e-3);
    EXPECT_TRUE(vp.fromRight);
    EXPECT_FLOAT_EQ(vp.edgeX, static_cast<float>(frame.layout.candlePane.right()));
}

TEST_F(VolumeProfileViewTest, FollowsTicksNewCandlesAndScrollingIncrementally) {
    expectItemsMatch(expected());
    EXPECT_EQ(profile.lastSync(), RangeVolumeProfile::SyncKind::Full);
    EXPECT_EQ(profile.mirrorRebuilds(), 1U);

    // Nothing changed: nothing to do.
    prepare();
    EXPECT_EQ(profile.lastSync(), RangeVolumeProfile::SyncKind::Unchanged);

    // A tick of the forming candle: a new high and more volume.
    cpc::Candle c = *series.last();
    c.high = synth::cents(c.high.toDouble() + 40.0);
    c.close = synth::cents(c.high.toDouble() - 1.0);
    c.volume = *cpc::Decimal::fromDouble(c.volume.toDouble() + 25.0);
    series.upsert(c);
    model.seriesChanged();
    prepare();
    EXPECT_EQ(profile.lastSync(), RangeVolumeProfile::SyncKind::Incremental);
    expectItemsMatch(expected());
    EXPECT_EQ(*profile.profile(), expected());

    // The candle closes and a new one opens: the chart follows the live edge.
    synth::Walk walk(c.close.toDouble(), 5);
    c.closed = true;
    series.upsert(c);
    series.upsert(walk.next(cpc::nextBucketStart(Interval::M1, c.openTime), false));
    model.seriesChanged();
    prepare();
    EXPECT_EQ(*profile.profile(), expected());
    expectItemsMatch(expected());

    // Scrolling and zooming recompute the new range; the candle mirror is never rebuilt.
    model.scrollBy(700);
    prepare();
    EXPECT_EQ(profile.lastSync(), RangeVolumeProfile::SyncKind::Full);
    EXPECT_EQ(*profile.profile(), expected());
    expectItemsMatch(expected());
    model.zoom(500, 0.5);
    prepare();
    EXPECT_EQ(*profile.profile(), expected());
    expectItemsMatch(expected());
    EXPECT_EQ(profile.mirrorRebuilds(), 1U);
}

TEST_F(VolumeProfileViewTest, OlderHistoryPrependedKeepsTheProfileOfTheSameVisibleCandles) {
    const ind::VolumeProfile before = expected();
    expectItemsMatch(before);
    // 200 older candles arrive (scroll-back): indices shift, the visible candles do not.
    std::vector<cpc::Candle> older;
    synth::Walk walk(41000.0, 11);
    const std::int64_t start = series[0].openTime - 200 * 60'000;
    for (std::int64_t i = 0; i < 200; ++i) older.push_back(walk.next(start + i * 60'000));
    ASSERT_EQ(series.merge(older), 200U);
    model.seriesChanged();
    prepare();
    EXPECT_EQ(expected(), before);  // the view did not move…
    EXPECT_EQ(*profile.profile(), before);  // …nor did the profile, at no cost:
    EXPECT_EQ(profile.lastSync(), RangeVolumeProfile::SyncKind::Unchanged);
    EXPECT_EQ(profile.mirrorRebuilds(), 1U);  // only the older candles were converted
    expectItemsMatch(before);
    // A tick after that is still a step of the forming candle.
    cpc::Candle c = *series.last();
    c.volume = *cpc::Decimal::fromDouble(c.volume.toDouble() + 3.0);
    series.upsert(c);
    model.seriesChanged();
    prepare();
    EXPECT_EQ(profile.lastSync(), RangeVolumeProfile::SyncKind::Incremental);
    EXPECT_EQ(*profile.profile(), expected());
    expectItemsMatch(expected());
}

TEST_F(VolumeProfileViewTest, RewrittenHistoryConvertsTheCandlesAgain) {
    // The same series object refilled with other candles at the same times (another symbol).
    const std::vector<cpc::Candle> old(series.candles().begin(), series.candles().end());
    series.clear();
    synth::Walk walk(30000.0, 3);
    for (const cpc::Candle& c : old) series.upsert(walk.next(c.openTime, c.closed));
    model.seriesChanged();
    prepare();
    EXPECT_EQ(profile.mirrorRebuilds(), 2U);
    EXPECT_EQ(*profile.profile(), expected());
    expectItemsMatch(expected());
}

TEST_F(VolumeProfileViewTest, GrowsFromTheLeftEdgeWhenAskedAndDisappearsWhenDisabled) {
    profile.setFromRight(false);
    prepare();
    ASSERT_TRUE(frame.volumeProfile.visible);
    EXPECT_FALSE(frame.volumeProfile.fromRight);
    EXPECT_FLOAT_EQ(frame.volumeProfile.edgeX, static_cast<float>(frame.layout.candlePane.x));

    profile.setEnabled(false);
    prepare();
    EXPECT_FALSE(frame.volumeProfile.visible);
    EXPECT_TRUE(frame.volumeProfile.rows.empty());
    EXPECT_FALSE(profile.profile().has_value());

    profile.setEnabled(true);
    prepare();
    expectItemsMatch(expected());
}

}  // namespace
