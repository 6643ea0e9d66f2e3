#include "cpc/app/perp_liquidations.hpp"

#include <QDateTime>
#include <QHeaderView>
#include <QLocale>


namespace cpc::app {

LiquidationTable::LiquidationTable(int maxRows, QWidget* parent)
    : QTableWidget(0, ColumnCount, parent), m_maxRows(std::max(1, maxRows)) {
    setObjectName(QStringLiteral("liquidationTable"));
    setHorizontalHeaderLabels({tr("Time"), tr("Liquidated"), tr("Price"), tr("Quantity"), tr("Value")});
    verticalHeader()->hide();
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionMode(QAbstractItemView::NoSelection);
    setShowGrid(false);
    horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 2);
}

bool LiquidationTable::setTimeZone(const QString& name) {
    const QTimeZone zone = name == QLatin1String("UTC")     ? QTimeZone::utc()
                           : name == QLatin1String("local") ? QTimeZone::systemTimeZone()
                                                            : QTimeZone(name.toUtf8());
    if (!zone.isValid()) return false;
    m_zone = zone;
    return true;
}

void LiquidationTable::add(const exchange::Liquidation& l) {
    ++m_added;
    insertRow(0);
    const QLocale locale;
    const double price = l.price.toDouble();
    const double quantity = l.quantity.toDouble();
    const QString time =
        QDateTime::fromMSecsSinceEpoch(l.timeMs, m_zone).toString(QStringLiteral("HH:mm:ss.zzz"));
    // A long liquidated is a forced sell (falling colour), a short a forced buy.
    const QColor colour = l.longLiquidated ? QColor(0xef, 0x53, 0x50) : QColor(0x26, 0xa6, 0x9a);
    const QString cells[ColumnCount] = {
        time,
        l.longLiquidated ? tr("Long") : tr("Short"),
        locale.toString(price, 'f', m_decimals),
        l.contracts ? tr("%1 contracts").arg(locale.toString(quantity, 'g', 8)) : locale.toString(quantity, 'g', 8),
        l.contracts ? QStringLiteral("–") : locale.toString(price * quantity, 'f', 0),
    };
    for (int c = 0; c < ColumnCount; ++c) {
        auto* item = new QTableWidgetItem(cells[c]);
        if (c == Side) item->setForeground(colour);
        if (c != Time && c != Side) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        setItem(0, c, item);
    }
    while (rowCount() > m_maxRows) removeRow(rowCount() - 1);
}

}  // namespace cpc::app
