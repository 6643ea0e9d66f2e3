// The app's replay (`canvasprochart --replay DIR`, issue 16): a chart recorded live against the
// simulator (the market session's wire tap, as cpc record and File > Record do) is replayed into a
// replayed market session: the chart's candles are those the live chart had, pause stops them,
// a step and a seek move the clock, speed max plays to the end; the toolbar drives it and the
// status bar says the replay clock, the end, and which file of a cut recording stopped where.
// The binary's --replay / --speed flags refuse bad input with what is accepted.
#include <gtest/gtest.h>

#include <QAction>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimeZone>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <thread>

#include <sys/resource.h>

#include <boost/asio/post.hpp>

#include "app_test_util.hpp"
#include "cpc/alerts/alert_store.hpp"
#include "cpc/app/alert_service.hpp"
#include "cpc/app/app_services.hpp"
#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_pane.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"
#include "cpc/app/chart_compare.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/order_flow_feed.hpp"
#include "cpc/app/realtime_models.hpp"
#include "cpc/app/realtime_window.hpp"
#include "cpc/app/replay_player.hpp"
#include "cpc/app/session_recorder.hpp"
#include "cpc/core/time.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/orderflow/book_heatmap.hpp"
#include "cpc/orderflow/footprint.hpp"
#include "cpc/replay/record_writer.hpp"
#include "cpc/replay/recorder.hpp"
#include "cpc/session/market_session.hpp"
#include "cpc/sim/sim_server.hpp"

using cpc::test::AppRun;
using cpc::test::runApp;

using namespace cpc;
using namespace cpc::app;
using cpc::test::processEventsUntil;
namespace fs = std::filesystem;

namespace {

std::map<std::int64_t, Candle> candlesOf(const ChartController& controller) {
    std::map<std::int64_t, Candle> out;
    if (const auto* series = controller.currentSeries())
        for (std::size_t i = 0; i < series->size(); ++i) out[(*series)[i].openTime] = (*series)[i];
    return out;
}

// One recording of a live chart (BTCUSDT 1m on the simulator, its exchange clock 20 times as fast
// so minutes close during the test), made once for every test, with the candles the live chart had.
struct LiveRecording {
    QTemporaryDir tmp;
    QString dir;
    std::map<std::int64_t, Candle> liveCandles;
    std::int64_t liveAtMs = 0;  // when the chart went live (its history is recorded by then)
    std::string error;
};

// A simulator whose exchange clock runs 20 times as fast from 10 s before a minute ends (minutes
// close while a short recording runs), pushing klines every 100 ms.
sim::SimConfig quickSimConfig() {
    sim::SimConfig config;
    config.klinePushInterval = std::chrono::milliseconds(100);
    const std::int64_t start = bucketStart(Interval::M1, nowMs()) + 50'000;
    const auto wallStart = std::chrono::steady_clock::now();
    config.clock = [start, wallStart] {
        const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - wallStart);
        return start + 20 * elapsed.count();
    };
    return config;
}

LiveRecording& liveRecording() {
    // Kept until the process exits, then its directory is removed (a test process each, many runs).
    static const std::unique_ptr<LiveRecording> recording = [] {
        auto r = std::make_unique<LiveRecording>();
        r->dir = r->tmp.filePath(QStringLiteral("rec"));
        sim::SimConfig config = quickSimConfig();
        sim::SimServer simulator(config);
        if (auto started = simulator.start(); !started) {
            r->error = started.error().message;
            return r;
        }
        replay::SessionInfo info;
        info.exchange = "binance";
        info.restBase = simulator.restBase();
        info.streamBase = simulator.streamBase();
        info.symbols = {"BTCUSDT"};
        info.streams = {"kline_1m"};
        info.startedAtMs = nowMs();
        auto writer = replay::RecordWriter::create(r->dir.toStdString(), info);
        if (!writer) {
            r->error = writer.error().message;
            return r;
        }
        const auto recorder = std::make_shared<replay::Recorder>(std::move(*writer));
        {
            ServicesOptions so;
            so.databasePath = r->tmp.filePath(QStringLiteral("live.sqlite3")).toStdString();
            so.streams.tap = recorder;
            AppServices services(so);
            ControllerOptions co;
            co.exchange = "binance";
            co.restBase = info.restBase;
            co.streamBase = info.streamBase;
            co.services = &services;
            ChartController controller(co);
            if (auto started = controller.start(); !started) {
                r->error = started.error().message;
                return r;
            }
            controller.openSeries(QStringLiteral("BTCUSDT"), Interval::M1);
            // Live, then long enough for a few minutes of the simulator to close.
            processEventsUntil([&] { return controller.status().state == feed::FeedState::Live; }, 20000);
            r->liveAtMs = nowMs();
            const auto liveAt = std::chrono::steady_clock::now();
            processEventsUntil([&] { return std::chrono::steady_clock::now() - liveAt > std::chrono::seconds(9); }, 15000);
            // Nothing more is received (or recorded); what was received reaches the chart.
            services.market().stop();
            processEventsUntil([] { return false; }, 500);
            r->liveCandles = candlesOf(controller);
        }
        if (auto closed = recorder->writer().close(); !closed) r->error = closed.error().message;
        simulator.stop();
        return r;
    }();
    return *recording;
}

// A replay as runApp composes it: a replayed market session, the chart's controller on the
// recording's venue (read-only cache, here none), the player started once the chart subscribed.
struct Replay {
    // `beforeStart`: what else listens to the replayed market (the alerts), made before it plays.
    explicit Replay(const QString& dir, replay::ReplayOptions options, const std::string& database = {},
                    std::function<void(Replay&)> beforeStart = {}) {
        auto reader = ReplayPlayer::openRecording(dir);
        if (!reader) {
            error = reader.error().message;
            return;
        }
        const replay::SessionInfo info = (*reader)->info();
        ServicesOptions so;
        so.streams.replay = true;
        so.readOnlyCache = true;
        so.databasePath = database.empty() ? (fs::path(dir.toStdString()).parent_path() / "none.sqlite3").string() : database;
        services = std::make_unique<AppServices>(so);
        ControllerOptions co;
        co.replay = true;
        co.replaySymbols = info.symbols;
        co.exchange = info.exchange;
        co.restBase = info.restBase;
        co.streamBase = info.streamBase;
        co.services = services.get();
        controller = std::make_unique<ChartController>(co);
        if (auto started = controller->start(); !started) {
            error = started.error().message;
            return;
        }
        controller->openSeries(QString::fromStdString(info.symbols.front()), ReplayPlayer::chartInterval(info));
        player = std::make_unique<ReplayPlayer>(*services, std::move(*reader), options);
        // A seek back, as runApp wires it: the chart starts over (or what `onRewind` says: the
        // window's charts and realtime window), the replay waits until it listens.
        QObject::connect(player.get(), &ReplayPlayer::rewinding, [this] {
            ++rewinds;
            if (onRewind) onRewind();
            else controller->restartReplay();
        });
        player->setReadyCheck([this] { return player->listeners(controller->currentKey()) >= listenersWanted; });
        if (beforeStart) beforeStart(*this);
        if (!processEventsUntil([&] { return player->listeners(controller->currentKey()) >= listenersWanted; }, 10000)) {
            error = "the chart never subscribed";
            return;
        }
        if (auto started = player->start(); !started) error = started.error().message;
    }
    ~Replay() {
        ui.reset();  // the windows read the controller
        if (services) services->setMarketClock({});
        alerts.reset();
        player.reset();
        controller.reset();
        services.reset();
    }
    std::unique_ptr<AppServices> services;
    std::unique_ptr<ChartController> controller;
    std::unique_ptr<ReplayPlayer> player;
    std::unique_ptr<AlertService> alerts;
    std::function<void()> onRewind;
    std::shared_ptr<void> ui;  // windows on the replay (beforeStart's), gone first
    std::size_t listenersWanted = 1;  // users of the chart's kline stream before it plays
    int rewinds = 0;
    std::string error;
};

