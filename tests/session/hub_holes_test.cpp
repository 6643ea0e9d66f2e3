// Holes in the cache, found when a series opens and filled from the venue (the simulator): a run
// of missing candles between cached ones, candles derived from a finer series older than the
// feed's first page, and a stretch where the venue has nothing (recorded as a gap). Each is
// recorded in the coverage table so that the next opening asks the venue nothing for it.
#include <gtest/gtest.h>

#include <algorithm>

#include "cpc/core/time.hpp"
#include "cpc/sim/market_model.hpp"
#include "cpc/storage/candle_database.hpp"
#include "hub_rig.hpp"

using namespace cpc;
using namespace std::chrono_literals;
using test::HubRig;

namespace {

HubRig::Options simulated(const test::TempDir& dir, const std::string& exchange = "binance") {
    HubRig::Options options;
    options.databasePath = dir.file("holes.sqlite3");
    options.sim.exchange = exchange;
    options.sim.klinePushInterval = 100ms;
    return options;
}

// The model's candles of `interval` with open time in [from, to) (Binance's view: every interval).
std::vector<Candle> modelCandles(const sim::MarketModel& model, const std::string& symbol, Interval interval,
                                 std::int64_t from, std::int64_t to) {
    std::vector<Candle> out;
    const std::int64_t venueNow = nowMs();
    while (from < to) {
        const auto page = model.klines(symbol, interval, from, to - 1, sim::MarketModel::kMaxLimit, venueNow);
        if (page.empty()) break;
        from = page.back().openTime + 1;
        out.insert(out.end(), page.begin(), page.end());
    }
    return out;
}

void writeCache(const std::string& path, const SeriesKey& key, const std::vector<Candle>& candles) {
    auto db = storage::CandleDatabase::open(path);
    ASSERT_TRUE(db) << db.error().message;
    ASSERT_TRUE(db->upsert(key, candles));
}

std::vector<storage::CoverageRange> coverageOf(const std::string& path, const SeriesKey& key) {
    auto db = storage::CandleDatabase::open(path);
    EXPECT_TRUE(db) << db.error().message;
    if (!db) return {};
    auto coverage = db->coverage(key);
    EXPECT_TRUE(coverage) << coverage.error().message;
    return coverage ? *coverage : std::vector<storage::CoverageRange>{};
}

// Whether one range of `kind` contains [from, to).
bool covered(const std::vector<storage::CoverageRange>& coverage, storage::CoverageKind kind, std::int64_t from,
             std::int64_t to) {
    return std::any_of(coverage.begin(), coverage.end(), [&](const storage::CoverageRange& r) {
        return r.kind == kind && r.fromMs <= from && to <= r.toMs;
    });
}

// The hub opened `key`, its feed is live and the hole search has run with every answer in.
bool settled(const HubRig& rig, const SeriesKey& key, std::size_t atLeast) {
    return rig.live(key, atLeast) && rig.hub->holesSearched() && rig.hub->holesLoading() == 0;
}

}  // namespace

