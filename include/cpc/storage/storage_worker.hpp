#pragma once
// The storage thread (docs/ARCHITECTURE.md §4): owns the CandleDatabase and runs jobs in the
// order they were queued. Callers on any thread queue saves and loads and never wait for disk.
// No Qt here: load callbacks run on the storage thread and the app forwards them to the GUI.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "cpc/core/candle.hpp"
#include "cpc/core/result.hpp"
#include "cpc/storage/candle_database.hpp"

namespace cpc::storage {

// Something the user or the log should hear about, reported on the storage thread.
struct StorageNotice {
    enum class Kind : std::uint8_t {
        // The file was damaged (found on open or by a later statement): its readable rows were
        // salvaged into a new file and it was moved aside. `salvage` says what was kept.
        Recovered,
        // No database: saves are dropped and loads fail. After a transient failure (errorKind)
        // the open is tried again with later jobs, at most every kReopenInterval.
        OpenFailed,
        Reopened,       // the database opened after an OpenFailed: saves and loads work again
        SaveFailed,     // one save could not be written (message names series and reason)
        CallbackThrew,  // a load callback threw; the worker caught it and went on
    };
    Kind kind = Kind::OpenFailed;
    std::string message;
    std::optional<SalvageReport> salvage;  // Recovered only
};

class StorageWorker {
public:
    using LoadCallback = std::function<void(Result<std::vector<Candle>>)>;
    using NoticeHandler = std::function<void(const StorageNotice&)>;
    using CoverageCallback = std::function<void(Result<std::vector<CoverageRange>>)>;

    struct Stats {
        std::uint64_t savesQueued = 0;   // save() calls
        std::uint64_t savesWritten = 0;  // saves whose transaction committed
        std::uint64_t savesFailed = 0;   // saves dropped (invalid candles, disk errors, no db)
        std::uint64_t rowsWritten = 0;   // rows inserted or updated
        // Committed transactions: fewer than savesWritten when saves were coalesced.
        std::uint64_t writeTransactions = 0;
    };

    // At most this many candles go into one coalesced transaction, so a burst of saves cannot
    // hold the write lock (and delay the next load) for long.
    static constexpr std::size_t kMaxCandlesPerTransaction = 50'000;

    // After an open failed transiently, the next job tries again when this long has passed.
    static constexpr std::chrono::milliseconds kReopenInterval{1000};

    // Starts the thread, which opens `path` with CandleDatabase::openOrSalvage. A salvage or an
    // open failure is passed to `onNotice` (on the storage thread) before any job runs.
    // A job that finds the file damaged (errorKind Damage) salvages it, reports Recovered and
    // runs once more on the new file; a transient failure is retried by CandleDatabase and then
    // reported as that job's error, the file untouched.
    explicit StorageWorker(std::string path, NoticeHandler onNotice = {},
                           OpenOptions options = {});
    // Runs every queued job, then joins the thread.
    ~StorageWorker();
    StorageWorker(const StorageWorker&) = delete;
    StorageWorker& operator=(const StorageWorker&) = delete;

    // Any thread. Consecutive queued saves are written in one transaction. `coverOnceSaved`: a
    // coverage range recorded only once these candles are written (a hole's page is Complete only
    // when its candles are in the file; a save that fails records nothing, so the hole is asked
    // again).
    void save(SeriesKey key, std::vector<Candle> candles, std::optional<CoverageRange> coverOnceSaved = std::nullopt);
    // Any thread. `done` runs on the storage thread, after every job queued before it.
    void loadLatest(SeriesKey key, std::size_t limit, LoadCallback done);
    void loadRange(SeriesKey key, std::int64_t fromOpenTime, std::int64_t toOpenTime,
                   LoadCallback done);
    // Any thread. The coverage table (CandleDatabase::recordCoverage / coverage): what the venue
    // was asked about a series, e.g. a Gap before its listing so a reopened chart does not ask
    // again. A failed record is reported as a SaveFailed notice.
    void recordCoverage(SeriesKey key, std::int64_t fromMs, std::int64_t toMs, CoverageKind kind);
    void loadCoverage(SeriesKey key, CoverageCallback done);
    // Any thread except the storage thread itself (where it returns at once): blocks until every
    // job queued before the call has finished, callbacks included.
    void flush();

    Stats stats() const;
    // Whether the thread opened the database. Known once flush() has returned (flush waits for
    // the open attempt); false before that.
    bool isOpen() const;
    // The last salvage of this worker's file (on open or later), if any: what was kept and lost.
    std::optional<SalvageReport> lastSalvage() const;

private:
    struct SaveJob {
        SeriesKey key;
        std::vector<Candle> candles;
        std::optional<CoverageRange> cover;
    };
    struct LoadLatestJob {
        SeriesKey key;
        std::size_t limit;
        LoadCallback done;
    };
    struct LoadRangeJob {
        SeriesKey key;
        std::int64_t from;
        std::int64_t to;
        LoadCallback done;
    };
    struct CoverageJob {
        SeriesKey key;
        std::int64_t from;
        std::int64_t to;
        CoverageKind kind;
    };
    struct LoadCoverageJob {
        SeriesKey key;
        CoverageCallback done;
    };
    using Job = std::variant<SaveJob, LoadLatestJob, LoadRangeJob, CoverageJob, LoadCoverageJob>;

    void enqueue(Job job);
    void run(std::stop_token stop);
    void runSaves(std::vector<SaveJob>& saves);
    void recordCoverageNow(const SeriesKey& key, const CoverageRange& range);
    template <class Callback, class Value>
    void runLoad(Callback& done, Value result);
    void notify(StorageNotice::Kind kind, std::string message,
                std::optional<SalvageReport> salvage = std::nullopt);
    // Opens the database (first time, or again after a transient failure); reports the outcome.
    void openDatabase(bool again);
    // Retries a transiently failed open when kReopenInterval has passed.
    void reopenIfDue();
    // Salvages the damaged file; true when a new database is open.
    bool recover(const std::string& reason);
    void recordSalvage(SalvageReport report);
    // Runs `operation` on the database (reopening first if due); salvages and runs it once more
    // when it finds the file damaged.
    template <class Operation>
    auto withDatabase(Operation operation) -> decltype(operation(std::declval<CandleDatabase&>()));
    void setOpen(bool open);

    const std::string m_path;
    const NoticeHandler m_onNotice;
    const OpenOptions m_options;

    // Storage thread only.
    std::optional<CandleDatabase> m_db;
    std::string m_openError;
    bool m_reopenable = false;  // the last open failed transiently
    std::chrono::steady_clock::time_point m_lastOpenAttempt;

    mutable std::mutex m_mutex;
    std::condition_variable_any m_wake;  // storage thread waits for jobs
    std::condition_variable m_progress;  // flush() waits for m_finished
    std::deque<Job> m_queue;             // guarded by m_mutex
    std::uint64_t m_enqueued = 0;        // guarded by m_mutex; jobs ever queued
    std::uint64_t m_finished = 0;        // guarded by m_mutex; jobs fully run
    bool m_openAttempted = false;        // guarded by m_mutex
    bool m_open = false;                 // guarded by m_mutex
    std::optional<SalvageReport> m_lastSalvage;  // guarded by m_mutex
    Stats m_stats;                       // guarded by m_mutex

    std::jthread m_thread;  // last: joins before the members above are destroyed
};

}  // namespace cpc::storage
