// The realtime test window, offscreen, against the simulator on 127.0.0.1 under live load
// (2,000 trades a second, so nothing waits for the rare historical trades). Every wait is for an
// event or a count, with a generous timeout; nothing asserts on how long anything took.
#include <gtest/gtest.h>

#include <QAction>
#include <QApplication>
#include <QKeySequence>
#include <QTest>
#include <QCheckBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QTimeZone>
#include <QImage>
#include <QProcess>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>

#include "app_test_util.hpp"
#include "cpc/app/app_services.hpp"
#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/app/realtime_models.hpp"
#include "cpc/app/realtime_window.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/session/market_session.hpp"
#include "cpc/sim/sim_server.hpp"

using namespace cpc;
using namespace std::chrono_literals;
using app::RealtimeWindow;
using exchange::StreamKind;
using test::processEventsUntil;

namespace {

constexpr int kWaitMs = 15000;  // generous: the machine may be busy; normal runs take ~1 s

class RealtimeWindowTest : public ::testing::Test {
protected:
    void SetUp() override {
        sim::SimConfig c;
        c.liveTradesPerSecond = 2000;
        c.klinePushInterval = 200ms;
        server = std::make_unique<sim::SimServer>(c);
        ASSERT_TRUE(server->start());
        app::RealtimeOptions o;
        o.restBase = server->restBase();
        o.streamBase = server->streamBase();
        o.symbol = QStringLiteral("BTCUSDT");
        o.interval = Interval::S1;
        o.simulator = true;
        o.maxTradeRows = 300;
        o.session.backoffBase = 20ms;
        o.session.backoffMax = 200ms;
        window = std::make_unique<RealtimeWindow>(o);
        window->show();
    }
    void TearDown() override {
        window.reset();
        server->stop();
    }

    std::uint64_t streamMessages(const std::string& name) const {
        const auto stats = window->sessionStats();
        const auto it = stats.perStream.find(name);
        return it == stats.perStream.end() ? 0 : it->second.messages;
    }

    std::unique_ptr<sim::SimServer> server;
    std::unique_ptr<RealtimeWindow> window;
};

// The table's trades (newest on top) are exactly the simulator's, in order, none missing.
void expectTableMatchesSimulator(const app::TradesTableModel& model, const sim::MarketModel& truth) {
    const int rows = model.rowCount();
    ASSERT_GT(rows, 1);
    const auto& newest = model.trade(0);
    const auto& oldest = model.trade(rows - 1);
    auto expected = truth.trades("BTCUSDT", oldest.timeMs, newest.timeMs + 1);
    std::erase_if(expected, [&](const auto& t) { return t.tradeId < oldest.tradeId || t.tradeId > newest.tradeId; });
    ASSERT_EQ(expected.size(), static_cast<std::size_t>(rows));
    for (int row = 0; row < rows; ++row) {
        const auto& shown = model.trade(row);
        const auto& want = expected[expected.size() - 1 - static_cast<std::size_t>(row)];
        ASSERT_EQ(shown.tradeId, want.tradeId) << "row " << row;
        EXPECT_EQ(shown.price, want.price) << "row " << row;
        EXPECT_EQ(shown.quantity, want.quantity) << "row " << row;
        EXPECT_EQ(shown.buyerIsMaker, want.buyerIsMaker) << "row " << row;
        if (row > 0) {
            EXPECT_GE(model.trade(row - 1).timeMs, shown.timeMs);
        }
    }
}

}  // namespace

