// Bybit v5's payloads, from the documented examples: GET /v5/market/kline, /v5/market/time, the
// kline push, and the WebSocket replies (tests/fixtures/bybit names each page).
#include <nlohmann/json.hpp>

#include "cpc/core/ascii.hpp"
#include "wire.hpp"

namespace cpc::sim::wire::bybit {

namespace {

using ojson = nlohmann::ordered_json;

// {"retCode","retMsg","result","retExtInfo":{},"time"}: every REST answer.
std::string envelope(int retCode, const std::string& retMsg, ojson result, std::int64_t serverTimeMs) {
    ojson j;
    j["retCode"] = retCode;
    j["retMsg"] = retMsg;
    j["result"] = std::move(result);
    j["retExtInfo"] = ojson::object();
    j["time"] = serverTimeMs;
    return j.dump();
}

}  // namespace

std::string klineList(const std::string& symbol, const std::vector<Candle>& ascending, std::int64_t serverTimeMs,
                      const std::string& category) {
    ojson rows = ojson::array();
    for (auto c = ascending.rbegin(); c != ascending.rend(); ++c) {
        // startTime, openPrice, highPrice, lowPrice, closePrice, volume (base), turnover (quote).
        rows.push_back(ojson::array({std::to_string(c->openTime), c->open.toShortString(), c->high.toShortString(),
                                     c->low.toShortString(), c->close.toShortString(), c->volume.toShortString(),
                                     c->quoteVolume.toShortString()}));
    }
    ojson result;
    result["symbol"] = toUpperAscii(symbol);
    result["category"] = category;
    result["list"] = std::move(rows);
    return envelope(0, "OK", std::move(result), serverTimeMs);
}

std::string klineEvent(const std::string& intervalCode, const std::string& symbol, Interval interval, const Candle& c,
                       std::int64_t eventTimeMs) {
    ojson k;
    k["start"] = c.openTime;
    k["end"] = closeTime(interval, c.openTime);
    k["interval"] = intervalCode;
    k["open"] = c.open.toShortString();
    k["close"] = c.close.toShortString();
    k["high"] = c.high.toShortString();
    k["low"] = c.low.toShortString();
    k["volume"] = c.volume.toShortString();
    k["turnover"] = c.quoteVolume.toShortString();
    k["confirm"] = c.closed;
    k["timestamp"] = eventTimeMs;
    ojson j;
    j["topic"] = "kline." + intervalCode + "." + toUpperAscii(symbol);
    j["data"] = ojson::array({std::move(k)});
    j["ts"] = eventTimeMs;
    j["type"] = "snapshot";
    return j.dump();
}

std::string error(int retCode, const std::string& retMsg, std::int64_t serverTimeMs) {
    return envelope(retCode, retMsg, ojson::object(), serverTimeMs);
}

std::string serverTime(std::int64_t serverTimeMs) {
    ojson result;
    result["timeSecond"] = std::to_string(serverTimeMs / 1000);
    result["timeNano"] = std::to_string(serverTimeMs) + "000000";
    return envelope(0, "OK", std::move(result), serverTimeMs);
}

std::string reply(const std::string& op, bool success, const std::string& retMsg, const std::string& reqId) {
    ojson j;
    j["success"] = success;
    j["ret_msg"] = retMsg;
    j["conn_id"] = "cpc-sim";
    if (!reqId.empty()) j["req_id"] = reqId;
    j["op"] = op;
    return j.dump();
}

}  // namespace cpc::sim::wire::bybit
