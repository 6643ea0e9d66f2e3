#pragma once
// Volume by price over a range of bars (the visible range, or the whole series): not a column per
// bar but one histogram, so it has its own API. computeVolumeProfile() is the one-shot form,
// O(bars × rows); VolumeProfileBuilder keeps one up to date as ticks arrive, and
// RangeVolumeProfile keeps the profile of a range of a series (the visible bars) and recomputes
// only when that range changes.
#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "cpc/core/result.hpp"
#include "cpc/indicators/bar.hpp"

namespace cpc::indicators {

struct VolumeProfileRow {
    double priceLow = 0;
    double priceHigh = 0;
    double volume = 0;      // all volume traded in [priceLow, priceHigh)
    double upVolume = 0;    // from bars that closed at or above their open
    double downVolume = 0;  // from bars that closed below their open
    bool operator==(const VolumeProfileRow&) const = default;
};

struct VolumeProfile {
    std::vector<VolumeProfileRow> rows;  // ascending price, equal heights, covering [low, high]
    std::size_t pocRow = 0;              // point of control: the row with the most volume
    std::size_t valueAreaLowRow = 0;     // rows [low, high] hold >= valueAreaFraction of the volume
    std::size_t valueAreaHighRow = 0;
    double totalVolume = 0;
    bool operator==(const VolumeProfile&) const = default;
};

// Each bar's volume is spread evenly over its [low, high] range (a bar with high == low puts it
// all in one row). The value area grows from the POC towards the side with more volume, the usual
// charting rule. Errors: rowCount < 1, valueAreaFraction outside (0, 1], no bars.
Result<VolumeProfile> computeVolumeProfile(std::span<const Bar> bars, int rowCount = 24,
                                           double valueAreaFraction = 0.70);

// The profile of a growing series, kept up to date bar by bar with the contract of
// Indicator::update(): a revision of the forming (last) bar takes back that bar's previous
// contribution and adds the new one, a new bar adds its contribution. Cost per tick: O(rows)
// (the bar's rows plus the POC and value area). The rows cover [lowest low, highest high], so a
// tick that moves that range (a new extreme, or a revision that withdraws one) changes every row's
// bounds and recomputes the rows from the stored bars, O(bars × rows) — the only full recompute.
//
// Exact: the rows hold the closed bars' sums in bar order and the forming bar is added last, the
// same additions in the same order as computeVolumeProfile(), so profile() is bitwise equal to
// computeVolumeProfile(bars()) after any sequence of updates (nothing is ever subtracted).
class VolumeProfileBuilder {
public:
    // Errors: rowCount < 1, valueAreaFraction outside (0, 1].
    static Result<VolumeProfileBuilder> create(int rowCount = 24, double valueAreaFraction = 0.70);

    void reset();
    // Reset, then take every bar of `bars` (sorted by time).
    void computeAll(std::span<const Bar> bars);
    // isNewBar: append `bar`. Otherwise `bar` replaces the last bar (a revision with no bars
    // appends).
    void update(const Bar& bar, bool isNewBar);

    std::span<const Bar> bars() const { return m_bars; }
    std::size_t size() const { return m_bars.size(); }
    // nullopt while there are no bars.
    const std::optional<VolumeProfile>& profile() const { return m_profile; }
    // Times the rows were rebuilt from every stored bar since the last reset/computeAll (the price
    // range moved).
    std::size_t rebuilds() const { return m_rebuilds; }
    int rowCount() const { return m_rowCount; }
    double valueAreaFraction() const { return m_valueAreaFraction; }

private:
    VolumeProfileBuilder(int rowCount, double valueAreaFraction)
        : m_rowCount(rowCount), m_valueAreaFraction(valueAreaFraction) {}
    // The last bar changed or was appended: bring the rows and the profile up to date.
    void refreshLast();

    int m_rowCount;
    double m_valueAreaFraction;
    std::vector<Bar> m_bars;
    std::vector<VolumeProfileRow> m_closedRows;  // sums over m_bars[0, size - 1)
    double m_closedLow = 0;                      // extremes of the same bars
    double m_closedHigh = 0;
    // The rows' range (all bars); NaN until the rows are laid out.
    double m_low = std::numeric_limits<double>::quiet_NaN();
    double m_high = std::numeric_limits<double>::quiet_NaN();
    std::optional<VolumeProfile> m_profile;
    std::size_t m_rebuilds = 0;
};

// The profile of the bars [first, last] of a series (the visible range). sync() is called with
// the series and the range after anything changed — a tick, a new candle, a scroll or zoom — and
// does the least work that keeps profile() equal to computeVolumeProfile(series[first..last]):
// nothing when neither the range nor its bars changed; an O(rows) step when only the range's last
// bar was revised or the range grew by the newly appended bar at its end (the chart following
// the live edge); a recompute of the range otherwise (the range moved or older history arrived).
// The range is remembered by open times, so prepending history (which shifts indices) with the
// same visible bars costs nothing.
class RangeVolumeProfile {
public:
    enum class SyncKind : unsigned char { Unchanged, Incremental, Full };

    static Result<RangeVolumeProfile> create(int rowCount = 24, double valueAreaFraction = 0.70);

    // Bars [first, last] of `series`, clamped to the series; an empty series or first > last
    // clears the profile. Bars before the range's last are assumed final (closed candles do not
    // change); call recompute() after rewriting them.
    SyncKind sync(std::span<const Bar> series, std::size_t first, std::size_t last);
    void recompute(std::span<const Bar> series, std::size_t first, std::size_t last);

    const std::optional<VolumeProfile>& profile() const { return m_builder.profile(); }

private:
    explicit RangeVolumeProfile(VolumeProfileBuilder builder) : m_builder(std::move(builder)) {}

    VolumeProfileBuilder m_builder;
};

}  // namespace cpc::indicators
