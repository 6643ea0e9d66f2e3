#include "cpc/app/alerts_ui.hpp"

#include "cpc/app/chart_pane.hpp"

#include <QAction>
#include <QDateTime>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QStatusBar>
#include <QTimer>

#include "cpc/alerts/condition.hpp"
#include "cpc/app/alert_log_dock.hpp"
#include "cpc/app/alert_service.hpp"
#include "cpc/app/alerts_dialog.hpp"
#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/desktop_notifier.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/chart/format.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"

namespace cpc::app {

namespace {

alerts::Anchor anchorOf(const chart::DrawingAnchor& a) { return alerts::Anchor{a.timeMs, a.price}; }

// A marker's label: the user's message, else the condition, kept short.
std::string markerLabel(const alerts::Trigger& t) {
    std::string text = t.message.empty() ? t.condition : t.message;
    if (text.size() > 32) text = text.substr(0, 31) + "…";
    return text;
}

}  // namespace

std::optional<alerts::Condition> drawingAlertCondition(const chart::Drawing& d) {
    using Kind = alerts::LineShape::Kind;
    alerts::LineShape line{Kind::Horizontal, anchorOf(d.a), anchorOf(d.b)};
    switch (d.kind) {
    case chart::DrawingKind::HorizontalLine:
        line.b = line.a;
        return alerts::lineCondition(line);
    case chart::DrawingKind::TrendLine:
        // What the chart draws: the segment, run on to the right (a ray) or both ways. A line run
        // only to the left is watched as its segment (the part left of it is in the past).
        line.kind = d.extendRight ? (d.extendLeft ? Kind::Extended : Kind::Ray) : Kind::Trend;
        return alerts::lineCondition(line);
    case chart::DrawingKind::Ray:
        line.kind = d.extendLeft ? Kind::Extended : Kind::Ray;
        return alerts::lineCondition(line);
    case chart::DrawingKind::Rectangle:
        return alerts::boxCondition(anchorOf(d.a), anchorOf(d.b), true);
    default:
        return std::nullopt;
    }
}

AlertsUi::AlertsUi(MainWindow& window, ChartController& controller, AlertService& service, AppSettings& settings,
                   Notifier& notifier)
    : QObject(&window),
      m_window(window),
      m_service(service),
      m_settings(settings),
      m_notifier(notifier) {
    m_dock = new AlertLogDock(service, &window);
    window.addDockWidget(Qt::BottomDockWidgetArea, m_dock);
    m_dock->setVisible(settings.alertLogVisible());
    connect(m_dock, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        // Not while the window is hidden or closing (every dock reports hidden then).
        if (m_window.isVisible()) m_settings.setAlertLogVisible(visible);
    });

    m_stateLabel = new QLabel(&window);
    m_stateLabel->setObjectName(QStringLiteral("alertsStatus"));
    m_stateLabel->setStyleSheet(QStringLiteral("color: #e53935;"));
    window.statusBar()->addPermanentWidget(m_stateLabel);
    buildMenu();

    window.addContextMenuExtension([this](QMenu& menu, const MainWindow::ContextMenuTarget& target) {
        const bool on = m_service.running();
        if (target.drawing) {
            const chart::Drawing* d = m_window.canvas()->model().drawing(*target.drawing);
            if (!d) return;
            const auto condition = drawingAlertCondition(*d);
            if (!condition) return;
            QAction* a = menu.addAction(d->kind == chart::DrawingKind::Rectangle ? tr("Alert when the price leaves…")
                                                                                 : tr("Alert on cross…"));
            a->setObjectName(QStringLiteral("drawingAlertOnCross"));
            a->setEnabled(on);
            // Deferred: the editor is modal, not run inside the menu's own event loop.
            connect(a, &QAction::triggered, this, [this, c = *condition] {
                QTimer::singleShot(0, this, [this, c] { addAlertFromChart(c); });
            });
            return;
        }
        if (target.price) {
            const QString shown = QString::fromStdString(
                chart::formatPrice(*target.price, m_window.canvas()->model().priceDecimals()));
            QAction* a = menu.addAction(tr("Add alert at %1…").arg(shown));
            a->setObjectName(QStringLiteral("chartAddAlert"));
            a->setEnabled(on);
            // The plain number (no separators) is what the parser reads.
            const int decimals = m_window.canvas()->model().priceDecimals();
            const alerts::Condition c =
                *alerts::parseCondition("price crosses " + QString::number(*target.price, 'f', decimals).toStdString());
            connect(a, &QAction::triggered, this, [this, c] {
                QTimer::singleShot(0, this, [this, c] { addAlertFromChart(c); });
            });
        }
    });

    connect(&service, &AlertService::triggered, this, &AlertsUi::onTriggered);
    connect(&service, &AlertService::stateChanged, this, [this] {
        refreshState();
        refreshMarkers();
    });
    connect(&service, &AlertService::problemRaised, this, [this](const QString& message) {
        m_window.statusBar()->showMessage(tr("Alerts: %1").arg(message), 20000);
    });
    connect(&controller, &ChartController::seriesReset, this, &AlertsUi::refreshMarkers);
    connect(&controller, &ChartController::exchangeChanged, this, &AlertsUi::refreshMarkers);
    // The other charts of the workspace: a chart made active, or one that loaded another symbol's
    // objects (a new chart, another series).
    connect(&window, &MainWindow::activePaneChanged, this, &AlertsUi::refreshMarkers);
    connect(&window, &MainWindow::objectsChanged, this, &AlertsUi::refreshMarkers);
    refreshState();
    refreshMarkers();
}

