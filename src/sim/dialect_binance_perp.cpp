// Binance USD-M perpetual futures (SimConfig::market == Perp) over a PerpModel of the spot model:
// REST /fapi/v1/{klines,markPriceKlines,indexPriceKlines,exchangeInfo,time,ping,depth,ticker/24hr,
// premiumIndex,openInterest,fundingRate} and /futures/data/openInterestHist; WebSocket routed by path as fstream.binance.com
// is (https://developers.binance.com/docs/products/caas/market-data-streams): /public/{ws,stream}
// carries the book streams (@depth…, @bookTicker), /market/{ws,stream} the rest (@kline_,
// @aggTrade, @markPrice[@1s], @forceOrder, @ticker, @miniTicker). A stream on the other route is
// refused here ("invalid stream"); the venue accepts it and never delivers, which a test cannot
// tell from a quiet market. The payloads are written from Binance's documented examples
// (tests/fixtures/binance-perp), not from the client's decoder.
#include <algorithm>
#include <charconv>
#include <memory>
#include <variant>

#include <nlohmann/json.hpp>

#include "cpc/core/ascii.hpp"
#include "cpc/exchange/binance/binance_adapter.hpp"
#include "dialect.hpp"
#include "perp_model.hpp"
#include "wire.hpp"

namespace cpc::sim {

namespace {

using ojson = nlohmann::ordered_json;

std::string errorReply(int code, const std::string& msg) {
    ojson j;
    j["error"] = ojson{{"code", code}, {"msg", msg}};
    j["id"] = nullptr;
    return j.dump();
}

std::vector<std::string> splitStreams(std::string_view text) {
    std::vector<std::string> out;
    while (!text.empty()) {
        const std::size_t slash = text.find('/');
        if (slash != 0) out.emplace_back(text.substr(0, slash));
        if (slash == std::string_view::npos) break;
        text.remove_prefix(slash + 1);
    }
    return out;
}

std::optional<std::int64_t> digits(const std::string& text) {
    std::int64_t v = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size() || v < 0) return std::nullopt;
    return v;
}

// ---- payloads (Binance USD-M's documented examples) -------------------------------------------

// <symbol>@markPrice[@1s]: {"e":"markPriceUpdate","E","s","p","i","P","r","T"}.
std::string markPriceEvent(const PerpModel& perp, const std::string& symbol, std::int64_t now) {
    const auto mark = perp.markPrice(symbol, now);
    const auto index = perp.indexPrice(symbol, now);
    if (!mark || !index) return {};
    const std::int64_t next = PerpModel::nextFundingTime(now);
    ojson j;
    j["e"] = "markPriceUpdate";
    j["E"] = now;
    j["s"] = symbol;
    j["p"] = mark->toString();
    j["i"] = index->toString();
    j["P"] = index->toString();
    j["r"] = perp.fundingRate(symbol, next).toString();
    j["T"] = next;
    return j.dump();
}

// <symbol>@forceOrder: {"e":"forceOrder","E","o":{"s","S","o","f","q","p","ap","X","l","z","T"}}.
std::string forceOrderEvent(const exchange::Liquidation& l, std::int64_t eventMs) {
    ojson o;
    o["s"] = l.symbol;
    o["S"] = l.longLiquidated ? "SELL" : "BUY";
    o["o"] = "LIMIT";
    o["f"] = "IOC";
    o["q"] = l.quantity.toString();
    o["p"] = l.price.toString();
    o["ap"] = l.price.toString();
    o["X"] = "FILLED";
    o["l"] = l.quantity.toString();
    o["z"] = l.quantity.toString();
    o["T"] = l.timeMs;
    ojson j;
    j["e"] = "forceOrder";
    j["E"] = eventMs;
    j["o"] = std::move(o);
    return j.dump();
}

// ---- stream producers -------------------------------------------------------------------------

class MarkPriceStream final : public StreamProducer {
public:
    MarkPriceStream(std::shared_ptr<const PerpModel> perp, std::string symbol, std::chrono::milliseconds every)
        : m_perp(std::move(perp)), m_symbol(std::move(symbol)), m_every(every) {}
    void poll(const PollTime& now, std::vector<std::string>& out) override {
        if (m_last != std::chrono::steady_clock::time_point{} && now.wall - m_last < m_every) return;
        m_last = now.wall;
        if (auto payload = markPriceEvent(*m_perp, m_symbol, now.exchangeMs); !payload.empty())
            out.push_back(std::move(payload));
    }

private:
    std::shared_ptr<const PerpModel> m_perp;
    std::string m_symbol;
    std::chrono::milliseconds m_every;
    std::chrono::steady_clock::time_point m_last{};
};

// "Only the latest one liquidation order within 1000ms will be pushed as the snapshot": the
// latest liquidation since the last push, at most once a second (wall time); none before the
// subscription (streams never replay).
class ForceOrderStream final : public StreamProducer {
public:
    ForceOrderStream(std::shared_ptr<const PerpModel> perp, std::string symbol)
        : m_perp(std::move(perp)), m_symbol(std::move(symbol)) {}
    void poll(const PollTime& now, std::vector<std::string>& out) override {
        if (!m_from) {
            m_from = now.exchangeMs;
            m_lastPush = now.wall;
            return;
        }
        if (now.wall - m_lastPush < std::chrono::milliseconds(1000) || now.exchangeMs <= *m_from) return;
        const auto due = m_perp->liquidations(m_symbol, *m_from, now.exchangeMs);
        m_from = now.exchangeMs;
        if (due.empty()) return;
        m_lastPush = now.wall;
        out.push_back(forceOrderEvent(due.back(), now.exchangeMs));
    }

private:
    std::shared_ptr<const PerpModel> m_perp;
    std::string m_symbol;
    std::optional<std::int64_t> m_from;
    std::chrono::steady_clock::time_point m_lastPush{};
};

enum class Route : std::uint8_t { Public, Market };

Route routeOf(const exchange::StreamSpec& spec) {
    using exchange::StreamKind;
    switch (spec.kind) {
        case StreamKind::Depth:
        case StreamKind::PartialDepth:
        case StreamKind::BookTicker: return Route::Public;
        default: return Route::Market;
    }
}

class BinancePerpDialect final : public Dialect {
public:
    explicit BinancePerpDialect(const DialectEnv& env)
        : m_env(env), m_perp(std::make_shared<const PerpModel>(env.model, env.config.seed)),
          m_spotStreams(makeBinanceStreams(env.model, env.book, env.config.klinePushInterval)) {
        addRoutes();
    }

