#include "cpc/alerts/alert_store.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <utility>

#include "cpc/storage/data_paths.hpp"

namespace cpc::alerts {

namespace {

// 'CPCA' in the file header (PRAGMA application_id): how a file says it is an alert database.
constexpr int kApplicationId = 0x43504341;
constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE alerts(
  id INTEGER PRIMARY KEY,
  exchange TEXT NOT NULL,
  symbol TEXT NOT NULL,
  interval TEXT NOT NULL,
  condition TEXT NOT NULL,
  evaluation TEXT NOT NULL,
  frequency TEXT NOT NULL,
  expires_ms INTEGER,
  message TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL,
  paused INTEGER NOT NULL DEFAULT 0,
  done INTEGER NOT NULL DEFAULT 0,
  fire_count INTEGER NOT NULL DEFAULT 0,
  last_fired_ms INTEGER,
  last_fired_bar INTEGER,
  seen_through_ms INTEGER NOT NULL
);
CREATE TABLE triggers(
  id INTEGER PRIMARY KEY,
  alert_id INTEGER NOT NULL,
  time_ms INTEGER NOT NULL,
  bar_open_ms INTEGER NOT NULL,
  detected_ms INTEGER NOT NULL,
  exchange TEXT NOT NULL,
  symbol TEXT NOT NULL,
  interval TEXT NOT NULL,
  condition TEXT NOT NULL,
  price REAL NOT NULL,
  late INTEGER NOT NULL,
  message TEXT NOT NULL DEFAULT ''
);
CREATE INDEX triggers_by_alert ON triggers(alert_id, time_ms);
)sql";

struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Connection = std::unique_ptr<sqlite3, Closer>;

Error sqlError(sqlite3* db, int rc, const std::string& what) {
    return makeError(what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)), rc & 0xff);
}

