// The CVD indicator's trade-based mode in the app, offscreen against the simulator under live
// trade load: CVD with source = trades opens the chart's order flow (its trades and the aggregate
// trades of the footprint history) and draws each bar's CVD candle in its pane — the candles of
// orderflow::intrabarCvd over the footprint bars, whose totals are the simulator's own trades.
// And on a Binance USD-M perpetual (no trade stream) the order flow reads aggTrade, and the
// footprint history comes from the simulator's /fapi/v1/aggTrades.
#include <gtest/gtest.h>

#include <QTemporaryDir>
#include <cmath>

#include "app_test_util.hpp"
#include "cpc/app/app_services.hpp"
#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/chart_pane.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/app/order_flow_feed.hpp"
#include "cpc/app/trade_cvd.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"
#include "cpc/core/time.hpp"
#include "cpc/indicators/registry.hpp"
#include "cpc/sim/sim_server.hpp"

using namespace cpc;
using namespace cpc::app;

namespace {

struct Rig {
    explicit Rig(MarketType market = MarketType::Spot) {
        options.demo = true;
        options.market = market;
        options.simPushIntervalMs = 100;
        options.databasePath = dir.filePath("demo.sqlite3").toStdString();
        ServicesOptions so = app::servicesOptions(options);
        so.simLiveTradesPerSecond = 200;
        services = std::make_unique<AppServices>(so);
        options.services = services.get();
        controller = std::make_unique<ChartController>(options);
        EXPECT_TRUE(controller->start());
        settings = std::make_unique<AppSettings>(dir.filePath("settings.ini"));
        window = std::make_unique<MainWindow>(*controller, *settings);
        window->resize(1100, 700);
        window->show();
    }
    ~Rig() {
        window.reset();
        controller.reset();
        services.reset();
    }
    QTemporaryDir dir;
    ControllerOptions options;
    std::unique_ptr<AppServices> services;
    std::unique_ptr<ChartController> controller;
    std::unique_ptr<AppSettings> settings;
    std::unique_ptr<MainWindow> window;
};

// The simulator's own trades of [from, to): aggressive buys minus aggressive sells.
Decimal simDelta(const sim::SimServer& simulator, std::int64_t from, std::int64_t to) {
    Decimal delta;
    for (const auto& t : simulator.model().trades("BTCUSDT", from, to)) delta += t.buyerIsMaker ? Decimal{} - t.quantity : t.quantity;
    return delta;
}

}  // namespace

