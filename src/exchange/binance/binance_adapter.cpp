#include "cpc/exchange/binance/binance_adapter.hpp"

#include "cpc/exchange/binance/binance_fast_frame.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/guarded_parse.hpp"
#include "common/venue_json.hpp"
#include "cpc/core/ascii.hpp"
#include "cpc/core/time.hpp"

namespace cpc::exchange {

using nlohmann::json;

namespace {

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
    return toLowerAscii(symbol) + "@kline_" + std::string(toString(interval));
}

std::string BinanceAdapter::klineStreamUrl(const std::vector<StreamSpec>& streams) const {
    std::vector<StreamSpec> klines = streams;
    for (auto& s : klines) s.kind = StreamKind::Kline;
    return streamUrl(klines);
}

std::string BinanceAdapter::streamName(const StreamSpec& spec) const {
    const std::string sym = toLowerAscii(spec.symbol);
    switch (spec.kind) {
        case StreamKind::Kline: return klineStreamName(spec.symbol, spec.interval);
        case StreamKind::Trade: return sym + "@trade";
        case StreamKind::AggTrade: return sym + "@aggTrade";
        case StreamKind::Depth: return sym + "@depth@100ms";
        case StreamKind::PartialDepth: {
            const int levels = spec.depthLevels <= 5 ? 5 : spec.depthLevels <= 10 ? 10 : 20;
            return sym + "@depth" + std::to_string(levels) + "@100ms";
        }
        case StreamKind::BookTicker: return sym + "@bookTicker";
        case StreamKind::Ticker: return sym + "@ticker";
        case StreamKind::MiniTicker: return sym + "@miniTicker";
        // USD-M: the mark price stream carries the funding rate and next funding time too.
        case StreamKind::MarkPrice:
        case StreamKind::Funding: return sym + "@markPrice@1s";
        case StreamKind::OpenInterest: return sym + "@openInterest";  // no such stream: hasStream() false
        case StreamKind::Liquidation: return sym + "@forceOrder";
    }
    return sym;
}

std::string BinanceAdapter::connectionGroup(const StreamSpec& spec) const {
    if (!perp()) return {};
    // https://developers.binance.com/docs/products/caas/market-data-streams: fstream.binance.com
    // routes by path; a stream on the wrong route is accepted and never delivers.
    switch (spec.kind) {
        case StreamKind::Depth:
        case StreamKind::PartialDepth:
        case StreamKind::BookTicker: return "/public";
        default: return "/market";
    }
}

bool BinanceAdapter::hasStream(const StreamSpec& spec) const {
    switch (spec.kind) {
        case StreamKind::MarkPrice:
        case StreamKind::Funding:
        case StreamKind::Liquidation: return perp();
        case StreamKind::OpenInterest: return false;  // USD-M has no open-interest stream
        case StreamKind::Trade: return !perp();       // USD-M streams aggTrade only
        default: return true;
    }
}

std::optional<StreamSpec> BinanceAdapter::parseStreamName(std::string_view name) {
    const std::size_t at = name.find('@');
    if (at == std::string_view::npos || at == 0) return std::nullopt;
    StreamSpec spec;
    spec.symbol = toUpperAscii(name.substr(0, at));
    std::string_view rest = name.substr(at + 1);
    if (rest.starts_with("kline_")) {
        const auto interval = parseInterval(rest.substr(6));
        if (!interval) return std::nullopt;
        spec.kind = StreamKind::Kline;
        spec.interval = *interval;
        return spec;
    }
    if (rest == "markPrice@1s" || rest == "markPrice") spec.kind = StreamKind::MarkPrice;
    else if (rest == "forceOrder") spec.kind = StreamKind::Liquidation;
    else if (rest == "trade") spec.kind = StreamKind::Trade;
    else if (rest == "aggTrade") spec.kind = StreamKind::AggTrade;
    else if (rest == "depth" || rest == "depth@100ms") spec.kind = StreamKind::Depth;
    else if (rest == "bookTicker") spec.kind = StreamKind::BookTicker;
    else if (rest == "ticker") spec.kind = StreamKind::Ticker;
    else if (rest == "miniTicker") spec.kind = StreamKind::MiniTicker;
    else if (rest.starts_with("depth")) {
        std::string_view levels = rest.substr(5);
        if (levels.ends_with("@100ms")) levels.remove_suffix(6);
        if (levels != "5" && levels != "10" && levels != "20") return std::nullopt;
        spec.kind = StreamKind::PartialDepth;
        spec.depthLevels = levels == "5" ? 5 : levels == "10" ? 10 : 20;
    } else {
        return std::nullopt;
    }
    return spec;
}

std::string BinanceAdapter::streamUrl(const std::vector<StreamSpec>& streams) const {
    // USD-M: every stream of one URL is on one route (StreamSession groups them by connectionGroup).
    const std::string route = perp() ? connectionGroup(streams.empty() ? StreamSpec{} : streams.front()) : std::string();
    std::string url = m_endpoints.streamBase + route + "/stream?streams=";
    for (std::size_t i = 0; i < streams.size(); ++i) {
        if (i) url += '/';
        url += streamName(streams[i]);
    }
    return url;
}

namespace {

std::string controlMessage(const char* method, const std::vector<std::string>& names, std::int64_t id) {
    json j;
    j["method"] = method;
    if (std::string_view(method) != "LIST_SUBSCRIPTIONS") j["params"] = names;
    j["id"] = id;
    return j.dump();
}

}  // namespace

std::string BinanceAdapter::subscribeMessage(const std::vector<StreamSpec>& streams, std::int64_t id) const {
    std::vector<std::string> names;
    for (const auto& s : streams) names.push_back(streamName(s));
    return controlMessage("SUBSCRIBE", names, id);
}

std::string BinanceAdapter::unsubscribeMessage(const std::vector<StreamSpec>& streams, std::int64_t id) const {
    std::vector<std::string> names;
    for (const auto& s : streams) names.push_back(streamName(s));
    return controlMessage("UNSUBSCRIBE", names, id);
}

std::string BinanceAdapter::listSubscriptionsMessage(std::int64_t id) const {
    return controlMessage("LIST_SUBSCRIPTIONS", {}, id);
}

RestRequest BinanceAdapter::depthRequest(const std::string& symbol, int limit) const {
    if (perp()) {
        // /fapi/v1/depth takes 5, 10, 20, 50, 100, 500 or 1000; weight 2 up to 50, 5 at 100, 10 at
        // 500, 20 at 1000.
        static constexpr int kLimits[] = {5, 10, 20, 50, 100, 500, 1000};
        int chosen = 1000;
        for (const int l : kLimits)
            if (limit <= l) {
                chosen = l;
                break;
            }
        const int weight = chosen <= 50 ? 2 : chosen == 100 ? 5 : chosen == 500 ? 10 : 20;
        return RestRequest{"/fapi/v1/depth?symbol=" + toUpperAscii(symbol) + "&limit=" + std::to_string(chosen), weight};
    }
    limit = std::clamp(limit, 1, 5000);
    const int weight = limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250;
    return RestRequest{"/api/v3/depth?symbol=" + toUpperAscii(symbol) + "&limit=" + std::to_string(limit), weight};
}

RestRequest BinanceAdapter::historyRequest(const HistoryQuery& q) const {
    const int limit = std::clamp(q.limit, 1, maxHistoryLimit());
    std::string target = std::string(perp() ? "/fapi/v1/klines" : "/api/v3/klines") + "?symbol=" + toUpperAscii(q.symbol) +
                         "&interval=" + std::string(toString(q.interval));
    if (q.startTime) target += "&startTime=" + std::to_string(*q.startTime);
    if (q.endTime) target += "&endTime=" + std::to_string(*q.endTime);
    target += "&limit=" + std::to_string(limit);
    // USD-M weighs klines by limit: [1,100) 1, [100,500) 2, [500,1000] 5, above 10. Spot: 2.
    const int weight = !perp() ? 2 : limit < 100 ? 1 : limit < 500 ? 2 : limit <= 1000 ? 5 : 10;
    return RestRequest{std::move(target), weight};
}

RestRequest BinanceAdapter::exchangeInfoRequest() const {
    if (perp()) return RestRequest{"/fapi/v1/exchangeInfo", 1};
    return RestRequest{"/api/v3/exchangeInfo?showPermissionSets=false", 20};
}

RestRequest BinanceAdapter::serverTimeRequest() const { return RestRequest{perp() ? "/fapi/v1/time" : "/api/v3/time", 1}; }

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
    return venue::guardedParse("klines", [&]() -> Result<std::vector<Candle>> {
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
    });
}

