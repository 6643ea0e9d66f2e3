#include "cpc/sim/symbol_universe.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "cpc/core/time.hpp"

namespace cpc::sim {

std::vector<SimSymbol> symbolUniverse(int count) {
    std::vector<SimSymbol> out = MarketModel::defaultSymbols();
    const int total = std::clamp(count, static_cast<int>(out.size()), kMaxSimSymbols);
    const std::int64_t listing = daysFromCivil(CivilDate{2020, 1, 1}) * kDayMs;
    for (int i = 1; static_cast<int>(out.size()) < total; ++i) {
        char base[16];
        std::snprintf(base, sizeof base, "X%04d", i);
        // Prices over 0.01 … 50,000 (log-spread by a fixed stride), decimals to match.
        const double exponent = -2.0 + std::fmod(i * 0.6180339887, 1.0) * 6.7;
        const double price = std::pow(10.0, exponent);
        const int priceDecimals = std::clamp(4 - static_cast<int>(std::floor(exponent)), 2, 6);
        const int quantityDecimals = std::min(8 - priceDecimals, 2);
        out.push_back(SimSymbol{std::string(base) + "USDT", base, "USDT", listing, price, 4.0 + i % 7,
                                0.03 + (i % 5) * 0.01, priceDecimals, quantityDecimals, 1000.0 / std::max(price, 0.01)});
    }
    return out;
}

std::vector<SimSymbol> withLiveLoadOn(std::vector<SimSymbol> symbols, int firstN) {
    if (firstN <= 0) return symbols;
    for (std::size_t i = static_cast<std::size_t>(firstN); i < symbols.size(); ++i) symbols[i].liveTradesPerSecond = 0;
    return symbols;
}

}  // namespace cpc::sim
