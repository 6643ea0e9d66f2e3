#pragma once
// Bar Replay in the window (the model: bar_replay.hpp). View → Bar Replay (Shift+Alt+R, or the
// side toolbar's button) on the active chart: a vertical replay cursor follows the mouse over the
// chart until a click chooses the start bar — or a date typed in the replay bar's box (UTC). The
// chart (and every chart of its link group on the same layout tab, each on its own timeframe)
// then shows its candles up to that bar only: the ChartController gives the replay's series to
// the canvas, the indicators and the panes (ChartController::setReplaySeries), so nothing later is
// drawn, computed or scaled. The replay bar (a toolbar shown while replaying): Play/Pause, Step
// one bar (Shift+Right), the speed in bars per second, Jump to another start (click or date box),
// Exit (back to the live series as it is now). Each replaying chart wears a "REPLAY" badge with the
// replay time. Bars grow from the cached 1m candles (1s on a 1m chart) — from memory, else read
// from the candle cache — where there are some; otherwise they appear whole.
//
// Alerts: the chart's alerts (the source given by setAlertSource; the app's AlertService) are
// evaluated on a replay-local evaluator; its firings are drawn on the chart as "Replay" markers and
// counted in the replay bar; nothing reaches the alert engine, its log or the notifications.
#include <QObject>
#include <QPointer>
#include <QString>
#include <functional>
#include <optional>
#include <vector>

#include "cpc/alerts/alert.hpp"
#include "cpc/app/bar_replay.hpp"
#include "cpc/core/result.hpp"

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QTimer;
class QToolBar;
class QWidget;

namespace cpc::app {

class ChartPane;
class MainWindow;

// "2024-01-15 13:05", any form cpc::parseUtc reads, or a time back from `nowMs`: "-90m", "-6h",
// "-2d". nullopt for anything else.
std::optional<std::int64_t> parseReplayTime(const QString& text, std::int64_t nowMs);

class BarReplayUi final : public QObject {
    Q_OBJECT
public:
    BarReplayUi(MainWindow& window, QMenu& menu, QToolBar& sideBar);
    ~BarReplayUi() override;

    // The alerts the replay evaluates (the app's; tests give their own). None without it.
    void setAlertSource(std::function<std::vector<alerts::Alert>()> source);

    // Starts (or, while replaying, jumps) on `pane`'s link group at the bar of `pane` holding
    // `timeMs`. An error (shown in the status bar too) when that chart has no bar there or it is
    // its newest.
    Result<Ok> startAt(ChartPane* pane, std::int64_t timeMs);
    // View → Bar Replay: the replay cursor on the active chart until a click (or the date box).
    void beginSelection();
    bool selecting() const { return m_selecting != nullptr; }
    // `--bar-replay TIME`: starts on the active chart once its candles reach past TIME (demo and
    // live charts load them after the window shows); a failure is said in the status bar.
    void startWhenLoaded(const QString& text, int timeoutMs = 20'000);

    bool replaying() const { return m_replay.active(); }
    std::int64_t replayTime() const { return m_replay.time(); }
    const BarReplay& replay() const { return m_replay; }
    // The charts replaying (the link group of the chart it started on), in the model's order.
    std::vector<ChartPane*> panes() const;
    bool playing() const;
    void play();
    void pause();
    // One bar of the chart it started on; animated from the lower-timeframe candles when there
    // are some (animating() until the bar is whole). While playing: pauses first.
    void step();
    bool animating() const { return m_target.has_value(); }
    // Bars per second of the chart it started on while playing (1, 2, 3, 5 or 10).
    void setSpeed(int barsPerSecond);
    int speed() const { return m_speed; }
    // Back to live: every replaying chart shows its live series as it is now.
    void exit();

    QAction* startAction() const { return m_startAction; }
    QToolBar* bar() const { return m_bar; }
    // The badge on a replaying chart (null otherwise).
    QLabel* badge(const ChartPane* pane) const;
    // Replay firings of every replaying chart.
    std::size_t replayFirings() const;

signals:
    void changed();  // started, stepped, played a frame, exited

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void frame();
    void advanceTo(std::int64_t t);
    void afterMove(bool reset);
    void refreshTexts();
    void placeBadges();
    void endSelection();
    void loadFine(std::size_t index);
    std::vector<ChartPane*> groupOf(ChartPane* pane) const;
    int driverIndexOf(ChartPane* pane) const;

    MainWindow& m_window;
    std::function<std::vector<alerts::Alert>()> m_alertSource;
    BarReplay m_replay;
    std::vector<QPointer<ChartPane>> m_panes;  // m_replay's tracks, same order
    std::vector<QPointer<QLabel>> m_badges;
    std::size_t m_driver = 0;
    int m_speed = 1;
    std::optional<std::int64_t> m_target;  // a step being animated: the bar's end
    QPointer<ChartPane> m_selecting;       // the chart showing the replay cursor
    QPointer<QWidget> m_cursor;            // the replay cursor (a vertical line on the canvas)
    QTimer* m_timer = nullptr;
    QAction* m_startAction = nullptr;
    QToolBar* m_bar = nullptr;
    QLabel* m_timeLabel = nullptr;
    QLabel* m_alertLabel = nullptr;
    QLineEdit* m_dateBox = nullptr;
    QAction* m_playAction = nullptr;
    QAction* m_stepAction = nullptr;
    QAction* m_jumpAction = nullptr;
    QAction* m_exitAction = nullptr;
    QComboBox* m_speedBox = nullptr;
};

}  // namespace cpc::app
