#include "cpc/market/candle_series.hpp"

#include <algorithm>

#include "cpc/market/validation.hpp"

namespace cpc::market {

std::size_t CandleSeries::lowerBound(std::int64_t openTime) const {
    auto it = std::lower_bound(m_rows.begin(), m_rows.end(), openTime,
                               [](const PackedCandle& r, std::int64_t t) { return r.openTime < t; });
    return static_cast<std::size_t>(it - m_rows.begin());
}

std::optional<Candle> CandleSeries::find(std::int64_t openTime) const {
    const std::size_t i = lowerBound(openTime);
    if (i < m_rows.size() && m_rows[i].openTime == openTime) return (*this)[i];
    return std::nullopt;
}

std::optional<Candle> CandleSeries::last() const {
    if (m_rows.empty()) return std::nullopt;
    return (*this)[m_rows.size() - 1];
}

std::optional<std::int64_t> CandleSeries::lastClosedOpenTime() const {
    for (auto it = m_rows.rbegin(); it != m_rows.rend(); ++it)
        if (it->closed()) return it->openTime;
    return std::nullopt;
}

void CandleSeries::clear() {
    m_rows.clear();
    m_wide.clear();
}

PackedCandle CandleSeries::rowFor(const Candle& candle, const std::optional<PackedCandle>& packed) {
    if (packed) return *packed;
    m_wide.put(candle);
    return PackedCandle::wideRow(candle);
}

void CandleSeries::store(std::size_t i, const Candle& candle, const std::optional<PackedCandle>& packed) {
    PackedCandle& row = m_rows[i];
    if (packed && row.wide()) m_wide.erase(candle.openTime);
    row = rowFor(candle, packed);
}

UpsertOutcome CandleSeries::upsert(const Candle& candle) {
    if (validateCandle(candle)) {
        ++m_rejected;
        return UpsertOutcome::Rejected;
    }
    const std::optional<PackedCandle> packed = PackedCandle::pack(candle);
    if (m_rows.empty() || m_rows.back().openTime < candle.openTime) {
        // A newer candle implicitly closes the previous one (Binance's x:true can come late).
        reserveGrown(m_rows, m_rows.size() + 1);
        m_rows.push_back(rowFor(candle, packed));
        ++m_revision;
        return UpsertOutcome::Appended;
    }
    const std::size_t i = lowerBound(candle.openTime);
    if (i < m_rows.size() && m_rows[i].openTime == candle.openTime) {
        const PackedCandle& existing = m_rows[i];
        // Both packed: comparing the rows is comparing the candles (packing is exact).
        const bool same = packed && !existing.wide() ? existing == *packed : (*this)[i] == candle;
        if (same) return UpsertOutcome::Unchanged;
        if (existing.closed() && !candle.closed) return UpsertOutcome::IgnoredClosed;
        store(i, candle, packed);
        ++m_revision;
        return i + 1 == m_rows.size() ? UpsertOutcome::UpdatedLast : UpsertOutcome::Replaced;
    }
    reserveGrown(m_rows, m_rows.size() + 1);
    const PackedCandle row = rowFor(candle, packed);
    m_rows.insert(m_rows.begin() + static_cast<std::ptrdiff_t>(i), row);
    ++m_revision;
    return UpsertOutcome::Inserted;
}

std::size_t CandleSeries::merge(std::span<const Candle> batch) {
    // Fast path: a sorted batch entirely after (or into an empty) series is one append, so
    // loading 100,000 cached candles is linear, not 100,000 binary-search upserts.
    const bool sorted = std::adjacent_find(batch.begin(), batch.end(), [](const Candle& a, const Candle& b) {
                            return a.openTime >= b.openTime;
                        }) == batch.end();  // strictly increasing
    // The valid candles of `batch` packed onto the end of `rows` (straight into each new row: no
    // optional and no copies of it per candle); the refused ones counted. Returns how many went in.
    const auto packValid = [this](std::span<const Candle> candles, std::vector<PackedCandle>& rows) {
        std::size_t packed = 0;
        for (const Candle& c : candles) {
            if (validateCandle(c)) {
                ++m_rejected;
                continue;
            }
            PackedCandle& row = rows.emplace_back();
            if (!PackedCandle::packInto(c, row)) row = rowFor(c, std::nullopt);
            ++packed;
        }
        return packed;
    };
    if (sorted && !batch.empty() && (m_rows.empty() || m_rows.back().openTime < batch.front().openTime)) {
        reserveGrown(m_rows, m_rows.size() + batch.size());
        const std::size_t appended = packValid(batch, m_rows);
        if (appended) ++m_revision;
        return appended;
    }
    // A sorted batch entirely before the series (a scroll-back page) is one insert at the front:
    // the rows move once, not once per candle (a year of 1m pages prepended one candle at a time
    // moved ~10^11 bytes and held the GUI thread for minutes).
    if (sorted && !batch.empty() && !m_rows.empty() && batch.back().openTime < m_rows.front().openTime) {
        std::vector<PackedCandle> front;
        front.reserve(batch.size());
        if (packValid(batch, front) == 0) return 0;
        reserveGrown(m_rows, m_rows.size() + front.size());
        m_rows.insert(m_rows.begin(), front.begin(), front.end());
        ++m_revision;
        return front.size();
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
