// KuCoin spot dialect: GET /api/v1/market/candles (seconds, newest first, periods without a trade
// omitted), /api/v1/timestamp, /api/v2/symbols, /api/v1/market/orderbook/level2_{20,100}, and
// POST /api/v1/bullet-public answering this simulator's own WebSocket endpoint, a token and the
// ping rules. The WebSocket (path "/", ?token=…&connectId=…) greets with {"type":"welcome"},
// acks {"type":"subscribe",…,"response":true}, answers {"type":"ping"} with {"type":"pong"} and
// closes a connection that sent nothing for pingInterval + pingTimeout. Candle answers, pushes,
// errors, the token answer and welcome/pong/ack come from wire_kucoin.cpp.
#include <algorithm>
#include <atomic>

#include <nlohmann/json.hpp>

#include "cpc/core/arith.hpp"
#include "cpc/exchange/kucoin/kucoin_adapter.hpp"
#include "cpc/sim/ticker_model.hpp"
#include "dialect.hpp"
#include "dialect_util.hpp"
#include "wire.hpp"

namespace cpc::sim {

namespace {

using json = nlohmann::json;
using exchange::KucoinAdapter;

constexpr const char* kTokenPrefix = "cpcsim-";
constexpr std::chrono::milliseconds kPingInterval{18000};  // the documented example values
constexpr std::chrono::milliseconds kPingTimeout{10000};

HttpReply ok(std::string body) { return HttpReply{200, std::move(body), {}}; }
HttpReply kucoinError(int code, const std::string& msg, int status = 400) {
    return HttpReply{status, wire::kucoin::error(code, msg), {}};
}

constexpr std::int64_t kWeekMs = 7 * kDayMs;

// KuCoin's "1week" candles open on Thursday 00:00 UTC: weeks aligned to the epoch (1970-01-01 was a
// Thursday; Kucoin/kucoin-api-docs issues 350, 373), not the model's (Binance's) Monday weeks.
// Folded from the model's days with open time in [fromMs, toMs]: OHLC of the traded days, sums of
// the volumes; a week without a trade has no candle. Newest `limit` weeks, ascending.
std::vector<Candle> thursdayWeeks(const MarketModel& model, const std::string& symbol, std::optional<std::int64_t> fromMs,
                                  std::int64_t toMs, std::size_t limit, std::int64_t nowMs) {
    const std::int64_t lastWeek = floorDiv(std::min(toMs, nowMs), kWeekMs) * kWeekMs;
    std::int64_t firstWeek = lastWeek - (static_cast<std::int64_t>(limit) - 1) * kWeekMs;
    if (fromMs) firstWeek = std::max(firstWeek, (floorDiv(*fromMs - 1, kWeekMs) + 1) * kWeekMs);  // open >= startAt
    std::vector<Candle> weeks;
    for (std::int64_t week = firstWeek; week <= lastWeek; week += kWeekMs) {
        const auto days = model.klines(symbol, Interval::D1, week, week + kWeekMs - 1, 7, nowMs);
        std::optional<Candle> w;
        for (const Candle& d : days) {
            if (d.trades <= 0) continue;
            if (!w) {
                w = d;
                w->openTime = week;
                continue;
            }
            w->high = std::max(w->high, d.high);
            w->low = std::min(w->low, d.low);
            w->close = d.close;
            w->volume = w->volume + d.volume;
            w->quoteVolume = w->quoteVolume + d.quoteVolume;
            w->trades += d.trades;
        }
        if (!w) continue;
        w->closed = week + kWeekMs <= nowMs;
        weeks.push_back(*w);
    }
    return weeks;
}

// GET /api/v1/market/candles?symbol=S&type=T[&startAt=s][&endAt=s]: the newest 1,500 candles
// with startAt <= open time <= endAt (seconds), newest first, without no-trade periods; 1week
// candles open on Thursdays (thursdayWeeks).
HttpReply candlesHandler(const RestContext& ctx) {
    const auto symbol = ctx.target.param("symbol");
    const SimSymbol* s = symbol ? findDashed(ctx.model, *symbol) : nullptr;
    if (!s) return kucoinError(400100, "This pair is not provided at present");
    const auto type = ctx.target.param("type");
    const auto interval = type ? KucoinAdapter::parseTypeCode(*type) : std::nullopt;
    if (!interval) return kucoinError(400100, "Unsupported type: " + type.value_or(""));
    std::optional<std::int64_t> startMs, endMs;
    for (auto [name, out] : {std::pair{"startAt", &startMs}, std::pair{"endAt", &endMs}}) {
        if (const auto t = ctx.target.param(name)) {
            const auto v = parseInteger(*t);
            if (!v || *v < 0) return kucoinError(400100, std::string("Parameter ") + name + " is invalid");
            if (*v > 0) *out = *v * 1000;  // 0 means "not set"
        }
    }
    constexpr std::size_t kMaxRows = 1500;
    if (*interval == Interval::W1)
        return ok(wire::kucoin::candles(
            thursdayWeeks(ctx.model, s->symbol, startMs, endMs.value_or(ctx.nowMs), kMaxRows, ctx.nowMs)));
    std::vector<Candle> newestFirst;
    std::int64_t end = endMs.value_or(ctx.nowMs);
    while (newestFirst.size() < kMaxRows) {
        const auto page = ctx.model.klines(s->symbol, *interval, std::nullopt, end, MarketModel::kMaxLimit, ctx.nowMs);
        bool more = !page.empty();
        for (auto it = page.rbegin(); it != page.rend() && newestFirst.size() < kMaxRows; ++it) {
            if (startMs && it->openTime < *startMs) {
                more = false;
                break;
            }
            if (it->trades > 0) newestFirst.push_back(*it);  // no tick, no candle
        }
        if (!more || page.front().openTime <= 0) break;
        end = page.front().openTime - 1;
        if (page.size() < static_cast<std::size_t>(MarketModel::kMaxLimit)) break;  // the listing
    }
    std::vector<Candle> ascending(newestFirst.rbegin(), newestFirst.rend());
    return ok(wire::kucoin::candles(ascending));
}

HttpReply symbolsHandler(const RestContext& ctx) {
    json data = json::array();
    for (const SimSymbol& s : ctx.model.symbols()) {
        data.push_back({{"symbol", dashedSymbol(s)},
                        {"name", dashedSymbol(s)},
                        {"baseCurrency", s.baseAsset},
                        {"quoteCurrency", s.quoteAsset},
                        {"market", s.quoteAsset},
                        {"baseIncrement", stepText(s.quantityDecimals)},
                        {"baseMinSize", stepText(s.quantityDecimals)},
                        {"quoteIncrement", stepText(s.priceDecimals)},
                        {"priceIncrement", stepText(s.priceDecimals)},
                        {"enableTrading", true}});
    }
    return ok(json{{"code", "200000"}, {"data", std::move(data)}}.dump());
}

HttpReply orderbookHandler(const RestContext& ctx, std::size_t depth) {
    const auto symbol = ctx.target.param("symbol");
    const SimSymbol* s = symbol ? findDashed(ctx.model, *symbol) : nullptr;
    if (!s) return kucoinError(400100, "This pair is not provided at present");
    const std::int64_t tick = OrderBookModel::tickOf(ctx.nowMs);
    const auto book = ctx.book->book(s->symbol, tick);
    json data{{"time", ctx.nowMs},
              {"sequence", std::to_string(OrderBookModel::lastUpdateId(tick))},
              {"bids", levelPairs(book.bids, depth)},
              {"asks", levelPairs(book.asks, depth)}};
    return ok(json{{"code", "200000"}, {"data", std::move(data)}}.dump());
}

std::string message(const std::string& topic, const char* subject, json data) {
    return json{{"type", "message"}, {"topic", topic}, {"subject", subject}, {"data", std::move(data)}}.dump();
}

// /market/level2: every tick's changes, sequenceStart..sequenceEnd chained to the REST sequence.
// /market/ticker: best bid/ask when it changes. /spotMarket/level2DepthN: the top N every tick
// it changes.
class KucoinBookStream final : public StreamProducer {
public:
    enum class Kind { Level2, Ticker, Top };
    KucoinBookStream(const OrderBookModel& book, std::string symbol, std::string topic, Kind kind, std::size_t depth)
        : m_book(book), m_symbol(std::move(symbol)), m_topic(std::move(topic)), m_kind(kind), m_depth(depth) {}

