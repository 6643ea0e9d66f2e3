// The process's pieces (AppServices), as runApp composes them: one simulator per demo dialect,
// started once and kept; one storage worker whose notices reach every chart through its mailbox.
#include <gtest/gtest.h>

#include <QFile>
#include <QTemporaryDir>

#include "app_test_util.hpp"
#include "cpc/app/app_services.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/session/market_session.hpp"
#include "cpc/sim/sim_server.hpp"

using namespace cpc;
using namespace cpc::app;

TEST(AppServices, OneSimulatorPerDialectStartedAtFirstUseAndKept) {
    QTemporaryDir dir;
    ServicesOptions options;
    options.demo = true;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    AppServices services(options);
    EXPECT_EQ(services.simulatorCount(), 0U);
    EXPECT_EQ(services.findSimulator("binance"), nullptr);
    auto binance = services.simulator("binance");
    ASSERT_TRUE(binance) << binance.error().message;
    const std::string binanceRest = (*binance)->restBase();
    auto bybit = services.simulator("bybit");
    ASSERT_TRUE(bybit) << bybit.error().message;
    EXPECT_NE(*bybit, *binance);
    EXPECT_NE((*bybit)->restBase(), binanceRest);
    // Asked again: the same server at the same endpoints.
    auto again = services.simulator("binance");
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *binance);
    EXPECT_EQ((*again)->restBase(), binanceRest);
    EXPECT_EQ(services.findSimulator("binance"), *binance);
    EXPECT_EQ(services.simulatorCount(), 2U);
    // A dialect the simulator does not speak is an error that says so; nothing is kept.
    auto unknown = services.simulator("mtgox");
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().message.find("demo simulator"), std::string::npos) << unknown.error().message;
    EXPECT_NE(unknown.error().message.find("mtgox"), std::string::npos) << unknown.error().message;
    EXPECT_EQ(services.simulatorCount(), 2U);
    // One storage worker, on the given file.
    EXPECT_EQ(&services.storage(), &services.storage());
    EXPECT_EQ(services.databasePath(), options.databasePath);
}

TEST(AppServices, TwoControllersShareTheProcessPiecesAndTheStorageNoticesReachTheChart) {
    QTemporaryDir dir;
    // A damaged cache file: the worker salvages it and says so, once, on its thread.
    const QString db = dir.filePath("demo.sqlite3");
    {
        QFile f(db);
        ASSERT_TRUE(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(10'000, 'Z'));
    }
    ServicesOptions servicesConfig;
    servicesConfig.demo = true;
    servicesConfig.simPushIntervalMs = 100;
    servicesConfig.databasePath = db.toStdString();
    AppServices services(servicesConfig);
    ControllerOptions options;
    options.demo = true;
    options.services = &services;
    ChartController first(options);
    ChartController second(options);
    // The first chart listens before the worker opens the file (start() makes it).
    QStringList firstNotices;
    QObject::connect(&first, &ChartController::noticeRaised, [&](const QString& n) { firstNotices << n; });
    ASSERT_TRUE(first.start());
    ASSERT_TRUE(second.start());
    // Both charts run on the process's pieces: one network thread's session, one simulator.
    EXPECT_EQ(first.marketSession(), &services.market());
    EXPECT_EQ(second.marketSession(), &services.market());
    EXPECT_EQ(first.simulator(), second.simulator());
    EXPECT_EQ(services.simulatorCount(), 1U);
    first.openSeries("BTCUSDT", Interval::M1);
    second.openSeries("ETHUSDT", Interval::M1);
    ASSERT_TRUE(test::processEventsUntil([&] {
        return !firstNotices.isEmpty() && first.currentSeries() && first.currentSeries()->size() > 100 &&
               second.currentSeries() && second.currentSeries()->size() > 100;
    }, 30000)) << firstNotices.join('\n').toStdString();
    EXPECT_TRUE(firstNotices.join('\n').contains(".corrupt-")) << firstNotices.join('\n').toStdString();
    EXPECT_EQ(services.market().streamSessions(), 1U);
}
