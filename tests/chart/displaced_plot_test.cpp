// Displaced indicator outputs (Ichimoku's senkou spans, +26) are drawn past the newest candle, in
// the future slots on the time axis' bar spacing, as TradingView does; the lagging span (−26)
// ends 26 bars early. The columns are placed the way the app places them
// (indicators::placeOutput), so this covers the whole Qt-free path from indicator to render items.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "cpc/chart/chart_views.hpp"
#include "cpc/indicators/registry.hpp"
#include "fake_text_measurer.hpp"
#include "synthetic_series.hpp"

namespace {

using namespace cpc::chart;
using cpc::Interval;
namespace ind = cpc::indicators;
namespace synth = cpc::chart::testing;

constexpr std::size_t kTenkan = 0, kSenkouA = 2, kSenkouB = 3, kChikou = 4;

class DisplacedPlotTest : public ::testing::Test {
protected:
    void SetUp() override {
        series = synth::makeSeries(300);
        auto created = ind::create("ICHIMOKU");
        ASSERT_TRUE(created.ok()) << created.error().message;
        ichimoku = std::move(*created);
        ichimoku->computeAll(ind::toBars(series.candles()));
        model.setTextMeasurer(&measurer);
        model.setViewportSize(1000, 600);
        model.setSeries(&series, Interval::M1, 2);
        overlayId = model.addOverlay("Ichimoku", columns());
        prepare();
    }
    std::vector<PaneSeries> columns() const {
        std::vector<PaneSeries> out(ichimoku->outputCount());
        for (std::size_t o = 0; o < out.size(); ++o) {
            out[o].name = ichimoku->info().outputs[o].name;
            ind::placeOutput(out[o].values, *ichimoku, o, series.size(), 0);
        }
        return out;
    }
    void prepare() {
        model.prepareFrame(model.takeInvalidation());
        buildFrame(model, frame);
    }
    double xOfSlot(std::size_t slot) const {
        return frame.layout.candlePane.x + model.timeScale().indexToX(static_cast<double>(slot));
    }
    // Points of a line that lie right of the newest candle, with a value.
    std::vector<LinePoint> futurePoints(std::size_t output) const {
        std::vector<LinePoint> out;
        const auto lastX = static_cast<float>(xOfSlot(series.size() - 1));
        for (const LinePoint& p : frame.overlayLines.at(output).points)
            if (p.x > lastX && std::isfinite(p.y)) out.push_back(p);
        return out;
    }

