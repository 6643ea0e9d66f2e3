#include "cpc/market/validation.hpp"

#include "cpc/core/time.hpp"

namespace cpc::market {

std::optional<std::string> validateCandle(const Candle& c) {
    const Decimal zero;
    if (c.open < zero || c.high < zero || c.low < zero || c.close < zero)
        return "negative price in candle at " + formatUtc(c.openTime);
    if (c.low > c.high) return "low above high in candle at " + formatUtc(c.openTime);
    if (c.open < c.low || c.open > c.high || c.close < c.low || c.close > c.high)
        return "open/close outside [low, high] in candle at " + formatUtc(c.openTime);
    if (c.volume < zero || c.quoteVolume < zero || c.takerBuyBase < zero || c.takerBuyQuote < zero)
        return "negative volume in candle at " + formatUtc(c.openTime);
    if (c.takerBuyBase > c.volume || c.takerBuyQuote > c.quoteVolume)
        return "taker-buy volume above total volume in candle at " + formatUtc(c.openTime);
    if (c.trades < -1) return "negative trade count in candle at " + formatUtc(c.openTime);
    return std::nullopt;
}

std::optional<std::string> validateAlignment(const Candle& c, Interval interval,
                                             std::int64_t anchor3dMs) {
    if (!isAligned(interval, c.openTime, anchor3dMs))
        return "open time " + formatUtc(c.openTime, true) + " is not aligned to " +
               std::string(toString(interval));
    return std::nullopt;
}

std::optional<std::string> validateSeries(std::span<const Candle> candles, Interval interval,
                                          std::int64_t anchor3dMs) {
    for (std::size_t i = 0; i < candles.size(); ++i) {
        if (auto e = validateCandle(candles[i])) return e;
        if (auto e = validateAlignment(candles[i], interval, anchor3dMs)) return e;
        if (i > 0 && candles[i].openTime <= candles[i - 1].openTime)
            return "open times not strictly increasing at " + formatUtc(candles[i].openTime);
    }
    return std::nullopt;
}

}  // namespace cpc::market
