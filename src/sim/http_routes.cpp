#include "http_routes.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include <nlohmann/json.hpp>

#include "cpc/core/arith.hpp"
#include "cpc/sim/ticker_model.hpp"
#include "wire.hpp"

namespace cpc::sim {

using ojson = nlohmann::ordered_json;

namespace {

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string jsonReply(const ojson& j) { return j.dump(); }

// Binance's legal ranges, quoted in its -1100 messages.
constexpr const char* kTimeRange = "^[0-9]{1,20}$";
constexpr const char* kIntervalRange = "^[a-zA-Z0-9]{1,36}$";

HttpReply illegalChars(const std::string& name, const char* range) {
    return binanceError(-1100, "Illegal characters found in parameter '" + name + "'; legal range is '" +
                                   range + "'.");
}

HttpReply mandatoryMissing(const std::string& name) {
    return binanceError(-1102, "Mandatory parameter '" + name + "' was not sent, was empty/null, or malformed.");
}

// An unsigned decimal integer of at most 20 digits, as Binance's LONG parameters.
std::optional<std::int64_t> parseDigits(const std::string& text) {
    if (text.empty() || text.size() > 20) return std::nullopt;
    std::int64_t v = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || ptr != text.data() + text.size() || v < 0) return std::nullopt;
    return v;
}

// startTime/endTime may be milliseconds or microseconds (Binance infers the unit since
// 2024-12): anything past the year 5000 in ms is taken as µs.
std::int64_t toMillis(std::int64_t t) { return t >= 100'000'000'000'000 ? t / 1000 : t; }

HttpReply klinesHandler(const RestContext& ctx) {
    const ParsedTarget& q = ctx.target;
    if (q.hasDuplicates()) return binanceError(-1101, "Duplicate values for a parameter detected.");
    const auto symbol = q.param("symbol");
    if (!symbol || symbol->empty()) return mandatoryMissing("symbol");
    const auto intervalText = q.param("interval");
    if (!intervalText) return mandatoryMissing("interval");
    for (char c : *intervalText)
        if (!std::isalnum(static_cast<unsigned char>(c))) return illegalChars("interval", kIntervalRange);
    if (intervalText->empty() || intervalText->size() > 36) return illegalChars("interval", kIntervalRange);

    std::optional<std::int64_t> start, end;
    if (auto s = q.param("startTime")) {
        start = parseDigits(*s);
        if (!start) return illegalChars("startTime", kTimeRange);
        start = toMillis(*start);
    }
    if (auto e = q.param("endTime")) {
        end = parseDigits(*e);
        if (!end) return illegalChars("endTime", kTimeRange);
        end = toMillis(*end);
    }
    int limit = 500;
    if (auto l = q.param("limit")) {
        std::int64_t v = 0;
        const auto [ptr, ec] = std::from_chars(l->data(), l->data() + l->size(), v);
        if (l->empty() || ec != std::errc{} || ptr != l->data() + l->size())
            return illegalChars("limit", kTimeRange);
        if (v < 1 || v > MarketModel::kMaxLimit)
            return binanceError(-1130, "Data sent for parameter 'limit' is not valid.");
        limit = static_cast<int>(v);
    }
    if (auto tz = q.param("timeZone"); tz && *tz != "0" && *tz != "+0" && *tz != "00:00" && *tz != "+00:00")
        // The simulator serves UTC boundaries only.
        return binanceError(-1130, "Data sent for parameter 'timeZone' is not valid.");

    const SimSymbol* sym = ctx.model.find(*symbol);
    if (!sym) return binanceError(-1121, "Invalid symbol.");
    const auto interval = parseInterval(*intervalText);
    if (!interval) return binanceError(-1120, "Invalid interval.");
    if (start && end && *start > *end) return binanceError(-1023, "Start time is greater than end time.");

    const auto candles = ctx.model.klines(*symbol, *interval, start, end, limit, ctx.nowMs);
    std::string body = "[";
    for (std::size_t i = 0; i < candles.size(); ++i) {
        if (i) body += ',';
        body += wire::binance::klineRow(candles[i], *interval);
    }
    body += ']';
    return HttpReply{200, std::move(body), {}};
}

constexpr std::int64_t kMinuteMs = 60'000;

// Consecutive trades of one millisecond, price and side folded into aggregates (Binance's rule for
// one taker order, which the model's trades stand for); the aggregate's id is its first trade's.
void appendAggregates(const std::vector<exchange::TradeTick>& trades, std::vector<exchange::TradeTick>& out) {
    for (const exchange::TradeTick& t : trades) {
        if (!out.empty()) {
            exchange::TradeTick& last = out.back();
            if (last.timeMs == t.timeMs && last.price == t.price && last.buyerIsMaker == t.buyerIsMaker &&
                last.lastTradeId + 1 == t.tradeId) {
                last.quantity = last.quantity + t.quantity;
                last.lastTradeId = t.tradeId;
                continue;
            }
        }
        exchange::TradeTick a = t;
        a.aggregate = true;
        a.firstTradeId = a.lastTradeId = a.tradeId;
        out.push_back(std::move(a));
    }
}

}  // namespace

