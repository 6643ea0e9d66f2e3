#include <gtest/gtest.h>

#include <QAction>
#include <QComboBox>
#include <QMenu>
#include <QMenuBar>
#include <QGuiApplication>
#include <QScreen>
#include <QStatusBar>
#include <QLabel>
#include <QRegularExpression>
#include <QTemporaryDir>

#include "app_test_util.hpp"
#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"
#include "cpc/core/time.hpp"
#include "cpc/sim/sim_server.hpp"

using namespace cpc;
using namespace cpc::app;

TEST(MainWindow, DemoShowsLiveCandlesFromTheSimulator) {
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.simPushIntervalMs = 100;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    ChartController controller(options);
    ASSERT_TRUE(controller.start());
    AppSettings settings(dir.filePath("settings.ini"));
    MainWindow window(controller, settings);
    window.resize(1100, 700);
    window.show();
    window.openSeries("BTCUSDT", Interval::M1);

    ASSERT_TRUE(test::processEventsUntil([&] {
        return controller.currentSeries() && controller.currentSeries()->size() >= 1000 &&
               controller.status().state == feed::FeedState::Live;
    }, 20000)) << "state " << feed::toString(controller.status().state) << ": " << controller.status().detail;
    // The symbol list came from the simulator's exchangeInfo.
    ASSERT_TRUE(test::processEventsUntil([&] { return controller.symbols().contains("ETHUSDT"); }, 10000));
    auto* symbolBox = window.findChild<QComboBox*>("symbolBox");
    ASSERT_NE(symbolBox, nullptr);
    EXPECT_GE(symbolBox->count(), 3);
    auto* intervalBox = window.findChild<QComboBox*>("intervalBox");
    ASSERT_NE(intervalBox, nullptr);
    EXPECT_EQ(intervalBox->count(), 16);

    const QImage image = window.grab().toImage();
    EXPECT_GT(test::countColor(image, test::kRising), 200) << "no rising candles drawn";
    EXPECT_GT(test::countColor(image, test::kFalling), 200) << "no falling candles drawn";

    // Switching timeframe shows the new series.
    window.openSeries("BTCUSDT", Interval::H1);
    ASSERT_TRUE(test::processEventsUntil([&] {
        return controller.currentKey().interval == Interval::H1 && controller.currentSeries() &&
               controller.currentSeries()->size() >= 1000;
    }, 20000));
    const Candle last = *controller.currentSeries()->last();  // a copy: last() returns an optional by value
    EXPECT_EQ(last.openTime % 3'600'000, 0);
}

TEST(MainWindow, ReopeningShowsTheCacheAtOnceEvenOffline) {
    QTemporaryDir dir;
    const std::string db = dir.filePath("cache.sqlite3").toStdString();
    std::size_t cached = 0;
    {
        ControllerOptions options;
        options.demo = true;
        options.simPushIntervalMs = 100;
        options.databasePath = db;
        ChartController controller(options);
        ASSERT_TRUE(controller.start());
        controller.openSeries("ETHUSDT", Interval::M5);
        ASSERT_TRUE(test::processEventsUntil([&] {
            return controller.currentSeries() && controller.currentSeries()->size() >= 1000;
        }, 20000));
        cached = controller.currentSeries()->size();
    }  // shutdown flushes the closed candles to SQLite
    ControllerOptions offline;
    offline.databasePath = db;
    offline.restBase = "http://127.0.0.1:9";   // discard port: nothing listens
    offline.streamBase = "ws://127.0.0.1:9";
    ChartController controller(offline);
    ASSERT_TRUE(controller.start());
    controller.openSeries("ETHUSDT", Interval::M5);
    ASSERT_TRUE(test::processEventsUntil([&] {
        return controller.currentSeries() && controller.currentSeries()->size() + 1 >= cached;
    }, 5000)) << "cached candles were not shown";
    ASSERT_TRUE(test::processEventsUntil([&] {
        return controller.status().state == feed::FeedState::Reconnecting;
    }, 10000)) << "offline state not reported";
    EXPECT_FALSE(controller.status().detail.empty());
}

