// OKX v5 spot dialect: GET /api/v5/market/{candles,history-candles,books,history-trades}, /api/v5/public/{time,
// instruments} with {"code","msg","data"} bodies (errors with HTTP 200 and code != "0"), WebSocket
// /ws/v5/business (candle channels) and /ws/v5/public (trades, books, books5, bbo-tbt, tickers)
// with {"op":"subscribe","args":[{"channel","instId"}]}; the client's text "ping" is answered
// with the text "pong", a connection silent for 30 s is closed. Candle answers, pushes, errors and
// server time come from wire_okx.cpp. Instruments are spelled "BTC-USDT".
#include <algorithm>

#include <nlohmann/json.hpp>

#include "cpc/core/arith.hpp"
#include "cpc/exchange/okx/okx_adapter.hpp"
#include "dialect.hpp"
#include "dialect_util.hpp"
#include "http_routes.hpp"
#include "wire.hpp"

namespace cpc::sim {

namespace {

using json = nlohmann::json;
using exchange::OkxAdapter;

HttpReply ok(std::string body) { return HttpReply{200, std::move(body), {}}; }
HttpReply okxError(int code, const std::string& msg, int status = 200) {
    return HttpReply{status, wire::okx::error(code, msg), {}};
}

// OKX levels: [price, size, "0" (deprecated), number of orders].
json levels(const std::vector<exchange::PriceLevel>& side, std::size_t limit) {
    json out = json::array();
    for (std::size_t i = 0; i < side.size() && i < limit; ++i)
        out.push_back({side[i].price.toShortString(), side[i].quantity.toShortString(), "0", "1"});
    return out;
}

// /market/candles and /market/history-candles: the newest `limit` candles with
// before < open time < after (both exclusive), newest first.
HttpReply candlesHandler(const RestContext& ctx, bool history) {
    const auto instId = ctx.target.param("instId");
    if (!instId || instId->empty()) return okxError(50014, "Parameter instId can not be empty.");
    const SimSymbol* s = findDashed(ctx.model, *instId);
    if (!s) return okxError(51001, "Instrument ID does not exist.");
    const auto bar = ctx.target.param("bar").value_or("1m");
    const auto interval = OkxAdapter::parseBarCode(bar);
    // /market/candles has no 1s bar (error 51000, seen in the wild); history-candles has.
    if (!interval || (!history && *interval == Interval::S1)) return okxError(51000, "Parameter bar error");
    int limit = 100;
    if (const auto l = ctx.target.param("limit")) {
        const auto v = parseInteger(*l);
        if (!v || *v < 1 || *v > 300) return okxError(51000, "Parameter limit error");
        limit = static_cast<int>(*v);
    }
    std::optional<std::int64_t> after, before;
    if (const auto t = ctx.target.param("after")) {
        after = parseInteger(*t);
        if (!after) return okxError(51000, "Parameter after error");
    }
    if (const auto t = ctx.target.param("before")) {
        before = parseInteger(*t);
        if (!before) return okxError(51000, "Parameter before error");
    }
    const std::int64_t end = after ? *after - 1 : ctx.nowMs;
    if (end < 0) return ok(wire::okx::candles({}));
    auto rows = ctx.model.klines(s->symbol, *interval, std::nullopt, end, std::min(limit, MarketModel::kMaxLimit),
                                 ctx.nowMs);
    if (before) std::erase_if(rows, [&](const Candle& c) { return c.openTime <= *before; });
    return ok(wire::okx::candles(rows));
}

// /market/history-trades: the model's trades of the last 3 months, newest first, at most `limit`
// (1..100, 100 by default) — type 1 (default): after / before are trade ids (older than after,
// newer than before, both exclusive); type 2: after is a time (older than it), before is refused
// (OKX pages only by id newer). Each row one trade, with the ids the trades channel carries.
HttpReply historyTradesHandler(const RestContext& ctx) {
    const auto instId = ctx.target.param("instId");
    if (!instId || instId->empty()) return okxError(50014, "Parameter instId can not be empty.");
    const SimSymbol* s = findDashed(ctx.model, *instId);
    if (!s) return okxError(51001, "Instrument ID does not exist.");
    const std::string type = ctx.target.param("type").value_or("1");
    if (type != "1" && type != "2") return okxError(51000, "Parameter type error");
    int limit = 100;
    if (const auto l = ctx.target.param("limit")) {
        const auto v = parseInteger(*l);
        if (!v || *v < 1 || *v > 100) return okxError(51000, "Parameter limit error");
        limit = static_cast<int>(*v);
    }
    std::optional<std::int64_t> after, before;
    if (const auto t = ctx.target.param("after")) {
        after = parseInteger(*t);
        if (!after) return okxError(51000, "Parameter after error");
    }
    if (const auto t = ctx.target.param("before")) {
        before = parseInteger(*t);
        if (!before || type == "2") return okxError(51000, "Parameter before error");
    }
    constexpr std::int64_t kMinute = 60'000;
    constexpr std::int64_t kThreeMonthsMs = 90LL * 86'400'000;
    const std::int64_t oldest = std::max(s->listingMs, ctx.nowMs - kThreeMonthsMs);
    std::int64_t minute = floorDiv(ctx.nowMs, kMinute);
    if (after && type == "2") minute = std::min(minute, floorDiv(*after - 1, kMinute));
    if (after && type == "1") minute = std::min(minute, minuteOfTradeId(ctx.model, *after));
    std::vector<exchange::TradeTick> newestFirst;
    for (; minute * kMinute + kMinute > oldest && static_cast<int>(newestFirst.size()) < limit; --minute) {
        const auto trades = ctx.model.trades(s->symbol, std::max(oldest, minute * kMinute),
                                             std::min(ctx.nowMs + 1, minute * kMinute + kMinute));
        bool olderThanBefore = false;
        for (auto it = trades.rbegin(); it != trades.rend() && static_cast<int>(newestFirst.size()) < limit; ++it) {
            if (after && (type == "2" ? it->timeMs >= *after : it->tradeId >= *after)) continue;
            if (before && it->tradeId <= *before) {
                olderThanBefore = true;
                break;
            }
            newestFirst.push_back(*it);
        }
        if (olderThanBefore) break;
    }
    json data = json::array();
    for (const auto& t : newestFirst)
        data.push_back({{"instId", *instId},
                        {"tradeId", std::to_string(t.tradeId)},
                        {"px", t.price.toShortString()},
                        {"sz", t.quantity.toShortString()},
                        {"side", t.buyerIsMaker ? "sell" : "buy"},  // the taker's side
                        {"ts", std::to_string(t.timeMs)}});
    return ok(json{{"code", "0"}, {"msg", ""}, {"data", std::move(data)}}.dump());
}

HttpReply instrumentsHandler(const RestContext& ctx) {
    const auto type = ctx.target.param("instType");
    if (!type || type->empty()) return okxError(50014, "Parameter instType can not be empty.");
    json data = json::array();
    if (*type == "SPOT") {
        for (const SimSymbol& s : ctx.model.symbols()) {
            data.push_back({{"instType", "SPOT"},
                            {"instId", dashedSymbol(s)},
                            {"baseCcy", s.baseAsset},
                            {"quoteCcy", s.quoteAsset},
                            {"tickSz", stepText(s.priceDecimals)},
                            {"lotSz", stepText(s.quantityDecimals)},
                            {"minSz", stepText(s.quantityDecimals)},
                            {"listTime", std::to_string(s.listingMs)},
                            {"state", "live"}});
        }
    }
    return ok(json{{"code", "0"}, {"msg", ""}, {"data", std::move(data)}}.dump());
}

HttpReply booksHandler(const RestContext& ctx) {
    const auto instId = ctx.target.param("instId");
    if (!instId || instId->empty()) return okxError(50014, "Parameter instId can not be empty.");
    const SimSymbol* s = findDashed(ctx.model, *instId);
    if (!s) return okxError(51001, "Instrument ID does not exist.");
    std::size_t sz = 1;
    if (const auto l = ctx.target.param("sz")) {
        const auto v = parseInteger(*l);
        if (!v || *v < 1 || *v > 400) return okxError(51000, "Parameter sz error");
        sz = static_cast<std::size_t>(*v);
    }
    const std::int64_t tick = OrderBookModel::tickOf(ctx.nowMs);
    const auto book = ctx.book->book(s->symbol, tick);
    json b{{"asks", levels(book.asks, sz)}, {"bids", levels(book.bids, sz)}, {"ts", std::to_string(ctx.nowMs)}};
    return ok(json{{"code", "0"}, {"msg", ""}, {"data", json::array({std::move(b)})}}.dump());
}

json argOf(const std::string& channel, const std::string& instId) {
    return json{{"channel", channel}, {"instId", instId}};
}

// books: a snapshot (prevSeqId -1), then an update per tick whose prevSeqId is the previous
// message's seqId (ids of the book model's ticks). books5 / bbo-tbt: the top levels every tick
// they change.
class OkxBookStream final : public StreamProducer {
public:
    OkxBookStream(const OrderBookModel& book, std::string symbol, std::string instId, std::string channel)
        : m_book(book), m_symbol(std::move(symbol)), m_instId(std::move(instId)), m_channel(std::move(channel)),
          m_depth(m_channel == "books" ? 400 : m_channel == "books5" ? 5 : 1) {}

