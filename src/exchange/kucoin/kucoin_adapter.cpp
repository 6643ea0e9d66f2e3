#include "cpc/exchange/kucoin/kucoin_adapter.hpp"

#include <algorithm>
#include <limits>

#include "common/guarded_parse.hpp"
#include "common/venue_json.hpp"
#include "cpc/core/ascii.hpp"

namespace cpc::exchange {

using venue::json;

namespace {

constexpr std::int64_t kSuccess = 200000;  // KuCoin's "code" of a successful answer

std::optional<std::int64_t> field(const json& o, const char* key) {
    const auto it = o.find(key);
    return it == o.end() ? std::nullopt : venue::intOf(*it);
}
std::optional<Decimal> decimalField(const json& o, const char* key) {
    const auto it = o.find(key);
    return it == o.end() ? std::nullopt : venue::decimalOf(*it);
}

// "1545913818099033203" (ns) -> ms.
std::int64_t nanosToMs(std::int64_t ns) { return ns / 1'000'000; }

std::string urlEncode(std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

// Topic prefix and per-stream suffix: "/market/candles:" + "BTC-USDT_1min".
std::pair<std::string, std::string> topicParts(const KucoinAdapter& a, const StreamSpec& s) {
    const std::string sym = toUpperAscii(s.symbol);
    switch (s.kind) {
        case StreamKind::Kline: {
            const auto src = a.nativeSourceInterval(s.interval).value_or(Interval::M1);
            return {"/market/candles:", sym + "_" + KucoinAdapter::typeCode(src).value_or("1min")};
        }
        case StreamKind::Trade:
        case StreamKind::AggTrade: return {"/market/match:", sym};
        case StreamKind::Depth: return {"/market/level2:", sym};
        case StreamKind::PartialDepth:
            return {s.depthLevels <= 5 ? "/spotMarket/level2Depth5:" : "/spotMarket/level2Depth50:", sym};
        case StreamKind::BookTicker: return {"/market/ticker:", sym};
        case StreamKind::Ticker:
        case StreamKind::MiniTicker: return {"/market/snapshot:", sym};
        // Perpetual kinds: KuCoin spot has none (hasStream() is false); its futures are another API.
        case StreamKind::MarkPrice:
        case StreamKind::Funding:
        case StreamKind::OpenInterest:
        case StreamKind::Liquidation: break;
    }
    return {"/market/ticker:", sym};
}

std::string controlMessage(const KucoinAdapter& a, const char* type, const std::vector<StreamSpec>& streams,
                           std::int64_t id) {
    if (streams.empty()) return {};
    const std::string prefix = topicParts(a, streams.front()).first;
    std::string topic = prefix;
    for (std::size_t i = 0; i < streams.size(); ++i) {
        auto [p, suffix] = topicParts(a, streams[i]);
        if (p != prefix) return {};  // different channels: one message each
        topic += (i ? "," : "") + suffix;
    }
    json j;
    j["id"] = std::to_string(id);
    j["type"] = type;
    j["topic"] = topic;
    j["privateChannel"] = false;
    j["response"] = true;
    return j.dump();
}

// [time (s), open, close, high, low, volume, turnover]
Result<Candle> candleOfRow(const json& row, std::size_t index) {
    const auto where = [&](const std::string& what) { return makeError("candle row " + std::to_string(index) + ": " + what); };
    if (!row.is_array() || row.size() < 7) return where("expected an array of 7 fields");
    Candle c;
    const auto t = venue::intOf(row[0]);
    if (!t) return where("time is not an integer");
    // Seconds: a number past what milliseconds can hold is no time (it overflowed, found by the
    // fuzz stage).
    if (*t < 0 || *t > std::numeric_limits<std::int64_t>::max() / 1000)
        return where("time " + std::to_string(*t) + " is not a time in seconds");
    c.openTime = *t * 1000;
    Decimal* fields[] = {&c.open, &c.close, &c.high, &c.low, &c.volume, &c.quoteVolume};
    for (std::size_t f = 0; f < 6; ++f) {
        const auto d = venue::decimalOf(row[f + 1]);
        if (!d) return where("a price or volume is not a decimal");
        *fields[f] = *d;
    }
    c.trades = -1;  // KuCoin does not count trades
    return c;
}

}  // namespace

// ---- intervals -------------------------------------------------------------------------------
// Types: https://www.kucoin.com/docs-new/rest/spot-trading/market-data/get-klines
// (1min 3min 5min 15min 30min 1hour 2hour 4hour 6hour 8hour 12hour 1day 1week 1month).

std::optional<std::string> KucoinAdapter::typeCode(Interval interval) {
    switch (interval) {
        case Interval::M1: return "1min";
        case Interval::M3: return "3min";
        case Interval::M5: return "5min";
        case Interval::M15: return "15min";
        case Interval::M30: return "30min";
        case Interval::H1: return "1hour";
        case Interval::H2: return "2hour";
        case Interval::H4: return "4hour";
        case Interval::H6: return "6hour";
        case Interval::H8: return "8hour";
        case Interval::H12: return "12hour";
        case Interval::D1: return "1day";
        case Interval::W1: return "1week";
        case Interval::Mo1: return "1month";
        case Interval::S1:
        case Interval::D3: return std::nullopt;
    }
    return std::nullopt;
}

std::optional<Interval> KucoinAdapter::parseTypeCode(std::string_view code) {
    return venue::intervalWithCode(code, [](Interval i) { return typeCode(i); });
}

bool KucoinAdapter::isNativeInterval(Interval interval) const {
    // 1week opens on Thursdays (see the header); 1month's anchoring is undocumented.
    return interval != Interval::W1 && interval != Interval::Mo1 && typeCode(interval).has_value();
}

std::string KucoinAdapter::symbolFor(std::string_view base, std::string_view quote) const {
    return std::string(base) + "-" + std::string(quote);
}

// ---- streams ---------------------------------------------------------------------------------

std::string KucoinAdapter::streamName(const StreamSpec& spec) const {
    auto [prefix, suffix] = topicParts(*this, spec);
    return prefix + suffix;
}

std::string KucoinAdapter::streamUrl(const std::vector<StreamSpec>& streams) const {
    (void)streams;  // the usable URL (with its token) comes from parseStreamConnect()
    return m_endpoints.streamBase;
}

std::string KucoinAdapter::klineStreamUrl(const std::vector<StreamSpec>& streams) const { return streamUrl(streams); }

std::string KucoinAdapter::subscribeMessage(const std::vector<StreamSpec>& streams, std::int64_t id) const {
    return controlMessage(*this, "subscribe", streams, id);
}

std::string KucoinAdapter::unsubscribeMessage(const std::vector<StreamSpec>& streams, std::int64_t id) const {
    return controlMessage(*this, "unsubscribe", streams, id);
}

std::string KucoinAdapter::listSubscriptionsMessage(std::int64_t id) const {
    (void)id;
    return {};
}

std::optional<std::string> KucoinAdapter::heartbeatMessage(std::int64_t id) const {
    json j;
    j["id"] = std::to_string(id);
    j["type"] = "ping";
    return j.dump();
}

std::chrono::milliseconds KucoinAdapter::streamIdleTimeout(Interval interval) const {
    (void)interval;
    // Candles push only on trades, and illiquid pairs go silent; the pongs to our pings (every
    // pingInterval, 18 s in the docs) keep a healthy connection talking.
    return std::chrono::seconds(45);
}

std::optional<HttpRequest> KucoinAdapter::streamConnectRequest() const {
    return HttpRequest{"POST", "/api/v1/bullet-public", "", 10};
}

// ---- REST ------------------------------------------------------------------------------------

std::optional<Error> KucoinAdapter::parseErrorBody(std::string_view body, int httpStatus) {
    if (const auto j = venue::parseObject(body); j && j->contains("code")) {
        const auto code = venue::intOf((*j)["code"]);
        if (code && *code != kSuccess) {
            return Error{"KuCoin error " + std::to_string(*code) + ": " + j->value("msg", ""), static_cast<int>(*code)};
        }
        if (code && httpStatus < 400) return std::nullopt;
    }
    if (httpStatus >= 400 || httpStatus < 200) {
        const std::string snippet(body.substr(0, 200));
        return Error{"HTTP " + std::to_string(httpStatus) + (snippet.empty() ? "" : ": " + snippet), httpStatus};
    }
    return std::nullopt;
}

namespace {

Result<json> dataOf(std::string_view body, int httpStatus, const char* what) {
    if (auto e = KucoinAdapter::parseErrorBody(body, httpStatus)) return *e;
    auto j = venue::parseObject(body);
    if (!j) return makeError(std::string(what) + ": response is not a JSON object");
    if (!j->contains("data")) return makeError(std::string(what) + ": no \"data\"");
    return std::move((*j)["data"]);
}

}  // namespace

RestRequest KucoinAdapter::historyRequest(const HistoryQuery& q) const {
    const Interval src = nativeSourceInterval(q.interval).value_or(Interval::M1);
    const int limit = std::clamp(q.limit, 1, maxHistoryLimit());
    std::string target = "/api/v1/market/candles?symbol=" + toUpperAscii(q.symbol) + "&type=" +
                         typeCode(src).value_or("1min");
    // startAt/endAt are seconds; KuCoin answers the newest rows of the range (at most 1,500), so a
    // forward page is cut to `limit` rows. startAt is one second early so an inclusive or an
    // exclusive bound both keep the row opening at the start (no bucket opens 1 s earlier).
    // newestOfRange (a scroll-back probe): the whole range, however wide; its newest rows come back.
    std::optional<std::int64_t> end = q.endTime;
    std::optional<std::int64_t> start = q.startTime;
    if (start && end && q.newestOfRange) {
        // as asked
    } else if (start) {
        const std::int64_t pe = venue::pageEnd(src, *start, limit);
        end = end ? std::min(*end, pe) : pe;
    } else if (end) {
        start = *end - static_cast<std::int64_t>(limit) * nominalMs(src);
    }
    if (start) target += "&startAt=" + std::to_string(*start / 1000 - 1);
    if (end) target += "&endAt=" + std::to_string(*end / 1000);
    return RestRequest{std::move(target), 3};
}

RestRequest KucoinAdapter::depthRequest(const std::string& symbol, int limit) const {
    return RestRequest{std::string("/api/v1/market/orderbook/") + (limit <= 20 ? "level2_20" : "level2_100") +
                           "?symbol=" + toUpperAscii(symbol),
                       limit <= 20 ? 2 : 4};
}

RestRequest KucoinAdapter::exchangeInfoRequest() const { return RestRequest{"/api/v2/symbols", 4}; }

RestRequest KucoinAdapter::serverTimeRequest() const { return RestRequest{"/api/v1/timestamp", 3}; }

Result<std::vector<Candle>> KucoinAdapter::parseRows(std::string_view body, int httpStatus) const {
    auto data = dataOf(body, httpStatus, "candles");
    if (!data) return data.error();
    if (!data->is_array()) return makeError("candles: \"data\" is not an array");
    std::vector<Candle> out;
    out.reserve(data->size());
    for (std::size_t i = 0; i < data->size(); ++i) {
        auto c = candleOfRow((*data)[i], i);
        if (!c) return c.error();
        out.push_back(*c);
    }
    return venue::ascendingUnique(std::move(out));
}

Result<std::vector<Candle>> KucoinAdapter::parseHistory(std::string_view body, int httpStatus,
                                                        std::int64_t serverNowMs) const {
    return venue::guardedParse("candles", [&]() -> Result<std::vector<Candle>> {
        auto rows = parseRows(body, httpStatus);
        if (!rows) return rows.error();
        venue::markClosedBySpacing(*rows, serverNowMs);
        return rows;
    });
}

Result<std::vector<Candle>> KucoinAdapter::parseHistoryFor(const HistoryQuery& query, std::string_view body,
                                                           int httpStatus, std::int64_t serverNowMs) const {
    return venue::guardedParse("candles", [&]() -> Result<std::vector<Candle>> {
        auto rows = parseRows(body, httpStatus);
        if (!rows) return rows.error();
        const Interval src = nativeSourceInterval(query.interval).value_or(Interval::M1);
        for (auto& c : *rows) c.closed = venue::isClosedAt(src, c.openTime, serverNowMs);
        return rows;
    });
}

Result<std::vector<SymbolInfo>> KucoinAdapter::parseExchangeInfo(std::string_view body, int httpStatus) const {
    return venue::guardedParse("symbols", [&]() -> Result<std::vector<SymbolInfo>> {
        auto data = dataOf(body, httpStatus, "symbols");
        if (!data) return data.error();
        if (!data->is_array()) return makeError("symbols: \"data\" is not an array");
        std::vector<SymbolInfo> out;
        for (const json& s : *data) {
            if (!s.is_object() || !s.contains("symbol") || !s["symbol"].is_string()) continue;
            SymbolInfo info;
            info.symbol = s["symbol"].get<std::string>();
            info.baseAsset = s.value("baseCurrency", "");
            info.quoteAsset = s.value("quoteCurrency", "");
            info.status = s.value("enableTrading", false) ? "TRADING" : "BREAK";
            info.priceDecimals = venue::decimalsOf(s.value("priceIncrement", "0.00000001"));
            info.tickSize = decimalField(s, "priceIncrement").value_or(Decimal{});
            info.quantityDecimals = venue::decimalsOf(s.value("baseIncrement", "0.00000001"));
            out.push_back(std::move(info));
        }
        return out;
    });
}

Result<std::int64_t> KucoinAdapter::parseServerTime(std::string_view body, int httpStatus) const {
    return venue::guardedParse("timestamp", [&]() -> Result<std::int64_t> {
        auto data = dataOf(body, httpStatus, "timestamp");
        if (!data) return data.error();
        const auto t = venue::intOf(*data);  // {"code":"200000","data":1546837113087} (ms)
        if (!t) return makeError("timestamp: \"data\" is not an integer");
        return *t;
    });
}

Result<DepthSnapshot> KucoinAdapter::parseDepthSnapshot(std::string_view body, int httpStatus,
                                                        const std::string& symbol) const {
    return venue::guardedParse("level2 snapshot", [&]() -> Result<DepthSnapshot> {
        auto data = dataOf(body, httpStatus, "orderbook");
        if (!data) return data.error();
        if (!data->is_object()) return makeError("orderbook: \"data\" is not an object");
        DepthSnapshot snap;
        snap.exchange = name();
        snap.symbol = toUpperAscii(symbol);
        const auto seq = field(*data, "sequence");
        if (!seq) return makeError("orderbook: no \"sequence\"");
        snap.lastUpdateId = *seq;
        auto bids = venue::levelsOf(data->value("bids", json::array()), "bids");
        if (!bids) return bids.error();
        auto asks = venue::levelsOf(data->value("asks", json::array()), "asks");
        if (!asks) return asks.error();
        snap.bids = std::move(*bids);
        snap.asks = std::move(*asks);
        return snap;
    });
}

Result<StreamConnectInfo> KucoinAdapter::parseStreamConnect(std::string_view body, int httpStatus,
                                                            std::string_view connectId) const {
    return venue::guardedParse("bullet-public", [&]() -> Result<StreamConnectInfo> {
        auto data = dataOf(body, httpStatus, "bullet-public");
        if (!data) return data.error();
        if (!data->is_object() || !data->contains("token") || !(*data)["token"].is_string())
            return makeError("bullet-public: no \"token\"");
        const json& servers = data->value("instanceServers", json::array());
        if (!servers.is_array() || servers.empty() || !servers[0].is_object() || !servers[0].contains("endpoint") ||
            !servers[0]["endpoint"].is_string())
            return makeError("bullet-public: no \"instanceServers[0].endpoint\"");
        const json& server = servers[0];
        StreamConnectInfo info;
        info.url = server["endpoint"].get<std::string>() + "?token=" + urlEncode((*data)["token"].get<std::string>()) +
                   "&connectId=" + urlEncode(connectId);
        info.heartbeatInterval = std::chrono::milliseconds(field(server, "pingInterval").value_or(18000));
        info.heartbeatTimeout = std::chrono::milliseconds(field(server, "pingTimeout").value_or(10000));
        return info;
    });
}

// ---- stream ----------------------------------------------------------------------------------

Result<std::vector<StreamEvent>> KucoinAdapter::parseStreamMessage(std::string_view frame) const {
    return venue::guardedParse("stream frame", [&]() -> Result<std::vector<StreamEvent>> {
        auto parsed = venue::parseObject(frame);
        if (!parsed) return makeError("stream: frame is not a JSON object");
        const json& j = *parsed;
        std::vector<StreamEvent> out;
        const std::string type = j.value("type", "");
        const std::string id = j.contains("id") ? (j["id"].is_string() ? j["id"].get<std::string>() : j["id"].dump()) : "";

        // {"id":"…","type":"welcome"}, {"id":"…","type":"pong"}, {"id":"…","type":"ack"} and
        // {"id":"…","type":"error","code":404,"data":"topic … is not found"}.
        if (type == "welcome" || type == "pong" || type == "ack") {
            ControlReply r;
            r.id = id;
            r.message = type;
            out.emplace_back(std::move(r));
            return out;
        }
        if (type == "error") {
            ControlReply r;
            r.id = id;
            r.errorCode = static_cast<int>(field(j, "code").value_or(-1));
            if (r.errorCode == 0) r.errorCode = -1;
            r.message = j.contains("data") && j["data"].is_string() ? j["data"].get<std::string>() : j.value("msg", "error");
            out.emplace_back(std::move(r));
            return out;
        }
        if (type != "message" || !j.contains("topic") || !j["topic"].is_string() || !j.contains("data") ||
            !j["data"].is_object())
            return out;  // notices and messages this client does not use
        const std::string topic = j["topic"].get<std::string>();
        const std::size_t colon = topic.find(':');
        const std::string prefix = topic.substr(0, colon == std::string::npos ? topic.size() : colon + 1);
        const std::string rest = colon == std::string::npos ? "" : topic.substr(colon + 1);
        const json& data = j["data"];

        if (prefix == "/market/candles:") {
            // "/market/candles:BTC-USDT_1hour"
            const std::size_t us = rest.rfind('_');
            const auto interval = us == std::string::npos ? std::nullopt : parseTypeCode(std::string_view(rest).substr(us + 1));
            if (!interval) return makeError("stream: unknown KuCoin candle type in " + topic);
            if (!isNativeInterval(*interval)) return out;  // Thursday weeks, months: never subscribed
            auto c = candleOfRow(data.value("candles", json()), 0);
            if (!c) return c.error();
            KlineUpdate u;
            u.key = SeriesKey{name(), data.value("symbol", rest.substr(0, us)), *interval};
            u.candle = *c;
            u.candle.closed = false;
            u.eventTimeMs = nanosToMs(field(data, "time").value_or(0));
            out.emplace_back(std::move(u));
            return out;
        }
        if (prefix == "/market/match:") {
            TradeTick t;
            t.exchange = name();
            t.symbol = data.value("symbol", rest);
            const auto price = decimalField(data, "price");
            const auto size = decimalField(data, "size");
            const auto time = field(data, "time");
            if (!price || !size || !time) return makeError("match: missing price, size or time");
            t.price = *price;
            t.quantity = *size;
            t.timeMs = nanosToMs(*time);
            t.eventTimeMs = t.timeMs;
            // tradeId: numeric in current pushes, a hex object id in the legacy docs' example: then the
            // message's sequence.
            t.tradeId = field(data, "tradeId").value_or(field(data, "sequence").value_or(0));
            t.firstTradeId = t.lastTradeId = t.tradeId;
            t.buyerIsMaker = data.value("side", "") == "sell";  // side of the taker
            out.emplace_back(std::move(t));
            return out;
        }
        if (prefix == "/market/level2:") {
            // Changes are [price, size, sequence]; size "0" removes the level, price "0" only advances
            // the sequence (legacy docs, calibration step 5).
            DepthUpdate d;
            d.exchange = name();
            d.symbol = data.value("symbol", rest);
            const auto first = field(data, "sequenceStart");
            const auto last = field(data, "sequenceEnd");
            if (!first || !last) return makeError("level2: no sequenceStart/sequenceEnd");
            d.firstUpdateId = *first;
            d.finalUpdateId = *last;
            d.eventTimeMs = field(data, "time").value_or(0);
            const json& changes = data.value("changes", json::object());
            auto bids = venue::levelsOf(changes.value("bids", json::array()), "bids");
            if (!bids) return bids.error();
            auto asks = venue::levelsOf(changes.value("asks", json::array()), "asks");
            if (!asks) return asks.error();
            const auto pricedOnly = [](std::vector<PriceLevel>& v) {
                v.erase(std::remove_if(v.begin(), v.end(), [](const PriceLevel& l) { return l.price.isZero(); }), v.end());
            };
            pricedOnly(*bids);
            pricedOnly(*asks);
            d.bids = std::move(*bids);
            d.asks = std::move(*asks);
            out.emplace_back(std::move(d));
            return out;
        }
        if (prefix == "/spotMarket/level2Depth5:" || prefix == "/spotMarket/level2Depth50:") {
            DepthSnapshot s;
            s.exchange = name();
            s.symbol = rest;
            s.depthLevels = prefix == "/spotMarket/level2Depth5:" ? 5 : 50;
            auto bids = venue::levelsOf(data.value("bids", json::array()), "bids");
            if (!bids) return bids.error();
            auto asks = venue::levelsOf(data.value("asks", json::array()), "asks");
            if (!asks) return asks.error();
            s.bids = std::move(*bids);
            s.asks = std::move(*asks);
            out.emplace_back(std::move(s));
            return out;
        }
        if (prefix == "/market/ticker:") {
            BookTicker b;
            b.exchange = name();
            b.symbol = rest;
            b.updateId = field(data, "sequence").value_or(0);
            const std::pair<Decimal*, const char*> decimals[] = {{&b.bidPrice, "bestBid"},
                                                                 {&b.bidQuantity, "bestBidSize"},
                                                                 {&b.askPrice, "bestAsk"},
                                                                 {&b.askQuantity, "bestAskSize"}};
            for (auto [f, key] : decimals) {
                const auto v = decimalField(data, key);
                if (!v) return makeError(std::string("ticker: \"") + key + "\" missing or not a decimal");
                *f = *v;
            }
            out.emplace_back(std::move(b));
            return out;
        }
        if (prefix == "/market/snapshot:") {
            // {"data":{"sequence":…,"data":{"symbol":…,"high":…,"low":…,"vol":…,"volValue":…,
            //  "lastTradedPrice":…,"changePrice":…,"changeRate":…,"buy":…,"sell":…,"datetime":…}}}
            // The legacy docs show "data.data" as an object (one symbol) and as an array.
            json items = data.value("data", json::object());
            if (items.is_object()) items = json::array({items});
            if (!items.is_array()) return makeError("snapshot: \"data.data\" is neither an object nor an array");
            for (const json& s : items) {
                if (!s.is_object()) return makeError("snapshot: an item of \"data.data\" is not an object");
                Ticker24h t;
                t.exchange = name();
                t.symbol = s.value("symbol", rest);
                t.eventTimeMs = field(s, "datetime").value_or(0);
                const std::pair<Decimal*, const char*> decimals[] = {
                    {&t.lastPrice, "lastTradedPrice"}, {&t.high, "high"}, {&t.low, "low"}, {&t.volume, "vol"},
                    {&t.quoteVolume, "volValue"},      {&t.priceChange, "changePrice"}};
                for (auto [f, key] : decimals) {
                    const auto v = decimalField(s, key);
                    if (!v) return makeError(std::string("snapshot: \"") + key + "\" missing or not a number");
                    *f = *v;
                }
                t.open = decimalField(s, "open").value_or(t.lastPrice - t.priceChange);
                if (const auto rate = decimalField(s, "changeRate"))
                    t.priceChangePercent = Decimal::fromUnits(rate->units() * 100);
                t.bidPrice = decimalField(s, "buy").value_or(Decimal{});
                t.askPrice = decimalField(s, "sell").value_or(Decimal{});
                out.emplace_back(std::move(t));
            }
            return out;
        }
        return out;
    });
}

}  // namespace cpc::exchange
