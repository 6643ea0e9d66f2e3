#include "trade_io.hpp"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>

#include "kline_io.hpp"

namespace cpc::cli {

namespace {

using nlohmann::json;

constexpr const char* kAccepted =
    "accepted: JSON lines (or an array) of `cpc stream` trade/aggTrade lines or Binance's REST "
    "aggTrades/trades rows, or data.binance.vision's aggTrades/trades CSV";

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

std::optional<std::int64_t> parseInt(std::string_view s) {
    s = trim(s);
    std::int64_t v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

std::optional<bool> parseBool(std::string_view s) {
    s = trim(s);
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
    return std::nullopt;
}

// Milliseconds; data.binance.vision writes microseconds from 2025 on.
std::int64_t toMs(std::int64_t t) { return t >= kMicrosecondThreshold ? t / 1000 : t; }

// A trade's price and quantity; an error text when they are not positive decimals.
std::string checkAmounts(std::string_view price, std::string_view quantity, exchange::TradeTick& t) {
    const auto p = Decimal::parse(trim(price));
    if (!p || p->units() <= 0) return "price '" + std::string(price) + "' is not a positive decimal";
    const auto q = Decimal::parse(trim(quantity));
    if (!q || q->units() <= 0) return "quantity '" + std::string(quantity) + "' is not a positive decimal";
    t.price = *p;
    t.quantity = *q;
    return {};
}

// A decimal field as JSON gives it: a string (Binance's, cpc stream's) or a number.
std::optional<std::string> decimalText(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number()) return v.dump();
    return std::nullopt;
}

std::optional<std::int64_t> intOf(const json& o, const char* key) {
    const auto it = o.find(key);
    if (it == o.end() || !it->is_number_integer()) return std::nullopt;
    return it->get<std::int64_t>();
}

std::optional<bool> boolOf(const json& o, const char* key) {
    const auto it = o.find(key);
    if (it == o.end() || !it->is_boolean()) return std::nullopt;
    return it->get<bool>();
}

// One JSON object: a trade, nothing (another stream's line), or an error text.
std::string readObject(const json& o, std::optional<exchange::TradeTick>& out) {
    out.reset();
    if (!o.is_object()) return "not a JSON object";
    exchange::TradeTick t;
    const char *priceKey = nullptr, *qtyKey = nullptr, *timeKey = nullptr, *makerKey = nullptr, *idKey = nullptr;
    if (const auto type = o.find("type"); type != o.end()) {  // cpc stream's line
        if (!type->is_string()) return "\"type\" is not a string";
        const std::string name = type->get<std::string>();
        if (name != "trade" && name != "aggTrade") return {};  // another stream's line
        t.aggregate = name == "aggTrade";
        priceKey = "price", qtyKey = "quantity", timeKey = "time", makerKey = "buyerIsMaker", idKey = "id";
    } else if (o.contains("a") && o.contains("T")) {  // REST aggTrades
        t.aggregate = true;
        priceKey = "p", qtyKey = "q", timeKey = "T", makerKey = "m", idKey = "a";
    } else if (o.contains("isBuyerMaker")) {  // REST trades
        priceKey = "price", qtyKey = "qty", timeKey = "time", makerKey = "isBuyerMaker", idKey = "id";
    } else {
        return "not a trade (no \"type\", no aggTrades \"a\"/\"T\", no trades \"isBuyerMaker\")";
    }
    const auto time = intOf(o, timeKey);
    if (!time) return std::string("\"") + timeKey + "\" is missing or not a whole number";
    const auto maker = boolOf(o, makerKey);
    if (!maker) return std::string("\"") + makerKey + "\" is missing or not true/false";
    const auto price = o.contains(priceKey) ? decimalText(o.at(priceKey)) : std::nullopt;
    const auto qty = o.contains(qtyKey) ? decimalText(o.at(qtyKey)) : std::nullopt;
    if (!price) return std::string("\"") + priceKey + "\" is missing";
    if (!qty) return std::string("\"") + qtyKey + "\" is missing";
    if (std::string bad = checkAmounts(*price, *qty, t); !bad.empty()) return bad;
    t.timeMs = toMs(*time);
    t.buyerIsMaker = *maker;
    t.tradeId = intOf(o, idKey).value_or(0);
    out = std::move(t);
    return {};
}

Result<std::vector<exchange::TradeTick>> readJson(std::string_view text, const std::string& name) {
    std::vector<exchange::TradeTick> trades;
    const auto take = [&](const json& o, const std::string& where) -> std::optional<Error> {
        std::optional<exchange::TradeTick> t;
        if (std::string bad = readObject(o, t); !bad.empty()) return makeError(name + ": " + where + ": " + bad + "; " + kAccepted);
        if (t) trades.push_back(std::move(*t));
        return std::nullopt;
    };
    if (trim(text.substr(text.find_first_not_of(" \t\r\n"))).front() == '[') {
        const json all = json::parse(text, nullptr, false);
        if (all.is_discarded() || !all.is_array()) return makeError(name + ": not a valid JSON array; " + kAccepted);
        for (std::size_t i = 0; i < all.size(); ++i)
            if (auto bad = take(all[i], "element " + std::to_string(i + 1))) return *bad;
    } else {
        std::size_t line = 0;
        for (std::size_t pos = 0; pos <= text.size();) {
            const std::size_t end = std::min(text.find('\n', pos), text.size());
            const std::string_view row = trim(text.substr(pos, end - pos));
            ++line;
            pos = end + 1;
            if (row.empty()) continue;
            const json o = json::parse(row, nullptr, false);
            if (o.is_discarded()) return makeError(name + ": line " + std::to_string(line) + ": not valid JSON; " + kAccepted);
            if (auto bad = take(o, "line " + std::to_string(line))) return *bad;
        }
    }
    return trades;
}

Result<std::vector<exchange::TradeTick>> readCsv(std::string_view text, const std::string& name) {
    std::vector<exchange::TradeTick> trades;
    std::size_t line = 0;
    for (std::size_t pos = 0; pos <= text.size();) {
        const std::size_t end = std::min(text.find('\n', pos), text.size());
        const std::string_view row = trim(text.substr(pos, end - pos));
        ++line;
        pos = end + 1;
        if (row.empty()) continue;
        std::vector<std::string_view> f;
        for (std::size_t a = 0;;) {
            const std::size_t b = row.find(',', a);
            f.push_back(trim(row.substr(a, b == std::string_view::npos ? std::string_view::npos : b - a)));
            if (b == std::string_view::npos) break;
            a = b + 1;
        }
        const auto fail = [&](const std::string& why) {
            return makeError(name + ": line " + std::to_string(line) + ": " + why + "; " + kAccepted);
        };
        if (f.size() < 6 || f.size() > 8)
            return fail(std::to_string(f.size()) + " columns (aggTrades have 7 or 8, trades 6 or 7)");
        // A header line: its first column is not a number.
        if (line == 1 && !parseInt(f[0])) continue;
        exchange::TradeTick t;
        std::optional<std::int64_t> time;
        std::optional<bool> maker;
        if (parseBool(f[5])) {  // trades: id,price,qty,quote_qty,time,is_buyer_maker[,is_best_match]
            time = parseInt(f[4]);
            maker = parseBool(f[5]);
        } else {  // aggTrades: id,price,quantity,first,last,time,is_buyer_maker[,is_best_match]
            if (f.size() < 7) return fail("an aggTrades row needs 7 or 8 columns");
            t.aggregate = true;
            time = parseInt(f[5]);
            maker = parseBool(f[6]);
            t.firstTradeId = parseInt(f[3]).value_or(0);
            t.lastTradeId = parseInt(f[4]).value_or(0);
        }
        const auto id = parseInt(f[0]);
        if (!id) return fail("the trade id '" + std::string(f[0]) + "' is not a whole number");
        if (!time) return fail("the time is not a whole number");
        if (!maker) return fail("is_buyer_maker is not true/false");
        if (std::string bad = checkAmounts(f[1], f[2], t); !bad.empty()) return fail(bad);
        t.tradeId = *id;
        t.timeMs = toMs(*time);
        t.buyerIsMaker = *maker;
        trades.push_back(std::move(t));
    }
    return trades;
}

}  // namespace

Result<std::vector<exchange::TradeTick>> readTrades(std::string_view text, const std::string& sourceName) {
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return makeError(sourceName + ": empty; " + kAccepted);
    auto trades = text[first] == '[' || text[first] == '{' ? readJson(text, sourceName) : readCsv(text, sourceName);
    if (!trades) return trades;
    if (trades->empty()) return makeError(sourceName + ": no trade in it; " + kAccepted);
    std::stable_sort(trades->begin(), trades->end(),
                     [](const exchange::TradeTick& a, const exchange::TradeTick& b) { return a.timeMs < b.timeMs; });
    return trades;
}

Result<std::vector<exchange::TradeTick>> readTradeFile(const std::string& path) {
    auto text = readTextInput(path);
    if (!text) return text.error();
    return readTrades(*text, inputDisplayName(path));
}

}  // namespace cpc::cli
