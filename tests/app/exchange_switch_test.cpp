// The app on several venues (issue 8): the toolbar's exchange selector, switching the
// controller's adapter and feed (the demo simulator in the new venue's dialect), the symbol kept
// across venues, the cache keyed by exchange, and the --exchange flag.
#include <gtest/gtest.h>

#include <QComboBox>
#include <memory>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>

#include "app_test_util.hpp"
#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/app/realtime_models.hpp"
#include "cpc/app/realtime_window.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"
#include "cpc/core/time.hpp"
#include "cpc/exchange/registry.hpp"
#include "cpc/session/market_session.hpp"
#include "cpc/sim/market_model.hpp"
#include "cpc/sim/sim_server.hpp"
#include "cpc/storage/candle_database.hpp"

using cpc::test::AppRun;
using cpc::test::runApp;

using namespace cpc;
using namespace cpc::app;

namespace {

// The venue's closed candles agree with the simulator's market in what every venue reports
// (Bybit and KuCoin have no trade counts or taker volumes).
void expectVenueCandlesMatchTheMarket(const market::CandleSeries& series, const sim::MarketModel& model,
                                      const std::string& marketSymbol, std::size_t atLeast = 999) {
    std::size_t compared = 0;
    for (const Candle& c : series.candles()) {
        if (!c.closed) continue;
        const auto truth = model.klines(marketSymbol, series.key().interval, c.openTime, c.openTime, 1, nowMs());
        ASSERT_EQ(truth.size(), 1u) << "no market candle at " << c.openTime;
        const Candle& t = truth.front();
        ASSERT_EQ(c.openTime, t.openTime);
        ASSERT_EQ(c.open, t.open) << "open at " << c.openTime;
        ASSERT_EQ(c.high, t.high) << "high at " << c.openTime;
        ASSERT_EQ(c.low, t.low) << "low at " << c.openTime;
        ASSERT_EQ(c.close, t.close) << "close at " << c.openTime;
        ASSERT_EQ(c.volume, t.volume) << "volume at " << c.openTime;
        ++compared;
    }
    EXPECT_GE(compared, atLeast);
}

}  // namespace

TEST(ChartController, SplitsSymbolsIntoBaseAndQuoteInEitherSpelling) {
    using P = std::pair<std::string, std::string>;
    EXPECT_EQ(ChartController::splitSymbol("BTCUSDT"), (P{"BTC", "USDT"}));
    EXPECT_EQ(ChartController::splitSymbol("BTC-USDT"), (P{"BTC", "USDT"}));
    EXPECT_EQ(ChartController::splitSymbol("ETHBTC"), (P{"ETH", "BTC"}));
    EXPECT_EQ(ChartController::splitSymbol("BTCFDUSD"), (P{"BTC", "FDUSD"}));
    EXPECT_EQ(ChartController::splitSymbol("USDT"), std::nullopt);  // nothing left for a base
    EXPECT_EQ(ChartController::splitSymbol("-USDT"), std::nullopt);
    EXPECT_EQ(ChartController::splitSymbol("FOOBAR"), std::nullopt);
}

TEST(ChartController, ListsTheSymbolsEachVenueTrades) {
    for (const char* trading : {"TRADING", "Trading", "live", ""}) EXPECT_TRUE(ChartController::isTrading(trading)) << trading;
    for (const char* closed : {"BREAK", "PreLaunch", "suspend", "preopen"})
        EXPECT_FALSE(ChartController::isTrading(closed)) << closed;
}

TEST(ChartController, AnUnknownExchangeIsRefusedWithTheAcceptedNames) {
    QTemporaryDir dir;
    ControllerOptions options;
    options.exchange = "mtgox";
    options.databasePath = dir.filePath("c.sqlite3").toStdString();
    ChartController controller(options);
    auto started = controller.start();
    ASSERT_FALSE(started);
    EXPECT_NE(started.error().message.find("mtgox"), std::string::npos) << started.error().message;
    EXPECT_NE(started.error().message.find("binance, bybit, okx, kucoin"), std::string::npos)
        << started.error().message;
}

