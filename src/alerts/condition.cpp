#include "cpc/alerts/condition.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <set>

#include "cpc/core/ascii.hpp"
#include "cpc/core/time.hpp"
#include "cpc/indicators/registry.hpp"

namespace cpc::alerts {

namespace {

std::string lower(std::string_view s) { return toLowerAscii(s); }
bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isAlnum(char c) { return isAlpha(c) || (c >= '0' && c <= '9'); }

// Shortest text that reads back to the same double.
std::string numberText(double v) {
    char buf[400];
    // Fixed notation (never "1e-08": the text is shown to users and stored), shortest that reads back.
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    (void)ec;
    return std::string(buf, end);
}

std::string timeText(std::int64_t ms) {
    if (ms % 1000 != 0) return std::to_string(ms);
    std::string s = formatUtc(ms);
    std::replace(s.begin(), s.end(), ' ', 'T');
    return s + "Z";
}

std::string anchorText(const Anchor& a) { return numberText(a.price) + "@" + timeText(a.timeMs); }

std::string durationText(std::int64_t ms) {
    if (ms % kDayMs == 0) return std::to_string(ms / kDayMs) + "d";
    if (ms % kHourMs == 0) return std::to_string(ms / kHourMs) + "h";
    if (ms % kMinuteMs == 0) return std::to_string(ms / kMinuteMs) + "m";
    return std::to_string(ms / kSecondMs) + "s";
}

std::string_view fieldText(Field f) {
    switch (f) {
    case Field::Price: return "price";
    case Field::Open: return "open";
    case Field::High: return "high";
    case Field::Low: return "low";
    case Field::Close: return "close";
    case Field::Volume: return "volume";
    }
    return "price";
}

std::optional<Field> fieldFromWord(std::string_view w) {
    if (w == "price") return Field::Price;
    if (w == "open") return Field::Open;
    if (w == "high") return Field::High;
    if (w == "low") return Field::Low;
    if (w == "close") return Field::Close;
    if (w == "volume") return Field::Volume;
    return std::nullopt;
}

std::string_view compareText(Compare op) {
    switch (op) {
    case Compare::Above: return ">";
    case Compare::AtOrAbove: return ">=";
    case Compare::Below: return "<";
    case Compare::AtOrBelow: return "<=";
    case Compare::Crosses: return "crosses";
    case Compare::CrossesUp: return "crosses up";
    case Compare::CrossesDown: return "crosses down";
    }
    return ">";
}

std::string_view lineWord(LineShape::Kind k) {
    switch (k) {
    case LineShape::Kind::Horizontal: return "hline";
    case LineShape::Kind::Trend: return "trendline";
    case LineShape::Kind::Ray: return "ray";
    case LineShape::Kind::Extended: return "line";
    }
    return "hline";
}

std::string indicatorName(std::string_view spec) { return std::string(spec.substr(0, spec.find('('))); }

std::string operandText(const Operand& o) {
    switch (o.kind) {
    case Operand::Kind::Number: return numberText(o.number);
    case Operand::Kind::Field: return std::string(fieldText(o.field));
    case Operand::Kind::Indicator: {
        const auto* info = indicators::findIndicator(indicatorName(o.indicator));
        if (info && info->outputs.size() == 1) return o.indicator;
        return o.indicator + "." + o.output;
    }
    case Operand::Kind::Line:
        if (o.line.kind == LineShape::Kind::Horizontal) return "hline(" + numberText(o.line.a.price) + ")";
        return std::string(lineWord(o.line.kind)) + "(" + anchorText(o.line.a) + ", " + anchorText(o.line.b) + ")";
    }
    return {};
}

// A hand-written reader of the condition text; every refusal names what it found and expected.
class Reader {
public:
    explicit Reader(std::string_view text) : m_s(text) {}

