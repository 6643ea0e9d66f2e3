// Bar Replay (issue 16, third part): the Qt-free model (hidden future, steps, the forming bar
// built from 1m candles, alerts on the replay only, jumps, linked charts on one clock) and the
// real MainWindow against the demo simulator (start by date, step with Shift+Right, play, exit
// back to live with what arrived meanwhile; linked charts replaying together; indicators over the
// replay equal to the same indicator over the truncated series).
#include <gtest/gtest.h>

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>
#include <cmath>

#include "app_test_util.hpp"
#include "cpc/alerts/condition.hpp"
#include "cpc/app/app_settings.hpp"
#include "cpc/app/bar_replay.hpp"
#include "cpc/app/bar_replay_ui.hpp"
#include "cpc/app/chart_compare.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/chart_pane.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"
#include "cpc/core/time.hpp"
#include "cpc/indicators/bar.hpp"
#include "cpc/indicators/indicator.hpp"
#include "cpc/indicators/registry.hpp"
#include "cpc/market/aggregate.hpp"

using namespace cpc;
using namespace cpc::app;

namespace {

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kT0 = 1'700'000'100'000 / (5 * kMinute) * (5 * kMinute);  // a 5m boundary

Decimal money(double v) { return *Decimal::fromDouble(std::round(v * 100.0) / 100.0); }

// `count` 1m candles from kT0, prices wandering (each candle's own open/high/low/close differ).
std::vector<Candle> minutes(int count) {
    std::vector<Candle> out;
    double price = 100.0;
    for (int i = 0; i < count; ++i) {
        Candle c;
        c.openTime = kT0 + i * kMinute;
        const double open = price;
        const double close = std::round((price + std::sin(i * 0.7) * 2.0 + (i % 7 == 3 ? 3.0 : 0.0)) * 100.0) / 100.0;
        c.open = money(open);
        c.close = money(close);
        c.high = money(std::max(open, close) + 0.5 + (i % 3));
        c.low = money(std::min(open, close) - 0.5 - (i % 2));
        c.volume = money(10.0 + i);
        c.quoteVolume = money((10.0 + i) * close);
        c.trades = 5 + i;
        c.closed = true;
        out.push_back(c);
        price = close;
    }
    return out;
}

SeriesKey key(Interval interval) { return SeriesKey{"binance", "BTCUSDT", interval}; }

// The 5m bars as the venue has them: the 1m candles aggregated.
std::vector<Candle> fiveMinutes(const std::vector<Candle>& ones) { return market::aggregate(ones, Interval::M1, Interval::M5); }

Candle lastOf(const market::CandleSeries& s) { return s[s.size() - 1]; }

}  // namespace

// ---- the model ---------------------------------------------------------------------------------

TEST(BarReplayModel, LaterCandlesAreHiddenAndAStepRevealsOneWholeBar) {
    const std::vector<Candle> bars = fiveMinutes(minutes(50));  // 10 bars
    ASSERT_EQ(bars.size(), 10U);
    std::vector<BarReplayTrack> tracks;
    tracks.emplace_back(key(Interval::M5), bars);
    BarReplay replay;
    // A time inside bar 3: bar 3 is the last one shown, whole.
    ASSERT_TRUE(replay.start(std::move(tracks), 0, bars[3].openTime + 2 * kMinute + 17));
    const market::CandleSeries& shown = replay.track(0).series();
    ASSERT_EQ(shown.size(), 4U);
    EXPECT_EQ(lastOf(shown), bars[3]);
    EXPECT_EQ(replay.time(), bars[4].openTime);
    ASSERT_TRUE(replay.stepBar(0));
    ASSERT_EQ(shown.size(), 5U);
    EXPECT_EQ(lastOf(shown), bars[4]);
    ASSERT_EQ(replay.revealed()[0].size(), 1U);
    while (replay.stepBar(0)) {
    }
    EXPECT_TRUE(replay.atEnd());
    EXPECT_EQ(shown.size(), bars.size());
}

