#include "cpc/chart/chart_layout.hpp"

#include <algorithm>
#include <cmath>

namespace cpc::chart {

ChartLayout computeLayout(double width, double height, double priceLabelWidth,
                          const TextMeasurer& measurer, const LayoutMetrics& metrics) {
    ChartLayout l;
    width = std::max(0.0, width);
    height = std::max(0.0, height);
    l.viewport = Rect{0, 0, width, height};

    // Whole pixels: panes and axes then meet on pixel boundaries and the separators stay crisp.
    const double axisW = std::min(
        width, std::ceil(std::max(metrics.minPriceAxisWidth,
                                  priceLabelWidth + 2 * metrics.axisPaddingX)));
    const double timeH =
        std::min(height, std::ceil(measurer.lineHeight() + 2 * metrics.timeAxisPaddingY));
    const double plotW = width - axisW;
    const double plotH = height - timeH;

    double candleH = plotH;
    double volumeH = 0.0;
    if (plotH >= metrics.minPlotHeightForVolume) {
        volumeH = std::round(plotH * metrics.volumeFraction);
        candleH = plotH - volumeH - metrics.separator;
    }
    l.candlePane = Rect{0, 0, plotW, candleH};
    l.priceAxis = Rect{plotW, 0, axisW, candleH};
    if (volumeH > 0) {
        l.separatorY = candleH;
        l.volumePane = Rect{0, plotH - volumeH, plotW, volumeH};
        l.volumeAxis = Rect{plotW, plotH - volumeH, axisW, volumeH};
    } else {
        l.volumePane = Rect{0, plotH, plotW, 0};
        l.volumeAxis = Rect{plotW, plotH, axisW, 0};
    }
    l.timeAxis = Rect{0, plotH, plotW, timeH};
    l.corner = Rect{plotW, plotH, axisW, timeH};
    return l;
}

}  // namespace cpc::chart
