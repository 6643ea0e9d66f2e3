#pragma once
// The simulator's order book: a pure function of (seed, symbol, 100 ms tick), centred on the
// market model's last trade price, so the REST snapshot, the diff stream, the partial depth
// stream and bookTicker always agree and a test can compute the exact book a client must hold.
//
// Update ids: tick k covers ids [4k, 4k+3]; the snapshot of tick k has lastUpdateId 4k+3 and the
// diff event of tick k has U = 4k, u = 4k+3, so consecutive diffs satisfy U == previous u + 1.
#include <cstdint>
#include <string>
#include <vector>

#include "cpc/exchange/events.hpp"
#include "cpc/sim/market_model.hpp"

namespace cpc::sim {

class OrderBookModel {
public:
    static constexpr std::int64_t kTickMs = 100;
    static constexpr int kLevelsPerSide = 25;
    static constexpr std::int64_t kIdsPerTick = 4;

    OrderBookModel(const MarketModel& model, std::uint64_t seed) : m_model(model), m_seed(seed) {}

    static std::int64_t tickOf(std::int64_t exchangeMs) { return exchangeMs / kTickMs; }
    static std::int64_t firstUpdateId(std::int64_t tick) { return tick * kIdsPerTick; }
    static std::int64_t lastUpdateId(std::int64_t tick) { return tick * kIdsPerTick + kIdsPerTick - 1; }
    static std::int64_t tickOfUpdateId(std::int64_t id) { return id / kIdsPerTick; }

    // The whole book after tick `tick` (bids best first, asks best first); empty for an unknown
    // symbol or before the listing.
    exchange::DepthSnapshot book(const std::string& symbol, std::int64_t tick) const;
    // The diff event of `tick`: every level whose quantity changed since tick - 1 (0 = removed).
    exchange::DepthUpdate diff(const std::string& symbol, std::int64_t tick) const;
    static exchange::DepthUpdate diff(const exchange::DepthSnapshot& before, const exchange::DepthSnapshot& after,
                                      std::int64_t tick);
    // Best bid/ask of the book at `tick`.
    static exchange::BookTicker top(const exchange::DepthSnapshot& book, std::int64_t tick);

private:
    const MarketModel& m_model;
    std::uint64_t m_seed;
};

}  // namespace cpc::sim
