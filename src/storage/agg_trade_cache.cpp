#include "cpc/storage/agg_trade_cache.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <limits>

#include "cpc/core/time.hpp"
#include "sqlite_util.hpp"

namespace cpc::storage {

using detail::Connection;
using detail::Statement;
using detail::StatementUse;
using detail::Transaction;
using detail::sqliteError;

namespace {

// "CPCA": tells our trade cache from any other SQLite file (the candle cache's among them).
constexpr int kApplicationId = 0x43504341;

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS agg_trade_series(id INTEGER PRIMARY KEY, venue TEXT NOT NULL, market TEXT NOT NULL,"
    " symbol TEXT NOT NULL, UNIQUE(venue, market, symbol));"
    "CREATE TABLE IF NOT EXISTS agg_trades(series INTEGER NOT NULL, id INTEGER NOT NULL, time INTEGER NOT NULL,"
    " price TEXT NOT NULL, qty TEXT NOT NULL, first_id INTEGER NOT NULL, last_id INTEGER NOT NULL,"
    " buyer_maker INTEGER NOT NULL, PRIMARY KEY(series, id)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS agg_trades_by_time ON agg_trades(series, time);"
    "CREATE TABLE IF NOT EXISTS agg_trade_coverage(series INTEGER NOT NULL, from_ms INTEGER NOT NULL,"
    " to_ms INTEGER NOT NULL, PRIMARY KEY(series, from_ms)) WITHOUT ROWID;";

bool isDamage(int code) {
    const int primary = code & 0xFF;
    return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB || primary == SQLITE_FORMAT;
}

std::string stamp(std::int64_t ms) {
    std::string s = formatUtc(ms);  // "2026-12-06 10:05:00"
    std::string out;
    for (const char c : s)
        if (c >= '0' && c <= '9') out += c;
    return out.substr(0, 8) + "T" + out.substr(8) + "Z";
}

std::vector<TimeRange> merged(std::vector<TimeRange> ranges) {
    std::sort(ranges.begin(), ranges.end(), [](const auto& a, const auto& b) { return a.fromMs < b.fromMs; });
    std::vector<TimeRange> out;
    for (const TimeRange& r : ranges) {
        if (r.fromMs >= r.toMs) continue;
        if (!out.empty() && r.fromMs <= out.back().toMs) out.back().toMs = std::max(out.back().toMs, r.toMs);
        else out.push_back(r);
    }
    return out;
}

std::optional<Error> checkTrades(TimeRange range, std::span<const exchange::TradeTick> trades) {
    if (range.fromMs >= range.toMs) return makeError("an empty time range");
    for (std::size_t i = 0; i < trades.size(); ++i) {
        const auto& t = trades[i];
        const std::string which = "trade " + std::to_string(i) + " (id " + std::to_string(t.tradeId) + ")";
        if (t.timeMs < range.fromMs || t.timeMs >= range.toMs)
            return makeError(which + " at " + formatUtc(t.timeMs, true) + " is outside the range stored");
        if (t.price <= Decimal{} || t.quantity <= Decimal{}) return makeError(which + " has no positive price and quantity");
        if (t.firstTradeId > t.lastTradeId) return makeError(which + " covers trades " + std::to_string(t.firstTradeId) +
                                                             ".." + std::to_string(t.lastTradeId));
        if (i > 0 && t.tradeId <= trades[i - 1].tradeId) return makeError(which + ": ids not ascending");
    }
    return std::nullopt;
}

}  // namespace

struct AggTradeCache::Impl {
    std::string path;
    Connection db;

    Error error(int rc, const std::string& what) const { return sqliteError(db.get(), rc, path + ": " + what); }

    Result<Ok> exec(const char* sql, const std::string& what) {
        const int rc = sqlite3_exec(db.get(), sql, nullptr, nullptr, nullptr);
        if (rc != SQLITE_OK) return error(rc, what);
        return Ok{};
    }
    Result<std::int64_t> pragmaInt(const char* sql) const {
        auto st = Statement::prepare(db.get(), sql);
        if (!st) return error(st.error().code, sql);
        const int rc = sqlite3_step(st->get());
        if (rc != SQLITE_ROW) return error(rc, sql);
        return static_cast<std::int64_t>(sqlite3_column_int64(st->get(), 0));
    }

