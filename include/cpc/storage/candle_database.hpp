#pragma once
// SQLite candle store: one file holds every series the app has seen (closed candles only, by the
// app's rule in docs/ARCHITECTURE.md §6; the API itself also accepts provisional ones).
//
// Threading: a CandleDatabase is owned by one thread (the StorageWorker's) and is not safe to
// call from two threads at once. It may be moved, but not while another thread uses it.
//
// Errors name the file and the operation. Error::code is the SQLite primary result code when
// SQLite reported the failure (SQLITE_BUSY = 5, SQLITE_FULL = 13, …) and 0 otherwise;
// errorKind() sorts it into transient (retry later, the file is fine) and damage (salvage).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cpc/core/candle.hpp"
#include "cpc/core/result.hpp"

namespace cpc::storage {

// What a coverage range says about [fromMs, toMs) of a series.
enum class CoverageKind : std::uint8_t {
    Complete,  // every candle the venue has with openTime in the range is stored
    Gap,       // the venue has no candles there (outage, pre-listing); don't re-request
};

struct CoverageRange {
    std::int64_t fromMs = 0;  // inclusive
    std::int64_t toMs = 0;    // exclusive
    CoverageKind kind = CoverageKind::Complete;
    bool operator==(const CoverageRange&) const = default;
};

// What a failed operation means for the file (docs/ARCHITECTURE.md, "Candle cache integrity").
enum class StorageErrorKind : std::uint8_t {
    // The file is fine, the moment is not: another process holds the lock (SQLITE_BUSY,
    // SQLITE_LOCKED), an I/O error or full disk (SQLITE_IOERR*, SQLITE_FULL), an existing file
    // that cannot be opened right now (SQLITE_CANTOPEN, SQLITE_PERM), a read-only file or
    // directory (SQLITE_READONLY), no memory (SQLITE_NOMEM), a WAL lock protocol race
    // (SQLITE_PROTOCOL), an interrupted call. Retried, then reported; the file is never moved.
    Transient,
    // The file itself is damaged (SQLITE_CORRUPT, SQLITE_NOTADB, a failed quick check, a file
    // shorter than its header says, tables that are not ours): salvage it.
    Damage,
    // Anything else (invalid input, a database from a newer build, a closed object …).
    Other,
};
StorageErrorKind errorKind(const Error& error);
std::string_view toString(StorageErrorKind kind);

// How a CandleDatabase opens and retries. The defaults are the app's.
struct OpenOptions {
    // How long one statement waits for another connection's lock (SQLite's busy handler, which
    // retries with its own growing back-off). A BUSY/LOCKED error has waited this long already
    // and is not retried again.
    int busyTimeoutMs = 5000;
    // Tries of one operation (open included) that fails with any other transient error; the
    // back-off starts at retryDelayMs and doubles (3 tries, 50 ms: at most 150 ms of waiting).
    int transientAttempts = 3;
    int retryDelayMs = 50;
    // Opens an existing cache read-only (`cpc verify`, `cpc export`): nothing is created, migrated
    // or switched to WAL, so a read-only file or directory can be read, and a file that is not our
    // cache (empty, another program's database, not a database) is refused and left untouched.
    bool readOnly = false;
};

// What salvaging a damaged file kept and lost (CandleDatabase::salvage / openOrSalvage).
struct SalvageReport {
    std::string reason;       // why the file was judged damaged
    std::string damagedPath;  // where the damaged file (with its -wal/-shm) was moved and kept
    std::uint64_t seriesKept = 0;
    std::uint64_t candlesKept = 0;
    // Rows that were read but are not valid candles, rows of series whose name was unreadable,
    // and an estimate of the rows on unreadable pages (the span skipped ÷ the interval).
    std::uint64_t candlesLost = 0;
    std::uint64_t coverageKept = 0;
    // Coverage ranges not copied: unreadable or invalid, or `complete` ranges of a series that
    // lost candles (dropping them makes the app download the lost candles again).
    std::uint64_t coverageDropped = 0;
    // Some pages could not be read at all: candlesLost is then partly an estimate.
    bool unreadablePages = false;

    // One sentence for the user: what happened, what was kept and lost, where the old file is.
    std::string summary() const;
};

// What openOrSalvage found and did.
struct OpenReport {
    // The previous session had not closed the file cleanly (a -wal or hot -journal was left
    // behind), so the full PRAGMA quick_check ran; otherwise only the bounded checks did.
    bool fullCheckRan = false;
    std::optional<SalvageReport> salvage;  // set when the file was damaged and salvaged
};

// Candles of one series, for writing several series in one transaction.
struct SeriesCandles {
    SeriesKey key;
    std::vector<Candle> candles;
};

class CandleDatabase {
public:
    // The schema this build writes. Databases with a lower PRAGMA user_version are migrated on
    // open; a higher one is refused and left untouched.
    static constexpr int kSchemaVersion = 1;