// The app was closed for a while and later scrolled back only partly: the cache holds two runs of
// minutes with 400 missing between them. Opening the series fills them from the venue, records
// the range Complete, and a reopening asks the venue nothing for it.
TEST(SeriesHubHoles, AHoleBetweenCachedRunsIsFilledRecordedCompleteAndNotAskedAgain) {
    test::TempDir dir;
    const HubRig::Options options = simulated(dir);
    const SeriesKey key{"binance", "BTCUSDT", Interval::M1};
    const sim::MarketModel model(options.sim.seed);
    const std::int64_t t0 = bucketStart(Interval::M1, nowMs()) - 2000 * kMinuteMs;
    const std::int64_t holeFrom = t0 + 1000 * kMinuteMs;
    const std::int64_t holeTo = t0 + 1400 * kMinuteMs;
    const std::int64_t cachedTo = t0 + 1940 * kMinuteMs;
    {
        auto cached = modelCandles(model, "BTCUSDT", Interval::M1, t0, holeFrom);
        const auto newer = modelCandles(model, "BTCUSDT", Interval::M1, holeTo, cachedTo);
        cached.insert(cached.end(), newer.begin(), newer.end());
        ASSERT_EQ(cached.size(), 1540u);
        writeCache(options.databasePath, key, cached);
    }
    std::uint64_t firstOpening = 0;  // REST requests the simulator served
    {
        HubRig rig(options);
        rig.hub->open(key);
        ASSERT_TRUE(rig.runUntil([&] { return settled(rig, key, 1990); }, 60s));
        EXPECT_EQ(rig.hub->holeVenueRequests(), 1u) << "the hole is one request";
        ASSERT_TRUE(rig.errors.empty()) << rig.errors.front().error.message;
        const market::CandleSeries& series = rig.open();
        ASSERT_EQ(series[0].openTime, t0);
        const auto expected = modelCandles(model, "BTCUSDT", Interval::M1, t0, series.last()->openTime);
        ASSERT_EQ(series.size(), expected.size() + 1);  // + the forming minute
        for (std::size_t i = 0; i < expected.size(); ++i)
            ASSERT_EQ(series[i], expected[i]) << "minute " << i << " differs from the venue's";
        rig.runFor(300ms);
        firstOpening = rig.sim->stats().restRequests;
    }  // the storage worker writes every queued job before it stops
    EXPECT_TRUE(covered(coverageOf(options.databasePath, key), storage::CoverageKind::Complete, holeFrom, holeTo));
    {
        auto db = storage::CandleDatabase::open(options.databasePath);
        ASSERT_TRUE(db);
        auto stored = db->loadRange(key, holeFrom, holeTo - 1);
        ASSERT_TRUE(stored);
        EXPECT_TRUE(*stored == modelCandles(model, "BTCUSDT", Interval::M1, holeFrom, holeTo));
    }

    // Reopened: what any opening asks (the venue's clock, the backfill page), nothing for the hole.
    HubRig reopened(options);
    reopened.hub->open(key);
    ASSERT_TRUE(reopened.runUntil([&] { return settled(reopened, key, 1990); }, 60s));
    reopened.runFor(500ms);  // anything sent would have been served
    EXPECT_EQ(reopened.hub->holeVenueRequests(), 0u);
    EXPECT_LT(reopened.sim->stats().restRequests, firstOpening);
    EXPECT_EQ(reopened.sim->stats().restRequests, 2u);
}

