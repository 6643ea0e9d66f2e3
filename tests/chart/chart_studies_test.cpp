// Studies as a trader reads them (issue 22): panes resized by dragging their separator, fixed
// oscillator ranges, two-colour histograms, and the last values on the axes without collisions.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "cpc/chart/chart_layout.hpp"
#include "cpc/chart/chart_model.hpp"
#include "cpc/chart/chart_views.hpp"
#include "fake_text_measurer.hpp"
#include "synthetic_series.hpp"

namespace {

using namespace cpc::chart;
using cpc::Interval;
namespace synth = cpc::chart::testing;

class ChartStudiesTest : public ::testing::Test {
protected:
    void SetUp() override {
        series = synth::makeSeries(500);
        model.setTextMeasurer(&measurer);
        model.setViewportSize(1000, 700);
        model.setSeries(&series, Interval::M1, 2);
        frame();
    }
    void frame() { model.prepareFrame(model.takeInvalidation()); }
    std::vector<double> flat(double v) const { return std::vector<double>(series.size(), v); }

    synth::FakeTextMeasurer measurer;
    cpc::market::CandleSeries series;
    ChartModel model;
};

TEST(ChartLayoutPanes, AskedHeightsAreGivenAndShrinkTogetherWhenTheyAskTooMuch) {
    const synth::FakeTextMeasurer m;
    const std::vector<double> asked{0.3, 0.1};
    const auto l = computeLayout(1000, 700, 48, m, {}, true, 2, asked);
    ASSERT_EQ(l.extraPanes.size(), 2U);
    const double plotH = l.timeAxis.y;
    EXPECT_NEAR(l.extraPanes[0].height, std::floor(plotH * 0.3), 1.0);
    EXPECT_NEAR(l.extraPanes[1].height, std::floor(plotH * 0.1), 1.0);
    // Asking for everything leaves the candles their minimum share; the ratio between panes stays.
    const std::vector<double> greedy{0.9, 0.45};
    const auto g = computeLayout(1000, 700, 48, m, {}, true, 2, greedy);
    ASSERT_EQ(g.extraPanes.size(), 2U);
    EXPECT_GE(g.candlePane.height, plotH * LayoutMetrics{}.minCandleFraction - 2.0);
    EXPECT_NEAR(g.extraPanes[0].height / g.extraPanes[1].height, 2.0, 0.05);
    EXPECT_DOUBLE_EQ(g.extraPanes[1].bottom(), g.timeAxis.top());
    // A pane without a height of its own gets the default.
    const auto d = computeLayout(1000, 700, 48, m, {}, true, 2);
    const std::vector<double> onlyFirst{0.15};
    const auto mixed = computeLayout(1000, 700, 48, m, {}, true, 2, onlyFirst);
    EXPECT_DOUBLE_EQ(mixed.extraPanes[1].height, d.extraPanes[1].height);
}

TEST_F(ChartStudiesTest, DraggingTheSeparatorBetweenTwoPanesMovesOnlyTheirBoundary) {
    const auto a = model.addPane("A");
    const auto b = model.addPane("B");
    model.setPaneSeries(a, {PaneSeries{"a", PaneSeriesKind::Line, 0x2962ffffU, flat(1)}});
    model.setPaneSeries(b, {PaneSeries{"b", PaneSeriesKind::Line, 0x2962ffffU, flat(2)}});
    frame();
    const ChartLayout before = model.layout();
    ASSERT_EQ(before.extraPanes.size(), 2U);
    // The separator above pane B is found within a few pixels, not elsewhere.
    const Point onSeparator{300, before.extraSeparatorsY[1]};
    ASSERT_EQ(model.paneSeparatorAt(onSeparator), std::optional<std::size_t>(1));
    EXPECT_FALSE(model.paneSeparatorAt(Point{300, before.extraSeparatorsY[1] + 12}));

    model.dragPaneSeparator(1, before.extraSeparatorsY[1] - 30);  // up: B grows, A shrinks
    frame();
    const ChartLayout after = model.layout();
    EXPECT_NEAR(after.extraPanes[0].height, before.extraPanes[0].height - 30, 1.0);
    EXPECT_NEAR(after.extraPanes[1].height, before.extraPanes[1].height + 30, 1.0);
    EXPECT_DOUBLE_EQ(after.candlePane.height, before.candlePane.height);
    EXPECT_DOUBLE_EQ(after.extraPanes[1].bottom(), after.timeAxis.top());

    // Far past the other pane: it keeps a readable height.
    model.dragPaneSeparator(1, 0);
    frame();
    EXPECT_GE(model.layout().extraPanes[0].height, 23.0);
    EXPECT_GT(model.panes()[1].heightFraction, 0.0);
}

TEST_F(ChartStudiesTest, DraggingTheFirstSeparatorTakesFromTheCandlesDownToTheirMinimum) {
    const auto a = model.addPane("A");
    model.setPaneSeries(a, {PaneSeries{"a", PaneSeriesKind::Line, 0x2962ffffU, flat(1)}});
    frame();
    const ChartLayout before = model.layout();
    model.dragPaneSeparator(0, before.extraSeparatorsY[0] - 50);
    frame();
    EXPECT_NEAR(model.layout().extraPanes[0].height, before.extraPanes[0].height + 50, 1.0);
    EXPECT_NEAR(model.layout().candlePane.height, before.candlePane.height - 50, 1.0);
    model.dragPaneSeparator(0, 0);  // to the top: the candles keep their minimum share
    frame();
    const double plotH = model.layout().timeAxis.y;
    EXPECT_GE(model.layout().candlePane.height, plotH * LayoutMetrics{}.minCandleFraction - 2.0);
    // The height survives as a share: a taller window keeps the proportion.
    const double share = model.layout().extraPanes[0].height / plotH;
    model.setViewportSize(1000, 1000);
    frame();
    EXPECT_NEAR(model.layout().extraPanes[0].height / model.layout().timeAxis.y, share, 0.01);
}

TEST_F(ChartStudiesTest, AFixedRangeShowsTheWholeOscillatorWhateverIsVisible) {
    const auto id = model.addPane("RSI 14");
    model.setPaneSeries(id, {PaneSeries{"RSI", PaneSeriesKind::Line, 0x7e57c2ffU, flat(55)}});
    frame();
    // Fitted to the values, a flat RSI of 55 fills the pane: 0 and 100 are out of view.
    EXPECT_LT(model.panes()[0].scale.range().max, 100.0);
    ASSERT_TRUE(model.setPaneRange(id, Pane::Range{0, 100}));
    EXPECT_FALSE(model.setPaneRange(id + 100, Pane::Range{0, 100}));
    frame();
    const PriceRange r = model.panes()[0].scale.range();
    EXPECT_LE(r.min, 0.0);
    EXPECT_GE(r.max, 100.0);
    EXPECT_LT(r.max, 115.0);  // the pane's small margin, not a refit
    ASSERT_TRUE(model.setPaneRange(id, std::nullopt));
    frame();
    EXPECT_LT(model.panes()[0].scale.range().max, 100.0);
}

TEST_F(ChartStudiesTest, AHistogramBelowZeroHasItsOwnColour) {
    const auto id = model.addPane("MACD");
    std::vector<double> hist(series.size());
    for (std::size_t i = 0; i < hist.size(); ++i) hist[i] = std::sin(static_cast<double>(i) / 4.0);
    PaneSeries s{"macdhist", PaneSeriesKind::Histogram, 0x26a69affU, hist};
    s.negativeRgba = 0xef5350ffU;
    model.setPaneSeries(id, {s});
    frame();
    FrameItems items;
    buildFrame(model, items);
    ASSERT_EQ(items.panes.size(), 1U);
    ASSERT_EQ(items.panes[0].histograms.size(), 1U);
    EXPECT_EQ(items.panes[0].histograms[0].rgba, 0x26a69affU);
    EXPECT_EQ(items.panes[0].histograms[0].negativeRgba, 0xef5350ffU);
}

TEST_F(ChartStudiesTest, StudiesAndHorizontalLinesShowTheirValueOnTheAxisInTheirColour) {
    const double close = series.last()->close.toDouble();
    model.addOverlay("SMA", {PaneSeries{"real", PaneSeriesKind::Line, 0xff6d00ffU, flat(close * 0.99)}});
    Drawing line;
    line.kind = DrawingKind::HorizontalLine;
    line.a = DrawingAnchor{series.last()->openTime, close * 1.01};
    line.rgba = 0x00ff00ffU;
    model.addDrawing(line);
    const auto pane = model.addPane("RSI");
    model.setPaneSeries(pane, {PaneSeries{"RSI", PaneSeriesKind::Line, 0x7e57c2ffU, flat(62.5)}});
    model.setPaneRange(pane, Pane::Range{0, 100});
    frame();
    FrameItems items;
    buildFrame(model, items);
    const auto tagOf = [&](std::uint32_t rgba) -> const ValueTagItem* {
        for (const ValueTagItem& t : items.valueTags)
            if (t.rgba == rgba) return &t;
        return nullptr;
    };
    const ValueTagItem* sma = tagOf(0xff6d00ffU);
    const ValueTagItem* hline = tagOf(0x00ff00ffU);
    const ValueTagItem* rsi = tagOf(0x7e57c2ffU);
    ASSERT_NE(sma, nullptr);
    ASSERT_NE(hline, nullptr);
    ASSERT_NE(rsi, nullptr);
    const ChartLayout& l = model.layout();
    EXPECT_DOUBLE_EQ(sma->tag.box.x, l.priceAxis.x);
    EXPECT_NEAR(sma->tag.box.centerY(), model.priceScale().priceToY(close * 0.99), 1.0);
    EXPECT_EQ(sma->tag.texts.at(0).text, formatPrice(close * 0.99, 2));
    EXPECT_EQ(hline->tag.texts.at(0).text, formatPrice(close * 1.01, 2));
    EXPECT_DOUBLE_EQ(rsi->tag.box.x, l.extraAxes[0].x);
    EXPECT_NEAR(rsi->tag.box.centerY(), model.panes()[0].scale.priceToY(62.5), 1.0);
    EXPECT_EQ(rsi->tag.texts.at(0).text, "62.50");
    // Text readable on the fill: dark on the bright green line, light on the purple one.
    EXPECT_EQ(hline->tag.texts.at(0).rgba, 0x000000ffU);
    EXPECT_EQ(rsi->tag.texts.at(0).rgba, 0xffffffffU);
}

TEST_F(ChartStudiesTest, TagsOfOneAxisNeverCoverEachOther) {
    const double close = series.last()->close.toDouble();
    // Five moving averages within a hair of each other: their tags would sit on one another.
    for (int i = 0; i < 5; ++i)
        model.addOverlay("MA", {PaneSeries{"real", PaneSeriesKind::Line, 0x10203000U + static_cast<std::uint32_t>(i + 1) * 0x100U + 0xffU,
                                           flat(close + 0.01 * i)}});
    frame();
    FrameItems items;
    buildFrame(model, items);
    ASSERT_EQ(items.valueTags.size(), 5U);
    const ChartLayout& l = model.layout();
    OverlayItems overlay;
    buildOverlay(model, overlay);
    ASSERT_TRUE(overlay.lastPrice);
    for (std::size_t i = 0; i < items.valueTags.size(); ++i) {
        const Rect& a = items.valueTags[i].tag.box;
        EXPECT_FALSE(a.intersects(overlay.lastPrice->tag.box)) << i << " is under the last price";
        for (const TextItem& label : items.priceLabels) EXPECT_FALSE(a.intersects(label.box)) << label.text;
        EXPECT_GE(a.top(), l.priceAxis.top());
        EXPECT_LE(a.bottom(), l.priceAxis.bottom());
        for (std::size_t j = i + 1; j < items.valueTags.size(); ++j)
            EXPECT_FALSE(a.intersects(items.valueTags[j].tag.box)) << i << " covers " << j;
    }
}

TEST_F(ChartStudiesTest, AHiddenLineOrADisplacedValueHasNoTag) {
    Drawing line;
    line.kind = DrawingKind::HorizontalLine;
    line.a = DrawingAnchor{series.last()->openTime, series.last()->close.toDouble()};
    line.hidden = true;
    model.addDrawing(line);
    // Ichimoku's span drawn 26 bars ahead: nothing at the newest candle, so no tag.
    std::vector<double> displaced(series.size() + 26, std::numeric_limits<double>::quiet_NaN());
    displaced.back() = series.last()->close.toDouble();
    model.addOverlay("Cloud", {PaneSeries{"span", PaneSeriesKind::Line, 0x123456ffU, displaced}});
    frame();
    FrameItems items;
    buildFrame(model, items);
    EXPECT_TRUE(items.valueTags.empty());
}

}  // namespace

