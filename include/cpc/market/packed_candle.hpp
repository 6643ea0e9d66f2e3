#pragma once
// The in-memory row of a candle series: every Binance kline field in 80 bytes instead of the
// 176 of cpc::Candle, with nothing rounded. Prices and quantities are the same 1e-8 units as
// Decimal, held as int64 (±92 billion in whole units), which covers every real price and nearly
// every volume; the trade count shares its word with two flags. A candle with a field that does
// not fit (a meme coin's monthly volume: 1e20 units and more) keeps a "wide" row — open time and
// flags only — and the whole Candle in a side table keyed by open time. See docs/ARCHITECTURE.md,
// "Numbers" and "Candle storage".
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "cpc/core/candle.hpp"

namespace cpc::market {

// Decimal::fromUnits(units).toDouble(), bit for bit, with 64-bit instead of 128-bit division.
inline double unitsToDouble(std::int64_t units) {
    const std::int64_t whole = units / Decimal::kUnitsPerOne;
    const std::int64_t frac = units % Decimal::kUnitsPerOne;
    return static_cast<double>(whole) + static_cast<double>(frac) / static_cast<double>(Decimal::kUnitsPerOne);
}

struct PackedCandle {
    std::int64_t openTime = 0;
    std::int64_t open = 0, high = 0, low = 0, close = 0;  // Decimal units (1e-8)
    std::int64_t volume = 0, quoteVolume = 0, takerBuyBase = 0, takerBuyQuote = 0;
    // trades << 2 | wide << 1 | closed. Arithmetic shifts keep trades = -1 ("not reported").
    std::int64_t tradesAndFlags = 0;

    static constexpr std::int64_t kClosedBit = 1;
    static constexpr std::int64_t kWideBit = 2;
    static constexpr int kFlagBits = 2;
    static constexpr std::int64_t kMaxTrades = std::numeric_limits<std::int64_t>::max() >> kFlagBits;
    static constexpr std::int64_t kMinTrades = std::numeric_limits<std::int64_t>::min() >> kFlagBits;

    bool closed() const { return (tradesAndFlags & kClosedBit) != 0; }
    // The fields live in the side table; only openTime and closed() are meaningful here.
    bool wide() const { return (tradesAndFlags & kWideBit) != 0; }
    std::int64_t trades() const { return tradesAndFlags >> kFlagBits; }

    // `c` exactly, or nullopt when a field does not fit (then use wideRow()).
    static std::optional<PackedCandle> pack(const Candle& c);
    // The same into `out` (every field written); false, with `out` unspecified, when it does not fit.
    static bool packInto(const Candle& c, PackedCandle& out);
    // The row standing for a candle kept whole in the side table.
    static PackedCandle wideRow(const Candle& c);
    // The candle of a row that is not wide().
    Candle unpack() const;

    bool operator==(const PackedCandle&) const = default;
};
static_assert(sizeof(PackedCandle) == 80, "PackedCandle is meant to be 10 int64 words");

// The candles of wide rows, sorted by open time (open times are unique in a series). Usually
// empty; a lookup is a binary search over the few it holds.
class WideCandleTable {
public:
    const Candle* find(std::int64_t openTime) const;
    void put(const Candle& candle);  // insert or replace
    void erase(std::int64_t openTime);
    void clear() { m_candles.clear(); }
    std::size_t size() const { return m_candles.size(); }
    std::size_t memoryBytes() const { return m_candles.capacity() * sizeof(Candle); }

private:
    std::vector<Candle> m_candles;
};

// Capacity to grow a vector to so that it holds `needed` elements: doubling while small, then
// by 1/16, so a million-candle series carries at most ~6% slack (amortised growth stays O(1)).
inline std::size_t grownCapacity(std::size_t capacity, std::size_t needed) {
    if (needed <= capacity) return capacity;
    constexpr std::size_t kDoublingUpTo = 1U << 16;
    const std::size_t grown = capacity < kDoublingUpTo ? 2 * capacity : capacity + capacity / 16;
    return std::max(needed, grown);
}

template <class T>
void reserveGrown(std::vector<T>& v, std::size_t needed) {
    if (needed > v.capacity()) v.reserve(grownCapacity(v.capacity(), needed));
}

}  // namespace cpc::market