TEST_F(RealtimeWindowTest, TradesAppearNewestOnTopInOrderAndBounded) {
    auto* model = window->tradesModel();
    ASSERT_TRUE(processEventsUntil([&] { return model->rowCount() == 300; }, kWaitMs)) << model->rowCount();
    expectTableMatchesSimulator(*model, server->model());
    // Bounded: more trades keep arriving, the table keeps 300 rows.
    const auto received = window->tradesReceived();
    ASSERT_TRUE(processEventsUntil([&] { return window->tradesReceived() > received + 1000; }, kWaitMs));
    EXPECT_EQ(model->rowCount(), 300);
    expectTableMatchesSimulator(*model, server->model());
    // Taker side colours: buy rows green, sell rows red, in the price column.
    for (int row = 0; row < 20; ++row) {
        const QColor c = model->data(model->index(row, app::TradesTableModel::Price), Qt::ForegroundRole).value<QColor>();
        EXPECT_EQ(c, model->trade(row).buyerIsMaker ? app::TradesTableModel::sellColor() : app::TradesTableModel::buyColor());
    }
    // The bound is configurable in the window.
    auto* rowsBox = window->findChild<QSpinBox*>(QStringLiteral("maxTradeRowsBox"));
    ASSERT_NE(rowsBox, nullptr);
    rowsBox->setValue(120);
    EXPECT_EQ(model->rowCount(), 120);
    const auto more = window->tradesReceived();
    ASSERT_TRUE(processEventsUntil([&] { return window->tradesReceived() > more + 500; }, kWaitMs));
    EXPECT_EQ(model->rowCount(), 120);
    expectTableMatchesSimulator(*model, server->model());
    // The chart shows the live 1s candles.
    EXPECT_TRUE(processEventsUntil([&] { return window->series().size() > 10; }, kWaitMs));
}

TEST_F(RealtimeWindowTest, OrderBookLadderMatchesTheSimulatorsBook) {
    auto* ladder = window->ladder();
    ASSERT_TRUE(processEventsUntil([&] { return !ladder->book().bids.empty() && !ladder->book().asks.empty(); }, kWaitMs));
    for (int i = 0; i < 3; ++i) {
        const std::int64_t seen = ladder->book().lastUpdateId;
        ASSERT_TRUE(processEventsUntil([&] { return ladder->book().lastUpdateId > seen; }, kWaitMs));
        const feed::OrderBookView view = ladder->book();
        const auto truth = server->book().book("BTCUSDT", sim::OrderBookModel::tickOfUpdateId(view.lastUpdateId));
        ASSERT_EQ(truth.lastUpdateId, view.lastUpdateId);
        // The top StreamSessionConfig::bookLevels (20) levels; the model leaves some levels empty.
        ASSERT_EQ(view.bids.size(), std::min<std::size_t>(20, truth.bids.size()));
        ASSERT_EQ(view.asks.size(), std::min<std::size_t>(20, truth.asks.size()));
        ASSERT_GT(view.bids.size(), 5u);
        EXPECT_TRUE(std::equal(view.bids.begin(), view.bids.end(), truth.bids.begin()));
        EXPECT_TRUE(std::equal(view.asks.begin(), view.asks.end(), truth.asks.begin()));
    }
    // Unsubscribing depth clears the ladder.
    window->setStreamEnabled(StreamKind::Depth, false);
    EXPECT_TRUE(ladder->book().bids.empty());
}