std::int64_t minuteOfTradeId(const MarketModel& model, std::int64_t id) {
    // Trade ids are minute·1000 + rank, stretched after the live load's start (LiveTrades).
    const LiveTrades& live = model.liveTrades();
    const std::int64_t liveStartMinute = floorDiv(live.fromMs, kMinuteMs);
    const std::int64_t liveBase = liveStartMinute * 1000;
    return live.perSecond > 0 && id >= liveBase ? liveStartMinute + (id - liveBase) / MarketModel::kLiveIdStride
                                                : floorDiv(id, 1000);
}

namespace {

// The model's aggregate trades from fromId on (ids at or above it), or of [startMs, endMs], or the
// newest; at most `limit`, none after nowMs, ascending. Aggregates never span a millisecond, so
// whole minutes folded and then cut give the same aggregates whatever the query's bounds, and
// their sums equal the trades' and the klines'.
std::vector<exchange::TradeTick> modelAggTrades(const MarketModel& model, const SimSymbol& sym,
                                                std::optional<std::int64_t> fromId, std::optional<std::int64_t> startMs,
                                                std::optional<std::int64_t> endMs, int limit, std::int64_t nowMs) {
    std::vector<exchange::TradeTick> out;
    const std::int64_t endExclusive = std::min(nowMs, endMs.value_or(nowMs)) + 1;
    const std::int64_t listingMinute = floorDiv(sym.listingMs, kMinuteMs);
    std::vector<exchange::TradeTick> folded;
    const auto minuteAggregates = [&](std::int64_t m) {
        folded.clear();
        appendAggregates(model.trades(sym.symbol, m * kMinuteMs, std::min(endExclusive, (m + 1) * kMinuteMs)), folded);
    };
    if (fromId || startMs) {
        std::int64_t minute = 0;
        if (fromId) {
            minute = minuteOfTradeId(model, *fromId);
        } else {
            minute = floorDiv(*startMs, kMinuteMs);
        }
        for (std::int64_t m = std::max(minute, listingMinute);
             m * kMinuteMs < endExclusive && static_cast<int>(out.size()) < limit; ++m) {
            minuteAggregates(m);
            for (auto& a : folded) {
                if ((fromId && a.tradeId < *fromId) || (startMs && a.timeMs < *startMs)) continue;
                out.push_back(std::move(a));
                if (static_cast<int>(out.size()) == limit) break;
            }
        }
        return out;
    }
    // The newest: whole minutes back from now until `limit` aggregates are found (or the listing).
    for (std::int64_t m = floorDiv(endExclusive - 1, kMinuteMs); m >= listingMinute && static_cast<int>(out.size()) < limit;
         --m) {
        minuteAggregates(m);
        out.insert(out.begin(), folded.begin(), folded.end());
    }
    if (static_cast<int>(out.size()) > limit) out.erase(out.begin(), out.end() - limit);
    return out;
}

// GET /api/v3/aggTrades?symbol=X[&fromId=N][&startTime=T&endTime=T][&limit=N]: the model's
// aggregate trades (MarketModel::aggTrades). Binance's rules: limit 1..1000 (500 by default);
// startTime and endTime less than an hour apart (-1127); fromId not with a time (-1128).
HttpReply aggTradesHandler(const RestContext& ctx) {
    const ParsedTarget& q = ctx.target;
    if (q.hasDuplicates()) return binanceError(-1101, "Duplicate values for a parameter detected.");
    const auto symbol = q.param("symbol");
    if (!symbol || symbol->empty()) return mandatoryMissing("symbol");
    std::optional<std::int64_t> fromId, start, end;
    const std::pair<const char*, std::optional<std::int64_t>*> longs[] = {
        {"fromId", &fromId}, {"startTime", &start}, {"endTime", &end}};
    for (auto [name, field] : longs)
        if (auto text = q.param(name)) {
            *field = parseDigits(*text);
            if (!*field) return illegalChars(name, kTimeRange);
        }
    if (start) start = toMillis(*start);
    if (end) end = toMillis(*end);
    int limit = 500;
    if (auto l = q.param("limit")) {
        const auto v = parseDigits(*l);
        if (!v) return illegalChars("limit", kTimeRange);
        if (*v < 1 || *v > MarketModel::kMaxLimit) return binanceError(-1130, "Data sent for parameter 'limit' is not valid.");
        limit = static_cast<int>(*v);
    }
    if (fromId && (start || end)) return binanceError(-1128, "Combination of optional parameters invalid.");
    if (start && end && *start > *end) return binanceError(-1023, "Start time is greater than end time.");
    if (start && end && *end - *start >= 3'600'000)
        return binanceError(-1127, "More than 1 hours between startTime and endTime.");
    const SimSymbol* sym = ctx.model.find(*symbol);
    if (!sym) return binanceError(-1121, "Invalid symbol.");
    // A start alone: the hour from it; an end alone: the hour up to it.
    if (start && !end) end = *start + 3'600'000 - 1;
    if (end && !start) start = std::max<std::int64_t>(0, *end - 3'600'000 + 1);
    const auto rows = modelAggTrades(ctx.model, *sym, fromId, start, end, limit, ctx.nowMs);
    std::string body = "[";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (i) body += ',';
        const auto& t = rows[i];
        body += "{\"a\":" + std::to_string(t.tradeId) + ",\"p\":\"" + t.price.toString() + "\",\"q\":\"" +
                t.quantity.toString() + "\",\"f\":" + std::to_string(t.firstTradeId) + ",\"l\":" +
                std::to_string(t.lastTradeId) + ",\"T\":" + std::to_string(t.timeMs) + ",\"m\":" +
                (t.buyerIsMaker ? "true" : "false") + ",\"M\":true}";
    }
    body += ']';
    return HttpReply{200, std::move(body), {}};
}

