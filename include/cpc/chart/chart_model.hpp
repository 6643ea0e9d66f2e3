#pragma once
// State of one candlestick chart: which series it shows, the time and price scales, the layout,
// the crosshair, and what is stale. The model never paints: every change merges an Invalidation
// level and calls the handler, and the widget paints once per frame (see chart_views.hpp for the
// model → render-item step). GUI thread only.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cpc/chart/chart_layout.hpp"
#include "cpc/chart/drawings.hpp"
#include "cpc/chart/format.hpp"
#include "cpc/chart/minmax_pyramid.hpp"
#include "cpc/chart/geometry.hpp"
#include "cpc/chart/invalidation.hpp"
#include "cpc/chart/price_scale.hpp"
#include "cpc/chart/text_measurer.hpp"
#include "cpc/chart/time_scale.hpp"
#include "cpc/core/candle.hpp"
#include "cpc/core/interval.hpp"

namespace cpc::market {
class CandleSeries;
}

namespace cpc::chart {

enum class ChartRegion : unsigned char {
    None, CandlePane, VolumePane, PriceAxis, VolumeAxis, TimeAxis, ExtraPane, ExtraAxis
};

enum class ChartType : unsigned char {
    Candles, HollowCandles, HeikinAshi, Bars, Line, Area, Baseline,
    // Candles drawn thin at each bar's left with its footprint (volume per price row by aggressor,
    // OrderFlowView) beside them.
    Footprint
};
inline constexpr ChartType kAllChartTypes[] = {ChartType::Candles,   ChartType::HollowCandles,
                                               ChartType::HeikinAshi, ChartType::Bars,
                                               ChartType::Line,      ChartType::Area,
                                               ChartType::Baseline,   ChartType::Footprint};
// "candles", "hollow", "heikin-ashi", "bars", "line", "area", "baseline", "footprint"
std::string_view toString(ChartType type);
std::optional<ChartType> parseChartType(std::string_view text);
std::string acceptedChartTypesText();  // "candles hollow heikin-ashi bars line area baseline footprint"

// One OHLC bar as doubles (Heikin-Ashi values, or a candle converted once).
struct OhlcBar {
    double open = 0;
    double high = 0;
    double low = 0;
    double close = 0;
};

// A series of an extra pane (indicators): one value per candle index, NaN = no value (gap).
// Values past the newest candle (index >= candle count) are plotted in the future slots to its
// right, at the time axis' bar spacing (displaced outputs such as Ichimoku's senkou spans).
// Candles: one candle per index, `values` its close and open/high/low beside it (the CVD of
// trades: each bar's running delta as a candle); NaN close = no candle there.
enum class PaneSeriesKind : unsigned char { Line, Histogram, Candles };
struct PaneSeries {
    std::string name;
    PaneSeriesKind kind = PaneSeriesKind::Line;
    std::uint32_t rgba = 0x2962ffffU;  // 0xRRGGBBAA
    std::vector<double> values;        // index-aligned with the candles, may run past the newest
    double width = 1.5;                // lines: logical px
    LineDash dash = LineDash::Solid;   // lines
    // Histograms: the colour of the bars below zero (MACD's two-colour histogram); 0: rgba.
    std::uint32_t negativeRgba = 0;
    // Candles: index-aligned with values (the closes); drawn in the theme's rising/falling colours.
    std::vector<double> open = {}, high = {}, low = {};
};

// A stacked pane below the candles sharing the time axis, with its own price scale.
struct Pane {
    std::uint64_t id = 0;
    std::string title;
    std::vector<PaneSeries> series;
    PriceScale scale;
    // Horizontal reference levels drawn dashed across the pane (RSI 30 / 70, stochastic 20 / 80).
    std::vector<double> levels;
    // An oscillator's fixed range (RSI 0–100): the scale shows it whatever the visible values;
    // nullopt: the scale fits the visible values and the levels.
    struct Range {
        double low = 0;
        double high = 0;
        bool operator==(const Range&) const = default;
    };
    std::optional<Range> fixedRange;
    // The pane's height as a share of the plot height, set by dragging its separator; 0: default.
    double heightFraction = 0.0;
};

// Lines drawn over the candles on the price scale (moving averages, bands): one value per candle
// index, NaN = gap. `title` heads the overlay's legend row ("SMA 20").
struct Overlay {
    std::uint64_t id = 0;
    std::string title;
    std::vector<PaneSeries> series;
    // A study that is not a price (OBV, RSI…) drawn over the candles: it gets its own scale,
    // fitted to its visible values over the candle pane, and leaves the price axis alone.
    bool ownScale = false;
    PriceScale scale;  // used when ownScale
    // Another symbol compared with the chart's (Compare…): its values are that symbol's prices,
    // drawn rebased onto the chart's price at the first visible bar — multiplied by rebaseFactor
    // (the chart's first visible close / the overlay's first finite value from there, set by
    // autoscale), so on the percent scale both lines show their change since that bar. The legend
    // shows the symbol's own price.
    bool rebase = false;
    double rebaseFactor = 1.0;
    double drawn(double value) const { return rebase ? value * rebaseFactor : value; }
};

// Offset of the display time zone from UTC at a UTC instant, in ms (DST-aware when the
// injected function is). Qt-free: the Qt side injects one built on QTimeZone.
using TimeZoneOffset = std::function<std::int64_t(std::int64_t utcMs)>;

class ChartModel {
public:
    using InvalidateHandler = std::function<void(Invalidation pending)>;
    using Clock = std::function<std::int64_t()>;  // epoch ms

