#include "cpc/app/perp_data.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace cpc::app {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::int64_t kDefaultFundingPeriodMs = 8LL * 3600 * 1000;
// The mark and index price are pushed every second: a candle more than this past the last push
// has no value (the feed stopped, or the chart was not open then).
constexpr std::int64_t kMarkHoldMs = 120'000;

// A sample list kept ascending and bounded: a push older than the newest (a rotation's overlap)
// is dropped, one at the newest's time replaces it.
void append(std::vector<PerpData::Sample>& samples, std::int64_t timeMs, double value, std::size_t cap) {
    if (!samples.empty() && timeMs < samples.back().timeMs) return;
    if (!samples.empty() && timeMs == samples.back().timeMs) {
        samples.back().value = value;
        return;
    }
    samples.push_back({timeMs, value});
    if (samples.size() > cap) samples.erase(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(samples.size() - cap));
}

// Candle i ends where the next one opens (the newest: one nominal interval after its open).
std::int64_t candleEnd(const market::CandleView& candles, Interval interval, std::size_t i) {
    return i + 1 < candles.size() ? candles.openTime(i + 1) : candles.openTime(i) + nominalMs(interval);
}

// Closed candles older than the first sample, as samples at their last millisecond, put before it.
void prepend(std::vector<PerpData::Sample>& samples, Interval interval, const std::vector<Candle>& candles, std::size_t cap) {
    std::vector<PerpData::Sample> older;
    older.reserve(candles.size());
    for (const Candle& c : candles) {
        if (!c.closed) continue;
        const std::int64_t t = nextBucketStart(interval, c.openTime) - 1;
        if (!samples.empty() && t >= samples.front().timeMs) break;  // ascending: the rest are newer
        if (!older.empty() && t <= older.back().timeMs) continue;
        older.push_back({t, c.close.toDouble()});
    }
    samples.insert(samples.begin(), older.begin(), older.end());
    if (samples.size() > cap) samples.erase(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(samples.size() - cap));
}

}  // namespace

void PerpData::clear() { *this = PerpData{}; }

void PerpData::addMarkPrice(const exchange::MarkPriceUpdate& update) {
    if (update.markPrice) append(m_mark, update.eventTimeMs, update.markPrice->toDouble(), kMaxMarkSamples);
    if (update.indexPrice) append(m_index, update.eventTimeMs, update.indexPrice->toDouble(), kMaxMarkSamples);
}

void PerpData::addPriceHistory(Interval interval, const std::vector<Candle>& mark, const std::vector<Candle>& index) {
    prepend(m_mark, interval, mark, kMaxMarkSamples);
    prepend(m_index, interval, index, kMaxMarkSamples);
}

std::optional<double> PerpData::markPrice() const {
    return m_mark.empty() ? std::nullopt : std::optional<double>(m_mark.back().value);
}

std::optional<double> PerpData::indexPrice() const {
    return m_index.empty() ? std::nullopt : std::optional<double>(m_index.back().value);
}

void PerpData::setFunding(const exchange::FundingUpdate& update, std::int64_t receivedMs) {
    if (update.eventTimeMs < m_fundingEventMs) return;  // older than what is shown
    if (update.rate) m_fundingRate = update.rate->toDouble();
    if (update.nextFundingTimeMs) m_nextFundingMs = update.nextFundingTimeMs;
    m_fundingEventMs = update.eventTimeMs;
    m_fundingReceivedMs = receivedMs;
}

std::optional<std::int64_t> PerpData::fundingCountdownMs(std::int64_t nowMs) const {
    if (!m_nextFundingMs) return std::nullopt;
    const std::int64_t venueNow = m_fundingEventMs + std::max<std::int64_t>(0, nowMs - m_fundingReceivedMs);
    return std::max<std::int64_t>(0, *m_nextFundingMs - venueNow);
}

void PerpData::setFundingHistory(std::vector<exchange::FundingRatePoint> points) {
    std::sort(points.begin(), points.end(), [](const auto& a, const auto& b) { return a.fundingTimeMs < b.fundingTimeMs; });
    points.erase(std::unique(points.begin(), points.end(),
                             [](const auto& a, const auto& b) { return a.fundingTimeMs == b.fundingTimeMs; }),
                 points.end());
    m_fundingHistory = std::move(points);
}

void PerpData::setOpenInterestHistory(const feed::OpenInterestHistory& history) {
    // The live values that came before the history stay; at a time both have, the live one.
    std::vector<exchange::OpenInterestPoint> joined = m_openInterest;
    joined.insert(joined.end(), history.points.begin(), history.points.end());
    std::stable_sort(joined.begin(), joined.end(), [](const auto& a, const auto& b) { return a.timeMs < b.timeMs; });
    joined.erase(std::unique(joined.begin(), joined.end(), [](const auto& a, const auto& b) { return a.timeMs == b.timeMs; }),
                 joined.end());
    if (joined.size() > kMaxOpenInterestPoints)
        joined.erase(joined.begin(), joined.begin() + static_cast<std::ptrdiff_t>(joined.size() - kMaxOpenInterestPoints));
    m_openInterest = std::move(joined);
    m_openInterestPeriod = history.period;
    m_openInterestReachedStart = history.reachedStart;
}

