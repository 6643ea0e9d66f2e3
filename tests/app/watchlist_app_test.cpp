// The watchlist dock (issue 14): tickers from the demo simulator over the shared market session,
// adding (validated), removing, reordering and sorting rows, a click or Up / Down opening the
// symbol in the active chart, text import/export with bad lines, lists restored at the next start,
// and an unreachable venue shown in the dock. Offscreen; keys and clicks as a user makes them.
#include <gtest/gtest.h>

#include <QAbstractItemModel>
#include <cmath>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "app_test_util.hpp"
#include "cpc/app/app_services.hpp"
#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/chart_pane.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/app/watchlist_dock.hpp"
#include "cpc/app/watchlist_feed.hpp"
#include "cpc/session/market_session.hpp"
#include "cpc/session/stream_session.hpp"

using namespace cpc;
using namespace cpc::app;

namespace {

// The demo with live trades, so the simulated prices move every second.
struct Rig {
    explicit Rig(int tradesPerSecond = 20, MarketType market = MarketType::Spot) {
        ServicesOptions s;
        s.demo = true;
        s.simPushIntervalMs = 100;
        s.simLiveTradesPerSecond = tradesPerSecond;
        s.databasePath = dir.filePath("demo.sqlite3").toStdString();
        services = std::make_unique<AppServices>(s);
        ControllerOptions options;
        options.demo = true;
        options.simPushIntervalMs = 100;
        options.market = market;
        options.services = services.get();
        controller = std::make_unique<ChartController>(options);
        EXPECT_TRUE(controller->start());
        settings = std::make_unique<AppSettings>(dir.filePath("settings.ini"));
    }
    std::unique_ptr<MainWindow> window() {
        auto w = std::make_unique<MainWindow>(*controller, *settings);
        w->resize(1300, 800);
        w->show();
        w->openSeries("BTCUSDT", Interval::M1);
        return w;
    }
    QTemporaryDir dir;
    std::unique_ptr<AppServices> services;
    std::unique_ptr<ChartController> controller;
    std::unique_ptr<AppSettings> settings;
};

QString cell(const WatchlistDock& dock, int row, int column) {
    const QAbstractItemModel* m = dock.table()->model();
    return m->data(m->index(row, column)).toString();
}

bool allTicking(const WatchlistDock& dock) {
    const int rows = dock.table()->model()->rowCount();
    if (rows == 0) return false;
    for (int r = 0; r < rows; ++r)
        if (!dock.feed().board().find(*dock.symbolAt(r))) return false;
    return true;
}

std::vector<std::string> viewOrder(const WatchlistDock& dock) {
    std::vector<std::string> out;
    for (int r = 0; r < dock.table()->model()->rowCount(); ++r) out.push_back(dock.symbolAt(r)->text());
    return out;
}

void clickRow(WatchlistDock& dock, int row) {
    QTableView* t = dock.table();
    const QRect r = t->visualRect(t->model()->index(row, WatchlistDock::LastColumn));
    QTest::mouseClick(t->viewport(), Qt::LeftButton, {}, r.center());
}

std::string symbolOf(const ChartPane* pane) { return pane->controller().currentKey().symbol; }

}  // namespace

