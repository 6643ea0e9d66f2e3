// The workspace: layouts of several charts in splitters, the active chart the toolbar acts on,
// layout tabs, detaching a chart, link groups, charts of one pair sharing their objects, and the
// whole of it saved and restored. Against the demo simulator, offscreen; clicks and keys as a
// user makes them (QtTest).
#include <gtest/gtest.h>

#include <QAction>
#include <QComboBox>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include "app_test_util.hpp"
#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/chart_pane.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"

using namespace cpc;
using namespace cpc::app;

namespace {

ControllerOptions demoOptions(const QTemporaryDir& dir) {
    ControllerOptions options;
    options.demo = true;
    options.simPushIntervalMs = 100;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    return options;
}

std::string symbolOf(const ChartPane* pane) { return pane->controller().currentKey().symbol; }
Interval intervalOf(const ChartPane* pane) { return pane->controller().currentKey().interval; }

bool hasCandles(const ChartPane* pane) {
    const auto* series = pane->controller().currentSeries();
    return series && series->size() > 100;
}

QAction* action(QWidget& window, const char* name) { return window.findChild<QAction*>(QString::fromLatin1(name)); }

IndicatorSpec study(const QString& name, double length, indicators::Placement placement) {
    IndicatorSpec s;
    s.name = name;
    s.params = {length};
    s.placement = placement;
    return s;
}

void click(ChartPane* pane) { QTest::mouseClick(pane->canvas(), Qt::LeftButton, {}, QPoint(60, 60)); }

}  // namespace

TEST(Workspace, EveryLayoutHoldsItsChartsEachOnItsOwnSeriesOverOneMarketSession) {
    QTemporaryDir dir;
    ChartController controller(demoOptions(dir));
    ASSERT_TRUE(controller.start());
    AppSettings settings(dir.filePath("settings.ini"));
    MainWindow window(controller, settings);
    window.resize(1200, 800);
    window.show();
    window.openSeries("BTCUSDT", Interval::H1);

    const std::pair<const char*, int> layouts[] = {{"2h", 2}, {"2v", 2}, {"3", 3}, {"4", 4}, {"6", 6}, {"8", 8}, {"1", 1}};
    for (const auto& [name, count] : layouts) {
        SCOPED_TRACE(name);
        action(window, (std::string("layout_") + name).c_str())->trigger();  // Layout ▸ n charts
        EXPECT_EQ(window.layoutName(), QString::fromLatin1(name));
        const auto charts = window.panes();
        ASSERT_EQ(static_cast<int>(charts.size()), count);
        EXPECT_EQ(&charts.front()->controller(), &controller) << "the first chart stays the first";
        for (std::size_t i = 0; i < charts.size(); ++i) {
            // No chart owns a connection: every controller rides the one market session.
            EXPECT_EQ(charts[i]->controller().marketSession(), controller.marketSession());
            for (std::size_t j = i + 1; j < charts.size(); ++j) EXPECT_NE(&charts[i]->controller(), &charts[j]->controller());
            EXPECT_TRUE(charts[i]->isVisible());
        }
    }
    // The 2 × 2 layout: every new chart opened the active chart's series and draws its candles.
    ASSERT_TRUE(window.applyLayout("4"));
    const auto charts = window.panes();
    ASSERT_TRUE(test::processEventsUntil([&] { return std::all_of(charts.begin(), charts.end(), hasCandles); }, 30000));
    for (ChartPane* pane : charts) {
        EXPECT_EQ(symbolOf(pane), "BTCUSDT");
        EXPECT_EQ(intervalOf(pane), Interval::H1);
    }
    const QImage image = window.grab().toImage();
    EXPECT_GT(test::countColor(image, test::kRising), 400) << "candles in the screenshot of the whole window";
    EXPECT_FALSE(window.applyLayout("5")) << "no 5-chart layout";
    EXPECT_EQ(window.layoutName(), "4");

    // The splitters can be dragged: the handle between the two top charts, 150 px to the right.
    auto* top = qobject_cast<QSplitter*>(charts[0]->parentWidget()->parentWidget());
    ASSERT_NE(top, nullptr);
    const QList<int> before = top->sizes();
    QWidget* handle = top->handle(1);
    const QPoint grip(handle->width() / 2, handle->height() / 2);
    QTest::mousePress(handle, Qt::LeftButton, {}, grip);
    QTest::mouseMove(handle, grip + QPoint(150, 0));
    QTest::mouseRelease(handle, Qt::LeftButton, {}, grip + QPoint(150, 0));
    EXPECT_GT(top->sizes()[0], before[0] + 100) << "the left chart grew";
}

