#include "cpc/storage/storage_worker.hpp"

#include <exception>
#include <utility>

namespace cpc::storage {

StorageWorker::StorageWorker(std::string path, NoticeHandler onNotice, OpenOptions options)
    : m_path(std::move(path)),
      m_onNotice(std::move(onNotice)),
      m_options(options),
      m_thread([this](std::stop_token stop) { run(std::move(stop)); }) {}

StorageWorker::~StorageWorker() {
    // run() keeps taking jobs after the stop request until the queue is empty.
    m_thread.request_stop();
    if (m_thread.joinable()) m_thread.join();
}

void StorageWorker::save(SeriesKey key, std::vector<Candle> candles, std::optional<CoverageRange> coverOnceSaved) {
    if (candles.empty()) return;
    enqueue(SaveJob{std::move(key), std::move(candles), coverOnceSaved});
}

void StorageWorker::loadLatest(SeriesKey key, std::size_t limit, LoadCallback done) {
    enqueue(LoadLatestJob{std::move(key), limit, std::move(done)});
}

void StorageWorker::loadRange(SeriesKey key, std::int64_t fromOpenTime, std::int64_t toOpenTime,
                              LoadCallback done) {
    enqueue(LoadRangeJob{std::move(key), fromOpenTime, toOpenTime, std::move(done)});
}

void StorageWorker::recordCoverage(SeriesKey key, std::int64_t fromMs, std::int64_t toMs, CoverageKind kind) {
    enqueue(CoverageJob{std::move(key), fromMs, toMs, kind});
}

void StorageWorker::loadCoverage(SeriesKey key, CoverageCallback done) {
    enqueue(LoadCoverageJob{std::move(key), std::move(done)});
}

void StorageWorker::enqueue(Job job) {
    {
        std::lock_guard lock(m_mutex);
        if (std::holds_alternative<SaveJob>(job)) ++m_stats.savesQueued;
        m_queue.push_back(std::move(job));
        ++m_enqueued;
    }
    m_wake.notify_one();
}

void StorageWorker::flush() {
    // A callback calling flush() would wait for itself.
    if (std::this_thread::get_id() == m_thread.get_id()) return;
    std::unique_lock lock(m_mutex);
    const std::uint64_t target = m_enqueued;
    m_progress.wait(lock, [&] { return m_openAttempted && m_finished >= target; });
}

StorageWorker::Stats StorageWorker::stats() const {
    std::lock_guard lock(m_mutex);
    return m_stats;
}

bool StorageWorker::isOpen() const {
    std::lock_guard lock(m_mutex);
    return m_open;
}

std::optional<SalvageReport> StorageWorker::lastSalvage() const {
    std::lock_guard lock(m_mutex);
    return m_lastSalvage;
}

void StorageWorker::setOpen(bool open) {
    std::lock_guard lock(m_mutex);
    m_open = open;
}

void StorageWorker::recordSalvage(SalvageReport report) {
    {
        std::lock_guard lock(m_mutex);
        m_lastSalvage = report;
    }
    std::string summary = report.summary();
    notify(StorageNotice::Kind::Recovered, std::move(summary), std::move(report));
}

void StorageWorker::openDatabase(bool again) {
    m_lastOpenAttempt = std::chrono::steady_clock::now();
    OpenReport report;
    auto opened = CandleDatabase::openOrSalvage(m_path, &report, m_options);
    if (opened) {
        m_db.emplace(std::move(*opened));
        m_reopenable = false;
        setOpen(true);
        if (report.salvage) recordSalvage(std::move(*report.salvage));
        if (again) notify(StorageNotice::Kind::Reopened, m_path + ": the candle cache is open again");
        return;
    }
    const bool transient = errorKind(opened.error()) == StorageErrorKind::Transient;
    // A retry that fails the same way again is not news.
    const bool repeated = again && m_openError == opened.error().message;
    m_openError = opened.error().message;
    m_reopenable = transient;
    setOpen(false);
    if (!repeated)
        notify(StorageNotice::Kind::OpenFailed,
               m_openError + (transient ? "; the candle cache is unavailable for now and will be "
                                          "tried again"
                                        : "; the candle cache is unavailable until restart"));
}

void StorageWorker::reopenIfDue() {
    if (m_db || !m_reopenable) return;
    if (std::chrono::steady_clock::now() - m_lastOpenAttempt < kReopenInterval) return;
    openDatabase(/*again=*/true);
}

bool StorageWorker::recover(const std::string& reason) {
    m_db.reset();  // salvage needs the file closed
    setOpen(false);
    m_lastOpenAttempt = std::chrono::steady_clock::now();
    SalvageReport report;
    auto fresh = CandleDatabase::salvage(m_path, reason, &report, m_options);
    if (fresh) {
        m_db.emplace(std::move(*fresh));
        setOpen(true);
        recordSalvage(std::move(report));
        return true;
    }
    // Salvage failed transiently (disk full …): the file was left as it was; a later job opens
    // it again (and finds the damage again when it reads it).
    m_openError = fresh.error().message;
    m_reopenable = errorKind(fresh.error()) == StorageErrorKind::Transient;
    notify(StorageNotice::Kind::OpenFailed, m_openError);
    return false;
}

template <class Operation>
auto StorageWorker::withDatabase(Operation operation)
    -> decltype(operation(std::declval<CandleDatabase&>())) {
    reopenIfDue();
    if (!m_db) return makeError("candle database not open: " + m_openError);
    auto result = operation(*m_db);
    if (!result && errorKind(result.error()) == StorageErrorKind::Damage &&
        recover(result.error().message))
        result = operation(*m_db);
    return result;
}

void StorageWorker::notify(StorageNotice::Kind kind, std::string message,
                           std::optional<SalvageReport> salvage) {
    if (!m_onNotice) return;
    try {
        m_onNotice(StorageNotice{kind, std::move(message), std::move(salvage)});
    } catch (...) {
        // The handler is the app's logging; if even that fails there is nobody left to tell,
        // and the storage thread must keep running.
    }
}

void StorageWorker::run(std::stop_token stop) {
    openDatabase(/*again=*/false);
    {
        std::lock_guard lock(m_mutex);
        m_openAttempted = true;
    }
    m_progress.notify_all();

    for (;;) {
        std::vector<SaveJob> saves;
        std::optional<Job> single;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, stop, [this] { return !m_queue.empty(); });
            if (m_queue.empty()) break;  // stop requested and everything ran
            // A run of saves at the front becomes one transaction. It never reaches past a load,
            // so a load always sees every save queued before it.
            std::size_t candles = 0;
            while (!m_queue.empty() && std::holds_alternative<SaveJob>(m_queue.front())) {
                auto& next = std::get<SaveJob>(m_queue.front());
                if (!saves.empty() && candles + next.candles.size() > kMaxCandlesPerTransaction)
                    break;
                candles += next.candles.size();
                saves.push_back(std::move(next));
                m_queue.pop_front();
            }
            if (saves.empty()) {
                single.emplace(std::move(m_queue.front()));
                m_queue.pop_front();
            }
        }

