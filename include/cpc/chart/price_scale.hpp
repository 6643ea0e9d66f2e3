#pragma once
// A vertical scale: maps prices (or volumes) to y for one pane. Margins are fractions of the pane
// height kept free above the highest and below the lowest autoscaled value, so wicks never touch
// the pane edges. While the user drags the scale by hand, autoscale is off and the range stays put.
//
// Modes (lightweight-charts' PriceScaleMode): the range and the y mapping live in "scale units":
//   Linear       the price itself;
//   Logarithmic  log10(price), so equal ratios are equal distances (non-positive prices are
//                clamped to a tiny positive value rather than producing NaN);
//   Percent      (price / base − 1) · 100, base = the first visible bar's close.
// priceToY/yToPrice always take and return prices, so callers never see scale units.
// Inverted (any mode): the axis is flipped, higher prices lower in the pane (TradingView's
// "Invert scale", for reading a pair the other way round); the range is unchanged.
#include <optional>
#include <string_view>
#include <vector>

namespace cpc::chart {

struct PriceRange {
    double min = 0.0;
    double max = 0.0;
    bool valid() const { return max > min; }
    double span() const { return max - min; }
    bool operator==(const PriceRange&) const = default;
};

// Smallest "nice" number (1, 2 or 5 × 10^n) that is ≥ raw. raw must be > 0.
double niceStep(double raw);

enum class PriceScaleMode : unsigned char { Linear, Logarithmic, Percent };

std::string_view toString(PriceScaleMode mode);  // "linear", "log", "percent"
std::optional<PriceScaleMode> parsePriceScaleMode(std::string_view text);

class PriceScale {
public:
    PriceScale() = default;
    PriceScale(double top, double height, double marginTop, double marginBottom);

    void setPane(double top, double height);
    double top() const { return m_top; }
    double height() const { return m_height; }
    double bottom() const { return m_top + m_height; }

    void setMargins(double top, double bottom);
    double marginTop() const { return m_marginTop; }
    double marginBottom() const { return m_marginBottom; }

    // The price range mapped to the pane between the margins.
    void setRange(PriceRange range);
    PriceRange range() const { return m_range; }

    bool autoScale() const { return m_autoScale; }
    void setAutoScale(bool on) { m_autoScale = on; }
    // When autoscale is on: fit [low, high] between the margins. A flat range (low == high) gets
    // room around it so the line sits in the middle. Returns true if the range changed.
    bool autoscaleTo(double low, double high);

    // Changing the mode converts the range, so the view does not jump (autoscale re-fits it anyway).
    void setMode(PriceScaleMode mode);
    PriceScaleMode mode() const { return m_mode; }
    // Reference price of the Percent mode (ignored when not positive and finite).
    void setBase(double basePrice);
    double base() const { return m_base; }
    // Flips the y axis (see above); drags and pans keep following the mouse.
    void setInverted(bool inverted) { m_inverted = inverted; }
    bool inverted() const { return m_inverted; }
    double toScale(double price) const;
    double fromScale(double value) const;

    double priceToY(double price) const;
    double yToPrice(double y) const;

    // Manual scaling (turns autoscale off): factor > 1 shows a wider price range around the centre.
    void scaleBy(double factor);
    // Manual vertical pan by dyPx (positive: content moves down), turns autoscale off.
    void panBy(double dyPx);

    // Prices to label, ascending, at least minSpacingPx apart, covering the whole pane including
    // its margins. Linear: multiples of a nice step no finer than minStep (the symbol's tick
    // size). Percent: prices at nice percentages. Logarithmic: nice prices (1, 2, 5 × 10^n
    // locally) whose spacing grows with the price, rounded to minStep.
    std::vector<double> ticks(double minSpacingPx, double minStep = 0.0) const;
    // The step ticks() would use.
    double tickStep(double minSpacingPx, double minStep = 0.0) const;

private:
    double innerTop() const { return m_top + m_height * m_marginTop; }
    double scaleToY(double value) const;
    double yToScale(double y) const;
    std::vector<double> logTicks(double minSpacingPx, double minStep) const;
    double innerHeight() const { return m_height * (1.0 - m_marginTop - m_marginBottom); }

    double m_top = 0.0;
    double m_height = 0.0;
    double m_marginTop = 0.1;
    double m_marginBottom = 0.1;
    PriceRange m_range{0.0, 1.0};
    bool m_autoScale = true;
    PriceScaleMode m_mode = PriceScaleMode::Linear;
    double m_base = 1.0;
    bool m_inverted = false;
};

}  // namespace cpc::chart
