#pragma once
// Schema migrations (private to the storage module; tests include it to drive the runner with
// their own migration lists).
#include <sqlite3.h>

#include <span>
#include <string>

#include "cpc/core/result.hpp"

namespace cpc::storage::detail {

// One step of the schema: run `sql` on a database at version `version - 1` to reach `version`.
// Steps are never edited once released; a change to the schema is a new step.
struct Migration {
    int version;
    const char* description;
    const char* sql;
};

// The migrations of this build, versions 1, 2, … in order.
std::span<const Migration> migrations();

// What the database's PRAGMA user_version says.
Result<int> readSchemaVersion(sqlite3* db, const std::string& path);

// Brings the database to the last version of `steps`, each step in its own transaction together
// with its PRAGMA user_version update, so a crash leaves the database at some whole version.
// Returns the version reached. A database whose version is higher than the last step is refused
// and not written to. `steps` must be numbered 1, 2, … without holes.
// Error::code is the SQLite primary result code when SQLite failed, 0 otherwise.
Result<int> migrate(sqlite3* db, const std::string& path, std::span<const Migration> steps);

// The message for a database newer than this build (shared with open()).
std::string newerSchemaMessage(const std::string& path, int found, int supported);

}  // namespace cpc::storage::detail