TEST(Watchlist, TickersOfTheSimulatorAreShownOverOneConnectionPerVenue) {
    Rig rig;
    auto window = rig.window();
    auto* dock = new WatchlistDock(*window, *rig.settings);
    // A first list on the active chart's venue.
    EXPECT_EQ(viewOrder(*dock), (std::vector<std::string>{"BINANCE:BTCUSDT", "BINANCE:ETHUSDT", "BINANCE:ETHBTC",
                                                          "BINANCE:ADAUSDT"}));
    ASSERT_TRUE(test::processEventsUntil([&] { return allTicking(*dock); }, 15000)) << dock->venueStatusText().toStdString();
    for (int r = 0; r < 4; ++r) {
        const session::TickerRow* t = dock->feed().board().find(*dock->symbolAt(r));
        EXPECT_GT(t->last, 0);
        EXPECT_NE(cell(*dock, r, WatchlistDock::LastColumn), QStringLiteral("…"));
        EXPECT_TRUE(cell(*dock, r, WatchlistDock::ChangeColumn).endsWith(QLatin1Char('%')));
        EXPECT_FALSE(cell(*dock, r, WatchlistDock::VolumeColumn).isEmpty());
        EXPECT_GE(t->sparkline.size(), 2u);
    }
    // The tickers ride the chart's connection engine of the venue: one user of one stream each.
    session::MarketSession& market = *rig.controller->marketSession();
    EXPECT_EQ(market.streamSessions(), 1u);
    EXPECT_EQ(market.streams(rig.controller->sharedAdapter())->usersOf("btcusdt@miniTicker"), 1u);
    EXPECT_TRUE(dock->venueStatusText().startsWith(QStringLiteral("Binance: "))) << dock->venueStatusText().toStdString();

    // Another venue: its own (one) connection engine, the symbol in its spelling.
    ASSERT_TRUE(dock->addSymbol(QStringLiteral("okx:ethusdt")));
    EXPECT_EQ(dock->symbolAt(4)->text(), "OKX:ETH-USDT");
    ASSERT_TRUE(test::processEventsUntil([&] { return allTicking(*dock); }, 15000)) << dock->venueStatusText().toStdString();
    EXPECT_EQ(market.streamSessions(), 2u);
    EXPECT_TRUE(dock->venueStatusText().contains(QStringLiteral("OKX: "))) << dock->venueStatusText().toStdString();

    // The price moves (live trades): a row flashes in the colour of the move.
    const QAbstractItemModel* m = dock->table()->model();
    const bool flashed = test::processEventsUntil(
        [&] {
            for (int r = 0; r < m->rowCount(); ++r)
                if (m->data(m->index(r, WatchlistDock::LastColumn), Qt::BackgroundRole).value<QColor>().isValid()) return true;
            return false;
        },
        10000);
    EXPECT_TRUE(flashed);

    // Removing the last row leaves the stream (the last user leaving unsubscribes).
    const auto before = dock->feed().tickersApplied();
    EXPECT_GT(before, 0u);
    while (dock->table()->model()->rowCount() > 0) ASSERT_TRUE(dock->removeSymbol(0));
    EXPECT_EQ(market.streams(rig.controller->sharedAdapter())->usersOf("btcusdt@miniTicker"), 0u);
    EXPECT_TRUE(dock->venueStatusText().isEmpty());
}

// The watchlist shows spot markets. Beside a chart of the venue's perpetual (other hosts, other
// streams) it must not borrow that chart's endpoints: it asked the perpetual simulator for spot
// miniTickers, was refused, and showed every symbol "unreachable".
TEST(Watchlist, BesideAPerpetualChartTheSpotTickersStillCome) {
    Rig rig(20, MarketType::Perp);
    auto window = rig.window();
    auto* dock = new WatchlistDock(*window, *rig.settings);
    ASSERT_TRUE(test::processEventsUntil([&] { return allTicking(*dock); }, 15000)) << dock->venueStatusText().toStdString();
    EXPECT_FALSE(dock->venueStatusText().contains(QStringLiteral("unreachable"))) << dock->venueStatusText().toStdString();
    EXPECT_EQ(rig.controller->options().market, MarketType::Perp);
    for (int r = 0; r < dock->table()->model()->rowCount(); ++r)
        EXPECT_GT(dock->feed().board().find(*dock->symbolAt(r))->last, 0);
}

