#include "cpc/app/session_recorder.hpp"

#include <QAction>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTimer>
#include <QTimeZone>
#include <utility>

#include "cpc/app/chart_controller.hpp"
#include "cpc/core/time.hpp"
#include "cpc/session/market_session.hpp"
#include "cpc/session/stream_session.hpp"

namespace cpc::app {

std::uint32_t SessionTap::opened(int connection, bool rotation, std::string_view url) {
    const std::lock_guard lock(m_mutex);
    const std::uint32_t id = m_next++;
    m_open[id] = Socket{connection, rotation, std::string(url)};
    if (m_writer) m_writer->append(replay::RecordType::Opened, rotation ? 1 : 0, id, connection, url);
    return id;
}

void SessionTap::frame(std::uint32_t socket, std::string_view bytes) {
    std::shared_ptr<replay::RecordWriter> writer;
    {
        const std::lock_guard lock(m_mutex);
        writer = m_writer;
    }
    if (writer) writer->append(replay::RecordType::Frame, 0, socket, 0, bytes);
}

void SessionTap::closed(std::uint32_t socket, std::string_view reason) {
    const std::lock_guard lock(m_mutex);
    m_open.erase(socket);
    if (m_writer) m_writer->append(replay::RecordType::Closed, 0, socket, 0, reason);
}

void SessionTap::switched(std::uint32_t socket, int connection) {
    const std::lock_guard lock(m_mutex);
    std::erase_if(m_open, [&](const auto& s) { return s.second.connection == connection && !s.second.rotation; });
    if (auto it = m_open.find(socket); it != m_open.end()) it->second.rotation = false;
    if (m_writer) m_writer->append(replay::RecordType::Switched, 0, socket, connection, {});
}

void SessionTap::rest(std::string_view method, std::string_view target, int status, std::string_view body) {
    std::shared_ptr<replay::RecordWriter> writer;
    {
        const std::lock_guard lock(m_mutex);
        writer = m_writer;
    }
    if (writer) writer->appendRest(status, method, target, body);
}

void SessionTap::startWriting(std::shared_ptr<replay::RecordWriter> writer) {
    const std::lock_guard lock(m_mutex);
    m_writer = std::move(writer);
    if (!m_writer) return;
    for (const auto& [id, s] : m_open)
        m_writer->append(replay::RecordType::Opened, s.rotation ? 1 : 0, id, s.connection, s.url);
}

std::shared_ptr<replay::RecordWriter> SessionTap::stopWriting() {
    const std::lock_guard lock(m_mutex);
    return std::exchange(m_writer, nullptr);
}

namespace {

QString megabytes(std::uint64_t bytes) {
    return QString::number(static_cast<double>(bytes) / (1024.0 * 1024.0), 'f', 1);
}

}  // namespace

SessionRecorder::SessionRecorder(ChartController& controller, std::shared_ptr<SessionTap> tap, QObject* parent)
    : QObject(parent), m_controller(controller), m_tap(std::move(tap)) {
    m_timer = new QTimer(this);
    m_timer->setInterval(500);
    connect(m_timer, &QTimer::timeout, this, &SessionRecorder::poll);
    connect(this, &SessionRecorder::changed, this, &SessionRecorder::refresh);
}

SessionRecorder::~SessionRecorder() {
    if (m_state == State::Recording) (void)stop();
}

Result<Ok> SessionRecorder::start(const QString& dir) {
    if (m_state == State::Recording) return makeError("a recording is already running (" + m_dir.toStdString() + ")");
    const exchange::ExchangeAdapter* adapter = m_controller.adapter();
    if (!adapter || m_controller.currentKey().symbol.empty()) return makeError("no chart is open to record");
    if (adapter->market() != MarketType::Spot)
        return makeError("only spot markets can be recorded (the replay reads spot streams)");
    // What the replay subscribes to lay the connections out as they were: the chart's kline
    // stream, and the symbol's trades and book when something of the app streams them.
    replay::SessionInfo info;
    info.exchange = adapter->name();
    info.restBase = adapter->endpoints().restBase;
    info.streamBase = adapter->endpoints().streamBase;
    const SeriesKey key = m_controller.currentKey();
    info.symbols = {key.symbol};
    info.streams = {"kline_" + std::string(toString(key.interval))};
    session::MarketSession* market = m_controller.marketSession();
    if (market) {
        const auto engine = market->streams(m_controller.sharedAdapter());
        for (const auto& [kind, token] : {std::pair{exchange::StreamKind::Trade, "trade"}, std::pair{exchange::StreamKind::Depth, "depth"}}) {
            exchange::StreamSpec spec;
            spec.symbol = key.symbol;
            spec.kind = kind;
            if (engine->usersOf(adapter->streamName(spec)) > 0) info.streams.emplace_back(token);
        }
    }
    info.startedAtMs = nowMs();
    auto writer = replay::RecordWriter::create(dir.toStdString(), info);
    if (!writer) return writer.error();
    m_writer = std::shared_ptr<replay::RecordWriter>(std::move(*writer));
    m_tap->startWriting(m_writer);
    // A fresh connection: the record holds its open and the book snapshots a replay syncs from.
    m_controller.reconnect();
    m_dir = dir;
    m_error.clear();
    m_state = State::Recording;
    m_startedAt = std::chrono::steady_clock::now();
    m_lastStats = {};
    m_timer->start();
    emit changed();
    return Ok{};
}

Result<Ok> SessionRecorder::stop() {
    if (!m_writer) return Ok{};
    m_timer->stop();
    m_tap->stopWriting();
    const auto closed = m_writer->close();
    m_lastStats = m_writer->stats();
    m_duration = std::chrono::steady_clock::now() - m_startedAt;
    m_writer.reset();
    if (!closed) {
        fail(QString::fromStdString(closed.error().message));
        return closed;
    }
    if (m_state == State::Recording) m_state = State::Idle;
    emit changed();
    return Ok{};
}

replay::WriterStats SessionRecorder::stats() const { return m_writer ? m_writer->stats() : m_lastStats; }

void SessionRecorder::poll() {
    if (!m_writer) return;
    const std::string error = m_writer->error();
    if (!error.empty()) {
        // The writer accepts nothing more: the recording ends here, visibly.
        m_timer->stop();
        m_tap->stopWriting();
        (void)m_writer->close();
        m_lastStats = m_writer->stats();
        m_writer.reset();
        fail(QString::fromStdString(error));
        return;
    }
    emit changed();
}

void SessionRecorder::fail(const QString& message) {
    m_state = State::Failed;
    m_error = message;
    emit changed();
}

QString SessionRecorder::statusText() const {
    switch (m_state) {
    case State::Idle:
        return {};
    case State::Recording: {
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - m_startedAt).count();
        const replay::WriterStats s = stats();
        return tr("● REC %1 MB · %2:%3")
            .arg(megabytes(s.fileBytes))
            .arg(seconds / 60, 2, 10, QLatin1Char('0'))
            .arg(seconds % 60, 2, 10, QLatin1Char('0'));
    }
    case State::Failed:
        return tr("Recording stopped: %1").arg(m_error);
    }
    return {};
}

