#include "cpc/exchange/registry.hpp"

#include "cpc/core/ascii.hpp"
#include "cpc/exchange/binance/binance_adapter.hpp"
#include "cpc/exchange/bybit/bybit_adapter.hpp"
#include "cpc/exchange/kucoin/kucoin_adapter.hpp"
#include "cpc/exchange/okx/okx_adapter.hpp"

namespace cpc::exchange {

namespace {

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

const std::vector<std::string>& perpAdapterNames() {
    static const std::vector<std::string> names{"binance", "bybit", "okx"};
    return names;
}

Result<Endpoints> defaultEndpoints(std::string_view name, MarketType market) {
    if (market == MarketType::Perp) {
        if (equalsIgnoreCaseAscii(name, "binance"))
            return Endpoints{BinanceAdapter::kPerpProductionRest, BinanceAdapter::kPerpProductionStream};
        if (equalsIgnoreCaseAscii(name, "bybit")) return Endpoints{BybitAdapter::kProductionRest, BybitAdapter::kPerpProductionStream};
        if (equalsIgnoreCaseAscii(name, "okx")) return Endpoints{OkxAdapter::kProductionRest, OkxAdapter::kProductionStream};
        if (!defaultEndpoints(name, MarketType::Spot)) return unknown(name);
        std::string accepted;
        for (const auto& n : perpAdapterNames()) accepted += (accepted.empty() ? "" : ", ") + n;
        return makeError(std::string(name) + " has no perpetual futures here; perpetuals are on " + accepted);
    }
    // Names are matched without regard to case ("Binance", "KUCOIN").
    if (equalsIgnoreCaseAscii(name, "binance")) return Endpoints{BinanceAdapter::kProductionRest, BinanceAdapter::kProductionStream};
    if (equalsIgnoreCaseAscii(name, "bybit")) return Endpoints{BybitAdapter::kProductionRest, BybitAdapter::kProductionStream};
    if (equalsIgnoreCaseAscii(name, "okx")) return Endpoints{OkxAdapter::kProductionRest, OkxAdapter::kProductionStream};
    if (equalsIgnoreCaseAscii(name, "kucoin")) return Endpoints{KucoinAdapter::kProductionRest, KucoinAdapter::kProductionStream};
    return unknown(name);
}

Result<std::unique_ptr<ExchangeAdapter>> makeAdapter(std::string_view name, const Endpoints& overrides,
                                                     MarketType market) {
    auto endpoints = defaultEndpoints(name, market);
    if (!endpoints) return endpoints.error();
    if (!overrides.restBase.empty()) endpoints->restBase = overrides.restBase;
    if (!overrides.streamBase.empty()) endpoints->streamBase = overrides.streamBase;
    std::unique_ptr<ExchangeAdapter> adapter;
    if (equalsIgnoreCaseAscii(name, "binance")) adapter = std::make_unique<BinanceAdapter>(std::move(*endpoints), market);
    else if (equalsIgnoreCaseAscii(name, "bybit")) adapter = std::make_unique<BybitAdapter>(std::move(*endpoints), market);
    else if (equalsIgnoreCaseAscii(name, "okx")) adapter = std::make_unique<OkxAdapter>(std::move(*endpoints), market);
    else adapter = std::make_unique<KucoinAdapter>(std::move(*endpoints));
    return adapter;
}

}  // namespace cpc::exchange
