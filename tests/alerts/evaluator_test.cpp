// The evaluator, deterministic: every condition kind fires exactly once at the right tick (and at
// the right bar close for on-close alerts), on hand-made ticks and on the simulator's market
// (sim::MarketModel in-process, a pure function of the seed); history after an alert's
// seenThroughMs is evaluated and marked late, history before it only warms up (a restart does not
// fire again).
#include <gtest/gtest.h>

#include <cmath>
#include <iomanip>
#include <sstream>

#include "cpc/alerts/evaluator.hpp"
#include "cpc/core/interval.hpp"
#include "cpc/indicators/bar.hpp"
#include "cpc/indicators/registry.hpp"
#include "cpc/sim/market_model.hpp"

using namespace cpc;
using namespace cpc::alerts;

namespace {

const SeriesKey kKey{"binance", "BTCUSDT", Interval::M1};
constexpr std::int64_t kT0 = 1'796'083'200'000;  // 2026-12-01 00:00 UTC

Decimal dec(double v) { return *Decimal::fromDouble(v); }

Candle bar(std::int64_t minute, double o, double h, double l, double c, double volume = 1, bool closed = false) {
    Candle k;
    k.openTime = kT0 + minute * kMinuteMs;
    k.open = dec(o);
    k.high = dec(h);
    k.low = dec(l);
    k.close = dec(c);
    k.volume = dec(volume);
    k.trades = 1;
    k.closed = closed;
    return k;
}

Alert alertOf(std::string_view condition, Frequency f = Frequency::Once, Evaluation e = Evaluation::EveryTick,
              std::int64_t id = 1) {
    Alert a;
    a.id = id;
    a.key = kKey;
    auto c = parseCondition(condition);
    EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
    if (c) a.condition = *c;
    a.frequency = f;
    a.evaluation = e;
    a.createdMs = kT0 - 1;
    return a;
}

// Drives one evaluator with ticks; remembers every trigger and the tick number it came at.
struct Rig {
    AlertEvaluator eval;
    std::vector<Trigger> triggers;
    std::vector<int> firedAtTick;
    int tick = 0;

    void add(const Alert& a) { ASSERT_TRUE(eval.add(a).ok()); }
    // A tick of the bar opening at `minute`: it is at open + `second` s.
    void push(const Candle& c, int second = 30) {
        exchange::KlineUpdate u{kKey, c, c.openTime + second * 1000};
        // The venue's closing push comes after the bar ended (its event time is in the next bar).
        if (c.closed) u.eventTimeMs = closeTime(kKey.interval, c.openTime) + 700;
        const auto before = triggers.size();
        eval.onKline(u, 0, triggers);
        for (auto i = before; i < triggers.size(); ++i) firedAtTick.push_back(tick);
        ++tick;
    }
    // A flat bar's tick at `price` (forming), or its close.
    void price(std::int64_t minute, double p, bool closed = false, int second = 30) {
        push(bar(minute, p, p, p, p, 1, closed), second);
    }
};

}  // namespace

