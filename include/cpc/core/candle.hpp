#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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

// Which market of a venue: spot, or its perpetual futures (Binance USD-M, Bybit linear, OKX
// swap). The same symbol names different instruments in each (BTCUSDT spot and BTCUSDT perpetual
// trade at different prices), so every key of a series, a stream engine or a cache row carries it.
enum class MarketType : std::uint8_t { Spot, Perp };

std::string_view toString(MarketType market);  // "spot", "perp"
// "spot" or "perp" (ASCII case ignored); nullopt otherwise.
std::optional<MarketType> parseMarketType(std::string_view text);
// "spot, perp": what parseMarketType accepts, for error messages.
std::string_view marketTypeNames();

// Identifies one series: which venue and market, which instrument, which interval.
struct SeriesKey {
    std::string exchange;   // "binance"
    std::string symbol;     // venue spelling, upper case: "BTCUSDT"
    Interval interval = Interval::M1;
    MarketType market = MarketType::Spot;  // last, so SeriesKey{venue, symbol, interval} is spot
    bool operator==(const SeriesKey&) const = default;
    auto operator<=>(const SeriesKey&) const = default;
};

// "binance:BTCUSDT:1m" (spot, as before perpetuals), "binance/perp:BTCUSDT:1m".
std::string toString(const SeriesKey& key);

}  // namespace cpc
