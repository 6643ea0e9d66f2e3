#pragma once
// The app's own opening path, timed as a trader meets it (issue 21; `canvasprochart --open-stats
// [SYMBOLS]`, scripts/bench-open):
//   - the start: from the process's start (exec, as the kernel stamps it: 10 ms ticks) and from
//     runApp's first line (after the dynamic loader and static initialisers) to the end of the
//     first paint of the active chart showing candles;
//   - then each listed symbol, chosen on the active chart as the toolbar's symbol box chooses it
//     (MainWindow::openSeries, same interval), one after another: from the choice to the end of
//     the chart's first paint showing that symbol's candles (what the cache had; the venue's
//     backfill comes after and is not waited for).
// "The end of a paint" is the canvas's paint event returned (its pixels in the backing store).
#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QStringList>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace cpc::app {

class MainWindow;

class OpenTimer final : public QObject {
    Q_OBJECT
public:
    // `enteredNs`: CLOCK_MONOTONIC at runApp's first line (monotonicNowNs()).
    OpenTimer(MainWindow& window, QStringList symbols, std::int64_t enteredNs, QObject* parent = nullptr);
    ~OpenTimer() override;

    static std::int64_t monotonicNowNs();
    // The process's age now, from /proc/self/stat's start time (clock ticks since boot); none
    // where that cannot be read.
    static std::optional<std::int64_t> processAgeNs();

    struct Opening {
        QString symbol;
        double ms = 0;             // choice → end of its first paint with candles
        std::size_t candles = 0;   // the candles that paint showed
    };
    bool done() const { return m_done; }
    // ms from runApp's start to the first chart paint; from the process's start (exec) when known.
    std::optional<double> startMs() const { return m_startMs; }
    std::optional<double> execToStartMs() const { return m_execToStartMs; }
    const std::vector<Opening>& openings() const { return m_openings; }
    // Lines for stdout: "start: …", one "open SYMBOL: …" per symbol, "opens: p50 … max …".
    QStringList report() const;

signals:
    // Every listed symbol painted (or the start did, with none listed).
    void finished();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    bool paintedWhatIsAwaited(QObject* watched);
    void chooseNext();

    MainWindow& m_window;
    QStringList m_symbols;
    std::int64_t m_enteredNs;
    std::optional<std::int64_t> m_ageAtEntryNs;  // the process's age at runApp's start
    std::optional<double> m_startMs;
    std::optional<double> m_execToStartMs;
    std::size_t m_startCandles = 0;
    std::vector<Opening> m_openings;
    int m_next = 0;               // index in m_symbols of the next choice
    QString m_awaited;            // the symbol whose first paint is awaited ("" at the start)
    std::int64_t m_chosenNs = 0;  // when it was chosen
    bool m_inPaint = false;
    bool m_done = false;
};

}  // namespace cpc::app
