#include "cpc/app/frame_probe.hpp"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QEvent>
#include <QWidget>
#include <algorithm>

#include "cpc/chart_qt/chart_canvas.hpp"

namespace cpc::app {

FrameProbe::FrameProbe(QObject* parent) : QObject(parent) {
    m_clock.start();
    qApp->installEventFilter(this);
    auto* dispatcher = QAbstractEventDispatcher::instance(qApp->thread());
    connect(dispatcher, &QAbstractEventDispatcher::awake, this, [this] {
        if (m_awakeNs < 0) m_awakeNs = m_clock.nsecsElapsed();
    });
    connect(dispatcher, &QAbstractEventDispatcher::aboutToBlock, this, [this] {
        if (m_painted && m_awakeNs >= 0) m_frameMs.push_back(static_cast<double>(m_clock.nsecsElapsed() - m_awakeNs) / 1e6);
        m_painted = false;
        m_awakeNs = -1;
    });
}

FrameProbe::~FrameProbe() { qApp->removeEventFilter(this); }

bool FrameProbe::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::Paint && qobject_cast<chart_qt::ChartCanvas*>(watched)) {
        m_painted = true;
        ++m_paintsPerCanvas[watched];
        if (static_cast<QWidget*>(watched)->isVisible()) ++m_visiblePaints;
        else ++m_hiddenPaints;
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