replay::ReplayOptions speed(double x, bool max = false) {
    replay::ReplayOptions o;
    o.speed = x;
    o.asFastAsPossible = max;
    return o;
}

}  // namespace

TEST(ReplayApp, AChartReplayedAsFastAsPossibleHasTheCandlesTheLiveChartHad) {
    auto& live = liveRecording();
    ASSERT_TRUE(live.error.empty()) << live.error;
    Replay r(live.dir, speed(1, true));
    ASSERT_TRUE(r.error.empty()) << r.error;
    ASSERT_TRUE(processEventsUntil([&] { return r.player->state() == ReplayPlayer::State::Ended; }, 30000))
        << r.player->statusText().toStdString();
    processEventsUntil([] { return false; }, 300);  // the last events reach the chart
    const auto replayed = candlesOf(*r.controller);
    // The replay asks the venue for nothing and its cache is empty: its candles are the recorded
    // stream's, a few minutes of them, each the live chart's candle of that minute.
    ASSERT_GE(replayed.size(), 3u) << "status " << static_cast<int>(r.controller->status().state) << " "
                                   << r.controller->status().detail << "; frames " << r.player->framesPlayed()
                                   << "; live " << live.liveCandles.size() << " candles; "
                                   << r.player->statusText().toStdString();
    for (const auto& [openTime, candle] : replayed) {
        const auto it = live.liveCandles.find(openTime);
        ASSERT_NE(it, live.liveCandles.end()) << "the live chart had no candle at " << openTime;
        EXPECT_EQ(candle, it->second) << "candle at " << openTime;
    }
    // And every live candle of the span the stream covered is there.
    for (auto it = live.liveCandles.lower_bound(replayed.begin()->first); it != live.liveCandles.end(); ++it)
        EXPECT_TRUE(replayed.count(it->first)) << "missing " << it->first;
    EXPECT_TRUE(r.player->statusText().contains(QStringLiteral("Replay ended"))) << r.player->statusText().toStdString();
    EXPECT_EQ(r.services->storage().stats().savesQueued, 0u) << "a replay wrote into the cache";
}

TEST(ReplayApp, PauseStopsTheCandlesAStepAndASeekMoveTheClock) {
    auto& live = liveRecording();
    ASSERT_TRUE(live.error.empty()) << live.error;
    Replay r(live.dir, speed(1));
    ASSERT_TRUE(r.error.empty()) << r.error;
    ASSERT_TRUE(processEventsUntil([&] { return r.player->framesPlayed() > 5; }, 10000));
    r.player->setPaused(true);
    processEventsUntil([] { return false; }, 300);  // what was on its way arrives
    const auto clock = r.player->clockMs();
    const auto frames = r.player->framesPlayed();
    const auto candles = candlesOf(*r.controller);
    ASSERT_FALSE(candles.empty()) << "the chart had nothing yet: the pause would prove nothing";
    processEventsUntil([] { return false; }, 1500);  // at 1x more than ten frames would have come
    EXPECT_EQ(r.player->framesPlayed(), frames);
    EXPECT_EQ(r.player->clockMs(), clock);
    EXPECT_EQ(candlesOf(*r.controller), candles) << "candles changed while paused";
    EXPECT_TRUE(r.player->statusText().startsWith(QStringLiteral("Replay paused at"))) << r.player->statusText().toStdString();

    r.player->stepFrame();
    ASSERT_TRUE(processEventsUntil([&] { return r.player->framesPlayed() == frames + 1; }, 5000));
    processEventsUntil([] { return false; }, 300);
    EXPECT_EQ(r.player->framesPlayed(), frames + 1) << "a step plays one frame";
    EXPECT_GT(r.player->clockMs(), clock);

    // A seek two seconds ahead plays them at once and stays paused there.
    const auto target = r.player->clockMs() + 2000;
    ASSERT_TRUE(r.player->seekTo(target));
    ASSERT_TRUE(processEventsUntil([&] { return r.player->clockMs() >= target - 250; }, 5000)) << r.player->clockMs() - target;
    processEventsUntil([] { return false; }, 300);
    EXPECT_LT(r.player->clockMs(), target);  // the last record before it
    EXPECT_EQ(r.player->state(), ReplayPlayer::State::Paused);
    const auto afterSeek = r.player->framesPlayed();
    processEventsUntil([] { return false; }, 800);
    EXPECT_EQ(r.player->framesPlayed(), afterSeek) << "a seek resumed a paused replay";

    // The next second, then as fast as possible to the end.
    const auto beforeSecond = r.player->clockMs();
    r.player->stepSecond();
    ASSERT_TRUE(processEventsUntil([&] { return r.player->clockMs() >= beforeSecond + 750; }, 5000));
    r.player->setSpeed(1, true);
    r.player->setPaused(false);
    ASSERT_TRUE(processEventsUntil([&] { return r.player->state() == ReplayPlayer::State::Ended; }, 30000))
        << r.player->statusText().toStdString();
}