    std::string name() const override { return "binance"; }
    const RestRouter& routes() const override { return m_routes; }

    HttpReply restError(RestProblem problem, const std::string& message, int status) const override {
        switch (problem) {
            case RestProblem::Unavailable: return HttpReply{status, "<html><body>503 Service Unavailable</body></html>", {}};
            case RestProblem::NotFound:
                return binanceError(-1000, message + "; the simulator serves USD-M " + paths() +
                                               ", /public/stream, /market/stream (and /ws/<stream> on each).",
                                    status);
            default: return binanceError(status == 429 || status == 418 ? -1003 : -1000, message, status);
        }
    }

    std::string usedWeightHeader() const override { return "X-MBX-USED-WEIGHT-1M"; }

    WsAccept acceptWebSocket(const ParsedTarget& target) const override {
        WsAccept a;
        std::string_view path = target.path;
        // A connection without a routed path receives only /public data (the venue's rule).
        Route route = Route::Public;
        if (path.starts_with("/public")) path.remove_prefix(7);
        else if (path.starts_with("/market")) {
            path.remove_prefix(7);
            route = Route::Market;
        }
        bool combined = false;
        if (path == "/ws" || path.starts_with("/ws/")) {
            a.streams = splitStreams(path.substr(3));
        } else if (path == "/stream" || path == "/stream/") {
            combined = true;
            a.streams = splitStreams(target.param("streams").value_or(""));
        } else {
            a.rejectStatus = 404;
            a.rejectBody = errorReply(2, "Invalid request: unknown WebSocket path '" + target.path +
                                             "'; use /public or /market, then /ws/<stream> or /stream?streams=<a>/<b>");
            return a;
        }
        for (const std::string& name : a.streams) {
            if (!create(name, route)) {
                a.rejectStatus = 400;
                a.rejectBody = errorReply(2, "Invalid request: invalid stream");
                return a;
            }
        }
        if (a.streams.size() > m_env.config.maxStreamsPerConnection) {
            a.rejectStatus = 400;
            a.rejectBody = errorReply(2, "Invalid request: too many streams");
            return a;
        }
        a.protocol = makeBinanceControlProtocol([this, route](std::string_view name) { return create(name, route); },
                                                m_env.config.maxStreamsPerConnection, combined);
        return a;
    }