TEST(BarReplayModel, AStartOnTheNewestBarOrBeforeTheFirstIsRefusedWithWhy) {
    const std::vector<Candle> bars = fiveMinutes(minutes(20));
    BarReplay replay;
    std::vector<BarReplayTrack> tracks;
    tracks.emplace_back(key(Interval::M5), bars);
    auto late = replay.start(std::move(tracks), 0, bars.back().openTime + kMinute);
    ASSERT_FALSE(late);
    EXPECT_NE(late.error().message.find("newest candle"), std::string::npos) << late.error().message;
    EXPECT_FALSE(replay.active());
    tracks.clear();
    tracks.emplace_back(key(Interval::M5), bars);
    auto early = replay.start(std::move(tracks), 0, bars.front().openTime - 1);
    ASSERT_FALSE(early);
    EXPECT_NE(early.error().message.find("first candle opens at"), std::string::npos) << early.error().message;
}

TEST(BarReplayModel, TheFormingBarGrowsFromTheOneMinuteCandlesAsTheAggregationBuildsIt) {
    const std::vector<Candle> ones = minutes(40);
    const std::vector<Candle> bars = fiveMinutes(ones);
    std::vector<BarReplayTrack> tracks;
    tracks.emplace_back(key(Interval::M5), bars);
    tracks.back().setFine(Interval::M1, ones);
    BarReplay replay;
    ASSERT_TRUE(replay.start(std::move(tracks), 0, bars[2].openTime));
    const market::CandleSeries& shown = replay.track(0).series();
    ASSERT_EQ(shown.size(), 3U);
    // Bar 3 grows minute by minute: open first, high/low/close following, closed only at its end.
    for (int minute = 1; minute <= 5; ++minute) {
        ASSERT_TRUE(replay.tick());
        EXPECT_EQ(replay.time(), bars[3].openTime + minute * kMinute);
        ASSERT_EQ(shown.size(), 4U);
        const Candle forming = lastOf(shown);
        const std::span<const Candle> part(ones.data() + 15, static_cast<std::size_t>(minute));
        Candle expected = market::aggregate(part, Interval::M1, Interval::M5).front();
        if (minute < 5) expected.closed = false;
        EXPECT_EQ(forming, minute < 5 ? expected : bars[3]) << "minute " << minute;
        // By hand: the open is the first minute's, the close the last one's so far.
        EXPECT_EQ(forming.open, ones[15].open);
        EXPECT_EQ(forming.close, ones[static_cast<std::size_t>(14 + minute)].close);
        EXPECT_EQ(forming.closed, minute == 5);
    }
    // A bar step completes the next bar at once (whole, the venue's candle).
    ASSERT_TRUE(replay.stepBar(0));
    EXPECT_EQ(lastOf(shown), bars[4]);
}

TEST(BarReplayModel, WithoutLowerTimeframeCandlesTheBarAppearsWholeAtItsEnd) {
    const std::vector<Candle> bars = fiveMinutes(minutes(40));
    std::vector<BarReplayTrack> tracks;
    tracks.emplace_back(key(Interval::M5), bars);
    BarReplay replay;
    ASSERT_TRUE(replay.start(std::move(tracks), 0, bars[2].openTime));
    replay.moveTo(bars[3].openTime + 3 * kMinute);  // inside bar 3: nothing to build it from
    EXPECT_EQ(replay.track(0).series().size(), 3U);
    ASSERT_TRUE(replay.tick());
    EXPECT_EQ(replay.time(), bars[4].openTime);
    EXPECT_EQ(lastOf(replay.track(0).series()), bars[3]);
}

