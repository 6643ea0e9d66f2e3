#include "cpc/chart/price_scale.hpp"

#include <algorithm>
#include <cmath>

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
    setRange(PriceRange{low, high});
    return !(before == m_range);
}

double PriceScale::priceToY(double price) const {
    const double inner = innerHeight();
    return innerTop() + (m_range.max - price) * (inner / m_range.span());
}

double PriceScale::yToPrice(double y) const {
    const double inner = innerHeight();
    if (inner <= 0.0) return m_range.min;
    return m_range.max - (y - innerTop()) * (m_range.span() / inner);
}

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
    const double dp = dyPx * m_range.span() / inner;
    m_range = PriceRange{m_range.min + dp, m_range.max + dp};
}

double PriceScale::tickStep(double minSpacingPx, double minStep) const {
    if (m_height <= 0.0) return std::max(minStep, 1.0);
    const double visibleSpan = yToPrice(m_top) - yToPrice(bottom());
    const double raw = visibleSpan * std::max(1.0, minSpacingPx) / m_height;
    return niceStep(std::max(raw, minStep > 0.0 ? minStep : raw));
}

std::vector<double> PriceScale::ticks(double minSpacingPx, double minStep) const {
    std::vector<double> out;
    if (m_height <= 0.0) return out;
    const double step = tickStep(minSpacingPx, minStep);
    const double hi = yToPrice(m_top);
    const double lo = yToPrice(bottom());
    const double first = std::ceil(lo / step - 1e-9);
    const double last = std::floor(hi / step + 1e-9);
    if (!std::isfinite(first) || !std::isfinite(last) || last - first > 1000.0) return out;
    for (double k = first; k <= last; k += 1.0) {
        // k · step, not an accumulated sum, so 0.1 + 0.1 + 0.1 never drifts off the grid.
        const double v = k * step;
        out.push_back(v == 0.0 ? 0.0 : v);  // no "-0"
    }
    return out;
}

}  // namespace cpc::chart