TEST(MainWindow, TheExchangeSelectorSwitchesTheVenueAndKeepsTheSymbol) {
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.simPushIntervalMs = 100;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    const sim::MarketModel model(options.simSeed);
    {
        ChartController controller(options);
        ASSERT_TRUE(controller.start());
        AppSettings settings(dir.filePath("settings.ini"));
        MainWindow window(controller, settings);
        window.resize(1100, 700);
        window.show();
        window.openSeries("BTCUSDT", Interval::H1);
        ASSERT_TRUE(test::processEventsUntil([&] {
            return controller.currentSeries()->size() >= 1000 && controller.status().state == feed::FeedState::Live;
        }, 30000));

        // The selector beside the symbol picker lists every venue of the registry.
        auto* box = window.findChild<QComboBox*>("exchangeBox");
        ASSERT_NE(box, nullptr);
        ASSERT_EQ(box->count(), static_cast<int>(exchange::adapterNames().size()));
        ASSERT_EQ(box->count(), 4);
        for (int i = 0; i < box->count(); ++i)
            EXPECT_EQ(box->itemData(i).toString().toStdString(), exchange::adapterNames()[static_cast<std::size_t>(i)]);
        EXPECT_EQ(box->currentData().toString(), "binance");
        EXPECT_EQ(box->itemText(box->findData("okx")), "OKX");
        const SeriesKey binanceKey = controller.currentKey();
        EXPECT_EQ(binanceKey.exchange, "binance");
        // A line drawn on Binance's BTCUSDT belongs to the pair: it is there on every venue.
        auto& chartModel = window.canvas()->model();
        chartModel.addDrawing(chart::Drawing{0, chart::DrawingKind::HorizontalLine, chartModel.anchorAt({300, 200}), {}});
        ASSERT_EQ(chartModel.drawings().size(), 1U);
        const chart::Drawing drawn = chartModel.drawings()[0];

        // The user picks Bybit: a new adapter and feed, the simulator now speaking Bybit's API.
        const int bybitIndex = box->findData("bybit");
        box->setCurrentIndex(bybitIndex);
        emit box->activated(bybitIndex);
        EXPECT_EQ(controller.exchangeName(), "bybit");
        ASSERT_NE(controller.adapter(), nullptr);
        EXPECT_EQ(controller.adapter()->name(), "bybit");
        EXPECT_EQ(controller.currentKey(), (SeriesKey{"bybit", "BTCUSDT", Interval::H1}));
        EXPECT_EQ(settings.exchange(), "bybit");
        EXPECT_EQ(window.findChild<QComboBox*>("symbolBox")->currentText(), "BTCUSDT");
        ASSERT_TRUE(test::processEventsUntil([&] {
            return controller.currentSeries()->size() >= 1000 && controller.status().state == feed::FeedState::Live &&
                   controller.symbols().contains("ETHUSDT");
        }, 30000)) << "state " << feed::toString(controller.status().state) << ": " << controller.status().detail
                     << "; " << controller.currentSeries()->size() << " candles, " << controller.symbols().size()
                     << " symbols";
        expectVenueCandlesMatchTheMarket(*controller.currentSeries(), model, "BTCUSDT");
        EXPECT_TRUE(window.windowTitle().contains("BTCUSDT"));

        // The realtime test window opens on the same venue, at the controller's endpoints.
        const RealtimeOptions realtime = RealtimeWindow::optionsFor(controller, settings);
        EXPECT_EQ(realtime.exchange, "bybit");
        EXPECT_EQ(realtime.symbol, "BTCUSDT");
        EXPECT_EQ(realtime.restBase, controller.simulator()->restBase());
        EXPECT_EQ(realtime.streamBase, controller.simulator()->streamBase() + "/v5/public/spot");
        EXPECT_TRUE(realtime.simulator);

        // Each venue's series stays its own in memory.
        const market::CandleSeries* binanceSeries = controller.store().find(binanceKey);
        ASSERT_NE(binanceSeries, nullptr);
        EXPECT_NE(binanceSeries, controller.currentSeries());
        EXPECT_EQ(controller.currentSeries()->key().exchange, "bybit");

        // OKX spells the pair BTC-USDT: the symbol is kept in its spelling.
        const int okxIndex = box->findData("okx");
        box->setCurrentIndex(okxIndex);
        emit box->activated(okxIndex);
        EXPECT_EQ(controller.currentKey(), (SeriesKey{"okx", "BTC-USDT", Interval::H1}));
        EXPECT_EQ(window.findChild<QComboBox*>("symbolBox")->currentText(), "BTC-USDT");
        ASSERT_EQ(chartModel.drawings().size(), 1U) << "the drawing did not follow BTC/USDT to OKX";
        EXPECT_EQ(chartModel.drawings()[0].a, drawn.a);
        // OKX answers at most 100 candles a page.
        ASSERT_TRUE(test::processEventsUntil([&] {
            return controller.currentSeries()->size() >= 100 && controller.status().state == feed::FeedState::Live;
        }, 30000)) << "state " << feed::toString(controller.status().state) << ": " << controller.status().detail
                     << "; " << controller.currentSeries()->size() << " candles";
        expectVenueCandlesMatchTheMarket(*controller.currentSeries(), model, "BTCUSDT", 99);
        EXPECT_EQ(settings.exchange(), "okx");
        EXPECT_EQ(settings.lastSymbol(), "BTC-USDT");

        // A switch made on the controller directly shows in the selector too.
        ASSERT_TRUE(controller.switchExchange("kucoin"));
        EXPECT_EQ(box->currentData().toString(), "kucoin");
        EXPECT_EQ(controller.currentKey().symbol, "BTC-USDT");
        ASSERT_TRUE(window.switchExchange("okx"));

        // An unknown venue changes nothing.
        EXPECT_FALSE(window.switchExchange("mtgox"));
        EXPECT_EQ(controller.exchangeName(), "okx");
        EXPECT_EQ(box->currentData().toString(), "okx");
    }
    // In SQLite each venue has its own series.
    auto db = storage::CandleDatabase::open(options.databasePath);
    ASSERT_TRUE(db) << db.error().message;
    auto series = db->listSeries();
    ASSERT_TRUE(series);
    for (const SeriesKey& key : {SeriesKey{"binance", "BTCUSDT", Interval::H1}, SeriesKey{"bybit", "BTCUSDT", Interval::H1},
                                 SeriesKey{"okx", "BTC-USDT", Interval::H1}}) {
        EXPECT_NE(std::find(series->begin(), series->end(), key), series->end()) << key.exchange << " not stored";
        EXPECT_GE(*db->count(key), key.exchange == "okx" ? 99u : 999u) << key.exchange;
    }
}

