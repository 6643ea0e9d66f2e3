#pragma once
// ConnectionBudget: a sliding-window budget of WebSocket connection attempts, shared by every
// feed that talks to the venues from this machine (Binance: 300 attempts per 5 minutes per IP):
// the process's session::MarketSession owns it.
// Thread-safe. A feed asks reserve() before each attempt and waits the answer when it is not 0.
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>

namespace cpc::net {

class ConnectionBudget {
public:
    using Clock = std::chrono::steady_clock;

    ConnectionBudget(int maxAttempts, std::chrono::milliseconds window);

    // Takes one attempt from the budget and returns 0, or, when the window is full, takes
    // nothing and returns how long until an attempt is free.
    std::chrono::milliseconds reserve(Clock::time_point now = Clock::now());
    int maxAttempts() const { return m_max; }
    std::chrono::milliseconds window() const { return m_window; }

    // Binance's per-IP limit, the strictest of the venues: 300 attempts per 5 minutes. A process
    // has one budget, its session::MarketSession's.
    static constexpr int kVenueAttempts = 300;
    static constexpr std::chrono::milliseconds kVenueWindow{5 * 60 * 1000};

private:
    int m_max;
    std::chrono::milliseconds m_window;
    std::mutex m_mutex;
    std::deque<Clock::time_point> m_attempts;  // guarded by m_mutex
};

}  // namespace cpc::net
