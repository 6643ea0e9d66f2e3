// The app's cache writer killed at random moments: the StorageWorker (the app's storage thread,
// with its coalesced transactions and the coverage it records once a page is written) runs in a
// fork()ed child, fed the way the session feeds it (history pages carrying a Complete coverage
// range, single live candles, updates of a candle already written), and is SIGKILLed 100 times
// at a random moment — while it opens or creates the file, mid-transaction, between commits.
// After every kill the cache must open without a salvage, pass integrity_check and hold every
// save the worker had reported committed; no save is ever half there, and no coverage range
// claims candles that are not in the file.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "cpc/storage/candle_database.hpp"
#include "cpc/storage/storage_worker.hpp"
#include "storage_test_util.hpp"

namespace cpc::storage {
namespace {

using test::btc1m;
using test::TempDir;

// Save i occupies its own slot of kSlot minutes: a history page of 100 candles every fifth save,
// one or two live candles otherwise. A save with i % 5 == 3 also rewrites the first candle of
// save i - 1 (the forming candle's update), so the stored version of that candle says whether
// save i committed.
constexpr std::int64_t kSlot = 1000;
constexpr std::int64_t kMinute = 60'000;

bool isPage(std::int32_t i) { return i % 5 == 0; }
bool updatesPrevious(std::int32_t i) { return i % 5 == 3; }
std::int64_t sizeOf(std::int32_t i) { return isPage(i) ? 100 : 1 + i % 2; }
std::int64_t slotStart(std::int32_t i) { return static_cast<std::int64_t>(i) * kSlot; }

Candle updated(Candle c) {
    c.close = c.low + Decimal::fromUnits(1);
    c.volume = c.volume + Decimal::fromUnits(12345);
    return c;
}

std::vector<Candle> candlesOf(std::int32_t i) {
    auto out = test::minuteCandles(slotStart(i), sizeOf(i));
    if (updatesPrevious(i)) out.insert(out.begin(), updated(test::minuteCandles(slotStart(i - 1), 1).front()));
    return out;
}

std::optional<CoverageRange> coverOf(std::int32_t i) {
    if (!isPage(i)) return std::nullopt;
    return CoverageRange{slotStart(i) * kMinute, (slotStart(i) + sizeOf(i)) * kMinute, CoverageKind::Complete};
}

// Child: the app's writer. Queues saves first, first+1, … (never more than a few ahead of the
// disk, like a session that keeps up) and reports on `fd` every save the worker has committed, in
// order (StorageWorker::Stats::savesWritten counts committed saves; saves commit in queue order).
// Never returns.
[[noreturn]] void runWriter(const std::string& path, std::int32_t first, int fd) {
    std::atomic<bool> failed = false;
    StorageWorker worker(path, [&failed](const StorageNotice& n) {
        // Any notice (a salvage, a failed open or save) means the previous kill hurt the file.
        (void)n;
        failed.store(true);
    });
    std::uint64_t reported = 0;
    for (std::int32_t next = first;; ++next) {
        worker.save(btc1m(), candlesOf(next), coverOf(next));
        for (;;) {
            const auto stats = worker.stats();
            if (failed.load() || stats.savesFailed > 0) _exit(3);
            for (; reported < stats.savesWritten; ++reported) {
                const std::int32_t done = first + static_cast<std::int32_t>(reported);
                if (write(fd, &done, sizeof done) != static_cast<ssize_t>(sizeof done)) _exit(4);
            }
            if (stats.savesQueued - stats.savesWritten < 8) break;
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
    }
}

// Starts a writer at save `first`, kills it `delay` after it reported `minCommits` saves, and
// returns every save it reported committed.
std::vector<std::int32_t> runAndKill(const std::string& path, std::int32_t first, int minCommits,
                                     std::chrono::microseconds delay) {
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
        runWriter(path, first, fds[1]);
    }
    close(fds[1]);
    std::vector<std::int32_t> reported;
    std::int32_t save = 0;
    while (static_cast<int>(reported.size()) < minCommits && test::readInt32(fds[0], save)) reported.push_back(save);
    std::this_thread::sleep_for(delay);
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    // Commits reported before the kill are still in the pipe.
    while (test::readInt32(fds[0], save)) reported.push_back(save);
    close(fds[0]);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the writer ended on its own (exit " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1)
        << ": 3 = a storage notice or a failed save, 4 = the pipe) before it was killed";
    return reported;
}

TEST(StorageWorkerCrash, HundredKillsAtRandomMomentsLoseNoCommittedCandle) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    std::mt19937 rng(20261206);
    std::set<std::int32_t> committed;
    std::int32_t next = 0;
    std::int32_t checkedUpTo = 0;  // saves below this were verified whole in an earlier round
    int roundsWithCommits = 0;

    for (int round = 0; round < 100; ++round) {
        // One round in five kills within 20 ms of the start (opening, creating the schema, the
        // first transaction); the others after 1 to 12 commits, a few milliseconds into the next.
        const bool early = round % 5 == 0;
        const int minCommits = early ? 0 : std::uniform_int_distribution(1, 12)(rng);
        const auto delay = std::chrono::microseconds(std::uniform_int_distribution(0, early ? 20'000 : 4'000)(rng));
        const auto reported = runAndKill(path, next, minCommits, delay);
        if (::testing::Test::HasFailure()) return;
        if (!reported.empty()) ++roundsWithCommits;
        committed.insert(reported.begin(), reported.end());

        std::string notice;
        auto db = CandleDatabase::openOrRecover(path, &notice);
        ASSERT_TRUE(db.ok()) << "round " << round << ": " << db.error().message;
        ASSERT_TRUE(notice.empty()) << "round " << round << ": a killed writer must not damage the file: " << notice;
        const auto integrity = db->checkIntegrity();
        ASSERT_TRUE(integrity.ok()) << "round " << round << ": " << integrity.error().message;

        // Saves reach the disk in order and whole: the stored rows are exactly saves 0..last.
        const auto bounds = db->bounds(btc1m());
        ASSERT_TRUE(bounds.ok()) << bounds.error().message;
        if (!bounds->has_value()) {
            ASSERT_TRUE(committed.empty()) << "round " << round << ": committed saves are gone";
            continue;
        }
        const auto last = static_cast<std::int32_t>((*bounds)->second / kMinute / kSlot);
        ASSERT_GE(last, committed.empty() ? 0 : *committed.rbegin())
            << "round " << round << ": a save reported committed is not in the file";
        std::int64_t expectedRows = 0;
        for (std::int32_t i = 0; i <= last; ++i) expectedRows += sizeOf(i);
        ASSERT_EQ(*db->count(btc1m()), static_cast<std::size_t>(expectedRows))
            << "round " << round << ": a save is partly there, or one before the last is missing";

        // The saves new since the last check, candle by candle (the update rule included).
        const std::int32_t firstUnchecked = std::max(0, checkedUpTo - 1);
        for (std::int32_t i = firstUnchecked; i <= last; ++i) {
            auto expected = test::minuteCandles(slotStart(i), sizeOf(i));
            auto stored = db->loadRange(btc1m(), slotStart(i) * kMinute, (slotStart(i) + kSlot - 1) * kMinute);
            ASSERT_TRUE(stored.ok()) << stored.error().message;
            ASSERT_EQ(stored->size(), expected.size()) << "save " << i;
            if (updatesPrevious(i + 1) && i + 1 <= last) expected.front() = updated(expected.front());
            EXPECT_EQ(*stored, expected) << "round " << round << ": save " << i << " stored wrong";
        }
        checkedUpTo = last + 1;

        // A Complete coverage range never claims candles the file does not hold (the ranges of
        // the saves checked in earlier rounds were checked then; candles are never removed).
        const auto coverage = db->coverage(btc1m());
        ASSERT_TRUE(coverage.ok()) << coverage.error().message;
        for (const CoverageRange& r : *coverage) {
            if (r.fromMs < slotStart(firstUnchecked) * kMinute) continue;
            ASSERT_EQ(r.kind, CoverageKind::Complete);
            auto rows = db->loadRange(btc1m(), r.fromMs, r.toMs - 1);
            ASSERT_TRUE(rows.ok());
            EXPECT_EQ(static_cast<std::int64_t>(rows->size()), (r.toMs - r.fromMs) / kMinute)
                << "round " << round << ": coverage [" << r.fromMs << ", " << r.toMs << ") is not all in the file";
        }
        next = last + 1;  // the next writer goes on after what reached the disk
    }
    // The kills must have landed both before any commit and between many of them.
    EXPECT_GE(roundsWithCommits, 80);
    EXPECT_GE(committed.size(), 400U);
}

}  // namespace
}  // namespace cpc::storage
