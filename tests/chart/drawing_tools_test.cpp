// More drawing tools (issue 22): parallel channel, text note, price and date range, long and
// short position, the Shift+drag measure and the magnet.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "cpc/chart/chart_model.hpp"
#include "cpc/chart/chart_views.hpp"
#include "cpc/chart/drawings.hpp"
#include "cpc/chart/format.hpp"
#include "fake_text_measurer.hpp"
#include "synthetic_series.hpp"

namespace {

using namespace cpc::chart;
using cpc::Interval;
namespace synth = cpc::chart::testing;

class DrawingToolsTest : public ::testing::Test {
protected:
    void SetUp() override {
        series = synth::makeSeries(300);
        model.setTextMeasurer(&measurer);
        model.setViewportSize(1000, 600);
        model.setSeries(&series, Interval::M1, 2);
        frame();
    }
    void frame() { model.prepareFrame(model.takeInvalidation()); }
    // Bar i counted from the first visible one (the default zoom shows the newest bars).
    std::size_t bar(std::size_t i) const { return static_cast<std::size_t>(model.timeScale().visibleRange().first) + i; }
    std::int64_t timeOf(std::size_t i) const { return series.candles().openTime(bar(i)); }
    double closeOf(std::size_t i) const { return series.candles()[bar(i)].close.toDouble(); }
    const Drawing& only() const { return model.drawings().back(); }
    FrameItems items() {
        frame();
        FrameItems f;
        buildFrame(model, f);
        return f;
    }
    static bool hasLabel(const DrawingItem& item, const std::string& text) {
        return std::any_of(item.labels.begin(), item.labels.end(), [&](const TextItem& t) { return t.text == text; });
    }