TEST(Workspace, TheToolbarActsOnTheChartClickedLastAndShowsItsSeries) {
    QTemporaryDir dir;
    ChartController controller(demoOptions(dir));
    ASSERT_TRUE(controller.start());
    AppSettings settings(dir.filePath("settings.ini"));
    MainWindow window(controller, settings);
    window.resize(1200, 800);
    window.show();
    window.openSeries("BTCUSDT", Interval::H1);
    ASSERT_TRUE(window.applyLayout("2h"));
    const auto charts = window.panes();
    EXPECT_EQ(window.activePane(), charts[0]);
    EXPECT_TRUE(charts[0]->isActiveMarked());

    click(charts[1]);
    ASSERT_EQ(window.activePane(), charts[1]);
    EXPECT_TRUE(charts[1]->isActiveMarked());
    EXPECT_FALSE(charts[0]->isActiveMarked());
    EXPECT_EQ(window.canvas(), charts[1]->canvas());
    // A timeframe button and the symbol box change the clicked chart only.
    action(window, "interval_15m")->trigger();
    ASSERT_TRUE(test::processEventsUntil([&] { return charts[1]->controller().symbols().contains("ETHUSDT"); }, 20000));
    auto* symbolBox = window.findChild<QComboBox*>("symbolBox");
    symbolBox->setFocus();
    symbolBox->lineEdit()->selectAll();
    QTest::keyClicks(symbolBox->lineEdit(), "ETHUSDT");
    QTest::keyClick(symbolBox->lineEdit(), Qt::Key_Return);
    EXPECT_EQ(symbolOf(charts[1]), "ETHUSDT");
    EXPECT_EQ(intervalOf(charts[1]), Interval::M15);
    EXPECT_EQ(symbolOf(charts[0]), "BTCUSDT");
    EXPECT_EQ(intervalOf(charts[0]), Interval::H1);
    window.setChartType(chart::ChartType::Line);
    EXPECT_EQ(charts[1]->canvas()->model().chartType(), chart::ChartType::Line);
    EXPECT_EQ(charts[0]->canvas()->model().chartType(), chart::ChartType::Candles);
    // Indicators too: the active chart's.
    ASSERT_TRUE(window.addIndicator(study("RSI", 14, indicators::Placement::Pane)));
    EXPECT_EQ(charts[1]->indicatorCount(), 1u);
    EXPECT_EQ(charts[0]->indicatorCount(), 0u);

    // Back on the first chart the toolbar shows its series again.
    click(charts[0]);
    ASSERT_EQ(window.activePane(), charts[0]);
    EXPECT_EQ(symbolBox->currentText(), "BTCUSDT");
    EXPECT_TRUE(action(window, "interval_1h")->isChecked());
    EXPECT_FALSE(action(window, "interval_15m")->isChecked());
    EXPECT_EQ(window.findChild<QComboBox*>("chartTypeBox")->currentData().toInt(), static_cast<int>(chart::ChartType::Candles));
    EXPECT_EQ(window.indicatorCount(), 0u);
    ASSERT_TRUE(test::processEventsUntil([&] { return window.windowTitle().contains("BTCUSDT"); }, 10000));
}