TEST(AlertEvaluator, PriceCrossesFiresOnceAtTheCrossingTick) {
    Rig rig;
    rig.add(alertOf("price crosses 100"));
    rig.price(0, 98);
    rig.price(0, 99, false, 40);
    rig.price(0, 101, false, 50);  // tick 2: crosses up
    rig.price(0, 102, true);
    rig.price(1, 99);              // crosses down: a Once alert is done
    ASSERT_EQ(rig.triggers.size(), 1u);
    EXPECT_EQ(rig.firedAtTick[0], 2);
    EXPECT_EQ(rig.triggers[0].timeMs, kT0 + 50'000);
    EXPECT_EQ(rig.triggers[0].barOpenTime, kT0);
    EXPECT_DOUBLE_EQ(rig.triggers[0].price, 101);
    EXPECT_FALSE(rig.triggers[0].late);
    EXPECT_EQ(rig.triggers[0].condition, "price crosses 100");
    EXPECT_TRUE(rig.eval.find(1)->done);
}

TEST(AlertEvaluator, ASpikeBetweenTwoPushesIsNotMissed) {
    Rig rig;
    rig.add(alertOf("price crosses up 100", Frequency::EveryTime));
    rig.push(bar(0, 98, 99, 97, 98.5), 10);
    rig.push(bar(0, 98, 99, 97, 98.7), 20);     // nothing
    rig.push(bar(0, 98, 100.5, 97, 98.9), 30);  // the high went past 100 and came back between pushes
    rig.push(bar(0, 98, 100.5, 97, 99), 40);    // same high: no new visit
    ASSERT_EQ(rig.triggers.size(), 1u);
    EXPECT_EQ(rig.firedAtTick[0], 2);
    // Down and up again: fires again (every time).
    rig.price(1, 98);
    rig.price(1, 100, false, 40);
    EXPECT_EQ(rig.triggers.size(), 2u);
}

TEST(AlertEvaluator, OnCloseLooksOnlyAtClosesAndFiresAtTheBarClose) {
    Rig rig;
    rig.add(alertOf("price crosses 100", Frequency::Once, Evaluation::OnBarClose));
    rig.push(bar(0, 98, 99, 97, 98, 1, true));
    rig.push(bar(1, 98, 103, 97, 102), 20);  // above intrabar…
    rig.push(bar(1, 98, 103, 97, 99, 1, true));  // …but closes below: nothing
    rig.push(bar(2, 99, 101, 98, 101), 20);
    EXPECT_TRUE(rig.triggers.empty());
    rig.push(bar(2, 99, 101, 98, 100.5, 1, true));  // tick 4: closes above
    ASSERT_EQ(rig.triggers.size(), 1u);
    EXPECT_EQ(rig.firedAtTick[0], 4);
    EXPECT_EQ(rig.triggers[0].timeMs, closeTime(Interval::M1, kT0 + 2 * kMinuteMs));
}

TEST(AlertEvaluator, ABarThatBeganWithoutTheCloseOfTheLastStillClosesIt) {
    Rig rig;
    rig.add(alertOf("close > 100", Frequency::Once, Evaluation::OnBarClose));
    rig.price(0, 98, true);
    rig.price(1, 101);       // the close of minute 1 never comes
    rig.price(2, 99);        // minute 2 begins: minute 1 closed at 101
    ASSERT_EQ(rig.triggers.size(), 1u);
    EXPECT_EQ(rig.triggers[0].barOpenTime, kT0 + kMinuteMs);
}

TEST(AlertEvaluator, StatesFireOnceEveryBarOrOnEachRisingEdge) {
    Rig once, perBar, every;
    once.add(alertOf("price > 100", Frequency::Once));
    perBar.add(alertOf("price > 100", Frequency::OncePerBar));
    every.add(alertOf("price above 100", Frequency::EveryTime));
    for (Rig* r : {&once, &perBar, &every}) {
        r->price(0, 99);
        r->price(0, 101, false, 40);  // tick 1: true
        r->price(0, 102, false, 50);  // still true
        r->price(1, 103);             // tick 3: new bar, still true
        r->price(1, 99, false, 40);   // false
        r->price(1, 104, false, 50);  // tick 5: true again
    }
    EXPECT_EQ(once.firedAtTick, std::vector<int>({1}));
    EXPECT_EQ(perBar.firedAtTick, std::vector<int>({1, 3}));
    EXPECT_EQ(every.firedAtTick, std::vector<int>({1, 5}));
}

TEST(AlertEvaluator, ChangeWithinAWindow) {
    Rig any, up, down;
    any.add(alertOf("change > 2% in 3m"));
    up.add(alertOf("change up > 2% in 3m"));
    down.add(alertOf("change down > 2% in 3m"));
    for (Rig* r : {&any, &up, &down}) {
        r->price(0, 100, true);
        r->price(1, 101, true);
        r->price(2, 101.5, true);
        r->price(3, 101.9);            // tick 3: 1.9 % over the window's low: nothing
        r->price(3, 102.5, false, 40); // tick 4: 2.5 % within 3 minutes
        r->price(3, 102.5, true);
        r->price(10, 99);              // tick 6: minutes 3..6 are out of the window: nothing
    }
    EXPECT_EQ(any.firedAtTick, std::vector<int>({4}));
    EXPECT_EQ(up.firedAtTick, std::vector<int>({4}));
    EXPECT_EQ(down.firedAtTick, std::vector<int>({}));
    Rig late;
    late.add(alertOf("change down > 2% in 10m"));
    for (int m = 0; m < 4; ++m) late.price(m, 100 + m, true);
    late.price(5, 100);  // 103 → 100 within 10 minutes: 2.9 % down
    EXPECT_EQ(late.firedAtTick, std::vector<int>({4}));
}

TEST(AlertEvaluator, VolumeAboveItsAverage) {
    Rig rig;
    rig.add(alertOf("volume > 3x avg(4)"));
    for (int m = 0; m < 4; ++m) rig.push(bar(m, 100, 100, 100, 100, 10, true));  // average 10
    rig.push(bar(4, 100, 100, 100, 100, 20));      // tick 4: 20
    rig.push(bar(4, 100, 100, 100, 100, 30), 40);  // tick 5: 30 = 3x, not above
    rig.push(bar(4, 100, 100, 100, 100, 31), 50);  // tick 6: above
    EXPECT_EQ(rig.firedAtTick, std::vector<int>({6}));
}

TEST(AlertEvaluator, DrawingsTrendLineRayAndBox) {
    // A rising line: 100 at minute 0, 110 at minute 10.
    const auto at = [](int minute) { return std::to_string(kT0 + minute * kMinuteMs); };
    Rig trend, segment, ray, leaves, enters;
    trend.add(alertOf("price crosses line(100@" + at(0) + ", 110@" + at(10) + ")"));
    segment.add(alertOf("price crosses trendline(100@" + at(0) + ", 102@" + at(2) + ")"));
    ray.add(alertOf("price crosses ray(100@" + at(0) + ", 101@" + at(1) + ")"));
    leaves.add(alertOf("price leaves box(100@" + at(2) + ", 110@" + at(8) + ")"));
    enters.add(alertOf("price enters box(100@" + at(2) + ", 110@" + at(8) + ")"));
    for (Rig* r : {&trend, &segment, &ray, &leaves, &enters}) {
        r->price(0, 101, false, 0);    // tick 0: above the line (100)
        r->price(1, 101.5, false, 0);  // tick 1: line at 101: above
        r->price(3, 99, false, 0);     // tick 2: line at 103: below — crossed; box: in time, below it
        r->price(4, 105, false, 0);    // tick 3: line 104: above again; box: entered
        r->price(5, 112, false, 0);    // tick 4: line 105: above; box: left upwards
        r->price(9, 105, false, 0);    // tick 5: line 109: below; box: out of its time
    }
    EXPECT_EQ(trend.firedAtTick, std::vector<int>({2}));
    EXPECT_EQ(ray.firedAtTick, std::vector<int>({2}));
    EXPECT_EQ(segment.firedAtTick, std::vector<int>({}));  // the segment ends at minute 2
    EXPECT_EQ(enters.firedAtTick, std::vector<int>({3}));
    EXPECT_EQ(leaves.firedAtTick, std::vector<int>({4}));
}

TEST(AlertEvaluator, ExpiredAndPausedAlertsDoNotFire) {
    Rig rig;
    Alert expiring = alertOf("price > 100", Frequency::Once, Evaluation::EveryTick, 1);
    expiring.expiresMs = kT0 + 40'000;
    rig.add(expiring);
    rig.add(alertOf("price > 100", Frequency::Once, Evaluation::EveryTick, 2));
    rig.eval.setPaused(2, true);
    rig.price(0, 99);
    rig.price(0, 101, false, 50);
    EXPECT_TRUE(rig.triggers.empty());
    rig.eval.setPaused(2, false);
    rig.price(0, 102, false, 55);
    ASSERT_EQ(rig.triggers.size(), 1u);
    EXPECT_EQ(rig.triggers[0].alertId, 2);
}

// -------- On the simulator's market (deterministic): indicator conditions against a reference --

namespace {

std::string exact(double v) {
    std::ostringstream os;
    os << std::setprecision(17) << std::fixed << v;
    return os.str();
}

std::vector<Candle> simMinutes(int count) {
    const sim::MarketModel model(42);
    const std::int64_t listing = *model.firstOpenTime("BTCUSDT", Interval::M1);
    const std::int64_t from = listing + 2 * kDayMs;
    std::vector<Candle> out;
    for (std::int64_t t = from; static_cast<int>(out.size()) < count;) {
        auto page = model.klines("BTCUSDT", Interval::M1, t, std::nullopt,
                                 std::min(1000, count - static_cast<int>(out.size())), from + 60 * kDayMs);
        if (page.empty()) break;
        t = page.back().openTime + kMinuteMs;
        out.insert(out.end(), page.begin(), page.end());
    }
    return out;
}

// The first bar index ≥ `from` where a − b changes from < 0 to ≥ 0 or back (closes), computed
// over the whole series with computeAll: what an on-close alert must find, bar by bar.
std::optional<std::size_t> firstCross(std::span<const double> a, std::span<const double> b, std::size_t from) {
    for (std::size_t i = std::max<std::size_t>(from, 1); i < a.size(); ++i) {
        if (std::isnan(a[i - 1]) || std::isnan(b[i - 1]) || std::isnan(a[i]) || std::isnan(b[i])) continue;
        if ((a[i - 1] - b[i - 1] < 0) != (a[i] - b[i] < 0)) return i;
    }
    return std::nullopt;
}

}  // namespace

TEST(AlertEvaluator, IndicatorCrossOnCloseFiresAtTheBarTheReferenceFinds) {
    const auto candles = simMinutes(600);
    ASSERT_EQ(candles.size(), 600u);
    const auto bars = indicators::toBars(candles);
    auto fast = *indicators::createFromSpec("EMA(9)");
    auto slow = *indicators::createFromSpec("EMA(21)");
    fast->computeAll(bars);
    slow->computeAll(bars);
    // Armed after bar 300 closed: the first cross after it.
    const auto expected = firstCross(fast->output(0), slow->output(0), 301);
    ASSERT_TRUE(expected);

    Alert a = alertOf("EMA(9) crosses EMA(21)", Frequency::Once, Evaluation::OnBarClose);
    a.createdMs = closeTime(Interval::M1, candles[300].openTime);
    Rig rig;
    rig.add(a);
    // Three provisional ticks then the close, for every bar: the alert looks only at closes.
    for (const Candle& c : candles) {
        Candle forming = c;
        forming.closed = false;
        rig.push(forming, 10);
        rig.push(forming, 30);
        rig.push(c);
    }
    ASSERT_EQ(rig.triggers.size(), 1u);
    EXPECT_EQ(rig.triggers[0].barOpenTime, candles[*expected].openTime);
    EXPECT_EQ(rig.triggers[0].timeMs, closeTime(Interval::M1, candles[*expected].openTime));
}

TEST(AlertEvaluator, IndicatorLevelAndMultiOutputIntrabar) {
    const auto candles = simMinutes(400);
    const auto bars = indicators::toBars(candles);
    auto rsi = *indicators::createFromSpec("RSI(14)");
    auto bb = *indicators::createFromSpec("BBANDS(20,2)");
    rsi->computeAll(bars);
    bb->computeAll(bars);
    // A level the RSI first passes after bar 200 (of its closes, which are also ticks here).
    double peak = 0;
    for (std::size_t i = 100; i <= 200; ++i) peak = std::max(peak, rsi->value(0, i));
    std::optional<std::size_t> rsiAt;
    for (std::size_t i = 201; i < bars.size() && !rsiAt; ++i)
        if (rsi->value(0, i) > peak) rsiAt = i;
    ASSERT_TRUE(rsiAt);
    const auto upper = *bb->outputIndex("upperband");
    std::vector<double> close(bars.size());
    for (std::size_t i = 0; i < bars.size(); ++i) close[i] = bars[i].close;
    const auto bbAt = firstCross(close, bb->output(upper), 201);
    ASSERT_TRUE(bbAt);

    Rig rig;
    Alert level = alertOf("RSI(14) > " + exact(peak), Frequency::Once, Evaluation::EveryTick, 1);
    Alert band = alertOf("close crosses BBANDS(20,2).upperband", Frequency::Once, Evaluation::EveryTick, 2);
    level.createdMs = band.createdMs = closeTime(Interval::M1, candles[200].openTime);
    rig.add(level);
    rig.add(band);
    for (const Candle& c : candles) rig.push(c);  // one tick per bar: its close
    ASSERT_EQ(rig.triggers.size(), 2u);
    for (const Trigger& t : rig.triggers) {
        const std::size_t expected = t.alertId == 1 ? *rsiAt : *bbAt;
        EXPECT_EQ(t.barOpenTime, candles[expected].openTime) << t.condition;
    }
}

// -------- History: backfills are evaluated and late; a restart does not fire again --------

TEST(AlertEvaluator, ABackfilledCrossIsReportedLateWithItsTime) {
    AlertEvaluator eval;
    Alert a = alertOf("price crosses 100");
    a.createdMs = kT0 + 5 * kMinuteMs;
    ASSERT_TRUE(eval.add(a).ok());
    std::vector<Trigger> out;
    // The first page: minutes 0–5 (crossing at minute 2, before the alert existed: warm-up only).
    std::vector<Candle> page;
    for (int m = 0; m < 6; ++m) page.push_back(bar(m, 99, 99, 98, m >= 2 && m < 4 ? 101 : 99, 1, true));
    eval.onHistory(kKey, page, kT0 + 6 * kMinuteMs, 0, out);
    EXPECT_TRUE(out.empty());
    eval.onKline({kKey, bar(6, 99, 99.5, 98, 99.2), kT0 + 6 * kMinuteMs + 10'000}, 0, out);
    // A disconnect; the backfill brings minutes 6–9: minute 8 went up to 100.4 and came back.
    std::vector<Candle> backfill{bar(6, 99, 99.5, 98, 99.3, 1, true), bar(7, 99, 99.8, 98, 99.6, 1, true),
                                 bar(8, 99.6, 100.4, 99, 99.7, 1, true), bar(9, 99, 99.8, 98, 99.5, 1, true)};
    eval.onHistory(kKey, backfill, kT0 + 10 * kMinuteMs, 777, out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(out[0].late);
    EXPECT_EQ(out[0].barOpenTime, kT0 + 8 * kMinuteMs);
    EXPECT_EQ(out[0].timeMs, closeTime(Interval::M1, kT0 + 8 * kMinuteMs));
    EXPECT_EQ(out[0].detectedMs, 777);
    // The same backfill again (a second reconnect): nothing new.
    eval.onHistory(kKey, backfill, kT0 + 10 * kMinuteMs, 0, out);
    EXPECT_EQ(out.size(), 1u);
}

TEST(AlertEvaluator, ARestartWithTheStoredStateDoesNotFireAgain) {
    const auto candles = simMinutes(300);
    // Any level crossed between bars 100 and 250: the close of bar 150.
    const double level = candles[150].close.toDouble();
    Alert a = alertOf("price crosses " + std::to_string(level), Frequency::EveryTime);
    a.createdMs = candles[100].openTime;
    std::vector<Trigger> first;
    Alert stored;
    {
        AlertEvaluator eval;
        ASSERT_TRUE(eval.add(a).ok());
        for (std::size_t i = 0; i < 250; ++i) {
            eval.onKline({kKey, candles[i], closeTime(Interval::M1, candles[i].openTime)}, 0, first);
        }
        ASSERT_FALSE(first.empty());
        stored = *eval.find(a.id);  // what the store keeps
    }
    // The next run: the first page replays bars 0–249 (warm-up), then 250–299 are new.
    AlertEvaluator eval;
    ASSERT_TRUE(eval.add(stored).ok());
    std::vector<Trigger> second;
    eval.onHistory(kKey, std::span(candles).first(250), closeTime(Interval::M1, candles[249].openTime), 0, second);
    EXPECT_TRUE(second.empty()) << "fired again at " << second.front().timeMs;
    // A reference without the restart: what fires after bar 249 fires in the restarted one too.
    AlertEvaluator straight;
    ASSERT_TRUE(straight.add(a).ok());
    std::vector<Trigger> all;
    for (const Candle& c : candles) straight.onKline({kKey, c, closeTime(Interval::M1, c.openTime)}, 0, all);
    for (std::size_t i = 250; i < candles.size(); ++i)
        eval.onKline({kKey, candles[i], closeTime(Interval::M1, candles[i].openTime)}, 0, second);
    ASSERT_EQ(first.size() + second.size(), all.size());
    for (std::size_t i = 0; i < second.size(); ++i) EXPECT_EQ(second[i].timeMs, all[first.size() + i].timeMs);
}

TEST(AlertEvaluator, ALongRunKeepsBoundedBarsAndStillFiresWhereTheReferenceDoes) {
    // 25,000 minutes: the series is trimmed twice (it keeps 10,000 bars, trims at 20,000).
    const auto candles = simMinutes(25'000);
    ASSERT_EQ(candles.size(), 25'000u);
    const auto bars = indicators::toBars(candles);
    auto fast = *indicators::createFromSpec("EMA(9)");
    auto slow = *indicators::createFromSpec("EMA(21)");
    fast->computeAll(bars);
    slow->computeAll(bars);
    const auto expected = firstCross(fast->output(0), slow->output(0), 24'001);
    ASSERT_TRUE(expected);
    Alert a = alertOf("EMA(9) crosses EMA(21)", Frequency::Once, Evaluation::OnBarClose);
    a.createdMs = closeTime(Interval::M1, candles[24'000].openTime);
    Rig rig;
    rig.add(a);
    std::size_t most = 0;
    for (const Candle& c : candles) {
        rig.push(c);
        most = std::max(most, rig.eval.barCount(kKey));
    }
    EXPECT_LT(most, 20'001u);
    EXPECT_GE(rig.eval.barCount(kKey), 10'000u);
    ASSERT_EQ(rig.triggers.size(), 1u);
    EXPECT_EQ(rig.triggers[0].barOpenTime, candles[*expected].openTime);
}

// Every condition kind on close, on the simulator's market, against a reference written
// separately from the evaluator (plain loops over the final bars): each alert fires exactly once,
// at the close of the bar the reference names. Armed at the close of bar 300.
TEST(AlertEvaluator, EveryConditionKindOnCloseFiresOnceAtTheBarTheReferenceNames) {
    const auto candles = simMinutes(2000);
    ASSERT_EQ(candles.size(), 2000u);
    const auto bars = indicators::toBars(candles);
    const std::size_t armed = 300;
    const auto T = [&](std::size_t i) { return closeTime(Interval::M1, candles[i].openTime); };
    const auto firstFrom = [&](auto&& met) -> std::optional<std::size_t> {
        for (std::size_t i = armed + 1; i < bars.size(); ++i)
            if (met(i)) return i;
        return std::nullopt;
    };
    const auto crossing = [&](auto&& diff) {
        return firstFrom([&](std::size_t i) { return (diff(i - 1) < 0) != (diff(i) < 0); });
    };
    struct Case {
        std::string condition;
        std::optional<std::size_t> expected;
    };
    std::vector<Case> cases;

    const double level = bars[armed + 50].close;
    cases.push_back({"price crosses " + exact(level), crossing([&](std::size_t i) { return bars[i].close - level; })});

    double top = 0, bottom = 1e300;
    for (std::size_t i = armed - 5; i <= armed; ++i) {
        top = std::max(top, bars[i].close);
        bottom = std::min(bottom, bars[i].close);
    }
    cases.push_back({"close > " + exact(top), firstFrom([&](std::size_t i) { return bars[i].close > top; })});
    cases.push_back({"close <= " + exact(bottom), firstFrom([&](std::size_t i) { return bars[i].close <= bottom; })});

    // The range of the bars closing within 15 minutes (this one and the 15 before it).
    const auto range = [&](std::size_t i) {
        double hi = bars[i].close, lo = bars[i].close;
        for (std::size_t j = i - 15; j <= i; ++j) {
            hi = std::max(hi, bars[j].high);
            lo = std::min(lo, bars[j].low);
        }
        return (hi - lo) / lo * 100.0;
    };
    double widest = 0;
    for (std::size_t i = armed - 30; i <= armed; ++i) widest = std::max(widest, range(i));
    cases.push_back({"change > " + exact(widest) + "% in 15m", firstFrom([&](std::size_t i) { return range(i) > widest; })});

    const auto average = [&](std::size_t i) {
        double sum = 0;
        for (std::size_t j = i - 20; j < i; ++j) sum += bars[j].volume;
        return sum / 20;
    };
    double spike = 0;
    for (std::size_t i = 100; i <= armed; ++i) spike = std::max(spike, bars[i].volume / average(i));
    const double multiple = spike * 1.0000001;
    cases.push_back({"volume > " + exact(multiple) + "x avg(20)",
                     firstFrom([&](std::size_t i) { return bars[i].volume > multiple * average(i); })});

    auto rsi = *indicators::createFromSpec("RSI(14)");
    rsi->computeAll(bars);
    double rsiTop = 0;
    for (std::size_t i = armed - 100; i <= armed; ++i) rsiTop = std::max(rsiTop, rsi->value(0, i));
    cases.push_back({"RSI(14) > " + exact(rsiTop), firstFrom([&](std::size_t i) { return rsi->value(0, i) > rsiTop; })});

    auto bb = *indicators::createFromSpec("BBANDS(20,2)");
    bb->computeAll(bars);
    const auto lower = *bb->outputIndex("lowerband");
    cases.push_back({"close crosses down BBANDS(20,2).lowerband", firstFrom([&](std::size_t i) {
                         return bars[i - 1].close - bb->value(lower, i - 1) >= 0 && bars[i].close - bb->value(lower, i) < 0;
                     })});

    auto macd = *indicators::createFromSpec("MACD(12,26,9)");
    macd->computeAll(bars);
    cases.push_back({"MACD(12,26,9).macd crosses up MACD(12,26,9).macdsignal", firstFrom([&](std::size_t i) {
                         return macd->value(0, i - 1) - macd->value(1, i - 1) < 0 && macd->value(0, i) - macd->value(1, i) >= 0;
                     })});

    // A rising line through the close of bar `armed` (1 % a 100 minutes).
    const LineShape line{LineShape::Kind::Extended, {candles[armed].openTime, bars[armed].close},
                         {candles[armed + 100].openTime, bars[armed].close * 1.01}};
    cases.push_back({lineCondition(line).text(), crossing([&](std::size_t i) { return bars[i].close - line.valueAt(T(i)); })});

    // A box around the closes near `armed`, until 300 minutes later: the first close outside it.
    double lo = bars[armed].close, hi = bars[armed].close;
    for (std::size_t i = armed - 5; i <= armed + 5; ++i) {
        lo = std::min(lo, bars[i].close);
        hi = std::max(hi, bars[i].close);
    }
    const Anchor a{T(armed), lo}, b{T(armed + 300), hi};
    cases.push_back({boxCondition(a, b, true).text(), firstFrom([&](std::size_t i) {
                         const auto inside = [&](std::size_t j) { return bars[j].close >= lo && bars[j].close <= hi; };
                         return T(i) <= b.timeMs && inside(i - 1) && !inside(i);
                     })});

    Rig rig;
    for (std::size_t k = 0; k < cases.size(); ++k) {
        ASSERT_TRUE(cases[k].expected) << cases[k].condition << ": the reference finds nothing; pick another level";
        Alert alert = alertOf(cases[k].condition, Frequency::Once, Evaluation::OnBarClose, static_cast<std::int64_t>(k + 1));
        alert.createdMs = T(armed);
        rig.add(alert);
    }
    for (const Candle& c : candles) {
        Candle forming = c;
        forming.closed = false;
        rig.push(forming, 10);
        rig.push(forming, 40);
        rig.push(c);
    }
    for (std::size_t k = 0; k < cases.size(); ++k) {
        const auto id = static_cast<std::int64_t>(k + 1);
        const auto n = std::count_if(rig.triggers.begin(), rig.triggers.end(), [&](const Trigger& t) { return t.alertId == id; });
        ASSERT_EQ(n, 1) << cases[k].condition;
        const auto t = *std::find_if(rig.triggers.begin(), rig.triggers.end(), [&](const Trigger& x) { return x.alertId == id; });
        EXPECT_EQ(t.barOpenTime, candles[*cases[k].expected].openTime)
            << cases[k].condition << ": fired at bar " << (t.barOpenTime - candles[0].openTime) / kMinuteMs
            << ", the reference says " << *cases[k].expected;
        EXPECT_EQ(t.timeMs, T(*cases[k].expected)) << cases[k].condition;
    }
}
