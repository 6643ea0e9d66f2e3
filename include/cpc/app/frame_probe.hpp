#pragma once
// Frame times of the GUI thread for benchmarks (`canvasprochart --frame-stats`): every pass of the
// GUI event loop that painted a chart is a frame; its time is the loop's busy time from waking up
// to blocking again (the drain of the feed's inbox, the models' updates and the paints it did), so
// a frame over 16 ms is a frame a 60 Hz screen missed. It also counts the charts' paints, apart for
// charts that are not visible (a hidden layout tab): Qt paints no hidden widget, so those stay 0.
// The passes are told by the event dispatcher's awake / aboutToBlock signals, which bracket each
// pass on Qt's own dispatcher: run with QT_NO_GLIB=1 (scripts/measure-workspace does); glib's
// dispatcher emits them elsewhere in its cycle and the times come out near zero.
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
    QElapsedTimer m_clock;
    qint64 m_awakeNs = -1;
    bool m_painted = false;
    std::vector<double> m_frameMs;
    std::uint64_t m_visiblePaints = 0;
    std::uint64_t m_hiddenPaints = 0;
    std::unordered_map<const QObject*, std::uint64_t> m_paintsPerCanvas;
};

}  // namespace cpc::app
