#pragma once
// The realtime window's list of a perpetual's liquidations (newest first, bounded): time, which
// side was liquidated, price, quantity and value. Filled from the window's own liquidation stream.
#include <QTableWidget>
#include <QTimeZone>

#include "cpc/exchange/events.hpp"

namespace cpc::app {

class LiquidationTable final : public QTableWidget {
    Q_OBJECT
public:
    enum Column { Time, Side, Price, Quantity, Value, ColumnCount };

    explicit LiquidationTable(int maxRows, QWidget* parent = nullptr);
    // "UTC", "local" or an IANA name; false (UTC kept) for an unknown one.
    bool setTimeZone(const QString& name);
    void setPriceDecimals(int decimals) { m_decimals = decimals; }
    void add(const exchange::Liquidation& liquidation);
    std::uint64_t added() const { return m_added; }

private:
    int m_maxRows;
    int m_decimals = 2;
    QTimeZone m_zone = QTimeZone::utc();
    std::uint64_t m_added = 0;
};

}  // namespace cpc::app
