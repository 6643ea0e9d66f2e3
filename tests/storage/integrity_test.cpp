// Integrity of the candle cache (docs/ARCHITECTURE.md, "Candle cache integrity"): transient
// SQLite failures are retried and reported and never touch the file; a damaged file is salvaged
// (every readable row copied into a new file) before it is moved aside; the full check runs only
// after an unclean close.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <iostream>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "cpc/storage/candle_database.hpp"
#include "cpc/storage/storage_worker.hpp"
#include "fault_vfs.hpp"
#include "storage_test_util.hpp"

namespace cpc::storage {
namespace {

using test::asideFiles;
using test::btc1m;
using test::eth1h;
using test::FaultVfs;
using test::TempDir;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr std::int64_t kBtcCandles = 20'000;
constexpr std::int64_t kEthCandles = 5'000;
constexpr std::int64_t kHourMs = 3'600'000;

std::vector<Candle> hourCandles(std::int64_t count) {
    std::vector<Candle> out;
    for (std::int64_t i = 0; i < count; ++i) out.push_back(test::syntheticCandle(i * kHourMs, i));
    return out;
}

// Two series and their coverage, closed cleanly (the WAL checkpointed into the file).
void writeCache(const std::string& path) {
    auto db = CandleDatabase::open(path);
    ASSERT_TRUE(db.ok()) << db.error().message;
    ASSERT_TRUE(db->upsert(btc1m(), test::minuteCandles(0, kBtcCandles)).ok());
    ASSERT_TRUE(db->upsert(eth1h(), hourCandles(kEthCandles)).ok());
    ASSERT_TRUE(db->recordCoverage(btc1m(), 0, kBtcCandles * 60'000, CoverageKind::Complete).ok());
    ASSERT_TRUE(db->recordCoverage(btc1m(), -600'000, 0, CoverageKind::Gap).ok());
    ASSERT_TRUE(db->recordCoverage(eth1h(), 0, kEthCandles * kHourMs, CoverageKind::Complete).ok());
}

// Overwrites `pages` whole 4 KiB pages with random bytes, starting at `fraction` of the file.
// Returns the damaged file's bytes.
std::string damagePages(const std::string& path, double fraction, int pages, unsigned seed) {
    std::string bytes = test::readFile(path);
    const std::size_t page = 4096;
    const std::size_t first = static_cast<std::size_t>(bytes.size() / page * fraction) * page;
    EXPECT_LE(first + pages * page, bytes.size());
    const std::string noise = test::randomBytes(pages * page, seed);
    bytes.replace(first, noise.size(), noise);
    test::writeFile(path, bytes);
    return bytes;
}

// What a process that died without closing the file leaves behind (an empty WAL is valid).
void leaveWal(const std::string& path) { test::writeFile(path + "-wal", ""); }

// Every stored candle of `key` equals the original candle at its open time.
void expectSubsetOfOriginal(CandleDatabase& db, const SeriesKey& key,
                            const std::vector<Candle>& original, std::int64_t stepMs) {
    auto stored = db.loadRange(key, std::numeric_limits<std::int64_t>::min(),
                               std::numeric_limits<std::int64_t>::max());
    ASSERT_TRUE(stored.ok()) << stored.error().message;
    for (const Candle& c : *stored) {
        ASSERT_EQ(c.openTime % stepMs, 0);
        const auto index = static_cast<std::size_t>(c.openTime / stepMs);
        ASSERT_LT(index, original.size());
        ASSERT_EQ(c, original[index]) << "salvaged candle at " << c.openTime << " was altered";
    }
}

TEST(StorageErrorKind, SortsSqliteCodesIntoTransientAndDamage) {
    for (int code : {SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN,
                     SQLITE_READONLY, SQLITE_NOMEM, SQLITE_PROTOCOL, SQLITE_PERM})
        EXPECT_EQ(errorKind(makeError("x", code)), StorageErrorKind::Transient) << code;
    // Extended codes count by their primary code.
    EXPECT_EQ(errorKind(makeError("x", SQLITE_IOERR_SHORT_READ)), StorageErrorKind::Transient);
    EXPECT_EQ(errorKind(makeError("x", SQLITE_CORRUPT)), StorageErrorKind::Damage);
    EXPECT_EQ(errorKind(makeError("x", SQLITE_NOTADB)), StorageErrorKind::Damage);
    EXPECT_EQ(errorKind(makeError("x", 0)), StorageErrorKind::Other);
    EXPECT_EQ(errorKind(makeError("x", SQLITE_CONSTRAINT)), StorageErrorKind::Other);
}

// ---------------------------------------------------------------------------------------------
// Transient failures

TEST(CandleDatabaseTransient, ReadErrorOnOpenIsRetriedReportedAndLeavesTheFileAlone) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    {
        auto db = CandleDatabase::open(path);
        ASSERT_TRUE(db.ok());
        ASSERT_TRUE(db->upsert(btc1m(), test::minuteCandles(0, 100)).ok());
    }
    const std::string before = test::readFile(path);
    FaultVfs vfs;
    vfs.set({.file = path, .readError = SQLITE_IOERR_READ});
    std::string notice;
    auto failed = CandleDatabase::openOrRecover(path, &notice);
    ASSERT_FALSE(failed.ok()) << "an I/O error is not damage: nothing may be salvaged or moved";
    EXPECT_EQ(failed.error().code, SQLITE_IOERR);
    EXPECT_EQ(errorKind(failed.error()), StorageErrorKind::Transient);
    EXPECT_NE(failed.error().message.find(path), std::string::npos) << failed.error().message;
    EXPECT_NE(failed.error().message.find("left as it is"), std::string::npos)
        << failed.error().message;
    EXPECT_GE(vfs.hits(), OpenOptions{}.transientAttempts) << "the open was not retried";
    EXPECT_TRUE(asideFiles(dir, "candles.sqlite3").empty());
    EXPECT_EQ(test::readFile(path), before);

    vfs.clear();
    auto db = CandleDatabase::openOrRecover(path, &notice);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_TRUE(notice.empty()) << notice;
    EXPECT_EQ(*db->count(btc1m()), 100U);
}

TEST(CandleDatabaseTransient, ExistingFileThatCannotBeOpenedNowIsNotMoved) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    {
        auto db = CandleDatabase::open(path);
        ASSERT_TRUE(db.ok());
        ASSERT_TRUE(db->upsert(btc1m(), test::minuteCandles(0, 100)).ok());
    }
    FaultVfs vfs;
    // As with too many open files or a permission change under a running app.
    vfs.set({.file = path, .openError = SQLITE_CANTOPEN});
    std::string notice;
    auto failed = CandleDatabase::openOrRecover(path, &notice);
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(errorKind(failed.error()), StorageErrorKind::Transient);
    EXPECT_TRUE(asideFiles(dir, "candles.sqlite3").empty());
    EXPECT_TRUE(fs::exists(path));

    vfs.clear();
    auto db = CandleDatabase::openOrRecover(path, &notice);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ(*db->count(btc1m()), 100U);
}

// Issue 20: a full disk or a permission error while opening a healthy cache — on each call SQLite
// makes (open, read, write), after a clean close and after an unclean one (the full check and WAL
// recovery run) — is a failure to report, never damage: nothing is salvaged or moved aside, and
// the cache opens whole once the fault is gone. Recovery is never more destructive than the fault.
TEST(CandleDatabaseTransient, DiskFullOrPermissionErrorsOnOpenNeverMoveAHealthyCache) {
    struct Case {
        const char* what;
        FaultVfs::Fault fault;
    };
    const std::vector<Case> cases{
        {"open: permission", {.file = {}, .openError = SQLITE_PERM}},
        {"open: cannot open", {.file = {}, .openError = SQLITE_CANTOPEN}},
        {"open: read-only", {.file = {}, .openError = SQLITE_READONLY}},
        {"open: disk full", {.file = {}, .openError = SQLITE_FULL}},
        {"read: permission", {.file = {}, .readError = SQLITE_PERM}},
        {"read: I/O error", {.file = {}, .readError = SQLITE_IOERR_READ}},
        {"write: disk full", {.file = {}, .writeError = SQLITE_FULL}},
        {"write: I/O error", {.file = {}, .writeError = SQLITE_IOERR_WRITE}},
        {"write: permission", {.file = {}, .writeError = SQLITE_PERM}},
        {"write: read-only", {.file = {}, .writeError = SQLITE_READONLY}},
    };
    for (const bool unclean : {false, true}) {
        for (const Case& c : cases) {
            SCOPED_TRACE(std::string(c.what) + (unclean ? ", after an unclean close" : ""));
            TempDir dir;
            const std::string path = dir.file("candles.sqlite3");
            {
                auto db = CandleDatabase::open(path);
                ASSERT_TRUE(db.ok());
                ASSERT_TRUE(db->upsert(btc1m(), test::minuteCandles(0, 500)).ok());
            }
            if (unclean) leaveWal(path);
            const std::string before = test::readFile(path);
            {
                FaultVfs vfs;
                FaultVfs::Fault fault = c.fault;
                fault.file = path;
                vfs.set(fault);
                OpenOptions quick;
                quick.retryDelayMs = 1;
                OpenReport report;
                auto opened = CandleDatabase::openOrSalvage(path, &report, quick);
                EXPECT_FALSE(report.salvage.has_value()) << report.salvage->summary();
                if (!opened.ok()) {
                    EXPECT_EQ(errorKind(opened.error()), StorageErrorKind::Transient) << opened.error().message;
                    EXPECT_NE(opened.error().message.find(path), std::string::npos) << opened.error().message;
                }
            }
            EXPECT_TRUE(asideFiles(dir, "candles.sqlite3").empty());
            EXPECT_FALSE(fs::exists(path + ".salvage"));
            EXPECT_EQ(test::readFile(path).size(), before.size());
            auto db = CandleDatabase::open(path);
            ASSERT_TRUE(db.ok()) << db.error().message;
            EXPECT_EQ(*db->count(btc1m()), 500U);
            EXPECT_TRUE(db->checkIntegrity().ok());
        }
    }
}

TEST(CandleDatabaseTransient, OneReadErrorDuringALoadIsRetriedAway) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    {
        auto db = CandleDatabase::open(path);
        ASSERT_TRUE(db.ok());
        ASSERT_TRUE(db->upsert(btc1m(), test::minuteCandles(0, 5000)).ok());
    }
    FaultVfs vfs;
    auto db = CandleDatabase::open(path);
    ASSERT_TRUE(db.ok()) << db.error().message;
    vfs.set({.file = path, .readError = SQLITE_IOERR_READ, .times = 1});
    auto candles = db->loadLatest(btc1m(), 10'000);
    ASSERT_TRUE(candles.ok()) << candles.error().message;
    EXPECT_EQ(vfs.hits(), 1) << "the load did not read the file (the fault never fired)";
    EXPECT_EQ(*candles, test::minuteCandles(0, 5000));
}

TEST(CandleDatabaseTransient, DiskFullDuringASaveIsReportedAndNothingIsLost) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    FaultVfs vfs;
    auto db = CandleDatabase::open(path);
    ASSERT_TRUE(db.ok()) << db.error().message;
    ASSERT_TRUE(db->upsert(btc1m(), test::minuteCandles(0, 1000)).ok());
    // Commits go to the WAL first.
    vfs.set({.file = path + "-wal", .writeError = SQLITE_FULL});
    auto full = db->upsert(btc1m(), test::minuteCandles(1000, 5000));
    ASSERT_FALSE(full.ok());
    EXPECT_EQ(full.error().code, SQLITE_FULL) << full.error().message;
    EXPECT_EQ(errorKind(full.error()), StorageErrorKind::Transient);
    EXPECT_GE(vfs.hits(), OpenOptions{}.transientAttempts) << "the save was not retried";
    vfs.clear();
    EXPECT_EQ(*db->count(btc1m()), 1000U) << "the failed save must leave no partial rows";
    EXPECT_TRUE(db->checkIntegrity().ok());
    ASSERT_TRUE(db->upsert(btc1m(), test::minuteCandles(1000, 5000)).ok());
    EXPECT_EQ(*db->count(btc1m()), 6000U);
    EXPECT_TRUE(asideFiles(dir, "candles.sqlite3").empty());
}

// Another process holds an exclusive lock (locking_mode = EXCLUSIVE and a write): every read of
// ours is SQLITE_BUSY until it lets go.
class ExclusiveHolder {
public:
    explicit ExclusiveHolder(const std::string& path) {
        EXPECT_EQ(sqlite3_open(path.c_str(), &m_db), SQLITE_OK);
        EXPECT_EQ(sqlite3_exec(m_db,
                               "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; "
                               "INSERT INTO series (exchange, symbol, interval) "
                               "VALUES ('okx', 'BTC-USDT', '1m');",
                               nullptr, nullptr, nullptr),
                  SQLITE_OK)
            << sqlite3_errmsg(m_db);
    }
    void release() {
        if (m_db == nullptr) return;
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        sqlite3_close_v2(m_db);
        m_db = nullptr;
    }
    ~ExclusiveHolder() { release(); }

private:
    sqlite3* m_db = nullptr;
};

TEST(CandleDatabaseTransient, BusyFileIsReportedAfterTheTimeoutAndNotMoved) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    {
        auto db = CandleDatabase::open(path);
        ASSERT_TRUE(db.ok());
        ASSERT_TRUE(db->upsert(btc1m(), test::minuteCandles(0, 100)).ok());
    }
    ExclusiveHolder holder(path);
    OpenOptions quick;
    quick.busyTimeoutMs = 100;
    OpenReport report;
    auto failed = CandleDatabase::openOrSalvage(path, &report, quick);
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().code, SQLITE_BUSY) << failed.error().message;
    EXPECT_EQ(errorKind(failed.error()), StorageErrorKind::Transient);
    EXPECT_FALSE(report.salvage.has_value());
    EXPECT_TRUE(asideFiles(dir, "candles.sqlite3").empty());

