// Bybit v5 spot dialect: GET /v5/market/{kline,time,instruments-info,orderbook} with
// {"retCode","retMsg","result"} bodies (errors answered with HTTP 200 and retCode != 0, as Bybit),
// WebSocket /v5/public/spot with {"op":"subscribe"|"unsubscribe"|"ping"} and the kline,
// publicTrade, orderbook and tickers topics; the client pings, a silent connection is closed.
// Candle answers, pushes, errors, server time and replies come from wire_bybit.cpp.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "cpc/core/time.hpp"
#include "cpc/exchange/bybit/bybit_adapter.hpp"
#include "cpc/sim/ticker_model.hpp"
#include "dialect.hpp"
#include "dialect_util.hpp"
#include "wire.hpp"

namespace cpc::sim {

namespace {

using json = nlohmann::json;
using exchange::BybitAdapter;

constexpr int kParamError = 10001;  // Bybit: "params error" family (unknown symbol, bad interval…)

HttpReply ok(std::string body) { return HttpReply{200, std::move(body), {}}; }

HttpReply paramError(const RestContext& ctx, const std::string& msg) {
    return ok(wire::bybit::error(kParamError, msg, ctx.nowMs));
}

std::vector<std::string_view> splitDots(std::string_view topic) {
    std::vector<std::string_view> parts;
    while (true) {
        const std::size_t dot = topic.find('.');
        parts.push_back(topic.substr(0, dot));
        if (dot == std::string_view::npos) break;
        topic.remove_prefix(dot + 1);
    }
    return parts;
}

// Category: only spot is simulated (Bybit's default category is linear, so it must be sent).
std::optional<HttpReply> checkCategory(const RestContext& ctx) {
    const auto category = ctx.target.param("category");
    if (!category || category->empty()) return paramError(ctx, "params error: category is required");
    if (*category != "spot") return paramError(ctx, "params error: category only support spot");
    return std::nullopt;
}

const SimSymbol* findSymbol(const RestContext& ctx) {
    const auto symbol = ctx.target.param("symbol");
    return symbol ? ctx.model.find(*symbol) : nullptr;
}

// GET /v5/market/kline?category=spot&symbol=S&interval=I[&start][&end][&limit]: the newest `limit`
// candles (default 200, 1..1000) whose open time is in [start, end], newest first.
HttpReply klineHandler(const RestContext& ctx) {
    if (auto e = checkCategory(ctx)) return *e;
    const SimSymbol* s = findSymbol(ctx);
    if (!s) return paramError(ctx, "Not supported symbols");
    const auto code = ctx.target.param("interval");
    const auto interval = code ? BybitAdapter::parseIntervalCode(*code) : std::nullopt;
    if (!interval) return paramError(ctx, "Invalid period!");
    int limit = 200;
    if (const auto l = ctx.target.param("limit")) {
        const auto v = parseInteger(*l);
        if (!v || *v < 1 || *v > 1000) return paramError(ctx, "params error: limit must be in [1, 1000]");
        limit = static_cast<int>(*v);
    }
    std::optional<std::int64_t> start, end;
    if (const auto t = ctx.target.param("start")) {
        start = parseInteger(*t);
        if (!start) return paramError(ctx, "params error: start is not an integer");
    }
    if (const auto t = ctx.target.param("end")) {
        end = parseInteger(*t);
        if (!end) return paramError(ctx, "params error: end is not an integer");
    }
    auto rows = ctx.model.klines(s->symbol, *interval, std::nullopt, end.value_or(ctx.nowMs), limit, ctx.nowMs);
    if (start) std::erase_if(rows, [&](const Candle& c) { return c.openTime < *start; });
    return ok(wire::bybit::klineList(s->symbol, rows, ctx.nowMs));
}

HttpReply instrumentsHandler(const RestContext& ctx) {
    if (auto e = checkCategory(ctx)) return *e;
    const auto only = ctx.target.param("symbol");
    json list = json::array();
    for (const SimSymbol& s : ctx.model.symbols()) {
        if (only && *only != s.symbol) continue;
        list.push_back({{"symbol", s.symbol},
                        {"baseCoin", s.baseAsset},
                        {"quoteCoin", s.quoteAsset},
                        {"innovation", "0"},
                        {"status", "Trading"},
                        {"marginTrading", "none"},
                        {"lotSizeFilter",
                         {{"basePrecision", stepText(s.quantityDecimals)},
                          {"quotePrecision", stepText(s.priceDecimals)},
                          {"minOrderQty", stepText(s.quantityDecimals)},
                          {"maxOrderQty", "100000"}}},
                        {"priceFilter", {{"tickSize", stepText(s.priceDecimals)}}}});
    }
    if (only && list.empty()) return paramError(ctx, "Not supported symbols");
    json j;
    j["retCode"] = 0;
    j["retMsg"] = "OK";
    j["result"] = {{"category", "spot"}, {"list", std::move(list)}};
    j["retExtInfo"] = json::object();
    j["time"] = ctx.nowMs;
    return ok(j.dump());
}

// GET /v5/market/orderbook?category=spot&symbol=S[&limit=1..200] (default 1).
HttpReply orderbookHandler(const RestContext& ctx) {
    if (auto e = checkCategory(ctx)) return *e;
    const SimSymbol* s = findSymbol(ctx);
    if (!s) return paramError(ctx, "Not supported symbols");
    std::size_t limit = 1;
    if (const auto l = ctx.target.param("limit")) {
        const auto v = parseInteger(*l);
        if (!v || *v < 1 || *v > 200) return paramError(ctx, "params error: limit must be in [1, 200]");
        limit = static_cast<std::size_t>(*v);
    }
    const std::int64_t tick = OrderBookModel::tickOf(ctx.nowMs);
    const exchange::DepthSnapshot book = ctx.book->book(s->symbol, tick);
    json j;
    j["retCode"] = 0;
    j["retMsg"] = "OK";
    j["result"] = {{"s", s->symbol},           {"a", levelPairs(book.asks, limit)}, {"b", levelPairs(book.bids, limit)},
                   {"ts", ctx.nowMs},          {"u", tick},                     {"seq", book.lastUpdateId},
                   {"cts", ctx.nowMs}};
    j["retExtInfo"] = json::object();
    j["time"] = ctx.nowMs;
    return ok(j.dump());
}

// orderbook.<depth>.<SYMBOL>: a snapshot of the top `depth` levels, then a delta every `every`
// book ticks whose u is the previous u + 1 (depth 1: a snapshot whenever the top changes). Each
// depth is a book of its own, as on Bybit: its own cadence (200: every other tick) and its own u
// sequence, starting at the tick plus 10^12 (200), 2·10^12 (50) or 3·10^12 (1): the u of one
// symbol's topics never coincide, and orderbook.1 / .50 run ahead of .200, so a message of theirs
// taken for one of orderbook.200's is a gap (a resync), not a stale message quietly dropped.
class BybitBookStream final : public StreamProducer {
public:
    BybitBookStream(const OrderBookModel& book, std::string symbol, std::size_t depth)
        : m_book(book), m_symbol(std::move(symbol)), m_depth(depth), m_every(depth >= 200 ? 2 : 1) {}

