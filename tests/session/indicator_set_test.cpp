// session::IndicatorSet without Qt: indicators kept in step with a series (incrementally per tick,
// fully after a prepend on a worker), and a worker's result applied only to the same series with
// the same indicators. The worker is a std::thread the test starts when it wants; results come
// back through a session::Inbox the test drains, as the GUI thread drains the app's.
#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "cpc/indicators/bar.hpp"
#include "cpc/indicators/registry.hpp"
#include "cpc/session/indicator_set.hpp"

using namespace cpc;
using session::IndicatorSet;

namespace {

constexpr std::int64_t kHour = 3'600'000;

// Hourly candles [from, from + count) with a wavy close, so every indicator has work to do.
std::vector<Candle> hours(std::int64_t from, int count) {
    std::vector<Candle> out;
    for (int i = 0; i < count; ++i) {
        const std::int64_t n = from + i;
        const double close = 100.0 + 10.0 * std::sin(static_cast<double>(n) / 7.0) + static_cast<double>(n % 5);
        Candle c;
        c.openTime = n * kHour;
        c.open = *Decimal::fromDouble(close - 1);
        c.high = *Decimal::fromDouble(close + 2);
        c.low = *Decimal::fromDouble(close - 3);
        c.close = *Decimal::fromDouble(close);
        c.volume = Decimal::fromInt(10 + n % 3);
        c.trades = 5;
        c.closed = true;
        out.push_back(c);
    }
    return out;
}

// The library's batch computation over the whole series, output 0 at `row`.
double batchAt(const market::CandleSeries& series, const std::string& spec, std::size_t row) {
    auto made = indicators::createFromSpec(spec);
    EXPECT_TRUE(made);
    (*made)->computeAll(indicators::toBars(series.candles()));
    return (*made)->value(0, row);
}

void expectExact(const IndicatorSet& set, std::size_t index, const market::CandleSeries& series) {
    const auto& ind = set.indicator(index);
    ASSERT_EQ(ind.size(), series.size()) << set.spec(index);
    for (const std::size_t row : {std::size_t{30}, series.size() / 2, series.size() - 1})
        EXPECT_DOUBLE_EQ(ind.value(0, row), batchAt(series, set.spec(index), row)) << set.spec(index) << " row " << row;
}

struct Rig {
    market::CandleSeries btc{SeriesKey{"binance", "BTCUSDT", Interval::H1}};
    market::CandleSeries eth{SeriesKey{"binance", "ETHUSDT", Interval::H1}};
    const market::CandleSeries* shown = &btc;
    session::Inbox inbox;                     // no wake: the test drains it
    std::vector<std::function<void()>> jobs;  // handed to the worker, run when the test says
    std::vector<std::pair<std::size_t, std::size_t>> changes;  // (index, fromRow)
    IndicatorSet set{IndicatorSet::Hooks{
        [this] { return shown; },
        inbox.executor(),
        [this](std::function<void()> job) { jobs.push_back(std::move(job)); },
        [this](std::size_t index, std::size_t fromRow) { changes.emplace_back(index, fromRow); }}};

