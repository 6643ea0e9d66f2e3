// The series hub with a fake owner: what it asks of the venue is recorded, feed events are
// handed to apply() by the test, storage answers come back through an inbox the test drains.
#include <gtest/gtest.h>

#include <optional>
#include <tuple>

#include "cpc/market/aggregate.hpp"
#include "cpc/storage/candle_database.hpp"
#include "hub_rig.hpp"
#include "market/market_test_util.hpp"

using namespace cpc;
using session::SeriesChange;

namespace {

struct FakeOwner {
    explicit FakeOwner(const test::TempDir& dir, std::size_t budget = market::CandleStore::kDefaultBudgetBytes,
                       bool fillsHoles = false)
        : storage(dir.file("cache.sqlite3")) {
        session::SeriesHub::Hooks hooks;
        hooks.post = inbox.executor();
        hooks.openFeed = [this](const SeriesKey& key, std::optional<std::int64_t> resume) {
            opened.emplace_back(key, resume);
        };
        hooks.loadOlder = [this](const SeriesKey& key, std::int64_t before) { older.emplace_back(key, before); };
        hooks.notice = [this](const std::string& message) { notices.push_back(message); };
        if (fillsHoles)
            hooks.loadRange = [this](const SeriesKey&, std::int64_t from, std::int64_t to) { ranges.emplace_back(from, to); };
        hub = std::make_unique<session::SeriesHub>(storage, std::move(hooks), budget);
    }
    // Every storage job queued so far has answered, and its answer has run here.
    void settle() {
        storage.flush();
        for (session::Handoff& item : inbox.takeAll()) {
            if (auto* event = std::get_if<feed::FeedEvent>(&item)) hub->apply(std::move(*event));
            else std::get<session::Task>(item)();
        }
    }

    session::Inbox inbox;
    storage::StorageWorker storage;
    std::unique_ptr<session::SeriesHub> hub;
    std::vector<std::pair<SeriesKey, std::optional<std::int64_t>>> opened;
    std::vector<std::pair<SeriesKey, std::int64_t>> older;
    std::vector<std::pair<std::int64_t, std::int64_t>> ranges;  // hole loads asked of the venue
    std::vector<std::string> notices;
};

struct Recorder {
    std::vector<SeriesChange> changes;
    session::SeriesHub::Observer observer() {
        return [this](const SeriesChange& c) { changes.push_back(c); };
    }
};

constexpr std::int64_t kStart = 1'700'000'000'000LL / 3'600'000 * 3'600'000;  // on the hour

// `n` flat hourly candles from `from` on.
std::vector<Candle> hours(std::int64_t from, int n) {
    std::vector<Candle> out;
    for (int i = 0; i < n; ++i) out.push_back(test::makeCandle(from + i * 3'600'000LL, 10, 11, 9, 10, 1));
    return out;
}

feed::HistoryBatch history(const SeriesKey& key, std::vector<Candle> candles) {
    return feed::HistoryBatch{key, std::move(candles)};
}

}  // namespace

