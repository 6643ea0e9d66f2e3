// Chart types, price-scale modes, the min/max pyramid, time zones, stacked panes, drawings and
// the history request (issue 5).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

#include "cpc/chart/chart_model.hpp"
#include "cpc/chart/chart_views.hpp"
#include "cpc/chart/drawings.hpp"
#include "cpc/chart/format.hpp"
#include "cpc/chart/minmax_pyramid.hpp"
#include "cpc/chart/time_marks.hpp"
#include "fake_text_measurer.hpp"
#include "synthetic_series.hpp"

namespace {

using namespace cpc::chart;
using cpc::Interval;
namespace synth = cpc::chart::testing;

class ChartFeaturesTest : public ::testing::Test {
protected:
    void SetUp() override {
        series = synth::makeSeries(3000);
        model.setTextMeasurer(&measurer);
        model.setViewportSize(1000, 600);
        model.setSeries(&series, Interval::M1, 2);
        model.prepareFrame(model.takeInvalidation());
    }
    void frame() { model.prepareFrame(model.takeInvalidation()); }

    synth::FakeTextMeasurer measurer;
    cpc::market::CandleSeries series;
    ChartModel model;
};

// ---- price scale modes ------------------------------------------------------------------------

TEST(PriceScaleModes, PriceAndYRoundTripOnEveryMode) {
    for (const PriceScaleMode mode : {PriceScaleMode::Linear, PriceScaleMode::Logarithmic, PriceScaleMode::Percent}) {
        PriceScale ps(10, 500, 0.1, 0.1);
        ps.setMode(mode);
        ps.setBase(150.0);
        ps.autoscaleTo(100.0, 400.0);
        for (double p = 90; p < 420; p += 7.3) EXPECT_NEAR(ps.yToPrice(ps.priceToY(p)), p, 1e-9 * p) << toString(mode);
        for (double y = 0; y < 520; y += 13) EXPECT_NEAR(ps.priceToY(ps.yToPrice(y)), y, 1e-7) << toString(mode);
        // The autoscaled extremes sit exactly on the margins.
        EXPECT_NEAR(ps.priceToY(400.0), 10 + 50, 1e-9) << toString(mode);
        EXPECT_NEAR(ps.priceToY(100.0), 10 + 450, 1e-9) << toString(mode);
    }
}

TEST(PriceScaleModes, LogScaleMakesEqualRatiosEqualDistances) {
    PriceScale ps(0, 400, 0.0, 0.0);
    ps.setMode(PriceScaleMode::Logarithmic);
    ps.autoscaleTo(10.0, 1000.0);
    EXPECT_NEAR(ps.priceToY(10) - ps.priceToY(100), ps.priceToY(100) - ps.priceToY(1000), 1e-9);
    EXPECT_NEAR(ps.priceToY(100), 200, 1e-9);
    // Non-positive prices do not produce NaN.
    EXPECT_TRUE(std::isfinite(ps.priceToY(0.0)));
}

TEST(PriceScaleModes, LogTicksAreNiceIncreasingAndApart) {
    PriceScale ps(0, 600, 0.05, 0.05);
    ps.setMode(PriceScaleMode::Logarithmic);
    ps.autoscaleTo(0.5, 60000.0);
    const auto ticks = ps.ticks(40.0, 0.01);
    ASSERT_GE(ticks.size(), 5U);
    for (std::size_t i = 1; i < ticks.size(); ++i) {
        EXPECT_GT(ticks[i], ticks[i - 1]);
        EXPECT_GE(ps.priceToY(ticks[i - 1]) - ps.priceToY(ticks[i]), 40.0 - 1e-6);
        // Each tick is a multiple of a 1-2-5 step at its magnitude.
        const double mag = std::pow(10.0, std::floor(std::log10(ticks[i])));
        const double m = ticks[i] / mag;
        EXPECT_NEAR(m * 10, std::round(m * 10), 1e-6) << ticks[i];
    }
}

TEST(PriceScaleModes, PercentTicksAreNicePercentagesOfTheBase) {
    PriceScale ps(0, 500, 0.1, 0.1);
    ps.setMode(PriceScaleMode::Percent);
    ps.setBase(200.0);
    ps.autoscaleTo(180.0, 230.0);  // −10 % … +15 %
    const auto ticks = ps.ticks(40.0, 0.01);
    ASSERT_GE(ticks.size(), 3U);
    for (const double t : ticks) {
        const double pct = ps.toScale(t);
        EXPECT_NEAR(pct, std::round(pct), 1e-9) << pct;  // whole percents at this span
    }
    EXPECT_DOUBLE_EQ(ps.toScale(200.0), 0.0);
}

TEST_F(ChartFeaturesTest, AutoscaleCoversTheVisibleRangeOnEveryModeAndType) {
    for (const PriceScaleMode mode : {PriceScaleMode::Linear, PriceScaleMode::Logarithmic, PriceScaleMode::Percent}) {
        for (const ChartType type : kAllChartTypes) {
            model.setPriceScaleMode(mode);
            model.setChartType(type);
            model.setBarSpacing(type == ChartType::Line ? 0.3 : 6.0);  // includes the pyramid path
            frame();
            const IndexRange r = model.timeScale().visibleRange();
            const PriceScale& ps = model.priceScale();
            const Rect pane = model.layout().candlePane;
            for (std::int64_t i = r.first; i <= r.last; ++i) {
                const OhlcBar b = model.displayBar(static_cast<std::size_t>(i));
                const bool lines = type == ChartType::Line || type == ChartType::Area || type == ChartType::Baseline;
                const double hi = lines ? b.close : b.high;
                const double lo = lines ? b.close : b.low;
                ASSERT_GE(ps.priceToY(hi), pane.top() - 1e-6) << toString(mode) << " " << toString(type) << " bar " << i;
                ASSERT_LE(ps.priceToY(lo), pane.bottom() + 1e-6) << toString(mode) << " " << toString(type);
            }
        }
    }
}

TEST_F(ChartFeaturesTest, ZoomKeepsTheBarUnderTheCursorOnEveryScale) {
    for (const PriceScaleMode mode : {PriceScaleMode::Linear, PriceScaleMode::Logarithmic, PriceScaleMode::Percent}) {
        model.setPriceScaleMode(mode);
        const double x = 333.0;
        const double before = model.timeScale().xToFloatIndex(x);
        model.zoom(x, 1.7);
        EXPECT_NEAR(model.timeScale().xToFloatIndex(x), before, 1e-9);
        model.zoom(x, 1 / 2.3);
        EXPECT_NEAR(model.timeScale().xToFloatIndex(x), before, 1e-9);
        for (double i = 2500; i < 3000; i += 17.5)
            EXPECT_NEAR(model.timeScale().xToFloatIndex(model.timeScale().indexToX(i)), i, 1e-9);
    }
}

// ---- chart types ------------------------------------------------------------------------------

TEST_F(ChartFeaturesTest, HeikinAshiFollowsItsDefinition) {
    EXPECT_TRUE(model.heikinAshi().empty()) << "kept without being shown";
    model.setChartType(ChartType::HeikinAshi);
    const auto bars = model.candles();
    const auto ha = model.heikinAshi();
    ASSERT_EQ(ha.size(), bars.size());
    for (std::size_t i = 1; i < 200; ++i) {
        const auto& c = bars[i];
        const double close = (c.open.toDouble() + c.high.toDouble() + c.low.toDouble() + c.close.toDouble()) / 4;
        EXPECT_NEAR(ha[i].close, close, 1e-9);
        EXPECT_NEAR(ha[i].open, (ha[i - 1].open + ha[i - 1].close) / 2, 1e-9);
        EXPECT_GE(ha[i].high, std::max(ha[i].open, ha[i].close));
        EXPECT_LE(ha[i].low, std::min(ha[i].open, ha[i].close));
    }
}

TEST_F(ChartFeaturesTest, HeikinAshiStaysExactWhileTheLastBarTicksAndBarsAppend) {
    model.setChartType(ChartType::HeikinAshi);
    synth::Walk walk(series.last()->close.toDouble(), 5);
    for (int k = 0; k < 30; ++k) {
        cpc::Candle c = walk.next(cpc::nextBucketStart(Interval::M1, series.last()->openTime), false);
        series.upsert(c);
        model.seriesChanged();
        c.close = synth::cents(c.close.toDouble() + 3.0);
        c.high = synth::cents(std::max(c.high.toDouble(), c.close.toDouble()));
        series.upsert(c);
        model.seriesChanged();
    }
    ChartModel fresh;
    fresh.setChartType(ChartType::HeikinAshi);
    fresh.setSeries(&series, Interval::M1, 2);
    ASSERT_EQ(fresh.heikinAshi().size(), model.heikinAshi().size());
    for (std::size_t i = 0; i < series.size(); ++i) {
        ASSERT_DOUBLE_EQ(fresh.heikinAshi()[i].open, model.heikinAshi()[i].open) << i;
        ASSERT_DOUBLE_EQ(fresh.heikinAshi()[i].close, model.heikinAshi()[i].close) << i;
    }
}

TEST_F(ChartFeaturesTest, EveryChartTypeProducesItsItems) {
    FrameItems items;
    for (const ChartType type : kAllChartTypes) {
        model.setChartType(type);
        frame();
        buildFrame(model, items);
        const bool lines = type == ChartType::Line || type == ChartType::Area || type == ChartType::Baseline;
        EXPECT_EQ(items.line.empty(), !lines) << toString(type);
        EXPECT_EQ(items.candles.empty(), lines) << toString(type);
        EXPECT_FALSE(items.volumes.empty());
    }
    model.setChartType(ChartType::Baseline);
    frame();
    buildFrame(model, items);
    EXPECT_FLOAT_EQ(items.baselineY, static_cast<float>(model.layout().candlePane.centerY()));
}

TEST_F(ChartFeaturesTest, ChartTypeNamesRoundTrip) {
    for (const ChartType t : kAllChartTypes) EXPECT_EQ(parseChartType(toString(t)), t);
    EXPECT_FALSE(parseChartType("renko"));
    EXPECT_EQ(acceptedChartTypesText(), "candles hollow heikin-ashi bars line area baseline footprint");
}

TEST_F(ChartFeaturesTest, VolumePaneToggles) {
    ASSERT_TRUE(model.layout().hasVolumePane());
    const double candleH = model.layout().candlePane.height;
    model.setVolumeVisible(false);
    EXPECT_FALSE(model.layout().hasVolumePane());
    EXPECT_GT(model.layout().candlePane.height, candleH);
    FrameItems items;
    frame();
    buildFrame(model, items);
    EXPECT_TRUE(items.volumes.empty());
}

// ---- min/max pyramid ------------------------------------------------------------------------

TEST(MinMaxPyramid, AnswersEveryRangeLikeABruteForceScan) {
    auto series = synth::makeSeries(1537);
    const auto bars = series.candles();
    MinMaxPyramid pyramid;
    pyramid.rebuild(bars);
    for (std::size_t first = 0; first < bars.size(); first += 37) {
        for (std::size_t last = first; last < bars.size(); last += 53) {
            double lo = 1e300, hi = -1e300, vol = 0;
            for (std::size_t i = first; i <= last; ++i) {
                lo = std::min(lo, bars[i].low.toDouble());
                hi = std::max(hi, bars[i].high.toDouble());
                vol = std::max(vol, bars[i].volume.toDouble());
            }
            const BarExtremes e = pyramid.query(bars, first, last);
            // Superset, and no looser than float rounding.
            ASSERT_LE(e.low, lo);
            ASSERT_GE(e.high, hi);
            ASSERT_NEAR(e.low, lo, lo * 1e-6);
            ASSERT_NEAR(e.high, hi, hi * 1e-6);
            ASSERT_NEAR(e.maxVolume, vol, vol * 1e-6 + 1e-9);
        }
    }
}

TEST(MinMaxPyramid, EveryShortRangeAndWideCandlesLikeABruteForceScan) {
    // Level 0 covers 4-bar blocks, so ranges inside one block, across one boundary and of every
    // alignment are read partly from the bars; wide candles (volume past int64 units, kept in
    // the series' side table) are read exactly too.
    auto series = synth::makeSeries(203);  // not a multiple of 4: a partial block at the end
    for (const std::size_t i : {std::size_t{5}, std::size_t{64}, std::size_t{201}}) {
        cpc::Candle c = series[i];
        c.volume = cpc::Decimal::fromUnits(static_cast<cpc::Int128>(std::numeric_limits<std::int64_t>::max()) * (i + 2));
        series.upsert(c);
    }
    ASSERT_EQ(series.wideCount(), 3u);
    const auto bars = series.candles();
    MinMaxPyramid pyramid;
    pyramid.rebuild(bars);
    auto check = [&](std::size_t first, std::size_t last) {
        double lo = 1e300, hi = -1e300, clo = 1e300, chi = -1e300, vol = 0;
        for (std::size_t i = first; i <= last; ++i) {
            const cpc::Candle c = bars[i];
            lo = std::min(lo, c.low.toDouble());
            hi = std::max(hi, c.high.toDouble());
            clo = std::min(clo, c.close.toDouble());
            chi = std::max(chi, c.close.toDouble());
            vol = std::max(vol, c.volume.toDouble());
        }
        const BarExtremes e = pyramid.query(bars, first, last);
        ASSERT_LE(e.low, lo) << first << ".." << last;
        ASSERT_GE(e.high, hi) << first << ".." << last;
        ASSERT_LE(e.closeLow, clo) << first << ".." << last;
        ASSERT_GE(e.closeHigh, chi) << first << ".." << last;
        ASSERT_GE(e.maxVolume, vol) << first << ".." << last;
        ASSERT_NEAR(e.low, lo, lo * 1e-6);
        ASSERT_NEAR(e.high, hi, hi * 1e-6);
        ASSERT_NEAR(e.closeLow, clo, clo * 1e-6);
        ASSERT_NEAR(e.closeHigh, chi, chi * 1e-6);
        ASSERT_NEAR(e.maxVolume, vol, vol * 1e-6);
        if (last - first < 3) {  // within at most one block: exact, read from the bars
            ASSERT_EQ(e.low, lo);
            ASSERT_EQ(e.high, hi);
        }
    };
    for (std::size_t first = 0; first < bars.size(); ++first) {
        for (std::size_t last = first; last < std::min(bars.size(), first + 40); ++last) check(first, last);
        check(first, bars.size() - 1);
    }
    // Past the end is clipped; an empty range is invalid.
    EXPECT_EQ(pyramid.query(bars, 190, 10'000).high, pyramid.query(bars, 190, 202).high);
    EXPECT_FALSE(pyramid.query(bars, 9, 8).valid());
    EXPECT_FALSE(pyramid.query(bars, 203, 203).valid());
    // Twice the rows' bytes would be 40 per candle; the pyramid holds about 10.
    EXPECT_LE(pyramid.memoryBytes(), bars.size() * 10);
}

TEST(MinMaxPyramid, TailUpdatesMatchARebuild) {
    auto series = synth::makeSeries(1000);
    MinMaxPyramid incremental;
    incremental.rebuild(series.candles());
    synth::Walk walk(series.last()->close.toDouble(), 3);
    for (int i = 0; i < 77; ++i) {
        const std::size_t before = series.size();
        series.upsert(walk.next(cpc::nextBucketStart(Interval::M1, series.last()->openTime)));
        incremental.updateFrom(series.candles(), before - 1);
    }
    MinMaxPyramid full;
    full.rebuild(series.candles());
    for (std::size_t first = 0; first < series.size(); first += 29) {
        const auto a = incremental.query(series.candles(), first, series.size() - 1);
        const auto b = full.query(series.candles(), first, series.size() - 1);
        EXPECT_EQ(a.low, b.low);
        EXPECT_EQ(a.high, b.high);
        EXPECT_EQ(a.maxVolume, b.maxVolume);
    }
}

TEST_F(ChartFeaturesTest, ZoomedOutFrameHasOneColumnPerPixelNotPerBar) {
    model.setBarSpacing(TimeScale::kMinBarSpacing);
    frame();
    FrameItems items;
    buildFrame(model, items);
    ASSERT_TRUE(items.pixelColumns);
    EXPECT_LE(items.candles.size(), static_cast<std::size_t>(model.layout().candlePane.width) + 1);
    // Every column's wick covers the extremes of its bars.
    const IndexRange r = model.timeScale().visibleRange();
    double lo = 1e300, hi = -1e300;
    for (std::int64_t i = r.first; i <= r.last; ++i) {
        lo = std::min(lo, series[static_cast<std::size_t>(i)].low.toDouble());
        hi = std::max(hi, series[static_cast<std::size_t>(i)].high.toDouble());
    }
    float top = 1e9F, bottom = -1e9F;
    for (const CandleItem& c : items.candles) {
        top = std::min(top, c.highY);
        bottom = std::max(bottom, c.lowY);
    }
    EXPECT_NEAR(top, model.priceScale().priceToY(hi), 0.01);
    EXPECT_NEAR(bottom, model.priceScale().priceToY(lo), 0.01);
}

// ---- time zones -----------------------------------------------------------------------------

// Europe/Berlin around the end of DST on 2024-10-27: 01:00 UTC moves from +2 h to +1 h.
constexpr std::int64_t kBerlinDstEndUtc = 1'729'990'800'000;  // 2024-10-27T01:00:00Z
std::int64_t berlinOffset(std::int64_t utcMs) { return utcMs < kBerlinDstEndUtc ? 2 * cpc::kHourMs : cpc::kHourMs; }

TEST(TimeZoneLabels, HourLabelsFollowTheWallClockAcrossTheDstChange) {
    // Hourly bars from 2024-10-26 20:00 UTC (22:00 CEST) over the change: local wall clock runs
    // 22, 23, 00 (Oct 27), 01, 02 CEST, 02 CET (repeated), 03, 04 …
    auto series = synth::makeSeries(30, Interval::H1, kBerlinDstEndUtc - 5 * cpc::kHourMs);
    synth::FakeTextMeasurer measurer;
    ChartModel model;
    model.setTextMeasurer(&measurer);
    model.setViewportSize(2400, 500);
    model.setSeries(&series, Interval::H1, 2);
    model.setBarSpacing(60);
    model.scrollToFirstBar();
    model.setTimeZone(berlinOffset);
    model.prepareFrame(model.takeInvalidation());
    FrameItems items;
    buildFrame(model, items);
    ASSERT_GE(items.timeLabels.size(), 5U);
    bool sawDay = false;
    for (const TextItem& label : items.timeLabels) {
        const double x = label.box.x + label.box.width / 2;
        const auto index = model.timeScale().xToIndex(x - model.layout().candlePane.x);
        const auto utc = model.timeAtIndex(index);
        ASSERT_TRUE(utc);
        const UtcFields local = utcFields(*utc + berlinOffset(*utc));
        if (label.text == "Oct 27") {
            sawDay = true;
            EXPECT_EQ(*utc, kBerlinDstEndUtc - 3 * cpc::kHourMs);  // 22:00 UTC = local midnight
            continue;
        }
        if (label.text.rfind("Oct ", 0) == 0) {  // later days: at local midnight
            EXPECT_EQ(label.text, "Oct " + std::to_string(local.day));
            EXPECT_EQ(local.hour, 0);
            continue;
        }
        char expected[8];
        std::snprintf(expected, sizeof expected, "%02d:%02d", local.hour, local.minute);
        EXPECT_EQ(label.text, expected) << "bar at " << *utc;
    }
    EXPECT_TRUE(sawDay) << "the local midnight is not labelled as the new day";
    // Under UTC the day label moves to 00:00 UTC, two bars later.
    model.setTimeZone({});
    model.prepareFrame(model.takeInvalidation());
    buildFrame(model, items);
    for (const TextItem& label : items.timeLabels)
        if (label.text == "Oct 27") {
            const double x = label.box.x + label.box.width / 2;
            EXPECT_EQ(model.timeAtIndex(model.timeScale().xToIndex(x - model.layout().candlePane.x)),
                      kBerlinDstEndUtc - cpc::kHourMs);
        }
}

TEST(TimeZoneLabels, CrosshairTimeUsesTheZone) {
    auto series = synth::makeSeries(50, Interval::M1, kBerlinDstEndUtc - 10 * cpc::kMinuteMs);
    ChartModel model;
    synth::FakeTextMeasurer measurer;
    model.setTextMeasurer(&measurer);
    model.setViewportSize(900, 500);
    model.setSeries(&series, Interval::M1, 2);
    model.setTimeZone(berlinOffset);
    model.prepareFrame(model.takeInvalidation());
    const double x = model.layout().candlePane.x + model.timeScale().indexToX(0);
    model.setCrosshair({x, 100});
    OverlayItems overlay;
    buildOverlay(model, overlay);
    ASSERT_TRUE(overlay.crosshair && overlay.crosshair->timeLabel);
    // 00:50 UTC on Oct 27 = 02:50 CEST.
    EXPECT_EQ(overlay.crosshair->timeLabel->texts.front().text, "Sun 27 Oct '24  02:50");
}

// ---- stacked panes ------------------------------------------------------------------------------

TEST_F(ChartFeaturesTest, PanesStackBelowTheVolumeAndShareTheTimeAxis) {
    const std::uint64_t id = model.addPane("RSI 14");
    std::vector<double> values(series.size(), std::numeric_limits<double>::quiet_NaN());
    for (std::size_t i = 14; i < values.size(); ++i) values[i] = 50 + 20 * std::sin(static_cast<double>(i) / 9.0);
    ASSERT_TRUE(model.setPaneSeries(id, {PaneSeries{"RSI", PaneSeriesKind::Line, 0x7e57c2ffU, values}}));
    const std::uint64_t macd = model.addPane("MACD");
    std::vector<double> hist(series.size());
    for (std::size_t i = 0; i < hist.size(); ++i) hist[i] = std::sin(static_cast<double>(i) / 4.0);
    model.setPaneSeries(macd, {PaneSeries{"hist", PaneSeriesKind::Histogram, 0x26a69affU, hist}});
    frame();
    const ChartLayout& l = model.layout();
    ASSERT_EQ(l.extraPanes.size(), 2U);
    EXPECT_GE(l.extraPanes[0].top(), l.volumePane.bottom());
    EXPECT_GE(l.extraPanes[1].top(), l.extraPanes[0].bottom());
    EXPECT_DOUBLE_EQ(l.extraPanes[1].bottom(), l.timeAxis.top());
    EXPECT_EQ(l.extraPanes[0].width, l.candlePane.width);

    FrameItems items;
    buildFrame(model, items);
    ASSERT_EQ(items.panes.size(), 2U);
    const auto& line = items.panes[0].lines.at(0).points;
    ASSERT_FALSE(line.empty());
    // Same x as the candles: the time axis is shared.
    EXPECT_FLOAT_EQ(line.back().x, items.candles.back().x);
    for (const LinePoint& p : line)
        if (!std::isnan(p.y)) {
            EXPECT_GE(p.y, l.extraPanes[0].top());
            EXPECT_LE(p.y, l.extraPanes[0].bottom());
        }
    EXPECT_FALSE(items.panes[1].histograms.at(0).bars.empty());
    EXPECT_TRUE(model.removePane(id));
    EXPECT_EQ(model.layout().extraPanes.size(), 1U);
}

// ---- drawings ----------------------------------------------------------------------------------

TEST(Drawings, SerializeRoundTripsExactly) {
    const std::vector<Drawing> in{
        Drawing{1, DrawingKind::HorizontalLine, {0, 42123.45}, {0, 0}},
        Drawing{2, DrawingKind::TrendLine, {1705276800000, 0.1 + 0.2}, {1705280400000, 1e-8}},
        Drawing{3, DrawingKind::Fibonacci, {1705276860000, 43000.0}, {1705277860000, 41000.0}},
        Drawing{4, DrawingKind::Ray, {1, 2}, {3, 4}},
        Drawing{5, DrawingKind::Rectangle, {5, 6}, {7, 8}},
    };
    const auto out = parseDrawings(serializeDrawings(in) + "garbage line\nfib x y\n");
    ASSERT_EQ(out.size(), in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        EXPECT_EQ(out[i].kind, in[i].kind);
        EXPECT_EQ(out[i].a, in[i].a);
        EXPECT_EQ(out[i].b, in[i].b);
    }
}

TEST_F(ChartFeaturesTest, DrawingsAreAnchoredInTimeAndPriceAndFollowZoom) {
    const Point p1{400, 200};
    const Point p2{700, 320};
    const std::uint64_t id = model.addDrawing(Drawing{0, DrawingKind::TrendLine, model.anchorAt(p1), model.anchorAt(p2)});
    FrameItems items;
    buildFrame(model, items);
    ASSERT_EQ(items.drawings.size(), 1U);
    // Anchors snap to bar centres; prices are exact.
    EXPECT_NEAR(items.drawings[0].lines[0].y1, 200, 1e-3);
    EXPECT_NEAR(items.drawings[0].lines[0].x1, 400, model.timeScale().barSpacing() / 2 + 1e-3);
    const Drawing d = model.drawings()[0];
    model.zoom(500, 2.0);
    model.scrollBy(-37);
    frame();
    buildFrame(model, items);
    EXPECT_NEAR(items.drawings[0].lines[0].x1, model.timeToX(d.a.timeMs), 1e-3);
    EXPECT_NEAR(items.drawings[0].lines[0].y1, model.priceScale().priceToY(d.a.price), 1e-3);
    // Hit-testing finds it on its line and not far away.
    const Point mid{(items.drawings[0].lines[0].x1 + items.drawings[0].lines[0].x2) / 2,
                    (items.drawings[0].lines[0].y1 + items.drawings[0].lines[0].y2) / 2};
    EXPECT_EQ(model.drawingAt(mid), id);
    EXPECT_FALSE(model.drawingAt(Point{mid.x, mid.y + 40}));
    // Moving by pixels moves both anchors; deleting removes it.
    int changes = 0;
    model.setDrawingsChangedHandler([&] { ++changes; });
    model.moveDrawing(id, 0, -30);
    EXPECT_NEAR(model.priceScale().priceToY(model.drawings()[0].a.price),
                model.priceScale().priceToY(d.a.price) - 30, 1e-6);
    EXPECT_TRUE(model.removeDrawing(id));
    EXPECT_TRUE(model.drawings().empty());
    EXPECT_EQ(changes, 2);
}

TEST_F(ChartFeaturesTest, FibonacciHasSevenLevels) {
    model.addDrawing(Drawing{0, DrawingKind::Fibonacci, model.anchorAt({300, 100}), model.anchorAt({600, 300})});
    FrameItems items;
    buildFrame(model, items);
    ASSERT_EQ(items.drawings.size(), 1U);
    EXPECT_EQ(items.drawings[0].labels.size(), std::size(kFibLevels));
    EXPECT_EQ(items.drawings[0].labels[3].text.substr(0, 5), "0.500");
}

// Issue 22: Fibonacci level texts and horizontal-line prices spilled over the price axis and over
// each other when zoomed out or at tight zoom. Every label drawn lies inside the candle pane and
// overlaps no other; the ones that would are left out (not moved onto another level's line).
TEST_F(ChartFeaturesTest, DrawingLabelsStayInsideThePlotAndNeverOverlap) {
    const Rect pane = model.layout().candlePane;
    const Point mid{pane.x + pane.width / 2, pane.y + pane.height / 2};
    // A Fibonacci retracement over a few pixels (tight zoom): seven levels within ~10 px.
    model.addDrawing(Drawing{0, DrawingKind::Fibonacci, model.anchorAt({mid.x - 200, mid.y - 5}),
                             model.anchorAt({mid.x - 100, mid.y + 5})});
    // One starting near the right edge: its texts would run over the price axis.
    model.addDrawing(Drawing{0, DrawingKind::Fibonacci, model.anchorAt({pane.right() - 30, pane.y + 60}),
                             model.anchorAt({pane.right() - 10, pane.y + 260})});
    // Two horizontal lines a pixel apart, and one above the pane (its price is off the scale).
    model.addDrawing(Drawing{0, DrawingKind::HorizontalLine, model.anchorAt({mid.x, pane.y + 400}), {}});
    model.addDrawing(Drawing{0, DrawingKind::HorizontalLine, model.anchorAt({mid.x, pane.y + 401}), {}});
    model.addDrawing(Drawing{0, DrawingKind::HorizontalLine, model.anchorAt({mid.x, pane.y + 5}), {}});
    model.scrollBy(0);
    frame();
    FrameItems items;
    buildFrame(model, items);
    ASSERT_EQ(items.drawings.size(), 5U);
    std::vector<Rect> drawn;
    for (const DrawingItem& d : items.drawings)
        for (const TextItem& t : d.labels) {
            EXPECT_GE(t.box.left(), pane.left()) << t.text;
            EXPECT_LE(t.box.right(), pane.right()) << t.text << " runs over the price axis";
            EXPECT_GE(t.box.top(), pane.top()) << t.text;
            EXPECT_LE(t.box.bottom(), pane.bottom()) << t.text;
            // The text fits its box (it is drawn unclipped).
            EXPECT_GE(t.box.width + 0.01, measurer.textWidth(t.text)) << t.text;
            for (const Rect& other : drawn) EXPECT_FALSE(t.box.intersects(other)) << t.text << " overlaps another label";
            drawn.push_back(t.box);
        }
    // Not all left out: the tight Fibonacci keeps its first level, the near-edge one keeps
    // levels (moved left into the pane), one of the two close lines keeps its price.
    EXPECT_GE(items.drawings[0].labels.size(), 1U);
    EXPECT_LT(items.drawings[0].labels.size(), std::size(kFibLevels));
    EXPECT_GE(items.drawings[1].labels.size(), 3U);
    EXPECT_EQ(items.drawings[2].labels.size() + items.drawings[3].labels.size(), 1U);
}

// ---- history --------------------------------------------------------------------------------

TEST_F(ChartFeaturesTest, ScrollingNearTheFirstBarAsksForHistoryOncePerLoad) {
    int requests = 0;
    model.setHistoryNeededHandler([&] { ++requests; });
    model.scrollBy(100);
    EXPECT_EQ(requests, 0);
    model.scrollToFirstBar();
    EXPECT_EQ(requests, 1);
    model.scrollBy(5);
    model.scrollBy(-5);
    EXPECT_EQ(requests, 1) << "asked again before the history arrived";
    // Older bars arrive: the view does not jump and a new request is possible.
    const double xBefore = model.timeToX(series[0].openTime);
    synth::Walk walk(series[0].open.toDouble(), 11);
    std::vector<cpc::Candle> older;
    for (int i = 500; i > 0; --i) older.push_back(walk.next(series[0].openTime - i * cpc::kMinuteMs));
    series.merge(older);
    model.seriesChanged();
    EXPECT_NEAR(model.timeToX(series[500].openTime), xBefore, 1e-9);
    model.scrollToFirstBar();
    EXPECT_EQ(requests, 2);
}

}  // namespace

// ---- drawing properties, inverted scale, pane levels (issue 22: object properties) ---------------

namespace {

TEST(DrawingProperties, SerializeRoundTripsEveryPropertyAndReadsOldLines) {
    Drawing styled{1, DrawingKind::TrendLine, {1705276800000, 42000.5}, {1705280400000, 43000.25}};
    styled.rgba = 0xff6d00c0U;
    styled.width = 3;
    styled.dash = LineDash::Dotted;
    styled.extendLeft = true;
    styled.extendRight = true;
    styled.text = "breakout  retest=yes";  // spaces and '=' survive
    styled.locked = true;
    styled.hidden = true;
    Drawing plain{2, DrawingKind::HorizontalLine, {0, 100}, {0, 0}};
    Drawing rightOnly{3, DrawingKind::Ray, {1, 2}, {3, 4}};
    rightOnly.extendLeft = true;
    rightOnly.dash = LineDash::Dashed;
    const std::string text = serializeDrawings({styled, plain, rightOnly});
    // A drawing with default properties is written as before properties existed.
    EXPECT_NE(text.find("\nhline 0 100 0 0\n"), std::string::npos) << text;
    const auto back = parseDrawings(text);
    ASSERT_EQ(back.size(), 3U);
    EXPECT_EQ(back[0], styled);
    EXPECT_EQ(back[1], plain);
    EXPECT_EQ(back[2], rightOnly);
    // Older lines, and unknown or bad fields, read with default properties.
    const auto old = parseDrawings("trend 1 2 3 4\nrect 1 2 3 4 width=99 color=#zz dash=wavy future=1\n");
    ASSERT_EQ(old.size(), 2U);
    EXPECT_EQ(old[0].rgba, 0U);
    EXPECT_EQ(old[0].width, kDefaultDrawingWidth);
    EXPECT_EQ(old[1].width, kDefaultDrawingWidth);
    EXPECT_EQ(old[1].rgba, 0U);
    EXPECT_EQ(old[1].dash, LineDash::Solid);
    EXPECT_FALSE(old[1].locked || old[1].hidden);
}

}  // namespace

TEST_F(ChartFeaturesTest, DrawingStyleExtendAndTextReachTheRenderItems) {
    const Rect pane = model.layout().candlePane;
    Drawing d{0, DrawingKind::TrendLine, model.anchorAt({400, 200}), model.anchorAt({500, 250})};
    d.rgba = 0x11223344U;
    d.width = 4;
    d.dash = LineDash::Dashed;
    d.text = "my note";
    const std::uint64_t id = model.addDrawing(d);
    FrameItems items;
    buildFrame(model, items);
    ASSERT_EQ(items.drawings.size(), 1U);
    EXPECT_EQ(items.drawings[0].rgba, 0x11223344U);
    EXPECT_FLOAT_EQ(items.drawings[0].width, 4.0F);
    EXPECT_EQ(items.drawings[0].dash, LineDash::Dashed);
    const SegmentItem plainSeg = items.drawings[0].lines.at(0);
    EXPECT_GT(plainSeg.x1, pane.left() + 100);  // not extended: ends at the anchors
    EXPECT_LT(plainSeg.x2, pane.right() - 100);
    ASSERT_EQ(items.drawings[0].labels.size(), 1U);
    EXPECT_EQ(items.drawings[0].labels[0].text, "my note");
    // Extend right: runs past the pane's right edge on the same line; left too.
    d = *model.drawing(id);
    d.extendRight = true;
    model.updateDrawing(d);
    buildFrame(model, items);
    SegmentItem seg = items.drawings[0].lines.at(0);
    EXPECT_FLOAT_EQ(seg.x1, plainSeg.x1);
    EXPECT_GT(seg.x2, pane.right());
    const double slope = (plainSeg.y2 - plainSeg.y1) / (plainSeg.x2 - plainSeg.x1);
    EXPECT_NEAR((seg.y2 - seg.y1) / (seg.x2 - seg.x1), slope, 1e-3);
    d.extendLeft = true;
    model.updateDrawing(d);
    buildFrame(model, items);
    seg = items.drawings[0].lines.at(0);
    EXPECT_LT(seg.x1, pane.left());
    // Extended, it is hit far from its anchors, on its line.
    const double x = pane.left() + 20;
    EXPECT_EQ(model.drawingAt({x, plainSeg.y1 + slope * (x - plainSeg.x1)}), id);
    // Hidden: not drawn, not hit.
    d.hidden = true;
    model.updateDrawing(d);
    buildFrame(model, items);
    EXPECT_TRUE(items.drawings.empty());
    EXPECT_FALSE(model.drawingAt({450, 225}));
}

TEST_F(ChartFeaturesTest, ALockedDrawingIsHitButNotMovedOrReshaped) {
    Drawing d{0, DrawingKind::TrendLine, model.anchorAt({400, 200}), model.anchorAt({500, 250})};
    d.locked = true;
    const std::uint64_t id = model.addDrawing(d);
    const Drawing before = *model.drawing(id);
    EXPECT_EQ(model.drawingAt({450, 225}), id);
    EXPECT_FALSE(model.drawingAnchorAt({400, 200}));  // no handle to drag
    model.moveDrawing(id, 30, 30);
    model.moveDrawingAnchor(id, 1, {700, 400});
    EXPECT_EQ(*model.drawing(id), before);
    d = before;
    d.locked = false;
    model.updateDrawing(d);
    model.moveDrawing(id, 0, 30);
    EXPECT_NE(model.drawing(id)->a.price, before.a.price);
}

TEST_F(ChartFeaturesTest, RestoreKeepsIdsAndSelectionNoticesFollowTheSelection) {
    int selectionNotices = 0;
    model.setSelectionChangedHandler([&] { ++selectionNotices; });
    const std::uint64_t a = model.addDrawing(Drawing{0, DrawingKind::HorizontalLine, {0, 100}, {}});
    const std::uint64_t b = model.addDrawing(Drawing{0, DrawingKind::HorizontalLine, {0, 110}, {}});
    const std::vector<Drawing> both = model.drawings();
    model.selectDrawing(b);
    EXPECT_EQ(selectionNotices, 1);
    model.removeDrawing(b);  // the selection goes with it
    EXPECT_EQ(selectionNotices, 2);
    EXPECT_FALSE(model.selectedDrawing());
    int changes = 0;
    model.setDrawingsChangedHandler([&] { ++changes; });
    model.restoreDrawings(both);
    EXPECT_EQ(changes, 1);
    EXPECT_EQ(model.drawings(), both);  // same ids: an undo step can find them again
    // New ids never collide with restored ones.
    const std::uint64_t c = model.addDrawing(Drawing{0, DrawingKind::HorizontalLine, {0, 120}, {}});
    EXPECT_NE(c, a);
    EXPECT_NE(c, b);
    model.selectDrawing(a);
    model.restoreDrawings({});
    EXPECT_FALSE(model.selectedDrawing());
    EXPECT_EQ(selectionNotices, 4);
}

TEST_F(ChartFeaturesTest, InvertedPriceScaleDrawsTheHighestPriceAtTheBottom) {
    frame();
    FrameItems upright;
    buildFrame(model, upright);
    model.setPriceScaleInverted(true);
    EXPECT_TRUE(model.priceScaleInverted());
    frame();
    FrameItems flipped;
    buildFrame(model, flipped);
    ASSERT_EQ(flipped.candles.size(), upright.candles.size());
    const CandleItem& f = flipped.candles.back();
    EXPECT_GT(f.highY, f.lowY);  // the high is below the low now
    // The bar with the highest high was the topmost; now it is the lowest one on screen.
    auto byHigh = [](const CandleItem& a, const CandleItem& b) { return a.highY < b.highY; };
    const auto topUpright = std::min_element(upright.candles.begin(), upright.candles.end(), byHigh) - upright.candles.begin();
    const auto bottomFlipped = std::max_element(flipped.candles.begin(), flipped.candles.end(), byHigh) - flipped.candles.begin();
    EXPECT_EQ(topUpright, bottomFlipped);
    // The axis labels are the same prices, now growing downwards.
    ASSERT_GE(flipped.priceLabels.size(), 2U);
    EXPECT_GT(std::stod(flipped.priceLabels.back().text), std::stod(flipped.priceLabels.front().text));
}

TEST_F(ChartFeaturesTest, PaneLevelsAreDrawnAndKeptInView) {
    const std::uint64_t id = model.addPane("RSI 14");
    std::vector<double> values(series.size(), 50.0);  // a flat RSI: the levels are outside its values
    model.setPaneSeries(id, {PaneSeries{"RSI", PaneSeriesKind::Line, 0x7e57c2ffU, values}});
    ASSERT_TRUE(model.setPaneLevels(id, {30, 70}));
    EXPECT_FALSE(model.setPaneLevels(id + 100, {1}));
    frame();
    FrameItems items;
    buildFrame(model, items);
    ASSERT_EQ(items.panes.size(), 1U);
    ASSERT_EQ(items.panes[0].levels.size(), 2U);
    const Pane& pane = model.panes()[0];
    EXPECT_NEAR(items.panes[0].levels[0], pane.scale.priceToY(30), 1e-3);
    EXPECT_NEAR(items.panes[0].levels[1], pane.scale.priceToY(70), 1e-3);
    const Rect r = model.layout().extraPanes[0];
    for (const float y : items.panes[0].levels) {
        EXPECT_GT(y, r.top());
        EXPECT_LT(y, r.bottom());
    }
}

TEST_F(ChartFeaturesTest, AVerticalLineRunsThroughThePaneAtItsBarAndMovesInTime) {
    EXPECT_EQ(anchorCount(DrawingKind::VerticalLine), 1);
    const Rect pane = model.layout().candlePane;
    Drawing v{0, DrawingKind::VerticalLine, model.anchorAt({500, 300}), {}};
    v.text = "FOMC";
    const std::uint64_t id = model.addDrawing(v);
    FrameItems items;
    buildFrame(model, items);
    ASSERT_EQ(items.drawings.size(), 1U);
    ASSERT_EQ(items.drawings[0].lines.size(), 1U);
    const SegmentItem& seg = items.drawings[0].lines[0];
    EXPECT_FLOAT_EQ(seg.x1, seg.x2);
    EXPECT_NEAR(seg.x1, model.timeToX(v.a.timeMs), 1e-3);
    EXPECT_NEAR(seg.y1, pane.top(), 1e-3);
    EXPECT_NEAR(seg.y2, pane.bottom(), 1e-3);
    ASSERT_EQ(items.drawings[0].labels.size(), 1U);
    EXPECT_EQ(items.drawings[0].labels[0].text, "FOMC");
    // Hit anywhere along it, not beside it.
    EXPECT_EQ(model.drawingAt({seg.x1 + 2, pane.top() + 20}), id);
    EXPECT_FALSE(model.drawingAt({seg.x1 + 30, pane.top() + 20}));
    // Dragged sideways, it moves to a later bar.
    model.moveDrawing(id, model.timeScale().barSpacing() * 5, 0);
    EXPECT_GT(model.drawing(id)->a.timeMs, v.a.timeMs);
    // Saved as "vline" and read back.
    const auto back = parseDrawings(serializeDrawings(model.drawings()));
    ASSERT_EQ(back.size(), 1U);
    EXPECT_EQ(back[0].kind, DrawingKind::VerticalLine);
    EXPECT_EQ(back[0].text, "FOMC");
}
