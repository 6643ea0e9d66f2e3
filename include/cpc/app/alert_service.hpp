#pragma once
// The app's one alert engine (issue 15): an alerts::AlertEngine on the process's MarketSession,
// made by the composition root (runApp) next to AppServices, so every stored alert is evaluated
// whether or not a chart shows its symbol. The engine's sink is an AlertBridge: triggers, feed
// states and problems reach the GUI thread through its inbox and leave here as signals.
//
// The service keeps the log (newest first; loaded from the store at start, a trigger prepended as
// it comes) for the log dock and the chart markers, and its failure as a state: a database the
// store refuses leaves the service stopped with failure() saying why, which the Alerts dialog and
// the status bar show. Calls into the engine wait for its thread (milliseconds).
#include <QObject>
#include <QString>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cpc/alerts/alert_engine.hpp"
#include "cpc/core/result.hpp"

namespace cpc::session { class MarketSession; }

namespace cpc::app {

class AlertBridge;
class AppServices;

// The alert database of the app: alerts::defaultAlertsPath(), in demo mode demo-alerts.sqlite3
// beside it (demo alerts watch the simulators and stay apart from real ones).
std::string defaultAppAlertsPath(bool demo);

// The engine's endpoints: in demo mode every venue's simulator of `services` (started here);
// otherwise `configured` (the settings' endpoints per venue; a venue not listed uses the
// registry's production hosts).
alerts::EngineConfig appAlertEngineConfig(AppServices& services, bool demo,
                                          std::map<std::string, exchange::Endpoints> configured = {});

class AlertService final : public QObject {
    Q_OBJECT
public:
    AlertService(session::MarketSession& market, std::string storePath, alerts::EngineConfig config,
                 QObject* parent = nullptr);
    ~AlertService() override;  // stops the engine (before the market session stops)

    // Opens the store and starts the engine; false (failure() says why) when it could not.
    bool start();
    bool running() const { return m_running; }
    // Why alerts are off ("the alert database … is not …"); empty while running.
    const QString& failure() const { return m_failure; }
    const std::string& storePath() const { return m_storePath; }

    // Every stored alert (done and expired ones included), by id.
    std::vector<alerts::Alert> alerts();
    Result<std::int64_t> add(alerts::Alert alert);
    // An edit: the changed alert is stored as a new one (its firing state starts afresh), then
    // the old one removed; a refused change leaves the old alert as it was. Returns the new id.
    Result<std::int64_t> replace(std::int64_t id, alerts::Alert alert);
    Result<Ok> remove(std::int64_t id);
    Result<Ok> setPaused(std::int64_t id, bool paused);

    // Every alert's firings, newest first (at most kLogLimit).
    const std::vector<alerts::Trigger>& log() const { return m_log; }
    static constexpr std::size_t kLogLimit = 1000;
    // The newest problem the engine reported (an alert it cannot evaluate, a failed write).
    const QString& lastProblem() const { return m_lastProblem; }
    // The feed state of each series the alerts read.
    const std::map<SeriesKey, alerts::SeriesStatus>& statuses() const { return m_statuses; }
    alerts::EngineStats stats() const;
    // A replay going back (ReplayPlayer::rewinding): the engine stops, what it reported and was
    // not handled yet is dropped, the store becomes a copy of `pristinePath` (the alerts file as
    // the replay started: no firing, every evaluation mark where it was) and the engine starts
    // again — the log and every alert's state are what they were before the recording's first
    // record, so each crossing of the replay fires once more as the replay plays it again.
    // Alerts added or edited during the replay are not in that copy. False (failure() says why)
    // when the engine could not start again.
    bool startOver(const std::string& pristinePath);
    // Tests: drops every feed's connection (they backfill).
    void dropConnections();

signals:
    void triggered(const cpc::alerts::Trigger& trigger);
    void alertsChanged();  // added, edited, removed, paused, or one fired (its state changed)
    void problemRaised(const QString& message);
    void stateChanged();   // started, failed, a feed state changed

private:
    void fail(const QString& why);

    session::MarketSession& m_market;
    std::string m_storePath;
    alerts::EngineConfig m_config;
    AlertBridge* m_bridge = nullptr;  // child
    std::unique_ptr<alerts::AlertEngine> m_engine;
    bool m_running = false;
    QString m_failure;
    QString m_lastProblem;
    std::vector<alerts::Trigger> m_log;
    std::map<SeriesKey, alerts::SeriesStatus> m_statuses;
};

}  // namespace cpc::app
