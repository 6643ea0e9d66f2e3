#include "cpc/replay/replayer.hpp"

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace cpc::replay {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

struct Replayer::Impl : std::enable_shared_from_this<Replayer::Impl> {
    Impl(net::IoThread& ioThread, std::shared_ptr<session::StreamSession> s, std::unique_ptr<RecordReader> r,
         ReplayOptions o, std::function<void()> onReached, std::function<void(Result<ReplaySummary>)> onDone)
        : io(ioThread), session(std::move(s)), reader(std::move(r)), options(o), reached(std::move(onReached)),
          done(std::move(onDone)), timer(io.context()), paused(o.paused) {}

    struct Socket {
        int connection = 0;
        bool rotation = false;
    };

    net::IoThread& io;
    std::shared_ptr<session::StreamSession> session;
    std::unique_ptr<RecordReader> reader;
    ReplayOptions options;
    std::function<void()> reached;
    std::function<void(Result<ReplaySummary>)> done;
    asio::steady_timer timer;
    std::atomic<bool> cancelled{false};
    std::atomic<bool> paused{false};
    std::atomic<std::int64_t> clockMs{0};
    std::atomic<std::uint64_t> framesPlayed{0};
    bool finished = false;
    // A continuation of step() is pending (a timer wait or a post); `waiting`: the timer's. So a
    // control never starts a second chain of steps (two would cancel each other's waits forever).
    bool scheduled = false;
    bool waiting = false;
    std::uint64_t framesToStep = 0;         // stepFrames(): frames still to play at once
    std::optional<std::int64_t> seekToMs;   // seekTo(): records before it play at once
    // seekTo() calls not yet reached (or superseded, or ended by the replay's end): any thread reads.
    std::atomic<int> seeksPending{0};
    // network thread
    RecordView view;
    bool havePending = false;
    bool reachedFrom = false;
    Clock::time_point base{};
    std::int64_t baseSteadyUs = 0;
    std::map<std::uint32_t, Socket> sockets;  // open sockets of the record
    std::string frame;                        // the session takes a std::string: reused, no allocation
    ReplaySummary summary;

    void finish(Result<ReplaySummary> result) {
        if (finished) return;
        finished = true;
        seeksPending = 0;
        if (result) result->notices = reader->notices();
        if (done) done(std::move(result));
    }

    void play(const RecordView& r) {
        ++summary.records;
        switch (r.type) {
        case RecordType::Opened:
            sockets[r.socket] = Socket{r.aux, (r.flags & 1) != 0};
            session->replayOpened(r.aux, (r.flags & 1) != 0);
            break;
        case RecordType::Frame: {
            const auto it = sockets.find(r.socket);
            if (it == sockets.end()) {
                ++summary.skipped;
                break;
            }
            ++summary.frames;
            frame.assign(r.payload);
            session->replayFrame(it->second.connection, it->second.rotation, frame);
            break;
        }
        case RecordType::Closed: {
            const auto it = sockets.find(r.socket);
            if (it == sockets.end()) break;  // a socket switched away from: its end changes nothing
            session->replayClosed(it->second.connection, it->second.rotation, std::string(r.payload));
            sockets.erase(it);
            break;
        }
        case RecordType::Switched: {
            // The connection's old socket is done with; the rotation's becomes the connection's.
            std::erase_if(sockets, [&](const auto& s) { return s.second.connection == r.aux && !s.second.rotation; });
            if (auto it = sockets.find(r.socket); it != sockets.end()) it->second.rotation = false;
            session->replaySwitched(r.aux);
            break;
        }
        case RecordType::Rest:
            if (r.method == "GET") session->replayRest(std::string(r.target), r.aux, std::string(r.body));
            break;
        }
    }

    void schedulePost() {
        scheduled = true;
        waiting = false;
        asio::post(io.context(), [self = shared_from_this()] {
            self->scheduled = false;
            self->step();
        });
    }

    void scheduleAt(Clock::time_point due) {
        scheduled = true;
        waiting = true;
        timer.expires_at(due);
        timer.async_wait([self = shared_from_this()](const boost::system::error_code&) {
            self->scheduled = false;
            self->waiting = false;
            self->step();
        });
    }

    // Network thread: look at the replay again now (after a control changed something).
    void kick() {
        if (!scheduled) schedulePost();
        else if (waiting) timer.cancel();  // its handler steps at once
    }

    // The pace starts again from the pending record (due now).
    void rebase() {
        base = Clock::now();
        if (havePending) baseSteadyUs = view.steadyUs;
    }

    void step() {
        if (finished) return;
        if (cancelled) return finish(summary);
        const double speed = options.asFastAsPossible ? 0.0 : std::clamp(options.speed, 1.0, 1000.0);
        for (int batch = 0;; ++batch) {
            if (!havePending) {
                auto more = reader->next(view);
                if (!more) return finish(more.error());
                if (!*more) return finish(summary);
                havePending = true;
            }
            if (options.toMs && view.wallUs / 1000 > *options.toMs) return finish(summary);
            if (!reachedFrom && (!options.fromMs || view.wallUs / 1000 >= *options.fromMs)) {
                reachedFrom = true;
                if (reached) reached();
                base = Clock::now();
                baseSteadyUs = view.steadyUs;
            }
            if (seekToMs && view.wallUs / 1000 >= *seekToMs) {
                seekToMs.reset();
                --seeksPending;
                rebase();
            }
            const bool forced = framesToStep > 0 || seekToMs.has_value();
            if (!forced) {
                if (paused) return;  // a control kicks it again
                if (reachedFrom && speed > 0) {
                    const auto due = base + std::chrono::microseconds(static_cast<std::int64_t>(
                                                static_cast<double>(view.steadyUs - baseSteadyUs) / speed));
                    if (due > Clock::now()) return scheduleAt(due);
                }
            }
            const bool isFrame = view.type == RecordType::Frame;
            play(view);
            clockMs = view.wallUs / 1000;
            if (isFrame) ++framesPlayed;
            havePending = false;
            if (isFrame && framesToStep > 0 && --framesToStep == 0) {
                // The step is done: the pace goes on from the next record.
                base = Clock::now();
                baseSteadyUs = view.steadyUs;
            }
            // Let the network thread's other work (subscriptions, a stop, a control) in now and then.
            if (batch >= 256) return schedulePost();
        }
    }
};

std::shared_ptr<Replayer> Replayer::start(net::IoThread& io, std::shared_ptr<session::StreamSession> session,
                                          std::unique_ptr<RecordReader> reader, ReplayOptions options,
                                          std::function<void()> reached,
                                          std::function<void(Result<ReplaySummary>)> done) {
    auto replayer = std::shared_ptr<Replayer>(new Replayer());
    replayer->m_impl = std::make_shared<Impl>(io, std::move(session), std::move(reader), options, std::move(reached),
                                              std::move(done));
    replayer->m_impl->schedulePost();
    return replayer;
}

void Replayer::cancel() {
    m_impl->cancelled = true;
    asio::post(m_impl->io.context(), [impl = m_impl] { impl->kick(); });
}

void Replayer::setPaused(bool paused) {
    m_impl->paused = paused;
    asio::post(m_impl->io.context(), [impl = m_impl, paused] {
        if (!paused) impl->rebase();
        impl->kick();
    });
}

bool Replayer::paused() const { return m_impl->paused; }

void Replayer::setSpeed(double speed, bool asFastAsPossible) {
    asio::post(m_impl->io.context(), [impl = m_impl, speed, asFastAsPossible] {
        impl->options.speed = speed;
        impl->options.asFastAsPossible = asFastAsPossible;
        impl->rebase();
        impl->kick();
    });
}

void Replayer::stepFrames(std::uint64_t frames) {
    asio::post(m_impl->io.context(), [impl = m_impl, frames] {
        impl->framesToStep += frames;
        impl->kick();
    });
}

void Replayer::seekTo(std::int64_t wallMs) {
    ++m_impl->seeksPending;
    asio::post(m_impl->io.context(), [impl = m_impl, wallMs] {
        if (impl->finished) {
            impl->seeksPending = 0;
            return;
        }
        if (impl->seekToMs) --impl->seeksPending;  // the earlier seek gives way to this one
        impl->seekToMs = wallMs;
        impl->kick();
    });
}

bool Replayer::seeking() const { return m_impl->seeksPending > 0; }

std::int64_t Replayer::clockMs() const { return m_impl->clockMs; }

std::uint64_t Replayer::framesPlayed() const { return m_impl->framesPlayed; }

Result<std::int64_t> Replayer::parseTime(const std::string& text) {
    const auto bad = [&] {
        return makeError("'" + text +
                         "' is not a time; accepted: ISO-8601 UTC (2026-12-06T03:18:00Z, 2026-12-06T03:18:00.250Z, "
                         "2026-12-06) or epoch milliseconds (1796527080000)");
    };
    if (text.empty()) return bad();
    if (text.find_first_not_of("0123456789") == std::string::npos) {
        std::int64_t ms = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
        if (ec != std::errc() || end != text.data() + text.size()) return bad();
        return ms;
    }
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, frac = 0;
    char tail[8] = {};
    int used = 0;
    std::tm tm{};
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &used) == 3 && used == static_cast<int>(text.size())) {
        // a bare date: its midnight
    } else if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &used) == 6) {
        std::string rest = text.substr(static_cast<std::size_t>(used));
        if (rest.starts_with('.')) {
            std::size_t digits = 1;
            while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) ++digits;
            if (digits == 1 || digits > 4) return bad();
            std::string f = rest.substr(1, digits - 1);
            while (f.size() < 3) f += '0';
            frac = std::stoi(f);
            rest = rest.substr(digits);
        }
        if (rest != "Z" && rest != "+00:00") return bad();
    } else {
        return bad();
    }
    (void)tail;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return bad();
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return static_cast<std::int64_t>(timegm(&tm)) * 1000 + frac;
}

Result<ReplayOptions> Replayer::parseSpeed(const std::string& text, ReplayOptions base) {
    if (text == "max") {
        base.asFastAsPossible = true;
        return base;
    }
    double v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || !(v >= 1.0 && v <= 1000.0))
        return makeError("--speed: '" + text + "' is not accepted; accepted: a number from 1 to 1000 (times the "
                                               "recorded pace, e.g. 1, 2.5, 1000) or max (as fast as possible)");
    base.speed = v;
    base.asFastAsPossible = false;
    return base;
}

}  // namespace cpc::replay
