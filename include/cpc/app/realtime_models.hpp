#pragma once
// Bounded views of the realtime window: the live trades table model (newest on top, at most
// maxRows rows) and the order book ladder widget (top N levels each side with size bars and the
// spread). GUI thread only; both take whole batches, so a frame costs one model change.
#include <QAbstractTableModel>
#include <QStaticText>
#include <QTimeZone>
#include <QWidget>
#include <array>
#include <deque>
#include <span>

#include "cpc/app/frame_pacer.hpp"
#include "cpc/exchange/events.hpp"
#include "cpc/feed/feed_events.hpp"

namespace cpc::app {

class TradesTableModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Time, Price, Quantity, Side, ColumnCount };

    explicit TradesTableModel(int maxRows = 500, QObject* parent = nullptr);

    // Adds trades in arrival order (oldest first); they appear newest on top. Rows beyond
    // maxRows are dropped from the bottom.
    void addTrades(std::span<const exchange::TradeTick> trades);
    void clear();
    void setMaxRows(int maxRows);
    int maxRows() const { return m_maxRows; }
    // Row 0 is the newest.
    const exchange::TradeTick& trade(int row) const { return m_trades[static_cast<std::size_t>(row)]; }
    // Price and quantity decimals shown (the symbol's tick and step sizes).
    void setDecimals(int priceDecimals, int quantityDecimals);
    // The zone the Time column shows (and its header names): the app's, "UTC" (the default),
    // "local" or an IANA name. False, and unchanged, when the name is not a zone.
    bool setTimeZone(const QString& name);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    static const QColor& buyColor();   // the buyer was the taker
    static const QColor& sellColor();  // the seller was the taker

    // A cell's text laid out once (QStaticText) for TradeTape: a trade's row never
    // changes, so a tape repainted every display frame shapes each text once, when the trade
    // arrives, instead of at every paint. Dropped with the row, and on a decimals or zone change.
    // Laid out in `font` (the tape's), so that its size is right before its first paint.
    const QStaticText& cellText(int row, int column, const QFont& font) const;
    // The colour a cell is drawn in: buy or sell for the price and the side, else `normal`.
    const QColor& cellColour(int row, int column, const QColor& normal) const;

private:
    QString displayText(const exchange::TradeTick& t, int column) const;
    void dropTexts() const;

    std::deque<exchange::TradeTick> m_trades;  // front = newest
    mutable std::deque<std::array<QStaticText, ColumnCount>> m_texts;  // beside m_trades
    mutable std::array<QStaticText, 2> m_sideTexts;                     // "Buy", "Sell"
    int m_maxRows;
    int m_priceDecimals = 2, m_quantityDecimals = 5;
    QTimeZone m_zone = QTimeZone::utc();
    QString m_zoneName = QStringLiteral("UTC");
};

class OrderBookLadder final : public QWidget {
    Q_OBJECT
public:
    explicit OrderBookLadder(int levels = 10, QWidget* parent = nullptr);

    void setBook(const feed::OrderBookView& book);
    void clear();
    const feed::OrderBookView& book() const { return m_book; }
    int levels() const { return m_levels; }
    void setDecimals(int priceDecimals, int quantityDecimals);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    feed::OrderBookView m_book;
    FramePacer m_pacer;  // a new book repaints at most once a display frame
    int m_levels;
    int m_priceDecimals = 2, m_quantityDecimals = 5;
};

// "12.50" from a Decimal with `decimals` fraction digits (Binance strings carry 8).
QString formatDecimal(const Decimal& value, int decimals);

}  // namespace cpc::app
