#include "cpc/market/candle_store.hpp"

namespace cpc::market {

CandleSeries& CandleStore::series(const SeriesKey& key) {
    Entry& e = m_series[key];
    if (!e.series) e.series = std::make_unique<CandleSeries>(key);
    e.lastUse = ++m_clock;
    return *e.series;
}

const CandleSeries* CandleStore::find(const SeriesKey& key) const {
    auto it = m_series.find(key);
    return it == m_series.end() ? nullptr : it->second.series.get();
}

CandleSeries* CandleStore::find(const SeriesKey& key) {
    auto it = m_series.find(key);
    return it == m_series.end() ? nullptr : it->second.series.get();
}

void CandleStore::erase(const SeriesKey& key) { m_series.erase(key); }

std::size_t CandleStore::candleCount() const {
    std::size_t n = 0;
    for (const auto& [key, e] : m_series) n += e.series->size();
    return n;
}

std::vector<SeriesKey> CandleStore::keys() const {
    std::vector<SeriesKey> out;
    out.reserve(m_series.size());
    for (const auto& [key, e] : m_series) out.push_back(key);
    return out;
}

std::size_t CandleStore::bytesUsed() const {
    std::size_t n = 0;
    for (const auto& [key, e] : m_series) n += e.series->memoryBytes() + sizeof(CandleSeries);
    return n;
}

std::size_t CandleStore::enforceBudget(const SeriesKey& keep) {
    std::size_t evicted = 0;
    while (bytesUsed() > m_budget) {
        auto victim = m_series.end();
        for (auto it = m_series.begin(); it != m_series.end(); ++it)
            if (it->first != keep && (victim == m_series.end() || it->second.lastUse < victim->second.lastUse))
                victim = it;
        if (victim == m_series.end()) break;  // only the kept series is left
        m_series.erase(victim);
        ++evicted;
    }
    return evicted;
}

}  // namespace cpc::market