    holder.release();
    auto db = CandleDatabase::openOrSalvage(path, &report, quick);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_FALSE(report.salvage.has_value());
    EXPECT_EQ(*db->count(btc1m()), 100U);
}

// Collects the worker's notices.
class Notices {
public:
    StorageWorker::NoticeHandler handler() {
        return [this](const StorageNotice& notice) {
            std::lock_guard lock(m_mutex);
            m_notices.push_back(notice);
        };
    }
    std::vector<StorageNotice> get() const {
        std::lock_guard lock(m_mutex);
        return m_notices;
    }

private:
    mutable std::mutex m_mutex;
    std::vector<StorageNotice> m_notices;
};

Result<std::vector<Candle>> loadLatestAndWait(StorageWorker& worker, const SeriesKey& key) {
    std::promise<Result<std::vector<Candle>>> result;
    worker.loadLatest(key, 1'000'000,
                      [&result](Result<std::vector<Candle>> r) { result.set_value(std::move(r)); });
    return result.get_future().get();
}

TEST(StorageWorkerTransient, LockedAtStartIsReportedAndOpensOnceTheLockIsGone) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    {
        auto db = CandleDatabase::open(path);
        ASSERT_TRUE(db.ok());
        ASSERT_TRUE(db->upsert(btc1m(), test::minuteCandles(0, 100)).ok());
    }
    ExclusiveHolder holder(path);
    Notices notices;
    OpenOptions quick;
    quick.busyTimeoutMs = 100;
    StorageWorker worker(path, notices.handler(), quick);
    auto failed = loadLatestAndWait(worker, btc1m());
    ASSERT_FALSE(failed.ok());
    EXPECT_NE(failed.error().message.find("not open"), std::string::npos) << failed.error().message;
    EXPECT_FALSE(worker.isOpen());
    ASSERT_EQ(notices.get().size(), 1U);
    EXPECT_EQ(notices.get()[0].kind, StorageNotice::Kind::OpenFailed);
    EXPECT_NE(notices.get()[0].message.find("tried again"), std::string::npos)
        << notices.get()[0].message;

