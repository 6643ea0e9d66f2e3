#include "cpc/market/packed_candle.hpp"

namespace cpc::market {

namespace {

// The units of `d` fit int64 when adding 2^63 leaves the high 64 bits zero: one compare of the
// high word instead of two 128-bit range compares (this runs once per field of every candle
// loaded).
__extension__ typedef unsigned __int128 U128;  // as Int128 in decimal.hpp: quiet under -Wpedantic

inline bool fitsInt64(Decimal d) {
    const U128 biased = static_cast<U128>(d.units()) + (U128{1} << 63);
    return (biased >> 64) == 0;
}

std::int64_t flagsOf(const Candle& c) { return c.closed ? PackedCandle::kClosedBit : 0; }

}  // namespace

bool PackedCandle::packInto(const Candle& c, PackedCandle& out) {
    // Every check evaluated, without a branch each (bits, not &&: clang's -Wbitwise-instead-of-logical).
    const auto bit = [](bool b) { return static_cast<unsigned>(b); };
    const unsigned fits = bit(fitsInt64(c.open)) & bit(fitsInt64(c.high)) & bit(fitsInt64(c.low)) &
                          bit(fitsInt64(c.close)) & bit(fitsInt64(c.volume)) & bit(fitsInt64(c.quoteVolume)) &
                          bit(fitsInt64(c.takerBuyBase)) & bit(fitsInt64(c.takerBuyQuote)) &
                          bit(c.trades >= kMinTrades) & bit(c.trades <= kMaxTrades);
    if (fits == 0) return false;
    out.openTime = c.openTime;
    out.open = static_cast<std::int64_t>(c.open.units());
    out.high = static_cast<std::int64_t>(c.high.units());
    out.low = static_cast<std::int64_t>(c.low.units());
    out.close = static_cast<std::int64_t>(c.close.units());
    out.volume = static_cast<std::int64_t>(c.volume.units());
    out.quoteVolume = static_cast<std::int64_t>(c.quoteVolume.units());
    out.takerBuyBase = static_cast<std::int64_t>(c.takerBuyBase.units());
    out.takerBuyQuote = static_cast<std::int64_t>(c.takerBuyQuote.units());
    // Multiplying instead of shifting: a left shift of a negative count (-1) is fine in C++20
    // but -Wshift-negative-value objects to it.
    out.tradesAndFlags = (c.trades * (std::int64_t{1} << kFlagBits)) | flagsOf(c);
    return true;
}

std::optional<PackedCandle> PackedCandle::pack(const Candle& c) {
    PackedCandle p;
    if (!packInto(c, p)) return std::nullopt;
    return p;
}

PackedCandle PackedCandle::wideRow(const Candle& c) {
    PackedCandle p;
    p.openTime = c.openTime;
    p.tradesAndFlags = kWideBit | flagsOf(c);
    return p;
}

Candle PackedCandle::unpack() const {
    Candle c;
    c.openTime = openTime;
    c.open = Decimal::fromUnits(open);
    c.high = Decimal::fromUnits(high);
    c.low = Decimal::fromUnits(low);
    c.close = Decimal::fromUnits(close);
    c.volume = Decimal::fromUnits(volume);
    c.quoteVolume = Decimal::fromUnits(quoteVolume);
    c.trades = trades();
    c.takerBuyBase = Decimal::fromUnits(takerBuyBase);
    c.takerBuyQuote = Decimal::fromUnits(takerBuyQuote);
    c.closed = closed();
    return c;
}

const Candle* WideCandleTable::find(std::int64_t openTime) const {
    const auto it = std::lower_bound(m_candles.begin(), m_candles.end(), openTime,
                                     [](const Candle& c, std::int64_t t) { return c.openTime < t; });
    return it != m_candles.end() && it->openTime == openTime ? &*it : nullptr;
}

void WideCandleTable::put(const Candle& candle) {
    const auto it = std::lower_bound(m_candles.begin(), m_candles.end(), candle.openTime,
                                     [](const Candle& c, std::int64_t t) { return c.openTime < t; });
    if (it != m_candles.end() && it->openTime == candle.openTime) *it = candle;
    else m_candles.insert(it, candle);
}

void WideCandleTable::erase(std::int64_t openTime) {
    const auto it = std::lower_bound(m_candles.begin(), m_candles.end(), openTime,
                                     [](const Candle& c, std::int64_t t) { return c.openTime < t; });
    if (it != m_candles.end() && it->openTime == openTime) m_candles.erase(it);
}

}  // namespace cpc::market