    void poll(const PollTime& now, std::vector<std::string>& out) override {
        const std::int64_t tick = OrderBookModel::tickOf(now.exchangeMs);
        if (m_last && tick < *m_last + m_every) return;
        exchange::DepthSnapshot current = top(m_book.book(m_symbol, tick));
        if (!m_last) {
            // Any start > 1 (u == 1 means "service restarted" to a client).
            m_u = (m_depth >= 200 ? 1 : m_depth >= 50 ? 2 : 3) * kUOriginStep + tick;
            out.push_back(message("snapshot", current.bids, current.asks, now.exchangeMs));
        } else if (m_depth == 1) {
            if (current.bids != m_previous.bids || current.asks != m_previous.asks) {
                ++m_u;
                out.push_back(message("snapshot", current.bids, current.asks, now.exchangeMs));
            }
        } else {
            const exchange::DepthUpdate d = OrderBookModel::diff(m_previous, current, tick);
            if (!d.bids.empty() || !d.asks.empty()) {
                ++m_u;
                out.push_back(message("delta", d.bids, d.asks, now.exchangeMs));
            }
        }
        m_previous = std::move(current);
        m_last = tick;
    }

private:
    static constexpr std::int64_t kUOriginStep = 1'000'000'000'000;

    exchange::DepthSnapshot top(exchange::DepthSnapshot b) const {
        if (b.bids.size() > m_depth) b.bids.resize(m_depth);
        if (b.asks.size() > m_depth) b.asks.resize(m_depth);
        return b;
    }