// "0.01000000" for 2 decimals: Binance's tickSize / stepSize spelling.
std::string stepText(int decimals) {
    std::int64_t units = 1;
    for (int i = decimals; i < Decimal::kScale; ++i) units *= 10;
    return Decimal::fromUnits(units).toString();
}

ojson symbolJson(const SimSymbol& s) {
    ojson j;
    j["symbol"] = s.symbol;
    j["status"] = "TRADING";
    j["baseAsset"] = s.baseAsset;
    j["baseAssetPrecision"] = 8;
    j["quoteAsset"] = s.quoteAsset;
    j["quotePrecision"] = 8;
    j["quoteAssetPrecision"] = 8;
    j["baseCommissionPrecision"] = 8;
    j["quoteCommissionPrecision"] = 8;
    j["orderTypes"] = {"LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT",
                       "TAKE_PROFIT_LIMIT"};
    j["icebergAllowed"] = true;
    j["ocoAllowed"] = true;
    j["otoAllowed"] = true;
    j["quoteOrderQtyMarketAllowed"] = true;
    j["allowTrailingStop"] = true;
    j["cancelReplaceAllowed"] = true;
    j["amendAllowed"] = true;
    j["isSpotTradingAllowed"] = true;
    j["isMarginTradingAllowed"] = false;
    j["filters"] = ojson::array({
        ojson{{"filterType", "PRICE_FILTER"}, {"minPrice", stepText(s.priceDecimals)},
              {"maxPrice", "1000000.00000000"}, {"tickSize", stepText(s.priceDecimals)}},
        ojson{{"filterType", "LOT_SIZE"}, {"minQty", stepText(s.quantityDecimals)},
              {"maxQty", "9000000.00000000"}, {"stepSize", stepText(s.quantityDecimals)}},
        ojson{{"filterType", "ICEBERG_PARTS"}, {"limit", 10}},
        ojson{{"filterType", "MARKET_LOT_SIZE"}, {"minQty", "0.00000000"}, {"maxQty", "100000.00000000"},
              {"stepSize", "0.00000000"}},
        ojson{{"filterType", "MAX_NUM_ORDERS"}, {"maxNumOrders", 200}},
    });
    j["permissions"] = ojson::array();
    j["permissionSets"] = ojson::array({ojson::array({"SPOT"})});
    j["defaultSelfTradePreventionMode"] = "EXPIRE_MAKER";
    j["allowedSelfTradePreventionModes"] = {"EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"};
    return j;
}