TEST(Watchlist, TypedEntriesAreValidatedRowsRemovedMovedAndSorted) {
    Rig rig;
    auto window = rig.window();
    auto* dock = new WatchlistDock(*window, *rig.settings);
    auto* edit = dock->findChild<QLineEdit*>(QStringLiteral("watchlistAdd"));
    auto* message = dock->findChild<QLabel*>(QStringLiteral("watchlistMessage"));
    ASSERT_TRUE(edit && message);

    edit->setFocus();
    QTest::keyClicks(edit, QStringLiteral("kraken:BTCUSD"));
    QTest::keyClick(edit, Qt::Key_Return);
    EXPECT_FALSE(message->isHidden());
    EXPECT_TRUE(message->text().contains(QStringLiteral("unknown exchange \"kraken\""))) << message->text().toStdString();
    EXPECT_EQ(edit->text(), QStringLiteral("kraken:BTCUSD")) << "a refused entry stays to be corrected";
    EXPECT_FALSE(dock->addSymbol(QStringLiteral("binance:BTC/USDT")));
    EXPECT_TRUE(dock->lastMessage().contains(QStringLiteral("'/'"))) << dock->lastMessage().toStdString();
    EXPECT_FALSE(dock->addSymbol(QStringLiteral("btcusdt")));  // the active chart's venue: already listed
    EXPECT_TRUE(dock->lastMessage().contains(QStringLiteral("already"))) << dock->lastMessage().toStdString();

    edit->clear();
    QTest::keyClicks(edit, QStringLiteral("bybit:NKNUSDT"));
    QTest::keyClick(edit, Qt::Key_Return);
    EXPECT_TRUE(edit->text().isEmpty());
    EXPECT_TRUE(message->isHidden());
    EXPECT_EQ(viewOrder(*dock).back(), "BYBIT:NKNUSDT");

    // Delete removes the current row; Ctrl+Down / Ctrl+Up move it.
    QTableView* table = dock->table();
    table->setFocus();
    table->setCurrentIndex(table->model()->index(2, 0));  // ETHBTC
    QTest::keyClick(table, Qt::Key_Delete);
    EXPECT_EQ(viewOrder(*dock),
              (std::vector<std::string>{"BINANCE:BTCUSDT", "BINANCE:ETHUSDT", "BINANCE:ADAUSDT", "BYBIT:NKNUSDT"}));
    table->setCurrentIndex(table->model()->index(0, 0));
    QTest::keyClick(table, Qt::Key_Down, Qt::ControlModifier);
    EXPECT_EQ(viewOrder(*dock),
              (std::vector<std::string>{"BINANCE:ETHUSDT", "BINANCE:BTCUSDT", "BINANCE:ADAUSDT", "BYBIT:NKNUSDT"}));
    EXPECT_EQ(table->currentIndex().row(), 1) << "the moved row stays current";
    QTest::keyClick(table, Qt::Key_Down, Qt::ControlModifier);
    QTest::keyClick(table, Qt::Key_Down, Qt::ControlModifier);
    EXPECT_EQ(viewOrder(*dock).back(), "BINANCE:BTCUSDT");
    QTest::keyClick(table, Qt::Key_Up, Qt::ControlModifier);
    EXPECT_EQ(viewOrder(*dock),
              (std::vector<std::string>{"BINANCE:ETHUSDT", "BINANCE:ADAUSDT", "BINANCE:BTCUSDT", "BYBIT:NKNUSDT"}));
    EXPECT_EQ(dock->symbols().front().text(), "BINANCE:ETHUSDT") << "the list's own order changed, not only the view";

    // The header sorts by the values: descending, ascending, then the list's order again.
    ASSERT_TRUE(test::processEventsUntil([&] { return allTicking(*dock); }, 15000)) << dock->venueStatusText().toStdString();
    QHeaderView* header = table->horizontalHeader();
    const auto clickHeader = [&](int column) {
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
                          QPoint(header->sectionViewportPosition(column) + header->sectionSize(column) / 2, header->height() / 2));
    };
    const auto lastPrices = [&] {
        std::vector<double> v;
        for (int r = 0; r < table->model()->rowCount(); ++r) v.push_back(dock->feed().board().find(*dock->symbolAt(r))->last);
        return v;
    };
    clickHeader(WatchlistDock::LastColumn);
    auto prices = lastPrices();
    EXPECT_TRUE(std::is_sorted(prices.rbegin(), prices.rend())) << "descending";
    clickHeader(WatchlistDock::LastColumn);
    prices = lastPrices();
    EXPECT_TRUE(std::is_sorted(prices.begin(), prices.end())) << "ascending";
    clickHeader(WatchlistDock::LastColumn);
    EXPECT_EQ(viewOrder(*dock),
              (std::vector<std::string>{"BINANCE:ETHUSDT", "BINANCE:ADAUSDT", "BINANCE:BTCUSDT", "BYBIT:NKNUSDT"}));
    clickHeader(WatchlistDock::SymbolColumn);
    EXPECT_EQ(viewOrder(*dock),
              (std::vector<std::string>{"BINANCE:ADAUSDT", "BINANCE:BTCUSDT", "BINANCE:ETHUSDT", "BYBIT:NKNUSDT"}));
    // Moving a row goes back to the list's order first.
    ASSERT_TRUE(dock->moveSymbol(0, +1));  // ADAUSDT in the sorted view
    EXPECT_EQ(viewOrder(*dock),
              (std::vector<std::string>{"BINANCE:ETHUSDT", "BINANCE:BTCUSDT", "BINANCE:ADAUSDT", "BYBIT:NKNUSDT"}));
}

