#pragma once
#include <optional>
#include <span>
#include <string>

#include "cpc/core/candle.hpp"

namespace cpc::market {

// Checks one candle from an untrusted source: non-negative values, low <= open/close <= high,
// low <= high, non-negative sums, taker volumes within the totals. Returns what is wrong, or
// nullopt when it is sound. Alignment is checked separately (historic Binance data is misaligned).
std::optional<std::string> validateCandle(const Candle& candle);

// Alignment of the open time to the interval's bucket grid.
std::optional<std::string> validateAlignment(const Candle& candle, Interval interval,
                                             std::int64_t anchor3dMs = 0);

// Whole-series check: each candle valid and aligned, open times strictly increasing.
std::optional<std::string> validateSeries(std::span<const Candle> candles, Interval interval,
                                          std::int64_t anchor3dMs = 0);

}  // namespace cpc::market
