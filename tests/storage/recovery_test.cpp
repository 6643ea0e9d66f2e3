// openOrRecover: damaged files are salvaged (what can be read is copied into a new file), moved
// aside (never deleted) and replaced; the notice says what was kept and where the old file went.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "cpc/storage/candle_database.hpp"
#include "storage_test_util.hpp"

namespace cpc::storage {
namespace {

using test::btc1m;
using test::TempDir;
namespace fs = std::filesystem;

using test::asideFiles;
using test::randomBytes;

// After openOrRecover of a file with nothing readable: the result is a usable, empty, current
// database.
void expectFreshAfterRecovery(const std::string& path, const std::string& notice) {
    auto db = CandleDatabase::open(path);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ(db->schemaVersion(), CandleDatabase::kSchemaVersion);
    EXPECT_TRUE(db->listSeries()->empty());
    ASSERT_TRUE(db->upsert(btc1m(), test::minuteCandles(0, 3)).ok());
    EXPECT_NE(notice.find(path), std::string::npos) << notice;
    EXPECT_NE(notice.find(".corrupt-"), std::string::npos) << notice;
}

TEST(CandleDatabaseRecovery, HealthyDatabaseOpensWithoutNotice) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    {
        auto db = CandleDatabase::open(path);
        ASSERT_TRUE(db.ok());
        ASSERT_TRUE(db->upsert(btc1m(), test::minuteCandles(0, 10)).ok());
    }
    std::string notice = "stale text";
    auto db = CandleDatabase::openOrRecover(path, &notice);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_TRUE(notice.empty());
    EXPECT_EQ(*db->count(btc1m()), 10U);
    EXPECT_TRUE(asideFiles(dir, "candles.sqlite3").empty());
}

TEST(CandleDatabaseRecovery, MissingFileIsCreatedWithoutNotice) {
    TempDir dir;
    std::string notice;
    auto db = CandleDatabase::openOrRecover(dir.file("new.sqlite3"), &notice);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_TRUE(notice.empty());
}

TEST(CandleDatabaseRecovery, RandomBytesAreMovedAsideAndReplaced) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    const std::string garbage = randomBytes(64 * 1024, 7);
    test::writeFile(path, garbage);

    auto plain = CandleDatabase::open(path);
    ASSERT_FALSE(plain.ok()) << "open() does not recover";
    EXPECT_NE(plain.error().message.find(path), std::string::npos) << plain.error().message;
    EXPECT_NE(plain.error().message.find("not a database"), std::string::npos)
        << plain.error().message;

    std::string notice;
    auto db = CandleDatabase::openOrRecover(path, &notice);
    ASSERT_TRUE(db.ok()) << db.error().message;
    expectFreshAfterRecovery(path, notice);

    const auto aside = asideFiles(dir, "candles.sqlite3");
    ASSERT_EQ(aside.size(), 1U);
    EXPECT_EQ(test::readFile(dir.file(aside[0])), garbage) << "the old file is kept as it was";
    EXPECT_NE(notice.find(aside[0]), std::string::npos) << notice;
}

TEST(CandleDatabaseRecovery, TextFileIsMovedAside) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    test::writeFile(path, "this is not a database, just some notes someone saved here\n");
    std::string notice;
    auto db = CandleDatabase::openOrRecover(path, &notice);
    ASSERT_TRUE(db.ok()) << db.error().message;
    expectFreshAfterRecovery(path, notice);
    EXPECT_EQ(asideFiles(dir, "candles.sqlite3").size(), 1U);
}

TEST(CandleDatabaseRecovery, TruncatedDatabaseIsSalvagedAndMovedAside) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    {
        auto db = CandleDatabase::open(path);
        ASSERT_TRUE(db.ok());
        ASSERT_TRUE(db->upsert(btc1m(), test::minuteCandles(0, 5000)).ok());
    }  // the last close checkpoints the WAL into the main file
    const auto size = fs::file_size(path);
    ASSERT_GT(size, 100'000U);
    // The last pages hold the newest leaves; SQLite keeps the upper b-tree levels on pages
    // allocated when the tree grew, so cutting the file in half would lose every path down.
    const auto cut = size - 3 * 4096;
    fs::resize_file(path, cut);

    // Found by the bounded start-up check (the header's page count), without a full scan.
    OpenReport report;
    auto db = CandleDatabase::openOrSalvage(path, &report);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_FALSE(report.fullCheckRan);
    ASSERT_TRUE(report.salvage.has_value());
    EXPECT_NE(report.salvage->reason.find("truncated"), std::string::npos) << report.salvage->reason;
    EXPECT_GE(report.salvage->candlesKept, 4000U);
    EXPECT_LT(report.salvage->candlesKept, 5000U);
    EXPECT_EQ(*db->count(btc1m()), report.salvage->candlesKept);
    EXPECT_TRUE(db->checkIntegrity().ok());
    const auto aside = asideFiles(dir, "candles.sqlite3");
    ASSERT_EQ(aside.size(), 1U);
    EXPECT_EQ(fs::file_size(dir.file(aside[0])), cut);
}

TEST(CandleDatabaseRecovery, SidecarFilesMoveWithTheDamagedFile) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    test::writeFile(path, randomBytes(8192, 3));
    // A -wal beside a replaced file would be replayed into the new database: it must go too.
    const std::string wal = randomBytes(5000, 4);
    test::writeFile(path + "-wal", wal);
    test::writeFile(path + "-shm", randomBytes(32768, 5));

    std::string notice;
    auto db = CandleDatabase::openOrRecover(path, &notice);
    ASSERT_TRUE(db.ok()) << db.error().message;
    expectFreshAfterRecovery(path, notice);
    const auto aside = asideFiles(dir, "candles.sqlite3", /*withSidecars=*/true);
    ASSERT_EQ(aside.size(), 3U);
    EXPECT_EQ(aside[1], aside[0] + "-shm");
    EXPECT_EQ(aside[2], aside[0] + "-wal");
    EXPECT_EQ(test::readFile(dir.file(aside[2])), wal);
}