TEST(ReplayApp, TheToolbarDrivesTheReplayAndTheStatusBarShowsItsClock) {
    auto& live = liveRecording();
    ASSERT_TRUE(live.error.empty()) << live.error;
    Replay r(live.dir, speed(1));
    ASSERT_TRUE(r.error.empty()) << r.error;
    QMainWindow window;
    auto* bar = new ReplayToolbar(window, *r.player);
    window.show();
    ASSERT_TRUE(processEventsUntil([&] { return r.player->clockMs() > 0; }, 10000));
    processEventsUntil([] { return false; }, 300);
    EXPECT_TRUE(bar->statusLabel()->text().startsWith(QStringLiteral("Replay 20"))) << bar->statusLabel()->text().toStdString();
    EXPECT_TRUE(bar->statusLabel()->text().contains(QStringLiteral("UTC · 1×"))) << bar->statusLabel()->text().toStdString();

    bar->pauseAction()->trigger();
    EXPECT_EQ(r.player->state(), ReplayPlayer::State::Paused);
    EXPECT_EQ(bar->pauseAction()->text(), QStringLiteral("Resume"));
    processEventsUntil([] { return false; }, 300);
    const auto frames = r.player->framesPlayed();
    bar->stepFrameAction()->trigger();
    ASSERT_TRUE(processEventsUntil([&] { return r.player->framesPlayed() == frames + 1; }, 5000));

    // The speed box: max plays the rest at once; the end is a visible state.
    const int maxIndex = bar->speedBox()->findText(QStringLiteral("max"));
    ASSERT_GE(maxIndex, 0);
    bar->speedBox()->setCurrentIndex(maxIndex);
    emit bar->speedBox()->activated(maxIndex);
    EXPECT_TRUE(r.player->asFastAsPossible());
    bar->pauseAction()->trigger();
    ASSERT_TRUE(processEventsUntil([&] { return r.player->state() == ReplayPlayer::State::Ended; }, 30000));
    processEventsUntil([] { return false; }, 200);
    EXPECT_TRUE(bar->statusLabel()->text().startsWith(QStringLiteral("Replay ended at"))) << bar->statusLabel()->text().toStdString();
    EXPECT_FALSE(bar->pauseAction()->isEnabled());
}

namespace {

// Waits until a paused replay sought forward to `t` played every record before it.
bool settledBefore(Replay& r, std::int64_t t) {
    if (!processEventsUntil([&] { return r.player->clockMs() >= t - 400; }, 20000)) return false;
    processEventsUntil([] { return false; }, 400);  // what was played reaches the chart
    return r.player->clockMs() < t;
}

}  // namespace

// A forward seek of a paused replay whose network thread is busy when the seek is asked (a loaded
// machine): the time box still follows the replay to where it went. Before, the toolbar stopped
// following after a 50 ms tick in which the clock had not moved yet, and the box kept the clock
// from before the seek.
TEST(ReplayApp, AForwardSeekTheReplaysThreadTakesUpLateStillMovesTheTimeBoxToWhereItWent) {
    auto& live = liveRecording();
    ASSERT_TRUE(live.error.empty()) << live.error;
    Replay r(live.dir, speed(1));
    ASSERT_TRUE(r.error.empty()) << r.error;
    QMainWindow window;
    auto* bar = new ReplayToolbar(window, *r.player);
    window.show();
    ASSERT_TRUE(processEventsUntil([&] { return r.player->framesPlayed() > 5; }, 10000));
    bar->pauseAction()->trigger();
    processEventsUntil([] { return false; }, 300);
    const std::int64_t before = r.player->clockMs();
    const std::int64_t target = before + 3000;
    // The replay's network thread is busy for 600 ms when the seek comes: twelve of the toolbar's
    // 50 ms ticks see the clock standing still.
    std::atomic<bool> busy{true};
    boost::asio::post(r.services->io().context(), [&busy] {
        std::this_thread::sleep_for(std::chrono::milliseconds(600));
        busy = false;
    });
    bar->seekTimeEdit()->setDateTime(QDateTime::fromMSecsSinceEpoch(target, QTimeZone::utc()));
    bar->seekAction()->trigger();
    ASSERT_TRUE(settledBefore(r, target)) << r.player->clockMs() - target;
    EXPECT_FALSE(busy);
    EXPECT_GT(r.player->clockMs(), before + 2000);
    EXPECT_EQ(bar->seekTimeEdit()->dateTime().toMSecsSinceEpoch(), (r.player->clockMs() + 999) / 1000 * 1000)
        << "the time box does not show where the seek went (before it: " << (before + 999) / 1000 * 1000 << ")";
    EXPECT_EQ(r.player->state(), ReplayPlayer::State::Paused);
}

// Issue 16's seek back: the chart after going back to t1 from t2 is the chart a replay played
// from the start to t1 shows — the same candles, none newer, the same clock and frames — and it
// stays paused there. (Before, a seek back was refused: "a replay only goes forward".)
TEST(ReplayApp, ASeekBackShowsWhatAFreshReplayShowsAtThatTime) {
    auto& live = liveRecording();
    ASSERT_TRUE(live.error.empty()) << live.error;
    Replay r(live.dir, speed(1));
    ASSERT_TRUE(r.error.empty()) << r.error;
    r.player->setPaused(true);
    // The app's window on the replay's chart, with the replay toolbar (the screenshot).
    QTemporaryDir settingsDir;
    AppSettings settings(settingsDir.filePath(QStringLiteral("settings.ini")));
    MainWindow window(*r.controller, settings);
    auto* bar = new ReplayToolbar(window, *r.player);
    window.resize(1200, 760);
    window.show();
    // From when the chart went live, not from the recording's start: on a loaded machine going
    // live took more than 3 s, and at t0 + 3 s the fresh replay had only one candle.
    const std::int64_t t0 = live.liveAtMs;
    const std::int64_t t1 = t0 + 3000;
    const std::int64_t t2 = t0 + 8000;
    ASSERT_TRUE(r.player->seekTo(t2));
    ASSERT_TRUE(settledBefore(r, t2)) << r.player->clockMs() - t2;
    const auto atT2 = candlesOf(*r.controller);

    ASSERT_TRUE(r.player->seekTo(t1));
    EXPECT_EQ(r.player->state(), ReplayPlayer::State::Seeking);
    EXPECT_TRUE(r.player->statusText().startsWith(QStringLiteral("Seeking to "))) << r.player->statusText().toStdString();
    EXPECT_TRUE(r.player->statusText().endsWith(QStringLiteral(" UTC"))) << r.player->statusText().toStdString();
    ASSERT_TRUE(processEventsUntil([&] { return r.player->state() == ReplayPlayer::State::Paused; }, 20000))
        << r.player->statusText().toStdString();
    processEventsUntil([] { return false; }, 500);
    EXPECT_EQ(r.rewinds, 1);
    const auto back = candlesOf(*r.controller);
    const std::int64_t clockBack = r.player->clockMs();
    const std::uint64_t framesBack = r.player->framesPlayed();
    EXPECT_LT(clockBack, t1);
    EXPECT_GT(clockBack, t1 - 400);
    EXPECT_TRUE(r.player->statusText().startsWith(QStringLiteral("Replay paused at"))) << r.player->statusText().toStdString();
    EXPECT_EQ(bar->statusLabel()->text(), r.player->statusText());
    EXPECT_EQ(bar->pauseAction()->text(), QStringLiteral("Resume"));
    const ChartPane* pane = window.activePane();
    ASSERT_NE(pane, nullptr);
    EXPECT_EQ(pane->canvas()->model().series(), r.controller->currentSeries()) << "the chart shows the hub of before";
    if (const char* keep = std::getenv("CPC_SEEKBACK_SCREENSHOT")) window.grab().save(QString::fromLocal8Bit(keep));
    processEventsUntil([] { return false; }, 800);
    EXPECT_EQ(r.player->framesPlayed(), framesBack) << "the seek back of a paused replay played on";

    Replay fresh(live.dir, speed(1));
    ASSERT_TRUE(fresh.error.empty()) << fresh.error;
    fresh.player->setPaused(true);
    ASSERT_TRUE(fresh.player->seekTo(t1));
    ASSERT_TRUE(settledBefore(fresh, t1));
    const auto freshCandles = candlesOf(*fresh.controller);
    ASSERT_GE(freshCandles.size(), 2u) << "too few candles by t1 to tell anything";
    EXPECT_EQ(clockBack, fresh.player->clockMs());
    EXPECT_EQ(framesBack, fresh.player->framesPlayed());
    ASSERT_FALSE(back.empty()) << "the chart lost its candles";
    EXPECT_EQ(back, freshCandles) << "the chart after the seek back is not the fresh replay's at t1";
    EXPECT_NE(back, atT2) << "nothing changed between t1 and t2: the test would prove nothing";
    EXPECT_LE(back.rbegin()->first, freshCandles.rbegin()->first) << "a candle newer than t1 stayed";

    // From there both play on alike: as fast as possible to the end, the same candles.
    r.player->setSpeed(1, true);
    r.player->setPaused(false);
    fresh.player->setSpeed(1, true);
    fresh.player->setPaused(false);
    ASSERT_TRUE(processEventsUntil([&] {
        return r.player->state() == ReplayPlayer::State::Ended && fresh.player->state() == ReplayPlayer::State::Ended;
    }, 30000));
    processEventsUntil([] { return false; }, 300);
    EXPECT_EQ(candlesOf(*r.controller), candlesOf(*fresh.controller));
    EXPECT_EQ(r.player->framesPlayed(), fresh.player->framesPlayed());
}

