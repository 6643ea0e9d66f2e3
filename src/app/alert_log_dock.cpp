#include "cpc/app/alert_log_dock.hpp"

#include <QDateTime>
#include <QHeaderView>
#include <QLocale>
#include <QTableWidget>
#include <algorithm>
#include <cmath>

#include "cpc/app/alert_service.hpp"

namespace cpc::app {

AlertLogDock::AlertLogDock(AlertService& service, QWidget* parent)
    : QDockWidget(tr("Alert log"), parent), m_service(service) {
    setObjectName(QStringLiteral("alertLogDock"));
    m_table = new QTableWidget(0, ColCount, this);
    m_table->setObjectName(QStringLiteral("alertLogTable"));
    m_table->setHorizontalHeaderLabels({tr("Time"), tr("Symbol"), tr("Condition"), tr("Price"), tr("Late"), tr("Message")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false);
    for (const int c : {ColTime, ColSymbol, ColPrice, ColLate})
        m_table->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(ColCondition, QHeaderView::Stretch);
    setWidget(m_table);
    connect(&m_service, &AlertService::triggered, this, [this](const alerts::Trigger& t) {
        insertRow(0, t);
        while (m_table->rowCount() > static_cast<int>(AlertService::kLogLimit)) m_table->removeRow(m_table->rowCount() - 1);
    });
    // The log is read at start (the service may start after the dock exists).
    connect(&m_service, &AlertService::stateChanged, this, [this] {
        if (m_table->rowCount() == 0 && !m_service.log().empty()) reload();
    });
    reload();
}

void AlertLogDock::reload() {
    m_table->setRowCount(0);
    const auto& log = m_service.log();
    for (std::size_t i = 0; i < log.size(); ++i) insertRow(static_cast<int>(i), log[i]);
}

QString AlertLogDock::priceText(double price) {
    int decimals = 2;
    auto scaled = [&] { return price * std::pow(10.0, decimals); };
    while (decimals < 8 && std::fabs(scaled() - std::round(scaled())) > 1e-6 * std::max(1.0, std::fabs(scaled()))) ++decimals;
    return QLocale().toString(price, 'f', decimals);
}

void AlertLogDock::insertRow(int row, const alerts::Trigger& t) {
    m_table->insertRow(row);
    // Market time of the firing, in local time with seconds; a late one's time is its bar's close.
    const QString time = QDateTime::fromMSecsSinceEpoch(t.timeMs).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    const QString cells[ColCount] = {
        time,
        QStringLiteral("%1 · %2 · %3").arg(QString::fromStdString(t.key.exchange), QString::fromStdString(t.key.symbol),
                                           QString::fromLatin1(toString(t.key.interval))),
        QString::fromStdString(t.condition),
        priceText(t.price),
        t.late ? tr("late") : tr("no"),
        QString::fromStdString(t.message)};
    for (int c = 0; c < ColCount; ++c) {
        auto* item = new QTableWidgetItem(cells[c]);
        if (c == ColLate && t.late)
            item->setToolTip(tr("Seen only in history fetched after a disconnect; it happened at %1, reported %2")
                                 .arg(time, QDateTime::fromMSecsSinceEpoch(t.detectedMs).toString(QStringLiteral("HH:mm:ss"))));
        if (c == ColCondition) item->setToolTip(cells[c]);
        if (c == ColPrice) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(row, c, item);
    }
}

}  // namespace cpc::app
