#pragma once
// Historical aggregate trades over REST (the footprint's older bars): a codec like the adapters'
// (requests to bytes, bytes to trades, no socket), for the venues that serve a usable trade
// history. Kept beside the adapters rather than in ExchangeAdapter: Binance and OKX serve one that a
// footprint can be built from; the others say why not (aggTradesUnavailable).
//
// Binance (spot GET /api/v3/aggTrades, weight 4; USD-M GET /fapi/v1/aggTrades, weight 20): the
// trades of [startTime, endTime] (less than an hour apart) or from the aggregate id fromId on,
// 1,000 a page, ascending. OKX (GET /api/v5/market/history-trades, 20 requests per 2 s per IP, the
// last 3 months): pages backwards, 100 trades a page, newest first — type=2&after=ts enters at a
// time (trades before it), type=1&after=tradeId goes on (trades before that id); each row is one
// trade. Bybit: /v5/market/recent-trade has no time or cursor (the latest 60 spot trades). KuCoin:
// /api/v1/market/histories, the latest 100 trades, no paging.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cpc/core/result.hpp"
#include "cpc/exchange/events.hpp"
#include "cpc/exchange/exchange_adapter.hpp"

namespace cpc::exchange {

struct AggTradeQuery {
    std::string symbol;
    std::optional<std::int64_t> fromId = std::nullopt;     // aggregate ids at or above
    std::optional<std::int64_t> startTime = std::nullopt;  // inclusive
    std::optional<std::int64_t> endTime = std::nullopt;    // inclusive, < maxAggTradesWindowMs() after start
    int limit = 1000;
    // Paging backwards (OKX): the trades before this time, or before this trade id (both exclusive).
    std::optional<std::int64_t> beforeTime = std::nullopt;
    std::optional<std::int64_t> beforeId = std::nullopt;
};

// How a venue's trade history is walked: Binance forwards (time windows, then by id), OKX backwards
// from a time (then by id).
enum class AggTradePaging : std::uint8_t { Forward, Backward };
AggTradePaging aggTradesPaging(const ExchangeAdapter& adapter);
// The most rows a page holds on that venue (Binance 1,000, OKX 100).
int aggTradesPageLimit(const ExchangeAdapter& adapter);

inline constexpr std::int64_t kMaxAggTradesWindowMs = 3'600'000 - 1;  // Binance: "less than 1 hour"
inline constexpr int kMaxAggTradesLimit = 1000;

// nullopt: the venue of `adapter` serves no usable trade history (aggTradesUnavailable says why).
std::optional<RestRequest> aggTradesRequest(const ExchangeAdapter& adapter, const AggTradeQuery& query);
// Ascending by aggregate id: TradeTick::aggregate, tradeId = the aggregate id, first/last the
// trades it covers; a venue error body, a malformed row or ids out of order is an Error.
Result<std::vector<TradeTick>> parseAggTrades(const ExchangeAdapter& adapter, std::string_view body, int httpStatus,
                                              const std::string& symbol);
std::string aggTradesUnavailable(const ExchangeAdapter& adapter);

namespace okx {
inline constexpr int kMaxHistoryTradesLimit = 100;
// GET /api/v5/market/history-trades?instId=…[&type=2&after=beforeTime | &type=1&after=beforeId]&limit=…
RestRequest historyTradesRequest(const AggTradeQuery& query);
// {"code":"0","data":[{"instId","tradeId","px","sz","side","ts"}…]} newest first → ascending by
// trade id (side "sell": the seller was the taker, buyerIsMaker). A venue error, a malformed row or
// ids not descending on the wire is an Error.
Result<std::vector<TradeTick>> parseHistoryTrades(std::string_view body, int httpStatus, const std::string& symbol);
}  // namespace okx

namespace binance {
RestRequest aggTradesRequest(MarketType market, const AggTradeQuery& query);
Result<std::vector<TradeTick>> parseAggTrades(std::string_view body, int httpStatus, const std::string& symbol);
}  // namespace binance

}  // namespace cpc::exchange
