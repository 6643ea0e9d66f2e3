#pragma once
// What an alert watches, as data: a comparison of two operands (price, a bar field, a number, any
// output of any registered indicator, or a drawing's line), a move of more than X % within N
// minutes, a bar volume above N times its average, or the price entering/leaving a rectangle.
// Every condition has one canonical text (`text()`), which parseCondition() reads back to the same
// condition: the text is what the alert database stores and what `cpc alerts` prints. The GUI makes
// drawing conditions from its drawings' anchors (lineCondition, boxCondition) instead of text.
//
//   auto c = cpc::alerts::parseCondition("close crosses BBANDS(20,2).upperband");
//   if (!c) std::cerr << c.error().message;  // says what is wrong and what is accepted
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cpc/core/result.hpp"

namespace cpc::alerts {

// A bar field. Price is the last traded price: the close of the newest (forming) bar.
enum class Field : std::uint8_t { Price, Open, High, Low, Close, Volume };

// A point of a drawing: a time (UTC epoch ms) and a price.
struct Anchor {
    std::int64_t timeMs = 0;
    double price = 0;
    bool operator==(const Anchor&) const = default;
};

// A drawing's line. Horizontal: `a.price` at every time. Trend: the segment a–b (only between the
// two times). Ray: from a through b and on to the right. Extended: through a and b both ways.
struct LineShape {
    enum class Kind : std::uint8_t { Horizontal, Trend, Ray, Extended };
    Kind kind = Kind::Horizontal;
    Anchor a, b;
    // The line's price at `timeMs`; NaN where the line is not (a segment outside its times, a ray
    // before its start).
    double valueAt(std::int64_t timeMs) const;
    bool operator==(const LineShape&) const = default;
};

struct Operand {
    enum class Kind : std::uint8_t { Number, Field, Indicator, Line };
    Kind kind = Kind::Number;
    double number = 0;
    Field field = Field::Price;
    // Indicator: the canonical spec "RSI(14)" (registry name, every parameter) and the output's
    // name ("upperband"; the only output's name for single-output indicators).
    std::string indicator;
    std::string output;
    LineShape line;
    bool operator==(const Operand&) const = default;
};

enum class Compare : std::uint8_t {
    Above,        // >   (also "above")
    AtOrAbove,    // >=
    Below,        // <   (also "below")
    AtOrBelow,    // <=
    Crosses,      // either way
    CrossesUp,    // from below to at-or-above ("crosses up", "crosses above")
    CrossesDown,  // from at-or-above to below ("crosses down", "crosses below")
};
bool isCrossing(Compare op);

struct Comparison {
    Operand left;
    Compare op = Compare::Above;
    Operand right;
    bool operator==(const Comparison&) const = default;
};

// The price moved more than `percent` % within `windowMs`: Any — the window's range (highest over
// lowest, the current price included); Up — the current price over the window's lowest; Down —
// the window's highest over the current price.
struct PriceChange {
    enum class Direction : std::uint8_t { Any, Up, Down };
    Direction direction = Direction::Any;
    double percent = 0;
    std::int64_t windowMs = 0;
    bool operator==(const PriceChange&) const = default;
};

// The volume of the bar is above `multiple` times the average volume of the `period` closed bars
// before it.
struct VolumeSpike {
    double multiple = 0;
    int period = 0;
    bool operator==(const VolumeSpike&) const = default;
};

// The price leaves (or enters) a rectangle: times [min(a,b), max(a,b)], prices between a's and b's.
struct BoxCross {
    bool leaves = true;  // false: enters
    Anchor a, b;
    bool operator==(const BoxCross&) const = default;
};

struct Condition {
    std::variant<Comparison, PriceChange, VolumeSpike, BoxCross> kind;
    // The canonical text (parseCondition(text()) == *this).
    std::string text() const;
    // Indicator specs the condition reads ("RSI(14)"), canonical, without duplicates.
    std::vector<std::string> indicators() const;
    bool operator==(const Condition&) const = default;
};

// Reads a condition's text (case-insensitive words, spaces free). A refusal says what is wrong
// and lists what is accepted, with examples (acceptedConditionsText()).
Result<Condition> parseCondition(std::string_view text);
// The accepted forms with examples, one per line.
std::string acceptedConditionsText();

// Drawing conditions as the GUI makes them: the price crossing a line (any Compare works; crosses
// is the usual one) and the price leaving or entering a rectangle.
Condition lineCondition(const LineShape& line, Compare op = Compare::Crosses);
Condition boxCondition(Anchor a, Anchor b, bool leaves = true);

}  // namespace cpc::alerts
