#include "cpc/indicators/volume_profile.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <random>

#include "random_bars.hpp"

namespace cpc::indicators {
namespace {

TEST(VolumeProfile, SpreadsEachBarsVolumeOverItsRange) {
    const std::vector<Bar> bars = {
        {0, 10, 14, 10, 13, 40},   // 10..14, up bar: 10 per unit of price
        {1, 13, 13, 12, 12, 30},   // 12..13, down bar
        {2, 11, 11, 11, 11, 5},    // zero range: all at 11
    };
    auto vp = computeVolumeProfile(bars, 4, 0.7);
    ASSERT_TRUE(vp.ok()) << vp.error().message;
    ASSERT_EQ(vp->rows.size(), 4u);
    EXPECT_DOUBLE_EQ(vp->rows[0].priceLow, 10);
    EXPECT_DOUBLE_EQ(vp->rows[3].priceHigh, 14);
    EXPECT_DOUBLE_EQ(vp->rows[0].volume, 10);
    EXPECT_DOUBLE_EQ(vp->rows[1].volume, 15);
    EXPECT_DOUBLE_EQ(vp->rows[2].volume, 40);
    EXPECT_DOUBLE_EQ(vp->rows[2].downVolume, 30);
    EXPECT_DOUBLE_EQ(vp->rows[3].volume, 10);
    EXPECT_DOUBLE_EQ(vp->totalVolume, 75);
    EXPECT_EQ(vp->pocRow, 2u);
    // Value area: 40 at the POC, then the 15 below (more than the 10 above) makes 55 >= 0.7 * 75.
    EXPECT_EQ(vp->valueAreaLowRow, 1u);
    EXPECT_EQ(vp->valueAreaHighRow, 2u);
}

TEST(VolumeProfile, RejectsBadArgumentsWithReasons) {
    const std::vector<Bar> bars = {{0, 1, 2, 1, 2, 1}};
    EXPECT_EQ(computeVolumeProfile(bars, 0).error().message, "volume profile: rowCount must be >= 1, got 0");
    EXPECT_FALSE(computeVolumeProfile(bars, 10, 1.5).ok());
    EXPECT_FALSE(computeVolumeProfile({}, 10).ok());
}

// Profiles compared field by field, bitwise (operator== on doubles; no NaN can occur).
void expectSameProfile(const std::optional<VolumeProfile>& got, std::span<const Bar> bars, int rows,
                       const std::string& what) {
    const auto want = computeVolumeProfile(bars, rows, 0.7);
    ASSERT_TRUE(want.ok()) << what;
    ASSERT_TRUE(got.has_value()) << what;
    ASSERT_EQ(got->rows.size(), want->rows.size()) << what;
    for (std::size_t r = 0; r < want->rows.size(); ++r) {
        ASSERT_EQ(got->rows[r], want->rows[r]) << what << " row " << r << ": volume " << got->rows[r].volume << " vs "
                                               << want->rows[r].volume;
    }
    ASSERT_TRUE(*got == *want) << what << ": POC/value area/total differ";
}

TEST(VolumeProfileBuilder, TicksWithRevisionsEqualBatchBitwiseAfterEveryTick) {
    for (const int rows : {1, 7, 24, 100}) {
        for (const std::uint64_t seed : {1u, 2u, 3u}) {
            const auto bars = test::randomBars(300, seed);
            std::mt19937_64 rng(seed * 31 + static_cast<std::uint64_t>(rows));
            std::uniform_int_distribution<int> revisions(0, 3);
            auto builder = VolumeProfileBuilder::create(rows, 0.7);
            ASSERT_TRUE(builder.ok());
            std::vector<Bar> seen;
            std::size_t rangeMoves = 0;  // ticks after which [lowest low, highest high] differs
            double low = 0;
            double high = 0;
            double prevClose = bars.front().open;
            for (const Bar& final : bars) {
                const int n = revisions(rng);
                for (int r = 0; r <= n; ++r) {
                    // Provisional ticks of the forming candle (they may set and then withdraw an
                    // extreme of the range), then its final value.
                    const Bar tick = r == n ? final : test::randomBar(rng, final.time, prevClose, false);
                    builder->update(tick, r == 0);
                    if (r == 0) seen.push_back(tick); else seen.back() = tick;
                    const auto [lo, hi] = std::accumulate(
                        seen.begin(), seen.end(), std::pair{seen.front().low, seen.front().high},
                        [](auto acc, const Bar& b) { return std::pair{std::min(acc.first, b.low), std::max(acc.second, b.high)}; });
                    if (seen.size() > 1 && (lo != low || hi != high)) ++rangeMoves;
                    low = lo;
                    high = hi;
                    expectSameProfile(builder->profile(), seen, rows,
                                      "rows " + std::to_string(rows) + " seed " + std::to_string(seed) + " bar " +
                                          std::to_string(seen.size()) + " tick " + std::to_string(r));
                    if (HasFatalFailure()) return;
                }
                prevClose = final.close;
            }
            ASSERT_EQ(builder->bars().size(), bars.size());
            EXPECT_TRUE(std::equal(bars.begin(), bars.end(), builder->bars().begin()));
            // Only the ticks that moved the price range rebuilt the rows; every other one was an
            // O(rows) step.
            EXPECT_EQ(builder->rebuilds(), rangeMoves) << "rows " << rows << " seed " << seed;
            EXPECT_GT(rangeMoves, 0u);
        }
    }
}

TEST(VolumeProfileBuilder, RevisionInsideTheRangeDoesNotRebuildAndWithdrawnExtremeDoes) {
    auto builder = VolumeProfileBuilder::create(4, 0.7);
    ASSERT_TRUE(builder.ok());
    const std::vector<Bar> history = {{0, 10, 14, 10, 13, 40}, {1, 13, 13, 12, 12, 30}};
    builder->computeAll(history);
    EXPECT_EQ(builder->rebuilds(), 0u);
    builder->update({2, 11, 12, 11, 12, 8}, true);  // inside [10, 14]
    builder->update({2, 11, 13, 11, 13, 9}, false);
    EXPECT_EQ(builder->rebuilds(), 0u);
    std::vector<Bar> all = history;
    all.push_back({2, 11, 13, 11, 13, 9});
    expectSameProfile(builder->profile(), all, 4, "inside");
    // A new high moves every row's bounds; withdrawing it moves them back.
    builder->update({2, 11, 18, 11, 17, 12}, false);
    EXPECT_EQ(builder->rebuilds(), 1u);
    EXPECT_EQ(builder->profile()->rows.back().priceHigh, 18);
    builder->update({2, 11, 13, 11, 12, 14}, false);
    EXPECT_EQ(builder->rebuilds(), 2u);
    all.back() = {2, 11, 13, 11, 12, 14};
    expectSameProfile(builder->profile(), all, 4, "withdrawn");
    EXPECT_EQ(builder->profile()->rows.back().priceHigh, 14);
}

TEST(VolumeProfileBuilder, RejectsBadArgumentsAndIsEmptyWithoutBars) {
    EXPECT_EQ(VolumeProfileBuilder::create(0).error().message, "volume profile: rowCount must be >= 1, got 0");
    EXPECT_FALSE(VolumeProfileBuilder::create(10, 0.0).ok());
    auto builder = VolumeProfileBuilder::create();
    ASSERT_TRUE(builder.ok());
    EXPECT_FALSE(builder->profile().has_value());
    builder->update({0, 1, 2, 1, 2, 5}, false);  // a revision with no bars appends
    ASSERT_EQ(builder->size(), 1u);
    builder->reset();
    EXPECT_FALSE(builder->profile().has_value());
}

// A chart's visible range over a live series: ticks of the forming candle, new candles the view
// follows, scrolls, zooms and older history prepended. After every step the profile equals the
// batch profile of exactly the visible bars, and the work done is the least that achieves it.
TEST(RangeVolumeProfile, FollowsTicksAndRecomputesOnlyWhenTheRangeChanges) {
    using Kind = RangeVolumeProfile::SyncKind;
    const auto all = test::randomBars(700, 11);
    std::vector<Bar> series(all.begin() + 200, all.begin() + 400);  // 200 older bars arrive later
    std::size_t nextBar = 400;
    auto range = RangeVolumeProfile::create(24, 0.7);
    ASSERT_TRUE(range.ok());
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::size_t width = 60;       // visible bars
    std::size_t fromEnd = 0;      // bars between the range's last and the newest (0: live edge)
    const auto visible = [&] {
        const std::size_t last = series.size() - 1 - fromEnd;
        return std::pair{last + 1 - width, last};
    };
    const auto check = [&](Kind kind, Kind expected, const std::string& step) {
        EXPECT_EQ(static_cast<int>(kind), static_cast<int>(expected)) << step;
        const auto [first, last] = visible();
        expectSameProfile(range->profile(), std::span<const Bar>(series).subspan(first, last - first + 1), 24, step);
    };
    {
        const auto [first, last] = visible();
        check(range->sync(series, first, last), Kind::Full, "first");
        check(range->sync(series, first, last), Kind::Unchanged, "again");
    }
    std::size_t incremental = 0;
    for (int step = 0; step < 1500 && !HasFailure(); ++step) {
        const double roll = u(rng);
        Kind expected = Kind::Full;
        std::string what;
        if (roll < 0.6) {  // a tick of the forming candle
            Bar& forming = series.back();
            const Bar before = forming;
            forming = test::randomBar(rng, forming.time, forming.open, u(rng) < 0.1);
            expected = fromEnd == 0 && forming != before ? Kind::Incremental : Kind::Unchanged;
            what = "tick";
        } else if (roll < 0.8 && nextBar < all.size()) {  // a new candle
            series.push_back(all[nextBar++]);
            // The view follows the live edge (the range grows by one bar at its end), or keeps its
            // place when scrolled back (then its bars are the same as before).
            if (fromEnd == 0) {
                ++width;
                expected = Kind::Incremental;
            } else {
                ++fromEnd;
                expected = Kind::Unchanged;
            }
            what = "new candle";
        } else if (roll < 0.9) {  // scroll
            fromEnd = u(rng) < 0.5 ? 0 : std::min<std::size_t>(series.size() - width, static_cast<std::size_t>(u(rng) * 30));
            what = "scroll";
        } else if (roll < 0.97) {  // zoom
            width = std::min<std::size_t>(series.size() - fromEnd, 20 + static_cast<std::size_t>(u(rng) * 80));
            what = "zoom";
        } else if (series.front().time != all.front().time) {  // older history prepended
            series.insert(series.begin(), all.begin(), all.begin() + 200);
            expected = Kind::Unchanged;  // same visible bars at new indices
            what = "prepend";
        } else {
            continue;
        }
        const auto [first, last] = visible();
        const Kind kind = range->sync(series, first, last);
        if (what == "scroll" || what == "zoom") {
            // Full unless the move happened to land on the same range.
            if (kind == Kind::Unchanged) continue;
        }
        if (kind == Kind::Incremental) ++incremental;
        check(kind, expected, what + " at step " + std::to_string(step));
    }
    EXPECT_GT(incremental, 100u);
}

TEST(RangeVolumeProfile, EmptyRangeClearsTheProfile) {
    auto range = RangeVolumeProfile::create(10, 0.7);
    ASSERT_TRUE(range.ok());
    const auto bars = test::randomBars(20, 3);
    EXPECT_EQ(range->sync(bars, 5, 9), RangeVolumeProfile::SyncKind::Full);
    ASSERT_TRUE(range->profile().has_value());
    EXPECT_EQ(range->sync({}, 0, 0), RangeVolumeProfile::SyncKind::Full);
    EXPECT_FALSE(range->profile().has_value());
    EXPECT_EQ(range->sync(bars, 9, 5), RangeVolumeProfile::SyncKind::Unchanged);
    EXPECT_EQ(range->sync(bars, 15, 99), RangeVolumeProfile::SyncKind::Full);  // clamped to the series
    expectSameProfile(range->profile(), std::span<const Bar>(bars).subspan(15), 10, "clamped");
}

}  // namespace
}  // namespace cpc::indicators
