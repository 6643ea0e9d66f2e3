// The series hub against the simulator: derived timeframes, the live aggregator, scroll-back
// (cache, then venue) and the listing start, driven as the app drives it but without Qt.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "cpc/core/time.hpp"
#include "cpc/market/aggregate.hpp"
#include "cpc/sim/market_model.hpp"
#include "cpc/storage/candle_database.hpp"
#include "hub_rig.hpp"

using namespace cpc;
using namespace std::chrono_literals;
using test::HubRig;

namespace {

HubRig::Options demo(const test::TempDir& dir, std::chrono::milliseconds push = 100ms) {
    HubRig::Options options;
    options.databasePath = dir.file("demo.sqlite3");
    options.sim.klinePushInterval = push;
    return options;
}

// The simulator's clock 12 h into the `days`-th day after NKNUSDT's listing (its listing is the
// most recent of the simulated symbols), so a coarse series reaches the listing in few pages.
std::function<std::int64_t()> clockDaysAfterNknListing(std::int64_t days, std::int64_t* listing) {
    const sim::MarketModel model(42);
    *listing = *model.firstOpenTime("NKNUSDT", Interval::D1);
    const std::int64_t offset = *listing + days * kDayMs + 12 * kHourMs - nowMs();
    return [offset] { return nowMs() + offset; };
}

// The venue's candles of `interval` with open time in [from, to), paged as over REST.
std::vector<Candle> venueCandles(const sim::MarketModel& model, const std::string& symbol, Interval interval,
                                 std::int64_t from, std::int64_t to, std::int64_t venueNow) {
    std::vector<Candle> out;
    while (from < to) {
        const auto page = model.klines(symbol, interval, from, to - 1, sim::MarketModel::kMaxLimit, venueNow);
        if (page.empty()) break;
        from = page.back().openTime + 1;
        out.insert(out.end(), page.begin(), page.end());
    }
    return out;
}

}  // namespace

TEST(SeriesHub, OpeningACoarserTimeframeIsInstantFromAFinerSeriesInMemory) {
    test::TempDir dir;
    HubRig rig(demo(dir));
    const SeriesKey minuteKey{"binance", "BTCUSDT", Interval::M1};
    const SeriesKey quarterKey{"binance", "BTCUSDT", Interval::M15};
    rig.hub->open(minuteKey);
    ASSERT_TRUE(rig.runUntil([&] { return rig.open().size() >= 1000; }, 20s));
    const std::vector<Candle> minutes(rig.open().candles().begin(), rig.open().candles().end());

    rig.hub->open(quarterKey);
    // Before any event is processed the 15m series already has candles, derived from the 1m.
    const market::CandleSeries* derived = rig.hub->openSeries();
    ASSERT_NE(derived, nullptr);
    ASSERT_GE(derived->size(), 60u);
    auto expected = market::aggregate(minutes, Interval::M1, Interval::M15);
    if (expected.front().openTime < minutes.front().openTime)
        expected.erase(expected.begin());  // a partial first bucket is not shown
    ASSERT_EQ(derived->size(), expected.size());
    for (std::size_t i = 0; i + 1 < expected.size(); ++i) EXPECT_EQ((*derived)[i], expected[i]);

    // Then the venue's own 15m candles arrive and agree with the derived ones.
    ASSERT_TRUE(rig.runUntil([&] { return rig.live(quarterKey, 1000); }, 20s));
    const market::CandleSeries& native = rig.open();
    for (std::size_t i = 0; i + 1 < expected.size(); ++i) {
        const std::optional<Candle> n = native.find(expected[i].openTime);
        ASSERT_TRUE(n.has_value());
        EXPECT_EQ(*n, expected[i]) << "native and derived 15m differ at bucket " << i;
    }
}