// 5m derived from 10,000 cached minutes in memory is 2,000 candles; the feed's first page of 5m
// brings the newest 1,000. The derived candles older than it are replaced by the venue's own too
// (the cached minutes here differ from the venue's, so a derived candle left over shows).
TEST(SeriesHubHoles, DerivedCandlesOlderThanTheFirstPageAreReplacedByTheVenues) {
    test::TempDir dir;
    const HubRig::Options options = simulated(dir);
    const SeriesKey minuteKey{"binance", "BTCUSDT", Interval::M1};
    const SeriesKey fiveKey{"binance", "BTCUSDT", Interval::M5};
    const sim::MarketModel model(options.sim.seed);
    const std::int64_t t0 = bucketStart(Interval::H1, nowMs()) - 10000 * kMinuteMs;  // also a 5m bucket start
    const std::int64_t cachedTo = t0 + 9990 * kMinuteMs;
    {
        auto cached = modelCandles(model, "BTCUSDT", Interval::M1, t0, cachedTo);
        for (Candle& c : cached) c.volume = c.volume + c.volume;  // not the venue's
        writeCache(options.databasePath, minuteKey, cached);
    }
    std::int64_t first = 0;  // of the minutes in memory when 5m opens
    {
        HubRig rig(options);
        rig.hub->open(minuteKey);
        ASSERT_TRUE(rig.runUntil([&] { return settled(rig, minuteKey, 5000); }, 60s));
        rig.hub->loadOlder();  // the older 4,990 cached minutes (and a page of the venue's before them)
        ASSERT_TRUE(rig.runUntil([&] { return !rig.hub->olderLoading(); }, 60s));
        first = rig.open()[0].openTime;
        ASSERT_LE(first, t0);

        rig.hub->open(fiveKey);
        ASSERT_GE(rig.open().size(), 1990u) << "5m was not derived from the minutes in memory";
        ASSERT_EQ(rig.open()[0].openTime, first);
        ASSERT_TRUE(rig.runUntil([&] { return settled(rig, fiveKey, 1990); }, 60s));
        EXPECT_EQ(rig.hub->holeVenueRequests(), 1u) << "the derived candles before the first page: one request";
        ASSERT_TRUE(rig.errors.empty()) << rig.errors.front().error.message;
        const market::CandleSeries& series = rig.open();
        ASSERT_EQ(series[0].openTime, first);
        const auto expected = modelCandles(model, "BTCUSDT", Interval::M5, first, series.last()->openTime);
        ASSERT_EQ(series.size(), expected.size() + 1);  // + the forming candle
        for (std::size_t i = 0; i < expected.size(); ++i)
            ASSERT_EQ(series[i], expected[i]) << "5m candle " << i << " is not the venue's";
        rig.runFor(300ms);
    }
    // The venue's candles there are cached, and known complete.
    EXPECT_TRUE(covered(coverageOf(options.databasePath, fiveKey), storage::CoverageKind::Complete, t0,
                        t0 + 4900 * kMinuteMs));
    auto db = storage::CandleDatabase::open(options.databasePath);
    ASSERT_TRUE(db);
    auto stored = db->loadRange(fiveKey, t0, t0 + 4900 * kMinuteMs - 1);
    ASSERT_TRUE(stored);
    EXPECT_TRUE(*stored == modelCandles(model, "BTCUSDT", Interval::M5, t0, t0 + 4900 * kMinuteMs));
}

// KuCoin has no candle for a minute without trades: BTC-USDT is quiet for 3 hours inside the
// cached range. The hole is asked once, recorded as a Gap, and not asked again.
TEST(SeriesHubHoles, AHoleTheVenueHasNoCandlesForIsRecordedAsAGapAndNotAskedAgain) {
    test::TempDir dir;
    HubRig::Options options = simulated(dir, "kucoin");
    const std::int64_t t0 = bucketStart(Interval::H1, nowMs()) - 2000 * kMinuteMs;
    const std::int64_t quietFrom = t0 + 1000 * kMinuteMs;
    const std::int64_t quietTo = quietFrom + 3 * kHourMs;
    options.sim.symbols = sim::MarketModel::defaultSymbols();
    for (sim::SimSymbol& s : options.sim.symbols)
        if (s.symbol == "BTCUSDT") s.quietWindows = {{quietFrom, quietTo}};
    const sim::MarketModel model(options.sim.seed, options.sim.symbols);
    std::string symbol;
    {
        HubRig probe(options);
        symbol = probe.adapter->symbolFor("BTC", "USDT");
    }
    const SeriesKey key{"kucoin", symbol, Interval::M1};
    {
        // KuCoin's history: the traded minutes only.
        auto cached = modelCandles(model, "BTCUSDT", Interval::M1, t0, t0 + 1940 * kMinuteMs);
        std::erase_if(cached, [](const Candle& c) { return c.trades <= 0; });
        ASSERT_EQ(std::count_if(cached.begin(), cached.end(),
                                [&](const Candle& c) { return c.openTime >= quietFrom && c.openTime < quietTo; }),
                  0);
        writeCache(options.databasePath, key, cached);
    }
    std::uint64_t firstOpening = 0;
    std::uint64_t holes = 0;
    {
        HubRig rig(options);
        rig.hub->open(key);
        ASSERT_TRUE(rig.runUntil([&] { return settled(rig, key, 1500); }, 60s));
        ASSERT_TRUE(rig.errors.empty()) << rig.errors.front().error.message;
        holes = rig.hub->holeVenueRequests();
        EXPECT_GE(holes, 1u);
        const market::CandleSeries& series = rig.open();
        EXPECT_EQ(series.lowerBound(quietTo) - series.lowerBound(quietFrom), 0u);
        rig.runFor(300ms);
        firstOpening = rig.sim->stats().restRequests;
    }
    EXPECT_TRUE(covered(coverageOf(options.databasePath, key), storage::CoverageKind::Gap, quietFrom, quietTo));

    HubRig reopened(options);
    reopened.hub->open(key);
    ASSERT_TRUE(reopened.runUntil([&] { return settled(reopened, key, 1500); }, 60s));
    reopened.runFor(500ms);
    // What any opening asks (the stream token, the venue's clock, the backfill page), nothing more.
    EXPECT_EQ(reopened.hub->holeVenueRequests(), 0u);
    EXPECT_LT(reopened.sim->stats().restRequests, firstOpening);
    EXPECT_EQ(reopened.sim->stats().restRequests, 3u);
}