    void poll(const PollTime& now, std::vector<std::string>& out) override {
        const std::int64_t tick = OrderBookModel::tickOf(now.exchangeMs);
        if (m_last && tick <= *m_last) return;
        auto current = m_book.book(m_symbol, tick);
        const std::int64_t seq = OrderBookModel::lastUpdateId(tick);
        const std::string instrument = m_topic.substr(m_topic.find(':') + 1);
        if (m_kind == Kind::Level2) {
            if (m_last) {
                const auto d = OrderBookModel::diff(m_previous, current, tick);
                json bids = json::array(), asks = json::array();
                for (const auto& l : d.bids) bids.push_back({l.price.toShortString(), l.quantity.toShortString(), std::to_string(seq)});
                for (const auto& l : d.asks) asks.push_back({l.price.toShortString(), l.quantity.toShortString(), std::to_string(seq)});
                out.push_back(message(m_topic, "trade.l2update",
                                      {{"changes", {{"asks", std::move(asks)}, {"bids", std::move(bids)}}},
                                       {"sequenceStart", OrderBookModel::lastUpdateId(*m_last) + 1},
                                       {"sequenceEnd", seq},
                                       {"symbol", instrument},
                                       {"time", now.exchangeMs}}));
            }
        } else if (m_kind == Kind::Ticker) {
            const auto top = OrderBookModel::top(current, tick);
            const auto before = OrderBookModel::top(m_previous, tick);
            if (!m_last || top.bidPrice != before.bidPrice || top.bidQuantity != before.bidQuantity ||
                top.askPrice != before.askPrice || top.askQuantity != before.askQuantity) {
                out.push_back(message(m_topic, "trade.ticker",
                                      {{"sequence", std::to_string(seq)},
                                       {"bestAsk", top.askPrice.toShortString()},
                                       {"bestAskSize", top.askQuantity.toShortString()},
                                       {"bestBid", top.bidPrice.toShortString()},
                                       {"bestBidSize", top.bidQuantity.toShortString()},
                                       {"time", now.exchangeMs}}));
            }
        } else {
            if (current.bids.size() > m_depth) current.bids.resize(m_depth);
            if (current.asks.size() > m_depth) current.asks.resize(m_depth);
            if (!m_last || current.bids != m_previous.bids || current.asks != m_previous.asks)
                out.push_back(message(m_topic, "level2",
                                      {{"asks", levelPairs(current.asks, m_depth)},
                                       {"bids", levelPairs(current.bids, m_depth)},
                                       {"timestamp", now.exchangeMs}}));
        }
        m_previous = std::move(current);
        m_last = tick;
    }

private:
    const OrderBookModel& m_book;
    std::string m_symbol;
    std::string m_topic;
    Kind m_kind;
    std::size_t m_depth;
    std::optional<std::int64_t> m_last;
    exchange::DepthSnapshot m_previous;
};

std::string snapshotJson(const std::string& topic, const std::string& symbol, const exchange::Ticker24h& t) {
    const Decimal rate = Decimal::fromUnits(t.priceChangePercent.units() / 100);  // a fraction
    json item{{"symbol", symbol},
              {"high", t.high.toShortString()},
              {"low", t.low.toShortString()},
              {"open", t.open.toShortString()},
              {"vol", t.volume.toShortString()},
              {"volValue", t.quoteVolume.toShortString()},
              {"lastTradedPrice", t.lastPrice.toShortString()},
              {"changePrice", t.priceChange.toShortString()},
              {"changeRate", rate.toShortString()},
              {"buy", t.bidPrice.toShortString()},
              {"sell", t.askPrice.toShortString()},
              {"datetime", t.eventTimeMs}};
    return message(topic, "trade.snapshot", {{"sequence", std::to_string(t.lastTradeId)}, {"data", std::move(item)}});
}

std::string matchJson(const std::string& topic, const std::string& symbol, const exchange::TradeTick& t) {
    return message(topic, "trade.l3match",
                   {{"symbol", symbol},
                    {"side", t.buyerIsMaker ? "sell" : "buy"},  // the taker's side
                    {"type", "match"},
                    {"tradeId", std::to_string(t.tradeId)},
                    {"sequence", std::to_string(t.tradeId)},
                    {"price", t.price.toShortString()},
                    {"size", t.quantity.toShortString()},
                    {"time", std::to_string(t.timeMs * 1'000'000)}});  // nanoseconds
}

class KucoinDialect;

class KucoinProtocol final : public WsProtocol {
public:
    KucoinProtocol(const KucoinDialect& dialect, std::string connectId)
        : m_dialect(dialect), m_connectId(std::move(connectId)) {}
    std::vector<std::string> onOpen() override { return {wire::kucoin::typed("welcome", m_connectId)}; }
    std::vector<std::string> onText(const std::string& text, WsSubscriptions& subs) override;

private:
    const KucoinDialect& m_dialect;
    std::string m_connectId;
};

class KucoinDialect final : public Dialect {
public:
    explicit KucoinDialect(const DialectEnv& env) : m_env(env) {
        m_routes.add({"/api/v1/market/candles", 3, candlesHandler, "GET", {"startAt", "endAt"}});
        m_routes.add({"/api/v1/timestamp", 3, [](const RestContext& c) { return ok(wire::kucoin::timestamp(c.nowMs)); }});
        m_routes.add({"/api/v2/symbols", 4, symbolsHandler});
        m_routes.add({"/api/v1/market/orderbook/level2_20", 2, [](const RestContext& c) { return orderbookHandler(c, 20); }});
        m_routes.add({"/api/v1/market/orderbook/level2_100", 4, [](const RestContext& c) { return orderbookHandler(c, 100); }});
        m_routes.add({"/api/v1/bullet-public", 10,
                      [this](const RestContext&) {
                          const auto [interval, timeout] = pingRules();
                          const std::string token = kTokenPrefix + std::to_string(++m_tokens);
                          return ok(wire::kucoin::bullet(token, m_env.streamBase() + "/", interval.count(),
                                                              timeout.count()));
                      },
                      "POST"});
    }

