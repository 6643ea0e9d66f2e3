#pragma once
// The alert engine's sink in the app: the engine's thread calls it (a trigger, a series' feed
// state, a problem) and it posts each into its own session::Inbox — the same hand-off as the
// chart's MarketBridge: a post into an empty inbox wakes the GUI thread once, the drain emits the
// signals there, in posting order. No QObject is touched off the GUI thread.
#include <QObject>
#include <QString>
#include <string>

#include "cpc/alerts/alert_engine.hpp"
#include "cpc/session/inbox.hpp"

namespace cpc::app {

class AlertBridge final : public QObject, public alerts::AlertSink {
    Q_OBJECT
public:
    explicit AlertBridge(QObject* parent = nullptr);

    // Engine thread.
    void onTrigger(const alerts::Trigger& trigger) override;
    void onStatus(const alerts::SeriesStatus& status) override;
    void onProblem(const std::string& message) override;

    std::uint64_t wakeUps() const { return m_wakeUps; }
    // GUI thread: drops what was posted and not yet handled (an engine stopped for good).
    void discard() { m_inbox.takeAll(); }

signals:
    // GUI thread.
    void triggered(const cpc::alerts::Trigger& trigger);
    void statusChanged(const cpc::alerts::SeriesStatus& status);
    void problem(const QString& message);

private:
    void drain();

    session::Inbox m_inbox;
    std::uint64_t m_wakeUps = 0;  // GUI thread
};

}  // namespace cpc::app