    void poll(const PollTime& now, std::vector<std::string>& out) override {
        const std::int64_t tick = OrderBookModel::tickOf(now.exchangeMs);
        if (m_last && tick <= *m_last) return;
        auto current = m_book.book(m_symbol, tick);
        if (current.bids.size() > m_depth) current.bids.resize(m_depth);
        if (current.asks.size() > m_depth) current.asks.resize(m_depth);
        const std::int64_t seq = OrderBookModel::lastUpdateId(tick);
        if (m_channel != "books") {
            if (!m_last || current.bids != m_previous.bids || current.asks != m_previous.asks)
                out.push_back(message(nullptr, current.bids, current.asks, -1, seq, now.exchangeMs));
        } else if (!m_last) {
            out.push_back(message("snapshot", current.bids, current.asks, -1, seq, now.exchangeMs));
        } else {
            const auto d = OrderBookModel::diff(m_previous, current, tick);
            out.push_back(message("update", d.bids, d.asks, m_seq, seq, now.exchangeMs));
        }
        m_seq = seq;
        m_previous = std::move(current);
        m_last = tick;
    }

private:
    std::string message(const char* action, const std::vector<exchange::PriceLevel>& bids,
                        const std::vector<exchange::PriceLevel>& asks, std::int64_t prevSeq, std::int64_t seq,
                        std::int64_t nowMs) const {
        json b{{"asks", levels(asks, asks.size())},
               {"bids", levels(bids, bids.size())},
               {"ts", std::to_string(nowMs)},
               {"seqId", seq}};
        if (m_channel == "books") b["prevSeqId"] = prevSeq;
        json j;
        j["arg"] = argOf(m_channel, m_instId);
        if (action) j["action"] = action;
        j["data"] = json::array({std::move(b)});
        return j.dump();
    }