    holder.release();
    std::this_thread::sleep_for(StorageWorker::kReopenInterval + 100ms);
    auto loaded = loadLatestAndWait(worker, btc1m());
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_EQ(loaded->size(), 100U);
    EXPECT_TRUE(worker.isOpen());
    const auto all = notices.get();
    ASSERT_EQ(all.size(), 2U);
    EXPECT_EQ(all[1].kind, StorageNotice::Kind::Reopened);
    EXPECT_TRUE(asideFiles(dir, "candles.sqlite3").empty());
    EXPECT_FALSE(worker.lastSalvage().has_value());
}

TEST(StorageWorkerTransient, DiskFullSaveIsReportedAndTheNextSaveWorks) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    FaultVfs vfs;
    Notices notices;
    StorageWorker worker(path, notices.handler());
    worker.save(btc1m(), test::minuteCandles(0, 100));
    worker.flush();
    vfs.set({.file = path + "-wal", .writeError = SQLITE_FULL});
    // Hold the storage thread in a callback while both saves are queued, so they are coalesced
    // into one transaction: one failure, one notice (not one per save).
    std::promise<void> entered, release;
    worker.loadLatest(btc1m(), 1, [&](Result<std::vector<Candle>>) {
        entered.set_value();
        release.get_future().wait();
    });
    ASSERT_EQ(entered.get_future().wait_for(10s), std::future_status::ready);
    worker.save(btc1m(), test::minuteCandles(100, 100));
    worker.save(eth1h(), hourCandles(10));
    release.set_value();
    worker.flush();
    vfs.clear();
    auto all = notices.get();
    ASSERT_EQ(all.size(), 1U);
    EXPECT_EQ(all[0].kind, StorageNotice::Kind::SaveFailed);
    EXPECT_NE(all[0].message.find("full"), std::string::npos) << all[0].message;
    EXPECT_EQ(worker.stats().savesFailed, 2U);
    worker.save(btc1m(), test::minuteCandles(100, 100));
    auto loaded = loadLatestAndWait(worker, btc1m());
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_EQ(*loaded, test::minuteCandles(0, 200));
    EXPECT_TRUE(asideFiles(dir, "candles.sqlite3").empty());
    EXPECT_EQ(notices.get().size(), 1U);
}