TEST_F(RealtimeWindowTest, CountersAreRightAfterAForcedReconnect) {
    ASSERT_TRUE(processEventsUntil([&] { return window->tradesModel()->rowCount() > 50; }, kWaitMs));
    ASSERT_TRUE(processEventsUntil([&] { return window->logText().contains(QStringLiteral("history loaded")); }, kWaitMs));
    const auto before = window->sessionStats();
    const auto connectionsBefore = server->stats().wsConnections;
    window->findChild<QPushButton*>(QStringLiteral("forceReconnectButton"))->click();
    // The one connection (the window's streams and its chart feed's klines ride it) comes back and
    // the chart's gap is backfilled over REST.
    ASSERT_TRUE(processEventsUntil(
        [&] {
            const auto s = window->sessionStats();
            return s.reconnects == before.reconnects + 1 && s.connected && server->stats().wsConnections >= connectionsBefore + 1;
        },
        kWaitMs));
    EXPECT_EQ(server->stats().wsOpenConnections, 1u) << "the chart feed opened a connection of its own";
    ASSERT_TRUE(processEventsUntil([&] { return window->logText().contains(QStringLiteral("backfill done")); }, kWaitMs))
        << window->logText().toStdString();
    const auto received = window->tradesReceived();
    ASSERT_TRUE(processEventsUntil([&] { return window->tradesReceived() > received + 500; }, kWaitMs));
    window->refreshHealth();
    const auto& h = window->health();
    const auto after = window->sessionStats();
    EXPECT_EQ(h.reconnects, before.reconnects + 1);
    EXPECT_EQ(h.gapsBackfilled, 1u);
    EXPECT_EQ(h.framesRejected, 0u);
    EXPECT_TRUE(h.connected);
    // Every stream's counter in the panel is the session's (nothing is sampled away).
    for (const auto& s : h.streams) {
        const auto it = after.perStream.find(s.stream);
        ASSERT_NE(it, after.perStream.end()) << s.stream;
        EXPECT_LE(s.messages, it->second.messages) << s.stream;
        EXPECT_GT(s.messages, 0u) << s.stream;
    }
    EXPECT_GT(h.receipt.count, 0u);
    EXPECT_GE(h.receipt.max, h.receipt.p99);
    EXPECT_GE(h.receipt.p99, h.receipt.p50);
    // The log shows the reconnect and the recovery.
    const QString log = window->logText();
    EXPECT_TRUE(log.contains(QStringLiteral("force reconnect"))) << log.toStdString();
    EXPECT_TRUE(log.contains(QStringLiteral("stream session: reconnecting"))) << log.toStdString();
    // The trades after the reconnect are again exactly the simulator's (the stream does not
    // replay, so rows straddling the outage are not compared).
    auto* model = window->tradesModel();
    ASSERT_TRUE(processEventsUntil([&] { return window->tradesReceived() > received + 800; }, kWaitMs));
    app::TradesTableModel recent(100);
    std::vector<exchange::TradeTick> rows;
    for (int row = 99; row >= 0; --row) rows.push_back(model->trade(row));
    recent.addTrades(rows);
    expectTableMatchesSimulator(recent, server->model());
}

TEST_F(RealtimeWindowTest, StreamTogglesChangeTheSubscriptionsLive) {
    ASSERT_TRUE(processEventsUntil([&] { return streamMessages("btcusdt@trade") > 100; }, kWaitMs));
    const auto controlBefore = server->stats().controlMessages;
    const auto connectionsBefore = server->stats().wsConnections;
    const auto reconnectsBefore = window->sessionStats().reconnects;
    EXPECT_EQ(streamMessages("btcusdt@aggTrade"), 0u);

    // Tick aggTrade: one SUBSCRIBE on the open connection, and its messages start.
    QCheckBox* agg = window->streamCheckBox(StreamKind::AggTrade);
    ASSERT_NE(agg, nullptr);
    EXPECT_FALSE(agg->isChecked());
    agg->click();
    EXPECT_TRUE(window->streamEnabled(StreamKind::AggTrade));
    ASSERT_TRUE(processEventsUntil([&] { return streamMessages("btcusdt@aggTrade") > 100; }, kWaitMs));
    EXPECT_GE(server->stats().controlMessages, controlBefore + 1);

    // Untick trade: one UNSUBSCRIBE; its counter stops while aggTrade keeps flowing. Trades the
    // venue sent before it handled the UNSUBSCRIBE still arrive (a slow reader has a backlog), but
    // none after its reply.
    const auto sentBefore = window->sessionStats().controlMessagesSent;
    QCheckBox* trade = window->streamCheckBox(StreamKind::Trade);
    trade->click();
    EXPECT_FALSE(window->streamEnabled(StreamKind::Trade));
    ASSERT_TRUE(processEventsUntil([&] { return server->stats().controlMessages >= controlBefore + 2; }, kWaitMs));
    ASSERT_TRUE(processEventsUntil([&] {
        const auto s = window->sessionStats();
        return s.controlMessagesSent > sentBefore && s.controlReplies >= s.controlMessagesSent;  // all answered
    }, kWaitMs));
    std::uint64_t agg0 = streamMessages("btcusdt@aggTrade");
    ASSERT_TRUE(processEventsUntil([&] { return streamMessages("btcusdt@aggTrade") > agg0 + 500; }, kWaitMs));
    const auto tradeStopped = streamMessages("btcusdt@trade");
    agg0 = streamMessages("btcusdt@aggTrade");
    ASSERT_TRUE(processEventsUntil([&] { return streamMessages("btcusdt@aggTrade") > agg0 + 500; }, kWaitMs));
    EXPECT_EQ(streamMessages("btcusdt@trade"), tradeStopped);
    // With the trade stream off, the table shows the aggregate trades.
    ASSERT_TRUE(processEventsUntil([&] { return window->tradesModel()->trade(0).aggregate; }, kWaitMs));

    // All of it on the same connection.
    EXPECT_EQ(server->stats().wsConnections, connectionsBefore);
    EXPECT_EQ(window->sessionStats().reconnects, reconnectsBefore);
    EXPECT_EQ(server->stats().messageRateViolations, 0u);
    const QString log = window->logText();
    EXPECT_TRUE(log.contains(QStringLiteral("subscribe btcusdt@aggTrade"))) << log.toStdString();
    EXPECT_TRUE(log.contains(QStringLiteral("unsubscribe btcusdt@trade"))) << log.toStdString();
}

