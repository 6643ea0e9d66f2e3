#include "cpc/storage/candle_database.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <system_error>
#include <thread>

#include "cpc/core/time.hpp"
#include "cpc/market/validation.hpp"
#include "candle_row.hpp"
#include "salvage.hpp"
#include "schema.hpp"
#include "series_column.hpp"
#include "sqlite_util.hpp"

namespace cpc::storage {

using detail::Statement;
using detail::StatementUse;
using detail::Transaction;
using detail::exchangeColumn;
using detail::keyOfColumns;

namespace {

// STRICT tables (schema.cpp).
constexpr int kMinSqliteVersion = 3037000;

constexpr const char* kUpsertCandleSql = R"sql(
INSERT INTO candles (series_id, open_time, open, high, low, close, volume, quote_volume, trades,
                     taker_buy_base, taker_buy_quote, closed)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
ON CONFLICT (series_id, open_time) DO UPDATE SET
    open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close,
    volume = excluded.volume, quote_volume = excluded.quote_volume, trades = excluded.trades,
    taker_buy_base = excluded.taker_buy_base, taker_buy_quote = excluded.taker_buy_quote,
    closed = excluded.closed
WHERE excluded.closed = 1 OR candles.closed = 0
)sql";
// A provisional candle (closed = 0) updates only a provisional row: the venue never reopens a
// closed candle, so a late provisional update for it is stale.

constexpr const char* kSelectRangeSql = R"sql(
SELECT open_time, open, high, low, close, volume, quote_volume, trades, taker_buy_base,
       taker_buy_quote, closed
FROM candles WHERE series_id = ?1 AND open_time BETWEEN ?2 AND ?3 ORDER BY open_time
)sql";

constexpr const char* kSelectLatestSql = R"sql(
SELECT open_time, open, high, low, close, volume, quote_volume, trades, taker_buy_base,
       taker_buy_quote, closed
FROM candles WHERE series_id = ?1 ORDER BY open_time DESC LIMIT ?2
)sql";

// Two ordered LIMIT 1 lookups: each is one b-tree descent on the (series_id, open_time) key.
constexpr const char* kBoundsSql = R"sql(
SELECT (SELECT open_time FROM candles WHERE series_id = ?1 ORDER BY open_time ASC LIMIT 1),
       (SELECT open_time FROM candles WHERE series_id = ?1 ORDER BY open_time DESC LIMIT 1)
)sql";

constexpr const char* kCountSql = "SELECT COUNT(*) FROM candles WHERE series_id = ?1";
constexpr const char* kFindSeriesSql =
    "SELECT series_id FROM series WHERE exchange = ?1 AND symbol = ?2 AND interval = ?3";
constexpr const char* kInsertSeriesSql =
    "INSERT INTO series (exchange, symbol, interval) VALUES (?1, ?2, ?3)";
constexpr const char* kListSeriesSql = "SELECT exchange, symbol, interval FROM series";

// Ranges of the same kind that overlap or touch [?3, ?4) are merged into one.
constexpr const char* kCoverageSpanSql =
    "SELECT MIN(from_ms), MAX(to_ms) FROM coverage "
    "WHERE series_id = ?1 AND kind = ?2 AND from_ms <= ?4 AND to_ms >= ?3";
constexpr const char* kCoverageDeleteSql =
    "DELETE FROM coverage WHERE series_id = ?1 AND kind = ?2 AND from_ms <= ?4 AND to_ms >= ?3";
constexpr const char* kCoverageInsertSql =
    "INSERT INTO coverage (series_id, kind, from_ms, to_ms) VALUES (?1, ?2, ?3, ?4)";
constexpr const char* kCoverageSelectSql =
    "SELECT kind, from_ms, to_ms FROM coverage WHERE series_id = ?1 ORDER BY from_ms, kind";

// Decimal column encoding: see the schema comment in schema.cpp.
int bindDecimal(sqlite3_stmt* statement, int index, Decimal value) {
    const auto units = value.units();  // __int128
    if (units >= std::numeric_limits<sqlite3_int64>::min() &&
        units <= std::numeric_limits<sqlite3_int64>::max())
        return sqlite3_bind_int64(statement, index, static_cast<sqlite3_int64>(units));
    const std::string text = value.toString();
    return sqlite3_bind_text(statement, index, text.data(), static_cast<int>(text.size()),
                             SQLITE_TRANSIENT);
}

std::optional<Decimal> columnDecimal(sqlite3_stmt* statement, int column) {
    switch (sqlite3_column_type(statement, column)) {
        case SQLITE_INTEGER: return Decimal::fromUnits(sqlite3_column_int64(statement, column));
        case SQLITE_TEXT: {
            const auto* text =
                reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
            const int bytes = sqlite3_column_bytes(statement, column);
            if (text == nullptr) return std::nullopt;
            return Decimal::parse(std::string_view(text, static_cast<std::size_t>(bytes)));
        }
        default: return std::nullopt;  // REAL, BLOB or NULL: never written by us
    }
}

int bindText(sqlite3_stmt* statement, int index, std::string_view text) {
    return sqlite3_bind_text(statement, index, text.data(), static_cast<int>(text.size()),
                             SQLITE_TRANSIENT);
}

int bindSeriesKey(sqlite3_stmt* statement, const SeriesKey& key) {
    int rc = bindText(statement, 1, exchangeColumn(key));
    if (rc == SQLITE_OK) rc = bindText(statement, 2, key.symbol);
    if (rc == SQLITE_OK) rc = bindText(statement, 3, toString(key.interval));
    return rc;
}

std::optional<std::string> checkKey(const SeriesKey& key) {
    if (key.exchange.empty() || key.symbol.empty())
        return "invalid series key \"" + toString(key) +
               "\": exchange and symbol must not be empty";
    return std::nullopt;
}

std::optional<CoverageKind> parseCoverageKind(std::string_view text) {
    if (text == "complete") return CoverageKind::Complete;
    if (text == "gap") return CoverageKind::Gap;
    return std::nullopt;
}

// BUSY and LOCKED have already waited busy_timeout (SQLite's busy handler is their back-off).
bool retryable(const Error& error) {
    return errorKind(error) == StorageErrorKind::Transient && error.code != SQLITE_BUSY &&
           error.code != SQLITE_LOCKED;
}

