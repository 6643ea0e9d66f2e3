#pragma once
#include <cstdint>
#include <string>

#include "cpc/core/decimal.hpp"
#include "cpc/core/interval.hpp"

namespace cpc {

// One kline as Binance defines it. Times are UTC epoch milliseconds.
struct Candle {
    std::int64_t openTime = 0;
    Decimal open, high, low, close;
    Decimal volume;         // base asset
    Decimal quoteVolume;
    std::int64_t trades = 0;  // -1 when the source did not say (some CSV exports)
    Decimal takerBuyBase;
    Decimal takerBuyQuote;
    bool closed = false;    // final: the venue will not change it any more

    // A no-trade candle is flat at the previous close; aggregation ignores it for OHLC.
    bool hasTrades() const { return trades > 0 || (trades < 0 && !volume.isZero()); }
    bool operator==(const Candle&) const = default;
};

// Identifies one series: which venue, which instrument, which interval.
struct SeriesKey {
    std::string exchange;   // "binance"
    std::string symbol;     // venue spelling, upper case: "BTCUSDT"
    Interval interval = Interval::M1;
    bool operator==(const SeriesKey&) const = default;
    auto operator<=>(const SeriesKey&) const = default;
};

std::string toString(const SeriesKey& key);  // "binance:BTCUSDT:1m"

}  // namespace cpc
