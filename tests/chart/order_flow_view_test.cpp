// OrderFlowView: the heatmap image shows the sampled book where its prices and times are, the ladder
// at the right edge is the newest book, footprint cells follow the footprint model, and big trades
// are bubbles at their price and time.
#include <gtest/gtest.h>

#include <cmath>

#include "cpc/chart/chart_views.hpp"
#include "cpc/chart/order_flow_view.hpp"
#include "fake_text_measurer.hpp"
#include "synthetic_series.hpp"

namespace {

using namespace cpc;
using namespace cpc::chart;
namespace synth = cpc::chart::testing;

Decimal dec(const char* text) { return *Decimal::parse(text); }

class OrderFlowViewTest : public ::testing::Test {
protected:
    void SetUp() override {
        // 120 one-second candles between 99 and 101.
        for (int i = 0; i < 120; ++i)
            series.upsert(synth::makeCandle(synth::kStartMs + i * 1'000, 100, 101, 99, 100, 5));
        model.setTextMeasurer(&measurer);
        model.setViewportSize(1000, 600);
        model.setSeries(&series, Interval::S1, 2, 0.01);
        view.setModels(&footprint, &heatmap, &big);
    }
    void build() {
        model.prepareFrame(model.takeInvalidation());
        buildFrame(model, frame);
        view.build(model, frame);
    }
    // The colour drawn at (x, y): the band over y, its row there, the column at x.
    static std::uint32_t pixelOf(const HeatmapItem& h, double x, double y) {
        const auto c = static_cast<int>(std::floor(x - h.area.x));
        if (c < 0 || c >= h.columns || !h.pixels) return 0xDEADBEEF;
        for (const HeatmapBand& b : h.bands) {
            const double f = (y - b.yFirst) / (b.yEnd - b.yFirst);
            if (f < 0.0 || f >= 1.0) continue;
            const int r = b.row0 + static_cast<int>(std::floor(f * (b.row1 - b.row0)));
            return (*h.pixels)[static_cast<std::size_t>(r) * static_cast<std::size_t>(h.stride) +
                               static_cast<std::size_t>(h.offset + c)];
        }
        return 0xDEADBEEF;
    }
    std::uint32_t pixelAt(double x, double y) const { return pixelOf(frame.heatmap, x, y); }

    market::CandleSeries series;
    synth::FakeTextMeasurer measurer;
    ChartModel model;
    orderflow::FootprintSeries footprint{Interval::S1, dec("0.01")};
    orderflow::BookHeatmap heatmap{{dec("0.01"), 100, 9'000, 1'000}};
    orderflow::BigTrades big{1'000.0};
    OrderFlowView view;
    FrameItems frame;
};

}  // namespace

TEST_F(OrderFlowViewTest, HeatmapShowsTheSampledBookAtItsPricesAndTimes) {
    // The last 60 s: a bid of 10 at 99.50 and an ask of 2 at 100.50.
    feed::OrderBookView book;
    book.bids = {{dec("99.50"), dec("10")}};
    book.asks = {{dec("100.50"), dec("2")}};
    const std::int64_t from = synth::kStartMs + 60'000;
    for (std::int64_t t = from; t < synth::kStartMs + 120'000; t += 100) ASSERT_TRUE(heatmap.sample(book, t));
    OrderFlowOptions options;
    options.heatmap = true;
    options.heatmapScale = orderflow::HeatmapScale::Linear;
    view.setOptions(options);
    build();
    const HeatmapItem& h = frame.heatmap;
    ASSERT_TRUE(h.visible);
    ASSERT_GT(h.columns, 0);
    const auto map = timeAxisMap(model);
    ASSERT_TRUE(map.has_value());
    // The image starts where the first sample's time is (or at the pane's left edge).
    EXPECT_NEAR(h.area.x, std::max(map->xOf(from), frame.layout.candlePane.x), 1.0);
    const PriceScale& ps = model.priceScale();
    const double x = map->xOf(from + 30'000);
    const std::uint32_t bid = pixelAt(x, ps.priceToY(99.505));
    const std::uint32_t ask = pixelAt(x, ps.priceToY(100.505));
    EXPECT_EQ(bid, OrderFlowView::heatColour(1.0));  // the largest size: the top of the scale
    EXPECT_EQ(ask, OrderFlowView::heatColour(2.0 / 10.0)) << std::hex << ask;  // linear: a fifth of it
    EXPECT_EQ(pixelAt(x, ps.priceToY(100.0)), 0U);                              // nothing rests there
    EXPECT_EQ(pixelAt(map->xOf(from - 5'000), ps.priceToY(99.505)), 0xDEADBEEFU);  // before the first sample
    // Legend: the largest size and the scale's name.
    ASSERT_GE(h.legendLabels.size(), 3u);
    EXPECT_EQ(h.legendLabels[0].text, "10");
    EXPECT_EQ(h.legendLabels.back().text, "linear");
    // Ladder: the newest book, the bid at full width and the ask at a fifth.
    ASSERT_EQ(h.ladder.size(), 2u);
    EXPECT_TRUE(h.ladder[0].bid);
    EXPECT_FLOAT_EQ(h.ladder[0].width, static_cast<float>(options.ladderWidthPx));
    EXPECT_FALSE(h.ladder[1].bid);
    EXPECT_FLOAT_EQ(h.ladder[1].width, static_cast<float>(options.ladderWidthPx / 5.0));
    EXPECT_NEAR(h.ladder[0].bottomY, ps.priceToY(99.50), 1.0);
}

TEST_F(OrderFlowViewTest, HeatmapOffDrawsNothing) {
    feed::OrderBookView book;
    book.bids = {{dec("99.50"), dec("10")}};
    ASSERT_TRUE(heatmap.sample(book, synth::kStartMs + 100'000));
    build();
    EXPECT_FALSE(frame.heatmap.visible);
}

TEST_F(OrderFlowViewTest, FootprintCellsFollowTheFootprintModel) {
    const std::int64_t lastOpen = synth::kStartMs + 119'000;
    footprint.add(lastOpen + 10, dec("100.00"), dec("3"), false);  // buy 3
    footprint.add(lastOpen + 20, dec("100.00"), dec("1"), true);   // sell 1
    footprint.add(lastOpen + 30, dec("99.99"), dec("0.5"), true);  // sell 0.5
    model.setChartType(ChartType::Footprint);
    model.setBarSpacing(60);
    build();
    ASSERT_EQ(frame.footprint.size(), 1u);  // only the last bar traded
    const FootprintBarItem& bar = frame.footprint[0];
    const auto levels = orderflow::levelsOf(*footprint.find(lastOpen), 1, 3.0);
    ASSERT_EQ(bar.cells.size(), levels.levels.size());
    ASSERT_FALSE(bar.cells.empty());
    // The POC row (100.00, 4 traded) sits where its price is.
    for (std::size_t k = 0; k < bar.cells.size(); ++k) EXPECT_EQ(bar.cells[k].poc, k == levels.pocIndex);
    const FootprintCellItem& poc = bar.cells[levels.pocIndex];
    const double y = model.priceScale().priceToY(100.005);
    EXPECT_LE(poc.topY, y);
    EXPECT_GE(poc.bottomY, y);
    EXPECT_FLOAT_EQ(poc.buyShare, 1.0F);
    EXPECT_TRUE(bar.deltaPositive);  // 3 bought, 1.5 sold
    // The delta is written under the bar.
    ASSERT_FALSE(bar.texts.empty());
    EXPECT_EQ(bar.texts.back().text, "+1.5");
    // The candle is a thin bar at the slot's left.
    ASSERT_FALSE(frame.candles.empty());
    EXPECT_LE(frame.candles.back().bodyWidth, 3.0F);
    EXPECT_LT(frame.candles.back().x, bar.left);
}

TEST_F(OrderFlowViewTest, BigTradesAreBubblesAtTheirPriceAndTime) {
    const std::int64_t lastOpen = synth::kStartMs + 119'000;
    ASSERT_TRUE(big.add(lastOpen + 500, dec("100.20"), dec("40"), false));  // 4,008
    ASSERT_FALSE(big.add(lastOpen + 600, dec("100"), dec("1"), true));     // 100: under the threshold
    build();
    ASSERT_EQ(frame.bubbles.size(), 1u);
    const BubbleItem& b = frame.bubbles[0];
    // Half-way through the last bar: its centre.
    EXPECT_NEAR(b.x, frame.layout.candlePane.x + model.timeScale().indexToX(119), 0.5);
    EXPECT_NEAR(b.y, model.priceScale().priceToY(100.20), 0.01);
    EXPECT_FLOAT_EQ(b.r, static_cast<float>(orderflow::bubbleRadius(4'008, 1'000, 3, 24)));
    EXPECT_TRUE(b.buy);
}

namespace {

// A book whose sizes move with time: a wall walking down from 100.90, a bid growing at 99.20.
feed::OrderBookView bookAt(std::int64_t step) {
    feed::OrderBookView book;
    const auto cents = [](std::int64_t c) { return *Decimal::parse(std::to_string(c / 100) + "." + (c % 100 < 10 ? "0" : "") + std::to_string(c % 100)); };
    book.bids = {{cents(9'950), cents(100 + step % 37)}, {cents(9'920), cents(50 + step)}};
    book.asks = {{cents(10'090 - step % 80), cents(300 + (step % 11) * 40)}, {cents(10'050), cents(20)}};
    return book;
}

}  // namespace

TEST_F(OrderFlowViewTest, TheHeatmapKeptBetweenFramesIsTheOneDrawnAfresh) {
    // A short history (40 s of columns) so that old samples drop out while the test runs.
    orderflow::BookHeatmap short_{{dec("0.01"), 100, 400, 1'000}};
    view.setModels(nullptr, &short_, nullptr);
    OrderFlowOptions options;
    options.heatmap = true;
    view.setOptions(options);
    std::int64_t step = 0;
    const std::int64_t start = synth::kStartMs + 50'000;
    const auto sampleUntil = [&](std::int64_t endMs) {
        for (; start + step * 100 < endMs; ++step) ASSERT_TRUE(short_.sample(bookAt(step), start + step * 100));
    };
    const auto expectSameAsFresh = [&](const char* stage) {
        build();
        OrderFlowView fresh;
        fresh.setModels(nullptr, &short_, nullptr);
        fresh.setOptions(options);
        FrameItems again;
        buildFrame(model, again);
        fresh.build(model, again);
        const HeatmapItem& kept = frame.heatmap;
        const HeatmapItem& drawn = again.heatmap;
        ASSERT_GT(drawn.columns, 0) << stage;
        EXPECT_EQ(kept.columns, drawn.columns) << stage;
        EXPECT_DOUBLE_EQ(kept.area.x, drawn.area.x) << stage;
        ASSERT_EQ(kept.legendLabels.size(), drawn.legendLabels.size()) << stage;
        EXPECT_EQ(kept.legendLabels[0].text, drawn.legendLabels[0].text) << stage;
        const Rect pane = frame.layout.candlePane;
        int differing = 0, coloured = 0;
        for (double x = drawn.area.x + 0.5; x < drawn.area.right(); x += 1.0)
            for (double y = pane.y + 0.5; y < pane.bottom(); y += 1.0) {
                const std::uint32_t a = pixelOf(kept, x, y);
                const std::uint32_t b = pixelOf(drawn, x, y);
                differing += a != b ? 1 : 0;
                coloured += b != 0U && b != 0xDEADBEEFU ? 1 : 0;
            }
        EXPECT_EQ(differing, 0) << stage;
        EXPECT_GT(coloured, 0) << stage;
    };
    sampleUntil(start + 20'000);
    expectSameAsFresh("first frame");
    sampleUntil(start + 20'300);  // three 100 ms ticks: the newest columns only
    expectSameAsFresh("after three ticks");
    // The newest slot sampled again (its state replaced) and a wall larger than any before: the
    // colours scale to it.
    feed::OrderBookView wall = bookAt(step);
    wall.asks.push_back({dec("100.70"), dec("5000")});
    ASSERT_TRUE(short_.sample(wall, start + (step - 1) * 100));
    expectSameAsFresh("slot replaced by a larger wall");
    sampleUntil(start + 60'000);  // past 40 s: the first samples dropped out
    EXPECT_GT(short_[0].timeMs, start);
    expectSameAsFresh("after old samples dropped");
    model.scrollBy(-37.3);  // a pan by a fraction of a bar
    expectSameAsFresh("after a pan");
    model.setPriceScaleMode(PriceScaleMode::Logarithmic);
    expectSameAsFresh("on a log scale");
    short_.clear();
    step = 0;
    sampleUntil(start + 10'000);
    expectSameAsFresh("after a clear");
}

TEST_F(OrderFlowViewTest, TheHeatmapFollowsALogarithmicOrInvertedAxis) {
    feed::OrderBookView book;
    book.bids = {{dec("99.50"), dec("10")}};
    book.asks = {{dec("100.50"), dec("2")}};
    const std::int64_t from = synth::kStartMs + 60'000;
    for (std::int64_t t = from; t < synth::kStartMs + 120'000; t += 100) ASSERT_TRUE(heatmap.sample(book, t));
    OrderFlowOptions options;
    options.heatmap = true;
    options.heatmapScale = orderflow::HeatmapScale::Linear;
    view.setOptions(options);
    for (const bool inverted : {false, true}) {
        model.setPriceScaleMode(inverted ? PriceScaleMode::Linear : PriceScaleMode::Logarithmic);
        model.setPriceScaleInverted(inverted);
        build();
        const auto map = timeAxisMap(model);
        ASSERT_TRUE(map.has_value());
        const PriceScale& ps = model.priceScale();
        const double x = map->xOf(from + 30'000);
        EXPECT_EQ(pixelAt(x, ps.priceToY(99.505)), OrderFlowView::heatColour(1.0)) << inverted;
        EXPECT_EQ(pixelAt(x, ps.priceToY(100.505)), OrderFlowView::heatColour(0.2)) << inverted;
        // The rows next to them are empty: each row is where its price is.
        EXPECT_EQ(pixelAt(x, ps.priceToY(99.515)), 0U) << inverted;
        EXPECT_EQ(pixelAt(x, ps.priceToY(100.495)), 0U) << inverted;
    }
}