void backOff(const OpenOptions& options, int failedAttempt) {
    const int delay = options.retryDelayMs << std::min(failedAttempt - 1, 10);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
}

// Whether the previous session left the file without closing it cleanly: the last connection
// to close a WAL database checkpoints and deletes the -wal, and a committed rollback journal is
// deleted (or truncated). A -wal is also there while another connection has the file open; the
// full check then runs needlessly, which costs time, never data.
bool leftUnclean(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::exists(path + "-wal", ec)) return true;
    const auto journal = std::filesystem::file_size(path + "-journal", ec);
    return !ec && journal > 0;
}

std::uint32_t bigEndian(const unsigned char* p, int bytes) {
    std::uint32_t value = 0;
    for (int i = 0; i < bytes; ++i) value = value << 8 | p[i];
    return value;
}

// The bounded check that replaces a full scan for a file closed cleanly: a database whose
// header states its size (change counter == version-valid-for, as every SQLite since 3.7.0
// writes it) must be at least that long when no -wal holds pages of it. Reads 100 bytes.
std::optional<std::string> shorterThanHeader(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const auto walSize = fs::file_size(path + "-wal", ec);
    if (!ec && walSize > 0) return std::nullopt;  // pages may live in the WAL
    std::ifstream in(path, std::ios::binary);
    unsigned char header[100];
    if (!in.read(reinterpret_cast<char*>(header), sizeof header)) return std::nullopt;
    if (std::memcmp(header, "SQLite format 3", 16) != 0) return std::nullopt;  // SQLite says
    std::uint64_t pageSize = bigEndian(header + 16, 2);
    if (pageSize == 1) pageSize = 65536;
    const std::uint64_t pages = bigEndian(header + 28, 4);
    if (pages == 0 || bigEndian(header + 24, 4) != bigEndian(header + 92, 4)) return std::nullopt;
    const auto size = fs::file_size(path, ec);
    if (ec || size >= pages * pageSize) return std::nullopt;
    return "the file is " + std::to_string(size) + " bytes but its header says " +
           std::to_string(pages) + " pages of " + std::to_string(pageSize) +
           " bytes (it was truncated)";
}

// "20240115T130500Z": sortable and free of characters file systems dislike.
std::string utcStampForFileName(std::int64_t ms) {
    const std::int64_t days = ms >= 0 ? ms / kDayMs : (ms - kDayMs + 1) / kDayMs;
    const std::int64_t secondsOfDay = (ms - days * kDayMs) / 1000;
    const CivilDate date = civilFromDays(days);
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d%02u%02uT%02d%02d%02dZ", date.year, date.month,
                  date.day, static_cast<int>(secondsOfDay / 3600),
                  static_cast<int>(secondsOfDay / 60 % 60), static_cast<int>(secondsOfDay % 60));
    return buffer;
}

constexpr const char* kSidecarSuffixes[] = {"-wal", "-shm", "-journal"};

// Renames `path` and its sidecar files to "<path>.corrupt-<stamp>[-n]" (+ the same suffixes).
// Returns the new main path.
Result<std::string> moveAside(const std::string& path) {
    namespace fs = std::filesystem;
    const std::string base = path + ".corrupt-" + utcStampForFileName(nowMs());
    std::string target = base;
    std::error_code ec;
    for (int n = 2; fs::exists(target, ec) || fs::exists(target + "-wal", ec); ++n)
        target = base + "-" + std::to_string(n);

    if (fs::exists(path, ec)) {
        fs::rename(path, target, ec);
        if (ec) return makeError("cannot move " + path + " to " + target + ": " + ec.message());
    }
    for (const char* suffix : kSidecarSuffixes) {
        const std::string from = path + suffix;
        if (!fs::exists(from, ec)) continue;
        fs::rename(from, target + suffix, ec);
        if (!ec) continue;
        // A stale -wal left beside the new database would be replayed into it: it must go.
        std::error_code removeEc;
        fs::remove(from, removeEc);
        if (removeEc)
            return makeError("moved " + path + " to " + target + " but cannot move or delete " +
                             from + ": " + ec.message());
    }
    return target;
}

Error closedError() { return makeError("candle database is closed (moved from)"); }

}  // namespace

// Column order of kSelectRangeSql / kSelectLatestSql.
constexpr const char* kCandleColumnNames[] = {"open_time",      "open",
                                              "high",           "low",
                                              "close",          "volume",
                                              "quote_volume",   "trades",
                                              "taker_buy_base", "taker_buy_quote",
                                              "closed"};

std::optional<std::string> detail::decodeCandle(sqlite3_stmt* statement, Candle& out) {
    if (sqlite3_column_type(statement, 0) != SQLITE_INTEGER) return "open_time is not an integer";
    out.openTime = sqlite3_column_int64(statement, 0);
    // Built only for a bad row: a string per row would cost more than decoding it.
    const auto at = [&out] { return " (open_time " + std::to_string(out.openTime) + ")"; };
    Decimal* decimals[] = {&out.open,  &out.high,         &out.low,
                           &out.close, &out.volume,       &out.quoteVolume,
                           nullptr,    &out.takerBuyBase, &out.takerBuyQuote};
    for (int i = 0; i < 9; ++i) {
        Decimal* target = decimals[i];
        if (target == nullptr) continue;  // trades
        auto value = columnDecimal(statement, i + 1);
        if (!value) return std::string(kCandleColumnNames[i + 1]) + " is not a decimal" + at();
        *target = *value;
    }
    if (sqlite3_column_type(statement, 7) != SQLITE_INTEGER) return "trades is not an integer" + at();
    out.trades = sqlite3_column_int64(statement, 7);
    if (sqlite3_column_type(statement, 10) != SQLITE_INTEGER)
        return "closed is not an integer" + at();
    const auto closed = sqlite3_column_int64(statement, 10);
    if (closed != 0 && closed != 1) return "closed is neither 0 nor 1" + at();
    out.closed = closed == 1;
    if (auto why = market::validateCandle(out)) return *why;
    return std::nullopt;
}

StorageErrorKind errorKind(const Error& error) {
    switch (error.code & 0xff) {
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB: return StorageErrorKind::Damage;
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
        case SQLITE_IOERR:
        case SQLITE_FULL:
        case SQLITE_CANTOPEN:
        case SQLITE_PERM:
        case SQLITE_READONLY:
        case SQLITE_NOMEM:
        case SQLITE_PROTOCOL:
        case SQLITE_INTERRUPT: return StorageErrorKind::Transient;
        default: return StorageErrorKind::Other;
    }
}

