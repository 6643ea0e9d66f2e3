// The chart's order flow in the main window against the simulator under live trade load: View ▸
// Heatmap subscribes the symbol's trades and synced book on the shared session, the heatmap gets a
// column every 100 ms and is drawn, the footprint chart type keeps the streams, and turning both off
// leaves them. The choices are saved. On OKX the footprint's history is the simulator's
// /market/history-trades.
#include <gtest/gtest.h>

#include <QFileInfo>
#include <QTemporaryDir>

#include "app_test_util.hpp"
#include "footprint_test_util.hpp"
#include "cpc/app/app_services.hpp"
#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/app/order_flow_feed.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"
#include "cpc/core/time.hpp"
#include "cpc/sim/sim_server.hpp"

using namespace cpc;
using namespace cpc::app;

TEST(OrderFlowApp, HeatmapAndFootprintFollowTheSimulatorsTradesAndBook) {
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.simPushIntervalMs = 100;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    ServicesOptions servicesOptions = app::servicesOptions(options);
    servicesOptions.simLiveTradesPerSecond = 200;
    AppServices services(servicesOptions);
    options.services = &services;
    ChartController controller(options);
    ASSERT_TRUE(controller.start());
    AppSettings settings(dir.filePath("settings.ini"));
    MainWindow window(controller, settings);
    window.resize(1100, 700);
    window.show();
    window.openSeries("BTCUSDT", Interval::S1);
    ASSERT_TRUE(test::processEventsUntil([&] {
        return controller.currentSeries() && controller.currentSeries()->size() >= 100 &&
               controller.status().state == feed::FeedState::Live;
    }, 20000));
    const QImage before = window.canvas()->renderToImage(QSize(900, 500));
    EXPECT_FALSE(window.orderFlow()->isOpen());  // nothing asks for order flow yet

    // Bars that ended before the order flow opened can only hold the venue's history.
    const std::int64_t flowOpenedAt = nowMs();
    window.setHeatmapVisible(true);
    EXPECT_TRUE(settings.heatmapVisible());
    const OrderFlowFeed* flow = window.orderFlow();
    ASSERT_TRUE(flow->isOpen());
    ASSERT_TRUE(test::processEventsUntil([&] {
        return flow->heatmap() && flow->heatmap()->size() >= 20 && flow->tradesSeen() >= 100;
    }, 20000)) << "columns " << (flow->heatmap() ? flow->heatmap()->size() : 0) << ", trades " << flow->tradesSeen();
    // About one column per 100 ms: the newest columns are 100 ms slots apart (a slow frame may
    // skip one, never go back).
    const orderflow::BookHeatmap& heatmap = *flow->heatmap();
    for (std::size_t i = heatmap.size() - 10; i < heatmap.size(); ++i) {
        EXPECT_GT(heatmap[i].timeMs, heatmap[i - 1].timeMs);
        EXPECT_EQ(heatmap[i].timeMs % OrderFlowFeed::kSampleMs, 0);
        EXPECT_GT(heatmap[i].maxSize, 0.0F) << "an empty book sampled";
    }
    // The footprint bars hold every trade seen.
    std::int64_t trades = 0;
    for (std::size_t i = 0; i < flow->footprint()->size(); ++i) trades += (*flow->footprint())[i].trades;
    EXPECT_EQ(static_cast<std::uint64_t>(trades), flow->tradesSeen());
    EXPECT_EQ(flow->historyBars(), 0);  // the heatmap alone fetches no trade history
    // The heatmap is drawn: the chart differs from before where the book rests.
    const QImage after = window.canvas()->renderToImage(QSize(900, 500));
    int changed = 0;
    for (int y = 0; y < after.height(); ++y)
        for (int x = 0; x < after.width(); ++x) changed += before.pixel(x, y) != after.pixel(x, y);
    EXPECT_GT(changed, 300);

    // The footprint chart fetches its older bars from the simulator's aggregate trades (cached in
    // SQLite beside the candle cache): each bar before the live trades began equals the sums of
    // the simulator's trades of that second, and the chart says so while it loads.
    window.setChartType(chart::ChartType::Footprint);
    ASSERT_TRUE(test::processEventsUntil([&] { return flow->historyComplete(); }, 60000))
        << flow->historyNote().toStdString();
    EXPECT_GE(flow->historyBars(), 30);
    EXPECT_TRUE(flow->historyNote().isEmpty());
    EXPECT_TRUE(QFileInfo::exists(dir.filePath("demo.aggtrades.sqlite3")));
    const sim::SimServer* simulator = services.findSimulator("binance");
    ASSERT_NE(simulator, nullptr);
    // The bars that ended before the order flow opened (before any live trade): the simulator's
    // trades are sparse there, so the whole minute of history before it is compared, not a
    // window counted back from now (which held only 4 bars in one run).
    EXPECT_GE(test::expectSettledBarsAreTheSimulatorsTrades(*flow->footprint(), *simulator, "BTCUSDT", flowOpenedAt), 5);

    // Footprint keeps the streams when the heatmap goes; turning both off leaves them.
    window.setHeatmapVisible(false);
    EXPECT_TRUE(flow->isOpen());
    EXPECT_FALSE(settings.heatmapVisible());
    window.setChartType(chart::ChartType::Candles);
    EXPECT_FALSE(flow->isOpen());

    window.setBigTradeMinValue(12'345.0);
    EXPECT_EQ(settings.bigTradeMinValue(), 12'345.0);
    EXPECT_EQ(flow->bigTrades().minValue(), 12'345.0);
}

TEST(OrderFlowApp, OkxFootprintHistoryIsTheSimulatorsHistoryTrades) {
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.exchange = "okx";
    options.simPushIntervalMs = 100;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    ServicesOptions servicesOptions = app::servicesOptions(options);
    servicesOptions.simLiveTradesPerSecond = 200;
    AppServices services(servicesOptions);
    options.services = &services;
    ChartController controller(options);
    ASSERT_TRUE(controller.start());
    AppSettings settings(dir.filePath("settings.ini"));
    MainWindow window(controller, settings);
    window.resize(1100, 700);
    window.show();
    window.openSeries("BTC-USDT", Interval::S1);
    ASSERT_TRUE(test::processEventsUntil([&] {
        return controller.currentSeries() && controller.currentSeries()->size() >= 100 &&
               controller.status().state == feed::FeedState::Live;
    }, 20000));
    EXPECT_EQ(controller.currentKey().exchange, "okx");
    const std::int64_t flowOpenedAt = nowMs();
    window.setChartType(chart::ChartType::Footprint);
    const OrderFlowFeed* flow = window.orderFlow();
    ASSERT_TRUE(flow->isOpen());
    ASSERT_TRUE(test::processEventsUntil([&] { return flow->historyComplete(); }, 90000))
        << flow->historyNote().toStdString();
    EXPECT_GE(flow->historyBars(), 30);
    EXPECT_GT(flow->historyTrades(), 0u);
    EXPECT_GT(flow->tradesSeen(), 0u) << "the live trades channel";
    const sim::SimServer* simulator = services.findSimulator("okx");
    ASSERT_NE(simulator, nullptr);
    // Bars settled before the footprint opened (its history, before the live trades began): every
    // price row is the simulator's trades'. (It counted from 20 s before the end of the test, which
    // left 3 or 4 of the history's bars when the history loaded quickly.)
    EXPECT_GE(test::expectSettledBarsAreTheSimulatorsTrades(*flow->footprint(), *simulator, "BTCUSDT", flowOpenedAt), 5);
}