    // The series id; 0 when not known and !create.
    Result<std::int64_t> seriesId(const AggTradeKey& key, bool create) {
        auto find = Statement::prepare(db.get(), "SELECT id FROM agg_trade_series WHERE venue=? AND market=? AND symbol=?");
        if (!find) return error(find.error().code, "reading the symbols");
        sqlite3_bind_text(find->get(), 1, key.venue.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(find->get(), 2, key.market.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(find->get(), 3, key.symbol.c_str(), -1, SQLITE_TRANSIENT);
        const int rc = sqlite3_step(find->get());
        if (rc == SQLITE_ROW) return static_cast<std::int64_t>(sqlite3_column_int64(find->get(), 0));
        if (rc != SQLITE_DONE) return error(rc, "reading the symbols");
        if (!create) return std::int64_t{0};
        auto insert = Statement::prepare(db.get(), "INSERT INTO agg_trade_series(venue, market, symbol) VALUES(?,?,?)");
        if (!insert) return error(insert.error().code, "adding a symbol");
        sqlite3_bind_text(insert->get(), 1, key.venue.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert->get(), 2, key.market.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert->get(), 3, key.symbol.c_str(), -1, SQLITE_TRANSIENT);
        if (const int r = sqlite3_step(insert->get()); r != SQLITE_DONE) return error(r, "adding a symbol");
        return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db.get()));
    }

    Result<std::vector<TimeRange>> ranges(std::int64_t series) const {
        std::vector<TimeRange> out;
        if (series == 0) return out;
        auto st = Statement::prepare(db.get(), "SELECT from_ms, to_ms FROM agg_trade_coverage WHERE series=? ORDER BY from_ms");
        if (!st) return error(st.error().code, "reading the ranges held");
        sqlite3_bind_int64(st->get(), 1, series);
        for (int rc; (rc = sqlite3_step(st->get())) != SQLITE_DONE;) {
            if (rc != SQLITE_ROW) return error(rc, "reading the ranges held");
            out.push_back({sqlite3_column_int64(st->get(), 0), sqlite3_column_int64(st->get(), 1)});
        }
        return out;
    }

    Result<std::vector<exchange::TradeTick>> trades(std::int64_t series, std::int64_t fromMs, std::int64_t toMs,
                                                    const AggTradeKey& key, bool* someUnreadable = nullptr) const {
        std::vector<exchange::TradeTick> out;
        if (series == 0) return out;
        auto st = Statement::prepare(db.get(), "SELECT id, time, price, qty, first_id, last_id, buyer_maker FROM agg_trades"
                                               " WHERE series=? AND time>=? AND time<? ORDER BY id");
        if (!st) return error(st.error().code, "reading trades");
        sqlite3_bind_int64(st->get(), 1, series);
        sqlite3_bind_int64(st->get(), 2, fromMs);
        sqlite3_bind_int64(st->get(), 3, toMs);
        for (int rc; (rc = sqlite3_step(st->get())) != SQLITE_DONE;) {
            if (rc != SQLITE_ROW) return error(rc, "reading trades");
            exchange::TradeTick t;
            t.exchange = key.venue;
            t.symbol = key.symbol;
            t.aggregate = true;
            t.tradeId = sqlite3_column_int64(st->get(), 0);
            t.timeMs = sqlite3_column_int64(st->get(), 1);
            const auto* price = reinterpret_cast<const char*>(sqlite3_column_text(st->get(), 2));
            const auto* qty = reinterpret_cast<const char*>(sqlite3_column_text(st->get(), 3));
            const auto p = price ? Decimal::parse(price) : std::nullopt;
            const auto q = qty ? Decimal::parse(qty) : std::nullopt;
            t.firstTradeId = sqlite3_column_int64(st->get(), 4);
            t.lastTradeId = sqlite3_column_int64(st->get(), 5);
            t.buyerIsMaker = sqlite3_column_int(st->get(), 6) != 0;
            if (!p || !q || *p <= Decimal{} || *q <= Decimal{}) {
                if (someUnreadable) {
                    *someUnreadable = true;
                    continue;
                }
                return makeError(path + ": trade " + std::to_string(t.tradeId) + " of " + key.symbol +
                                 " holds no valid price and quantity (the cache is damaged)");
            }
            t.price = *p;
            t.quantity = *q;
            out.push_back(std::move(t));
        }
        return out;
    }