std::string_view toString(StorageErrorKind kind) {
    switch (kind) {
        case StorageErrorKind::Transient: return "transient";
        case StorageErrorKind::Damage: return "damage";
        case StorageErrorKind::Other: return "other";
    }
    return "other";
}

std::string SalvageReport::summary() const {
    std::string text = "The candle cache was damaged (" + reason + "). " +
                       std::to_string(candlesKept) + " candles of " + std::to_string(seriesKept) +
                       " series and " + std::to_string(coverageKept) +
                       " coverage ranges were saved into a new cache; ";
    if (unreadablePages && candlesLost > 0)
        text += "at least " + std::to_string(candlesLost) + " candles could not be read";
    else if (unreadablePages)
        text += "an unknown number of candles could not be read";
    else if (candlesLost > 0)
        text += std::to_string(candlesLost) + " candles could not be read";
    else
        text += "no candle was lost";
    if (unreadablePages || candlesLost > 0) text += " and will be downloaded again when needed";
    if (coverageDropped > 0)
        text += " (" + std::to_string(coverageDropped) + " coverage ranges were dropped)";
    text += ". The damaged file was kept as " +
            (damagedPath.empty() ? std::string("(not moved)") : damagedPath) + ".";
    return text;
}

std::string_view toString(CoverageKind kind) {
    switch (kind) {
        case CoverageKind::Complete: return "complete";
        case CoverageKind::Gap: return "gap";
    }
    return "complete";
}

struct CandleDatabase::Impl {
    detail::Connection m_db;  // declared first: destroyed after the statements below
    std::string m_path;
    int m_schemaVersion = 0;
    std::uint64_t m_skippedRows = 0;
    std::string m_lastCorruption;
    std::vector<std::string> m_corruptionNotes;  // at most kMaxCorruptionNotes
    // Ids of series rows known to be committed. A row created inside a transaction joins only
    // after COMMIT, so a rollback cannot leave a dangling id here.
    std::map<SeriesKey, std::int64_t> m_seriesIds;

    Statement m_upsertCandle, m_selectRange, m_selectLatest, m_bounds, m_count, m_findSeries,
        m_insertSeries, m_listSeries, m_coverageSpan, m_coverageDelete, m_coverageInsert,
        m_coverageSelect;

    OpenOptions m_options;

    // What open() checks beyond opening and migrating.
    enum class Checks : std::uint8_t {
        None,     // open()
        Startup,  // openOrSalvage(): bounded checks, the full quick_check after an unclean close
    };
    struct OpenAttempt {
        std::unique_ptr<Impl> impl;  // set on success
        Error error;
        bool damaged = false;     // the file itself is unusable: openOrSalvage salvages it
        bool fullCheck = false;   // the previous session had not closed cleanly: quick_check ran
    };
    static OpenAttempt open(const std::string& path, Checks checks, const OpenOptions& options);
    // open(), tried again after a retryable failure (OpenOptions).
    static OpenAttempt openRetrying(const std::string& path, Checks checks,
                                    const OpenOptions& options);

    sqlite3* db() const { return m_db.get(); }
    Error sqliteError(int rc, std::string_view what) const {
        return detail::sqliteError(db(), rc, m_path + ": " + std::string(what));
    }
    Error plainError(std::string_view what) const {
        return makeError(m_path + ": " + std::string(what));
    }
    Error prefixed(const Error& error) const {
        return makeError(m_path + ": " + error.message, error.code);
    }

    // One series' candles, borrowed from the caller for the duration of upsert().
    struct BatchView {
        const SeriesKey* key;
        std::span<const Candle> candles;
    };
    Result<std::size_t> upsert(std::span<const BatchView> batches);

    Result<Ok> prepareStatements();
    Result<std::optional<std::int64_t>> findSeriesId(const SeriesKey& key);
    Result<std::int64_t> seriesIdForWrite(const SeriesKey& key,
                                          std::map<SeriesKey, std::int64_t>& created);
    Result<std::vector<Candle>> readCandles(sqlite3_stmt* statement, const SeriesKey& key,
                                            std::size_t reserve);
    void noteCorruption(std::string why) {
        ++m_skippedRows;
        m_lastCorruption = m_path + ": skipped corrupt row: " + why;
        if (m_corruptionNotes.size() < kMaxCorruptionNotes) m_corruptionNotes.push_back(std::move(why));
    }
};