    // Any route (the server asks for URL streams through acceptWebSocket, which checks the route).
    std::unique_ptr<StreamProducer> createStream(std::string_view name) const override {
        if (auto p = create(name, Route::Market)) return p;
        return create(name, Route::Public);
    }
    bool serverPings() const override { return true; }
    std::chrono::milliseconds heartbeatTimeout() const override { return m_env.config.pongTimeout; }
    std::string malformedFrame() const override {
        return "{\"stream\":\"btcusdt@markPrice@1s\",\"data\":{\"e\":\"markPriceUpdate\",\"p\":";
    }
    std::optional<std::string> shutdownNotice(std::int64_t nowMs) const override {
        return "{\"stream\":\"!serverShutdown\",\"data\":{\"e\":\"serverShutdown\",\"E\":" + std::to_string(nowMs) +
               "}}";
    }
    std::vector<std::string> exampleUrls(const std::string& rest, const std::string& stream) const override {
        return {rest + "/fapi/v1/premiumIndex?symbol=BTCUSDT", rest + "/futures/data/openInterestHist?symbol=BTCUSDT&period=5m&limit=5",
                stream + "/market/stream?streams=btcusdt@markPrice@1s/btcusdt@forceOrder/btcusdt@kline_1m"};
    }

private:
    std::unique_ptr<StreamProducer> create(std::string_view name, Route route) const {
        const auto spec = exchange::BinanceAdapter::parseStreamName(name);
        if (!spec) return nullptr;
        const std::string_view symbolPart = name.substr(0, name.find('@'));
        if (toLowerAscii(symbolPart) != symbolPart || !m_env.model.find(spec->symbol)) return nullptr;
        if (routeOf(*spec) != route) return nullptr;
        using exchange::StreamKind;
        switch (spec->kind) {
            case StreamKind::Trade: return nullptr;  // USD-M streams aggTrade
            case StreamKind::MarkPrice:
                return std::make_unique<MarkPriceStream>(m_perp, spec->symbol,
                                                         name.ends_with("@1s") ? std::chrono::milliseconds(1000)
                                                                               : std::chrono::milliseconds(3000));
            case StreamKind::Liquidation: return std::make_unique<ForceOrderStream>(m_perp, spec->symbol);
            case StreamKind::Kline: {
                const Interval iv = spec->interval;
                const auto push = iv == Interval::S1 ? std::min(m_env.config.klinePushInterval, std::chrono::milliseconds(1000))
                                                     : m_env.config.klinePushInterval;
                return makeKlineProducer(m_env.model, spec->symbol, iv, push,
                                         [perp = m_perp, symbol = spec->symbol, iv](const Candle& c, std::int64_t eventMs) {
                                             return wire::binance::klineEvent(symbol, iv, perp->shifted(symbol, c), eventMs);
                                         });
            }
            default: return m_spotStreams.create(name);  // aggTrade, depth, bookTicker, tickers
        }
    }

