#include "cpc/app/realtime_models.hpp"

#include <QColor>
#include <QDateTime>
#include <QEvent>
#include <QFontDatabase>
#include <QLocale>
#include <QPainter>
#include <algorithm>

namespace cpc::app {

QString formatDecimal(const Decimal& value, int decimals) {
    std::string s = value.toString();
    const auto dot = s.find('.');
    if (dot != std::string::npos) {
        if (decimals <= 0)
            s.resize(dot);
        else
            s.resize(std::min(s.size(), dot + 1 + static_cast<std::size_t>(decimals)));
    }
    // The interface's decimal separator (pt_BR: comma); no grouping, as the venues print prices.
    return QString::fromStdString(s).replace(QLatin1Char('.'), QLocale().decimalPoint());
}

// ---- TradesTableModel ---------------------------------------------------------------------

TradesTableModel::TradesTableModel(int maxRows, QObject* parent)
    : QAbstractTableModel(parent), m_maxRows(std::max(1, maxRows)) {}

const QColor& TradesTableModel::buyColor() {
    static const QColor c(0x26, 0xa6, 0x9a);
    return c;
}

const QColor& TradesTableModel::sellColor() {
    static const QColor c(0xef, 0x53, 0x50);
    return c;
}

void TradesTableModel::addTrades(std::span<const exchange::TradeTick> trades) {
    if (trades.empty()) return;
    // Only the newest maxRows of the batch can be shown.
    const std::size_t keep = std::min(trades.size(), static_cast<std::size_t>(m_maxRows));
    const auto batch = trades.subspan(trades.size() - keep);
    const int incoming = static_cast<int>(batch.size());
    const int overflow = static_cast<int>(m_trades.size()) + incoming - m_maxRows;
    if (overflow > 0) {
        const int first = static_cast<int>(m_trades.size()) - overflow;
        beginRemoveRows({}, first, static_cast<int>(m_trades.size()) - 1);
        m_trades.erase(m_trades.end() - overflow, m_trades.end());
        endRemoveRows();
    }
    beginInsertRows({}, 0, incoming - 1);
    for (const auto& t : batch) {
        m_trades.push_front(t);  // the last of the batch ends on top
    }
    endInsertRows();
}

void TradesTableModel::clear() {
    beginResetModel();
    m_trades.clear();
    endResetModel();
}

QString TradesTableModel::timeText(std::int64_t ms) const {
    constexpr std::int64_t kBlockMs = 15 * 60'000;
    const std::int64_t block = ms >= 0 ? ms / kBlockMs : (ms - kBlockMs + 1) / kBlockMs;
    if (block != m_offsetBlock) {
        m_offsetBlock = block;
        m_offsetMs = static_cast<std::int64_t>(m_zone.offsetFromUtc(QDateTime::fromMSecsSinceEpoch(block * kBlockMs, QTimeZone::utc()))) * 1000;
    }
    constexpr std::int64_t kDayMs = 86'400'000;
    const std::int64_t inDay = ((ms + m_offsetMs) % kDayMs + kDayMs) % kDayMs;
    const auto two = [](QChar* at, std::int64_t v) {
        at[0] = QLatin1Char(static_cast<char>('0' + v / 10));
        at[1] = QLatin1Char(static_cast<char>('0' + v % 10));
    };
    QString text(12, QLatin1Char(':'));
    QChar* c = text.data();
    two(c, inDay / 3'600'000);
    two(c + 3, inDay / 60'000 % 60);
    two(c + 6, inDay / 1000 % 60);
    c[8] = QLatin1Char('.');
    const std::int64_t milli = inDay % 1000;
    c[9] = QLatin1Char(static_cast<char>('0' + milli / 100));
    two(c + 10, milli % 100);
    return text;
}

QString TradesTableModel::displayText(const exchange::TradeTick& t, int column) const {
    switch (column) {
        case Time: return timeText(t.timeMs);
        case Price: return formatDecimal(t.price, m_priceDecimals);
        case Quantity: return formatDecimal(t.quantity, m_quantityDecimals);
        case Side: return !t.buyerIsMaker ? tr("Buy") : tr("Sell");
        default: return {};
    }
}

const QColor& TradesTableModel::cellColour(int row, int column, const QColor& normal) const {
    if (column != Price && column != Side) return normal;
    return !trade(row).buyerIsMaker ? buyColor() : sellColor();
}

void TradesTableModel::setMaxRows(int maxRows) {
    m_maxRows = std::max(1, maxRows);
    const int overflow = static_cast<int>(m_trades.size()) - m_maxRows;
    if (overflow > 0) {
        beginRemoveRows({}, m_maxRows, static_cast<int>(m_trades.size()) - 1);
        m_trades.erase(m_trades.end() - overflow, m_trades.end());
        endRemoveRows();
    }
}

void TradesTableModel::setDecimals(int priceDecimals, int quantityDecimals) {
    m_priceDecimals = priceDecimals;
    m_quantityDecimals = quantityDecimals;
    if (!m_trades.empty()) emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

int TradesTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_trades.size());
}

int TradesTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant TradesTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const exchange::TradeTick& t = trade(index.row());
    const bool takerBuy = !t.buyerIsMaker;
    switch (role) {
        case Qt::DisplayRole: return displayText(t, index.column());
        case Qt::ForegroundRole:
            if (index.column() == Price || index.column() == Side) return takerBuy ? buyColor() : sellColor();
            return {};
        case Qt::TextAlignmentRole:
            return index.column() == Price || index.column() == Quantity
                       ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                       : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
        case Qt::ToolTipRole:
            return tr("Trade %1%2").arg(t.tradeId).arg(takerBuy ? tr(": the buyer was the taker") : tr(": the seller was the taker"));
        default: return {};
    }
}