void AlertsUi::buildMenu() {
    // Before Help, as desktop applications order their menus.
    QMenuBar* bar = m_window.menuBar();
    auto* menu = new QMenu(tr("A&lerts"), bar);
    menu->setObjectName(QStringLiteral("alertsMenu"));
    const QList<QAction*> top = bar->actions();
    if (top.isEmpty()) bar->addMenu(menu);
    else bar->insertMenu(top.last(), menu);

    QAction* open = menu->addAction(tr("Alerts…"));
    open->setObjectName(QStringLiteral("alertsOpenDialog"));
    open->setShortcut(QKeySequence(Qt::ALT | Qt::Key_A));
    connect(open, &QAction::triggered, this, [this] { showAlertsDialog(); });
    m_addForChart = menu->addAction(tr("Add alert on this chart…"));
    m_addForChart->setObjectName(QStringLiteral("alertsAddForChart"));
    connect(m_addForChart, &QAction::triggered, this,
            [this] { QTimer::singleShot(0, this, [this] { addAlertFromChart(std::nullopt); }); });
    menu->addSeparator();
    QAction* log = m_dock->toggleViewAction();
    log->setText(tr("Alert log"));
    log->setObjectName(QStringLiteral("alertsLogToggle"));
    menu->addAction(log);
    QAction* sound = menu->addAction(tr("Sound with notifications"));
    sound->setObjectName(QStringLiteral("alertsSound"));
    sound->setCheckable(true);
    sound->setChecked(m_settings.alertSound());
    connect(sound, &QAction::toggled, this, [this](bool on) { m_settings.setAlertSound(on); });
}

alerts::Alert AlertsUi::newAlertForChart() const {
    alerts::Alert a;
    a.key = m_window.activeController().currentKey();
    a.evaluation = alerts::Evaluation::EveryTick;
    a.frequency = alerts::Frequency::Once;
    return a;
}

AlertsDialog* AlertsUi::showAlertsDialog() {
    if (!m_dialog) {
        m_dialog = new AlertsDialog(m_service, newAlertForChart(), &m_window);
        m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    }
    m_dialog->show();
    m_dialog->raise();
    m_dialog->activateWindow();
    return m_dialog;
}

bool AlertsUi::addAlertFromChart(std::optional<alerts::Condition> condition) {
    alerts::Alert initial = newAlertForChart();
    if (condition) initial.condition = *condition;
    AlertEditDialog editor(initial, &m_window);
    if (editor.exec() != QDialog::Accepted) return false;
    auto id = m_service.add(editor.alert());
    if (!id) {
        m_window.statusBar()->showMessage(tr("The alert was not added: %1").arg(QString::fromStdString(id.error().message)), 20000);
        return false;
    }
    m_window.statusBar()->showMessage(
        tr("Alert %1 added: %2 %3").arg(*id).arg(QString::fromStdString(editor.alert().key.symbol),
                                                 QString::fromStdString(editor.alert().condition.text())),
        8000);
    return true;
}

void AlertsUi::refreshMarkers() {
    // Every chart of every layout tab shows the firings of its own symbol (any interval).
    const auto& log = m_service.log();
    for (int tab = 0; tab < m_window.layoutTabCount(); ++tab)
        for (ChartPane* pane : m_window.panes(tab)) {
            if (pane->controller().replaying()) continue;  // Bar Replay marks its own firings
            const SeriesKey& key = pane->controller().currentKey();
            std::vector<chart::ChartMarker> markers;
            for (const alerts::Trigger& t : log)
                if (t.key.exchange == key.exchange && t.key.symbol == key.symbol)
                    markers.push_back(chart::ChartMarker{t.timeMs, t.price, markerLabel(t), t.late});
            pane->canvas()->model().setMarkers(std::move(markers));
        }
}

void AlertsUi::refreshState() {
    const bool on = m_service.running();
    m_stateLabel->setText(on ? QString() : tr("Alerts off"));
    m_stateLabel->setToolTip(m_service.failure());
    m_stateLabel->setVisible(!on);
    m_addForChart->setEnabled(on);
    if (!on && !m_service.failure().isEmpty())
        m_window.statusBar()->showMessage(tr("Alerts are off: %1").arg(m_service.failure()), 60000);
}

void AlertsUi::onTriggered(const alerts::Trigger& t) {
    refreshMarkers();
    const QString symbol = QString::fromStdString(t.key.symbol);
    const QString condition = QString::fromStdString(t.condition);
    const QString price = AlertLogDock::priceText(t.price);
    const QString time = QDateTime::fromMSecsSinceEpoch(t.timeMs).toString(QStringLiteral("HH:mm:ss"));
    Notification n;
    n.title = tr("%1: %2").arg(symbol, condition);
    QStringList lines;
    if (!t.message.empty()) lines << QString::fromStdString(t.message);
    lines << (t.late ? tr("Price %1 at %2 (late: seen after a disconnect)").arg(price, time)
                     : tr("Price %1 at %2").arg(price, time));
    n.body = lines.join(QLatin1Char('\n'));
    n.sound = m_settings.alertSound();
    m_notifier.notify(n);
    m_window.statusBar()->showMessage(tr("Alert: %1 %2 at %3").arg(symbol, condition, price), 20000);
}

}  // namespace cpc::app
