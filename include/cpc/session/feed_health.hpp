#pragma once
// Feed health statistics for the realtime window, Qt-free and clock-free: every call takes the
// local time it refers to, so tests inject times and never sleep.
//  - Rates: cumulative counters (StreamSession's per-stream messages and bytes, which count every
//    frame) are sampled now and then; the rate is the counter's growth over a sliding window.
//    Nothing is sampled per message, so no message can be missed by the statistics.
//  - Latency: exchange event time → local receipt and → paint, corrected by the measured clock
//    offset (exchange clock − local clock), p50 / p99 / max over a sliding window.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "cpc/session/stream_session.hpp"

namespace cpc::session {

// Growth per second of a cumulative counter over a sliding window of samples.
class RateMeter {
public:
    explicit RateMeter(std::chrono::milliseconds window = std::chrono::milliseconds(5000)) : m_window(window) {}
    // Samples must come in time order; a counter that went down (a new session) restarts the meter.
    void sample(std::int64_t atMs, std::uint64_t cumulative);
    // Per second over the samples in (atMs − window, atMs]; 0 with fewer than two samples.
    double perSecond() const;
    std::uint64_t total() const { return m_samples.empty() ? 0 : m_samples.back().value; }

private:
    struct Sample {
        std::int64_t atMs;
        std::uint64_t value;
    };
    std::chrono::milliseconds m_window;
    std::deque<Sample> m_samples;
};

struct LatencySummary {
    std::size_t count = 0;  // samples in the window
    std::int64_t p50 = 0, p99 = 0, max = 0, min = 0;  // ms (nearest rank)
};

// Latency samples (ms) over a sliding window of local time.
class LatencyWindow {
public:
    explicit LatencyWindow(std::chrono::milliseconds window = std::chrono::milliseconds(10000),
                           std::size_t maxSamples = 400'000)
        : m_window(window), m_maxSamples(maxSamples) {}
    void add(std::int64_t atMs, std::int64_t latencyMs);
    // Drops the samples older than atMs − window, then summarises the rest.
    LatencySummary summary(std::int64_t atMs);
    std::uint64_t totalSamples() const { return m_total; }

private:
    struct Sample {
        std::int64_t atMs;
        std::int64_t latencyMs;
    };
    void expire(std::int64_t atMs);
    std::chrono::milliseconds m_window;
    std::size_t m_maxSamples;
    std::deque<Sample> m_samples;
    std::uint64_t m_total = 0;
};

struct StreamHealth {
    std::string stream;  // venue stream name ("btcusdt@trade")
    std::uint64_t messages = 0, bytes = 0;
    double messagesPerSecond = 0, bytesPerSecond = 0;
};

struct HealthSnapshot {
    std::vector<StreamHealth> streams;  // by name
    double messagesPerSecond = 0, bytesPerSecond = 0;  // all streams
    LatencySummary receipt, paint;
    std::uint64_t reconnects = 0, framesRejected = 0, gapsBackfilled = 0, bookResyncs = 0;
    std::int64_t clockOffsetMs = 0;
    bool clockSynced = false;
    bool connected = false;
    std::string lastError;
};

class FeedHealth {
public:
    explicit FeedHealth(std::chrono::milliseconds rateWindow = std::chrono::milliseconds(5000),
                        std::chrono::milliseconds latencyWindow = std::chrono::milliseconds(10000));

    // The session's counters at local time nowMs (also takes the clock offset from them).
    void updateSession(std::int64_t nowMs, const StreamSessionStats& stats);
    // Exchange clock − local clock; used to correct the latencies recorded from now on.
    void setClockOffset(std::int64_t offsetMs) { m_clockOffsetMs = offsetMs; }
    std::int64_t clockOffsetMs() const { return m_clockOffsetMs; }
    // An event stamped `eventTimeMs` by the exchange reached us / was painted at local time.
    void addReceipt(std::int64_t eventTimeMs, std::int64_t receivedLocalMs);
    void addPaint(std::int64_t eventTimeMs, std::int64_t paintedLocalMs);
    // A gap after a reconnect was filled over REST.
    void addBackfill() { ++m_gapsBackfilled; }
    // Exchange-time latency of an event seen at local time `localMs`.
    std::int64_t latency(std::int64_t eventTimeMs, std::int64_t localMs) const {
        return localMs + m_clockOffsetMs - eventTimeMs;
    }

    HealthSnapshot snapshot(std::int64_t nowMs);

private:
    std::chrono::milliseconds m_rateWindow;
    std::map<std::string, std::pair<RateMeter, RateMeter>> m_streams;  // messages, bytes
    RateMeter m_allMessages, m_allBytes;
    LatencyWindow m_receipt, m_paint;
    std::int64_t m_clockOffsetMs = 0;
    std::uint64_t m_gapsBackfilled = 0;
    StreamSessionStats m_last;
};

}  // namespace cpc::session