    const OrderBookModel& m_book;
    std::string m_symbol;
    std::string m_instId;
    std::string m_channel;
    std::size_t m_depth;
    std::optional<std::int64_t> m_last;
    std::int64_t m_seq = -1;
    exchange::DepthSnapshot m_previous;
};

std::string tradesJson(const std::string& instId, const std::vector<exchange::TradeTick>& trades) {
    json data = json::array();
    for (const auto& t : trades) {
        data.push_back({{"instId", instId},
                        {"tradeId", std::to_string(t.tradeId)},
                        {"px", t.price.toShortString()},
                        {"sz", t.quantity.toShortString()},
                        {"side", t.buyerIsMaker ? "sell" : "buy"},  // the taker's side
                        {"ts", std::to_string(t.timeMs)},
                        {"count", "1"}});
    }
    return json{{"arg", argOf("trades", instId)}, {"data", std::move(data)}}.dump();
}

std::string tickerJson(const std::string& instId, const exchange::Ticker24h& t) {
    json d{{"instType", "SPOT"},
           {"instId", instId},
           {"last", t.lastPrice.toShortString()},
           {"lastSz", t.lastQuantity.toShortString()},
           {"askPx", t.askPrice.toShortString()},
           {"askSz", t.askQuantity.toShortString()},
           {"bidPx", t.bidPrice.toShortString()},
           {"bidSz", t.bidQuantity.toShortString()},
           {"open24h", t.open.toShortString()},
           {"high24h", t.high.toShortString()},
           {"low24h", t.low.toShortString()},
           {"volCcy24h", t.quoteVolume.toShortString()},
           {"vol24h", t.volume.toShortString()},
           {"ts", std::to_string(t.eventTimeMs)}};
    return json{{"arg", argOf("tickers", instId)}, {"data", json::array({std::move(d)})}}.dump();
}

class OkxDialect;

class OkxProtocol final : public WsProtocol {
public:
    OkxProtocol(const OkxDialect& dialect, bool business) : m_dialect(dialect), m_business(business) {}
    std::vector<std::string> onText(const std::string& text, WsSubscriptions& subs) override;

private:
    const OkxDialect& m_dialect;
    bool m_business;
};

class OkxDialect final : public Dialect {
public:
    explicit OkxDialect(const DialectEnv& env) : m_env(env) {
        m_routes.add({"/api/v5/market/candles", 1, [](const RestContext& c) { return candlesHandler(c, false); }, "GET",
                      {"after", "before"}});
        m_routes.add({"/api/v5/market/history-candles", 1, [](const RestContext& c) { return candlesHandler(c, true); },
                      "GET", {"after", "before"}});
        m_routes.add({"/api/v5/market/books", 1, booksHandler});
        m_routes.add({"/api/v5/market/history-trades", 1, historyTradesHandler});
        m_routes.add({"/api/v5/public/time", 1, [](const RestContext& c) { return ok(wire::okx::time(c.nowMs)); }});
        m_routes.add({"/api/v5/public/instruments", 1, instrumentsHandler});
    }

