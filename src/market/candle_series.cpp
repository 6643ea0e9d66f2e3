#include "cpc/market/candle_series.hpp"

#include <algorithm>

#include "cpc/market/validation.hpp"

namespace cpc::market {

std::size_t CandleSeries::lowerBound(std::int64_t openTime) const {
    auto it = std::lower_bound(m_candles.begin(), m_candles.end(), openTime,
                               [](const Candle& c, std::int64_t t) { return c.openTime < t; });
    return static_cast<std::size_t>(it - m_candles.begin());
}

const Candle* CandleSeries::find(std::int64_t openTime) const {
    const std::size_t i = lowerBound(openTime);
    return (i < m_candles.size() && m_candles[i].openTime == openTime) ? &m_candles[i] : nullptr;
}

std::optional<std::int64_t> CandleSeries::lastClosedOpenTime() const {
    for (auto it = m_candles.rbegin(); it != m_candles.rend(); ++it)
        if (it->closed) return it->openTime;
    return std::nullopt;
}

UpsertOutcome CandleSeries::upsert(const Candle& candle) {
    if (validateCandle(candle)) {
        ++m_rejected;
        return UpsertOutcome::Rejected;
    }
    if (m_candles.empty() || m_candles.back().openTime < candle.openTime) {
        // A newer candle implicitly closes the previous one (Binance's x:true can come late).
        m_candles.push_back(candle);
        ++m_revision;
        return UpsertOutcome::Appended;
    }
    const std::size_t i = lowerBound(candle.openTime);
    if (i < m_candles.size() && m_candles[i].openTime == candle.openTime) {
        Candle& existing = m_candles[i];
        if (existing == candle) return UpsertOutcome::Unchanged;
        if (existing.closed && !candle.closed) return UpsertOutcome::IgnoredClosed;
        existing = candle;
        ++m_revision;
        return i + 1 == m_candles.size() ? UpsertOutcome::UpdatedLast : UpsertOutcome::Replaced;
    }
    m_candles.insert(m_candles.begin() + static_cast<std::ptrdiff_t>(i), candle);
    ++m_revision;
    return UpsertOutcome::Inserted;
}

std::size_t CandleSeries::merge(std::span<const Candle> batch) {
    // Fast path: a sorted batch entirely after (or into an empty) series is one append, so
    // loading 100,000 cached candles is linear, not 100,000 binary-search upserts.
    const bool sorted = std::adjacent_find(batch.begin(), batch.end(), [](const Candle& a, const Candle& b) {
                            return a.openTime >= b.openTime;
                        }) == batch.end();  // strictly increasing
    if (sorted && !batch.empty() && (m_candles.empty() || m_candles.back().openTime < batch.front().openTime)) {
        std::size_t appended = 0;
        m_candles.reserve(m_candles.size() + batch.size());
        for (const Candle& c : batch) {
            if (validateCandle(c)) {
                ++m_rejected;
                continue;
            }
            m_candles.push_back(c);
            ++appended;
        }
        if (appended) ++m_revision;
        return appended;
    }
    std::size_t changed = 0;
    for (const Candle& c : batch) {
        const UpsertOutcome o = upsert(c);
        if (o != UpsertOutcome::Unchanged && o != UpsertOutcome::IgnoredClosed &&
            o != UpsertOutcome::Rejected)
            ++changed;
    }
    return changed;
}

}  // namespace cpc::market
