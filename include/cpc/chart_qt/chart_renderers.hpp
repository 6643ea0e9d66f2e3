#pragma once
// Renderers: render items → pixels. They know nothing of the model. Bars, grid and crosshair
// lines are drawn in device pixels with antialiasing off, so every line is exactly
// max(1, floor(dpr)) device pixels wide and candle bodies stay symmetric around their wicks;
// text is drawn in logical pixels. Rectangles are batched: one drawRects() per colour.
#include <QColor>
#include <QString>
#include <cstdint>
#include <span>

#include "cpc/chart/render_items.hpp"
#include "cpc/chart_qt/chart_theme.hpp"

class QPainter;

namespace cpc::chart_qt {

// The cached layer: background, grid, borders, volume, candles, axis labels.
void drawBase(QPainter& painter, const chart::FrameItems& frame, const ChartTheme& theme,
              qreal dpr);
// On top of the base: legend, last-price line and tag, crosshair.
void drawOverlay(QPainter& painter, const chart::OverlayItems& overlay,
                 const chart::ChartLayout& layout, const ChartTheme& theme, qreal dpr);
// Centred message over the panes ("No data", "Loading…").
void drawPlaceholder(QPainter& painter, const chart::ChartLayout& layout, const QString& text,
                     const ChartTheme& theme);

void drawCandles(QPainter& painter, std::span<const chart::CandleItem> candles, bool pixelColumns,
                 const chart::Rect& clip, const ChartTheme& theme, qreal dpr,
                 chart::SeriesStyle style = chart::SeriesStyle::Candles);
// Line, area (gradient down to baseY) and baseline (two-coloured around baseY) series.
void drawLineSeries(QPainter& painter, std::span<const chart::LinePoint> points, chart::SeriesStyle style,
                    float baseY, const chart::Rect& clip, const ChartTheme& theme);
// Stacked indicator panes: separators, grid, histograms, lines with NaN gaps, labels.
void drawPanes(QPainter& painter, std::span<const chart::PaneFrame> panes, const chart::ChartLayout& layout,
               const ChartTheme& theme, qreal dpr);
// Lines with NaN gaps (indicator overlays and pane lines), antialiased, clipped to `clip`.
void drawPolylines(QPainter& painter, std::span<const chart::PolylineItem> lines, const chart::Rect& clip);
void drawDrawings(QPainter& painter, std::span<const chart::DrawingItem> drawings, const chart::Rect& clip,
                  const ChartTheme& theme);
// Alert markers: a flag on a short staff whose foot is the point (filled; a late one hollow),
// the label beside the flag.
void drawMarkers(QPainter& painter, std::span<const chart::MarkerItem> markers, const chart::Rect& clip,
                 const ChartTheme& theme);
// 0xRRGGBBAA → QColor.
QColor fromRgba(std::uint32_t rgba);
void drawVolumes(QPainter& painter, std::span<const chart::VolumeItem> volumes, float baseY,
                 const chart::Rect& clip, const ChartTheme& theme, qreal dpr);
// Visible-range volume profile: a translucent bar per price row from the pane edge (rising part
// next to the edge, falling part after it), value-area rows stronger, a line at the POC.
void drawVolumeProfile(QPainter& painter, const chart::VolumeProfileItem& profile, const chart::Rect& clip,
                       const ChartTheme& theme, qreal dpr);
void drawTexts(QPainter& painter, std::span<const chart::TextItem> texts, const ChartTheme& theme);
// Order flow (chart::OrderFlowView): the heatmap image under the candles with its ladder and colour
// legend; the footprint cells (sell | buy shading, imbalances in full colour, POC framed, texts);
// big trades as translucent bubbles.
void drawHeatmap(QPainter& painter, const chart::HeatmapItem& heatmap, const chart::Rect& clip, const ChartTheme& theme);
void drawFootprint(QPainter& painter, std::span<const chart::FootprintBarItem> bars, const chart::Rect& clip,
                   const ChartTheme& theme);
void drawBubbles(QPainter& painter, std::span<const chart::BubbleItem> bubbles, const chart::Rect& clip,
                 const ChartTheme& theme);

}  // namespace cpc::chart_qt
