#include "cpc/exchange/binance/binance_adapter.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "cpc/core/time.hpp"

namespace cpc::exchange {

using nlohmann::json;

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}
std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

// Binance sends prices and quantities as decimal strings; accept numbers too (other tools).
std::optional<Decimal> decimalField(const json& v) {
    if (v.is_string()) return Decimal::parse(v.get_ref<const std::string&>());
    if (v.is_number_integer()) return Decimal::fromInt(v.get<std::int64_t>());
    if (v.is_number_float()) return Decimal::fromDouble(v.get<double>());
    return std::nullopt;
}
std::optional<std::int64_t> intField(const json& v) {
    if (v.is_number_integer()) return v.get<std::int64_t>();
    if (v.is_number_unsigned()) return static_cast<std::int64_t>(v.get<std::uint64_t>());
    return std::nullopt;
}

int decimalsOf(const std::string& step) {
    // "0.01000000" -> 2, "1.00000000" -> 0
    const auto dot = step.find('.');
    if (dot == std::string::npos) return 0;
    std::size_t last = step.find_last_not_of('0');
    if (last == std::string::npos || last <= dot) return 0;
    return static_cast<int>(last - dot);
}

Result<Candle> candleFromRestRow(const json& row, std::size_t index) {
    const auto where = [&](const char* what) {
        return makeError("kline row " + std::to_string(index) + ": " + what);
    };
    if (!row.is_array() || row.size() < 11) return where("expected an array of 12 fields");
    Candle c;
    const auto t = intField(row[0]);
    if (!t) return where("open time is not an integer");
    c.openTime = *t;
    const std::pair<Decimal*, int> decimals[] = {{&c.open, 1},         {&c.high, 2},
                                                 {&c.low, 3},          {&c.close, 4},
                                                 {&c.volume, 5},       {&c.quoteVolume, 7},
                                                 {&c.takerBuyBase, 9}, {&c.takerBuyQuote, 10}};
    for (auto [field, idx] : decimals) {
        const auto d = decimalField(row[static_cast<std::size_t>(idx)]);
        if (!d) return where("field is not a decimal");
        *field = *d;
    }
    const auto n = intField(row[8]);
    if (!n) return where("trade count is not an integer");
    c.trades = *n;
    return c;
}

}  // namespace

std::string BinanceAdapter::klineStreamName(const std::string& symbol, Interval interval) {
    return lower(symbol) + "@kline_" + std::string(toString(interval));
}

std::string BinanceAdapter::klineStreamUrl(const std::vector<StreamSpec>& streams) const {
    std::string url = m_endpoints.streamBase + "/stream?streams=";
    for (std::size_t i = 0; i < streams.size(); ++i) {
        if (i) url += '/';
        url += klineStreamName(streams[i].symbol, streams[i].interval);
    }
    return url;
}

RestRequest BinanceAdapter::historyRequest(const HistoryQuery& q) const {
    std::string target = "/api/v3/klines?symbol=" + upper(q.symbol) +
                         "&interval=" + std::string(toString(q.interval));
    if (q.startTime) target += "&startTime=" + std::to_string(*q.startTime);
    if (q.endTime) target += "&endTime=" + std::to_string(*q.endTime);
    target += "&limit=" + std::to_string(std::clamp(q.limit, 1, maxHistoryLimit()));
    return RestRequest{std::move(target), 2};
}

RestRequest BinanceAdapter::exchangeInfoRequest() const {
    return RestRequest{"/api/v3/exchangeInfo?showPermissionSets=false", 20};
}

RestRequest BinanceAdapter::serverTimeRequest() const { return RestRequest{"/api/v3/time", 1}; }

std::optional<Error> BinanceAdapter::parseErrorBody(std::string_view body, int httpStatus) {
    json j = json::parse(body, nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.contains("code") && j.contains("msg") &&
        j["code"].is_number_integer() && j["msg"].is_string()) {
        return Error{"Binance error " + std::to_string(j["code"].get<int>()) + ": " +
                         j["msg"].get<std::string>(),
                     j["code"].get<int>()};
    }
    if (httpStatus >= 400) {
        std::string snippet(body.substr(0, 200));
        return Error{"HTTP " + std::to_string(httpStatus) + (snippet.empty() ? "" : ": " + snippet),
                     httpStatus};
    }
    return std::nullopt;
}

