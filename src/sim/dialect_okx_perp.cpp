// OKX v5 perpetual swaps (SimConfig::market == Perp, instType SWAP, instruments "BTC-USDT-SWAP")
// over a PerpModel of the spot model: REST GET /api/v5/market/{candles,history-candles,books,
// [history-]mark-price-candles,[history-]index-candles},
// /api/v5/public/{time,instruments,funding-rate,funding-rate-history,open-interest} and
// /api/v5/rubik/stat/contracts/open-interest-history, as the spot dialect answers
// ({"code","msg","data"}, errors with HTTP 200 and code != "0"); WebSocket /ws/v5/business (candle
// channels) and /ws/v5/public (trades, books, books5, bbo-tbt, tickers, mark-price, funding-rate,
// open-interest, index-tickers, and liquidation-orders subscribed per instType SWAP, carrying every
// instrument). Field names from OKX's documented examples (tests/fixtures/okx), not from the client.
//
// Sizes are in contracts as on OKX: each instrument's contract is worth ctVal of the base asset
// (ctValCcy), 10^-(quantity decimals - 2) here (BTC: 0.001 BTC), so a trade of the spot model's
// quantity q is q / ctVal contracts with at most two decimals (lotSz 0.01). Candles give both:
// vol in contracts, volCcy in the base asset, volCcyQuote in the quote asset. Open interest: oi in
// contracts, oiCcy in the base asset, oiUsd in the quote (USDT ≈ USD).
#include <algorithm>
#include <memory>
#include <variant>

#include <nlohmann/json.hpp>

#include "cpc/exchange/okx/okx_adapter.hpp"
#include "cpc/sim/ticker_model.hpp"
#include "dialect.hpp"
#include "dialect_util.hpp"
#include "perp_model.hpp"
#include "wire.hpp"