TEST(BarReplayModel, LinkedChartsMoveOnOneClockEachOnItsOwnTimeframe) {
    const std::vector<Candle> ones = minutes(60);
    const std::vector<Candle> bars = fiveMinutes(ones);
    std::vector<BarReplayTrack> tracks;
    tracks.emplace_back(key(Interval::M5), bars);
    tracks.emplace_back(key(Interval::M1), ones);
    BarReplay replay;
    // Started on the 5m chart at its bar 4: the 1m chart shows every minute up to that bar's end.
    ASSERT_TRUE(replay.start(std::move(tracks), 0, bars[4].openTime));
    EXPECT_EQ(replay.track(0).series().size(), 5U);
    EXPECT_EQ(replay.track(1).series().size(), 25U);
    // Ticks go in time order: the 1m chart's next minute first, the 5m bar when its fifth ends.
    ASSERT_TRUE(replay.tick());
    EXPECT_EQ(replay.track(1).series().size(), 26U);
    EXPECT_EQ(replay.track(0).series().size(), 5U);
    ASSERT_TRUE(replay.stepBar(0));
    EXPECT_EQ(replay.track(1).series().size(), 30U);
    EXPECT_EQ(replay.track(0).series().size(), 6U);
    EXPECT_EQ(lastOf(replay.track(1).series()), ones[29]);
    // A step of the 1m chart moves the 5m one only when a 5m bar ends.
    ASSERT_TRUE(replay.stepBar(1));
    EXPECT_EQ(replay.track(0).series().size(), 6U);
    EXPECT_EQ(replay.track(1).series().size(), 31U);
}

TEST(BarReplayModel, AJumpBackRebuildsTheChartAtTheNewStart) {
    const std::vector<Candle> bars = fiveMinutes(minutes(50));
    std::vector<BarReplayTrack> tracks;
    tracks.emplace_back(key(Interval::M5), bars);
    BarReplay replay;
    ASSERT_TRUE(replay.start(std::move(tracks), 0, bars[6].openTime));
    ASSERT_TRUE(replay.stepBar(0));
    ASSERT_TRUE(replay.jumpTo(0, bars[2].openTime));
    EXPECT_TRUE(replay.track(0).rebuilt());
    EXPECT_EQ(replay.track(0).series().size(), 3U);
    EXPECT_EQ(lastOf(replay.track(0).series()), bars[2]);
    ASSERT_TRUE(replay.jumpTo(0, bars[8].openTime));
    EXPECT_EQ(replay.track(0).series().size(), 9U);
}

TEST(BarReplayModel, AlertsFireOnTheRevealedBarsOnlyAndStayTheReplays) {
    const std::vector<Candle> ones = minutes(60);
    const std::vector<Candle> bars = fiveMinutes(ones);
    // A level the closes cross upwards after bar 5 (the first close above it after a close below).
    std::size_t crossing = 0;
    double level = 0;
    for (std::size_t i = 6; i < bars.size() && crossing == 0; ++i)
        if (bars[i].close > bars[i - 1].close) {
            crossing = i;
            level = (bars[i - 1].close.toDouble() + bars[i].close.toDouble()) / 2.0;
        }
    ASSERT_GT(crossing, 0U);
    alerts::Alert alert;
    alert.id = 7;
    alert.key = key(Interval::M5);
    alert.condition = *alerts::parseCondition("close crosses up " + std::to_string(level));
    alert.evaluation = alerts::Evaluation::OnBarClose;
    alert.frequency = alerts::Frequency::Once;
    alert.done = true;  // it fired live already: the replay starts it afresh
    alert.fireCount = 1;
    alerts::Alert otherTimeframe = alert;
    otherTimeframe.id = 8;
    otherTimeframe.key.interval = Interval::H1;

    std::vector<BarReplayTrack> tracks;
    tracks.emplace_back(key(Interval::M5), bars);
    BarReplay replay;
    ASSERT_TRUE(replay.start(std::move(tracks), 0, bars[crossing - 1].openTime));
    replay.track(0).setAlerts({alert, otherTimeframe}, replay.time());
    EXPECT_EQ(replay.track(0).alertCount(), 1U) << "only the alerts of the chart's own series";
    EXPECT_TRUE(replay.track(0).firings().empty()) << "nothing fires for the bars shown at the start";
    ASSERT_TRUE(replay.stepBar(0));
    ASSERT_EQ(replay.track(0).firings().size(), 1U);
    const alerts::Trigger& fired = replay.track(0).firings().front();
    EXPECT_EQ(fired.alertId, 7);
    EXPECT_EQ(fired.barOpenTime, bars[crossing].openTime);
    EXPECT_DOUBLE_EQ(fired.price, bars[crossing].close.toDouble());
    while (replay.stepBar(0)) {
    }
    EXPECT_EQ(replay.track(0).firings().size(), 1U) << "a Once alert fires once in the replay too";
    // The alert given is untouched (the app's engine and log never see the replay).
    EXPECT_TRUE(alert.done);
    EXPECT_EQ(alert.fireCount, 1);
    // A jump starts the replay's alerts over.
    ASSERT_TRUE(replay.jumpTo(0, bars[crossing - 1].openTime));
    EXPECT_TRUE(replay.track(0).firings().empty());
    ASSERT_TRUE(replay.stepBar(0));
    EXPECT_EQ(replay.track(0).firings().size(), 1U);
}

