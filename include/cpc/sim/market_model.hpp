#pragma once
// A deterministic market: a seeded random walk of trades for a handful of symbols, from each
// symbol's listing day to now. The same (seed, symbol, time) always gives the same trades, so
// the same REST request always gets the same candles. Every interval is exactly Binance's
// aggregate of the 1m candles (which are built from the trades), including no-trade minutes and
// the listing-anchored 3d buckets. Thread-safe: the shared caches (daily anchors, closed 1d
// candles) are guarded internally, so the server thread and tests may query one model at once.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
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
    int quantityDecimals;     // step size 10^-quantityDecimals; priceDecimals + this <= 8 so
                              // that price·qty is exact in Decimal's 8 fractional digits
    double meanQuantity = 1.0;  // mean trade size in the base asset
    // No-trade stretches: no historical trade in a minute whose start lies in one of these
    // [fromMs, toMs) windows (an illiquid pair's quiet days, an exchange's maintenance). Binance's
    // candles there are flat at the previous close with zero volume; KuCoin's dialect omits them.
    // Live load (LiveTrades) is not silenced.
    std::vector<std::pair<std::int64_t, std::int64_t>> quietWindows = {};
};

// Live load (the realtime window, `cpc sim --trade-rate N`): from `fromMs` on, every symbol also
// trades `perSecond` times a second, evenly spread over each second, on top of its historical
// trades. Everything before fromMs (trades, ids, candles) is exactly as without live load; every
// candle after it aggregates exactly the trades the model (and so the trade streams) produce.
// Trade ids stay increasing: minutes after the one holding fromMs are numbered
// `startMinute·1000 + (minute − startMinute)·kLiveIdStride + rank`.
struct LiveTrades {
    int perSecond = 0;         // 0: off; at most MarketModel::kMaxLiveTradesPerSecond
    std::int64_t fromMs = 0;   // exchange time the load starts (the server's start)
};

class MarketModel {
public:
    static constexpr int kMaxLimit = 1000;  // rows per klines() call, as Binance
    static constexpr int kMaxLiveTradesPerSecond = 20000;
    static constexpr std::int64_t kLiveIdStride = 2'000'000;  // > 60·kMaxLiveTradesPerSecond + 999

    // Throws std::invalid_argument for an inconsistent symbol table or live load (a programming
    // error).
    explicit MarketModel(std::uint64_t seed, std::vector<SimSymbol> symbols = defaultSymbols(),
                         LiveTrades live = {});
    ~MarketModel();

    const LiveTrades& liveTrades() const;

    static std::vector<SimSymbol> defaultSymbols();
    const std::vector<SimSymbol>& symbols() const;
    const SimSymbol* find(const std::string& symbol) const;

    // Trades of [fromMs, toMs) in time order (deterministic).
    std::vector<exchange::TradeTick> trades(const std::string& symbol, std::int64_t fromMs,
                                            std::int64_t toMs) const;
    // The first trade in [fromMs, beforeMs) / the last trade in [notBeforeMs, beforeMs), found
    // without materialising the whole range (a live minute holds up to 1.2 million trades).
    std::optional<exchange::TradeTick> firstTradeFrom(const std::string& symbol, std::int64_t fromMs,
                                                      std::int64_t beforeMs) const;
    std::optional<exchange::TradeTick> lastTradeBefore(const std::string& symbol, std::int64_t beforeMs,
                                                       std::int64_t notBeforeMs) const;
    // Open time of the symbol's first candle of `interval` (the bucket holding the listing day).
    std::optional<std::int64_t> firstOpenTime(const std::string& symbol, Interval interval) const;
    // Klines whose open time is in [startMs, endMs], at most `limit`, as of exchange time nowMs
    // (candles opening after nowMs do not exist; the one containing nowMs is forming, built from
    // the trades up to nowMs, closed=false). Binance paging semantics: with no start given the
    // newest `limit` candles up to nowMs. `limit` is clamped to [0, kMaxLimit]; an unknown
    // symbol or a range before the listing gives no candles.
    std::vector<Candle> klines(const std::string& symbol, Interval interval,
                               std::optional<std::int64_t> startMs, std::optional<std::int64_t> endMs,
                               int limit, std::int64_t nowMs) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace cpc::sim
