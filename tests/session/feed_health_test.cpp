// Feed health statistics with injected times: no sleeping, no timed assertions.
#include "cpc/session/feed_health.hpp"

#include <gtest/gtest.h>

using namespace cpc;
using namespace std::chrono_literals;
using session::FeedHealth;
using session::LatencyWindow;
using session::RateMeter;

TEST(RateMeter, GrowthPerSecondOverTheWindow) {
    RateMeter m(5000ms);
    EXPECT_EQ(m.perSecond(), 0.0);
    m.sample(1000, 100);
    EXPECT_EQ(m.perSecond(), 0.0);  // one sample: no rate yet
    m.sample(2000, 1100);
    EXPECT_DOUBLE_EQ(m.perSecond(), 1000.0);
    m.sample(3000, 1600);
    EXPECT_DOUBLE_EQ(m.perSecond(), 750.0);  // (1600 − 100) / 2 s
    // Ten seconds later only the window counts: 5 s at 20,000/s after a quiet stretch.
    m.sample(8000, 1600);
    for (std::int64_t t = 9000; t <= 13000; t += 1000) m.sample(t, 1600 + static_cast<std::uint64_t>(t - 8000) * 20);
    EXPECT_DOUBLE_EQ(m.perSecond(), 20000.0);
    EXPECT_EQ(m.total(), 1600u + 5000u * 20u);
}

TEST(RateMeter, ACounterThatRestartsStartsOver) {
    RateMeter m(5000ms);
    m.sample(0, 500);
    m.sample(1000, 1500);
    m.sample(2000, 10);  // a new session
    EXPECT_EQ(m.perSecond(), 0.0);
    m.sample(2500, 60);
    EXPECT_DOUBLE_EQ(m.perSecond(), 100.0);
}

TEST(LatencyWindow, PercentilesByNearestRankOverTheWindow) {
    LatencyWindow w(10'000ms);
    EXPECT_EQ(w.summary(0).count, 0u);
    // 1..100 ms at times 1000..1099.
    for (int i = 1; i <= 100; ++i) w.add(1000 + i - 1, i);
    auto s = w.summary(1100);
    EXPECT_EQ(s.count, 100u);
    EXPECT_EQ(s.p50, 50);
    EXPECT_EQ(s.p99, 99);
    EXPECT_EQ(s.max, 100);
    EXPECT_EQ(s.min, 1);
    // Samples older than the window drop out: at 11,050 the first 51 (times 1000..1050) are gone.
    s = w.summary(11'050);
    EXPECT_EQ(s.count, 49u);
    EXPECT_EQ(s.min, 52);
    EXPECT_EQ(s.max, 100);
    EXPECT_EQ(w.totalSamples(), 100u);
    EXPECT_EQ(w.summary(30'000).count, 0u);
}

TEST(LatencyWindow, OneSampleIsEveryPercentile) {
    LatencyWindow w(1000ms);
    w.add(5, 7);
    const auto s = w.summary(5);
    EXPECT_EQ(s.p50, 7);
    EXPECT_EQ(s.p99, 7);
    EXPECT_EQ(s.max, 7);
}

TEST(FeedHealth, LatencyIsCorrectedByTheClockOffset) {
    FeedHealth h(5000ms, 10'000ms);
    // The exchange clock is 250 ms ahead of ours: an event stamped 10,250 (exchange) that we
    // receive at 10,020 (local = 10,270 exchange) took 20 ms.
    session::StreamSessionStats stats;
    stats.clockSynced = true;
    stats.clockOffsetMs = 250;
    h.updateSession(10'000, stats);
    h.addReceipt(10'250, 10'020);
    h.addPaint(10'250, 10'031);
    const auto s = h.snapshot(10'040);
    EXPECT_EQ(s.receipt.count, 1u);
    EXPECT_EQ(s.receipt.p50, 20);
    EXPECT_EQ(s.paint.p99, 31);
    EXPECT_EQ(s.clockOffsetMs, 250);
    EXPECT_TRUE(s.clockSynced);
}

TEST(FeedHealth, PerStreamAndTotalRatesAndCounters) {
    FeedHealth h(5000ms, 10'000ms);
    session::StreamSessionStats stats;
    stats.perStream["btcusdt@trade"] = {0, 0};
    stats.perStream["btcusdt@depth@100ms"] = {0, 0};
    h.updateSession(0, stats);
    stats.perStream["btcusdt@trade"] = {2000, 400'000};
    stats.perStream["btcusdt@depth@100ms"] = {20, 40'000};
    stats.reconnects = 2;
    stats.framesRejected = 1;
    stats.lastError = "connection reset";
    h.updateSession(2000, stats);
    h.addBackfill();
    const auto s = h.snapshot(2000);
    ASSERT_EQ(s.streams.size(), 2u);
    EXPECT_EQ(s.streams[0].stream, "btcusdt@depth@100ms");
    EXPECT_DOUBLE_EQ(s.streams[0].messagesPerSecond, 10.0);
    EXPECT_DOUBLE_EQ(s.streams[1].messagesPerSecond, 1000.0);
    EXPECT_DOUBLE_EQ(s.streams[1].bytesPerSecond, 200'000.0);
    EXPECT_EQ(s.streams[1].messages, 2000u);
    EXPECT_DOUBLE_EQ(s.messagesPerSecond, 1010.0);
    EXPECT_DOUBLE_EQ(s.bytesPerSecond, 220'000.0);
    EXPECT_EQ(s.reconnects, 2u);
    EXPECT_EQ(s.framesRejected, 1u);
    EXPECT_EQ(s.gapsBackfilled, 1u);
    EXPECT_EQ(s.lastError, "connection reset");
}