TEST(BarReplayModel, ReplayTimesAreUtcDatesOrATimeBackFromNow) {
    const std::int64_t now = kT0;
    EXPECT_EQ(parseReplayTime("2024-01-15 13:05", now), parseUtc("2024-01-15 13:05"));
    EXPECT_EQ(parseReplayTime(" -90m ", now), now - 90 * kMinute);
    EXPECT_EQ(parseReplayTime("-6h", now), now - 6 * 60 * kMinute);
    EXPECT_EQ(parseReplayTime("-2d", now), now - 2 * 24 * 60 * kMinute);
    EXPECT_FALSE(parseReplayTime("yesterday", now));
    EXPECT_FALSE(parseReplayTime("-6x", now));
    EXPECT_FALSE(parseReplayTime("", now));
}

// ---- the window ----------------------------------------------------------------------------------

namespace {

ControllerOptions demoOptions(const QTemporaryDir& dir) {
    ControllerOptions options;
    options.demo = true;
    options.simPushIntervalMs = 100;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    return options;
}

bool hasCandles(const ChartPane* pane, std::size_t count) {
    const auto* series = pane->controller().liveSeries();
    return series && series->size() > count;
}

QAction* action(QWidget& window, const char* name) { return window.findChild<QAction*>(QString::fromLatin1(name)); }

// The indicator over exactly these candles, from scratch.
std::vector<double> computedOver(const std::string& spec, const market::CandleSeries& series) {
    auto made = indicators::createFromSpec(spec);
    EXPECT_TRUE(made);
    (*made)->computeAll(indicators::toBars(series.candles()));
    std::vector<double> out;
    for (std::size_t i = 0; i < (*made)->size(); ++i) out.push_back((*made)->value(0, i));
    return out;
}

void expectIndicatorOverReplay(const ChartPane* pane, const std::string& spec) {
    const market::CandleSeries* shown = pane->controller().currentSeries();
    ASSERT_NE(shown, nullptr);
    const std::vector<double> expected = computedOver(spec, *shown);
    const indicators::Indicator* shownIndicator = pane->indicator(0);
    ASSERT_NE(shownIndicator, nullptr);
    ASSERT_EQ(shownIndicator->size(), expected.size()) << "the indicator has exactly the replay's rows";
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const double got = shownIndicator->value(0, i);
        if (std::isnan(expected[i])) EXPECT_TRUE(std::isnan(got)) << "row " << i;
        else EXPECT_NEAR(got, expected[i], 1e-9 * std::max(1.0, std::abs(expected[i]))) << "row " << i;
    }
}

}  // namespace