    std::string message(const char* type, const std::vector<exchange::PriceLevel>& bids,
                        const std::vector<exchange::PriceLevel>& asks, std::int64_t nowMs) const {
        json j;
        j["topic"] = "orderbook." + std::to_string(m_depth) + "." + m_symbol;
        j["ts"] = nowMs;
        j["type"] = type;
        j["data"] = {{"s", m_symbol},
                     {"b", levelPairs(bids, bids.size())},
                     {"a", levelPairs(asks, asks.size())},
                     {"u", m_u},
                     {"seq", m_u}};
        j["cts"] = nowMs;
        return j.dump();
    }

    const OrderBookModel& m_book;
    std::string m_symbol;
    std::size_t m_depth;
    std::int64_t m_every;
    std::optional<std::int64_t> m_last;
    std::int64_t m_u = 0;
    exchange::DepthSnapshot m_previous;
};

std::string tradesJson(const std::string& symbol, const std::vector<exchange::TradeTick>& trades, std::int64_t ts) {
    json data = json::array();
    for (const auto& t : trades) {
        data.push_back({{"T", t.timeMs},
                        {"s", symbol},
                        {"S", t.buyerIsMaker ? "Sell" : "Buy"},  // the taker's side
                        {"v", t.quantity.toShortString()},
                        {"p", t.price.toShortString()},
                        {"L", "ZeroPlusTick"},
                        {"i", std::to_string(t.tradeId)},
                        {"BT", false}});
    }
    json j;
    j["topic"] = "publicTrade." + symbol;
    j["type"] = "snapshot";
    j["ts"] = ts;
    j["data"] = std::move(data);
    return j.dump();
}

std::string tickerJson(const exchange::Ticker24h& t) {
    json j;
    j["topic"] = "tickers." + t.symbol;
    j["ts"] = t.eventTimeMs;
    j["type"] = "snapshot";
    j["cs"] = t.eventTimeMs;
    // price24hPcnt is a fraction (-0.0049 is -0.49 %).
    j["data"] = {{"symbol", t.symbol},
                 {"lastPrice", t.lastPrice.toShortString()},
                 {"highPrice24h", t.high.toShortString()},
                 {"lowPrice24h", t.low.toShortString()},
                 {"prevPrice24h", t.open.toShortString()},
                 {"volume24h", t.volume.toShortString()},
                 {"turnover24h", t.quoteVolume.toShortString()},
                 {"price24hPcnt", Decimal::fromUnits(t.priceChangePercent.units() / 100).toShortString()},
                 {"usdIndexPrice", ""}};
    return j.dump();
}

class BybitProtocol final : public WsProtocol {
public:
    BybitProtocol(std::function<std::unique_ptr<StreamProducer>(std::string_view)> create, std::size_t maxStreams,
                  std::size_t maxArgsPerSubscribe)
        : m_create(std::move(create)), m_maxStreams(maxStreams), m_maxArgs(maxArgsPerSubscribe) {}
    std::vector<std::string> onText(const std::string& text, WsSubscriptions& subs) override;

private:
    std::function<std::unique_ptr<StreamProducer>(std::string_view)> m_create;
    std::size_t m_maxStreams;
    std::size_t m_maxArgs;
};

class BybitDialect final : public Dialect {
public:
    static constexpr std::size_t kMaxArgsPerSubscribe = 10;  // spot

    explicit BybitDialect(const DialectEnv& env) : m_env(env) {
        m_routes.add({"/v5/market/kline", 1, klineHandler, "GET", {"start", "end"}});
        m_routes.add({"/v5/market/time", 1, [](const RestContext& ctx) {
                          return ok(wire::bybit::serverTime(ctx.nowMs));
                      }});
        m_routes.add({"/v5/market/instruments-info", 1, instrumentsHandler});
        m_routes.add({"/v5/market/orderbook", 1, orderbookHandler});
    }