TEST(ChartController, ASymbolTheNewVenueDoesNotListIsReplacedByItsBtcUsdt) {
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.simPushIntervalMs = 100;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    ChartController controller(options);
    ASSERT_TRUE(controller.start());
    ASSERT_TRUE(test::processEventsUntil([&] { return !controller.symbols().isEmpty(); }, 30000));
    controller.openSeries("NOSUCHUSDT", Interval::M1);  // the venue answers with an error
    QStringList notices;
    QObject::connect(&controller, &ChartController::noticeRaised, [&](const QString& n) { notices << n; });
    ASSERT_TRUE(controller.switchExchange("kucoin"));
    EXPECT_EQ(controller.currentKey().symbol, "NOSUCH-USDT");
    ASSERT_TRUE(test::processEventsUntil([&] { return controller.currentKey().symbol == "BTC-USDT"; }, 30000));
    EXPECT_EQ(controller.currentKey().exchange, "kucoin");
    EXPECT_TRUE(notices.join("\n").contains("NOSUCH-USDT is not listed on kucoin")) << notices.join("\n").toStdString();
    // Switching to the venue already shown changes nothing.
    ASSERT_TRUE(controller.switchExchange("KuCoin"));
    EXPECT_EQ(controller.currentKey().symbol, "BTC-USDT");
    EXPECT_FALSE(controller.switchExchange("mtgox"));
    EXPECT_EQ(controller.exchangeName(), "kucoin");
}