void SessionRecorder::addTo(QMainWindow& window) {
    m_action = new QAction(tr("&Record…"), &window);
    m_action->setObjectName(QStringLiteral("fileRecord"));
    m_action->setToolTip(tr("Record the active chart's market streams into a folder (cpc replay or --replay plays it)"));
    connect(m_action, &QAction::triggered, this, [this, &window] {
        if (m_state == State::Recording) {
            if (auto stopped = stop(); !stopped)
                QMessageBox::warning(&window, tr("Recording"), QString::fromStdString(stopped.error().message));
            return;
        }
        const QString parent = QFileDialog::getExistingDirectory(&window, tr("Folder for the recording"), QDir::homePath());
        if (parent.isEmpty()) return;
        // A new folder inside the chosen one: a recording is never appended to another.
        const QString name = QStringLiteral("canvasprochart-%1")
                                 .arg(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss")));
        if (auto started = start(QDir(parent).filePath(name)); !started)
            QMessageBox::warning(&window, tr("Recording"),
                                 tr("Could not start the recording: %1").arg(QString::fromStdString(started.error().message)));
    });
    const QList<QAction*> menus = window.menuBar()->actions();
    if (!menus.isEmpty() && menus.first()->menu()) {
        QMenu* file = menus.first()->menu();
        file->insertAction(file->actions().isEmpty() ? nullptr : file->actions().first(), m_action);
    }
    m_label = new QLabel(&window);
    m_label->setObjectName(QStringLiteral("recordStatus"));
    m_label->hide();
    window.statusBar()->addPermanentWidget(m_label);
    refresh();
}

void SessionRecorder::refresh() {
    if (m_action) m_action->setText(m_state == State::Recording ? tr("Stop &recording") : tr("&Record…"));
    if (!m_label) return;
    const QString text = statusText();
    m_label->setText(text);
    m_label->setVisible(!text.isEmpty());
    m_label->setStyleSheet(m_state == State::Recording ? QStringLiteral("color: #e0524a;")
                           : m_state == State::Failed  ? QStringLiteral("color: #e0524a; font-weight: bold;")
                                                       : QString());
}

}  // namespace cpc::app