    std::string name() const override { return "kucoin"; }
    // KuCoin: the pool's quota, what is left and the milliseconds until it resets.
    std::vector<std::pair<std::string, std::string>> tooManyHeaders(std::int64_t waitMs, std::int64_t) const override {
        return {{"gw-ratelimit-limit", "2000"}, {"gw-ratelimit-remaining", "0"}, {"gw-ratelimit-reset", std::to_string(waitMs)}};
    }
    const RestRouter& routes() const override { return m_routes; }

    HttpReply restError(RestProblem problem, const std::string& message, int status) const override {
        switch (problem) {
            case RestProblem::TooMany:
            case RestProblem::Banned: return kucoinError(429000, "Too Many Requests", status);
            case RestProblem::Unavailable: return kucoinError(503000, "Service Unavailable", status);
            case RestProblem::NotFound: {
                std::string paths;
                for (const std::string& p : m_routes.paths()) paths += (paths.empty() ? "" : ", ") + p;
                return kucoinError(404000, message + "; the simulator serves " + paths + " and the token's WebSocket",
                                   status);
            }
            case RestProblem::BadMethod:
            case RestProblem::BadTarget: break;
        }
        return kucoinError(400000, message, status);
    }

    WsAccept acceptWebSocket(const ParsedTarget& target) const override {
        WsAccept a;
        const auto token = target.param("token");
        if (target.path != "/") {
            a.rejectStatus = 404;
            a.rejectBody = wire::kucoin::error(404000, "unknown WebSocket path '" + target.path +
                                                                "'; connect to the bullet-public endpoint");
        } else if (!token || !token->starts_with(kTokenPrefix)) {
            a.rejectStatus = 401;
            a.rejectBody = wire::kucoin::error(401, "token is invalid; get one from POST /api/v1/bullet-public");
        } else {
            a.protocol = std::make_unique<KucoinProtocol>(*this, target.param("connectId").value_or(""));
        }
        return a;
    }