    synth::FakeTextMeasurer measurer;
    cpc::market::CandleSeries series;
    ChartModel model;
};

TEST(DrawingToolKinds, NamesClicksHandlesAndTheThirdAnchorRoundTrip) {
    EXPECT_EQ(parseDrawingKind("channel"), DrawingKind::ParallelChannel);
    EXPECT_EQ(parseDrawingKind("long"), DrawingKind::LongPosition);
    for (const DrawingKind k : kAllDrawingKinds) EXPECT_EQ(parseDrawingKind(toString(k)), k);
    EXPECT_EQ(anchorCount(DrawingKind::Text), 1);
    EXPECT_EQ(anchorCount(DrawingKind::ShortPosition), 1);
    EXPECT_EQ(anchorCount(DrawingKind::PriceRange), 2);
    EXPECT_EQ(handleCount(DrawingKind::ParallelChannel), 3);
    EXPECT_EQ(handleCount(DrawingKind::Text), 1);

    Drawing channel{0, DrawingKind::ParallelChannel, {1000, 10.5}, {5000, 12.25}};
    channel.c = DrawingAnchor{1000, 9.125};
    Drawing note{0, DrawingKind::Text, {2000, 11}, {2000, 11}};
    note.text = "Breakout here?";
    Drawing position{0, DrawingKind::ShortPosition, {3000, 100}, {9000, 90}};
    position.c = DrawingAnchor{3000, 105.5};
    const std::string text = serializeDrawings({channel, note, position});
    EXPECT_NE(text.find("channel 1000 10.5 5000 12.25 c=1000:9.125"), std::string::npos) << text;
    const auto back = parseDrawings(text);
    ASSERT_EQ(back.size(), 3U);
    EXPECT_EQ(back[0].c, channel.c);
    EXPECT_EQ(back[1].text, "Breakout here?");
    EXPECT_EQ(back[2].c, position.c);
    // A line without its third anchor (hand-written) gets a usable one, not a stop at price 0.
    const auto bare = parseDrawings("long 3000 100 9000 110\nchannel 1 5 2 6\n");
    ASSERT_EQ(bare.size(), 2U);
    EXPECT_DOUBLE_EQ(bare[0].c.price, 95.0);
    EXPECT_DOUBLE_EQ(bare[1].c.price, 5.0);
    // A bad third anchor is ignored, the line kept.
    EXPECT_EQ(parseDrawings("long 3000 100 9000 110 c=abc\n").size(), 1U);
}

TEST_F(DrawingToolsTest, APositionPlacedByOneClickHasItsTargetAndStopOnTheRightSides) {
    const DrawingAnchor entry{timeOf(20), closeOf(20)};
    const Drawing longPos = model.newDrawing(DrawingKind::LongPosition, entry);
    EXPECT_GT(longPos.b.price, entry.price);
    EXPECT_LT(longPos.c.price, entry.price);
    EXPECT_EQ(longPos.b.timeMs, timeOf(40));  // 20 bars wide
    // Twice as far to the target as to the stop: risk/reward 2.
    EXPECT_NEAR((longPos.b.price - entry.price) / (entry.price - longPos.c.price), 2.0, 1e-9);
    const Drawing shortPos = model.newDrawing(DrawingKind::ShortPosition, entry);
    EXPECT_LT(shortPos.b.price, entry.price);
    EXPECT_GT(shortPos.c.price, entry.price);

    model.addDrawing(longPos);
    const FrameItems f = items();
    ASSERT_EQ(f.drawings.size(), 1U);
    const DrawingItem& item = f.drawings[0];
    ASSERT_EQ(item.fills.size(), 2U);
    EXPECT_NE(item.fills[0].rgba, item.fills[1].rgba);  // target and stop zones in their colours
    EXPECT_LT(item.fills[0].box.bottom(), item.fills[1].box.top() + 1.0);  // the target zone above the stop zone
    const std::string target = "Target " + formatPrice(longPos.b.price, 2) + " (" +
                               formatPercent((longPos.b.price - entry.price) / entry.price * 100.0) + ")";
    std::string labels;
    for (const TextItem& t : item.labels) labels += t.text + " | ";
    EXPECT_TRUE(hasLabel(item, target)) << target << " in " << labels;
    EXPECT_TRUE(hasLabel(item, "Risk/reward 2.00"));
    EXPECT_EQ(item.handles.size(), 3U);
}

TEST_F(DrawingToolsTest, TheThirdHandleMovesAChannelsParallelAndAPositionsStop) {
    const double base = closeOf(10);
    const DrawingAnchor a{timeOf(10), base};
    Drawing channel = model.newDrawing(DrawingKind::ParallelChannel, a);
    channel.b = DrawingAnchor{timeOf(40), base + 10.0};
    const auto id = model.addDrawing(channel);
    frame();
    model.selectDrawing(id);
    const auto handles = model.drawingHandles(*model.drawing(id));
    ASSERT_EQ(handles.size(), 3U);
    const auto hit = model.drawingAnchorAt(handles[2]);
    ASSERT_TRUE(hit);
    EXPECT_EQ(hit->anchor, 2);
    // Drag the parallel's handle to a price: the parallel passes there, the base line stays.
    const double price = base + 20.0;
    model.moveDrawingAnchor(id, 2, Point{handles[2].x, model.priceScale().priceToY(price)});
    const Drawing& moved = *model.drawing(id);
    EXPECT_NEAR((moved.a.price + moved.b.price) / 2 + moved.c.price - moved.a.price, price, 0.05);
    EXPECT_EQ(moved.a, channel.a);
    EXPECT_EQ(moved.b, channel.b);
    // The channel is hit inside its area, not only on its lines.
    const double insideY = model.priceScale().priceToY((moved.a.price + moved.b.price) / 2 + (moved.c.price - moved.a.price) / 2);
    EXPECT_EQ(model.drawingAt(Point{handles[2].x, insideY}), std::optional<std::uint64_t>(id));

    // A move drags every anchor, the third too.
    const Drawing before = *model.drawing(id);
    model.moveDrawing(id, 0, -30);
    const Drawing after = *model.drawing(id);
    EXPECT_NEAR(after.c.price - after.a.price, before.c.price - before.a.price, 0.05);

    const auto pos = model.addDrawing(model.newDrawing(DrawingKind::LongPosition, DrawingAnchor{timeOf(50), base}));
    frame();
    const auto stopHandle = model.drawingHandles(*model.drawing(pos))[2];
    model.moveDrawingAnchor(pos, 2, Point{stopHandle.x, model.priceScale().priceToY(base - 5.0)});
    EXPECT_NEAR(model.drawing(pos)->c.price, base - 5.0, 0.05);
    EXPECT_DOUBLE_EQ(model.drawing(pos)->a.price, base);
}

TEST_F(DrawingToolsTest, RangesShowTheChangeTheBarsAndTheTime) {
    const double from = closeOf(10);
    Drawing price{0, DrawingKind::PriceRange, {timeOf(10), from}, {timeOf(20), from + 40}};
    Drawing date{0, DrawingKind::DateRange, {timeOf(30), from}, {timeOf(45), from}};
    model.addDrawing(price);
    model.addDrawing(date);
    const FrameItems f = items();
    ASSERT_EQ(f.drawings.size(), 2U);
    const std::string change = "+40.00 (" + formatPercent(40 / from * 100.0) + ")";
    EXPECT_TRUE(hasLabel(f.drawings[0], change)) << change;
    EXPECT_TRUE(f.drawings[0].fill);
    EXPECT_TRUE(hasLabel(f.drawings[1], "15 bars, 15m"));
}

TEST_F(DrawingToolsTest, ATextNoteShowsItsWordsInABoxAndIsHitThere) {
    Drawing note = model.newDrawing(DrawingKind::Text, DrawingAnchor{timeOf(15), closeOf(15)});
    note.text = "Breakout here?";
    const auto id = model.addDrawing(note);
    const FrameItems f = items();
    ASSERT_EQ(f.drawings.size(), 1U);
    ASSERT_TRUE(hasLabel(f.drawings[0], "Breakout here?"));
    ASSERT_TRUE(f.drawings[0].fill);
    const Rect box = *f.drawings[0].fill;
    EXPECT_EQ(model.drawingAt(Point{box.centerX(), box.centerY()}), std::optional<std::uint64_t>(id));
    EXPECT_FALSE(model.drawingAt(Point{box.right() + 40, box.centerY()}));
}

TEST_F(DrawingToolsTest, TheMagnetSnapsToTheNearestOhlcOfTheBar) {
    const auto& c = series.candles()[bar(20)];
    const double x = model.timeToX(timeOf(20));
    const double nearHigh = model.priceScale().priceToY(c.high.toDouble()) - 3;  // 3 px over the high
    EXPECT_NE(model.anchorAt(Point{x, nearHigh}).price, c.high.toDouble());
    model.setMagnet(true);
    EXPECT_DOUBLE_EQ(model.anchorAt(Point{x, nearHigh}).price, c.high.toDouble());
    EXPECT_EQ(model.anchorAt(Point{x, nearHigh}).timeMs, timeOf(20));
    const double nearLow = model.priceScale().priceToY(c.low.toDouble()) + 2;  // under the low
    EXPECT_DOUBLE_EQ(model.anchorAt(Point{x, nearLow}).price, c.low.toDouble());
}

TEST_F(DrawingToolsTest, AMeasureIsDrawnWithItsFiguresUntilItIsCleared) {
    const double from = closeOf(10);
    model.setMeasure(ChartModel::Measure{{timeOf(10), from}, {timeOf(40), from - 25}});
    EXPECT_GE(model.pendingInvalidation(), cpc::chart::Invalidation::Cursor);
    frame();
    OverlayItems o;
    buildOverlay(model, o);
    ASSERT_TRUE(o.measure);
    EXPECT_FALSE(o.measure->up);
    ASSERT_EQ(o.measure->label.texts.size(), 2U);
    EXPECT_EQ(o.measure->label.texts[0].text, "-25.00 (" + formatPercent(-25 / from * 100.0) + ")");
    EXPECT_EQ(o.measure->label.texts[1].text, "30 bars, 30m");
    EXPECT_NEAR(o.measure->box.left(), model.timeToX(timeOf(10)), 0.5);
    EXPECT_TRUE(model.drawings().empty());  // a measure is not a drawing
    model.setMeasure(std::nullopt);
    buildOverlay(model, o);
    EXPECT_FALSE(o.measure);
}

TEST(FormatDuration, TwoLargestUnits) {
    EXPECT_EQ(formatDuration(45'000), "45s");
    EXPECT_EQ(formatDuration(15 * 60'000), "15m");
    EXPECT_EQ(formatDuration(135 * 60'000), "2h 15m");
    EXPECT_EQ(formatDuration(-(3 * 86'400'000LL + 4 * 3'600'000LL)), "3d 4h");
    EXPECT_EQ(formatDuration(12 * 86'400'000LL), "12d");
}

}  // namespace

// Alert markers (issue 15): at the bar the firing's time falls in (not the next one) and its
// price; only those inside the candle pane; a late one keeps its flag; the label beside it.
TEST_F(DrawingToolsTest, AlertMarkersSitAtTheirBarAndPriceInsideThePane) {
    EXPECT_TRUE(items().markers.empty());
    // 30 s into bar 10 (a 1m chart): drawn at bar 10's centre, not bar 11's.
    const std::int64_t inside = timeOf(10) + 30'000;
    model.setMarkers({ChartMarker{inside, closeOf(10), "RSI up", false},
                      ChartMarker{timeOf(20), closeOf(20), "", true},
                      ChartMarker{timeOf(20), closeOf(20) * 100, "off the pane", false}});
    EXPECT_NE(model.pendingInvalidation(), Invalidation::None);
    const FrameItems f = items();
    ASSERT_EQ(f.markers.size(), 2U);
    EXPECT_FLOAT_EQ(f.markers[0].x, static_cast<float>(model.timeToX(timeOf(10))));
    EXPECT_FLOAT_EQ(f.markers[0].y, static_cast<float>(model.priceScale().priceToY(closeOf(10))));
    EXPECT_FALSE(f.markers[0].late);
    EXPECT_EQ(f.markers[0].label.text, "RSI up");
    EXPECT_FLOAT_EQ(f.markers[1].x, static_cast<float>(model.timeToX(timeOf(20))));
    EXPECT_TRUE(f.markers[1].late);
    EXPECT_TRUE(f.markers[1].label.text.empty());
    // Setting the same list again changes nothing (no repaint).
    frame();
    model.setMarkers(model.markers());
    EXPECT_EQ(model.pendingInvalidation(), Invalidation::None);
    model.setMarkers({});
    EXPECT_TRUE(items().markers.empty());
}
