#pragma once
// Rolling 24 h statistics of the simulated market (`@ticker`, `@miniTicker`, GET
// /api/v3/ticker/24hr), computed from the model's 1m candles and trades. The window is minute
// granular: the 1,440 one-minute candles ending with the one that holds `nowMs` (Binance's
// window is exact to the millisecond; the difference does not matter to a client).
#include <cstdint>
#include <string>

#include "cpc/exchange/events.hpp"
#include "cpc/sim/market_model.hpp"
#include "cpc/sim/order_book_model.hpp"

namespace cpc::sim {

exchange::Ticker24h rollingTicker(const MarketModel& model, const OrderBookModel& book, const std::string& symbol,
                                  std::int64_t nowMs, bool mini);

// priceChangePercent with 3 decimals and weighted average price with 8, as Binance prints them.
Decimal percentChange(Decimal open, Decimal last);
Decimal weightedAverage(Decimal quoteVolume, Decimal volume);

}  // namespace cpc::sim
