#pragma once
// The Alerts dialog (Alerts ▸ Alerts…): every stored alert with its state, and Add, Edit,
// Pause/Resume and Delete; and the editor of one alert (AlertEditDialog), whose condition text
// is read by the core's parser (alerts::parseCondition) — a refusal is shown in the dialog with
// the parser's message and the dialog stays open. When alerts are off (the database refused) the
// dialog says why in red and its buttons are disabled.
#include <QDialog>
#include <QString>
#include <optional>

#include "cpc/alerts/alert.hpp"

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace cpc::app {

class AlertService;

class AlertEditDialog final : public QDialog {
    Q_OBJECT
public:
    // `initial`: the alert to edit, or a new one's defaults (the chart's series, a condition made
    // from a price or a drawing).
    explicit AlertEditDialog(const alerts::Alert& initial, QWidget* parent = nullptr);

    // The alert as entered (valid after accept()).
    alerts::Alert alert() const { return m_result; }
    // The message shown for the last refused input (empty: none).
    QString errorText() const;

    // OK: checks the symbol (the venue's alphabet) and reads the condition; on error shows it and
    // stays open.
    void accept() override;

private:
    alerts::Alert m_result;
    QComboBox* m_venue = nullptr;
    QLineEdit* m_symbol = nullptr;
    QComboBox* m_interval = nullptr;
    QLineEdit* m_condition = nullptr;
    QComboBox* m_evaluation = nullptr;
    QComboBox* m_frequency = nullptr;
    QCheckBox* m_expires = nullptr;
    QDateTimeEdit* m_expiry = nullptr;
    QLineEdit* m_message = nullptr;
    QPlainTextEdit* m_error = nullptr;
};

class AlertsDialog final : public QDialog {
    Q_OBJECT
public:
    // `newAlert`: the defaults of Add… (the chart's series).
    AlertsDialog(AlertService& service, alerts::Alert newAlert, QWidget* parent = nullptr);

    // Reads the alerts again (the service's alertsChanged does it too).
    void refresh();
    QTableWidget* table() const { return m_table; }
    // The id of the selected row's alert.
    std::optional<std::int64_t> selectedId() const;
    // The state line: why alerts are off, or the newest problem, or empty.
    QString stateText() const;
    // The buttons' actions. Add… and Edit… open the editor modally (exec) and store what it
    // returns; a refusal by the engine is shown in the state line.
    void addAlert();
    void editSelected();
    void togglePauseSelected();
    void deleteSelected();

private:
    bool runEditor(AlertEditDialog& editor);
    void showError(const QString& message);
    void updateButtons();

    AlertService& m_service;
    alerts::Alert m_newAlert;
    QLabel* m_state = nullptr;
    QTableWidget* m_table = nullptr;
    QPushButton* m_add = nullptr;
    QPushButton* m_edit = nullptr;
    QPushButton* m_pause = nullptr;
    QPushButton* m_delete = nullptr;
    std::vector<alerts::Alert> m_alerts;  // the rows
};

// "Once" / "Once per bar" / "Every time" and "Every tick" / "On bar close", in the interface's
// language.
QString frequencyText(alerts::Frequency frequency);
QString evaluationText(alerts::Evaluation evaluation);
// "active", "paused", "fired" (done), "expired".
QString alertStateText(const alerts::Alert& alert, std::int64_t nowMs);

}  // namespace cpc::app