// ---------------------------------------------------------------------------------------------
// Damage: salvage

TEST(CandleDatabaseSalvage, DamagedPagesAfterAnUncleanCloseAreSalvagedAndCounted) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    writeCache(path);
    const std::string damaged = damagePages(path, 0.5, 3, 21);
    leaveWal(path);

    OpenReport report;
    auto db = CandleDatabase::openOrSalvage(path, &report);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_TRUE(report.fullCheckRan);
    ASSERT_TRUE(report.salvage.has_value()) << "the damage was not found";
    const SalvageReport& s = *report.salvage;
    constexpr auto kAll = static_cast<std::uint64_t>(kBtcCandles + kEthCandles);
    EXPECT_NE(s.reason.find("integrity check"), std::string::npos) << s.reason;
    EXPECT_TRUE(s.unreadablePages);
    EXPECT_GT(s.candlesLost, 0U);
    EXPECT_GE(s.candlesKept, kAll * 95 / 100) << "one bad place must not cost the rest";
    EXPECT_LT(s.candlesKept, kAll);
    // The skipped spans of a series without gaps estimate the lost rows closely.
    EXPECT_NEAR(static_cast<double>(s.candlesKept + s.candlesLost), static_cast<double>(kAll),
                kAll * 0.01);
    EXPECT_EQ(s.seriesKept, 2U);

    // The new file holds exactly the kept rows, unaltered, and is sound.
    const std::uint64_t stored = *db->count(btc1m()) + *db->count(eth1h());
    EXPECT_EQ(stored, s.candlesKept);
    expectSubsetOfOriginal(*db, btc1m(), test::minuteCandles(0, kBtcCandles), 60'000);
    expectSubsetOfOriginal(*db, eth1h(), hourCandles(kEthCandles), kHourMs);
    EXPECT_TRUE(db->checkIntegrity().ok());

    // A series that lost candles loses its `complete` coverage (so they are downloaded again),
    // keeps its gaps; an intact series keeps everything.
    const bool btcLost = *db->count(btc1m()) < static_cast<std::size_t>(kBtcCandles);
    const bool ethLost = *db->count(eth1h()) < static_cast<std::size_t>(kEthCandles);
    EXPECT_NE(btcLost, ethLost) << "three adjacent pages hold rows of one series here";
    const auto btcCoverage = *db->coverage(btc1m());
    const auto ethCoverage = *db->coverage(eth1h());
    EXPECT_EQ(btcCoverage.size(), btcLost ? 1U : 2U);
    EXPECT_EQ(btcCoverage.front(), (CoverageRange{-600'000, 0, CoverageKind::Gap}));
    EXPECT_EQ(ethCoverage.size(), ethLost ? 0U : 1U);
    EXPECT_EQ(s.coverageKept, btcCoverage.size() + ethCoverage.size());
    EXPECT_EQ(s.coverageDropped, 1U);

    // The damaged file is kept, as it was, with its -wal; the report says where.
    const auto aside = asideFiles(dir, "candles.sqlite3");
    ASSERT_EQ(aside.size(), 1U);
    EXPECT_EQ(s.damagedPath, dir.file(aside[0]));
    EXPECT_EQ(test::readFile(s.damagedPath), damaged);
    EXPECT_TRUE(fs::exists(s.damagedPath + "-wal"));
    EXPECT_FALSE(fs::exists(path + ".salvage"));
    const std::string summary = s.summary();
    EXPECT_NE(summary.find(std::to_string(s.candlesKept)), std::string::npos) << summary;
    EXPECT_NE(summary.find(s.damagedPath), std::string::npos) << summary;
}

TEST(CandleDatabaseSalvage, CleanCloseSkipsTheFullCheckAndDamageSurfacesOnUse) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    writeCache(path);
    damagePages(path, 0.5, 3, 21);

    OpenReport report;
    auto db = CandleDatabase::openOrSalvage(path, &report);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_FALSE(report.fullCheckRan) << "a cleanly closed file must not be scanned on open";
    EXPECT_FALSE(report.salvage.has_value());
    auto btc = db->loadLatest(btc1m(), 1'000'000);
    auto eth = db->loadLatest(eth1h(), 1'000'000);
    const Error& error = !btc ? btc.error() : eth.error();
    ASSERT_TRUE(!btc || !eth) << "no load read the damaged pages";
    EXPECT_EQ(errorKind(error), StorageErrorKind::Damage) << error.message;
}

TEST(StorageWorkerSalvage, DamageFoundByALoadIsSalvagedReportedAndTheLoadRunsAgain) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    writeCache(path);
    damagePages(path, 0.5, 3, 21);

    Notices notices;
    StorageWorker worker(path, notices.handler());
    auto btc = loadLatestAndWait(worker, btc1m());
    auto eth = loadLatestAndWait(worker, eth1h());
    ASSERT_TRUE(btc.ok()) << btc.error().message;
    ASSERT_TRUE(eth.ok()) << eth.error().message;
    EXPECT_GT(btc->size() + eth->size(), static_cast<std::size_t>(kBtcCandles + kEthCandles) * 95 / 100);
    EXPECT_TRUE(worker.isOpen());

    const auto all = notices.get();
    ASSERT_EQ(all.size(), 1U);
    EXPECT_EQ(all[0].kind, StorageNotice::Kind::Recovered);
    ASSERT_TRUE(all[0].salvage.has_value());
    EXPECT_EQ(all[0].salvage->candlesKept, btc->size() + eth->size());
    EXPECT_EQ(all[0].message, all[0].salvage->summary());
    const auto last = worker.lastSalvage();
    ASSERT_TRUE(last.has_value());
    EXPECT_EQ(last->damagedPath, all[0].salvage->damagedPath);
    EXPECT_TRUE(fs::exists(last->damagedPath));

    // The new file takes saves.
    worker.save(btc1m(), test::minuteCandles(kBtcCandles, 10));
    auto after = loadLatestAndWait(worker, btc1m());
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(after->size(), btc->size() + 10);
    EXPECT_EQ(notices.get().size(), 1U);
}

TEST(CandleDatabaseSalvage, DiskFullWhileSalvagingLeavesTheDamagedFileInPlace) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    writeCache(path);
    const std::string damaged = damagePages(path, 0.5, 3, 21);
    leaveWal(path);

    FaultVfs vfs;
    vfs.set({.file = path + ".salvage-wal", .writeError = SQLITE_FULL});
    OpenReport report;
    auto failed = CandleDatabase::openOrSalvage(path, &report);
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(errorKind(failed.error()), StorageErrorKind::Transient) << failed.error().message;
    EXPECT_NE(failed.error().message.find("left where it is"), std::string::npos)
        << failed.error().message;
    EXPECT_GT(vfs.hits(), 0);
    EXPECT_EQ(test::readFile(path), damaged);
    EXPECT_TRUE(asideFiles(dir, "candles.sqlite3").empty());
    EXPECT_FALSE(fs::exists(path + ".salvage"));

    vfs.clear();
    auto db = CandleDatabase::openOrSalvage(path, &report);
    ASSERT_TRUE(db.ok()) << db.error().message;
    ASSERT_TRUE(report.salvage.has_value());
    EXPECT_GE(report.salvage->candlesKept, static_cast<std::uint64_t>(kBtcCandles + kEthCandles) * 95 / 100);
}