TEST(Workspace, LayoutTabsDetachingAndEverythingIsRestoredAtTheNextStart) {
    QTemporaryDir dir;
    const QString ini = dir.filePath("settings.ini");
    {
        ChartController controller(demoOptions(dir));
        ASSERT_TRUE(controller.start());
        AppSettings settings(ini);
        MainWindow window(controller, settings);
        window.resize(1200, 800);
        window.show();
        EXPECT_FALSE(window.restoreWorkspace()) << "nothing saved yet";
        window.openSeries("BTCUSDT", Interval::H1);
        ASSERT_TRUE(window.applyLayout("4"));
        auto charts = window.panes();
        window.openSeriesIn(charts[1], "ETHUSDT", Interval::M5);
        window.openSeriesIn(charts[2], "ADAUSDT", Interval::D1);
        window.setActivePane(charts[2]);
        window.setChartType(chart::ChartType::Area);
        window.setLinkGroup(charts[3], 2);
        window.setActivePane(charts[1]);

        // Detach the active chart: it goes into a window of its own; closing that window puts
        // it back. Detached again, it stays so until the next start.
        action(window, "detachChartAction")->trigger();
        QWidget* own = window.detachedWindow(charts[1]);
        ASSERT_NE(own, nullptr);
        EXPECT_TRUE(own->isWindow());
        EXPECT_EQ(charts[1]->window(), own);
        EXPECT_NE(window.findChild<QWidget*>("detachedNotice"), nullptr);
        own->close();
        QCoreApplication::processEvents();
        EXPECT_EQ(window.detachedWindow(charts[1]), nullptr);
        EXPECT_EQ(charts[1]->window(), &window);
        EXPECT_EQ(window.findChild<QWidget*>("detachedNotice"), nullptr);
        window.detachChart(charts[1]);
        ASSERT_NE(window.detachedWindow(charts[1]), nullptr);
        EXPECT_TRUE(charts[1]->isActiveMarked()) << "detached, it is still the active chart";

        // A second tab with one chart, then back to the first tab.
        action(window, "newLayoutTabAction")->trigger();
        EXPECT_EQ(window.layoutTabCount(), 2);
        EXPECT_EQ(window.currentLayoutTab(), 1);
        EXPECT_EQ(window.panes().size(), 1u);
        ASSERT_TRUE(window.applyLayout("2v"));
        window.openSeriesIn(window.panes()[1], "NKNUSDT", Interval::M1);
        auto* tabs = window.findChild<QTabWidget*>("layoutTabs");
        tabs->setCurrentIndex(0);
        EXPECT_EQ(window.activePane(), charts[1]) << "each tab keeps its active chart";
        window.close();
    }
    ChartController controller(demoOptions(dir));
    ASSERT_TRUE(controller.start());
    AppSettings settings(ini);
    MainWindow window(controller, settings);
    window.resize(1200, 800);
    window.show();
    ASSERT_TRUE(window.restoreWorkspace());
    ASSERT_EQ(window.layoutTabCount(), 2);
    EXPECT_EQ(window.currentLayoutTab(), 0);
    EXPECT_EQ(window.layoutName(), "4");
    const auto charts = window.panes(0);
    ASSERT_EQ(charts.size(), 4u);
    EXPECT_EQ(&charts[0]->controller(), &controller);
    EXPECT_EQ(symbolOf(charts[0]), "BTCUSDT");
    EXPECT_EQ(intervalOf(charts[0]), Interval::H1);
    EXPECT_EQ(symbolOf(charts[1]), "ETHUSDT");
    EXPECT_EQ(intervalOf(charts[1]), Interval::M5);
    EXPECT_EQ(symbolOf(charts[2]), "ADAUSDT");
    EXPECT_EQ(intervalOf(charts[2]), Interval::D1);
    EXPECT_EQ(charts[2]->canvas()->model().chartType(), chart::ChartType::Area);
    EXPECT_EQ(charts[3]->linkGroup(), 2);
    EXPECT_EQ(window.activePane(), charts[1]) << "the active chart of the active tab";
    EXPECT_NE(window.detachedWindow(charts[1]), nullptr) << "detached as it was";
    const auto second = window.panes(1);
    ASSERT_EQ(second.size(), 2u);
    EXPECT_EQ(symbolOf(second[1]), "NKNUSDT");
    ASSERT_TRUE(test::processEventsUntil([&] { return std::all_of(charts.begin(), charts.end(), hasCandles); }, 30000));

    // Closing a tab drops its charts; the last one cannot be closed.
    EXPECT_TRUE(window.closeLayoutTab(1));
    EXPECT_EQ(window.layoutTabCount(), 1);
    EXPECT_FALSE(window.closeLayoutTab(0));

    // A saved workspace that does not fit is not restored, and nothing changes.
    ChartController other(demoOptions(dir));
    ASSERT_TRUE(other.start());
    MainWindow fresh(other, settings);
    EXPECT_FALSE(fresh.restoreWorkspace("{\"version\":1,\"tabs\":[{\"layout\":\"4\",\"charts\":[{}]}]}"));
    EXPECT_FALSE(fresh.restoreWorkspace("not json"));
    EXPECT_EQ(fresh.panes().size(), 1u);
}