TEST(TradeCvdApp, CvdFromTradesDrawsEachBarsCandleOfTheRunningDelta) {
    Rig rig;
    rig.window->openSeries("BTCUSDT", Interval::S1);
    ASSERT_TRUE(test::processEventsUntil([&] {
        return rig.controller->currentSeries() && rig.controller->currentSeries()->size() >= 100 &&
               rig.controller->status().state == feed::FeedState::Live;
    }, 20000));
    const OrderFlowFeed* flow = rig.window->orderFlow();
    EXPECT_FALSE(flow->isOpen());

    // CVD, source trades, anchored at the day: the dialog's choices as the spec holds them.
    IndicatorSpec spec = defaultSpec(*indicators::findIndicator("CVD"));
    ASSERT_EQ(spec.params.size(), 2u);
    spec.params = {1, 1};
    ASSERT_TRUE(readsTrades(spec));
    ChartPane* pane = rig.window->activePane();
    ASSERT_TRUE(pane->addIndicator(spec));
    ASSERT_TRUE(flow->isOpen()) << "the CVD of trades opens the order flow";
    ASSERT_TRUE(test::processEventsUntil([&] { return flow->historyComplete(); }, 60000)) << flow->historyNote().toStdString();
    EXPECT_GE(flow->historyBars(), 30);
    // Several live seconds (the simulator's older seconds are mostly without trades).
    ASSERT_TRUE(test::processEventsUntil([&] { return flow->tradesSeen() >= 1'600; }, 30000));

    const auto& model = rig.window->canvas()->model();
    const auto paneIndex = model.paneIndex(pane->indicatorChartId(0));
    ASSERT_TRUE(paneIndex);
    const chart::Pane& cvdPane = model.panes()[*paneIndex];
    // The candles alone: the bar's delta is each candle's body, a delta line would share the
    // pane's scale and squash them.
    ASSERT_EQ(cvdPane.series.size(), 1u);
    const chart::PaneSeries& candles = cvdPane.series[0];
    EXPECT_EQ(candles.kind, chart::PaneSeriesKind::Candles);
    // Its choices by name, as a trader reads them, not "CVD 1 1".
    EXPECT_EQ(cvdPane.title, "CVD day, trades");

    // Each drawn candle is intrabarCvd's of its bar; bars long closed (the footprint keeps
    // changing only at its newest bars between two pushes).
    const market::CandleSeries& series = *rig.controller->currentSeries();
    const orderflow::FootprintSeries& footprint = *flow->footprint();
    const auto want = orderflow::intrabarCvd(footprint, orderflow::CvdAnchor::Day);
    const sim::SimServer* simulator = rig.services->findSimulator("binance");
    ASSERT_NE(simulator, nullptr);
    const std::int64_t settled = nowMs() - 3'000;
    int compared = 0;
    for (const orderflow::CvdCandle& c : want) {
        if (c.openTime >= settled) break;
        const std::size_t i = series.lowerBound(c.openTime);
        ASSERT_LT(i, series.size());
        ASSERT_EQ(series.openTime(i), c.openTime);
        SCOPED_TRACE(formatUtc(c.openTime, true));
        EXPECT_EQ(candles.open.at(i), c.open.toDouble());
        EXPECT_EQ(candles.high.at(i), c.high.toDouble());
        EXPECT_EQ(candles.low.at(i), c.low.toDouble());
        EXPECT_EQ(candles.values.at(i), c.close.toDouble());
        EXPECT_LE(c.low, std::min(c.open, c.close));
        EXPECT_GE(c.high, std::max(c.open, c.close));
        // The bar's delta is the simulator's trades' (history bars, live ones and the bar where the
        // history meets the live trades alike).
        EXPECT_EQ(c.close - c.open, simDelta(*simulator, c.openTime, c.openTime + 1'000));
        ++compared;
    }
    EXPECT_GE(compared, 8);
    // Drawn: the pane's frame has its candles, and they span its height (the scale fits them,
    // not them and a line near zero).
    const QImage image = rig.window->canvas()->renderToImage(QSize(900, 600));
    EXPECT_FALSE(image.isNull());
    const chart::Pane& drawn = model.panes()[*model.paneIndex(pane->indicatorChartId(0))];
    const chart::IndexRange visible = model.timeScale().visibleRange();
    double low = INFINITY, high = -INFINITY;
    for (std::int64_t i = std::max<std::int64_t>(visible.first, 0);
         i <= visible.last && i < static_cast<std::int64_t>(drawn.series[0].values.size()); ++i) {
        const auto at = static_cast<std::size_t>(i);
        if (!std::isfinite(drawn.series[0].values[at])) continue;
        low = std::min(low, drawn.series[0].low[at]);
        high = std::max(high, drawn.series[0].high[at]);
    }
    ASSERT_LT(low, high);
    const double span = drawn.scale.priceToY(low) - drawn.scale.priceToY(high);
    EXPECT_GT(span, 0.7 * drawn.scale.height()) << "the candles use " << span << " px of " << drawn.scale.height();

    // Back to the klines' source: the order flow is no longer needed and closes.
    spec.params = {1, 0};
    ASSERT_TRUE(pane->editIndicator(0, spec));
    EXPECT_FALSE(flow->isOpen());
    const chart::Pane& klines = model.panes()[*model.paneIndex(pane->indicatorChartId(0))];
    EXPECT_EQ(klines.series[0].kind, chart::PaneSeriesKind::Line);
    // The klines' CVD keeps both its lines (the running CVD and the bar's delta) and says its anchor.
    ASSERT_EQ(klines.series.size(), 2u);
    EXPECT_EQ(klines.series[1].name, "delta");
    EXPECT_EQ(klines.title, "CVD day");
}

TEST(TradeCvdApp, OnAUsdmPerpetualTheFootprintReadsAggTradesAndItsHistoryFromFapi) {
    Rig rig(MarketType::Perp);
    rig.window->openSeries("BTCUSDT", Interval::M1);  // USD-M has no 1s klines
    ASSERT_TRUE(test::processEventsUntil([&] {
        return rig.controller->currentSeries() && rig.controller->currentSeries()->size() >= 50 &&
               rig.controller->status().state == feed::FeedState::Live;
    }, 20000));
    rig.window->setChartType(chart::ChartType::Footprint);
    const OrderFlowFeed* flow = rig.window->orderFlow();
    ASSERT_TRUE(flow->isOpen());
    // USD-M has no trade stream: without aggTrade no trade would come.
    ASSERT_TRUE(test::processEventsUntil([&] { return flow->tradesSeen() >= 100; }, 20000))
        << "trades " << flow->tradesSeen() << ", link " << flow->link().detail;
    ASSERT_TRUE(test::processEventsUntil([&] { return flow->historyComplete(); }, 60000)) << flow->historyNote().toStdString();
    EXPECT_GE(flow->historyBars(), 30);
    const sim::SimServer* simulator = rig.services->findSimulator("binance", MarketType::Perp);
    ASSERT_NE(simulator, nullptr);
    const orderflow::FootprintSeries& footprint = *flow->footprint();
    int compared = 0;
    for (std::size_t i = 0; i + 5 < footprint.size() && compared < 10; ++i) {
        const orderflow::FootprintBar& bar = footprint[i];
        if (bar.openTime + 60'000 > nowMs() - 20'000) break;  // before the live trades began
        orderflow::SideVolumes sums;
        for (const auto& t : simulator->model().trades("BTCUSDT", bar.openTime, bar.openTime + 60'000))
            (t.buyerIsMaker ? sums.sell : sums.buy) += t.quantity;
        EXPECT_EQ(bar.totals, sums) << formatUtc(bar.openTime, true);
        ++compared;
    }
    EXPECT_GE(compared, 5);
}