TEST(BarReplayApp, StartByDateStepPlayAndExitBackToLiveOnTheRealWindow) {
    QTemporaryDir dir;
    ChartController controller(demoOptions(dir));
    ASSERT_TRUE(controller.start());
    AppSettings settings(dir.filePath("settings.ini"));
    MainWindow window(controller, settings);
    window.resize(1200, 800);
    window.show();
    window.openSeries("BTCUSDT", Interval::S1);
    ChartPane* pane = window.activePane();
    ASSERT_TRUE(test::processEventsUntil([&] { return hasCandles(pane, 120); }, 20000));
    IndicatorSpec sma;
    sma.name = "SMA";
    sma.params = {10};
    sma.placement = indicators::Placement::Overlay;
    ASSERT_TRUE(pane->addIndicator(sma));
    BarReplayUi* replay = window.barReplay();
    ASSERT_NE(replay, nullptr);
    alerts::Alert always;
    always.id = 1;
    always.key = controller.currentKey();
    always.condition = *alerts::parseCondition("price > 0.00000001");
    always.frequency = alerts::Frequency::Once;
    replay->setAlertSource([always] { return std::vector<alerts::Alert>{always}; });

    // View → Bar Replay, then a date typed in the replay bar's box.
    action(window, "barReplayAction")->trigger();
    EXPECT_TRUE(replay->selecting());
    EXPECT_TRUE(replay->bar()->isVisible());
    const market::CandleSeries* live = controller.liveSeries();
    const std::size_t liveBefore = live->size();
    const std::size_t startIndex = liveBefore - 60;
    const std::int64_t startOpen = live->openTime(startIndex);
    auto* dateBox = window.findChild<QLineEdit*>("barReplayDate");
    ASSERT_NE(dateBox, nullptr);
    dateBox->setText(QString::fromStdString(formatUtc(startOpen)));
    action(window, "barReplayGo")->trigger();
    ASSERT_TRUE(replay->replaying());
    EXPECT_TRUE(controller.replaying());
    const market::CandleSeries* shown = controller.currentSeries();
    ASSERT_NE(shown, live) << "the chart sees the replay's series, not the live one";
    EXPECT_EQ(shown->size(), startIndex + 1);
    EXPECT_EQ(shown->openTime(shown->size() - 1), startOpen);
    EXPECT_EQ(pane->canvas()->model().series(), shown)
        << "the canvas (price axis, last-price tag) draws the replay's series";
    QLabel* badge = replay->badge(pane);
    ASSERT_NE(badge, nullptr);
    EXPECT_TRUE(badge->isVisible());
    EXPECT_TRUE(badge->text().startsWith("REPLAY")) << badge->text().toStdString();
    // The status bar says the chart is replaying (not only "live"), with the replay's time.
    auto* state = window.findChild<QLabel*>("connectionState");
    ASSERT_NE(state, nullptr);
    EXPECT_TRUE(state->text().contains("Bar Replay at ")) << state->text().toStdString();
    expectIndicatorOverReplay(pane, "SMA(10)");
    EXPECT_TRUE(replay->replayFirings() == 0) << "nothing fires for the bars before the start";

    // Shift+Right: one bar (a 1s chart has nothing finer: it appears whole).
    QTest::keyClick(&window, Qt::Key_Right, Qt::ShiftModifier);
    EXPECT_EQ(controller.currentSeries()->size(), startIndex + 2);
    EXPECT_EQ(controller.currentSeries()->openTime(startIndex + 1), live->openTime(startIndex + 1));
    EXPECT_EQ(replay->replayFirings(), 1U) << "the chart's alert, evaluated on the replay bar";
    expectIndicatorOverReplay(pane, "SMA(10)");
    const auto& markers = pane->canvas()->model().markers();
    ASSERT_EQ(markers.size(), 1U);
    EXPECT_EQ(markers.front().label.rfind("Replay:", 0), 0U) << markers.front().label;

    // Play at 10 bars/s for a while, then pause: several more bars, no look-ahead.
    replay->setSpeed(10);
    action(window, "barReplayPlay")->trigger();
    EXPECT_TRUE(replay->playing());
    test::processEventsUntil([] { return false; }, 700);
    action(window, "barReplayPlay")->trigger();
    EXPECT_FALSE(replay->playing());
    const std::size_t played = controller.currentSeries()->size();
    EXPECT_GE(played, startIndex + 4);
    EXPECT_LT(played, live->size());
    EXPECT_LE(controller.currentSeries()->openTime(played - 1), replay->replayTime());
    expectIndicatorOverReplay(pane, "SMA(10)");

    // Live candles keep coming meanwhile (to the live series only).
    ASSERT_TRUE(test::processEventsUntil([&] { return live->size() >= liveBefore + 2; }, 10000));
    EXPECT_EQ(controller.currentSeries()->size(), played);

    action(window, "barReplayExit")->trigger();
    EXPECT_FALSE(replay->replaying());
    EXPECT_FALSE(controller.replaying());
    EXPECT_EQ(controller.currentSeries(), controller.liveSeries());
    EXPECT_GE(controller.currentSeries()->size(), liveBefore + 2) << "live again, with what arrived meanwhile";
    EXPECT_EQ(replay->badge(pane), nullptr);
    EXPECT_FALSE(replay->bar()->isVisible());
    EXPECT_FALSE(state->text().contains("Bar Replay")) << state->text().toStdString();
    expectIndicatorOverReplay(pane, "SMA(10)");  // over the live series again
}