namespace cpc::sim {

namespace {

using json = nlohmann::ordered_json;
using exchange::OkxAdapter;

constexpr std::int64_t kDayMs = 86'400'000;

HttpReply ok(json data) { return HttpReply{200, json{{"code", "0"}, {"msg", ""}, {"data", std::move(data)}}.dump(), {}}; }
HttpReply okxError(int code, const std::string& msg, int status = 200) {
    return HttpReply{status, wire::okx::error(code, msg), {}};
}

std::int64_t floorTo(std::int64_t t, std::int64_t step) { return t - (((t % step) + step) % step); }

// ---- contracts ---------------------------------------------------------------------------------

int contractDecimals(const SimSymbol& s) { return std::max(0, s.quantityDecimals - 2); }  // ctVal = 10^-this
Int128 pow10(int n) {
    Int128 p = 1;
    for (int i = 0; i < n; ++i) p *= 10;
    return p;
}
Decimal contracts(const SimSymbol& s, Decimal base) { return Decimal::fromUnits(base.units() * pow10(contractDecimals(s))); }
std::string ctVal(const SimSymbol& s) { return stepText(contractDecimals(s)); }
std::string lotSz(const SimSymbol& s) { return stepText(s.quantityDecimals - contractDecimals(s)); }

std::string swapId(const SimSymbol& s) { return dashedSymbol(s) + "-SWAP"; }
const SimSymbol* findSwap(const MarketModel& model, std::string_view instId) {
    if (!instId.ends_with("-SWAP")) return nullptr;
    return findDashed(model, instId.substr(0, instId.size() - 5));
}

json argOf(const std::string& channel, const std::string& key, const std::string& value) {
    return json{{"channel", channel}, {key, value}};
}

// [ts, o, h, l, c, vol (contracts), volCcy (base), volCcyQuote (quote), confirm].
json candleRow(const SimSymbol& s, const Candle& c) {
    return json::array({std::to_string(c.openTime), c.open.toShortString(), c.high.toShortString(), c.low.toShortString(),
                        c.close.toShortString(), contracts(s, c.volume).toShortString(), c.volume.toShortString(),
                        c.quoteVolume.toShortString(), c.closed ? "1" : "0"});
}

// OKX levels: [price, size (contracts), "0" (deprecated), number of orders].
json levels(const SimSymbol& s, const std::vector<exchange::PriceLevel>& side, std::size_t limit) {
    json out = json::array();
    for (std::size_t i = 0; i < side.size() && i < limit; ++i)
        out.push_back(json::array({side[i].price.toShortString(), contracts(s, side[i].quantity).toShortString(), "0", "1"}));
    return out;
}

// ---- rows shared by REST and pushes --------------------------------------------------------------

// GET /public/funding-rate and the funding-rate channel: the current period, which settles at
// fundingTime (its rate is known when it starts, so the predicted rate is the settled one).
json fundingRow(const PerpModel& perp, const SimSymbol& s, std::int64_t nowMs) {
    const std::int64_t settles = PerpModel::nextFundingTime(nowMs);
    const std::string rate = perp.fundingRate(s.symbol, settles).toShortString();
    return json{{"formulaType", "noRate"},
                {"fundingRate", rate},
                {"fundingTime", std::to_string(settles)},
                {"impactValue", ""},
                {"instId", swapId(s)},
                {"instType", "SWAP"},
                {"interestRate", ""},
                {"method", "current_period"},
                {"maxFundingRate", "0.0075"},
                {"minFundingRate", "-0.0075"},
                {"nextFundingRate", ""},
                {"nextFundingTime", std::to_string(settles + PerpModel::kFundingPeriodMs)},
                {"premium", Decimal::fromDouble(perp.basisBps(s.symbol, nowMs) / 10000.0).value_or(Decimal{}).toShortString()},
                {"settFundingRate", perp.fundingRate(s.symbol, settles - PerpModel::kFundingPeriodMs).toShortString()},
                {"settState", "settled"},
                {"ts", std::to_string(nowMs)}};
}

json openInterestRow(const PerpModel& perp, const SimSymbol& s, std::int64_t t) {
    const Decimal oi = perp.openInterest(s.symbol, t);
    const double mark = perp.markPrice(s.symbol, t).value_or(Decimal{}).toDouble();
    return json{{"instId", swapId(s)},
                {"instType", "SWAP"},
                {"oi", contracts(s, oi).toShortString()},
                {"oiCcy", oi.toShortString()},
                {"oiUsd", Decimal::fromDouble(oi.toDouble() * mark).value_or(Decimal{}).toShortString()},
                {"ts", std::to_string(t)}};
}

// ---- stream producers ----------------------------------------------------------------------------

// A push built by `make` at most every `every` of wall time, and at least every `idle` even when
// unchanged (0: only changes); the first poll pushes at once.
class PeriodicStream final : public StreamProducer {
public:
    using Make = std::function<std::string(std::int64_t nowMs, std::string& state)>;
    PeriodicStream(std::chrono::milliseconds every, std::chrono::milliseconds idle, Make make)
        : m_every(every), m_idle(idle), m_make(std::move(make)) {}
    void poll(const PollTime& now, std::vector<std::string>& out) override {
        const bool first = m_last == std::chrono::steady_clock::time_point{};
        if (!first && now.wall - m_last < m_every) return;
        std::string state;
        std::string payload = m_make(now.exchangeMs, state);
        if (payload.empty()) return;
        const bool idleDue = m_idle.count() > 0 && now.wall - m_lastPush >= m_idle;
        m_last = now.wall;
        if (!first && state == m_state && !idleDue) return;
        m_state = std::move(state);
        m_lastPush = now.wall;
        out.push_back(std::move(payload));
    }

private:
    std::chrono::milliseconds m_every, m_idle;
    Make m_make;
    std::string m_state;
    std::chrono::steady_clock::time_point m_last{}, m_lastPush{};
};

// liquidation-orders (instType SWAP): every second of wall time, the liquidations of every swap
// since the last push, one row per instrument (none before the subscription).
class LiquidationOrdersStream final : public StreamProducer {
public:
    LiquidationOrdersStream(std::shared_ptr<const PerpModel> perp, const MarketModel& model)
        : m_perp(std::move(perp)), m_model(model) {}
    void poll(const PollTime& now, std::vector<std::string>& out) override {
        if (!m_from) {
            m_from = now.exchangeMs;
            m_lastPush = now.wall;
            return;
        }
        if (now.wall - m_lastPush < std::chrono::milliseconds(1000) || now.exchangeMs <= *m_from) return;
        m_lastPush = now.wall;
        json data = json::array();
        for (const SimSymbol& s : m_model.symbols()) {
            const auto due = m_perp->liquidations(s.symbol, *m_from, now.exchangeMs);
            if (due.empty()) continue;
            json details = json::array();
            for (const auto& l : due)
                details.push_back(json{{"bkLoss", "0"},
                                       {"bkPx", l.price.toShortString()},
                                       {"ccy", ""},
                                       {"posSide", l.longLiquidated ? "long" : "short"},
                                       {"side", l.longLiquidated ? "sell" : "buy"},  // the order that closes it
                                       {"sz", contracts(s, l.quantity).toShortString()},
                                       {"ts", std::to_string(l.timeMs)}});
            data.push_back(json{{"details", std::move(details)},
                                {"instFamily", dashedSymbol(s)},
                                {"instId", swapId(s)},
                                {"instType", "SWAP"},
                                {"uly", dashedSymbol(s)}});
        }
        m_from = now.exchangeMs;
        if (data.empty()) return;
        out.push_back(json{{"arg", argOf("liquidation-orders", "instType", "SWAP")}, {"data", std::move(data)}}.dump());
    }

private:
    std::shared_ptr<const PerpModel> m_perp;
    const MarketModel& m_model;
    std::optional<std::int64_t> m_from;
    std::chrono::steady_clock::time_point m_lastPush{};
};

// books: a snapshot (prevSeqId -1), then an update per book tick chained by prevSeqId → seqId;
// books5 / bbo-tbt: the top levels whenever they change. Sizes in contracts.
class SwapBookStream final : public StreamProducer {
public:
    SwapBookStream(const OrderBookModel& book, const SimSymbol& s, std::string channel)
        : m_book(book), m_symbol(s), m_channel(std::move(channel)),
          m_depth(m_channel == "books" ? 400 : m_channel == "books5" ? 5 : 1) {}

