#pragma once
// Every candle series the app holds in memory, by key: the memory tier of the cache. Bounded by
// a byte budget; when over it, the least recently used series are evicted first (they stay in
// SQLite). GUI thread only (architecture §4).
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "cpc/market/candle_series.hpp"

namespace cpc::market {

class CandleStore {
public:
    static constexpr std::size_t kDefaultBudgetBytes = 512u << 20;  // 512 MB

    explicit CandleStore(std::size_t budgetBytes = kDefaultBudgetBytes) : m_budget(budgetBytes) {}

    // The series for key, created empty on first use, and marked most recently used.
    // References stay valid until the series is evicted or erased.
    CandleSeries& series(const SeriesKey& key);
    const CandleSeries* find(const SeriesKey& key) const;
    // The series for key if held, without marking it used (live updates of a series in the
    // background must not keep it from eviction).
    CandleSeries* find(const SeriesKey& key);
    void erase(const SeriesKey& key);
    std::size_t seriesCount() const { return m_series.size(); }
    std::size_t candleCount() const;
    // Keys of every series held, in key order.
    std::vector<SeriesKey> keys() const;

    // Memory accounting: each series' heap bytes (CandleSeries::memoryBytes(): row capacity ×
    // sizeof(PackedCandle) plus its side table) and the series object itself.
    static constexpr std::size_t bytesPerCandle() { return sizeof(PackedCandle); }
    std::size_t bytesUsed() const;
    std::size_t budgetBytes() const { return m_budget; }
    void setBudgetBytes(std::size_t bytes) { m_budget = bytes; }
    // Evicts least recently used series (never `keep`) until within budget; returns how many.
    std::size_t enforceBudget(const SeriesKey& keep);

private:
    struct Entry {
        std::unique_ptr<CandleSeries> series;
        std::uint64_t lastUse = 0;
    };
    std::map<SeriesKey, Entry> m_series;
    std::size_t m_budget;
    std::uint64_t m_clock = 0;
};

}  // namespace cpc::market