    void addRoutes() {
        const RestRouter spot = makeBinanceRoutes();
        // The book and the 24 h ticker are the spot model's (see docs/ARCHITECTURE.md).
        const RestRoute* depth = spot.find("/api/v3/depth");
        const RestRoute* ticker = spot.find("/api/v3/ticker/24hr");
        m_routes.add({"/fapi/v1/depth", depth->weight, depth->handler});
        m_routes.add({"/fapi/v1/ticker/24hr", ticker->weight, ticker->handler});
        // The aggregate trades the aggTrade stream above carries (the spot model's, as that stream
        // is), over REST with USD-M's weight (20) and the same rules: the footprint's history.
        const RestRoute* aggTrades = spot.find("/api/v3/aggTrades");
        m_routes.add({"/fapi/v1/aggTrades", 20, aggTrades->handler, "GET", {"startTime", "endTime"}});
        m_routes.add({"/fapi/v1/time", 1, [](const RestContext& ctx) {
                          return HttpReply{200, "{\"serverTime\":" + std::to_string(ctx.nowMs) + "}", {}};
                      }});
        m_routes.add({"/fapi/v1/ping", 1, [](const RestContext&) { return HttpReply{200, "{}", {}}; }});
        m_routes.add({"/fapi/v1/exchangeInfo", 1, [](const RestContext& ctx) {
                          ojson j;
                          j["timezone"] = "UTC";
                          j["serverTime"] = ctx.nowMs;
                          j["rateLimits"] = ojson::array({ojson{{"rateLimitType", "REQUEST_WEIGHT"}, {"interval", "MINUTE"},
                                                                {"intervalNum", 1}, {"limit", 2400}}});
                          j["symbols"] = ojson::array();
                          for (const SimSymbol& s : ctx.model.symbols()) {
                              const std::string tick = Decimal::fromUnits(Decimal::fromInt(1).units() / pow10(s.priceDecimals)).toString();
                              const std::string step = Decimal::fromUnits(Decimal::fromInt(1).units() / pow10(s.quantityDecimals)).toString();
                              j["symbols"].push_back(ojson{
                                  {"symbol", s.symbol}, {"pair", s.symbol}, {"contractType", "PERPETUAL"},
                                  {"onboardDate", s.listingMs}, {"status", "TRADING"}, {"baseAsset", s.baseAsset},
                                  {"quoteAsset", s.quoteAsset}, {"marginAsset", s.quoteAsset},
                                  {"pricePrecision", s.priceDecimals}, {"quantityPrecision", s.quantityDecimals},
                                  {"filters", ojson::array({ojson{{"filterType", "PRICE_FILTER"}, {"tickSize", tick}},
                                                            ojson{{"filterType", "LOT_SIZE"}, {"stepSize", step}}})}});
                          }
                          return HttpReply{200, j.dump(), {}};
                      }});
        const auto perp = m_perp;
        m_routes.add({"/fapi/v1/klines", 5, [perp](const RestContext& ctx) { return klines(*perp, ctx); }, "GET",
                      {"startTime", "endTime"}});
        m_routes.add({"/fapi/v1/markPriceKlines", 5, [perp](const RestContext& ctx) { return priceKlines(*perp, ctx, true); },
                      "GET", {"startTime", "endTime"}});
        m_routes.add({"/fapi/v1/indexPriceKlines", 5, [perp](const RestContext& ctx) { return priceKlines(*perp, ctx, false); },
                      "GET", {"startTime", "endTime"}});
        m_routes.add({"/fapi/v1/premiumIndex", 1, [perp](const RestContext& ctx) {
                          const auto symbol = symbolOf(ctx);
                          if (!symbol) return binanceError(-1121, "Invalid symbol.");
                          const auto mark = perp->markPrice(*symbol, ctx.nowMs);
                          const auto index = perp->indexPrice(*symbol, ctx.nowMs);
                          if (!mark || !index) return binanceError(-1121, "Invalid symbol.");
                          const std::int64_t next = PerpModel::nextFundingTime(ctx.nowMs);
                          ojson j;
                          j["symbol"] = *symbol;
                          j["markPrice"] = mark->toString();
                          j["indexPrice"] = index->toString();
                          j["estimatedSettlePrice"] = index->toString();
                          j["lastFundingRate"] = perp->fundingRate(*symbol, next).toString();
                          j["interestRate"] = "0.00010000";
                          j["nextFundingTime"] = next;
                          j["time"] = ctx.nowMs;
                          return HttpReply{200, j.dump(), {}};
                      }});
        m_routes.add({"/fapi/v1/openInterest", 1, [perp](const RestContext& ctx) {
                          const auto symbol = symbolOf(ctx);
                          if (!symbol) return binanceError(-1121, "Invalid symbol.");
                          ojson j;
                          j["openInterest"] = perp->openInterest(*symbol, ctx.nowMs).toString();
                          j["symbol"] = *symbol;
                          j["time"] = ctx.nowMs;
                          return HttpReply{200, j.dump(), {}};
                      }});
        m_routes.add({"/fapi/v1/fundingRate", 1, [perp](const RestContext& ctx) { return fundingRate(*perp, ctx); }, "GET",
                      {"startTime", "endTime"}});
        m_routes.add({"/futures/data/openInterestHist", 1,
                      [perp](const RestContext& ctx) { return openInterestHist(*perp, ctx); }, "GET", {"startTime", "endTime"}});
    }

