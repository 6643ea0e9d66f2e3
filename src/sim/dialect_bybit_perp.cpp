// Bybit v5 linear perpetuals (SimConfig::market == Perp) over a PerpModel of the spot model:
// REST GET /v5/market/{kline,mark-price-kline,index-price-kline,time,instruments-info,orderbook,tickers,funding/history,
// open-interest} with category=linear, answered as the spot dialect does ({"retCode","retMsg",
// "result","retExtInfo","time"}, errors with HTTP 200 and retCode != 0); WebSocket
// /v5/public/linear with the spot control protocol (no 10-args cap: that one is spot's) and the
// topics kline.<i>.<S>, publicTrade.<S>, orderbook.{1,50,200,1000}.<S>, tickers.<S> (a snapshot,
// then deltas carrying only the fields that changed, as Bybit's linear tickers do) and
// allLiquidation.<S> (every liquidation of the last 500 ms). Field names from Bybit's documented
// examples (https://bybit-exchange.github.io/docs/v5/market/{kline,tickers,history-fund-rate,
// open-interest}, .../websocket/public/{ticker,all-liquidation}; tests/fixtures/bybit), not from
// the client's decoder. Trades and the book are the spot model's, klines shifted by the basis.
#include <algorithm>
#include <map>
#include <memory>
#include <variant>

#include <nlohmann/json.hpp>

#include "cpc/core/time.hpp"
#include "cpc/exchange/bybit/bybit_adapter.hpp"
#include "cpc/sim/ticker_model.hpp"
#include "dialect.hpp"
#include "dialect_util.hpp"
#include "perp_model.hpp"
#include "wire.hpp"

namespace cpc::sim {

namespace {

using ojson = nlohmann::ordered_json;
using exchange::BybitAdapter;

constexpr int kParamError = 10001;
constexpr const char* kStreamPath = "/v5/public/linear";

HttpReply ok(std::string body) { return HttpReply{200, std::move(body), {}}; }
HttpReply paramError(const RestContext& ctx, const std::string& msg) {
    return ok(wire::bybit::error(kParamError, msg, ctx.nowMs));
}

std::string envelope(ojson result, std::int64_t nowMs) {
    ojson j;
    j["retCode"] = 0;
    j["retMsg"] = "OK";
    j["result"] = std::move(result);
    j["retExtInfo"] = ojson::object();
    j["time"] = nowMs;
    return j.dump();
}

std::optional<HttpReply> checkLinear(const RestContext& ctx) {
    const auto category = ctx.target.param("category");
    if (!category || category->empty()) return paramError(ctx, "params error: category is required");
    if (*category != "linear") return paramError(ctx, "params error: category only support linear (the simulator's perpetuals)");
    return std::nullopt;
}

const SimSymbol* findSymbol(const RestContext& ctx) {
    const auto symbol = ctx.target.param("symbol");
    return symbol ? ctx.model.find(*symbol) : nullptr;
}

std::int64_t floorTo(std::int64_t t, std::int64_t step) { return t - (((t % step) + step) % step); }

// A whole-number query parameter; nullopt when absent; an error reply when not an integer.
std::variant<std::optional<std::int64_t>, HttpReply> intParam(const RestContext& ctx, const char* name) {
    const auto text = ctx.target.param(name);
    if (!text) return std::optional<std::int64_t>{};
    const auto v = parseInteger(*text);
    if (!v) return paramError(ctx, std::string("params error: ") + name + " is not an integer");
    return std::optional<std::int64_t>{*v};
}

std::variant<int, HttpReply> limitParam(const RestContext& ctx, int fallback, int max) {
    const auto text = ctx.target.param("limit");
    if (!text) return fallback;
    const auto v = parseInteger(*text);
    if (!v || *v < 1 || *v > max)
        return paramError(ctx, "params error: limit must be in [1, " + std::to_string(max) + "]");
    return static_cast<int>(*v);
}

// The linear ticker's fields as Bybit prints them (strings), for snapshots and deltas.
std::map<std::string, std::string> tickerFields(const PerpModel& perp, const OrderBookModel& book, const SimSymbol& s,
                                                std::int64_t nowMs) {
    std::map<std::string, std::string> f;
    const exchange::Ticker24h t = rollingTicker(perp.spot(), book, s.symbol, nowMs, false);
    // The 24 h part (last price, book top) is the spot model's, as on the USD-M dialect.
    f["lastPrice"] = t.lastPrice.toShortString();
    f["prevPrice24h"] = t.open.toShortString();
    f["highPrice24h"] = t.high.toShortString();
    f["lowPrice24h"] = t.low.toShortString();
    f["volume24h"] = t.volume.toShortString();
    f["turnover24h"] = t.quoteVolume.toShortString();
    f["price24hPcnt"] = Decimal::fromUnits(t.priceChangePercent.units() / 100).toShortString();  // a fraction
    f["bid1Price"] = t.bidPrice.toShortString();
    f["bid1Size"] = t.bidQuantity.toShortString();
    f["ask1Price"] = t.askPrice.toShortString();
    f["ask1Size"] = t.askQuantity.toShortString();
    if (const auto mark = perp.markPrice(s.symbol, nowMs)) {
        f["markPrice"] = mark->toShortString();
        const Decimal oi = perp.openInterest(s.symbol, nowMs);
        f["openInterest"] = oi.toShortString();
        f["openInterestValue"] =
            Decimal::fromDouble(oi.toDouble() * mark->toDouble()).value_or(Decimal{}).toShortString();
    }
    if (const auto index = perp.indexPrice(s.symbol, nowMs)) f["indexPrice"] = index->toShortString();
    const std::int64_t next = PerpModel::nextFundingTime(nowMs);
    f["fundingRate"] = perp.fundingRate(s.symbol, next).toShortString();
    f["nextFundingTime"] = std::to_string(next);
    return f;
}

ojson tickerObject(const std::string& symbol, const std::map<std::string, std::string>& fields) {
    ojson d;
    d["symbol"] = symbol;
    for (const auto& [k, v] : fields) d[k] = v;
    return d;
}

// tickers.<S>: a snapshot first, then every `every` of wall time a delta of the fields that
// changed (none changed: nothing sent). The 24 h part is the spot model's rolling ticker.
class LinearTickerStream final : public StreamProducer {
public:
    LinearTickerStream(std::shared_ptr<const PerpModel> perp, const OrderBookModel& book, const SimSymbol& s)
        : m_perp(std::move(perp)), m_book(book), m_symbol(s) {}

