#pragma once
// The horizontal scale, after lightweight-charts' time-scale.ts: defined by barSpacing (logical px
// per bar) and rightOffset (bars between the last bar and the right edge), not by a time range.
// Zoom and scroll only change those two numbers, so appending a bar at the live edge moves the
// view by itself and prepending history moves nothing.
//
// Bar i's centre is at  x = width − (lastIndex + rightOffset − i + 0.5) · barSpacing,
// measured from the left edge of the pane (0 … width).
#include <cstddef>
#include <cstdint>

namespace cpc::chart {

struct IndexRange {
    std::int64_t first = 0;
    std::int64_t last = -1;  // inclusive
    bool empty() const { return last < first; }
    std::int64_t count() const { return empty() ? 0 : last - first + 1; }
    bool contains(std::int64_t i) const { return i >= first && i <= last; }
};

class TimeScale {
public:
    // Zoomed all the way out, 3 million bars fit on a 1500 px pane: the min/max pyramid makes
    // such a frame cost the pane's width in pixels, so there is no reason to stop earlier.
    static constexpr double kMinBarSpacing = 0.0005;
    static constexpr double kMaxBarSpacing = 120.0;  // wide enough for footprint cells
    static constexpr double kDefaultBarSpacing = 8.0;
    static constexpr double kDefaultRightOffset = 4.0;
    // However far the user scrolls, this many bars stay on screen at either end.
    static constexpr double kMinVisibleBars = 2.0;

    TimeScale() = default;
    TimeScale(double width, double barSpacing, double rightOffset = 0.0);

    double width() const { return m_width; }
    void setWidth(double width);

    std::size_t barCount() const { return m_barCount; }
    // Sets the number of bars without moving the view relative to the last bar (use for prepends,
    // for replacing the data, and for updates of the newest bar).
    void setBarCount(std::size_t count);
    // Bars were added to the right. The view follows them only if the user is at the live edge;
    // otherwise rightOffset shrinks by `added` so the same bars stay under the user's eyes.
    void appendBars(std::size_t added);

    double barSpacing() const { return m_barSpacing; }
    void setBarSpacing(double spacing);
    double rightOffset() const { return m_rightOffset; }
    void setRightOffset(double offset);

    double indexToX(double index) const;
    // Fractional bar index at x: i − 0.5 … i + 0.5 is bar i.
    double xToFloatIndex(double x) const;
    // Bar whose slot contains x; can be < 0 or ≥ barCount() (empty space left/right of the data).
    std::int64_t xToIndex(double x) const;

    // Multiplies barSpacing by factor (> 1 zooms in), keeping the bar position under anchorX fixed.
    void zoom(double anchorX, double factor);
    // Moves the content by dxPx (positive: drag to the right, towards older bars).
    void scrollBy(double dxPx);
    void scrollToLiveEdge();
    void scrollToFirstBar();
    // Default zoom at the live edge.
    void reset();

    // True when the newest bar is on screen (or the view is past it, in the empty future).
    bool isAtLiveEdge() const;
    // Bars at least partly inside [0, width), clipped to the data.
    IndexRange visibleRange() const;

private:
    double lastIndex() const { return static_cast<double>(m_barCount) - 1.0; }
    void clampRightOffset();

    double m_width = 0.0;
    double m_barSpacing = kDefaultBarSpacing;
    double m_rightOffset = kDefaultRightOffset;
    std::size_t m_barCount = 0;
};

}  // namespace cpc::chart
