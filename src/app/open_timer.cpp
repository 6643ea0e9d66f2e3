#include "cpc/app/open_timer.hpp"

#include <QApplication>
#include <QEvent>
#include <QFile>
#include <QTimer>
#include <algorithm>
#include <ctime>
#include <unistd.h>

#include "cpc/app/chart_controller.hpp"
#include "cpc/app/chart_pane.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"

namespace cpc::app {

namespace {

constexpr int kSettleMs = 250;  // between one symbol's first paint and the next choice

std::int64_t clockNs(clockid_t id) {
    timespec ts{};
    clock_gettime(id, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

double toMs(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

}  // namespace

OpenTimer::OpenTimer(MainWindow& window, QStringList symbols, std::int64_t enteredNs, QObject* parent)
    : QObject(parent), m_window(window), m_symbols(std::move(symbols)), m_enteredNs(enteredNs) {
    if (const auto age = processAgeNs()) m_ageAtEntryNs = *age - (monotonicNowNs() - m_enteredNs);
    m_chosenNs = m_enteredNs;
    qApp->installEventFilter(this);
}

OpenTimer::~OpenTimer() { qApp->removeEventFilter(this); }

std::int64_t OpenTimer::monotonicNowNs() { return clockNs(CLOCK_MONOTONIC); }

std::optional<std::int64_t> OpenTimer::processAgeNs() {
    QFile file(QStringLiteral("/proc/self/stat"));
    if (!file.open(QIODevice::ReadOnly)) return std::nullopt;
    const QByteArray stat = file.readAll();
    // The command name (field 2) is in parentheses and may hold spaces: fields count from its end.
    const auto close = stat.lastIndexOf(')');
    if (close < 0) return std::nullopt;
    const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
    constexpr int kStartTime = 22 - 3;  // field 22, the first after ')' being field 3
    if (fields.size() <= kStartTime) return std::nullopt;
    bool ok = false;
    const qulonglong ticks = fields[kStartTime].toULongLong(&ok);
    const long perSecond = sysconf(_SC_CLK_TCK);
    if (!ok || perSecond <= 0) return std::nullopt;
    const auto startNs = static_cast<std::int64_t>(ticks) * (1'000'000'000 / perSecond);
    return clockNs(CLOCK_BOOTTIME) - startNs;
}

bool OpenTimer::paintedWhatIsAwaited(QObject* watched) {
    ChartPane* pane = m_window.activePane();
    if (!pane || watched != pane->canvas()) return false;
    const ChartController& controller = pane->controller();
    const market::CandleSeries* series = controller.currentSeries();
    if (!series || series->empty() || pane->canvas()->model().series() != series) return false;
    return m_awaited.isEmpty() || QString::fromStdString(controller.currentKey().symbol) == m_awaited;
}

bool OpenTimer::eventFilter(QObject* watched, QEvent* event) {
    if (m_done || m_inPaint || event->type() != QEvent::Paint || !paintedWhatIsAwaited(watched)) return false;
    // The paint itself, now, so that its end is measured; the event is then taken.
    m_inPaint = true;
    static_cast<QObject*>(watched)->event(event);
    m_inPaint = false;
    const std::int64_t now = monotonicNowNs();
    const std::size_t candles = m_window.activePane()->controller().currentSeries()->size();
    if (m_awaited.isEmpty() && !m_startMs) {
        m_startMs = toMs(now - m_enteredNs);
        if (m_ageAtEntryNs) m_execToStartMs = toMs(*m_ageAtEntryNs) + *m_startMs;
        m_startCandles = candles;
    } else {
        m_openings.push_back({m_awaited, toMs(now - m_chosenNs), candles});
    }
    m_awaited = QStringLiteral("\x01");  // nothing is awaited until the next choice
    QTimer::singleShot(kSettleMs, this, &OpenTimer::chooseNext);
    return true;
}

void OpenTimer::chooseNext() {
    if (m_next >= m_symbols.size()) {
        m_done = true;
        emit finished();
        return;
    }
    ChartPane* pane = m_window.activePane();
    if (!pane) return;
    m_awaited = m_symbols[m_next++].trimmed().toUpper();
    m_chosenNs = monotonicNowNs();
    m_window.openSeries(m_awaited, pane->controller().currentKey().interval);
}

QStringList OpenTimer::report() const {
    QStringList lines;
    const auto ms = [](double v) { return QString::number(v, 'f', 1); };
    if (m_startMs) {
        lines << QStringLiteral("start: first chart painted %1 ms after exec (%2 ms after main; %3 candles)")
                     .arg(m_execToStartMs ? ms(*m_execToStartMs) : QStringLiteral("?"), ms(*m_startMs))
                     .arg(m_startCandles);
    } else {
        lines << QStringLiteral("start: no chart painted with candles");
    }
    std::vector<double> times;
    for (const Opening& o : m_openings) {
        lines << QStringLiteral("open %1: first paint %2 ms after the choice (%3 candles)").arg(o.symbol, ms(o.ms)).arg(o.candles);
        times.push_back(o.ms);
    }
    if (m_next > static_cast<int>(m_openings.size()))
        lines << QStringLiteral("open %1: no paint with its candles").arg(m_awaited);
    if (!times.empty()) {
        std::sort(times.begin(), times.end());
        lines << QStringLiteral("opens: %1, p50 %2 ms, max %3 ms")
                     .arg(times.size())
                     .arg(ms(times[times.size() / 2]), ms(times.back()));
    }
    return lines;
}

}  // namespace cpc::app
