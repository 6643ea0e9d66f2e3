#pragma once
// A series of candles sorted by open time, keyed by open time (Binance: "klines are uniquely
// identified by their open time"). Owned by one thread (the GUI thread in the app). Stored as
// 80-byte PackedCandle rows (exact; see packed_candle.hpp), read through CandleView.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cpc/core/candle.hpp"
#include "cpc/market/candle_view.hpp"

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
    // All candles, oldest first. Decodes on access; see CandleView for the cheap accessors.
    CandleView candles() const { return CandleView(m_rows.data(), m_rows.size(), &m_wide); }
    std::size_t size() const { return m_rows.size(); }
    std::size_t capacity() const { return m_rows.capacity(); }
    bool empty() const { return m_rows.empty(); }
    Candle operator[](std::size_t i) const { return CandleView::decode(m_rows[i], &m_wide); }
    std::int64_t openTime(std::size_t i) const { return m_rows[i].openTime; }
    std::optional<Candle> last() const;
    // Open time of the newest final candle, if any.
    std::optional<std::int64_t> lastClosedOpenTime() const;
    // Index of the first candle with openTime >= t.
    std::size_t lowerBound(std::int64_t openTime) const;
    std::optional<Candle> find(std::int64_t openTime) const;

    UpsertOutcome upsert(const Candle& candle);
    // Merge a batch (any order); returns how many candles changed.
    std::size_t merge(std::span<const Candle> batch);
    void clear();
    std::uint64_t rejectedCount() const { return m_rejected; }
    std::uint64_t revision() const { return m_revision; }  // bumps on every change

    // Heap bytes held: the rows' capacity (80 bytes each) plus the side table of candles whose
    // numbers do not fit a row (176 bytes each; normally none).
    std::size_t memoryBytes() const { return m_rows.capacity() * sizeof(PackedCandle) + m_wide.memoryBytes(); }
    std::size_t wideCount() const { return m_wide.size(); }

private:
    // Writes `candle` into row i (an existing row with the same open time, or a new slot).
    void store(std::size_t i, const Candle& candle, const std::optional<PackedCandle>& packed);
    PackedCandle rowFor(const Candle& candle, const std::optional<PackedCandle>& packed);

    SeriesKey m_key;
    std::vector<PackedCandle> m_rows;
    WideCandleTable m_wide;
    std::uint64_t m_rejected = 0;
    std::uint64_t m_revision = 0;
};

}  // namespace cpc::market
