#pragma once
// What the coverage table and the cached candles leave unknown about a series: the holes that
// `cpc fetch` asks the venue for, and that the series hub fills when a series opens. Plain
// arithmetic on ranges, no SQLite.
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "cpc/core/interval.hpp"
#include "cpc/storage/candle_database.hpp"

namespace cpc::storage {

using TimeRange = std::pair<std::int64_t, std::int64_t>;  // [from, to) in ms

// Parts of [from, to) that no coverage range (of either kind) contains, in order.
std::vector<TimeRange> missingRanges(std::vector<CoverageRange> coverage, std::int64_t from, std::int64_t to);

// Runs of `interval` buckets in [from, to) that `openTimes` (ascending, bucket-aligned) lacks, in
// order. `from` must be a bucket start.
std::vector<TimeRange> absentRuns(std::span<const std::int64_t> openTimes, Interval interval, std::int64_t from,
                                  std::int64_t to);

}  // namespace cpc::storage