TEST_F(RealtimeWindowTest, SwitchingSymbolAndTimeframeResubscribes) {
    ASSERT_TRUE(processEventsUntil([&] { return window->tradesModel()->rowCount() > 10; }, kWaitMs));
    window->setSymbol(QStringLiteral("ethusdt"));
    EXPECT_EQ(window->symbol(), QStringLiteral("ETHUSDT"));
    ASSERT_TRUE(processEventsUntil([&] { return streamMessages("ethusdt@trade") > 100; }, kWaitMs));
    ASSERT_TRUE(processEventsUntil(
        [&] { return window->tradesModel()->rowCount() > 10 && window->tradesModel()->trade(0).symbol == "ETHUSDT"; },
        kWaitMs));
    for (int row = 0; row < window->tradesModel()->rowCount(); ++row)
        ASSERT_EQ(window->tradesModel()->trade(row).symbol, "ETHUSDT");
    window->setInterval(Interval::M1);
    ASSERT_TRUE(processEventsUntil([&] { return streamMessages("ethusdt@kline_1m") > 0; }, kWaitMs));
    ASSERT_TRUE(processEventsUntil(
        [&] { return window->series().key().interval == Interval::M1 && window->series().size() >= 100; }, kWaitMs));
    EXPECT_EQ(window->series().key().symbol, "ETHUSDT");
    // The ticker follows the symbol.
    ASSERT_TRUE(processEventsUntil([&] { return window->ticker() && window->ticker()->symbol == "ETHUSDT"; }, kWaitMs));
}

// Issue 22: the feed health table kept the old symbol's stream rows after a symbol switch.
TEST_F(RealtimeWindowTest, TheStreamTableShowsOnlyTheStreamsOfTheSymbolShownNow) {
    ASSERT_TRUE(processEventsUntil([&] { return streamMessages("btcusdt@trade") > 100; }, kWaitMs));
    auto* table = window->findChild<QTableWidget*>(QStringLiteral("streamHealthTable"));
    ASSERT_NE(table, nullptr);
    auto names = [&] {
        window->refreshHealth();
        QStringList out;
        for (int row = 0; row < table->rowCount(); ++row)
            if (table->item(row, 0)) out << table->item(row, 0)->text();
        return out;
    };
    EXPECT_TRUE(names().contains("btcusdt@trade")) << names().join(", ").toStdString();
    window->setSymbol(QStringLiteral("ETHUSDT"));
    ASSERT_TRUE(processEventsUntil([&] { return streamMessages("ethusdt@trade") > 100; }, kWaitMs));
    const QStringList after = names();
    EXPECT_TRUE(after.contains("ethusdt@trade")) << after.join(", ").toStdString();
    for (const QString& name : after) EXPECT_FALSE(name.startsWith("btcusdt")) << name.toStdString() << " stayed";
}

