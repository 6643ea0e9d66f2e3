// Which venue serves a trade history (cpc/exchange/agg_trades.hpp).
#include "cpc/exchange/agg_trades.hpp"

namespace cpc::exchange {

std::optional<RestRequest> aggTradesRequest(const ExchangeAdapter& adapter, const AggTradeQuery& query) {
    if (adapter.name() == "binance") return binance::aggTradesRequest(adapter.market(), query);
    if (adapter.name() == "okx") return okx::historyTradesRequest(query);
    return std::nullopt;
}

Result<std::vector<TradeTick>> parseAggTrades(const ExchangeAdapter& adapter, std::string_view body, int httpStatus,
                                              const std::string& symbol) {
    if (adapter.name() == "binance") return binance::parseAggTrades(body, httpStatus, symbol);
    if (adapter.name() == "okx") return okx::parseHistoryTrades(body, httpStatus, symbol);
    return makeError(aggTradesUnavailable(adapter));
}

AggTradePaging aggTradesPaging(const ExchangeAdapter& adapter) {
    return adapter.name() == "okx" ? AggTradePaging::Backward : AggTradePaging::Forward;
}

int aggTradesPageLimit(const ExchangeAdapter& adapter) {
    return adapter.name() == "okx" ? okx::kMaxHistoryTradesLimit : kMaxAggTradesLimit;
}

std::string aggTradesUnavailable(const ExchangeAdapter& adapter) {
    const std::string venue = adapter.name();
    if (venue == "binance" || venue == "okx") return {};
    if (venue == "bybit")
        return "Bybit serves only its latest trades over REST (recent-trade: 60 spot, 1,000 linear, no time range)";
    if (venue == "kucoin") return "KuCoin serves only its latest 100 trades over REST (market/histories, no paging)";
    return venue + " serves no trade history over REST";
}

}  // namespace cpc::exchange