TEST(CandleDatabaseRecovery, DamagedPagesFailTheCheckAfterAnUncleanCloseAndAreMovedAside) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    {
        auto db = CandleDatabase::open(path);
        ASSERT_TRUE(db.ok());
        ASSERT_TRUE(db->upsert(btc1m(), test::minuteCandles(0, 5000)).ok());
    }
    // Keep the header and schema page, scribble over the b-tree pages behind them.
    std::string bytes = test::readFile(path);
    ASSERT_GT(bytes.size(), 40'000U);
    const std::string noise = randomBytes(bytes.size() - 8192, 11);
    bytes.replace(8192, noise.size(), noise);
    test::writeFile(path, bytes);
    // As a process that died without closing leaves it: the full check runs on this open.
    test::writeFile(path + "-wal", "");

    std::string notice;
    auto db = CandleDatabase::openOrRecover(path, &notice);
    ASSERT_TRUE(db.ok()) << db.error().message;
    expectFreshAfterRecovery(path, notice);
    EXPECT_EQ(asideFiles(dir, "candles.sqlite3").size(), 1U);
}

TEST(CandleDatabaseRecovery, RepeatedRecoveriesKeepEveryOldFile) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    for (int i = 0; i < 2; ++i) {
        test::writeFile(path, randomBytes(4096, static_cast<unsigned>(i)));
        std::string notice;
        {
            auto db = CandleDatabase::openOrRecover(path, &notice);
            ASSERT_TRUE(db.ok()) << db.error().message;
        }
        fs::remove(path + "-wal");
        fs::remove(path + "-shm");
    }
    EXPECT_EQ(asideFiles(dir, "candles.sqlite3").size(), 2U);
}

TEST(CandleDatabaseRecovery, DatabaseWithSomeoneElsesTablesIsMovedAside) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    test::execRaw(path, "CREATE TABLE candles (whatever TEXT); INSERT INTO candles VALUES ('x');");
    std::string notice;
    auto db = CandleDatabase::openOrRecover(path, &notice);
    ASSERT_TRUE(db.ok()) << db.error().message;
    expectFreshAfterRecovery(path, notice);
    const auto aside = asideFiles(dir, "candles.sqlite3");
    ASSERT_EQ(aside.size(), 1U);
    EXPECT_EQ(test::queryRawInt(dir.file(aside[0]), "SELECT COUNT(*) FROM candles"), 1);
}

TEST(CandleDatabaseRecovery, VersionOneWithoutTablesIsReportedAsMismatch) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    test::execRaw(path, "PRAGMA user_version = 1");
    auto db = CandleDatabase::open(path);
    ASSERT_FALSE(db.ok());
    EXPECT_NE(db.error().message.find("do not match schema version 1"), std::string::npos)
        << db.error().message;
    std::string notice;
    EXPECT_TRUE(CandleDatabase::openOrRecover(path, &notice).ok());
    EXPECT_FALSE(notice.empty());
}

TEST(CandleDatabaseRecovery, DatabaseInUseByAnotherWriterIsOpenedNotMoved) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    ASSERT_TRUE(CandleDatabase::open(path).ok());
    // Another process (a second app instance, the cpc tool) is in the middle of a write.
    sqlite3* other = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(other,
                           "BEGIN IMMEDIATE; INSERT INTO series (exchange, symbol, interval) "
                           "VALUES ('binance', 'ETHUSDT', '1h');",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    std::string notice;
    auto db = CandleDatabase::openOrRecover(path, &notice);
    EXPECT_TRUE(db.ok()) << db.error().message;
    EXPECT_TRUE(notice.empty()) << notice;
    EXPECT_TRUE(asideFiles(dir, "candles.sqlite3").empty());
    sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr);
    sqlite3_close_v2(other);
}

TEST(CandleDatabaseRecovery, ExclusivelyLockedFileIsWaitedForNotMoved) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    // A rollback-journal database (as an older tool would leave it) under an exclusive lock that
    // is released after a short while: open waits (busy_timeout) instead of calling it damaged.
    test::execRaw(path, "PRAGMA journal_mode = DELETE; CREATE TABLE notes (x);");
    sqlite3* other = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE; INSERT INTO notes VALUES (1);", nullptr,
                           nullptr, nullptr),
              SQLITE_OK);
    std::thread releaser([other] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr);
    });
    std::string notice;
    auto db = CandleDatabase::openOrRecover(path, &notice);
    releaser.join();
    sqlite3_close_v2(other);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_TRUE(notice.empty()) << notice;
    EXPECT_TRUE(asideFiles(dir, "candles.sqlite3").empty());
    EXPECT_EQ(test::queryRawInt(path, "SELECT COUNT(*) FROM notes"), 1);
}

TEST(CandleDatabaseRecovery, UncreatableDatabaseIsAnErrorNamingThePath) {
    TempDir dir;
    test::writeFile(dir.file("a-file"), "x");
    const std::string path = dir.file("a-file/candles.sqlite3");  // parent is not a directory
    std::string notice;
    auto db = CandleDatabase::openOrRecover(path, &notice);
    ASSERT_FALSE(db.ok());
    EXPECT_NE(db.error().message.find(path), std::string::npos) << db.error().message;
    EXPECT_TRUE(notice.empty());
}

}  // namespace
}  // namespace cpc::storage