CandleDatabase::Impl::OpenAttempt CandleDatabase::Impl::open(const std::string& path,
                                                             Checks checks,
                                                             const OpenOptions& options) {
    OpenAttempt attempt;
    auto fail = [&attempt](Error error, bool damaged) {
        if (damaged && attempt.impl && attempt.impl->db() != nullptr) {
            // SQLite deletes the -wal (and -shm) when the last connection closes; keep them, so
            // the salvage reads them and moves the whole damaged set aside for inspection.
            int persist = 1;
            sqlite3_file_control(attempt.impl->db(), "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
        }
        attempt.impl.reset();  // closes the connection before the caller touches the file
        attempt.error = std::move(error);
        attempt.damaged = damaged;
        return std::move(attempt);
    };
    auto failSqlite = [&fail](const Error& error) {
        return fail(error, errorKind(error) == StorageErrorKind::Damage);
    };
    // Tables that are not ours (a name clash while creating them, a missing table or column
    // while preparing): the file is some other database, which is damage for a candle cache.
    auto failSchema = [&fail](const Error& error) {
        return fail(error, error.code == SQLITE_ERROR ||
                               errorKind(error) == StorageErrorKind::Damage);
    };

    if (sqlite3_libversion_number() < kMinSqliteVersion)
        return fail(makeError(path + ": SQLite " + sqlite3_libversion() +
                              " is too old; CanvasProChart needs 3.37 or newer"),
                    false);
    if (path.empty()) return fail(makeError("database path is empty"), false);

    if (checks == Checks::Startup) {
        attempt.fullCheck = leftUnclean(path);
        // Checked twice: a file whose last other connection is closing right now (checkpoint
        // under way, then the -wal deleted) may look short for a moment.
        auto shorter = shorterThanHeader(path);
        if (shorter) shorter = shorterThanHeader(path);
        if (shorter) return fail(makeError(path + ": " + *shorter, SQLITE_CORRUPT), true);
    }

    if (options.readOnly) {
        // SQLite would take an empty file for a new database; read-only there is nothing to read.
        std::error_code ec;
        const auto size = std::filesystem::file_size(path, ec);
        if (ec) return fail(makeError(path + ": no candle cache there: " + ec.message(), SQLITE_CANTOPEN), false);
        if (size == 0)
            return fail(makeError(path + ": the file is empty, not a candle cache (left untouched)", SQLITE_NOTADB),
                        false);
    }

    attempt.impl = std::make_unique<Impl>();
    Impl& impl = *attempt.impl;
    impl.m_path = path;
    impl.m_options = options;
    sqlite3* raw = nullptr;
    const int flags = (options.readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                      SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    impl.m_db.reset(raw);  // even on failure a handle may need closing
    if (rc != SQLITE_OK) return failSqlite(detail::sqliteError(raw, rc, path + ": opening"));
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, options.busyTimeoutMs);

    // Nothing below writes until the version is known to be ours: a database from a newer build
    // must stay byte-for-byte as it was.
    auto version = detail::readSchemaVersion(raw, path);
    if (!version && options.readOnly && (version.error().code & 0xff) == SQLITE_READONLY) {
        // A WAL file read-only in a directory we cannot write: SQLite cannot create the -shm it
        // needs. Nobody can have it open for writing then (a writer makes the -shm beside it), so
        // it is read as immutable (no locks, no -shm).
        std::string uri = "file:";
        for (const char ch : path) {
            if (ch == '%' || ch == '?' || ch == '#') {
                static constexpr char kHex[] = "0123456789ABCDEF";
                uri += '%';
                uri += kHex[(static_cast<unsigned char>(ch) >> 4) & 0xF];
                uri += kHex[static_cast<unsigned char>(ch) & 0xF];
            } else {
                uri += ch;
            }
        }
        uri += "?immutable=1";
        impl.m_db.reset();
        raw = nullptr;
        const int again = sqlite3_open_v2(uri.c_str(), &raw, flags | SQLITE_OPEN_URI, nullptr);
        impl.m_db.reset(raw);
        if (again != SQLITE_OK) return failSqlite(detail::sqliteError(raw, again, path + ": opening read-only"));
        sqlite3_extended_result_codes(raw, 1);
        version = detail::readSchemaVersion(raw, path);
    }
    if (!version) return failSqlite(version.error());
    if (*version > kSchemaVersion)
        return fail(makeError(detail::newerSchemaMessage(path, *version, kSchemaVersion)), false);
    if (options.readOnly && *version == 0)
        return fail(makeError(path + ": not a candle cache (no CanvasProChart schema in this database; "
                                     "left untouched)",
                              SQLITE_NOTADB),
                    false);

    if (attempt.fullCheck) {
        // Grows with the file (about 1 s per million candles): only after an unclean close.
        auto check =
            detail::queryTextRows(raw, "PRAGMA quick_check", path + ": integrity check", 8);
        if (!check) return failSqlite(check.error());
        if (*check != "ok")
            return fail(makeError(path + ": integrity check failed: " + *check, SQLITE_CORRUPT),
                        true);
    }
    if (options.readOnly) {
        // Read as it is: no WAL switch, no migration (only version kSchemaVersion exists today; an
        // older one would need a writable open to migrate first).
        if (*version != kSchemaVersion)
            return fail(makeError(path + ": schema version " + std::to_string(*version) +
                                      " needs migrating; open it once with write access"),
                        false);
        impl.m_schemaVersion = *version;
        if (auto r = impl.prepareStatements(); !r)
            return fail(makeError(path + ": not a candle cache (its tables do not match schema version " +
                                      std::to_string(*version) + ": " + r.error().message + "; left untouched)",
                                  r.error().code),
                        false);
        return attempt;
    }
    if (sqlite3_db_readonly(raw, "main") == 1)
        return fail(makeError(path + ": the file is read-only; the candle cache needs write access",
                              SQLITE_READONLY),
                    false);

    // WAL: readers never block the writer, and a commit is one append + (with synchronous=NORMAL)
    // no fsync; fsync happens at checkpoints. A process crash loses nothing committed; a power
    // loss may lose the last commits but never corrupts the file. Candles can be re-downloaded,
    // so that trade is right for a cache. On file systems without WAL support the pragma keeps
    // the rollback journal, which is slower but just as consistent.
    auto journal =
        detail::queryTextRows(raw, "PRAGMA journal_mode = WAL", path + ": enabling WAL", 1);
    if (!journal) return failSqlite(journal.error());
    if (auto r = detail::execute(raw, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON",
                                 path + ": setting connection options");
        !r)
        return failSqlite(r.error());

    auto migrated = detail::migrate(raw, path, detail::migrations());
    if (!migrated) return failSchema(migrated.error());
    impl.m_schemaVersion = *migrated;

    if (auto r = impl.prepareStatements(); !r)
        return failSchema(makeError(path + ": the tables do not match schema version " +
                                        std::to_string(*migrated) + ": " + r.error().message,
                                    r.error().code));

    if (checks == Checks::Startup) {
        // The series table (one row per series the app has seen) is read whole: a damaged root
        // or schema shows up now rather than on the first load. Bounded by the series count.
        std::optional<Error> unreadable;
        {
            StatementUse use(impl.m_listSeries);  // reset before fail() closes the connection
            for (;;) {
                const int step = sqlite3_step(use.get());
                if (step == SQLITE_DONE) break;
                if (step == SQLITE_ROW) continue;
                unreadable = impl.sqliteError(step, "reading the series");
                break;
            }
        }
        if (unreadable) return failSqlite(*unreadable);
    }
    return attempt;
}

CandleDatabase::Impl::OpenAttempt CandleDatabase::Impl::openRetrying(const std::string& path,
                                                                     Checks checks,
                                                                     const OpenOptions& options) {
    for (int tries = 1;; ++tries) {
        auto attempt = open(path, checks, options);
        if (attempt.impl || attempt.damaged || !retryable(attempt.error) ||
            tries >= options.transientAttempts)
            return attempt;
        backOff(options, tries);
    }
}

Result<Ok> CandleDatabase::Impl::prepareStatements() {
    struct Entry {
        Statement* target;
        const char* sql;
    };
    const Entry entries[] = {
        {&m_upsertCandle, kUpsertCandleSql},
        {&m_selectRange, kSelectRangeSql},
        {&m_selectLatest, kSelectLatestSql},
        {&m_bounds, kBoundsSql},
        {&m_count, kCountSql},
        {&m_findSeries, kFindSeriesSql},
        {&m_insertSeries, kInsertSeriesSql},
        {&m_listSeries, kListSeriesSql},
        {&m_coverageSpan, kCoverageSpanSql},
        {&m_coverageDelete, kCoverageDeleteSql},
        {&m_coverageInsert, kCoverageInsertSql},
        {&m_coverageSelect, kCoverageSelectSql},
    };
    for (const Entry& entry : entries) {
        auto statement = Statement::prepare(db(), entry.sql);
        if (!statement) return statement.error();
        *entry.target = std::move(*statement);
    }
    return Ok{};
}

Result<std::optional<std::int64_t>> CandleDatabase::Impl::findSeriesId(const SeriesKey& key) {
    if (auto it = m_seriesIds.find(key); it != m_seriesIds.end()) return std::optional(it->second);
    StatementUse use(m_findSeries);
    if (const int rc = bindSeriesKey(use.get(), key); rc != SQLITE_OK)
        return sqliteError(rc, "looking up series " + toString(key));
    const int rc = sqlite3_step(use.get());
    if (rc == SQLITE_DONE) return std::optional<std::int64_t>();
    if (rc != SQLITE_ROW) return sqliteError(rc, "looking up series " + toString(key));
    const std::int64_t id = sqlite3_column_int64(use.get(), 0);
    // Called outside write transactions, or (from seriesIdForWrite) for rows this transaction did
    // not create: either way the row is committed.
    m_seriesIds.emplace(key, id);
    return std::optional(id);
}

Result<std::int64_t> CandleDatabase::Impl::seriesIdForWrite(
    const SeriesKey& key, std::map<SeriesKey, std::int64_t>& created) {
    if (auto it = created.find(key); it != created.end()) return it->second;
    auto found = findSeriesId(key);
    if (!found) return found.error();
    if (*found) return **found;
    // We hold the write lock (BEGIN IMMEDIATE), so nobody can insert the row between the lookup
    // and this insert.
    StatementUse use(m_insertSeries);
    int rc = bindSeriesKey(use.get(), key);
    if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
    if (rc != SQLITE_DONE) return sqliteError(rc, "adding series " + toString(key));
    const std::int64_t id = sqlite3_last_insert_rowid(db());
    created.emplace(key, id);
    return id;
}

Result<std::vector<Candle>> CandleDatabase::Impl::readCandles(sqlite3_stmt* statement,
                                                              const SeriesKey& key,
                                                              std::size_t reserve) {
    std::vector<Candle> out;
    out.reserve(reserve);
    for (;;) {
        const int rc = sqlite3_step(statement);
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_ROW) return sqliteError(rc, "reading candles of " + toString(key));
        Candle candle;
        if (auto why = detail::decodeCandle(statement, candle)) {
            noteCorruption(toString(key) + ": " + *why);
            continue;
        }
        out.push_back(candle);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------

CandleDatabase::CandleDatabase(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
CandleDatabase::CandleDatabase(CandleDatabase&&) noexcept = default;
CandleDatabase& CandleDatabase::operator=(CandleDatabase&&) noexcept = default;
CandleDatabase::~CandleDatabase() = default;

template <class F>
auto CandleDatabase::retrying(F&& attempt) -> decltype(attempt()) {
    const OpenOptions& options = m_impl->m_options;
    for (int tries = 1;; ++tries) {
        auto result = attempt();
        if (result || !retryable(result.error()) || tries >= options.transientAttempts)
            return result;
        backOff(options, tries);
    }
}

Result<CandleDatabase> CandleDatabase::open(const std::string& path, const OpenOptions& options) {
    auto attempt = Impl::openRetrying(path, Impl::Checks::None, options);
    if (!attempt.impl) return attempt.error;
    return CandleDatabase(std::move(attempt.impl));
}

Result<CandleDatabase> CandleDatabase::openOrSalvage(const std::string& path, OpenReport* report,
                                                     const OpenOptions& options) {
    if (report != nullptr) *report = OpenReport{};
    auto attempt = Impl::openRetrying(path, Impl::Checks::Startup, options);
    if (report != nullptr) report->fullCheckRan = attempt.fullCheck;
    if (attempt.impl) return CandleDatabase(std::move(attempt.impl));
    if (!attempt.damaged) {
        if (errorKind(attempt.error) != StorageErrorKind::Transient) return attempt.error;
        return makeError(attempt.error.message +
                             " (a temporary failure: the file was left as it is)",
                         attempt.error.code);
    }
    SalvageReport salvaged;
    // The failed attempt has closed its connection, so the file can be read and renamed.
    auto fresh = salvage(path, attempt.error.message, &salvaged, options);
    if (!fresh) return fresh.error();
    if (report != nullptr) report->salvage = std::move(salvaged);
    return fresh;
}

Result<CandleDatabase> CandleDatabase::openOrRecover(const std::string& path, std::string* notice) {
    if (notice != nullptr) notice->clear();
    OpenReport report;
    auto db = openOrSalvage(path, &report);
    if (db && report.salvage && notice != nullptr) *notice = report.salvage->summary();
    return db;
}

Result<CandleDatabase> CandleDatabase::salvage(const std::string& path, std::string reason,
                                               SalvageReport* report, const OpenOptions& options) {
    namespace fs = std::filesystem;
    SalvageReport result;
    result.reason = std::move(reason);
    const std::string temp = path + ".salvage";
    auto removeTemp = [&temp]() -> Result<Ok> {
        std::error_code ec;
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
            fs::remove(temp + suffix, ec);
            if (ec) return makeError("cannot remove " + temp + suffix + ": " + ec.message());
        }
        return Ok{};
    };
    auto failed = [&](const Error& error) -> Error {
        (void)removeTemp();
        return makeError(path + " is damaged (" + result.reason + ") and could not be salvaged: " +
                             error.message + "; the file was left where it is",
                         error.code);
    };
    // A salvage interrupted by a crash leaves its half-written file: start again from scratch.
    if (auto r = removeTemp(); !r) return failed(r.error());

    {
        auto target = Impl::openRetrying(temp, Impl::Checks::None, options);
        if (!target.impl) return failed(target.error);
        CandleDatabase fresh(std::move(target.impl));
        sqlite3* source = nullptr;
        // Read-only: the damaged file is kept as it is for inspection.
        const int rc = sqlite3_open_v2(path.c_str(), &source,
                                       SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
        detail::Connection sourceHandle(source);
        if (rc == SQLITE_OK) {
            sqlite3_extended_result_codes(source, 1);
            sqlite3_busy_timeout(source, options.busyTimeoutMs);
            // Lets SQLite read a file shorter than its header says (it refuses otherwise) and a
            // schema it would reject; nothing is written through this read-only connection.
            sqlite3_exec(source, "PRAGMA writable_schema = ON", nullptr, nullptr, nullptr);
            auto copied = detail::copyReadableRows(source, path, fresh, result);
            if (!copied) return failed(copied.error());
        } else {
            const Error error = detail::sqliteError(source, rc, path + ": opening read-only");
            if (errorKind(error) == StorageErrorKind::Transient) return failed(error);
            result.unreadablePages = true;  // nothing readable: the new file starts empty
        }
        // One self-contained file (no -wal beside it) before it is renamed into place.
        sqlite3* db = fresh.m_impl->db();
        auto settled =
            detail::queryTextRows(db, "PRAGMA wal_checkpoint(TRUNCATE)", temp + ": checkpoint", 1);
        if (settled)
            settled = detail::queryTextRows(db, "PRAGMA journal_mode = DELETE",
                                            temp + ": leaving WAL mode", 1);
        if (!settled) return failed(settled.error());
    }  // both connections are closed here

    auto aside = moveAside(path);
    if (!aside) return failed(aside.error());
    result.damagedPath = *aside;
    std::error_code ec;
    fs::rename(temp, path, ec);
    if (ec)
        return makeError(path + " was damaged (" + result.reason + "); it was moved to " + *aside +
                         ", but the salvaged copy " + temp + " could not take its place: " +
                         ec.message());
    auto reopened = Impl::openRetrying(path, Impl::Checks::None, options);
    if (!reopened.impl)
        return makeError(path + " was salvaged (the damaged file is " + *aside +
                             ") but could not be opened: " + reopened.error.message,
                         reopened.error.code);
    if (report != nullptr) *report = std::move(result);
    return CandleDatabase(std::move(reopened.impl));
}

Result<std::size_t> CandleDatabase::upsert(const SeriesKey& key, std::span<const Candle> candles) {
    if (!m_impl) return closedError();
    return retrying([&]() -> Result<std::size_t> {
        const Impl::BatchView batch{&key, candles};
        return m_impl->upsert(std::span(&batch, 1));
    });
}

Result<std::size_t> CandleDatabase::upsert(std::span<const SeriesCandles> batches) {
    if (!m_impl) return closedError();
    return retrying([&]() -> Result<std::size_t> {
        std::vector<Impl::BatchView> views;
        views.reserve(batches.size());
        for (const SeriesCandles& batch : batches) views.push_back({&batch.key, batch.candles});
        return m_impl->upsert(views);
    });
}

Result<std::size_t> CandleDatabase::Impl::upsert(std::span<const BatchView> batches) {
    std::size_t total = 0;
    for (const BatchView& batch : batches) {
        if (auto bad = checkKey(*batch.key)) return plainError(*bad);
        for (std::size_t i = 0; i < batch.candles.size(); ++i) {
            if (auto why = market::validateCandle(batch.candles[i]))
                return plainError("not saving " + toString(*batch.key) + ": candle " +
                                  std::to_string(i) + " is invalid: " + *why);
        }
        total += batch.candles.size();
    }
    if (total == 0) return std::size_t{0};

    Transaction txn(db());
    if (auto r = txn.begin(); !r) return prefixed(r.error());
    std::map<SeriesKey, std::int64_t> created;
    std::size_t written = 0;
    for (const BatchView& batch : batches) {
        if (batch.candles.empty()) continue;
        auto seriesId = seriesIdForWrite(*batch.key, created);
        if (!seriesId) return seriesId.error();
        for (const Candle& c : batch.candles) {
            StatementUse use(m_upsertCandle);
            sqlite3_stmt* s = use.get();
            int rc = sqlite3_bind_int64(s, 1, *seriesId);
            if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 2, c.openTime);
            if (rc == SQLITE_OK) rc = bindDecimal(s, 3, c.open);
            if (rc == SQLITE_OK) rc = bindDecimal(s, 4, c.high);
            if (rc == SQLITE_OK) rc = bindDecimal(s, 5, c.low);
            if (rc == SQLITE_OK) rc = bindDecimal(s, 6, c.close);
            if (rc == SQLITE_OK) rc = bindDecimal(s, 7, c.volume);
            if (rc == SQLITE_OK) rc = bindDecimal(s, 8, c.quoteVolume);
            if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 9, c.trades);
            if (rc == SQLITE_OK) rc = bindDecimal(s, 10, c.takerBuyBase);
            if (rc == SQLITE_OK) rc = bindDecimal(s, 11, c.takerBuyQuote);
            if (rc == SQLITE_OK) rc = sqlite3_bind_int(s, 12, c.closed ? 1 : 0);
            if (rc == SQLITE_OK) rc = sqlite3_step(s);
            if (rc != SQLITE_DONE)
                return sqliteError(
                    rc, "saving " + toString(*batch.key) + " candle at " + formatUtc(c.openTime));
            written += static_cast<std::size_t>(sqlite3_changes(db()));
        }
    }
    if (auto r = txn.commit(); !r) return prefixed(r.error());
    m_seriesIds.merge(created);
    return written;
}

Result<std::vector<Candle>> CandleDatabase::loadRange(const SeriesKey& key,
                                                      std::int64_t fromOpenTime,
                                                      std::int64_t toOpenTime) {
    if (!m_impl) return closedError();
    return retrying([&]() -> Result<std::vector<Candle>> {
        Impl& impl = *m_impl;
        if (fromOpenTime > toOpenTime)
            return impl.plainError("loadRange of " + toString(key) + ": from (" +
                                   formatUtc(fromOpenTime) + ") is after to (" + formatUtc(toOpenTime) +
                                   ")");
        auto id = impl.findSeriesId(key);
        if (!id) return id.error();
        if (!*id) return std::vector<Candle>{};
        StatementUse use(impl.m_selectRange);
        int rc = sqlite3_bind_int64(use.get(), 1, **id);
        if (rc == SQLITE_OK) rc = sqlite3_bind_int64(use.get(), 2, fromOpenTime);
        if (rc == SQLITE_OK) rc = sqlite3_bind_int64(use.get(), 3, toOpenTime);
        if (rc != SQLITE_OK) return impl.sqliteError(rc, "reading candles of " + toString(key));
        // Reserve what the stored bounds allow (one allocation instead of ~20 regrowths, each
        // copying every candle read so far), never more than the series holds (sparse series).
        std::size_t reserve = 0;
        if (auto b = bounds(key); b && *b) {
            const std::int64_t lo = std::max(fromOpenTime, (*b)->first);
            const std::int64_t hi = std::min(toOpenTime, (*b)->second);
            if (lo <= hi) {
                reserve = static_cast<std::size_t>((hi - lo) / nominalMs(key.interval) + 1);
                if (auto n = count(key); n) reserve = std::min(reserve, *n);
            }
        }
        return impl.readCandles(use.get(), key, reserve);
    });
}

Result<std::vector<Candle>> CandleDatabase::loadLatest(const SeriesKey& key, std::size_t limit) {
    if (!m_impl) return closedError();
    return retrying([&]() -> Result<std::vector<Candle>> {
        Impl& impl = *m_impl;
        auto id = impl.findSeriesId(key);
        if (!id) return id.error();
        if (!*id || limit == 0) return std::vector<Candle>{};
        constexpr auto kMaxLimit = static_cast<std::size_t>(std::numeric_limits<sqlite3_int64>::max());
        StatementUse use(impl.m_selectLatest);
        int rc = sqlite3_bind_int64(use.get(), 1, **id);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_int64(use.get(), 2,
                                    static_cast<sqlite3_int64>(std::min(limit, kMaxLimit)));
        if (rc != SQLITE_OK) return impl.sqliteError(rc, "reading candles of " + toString(key));
        auto candles = impl.readCandles(use.get(), key, std::min<std::size_t>(limit, 1 << 16));
        if (candles) std::reverse(candles->begin(), candles->end());
        return candles;
    });
}

Result<std::optional<std::pair<std::int64_t, std::int64_t>>> CandleDatabase::bounds(
    const SeriesKey& key) {
    if (!m_impl) return closedError();
    return retrying([&]() -> Result<std::optional<std::pair<std::int64_t, std::int64_t>>> {
        using Bounds = std::optional<std::pair<std::int64_t, std::int64_t>>;
        Impl& impl = *m_impl;
        auto id = impl.findSeriesId(key);
        if (!id) return id.error();
        if (!*id) return Bounds{};
        StatementUse use(impl.m_bounds);
        int rc = sqlite3_bind_int64(use.get(), 1, **id);
        if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
        if (rc != SQLITE_ROW) return impl.sqliteError(rc, "reading the time range of " + toString(key));
        if (sqlite3_column_type(use.get(), 0) == SQLITE_NULL) return Bounds{};
        return Bounds{
            std::pair(sqlite3_column_int64(use.get(), 0), sqlite3_column_int64(use.get(), 1))};
    });
}

Result<std::size_t> CandleDatabase::count(const SeriesKey& key) {
    if (!m_impl) return closedError();
    return retrying([&]() -> Result<std::size_t> {
        Impl& impl = *m_impl;
        auto id = impl.findSeriesId(key);
        if (!id) return id.error();
        if (!*id) return std::size_t{0};
        StatementUse use(impl.m_count);
        int rc = sqlite3_bind_int64(use.get(), 1, **id);
        if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
        if (rc != SQLITE_ROW) return impl.sqliteError(rc, "counting candles of " + toString(key));
        return static_cast<std::size_t>(sqlite3_column_int64(use.get(), 0));
    });
}

Result<std::vector<SeriesKey>> CandleDatabase::listSeries() {
    if (!m_impl) return closedError();
    return retrying([&]() -> Result<std::vector<SeriesKey>> {
        Impl& impl = *m_impl;
        std::vector<SeriesKey> keys;
        StatementUse use(impl.m_listSeries);
        for (;;) {
            const int rc = sqlite3_step(use.get());
            if (rc == SQLITE_DONE) break;
            if (rc != SQLITE_ROW) return impl.sqliteError(rc, "listing series");
            auto text = [&use](int column) {
                const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(use.get(), column));
                return std::string(p != nullptr ? p : "");
            };
            const std::string intervalText = text(2);
            const auto interval = parseInterval(intervalText);
            if (!interval) {
                impl.noteCorruption("series " + text(0) + ":" + text(1) + " has unknown interval \"" +
                                    intervalText + "\"");
                continue;
            }
            keys.push_back(keyOfColumns(text(0), text(1), *interval));
        }
        std::sort(keys.begin(), keys.end());
        return keys;
    });
}