    std::string name() const override { return "bybit"; }
    const RestRouter& routes() const override { return m_routes; }

    HttpReply restError(RestProblem problem, const std::string& message, int status) const override {
        const std::int64_t now = m_env.config.clock ? m_env.config.clock() : cpc::nowMs();
        switch (problem) {
            case RestProblem::TooMany:
            case RestProblem::Banned:
                return HttpReply{status, wire::bybit::error(10006, "Too many visits!", now), {}};
            case RestProblem::Unavailable:
                return HttpReply{status, wire::bybit::error(10016, "Service unavailable", now), {}};
            case RestProblem::NotFound: {
                std::string paths;
                for (const std::string& p : m_routes.paths()) paths += (paths.empty() ? "" : ", ") + p;
                return HttpReply{status,
                                 wire::bybit::error(10001, message + "; the simulator serves " + paths +
                                                                    " and /v5/public/spot",
                                                         now),
                                 {}};
            }
            case RestProblem::BadMethod:
            case RestProblem::BadTarget: break;
        }
        return HttpReply{status, wire::bybit::error(10001, message, now), {}};
    }

    WsAccept acceptWebSocket(const ParsedTarget& target) const override {
        WsAccept a;
        if (target.path != "/v5/public/spot") {
            a.rejectStatus = 404;
            a.rejectBody = wire::bybit::error(10001, "unknown WebSocket path '" + target.path +
                                                             "'; the simulator serves /v5/public/spot",
                                                   0);
            return a;
        }
        a.protocol = makeBybitControlProtocol([this](std::string_view topic) { return createStream(topic); },
                                              m_env.config.maxStreamsPerConnection, kMaxArgsPerSubscribe);
        return a;
    }

    std::unique_ptr<StreamProducer> createStream(std::string_view topic) const override {
        const auto parts = splitDots(topic);
        const auto symbolOf = [&](std::string_view s) -> const SimSymbol* { return m_env.model.find(std::string(s)); };
        if (parts[0] == "kline" && parts.size() == 3) {
            const auto interval = BybitAdapter::parseIntervalCode(parts[1]);
            const SimSymbol* s = symbolOf(parts[2]);
            if (!interval || !s) return nullptr;
            const std::string symbol = s->symbol;
            const Interval iv = *interval;
            const std::string code(parts[1]);
            return makeKlineProducer(m_env.model, symbol, iv, m_env.config.klinePushInterval,
                                     [code, symbol, iv](const Candle& c, std::int64_t eventMs) {
                                         return wire::bybit::klineEvent(code, symbol, iv, c, eventMs);
                                     });
        }
        if (parts[0] == "publicTrade" && parts.size() == 2) {
            const SimSymbol* s = symbolOf(parts[1]);
            if (!s) return nullptr;
            const std::string symbol = s->symbol;
            return makeTradeBatchProducer(m_env.model, symbol,
                                          [symbol](const std::vector<exchange::TradeTick>& trades, std::int64_t ts,
                                                   std::vector<std::string>& out) {
                                              out.push_back(tradesJson(symbol, trades, ts));
                                          });
        }
        if (parts[0] == "orderbook" && parts.size() == 3) {
            const SimSymbol* s = symbolOf(parts[2]);
            if (!s || (parts[1] != "1" && parts[1] != "50" && parts[1] != "200")) return nullptr;
            return std::make_unique<BybitBookStream>(m_env.book, s->symbol, parts[1] == "1" ? 1 : parts[1] == "50" ? 50 : 200);
        }
        if (parts[0] == "tickers" && parts.size() == 2) {
            const SimSymbol* s = symbolOf(parts[1]);
            if (!s) return nullptr;
            return makeTickerProducer(m_env.model, m_env.book, s->symbol,
                                      [](const exchange::Ticker24h& t) { return tickerJson(t); });
        }
        return nullptr;
    }

