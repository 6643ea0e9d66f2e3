#pragma once
// The app's side of `canvasprochart --replay DIR`: a recording (cpc record, File → Record) played
// into the process's replayed market session (AppServices made with StreamSessionConfig::replay),
// so every chart, the realtime window and the alerts hear the recorded frames through the same
// path as live data (the session's codec, book sync and delivery → MarketFeed → SeriesHub →
// chart). ReplayPlayer owns the replay::Replayer and its controls (pause, step, seek, speed) and
// says its state in words for the status bar; ReplayToolbar is the controls' toolbar and the
// status bar's replay clock. GUI thread; what the network thread reports arrives queued.
#include <QLabel>
#include <QObject>
#include <QString>
#include <QToolBar>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "cpc/core/interval.hpp"
#include "cpc/core/result.hpp"
#include "cpc/exchange/exchange_adapter.hpp"
#include "cpc/replay/record_reader.hpp"
#include "cpc/replay/replayer.hpp"

class QAction;
class QComboBox;
class QDateTimeEdit;
class QMainWindow;
class QTimer;

namespace cpc::app {

class AppServices;

class ReplayPlayer final : public QObject {
    Q_OBJECT
public:
    // Seeking: going back — the replay starts over and plays as fast as it goes up to the time
    // sought (seekTarget()), then goes on as it was (playing, or paused there).
    enum class State { Waiting, Playing, Paused, Seeking, Ended, Failed };

    // Opens the recording in `dir` (every segment's header checked): a bad directory is an error
    // saying what was found and what is accepted (a directory cpc record or File → Record wrote).
    static Result<std::unique_ptr<replay::RecordReader>> openRecording(const QString& dir);
    // The recording's streams (kline_1m, trade, depth… of each symbol) as the session's specs; an
    // unknown token is an error naming it.
    static Result<std::vector<exchange::StreamSpec>> recordedStreams(const replay::SessionInfo& info);
    // The interval a replayed chart opens: the recording's first kline stream's (else 1m).
    static Interval chartInterval(const replay::SessionInfo& info);

    // `services` must be a replay's (ServicesOptions::streams.replay) and outlive the player.
    ReplayPlayer(AppServices& services, std::unique_ptr<replay::RecordReader> reader, replay::ReplayOptions options,
                 QObject* parent = nullptr);
    ~ReplayPlayer() override;  // cancels the replay

    const replay::SessionInfo& info() const { return m_info; }
    // Subscribes every recorded stream on the replayed session (so its connections are laid out as
    // they were recorded) and starts playing. Once; later calls do nothing.
    Result<Ok> start();
    bool started() const { return m_started; }
    // Whether the replayed session has a user of `key`'s kline stream (the chart's feed has
    // subscribed: starting now, it hears the recording from its first frame). Not on the network thread.
    bool chartSubscribed(const SeriesKey& key) const { return listeners(key) > 0; }
    // How many users the replayed session's kline stream of `key` has (the player's own holder
    // included while the replay runs). Not on the network thread.
    std::size_t listeners(const SeriesKey& key) const;

    void setPaused(bool paused);
    void togglePause() { setPaused(m_state != State::Paused); }
    void stepFrame();   // the next WebSocket frame (and the records before it)
    void stepSecond();  // every record of the next second of the recording
    // A time at or after the replay clock: played at once up to there. An earlier one (also once
    // the replay ended or stopped): the replay goes back — rewinding() is emitted (everything that
    // shows the replayed market starts over: the app's charts, alerts and windows), the replayed
    // session's connections and books end, and once ready() says the chart listens again (or 3 s
    // passed) a new Replayer plays the recording from its first record as fast as it goes up to
    // the time, then on at the chosen speed, or paused there if it was paused. So what is shown at
    // the time is what a replay played from the start shows there. A time before the recording's
    // start goes to its start (notice() says so); one after its end, once the end is known (the
    // replay reached it), is an error, nothing changed.
    Result<Ok> seekTo(std::int64_t wallMs);
    // What the last seek adjusted (a time before the start: the start), until the next control.
    const QString& notice() const { return m_notice; }
    std::int64_t seekTarget() const { return m_seekTarget; }
    // Whether the replay's users listen again after rewinding() (the app: the chart's feed has
    // subscribed its stream). Unset: at once.
    void setReadyCheck(std::function<bool()> ready) { m_ready = std::move(ready); }
    // The receipt time of the recording's last record, once a replay reached it (else 0).
    std::int64_t endMs() const { return m_endMs; }
    void setSpeed(double speed, bool asFastAsPossible);

