#pragma once
// Bounded views of the realtime window: the live trades table model (newest on top, at most
// maxRows rows) and the order book ladder widget (top N levels each side with size bars and the
// spread). GUI thread only; both take whole batches, so a frame costs one model change.
#include <QAbstractTableModel>
#include <QTimeZone>
#include <QWidget>
#include <array>
#include <cstdint>
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

    // A cell's text, as DisplayRole gives it (TradeTape draws it when the row first shows).
    QString cellText(int row, int column) const { return displayText(trade(row), column); }
    // The colour a cell is drawn in: buy or sell for the price and the side, else `normal`.
    const QColor& cellColour(int row, int column, const QColor& normal) const;
    // "HH:mm:ss.zzz" of `ms` in the model's zone. The zone's offset is looked up once per UTC
    // quarter hour (every zone's changes fall on one): at 1,000 trades a second a QDateTime
    // conversion and format per trade was a measurable part of the window's GUI time.
    QString timeText(std::int64_t ms) const;

private:
    QString displayText(const exchange::TradeTick& t, int column) const;

    std::deque<exchange::TradeTick> m_trades;  // front = newest
    int m_maxRows;
    int m_priceDecimals = 2, m_quantityDecimals = 5;
    QTimeZone m_zone = QTimeZone::utc();
    QString m_zoneName = QStringLiteral("UTC");
    mutable std::int64_t m_offsetBlock = -1;  // the UTC quarter hour m_offsetMs is of (-1: none)
    mutable std::int64_t m_offsetMs = 0;
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
    // Frame pacing of the repaints (the screen's refresh period unless set; 0: none, for an
    // owner that paces the books it gives).
    void setFramePeriod(std::chrono::milliseconds period) { m_pacer.setPeriod(period); }

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

// One value of a panel that changes many times a second (the 24 h ticker's prices, the best bid
// and ask). Unlike a QLabel, a new text repaints only this widget — opaque, so the group box
// behind it is not painted again — and asks for a new layout of the window only when the text
// is wider than any it has shown (the width it keeps never shrinks while it lives).
class ValueLabel final : public QWidget {
    Q_OBJECT
public:
    explicit ValueLabel(const QString& text, QWidget* parent = nullptr);

    void setText(const QString& text);
    const QString& text() const { return m_text; }
    // The text's colour (the palette's WindowText when invalid).
    void setColour(const QColor& colour);
    const QColor& colour() const { return m_colour; }
    std::uint64_t layoutRequests() const { return m_layoutRequests; }  // for tests

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return sizeHint(); }

protected:
    void paintEvent(QPaintEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    QString m_text;
    QColor m_colour;
    int m_textWidth = 0;  // the widest text shown
    qsizetype m_longest = 0;  // the most characters shown
    bool m_fixedPitch = false;  // then a text with no more characters than m_longest is no wider
    std::uint64_t m_layoutRequests = 0;
};

// "12.50" from a Decimal with `decimals` fraction digits (Binance strings carry 8).
QString formatDecimal(const Decimal& value, int decimals);

}  // namespace cpc::app
