#include "cpc/chart/drawings.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace cpc::chart {

std::string_view toString(DrawingKind kind) {
    switch (kind) {
    case DrawingKind::HorizontalLine: return "hline";
    case DrawingKind::TrendLine: return "trend";
    case DrawingKind::Ray: return "ray";
    case DrawingKind::Rectangle: return "rect";
    case DrawingKind::Fibonacci: return "fib";
    }
    return "trend";
}

std::optional<DrawingKind> parseDrawingKind(std::string_view text) {
    for (const DrawingKind k : kAllDrawingKinds)
        if (toString(k) == text) return k;
    return std::nullopt;
}

int anchorCount(DrawingKind kind) { return kind == DrawingKind::HorizontalLine ? 1 : 2; }

std::string serializeDrawings(const std::vector<Drawing>& drawings) {
    std::string out;
    char buf[160];
    for (const Drawing& d : drawings) {
        std::snprintf(buf, sizeof buf, "%s %lld %.17g %lld %.17g\n", std::string(toString(d.kind)).c_str(),
                      static_cast<long long>(d.a.timeMs), d.a.price, static_cast<long long>(d.b.timeMs),
                      d.b.price);
        out += buf;
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
        out.push_back(Drawing{id++, *k, {t1, p1}, {t2, p2}});
    }
    return out;
}

}  // namespace cpc::chart
