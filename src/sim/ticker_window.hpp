#pragma once
// The rolling 24 h ticker of one symbol with its closed minutes kept (private to the simulator):
// rollingTicker() reads the window's 1,440 one-minute candles on every call, which at one ticker a
// second is ~1,440 minutes of trades regenerated per symbol and second — a watchlist of 300 symbols
// saturated the simulator. The closed minutes of the window only change when the minute does, so
// their aggregate is kept and each push folds in the current minute alone. The result is the
// same ticker rollingTicker() gives (tested).
#include <cstdint>
#include <optional>
#include <string>

#include "cpc/exchange/events.hpp"
#include "cpc/sim/market_model.hpp"
#include "cpc/sim/order_book_model.hpp"

namespace cpc::sim {

class TickerWindow {
public:
    exchange::Ticker24h ticker(const MarketModel& model, const OrderBookModel& book, const std::string& symbol,
                               std::int64_t nowMs, bool mini);

    // The aggregate of some candles of the window, in time order.
    struct Part {
        bool any = false;  // a candle with trades
        bool seen = false;  // any candle
        Decimal open, high, low, volume, quoteVolume, lastPrice;
        std::int64_t tradeCount = 0, firstTraded = 0, lastTraded = 0;
    };

private:
    std::optional<std::int64_t> m_minute;  // the current minute m_closed was made for
    Part m_closed;                          // minutes [window start, m_minute)
};

}  // namespace cpc::sim
