// Binance's aggregate-trade history codec (cpc/exchange/agg_trades.hpp).
#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/guarded_parse.hpp"
#include "common/venue_json.hpp"
#include "cpc/core/ascii.hpp"
#include "cpc/exchange/agg_trades.hpp"
#include "cpc/exchange/binance/binance_adapter.hpp"

namespace cpc::exchange::binance {

using nlohmann::json;

RestRequest aggTradesRequest(MarketType market, const AggTradeQuery& q) {
    const bool perp = market == MarketType::Perp;
    std::string target = std::string(perp ? "/fapi/v1/aggTrades" : "/api/v3/aggTrades") + "?symbol=" + toUpperAscii(q.symbol);
    if (q.fromId) target += "&fromId=" + std::to_string(*q.fromId);
    if (q.startTime) target += "&startTime=" + std::to_string(*q.startTime);
    if (q.endTime) target += "&endTime=" + std::to_string(*q.endTime);
    target += "&limit=" + std::to_string(std::clamp(q.limit, 1, kMaxAggTradesLimit));
    return RestRequest{std::move(target), perp ? 20 : 4};
}

Result<std::vector<TradeTick>> parseAggTrades(std::string_view body, int httpStatus, const std::string& symbol) {
    return venue::guardedParse("aggTrades", [&]() -> Result<std::vector<TradeTick>> {
        if (auto e = BinanceAdapter::parseErrorBody(body, httpStatus)) return *e;
        if (httpStatus < 200 || httpStatus >= 300) return makeError("aggTrades: HTTP " + std::to_string(httpStatus), httpStatus);
        const json j = json::parse(body, nullptr, false);
        if (j.is_discarded() || !j.is_array()) return makeError("aggTrades: expected a JSON array");
        std::vector<TradeTick> out;
        out.reserve(j.size());
        for (std::size_t i = 0; i < j.size(); ++i) {
            // {"a":26129,"p":"0.01633102","q":"4.70443515","f":27781,"l":27781,"T":1498793709153,"m":true,"M":true}
            const json& row = j[i];
            const std::string where = "aggTrades row " + std::to_string(i) + ": ";
            if (!row.is_object()) return makeError(where + "not an object");
            const auto field = [&](const char* key) { return row.contains(key) ? venue::intOf(row[key]) : std::nullopt; };
            const auto a = field("a"), f = field("f"), l = field("l"), t = field("T");
            const auto p = row.contains("p") ? venue::decimalOf(row["p"]) : std::nullopt;
            const auto q = row.contains("q") ? venue::decimalOf(row["q"]) : std::nullopt;
            if (!a || !f || !l || !t || !p || !q || !row.contains("m") || !row["m"].is_boolean())
                return makeError(where + "a field of a, p, q, f, l, T, m is missing or not of its type");
            if (*p <= Decimal{} || *q <= Decimal{} || *f > *l) return makeError(where + "not a trade (price, quantity or ids)");
            if (!out.empty() && *a <= out.back().tradeId) return makeError(where + "ids not ascending");
            TradeTick tick;
            tick.exchange = "binance";
            tick.symbol = symbol;
            tick.aggregate = true;
            tick.tradeId = *a;
            tick.firstTradeId = *f;
            tick.lastTradeId = *l;
            tick.timeMs = *t;
            tick.price = *p;
            tick.quantity = *q;
            tick.buyerIsMaker = row["m"].get<bool>();
            out.push_back(std::move(tick));
        }
        return out;
    });
}

}  // namespace cpc::exchange::binance
