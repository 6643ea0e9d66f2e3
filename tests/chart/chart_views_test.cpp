#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "cpc/chart/chart_views.hpp"
#include "cpc/chart/format.hpp"
#include "fake_text_measurer.hpp"
#include "synthetic_series.hpp"

namespace {

using namespace cpc::chart;
using cpc::Interval;
namespace synth = cpc::chart::testing;

class ChartViewsTest : public ::testing::Test {
protected:
    void SetUp() override { show(synth::makeSeries(800), Interval::M1); }

    void show(cpc::market::CandleSeries s, Interval interval) {
        series = std::move(s);
        model.setTextMeasurer(&measurer);
        model.setViewportSize(1000, 600);
        model.setSeries(&series, interval, 2);
        prepare();
    }
    void prepare() {
        model.prepareFrame(model.takeInvalidation());
        buildFrame(model, frame);
        buildOverlay(model, overlay);
    }
    std::string legendText() const {
        std::string s;
        for (const TextItem& t : overlay.legend) s += t.text + " ";
        return s;
    }

    synth::FakeTextMeasurer measurer;
    cpc::market::CandleSeries series;
    ChartModel model;
    FrameItems frame;
    OverlayItems overlay;
};

TEST_F(ChartViewsTest, CandlesOnlyForTheVisibleBars) {
    model.scrollBy(1500);
    prepare();
    const IndexRange range = model.timeScale().visibleRange();
    ASSERT_FALSE(frame.pixelColumns);
    ASSERT_EQ(frame.candles.size(), static_cast<std::size_t>(range.count()));
    ASSERT_LT(frame.candles.size(), series.size() / 2);
    const double half = model.timeScale().barSpacing() / 2;
    for (std::size_t k = 0; k < frame.candles.size(); ++k) {
        const CandleItem& c = frame.candles[k];
        EXPECT_GT(c.x + half, frame.layout.candlePane.left());
        EXPECT_LT(c.x - half, frame.layout.candlePane.right());
        EXPECT_FLOAT_EQ(c.x, static_cast<float>(model.timeScale().indexToX(static_cast<double>(range.first) + static_cast<double>(k))));
    }
}

TEST_F(ChartViewsTest, CandleItemsKeepDirectionAndPriceOrder) {
    const IndexRange range = model.timeScale().visibleRange();
    std::size_t rising = 0;
    for (std::size_t k = 0; k < frame.candles.size(); ++k) {
        const CandleItem& c = frame.candles[k];
        const cpc::Candle& src = series[static_cast<std::size_t>(range.first) + k];
        EXPECT_EQ(c.rising, src.close >= src.open);
        rising += c.rising ? 1 : 0;
        EXPECT_LE(c.highY, std::min(c.openY, c.closeY));  // high is above (smaller y)
        EXPECT_GE(c.lowY, std::max(c.openY, c.closeY));
        EXPECT_LT(c.highY, c.lowY);
        EXPECT_GE(c.highY, frame.layout.candlePane.top());
        EXPECT_LE(c.lowY, frame.layout.candlePane.bottom());
        EXPECT_NEAR(c.closeY, model.priceScale().priceToY(src.close.toDouble()), 1e-3);
    }
    EXPECT_GT(rising, 0U);
    EXPECT_LT(rising, frame.candles.size());
    EXPECT_FLOAT_EQ(frame.candles.front().bodyWidth, static_cast<float>(candleBodyWidth(8)));
}

TEST_F(ChartViewsTest, BodyIsNarrowerThanTheSlotWhenThereIsRoom) {
    for (const double spacing : {6.0, 8.0, 20.0, 60.0}) EXPECT_LT(candleBodyWidth(spacing), spacing);
    EXPECT_DOUBLE_EQ(candleBodyWidth(3.0), 3.0);
    EXPECT_GE(candleBodyWidth(0.5), 1.0);
}

TEST_F(ChartViewsTest, VolumeBarsGrowFromThePaneBottom) {
    ASSERT_EQ(frame.volumes.size(), frame.candles.size());
    const IndexRange range = model.timeScale().visibleRange();
    EXPECT_FLOAT_EQ(frame.volumeBaseY, static_cast<float>(frame.layout.volumePane.bottom()));
    for (std::size_t k = 0; k < frame.volumes.size(); ++k) {
        const VolumeItem& v = frame.volumes[k];
        EXPECT_GE(v.topY, frame.layout.volumePane.top());
        EXPECT_LT(v.topY, frame.volumeBaseY);
        EXPECT_EQ(v.rising, frame.candles[k].rising);
        EXPECT_FLOAT_EQ(v.x, frame.candles[k].x);
        if (k > 0) {
            const double a = series[static_cast<std::size_t>(range.first) + k - 1].volume.toDouble();
            const double b = series[static_cast<std::size_t>(range.first) + k].volume.toDouble();
            if (a < b) {
                EXPECT_GT(frame.volumes[k - 1].topY, v.topY);
            }
        }
    }
}

TEST_F(ChartViewsTest, ZoomedOutBarsBecomeOneMinMaxColumnPerPixel) {
    show(synth::makeSeries(20000), Interval::M1);
    model.setBarSpacing(0.2);
    prepare();
    ASSERT_TRUE(frame.pixelColumns);
    const IndexRange range = model.timeScale().visibleRange();
    EXPECT_GT(range.count(), 4000);
    EXPECT_LE(frame.candles.size(), static_cast<std::size_t>(frame.layout.candlePane.width) + 1);
    EXPECT_GE(frame.candles.size(), static_cast<std::size_t>(range.count() / 5) - 1);
    double hi = 0, lo = 1e18;
    for (auto i = range.first; i <= range.last; ++i) {
        hi = std::max(hi, series[static_cast<std::size_t>(i)].high.toDouble());
        lo = std::min(lo, series[static_cast<std::size_t>(i)].low.toDouble());
    }
    float minHighY = 1e9F, maxLowY = -1e9F;
    for (std::size_t k = 0; k < frame.candles.size(); ++k) {
        const CandleItem& c = frame.candles[k];
        EXPECT_FLOAT_EQ(c.x - std::floor(c.x), 0.5F);  // centred on a pixel
        if (k > 0) {
            EXPECT_FLOAT_EQ(c.x - frame.candles[k - 1].x, 1.0F);
        }
        EXPECT_LE(c.highY, c.lowY);
        minHighY = std::min(minHighY, c.highY);
        maxLowY = std::max(maxLowY, c.lowY);
    }
    // No extreme is lost by the merge.
    EXPECT_NEAR(minHighY, model.priceScale().priceToY(hi), 1e-3);
    EXPECT_NEAR(maxLowY, model.priceScale().priceToY(lo), 1e-3);
    EXPECT_EQ(frame.volumes.size(), frame.candles.size());
}

TEST_F(ChartViewsTest, PriceLabelsSitOnTheAxisWithoutOverlapping) {
    ASSERT_GE(frame.priceLabels.size(), 4U);
    const Rect axis = frame.layout.priceAxis;
    for (std::size_t i = 0; i < frame.priceLabels.size(); ++i) {
        const TextItem& t = frame.priceLabels[i];
        EXPECT_GE(t.box.top(), axis.top());
        EXPECT_LE(t.box.bottom(), axis.bottom());
        EXPECT_GE(t.box.left(), axis.left());
        EXPECT_EQ(t.text.find('.'), t.text.size() - 3) << t.text;  // two decimals
        if (i > 0) {
            EXPECT_FALSE(t.box.intersects(frame.priceLabels[i - 1].box));
        }
        EXPECT_FALSE(t.box.intersects(overlay.lastPrice->tag.box)) << "hidden under the tag";
    }
    EXPECT_FALSE(frame.priceGrid.empty());
    EXPECT_FALSE(frame.timeGrid.empty());
}

TEST_F(ChartViewsTest, TimeLabelsNeverOverlapAcrossIntervalsAndZooms) {
    for (const Interval interval : {Interval::S1, Interval::M1, Interval::M5, Interval::H1,
                                    Interval::H4, Interval::D1, Interval::W1, Interval::Mo1}) {
        show(synth::makeSeries(3000, interval), interval);
        for (const double spacing : {0.1, 0.7, 2.0, 6.0, 15.0, 60.0}) {
            model.setBarSpacing(spacing);
            prepare();
            const auto& labels = frame.timeLabels;
            ASSERT_FALSE(labels.empty()) << cpc::toString(interval) << " @" << spacing;
            for (std::size_t i = 0; i < labels.size(); ++i) {
                EXPECT_GE(labels[i].box.left(), frame.layout.timeAxis.left());
                EXPECT_LE(labels[i].box.right(), frame.layout.timeAxis.right());
                if (i > 0) {
                    EXPECT_GT(labels[i].box.left(), labels[i - 1].box.right() + 10);
                }
            }
            EXPECT_EQ(frame.timeGrid.size(), labels.size());
        }
    }
}

TEST_F(ChartViewsTest, LegendAxesAndCrosshairSpeakTheModelsTextLocale) {
    TextLocale pt;
    pt.decimalPoint = ',';
    pt.open = "A";
    pt.high = "Máx";
    pt.low = "Mín";
    pt.close = "F";
    pt.months[0] = "jan";
    pt.weekdays[1] = "seg";
    model.setTextLocale(pt);
    model.setCrosshair({model.timeScale().indexToX(700), 200});
    prepare();
    const std::string legend = legendText();
    EXPECT_NE(legend.find("A " + formatPrice(series[700].open.toDouble(), 2, pt)), std::string::npos) << legend;
    EXPECT_NE(legend.find("Máx " + formatPrice(series[700].high.toDouble(), 2, pt)), std::string::npos) << legend;
    EXPECT_NE(legend.find("F " + formatPrice(series[700].close.toDouble(), 2, pt)), std::string::npos) << legend;
    EXPECT_EQ(legend.find('.'), std::string::npos) << "a decimal point left in: " << legend;
    ASSERT_FALSE(frame.priceLabels.empty());
    for (const TextItem& label : frame.priceLabels) EXPECT_EQ(label.text.find('.'), std::string::npos) << label.text;
    ASSERT_TRUE(overlay.crosshair && overlay.crosshair->timeLabel);
    EXPECT_EQ(overlay.crosshair->timeLabel->texts[0].text, formatCrosshairTime(series[700].openTime, Interval::M1, pt));
    ASSERT_TRUE(overlay.crosshair->priceLabel);
    EXPECT_EQ(overlay.crosshair->priceLabel->texts[0].text.find('.'), std::string::npos);
}

TEST_F(ChartViewsTest, LegendShowsTheLastCandleUntilOneIsHovered) {
    const cpc::Candle last = *series.last();  // a copy: last() returns an optional by value
    const std::string text = legendText();
    EXPECT_NE(text.find("BTCUSDT · 1m · Binance"), std::string::npos) << text;
    EXPECT_NE(text.find("O " + formatPrice(last.open.toDouble(), 2)), std::string::npos) << text;
    EXPECT_NE(text.find("C " + formatPrice(last.close.toDouble(), 2)), std::string::npos) << text;
    EXPECT_NE(text.find("Vol " + formatVolume(last.volume.toDouble())), std::string::npos) << text;
    const double prev = series[series.size() - 2].close.toDouble();
    const double pct = (last.close.toDouble() - prev) / prev * 100;
    EXPECT_NE(text.find("(" + formatPercent(pct) + ")"), std::string::npos) << text;

    model.setCrosshair({model.timeScale().indexToX(700), 200});
    prepare();
    const std::string hovered = legendText();
    EXPECT_NE(hovered.find("H " + formatPrice(series[700].high.toDouble(), 2)), std::string::npos) << hovered;
    EXPECT_NE(hovered.find("L " + formatPrice(series[700].low.toDouble(), 2)), std::string::npos) << hovered;
    for (const TextItem& t : overlay.legend) {
        EXPECT_GE(t.box.left(), frame.layout.candlePane.left());
        EXPECT_LE(t.box.right(), frame.layout.candlePane.right());
    }
}

TEST_F(ChartViewsTest, LastPriceTagSitsAtTheLastClose) {
    ASSERT_TRUE(overlay.lastPrice.has_value());
    const cpc::Candle last = *series.last();  // a copy: last() returns an optional by value
    EXPECT_NEAR(overlay.lastPrice->y, model.priceScale().priceToY(last.close.toDouble()), 1e-3);
    EXPECT_TRUE(overlay.lastPrice->lineVisible);
    EXPECT_EQ(overlay.lastPrice->rising, last.close >= last.open);
    ASSERT_EQ(overlay.lastPrice->tag.texts.size(), 1U);  // the data is old: no countdown
    EXPECT_EQ(overlay.lastPrice->tag.texts[0].text, formatPrice(last.close.toDouble(), 2));
    EXPECT_EQ(overlay.lastPrice->tag.box.x, frame.layout.priceAxis.x);

    model.setClock([&] { return last.openTime + 15'000; });
    prepare();
    ASSERT_EQ(overlay.lastPrice->tag.texts.size(), 2U);
    EXPECT_EQ(overlay.lastPrice->tag.texts[1].text, "00:45");
}

TEST_F(ChartViewsTest, CrosshairSnapsToTheBarAndLabelsBothAxes) {
    const double barX = model.timeScale().indexToX(780);
    ASSERT_GT(barX, 0.0);
    model.setCrosshair({barX + 2.5, 150});
    prepare();
    ASSERT_TRUE(overlay.crosshair.has_value());
    const CrosshairItem& c = *overlay.crosshair;
    EXPECT_FLOAT_EQ(c.x, static_cast<float>(barX));
    EXPECT_FLOAT_EQ(c.y, 150.0F);
    ASSERT_TRUE(c.priceLabel && c.timeLabel);
    EXPECT_EQ(c.priceLabel->texts[0].text, formatPrice(model.priceScale().yToPrice(150), 2));
    EXPECT_EQ(c.timeLabel->texts[0].text, formatCrosshairTime(series[780].openTime, Interval::M1));
    EXPECT_GE(c.timeLabel->box.left(), frame.layout.timeAxis.left());
    EXPECT_LE(c.timeLabel->box.right(), frame.layout.timeAxis.right());
    EXPECT_EQ(c.horizontalSpan, frame.layout.candlePane);
    EXPECT_EQ(c.verticalSpan, frame.layout.plotArea());

    model.setCrosshair({barX, frame.layout.volumePane.y + 10});
    prepare();
    ASSERT_TRUE(overlay.crosshair.has_value());
    EXPECT_EQ(overlay.crosshair->horizontalSpan, frame.layout.volumePane);
    EXPECT_EQ(overlay.crosshair->priceLabel->texts[0].text,
              formatVolume(model.volumeScale().yToPrice(frame.layout.volumePane.y + 10)));

    model.setCrosshair({frame.layout.priceAxis.x + 4, 150});
    prepare();
    EXPECT_FALSE(overlay.crosshair.has_value());
}

TEST_F(ChartViewsTest, NoDataMeansNoItems) {
    model.setSeries(nullptr, Interval::M1, 2);
    prepare();
    EXPECT_FALSE(frame.hasData);
    EXPECT_TRUE(frame.candles.empty());
    EXPECT_TRUE(frame.timeLabels.empty());
    EXPECT_TRUE(overlay.legend.empty());
    EXPECT_FALSE(overlay.lastPrice.has_value());
}

}  // namespace

namespace {

bool isMultipleOf(const std::string& text, double tick) {
    const double v = std::stod(text);
    const double k = v / tick;
    return std::fabs(k - std::round(k)) < 1e-6;
}

int decimalsIn(const std::string& text) {
    const auto dot = text.find('.');
    return dot == std::string::npos ? 0 : static_cast<int>(text.size() - dot - 1);
}

}  // namespace

TEST(ChartModelTick, DecimalsOfATickSize) {
    EXPECT_EQ(ChartModel::decimalsOfTick(0.01), 2);
    EXPECT_EQ(ChartModel::decimalsOfTick(0.05), 2);
    EXPECT_EQ(ChartModel::decimalsOfTick(0.5), 1);
    EXPECT_EQ(ChartModel::decimalsOfTick(0.000001), 6);
    EXPECT_EQ(ChartModel::decimalsOfTick(0.00000001), 8);
    EXPECT_EQ(ChartModel::decimalsOfTick(10.0), 0);
    EXPECT_EQ(ChartModel::decimalsOfTick(0.0), 0);
}

TEST_F(ChartViewsTest, TickSizeSetsLabelDecimalsAxisStepsAndTheCrosshairPrice) {
    // A 0.05 tick: two decimals whatever priceDecimals says, the crosshair snaps to 0.05.
    model.setSeries(&series, Interval::M1, 8, 0.05);
    prepare();
    EXPECT_EQ(model.priceDecimals(), 2);
    ASSERT_GE(frame.priceLabels.size(), 3U);
    for (const TextItem& t : frame.priceLabels) {
        EXPECT_EQ(decimalsIn(t.text), 2) << t.text;
        EXPECT_TRUE(isMultipleOf(t.text, 0.05)) << t.text;
    }
    const double barX = model.timeScale().indexToX(780);
    for (double y : {120.0, 150.0, 151.0, 233.0}) {
        model.setCrosshair({barX, y});
        prepare();
        ASSERT_TRUE(overlay.crosshair && overlay.crosshair->priceLabel);
        const std::string text = overlay.crosshair->priceLabel->texts[0].text;
        EXPECT_TRUE(isMultipleOf(text, 0.05)) << text;
        EXPECT_NEAR(std::stod(text), model.priceScale().yToPrice(y), 0.025 + 1e-9) << text;
    }

    // The symbol list arrives later with a coarse tick of 5: whole numbers on multiples of 5,
    // the view is not reset.
    model.scrollBy(-40);  // the user looks back a little
    prepare();
    const double rightOffset = model.timeScale().rightOffset();
    ASSERT_NE(rightOffset, cpc::chart::TimeScale::kDefaultRightOffset);
    model.setPricePrecision(2, 5.0);
    prepare();
    EXPECT_EQ(model.priceDecimals(), 0);
    EXPECT_EQ(model.timeScale().rightOffset(), rightOffset);
    ASSERT_GE(frame.priceLabels.size(), 2U);
    for (const TextItem& t : frame.priceLabels) {
        EXPECT_EQ(decimalsIn(t.text), 0) << t.text;
        EXPECT_TRUE(isMultipleOf(t.text, 5.0)) << t.text;
    }
    model.setCrosshair({barX, 150});
    prepare();
    ASSERT_TRUE(overlay.crosshair && overlay.crosshair->priceLabel);
    EXPECT_TRUE(isMultipleOf(overlay.crosshair->priceLabel->texts[0].text, 5.0));

    // Unknown tick (0): the step is 10^-priceDecimals, as before.
    model.setPricePrecision(3, 0.0);
    EXPECT_EQ(model.priceDecimals(), 3);
    EXPECT_DOUBLE_EQ(model.tickSize(), 0.001);
}

TEST_F(ChartViewsTest, AnOverlayOnItsOwnScaleLeavesThePriceAxisAlone) {
    const PriceRange before = model.priceScale().range();
    // An OBV-like study: values nowhere near the price.
    std::vector<double> obv(series.size());
    for (std::size_t i = 0; i < obv.size(); ++i) obv[i] = 2e9 + static_cast<double>(i % 97) * 1e6;
    model.addOverlay("OBV", {PaneSeries{"obv", PaneSeriesKind::Line, 0xff00ffffU, obv}}, true);
    prepare();
    EXPECT_EQ(model.priceScale().range(), before) << "the price axis was squeezed";
    ASSERT_EQ(frame.overlayLines.size(), 1U);
    const Rect& pane = frame.layout.candlePane;
    float lo = std::numeric_limits<float>::infinity();
    float hi = -std::numeric_limits<float>::infinity();
    for (const LinePoint& p : frame.overlayLines[0].points) {
        ASSERT_TRUE(std::isfinite(p.y));
        EXPECT_GE(p.y, pane.top());
        EXPECT_LE(p.y, pane.bottom());
        lo = std::min(lo, p.y);
        hi = std::max(hi, p.y);
    }
    EXPECT_GT(hi - lo, pane.height * 0.5) << "fitted to its own visible values";

    // The same values on the price scale do squeeze it (what ownScale avoids).
    model.addOverlay("OBV on price", {PaneSeries{"obv", PaneSeriesKind::Line, 0xff00ffffU, obv}});
    prepare();
    EXPECT_GT(model.priceScale().range().max, before.max * 1000);
}

TEST_F(ChartViewsTest, AComparedSymbolMeetsTheChartAtTheFirstVisibleBarOnThePercentScale) {
    model.setPriceScaleMode(PriceScaleMode::Percent);
    prepare();
    const IndexRange range = model.timeScale().visibleRange();
    const auto first = static_cast<std::size_t>(range.first);
    ASSERT_GT(first, 0U) << "the view starts after the data's first bar";
    // Another symbol at a tenth of the price whose change over the view is twice the chart's.
    std::vector<double> other(series.size());
    const double base = series.candles().close(first);
    for (std::size_t i = 0; i < other.size(); ++i) other[i] = 0.1 * (base + 2.0 * (series.candles().close(i) - base));
    other[first - 1] = std::nan("");
    const auto id = model.addOverlay("OTHER", {PaneSeries{"other", PaneSeriesKind::Line, 0xff9800ffU, other}});
    ASSERT_TRUE(model.setOverlayRebased(id, true));
    prepare();
    ASSERT_EQ(frame.overlayLines.size(), 1U);
    const auto& points = frame.overlayLines[0].points;
    const PriceScale& ps = model.priceScale();
    // At the first visible bar it is drawn where the chart's close is: both 0 %.
    EXPECT_NEAR(points[0].y, ps.priceToY(base), 0.5);
    // Further on, its percent change is twice the chart's.
    const std::size_t k = static_cast<std::size_t>(range.count() / 2);
    const double chartChange = series.candles().close(first + k) / base - 1.0;
    const double drawnPrice = base * (1.0 + 2.0 * chartChange);
    EXPECT_NEAR(points[k].y, ps.priceToY(drawnPrice), 0.5);
    // The price axis' tag says the symbol's own price, not the rebased one.
    bool ownPrice = false;
    for (const auto& tag : frame.valueTags)
        for (const auto& t : tag.tag.texts) ownPrice = ownPrice || t.text == formatPrice(other.back(), model.priceDecimals());
    EXPECT_TRUE(ownPrice);
    // Not rebased: drawn at its own prices, a tenth of the chart's (and the axis stretched for it).
    ASSERT_TRUE(model.setOverlayRebased(id, false));
    prepare();
    EXPECT_NEAR(frame.overlayLines[0].points[0].y, model.priceScale().priceToY(other[first]), 0.5);
    EXPECT_FALSE(model.setOverlayRebased(id + 100, true));
}

TEST_F(ChartViewsTest, PanesAndOverlaysCanBeInsertedAtAPosition) {
    const auto a = model.addPane("A");
    const auto b = model.addPane("B");
    const auto c = model.addPane("C", 1);
    ASSERT_EQ(model.panes().size(), 3U);
    EXPECT_EQ(model.panes()[0].id, a);
    EXPECT_EQ(model.panes()[1].id, c);
    EXPECT_EQ(model.panes()[2].id, b);
    EXPECT_EQ(model.paneIndex(b), std::optional<std::size_t>(2));
    EXPECT_EQ(model.paneIndex(999), std::nullopt);
    const auto d = model.addPane("D", 99);  // past the end: appended
    EXPECT_EQ(model.panes().back().id, d);
    prepare();
    // Drawn top to bottom in stack order, each with its title.
    ASSERT_EQ(frame.panes.size(), 4U);
    const char* const titles[] = {"A", "C", "B", "D"};
    for (std::size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(frame.panes[i].pane, frame.layout.extraPanes[i]);
        if (i > 0) {
            EXPECT_GT(frame.panes[i].pane.y, frame.panes[i - 1].pane.y);
        }
        ASSERT_FALSE(frame.panes[i].labels.empty());
        EXPECT_EQ(frame.panes[i].labels.back().text, titles[i]);
    }
    const auto o1 = model.addOverlay("o1");
    const auto o2 = model.addOverlay("o2", {}, false, 0);
    EXPECT_EQ(model.overlayIndex(o2), std::optional<std::size_t>(0));
    EXPECT_EQ(model.overlayIndex(o1), std::optional<std::size_t>(1));
}