// A prepared statement, reset when it leaves scope (an un-reset SELECT would hold its read
// transaction open).
class Stmt {
public:
    Stmt(sqlite3* db, const char* sql) : m_db(db) {
        m_prepared = sqlite3_prepare_v2(db, sql, -1, &m_stmt, nullptr) == SQLITE_OK;
        m_rc = sqlite3_errcode(db);
    }
    ~Stmt() { sqlite3_finalize(m_stmt); }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    bool ok() const { return m_prepared; }
    Error error(const std::string& what) const { return sqlError(m_db, m_rc, what); }
    sqlite3_stmt* get() const { return m_stmt; }
    void bind(int i, std::int64_t v) { sqlite3_bind_int64(m_stmt, i, v); }
    void bind(int i, double v) { sqlite3_bind_double(m_stmt, i, v); }
    void bind(int i, const std::string& v) { sqlite3_bind_text(m_stmt, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }
    void bind(int i, std::optional<std::int64_t> v) {
        if (v) sqlite3_bind_int64(m_stmt, i, *v);
        else sqlite3_bind_null(m_stmt, i);
    }
    int step() { return m_rc = sqlite3_step(m_stmt); }
    std::int64_t integer(int col) const { return sqlite3_column_int64(m_stmt, col); }
    std::optional<std::int64_t> optInteger(int col) const {
        if (sqlite3_column_type(m_stmt, col) == SQLITE_NULL) return std::nullopt;
        return sqlite3_column_int64(m_stmt, col);
    }
    double real(int col) const { return sqlite3_column_double(m_stmt, col); }
    std::string text(int col) const {
        const auto* p = sqlite3_column_text(m_stmt, col);
        return p ? std::string(reinterpret_cast<const char*>(p)) : std::string();
    }

private:
    sqlite3* m_db;
    sqlite3_stmt* m_stmt = nullptr;
    bool m_prepared = false;
    int m_rc = SQLITE_OK;  // the last result (prepare, then each step)
};

Result<Ok> exec(sqlite3* db, const char* sql, const std::string& what) {
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return sqlError(db, rc, what);
    return Ok{};
}

Result<std::int64_t> queryInt(sqlite3* db, const char* sql, const std::string& what) {
    Stmt s(db, sql);
    if (!s.ok()) return s.error(what);
    if (s.step() != SQLITE_ROW) return s.error(what);
    return s.integer(0);
}

// BEGIN IMMEDIATE … COMMIT, rolled back unless committed.
class Transaction {
public:
    explicit Transaction(sqlite3* db) : m_db(db) {}
    ~Transaction() {
        if (m_open && sqlite3_get_autocommit(m_db) == 0) sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    Result<Ok> begin() {
        auto r = exec(m_db, "BEGIN IMMEDIATE", "starting a write transaction");
        m_open = r.ok();
        return r;
    }
    Result<Ok> commit() {
        auto r = exec(m_db, "COMMIT", "committing");
        if (r) m_open = false;
        return r;
    }

private:
    sqlite3* m_db;
    bool m_open = false;
};

constexpr const char* kSelectAlerts =
    "SELECT id, exchange, symbol, interval, condition, evaluation, frequency, expires_ms, message, created_ms, "
    "paused, done, fire_count, last_fired_ms, last_fired_bar, seen_through_ms FROM alerts";

// One row of kSelectAlerts; an error names the row and what is wrong with it.
Result<Alert> alertFromRow(const Stmt& s) {
    Alert a;
    a.id = s.integer(0);
    a.key.exchange = s.text(1);
    a.key.symbol = s.text(2);
    const std::string interval = s.text(3);
    const std::string condition = s.text(4);
    const auto where = "alert " + std::to_string(a.id) + " (" + a.key.symbol + " " + interval + " \"" + condition + "\")";
    const auto iv = parseInterval(interval);
    if (!iv) return makeError(where + ": unknown interval '" + interval + "'");
    a.key.interval = *iv;
    auto c = parseCondition(condition);
    if (!c) return makeError(where + ": " + c.error().message.substr(0, c.error().message.find('\n')));
    a.condition = *c;
    const auto e = parseEvaluation(s.text(5));
    const auto f = parseFrequency(s.text(6));
    if (!e || !f) return makeError(where + ": unknown evaluation '" + s.text(5) + "' or frequency '" + s.text(6) + "'");
    a.evaluation = *e;
    a.frequency = *f;
    a.expiresMs = s.optInteger(7);
    a.message = s.text(8);
    a.createdMs = s.integer(9);
    a.paused = s.integer(10) != 0;
    a.done = s.integer(11) != 0;
    a.fireCount = s.integer(12);
    a.lastFiredMs = s.optInteger(13);
    a.lastFiredBar = s.optInteger(14);
    a.seenThroughMs = s.integer(15);
    return a;
}

}  // namespace

std::string defaultAlertsPath() {
    // defaultDatabasePath() makes the data directory; the alerts live beside the cache.
    const std::filesystem::path cache = storage::defaultDatabasePath();
    return (cache.parent_path() / kAlertsFileName).string();
}

struct AlertStore::Impl {
    Connection db;
    std::int64_t dataVersion = 0;
};

AlertStore::AlertStore(std::string path, std::unique_ptr<Impl> impl) : m_path(std::move(path)), m_impl(std::move(impl)) {}
AlertStore::~AlertStore() = default;

Result<std::unique_ptr<AlertStore>> AlertStore::open(const std::string& path) {
    const auto refuse = [&](const std::string& why) {
        return makeError(path + ": " + why + "; nothing in it was changed. Pass another file with --db, or move this one away.");
    };
    std::error_code ec;
    const bool existed = std::filesystem::exists(path, ec) && std::filesystem::file_size(path, ec) > 0;
    sqlite3* raw = nullptr;
    // An existing file is opened without CREATE and checked before anything is written to it.
    const int flags = SQLITE_OPEN_READWRITE | (existed ? 0 : SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    Connection db(raw);
    if (rc != SQLITE_OK) {
        std::string why = "cannot open the alert database: ";
        why += raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
        if ((rc & 0xff) == SQLITE_CANTOPEN) why += " (check that the directory exists and is writable)";
        return makeError(path + ": " + why);
    }
    sqlite3_busy_timeout(db.get(), 5000);
    sqlite3_extended_result_codes(db.get(), 1);
    auto tables = queryInt(db.get(), "SELECT count(*) FROM sqlite_master", "reading the schema");
    if (!tables) {
        if ((tables.error().code & 0xff) == SQLITE_NOTADB)
            return refuse("this is not an SQLite database (or its header is damaged)");
        if ((tables.error().code & 0xff) == SQLITE_CORRUPT) return refuse("the database is damaged (" + tables.error().message + ")");
        return makeError(path + ": " + tables.error().message);
    }
    auto appId = queryInt(db.get(), "PRAGMA application_id", "reading the application id");
    if (!appId) return makeError(path + ": " + appId.error().message);
    if (*tables > 0 && *appId != kApplicationId) {
        std::string names;
        Stmt s(db.get(), "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name LIMIT 6");
        while (s.ok() && s.step() == SQLITE_ROW) names += (names.empty() ? "" : ", ") + s.text(0);
        return refuse("this is not a CanvasProChart alert database (it holds the tables " + names + ")");
    }
    if (*tables > 0) {
        auto version = queryInt(db.get(), "PRAGMA user_version", "reading the schema version");
        if (!version) return makeError(path + ": " + version.error().message);
        if (*version > kSchemaVersion)
            return refuse("made by a newer CanvasProChart (schema " + std::to_string(*version) + ", this one reads " +
                          std::to_string(kSchemaVersion) + ")");
        Stmt check(db.get(), "PRAGMA quick_check");
        std::string result;
        if (check.ok())
            while (check.step() == SQLITE_ROW) result += (result.empty() ? "" : "; ") + check.text(0);
        if (result.empty()) result = sqlite3_errmsg(db.get());
        if (result != "ok") return refuse("the database is damaged (" + result + ")");
        Stmt probe(db.get(), kSelectAlerts);
        if (!probe.ok()) return refuse("its tables are not those of an alert database (" + std::string(sqlite3_errmsg(db.get())) + ")");
    }
    if (auto r = exec(db.get(), "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL", "setting the journal mode"); !r)
        return makeError(path + ": " + r.error().message);
    if (*tables == 0) {
        Transaction tx(db.get());
        if (auto r = tx.begin(); !r) return makeError(path + ": " + r.error().message);
        if (auto r = exec(db.get(), kSchema, "creating the tables"); !r) return makeError(path + ": " + r.error().message);
        const std::string pragmas = "PRAGMA application_id = " + std::to_string(kApplicationId) +
                                    "; PRAGMA user_version = " + std::to_string(kSchemaVersion);
        if (auto r = exec(db.get(), pragmas.c_str(), "marking the file"); !r) return makeError(path + ": " + r.error().message);
        if (auto r = tx.commit(); !r) return makeError(path + ": " + r.error().message);
    }
    auto impl = std::make_unique<Impl>();
    impl->db = std::move(db);
    auto store = std::unique_ptr<AlertStore>(new AlertStore(path, std::move(impl)));
    store->changedElsewhere();
    return store;
}

Result<std::int64_t> AlertStore::add(Alert& a) {
    Stmt s(m_impl->db.get(),
           "INSERT INTO alerts(exchange, symbol, interval, condition, evaluation, frequency, expires_ms, message, "
           "created_ms, paused, done, fire_count, last_fired_ms, last_fired_bar, seen_through_ms) "
           "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!s.ok()) return s.error("adding an alert");
    s.bind(1, a.key.exchange);
    s.bind(2, a.key.symbol);
    s.bind(3, std::string(toString(a.key.interval)));
    s.bind(4, a.condition.text());
    s.bind(5, std::string(toString(a.evaluation)));
    s.bind(6, std::string(toString(a.frequency)));
    s.bind(7, a.expiresMs);
    s.bind(8, a.message);
    s.bind(9, a.createdMs);
    s.bind(10, std::int64_t{a.paused});
    s.bind(11, std::int64_t{a.done});
    s.bind(12, a.fireCount);
    s.bind(13, a.lastFiredMs);
    s.bind(14, a.lastFiredBar);
    s.bind(15, a.seenThroughMs ? a.seenThroughMs : a.createdMs);
    if (s.step() != SQLITE_DONE) return s.error("adding an alert");
    a.id = sqlite3_last_insert_rowid(m_impl->db.get());
    if (!a.seenThroughMs) a.seenThroughMs = a.createdMs;
    return a.id;
}

Result<Ok> AlertStore::remove(std::int64_t id) {
    Stmt s(m_impl->db.get(), "DELETE FROM alerts WHERE id = ?");
    if (!s.ok()) return s.error("removing an alert");
    s.bind(1, id);
    if (s.step() != SQLITE_DONE) return s.error("removing alert " + std::to_string(id));
    if (sqlite3_changes(m_impl->db.get()) == 0) return makeError("there is no alert " + std::to_string(id) + " (cpc alerts list shows them)");
    return Ok{};
}

Result<Ok> AlertStore::setPaused(std::int64_t id, bool paused) {
    Stmt s(m_impl->db.get(), "UPDATE alerts SET paused = ? WHERE id = ?");
    if (!s.ok()) return s.error("pausing an alert");
    s.bind(1, std::int64_t{paused});
    s.bind(2, id);
    if (s.step() != SQLITE_DONE) return s.error("pausing alert " + std::to_string(id));
    if (sqlite3_changes(m_impl->db.get()) == 0) return makeError("there is no alert " + std::to_string(id) + " (cpc alerts list shows them)");
    return Ok{};
}

Result<LoadedAlerts> AlertStore::load() {
    Stmt s(m_impl->db.get(), (std::string(kSelectAlerts) + " ORDER BY id").c_str());
    if (!s.ok()) return s.error("reading the alerts");
    LoadedAlerts out;
    int rc = SQLITE_OK;
    while ((rc = s.step()) == SQLITE_ROW) {
        auto a = alertFromRow(s);
        if (a) out.alerts.push_back(std::move(*a));
        else out.problems.push_back(a.error().message);
    }
    if (rc != SQLITE_DONE) return s.error("reading the alerts");
    return out;
}

Result<std::optional<Alert>> AlertStore::find(std::int64_t id) {
    Stmt s(m_impl->db.get(), (std::string(kSelectAlerts) + " WHERE id = ?").c_str());
    if (!s.ok()) return s.error("reading an alert");
    s.bind(1, id);
    const int rc = s.step();
    if (rc == SQLITE_DONE) return std::optional<Alert>{};
    if (rc != SQLITE_ROW) return s.error("reading alert " + std::to_string(id));
    auto a = alertFromRow(s);
    if (!a) return a.error();
    return std::optional<Alert>{std::move(*a)};
}

namespace {

Result<Ok> writeState(sqlite3* db, const Alert& a) {
    Stmt s(db,
           "UPDATE alerts SET done = ?, fire_count = ?, last_fired_ms = ?, last_fired_bar = ?, "
           "seen_through_ms = max(seen_through_ms, ?) WHERE id = ?");
    if (!s.ok()) return s.error("saving an alert's state");
    s.bind(1, std::int64_t{a.done});
    s.bind(2, a.fireCount);
    s.bind(3, a.lastFiredMs);
    s.bind(4, a.lastFiredBar);
    s.bind(5, a.seenThroughMs);
    s.bind(6, a.id);
    if (s.step() != SQLITE_DONE) return s.error("saving the state of alert " + std::to_string(a.id));
    return Ok{};
}

}  // namespace

Result<Ok> AlertStore::record(const Trigger& t, const Alert& state) {
    sqlite3* db = m_impl->db.get();
    Transaction tx(db);
    if (auto r = tx.begin(); !r) return r;
    Stmt s(db,
           "INSERT INTO triggers(alert_id, time_ms, bar_open_ms, detected_ms, exchange, symbol, interval, condition, "
           "price, late, message) VALUES(?,?,?,?,?,?,?,?,?,?,?)");
    if (!s.ok()) return s.error("logging a trigger");
    s.bind(1, t.alertId);
    s.bind(2, t.timeMs);
    s.bind(3, t.barOpenTime);
    s.bind(4, t.detectedMs);
    s.bind(5, t.key.exchange);
    s.bind(6, t.key.symbol);
    s.bind(7, std::string(toString(t.key.interval)));
    s.bind(8, t.condition);
    s.bind(9, t.price);
    s.bind(10, std::int64_t{t.late});
    s.bind(11, t.message);
    if (s.step() != SQLITE_DONE) return s.error("logging a trigger of alert " + std::to_string(t.alertId));
    if (auto r = writeState(db, state); !r) return r;
    return tx.commit();
}

Result<Ok> AlertStore::saveStates(std::span<const Alert> states) {
    if (states.empty()) return Ok{};
    sqlite3* db = m_impl->db.get();
    Transaction tx(db);
    if (auto r = tx.begin(); !r) return r;
    for (const Alert& a : states)
        if (auto r = writeState(db, a); !r) return r;
    return tx.commit();
}

Result<std::vector<Trigger>> AlertStore::triggers(std::int64_t alertId, std::size_t limit) {
    Stmt s(m_impl->db.get(),
           "SELECT alert_id, time_ms, bar_open_ms, detected_ms, exchange, symbol, interval, condition, price, late, "
           "message FROM triggers WHERE (? = 0 OR alert_id = ?) ORDER BY time_ms DESC, id DESC LIMIT ?");
    if (!s.ok()) return s.error("reading the trigger log");
    s.bind(1, alertId);
    s.bind(2, alertId);
    s.bind(3, static_cast<std::int64_t>(limit));
    std::vector<Trigger> out;
    int rc = SQLITE_OK;
    while ((rc = s.step()) == SQLITE_ROW) {
        Trigger t;
        t.alertId = s.integer(0);
        t.timeMs = s.integer(1);
        t.barOpenTime = s.integer(2);
        t.detectedMs = s.integer(3);
        t.key.exchange = s.text(4);
        t.key.symbol = s.text(5);
        t.key.interval = parseInterval(s.text(6)).value_or(Interval::M1);
        t.condition = s.text(7);
        t.price = s.real(8);
        t.late = s.integer(9) != 0;
        t.message = s.text(10);
        out.push_back(std::move(t));
    }
    if (rc != SQLITE_DONE) return s.error("reading the trigger log");
    return out;
}

bool AlertStore::changedElsewhere() {
    auto v = queryInt(m_impl->db.get(), "PRAGMA data_version", "reading the data version");
    if (!v) return false;
    const bool changed = *v != m_impl->dataVersion;
    m_impl->dataVersion = *v;
    return changed;
}

}  // namespace cpc::alerts
