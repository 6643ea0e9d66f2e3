#pragma once
// Scrolling back through history as a trader dragging the chart left without pause, for
// benchmarks (`canvasprochart --scroll-back-to TIME`, scripts/bench-year-in-app, issue 21): once
// the active chart shows candles, every display frame (16 ms) it scrolls that chart to its first
// candle — which asks for older history exactly as a drag does (ChartCanvas::historyNeeded: the
// cache, then the venue) — until the chart's first candle is at or before the target time or the
// venue has nothing older. The GUI thread keeps painting meanwhile; FrameProbe times its frames.
#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <cstddef>
#include <cstdint>

class QTimer;

namespace cpc::app {

class MainWindow;

class ScrollBackDriver final : public QObject {
    Q_OBJECT
public:
    ScrollBackDriver(MainWindow& window, std::int64_t targetMs, QObject* parent = nullptr);

    bool reached() const { return m_reached; }
    // "reached 2025-12-06 00:00:00 in 9.8 s: 527041 candles (1000 at the start), first 2025-12-05 23:59:00"
    // or, before the end, how far it got.
    QString report() const;

signals:
    // The target (or the listing start) is on the chart.
    void finished();

private:
    void tick();

    MainWindow& m_window;
    std::int64_t m_target;
    QTimer* m_timer;
    QElapsedTimer m_clock;  // from the first candles shown
    bool m_started = false;
    bool m_reached = false;
    bool m_listingStart = false;
    qint64 m_elapsedMs = 0;
    std::size_t m_startCandles = 0;
    std::size_t m_candles = 0;
    std::int64_t m_first = 0;
};

}  // namespace cpc::app
