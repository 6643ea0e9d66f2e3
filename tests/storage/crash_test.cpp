// A writer killed at any moment leaves a consistent database holding every committed batch.
// The writer is a fork()ed child (SQLite connections are not carried across fork: the parent has
// no connection open while the child runs).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "cpc/storage/candle_database.hpp"
#include "storage_test_util.hpp"

namespace cpc::storage {
namespace {

using test::btc1m;
using test::TempDir;

constexpr std::int64_t kBatchSize = 500;

std::vector<Candle> batchCandles(std::int32_t batch) {
    return test::minuteCandles(static_cast<std::int64_t>(batch) * kBatchSize, kBatchSize);
}

// Child: writes batches first, first+1, … forever, reporting each number on `fd` after its
// commit returned. Never returns.
[[noreturn]] void writeBatchesForever(const std::string& path, std::int32_t first, int fd) {
    auto db = CandleDatabase::open(path);
    if (!db) _exit(2);
    for (std::int32_t batch = first;; ++batch) {
        if (!db->upsert(btc1m(), batchCandles(batch))) _exit(3);
        if (write(fd, &batch, sizeof batch) != static_cast<ssize_t>(sizeof batch)) _exit(4);
    }
}

// Runs one writer child, kills it with SIGKILL after it reported `minCommits` commits plus a
// random delay, and returns the batch numbers it reported.
std::vector<std::int32_t> runAndKillWriter(const std::string& path, std::int32_t first,
                                           int minCommits, std::mt19937& rng) {
    int fds[2];
    if (pipe(fds) != 0) {
        ADD_FAILURE() << "pipe: " << std::strerror(errno);
        return {};
    }
    const pid_t pid = fork();
    if (pid < 0) {
        ADD_FAILURE() << "fork: " << std::strerror(errno);
        return {};
    }
    if (pid == 0) {
        close(fds[0]);
        writeBatchesForever(path, first, fds[1]);
    }
    close(fds[1]);

    std::vector<std::int32_t> reported;
    std::int32_t batch = 0;
    while (static_cast<int>(reported.size()) < minCommits && test::readInt32(fds[0], batch))
        reported.push_back(batch);
    // Land the kill somewhere inside a later transaction (one batch takes a few ms).
    std::this_thread::sleep_for(
        std::chrono::microseconds(std::uniform_int_distribution(0, 4000)(rng)));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    // Commits reported before the kill are still in the pipe.
    while (test::readInt32(fds[0], batch)) reported.push_back(batch);
    close(fds[0]);

    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the writer ended on its own (exit " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1)
        << ") before it was killed";
    return reported;
}

TEST(CandleDatabaseCrash, SigkillDuringWritesKeepsEveryCommittedBatch) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    std::mt19937 rng(20240115);
    std::set<std::int32_t> committed;
    std::int32_t next = 0;

    for (int round = 0; round < 8; ++round) {
        const auto reported = runAndKillWriter(path, next, 3 + round, rng);
        ASSERT_FALSE(reported.empty()) << "the writer never committed (round " << round << ")";
        committed.insert(reported.begin(), reported.end());

        std::string notice;
        auto db = CandleDatabase::openOrRecover(path, &notice);
        ASSERT_TRUE(db.ok()) << db.error().message;
        ASSERT_TRUE(notice.empty()) << "a killed writer must not damage the file: " << notice;
        auto integrity = db->checkIntegrity();
        ASSERT_TRUE(integrity.ok()) << integrity.error().message;

        for (std::int32_t batch : committed) {
            const auto expected = batchCandles(batch);
            auto stored =
                db->loadRange(btc1m(), expected.front().openTime, expected.back().openTime);
            ASSERT_TRUE(stored.ok()) << stored.error().message;
            ASSERT_EQ(*stored, expected) << "committed batch " << batch << " is missing or altered";
        }
        // Batches are all-or-nothing: the one the kill interrupted is either whole or absent.
        const std::size_t rows = *db->count(btc1m());
        EXPECT_EQ(rows % kBatchSize, 0U) << "a partial batch is visible";
        const auto bounds = *db->bounds(btc1m());
        ASSERT_TRUE(bounds.has_value());
        const auto lastBatch = static_cast<std::int32_t>(bounds->second / 60'000 / kBatchSize);
        EXPECT_EQ(rows, static_cast<std::size_t>(lastBatch + 1) * kBatchSize)
            << "batches have holes";
        EXPECT_GE(lastBatch, *committed.rbegin());
        next = lastBatch + 1;  // the next writer continues after whatever made it to disk
    }
}

TEST(CandleDatabaseCrash, ExitInsideLargeUncommittedTransactionLeavesNoTrace) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    {
        auto db = CandleDatabase::open(path);
        ASSERT_TRUE(db.ok());
        ASSERT_TRUE(db->upsert(btc1m(), test::minuteCandles(0, 100)).ok());
    }
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        // A tiny page cache forces SQLite to spill the uncommitted pages into the WAL before the
        // process dies, which is the case that recovery has to ignore.
        sqlite3* db = nullptr;
        if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) _exit(2);
        const char* sql =
            "PRAGMA cache_size = 2;"
            "BEGIN;"
            "WITH RECURSIVE n(i) AS (SELECT 1000 UNION ALL SELECT i + 1 FROM n WHERE i < 60000) "
            "INSERT INTO candles SELECT 1, i * 60000, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1 FROM n;";
        if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) _exit(3);
        _exit(0);  // no COMMIT, no close
    }
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status)) << "child crashed";
    ASSERT_EQ(WEXITSTATUS(status), 0) << "child could not run its transaction";
    EXPECT_GT(std::filesystem::file_size(path + "-wal"), 100'000U) << "the spill did not happen";

    std::string notice;
    auto db = CandleDatabase::openOrRecover(path, &notice);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_TRUE(notice.empty()) << notice;
    EXPECT_TRUE(db->checkIntegrity().ok());
    EXPECT_EQ(*db->count(btc1m()), 100U);
    EXPECT_EQ(*db->loadLatest(btc1m(), 1000), test::minuteCandles(0, 100));
}

}  // namespace
}  // namespace cpc::storage