TEST(Workspace, LinkedChartsFollowTheSymbolAndTheTimeframeWhenAsked) {
    QTemporaryDir dir;
    ChartController controller(demoOptions(dir));
    ASSERT_TRUE(controller.start());
    AppSettings settings(dir.filePath("settings.ini"));
    MainWindow window(controller, settings);
    window.resize(1200, 800);
    window.show();
    window.openSeries("BTCUSDT", Interval::H1);
    ASSERT_TRUE(window.applyLayout("3"));
    const auto charts = window.panes();
    window.openSeriesIn(charts[1], "BTCUSDT", Interval::M5);
    // Charts 0 and 1 in the red group (the menu acts on the active chart), chart 2 in none.
    action(window, "linkGroup_1")->trigger();
    window.setActivePane(charts[1]);
    action(window, "linkGroup_1")->trigger();
    EXPECT_EQ(charts[0]->linkGroup(), 1);
    EXPECT_EQ(charts[1]->linkGroup(), 1);

    window.setActivePane(charts[0]);
    window.setLinkIntervals(false);
    window.openSeries("ETHUSDT", Interval::H4);
    EXPECT_EQ(symbolOf(charts[1]), "ETHUSDT") << "the linked chart follows the symbol";
    EXPECT_EQ(intervalOf(charts[1]), Interval::M5) << "but keeps its timeframe";
    EXPECT_EQ(symbolOf(charts[2]), "BTCUSDT") << "a chart in no group stays";

    action(window, "linkIntervalsAction")->trigger();
    ASSERT_TRUE(window.linkIntervals());
    window.openSeries("ADAUSDT", Interval::D1);
    EXPECT_EQ(symbolOf(charts[1]), "ADAUSDT");
    EXPECT_EQ(intervalOf(charts[1]), Interval::D1);
    EXPECT_EQ(symbolOf(charts[2]), "BTCUSDT");
    // Leaving the group: no longer follows.
    window.setLinkGroup(charts[1], 0);
    window.openSeries("ETHUSDT", Interval::D1);
    EXPECT_EQ(symbolOf(charts[1]), "ADAUSDT");
}

