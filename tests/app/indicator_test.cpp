#include <gtest/gtest.h>

#include <QTemporaryDir>
#include <cmath>

#include "app_test_util.hpp"
#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/indicator_dialog.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/chart/chart_views.hpp"
#include "cpc/chart/format.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"
#include "cpc/indicators/bar.hpp"
#include "cpc/indicators/registry.hpp"

using namespace cpc;
using namespace cpc::app;

namespace {

const QColor kMagenta(0xff, 0x00, 0xff);
const QColor kCyan(0x00, 0xff, 0xff);

int countIn(const QImage& image, const QRect& rect, const QColor& colour) {
    return test::countColor(image.copy(rect), colour, 30);
}

IndicatorSpec spec(const QString& name, std::vector<double> params, QColor colour, indicators::Placement placement) {
    IndicatorSpec s;
    s.name = name;
    s.params = std::move(params);
    s.colours = {colour};
    s.placement = placement;
    return s;
}

// Value of the library's batch computation over the whole series, last row.
double batchLast(const market::CandleSeries& series, const std::string& text) {
    auto made = indicators::createFromSpec(text);
    EXPECT_TRUE(made);
    const auto bars = indicators::toBars(series.candles());
    (*made)->computeAll(bars);
    return (*made)->value(0, (*made)->size() - 1);
}

}  // namespace

TEST(IndicatorSpecText, RoundTripsThroughText) {
    IndicatorSpec s = spec("MACD", {8, 21, 5}, kMagenta, indicators::Placement::Pane);
    s.colours = {kMagenta, kCyan, QColor(0x11, 0x22, 0x33)};
    const QString text = serializeIndicatorSpec(s);
    EXPECT_EQ(text, "MACD(8,21,5) pane #ff00ff,#00ffff,#112233");
    const auto back = parseIndicatorSpec(text);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, s);
    EXPECT_FALSE(parseIndicatorSpec("NOPE(3) pane"));
    EXPECT_FALSE(parseIndicatorSpec("SMA(20) sideways"));
}

TEST(IndicatorDialog, FiltersTheRegistryAndBuildsASpecWithEditedParams) {
    IndicatorDialog dialog;
    const QStringList all = dialog.visibleNames();
    EXPECT_GT(all.size(), 50);
    dialog.setFilter("relative strength");  // matches the title
    const QStringList rsi = dialog.visibleNames();
    EXPECT_TRUE(rsi.contains("RSI"));
    EXPECT_FALSE(rsi.contains("SMA"));
    EXPECT_LT(rsi.size(), 5);
    EXPECT_EQ(dialog.selectedName(), rsi.front());  // the selection follows the filter

    dialog.setFilter("sma");  // matches the name, case-insensitively
    EXPECT_TRUE(dialog.visibleNames().contains("SMA"));
    EXPECT_FALSE(dialog.visibleNames().contains("RSI"));
    ASSERT_TRUE(dialog.selectIndicator("SMA"));
    auto defaults = dialog.spec();
    ASSERT_TRUE(defaults);
    EXPECT_EQ(defaults->params, std::vector<double>{30});  // TA-Lib's default period
    EXPECT_EQ(defaults->placement, indicators::Placement::Overlay);  // the indicator's hint

    EXPECT_TRUE(dialog.setParam("timeperiod", 20));
    EXPECT_FALSE(dialog.setParam("nosuchparam", 1));
    dialog.setColour(0, kMagenta);
    dialog.setPlacement(indicators::Placement::Pane);
    const auto s = dialog.spec();
    ASSERT_TRUE(s);
    EXPECT_EQ(s->name, "SMA");
    EXPECT_EQ(s->params, std::vector<double>{20});
    ASSERT_EQ(s->colours.size(), 1U);
    EXPECT_EQ(s->colours[0], kMagenta);
    EXPECT_EQ(s->placement, indicators::Placement::Pane);

    // A pane indicator defaults to its own pane; the editors clamp to the parameter's range.
    dialog.setFilter("");
    ASSERT_TRUE(dialog.selectIndicator("RSI"));
    EXPECT_EQ(dialog.spec()->placement, indicators::Placement::Pane);
    EXPECT_TRUE(dialog.setParam("timeperiod", 1e9));
    EXPECT_EQ(dialog.spec()->params[0], indicators::findIndicator("RSI")->params[0].maxValue);

    // Editing shows the given values.
    IndicatorDialog edit(nullptr, *s);
    EXPECT_EQ(edit.spec(), s);
}