// After "Replay ended" the toolbar's Go still works: a time after the end is refused saying so,
// one before the start goes to the start saying so, shows "Seeking to … UTC" and plays the
// recording again to its end — the same frames and candles as the first time.
TEST(ReplayApp, AfterTheEndTheToolbarGoesBackAndTheRecordingPlaysAgain) {
    auto& live = liveRecording();
    ASSERT_TRUE(live.error.empty()) << live.error;
    Replay r(live.dir, speed(1, true));
    ASSERT_TRUE(r.error.empty()) << r.error;
    QMainWindow window;
    auto* bar = new ReplayToolbar(window, *r.player);
    window.show();
    ASSERT_TRUE(processEventsUntil([&] { return r.player->state() == ReplayPlayer::State::Ended; }, 30000));
    processEventsUntil([] { return false; }, 300);
    const auto full = candlesOf(*r.controller);
    const std::uint64_t frames = r.player->framesPlayed();
    ASSERT_GT(frames, 10u);
    EXPECT_EQ(r.player->endMs(), r.player->clockMs());
    EXPECT_FALSE(bar->pauseAction()->isEnabled());
    EXPECT_TRUE(bar->seekAction()->isEnabled()) << "Go is what goes back after the end";

    const auto utc = [](std::int64_t ms) { return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()); };
    bar->seekTimeEdit()->setDateTime(utc(r.player->endMs() + 120'000));
    bar->seekAction()->trigger();
    EXPECT_EQ(r.player->state(), ReplayPlayer::State::Ended);
    EXPECT_TRUE(bar->statusLabel()->text().contains(QStringLiteral("is after the recording's end")))
        << bar->statusLabel()->text().toStdString();
    EXPECT_EQ(r.rewinds, 0);

    bar->seekTimeEdit()->setDateTime(utc(r.player->info().startedAtMs - 3'600'000));
    bar->seekAction()->trigger();
    EXPECT_EQ(r.player->state(), ReplayPlayer::State::Seeking);
    EXPECT_TRUE(bar->statusLabel()->text().startsWith(QStringLiteral("Seeking to "))) << bar->statusLabel()->text().toStdString();
    EXPECT_TRUE(bar->statusLabel()->text().contains(QStringLiteral("is before the recording's start: going to its start")))
        << bar->statusLabel()->text().toStdString();
    EXPECT_FALSE(bar->stepFrameAction()->isEnabled());
    ASSERT_TRUE(processEventsUntil([&] { return r.player->state() == ReplayPlayer::State::Ended; }, 30000))
        << r.player->statusText().toStdString();
    processEventsUntil([] { return false; }, 300);
    EXPECT_EQ(r.rewinds, 1);
    EXPECT_EQ(r.player->framesPlayed(), frames);
    EXPECT_EQ(candlesOf(*r.controller), full);
    EXPECT_TRUE(bar->statusLabel()->text().startsWith(QStringLiteral("Replay ended at"))) << bar->statusLabel()->text().toStdString();
}

// The replay's alerts (evaluated on a copy of the alert file) after a seek back: the log and the
// alert's state start over from the file as the replay began, and each crossing fires once as the
// recording plays again — what a fresh replay fires, no firing lost (the evaluation marks of the
// first pass would hide them) and none doubled (the first pass's log is not kept).
TEST(ReplayApp, AfterASeekBackTheReplaysAlertsFireOncePerCrossingAsAFreshReplayDoes) {
    auto& live = liveRecording();
    ASSERT_TRUE(live.error.empty()) << live.error;
    std::map<std::int64_t, Candle> replayed;
    {
        Replay probe(live.dir, speed(1, true));
        ASSERT_TRUE(probe.error.empty()) << probe.error;
        ASSERT_TRUE(processEventsUntil([&] { return probe.player->state() == ReplayPlayer::State::Ended; }, 30000));
        processEventsUntil([] { return false; }, 300);
        replayed = candlesOf(*probe.controller);
    }
    ASSERT_GE(replayed.size(), 2u);
    // The middle of the replayed prices: the recording crosses it while it plays.
    double low = replayed.begin()->second.low.toDouble();
    double high = replayed.begin()->second.high.toDouble();
    for (const auto& [openTime, candle] : replayed) {
        low = std::min(low, candle.low.toDouble());
        high = std::max(high, candle.high.toDouble());
    }
    const double level = (low + high) / 2;

    QTemporaryDir tmp;
    const std::string pristine = tmp.filePath(QStringLiteral("alerts-start.sqlite3")).toStdString();
    const std::string alertsPath = tmp.filePath(QStringLiteral("alerts.sqlite3")).toStdString();
    {
        auto store = alerts::AlertStore::open(pristine);
        ASSERT_TRUE(store) << store.error().message;
        alerts::Alert a;
        a.key = SeriesKey{"binance", "BTCUSDT", Interval::M1};
        a.condition = *alerts::parseCondition("price crosses " + QString::number(level, 'f', 2).toStdString());
        a.frequency = alerts::Frequency::EveryTime;
        a.createdMs = replayed.begin()->first - 60'000;  // before the recording's market time
        ASSERT_TRUE((*store)->add(a));
    }
    ASSERT_TRUE(fs::copy_file(pristine, alertsPath));
    std::vector<alerts::Trigger> fired;
    Replay r(live.dir, speed(1, true), {}, [&](Replay& rr) {
        alerts::EngineConfig config;
        config.endpoints["binance"] = {rr.player->info().restBase, rr.player->info().streamBase};
        config.saveEvery = std::chrono::milliseconds(200);
        config.reloadEvery = std::chrono::milliseconds(200);
        rr.alerts = std::make_unique<AlertService>(rr.services->market(), alertsPath, config);
        rr.alerts->start();
        QObject::connect(rr.alerts.get(), &AlertService::triggered, [&](const alerts::Trigger& t) { fired.push_back(t); });
        QObject::connect(rr.player.get(), &ReplayPlayer::rewinding, [&rr, pristine] { rr.alerts->startOver(pristine); });
        rr.listenersWanted = 2;  // the chart's feed and the alert's
    });
    ASSERT_TRUE(r.error.empty()) << r.error;
    ASSERT_TRUE(r.alerts->running()) << r.alerts->failure().toStdString();
    ASSERT_TRUE(processEventsUntil([&] { return r.player->state() == ReplayPlayer::State::Ended; }, 30000));
    processEventsUntil([] { return false; }, 600);
    const std::vector<alerts::Trigger> firstLog = r.alerts->log();
    const std::size_t firstFired = fired.size();
    ASSERT_GE(firstFired, 1u) << "the recording never crossed " << level << ": the test would prove nothing";
    EXPECT_EQ(firstLog.size(), firstFired);

    fired.clear();
    ASSERT_TRUE(r.player->seekTo(r.player->info().startedAtMs + 3000));
    ASSERT_TRUE(processEventsUntil([&] { return r.player->state() == ReplayPlayer::State::Ended; }, 30000))
        << r.player->statusText().toStdString();
    processEventsUntil([] { return false; }, 600);
    EXPECT_EQ(r.rewinds, 1);
    ASSERT_TRUE(r.alerts->running()) << r.alerts->failure().toStdString();
    EXPECT_EQ(fired.size(), firstFired) << "each crossing fires once as the recording plays again";
    const std::vector<alerts::Trigger> secondLog = r.alerts->log();
    ASSERT_EQ(secondLog.size(), firstLog.size()) << "the log holds each firing once";
    for (std::size_t i = 0; i < firstLog.size(); ++i) {
        EXPECT_EQ(secondLog[i].timeMs, firstLog[i].timeMs) << i;
        EXPECT_EQ(secondLog[i].barOpenTime, firstLog[i].barOpenTime) << i;
        EXPECT_EQ(secondLog[i].price, firstLog[i].price) << i;
        EXPECT_EQ(secondLog[i].late, firstLog[i].late) << i;
    }
}

namespace {

// A recording of every stream the app's windows read beside the chart's klines — trades, the
// depth diffs (and the snapshot cpc record asks for), book tickers and 24 h tickers — of BTCUSDT
// and ETHUSDT (a compared symbol), from the simulator at 50 trades a second, its exchange clock 20
// times as fast so that minutes close while it records (the footprint and the compared line get
// several bars). Made once, by `cpc record`.
struct FullRecording {
    QTemporaryDir tmp;
    QString dir;
    std::string error;
};

FullRecording& fullRecording() {
    // Kept until the process exits, then its directory is removed (a test process each, many runs).
    static const std::unique_ptr<FullRecording> recording = [] {
        auto r = std::make_unique<FullRecording>();
        r->dir = r->tmp.filePath(QStringLiteral("rec"));
        sim::SimConfig config = quickSimConfig();
        config.liveTradesPerSecond = 50;
        sim::SimServer simulator(config);
        if (auto started = simulator.start(); !started) {
            r->error = started.error().message;
            return r;
        }
        QProcess record;
        record.start(CPC_BINARY, {QStringLiteral("record"), QStringLiteral("BTCUSDT"), QStringLiteral("ETHUSDT"),
                                  QStringLiteral("--streams"), QStringLiteral("kline_1m,trade,depth,bookTicker,ticker"),
                                  QStringLiteral("--endpoint"), QString::fromStdString(simulator.streamBase()),
                                  QStringLiteral("--out"), r->dir, QStringLiteral("--exit-after"), QStringLiteral("10")});
        if (!record.waitForFinished(40000)) r->error = "cpc record did not finish";
        else if (record.exitCode() != 0) r->error = record.readAllStandardError().toStdString();
        simulator.stop();
        return r;
    }();
    return *recording;
}

// The app's windows on a replay, as a user has them: the chart as a footprint with the heatmap,
// ETHUSDT compared, the realtime window open; a seek back starts them over as runApp does
// (MainWindow::startReplayOver).
struct SeekUi {
    QTemporaryDir dir;
    std::unique_ptr<AppSettings> settings;
    std::unique_ptr<MainWindow> window;
    RealtimeWindow* realtime = nullptr;  // the window's child
};

SeekUi* openSeekUi(Replay& r) {
    auto ui = std::make_shared<SeekUi>();
    ui->settings = std::make_unique<AppSettings>(ui->dir.filePath(QStringLiteral("settings.ini")));
    ui->window = std::make_unique<MainWindow>(*r.controller, *ui->settings);
    ui->window->resize(1200, 760);
    ui->window->show();
    ui->window->setChartType(chart::ChartType::Footprint);
    ui->window->setHeatmapVisible(true);
    if (!ui->window->activePane()->compare().add(session::WatchSymbol{"binance", "ETHUSDT"}))
        r.error = ui->window->activePane()->compare().lastError().toStdString();
    ui->realtime = new RealtimeWindow(RealtimeWindow::optionsFor(*r.controller, *ui->settings), ui->window.get());
    ui->realtime->resize(1100, 720);
    ui->realtime->show();
    r.onRewind = [window = ui->window.get()] { window->startReplayOver(); };
    // The heatmap's columns at the replay's clock, as runApp sets it.
    r.services->setMarketClock([player = r.player.get()] { return player->clockMs(); });
    // Everything subscribed before the replay plays: the chart's stream has all its users then
    // (the chart's feed, the realtime window's and its chart's), and a seek back waits for as many.
    processEventsUntil([] { return false; }, 1000);
    r.listenersWanted = std::max<std::size_t>(1, r.player->listeners(r.controller->currentKey()));
    SeekUi* raw = ui.get();
    r.ui = std::move(ui);
    return raw;
}

// What the windows show of the replayed market.
struct Shown {
    std::map<std::int64_t, Candle> chart, compared, realtimeChart;
    std::vector<std::tuple<std::int64_t, std::int64_t, orderflow::SideVolumes>> footprint;  // open, trades, totals
    std::size_t columns = 0;
    std::int64_t newestColumnMs = 0;
    std::vector<std::int64_t> tape;  // trade ids, newest first
    std::vector<exchange::PriceLevel> bids, asks;
    std::int64_t bookUpdateId = 0;
    std::int64_t tickerEventMs = 0;
    Decimal tickerLast;
    std::int64_t bookTickerId = 0;
};

Shown shownBy(Replay& r, SeekUi& ui) {
    Shown s;
    s.chart = candlesOf(*r.controller);
    if (const ChartController* compared = ui.window->activePane()->compare().controller(0)) s.compared = candlesOf(*compared);
    for (std::size_t i = 0; i < ui.realtime->series().size(); ++i) s.realtimeChart[ui.realtime->series()[i].openTime] = ui.realtime->series()[i];
    if (const OrderFlowFeed* flow = ui.window->orderFlow()) {
        if (const orderflow::FootprintSeries* footprint = flow->footprint())
            for (std::size_t i = 0; i < footprint->size(); ++i)
                s.footprint.emplace_back((*footprint)[i].openTime, (*footprint)[i].trades, (*footprint)[i].totals);
        if (const orderflow::BookHeatmap* heatmap = flow->heatmap()) {
            s.columns = heatmap->size();
            for (std::size_t i = 0; i < heatmap->size(); ++i) s.newestColumnMs = std::max(s.newestColumnMs, (*heatmap)[i].timeMs);
        }
    }
    const TradesTableModel& tape = *ui.realtime->tradesModel();
    for (int row = 0; row < tape.rowCount(); ++row) s.tape.push_back(tape.trade(row).tradeId);
    s.bids = ui.realtime->ladder()->book().bids;
    s.asks = ui.realtime->ladder()->book().asks;
    s.bookUpdateId = ui.realtime->ladder()->book().lastUpdateId;
    if (ui.realtime->ticker()) {
        s.tickerEventMs = ui.realtime->ticker()->eventTimeMs;
        s.tickerLast = ui.realtime->ticker()->lastPrice;
    }
    if (ui.realtime->bookTicker()) s.bookTickerId = ui.realtime->bookTicker()->updateId;
    return s;
}

}  // namespace

// Issue 16's seek back with the app's other windows open: after going forward to t2, on to t3
// before the windows caught up (what the replay delivered is still on its way to them), then
// back to t1, the realtime window (trade tape, book ladder, tickers, its chart), the order flow
// (footprint bars, heatmap columns) and the compared symbol's line hold what a fresh replay paused
// at t1 shows — nothing of after t1 — and the time box shows where the seek went.
TEST(ReplayApp, ASeekBackStartsTheRealtimeWindowTheOrderFlowAndTheComparedSymbolsOverAsAFreshReplayShowsThem) {
    auto& recording = fullRecording();
    ASSERT_TRUE(recording.error.empty()) << recording.error;
    SeekUi* ui = nullptr;
    Replay r(recording.dir, speed(1), {}, [&](Replay& rr) { ui = openSeekUi(rr); });
    ASSERT_TRUE(r.error.empty()) << r.error;
    r.player->setPaused(true);
    ASSERT_NE(ui, nullptr);
    auto* bar = new ReplayToolbar(*ui->window, *r.player);
    const std::int64_t t0 = r.player->info().startedAtMs;
    const std::int64_t t1 = t0 + 5000;
    const std::int64_t t2 = t0 + 7000;
    const std::int64_t t3 = t0 + 9000;
    const auto utc = [](std::int64_t ms) { return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()); };
    bar->seekTimeEdit()->setDateTime(utc(t2));
    bar->seekAction()->trigger();
    ASSERT_TRUE(settledBefore(r, t2)) << r.player->clockMs() - t2;
    const Shown atT2 = shownBy(r, *ui);
    EXPECT_EQ(bar->seekTimeEdit()->dateTime().toMSecsSinceEpoch(), (r.player->clockMs() + 999) / 1000 * 1000)
        << "the time box does not show where the seek went";

    // On to t3 without letting the windows take what it delivers, then back to t1.
    ASSERT_TRUE(r.player->seekTo(t3));
    for (int i = 0; i < 1000 && r.player->clockMs() < t3 - 400; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_GE(r.player->clockMs(), t3 - 400);
    bar->seekTimeEdit()->setDateTime(utc(t1));
    bar->seekAction()->trigger();
    EXPECT_EQ(r.player->state(), ReplayPlayer::State::Seeking);
    ASSERT_TRUE(processEventsUntil([&] { return r.player->state() == ReplayPlayer::State::Paused; }, 20000))
        << r.player->statusText().toStdString();
    processEventsUntil([] { return false; }, 800);
    EXPECT_EQ(r.rewinds, 1);
    const Shown back = shownBy(r, *ui);
    const std::int64_t clockBack = r.player->clockMs();
    EXPECT_LT(clockBack, t1);
    EXPECT_EQ(bar->seekTimeEdit()->dateTime().toMSecsSinceEpoch(), (clockBack + 999) / 1000 * 1000)
        << "the time box does not show where the seek back went";
    if (const char* keep = std::getenv("CPC_SEEKBACK_REALTIME_SCREENSHOT")) {
        ui->realtime->grab().save(QString::fromLocal8Bit(keep));
        ui->window->grab().save(QString::fromLocal8Bit(keep) + QStringLiteral(".main.png"));
    }

    SeekUi* freshUi = nullptr;
    Replay fresh(recording.dir, speed(1), {}, [&](Replay& rr) { freshUi = openSeekUi(rr); });
    ASSERT_TRUE(fresh.error.empty()) << fresh.error;
    fresh.player->setPaused(true);
    ASSERT_NE(freshUi, nullptr);
    ASSERT_TRUE(fresh.player->seekTo(t1));
    ASSERT_TRUE(settledBefore(fresh, t1));
    processEventsUntil([] { return false; }, 400);
    const Shown want = shownBy(fresh, *freshUi);
    EXPECT_EQ(clockBack, fresh.player->clockMs());

    // Something of each changed between t1 and t2: else the comparisons would prove nothing.
    ASSERT_FALSE(want.tape.empty());
    ASSERT_FALSE(want.bids.empty());
    ASSERT_GE(want.footprint.size(), 1u);
    ASSERT_GE(want.compared.size(), 1u);
    EXPECT_NE(want.tape, atT2.tape);
    EXPECT_NE(want.bookUpdateId, atT2.bookUpdateId);
    EXPECT_NE(want.footprint, atT2.footprint);
    EXPECT_NE(want.compared, atT2.compared);
    EXPECT_NE(want.tickerEventMs, atT2.tickerEventMs);
    EXPECT_NE(want.bookTickerId, atT2.bookTickerId);

    EXPECT_EQ(back.chart, want.chart);
    EXPECT_EQ(back.compared, want.compared) << "the compared symbol kept candles newer than t1";
    EXPECT_EQ(back.realtimeChart, want.realtimeChart);
    EXPECT_EQ(back.tape, want.tape) << "the trade tape after the seek back";
    EXPECT_EQ(back.bids, want.bids);
    EXPECT_EQ(back.asks, want.asks);
    EXPECT_EQ(back.bookUpdateId, want.bookUpdateId);
    EXPECT_EQ(back.tickerEventMs, want.tickerEventMs);
    EXPECT_EQ(back.tickerLast, want.tickerLast);
    EXPECT_EQ(back.bookTickerId, want.bookTickerId);
    EXPECT_EQ(back.footprint, want.footprint) << "the footprint after the seek back";
    EXPECT_GT(back.columns, 0u) << "the heatmap sampled nothing after the seek back";
    EXPECT_LE(back.newestColumnMs, clockBack) << "a heatmap column from after t1";
    EXPECT_LE(want.newestColumnMs, clockBack);
}

TEST(ReplayApp, ACutRecordingReplaysToItsLastWholeRecordAndTheStatusSaysWhichFileStoppedWhere) {
    auto& live = liveRecording();
    ASSERT_TRUE(live.error.empty()) << live.error;
    QTemporaryDir tmp;
    const QString cut = tmp.filePath(QStringLiteral("cut"));
    ASSERT_TRUE(QDir().mkpath(cut));
    QString segment;
    for (const QString& name : QDir(live.dir).entryList(QDir::Files)) {
        segment = cut + QLatin1Char('/') + name;
        QFile in(live.dir + QLatin1Char('/') + name);
        ASSERT_TRUE(in.open(QIODevice::ReadOnly));
        const QByteArray bytes = in.readAll();
        QFile out(segment);
        ASSERT_TRUE(out.open(QIODevice::WriteOnly));
        out.write(bytes.left(bytes.size() - 40));  // a kill -9 while the last flush was written
    }
    Replay r(cut, speed(1, true));
    ASSERT_TRUE(r.error.empty()) << r.error;
    ASSERT_TRUE(processEventsUntil([&] { return r.player->state() == ReplayPlayer::State::Ended; }, 30000))
        << r.player->statusText().toStdString();
    const QString text = r.player->statusText();
    EXPECT_TRUE(text.contains(segment)) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("cut short"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("the last at"))) << text.toStdString();
    EXPECT_FALSE(candlesOf(*r.controller).empty());
}

