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

bool ReplayPlayer::chartSubscribed(const SeriesKey& key) const {
    if (!m_adapter || key.symbol.empty()) return false;
    exchange::StreamSpec spec;
    spec.symbol = key.symbol;
    spec.kind = exchange::StreamKind::Kline;
    spec.interval = m_adapter->nativeSourceInterval(key.interval).value_or(key.interval);
    return m_services.market().streams(m_adapter)->usersOf(m_adapter->streamName(spec)) > 0;
}

Result<Ok> ReplayPlayer::start() {
    if (m_replayer) return Ok{};
    if (!m_adapter) return makeError("the recording's venue '" + m_info.exchange + "' is not one of ours");
    auto specs = recordedStreams(m_info);
    if (!specs) return specs.error();
    m_specs = std::move(*specs);
    const auto engine = m_services.market().streams(m_adapter);
    m_holder = std::make_shared<Holder>();
    engine->subscribe(m_specs, m_holder);
    std::weak_ptr<Guard> weak = m_guard;
    m_replayer = replay::Replayer::start(
        m_services.io(), engine, std::move(m_reader), m_options, {},
        [weak](Result<replay::ReplaySummary> result) {
            const auto guard = weak.lock();
            if (!guard) return;
            const std::lock_guard lock(guard->mutex);
            if (!guard->player) return;
            ReplayPlayer* player = guard->player;
            QMetaObject::invokeMethod(
                player, [player, result = std::move(result)]() mutable { player->onDone(std::move(result)); },
                Qt::QueuedConnection);
        });
    m_state = State::Playing;
    m_clockTimer->start();
    emit changed();
    return Ok{};
}

void ReplayPlayer::onDone(Result<replay::ReplaySummary> result) {
    m_clockTimer->stop();
    if (!result) {
        m_state = State::Failed;
        m_problems << QString::fromStdString(result.error().message);
    } else {
        m_state = State::Ended;
        m_summaryFrames = result->frames;
        for (const std::string& notice : result->notices) m_problems << QString::fromStdString(notice);
    }
    emit changed();
}

void ReplayPlayer::setPaused(bool paused) {
    if (!m_replayer || m_state == State::Ended || m_state == State::Failed) return;
    m_replayer->setPaused(paused);
    m_state = paused ? State::Paused : State::Playing;
    if (paused) m_clockTimer->stop();
    else m_clockTimer->start();
    emit changed();
}

void ReplayPlayer::stepFrame() {
    if (!m_replayer || m_state == State::Ended || m_state == State::Failed) return;
    m_replayer->stepFrames(1);
    // The clock label follows once the step is played (a moment later).
    QTimer::singleShot(50, this, [this] { emit changed(); });
}

void ReplayPlayer::stepSecond() {
    if (!m_replayer || m_state == State::Ended || m_state == State::Failed) return;
    const std::int64_t clock = m_replayer->clockMs();
    m_replayer->seekTo((clock > 0 ? clock : m_info.startedAtMs) + 1000);
    QTimer::singleShot(50, this, [this] { emit changed(); });
}

Result<Ok> ReplayPlayer::seekTo(std::int64_t wallMs) {
    if (!m_replayer) return makeError("the replay has not started");
    if (m_state == State::Ended || m_state == State::Failed) return makeError("the replay is over");
    const std::int64_t clock = m_replayer->clockMs();
    if (wallMs < clock)
        return makeError("a replay only goes forward: " + utcText(wallMs).toStdString() + " is before its clock (" +
                         utcText(clock).toStdString() + "); open the recording again to start over");
    m_replayer->seekTo(wallMs);
    QTimer::singleShot(50, this, [this] { emit changed(); });
    return Ok{};
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
    m_seek->setToolTip(tr("Play the recording up to this time at once"));
    connect(m_seek, &QAction::triggered, this, [this] {
        const auto sought = m_player.seekTo(m_seekTime->dateTime().toMSecsSinceEpoch());
        m_seekError = sought ? QString() : QString::fromStdString(sought.error().message);
        refresh();
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
    m_pause->setText(state == State::Paused ? tr("Resume") : tr("Pause"));
    m_pause->setEnabled(!over);
    m_stepFrame->setEnabled(!over);
    m_stepSecond->setEnabled(!over);
    m_seek->setEnabled(!over);
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
