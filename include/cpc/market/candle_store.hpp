#pragma once
// Every candle series the app holds in memory, by key. GUI thread only (architecture §4).
#include <map>
#include <memory>

#include "cpc/market/candle_series.hpp"

namespace cpc::market {

class CandleStore {
public:
    // The series for key, created empty on first use. References stay valid until erase().
    CandleSeries& series(const SeriesKey& key);
    const CandleSeries* find(const SeriesKey& key) const;
    void erase(const SeriesKey& key);
    std::size_t seriesCount() const { return m_series.size(); }
    std::size_t candleCount() const;

private:
    std::map<SeriesKey, std::unique_ptr<CandleSeries>> m_series;
};

}  // namespace cpc::market
