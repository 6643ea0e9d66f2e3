#include "schema.hpp"

#include <array>

#include "sqlite_util.hpp"

namespace cpc::storage::detail {

namespace {

// Version 1.
//
// Decimal columns (prices, volumes) are STRICT `ANY` columns holding the exact value in one of two
// forms, chosen per value when writing:
//   INTEGER  the Decimal's count of 1e-8 units, when it fits in 64 bits (|v| < ~9.2e10). That is
//            every price and almost every volume: 1-8 bytes on disk instead of a ~17-byte string.
//   TEXT     Binance's fixed 8-decimal form ("123456789012345.12345678") otherwise. Base volumes
//            of cheap coins (e.g. 1e13 SHIB in one candle) exceed 64-bit units.
// Both decode exactly to the same Decimal; REAL never appears (a double would round). STRICT
// keeps `ANY` values as written (a non-STRICT NUMERIC column would turn "0.1" into a REAL) and
// enforces the INTEGER/TEXT columns. Requires SQLite >= 3.37.
//
// series: one row per (exchange, symbol, interval); candles and coverage refer to its small
// integer id, so the 1M-row candles table does not repeat "binance","BTCUSDT","1m" per row.
// interval is Binance's spelling ("1m" minute, "1M" month; BINARY collation keeps them apart).
//
// candles: WITHOUT ROWID clustered on (series_id, open_time): range and latest-N queries read one
// contiguous b-tree run, and there is no separate rowid index to maintain.
//
// coverage: half-open [from_ms, to_ms) ranges per series and kind ('complete' | 'gap'); ranges of
// one kind never overlap or touch (recordCoverage merges them).
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE series (
    series_id INTEGER PRIMARY KEY,
    exchange  TEXT NOT NULL,
    symbol    TEXT NOT NULL,
    interval  TEXT NOT NULL,
    UNIQUE (exchange, symbol, interval)
) STRICT;

CREATE TABLE candles (
    series_id       INTEGER NOT NULL REFERENCES series (series_id) ON DELETE CASCADE,
    open_time       INTEGER NOT NULL,
    open            ANY NOT NULL,
    high            ANY NOT NULL,
    low             ANY NOT NULL,
    close           ANY NOT NULL,
    volume          ANY NOT NULL,
    quote_volume    ANY NOT NULL,
    trades          INTEGER NOT NULL,
    taker_buy_base  ANY NOT NULL,
    taker_buy_quote ANY NOT NULL,
    closed          INTEGER NOT NULL CHECK (closed IN (0, 1)),
    PRIMARY KEY (series_id, open_time)
) STRICT, WITHOUT ROWID;

CREATE TABLE coverage (
    series_id INTEGER NOT NULL REFERENCES series (series_id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('complete', 'gap')),
    from_ms   INTEGER NOT NULL,
    to_ms     INTEGER NOT NULL CHECK (to_ms > from_ms),
    PRIMARY KEY (series_id, kind, from_ms)
) STRICT, WITHOUT ROWID;
)sql";

constexpr std::array kMigrations{
    Migration{1, "series, candles and coverage tables", kSchemaV1},
};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

std::string newerSchemaMessage(const std::string& path, int found, int supported) {
    return path + ": database schema version " + std::to_string(found) +
           " is newer than this build supports (" + std::to_string(supported) +
           "); it was written by a newer CanvasProChart. The file was left unchanged: run a newer "
           "build, or move the file away to start a new cache.";
}

Result<int> readSchemaVersion(sqlite3* db, const std::string& path) {
    auto version = queryInt(db, "PRAGMA user_version", path + ": reading the schema version");
    if (!version) return version.error();
    return static_cast<int>(*version);
}

Result<int> migrate(sqlite3* db, const std::string& path, std::span<const Migration> steps) {
    for (std::size_t i = 0; i < steps.size(); ++i) {
        if (steps[i].version != static_cast<int>(i) + 1)
            return makeError(path + ": internal error: migration " + std::to_string(i) +
                             " has version " + std::to_string(steps[i].version) + ", expected " +
                             std::to_string(i + 1));
    }
    const int target = static_cast<int>(steps.size());

    auto version = readSchemaVersion(db, path);
    if (!version) return version.error();
    if (*version > target) return makeError(newerSchemaMessage(path, *version, target));
    if (*version < 0)
        return makeError(path + ": invalid schema version " + std::to_string(*version),
                         SQLITE_CORRUPT);

    while (*version < target) {
        const Migration& step = steps[static_cast<std::size_t>(*version)];
        const std::string what = path + ": migrating to schema version " +
                                 std::to_string(step.version) + " (" + step.description + ")";
        Transaction txn(db);
        if (auto r = txn.begin(); !r) return r.error();
        // Another process may have migrated while we waited for the write lock.
        auto current = readSchemaVersion(db, path);
        if (!current) return current.error();
        if (*current > target) return makeError(newerSchemaMessage(path, *current, target));
        if (*current != *version) {
            version = *current;
            continue;  // txn rolls back (it wrote nothing); re-plan from the new version
        }
        if (auto r = execute(db, step.sql, what); !r) return r.error();
        const std::string setVersion = "PRAGMA user_version = " + std::to_string(step.version);
        if (auto r = execute(db, setVersion.c_str(), what); !r) return r.error();
        if (auto r = txn.commit(); !r)
            return makeError(what + ": " + r.error().message, r.error().code);
        version = step.version;
    }
    return *version;
}

}  // namespace cpc::storage::detail
