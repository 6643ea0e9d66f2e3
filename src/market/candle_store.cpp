#include "cpc/market/candle_store.hpp"

namespace cpc::market {

CandleSeries& CandleStore::series(const SeriesKey& key) {
    auto& slot = m_series[key];
    if (!slot) slot = std::make_unique<CandleSeries>(key);
    return *slot;
}

const CandleSeries* CandleStore::find(const SeriesKey& key) const {
    auto it = m_series.find(key);
    return it == m_series.end() ? nullptr : it->second.get();
}

void CandleStore::erase(const SeriesKey& key) { m_series.erase(key); }

std::size_t CandleStore::candleCount() const {
    std::size_t n = 0;
    for (const auto& [key, s] : m_series) n += s->size();
    return n;
}

}  // namespace cpc::market