TEST(Watchlist, AClickOrUpDownOpensTheSymbolInTheActiveChart) {
    Rig rig(0);
    auto window = rig.window();
    ASSERT_TRUE(window->applyLayout(QStringLiteral("2h")));
    const auto charts = window->panes();
    window->setActivePane(charts[1]);
    auto* dock = new WatchlistDock(*window, *rig.settings);
    ASSERT_TRUE(dock->addSymbol(QStringLiteral("okx:ADA-USDT")));

    clickRow(*dock, 1);  // ETHUSDT
    ASSERT_TRUE(test::processEventsUntil([&] { return symbolOf(charts[1]) == "ETHUSDT"; }, 5000));
    EXPECT_EQ(symbolOf(charts[0]), "BTCUSDT") << "only the active chart follows";

    QTest::keyClick(dock->table(), Qt::Key_Down);  // ETHBTC
    ASSERT_TRUE(test::processEventsUntil([&] { return symbolOf(charts[1]) == "ETHBTC"; }, 5000));
    QTest::keyClick(dock->table(), Qt::Key_Up);
    ASSERT_TRUE(test::processEventsUntil([&] { return symbolOf(charts[1]) == "ETHUSDT"; }, 5000));
    // Held Down: only where the walk stops is opened.
    QTest::keyClick(dock->table(), Qt::Key_Down);
    QTest::keyClick(dock->table(), Qt::Key_Down);
    QTest::keyClick(dock->table(), Qt::Key_Down);  // the OKX row
    ASSERT_TRUE(test::processEventsUntil([&] { return symbolOf(charts[1]) == "ADA-USDT"; }, 8000));
    EXPECT_EQ(charts[1]->controller().exchangeName(), QStringLiteral("okx")) << "the chart went to the row's venue";
    EXPECT_EQ(charts[0]->controller().exchangeName(), QStringLiteral("binance"));

    // The other chart active: a click on its row opens it there.
    window->setActivePane(charts[0]);
    clickRow(*dock, 0);
    ASSERT_TRUE(test::processEventsUntil([&] { return symbolOf(charts[0]) == "BTCUSDT"; }, 5000));
    clickRow(*dock, 3);
    ASSERT_TRUE(test::processEventsUntil([&] { return symbolOf(charts[0]) == "ADAUSDT"; }, 5000));
    EXPECT_EQ(symbolOf(charts[1]), "ADA-USDT");
}

