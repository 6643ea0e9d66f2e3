#include "cpc/exchange/registry.hpp"

#include <algorithm>
#include <cctype>

#include "cpc/exchange/binance/binance_adapter.hpp"
#include "cpc/exchange/bybit/bybit_adapter.hpp"
#include "cpc/exchange/kucoin/kucoin_adapter.hpp"
#include "cpc/exchange/okx/okx_adapter.hpp"

namespace cpc::exchange {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

Error unknown(std::string_view name) {
    std::string accepted;
    for (const auto& n : adapterNames()) accepted += (accepted.empty() ? "" : ", ") + n;
    return makeError("unknown exchange \"" + std::string(name) + "\"; accepted are " + accepted);
}

}  // namespace

const std::vector<std::string>& adapterNames() {
    static const std::vector<std::string> names{"binance", "bybit", "okx", "kucoin"};
    return names;
}

Result<Endpoints> defaultEndpoints(std::string_view name) {
    const std::string n = lower(name);
    if (n == "binance") return Endpoints{BinanceAdapter::kProductionRest, BinanceAdapter::kProductionStream};
    if (n == "bybit") return Endpoints{BybitAdapter::kProductionRest, BybitAdapter::kProductionStream};
    if (n == "okx") return Endpoints{OkxAdapter::kProductionRest, OkxAdapter::kProductionStream};
    if (n == "kucoin") return Endpoints{KucoinAdapter::kProductionRest, KucoinAdapter::kProductionStream};
    return unknown(name);
}

Result<std::unique_ptr<ExchangeAdapter>> makeAdapter(std::string_view name, const Endpoints& overrides) {
    auto endpoints = defaultEndpoints(name);
    if (!endpoints) return endpoints.error();
    if (!overrides.restBase.empty()) endpoints->restBase = overrides.restBase;
    if (!overrides.streamBase.empty()) endpoints->streamBase = overrides.streamBase;
    const std::string n = lower(name);
    std::unique_ptr<ExchangeAdapter> adapter;
    if (n == "binance") adapter = std::make_unique<BinanceAdapter>(std::move(*endpoints));
    else if (n == "bybit") adapter = std::make_unique<BybitAdapter>(std::move(*endpoints));
    else if (n == "okx") adapter = std::make_unique<OkxAdapter>(std::move(*endpoints));
    else adapter = std::make_unique<KucoinAdapter>(std::move(*endpoints));
    return adapter;
}

}  // namespace cpc::exchange