TEST(MainWindow, VolumeProfileToggleInTheViewMenuDrawsAndPersists) {
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.simPushIntervalMs = 100;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    const QString ini = dir.filePath("settings.ini");
    {
        ChartController controller(options);
        ASSERT_TRUE(controller.start());
        AppSettings settings(ini);
        EXPECT_FALSE(settings.volumeProfileVisible());  // off by default
        MainWindow window(controller, settings);
        window.resize(1100, 700);
        window.show();
        window.openSeries("BTCUSDT", Interval::M1);
        ASSERT_TRUE(test::processEventsUntil([&] {
            return controller.currentSeries() && controller.currentSeries()->size() >= 200;
        }, 20000));

        // A checkable action of the View menu, unchecked and not drawn.
        auto* action = window.findChild<QAction*>("volumeProfileAction");
        ASSERT_NE(action, nullptr);
        EXPECT_TRUE(action->isCheckable());
        EXPECT_FALSE(action->isChecked());
        QMenu* viewMenu = nullptr;
        for (QMenu* menu : window.menuBar()->findChildren<QMenu*>())
            if (menu->actions().contains(action)) viewMenu = menu;
        ASSERT_NE(viewMenu, nullptr);
        EXPECT_EQ(viewMenu->title(), QStringLiteral("&View"));
        EXPECT_FALSE(window.canvas()->volumeProfileVisible());

        action->trigger();
        EXPECT_TRUE(action->isChecked());
        EXPECT_TRUE(window.canvas()->volumeProfileVisible());
        EXPECT_TRUE(settings.volumeProfileVisible());
        // The next frame computes the profile of the visible candles.
        ASSERT_TRUE(test::processEventsUntil([&] { return window.canvas()->volumeProfile().profile().has_value(); }, 10000));
        window.close();
    }
    {
        // Restart: it comes back on; turning it off is saved too.
        ChartController controller(options);
        ASSERT_TRUE(controller.start());
        AppSettings settings(ini);
        MainWindow window(controller, settings);
        auto* action = window.findChild<QAction*>("volumeProfileAction");
        ASSERT_NE(action, nullptr);
        EXPECT_TRUE(action->isChecked());
        EXPECT_TRUE(window.canvas()->volumeProfileVisible());
        action->trigger();
        EXPECT_FALSE(window.canvas()->volumeProfileVisible());
        EXPECT_FALSE(settings.volumeProfileVisible());
    }
    AppSettings reread(ini);
    EXPECT_FALSE(reread.volumeProfileVisible());
}

TEST(MainWindow, OnlyASymbolTheVenueListsIsSavedAndAnUnknownOneFallsBackWithAMessage) {
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.simPushIntervalMs = 100;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    ChartController controller(options);
    ASSERT_TRUE(controller.start());
    AppSettings settings(dir.filePath("settings.ini"));
    settings.setLastSymbol("ETHUSDT");
    MainWindow window(controller, settings);
    window.resize(1100, 700);
    window.show();
    // The symbol list has not come yet: nothing says FOOUSDT exists, so it is not saved.
    window.openSeries("FOOUSDT", Interval::M1);
    EXPECT_EQ(settings.lastSymbol(), "ETHUSDT");
    // The list comes without it: the chart falls back to the default, the status bar says why.
    ASSERT_TRUE(test::processEventsUntil([&] { return controller.currentKey().symbol == "BTCUSDT"; }, 20000))
        << "still on " << controller.currentKey().symbol;
    EXPECT_TRUE(window.statusBar()->currentMessage().contains("FOOUSDT"))
        << window.statusBar()->currentMessage().toStdString();
    EXPECT_EQ(window.findChild<QComboBox*>("symbolBox")->currentText(), "BTCUSDT");
    EXPECT_EQ(settings.lastSymbol(), "BTCUSDT");
    // The fallback's candles arrive (the connection the venue refused for FOOUSDT opens again with
    // the new stream; it used to stay at "connecting").
    ASSERT_TRUE(test::processEventsUntil([&] {
        return controller.currentSeries() && controller.currentSeries()->size() >= 100;
    }, 20000)) << window.statusBar()->currentMessage().toStdString();
    // A listed symbol is saved.
    window.openSeries("ETHUSDT", Interval::M1);
    EXPECT_EQ(settings.lastSymbol(), "ETHUSDT");
}