TEST(CandleDatabaseSalvage, UnreadableSeriesTableCountsItsCandlesAsLost) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    {
        auto db = CandleDatabase::open(path);
        ASSERT_TRUE(db.ok());
        ASSERT_TRUE(db->upsert(btc1m(), test::minuteCandles(0, 300)).ok());
    }
    const long long seriesRoot =
        test::queryRawInt(path, "SELECT rootpage FROM sqlite_schema WHERE name = 'series'");
    ASSERT_GT(seriesRoot, 1);
    // The read-only look above leaves an empty -wal/-shm (it cannot delete them): not a crash.
    fs::remove(path + "-wal");
    fs::remove(path + "-shm");
    std::string bytes = test::readFile(path);
    bytes.replace(static_cast<std::size_t>(seriesRoot - 1) * 4096, 4096, std::string(4096, '\xff'));
    test::writeFile(path, bytes);

    OpenReport report;
    auto db = CandleDatabase::openOrSalvage(path, &report);  // the bounded check reads `series`
    ASSERT_TRUE(db.ok()) << db.error().message;
    ASSERT_TRUE(report.salvage.has_value());
    EXPECT_FALSE(report.fullCheckRan);
    EXPECT_EQ(report.salvage->candlesKept, 0U);
    EXPECT_EQ(report.salvage->candlesLost, 300U) << "read, but no series to file them under";
    EXPECT_TRUE(db->listSeries()->empty());
}

