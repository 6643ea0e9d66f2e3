#pragma once
#include <random>
#include <vector>

#include "cpc/core/candle.hpp"

namespace cpc::test {

inline Candle makeCandle(std::int64_t openTime, double o, double h, double l, double c, double v,
                         std::int64_t trades = 10, bool closed = true) {
    Candle k;
    k.openTime = openTime;
    k.open = *Decimal::fromDouble(o);
    k.high = *Decimal::fromDouble(h);
    k.low = *Decimal::fromDouble(l);
    k.close = *Decimal::fromDouble(c);
    k.volume = *Decimal::fromDouble(v);
    k.quoteVolume = *Decimal::fromDouble(v * c);
    k.trades = trades;
    k.takerBuyBase = *Decimal::fromDouble(v / 2);
    k.takerBuyQuote = *Decimal::fromDouble(v * c / 2);
    k.closed = closed;
    return k;
}

// A random walk of 1m candles with some no-trade minutes (flat at the previous close).
inline std::vector<Candle> randomMinutes(std::int64_t start, int count, unsigned seed,
                                         double noTradeProbability = 0.25) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0, 1);
    std::vector<Candle> out;
    double price = 100;
    for (int i = 0; i < count; ++i) {
        const std::int64_t t = start + i * 60'000LL;
        if (u(rng) < noTradeProbability) {
            Candle k = makeCandle(t, price, price, price, price, 0, 0);
            k.quoteVolume = k.takerBuyBase = k.takerBuyQuote = Decimal{};
            out.push_back(k);
            continue;
        }
        const double o = price + (u(rng) - 0.5);
        const double c = o + (u(rng) - 0.5) * 2;
        const double h = std::max(o, c) + u(rng);
        const double l = std::min(o, c) - u(rng);
        out.push_back(makeCandle(t, o, h, l, c, 1 + u(rng) * 10, 1 + static_cast<int>(u(rng) * 50)));
        price = c;
    }
    return out;
}

}  // namespace cpc::test
