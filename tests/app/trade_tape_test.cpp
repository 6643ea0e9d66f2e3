// The realtime window's trade tape (issue 21, "light while live"), offscreen: it shifts its own
// pixels by the rows that came and draws only those, so the tests compare what it shows after
// bursts, resizes, scrolling and trimming with the model (the trade ids in its row slots) and
// with a tape drawn from scratch over the same model (the pixels), and count its repaints under
// a burst against the frame rate it is paced to.
#include <gtest/gtest.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QEvent>
#include <QImage>
#include <QPainter>
#include <QPixmap>
#include <QScrollBar>
#include <QThread>
#include <memory>
#include <vector>

#include "app_test_util.hpp"
#include "cpc/app/frame_pacer.hpp"
#include "cpc/app/realtime_models.hpp"
#include "cpc/app/trade_tape.hpp"

using namespace cpc;
using namespace std::chrono_literals;
using app::TradesTableModel;
using app::TradeTape;

namespace {

class TradeTapeTest : public ::testing::Test {
protected:
    // `count` trades in arrival order; prices, sides and times differ from trade to trade so
    // that two rows never look alike.
    std::vector<exchange::TradeTick> burst(int count) {
        std::vector<exchange::TradeTick> out;
        for (int i = 0; i < count; ++i, ++m_next) {
            exchange::TradeTick t;
            t.symbol = "BTCUSDT";
            t.tradeId = m_next;
            t.price = Decimal::fromUnits(Decimal::fromInt(60000).units() + m_next * 1'234'567);
            t.quantity = Decimal::fromUnits(Decimal::fromInt(1).units() / 1000 * (1 + m_next % 97));
            t.timeMs = 1'700'000'000'000 + m_next * 37;
            t.buyerIsMaker = (m_next * 7) % 3 == 0;
            out.push_back(t);
        }
        return out;
    }
    void add(int count) {
        const auto trades = burst(count);
        model.addTrades(trades);
    }
    // What the tape should show: the model's trade ids from its top row, one per slot.
    std::vector<std::int64_t> expectedIds(const TradeTape& tape) const {
        std::vector<std::int64_t> ids;
        for (int i = 0; i < tape.visibleRows(); ++i) {
            const int row = tape.topRow() + i;
            ids.push_back(row < model.rowCount() ? model.trade(row).tradeId : -1);
        }
        return ids;
    }
    // The tape's viewport against a tape drawn from scratch at the same size and scroll position.
    void expectShowsTheModel(TradeTape& tape, const char* when) {
        SCOPED_TRACE(when);
        // The paced frame (which also shows or hides the scroll bar as the rows need) is due.
        QThread::msleep(static_cast<unsigned long>(tape.framePeriod().count()) + 1);
        QCoreApplication::processEvents();
        QCoreApplication::processEvents();
        const QImage shown = tape.viewport()->grab().toImage();
        EXPECT_EQ(tape.paintedTradeIds(), expectedIds(tape));
        TradeTape fresh(&model);
        fresh.resize(tape.size());
        fresh.show();
        QCoreApplication::processEvents();
        fresh.scrollToRow(tape.topRow());
        ASSERT_EQ(fresh.topRow(), tape.topRow());
        ASSERT_EQ(fresh.viewport()->size(), tape.viewport()->size());
        const QImage reference = fresh.viewport()->grab().toImage();
        EXPECT_EQ(fresh.paintedTradeIds(), tape.paintedTradeIds());
        EXPECT_TRUE(shown == reference) << "the tape's pixels differ from a tape drawn from scratch";
        if (!(shown == reference) && shown.size() == reference.size()) {
            QRect diff;
            for (int y = 0; y < shown.height(); ++y)
                for (int x = 0; x < shown.width(); ++x)
                    if (shown.pixel(x, y) != reference.pixel(x, y)) diff |= QRect(x, y, 1, 1);
            ADD_FAILURE() << "differing pixels within x " << diff.x() << ".." << diff.right() << ", y " << diff.y() << ".."
                          << diff.bottom() << " formats " << shown.format() << "/" << reference.format();
        }
    }

