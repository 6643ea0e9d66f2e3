#pragma once
// The fast path of BinanceAdapter::parseStreamMessage for the frames that make up almost all of a
// live or replayed session: trade, aggTrade, depthUpdate and kline events, bare or in the
// combined-stream wrapper {"stream":…,"data":…}. It reads the frame in place (no JSON tree, no
// allocation but the event's own strings and level vectors) and answers only when it is sure the
// full codec would produce exactly the same events; anything else — another event type, a control
// reply, an escape or a non-ASCII byte in a string, a float or a number too long for 18 digits, a
// duplicate key, a field of an unexpected type, a value the full codec refuses, malformed JSON —
// gives nullopt, and the caller runs the full codec, which produces the result (or the error) of
// record. Tested equal to the full codec on the real captures and on mutated and random frames
// (tests/exchange/binance_fast_frame_test.cpp).
#include <optional>
#include <string_view>
#include <vector>

#include "cpc/exchange/exchange_adapter.hpp"

namespace cpc::exchange::binance {

std::optional<std::vector<StreamEvent>> parseHotFrame(std::string_view frame, MarketType market);

// BinanceAdapter::parseStreamMessage without this fast path: the nlohmann/json reading it falls
// back to, and is tested and benchmarked against.
Result<std::vector<StreamEvent>> parseFrameFullCodec(std::string_view frame, MarketType market);

}  // namespace cpc::exchange::binance
