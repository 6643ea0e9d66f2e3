#pragma once
// User drawings anchored in (time, price), so they follow zoom, pan and scale changes and survive
// a restart. Plain values; the model owns the list, the views turn it into pixels.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cpc::chart {

enum class DrawingKind : unsigned char {
    HorizontalLine, TrendLine, Ray, Rectangle, Fibonacci, VerticalLine,
    ParallelChannel,  // a trend line a→b and its parallel through (a's time, c.price)
    Text,             // a note at a
    PriceRange,       // the price difference between a and b (and its percentage)
    DateRange,        // the bars and the time between a and b
    LongPosition,     // entry a, target b.price (right edge at b's time), stop c.price
    ShortPosition,    // likewise, target below the entry and stop above
};

inline constexpr DrawingKind kAllDrawingKinds[] = {
    DrawingKind::HorizontalLine, DrawingKind::VerticalLine,    DrawingKind::TrendLine,    DrawingKind::Ray,
    DrawingKind::ParallelChannel, DrawingKind::Rectangle,      DrawingKind::Fibonacci,    DrawingKind::Text,
    DrawingKind::PriceRange,     DrawingKind::DateRange,       DrawingKind::LongPosition, DrawingKind::ShortPosition};

// "hline", "vline", "trend", "ray", "rect", "fib", "channel", "text", "prange", "drange", "long", "short"
std::string_view toString(DrawingKind kind);
std::optional<DrawingKind> parseDrawingKind(std::string_view text);
// Clicks that place a drawing of this kind: 1 for lines across the pane, a text and a position
// (its target and stop start at a default distance), else 2.
int anchorCount(DrawingKind kind);
// Handles a placed drawing of this kind has to drag: 1 (a horizontal or vertical line's moves
// the line, a text's the note), 3 for a channel (its parallel) and a position (target, stop),
// else 2.
int handleCount(DrawingKind kind);
// Whether the kind uses Drawing::c (a channel's parallel, a position's stop).
bool usesThirdAnchor(DrawingKind kind);

// Retracement levels drawn by a Fibonacci tool, from the second anchor (0) to the first (1).
inline constexpr double kFibLevels[] = {0.0, 0.236, 0.382, 0.5, 0.618, 0.786, 1.0};

struct DrawingAnchor {
    std::int64_t timeMs = 0;  // open time of a bar (extrapolated beyond the data)
    double price = 0;
    bool operator==(const DrawingAnchor&) const = default;
};

enum class LineDash : unsigned char { Solid, Dashed, Dotted };
std::string_view toString(LineDash dash);  // "solid", "dashed", "dotted"
std::optional<LineDash> parseLineDash(std::string_view text);

// Whether "extend left / right" means something for this kind: trend lines and rays (a ray
// always runs on to the right), and a Fibonacci's level lines (they always run to the right).
bool supportsExtend(DrawingKind kind);

inline constexpr double kDefaultDrawingWidth = 1.5;

struct Drawing {
    std::uint64_t id = 0;
    DrawingKind kind = DrawingKind::TrendLine;
    DrawingAnchor a;
    DrawingAnchor b;  // unused by HorizontalLine, VerticalLine and Text
    DrawingAnchor c{};  // see usesThirdAnchor(); only c.price is used
    // ---- properties (the object properties dialog) -------------------------------------------
    std::uint32_t rgba = 0;  // 0xRRGGBBAA; 0: the theme's drawing colour
    double width = kDefaultDrawingWidth;  // logical px, 0.5 … 10
    LineDash dash = LineDash::Solid;
    bool extendLeft = false;   // see supportsExtend()
    bool extendRight = false;
    std::string text{};        // shown at the first anchor; one line
    bool locked = false;       // cannot be moved or reshaped with the mouse
    bool hidden = false;       // not drawn and not hit; listed in the object tree
    bool operator==(const Drawing&) const = default;
};

// A point where something happened on the chart (an alert fired): a time (UTC epoch ms, inside
// its bar), a price, a short label, and whether it was seen only after the fact (a late alert).
struct ChartMarker {
    std::int64_t timeMs = 0;
    double price = 0;
    std::string label;
    bool late = false;
    bool operator==(const ChartMarker&) const = default;
};

// A value that happened at a price (a perpetual's liquidation): a circle whose area grows with
// `value` (the largest of the list is the biggest circle), in the rising colour when `buy` (a
// short was liquidated: the liquidation bought) else the falling one.
struct ChartBubble {
    std::int64_t timeMs = 0;
    double price = 0;
    double value = 0;  // quote currency
    bool buy = false;
    bool operator==(const ChartBubble&) const = default;
};

// "kind time price time price" per drawing, one per line; ids are not stored. Prices are written
// with 17 significant digits so a round trip is exact. Properties that differ from the defaults
// follow as "key=value" fields (color=#rrggbbaa width=2 dash=dashed extend=left,right locked
// hidden), and the text last, as "text=" and the rest of the line; a plain drawing is written as
// before properties existed, and older lines read with default properties. A channel's and a
// position's third anchor is the field "c=TIME:PRICE".
std::string serializeDrawings(const std::vector<Drawing>& drawings);
// Lines that do not parse are skipped (a hand-edited settings file must not lose the rest).
std::vector<Drawing> parseDrawings(std::string_view text);

}  // namespace cpc::chart
