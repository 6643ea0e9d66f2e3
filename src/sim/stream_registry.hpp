#pragma once
// WebSocket market streams of the simulator. A StreamRegistry turns a stream name
// ("btcusdt@kline_1m") into a producer; each subscription of each connection owns one producer,
// which the connection polls on its tick and which returns the raw event payloads due now.
// New stream kinds (trade, aggTrade, depth, ticker) are one more factory.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cpc/sim/market_model.hpp"
#include "cpc/sim/order_book_model.hpp"

namespace cpc::sim {

// When a producer is polled: exchange time decides what the market looks like, wall time decides
// the push cadence (Binance pushes every 2 s of real time whatever the exchange clock says, and
// tests freeze or jump the exchange clock).
struct PollTime {
    std::int64_t exchangeMs = 0;
    std::chrono::steady_clock::time_point wall{};
};

class StreamProducer {
public:
    virtual ~StreamProducer() = default;
    // Appends the raw event payloads (JSON text) due now.
    virtual void poll(const PollTime& now, std::vector<std::string>& out) = 0;
};

class StreamRegistry {
public:
    // Returns nullptr when the name is not one of this factory's streams.
    using Factory = std::function<std::unique_ptr<StreamProducer>(std::string_view name)>;

    void add(Factory factory);
    // nullptr for an unknown or malformed stream name.
    std::unique_ptr<StreamProducer> create(std::string_view name) const;
    bool valid(std::string_view name) const { return create(name) != nullptr; }

private:
    std::vector<Factory> m_factories;
};

// `<symbol lower>@kline_<interval>`: pushes the forming candle every pushInterval (1 s at most for
// 1s klines, as Binance), the final x:true version as soon as a candle closes, then the new one.
// `@trade` / `@aggTrade`: the model's trades as their time passes (aggTrade groups consecutive
// trades of one millisecond, price and side, as one taker order would be). `@depth[@100ms]`:
// the book model's diff of every 100 ms tick (every 10th tick's accumulated diff without
// @100ms). `@depth<N>[@100ms]`: the top N levels. `@bookTicker`: best bid/ask when it changes.
// `@ticker` / `@miniTicker`: rolling 24 h statistics every second.
// Building blocks for the venue dialects: the same market, each venue's encoder.
// A kline producer pushes the forming candle every pushInterval, a closed candle's final version
// as soon as it closes, then the new one (nothing before the listing); encode(candle, eventMs)
// may return "" to leave a push out.
using KlineEncoder = std::function<std::string(const Candle&, std::int64_t eventTimeMs)>;
std::unique_ptr<StreamProducer> makeKlineProducer(const MarketModel& model, const std::string& symbol,
                                                  Interval interval, std::chrono::milliseconds pushInterval,
                                                  KlineEncoder encode);  // nullptr: unknown symbol
// The trades that happened since the last poll as one batch (streams never replay).
using TradeBatchEncoder = std::function<void(const std::vector<exchange::TradeTick>&, std::int64_t eventTimeMs,
                                             std::vector<std::string>& out)>;
std::unique_ptr<StreamProducer> makeTradeBatchProducer(const MarketModel& model, const std::string& symbol,
                                                       TradeBatchEncoder encode);
// The rolling 24 h ticker every second of wall time.
using TickerEncoder = std::function<std::string(const exchange::Ticker24h&)>;
std::unique_ptr<StreamProducer> makeTickerProducer(const MarketModel& model, const OrderBookModel& book,
                                                   const std::string& symbol, TickerEncoder encode);

StreamRegistry makeBinanceStreams(const MarketModel& model, const OrderBookModel& book,
                                  std::chrono::milliseconds klinePushInterval);

}  // namespace cpc::sim
