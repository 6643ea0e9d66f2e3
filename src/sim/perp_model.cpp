#include "perp_model.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "deterministic_hash.hpp"

namespace cpc::sim {

namespace {

constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 24 * kHourMs;

std::int64_t floorTo(std::int64_t t, std::int64_t step) {
    const std::int64_t q = t / step;
    return (t % step < 0 ? q - 1 : q) * step;
}

// A uniform draw in [0, 1) of (seed, symbol, what, index).
double unit(std::uint64_t seed, const std::string& symbol, std::uint64_t what, std::int64_t index) {
    const std::uint64_t h = detail::splitmix(seed ^ detail::fnv1a(symbol) ^ detail::splitmix(what) ^
                                             detail::splitmix(static_cast<std::uint64_t>(index)));
    return static_cast<double>(h >> 11) / 9007199254740992.0;  // 2^53
}

Decimal roundTo(Decimal d, int decimals) {
    Int128 step = 1;
    for (int i = decimals; i < Decimal::kScale; ++i) step *= 10;
    Int128 units = d.units();
    const Int128 half = step / 2;
    units = units >= 0 ? (units + half) / step * step : -((-units + half) / step * step);
    return Decimal::fromUnits(units);
}

}  // namespace

double PerpModel::basisBps(const std::string& symbol, std::int64_t t) const {
    const double phase = unit(m_seed, symbol, 1, 0) * 2 * std::numbers::pi;
    const double wave = 12.0 * std::sin(2 * std::numbers::pi * static_cast<double>(t % (6 * kHourMs)) / (6.0 * kHourMs) + phase);
    const double wobble = (unit(m_seed, symbol, 2, floorTo(t, kMinuteMs) / kMinuteMs) - 0.5) * 6.0;
    return wave + wobble;
}

Decimal PerpModel::scaled(const SimSymbol& s, Decimal price, double bps) const {
    const auto d = Decimal::fromDouble(price.toDouble() * (1.0 + bps / 10000.0));
    return roundTo(d.value_or(price), s.priceDecimals);
}

std::optional<Decimal> PerpModel::indexPrice(const std::string& symbol, std::int64_t t) const {
    const SimSymbol* s = m_spot.find(symbol);
    if (!s || t < s->listingMs) return std::nullopt;
    // The last spot trade of the last day (a quiet pair may not trade for hours).
    const auto last = m_spot.lastTradeBefore(symbol, t + 1, std::max(s->listingMs, t - kDayMs));
    if (!last) return std::nullopt;
    return last->price;
}

std::optional<Decimal> PerpModel::markPrice(const std::string& symbol, std::int64_t t) const {
    const SimSymbol* s = m_spot.find(symbol);
    const auto index = indexPrice(symbol, t);
    if (!s || !index) return std::nullopt;
    return scaled(*s, *index, basisBps(symbol, t));
}

std::int64_t PerpModel::nextFundingTime(std::int64_t t) { return floorTo(t, kFundingPeriodMs) + kFundingPeriodMs; }

Decimal PerpModel::fundingRate(const std::string& symbol, std::int64_t fundingTime) const {
    const double bps = basisBps(symbol, fundingTime - kFundingPeriodMs) / 8.0;
    const double rate = std::clamp(bps / 10000.0, -0.0075, 0.0075);
    return roundTo(Decimal::fromDouble(rate).value_or(Decimal{}), 8);
}

Decimal PerpModel::openInterest(const std::string& symbol, std::int64_t t) const {
    const SimSymbol* s = m_spot.find(symbol);
    const double base = (s ? s->meanQuantity * s->tradesPerMinute : 1.0) * 2000.0;
    const double day = std::sin(2 * std::numbers::pi * static_cast<double>(t % kDayMs) / static_cast<double>(kDayMs));
    const double hour = std::sin(2 * std::numbers::pi * static_cast<double>(t % kHourMs) / static_cast<double>(kHourMs));
    const double oi = base * (1.0 + 0.2 * day + 0.05 * hour);
    return roundTo(Decimal::fromDouble(oi).value_or(Decimal{}), s ? s->quantityDecimals : 3);
}

Candle PerpModel::shifted(const std::string& symbol, Candle c) const {
    const SimSymbol* s = m_spot.find(symbol);
    if (!s) return c;
    const double bps = basisBps(symbol, c.openTime);
    c.open = scaled(*s, c.open, bps);
    c.high = scaled(*s, c.high, bps);
    c.low = scaled(*s, c.low, bps);
    c.close = scaled(*s, c.close, bps);
    return c;
}

std::vector<Candle> PerpModel::klines(const std::string& symbol, Interval interval, std::optional<std::int64_t> startMs,
                                      std::optional<std::int64_t> endMs, int limit, std::int64_t nowMs) const {
    auto rows = m_spot.klines(symbol, interval, startMs, endMs, limit, nowMs);
    for (Candle& c : rows) c = shifted(symbol, c);
    return rows;
}

std::vector<Candle> PerpModel::priceKlines(const std::string& symbol, bool mark, Interval interval,
                                           std::optional<std::int64_t> startMs, std::optional<std::int64_t> endMs,
                                           int limit, std::int64_t nowMs) const {
    const SimSymbol* s = m_spot.find(symbol);
    auto rows = m_spot.klines(symbol, interval, startMs, endMs, limit, nowMs);
    std::vector<Candle> out;
    out.reserve(rows.size());
    for (const Candle& bar : rows) {
        const std::int64_t last = std::min(nextBucketStart(interval, bar.openTime) - 1, nowMs);
        const auto open = mark ? markPrice(symbol, bar.openTime) : indexPrice(symbol, bar.openTime);
        const auto close = mark ? markPrice(symbol, last) : indexPrice(symbol, last);
        if (!s || !open || !close) continue;  // before the first trade of the listing
        Candle c;
        c.openTime = bar.openTime;
        c.open = *open;
        c.close = *close;
        c.high = std::max(*open, *close);
        c.low = std::min(*open, *close);
        if (bar.hasTrades()) {
            const double bps = mark ? basisBps(symbol, bar.openTime) : 0.0;
            c.high = std::max(c.high, mark ? scaled(*s, bar.high, bps) : bar.high);
            c.low = std::min(c.low, mark ? scaled(*s, bar.low, bps) : bar.low);
        }
        c.closed = bar.closed;
        out.push_back(c);
    }
    return out;
}

std::vector<exchange::Liquidation> PerpModel::liquidations(const std::string& symbol, std::int64_t fromMs,
                                                           std::int64_t toMs) const {
    std::vector<exchange::Liquidation> out;
    const SimSymbol* s = m_spot.find(symbol);
    if (!s || toMs <= fromMs) return out;
    for (std::int64_t m = floorTo(std::max(fromMs, s->listingMs), kMinuteMs); m < toMs; m += kMinuteMs) {
        const std::int64_t minute = m / kMinuteMs;
        if (unit(m_seed, symbol, 3, minute) >= 0.25) continue;
        const std::int64_t t = m + static_cast<std::int64_t>(unit(m_seed, symbol, 4, minute) * kMinuteMs);
        if (t < fromMs || t >= toMs) continue;
        const auto mark = markPrice(symbol, t);
        if (!mark) continue;
        exchange::Liquidation l;
        l.exchange = "binance";
        l.symbol = symbol;
        l.timeMs = t;
        l.longLiquidated = unit(m_seed, symbol, 5, minute) < 0.5;
        l.price = *mark;
        const double qty = s->meanQuantity * (0.5 + 4.0 * unit(m_seed, symbol, 6, minute));
        l.quantity = roundTo(Decimal::fromDouble(qty).value_or(Decimal::fromInt(1)), s->quantityDecimals);
        if (l.quantity.isZero()) continue;
        out.push_back(std::move(l));
    }
    return out;
}

}  // namespace cpc::sim
