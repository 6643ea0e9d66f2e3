#include "cpc/app/alerts_dialog.hpp"

#include "cpc/app/core_text.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QTimeZone>
#include <QVBoxLayout>

#include "cpc/alerts/condition.hpp"
#include "cpc/app/alert_service.hpp"
#include "cpc/core/time.hpp"
#include "cpc/exchange/registry.hpp"

namespace cpc::app {

QString frequencyText(alerts::Frequency frequency) {
    switch (frequency) {
    case alerts::Frequency::Once: return AlertsDialog::tr("Once");
    case alerts::Frequency::OncePerBar: return AlertsDialog::tr("Once per bar");
    case alerts::Frequency::EveryTime: return AlertsDialog::tr("Every time");
    }
    return {};
}

QString evaluationText(alerts::Evaluation evaluation) {
    return evaluation == alerts::Evaluation::EveryTick ? AlertsDialog::tr("Every tick") : AlertsDialog::tr("On bar close");
}

QString alertStateText(const alerts::Alert& alert, std::int64_t now) {
    if (alert.done) return AlertsDialog::tr("fired");
    if (alert.expiredAt(now)) return AlertsDialog::tr("expired");
    if (alert.paused) return AlertsDialog::tr("paused");
    return AlertsDialog::tr("active");
}

// ---- the editor ------------------------------------------------------------------------------

AlertEditDialog::AlertEditDialog(const alerts::Alert& initial, QWidget* parent) : QDialog(parent), m_result(initial) {
    setObjectName(QStringLiteral("alertEditDialog"));
    setWindowTitle(initial.id ? tr("Edit alert") : tr("Add alert"));
    auto* form = new QFormLayout;

    m_venue = new QComboBox(this);
    m_venue->setObjectName(QStringLiteral("alertVenue"));
    for (const std::string& name : exchange::adapterNames()) m_venue->addItem(QString::fromStdString(name));
    m_venue->setCurrentText(QString::fromStdString(initial.key.exchange));
    form->addRow(tr("Exchange"), m_venue);

    m_symbol = new QLineEdit(QString::fromStdString(initial.key.symbol), this);
    m_symbol->setObjectName(QStringLiteral("alertSymbol"));
    form->addRow(tr("Symbol"), m_symbol);

    m_interval = new QComboBox(this);
    m_interval->setObjectName(QStringLiteral("alertInterval"));
    for (const Interval i : kAllIntervals) m_interval->addItem(QString::fromLatin1(toString(i)), static_cast<int>(i));
    m_interval->setCurrentIndex(m_interval->findData(static_cast<int>(initial.key.interval)));
    m_interval->setToolTip(tr("The bars the condition reads (indicators, bar fields, once per bar, on bar close)"));
    form->addRow(tr("Interval"), m_interval);

    m_condition = new QLineEdit(initial.condition.kind.index() == 0 &&
                                        std::get<alerts::Comparison>(initial.condition.kind) == alerts::Comparison{}
                                    ? QString()
                                    : QString::fromStdString(initial.condition.text()),
                                this);
    m_condition->setObjectName(QStringLiteral("alertCondition"));
    m_condition->setPlaceholderText(tr("e.g. price crosses 67000, RSI(14) > 70, EMA(9) crosses EMA(21)"));
    m_condition->setToolTip(QString::fromStdString(alerts::acceptedConditionsText()));
    m_condition->setMinimumWidth(420);
    form->addRow(tr("Condition"), m_condition);

    m_evaluation = new QComboBox(this);
    m_evaluation->setObjectName(QStringLiteral("alertEvaluation"));
    for (const auto e : {alerts::Evaluation::EveryTick, alerts::Evaluation::OnBarClose})
        m_evaluation->addItem(evaluationText(e), static_cast<int>(e));
    m_evaluation->setCurrentIndex(m_evaluation->findData(static_cast<int>(initial.evaluation)));
    form->addRow(tr("Evaluate"), m_evaluation);

    m_frequency = new QComboBox(this);
    m_frequency->setObjectName(QStringLiteral("alertFrequency"));
    for (const auto f : {alerts::Frequency::Once, alerts::Frequency::OncePerBar, alerts::Frequency::EveryTime})
        m_frequency->addItem(frequencyText(f), static_cast<int>(f));
    m_frequency->setCurrentIndex(m_frequency->findData(static_cast<int>(initial.frequency)));
    form->addRow(tr("Trigger"), m_frequency);

    auto* expiryRow = new QHBoxLayout;
    m_expires = new QCheckBox(tr("Expires"), this);
    m_expires->setObjectName(QStringLiteral("alertExpires"));
    m_expiry = new QDateTimeEdit(this);
    m_expiry->setObjectName(QStringLiteral("alertExpiry"));
    m_expiry->setCalendarPopup(true);
    m_expiry->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
    const std::int64_t expiry = initial.expiresMs.value_or(nowMs() + kDayMs);
    m_expiry->setDateTime(QDateTime::fromMSecsSinceEpoch(expiry));
    m_expires->setChecked(initial.expiresMs.has_value());
    m_expiry->setEnabled(m_expires->isChecked());
    connect(m_expires, &QCheckBox::toggled, m_expiry, &QWidget::setEnabled);
    expiryRow->addWidget(m_expires);
    expiryRow->addWidget(m_expiry, 1);
    form->addRow(tr("Expiry"), expiryRow);

    m_message = new QLineEdit(QString::fromStdString(initial.message), this);
    m_message->setObjectName(QStringLiteral("alertMessage"));
    m_message->setPlaceholderText(tr("Your own text, shown with each notification"));
    form->addRow(tr("Message"), m_message);

    // The parser's refusal names what is wrong and then lists every accepted form: scrollable.
    m_error = new QPlainTextEdit(this);
    m_error->setObjectName(QStringLiteral("alertError"));
    m_error->setReadOnly(true);
    m_error->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_error->setMinimumHeight(130);
    m_error->setMaximumHeight(180);
    m_error->setStyleSheet(QStringLiteral("color: #e53935;"));
    m_error->hide();

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
}

QString AlertEditDialog::errorText() const { return m_error->toPlainText(); }

void AlertEditDialog::accept() {
    auto refuse = [this](const QString& message) {
        m_error->setPlainText(message);
        m_error->show();
        adjustSize();
    };
    alerts::Alert a = m_result;
    a.key.exchange = m_venue->currentText().toStdString();
    a.key.symbol = m_symbol->text().trimmed().toUpper().toStdString();
    a.key.interval = static_cast<Interval>(m_interval->currentData().toInt());
    if (a.key.symbol.empty()) return refuse(tr("Enter a symbol, e.g. BTCUSDT."));
    if (auto adapter = exchange::makeAdapter(a.key.exchange)) {
        if (const auto bad = (*adapter)->checkSymbol(a.key.symbol))
            return refuse(tr("Symbol: %1").arg(coreText(bad->message)));
    }
    auto condition = alerts::parseCondition(m_condition->text().toStdString());
    if (!condition) return refuse(QString::fromStdString(condition.error().message));
    a.condition = *condition;
    a.evaluation = static_cast<alerts::Evaluation>(m_evaluation->currentData().toInt());
    a.frequency = static_cast<alerts::Frequency>(m_frequency->currentData().toInt());
    a.expiresMs = m_expires->isChecked() ? std::optional<std::int64_t>(m_expiry->dateTime().toMSecsSinceEpoch())
                                         : std::nullopt;
    if (a.expiresMs && *a.expiresMs <= nowMs()) return refuse(tr("The expiry is in the past."));
    a.message = m_message->text().trimmed().toStdString();
    m_result = std::move(a);
    m_error->clear();
    m_error->hide();
    QDialog::accept();
}

// ---- the list --------------------------------------------------------------------------------

namespace {
enum Column { ColId, ColSymbol, ColCondition, ColTrigger, ColState, ColFired, ColMessage, ColCount };
}

AlertsDialog::AlertsDialog(AlertService& service, alerts::Alert newAlert, QWidget* parent)
    : QDialog(parent), m_service(service), m_newAlert(std::move(newAlert)) {
    setObjectName(QStringLiteral("alertsDialog"));
    setWindowTitle(tr("Alerts"));
    resize(860, 380);
    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("alertsState"));
    m_state->setWordWrap(true);
    m_state->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_state->setStyleSheet(QStringLiteral("color: #e53935;"));