    // One topic per symbol: "/market/candles:BTC-USDT_1min", "/market/match:BTC-USDT", …
    std::unique_ptr<StreamProducer> createStream(std::string_view topicView) const override {
        const std::string topic(topicView);
        const std::size_t colon = topic.find(':');
        if (colon == std::string::npos) return nullptr;
        const std::string prefix = topic.substr(0, colon + 1);
        std::string instrument = topic.substr(colon + 1);
        std::optional<Interval> interval;
        std::string typeCode;
        if (prefix == "/market/candles:") {
            const std::size_t us = instrument.rfind('_');
            if (us == std::string::npos) return nullptr;
            typeCode = instrument.substr(us + 1);
            interval = KucoinAdapter::parseTypeCode(typeCode);
            if (!interval) return nullptr;
            instrument.resize(us);
        }
        const SimSymbol* s = findDashed(m_env.model, instrument);
        if (!s) return nullptr;
        const std::string symbol = s->symbol;
        if (interval) {
            const Interval iv = *interval;
            return makeKlineProducer(m_env.model, symbol, iv, m_env.config.klinePushInterval,
                                     [instrument, typeCode](const Candle& c, std::int64_t eventMs) {
                                         // "No data is published for intervals where there are no ticks."
                                         return c.trades > 0 ? wire::kucoin::candleEvent(instrument, typeCode, c, eventMs)
                                                             : std::string();
                                     });
        }
        if (prefix == "/market/match:")
            return makeTradeBatchProducer(m_env.model, symbol,
                                          [topic, instrument](const std::vector<exchange::TradeTick>& trades,
                                                              std::int64_t, std::vector<std::string>& out) {
                                              for (const auto& t : trades) out.push_back(matchJson(topic, instrument, t));
                                          });
        if (prefix == "/market/level2:")
            return std::make_unique<KucoinBookStream>(m_env.book, symbol, topic, KucoinBookStream::Kind::Level2, 0);
        if (prefix == "/market/ticker:")
            return std::make_unique<KucoinBookStream>(m_env.book, symbol, topic, KucoinBookStream::Kind::Ticker, 1);
        if (prefix == "/spotMarket/level2Depth5:" || prefix == "/spotMarket/level2Depth50:")
            return std::make_unique<KucoinBookStream>(m_env.book, symbol, topic, KucoinBookStream::Kind::Top,
                                                      prefix == "/spotMarket/level2Depth5:" ? 5 : 50);
        if (prefix == "/market/snapshot:")
            return makeTickerProducer(m_env.model, m_env.book, symbol, [topic, instrument](const exchange::Ticker24h& t) {
                return snapshotJson(topic, instrument, t);
            });
        return nullptr;
    }

