#include "cpc/indicators/volume_profile.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace cpc::indicators {
namespace {

std::optional<Error> checkArguments(int rowCount, double valueAreaFraction) {
    if (rowCount < 1) return makeError("volume profile: rowCount must be >= 1, got " + std::to_string(rowCount));
    if (!(valueAreaFraction > 0.0 && valueAreaFraction <= 1.0)) {
        return makeError("volume profile: valueAreaFraction must be in (0, 1], got " + std::to_string(valueAreaFraction));
    }
    return std::nullopt;
}

// Equal-height rows over [lo, hi]; everything below depends only on (lo, hi, rowCount), so two
// computations over the same range place every bar's volume identically.
struct Grid {
    double lo = 0;
    double hi = 0;
    double height = 0;
    std::size_t n = 0;

    Grid(double low, double high, int rowCount)
        : lo(low), hi(high), height(high > low ? (high - low) / rowCount : 0.0), n(static_cast<std::size_t>(rowCount)) {}

    std::vector<VolumeProfileRow> emptyRows() const {
        std::vector<VolumeProfileRow> rows(n);
        for (std::size_t r = 0; r < n; ++r) {
            rows[r].priceLow = lo + height * static_cast<double>(r);
            rows[r].priceHigh = r + 1 == n ? hi : lo + height * static_cast<double>(r + 1);
        }
        return rows;
    }

    std::size_t rowOf(double price) const {
        if (height <= 0.0) return 0;
        const double k = std::floor((price - lo) / height);
        return static_cast<std::size_t>(std::clamp(k, 0.0, static_cast<double>(n - 1)));
    }

    // Adds the bar's volume to the rows it spans, in proportion to the overlap.
    void add(std::vector<VolumeProfileRow>& rows, const Bar& b) const {
        if (!(b.volume > 0.0)) return;
        const bool up = b.close >= b.open;
        const auto put = [&](std::size_t r, double v) {
            rows[r].volume += v;
            (up ? rows[r].upVolume : rows[r].downVolume) += v;
        };
        const double span = b.high - b.low;
        if (span <= 0.0 || height <= 0.0) {
            put(rowOf(b.close), b.volume);
            return;
        }
        const std::size_t first = rowOf(b.low);
        const std::size_t last = rowOf(b.high);
        for (std::size_t r = first; r <= last; ++r) {
            const double overlap = std::min(b.high, rows[r].priceHigh) - std::max(b.low, rows[r].priceLow);
            if (overlap > 0.0) put(r, b.volume * (overlap / span));
        }
    }
};

// Total, point of control and value area of filled rows.
VolumeProfile finish(std::vector<VolumeProfileRow> rows, double valueAreaFraction) {
    VolumeProfile vp;
    vp.rows = std::move(rows);
    const std::size_t n = vp.rows.size();
    for (const auto& row : vp.rows) vp.totalVolume += row.volume;
    vp.pocRow = static_cast<std::size_t>(
        std::max_element(vp.rows.begin(), vp.rows.end(), [](const auto& a, const auto& b) { return a.volume < b.volume; }) -
        vp.rows.begin());
    std::size_t low = vp.pocRow;
    std::size_t high = vp.pocRow;
    double inside = vp.rows[vp.pocRow].volume;
    const double target = vp.totalVolume * valueAreaFraction;
    while (inside < target && (low > 0 || high + 1 < n)) {
        const double below = low > 0 ? vp.rows[low - 1].volume : -1.0;
        const double above = high + 1 < n ? vp.rows[high + 1].volume : -1.0;
        if (above >= below) {
            inside += vp.rows[++high].volume;
        } else {
            inside += vp.rows[--low].volume;
        }
    }
    vp.valueAreaLowRow = low;
    vp.valueAreaHighRow = high;
    return vp;
}

}  // namespace

Result<VolumeProfile> computeVolumeProfile(std::span<const Bar> bars, int rowCount, double valueAreaFraction) {
    if (auto error = checkArguments(rowCount, valueAreaFraction)) return std::move(*error);
    if (bars.empty()) return makeError("volume profile: no bars in the range");
    double lo = bars.front().low;
    double hi = bars.front().high;
    for (const Bar& b : bars) {
        lo = std::min(lo, b.low);
        hi = std::max(hi, b.high);
    }
    const Grid grid(lo, hi, rowCount);
    auto rows = grid.emptyRows();
    for (const Bar& b : bars) grid.add(rows, b);
    return finish(std::move(rows), valueAreaFraction);
}

// ---- VolumeProfileBuilder ----

