#include "stream_registry.hpp"

#include <algorithm>
#include <map>

#include "cpc/core/ascii.hpp"
#include "cpc/exchange/binance/binance_adapter.hpp"
#include "cpc/sim/ticker_model.hpp"
#include "ticker_window.hpp"
#include "wire.hpp"

namespace cpc::sim {

void StreamRegistry::add(Factory factory) { m_factories.push_back(std::move(factory)); }

std::unique_ptr<StreamProducer> StreamRegistry::create(std::string_view name) const {
    for (const Factory& f : m_factories)
        if (auto p = f(name)) return p;
    return nullptr;
}

namespace {

class KlineStream final : public StreamProducer {
public:
    // anchor3dMs: the symbol's listing day (3d buckets; nothing is pushed before it).
    KlineStream(const MarketModel& model, std::string symbol, Interval interval, std::int64_t anchor3dMs,
                std::chrono::milliseconds pushInterval, KlineEncoder encode)
        : m_model(model), m_symbol(std::move(symbol)), m_interval(interval), m_anchor(anchor3dMs),
          m_push(pushInterval), m_encode(std::move(encode)) {}

    void poll(const PollTime& now, std::vector<std::string>& out) override {
        const std::int64_t nowMs = now.exchangeMs;
        if (nowMs < m_anchor) return;  // not listed yet
        const std::int64_t open = bucketStart(m_interval, nowMs, m_anchor);
        if (m_current && open != *m_current) {
            // The candle we were pushing has closed: its final version first, then the new one.
            emit(*m_current, now, out);
            m_current = open;
            emit(open, now, out);
        } else if (!m_current || now.wall - m_lastPush >= m_push) {
            m_current = open;
            emit(open, now, out);
        }
    }

private:
    void emit(std::int64_t openTime, const PollTime& now, std::vector<std::string>& out) {
        const auto candles = m_model.klines(m_symbol, m_interval, openTime, openTime, 1, now.exchangeMs);
        if (candles.empty()) return;
        // An empty encoding is a push the venue leaves out (KuCoin: no trade, no candle).
        if (std::string frame = m_encode(candles.front(), now.exchangeMs); !frame.empty()) out.push_back(std::move(frame));
        m_lastPush = now.wall;
    }

    const MarketModel& m_model;
    std::string m_symbol;
    Interval m_interval;
    std::int64_t m_anchor;
    std::chrono::milliseconds m_push;
    KlineEncoder m_encode;
    std::optional<std::int64_t> m_current;  // open time of the candle being pushed
    std::chrono::steady_clock::time_point m_lastPush{};
};

// Trades as exchange time passes; the first poll starts at that moment (streams never replay).
class TradeStream final : public StreamProducer {
public:
    TradeStream(const MarketModel& model, std::string symbol, bool aggregate)
        : m_model(model), m_symbol(std::move(symbol)), m_aggregate(aggregate) {}

    void poll(const PollTime& now, std::vector<std::string>& out) override {
        const std::int64_t until = now.exchangeMs + 1;  // trades at or before now
        if (!m_from) m_from = until;
        if (until <= *m_from) return;
        // A clock jump of more than a minute skips ahead, as a real stream would not replay it.
        const std::int64_t from = std::max(*m_from, until - kMinuteMs);
        const auto trades = m_model.trades(m_symbol, from, until);
        m_from = until;
        for (std::size_t i = 0; i < trades.size();) {
            exchange::TradeTick t = trades[i];
            t.eventTimeMs = now.exchangeMs;
            std::size_t j = i + 1;
            if (m_aggregate) {
                // One taker order: same millisecond, price and side.
                while (j < trades.size() && trades[j].timeMs == t.timeMs && trades[j].price == t.price &&
                       trades[j].buyerIsMaker == t.buyerIsMaker) {
                    t.quantity += trades[j].quantity;
                    t.lastTradeId = trades[j].tradeId;
                    ++j;
                }
                t.aggregate = true;
                t.firstTradeId = trades[i].tradeId;
                t.tradeId = trades[i].tradeId;  // aggregate id = its first trade's id
            }
            out.push_back(wire::binance::tradeEvent(t));
            i = j;
        }
    }

private:
    const MarketModel& m_model;
    std::string m_symbol;
    bool m_aggregate;
    std::optional<std::int64_t> m_from;
};

// The trades of each poll as one batch (venues that push trade arrays).
class TradeBatchStream final : public StreamProducer {
public:
    TradeBatchStream(const MarketModel& model, std::string symbol, TradeBatchEncoder encode)
        : m_model(model), m_symbol(std::move(symbol)), m_encode(std::move(encode)) {}

