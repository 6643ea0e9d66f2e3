#pragma once
// Rectangles of the chart's parts, in logical px, from the viewport size and text metrics:
//
//   ┌──────────────── candle pane ───────────────┬ price axis ┐
//   ├──────────────── separator (1 px) ──────────┼────────────┤
//   │                 volume pane (~20%)         │ volume axis│
//   ├──────────────── extra panes (indicators) ──┼ their axes ┤
//   ├──────────────── time axis ─────────────────┼── corner ──┘
#include <cstddef>
#include <span>
#include <vector>

#include "cpc/chart/geometry.hpp"
#include "cpc/chart/text_measurer.hpp"

namespace cpc::chart {

struct LayoutMetrics {
    double axisPaddingX = 8.0;       // left and right of price-axis text
    double timeAxisPaddingY = 7.0;   // above and below time-axis text
    double minPriceAxisWidth = 48.0;
    double volumeFraction = 0.2;     // of the plot height
    double minPlotHeightForVolume = 120.0;
    double separator = 1.0;          // between the candle and the volume pane
    double extraPaneFraction = 0.18; // of the plot height, per extra pane
    double minCandleFraction = 0.4;  // extra panes shrink before the candles go below this
    double minPaneHeight = 24.0;     // an extra pane smaller than this is unreadable: left out
};

struct ChartLayout {
    Rect viewport;
    Rect candlePane;
    Rect volumePane;  // empty when the viewport is too small for two panes
    Rect priceAxis;   // right of the candle pane
    Rect volumeAxis;  // right of the volume pane
    Rect timeAxis;    // below the panes
    Rect corner;      // below the price axis, right of the time axis
    double separatorY = 0.0;  // top of the separator line (valid when hasVolumePane())
    std::vector<Rect> extraPanes;  // stacked below the volume pane, top to bottom
    std::vector<Rect> extraAxes;
    std::vector<double> extraSeparatorsY;  // top of the separator above each extra pane

    bool hasVolumePane() const { return !volumePane.empty(); }
    // Candle and volume panes together: the x range of the time scale, and the crosshair's area.
    Rect plotArea() const {
        return Rect{candlePane.x, candlePane.y, candlePane.width, timeAxis.y - candlePane.y};
    }
    bool operator==(const ChartLayout&) const = default;
};

// priceLabelWidth: the widest text the price axis must show (prices, volumes, countdown).
// extraFractions: the height the user gave each extra pane (dragging its separator), as a share
// of the plot height; 0 or missing = the default (metrics.extraPaneFraction). When the panes ask
// for more than leaves the candles metrics.minCandleFraction, they shrink in proportion.
ChartLayout computeLayout(double width, double height, double priceLabelWidth,
                          const TextMeasurer& measurer, const LayoutMetrics& metrics = {},
                          bool showVolume = true, std::size_t extraPanes = 0,
                          std::span<const double> extraFractions = {});

}  // namespace cpc::chart