TEST(RealtimeWindowEntry, MainWindowViewMenuAndToolbarOpenOneWindowOnTheSameVenue) {
    QTemporaryDir dir;
    app::ControllerOptions options;
    options.demo = true;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    app::ChartController controller(options);
    ASSERT_TRUE(controller.start());
    app::AppSettings settings(dir.filePath("settings.ini"));
    app::MainWindow main(controller, settings);
    main.show();
    main.openSeries("ETHUSDT", Interval::M5);
    auto* menuAction = main.findChild<QAction*>(QStringLiteral("realtimeMenuAction"));
    auto* toolbarAction = main.findChild<QAction*>(QStringLiteral("realtimeAction"));
    ASSERT_NE(menuAction, nullptr);
    ASSERT_NE(toolbarAction, nullptr);
    menuAction->trigger();
    toolbarAction->trigger();  // raises the open one
    const auto windows = main.findChildren<RealtimeWindow*>();
    ASSERT_EQ(windows.size(), 1);
    RealtimeWindow* rt = windows.front();
    EXPECT_TRUE(rt->isVisible());
    EXPECT_TRUE(rt->isWindow());
    EXPECT_EQ(rt->symbol(), QStringLiteral("ETHUSDT"));
    EXPECT_EQ(rt->interval(), Interval::M5);
    // It reaches the demo simulator: the synced order book arrives.
    ASSERT_TRUE(processEventsUntil([&] { return !rt->ladder()->book().bids.empty(); }, kWaitMs));
    rt->close();  // deleted on close
    ASSERT_TRUE(processEventsUntil([&] { return main.findChildren<RealtimeWindow*>().isEmpty(); }, kWaitMs));
}

// The demo chart's realtime window (View → Realtime) shows a moving tape: the chart's simulators
// trade kDemoChartTradesPerSecond (it showed 3 trades in 20 s when only the history traded).
TEST(RealtimeWindowEntry, TheDemoChartsRealtimeWindowShowsALiveTradeTape) {
    QTemporaryDir dir;
    app::ServicesOptions servicesConfig;
    servicesConfig.demo = true;
    servicesConfig.databasePath = dir.filePath("demo.sqlite3").toStdString();
    servicesConfig.simLiveTradesPerSecond = app::kDemoChartTradesPerSecond;  // as canvasprochart --demo
    app::AppServices services(servicesConfig);
    app::ControllerOptions options;
    options.demo = true;
    options.databasePath = servicesConfig.databasePath;
    options.services = &services;
    app::ChartController controller(options);
    ASSERT_TRUE(controller.start());
    app::AppSettings settings(dir.filePath("settings.ini"));
    app::MainWindow main(controller, settings);
    main.show();
    main.openSeries("BTCUSDT", Interval::M1);
    main.findChild<QAction*>(QStringLiteral("realtimeMenuAction"))->trigger();
    const auto windows = main.findChildren<RealtimeWindow*>();
    ASSERT_EQ(windows.size(), 1);
    RealtimeWindow* rt = windows.front();
    // At least a few a second arrive (history alone: a few a minute).
    ASSERT_TRUE(processEventsUntil([&] { return rt->tradesModel()->rowCount() >= 30; }, kWaitMs))
        << rt->tradesModel()->rowCount() << " trades";
    rt->close();
}