HttpReply exchangeInfoHandler(const RestContext& ctx) {
    const ParsedTarget& q = ctx.target;
    std::vector<const SimSymbol*> selected;
    const auto single = q.param("symbol");
    const auto list = q.param("symbols");
    if (single && list) return binanceError(-1101, "Parameter 'symbol' and 'symbols' cannot be sent together.");
    if (single) {
        const SimSymbol* s = ctx.model.find(*single);
        if (!s) return binanceError(-1121, "Invalid symbol.");
        selected.push_back(s);
    } else if (list) {
        const ojson names = ojson::parse(*list, nullptr, false);
        if (names.is_discarded() || !names.is_array() || names.empty())
            return binanceError(-1100, "Illegal characters found in parameter 'symbols'; legal range is '^\\[(\"[A-Z0-9-_.]{1,20}\"(,\"[A-Z0-9-_.]{1,20}\"){0,}){0,1}\\]$'.");
        for (const auto& n : names) {
            const SimSymbol* s = n.is_string() ? ctx.model.find(n.get<std::string>()) : nullptr;
            if (!s) return binanceError(-1121, "Invalid symbol.");
            selected.push_back(s);
        }
    } else {
        for (const SimSymbol& s : ctx.model.symbols()) selected.push_back(&s);
    }
    ojson j;
    j["timezone"] = "UTC";
    j["serverTime"] = ctx.nowMs;
    j["rateLimits"] = ojson::array({
        ojson{{"rateLimitType", "REQUEST_WEIGHT"}, {"interval", "MINUTE"}, {"intervalNum", 1}, {"limit", 6000}},
        ojson{{"rateLimitType", "ORDERS"}, {"interval", "SECOND"}, {"intervalNum", 10}, {"limit", 100}},
        ojson{{"rateLimitType", "ORDERS"}, {"interval", "DAY"}, {"intervalNum", 1}, {"limit", 200000}},
        ojson{{"rateLimitType", "RAW_REQUESTS"}, {"interval", "MINUTE"}, {"intervalNum", 5}, {"limit", 300000}},
    });
    j["exchangeFilters"] = ojson::array();
    j["symbols"] = ojson::array();
    for (const SimSymbol* s : selected) j["symbols"].push_back(symbolJson(*s));
    return HttpReply{200, jsonReply(j), {}};
}

// GET /api/v3/depth?symbol=X&limit=N: the book model at the current tick. Weight by limit.
HttpReply depthHandler(const RestContext& ctx) {
    const ParsedTarget& q = ctx.target;
    if (q.hasDuplicates()) return binanceError(-1101, "Duplicate values for a parameter detected.");
    const auto symbol = q.param("symbol");
    if (!symbol || symbol->empty()) return mandatoryMissing("symbol");
    int limit = 100;
    if (auto l = q.param("limit")) {
        std::int64_t v = 0;
        const auto [ptr, ec] = std::from_chars(l->data(), l->data() + l->size(), v);
        if (l->empty() || ec != std::errc{} || ptr != l->data() + l->size()) return illegalChars("limit", kTimeRange);
        if (v < 1 || v > 5000) return binanceError(-1130, "Data sent for parameter 'limit' is not valid.");
        limit = static_cast<int>(v);
    }
    if (!ctx.model.find(*symbol) || !ctx.book) return binanceError(-1121, "Invalid symbol.");
    auto book = ctx.book->book(*symbol, OrderBookModel::tickOf(ctx.nowMs));
    if (book.bids.size() > static_cast<std::size_t>(limit)) book.bids.resize(static_cast<std::size_t>(limit));
    if (book.asks.size() > static_cast<std::size_t>(limit)) book.asks.resize(static_cast<std::size_t>(limit));
    HttpReply reply{200, wire::binance::depthSnapshot(book), {}};
    reply.weight = limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250;
    return reply;
}

ojson tickerRestJson(const exchange::Ticker24h& t) {
    ojson j;
    j["symbol"] = t.symbol;
    j["priceChange"] = t.priceChange.toString();
    j["priceChangePercent"] = t.priceChangePercent.toString();
    j["weightedAvgPrice"] = t.weightedAvgPrice.toString();
    j["prevClosePrice"] = t.open.toString();
    j["lastPrice"] = t.lastPrice.toString();
    j["lastQty"] = t.lastQuantity.toString();
    j["bidPrice"] = t.bidPrice.toString();
    j["bidQty"] = t.bidQuantity.toString();
    j["askPrice"] = t.askPrice.toString();
    j["askQty"] = t.askQuantity.toString();
    j["openPrice"] = t.open.toString();
    j["highPrice"] = t.high.toString();
    j["lowPrice"] = t.low.toString();
    j["volume"] = t.volume.toString();
    j["quoteVolume"] = t.quoteVolume.toString();
    j["openTime"] = t.openTimeMs;
    j["closeTime"] = t.closeTimeMs;
    j["firstId"] = t.firstTradeId;
    j["lastId"] = t.lastTradeId;
    j["count"] = t.tradeCount;
    return j;
}