Result<std::vector<SymbolInfo>> BinanceAdapter::parseExchangeInfo(std::string_view body,
                                                                  int httpStatus) const {
    return venue::guardedParse("exchangeInfo", [&]() -> Result<std::vector<SymbolInfo>> {
        if (httpStatus != 200) {
            if (auto e = parseErrorBody(body, httpStatus)) return *e;
        }
        json j = json::parse(body, nullptr, false);
        if (j.is_discarded()) return makeError("exchangeInfo: response is not valid JSON");
        if (!j.is_object() || !j.contains("symbols") || !j["symbols"].is_array())
            return makeError("exchangeInfo: expected an object with a \"symbols\" array");
        std::vector<SymbolInfo> out;
        out.reserve(j["symbols"].size());
        for (const json& s : j["symbols"]) {
            if (!s.is_object() || !s.contains("symbol") || !s["symbol"].is_string()) continue;
            // USD-M lists delivery contracts too: only the perpetuals are this market's symbols.
            if (perp() && s.value("contractType", "") != "PERPETUAL") continue;
            SymbolInfo info;
            info.symbol = s["symbol"].get<std::string>();
            info.baseAsset = s.value("baseAsset", "");
            info.quoteAsset = s.value("quoteAsset", "");
            info.status = s.value("status", "");
            if (s.contains("filters") && s["filters"].is_array()) {
                for (const json& f : s["filters"]) {
                    const std::string type = f.value("filterType", "");
                    if (type == "PRICE_FILTER" && f.contains("tickSize") && f["tickSize"].is_string()) {
                        const std::string tick = f["tickSize"].get<std::string>();
                        info.priceDecimals = decimalsOf(tick);
                        if (const auto d = Decimal::parse(tick); d && !d->isNegative()) info.tickSize = *d;
                    }
                    if (type == "LOT_SIZE" && f.contains("stepSize") && f["stepSize"].is_string())
                        info.quantityDecimals = decimalsOf(f["stepSize"].get<std::string>());
                }
            }
            out.push_back(std::move(info));
        }
        return out;
    });
}