namespace {


}  // namespace

TEST(CanvasProChartBinary, DemoOnAnotherExchangeDrawsItsCandlesAndSavesTheChoice) {
    QTemporaryDir dir;
    const QString png = dir.filePath("okx.png");
    const QString ini = dir.filePath("s.ini");
    const AppRun r = runApp({"--demo", "--exchange", "okx", "--symbol", "ETHUSDT", "--screenshot", png, "--exit-after",
                             "6", "--database", dir.filePath("demo.sqlite3"), "--settings", ini});
    ASSERT_EQ(r.exitCode, 0) << r.err.toStdString();
    QImage image(png);
    ASSERT_FALSE(image.isNull()) << "not a readable PNG";
    EXPECT_GT(test::countColor(image, test::kRising), 200);
    EXPECT_GT(test::countColor(image, test::kFalling), 200);
    const AppSettings saved(ini);
    EXPECT_EQ(saved.exchange(), "okx");
    EXPECT_EQ(saved.lastSymbol(), "ETH-USDT");  // the venue's spelling of the symbol given
    auto db = storage::CandleDatabase::open(dir.filePath("demo.sqlite3").toStdString());
    ASSERT_TRUE(db) << db.error().message;
    EXPECT_GT(*db->count(SeriesKey{"okx", "ETH-USDT", saved.lastInterval()}), 0u);

    const AppRun bad = runApp({"--demo", "--exchange", "mtgox"});
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_TRUE(bad.err.contains("unknown exchange \"mtgox\"")) << bad.err.toStdString();
    EXPECT_TRUE(bad.err.contains("binance, bybit, okx, kucoin")) << bad.err.toStdString();
    const AppRun help = runApp({"--help"});
    EXPECT_TRUE(help.out.contains("--exchange")) << help.out.toStdString();
}

// The demo app on one venue, its main window showing `symbol` (BTC/USDT-style, in any spelling).
struct DemoOnVenue {
    DemoOnVenue(const std::string& venue, const char* symbol, Interval interval)
        : options(makeOptions(venue, dir)), controller(options), settings(dir.filePath("settings.ini")) {
        started = static_cast<bool>(controller.start());
        main = std::make_unique<MainWindow>(controller, settings);
        main->show();
        main->openSeries(controller.venueSymbol(QString::fromLatin1(symbol)), interval);
    }
    static ControllerOptions makeOptions(const std::string& venue, const QTemporaryDir& dir) {
        ControllerOptions o;
        o.demo = true;
        o.exchange = venue;
        o.databasePath = dir.filePath("demo.sqlite3").toStdString();
        return o;
    }
    QTemporaryDir dir;
    ControllerOptions options;
    ChartController controller;
    AppSettings settings;
    std::unique_ptr<MainWindow> main;
    bool started = false;
};

TEST(RealtimeWindowEntry, OpensOnTheChartsExchangeAndShowsThatVenuesTradesAndBook) {
    DemoOnVenue app("okx", "ETHUSDT", Interval::M5);
    ASSERT_TRUE(app.started);
    auto& controller = app.controller;
    EXPECT_EQ(controller.currentKey(), (SeriesKey{"okx", "ETH-USDT", Interval::M5}));
    auto* rt = RealtimeWindow::openFor(controller, app.settings, app.main.get());
    ASSERT_NE(rt, nullptr);
    EXPECT_EQ(rt->symbol(), "ETH-USDT");
    // OKX's order book (snapshot and updates on the stream), its ticker and its candles. (The demo
    // simulator trades rarely; the trades table is tested under load elsewhere.)
    ASSERT_TRUE(test::processEventsUntil([&] { return !rt->ladder()->book().bids.empty() && !rt->series().empty(); },
                                         30000))
        << rt->logText().toStdString() << "\nbids " << rt->ladder()->book().bids.size() << ", candles "
        << rt->series().size();
    // The 24 h ticker panel (OKX's tickers), and the feed health table counting each stream under
    // its OKX name.
    const std::string books = controller.adapter()->streamName({"ETH-USDT", Interval::M1, exchange::StreamKind::Depth});
    ASSERT_TRUE(test::processEventsUntil([&] {
        const auto s = rt->sessionStats();
        return rt->ticker().has_value() && s.perStream.contains(books) && s.perStream.at(books).messages > 0;
    }, 30000)) << rt->logText().toStdString();
    EXPECT_EQ(rt->ticker()->symbol, "ETH-USDT");
    EXPECT_GT(rt->ticker()->lastPrice, Decimal{});
    const auto stats = rt->sessionStats();
    EXPECT_GE(stats.connections, 2u) << "OKX: candles on /business, the rest on /public";
    for (const auto& [stream, counters] : stats.perStream) EXPECT_NE(stream.find("ETH-USDT"), std::string::npos) << stream;
    EXPECT_EQ(rt->series().key().exchange, "okx");
    rt->close();
}