    ChartModel();

    // Called with the merged pending level after every invalidation (the widget calls update()).
    void setInvalidateHandler(InvalidateHandler handler) { m_onInvalidate = std::move(handler); }
    // Not owned; must outlive the model or be reset. nullptr: a fixed-pitch approximation.
    void setTextMeasurer(const TextMeasurer* measurer);
    const TextMeasurer& textMeasurer() const;
    // For the countdown to the candle close; defaults to the system clock.
    void setClock(Clock clock);
    std::int64_t now() const { return m_clock(); }

    // ---- data ----------------------------------------------------------------------------
    // Shows `series` (not owned; GUI thread only; nullptr clears) and resets the view to the
    // live edge with default zoom and autoscale.
    // tickSize: the symbol's price step (exchangeInfo PRICE_FILTER); when > 0 it sets the label
    // decimals, the price axis ticks on its multiples and the crosshair price snaps to it.
    // 0: unknown, a step of 10^-priceDecimals.
    void setSeries(const market::CandleSeries* series, Interval interval, int priceDecimals,
                   double tickSize = 0.0);
    // The series changed (compares its revision): appended bars shift the view only when the
    // user is at the live edge; prepended history never moves it. Light invalidation.
    void seriesChanged();
    const market::CandleSeries* series() const { return m_series; }
    // The shown series' candles (empty without one); hot paths use the view's field accessors.
    market::CandleView candles() const;
    bool hasData() const { return !candles().empty(); }
    Interval interval() const { return m_interval; }
    int priceDecimals() const { return m_priceDecimals; }
    // Changes the price precision of the shown series (the symbol list arrived after it opened)
    // without touching the view.
    void setPricePrecision(int priceDecimals, double tickSize);
    double tickSize() const;
    // `price` rounded to the nearest multiple of tickSize().
    double roundToTick(double price) const;
    // Decimals needed to write multiples of `tick` exactly (0.05 → 2, 0.5 → 1, 10 → 0), at most 10.
    static int decimalsOfTick(double tick);
    // "BTCUSDT · 1m · Binance"; empty without a series.
    std::string title() const;
    // Shown after symbol and interval in the legend instead of the series' exchange name (e.g.
    // "Simulator" in demo mode, so simulated data is never labelled as the venue's). Empty: the
    // exchange name.
    void setVenueLabel(std::string label);
    // The words and the decimal separator of the chart's texts (axes, legend, crosshair) in the
    // interface language; English until the GUI sets its own (chart_qt::chartTextLocale).
    void setTextLocale(TextLocale locale);
    const TextLocale& textLocale() const { return m_textLocale; }

    // ---- presentation ------------------------------------------------------------------
    void setChartType(ChartType type);
    ChartType chartType() const { return m_chartType; }
    void setPriceScaleMode(PriceScaleMode mode);
    PriceScaleMode priceScaleMode() const { return m_priceScale.mode(); }
    // Flips the candle pane's price axis (see PriceScale::setInverted); Light invalidation.
    void setPriceScaleInverted(bool inverted);
    bool priceScaleInverted() const { return m_priceScale.inverted(); }
    void setVolumeVisible(bool visible);
    bool volumeVisible() const { return m_volumeVisible; }
    // nullptr / empty: UTC.
    void setTimeZone(TimeZoneOffset offset);
    // Wall-clock ms in the display time zone (format with utcFields()).
    std::int64_t toDisplayTime(std::int64_t utcMs) const;
    // Heikin-Ashi bars, index-aligned with candles() while the chart type is Heikin-Ashi (kept up
    // to date incrementally), empty otherwise.
    std::span<const OhlcBar> heikinAshi() const { return m_heikinAshi; }
    // OHLC of bar i as the current chart type shows it (Heikin-Ashi or the candle).
    OhlcBar displayBar(std::size_t i) const;
    const MinMaxPyramid& pyramid() const { return m_pyramid; }
    // Bytes held per loaded candle by the chart (pyramid + Heikin-Ashi cache).
    std::size_t cacheBytes() const;