    Result<Ok> write(std::int64_t series, TimeRange range, std::span<const exchange::TradeTick> trades) {
        auto insert = Statement::prepare(db.get(), "INSERT OR REPLACE INTO agg_trades(series, id, time, price, qty, first_id,"
                                                   " last_id, buyer_maker) VALUES(?,?,?,?,?,?,?,?)");
        if (!insert) return error(insert.error().code, "saving trades");
        for (const auto& t : trades) {
            StatementUse use(*insert);
            const std::string price = t.price.toString(), qty = t.quantity.toString();
            sqlite3_bind_int64(use.get(), 1, series);
            sqlite3_bind_int64(use.get(), 2, t.tradeId);
            sqlite3_bind_int64(use.get(), 3, t.timeMs);
            sqlite3_bind_text(use.get(), 4, price.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(use.get(), 5, qty.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(use.get(), 6, t.firstTradeId);
            sqlite3_bind_int64(use.get(), 7, t.lastTradeId);
            sqlite3_bind_int(use.get(), 8, t.buyerIsMaker ? 1 : 0);
            if (const int rc = sqlite3_step(use.get()); rc != SQLITE_DONE) return error(rc, "saving trades");
        }
        auto held = ranges(series);
        if (!held) return held.error();
        held->push_back(range);
        const auto all = merged(std::move(*held));
        auto clear = Statement::prepare(db.get(), "DELETE FROM agg_trade_coverage WHERE series=?");
        if (!clear) return error(clear.error().code, "saving the ranges held");
        sqlite3_bind_int64(clear->get(), 1, series);
        if (const int rc = sqlite3_step(clear->get()); rc != SQLITE_DONE) return error(rc, "saving the ranges held");
        auto add = Statement::prepare(db.get(), "INSERT INTO agg_trade_coverage(series, from_ms, to_ms) VALUES(?,?,?)");
        if (!add) return error(add.error().code, "saving the ranges held");
        for (const TimeRange& r : all) {
            StatementUse use(*add);
            sqlite3_bind_int64(use.get(), 1, series);
            sqlite3_bind_int64(use.get(), 2, r.fromMs);
            sqlite3_bind_int64(use.get(), 3, r.toMs);
            if (const int rc = sqlite3_step(use.get()); rc != SQLITE_DONE) return error(rc, "saving the ranges held");
        }
        return Ok{};
    }
};

namespace {

// Opens and checks `path`; damage comes back as an Error whose code is SQLITE_CORRUPT or NOTADB.
Result<std::unique_ptr<AggTradeCache::Impl>> openChecked(const std::string& path, bool readOnly) {
    auto impl = std::make_unique<AggTradeCache::Impl>();
    impl->path = path;
    sqlite3* raw = nullptr;
    const int flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    impl->db.reset(raw);
    if (rc != SQLITE_OK) return sqliteError(raw, rc, "opening the trade cache " + path);
    sqlite3_busy_timeout(raw, 5000);
    sqlite3_extended_result_codes(raw, 1);
    // The header is read by the first statement: a file that is not a database fails here.
    auto app = impl->pragmaInt("PRAGMA application_id");
    if (!app) return app.error();
    auto version = impl->pragmaInt("PRAGMA user_version");
    if (!version) return version.error();
    auto tables = impl->pragmaInt("SELECT count(*) FROM sqlite_master");
    if (!tables) return tables.error();
    if (*tables > 0 && *app != kApplicationId)
        return makeError(path + " is not a trade cache (another program's database)", SQLITE_NOTADB);
    if (*version > AggTradeCache::kSchemaVersion)
        return makeError(path + " was written by a newer CanvasProChart (trade cache version " + std::to_string(*version) +
                         "); it was left untouched");
    // A session that did not close the file cleanly left its -wal: check every page then.
    std::error_code ec;
    if (std::filesystem::exists(path + "-wal", ec)) {
        auto st = Statement::prepare(raw, "PRAGMA quick_check");
        if (!st) return st.error();
        const int r = sqlite3_step(st->get());
        if (r != SQLITE_ROW) return sqliteError(raw, r, "checking " + path);
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st->get(), 0));
        if (!text || std::string(text) != "ok")
            return makeError(path + " failed its check: " + (text ? text : "?"), SQLITE_CORRUPT);
    }
    if (readOnly) return impl;
    if (*tables == 0) {
        if (auto ok = impl->exec("PRAGMA journal_mode=WAL", "switching to WAL"); !ok) return ok.error();
        const std::string init = "PRAGMA application_id=" + std::to_string(kApplicationId) +
                                 "; PRAGMA user_version=" + std::to_string(AggTradeCache::kSchemaVersion) + ";";
        if (auto ok = impl->exec(init.c_str(), "creating the trade cache"); !ok) return ok.error();
    }
    if (auto ok = impl->exec(kSchema, "creating the trade cache's tables"); !ok) return ok.error();
    // Every table must be ours and readable (a damaged schema fails here).
    for (const char* sql : {"SELECT count(*) FROM agg_trade_series", "SELECT count(*) FROM agg_trade_coverage"})
        if (auto n = impl->pragmaInt(sql); !n) return n.error();
    return impl;
}

}  // namespace

Result<AggTradeCache> AggTradeCache::open(const std::string& path, std::string* notice) {
    if (notice) notice->clear();
    auto opened = openChecked(path, false);
    if (opened) return AggTradeCache(std::move(*opened));
    if (!isDamage(opened.error().code)) return opened.error();
    const std::string reason = opened.error().message;
    opened = Result<std::unique_ptr<Impl>>(makeError("closed"));  // the damaged file's connection is closed

    // Damaged: move it aside (kept), then copy what can be read into a fresh file.
    namespace fs = std::filesystem;
    std::error_code ec;
    std::string aside = path + ".corrupt-" + stamp(nowMs());
    for (int n = 2; fs::exists(aside, ec); ++n) aside = path + ".corrupt-" + stamp(nowMs()) + "-" + std::to_string(n);
    fs::rename(path, aside, ec);
    if (ec) return makeError(path + " is damaged (" + reason + ") and cannot be moved aside: " + ec.message());
    for (const char* suffix : {"-wal", "-shm", "-journal"})
        if (fs::exists(path + suffix, ec)) {
            fs::rename(path + suffix, aside + suffix, ec);
            if (ec) fs::remove(path + suffix, ec);
        }
    auto fresh = openChecked(path, false);
    if (!fresh) return fresh.error();
    AggTradeCache cache(std::move(*fresh));

    std::uint64_t kept = 0, symbols = 0, symbolsPartly = 0;
    sqlite3* old = nullptr;
    if (sqlite3_open_v2(aside.c_str(), &old, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) == SQLITE_OK) {
        Impl reader;
        reader.path = aside;
        reader.db.reset(old);
        std::vector<std::pair<std::int64_t, AggTradeKey>> series;
        if (auto st = Statement::prepare(old, "SELECT id, venue, market, symbol FROM agg_trade_series")) {
            for (int rc; (rc = sqlite3_step(st->get())) == SQLITE_ROW;) {
                const auto text = [&](int col) {
                    const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st->get(), col));
                    return std::string(t ? t : "");
                };
                series.emplace_back(sqlite3_column_int64(st->get(), 0), AggTradeKey{text(1), text(2), text(3)});
            }
        }
        for (const auto& [id, key] : series) {
            bool unreadable = false;
            auto rows = reader.trades(id, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max(),
                                      key, &unreadable);
            if (!rows) continue;  // nothing of this symbol can be read: it is fetched again
            auto held = reader.ranges(id);
            // Coverage only when every trade was read: a hole would otherwise pass for no trading.
            const bool whole = !unreadable && held;
            Transaction tx(cache.m_impl->db.get());
            if (!tx.begin()) break;
            auto newId = cache.m_impl->seriesId(key, true);
            if (!newId) break;
            bool ok = true;
            if (whole)
                for (const TimeRange& r : *held) {
                    std::vector<exchange::TradeTick> part;
                    for (const auto& t : *rows)
                        if (t.timeMs >= r.fromMs && t.timeMs < r.toMs) part.push_back(t);
                    ok = ok && cache.m_impl->write(*newId, r, part).ok();
                }
            if (!ok || !tx.commit()) break;
            ++symbols;
            if (whole) kept += rows->size();
            else ++symbolsPartly;
        }
    }
    if (notice)
        *notice = "The trade cache " + path + " was damaged (" + reason + "); it was moved to " + aside + " and " +
                  std::to_string(kept) + " trades of " + std::to_string(symbols - symbolsPartly) +
                  " symbols were kept" +
                  (symbolsPartly ? "; " + std::to_string(symbolsPartly) + " symbols will be fetched again" : std::string());
    return cache;
}

