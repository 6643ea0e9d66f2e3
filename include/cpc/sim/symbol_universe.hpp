#pragma once
// A market of many symbols for load tests and benchmarks (`cpc sim --symbol-count N`): the
// default symbols first, then generated USDT pairs X0001USDT, X0002USDT… with prices spread over
// 0.01 to 50,000, each listed on 2020-01-01 and trading a few times a minute. Deterministic.
#include <vector>

#include "cpc/sim/market_model.hpp"

namespace cpc::sim {

inline constexpr int kMaxSimSymbols = 5000;

// `count` symbols (at least the defaults; at most kMaxSimSymbols).
std::vector<SimSymbol> symbolUniverse(int count);
// `symbols` with live load (SimConfig::liveTradesPerSecond) on the first `firstN` only (0: all):
// the others keep only their history's trades.
std::vector<SimSymbol> withLiveLoadOn(std::vector<SimSymbol> symbols, int firstN);

}  // namespace cpc::sim
