#pragma once
// Plain pixel-space items produced by the views and consumed by the renderers. Coordinates are
// logical px; renderers snap them to device pixels. Nothing here knows the model or Qt.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cpc/chart/chart_layout.hpp"
#include "cpc/chart/drawings.hpp"
#include "cpc/chart/geometry.hpp"
#include "cpc/chart/text_measurer.hpp"

namespace cpc::chart {

// One candle, or (when FrameItems::pixelColumns) one 1-px column aggregating every bar that falls
// in that pixel: highY/lowY are the extremes, openY the first open, closeY the last close.
struct CandleItem {
    float x = 0;  // bar centre
    float openY = 0;
    float highY = 0;  // highY <= lowY: y grows downwards
    float lowY = 0;
    float closeY = 0;
    float bodyWidth = 0;
    bool rising = true;  // close >= open
};

struct VolumeItem {
    float x = 0;     // bar centre
    float topY = 0;  // the bar spans topY … FrameItems::volumeBaseY
    float width = 0;
    bool rising = true;
};

// Which way the series is drawn (mirrors chart::ChartType without depending on the model).
enum class SeriesStyle : unsigned char { Candles, HollowCandles, Bars, Line, Area, Baseline };

struct LinePoint {
    float x = 0;
    float y = 0;
};

// One polyline with a colour (0xRRGGBBAA) and width in logical px; NaN gaps split it into runs.
struct PolylineItem {
    std::vector<LinePoint> points;
    std::uint32_t rgba = 0;
    float width = 1.5F;
    LineDash dash = LineDash::Solid;
};

// Histogram bars growing from baseY (indicator panes).
struct HistogramItem {
    std::vector<VolumeItem> bars;  // `rising` = value ≥ 0
    float baseY = 0;
    std::uint32_t rgba = 0;
    std::uint32_t negativeRgba = 0;  // bars below zero; 0: a darker rgba
};

struct SegmentItem {
    float x1 = 0, y1 = 0, x2 = 0, y2 = 0;
};

enum class TextTone : unsigned char {
    Normal,   // axis labels, legend values
    Strong,   // emphasised time labels (day/month/year), legend title
    Muted,    // legend field names ("O", "H" …)
    Rising,   // values of a rising candle
    Falling,  // values of a falling candle
    Inverse,  // text on a filled tag (last price, crosshair labels)
};

enum class TextAlign : unsigned char { Left, Center, Right };

struct TextItem {
    Rect box;  // the text is drawn inside, vertically centred
    std::string text;
    TextTone tone = TextTone::Normal;
    FontRole font = FontRole::Regular;
    TextAlign align = TextAlign::Center;
    std::uint32_t rgba = 0;  // 0xRRGGBBAA overriding the tone's colour (indicator legend values); 0: tone
};

// A stacked pane (indicators) below the candles.
struct PaneFrame {
    Rect pane;
    Rect axis;
    std::vector<PolylineItem> lines;
    std::vector<HistogramItem> histograms;
    std::vector<CandleItem> candles;  // PaneSeriesKind::Candles (the CVD of trades)
    std::vector<float> grid;
    std::vector<float> levels;     // y of the pane's reference levels (dashed)
    std::vector<TextItem> labels;  // axis labels and the pane's title
};

// A filled box in its own colour (a position's target and stop zones).
struct FillItem {
    Rect box;
    std::uint32_t rgba = 0;  // 0xRRGGBBAA
};

// A user drawing in pixels. Lines are clipped by the renderer to the candle pane.
struct DrawingItem {
    std::vector<SegmentItem> lines;
    std::optional<Rect> fill;        // rectangle tool, ranges, a text's box: the drawing's fill colour
    std::vector<LinePoint> polygon;  // a channel's area, in the drawing's fill colour
    std::vector<FillItem> fills;     // zones with colours of their own
    std::vector<TextItem> labels;    // Fibonacci level labels, prices, the drawing's text
    std::vector<LinePoint> handles;  // anchors, drawn when selected
    bool selected = false;
    std::uint32_t rgba = 0;  // 0xRRGGBBAA; 0: the theme's drawing colour
    float width = 1.5F;
    LineDash dash = LineDash::Solid;
};

// A ChartMarker in pixels: a small flag pointing at (x, y), its label beside it; a late one is
// drawn hollow.
struct MarkerItem {
    float x = 0, y = 0;
    bool late = false;
    TextItem label;  // empty text: no room for it
};

// Visible-range volume profile: one horizontal bar per price row, growing from `edgeX` into the
// candle pane (leftwards when fromRight). Widths are in logical px; upWidth is the part of width
// traded in rising bars (drawn next to the edge), the rest in falling ones.
struct VolumeProfileRowItem {
    float topY = 0;  // topY < bottomY
    float bottomY = 0;
    float width = 0;
    float upWidth = 0;
    bool poc = false;          // point of control: the row with the most volume
    bool inValueArea = false;  // within the value area (70 % of the volume around the POC)
};

struct VolumeProfileItem {
    bool visible = false;  // the toggle is on and there is a profile to draw
    bool fromRight = true;
    float edgeX = 0;   // where the bars start (the pane's right or left edge)
    float pocY = 0;    // centre of the POC row
    std::vector<VolumeProfileRowItem> rows;  // ascending price (descending y)
};

// A filled box with one or more lines of text (price tags, crosshair labels).
struct TagItem {
    Rect box;
    std::vector<TextItem> texts;
};

// A study's last value, or a horizontal line's price, as a tag on the axis of its pane, filled
// with the line's colour (0: the theme's drawing colour).
struct ValueTagItem {
    TagItem tag;
    std::uint32_t rgba = 0;
};

// Order-book heatmap (OrderFlowView): an image of price rows × time columns drawn under the candles.
struct HeatmapLadderRow {
    float topY = 0, bottomY = 0;  // topY < bottomY
    float width = 0;              // grows leftwards from the candle pane's right edge
    bool bid = true;
};

// A horizontal band of the heatmap image: its rows [row0, row1) stretched over [yFirst, yEnd), where
// yFirst is the edge of row0 (the band's highest price), so yFirst > yEnd on an inverted scale. One
// band on a linear or percent scale; a logarithmic one is followed band by band.
struct HeatmapBand {
    int row0 = 0, row1 = 0;
    float yFirst = 0, yEnd = 0;
};

struct HeatmapItem {
    bool visible = false;
    // The image: `rows` price rows (the highest first) × `columns` columns of one logical pixel from
    // x = area.x, premultiplied 0xAARRGGBB. Row r starts at (*pixels)[r · stride + offset]. The
    // pixels are the view's, shared: kept between frames, never changed while a frame holds them.
    Rect area;  // the image's bounds on screen (the bands' union)
    int columns = 0, rows = 0, stride = 0, offset = 0;
    std::shared_ptr<const std::vector<std::uint32_t>> pixels;
    std::vector<HeatmapBand> bands;
    // The colour scale: a vertical bar (legendBar, its colours bottom to top) with its labels
    // (largest size at the top, 0 at the bottom, and the scale's name).
    Rect legendBar;
    std::vector<std::uint32_t> legendColours;
    std::vector<TextItem> legendLabels;
    std::vector<HeatmapLadderRow> ladder;  // the newest sampled book, at the right edge
    float ladderEdgeX = 0;
};

// One price row of a footprint bar: sells on the left half, buys on the right.
struct FootprintCellItem {
    float topY = 0, bottomY = 0;
    float sellShare = 0, buyShare = 0;  // of the bar's largest row, for the cell's shading
    bool buyImbalance = false, sellImbalance = false;
    bool poc = false;
};

struct FootprintBarItem {
    float left = 0, right = 0;  // the cells' span (the candle is drawn thin at the bar's left)
    std::vector<FootprintCellItem> cells;
    std::vector<TextItem> texts;  // "sell" and "buy" per cell when they fit, then the delta below
    bool deltaPositive = true;
};

// A big trade: a circle of radius r around (x, y); a liquidation (ChartModel::bubbles) is drawn
// with a ring inside, so the two read apart when both are shown.
struct BubbleItem {
    float x = 0, y = 0, r = 0;
    bool buy = true;
    bool liquidation = false;
};

// The cached base layer: everything that changes with data or view, not with the mouse.
struct FrameItems {
    ChartLayout layout;
    bool hasData = false;
    bool pixelColumns = false;
    float barSpacing = 0;
    std::vector<CandleItem> candles;
    std::vector<VolumeItem> volumes;
    float volumeBaseY = 0;
    std::vector<float> priceGrid;   // y of horizontal lines in the candle pane
    std::vector<float> volumeGrid;  // y of horizontal lines in the volume pane
    std::vector<float> timeGrid;    // x of vertical lines through both panes
    std::vector<TextItem> priceLabels;
    std::vector<TextItem> volumeLabels;
    std::vector<TextItem> timeLabels;

