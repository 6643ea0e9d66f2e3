// OKX v5's payloads, from the documented examples: GET /api/v5/market/history-candles,
// /api/v5/public/time and the candle push (tests/fixtures/okx names each page).
#include <nlohmann/json.hpp>

#include "cpc/core/ascii.hpp"
#include "wire.hpp"

namespace cpc::sim::wire::okx {

namespace {

using ojson = nlohmann::ordered_json;

// [ts, o, h, l, c, vol (base), volCcy (quote), volCcyQuote (quote, spot), confirm ("0" forming, "1" closed)].
ojson candleRow(const Candle& c) {
    return ojson::array({std::to_string(c.openTime), c.open.toShortString(), c.high.toShortString(),
                         c.low.toShortString(), c.close.toShortString(), c.volume.toShortString(),
                         c.quoteVolume.toShortString(), c.quoteVolume.toShortString(), c.closed ? "1" : "0"});
}

std::string answer(const std::string& code, const std::string& msg, ojson data) {
    ojson j;
    j["code"] = code;
    j["msg"] = msg;
    j["data"] = std::move(data);
    return j.dump();
}

}  // namespace

std::string candles(const std::vector<Candle>& ascending) {
    ojson rows = ojson::array();
    for (auto c = ascending.rbegin(); c != ascending.rend(); ++c) rows.push_back(candleRow(*c));
    return answer("0", "", std::move(rows));
}

std::string candleEvent(const std::string& channel, const std::string& instId, const Candle& c) {
    ojson j;
    j["arg"] = ojson{{"channel", channel}, {"instId", toUpperAscii(instId)}};
    j["data"] = ojson::array({candleRow(c)});
    return j.dump();
}

std::string error(int code, const std::string& msg) { return answer(std::to_string(code), msg, ojson::array()); }

std::string time(std::int64_t serverTimeMs) {
    return answer("0", "", ojson::array({ojson{{"ts", std::to_string(serverTimeMs)}}}));
}

}  // namespace cpc::sim::wire::okx