TEST(Watchlist, ImportExportReportBadLinesAndListsComeBackAtTheNextStart) {
    Rig rig(0);
    {
        auto window = rig.window();
        auto* dock = new WatchlistDock(*window, *rig.settings);
        ASSERT_TRUE(dock->addList(QStringLiteral("Alts")));
        EXPECT_EQ(dock->currentList(), QStringLiteral("Alts"));
        EXPECT_TRUE(dock->symbols().empty());
        const int added = dock->importText(QStringLiteral("# exported\nBINANCE:ADAUSDT\nbinance:ETH/BTC\n\nOKX:ETH-USDT\n"
                                                           "mars:XYZ\nbinance:adausdt\nNKNUSDT\n"));
        EXPECT_EQ(added, 3);
        const QString report = dock->lastMessage();
        EXPECT_TRUE(report.contains(QStringLiteral("line 3 (binance:ETH/BTC)"))) << report.toStdString();
        EXPECT_TRUE(report.contains(QStringLiteral("line 6 (mars:XYZ): unknown exchange \"mars\""))) << report.toStdString();
        EXPECT_TRUE(report.contains(QStringLiteral("line 7 (binance:adausdt): listed twice"))) << report.toStdString();
        EXPECT_FALSE(report.contains(QStringLiteral("line 2"))) << report.toStdString();
        EXPECT_EQ(dock->exportText(), QStringLiteral("BINANCE:ADAUSDT\nOKX:ETH-USDT\nBINANCE:NKNUSDT\n"));
        // Importing it again adds nothing: every line is already in the list.
        EXPECT_EQ(dock->importText(dock->exportText()), 0);
        EXPECT_FALSE(dock->addList(QStringLiteral("Alts")));
        ASSERT_TRUE(dock->addList(QStringLiteral("Empty")));
        ASSERT_TRUE(dock->renameList(QStringLiteral("Spare")));
        ASSERT_TRUE(dock->setCurrentList(QStringLiteral("Alts")));
        ASSERT_TRUE(dock->moveSymbol(2, -1));
    }
    // The next start: the same lists, the same one shown, in the same order.
    auto window = rig.window();
    auto* dock = new WatchlistDock(*window, *rig.settings);
    EXPECT_EQ(dock->listNames(), (QStringList{QStringLiteral("Watchlist"), QStringLiteral("Alts"), QStringLiteral("Spare")}));
    EXPECT_EQ(dock->currentList(), QStringLiteral("Alts"));
    EXPECT_EQ(viewOrder(*dock), (std::vector<std::string>{"BINANCE:ADAUSDT", "BINANCE:NKNUSDT", "OKX:ETH-USDT"}));
    ASSERT_TRUE(test::processEventsUntil([&] { return allTicking(*dock); }, 15000)) << dock->venueStatusText().toStdString();
    ASSERT_TRUE(dock->setCurrentList(QStringLiteral("Watchlist")));
    EXPECT_EQ(dock->symbols().size(), 4u);
    EXPECT_EQ(dock->feed().symbols().size(), 4u) << "only the shown list is streamed";
    ASSERT_TRUE(dock->setCurrentList(QStringLiteral("Spare")));
    ASSERT_TRUE(dock->removeList());
    ASSERT_TRUE(dock->removeList());
    EXPECT_FALSE(dock->removeList()) << "the last list stays";
    EXPECT_EQ(dock->listNames(), QStringList{QStringLiteral("Watchlist")});
    // A saved state that does not parse restores nothing.
    EXPECT_FALSE(dock->restoreState("{not json"));
    EXPECT_EQ(dock->listNames(), QStringList{QStringLiteral("Watchlist")});
}

TEST(Watchlist, AnUnreachableVenueIsShownInTheDock) {
    QTemporaryDir dir;
    ControllerOptions options;
    options.exchange = "binance";
    options.restBase = "http://127.0.0.1:1";  // nothing listens there
    options.streamBase = "ws://127.0.0.1:1";
    options.databasePath = dir.filePath("cache.sqlite3").toStdString();
    ChartController controller(options);
    ASSERT_TRUE(controller.start());
    AppSettings settings(dir.filePath("settings.ini"));
    MainWindow window(controller, settings);
    window.show();
    auto* dock = new WatchlistDock(window, settings);
    auto* status = dock->findChild<QLabel*>(QStringLiteral("watchlistStatus"));
    ASSERT_TRUE(status);
    ASSERT_TRUE(test::processEventsUntil([&] { return status->text().contains(QStringLiteral("reconnecting in")); }, 10000))
        << status->text().toStdString();
    EXPECT_TRUE(status->text().startsWith(QStringLiteral("Binance: "))) << status->text().toStdString();
    EXPECT_TRUE(status->styleSheet().contains(QStringLiteral("#e53935"))) << "shown in red";
    EXPECT_EQ(cell(*dock, 0, WatchlistDock::LastColumn), QStringLiteral("…"));
    EXPECT_NE(dock->table()->model()->data(dock->table()->model()->index(0, 0), Qt::ToolTipRole).toString(), QString());
}

// ---- Compare ----------------------------------------------------------------------------------

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenu>
#include <QStatusBar>

#include "cpc/app/chart_compare.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"

