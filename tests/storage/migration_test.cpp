// Schema versions: old databases are upgraded, newer ones are refused untouched, and the runner
// applies each step atomically.
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <utility>

#include <gtest/gtest.h>

#include "cpc/storage/candle_database.hpp"
#include "schema.hpp"  // src/storage (private): the runner under test
#include "storage_test_util.hpp"

namespace cpc::storage {
namespace {

using test::btc1m;
using test::TempDir;

// Schema version 1 exactly as the first release wrote it. Frozen here on purpose: if schema.cpp
// is edited in place instead of getting a new migration, the test below catches it.
constexpr const char* kReleasedSchemaV1 = R"sql(
CREATE TABLE series (
    series_id INTEGER PRIMARY KEY,
    exchange  TEXT NOT NULL,
    symbol    TEXT NOT NULL,
    interval  TEXT NOT NULL,
    UNIQUE (exchange, symbol, interval)
) STRICT;
CREATE TABLE candles (
    series_id       INTEGER NOT NULL REFERENCES series (series_id) ON DELETE CASCADE,
    open_time       INTEGER NOT NULL,
    open            ANY NOT NULL,
    high            ANY NOT NULL,
    low             ANY NOT NULL,
    close           ANY NOT NULL,
    volume          ANY NOT NULL,
    quote_volume    ANY NOT NULL,
    trades          INTEGER NOT NULL,
    taker_buy_base  ANY NOT NULL,
    taker_buy_quote ANY NOT NULL,
    closed          INTEGER NOT NULL CHECK (closed IN (0, 1)),
    PRIMARY KEY (series_id, open_time)
) STRICT, WITHOUT ROWID;
CREATE TABLE coverage (
    series_id INTEGER NOT NULL REFERENCES series (series_id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('complete', 'gap')),
    from_ms   INTEGER NOT NULL,
    to_ms     INTEGER NOT NULL CHECK (to_ms > from_ms),
    PRIMARY KEY (series_id, kind, from_ms)
) STRICT, WITHOUT ROWID;
PRAGMA user_version = 1;
)sql";

std::vector<std::string> filesIn(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

TEST(SchemaMigration, EmptyFileIsCreatedAtCurrentVersion) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    test::writeFile(path, "");
    auto db = CandleDatabase::open(path);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ(db->schemaVersion(), CandleDatabase::kSchemaVersion);
}

TEST(SchemaMigration, VersionZeroDatabaseIsUpgradedAndKeepsForeignTables) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    test::execRaw(path, "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('keep me');");
    auto db = CandleDatabase::open(path);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ(db->schemaVersion(), 1);
    ASSERT_TRUE(db->upsert(btc1m(), test::minuteCandles(0, 3)).ok());
    EXPECT_EQ(test::queryRawInt(path, "SELECT COUNT(*) FROM notes"), 1);
    EXPECT_EQ(test::queryRawInt(path, "PRAGMA user_version"), 1);
}

TEST(SchemaMigration, HandWrittenVersionOneDatabaseOpensWithItsData) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    test::execRaw(path, kReleasedSchemaV1);
    // One row with integer units, one with a huge text volume, as version 1 writes them.
    test::execRaw(path, R"sql(
        INSERT INTO series VALUES (7, 'binance', 'BTCUSDT', '1m');
        INSERT INTO candles VALUES (7, 0, 4173235000000, 4173300000000, 4173200000000,
                                    4173235000000, 150000000, 6259852500000, 42, 50000000,
                                    2086617500000, 1);
        INSERT INTO candles VALUES (7, 60000, 1, 2, 1, 2, '123456789012345.12345678',
                                    '123456789012345.12345678', 5, 0, 0, 1);
    )sql");

    auto db = CandleDatabase::open(path);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ(db->schemaVersion(), 1);
    auto candles = db->loadLatest(btc1m(), 10);
    ASSERT_TRUE(candles.ok()) << candles.error().message;
    ASSERT_EQ(candles->size(), 2U);
    EXPECT_EQ((*candles)[0].open.toString(), "41732.35000000");
    EXPECT_EQ((*candles)[0].volume.toString(), "1.50000000");
    EXPECT_EQ((*candles)[0].trades, 42);
    EXPECT_TRUE((*candles)[0].closed);
    EXPECT_EQ((*candles)[1].volume.toString(), "123456789012345.12345678");
    EXPECT_EQ((*candles)[1].high.toString(), "0.00000002");
    EXPECT_EQ(db->skippedCorruptRows(), 0U);
}