bool TradesTableModel::setTimeZone(const QString& name) {
    const QTimeZone zone = name == QLatin1String("UTC")     ? QTimeZone::utc()
                           : name == QLatin1String("local") ? QTimeZone::systemTimeZone()
                                                            : QTimeZone(name.toUtf8());
    if (!zone.isValid()) return false;
    m_zone = zone;
    m_zoneName = name == QLatin1String("local") ? QString::fromUtf8(QTimeZone::systemTimeZoneId()) : name;
    m_offsetBlock = -1;
    emit headerDataChanged(Qt::Horizontal, Time, Time);
    if (rowCount() > 0) emit dataChanged(index(0, Time), index(rowCount() - 1, Time));
    return true;
}

QVariant TradesTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
        case Time: return tr("Time (%1)").arg(m_zoneName);
        case Price: return tr("Price");
        case Quantity: return tr("Quantity");
        case Side: return tr("Taker");
        default: return {};
    }
}

// ---- OrderBookLadder ----------------------------------------------------------------------

OrderBookLadder::OrderBookLadder(int levels, QWidget* parent)
    : QWidget(parent), m_pacer(this, [this] { update(); }), m_levels(std::max(1, levels)) {
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setAttribute(Qt::WA_OpaquePaintEvent);
    m_pacer.followScreen(screen());
}

void OrderBookLadder::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    m_pacer.followScreen(screen());
}

void OrderBookLadder::setBook(const feed::OrderBookView& book) {
    m_book = book;
    m_pacer.request();
}

void OrderBookLadder::clear() {
    m_book = {};
    update();
}

void OrderBookLadder::setDecimals(int priceDecimals, int quantityDecimals) {
    m_priceDecimals = priceDecimals;
    m_quantityDecimals = quantityDecimals;
    update();
}

QSize OrderBookLadder::sizeHint() const {
    const int row = fontMetrics().height() + 2;
    return {fontMetrics().horizontalAdvance(QLatin1Char('0')) * 36, row * (2 * m_levels + 2)};
}

QSize OrderBookLadder::minimumSizeHint() const {
    const int row = fontMetrics().height() + 2;
    return {fontMetrics().horizontalAdvance(QLatin1Char('0')) * 28, row * 8};
}