namespace {

const chart::Overlay* overlayOf(const ChartPane* pane, std::uint64_t id) {
    for (const auto& o : pane->canvas()->model().overlays())
        if (o.id == id) return &o;
    return nullptr;
}

// Every bar of the chart shows the compared symbol's close at the same open time (or its
// previous one), once both have candles.
bool comparedCloses(const ChartPane* pane, std::size_t index, int* matched) {
    const ChartCompare& compare = pane->compare();
    const chart::Overlay* o = overlayOf(pane, compare.overlayId(index));
    const auto* chart = pane->controller().currentSeries();
    const auto* other = compare.controller(index)->currentSeries();
    if (!o || !chart || !other || other->size() < 50 || o->series.empty()) return false;
    const auto& values = o->series.front().values;
    if (values.size() != chart->size()) return false;
    *matched = 0;
    for (std::size_t i = 0; i < chart->size(); ++i) {
        const auto c = other->find(chart->openTime(i));
        if (!c) continue;
        if (std::fabs(values[i] - c->close.toDouble()) > 1e-9 * std::fabs(values[i])) return false;
        ++*matched;
    }
    return *matched > 50;
}

}  // namespace

TEST(Compare, AnotherSymbolOfAnyVenueIsALineOnThePercentScaleSavedWithTheChart) {
    Rig rig(0);
    QByteArray saved;
    {
        auto window = rig.window();
        ChartPane* pane = window->activePane();
        ASSERT_TRUE(test::processEventsUntil([&] { auto* s = pane->controller().currentSeries(); return s && s->size() > 100; }, 15000));

        EXPECT_FALSE(window->addCompare(QStringLiteral("kraken:ETHUSD")));
        EXPECT_TRUE(window->statusBar()->currentMessage().contains(QStringLiteral("unknown exchange \"kraken\"")))
            << window->statusBar()->currentMessage().toStdString();
        EXPECT_FALSE(window->addCompare(QStringLiteral("BTCUSDT")));  // the chart's own
        EXPECT_EQ(pane->compare().size(), 0u);

        // Through the chart's context menu, as a user does it (the dialog's text given here).
        const QPoint centre = pane->canvas()->rect().center();
        auto menu = window->contextMenuAt(centre);
        ASSERT_TRUE(menu->findChild<QAction*>(QStringLiteral("chartCompare")));
        ASSERT_TRUE(window->addCompare(QStringLiteral("ethusdt")));
        EXPECT_EQ(pane->canvas()->model().priceScaleMode(), chart::PriceScaleMode::Percent);
        EXPECT_FALSE(window->addCompare(QStringLiteral("binance:ETHUSDT")));
        EXPECT_TRUE(window->statusBar()->currentMessage().contains(QStringLiteral("compared already")));
        ASSERT_TRUE(window->addCompare(QStringLiteral("okx:ADAUSDT")));
        ASSERT_EQ(pane->compare().size(), 2u);
        EXPECT_EQ(pane->compare().controller(1)->exchangeName(), QStringLiteral("okx"));
        EXPECT_EQ(pane->compare().controller(1)->currentKey().symbol, "ADA-USDT");
        const chart::Overlay* line = overlayOf(pane, pane->compare().overlayId(0));
        ASSERT_TRUE(line);
        EXPECT_TRUE(line->rebase);
        int matched = 0;
        ASSERT_TRUE(test::processEventsUntil([&] { return comparedCloses(pane, 0, &matched); }, 15000));
        ASSERT_TRUE(test::processEventsUntil([&] { return comparedCloses(pane, 1, &matched); }, 15000));
        // One market session: the compared symbols ride it like the charts.
        EXPECT_EQ(pane->compare().controller(1)->marketSession(), rig.controller->marketSession());

        // A timeframe switch moves the compared symbols with it.
        window->openSeries(QStringLiteral("BTCUSDT"), Interval::M5);
        ASSERT_TRUE(test::processEventsUntil([&] { return pane->compare().controller(0)->currentKey().interval == Interval::M5; }, 5000));
        ASSERT_TRUE(test::processEventsUntil([&] { return comparedCloses(pane, 0, &matched); }, 15000));

        // Saved with the chart in the workspace.
        saved = window->workspaceState();
        const QJsonArray compare = QJsonDocument::fromJson(saved)
                                       .object()
                                       .value(QStringLiteral("tabs"))
                                       .toArray()
                                       .at(0)
                                       .toObject()
                                       .value(QStringLiteral("charts"))
                                       .toArray()
                                       .at(0)
                                       .toObject()
                                       .value(QStringLiteral("compare"))
                                       .toArray();
        EXPECT_EQ(compare, (QJsonArray{QStringLiteral("BINANCE:ETHUSDT"), QStringLiteral("OKX:ADA-USDT")}));

        // Removed from the menu: the line goes.
        menu = window->contextMenuAt(centre);
        const auto removers = menu->findChildren<QAction*>(QStringLiteral("chartRemoveCompare"));
        ASSERT_EQ(removers.size(), 2);
        const std::uint64_t gone = pane->compare().overlayId(0);
        removers.front()->trigger();
        EXPECT_EQ(pane->compare().size(), 1u);
        EXPECT_EQ(overlayOf(pane, gone), nullptr);
        EXPECT_EQ(pane->compare().symbols().front().text(), "OKX:ADA-USDT");
    }
    // The next start: the chart comes back with both compared symbols.
    auto window = rig.window();
    ASSERT_TRUE(window->restoreWorkspace(saved));
    ChartPane* pane = window->activePane();
    ASSERT_EQ(pane->compare().size(), 2u);
    EXPECT_EQ(pane->compare().symbols()[0].text(), "BINANCE:ETHUSDT");
    EXPECT_EQ(pane->compare().symbols()[1].text(), "OKX:ADA-USDT");
    int matched = 0;
    ASSERT_TRUE(test::processEventsUntil([&] { return comparedCloses(pane, 1, &matched); }, 15000));
}