// Perpetual series (MarketType::Perp) came after version 1 and need no migration: a spot series of
// a file written before them reads exactly as before, and a perpetual of the same venue, symbol
// and interval is a series of its own ("binance/perp" in the exchange column) beside it.
TEST(SchemaMigration, VersionOneFileKeepsItsSpotSeriesAndTakesPerpetualsBesideThem) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    test::execRaw(path, kReleasedSchemaV1);
    test::execRaw(path, R"sql(
        INSERT INTO series VALUES (7, 'binance', 'BTCUSDT', '1m');
        INSERT INTO candles VALUES (7, 0, 4173235000000, 4173300000000, 4173200000000,
                                    4173235000000, 150000000, 6259852500000, 42, 50000000,
                                    2086617500000, 1);
    )sql");

    const SeriesKey spot = btc1m();
    const SeriesKey perp{"binance", "BTCUSDT", Interval::M1, MarketType::Perp};
    {
        auto db = CandleDatabase::open(path);
        ASSERT_TRUE(db.ok()) << db.error().message;
        EXPECT_EQ(db->schemaVersion(), 1);
        // Nothing of the perpetual yet: the spot rows are not read as the perpetual's.
        EXPECT_TRUE(db->loadLatest(perp, 10)->empty());
        ASSERT_TRUE(db->upsert(perp, test::minuteCandles(0, 3)).ok());
        auto spotRows = db->loadLatest(spot, 10);
        ASSERT_TRUE(spotRows.ok());
        ASSERT_EQ(spotRows->size(), 1U);
        EXPECT_EQ((*spotRows)[0].open.toString(), "41732.35000000");
        EXPECT_EQ(*db->count(perp), 3U);
        auto keys = db->listSeries();
        ASSERT_TRUE(keys.ok());
        EXPECT_EQ(*keys, (std::vector<SeriesKey>{spot, perp}));
    }
    // The spot row is untouched, the file is still version 1 (an older build opens it), and the
    // perpetual is stored under a name no venue has.
    EXPECT_EQ(test::queryRawText(path, "SELECT exchange FROM series WHERE series_id = 7"), "binance");
    EXPECT_EQ(test::queryRawInt(path, "SELECT COUNT(*) FROM series WHERE exchange = 'binance/perp'"), 1);
    EXPECT_EQ(test::queryRawInt(path, "PRAGMA user_version"), 1);
    // Reopened: both keys come back with their market.
    auto db = CandleDatabase::open(path);
    ASSERT_TRUE(db.ok());
    EXPECT_EQ(*db->count(perp), 3U);
    EXPECT_EQ(*db->count(spot), 1U);
}

TEST(SchemaMigration, ReleasedVersionOneMatchesWhatThisBuildCreates) {
    TempDir dir;
    const std::string released = dir.file("released.sqlite3");
    const std::string current = dir.file("current.sqlite3");
    test::execRaw(released, kReleasedSchemaV1);
    ASSERT_TRUE(CandleDatabase::open(current).ok());
    // Same tables, columns, types, NOT NULL and key positions, and the same table options.
    std::string sql = "SELECT group_concat(t, ';') FROM (";
    bool first = true;
    for (const char* table : {"series", "candles", "coverage"}) {
        if (!std::exchange(first, false)) sql += " UNION ALL ";
        sql += std::string("SELECT '") + table +
               "' || '.' || name || ':' || type || ':' || "
               "\"notnull\" || ':' || pk AS t FROM pragma_table_info('" +
               table + "')";
    }
    sql +=
        " UNION ALL SELECT name || ':' || wr || ':' || strict FROM pragma_table_list "
        "WHERE schema = 'main' AND name IN ('series', 'candles', 'coverage'))";
    const std::string releasedShape = test::queryRawText(released, sql);
    EXPECT_FALSE(releasedShape.empty());
    EXPECT_EQ(test::queryRawText(current, sql), releasedShape);
    EXPECT_EQ(test::queryRawInt(current, "PRAGMA user_version"), 1);
}

TEST(SchemaMigration, NewerDatabaseIsRefusedAndLeftUntouched) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    {
        auto db = CandleDatabase::open(path);
        ASSERT_TRUE(db.ok());
        ASSERT_TRUE(db->upsert(btc1m(), test::minuteCandles(0, 10)).ok());
    }
    test::execRaw(path, "PRAGMA user_version = 99");
    const auto filesBefore = filesIn(dir.path());
    const std::string bytesBefore = test::readFile(path);

    auto db = CandleDatabase::open(path);
    ASSERT_FALSE(db.ok());
    EXPECT_NE(db.error().message.find(path), std::string::npos) << db.error().message;
    EXPECT_NE(db.error().message.find("99"), std::string::npos) << db.error().message;
    EXPECT_NE(db.error().message.find("newer"), std::string::npos) << db.error().message;

    std::string notice = "stale";
    auto recovered = CandleDatabase::openOrRecover(path, &notice);
    ASSERT_FALSE(recovered.ok()) << "a newer database must not be moved aside";
    EXPECT_TRUE(notice.empty());

    EXPECT_EQ(filesIn(dir.path()), filesBefore);
    EXPECT_EQ(test::readFile(path), bytesBefore);
    EXPECT_EQ(test::queryRawInt(path, "PRAGMA user_version"), 99);
}

