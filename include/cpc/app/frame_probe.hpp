#pragma once
// Frame times of the GUI thread for benchmarks (`canvasprochart --frame-stats`): a frame is a
// window's repaint — from its UpdateRequest (the backing store syncs: every dirty widget of the
// window painted, nested in that event) to the next event that is not one of those paints or the
// loop going to wait — counted when it painted a chart. Its time is the GUI thread's CPU time
// (CLOCK_THREAD_CPUTIME_ID), so other processes on a busy machine do not inflate it; a frame over
// 16 ms of it is a frame a 60 Hz screen would miss. The feed's drains between frames are not in
// it (the process and GUI-thread CPU shares say what those cost). It also counts the charts'
// paints, apart for charts that are not visible (a hidden layout tab): Qt paints no hidden
// widget, so those stay 0.
#include <QObject>
#include <QElapsedTimer>
#include <QString>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace cpc::app {

class FrameProbe final : public QObject {
    Q_OBJECT
public:
    explicit FrameProbe(QObject* parent = nullptr);  // watches the application's GUI thread
    ~FrameProbe() override;

    struct Summary {
        std::size_t frames = 0;
        double p50Ms = 0, p99Ms = 0, maxMs = 0;
        std::uint64_t visiblePaints = 0;  // chart paints
        std::uint64_t hiddenPaints = 0;   // paints of charts not visible (expected 0)
    };
    Summary summary() const;
    // "frames 1234 · p50 1.20 · p99 9.80 · max 15.10 ms · chart paints 5678 (hidden 0)"
    QString report() const;
    // Frames before this call are not counted (a warm-up).
    void restart();
    // Paints of one chart canvas since the start (or restart()).
    std::uint64_t paintsOf(const QObject* canvas) const;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void endFrame();

    QElapsedTimer m_clock;
    qint64 m_frameStartNs = -1;  // thread CPU time at the frame's UpdateRequest; -1: none open
    bool m_painted = false;
    std::vector<double> m_frameMs;
    std::uint64_t m_visiblePaints = 0;
    std::uint64_t m_hiddenPaints = 0;
    std::unordered_map<const QObject*, std::uint64_t> m_paintsPerCanvas;
};

}  // namespace cpc::app
