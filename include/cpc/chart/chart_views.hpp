#pragma once
// Views: model + series → plain render items in logical pixels, for the visible range only
// (lightweight-charts' pane views). The base layer changes with data and view; the overlay with
// the mouse and the clock. Both fill caller-owned item lists so steady-state frames reuse memory.
#include "cpc/chart/chart_model.hpp"
#include "cpc/chart/render_items.hpp"

namespace cpc::chart {

struct ViewMetrics {
    // Below this bar spacing, bars are merged into one min/max column per pixel.
    static constexpr double kPixelColumnThreshold = 1.0;
    static constexpr double kLegendMargin = 8.0;
    static constexpr double kLabelPaddingX = 8.0;
    static constexpr double kTagPaddingY = 3.0;
    // Horizontal price grid/labels at least this many line heights apart.
    static constexpr double kPriceTickSpacingLines = 3.2;
    // Clearance between two time-axis labels, in line heights.
    static constexpr double kTimeLabelGapLines = 1.4;
};

// Body width in logical px for a bar spacing (lightweight-charts' optimal candlestick width:
// about 80% of the spacing, leaving a gap that grows slower than the bars when zooming in).
double candleBodyWidth(double barSpacing);

void buildFrame(const ChartModel& model, FrameItems& out);
void buildOverlay(const ChartModel& model, OverlayItems& out);

}  // namespace cpc::chart
