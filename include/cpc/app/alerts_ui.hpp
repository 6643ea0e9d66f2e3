#pragma once
// The alerts in a chart window (issue 15's GUI), attached to a MainWindow from outside it (its
// only hook is MainWindow::addContextMenuExtension): an Alerts menu (the Alerts dialog, "Add
// alert…" on the chart's series, the alert log dock, sound on/off), the chart context menu's
// "Add alert…" at the clicked price and a drawing's "Alert on cross" (horizontal line, trend
// line, ray; a rectangle: "Alert when the price leaves"), the log dock, markers on the chart where
// an alert of the shown symbol fired, a desktop notification per trigger (Notifier), and the
// alerts' state in the status bar (a permanent red label while they are off, e.g. the database
// refused; a message per trigger and per problem).
#include <QObject>
#include <QPointer>
#include <optional>

#include "cpc/alerts/alert.hpp"
#include "cpc/app/alerts_dialog.hpp"
#include "cpc/chart/drawings.hpp"

class QAction;
class QLabel;

namespace cpc::app {

class AlertLogDock;
class AlertService;
class AppSettings;
class ChartController;
class MainWindow;
class Notifier;

// The condition "Alert on cross" makes for a drawing: the price crossing a horizontal line, a
// trend line (a segment; extended right: a ray; both ways: a line), a ray, or leaving a rectangle.
// nullopt for other kinds.
std::optional<alerts::Condition> drawingAlertCondition(const chart::Drawing& drawing);

class AlertsUi final : public QObject {
    Q_OBJECT
public:
    // Everything is owned by the window (the dock, the menu) or outlives it (service, settings,
    // notifier, controller).
    AlertsUi(MainWindow& window, ChartController& controller, AlertService& service, AppSettings& settings,
             Notifier& notifier);

    AlertLogDock* logDock() const { return m_dock; }
    // Alerts ▸ Alerts…: shows the dialog (not modal; a second call raises it).
    AlertsDialog* showAlertsDialog();
    AlertsDialog* alertsDialog() const { return m_dialog; }
    // A new alert on the chart's series with `condition` (nullopt: an empty one): the editor
    // opens (modal) prefilled; OK stores it. False when cancelled or refused (status bar says why).
    bool addAlertFromChart(std::optional<alerts::Condition> condition);
    // The new alert's defaults: the chart's series, every tick, once.
    alerts::Alert newAlertForChart() const;
    // The markers of the shown symbol's firings (any interval) are put on the chart again.
    void refreshMarkers();
    QLabel* stateLabel() const { return m_stateLabel; }

private:
    void buildMenu();
    void onTriggered(const alerts::Trigger& trigger);
    void refreshState();

    MainWindow& m_window;
    AlertService& m_service;
    AppSettings& m_settings;
    Notifier& m_notifier;
    AlertLogDock* m_dock = nullptr;
    QLabel* m_stateLabel = nullptr;
    QAction* m_addForChart = nullptr;
    QPointer<AlertsDialog> m_dialog;
};

}  // namespace cpc::app