namespace {

TEST_F(ChartStudiesTest, PaneCandlesAreDrawnAtTheirValuesAndScaled) {
    // The CVD of trades: one candle per bar (open/high/low beside the closes), none where NaN.
    const auto id = model.addPane("CVD");
    PaneSeries s{"cvd", PaneSeriesKind::Candles, 0x2962ffffU, {}};
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t i = 0; i < series.size(); ++i) {
        const double base = static_cast<double>(i);
        const bool gap = i % 7 == 3;
        s.open.push_back(gap ? nan : base);
        s.values.push_back(gap ? nan : base + (i % 2 ? 2.0 : -2.0));
        s.high.push_back(gap ? nan : base + 50.0);  // the wicks reach past every body
        s.low.push_back(gap ? nan : base - 50.0);
    }
    model.setPaneSeries(id, {s});
    frame();
    FrameItems items;
    buildFrame(model, items);
    ASSERT_EQ(items.panes.size(), 1U);
    const PaneFrame& pane = items.panes[0];
    EXPECT_TRUE(pane.lines.empty());
    ASSERT_FALSE(pane.candles.empty());
    const PriceScale& ps = model.panes()[0].scale;
    const auto range = model.visibleSlots();
    std::size_t drawn = 0;
    for (auto i = static_cast<std::size_t>(range.first); i <= static_cast<std::size_t>(range.last) && i < series.size(); ++i)
        drawn += i % 7 == 3 ? 0 : 1;
    EXPECT_EQ(pane.candles.size(), drawn);  // a gap draws nothing
    // The newest bar's candle at its values; its wicks inside the pane (the scale includes them).
    const CandleItem& last = pane.candles.back();
    const std::size_t n = series.size() - 1;
    EXPECT_NEAR(last.openY, ps.priceToY(s.open[n]), 0.01);
    EXPECT_NEAR(last.closeY, ps.priceToY(s.values[n]), 0.01);
    EXPECT_NEAR(last.highY, ps.priceToY(s.high[n]), 0.01);
    EXPECT_NEAR(last.lowY, ps.priceToY(s.low[n]), 0.01);
    EXPECT_EQ(last.rising, s.values[n] >= s.open[n]);
    for (const CandleItem& c : pane.candles) {
        EXPECT_GE(c.highY, pane.pane.top() - 0.5);
        EXPECT_LE(c.lowY, pane.pane.bottom() + 0.5);
    }
}

}  // namespace