    void skipSpaces() {
        while (m_pos < m_s.size() && (m_s[m_pos] == ' ' || m_s[m_pos] == '\t')) ++m_pos;
    }
    bool atEnd() {
        skipSpaces();
        return m_pos >= m_s.size();
    }
    char peek() {
        skipSpaces();
        return m_pos < m_s.size() ? m_s[m_pos] : '\0';
    }
    bool eat(char c) {
        if (peek() != c) return false;
        ++m_pos;
        return true;
    }
    bool eatText(std::string_view t) {
        skipSpaces();
        if (m_s.substr(m_pos, t.size()) != t) return false;
        m_pos += t.size();
        return true;
    }
    // A word [A-Za-z_][A-Za-z0-9_]*, as typed; empty when none.
    std::string word() {
        skipSpaces();
        const std::size_t start = m_pos;
        if (m_pos < m_s.size() && (isAlpha(m_s[m_pos]) || m_s[m_pos] == '_')) {
            ++m_pos;
            while (m_pos < m_s.size() && (isAlnum(m_s[m_pos]) || m_s[m_pos] == '_')) ++m_pos;
        }
        return std::string(m_s.substr(start, m_pos - start));
    }
    // Peeks a word without consuming it (lower case).
    std::string peekWord() {
        const std::size_t at = m_pos;
        std::string w = lower(word());
        m_pos = at;
        return w;
    }
    std::optional<double> number() {
        skipSpaces();
        double v = 0;
        const char* first = m_s.data() + m_pos;
        const char* last = m_s.data() + m_s.size();
        if (first != last && *first == '+') return std::nullopt;
        auto [ptr, ec] = std::from_chars(first, last, v, std::chars_format::general);
        if (ec != std::errc() || !std::isfinite(v)) return std::nullopt;
        m_pos += static_cast<std::size_t>(ptr - first);
        return v;
    }
    // The text between '(' (already at it) and its matching ')'; nullopt when unbalanced.
    std::optional<std::string> parenthesised() {
        if (!eat('(')) return std::nullopt;
        const std::size_t start = m_pos;
        int depth = 1;
        while (m_pos < m_s.size()) {
            const char c = m_s[m_pos++];
            if (c == '(') ++depth;
            if (c == ')' && --depth == 0) return std::string(m_s.substr(start, m_pos - 1 - start));
        }
        return std::nullopt;
    }
    // What is left, for messages.
    std::string rest() {
        skipSpaces();
        return std::string(m_s.substr(m_pos));
    }

private:
    std::string_view m_s;
    std::size_t m_pos = 0;
};

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return std::string(s);
}

Result<double> parseNumberText(std::string_view text, std::string_view what) {
    const std::string t = trim(text);
    double v = 0;
    auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v, std::chars_format::general);
    if (t.empty() || ec != std::errc() || ptr != t.data() + t.size() || !std::isfinite(v))
        return makeError(std::string(what) + " '" + t + "' is not a number");
    return v;
}

// "6800@2026-12-01T00:00Z" (price@time; time as parseUtc reads it, or epoch ms).
Result<Anchor> parseAnchor(std::string_view text) {
    const std::string t = trim(text);
    const auto at = t.find('@');
    if (at == std::string::npos)
        return makeError("the point '" + t + "' is not PRICE@TIME (e.g. 6800@2026-12-01T00:00Z)");
    auto price = parseNumberText(std::string_view(t).substr(0, at), "the price");
    if (!price) return price.error();
    const std::string timeText = trim(std::string_view(t).substr(at + 1));
    const auto time = parseUtc(timeText);
    if (!time)
        return makeError("the time '" + timeText +
                         "' is not a UTC time (2026-12-01, 2026-12-01T13:05, 2026-12-01T13:05:00Z or epoch ms)");
    // Epoch milliseconds past the year 9999 would be written back as a date no one reads (the
    // fuzz target's round trip found it: the alert was saved and could not be listed).
    constexpr std::int64_t kLastMs = 253'402'300'799'999;  // 9999-12-31T23:59:59.999Z
    if (*time > kLastMs)
        return makeError("the time '" + timeText + "' is after 9999-12-31 (epoch ms up to " + std::to_string(kLastMs) + ")");
    return Anchor{*time, *price};
}

Result<std::vector<Anchor>> parseTwoAnchors(std::string_view args, std::string_view shape) {
    const auto comma = args.find(',');
    if (comma == std::string_view::npos || args.find(',', comma + 1) != std::string_view::npos)
        return makeError(std::string(shape) + "(…) takes two points PRICE@TIME, PRICE@TIME");
    auto a = parseAnchor(args.substr(0, comma));
    if (!a) return a.error();
    auto b = parseAnchor(args.substr(comma + 1));
    if (!b) return b.error();
    return std::vector<Anchor>{*a, *b};
}

Result<LineShape> parseLine(std::string_view word, std::string_view args) {
    LineShape line;
    if (word == "hline") {
        auto p = parseNumberText(args, "the level of hline(…)");
        if (!p) return p.error();
        line.kind = LineShape::Kind::Horizontal;
        line.a = line.b = Anchor{0, *p};
        return line;
    }
    auto points = parseTwoAnchors(args, word);
    if (!points) return points.error();
    line.kind = word == "trendline" ? LineShape::Kind::Trend
                : word == "ray"     ? LineShape::Kind::Ray
                                    : LineShape::Kind::Extended;
    line.a = (*points)[0];
    line.b = (*points)[1];
    if (line.a.timeMs == line.b.timeMs) return makeError(std::string(word) + "(…) needs two points at different times");
    if (line.kind != LineShape::Kind::Ray && line.b.timeMs < line.a.timeMs) std::swap(line.a, line.b);
    return line;
}

