// KuCoin spot's payloads, from the documented examples: GET /api/v1/market/candles,
// /api/v1/timestamp, POST /api/v1/bullet-public, the candle push and the welcome/pong/ack
// messages (tests/fixtures/kucoin names each page).
#include <nlohmann/json.hpp>

#include "cpc/core/ascii.hpp"
#include "wire.hpp"

namespace cpc::sim::wire::kucoin {

namespace {

using ojson = nlohmann::ordered_json;

constexpr const char* kSuccess = "200000";

// [time (s), open, close, high, low, volume (base), turnover (quote)]: close before high and low.
ojson candleRow(const Candle& c) {
    return ojson::array({std::to_string(c.openTime / 1000), c.open.toShortString(), c.close.toShortString(),
                         c.high.toShortString(), c.low.toShortString(), c.volume.toShortString(),
                         c.quoteVolume.toShortString()});
}

}  // namespace

std::string candles(const std::vector<Candle>& ascending) {
    ojson rows = ojson::array();
    for (auto c = ascending.rbegin(); c != ascending.rend(); ++c) rows.push_back(candleRow(*c));
    ojson j;
    j["code"] = kSuccess;
    j["data"] = std::move(rows);
    return j.dump();
}

std::string candleEvent(const std::string& symbol, const std::string& typeCode, const Candle& c,
                        std::int64_t eventTimeMs) {
    const std::string s = toUpperAscii(symbol);
    ojson data;
    data["symbol"] = s;
    data["candles"] = candleRow(c);
    data["time"] = eventTimeMs * 1'000'000;  // nanoseconds
    ojson j;
    j["type"] = "message";
    j["topic"] = "/market/candles:" + s + "_" + typeCode;
    j["subject"] = "trade.candles.update";
    j["data"] = std::move(data);
    return j.dump();
}

std::string bullet(const std::string& token, const std::string& endpoint, std::int64_t pingIntervalMs,
                   std::int64_t pingTimeoutMs) {
    ojson server;
    server["pingInterval"] = pingIntervalMs;
    server["endpoint"] = endpoint;
    server["protocol"] = "websocket";
    server["encrypt"] = true;
    server["pingTimeout"] = pingTimeoutMs;
    ojson data;
    data["instanceServers"] = ojson::array({std::move(server)});
    data["token"] = token;
    ojson j;
    j["code"] = kSuccess;
    j["data"] = std::move(data);
    return j.dump();
}

std::string error(int code, const std::string& msg) {
    ojson j;
    j["code"] = std::to_string(code);
    j["msg"] = msg;
    return j.dump();
}

std::string timestamp(std::int64_t serverTimeMs) {
    ojson j;
    j["code"] = kSuccess;
    j["msg"] = "success";
    j["data"] = serverTimeMs;
    return j.dump();
}

std::string typed(const std::string& type, const std::string& id) {
    ojson j;
    j["id"] = id;
    j["type"] = type;
    return j.dump();
}

}  // namespace cpc::sim::wire::kucoin