Result<std::vector<Candle>> BinanceAdapter::parseHistory(std::string_view body, int httpStatus,
                                                         std::int64_t serverNowMs) const {
    if (httpStatus != 200) {
        if (auto e = parseErrorBody(body, httpStatus)) return *e;
        return makeError("HTTP " + std::to_string(httpStatus), httpStatus);
    }
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded()) return makeError("klines: response is not valid JSON");
    if (!j.is_array()) {
        if (auto e = parseErrorBody(body, httpStatus)) return *e;
        return makeError("klines: expected a JSON array of rows");
    }
    std::vector<Candle> out;
    out.reserve(j.size());
    for (std::size_t i = 0; i < j.size(); ++i) {
        auto c = candleFromRestRow(j[i], i);
        if (!c) return c.error();
        // The close time (field 6) tells whether the candle is over: a row whose close time is
        // still ahead of the exchange clock is the forming candle (provisional).
        const auto closeT = intField(j[i][6]);
        if (!closeT) return makeError("kline row " + std::to_string(i) + ": close time is not an integer");
        c->closed = *closeT < serverNowMs;
        out.push_back(*c);
    }
    return out;
}

Result<std::vector<SymbolInfo>> BinanceAdapter::parseExchangeInfo(std::string_view body,
                                                                  int httpStatus) const {
    if (httpStatus != 200) {
        if (auto e = parseErrorBody(body, httpStatus)) return *e;
    }
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("symbols") || !j["symbols"].is_array())
        return makeError("exchangeInfo: expected an object with a \"symbols\" array");
    std::vector<SymbolInfo> out;
    out.reserve(j["symbols"].size());
    for (const json& s : j["symbols"]) {
        if (!s.is_object() || !s.contains("symbol") || !s["symbol"].is_string()) continue;
        SymbolInfo info;
        info.symbol = s["symbol"].get<std::string>();
        info.baseAsset = s.value("baseAsset", "");
        info.quoteAsset = s.value("quoteAsset", "");
        info.status = s.value("status", "");
        if (s.contains("filters") && s["filters"].is_array()) {
            for (const json& f : s["filters"]) {
                const std::string type = f.value("filterType", "");
                if (type == "PRICE_FILTER" && f.contains("tickSize") && f["tickSize"].is_string())
                    info.priceDecimals = decimalsOf(f["tickSize"].get<std::string>());
                if (type == "LOT_SIZE" && f.contains("stepSize") && f["stepSize"].is_string())
                    info.quantityDecimals = decimalsOf(f["stepSize"].get<std::string>());
            }
        }
        out.push_back(std::move(info));
    }
    return out;
}

Result<std::int64_t> BinanceAdapter::parseServerTime(std::string_view body, int httpStatus) const {
    if (httpStatus != 200) {
        if (auto e = parseErrorBody(body, httpStatus)) return *e;
    }
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("serverTime"))
        return makeError("time: expected {\"serverTime\": <ms>}");
    const auto t = intField(j["serverTime"]);
    if (!t) return makeError("time: serverTime is not an integer");
    return *t;
}

namespace {

Result<KlineUpdate> parseKlineEvent(const json& d, const std::string& exchangeName) {
    if (!d.contains("k") || !d["k"].is_object()) return makeError("kline event without \"k\"");
    const json& k = d["k"];
    KlineUpdate u;
    u.key.exchange = exchangeName;
    u.key.symbol = k.value("s", d.value("s", ""));
    const auto interval = parseInterval(k.value("i", ""));
    if (!interval) return makeError("kline event with unknown interval \"" + k.value("i", "") + "\"");
    u.key.interval = *interval;
    const auto t = k.contains("t") ? intField(k["t"]) : std::nullopt;
    if (!t) return makeError("kline event without an integer open time \"t\"");
    u.candle.openTime = *t;
    const std::pair<Decimal*, const char*> decimals[] = {
        {&u.candle.open, "o"},   {&u.candle.high, "h"},        {&u.candle.low, "l"},
        {&u.candle.close, "c"},  {&u.candle.volume, "v"},      {&u.candle.quoteVolume, "q"},
        {&u.candle.takerBuyBase, "V"}, {&u.candle.takerBuyQuote, "Q"}};
    for (auto [field, name] : decimals) {
        const auto v = k.contains(name) ? decimalField(k[name]) : std::nullopt;
        if (!v) return makeError(std::string("kline event: field \"") + name + "\" missing or not a decimal");
        *field = *v;
    }
    const auto n = k.contains("n") ? intField(k["n"]) : std::nullopt;
    if (!n) return makeError("kline event: trade count \"n\" missing");
    u.candle.trades = *n;
    if (!k.contains("x") || !k["x"].is_boolean()) return makeError("kline event: \"x\" missing");
    u.candle.closed = k["x"].get<bool>();
    const auto e = d.contains("E") ? intField(d["E"]) : std::nullopt;
    u.eventTimeMs = e.value_or(0);
    return u;
}

Result<TradeTick> parseTradeEvent(const json& d, const std::string& exchangeName, bool aggregate) {
    TradeTick t;
    t.exchange = exchangeName;
    t.symbol = d.value("s", "");
    t.aggregate = aggregate;
    const auto id = d.contains(aggregate ? "a" : "t") ? intField(d[aggregate ? "a" : "t"]) : std::nullopt;
    const auto p = d.contains("p") ? decimalField(d["p"]) : std::nullopt;
    const auto q = d.contains("q") ? decimalField(d["q"]) : std::nullopt;
    const auto time = d.contains("T") ? intField(d["T"]) : std::nullopt;
    if (!id || !p || !q || !time) return makeError("trade event: missing id, price, quantity or time");
    t.tradeId = *id;
    t.price = *p;
    t.quantity = *q;
    t.timeMs = *time;
    t.buyerIsMaker = d.value("m", false);
    return t;
}

}  // namespace