std::string paramsText(std::span<const double> params) {
    std::string s;
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (i) s += ",";
        s += numberText(params[i]);
    }
    return s;
}

bool isLineWord(std::string_view w) { return w == "hline" || w == "trendline" || w == "ray" || w == "line"; }

Result<Operand> parseOperand(Reader& r) {
    Operand o;
    const char c = r.peek();
    if (c == '\0') return makeError("a value is missing at the end");
    if ((c >= '0' && c <= '9') || c == '-' || c == '.') {
        const auto n = r.number();
        if (!n) return makeError("'" + r.rest() + "' does not start with a number");
        o.kind = Operand::Kind::Number;
        o.number = *n;
        return o;
    }
    const std::string w = r.word();
    if (w.empty()) return makeError("expected a value (a number, price, close, an indicator) at '" + r.rest() + "'");
    const std::string lw = lower(w);
    std::optional<std::string> args;
    if (r.peek() == '(') {
        args = r.parenthesised();
        if (!args) return makeError("'(' after " + w + " is not closed");
    }
    if (isLineWord(lw)) {
        if (!args) return makeError(lw + " needs its points: " + lw + (lw == "hline" ? "(6820.5)" : "(6800@2026-12-01T00:00Z, 6900@2026-12-02T00:00Z)"));
        auto line = parseLine(lw, *args);
        if (!line) return line.error();
        o.kind = Operand::Kind::Line;
        o.line = *line;
        return o;
    }
    if (lw == "box") return makeError("box(…) goes with leaves or enters: price leaves box(6800@2026-12-01T00:00Z, 6900@2026-12-02T00:00Z)");
    if (!args) {
        if (const auto f = fieldFromWord(lw)) {
            o.kind = Operand::Kind::Field;
            o.field = *f;
            return o;
        }
    }
    const auto* info = indicators::findIndicator(w);
    if (!info) return makeError("'" + w + "' is neither price, open, high, low, close, volume nor an indicator (cpc indicator --list names them)");
    auto ind = indicators::createFromSpec(w + "(" + args.value_or("") + ")");
    if (!ind) return ind.error();
    o.kind = Operand::Kind::Indicator;
    o.indicator = (*ind)->info().name + "(" + paramsText((*ind)->params()) + ")";
    std::string outputs;
    for (const auto& out : info->outputs) outputs += (outputs.empty() ? "" : ", ") + out.name;
    if (r.eat('.')) {
        const std::string out = lower(r.word());
        const auto it = std::find_if(info->outputs.begin(), info->outputs.end(),
                                     [&](const auto& oi) { return lower(oi.name) == out; });
        if (it == info->outputs.end())
            return makeError(info->name + " has no output '" + out + "'; its outputs: " + outputs);
        o.output = it->name;
    } else if (info->outputs.size() == 1) {
        o.output = info->outputs.front().name;
    } else {
        return makeError(info->name + " has " + std::to_string(info->outputs.size()) + " outputs (" + outputs +
                         "); name one, e.g. " + o.indicator + "." + info->outputs.front().name);
    }
    return o;
}

Result<std::int64_t> parseDuration(Reader& r) {
    const auto n = r.number();
    const std::string unit = lower(r.word());
    std::int64_t scale = 0;
    if (unit == "s") scale = kSecondMs;
    if (unit == "m" || unit == "min") scale = kMinuteMs;
    if (unit == "h") scale = kHourMs;
    if (unit == "d") scale = kDayMs;
    if (!n || scale == 0 || *n <= 0 || *n != std::floor(*n))
        return makeError("the window after 'in' must be a whole number of s, m, h or d (e.g. 15m, 1h)");
    // Compared as doubles before any conversion: a huge count would overflow the milliseconds
    // (found by fuzz_alert_condition: 1.4e76 m).
    constexpr std::int64_t kLongestWindowMs = 366 * kDayMs;
    if (*n > static_cast<double>(kLongestWindowMs / scale))
        return makeError("the window after 'in' must be at most 366 d (e.g. 15m, 1h, 7d)");
    return static_cast<std::int64_t>(*n) * scale;
}

