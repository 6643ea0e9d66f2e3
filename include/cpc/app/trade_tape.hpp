#pragma once
// The realtime window's trade tape (issue 21, "light while live"): TradesTableModel's trades,
// newest on top, drawn by a widget that keeps its rows in a pixmap of the viewport. When trades
// come, the pixmap is shifted down by the rows that came and only those rows are drawn (from the
// model's cached static texts); a repaint of the viewport is one blit. Repaints are paced to the
// display's frame rate (FramePacer) while the model takes every batch: at 1,000 trades a second
// the tape draws about 60 small strips a second instead of its ~40 visible rows at every update.
//
// Scrolled to the top, the tape follows the newest trade; scrolled down, it stays on the trades
// the user is reading (the scroll position moves with the rows that came above them).
//
// Its texts are drawn without shaping: each character's glyph and advance in the tape's font are
// looked up once (GlyphTable), and a cell is a glyph run built from that table. At 1,000 trades a
// second, shaping each new row's texts (HarfBuzz, through QStaticText) was half of what the tape
// cost. A text with a character the font's table lacks is drawn by QPainter::drawText.
#include <QAbstractScrollArea>
#include <QPixmap>
#include <memory>
#include <QPointer>
#include <chrono>
#include <cstdint>
#include <vector>

#include "cpc/app/frame_pacer.hpp"

namespace cpc::app {

class TradesTableModel;

class TradeTape final : public QAbstractScrollArea {
    Q_OBJECT
public:
    explicit TradeTape(TradesTableModel* model, QWidget* parent = nullptr);
    ~TradeTape() override;

    TradesTableModel* model() const { return m_model; }
    int rowHeight() const { return m_rowHeight; }
    int headerHeight() const;
    // The model row drawn at the top of the viewport (0: following the newest trade).
    int topRow() const;
    void scrollToRow(int row);
    // Rows the viewport shows, the last one possibly in part.
    int visibleRows() const;
    // The trade ids in the viewport's row slots as last painted (top first; -1 for an empty
    // slot): what the pixels show, for tests against the model.
    std::vector<std::int64_t> paintedTradeIds() const;
    // Where a cell's text goes in the viewport: row slot `slot` (0 at the top), model column
    // `column` (inside the cell's padding).
    QRect cellRect(int slot, int column) const;
    // Frame pacing of the repaints (the screen's refresh period unless set; 0: none, for an owner
    // that paces the rows it adds).
    void setFramePeriod(std::chrono::milliseconds period);
    std::chrono::milliseconds framePeriod() const { return m_pacer.period(); }
    std::uint64_t paintCount() const { return m_paints; }       // viewport paint events
    std::uint64_t rowsDrawn() const { return m_rowsDrawn; }     // row strips drawn into the pixmap

    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void changeEvent(QEvent* event) override;
    bool viewportEvent(QEvent* event) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    class Header;
    class GlyphTable;
    void onRowsInserted(int count);
    void onRowsRemoved();
    void invalidate();  // everything drawn again at the next paint (decimals, zone, font, palette)
    void updateScrollRange();
    void layoutColumns();
    void bringCacheUpToDate();
    void drawRow(QPainter& painter, int slot, int row);
    std::int64_t sequenceOf(int row) const;  // a trade's arrival number: stays with it as rows come

    QPointer<TradesTableModel> m_model;
    Header* m_header = nullptr;
    std::unique_ptr<GlyphTable> m_glyphs;  // of font(); made again on a font change
    FramePacer m_pacer;
    int m_rowHeight = 16;
    std::vector<int> m_columnLeft;   // x of each column's left edge, and the viewport width at the end
    std::int64_t m_inserted = 0;     // trades inserted since the last reset (the newest's sequence + 1)
    QPixmap m_cache;                         // the viewport's rows
    std::vector<std::int64_t> m_slotSequence;  // the trade drawn in each slot of m_cache (-1: empty, -2: stale)
    std::vector<std::int64_t> m_slotId;        // its trade id, for paintedTradeIds()
    bool m_adjustingScroll = false;
    std::uint64_t m_paints = 0;
    std::uint64_t m_rowsDrawn = 0;
};

}  // namespace cpc::app