    SeriesStyle style = SeriesStyle::Candles;
    // Line, Area, Baseline: the close line (zoomed out: first, min, max, last close per column).
    std::vector<LinePoint> line;
    float baselineY = 0;  // Baseline: the reference close; Area: fills down to the pane bottom
    std::vector<PaneFrame> panes;
    std::vector<PolylineItem> overlayLines;  // indicator lines over the candles, NaN y = gap
    std::vector<DrawingItem> drawings;
    std::vector<MarkerItem> markers;  // inside the candle pane only
    VolumeProfileItem volumeProfile;  // filled by VisibleVolumeProfile::build (chart_views.hpp)
    // Last values of studies and prices of horizontal lines on the axes, none covering another
    // on one axis (the last-price tag, drawn on top, may cover one).
    std::vector<ValueTagItem> valueTags;
    // Filled by OrderFlowView::build (order_flow_view.hpp).
    HeatmapItem heatmap;
    std::vector<FootprintBarItem> footprint;
    std::vector<BubbleItem> bubbles;

    // Keeps the vectors' capacity: a frame allocates nothing once the chart has settled.
    void clear();
};

struct PriceTagItem {
    float y = 0;
    bool lineVisible = false;  // the price is inside the candle pane: draw the dotted line
    bool rising = true;        // colour of the newest candle
    TagItem tag;               // on the price axis: price, then the countdown to the close
};

struct CrosshairItem {
    float x = 0;  // snapped to the hovered bar's centre
    float y = 0;  // the cursor
    Rect verticalSpan;    // where the vertical line runs (both panes)
    Rect horizontalSpan;  // the pane under the cursor
    std::optional<TagItem> priceLabel;  // on the axis of the pane under the cursor
    std::optional<TagItem> timeLabel;   // on the time axis
};

// Shift+drag: the box between two points with the price change, bars and time between them.
struct MeasureItem {
    Rect box;
    bool up = true;  // the price rose from the first point to the second
    std::vector<SegmentItem> arrows;  // the vertical and horizontal arrows through the box
    TagItem label;
};

// Redrawn every frame, on top of the base layer.
struct OverlayItems {
    std::optional<MeasureItem> measure;
    std::optional<PriceTagItem> lastPrice;
    std::optional<CrosshairItem> crosshair;
    std::vector<TextItem> legend;
    // Where each overlay's legend row is (its title and values), for a click on it.
    struct LegendRow {
        std::uint64_t overlayId = 0;
        Rect box;
    };
    std::vector<LegendRow> overlayLegendRows;

    void clear();
};

}  // namespace cpc::chart
