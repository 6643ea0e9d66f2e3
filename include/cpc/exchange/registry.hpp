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

// The venue's production endpoints (TLS hosts); an unknown name is an Error listing the accepted.
Result<Endpoints> defaultEndpoints(std::string_view name);

// A new adapter for `name` (case-insensitive). Each non-empty field of `overrides` replaces the
// production default (the simulator, a regional host, a test server); empty fields keep it.
// Unknown name: Error "unknown exchange "x"; accepted are binance, bybit, okx, kucoin".
Result<std::unique_ptr<ExchangeAdapter>> makeAdapter(std::string_view name, const Endpoints& overrides = {});

}  // namespace cpc::exchange
