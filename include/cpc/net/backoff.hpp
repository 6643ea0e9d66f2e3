#pragma once
#include <chrono>
#include <cstdint>
#include <random>

namespace cpc::net {

// Exponential back-off with full jitter ("decorrelated" retries never hit the venue in lockstep):
// delay n = random in [base·2^n / 2, base·2^n], capped at maxDelay. reset() after a success.
class Backoff {
public:
    Backoff(std::chrono::milliseconds base, std::chrono::milliseconds maxDelay,
            std::uint64_t seed = std::random_device{}());
    std::chrono::milliseconds next();
    std::chrono::milliseconds peek() const;  // upper bound of the next delay
    void reset() { m_attempt = 0; }
    int attempts() const { return m_attempt; }

private:
    std::chrono::milliseconds m_base;
    std::chrono::milliseconds m_max;
    int m_attempt = 0;
    std::mt19937_64 m_rng;
};

}  // namespace cpc::net
