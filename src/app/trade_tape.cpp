#include "cpc/app/trade_tape.hpp"

#include <QEvent>
#include <QFontDatabase>
#include <QFontMetricsF>
#include <QGlyphRun>
#include <QHelpEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QRawFont>
#include <QScreen>
#include <QScrollBar>
#include <QTimer>
#include <QToolTip>
#include <algorithm>
#include <array>
#include <cmath>

#include "cpc/app/realtime_models.hpp"

namespace cpc::app {

namespace {
constexpr int kPadding = 4;  // a cell's text margin, as the style's item margin
}

// ---- Header -------------------------------------------------------------------------------

class TradeTape::Header final : public QWidget {
public:
    explicit Header(TradeTape* tape) : QWidget(tape), m_tape(tape) { setAttribute(Qt::WA_OpaquePaintEvent); }

protected:
    void paintEvent(QPaintEvent*) override {
        QPainter p(this);
        const QPalette& pal = palette();
        p.fillRect(rect(), pal.color(QPalette::Button));
        p.setPen(pal.color(QPalette::Mid));
        p.drawLine(0, height() - 1, width(), height() - 1);
        if (!m_tape->m_model || m_tape->m_columnLeft.size() < TradesTableModel::ColumnCount + 1u) return;
        p.setPen(pal.color(QPalette::ButtonText));
        for (int c = 0; c < TradesTableModel::ColumnCount; ++c) {
            const auto i = static_cast<std::size_t>(c);
            const QRect cell(m_tape->m_columnLeft[i] + kPadding, 0, m_tape->m_columnLeft[i + 1] - m_tape->m_columnLeft[i] - 2 * kPadding,
                             height());
            const bool right = c == TradesTableModel::Price || c == TradesTableModel::Quantity;
            p.drawText(cell, (right ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter,
                       m_tape->m_model->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString());
        }
    }

private:
    TradeTape* m_tape;
};

// ---- GlyphTable -----------------------------------------------------------------------------

class TradeTape::GlyphTable {
public:
    explicit GlyphTable(const QFont& font) : m_raw(QRawFont::fromFont(font)) {
        const QFontMetricsF fm(font);
        m_height = fm.height();
        m_ascent = fm.ascent();
        if (!m_raw.isValid()) return;
        for (char16_t c = 0x20; c < m_glyph.size(); ++c) {
            const QChar ch(c);
            quint32 glyph = 0;
            int count = 1;
            if (!m_raw.glyphIndexesForChars(&ch, 1, &glyph, &count) || count != 1 || glyph == 0) continue;
            QPointF advance;
            if (!m_raw.advancesForGlyphIndexes(&glyph, &advance, 1)) continue;
            m_glyph[c] = glyph;
            m_advance[c] = advance.x();
        }
    }

    qreal height() const { return m_height; }
    qreal ascent() const { return m_ascent; }