    std::string name() const override { return "okx"; }
    // OKX's 429 (code 50011) says nothing of when to ask again.
    std::vector<std::pair<std::string, std::string>> tooManyHeaders(std::int64_t, std::int64_t) const override {
        return {};
    }
    const RestRouter& routes() const override { return m_routes; }

    HttpReply restError(RestProblem problem, const std::string& message, int status) const override {
        switch (problem) {
            case RestProblem::TooMany:
            case RestProblem::Banned:  // HTTP 429, code 50011, in the words of OKX's error table
                return okxError(50011, "Rate limit reached. Please refer to API documentation and throttle requests accordingly",
                                status);
            case RestProblem::Unavailable: return okxError(50001, "Service temporarily unavailable. Try again later", status);
            case RestProblem::NotFound: {
                std::string paths;
                for (const std::string& p : m_routes.paths()) paths += (paths.empty() ? "" : ", ") + p;
                return okxError(404, message + "; the simulator serves " + paths + ", /ws/v5/business and /ws/v5/public",
                                status);
            }
            case RestProblem::BadMethod:
            case RestProblem::BadTarget: break;
        }
        return okxError(50000, message, status);
    }

    WsAccept acceptWebSocket(const ParsedTarget& target) const override {
        WsAccept a;
        if (target.path != "/ws/v5/business" && target.path != "/ws/v5/public") {
            a.rejectStatus = 404;
            a.rejectBody = wire::okx::error(60018, "unknown WebSocket path '" + target.path +
                                                            "'; the simulator serves /ws/v5/business and /ws/v5/public");
            return a;
        }
        a.protocol = std::make_unique<OkxProtocol>(*this, target.path == "/ws/v5/business");
        return a;
    }

    // Internal stream names: "<channel>:<instId>".
    std::unique_ptr<StreamProducer> createStream(std::string_view name) const override {
        const std::size_t colon = name.find(':');
        if (colon == std::string_view::npos) return nullptr;
        const std::string channel(name.substr(0, colon));
        const std::string instId(name.substr(colon + 1));
        const SimSymbol* s = findDashed(m_env.model, instId);
        if (!s) return nullptr;
        const std::string symbol = s->symbol;
        if (channel.starts_with("candle")) {
            const auto interval = OkxAdapter::parseBarCode(std::string_view(channel).substr(6));
            if (!interval) return nullptr;
            const Interval iv = *interval;
            return makeKlineProducer(m_env.model, symbol, iv, m_env.config.klinePushInterval,
                                     [channel, instId](const Candle& c, std::int64_t) {
                                         return wire::okx::candleEvent(channel, instId, c);
                                     });
        }
        if (channel == "trades")
            return makeTradeBatchProducer(m_env.model, symbol,
                                          [instId](const std::vector<exchange::TradeTick>& trades, std::int64_t,
                                                   std::vector<std::string>& out) {
                                              out.push_back(tradesJson(instId, trades));
                                          });
        if (channel == "books" || channel == "books5" || channel == "bbo-tbt")
            return std::make_unique<OkxBookStream>(m_env.book, symbol, instId, channel);
        if (channel == "tickers")
            return makeTickerProducer(m_env.model, m_env.book, symbol,
                                      [instId](const exchange::Ticker24h& t) { return tickerJson(instId, t); });
        return nullptr;
    }