    void poll(const PollTime& now, std::vector<std::string>& out) override {
        const std::int64_t tick = OrderBookModel::tickOf(now.exchangeMs);
        if (m_last && tick <= *m_last) return;
        auto current = m_book.book(m_symbol.symbol, tick);
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
        json b{{"asks", levels(m_symbol, asks, asks.size())},
               {"bids", levels(m_symbol, bids, bids.size())},
               {"ts", std::to_string(nowMs)},
               {"seqId", seq}};
        if (m_channel == "books") b["prevSeqId"] = prevSeq;
        json j;
        j["arg"] = argOf(m_channel, "instId", swapId(m_symbol));
        if (action) j["action"] = action;
        j["data"] = json::array({std::move(b)});
        return j.dump();
    }

    const OrderBookModel& m_book;
    SimSymbol m_symbol;
    std::string m_channel;
    std::size_t m_depth;
    std::optional<std::int64_t> m_last;
    std::int64_t m_seq = -1;
    exchange::DepthSnapshot m_previous;
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

// {"op":"subscribe"|"unsubscribe","args":[{"channel","instId"|"instType"}]} and the text "ping".
// Candle channels live on /business only, the rest on /public only.
class OkxSwapProtocol final : public WsProtocol {
public:
    OkxSwapProtocol(std::function<std::unique_ptr<StreamProducer>(std::string_view)> create, std::size_t maxStreams,
                    bool business)
        : m_create(std::move(create)), m_maxStreams(maxStreams), m_business(business) {}

    std::vector<std::string> onText(const std::string& text, WsSubscriptions& subs) override {
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
            const std::string instType = arg.is_object() ? arg.value("instType", "") : "";
            const std::string name = channel + ":" + (channel == "liquidation-orders" ? instType : instId);
            if (op == "unsubscribe") {
                subs.remove(name);
                replies.push_back(eventReply(id, "unsubscribe", arg));
                continue;
            }
            const bool candle = channel.starts_with("candle");
            auto producer = candle == m_business ? m_create(name) : nullptr;
            if (!producer) {
                replies.push_back(errorEvent(id, 60018,
                                             "Wrong URL or channel:" + channel + ",instId:" + instId +
                                                 " doesn't exist. Please use the correct URL, channel and parameters "
                                                 "referring to API document."));
                continue;
            }
            if (!subs.has(name)) {
                if (subs.count() >= m_maxStreams) {
                    replies.push_back(errorEvent(id, 60012, "Invalid request: too many channels on one connection"));
                    continue;
                }
                subs.add(name, std::move(producer));
            }
            replies.push_back(eventReply(id, "subscribe", arg));
        }
        return replies;
    }

private:
    std::function<std::unique_ptr<StreamProducer>(std::string_view)> m_create;
    std::size_t m_maxStreams;
    bool m_business;
};

// ---- the dialect ---------------------------------------------------------------------------------

class OkxPerpDialect final : public Dialect {
public:
    explicit OkxPerpDialect(const DialectEnv& env)
        : m_env(env), m_perp(std::make_shared<const PerpModel>(env.model, env.config.seed)) {
        const auto perp = m_perp;
        m_routes.add({"/api/v5/market/candles", 1, [perp](const RestContext& c) { return candles(*perp, c, false); }, "GET",
                      {"after", "before"}});
        m_routes.add({"/api/v5/market/history-candles", 1, [perp](const RestContext& c) { return candles(*perp, c, true); },
                      "GET", {"after", "before"}});
        for (const bool history : {false, true}) {
            const std::string prefix = history ? "/api/v5/market/history-" : "/api/v5/market/";
            m_routes.add({prefix + "mark-price-candles", 1,
                          [perp, history](const RestContext& c) { return priceCandles(*perp, c, true, history); }, "GET",
                          {"after", "before"}});
            m_routes.add({prefix + "index-candles", 1,
                          [perp, history](const RestContext& c) { return priceCandles(*perp, c, false, history); }, "GET",
                          {"after", "before"}});
        }
        m_routes.add({"/api/v5/market/books", 1, books});
        m_routes.add({"/api/v5/public/time", 1, [](const RestContext& c) {
                          return HttpReply{200, wire::okx::time(c.nowMs), {}};
                      }});
        m_routes.add({"/api/v5/public/instruments", 1, instruments});
        m_routes.add({"/api/v5/public/funding-rate", 1, [perp](const RestContext& c) {
                          const auto instId = c.target.param("instId");
                          if (!instId || instId->empty()) return okxError(50014, "Parameter instId can not be empty.");
                          const SimSymbol* s = findSwap(c.model, *instId);
                          if (!s || c.nowMs < s->listingMs) return okxError(51001, "Instrument ID does not exist.");
                          return ok(json::array({fundingRow(*perp, *s, c.nowMs)}));
                      }});
        m_routes.add({"/api/v5/public/funding-rate-history", 1, [perp](const RestContext& c) { return fundingHistory(*perp, c); },
                      "GET", {"after", "before"}});
        m_routes.add({"/api/v5/public/open-interest", 1, [perp](const RestContext& c) {
                          const auto type = c.target.param("instType");
                          if (!type || type->empty()) return okxError(50014, "Parameter instType can not be empty.");
                          if (*type != "SWAP") return okxError(51000, "Parameter instType error");
                          const auto instId = c.target.param("instId");
                          json data = json::array();
                          for (const SimSymbol& s : c.model.symbols())
                              if ((!instId || *instId == swapId(s)) && c.nowMs >= s.listingMs)
                                  data.push_back(openInterestRow(*perp, s, c.nowMs));
                          if (instId && data.empty()) return okxError(51001, "Instrument ID does not exist.");
                          return ok(std::move(data));
                      }});
        m_routes.add({"/api/v5/rubik/stat/contracts/open-interest-history", 1,
                      [perp](const RestContext& c) { return openInterestHistory(*perp, c); }, "GET", {"begin", "end"}});
    }