TEST(SeriesHub, LiveUpdatesOfTheStreamedSeriesKeepEveryOpenCoarserTimeframeExact) {
    // The simulator's clock runs 45 s into a minute when the test starts, so a minute boundary
    // comes soon after the 1s stream is live (the derived 1m candle then closes).
    const std::int64_t start = nowMs();
    const std::int64_t offset = ((45'000 - start % 60'000) + 60'000) % 60'000;
    test::TempDir dir;
    HubRig::Options options = demo(dir);
    options.sim.clock = [offset] { return nowMs() + offset; };
    HubRig rig(options);

    // 1m is opened, then 1s: the 1m series stays in memory and is now derived live from the
    // streamed 1s candles.
    const SeriesKey minuteKey{"binance", "BTCUSDT", Interval::M1};
    const SeriesKey secondKey{"binance", "BTCUSDT", Interval::S1};
    rig.hub->open(minuteKey);
    ASSERT_TRUE(rig.runUntil([&] { return rig.live(minuteKey, 1000); }, 30s));
    const std::int64_t formingAtSwitch = rig.open().last()->openTime;
    EXPECT_FALSE(rig.open().last()->closed);

    // An observer of the 1m series hears of the live derivation: which minutes changed.
    std::set<std::int64_t> minutesNoticed;
    const auto subscription = rig.hub->subscribe(minuteKey, [&](const session::SeriesChange& change) {
        if (change.kind != session::SeriesChange::Kind::Update) return;
        for (std::int64_t t = change.fromOpenTime; t <= change.toOpenTime; t += 60'000) minutesNoticed.insert(t);
    });
    rig.hub->open(secondKey);
    const auto minutes = [&] { return rig.hub->find(minuteKey); };
    const auto secondsIn = [&](std::int64_t minute) {
        const market::CandleSeries* s = rig.hub->find(secondKey);
        return s ? s->lowerBound(minute + 60'000) - s->lowerBound(minute) : 0;
    };
    // Wait until the minute forming at the switch has closed (made final from the 1s candles)
    // and the next one has been derived from several live 1s updates.
    ASSERT_TRUE(rig.runUntil([&] {
        const market::CandleSeries* m = minutes();
        const std::optional<Candle> switched = m ? m->find(formingAtSwitch) : std::nullopt;
        return switched && switched->closed && m->find(formingAtSwitch + 60'000) &&
               secondsIn(formingAtSwitch + 60'000) >= 5;
    }, 150s)) << "the 1m series in memory did not follow the live 1s stream";
    EXPECT_TRUE(minutesNoticed.contains(formingAtSwitch)) << "the minute closed from 1s candles was not noticed";
    EXPECT_TRUE(minutesNoticed.contains(formingAtSwitch + 60'000)) << "the forming minute was not noticed";
    const market::CandleSeries& derived = *minutes();
    const market::CandleSeries& seconds = *rig.hub->find(secondKey);
    sim::MarketModel model(options.sim.seed);
    const std::int64_t farFuture = nowMs() + offset + 3'600'000;
    // The minute that closed while only the 1s stream ran equals the venue's 1m candle.
    const auto venue = model.klines("BTCUSDT", Interval::M1, formingAtSwitch, formingAtSwitch, 1, farFuture);
    ASSERT_EQ(venue.size(), 1u);
    EXPECT_EQ(*derived.find(formingAtSwitch), venue.front());
    // The forming derived candle is the aggregate of the 1s candles received so far.
    const std::int64_t forming = derived.last()->openTime;
    ASSERT_EQ(forming, formingAtSwitch + 60'000);
    const auto expected = market::aggregate(seconds.candles().subspan(seconds.lowerBound(forming)), Interval::S1,
                                            Interval::M1);
    ASSERT_EQ(expected.size(), 1u);
    EXPECT_EQ(*derived.last(), expected.front());
}

TEST(SeriesHub, ScrollingBackPastTheCacheLoadsTheVenuesOlderCandlesUntilTheListingAndCachesThem) {
    std::int64_t listing = 0;
    test::TempDir dir;
    HubRig::Options options = demo(dir);
    // 2,101 daily candles: the newest page (1,000) when the series opens, then two scroll-back
    // pages from the venue (1,000, and 101 that reach the listing).
    options.sim.clock = clockDaysAfterNknListing(2100, &listing);
    const SeriesKey key{"binance", "NKNUSDT", Interval::D1};
    const sim::MarketModel model(options.sim.seed);
    std::vector<Candle> expected;  // every closed daily candle of the venue, from the listing on
    {
        HubRig rig(options);
        rig.hub->open(key);
        ASSERT_TRUE(rig.runUntil([&] { return rig.live(key, 1000); }, 60s));
        ASSERT_GT(rig.open()[0].openTime, listing) << "the newest page reached the listing";

        // Scrolled back to the first candle, again and again: the cache (empty) has nothing
        // older, so each scroll brings one page from the venue.
        int pages = 0;
        while (!rig.hub->startReached() && pages < 10) {
            const std::uint64_t requests = rig.hub->olderVenueRequests();
            const std::size_t before = rig.open().size();
            rig.hub->loadOlder();
            ASSERT_TRUE(rig.hub->olderLoading());
            rig.hub->loadOlder();  // ignored: one load at a time
            ASSERT_TRUE(rig.runUntil([&] { return !rig.hub->olderLoading(); }, 60s));
            EXPECT_EQ(rig.hub->olderVenueRequests(), requests + 1) << "one venue page per scroll";
            EXPECT_GT(rig.open().size(), before);
            ++pages;
        }
        ASSERT_TRUE(rig.hub->startReached());
        EXPECT_EQ(pages, 2);

        const market::CandleSeries& series = rig.open();
        EXPECT_EQ(series[0].openTime, listing);
        expected = venueCandles(model, "NKNUSDT", Interval::D1, listing, series.last()->openTime,
                                options.sim.clock());
        ASSERT_EQ(expected.size(), 2100u);
        ASSERT_EQ(series.size(), expected.size() + 1);  // + the forming day
        for (std::size_t i = 0; i < expected.size(); ++i)
            ASSERT_EQ(series[i], expected[i]) << "candle " << i << " differs from the venue's";

        // The start is reached: scrolling again asks nothing more and shows nothing more.
        const std::uint64_t requests = rig.hub->olderVenueRequests();
        for (int i = 0; i < 3; ++i) {
            rig.hub->loadOlder();
            EXPECT_FALSE(rig.hub->olderLoading());
        }
        rig.runFor(300ms);  // anything sent would be on its way
        EXPECT_EQ(rig.hub->olderVenueRequests(), requests);
        EXPECT_EQ(rig.open()[0].openTime, listing);
        EXPECT_EQ(rig.open().size(), expected.size() + 1);
    }  // the storage worker writes every queued save before it stops

    // In SQLite: every closed day from the listing on, exactly.
    {
        auto db = storage::CandleDatabase::open(options.databasePath);
        ASSERT_TRUE(db) << db.error().message;
        auto stored = db->loadRange(key, 0, expected.back().openTime + kDayMs);
        ASSERT_TRUE(stored);
        EXPECT_TRUE(*stored == expected) << "stored " << stored->size() << " candles";
    }

    // Reopened with the network unreachable: the whole history comes from the cache.
    HubRig::Options offline;
    offline.simulator = false;
    offline.databasePath = options.databasePath;
    HubRig reopened(offline);
    reopened.hub->open(key);
    ASSERT_TRUE(reopened.runUntil([&] { return reopened.open().size() >= expected.size(); }, 30s));
    const auto cached = reopened.open().candles();
    EXPECT_TRUE(std::vector<Candle>(cached.begin(), cached.end()) == expected);
}

TEST(SeriesHub, TheListingStartIsKeptInTheCacheSoAReopenedSeriesDoesNotAskTheVenueForOlderCandlesAgain) {
    std::int64_t listing = 0;
    test::TempDir dir;
    HubRig::Options options = demo(dir);
    // 1,200 daily candles: the newest page (1,000) when the series opens, one scroll-back page
    // (200) that reaches the listing.
    options.sim.clock = clockDaysAfterNknListing(1200, &listing);
    const SeriesKey key{"binance", "NKNUSDT", Interval::D1};
    {
        HubRig rig(options);
        rig.hub->open(key);
        ASSERT_TRUE(rig.runUntil([&] { return rig.live(key, 1000); }, 60s));
        rig.hub->loadOlder();
        ASSERT_TRUE(rig.runUntil([&] { return !rig.hub->olderLoading(); }, 60s));
        ASSERT_TRUE(rig.hub->startReached());
        EXPECT_EQ(rig.hub->olderVenueRequests(), 1u);
        EXPECT_EQ(rig.open()[0].openTime, listing);
    }  // the storage worker writes every queued job before it stops
    {
        // The coverage table says: nothing at the venue before the listing.
        auto db = storage::CandleDatabase::open(options.databasePath);
        ASSERT_TRUE(db) << db.error().message;
        auto coverage = db->coverage(key);
        ASSERT_TRUE(coverage) << coverage.error().message;
        const storage::CoverageRange gap{session::SeriesHub::kBeforeListingFromMs, listing,
                                         storage::CoverageKind::Gap};
        EXPECT_NE(std::find(coverage->begin(), coverage->end(), gap), coverage->end());
    }

    // Reopened against the venue: the cached candles reach the remembered listing, so scrolling
    // back asks the venue nothing (before, it made one empty request per opening).
    HubRig reopened(options);
    reopened.hub->open(key);
    ASSERT_TRUE(reopened.runUntil([&] { return reopened.live(key, 1200) && reopened.hub->startReached(); }, 60s));
    EXPECT_EQ(reopened.open()[0].openTime, listing);
    const std::uint64_t served = reopened.sim->stats().restRequests;
    for (int i = 0; i < 3; ++i) {
        reopened.hub->loadOlder();
        EXPECT_FALSE(reopened.hub->olderLoading());
    }
    reopened.runFor(500ms);  // anything sent would have been served
    EXPECT_EQ(reopened.hub->olderVenueRequests(), 0u);
    EXPECT_EQ(reopened.sim->stats().restRequests, served);

    // Another series of the same symbol knows nothing of it: its listing is its own.
    reopened.hub->open(SeriesKey{"binance", "NKNUSDT", Interval::W1});
    EXPECT_FALSE(reopened.hub->startReached());
}

TEST(SeriesHub, AScrollBackPageOfASeriesNoLongerOpenIsDropped) {
    std::int64_t listing = 0;
    test::TempDir dir;
    HubRig::Options options = demo(dir);
    options.sim.clock = clockDaysAfterNknListing(1500, &listing);
    HubRig rig(options);
    const SeriesKey daily{"binance", "NKNUSDT", Interval::D1};
    const SeriesKey weekly{"binance", "NKNUSDT", Interval::W1};
    rig.hub->open(daily);
    ASSERT_TRUE(rig.runUntil([&] { return rig.live(daily, 1000); }, 60s));
    const std::size_t dailyCount = rig.open().size();
    const std::int64_t dailyFirst = rig.open()[0].openTime;

    rig.hub->loadOlder();
    ASSERT_TRUE(rig.runUntil([&] { return rig.hub->olderVenueRequests() == 1; }, 60s));
    // The owner thread is busy elsewhere while the venue answers: the page waits in the inbox.
    // (Should it not have come yet, opening the next series cancels it: dropped either way.)
    const std::uint64_t servedBefore = rig.sim->stats().restRequests;
    for (int i = 0; i < 200 && rig.sim->stats().restRequests == servedBefore; ++i)
        std::this_thread::sleep_for(10ms);
    std::this_thread::sleep_for(200ms);
    rig.hub->open(weekly);
    ASSERT_TRUE(rig.runUntil([&] { return rig.live(weekly, 1); }, 60s));
    rig.runFor(300ms);

    // The same, deterministically: a page for the daily series arrives now that it is not open,
    // and an older page for the weekly one that nobody asked for.
    const sim::MarketModel model(options.sim.seed);
    feed::HistoryBatch stale{daily, model.klines("NKNUSDT", Interval::D1, std::nullopt, dailyFirst - 1, 10,
                                                 options.sim.clock())};
    stale.older = true;
    ASSERT_EQ(stale.candles.size(), 10u);
    rig.inbox.post(stale);
    const std::size_t weeklyCount = rig.open().size();
    feed::HistoryBatch unasked{weekly, {}};
    unasked.older = true;
    unasked.startReached = true;
    rig.inbox.post(unasked);
    rig.runFor(300ms);

    const market::CandleSeries* left = rig.hub->find(daily);
    ASSERT_NE(left, nullptr);
    EXPECT_EQ(left->size(), dailyCount) << "a page of the daily series merged after it was left";
    EXPECT_EQ((*left)[0].openTime, dailyFirst);
    EXPECT_FALSE(rig.hub->olderLoading());
    EXPECT_FALSE(rig.hub->startReached()) << "a page not asked for ended the scroll-back";
    EXPECT_EQ(rig.open().size(), weeklyCount);
    // The weekly series' newest page already starts at the listing week; nothing older merged.
    EXPECT_EQ(rig.open()[0].openTime, *model.firstOpenTime("NKNUSDT", Interval::W1));
}

TEST(SeriesHub, ScrollingBackTakesWhatTheCacheHoldsThenTheRestFromTheVenueInOneStep) {
    std::int64_t listing = 0;
    test::TempDir dir;
    HubRig::Options options = demo(dir);
    options.sim.clock = clockDaysAfterNknListing(400, &listing);
    const SeriesKey key{"binance", "NKNUSDT", Interval::H1};
    const sim::MarketModel model(options.sim.seed);
    // The cache holds 5,300 hours from hour 2,000 after the listing: the series opens with the
    // newest 5,000 of them, so 300 older ones are cached and the rest is only at the venue.
    const std::int64_t cachedFrom = listing + 2000 * kHourMs;
    {
        auto db = storage::CandleDatabase::open(options.databasePath);
        ASSERT_TRUE(db) << db.error().message;
        const auto cached = venueCandles(model, "NKNUSDT", Interval::H1, cachedFrom, cachedFrom + 5300 * kHourMs,
                                         options.sim.clock());
        ASSERT_EQ(cached.size(), 5300u);
        ASSERT_TRUE(db->upsert(key, cached));
    }
    HubRig rig(options);
    rig.hub->open(key);
    ASSERT_TRUE(rig.runUntil([&] { return rig.live(key, 5000); }, 60s));
    ASSERT_EQ(rig.open()[0].openTime, cachedFrom + 300 * kHourMs);

    rig.hub->loadOlder();
    ASSERT_TRUE(rig.runUntil([&] { return !rig.hub->olderLoading(); }, 60s));
    // The 300 cached hours, then (the cache has nothing older) one page of 1,000 from the venue.
    EXPECT_EQ(rig.hub->olderVenueRequests(), 1u);
    EXPECT_FALSE(rig.hub->startReached());
    const market::CandleSeries& series = rig.open();
    ASSERT_EQ(series[0].openTime, cachedFrom - 1000 * kHourMs);
    const auto expected = venueCandles(model, "NKNUSDT", Interval::H1, series[0].openTime, series.last()->openTime,
                                       options.sim.clock());
    ASSERT_EQ(series.size(), expected.size() + 1);  // + the forming hour
    for (std::size_t i = 0; i < expected.size(); ++i)
        ASSERT_EQ(series[i], expected[i]) << "candle " << i << " differs from the venue's";
}