// A hole whose load a switch cut short (the user left the symbol before the venue answered) is
// asked for again when the series is reopened from memory: the memory tier is searched against
// the coverage table too (it used to be searched only when the series came from SQLite).
TEST(SeriesHubHoles, AHoleCutShortByASwitchIsFilledWhenTheSeriesIsReopenedFromMemory) {
    test::TempDir dir;
    HubRig::Options options = simulated(dir);
    options.sim.restDelay = 400ms;  // the hole's answer comes after the switch
    const SeriesKey key{"binance", "BTCUSDT", Interval::M1};
    const SeriesKey other{"binance", "ETHUSDT", Interval::M1};
    const sim::MarketModel model(options.sim.seed);
    const std::int64_t t0 = bucketStart(Interval::M1, nowMs()) - 2000 * kMinuteMs;
    const std::int64_t holeFrom = t0 + 1000 * kMinuteMs;
    const std::int64_t holeTo = t0 + 1400 * kMinuteMs;
    {
        auto cached = modelCandles(model, "BTCUSDT", Interval::M1, t0, holeFrom);
        const auto newer = modelCandles(model, "BTCUSDT", Interval::M1, holeTo, t0 + 1940 * kMinuteMs);
        cached.insert(cached.end(), newer.begin(), newer.end());
        writeCache(options.databasePath, key, cached);
    }
    HubRig rig(options);
    rig.hub->open(key);
    ASSERT_TRUE(rig.runUntil([&] { return rig.hub->holeVenueRequests() >= 1; }, 30s));
    rig.hub->open(other);  // before the venue answers: the hole's pages are dropped
    ASSERT_TRUE(rig.runUntil([&] { return rig.live(other, 500); }, 60s));
    {
        const market::CandleSeries* left = rig.hub->store().find(key);
        ASSERT_NE(left, nullptr);
        EXPECT_EQ(left->lowerBound(holeTo) - left->lowerBound(holeFrom), 0u) << "the cut load filled nothing";
    }
    const std::uint64_t asked = rig.hub->holeVenueRequests();

    rig.hub->open(key);  // from memory
    ASSERT_TRUE(rig.runUntil([&] { return settled(rig, key, 1990); }, 60s));
    EXPECT_EQ(rig.hub->holeVenueRequests(), asked + 1) << "the hole is asked again";
    const market::CandleSeries& series = rig.open();
    const auto expected = modelCandles(model, "BTCUSDT", Interval::M1, holeFrom, holeTo);
    ASSERT_EQ(series.lowerBound(holeTo) - series.lowerBound(holeFrom), expected.size());
    for (std::size_t i = 0, at = series.lowerBound(holeFrom); i < expected.size(); ++i, ++at)
        ASSERT_EQ(series[at], expected[i]) << "minute " << i << " of the hole";
    rig.storage->flush();
    EXPECT_TRUE(covered(coverageOf(options.databasePath, key), storage::CoverageKind::Complete, holeFrom, holeTo));
}
