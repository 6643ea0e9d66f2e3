#include "cpc/exchange/okx/okx_adapter.hpp"

#include <algorithm>

#include "common/guarded_parse.hpp"
#include "common/venue_json.hpp"
#include "cpc/core/ascii.hpp"

namespace cpc::exchange {

using venue::json;

namespace {

std::optional<std::int64_t> field(const json& o, const char* key) {
    const auto it = o.find(key);
    return it == o.end() ? std::nullopt : venue::intOf(*it);
}
std::optional<Decimal> decimalField(const json& o, const char* key) {
    const auto it = o.find(key);
    return it == o.end() ? std::nullopt : venue::decimalOf(*it);
}

// Channel of a spec on OKX: candle channels on /ws/v5/business, the rest on /ws/v5/public.
struct Channel {
    std::string channel;
    bool business = false;
};

Channel channelOf(const OkxAdapter& a, const StreamSpec& s) {
    switch (s.kind) {
        case StreamKind::Kline: {
            const auto src = a.nativeSourceInterval(s.interval).value_or(Interval::M1);
            return {"candle" + OkxAdapter::barCode(src).value_or("1m"), true};
        }
        case StreamKind::Trade:
        case StreamKind::AggTrade: return {"trades", false};  // already one message per taker order and price
        case StreamKind::Depth: return {"books", false};      // 400 levels, snapshot + updates
        case StreamKind::PartialDepth: return {"books5", false};
        case StreamKind::BookTicker: return {"bbo-tbt", false};
        case StreamKind::Ticker:
        case StreamKind::MiniTicker: return {"tickers", false};
        case StreamKind::MarkPrice: return {"mark-price", false};
        case StreamKind::Funding: return {"funding-rate", false};
        case StreamKind::OpenInterest: return {"open-interest", false};
        case StreamKind::Liquidation: return {"liquidation-orders", false};
    }
    return {"tickers", false};
}

// liquidation-orders is one channel per instrument type, not per instrument.
constexpr const char* kSwapType = "SWAP";

json argOf(const OkxAdapter& a, const StreamSpec& s) {
    const std::string channel = channelOf(a, s).channel;
    if (s.kind == StreamKind::Liquidation) return {{"channel", channel}, {"instType", kSwapType}};
    return {{"channel", channel}, {"instId", toUpperAscii(s.symbol)}};
}

std::string controlMessage(const OkxAdapter& a, const char* op, const std::vector<StreamSpec>& streams,
                           std::int64_t id) {
    json args = json::array();
    for (const auto& s : streams) {
        args.push_back(argOf(a, s));
        // A swap's mark-price channel has no index price: index-tickers of its index ("BTC-USDT",
        // the instrument without "-SWAP"; /ws/v5/public, pushed every 100 ms on change, else each
        // minute) is part of the MarkPrice stream.
        const std::string inst = toUpperAscii(s.symbol);
        if (s.kind == StreamKind::MarkPrice && a.market() == MarketType::Perp && inst.ends_with("-SWAP"))
            args.push_back({{"channel", "index-tickers"}, {"instId", inst.substr(0, inst.size() - 5)}});
    }
    json j;
    j["id"] = std::to_string(id);
    j["op"] = op;
    j["args"] = std::move(args);
    return j.dump();
}

}  // namespace

// ---- intervals -------------------------------------------------------------------------------
// Bars: https://www.okx.com/docs-v5/en/#order-book-trading-market-data-get-candlesticks-history and
// the candle channels of https://www.okx.com/docs-v5/en/#order-book-trading-market-data-ws-candlesticks-channel.

std::optional<std::string> OkxAdapter::barCode(Interval interval) {
    switch (interval) {
        case Interval::S1: return "1s";
        case Interval::M1: return "1m";
        case Interval::M3: return "3m";
        case Interval::M5: return "5m";
        case Interval::M15: return "15m";
        case Interval::M30: return "30m";
        case Interval::H1: return "1H";
        case Interval::H2: return "2H";
        case Interval::H4: return "4H";
        case Interval::H6: return "6Hutc";
        case Interval::H12: return "12Hutc";
        case Interval::D1: return "1Dutc";
        case Interval::D3: return "3Dutc";
        case Interval::W1: return "1Wutc";
        case Interval::Mo1: return "1Mutc";
        case Interval::H8: return std::nullopt;
    }
    return std::nullopt;
}

std::optional<Interval> OkxAdapter::parseBarCode(std::string_view code) {
    return venue::intervalWithCode(code, [](Interval i) { return barCode(i); });
}

bool OkxAdapter::isNativeInterval(Interval interval) const {
    // 3Dutc is not anchored at the listing day as our 3d is, and the weekday 1Wutc starts on is
    // undocumented: both are built from 1d. 8h does not exist.
    return interval != Interval::D3 && interval != Interval::W1 && barCode(interval).has_value();
}

std::string OkxAdapter::symbolFor(std::string_view base, std::string_view quote) const {
    return std::string(base) + "-" + std::string(quote) + (swap() ? "-SWAP" : "");
}

bool OkxAdapter::hasStream(const StreamSpec& spec) const {
    switch (spec.kind) {
        case StreamKind::MarkPrice:
        case StreamKind::Funding:
        case StreamKind::OpenInterest:
        case StreamKind::Liquidation: return swap();
        default: return true;
    }
}

// ---- streams ---------------------------------------------------------------------------------

std::string OkxAdapter::streamName(const StreamSpec& spec) const {
    if (spec.kind == StreamKind::Liquidation) return channelOf(*this, spec).channel + ":" + kSwapType;
    return channelOf(*this, spec).channel + ":" + toUpperAscii(spec.symbol);
}

std::string OkxAdapter::streamUrl(const std::vector<StreamSpec>& streams) const {
    const bool business = !streams.empty() && channelOf(*this, streams.front()).business;
    return m_endpoints.streamBase + (business ? "/business" : "/public");
}

std::string OkxAdapter::klineStreamUrl(const std::vector<StreamSpec>& streams) const {
    (void)streams;
    return m_endpoints.streamBase + "/business";
}

std::string OkxAdapter::subscribeMessage(const std::vector<StreamSpec>& streams, std::int64_t id) const {
    return controlMessage(*this, "subscribe", streams, id);
}

std::string OkxAdapter::unsubscribeMessage(const std::vector<StreamSpec>& streams, std::int64_t id) const {
    return controlMessage(*this, "unsubscribe", streams, id);
}

std::string OkxAdapter::listSubscriptionsMessage(std::int64_t id) const {
    (void)id;
    return {};
}

std::optional<std::string> OkxAdapter::heartbeatMessage(std::int64_t id) const {
    (void)id;
    // https://www.okx.com/docs-v5/en/#overview-websocket-overview: "send the String 'ping'" when
    // nothing was received for N < 30 seconds; the answer is the text "pong".
    return std::string("ping");
}

std::chrono::milliseconds OkxAdapter::streamIdleTimeout(Interval interval) const {
    (void)interval;
    // Candles push at most every second; OKX itself drops a connection silent for 30 s, and the
    // 25 s pings are answered, so 40 s of silence means the connection is gone.
    return std::chrono::seconds(40);
}

// ---- REST ------------------------------------------------------------------------------------

RestRequest OkxAdapter::historyRequest(const HistoryQuery& q) const {
    const Interval src = nativeSourceInterval(q.interval).value_or(Interval::M1);
    const int limit = std::clamp(q.limit, 1, maxHistoryLimit());
    // /market/candles keeps only the latest 1,440 rows and rejects 1s (error 51000); every page
    // with a start or an end, and every 1s page, uses /market/history-candles.
    const bool latest = !q.startTime && !q.endTime && src != Interval::S1;
    std::string target = std::string(latest ? "/api/v5/market/candles" : "/api/v5/market/history-candles") +
                         "?instId=" + toUpperAscii(q.symbol) + "&bar=" + barCode(src).value_or("1m");
    // after = rows older than ts, before = rows newer than ts (both exclusive); the answer is the
    // newest `limit` rows between, so a forward page is cut to `limit` rows from its start.
    std::optional<std::int64_t> end = q.endTime;
    if (q.startTime) {
        const std::int64_t pe = venue::pageEnd(src, *q.startTime, limit);
        end = end ? std::min(*end, pe) : pe;
    }
    if (end) target += "&after=" + std::to_string(*end + 1);
    if (q.startTime) target += "&before=" + std::to_string(*q.startTime - 1);
    target += "&limit=" + std::to_string(limit);
    return RestRequest{std::move(target), 1};
}

RestRequest OkxAdapter::depthRequest(const std::string& symbol, int limit) const {
    // sz: at most 400 per side (https://www.okx.com/docs-v5/en/#order-book-trading-market-data-get-order-book).
    return RestRequest{"/api/v5/market/books?instId=" + toUpperAscii(symbol) + "&sz=" + std::to_string(std::clamp(limit, 1, 400)), 1};
}

RestRequest OkxAdapter::exchangeInfoRequest() const {
    return RestRequest{std::string("/api/v5/public/instruments?instType=") + (swap() ? "SWAP" : "SPOT"), 1};
}

RestRequest OkxAdapter::serverTimeRequest() const { return RestRequest{"/api/v5/public/time", 1}; }

std::optional<Error> OkxAdapter::parseErrorBody(std::string_view body, int httpStatus) {
    if (const auto j = venue::parseObject(body); j && j->contains("code")) {
        const auto code = venue::intOf((*j)["code"]);
        if (code && *code != 0) {
            return Error{"OKX error " + std::to_string(*code) + ": " + j->value("msg", ""), static_cast<int>(*code)};
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

// a · b rounded half away from zero to Decimal's 8 decimals (exact for contracts of at most two
// decimals times a contract value of at most six).
Decimal product(Decimal a, Decimal b) {
    const Int128 p = a.units() * b.units();
    const Int128 q = p / Decimal::kUnitsPerOne;
    const Int128 r = p % Decimal::kUnitsPerOne;
    const Int128 half = Decimal::kUnitsPerOne / 2;
    return Decimal::fromUnits(r >= half ? q + 1 : r <= -half ? q - 1 : q);
}

Result<json> dataArray(std::string_view body, int httpStatus, const char* what) {
    if (auto e = OkxAdapter::parseErrorBody(body, httpStatus)) return *e;
    auto j = venue::parseObject(body);
    if (!j) return makeError(std::string(what) + ": response is not a JSON object");
    if (!j->contains("data") || !(*j)["data"].is_array()) return makeError(std::string(what) + ": no \"data\" array");
    return std::move((*j)["data"]);
}

// [ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm]; vol is base, volCcyQuote (or, in older
// 7/8-field rows, volCcy) is quote volume on SPOT. On SWAP vol counts contracts: volCcy is the
// base volume.
Result<Candle> candleOfRow(const json& row, std::size_t index, bool swap = false) {
    const auto where = [&](const char* what) { return makeError("candle row " + std::to_string(index) + ": " + what); };
    if (!row.is_array() || row.size() < 7) return where("expected an array of at least 7 fields");
    Candle c;
    const auto t = venue::intOf(row[0]);
    if (!t) return where("ts is not an integer");
    c.openTime = *t;
    Decimal* fields[] = {&c.open, &c.high, &c.low, &c.close, &c.volume};
    for (std::size_t f = 0; f < 5; ++f) {
        const auto d = venue::decimalOf(row[f + 1]);
        if (!d) return where("a price or volume is not a decimal");
        *fields[f] = *d;
    }
    const auto quote = venue::decimalOf(row[row.size() >= 9 ? 7 : 6]);
    if (!quote) return where("quote volume is not a decimal");
    c.quoteVolume = *quote;
    if (swap) {
        if (row.size() < 9) return where("a SWAP row has 9 fields");
        const auto base = venue::decimalOf(row[6]);
        if (!base) return where("volCcy is not a decimal");
        c.volume = *base;
    }
    c.trades = -1;  // OKX does not count trades
    c.closed = row.size() >= 8 && row.back().is_string() && row.back().get<std::string>() == "1";
    return c;
}

// A funding-rate row: {"instId","fundingRate","fundingTime","nextFundingTime","ts",…}. fundingTime
// is the settlement of the current period, the one the rate applies to: the countdown's target.
FundingUpdate fundingOf(const json& t, const std::string& exchangeName, const std::string& instId) {
    FundingUpdate f;
    f.exchange = exchangeName;
    f.symbol = t.value("instId", instId);
    f.eventTimeMs = field(t, "ts").value_or(0);
    f.rate = decimalField(t, "fundingRate");
    f.nextFundingTimeMs = field(t, "fundingTime");
    return f;
}

}  // namespace

Result<std::vector<Candle>> OkxAdapter::parseHistory(std::string_view body, int httpStatus,
                                                     std::int64_t serverNowMs) const {
    return venue::guardedParse("history-candles", [&]() -> Result<std::vector<Candle>> {
        (void)serverNowMs;  // OKX says itself which row is complete
        auto data = dataArray(body, httpStatus, "candles");
        if (!data) return data.error();
        std::vector<Candle> out;
        out.reserve(data->size());
        for (std::size_t i = 0; i < data->size(); ++i) {
            auto c = candleOfRow((*data)[i], i, swap());
            if (!c) return c.error();
            out.push_back(*c);
        }
        return venue::ascendingUnique(std::move(out));
    });
}

Result<std::vector<SymbolInfo>> OkxAdapter::parseExchangeInfo(std::string_view body, int httpStatus) const {
    return venue::guardedParse("instruments", [&]() -> Result<std::vector<SymbolInfo>> {
        auto data = dataArray(body, httpStatus, "instruments");
        if (!data) return data.error();
        std::vector<SymbolInfo> out;
        for (const json& s : *data) {
            if (!s.is_object() || !s.contains("instId") || !s["instId"].is_string()) continue;
            SymbolInfo info;
            info.symbol = s["instId"].get<std::string>();
            info.baseAsset = s.value("baseCcy", "");
            info.quoteAsset = s.value("quoteCcy", "");
            if (swap()) {
                // SWAP rows leave baseCcy/quoteCcy empty: the family "BTC-USDT" names both.
                const std::string family = s.value("instFamily", s.value("uly", ""));
                if (const auto dash = family.find('-'); dash != std::string::npos) {
                    info.baseAsset = family.substr(0, dash);
                    info.quoteAsset = family.substr(dash + 1);
                }
            }
            info.status = s.value("state", "");  // "live", "suspend", "preopen", "test"
            info.priceDecimals = venue::decimalsOf(s.value("tickSz", "0.00000001"));
            info.tickSize = decimalField(s, "tickSz").value_or(Decimal{});
            info.quantityDecimals = venue::decimalsOf(s.value("lotSz", "0.00000001"));
            out.push_back(std::move(info));
        }
        return out;
    });
}

Result<std::int64_t> OkxAdapter::parseServerTime(std::string_view body, int httpStatus) const {
    return venue::guardedParse("time", [&]() -> Result<std::int64_t> {
        auto data = dataArray(body, httpStatus, "time");
        if (!data) return data.error();
        if (data->empty() || !(*data)[0].is_object()) return makeError("time: empty \"data\"");
        const auto ts = field((*data)[0], "ts");
        if (!ts) return makeError("time: no \"ts\"");
        return *ts;
    });
}

Result<DepthSnapshot> OkxAdapter::parseDepthSnapshot(std::string_view body, int httpStatus,
                                                     const std::string& symbol) const {
    return venue::guardedParse("books", [&]() -> Result<DepthSnapshot> {
        auto data = dataArray(body, httpStatus, "books");
        if (!data) return data.error();
        if (data->empty() || !(*data)[0].is_object()) return makeError("books: empty \"data\"");
        const json& b = (*data)[0];
        DepthSnapshot snap;
        snap.exchange = name();
        snap.symbol = toUpperAscii(symbol);
        snap.lastUpdateId = field(b, "seqId").value_or(0);
        auto bids = venue::levelsOf(b.value("bids", json::array()), "bids");
        if (!bids) return bids.error();
        auto asks = venue::levelsOf(b.value("asks", json::array()), "asks");
        if (!asks) return asks.error();
        if (swap()) {
            for (auto* side : {&*bids, &*asks})
                for (PriceLevel& l : *side) {
                    const auto q = baseQuantity(snap.symbol, l.quantity, l.price);
                    if (!q) return makeError("books: no contract value (ctVal) for " + snap.symbol);
                    l.quantity = *q;
                }
        }
        snap.bids = std::move(*bids);
        snap.asks = std::move(*asks);
        return snap;
    });
}

// ---- contract values ---------------------------------------------------------------------------

std::optional<HttpRequest> OkxAdapter::streamConnectRequest() const {
    if (!swap()) return std::nullopt;
    return HttpRequest{"GET", "/api/v5/public/instruments?instType=SWAP", "", 1};
}

Result<StreamConnectInfo> OkxAdapter::parseStreamConnect(std::string_view body, int httpStatus,
                                                         std::string_view connectId) const {
    (void)connectId;
    if (!swap()) return ExchangeAdapter::parseStreamConnect(body, httpStatus, connectId);
    return venue::guardedParse("instruments (stream connect)", [&]() -> Result<StreamConnectInfo> {
        auto data = dataArray(body, httpStatus, "instruments");
        if (!data) return data.error();
        // {"instId","ctVal","ctMult","ctValCcy","ctType":"linear"|"inverse",…}; a row announced for a
        // listing has its other fields empty until minutes before it opens: skipped.
        std::map<std::string, ContractValue, std::less<>> values;
        for (const json& row : *data) {
            if (!row.is_object() || !row.contains("instId") || !row["instId"].is_string()) continue;
            const auto ctVal = decimalField(row, "ctVal");
            if (!ctVal || ctVal->isZero() || ctVal->isNegative()) continue;
            const auto ctMult = decimalField(row, "ctMult").value_or(Decimal::fromInt(1));
            const std::string type = row.value("ctType", "linear");
            values[row["instId"].get<std::string>()] =
                ContractValue{product(*ctVal, ctMult.isZero() ? Decimal::fromInt(1) : ctMult), type == "inverse"};
        }
        if (values.empty()) return makeError("instruments: no SWAP instrument with a contract value (ctVal)");
        {
            std::lock_guard lock(m_contracts->mutex);
            m_contracts->values = std::move(values);
        }
        StreamConnectInfo info;  // url empty: streamUrl()'s
        info.heartbeatInterval = heartbeatInterval();
        return info;
    });
}

std::optional<OkxAdapter::ContractValue> OkxAdapter::contractValue(std::string_view instId) const {
    std::lock_guard lock(m_contracts->mutex);
    const auto it = m_contracts->values.find(instId);
    if (it == m_contracts->values.end()) return std::nullopt;
    return it->second;
}

std::optional<Decimal> OkxAdapter::baseQuantity(std::string_view instId, Decimal contracts, Decimal price) const {
    const auto v = contractValue(toUpperAscii(instId));
    if (!v) return std::nullopt;
    if (!v->inverse) return product(contracts, v->value);
    // Inverse: each contract is worth `value` of the quote currency, i.e. value / price of the base.
    if (price.isZero() || price.isNegative()) return Decimal{};
    return Decimal::fromDouble(contracts.toDouble() * v->value.toDouble() / price.toDouble());
}

// ---- stream ----------------------------------------------------------------------------------

Result<std::vector<StreamEvent>> OkxAdapter::parseStreamMessage(std::string_view frame) const {
    return venue::guardedParse("stream frame", [&]() -> Result<std::vector<StreamEvent>> {
        std::vector<StreamEvent> out;
        if (frame == "pong") {  // the answer to our text "ping" (not JSON)
            ControlReply pong;
            pong.id = pong.message = "pong";
            out.emplace_back(std::move(pong));
            return out;
        }
        auto parsed = venue::parseObject(frame);
        if (!parsed) return makeError("stream: frame is neither \"pong\" nor a JSON object");
        const json& j = *parsed;

        if (j.contains("event")) {
            const std::string event = j.value("event", "");
            // {"event":"notice","code":"64008","msg":"The connection will soon be closed for a service
            // upgrade. Please reconnect."}: sent 30 s before the server closes the connection.
            if (event == "notice" && field(j, "code").value_or(0) == 64008) {
                out.emplace_back(ServerShutdown{0});
                return out;
            }
            ControlReply r;
            r.id = j.contains("id") && j["id"].is_string() ? j["id"].get<std::string>() : event;
            if (event == "error") {
                r.errorCode = static_cast<int>(field(j, "code").value_or(-1));
                if (r.errorCode == 0) r.errorCode = -1;
                r.message = j.value("msg", "");
            } else {
                r.message = event;
            }
            out.emplace_back(std::move(r));
            return out;
        }
        if (!j.contains("arg") || !j["arg"].is_object() || !j.contains("data") || !j["data"].is_array()) return out;
        const std::string channel = j["arg"].value("channel", "");
        const std::string instId = j["arg"].value("instId", "");
        const json& data = j["data"];
        // Swaps: a size in contracts at `price` → the base asset; an Error when the instrument's
        // contract value is not known (it was not among the instruments read before the connect).
        const auto base = [&](const std::string& inst, Decimal contracts, Decimal price,
                              const char* what) -> Result<Decimal> {
            if (!swap()) return contracts;
            if (const auto q = baseQuantity(inst, contracts, price)) return *q;
            return makeError(std::string(what) + ": no contract value (ctVal) for " + inst +
                             "; it was not among the SWAP instruments read before the connect");
        };
        const auto baseLevels = [&](const std::string& inst, std::vector<PriceLevel>& side) -> std::optional<Error> {
            for (PriceLevel& l : side) {
                auto q = base(inst, l.quantity, l.price, channel.c_str());
                if (!q) return q.error();
                l.quantity = *q;
            }
            return std::nullopt;
        };

        if (channel.starts_with("candle")) {
            const auto interval = parseBarCode(std::string_view(channel).substr(6));
            // UTC+8-aligned bars ("candle1D") and bars that are not ours ("candle1Wutc", "candle3Dutc")
            // are never subscribed.
            if (!interval || !isNativeInterval(*interval)) return out;
            for (std::size_t i = 0; i < data.size(); ++i) {
                auto c = candleOfRow(data[i], i, swap());
                if (!c) return c.error();
                KlineUpdate u;
                u.key = SeriesKey{name(), instId, *interval, m_market};
                u.candle = *c;
                out.emplace_back(std::move(u));
            }
            return out;
        }
        if (channel == "trades") {
            for (const json& t : data) {
                TradeTick tick;
                tick.exchange = name();
                tick.symbol = t.value("instId", instId);
                const auto id = field(t, "tradeId");
                const auto px = decimalField(t, "px");
                const auto sz = decimalField(t, "sz");
                const auto ts = field(t, "ts");
                if (!id || !px || !sz || !ts) return makeError("trades: missing tradeId, px, sz or ts");
                // One message per taker order and price; tradeId is the last of `count` trades.
                const std::int64_t count = std::max<std::int64_t>(1, field(t, "count").value_or(1));
                auto quantity = base(tick.symbol, *sz, *px, "trades");
                if (!quantity) return quantity.error();
                tick.tradeId = *id;
                tick.price = *px;
                tick.quantity = *quantity;
                tick.timeMs = *ts;
                tick.eventTimeMs = *ts;
                tick.buyerIsMaker = t.value("side", "") == "sell";  // side of the taker
                tick.aggregate = true;
                tick.firstTradeId = *id - count + 1;
                tick.lastTradeId = *id;
                out.emplace_back(std::move(tick));
            }
            return out;
        }
        // books (400 levels: a snapshot, then updates chained by prevSeqId → seqId) is the diff-depth
        // book; books5 pushes whole top-5 snapshots; bbo-tbt is a BookTicker only. books-l2-tbt and
        // books50-l2-tbt (login, VIP tiers) are never subscribed here and are not parsed.
        if (channel == "books" || channel == "books5" || channel == "bbo-tbt") {
            const std::string action = j.value("action", channel == "books" ? "update" : "snapshot");
            const int levels = channel == "books5" ? 5 : kDiffDepthBook;
            for (const json& b : data) {
                auto bids = venue::levelsOf(b.value("bids", json::array()), "bids");
                if (!bids) return bids.error();
                auto asks = venue::levelsOf(b.value("asks", json::array()), "asks");
                if (!asks) return asks.error();
                const std::int64_t seq = field(b, "seqId").value_or(0);
                const std::string symbol = b.value("instId", instId);
                if (auto e = baseLevels(symbol, *bids)) return *e;
                if (auto e = baseLevels(symbol, *asks)) return *e;
                if (channel == "bbo-tbt") {
                    if (bids->empty() || asks->empty()) continue;
                    BookTicker t;
                    t.exchange = name();
                    t.symbol = symbol;
                    t.updateId = seq;
                    t.bidPrice = bids->front().price;
                    t.bidQuantity = bids->front().quantity;
                    t.askPrice = asks->front().price;
                    t.askQuantity = asks->front().quantity;
                    out.emplace_back(std::move(t));
                } else if (action == "snapshot") {
                    DepthSnapshot s;
                    s.exchange = name();
                    s.symbol = symbol;
                    s.lastUpdateId = seq;
                    s.bids = std::move(*bids);
                    s.asks = std::move(*asks);
                    s.depthLevels = levels;
                    out.emplace_back(std::move(s));
                } else {
                    const auto prev = field(b, "prevSeqId");
                    if (!prev) return makeError("books: update without \"prevSeqId\"");
                    DepthUpdate d;
                    d.exchange = name();
                    d.symbol = symbol;
                    d.eventTimeMs = field(b, "ts").value_or(0);
                    d.firstUpdateId = *prev + 1;
                    d.finalUpdateId = seq;
                    d.bids = std::move(*bids);
                    d.asks = std::move(*asks);
                    d.depthLevels = levels;
                    out.emplace_back(std::move(d));
                }
            }
            return out;
        }
        if (channel == "mark-price") {
            // {"instType","instId","markPx","ts"}
            for (const json& t : data) {
                if (!t.is_object()) return makeError("mark-price: a row is not an object");
                MarkPriceUpdate m{name(), t.value("instId", instId), field(t, "ts").value_or(0), decimalField(t, "markPx"),
                                  std::nullopt};
                if (!m.markPrice) return makeError("mark-price: \"markPx\" missing or not a decimal");
                out.emplace_back(std::move(m));
            }
            return out;
        }
        if (channel == "funding-rate") {
            for (const json& t : data) {
                if (!t.is_object()) return makeError("funding-rate: a row is not an object");
                out.emplace_back(fundingOf(t, name(), instId));
            }
            return out;
        }
        if (channel == "open-interest") {
            // {"instType","instId","oi" (contracts),"oiCcy" (base),"oiUsd","ts"}: the base asset, as on
            // the other venues (a contract's size differs per instrument).
            for (const json& t : data) {
                if (!t.is_object()) return makeError("open-interest: a row is not an object");
                const auto oi = decimalField(t, "oiCcy");
                const auto ts = field(t, "ts");
                if (!oi || !ts) return makeError("open-interest: \"oiCcy\" or \"ts\" missing");
                out.emplace_back(OpenInterestUpdate{name(), t.value("instId", instId), *ts, *oi, decimalField(t, "oiUsd")});
            }
            return out;
        }
        if (channel == "liquidation-orders") {
            // {"instId","instType","uly","details":[{"side","posSide","bkPx","sz","bkLoss","ts"}]};
            // sz in contracts. Rows are not necessarily in time order.
            for (const json& t : data) {
                if (!t.is_object() || !t.contains("details") || !t["details"].is_array())
                    return makeError("liquidation-orders: a row without \"details\"");
                const std::string inst = t.value("instId", "");
                for (const json& d : t["details"]) {
                    if (!d.is_object()) return makeError("liquidation-orders: a detail is not an object");
                    const std::string side = d.value("side", "");
                    if (side != "buy" && side != "sell") return makeError("liquidation-orders: side is neither buy nor sell");
                    const auto px = decimalField(d, "bkPx");
                    const auto sz = decimalField(d, "sz");
                    const auto ts = field(d, "ts");
                    if (!px || !sz || !ts) return makeError("liquidation-orders: \"bkPx\", \"sz\" or \"ts\" missing");
                    // The liquidation order sells a long (side sell) or buys back a short. The channel
                    // carries every swap: one whose contract value is not known (listed since the
                    // connect) keeps its contracts, and says so.
                    const auto quantity = baseQuantity(inst, *sz, *px);
                    out.emplace_back(Liquidation{name(), inst, *ts, side == "sell", *px, quantity.value_or(*sz), !quantity});
                }
            }
            return out;
        }
        if (channel == "index-tickers") {
            // {"instId":"BTC-USDT","idxPx","high24h","low24h","open24h","sodUtc0","sodUtc8","ts"}: the
            // index of the swap "BTC-USDT-SWAP" (subscribed with its MarkPrice stream).
            if (!swap()) return out;
            for (const json& t : data) {
                if (!t.is_object()) return makeError("index-tickers: a row is not an object");
                const auto px = decimalField(t, "idxPx");
                if (!px) return makeError("index-tickers: \"idxPx\" missing or not a decimal");
                out.emplace_back(MarkPriceUpdate{name(), t.value("instId", instId) + "-SWAP", field(t, "ts").value_or(0),
                                                 std::nullopt, *px});
            }
            return out;
        }
        if (channel == "tickers") {
            for (const json& t : data) {
                Ticker24h tk;
                tk.exchange = name();
                tk.symbol = t.value("instId", instId);
                tk.eventTimeMs = field(t, "ts").value_or(0);
                // SPOT: vol24h is base, volCcy24h quote volume. SWAP: vol24h counts contracts,
                // volCcy24h is the base asset, and the sizes are contracts.
                Decimal volCcy;
                const std::pair<Decimal*, const char*> decimals[] = {
                    {&tk.lastPrice, "last"},  {&tk.lastQuantity, "lastSz"}, {&tk.open, "open24h"},
                    {&tk.high, "high24h"},    {&tk.low, "low24h"},          {&tk.volume, "vol24h"},
                    {&volCcy, "volCcy24h"}, {&tk.bidPrice, "bidPx"}, {&tk.bidQuantity, "bidSz"},
                    {&tk.askPrice, "askPx"},  {&tk.askQuantity, "askSz"}};
                for (auto [f, key] : decimals) {
                    const auto d = decimalField(t, key);
                    if (!d) return makeError(std::string("tickers: \"") + key + "\" missing or not a decimal");
                    *f = *d;
                }
                if (swap()) {
                    // No quote volume on SWAP: the base volume at the last price (an estimate).
                    tk.volume = volCcy;
                    tk.quoteVolume = product(volCcy, tk.lastPrice);
                    for (auto [size, price] : {std::pair{&tk.lastQuantity, tk.lastPrice}, {&tk.bidQuantity, tk.bidPrice},
                                               {&tk.askQuantity, tk.askPrice}}) {
                        auto q = base(tk.symbol, *size, price, "tickers");
                        if (!q) return q.error();
                        *size = *q;
                    }
                } else {
                    tk.quoteVolume = volCcy;
                }
                tk.priceChange = tk.lastPrice - tk.open;
                if (!tk.open.isZero())
                    tk.priceChangePercent =
                        Decimal::fromDouble(tk.priceChange.toDouble() / tk.open.toDouble() * 100.0).value_or(Decimal{});
                out.emplace_back(std::move(tk));
            }
            return out;
        }
        return out;  // channels this client does not use
    });
}

// ---- perpetual swaps: REST ----------------------------------------------------------------------

std::optional<RestRequest> OkxAdapter::premiumIndexRequest(const std::string& symbol) const {
    if (!swap()) return std::nullopt;
    // GET /api/v5/public/funding-rate (10 requests / 2 s per IP and instrument): the current rate and its settlement time.
    return RestRequest{"/api/v5/public/funding-rate?instId=" + toUpperAscii(symbol), 1};
}

Result<std::vector<StreamEvent>> OkxAdapter::parsePremiumIndex(std::string_view body, int httpStatus,
                                                               const std::string& symbol) const {
    if (!swap()) return ExchangeAdapter::parsePremiumIndex(body, httpStatus, symbol);  // spot: not a perpetual
    return venue::guardedParse("funding-rate", [&]() -> Result<std::vector<StreamEvent>> {
        auto data = dataArray(body, httpStatus, "funding-rate");
        if (!data) return data.error();
        if (data->empty() || !(*data)[0].is_object()) return makeError("funding-rate: no row");
        std::vector<StreamEvent> out;
        FundingUpdate f = fundingOf((*data)[0], name(), toUpperAscii(symbol));
        if (!f.rate) return makeError("funding-rate: \"fundingRate\" missing");
        out.emplace_back(std::move(f));
        return out;
    });
}

std::optional<RestRequest> OkxAdapter::fundingHistoryRequest(const DerivativesQuery& q) const {
    if (!swap()) return std::nullopt;
    // GET /api/v5/public/funding-rate-history: newest first, limit 1..400 (100 here, as candles);
    // after = older than, before = newer than (exclusive).
    std::string target = "/api/v5/public/funding-rate-history?instId=" + toUpperAscii(q.symbol);
    if (q.endTime) target += "&after=" + std::to_string(*q.endTime + 1);
    if (q.startTime) target += "&before=" + std::to_string(*q.startTime - 1);
    target += "&limit=" + std::to_string(std::clamp(q.limit, 1, 100));
    return RestRequest{std::move(target), 1};
}

Result<std::vector<FundingRatePoint>> OkxAdapter::parseFundingHistory(std::string_view body, int httpStatus) const {
    if (!swap()) return ExchangeAdapter::parseFundingHistory(body, httpStatus);  // spot: not a perpetual
    return venue::guardedParse("funding-rate-history", [&]() -> Result<std::vector<FundingRatePoint>> {
        auto data = dataArray(body, httpStatus, "funding-rate-history");
        if (!data) return data.error();
        std::vector<FundingRatePoint> out;
        for (std::size_t i = 0; i < data->size(); ++i) {
            // {"instId","fundingRate","realizedRate","fundingTime","method"}: realizedRate is the rate
            // actually settled, fundingRate the one predicted for the period.
            const json& row = (*data)[i];
            auto rate = row.is_object() ? decimalField(row, "realizedRate") : std::nullopt;
            if (!rate && row.is_object()) rate = decimalField(row, "fundingRate");
            const auto t = row.is_object() ? field(row, "fundingTime") : std::nullopt;
            if (!rate || !t) return makeError("funding-rate-history row " + std::to_string(i) + ": rate or time missing");
            out.push_back(FundingRatePoint{*t, *rate});
        }
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.fundingTimeMs < b.fundingTimeMs; });
        return out;
    });
}

namespace {
std::optional<std::string> oiPeriodOf(Interval i) {
    switch (i) {
        case Interval::M5: return "5m";
        case Interval::M15: return "15m";
        case Interval::M30: return "30m";
        case Interval::H1: return "1H";
        case Interval::H2: return "2H";
        case Interval::H4: return "4H";
        case Interval::D1: return "1Dutc";
        default: return std::nullopt;
    }
}
}  // namespace

std::vector<Interval> OkxAdapter::openInterestPeriods() const {
    if (!swap()) return {};
    return {Interval::M5, Interval::M15, Interval::M30, Interval::H1, Interval::H2, Interval::H4, Interval::D1};
}

std::optional<RestRequest> OkxAdapter::openInterestHistoryRequest(const DerivativesQuery& q) const {
    const auto period = oiPeriodOf(q.period);
    if (!swap() || !period) return std::nullopt;
    // GET /api/v5/rubik/stat/contracts/open-interest-history (10 requests / 2 s): rows
    // [ts, oi, oiCcy, oiUsd], newest first, the latest 1,440 only; begin/end inclusive.
    std::string target = "/api/v5/rubik/stat/contracts/open-interest-history?instId=" + toUpperAscii(q.symbol) +
                         "&period=" + *period;
    if (q.startTime) target += "&begin=" + std::to_string(*q.startTime);
    if (q.endTime) target += "&end=" + std::to_string(*q.endTime);
    target += "&limit=" + std::to_string(std::clamp(q.limit, 1, 100));
    return RestRequest{std::move(target), 1};
}

Result<std::vector<OpenInterestPoint>> OkxAdapter::parseOpenInterestHistory(std::string_view body,
                                                                            int httpStatus) const {
    if (!swap()) return ExchangeAdapter::parseOpenInterestHistory(body, httpStatus);  // spot: not a perpetual
    return venue::guardedParse("open-interest-history", [&]() -> Result<std::vector<OpenInterestPoint>> {
        auto data = dataArray(body, httpStatus, "open-interest-history");
        if (!data) return data.error();
        std::vector<OpenInterestPoint> out;
        for (std::size_t i = 0; i < data->size(); ++i) {
            const json& row = (*data)[i];
            if (!row.is_array() || row.size() < 4)
                return makeError("open-interest-history row " + std::to_string(i) + ": expected [ts, oi, oiCcy, oiUsd]");
            // [ts, oi (contracts), oiCcy (base), oiUsd]: the base asset, as the open-interest channel.
            const auto t = venue::intOf(row[0]);
            const auto oi = venue::decimalOf(row[2]);
            if (!t || !oi) return makeError("open-interest-history row " + std::to_string(i) + ": ts or oiCcy missing");
            out.push_back(OpenInterestPoint{*t, *oi, venue::decimalOf(row[3])});
        }
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.timeMs < b.timeMs; });
        return out;
    });
}

}  // namespace cpc::exchange
