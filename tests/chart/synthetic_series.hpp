#pragma once
// Deterministic candle series for chart tests: a sine-ish random walk (fixed LCG, no <random>
// distributions, so every platform gets the same bars), two price decimals, valid OHLC.
#include <cmath>
#include <cstdint>
#include <string>

#include "cpc/core/candle.hpp"
#include "cpc/core/decimal.hpp"
#include "cpc/core/interval.hpp"
#include "cpc/market/candle_series.hpp"

namespace cpc::chart::testing {

// 2024-01-15 00:00:00 UTC, a Monday.
inline constexpr std::int64_t kStartMs = 1'705'276'800'000;

inline Decimal cents(double v) { return *Decimal::fromDouble(std::round(v * 100.0) / 100.0); }

inline Candle makeCandle(std::int64_t openTime, double open, double high, double low, double close,
                         double volume, bool closed = true) {
    Candle c;
    c.openTime = openTime;
    c.open = cents(open);
    c.high = cents(high);
    c.low = cents(low);
    c.close = cents(close);
    c.volume = *Decimal::fromDouble(volume);
    c.quoteVolume = *Decimal::fromDouble(volume * close);
    c.trades = 100;
    c.closed = closed;
    return c;
}

class Walk {
public:
    explicit Walk(double start = 42000.0, std::uint64_t seed = 7) : m_price(start), m_state(seed) {}

    // Next candle of the walk at openTime (closed unless told otherwise).
    Candle next(std::int64_t openTime, bool closed = true) {
        const double t = static_cast<double>(m_i++);
        const double drift = 22.0 * std::sin(t / 37.0) + 9.0 * std::sin(t / 5.3);
        const double open = m_price;
        const double close = std::max(100.0, open + drift + (uniform() - 0.5) * 70.0);
        const double high = std::max(open, close) + uniform() * 28.0;
        const double low = std::min(open, close) - uniform() * 28.0;
        const double volume = 4.0 + std::fabs(close - open) * 0.35 + uniform() * 12.0;
        m_price = std::round(close * 100.0) / 100.0;
        return makeCandle(openTime, open, high, low, close, volume, closed);
    }

private:
    double uniform() {  // [0, 1)
        m_state = m_state * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<double>(m_state >> 11) / 9007199254740992.0;
    }
    double m_price;
    std::uint64_t m_state;
    std::uint64_t m_i = 0;
};

inline market::CandleSeries makeSeries(std::size_t count, Interval interval = Interval::M1,
                                       std::int64_t startMs = kStartMs,
                                       std::string symbol = "BTCUSDT") {
    market::CandleSeries series(SeriesKey{"binance", std::move(symbol), interval});
    Walk walk;
    std::int64_t t = startMs;
    for (std::size_t i = 0; i < count; ++i) {
        series.upsert(walk.next(t, i + 1 < count));
        t = nextBucketStart(interval, t);
    }
    return series;
}

}  // namespace cpc::chart::testing