    TradesTableModel model{200};
    std::int64_t m_next = 1;
};

TEST_F(TradeTapeTest, ShowsExactlyTheTradesThatCameNewestFirstAfterBurstsResizesAndScrolling) {
    TradeTape tape(&model);
    tape.setFramePeriod(1ms);
    tape.resize(420, 300);
    tape.show();
    QCoreApplication::processEvents();
    expectShowsTheModel(tape, "empty");

    for (int n : {1, 3, 7, 2, 50, 1, 13}) {
        add(n);
        QCoreApplication::processEvents();  // a paced repaint may run here: the next grab shifts from it
        expectShowsTheModel(tape, "after a burst");
    }
    ASSERT_EQ(model.trade(0).tradeId, m_next - 1) << "newest on top";
    // Several bursts between two paints, then one larger than the viewport, then one past maxRows.
    add(2);
    add(5);
    expectShowsTheModel(tape, "two bursts in one paint");
    add(tape.visibleRows() + 3);
    expectShowsTheModel(tape, "a burst of more rows than the viewport shows");
    add(450);
    ASSERT_EQ(model.rowCount(), 200);
    expectShowsTheModel(tape, "a burst past maxRows");

    tape.resize(500, 420);
    QCoreApplication::processEvents();
    expectShowsTheModel(tape, "after growing");
    add(4);
    tape.resize(300, 160);
    QCoreApplication::processEvents();
    add(3);
    expectShowsTheModel(tape, "after shrinking");

    // Scrolled down, it stays on the trades being read while more come above them.
    tape.scrollToRow(20);
    expectShowsTheModel(tape, "scrolled down");
    const std::vector<std::int64_t> reading = tape.paintedTradeIds();
    add(6);
    QCoreApplication::processEvents();
    EXPECT_EQ(tape.topRow(), 26);
    expectShowsTheModel(tape, "rows came while scrolled down");
    EXPECT_EQ(tape.paintedTradeIds(), reading);
    tape.scrollToRow(tape.topRow() - 3);  // a step up: the pixels move down by three rows
    expectShowsTheModel(tape, "scrolled up a little");
    tape.scrollToRow(0);
    add(2);
    expectShowsTheModel(tape, "back at the top, following the newest");
    EXPECT_EQ(tape.paintedTradeIds().front(), m_next - 1);

    // Fewer rows kept than the viewport shows: the rows gone are blank.
    model.setMaxRows(4);
    expectShowsTheModel(tape, "trimmed to 4 rows");
    EXPECT_EQ(tape.paintedTradeIds()[4], -1);
    model.setMaxRows(200);
    add(9);
    expectShowsTheModel(tape, "growing again");
    model.setDecimals(4, 3);
    expectShowsTheModel(tape, "other decimals");
    model.clear();
    expectShowsTheModel(tape, "cleared");
    add(5);
    expectShowsTheModel(tape, "after the clear");
    // Only the rows that came were drawn for a burst of 1 at the top.
    const std::uint64_t drawn = tape.rowsDrawn();
    add(1);
    expectShowsTheModel(tape, "one more");
    EXPECT_LE(tape.rowsDrawn() - drawn, 2u) << "a burst of one trade draws its row (and the blank slot it reached)";
}

TEST_F(TradeTapeTest, RepaintsAtMostOncePerFrameUnderABurst) {
    TradeTape tape(&model);
    tape.resize(420, 300);
    tape.show();
    ASSERT_TRUE(test::processEventsUntil([&] { return tape.paintCount() > 0; }, 5000));
    constexpr auto kFrame = 20ms;
    tape.setFramePeriod(kFrame);
    QCoreApplication::processEvents();
    QThread::msleep(kFrame.count());
    const std::uint64_t paintsBefore = tape.paintCount();
    QElapsedTimer burstTime;
    burstTime.start();
    // 300 batches, each handed to the event loop: unpaced, every one would be a repaint.
    for (int i = 0; i < 300; ++i) {
        add(3);
        QCoreApplication::processEvents();
        QThread::usleep(300);
    }
    const qint64 elapsed = burstTime.elapsed();
    const std::uint64_t paints = tape.paintCount() - paintsBefore;
    // One frame at the start plus one per period that passed.
    EXPECT_LE(paints, static_cast<std::uint64_t>(elapsed / kFrame.count() + 2)) << paints << " paints in " << elapsed << " ms";
    EXPECT_GT(paints, 0u);
    // The last frame is not lost: the newest trade is painted once its frame is due.
    ASSERT_TRUE(test::processEventsUntil([&] { return !tape.paintedTradeIds().empty() && tape.paintedTradeIds().front() == m_next - 1; }, 5000));
    EXPECT_EQ(tape.paintedTradeIds(), expectedIds(tape));
}

// The tape draws its texts as glyph runs from the font's own table, without shaping (issue 21):
// the pixels must be those of the same texts drawn the ordinary way, shaped by QPainter::drawText
// in the same cells — times of a zone with a quarter-hour offset, prices, quantities, both sides.
TEST_F(TradeTapeTest, ItsGlyphRunsDrawTheTextsAsShapedTextWouldBe) {
    TradeTape tape(&model);
    tape.setFramePeriod(1ms);
    tape.resize(420, 300);
    ASSERT_TRUE(model.setTimeZone(QStringLiteral("Asia/Kathmandu")));
    model.setDecimals(2, 5);
    tape.show();
    add(40);
    QThread::msleep(5);
    QCoreApplication::processEvents();
    QCoreApplication::processEvents();
    const QImage shown = tape.viewport()->grab().toImage();
    ASSERT_EQ(tape.paintedTradeIds(), expectedIds(tape));

    QPixmap drawn(tape.viewport()->size() * tape.viewport()->devicePixelRatioF());
    drawn.setDevicePixelRatio(tape.viewport()->devicePixelRatioF());
    const QPalette& pal = tape.viewport()->palette();
    drawn.fill(pal.color(QPalette::Base));
    {
        QPainter p(&drawn);
        p.setFont(tape.font());
        for (int slot = 0; slot < tape.visibleRows() && tape.topRow() + slot < model.rowCount(); ++slot) {
            const int row = tape.topRow() + slot;
            for (int c = 0; c < TradesTableModel::ColumnCount; ++c) {
                const bool right = c == TradesTableModel::Price || c == TradesTableModel::Quantity;
                p.setPen(model.cellColour(row, c, pal.color(QPalette::Text)));
                p.drawText(tape.cellRect(slot, c), (right ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter, model.cellText(row, c));
            }
        }
    }
    const QImage reference = drawn.toImage().convertToFormat(shown.format());
    ASSERT_EQ(reference.size(), shown.size());
    int differing = 0;
    for (int y = 0; y < shown.height(); ++y)
        for (int x = 0; x < shown.width(); ++x) differing += shown.pixel(x, y) != reference.pixel(x, y);
    EXPECT_EQ(differing, 0) << "pixels differ from the texts drawn by QPainter::drawText";
    // And the tape did draw text: each row has ink in every column.
    EXPECT_GT(test::countColor(shown, TradesTableModel::buyColor()) + test::countColor(shown, TradesTableModel::sellColor()), 100);
}

// A pacer of period 0 (a view whose owner paces its changes, as the realtime window does once a
// display frame): the requests of one event — a batch that trims rows and adds as many — are one
// run, right after that event rather than a frame later; a period chosen is not changed by the
// screen's.
TEST(FramePacerTest, PeriodZeroRunsOnceRightAfterTheEventAndAChosenPeriodStays) {
    QObject owner;
    int runs = 0;
    app::FramePacer pacer(&owner, [&] { ++runs; });
    pacer.setPeriod(0ms);
    pacer.followScreen(nullptr);
    EXPECT_EQ(pacer.period(), 0ms) << "a chosen period is the pacer's, whatever the screen";
    for (int i = 0; i < 3; ++i) pacer.request();
    EXPECT_EQ(runs, 0) << "not inside the event that asked";
    QElapsedTimer clock;
    clock.start();
    ASSERT_TRUE(test::processEventsUntil([&] { return runs > 0; }, 1000));
    EXPECT_LT(clock.elapsed(), 10) << "a frame-paced owner's change waits for no timer of its own";
    QCoreApplication::processEvents();
    EXPECT_EQ(runs, 1) << "three requests of one event are one run";

    app::FramePacer screenPaced(&owner, [] {});
    screenPaced.followScreen(nullptr);
    EXPECT_EQ(screenPaced.period(), app::FramePacer::periodOf(nullptr));
    EXPECT_EQ(app::FramePacer::periodOf(nullptr), 16ms) << "60 Hz where the screen says nothing";
}

// Counts the paint events of one widget.
class PaintCounter final : public QObject {
public:
    std::uint64_t paints = 0;
    bool eventFilter(QObject*, QEvent* event) override {
        if (event->type() == QEvent::Paint) ++paints;
        return false;
    }
};

TEST(OrderBookLadderPacing, RepaintsAtMostOncePerFrameUnderABurstOfBooks) {
    app::OrderBookLadder ladder(12);
    ladder.resize(300, 400);
    ladder.show();
    PaintCounter counter;
    ladder.installEventFilter(&counter);
    QCoreApplication::processEvents();
    QThread::msleep(40);
    QCoreApplication::processEvents();
    const std::uint64_t before = counter.paints;
    QElapsedTimer burstTime;
    burstTime.start();
    for (int i = 0; i < 300; ++i) {
        feed::OrderBookView book;
        book.symbol = "BTCUSDT";
        book.bids.push_back({Decimal::fromInt(60000 - i), Decimal::fromInt(1 + i % 5)});
        book.asks.push_back({Decimal::fromInt(60001 + i), Decimal::fromInt(2 + i % 3)});
        ladder.setBook(book);
        QCoreApplication::processEvents();
        QThread::usleep(300);
    }
    const qint64 elapsed = burstTime.elapsed();
    const std::uint64_t paints = counter.paints - before;
    const qint64 frame = app::FramePacer::periodOf(ladder.screen()).count();
    EXPECT_LE(paints, static_cast<std::uint64_t>(elapsed / frame + 2)) << paints << " paints in " << elapsed << " ms";
    EXPECT_GT(paints, 0u);
}

}  // namespace
