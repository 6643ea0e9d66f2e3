#include "cpc/exchange/bybit/bybit_adapter.hpp"

#include <algorithm>
#include <limits>
#include <charconv>

#include "common/guarded_parse.hpp"
#include "common/venue_json.hpp"
#include "cpc/core/ascii.hpp"

namespace cpc::exchange {

using venue::json;

namespace {


std::string topicOf(const BybitAdapter& a, const StreamSpec& s) { return a.streamName(s); }

std::string controlMessage(const char* op, const std::vector<std::string>& args, std::int64_t id) {
    json j;
    j["req_id"] = std::to_string(id);
    j["op"] = op;
    j["args"] = args;
    return j.dump();
}

// "kline.5.BTCUSDT" -> {"kline", "5", "BTCUSDT"}
std::vector<std::string_view> splitTopic(std::string_view topic) {
    std::vector<std::string_view> parts;
    std::size_t from = 0;
    while (true) {
        const std::size_t dot = topic.find('.', from);
        parts.push_back(topic.substr(from, dot == std::string_view::npos ? std::string_view::npos : dot - from));
        if (dot == std::string_view::npos) break;
        from = dot + 1;
    }
    return parts;
}

std::optional<std::int64_t> field(const json& o, const char* key) {
    const auto it = o.find(key);
    return it == o.end() ? std::nullopt : venue::intOf(*it);
}
std::optional<Decimal> decimalField(const json& o, const char* key) {
    const auto it = o.find(key);
    return it == o.end() ? std::nullopt : venue::decimalOf(*it);
}

}  // namespace

// ---- intervals -------------------------------------------------------------------------------
// https://bybit-exchange.github.io/docs/v5/enum#interval: 1 3 5 15 30 60 120 240 360 720 D W M.

std::optional<std::string> BybitAdapter::intervalCode(Interval interval) {
    switch (interval) {
        case Interval::M1: return "1";
        case Interval::M3: return "3";
        case Interval::M5: return "5";
        case Interval::M15: return "15";
        case Interval::M30: return "30";
        case Interval::H1: return "60";
        case Interval::H2: return "120";
        case Interval::H4: return "240";
        case Interval::H6: return "360";
        case Interval::H12: return "720";
        case Interval::D1: return "D";
        case Interval::W1: return "W";
        case Interval::Mo1: return "M";
        case Interval::S1:
        case Interval::H8:
        case Interval::D3: return std::nullopt;
    }
    return std::nullopt;
}

std::optional<Interval> BybitAdapter::parseIntervalCode(std::string_view code) {
    return venue::intervalWithCode(code, [](Interval i) { return intervalCode(i); });
}

bool BybitAdapter::isNativeInterval(Interval interval) const {
    // "W" exists, but Bybit does not document the weekday its weeks start on; ours are Monday
    // weeks, so 1w is built from 1d (exact whatever Bybit does).
    return interval != Interval::W1 && intervalCode(interval).has_value();
}

// ---- stream names and control messages -------------------------------------------------------

std::string BybitAdapter::streamName(const StreamSpec& spec) const {
    const std::string sym = toUpperAscii(spec.symbol);
    switch (spec.kind) {
        case StreamKind::Kline: {
            // A non-native interval has no topic; its source interval's topic is what to open.
            const auto src = nativeSourceInterval(spec.interval);
            return "kline." + intervalCode(src.value_or(Interval::M1)).value_or("1") + "." + sym;
        }
        case StreamKind::Trade:
        case StreamKind::AggTrade: return "publicTrade." + sym;  // Bybit has no aggregate trades
        // Spot book depths: 1, 50, 200 (https://bybit-exchange.github.io/docs/v5/websocket/public/orderbook).
        case StreamKind::Depth:
        case StreamKind::PartialDepth:
        case StreamKind::BookTicker: {
            const int levels = *depthLevelsOf(spec);
            return "orderbook." + std::to_string(levels == kDiffDepthBook ? kDiffDepthTopicLevels : levels) + "." + sym;
        }
        case StreamKind::Ticker:
        case StreamKind::MiniTicker:
        // Linear: the ticker carries mark, index, funding rate, next funding time, open interest.
        case StreamKind::MarkPrice:
        case StreamKind::Funding:
        case StreamKind::OpenInterest: return "tickers." + sym;
        case StreamKind::Liquidation: return "allLiquidation." + sym;
    }
    return sym;
}

bool BybitAdapter::hasStream(const StreamSpec& spec) const {
    switch (spec.kind) {
        case StreamKind::MarkPrice:
        case StreamKind::Funding:
        case StreamKind::OpenInterest:
        case StreamKind::Liquidation: return m_market == MarketType::Perp;
        default: return true;
    }
}

std::optional<int> BybitAdapter::depthLevelsOf(const StreamSpec& spec) const {
    // Every orderbook topic has its own snapshot and u sequence: orderbook.200 is the diff-depth
    // book, orderbook.1 the bookTicker (and a one-level partial depth), orderbook.50 partial depth.
    switch (spec.kind) {
        case StreamKind::Depth: return kDiffDepthBook;
        case StreamKind::PartialDepth: return spec.depthLevels <= 1 ? 1 : 50;
        case StreamKind::BookTicker: return 1;
        default: return std::nullopt;
    }
}

std::string BybitAdapter::streamUrl(const std::vector<StreamSpec>& streams) const {
    (void)streams;  // subscribed after connecting (streamsInUrl() is false)
    return m_endpoints.streamBase;
}

std::string BybitAdapter::klineStreamUrl(const std::vector<StreamSpec>& streams) const {
    return streamUrl(streams);
}

std::string BybitAdapter::subscribeMessage(const std::vector<StreamSpec>& streams, std::int64_t id) const {
    std::vector<std::string> args;
    for (const auto& s : streams) args.push_back(topicOf(*this, s));
    return controlMessage("subscribe", args, id);
}

std::string BybitAdapter::unsubscribeMessage(const std::vector<StreamSpec>& streams, std::int64_t id) const {
    std::vector<std::string> args;
    for (const auto& s : streams) args.push_back(topicOf(*this, s));
    return controlMessage("unsubscribe", args, id);
}

std::string BybitAdapter::listSubscriptionsMessage(std::int64_t id) const {
    (void)id;
    return {};
}

std::optional<std::string> BybitAdapter::heartbeatMessage(std::int64_t id) const {
    // https://bybit-exchange.github.io/docs/v5/ws/connect: {"req_id":"100001","op":"ping"}, every 20 s.
    json j;
    j["req_id"] = std::to_string(id);
    j["op"] = "ping";
    return j.dump();
}

std::chrono::milliseconds BybitAdapter::streamIdleTimeout(Interval interval) const {
    (void)interval;
    // Kline push frequency "1-60s"; the 20 s pongs also count as traffic.
    return std::chrono::seconds(75);
}

// ---- REST requests ---------------------------------------------------------------------------

RestRequest BybitAdapter::historyRequest(const HistoryQuery& q) const {
    const Interval src = nativeSourceInterval(q.interval).value_or(Interval::M1);
    const int limit = std::clamp(q.limit, 1, maxHistoryLimit());
    std::string target = "/v5/market/kline?" + category() + "&symbol=" + toUpperAscii(q.symbol) +
                         "&interval=" + intervalCode(src).value_or("1");
    // Bybit answers the newest `limit` rows of [start, end]; paging forward from `start` therefore
    // cuts the range to one page.
    std::optional<std::int64_t> end = q.endTime;
    if (q.startTime) {
        const std::int64_t pe = venue::pageEnd(src, *q.startTime, limit);
        end = end ? std::min(*end, pe) : pe;
        target += "&start=" + std::to_string(*q.startTime);
    }
    if (end) target += "&end=" + std::to_string(*end);
    target += "&limit=" + std::to_string(limit);
    return RestRequest{std::move(target), 1};
}

RestRequest BybitAdapter::depthRequest(const std::string& symbol, int limit) const {
    // Spot: limit [1, 200] (https://bybit-exchange.github.io/docs/v5/market/orderbook).
    return RestRequest{"/v5/market/orderbook?" + category() + "&symbol=" + toUpperAscii(symbol) +
                           "&limit=" + std::to_string(std::clamp(limit, 1, 200)),
                       1};
}

RestRequest BybitAdapter::exchangeInfoRequest() const {
    // Spot answers every symbol in one page (no cursor); linear pages at most 1,000 rows.
    if (m_market == MarketType::Perp) return RestRequest{"/v5/market/instruments-info?" + category() + "&limit=1000", 1};
    return RestRequest{"/v5/market/instruments-info?" + category(), 1};
}

RestRequest BybitAdapter::serverTimeRequest() const { return RestRequest{"/v5/market/time", 1}; }

// ---- REST parsers ----------------------------------------------------------------------------

std::optional<Error> BybitAdapter::parseErrorBody(std::string_view body, int httpStatus) {
    if (const auto j = venue::parseObject(body); j && j->contains("retCode")) {
        const auto code = venue::intOf((*j)["retCode"]);
        if (code && *code != 0) {
            const std::string msg = j->value("retMsg", "");
            return Error{"Bybit error " + std::to_string(*code) + ": " + msg, static_cast<int>(*code)};
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

Result<json> resultObject(std::string_view body, int httpStatus, const char* what) {
    if (auto e = BybitAdapter::parseErrorBody(body, httpStatus)) return *e;
    auto j = venue::parseObject(body);
    if (!j) return makeError(std::string(what) + ": response is not a JSON object");
    if (!j->contains("result") || !(*j)["result"].is_object())
        return makeError(std::string(what) + ": no \"result\" object");
    return std::move((*j)["result"]);
}

}  // namespace

Result<std::vector<Candle>> BybitAdapter::parseRows(std::string_view body, int httpStatus) const {
    auto result = resultObject(body, httpStatus, "kline");
    if (!result) return result.error();
    const json& list = (*result)["list"];
    if (!list.is_array()) return makeError("kline: \"result.list\" is not an array");
    std::vector<Candle> out;
    out.reserve(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
        const json& row = list[i];
        const auto where = [&](const char* what) { return makeError("kline row " + std::to_string(i) + ": " + what); };
        // [startTime, open, high, low, close, volume, turnover], all strings.
        if (!row.is_array() || row.size() < 7) return where("expected an array of 7 fields");
        Candle c;
        const auto t = venue::intOf(row[0]);
        if (!t) return where("start time is not an integer");
        c.openTime = *t;
        Decimal* fields[] = {&c.open, &c.high, &c.low, &c.close, &c.volume, &c.quoteVolume};
        for (std::size_t f = 0; f < 6; ++f) {
            const auto d = venue::decimalOf(row[f + 1]);
            if (!d) return where("a price or volume is not a decimal");
            *fields[f] = *d;
        }
        c.trades = -1;  // Bybit does not count trades
        out.push_back(c);
    }
    return out;
}

Result<std::vector<Candle>> BybitAdapter::parseHistory(std::string_view body, int httpStatus,
                                                       std::int64_t serverNowMs) const {
    return venue::guardedParse("kline", [&]() -> Result<std::vector<Candle>> {
        auto rows = parseRows(body, httpStatus);
        if (!rows) return rows.error();
        auto out = venue::ascendingUnique(std::move(*rows));
        venue::markClosedBySpacing(out, serverNowMs);
        return out;
    });
}

Result<std::vector<Candle>> BybitAdapter::parseHistoryFor(const HistoryQuery& query, std::string_view body,
                                                          int httpStatus, std::int64_t serverNowMs) const {
    return venue::guardedParse("kline", [&]() -> Result<std::vector<Candle>> {
        auto rows = parseRows(body, httpStatus);
        if (!rows) return rows.error();
        const Interval src = nativeSourceInterval(query.interval).value_or(Interval::M1);
        auto out = venue::ascendingUnique(std::move(*rows));
        for (auto& c : out) c.closed = venue::isClosedAt(src, c.openTime, serverNowMs);
        return out;
    });
}

Result<std::vector<SymbolInfo>> BybitAdapter::parseExchangeInfo(std::string_view body, int httpStatus) const {
    return venue::guardedParse("instruments-info", [&]() -> Result<std::vector<SymbolInfo>> {
        auto result = resultObject(body, httpStatus, "instruments-info");
        if (!result) return result.error();
        const json& list = (*result)["list"];
        if (!list.is_array()) return makeError("instruments-info: \"result.list\" is not an array");
        std::vector<SymbolInfo> out;
        for (const json& s : list) {
            if (!s.is_object() || !s.contains("symbol") || !s["symbol"].is_string()) continue;
            // Linear lists delivery futures too: only the perpetuals are this market's symbols.
            if (m_market == MarketType::Perp && s.value("contractType", "LinearPerpetual") != "LinearPerpetual") continue;
            SymbolInfo info;
            info.symbol = s["symbol"].get<std::string>();
            info.baseAsset = s.value("baseCoin", "");
            info.quoteAsset = s.value("quoteCoin", "");
            info.status = s.value("status", "");  // "Trading"
            if (s.contains("priceFilter") && s["priceFilter"].is_object()) {
                const std::string tick = s["priceFilter"].value("tickSize", "");
                info.priceDecimals = venue::decimalsOf(tick.empty() ? "0.00000001" : tick);
                info.tickSize = venue::decimalOf(std::string_view(tick)).value_or(Decimal{});
            }
            if (s.contains("lotSizeFilter") && s["lotSizeFilter"].is_object())
                // Spot says basePrecision, linear qtyStep.
                info.quantityDecimals = venue::decimalsOf(
                    s["lotSizeFilter"].value("basePrecision", s["lotSizeFilter"].value("qtyStep", "0.00000001")));
            out.push_back(std::move(info));
        }
        return out;
    });
}

Result<std::int64_t> BybitAdapter::parseServerTime(std::string_view body, int httpStatus) const {
    return venue::guardedParse("time", [&]() -> Result<std::int64_t> {
        auto result = resultObject(body, httpStatus, "time");
        if (!result) return result.error();
        // {"timeSecond":"1688639403","timeNano":"1688639403423213947"}
        if (const auto nano = field(*result, "timeNano")) return *nano / 1'000'000;
        if (const auto sec = field(*result, "timeSecond")) {
            if (*sec < 0 || *sec > std::numeric_limits<std::int64_t>::max() / 1000)
                return makeError("time: \"timeSecond\" " + std::to_string(*sec) + " is not a time");
            return *sec * 1000;
        }
        return makeError("time: no \"timeNano\" or \"timeSecond\"");
    });
}

Result<DepthSnapshot> BybitAdapter::parseDepthSnapshot(std::string_view body, int httpStatus,
                                                       const std::string& symbol) const {
    return venue::guardedParse("orderbook", [&]() -> Result<DepthSnapshot> {
        auto result = resultObject(body, httpStatus, "orderbook");
        if (!result) return result.error();
        DepthSnapshot snap;
        snap.exchange = name();
        snap.symbol = result->value("s", toUpperAscii(symbol));
        const auto u = field(*result, "u");
        if (!u) return makeError("orderbook: no update id \"u\"");
        snap.lastUpdateId = *u;
        auto bids = venue::levelsOf(result->value("b", json::array()), "b");
        if (!bids) return bids.error();
        auto asks = venue::levelsOf(result->value("a", json::array()), "a");
        if (!asks) return asks.error();
        snap.bids = std::move(*bids);
        snap.asks = std::move(*asks);
        return snap;
    });
}

// ---- stream ----------------------------------------------------------------------------------

namespace {

// A linear ticker (snapshot, or a delta carrying only the fields that changed): the 24 h ticker
// when whole, and the perpetual's mark/index, funding and open interest when present.
void appendLinearTicker(const json& data, const std::string& exchangeName, const std::string& topicSymbol,
                        std::int64_t ts, bool snapshot, std::vector<StreamEvent>& out) {
    const std::string symbol = data.value("symbol", topicSymbol);
    if (snapshot) {
        Ticker24h t;
        t.exchange = exchangeName;
        t.symbol = symbol;
        t.eventTimeMs = ts;
        const std::pair<Decimal*, const char*> decimals[] = {
            {&t.lastPrice, "lastPrice"}, {&t.open, "prevPrice24h"}, {&t.high, "highPrice24h"},
            {&t.low, "lowPrice24h"},     {&t.volume, "volume24h"},  {&t.quoteVolume, "turnover24h"},
            {&t.bidPrice, "bid1Price"},  {&t.bidQuantity, "bid1Size"}, {&t.askPrice, "ask1Price"},
            {&t.askQuantity, "ask1Size"}};
        bool whole = true;
        for (auto [f, key] : decimals) {
            const auto d = decimalField(data, key);
            if (!d) {
                whole = false;
                break;
            }
            *f = *d;
        }
        if (whole) {
            t.priceChange = t.lastPrice - t.open;
            if (const auto pct = decimalField(data, "price24hPcnt"))
                t.priceChangePercent = Decimal::fromUnits(pct->units() * 100);
            out.emplace_back(std::move(t));
        }
    }
    MarkPriceUpdate m{exchangeName, symbol, ts, decimalField(data, "markPrice"), decimalField(data, "indexPrice")};
    if (m.markPrice || m.indexPrice) out.emplace_back(std::move(m));
    FundingUpdate f{exchangeName, symbol, ts, decimalField(data, "fundingRate"), field(data, "nextFundingTime")};
    if (f.rate || f.nextFundingTimeMs) out.emplace_back(std::move(f));
    if (const auto oi = decimalField(data, "openInterest"))
        out.emplace_back(OpenInterestUpdate{exchangeName, symbol, ts, *oi, decimalField(data, "openInterestValue")});
}

}  // namespace

Result<std::vector<StreamEvent>> BybitAdapter::parseStreamMessage(std::string_view frame) const {
    return venue::guardedParse("stream frame", [&]() -> Result<std::vector<StreamEvent>> {
        auto parsed = venue::parseObject(frame);
        if (!parsed) return makeError("stream: frame is not a JSON object");
        const json& j = *parsed;
        std::vector<StreamEvent> out;

        // Replies: {"success":true,"ret_msg":"","op":"subscribe","conn_id":"…","req_id":"7"} and the
        // pong {"success":true,"ret_msg":"pong","conn_id":"…","op":"ping"}.
        if (j.contains("op") && j.contains("success")) {
            ControlReply r;
            const std::string op = j.value("op", "");
            r.id = j.contains("req_id") && j["req_id"].is_string() ? j["req_id"].get<std::string>() : op;
            r.message = j.value("ret_msg", "");
            if (!j["success"].is_boolean() || !j["success"].get<bool>()) {
                r.errorCode = -1;  // Bybit's subscribe replies carry no code, only ret_msg
                if (r.message.empty()) r.message = op + " failed";
            }
            out.emplace_back(std::move(r));
            return out;
        }
        if (!j.contains("topic") || !j["topic"].is_string()) return out;  // other system messages
        const std::string topic = j["topic"].get<std::string>();
        const auto parts = splitTopic(topic);
        const std::int64_t ts = field(j, "ts").value_or(0);
        const std::string type = j.value("type", "");
        if (!j.contains("data")) return makeError("stream: " + topic + " without \"data\"");
        const json& data = j["data"];

        if (parts[0] == "kline") {
            if (parts.size() != 3) return makeError("stream: bad kline topic " + topic);
            const auto interval = parseIntervalCode(parts[1]);
            if (!interval) return makeError("stream: unknown Bybit interval in " + topic);
            if (!isNativeInterval(*interval)) return out;  // "W": not our weeks, never subscribed
            if (!data.is_array()) return makeError("kline: \"data\" is not an array");
            for (const json& k : data) {
                KlineUpdate u;
                u.key = SeriesKey{name(), std::string(parts[2]), *interval, m_market};
                const auto start = field(k, "start");
                if (!start) return makeError("kline: no \"start\"");
                u.candle.openTime = *start;
                const std::pair<Decimal*, const char*> decimals[] = {
                    {&u.candle.open, "open"},     {&u.candle.high, "high"},         {&u.candle.low, "low"},
                    {&u.candle.close, "close"},   {&u.candle.volume, "volume"},     {&u.candle.quoteVolume, "turnover"}};
                for (auto [f, key] : decimals) {
                    const auto d = decimalField(k, key);
                    if (!d) return makeError(std::string("kline: \"") + key + "\" missing or not a decimal");
                    *f = *d;
                }
                u.candle.trades = -1;
                if (!k.contains("confirm") || !k["confirm"].is_boolean()) return makeError("kline: no \"confirm\"");
                u.candle.closed = k["confirm"].get<bool>();
                u.eventTimeMs = field(k, "timestamp").value_or(ts);
                out.emplace_back(std::move(u));
            }
            return out;
        }
        if (parts[0] == "publicTrade") {
            if (!data.is_array()) return makeError("publicTrade: \"data\" is not an array");
            for (const json& t : data) {
                TradeTick tick;
                tick.exchange = name();
                tick.symbol = t.value("s", parts.size() > 1 ? std::string(parts[1]) : std::string());
                const auto p = decimalField(t, "p");
                const auto v = decimalField(t, "v");
                const auto time = field(t, "T");
                if (!p || !v || !time) return makeError("publicTrade: missing price \"p\", size \"v\" or time \"T\"");
                tick.price = *p;
                tick.quantity = *v;
                tick.timeMs = *time;
                // Trade id "i" is a string; numeric on spot, a UUID in the doc's (linear) example: 0 then.
                tick.tradeId = field(t, "i").value_or(0);
                tick.firstTradeId = tick.lastTradeId = tick.tradeId;
                tick.buyerIsMaker = t.value("S", "") == "Sell";  // S is the taker's side
                tick.eventTimeMs = ts;
                out.emplace_back(std::move(tick));
            }
            return out;
        }
        if (parts[0] == "orderbook") {
            if (parts.size() != 3 || !data.is_object()) return makeError("orderbook: bad topic or \"data\"");
            // orderbook.<depth>.<symbol>: each depth is a book of its own (snapshot, u sequence).
            int topicLevels = 0;
            const auto [end, ec] = std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), topicLevels);
            if (ec != std::errc() || end != parts[1].data() + parts[1].size() || topicLevels < 1)
                return makeError("orderbook: bad depth in " + topic);
            const int levels = topicLevels == kDiffDepthTopicLevels ? kDiffDepthBook : topicLevels;
            const auto u = field(data, "u");
            if (!u) return makeError("orderbook: no update id \"u\"");
            auto bids = venue::levelsOf(data.value("b", json::array()), "b");
            if (!bids) return bids.error();
            auto asks = venue::levelsOf(data.value("a", json::array()), "a");
            if (!asks) return asks.error();
            const std::string symbol = data.value("s", std::string(parts[2]));
            if (parts[1] == "1" && !bids->empty() && !asks->empty()) {
                BookTicker b;
                b.exchange = name();
                b.symbol = symbol;
                b.updateId = *u;
                b.bidPrice = bids->front().price;
                b.bidQuantity = bids->front().quantity;
                b.askPrice = asks->front().price;
                b.askQuantity = asks->front().quantity;
                out.emplace_back(std::move(b));
            }
            // A snapshot (type "snapshot", or u == 1 after a service restart) replaces the book.
            if (type == "snapshot" || *u == 1) {
                DepthSnapshot s;
                s.exchange = name();
                s.symbol = symbol;
                s.lastUpdateId = *u;
                s.bids = std::move(*bids);
                s.asks = std::move(*asks);
                s.depthLevels = levels;
                out.emplace_back(std::move(s));
            } else {
                DepthUpdate d;
                d.exchange = name();
                d.symbol = symbol;
                d.eventTimeMs = ts;
                d.firstUpdateId = d.finalUpdateId = *u;
                d.bids = std::move(*bids);
                d.asks = std::move(*asks);
                d.depthLevels = levels;
                out.emplace_back(std::move(d));
            }
            return out;
        }
        if (parts[0] == "allLiquidation") {
            // {"topic":"allLiquidation.ROSEUSDT","type":"snapshot","ts":…,"data":[{"T","s","S","v","p"}]}
            if (!data.is_array()) return makeError("allLiquidation: \"data\" is not an array");
            for (const json& row : data) {
                if (!row.is_object()) return makeError("allLiquidation: a row is not an object");
                Liquidation l;
                l.exchange = name();
                l.symbol = row.value("s", parts.size() > 1 ? std::string(parts[1]) : std::string());
                const std::string side = row.value("S", "");
                if (side != "Buy" && side != "Sell") return makeError("allLiquidation: side \"S\" is neither Buy nor Sell");
                l.longLiquidated = side == "Buy";  // Bybit: "Buy" means a long position was liquidated
                const auto t = field(row, "T");
                const auto v = decimalField(row, "v");
                const auto p = decimalField(row, "p");
                if (!t || !v || !p) return makeError("allLiquidation: time \"T\", size \"v\" or price \"p\" missing");
                l.timeMs = *t;
                l.quantity = *v;
                l.price = *p;
                out.emplace_back(std::move(l));
            }
            return out;
        }
        if (parts[0] == "tickers" && m_market == MarketType::Perp) {
            if (!data.is_object()) return makeError("tickers: \"data\" is not an object");
            appendLinearTicker(data, name(), parts.size() > 1 ? std::string(parts[1]) : std::string(), ts,
                               type != "delta", out);
            return out;
        }
        if (parts[0] == "tickers") {
            if (!data.is_object()) return makeError("tickers: \"data\" is not an object");
            // Spot: lastPrice, highPrice24h, lowPrice24h, prevPrice24h, volume24h, turnover24h,
            // price24hPcnt (a fraction: -0.0049 is -0.49 %). No bid/ask on spot: a mini ticker.
            Ticker24h t;
            t.exchange = name();
            t.symbol = data.value("symbol", parts.size() > 1 ? std::string(parts[1]) : std::string());
            t.mini = true;
            t.eventTimeMs = ts;
            const std::pair<Decimal*, const char*> decimals[] = {
                {&t.lastPrice, "lastPrice"}, {&t.open, "prevPrice24h"},   {&t.high, "highPrice24h"},
                {&t.low, "lowPrice24h"},     {&t.volume, "volume24h"},    {&t.quoteVolume, "turnover24h"}};
            for (auto [f, key] : decimals) {
                const auto d = decimalField(data, key);
                if (!d) return makeError(std::string("tickers: \"") + key + "\" missing or not a decimal");
                *f = *d;
            }
            t.priceChange = t.lastPrice - t.open;
            if (const auto pct = decimalField(data, "price24hPcnt"))
                t.priceChangePercent = Decimal::fromUnits(pct->units() * 100);
            out.emplace_back(std::move(t));
            return out;
        }
        return out;  // topics this client does not use
    });
}

// ---- linear perpetuals: REST -------------------------------------------------------------------

std::optional<RestRequest> BybitAdapter::premiumIndexRequest(const std::string& symbol) const {
    if (m_market != MarketType::Perp) return std::nullopt;
    return RestRequest{"/v5/market/tickers?" + category() + "&symbol=" + toUpperAscii(symbol), 1};
}

Result<std::vector<StreamEvent>> BybitAdapter::parsePremiumIndex(std::string_view body, int httpStatus,
                                                                 const std::string& symbol) const {
    if (m_market != MarketType::Perp) return ExchangeAdapter::parsePremiumIndex(body, httpStatus, symbol);  // spot: not a perpetual
    return venue::guardedParse("tickers", [&]() -> Result<std::vector<StreamEvent>> {
        auto result = resultObject(body, httpStatus, "tickers");
        if (!result) return result.error();
        const json& list = (*result)["list"];
        if (!list.is_array() || list.empty() || !list[0].is_object()) return makeError("tickers: \"result.list\" is empty");
        std::vector<StreamEvent> out;
        // The values are as of the answer's "time" (the venue's clock), not of the epoch.
        std::int64_t at = 0;
        if (const auto j = venue::parseObject(body); j && j->contains("time")) at = venue::intOf((*j)["time"]).value_or(0);
        appendLinearTicker(list[0], name(), toUpperAscii(symbol), at, true, out);
        std::erase_if(out, [](const StreamEvent& e) { return std::holds_alternative<Ticker24h>(e); });
        if (out.empty()) return makeError("tickers: no mark price or funding rate");
        return out;
    });
}

namespace {
std::string bybitRange(const DerivativesQuery& q) {
    std::string out;
    if (q.startTime) out += "&startTime=" + std::to_string(*q.startTime);
    if (q.endTime) out += "&endTime=" + std::to_string(*q.endTime);
    return out;
}
}  // namespace

std::optional<RestRequest> BybitAdapter::fundingHistoryRequest(const DerivativesQuery& q) const {
    if (m_market != MarketType::Perp) return std::nullopt;
    // GET /v5/market/funding/history: limit 1..200, newest first. A startTime without an endTime
    // is refused: a forward page ends `limit` hours on (periods are 1 h or longer, so the range
    // never holds more than one page and the answer, the newest rows of it, skips nothing).
    DerivativesQuery ranged = q;
    const int limit = std::clamp(q.limit, 1, 200);
    if (ranged.startTime && !ranged.endTime) ranged.endTime = *ranged.startTime + std::int64_t{limit} * 3'600'000;
    return RestRequest{"/v5/market/funding/history?" + category() + "&symbol=" + toUpperAscii(q.symbol) +
                           bybitRange(ranged) + "&limit=" + std::to_string(limit),
                       1};
}

Result<std::vector<FundingRatePoint>> BybitAdapter::parseFundingHistory(std::string_view body, int httpStatus) const {
    if (m_market != MarketType::Perp) return ExchangeAdapter::parseFundingHistory(body, httpStatus);  // spot: not a perpetual
    return venue::guardedParse("funding/history", [&]() -> Result<std::vector<FundingRatePoint>> {
        auto result = resultObject(body, httpStatus, "funding/history");
        if (!result) return result.error();
        const json& list = (*result)["list"];
        if (!list.is_array()) return makeError("funding/history: \"result.list\" is not an array");
        std::vector<FundingRatePoint> out;
        for (std::size_t i = 0; i < list.size(); ++i) {
            // {"symbol","fundingRate","fundingRateTimestamp"}
            const json& row = list[i];
            const auto rate = row.is_object() ? decimalField(row, "fundingRate") : std::nullopt;
            const auto t = row.is_object() ? field(row, "fundingRateTimestamp") : std::nullopt;
            if (!rate || !t) return makeError("funding/history row " + std::to_string(i) + ": rate or time missing");
            out.push_back(FundingRatePoint{*t, *rate});
        }
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.fundingTimeMs < b.fundingTimeMs; });
        return out;
    });
}

