#pragma once
// The simulator's perpetual futures (SimConfig::market = MarketType::Perp): a perpetual of each
// symbol of the spot MarketModel that tracks it with a basis, deterministic at every millisecond
// like the spot model, so REST history and live streams always agree.
//
//   index price   the spot model's last trade price (the spot market is the index)
//   basis         basisBps(t): a slow wave (±12 bp over 6 h) plus a per-minute wobble (±3 bp)
//   mark price    index · (1 + basis), on the symbol's tick
//   klines        the spot candles with their prices shifted by the basis at their open time
//                 (volumes and trade counts as on spot)
//   mark / index  candles of the mark and index price (priceKlines): close = the price at the
//   klines        bar's last millisecond, as the streams send it
//   funding       every 8 h at 00:00, 08:00, 16:00 UTC; the rate of a period is the basis at the
//                 period's start / 8, clamped to ±0.75 % (the rate a period pays is known when it
//                 starts: the predicted rate equals the settled one)
//   open interest openInterest(t): base · (1 + 0.2·sin(2πt / 1 d) + 0.05·sin(2πt / 1 h)), a
//                 continuous function of time, so a history row and a live poll never disagree
//   liquidations  about one minute in four holds one, at a hashed millisecond, side and size, at
//                 the mark price of that moment
// Private to cpc_sim.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cpc/exchange/events.hpp"
#include "cpc/sim/market_model.hpp"

namespace cpc::sim {

class PerpModel {
public:
    static constexpr std::int64_t kFundingPeriodMs = 8LL * 3600 * 1000;

    PerpModel(const MarketModel& spot, std::uint64_t seed) : m_spot(spot), m_seed(seed) {}

    const MarketModel& spot() const { return m_spot; }
    double basisBps(const std::string& symbol, std::int64_t t) const;
    // nullopt before the listing (no spot trade yet).
    std::optional<Decimal> indexPrice(const std::string& symbol, std::int64_t t) const;
    std::optional<Decimal> markPrice(const std::string& symbol, std::int64_t t) const;
    // The funding period holding t ends (pays) at nextFundingTime(t).
    static std::int64_t nextFundingTime(std::int64_t t);
    // The rate of the period that ends at `fundingTime` (a multiple of 8 h).
    Decimal fundingRate(const std::string& symbol, std::int64_t fundingTime) const;
    // Open interest in the base asset (and its quote value at the mark price).
    Decimal openInterest(const std::string& symbol, std::int64_t t) const;
    // Perpetual klines: the spot model's, shifted by the basis.
    std::vector<Candle> klines(const std::string& symbol, Interval interval, std::optional<std::int64_t> startMs,
                               std::optional<std::int64_t> endMs, int limit, std::int64_t nowMs) const;
    Candle shifted(const std::string& symbol, Candle c) const;
    // Mark-price (mark) or index-price candles: the bars klines() has (same paging), each from the
    // model's price at its open and at its close (its last millisecond; now for the forming bar),
    // so a bar's close is what the mark-price stream sends at that moment. High and low also take
    // the spot bar's extremes (shifted by the basis at the bar's open for the mark). Prices only:
    // volume and trades zero.
    std::vector<Candle> priceKlines(const std::string& symbol, bool mark, Interval interval,
                                    std::optional<std::int64_t> startMs, std::optional<std::int64_t> endMs, int limit,
                                    std::int64_t nowMs) const;
    // Liquidations with times in [fromMs, toMs), in time order.
    std::vector<exchange::Liquidation> liquidations(const std::string& symbol, std::int64_t fromMs,
                                                    std::int64_t toMs) const;

private:
    Decimal scaled(const SimSymbol& s, Decimal price, double bps) const;

    const MarketModel& m_spot;
    std::uint64_t m_seed;
};

}  // namespace cpc::sim
