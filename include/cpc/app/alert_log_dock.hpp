#pragma once
// The alert log dock (Alerts ▸ Alert log): every firing, newest first — time (local), symbol,
// condition, price, late or not, and the user's message. Filled from the AlertService's log,
// which it loads from the alert database at start, so the log survives a restart; a trigger
// adds its row at the top as it comes.
#include <QDockWidget>
#include <vector>

#include "cpc/alerts/alert.hpp"

class QTableWidget;

namespace cpc::app {

class AlertService;

class AlertLogDock final : public QDockWidget {
    Q_OBJECT
public:
    explicit AlertLogDock(AlertService& service, QWidget* parent = nullptr);

    QTableWidget* table() const { return m_table; }
    // Rebuilds every row from the service's log.
    void reload();

    // A trigger's price in the interface locale with as many decimals as it needs (2 to 8).
    static QString priceText(double price);

    enum Column { ColTime, ColSymbol, ColCondition, ColPrice, ColLate, ColMessage, ColCount };

private:
    void insertRow(int row, const alerts::Trigger& trigger);

    AlertService& m_service;
    QTableWidget* m_table = nullptr;
};

}  // namespace cpc::app