Result<Condition> parseChange(Reader& r) {
    PriceChange change;
    const std::string dir = r.peekWord();
    if (dir == "up" || dir == "down") {
        r.word();
        change.direction = dir == "up" ? PriceChange::Direction::Up : PriceChange::Direction::Down;
    }
    if (!r.eat('>') && r.peekWord() != "above") return makeError("after 'change' comes '> X% in N' (e.g. change > 2% in 15m)");
    if (r.peekWord() == "above") r.word();
    const auto pct = r.number();
    if (!pct || *pct <= 0 || !r.eat('%')) return makeError("the change must be a positive percentage, e.g. 2%");
    change.percent = *pct;
    if (r.peekWord() != "in") return makeError("the change needs its window: '… in 15m'");
    r.word();
    auto window = parseDuration(r);
    if (!window) return window.error();
    change.windowMs = *window;
    return Condition{change};
}

Result<Condition> parseVolumeSpike(Reader& r) {
    const auto n = r.number();
    if (!n || *n <= 0 || lower(r.word()) != "x") return makeError("a volume spike reads 'volume > 3x avg(20)'");
    if (lower(r.word()) != "avg") return makeError("after '" + numberText(*n) + "x' comes avg(N), e.g. volume > 3x avg(20)");
    const auto args = r.parenthesised();
    if (!args) return makeError("avg needs its number of bars: avg(20)");
    const auto period = parseNumberText(*args, "the number of bars of avg(…)");
    if (!period || *period < 1 || *period > 10000 || *period != std::floor(*period))
        return makeError("avg(N) takes a whole number of bars from 1 to 10000");
    return Condition{VolumeSpike{*n, static_cast<int>(*period)}};
}

Result<Condition> parse(std::string_view text) {
    Reader r(text);
    if (r.atEnd()) return makeError("the condition is empty");
    if (r.peekWord() == "change") {
        r.word();
        auto c = parseChange(r);
        if (c && !r.atEnd()) return makeError("unexpected '" + r.rest() + "' after the condition");
        return c;
    }
    auto left = parseOperand(r);
    if (!left) return left.error();
    Compare op = Compare::Above;
    if (r.eatText(">=")) op = Compare::AtOrAbove;
    else if (r.eatText("<=")) op = Compare::AtOrBelow;
    else if (r.eat('>')) op = Compare::Above;
    else if (r.eat('<')) op = Compare::Below;
    else {
        const std::string w = r.peekWord();
        if (w == "above") op = Compare::Above;
        else if (w == "below") op = Compare::Below;
        else if (w == "crosses") op = Compare::Crosses;
        else if (w == "leaves" || w == "enters") {
            r.word();
            const bool priceLike = left->kind == Operand::Kind::Field &&
                                   (left->field == Field::Price || left->field == Field::Close);
            if (!priceLike) return makeError("only the price (price or close) " + w + " a box");
            if (r.peekWord() != "box") return makeError(w + " takes a box: price " + w + " box(6800@2026-12-01T00:00Z, 6900@2026-12-02T00:00Z)");
            r.word();
            const auto args = r.parenthesised();
            if (!args) return makeError("box needs its two corners: box(PRICE@TIME, PRICE@TIME)");
            auto corners = parseTwoAnchors(*args, "box");
            if (!corners) return corners.error();
            if ((*corners)[0].timeMs == (*corners)[1].timeMs || (*corners)[0].price == (*corners)[1].price)
                return makeError("the box's corners need different times and different prices");
            if (!r.atEnd()) return makeError("unexpected '" + r.rest() + "' after the condition");
            return boxCondition((*corners)[0], (*corners)[1], w == "leaves");
        } else {
            return makeError(r.atEnd() ? "a comparison is missing after '" + std::string(text) + "'"
                                       : "expected >, <, >=, <=, above, below, crosses (up|down), leaves or enters at '" +
                                             r.rest() + "'");
        }
        r.word();
        if (op == Compare::Crosses) {
            const std::string dir = r.peekWord();
            if (dir == "up" || dir == "above") {
                r.word();
                op = Compare::CrossesUp;
            } else if (dir == "down" || dir == "below") {
                r.word();
                op = Compare::CrossesDown;
            }
        }
    }
    if (left->kind == Operand::Kind::Field && left->field == Field::Volume && op == Compare::Above) {
        // "volume > 3x avg(20)": a number followed by x.
        Reader probe = r;
        if (probe.number() && lower(probe.word()) == "x") {
            auto c = parseVolumeSpike(r);
            if (c && !r.atEnd()) return makeError("unexpected '" + r.rest() + "' after the condition");
            return c;
        }
    }
    auto right = parseOperand(r);
    if (!right) return right.error();
    if (!r.atEnd()) return makeError("unexpected '" + r.rest() + "' after the condition");
    if (left->kind == Operand::Kind::Number && right->kind == Operand::Kind::Number)
        return makeError("both sides are numbers; one must be price, a bar field or an indicator");
    if (left->kind == Operand::Kind::Line) return makeError("put the line on the right: price crosses " + operandText(*left));
    return Condition{Comparison{*left, op, *right}};
}

}  // namespace

