#pragma once
// User drawings anchored in (time, price), so they follow zoom, pan and scale changes and survive
// a restart. Plain values; the model owns the list, the views turn it into pixels.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cpc::chart {

enum class DrawingKind : unsigned char { HorizontalLine, TrendLine, Ray, Rectangle, Fibonacci };

inline constexpr DrawingKind kAllDrawingKinds[] = {DrawingKind::HorizontalLine, DrawingKind::TrendLine,
                                                   DrawingKind::Ray, DrawingKind::Rectangle,
                                                   DrawingKind::Fibonacci};

std::string_view toString(DrawingKind kind);  // "hline", "trend", "ray", "rect", "fib"
std::optional<DrawingKind> parseDrawingKind(std::string_view text);
// Anchors a drawing of this kind needs (1 for a horizontal line, else 2).
int anchorCount(DrawingKind kind);

// Retracement levels drawn by a Fibonacci tool, from the second anchor (0) to the first (1).
inline constexpr double kFibLevels[] = {0.0, 0.236, 0.382, 0.5, 0.618, 0.786, 1.0};

struct DrawingAnchor {
    std::int64_t timeMs = 0;  // open time of a bar (extrapolated beyond the data)
    double price = 0;
    bool operator==(const DrawingAnchor&) const = default;
};

struct Drawing {
    std::uint64_t id = 0;
    DrawingKind kind = DrawingKind::TrendLine;
    DrawingAnchor a;
    DrawingAnchor b;  // unused by HorizontalLine
    bool operator==(const Drawing&) const = default;
};

// "kind time price time price" per drawing, one per line; ids are not stored. Prices are written
// with 17 significant digits so a round trip is exact.
std::string serializeDrawings(const std::vector<Drawing>& drawings);
// Lines that do not parse are skipped (a hand-edited settings file must not lose the rest).
std::vector<Drawing> parseDrawings(std::string_view text);

}  // namespace cpc::chart
