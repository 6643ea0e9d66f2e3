#include "cpc/storage/coverage.hpp"

#include <algorithm>

namespace cpc::storage {

std::vector<TimeRange> missingRanges(std::vector<CoverageRange> coverage, std::int64_t from, std::int64_t to) {
    std::sort(coverage.begin(), coverage.end(), [](const auto& a, const auto& b) { return a.fromMs < b.fromMs; });
    std::vector<TimeRange> holes;
    std::int64_t pos = from;
    for (const auto& r : coverage) {
        if (r.toMs <= pos) continue;
        if (r.fromMs >= to) break;
        if (r.fromMs > pos) holes.emplace_back(pos, std::min(r.fromMs, to));
        pos = std::max(pos, r.toMs);
        if (pos >= to) break;
    }
    if (pos < to) holes.emplace_back(pos, to);
    return holes;
}

std::vector<TimeRange> absentRuns(std::span<const std::int64_t> openTimes, Interval interval, std::int64_t from,
                                  std::int64_t to) {
    std::vector<TimeRange> runs;
    std::int64_t pos = from;  // the next bucket expected
    for (const std::int64_t t : openTimes) {
        if (t < pos) continue;
        if (t >= to) break;
        if (t > pos) runs.emplace_back(pos, t);
        pos = nextBucketStart(interval, t);
    }
    if (pos < to) runs.emplace_back(pos, to);
    return runs;
}

}  // namespace cpc::storage
