#include "cpc/app/frame_pacer.hpp"

#include <QScreen>
#include <QTimer>
#include <algorithm>
#include <cmath>

namespace cpc::app {

FramePacer::FramePacer(QObject* owner, std::function<void()> action) : m_action(std::move(action)), m_timer(new QTimer(owner)) {
    m_timer->setSingleShot(true);
    m_timer->setTimerType(Qt::PreciseTimer);
    QObject::connect(m_timer, &QTimer::timeout, owner, [this] { run(); });
}

void FramePacer::request() {
    if (m_timer->isActive()) return;  // already due at the next frame
    if (m_period.count() == 0) {
        // Once the event being handled is done: the owner's whole change (a batch that trims
        // rows and adds as many) is then one run, not one per step of it.
        m_timer->start(0);
        return;
    }
    const qint64 since = m_sinceRun.isValid() ? m_sinceRun.elapsed() : m_period.count();
    if (since >= m_period.count())
        run();
    else
        m_timer->start(static_cast<int>(m_period.count() - since));
}

void FramePacer::setPeriod(std::chrono::milliseconds period) {
    m_period = std::max(period, std::chrono::milliseconds(0));
    m_chosen = true;
    if (m_period.count() == 0 && m_timer->isActive()) m_timer->start(0);  // a change held back runs now
}

void FramePacer::followScreen(const QScreen* screen) {
    if (!m_chosen) m_period = periodOf(screen);
}

std::chrono::milliseconds FramePacer::periodOf(const QScreen* screen) {
    double hz = screen ? screen->refreshRate() : 0.0;
    if (!(hz >= 1.0)) hz = 60.0;
    // Rounded down: a frame is never waited for longer than the display takes to show one.
    return std::chrono::milliseconds(std::clamp(static_cast<int>(std::floor(1000.0 / hz)), 4, 33));
}

void FramePacer::run() {
    m_sinceRun.restart();
    m_action();
}

}  // namespace cpc::app