    void poll(const PollTime& now, std::vector<std::string>& out) override {
        const std::int64_t until = now.exchangeMs + 1;
        if (!m_from) m_from = until;
        if (until <= *m_from) return;
        const std::int64_t from = std::max(*m_from, until - kMinuteMs);
        auto trades = m_model.trades(m_symbol, from, until);
        m_from = until;
        if (trades.empty()) return;
        for (auto& t : trades) t.eventTimeMs = now.exchangeMs;
        m_encode(trades, now.exchangeMs, out);
    }

private:
    const MarketModel& m_model;
    std::string m_symbol;
    TradeBatchEncoder m_encode;
    std::optional<std::int64_t> m_from;
};

// Diff depth, partial depth and bookTicker: the book model's ticks as exchange time passes.
class BookStream final : public StreamProducer {
public:
    enum class Kind { Diff, Partial, Top };
    BookStream(const OrderBookModel& book, std::string symbol, Kind kind, int levels, std::int64_t everyTicks)
        : m_book(book), m_symbol(std::move(symbol)), m_kind(kind), m_levels(levels), m_every(everyTicks) {}

    void poll(const PollTime& now, std::vector<std::string>& out) override {
        const std::int64_t tick = OrderBookModel::tickOf(now.exchangeMs);
        if (!m_last) {
            m_last = tick;
            m_previous = m_book.book(m_symbol, tick);
            return;
        }
        if (tick < *m_last + m_every) return;
        // After a long stall (a frozen or jumping clock) skip ahead: the ids then show the gap
        // and a client must resync from a snapshot, as with Binance.
        const std::int64_t due = tick - (tick - *m_last) % m_every;
        auto current = m_book.book(m_symbol, due);
        if (m_kind == Kind::Diff) {
            exchange::DepthUpdate d = OrderBookModel::diff(m_previous, current, due);
            if (due - *m_last > 1 && due - *m_last <= 64 * m_every) {
                // As Binance: every level that changed in (last, due] with its final quantity,
                // also one that appeared and vanished in between — a client whose REST snapshot
                // lies inside the range holds it and must see it removed.
                d.bids.clear();
                d.asks.clear();
                std::map<Decimal, Decimal> bids, asks;
                exchange::DepthSnapshot before = m_previous;
                for (std::int64_t t = *m_last + 1; t <= due; ++t) {
                    exchange::DepthSnapshot at = t == due ? current : m_book.book(m_symbol, t);
                    const exchange::DepthUpdate step = OrderBookModel::diff(before, at, t);
                    for (const auto& l : step.bids) bids[l.price] = l.quantity;
                    for (const auto& l : step.asks) asks[l.price] = l.quantity;
                    before = std::move(at);
                }
                for (auto it = bids.rbegin(); it != bids.rend(); ++it) d.bids.push_back({it->first, it->second});
                for (const auto& [price, qty] : asks) d.asks.push_back({price, qty});
            }
            if (due - *m_last > m_every || m_every > 1) {
                d.firstUpdateId = OrderBookModel::lastUpdateId(*m_last) + 1;
                if (due - *m_last > 64 * m_every)  // too far behind: a gap, as after a stall
                    d.firstUpdateId = OrderBookModel::firstUpdateId(due);
            }
            d.eventTimeMs = now.exchangeMs;
            out.push_back(wire::binance::depthUpdateEvent(d));
        } else if (m_kind == Kind::Partial) {
            exchange::DepthSnapshot top = current;
            if (top.bids.size() > static_cast<std::size_t>(m_levels)) top.bids.resize(static_cast<std::size_t>(m_levels));
            if (top.asks.size() > static_cast<std::size_t>(m_levels)) top.asks.resize(static_cast<std::size_t>(m_levels));
            out.push_back(wire::binance::depthSnapshot(top));
        } else {
            const auto before = OrderBookModel::top(m_previous, *m_last);
            const auto after = OrderBookModel::top(current, due);
            if (before.bidPrice != after.bidPrice || before.bidQuantity != after.bidQuantity ||
                before.askPrice != after.askPrice || before.askQuantity != after.askQuantity)
                out.push_back(wire::binance::bookTickerEvent(after));
        }
        m_previous = std::move(current);
        m_last = due;
    }

private:
    const OrderBookModel& m_book;
    std::string m_symbol;
    Kind m_kind;
    int m_levels;
    std::int64_t m_every;
    std::optional<std::int64_t> m_last;
    exchange::DepthSnapshot m_previous;
};

// Rolling 24 h ticker every second of wall time.
class TickerStream final : public StreamProducer {
public:
    TickerStream(const MarketModel& model, const OrderBookModel& book, std::string symbol, bool mini,
                 TickerEncoder encode)
        : m_model(model), m_book(book), m_symbol(std::move(symbol)), m_mini(mini), m_encode(std::move(encode)) {}

