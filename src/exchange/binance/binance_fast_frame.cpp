#include "cpc/exchange/binance/binance_fast_frame.hpp"

#include <cstring>

#include "cpc/core/interval.hpp"

// How it stays equal to the full codec (binance_adapter.cpp, parseStreamMessage): the frame is
// scanned once as strict JSON, but only the subset Binance sends: strings without escapes and of
// ASCII bytes only (so their text is the decoded value nlohmann would give), integers of at most
// 18 digits (so they fit an int64_t whichever of nlohmann's integer kinds they would be), true,
// false, null, objects and arrays; whitespace as JSON allows it. Any other byte, a float, a
// duplicate key (nlohmann keeps the last one) or a nesting deeper than kMaxDepth stops the scan:
// nullopt. Then each field is read as the full codec reads it, and wherever that codec would throw
// (a "value" of another type) or return an error, this path gives up too, leaving the message to
// the full codec.

namespace cpc::exchange::binance {

namespace {

constexpr int kMaxDepth = 6;
constexpr int kMaxFields = 40;

enum class Kind : unsigned char { String, Integer, True, False, Null, Object, Array };

struct Value {
    Kind kind = Kind::Null;
    std::string_view text;  // String: the characters between the quotes; Integer: the digits (and
                            // sign); Object / Array: the whole value, brackets included
};

struct Field {
    std::string_view key;
    Value value;
};

// One JSON object's members (the values of nested objects and arrays only as spans).
struct Fields {
    Field items[kMaxFields];
    int count = 0;
    const Value* find(std::string_view key) const {
        // Keys are short ("e", "data"): the length and first byte settle most comparisons
        // without a call to memcmp.
        for (int i = 0; i < count; ++i) {
            const std::string_view k = items[i].key;
            if (k.size() == key.size() && (k.empty() || (k[0] == key[0] && k == key))) return &items[i].value;
        }
        return nullptr;
    }
};

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class Scanner {
public:
    Scanner(const char* begin, const char* end) : m_p(begin), m_end(end) {}

    void skipSpace() {
        while (m_p != m_end && isSpace(*m_p)) ++m_p;
    }
    bool atEnd() const { return m_p == m_end; }
    bool atObject() const { return m_p != m_end && *m_p == '{'; }

    // A string without escapes, control characters or non-ASCII bytes; m_p on the opening quote.
    bool string(std::string_view& out) {
        ++m_p;
        const char* start = m_p;
        while (m_p != m_end) {
            const auto c = static_cast<unsigned char>(*m_p);
            if (c == '"') {
                out = std::string_view(start, static_cast<std::size_t>(m_p - start));
                ++m_p;
                return true;
            }
            if (c == '\\' || c < 0x20 || c >= 0x80) return false;
            ++m_p;
        }
        return false;
    }

    // -?(0|[1-9][0-9]*) with at most 18 digits; a fraction or an exponent is refused.
    bool integer(std::string_view& out) {
        const char* start = m_p;
        if (*m_p == '-') ++m_p;
        if (m_p == m_end || *m_p < '0' || *m_p > '9') return false;
        const char* digits = m_p;
        if (*m_p == '0') {
            ++m_p;
        } else {
            while (m_p != m_end && *m_p >= '0' && *m_p <= '9') ++m_p;
        }
        if (m_p - digits > 18) return false;
        if (m_p != m_end && (*m_p == '.' || *m_p == 'e' || *m_p == 'E' || (*m_p >= '0' && *m_p <= '9'))) return false;
        out = std::string_view(start, static_cast<std::size_t>(m_p - start));
        return true;
    }

    bool literal(const char* word, std::size_t length) {
        if (static_cast<std::size_t>(m_end - m_p) < length || std::memcmp(m_p, word, length) != 0) return false;
        m_p += length;
        return true;
    }

    bool value(Value& out, int depth) {
        if (m_p == m_end) return false;
        const char* start = m_p;
        switch (*m_p) {
        case '"': out.kind = Kind::String; return string(out.text);
        case 't': out.kind = Kind::True; return literal("true", 4);
        case 'f': out.kind = Kind::False; return literal("false", 5);
        case 'n': out.kind = Kind::Null; return literal("null", 4);
        case '{':
            out.kind = Kind::Object;
            if (!skipObject(depth + 1)) return false;
            break;
        case '[':
            out.kind = Kind::Array;
            if (!skipArray(depth + 1)) return false;
            break;
        default: out.kind = Kind::Integer; return integer(out.text);
        }
        out.text = std::string_view(start, static_cast<std::size_t>(m_p - start));
        return true;
    }

    // An object's members into `fields`; m_p on the '{'.
    bool object(Fields& fields, int depth) {
        if (depth > kMaxDepth) return false;
        ++m_p;
        skipSpace();
        if (m_p != m_end && *m_p == '}') {
            ++m_p;
            return true;
        }
        while (true) {
            if (m_p == m_end || *m_p != '"' || fields.count == kMaxFields) return false;
            Field& f = fields.items[fields.count];
            if (!string(f.key)) return false;
            if (fields.find(f.key)) return false;  // a duplicate: nlohmann's choice is left to it
            skipSpace();
            if (m_p == m_end || *m_p != ':') return false;
            ++m_p;
            skipSpace();
            if (!value(f.value, depth)) return false;
            ++fields.count;
            skipSpace();
            if (m_p == m_end) return false;
            if (*m_p == '}') {
                ++m_p;
                return true;
            }
            if (*m_p != ',') return false;
            ++m_p;
            skipSpace();
        }
    }

private:
    bool skipObject(int depth) {
        Fields nested;  // keys are kept only to refuse duplicates
        return object(nested, depth);
    }
    bool skipArray(int depth) {
        if (depth > kMaxDepth) return false;
        ++m_p;
        skipSpace();
        if (m_p != m_end && *m_p == ']') {
            ++m_p;
            return true;
        }
        while (true) {
            Value v;
            if (!value(v, depth)) return false;
            skipSpace();
            if (m_p == m_end) return false;
            if (*m_p == ']') {
                ++m_p;
                return true;
            }
            if (*m_p != ',') return false;
            ++m_p;
            skipSpace();
        }
    }

    const char* m_p;
    const char* m_end;
};

// The members of an object value already scanned (so well formed).
bool membersOf(const Value& v, Fields& out) {
    if (v.kind != Kind::Object) return false;
    Scanner s(v.text.data(), v.text.data() + v.text.size());
    return s.object(out, 1);
}

std::int64_t integerOf(std::string_view digits) {
    bool negative = false;
    std::size_t i = 0;
    if (digits[0] == '-') {
        negative = true;
        i = 1;
    }
    std::int64_t n = 0;
    for (; i < digits.size(); ++i) n = n * 10 + (digits[i] - '0');
    return negative ? -n : n;
}

// Field readers, each refusing where the full codec would throw or fail.

// d.value(key, ""): absent gives "", a string its text, anything else throws.
bool optionalString(const Fields& d, std::string_view key, std::string_view& out) {
    const Value* v = d.find(key);
    if (!v) {
        out = {};
        return true;
    }
    if (v->kind != Kind::String) return false;
    out = v->text;
    return true;
}

// intField(d[key]) required.
bool requiredInteger(const Fields& d, std::string_view key, std::int64_t& out) {
    const Value* v = d.find(key);
    if (!v || v->kind != Kind::Integer) return false;
    out = integerOf(v->text);
    return true;
}

// "E" and the like: absent gives 0; anything but an integer is left to the full codec.
bool optionalInteger(const Fields& d, std::string_view key, std::int64_t& out) {
    const Value* v = d.find(key);
    if (!v) {
        out = 0;
        return true;
    }
    if (v->kind != Kind::Integer) return false;
    out = integerOf(v->text);
    return true;
}

// decimalField(d[key]) of a string (numbers are left to the full codec).
bool requiredDecimal(const Fields& d, std::string_view key, Decimal& out) {
    const Value* v = d.find(key);
    if (!v || v->kind != Kind::String) return false;
    const auto parsed = Decimal::parse(v->text);
    if (!parsed) return false;
    out = *parsed;
    return true;
}

bool booleanOf(const Value& v, bool& out) {
    if (v.kind == Kind::True) out = true;
    else if (v.kind == Kind::False) out = false;
    else return false;
    return true;
}

const std::string kExchange = "binance";

bool trade(const Fields& d, bool aggregate, std::vector<StreamEvent>& out) {
    TradeTick t;
    std::string_view symbol;
    if (!optionalString(d, "s", symbol)) return false;
    if (!requiredInteger(d, aggregate ? "a" : "t", t.tradeId) || !requiredDecimal(d, "p", t.price) ||
        !requiredDecimal(d, "q", t.quantity) || !requiredInteger(d, "T", t.timeMs))
        return false;
    if (const Value* m = d.find("m"); m && !booleanOf(*m, t.buyerIsMaker)) return false;
    if (!optionalInteger(d, "E", t.eventTimeMs)) return false;
    t.firstTradeId = t.lastTradeId = t.tradeId;
    if (aggregate && (!requiredInteger(d, "f", t.firstTradeId) || !requiredInteger(d, "l", t.lastTradeId)))
        return false;
    t.exchange = kExchange;
    t.symbol = symbol;
    t.aggregate = aggregate;
    out.emplace_back(std::move(t));
    return true;
}

// [["price","quantity"],…] exactly (a level of another shape is left to the full codec).
bool levels(const Fields& d, std::string_view key, std::vector<PriceLevel>& out) {
    const Value* v = d.find(key);
    if (!v || v->kind != Kind::Array) return false;
    const char* p = v->text.data() + 1;
    const char* end = v->text.data() + v->text.size() - 1;  // on the closing ']'
    auto space = [&] {
        while (p != end && isSpace(*p)) ++p;
    };
    // A quoted string (already checked: no escapes) as a decimal.
    auto decimal = [&](Decimal& value) {
        if (p == end || *p != '"') return false;
        const char* start = ++p;
        const char* quote = static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(end - p)));
        if (!quote) return false;
        const auto parsed = Decimal::parse(std::string_view(start, static_cast<std::size_t>(quote - start)));
        if (!parsed) return false;
        value = *parsed;
        p = quote + 1;
        return true;
    };
    out.reserve(static_cast<std::size_t>(v->text.size() / 24));  // a level is ~30 bytes
    space();
    while (p != end) {
        if (*p != '[') return false;
        ++p;
        space();
        PriceLevel level;
        if (!decimal(level.price)) return false;
        space();
        if (p == end || *p != ',') return false;
        ++p;
        space();
        if (!decimal(level.quantity)) return false;
        space();
        if (p == end || *p != ']') return false;
        ++p;
        out.push_back(level);
        space();
        if (p == end) break;
        if (*p != ',') return false;
        ++p;
        space();
    }
    return true;
}