TEST(Workspace, TwoChartsOfOnePairShowOneSetOfDrawingsAndIndicators) {
    QTemporaryDir dir;
    ChartController controller(demoOptions(dir));
    ASSERT_TRUE(controller.start());
    AppSettings settings(dir.filePath("settings.ini"));
    MainWindow window(controller, settings);
    window.resize(1200, 800);
    window.show();
    window.openSeries("BTCUSDT", Interval::H1);
    ASSERT_TRUE(window.applyLayout("2h"));
    const auto charts = window.panes();
    window.openSeriesIn(charts[1], "BTCUSDT", Interval::M15);
    ASSERT_TRUE(test::processEventsUntil([&] { return hasCandles(charts[0]) && hasCandles(charts[1]); }, 30000));

    // An indicator and a line added on the first chart are on the second (the same pair) at once;
    // a later change on the second keeps them (it would otherwise save its old set over them).
    ASSERT_TRUE(window.addIndicator(study("EMA", 20, indicators::Placement::Overlay)));
    auto& first = charts[0]->canvas()->model();
    const auto last = charts[0]->controller().currentSeries()->last();
    ASSERT_TRUE(last.has_value());
    const chart::DrawingAnchor at{last->openTime, last->close.toDouble()};
    first.addDrawing(chart::Drawing{0, chart::DrawingKind::HorizontalLine, at, at});
    EXPECT_EQ(charts[1]->indicatorCount(), 1u);
    EXPECT_EQ(charts[1]->canvas()->model().drawings().size(), 1u);

    window.setActivePane(charts[1]);
    ASSERT_TRUE(window.addIndicator(study("RSI", 14, indicators::Placement::Pane)));
    EXPECT_EQ(charts[0]->indicatorCount(), 2u);
    EXPECT_EQ(settings.indicators("BTCUSDT").size(), 2u);
    EXPECT_EQ(settings.drawings("BTCUSDT").size(), 1u) << "the line drawn on the other chart is still saved";
}

TEST(Workspace, ScreenshotOfTheWholeWindowWithAFourChartLayoutFromTheCommandLine) {
    QTemporaryDir dir;
    const QString png = dir.filePath("layout.png");
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    p.setProcessEnvironment(env);
    p.start(CPC_APP_BINARY, {"--demo", "--layout", "4", "--symbols", "BTCUSDT,ETHUSDT,bybit:ADAUSDT", "--interval", "1h",
                             "--screenshot", png, "--exit-after", "8", "--database", dir.filePath("demo.sqlite3"),
                             "--settings", dir.filePath("s.ini")});
    ASSERT_TRUE(p.waitForFinished(90000));
    ASSERT_EQ(p.exitCode(), 0) << p.readAllStandardError().toStdString();
    QImage image(png);
    ASSERT_FALSE(image.isNull());
    EXPECT_GE(image.width(), 800);
    // Four charts of candles: each quarter of the chart area has rising and falling candles.
    const int w = image.width(), h = image.height();
    for (int q = 0; q < 4; ++q) {
        const QImage quarter = image.copy((q % 2) * w / 2, h / 10 + (q / 2) * (h * 8 / 10) / 2, w / 2, (h * 8 / 10) / 2);
        EXPECT_GT(test::countColor(quarter, test::kRising), 50) << "quarter " << q;
        EXPECT_GT(test::countColor(quarter, test::kFalling), 50) << "quarter " << q;
    }
    // Saved as the workspace: the next start without flags restores it.
    const QSettings saved(dir.filePath("s.ini"), QSettings::IniFormat);
    const QString workspace = saved.value("window/workspace").toString();
    EXPECT_TRUE(workspace.contains("\"layout\":\"4\"")) << workspace.toStdString();
    EXPECT_TRUE(workspace.contains("\"exchange\":\"bybit\"")) << workspace.toStdString();
    EXPECT_TRUE(workspace.contains("\"symbol\":\"ETHUSDT\"")) << workspace.toStdString();
}

