#pragma once
// Shared by MarketFeed and StreamSession (private to cpc_session): counts the coroutines a feed has
// running on the network thread, so stop() can wait until every one has seen the cancellation,
// and spawns coroutines so an unexpected exception is reported instead of silently lost.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <mutex>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "cpc/net/tls.hpp"

namespace cpc::session::detail {

// A feed's TLS context, made on first use; a failure is kept (shown by the caller, not retried).
inline bool ensureTlsContext(const net::TlsOptions& options, std::shared_ptr<boost::asio::ssl::context>& tls,
                             std::string& error) {
    if (tls || !error.empty()) return tls != nullptr;
    auto ctx = net::makeClientTlsContext(options);
    if (!ctx) {
        error = ctx.error().message;
        return false;
    }
    tls = *ctx;
    return true;
}

class CoroutineTracker {
public:
    // RAII: one running coroutine (declare it first in the coroutine body).
    class Guard {
    public:
        explicit Guard(CoroutineTracker& tracker) : m_tracker(tracker) {
            std::lock_guard lock(m_tracker.m_mutex);
            ++m_tracker.m_active;
        }
        ~Guard() {
            std::lock_guard lock(m_tracker.m_mutex);
            if (--m_tracker.m_active == 0) m_tracker.m_cv.notify_all();
        }
        Guard(const Guard&) = delete;
        Guard& operator=(const Guard&) = delete;

    private:
        CoroutineTracker& m_tracker;
    };

    // Network thread: stop() has cancelled every socket and timer.
    void markStopped() {
        std::lock_guard lock(m_mutex);
        m_stopSeen = true;
        m_cv.notify_all();
    }
    // Any thread but the network one: waits (bounded) until markStopped() ran and every
    // coroutine has ended.
    void waitStopped(std::chrono::milliseconds timeout) {
        std::unique_lock lock(m_mutex);
        m_cv.wait_for(lock, timeout, [&] { return m_stopSeen && m_active == 0; });
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    int m_active = 0;         // guarded by m_mutex
    bool m_stopSeen = false;  // guarded by m_mutex
};

// co_spawn on `io`; an exception escaping the coroutine is handed to `onFailure` (on the network
// thread, with its message), which turns it into a visible failed state and a restart: a feed
// never keeps saying "live" after one of its coroutines died.
template <class OnFailure>
void spawnSupervised(boost::asio::io_context& io, boost::asio::awaitable<void> coroutine, OnFailure onFailure) {
    boost::asio::co_spawn(io, std::move(coroutine), [onFailure = std::move(onFailure)](std::exception_ptr e) mutable {
        if (!e) return;
        std::string what = "unknown exception";
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            what = ex.what();
        } catch (...) {
        }
        onFailure(what);
    });
}

}  // namespace cpc::session::detail