Result<std::int64_t> BinanceAdapter::parseServerTime(std::string_view body, int httpStatus) const {
    return venue::guardedParse("time", [&]() -> Result<std::int64_t> {
        if (httpStatus != 200) {
            if (auto e = parseErrorBody(body, httpStatus)) return *e;
        }
        json j = json::parse(body, nullptr, false);
        if (j.is_discarded()) return makeError("time: response is not valid JSON");
        if (!j.is_object() || !j.contains("serverTime"))
            return makeError("time: expected {\"serverTime\": <ms>}");
        const auto t = intField(j["serverTime"]);
        if (!t) return makeError("time: serverTime is not an integer");
        return *t;
    });
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

Result<std::vector<PriceLevel>> parseLevels(const json& v, const char* what) {
    if (!v.is_array()) return makeError(std::string("depth: \"") + what + "\" is not an array");
    std::vector<PriceLevel> out;
    out.reserve(v.size());
    for (const json& level : v) {
        if (!level.is_array() || level.size() < 2) return makeError("depth: a level is not [price, quantity]");
        const auto p = decimalField(level[0]);
        const auto q = decimalField(level[1]);
        if (!p || !q) return makeError("depth: a level's price or quantity is not a decimal");
        out.push_back(PriceLevel{*p, *q});
    }
    return out;
}

Result<DepthSnapshot> parseSnapshotObject(const json& d, const std::string& exchangeName, std::string symbol) {
    DepthSnapshot snap;
    snap.exchange = exchangeName;
    snap.symbol = std::move(symbol);
    const auto id = d.contains("lastUpdateId") ? intField(d["lastUpdateId"]) : std::nullopt;
    if (!id) return makeError("depth snapshot: \"lastUpdateId\" missing");
    snap.lastUpdateId = *id;
    if (!d.contains("bids") || !d.contains("asks")) return makeError("depth snapshot: bids or asks missing");
    auto bids = parseLevels(d["bids"], "bids");
    if (!bids) return bids.error();
    auto asks = parseLevels(d["asks"], "asks");
    if (!asks) return asks.error();
    snap.bids = std::move(*bids);
    snap.asks = std::move(*asks);
    return snap;
}

Result<DepthUpdate> parseDepthEvent(const json& d, const std::string& exchangeName) {
    DepthUpdate u;
    // USD-M diff depth carries "pu", the previous event's final id: an event follows its
    // predecessor when pu equals that one's u, not when U is u + 1 (spot's rule). Passing pu + 1 as
    // the first id makes LocalOrderBook's spot check (first <= last applied + 1 <= final) the
    // futures rule, for the snapshot's first event too (U <= lastUpdateId <= u).
    const auto previous = d.contains("pu") ? intField(d["pu"]) : std::nullopt;
    u.exchange = exchangeName;
    u.symbol = d.value("s", "");
    const auto first = d.contains("U") ? intField(d["U"]) : std::nullopt;
    const auto last = d.contains("u") ? intField(d["u"]) : std::nullopt;
    if (!first || !last) return makeError("depthUpdate: update ids \"U\"/\"u\" missing");
    u.firstUpdateId = previous ? *previous + 1 : *first;
    u.finalUpdateId = *last;
    u.eventTimeMs = d.contains("E") ? intField(d["E"]).value_or(0) : 0;
    if (!d.contains("b") || !d.contains("a")) return makeError("depthUpdate: \"b\" or \"a\" missing");
    auto bids = parseLevels(d["b"], "b");
    if (!bids) return bids.error();
    auto asks = parseLevels(d["a"], "a");
    if (!asks) return asks.error();
    u.bids = std::move(*bids);
    u.asks = std::move(*asks);
    return u;
}

Result<BookTicker> parseBookTicker(const json& d, const std::string& exchangeName) {
    BookTicker b;
    b.exchange = exchangeName;
    b.symbol = d.value("s", "");
    const auto id = intField(d["u"]);
    if (!id) return makeError("bookTicker: \"u\" is not an integer");
    b.updateId = *id;
    const std::pair<Decimal*, const char*> fields[] = {
        {&b.bidPrice, "b"}, {&b.bidQuantity, "B"}, {&b.askPrice, "a"}, {&b.askQuantity, "A"}};
    for (auto [field, key] : fields) {
        const auto v = d.contains(key) ? decimalField(d[key]) : std::nullopt;
        if (!v) return makeError(std::string("bookTicker: \"") + key + "\" missing or not a decimal");
        *field = *v;
    }
    return b;
}

Result<Ticker24h> parseTicker(const json& d, const std::string& exchangeName, bool mini) {
    Ticker24h t;
    t.exchange = exchangeName;
    t.symbol = d.value("s", "");
    t.mini = mini;
    t.eventTimeMs = d.contains("E") ? intField(d["E"]).value_or(0) : 0;
    std::vector<std::pair<Decimal*, const char*>> fields = {{&t.lastPrice, "c"}, {&t.open, "o"}, {&t.high, "h"},
                                                            {&t.low, "l"},       {&t.volume, "v"}, {&t.quoteVolume, "q"}};
    if (!mini) {
        fields.insert(fields.end(), {{&t.priceChange, "p"}, {&t.priceChangePercent, "P"}, {&t.weightedAvgPrice, "w"},
                                     {&t.lastQuantity, "Q"}, {&t.bidPrice, "b"}, {&t.bidQuantity, "B"},
                                     {&t.askPrice, "a"}, {&t.askQuantity, "A"}});
    }
    for (auto [field, key] : fields) {
        const auto v = d.contains(key) ? decimalField(d[key]) : std::nullopt;
        if (!v) return makeError(std::string(mini ? "miniTicker" : "ticker") + ": \"" + key +
                                 "\" missing or not a decimal");
        *field = *v;
    }
    if (!mini) {
        const std::pair<std::int64_t*, const char*> ints[] = {{&t.openTimeMs, "O"}, {&t.closeTimeMs, "C"},
                                                             {&t.firstTradeId, "F"}, {&t.lastTradeId, "L"},
                                                             {&t.tradeCount, "n"}};
        for (auto [field, key] : ints) {
            const auto v = d.contains(key) ? intField(d[key]) : std::nullopt;
            if (!v) return makeError(std::string("ticker: \"") + key + "\" missing or not an integer");
            *field = *v;
        }
    }
    return t;
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
    t.eventTimeMs = d.contains("E") ? intField(d["E"]).value_or(0) : 0;
    t.firstTradeId = t.lastTradeId = t.tradeId;
    if (aggregate) {
        const auto f = d.contains("f") ? intField(d["f"]) : std::nullopt;
        const auto l = d.contains("l") ? intField(d["l"]) : std::nullopt;
        if (!f || !l) return makeError("aggTrade event: first/last trade id \"f\"/\"l\" missing");
        t.firstTradeId = *f;
        t.lastTradeId = *l;
    }
    return t;
}

// A rate or price of a USD-M payload: Binance writes 8 decimals; rounded like the other venues'.
std::optional<Decimal> rateField(const json& d, const char* key) {
    const auto it = d.find(key);
    if (it == d.end()) return std::nullopt;
    if (it->is_string() && it->get_ref<const std::string&>().empty()) return std::nullopt;  // "" on delivery contracts
    return venue::decimalOf(*it);
}

// markPriceUpdate: {"e":"markPriceUpdate","E":…,"s":"BTCUSDT","p":mark,"i":index,"P":settle,
// "r":funding rate,"T":next funding time}.
void parseMarkPriceEvent(const json& d, const std::string& exchangeName, std::vector<StreamEvent>& out) {
    MarkPriceUpdate m;
    m.exchange = exchangeName;
    m.symbol = d.value("s", "");
    m.eventTimeMs = d.contains("E") ? intField(d["E"]).value_or(0) : 0;
    m.markPrice = rateField(d, "p");
    m.indexPrice = rateField(d, "i");
    FundingUpdate f;
    f.exchange = exchangeName;
    f.symbol = m.symbol;
    f.eventTimeMs = m.eventTimeMs;
    f.rate = rateField(d, "r");
    if (d.contains("T"))
        if (const auto t = intField(d["T"]); t && *t > 0) f.nextFundingTimeMs = *t;
    if (m.markPrice || m.indexPrice) out.emplace_back(std::move(m));
    if (f.rate || f.nextFundingTimeMs) out.emplace_back(std::move(f));
}

// forceOrder: {"e":"forceOrder","E":…,"o":{"s","S":"SELL"|"BUY","q","p","ap","X","l","z","T"}}.
Result<Liquidation> parseForceOrder(const json& d, const std::string& exchangeName) {
    if (!d.contains("o") || !d["o"].is_object()) return makeError("forceOrder event without \"o\"");
    const json& o = d["o"];
    Liquidation l;
    l.exchange = exchangeName;
    l.symbol = o.value("s", "");
    const std::string side = o.value("S", "");
    if (side != "SELL" && side != "BUY") return makeError("forceOrder: side \"S\" is neither SELL nor BUY");
    l.longLiquidated = side == "SELL";  // the liquidation order sells a long position
    const auto t = o.contains("T") ? intField(o["T"]) : std::nullopt;
    // The average price of the fill; a price of the order when nothing filled yet.
    auto price = rateField(o, "ap");
    if (!price || price->isZero()) price = rateField(o, "p");
    auto qty = rateField(o, "z");
    if (!qty || qty->isZero()) qty = rateField(o, "q");
    if (!t || !price || !qty) return makeError("forceOrder: time, price or quantity missing");
    l.timeMs = *t;
    l.price = *price;
    l.quantity = *qty;
    return l;
}

}  // namespace

