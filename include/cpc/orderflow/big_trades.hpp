#pragma once
// Big trades: the trades (or aggregate trades) whose value, price × quantity in the quote asset, is
// at least a threshold the user sets, kept for drawing as bubbles sized by value at their price and
// time. Bounded (the oldest dropped first); O(1) per trade. Qt-free; owned by one thread.
#include <cstddef>
#include <cstdint>
#include <deque>

#include "cpc/core/decimal.hpp"
#include "cpc/exchange/events.hpp"

namespace cpc::orderflow {

struct BigTrade {
    std::int64_t timeMs = 0;
    double price = 0.0;
    double quantity = 0.0;
    double value = 0.0;  // price × quantity, quote asset
    bool buy = false;    // the buyer was the aggressor
};

class BigTrades {
public:
    explicit BigTrades(double minValue, std::size_t capacity = 5'000);

    // Keeps the trade when its value reaches the threshold; returns whether it did.
    bool add(const exchange::TradeTick& trade);
    bool add(std::int64_t timeMs, Decimal price, Decimal quantity, bool buyerIsMaker);
    // A new threshold applies to the trades that come from now on (the ones kept stay: a higher
    // threshold hides the smaller ones when drawing, see visible()).
    void setMinValue(double minValue) { m_minValue = minValue; }
    double minValue() const { return m_minValue; }
    void clear() { m_trades.clear(); }

    std::size_t size() const { return m_trades.size(); }
    const BigTrade& operator[](std::size_t i) const { return m_trades[i]; }
    const std::deque<BigTrade>& trades() const { return m_trades; }

private:
    double m_minValue;
    std::size_t m_capacity;
    std::deque<BigTrade> m_trades;
};

// Bubble radius in pixels for a trade of `value` when the threshold is minValue: the area grows
// with the value (radius ∝ √(value / minValue)), from minRadius at the threshold to maxRadius.
double bubbleRadius(double value, double minValue, double minRadius, double maxRadius);

}  // namespace cpc::orderflow
