// One market session per process, as runApp composes it: two charts (controllers) and the realtime
// window on the same symbol share one subscription of the kline stream and one connection; closing
// them unsubscribes it.
#include <gtest/gtest.h>

#include <QTemporaryDir>

#include "app_test_util.hpp"
#include "cpc/app/app_services.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/realtime_models.hpp"
#include "cpc/app/realtime_window.hpp"
#include "cpc/exchange/binance/binance_adapter.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/session/market_session.hpp"
#include "cpc/sim/sim_server.hpp"

using namespace cpc;
using namespace std::chrono_literals;

TEST(OneMarketSession, TwoChartsAndARealtimeWindowOnOneSymbolShareOneSubscriptionAndOneConnection) {
    sim::SimConfig simConfig;
    simConfig.klinePushInterval = 100ms;
    simConfig.liveTradesPerSecond = 50;
    sim::SimServer server(simConfig);
    ASSERT_TRUE(server.start());

    // As runApp composes the process: one network thread, one market session, one storage worker.
    QTemporaryDir dir;
    app::ServicesOptions servicesConfig;
    servicesConfig.databasePath = dir.filePath("candles.sqlite3").toStdString();
    app::AppServices services(servicesConfig);
    session::MarketSession& market = services.market();
    const auto controllerOptions = [&] {
        app::ControllerOptions o;
        o.restBase = server.restBase();
        o.streamBase = server.streamBase();
        o.services = &services;
        return o;
    };
    auto chart1 = std::make_unique<app::ChartController>(controllerOptions());
    auto chart2 = std::make_unique<app::ChartController>(controllerOptions());
    ASSERT_TRUE(chart1->start());
    ASSERT_TRUE(chart2->start());
    chart1->openSeries("BTCUSDT", Interval::S1);
    chart2->openSeries("BTCUSDT", Interval::S1);

    app::RealtimeOptions rt;
    rt.restBase = server.restBase();
    rt.streamBase = server.streamBase();
    rt.symbol = QStringLiteral("BTCUSDT");
    rt.interval = Interval::S1;
    rt.market = &market;
    auto window = std::make_unique<app::RealtimeWindow>(rt);

    ASSERT_TRUE(test::processEventsUntil([&] {
        return chart1->status().state == feed::FeedState::Live && chart2->status().state == feed::FeedState::Live &&
               chart1->currentSeries() && chart1->currentSeries()->size() > 100 && chart2->currentSeries() &&
               chart2->currentSeries()->size() > 100 && window->tradesModel()->rowCount() > 20 &&
               window->series().size() > 10;
    }, 30000));

    const exchange::BinanceAdapter names({server.restBase(), server.streamBase()});
    const std::string kline = names.streamName({"BTCUSDT", Interval::S1, exchange::StreamKind::Kline});
    const std::string trade = names.streamName({"BTCUSDT", Interval::S1, exchange::StreamKind::Trade});
    auto streams = market.streams(std::make_shared<exchange::BinanceAdapter>(
        exchange::Endpoints{server.restBase(), server.streamBase()}));
    // Users of the one kline subscription: the two charts, the window's chart feed and the
    // window's own kline stream.
    EXPECT_EQ(streams->usersOf(kline), 4u);
    EXPECT_EQ(streams->usersOf(trade), 1u);
    EXPECT_EQ(market.streamSessions(), 1u);
    EXPECT_EQ(server.stats().wsConnections, 1u) << "a chart or the window opened a connection of its own";
    EXPECT_EQ(server.stats().wsOpenConnections, 1u);

    // Closing them: each leaves, the last one unsubscribes.
    chart1.reset();
    EXPECT_TRUE(test::processEventsUntil([&] { return streams->usersOf(kline) == 3u; }, 5000));
    EXPECT_TRUE(window->series().size() > 10);
    window.reset();
    EXPECT_TRUE(test::processEventsUntil([&] { return streams->usersOf(kline) == 1u && streams->usersOf(trade) == 0u; },
                                         5000));
    chart2.reset();
    EXPECT_TRUE(test::processEventsUntil([&] { return streams->usersOf(kline) == 0u; }, 5000));
    EXPECT_EQ(server.stats().wsConnections, 1u);
    market.stop();
    server.stop();
}