Result<std::vector<StreamEvent>> BinanceAdapter::parseStreamMessage(std::string_view frame) const {
    // Trades, diff depth and klines are read in place when they have the shape Binance sends;
    // everything else, and anything unusual about those, goes through the full codec below.
    if (auto events = binance::parseHotFrame(frame, m_market)) return std::move(*events);
    return binance::parseFrameFullCodec(frame, m_market);
}

Result<std::vector<StreamEvent>> binance::parseFrameFullCodec(std::string_view frame, MarketType market) {
    const std::string exchangeName = "binance";
    return venue::guardedParse("stream frame", [&]() -> Result<std::vector<StreamEvent>> {
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
            if (j.contains("result") && j["result"].is_array())  // LIST_SUBSCRIPTIONS
                for (const auto& name : j["result"])
                    if (name.is_string()) r.streams.push_back(name.get<std::string>());
            out.emplace_back(std::move(r));
            return out;
        }
        // Combined-stream wrapper.
        const json* data = &j;
        std::string_view streamName;
        if (j.contains("stream") && j.contains("data")) {
            data = &j["data"];
            if (j["stream"].is_string()) streamName = j["stream"].get_ref<const std::string&>();
        }
        if (!data->is_object()) return makeError("stream: \"data\" is not an object");
        const auto typeIt = data->find("e");
        const std::string type = typeIt != data->end() && typeIt->is_string() ? typeIt->get<std::string>() : "";
        if (type.empty()) {
            // Payloads without an event type: partial depth (routed by the wrapper's stream name, it
            // carries no symbol) and bookTicker.
            if (data->contains("lastUpdateId")) {
                std::string symbol;
                std::optional<int> levels;
                if (!streamName.empty()) {
                    const auto spec = BinanceAdapter::parseStreamName(streamName);
                    if (spec) {
                        symbol = spec->symbol;
                        static const BinanceAdapter codec;  // its (the interface's) depthLevelsOf
                        levels = codec.depthLevelsOf(*spec);
                    }
                }
                auto snap = parseSnapshotObject(*data, exchangeName, std::move(symbol));
                if (!snap) return snap.error();
                // Without the wrapper's name (a raw stream), the levels sent tell @depth5/10/20 apart.
                const int sent = static_cast<int>(std::max(snap->bids.size(), snap->asks.size()));
                snap->depthLevels = levels.value_or(sent <= 5 ? 5 : sent <= 10 ? 10 : 20);
                out.emplace_back(std::move(*snap));
            } else if (data->contains("u") && data->contains("b") && data->contains("a")) {
                auto b = parseBookTicker(*data, exchangeName);
                if (!b) return b.error();
                out.emplace_back(std::move(*b));
            }
            return out;
        }
        if (type == "kline") {
            auto u = parseKlineEvent(*data, exchangeName);
            if (!u) return u.error();
            u->key.market = market;
            out.emplace_back(std::move(*u));
        } else if (type == "trade" || type == "aggTrade") {
            auto t = parseTradeEvent(*data, exchangeName, type == "aggTrade");
            if (!t) return t.error();
            out.emplace_back(std::move(*t));
        } else if (type == "depthUpdate") {
            auto u = parseDepthEvent(*data, exchangeName);
            if (!u) return u.error();
            out.emplace_back(std::move(*u));
        } else if (type == "24hrTicker" || type == "24hrMiniTicker") {
            auto t = parseTicker(*data, exchangeName, type == "24hrMiniTicker");
            if (!t) return t.error();
            out.emplace_back(std::move(*t));
        } else if (type == "markPriceUpdate") {
            parseMarkPriceEvent(*data, exchangeName, out);
        } else if (type == "forceOrder") {
            auto l = parseForceOrder(*data, exchangeName);
            if (!l) return l.error();
            out.emplace_back(std::move(*l));
        } else if (type == "serverShutdown") {
            out.emplace_back(ServerShutdown{data->contains("E") ? intField((*data)["E"]).value_or(0) : 0});
        }
        // Other event types (avgPrice, rolling-window tickers…) are valid frames this client does
        // not use.
        return out;
    });
}