    // `text` as a glyph run from x = 0 on the baseline, and its width; false when a character is
    // not in the table (then nothing is filled).
    bool layout(QStringView text, QGlyphRun& run, qreal& width) {
        m_glyphs.resize(text.size());
        m_positions.resize(text.size());
        qreal x = 0;
        for (qsizetype i = 0; i < text.size(); ++i) {
            const char16_t c = text[i].unicode();
            if (c >= m_glyph.size() || m_glyph[c] == 0) return false;
            m_glyphs[i] = m_glyph[c];
            m_positions[i] = QPointF(x, 0);
            x += m_advance[c];
        }
        run.setRawFont(m_raw);
        run.setGlyphIndexes(m_glyphs);
        run.setPositions(m_positions);
        width = x;
        return true;
    }

private:
    QRawFont m_raw;
    qreal m_height = 0, m_ascent = 0;
    std::array<quint32, 0x180> m_glyph{};  // by character (Basic Latin, Latin-1, Latin Extended-A); 0: not in the table
    std::array<qreal, 0x180> m_advance{};
    QList<quint32> m_glyphs;  // reused by layout()
    QList<QPointF> m_positions;
};

// ---- TradeTape ----------------------------------------------------------------------------

TradeTape::TradeTape(TradesTableModel* model, QWidget* parent)
    : QAbstractScrollArea(parent), m_model(model), m_pacer(this, [this] {
          // The scroll range too: a batch that trims rows and inserts as many leaves it as it was,
          // and the scroll bar (a styled widget over the group box) then does not repaint.
          updateScrollRange();
          viewport()->update();
      }) {
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_glyphs = std::make_unique<GlyphTable>(font());
    viewport()->setAttribute(Qt::WA_OpaquePaintEvent);  // the pixmap covers every pixel
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    m_header = new Header(this);
    m_pacer.followScreen(screen());
    m_rowHeight = fontMetrics().height() + 2;
    setViewportMargins(0, headerHeight(), 0, 0);
    connect(model, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex&, int first, int last) { onRowsInserted(last - first + 1); });
    connect(model, &QAbstractItemModel::rowsRemoved, this, [this] { onRowsRemoved(); });
    connect(model, &QAbstractItemModel::modelReset, this, [this] {
        m_inserted = m_model->rowCount();
        updateScrollRange();
        verticalScrollBar()->setValue(0);
        invalidate();
    });
    connect(model, &QAbstractItemModel::dataChanged, this, [this] { invalidate(); });
    connect(model, &QAbstractItemModel::headerDataChanged, this, [this] {
        layoutColumns();
        m_header->update();
    });
    m_inserted = model->rowCount();
    updateScrollRange();
    layoutColumns();
}

TradeTape::~TradeTape() = default;

int TradeTape::headerHeight() const { return fontMetrics().height() + 6; }

int TradeTape::topRow() const { return verticalScrollBar()->value(); }

void TradeTape::scrollToRow(int row) { verticalScrollBar()->setValue(row); }

int TradeTape::visibleRows() const { return (viewport()->height() + m_rowHeight - 1) / m_rowHeight; }

std::vector<std::int64_t> TradeTape::paintedTradeIds() const { return m_slotId; }

void TradeTape::setFramePeriod(std::chrono::milliseconds period) { m_pacer.setPeriod(period); }

QSize TradeTape::sizeHint() const {
    return {fontMetrics().horizontalAdvance(QLatin1Char('0')) * 44, headerHeight() + m_rowHeight * 20};
}

std::int64_t TradeTape::sequenceOf(int row) const { return m_inserted - 1 - row; }

void TradeTape::onRowsInserted(int count) {
    m_inserted += count;
    // Scrolled down, the tape stays on the trades being read: they moved `count` rows down.
    if (QScrollBar* bar = verticalScrollBar(); bar->value() > 0) {
        updateScrollRange();
        m_adjustingScroll = true;
        bar->setValue(bar->value() + count);
        m_adjustingScroll = false;
    }
    m_pacer.request();
}

void TradeTape::onRowsRemoved() {
    if (verticalScrollBar()->value() > 0) updateScrollRange();  // at the top, the paced frame does it
    m_pacer.request();
}

void TradeTape::invalidate() {
    std::fill(m_slotSequence.begin(), m_slotSequence.end(), -2);
    viewport()->update();
}

void TradeTape::updateScrollRange() {
    const int fullRows = std::max(1, viewport()->height() / m_rowHeight);
    QScrollBar* bar = verticalScrollBar();
    bar->setRange(0, std::max(0, (m_model ? m_model->rowCount() : 0) - fullRows));
    bar->setPageStep(fullRows);
    bar->setSingleStep(1);
}

void TradeTape::layoutColumns() {
    // The time column as wide as its text (or its header, which names the zone); the others share the rest.
    const QFontMetrics fm = fontMetrics();
    const QString header = m_model ? m_model->headerData(TradesTableModel::Time, Qt::Horizontal, Qt::DisplayRole).toString() : QString();
    const int timeWidth = std::max(fm.horizontalAdvance(QStringLiteral("00:00:00.000")), fm.horizontalAdvance(header)) + 2 * kPadding + 4;
    const int width = viewport()->width();
    const int rest = std::max(0, width - timeWidth);
    std::vector<int> left{0, timeWidth};
    for (int c = 1; c < TradesTableModel::ColumnCount; ++c) left.push_back(timeWidth + rest * c / (TradesTableModel::ColumnCount - 1));
    if (left != m_columnLeft) {
        m_columnLeft = std::move(left);
        invalidate();
    }
}

void TradeTape::resizeEvent(QResizeEvent* event) {
    QAbstractScrollArea::resizeEvent(event);
    const QRect vp = viewport()->geometry();
    m_header->setGeometry(vp.x(), vp.y() - headerHeight(), vp.width(), headerHeight());
    updateScrollRange();
    layoutColumns();
}

void TradeTape::showEvent(QShowEvent* event) {
    QAbstractScrollArea::showEvent(event);
    m_pacer.followScreen(screen());
}

void TradeTape::changeEvent(QEvent* event) {
    QAbstractScrollArea::changeEvent(event);
    if (event->type() == QEvent::FontChange) {
        m_glyphs = std::make_unique<GlyphTable>(font());
        m_rowHeight = fontMetrics().height() + 2;
        setViewportMargins(0, headerHeight(), 0, 0);
        updateScrollRange();
        layoutColumns();
        invalidate();
    } else if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) {
        invalidate();
    }
}

void TradeTape::scrollContentsBy(int, int) {
    // The user's scroll paints now (the pixmap shifts by the rows scrolled); a scroll that only
    // follows rows coming above the ones shown changes no pixel.
    if (!m_adjustingScroll) viewport()->update();
}

