#include "salvage.hpp"

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "candle_row.hpp"
#include "series_column.hpp"
#include "sqlite_util.hpp"

namespace cpc::storage::detail {

namespace {

using Key = std::int64_t;
// Seek positions are computed in 128 bits: from + distance may pass the int64 range.
__extension__ typedef __int128 Wide;
constexpr Key kMinKey = std::numeric_limits<Key>::min();
constexpr Key kMaxKey = std::numeric_limits<Key>::max();
// Candles written to the new file per transaction.
constexpr std::size_t kBatchCandles = 10'000;
// Skips one walk may make (each costs at most ~130 seeks). A table with more bad places than
// this is given up on at that point, so a salvage always ends.
constexpr int kMaxSkips = 10'000;
// Open-time step of candles whose series row is unreadable (the step only sizes the seeks and
// the estimate of lost rows).
constexpr Key kUnknownSeriesStepMs = 60'000;

// A failed read while salvaging: damage (and anything else that is not transient, e.g. "no such
// table" when the schema page is gone) is skipped past; a transient failure stops the salvage,
// which would otherwise drop rows that are fine.
Result<Ok> skippable(sqlite3* db, int rc, const std::string& what) {
    Error error = sqliteError(db, rc, what);
    if (errorKind(error) == StorageErrorKind::Transient) return error;
    return Ok{};
}

// Rows with key >= ?start in ascending key order. Other parameters are bound by the caller.
struct KeyedQuery {
    Statement select;
    Statement probe;  // the same rows, LIMIT 1: one b-tree descent
    int startParameter = 1;
    int keyColumn = 0;
    bool oneRowPerRun = false;  // `select` has LIMIT 1: run it again after every row
};

struct WalkOutcome {
    bool unreadable = false;  // some rows could not be reached
    bool tailLost = false;    // nothing past the last bad place could be reached
};

// Smallest start in (from, kMaxKey] from which a read works: seeks at from + step, + 2·step,
// + 4·step … until one works, then bisects back to within `step`. nullopt when none works.
Result<std::optional<Key>> nextReadableStart(sqlite3* db, KeyedQuery& query, Key from, Key step,
                                             const std::string& what) {
    auto readable = [&](Key start) -> Result<bool> {
        sqlite3_stmt* probe = query.probe.get();
        sqlite3_reset(probe);
        sqlite3_bind_int64(probe, query.startParameter, start);
        const int rc = sqlite3_step(probe);
        sqlite3_reset(probe);
        if (rc == SQLITE_ROW || rc == SQLITE_DONE) return true;
        if (auto r = skippable(db, rc, what); !r) return r.error();
        return false;
    };
    Wide bad = from;
    Wide good = 0;
    for (Wide distance = step;; distance *= 2) {
        const Wide candidate = static_cast<Wide>(from) + distance;
        if (candidate > kMaxKey) return std::optional<Key>();
        auto ok = readable(static_cast<Key>(candidate));
        if (!ok) return ok.error();
        if (*ok) {
            good = candidate;
            break;
        }
        bad = candidate;
    }
    while (good - bad > step) {
        const Wide middle = bad + (good - bad) / 2;
        auto ok = readable(static_cast<Key>(middle));
        if (!ok) return ok.error();
        (*ok ? good : bad) = middle;
    }
    return std::optional<Key>(static_cast<Key>(good));
}

// Calls onRow for every row the query can still reach, in key order, and onGap(last key read
// before a bad place (if any), first key read after it) for every bad place skipped.
Result<WalkOutcome> walk(sqlite3* db, KeyedQuery& query, Key step, const std::string& what,
                         const std::function<Result<Ok>(sqlite3_stmt*)>& onRow,
                         const std::function<void(std::optional<Key>, Key)>& onGap) {
    WalkOutcome outcome;
    Key cursor = kMinKey;
    std::optional<Key> lastRead;
    bool afterGap = false;
    sqlite3_stmt* select = query.select.get();
    for (int skips = 0;;) {
        sqlite3_reset(select);
        sqlite3_bind_int64(select, query.startParameter, cursor);
        int rc = SQLITE_DONE;
        bool finished = false;
        while ((rc = sqlite3_step(select)) == SQLITE_ROW) {
            const Key key = sqlite3_column_int64(select, query.keyColumn);
            if (key < cursor) continue;  // a damaged page may hold keys out of order
            if (afterGap) onGap(lastRead, key);
            afterGap = false;
            if (auto r = onRow(select); !r) {
                sqlite3_reset(select);
                return r.error();
            }
            lastRead = key;
            if (key == kMaxKey) {
                finished = true;
                break;
            }
            cursor = key + 1;
            if (query.oneRowPerRun) break;
        }
        sqlite3_reset(select);
        if (finished || rc == SQLITE_DONE) return outcome;
        if (rc == SQLITE_ROW) continue;  // oneRowPerRun: the next row from the new cursor
        if (auto r = skippable(db, rc, what); !r) return r.error();
        outcome.unreadable = true;
        if (++skips > kMaxSkips) {
            outcome.tailLost = true;
            return outcome;
        }
        auto next = nextReadableStart(db, query, cursor, step, what);
        if (!next) return next.error();
        if (!*next) {
            outcome.tailLost = true;
            return outcome;
        }
        cursor = **next;
        afterGap = true;
    }
}

// Prepares a query of the damaged file. nullopt: the table cannot be read at all (damaged or
// missing schema), which is damage to report, not an error; Error: a transient failure.
Result<std::optional<Statement>> prepareSource(sqlite3* db, const char* sql,
                                               const std::string& what) {
    auto statement = Statement::prepare(db, sql);
    if (statement) return std::optional<Statement>(std::move(*statement));
    if (auto r = skippable(db, statement.error().code, what); !r) return r.error();
    return std::optional<Statement>();
}

Result<std::optional<KeyedQuery>> prepareKeyed(sqlite3* db, const char* select, const char* probe,
                                               int startParameter, const std::string& what) {
    auto s = prepareSource(db, select, what);
    if (!s) return s.error();
    auto p = prepareSource(db, probe, what);
    if (!p) return p.error();
    if (!*s || !*p) return std::optional<KeyedQuery>();
    KeyedQuery query;
    query.select = std::move(**s);
    query.probe = std::move(**p);
    query.startParameter = startParameter;
    return std::optional<KeyedQuery>(std::move(query));
}

std::string columnText(sqlite3_stmt* statement, int column) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
    return text != nullptr ? text : "";
}

}  // namespace

