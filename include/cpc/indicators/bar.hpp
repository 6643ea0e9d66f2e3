#pragma once
// The input every indicator reads: one candle as plain doubles. Indicators do floating-point
// arithmetic, so the exact Decimal fields of cpc::Candle are converted once, at this boundary.
#include <span>
#include <vector>

#include "cpc/core/candle.hpp"
#include "cpc/market/candle_view.hpp"

namespace cpc::indicators {

struct Bar {
    double time = 0.0;  // open time, UTC epoch milliseconds (exact in a double up to year 287396)
    double open = 0.0;
    double high = 0.0;
    double low = 0.0;
    double close = 0.0;
    double volume = 0.0;  // base-asset volume
    // Base-asset volume of the trades whose buyer was the aggressor (the kline's "taker buy base
    // asset volume"); 0 where the venue does not report it (only Binance's klines carry it).
    double takerBuyVolume = 0.0;
    bool operator==(const Bar&) const = default;
};

Bar toBar(const Candle& candle);
std::vector<Bar> toBars(std::span<const Candle> candles);
// From a series' rows directly (no Candle decoded per row).
std::vector<Bar> toBars(const market::CandleView& candles);

}  // namespace cpc::indicators