    // Bybit closes a connection that sent nothing for 10 minutes (exchange-protocols guide §5);
    // clients ping every 20 s.
    std::chrono::milliseconds heartbeatTimeout() const override { return std::chrono::minutes(10); }
    int banStatus() const override { return 403; }  // Bybit: 'access too frequent'
    // Every answer carries X-Bapi-Limit-Reset-Timestamp; past the limit it is when the limit resets.
    std::vector<std::pair<std::string, std::string>> tooManyHeaders(std::int64_t waitMs,
                                                                    std::int64_t nowMs) const override {
        return {{"X-Bapi-Limit-Status", "0"}, {"X-Bapi-Limit-Reset-Timestamp", std::to_string(nowMs + waitMs)}};
    }
    std::string malformedFrame() const override { return "{\"topic\":\"kline.1.BTCUSDT\",\"data\":[{\"start\":"; }

    std::vector<std::string> exampleUrls(const std::string& rest, const std::string& stream) const override {
        return {rest + "/v5/market/kline?category=spot&symbol=BTCUSDT&interval=1&limit=5",
                stream + "/v5/public/spot  (send {\"op\":\"subscribe\",\"args\":[\"kline.1.BTCUSDT\"]})"};
    }

private:
    DialectEnv m_env;
    RestRouter m_routes;
};

// {"req_id":"…","op":"subscribe"|"unsubscribe","args":[…]} and {"req_id":"…","op":"ping"}.
std::vector<std::string> BybitProtocol::onText(const std::string& text, WsSubscriptions& subs) {
    const json request = json::parse(text, nullptr, false);
    if (!request.is_object() || !request.contains("op") || !request["op"].is_string())
        return {wire::bybit::reply("", false, "error:request not json or without op", "")};
    const std::string op = request["op"].get<std::string>();
    const std::string reqId =
        request.contains("req_id") && request["req_id"].is_string() ? request["req_id"].get<std::string>() : "";
    if (op == "ping") return {wire::bybit::reply("ping", true, "pong", reqId)};
    if (op != "subscribe" && op != "unsubscribe")
        return {wire::bybit::reply(op, false, "error:unknown op " + op, reqId)};
    if (!request.contains("args") || !request["args"].is_array())
        return {wire::bybit::reply(op, false, "error:args must be an array", reqId)};
    std::vector<std::string> topics;
    for (const json& a : request["args"]) {
        if (!a.is_string()) return {wire::bybit::reply(op, false, "error:args must be strings", reqId)};
        topics.push_back(a.get<std::string>());
    }
    if (topics.size() > m_maxArgs)
        return {wire::bybit::reply(op, false, "error:args size >" + std::to_string(m_maxArgs), reqId)};
    if (op == "unsubscribe") {
        for (const std::string& t : topics) subs.remove(t);
        return {wire::bybit::reply(op, true, "", reqId)};
    }
    std::vector<std::pair<std::string, std::unique_ptr<StreamProducer>>> added;
    for (const std::string& t : topics) {
        if (subs.has(t)) return {wire::bybit::reply(op, false, "error:already subscribed,topic:" + t, reqId)};
        auto producer = m_create(t);
        if (!producer) return {wire::bybit::reply(op, false, "error:handler not found,topic:" + t, reqId)};
        added.emplace_back(t, std::move(producer));
    }
    if (subs.count() + added.size() > m_maxStreams)
        return {wire::bybit::reply(op, false, "error:too many topics on one connection", reqId)};
    for (auto& [t, p] : added) subs.add(t, std::move(p));
    return {wire::bybit::reply(op, true, "", reqId)};
}

}  // namespace

std::unique_ptr<Dialect> makeBybitDialect(const DialectEnv& env) { return std::make_unique<BybitDialect>(env); }

std::unique_ptr<WsProtocol> makeBybitControlProtocol(std::function<std::unique_ptr<StreamProducer>(std::string_view)> create,
                                                     std::size_t maxStreams, std::size_t maxArgsPerSubscribe) {
    return std::make_unique<BybitProtocol>(std::move(create), maxStreams, maxArgsPerSubscribe);
}

std::unique_ptr<StreamProducer> makeBybitBookStream(const OrderBookModel& book, std::string symbol, std::size_t depth) {
    return std::make_unique<BybitBookStream>(book, std::move(symbol), depth);
}

}  // namespace cpc::sim