TEST(MainWindow, TheDeleteButtonIsEnabledOnlyWhileADrawingIsSelected) {
    // Issue 22: the Delete button did nothing without a selection, silently. Now it cannot be
    // pressed then: the model's selection notice enables and disables it.
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.simPushIntervalMs = 100;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    ChartController controller(options);
    ASSERT_TRUE(controller.start());
    AppSettings settings(dir.filePath("settings.ini"));
    MainWindow window(controller, settings);
    window.resize(1100, 700);
    window.show();
    window.openSeries("BTCUSDT", Interval::M1);
    ASSERT_TRUE(test::processEventsUntil([&] {
        return controller.currentSeries() && controller.currentSeries()->size() >= 100;
    }, 20000));
    auto& model = window.canvas()->model();
    auto* del = window.findChild<QAction*>("deleteDrawingAction");
    ASSERT_NE(del, nullptr);
    EXPECT_FALSE(del->isEnabled());
    model.addDrawing(chart::Drawing{0, chart::DrawingKind::HorizontalLine, model.anchorAt({300, 200}), {}});
    EXPECT_FALSE(del->isEnabled());  // added, not selected
    model.selectDrawing(model.drawings()[0].id);
    EXPECT_TRUE(del->isEnabled());
    model.selectDrawing(std::nullopt);
    EXPECT_FALSE(del->isEnabled());
    del->trigger();  // disabled: nothing happens
    EXPECT_EQ(model.drawings().size(), 1U);
    // Selected: deleted, and the button is off again.
    model.selectDrawing(model.drawings()[0].id);
    del->trigger();
    EXPECT_TRUE(model.drawings().empty());
    EXPECT_FALSE(del->isEnabled());
}

TEST(MainWindow, ASavedGeometryLargerThanTheScreenOrOffItIsClampedToTheAvailableScreen) {
    // Issue 22: a geometry saved on a larger screen (or at another QT_SCALE_FACTOR) came back
    // partly or wholly off-screen.
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    ChartController controller(options);
    ASSERT_TRUE(controller.start());
    const QRect available = QGuiApplication::primaryScreen()->availableGeometry();
    for (const QRect saved : {QRect(available.right() - 100, available.bottom() - 80, available.width() * 2, available.height() * 2),
                              QRect(available.x() + 40, available.y() + 30, available.width() + 600, available.height() + 400)}) {
        QByteArray geometry;
        {
            QMainWindow other;
            other.setGeometry(saved);
            geometry = other.saveGeometry();
        }
        AppSettings settings(dir.filePath("settings.ini"));
        settings.setWindowGeometry(geometry);
        MainWindow window(controller, settings);
        window.show();
        QCoreApplication::processEvents();
        EXPECT_TRUE(available.contains(window.frameGeometry()))
            << "window at " << window.frameGeometry().x() << "," << window.frameGeometry().y() << " "
            << window.frameGeometry().width() << "x" << window.frameGeometry().height() << ", screen "
            << available.width() << "x" << available.height();
    }
}

// A venue that answers HTTP 429 holds every REST request of the process (the gate waits out its
// Retry-After). The wait is a state the trader sees, with its countdown, and it ends.
TEST(MainWindow, AVenueThatSaysSlowDownIsShownWithItsCountdownUntilTheWaitEnds) {
    using namespace std::chrono_literals;
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.simPushIntervalMs = 100;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    // The simulator's 429 says "wait until the minute's end" (Binance's weight is counted per
    // calendar minute): its clock is set 12 s before a minute ends, so the wait is seconds long.
    const std::int64_t start = nowMs();
    const std::int64_t ahead = (start / 60'000 + 1) * 60'000 - 12'000 - start + 60'000;
    options.simClock = [ahead] { return nowMs() + ahead; };
    ChartController controller(options);
    ASSERT_TRUE(controller.start());
    AppSettings settings(dir.filePath("settings.ini"));
    MainWindow window(controller, settings);
    window.show();
    auto* state = window.findChild<QLabel*>("connectionState");
    ASSERT_NE(state, nullptr);
    auto sim = controller.services().simulator("binance");
    ASSERT_TRUE(sim) << sim.error().message;
    (*sim)->inject(sim::SimFault::RestTooMany, 0ms, 1);  // the next REST answer
    window.openSeries("BTCUSDT", Interval::M1);

    ASSERT_TRUE(test::processEventsUntil([&] { return state->text().contains("HTTP 429"); }, 15000))
        << state->text().toStdString();
    EXPECT_EQ(controller.restHold().kind, ChartController::RestHold::Kind::TooMany);
    EXPECT_TRUE(state->text().contains(QRegularExpression(R"(requests wait \d+ s)"))) << state->text().toStdString();
    EXPECT_EQ((*sim)->stats().rest429, 1u);
    // The countdown ends with the wait; the chart then loads and goes live, and no ban was earned.
    ASSERT_TRUE(test::processEventsUntil([&] { return !state->text().contains("HTTP 429"); }, 20000))
        << state->text().toStdString();
    EXPECT_EQ(controller.restHold().kind, ChartController::RestHold::Kind::None);
    ASSERT_TRUE(test::processEventsUntil([&] {
        return controller.currentSeries() && controller.currentSeries()->size() >= 500 &&
               controller.status().state == feed::FeedState::Live;
    }, 20000)) << controller.status().detail;
    EXPECT_EQ((*sim)->stats().rest418, 0u);
}