Result<Ok> CandleDatabase::recordCoverage(const SeriesKey& key, std::int64_t fromMs,
                                          std::int64_t toMs, CoverageKind kind) {
    if (!m_impl) return closedError();
    return retrying([&]() -> Result<Ok> {
        Impl& impl = *m_impl;
        if (auto bad = checkKey(key)) return impl.plainError(*bad);
        if (fromMs >= toMs)
            return impl.plainError("recordCoverage of " + toString(key) + ": empty range [" +
                                   std::to_string(fromMs) + ", " + std::to_string(toMs) + ")");
        const std::string what =
            "recording " + std::string(toString(kind)) + " coverage of " + toString(key);
        Transaction txn(impl.db());
        if (auto r = txn.begin(); !r) return impl.prefixed(r.error());
        std::map<SeriesKey, std::int64_t> created;
        auto id = impl.seriesIdForWrite(key, created);
        if (!id) return id.error();
        const std::string kindText(toString(kind));
        auto bindRange = [&](sqlite3_stmt* s, std::int64_t from, std::int64_t to) {
            int rc = sqlite3_bind_int64(s, 1, *id);
            if (rc == SQLITE_OK) rc = bindText(s, 2, kindText);
            if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 3, from);
            if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 4, to);
            return rc;
        };
        std::int64_t mergedFrom = fromMs;
        std::int64_t mergedTo = toMs;
        {
            StatementUse use(impl.m_coverageSpan);
            int rc = bindRange(use.get(), fromMs, toMs);
            if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
            if (rc != SQLITE_ROW) return impl.sqliteError(rc, what);
            if (sqlite3_column_type(use.get(), 0) != SQLITE_NULL) {
                mergedFrom = std::min<std::int64_t>(mergedFrom, sqlite3_column_int64(use.get(), 0));
                mergedTo = std::max<std::int64_t>(mergedTo, sqlite3_column_int64(use.get(), 1));
            }
        }
        {
            StatementUse use(impl.m_coverageDelete);
            int rc = bindRange(use.get(), fromMs, toMs);
            if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
            if (rc != SQLITE_DONE) return impl.sqliteError(rc, what);
        }
        {
            StatementUse use(impl.m_coverageInsert);
            int rc = bindRange(use.get(), mergedFrom, mergedTo);
            if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
            if (rc != SQLITE_DONE) return impl.sqliteError(rc, what);
        }
        if (kind == CoverageKind::Complete) {
            // Candles stored where a gap was recorded (a gap re-checked with `cpc fetch --refetch`,
            // or an earlier answer that was wrong): the venue has candles there after all, so the
            // gap is cut back to what lies outside [fromMs, toMs).
            std::vector<std::pair<std::int64_t, std::int64_t>> gaps;
            {
                auto select = Statement::prepare(impl.db(),
                                                 "SELECT from_ms, to_ms FROM coverage WHERE series_id = ?1 AND "
                                                 "kind = 'gap' AND from_ms < ?3 AND to_ms > ?2");
                if (!select) return impl.prefixed(select.error());
                StatementUse use(*select);
                int rc = sqlite3_bind_int64(use.get(), 1, *id);
                if (rc == SQLITE_OK) rc = sqlite3_bind_int64(use.get(), 2, fromMs);
                if (rc == SQLITE_OK) rc = sqlite3_bind_int64(use.get(), 3, toMs);
                if (rc != SQLITE_OK) return impl.sqliteError(rc, what);
                while ((rc = sqlite3_step(use.get())) == SQLITE_ROW)
                    gaps.emplace_back(sqlite3_column_int64(use.get(), 0), sqlite3_column_int64(use.get(), 1));
                if (rc != SQLITE_DONE) return impl.sqliteError(rc, what);
            }
            for (const auto& [gapFrom, gapTo] : gaps) {
                std::string sql = "DELETE FROM coverage WHERE series_id = " + std::to_string(*id) +
                                  " AND kind = 'gap' AND from_ms = " + std::to_string(gapFrom) + ";";
                if (gapFrom < fromMs)
                    sql += "INSERT INTO coverage (series_id, kind, from_ms, to_ms) VALUES (" + std::to_string(*id) +
                           ", 'gap', " + std::to_string(gapFrom) + ", " + std::to_string(fromMs) + ");";
                if (gapTo > toMs)
                    sql += "INSERT INTO coverage (series_id, kind, from_ms, to_ms) VALUES (" + std::to_string(*id) +
                           ", 'gap', " + std::to_string(toMs) + ", " + std::to_string(gapTo) + ");";
                if (auto r = detail::execute(impl.db(), sql.c_str(), what); !r) return r.error();
            }
        }
        if (auto r = txn.commit(); !r) return impl.prefixed(r.error());
        impl.m_seriesIds.merge(created);
        return Ok{};
    });
}