        std::uint64_t jobs = 0;
        if (!saves.empty()) {
            runSaves(saves);
            jobs = saves.size();
        } else if (auto* latest = std::get_if<LoadLatestJob>(&*single)) {
            runLoad(latest->done, withDatabase([latest](CandleDatabase& db) {
                        return db.loadLatest(latest->key, latest->limit);
                    }));
            jobs = 1;
        } else if (auto* range = std::get_if<LoadRangeJob>(&*single)) {
            runLoad(range->done, withDatabase([range](CandleDatabase& db) {
                        return db.loadRange(range->key, range->from, range->to);
                    }));
            jobs = 1;
        } else if (auto* cover = std::get_if<CoverageJob>(&*single)) {
            recordCoverageNow(cover->key, CoverageRange{cover->from, cover->to, cover->kind});
            jobs = 1;
        } else if (auto* coverage = std::get_if<LoadCoverageJob>(&*single)) {
            runLoad(coverage->done, withDatabase([coverage](CandleDatabase& db) {
                        return db.coverage(coverage->key);
                    }));
            jobs = 1;
        }
        {
            std::lock_guard lock(m_mutex);
            m_finished += jobs;
        }
        m_progress.notify_all();
    }
    m_db.reset();  // the owning thread closes the handle
}

void StorageWorker::runSaves(std::vector<SaveJob>& saves) {
    const auto count = static_cast<std::uint64_t>(saves.size());
    reopenIfDue();
    if (!m_db) {
        std::lock_guard lock(m_mutex);
        m_stats.savesFailed += count;  // OpenFailed was reported once; don't repeat it per save
        return;
    }
    std::vector<SeriesCandles> batches;
    batches.reserve(saves.size());
    for (SaveJob& save : saves)
        batches.push_back(SeriesCandles{std::move(save.key), std::move(save.candles)});

    if (auto written = withDatabase([&batches](CandleDatabase& db) { return db.upsert(batches); })) {
        {
            std::lock_guard lock(m_mutex);
            m_stats.savesWritten += count;
            m_stats.rowsWritten += *written;
            ++m_stats.writeTransactions;
        }
        for (std::size_t i = 0; i < saves.size(); ++i)
            if (saves[i].cover) recordCoverageNow(batches[i].key, *saves[i].cover);
        return;
    } else if (batches.size() == 1 || !m_db ||
               errorKind(written.error()) == StorageErrorKind::Transient) {
        // A transient failure (disk full, locked …) would fail each save alone the same way.
        {
            std::lock_guard lock(m_mutex);
            m_stats.savesFailed += count;
        }
        // Without a database (a salvage failed) OpenFailed has said it already.
        if (m_db) notify(StorageNotice::Kind::SaveFailed, written.error().message);
        return;
    }
    // One bad save (say, an invalid candle) must not take the others down with it: retry each
    // alone. The failed transaction wrote nothing, so nothing is applied twice.
    for (std::size_t i = 0; i < batches.size(); ++i) {
        const SeriesCandles& batch = batches[i];
        auto written = withDatabase([&batch](CandleDatabase& db) {
            return db.upsert(std::span<const SeriesCandles>(&batch, 1));
        });
        if (written && saves[i].cover) recordCoverageNow(batch.key, *saves[i].cover);
        {
            std::lock_guard lock(m_mutex);
            if (written) {
                ++m_stats.savesWritten;
                m_stats.rowsWritten += *written;
                ++m_stats.writeTransactions;
            } else {
                ++m_stats.savesFailed;
            }
        }
        if (!written) notify(StorageNotice::Kind::SaveFailed, written.error().message);
    }
}

// A coverage record (a recordCoverage job, or what a save carried once its candles are written); a
// failure is reported (the range is then asked of the venue again at the next opening: nothing is
// lost). Without a database OpenFailed was reported once; it is not repeated per record.
void StorageWorker::recordCoverageNow(const SeriesKey& key, const CoverageRange& range) {
    auto recorded = withDatabase([&](CandleDatabase& db) { return db.recordCoverage(key, range.fromMs, range.toMs, range.kind); });
    if (!recorded && m_db) notify(StorageNotice::Kind::SaveFailed, recorded.error().message);
}

template <class Callback, class Value>
void StorageWorker::runLoad(Callback& done, Value result) {
    if (!done) return;
    try {
        done(std::move(result));
    } catch (const std::exception& e) {
        notify(StorageNotice::Kind::CallbackThrew,
               std::string("a storage load callback threw: ") + e.what());
    } catch (...) {
        notify(StorageNotice::Kind::CallbackThrew, "a storage load callback threw a non-exception");
    }
}

}  // namespace cpc::storage
