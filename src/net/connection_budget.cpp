#include "cpc/net/connection_budget.hpp"

#include <algorithm>

namespace cpc::net {

ConnectionBudget::ConnectionBudget(int maxAttempts, std::chrono::milliseconds window)
    : m_max(std::max(1, maxAttempts)), m_window(std::max(window, std::chrono::milliseconds(1))) {}

std::chrono::milliseconds ConnectionBudget::reserve(Clock::time_point now) {
    std::lock_guard lock(m_mutex);
    while (!m_attempts.empty() && now - m_attempts.front() >= m_window) m_attempts.pop_front();
    if (m_attempts.size() < static_cast<std::size_t>(m_max)) {
        m_attempts.push_back(now);
        return std::chrono::milliseconds(0);
    }
    const auto free = m_attempts.front() + m_window - now;
    return std::max(std::chrono::milliseconds(1), std::chrono::ceil<std::chrono::milliseconds>(free));
}

}  // namespace cpc::net
