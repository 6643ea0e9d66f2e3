#pragma once
// A series of candles sorted by open time, keyed by open time (Binance: "klines are uniquely
// identified by their open time"). Owned by one thread (the GUI thread in the app).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cpc/core/candle.hpp"

namespace cpc::market {

enum class UpsertOutcome : std::uint8_t {
    Appended,        // a new candle after the last one
    UpdatedLast,     // the newest candle changed (forming candle tick)
    Inserted,        // filled a hole before the end
    Replaced,        // an older candle was replaced by a newer version
    Unchanged,       // identical to what we have
    IgnoredClosed,   // a late provisional update for a candle already final: kept the final one
    Rejected,        // failed validation
};

class CandleSeries {
public:
    CandleSeries() = default;
    explicit CandleSeries(SeriesKey key) : m_key(std::move(key)) {}

    const SeriesKey& key() const { return m_key; }
    std::span<const Candle> candles() const { return m_candles; }
    std::size_t size() const { return m_candles.size(); }
    std::size_t capacity() const { return m_candles.capacity(); }
    bool empty() const { return m_candles.empty(); }
    const Candle& operator[](std::size_t i) const { return m_candles[i]; }
    const Candle* last() const { return m_candles.empty() ? nullptr : &m_candles.back(); }
    // Open time of the newest final candle, if any.
    std::optional<std::int64_t> lastClosedOpenTime() const;
    // Index of the first candle with openTime >= t.
    std::size_t lowerBound(std::int64_t openTime) const;
    const Candle* find(std::int64_t openTime) const;

    UpsertOutcome upsert(const Candle& candle);
    // Merge a batch (any order); returns how many candles changed.
    std::size_t merge(std::span<const Candle> batch);
    void clear() { m_candles.clear(); }
    std::uint64_t rejectedCount() const { return m_rejected; }
    std::uint64_t revision() const { return m_revision; }  // bumps on every change

private:
    SeriesKey m_key;
    std::vector<Candle> m_candles;
    std::uint64_t m_rejected = 0;
    std::uint64_t m_revision = 0;
};

}  // namespace cpc::market
