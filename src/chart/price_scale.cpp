#include "cpc/chart/price_scale.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cpc::chart {

double niceStep(double raw) {
    if (!(raw > 0.0) || !std::isfinite(raw)) return 1.0;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double m = raw / magnitude;
    // The epsilon keeps an exact 2.0 or 5.0 (after floating-point division) on its own step.
    constexpr double kEps = 1e-9;
    double nice = 10.0;
    if (m <= 1.0 + kEps) nice = 1.0;
    else if (m <= 2.0 + kEps) nice = 2.0;
    else if (m <= 5.0 + kEps) nice = 5.0;
    return nice * magnitude;
}

namespace {
constexpr double kMinLogPrice = 1e-12;
}

std::string_view toString(PriceScaleMode mode) {
    switch (mode) {
    case PriceScaleMode::Logarithmic: return "log";
    case PriceScaleMode::Percent: return "percent";
    case PriceScaleMode::Linear: break;
    }
    return "linear";
}

std::optional<PriceScaleMode> parsePriceScaleMode(std::string_view text) {
    if (text == "linear") return PriceScaleMode::Linear;
    if (text == "log") return PriceScaleMode::Logarithmic;
    if (text == "percent") return PriceScaleMode::Percent;
    return std::nullopt;
}

PriceScale::PriceScale(double top, double height, double marginTop, double marginBottom) {
    setPane(top, height);
    setMargins(marginTop, marginBottom);
}

void PriceScale::setPane(double top, double height) {
    m_top = top;
    m_height = std::max(0.0, height);
}

void PriceScale::setMargins(double top, double bottom) {
    top = std::clamp(top, 0.0, 0.45);
    bottom = std::clamp(bottom, 0.0, 0.45);
    m_marginTop = top;
    m_marginBottom = bottom;
}

void PriceScale::setRange(PriceRange range) {
    if (!std::isfinite(range.min) || !std::isfinite(range.max)) return;
    if (range.max < range.min) std::swap(range.min, range.max);
    if (!range.valid()) {
        const double pad = range.min != 0.0 ? std::fabs(range.min) * 0.005 : 1.0;
        range.min -= pad;
        range.max += pad;
    }
    m_range = range;
}

bool PriceScale::autoscaleTo(double low, double high) {
    if (!m_autoScale) return false;
    const PriceRange before = m_range;
    setRange(PriceRange{toScale(low), toScale(high)});
    return !(before == m_range);
}

void PriceScale::setMode(PriceScaleMode mode) {
    if (mode == m_mode) return;
    const double lo = fromScale(m_range.min);
    const double hi = fromScale(m_range.max);
    m_mode = mode;
    setRange(PriceRange{toScale(lo), toScale(hi)});
}

void PriceScale::setBase(double basePrice) {
    if (!(basePrice > 0.0) || !std::isfinite(basePrice) || basePrice == m_base) return;
    if (m_mode == PriceScaleMode::Percent && !m_autoScale) {
        // Keep the same prices on screen while the reference moves.
        const double lo = fromScale(m_range.min);
        const double hi = fromScale(m_range.max);
        m_base = basePrice;
        setRange(PriceRange{toScale(lo), toScale(hi)});
        return;
    }
    m_base = basePrice;
}

double PriceScale::toScale(double price) const {
    switch (m_mode) {
    case PriceScaleMode::Logarithmic: return std::log10(std::max(price, kMinLogPrice));
    case PriceScaleMode::Percent: return (price / m_base - 1.0) * 100.0;
    case PriceScaleMode::Linear: break;
    }
    return price;
}

double PriceScale::fromScale(double value) const {
    switch (m_mode) {
    case PriceScaleMode::Logarithmic: return std::pow(10.0, value);
    case PriceScaleMode::Percent: return (value / 100.0 + 1.0) * m_base;
    case PriceScaleMode::Linear: break;
    }
    return value;
}

double PriceScale::scaleToY(double value) const {
    const double inner = innerHeight();
    const double fromTop = m_inverted ? value - m_range.min : m_range.max - value;
    return innerTop() + fromTop * (inner / m_range.span());
}

