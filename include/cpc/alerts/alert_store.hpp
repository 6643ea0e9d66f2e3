#pragma once
// The alert database: a SQLite file of its own (default `alerts.sqlite3` next to the candle cache,
// defaultAlertsPath()), not tables in the cache. The cache is a cache — a damaged one is salvaged
// and moved aside, foreign tables count as damage — while alerts and their log are the user's own
// data: nothing here is ever moved, rewritten or deleted to recover. A file that is not an alert
// database (another application's, the candle cache, not SQLite at all) or fails its integrity
// check is refused with a message that says so and what to do; nothing is written to it.
//
// Tables: `alerts` (one row per alert: its series, condition text, evaluation, frequency, expiry,
// message, pause, and the state that keeps it from firing twice — done, fire count, last firing,
// seen_through_ms), `triggers` (the log: time, bar, symbol, condition, price, late or not,
// message). A firing is one transaction: its log row and its alert's state together, so a crash
// never leaves one without the other.
//
// One connection per AlertStore, used by one thread at a time (the engine's, or a command's).
// Several processes may open the file (WAL; a busy file is waited for up to 5 s).
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cpc/alerts/alert.hpp"
#include "cpc/core/result.hpp"

namespace cpc::alerts {

inline constexpr const char* kAlertsFileName = "alerts.sqlite3";
// storage::defaultDataDirectory() + "/alerts.sqlite3" (the directory is made if missing).
std::string defaultAlertsPath();

struct LoadedAlerts {
    std::vector<Alert> alerts;
    // Rows that could not be read back (a condition this version does not understand): said, kept.
    std::vector<std::string> problems;
};

class AlertStore {
public:
    // Opens (creating an empty file when there is none). Refuses foreign, newer or damaged files.
    static Result<std::unique_ptr<AlertStore>> open(const std::string& path);
    ~AlertStore();
    AlertStore(const AlertStore&) = delete;
    AlertStore& operator=(const AlertStore&) = delete;

    const std::string& path() const { return m_path; }

    // Stores a new alert; returns its id (also written into `alert.id`).
    Result<std::int64_t> add(Alert& alert);
    // Error when there is no such alert.
    Result<Ok> remove(std::int64_t id);
    Result<Ok> setPaused(std::int64_t id, bool paused);
    Result<LoadedAlerts> load();
    Result<std::optional<Alert>> find(std::int64_t id);

    // A firing: its log row and the alert's new state in one transaction.
    Result<Ok> record(const Trigger& trigger, const Alert& state);
    // The evaluation state of several alerts (seen_through_ms, …) in one transaction; rows of
    // alerts removed meanwhile are left alone.
    Result<Ok> saveStates(std::span<const Alert> states);
    // The log, newest first; `alertId` 0: every alert's.
    Result<std::vector<Trigger>> triggers(std::int64_t alertId = 0, std::size_t limit = 1000);

    // Changes made through other connections (another process adding an alert) since the last
    // call: SQLite's data_version moved.
    bool changedElsewhere();

private:
    struct Impl;
    explicit AlertStore(std::string path, std::unique_ptr<Impl> impl);
    std::string m_path;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace cpc::alerts