// ---- Charts on a hidden layout tab ---------------------------------------------------------------

#include <QEventLoop>
#include <QTabWidget>
#include <QTimer>

#include "cpc/app/frame_probe.hpp"

TEST(HiddenTab, ChartsOnAHiddenTabKeepTheirDataButCostNoPaint) {
    Rig rig(20);
    auto window = rig.window();
    ASSERT_TRUE(window->applyLayout(QStringLiteral("4")));
    const auto hidden = window->panes();
    for (std::size_t i = 0; i < hidden.size(); ++i) window->openSeriesIn(hidden[i], QStringLiteral("BTCUSDT"), Interval::S1);
    ASSERT_TRUE(test::processEventsUntil(
        [&] {
            for (ChartPane* p : hidden)
                if (!p->controller().currentSeries() || p->controller().currentSeries()->empty()) return false;
            return true;
        },
        15000));
    window->setCurrentLayoutTab(window->addLayoutTab());  // the four charts are hidden now
    ChartPane* shown = window->activePane();
    window->openSeriesIn(shown, QStringLiteral("ETHUSDT"), Interval::S1);
    ASSERT_FALSE(hidden.front()->isVisible());
    QCoreApplication::processEvents();

    FrameProbe probe;
    std::vector<std::uint64_t> revisions;
    for (ChartPane* p : hidden) revisions.push_back(p->controller().currentSeries()->revision());
    // A few seconds of 1s candles: every hidden chart's series changes.
    ASSERT_TRUE(test::processEventsUntil(
        [&] {
            for (std::size_t i = 0; i < hidden.size(); ++i)
                if (hidden[i]->controller().currentSeries()->revision() <= revisions[i] + 2) return false;
            return probe.paintsOf(shown->canvas()) > 2;
        },
        15000));
    // The app's own event loop (frames are the loop's passes between waking and blocking, which
    // processEvents() never does): a second and a half of it.
    QEventLoop loop;
    QTimer::singleShot(1500, &loop, &QEventLoop::quit);
    loop.exec();
    for (ChartPane* p : hidden) EXPECT_EQ(probe.paintsOf(p->canvas()), 0u);
    EXPECT_EQ(probe.summary().hiddenPaints, 0u);
    EXPECT_GT(probe.summary().visiblePaints, 0u);
    EXPECT_GT(probe.summary().frames, 0u);
    EXPECT_GE(probe.summary().p99Ms, probe.summary().p50Ms);
    EXPECT_GT(probe.summary().maxMs, 0.0);

    // Shown again: they paint.
    window->setCurrentLayoutTab(0);
    ASSERT_TRUE(test::processEventsUntil([&] { return probe.paintsOf(hidden.back()->canvas()) > 0; }, 5000));
}
