#include "cpc/storage/candle_database.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "storage_test_util.hpp"

namespace cpc::storage {
namespace {

using test::btc1m;
using test::dec;
using test::eth1h;
using test::minuteCandles;
using test::TempDir;

CandleDatabase openFresh(const TempDir& dir) {
    auto db = CandleDatabase::open(dir.file("candles.sqlite3"));
    EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().message);
    return std::move(db).value();
}

Candle exactCandle(std::int64_t openTime, std::string_view price, std::string_view volume) {
    Candle c;
    c.openTime = openTime;
    c.open = c.close = dec(price);
    c.low = dec(price);
    c.high = dec(price) + dec("0.00000001");
    c.volume = dec(volume);
    c.quoteVolume = dec(volume);
    c.takerBuyBase = dec(volume);
    c.takerBuyQuote = dec("0");
    c.trades = 3;
    c.closed = true;
    return c;
}

TEST(CandleDatabase, NewDatabaseHasCurrentSchemaVersionAndNoSeries) {
    TempDir dir;
    auto db = openFresh(dir);
    EXPECT_EQ(db.schemaVersion(), CandleDatabase::kSchemaVersion);
    EXPECT_EQ(db.path(), dir.file("candles.sqlite3"));
    auto series = db.listSeries();
    ASSERT_TRUE(series.ok());
    EXPECT_TRUE(series->empty());
    EXPECT_EQ(test::queryRawInt(db.path(), "PRAGMA user_version"), CandleDatabase::kSchemaVersion);
}

TEST(CandleDatabase, UsesWriteAheadLog) {
    TempDir dir;
    auto db = openFresh(dir);
    // WAL is a persistent property of the file: a second connection sees it.
    EXPECT_EQ(test::queryRawInt(db.path(), "SELECT journal_mode = 'wal' FROM pragma_journal_mode"),
              1);
}

TEST(CandleDatabase, DecimalsRoundTripExactly) {
    TempDir dir;
    auto db = openFresh(dir);
    const std::vector<Candle> written{
        exactCandle(0, "0.00000001", "0.00000001"),
        exactCandle(60'000, "41732.35000000", "123456789012345.12345678"),  // volume > int64 units
        exactCandle(120'000, "92233720368.54775807", "92233720368.54775807"),  // int64 max units
        exactCandle(180'000, "92233720368.54775808", "99999999999999999999.99999999"),  // one past
        exactCandle(240'000, "0", "0"),
    };
    auto n = db.upsert(btc1m(), written);
    ASSERT_TRUE(n.ok()) << n.error().message;
    EXPECT_EQ(*n, written.size());

    auto read = db.loadRange(btc1m(), 0, 240'000);
    ASSERT_TRUE(read.ok()) << read.error().message;
    EXPECT_EQ(*read, written);
    EXPECT_EQ((*read)[1].volume.toString(), "123456789012345.12345678");
    EXPECT_EQ((*read)[3].volume.toString(), "99999999999999999999.99999999");
    EXPECT_EQ(db.skippedCorruptRows(), 0U);
}

TEST(CandleDatabase, SmallValuesAreStoredAsIntegerUnitsAndHugeOnesAsBinanceText) {
    TempDir dir;
    auto db = openFresh(dir);
    ASSERT_TRUE(
        db.upsert(btc1m(), std::vector{exactCandle(0, "1.5", "123456789012345.12345678")}).ok());
    EXPECT_EQ(test::queryRawInt(
                  db.path(), "SELECT typeof(open) = 'integer' AND open = 150000000 FROM candles"),
              1);
    EXPECT_EQ(
        test::queryRawInt(db.path(),
                          "SELECT typeof(volume) = 'text' AND volume = '123456789012345.12345678' "
                          "FROM candles"),
        1);
}

TEST(CandleDatabase, ClosedCandleIsNotOverwrittenByProvisionalOne) {
    TempDir dir;
    auto db = openFresh(dir);
    Candle closed = test::syntheticCandle(60'000, 1, /*closed=*/true);
    Candle provisional = test::syntheticCandle(60'000, 2, /*closed=*/false);
    ASSERT_EQ(*db.upsert(btc1m(), std::vector{closed}), 1U);

    auto n = db.upsert(btc1m(), std::vector{provisional});
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 0U) << "a skipped provisional row is not counted as written";
    EXPECT_EQ(*db.loadLatest(btc1m(), 1), std::vector{closed});
}

TEST(CandleDatabase, ProvisionalIsReplacedByNewerProvisionalAndByClosed) {
    TempDir dir;
    auto db = openFresh(dir);
    const Candle first = test::syntheticCandle(60'000, 1, false);
    const Candle second = test::syntheticCandle(60'000, 2, false);
    const Candle final = test::syntheticCandle(60'000, 3, true);
    ASSERT_EQ(*db.upsert(btc1m(), std::vector{first}), 1U);
    ASSERT_EQ(*db.upsert(btc1m(), std::vector{second}), 1U);
    EXPECT_EQ(*db.loadLatest(btc1m(), 5), std::vector{second});
    ASSERT_EQ(*db.upsert(btc1m(), std::vector{final}), 1U);
    EXPECT_EQ(*db.loadLatest(btc1m(), 5), std::vector{final});
    EXPECT_EQ(*db.count(btc1m()), 1U);
}

TEST(CandleDatabase, ClosedCandleReplacesClosedCandle) {  // venue corrections win
    TempDir dir;
    auto db = openFresh(dir);
    const Candle a = test::syntheticCandle(0, 1, true);
    const Candle b = test::syntheticCandle(0, 2, true);
    ASSERT_TRUE(db.upsert(btc1m(), std::vector{a}).ok());
    ASSERT_EQ(*db.upsert(btc1m(), std::vector{b}), 1U);
    EXPECT_EQ(*db.loadLatest(btc1m(), 1), std::vector{b});
}

TEST(CandleDatabase, DuplicateOpenTimesInOneBatchFollowTheSameRules) {
    TempDir dir;
    auto db = openFresh(dir);
    const Candle closed = test::syntheticCandle(0, 1, true);
    const Candle provisional = test::syntheticCandle(0, 2, false);
    ASSERT_TRUE(db.upsert(btc1m(), std::vector{closed, provisional}).ok());
    EXPECT_EQ(*db.loadLatest(btc1m(), 2), std::vector{closed});
}

TEST(CandleDatabase, InvalidCandleFailsTheWholeBatchAndWritesNothing) {
    TempDir dir;
    auto db = openFresh(dir);
    auto candles = minuteCandles(0, 3);
    std::swap(candles[1].low, candles[1].high);  // low above high
    auto n = db.upsert(btc1m(), candles);
    ASSERT_FALSE(n.ok());
    EXPECT_NE(n.error().message.find(db.path()), std::string::npos) << n.error().message;
    EXPECT_NE(n.error().message.find("binance:BTCUSDT:1m"), std::string::npos) << n.error().message;
    EXPECT_NE(n.error().message.find("candle 1"), std::string::npos) << n.error().message;
    EXPECT_EQ(*db.count(btc1m()), 0U);
}

TEST(CandleDatabase, EmptySymbolIsRefused) {
    TempDir dir;
    auto db = openFresh(dir);
    auto n = db.upsert(SeriesKey{"binance", "", Interval::M1}, minuteCandles(0, 1));
    ASSERT_FALSE(n.ok());
    EXPECT_NE(n.error().message.find("must not be empty"), std::string::npos);
}

TEST(CandleDatabase, LoadRangeIsInclusiveAndAscending) {
    TempDir dir;
    auto db = openFresh(dir);
    auto candles = minuteCandles(0, 100);
    std::reverse(candles.begin(), candles.end());  // write order does not matter
    ASSERT_EQ(*db.upsert(btc1m(), candles), 100U);

    auto range = db.loadRange(btc1m(), 10 * 60'000, 19 * 60'000);
    ASSERT_TRUE(range.ok());
    EXPECT_EQ(*range, minuteCandles(10, 10));
    // Bounds between open times select nothing extra.
    EXPECT_EQ(*db.loadRange(btc1m(), 10 * 60'000 + 1, 11 * 60'000 - 1), std::vector<Candle>{});
    EXPECT_EQ(db.loadRange(btc1m(), -1'000'000, 1'000'000'000)->size(), 100U);
}

TEST(CandleDatabase, LoadRangeWithFromAfterToIsAnError) {
    TempDir dir;
    auto db = openFresh(dir);
    auto r = db.loadRange(btc1m(), 2, 1);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("is after"), std::string::npos) << r.error().message;
}

TEST(CandleDatabase, LoadLatestReturnsNewestInAscendingOrder) {
    TempDir dir;
    auto db = openFresh(dir);
    ASSERT_TRUE(db.upsert(btc1m(), minuteCandles(0, 50)).ok());
    EXPECT_EQ(*db.loadLatest(btc1m(), 5), minuteCandles(45, 5));
    EXPECT_EQ(*db.loadLatest(btc1m(), 500), minuteCandles(0, 50));
    EXPECT_TRUE(db.loadLatest(btc1m(), 0)->empty());
}

TEST(CandleDatabase, SeriesAreKeptApart) {
    TempDir dir;
    auto db = openFresh(dir);
    const SeriesKey btc1M{"binance", "BTCUSDT", Interval::Mo1};  // "1M" vs "1m"
    ASSERT_TRUE(db.upsert(btc1m(), minuteCandles(0, 10)).ok());
    ASSERT_TRUE(db.upsert(btc1M, minuteCandles(100, 3)).ok());
    ASSERT_TRUE(db.upsert(eth1h(), minuteCandles(200, 7)).ok());

    EXPECT_EQ(*db.count(btc1m()), 10U);
    EXPECT_EQ(*db.count(btc1M), 3U);
    EXPECT_EQ(*db.count(eth1h()), 7U);
    EXPECT_EQ(*db.loadLatest(btc1M, 10), minuteCandles(100, 3));

    auto series = db.listSeries();
    ASSERT_TRUE(series.ok());
    EXPECT_EQ(*series, (std::vector<SeriesKey>{btc1m(), btc1M, eth1h()}));
}

TEST(CandleDatabase, UnknownSeriesReadsAsEmpty) {
    TempDir dir;
    auto db = openFresh(dir);
    const SeriesKey unknown{"binance", "NOPEUSDT", Interval::M5};
    EXPECT_TRUE(db.loadLatest(unknown, 10)->empty());
    EXPECT_TRUE(db.loadRange(unknown, 0, 100)->empty());
    EXPECT_EQ(*db.count(unknown), 0U);
    EXPECT_FALSE(db.bounds(unknown)->has_value());
    EXPECT_TRUE(db.listSeries()->empty()) << "reads must not create series rows";
}

TEST(CandleDatabase, BoundsAreOldestAndNewestOpenTimes) {
    TempDir dir;
    auto db = openFresh(dir);
    ASSERT_TRUE(db.upsert(btc1m(), minuteCandles(7, 20)).ok());
    auto b = db.bounds(btc1m());
    ASSERT_TRUE(b.ok());
    ASSERT_TRUE(b->has_value());
    EXPECT_EQ((*b)->first, 7 * 60'000);
    EXPECT_EQ((*b)->second, 26 * 60'000);
}

TEST(CandleDatabase, SeveralSeriesInOneUpsertAreAllWritten) {
    TempDir dir;
    auto db = openFresh(dir);
    const std::vector<SeriesCandles> batches{{btc1m(), minuteCandles(0, 4)},
                                             {eth1h(), minuteCandles(0, 2)},
                                             {btc1m(), minuteCandles(4, 1)}};
    auto n = db.upsert(batches);
    ASSERT_TRUE(n.ok()) << n.error().message;
    EXPECT_EQ(*n, 7U);
    EXPECT_EQ(*db.loadLatest(btc1m(), 10), minuteCandles(0, 5));
}

TEST(CandleDatabase, DataSurvivesReopen) {
    TempDir dir;
    {
        auto db = openFresh(dir);
        ASSERT_TRUE(db.upsert(btc1m(), minuteCandles(0, 30)).ok());
    }
    auto db = openFresh(dir);
    EXPECT_EQ(*db.loadRange(btc1m(), 0, 30 * 60'000), minuteCandles(0, 30));
}

TEST(CandleDatabase, CorruptRowsAreSkippedAndCounted) {
    TempDir dir;
    auto db = openFresh(dir);
    ASSERT_TRUE(db.upsert(btc1m(), minuteCandles(0, 5)).ok());
    // Another writer (or bit rot inside a valid page) left an undecodable price and a candle
    // whose low is above its high.
    test::execRaw(db.path(),
                  "UPDATE candles SET high = 'garbage' WHERE open_time = 60000;"
                  "UPDATE candles SET low = 999999999999999 WHERE open_time = 180000;");
    auto read = db.loadLatest(btc1m(), 10);
    ASSERT_TRUE(read.ok());
    const auto all = minuteCandles(0, 5);
    EXPECT_EQ(*read, (std::vector<Candle>{all[0], all[2], all[4]}));
    EXPECT_EQ(db.skippedCorruptRows(), 2U);
    EXPECT_NE(db.lastCorruption().find("binance:BTCUSDT:1m"), std::string::npos)
        << db.lastCorruption();
    EXPECT_EQ(*db.count(btc1m()), 5U) << "count reports stored rows";
}

TEST(CandleDatabase, SeriesWithUnknownIntervalIsSkippedWhenListing) {
    TempDir dir;
    auto db = openFresh(dir);
    ASSERT_TRUE(db.upsert(btc1m(), minuteCandles(0, 1)).ok());
    test::execRaw(db.path(),
                  "INSERT INTO series (exchange, symbol, interval) VALUES ('binance', 'X', '7m')");
    EXPECT_EQ(*db.listSeries(), std::vector<SeriesKey>{btc1m()});
    EXPECT_EQ(db.skippedCorruptRows(), 1U);
}

TEST(CandleDatabase, CoverageRangesOfOneKindMerge) {
    TempDir dir;
    auto db = openFresh(dir);
    ASSERT_TRUE(db.recordCoverage(btc1m(), 100, 200, CoverageKind::Complete).ok());
    ASSERT_TRUE(db.recordCoverage(btc1m(), 300, 400, CoverageKind::Complete).ok());
    ASSERT_TRUE(db.recordCoverage(btc1m(), 150, 250, CoverageKind::Gap).ok());
    EXPECT_EQ(*db.coverage(btc1m()),
              (std::vector<CoverageRange>{{100, 200, CoverageKind::Complete},
                                          {150, 250, CoverageKind::Gap},
                                          {300, 400, CoverageKind::Complete}}));

    // Touching [200, 300) joins both complete ranges into one. Candles stored where a gap was
    // recorded (a gap re-checked with cpc fetch --refetch): the gap is cut back to [150, 200).
    ASSERT_TRUE(db.recordCoverage(btc1m(), 200, 300, CoverageKind::Complete).ok());
    EXPECT_EQ(*db.coverage(btc1m()), (std::vector<CoverageRange>{{100, 400, CoverageKind::Complete},
                                                                 {150, 200, CoverageKind::Gap}}));
    // A range inside an existing one changes nothing; an overlapping one extends it.
    ASSERT_TRUE(db.recordCoverage(btc1m(), 120, 130, CoverageKind::Complete).ok());
    ASSERT_TRUE(db.recordCoverage(btc1m(), 50, 110, CoverageKind::Complete).ok());
    EXPECT_EQ(*db.coverage(btc1m()), (std::vector<CoverageRange>{{50, 400, CoverageKind::Complete},
                                                                 {150, 200, CoverageKind::Gap}}));
    // A complete range inside a gap splits it.
    ASSERT_TRUE(db.recordCoverage(btc1m(), 1000, 2000, CoverageKind::Gap).ok());
    ASSERT_TRUE(db.recordCoverage(btc1m(), 1200, 1300, CoverageKind::Complete).ok());
    EXPECT_EQ(*db.coverage(btc1m()), (std::vector<CoverageRange>{{50, 400, CoverageKind::Complete},
                                                                 {150, 200, CoverageKind::Gap},
                                                                 {1000, 1200, CoverageKind::Gap},
                                                                 {1200, 1300, CoverageKind::Complete},
                                                                 {1300, 2000, CoverageKind::Gap}}));
    EXPECT_TRUE(db.coverage(eth1h())->empty());
    EXPECT_EQ(*db.listSeries(), std::vector<SeriesKey>{btc1m()});
}

TEST(CandleDatabase, EmptyCoverageRangeIsRefused) {
    TempDir dir;
    auto db = openFresh(dir);
    EXPECT_FALSE(db.recordCoverage(btc1m(), 5, 5, CoverageKind::Gap).ok());
    EXPECT_FALSE(db.recordCoverage(btc1m(), 6, 5, CoverageKind::Gap).ok());
}

TEST(CandleDatabase, HundredThousandCandlesUpsertAndLoadLatest) {
    TempDir dir;
    auto db = openFresh(dir);
    const auto candles = minuteCandles(0, 100'000);
    auto n = db.upsert(btc1m(), candles);
    ASSERT_TRUE(n.ok()) << n.error().message;
    EXPECT_EQ(*n, 100'000U);
    EXPECT_EQ(*db.count(btc1m()), 100'000U);

    auto latest = db.loadLatest(btc1m(), 1000);
    ASSERT_TRUE(latest.ok());
    EXPECT_EQ(*latest, std::vector<Candle>(candles.end() - 1000, candles.end()));
    auto all = db.loadRange(btc1m(), 0, 100'000LL * 60'000);
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(*all, candles);
    EXPECT_TRUE(db.checkIntegrity().ok());
}

TEST(CandleDatabase, MovedFromDatabaseReportsClosed) {
    TempDir dir;
    auto db = openFresh(dir);
    CandleDatabase other = std::move(db);
    EXPECT_TRUE(other.count(btc1m()).ok());
    auto r = db.count(btc1m());  // NOLINT(bugprone-use-after-move): that is the point
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("closed"), std::string::npos);
}

TEST(CandleDatabase, OpeningInMissingDirectoryNamesThePath) {
    TempDir dir;
    const std::string path = dir.file("no/such/dir/candles.sqlite3");
    auto db = CandleDatabase::open(path);
    ASSERT_FALSE(db.ok());
    EXPECT_NE(db.error().message.find(path), std::string::npos) << db.error().message;
}

// Read-only opening (cpc verify, cpc export): an existing cache is read without writing a byte; a
// file that is not our cache — empty, another program's database, not a database — is refused and
// left exactly as it was (a read-write open made a 0-byte file a candle cache).
TEST(CandleDatabase, ReadOnlyOpenReadsACacheAndRefusesOtherFilesUntouched) {
    TempDir dir;
    OpenOptions readOnly;
    readOnly.readOnly = true;
    const std::string cache = dir.file("candles.sqlite3");
    {
        auto db = openFresh(dir);
        ASSERT_TRUE(db.upsert(btc1m(), minuteCandles(0, 10)).ok());
    }
    const std::string before = test::readFile(cache);
    {
        auto db = CandleDatabase::open(cache, readOnly);
        ASSERT_TRUE(db.ok()) << db.error().message;
        EXPECT_EQ(db->count(btc1m()).value(), 10u);
        EXPECT_EQ(db->listSeries()->size(), 1u);
        EXPECT_TRUE(db->checkIntegrity().ok());
        EXPECT_FALSE(db->upsert(btc1m(), minuteCandles(10, 1)).ok());  // read-only it is
    }
    EXPECT_EQ(test::readFile(cache), before);

    const std::string empty = dir.file("empty.sqlite3");
    test::writeFile(empty, "");
    auto refused = CandleDatabase::open(empty, readOnly);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("empty, not a candle cache"), std::string::npos) << refused.error().message;
    EXPECT_EQ(test::readFile(empty), "");

    const std::string other = dir.file("other.sqlite3");
    test::execRaw(other, "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine')");
    const std::string otherBytes = test::readFile(other);
    auto foreign = CandleDatabase::open(other, readOnly);
    ASSERT_FALSE(foreign.ok());
    EXPECT_NE(foreign.error().message.find("not a candle cache"), std::string::npos) << foreign.error().message;
    EXPECT_EQ(test::readFile(other), otherBytes);

    const std::string text = dir.file("notes.txt");
    test::writeFile(text, "hello, not a database\n");
    EXPECT_FALSE(CandleDatabase::open(text, readOnly).ok());
    EXPECT_EQ(test::readFile(text), "hello, not a database\n");
    for (const std::string& f : {empty, other, text})
        for (const char* suffix : {"-wal", "-shm", "-journal"})
            EXPECT_FALSE(std::filesystem::exists(f + suffix)) << f + suffix;
}

// A cache in a directory the user cannot write (a read-only file in a read-only directory): SQLite
// cannot create the WAL's -shm there, which made `cpc verify`/`cpc export` refuse the cache. As
// root the check runs in a child process that drops to an unprivileged user.
TEST(CandleDatabase, ReadOnlyOpenReadsACacheInADirectoryItCannotWrite) {
    TempDir dir;
    const std::string cache = dir.file("candles.sqlite3");
    {
        auto db = openFresh(dir);
        ASSERT_TRUE(db.upsert(btc1m(), minuteCandles(0, 10)).ok());
    }
    ASSERT_FALSE(std::filesystem::exists(cache + "-shm"));  // closed cleanly
    namespace fs = std::filesystem;
    fs::permissions(cache, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
    fs::permissions(dir.path(), fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                                    fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
    const auto readCount = [&]() -> int {
        OpenOptions readOnly;
        readOnly.readOnly = true;
        auto db = CandleDatabase::open(cache, readOnly);
        if (!db.ok()) return 1;
        const auto n = db->count(btc1m());
        return n.ok() && *n == 10u ? 0 : 2;
    };
    int code = -1;
    if (::geteuid() != 0) {
        code = readCount();
    } else {
        const pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(3);
            ::_exit(readCount());
        }
        int status = 0;
        ASSERT_EQ(::waitpid(child, &status, 0), child);
        code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    fs::permissions(dir.path(), fs::perms::owner_all);
    EXPECT_EQ(code, 0) << "1: refused, 2: wrong count, 3: could not drop privileges";
    EXPECT_FALSE(fs::exists(cache + "-shm"));
}

TEST(CoverageKind, HasStableNames) {
    EXPECT_EQ(toString(CoverageKind::Complete), "complete");
    EXPECT_EQ(toString(CoverageKind::Gap), "gap");
}

}  // namespace
}  // namespace cpc::storage