Result<DepthSnapshot> BinanceAdapter::parseDepthSnapshot(std::string_view body, int httpStatus,
                                                         const std::string& symbol) const {
    return venue::guardedParse("depth snapshot", [&]() -> Result<DepthSnapshot> {
        if (httpStatus != 200) {
            if (auto e = parseErrorBody(body, httpStatus)) return *e;
            return makeError("HTTP " + std::to_string(httpStatus), httpStatus);
        }
        json j = json::parse(body, nullptr, false);
        if (j.is_discarded() || !j.is_object()) return makeError("depth: response is not a JSON object");
        return parseSnapshotObject(j, name(), toUpperAscii(symbol));
    });
}

// ---- USD-M perpetuals: REST ---------------------------------------------------------------------

std::optional<RestRequest> BinanceAdapter::premiumIndexRequest(const std::string& symbol) const {
    if (!perp()) return std::nullopt;
    return RestRequest{"/fapi/v1/premiumIndex?symbol=" + toUpperAscii(symbol), 1};
}

Result<std::vector<StreamEvent>> BinanceAdapter::parsePremiumIndex(std::string_view body, int httpStatus,
                                                                   const std::string& symbol) const {
    if (!perp()) return ExchangeAdapter::parsePremiumIndex(body, httpStatus, symbol);  // spot: not a perpetual
    return venue::guardedParse("premiumIndex", [&]() -> Result<std::vector<StreamEvent>> {
        if (auto e = parseErrorBody(body, httpStatus)) return *e;
        json j = json::parse(body, nullptr, false);
        if (j.is_discarded() || !j.is_object()) return makeError("premiumIndex: expected a JSON object");
        // {"symbol","markPrice","indexPrice","estimatedSettlePrice","lastFundingRate","interestRate",
        //  "nextFundingTime","time"}
        const std::string sym = j.value("symbol", toUpperAscii(symbol));
        const auto time = j.contains("time") ? intField(j["time"]) : std::nullopt;
        json event{{"e", "markPriceUpdate"}, {"E", time.value_or(0)}, {"s", sym}};
        for (const auto& [from, to] : {std::pair{"markPrice", "p"}, {"indexPrice", "i"}, {"lastFundingRate", "r"},
                                       {"nextFundingTime", "T"}})
            if (j.contains(from)) event[to] = j[from];
        std::vector<StreamEvent> out;
        parseMarkPriceEvent(event, name(), out);
        if (out.empty()) return makeError("premiumIndex: neither a mark price nor a funding rate");
        return out;
    });
}

