#pragma once
#include <chrono>
#include <cstdint>
#include <random>

namespace cpc::net {

// Exponential back-off with full jitter (AWS's "full jitter": clients that failed together never
// retry in lockstep): delay n = uniform random in [1 ms, min(maxDelay, base·2^n)]. reset() after a
// success.
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