TEST(SchemaMigration, ConflictingTablesInVersionZeroFailWithoutChangingTheFile) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    test::execRaw(path, "CREATE TABLE candles (whatever TEXT)");
    auto db = CandleDatabase::open(path);
    ASSERT_FALSE(db.ok());
    EXPECT_NE(db.error().message.find("migrating to schema version 1"), std::string::npos)
        << db.error().message;
    EXPECT_EQ(test::queryRawInt(path, "PRAGMA user_version"), 0);
    EXPECT_EQ(test::queryRawInt(path, "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'series'"),
              0)
        << "the failed migration must roll back completely";
}

// --- the runner itself, with migration lists made up for the test ----------------------------

struct RawDb {
    explicit RawDb(const std::string& path) {
        EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    }
    ~RawDb() { sqlite3_close_v2(db); }
    RawDb(const RawDb&) = delete;
    RawDb& operator=(const RawDb&) = delete;
    sqlite3* db = nullptr;
};

constexpr detail::Migration kThreeSteps[] = {
    {1, "create t", "CREATE TABLE t (a INTEGER);"},
    {2, "add b", "ALTER TABLE t ADD COLUMN b TEXT NOT NULL DEFAULT 'x';"},
    {3, "index b", "CREATE INDEX t_b ON t (b);"},
};

TEST(MigrationRunner, UpgradesOldDatabaseStepByStepKeepingData) {
    TempDir dir;
    const std::string path = dir.file("m.sqlite3");
    {
        RawDb raw(path);
        auto v = detail::migrate(raw.db, path, std::span(kThreeSteps).first(1));
        ASSERT_TRUE(v.ok()) << v.error().message;
        EXPECT_EQ(*v, 1);
    }
    test::execRaw(path, "INSERT INTO t (a) VALUES (41), (42)");
    {
        RawDb raw(path);
        auto v = detail::migrate(raw.db, path, kThreeSteps);
        ASSERT_TRUE(v.ok()) << v.error().message;
        EXPECT_EQ(*v, 3);
        // Running again is a no-op.
        EXPECT_EQ(*detail::migrate(raw.db, path, kThreeSteps), 3);
    }
    EXPECT_EQ(test::queryRawInt(path, "SELECT SUM(a) FROM t WHERE b = 'x'"), 83);
    EXPECT_EQ(test::queryRawInt(path, "SELECT COUNT(*) FROM sqlite_schema WHERE name = 't_b'"), 1);
    EXPECT_EQ(test::queryRawInt(path, "PRAGMA user_version"), 3);
}

TEST(MigrationRunner, FailingStepRollsBackThatStepOnly) {
    TempDir dir;
    const std::string path = dir.file("m.sqlite3");
    constexpr detail::Migration steps[] = {
        {1, "create t", "CREATE TABLE t (a INTEGER);"},
        {2, "broken step", "CREATE TABLE u (x); INSERT INTO no_such_table VALUES (1);"},
    };
    RawDb raw(path);
    auto v = detail::migrate(raw.db, path, steps);
    ASSERT_FALSE(v.ok());
    EXPECT_NE(v.error().message.find(path), std::string::npos) << v.error().message;
    EXPECT_NE(v.error().message.find("schema version 2 (broken step)"), std::string::npos)
        << v.error().message;
    EXPECT_NE(v.error().message.find("no_such_table"), std::string::npos) << v.error().message;
    EXPECT_EQ(*detail::readSchemaVersion(raw.db, path), 1);
    EXPECT_EQ(test::queryRawInt(path, "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'u'"), 0);
    EXPECT_EQ(test::queryRawInt(path, "SELECT COUNT(*) FROM sqlite_schema WHERE name = 't'"), 1);
}

TEST(MigrationRunner, RefusesNewerDatabase) {
    TempDir dir;
    const std::string path = dir.file("m.sqlite3");
    test::execRaw(path, "PRAGMA user_version = 4");
    RawDb raw(path);
    auto v = detail::migrate(raw.db, path, kThreeSteps);
    ASSERT_FALSE(v.ok());
    EXPECT_NE(v.error().message.find("newer than this build supports (3)"), std::string::npos)
        << v.error().message;
    EXPECT_EQ(*detail::readSchemaVersion(raw.db, path), 4);
}

TEST(MigrationRunner, RejectsListWithHoles) {
    TempDir dir;
    const std::string path = dir.file("m.sqlite3");
    constexpr detail::Migration steps[] = {{1, "a", "SELECT 1;"}, {3, "c", "SELECT 1;"}};
    RawDb raw(path);
    auto v = detail::migrate(raw.db, path, steps);
    ASSERT_FALSE(v.ok());
    EXPECT_NE(v.error().message.find("expected 2"), std::string::npos) << v.error().message;
}

TEST(MigrationRunner, ShippedMigrationsAreNumberedFromOne) {
    const auto steps = detail::migrations();
    ASSERT_EQ(static_cast<int>(steps.size()), CandleDatabase::kSchemaVersion);
    for (std::size_t i = 0; i < steps.size(); ++i)
        EXPECT_EQ(steps[i].version, static_cast<int>(i) + 1);
}

}  // namespace
}  // namespace cpc::storage