std::optional<RestRequest> BinanceAdapter::openInterestRequest(const std::string& symbol) const {
    if (!perp()) return std::nullopt;
    return RestRequest{"/fapi/v1/openInterest?symbol=" + toUpperAscii(symbol), 1};
}

Result<OpenInterestUpdate> BinanceAdapter::parseOpenInterest(std::string_view body, int httpStatus,
                                                             const std::string& symbol) const {
    if (!perp()) return ExchangeAdapter::parseOpenInterest(body, httpStatus, symbol);  // spot: not a perpetual
    return venue::guardedParse("openInterest", [&]() -> Result<OpenInterestUpdate> {
        if (auto e = parseErrorBody(body, httpStatus)) return *e;
        json j = json::parse(body, nullptr, false);
        // {"openInterest":"10659.509","symbol":"BTCUSDT","time":1589437530011}
        if (j.is_discarded() || !j.is_object()) return makeError("openInterest: expected a JSON object");
        OpenInterestUpdate u;
        u.exchange = name();
        u.symbol = j.value("symbol", toUpperAscii(symbol));
        const auto oi = rateField(j, "openInterest");
        const auto t = j.contains("time") ? intField(j["time"]) : std::nullopt;
        if (!oi || !t) return makeError("openInterest: \"openInterest\" or \"time\" missing");
        u.openInterest = *oi;
        u.timeMs = *t;
        return u;
    });
}

