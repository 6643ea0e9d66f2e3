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

#include "cpc/chart/chart_layout.hpp"
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

enum class ChartRegion : unsigned char { None, CandlePane, VolumePane, PriceAxis, VolumeAxis, TimeAxis };

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
    void setSeries(const market::CandleSeries* series, Interval interval, int priceDecimals);
    // The series changed (compares its revision): appended bars shift the view only when the
    // user is at the live edge; prepended history never moves it. Light invalidation.
    void seriesChanged();
    const market::CandleSeries* series() const { return m_series; }
    std::span<const Candle> candles() const;
    bool hasData() const { return !candles().empty(); }
    Interval interval() const { return m_interval; }
    int priceDecimals() const { return m_priceDecimals; }
    // "BTCUSDT · 1m · Binance"; empty without a series.
    std::string title() const;

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

    const market::CandleSeries* m_series = nullptr;
    Interval m_interval = Interval::M1;
    int m_priceDecimals = 2;
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
};

}  // namespace cpc::chart
