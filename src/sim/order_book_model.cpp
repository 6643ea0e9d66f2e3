#include "cpc/sim/order_book_model.hpp"

#include "deterministic_hash.hpp"

#include <algorithm>
#include <map>

namespace cpc::sim {

namespace {

constexpr auto mix = detail::splitmix;
constexpr auto hashText = detail::fnv1a;

Int128 pow10(int n) {
    Int128 v = 1;
    for (int i = 0; i < n; ++i) v *= 10;
    return v;
}

constexpr std::int64_t kChangeEveryTicks = 7;  // a level keeps its quantity ~700 ms

}  // namespace

exchange::DepthSnapshot OrderBookModel::book(const std::string& symbol, std::int64_t tick) const {
    exchange::DepthSnapshot out;
    out.exchange = "binance";
    out.symbol = symbol;
    out.lastUpdateId = lastUpdateId(tick);
    const SimSymbol* s = m_model.find(symbol);
    const std::int64_t atMs = tick * kTickMs;
    if (!s || atMs < s->listingMs) return out;
    const std::int64_t minute = atMs / kMinuteMs * kMinuteMs;
    const auto candles = m_model.klines(symbol, Interval::M1, minute, minute, 1, atMs);
    if (candles.empty()) return out;
    const Int128 tickUnits = pow10(Decimal::kScale - s->priceDecimals);
    const Int128 qtyUnits = pow10(Decimal::kScale - s->quantityDecimals);
    const Int128 mid = candles.front().close.units() / tickUnits;
    const std::uint64_t base = mix(m_seed ^ hashText(symbol));
    const auto quantity = [&](Int128 priceTicks, std::uint64_t side) -> Int128 {
        const auto p = static_cast<std::uint64_t>(priceTicks);
        const std::int64_t phase = static_cast<std::int64_t>(mix(base ^ p) % kChangeEveryTicks);
        const auto epoch = static_cast<std::uint64_t>((tick + phase) / kChangeEveryTicks);
        const std::uint64_t h = mix(base ^ mix(p * 2 + side) ^ mix(epoch + 0x51DE));
        if (h % 6 == 0) return 0;  // an empty level now and then
        return static_cast<Int128>(1 + (h >> 8) % 2000) * qtyUnits;
    };
    for (int i = 1; i <= kLevelsPerSide; ++i) {
        const Int128 bid = mid - i;
        const Int128 ask = mid + i;
        if (bid > 0)
            if (const Int128 q = quantity(bid, 0); q > 0)
                out.bids.push_back({Decimal::fromUnits(bid * tickUnits), Decimal::fromUnits(q)});
        if (const Int128 q = quantity(ask, 1); q > 0)
            out.asks.push_back({Decimal::fromUnits(ask * tickUnits), Decimal::fromUnits(q)});
    }
    return out;
}

exchange::DepthUpdate OrderBookModel::diff(const exchange::DepthSnapshot& before,
                                           const exchange::DepthSnapshot& after, std::int64_t tick) {
    exchange::DepthUpdate d;
    d.exchange = after.exchange;
    d.symbol = after.symbol;
    d.eventTimeMs = tick * kTickMs;
    d.firstUpdateId = firstUpdateId(tick);
    d.finalUpdateId = lastUpdateId(tick);
    const auto side = [](const std::vector<exchange::PriceLevel>& from, const std::vector<exchange::PriceLevel>& to,
                         std::vector<exchange::PriceLevel>& out) {
        std::map<Decimal, Decimal> old;
        for (const auto& l : from) old[l.price] = l.quantity;
        for (const auto& l : to) {
            const auto it = old.find(l.price);
            if (it == old.end() || it->second != l.quantity) out.push_back(l);
            if (it != old.end()) old.erase(it);
        }
        for (const auto& [price, qty] : old) out.push_back({price, Decimal{}});
    };
    side(before.bids, after.bids, d.bids);
    side(before.asks, after.asks, d.asks);
    return d;
}

exchange::DepthUpdate OrderBookModel::diff(const std::string& symbol, std::int64_t tick) const {
    return diff(book(symbol, tick - 1), book(symbol, tick), tick);
}

exchange::BookTicker OrderBookModel::top(const exchange::DepthSnapshot& b, std::int64_t tick) {
    exchange::BookTicker t;
    t.exchange = b.exchange;
    t.symbol = b.symbol;
    t.updateId = lastUpdateId(tick);
    if (!b.bids.empty()) {
        t.bidPrice = b.bids.front().price;
        t.bidQuantity = b.bids.front().quantity;
    }
    if (!b.asks.empty()) {
        t.askPrice = b.asks.front().price;
        t.askQuantity = b.asks.front().quantity;
    }
    return t;
}

}  // namespace cpc::sim
