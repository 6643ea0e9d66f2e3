#include "cpc/app/scroll_back_driver.hpp"

#include <QLocale>
#include <QTimer>

#include "cpc/app/chart_controller.hpp"
#include "cpc/app/chart_pane.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"
#include "cpc/core/time.hpp"

namespace cpc::app {

ScrollBackDriver::ScrollBackDriver(MainWindow& window, std::int64_t targetMs, QObject* parent)
    : QObject(parent), m_window(window), m_target(targetMs), m_timer(new QTimer(this)) {
    m_timer->setInterval(16);
    connect(m_timer, &QTimer::timeout, this, &ScrollBackDriver::tick);
    m_timer->start();
}

void ScrollBackDriver::tick() {
    ChartPane* pane = m_window.activePane();
    if (!pane) return;
    const market::CandleSeries* series = pane->controller().currentSeries();
    if (!series || series->empty()) return;
    if (!m_started) {
        m_started = true;
        m_clock.start();
        m_startCandles = series->size();
    }
    m_candles = series->size();
    m_first = (*series)[0].openTime;
    m_elapsedMs = m_clock.elapsed();
    m_listingStart = pane->controller().olderHistoryStartReached();
    if (m_first <= m_target || m_listingStart) {
        m_reached = true;
        m_timer->stop();
        emit finished();
        return;
    }
    pane->canvas()->model().scrollToFirstBar();
}

QString ScrollBackDriver::report() const {
    const QLocale c = QLocale::c();
    const QString first = m_started ? QString::fromStdString(formatUtc(m_first)) : QStringLiteral("-");
    const QString counts = QStringLiteral("%1 candles (%2 at the start), first %3")
                               .arg(c.toString(static_cast<qulonglong>(m_candles)),
                                    c.toString(static_cast<qulonglong>(m_startCandles)), first);
    const QString seconds = QString::number(static_cast<double>(m_elapsedMs) / 1000.0, 'f', 1);
    const QString target = QString::fromStdString(formatUtc(m_target));
    if (!m_reached) return QStringLiteral("did not reach %1 (%2 s): %3").arg(target, seconds, counts);
    return QStringLiteral("reached %1%2 in %3 s: %4")
        .arg(target, m_listingStart && m_first > m_target ? QStringLiteral(" (the listing start)") : QString(), seconds,
             counts);
}

}  // namespace cpc::app
