#pragma once
// How a SeriesKey's venue and market are stored in the series table's `exchange` column. Spot
// series keep the bare venue name ("binance"), exactly as every cache written before perpetuals
// existed, so those files stay valid without a migration; a perpetual series is stored under
// "<venue>/perp" ("binance/perp"), a name no venue has, so it can never meet a spot row of the
// same symbol and interval (BTCUSDT spot and BTCUSDT perpetual are different instruments).
#include <string>
#include <string_view>

#include "cpc/core/candle.hpp"

namespace cpc::storage::detail {

inline constexpr std::string_view kPerpSuffix = "/perp";

inline std::string exchangeColumn(const SeriesKey& key) {
    return key.market == MarketType::Perp ? key.exchange + std::string(kPerpSuffix) : key.exchange;
}

// The key a series row names (the inverse of exchangeColumn).
inline SeriesKey keyOfColumns(std::string exchange, std::string symbol, Interval interval) {
    SeriesKey key{std::move(exchange), std::move(symbol), interval};
    if (key.exchange.size() > kPerpSuffix.size() && key.exchange.ends_with(kPerpSuffix)) {
        key.exchange.resize(key.exchange.size() - kPerpSuffix.size());
        key.market = MarketType::Perp;
    }
    return key;
}

}  // namespace cpc::storage::detail