    static Int128 pow10(int n) {
        Int128 p = 1;
        for (int i = 0; i < n; ++i) p *= 10;
        return p;
    }

    static std::optional<std::string> symbolOf(const RestContext& ctx) {
        const auto symbol = ctx.target.param("symbol");
        if (!symbol || !ctx.model.find(*symbol)) return std::nullopt;
        return *symbol;
    }

    struct Range {
        std::optional<std::int64_t> start, end;
        int limit = 0;
    };
    // startTime / endTime / limit (default `fallback`, at most `max`); an Error reply when bad.
    static std::variant<Range, HttpReply> rangeOf(const RestContext& ctx, int fallback, int max) {
        Range r;
        r.limit = fallback;
        for (const auto& [name, field] : {std::pair{"startTime", &r.start}, std::pair{"endTime", &r.end}}) {
            if (auto v = ctx.target.param(name)) {
                *field = digits(*v);
                if (!*field) return binanceError(-1100, std::string("Illegal characters found in parameter '") + name + "'.");
            }
        }
        if (auto v = ctx.target.param("limit")) {
            const auto n = digits(*v);
            if (!n || *n < 1 || *n > max) return binanceError(-1130, "Data sent for parameter 'limit' is not valid.");
            r.limit = static_cast<int>(*n);
        }
        if (r.start && r.end && *r.start > *r.end) return binanceError(-1023, "Start time is greater than end time.");
        return r;
    }

    // GET /fapi/v1/klines: up to 1,500 rows, weight by limit (1 / 2 / 5 / 10).
    static HttpReply klines(const PerpModel& perp, const RestContext& ctx) {
        const auto symbol = symbolOf(ctx);
        if (!symbol) return binanceError(-1121, "Invalid symbol.");
        const auto interval = parseInterval(ctx.target.param("interval").value_or(""));
        if (!interval) return binanceError(-1120, "Invalid interval.");
        auto range = rangeOf(ctx, 500, 1500);
        if (auto* bad = std::get_if<HttpReply>(&range)) return *bad;
        const Range r = std::get<Range>(range);
        const std::vector<Candle> rows =
            r.start ? forwardPages(r, [&](std::optional<std::int64_t> from, int want) {
                return perp.klines(*symbol, *interval, from, r.end, want, ctx.nowMs);
            })
                    : perp.klines(*symbol, *interval, std::nullopt, r.end, std::min(r.limit, MarketModel::kMaxLimit), ctx.nowMs);
        return klineReply(rows, *interval, r.limit);
    }

