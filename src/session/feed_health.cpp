#include "cpc/session/feed_health.hpp"

#include <algorithm>
#include <cmath>

namespace cpc::session {

void RateMeter::sample(std::int64_t atMs, std::uint64_t cumulative) {
    if (!m_samples.empty() && (cumulative < m_samples.back().value || atMs < m_samples.back().atMs))
        m_samples.clear();  // a new counter (or a clock step back): start over
    m_samples.push_back(Sample{atMs, cumulative});
    // Keep one sample at or before the window's start, so the rate covers the whole window.
    while (m_samples.size() > 2 && m_samples[1].atMs <= atMs - m_window.count()) m_samples.pop_front();
}

double RateMeter::perSecond() const {
    if (m_samples.size() < 2) return 0;
    const Sample& first = m_samples.front();
    const Sample& last = m_samples.back();
    if (last.atMs <= first.atMs) return 0;
    return static_cast<double>(last.value - first.value) * 1000.0 / static_cast<double>(last.atMs - first.atMs);
}

void LatencyWindow::add(std::int64_t atMs, std::int64_t latencyMs) {
    m_samples.push_back(Sample{atMs, latencyMs});
    ++m_total;
    if (m_samples.size() > m_maxSamples) m_samples.pop_front();
}

void LatencyWindow::expire(std::int64_t atMs) {
    while (!m_samples.empty() && m_samples.front().atMs <= atMs - m_window.count()) m_samples.pop_front();
}

LatencySummary LatencyWindow::summary(std::int64_t atMs) {
    expire(atMs);
    LatencySummary out;
    out.count = m_samples.size();
    if (m_samples.empty()) return out;
    std::vector<std::int64_t> v;
    v.reserve(m_samples.size());
    for (const Sample& s : m_samples) v.push_back(s.latencyMs);
    // Nearest rank: the smallest value with at least p % of the samples at or below it.
    const auto rank = [&](double p) {
        const auto r = static_cast<std::size_t>(std::max(1.0, std::ceil(p * static_cast<double>(v.size()))));
        return r - 1;
    };
    const std::size_t i50 = rank(0.50), i99 = rank(0.99);
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i99), v.end());
    out.p99 = v[i99];
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i50), v.begin() + static_cast<std::ptrdiff_t>(i99));
    out.p50 = v[i50];
    out.max = *std::max_element(v.begin() + static_cast<std::ptrdiff_t>(i99), v.end());
    out.min = *std::min_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i50) + 1);
    return out;
}

FeedHealth::FeedHealth(std::chrono::milliseconds rateWindow, std::chrono::milliseconds latencyWindow)
    : m_rateWindow(rateWindow), m_allMessages(rateWindow), m_allBytes(rateWindow), m_receipt(latencyWindow),
      m_paint(latencyWindow) {}

void FeedHealth::updateSession(std::int64_t nowMs, const StreamSessionStats& stats) {
    std::uint64_t messages = 0, bytes = 0;
    for (const auto& [name, c] : stats.perStream) {
        auto it = m_streams.find(name);
        if (it == m_streams.end())
            it = m_streams.emplace(name, std::pair{RateMeter(m_rateWindow), RateMeter(m_rateWindow)}).first;
        it->second.first.sample(nowMs, c.messages);
        it->second.second.sample(nowMs, c.bytes);
        messages += c.messages;
        bytes += c.bytes;
    }
    m_allMessages.sample(nowMs, messages);
    m_allBytes.sample(nowMs, bytes);
    if (stats.clockSynced) m_clockOffsetMs = stats.clockOffsetMs;
    m_last = stats;
}

void FeedHealth::addReceipt(std::int64_t eventTimeMs, std::int64_t receivedLocalMs) {
    m_receipt.add(receivedLocalMs, latency(eventTimeMs, receivedLocalMs));
}

void FeedHealth::addPaint(std::int64_t eventTimeMs, std::int64_t paintedLocalMs) {
    m_paint.add(paintedLocalMs, latency(eventTimeMs, paintedLocalMs));
}

HealthSnapshot FeedHealth::snapshot(std::int64_t nowMs) {
    HealthSnapshot s;
    for (const auto& [name, meters] : m_streams) {
        StreamHealth h;
        h.stream = name;
        h.messages = meters.first.total();
        h.bytes = meters.second.total();
        h.messagesPerSecond = meters.first.perSecond();
        h.bytesPerSecond = meters.second.perSecond();
        s.streams.push_back(std::move(h));
    }
    s.messagesPerSecond = m_allMessages.perSecond();
    s.bytesPerSecond = m_allBytes.perSecond();
    s.receipt = m_receipt.summary(nowMs);
    s.paint = m_paint.summary(nowMs);
    s.reconnects = m_last.reconnects;
    s.framesRejected = m_last.framesRejected;
    s.bookResyncs = m_last.bookResyncs;
    s.gapsBackfilled = m_gapsBackfilled;
    s.clockOffsetMs = m_clockOffsetMs;
    s.clockSynced = m_last.clockSynced;
    s.connected = m_last.connected;
    s.lastError = m_last.lastError;
    return s;
}

}  // namespace cpc::session