AggTradeCache::AggTradeCache(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
AggTradeCache::AggTradeCache(AggTradeCache&&) noexcept = default;
AggTradeCache& AggTradeCache::operator=(AggTradeCache&&) noexcept = default;
AggTradeCache::~AggTradeCache() = default;

const std::string& AggTradeCache::path() const { return m_impl->path; }

Result<Ok> AggTradeCache::store(const AggTradeKey& key, TimeRange range, std::span<const exchange::TradeTick> trades) {
    if (auto bad = checkTrades(range, trades))
        return makeError(m_impl->path + ": " + key.symbol + " trades of " + formatUtc(range.fromMs, true) +
                         " refused, nothing stored: " + bad->message);
    Transaction tx(m_impl->db.get());
    if (auto ok = tx.begin(); !ok) return makeError(m_impl->path + ": " + ok.error().message, ok.error().code);
    auto series = m_impl->seriesId(key, true);
    if (!series) return series.error();
    if (auto ok = m_impl->write(*series, range, trades); !ok) return ok.error();
    if (auto ok = tx.commit(); !ok) return makeError(m_impl->path + ": " + ok.error().message, ok.error().code);
    return Ok{};
}

Result<std::vector<exchange::TradeTick>> AggTradeCache::load(const AggTradeKey& key, std::int64_t fromMs,
                                                             std::int64_t toMs) const {
    auto series = m_impl->seriesId(key, false);
    if (!series) return series.error();
    return m_impl->trades(*series, fromMs, toMs, key);
}

Result<std::vector<TimeRange>> AggTradeCache::coverage(const AggTradeKey& key) const {
    auto series = m_impl->seriesId(key, false);
    if (!series) return series.error();
    return m_impl->ranges(*series);
}

Result<std::vector<TimeRange>> AggTradeCache::missing(const AggTradeKey& key, std::int64_t fromMs,
                                                      std::int64_t toMs) const {
    auto held = coverage(key);
    if (!held) return held.error();
    std::vector<TimeRange> out;
    std::int64_t at = fromMs;
    for (const TimeRange& r : *held) {
        if (r.toMs <= at) continue;
        if (r.fromMs >= toMs) break;
        if (r.fromMs > at) out.push_back({at, r.fromMs});
        at = std::max(at, r.toMs);
    }
    if (at < toMs) out.push_back({at, toMs});
    return out;
}

}  // namespace cpc::storage