    void poll(const PollTime& now, std::vector<std::string>& out) override {
        if (m_last != std::chrono::steady_clock::time_point{} && now.wall - m_last < std::chrono::milliseconds(1000)) return;
        if (now.exchangeMs < m_symbol.listingMs) return;
        m_last = now.wall;
        auto fields = tickerFields(*m_perp, m_book, m_symbol, now.exchangeMs);
        const bool snapshot = m_sent.empty();
        std::map<std::string, std::string> changed;
        for (const auto& [k, v] : fields) {
            const auto it = m_sent.find(k);
            if (it == m_sent.end() || it->second != v) changed[k] = v;
        }
        if (changed.empty()) return;
        m_sent = std::move(fields);
        ojson j;
        j["topic"] = "tickers." + m_symbol.symbol;
        j["type"] = snapshot ? "snapshot" : "delta";
        j["data"] = tickerObject(m_symbol.symbol, snapshot ? m_sent : changed);
        j["cs"] = now.exchangeMs;
        j["ts"] = now.exchangeMs;
        out.push_back(j.dump());
    }

private:
    std::shared_ptr<const PerpModel> m_perp;
    const OrderBookModel& m_book;
    SimSymbol m_symbol;
    std::map<std::string, std::string> m_sent;
    std::chrono::steady_clock::time_point m_last{};
};

// allLiquidation.<S>: every 500 ms of wall time, the liquidations since the last push (none
// before the subscription): {"T","s","S","v","p"}, S "Buy" when a long position was liquidated.
class AllLiquidationStream final : public StreamProducer {
public:
    AllLiquidationStream(std::shared_ptr<const PerpModel> perp, std::string symbol)
        : m_perp(std::move(perp)), m_symbol(std::move(symbol)) {}
    void poll(const PollTime& now, std::vector<std::string>& out) override {
        if (!m_from) {
            m_from = now.exchangeMs;
            m_lastPush = now.wall;
            return;
        }
        if (now.wall - m_lastPush < std::chrono::milliseconds(500) || now.exchangeMs <= *m_from) return;
        m_lastPush = now.wall;
        const auto due = m_perp->liquidations(m_symbol, *m_from, now.exchangeMs);
        m_from = now.exchangeMs;
        if (due.empty()) return;
        ojson data = ojson::array();
        for (const auto& l : due)
            data.push_back(ojson{{"T", l.timeMs},
                                 {"s", m_symbol},
                                 {"S", l.longLiquidated ? "Buy" : "Sell"},
                                 {"v", l.quantity.toShortString()},
                                 {"p", l.price.toShortString()}});
        ojson j;
        j["topic"] = "allLiquidation." + m_symbol;
        j["type"] = "snapshot";
        j["ts"] = now.exchangeMs;
        j["data"] = std::move(data);
        out.push_back(j.dump());
    }

private:
    std::shared_ptr<const PerpModel> m_perp;
    std::string m_symbol;
    std::optional<std::int64_t> m_from;
    std::chrono::steady_clock::time_point m_lastPush{};
};

std::string tradesJson(const std::string& symbol, const std::vector<exchange::TradeTick>& trades, std::int64_t ts) {
    ojson data = ojson::array();
    for (const auto& t : trades) {
        data.push_back(ojson{{"T", t.timeMs},
                             {"s", symbol},
                             {"S", t.buyerIsMaker ? "Sell" : "Buy"},  // the taker's side
                             {"v", t.quantity.toShortString()},
                             {"p", t.price.toShortString()},
                             {"L", "ZeroPlusTick"},
                             {"i", std::to_string(t.tradeId)},
                             {"BT", false}});
    }
    ojson j;
    j["topic"] = "publicTrade." + symbol;
    j["type"] = "snapshot";
    j["ts"] = ts;
    j["data"] = std::move(data);
    return j.dump();
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

// /v5/market/open-interest intervalTime codes.
std::optional<std::int64_t> intervalTimeMs(std::string_view code) {
    if (code == "5min") return 300'000;
    if (code == "15min") return 900'000;
    if (code == "30min") return 1'800'000;
    if (code == "1h") return 3'600'000;
    if (code == "4h") return 14'400'000;
    if (code == "1d") return 86'400'000;
    return std::nullopt;
}

class BybitPerpDialect final : public Dialect {
public:
    explicit BybitPerpDialect(const DialectEnv& env)
        : m_env(env), m_perp(std::make_shared<const PerpModel>(env.model, env.config.seed)) {
        const auto perp = m_perp;
        m_routes.add({"/v5/market/kline", 1, [perp](const RestContext& ctx) { return kline(*perp, ctx); }, "GET",
                      {"start", "end"}});
        m_routes.add({"/v5/market/mark-price-kline", 1, [perp](const RestContext& ctx) { return priceKline(*perp, ctx, true); },
                      "GET", {"start", "end"}});
        m_routes.add({"/v5/market/index-price-kline", 1, [perp](const RestContext& ctx) { return priceKline(*perp, ctx, false); },
                      "GET", {"start", "end"}});
        m_routes.add({"/v5/market/time", 1, [](const RestContext& ctx) { return ok(wire::bybit::serverTime(ctx.nowMs)); }});
        m_routes.add({"/v5/market/instruments-info", 1, instruments});
        m_routes.add({"/v5/market/orderbook", 1, orderbook});
        m_routes.add({"/v5/market/tickers", 1, [perp](const RestContext& ctx) { return tickers(*perp, ctx); }});
        m_routes.add({"/v5/market/funding/history", 1, [perp](const RestContext& ctx) { return fundingHistory(*perp, ctx); },
                      "GET", {"startTime", "endTime"}});
        m_routes.add({"/v5/market/open-interest", 1, [perp](const RestContext& ctx) { return openInterest(*perp, ctx); },
                      "GET", {"startTime", "endTime"}});
    }

    std::string name() const override { return "bybit"; }
    const RestRouter& routes() const override { return m_routes; }

    HttpReply restError(RestProblem problem, const std::string& message, int status) const override {
        const std::int64_t now = m_env.config.clock ? m_env.config.clock() : cpc::nowMs();
        switch (problem) {
            case RestProblem::TooMany:
            case RestProblem::Banned: return HttpReply{status, wire::bybit::error(10006, "Too many visits!", now), {}};
            case RestProblem::Unavailable:
                return HttpReply{status, wire::bybit::error(10016, "Service unavailable", now), {}};
            case RestProblem::NotFound: {
                std::string paths;
                for (const std::string& p : m_routes.paths()) paths += (paths.empty() ? "" : ", ") + p;
                return HttpReply{status,
                                 wire::bybit::error(10001, message + "; the simulator serves linear " + paths + " and " +
                                                               kStreamPath,
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
        if (target.path != kStreamPath) {
            a.rejectStatus = 404;
            a.rejectBody = wire::bybit::error(10001, "unknown WebSocket path '" + target.path +
                                                         "'; the simulator's perpetuals are on " + kStreamPath,
                                              0);
            return a;
        }
        // Spot caps a subscribe request at 10 args; linear does not.
        a.protocol = makeBybitControlProtocol([this](std::string_view topic) { return createStream(topic); },
                                              m_env.config.maxStreamsPerConnection, m_env.config.maxStreamsPerConnection);
        return a;
    }

    std::unique_ptr<StreamProducer> createStream(std::string_view topic) const override {
        const auto parts = splitDots(topic);
        const auto symbolOf = [&](std::string_view s) -> const SimSymbol* { return m_env.model.find(std::string(s)); };
        if (parts[0] == "kline" && parts.size() == 3) {
            const auto interval = BybitAdapter::parseIntervalCode(parts[1]);
            const SimSymbol* s = symbolOf(parts[2]);
            if (!interval || !s) return nullptr;
            const Interval iv = *interval;
            return makeKlineProducer(m_env.model, s->symbol, iv, m_env.config.klinePushInterval,
                                     [perp = m_perp, code = std::string(parts[1]), symbol = s->symbol, iv](const Candle& c,
                                                                                                           std::int64_t eventMs) {
                                         return wire::bybit::klineEvent(code, symbol, iv, perp->shifted(symbol, c), eventMs);
                                     });
        }
        if (parts[0] == "publicTrade" && parts.size() == 2) {
            const SimSymbol* s = symbolOf(parts[1]);
            if (!s) return nullptr;
            return makeTradeBatchProducer(m_env.model, s->symbol,
                                          [symbol = s->symbol](const std::vector<exchange::TradeTick>& trades, std::int64_t ts,
                                                               std::vector<std::string>& out) {
                                              out.push_back(tradesJson(symbol, trades, ts));
                                          });
        }
        if (parts[0] == "orderbook" && parts.size() == 3) {
            // Linear depths: 1, 50, 200, 1000 (https://bybit-exchange.github.io/docs/v5/websocket/public/orderbook).
            const SimSymbol* s = symbolOf(parts[2]);
            static constexpr std::pair<std::string_view, std::size_t> kDepths[] = {{"1", 1}, {"50", 50}, {"200", 200}, {"1000", 1000}};
            for (const auto& [code, depth] : kDepths)
                if (s && parts[1] == code) return makeBybitBookStream(m_env.book, s->symbol, depth);
            return nullptr;
        }
        if (parts[0] == "tickers" && parts.size() == 2) {
            const SimSymbol* s = symbolOf(parts[1]);
            return s ? std::make_unique<LinearTickerStream>(m_perp, m_env.book, *s) : nullptr;
        }
        if (parts[0] == "allLiquidation" && parts.size() == 2) {
            const SimSymbol* s = symbolOf(parts[1]);
            return s ? std::make_unique<AllLiquidationStream>(m_perp, s->symbol) : nullptr;
        }
        return nullptr;
    }

    std::chrono::milliseconds heartbeatTimeout() const override { return std::chrono::minutes(10); }
    int banStatus() const override { return 403; }
    std::vector<std::pair<std::string, std::string>> tooManyHeaders(std::int64_t waitMs, std::int64_t nowMs) const override {
        return {{"X-Bapi-Limit-Status", "0"}, {"X-Bapi-Limit-Reset-Timestamp", std::to_string(nowMs + waitMs)}};
    }
    std::string malformedFrame() const override { return "{\"topic\":\"tickers.BTCUSDT\",\"type\":\"delta\",\"data\":{\"markPrice\":"; }
    std::vector<std::string> exampleUrls(const std::string& rest, const std::string& stream) const override {
        return {rest + "/v5/market/tickers?category=linear&symbol=BTCUSDT",
                rest + "/v5/market/open-interest?category=linear&symbol=BTCUSDT&intervalTime=5min&limit=5",
                stream + kStreamPath +
                    "  (send {\"op\":\"subscribe\",\"args\":[\"tickers.BTCUSDT\",\"allLiquidation.BTCUSDT\",\"kline.1.BTCUSDT\"]})"};
    }

private:
    // The query of kline and the price klines: symbol, interval, limit (default 200, 1..1000) and
    // the open-time range [start, end] (end: now when absent); an error reply for a bad one.
    struct KlineQuery {
        const SimSymbol* symbol;
        Interval interval;
        int limit;
        std::optional<std::int64_t> from;
        std::int64_t to;
    };
    static std::variant<HttpReply, KlineQuery> klineQuery(const RestContext& ctx) {
        if (auto e = checkLinear(ctx)) return *e;
        const SimSymbol* s = findSymbol(ctx);
        if (!s) return paramError(ctx, "params error: symbol invalid");
        const auto code = ctx.target.param("interval");
        const auto interval = code ? BybitAdapter::parseIntervalCode(*code) : std::nullopt;
        if (!interval) return paramError(ctx, "Invalid period!");
        const auto limit = limitParam(ctx, 200, 1000);
        if (const auto* bad = std::get_if<HttpReply>(&limit)) return *bad;
        const auto start = intParam(ctx, "start");
        if (const auto* bad = std::get_if<HttpReply>(&start)) return *bad;
        const auto end = intParam(ctx, "end");
        if (const auto* bad = std::get_if<HttpReply>(&end)) return *bad;
        const auto from = std::get<std::optional<std::int64_t>>(start);
        return KlineQuery{s, *interval, std::get<int>(limit), from,
                          std::get<std::optional<std::int64_t>>(end).value_or(ctx.nowMs)};
    }

    // GET /v5/market/kline?category=linear: the newest `limit` (default 200, 1..1000) candles whose
    // open time is in [start, end], newest first; prices shifted by the basis.
    static HttpReply kline(const PerpModel& perp, const RestContext& ctx) {
        const auto parsed = klineQuery(ctx);
        if (const auto* bad = std::get_if<HttpReply>(&parsed)) return *bad;
        const KlineQuery& q = std::get<KlineQuery>(parsed);
        const SimSymbol* s = q.symbol;
        const auto& from = q.from;
        auto rows = perp.klines(s->symbol, q.interval, std::nullopt, q.to, q.limit, ctx.nowMs);
        if (from) std::erase_if(rows, [&](const Candle& c) { return c.openTime < *from; });
        return ok(wire::bybit::klineList(s->symbol, rows, ctx.nowMs, "linear"));
    }

    // GET /v5/market/mark-price-kline and index-price-kline?category=linear: as kline (the newest
    // `limit`, default 200, 1..1000, with open time in [start, end]), rows [startTime, open, high,
    // low, close] of PerpModel::priceKlines, newest first.
    static HttpReply priceKline(const PerpModel& perp, const RestContext& ctx, bool mark) {
        const auto parsed = klineQuery(ctx);
        if (const auto* bad = std::get_if<HttpReply>(&parsed)) return *bad;
        const KlineQuery& q = std::get<KlineQuery>(parsed);
        const SimSymbol* s = q.symbol;
        const auto& from = q.from;
        auto rows = perp.priceKlines(s->symbol, mark, q.interval, std::nullopt, q.to, q.limit, ctx.nowMs);
        if (from) std::erase_if(rows, [&](const Candle& c) { return c.openTime < *from; });
        ojson list = ojson::array();
        for (auto c = rows.rbegin(); c != rows.rend(); ++c)
            list.push_back(ojson::array({std::to_string(c->openTime), c->open.toShortString(), c->high.toShortString(),
                                         c->low.toShortString(), c->close.toShortString()}));
        ojson result;
        result["symbol"] = s->symbol;
        result["category"] = "linear";
        result["list"] = std::move(list);
        return ok(envelope(std::move(result), ctx.nowMs));
    }

    static HttpReply instruments(const RestContext& ctx) {
        if (auto e = checkLinear(ctx)) return *e;
        const auto only = ctx.target.param("symbol");
        ojson list = ojson::array();
        for (const SimSymbol& s : ctx.model.symbols()) {
            if (only && *only != s.symbol) continue;
            list.push_back(ojson{{"symbol", s.symbol},
                                 {"contractType", "LinearPerpetual"},
                                 {"status", "Trading"},
                                 {"baseCoin", s.baseAsset},
                                 {"quoteCoin", s.quoteAsset},
                                 {"launchTime", std::to_string(s.listingMs)},
                                 {"deliveryTime", "0"},
                                 {"priceScale", std::to_string(s.priceDecimals)},
                                 {"priceFilter", ojson{{"minPrice", stepText(s.priceDecimals)}, {"maxPrice", "1999999.80"},
                                                       {"tickSize", stepText(s.priceDecimals)}}},
                                 {"lotSizeFilter", ojson{{"maxOrderQty", "1190.000"},
                                                         {"minOrderQty", stepText(s.quantityDecimals)},
                                                         {"qtyStep", stepText(s.quantityDecimals)}}},
                                 {"fundingInterval", 480},
                                 {"settleCoin", s.quoteAsset}});
        }
        if (only && list.empty()) return paramError(ctx, "params error: symbol invalid");
        ojson result;
        result["category"] = "linear";
        result["list"] = std::move(list);
        result["nextPageCursor"] = "";
        return ok(envelope(std::move(result), ctx.nowMs));
    }

    // GET /v5/market/orderbook?category=linear: limit 1..500 (default 25).
    static HttpReply orderbook(const RestContext& ctx) {
        if (auto e = checkLinear(ctx)) return *e;
        const SimSymbol* s = findSymbol(ctx);
        if (!s) return paramError(ctx, "params error: symbol invalid");
        const auto limit = limitParam(ctx, 25, 500);
        if (const auto* bad = std::get_if<HttpReply>(&limit)) return *bad;
        const auto n = static_cast<std::size_t>(std::get<int>(limit));
        const std::int64_t tick = OrderBookModel::tickOf(ctx.nowMs);
        const exchange::DepthSnapshot book = ctx.book->book(s->symbol, tick);
        ojson result;
        result["s"] = s->symbol;
        result["a"] = levelPairs(book.asks, n);
        result["b"] = levelPairs(book.bids, n);
        result["ts"] = ctx.nowMs;
        result["u"] = tick;
        result["seq"] = book.lastUpdateId;
        result["cts"] = ctx.nowMs;
        return ok(envelope(std::move(result), ctx.nowMs));
    }

    // GET /v5/market/tickers?category=linear[&symbol=S]: the linear ticker of one or every symbol.
    static HttpReply tickers(const PerpModel& perp, const RestContext& ctx) {
        if (auto e = checkLinear(ctx)) return *e;
        const auto only = ctx.target.param("symbol");
        ojson list = ojson::array();
        for (const SimSymbol& s : ctx.model.symbols()) {
            if ((only && *only != s.symbol) || ctx.nowMs < s.listingMs) continue;
            list.push_back(tickerObject(s.symbol, tickerFields(perp, *ctx.book, s, ctx.nowMs)));
        }
        if (only && list.empty()) return paramError(ctx, "params error: symbol invalid");
        ojson result;
        result["category"] = "linear";
        result["list"] = std::move(list);
        return ok(envelope(std::move(result), ctx.nowMs));
    }

    // GET /v5/market/funding/history: settled periods in [startTime, endTime], the newest `limit`
    // (1..200, default 200) of them, newest first. A startTime without an endTime is refused
    // ("Passing only startTime returns an error"), an endTime alone gives the rows before it.
    static HttpReply fundingHistory(const PerpModel& perp, const RestContext& ctx) {
        if (auto e = checkLinear(ctx)) return *e;
        const SimSymbol* s = findSymbol(ctx);
        if (!s) return paramError(ctx, "params error: symbol invalid");
        const auto limit = limitParam(ctx, 200, 200);
        if (const auto* bad = std::get_if<HttpReply>(&limit)) return *bad;
        const auto startP = intParam(ctx, "startTime");
        if (const auto* bad = std::get_if<HttpReply>(&startP)) return *bad;
        const auto endP = intParam(ctx, "endTime");
        if (const auto* bad = std::get_if<HttpReply>(&endP)) return *bad;
        const auto start = std::get<std::optional<std::int64_t>>(startP);
        const auto end = std::get<std::optional<std::int64_t>>(endP);
        if (start && !end) return paramError(ctx, "params error: endTime is required when startTime is passed");
        const std::int64_t step = PerpModel::kFundingPeriodMs;
        const std::int64_t first = PerpModel::nextFundingTime(s->listingMs);
        const std::int64_t lastSettled = PerpModel::nextFundingTime(ctx.nowMs) - step;
        const std::int64_t lo = std::max(first, start.value_or(first));
        ojson list = ojson::array();
        int n = 0;
        for (std::int64_t t = floorTo(std::min(lastSettled, end.value_or(lastSettled)), step); t >= lo && n < std::get<int>(limit);
             t -= step, ++n)
            list.push_back(ojson{{"symbol", s->symbol},
                                 {"fundingRate", perp.fundingRate(s->symbol, t).toShortString()},
                                 {"fundingRateTimestamp", std::to_string(t)}});
        ojson result;
        result["category"] = "linear";
        result["list"] = std::move(list);
        return ok(envelope(std::move(result), ctx.nowMs));
    }

    // GET /v5/market/open-interest: intervalTime 5min…1d, rows at the period's boundaries in
    // [startTime, endTime] up to now, the newest `limit` (1..200, default 50), newest first;
    // nextPageCursor continues below the page's oldest row (the client pages by endTime instead).
    static HttpReply openInterest(const PerpModel& perp, const RestContext& ctx) {
        if (auto e = checkLinear(ctx)) return *e;
        const SimSymbol* s = findSymbol(ctx);
        if (!s) return paramError(ctx, "params error: symbol invalid");
        const auto code = ctx.target.param("intervalTime");
        const auto step = code ? intervalTimeMs(*code) : std::nullopt;
        if (!step) return paramError(ctx, "params error: intervalTime must be one of 5min, 15min, 30min, 1h, 4h, 1d");
        const auto limit = limitParam(ctx, 50, 200);
        if (const auto* bad = std::get_if<HttpReply>(&limit)) return *bad;
        const auto startP = intParam(ctx, "startTime");
        if (const auto* bad = std::get_if<HttpReply>(&startP)) return *bad;
        const auto endP = intParam(ctx, "endTime");
        if (const auto* bad = std::get_if<HttpReply>(&endP)) return *bad;
        std::int64_t hi = std::min(ctx.nowMs, std::get<std::optional<std::int64_t>>(endP).value_or(ctx.nowMs));
        if (const auto cursor = ctx.target.param("cursor"); cursor && !cursor->empty()) {
            const auto c = parseInteger(*cursor);
            if (!c) return paramError(ctx, "params error: cursor invalid");
            hi = std::min(hi, *c);
        }
        const std::int64_t lo = std::max(s->listingMs, std::get<std::optional<std::int64_t>>(startP).value_or(s->listingMs));
        ojson list = ojson::array();
        int n = 0;
        std::int64_t t = floorTo(hi, *step);
        for (; t >= lo && n < std::get<int>(limit); t -= *step, ++n)
            list.push_back(ojson{{"openInterest", perp.openInterest(s->symbol, t).toString()}, {"timestamp", std::to_string(t)}});
        ojson result;
        result["symbol"] = s->symbol;
        result["category"] = "linear";
        result["list"] = std::move(list);
        result["nextPageCursor"] = t >= lo ? std::to_string(t) : "";
        return ok(envelope(std::move(result), ctx.nowMs));
    }

    DialectEnv m_env;
    std::shared_ptr<const PerpModel> m_perp;
    RestRouter m_routes;
};

}  // namespace

std::unique_ptr<Dialect> makeBybitPerpDialect(const DialectEnv& env) { return std::make_unique<BybitPerpDialect>(env); }

}  // namespace cpc::sim
