#include "cpc/app/replay_player.hpp"

#include <QAction>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeEdit>
#include <QMainWindow>
#include <QMetaObject>
#include <QStatusBar>
#include <QTimeZone>
#include <QTimer>
#include <algorithm>
#include <chrono>
#include <future>

#include <boost/asio/post.hpp>

#include "cpc/app/app_services.hpp"
#include "cpc/exchange/registry.hpp"
#include "cpc/exchange/stream_tokens.hpp"
#include "cpc/session/market_session.hpp"
#include "cpc/session/stream_session.hpp"

namespace cpc::app {

namespace {

QString utcText(std::int64_t ms) {
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz 'UTC'"));
}

// The user of the recorded streams while the replay runs: its events are the charts' and
// windows' business (they are users too); it only keeps every stream subscribed from the start.
struct Holder final : feed::FeedSink {
    void post(feed::FeedEvent) override {}
};

}  // namespace

Result<std::unique_ptr<replay::RecordReader>> ReplayPlayer::openRecording(const QString& dir) {
    auto reader = replay::RecordReader::open(dir.toStdString());
    if (!reader)
        return makeError("--replay: " + reader.error().message +
                         " (accepted: a directory of a recording made by cpc record or File > Record)");
    if (!exchange::defaultEndpoints((*reader)->info().exchange))
        return makeError("--replay: the recording's venue '" + (*reader)->info().exchange + "' is not one of ours");
    if (auto streams = recordedStreams((*reader)->info()); !streams) return makeError("--replay: " + streams.error().message);
    return reader;
}

Result<std::vector<exchange::StreamSpec>> ReplayPlayer::recordedStreams(const replay::SessionInfo& info) {
    // In cpc record's order (each symbol's streams in turn): the connections are laid out as
    // they were recorded.
    std::vector<exchange::StreamSpec> specs;
    for (const std::string& symbol : info.symbols) {
        for (const std::string& token : info.streams) {
            const auto spec = exchange::parseStreamToken(token, symbol);
            if (!spec || exchange::isPerpetualStream(spec->kind)) return makeError("the recording's stream '" + token + "' cannot be replayed in the app");
            if (std::find(specs.begin(), specs.end(), *spec) == specs.end()) specs.push_back(*spec);
        }
    }
    if (specs.empty()) return makeError("the recording names no symbol or stream");
    return specs;
}

Interval ReplayPlayer::chartInterval(const replay::SessionInfo& info) {
    for (const std::string& token : info.streams)
        if (token.starts_with("kline_"))
            if (const auto interval = parseInterval(std::string_view(token).substr(6))) return *interval;
    return Interval::M1;
}

ReplayPlayer::ReplayPlayer(AppServices& services, std::unique_ptr<replay::RecordReader> reader,
                           replay::ReplayOptions options, QObject* parent)
    : QObject(parent),
      m_services(services),
      m_reader(std::move(reader)),
      m_info(m_reader->info()),
      m_options(options),
      m_guard(std::make_shared<Guard>()),
      m_speed(options.speed),
      m_asFast(options.asFastAsPossible) {
    m_guard->player = this;
    if (!m_reader->segments().empty()) m_dir = m_reader->segments().front().parent_path();
    if (auto adapter = exchange::makeAdapter(m_info.exchange, exchange::Endpoints{m_info.restBase, m_info.streamBase}))
        m_adapter = std::shared_ptr<const exchange::ExchangeAdapter>(std::move(*adapter));
    m_clockTimer = new QTimer(this);
    m_clockTimer->setInterval(100);
    connect(m_clockTimer, &QTimer::timeout, this, [this] {
        if (m_state == State::Playing) emit changed();
    });
}

ReplayPlayer::~ReplayPlayer() {
    {
        const std::lock_guard lock(m_guard->mutex);
        m_guard->player = nullptr;
    }
    if (m_replayer) m_replayer->cancel();
    if (m_holder && m_adapter) m_services.market().streams(m_adapter)->unsubscribe(m_specs, m_holder);
}

std::size_t ReplayPlayer::listeners(const SeriesKey& key) const {
    if (!m_adapter || key.symbol.empty()) return 0;
    exchange::StreamSpec spec;
    spec.symbol = key.symbol;
    spec.kind = exchange::StreamKind::Kline;
    spec.interval = m_adapter->nativeSourceInterval(key.interval).value_or(key.interval);
    return m_services.market().streams(m_adapter)->usersOf(m_adapter->streamName(spec));
}

Result<Ok> ReplayPlayer::start() {
    if (m_started) return Ok{};
    if (!m_adapter) return makeError("the recording's venue '" + m_info.exchange + "' is not one of ours");
    auto specs = recordedStreams(m_info);
    if (!specs) return specs.error();
    m_specs = std::move(*specs);
    if (auto played = play(m_options); !played) return played;
    m_started = true;
    m_state = State::Playing;
    m_clockTimer->start();
    emit changed();
    return Ok{};
}

Result<Ok> ReplayPlayer::play(replay::ReplayOptions options) {
    std::unique_ptr<replay::RecordReader> reader = std::move(m_reader);
    if (!reader) {  // a seek back: the recording from its first record again
        auto opened = replay::RecordReader::open(m_dir);
        if (!opened) return opened.error();
        reader = std::move(*opened);
    }
    const auto engine = m_services.market().streams(m_adapter);
    if (!m_holder) {
        m_holder = std::make_shared<Holder>();
        engine->subscribe(m_specs, m_holder);
    }
    const std::uint64_t generation = ++m_generation;
    std::weak_ptr<Guard> weak = m_guard;
    // The network thread's reports reach the player queued, and only those of the replay now
    // playing (a seek back cancels the one before; its end is not this replay's).
    const auto report = [weak, generation](auto handle) {
        const auto guard = weak.lock();
        if (!guard) return;
        const std::lock_guard lock(guard->mutex);
        if (!guard->player) return;
        ReplayPlayer* player = guard->player;
        QMetaObject::invokeMethod(
            player,
            [player, generation, handle = std::move(handle)]() mutable {
                if (player->m_generation == generation) handle(*player);
            },
            Qt::QueuedConnection);
    };
    m_replayer = replay::Replayer::start(
        m_services.io(), engine, std::move(reader), options,
        [report] { report([](ReplayPlayer& player) { player.onReached(); }); },
        [report](Result<replay::ReplaySummary> result) {
            report([result = std::move(result)](ReplayPlayer& player) mutable { player.onDone(std::move(result)); });
        });
    return Ok{};
}

void ReplayPlayer::onReached() {
    if (m_state != State::Seeking) return;
    m_state = m_pausedAfterSeek ? State::Paused : State::Playing;
    if (m_state == State::Playing) m_clockTimer->start();
    emit changed();
}

void ReplayPlayer::onDone(Result<replay::ReplaySummary> result) {
    m_clockTimer->stop();
    if (!result) {
        m_state = State::Failed;
        m_problems << QString::fromStdString(result.error().message);
    } else {
        m_state = State::Ended;
        m_summaryFrames = result->frames;
        // The recording's end (no --to in the app): a later seek is refused against it.
        if (!m_options.toMs) m_endMs = std::max(m_endMs, clockMs());
        for (const std::string& notice : result->notices) m_problems << QString::fromStdString(notice);
    }
    emit changed();
}

void ReplayPlayer::setPaused(bool paused) {
    if (!m_replayer || m_state == State::Ended || m_state == State::Failed) return;
    m_notice.clear();
    if (m_state == State::Seeking) {
        // Paused: it stops at the time sought; resumed: it plays on from there.
        m_pausedAfterSeek = paused;
        m_replayer->setPaused(paused);
        if (paused) m_replayer->seekTo(m_seekTarget);
        emit changed();
        return;
    }
    m_replayer->setPaused(paused);
    m_state = paused ? State::Paused : State::Playing;
    if (paused) m_clockTimer->stop();
    else m_clockTimer->start();
    emit changed();
}

void ReplayPlayer::stepFrame() {
    if (!m_replayer || m_state == State::Ended || m_state == State::Failed || m_state == State::Seeking) return;
    m_notice.clear();
    m_replayer->stepFrames(1);
    // The clock label follows once the step is played (a moment later).
    QTimer::singleShot(50, this, [this] { emit changed(); });
}

void ReplayPlayer::stepSecond() {
    if (!m_replayer || m_state == State::Ended || m_state == State::Failed || m_state == State::Seeking) return;
    m_notice.clear();
    const std::int64_t clock = m_replayer->clockMs();
    m_replayer->seekTo((clock > 0 ? clock : m_info.startedAtMs) + 1000);
    QTimer::singleShot(50, this, [this] { emit changed(); });
}

Result<Ok> ReplayPlayer::seekTo(std::int64_t wallMs) {
    if (!m_started) return makeError(tr("the replay has not started").toStdString());
    m_notice.clear();
    std::int64_t target = wallMs;
    if (target < m_info.startedAtMs) {
        target = m_info.startedAtMs;
        m_notice = tr("%1 is before the recording's start: going to its start, %2").arg(utcText(wallMs), utcText(target));
    }
    if (m_endMs > 0 && target > m_endMs)
        return makeError(tr("%1 is after the recording's end (%2)").arg(utcText(wallMs), utcText(m_endMs)).toStdString());
    const bool over = m_state == State::Ended || m_state == State::Failed;
    if (!over && m_state != State::Seeking && target >= m_replayer->clockMs()) {
        m_replayer->seekTo(target);
        followForwardSeek(m_generation, 0, 100);
        return Ok{};
    }
    rewind(target);
    return Ok{};
}

void ReplayPlayer::followForwardSeek(std::uint64_t generation, std::int64_t lastClock, int triesLeft) {
    // A long way forward takes a while to play: the clock (the status, the toolbar's time box)
    // follows it every 50 ms while the replay has not got there, then until the clock stops moving
    // (a paused replay stays there) or 5 s more passed. A busy machine can leave the replay's thread
    // idle for longer than a tick, so an unmoved clock alone does not mean the seek is over.
    QTimer::singleShot(50, this, [this, generation, lastClock, triesLeft] {
        if (generation != m_generation) return;
        emit changed();
        const std::int64_t clock = clockMs();
        if (m_replayer->seeking()) followForwardSeek(generation, clock, triesLeft);
        else if (clock != lastClock && triesLeft > 0) followForwardSeek(generation, clock, triesLeft - 1);
    });
}

void ReplayPlayer::rewind(std::int64_t wallMs) {
    // A replay only moves forward through the recording, and everything it fed (series,
    // aggregators, books, the trade tape, the alerts' state) holds what came before: going back
    // is starting over. The replay playing stops; the replayed session's connections end
    // (Reconnecting) and its books go; the users start over (rewinding()); then the recording
    // plays again from its first record, at once up to the time.
    if (m_state != State::Seeking) m_pausedAfterSeek = m_state == State::Paused;
    m_seekTarget = wallMs;
    ++m_generation;  // the replay playing reports nothing more
    const auto engine = m_services.market().streams(m_adapter);
    if (m_replayer) m_replayer->cancel();
    // After the cancel on the network thread: whatever the replay was playing is played by then.
    // A barrier: once the network thread ran this, the replay before posted its last event, so
    // what the users drop now is all of it (waits milliseconds: the cancel is taken between two
    // records).
    auto rewound = std::make_shared<std::promise<void>>();
    auto done = rewound->get_future();
    boost::asio::post(m_services.io().context(), [engine, rewound] {
        engine->replayRewind("seeking back in the replay");
        rewound->set_value();
    });
    done.wait_for(std::chrono::seconds(5));
    if (m_holder) engine->unsubscribe(m_specs, m_holder);
    m_holder.reset();
    m_problems.clear();
    m_summaryFrames = 0;
    m_state = State::Seeking;
    m_clockTimer->stop();
    emit rewinding();
    emit changed();
    restartWhenReady(150);  // 3 s at most, as for the first start
}

void ReplayPlayer::restartWhenReady(int triesLeft) {
    if (m_state != State::Seeking) return;
    if (triesLeft > 0 && m_ready && !m_ready()) {
        QTimer::singleShot(20, this, [this, triesLeft, generation = m_generation] {
            if (generation == m_generation) restartWhenReady(triesLeft - 1);
        });
        return;
    }
    // As fast as it goes up to the time (the records before fromMs are not paced), then at the
    // chosen speed; a paused replay stops there.
    replay::ReplayOptions options = m_options;
    options.speed = m_speed;
    options.asFastAsPossible = m_asFast;
    options.fromMs = m_seekTarget;
    options.paused = m_pausedAfterSeek;  // set before its first record: it stops at the time
    if (auto played = play(options); !played) {
        m_state = State::Failed;
        m_problems << QString::fromStdString(played.error().message);
        emit changed();
        return;
    }
    if (m_pausedAfterSeek) m_replayer->seekTo(m_seekTarget);
}

void ReplayPlayer::setSpeed(double speed, bool asFastAsPossible) {
    m_speed = std::clamp(speed, 1.0, 1000.0);
    m_asFast = asFastAsPossible;
    if (m_replayer) m_replayer->setSpeed(m_speed, m_asFast);
    else {
        m_options.speed = m_speed;
        m_options.asFastAsPossible = m_asFast;
    }
    emit changed();
}

std::int64_t ReplayPlayer::clockMs() const { return m_replayer ? m_replayer->clockMs() : 0; }

std::uint64_t ReplayPlayer::framesPlayed() const { return m_replayer ? m_replayer->framesPlayed() : 0; }

QString ReplayPlayer::statusText() const {
    const std::int64_t clock = clockMs();
    const QString at = clock > 0 ? utcText(clock) : tr("the start");
    const QString pace = m_asFast ? tr("as fast as possible") : tr("%1×").arg(m_speed);
    switch (m_state) {
    case State::Waiting:
        return tr("Replay: waiting for the chart");
    case State::Playing:
        return tr("Replay %1 · %2").arg(at, pace);
    case State::Paused:
        return tr("Replay paused at %1").arg(at);
    case State::Seeking:
        return tr("Seeking to %1").arg(utcText(m_seekTarget));
    case State::Ended:
        if (!m_problems.isEmpty()) return tr("Replay ended at %1 — %2").arg(at, m_problems.join(QStringLiteral("; ")));
        return tr("Replay ended at %1 (%2 frames)").arg(at).arg(m_summaryFrames);
    case State::Failed:
        return tr("Replay stopped at %1 — damaged recording: %2").arg(at, m_problems.join(QStringLiteral("; ")));
    }
    return {};
}

ReplayToolbar::ReplayToolbar(QMainWindow& window, ReplayPlayer& player)
    : QToolBar(tr("Replay"), &window), m_player(player) {
    setObjectName(QStringLiteral("replayToolbar"));
    m_pause = addAction(tr("Pause"));
    m_pause->setObjectName(QStringLiteral("replayPause"));
    m_pause->setToolTip(tr("Pause or resume the replay"));
    connect(m_pause, &QAction::triggered, this, [this] {
        m_seekError.clear();
        m_player.togglePause();
    });
    m_stepFrame = addAction(tr("Next frame"));
    m_stepFrame->setToolTip(tr("Play the next recorded frame"));
    connect(m_stepFrame, &QAction::triggered, this, [this] {
        m_seekError.clear();
        m_player.stepFrame();
    });
    m_stepSecond = addAction(tr("Next second"));
    m_stepSecond->setToolTip(tr("Play the next second of the recording"));
    connect(m_stepSecond, &QAction::triggered, this, [this] {
        m_seekError.clear();
        m_player.stepSecond();
    });
    addSeparator();
    m_seekTime = new QDateTimeEdit(this);
    m_seekTime->setTimeSpec(Qt::UTC);
    m_seekTime->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
    m_seekTime->setDateTime(QDateTime::fromMSecsSinceEpoch(player.info().startedAtMs, QTimeZone::utc()));
    m_seekTime->setToolTip(tr("A time of the recording to go to (UTC)"));
    addWidget(m_seekTime);
    m_seek = addAction(tr("Go"));
    m_seek->setToolTip(tr("Go to this time of the recording: forward at once, back by playing it again from its start"));
    connect(m_seek, &QAction::triggered, this, [this] {
        const auto sought = m_player.seekTo(m_seekTime->dateTime().toMSecsSinceEpoch());
        m_seekError = sought ? m_player.notice() : QString::fromStdString(sought.error().message);
        m_followClock = static_cast<bool>(sought);
        refresh();
    });
    connect(m_seekTime, &QDateTimeEdit::dateTimeChanged, this, [this] {
        if (!m_settingTime) m_followClock = false;  // the user's time stays until Go
    });
    addSeparator();
    m_speedBox = new QComboBox(this);
    m_speedBox->setToolTip(tr("Replay speed (times the recorded pace)"));
    for (const int x : {1, 2, 5, 10, 50, 100, 1000}) m_speedBox->addItem(tr("%1×").arg(x), x);
    m_speedBox->addItem(tr("max"), 0);
    const int current =
        player.asFastAsPossible() ? m_speedBox->count() - 1 : m_speedBox->findData(static_cast<int>(player.speed()));
    if (current >= 0) {
        m_speedBox->setCurrentIndex(current);
    } else {  // a speed given on the command line that the list has not (--speed 3)
        m_speedBox->addItem(tr("%1×").arg(player.speed()), player.speed());
        m_speedBox->setCurrentIndex(m_speedBox->count() - 1);
    }
    connect(m_speedBox, &QComboBox::activated, this, [this](int index) {
        const double x = m_speedBox->itemData(index).toDouble();
        m_player.setSpeed(x > 0 ? x : 1.0, x <= 0);
    });
    addWidget(m_speedBox);
    window.addToolBar(Qt::TopToolBarArea, this);

    m_status = new QLabel(&window);
    m_status->setObjectName(QStringLiteral("replayStatus"));
    window.statusBar()->addPermanentWidget(m_status);
    connect(&m_player, &ReplayPlayer::changed, this, &ReplayToolbar::refresh);
    refresh();
}

void ReplayToolbar::refresh() {
    using State = ReplayPlayer::State;
    const State state = m_player.state();
    const bool over = state == State::Ended || state == State::Failed;
    const bool seeking = state == State::Seeking;
    m_pause->setText(state == State::Paused ? tr("Resume") : tr("Pause"));
    m_pause->setEnabled(!over && !seeking);
    m_stepFrame->setEnabled(!over && !seeking);
    m_stepSecond->setEnabled(!over && !seeking);
    m_seek->setEnabled(true);  // after the end too: back to an earlier time
    // Where a seek went (a seek back plays up to the time first: the clock once it is there), so
    // that the time box and the clock agree. Typing a time in the box ends that (dateTimeChanged).
    if (m_followClock && !seeking && m_player.clockMs() > 0) {
        const std::int64_t second = (m_player.clockMs() + 999) / 1000 * 1000;
        if (m_seekTime->dateTime().toMSecsSinceEpoch() != second) {
            m_settingTime = true;
            m_seekTime->setDateTime(QDateTime::fromMSecsSinceEpoch(second, QTimeZone::utc()));
            m_settingTime = false;
        }
    }
    QString text = m_player.statusText();
    if (!m_seekError.isEmpty()) text += QStringLiteral(" — ") + m_seekError;
    m_status->setText(text);
    // The end and a damaged recording stand out; a running replay is plain.
    m_status->setStyleSheet(state == State::Failed                                  ? QStringLiteral("color: #e0524a; font-weight: bold;")
                            : state == State::Ended && !m_player.problems().isEmpty() ? QStringLiteral("color: #d39b2a; font-weight: bold;")
                            : over                                                    ? QStringLiteral("font-weight: bold;")
                                                                                      : QString());
}

}  // namespace cpc::app
