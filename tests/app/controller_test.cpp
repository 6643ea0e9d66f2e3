#include <gtest/gtest.h>

#include <QTemporaryDir>
#include <algorithm>
#include <cstdlib>

#include "app_test_util.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/market/aggregate.hpp"

using namespace cpc;
using namespace cpc::app;

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

#include "cpc/core/time.hpp"
#include "cpc/sim/market_model.hpp"

TEST(ChartController, MemoryBudgetFromTheOptionsAndFromSettingsEvictsLeastRecentlyUsedSeries) {
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    options.memoryBudgetBytes = std::size_t{256} << 20;
    ChartController controller(options);
    EXPECT_EQ(controller.memoryBudgetBytes(), std::size_t{256} << 20);  // the option reaches the store
    ASSERT_TRUE(controller.start());
    const auto openAndLoad = [&](const char* symbol, Interval interval) {
        controller.openSeries(symbol, interval);
        return test::processEventsUntil([&] {
            return controller.currentSeries() && controller.currentSeries()->size() >= 1000;
        }, 30000);
    };
    ASSERT_TRUE(openAndLoad("BTCUSDT", Interval::M1));
    const SeriesKey btc = controller.currentKey();
    ASSERT_TRUE(openAndLoad("ETHUSDT", Interval::M1));
    const SeriesKey eth = controller.currentKey();
    ASSERT_TRUE(openAndLoad("ADAUSDT", Interval::M1));
    const SeriesKey ada = controller.currentKey();
    ASSERT_EQ(controller.store().seriesCount(), 3u);  // well within 256 MB

    // The user lowers the budget to what two series take: BTCUSDT, used least recently, goes.
    const auto bytesOf = [&](const SeriesKey& k) {
        return controller.store().find(k)->memoryBytes() + sizeof(market::CandleSeries);
    };
    const std::size_t two = bytesOf(eth) + bytesOf(ada);
    controller.setMemoryBudgetBytes(two);
    EXPECT_EQ(controller.memoryBudgetBytes(), two);
    EXPECT_EQ(controller.store().find(btc), nullptr);
    EXPECT_NE(controller.store().find(eth), nullptr);
    EXPECT_NE(controller.store().find(ada), nullptr);
    // Below the open series' own size everything else goes, never the open chart.
    controller.setMemoryBudgetBytes(1);
    EXPECT_EQ(controller.store().seriesCount(), 1u);
    ASSERT_NE(controller.currentSeries(), nullptr);
    EXPECT_EQ(controller.currentSeries()->key(), ada);
}

#include <QLabel>
#include <QRegularExpression>

#include "cpc/app/app_settings.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/app/market_bridge.hpp"

TEST(ChartController, KlineLatencyIsEventTimeToReceiptCorrectedByTheExchangeClockOffset) {
    EXPECT_EQ(ChartController::klineLatencyMs(1'000, 1'042, std::nullopt), 42);
    // The exchange clock runs 500 ms ahead of ours: the event at exchange 1,500 arrived at our
    // 1,042 (exchange 1,542).
    EXPECT_EQ(ChartController::klineLatencyMs(1'500, 1'042, 500), 42);
    EXPECT_EQ(ChartController::klineLatencyMs(1'500, 1'042, -500), 0) << "never negative";
}

