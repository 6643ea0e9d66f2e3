#include <gtest/gtest.h>

#include <QTemporaryDir>
#include <algorithm>
#include <cstdlib>

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
    // The feed measured the venue's clock (/api/v3/time) and passes the offset on, so the
    // latency in the status bar is corrected (no "~").
    ASSERT_TRUE(controller.status().clockOffsetMs.has_value());
    EXPECT_LT(std::abs(*controller.status().clockOffsetMs), 5'000);  // the simulator runs on this clock
    const market::CandleSeries& native = *controller.currentSeries();
    for (std::size_t i = 0; i + 1 < expected.size(); ++i) {
        const std::optional<Candle> n = native.find(expected[i].openTime);
        ASSERT_TRUE(n.has_value());
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

#include "cpc/core/time.hpp"
#include "cpc/sim/market_model.hpp"

TEST(ChartController, LiveUpdatesOfTheStreamedSeriesKeepEveryOpenCoarserTimeframeExact) {
    // The simulator's clock runs 45 s into a minute when the test starts, so a minute boundary
    // comes soon after the 1s stream is live (the derived 1m candle then closes).
    const std::int64_t start = nowMs();
    const std::int64_t offset = ((45'000 - start % 60'000) + 60'000) % 60'000;
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.simPushIntervalMs = 100;
    options.simClock = [offset] { return nowMs() + offset; };
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    ChartController controller(options);
    ASSERT_TRUE(controller.start());

    // The user opens 1m, then switches to 1s: the 1m series stays in memory and is now derived
    // live from the streamed 1s candles.
    controller.openSeries("BTCUSDT", Interval::M1);
    ASSERT_TRUE(test::processEventsUntil([&] {
        return controller.currentSeries() && controller.currentSeries()->size() >= 1000 &&
               controller.status().state == feed::FeedState::Live;
    }, 30000));
    const SeriesKey minuteKey = controller.currentKey();
    const std::int64_t formingAtSwitch = controller.currentSeries()->last()->openTime;
    EXPECT_FALSE(controller.currentSeries()->last()->closed);

    controller.openSeries("BTCUSDT", Interval::S1);
    const SeriesKey secondKey = controller.currentKey();
    const auto minutes = [&] { return controller.store().find(minuteKey); };
    const auto secondsIn = [&](std::int64_t minute) {
        const market::CandleSeries* s = controller.store().find(secondKey);
        return s ? s->lowerBound(minute + 60'000) - s->lowerBound(minute) : 0;
    };
    // Wait until the minute forming at the switch has closed (made final from the 1s candles)
    // and the next one has been derived from several live 1s updates.
    ASSERT_TRUE(test::processEventsUntil([&] {
        const market::CandleSeries* m = minutes();
        const std::optional<Candle> switched = m ? m->find(formingAtSwitch) : std::nullopt;
        return switched && switched->closed && m->find(formingAtSwitch + 60'000) &&
               secondsIn(formingAtSwitch + 60'000) >= 5;
    }, 150000)) << "the 1m series in memory did not follow the live 1s stream";
    const market::CandleSeries& derived = *minutes();
    const market::CandleSeries& seconds = *controller.store().find(secondKey);
    sim::MarketModel model(options.simSeed);
    const std::int64_t farFuture = nowMs() + offset + 3'600'000;
    // The minute that closed while only the 1s stream ran equals the venue's 1m candle.
    const auto venue = model.klines("BTCUSDT", Interval::M1, formingAtSwitch, formingAtSwitch, 1, farFuture);
    ASSERT_EQ(venue.size(), 1u);
    EXPECT_EQ(*derived.find(formingAtSwitch), venue.front());
    // The forming derived candle is the aggregate of the 1s candles received so far.
    const std::int64_t forming = derived.last()->openTime;
    ASSERT_EQ(forming, formingAtSwitch + 60'000);
    const auto expected = market::aggregate(seconds.candles().subspan(seconds.lowerBound(forming)), Interval::S1,
                                            Interval::M1);
    ASSERT_EQ(expected.size(), 1u);
    EXPECT_EQ(*derived.last(), expected.front());
}

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

// The venue's candles of `interval` with open time in [from, to), paged as over REST.
std::vector<Candle> venueCandles(const sim::MarketModel& model, const std::string& symbol, Interval interval,
                                 std::int64_t from, std::int64_t to, std::int64_t venueNow) {
    std::vector<Candle> out;
    while (from < to) {
        const auto page = model.klines(symbol, interval, from, to - 1, sim::MarketModel::kMaxLimit, venueNow);
        if (page.empty()) break;
        from = page.back().openTime + 1;
        out.insert(out.end(), page.begin(), page.end());
    }
    return out;
}

}  // namespace

TEST(ChartController, ScrollingBackPastTheCacheLoadsTheVenuesOlderCandlesUntilTheListingAndCachesThem) {
    std::int64_t listing = 0;
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.simPushIntervalMs = 100;
    // 2,101 daily candles: the newest page (1,000) when the series opens, then two scroll-back
    // pages from the venue (1,000, and 101 that reach the listing).
    options.simClock = clockDaysAfterNknListing(2100, &listing);
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    const SeriesKey key{"binance", "NKNUSDT", Interval::D1};
    const sim::MarketModel model(options.simSeed);
    std::vector<Candle> expected;  // every closed daily candle of the venue, from the listing on
    {
        ChartController controller(options);
        ASSERT_TRUE(controller.start());
        controller.openSeries("NKNUSDT", Interval::D1);
        ASSERT_EQ(controller.currentKey(), key);
        ASSERT_TRUE(test::processEventsUntil([&] {
            return controller.currentSeries()->size() >= 1000 && controller.status().state == feed::FeedState::Live;
        }, 60000));
        ASSERT_GT((*controller.currentSeries())[0].openTime, listing) << "the newest page reached the listing";

        // The user scrolls back to the first candle, again and again: the cache (empty) has
        // nothing older, so each scroll brings one page from the venue.
        int pages = 0;
        while (!controller.olderHistoryStartReached() && pages < 10) {
            const std::uint64_t requests = controller.olderHistoryVenueRequests();
            const std::size_t before = controller.currentSeries()->size();
            controller.loadOlderHistory();
            ASSERT_TRUE(controller.olderHistoryLoading());
            controller.loadOlderHistory();  // ignored: one load at a time
            ASSERT_TRUE(test::processEventsUntil([&] { return !controller.olderHistoryLoading(); }, 60000));
            EXPECT_EQ(controller.olderHistoryVenueRequests(), requests + 1) << "one venue page per scroll";
            EXPECT_GT(controller.currentSeries()->size(), before);
            ++pages;
        }
        ASSERT_TRUE(controller.olderHistoryStartReached());
        EXPECT_EQ(pages, 2);

        const market::CandleSeries& series = *controller.currentSeries();
        EXPECT_EQ(series[0].openTime, listing);
        expected = venueCandles(model, "NKNUSDT", Interval::D1, listing, series.last()->openTime,
                                options.simClock());
        ASSERT_EQ(expected.size(), 2100u);
        ASSERT_EQ(series.size(), expected.size() + 1);  // + the forming day
        for (std::size_t i = 0; i < expected.size(); ++i)
            ASSERT_EQ(series[i], expected[i]) << "candle " << i << " differs from the venue's";

        // The start is reached: scrolling again asks nothing more and shows nothing more.
        const std::uint64_t requests = controller.olderHistoryVenueRequests();
        for (int i = 0; i < 3; ++i) {
            controller.loadOlderHistory();
            EXPECT_FALSE(controller.olderHistoryLoading());
        }
        test::processEventsUntil([] { return false; }, 300);  // anything sent would be on its way
        EXPECT_EQ(controller.olderHistoryVenueRequests(), requests);
        EXPECT_EQ((*controller.currentSeries())[0].openTime, listing);
        EXPECT_EQ(controller.currentSeries()->size(), expected.size() + 1);
    }  // the storage worker writes every queued save before it stops

    // In SQLite: every closed day from the listing on, exactly.
    {
        auto db = storage::CandleDatabase::open(options.databasePath);
        ASSERT_TRUE(db) << db.error().message;
        auto stored = db->loadRange(key, 0, expected.back().openTime + kDayMs);
        ASSERT_TRUE(stored);
        EXPECT_TRUE(*stored == expected) << "stored " << stored->size() << " candles";
    }

    // Reopened with the network unreachable: the whole history comes from the cache.
    ControllerOptions offline;
    offline.restBase = "http://127.0.0.1:9";
    offline.streamBase = "ws://127.0.0.1:9";
    offline.databasePath = options.databasePath;
    ChartController reopened(offline);
    ASSERT_TRUE(reopened.start());
    reopened.openSeries("NKNUSDT", Interval::D1);
    ASSERT_TRUE(test::processEventsUntil([&] { return reopened.currentSeries()->size() >= expected.size(); }, 30000));
    const auto cached = reopened.currentSeries()->candles();
    EXPECT_TRUE(std::vector<Candle>(cached.begin(), cached.end()) == expected);
}

TEST(ChartController, TheListingStartIsKeptInTheCacheSoAReopenedChartDoesNotAskTheVenueForOlderCandlesAgain) {
    std::int64_t listing = 0;
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.simPushIntervalMs = 100;
    // 1,200 daily candles: the newest page (1,000) when the series opens, one scroll-back page
    // (200) that reaches the listing.
    options.simClock = clockDaysAfterNknListing(1200, &listing);
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    const SeriesKey key{"binance", "NKNUSDT", Interval::D1};
    {
        ChartController controller(options);
        ASSERT_TRUE(controller.start());
        controller.openSeries("NKNUSDT", Interval::D1);
        ASSERT_TRUE(test::processEventsUntil([&] {
            return controller.currentSeries()->size() >= 1000 && controller.status().state == feed::FeedState::Live;
        }, 60000));
        controller.loadOlderHistory();
        ASSERT_TRUE(test::processEventsUntil([&] { return !controller.olderHistoryLoading(); }, 60000));
        ASSERT_TRUE(controller.olderHistoryStartReached());
        EXPECT_EQ(controller.olderHistoryVenueRequests(), 1u);
        EXPECT_EQ((*controller.currentSeries())[0].openTime, listing);
    }  // the storage worker writes every queued job before it stops
    {
        // The coverage table says: nothing at the venue before the listing.
        auto db = storage::CandleDatabase::open(options.databasePath);
        ASSERT_TRUE(db) << db.error().message;
        auto coverage = db->coverage(key);
        ASSERT_TRUE(coverage) << coverage.error().message;
        const storage::CoverageRange gap{ChartController::kBeforeListingFromMs, listing, storage::CoverageKind::Gap};
        EXPECT_NE(std::find(coverage->begin(), coverage->end(), gap), coverage->end());
    }

    // Reopened against the venue: the cached candles reach the remembered listing, so scrolling
    // back asks the venue nothing (before, it made one empty request per opening).
    ChartController reopened(options);
    ASSERT_TRUE(reopened.start());
    reopened.openSeries("NKNUSDT", Interval::D1);
    ASSERT_TRUE(test::processEventsUntil([&] {
        return reopened.currentSeries()->size() >= 1200 && reopened.status().state == feed::FeedState::Live &&
               reopened.olderHistoryStartReached();
    }, 60000));
    EXPECT_EQ((*reopened.currentSeries())[0].openTime, listing);
    const std::uint64_t served = reopened.simulator()->stats().restRequests;
    for (int i = 0; i < 3; ++i) {
        reopened.loadOlderHistory();
        EXPECT_FALSE(reopened.olderHistoryLoading());
    }
    test::processEventsUntil([] { return false; }, 500);  // anything sent would have been served
    EXPECT_EQ(reopened.olderHistoryVenueRequests(), 0u);
    EXPECT_EQ(reopened.simulator()->stats().restRequests, served);

    // Another series of the same symbol knows nothing of it: its listing is its own.
    reopened.openSeries("NKNUSDT", Interval::W1);
    EXPECT_FALSE(reopened.olderHistoryStartReached());
}

TEST(ChartController, AScrollBackPageOfASeriesTheUserLeftIsDropped) {
    std::int64_t listing = 0;
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.simPushIntervalMs = 100;
    options.simClock = clockDaysAfterNknListing(1500, &listing);
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    ChartController controller(options);
    ASSERT_TRUE(controller.start());
    controller.openSeries("NKNUSDT", Interval::D1);
    ASSERT_TRUE(test::processEventsUntil([&] {
        return controller.currentSeries()->size() >= 1000 && controller.status().state == feed::FeedState::Live;
    }, 60000));
    const SeriesKey daily = controller.currentKey();
    const std::size_t dailyCount = controller.currentSeries()->size();
    const std::int64_t dailyFirst = (*controller.currentSeries())[0].openTime;

    controller.loadOlderHistory();
    ASSERT_TRUE(test::processEventsUntil([&] { return controller.olderHistoryVenueRequests() == 1; }, 60000));
    // The GUI thread is busy elsewhere while the venue answers: the page waits in the mailbox.
    // (Should it not have come yet, opening the next series cancels it: dropped either way.)
    const std::uint64_t servedBefore = controller.simulator()->stats().restRequests;
    for (int i = 0; i < 200 && controller.simulator()->stats().restRequests == servedBefore; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    controller.openSeries("NKNUSDT", Interval::W1);
    ASSERT_TRUE(test::processEventsUntil([&] {
        return !controller.currentSeries()->empty() && controller.status().state == feed::FeedState::Live;
    }, 60000));
    test::processEventsUntil([] { return false; }, 300);

    // The same, deterministically: a page for the daily series arrives now that it is not current,
    // and an older page for the weekly one that nobody asked for.
    const sim::MarketModel model(options.simSeed);
    auto* bridge = controller.findChild<MarketBridge*>();
    ASSERT_NE(bridge, nullptr);
    feed::HistoryBatch stale{daily, model.klines("NKNUSDT", Interval::D1, std::nullopt, dailyFirst - 1, 10,
                                                 options.simClock())};
    stale.older = true;
    ASSERT_EQ(stale.candles.size(), 10u);
    bridge->post(stale);
    const std::size_t weeklyCount = controller.currentSeries()->size();
    feed::HistoryBatch unasked{controller.currentKey(), {}};
    unasked.older = true;
    unasked.startReached = true;
    bridge->post(unasked);
    test::processEventsUntil([] { return false; }, 300);

    const market::CandleSeries* left = controller.store().find(daily);
    ASSERT_NE(left, nullptr);
    EXPECT_EQ(left->size(), dailyCount) << "a page of the daily series merged after the user left it";
    EXPECT_EQ((*left)[0].openTime, dailyFirst);
    EXPECT_FALSE(controller.olderHistoryLoading());
    EXPECT_FALSE(controller.olderHistoryStartReached()) << "a page not asked for ended the scroll-back";
    EXPECT_EQ(controller.currentSeries()->size(), weeklyCount);
    // The weekly series' newest page already starts at the listing week; nothing older merged.
    EXPECT_EQ((*controller.currentSeries())[0].openTime, *model.firstOpenTime("NKNUSDT", Interval::W1));
}

TEST(ChartController, ScrollingBackTakesWhatTheCacheHoldsThenTheRestFromTheVenueInOneStep) {
    std::int64_t listing = 0;
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.simPushIntervalMs = 100;
    options.simClock = clockDaysAfterNknListing(400, &listing);
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    const SeriesKey key{"binance", "NKNUSDT", Interval::H1};
    const sim::MarketModel model(options.simSeed);
    // The cache holds 5,300 hours from hour 2,000 after the listing: the chart opens with the
    // newest 5,000 of them, so 300 older ones are cached and the rest is only at the venue.
    const std::int64_t cachedFrom = listing + 2000 * kHourMs;
    {
        auto db = storage::CandleDatabase::open(options.databasePath);
        ASSERT_TRUE(db) << db.error().message;
        const auto cached = venueCandles(model, "NKNUSDT", Interval::H1, cachedFrom, cachedFrom + 5300 * kHourMs,
                                         options.simClock());
        ASSERT_EQ(cached.size(), 5300u);
        ASSERT_TRUE(db->upsert(key, cached));
    }
    ChartController controller(options);
    ASSERT_TRUE(controller.start());
    controller.openSeries("NKNUSDT", Interval::H1);
    ASSERT_TRUE(test::processEventsUntil([&] {
        return controller.currentSeries()->size() >= 5000 && controller.status().state == feed::FeedState::Live;
    }, 60000));
    ASSERT_EQ((*controller.currentSeries())[0].openTime, cachedFrom + 300 * kHourMs);

    controller.loadOlderHistory();
    ASSERT_TRUE(test::processEventsUntil([&] { return !controller.olderHistoryLoading(); }, 60000));
    // The 300 cached hours, then (the cache has nothing older) one page of 1,000 from the venue.
    EXPECT_EQ(controller.olderHistoryVenueRequests(), 1u);
    EXPECT_FALSE(controller.olderHistoryStartReached());
    const market::CandleSeries& series = *controller.currentSeries();
    ASSERT_EQ(series[0].openTime, cachedFrom - 1000 * kHourMs);
    const auto expected = venueCandles(model, "NKNUSDT", Interval::H1, series[0].openTime, series.last()->openTime,
                                       options.simClock());
    ASSERT_EQ(series.size(), expected.size() + 1);  // + the forming hour
    for (std::size_t i = 0; i < expected.size(); ++i)
        ASSERT_EQ(series[i], expected[i]) << "candle " << i << " differs from the venue's";
}

TEST(ChartController, ScrollingTheChartToItsFirstCandleLoadsOlderCandlesFromTheVenueWithoutMovingTheView) {
    std::int64_t listing = 0;
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.simPushIntervalMs = 100;
    options.simClock = clockDaysAfterNknListing(2100, &listing);
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    ChartController controller(options);
    ASSERT_TRUE(controller.start());
    AppSettings settings(dir.filePath("s.ini"));
    MainWindow window(controller, settings);
    window.resize(1200, 800);
    window.show();
    window.openSeries("NKNUSDT", Interval::D1);
    ASSERT_TRUE(test::processEventsUntil([&] {
        return controller.currentSeries()->size() >= 1000 && controller.status().state == feed::FeedState::Live;
    }, 60000));
    auto& model = window.canvas()->model();
    ASSERT_EQ(model.candles().size(), controller.currentSeries()->size());
    auto* busy = window.findChild<QWidget*>("historyBusy");
    ASSERT_NE(busy, nullptr);

    // The user drags to the first candle, twice: each time one page comes from the venue and the
    // bar under the user's eyes stays where it was.
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