    // ---- stacked panes -------------------------------------------------------------------
    // position: where in the stack (0 = just below the candles); appended when nullopt.
    std::uint64_t addPane(std::string title, std::optional<std::size_t> position = std::nullopt);
    bool removePane(std::uint64_t id);
    std::optional<std::size_t> paneIndex(std::uint64_t id) const;
    // Replaces the pane's series; returns false for an unknown id.
    bool setPaneSeries(std::uint64_t id, std::vector<PaneSeries> series);
    const std::vector<Pane>& panes() const { return m_panes; }
    // Pane index under p (for ExtraPane / ExtraAxis regions).
    std::optional<std::size_t> paneAt(Point p) const;
    // Edits the pane's series in place (e.g. only the last values after a tick) and invalidates
    // Light; returns false for an unknown id.
    bool editPaneSeries(std::uint64_t id, const std::function<void(std::vector<PaneSeries>&)>& edit);
    // The pane's reference levels (Pane::levels); false for an unknown id.
    bool setPaneLevels(std::uint64_t id, std::vector<double> levels);
    // The pane's fixed range (Pane::fixedRange; nullopt fits the values); false for an unknown id.
    bool setPaneRange(std::uint64_t id, std::optional<Pane::Range> range);
    // The pane's height share (Pane::heightFraction, 0 = default); false for an unknown id.
    bool setPaneHeightFraction(std::uint64_t id, double fraction);
    // Index of the extra pane whose top separator is within tolerancePx of p (over the plot or
    // the axes): dragging it resizes that pane and the one above it.
    std::optional<std::size_t> paneSeparatorAt(Point p, double tolerancePx = 3.0) const;
    // Moves the separator above extra pane `index` to y: the pane and the extra pane above it
    // (or, for the first, the candle pane) share the difference; neither goes below a readable
    // height, and the candles keep LayoutMetrics::minCandleFraction. Full invalidation.
    void dragPaneSeparator(std::size_t index, double y);

    // ---- overlays on the candle pane (share the price scale unless ownScale; autoscale includes them)
    // ownScale: see Overlay::ownScale. position: index in overlays() (legend order); nullopt appends.
    std::uint64_t addOverlay(std::string title, std::vector<PaneSeries> series = {}, bool ownScale = false,
                             std::optional<std::size_t> position = std::nullopt);
    bool removeOverlay(std::uint64_t id);
    // Marks an overlay as a compared symbol (Overlay::rebase); false for an unknown id.
    bool setOverlayRebased(std::uint64_t id, bool rebase);
    std::optional<std::size_t> overlayIndex(std::uint64_t id) const;
    bool setOverlaySeries(std::uint64_t id, std::vector<PaneSeries> series);
    bool editOverlaySeries(std::uint64_t id, const std::function<void(std::vector<PaneSeries>&)>& edit);
    const std::vector<Overlay>& overlays() const { return m_overlays; }
    // The overlay's legend title (a live text such as the funding countdown); false for an
    // unknown id. Cursor invalidation: only the legend changes.
    bool setOverlayTitle(std::uint64_t id, std::string title);

    // ---- history ----------------------------------------------------------------------------
    // Called when the view comes within kHistoryPrefetchBars of the first loaded bar; at most
    // once per bar count, so a slow load is not requested again on every mouse move.
    static constexpr std::int64_t kHistoryPrefetchBars = 50;
    void setHistoryNeededHandler(std::function<void()> handler) { m_onHistoryNeeded = std::move(handler); }

