#include "cpc/chart/chart_layout.hpp"

#include <algorithm>
#include <cmath>

namespace cpc::chart {

ChartLayout computeLayout(double width, double height, double priceLabelWidth,
                          const TextMeasurer& measurer, const LayoutMetrics& metrics,
                          bool showVolume, std::size_t extraPanes) {
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
    double extraH = 0.0;  // each extra pane
    const bool roomy = plotH >= metrics.minPlotHeightForVolume;
    if (roomy && showVolume) volumeH = std::round(plotH * metrics.volumeFraction);
    if (roomy && extraPanes > 0) {
        const double budget =
            std::max(0.0, plotH * (1.0 - metrics.minCandleFraction) - volumeH);
        extraH = std::floor(std::min(plotH * metrics.extraPaneFraction,
                                     budget / static_cast<double>(extraPanes)));
        if (extraH < 24.0) extraH = 0.0;  // too small to read: leave them out
    }
    const std::size_t shownExtra = extraH > 0.0 ? extraPanes : 0;
    const double extraTotal = static_cast<double>(shownExtra) * (extraH + metrics.separator);
    candleH = plotH - extraTotal - (volumeH > 0 ? volumeH + metrics.separator : 0.0);
    l.candlePane = Rect{0, 0, plotW, candleH};
    l.priceAxis = Rect{plotW, 0, axisW, candleH};
    const double volumeBottom = plotH - extraTotal;
    if (volumeH > 0) {
        l.separatorY = candleH;
        l.volumePane = Rect{0, volumeBottom - volumeH, plotW, volumeH};
        l.volumeAxis = Rect{plotW, volumeBottom - volumeH, axisW, volumeH};
    } else {
        l.volumePane = Rect{0, volumeBottom, plotW, 0};
        l.volumeAxis = Rect{plotW, volumeBottom, axisW, 0};
    }
    double y = volumeBottom;
    for (std::size_t i = 0; i < shownExtra; ++i) {
        l.extraSeparatorsY.push_back(y);
        y += metrics.separator;
        l.extraPanes.push_back(Rect{0, y, plotW, extraH});
        l.extraAxes.push_back(Rect{plotW, y, axisW, extraH});
        y += extraH;
    }
    l.timeAxis = Rect{0, plotH, plotW, timeH};
    l.corner = Rect{plotW, plotH, axisW, timeH};
    return l;
}

}  // namespace cpc::chart
