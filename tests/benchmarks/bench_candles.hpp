#pragma once
// The benchmarks' synthetic 1m candles: a seeded random walk, every field filled and valid.
#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "cpc/core/candle.hpp"
#include "cpc/core/time.hpp"

namespace cpc::bench {

inline std::vector<Candle> randomWalkMinutes(std::size_t count) {
    std::mt19937_64 rng(11);
    std::vector<Candle> out(count);
    std::int64_t price = 4'200'000'000'000;
    const std::int64_t start = *parseUtc("2023-01-02");
    for (std::size_t i = 0; i < count; ++i) {
        Candle& c = out[i];
        const std::int64_t open = price;
        price += static_cast<std::int64_t>(rng() % 2'000'001) - 1'000'000;
        c.openTime = start + static_cast<std::int64_t>(i) * kMinuteMs;
        c.open = Decimal::fromUnits(open);
        c.close = Decimal::fromUnits(price);
        c.high = Decimal::fromUnits(std::max(open, price) + static_cast<std::int64_t>(rng() % 100'000));
        c.low = Decimal::fromUnits(std::min(open, price) - static_cast<std::int64_t>(rng() % 100'000));
        c.volume = Decimal::fromUnits(static_cast<std::int64_t>(rng() % 10'000'000'000));
        c.quoteVolume = Decimal::fromUnits(static_cast<Int128>(c.volume.units()) * 42'000);
        c.trades = 1 + static_cast<std::int64_t>(rng() % 500);
        c.takerBuyBase = Decimal::fromUnits(c.volume.units() / 2);
        c.takerBuyQuote = Decimal::fromUnits(c.quoteVolume.units() / 2);
        c.closed = true;
    }
    return out;
}

}  // namespace cpc::bench
