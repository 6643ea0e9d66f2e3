#include "cpc/app/alert_service.hpp"

#include "cpc/app/core_text.hpp"

#include <QCoreApplication>
#include <algorithm>
#include <filesystem>

#include "cpc/app/alert_bridge.hpp"
#include "cpc/app/app_services.hpp"
#include "cpc/exchange/registry.hpp"
#include "cpc/session/venue_paths.hpp"
#include "cpc/sim/sim_server.hpp"

namespace cpc::app {

std::string defaultAppAlertsPath(bool demo) {
    const std::string path = alerts::defaultAlertsPath();
    if (!demo) return path;
    return (std::filesystem::path(path).parent_path() / "demo-alerts.sqlite3").string();
}

alerts::EngineConfig appAlertEngineConfig(AppServices& services, bool demo,
                                          std::map<std::string, exchange::Endpoints> configured) {
    alerts::EngineConfig config;
    if (!demo) {
        config.endpoints = std::move(configured);
        return config;
    }
    // The demo never reaches a real venue: an alert on any venue watches that venue's simulator
    // (the same one the chart of that venue shows).
    for (const std::string& venue : exchange::adapterNames()) {
        auto server = services.simulator(venue);
        if (!server) continue;  // its alerts then report the venue unreachable (a visible problem)
        config.endpoints[venue] = {(*server)->restBase(), session::withVenueStreamPath((*server)->streamBase(), venue)};
    }
    return config;
}

AlertService::AlertService(session::MarketSession& market, std::string storePath, alerts::EngineConfig config,
                           QObject* parent)
    : QObject(parent), m_market(market), m_storePath(std::move(storePath)), m_config(std::move(config)) {
    m_bridge = new AlertBridge(this);
    connect(m_bridge, &AlertBridge::triggered, this, [this](const alerts::Trigger& t) {
        m_log.insert(m_log.begin(), t);
        if (m_log.size() > kLogLimit) m_log.pop_back();
        emit triggered(t);
        emit alertsChanged();  // its fire count (a Once alert is now done)
    });
    connect(m_bridge, &AlertBridge::statusChanged, this, [this](const alerts::SeriesStatus& s) {
        m_statuses[s.key] = s;
        emit stateChanged();
    });
    connect(m_bridge, &AlertBridge::problem, this, [this](const QString& message) {
        m_lastProblem = message;
        emit problemRaised(message);
    });
}

AlertService::~AlertService() {
    if (m_engine) m_engine->stop();
}

void AlertService::fail(const QString& why) {
    m_running = false;
    m_failure = why;
    emit stateChanged();
}

bool AlertService::start() {
    if (m_running) return true;
    m_engine = std::make_unique<alerts::AlertEngine>(m_market, m_storePath, *m_bridge, m_config);
    if (auto started = m_engine->start(); !started) {
        m_engine.reset();
        fail(coreText(started.error().message));
        return false;
    }
    m_running = true;
    m_failure.clear();
    if (auto log = m_engine->log(kLogLimit)) m_log = std::move(*log);
    else m_lastProblem = coreText(log.error().message);
    emit stateChanged();
    emit alertsChanged();
    return true;
}

namespace {
Error notRunning(const QString& failure) {
    return makeError(failure.isEmpty() ? std::string("alerts are not running")
                                       : "alerts are off: " + failure.toStdString());
}
}  // namespace

std::vector<alerts::Alert> AlertService::alerts() {
    if (!m_running) return {};
    auto loaded = m_engine->storedAlerts();
    if (!loaded) {
        m_lastProblem = coreText(loaded.error().message);
        emit problemRaised(m_lastProblem);
        return {};
    }
    for (const std::string& p : loaded->problems) m_lastProblem = QString::fromStdString(p);
    auto list = std::move(loaded->alerts);
    std::sort(list.begin(), list.end(), [](const alerts::Alert& a, const alerts::Alert& b) { return a.id < b.id; });
    return list;
}

Result<std::int64_t> AlertService::add(alerts::Alert alert) {
    if (!m_running) return notRunning(m_failure);
    auto id = m_engine->add(std::move(alert));
    if (id) emit alertsChanged();
    return id;
}

Result<std::int64_t> AlertService::replace(std::int64_t id, alerts::Alert alert) {
    if (!m_running) return notRunning(m_failure);
    alert.id = 0;
    alert.createdMs = 0;  // evaluated from now on
    auto added = m_engine->add(std::move(alert));
    if (!added) return added;
    if (auto removed = m_engine->remove(id); !removed) {
        (void)m_engine->remove(*added);
        return removed.error();
    }
    emit alertsChanged();
    return added;
}

Result<Ok> AlertService::remove(std::int64_t id) {
    if (!m_running) return notRunning(m_failure);
    auto r = m_engine->remove(id);
    if (r) emit alertsChanged();
    return r;
}

Result<Ok> AlertService::setPaused(std::int64_t id, bool paused) {
    if (!m_running) return notRunning(m_failure);
    auto r = m_engine->setPaused(id, paused);
    if (r) emit alertsChanged();
    return r;
}

bool AlertService::startOver(const std::string& pristinePath) {
    if (m_engine) m_engine->stop();  // joined: nothing more is posted to the bridge
    m_engine.reset();
    m_running = false;
    m_bridge->discard();
    m_log.clear();
    m_statuses.clear();
    m_lastProblem.clear();
    namespace fs = std::filesystem;
    std::error_code ec;
    for (const char* suffix : {"-wal", "-shm", "-journal"}) fs::remove(m_storePath + suffix, ec);
    if (fs::exists(pristinePath, ec)) {
        if (!fs::copy_file(pristinePath, m_storePath, fs::copy_options::overwrite_existing, ec)) {
            fail(QCoreApplication::translate("AlertService", "the replay's alerts could not start over: %1")
                     .arg(QString::fromStdString(ec.message())));
            return false;
        }
    } else {
        fs::remove(m_storePath, ec);  // there were no alerts: an empty store again
    }
    return start();
}

alerts::EngineStats AlertService::stats() const { return m_engine ? m_engine->stats() : alerts::EngineStats{}; }

void AlertService::dropConnections() {
    if (m_engine) m_engine->dropConnections();
}

}  // namespace cpc::app
