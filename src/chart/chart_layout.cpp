#include "cpc/chart/chart_layout.hpp"

#include <algorithm>
#include <cmath>

namespace cpc::chart {

ChartLayout computeLayout(double width, double height, double priceLabelWidth,
                          const TextMeasurer& measurer, const LayoutMetrics& metrics,
                          bool showVolume, std::size_t extraPanes, std::span<const double> extraFractions) {
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

    double volumeH = 0.0;
    std::vector<double> extraH(extraPanes, 0.0);  // each extra pane
    const bool roomy = plotH >= metrics.minPlotHeightForVolume;
    if (roomy && showVolume) volumeH = std::round(plotH * metrics.volumeFraction);
    if (roomy && extraPanes > 0) {
        const double budget =
            std::max(0.0, plotH * (1.0 - metrics.minCandleFraction) - volumeH);
        const double standard =
            std::min(plotH * metrics.extraPaneFraction, budget / static_cast<double>(extraPanes));
        double asked = 0.0;
        for (std::size_t i = 0; i < extraPanes; ++i) {
            const double f = i < extraFractions.size() ? extraFractions[i] : 0.0;
            extraH[i] = f > 0.0 ? std::max(metrics.minPaneHeight, plotH * f) : standard;
            asked += extraH[i];
        }
        const double shrink = asked > budget && asked > 0.0 ? budget / asked : 1.0;
        bool readable = true;
        for (double& h : extraH) {
            h = std::floor(h * shrink);
            readable = readable && h >= metrics.minPaneHeight;
        }
        if (!readable) std::fill(extraH.begin(), extraH.end(), 0.0);
    }
    const std::size_t shownExtra = !extraH.empty() && extraH.front() > 0.0 ? extraPanes : 0;
    double extraTotal = 0.0;
    for (std::size_t i = 0; i < shownExtra; ++i) extraTotal += extraH[i] + metrics.separator;
    const double candleH = plotH - extraTotal - (volumeH > 0 ? volumeH + metrics.separator : 0.0);
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
        l.extraPanes.push_back(Rect{0, y, plotW, extraH[i]});
        l.extraAxes.push_back(Rect{plotW, y, axisW, extraH[i]});
        y += extraH[i];
    }
    l.timeAxis = Rect{0, plotH, plotW, timeH};
    l.corner = Rect{plotW, plotH, axisW, timeH};
    return l;
}

}  // namespace cpc::chart