// The window's hand-off is the session inbox: thousands of trades a second arrive in frames at
// most every frameInterval (the inbox is taken whole), in order and none missing; a window closed
// while the shared session still delivers its streams (to another window) drops what comes after
// it, and the other window goes on.
TEST(RealtimeWindowEntry, TheInboxIsAppliedInPacedFramesAndAClosedWindowOnASharedSessionIsLeftSafely) {
    sim::SimConfig c;
    c.liveTradesPerSecond = 2000;
    c.klinePushInterval = 200ms;
    sim::SimServer server(c);
    ASSERT_TRUE(server.start());
    net::IoThread io;
    session::MarketSession market(io);
    app::RealtimeOptions o;
    o.restBase = server.restBase();
    o.streamBase = server.streamBase();
    o.symbol = QStringLiteral("BTCUSDT");
    o.interval = Interval::S1;
    o.maxTradeRows = 5000;
    o.market = &market;
    o.frameInterval = 100ms;
    auto first = std::make_unique<RealtimeWindow>(o);
    auto second = std::make_unique<RealtimeWindow>(o);
    ASSERT_TRUE(processEventsUntil([&] { return first->tradesReceived() > 0; }, kWaitMs));
    const std::uint64_t framesBefore = first->framesApplied();
    const std::uint64_t tradesBefore = first->tradesReceived();
    QElapsedTimer clock;
    clock.start();
    ASSERT_TRUE(processEventsUntil([&] { return first->tradesReceived() > tradesBefore + 1000; }, kWaitMs));
    const qint64 elapsed = clock.elapsed();
    const std::uint64_t frames = first->framesApplied() - framesBefore;
    // Over a thousand trades, yet at most one frame per 100 ms (plus the one under way).
    EXPECT_LE(frames, static_cast<std::uint64_t>(elapsed / 100 + 2)) << frames << " frames in " << elapsed << " ms";
    EXPECT_GE(frames, 1U);
    expectTableMatchesSimulator(*first->tradesModel(), server.model());

    // Closing one window while the shared session keeps delivering to the other.
    first.reset();
    const std::uint64_t secondBefore = second->tradesReceived();
    ASSERT_TRUE(processEventsUntil([&] { return second->tradesReceived() > secondBefore + 200; }, kWaitMs));
    expectTableMatchesSimulator(*second->tradesModel(), server.model());
    second.reset();
    market.stop();
    server.stop();
}

TEST(RealtimeWindowEntry, BinaryTestRealtimeFlagWritesAScreenshotOfTheWindow) {
    QTemporaryDir dir;
    const QString png = dir.filePath("realtime.png");
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    p.setProcessEnvironment(env);
    p.start(CPC_APP_BINARY, {"--help"});
    ASSERT_TRUE(p.waitForFinished(30000));
    const QString help = QString::fromLocal8Bit(p.readAllStandardOutput());
    EXPECT_TRUE(help.contains("--test-realtime")) << help.toStdString();
    EXPECT_TRUE(help.contains("--trade-rate")) << help.toStdString();

    p.start(CPC_APP_BINARY, {"--demo", "--test-realtime", "--trade-rate", "500", "--symbol", "BTCUSDT", "--screenshot",
                             png, "--exit-after", "3", "--settings", dir.filePath("s.ini")});
    ASSERT_TRUE(p.waitForFinished(60000));
    ASSERT_EQ(p.exitCode(), 0) << p.readAllStandardError().toStdString();
    const QImage image(png);
    ASSERT_FALSE(image.isNull());
    EXPECT_GE(image.width(), 1000);
    // Buy and sell colours of the trades table, the ladder and the candles are on it.
    EXPECT_GT(test::countColor(image, app::TradesTableModel::buyColor(), 8), 300);
    EXPECT_GT(test::countColor(image, app::TradesTableModel::sellColor(), 8), 300);

    // A bad rate and a rate without the demo are refused (the demo chart takes one too: its order
    // flow's trades).
    p.start(CPC_APP_BINARY, {"--demo", "--test-realtime", "--trade-rate", "20001"});
    ASSERT_TRUE(p.waitForFinished(30000));
    EXPECT_EQ(p.exitCode(), 2);
    p.start(CPC_APP_BINARY, {"--trade-rate", "100"});
    ASSERT_TRUE(p.waitForFinished(30000));
    EXPECT_EQ(p.exitCode(), 2);
    EXPECT_TRUE(QString::fromUtf8(p.readAllStandardError()).contains("--trade-rate only applies with --demo"));
}

