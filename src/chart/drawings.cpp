#include "cpc/chart/drawings.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace cpc::chart {

std::string_view toString(DrawingKind kind) {
    switch (kind) {
    case DrawingKind::HorizontalLine: return "hline";
    case DrawingKind::VerticalLine: return "vline";
    case DrawingKind::TrendLine: return "trend";
    case DrawingKind::Ray: return "ray";
    case DrawingKind::Rectangle: return "rect";
    case DrawingKind::Fibonacci: return "fib";
    case DrawingKind::ParallelChannel: return "channel";
    case DrawingKind::Text: return "text";
    case DrawingKind::PriceRange: return "prange";
    case DrawingKind::DateRange: return "drange";
    case DrawingKind::LongPosition: return "long";
    case DrawingKind::ShortPosition: return "short";
    }
    return "trend";
}

std::optional<DrawingKind> parseDrawingKind(std::string_view text) {
    for (const DrawingKind k : kAllDrawingKinds)
        if (toString(k) == text) return k;
    return std::nullopt;
}

int anchorCount(DrawingKind kind) {
    switch (kind) {
    case DrawingKind::HorizontalLine:
    case DrawingKind::VerticalLine:
    case DrawingKind::Text:
    case DrawingKind::LongPosition:
    case DrawingKind::ShortPosition: return 1;
    default: return 2;
    }
}

int handleCount(DrawingKind kind) {
    switch (kind) {
    case DrawingKind::HorizontalLine:
    case DrawingKind::VerticalLine:
    case DrawingKind::Text: return 1;
    case DrawingKind::ParallelChannel:
    case DrawingKind::LongPosition:
    case DrawingKind::ShortPosition: return 3;
    default: return 2;
    }
}

bool usesThirdAnchor(DrawingKind kind) { return handleCount(kind) == 3; }

std::string_view toString(LineDash dash) {
    switch (dash) {
    case LineDash::Dashed: return "dashed";
    case LineDash::Dotted: return "dotted";
    case LineDash::Solid: break;
    }
    return "solid";
}

std::optional<LineDash> parseLineDash(std::string_view text) {
    for (const LineDash d : {LineDash::Solid, LineDash::Dashed, LineDash::Dotted})
        if (toString(d) == text) return d;
    return std::nullopt;
}

bool supportsExtend(DrawingKind kind) {
    return kind == DrawingKind::TrendLine || kind == DrawingKind::Ray || kind == DrawingKind::Fibonacci ||
           kind == DrawingKind::ParallelChannel;
}

namespace {

void writeProperties(std::string& out, const Drawing& d) {
    char buf[64];
    if (usesThirdAnchor(d.kind)) {
        std::snprintf(buf, sizeof buf, " c=%lld:%.17g", static_cast<long long>(d.c.timeMs), d.c.price);
        out += buf;
    }
    if (d.rgba != 0) {
        std::snprintf(buf, sizeof buf, " color=#%08x", static_cast<unsigned>(d.rgba));
        out += buf;
    }
    if (d.width != kDefaultDrawingWidth) {
        std::snprintf(buf, sizeof buf, " width=%.6g", d.width);
        out += buf;
    }
    if (d.dash != LineDash::Solid) out += " dash=" + std::string(toString(d.dash));
    if (d.extendLeft || d.extendRight)
        out += d.extendLeft && d.extendRight ? " extend=left,right" : d.extendLeft ? " extend=left" : " extend=right";
    if (d.locked) out += " locked";
    if (d.hidden) out += " hidden";
    if (!d.text.empty()) {
        std::string text = d.text;
        for (char& c : text)
            if (c == '\n' || c == '\r') c = ' ';  // one drawing per line
        out += " text=" + text;
    }
}

// One "key=value" (or flag) field; false if it is not one we know (the field is ignored).
bool readProperty(Drawing& d, std::string_view field) {
    const auto eq = field.find('=');
    const std::string_view key = field.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? std::string_view{} : field.substr(eq + 1);
    if (key == "locked") d.locked = true;
    else if (key == "hidden") d.hidden = true;
    else if (key == "dash") d.dash = parseLineDash(value).value_or(LineDash::Solid);
    else if (key == "extend") {
        d.extendLeft = value.find("left") != std::string_view::npos;
        d.extendRight = value.find("right") != std::string_view::npos;
    } else if (key == "color" && value.size() == 9 && value[0] == '#') {
        std::uint32_t rgba = 0;
        const auto [end, ec] = std::from_chars(value.data() + 1, value.data() + value.size(), rgba, 16);
        if (ec == std::errc{} && end == value.data() + value.size()) d.rgba = rgba;
    } else if (key == "c") {
        const auto colon = value.find(':');
        if (colon == std::string_view::npos) return false;
        long long time = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + colon, time);
        const double price = std::strtod(std::string(value.substr(colon + 1)).c_str(), nullptr);
        if (ec != std::errc{} || end != value.data() + colon || !std::isfinite(price)) return false;
        d.c = DrawingAnchor{time, price};
    } else if (key == "width") {
        const double w = std::strtod(std::string(value).c_str(), nullptr);
        if (std::isfinite(w) && w >= 0.5 && w <= 10.0) d.width = w;
    } else {
        return false;
    }
    return true;
}

}  // namespace

std::string serializeDrawings(const std::vector<Drawing>& drawings) {
    std::string out;
    char buf[160];
    for (const Drawing& d : drawings) {
        std::snprintf(buf, sizeof buf, "%s %lld %.17g %lld %.17g\n", std::string(toString(d.kind)).c_str(),
                      static_cast<long long>(d.a.timeMs), d.a.price, static_cast<long long>(d.b.timeMs),
                      d.b.price);
        out.append(buf, std::strlen(buf) - 1);  // the properties go before the newline
        writeProperties(out, d);
        out += '\n';
    }
    return out;
}

std::vector<Drawing> parseDrawings(std::string_view text) {
    std::vector<Drawing> out;
    std::istringstream in{std::string(text)};
    std::string line;
    std::uint64_t id = 1;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string kind;
        long long t1 = 0;
        long long t2 = 0;
        double p1 = 0;
        double p2 = 0;
        if (!(fields >> kind >> t1 >> p1 >> t2 >> p2)) continue;
        const auto k = parseDrawingKind(kind);
        if (!k || !std::isfinite(p1) || !std::isfinite(p2)) continue;
        Drawing d{id++, *k, {t1, p1}, {t2, p2}};
        // A hand-written line without its third anchor: a channel of no width, a stop as far
        // below the entry as the target is above.
        if (usesThirdAnchor(d.kind)) d.c = DrawingAnchor{t1, d.kind == DrawingKind::ParallelChannel ? p1 : p1 - (p2 - p1) / 2};
        std::string field;
        while (fields >> field) {
            if (field.starts_with("text=")) {
                // The text is the rest of the line, spaces included.
                std::string rest;
                std::getline(fields, rest);
                d.text = field.substr(5) + rest;
                break;
            }
            readProperty(d, field);
        }
        out.push_back(std::move(d));
    }
    return out;
}

}  // namespace cpc::chart
