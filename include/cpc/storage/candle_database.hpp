#pragma once
// SQLite candle store: one file holds every series the app has seen (closed candles only, by the
// app's rule in docs/ARCHITECTURE.md §6; the API itself also accepts provisional ones).
//
// Threading: a CandleDatabase is owned by one thread (the StorageWorker's) and is not safe to
// call from two threads at once. It may be moved, but not while another thread uses it.
//
// Errors name the file and the operation. Error::code is the SQLite primary result code when
// SQLite reported the failure (SQLITE_BUSY = 5, SQLITE_FULL = 13, …) and 0 otherwise.
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
    // not a database, cannot be opened, is locked, or was written by a newer version.
    // Does not run an integrity check (openOrRecover does).
    static Result<CandleDatabase> open(const std::string& path);

    // Like open(), plus PRAGMA quick_check. A file that is not a database, fails the check, or
    // cannot be opened is moved aside (with its -wal and -shm) to "<path>.corrupt-<UTC time>" and
    // a fresh database is created in its place; *notice (if given) then says what happened and
    // where the old file went, and is cleared otherwise. A database from a newer version, or
    // one locked by another process, is not moved: that is an error.
    static Result<CandleDatabase> openOrRecover(const std::string& path, std::string* notice);

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

    // PRAGMA integrity_check (full, slow on big files): Ok, or the problems SQLite found.
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
    std::unique_ptr<Impl> m_impl;  // null after a move
};

std::string_view toString(CoverageKind kind);

}  // namespace cpc::storage
