#include "sqlite_util.hpp"

namespace cpc::storage::detail {

Error sqliteError(sqlite3* db, int rc, std::string_view what) {
    std::string message(what);
    message += ": ";
    // errmsg describes the most recent failure on this connection (more specific than errstr,
    // e.g. "no such table: candles"); errstr names the code.
    const std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    message += detail;
    if (detail != sqlite3_errstr(rc)) {
        message += " (";
        message += sqlite3_errstr(rc);
        message += ")";
    }
    if ((rc & 0xff) == SQLITE_CANTOPEN)
        message += "; check that the directory exists and is writable";
    return makeError(std::move(message), rc & 0xff);
}

Result<Statement> Statement::prepare(sqlite3* db, std::string_view sql) {
    Statement statement;
    const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &statement.m_stmt, nullptr);
    if (rc != SQLITE_OK) {
        // Enough of the statement to recognise it, on one line.
        std::string head;
        for (char c : sql) {
            const bool space = c == ' ' || c == '\n' || c == '\t';
            if (space && (head.empty() || head.back() == ' ')) continue;
            head += space ? ' ' : c;
            if (head.size() >= 60) {
                head += "…";
                break;
            }
        }
        return sqliteError(db, rc, "preparing \"" + head + "\"");
    }
    return statement;
}

Transaction::~Transaction() {
    // Some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_BUSY …) already rolled the transaction
    // back; a second ROLLBACK would only report "no transaction is active".
    if (m_open && sqlite3_get_autocommit(m_db) == 0)
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
}

Result<Ok> Transaction::begin() {
    auto r = execute(m_db, "BEGIN IMMEDIATE", "starting a write transaction");
    if (r) m_open = true;
    return r;
}

Result<Ok> Transaction::commit() {
    auto r = execute(m_db, "COMMIT", "committing");
    if (r) m_open = false;
    return r;
}

Result<Ok> execute(sqlite3* db, const char* sql, std::string_view what) {
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return sqliteError(db, rc, what);
    return Ok{};
}

Result<long long> queryInt(sqlite3* db, const char* sql, std::string_view what) {
    auto statement = Statement::prepare(db, sql);
    if (!statement) {
        // Re-describe with `what`: the prepare message holds the SQL, which tells the user less.
        return sqliteError(db, statement.error().code, what);
    }
    const int rc = sqlite3_step(statement->get());
    if (rc != SQLITE_ROW) {
        if (rc == SQLITE_DONE) return makeError(std::string(what) + ": no result");
        return sqliteError(db, rc, what);
    }
    return static_cast<long long>(sqlite3_column_int64(statement->get(), 0));
}

Result<std::string> queryTextRows(sqlite3* db, const char* sql, std::string_view what,
                                  std::size_t maxRows) {
    auto statement = Statement::prepare(db, sql);
    if (!statement) return sqliteError(db, statement.error().code, what);
    std::string rows;
    std::size_t n = 0;
    for (;;) {
        const int rc = sqlite3_step(statement->get());
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_ROW) return sqliteError(db, rc, what);
        if (n++ == maxRows) {
            rows += "; …";
            break;
        }
        const auto* text = sqlite3_column_text(statement->get(), 0);
        if (!rows.empty()) rows += "; ";
        rows += text != nullptr ? reinterpret_cast<const char*>(text) : "(null)";
    }
    return rows;
}

}  // namespace cpc::storage::detail
