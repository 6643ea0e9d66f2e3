#include "cpc/indicators/volume_profile.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace cpc::indicators {

Result<VolumeProfile> computeVolumeProfile(std::span<const Bar> bars, int rowCount, double valueAreaFraction) {
    if (rowCount < 1) return makeError("volume profile: rowCount must be >= 1, got " + std::to_string(rowCount));
    if (!(valueAreaFraction > 0.0 && valueAreaFraction <= 1.0)) {
        return makeError("volume profile: valueAreaFraction must be in (0, 1], got " + std::to_string(valueAreaFraction));
    }
    if (bars.empty()) return makeError("volume profile: no bars in the range");
    double lo = bars.front().low;
    double hi = bars.front().high;
    for (const Bar& b : bars) {
        lo = std::min(lo, b.low);
        hi = std::max(hi, b.high);
    }
    VolumeProfile vp;
    const auto n = static_cast<std::size_t>(rowCount);
    const double height = hi > lo ? (hi - lo) / rowCount : 0.0;
    vp.rows.resize(n);
    for (std::size_t r = 0; r < n; ++r) {
        vp.rows[r].priceLow = lo + height * static_cast<double>(r);
        vp.rows[r].priceHigh = r + 1 == n ? hi : lo + height * static_cast<double>(r + 1);
    }
    const auto rowOf = [&](double price) {
        if (height <= 0.0) return std::size_t{0};
        const double k = std::floor((price - lo) / height);
        return static_cast<std::size_t>(std::clamp(k, 0.0, static_cast<double>(n - 1)));
    };
    for (const Bar& b : bars) {
        if (!(b.volume > 0.0)) continue;
        const bool up = b.close >= b.open;
        const auto add = [&](std::size_t r, double v) {
            vp.rows[r].volume += v;
            (up ? vp.rows[r].upVolume : vp.rows[r].downVolume) += v;
        };
        const double span = b.high - b.low;
        if (span <= 0.0 || height <= 0.0) {
            add(rowOf(b.close), b.volume);
            continue;
        }
        const std::size_t first = rowOf(b.low);
        const std::size_t last = rowOf(b.high);
        for (std::size_t r = first; r <= last; ++r) {
            const double overlap = std::min(b.high, vp.rows[r].priceHigh) - std::max(b.low, vp.rows[r].priceLow);
            if (overlap > 0.0) add(r, b.volume * (overlap / span));
        }
    }
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

}  // namespace cpc::indicators
