#pragma once
// File → Record in the app: the market session's wire traffic written to a recording directory
// by the same RecordWriter as `cpc record` (docs/RECORDING.md), started and stopped at run time.
//
// SessionTap is the app's WireTap, installed on the process's market session from the start
// (ServicesOptions::streams.tap): it numbers the sockets and remembers which are open, and writes
// only while a recording runs — a recording started mid-session begins with an Opened record of
// every socket open at that moment, so each later frame belongs to a socket the replay knows.
// SessionRecorder (GUI thread) starts it on the active chart's venue, reconnects that venue's
// streams (the record then holds a fresh connection and its book snapshots, what a replay needs
// to rebuild the books) and says its state: "● REC" with size and duration, or the writer's
// error (disk full, permission) as a visible state.
#include <QObject>
#include <QString>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "cpc/core/result.hpp"
#include "cpc/replay/record_writer.hpp"
#include "cpc/session/wire_tap.hpp"

class QAction;
class QLabel;
class QMainWindow;
class QTimer;

namespace cpc::app {

class ChartController;

class SessionTap final : public session::WireTap {
public:
    std::uint32_t opened(int connection, bool rotation, std::string_view url) override;
    void frame(std::uint32_t socket, std::string_view bytes) override;
    void closed(std::uint32_t socket, std::string_view reason) override;
    void switched(std::uint32_t socket, int connection) override;
    void rest(std::string_view method, std::string_view target, int status, std::string_view body) override;

    // Any thread: from now on every record goes to `writer`, after an Opened record of each
    // socket open now.
    void startWriting(std::shared_ptr<replay::RecordWriter> writer);
    // Any thread: nothing more is written; the writer that was written to (null if none).
    std::shared_ptr<replay::RecordWriter> stopWriting();

private:
    struct Socket {
        int connection = 0;
        bool rotation = false;
        std::string url;
    };
    std::mutex m_mutex;
    std::uint32_t m_next = 1;                 // guarded
    std::map<std::uint32_t, Socket> m_open;   // guarded
    std::shared_ptr<replay::RecordWriter> m_writer;  // guarded
};

class SessionRecorder final : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Recording, Failed };
    // `tap` is the one on `controller`'s services' market session.
    SessionRecorder(ChartController& controller, std::shared_ptr<SessionTap> tap, QObject* parent = nullptr);
    ~SessionRecorder() override;  // stops a recording

    // Records the active chart's venue into `dir` (missing or empty). An error says why (a
    // directory with files, no permission, a market that cannot be recorded), nothing started.
    Result<Ok> start(const QString& dir);
    // Stops and closes the recording; the writer's error, if it had one (also the state).
    Result<Ok> stop();

    State state() const { return m_state; }
    bool recording() const { return m_state == State::Recording; }
    QString directory() const { return m_dir; }
    replay::WriterStats stats() const;
    // "● REC 1.2 MB · 00:12", the failure, or empty.
    QString statusText() const;

    // File → Record…/Stop recording in `window`'s first menu, and the status bar label.
    void addTo(QMainWindow& window);
    QAction* action() const { return m_action; }
    QLabel* statusLabel() const { return m_label; }

signals:
    void changed();

private:
    void poll();
    void fail(const QString& message);
    void refresh();

    ChartController& m_controller;
    std::shared_ptr<SessionTap> m_tap;
    std::shared_ptr<replay::RecordWriter> m_writer;
    State m_state = State::Idle;
    QString m_dir;
    QString m_error;
    replay::WriterStats m_lastStats;
    std::chrono::steady_clock::time_point m_startedAt{};
    std::chrono::steady_clock::duration m_duration{};
    QTimer* m_timer = nullptr;
    QAction* m_action = nullptr;
    QLabel* m_label = nullptr;
};

}  // namespace cpc::app