Result<std::vector<CoverageRange>> CandleDatabase::coverage(const SeriesKey& key) {
    if (!m_impl) return closedError();
    return retrying([&]() -> Result<std::vector<CoverageRange>> {
        Impl& impl = *m_impl;
        auto id = impl.findSeriesId(key);
        if (!id) return id.error();
        std::vector<CoverageRange> ranges;
        if (!*id) return ranges;
        StatementUse use(impl.m_coverageSelect);
        if (const int rc = sqlite3_bind_int64(use.get(), 1, **id); rc != SQLITE_OK)
            return impl.sqliteError(rc, "reading coverage of " + toString(key));
        for (;;) {
            const int rc = sqlite3_step(use.get());
            if (rc == SQLITE_DONE) break;
            if (rc != SQLITE_ROW) return impl.sqliteError(rc, "reading coverage of " + toString(key));
            const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(use.get(), 0));
            const auto kind = parseCoverageKind(p != nullptr ? p : "");
            if (!kind) {
                impl.noteCorruption(toString(key) + ": unknown coverage kind");
                continue;
            }
            ranges.push_back(CoverageRange{sqlite3_column_int64(use.get(), 1),
                                           sqlite3_column_int64(use.get(), 2), *kind});
        }
        return ranges;
    });
}

Result<Ok> CandleDatabase::checkIntegrity() {
    if (!m_impl) return closedError();
    return retrying([&]() -> Result<Ok> {
        auto rows = detail::queryTextRows(m_impl->db(), "PRAGMA integrity_check",
                                          m_impl->m_path + ": integrity check", 20);
        if (!rows) return rows.error();
        if (*rows != "ok")
            return makeError(m_impl->m_path + ": integrity check failed: " + *rows, SQLITE_CORRUPT);
        return Ok{};
    });
}

int CandleDatabase::schemaVersion() const { return m_impl ? m_impl->m_schemaVersion : 0; }

const std::string& CandleDatabase::path() const {
    static const std::string kNone;
    return m_impl ? m_impl->m_path : kNone;
}

std::uint64_t CandleDatabase::skippedCorruptRows() const {
    return m_impl ? m_impl->m_skippedRows : 0;
}

const std::string& CandleDatabase::lastCorruption() const {
    static const std::string kNone;
    return m_impl ? m_impl->m_lastCorruption : kNone;
}

const std::vector<std::string>& CandleDatabase::corruptionNotes() const {
    static const std::vector<std::string> kNone;
    return m_impl ? m_impl->m_corruptionNotes : kNone;
}

}  // namespace cpc::storage