bool depthUpdate(const Fields& d, std::vector<StreamEvent>& out) {
    DepthUpdate u;
    std::string_view symbol;
    std::int64_t first = 0;
    if (!optionalString(d, "s", symbol) || !requiredInteger(d, "U", first) || !requiredInteger(d, "u", u.finalUpdateId) ||
        !optionalInteger(d, "E", u.eventTimeMs))
        return false;
    // USD-M's "pu" (the previous event's final id): see parseDepthEvent.
    if (const Value* pu = d.find("pu")) {
        if (pu->kind != Kind::Integer) return false;
        first = integerOf(pu->text) + 1;
    }
    u.firstUpdateId = first;
    if (!levels(d, "b", u.bids) || !levels(d, "a", u.asks)) return false;
    u.exchange = kExchange;
    u.symbol = symbol;
    out.emplace_back(std::move(u));
    return true;
}

bool kline(const Fields& d, MarketType market, std::vector<StreamEvent>& out) {
    Fields k;
    const Value* kv = d.find("k");
    if (!kv || !membersOf(*kv, k)) return false;
    KlineUpdate u;
    // k.value("s", d.value("s", "")): both are read, both must be strings when present.
    std::string_view outerSymbol, symbol, interval;
    if (!optionalString(d, "s", outerSymbol) || !optionalString(k, "s", symbol) || !optionalString(k, "i", interval))
        return false;
    if (!k.find("s")) symbol = outerSymbol;
    const auto parsedInterval = parseInterval(interval);
    if (!parsedInterval) return false;
    Candle& c = u.candle;
    if (!requiredInteger(k, "t", c.openTime) || !requiredDecimal(k, "o", c.open) || !requiredDecimal(k, "h", c.high) ||
        !requiredDecimal(k, "l", c.low) || !requiredDecimal(k, "c", c.close) || !requiredDecimal(k, "v", c.volume) ||
        !requiredDecimal(k, "q", c.quoteVolume) || !requiredDecimal(k, "V", c.takerBuyBase) ||
        !requiredDecimal(k, "Q", c.takerBuyQuote) || !requiredInteger(k, "n", c.trades))
        return false;
    const Value* x = k.find("x");
    if (!x || !booleanOf(*x, c.closed)) return false;
    if (!optionalInteger(d, "E", u.eventTimeMs)) return false;
    u.key.exchange = kExchange;
    u.key.symbol = symbol;
    u.key.interval = *parsedInterval;
    u.key.market = market;
    out.emplace_back(std::move(u));
    return true;
}

}  // namespace

