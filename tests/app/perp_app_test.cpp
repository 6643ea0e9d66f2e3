// Perpetual futures in the app (issue 17), offscreen against the simulator's Binance USD-M
// perpetuals (never the internet): the market selector beside the exchange and the ".P" symbol
// suffix, `canvasprochart --market`, the mark and index lines and the funding countdown (legend and
// status bar) against the simulator's model, open-interest history joined with the live values
// without a gap, liquidations as bubbles sized by value and as rows of the realtime window, and a
// failing perpetual feed as a visible state. PerpData's per-candle rules without Qt first.
#include <gtest/gtest.h>

#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <chrono>
#include <cmath>

#include "app_test_util.hpp"
#include "cpc/app/app_services.hpp"
#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/chart_pane.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/app/order_flow_feed.hpp"
#include "cpc/app/perp_chart.hpp"
#include "cpc/app/perp_data.hpp"
#include "cpc/app/perp_liquidations.hpp"
#include "cpc/app/realtime_window.hpp"
#include "cpc/chart/chart_views.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"
#include "cpc/sim/sim_server.hpp"
#include "perp_model.hpp"  // src/sim (private): the model the simulator serves

using cpc::test::AppRun;
using cpc::test::runApp;

using namespace cpc;
using namespace cpc::app;

namespace {

constexpr std::uint64_t kSeed = 42;
// 2024-01-01 07:58:00 UTC: two minutes before the 08:00 funding.
constexpr std::int64_t kStartMs = 1'704'095'880'000;
constexpr std::int64_t kFundingMs = 1'704'096'000'000;

// A candle list at `step` from `first` (only the open times matter here).
market::CandleSeries candlesAt(std::int64_t first, std::int64_t step, int count) {
    market::CandleSeries s(SeriesKey{"binance", "BTCUSDT", Interval::M1});
    for (int i = 0; i < count; ++i) {
        Candle c;
        c.openTime = first + i * step;
        c.open = c.high = c.low = c.close = Decimal::fromUnits(100'000'000);
        s.upsert(c);
    }
    return s;
}

// The demo's services with the simulator's clock starting at kStartMs, `speed` times real time.
struct PerpRig {
    explicit PerpRig(int speed, MarketType market = MarketType::Perp) {
        options.demo = true;
        options.market = market;
        options.simSeed = kSeed;
        options.simPushIntervalMs = 200;
        options.databasePath = dir.filePath("demo.sqlite3").toStdString();
        const auto wallStart = std::chrono::steady_clock::now();
        options.simClock = [wallStart, speed] {
            const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - wallStart);
            return kStartMs + elapsed.count() * speed;
        };
        services = std::make_unique<AppServices>(app::servicesOptions(options));
        options.services = services.get();
        controller = std::make_unique<ChartController>(options);
        EXPECT_TRUE(controller->start());
        settings = std::make_unique<AppSettings>(dir.filePath("settings.ini"));
        window = std::make_unique<MainWindow>(*controller, *settings);
        window->resize(1200, 760);
        window->show();
    }
    ~PerpRig() {
        window.reset();
        controller.reset();
        services.reset();
    }
    PerpChart& perp() const { return *window->activePane()->perp(); }
    std::int64_t simNow() const { return options.simClock(); }

    QTemporaryDir dir;
    ControllerOptions options;
    std::unique_ptr<AppServices> services;
    std::unique_ptr<ChartController> controller;
    std::unique_ptr<AppSettings> settings;
    std::unique_ptr<MainWindow> window;
    sim::MarketModel spot{kSeed};
    sim::PerpModel model{spot, kSeed};
};

const chart::Overlay* overlay(const chart::ChartModel& m, std::uint64_t id) {
    const auto at = m.overlayIndex(id);
    return at ? &m.overlays()[*at] : nullptr;
}

const chart::Pane* pane(const chart::ChartModel& m, std::uint64_t id) {
    const auto at = m.paneIndex(id);
    return at ? &m.panes()[*at] : nullptr;
}

double lastFinite(const std::vector<double>& v) {
    for (auto it = v.rbegin(); it != v.rend(); ++it)
        if (std::isfinite(*it)) return *it;
    return std::nan("");
}

}  // namespace

// ---- PerpData (Qt-free) ------------------------------------------------------------------------