    // ---- drawings ---------------------------------------------------------------------------
    const std::vector<Drawing>& drawings() const { return m_drawings; }
    void setDrawings(std::vector<Drawing> drawings);  // ids are reassigned
    // Puts back a list this model had before (undo / redo): the ids are kept, the selection too
    // when its drawing is still there, and the drawings-changed handler is called.
    void restoreDrawings(std::vector<Drawing> drawings);
    const Drawing* drawing(std::uint64_t id) const;
    std::uint64_t addDrawing(Drawing drawing);
    bool removeDrawing(std::uint64_t id);
    bool updateDrawing(const Drawing& drawing);
    std::optional<std::uint64_t> selectedDrawing() const { return m_selectedDrawing; }
    void selectDrawing(std::optional<std::uint64_t> id);
    // Called whenever selectedDrawing() changes (a click, a delete, Escape, a restore).
    void setSelectionChangedHandler(std::function<void()> handler) { m_onSelectionChanged = std::move(handler); }
    // The drawing whose line or edge is within tolerancePx of p (topmost first); hidden ones are
    // not hit, locked ones are (to select them and open their menu).
    std::optional<std::uint64_t> drawingAt(Point p, double tolerancePx = 5.0) const;
    // Moves a drawing by a pixel delta (time snaps to bars, price follows the scale); a locked
    // drawing stays put.
    void moveDrawing(std::uint64_t id, double dxPx, double dyPx);
    // One handle (end point, corner, a channel's parallel, a position's target or stop) of a
    // drawing with more than one within tolerancePx of p: the selected drawing's first, then
    // topmost first (hidden and locked ones are skipped). anchor is 0 for Drawing::a, 1 for
    // Drawing::b, 2 for Drawing::c.
    struct AnchorHit {
        std::uint64_t id = 0;
        int anchor = 0;
        bool operator==(const AnchorHit&) const = default;
    };
    std::optional<AnchorHit> drawingAnchorAt(Point p, double tolerancePx = 6.0) const;
    // Puts one anchor of a drawing at p (time snaps to a bar, price follows the scale); the other
    // anchor stays where it is.
    void moveDrawingAnchor(std::uint64_t id, int anchor, Point p);
    // Called after every change to the drawing list (add, remove, move, setDrawings).
    void setDrawingsChangedHandler(std::function<void()> handler) { m_onDrawingsChanged = std::move(handler); }
    // Pixel ↔ (time, price) in the candle pane; x is a viewport coordinate. With the magnet on,
    // the price snaps to the nearest open, high, low or close of the bar under p.
    DrawingAnchor anchorAt(Point p) const;
    // The bar's time and the price under p, without the magnet (moving a whole drawing, a clone).
    DrawingAnchor pointAt(Point p) const;
    double timeToX(std::int64_t timeMs) const;
    // Bar index of a time (fractional beyond the data, on the interval's nominal step).
    double indexOfTime(std::int64_t timeMs) const;
    // Magnet mode (TradingView's strong magnet): new and moved anchors snap to the bar's OHLC.
    void setMagnet(bool on) { m_magnet = on; }
    bool magnet() const { return m_magnet; }
    // A drawing of `kind` placed by a click at `at`: the anchors its kind does not take from
    // clicks get their defaults (a position's target and stop a tenth and a twentieth of the
    // visible price range away, 20 bars wide; a channel's parallel a tenth below).
    Drawing newDrawing(DrawingKind kind, DrawingAnchor at) const;
    // The drawing's handles in pixels, in anchor order (see handleCount): what the selected
    // drawing shows and drawingAnchorAt hits.
    std::vector<Point> drawingHandles(const Drawing& d) const;

    // ---- markers: where something happened (an alert fired) ---------------------------------
    // Drawn at (time, price) over the candles; not drawings: not hit, not saved, no undo. The
    // owner sets the whole list for the shown series. Light invalidation.
    void setMarkers(std::vector<ChartMarker> markers);
    const std::vector<ChartMarker>& markers() const { return m_markers; }
    // Value bubbles (liquidations): like markers, set whole by their owner; drawn as circles
    // sized by value (see ChartBubble). Light invalidation.
    void setBubbles(std::vector<ChartBubble> bubbles);
    const std::vector<ChartBubble>& bubbles() const { return m_bubbles; }

    // ---- measuring (Shift+drag, TradingView's date and price range): not a drawing, nothing saved
    struct Measure {
        DrawingAnchor from;
        DrawingAnchor to;
        bool operator==(const Measure&) const = default;
    };
    void setMeasure(std::optional<Measure> measure);
    const std::optional<Measure>& measure() const { return m_measure; }

    // ---- geometry --------------------------------------------------------------------------
    // Logical px. Recomputes the layout at once (input in between frames uses it) and
    // invalidates Full.
    void setViewportSize(double width, double height);
    double viewportWidth() const { return m_viewportW; }
    double viewportHeight() const { return m_viewportH; }
    const ChartLayout& layout() const { return m_layout; }
    ChartRegion regionAt(Point p) const;

    // Frame preparation, called by the widget with the level it is about to paint:
    // Full re-measures the layout; Light and above autoscale both price scales to the visible bars.
    void prepareFrame(Invalidation level);