namespace {


}  // namespace

TEST(ReplayApp, BadReplayFlagsAreRefusedSayingWhatIsAccepted) {
    QTemporaryDir tmp;
    const AppRun missing = runApp({"--replay", tmp.filePath("nothing")});
    EXPECT_EQ(missing.exitCode, 2);
    EXPECT_TRUE(missing.err.contains("no such recording directory")) << missing.err.toStdString();
    EXPECT_TRUE(missing.err.contains("accepted: a directory of a recording")) << missing.err.toStdString();

    QFile foreign(tmp.filePath("notes.txt"));
    ASSERT_TRUE(foreign.open(QIODevice::WriteOnly));
    foreign.write("hello");
    foreign.close();
    const AppRun notRecording = runApp({"--replay", tmp.path()});
    EXPECT_EQ(notRecording.exitCode, 2);
    EXPECT_TRUE(notRecording.err.contains("notes.txt")) << notRecording.err.toStdString();

    auto& live = liveRecording();
    ASSERT_TRUE(live.error.empty()) << live.error;
    const AppRun badSpeed = runApp({"--replay", live.dir, "--speed", "fast"});
    EXPECT_EQ(badSpeed.exitCode, 2);
    EXPECT_TRUE(badSpeed.err.contains("a number from 1 to 1000")) << badSpeed.err.toStdString();
    EXPECT_TRUE(badSpeed.err.contains("or max")) << badSpeed.err.toStdString();
    const AppRun tooFast = runApp({"--replay", live.dir, "--speed", "5000"});
    EXPECT_EQ(tooFast.exitCode, 2);
    const AppRun speedAlone = runApp({"--speed", "2"});
    EXPECT_EQ(speedAlone.exitCode, 2);
    EXPECT_TRUE(speedAlone.err.contains("--speed only applies with --replay")) << speedAlone.err.toStdString();
    const AppRun withDemo = runApp({"--replay", live.dir, "--demo"});
    EXPECT_EQ(withDemo.exitCode, 2);
    EXPECT_TRUE(withDemo.err.contains("--replay and --demo do not go together")) << withDemo.err.toStdString();
}

