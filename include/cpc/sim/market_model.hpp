#pragma once
// A deterministic market: a seeded random walk of trades for a handful of symbols, from each
// symbol's listing day to now. The same (seed, symbol, time) always gives the same trades, so
// the same REST request always gets the same candles. Every interval is exactly Binance's
// aggregate of the 1m candles (which are built from the trades), including no-trade minutes and
// the listing-anchored 3d buckets.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cpc/core/candle.hpp"
#include "cpc/exchange/events.hpp"

namespace cpc::sim {

struct SimSymbol {
    std::string symbol;       // "BTCUSDT"
    std::string baseAsset;    // "BTC"
    std::string quoteAsset;   // "USDT"
    std::int64_t listingMs;   // 00:00 UTC of the first trading day
    double startPrice;        // price on the listing day
    double tradesPerMinute;   // mean; low values give no-trade minutes
    double volatility;        // per-day relative σ of the walk
    int priceDecimals;        // tick size 10^-priceDecimals
    int quantityDecimals;
};

class MarketModel {
public:
    explicit MarketModel(std::uint64_t seed, std::vector<SimSymbol> symbols = defaultSymbols());
    ~MarketModel();

    static std::vector<SimSymbol> defaultSymbols();
    const std::vector<SimSymbol>& symbols() const;
    const SimSymbol* find(const std::string& symbol) const;

    // Trades of [fromMs, toMs) in time order (deterministic).
    std::vector<exchange::TradeTick> trades(const std::string& symbol, std::int64_t fromMs,
                                            std::int64_t toMs) const;
    // Klines whose open time is in [startMs, endMs], at most `limit`, as of exchange time nowMs
    // (candles opening after nowMs do not exist; the one containing nowMs is forming, built from
    // the trades up to nowMs, closed=false). Binance paging semantics: with no start given the
    // newest `limit` candles up to nowMs.
    std::vector<Candle> klines(const std::string& symbol, Interval interval,
                               std::optional<std::int64_t> startMs, std::optional<std::int64_t> endMs,
                               int limit, std::int64_t nowMs) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace cpc::sim
