#include "cpc/sim/ticker_model.hpp"

#include "ticker_window.hpp"

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

namespace {

using Part = TickerWindow::Part;

void fold(Part& p, const Candle& c) {
    p.lastPrice = c.close;
    p.seen = true;
    if (c.trades <= 0) return;
    if (!p.any) {
        p.open = c.open;
        p.high = c.high;
        p.low = c.low;
        p.firstTraded = c.openTime;
        p.any = true;
    }
    p.high = std::max(p.high, c.high);
    p.low = std::min(p.low, c.low);
    p.volume += c.volume;
    p.quoteVolume += c.quoteVolume;
    p.tradeCount += c.trades;
    p.lastTraded = c.openTime;
}

// The 1m candles with open times in [from, to], folded in order.
void foldMinutes(Part& p, const MarketModel& model, const std::string& symbol, std::int64_t from, std::int64_t to,
                 std::int64_t nowMs) {
    while (from <= to) {
        const std::vector<Candle> candles = model.klines(symbol, Interval::M1, from, to, MarketModel::kMaxLimit, nowMs);
        if (candles.empty()) return;
        for (const Candle& c : candles) fold(p, c);
        from = candles.back().openTime + kMinuteMs;
    }
}

// Two consecutive parts as one.
Part join(const Part& a, const Part& b) {
    if (!b.seen) return a;
    if (!a.seen) return b;
    Part out = a;
    out.lastPrice = b.lastPrice;
    if (!b.any) return out;
    if (!a.any) {
        out.open = b.open;
        out.high = b.high;
        out.low = b.low;
        out.firstTraded = b.firstTraded;
        out.any = true;
    } else {
        out.high = std::max(a.high, b.high);
        out.low = std::min(a.low, b.low);
    }
    out.volume += b.volume;
    out.quoteVolume += b.quoteVolume;
    out.tradeCount += b.tradeCount;
    out.lastTraded = b.lastTraded;
    return out;
}

exchange::Ticker24h tickerOf(const Part& part, const MarketModel& model, const OrderBookModel& book,
                             const std::string& symbol, std::int64_t nowMs, bool mini, std::int64_t first) {
    exchange::Ticker24h t;
    t.exchange = "binance";
    t.symbol = symbol;
    t.mini = mini;
    t.eventTimeMs = nowMs;
    t.openTimeMs = first;
    t.closeTimeMs = nowMs;
    t.lastPrice = part.lastPrice;
    if (!part.any) {
        t.open = t.high = t.low = t.lastPrice;
        t.firstTradeId = t.lastTradeId = -1;  // Binance: -1 when the window had no trade
    } else {
        t.open = part.open;
        t.high = part.high;
        t.low = part.low;
        t.volume = part.volume;
        t.quoteVolume = part.quoteVolume;
        t.tradeCount = part.tradeCount;
        const auto head = model.firstTradeFrom(symbol, part.firstTraded, part.firstTraded + kMinuteMs);
        const auto tail = model.lastTradeBefore(symbol, std::min(part.lastTraded + kMinuteMs, nowMs + 1), part.lastTraded);
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

}  // namespace

exchange::Ticker24h rollingTicker(const MarketModel& model, const OrderBookModel& book, const std::string& symbol,
                                  std::int64_t nowMs, bool mini) {
    const std::int64_t current = nowMs / kMinuteMs * kMinuteMs;
    const std::int64_t first = current - kDayMs + kMinuteMs;
    Part part;
    foldMinutes(part, model, symbol, first, current, nowMs);
    return tickerOf(part, model, book, symbol, nowMs, mini, first);
}

exchange::Ticker24h TickerWindow::ticker(const MarketModel& model, const OrderBookModel& book, const std::string& symbol,
                                         std::int64_t nowMs, bool mini) {
    const std::int64_t current = nowMs / kMinuteMs * kMinuteMs;
    const std::int64_t first = current - kDayMs + kMinuteMs;
    if (m_minute != current) {  // a new minute: the closed ones again (once a minute)
        m_closed = Part{};
        foldMinutes(m_closed, model, symbol, first, current - kMinuteMs, nowMs);
        m_minute = current;
    }
    Part now;
    foldMinutes(now, model, symbol, current, current, nowMs);
    return tickerOf(join(m_closed, now), model, book, symbol, nowMs, mini, first);
}

}  // namespace cpc::sim