TEST(Workspace, BadLayoutAndSymbolsFlagsAreRejectedWithWhatIsAccepted) {
    auto run = [](const QStringList& args) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("QT_QPA_PLATFORM", "offscreen");
        p.setProcessEnvironment(env);
        p.start(CPC_APP_BINARY, args);
        p.waitForFinished(30000);
        return std::make_pair(p.exitCode(), QString::fromLocal8Bit(p.readAllStandardError()));
    };
    const auto layout = run({"--demo", "--layout", "5"});
    EXPECT_EQ(layout.first, 2);
    EXPECT_TRUE(layout.second.contains("unknown layout \"5\"; accepted: 1, 2h, 2v, 3, 4, 6, 8")) << layout.second.toStdString();
    const auto tooMany = run({"--demo", "--layout", "2h", "--symbols", "BTCUSDT,ETHUSDT,ADAUSDT"});
    EXPECT_EQ(tooMany.first, 2);
    EXPECT_TRUE(tooMany.second.contains("--symbols lists 3 symbols but layout 2h has 2 charts")) << tooMany.second.toStdString();
    const auto venue = run({"--demo", "--symbols", "kraken:BTCUSD"});
    EXPECT_EQ(venue.first, 2);
    EXPECT_TRUE(venue.second.contains("unknown exchange \"kraken\"")) << venue.second.toStdString();
    const auto bad = run({"--demo", "--symbols", "BTCUSDT,BTC&USDT"});
    EXPECT_EQ(bad.first, 2);
    EXPECT_TRUE(bad.second.contains("--symbols:")) << bad.second.toStdString();
    const auto empty = run({"--demo", "--symbols", "BTCUSDT,,ETHUSDT"});
    EXPECT_EQ(empty.first, 2);
    EXPECT_TRUE(empty.second.contains("empty name")) << empty.second.toStdString();
}

TEST(Workspace, TheCrosshairMarksTheSameMomentOnEveryChartUntilSwitchedOff) {
    QTemporaryDir dir;
    ChartController controller(demoOptions(dir));
    ASSERT_TRUE(controller.start());
    AppSettings settings(dir.filePath("settings.ini"));
    MainWindow window(controller, settings);
    window.resize(1200, 800);
    window.show();
    window.openSeries("BTCUSDT", Interval::H1);
    ASSERT_TRUE(window.applyLayout("2h"));
    const auto charts = window.panes();
    window.openSeriesIn(charts[1], "ETHUSDT", Interval::M15);
    ASSERT_TRUE(test::processEventsUntil([&] { return hasCandles(charts[0]) && hasCandles(charts[1]); }, 30000));
    QCoreApplication::processEvents();

    // The mouse over a bar of the 1h chart, a few bars left of the newest one.
    auto& source = charts[0]->canvas()->model();
    auto& follower = charts[1]->canvas()->model();
    const auto& pane = source.layout().candlePane;
    const double x = source.timeToX(source.timeAtIndex(static_cast<std::int64_t>(source.candles().size()) - 3).value());
    const QPoint at(static_cast<int>(x), static_cast<int>(pane.y + pane.height / 2));
    QTest::mouseMove(charts[0]->canvas(), at);
    ASSERT_TRUE(source.hoveredIndex().has_value());
    const std::int64_t hourOpen = *source.timeAtIndex(static_cast<std::int64_t>(*source.hoveredIndex()));
    // The 15m chart marks the bar holding that hour's open.
    ASSERT_TRUE(follower.crosshair().has_value()) << "the other chart marks the moment";
    ASSERT_TRUE(follower.hoveredIndex().has_value());
    const std::int64_t quarterOpen = *follower.timeAtIndex(static_cast<std::int64_t>(*follower.hoveredIndex()));
    EXPECT_LE(quarterOpen, hourOpen);
    EXPECT_GT(quarterOpen + 15 * 60'000, hourOpen);

    // Leaving the chart clears it; switched off, nothing follows.
    QEvent leave(QEvent::Leave);
    QCoreApplication::sendEvent(charts[0]->canvas(), &leave);
    EXPECT_FALSE(follower.crosshair().has_value());
    action(window, "syncCrosshairAction")->trigger();
    ASSERT_FALSE(window.syncCrosshair());
    QTest::mouseMove(charts[0]->canvas(), at + QPoint(-20, 0));
    EXPECT_FALSE(follower.crosshair().has_value());
}
