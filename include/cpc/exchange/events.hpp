#pragma once
// Plain value events that cross from the network thread to the GUI thread. No Qt, no pointers.
#include <cstdint>
#include <optional>
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

// A trade (`@trade`) or an aggregate trade (`@aggTrade`: one taker order; tradeId is the
// aggregate id, firstTradeId..lastTradeId the trades it covers).
struct TradeTick {
    std::string exchange;
    std::string symbol;
    std::int64_t tradeId = 0;
    Decimal price;
    Decimal quantity;
    std::int64_t timeMs = 0;
    bool buyerIsMaker = false;
    bool aggregate = false;  // from @aggTrade
    std::int64_t firstTradeId = 0;  // aggTrade "f" (= tradeId for a plain trade)
    std::int64_t lastTradeId = 0;   // aggTrade "l" (= tradeId for a plain trade)
    std::int64_t eventTimeMs = 0;
};

// One price level of an order book: [price, quantity]. A quantity of 0 in a diff removes the level.
struct PriceLevel {
    Decimal price;
    Decimal quantity;
    bool operator==(const PriceLevel&) const = default;
};

// Which book a depth event belongs to (DepthUpdate::depthLevels, DepthSnapshot::depthLevels): a
// venue may push several books of one symbol, each with its own snapshots and update ids, and a
// book may only be fed the events of its own topic.
//   0  the venue's diff-depth book, the stream StreamKind::Depth subscribes (Binance `@depth`,
//      Bybit `orderbook.200`, OKX `books`, KuCoin `/market/level2`) and its REST snapshots;
//   N  a partial-depth topic of the top N levels (Binance `@depth5/10/20`, Bybit `orderbook.1` /
//      `orderbook.50`, OKX `books5`, KuCoin `level2Depth5` / `level2Depth50`).
// ExchangeAdapter::depthLevelsOf(spec) names the value a subscribed stream's events carry.
inline constexpr int kDiffDepthBook = 0;

// Diff depth stream (`<symbol>@depth@100ms`, "depthUpdate"): the changes between update ids
// firstUpdateId (U) and finalUpdateId (u), both inclusive. Bybit's partial topics send deltas too
// (depthLevels > 0): those change only their own top-N book.
struct DepthUpdate {
    std::string exchange;
    std::string symbol;
    std::int64_t eventTimeMs = 0;
    std::int64_t firstUpdateId = 0;  // U
    std::int64_t finalUpdateId = 0;  // u
    std::vector<PriceLevel> bids;    // any order, as sent
    std::vector<PriceLevel> asks;
    int depthLevels = kDiffDepthBook;  // the book it belongs to (see above)
};

// A full or partial book at lastUpdateId: the REST snapshot (GET /api/v3/depth), the snapshot a
// stream-snapshot venue's diff-depth topic starts with (Bybit, OKX), or one push of a partial depth
// stream (`<symbol>@depth<levels>[@100ms]`; its payload has no symbol, the adapter takes it from
// the combined wrapper's stream name). Bids best (highest) first, asks best (lowest) first.
struct DepthSnapshot {
    std::string exchange;
    std::string symbol;
    std::int64_t lastUpdateId = 0;
    std::vector<PriceLevel> bids;
    std::vector<PriceLevel> asks;
    int depthLevels = kDiffDepthBook;  // the book it belongs to (see above)
    // From a partial depth stream (top N levels only), not the diff-depth book.
    bool partial() const { return depthLevels != kDiffDepthBook; }
};

// Best bid/ask (`<symbol>@bookTicker`).
struct BookTicker {
    std::string exchange;
    std::string symbol;
    std::int64_t updateId = 0;
    Decimal bidPrice, bidQuantity, askPrice, askQuantity;
};

// Rolling 24 h statistics: `<symbol>@ticker` ("24hrTicker") or `<symbol>@miniTicker`
// ("24hrMiniTicker", mini = true: only close/open/high/low/volume/quoteVolume are set).
struct Ticker24h {
    std::string exchange;
    std::string symbol;
    bool mini = false;
    std::int64_t eventTimeMs = 0;
    Decimal lastPrice, open, high, low, volume, quoteVolume;
    // Full ticker only.
    Decimal priceChange, priceChangePercent, weightedAvgPrice, lastQuantity;
    Decimal bidPrice, bidQuantity, askPrice, askQuantity;
    std::int64_t openTimeMs = 0, closeTimeMs = 0;
    std::int64_t firstTradeId = 0, lastTradeId = 0, tradeCount = 0;
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
    std::vector<std::string> streams;  // LIST_SUBSCRIPTIONS: the venue's stream names ("result")
};

// ---- Perpetual futures (MarketType::Perp; docs/ARCHITECTURE.md, "Perpetual futures") ----
// Rates and open interest come with more than 8 decimals on some venues (OKX "0.0001875391284828");
// they are rounded half away from zero to Decimal's 8 (a funding rate to 1e-6 %).

// Mark and index price. A field the push did not carry is nullopt: Bybit's ticker deltas carry
// only what changed, OKX's mark-price channel has no index price.
struct MarkPriceUpdate {
    std::string exchange;
    std::string symbol;
    std::int64_t eventTimeMs = 0;
    std::optional<Decimal> markPrice;
    std::optional<Decimal> indexPrice;
};

// The funding rate of the current period and when it is paid (the next funding time).
struct FundingUpdate {
    std::string exchange;
    std::string symbol;
    std::int64_t eventTimeMs = 0;
    std::optional<Decimal> rate;                   // 0.0001 = 0.01 % per period
    std::optional<std::int64_t> nextFundingTimeMs;
};

// Open interest: the contracts open, in the base asset on every venue (OKX: its oiCcy, not the
// count of contracts), and their value in the quote currency / USD when the venue says it.
struct OpenInterestUpdate {
    std::string exchange;
    std::string symbol;
    std::int64_t timeMs = 0;
    Decimal openInterest;
    std::optional<Decimal> value;
};

// A forced liquidation: the liquidation order's fill. `longLiquidated`: a long position was closed
// (Binance's order side SELL, Bybit's position side "Buy", OKX's order side "sell").
struct Liquidation {
    std::string exchange;
    std::string symbol;
    std::int64_t timeMs = 0;
    bool longLiquidated = false;
    Decimal price;     // Binance: average fill price; Bybit, OKX: bankruptcy price
    Decimal quantity;  // base asset, or contracts when `contracts` (OKX swaps)
    bool contracts = false;
};

// One row of a venue's funding-rate history (a settled period).
struct FundingRatePoint {
    std::int64_t fundingTimeMs = 0;
    Decimal rate;
    bool operator==(const FundingRatePoint&) const = default;
};

// One row of a venue's open-interest history, at the end of its period.
struct OpenInterestPoint {
    std::int64_t timeMs = 0;
    Decimal openInterest;
    std::optional<Decimal> value;
    bool operator==(const OpenInterestPoint&) const = default;
};

using StreamEvent = std::variant<KlineUpdate, TradeTick, ServerShutdown, ControlReply, DepthUpdate,
                                 DepthSnapshot, BookTicker, Ticker24h, MarkPriceUpdate, FundingUpdate,
                                 OpenInterestUpdate, Liquidation>;

}  // namespace cpc::exchange
