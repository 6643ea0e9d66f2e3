// OKX's trade history codec (cpc/exchange/agg_trades.hpp): GET /api/v5/market/history-trades.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/guarded_parse.hpp"
#include "common/venue_json.hpp"
#include "cpc/core/ascii.hpp"
#include "cpc/exchange/agg_trades.hpp"
#include "cpc/exchange/okx/okx_adapter.hpp"

namespace cpc::exchange::okx {

using nlohmann::json;

RestRequest historyTradesRequest(const AggTradeQuery& q) {
    std::string target = "/api/v5/market/history-trades?instId=" + toUpperAscii(q.symbol);
    // type 1 pages by trade id, type 2 by time; "after" is older than (exclusive) in both.
    if (q.beforeId) target += "&type=1&after=" + std::to_string(*q.beforeId);
    else if (q.beforeTime) target += "&type=2&after=" + std::to_string(*q.beforeTime);
    target += "&limit=" + std::to_string(std::clamp(q.limit, 1, kMaxHistoryTradesLimit));
    return RestRequest{std::move(target), 1};
}

Result<std::vector<TradeTick>> parseHistoryTrades(std::string_view body, int httpStatus, const std::string& symbol) {
    return venue::guardedParse("history-trades", [&]() -> Result<std::vector<TradeTick>> {
        if (auto e = OkxAdapter::parseErrorBody(body, httpStatus)) return *e;
        const auto j = venue::parseObject(body);
        if (!j || !j->contains("data") || !(*j)["data"].is_array())
            return makeError("history-trades: expected {\"code\":\"0\",\"data\":[…]}");
        const json& data = (*j)["data"];
        std::vector<TradeTick> out;
        out.reserve(data.size());
        for (std::size_t i = 0; i < data.size(); ++i) {
            // {"instId":"BTC-USDT","side":"sell","sz":"0.00001","px":"29963.2","tradeId":"242720720","ts":"1654161646974"}
            const json& row = data[i];
            const std::string where = "history-trades row " + std::to_string(i) + ": ";
            if (!row.is_object()) return makeError(where + "not an object");
            const auto field = [&](const char* key) { return row.contains(key) ? venue::intOf(row[key]) : std::nullopt; };
            const auto id = field("tradeId"), ts = field("ts");
            const auto px = row.contains("px") ? venue::decimalOf(row["px"]) : std::nullopt;
            const auto sz = row.contains("sz") ? venue::decimalOf(row["sz"]) : std::nullopt;
            const std::string side = row.contains("side") && row["side"].is_string() ? row["side"].get<std::string>() : "";
            if (!id || !ts || !px || !sz || (side != "buy" && side != "sell"))
                return makeError(where + "a field of tradeId, px, sz, side (buy|sell), ts is missing or not of its type");
            if (*px <= Decimal{} || *sz <= Decimal{}) return makeError(where + "not a trade (price or size)");
            // Newest first on the wire: each id below the one before.
            if (!out.empty() && *id >= out.back().tradeId) return makeError(where + "trade ids not descending");
            TradeTick tick;
            tick.exchange = "okx";
            tick.symbol = symbol;
            tick.tradeId = tick.firstTradeId = tick.lastTradeId = *id;
            tick.timeMs = tick.eventTimeMs = *ts;
            tick.price = *px;
            tick.quantity = *sz;
            tick.buyerIsMaker = side == "sell";  // the taker sold
            out.push_back(std::move(tick));
        }
        std::reverse(out.begin(), out.end());
        return out;
    });
}

}  // namespace cpc::exchange::okx