    m_table = new QTableWidget(0, ColCount, this);
    m_table->setObjectName(QStringLiteral("alertsTable"));
    m_table->setHorizontalHeaderLabels(
        {tr("Id"), tr("Symbol"), tr("Condition"), tr("Trigger"), tr("State"), tr("Fired"), tr("Message")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false);
    for (const int c : {ColId, ColSymbol, ColTrigger, ColState, ColFired})
        m_table->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(ColCondition, QHeaderView::Stretch);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &AlertsDialog::updateButtons);
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this] { editSelected(); });

    auto makeButton = [this](const QString& text, const char* name) {
        auto* b = new QPushButton(text, this);
        b->setObjectName(QString::fromLatin1(name));
        b->setAutoDefault(false);
        return b;
    };
    m_add = makeButton(tr("Add…"), "alertsAdd");
    m_edit = makeButton(tr("Edit…"), "alertsEdit");
    m_pause = makeButton(tr("Pause"), "alertsPause");
    m_delete = makeButton(tr("Delete"), "alertsDelete");
    auto* close = makeButton(tr("Close"), "alertsClose");
    connect(m_add, &QPushButton::clicked, this, &AlertsDialog::addAlert);
    connect(m_edit, &QPushButton::clicked, this, &AlertsDialog::editSelected);
    connect(m_pause, &QPushButton::clicked, this, &AlertsDialog::togglePauseSelected);
    connect(m_delete, &QPushButton::clicked, this, &AlertsDialog::deleteSelected);
    connect(close, &QPushButton::clicked, this, &QDialog::accept);
    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {m_add, m_edit, m_pause, m_delete}) buttons->addWidget(b);
    buttons->addStretch(1);
    buttons->addWidget(close);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_state);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);

    connect(&m_service, &AlertService::alertsChanged, this, &AlertsDialog::refresh);
    connect(&m_service, &AlertService::stateChanged, this, &AlertsDialog::refresh);
    connect(&m_service, &AlertService::problemRaised, this, &AlertsDialog::showError);
    refresh();
}

