#include "cpc/app/frame_probe.hpp"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QEvent>
#include <QWidget>
#include <algorithm>
#include <ctime>

#include "cpc/chart_qt/chart_canvas.hpp"

namespace cpc::app {

namespace {

// CPU time of the calling thread: a frame's cost, whatever else the machine runs meanwhile.
qint64 threadCpuNs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<qint64>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

FrameProbe::FrameProbe(QObject* parent) : QObject(parent) {
    m_clock.start();
    qApp->installEventFilter(this);
    // A frame ends when the loop is about to wait again (or at the next event that is not one of
    // its paints, see eventFilter).
    auto* dispatcher = QAbstractEventDispatcher::instance(qApp->thread());
    connect(dispatcher, &QAbstractEventDispatcher::aboutToBlock, this, [this] { endFrame(); });
}

FrameProbe::~FrameProbe() { qApp->removeEventFilter(this); }

void FrameProbe::endFrame() {
    if (m_frameStartNs < 0) return;
    if (m_painted) m_frameMs.push_back(static_cast<double>(threadCpuNs() - m_frameStartNs) / 1e6);
    m_frameStartNs = -1;
    m_painted = false;
}

bool FrameProbe::eventFilter(QObject* watched, QEvent* event) {
    switch (event->type()) {
    case QEvent::UpdateRequest:
        // A window syncs its backing store: every dirty widget of it is painted now, nested in
        // this event's handling.
        if (auto* w = qobject_cast<QWidget*>(watched); w && w->isWindow()) {
            endFrame();
            m_frameStartNs = threadCpuNs();
        }
        break;
    case QEvent::Paint:
        if (qobject_cast<chart_qt::ChartCanvas*>(watched)) {
            m_painted = true;
            ++m_paintsPerCanvas[watched];
            if (static_cast<QWidget*>(watched)->isVisible()) ++m_visiblePaints;
            else ++m_hiddenPaints;
        }
        break;
    default:
        // The next event after the window's paints: the frame is done.
        if (m_frameStartNs >= 0 && event->type() != QEvent::Paint) endFrame();
        break;
    }
    return false;
}

void FrameProbe::restart() {
    m_frameMs.clear();
    m_visiblePaints = m_hiddenPaints = 0;
    m_paintsPerCanvas.clear();
}

std::uint64_t FrameProbe::paintsOf(const QObject* canvas) const {
    const auto it = m_paintsPerCanvas.find(canvas);
    return it == m_paintsPerCanvas.end() ? 0 : it->second;
}

FrameProbe::Summary FrameProbe::summary() const {
    Summary s;
    s.frames = m_frameMs.size();
    s.visiblePaints = m_visiblePaints;
    s.hiddenPaints = m_hiddenPaints;
    if (m_frameMs.empty()) return s;
    std::vector<double> sorted = m_frameMs;
    std::sort(sorted.begin(), sorted.end());
    const auto at = [&](double q) { return sorted[std::min(sorted.size() - 1, static_cast<std::size_t>(q * static_cast<double>(sorted.size())))]; };
    s.p50Ms = at(0.50);
    s.p99Ms = at(0.99);
    s.maxMs = sorted.back();
    return s;
}

QString FrameProbe::report() const {
    const Summary s = summary();
    return QStringLiteral("frames %1 · p50 %2 · p99 %3 · max %4 ms · chart paints %5 (hidden %6)")
        .arg(s.frames)
        .arg(s.p50Ms, 0, 'f', 2)
        .arg(s.p99Ms, 0, 'f', 2)
        .arg(s.maxMs, 0, 'f', 2)
        .arg(s.visiblePaints)
        .arg(s.hiddenPaints);
}

}  // namespace cpc::app