TEST(PerpData, ACandleTakesTheLastSampleBeforeItsEndAndNothingBeforeTheFirstOrLongAfterTheLast) {
    const auto series = candlesAt(0, 60'000, 6);  // opens 0, 1, 2, 3, 4, 5 min
    const std::vector<PerpData::Sample> samples = {{90'000, 1.0}, {110'000, 2.0}, {125'000, 3.0}};
    const auto v = PerpData::stepValues(series.candles(), Interval::M1, samples, 120'000);
    ASSERT_EQ(v.size(), 6u);
    EXPECT_TRUE(std::isnan(v[0])) << "before the first sample";
    EXPECT_EQ(v[1], 2.0) << "the last sample inside the candle";
    EXPECT_EQ(v[2], 3.0);
    EXPECT_EQ(v[3], 3.0) << "held forward";
    EXPECT_EQ(v[4], 3.0) << "240 000 − 125 000 is within the hold";
    EXPECT_TRUE(std::isnan(v[5])) << "a stopped feed leaves later candles empty";
}

TEST(PerpData, PriceHistoryGoesBeforeTheLivePushesWithoutAGapOrAnOverlap) {
    PerpData d;
    // Live pushes from 3:30 (the chart opened then).
    for (const std::int64_t t : {210'000, 211'000, 250'000}) {
        exchange::MarkPriceUpdate u;
        u.eventTimeMs = t;
        u.markPrice = Decimal::fromInt(t / 1000);
        u.indexPrice = Decimal::fromInt(t / 1000 + 1);
        d.addMarkPrice(u);
    }
    // The venue's candles of minutes 0…3, asked for after 4:00: minute 3 overlaps the pushes;
    // a forming one is not history.
    std::vector<Candle> mark, index;
    for (int minute = 0; minute < 5; ++minute) {
        Candle c;
        c.openTime = minute * 60'000;
        c.close = Decimal::fromInt(1000 + minute);
        c.closed = minute < 4;
        mark.push_back(c);
        c.close = Decimal::fromInt(2000 + minute);
        index.push_back(c);
    }
    d.addPriceHistory(Interval::M1, mark, index);
    const auto& s = d.markSamples();
    ASSERT_EQ(s.size(), 6u);
    EXPECT_EQ(s[0].timeMs, 59'999) << "a candle's close at its last millisecond";
    EXPECT_EQ(s[2].timeMs, 179'999);
    EXPECT_EQ(s[2].value, 1002.0);
    EXPECT_EQ(s[3].timeMs, 210'000) << "minute 3 has pushes: the live values stay";
    EXPECT_EQ(d.indexSamples().size(), 6u);
    EXPECT_EQ(d.indexSamples()[1].value, 2001.0);
    const auto series = candlesAt(0, 60'000, 5);
    const auto v = d.markValues(series.candles(), Interval::M1);
    EXPECT_EQ(v[0], 1000.0);
    EXPECT_EQ(v[2], 1002.0);
    EXPECT_EQ(v[3], 211.0) << "the last push of the minute";
    EXPECT_EQ(v[4], 250.0);
    // Without pushes yet every closed candle is taken; pushes then continue after them.
    PerpData e;
    e.addPriceHistory(Interval::M1, mark, index);
    EXPECT_EQ(e.markSamples().size(), 4u);
    EXPECT_EQ(e.markSamples().back().timeMs, 239'999);
}

TEST(PerpData, FundingOfEachCandleIsItsPeriodsRateAndTheCurrentRateAfterTheLastSettlement) {
    PerpData d;
    const std::int64_t h8 = 8LL * 3'600'000;
    d.setFundingHistory({{2 * h8, Decimal::fromUnits(10'000)}, {h8, Decimal::fromUnits(-5'000)}});  // unsorted on purpose
    exchange::FundingUpdate live;
    live.eventTimeMs = 2 * h8 + 1000;
    live.rate = Decimal::fromUnits(20'000);
    live.nextFundingTimeMs = 3 * h8;
    d.setFunding(live, 0);
    const auto series = candlesAt(-h8, h8 / 2, 8);  // from −8 h to +27 h, every 4 h
    const auto v = d.fundingValues(series.candles());
    EXPECT_TRUE(std::isnan(v[0])) << "−8 h: before the history's first period (0 h … 8 h)";
    EXPECT_TRUE(std::isnan(v[1])) << "−4 h";
    EXPECT_DOUBLE_EQ(v[2], -0.005) << "0 h: the period paid at 8 h, in percent";
    EXPECT_DOUBLE_EQ(v[3], -0.005);
    EXPECT_DOUBLE_EQ(v[4], 0.01) << "8 h: the period paid at 16 h";
    EXPECT_DOUBLE_EQ(v[5], 0.01);
    EXPECT_DOUBLE_EQ(v[6], 0.02) << "16 h: not paid yet, the current rate";
    EXPECT_DOUBLE_EQ(v[7], 0.02);
}

TEST(PerpData, CountdownRunsOnTheVenuesClockFromTheLastUpdate) {
    PerpData d;
    EXPECT_FALSE(d.fundingCountdownMs(0));
    exchange::FundingUpdate f;
    f.eventTimeMs = 1'000'000;  // venue time
    f.rate = Decimal::fromUnits(10'000);
    f.nextFundingTimeMs = 1'000'000 + 3'723'000;
    d.setFunding(f, 50);  // arrived at local 50
    EXPECT_EQ(*d.fundingCountdownMs(50), 3'723'000);
    EXPECT_EQ(*d.fundingCountdownMs(2'050), 3'721'000) << "local time elapsed since it arrived";
    EXPECT_EQ(*d.fundingCountdownMs(1'000'000'000), 0) << "never below zero";
    EXPECT_EQ(PerpData::countdownText(3'723'999), "01:02:03");
    EXPECT_EQ(PerpData::countdownText(31 * 3'600'000), "31:00:00");
    f.eventTimeMs = 999'000;  // older than what is shown: ignored
    f.rate = Decimal::fromUnits(1);
    d.setFunding(f, 60);
    EXPECT_DOUBLE_EQ(*d.fundingRate(), 0.0001);
}

TEST(PerpData, OpenInterestHistoryAndLiveValuesAreOneSeries) {
    PerpData d;
    exchange::OpenInterestUpdate live;
    live.timeMs = 1'000'000;
    live.openInterest = Decimal::fromUnits(7);
    d.addOpenInterest(live);  // a live value before the history came
    feed::OpenInterestHistory h;
    h.period = Interval::M5;
    for (std::int64_t t = 100'000; t <= 1'000'000; t += 300'000) h.points.push_back({t, Decimal::fromUnits(t), std::nullopt});
    d.setOpenInterestHistory(h);
    ASSERT_EQ(d.openInterest().size(), 4u);  // 100k, 400k, 700k, 1 000k (the live one kept)
    EXPECT_EQ(d.openInterest().back().openInterest, Decimal::fromUnits(7)) << "at a time both have, the live value";
    EXPECT_EQ(d.largestOpenInterestGapMs(), 300'000);
    live.timeMs = 1'900'000;
    d.addOpenInterest(live);
    EXPECT_EQ(d.largestOpenInterestGapMs(), 900'000) << "a hole is measured, not hidden";
    EXPECT_EQ(PerpChart::openInterestPeriodFor({Interval::M5, Interval::H1, Interval::D1}, Interval::M1), Interval::M5);
    EXPECT_EQ(PerpChart::openInterestPeriodFor({Interval::M5, Interval::H1, Interval::D1}, Interval::H4), Interval::H1);
}

// ---- the app against the simulator ----------------------------------------------------------------

TEST(PerpApp, MarketSelectorAndSymbolSuffixSwitchTheChartAndTheWorkspaceKeepsIt) {
    PerpRig rig(1, MarketType::Spot);
    MainWindow& window = *rig.window;
    window.openSeries("BTCUSDT", Interval::M1);
    ASSERT_TRUE(test::processEventsUntil([&] { return rig.controller->status().state == feed::FeedState::Live; }, 20000));
    auto* box = window.findChild<QComboBox*>("marketBox");
    ASSERT_NE(box, nullptr);
    ASSERT_EQ(box->count(), 2);
    EXPECT_EQ(box->currentData().toInt(), static_cast<int>(MarketType::Spot));
    EXPECT_FALSE(rig.perp().isOpen()) << "nothing perpetual on a spot chart";
    EXPECT_EQ(window.fundingStatusText(), QString());

    // The toolbar's selector, as a user picks it.
    box->setCurrentIndex(1);
    emit box->activated(1);
    EXPECT_EQ(rig.controller->marketType(), MarketType::Perp);
    EXPECT_EQ(toString(rig.controller->currentKey()), "binance/perp:BTCUSDT:1m");
    EXPECT_NE(rig.services->findSimulator("binance", MarketType::Perp), nullptr) << "the demo serves perpetuals";
    EXPECT_TRUE(window.activePane()->venueLabel().contains("Perpetual")) << window.activePane()->venueLabel().toStdString();
    EXPECT_EQ(rig.settings->market(), MarketType::Perp);
    ASSERT_TRUE(test::processEventsUntil([&] {
        return rig.controller->status().state == feed::FeedState::Live && rig.perp().isOpen() &&
               rig.perp().data().fundingRate().has_value();
    }, 20000));
    EXPECT_TRUE(window.workspaceState().contains("\"market\":\"perp\""));
    const auto* series = rig.controller->currentSeries();
    ASSERT_TRUE(series && !series->empty());
    EXPECT_NE(rig.controller->store().find(rig.controller->currentKey()), nullptr);

    // Back to spot: the perpetual's layers go.
    box->setCurrentIndex(0);
    emit box->activated(0);
    EXPECT_EQ(rig.controller->currentKey().market, MarketType::Spot);
    EXPECT_FALSE(rig.perp().isOpen());
    EXPECT_EQ(rig.perp().fundingLegendId(), 0u);
    EXPECT_EQ(window.canvas()->model().overlays().size(), 0u);

    // The symbol search: TradingView's ".P" opens the perpetual.
    QLineEdit* edit = window.findChild<QComboBox*>("symbolBox")->lineEdit();
    edit->setText("ethusdt.p");
    QTest::keyClick(edit, Qt::Key_Return);
    EXPECT_EQ(rig.controller->marketType(), MarketType::Perp);
    EXPECT_EQ(rig.controller->currentKey().symbol, "ETHUSDT");
    EXPECT_EQ(box->currentData().toInt(), static_cast<int>(MarketType::Perp));

    // A restored workspace opens the perpetual again.
    const QByteArray state = window.workspaceState();
    ASSERT_TRUE(window.switchMarket(MarketType::Spot));
    ASSERT_TRUE(window.restoreWorkspace(state));
    EXPECT_EQ(rig.controller->currentKey().market, MarketType::Perp);
    EXPECT_EQ(rig.controller->currentKey().symbol, "ETHUSDT");

    // Bybit's linear perpetuals are simulated too: the demo switches to them.
    ASSERT_TRUE(window.switchMarket(MarketType::Spot));
    ASSERT_TRUE(window.switchExchange("bybit"));
    ASSERT_TRUE(window.switchMarket(MarketType::Perp)) << window.statusBar()->currentMessage().toStdString();
    EXPECT_EQ(rig.controller->marketType(), MarketType::Perp);
    EXPECT_EQ(rig.controller->exchangeName(), "bybit");
    ASSERT_TRUE(test::processEventsUntil([&] {
        return rig.controller->currentSeries() && rig.controller->currentSeries()->size() > 10;
    }, 20000)) << "the Bybit perpetual's candles";

    // A venue whose perpetuals the demo does not simulate (KuCoin's futures are another API):
    // refused, visibly, the chart unchanged.
    ASSERT_TRUE(window.switchMarket(MarketType::Spot));
    ASSERT_TRUE(window.switchExchange("kucoin"));
    EXPECT_FALSE(window.switchMarket(MarketType::Perp));
    EXPECT_EQ(rig.controller->marketType(), MarketType::Spot);
    EXPECT_EQ(rig.controller->exchangeName(), "kucoin");
    EXPECT_EQ(box->currentData().toInt(), static_cast<int>(MarketType::Spot));
    EXPECT_FALSE(window.statusBar()->currentMessage().isEmpty());
}

TEST(PerpApp, MarkAndIndexLinesAndTheFundingCountdownFollowTheSimulatorsModel) {
    PerpRig rig(1);
    MainWindow& window = *rig.window;
    window.openSeries("BTCUSDT", Interval::M1);
    PerpChart& perp = rig.perp();
    ASSERT_TRUE(test::processEventsUntil([&] {
        // Live pushes, and the venue's mark and index candles of the bars before them.
        return perp.data().markSamples().size() >= 3 && perp.data().nextFundingTimeMs() && rig.controller->currentSeries() &&
               rig.controller->currentSeries()->size() > 10 && perp.data().markSamples().front().timeMs < kStartMs &&
               !perp.data().indexSamples().empty() && perp.data().indexSamples().front().timeMs < kStartMs;
    }, 20000)) << perp.failure().toStdString();
    QTest::qWait(400);  // the lines are rebuilt at most every 250 ms
    const chart::ChartModel& model = window.canvas()->model();
    // Every pushed mark and index price is the model's at its time.
    for (const auto& s : perp.data().markSamples())
        EXPECT_EQ(s.value, rig.model.markPrice("BTCUSDT", s.timeMs)->toDouble()) << "at " << s.timeMs;
    for (const auto& s : perp.data().indexSamples())
        EXPECT_EQ(s.value, rig.model.indexPrice("BTCUSDT", s.timeMs)->toDouble()) << "at " << s.timeMs;
    // Drawn: the mark line's newest value is the newest push, the index line apart from it.
    const chart::Overlay* mark = overlay(model, perp.markOverlayId());
    const chart::Overlay* index = overlay(model, perp.indexOverlayId());
    ASSERT_TRUE(mark && index);
    ASSERT_EQ(mark->series.size(), 1u);
    EXPECT_EQ(mark->series[0].values.size(), rig.controller->currentSeries()->size());
    // (A push may land after the last rebuild: one of the newest.)
    const auto& samples = perp.data().markSamples();
    const double newestDrawn = lastFinite(mark->series[0].values);
    EXPECT_TRUE(newestDrawn == samples.back().value || newestDrawn == samples[samples.size() - 2].value ||
                newestDrawn == samples[samples.size() - 3].value)
        << newestDrawn;
    EXPECT_NE(lastFinite(index->series[0].values), newestDrawn) << "the basis";
    // Before the chart opened: each candle's mark and index value is the model's at the candle's
    // last millisecond (the venue's mark / index candles); from the candle it opened in on, the
    // pushes — every candle has one, no gap where they meet.
    const auto candles = rig.controller->currentSeries()->candles();
    ASSERT_EQ(index->series[0].values.size(), candles.size());
    std::size_t earlier = 0;
    for (std::size_t i = 0; i < candles.size(); ++i) {
        const double m = mark->series[0].values[i];
        const double x = index->series[0].values[i];
        ASSERT_TRUE(std::isfinite(m) && std::isfinite(x)) << "candle " << i << " at " << candles.openTime(i);
        if (candles.openTime(i) + 60'000 > kStartMs) continue;
        const std::int64_t last = (i + 1 < candles.size() ? candles.openTime(i + 1) : candles.openTime(i) + 60'000) - 1;
        EXPECT_EQ(m, rig.model.markPrice("BTCUSDT", last)->toDouble()) << "candle at " << candles.openTime(i);
        EXPECT_EQ(x, rig.model.indexPrice("BTCUSDT", last)->toDouble()) << "candle at " << candles.openTime(i);
        ++earlier;
    }
    EXPECT_GT(earlier, 10u) << "candles before the chart opened";
    EXPECT_TRUE(perp.failure().isEmpty()) << perp.failure().toStdString();

    // The countdown: 08:00 is the next funding, the time left is the model's (within a tick).
    EXPECT_EQ(*perp.data().nextFundingTimeMs(), kFundingMs);
    EXPECT_EQ(*perp.data().fundingRate(), rig.model.fundingRate("BTCUSDT", kFundingMs).toDouble());
    const std::int64_t left = *perp.fundingCountdownMs();
    EXPECT_NEAR(static_cast<double>(left), static_cast<double>(kFundingMs - rig.simNow()), 1500.0);
    const QString text = perp.fundingText();
    EXPECT_TRUE(text.contains(QString::fromStdString(PerpData::countdownText(left)).left(6))) << text.toStdString();
    EXPECT_TRUE(text.startsWith("Funding ")) << text.toStdString();
    // In the legend and in the status bar, ticking.
    const chart::Overlay* legend = overlay(model, perp.fundingLegendId());
    ASSERT_NE(legend, nullptr);
    EXPECT_TRUE(legend->series.empty());
    const auto* label = window.findChild<QLabel*>("fundingStatus");
    ASSERT_NE(label, nullptr);
    EXPECT_TRUE(label->isVisible());
    const QString before = label->text();
    ASSERT_TRUE(test::processEventsUntil([&] { return label->text() != before; }, 3000)) << "the countdown ticks";
    // The legend and the status bar show the same tick's countdown (fundingText() asked now may be a
    // second further on: it was, once, at four tests at once).
    EXPECT_EQ(QString::fromStdString(overlay(model, perp.fundingLegendId())->title), label->text());
    EXPECT_TRUE(label->text().startsWith("Funding ")) << label->text().toStdString();

    // The funding pane: the current period's rate on the newest candle, in percent.
    const chart::Pane* funding = pane(model, perp.fundingPaneId());
    ASSERT_NE(funding, nullptr);
    EXPECT_DOUBLE_EQ(lastFinite(funding->series.at(0).values), *perp.data().fundingRate() * 100.0);

    // View ▸ Perpetual: a layer off and on again, saved.
    window.setPerpLayerVisible(PerpChart::kMark, false);
    EXPECT_EQ(perp.markOverlayId(), 0u);
    EXPECT_FALSE(rig.settings->perpLayerVisible(PerpChart::kMark));
    EXPECT_NE(perp.indexOverlayId(), 0u);
    window.setPerpLayerVisible(PerpChart::kMark, true);
    ASSERT_NE(perp.markOverlayId(), 0u);
    EXPECT_EQ(lastFinite(overlay(model, perp.markOverlayId())->series[0].values), perp.data().markSamples().back().value);
}

TEST(PerpApp, OpenInterestPaneJoinsTheHistoryAndTheLiveValuesWithoutAGap) {
    PerpRig rig(1);
    MainWindow& window = *rig.window;
    window.openSeries("BTCUSDT", Interval::M1);
    PerpChart& perp = rig.perp();
    std::int64_t historyEnd = 0;
    ASSERT_TRUE(test::processEventsUntil([&] {
        const auto& oi = perp.data().openInterest();
        if (!perp.data().openInterestPeriod() || oi.empty()) return false;
        // Two live polls after the history's newest 5-minute row.
        if (historyEnd == 0)
            for (const auto& p : oi)
                if (p.timeMs % 300'000 == 0) historyEnd = std::max(historyEnd, p.timeMs);
        return std::count_if(oi.begin(), oi.end(), [&](const auto& p) { return p.timeMs > historyEnd; }) >= 2;
    }, 30000)) << perp.failure().toStdString();
    QTest::qWait(400);
    const auto& oi = perp.data().openInterest();
    EXPECT_EQ(*perp.data().openInterestPeriod(), Interval::M5);
    EXPECT_TRUE(perp.data().openInterestReachedStart()) << "as far back as the venue serves it";
    EXPECT_GE(kStartMs - oi.front().timeMs, 29LL * 24 * 3'600'000) << "about 30 days of history";
    // No step between two points larger than the history's period: the join has no gap.
    EXPECT_LE(perp.data().largestOpenInterestGapMs(), 300'000);
    for (const auto& p : oi) EXPECT_EQ(p.openInterest, rig.model.openInterest("BTCUSDT", p.timeMs)) << "at " << p.timeMs;
    // The pane: every candle from the first point on has a value (no hole where history meets live).
    const chart::Pane* pane = ::pane(window.canvas()->model(), perp.openInterestPaneId());
    ASSERT_NE(pane, nullptr);
    const auto& values = pane->series.at(0).values;
    const auto candles = rig.controller->currentSeries()->candles();
    ASSERT_EQ(values.size(), candles.size());
    std::size_t checked = 0;
    for (std::size_t i = 0; i < candles.size(); ++i) {
        if (candles.openTime(i) + 60'000 <= oi.front().timeMs) continue;
        EXPECT_TRUE(std::isfinite(values[i])) << "candle " << i << " at " << candles.openTime(i);
        ++checked;
    }
    EXPECT_GT(checked, 10u);
    // The newest candle shows a live value (a poll may land after the last rebuild: any live one).
    EXPECT_TRUE(std::any_of(oi.begin(), oi.end(), [&](const auto& p) {
        return p.timeMs > historyEnd && p.openInterest.toDouble() == values.back();
    })) << values.back();
}

TEST(PerpApp, LiquidationsAreBubblesSizedByValueAndRowsOfTheRealtimeWindow) {
    // An exchange minute per wall second: about one liquidation every 4 s.
    PerpRig rig(60);
    MainWindow& window = *rig.window;
    window.openSeries("BTCUSDT", Interval::M1);
    RealtimeWindow* realtime = RealtimeWindow::openFor(*rig.controller, *rig.settings, &window);
    ASSERT_NE(realtime, nullptr);
    ASSERT_NE(realtime->liquidationTable(), nullptr) << "a perpetual's realtime window lists liquidations";
    PerpChart& perp = rig.perp();
    ASSERT_TRUE(test::processEventsUntil([&] {
        return perp.data().liquidationsSeen() >= 3 && realtime->liquidationTable()->rowCount() >= 3;
    }, 40000)) << perp.failure().toStdString();
    QTest::qWait(400);
    // Each is the model's, at the mark price of its moment.
    for (const auto& l : perp.data().liquidations()) {
        const auto expected = rig.model.liquidations("BTCUSDT", l.timeMs, l.timeMs + 1);
        ASSERT_EQ(expected.size(), 1u) << "at " << l.timeMs;
        EXPECT_EQ(l.price, expected.front().price);
        EXPECT_EQ(l.quantity, expected.front().quantity);
        EXPECT_EQ(l.longLiquidated, expected.front().longLiquidated);
    }
    // On the chart: one bubble each, its value the liquidation's, the side its colour. The layer
    // off and on again rebuilds it now (no liquidation lands in between).
    const chart::ChartModel& model = window.canvas()->model();
    window.setPerpLayerVisible(PerpChart::kLiquidations, false);
    EXPECT_TRUE(model.bubbles().empty());
    window.setPerpLayerVisible(PerpChart::kLiquidations, true);
    ASSERT_EQ(model.bubbles().size(), perp.data().liquidations().size());
    for (std::size_t i = 0; i < model.bubbles().size(); ++i) {
        const auto& l = perp.data().liquidations()[i];
        const auto& b = model.bubbles()[i];
        EXPECT_EQ(b.timeMs, l.timeMs);
        EXPECT_EQ(b.price, l.price.toDouble());
        EXPECT_DOUBLE_EQ(b.value, l.price.toDouble() * l.quantity.toDouble());
        EXPECT_EQ(b.buy, !l.longLiquidated);
    }
    // Drawn sized by value: a larger liquidation is a larger circle.
    window.canvas()->model().scrollToLiveEdge();
    chart::FrameItems frame;
    chart::buildFrame(model, frame);
    std::vector<chart::BubbleItem> drawn;
    for (const auto& b : frame.bubbles)
        if (b.liquidation) drawn.push_back(b);
    ASSERT_GE(drawn.size(), 2u) << "liquidations on screen";
    std::vector<double> values;
    for (const auto& b : model.bubbles()) values.push_back(b.value);
    const double largest = *std::max_element(values.begin(), values.end());
    for (const auto& b : drawn) {
        EXPECT_GE(b.r, chart::kBubbleMinRadius - 1e-3);
        EXPECT_LE(b.r, chart::kBubbleMaxRadius + 1e-3);
    }
    // The radius is the value's: r = min + (max − min)·√(value / largest).
    std::size_t matched = 0;
    for (const auto& b : drawn)
        for (const double v : values) {
            const double r = chart::kBubbleMinRadius + (chart::kBubbleMaxRadius - chart::kBubbleMinRadius) * std::sqrt(v / largest);
            if (std::fabs(r - b.r) < 1e-3) {
                ++matched;
                break;
            }
        }
    EXPECT_EQ(matched, drawn.size());
    // The realtime window's list, newest first: each row one of the liquidations, with its side.
    const LiquidationTable* table = realtime->liquidationTable();
    for (int row = 0; row < table->rowCount(); ++row) {
        const double price = QLocale().toDouble(table->item(row, LiquidationTable::Price)->text());
        const QString side = table->item(row, LiquidationTable::Side)->text();
        EXPECT_TRUE(std::any_of(perp.data().liquidations().begin(), perp.data().liquidations().end(), [&](const auto& l) {
            return std::fabs(l.price.toDouble() - price) < 0.005 && side == (l.longLiquidated ? "Long" : "Short");
        })) << "row " << row << ": " << price;
        if (row > 0) {
            EXPECT_GE(table->item(row - 1, LiquidationTable::Time)->text(), table->item(row, LiquidationTable::Time)->text());
        }
    }
    realtime->close();
}

TEST(PerpApp, AFailingPerpetualFeedIsAStateInTheLegendAndTheStatusBar) {
    PerpRig rig(1, MarketType::Spot);
    MainWindow& window = *rig.window;
    window.openSeries("BTCUSDT", Interval::M1);
    // The perpetual venue answers every REST request with HTTP 503 (its streams still push).
    auto server = rig.services->simulator("binance", MarketType::Perp);
    ASSERT_TRUE(server);
    (*server)->inject(sim::SimFault::RestServerError, std::chrono::milliseconds(0), 100'000);
    ASSERT_TRUE(window.switchMarket(MarketType::Perp));
    PerpChart& perp = rig.perp();
    ASSERT_TRUE(test::processEventsUntil([&] { return !perp.failure().isEmpty(); }, 20000));
    // Whichever request met the 503 first (the history or the mark price and funding): named, with why.
    EXPECT_TRUE(perp.failure().contains("history") || perp.failure().contains("mark price"))
        << perp.failure().toStdString();
    EXPECT_TRUE(perp.failure().contains("HTTP 503")) << perp.failure().toStdString();
    EXPECT_TRUE(perp.fundingText().startsWith("Perpetual data failed")) << perp.fundingText().toStdString();
    QTest::qWait(1200);
    const chart::Overlay* legend = overlay(window.canvas()->model(), perp.fundingLegendId());
    ASSERT_NE(legend, nullptr);
    EXPECT_EQ(QString::fromStdString(legend->title), perp.fundingText());
    const auto* label = window.findChild<QLabel*>("fundingStatus");
    EXPECT_TRUE(label->isVisible());
    EXPECT_TRUE(label->text().startsWith("Perpetual data failed")) << label->text().toStdString();
}

TEST(PerpApp, CommandLineMarketOpensThePerpetualAndRefusesWhatItCannotServe) {
    const AppRun bogus = runApp({"--market", "futures"});
    EXPECT_EQ(bogus.exitCode, 2);
    EXPECT_TRUE(bogus.err.contains("unknown market \"futures\"; accepted: spot, perp")) << bogus.err.toStdString();

    QTemporaryDir dir;
    const AppRun kucoin = runApp({"--demo", "--exchange", "kucoin", "--market", "perp", "--database",
                                  dir.filePath("demo.sqlite3"), "--settings", dir.filePath("kucoin.ini")});
    EXPECT_EQ(kucoin.exitCode, 2);
    EXPECT_FALSE(kucoin.err.isEmpty());
    // Bybit's and OKX's perpetuals are simulated: the demo opens them.
    for (const char* venue : {"bybit", "okx"}) {
        const QString shot = dir.filePath(QStringLiteral("%1.png").arg(QLatin1String(venue)));
        const AppRun run = runApp({"--demo", "--exchange", venue, "--market", "perp", "--screenshot", shot, "--exit-after",
                                   "4", "--database", dir.filePath(QStringLiteral("%1.sqlite3").arg(QLatin1String(venue))),
                                   "--settings", dir.filePath(QStringLiteral("%1.ini").arg(QLatin1String(venue)))});
        EXPECT_EQ(run.exitCode, 0) << venue << ": " << run.err.toStdString();
        EXPECT_FALSE(QImage(shot).isNull()) << venue;
    }

    const QString png = dir.filePath("perp.png");
    const AppRun perp = runApp({"--demo", "--market", "perp", "--symbol", "BTCUSDT", "--screenshot", png, "--exit-after",
                                "6", "--database", dir.filePath("demo.sqlite3"), "--settings", dir.filePath("s.ini")});
    ASSERT_EQ(perp.exitCode, 0) << perp.err.toStdString();
    EXPECT_FALSE(QImage(png).isNull());
    AppSettings saved(dir.filePath("s.ini"));
    EXPECT_EQ(saved.market(), MarketType::Perp);
    EXPECT_TRUE(saved.workspace().contains("\"market\":\"perp\"")) << saved.workspace().toStdString();
}

// Issue 18 on a perpetual: the heatmap's book comes from Binance USD-M's book route (/public), where
// the chart's own streams put depth streams; on /market the simulator refuses it (the venue would
// accept it and send nothing), so the heatmap had no book.
TEST(PerpApp, HeatmapOnTheUsdMPerpetualSamplesTheSyncedBookFromItsBookRoute) {
    PerpRig rig(1);
    MainWindow& window = *rig.window;
    window.openSeries("BTCUSDT", Interval::S1);
    ASSERT_TRUE(test::processEventsUntil([&] {
        return rig.controller->currentSeries() && rig.controller->currentSeries()->size() > 10;
    }, 20000));
    window.setHeatmapVisible(true);
    const OrderFlowFeed* flow = window.orderFlow();
    ASSERT_TRUE(flow->isOpen());
    const auto booked = [&] {
        if (!flow->heatmap()) return 0;
        int columns = 0;
        for (std::size_t i = 0; i < flow->heatmap()->size(); ++i) columns += (*flow->heatmap())[i].maxSize > 0.0F;
        return columns;
    };
    EXPECT_TRUE(test::processEventsUntil([&] { return booked() >= 10 && flow->tradesSeen() > 0; }, 20000))
        << "columns with a book " << booked() << ", trades " << flow->tradesSeen() << ", link "
        << flow->link().detail;
    EXPECT_NE(flow->link().state, feed::FeedState::Failed) << flow->link().detail;
}

// Issue 17: scrolling back (the chart loads older candles) also loads the mark and index history
// of those bars, through the same REST gate: each older candle's mark and index value is the
// model's at its last millisecond, joined to the bars known before without a gap.
TEST(PerpApp, ScrollingBackLoadsTheMarkAndIndexOfTheOlderBars) {
    PerpRig rig(1);
    MainWindow& window = *rig.window;
    window.openSeries("BTCUSDT", Interval::M1);
    PerpChart& perp = rig.perp();
    ASSERT_TRUE(test::processEventsUntil([&] {
        const auto* series = rig.controller->currentSeries();
        return series && series->size() > 10 && !perp.data().markSamples().empty() &&
               perp.data().markSamples().front().timeMs < kStartMs && !perp.data().indexSamples().empty() &&
               perp.data().indexSamples().front().timeMs < kStartMs;
    }, 20000)) << perp.failure().toStdString();
    const std::int64_t firstBefore = rig.controller->currentSeries()->openTime(0);
    const std::int64_t markBefore = perp.data().markSamples().front().timeMs;
    ASSERT_LE(markBefore, firstBefore + 60'000) << "the first history reaches the chart's first bar";

    rig.controller->loadOlderHistory();
    ASSERT_TRUE(test::processEventsUntil([&] { return rig.controller->currentSeries()->openTime(0) < firstBefore; }, 20000));
    const std::int64_t first = rig.controller->currentSeries()->openTime(0);
    ASSERT_TRUE(test::processEventsUntil([&] {
        return perp.data().markSamples().front().timeMs < first + 60'000 &&
               perp.data().indexSamples().front().timeMs < first + 60'000;
    }, 20000)) << "the mark and index lines stop at " << perp.data().markSamples().front().timeMs << ", the chart begins at "
               << first << "; " << perp.failure().toStdString();
    QTest::qWait(400);  // the lines are rebuilt at most every 250 ms

    const chart::ChartModel& model = window.canvas()->model();
    const chart::Overlay* mark = overlay(model, perp.markOverlayId());
    const chart::Overlay* index = overlay(model, perp.indexOverlayId());
    ASSERT_TRUE(mark && index);
    const auto candles = rig.controller->currentSeries()->candles();
    ASSERT_EQ(mark->series[0].values.size(), candles.size());
    ASSERT_EQ(index->series[0].values.size(), candles.size());
    std::size_t older = 0;
    for (std::size_t i = 0; i < candles.size() && candles.openTime(i) + 60'000 <= kStartMs; ++i) {
        const std::int64_t last = candles.openTime(i + 1) - 1;
        ASSERT_TRUE(std::isfinite(mark->series[0].values[i])) << "no mark value for the candle at " << candles.openTime(i);
        ASSERT_EQ(mark->series[0].values[i], rig.model.markPrice("BTCUSDT", last)->toDouble()) << "candle at " << candles.openTime(i);
        ASSERT_EQ(index->series[0].values[i], rig.model.indexPrice("BTCUSDT", last)->toDouble())
            << "candle at " << candles.openTime(i);
        if (candles.openTime(i) < firstBefore) ++older;
    }
    EXPECT_GT(older, 10u) << "candles loaded by scrolling back";
    // One sample per bar: no overlap where the older history meets the first.
    const auto& samples = perp.data().markSamples();
    for (std::size_t i = 1; i < samples.size(); ++i) ASSERT_LT(samples[i - 1].timeMs, samples[i].timeMs);
    EXPECT_TRUE(perp.failure().isEmpty()) << perp.failure().toStdString();
    EXPECT_EQ(rig.services->findSimulator("binance", MarketType::Perp)->stats().weightViolations, 0u);
}

// Issue 17: Settings' endpoints are per market. A perpetual chart goes where the perpetual's
// custom endpoints point (a simulator of Binance USD-M on 127.0.0.1), a spot chart where spot's
// do; switching the market switches between them, and so does `canvasprochart --market`.
TEST(PerpApp, EachMarketConnectsToItsOwnEndpointsFromTheSettings) {
    sim::SimConfig spotConfig;
    spotConfig.klinePushInterval = std::chrono::milliseconds(200);
    sim::SimServer spotSim(spotConfig);
    ASSERT_TRUE(spotSim.start());
    sim::SimConfig perpConfig = spotConfig;
    perpConfig.market = MarketType::Perp;
    sim::SimServer perpSim(perpConfig);
    ASSERT_TRUE(perpSim.start());

    QTemporaryDir dir;
    // The same endpoints in two files: the window's saves its workspace and market in its own.
    const auto writeSettings = [&](const QString& path) {
        AppSettings s(path);
        s.setEndpointPreset(EndpointPreset::Custom, "binance");
        s.setCustomEndpoints({QString::fromStdString(spotSim.restBase()), QString::fromStdString(spotSim.streamBase())}, "binance");
        s.setEndpointPreset(EndpointPreset::Custom, "binance", MarketType::Perp);
        s.setCustomEndpoints({QString::fromStdString(perpSim.restBase()), QString::fromStdString(perpSim.streamBase())},
                             "binance", MarketType::Perp);
        s.sync();
    };
    const QString ini = dir.filePath("settings.ini");
    const QString perpIni = dir.filePath("perp.ini");
    const QString spotIni = dir.filePath("spot.ini");
    for (const QString& path : {ini, perpIni, spotIni}) writeSettings(path);

    // In the window: the toolbar's market selector.
    {
        AppSettings settings(ini);
        ControllerOptions options;
        options.restBase = spotSim.restBase();
        options.streamBase = spotSim.streamBase();
        options.databasePath = dir.filePath("candles.sqlite3").toStdString();
        AppServices services(app::servicesOptions(options));
        options.services = &services;
        ChartController controller(options);
        ASSERT_TRUE(controller.start());
        MainWindow window(controller, settings);
        window.resize(1000, 700);
        window.show();
        window.openSeries("BTCUSDT", Interval::M1);
        ASSERT_TRUE(test::processEventsUntil([&] {
            return controller.status().state == feed::FeedState::Live && controller.currentSeries() &&
                   controller.currentSeries()->size() > 10;
        }, 20000));
        EXPECT_EQ(perpSim.stats().restRequests, 0u);

        ASSERT_TRUE(window.switchMarket(MarketType::Perp));
        EXPECT_EQ(controller.restBase().toStdString(), perpSim.restBase());
        EXPECT_EQ(controller.streamBase().toStdString(), perpSim.streamBase());
        PerpChart& perp = *window.activePane()->perp();
        ASSERT_TRUE(test::processEventsUntil([&] {
            return controller.status().state == feed::FeedState::Live && controller.currentSeries() &&
                   controller.currentSeries()->size() > 10 && perp.data().markPrice().has_value();
        }, 20000)) << perp.failure().toStdString();
        EXPECT_GT(perpSim.stats().restRequests, 0u);
        EXPECT_GT(perpSim.stats().wsConnections, 0u) << "the perpetual's streams are the perpetual simulator's";

        ASSERT_TRUE(window.switchMarket(MarketType::Spot));
        EXPECT_EQ(controller.restBase().toStdString(), spotSim.restBase());
        EXPECT_EQ(controller.streamBase().toStdString(), spotSim.streamBase());
        ASSERT_TRUE(test::processEventsUntil([&] { return controller.status().state == feed::FeedState::Live; }, 20000));
    }

    // At the start: --market perp opens the perpetual at its settings' endpoints.
    const std::uint64_t perpRequests = perpSim.stats().restRequests;
    const AppRun perp = runApp({"--market", "perp", "--symbol", "BTCUSDT", "--settings", perpIni, "--database",
                                dir.filePath("perp.sqlite3"), "--exit-after", "4"});
    ASSERT_EQ(perp.exitCode, 0) << perp.err.toStdString();
    EXPECT_GT(perpSim.stats().restRequests, perpRequests) << "the perpetual went elsewhere";
    const std::uint64_t perpAfter = perpSim.stats().restRequests;
    const std::uint64_t spotRequests = spotSim.stats().restRequests;
    const AppRun spot = runApp({"--market", "spot", "--symbol", "BTCUSDT", "--settings", spotIni, "--database",
                                dir.filePath("spot.sqlite3"), "--exit-after", "4"});
    ASSERT_EQ(spot.exitCode, 0) << spot.err.toStdString();
    EXPECT_GT(spotSim.stats().restRequests, spotRequests);
    EXPECT_EQ(perpSim.stats().restRequests, perpAfter) << "spot went to the perpetual's endpoints";
}
