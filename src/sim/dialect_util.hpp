#pragma once
// Small helpers shared by the venue dialects (dialect_<venue>.cpp).
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cpc/exchange/events.hpp"
#include "cpc/sim/market_model.hpp"

namespace cpc::sim {

// A whole decimal integer (query parameters); nullopt for anything else.
inline std::optional<std::int64_t> parseInteger(const std::string& text) {
    std::int64_t v = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
    return v;
}

// 10^-decimals as venues print tick and lot sizes: 2 -> "0.01", 0 -> "1".
inline std::string stepText(int decimals) {
    if (decimals <= 0) return "1";
    return "0." + std::string(static_cast<std::size_t>(decimals - 1), '0') + "1";
}

// OKX's and KuCoin's spelling of a symbol: "BTC-USDT".
inline std::string dashedSymbol(const SimSymbol& s) { return s.baseAsset + "-" + s.quoteAsset; }

inline const SimSymbol* findDashed(const MarketModel& model, std::string_view dashed) {
    for (const SimSymbol& s : model.symbols())
        if (dashedSymbol(s) == dashed) return &s;
    return nullptr;
}

// The first `limit` levels as [[price, quantity], …] (short decimal strings).
inline nlohmann::json levelPairs(const std::vector<exchange::PriceLevel>& side, std::size_t limit) {
    nlohmann::json out = nlohmann::json::array();
    for (std::size_t i = 0; i < side.size() && i < limit; ++i)
        out.push_back({side[i].price.toShortString(), side[i].quantity.toShortString()});
    return out;
}

}  // namespace cpc::sim
