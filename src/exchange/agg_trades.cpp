// Which venue serves a trade history (cpc/exchange/agg_trades.hpp).
#include "cpc/exchange/agg_trades.hpp"

namespace cpc::exchange {

std::optional<RestRequest> aggTradesRequest(const ExchangeAdapter& adapter, const AggTradeQuery& query) {
    if (adapter.name() == "binance") return binance::aggTradesRequest(adapter.market(), query);
    return std::nullopt;
}

Result<std::vector<TradeTick>> parseAggTrades(const ExchangeAdapter& adapter, std::string_view body, int httpStatus,
                                              const std::string& symbol) {
    if (adapter.name() == "binance") return binance::parseAggTrades(body, httpStatus, symbol);
    return makeError(aggTradesUnavailable(adapter));
}

std::string aggTradesUnavailable(const ExchangeAdapter& adapter) {
    const std::string venue = adapter.name();
    if (venue == "binance") return {};
    if (venue == "bybit")
        return "Bybit serves only its latest trades over REST (recent-trade: 60 spot, 1,000 linear, no time range)";
    if (venue == "kucoin") return "KuCoin serves only its latest 100 trades over REST (market/histories, no paging)";
    if (venue == "okx") return "footprint history from OKX's history-trades (100 trades a page) is not built yet";
    return venue + " serves no trade history over REST";
}

}  // namespace cpc::exchange
