#pragma once
// Decoding one stored candle row (storage module only): shared by CandleDatabase's loads and the
// salvage of a damaged file, so both apply the same rules.
#include <sqlite3.h>

#include <optional>
#include <string>

#include "cpc/core/candle.hpp"

namespace cpc::storage::detail {

// The columns a candle row is read with, in this order (after "SELECT ").
inline constexpr const char* kCandleColumns =
    "open_time, open, high, low, close, volume, quote_volume, trades, taker_buy_base, "
    "taker_buy_quote, closed";

// Fills `out` from the current row of a statement selecting kCandleColumns; returns why the row
// is unusable (not decodable, or fails market::validateCandle), or nullopt.
std::optional<std::string> decodeCandle(sqlite3_stmt* statement, Candle& out);

}  // namespace cpc::storage::detail