double LineShape::valueAt(std::int64_t timeMs) const {
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    if (kind == Kind::Horizontal) return a.price;
    if (kind == Kind::Trend && (timeMs < a.timeMs || timeMs > b.timeMs)) return nan;
    if (kind == Kind::Ray && (b.timeMs > a.timeMs ? timeMs < a.timeMs : timeMs > a.timeMs)) return nan;
    const double slope = (b.price - a.price) / static_cast<double>(b.timeMs - a.timeMs);
    return a.price + slope * static_cast<double>(timeMs - a.timeMs);
}

bool isCrossing(Compare op) {
    return op == Compare::Crosses || op == Compare::CrossesUp || op == Compare::CrossesDown;
}

std::string Condition::text() const {
    if (const auto* c = std::get_if<Comparison>(&kind))
        return operandText(c->left) + " " + std::string(compareText(c->op)) + " " + operandText(c->right);
    if (const auto* p = std::get_if<PriceChange>(&kind)) {
        const char* dir = p->direction == PriceChange::Direction::Up     ? "up "
                          : p->direction == PriceChange::Direction::Down ? "down "
                                                                         : "";
        return "change " + std::string(dir) + "> " + numberText(p->percent) + "% in " + durationText(p->windowMs);
    }
    if (const auto* v = std::get_if<VolumeSpike>(&kind))
        return "volume > " + numberText(v->multiple) + "x avg(" + std::to_string(v->period) + ")";
    const auto& b = std::get<BoxCross>(kind);
    return std::string("price ") + (b.leaves ? "leaves" : "enters") + " box(" + anchorText(b.a) + ", " + anchorText(b.b) + ")";
}

std::vector<std::string> Condition::indicators() const {
    std::vector<std::string> out;
    if (const auto* c = std::get_if<Comparison>(&kind)) {
        for (const Operand* o : {&c->left, &c->right})
            if (o->kind == Operand::Kind::Indicator && std::find(out.begin(), out.end(), o->indicator) == out.end())
                out.push_back(o->indicator);
    }
    return out;
}

Result<Condition> parseCondition(std::string_view text) {
    auto c = parse(text);
    if (!c) return makeError("condition \"" + std::string(text) + "\": " + c.error().message + ".\n" + acceptedConditionsText());
    return c;
}

std::string acceptedConditionsText() {
    return "Accepted conditions (words in any case):\n"
           "  price crosses 6820.5 | price crosses up 6820.5 | price crosses down 6820.5\n"
           "  price > 6820.5 (or above) | price < 6800 (or below) | close >= 100 | high <= 90\n"
           "  change > 2% in 15m | change up > 2% in 1h | change down > 5% in 30m\n"
           "  volume > 3x avg(20) | volume > 1500\n"
           "  RSI(14) > 70 | EMA(9) crosses EMA(21) | close crosses BBANDS(20,2).upperband\n"
           "  price crosses hline(6820.5)\n"
           "  price crosses trendline(6800@2026-12-01T00:00Z, 6900@2026-12-02T00:00Z) (also ray(…), line(…))\n"
           "  price leaves box(6800@2026-12-01T00:00Z, 6900@2026-12-02T00:00Z) (also enters)\n"
           "A value is a number, price, open, high, low, close, volume or any indicator NAME(params)[.output]\n"
           "(cpc indicator --list); a multi-output indicator names its output.";
}

Condition lineCondition(const LineShape& line, Compare op) {
    Operand price;
    price.kind = Operand::Kind::Field;
    price.field = Field::Price;
    Operand right;
    right.kind = Operand::Kind::Line;
    right.line = line;
    if (line.kind != LineShape::Kind::Ray && line.kind != LineShape::Kind::Horizontal && right.line.b.timeMs < right.line.a.timeMs)
        std::swap(right.line.a, right.line.b);
    if (line.kind == LineShape::Kind::Horizontal) right.line.b = right.line.a = Anchor{0, line.a.price};
    return Condition{Comparison{price, op, right}};
}

Condition boxCondition(Anchor a, Anchor b, bool leaves) { return Condition{BoxCross{leaves, a, b}}; }

}  // namespace cpc::alerts