// GET /api/v3/ticker/24hr[?symbol=X]: one object, or an array of every symbol (weight 80).
HttpReply ticker24hHandler(const RestContext& ctx) {
    const ParsedTarget& q = ctx.target;
    if (q.hasDuplicates()) return binanceError(-1101, "Duplicate values for a parameter detected.");
    if (!ctx.book) return binanceError(-1000, "No order book model.");
    if (const auto symbol = q.param("symbol")) {
        if (!ctx.model.find(*symbol)) return binanceError(-1121, "Invalid symbol.");
        HttpReply r{200, tickerRestJson(rollingTicker(ctx.model, *ctx.book, *symbol, ctx.nowMs, false)).dump(), {}};
        r.weight = 2;
        return r;
    }
    ojson all = ojson::array();
    for (const SimSymbol& s : ctx.model.symbols())
        all.push_back(tickerRestJson(rollingTicker(ctx.model, *ctx.book, s.symbol, ctx.nowMs, false)));
    HttpReply r{200, all.dump(), {}};
    r.weight = 80;
    return r;
}

}  // namespace

std::optional<std::string> ParsedTarget::param(std::string_view name) const {
    for (const auto& [k, v] : params)
        if (k == name) return v;
    return std::nullopt;
}

bool ParsedTarget::hasDuplicates() const {
    std::set<std::string_view> seen;
    for (const auto& [k, v] : params)
        if (!seen.insert(k).second) return true;
    return false;
}

std::string percentDecode(std::string_view text, bool plusIsSpace) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%' && i + 2 < text.size()) {
            const int hi = hexValue(text[i + 1]);
            const int lo = hexValue(text[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out += static_cast<char>(hi * 16 + lo);
                i += 2;
                continue;
            }
        }
        out += (plusIsSpace && c == '+') ? ' ' : c;
    }
    return out;
}

Result<ParsedTarget> parseTarget(std::string_view target) {
    if (target.empty() || target.front() != '/') return makeError("request target must start with '/'");
    ParsedTarget out;
    const std::size_t qpos = target.find('?');
    out.path = percentDecode(target.substr(0, qpos), false);
    if (qpos == std::string_view::npos) return out;
    std::string_view query = target.substr(qpos + 1);
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        if (!pair.empty()) {
            const std::size_t eq = pair.find('=');
            out.params.emplace_back(percentDecode(pair.substr(0, eq), true),
                                    eq == std::string_view::npos ? std::string()
                                                                 : percentDecode(pair.substr(eq + 1), true));
        }
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return out;
}

void RestRouter::add(RestRoute route) { m_routes.push_back(std::move(route)); }

const RestRoute* RestRouter::find(std::string_view path) const {
    for (const RestRoute& r : m_routes)
        if (r.path == path) return &r;
    return nullptr;
}

std::vector<std::string> RestRouter::paths() const {
    std::vector<std::string> out;
    for (const RestRoute& r : m_routes) out.push_back(r.path);
    return out;
}

HttpReply binanceError(int code, const std::string& msg, int status) {
    ojson j;
    j["code"] = code;
    j["msg"] = msg;
    return HttpReply{status, jsonReply(j), {}};
}

RestRouter makeBinanceRoutes() {
    RestRouter router;
    router.add({"/api/v3/klines", 2, klinesHandler, "GET", {"startTime", "endTime"}});
    // uiKlines: same parameters and rows; Binance does not document its "modification" and
    // observed answers match /klines row for row.
    router.add({"/api/v3/uiKlines", 2, klinesHandler, "GET", {"startTime", "endTime"}});
    router.add({"/api/v3/exchangeInfo", 20, exchangeInfoHandler});
    router.add({"/api/v3/time", 1, [](const RestContext& ctx) {
                    return HttpReply{200, "{\"serverTime\":" + std::to_string(ctx.nowMs) + "}", {}};
                }});
    router.add({"/api/v3/depth", 5, depthHandler});
    router.add({"/api/v3/ticker/24hr", 2, ticker24hHandler});
    router.add({"/api/v3/aggTrades", 4, aggTradesHandler, "GET", {"startTime", "endTime"}});
    router.add({"/api/v3/ping", 1, [](const RestContext&) { return HttpReply{200, "{}", {}}; }});
    return router;
}

}  // namespace cpc::sim
