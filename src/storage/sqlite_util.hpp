#pragma once
// Private RAII helpers over the SQLite C API (storage module only).
#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "cpc/core/result.hpp"

namespace cpc::storage::detail {

struct ConnectionCloser {
    // close_v2 also copes with statements that are still alive (it finalizes lazily).
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Connection = std::unique_ptr<sqlite3, ConnectionCloser>;

// "<what>: <sqlite message> (<code name>)"; the SQLite primary result code goes to Error::code.
Error sqliteError(sqlite3* db, int rc, std::string_view what);

// A prepared statement, finalized on destruction.
class Statement {
public:
    Statement() = default;
    // SQLITE_PREPARE_PERSISTENT: these live as long as the connection and run thousands of times.
    static Result<Statement> prepare(sqlite3* db, std::string_view sql);

    Statement(Statement&& other) noexcept : m_stmt(std::exchange(other.m_stmt, nullptr)) {}
    Statement& operator=(Statement&& other) noexcept {
        if (this != &other) {
            sqlite3_finalize(m_stmt);
            m_stmt = std::exchange(other.m_stmt, nullptr);
        }
        return *this;
    }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement() { sqlite3_finalize(m_stmt); }

    sqlite3_stmt* get() const { return m_stmt; }

private:
    sqlite3_stmt* m_stmt = nullptr;
};

// Resets and unbinds a statement when leaving scope. A SELECT that is left un-reset keeps its
// read transaction open, which would stop WAL checkpoints, so every use goes through this.
class StatementUse {
public:
    explicit StatementUse(const Statement& statement) : m_stmt(statement.get()) {}
    StatementUse(const StatementUse&) = delete;
    StatementUse& operator=(const StatementUse&) = delete;
    ~StatementUse() {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
    sqlite3_stmt* get() const { return m_stmt; }

private:
    sqlite3_stmt* m_stmt;
};

// BEGIN IMMEDIATE … COMMIT; rolls back on destruction unless committed. IMMEDIATE takes the
// write lock up front, so a busy database fails at begin() (after busy_timeout) rather than
// half-way through a batch.
class Transaction {
public:
    explicit Transaction(sqlite3* db) : m_db(db) {}
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();
    Result<Ok> begin();
    Result<Ok> commit();

private:
    sqlite3* m_db;
    bool m_open = false;
};

// Runs SQL without results (one or more statements).
Result<Ok> execute(sqlite3* db, const char* sql, std::string_view what);
// Runs a statement that yields a single integer (PRAGMA user_version …).
Result<long long> queryInt(sqlite3* db, const char* sql, std::string_view what);
// Runs a statement and returns every row's first column as text (PRAGMA quick_check …).
Result<std::string> queryTextRows(sqlite3* db, const char* sql, std::string_view what,
                                  std::size_t maxRows);

}  // namespace cpc::storage::detail