std::optional<std::vector<StreamEvent>> parseHotFrame(std::string_view frame, MarketType market) {
    Scanner scanner(frame.data(), frame.data() + frame.size());
    scanner.skipSpace();
    Fields top;
    if (!scanner.atObject() || !scanner.object(top, 0)) return std::nullopt;
    scanner.skipSpace();
    if (!scanner.atEnd()) return std::nullopt;  // nlohmann refuses anything after the value
    // A control reply ({"result":…,"id":…}) is the full codec's.
    if (top.find("id")) return std::nullopt;
    // The combined-stream wrapper (its stream name matters only to partial depth, not handled here).
    Fields wrapped;
    const Fields* d = &top;
    if (top.find("stream")) {
        if (const Value* data = top.find("data")) {
            if (!membersOf(*data, wrapped)) return std::nullopt;
            d = &wrapped;
        }
    }
    const Value* type = d->find("e");
    if (!type || type->kind != Kind::String) return std::nullopt;
    std::vector<StreamEvent> out;
    bool parsed = false;
    if (type->text == "trade") parsed = trade(*d, false, out);
    else if (type->text == "depthUpdate") parsed = depthUpdate(*d, out);
    else if (type->text == "aggTrade") parsed = trade(*d, true, out);
    else if (type->text == "kline") parsed = kline(*d, market, out);
    if (!parsed) return std::nullopt;
    return out;
}

}  // namespace cpc::exchange::binance
