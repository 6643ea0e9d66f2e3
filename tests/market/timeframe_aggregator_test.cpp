#include <gtest/gtest.h>

#include <random>

#include "cpc/core/time.hpp"
#include "cpc/market/timeframe_aggregator.hpp"
#include "market_test_util.hpp"

using namespace cpc;
using namespace cpc::market;

namespace {

// Replays `finalMinutes` as a live stream would deliver it: each minute first arrives as a few
// provisional revisions, then (usually) as its final version; some minutes are missing entirely
// (exchange gaps) and some final versions arrive late, after newer minutes.
struct LiveReplay {
    std::vector<Candle> updates;
};

LiveReplay replay(const std::vector<Candle>& finalMinutes, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> revisions(0, 3);
    std::uniform_real_distribution<double> u(0, 1);
    LiveReplay r;
    std::vector<Candle> late;
    for (const Candle& c : finalMinutes) {
        const int n = revisions(rng);
        for (int i = 0; i < n; ++i) {
            Candle partial = c;
            partial.closed = false;
            if (c.hasTrades() && i + 1 < n) {  // an earlier state: a smaller range so far
                partial.high = c.open > c.close ? c.open : c.close;
                partial.low = c.open < c.close ? c.open : c.close;
                partial.close = c.open;
                partial.volume = Decimal::fromUnits(c.volume.units() / 2);
                partial.quoteVolume = Decimal::fromUnits(c.quoteVolume.units() / 2);
                partial.takerBuyBase = Decimal::fromUnits(c.takerBuyBase.units() / 2);
                partial.takerBuyQuote = Decimal::fromUnits(c.takerBuyQuote.units() / 2);
                partial.trades = c.trades / 2 + 1;
            }
            r.updates.push_back(partial);
        }
        if (u(rng) < 0.1) {
            late.push_back(c);  // the final version comes later
        } else {
            r.updates.push_back(c);
        }
        if (!late.empty() && u(rng) < 0.3) {
            r.updates.push_back(late.front());
            late.erase(late.begin());
        }
    }
    for (const Candle& c : late) r.updates.push_back(c);
    // A stale provisional update for an already closed candle must not change anything.
    if (!finalMinutes.empty()) {
        Candle stale = finalMinutes[finalMinutes.size() / 2];
        stale.closed = false;
        stale.close = stale.open;
        stale.high = stale.open > stale.high ? stale.open : stale.high;
        r.updates.push_back(stale);
    }
    return r;
}

std::vector<Candle> withGaps(std::vector<Candle> minutes, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0, 1);
    std::vector<Candle> out;
    for (std::size_t i = 0; i < minutes.size(); ++i) {
        if (u(rng) < 0.02) {  // an outage of up to 20 minutes
            i += static_cast<std::size_t>(u(rng) * 20);
            continue;
        }
        out.push_back(minutes[i]);
    }
    return out;
}

}  // namespace

TEST(TimeframeAggregator, LiveUpdatesGiveExactlyWhatBatchAggregationGives) {
    const std::int64_t start = *parseUtc("2024-02-26 21:13");  // mid-bucket, near a month end
    const std::int64_t listing = *parseUtc("2017-08-17");
    for (unsigned seed = 1; seed <= 4; ++seed) {
        const auto minutes = withGaps(test::randomMinutes(start, 5 * 24 * 60, seed, 0.3), seed);
        const auto live = replay(minutes, seed);
        for (Interval target : {Interval::M3, Interval::M5, Interval::M15, Interval::H1, Interval::H4,
                                Interval::D1, Interval::D3, Interval::W1, Interval::Mo1}) {
            CandleSeries source;
            CandleSeries derived;
            TimeframeAggregator agg(Interval::M1, target, listing);
            for (const Candle& u : live.updates) {
                source.upsert(u);
                for (const Candle& d : agg.apply(source, u)) derived.upsert(d);
            }
            AggregateOptions options;
            options.anchor3dMs = listing;
            const auto expected = aggregate(source.candles(), Interval::M1, target, options);
            ASSERT_EQ(derived.size(), expected.size()) << toString(target) << " seed " << seed;
            for (std::size_t i = 0; i < expected.size(); ++i)
                ASSERT_EQ(derived[i], expected[i]) << toString(target) << " seed " << seed << " bucket " << i
                                                   << " at " << formatUtc(expected[i].openTime);
            EXPECT_GT(agg.fastUpdates(), agg.slowUpdates()) << toString(target);
        }
    }
}

TEST(TimeframeAggregator, FormingMinuteUpdatesTheDerivedCandleAndFinalisesIt) {
    CandleSeries source;
    TimeframeAggregator agg(Interval::M1, Interval::M5);
    Candle last;
    for (int m = 0; m < 5; ++m) {
        Candle forming = test::makeCandle(m * 60'000, 10, 11, 9, 10.5, 1, 3, false);
        source.upsert(forming);
        auto out = agg.apply(source, forming);
        ASSERT_EQ(out.size(), 1u);
        EXPECT_FALSE(out.back().closed);
        Candle final = forming;
        final.closed = true;
        source.upsert(final);
        last = agg.apply(source, final).back();
    }
    EXPECT_TRUE(last.closed);
    EXPECT_EQ(last.volume.toShortString(), "5");
    EXPECT_EQ(last.trades, 15);
}