    Rig() {
        btc.merge(hours(10'000, 500));
        eth.merge(hours(20'000, 300));
    }
    // Runs the held job on a worker thread, then drains the inbox here (the owner thread).
    void runJobAndDrain() {
        ASSERT_EQ(jobs.size(), 1U);
        auto job = std::move(jobs.front());
        jobs.clear();
        std::thread worker(std::move(job));
        worker.join();
        for (auto& item : inbox.takeAll()) std::get<session::Task>(item)();
    }
};

}  // namespace

TEST(IndicatorSet, AddsComputedIndicatorsAndRefusesABadSpecWithItsReason) {
    Rig rig;
    auto sma = rig.set.add("SMA(20)");
    ASSERT_TRUE(sma) << sma.error().message;
    EXPECT_EQ(*sma, 0U);
    auto rsi = rig.set.add("RSI(14)");
    ASSERT_TRUE(rsi);
    EXPECT_EQ(*rsi, 1U);
    expectExact(rig.set, 0, rig.btc);
    expectExact(rig.set, 1, rig.btc);
    EXPECT_TRUE(rig.changes.empty()) << "add() leaves drawing to its caller";

    const auto bad = rig.set.add("NOPE(3)");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("NOPE"), std::string::npos) << bad.error().message;
    EXPECT_EQ(rig.set.size(), 2U);
    ASSERT_FALSE(rig.set.replace(1, "RSI(0)"));
    EXPECT_EQ(rig.set.spec(1), "RSI(14)");
    ASSERT_TRUE(rig.set.replace(1, "RSI(7)"));
    expectExact(rig.set, 1, rig.btc);
    EXPECT_FALSE(rig.set.replace(5, "SMA(5)"));
    EXPECT_TRUE(rig.set.remove(0));
    EXPECT_FALSE(rig.set.remove(1));
    ASSERT_EQ(rig.set.size(), 1U);
    EXPECT_EQ(rig.set.spec(0), "RSI(7)");
}

TEST(IndicatorSet, FollowsTicksAndNewCandlesIncrementallyAndReportsOnlyTheChangedRows) {
    Rig rig;
    ASSERT_TRUE(rig.set.add("SMA(20)"));
    ASSERT_TRUE(rig.set.add("EMA(9)"));
    rig.set.update();
    EXPECT_TRUE(rig.changes.empty()) << "nothing changed, nothing reported";

    // A tick revises the forming candle: only the last row is redrawn.
    Candle last = rig.btc.candles().back();
    last.close = last.close + Decimal::fromInt(3);
    last.high = last.high + Decimal::fromInt(3);
    rig.btc.upsert(last);
    rig.set.update();
    const std::size_t lastRow = rig.btc.size() - 1;
    EXPECT_EQ(rig.changes, (std::vector<std::pair<std::size_t, std::size_t>>{{0, lastRow}, {1, lastRow}}));
    expectExact(rig.set, 0, rig.btc);
    expectExact(rig.set, 1, rig.btc);

    // Two new candles: from the previously last row on.
    rig.changes.clear();
    rig.btc.merge(hours(10'500, 2));
    rig.set.update();
    EXPECT_EQ(rig.changes, (std::vector<std::pair<std::size_t, std::size_t>>{{0, lastRow}, {1, lastRow}}));
    expectExact(rig.set, 0, rig.btc);
    expectExact(rig.set, 1, rig.btc);
    EXPECT_TRUE(rig.jobs.empty()) << "appending never needs a background job";
}

TEST(IndicatorSet, PrependedHistoryIsRecomputedOnAWorkerAndLandsThroughTheInbox) {
    Rig rig;
    ASSERT_TRUE(rig.set.add("SMA(20)"));
    ASSERT_TRUE(rig.set.add("RSI(14)"));
    const std::size_t rowsBefore = rig.set.indicator(0).size();
    rig.btc.merge(hours(9'000, 1000));  // older history, as a scroll-back brings it
    rig.set.update();
    ASSERT_TRUE(rig.set.jobRunning());
    ASSERT_EQ(rig.jobs.size(), 1U);
    EXPECT_EQ(rig.set.indicator(0).size(), rowsBefore) << "recomputed on the owner thread";
    rig.set.update();  // while it runs, more updates wait for it
    EXPECT_EQ(rig.jobs.size(), 1U);
    // A tick arrives while the worker computes: the landing applies it incrementally.
    rig.btc.merge(hours(10'500, 1));
    rig.runJobAndDrain();
    EXPECT_FALSE(rig.set.jobRunning());
    EXPECT_EQ(rig.set.backgroundRecomputes(), 1U);
    expectExact(rig.set, 0, rig.btc);
    expectExact(rig.set, 1, rig.btc);
    EXPECT_EQ(rig.changes, (std::vector<std::pair<std::size_t, std::size_t>>{{0, 0}, {1, 0}}));
}

TEST(IndicatorSet, AResultForAnotherSeriesOrOtherIndicatorsIsDropped) {
    Rig rig;
    ASSERT_TRUE(rig.set.add("SMA(20)"));
    // 1. The chart switches to ETHUSDT while the BTCUSDT recompute runs.
    rig.btc.merge(hours(9'000, 1000));
    rig.set.update();
    ASSERT_EQ(rig.jobs.size(), 1U);
    rig.shown = &rig.eth;
    rig.set.reset();
    expectExact(rig.set, 0, rig.eth);
    rig.runJobAndDrain();
    EXPECT_EQ(rig.set.backgroundRecomputes(), 0U) << "the BTCUSDT result was applied to ETHUSDT";
    expectExact(rig.set, 0, rig.eth);

    // 2. An indicator is added while a recompute runs: the result is dropped, and the landing
    // catches up with another job over the whole series.
    rig.eth.merge(hours(19'000, 1000));
    rig.set.update();
    ASSERT_EQ(rig.jobs.size(), 1U);
    ASSERT_TRUE(rig.set.add("EMA(9)"));  // computed over the whole series at once
    rig.runJobAndDrain();
    EXPECT_EQ(rig.set.backgroundRecomputes(), 0U);
    ASSERT_TRUE(rig.set.jobRunning()) << "SMA(20) is still behind the prepend: another job";
    rig.runJobAndDrain();
    EXPECT_EQ(rig.set.backgroundRecomputes(), 1U);
    expectExact(rig.set, 0, rig.eth);
    expectExact(rig.set, 1, rig.eth);
}

TEST(IndicatorSet, AJobLandingAfterTheSetIsGoneIsDropped) {
    session::Inbox inbox;
    market::CandleSeries series{SeriesKey{"binance", "BTCUSDT", Interval::H1}};
    series.merge(hours(10'000, 200));
    std::function<void()> held;
    {
        IndicatorSet set{IndicatorSet::Hooks{[&] { return &series; }, inbox.executor(),
                                             [&](std::function<void()> job) { held = std::move(job); },
                                             [](std::size_t, std::size_t) { ADD_FAILURE() << "drawn after close"; }}};
        ASSERT_TRUE(set.add("SMA(20)"));
        series.merge(hours(9'000, 1000));
        set.update();
        ASSERT_TRUE(set.jobRunning());
    }
    ASSERT_TRUE(held);
    std::thread(std::move(held)).join();
    auto items = inbox.takeAll();
    ASSERT_EQ(items.size(), 1U);
    std::get<session::Task>(items[0])();  // the set is gone: nothing happens
}