    std::string name() const override { return "okx"; }
    std::vector<std::pair<std::string, std::string>> tooManyHeaders(std::int64_t, std::int64_t) const override { return {}; }
    const RestRouter& routes() const override { return m_routes; }

    HttpReply restError(RestProblem problem, const std::string& message, int status) const override {
        switch (problem) {
            case RestProblem::TooMany:
            case RestProblem::Banned:
                return okxError(50011, "Rate limit reached. Please refer to API documentation and throttle requests accordingly",
                                status);
            case RestProblem::Unavailable: return okxError(50001, "Service temporarily unavailable. Try again later", status);
            case RestProblem::NotFound: {
                std::string paths;
                for (const std::string& p : m_routes.paths()) paths += (paths.empty() ? "" : ", ") + p;
                return okxError(404, message + "; the simulator serves SWAP " + paths + ", /ws/v5/business and /ws/v5/public",
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
        a.protocol = std::make_unique<OkxSwapProtocol>([this](std::string_view name) { return createStream(name); },
                                                       m_env.config.maxStreamsPerConnection, target.path == "/ws/v5/business");
        return a;
    }

    // Internal stream names: "<channel>:<instId>" ("liquidation-orders:SWAP").
    std::unique_ptr<StreamProducer> createStream(std::string_view name) const override {
        const std::size_t colon = name.find(':');
        if (colon == std::string_view::npos) return nullptr;
        const std::string channel(name.substr(0, colon));
        const std::string key(name.substr(colon + 1));
        if (channel == "liquidation-orders")
            return key == "SWAP" ? std::make_unique<LiquidationOrdersStream>(m_perp, m_env.model) : nullptr;
        if (channel == "index-tickers") {
            const SimSymbol* s = findDashed(m_env.model, key);  // the index: "BTC-USDT"
            return s ? indexTickers(*s) : nullptr;
        }
        const SimSymbol* found = findSwap(m_env.model, key);
        if (!found) return nullptr;
        const SimSymbol s = *found;
        const auto perp = m_perp;
        if (channel.starts_with("candle")) {
            const auto interval = OkxAdapter::parseBarCode(std::string_view(channel).substr(6));
            if (!interval) return nullptr;
            return makeKlineProducer(m_env.model, s.symbol, *interval, m_env.config.klinePushInterval,
                                     [perp, s, channel](const Candle& c, std::int64_t) {
                                         return json{{"arg", argOf(channel, "instId", swapId(s))},
                                                     {"data", json::array({candleRow(s, perp->shifted(s.symbol, c))})}}
                                             .dump();
                                     });
        }
        if (channel == "trades")
            return makeTradeBatchProducer(m_env.model, s.symbol,
                                          [s](const std::vector<exchange::TradeTick>& trades, std::int64_t,
                                              std::vector<std::string>& out) {
                                              json data = json::array();
                                              for (const auto& t : trades)
                                                  data.push_back(json{{"instId", swapId(s)},
                                                                      {"tradeId", std::to_string(t.tradeId)},
                                                                      {"px", t.price.toShortString()},
                                                                      {"sz", contracts(s, t.quantity).toShortString()},
                                                                      {"side", t.buyerIsMaker ? "sell" : "buy"},
                                                                      {"ts", std::to_string(t.timeMs)},
                                                                      {"count", "1"}});
                                              out.push_back(json{{"arg", argOf("trades", "instId", swapId(s))},
                                                                 {"data", std::move(data)}}
                                                                .dump());
                                          });
        if (channel == "books" || channel == "books5" || channel == "bbo-tbt")
            return std::make_unique<SwapBookStream>(m_env.book, s, channel);
        if (channel == "tickers")
            return makeTickerProducer(m_env.model, m_env.book, s.symbol, [s](const exchange::Ticker24h& t) {
                json d{{"instType", "SWAP"},
                       {"instId", swapId(s)},
                       {"last", t.lastPrice.toShortString()},
                       {"lastSz", contracts(s, t.lastQuantity).toShortString()},
                       {"askPx", t.askPrice.toShortString()},
                       {"askSz", contracts(s, t.askQuantity).toShortString()},
                       {"bidPx", t.bidPrice.toShortString()},
                       {"bidSz", contracts(s, t.bidQuantity).toShortString()},
                       {"open24h", t.open.toShortString()},
                       {"high24h", t.high.toShortString()},
                       {"low24h", t.low.toShortString()},
                       {"volCcy24h", t.volume.toShortString()},  // SWAP: the base asset
                       {"vol24h", contracts(s, t.volume).toShortString()},
                       {"ts", std::to_string(t.eventTimeMs)}};
                return json{{"arg", argOf("tickers", "instId", swapId(s))}, {"data", json::array({std::move(d)})}}.dump();
            });
        // mark-price: "pushed every 200 ms when the mark price changes, else every 10 s" (here every
        // second of wall time when it changed).
        if (channel == "mark-price")
            return std::make_unique<PeriodicStream>(std::chrono::seconds(1), std::chrono::seconds(10),
                                                    [perp, s](std::int64_t now, std::string& state) -> std::string {
                                                        const auto mark = perp->markPrice(s.symbol, now);
                                                        if (!mark) return {};
                                                        state = mark->toShortString();
                                                        json d{{"instType", "SWAP"},
                                                               {"instId", swapId(s)},
                                                               {"markPx", state},
                                                               {"ts", std::to_string(now)}};
                                                        return json{{"arg", argOf("mark-price", "instId", swapId(s))},
                                                                    {"data", json::array({std::move(d)})}}
                                                            .dump();
                                                    });
        // funding-rate: "pushed in 30 s to 90 s" (here at once, then every 30 s).
        if (channel == "funding-rate")
            return std::make_unique<PeriodicStream>(std::chrono::seconds(30), std::chrono::seconds(30),
                                                    [perp, s](std::int64_t now, std::string&) -> std::string {
                                                        if (now < s.listingMs) return {};
                                                        return json{{"arg", argOf("funding-rate", "instId", swapId(s))},
                                                                    {"data", json::array({fundingRow(*perp, s, now)})}}
                                                            .dump();
                                                    });
        // open-interest: "pushed every 3 s when the data changes".
        if (channel == "open-interest")
            return std::make_unique<PeriodicStream>(std::chrono::seconds(3), std::chrono::milliseconds(0),
                                                    [perp, s](std::int64_t now, std::string& state) -> std::string {
                                                        if (now < s.listingMs) return {};
                                                        json row = openInterestRow(*perp, s, now);
                                                        state = row["oi"].get<std::string>();
                                                        return json{{"arg", argOf("open-interest", "instId", swapId(s))},
                                                                    {"data", json::array({std::move(row)})}}
                                                            .dump();
                                                    });
        return nullptr;
    }

    std::chrono::milliseconds heartbeatTimeout() const override { return std::chrono::seconds(30); }
    std::string malformedFrame() const override { return "{\"arg\":{\"channel\":\"mark-price\",\"instId\":"; }
    std::optional<std::string> shutdownNotice(std::int64_t) const override {
        return json{{"event", "notice"},
                    {"code", "64008"},
                    {"msg", "The connection will soon be closed for a service upgrade. Please reconnect."},
                    {"connId", "cpc-sim"}}
            .dump();
    }
    std::vector<std::string> exampleUrls(const std::string& rest, const std::string& stream) const override {
        return {rest + "/api/v5/public/funding-rate?instId=BTC-USDT-SWAP",
                rest + "/api/v5/rubik/stat/contracts/open-interest-history?instId=BTC-USDT-SWAP&period=5m&limit=5",
                stream + "/ws/v5/public  (send {\"op\":\"subscribe\",\"args\":[{\"channel\":\"mark-price\",\"instId\":"
                         "\"BTC-USDT-SWAP\"},{\"channel\":\"liquidation-orders\",\"instType\":\"SWAP\"}]})"};
    }

private:
    // index-tickers of "BTC-USDT": the spot market is the index (idxPx = the perpetual's index price).
    std::unique_ptr<StreamProducer> indexTickers(const SimSymbol& s) const {
        return std::make_unique<PeriodicStream>(
            std::chrono::seconds(1), std::chrono::seconds(10),
            [perp = m_perp, book = &m_env.book, s](std::int64_t now, std::string& state) -> std::string {
                const auto index = perp->indexPrice(s.symbol, now);
                if (!index) return {};
                state = index->toShortString();
                const auto t = rollingTicker(perp->spot(), *book, s.symbol, now, true);
                const auto dayOpen = [&](std::int64_t dayStart) {
                    const auto rows = perp->spot().klines(s.symbol, Interval::M1, dayStart, dayStart, 1, now);
                    return rows.empty() ? std::string() : rows.front().open.toShortString();
                };
                json d{{"instId", dashedSymbol(s)},
                       {"idxPx", state},
                       {"high24h", t.high.toShortString()},
                       {"low24h", t.low.toShortString()},
                       {"open24h", t.open.toShortString()},
                       {"sodUtc0", dayOpen(floorTo(now, kDayMs))},
                       {"sodUtc8", dayOpen(floorTo(now + 8 * 3'600'000, kDayMs) - 8 * 3'600'000)},
                       {"ts", std::to_string(now)}};
                return json{{"arg", argOf("index-tickers", "instId", dashedSymbol(s))}, {"data", json::array({std::move(d)})}}
                    .dump();
            });
    }

    static std::variant<std::optional<std::int64_t>, HttpReply> intParam(const RestContext& ctx, const char* name) {
        const auto text = ctx.target.param(name);
        if (!text) return std::optional<std::int64_t>{};
        const auto v = parseInteger(*text);
        if (!v) return okxError(51000, std::string("Parameter ") + name + " error");
        return std::optional<std::int64_t>{*v};
    }
    static std::variant<int, HttpReply> limitParam(const RestContext& ctx, int fallback, int max) {
        const auto text = ctx.target.param("limit");
        if (!text) return fallback;
        const auto v = parseInteger(*text);
        if (!v || *v < 1 || *v > max) return okxError(51000, "Parameter limit error");
        return static_cast<int>(*v);
    }

    // /market/candles and /market/history-candles: the newest `limit` candles with before < open
    // time < after, newest first; prices shifted by the basis.
    // What a candles request asks (instId, bar, limit, after, before), read the venue's way.
    struct CandleQuery {
        const SimSymbol* symbol;
        Interval interval;
        int limit;
        std::int64_t end;                  // the newest open time wanted (after − 1, or now)
        std::optional<std::int64_t> before;  // rows at or before it are left out
    };
    static std::variant<HttpReply, CandleQuery> candleQuery(const RestContext& ctx, const SimSymbol* s, bool allowSeconds,
                                                            int maxLimit) {
        if (!s) return okxError(51001, "Instrument ID does not exist.");
        const auto interval = OkxAdapter::parseBarCode(ctx.target.param("bar").value_or("1m"));
        if (!interval || (!allowSeconds && *interval == Interval::S1)) return okxError(51000, "Parameter bar error");
        const auto limit = limitParam(ctx, 100, maxLimit);
        if (const auto* bad = std::get_if<HttpReply>(&limit)) return *bad;
        const auto after = intParam(ctx, "after");
        if (const auto* bad = std::get_if<HttpReply>(&after)) return *bad;
        const auto before = intParam(ctx, "before");
        if (const auto* bad = std::get_if<HttpReply>(&before)) return *bad;
        const auto a = std::get<std::optional<std::int64_t>>(after);
        return CandleQuery{s, *interval, std::get<int>(limit), a ? *a - 1 : ctx.nowMs,
                           std::get<std::optional<std::int64_t>>(before)};
    }

    static HttpReply candles(const PerpModel& perp, const RestContext& ctx, bool history) {
        const auto instId = ctx.target.param("instId");
        if (!instId || instId->empty()) return okxError(50014, "Parameter instId can not be empty.");
        const auto parsed = candleQuery(ctx, findSwap(ctx.model, *instId), history, 300);
        if (const auto* bad = std::get_if<HttpReply>(&parsed)) return *bad;
        const CandleQuery& q = std::get<CandleQuery>(parsed);
        json rows = json::array();
        if (q.end < 0) return ok(std::move(rows));
        auto list = perp.klines(q.symbol->symbol, q.interval, std::nullopt, q.end, std::min(q.limit, MarketModel::kMaxLimit),
                                ctx.nowMs);
        if (q.before) std::erase_if(list, [&](const Candle& c) { return c.openTime <= *q.before; });
        for (auto c = list.rbegin(); c != list.rend(); ++c) rows.push_back(candleRow(*q.symbol, *c));
        return ok(std::move(rows));
    }

    // /market/mark-price-candles?instId=BTC-USDT-SWAP and /market/index-candles?instId=BTC-USDT
    // (the index), and their history- variants: the newest `limit` (1..100, default 100) rows of
    // PerpModel::priceKlines with before < open time < after, newest first, [ts, o, h, l, c,
    // confirm]. The plain endpoints keep the latest 1,440 rows only; history- goes further back.
    static HttpReply priceCandles(const PerpModel& perp, const RestContext& ctx, bool mark, bool history) {
        const auto instId = ctx.target.param("instId");
        if (!instId || instId->empty()) return okxError(50014, "Parameter instId can not be empty.");
        const auto parsed =
            candleQuery(ctx, mark ? findSwap(ctx.model, *instId) : findDashed(ctx.model, *instId), false, 100);
        if (const auto* bad = std::get_if<HttpReply>(&parsed)) return *bad;
        const CandleQuery& q = std::get<CandleQuery>(parsed);
        json rows = json::array();
        if (q.end < 0) return ok(std::move(rows));
        auto list = perp.priceKlines(q.symbol->symbol, mark, q.interval, std::nullopt, q.end, q.limit, ctx.nowMs);
        if (q.before) std::erase_if(list, [&](const Candle& c) { return c.openTime <= *q.before; });
        if (!history && !isCalendar(q.interval)) {
            const std::int64_t oldest = bucketStart(q.interval, ctx.nowMs) - 1439 * nominalMs(q.interval);
            std::erase_if(list, [&](const Candle& c) { return c.openTime < oldest; });
        }
        for (auto c = list.rbegin(); c != list.rend(); ++c)
            rows.push_back(json::array({std::to_string(c->openTime), c->open.toShortString(), c->high.toShortString(),
                                        c->low.toShortString(), c->close.toShortString(), c->closed ? "1" : "0"}));
        return ok(std::move(rows));
    }

    static HttpReply books(const RestContext& ctx) {
        const auto instId = ctx.target.param("instId");
        if (!instId || instId->empty()) return okxError(50014, "Parameter instId can not be empty.");
        const SimSymbol* s = findSwap(ctx.model, *instId);
        if (!s) return okxError(51001, "Instrument ID does not exist.");
        std::size_t sz = 1;
        if (const auto l = ctx.target.param("sz")) {
            const auto v = parseInteger(*l);
            if (!v || *v < 1 || *v > 400) return okxError(51000, "Parameter sz error");
            sz = static_cast<std::size_t>(*v);
        }
        const std::int64_t tick = OrderBookModel::tickOf(ctx.nowMs);
        const auto book = ctx.book->book(s->symbol, tick);
        return ok(json::array(
            {json{{"asks", levels(*s, book.asks, sz)}, {"bids", levels(*s, book.bids, sz)}, {"ts", std::to_string(ctx.nowMs)}}}));
    }

    // GET /api/v5/public/instruments?instType=SWAP: the linear USDT-margined swaps (baseCcy and
    // quoteCcy are empty on SWAP rows; instFamily / uly name the pair).
    static HttpReply instruments(const RestContext& ctx) {
        const auto type = ctx.target.param("instType");
        if (!type || type->empty()) return okxError(50014, "Parameter instType can not be empty.");
        json data = json::array();
        if (*type == "SWAP") {
            for (const SimSymbol& s : ctx.model.symbols()) {
                data.push_back(json{{"instType", "SWAP"},
                                    {"instId", swapId(s)},
                                    {"uly", dashedSymbol(s)},
                                    {"instFamily", dashedSymbol(s)},
                                    {"baseCcy", ""},
                                    {"quoteCcy", ""},
                                    {"settleCcy", s.quoteAsset},
                                    {"ctVal", ctVal(s)},
                                    {"ctMult", "1"},
                                    {"ctValCcy", s.baseAsset},
                                    {"ctType", "linear"},
                                    {"tickSz", stepText(s.priceDecimals)},
                                    {"lotSz", lotSz(s)},
                                    {"minSz", lotSz(s)},
                                    {"listTime", std::to_string(s.listingMs)},
                                    {"state", "live"}});
            }
        }
        return ok(std::move(data));
    }

    // GET /api/v5/public/funding-rate-history: settled periods with before < fundingTime < after,
    // the newest `limit` (1..400, default 400) of the last three months, newest first.
    static HttpReply fundingHistory(const PerpModel& perp, const RestContext& ctx) {
        const auto instId = ctx.target.param("instId");
        if (!instId || instId->empty()) return okxError(50014, "Parameter instId can not be empty.");
        const SimSymbol* s = findSwap(ctx.model, *instId);
        if (!s) return okxError(51001, "Instrument ID does not exist.");
        const auto limit = limitParam(ctx, 400, 400);
        if (const auto* bad = std::get_if<HttpReply>(&limit)) return *bad;
        const auto after = intParam(ctx, "after");
        if (const auto* bad = std::get_if<HttpReply>(&after)) return *bad;
        const auto before = intParam(ctx, "before");
        if (const auto* bad = std::get_if<HttpReply>(&before)) return *bad;
        const std::int64_t step = PerpModel::kFundingPeriodMs;
        const std::int64_t lastSettled = PerpModel::nextFundingTime(ctx.nowMs) - step;
        std::int64_t hi = lastSettled;
        if (const auto a = std::get<std::optional<std::int64_t>>(after)) hi = std::min(hi, floorTo(*a - 1, step));
        std::int64_t lo = std::max(PerpModel::nextFundingTime(s->listingMs), ctx.nowMs - 92 * kDayMs);
        if (const auto b = std::get<std::optional<std::int64_t>>(before)) lo = std::max(lo, *b + 1);
        json rows = json::array();
        int n = 0;
        for (std::int64_t t = hi; t >= lo && n < std::get<int>(limit); t -= step, ++n) {
            const std::string rate = perp.fundingRate(s->symbol, t).toShortString();
            rows.push_back(json{{"formulaType", "noRate"},
                                {"fundingRate", rate},
                                {"fundingTime", std::to_string(t)},
                                {"instId", swapId(*s)},
                                {"instType", "SWAP"},
                                {"method", "current_period"},
                                {"realizedRate", rate}});
        }
        return ok(std::move(rows));
    }

    // GET /api/v5/rubik/stat/contracts/open-interest-history: period 5m 15m 30m 1H 2H 4H 6H 12H
    // 1Dutc (1D: days from 16:00 UTC), begin/end inclusive, limit 1..100 (default 100), rows
    // [ts, oi, oiCcy, oiUsd] newest first, the latest 1,440 rows only.
    static HttpReply openInterestHistory(const PerpModel& perp, const RestContext& ctx) {
        const auto instId = ctx.target.param("instId");
        if (!instId || instId->empty()) return okxError(50014, "Parameter instId can not be empty.");
        const SimSymbol* s = findSwap(ctx.model, *instId);
        if (!s) return okxError(51001, "Instrument ID does not exist.");
        static constexpr std::pair<std::string_view, std::int64_t> kPeriods[] = {
            {"5m", 300'000},    {"15m", 900'000},    {"30m", 1'800'000},   {"1H", 3'600'000},  {"2H", 7'200'000},
            {"4H", 14'400'000}, {"6H", 21'600'000},  {"12H", 43'200'000}, {"1Dutc", kDayMs}, {"1D", kDayMs}};
        const std::string period = ctx.target.param("period").value_or("5m");
        std::int64_t step = 0;
        for (const auto& [code, ms] : kPeriods)
            if (period == code) step = ms;
        if (step == 0) return okxError(51000, "Parameter period error");
        const std::int64_t offset = period == "1D" ? -8 * 3'600'000 : 0;  // UTC+8 days
        const auto limit = limitParam(ctx, 100, 100);
        if (const auto* bad = std::get_if<HttpReply>(&limit)) return *bad;
        const auto begin = intParam(ctx, "begin");
        if (const auto* bad = std::get_if<HttpReply>(&begin)) return *bad;
        const auto end = intParam(ctx, "end");
        if (const auto* bad = std::get_if<HttpReply>(&end)) return *bad;
        const std::int64_t newest = floorTo(ctx.nowMs - offset, step) + offset;
        const std::int64_t oldest = std::max(newest - 1439 * step, floorTo(s->listingMs - offset, step) + offset + step);
        std::int64_t hi = newest;
        if (const auto e = std::get<std::optional<std::int64_t>>(end)) hi = std::min(hi, floorTo(*e - offset, step) + offset);
        std::int64_t lo = oldest;
        if (const auto b = std::get<std::optional<std::int64_t>>(begin)) lo = std::max(lo, *b);
        json rows = json::array();
        int n = 0;
        for (std::int64_t t = hi; t >= lo && n < std::get<int>(limit); t -= step, ++n) {
            const json row = openInterestRow(perp, *s, t);
            rows.push_back(json::array({std::to_string(t), row["oi"], row["oiCcy"], row["oiUsd"]}));
        }
        return ok(std::move(rows));
    }

    DialectEnv m_env;
    std::shared_ptr<const PerpModel> m_perp;
    RestRouter m_routes;
};

}  // namespace

std::unique_ptr<Dialect> makeOkxPerpDialect(const DialectEnv& env) { return std::make_unique<OkxPerpDialect>(env); }

}  // namespace cpc::sim
