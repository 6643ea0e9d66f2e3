#include "cpc/storage/storage_worker.hpp"

#include <chrono>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "storage_test_util.hpp"

namespace cpc::storage {
namespace {

using test::btc1m;
using test::eth1h;
using test::minuteCandles;
using test::TempDir;
using namespace std::chrono_literals;

// Collects notices from the storage thread.
class NoticeLog {
public:
    StorageWorker::NoticeHandler handler() {
        return [this](const StorageNotice& notice) {
            std::lock_guard lock(m_mutex);
            m_notices.push_back(notice);
        };
    }
    std::vector<StorageNotice> notices() const {
        std::lock_guard lock(m_mutex);
        return m_notices;
    }

private:
    mutable std::mutex m_mutex;
    std::vector<StorageNotice> m_notices;  // guarded by m_mutex
};

// Holds the storage thread inside a load callback until release() — so the test can queue jobs
// behind it deterministically.
class Gate {
public:
    void block(StorageWorker& worker) {
        worker.loadLatest(btc1m(), 1, [this](Result<std::vector<Candle>>) {
            m_entered.set_value();
            m_release.get_future().wait();
        });
        // Fails the test instead of hanging it if the worker never gets there.
        ASSERT_EQ(m_entered.get_future().wait_for(10s), std::future_status::ready);
    }
    void release() { m_release.set_value(); }

private:
    std::promise<void> m_entered;
    std::promise<void> m_release;
};

TEST(StorageWorker, LoadCallbacksRunOnTheStorageThread) {
    TempDir dir;
    StorageWorker worker(dir.file("candles.sqlite3"));
    std::thread::id first, second;
    worker.loadLatest(btc1m(), 10, [&](Result<std::vector<Candle>> r) {
        EXPECT_TRUE(r.ok());
        first = std::this_thread::get_id();
    });
    worker.loadRange(btc1m(), 0, 100, [&](Result<std::vector<Candle>> r) {
        EXPECT_TRUE(r.ok());
        second = std::this_thread::get_id();
    });
    worker.flush();
    EXPECT_NE(first, std::thread::id());
    EXPECT_NE(first, std::this_thread::get_id());
    EXPECT_EQ(first, second);
    EXPECT_TRUE(worker.isOpen());
}

TEST(StorageWorker, LoadsSeeEverySaveQueuedBeforeThem) {
    TempDir dir;
    StorageWorker worker(dir.file("candles.sqlite3"));
    std::vector<std::size_t> sizes;  // written on the storage thread, read after flush()
    auto record = [&sizes](Result<std::vector<Candle>> r) {
        ASSERT_TRUE(r.ok()) << r.error().message;
        sizes.push_back(r->size());
    };
    worker.save(btc1m(), minuteCandles(0, 10));
    worker.loadLatest(btc1m(), 1000, record);
    worker.save(btc1m(), minuteCandles(10, 5));
    worker.save(eth1h(), minuteCandles(0, 3));
    worker.loadLatest(btc1m(), 1000, record);
    worker.loadRange(btc1m(), 0, 4 * 60'000, record);
    worker.loadLatest(eth1h(), 1000, record);
    worker.flush();
    EXPECT_EQ(sizes, (std::vector<std::size_t>{10, 15, 5, 3}));
}

TEST(StorageWorker, QueuedSavesAreCoalescedIntoOneTransaction) {
    TempDir dir;
    StorageWorker worker(dir.file("candles.sqlite3"));
    Gate gate;
    gate.block(worker);
    for (int i = 0; i < 20; ++i)
        worker.save(i % 2 == 0 ? btc1m() : eth1h(), minuteCandles(i * 10, 10));
    gate.release();
    worker.flush();

    const auto stats = worker.stats();
    EXPECT_EQ(stats.savesQueued, 20U);
    EXPECT_EQ(stats.savesWritten, 20U);
    EXPECT_EQ(stats.savesFailed, 0U);
    EXPECT_EQ(stats.rowsWritten, 200U);
    EXPECT_EQ(stats.writeTransactions, 1U);

    std::size_t btc = 0;
    worker.loadLatest(btc1m(), 1000, [&btc](Result<std::vector<Candle>> r) { btc = r->size(); });
    worker.flush();
    EXPECT_EQ(btc, 100U);
}

TEST(StorageWorker, CoalescingStopsAtTheTransactionSizeLimit) {
    TempDir dir;
    StorageWorker worker(dir.file("candles.sqlite3"));
    Gate gate;
    gate.block(worker);
    const std::int64_t perSave = StorageWorker::kMaxCandlesPerTransaction / 2 + 1;
    for (int i = 0; i < 3; ++i) worker.save(btc1m(), minuteCandles(i * perSave, perSave));
    gate.release();
    worker.flush();
    EXPECT_EQ(worker.stats().writeTransactions, 3U);
    EXPECT_EQ(worker.stats().rowsWritten, static_cast<std::uint64_t>(3 * perSave));
}

TEST(StorageWorker, InvalidSaveIsReportedAndDoesNotDropTheOthers) {
    TempDir dir;
    NoticeLog log;
    StorageWorker worker(dir.file("candles.sqlite3"), log.handler());
    Gate gate;
    gate.block(worker);
    auto bad = minuteCandles(100, 3);
    bad[2].open = bad[2].high + Decimal::fromUnits(1);  // open above high
    worker.save(btc1m(), minuteCandles(0, 5));
    worker.save(eth1h(), bad);
    worker.save(btc1m(), minuteCandles(5, 5));
    gate.release();
    worker.flush();

    const auto stats = worker.stats();
    EXPECT_EQ(stats.savesWritten, 2U);
    EXPECT_EQ(stats.savesFailed, 1U);
    const auto notices = log.notices();
    ASSERT_EQ(notices.size(), 1U);
    EXPECT_EQ(notices[0].kind, StorageNotice::Kind::SaveFailed);
    EXPECT_NE(notices[0].message.find("binance:ETHUSDT:1h"), std::string::npos)
        << notices[0].message;

    std::size_t btc = 0, eth = 99;
    worker.loadLatest(btc1m(), 100, [&](Result<std::vector<Candle>> r) { btc = r->size(); });
    worker.loadLatest(eth1h(), 100, [&](Result<std::vector<Candle>> r) { eth = r->size(); });
    worker.flush();
    EXPECT_EQ(btc, 10U);
    EXPECT_EQ(eth, 0U);
}

// A hole's page is recorded Complete only once its candles are written: a save that fails (here
// an invalid candle, in one transaction with valid saves and alone) records nothing, so the hole
// is asked of the venue again; the valid saves' ranges are recorded.
TEST(StorageWorker, ASavesCoverageIsRecordedOnlyWhenItsCandlesAreWritten) {
    TempDir dir;
    NoticeLog log;
    StorageWorker worker(dir.file("candles.sqlite3"), log.handler());
    const std::int64_t minute = 60'000;
    auto bad = minuteCandles(100, 3);
    bad[2].open = bad[2].high + Decimal::fromUnits(1);  // open above high
    Gate gate;
    gate.block(worker);  // the three saves below become one transaction, which fails, then each alone
    worker.save(btc1m(), minuteCandles(0, 5), CoverageRange{0, 5 * minute, CoverageKind::Complete});
    worker.save(eth1h(), bad, CoverageRange{100 * minute, 103 * minute, CoverageKind::Complete});
    worker.save(btc1m(), minuteCandles(5, 5), CoverageRange{5 * minute, 10 * minute, CoverageKind::Complete});
    gate.release();
    worker.flush();
    worker.save(eth1h(), bad, CoverageRange{100 * minute, 103 * minute, CoverageKind::Complete});  // alone
    worker.flush();

    std::vector<CoverageRange> btc, eth{CoverageRange{}};
    worker.loadCoverage(btc1m(), [&](Result<std::vector<CoverageRange>> r) { btc = *r; });
    worker.loadCoverage(eth1h(), [&](Result<std::vector<CoverageRange>> r) { eth = *r; });
    worker.flush();
    ASSERT_EQ(btc.size(), 1U) << "the two adjacent ranges merge";
    EXPECT_EQ(btc[0].fromMs, 0);
    EXPECT_EQ(btc[0].toMs, 10 * minute);
    EXPECT_EQ(btc[0].kind, CoverageKind::Complete);
    EXPECT_TRUE(eth.empty()) << "the failed save must not be recorded Complete";
    EXPECT_EQ(worker.stats().savesFailed, 2U);
}

TEST(StorageWorker, DestructorWritesEverythingStillQueued) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    {
        StorageWorker worker(path);
        for (int i = 0; i < 50; ++i) worker.save(btc1m(), minuteCandles(i * 100, 100));
    }
    auto db = CandleDatabase::open(path);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ(*db->count(btc1m()), 5000U);
    EXPECT_EQ(*db->loadLatest(btc1m(), 5000), minuteCandles(0, 5000));
}

TEST(StorageWorker, DestructorRunsQueuedLoadCallbacks) {
    TempDir dir;
    std::atomic<int> calls{0};
    {
        StorageWorker worker(dir.file("candles.sqlite3"));
        for (int i = 0; i < 10; ++i)
            worker.loadLatest(btc1m(), 1, [&calls](Result<std::vector<Candle>>) { ++calls; });
    }
    EXPECT_EQ(calls.load(), 10);
}

TEST(StorageWorker, FlushFromACallbackReturnsInsteadOfDeadlocking) {
    TempDir dir;
    StorageWorker worker(dir.file("candles.sqlite3"));
    bool returned = false;
    worker.loadLatest(btc1m(), 1, [&](Result<std::vector<Candle>>) {
        worker.flush();
        returned = true;
    });
    worker.flush();
    EXPECT_TRUE(returned);
}

TEST(StorageWorker, FlushWithNothingQueuedWaitsForTheOpen) {
    TempDir dir;
    StorageWorker worker(dir.file("candles.sqlite3"));
    worker.flush();
    EXPECT_TRUE(worker.isOpen());
}

TEST(StorageWorker, ThrowingCallbackIsReportedAndTheWorkerGoesOn) {
    TempDir dir;
    NoticeLog log;
    StorageWorker worker(dir.file("candles.sqlite3"), log.handler());
    worker.loadLatest(btc1m(), 1,
                      [](Result<std::vector<Candle>>) { throw std::runtime_error("boom"); });
    bool later = false;
    worker.save(btc1m(), minuteCandles(0, 1));
    worker.loadLatest(
        btc1m(), 1, [&later](Result<std::vector<Candle>> r) { later = r.ok() && r->size() == 1; });
    worker.flush();
    EXPECT_TRUE(later);
    const auto notices = log.notices();
    ASSERT_EQ(notices.size(), 1U);
    EXPECT_EQ(notices[0].kind, StorageNotice::Kind::CallbackThrew);
    EXPECT_NE(notices[0].message.find("boom"), std::string::npos);
}

TEST(StorageWorker, UnopenableDatabaseIsReportedAndLoadsFail) {
    TempDir dir;
    test::writeFile(dir.file("a-file"), "x");
    const std::string path = dir.file("a-file/candles.sqlite3");
    NoticeLog log;
    StorageWorker worker(path, log.handler());
    worker.save(btc1m(), minuteCandles(0, 3));
    std::string error;
    worker.loadLatest(btc1m(), 10, [&error](Result<std::vector<Candle>> r) {
        ASSERT_FALSE(r.ok());
        error = r.error().message;
    });
    worker.flush();
    EXPECT_FALSE(worker.isOpen());
    EXPECT_NE(error.find(path), std::string::npos) << error;
    EXPECT_EQ(worker.stats().savesFailed, 1U);
    const auto notices = log.notices();
    ASSERT_EQ(notices.size(), 1U);
    EXPECT_EQ(notices[0].kind, StorageNotice::Kind::OpenFailed);
    EXPECT_NE(notices[0].message.find(path), std::string::npos);
}

TEST(StorageWorker, DamagedFileIsRecoveredAndReported) {
    TempDir dir;
    const std::string path = dir.file("candles.sqlite3");
    test::writeFile(path, std::string(10'000, 'Z'));
    NoticeLog log;
    StorageWorker worker(path, log.handler());
    worker.save(btc1m(), minuteCandles(0, 3));
    worker.flush();
    EXPECT_TRUE(worker.isOpen());
    const auto notices = log.notices();
    ASSERT_EQ(notices.size(), 1U);
    EXPECT_EQ(notices[0].kind, StorageNotice::Kind::Recovered);
    EXPECT_NE(notices[0].message.find(".corrupt-"), std::string::npos) << notices[0].message;
    EXPECT_EQ(worker.stats().savesWritten, 1U);
}

TEST(StorageWorker, SavesFromManyThreadsAllArrive) {
    TempDir dir;
    StorageWorker worker(dir.file("candles.sqlite3"));
    std::vector<std::jthread> producers;
    for (int t = 0; t < 4; ++t) {
        producers.emplace_back([&worker, t] {
            for (int i = 0; i < 25; ++i) worker.save(btc1m(), minuteCandles((t * 25 + i) * 10, 10));
        });
    }
    producers.clear();  // joins
    worker.flush();
    std::size_t n = 0;
    worker.loadLatest(btc1m(), 10'000, [&n](Result<std::vector<Candle>> r) { n = r->size(); });
    worker.flush();
    EXPECT_EQ(n, 1000U);
    EXPECT_EQ(worker.stats().savesWritten, 100U);
}

}  // namespace
}  // namespace cpc::storage
