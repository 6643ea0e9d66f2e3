#include "cpc/market/packed_candle.hpp"

namespace cpc::market {

namespace {

bool fitsInt64(Decimal d) {
    return d.units() >= std::numeric_limits<std::int64_t>::min() &&
           d.units() <= std::numeric_limits<std::int64_t>::max();
}

std::int64_t flagsOf(const Candle& c) { return c.closed ? PackedCandle::kClosedBit : 0; }

}  // namespace

std::optional<PackedCandle> PackedCandle::pack(const Candle& c) {
    if (!fitsInt64(c.open) || !fitsInt64(c.high) || !fitsInt64(c.low) || !fitsInt64(c.close) ||
        !fitsInt64(c.volume) || !fitsInt64(c.quoteVolume) || !fitsInt64(c.takerBuyBase) ||
        !fitsInt64(c.takerBuyQuote) || c.trades < kMinTrades || c.trades > kMaxTrades)
        return std::nullopt;
    PackedCandle p;
    p.openTime = c.openTime;
    p.open = static_cast<std::int64_t>(c.open.units());
    p.high = static_cast<std::int64_t>(c.high.units());
    p.low = static_cast<std::int64_t>(c.low.units());
    p.close = static_cast<std::int64_t>(c.close.units());
    p.volume = static_cast<std::int64_t>(c.volume.units());
    p.quoteVolume = static_cast<std::int64_t>(c.quoteVolume.units());
    p.takerBuyBase = static_cast<std::int64_t>(c.takerBuyBase.units());
    p.takerBuyQuote = static_cast<std::int64_t>(c.takerBuyQuote.units());
    // Multiplying instead of shifting: a left shift of a negative count (-1) is fine in C++20
    // but -Wshift-negative-value objects to it.
    p.tradesAndFlags = (c.trades * (std::int64_t{1} << kFlagBits)) | flagsOf(c);
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