    // OKX: "If there's a network problem, the system will automatically disable the connection.
    // The connection will break automatically if the subscription is not established or data has
    // not been pushed for more than 30 seconds." Clients ping with the text "ping".
    std::chrono::milliseconds heartbeatTimeout() const override { return std::chrono::seconds(30); }
    std::string malformedFrame() const override { return "{\"arg\":{\"channel\":\"candle1m\",\"instId\":"; }
    std::optional<std::string> shutdownNotice(std::int64_t) const override {
        return json{{"event", "notice"},
                    {"code", "64008"},
                    {"msg", "The connection will soon be closed for a service upgrade. Please reconnect."},
                    {"connId", "cpc-sim"}}
            .dump();
    }
    std::vector<std::string> exampleUrls(const std::string& rest, const std::string& stream) const override {
        return {rest + "/api/v5/market/candles?instId=BTC-USDT&bar=1m&limit=5",
                stream + "/ws/v5/business  (send {\"op\":\"subscribe\",\"args\":[{\"channel\":\"candle1m\",\"instId\":\"BTC-USDT\"}]})",
                stream + "/ws/v5/public  (trades, books, books5, bbo-tbt, tickers)"};
    }

    std::size_t maxStreams() const { return m_env.config.maxStreamsPerConnection; }

private:
    DialectEnv m_env;
    RestRouter m_routes;
};

std::string eventReply(const json& id, const char* event, const json& arg) {
    json j;
    if (!id.is_null()) j["id"] = id;
    j["event"] = event;
    j["arg"] = arg;
    j["connId"] = "cpc-sim";
    return j.dump();
}

std::string errorEvent(const json& id, int code, const std::string& msg) {
    json j;
    if (!id.is_null()) j["id"] = id;
    j["event"] = "error";
    j["code"] = std::to_string(code);
    j["msg"] = msg;
    j["connId"] = "cpc-sim";
    return j.dump();
}

std::vector<std::string> OkxProtocol::onText(const std::string& text, WsSubscriptions& subs) {
    if (text == "ping") return {"pong"};
    const json request = json::parse(text, nullptr, false);
    if (!request.is_object() || !request.contains("op") || !request["op"].is_string())
        return {errorEvent(nullptr, 60012, "Invalid request: " + text.substr(0, 200))};
    const json id = request.contains("id") ? request["id"] : json(nullptr);
    const std::string op = request["op"].get<std::string>();
    if (op != "subscribe" && op != "unsubscribe") return {errorEvent(id, 60012, "Invalid request: unknown op " + op)};
    if (!request.contains("args") || !request["args"].is_array() || request["args"].empty())
        return {errorEvent(id, 60012, "Invalid request: args must be a non-empty array")};
    std::vector<std::string> replies;
    for (const json& arg : request["args"]) {
        const std::string channel = arg.is_object() ? arg.value("channel", "") : "";
        const std::string instId = arg.is_object() ? arg.value("instId", "") : "";
        const std::string name = channel + ":" + instId;
        if (op == "unsubscribe") {
            subs.remove(name);
            replies.push_back(eventReply(id, "unsubscribe", arg));
            continue;
        }
        // Candle channels live on /business only, the rest on /public only.
        const bool candle = channel.starts_with("candle");
        auto producer = candle == m_business ? m_dialect.createStream(name) : nullptr;
        if (!producer) {
            replies.push_back(errorEvent(id, 60018,
                                         "Wrong URL or channel:" + channel + ",instId:" + instId +
                                             " doesn't exist. Please use the correct URL, channel and parameters "
                                             "referring to API document."));
            continue;
        }
        if (!subs.has(name)) {
            if (subs.count() >= m_dialect.maxStreams()) {
                replies.push_back(errorEvent(id, 60012, "Invalid request: too many channels on one connection"));
                continue;
            }
            subs.add(name, std::move(producer));
        }
        replies.push_back(eventReply(id, "subscribe", arg));
    }
    return replies;
}

}  // namespace

std::unique_ptr<Dialect> makeOkxDialect(const DialectEnv& env) { return std::make_unique<OkxDialect>(env); }

}  // namespace cpc::sim