bool TradeTape::viewportEvent(QEvent* event) {
    if (event->type() == QEvent::ToolTip && m_model) {
        const auto* help = static_cast<QHelpEvent*>(event);
        const int row = topRow() + help->pos().y() / m_rowHeight;
        if (row < m_model->rowCount()) {
            QToolTip::showText(help->globalPos(), m_model->data(m_model->index(row, 0), Qt::ToolTipRole).toString(), viewport());
        } else {
            QToolTip::hideText();
        }
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

QRect TradeTape::cellRect(int slot, int column) const {
    if (m_columnLeft.size() < TradesTableModel::ColumnCount + 1u || column < 0 || column >= TradesTableModel::ColumnCount) return {};
    const auto i = static_cast<std::size_t>(column);
    return {m_columnLeft[i] + kPadding, slot * m_rowHeight, m_columnLeft[i + 1] - m_columnLeft[i] - 2 * kPadding, m_rowHeight};
}

void TradeTape::drawRow(QPainter& p, int slot, int row) {
    const QRect strip(0, slot * m_rowHeight, viewport()->width(), m_rowHeight);
    const QPalette& pal = viewport()->palette();
    p.fillRect(strip, pal.color(QPalette::Base));
    ++m_rowsDrawn;
    if (row < 0 || !m_model || m_columnLeft.size() < TradesTableModel::ColumnCount + 1u) return;
    const QColor& text = pal.color(QPalette::Text);
    QGlyphRun run;
    for (int c = 0; c < TradesTableModel::ColumnCount; ++c) {
        const QRect cell = cellRect(slot, c);
        const QString content = m_model->cellText(row, c);
        const bool right = c == TradesTableModel::Price || c == TradesTableModel::Quantity;
        p.setPen(m_model->cellColour(row, c, text));
        qreal width = 0;
        if (!m_glyphs->layout(content, run, width)) {  // a character outside the table: shaped
            p.drawText(cell, (right ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter, content);
            continue;
        }
        const QPointF baseline(right ? cell.right() + 1 - width : cell.left(),
                               cell.top() + (cell.height() - m_glyphs->height()) / 2.0 + m_glyphs->ascent());
        if (width > cell.width()) {  // too narrow: cut at the cell rather than over the next one
            p.save();
            p.setClipRect(cell);
            p.drawGlyphRun(baseline, run);
            p.restore();
        } else {
            p.drawGlyphRun(baseline, run);
        }
    }
}

void TradeTape::bringCacheUpToDate() {
    const qreal dpr = viewport()->devicePixelRatioF();
    const QSize size = viewport()->size() * dpr;
    const int slotCount = visibleRows();
    if (m_cache.size() != size || m_cache.devicePixelRatio() != dpr) {
        m_cache = QPixmap(size.expandedTo(QSize(1, 1)));
        m_cache.setDevicePixelRatio(dpr);
        m_slotSequence.assign(static_cast<std::size_t>(slotCount), -2);
        m_slotId.assign(static_cast<std::size_t>(slotCount), -1);
    }
    m_slotSequence.resize(static_cast<std::size_t>(slotCount), -2);
    m_slotId.resize(static_cast<std::size_t>(slotCount), -1);
    if (slotCount == 0) return;
    const int rows = m_model ? m_model->rowCount() : 0;
    const int top = topRow();
    std::vector<std::int64_t> wanted(static_cast<std::size_t>(slotCount), -1);
    for (int i = 0; i < slotCount && top + i < rows; ++i) wanted[static_cast<std::size_t>(i)] = sequenceOf(top + i);

    // Sequences fall by one a row down in both: the pixels move by the difference at the top.
    // Newer trades on top move the drawn rows down; a scroll down moves them up.
    const std::int64_t drawnTop = m_slotSequence.front();
    const qreal shiftUnit = m_rowHeight * dpr;
    if (drawnTop >= 0 && wanted.front() >= 0 && shiftUnit == std::floor(shiftUnit)) {
        const std::int64_t k = wanted.front() - drawnTop;
        if (k != 0 && std::abs(k) < slotCount) {
            const int by = static_cast<int>(k);
            m_cache.scroll(0, static_cast<int>(by * shiftUnit), m_cache.rect());
            if (by > 0) {
                std::shift_right(m_slotSequence.begin(), m_slotSequence.end(), by);
                std::shift_right(m_slotId.begin(), m_slotId.end(), by);
                std::fill_n(m_slotSequence.begin(), by, -2);
            } else {
                std::shift_left(m_slotSequence.begin(), m_slotSequence.end(), -by);
                std::shift_left(m_slotId.begin(), m_slotId.end(), -by);
                std::fill_n(m_slotSequence.end() + by, -by, -2);
            }
        }
    }
    // Draw only the slotCount that do not show what they should (the rows that came, the rows gone).
    QPainter p;
    for (int i = 0; i < slotCount; ++i) {
        const auto s = static_cast<std::size_t>(i);
        if (m_slotSequence[s] == wanted[s]) continue;
        if (!p.isActive()) {
            p.begin(&m_cache);
            p.setFont(font());
        }
        const int row = wanted[s] >= 0 ? top + i : -1;
        drawRow(p, i, row);
        m_slotSequence[s] = wanted[s];
        m_slotId[s] = row >= 0 ? m_model->trade(row).tradeId : -1;
    }
}

void TradeTape::paintEvent(QPaintEvent* event) {
    ++m_paints;
    bringCacheUpToDate();
    QPainter p(viewport());
    const QRect r = event->rect();
    const qreal dpr = m_cache.devicePixelRatio();
    p.drawPixmap(QPointF(r.topLeft()), m_cache, QRectF(r.x() * dpr, r.y() * dpr, r.width() * dpr, r.height() * dpr));
}

}  // namespace cpc::app