namespace {
std::optional<std::string> intervalTimeOf(Interval i) {
    switch (i) {
        case Interval::M5: return "5min";
        case Interval::M15: return "15min";
        case Interval::M30: return "30min";
        case Interval::H1: return "1h";
        case Interval::H4: return "4h";
        case Interval::D1: return "1d";
        default: return std::nullopt;
    }
}
}  // namespace

std::vector<Interval> BybitAdapter::openInterestPeriods() const {
    if (m_market != MarketType::Perp) return {};
    return {Interval::M5, Interval::M15, Interval::M30, Interval::H1, Interval::H4, Interval::D1};
}

std::optional<RestRequest> BybitAdapter::openInterestHistoryRequest(const DerivativesQuery& q) const {
    const auto code = intervalTimeOf(q.period);
    if (m_market != MarketType::Perp || !code) return std::nullopt;
    // GET /v5/market/open-interest: intervalTime, limit 1..200 (default 50), newest first.
    return RestRequest{"/v5/market/open-interest?" + category() + "&symbol=" + toUpperAscii(q.symbol) +
                           "&intervalTime=" + *code + bybitRange(q) + "&limit=" +
                           std::to_string(std::clamp(q.limit, 1, 200)),
                       1};
}

Result<std::vector<OpenInterestPoint>> BybitAdapter::parseOpenInterestHistory(std::string_view body,
                                                                              int httpStatus) const {
    if (m_market != MarketType::Perp) return ExchangeAdapter::parseOpenInterestHistory(body, httpStatus);  // spot: not a perpetual
    return venue::guardedParse("open-interest", [&]() -> Result<std::vector<OpenInterestPoint>> {
        auto result = resultObject(body, httpStatus, "open-interest");
        if (!result) return result.error();
        const json& list = (*result)["list"];
        if (!list.is_array()) return makeError("open-interest: \"result.list\" is not an array");
        std::vector<OpenInterestPoint> out;
        for (std::size_t i = 0; i < list.size(); ++i) {
            // {"openInterest","timestamp"}
            const json& row = list[i];
            const auto oi = row.is_object() ? decimalField(row, "openInterest") : std::nullopt;
            const auto t = row.is_object() ? field(row, "timestamp") : std::nullopt;
            if (!oi || !t) return makeError("open-interest row " + std::to_string(i) + ": value or time missing");
            out.push_back(OpenInterestPoint{*t, *oi, std::nullopt});
        }
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.timeMs < b.timeMs; });
        return out;
    });
}

}  // namespace cpc::exchange