Result<Ok> copyReadableRows(sqlite3* source, const std::string& sourcePath,
                            CandleDatabase& target, SalvageReport& report) {
    const std::string what = sourcePath + ": salvaging";

    // 1. The series table: id → key.
    std::map<std::int64_t, SeriesKey> series;
    {
        auto query = prepareKeyed(
            source,
            "SELECT series_id, exchange, symbol, interval FROM series WHERE series_id >= ?1 "
            "ORDER BY series_id",
            "SELECT series_id FROM series WHERE series_id >= ?1 ORDER BY series_id LIMIT 1", 1,
            what + " the series table");
        if (!query) return query.error();
        if (!*query) {
            report.unreadablePages = true;
        } else {
            auto walked = walk(
                source, **query, 1, what + " the series table",
                [&series](sqlite3_stmt* s) -> Result<Ok> {
                    const auto interval = parseInterval(columnText(s, 3));
                    SeriesKey key = keyOfColumns(columnText(s, 1), columnText(s, 2), interval.value_or(Interval::M1));
                    // A row that does not name a series leaves its candles unattributable.
                    if (interval && !key.exchange.empty() && !key.symbol.empty())
                        series.emplace(sqlite3_column_int64(s, 0), std::move(key));
                    return Ok{};
                },
                [](std::optional<Key>, Key) {});
            if (!walked) return walked.error();
            if (walked->unreadable) report.unreadablePages = true;
        }
    }

    // 2. Which series have candles: every named one, and any other id the candles hold (one
    // descent per id; a bad page can hide ids from this walk, hence the named ones too).
    std::set<std::int64_t> candleSeries;
    for (const auto& entry : series) candleSeries.insert(entry.first);
    {
        auto query = prepareKeyed(
            source, "SELECT series_id FROM candles WHERE series_id >= ?1 ORDER BY series_id LIMIT 1",
            "SELECT series_id FROM candles WHERE series_id >= ?1 ORDER BY series_id LIMIT 1", 1,
            what + " the candles table");
        if (!query) return query.error();
        if (!*query) {
            report.unreadablePages = true;
        } else {
            (*query)->oneRowPerRun = true;
            auto walked = walk(
                source, **query, 1, what + " the candles table",
                [&candleSeries](sqlite3_stmt* s) -> Result<Ok> {
                    candleSeries.insert(sqlite3_column_int64(s, 0));
                    return Ok{};
                },
                [](std::optional<Key>, Key) {});
            if (!walked) return walked.error();
            if (walked->unreadable) report.unreadablePages = true;
        }
    }

    // 3. The candles of each series, walked by open time.
    std::set<std::int64_t> seriesWritten;
    std::set<std::int64_t> seriesWithLoss;
    for (const std::int64_t id : candleSeries) {
        const auto known = series.find(id);
        const SeriesKey* key = known != series.end() ? &known->second : nullptr;
        const std::string walkWhat =
            what + " candles of " + (key != nullptr ? toString(*key) : "series " + std::to_string(id));
        auto query = prepareKeyed(
            source,
            (std::string("SELECT ") + kCandleColumns +
             " FROM candles WHERE series_id = ?1 AND open_time >= ?2 ORDER BY open_time")
                .c_str(),
            "SELECT open_time FROM candles WHERE series_id = ?1 AND open_time >= ?2 "
            "ORDER BY open_time LIMIT 1",
            2, walkWhat);
        if (!query) return query.error();
        if (!*query) {
            report.unreadablePages = true;
            seriesWithLoss.insert(id);
            continue;
        }
        sqlite3_bind_int64((*query)->select.get(), 1, id);
        sqlite3_bind_int64((*query)->probe.get(), 1, id);
        const Key step = key != nullptr ? nominalMs(key->interval) : kUnknownSeriesStepMs;

        std::vector<Candle> batch;
        bool lost = false;
        auto flush = [&]() -> Result<Ok> {
            if (batch.empty()) return Ok{};
            auto written = target.upsert(*key, batch);
            if (!written) return written.error();
            report.candlesKept += batch.size();
            seriesWritten.insert(id);
            batch.clear();
            return Ok{};
        };
        auto walked = walk(
            source, **query, step, walkWhat,
            [&](sqlite3_stmt* s) -> Result<Ok> {
                Candle candle;
                if (key == nullptr || detail::decodeCandle(s, candle)) {
                    ++report.candlesLost;
                    lost = true;
                    return Ok{};
                }
                batch.push_back(candle);
                if (batch.size() >= kBatchCandles) return flush();
                return Ok{};
            },
            [&](std::optional<Key> before, Key after) {
                lost = true;
                // The rows the skipped span could hold, one per interval (an estimate: series
                // have gaps, and calendar intervals vary in length).
                if (before && after > *before)
                    report.candlesLost +=
                        static_cast<std::uint64_t>((after - *before) / step - 1 > 0
                                                       ? (after - *before) / step - 1
                                                       : 0);
            });
        if (!walked) return walked.error();
        if (auto r = flush(); !r) return r.error();
        if (walked->unreadable) {
            report.unreadablePages = true;
            lost = true;
        }
        if (lost) seriesWithLoss.insert(id);
    }

    // 4. Coverage of each named series. A `complete` range of a series that lost candles is not
    // copied: it would tell the app that nothing there needs downloading.
    auto coverageQuery = prepareSource(
        source, "SELECT kind, from_ms, to_ms FROM coverage WHERE series_id = ?1 ORDER BY kind, from_ms",
        what + " the coverage table");
    if (!coverageQuery) return coverageQuery.error();
    if (!*coverageQuery && !series.empty()) {
        report.unreadablePages = true;
    } else if (*coverageQuery) {
        sqlite3_stmt* s = (*coverageQuery)->get();
        for (const auto& [id, key] : series) {
            sqlite3_reset(s);
            sqlite3_bind_int64(s, 1, id);
            struct Range {
                std::string kind;
                std::int64_t from, to;
            };
            std::vector<Range> ranges;
            int rc = SQLITE_DONE;
            while ((rc = sqlite3_step(s)) == SQLITE_ROW)
                ranges.push_back({columnText(s, 0), sqlite3_column_int64(s, 1),
                                  sqlite3_column_int64(s, 2)});
            sqlite3_reset(s);
            if (rc != SQLITE_DONE) {
                if (auto r = skippable(source, rc, what + " coverage of " + toString(key)); !r)
                    return r.error();
                report.unreadablePages = true;
                ++report.coverageDropped;  // at least the unreadable part
            }
            for (const Range& range : ranges) {
                const bool complete = range.kind == "complete";
                if ((!complete && range.kind != "gap") || range.from >= range.to ||
                    (complete && seriesWithLoss.count(id) > 0)) {
                    ++report.coverageDropped;
                    continue;
                }
                auto recorded = target.recordCoverage(
                    key, range.from, range.to, complete ? CoverageKind::Complete : CoverageKind::Gap);
                if (!recorded) return recorded.error();
                ++report.coverageKept;
                seriesWritten.insert(id);
            }
        }
    }
    report.seriesKept = seriesWritten.size();
    return Ok{};
}

}  // namespace cpc::storage::detail
