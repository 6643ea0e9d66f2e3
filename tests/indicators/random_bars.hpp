#pragma once
// Reproducible random OHLCV series for property tests: a random walk with flat stretches (repeated
// closes, zero-range bars, zero volume) so the zero-denominator paths are exercised too.
#include <cmath>
#include <random>
#include <vector>

#include "cpc/indicators/bar.hpp"

namespace cpc::indicators::test {

inline Bar randomBar(std::mt19937_64& rng, double time, double prevClose, bool flat) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    if (flat) return Bar{time, prevClose, prevClose, prevClose, prevClose, u(rng) < 0.5 ? 0.0 : 3.0};
    const double open = prevClose * (1.0 + (u(rng) - 0.5) * 0.004);
    const double close = open * (1.0 + (u(rng) - 0.5) * 0.02);
    const double high = std::max(open, close) * (1.0 + u(rng) * 0.006);
    const double low = std::min(open, close) * (1.0 - u(rng) * 0.006);
    const double volume = 1.0 + u(rng) * 1000.0;
    // A taker-buy share from the prices, not from another draw: the other series stay as they were.
    return Bar{time, open, high, low, close, volume, volume * (0.5 + 0.45 * std::sin(close))};
}

inline std::vector<Bar> randomBars(std::size_t n, std::uint64_t seed, double start = 100.0) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<Bar> bars;
    double close = start;
    double time = 1'735'689'600'000.0;  // 2025-01-01
    int flatLeft = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (flatLeft == 0 && u(rng) < 0.02) flatLeft = 3 + static_cast<int>(u(rng) * 40);
        const bool flat = flatLeft > 0;
        if (flatLeft > 0) --flatLeft;
        bars.push_back(randomBar(rng, time, close, flat));
        close = bars.back().close;
        time += 3'600'000.0;
    }
    return bars;
}

}  // namespace cpc::indicators::test