    synth::FakeTextMeasurer measurer;
    cpc::market::CandleSeries series;
    std::unique_ptr<ind::Indicator> ichimoku;
    ChartModel model;
    std::uint64_t overlayId = 0;
    FrameItems frame;
};

TEST_F(DisplacedPlotTest, SenkouSpansRunTwentySixSlotsPastTheNewestCandle) {
    const std::size_t n = series.size();
    ASSERT_EQ(ichimoku->plotOffset(kSenkouA), 26);
    ASSERT_EQ(ichimoku->plotOffset(kChikou), -26);
    // The columns: the last 26 computed spans sit in the 26 slots after the newest candle.
    const auto& placed = model.overlays().at(0).series;
    ASSERT_EQ(placed[kSenkouA].values.size(), n + 26);
    ASSERT_EQ(placed[kSenkouB].values.size(), n + 26);
    ASSERT_EQ(placed[kTenkan].values.size(), n);
    ASSERT_EQ(placed[kChikou].values.size(), n);
    for (std::size_t k = 0; k < 26; ++k) {
        EXPECT_EQ(placed[kSenkouA].values[n + k], ichimoku->output(kSenkouA)[n - 26 + k]) << k;
        EXPECT_EQ(placed[kSenkouB].values[n + k], ichimoku->output(kSenkouB)[n - 26 + k]) << k;
        EXPECT_TRUE(std::isfinite(placed[kSenkouA].values[n + k]));
    }

    // Scroll into the future so all 26 slots are on screen (a drag to the left).
    const double spacing = model.timeScale().barSpacing();
    model.scrollBy(-40 * spacing);
    prepare();
    ASSERT_GE(model.timeScale().rightOffset(), 27.0);
    const auto& ps = model.priceScale();
    for (const std::size_t o : {kSenkouA, kSenkouB}) {
        const auto future = futurePoints(o);
        ASSERT_EQ(future.size(), 26U) << "output " << o;
        for (std::size_t k = 0; k < 26; ++k) {
            // Slot n + k on the bar spacing, at the span computed 26 bars earlier.
            EXPECT_EQ(future[k].x, static_cast<float>(xOfSlot(n + k))) << o << " slot " << k;
            EXPECT_NEAR(future[k].x - (k > 0 ? future[k - 1].x : static_cast<float>(xOfSlot(n - 1))), spacing, 1e-3);
            EXPECT_EQ(future[k].y, static_cast<float>(ps.priceToY(ichimoku->output(o)[n - 26 + k]))) << o << " slot " << k;
            EXPECT_GE(future[k].y, frame.layout.candlePane.top());
            EXPECT_LE(future[k].y, frame.layout.candlePane.bottom());
        }
    }
    // Undisplaced and lagging outputs stop at (or before) the newest candle.
    EXPECT_TRUE(futurePoints(kTenkan).empty());
    EXPECT_TRUE(futurePoints(kChikou).empty());
}

TEST_F(DisplacedPlotTest, AtTheLiveEdgeOnlyTheVisibleFutureSlotsAreDrawn) {
    // Default view: rightOffset 4 empty slots right of the newest bar; the spans fill them and the
    // rest of the 26 lies off screen.
    const std::size_t n = series.size();
    const auto slots = model.visibleSlots();
    ASSERT_GT(slots.last, static_cast<std::int64_t>(n - 1));
    ASSERT_LT(slots.last, static_cast<std::int64_t>(n + 25));
    const auto future = futurePoints(kSenkouA);
    EXPECT_EQ(future.size(), static_cast<std::size_t>(slots.last) - (n - 1));
    for (const LinePoint& p : future) EXPECT_LE(p.x, frame.layout.candlePane.right() + model.timeScale().barSpacing());
}

TEST_F(DisplacedPlotTest, TicksAndNewCandlesMoveTheFutureSlotsIncrementally) {
    synth::Walk walk(series[series.size() - 1].close.toDouble(), 99);
    std::int64_t t = series[series.size() - 1].openTime;
    auto placed = model.overlays().at(0).series;
    for (int step = 0; step < 60; ++step) {
        const bool newCandle = step % 3 == 0;
        if (newCandle) t = cpc::nextBucketStart(Interval::M1, t);
        const auto candle = walk.next(t, false);
        const std::size_t before = series.size();
        series.upsert(candle);
        ichimoku->update(ind::toBar(candle), newCandle);
        const std::size_t fromRow = newCandle ? before : before - 1;
        for (std::size_t o = 0; o < placed.size(); ++o)
            ind::placeOutput(placed[o].values, *ichimoku, o, series.size(), fromRow);
        const auto fresh = columns();
        for (std::size_t o = 0; o < placed.size(); ++o) {
            ASSERT_EQ(placed[o].values.size(), fresh[o].values.size()) << step << " output " << o;
            for (std::size_t i = 0; i < fresh[o].values.size(); ++i) {
                const double a = placed[o].values[i];
                const double b = fresh[o].values[i];
                ASSERT_TRUE(a == b || (std::isnan(a) && std::isnan(b))) << step << " output " << o << " slot " << i;
            }
        }
    }
    ASSERT_EQ(placed[kSenkouA].values.size(), series.size() + 26);
    EXPECT_TRUE(std::isfinite(placed[kSenkouA].values.back()));
}

TEST_F(DisplacedPlotTest, AutoscaleCountsIndicatorValuesInTheVisibleFutureOnly) {
    const std::size_t n = series.size();
    const double top = model.priceScale().range().max;
    std::vector<double> values(n + 30, std::numeric_limits<double>::quiet_NaN());
    values[n - 1] = series[n - 1].close.toDouble();
    values[n + 1] = top * 2;   // on screen at the live edge (rightOffset 4)
    values[n + 20] = top * 10;  // off screen until the view moves right
    model.setOverlaySeries(overlayId, {PaneSeries{"spike", PaneSeriesKind::Line, 0xffffffffU, values}});
    prepare();
    EXPECT_GE(model.priceScale().range().max, top * 2);
    EXPECT_LT(model.priceScale().range().max, top * 10);
    model.scrollBy(-30 * model.timeScale().barSpacing());
    prepare();
    EXPECT_GE(model.priceScale().range().max, top * 10);
}

}  // namespace