namespace {
std::string timeRange(const DerivativesQuery& q) {
    std::string out;
    if (q.startTime) out += "&startTime=" + std::to_string(*q.startTime);
    if (q.endTime) out += "&endTime=" + std::to_string(*q.endTime);
    return out;
}
}  // namespace

std::optional<RestRequest> BinanceAdapter::fundingHistoryRequest(const DerivativesQuery& q) const {
    if (!perp()) return std::nullopt;
    // GET /fapi/v1/fundingRate: limit 1..1000, ascending; shares a 500 requests / 5 min / IP limit.
    return RestRequest{"/fapi/v1/fundingRate?symbol=" + toUpperAscii(q.symbol) + timeRange(q) +
                           "&limit=" + std::to_string(std::clamp(q.limit, 1, 1000)),
                       1};
}

Result<std::vector<FundingRatePoint>> BinanceAdapter::parseFundingHistory(std::string_view body, int httpStatus) const {
    if (!perp()) return ExchangeAdapter::parseFundingHistory(body, httpStatus);  // spot: not a perpetual
    return venue::guardedParse("fundingRate", [&]() -> Result<std::vector<FundingRatePoint>> {
        if (auto e = parseErrorBody(body, httpStatus)) return *e;
        json j = json::parse(body, nullptr, false);
        if (j.is_discarded() || !j.is_array()) return makeError("fundingRate: expected a JSON array");
        std::vector<FundingRatePoint> out;
        for (std::size_t i = 0; i < j.size(); ++i) {
            const json& row = j[i];
            // {"symbol","fundingRate","fundingTime","markPrice"}
            const auto rate = row.is_object() ? rateField(row, "fundingRate") : std::nullopt;
            const auto t = row.is_object() && row.contains("fundingTime") ? intField(row["fundingTime"]) : std::nullopt;
            if (!rate || !t) return makeError("fundingRate row " + std::to_string(i) + ": rate or time missing");
            out.push_back(FundingRatePoint{*t, *rate});
        }
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.fundingTimeMs < b.fundingTimeMs; });
        return out;
    });
}

