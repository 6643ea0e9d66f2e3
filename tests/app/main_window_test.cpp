#include <gtest/gtest.h>

#include <QComboBox>
#include <QTemporaryDir>

#include "app_test_util.hpp"
#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"

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
    const Candle& last = *controller.currentSeries()->last();
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
