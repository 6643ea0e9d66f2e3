#include "cpc/sim/ticker_model.hpp"

#include <algorithm>

namespace cpc::sim {

namespace {

// Round half away from zero of num / den.
Int128 roundDiv(Int128 num, Int128 den) {
    if (den == 0) return 0;
    const bool negative = (num < 0) != (den < 0);
    Int128 a = num < 0 ? -num : num;
    const Int128 b = den < 0 ? -den : den;
    a = (a + b / 2) / b;
    return negative ? -a : a;
}

}  // namespace

Decimal percentChange(Decimal open, Decimal last) {
    // percent · 10^3, then back to 8 decimals.
    const Int128 thousandths = roundDiv((last - open).units() * 100'000, open.units());
    return Decimal::fromUnits(thousandths * 100'000);
}

Decimal weightedAverage(Decimal quoteVolume, Decimal volume) {
    return Decimal::fromUnits(roundDiv(quoteVolume.units() * Decimal::kUnitsPerOne, volume.units()));
}

exchange::Ticker24h rollingTicker(const MarketModel& model, const OrderBookModel& book, const std::string& symbol,
                                  std::int64_t nowMs, bool mini) {
    exchange::Ticker24h t;
    t.exchange = "binance";
    t.symbol = symbol;
    t.mini = mini;
    t.eventTimeMs = nowMs;
    const std::int64_t current = nowMs / kMinuteMs * kMinuteMs;
    const std::int64_t first = current - kDayMs + kMinuteMs;
    std::vector<Candle> candles = model.klines(symbol, Interval::M1, first, current, MarketModel::kMaxLimit, nowMs);
    if (!candles.empty() && candles.back().openTime < current) {
        auto more = model.klines(symbol, Interval::M1, candles.back().openTime + kMinuteMs, current,
                                 MarketModel::kMaxLimit, nowMs);
        candles.insert(candles.end(), more.begin(), more.end());
    }
    t.openTimeMs = first;
    t.closeTimeMs = nowMs;
    bool any = false;
    std::int64_t firstTraded = 0, lastTraded = 0;
    for (const Candle& c : candles) {
        t.lastPrice = c.close;
        if (c.trades <= 0) continue;
        if (!any) {
            t.open = c.open;
            t.high = c.high;
            t.low = c.low;
            firstTraded = c.openTime;
            any = true;
        }
        t.high = std::max(t.high, c.high);
        t.low = std::min(t.low, c.low);
        t.volume += c.volume;
        t.quoteVolume += c.quoteVolume;
        t.tradeCount += c.trades;
        lastTraded = c.openTime;
    }
    if (!any) {
        t.open = t.high = t.low = t.lastPrice;
        t.firstTradeId = t.lastTradeId = -1;  // Binance: -1 when the window had no trade
    } else {
        const auto head = model.firstTradeFrom(symbol, firstTraded, firstTraded + kMinuteMs);
        const auto tail = model.lastTradeBefore(symbol, std::min(lastTraded + kMinuteMs, nowMs + 1), lastTraded);
        if (head) t.firstTradeId = head->tradeId;
        if (tail) {
            t.lastTradeId = tail->tradeId;
            t.lastQuantity = tail->quantity;
        }
    }
    if (mini) return t;
    t.priceChange = t.lastPrice - t.open;
    t.priceChangePercent = t.open.isZero() ? Decimal{} : percentChange(t.open, t.lastPrice);
    t.weightedAvgPrice = t.volume.isZero() ? Decimal{} : weightedAverage(t.quoteVolume, t.volume);
    const auto tick = OrderBookModel::tickOf(nowMs);
    const auto top = OrderBookModel::top(book.book(symbol, tick), tick);
    t.bidPrice = top.bidPrice;
    t.bidQuantity = top.bidQuantity;
    t.askPrice = top.askPrice;
    t.askQuantity = top.askQuantity;
    return t;
}

}  // namespace cpc::sim