    // Forward from the range's start, in the model's pages of at most 1,000: page(from, want).
    template <class Page>
    static std::vector<Candle> forwardPages(const Range& r, Page page) {
        std::vector<Candle> rows;
        std::optional<std::int64_t> from = r.start;
        while (static_cast<int>(rows.size()) < r.limit) {
            const int want = std::min(r.limit - static_cast<int>(rows.size()), MarketModel::kMaxLimit);
            auto got = page(from, want);
            if (got.empty()) break;
            from = got.back().openTime + 1;
            rows.insert(rows.end(), got.begin(), got.end());
            if (static_cast<int>(got.size()) < want) break;
        }
        return rows;
    }

    // Rows as the venue writes klines, weighed by the limit asked (1 / 2 / 5 / 10).
    static HttpReply klineReply(const std::vector<Candle>& rows, Interval interval, int limit) {
        std::string body = "[";
        for (std::size_t i = 0; i < rows.size(); ++i) body += (i ? "," : "") + wire::binance::klineRow(rows[i], interval);
        body += "]";
        HttpReply reply{200, std::move(body), {}};
        reply.weight = limit < 100 ? 1 : limit < 500 ? 2 : limit <= 1000 ? 5 : 10;
        return reply;
    }

    // GET /fapi/v1/markPriceKlines?symbol / indexPriceKlines?pair: the mark or index price candles
    // of PerpModel::priceKlines, as klines (volumes "0"): up to 1,500 rows, weight by limit.
    static HttpReply priceKlines(const PerpModel& perp, const RestContext& ctx, bool mark) {
        const auto name = ctx.target.param(mark ? "symbol" : "pair");
        if (!name || !ctx.model.find(*name)) return binanceError(-1121, "Invalid symbol.");
        const std::string symbol(*name);
        const auto interval = parseInterval(ctx.target.param("interval").value_or(""));
        if (!interval) return binanceError(-1120, "Invalid interval.");
        auto range = rangeOf(ctx, 500, 1500);
        if (auto* bad = std::get_if<HttpReply>(&range)) return *bad;
        const Range r = std::get<Range>(range);
        std::vector<Candle> rows;
        if (r.start) {
            rows = forwardPages(r, [&](std::optional<std::int64_t> from, int want) {
                return perp.priceKlines(symbol, mark, *interval, from, r.end, want, ctx.nowMs);
            });
        } else {
            // The newest `limit`, in the model's pages of at most 1,000 (backwards).
            std::optional<std::int64_t> end = r.end;
            while (static_cast<int>(rows.size()) < r.limit) {
                const int want = std::min(r.limit - static_cast<int>(rows.size()), MarketModel::kMaxLimit);
                auto page = perp.priceKlines(symbol, mark, *interval, std::nullopt, end, want, ctx.nowMs);
                if (page.empty()) break;
                end = page.front().openTime - 1;
                rows.insert(rows.begin(), page.begin(), page.end());
                if (static_cast<int>(page.size()) < want) break;
            }
        }
        return klineReply(rows, *interval, r.limit);
    }

    // GET /fapi/v1/fundingRate: settled periods, ascending; without a range the newest `limit`.
    static HttpReply fundingRate(const PerpModel& perp, const RestContext& ctx) {
        const auto symbol = symbolOf(ctx);
        if (!symbol) return binanceError(-1121, "Invalid symbol.");
        auto range = rangeOf(ctx, 100, 1000);
        if (auto* bad = std::get_if<HttpReply>(&range)) return *bad;
        const Range r = std::get<Range>(range);
        const SimSymbol* s = ctx.model.find(*symbol);
        const std::int64_t first = PerpModel::nextFundingTime(s->listingMs);
        const std::int64_t lastSettled = PerpModel::nextFundingTime(ctx.nowMs) - PerpModel::kFundingPeriodMs;
        std::int64_t hi = std::min(lastSettled, r.end.value_or(lastSettled));
        hi -= ((hi % PerpModel::kFundingPeriodMs) + PerpModel::kFundingPeriodMs) % PerpModel::kFundingPeriodMs;
        std::vector<std::int64_t> times;
        if (r.start) {
            std::int64_t t = std::max(first, PerpModel::nextFundingTime(*r.start - 1));
            for (; t <= hi && static_cast<int>(times.size()) < r.limit; t += PerpModel::kFundingPeriodMs) times.push_back(t);
        } else {
            for (std::int64_t t = hi; t >= first && static_cast<int>(times.size()) < r.limit; t -= PerpModel::kFundingPeriodMs)
                times.insert(times.begin(), t);
        }
        ojson rows = ojson::array();
        for (const std::int64_t t : times) {
            ojson row;
            row["symbol"] = *symbol;
            row["fundingRate"] = perp.fundingRate(*symbol, t).toString();
            row["fundingTime"] = t;
            row["markPrice"] = perp.markPrice(*symbol, t).value_or(Decimal{}).toString();
            rows.push_back(std::move(row));
        }
        return HttpReply{200, rows.dump(), {}};
    }