TEST(ReplayApp, TheBinaryReplaysARecordingWithItsToolbarAndClock) {
    auto& live = liveRecording();
    ASSERT_TRUE(live.error.empty()) << live.error;
    QTemporaryDir tmp;
    const QString png = tmp.filePath(QStringLiteral("replay.png"));
    const AppRun r = runApp({"--replay", live.dir, "--speed", "2", "--screenshot", png, "--exit-after", "5",
                             "--settings", tmp.filePath(QStringLiteral("s.ini")), "--database",
                             tmp.filePath(QStringLiteral("none.sqlite3"))});
    ASSERT_EQ(r.exitCode, 0) << r.err.toStdString();
    QImage image(png);
    ASSERT_FALSE(image.isNull());
    EXPECT_GT(cpc::test::countColor(image, cpc::test::kRising) + cpc::test::countColor(image, cpc::test::kFalling), 50);
    EXPECT_FALSE(QFile::exists(tmp.filePath(QStringLiteral("none.sqlite3")))) << "a replay created a cache";
    EXPECT_FALSE(QFile::exists(tmp.filePath(QStringLiteral("s.ini")))) << "a replay saved its workspace as the user's";
    if (const char* keep = std::getenv("CPC_REPLAY_SCREENSHOT")) QFile::copy(png, QString::fromLocal8Bit(keep));
}

