#pragma once
// Every field of a stream event as text, so two lists of events compare field by field (the
// Binance fast path against the full codec: tests/exchange/binance_fast_frame_test.cpp and the
// Binance fuzz target). Header-only: the fuzz build has no test support library.
#include <sstream>
#include <string>
#include <vector>

#include "cpc/exchange/events.hpp"
#include "cpc/exchange/exchange_adapter.hpp"

namespace cpc::exchange::event_text {

inline std::string levelsText(const std::vector<PriceLevel>& levels) {
    std::string s;
    for (const auto& l : levels) s += l.price.toString() + "x" + l.quantity.toString() + ";";
    return s;
}

// The fields of trades, book updates and klines (the kinds the fast path makes); another kind is
// told only by its index.
inline std::string describe(const StreamEvent& event) {
    std::ostringstream o;
    o << event.index() << ":";
    if (const auto* t = std::get_if<TradeTick>(&event)) {
        o << t->exchange << "|" << t->symbol << "|" << t->tradeId << "|" << t->price.toString() << "|"
          << t->quantity.toString() << "|" << t->timeMs << "|" << t->buyerIsMaker << "|" << t->aggregate << "|"
          << t->firstTradeId << "|" << t->lastTradeId << "|" << t->eventTimeMs;
    } else if (const auto* d = std::get_if<DepthUpdate>(&event)) {
        o << d->exchange << "|" << d->symbol << "|" << d->eventTimeMs << "|" << d->firstUpdateId << "|"
          << d->finalUpdateId << "|" << levelsText(d->bids) << "|" << levelsText(d->asks) << "|" << d->depthLevels;
    } else if (const auto* k = std::get_if<KlineUpdate>(&event)) {
        const Candle& c = k->candle;
        o << toString(k->key) << "|" << k->eventTimeMs << "|" << c.openTime << "|" << c.open.toString() << "|"
          << c.high.toString() << "|" << c.low.toString() << "|" << c.close.toString() << "|" << c.volume.toString()
          << "|" << c.quoteVolume.toString() << "|" << c.takerBuyBase.toString() << "|" << c.takerBuyQuote.toString()
          << "|" << c.trades << "|" << c.closed;
    } else {
        o << "(a kind the fast path never makes)";
    }
    return o.str();
}

inline std::string describe(const std::vector<StreamEvent>& events) {
    std::string s;
    for (const auto& e : events) s += describe(e) + "\n";
    return s;
}

}  // namespace cpc::exchange::event_text