TEST(SeriesHub, AChangeNoticeReachesTheObserversOfItsKeyAndNoOther) {
    test::TempDir dir;
    FakeOwner owner(dir);
    const SeriesKey btc{"binance", "BTCUSDT", Interval::M1};
    const SeriesKey eth{"binance", "ETHUSDT", Interval::M1};
    Recorder btcSeen, ethSeen;
    auto btcSub = owner.hub->subscribe(btc, btcSeen.observer());
    const auto ethSub = owner.hub->subscribe(eth, ethSeen.observer());

    owner.hub->open(btc);
    ASSERT_EQ(btcSeen.changes.size(), 1u);
    EXPECT_EQ(btcSeen.changes[0].kind, SeriesChange::Kind::Reset);
    EXPECT_EQ(btcSeen.changes[0].key, btc);
    EXPECT_TRUE(ethSeen.changes.empty());

    const auto minutes = test::randomMinutes(kStart, 10, 1);
    EXPECT_TRUE(owner.hub->apply(history(btc, minutes)));
    ASSERT_EQ(btcSeen.changes.size(), 2u);
    EXPECT_EQ(btcSeen.changes[1].kind, SeriesChange::Kind::Update);
    EXPECT_EQ(btcSeen.changes[1].fromOpenTime, minutes.front().openTime);
    EXPECT_EQ(btcSeen.changes[1].toOpenTime, minutes.back().openTime);
    EXPECT_TRUE(ethSeen.changes.empty()) << "ETHUSDT's observer heard of BTCUSDT's candles";

    // A live update of the other key (streamed in the background) reaches only its observer.
    const Candle ethMinute = test::makeCandle(kStart, 10, 11, 9, 10.5, 3, 5, false);
    EXPECT_TRUE(owner.hub->apply(exchange::KlineUpdate{eth, ethMinute, 0}));
    ASSERT_EQ(ethSeen.changes.size(), 1u);
    EXPECT_EQ(ethSeen.changes[0].kind, SeriesChange::Kind::Update);
    EXPECT_EQ(ethSeen.changes[0].fromOpenTime, kStart);
    EXPECT_EQ(ethSeen.changes[0].toOpenTime, kStart);
    EXPECT_EQ(btcSeen.changes.size(), 2u);

    // A repeat changes nothing and tells nobody.
    EXPECT_FALSE(owner.hub->apply(exchange::KlineUpdate{eth, ethMinute, 0}));
    EXPECT_EQ(ethSeen.changes.size(), 1u);

    // Unsubscribed: no more notices, the other observer still hears.
    btcSub.reset();
    Candle next = minutes.back();
    next.openTime += 60'000;
    next.closed = false;
    EXPECT_TRUE(owner.hub->apply(exchange::KlineUpdate{btc, next, 0}));
    EXPECT_EQ(btcSeen.changes.size(), 2u);
    EXPECT_TRUE(owner.hub->apply(exchange::KlineUpdate{eth, test::makeCandle(kStart + 60'000, 10, 12, 9, 11, 2), 0}));
    EXPECT_EQ(ethSeen.changes.size(), 2u);
}

TEST(SeriesHub, OpeningACachedSeriesMergesTheCacheThenOpensTheFeedFromItsNewestClosedCandle) {
    test::TempDir dir;
    const SeriesKey key{"binance", "BTCUSDT", Interval::M1};
    const auto cached = test::randomMinutes(kStart, 100, 2);
    {
        auto db = storage::CandleDatabase::open(dir.file("cache.sqlite3"));
        ASSERT_TRUE(db) << db.error().message;
        ASSERT_TRUE(db->upsert(key, cached));
    }
    FakeOwner owner(dir);
    Recorder seen;
    const auto sub = owner.hub->subscribe(key, seen.observer());
    owner.hub->open(key);
    // The feed waits for the cache: it must be asked only for what follows it.
    EXPECT_TRUE(owner.opened.empty());
    EXPECT_TRUE(owner.hub->openSeries()->empty());
    owner.settle();
    ASSERT_EQ(owner.opened.size(), 1u);
    EXPECT_EQ(owner.opened[0].first, key);
    EXPECT_EQ(owner.opened[0].second, cached.back().openTime);
    ASSERT_EQ(owner.hub->openSeries()->size(), cached.size());
    ASSERT_EQ(seen.changes.size(), 2u);  // Reset on open, Update when the cache merged
    EXPECT_EQ(seen.changes[1].kind, SeriesChange::Kind::Update);
    EXPECT_EQ(seen.changes[1].fromOpenTime, cached.front().openTime);
    EXPECT_EQ(seen.changes[1].toOpenTime, cached.back().openTime);

    // A live candle is saved once closed; back to this series after another: the memory tier
    // answers at once and the feed resumes from the newest closed candle held.
    Candle live = test::makeCandle(cached.back().openTime + 60'000, 100, 101, 99, 100.5, 4);
    owner.hub->apply(exchange::KlineUpdate{key, live, 0});
    owner.hub->open(SeriesKey{"binance", "BTCUSDT", Interval::H1});
    owner.settle();
    owner.opened.clear();
    owner.hub->open(key);
    ASSERT_EQ(owner.opened.size(), 1u) << "a memory hit opens the feed without waiting for storage";
    EXPECT_EQ(owner.opened[0].second, live.openTime);
    owner.settle();
    auto db = storage::CandleDatabase::open(dir.file("cache.sqlite3"));
    ASSERT_TRUE(db);
    const auto stored = db->loadRange(key, live.openTime, live.openTime);
    ASSERT_TRUE(stored);
    ASSERT_EQ(stored->size(), 1u);
    EXPECT_EQ(stored->front(), live);
}

TEST(SeriesHub, ACoarserSeriesInMemoryFollowsLiveUpdatesOfAFinerOne) {
    test::TempDir dir;
    FakeOwner owner(dir);
    const SeriesKey minuteKey{"binance", "BTCUSDT", Interval::M1};
    const SeriesKey quarterKey{"binance", "BTCUSDT", Interval::M15};
    const auto minutes = test::randomMinutes(kStart, 61, 3);  // 4 whole quarters and one minute
    owner.hub->open(quarterKey);
    owner.hub->apply(history(quarterKey, market::aggregate(std::span(minutes).first(60), Interval::M1,
                                                           Interval::M15)));
    owner.hub->open(minuteKey);
    owner.hub->apply(history(minuteKey, minutes));
    Recorder quarterSeen;
    const auto sub = owner.hub->subscribe(quarterKey, quarterSeen.observer());

    // The fifth quarter forms from live minutes of the open 1m series.
    Candle tick = test::makeCandle(kStart + 61 * 60'000LL, 100, 103, 98, 102, 7, 12, false);
    ASSERT_TRUE(owner.hub->apply(exchange::KlineUpdate{minuteKey, tick, 0}));
    ASSERT_FALSE(quarterSeen.changes.empty());
    EXPECT_EQ(quarterSeen.changes.back().kind, SeriesChange::Kind::Update);
    EXPECT_EQ(quarterSeen.changes.back().toOpenTime, kStart + 60 * 60'000LL);
    const market::CandleSeries& quarters = *owner.hub->find(quarterKey);
    const market::CandleSeries& source = *owner.hub->find(minuteKey);
    const auto expected = market::aggregate(source.candles().subspan(60), Interval::M1, Interval::M15);
    ASSERT_EQ(expected.size(), 1u);
    ASSERT_EQ(quarters.size(), 5u);
    EXPECT_EQ(*quarters.last(), expected.front());
    EXPECT_FALSE(quarters.last()->closed);
}

TEST(SeriesHub, ScrollBackAsksTheCacheThenTheVenueAndRemembersTheListingStart) {
    test::TempDir dir;
    FakeOwner owner(dir);
    const SeriesKey key{"binance", "NKNUSDT", Interval::H1};
    owner.hub->open(key);
    owner.settle();  // nothing cached: the feed opens from the newest page
    owner.hub->apply(history(key, hours(kStart, 20)));

    owner.hub->loadOlder();
    EXPECT_TRUE(owner.hub->olderLoading());
    EXPECT_TRUE(owner.older.empty()) << "the venue was asked before the cache answered";
    owner.settle();  // the cache has nothing older: the venue is asked in the same step
    ASSERT_EQ(owner.older.size(), 1u);
    EXPECT_EQ(owner.older[0], std::make_pair(key, kStart));
    EXPECT_TRUE(owner.hub->olderLoading());

    // The page fails: the load ends; the next scroll asks the venue again at once.
    owner.hub->apply(feed::FeedError{key, Error{"timeout"}, feed::FeedError::Job::Older});
    EXPECT_FALSE(owner.hub->olderLoading());
    owner.hub->loadOlder();
    ASSERT_EQ(owner.older.size(), 2u);

    // The listing: five older hours and nothing before them.
    feed::HistoryBatch page{key, hours(kStart - 5 * 3'600'000LL, 5)};
    page.older = true;
    page.startReached = true;
    EXPECT_TRUE(owner.hub->apply(std::move(page)));
    EXPECT_FALSE(owner.hub->olderLoading());
    EXPECT_TRUE(owner.hub->startReached());
    EXPECT_EQ((*owner.hub->openSeries())[0].openTime, kStart - 5 * 3'600'000LL);
    owner.hub->loadOlder();
    EXPECT_EQ(owner.older.size(), 2u) << "asked the venue again after the listing start";
    EXPECT_EQ(owner.hub->olderVenueRequests(), 2u);

    owner.settle();
    auto db = storage::CandleDatabase::open(dir.file("cache.sqlite3"));
    ASSERT_TRUE(db);
    const auto coverage = db->coverage(key);
    ASSERT_TRUE(coverage);
    const storage::CoverageRange gap{session::SeriesHub::kBeforeListingFromMs, kStart - 5 * 3'600'000LL,
                                     storage::CoverageKind::Gap};
    EXPECT_NE(std::find(coverage->begin(), coverage->end(), gap), coverage->end());
    EXPECT_EQ(db->loadRange(key, 0, kStart + 30 * 3'600'000LL)->size(), 25u);
}

// A scroll-back load comes in several pages, newest first (the feed asks them at once, issue 21):
// each is merged as it comes, and the load ends with the page that says it is the last.
TEST(SeriesHub, AScrollBackInSeveralPagesEndsWithItsLastPage) {
    test::TempDir dir;
    FakeOwner owner(dir);
    const SeriesKey key{"binance", "NKNUSDT", Interval::H1};
    owner.hub->open(key);
    owner.settle();
    owner.hub->apply(history(key, hours(kStart, 20)));
    owner.hub->loadOlder();
    owner.settle();  // nothing cached: the venue is asked
    ASSERT_EQ(owner.older.size(), 1u);
    for (int page = 1; page <= 3; ++page) {
        feed::HistoryBatch batch{key, hours(kStart - page * 10 * 3'600'000LL, 10)};
        batch.older = true;
        batch.rangeEnd = page == 3;
        EXPECT_TRUE(owner.hub->apply(std::move(batch)));
        EXPECT_EQ((*owner.hub->openSeries())[0].openTime, kStart - page * 10 * 3'600'000LL) << "page " << page;
        EXPECT_EQ(owner.hub->olderLoading(), page < 3) << "page " << page;
        owner.hub->loadOlder();
        owner.settle();
        EXPECT_EQ(owner.older.size(), page < 3 ? 1u : 2u) << "asked again while the load was still coming";
    }
    EXPECT_FALSE(owner.hub->startReached());
    EXPECT_EQ(owner.hub->openSeries()->size(), 50u);
}

TEST(SeriesHub, OverTheMemoryBudgetTheLeastRecentlyUsedSeriesGoesAndItsObserversHearOfIt) {
    test::TempDir dir;
    FakeOwner owner(dir);
    const SeriesKey a{"binance", "BTCUSDT", Interval::M1};
    const SeriesKey b{"binance", "ETHUSDT", Interval::M1};
    const SeriesKey c{"binance", "ADAUSDT", Interval::M1};
    for (const SeriesKey& key : {a, b, c}) {
        owner.hub->open(key);
        owner.hub->apply(history(key, test::randomMinutes(kStart, 500, 4)));
    }
    Recorder aSeen;
    const auto sub = owner.hub->subscribe(a, aSeen.observer());
    const auto bytesOf = [&](const SeriesKey& k) {
        return owner.hub->find(k)->memoryBytes() + sizeof(market::CandleSeries);
    };
    owner.hub->setMemoryBudgetBytes(bytesOf(b) + bytesOf(c));
    EXPECT_EQ(owner.hub->find(a), nullptr);
    EXPECT_NE(owner.hub->find(b), nullptr);
    ASSERT_EQ(aSeen.changes.size(), 1u);
    EXPECT_EQ(aSeen.changes[0].kind, SeriesChange::Kind::Reset);
    // Below the open series' own size everything else goes, never the open series.
    owner.hub->setMemoryBudgetBytes(1);
    EXPECT_EQ(owner.hub->store().seriesCount(), 1u);
    ASSERT_NE(owner.hub->openSeries(), nullptr);
    EXPECT_EQ(owner.hub->openSeries()->key(), c);
}

// Two holes load while a scroll-back runs. Each failure ends its own load only: a hole that failed
// is not recorded (asked again next time), the other hole's pages are still taken and recorded,
// and the scroll-back goes on until its own failure. (Before, any FeedError of the series dropped
// every hole load and ended the scroll-back.)
TEST(SeriesHub, AFailedHoleOrScrollBackEndsThatLoadOnly) {
    test::TempDir dir;
    const SeriesKey key{"binance", "BTCUSDT", Interval::M1};
    constexpr std::int64_t kMinute = 60'000;
    const auto minutes = [&](std::int64_t from, std::int64_t to) {
        std::vector<Candle> out;
        for (std::int64_t i = from; i < to; ++i) out.push_back(test::makeCandle(kStart + i * kMinute, 10, 11, 9, 10, 1));
        return out;
    };
    {
        // Cached: minutes [0, 100), [200, 1500), [1600, 1700): holes [100, 200) and [1500, 1600),
        // too far apart to be one request.
        auto db = storage::CandleDatabase::open(dir.file("cache.sqlite3"));
        ASSERT_TRUE(db) << db.error().message;
        for (const auto& [from, to] : {std::pair{0, 100}, std::pair{200, 1500}, std::pair{1600, 1700}})
            ASSERT_TRUE(db->upsert(key, minutes(from, to)));
    }
    FakeOwner owner(dir, market::CandleStore::kDefaultBudgetBytes, /*fillsHoles=*/true);
    owner.hub->open(key);
    owner.settle();
    ASSERT_EQ(owner.ranges.size(), 2u);
    const std::pair<std::int64_t, std::int64_t> newer{kStart + 1500 * kMinute, kStart + 1600 * kMinute};
    const std::pair<std::int64_t, std::int64_t> older{kStart + 100 * kMinute, kStart + 200 * kMinute};
    EXPECT_EQ(owner.ranges[0], newer);  // newest first
    EXPECT_EQ(owner.ranges[1], older);
    ASSERT_EQ(owner.hub->holesLoading(), 2u);
    // Scroll back past the cache: the venue is asked.
    owner.hub->loadOlder();
    owner.settle();
    ASSERT_EQ(owner.older.size(), 1u);
    ASSERT_TRUE(owner.hub->olderLoading());

    // The newer hole's load fails.
    owner.hub->apply(feed::FeedError{key, Error{"timeout"}, feed::FeedError::Job::Range, newer.first, newer.second});
    EXPECT_EQ(owner.hub->holesLoading(), 1u);
    EXPECT_TRUE(owner.hub->olderLoading()) << "a hole's failure ended the scroll-back";
    // The older hole's page still lands.
    feed::HistoryBatch page{key, minutes(100, 200)};
    page.filled = true;
    page.fromOpenTime = older.first;
    page.toOpenTime = older.second;
    page.rangeEnd = true;
    EXPECT_TRUE(owner.hub->apply(std::move(page))) << "the other hole's page was dropped";
    EXPECT_EQ(owner.hub->holesLoading(), 0u);
    EXPECT_EQ(owner.hub->openSeries()->size(), 1600u);
    // The scroll-back's own failure ends it.
    owner.hub->apply(feed::FeedError{key, Error{"timeout"}, feed::FeedError::Job::Older});
    EXPECT_FALSE(owner.hub->olderLoading());

    owner.settle();
    auto db = storage::CandleDatabase::open(dir.file("cache.sqlite3"));
    ASSERT_TRUE(db);
    const auto coverage = db->coverage(key);
    ASSERT_TRUE(coverage);
    const storage::CoverageRange filled{older.first, older.second, storage::CoverageKind::Complete};
    EXPECT_NE(std::find(coverage->begin(), coverage->end(), filled), coverage->end());
    for (const storage::CoverageRange& r : *coverage)
        EXPECT_FALSE(r.fromMs < newer.second && newer.first < r.toMs) << "the failed hole was recorded";
}