    void poll(const PollTime& now, std::vector<std::string>& out) override {
        if (m_pushed && now.wall - m_lastPush < std::chrono::seconds(1)) return;
        m_pushed = true;
        m_lastPush = now.wall;
        out.push_back(m_encode(m_window.ticker(m_model, m_book, m_symbol, now.exchangeMs, m_mini)));
    }

private:
    const MarketModel& m_model;
    const OrderBookModel& m_book;
    std::string m_symbol;
    bool m_mini;
    TickerEncoder m_encode;
    TickerWindow m_window;  // the window's closed minutes, kept for the minute
    bool m_pushed = false;
    std::chrono::steady_clock::time_point m_lastPush{};
};

}  // namespace

StreamRegistry makeBinanceStreams(const MarketModel& model, const OrderBookModel& book,
                                  std::chrono::milliseconds klinePushInterval) {
    StreamRegistry registry;
    registry.add([&model, &book](std::string_view name) -> std::unique_ptr<StreamProducer> {
        const auto spec = exchange::BinanceAdapter::parseStreamName(name);
        if (!spec || spec->kind == exchange::StreamKind::Kline) return nullptr;
        const std::string_view symbolPart = name.substr(0, name.find('@'));
        if (toLowerAscii(symbolPart) != symbolPart) return nullptr;
        if (!model.find(spec->symbol)) return nullptr;
        const bool fast = name.ends_with("@100ms");
        using exchange::StreamKind;
        switch (spec->kind) {
            case StreamKind::Trade:
            case StreamKind::AggTrade:
                return std::make_unique<TradeStream>(model, spec->symbol, spec->kind == StreamKind::AggTrade);
            case StreamKind::Depth:
                return std::make_unique<BookStream>(book, spec->symbol, BookStream::Kind::Diff, 0, fast ? 1 : 10);
            case StreamKind::PartialDepth:
                return std::make_unique<BookStream>(book, spec->symbol, BookStream::Kind::Partial, spec->depthLevels,
                                                    fast ? 1 : 10);
            case StreamKind::BookTicker:
                return std::make_unique<BookStream>(book, spec->symbol, BookStream::Kind::Top, 0, 1);
            case StreamKind::Ticker:
            case StreamKind::MiniTicker:
                return std::make_unique<TickerStream>(model, book, spec->symbol, spec->kind == StreamKind::MiniTicker,
                                                      [](const exchange::Ticker24h& t) { return wire::binance::tickerEvent(t); });
            case StreamKind::Kline: break;
            // Perpetual streams: the USD-M dialect's own (src/sim/dialect_binance_perp.cpp).
            case StreamKind::MarkPrice:
            case StreamKind::Funding:
            case StreamKind::OpenInterest:
            case StreamKind::Liquidation: break;
        }
        return nullptr;
    });
    registry.add([&model, klinePushInterval](std::string_view name) -> std::unique_ptr<StreamProducer> {
        constexpr std::string_view kTag = "@kline_";
        const std::size_t at = name.find(kTag);
        if (at == std::string_view::npos || at == 0) return nullptr;
        const std::string_view symbolPart = name.substr(0, at);
        // Stream names carry the symbol in lower case (payloads in upper case).
        if (toLowerAscii(symbolPart) != symbolPart) return nullptr;
        const auto interval = parseInterval(name.substr(at + kTag.size()));
        if (!interval) return nullptr;
        const std::string symbol = toUpperAscii(symbolPart);
        const SimSymbol* s = model.find(symbol);
        if (!s) return nullptr;
        const auto push = *interval == Interval::S1 ? std::min(klinePushInterval, std::chrono::milliseconds(1000))
                                                    : klinePushInterval;
        const Interval iv = *interval;
        return makeKlineProducer(model, symbol, iv, push, [symbol, iv](const Candle& c, std::int64_t eventMs) {
            return wire::binance::klineEvent(symbol, iv, c, eventMs);
        });
    });
    return registry;
}

std::unique_ptr<StreamProducer> makeKlineProducer(const MarketModel& model, const std::string& symbol,
                                                  Interval interval, std::chrono::milliseconds pushInterval,
                                                  KlineEncoder encode) {
    const SimSymbol* s = model.find(symbol);
    if (!s) return nullptr;
    return std::make_unique<KlineStream>(model, symbol, interval, s->listingMs, pushInterval, std::move(encode));
}

std::unique_ptr<StreamProducer> makeTradeBatchProducer(const MarketModel& model, const std::string& symbol,
                                                       TradeBatchEncoder encode) {
    if (!model.find(symbol)) return nullptr;
    return std::make_unique<TradeBatchStream>(model, symbol, std::move(encode));
}

std::unique_ptr<StreamProducer> makeTickerProducer(const MarketModel& model, const OrderBookModel& book,
                                                   const std::string& symbol, TickerEncoder encode) {
    if (!model.find(symbol)) return nullptr;
    return std::make_unique<TickerStream>(model, book, symbol, false, std::move(encode));
}

}  // namespace cpc::sim
