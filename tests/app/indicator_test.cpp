#include <gtest/gtest.h>

#include <QTemporaryDir>
#include <algorithm>
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

TEST(IndicatorSpecText, TitleNamesChoicesAndLeavesTheDefaultChoiceUnsaid) {
    EXPECT_EQ(parseIndicatorSpec("SMA(20) overlay")->title(), "SMA 20");
    EXPECT_EQ(parseIndicatorSpec("MACD(12,26,9) pane")->title(), "MACD 12 26 9");
    // CVD's anchor and source are choices: by name ("CVD 1 1" said nothing), the defaults (no
    // anchor, the klines) unsaid.
    EXPECT_EQ(parseIndicatorSpec("CVD(0,0) pane")->title(), "CVD");
    EXPECT_EQ(parseIndicatorSpec("CVD(0,1) pane")->title(), "CVD trades");
    EXPECT_EQ(parseIndicatorSpec("CVD(1,1) pane")->title(), "CVD day, trades");
    EXPECT_EQ(parseIndicatorSpec("CVD(2,0) pane")->title(), "CVD session");
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

#include <semaphore>

#include "cpc/core/time.hpp"
#include "cpc/sim/market_model.hpp"
#include "cpc/storage/candle_database.hpp"

namespace {

// Caches `count` closed 1h candles of the simulator's symbol ending now, so the chart opens with
// the newest 5,000 and has older ones to scroll back to.
void cacheHours(const std::string& path, const std::string& symbol, int count) {
    auto db = storage::CandleDatabase::open(path);
    ASSERT_TRUE(db) << db.error().message;
    sim::MarketModel model(42);
    const std::int64_t now = nowMs();
    const std::int64_t first = bucketStart(Interval::H1, now) - static_cast<std::int64_t>(count) * 3'600'000;
    std::vector<Candle> all;
    for (std::int64_t from = first; static_cast<int>(all.size()) < count;) {
        auto page = model.klines(symbol, Interval::H1, from, std::nullopt, 1000, now);
        std::erase_if(page, [](const Candle& c) { return !c.closed; });
        if (page.empty()) break;
        from = page.back().openTime + 1;
        all.insert(all.end(), page.begin(), page.end());
    }
    ASSERT_TRUE(db->upsert(SeriesKey{"binance", symbol, Interval::H1}, all));
}

double batchAt(const market::CandleSeries& series, const std::string& text, std::size_t row) {
    auto made = indicators::createFromSpec(text);
    EXPECT_TRUE(made);
    (*made)->computeAll(indicators::toBars(series.candles()));
    return (*made)->value(0, row);
}

}  // namespace

TEST(MainWindowIndicators, PrependedHistoryIsRecomputedOnAWorkerAndAppliedOnlyToTheSameSeries) {
    QTemporaryDir dir;
    const std::string db = dir.filePath("demo.sqlite3").toStdString();
    cacheHours(db, "ETHUSDT", 7000);
    cacheHours(db, "BTCUSDT", 7000);
    ControllerOptions options;
    options.demo = true;
    options.databasePath = db;
    ChartController controller(options);
    ASSERT_TRUE(controller.start());
    AppSettings settings(dir.filePath("settings.ini"));
    MainWindow window(controller, settings);
    std::counting_semaphore<4> release(0);
    window.setIndicatorJobHook([&] { release.acquire(); });  // the worker waits for the test
    // A failed assertion must not leave a worker waiting (the thread pool joins it at exit).
    const std::unique_ptr<void, std::function<void(void*)>> unblock(&release, [&](void*) { release.release(2); });
    const auto openCached = [&](const char* symbol) {
        window.openSeries(symbol, Interval::H1);
        return test::processEventsUntil([&] {
            return controller.currentSeries() && controller.currentSeries()->size() >= 5000 &&
                   controller.status().state == feed::FeedState::Live;
        }, 30000);
    };

    // 1. The user scrolls back on ETHUSDT, then switches the timeframe while the job runs: its
    // result is for a series no longer shown and is dropped.
    ASSERT_TRUE(openCached("ETHUSDT"));
    ASSERT_TRUE(window.addIndicator(spec("SMA", {20}, kMagenta, indicators::Placement::Overlay)));
    const std::size_t before = controller.currentSeries()->size();
    controller.loadOlderHistory();
    ASSERT_TRUE(test::processEventsUntil([&] { return window.indicatorRecomputeRunning(); }, 20000));
    EXPECT_GT(controller.currentSeries()->size(), before);
    window.openSeries("ETHUSDT", Interval::H4);  // derived from the 1h at once
    const market::CandleSeries* fourHours = controller.currentSeries();
    release.release();
    ASSERT_TRUE(test::processEventsUntil([&] { return !window.indicatorRecomputeRunning(); }, 20000));
    EXPECT_EQ(window.backgroundIndicatorRecomputes(), 0U) << "a result for the 1h series was applied to the 4h";
    ASSERT_EQ(controller.currentSeries(), fourHours);
    ASSERT_EQ(window.indicator(0)->size(), fourHours->size());
    EXPECT_DOUBLE_EQ(window.indicator(0)->value(0, fourHours->size() - 1),
                     batchAt(*fourHours, "SMA(20)", fourHours->size() - 1));

    // 2. On BTCUSDT the prepend is recomputed on the worker: the GUI thread keeps the old rows
    // until the result lands, then the whole series is exact.
    ASSERT_TRUE(openCached("BTCUSDT"));
    ASSERT_TRUE(window.addIndicator(spec("SMA", {20}, kMagenta, indicators::Placement::Overlay)));
    ASSERT_TRUE(window.addIndicator(spec("RSI", {14}, kCyan, indicators::Placement::Pane)));
    const std::size_t rowsBefore = window.indicator(0)->size();
    controller.loadOlderHistory();
    ASSERT_TRUE(test::processEventsUntil([&] { return window.indicatorRecomputeRunning(); }, 20000));
    const market::CandleSeries& series = *controller.currentSeries();
    ASSERT_GT(series.size(), rowsBefore);
    EXPECT_EQ(window.indicator(0)->size(), rowsBefore) << "recomputed on the GUI thread";
    release.release();
    ASSERT_TRUE(test::processEventsUntil([&] { return window.backgroundIndicatorRecomputes() == 1; }, 20000));
    ASSERT_EQ(window.indicator(0)->size(), series.size());
    ASSERT_EQ(window.indicator(1)->size(), series.size());
    for (const std::size_t row : {std::size_t{19}, std::size_t{500}, series.size() - 1}) {
        EXPECT_DOUBLE_EQ(window.indicator(0)->value(0, row), batchAt(series, "SMA(20)", row)) << row;
        EXPECT_DOUBLE_EQ(window.indicator(1)->value(0, row), batchAt(series, "RSI(14)", row)) << row;
    }
    // What the chart draws follows.
    const auto& model = window.canvas()->model();
    ASSERT_EQ(model.overlays().size(), 1U);
    EXPECT_EQ(model.overlays()[0].series[0].values.size(), series.size());
    EXPECT_DOUBLE_EQ(model.overlays()[0].series[0].values[500], batchAt(series, "SMA(20)", 500));
    window.setIndicatorJobHook({});
}

TEST(MainWindowIndicators, EditingKeepsThePanesPlaceAndANonPriceOverlayGetsItsOwnScale) {
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    ChartController controller(options);
    ASSERT_TRUE(controller.start());
    AppSettings settings(dir.filePath("settings.ini"));
    MainWindow window(controller, settings);
    window.resize(1100, 800);
    window.openSeries("BTCUSDT", Interval::M1);
    ASSERT_TRUE(test::processEventsUntil([&] {
        return controller.currentSeries() && controller.currentSeries()->size() >= 1000;
    }, 30000));
    auto& model = window.canvas()->model();

    // Three panes; editing the first keeps it first (it used to move to the bottom).
    ASSERT_TRUE(window.addIndicator(spec("RSI", {14}, kCyan, indicators::Placement::Pane)));
    ASSERT_TRUE(window.addIndicator(spec("ATR", {14}, kMagenta, indicators::Placement::Pane)));
    ASSERT_TRUE(window.addIndicator(spec("CCI", {14}, kMagenta, indicators::Placement::Pane)));
    ASSERT_EQ(model.panes().size(), 3U);
    ASSERT_TRUE(window.editIndicator(0, spec("RSI", {7}, kCyan, indicators::Placement::Pane)));
    ASSERT_EQ(model.panes().size(), 3U);
    EXPECT_EQ(model.panes()[0].id, window.indicatorChartId(0));
    EXPECT_EQ(model.panes()[1].id, window.indicatorChartId(1));
    EXPECT_EQ(model.panes()[2].id, window.indicatorChartId(2));
    EXPECT_EQ(model.panes()[0].title, window.indicatorSpecs()[0].title().toStdString());
    // Moving it to an overlay and back puts it last (a new place was chosen).
    ASSERT_TRUE(window.editIndicator(1, spec("ATR", {14}, kMagenta, indicators::Placement::Overlay)));
    EXPECT_EQ(model.panes().size(), 2U);

    // OBV over the candles: its own scale; the price axis still fits the candles. A price study
    // (SMA) stays on the price scale.
    ASSERT_TRUE(window.addIndicator(spec("SMA", {20}, kCyan, indicators::Placement::Overlay)));
    ASSERT_TRUE(window.addIndicator(spec("OBV", {}, kMagenta, indicators::Placement::Overlay)));
    const auto& overlays = model.overlays();
    ASSERT_EQ(overlays.size(), 3U);  // ATR, SMA, OBV
    EXPECT_TRUE(overlays[0].ownScale);   // ATR is not a price either
    EXPECT_FALSE(overlays[1].ownScale);  // SMA
    EXPECT_TRUE(overlays[2].ownScale);   // OBV
    window.canvas()->renderToImage(QSize(1000, 700));
    const auto bars = model.candles();
    const auto range = model.timeScale().visibleRange();
    double low = std::numeric_limits<double>::infinity();
    for (auto i = range.first; i <= range.last && i < static_cast<std::int64_t>(bars.size()); ++i)
        low = std::min(low, bars[static_cast<std::size_t>(i)].low.toDouble());
    // OBV's visible values lie far below the prices (so on the price scale they would stretch it).
    double obvLow = std::numeric_limits<double>::infinity();
    for (auto i = range.first; i <= range.last && i < static_cast<std::int64_t>(overlays[2].series[0].values.size()); ++i)
        if (std::isfinite(overlays[2].series[0].values[static_cast<std::size_t>(i)]))
            obvLow = std::min(obvLow, overlays[2].series[0].values[static_cast<std::size_t>(i)]);
    ASSERT_LT(obvLow, low * 0.5);
    const double shownLow = model.priceScale().fromScale(model.priceScale().range().min);
    EXPECT_GT(shownLow, low * 0.9) << "the price axis was stretched towards OBV's values";
}

#include <QApplication>
#include <QDialogButtonBox>
#include <QMenu>
#include <QPushButton>
#include <QTimer>
#include <functional>

namespace {

// Runs `fill` on the modal IndicatorDialog the next action opens, then presses its OK button.
void answerNextIndicatorDialog(std::function<void(IndicatorDialog&)> fill, bool* seen) {
    QTimer::singleShot(0, [fill = std::move(fill), seen] {
        auto* dialog = qobject_cast<IndicatorDialog*>(QApplication::activeModalWidget());
        if (!dialog) return;  // the test then fails on `seen`
        *seen = true;
        fill(*dialog);
        auto* buttons = dialog->findChild<QDialogButtonBox*>();
        if (buttons && buttons->button(QDialogButtonBox::Ok)) buttons->button(QDialogButtonBox::Ok)->click();
        else dialog->accept();
    });
}

}  // namespace

TEST(MainWindowIndicators, TheIndicatorsMenuAddsEditsAndRemovesThroughTheDialog) {
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    ChartController controller(options);
    ASSERT_TRUE(controller.start());
    AppSettings settings(dir.filePath("settings.ini"));
    MainWindow window(controller, settings);
    window.openSeries("BTCUSDT", Interval::M1);
    ASSERT_TRUE(test::processEventsUntil([&] {
        return controller.currentSeries() && controller.currentSeries()->size() >= 100;
    }, 20000));

    // Indicators → Add indicator…: search "relative strength", RSI with period 10 in its own pane.
    auto* add = window.findChild<QAction*>(QStringLiteral("addIndicatorAction"));
    ASSERT_NE(add, nullptr);
    bool seen = false;
    answerNextIndicatorDialog([](IndicatorDialog& d) {
        d.setFilter(QStringLiteral("relative strength"));
        EXPECT_TRUE(d.selectIndicator(QStringLiteral("RSI")));
        EXPECT_TRUE(d.setParam(QStringLiteral("timeperiod"), 10));
        d.setPlacement(indicators::Placement::Pane);
    }, &seen);
    add->trigger();
    ASSERT_TRUE(seen) << "the menu action opened no indicator dialog";
    ASSERT_EQ(window.indicatorCount(), 1U);
    EXPECT_EQ(window.indicatorSpecs().front().name, QStringLiteral("RSI"));
    EXPECT_EQ(window.indicatorSpecs().front().params, std::vector<double>{10});
    EXPECT_EQ(window.canvas()->model().panes().size(), 1U);

    // The menu now lists it: Edit… changes the period (applied right after the dialog closes).
    auto* edit = window.findChild<QAction*>(QStringLiteral("editIndicator_0"));
    ASSERT_NE(edit, nullptr);
    seen = false;
    answerNextIndicatorDialog([](IndicatorDialog& d) {
        EXPECT_EQ(d.selectedName(), QStringLiteral("RSI"));  // opened on the indicator being edited
        EXPECT_TRUE(d.setParam(QStringLiteral("timeperiod"), 21));
    }, &seen);
    edit->trigger();
    ASSERT_TRUE(seen);
    ASSERT_TRUE(test::processEventsUntil([&] {
        return window.indicatorCount() == 1 && window.indicatorSpecs().front().params == std::vector<double>{21};
    }, 5000));

    // … and Remove takes it away, pane included.
    auto* remove = window.findChild<QAction*>(QStringLiteral("removeIndicator_0"));
    ASSERT_NE(remove, nullptr);
    remove->trigger();
    ASSERT_TRUE(test::processEventsUntil([&] { return window.indicatorCount() == 0; }, 5000));
    EXPECT_TRUE(window.canvas()->model().panes().empty());
    EXPECT_TRUE(settings.indicators(QStringLiteral("BTCUSDT")).empty());
}

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QTest>

TEST(IndicatorDialog, SpeaksATradersWordsAndOffersTheMaTypesByName) {
    IndicatorDialog dialog;
    ASSERT_TRUE(dialog.selectIndicator("BBANDS"));
    // The defaults traders expect (Bollinger 20, 2), not TA-Lib's 5.
    EXPECT_EQ(dialog.spec()->params, (std::vector<double>{20, 2, 2, 0}));
    QStringList labels;
    for (auto* label : dialog.findChildren<QLabel*>()) labels << label->text();
    EXPECT_TRUE(labels.contains("Length")) << labels.join(" | ").toStdString();
    EXPECT_TRUE(labels.contains("Std. dev. up"));
    EXPECT_TRUE(labels.contains("Std. dev. down"));
    EXPECT_TRUE(labels.contains("MA type"));
    EXPECT_FALSE(labels.contains("nbdevup"));
    EXPECT_TRUE(labels.contains("Colour of Upper band"));
    // The MA type is a list of names; its index is TA-Lib's value.
    auto* matype = dialog.findChild<QComboBox*>("param_matype");
    ASSERT_NE(matype, nullptr);
    EXPECT_EQ(matype->count(), 9);
    EXPECT_EQ(matype->currentText(), "Simple (SMA)");
    matype->setCurrentIndex(1);
    EXPECT_EQ(dialog.spec()->params[3], 1.0);
    EXPECT_TRUE(dialog.setParam("matype", 8));
    EXPECT_EQ(matype->currentText(), "Triple smoothed (T3)");
    // Editing shows the saved MA type by name.
    IndicatorSpec saved = *dialog.spec();
    IndicatorDialog edit(nullptr, saved);
    EXPECT_EQ(edit.findChild<QComboBox*>("param_matype")->currentText(), "Triple smoothed (T3)");
    EXPECT_EQ(edit.spec()->params, saved.params);
    // Stochastic: 14, 3, 3.
    ASSERT_TRUE(dialog.selectIndicator("STOCH"));
    EXPECT_EQ(dialog.spec()->params[0], 14.0);
    EXPECT_EQ(IndicatorDialog::parameterLabel("fastk_period"), "%K length");
    EXPECT_EQ(IndicatorDialog::parameterLabel("no_such_param"), "no_such_param");
}

TEST(MainWindowIndicators, OscillatorsKeepTheirRangeMacdHasTwoColoursAndDraggedPaneHeightsStay) {
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    ChartController controller(options);
    ASSERT_TRUE(controller.start());
    const QString ini = dir.filePath("settings.ini");
    double draggedShare = 0;
    {
        AppSettings settings(ini);
        MainWindow window(controller, settings);
        window.resize(1100, 800);
        window.show();
        window.openSeries("BTCUSDT", Interval::M1);
        ASSERT_TRUE(test::processEventsUntil([&] {
            return controller.currentSeries() && controller.currentSeries()->size() >= 1000;
        }, 30000));
        auto& model = window.canvas()->model();
        ASSERT_TRUE(window.addIndicator(spec("RSI", {14}, kCyan, indicators::Placement::Pane)));
        IndicatorSpec macd = defaultSpec(*indicators::findIndicator("MACD"));
        macd.placement = indicators::Placement::Pane;
        ASSERT_TRUE(window.addIndicator(macd));
        ASSERT_EQ(model.panes().size(), 2U);
        // RSI shows 0 … 100 whatever its visible values; MACD fits its values.
        ASSERT_TRUE(model.panes()[0].fixedRange);
        EXPECT_EQ(model.panes()[0].fixedRange->low, 0.0);
        EXPECT_EQ(model.panes()[0].fixedRange->high, 100.0);
        EXPECT_FALSE(model.panes()[1].fixedRange);
        // MACD's histogram: its colour above zero, red below.
        const auto& hist = model.panes()[1].series.at(2);
        EXPECT_EQ(hist.kind, chart::PaneSeriesKind::Histogram);
        EXPECT_NE(hist.negativeRgba, 0U);
        EXPECT_NE(hist.negativeRgba, hist.rgba);

        // Drag the line between the two panes 40 px up with the mouse: MACD grows, RSI shrinks.
        test::processEventsUntil([] { return false; }, 100);
        auto* canvas = window.canvas();
        const double sepY = model.layout().extraSeparatorsY.at(1);
        const double rsiBefore = model.layout().extraPanes[0].height;
        const QPoint from(200, static_cast<int>(sepY));
        QTest::mousePress(canvas, Qt::LeftButton, {}, from);
        QTest::mouseMove(canvas, from + QPoint(0, -20));
        QTest::mouseMove(canvas, from + QPoint(0, -40));
        QTest::mouseRelease(canvas, Qt::LeftButton, {}, from + QPoint(0, -40));
        EXPECT_NEAR(model.layout().extraPanes[0].height, rsiBefore - 40, 2.0);
        draggedShare = model.layout().extraPanes[1].height / model.layout().timeAxis.y;
        EXPECT_GT(window.indicatorSpecs()[1].paneHeight, 0.0);
    }
    // Restart: the panes come back at the heights the user gave them.
    {
        AppSettings settings(ini);
        MainWindow window(controller, settings);
        window.resize(1100, 800);
        window.show();
        window.openSeries("BTCUSDT", Interval::M1);
        ASSERT_TRUE(test::processEventsUntil([&] { return window.indicatorCount() == 2; }, 20000));
        test::processEventsUntil([] { return false; }, 100);
        const auto& model = window.canvas()->model();
        ASSERT_EQ(model.layout().extraPanes.size(), 2U);
        EXPECT_NEAR(model.layout().extraPanes[1].height / model.layout().timeAxis.y, draggedShare, 0.01);
    }
}

TEST(MainWindowIndicators, CvdOnAVenueWithoutTakerBuyVolumeStaysEmptyAndSaysWhy) {
    // Bybit's klines carry no taker buy volume: CVD there would draw minus the volume as if every
    // trade were a sell. It is drawn empty, its title saying why; on Binance it has values.
    for (const char* exchange : {"bybit", "binance"}) {
        SCOPED_TRACE(exchange);
        QTemporaryDir dir;
        ControllerOptions options;
        options.demo = true;
        options.exchange = exchange;
        options.databasePath = dir.filePath("demo.sqlite3").toStdString();
        ChartController controller(options);
        ASSERT_TRUE(controller.start());
        AppSettings settings(dir.filePath("settings.ini"));
        MainWindow window(controller, settings);
        window.resize(1100, 800);
        window.openSeries("BTCUSDT", Interval::M1);
        ASSERT_TRUE(test::processEventsUntil([&] {
            return controller.currentSeries() && controller.currentSeries()->size() >= 500;
        }, 30000));
        IndicatorSpec cvd = defaultSpec(*indicators::findIndicator("CVD"));
        cvd.placement = indicators::Placement::Pane;
        ASSERT_TRUE(window.addIndicator(cvd));
        test::processEventsUntil([] { return false; }, 200);
        const auto& model = window.canvas()->model();
        ASSERT_EQ(model.panes().size(), 1U);
        const auto& values = model.panes()[0].series.at(0).values;
        const auto finite = std::count_if(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
        if (std::string(exchange) == "bybit") {
            EXPECT_EQ(finite, 0);
            EXPECT_NE(model.panes()[0].title.find("Binance"), std::string::npos) << model.panes()[0].title;
        } else {
            EXPECT_GT(finite, 400);
            EXPECT_EQ(model.panes()[0].title.find("Binance"), std::string::npos) << model.panes()[0].title;
        }
    }
}