TEST(RecordApp, FileRecordWritesARecordingThatCpcReplayReadsBack) {
    QTemporaryDir tmp;
    sim::SimConfig config;
    config.klinePushInterval = std::chrono::milliseconds(100);
    config.liveTradesPerSecond = 5;
    sim::SimServer simulator(config);
    ASSERT_TRUE(simulator.start());
    const auto tap = std::make_shared<SessionTap>();
    ServicesOptions so;
    so.databasePath = tmp.filePath(QStringLiteral("live.sqlite3")).toStdString();
    so.streams.tap = tap;
    AppServices services(so);
    ControllerOptions co;
    co.exchange = "binance";
    co.restBase = simulator.restBase();
    co.streamBase = simulator.streamBase();
    co.services = &services;
    ChartController controller(co);
    ASSERT_TRUE(controller.start());
    controller.openSeries(QStringLiteral("BTCUSDT"), Interval::M1);
    ASSERT_TRUE(processEventsUntil([&] { return controller.status().state == feed::FeedState::Live; }, 20000));

    QMainWindow window;
    QMenu* file = window.menuBar()->addMenu(QStringLiteral("&File"));
    file->addAction(QStringLiteral("&Quit"));
    SessionRecorder recorder(controller, tap);
    recorder.addTo(window);
    ASSERT_EQ(file->actions().first(), recorder.action()) << "Record… is File's first item";
    EXPECT_FALSE(recorder.statusLabel()->isVisibleTo(&window));

    // A directory with files in it is refused, saying why; nothing starts.
    const QString used = tmp.filePath(QStringLiteral("used"));
    ASSERT_TRUE(QDir().mkpath(used));
    QFile other(used + QStringLiteral("/other.txt"));
    ASSERT_TRUE(other.open(QIODevice::WriteOnly));
    other.close();
    const auto refused = recorder.start(used);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("is not empty"), std::string::npos) << refused.error().message;
    EXPECT_FALSE(recorder.recording());

    const QString dir = tmp.filePath(QStringLiteral("rec"));
    ASSERT_TRUE(recorder.start(dir));
    EXPECT_EQ(recorder.action()->text(), QStringLiteral("Stop &recording"));
    ASSERT_TRUE(processEventsUntil([&] { return recorder.stats().records > 30; }, 20000));
    processEventsUntil([] { return false; }, 1200);
    EXPECT_TRUE(recorder.statusLabel()->isVisibleTo(&window));
    EXPECT_TRUE(recorder.statusLabel()->text().startsWith(QStringLiteral("● REC "))) << recorder.statusLabel()->text().toStdString();
    EXPECT_TRUE(recorder.statusLabel()->text().contains(QStringLiteral(" MB · 00:0"))) << recorder.statusLabel()->text().toStdString();
    ASSERT_TRUE(recorder.stop());
    EXPECT_EQ(recorder.action()->text(), QStringLiteral("&Record…"));
    EXPECT_FALSE(recorder.statusLabel()->isVisibleTo(&window));

    // cpc replay reads it back: the chart's kline stream (a fresh connection: the recording
    // reconnected it) through to the end of the recording.
    QProcess cpcReplay;
    cpcReplay.start(CPC_BINARY, {"replay", dir, "--speed", "max"});
    ASSERT_TRUE(cpcReplay.waitForFinished(60000));
    const QString out = QString::fromUtf8(cpcReplay.readAllStandardOutput());
    const QString err = QString::fromUtf8(cpcReplay.readAllStandardError());
    ASSERT_EQ(cpcReplay.exitCode(), 0) << err.toStdString();
    EXPECT_GT(out.count(QStringLiteral("\"type\":\"kline\"")), 10) << out.left(400).toStdString() << err.toStdString();
    EXPECT_TRUE(err.contains(QStringLiteral("end of the recording"))) << err.toStdString();
    EXPECT_FALSE(err.contains(QStringLiteral(" 0 frames"))) << err.toStdString();
}