    // GET /futures/data/openInterestHist: periods 5m…1d, limit 1..500, the latest 30 days only;
    // rows at period ends up to now, ascending.
    static HttpReply openInterestHist(const PerpModel& perp, const RestContext& ctx) {
        const auto symbol = symbolOf(ctx);
        if (!symbol) return binanceError(-1121, "Invalid symbol.");
        const auto period = parseInterval(ctx.target.param("period").value_or(""));
        static constexpr Interval kPeriods[] = {Interval::M5, Interval::M15, Interval::M30, Interval::H1, Interval::H2,
                                                Interval::H4, Interval::H6,  Interval::H12, Interval::D1};
        if (!period || std::find(std::begin(kPeriods), std::end(kPeriods), *period) == std::end(kPeriods))
            return binanceError(-1120, "Invalid period.");
        auto range = rangeOf(ctx, 30, 500);
        if (auto* bad = std::get_if<HttpReply>(&range)) return *bad;
        const Range r = std::get<Range>(range);
        const std::int64_t step = nominalMs(*period);
        const SimSymbol* s = ctx.model.find(*symbol);
        const std::int64_t oldest = std::max<std::int64_t>(s->listingMs, ctx.nowMs - std::int64_t{30} * 24 * 3600 * 1000);
        std::int64_t hi = std::min(ctx.nowMs, r.end.value_or(ctx.nowMs));
        hi -= hi % step;
        std::vector<std::int64_t> times;
        if (r.start) {
            std::int64_t t = std::max(*r.start, oldest);
            t += (step - t % step) % step;
            for (; t <= hi && static_cast<int>(times.size()) < r.limit; t += step) times.push_back(t);
        } else {
            for (std::int64_t t = hi; t >= oldest && static_cast<int>(times.size()) < r.limit; t -= step)
                times.insert(times.begin(), t);
        }
        ojson rows = ojson::array();
        for (const std::int64_t t : times) {
            const Decimal oi = perp.openInterest(*symbol, t);
            const double value = oi.toDouble() * perp.markPrice(*symbol, t).value_or(Decimal{}).toDouble();
            ojson row;
            row["symbol"] = *symbol;
            row["sumOpenInterest"] = oi.toString();
            row["sumOpenInterestValue"] = Decimal::fromDouble(value).value_or(Decimal{}).toString();
            row["timestamp"] = t;
            rows.push_back(std::move(row));
        }
        return HttpReply{200, rows.dump(), {}};
    }

    std::string paths() const {
        std::string accepted;
        for (const std::string& p : m_routes.paths()) accepted += (accepted.empty() ? "" : ", ") + p;
        return accepted;
    }

    DialectEnv m_env;
    std::shared_ptr<const PerpModel> m_perp;
    RestRouter m_routes;
    StreamRegistry m_spotStreams;
};

}  // namespace

std::unique_ptr<Dialect> makeBinancePerpDialect(const DialectEnv& env) { return std::make_unique<BinancePerpDialect>(env); }

}  // namespace cpc::sim
