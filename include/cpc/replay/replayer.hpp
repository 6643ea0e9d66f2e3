#pragma once
// Replayer: plays a recording into a replayed StreamSession (StreamSessionConfig::replay) on its
// network thread — every frame, socket open / close, rotation switch and REST answer in the
// recorded order, so the session's users hear what they heard live (the same adapter codec,
// book sync, de-duplication and delivery; see StreamSession::replay*). Paced by the records'
// receipt times at `speed`× (1 to 1,000), or as fast as it goes (`max`).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cpc/core/result.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/replay/record_reader.hpp"
#include "cpc/session/stream_session.hpp"

namespace cpc::replay {

struct ReplayOptions {
    double speed = 1.0;    // 1 … 1000; ignored with asFastAsPossible
    bool asFastAsPossible = false;
    std::optional<std::int64_t> fromMs;  // records before are played at once, their events not shown
    std::optional<std::int64_t> toMs;    // the replay ends at the first record after
    // Starts paused (before its first record is played): a seekTo() then plays up to its time and
    // stops there — the app's seek back of a paused replay, which must not play on past it.
    bool paused = false;
};

struct ReplaySummary {
    std::uint64_t records = 0;
    std::uint64_t frames = 0;
    std::uint64_t skipped = 0;  // records of sockets or connections the replayed session does not have
    std::vector<std::string> notices;  // the reader's (a cut last segment)
};

class Replayer : public std::enable_shared_from_this<Replayer> {
public:
    // `reached`: called on the network thread when the first record at or after fromMs is about
    // to be played (at once without fromMs); `done`: on the network thread at the end, with the
    // summary or the error that stopped it (a corrupt record).
    static std::shared_ptr<Replayer> start(net::IoThread& io, std::shared_ptr<session::StreamSession> session,
                                           std::unique_ptr<RecordReader> reader, ReplayOptions options,
                                           std::function<void()> reached,
                                           std::function<void(Result<ReplaySummary>)> done);
    // Any thread: stops at the next record (done is called with what was played).
    void cancel();

    // The controls of a replay a user watches (the app's replay toolbar); any thread, each takes
    // effect on the network thread in the order called.
    // Paused: nothing more is played until resumed, stepped or sought; resuming plays on at the
    // speed from the next record (the pause is not made up for).
    void setPaused(bool paused);
    bool paused() const;
    // 1 … 1000 times the recorded pace, or as fast as it goes; from the next record on.
    void setSpeed(double speed, bool asFastAsPossible);
    // Plays the records up to and including the next `frames` WebSocket frames at once (paused or
    // not), then goes on as before.
    void stepFrames(std::uint64_t frames);
    // Plays every record received before `wallMs` at once (a seek forward; a time already passed
    // plays nothing), then goes on as before (paused stays paused, there).
    void seekTo(std::int64_t wallMs);
    // A seekTo() has not got to its time yet (true from the call on, also before the network thread
    // took it); false once it did, or the replay ended.
    bool seeking() const;
    // The receipt time (ms since the epoch) of the last record played: the replay's clock; 0
    // before the first.
    std::int64_t clockMs() const;
    // Frames played so far.
    std::uint64_t framesPlayed() const;

    // Parses a --from / --to time: ISO-8601 UTC (2026-12-06T03:18:00Z, .sss and a bare date
    // accepted) or epoch milliseconds.
    static Result<std::int64_t> parseTime(const std::string& text);
    // Parses --speed: a number 1 … 1000 or "max".
    static Result<ReplayOptions> parseSpeed(const std::string& text, ReplayOptions base = {});

private:
    struct Impl;
    std::shared_ptr<Impl> m_impl;
};

}  // namespace cpc::replay
