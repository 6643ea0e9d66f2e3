#pragma once
// Plain value events that cross from the network thread to the GUI thread. No Qt, no pointers.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "cpc/core/candle.hpp"

namespace cpc::exchange {

// One push of a kline stream: a full snapshot of the candle (replace, don't accumulate).
struct KlineUpdate {
    SeriesKey key;
    Candle candle;
    std::int64_t eventTimeMs = 0;
};

struct TradeTick {
    std::string exchange;
    std::string symbol;
    std::int64_t tradeId = 0;
    Decimal price;
    Decimal quantity;
    std::int64_t timeMs = 0;
    bool buyerIsMaker = false;
    bool aggregate = false;  // from @aggTrade
};

// The venue announced it will close the connection soon (Binance `serverShutdown`).
struct ServerShutdown {
    std::int64_t eventTimeMs = 0;
};

// Reply to a control message (SUBSCRIBE etc.). errorCode == 0 means success.
struct ControlReply {
    std::string id;
    int errorCode = 0;
    std::string message;
};

using StreamEvent = std::variant<KlineUpdate, TradeTick, ServerShutdown, ControlReply>;

}  // namespace cpc::exchange