TEST(BarReplayApp, ClickingACandleStartsTheReplayThere) {
    QTemporaryDir dir;
    ChartController controller(demoOptions(dir));
    ASSERT_TRUE(controller.start());
    AppSettings settings(dir.filePath("settings.ini"));
    MainWindow window(controller, settings);
    window.resize(1200, 800);
    window.show();
    window.openSeries("BTCUSDT", Interval::S1);
    ChartPane* pane = window.activePane();
    ASSERT_TRUE(test::processEventsUntil([&] { return hasCandles(pane, 60); }, 20000));
    BarReplayUi* replay = window.barReplay();
    QTest::keyClick(&window, Qt::Key_R, Qt::ShiftModifier | Qt::AltModifier);
    ASSERT_TRUE(replay->selecting());
    auto& model = pane->canvas()->model();
    const auto& candles = model.layout().candlePane;
    const int x = static_cast<int>(candles.x + candles.width / 2);
    const QPoint at(x, static_cast<int>(candles.y + candles.height / 2));
    QTest::mouseMove(pane->canvas(), at);
    auto* cursor = pane->canvas()->findChild<QWidget*>("barReplayCursor");
    ASSERT_NE(cursor, nullptr);
    EXPECT_TRUE(cursor->isVisible());
    EXPECT_NEAR(cursor->geometry().center().x(), x, 2) << "the replay cursor follows the mouse";
    const std::int64_t index = model.timeScale().xToIndex(x - candles.x);
    const std::int64_t clicked = *model.timeAtIndex(index);
    QTest::mouseClick(pane->canvas(), Qt::LeftButton, {}, at);
    ASSERT_TRUE(replay->replaying());
    EXPECT_FALSE(replay->selecting());
    EXPECT_EQ(pane->canvas()->findChild<QWidget*>("barReplayCursor"), nullptr);
    const market::CandleSeries* shown = controller.currentSeries();
    EXPECT_EQ(shown->openTime(shown->size() - 1), clicked) << "the clicked candle is the last one shown";
    EXPECT_TRUE(pane->canvas()->model().drawings().empty()) << "the click chose the bar, it drew nothing";
    replay->exit();
}

