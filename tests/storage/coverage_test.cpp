// The hole arithmetic shared by `cpc fetch` and the series hub (storage/coverage.hpp).
#include <gtest/gtest.h>

#include <vector>

#include "cpc/storage/coverage.hpp"

using namespace cpc;
using storage::CoverageKind;
using storage::CoverageRange;
using storage::TimeRange;

TEST(Coverage, MissingRangesAreThePartsNoRangeOfEitherKindContains) {
    const std::vector<CoverageRange> coverage{{500, 700, CoverageKind::Gap}, {100, 300, CoverageKind::Complete},
                                              {250, 400, CoverageKind::Complete}};
    EXPECT_EQ(storage::missingRanges(coverage, 0, 1000),
              (std::vector<TimeRange>{{0, 100}, {400, 500}, {700, 1000}}));
    EXPECT_EQ(storage::missingRanges(coverage, 150, 350), std::vector<TimeRange>{});
    EXPECT_EQ(storage::missingRanges({}, 10, 20), (std::vector<TimeRange>{{10, 20}}));
}

TEST(Coverage, AbsentRunsAreTheBucketsTheOpenTimesLack) {
    const std::int64_t m = kMinuteMs;
    const std::vector<std::int64_t> times{2 * m, 3 * m, 7 * m, 9 * m};
    EXPECT_EQ(storage::absentRuns(times, Interval::M1, 0, 12 * m),
              (std::vector<TimeRange>{{0, 2 * m}, {4 * m, 7 * m}, {8 * m, 9 * m}, {10 * m, 12 * m}}));
    EXPECT_EQ(storage::absentRuns(times, Interval::M1, 2 * m, 4 * m), std::vector<TimeRange>{});
    // Calendar months have their own lengths: February 2024 follows January, March is missing.
    const std::int64_t jan = 1704067200000;  // 2024-01-01
    const std::int64_t feb = 1706745600000;  // 2024-02-01
    const std::int64_t mar = 1709251200000;  // 2024-03-01
    const std::int64_t apr = 1711929600000;  // 2024-04-01
    const std::vector<std::int64_t> months{jan, feb, apr};
    EXPECT_EQ(storage::absentRuns(months, Interval::Mo1, jan, apr + 1), (std::vector<TimeRange>{{mar, apr}}));
}