    State state() const { return m_state; }
    std::int64_t clockMs() const;
    std::uint64_t framesPlayed() const;
    double speed() const { return m_speed; }
    bool asFastAsPossible() const { return m_asFast; }
    // What the status bar says: the replay clock and state, the end, or why it stopped (a damaged
    // or cut recording: which file and where).
    QString statusText() const;
    // The reader's notices and the error that stopped the replay (empty while none).
    const QStringList& problems() const { return m_problems; }

signals:
    void changed();  // state, speed or clock
    // A seek back starts over (GUI thread, before the new replay starts): whatever holds state of
    // the replayed market resets to what it had before the recording's first record.
    void rewinding();

private:
    void onDone(Result<replay::ReplaySummary> result);
    void onReached();
    // A new Replayer from the recording's first record (start(); a seek back), reporting under
    // generation m_generation.
    Result<Ok> play(replay::ReplayOptions options);
    void rewind(std::int64_t wallMs);
    void followForwardSeek(std::uint64_t generation, std::int64_t lastClock, int triesLeft);
    void restartWhenReady(int triesLeft);

    AppServices& m_services;
    std::unique_ptr<replay::RecordReader> m_reader;  // until start()
    replay::SessionInfo m_info;
    replay::ReplayOptions m_options;
    std::shared_ptr<const exchange::ExchangeAdapter> m_adapter;
    std::vector<exchange::StreamSpec> m_specs;
    std::shared_ptr<feed::FeedSink> m_holder;  // the recorded streams' user while the replay runs
    std::shared_ptr<replay::Replayer> m_replayer;
    // Cleared by the destructor: the network thread's reports reach this object only while it lives.
    struct Guard {
        std::mutex mutex;
        ReplayPlayer* player = nullptr;
    };
    std::shared_ptr<Guard> m_guard;
    bool m_started = false;
    std::filesystem::path m_dir;     // the recording, opened again by a seek back
    std::uint64_t m_generation = 0;  // of m_replayer: a cancelled one's reports are dropped
    std::function<bool()> m_ready;
    std::int64_t m_seekTarget = 0;
    bool m_pausedAfterSeek = false;  // a seek back of a paused replay stays paused at its time
    std::int64_t m_endMs = 0;
    QString m_notice;
    State m_state = State::Waiting;
    double m_speed = 1.0;
    bool m_asFast = false;
    std::uint64_t m_summaryFrames = 0;
    QStringList m_problems;
    QTimer* m_clockTimer = nullptr;  // the clock in the status bar moves while playing
};

// The replay's toolbar (pause/resume, next frame, next second, a time to seek to, the speed) and
// its status bar label, added to `window`.
class ReplayToolbar final : public QToolBar {
    Q_OBJECT
public:
    ReplayToolbar(QMainWindow& window, ReplayPlayer& player);
    QLabel* statusLabel() const { return m_status; }
    QAction* pauseAction() const { return m_pause; }
    QAction* stepFrameAction() const { return m_stepFrame; }
    QAction* stepSecondAction() const { return m_stepSecond; }
    QAction* seekAction() const { return m_seek; }
    QDateTimeEdit* seekTimeEdit() const { return m_seekTime; }
    QComboBox* speedBox() const { return m_speedBox; }

private:
    void refresh();

    ReplayPlayer& m_player;
    QAction* m_pause = nullptr;
    QAction* m_stepFrame = nullptr;
    QAction* m_stepSecond = nullptr;
    QAction* m_seek = nullptr;
    QDateTimeEdit* m_seekTime = nullptr;
    QComboBox* m_speedBox = nullptr;
    QLabel* m_status = nullptr;
    QString m_seekError;  // the last refused seek (or what a seek adjusted), until the next control
    // After a seek the time box shows where the replay is (its clock, up to the next whole
    // second: Go again goes nowhere back), until the user edits it.
    bool m_followClock = false;
    bool m_settingTime = false;  // the box is being set from the clock, not by the user
};

}  // namespace cpc::app
