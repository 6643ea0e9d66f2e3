#pragma once
// How much of the chart is stale (after lightweight-charts' InvalidationLevel). Levels are ordered
// and merged until the next frame paints:
//   Cursor: only the overlay (crosshair, legend, last-price tag) must be redrawn;
//   Light:  data or view changed: autoscale, rebuild the views and the cached base layer;
//   Full:   geometry or fonts changed: recompute the layout first.
#include <cstdint>

namespace cpc::chart {

enum class Invalidation : std::uint8_t { None, Cursor, Light, Full };

constexpr Invalidation mergeInvalidation(Invalidation a, Invalidation b) { return a < b ? b : a; }

}  // namespace cpc::chart