TEST(CandleDatabaseStartup, OnlyAnUncleanCloseRunsTheFullCheck) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    OpenReport report;
    { ASSERT_TRUE(CandleDatabase::openOrSalvage(path, &report).ok()); }
    EXPECT_FALSE(report.fullCheckRan) << "new file";
    { ASSERT_TRUE(CandleDatabase::openOrSalvage(path, &report).ok()); }
    EXPECT_FALSE(report.fullCheckRan) << "closed cleanly";

    // A writer that dies without closing leaves its WAL.
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        auto db = CandleDatabase::open(path);
        if (!db || !db->upsert(btc1m(), test::minuteCandles(0, 50))) _exit(2);
        _exit(0);  // no close
    }
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ASSERT_TRUE(fs::exists(path + "-wal"));
    {
        auto db = CandleDatabase::openOrSalvage(path, &report);
        ASSERT_TRUE(db.ok()) << db.error().message;
        EXPECT_TRUE(report.fullCheckRan);
        EXPECT_FALSE(report.salvage.has_value());
        EXPECT_EQ(*db->count(btc1m()), 50U);
    }
    { ASSERT_TRUE(CandleDatabase::openOrSalvage(path, &report).ok()); }
    EXPECT_FALSE(report.fullCheckRan) << "the recovered file was closed cleanly again";
}

}  // namespace
}  // namespace cpc::storage