TEST(ChartController, StatusBarShowsTheLatencyOfTheNewestKlineNextToTheConnectionState) {
    // The exchange clock runs about an hour ahead of ours, 10 s into a minute when the test starts;
    // 1m klines are pushed once a minute, so no real update lands while the test injects its own.
    const std::int64_t start = nowMs();
    const std::int64_t ahead = 3'600'000 + ((10'000 - start % 60'000) + 60'000) % 60'000;
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.simPushIntervalMs = 60'000;
    options.simClock = [ahead] { return nowMs() + ahead; };
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    ChartController controller(options);
    ASSERT_TRUE(controller.start());
    AppSettings settings(dir.filePath("s.ini"));
    MainWindow window(controller, settings);
    window.openSeries("BTCUSDT", Interval::M1);
    auto* state = window.findChild<QLabel*>("connectionState");
    ASSERT_NE(state, nullptr);
    // The feed measures the exchange clock (/api/v3/time) before it goes live and reports the
    // offset, so the first update's latency is already corrected: small, although the exchange's
    // clock is an hour ahead of ours, and shown without the "~" of an uncorrected figure.
    const QRegularExpression corrected(QStringLiteral("live · \\d+(\\.\\d)? m?s"));
    ASSERT_TRUE(test::processEventsUntil([&] { return corrected.match(state->text()).hasMatch(); }, 30000))
        << state->text().toStdString();
    ASSERT_TRUE(controller.latencyCorrected());
    ASSERT_TRUE(controller.status().clockOffsetMs.has_value());
    EXPECT_NEAR(static_cast<double>(*controller.status().clockOffsetMs), static_cast<double>(ahead), 5'000.0);
    ASSERT_TRUE(controller.latencyMs().has_value());
    EXPECT_LT(*controller.latencyMs(), ahead / 2);

    // An update stamped 250 ms ago on the exchange's clock is shown >= 250 ms old, not 0.
    auto* bridge = controller.findChild<MarketBridge*>();
    ASSERT_NE(bridge, nullptr);
    const Candle existing = *controller.currentSeries()->last();
    bridge->post(exchange::KlineUpdate{controller.currentKey(), existing, nowMs() + ahead - 250});
    ASSERT_TRUE(test::processEventsUntil([&] { return controller.latencyMs() && *controller.latencyMs() >= 250; }, 10000));
    EXPECT_LT(*controller.latencyMs(), ahead / 2);
    EXPECT_TRUE(corrected.match(state->text()).hasMatch()) << state->text().toStdString();
}

TEST(ChartController, TheSymbolsTickSizeComesFromExchangeInfo) {
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    ChartController controller(options);
    ASSERT_TRUE(controller.start());
    controller.openSeries("ETHBTC", Interval::H1);
    EXPECT_EQ(controller.tickSize(), 0.0);  // not known before the symbol list arrives
    ASSERT_TRUE(test::processEventsUntil([&] { return !controller.symbols().isEmpty(); }, 30000));
    EXPECT_DOUBLE_EQ(controller.tickSize(), 0.000001);  // the simulator's PRICE_FILTER tickSize
    EXPECT_EQ(controller.priceDecimals(), 6);
    controller.openSeries("BTCUSDT", Interval::H1);
    EXPECT_DOUBLE_EQ(controller.tickSize(), 0.01);
}

#include <thread>

#include "cpc/chart_qt/chart_canvas.hpp"
#include "cpc/sim/sim_server.hpp"
#include "cpc/storage/candle_database.hpp"

namespace {

// The simulator's clock 12 h into the `days`-th day after NKNUSDT's listing (its listing is the
// most recent of the simulated symbols), so a coarse series reaches the listing in few pages.
std::function<std::int64_t()> clockDaysAfterNknListing(std::int64_t days, std::int64_t* listing) {
    const sim::MarketModel model(42);
    *listing = *model.firstOpenTime("NKNUSDT", Interval::D1);
    const std::int64_t offset = *listing + days * kDayMs + 12 * kHourMs - nowMs();
    return [offset] { return nowMs() + offset; };
}

}  // namespace

TEST(ChartController, ScrollingTheChartToItsFirstCandleLoadsOlderCandlesFromTheVenueWithoutMovingTheView) {
    std::int64_t listing = 0;
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.simPushIntervalMs = 100;
    // 1,400 days of 4-hour candles: the first page (1,000) and two scroll-back loads of at
    // least 4,000 candles (kOlderCandlesPerLoad), each in pages asked at once.
    options.simClock = clockDaysAfterNknListing(1400, &listing);
    listing = *sim::MarketModel(42).firstOpenTime("NKNUSDT", Interval::H4);
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    ChartController controller(options);
    ASSERT_TRUE(controller.start());
    AppSettings settings(dir.filePath("s.ini"));
    MainWindow window(controller, settings);
    window.resize(1200, 800);
    window.show();
    window.openSeries("NKNUSDT", Interval::H4);
    ASSERT_TRUE(test::processEventsUntil([&] {
        return controller.currentSeries()->size() >= 1000 && controller.status().state == feed::FeedState::Live;
    }, 60000));
    auto& model = window.canvas()->model();
    ASSERT_EQ(model.candles().size(), controller.currentSeries()->size());
    auto* busy = window.findChild<QWidget*>("historyBusy");
    ASSERT_NE(busy, nullptr);

    // The user drags to the first candle, twice: each time one load (its pages newest first) comes
    // from the venue and the bar under the user's eyes stays where it was; the second one reaches
    // the listing.
    for (int page = 1; page <= 2; ++page) {
        model.scrollToFirstBar();
        const auto& scale = model.timeScale();
        const std::int64_t index = scale.xToIndex(scale.width() / 2);
        ASSERT_GE(index, 0);
        const std::int64_t watched = model.candles()[static_cast<std::size_t>(index)].openTime;
        const double x = scale.indexToX(static_cast<double>(index));
        const std::size_t before = model.candles().size();
        ASSERT_TRUE(test::processEventsUntil([&] {
            return model.candles().size() > before && !controller.olderHistoryLoading();
        }, 60000)) << "page " << page;
        EXPECT_EQ(controller.olderHistoryVenueRequests(), static_cast<std::uint64_t>(page));
        const std::size_t moved = controller.currentSeries()->lowerBound(watched);
        ASSERT_EQ(model.candles()[moved].openTime, watched);
        EXPECT_DOUBLE_EQ(model.timeScale().indexToX(static_cast<double>(moved)), x)
            << "the prepended page moved the view (page " << page << ")";
    }
    EXPECT_TRUE(controller.olderHistoryStartReached());
    EXPECT_EQ(model.candles().front().openTime, listing);

    // At the listing: dragging to the first candle again asks nothing and shows no busy bar.
    model.scrollToFirstBar();
    test::processEventsUntil([] { return false; }, 300);
    EXPECT_EQ(controller.olderHistoryVenueRequests(), 2u);
    EXPECT_FALSE(busy->isVisible());
}