double PriceScale::yToScale(double y) const {
    const double inner = innerHeight();
    if (inner <= 0.0) return m_range.min;
    const double fromTop = (y - innerTop()) * (m_range.span() / inner);
    return m_inverted ? m_range.min + fromTop : m_range.max - fromTop;
}

double PriceScale::priceToY(double price) const { return scaleToY(toScale(price)); }

double PriceScale::yToPrice(double y) const { return fromScale(yToScale(y)); }

void PriceScale::scaleBy(double factor) {
    if (!(factor > 0.0) || !std::isfinite(factor)) return;
    m_autoScale = false;
    const double centre = (m_range.min + m_range.max) / 2;
    const double half = m_range.span() / 2 * factor;
    if (!(half > 0.0) || !std::isfinite(half)) return;
    m_range = PriceRange{centre - half, centre + half};
}

void PriceScale::panBy(double dyPx) {
    const double inner = innerHeight();
    if (inner <= 0.0 || !std::isfinite(dyPx)) return;
    m_autoScale = false;
    // Content follows the mouse: on an inverted axis a downward drag lowers the prices shown.
    const double dp = (m_inverted ? -dyPx : dyPx) * m_range.span() / inner;
    m_range = PriceRange{m_range.min + dp, m_range.max + dp};
}

double PriceScale::tickStep(double minSpacingPx, double minStep) const {
    if (m_height <= 0.0) return std::max(minStep, 1.0);
    const double visibleSpan = std::fabs(yToScale(m_top) - yToScale(bottom()));
    const double raw = visibleSpan * std::max(1.0, minSpacingPx) / m_height;
    return niceStep(std::max(raw, minStep > 0.0 ? minStep : raw));
}

std::vector<double> PriceScale::logTicks(double minSpacingPx, double minStep) const {
    std::vector<double> out;
    const double spacing = std::max(1.0, minSpacingPx);
    const double lo = std::min(yToPrice(bottom()), yToPrice(m_top));
    const double hi = std::max(yToPrice(bottom()), yToPrice(m_top));
    const double up = m_inverted ? 1.0 : -1.0;  // the y direction of higher prices
    if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return out;
    // Walk upwards: at each price the step is the nice number that is at least one label spacing
    // tall there, so labels stay evenly readable while their values grow geometrically.
    double p = std::max(lo, kMinLogPrice);
    double lastY = std::numeric_limits<double>::infinity();
    for (int guard = 0; guard < 1000 && p <= hi; ++guard) {
        const double above = yToPrice(priceToY(p) + up * spacing);
        double step = niceStep(std::max(above - p, kMinLogPrice));
        if (minStep > 0.0) step = std::max(step, minStep);
        double v = std::ceil(p / step - 1e-9) * step;
        if (v > hi) break;
        const double y = priceToY(v);
        if (std::fabs(lastY - y) >= spacing - 1e-6) {
            out.push_back(v);
            lastY = y;
        }
        p = v + step;
    }
    return out;
}

std::vector<double> PriceScale::ticks(double minSpacingPx, double minStep) const {
    std::vector<double> out;
    if (m_height <= 0.0) return out;
    if (m_mode == PriceScaleMode::Logarithmic) return logTicks(minSpacingPx, minStep);
    // Percent: nice percentages (the tick size does not apply to them).
    const bool percent = m_mode == PriceScaleMode::Percent;
    const double step = tickStep(minSpacingPx, percent ? 0.0 : minStep);
    const double hi = std::max(yToScale(m_top), yToScale(bottom()));
    const double lo = std::min(yToScale(m_top), yToScale(bottom()));
    const double first = std::ceil(lo / step - 1e-9);
    const double last = std::floor(hi / step + 1e-9);
    if (!std::isfinite(first) || !std::isfinite(last) || last - first > 1000.0) return out;
    for (double k = first; k <= last; k += 1.0) {
        // k · step, not an accumulated sum, so 0.1 + 0.1 + 0.1 never drifts off the grid.
        const double v = k * step;
        out.push_back(percent ? fromScale(v) : (v == 0.0 ? 0.0 : v));  // no "-0"
    }
    return out;
}

}  // namespace cpc::chart