    // Opens (creating if missing) and migrates. Fails with a message naming the file when it is
    // not a database, cannot be opened, is locked, or was written by a newer version; a
    // transient failure is retried first (OpenOptions). Runs no integrity check and never moves
    // or salvages anything (openOrSalvage does).
    static Result<CandleDatabase> open(const std::string& path, const OpenOptions& options = {});

    // Like open(), plus the start-up checks, and salvage of a damaged file.
    // Checks: always the bounded ones (the header, the file not shorter than the header says, the
    // schema, the series table); the full PRAGMA quick_check only when the previous session did
    // not close cleanly (a -wal or hot -journal left behind), so start-up does not grow with the
    // cache. Damage found later, during use, comes back as an error whose errorKind() is Damage:
    // the owner then calls salvage() (the StorageWorker does).
    // A damaged file is salvaged (see salvage()); report->salvage then says what was kept.
    // Transient failures (errorKind() == Transient) are retried and then returned as the error;
    // the file is left exactly as it was. A database from a newer version is an error too.
    static Result<CandleDatabase> openOrSalvage(const std::string& path, OpenReport* report,
                                                const OpenOptions& options = {});
    // openOrSalvage with the report as a sentence: *notice (if given) is the salvage summary, or
    // empty when nothing was salvaged.
    static Result<CandleDatabase> openOrRecover(const std::string& path, std::string* notice);

    // Replaces a damaged file by a fresh one holding every row that can still be read: the file
    // is opened read-only, series, candles (walked by key, skipping past unreadable pages) and
    // coverage are copied into "<path>.salvage" with the current schema, the damaged file (with
    // its -wal/-shm) is moved to "<path>.corrupt-<UTC time>" (kept, never deleted) and the new
    // file takes its place. No connection to `path` may be open in this process. On a transient
    // failure (disk full while copying …) the damaged file stays where it was and nothing is
    // moved. `reason` goes into the report.
    static Result<CandleDatabase> salvage(const std::string& path, std::string reason,
                                          SalvageReport* report, const OpenOptions& options = {});

    CandleDatabase(CandleDatabase&&) noexcept;
    CandleDatabase& operator=(CandleDatabase&&) noexcept;
    CandleDatabase(const CandleDatabase&) = delete;
    CandleDatabase& operator=(const CandleDatabase&) = delete;
    ~CandleDatabase();

    // Inserts or updates by open time, all in one transaction; returns rows written. A provisional
    // candle (closed == false) never replaces a stored closed one (it is skipped, not counted).
    // Every candle is validated first (market::validateCandle); one invalid candle fails the call
    // and nothing is written.
    Result<std::size_t> upsert(const SeriesKey& key, std::span<const Candle> candles);
    // Same rules for several series, all in one transaction (the worker's coalesced saves).
    Result<std::size_t> upsert(std::span<const SeriesCandles> batches);

    // Candles with fromOpenTime <= openTime <= toOpenTime, ascending.
    Result<std::vector<Candle>> loadRange(const SeriesKey& key, std::int64_t fromOpenTime,
                                          std::int64_t toOpenTime);
    // The newest `limit` candles, ascending.
    Result<std::vector<Candle>> loadLatest(const SeriesKey& key, std::size_t limit);
    // Open times of the oldest and newest stored candle; nullopt for an empty/unknown series.
    Result<std::optional<std::pair<std::int64_t, std::int64_t>>> bounds(const SeriesKey& key);
    // Stored rows (including any that would be skipped as corrupt by the loads).
    Result<std::size_t> count(const SeriesKey& key);
    // Every series with candles or coverage, sorted by SeriesKey order.
    Result<std::vector<SeriesKey>> listSeries();

    // Records [fromMs, toMs) as `kind`, merged with overlapping or touching ranges of that kind.
    Result<Ok> recordCoverage(const SeriesKey& key, std::int64_t fromMs, std::int64_t toMs,
                              CoverageKind kind);
    // All ranges of the series, sorted by start (then kind).
    Result<std::vector<CoverageRange>> coverage(const SeriesKey& key);

    // PRAGMA integrity_check (full, slow on big files): Ok, or the problems SQLite found
    // (errorKind() Damage).
    Result<Ok> checkIntegrity();

    int schemaVersion() const;
    const std::string& path() const;
    // Rows the loads skipped because they did not decode or failed validateCandle, since open.
    std::uint64_t skippedCorruptRows() const;
    // Why the last skipped row was skipped (empty when none was).
    const std::string& lastCorruption() const;
    // Why each skipped row was skipped (series, open time, reason), oldest first: the first
    // kMaxCorruptionNotes since open. For reports that list every problem (`cpc verify`).
    static constexpr std::size_t kMaxCorruptionNotes = 1000;
    const std::vector<std::string>& corruptionNotes() const;

private:
    struct Impl;
    explicit CandleDatabase(std::unique_ptr<Impl> impl);
    // Runs `attempt` again after a transient failure (OpenOptions); defined in the .cpp.
    template <class F>
    auto retrying(F&& attempt) -> decltype(attempt());
    std::unique_ptr<Impl> m_impl;  // null after a move
};

std::string_view toString(CoverageKind kind);

}  // namespace cpc::storage
