#include "cpc/orderflow/big_trades.hpp"

#include <algorithm>
#include <cmath>

namespace cpc::orderflow {

BigTrades::BigTrades(double minValue, std::size_t capacity)
    : m_minValue(minValue), m_capacity(std::max<std::size_t>(1, capacity)) {}

bool BigTrades::add(const exchange::TradeTick& trade) {
    return add(trade.timeMs, trade.price, trade.quantity, trade.buyerIsMaker);
}

bool BigTrades::add(std::int64_t timeMs, Decimal price, Decimal quantity, bool buyerIsMaker) {
    const double p = price.toDouble();
    const double q = quantity.toDouble();
    const double value = p * q;
    if (!(value >= m_minValue) || !(q > 0.0)) return false;
    m_trades.push_back(BigTrade{timeMs, p, q, value, !buyerIsMaker});
    if (m_trades.size() > m_capacity) m_trades.pop_front();
    return true;
}

double bubbleRadius(double value, double minValue, double minRadius, double maxRadius) {
    if (!(minValue > 0.0) || !(value > 0.0)) return minRadius;
    return std::clamp(minRadius * std::sqrt(value / minValue), minRadius, maxRadius);
}

}  // namespace cpc::orderflow