TEST(MainWindowIndicators, OverlayAndPaneAreDrawnComputedSavedAndRemoved) {
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.simPushIntervalMs = 100;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    ChartController controller(options);
    ASSERT_TRUE(controller.start());
    const QString ini = dir.filePath("settings.ini");
    {
        AppSettings settings(ini);
        MainWindow window(controller, settings);
        window.resize(1100, 800);
        window.show();
        window.openSeries("BTCUSDT", Interval::S1);  // 1s: a new candle every second, whatever the trades
        ASSERT_TRUE(test::processEventsUntil([&] {
            return controller.currentSeries() && controller.currentSeries()->size() >= 1000 &&
                   controller.status().state == feed::FeedState::Live;
        }, 20000));

        ASSERT_TRUE(window.addIndicator(spec("SMA", {20}, kMagenta, indicators::Placement::Overlay)));
        ASSERT_TRUE(window.addIndicator(spec("RSI", {14}, kCyan, indicators::Placement::Pane)));
        // Several instances of one indicator.
        ASSERT_TRUE(window.addIndicator(spec("SMA", {50}, QColor(0x80, 0x80, 0x00), indicators::Placement::Overlay)));
        EXPECT_FALSE(window.addIndicator(spec("NOPE", {}, kCyan, indicators::Placement::Pane)));
        ASSERT_EQ(window.indicatorCount(), 3U);
        const auto& model = window.canvas()->model();
        EXPECT_EQ(model.overlays().size(), 2U);
        ASSERT_EQ(model.panes().size(), 1U);

        // Let a few ticks arrive (O(1) updates through sync()), then compare with the batch result.
        const std::uint64_t revision = controller.currentSeries()->revision();
        ASSERT_TRUE(test::processEventsUntil([&] {
            return controller.currentSeries()->revision() > revision + 3;
        }, 20000)) << "no ticks";
        test::processEventsUntil([] { return false; }, 300);
        const auto& series = *controller.currentSeries();
        ASSERT_EQ(window.indicator(0)->size(), series.size());
        EXPECT_DOUBLE_EQ(window.indicator(0)->value(0, series.size() - 1), batchLast(series, "SMA(20)"));
        EXPECT_DOUBLE_EQ(window.indicator(1)->value(0, series.size() - 1), batchLast(series, "RSI(14)"));
        EXPECT_DOUBLE_EQ(window.indicator(2)->value(0, series.size() - 1), batchLast(series, "SMA(50)"));
        // What the chart draws is the same column.
        ASSERT_EQ(model.overlays()[0].series.size(), 1U);
        EXPECT_DOUBLE_EQ(model.overlays()[0].series[0].values.back(), batchLast(series, "SMA(20)"));
        EXPECT_DOUBLE_EQ(model.panes()[0].series[0].values.back(), batchLast(series, "RSI(14)"));

        // Pixels: the SMA's colour in the candle pane only, the RSI's in its pane only.
        test::processEventsUntil([] { return false; }, 200);
        const QImage image = window.grab().toImage();
        const QPoint origin = window.canvas()->mapTo(&window, QPoint(0, 0));
        auto toRect = [&](const chart::Rect& r) {
            return QRect(origin.x() + static_cast<int>(r.x), origin.y() + static_cast<int>(r.y),
                         static_cast<int>(r.width), static_cast<int>(r.height));
        };
        const QRect candlePane = toRect(model.layout().candlePane);
        const QRect rsiPane = toRect(model.layout().extraPanes.at(0));
        EXPECT_GT(countIn(image, candlePane, kMagenta), 150) << "SMA overlay not drawn";
        EXPECT_EQ(countIn(image, rsiPane, kMagenta), 0);
        EXPECT_GT(countIn(image, rsiPane, kCyan), 150) << "RSI pane not drawn";
        EXPECT_LT(countIn(image, candlePane, kCyan), 5);

        // The legend lists the overlay's value (coloured) and the pane's.
        window.canvas()->model().setCrosshair(chart::Point{candlePane.width() / 2.0, candlePane.height() / 2.0});
        chart::OverlayItems overlay;
        chart::buildOverlay(model, overlay);
        const std::size_t hovered = *model.hoveredIndex();
        const std::string smaText = chart::formatPrice(window.indicator(0)->value(0, hovered), model.priceDecimals());
        bool smaInLegend = false;
        bool rsiInLegend = false;
        for (const auto& t : overlay.legend) {
            if (t.rgba == 0xff00ffffU && t.text == smaText) smaInLegend = true;
            if (t.rgba == 0x00ffffffU) rsiInLegend = true;
        }
        EXPECT_TRUE(smaInLegend) << smaText;
        EXPECT_TRUE(rsiInLegend);
        window.canvas()->model().clearCrosshair();

        // Edit: RSI(14) → RSI(7), still in a pane.
        ASSERT_TRUE(window.editIndicator(1, spec("RSI", {7}, kCyan, indicators::Placement::Pane)));
        EXPECT_EQ(window.indicatorSpecs()[1].params, std::vector<double>{7});
        EXPECT_DOUBLE_EQ(window.indicator(1)->value(0, controller.currentSeries()->size() - 1),
                         batchLast(*controller.currentSeries(), "RSI(7)"));
        EXPECT_EQ(model.panes().size(), 1U);
    }
    // Restart: the indicators come back from the settings.
    {
        AppSettings settings(ini);
        ASSERT_EQ(settings.indicators("BTCUSDT").size(), 3U);
        MainWindow window(controller, settings);
        window.resize(1100, 800);
        window.show();
        window.openSeries("BTCUSDT", Interval::S1);  // 1s: a new candle every second, whatever the trades
        ASSERT_TRUE(test::processEventsUntil([&] { return window.indicatorCount() == 3; }, 20000));
        const auto specs = window.indicatorSpecs();
        EXPECT_EQ(specs[0], spec("SMA", {20}, kMagenta, indicators::Placement::Overlay));
        EXPECT_EQ(specs[1], spec("RSI", {7}, kCyan, indicators::Placement::Pane));
        EXPECT_EQ(window.canvas()->model().overlays().size(), 2U);
        EXPECT_EQ(window.canvas()->model().panes().size(), 1U);

        // Remove: the pane goes, and the settings follow.
        ASSERT_TRUE(window.removeIndicator(1));
        EXPECT_EQ(window.canvas()->model().panes().size(), 0U);
        EXPECT_EQ(window.indicatorCount(), 2U);
        ASSERT_TRUE(window.removeIndicator(0));
        ASSERT_TRUE(window.removeIndicator(0));
        EXPECT_EQ(window.canvas()->model().overlays().size(), 0U);
        EXPECT_FALSE(window.removeIndicator(0));
        EXPECT_TRUE(settings.indicators("BTCUSDT").empty());
    }
}
