#include "cpc/chart/time_scale.hpp"

#include <algorithm>
#include <cmath>

namespace cpc::chart {

TimeScale::TimeScale(double width, double barSpacing, double rightOffset)
    : m_width(std::max(0.0, width)),
      m_barSpacing(std::clamp(barSpacing, kMinBarSpacing, kMaxBarSpacing)),
      m_rightOffset(rightOffset) {
    clampRightOffset();
}

void TimeScale::setWidth(double width) {
    m_width = std::max(0.0, width);
    clampRightOffset();
}

void TimeScale::setBarCount(std::size_t count) {
    m_barCount = count;
    clampRightOffset();
}

void TimeScale::appendBars(std::size_t added) {
    if (added == 0) return;
    const bool follow = isAtLiveEdge();
    m_barCount += added;
    if (!follow) m_rightOffset -= static_cast<double>(added);
    clampRightOffset();
}

void TimeScale::setBarSpacing(double spacing) {
    if (!std::isfinite(spacing)) return;
    m_barSpacing = std::clamp(spacing, kMinBarSpacing, kMaxBarSpacing);
    clampRightOffset();
}

void TimeScale::setRightOffset(double offset) {
    if (!std::isfinite(offset)) return;
    m_rightOffset = offset;
    clampRightOffset();
}

double TimeScale::indexToX(double index) const {
    return m_width - (lastIndex() + m_rightOffset - index + 0.5) * m_barSpacing;
}

double TimeScale::xToFloatIndex(double x) const {
    return lastIndex() + m_rightOffset + 0.5 - (m_width - x) / m_barSpacing;
}

std::int64_t TimeScale::xToIndex(double x) const {
    // Bar i owns [centre − spacing/2, centre + spacing/2); a tiny epsilon absorbs the rounding of
    // indexToX so that xToIndex(indexToX(i)) == i exactly.
    return static_cast<std::int64_t>(std::floor(xToFloatIndex(x) + 0.5 + 1e-9));
}

void TimeScale::zoom(double anchorX, double factor) {
    if (!(factor > 0.0) || !std::isfinite(factor) || !std::isfinite(anchorX)) return;
    const double anchorIndex = xToFloatIndex(anchorX);
    m_barSpacing = std::clamp(m_barSpacing * factor, kMinBarSpacing, kMaxBarSpacing);
    // Solve xToFloatIndex(anchorX) == anchorIndex for the new rightOffset.
    m_rightOffset = anchorIndex - lastIndex() - 0.5 + (m_width - anchorX) / m_barSpacing;
    clampRightOffset();
}

void TimeScale::scrollBy(double dxPx) {
    if (!std::isfinite(dxPx)) return;
    m_rightOffset -= dxPx / m_barSpacing;
    clampRightOffset();
}

void TimeScale::scrollToLiveEdge() {
    m_rightOffset = kDefaultRightOffset;
    clampRightOffset();
}

void TimeScale::scrollToFirstBar() {
    // Put bar 0 a few bars in from the left edge.
    const double first = kDefaultRightOffset;
    m_rightOffset = m_width / m_barSpacing - first - 0.5 - lastIndex();
    clampRightOffset();
}

void TimeScale::reset() {
    m_barSpacing = kDefaultBarSpacing;
    m_rightOffset = kDefaultRightOffset;
    clampRightOffset();
}

bool TimeScale::isAtLiveEdge() const { return m_barCount == 0 || m_rightOffset >= -0.5; }

IndexRange TimeScale::visibleRange() const {
    if (m_barCount == 0 || m_width <= 0.0) return {};
    const double left = xToFloatIndex(0.0);
    const double right = xToFloatIndex(m_width);
    // A bar i covers [i − 0.5, i + 0.5) in float-index space.
    const auto first = static_cast<std::int64_t>(std::floor(left + 0.5));
    const auto last = static_cast<std::int64_t>(std::ceil(right - 0.5));
    IndexRange r;
    r.first = std::max<std::int64_t>(0, first);
    r.last = std::min<std::int64_t>(static_cast<std::int64_t>(m_barCount) - 1, last);
    return r;
}

void TimeScale::clampRightOffset() {
    if (!std::isfinite(m_rightOffset)) m_rightOffset = kDefaultRightOffset;
    if (m_barCount == 0 || m_width <= 0.0) return;
    // Newest bar no further left than kMinVisibleBars from the left edge.
    const double maxOffset = m_width / m_barSpacing - kMinVisibleBars;
    // Oldest bar no further right than kMinVisibleBars from the right edge.
    const double minOffset = kMinVisibleBars - 1.0 - lastIndex();
    if (minOffset > maxOffset) {
        m_rightOffset = maxOffset;
        return;
    }
    m_rightOffset = std::clamp(m_rightOffset, minOffset, maxOffset);
}

}  // namespace cpc::chart
