#pragma once
// Volume by price over a range of bars (the visible range, or the whole series): not a column per
// bar but one histogram, so it has its own API. O(bars × rows).
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
};

struct VolumeProfile {
    std::vector<VolumeProfileRow> rows;  // ascending price, equal heights, covering [low, high]
    std::size_t pocRow = 0;              // point of control: the row with the most volume
    std::size_t valueAreaLowRow = 0;     // rows [low, high] hold >= valueAreaFraction of the volume
    std::size_t valueAreaHighRow = 0;
    double totalVolume = 0;
};

// Each bar's volume is spread evenly over its [low, high] range (a bar with high == low puts it
// all in one row). The value area grows from the POC towards the side with more volume, the usual
// charting rule. Errors: rowCount < 1, valueAreaFraction outside (0, 1], no bars.
Result<VolumeProfile> computeVolumeProfile(std::span<const Bar> bars, int rowCount = 24,
                                           double valueAreaFraction = 0.70);

}  // namespace cpc::indicators