// Issue 22: Escape and Ctrl+W did not close the realtime window opened from the menu.
TEST(RealtimeWindowEntry, EscapeAndCtrlWCloseTheWindow) {
    QTemporaryDir dir;
    app::ControllerOptions options;
    options.demo = true;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    app::ChartController controller(options);
    ASSERT_TRUE(controller.start());
    app::AppSettings settings(dir.filePath("settings.ini"));
    app::MainWindow main(controller, settings);
    main.show();
    main.openSeries("BTCUSDT", Interval::M1);
    auto* menuAction = main.findChild<QAction*>(QStringLiteral("realtimeMenuAction"));
    ASSERT_NE(menuAction, nullptr);
    for (const QKeyCombination key : {QKeyCombination(Qt::Key_Escape), QKeyCombination(Qt::ControlModifier, Qt::Key_W)}) {
        menuAction->trigger();
        const auto windows = main.findChildren<RealtimeWindow*>();
        ASSERT_EQ(windows.size(), 1);
        RealtimeWindow* rt = windows.front();
        rt->activateWindow();
        ASSERT_TRUE(processEventsUntil([&] { return QApplication::activeWindow() == rt; }, kWaitMs));
        // A key press as a user makes it: the shortcut override first, then the key.
        QTest::keyClick(rt, key.key(), key.keyboardModifiers());
        EXPECT_TRUE(processEventsUntil([&] { return main.findChildren<RealtimeWindow*>().isEmpty(); }, 3000))
            << QKeySequence(key).toString().toStdString() << " did not close the realtime window";
        if (!main.findChildren<RealtimeWindow*>().isEmpty()) delete main.findChildren<RealtimeWindow*>().front();
    }
}

// Issue 22: the trade tape's time column said UTC (and showed UTC times) whatever the app's time
// zone, and was cut.
TEST(RealtimeTradesModel, TimesAreShownInTheAppsTimeZoneWhichTheHeaderNames) {
    app::TradesTableModel model(10);
    exchange::TradeTick t;
    t.timeMs = 1'700'000'000'123;  // 2023-11-14 22:13:20.123 UTC
    model.addTrades(std::span<const exchange::TradeTick>(&t, 1));
    const QModelIndex time = model.index(0, app::TradesTableModel::Time);
    EXPECT_EQ(model.data(time, Qt::DisplayRole).toString(), "22:13:20.123");
    EXPECT_EQ(model.headerData(app::TradesTableModel::Time, Qt::Horizontal, Qt::DisplayRole).toString(), "Time (UTC)");
    model.setTimeZone(QStringLiteral("Asia/Tokyo"));
    EXPECT_EQ(model.data(time, Qt::DisplayRole).toString(), "07:13:20.123");  // UTC+9
    EXPECT_EQ(model.headerData(app::TradesTableModel::Time, Qt::Horizontal, Qt::DisplayRole).toString(),
              "Time (Asia/Tokyo)");
    EXPECT_FALSE(model.setTimeZone(QStringLiteral("Mars/Base")));  // unknown: unchanged
    EXPECT_EQ(model.data(time, Qt::DisplayRole).toString(), "07:13:20.123");
}