void AlertsDialog::refresh() {
    const std::optional<std::int64_t> selected = selectedId();
    m_alerts = m_service.alerts();
    const std::int64_t now = nowMs();
    m_table->setRowCount(static_cast<int>(m_alerts.size()));
    int reselect = -1;
    for (int row = 0; row < static_cast<int>(m_alerts.size()); ++row) {
        const alerts::Alert& a = m_alerts[static_cast<std::size_t>(row)];
        const QString fired = a.lastFiredMs
                                  ? tr("%n time(s), last %1", nullptr, static_cast<int>(a.fireCount))
                                        .arg(QDateTime::fromMSecsSinceEpoch(*a.lastFiredMs).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")))
                                  : tr("never");
        const QString cells[ColCount] = {
            QString::number(a.id),
            QStringLiteral("%1 · %2 · %3").arg(QString::fromStdString(a.key.exchange), QString::fromStdString(a.key.symbol),
                                               QString::fromLatin1(toString(a.key.interval))),
            QString::fromStdString(a.condition.text()),
            QStringLiteral("%1, %2").arg(frequencyText(a.frequency), evaluationText(a.evaluation).toLower()),
            alertStateText(a, now),
            fired,
            QString::fromStdString(a.message)};
        for (int c = 0; c < ColCount; ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (c == ColCondition) item->setToolTip(cells[c]);
            m_table->setItem(row, c, item);
        }
        if (selected && a.id == *selected) reselect = row;
    }
    if (reselect >= 0) m_table->selectRow(reselect);
    if (!m_service.running())
        m_state->setText(m_service.failure().isEmpty() ? tr("Alerts are not running.")
                                                       : tr("Alerts are off: %1").arg(m_service.failure()));
    m_state->setVisible(!m_state->text().isEmpty());
    updateButtons();
}

std::optional<std::int64_t> AlertsDialog::selectedId() const {
    const auto rows = m_table->selectionModel() ? m_table->selectionModel()->selectedRows() : QModelIndexList{};
    if (rows.isEmpty()) return std::nullopt;
    const int row = rows.first().row();
    if (row < 0 || row >= static_cast<int>(m_alerts.size())) return std::nullopt;
    return m_alerts[static_cast<std::size_t>(row)].id;
}

QString AlertsDialog::stateText() const { return m_state->isVisible() ? m_state->text() : QString(); }

void AlertsDialog::showError(const QString& message) {
    m_state->setText(message);
    m_state->setVisible(!message.isEmpty());
}

void AlertsDialog::updateButtons() {
    const bool on = m_service.running();
    const auto id = selectedId();
    m_add->setEnabled(on);
    m_edit->setEnabled(on && id);
    m_delete->setEnabled(on && id);
    const alerts::Alert* a = nullptr;
    for (const auto& alert : m_alerts)
        if (id && alert.id == *id) a = &alert;
    m_pause->setEnabled(on && a && !a->done);
    m_pause->setText(a && a->paused ? tr("Resume") : tr("Pause"));
}

bool AlertsDialog::runEditor(AlertEditDialog& editor) { return editor.exec() == QDialog::Accepted; }

void AlertsDialog::addAlert() {
    AlertEditDialog editor(m_newAlert, this);
    if (!runEditor(editor)) return;
    alerts::Alert a = editor.alert();
    a.createdMs = 0;
    if (auto id = m_service.add(a); !id) showError(tr("The alert was not added: %1").arg(QString::fromStdString(id.error().message)));
    else showError({});
}

void AlertsDialog::editSelected() {
    const auto id = selectedId();
    if (!id) return;
    alerts::Alert current;
    for (const auto& a : m_alerts)
        if (a.id == *id) current = a;
    AlertEditDialog editor(current, this);
    if (!runEditor(editor)) return;
    if (auto r = m_service.replace(*id, editor.alert()); !r)
        showError(tr("The alert was not changed: %1").arg(QString::fromStdString(r.error().message)));
    else showError({});
}

void AlertsDialog::togglePauseSelected() {
    const auto id = selectedId();
    if (!id) return;
    bool paused = false;
    for (const auto& a : m_alerts)
        if (a.id == *id) paused = a.paused;
    if (auto r = m_service.setPaused(*id, !paused); !r) showError(QString::fromStdString(r.error().message));
}

void AlertsDialog::deleteSelected() {
    const auto id = selectedId();
    if (!id) return;
    if (auto r = m_service.remove(*id); !r) showError(QString::fromStdString(r.error().message));
}

}  // namespace cpc::app