Result<std::vector<StreamEvent>> BinanceAdapter::parseStreamMessage(std::string_view frame) const {
    json j = json::parse(frame, nullptr, false);
    if (j.is_discarded()) return makeError("stream: frame is not valid JSON");
    if (!j.is_object()) return makeError("stream: frame is not a JSON object");
    std::vector<StreamEvent> out;
    // Replies to control messages: {"result":null,"id":1} or {"error":{…},"id":2}.
    if (j.contains("id") && (j.contains("result") || j.contains("error"))) {
        ControlReply r;
        r.id = j["id"].is_string() ? j["id"].get<std::string>() : j["id"].dump();
        if (j.contains("error") && j["error"].is_object()) {
            r.errorCode = j["error"].value("code", -1);
            r.message = j["error"].value("msg", "");
        }
        out.emplace_back(std::move(r));
        return out;
    }
    // Combined-stream wrapper.
    const json* data = &j;
    if (j.contains("stream") && j.contains("data")) data = &j["data"];
    if (!data->is_object()) return makeError("stream: \"data\" is not an object");
    const std::string type = data->value("e", "");
    if (type == "kline") {
        auto u = parseKlineEvent(*data, name());
        if (!u) return u.error();
        out.emplace_back(std::move(*u));
    } else if (type == "trade" || type == "aggTrade") {
        auto t = parseTradeEvent(*data, name(), type == "aggTrade");
        if (!t) return t.error();
        out.emplace_back(std::move(*t));
    } else if (type == "serverShutdown") {
        out.emplace_back(ServerShutdown{data->contains("E") ? intField((*data)["E"]).value_or(0) : 0});
    }
    // Other event types (depth, bookTicker, tickers) are valid frames this version does not use.
    return out;
}

std::chrono::milliseconds BinanceAdapter::streamIdleTimeout(Interval interval) const {
    // Kline streams push every 1 s (1s) or 2 s (others); allow for irregular cadence.
    return interval == Interval::S1 ? std::chrono::seconds(10) : std::chrono::seconds(30);
}

std::string BinanceAdapter::klineRowJson(const Candle& c, Interval interval) {
    std::string s = "[" + std::to_string(c.openTime) + ",\"" + c.open.toString() + "\",\"" +
                    c.high.toString() + "\",\"" + c.low.toString() + "\",\"" + c.close.toString() +
                    "\",\"" + c.volume.toString() + "\"," +
                    std::to_string(closeTime(interval, c.openTime)) + ",\"" +
                    c.quoteVolume.toString() + "\"," + std::to_string(std::max<std::int64_t>(c.trades, 0)) +
                    ",\"" + c.takerBuyBase.toString() + "\",\"" + c.takerBuyQuote.toString() +
                    "\",\"0\"]";
    return s;
}

std::string BinanceAdapter::klineEventJson(const std::string& symbol, Interval interval,
                                           const Candle& c, std::int64_t eventTimeMs) {
    const std::string sym = upper(symbol);
    return "{\"e\":\"kline\",\"E\":" + std::to_string(eventTimeMs) + ",\"s\":\"" + sym +
           "\",\"k\":{\"t\":" + std::to_string(c.openTime) +
           ",\"T\":" + std::to_string(closeTime(interval, c.openTime)) + ",\"s\":\"" + sym +
           "\",\"i\":\"" + std::string(toString(interval)) + "\",\"f\":-1,\"L\":-1,\"o\":\"" +
           c.open.toString() + "\",\"c\":\"" + c.close.toString() + "\",\"h\":\"" +
           c.high.toString() + "\",\"l\":\"" + c.low.toString() + "\",\"v\":\"" +
           c.volume.toString() + "\",\"n\":" + std::to_string(std::max<std::int64_t>(c.trades, 0)) +
           ",\"x\":" + (c.closed ? "true" : "false") + ",\"q\":\"" + c.quoteVolume.toString() +
           "\",\"V\":\"" + c.takerBuyBase.toString() + "\",\"Q\":\"" + c.takerBuyQuote.toString() +
           "\",\"B\":\"0\"}}";
}

}  // namespace cpc::exchange
