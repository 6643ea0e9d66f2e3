#pragma once
// Views: model + series → plain render items in logical pixels, for the visible range only
// (lightweight-charts' pane views). The base layer changes with data and view; the overlay with
// the mouse and the clock. Both fill caller-owned item lists so steady-state frames reuse memory.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "cpc/chart/chart_model.hpp"
#include "cpc/chart/render_items.hpp"
#include "cpc/indicators/bar.hpp"
#include "cpc/indicators/volume_profile.hpp"

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

// Value bubbles (ChartModel::bubbles): the smallest and the largest radius, logical px.
inline constexpr double kBubbleMinRadius = 4.0;
inline constexpr double kBubbleMaxRadius = 18.0;

// Body width in logical px for a bar spacing (lightweight-charts' optimal candlestick width:
// about 80% of the spacing, leaving a gap that grows slower than the bars when zooming in).
double candleBodyWidth(double barSpacing);

void buildFrame(const ChartModel& model, FrameItems& out);
void buildOverlay(const ChartModel& model, OverlayItems& out);

// Visible-range volume profile (TradingView's VRVP) as a layer of the base frame. Stateful, so it
// lives beside the frame (the canvas owns one): it mirrors the candles as indicator bars
// (appending new ones, refreshing the forming one, converting only the older candles when history
// is prepended, everything again only for another series or rewritten history) and keeps an
// indicators::RangeVolumeProfile of the visible bars, which does the least work per frame —
// nothing when neither the range nor its bars changed (prepended history included), an O(rows)
// step for a tick of the forming candle at the live edge, a recompute of the visible bars after a
// scroll or zoom.
class VisibleVolumeProfile {
public:
    static constexpr int kRows = 24;
    static constexpr double kValueAreaFraction = 0.70;
    static constexpr double kWidthFraction = 0.30;  // longest bar, of the candle pane's width

    VisibleVolumeProfile();

    void setEnabled(bool enabled);
    bool enabled() const { return m_enabled; }
    // Bars grow from the right edge of the candle pane (default) or from the left.
    void setFromRight(bool fromRight) { m_fromRight = fromRight; }
    bool fromRight() const { return m_fromRight; }

    // Fills out.volumeProfile after buildFrame(model, out); leaves it invisible when disabled or
    // without data.
    void build(const ChartModel& model, FrameItems& out);

    // The profile of the visible bars (nullopt when disabled or without data), and how the last
    // build() brought it up to date (diagnostics and tests).
    const std::optional<indicators::VolumeProfile>& profile() const { return m_range.profile(); }
    indicators::RangeVolumeProfile::SyncKind lastSync() const { return m_lastSync; }
    // Times the candle mirror was converted in full (another series, rewritten history).
    std::size_t mirrorRebuilds() const { return m_mirrorRebuilds; }

private:
    // Brings m_bars up to date with the candles; true when it was rebuilt in full.
    bool syncBars(const ChartModel& model);

    bool m_enabled = false;
    bool m_fromRight = true;
    indicators::RangeVolumeProfile m_range;
    std::vector<indicators::Bar> m_bars;
    const void* m_series = nullptr;
    Interval m_interval = Interval::M1;
    indicators::RangeVolumeProfile::SyncKind m_lastSync = indicators::RangeVolumeProfile::SyncKind::Unchanged;
    std::size_t m_mirrorRebuilds = 0;
};

}  // namespace cpc::chart