// File > Record under a file size limit (RLIMIT_FSIZE, as `ulimit -f`; the app ignores SIGXFSZ
// as main() does): the write that passes it fails, the REC label becomes "Recording stopped:"
// with the segment file and the error, Record… is offered again, and what was written before the
// failure replays (the segment ends at its last whole flush).
TEST(RecordApp, AWriteErrorWhileRecordingIsShownInTheStatusBarAndWhatWasWrittenReplays) {
    QTemporaryDir tmp;
    sim::SimConfig config;
    config.klinePushInterval = std::chrono::milliseconds(50);
    sim::SimServer simulator(config);
    ASSERT_TRUE(simulator.start());
    const auto tap = std::make_shared<SessionTap>();
    ServicesOptions so;
    so.databasePath = ":memory:";  // only the recording meets the limit
    so.streams.tap = tap;
    AppServices services(so);
    ControllerOptions co;
    co.exchange = "binance";
    co.restBase = simulator.restBase();
    co.streamBase = simulator.streamBase();
    co.services = &services;
    ChartController controller(co);
    ASSERT_TRUE(controller.start());
    controller.openSeries(QStringLiteral("BTCUSDT"), Interval::M1);
    ASSERT_TRUE(processEventsUntil([&] { return controller.status().state == feed::FeedState::Live; }, 20000));

    QMainWindow window;
    window.menuBar()->addMenu(QStringLiteral("&File"));
    SessionRecorder recorder(controller, tap);
    recorder.addTo(window);

    // The limit for this process while it records; the old one back before anything else runs.
    const auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit old{};
    ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
    rlimit limited = old;
    limited.rlim_cur = 3000;
    ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limited), 0);
    const QString dir = tmp.filePath(QStringLiteral("rec"));
    const auto started = recorder.start(dir);
    const bool failed = started && processEventsUntil([&] { return recorder.state() == SessionRecorder::State::Failed; }, 60000);
    setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, oldHandler);
    ASSERT_TRUE(started) << started.error().message;
    ASSERT_TRUE(failed) << recorder.statusLabel()->text().toStdString() << "; " << recorder.stats().fileBytes << " bytes";
    processEventsUntil([] { return false; }, 200);

    const QStringList segments = QDir(dir).entryList(QDir::Files);
    ASSERT_EQ(segments.size(), 1);
    const QString segment = dir + QLatin1Char('/') + segments.first();
    const QString text = recorder.statusLabel()->text();
    EXPECT_TRUE(recorder.statusLabel()->isVisibleTo(&window));
    EXPECT_TRUE(text.startsWith(QStringLiteral("Recording stopped: writing ") + segment + QStringLiteral(" failed: File too large")))
        << text.toStdString();
    EXPECT_FALSE(recorder.recording());
    EXPECT_EQ(recorder.action()->text(), QStringLiteral("&Record…"));
    EXPECT_LE(QFileInfo(segment).size(), 3000);

    QProcess cpcReplay;
    cpcReplay.start(CPC_BINARY, {"replay", dir, "--speed", "max"});
    ASSERT_TRUE(cpcReplay.waitForFinished(60000));
    const QString out = QString::fromUtf8(cpcReplay.readAllStandardOutput());
    const QString err = QString::fromUtf8(cpcReplay.readAllStandardError());
    ASSERT_EQ(cpcReplay.exitCode(), 0) << err.toStdString();
    EXPECT_GT(out.count(QStringLiteral("\"type\":\"kline\"")), 5) << out.left(400).toStdString() << err.toStdString();
    EXPECT_FALSE(err.contains(QStringLiteral("corrupt"))) << err.toStdString();
}