void OrderBookLadder::paintEvent(QPaintEvent*) {
    QPainter p(this);
    const QPalette& pal = palette();
    p.fillRect(rect(), pal.color(QPalette::Base));
    const QFontMetrics fm = fontMetrics();
    const int rowH = fm.height() + 2;
    const int w = width();
    // Rows: header, asks (worst at the top, best just above the spread), spread, bids (best first).
    const int levels = std::clamp((height() / rowH - 2) / 2, 1, m_levels);
    const auto asks = std::span(m_book.asks).first(std::min<std::size_t>(m_book.asks.size(), static_cast<std::size_t>(levels)));
    const auto bids = std::span(m_book.bids).first(std::min<std::size_t>(m_book.bids.size(), static_cast<std::size_t>(levels)));
    double maxQty = 0;
    for (const auto& l : asks) maxQty = std::max(maxQty, l.quantity.toDouble());
    for (const auto& l : bids) maxQty = std::max(maxQty, l.quantity.toDouble());

    const int pad = 6;
    const int priceRight = w / 2 - pad;
    const int qtyRight = w - pad;
    p.setPen(pal.color(QPalette::PlaceholderText));
    p.drawText(QRect(pad, 0, priceRight - pad, rowH), Qt::AlignRight | Qt::AlignVCenter, tr("Price"));
    p.drawText(QRect(priceRight, 0, qtyRight - priceRight, rowH), Qt::AlignRight | Qt::AlignVCenter, tr("Size"));

    QColor askBar = TradesTableModel::sellColor();
    askBar.setAlpha(60);
    QColor bidBar = TradesTableModel::buyColor();
    bidBar.setAlpha(60);
    const auto drawLevel = [&](int y, const exchange::PriceLevel& l, const QColor& text, const QColor& bar) {
        const double share = maxQty > 0 ? l.quantity.toDouble() / maxQty : 0;
        const int barW = static_cast<int>(share * (w - 2 * pad));
        p.fillRect(QRect(w - pad - barW, y + 1, barW, rowH - 2), bar);
        p.setPen(text);
        p.drawText(QRect(pad, y, priceRight - pad, rowH), Qt::AlignRight | Qt::AlignVCenter,
                   formatDecimal(l.price, m_priceDecimals));
        p.setPen(pal.color(QPalette::Text));
        p.drawText(QRect(priceRight, y, qtyRight - priceRight, rowH), Qt::AlignRight | Qt::AlignVCenter,
                   formatDecimal(l.quantity, m_quantityDecimals));
    };
    int y = rowH + (levels - static_cast<int>(asks.size())) * rowH;
    for (auto it = asks.rbegin(); it != asks.rend(); ++it, y += rowH)
        drawLevel(y, *it, TradesTableModel::sellColor(), askBar);
    // The spread row.
    const int spreadY = rowH * (levels + 1);
    p.fillRect(QRect(0, spreadY, w, rowH), pal.color(QPalette::AlternateBase));
    p.setPen(pal.color(QPalette::Text));
    QString spread = tr("waiting for the order book…");
    if (!asks.empty() && !bids.empty()) {
        const Decimal s = asks.front().price - bids.front().price;
        const double mid = (asks.front().price.toDouble() + bids.front().price.toDouble()) / 2;
        spread = tr("Spread %1 (%L2 %)")
                     .arg(formatDecimal(s, m_priceDecimals))
                     .arg(mid > 0 ? s.toDouble() / mid * 100.0 : 0.0, 0, 'f', 4);
    } else if (!asks.empty() || !bids.empty()) {
        spread = tr("one side empty");
    }
    p.drawText(QRect(pad, spreadY, w - 2 * pad, rowH), Qt::AlignCenter, spread);
    y = spreadY + rowH;
    for (const auto& l : bids) {
        drawLevel(y, l, TradesTableModel::buyColor(), bidBar);
        y += rowH;
    }
}

// ---- ValueLabel -------------------------------------------------------------------------------

ValueLabel::ValueLabel(const QString& text, QWidget* parent) : QWidget(parent), m_text(text) {
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    m_textWidth = fontMetrics().horizontalAdvance(m_text);
    m_longest = m_text.size();
    m_fixedPitch = fontInfo().fixedPitch();
}

void ValueLabel::setText(const QString& text) {
    if (text == m_text) return;
    m_text = text;
    // In a fixed-pitch font a text no longer than the longest shown is no wider: not measured
    // (measuring shapes the text).
    if (m_text.size() > m_longest || !m_fixedPitch) {
        m_longest = std::max(m_longest, m_text.size());
        if (const int width = fontMetrics().horizontalAdvance(m_text); width > m_textWidth) {
            m_textWidth = width;
            ++m_layoutRequests;
            updateGeometry();
        }
    }
    update();
}

void ValueLabel::setColour(const QColor& colour) {
    if (colour == m_colour) return;
    m_colour = colour;
    update();
}

QSize ValueLabel::sizeHint() const { return {m_textWidth + 2, fontMetrics().height()}; }

void ValueLabel::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().color(backgroundRole()));
    p.setPen(m_colour.isValid() ? m_colour : palette().color(QPalette::WindowText));
    p.drawText(rect(), Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine, m_text);
}

void ValueLabel::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange) {
        m_textWidth = fontMetrics().horizontalAdvance(m_text);
        m_longest = m_text.size();
        m_fixedPitch = fontInfo().fixedPitch();
        updateGeometry();
    }
}

}  // namespace cpc::app
