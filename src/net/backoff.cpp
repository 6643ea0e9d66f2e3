#include "cpc/net/backoff.hpp"

#include <algorithm>

namespace cpc::net {

Backoff::Backoff(std::chrono::milliseconds base, std::chrono::milliseconds maxDelay, std::uint64_t seed)
    : m_base(std::max(base, std::chrono::milliseconds(1))),
      m_max(std::max(maxDelay, std::max(base, std::chrono::milliseconds(1)))),
      m_rng(seed) {}

std::chrono::milliseconds Backoff::peek() const {
    // base·2^attempt without overflow: stop doubling once past the cap.
    std::chrono::milliseconds delay = m_base;
    for (int i = 0; i < m_attempt && delay < m_max; ++i) delay *= 2;
    return std::min(delay, m_max);
}

std::chrono::milliseconds Backoff::next() {
    const std::int64_t upper = peek().count();
    // Full jitter: anywhere from (next to) no wait to the whole bound; 1 ms at least, so a retry
    // loop never spins and a "retry in" is never shown as 0.
    std::uniform_int_distribution<std::int64_t> dist(std::min<std::int64_t>(1, upper), upper);
    ++m_attempt;
    return std::chrono::milliseconds(dist(m_rng));
}

}  // namespace cpc::net