std::vector<Interval> BinanceAdapter::openInterestPeriods() const {
    if (!perp()) return {};
    return {Interval::M5, Interval::M15, Interval::M30, Interval::H1, Interval::H2,
            Interval::H4, Interval::H6,  Interval::H12, Interval::D1};
}

std::optional<RestRequest> BinanceAdapter::openInterestHistoryRequest(const DerivativesQuery& q) const {
    if (!perp()) return std::nullopt;
    const auto periods = openInterestPeriods();
    if (std::find(periods.begin(), periods.end(), q.period) == periods.end()) return std::nullopt;
    // GET /futures/data/openInterestHist: limit 1..500, only the latest 30 days are served.
    return RestRequest{"/futures/data/openInterestHist?symbol=" + toUpperAscii(q.symbol) + "&period=" +
                           std::string(toString(q.period)) + timeRange(q) + "&limit=" +
                           std::to_string(std::clamp(q.limit, 1, 500)),
                       1};
}

Result<std::vector<OpenInterestPoint>> BinanceAdapter::parseOpenInterestHistory(std::string_view body,
                                                                                int httpStatus) const {
    if (!perp()) return ExchangeAdapter::parseOpenInterestHistory(body, httpStatus);  // spot: not a perpetual
    return venue::guardedParse("openInterestHist", [&]() -> Result<std::vector<OpenInterestPoint>> {
        if (auto e = parseErrorBody(body, httpStatus)) return *e;
        json j = json::parse(body, nullptr, false);
        if (j.is_discarded() || !j.is_array()) return makeError("openInterestHist: expected a JSON array");
        std::vector<OpenInterestPoint> out;
        for (std::size_t i = 0; i < j.size(); ++i) {
            const json& row = j[i];
            // {"symbol","sumOpenInterest","sumOpenInterestValue","timestamp"} (timestamp a number or,
            // in some examples, a string)
            if (!row.is_object()) return makeError("openInterestHist row " + std::to_string(i) + ": not an object");
            const auto oi = rateField(row, "sumOpenInterest");
            std::optional<std::int64_t> t;
            if (row.contains("timestamp")) {
                t = intField(row["timestamp"]);
                if (!t && row["timestamp"].is_string()) {
                    const std::string& text = row["timestamp"].get_ref<const std::string&>();
                    if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos && text.size() < 19)
                        t = std::stoll(text);
                }
            }
            if (!oi || !t) return makeError("openInterestHist row " + std::to_string(i) + ": open interest or time missing");
            out.push_back(OpenInterestPoint{*t, *oi, rateField(row, "sumOpenInterestValue")});
        }
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.timeMs < b.timeMs; });
        return out;
    });
}

std::chrono::milliseconds BinanceAdapter::streamIdleTimeout(Interval interval) const {
    // Kline streams push every 1 s (1s) or 2 s (others); allow for irregular cadence.
    return interval == Interval::S1 ? std::chrono::seconds(10) : std::chrono::seconds(30);
}

}  // namespace cpc::exchange