void PerpData::addOpenInterest(const exchange::OpenInterestUpdate& update) {
    exchange::OpenInterestPoint point{update.timeMs, update.openInterest, update.value};
    if (m_openInterest.empty() || update.timeMs > m_openInterest.back().timeMs) {
        m_openInterest.push_back(std::move(point));
    } else {
        const auto at = std::lower_bound(m_openInterest.begin(), m_openInterest.end(), update.timeMs,
                                         [](const auto& p, std::int64_t t) { return p.timeMs < t; });
        if (at != m_openInterest.end() && at->timeMs == update.timeMs) *at = std::move(point);
        else m_openInterest.insert(at, std::move(point));
    }
    if (m_openInterest.size() > kMaxOpenInterestPoints) m_openInterest.erase(m_openInterest.begin());
}

std::int64_t PerpData::largestOpenInterestGapMs(std::int64_t fromMs) const {
    std::int64_t largest = 0;
    const auto first = std::lower_bound(m_openInterest.begin(), m_openInterest.end(), fromMs,
                                        [](const auto& p, std::int64_t t) { return p.timeMs < t; });
    for (auto it = first; it != m_openInterest.end() && std::next(it) != m_openInterest.end(); ++it)
        largest = std::max(largest, std::next(it)->timeMs - it->timeMs);
    return largest;
}

void PerpData::addLiquidation(const exchange::Liquidation& liquidation) {
    m_liquidations.push_back(liquidation);
    ++m_liquidationsSeen;
    while (m_liquidations.size() > kMaxLiquidations) m_liquidations.pop_front();
}

std::vector<double> PerpData::stepValues(market::CandleView candles, Interval interval, const std::vector<Sample>& samples,
                                         std::int64_t holdMs) {
    std::vector<double> out(candles.size(), kNaN);
    if (samples.empty()) return out;
    // Both ascending: one pass.
    std::size_t next = 0;  // the first sample after the current candle's end
    for (std::size_t i = 0; i < candles.size(); ++i) {
        const std::int64_t end = candleEnd(candles, interval, i);
        while (next < samples.size() && samples[next].timeMs < end) ++next;
        if (next == 0) continue;  // nothing before this candle's end
        const Sample& s = samples[next - 1];
        if (candles.openTime(i) - s.timeMs > holdMs) continue;
        out[i] = s.value;
    }
    return out;
}

std::vector<double> PerpData::markValues(market::CandleView candles, Interval interval) const {
    return stepValues(candles, interval, m_mark, std::max(kMarkHoldMs, nominalMs(interval)));
}

std::vector<double> PerpData::indexValues(market::CandleView candles, Interval interval) const {
    return stepValues(candles, interval, m_index, std::max(kMarkHoldMs, nominalMs(interval)));
}

std::vector<double> PerpData::openInterestValues(market::CandleView candles, Interval interval) const {
    std::vector<Sample> samples;
    samples.reserve(m_openInterest.size());
    for (const auto& p : m_openInterest) samples.push_back({p.timeMs, p.openInterest.toDouble()});
    const std::int64_t period = m_openInterestPeriod ? nominalMs(*m_openInterestPeriod) : 300'000;
    return stepValues(candles, interval, samples, std::max(2 * period, nominalMs(interval)));
}

std::vector<double> PerpData::fundingValues(market::CandleView candles) const {
    std::vector<double> out(candles.size(), kNaN);
    const auto& h = m_fundingHistory;
    // The period: the shortest step of the history (8 h on most symbols, 4 h or 1 h on some).
    std::int64_t period = kDefaultFundingPeriodMs;
    for (std::size_t k = 1; k < h.size(); ++k) period = std::min(period, h[k].fundingTimeMs - h[k - 1].fundingTimeMs);
    if (period <= 0) period = kDefaultFundingPeriodMs;
    std::size_t next = 0;  // the first settlement after the current candle's open
    for (std::size_t i = 0; i < candles.size(); ++i) {
        const std::int64_t open = candles.openTime(i);
        while (next < h.size() && h[next].fundingTimeMs <= open) ++next;
        if (next < h.size()) {
            // In the period that ends (and is paid) at h[next]; before the history's first period: unknown.
            if (next == 0 && open < h[0].fundingTimeMs - period) continue;
            out[i] = h[next].rate.toDouble() * 100.0;
        } else if (m_fundingRate && m_nextFundingMs && open < *m_nextFundingMs &&
                   (h.empty() || open >= h.back().fundingTimeMs) && *m_nextFundingMs - open <= period) {
            out[i] = *m_fundingRate * 100.0;  // the period not paid yet: the current rate
        }
    }
    return out;
}

std::string PerpData::countdownText(std::int64_t ms) {
    const std::int64_t seconds = std::max<std::int64_t>(0, ms) / 1000;
    char text[32];
    std::snprintf(text, sizeof text, "%02lld:%02lld:%02lld", static_cast<long long>(seconds / 3600),
                  static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60));
    return text;
}

}  // namespace cpc::app