Result<VolumeProfileBuilder> VolumeProfileBuilder::create(int rowCount, double valueAreaFraction) {
    if (auto error = checkArguments(rowCount, valueAreaFraction)) return std::move(*error);
    return VolumeProfileBuilder(rowCount, valueAreaFraction);
}

void VolumeProfileBuilder::reset() {
    m_bars.clear();
    m_closedRows.clear();
    m_profile.reset();
    m_low = m_high = std::numeric_limits<double>::quiet_NaN();  // forces the rows to be laid out
    m_rebuilds = 0;
}

void VolumeProfileBuilder::computeAll(std::span<const Bar> bars) {
    reset();
    if (bars.empty()) return;
    m_bars.assign(bars.begin(), bars.end());
    m_closedLow = m_bars.front().low;
    m_closedHigh = m_bars.front().high;
    for (std::size_t i = 0; i + 1 < m_bars.size(); ++i) {
        m_closedLow = std::min(m_closedLow, m_bars[i].low);
        m_closedHigh = std::max(m_closedHigh, m_bars[i].high);
    }
    refreshLast();
    m_rebuilds = 0;
}

void VolumeProfileBuilder::update(const Bar& bar, bool isNewBar) {
    if (isNewBar || m_bars.empty()) {
        if (!m_bars.empty()) {
            // The forming bar is final: its contribution, already added last, joins the closed sums.
            const Bar& closing = m_bars.back();
            m_closedRows = m_profile->rows;
            m_closedLow = m_bars.size() == 1 ? closing.low : std::min(m_closedLow, closing.low);
            m_closedHigh = m_bars.size() == 1 ? closing.high : std::max(m_closedHigh, closing.high);
        }
        m_bars.push_back(bar);
    } else {
        m_bars.back() = bar;
    }
    refreshLast();
}

void VolumeProfileBuilder::refreshLast() {
    const Bar& last = m_bars.back();
    const bool hasClosed = m_bars.size() > 1;
    // Same fold as computeVolumeProfile(): min/max are exact, so the order does not matter.
    const double low = hasClosed ? std::min(m_closedLow, last.low) : last.low;
    const double high = hasClosed ? std::max(m_closedHigh, last.high) : last.high;
    const Grid grid(low, high, m_rowCount);
    if (!(low == m_low && high == m_high)) {
        // The rows' bounds moved: lay them out again and re-add every closed bar, in order.
        m_low = low;
        m_high = high;
        m_closedRows = grid.emptyRows();
        for (std::size_t i = 0; i + 1 < m_bars.size(); ++i) grid.add(m_closedRows, m_bars[i]);
        if (hasClosed) ++m_rebuilds;
    }
    auto rows = m_closedRows;
    grid.add(rows, last);
    m_profile = finish(std::move(rows), m_valueAreaFraction);
}

// ---- RangeVolumeProfile ----

Result<RangeVolumeProfile> RangeVolumeProfile::create(int rowCount, double valueAreaFraction) {
    auto builder = VolumeProfileBuilder::create(rowCount, valueAreaFraction);
    if (!builder.ok()) return builder.error();
    return RangeVolumeProfile(std::move(*builder));
}

RangeVolumeProfile::SyncKind RangeVolumeProfile::sync(std::span<const Bar> series, std::size_t first, std::size_t last) {
    if (series.empty() || first > last || first >= series.size()) {
        if (m_builder.size() == 0) return SyncKind::Unchanged;
        m_builder.reset();
        return SyncKind::Full;
    }
    last = std::min(last, series.size() - 1);
    const auto have = m_builder.bars();
    const std::size_t count = last - first + 1;
    if (!have.empty() && have.front().time == series[first].time) {
        if (have.size() == count && have.back().time == series[last].time) {
            if (have.back() == series[last]) return SyncKind::Unchanged;
            m_builder.update(series[last], false);  // the forming candle was revised
            return SyncKind::Incremental;
        }
        if (have.size() + 1 == count && have.back().time == series[last - 1].time) {
            // The range followed a new candle at its end (its predecessor may have closed with
            // values the profile has not seen yet).
            if (have.back() != series[last - 1]) m_builder.update(series[last - 1], false);
            m_builder.update(series[last], true);
            return SyncKind::Incremental;
        }
    }
    recompute(series, first, last);
    return SyncKind::Full;
}

void RangeVolumeProfile::recompute(std::span<const Bar> series, std::size_t first, std::size_t last) {
    if (series.empty() || first > last || first >= series.size()) {
        m_builder.reset();
        return;
    }
    last = std::min(last, series.size() - 1);
    m_builder.computeAll(series.subspan(first, last - first + 1));
}

}  // namespace cpc::indicators