// Bybit's spot ticker is a mini one (no bid/ask; the book ticker has them): the panel shows it.
TEST(RealtimeWindowEntry, ShowsBybitsMiniTickerAndCountsItsTopics) {
    DemoOnVenue app("bybit", "BTCUSDT", Interval::M1);
    ASSERT_TRUE(app.started);
    auto& controller = app.controller;
    auto* rt = RealtimeWindow::openFor(controller, app.settings, app.main.get());
    ASSERT_NE(rt, nullptr);
    const std::string tickers = controller.adapter()->streamName({"BTCUSDT", Interval::M1, exchange::StreamKind::Ticker});
    ASSERT_TRUE(test::processEventsUntil([&] {
        const auto s = rt->sessionStats();
        return rt->ticker().has_value() && s.perStream.contains(tickers) && s.perStream.contains("orderbook.200.BTCUSDT");
    }, 30000)) << rt->logText().toStdString();
    EXPECT_TRUE(rt->ticker()->mini);
    EXPECT_GT(rt->ticker()->lastPrice, Decimal{});
    EXPECT_EQ(rt->ticker()->priceChange, rt->ticker()->lastPrice - rt->ticker()->open);
    rt->close();
}

// The demo's simulators belong to the process (one per dialect, started at first use and kept):
// switching venues back and forth reaches the same simulator at the same endpoints again, so the
// market session reuses that venue's connection engine instead of keeping one more per switch.
TEST(ChartController, DemoVenueSwitchesBackAndForthReuseTheSimulatorsAndTheirConnectionEngines) {
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.simPushIntervalMs = 100;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    ChartController controller(options);
    ASSERT_TRUE(controller.start());
    controller.openSeries("BTCUSDT", Interval::M1);
    const std::string binanceRest = controller.restBase().toStdString();
    ASSERT_TRUE(controller.switchExchange("bybit"));
    const std::string bybitRest = controller.restBase().toStdString();
    EXPECT_NE(bybitRest, binanceRest);  // one simulator per dialect
    for (int round = 0; round < 3; ++round) {
        ASSERT_TRUE(controller.switchExchange("binance"));
        EXPECT_EQ(controller.restBase().toStdString(), binanceRest) << "round " << round;
        ASSERT_TRUE(controller.switchExchange("bybit"));
        EXPECT_EQ(controller.restBase().toStdString(), bybitRest) << "round " << round;
    }
    // Two venues, two simulators and two connection engines, however often the user switched.
    EXPECT_EQ(controller.services().simulatorCount(), 2U);
    EXPECT_EQ(controller.marketSession()->streamSessions(), 2U);
    // And the chart still goes live on the venue it ended on.
    ASSERT_TRUE(test::processEventsUntil([&] {
        return controller.status().state == feed::FeedState::Live && controller.currentSeries() &&
               controller.currentSeries()->size() > 100;
    }, 30000)) << feed::toString(controller.status().state) << ": " << controller.status().detail;
    EXPECT_EQ(controller.currentKey(), (SeriesKey{"bybit", "BTCUSDT", Interval::M1}));
}