    // The token answer's pingInterval and pingTimeout: KuCoin's example values, or, when
    // SimConfig::heartbeatTimeout is set, half of it each (their sum is the silence timeout).
    std::pair<std::chrono::milliseconds, std::chrono::milliseconds> pingRules() const {
        if (m_env.config.heartbeatTimeout.count() > 0)
            return {m_env.config.heartbeatTimeout / 2, m_env.config.heartbeatTimeout - m_env.config.heartbeatTimeout / 2};
        return {kPingInterval, kPingTimeout};
    }
    std::chrono::milliseconds heartbeatTimeout() const override { return kPingInterval + kPingTimeout; }
    std::string malformedFrame() const override { return "{\"type\":\"message\",\"topic\":\"/market/candles:"; }
    std::vector<std::string> exampleUrls(const std::string& rest, const std::string& stream) const override {
        (void)stream;
        return {rest + "/api/v1/market/candles?symbol=BTC-USDT&type=1min",
                "POST " + rest + "/api/v1/bullet-public  (then connect to its endpoint with ?token=…&connectId=…)"};
    }

    std::size_t maxStreams() const { return m_env.config.maxStreamsPerConnection; }

private:
    DialectEnv m_env;
    RestRouter m_routes;
    std::atomic<std::uint64_t> m_tokens{0};
};

// {"id":"…","type":"ping"} and {"id":"…","type":"subscribe"|"unsubscribe","topic":"…","response":true}.
std::vector<std::string> KucoinProtocol::onText(const std::string& text, WsSubscriptions& subs) {
    const json request = json::parse(text, nullptr, false);
    if (!request.is_object() || !request.contains("type") || !request["type"].is_string())
        return {json{{"type", "error"}, {"code", 400}, {"data", "invalid request: " + text.substr(0, 200)}}.dump()};
    const std::string type = request["type"].get<std::string>();
    const std::string id = request.contains("id") ? (request["id"].is_string() ? request["id"].get<std::string>()
                                                                                : request["id"].dump())
                                                  : std::string();
    const auto error = [&id](int code, const std::string& data) {
        return json{{"id", id}, {"type", "error"}, {"code", code}, {"data", data}}.dump();
    };
    if (type == "ping") return {wire::kucoin::typed("pong", id)};
    if (type != "subscribe" && type != "unsubscribe") return {error(400, "unknown type " + type)};
    const std::string topic = request.value("topic", "");
    const std::size_t colon = topic.find(':');
    if (colon == std::string::npos) return {error(404, "topic " + topic + " is not found")};
    // Several symbols of one channel share a message: "/market/match:BTC-USDT,ETH-USDT".
    std::vector<std::string> names;
    std::string_view rest = std::string_view(topic).substr(colon + 1);
    while (true) {
        const std::size_t comma = rest.find(',');
        names.push_back(topic.substr(0, colon + 1) + std::string(rest.substr(0, comma)));
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    if (type == "unsubscribe") {
        for (const auto& n : names) subs.remove(n);
    } else {
        std::vector<std::pair<std::string, std::unique_ptr<StreamProducer>>> added;
        for (const auto& n : names) {
            if (subs.has(n)) continue;
            auto producer = m_dialect.createStream(n);
            if (!producer) return {error(404, "topic " + n + " is not found")};
            added.emplace_back(n, std::move(producer));
        }
        if (subs.count() + added.size() > m_dialect.maxStreams()) return {error(509, "exceed max subscription count limitation")};
        for (auto& [n, p] : added) subs.add(n, std::move(p));
    }
    if (request.contains("response") && request["response"].is_boolean() && request["response"].get<bool>())
        return {wire::kucoin::typed("ack", id)};
    return {};
}

}  // namespace

std::unique_ptr<Dialect> makeKucoinDialect(const DialectEnv& env) { return std::make_unique<KucoinDialect>(env); }

}  // namespace cpc::sim
