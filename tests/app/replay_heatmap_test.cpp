// The order-book heatmap of a replay holds the recording's book at the recording's times: its
// columns are stamped with the replay's clock (the receipt time of the record played), not with
// the wall clock of the machine replaying it.
#include <gtest/gtest.h>

#include <QProcess>
#include <QTemporaryDir>

#include "app_test_util.hpp"
#include "cpc/app/app_services.hpp"
#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/app/order_flow_feed.hpp"
#include "cpc/app/replay_player.hpp"
#include "cpc/core/time.hpp"
#include "cpc/orderflow/book_heatmap.hpp"
#include "cpc/replay/record_reader.hpp"
#include "cpc/sim/sim_server.hpp"

using namespace cpc;
using namespace cpc::app;
using cpc::test::processEventsUntil;

TEST(ReplayHeatmap, ColumnsAreAtTheRecordingsTimesNotTheWallClocksOfTheReplay) {
    QTemporaryDir tmp;
    const QString dir = tmp.filePath(QStringLiteral("rec"));
    std::int64_t recordedUntil = 0;
    {
        sim::SimConfig config;
        config.klinePushInterval = std::chrono::milliseconds(100);
        config.liveTradesPerSecond = 50;
        sim::SimServer simulator(config);
        ASSERT_TRUE(simulator.start());
        QProcess record;
        record.start(CPC_BINARY, {"record", "BTCUSDT", "--streams", "kline_1m,trade,depth", "--endpoint",
                                  QString::fromStdString(simulator.streamBase()), "--out", dir, "--exit-after", "4"});
        ASSERT_TRUE(record.waitForFinished(30000));
        ASSERT_EQ(record.exitCode(), 0) << record.readAllStandardError().toStdString();
        recordedUntil = nowMs();
        simulator.stop();
    }
    // Replayed later than it was recorded: wall-clock stamps would lie after the recording.
    processEventsUntil([] { return false; }, 1500);

    auto reader = ReplayPlayer::openRecording(dir);
    ASSERT_TRUE(reader) << reader.error().message;
    const replay::SessionInfo info = (*reader)->info();
    ServicesOptions so;
    so.streams.replay = true;
    so.readOnlyCache = true;
    so.databasePath = tmp.filePath(QStringLiteral("none.sqlite3")).toStdString();
    AppServices services(so);
    ControllerOptions co;
    co.replay = true;
    co.replaySymbols = info.symbols;
    co.exchange = info.exchange;
    co.restBase = info.restBase;
    co.streamBase = info.streamBase;
    co.services = &services;
    ChartController controller(co);
    ASSERT_TRUE(controller.start());
    AppSettings settings(tmp.filePath(QStringLiteral("s.ini")));
    MainWindow window(controller, settings);
    window.resize(1100, 700);
    window.show();
    window.openSeries(QStringLiteral("BTCUSDT"), Interval::M1);
    window.setHeatmapVisible(true);
    replay::ReplayOptions options;
    options.speed = 1;  // as recorded: the heatmap samples the book every 100 ms of the replay
    ReplayPlayer player(services, std::move(*reader), options);
    services.setMarketClock([&player] { return player.clockMs(); });
    ASSERT_TRUE(processEventsUntil([&] { return player.chartSubscribed(controller.currentKey()); }, 10000));
    ASSERT_TRUE(player.start());
    ASSERT_TRUE(processEventsUntil([&] { return player.state() == ReplayPlayer::State::Ended; }, 30000))
        << player.statusText().toStdString();
    processEventsUntil([] { return false; }, 800);  // the heatmap keeps sampling after the end

    const OrderFlowFeed* flow = window.orderFlow();
    ASSERT_NE(flow, nullptr);
    ASSERT_NE(flow->heatmap(), nullptr);
    const orderflow::BookHeatmap& heatmap = *flow->heatmap();
    ASSERT_GE(heatmap.size(), 10u) << "the recorded book was not sampled";
    const std::int64_t lastRecord = player.clockMs();
    EXPECT_LE(lastRecord, recordedUntil);
    for (std::size_t i = 0; i < heatmap.size(); ++i) {
        EXPECT_GE(heatmap[i].timeMs, info.startedAtMs - OrderFlowFeed::kSampleMs) << "column " << i;
        EXPECT_LE(heatmap[i].timeMs, lastRecord) << "column " << i << " is after the recording's last record";
    }
    services.setMarketClock({});
}