    // ---- view ------------------------------------------------------------------------------
    const TimeScale& timeScale() const { return m_timeScale; }
    // Plot slots on screen: the visible bars and, right of the newest bar, the empty future slots
    // (on the bar spacing) that displaced indicator values run into — Ichimoku's cloud is drawn
    // 26 slots ahead of price. Empty when no bar is visible.
    IndexRange visibleSlots() const;
    const PriceScale& priceScale() const { return m_priceScale; }
    const PriceScale& volumeScale() const { return m_volumeScale; }

    void zoom(double anchorX, double factor);
    void scrollBy(double dxPx);
    void scrollToLiveEdge();
    void scrollToFirstBar();
    void setBarSpacing(double spacing);
    // Default zoom, live edge, autoscale on.
    void resetView();
    // Manual price scaling (drag on the price axis) and panning; both turn autoscale off.
    void scalePrice(double factor);
    void panPrice(double dyPx);
    void setAutoScale(bool on);
    bool autoScale() const { return m_priceScale.autoScale(); }

    // ---- crosshair ---------------------------------------------------------------------------
    void setCrosshair(Point p);
    void clearCrosshair();
    std::optional<Point> crosshair() const { return m_crosshair; }
    // Bar under the crosshair, if the crosshair is over a pane and over data.
    std::optional<std::size_t> hoveredIndex() const;
    // Open time of bar `index`, extrapolated along the interval's calendar beyond the data.
    std::optional<std::int64_t> timeAtIndex(std::int64_t index) const;

    // Re-checks the countdown clock; when its text would change, invalidates Cursor.
    void clockTick();
    // Milliseconds until the newest candle closes, when it is still forming.
    std::optional<std::int64_t> countdownMs() const;

    // ---- invalidation ------------------------------------------------------------------------
    void invalidate(Invalidation level);
    Invalidation pendingInvalidation() const { return m_pending; }
    // Returns the merged level and resets it to None (the widget calls this when it paints).
    Invalidation takeInvalidation();

private:
    void relayout();
    double requiredPriceLabelWidth() const;
    void autoscale();
    void rebuildCaches(std::size_t from, bool full);
    void checkHistoryNeed();
    void drawingsChanged();
    void setSelection(std::optional<std::uint64_t> id);

    const market::CandleSeries* m_series = nullptr;
    Interval m_interval = Interval::M1;
    std::string m_venueLabel;
    TextLocale m_textLocale;
    void applyPricePrecision(int priceDecimals, double tickSize);
    int m_priceDecimals = 2;
    double m_tickSize = 0.0;  // 0: 10^-m_priceDecimals
    std::uint64_t m_seenRevision = 0;
    std::size_t m_seenCount = 0;
    std::optional<std::int64_t> m_seenLastOpenTime;

    InvalidateHandler m_onInvalidate;
    Invalidation m_pending = Invalidation::Full;
    const TextMeasurer* m_measurer = nullptr;
    FixedPitchTextMeasurer m_fallbackMeasurer;
    Clock m_clock;
    std::int64_t m_lastCountdownSecond = -1;

    double m_viewportW = 0;
    double m_viewportH = 0;
    double m_priceLabelWidth = 0;  // grows only, so the axis does not jitter while prices move
    ChartLayout m_layout;
    TimeScale m_timeScale;
    PriceScale m_priceScale;
    PriceScale m_volumeScale;
    std::optional<Point> m_crosshair;

    ChartType m_chartType = ChartType::Candles;
    bool m_volumeVisible = true;
    TimeZoneOffset m_timeZone;
    MinMaxPyramid m_pyramid;
    std::vector<OhlcBar> m_heikinAshi;
    std::vector<Pane> m_panes;
    std::uint64_t m_nextPaneId = 1;
    std::vector<Overlay> m_overlays;
    std::uint64_t m_nextOverlayId = 1;
    std::function<void()> m_onHistoryNeeded;
    std::size_t m_historyRequestedAt = 0;  // bar count at the last request (0: none)
    std::vector<Drawing> m_drawings;
    std::uint64_t m_nextDrawingId = 1;
    std::optional<std::uint64_t> m_selectedDrawing;
    bool m_magnet = false;
    std::optional<Measure> m_measure;
    std::vector<ChartMarker> m_markers;
    std::vector<ChartBubble> m_bubbles;
    std::function<void()> m_onDrawingsChanged;
    std::function<void()> m_onSelectionChanged;
};

}  // namespace cpc::chart
