#pragma once
// The exchanges the app knows, by name: the one place that maps "bybit" to BybitAdapter.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cpc/core/result.hpp"
#include "cpc/exchange/exchange_adapter.hpp"

namespace cpc::exchange {

// "binance", "bybit", "okx", "kucoin" (display order).
const std::vector<std::string>& adapterNames();

// The venues with perpetual futures here: "binance" (USD-M), "bybit" (linear), "okx" (swap).
// KuCoin's futures are a separate API (api-futures.kucoin.com, its own token, contract symbols
// like XBTUSDTM) not built yet; see docs/ARCHITECTURE.md, "Perpetual futures".
const std::vector<std::string>& perpAdapterNames();

// The venue's production endpoints of `market` (TLS hosts); an unknown name, or a venue without
// that market, is an Error listing the accepted.
Result<Endpoints> defaultEndpoints(std::string_view name, MarketType market = MarketType::Spot);

// A new adapter for `name` (case-insensitive) speaking `market`. Each non-empty field of
// `overrides` replaces the production default (the simulator, a regional host, a test server);
// empty fields keep it. Unknown name: Error "unknown exchange "x"; accepted are binance, bybit,
// okx, kucoin"; a venue without perpetuals: Error naming the venues that have them.
Result<std::unique_ptr<ExchangeAdapter>> makeAdapter(std::string_view name, const Endpoints& overrides = {},
                                                     MarketType market = MarketType::Spot);

}  // namespace cpc::exchange