// The time column is formatted by hand from the zone's offset, looked up once per UTC quarter
// hour (issue 21): it must say what QDateTime says, across daylight-saving changes, in zones whose
// offsets are whole, half and quarter hours, on every millisecond digit.
TEST(RealtimeTradesModel, TimeTextsAreQDateTimesAcrossOffsetChanges) {
    app::TradesTableModel model(10);
    // Around changes: Berlin's spring and autumn of 2023, Lord Howe's half-hour summer time,
    // Kathmandu (+5:45), Sao Paulo's last summer time (2018-11-04 / 2019-02-17), and UTC.
    const std::vector<std::pair<const char*, std::int64_t>> around = {
        {"Europe/Berlin", 1'679'792'400'000},      // 2023-03-26 01:00 UTC
        {"Europe/Berlin", 1'698'541'200'000},      // 2023-10-29 01:00 UTC
        {"Australia/Lord_Howe", 1'696'089'600'000},  // 2023-09-30 16:00 UTC
        {"Asia/Kathmandu", 1'700'000'000'123},
        {"America/Sao_Paulo", 1'541'300'400'000},  // 2018-11-04 03:00 UTC
        {"America/Sao_Paulo", 1'550'372'400'000},  // 2019-02-17 02:00 UTC
        {"UTC", 1'700'000'000'000},
    };
    for (const auto& [zone, at] : around) {
        ASSERT_TRUE(model.setTimeZone(QString::fromLatin1(zone))) << zone;
        const QTimeZone tz = QString::fromLatin1(zone) == QLatin1String("UTC") ? QTimeZone::utc() : QTimeZone(zone);
        // Six hours either side, in uneven steps (every millisecond digit and quarter-hour edge).
        for (std::int64_t t = at - 6 * 3'600'000; t <= at + 6 * 3'600'000; t += 60'000 * 7 + 1'234 + (t % 7)) {
            ASSERT_EQ(model.timeText(t), QDateTime::fromMSecsSinceEpoch(t, tz).toString(QStringLiteral("HH:mm:ss.zzz")))
                << zone << " at " << t;
            const std::int64_t edge = t - t % 900'000;  // the quarter hour's first and last milliseconds
            ASSERT_EQ(model.timeText(edge), QDateTime::fromMSecsSinceEpoch(edge, tz).toString(QStringLiteral("HH:mm:ss.zzz")));
            ASSERT_EQ(model.timeText(edge - 1), QDateTime::fromMSecsSinceEpoch(edge - 1, tz).toString(QStringLiteral("HH:mm:ss.zzz")));
        }
    }
}

// The ticker's values (issue 21): a new text repaints the value only, and asks for a new layout of
// the window only when it is wider than any text the value has shown.
TEST(RealtimeValueLabel, ANewTextAsksForALayoutOnlyWhenItIsWiderThanBefore) {
    QWidget box;
    auto* layout = new QHBoxLayout(&box);
    auto* value = new app::ValueLabel(QStringLiteral("–"), &box);
    layout->addWidget(value);
    box.show();
    QCoreApplication::processEvents();
    value->setText(QStringLiteral("97123.45"));
    EXPECT_EQ(value->layoutRequests(), 1u);
    EXPECT_GE(value->sizeHint().width(), value->fontMetrics().horizontalAdvance(QStringLiteral("97123.45")));
    for (const char* text : {"97123.44", "97123.40", "97000.00", "9712.3", "97123.45"}) value->setText(QString::fromLatin1(text));
    EXPECT_EQ(value->layoutRequests(), 1u) << "texts no wider than the widest shown need no layout";
    EXPECT_EQ(value->text(), "97123.45");
    value->setText(QStringLiteral("197123.45"));
    EXPECT_EQ(value->layoutRequests(), 2u);
    QCoreApplication::processEvents();
    EXPECT_GE(value->width(), value->fontMetrics().horizontalAdvance(QStringLiteral("197123.45")));
    // Drawn in its colour, over its own opaque background.
    value->setColour(app::TradesTableModel::buyColor());
    const QImage image = value->grab().toImage();
    EXPECT_GT(test::countColor(image, app::TradesTableModel::buyColor()), 5);
}

