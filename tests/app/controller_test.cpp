#include <gtest/gtest.h>

#include <QTemporaryDir>

#include "app_test_util.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/market/aggregate.hpp"

using namespace cpc;
using namespace cpc::app;

TEST(ChartController, SwitchingTimeframeIsInstantFromAFinerSeriesInMemory) {
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.simPushIntervalMs = 100;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    ChartController controller(options);
    ASSERT_TRUE(controller.start());
    controller.openSeries("BTCUSDT", Interval::M1);
    ASSERT_TRUE(test::processEventsUntil([&] {
        return controller.currentSeries() && controller.currentSeries()->size() >= 1000;
    }, 20000));
    const std::vector<Candle> minutes(controller.currentSeries()->candles().begin(),
                                      controller.currentSeries()->candles().end());

    controller.openSeries("BTCUSDT", Interval::M15);
    // Before any event is processed the 15m chart already has candles, derived from the 1m.
    const market::CandleSeries* derived = controller.currentSeries();
    ASSERT_NE(derived, nullptr);
    ASSERT_GE(derived->size(), 60u);
    auto expected = market::aggregate(minutes, Interval::M1, Interval::M15);
    if (expected.front().openTime < minutes.front().openTime)
        expected.erase(expected.begin());  // a partial first bucket is not shown
    ASSERT_EQ(derived->size(), expected.size());
    for (std::size_t i = 0; i + 1 < expected.size(); ++i) EXPECT_EQ((*derived)[i], expected[i]);

    // Then the venue's own 15m candles arrive and agree with the derived ones.
    ASSERT_TRUE(test::processEventsUntil([&] {
        return controller.currentSeries()->size() >= 1000 && controller.status().state == feed::FeedState::Live;
    }, 20000));
    const market::CandleSeries& native = *controller.currentSeries();
    for (std::size_t i = 0; i + 1 < expected.size(); ++i) {
        const Candle* n = native.find(expected[i].openTime);
        ASSERT_NE(n, nullptr);
        EXPECT_EQ(*n, expected[i]) << "native and derived 15m differ at bucket " << i;
    }
}

#include <QStandardPaths>

#include "cpc/storage/data_paths.hpp"

TEST(Paths, TheCacheLivesWhereQtsAppDataLocationPoints) {
    // The Qt-free storage module (and the cpc CLI) must agree with Qt on the folder.
    QTemporaryDir home;
    const QByteArray oldXdg = qgetenv("XDG_DATA_HOME");
    const QByteArray oldCpc = qgetenv("CPC_DATA_DIR");
    qputenv("XDG_DATA_HOME", home.path().toUtf8());
    qunsetenv("CPC_DATA_DIR");
    const QString oldName = QCoreApplication::applicationName();
    QCoreApplication::setApplicationName("canvasprochart");  // as runApp() sets it
    EXPECT_EQ(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation).toStdString(),
              storage::defaultDataDirectory());
    QCoreApplication::setApplicationName(oldName);
    qputenv("XDG_DATA_HOME", oldXdg);
    if (!oldCpc.isEmpty()) qputenv("CPC_DATA_DIR", oldCpc);
}