TEST(BarReplayApp, LinkedChartsReplayTogetherAndTheMinuteBarGrowsFromTheSecondsCandles) {
    QTemporaryDir dir;
    ChartController controller(demoOptions(dir));
    ASSERT_TRUE(controller.start());
    AppSettings settings(dir.filePath("settings.ini"));
    MainWindow window(controller, settings);
    window.resize(1400, 800);
    window.show();
    window.setLinkIntervals(false);
    window.openSeries("BTCUSDT", Interval::M1);
    ASSERT_TRUE(window.applyLayout("3"));
    const auto charts = window.panes();
    window.openSeriesIn(charts[1], "BTCUSDT", Interval::S1);
    window.openSeriesIn(charts[2], "BTCUSDT", Interval::S1);
    window.setLinkGroup(charts[0], 1);
    window.setLinkGroup(charts[1], 1);
    // The 1s chart must hold the seconds of at least two whole minutes.
    ASSERT_TRUE(test::processEventsUntil([&] { return hasCandles(charts[0], 5) && hasCandles(charts[1], 150); }, 30000));
    const market::CandleSeries* seconds = charts[1]->controller().liveSeries();
    const market::CandleSeries* minutesLive = charts[0]->controller().liveSeries();
    // The minute before the one holding the oldest whole minute of seconds: start there.
    const std::int64_t firstSecond = seconds->openTime(0);
    const std::int64_t start = (firstSecond / kMinute + 1) * kMinute;  // a whole minute of seconds follows
    ASSERT_LT(start + 2 * kMinute, minutesLive->openTime(minutesLive->size() - 1) + kMinute);

    // ETHUSDT compared on the minute chart: its line must not show the future either.
    ASSERT_TRUE(charts[0]->compare().add(session::WatchSymbol{"binance", "ETHUSDT"}));
    ASSERT_TRUE(test::processEventsUntil([&] {
        const auto* other = charts[0]->compare().controller(0)->liveSeries();
        return other && other->find(start + 2 * kMinute).has_value();
    }, 20000));
    const market::CandleSeries* compared = charts[0]->compare().controller(0)->liveSeries();
    const auto comparedLast = [&] {
        const auto& model = charts[0]->canvas()->model();
        const auto index = model.overlayIndex(charts[0]->compare().overlayId(0));
        const auto& values = model.overlays()[*index].series.front().values;
        return values.empty() ? std::nan("") : values.back();
    };

    BarReplayUi* replay = window.barReplay();
    ASSERT_TRUE(replay->startAt(charts[0], start));
    ASSERT_EQ(replay->panes().size(), 2U) << "the chart and its linked one; not the unlinked third";
    EXPECT_TRUE(charts[0]->controller().replaying());
    EXPECT_TRUE(charts[1]->controller().replaying());
    EXPECT_FALSE(charts[2]->controller().replaying());
    EXPECT_NE(replay->badge(charts[1]), nullptr);
    const std::int64_t clock = replay->replayTime();
    EXPECT_EQ(clock, start + kMinute);
    const market::CandleSeries* oneSecond = charts[1]->controller().currentSeries();
    EXPECT_LT(oneSecond->openTime(oneSecond->size() - 1), clock) << "the 1s chart ends where the 1m bar ends";
    EXPECT_EQ(replay->replay().track(0).fineInterval(), Interval::S1) << "from the linked 1s chart's candles";

    // Step the minute chart: its next bar grows from the seconds (not closed until its end).
    std::vector<std::pair<std::int64_t, Candle>> formingSeen;  // (replay time, the bar then)
    std::vector<double> comparedWhileForming;
    QObject::connect(replay, &BarReplayUi::changed, [&] {
        const market::CandleSeries* m = charts[0]->controller().currentSeries();
        if (m && m->size() > 0 && !(*m)[m->size() - 1].closed) {
            formingSeen.emplace_back(replay->replayTime(), (*m)[m->size() - 1]);
            comparedWhileForming.push_back(comparedLast());
        }
    });
    replay->step();
    EXPECT_TRUE(replay->animating());
    ASSERT_TRUE(test::processEventsUntil([&] { return !replay->animating(); }, 5000));
    EXPECT_EQ(replay->replayTime(), clock + kMinute);
    ASSERT_GE(formingSeen.size(), 3U) << "the bar was seen forming";
    // At every moment it was the seconds of the minute that had ended by then, aggregated (the
    // open: the first traded second's; no-trade seconds count for volume only).
    for (const auto& [at, bar] : formingSeen) {
        EXPECT_EQ(bar.openTime, clock);
        std::vector<Candle> part;
        for (std::size_t i = seconds->lowerBound(clock); i < seconds->size() && seconds->openTime(i) + 1000 <= at; ++i)
            part.push_back((*seconds)[i]);
        ASSERT_FALSE(part.empty());
        Candle expected = market::aggregate(part, Interval::S1, Interval::M1).front();
        expected.closed = false;
        EXPECT_EQ(bar, expected) << "at " << formatUtc(at, true);
    }
    // The compared line at the forming bar: ETHUSDT's close of the minute before (the forming
    // minute's close is the future); at its end, that minute's own close.
    ASSERT_EQ(comparedWhileForming.size(), formingSeen.size());
    ASSERT_TRUE(compared->find(clock - kMinute).has_value());
    for (double v : comparedWhileForming) EXPECT_EQ(v, compared->find(clock - kMinute)->close.toDouble());
    EXPECT_EQ(comparedLast(), compared->find(clock)->close.toDouble());
    const market::CandleSeries* m = charts[0]->controller().currentSeries();
    EXPECT_EQ((*m)[m->size() - 1], *minutesLive->find(clock)) << "whole at its end: the venue's bar";
    // The 1s chart moved with it, in time order: every second of that minute, nothing later.
    oneSecond = charts[1]->controller().currentSeries();
    EXPECT_LT(oneSecond->openTime(oneSecond->size() - 1), clock + kMinute);
    EXPECT_GE(oneSecond->openTime(oneSecond->size() - 1), clock + kMinute - 5'000);

    // Exit on the linked chart ends both.
    window.setActivePane(charts[1]);
    action(window, "barReplayExit")->trigger();
    EXPECT_FALSE(charts[0]->controller().replaying());
    EXPECT_FALSE(charts[1]->controller().replaying());
    EXPECT_EQ(charts[0]->controller().currentSeries(), charts[0]->controller().liveSeries());
}

TEST(BarReplayApp, OpeningAnotherSymbolEndsTheReplayOfThatChart) {
    QTemporaryDir dir;
    ChartController controller(demoOptions(dir));
    ASSERT_TRUE(controller.start());
    AppSettings settings(dir.filePath("settings.ini"));
    MainWindow window(controller, settings);
    window.show();
    window.openSeries("BTCUSDT", Interval::S1);
    ChartPane* pane = window.activePane();
    ASSERT_TRUE(test::processEventsUntil([&] { return hasCandles(pane, 30); }, 20000));
    const market::CandleSeries* live = controller.liveSeries();
    ASSERT_TRUE(window.barReplay()->startAt(pane, live->openTime(live->size() - 10)));
    window.openSeries("ETHUSDT", Interval::S1);
    EXPECT_FALSE(window.barReplay()->replaying());
    EXPECT_FALSE(controller.replaying());
    EXPECT_EQ(controller.currentKey().symbol, "ETHUSDT");
}

TEST(BarReplayApp, ABadBarReplayTimeOnTheCommandLineIsRefusedSayingWhatIsAccepted) {
    QTemporaryDir dir;
    QProcess app;
    app.setProcessEnvironment([] {
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert("QT_QPA_PLATFORM", "offscreen");
        return env;
    }());
    app.start(CPC_APP_BINARY, {"--demo", "--settings", dir.filePath("s.ini"), "--bar-replay", "yesterday"});
    ASSERT_TRUE(app.waitForFinished(30000));
    EXPECT_EQ(app.exitCode(), 2);
    const QString said = QString::fromUtf8(app.readAllStandardError());
    EXPECT_TRUE(said.contains("--bar-replay needs a time (UTC)")) << said.toStdString();
    EXPECT_TRUE(said.contains("\"yesterday\"")) << said.toStdString();
}
