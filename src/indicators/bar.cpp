#include "cpc/indicators/bar.hpp"

namespace cpc::indicators {

Bar toBar(const Candle& candle) {
    return Bar{static_cast<double>(candle.openTime), candle.open.toDouble(), candle.high.toDouble(),
               candle.low.toDouble(), candle.close.toDouble(), candle.volume.toDouble(),
               candle.takerBuyBase.toDouble()};
}

std::vector<Bar> toBars(std::span<const Candle> candles) {
    std::vector<Bar> bars;
    bars.reserve(candles.size());
    for (const Candle& c : candles) bars.push_back(toBar(c));
    return bars;
}

std::vector<Bar> toBars(const market::CandleView& candles) {
    std::vector<Bar> bars;
    bars.reserve(candles.size());
    for (std::size_t i = 0; i < candles.size(); ++i)
        bars.push_back(Bar{static_cast<double>(candles.openTime(i)), candles.open(i), candles.high(i),
                           candles.low(i), candles.close(i), candles.volume(i),
                           candles.takerBuyBase(i)});
    return bars;
}

}  // namespace cpc::indicators
