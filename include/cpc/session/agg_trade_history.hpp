#pragma once
// AggTradeHistory: the venue's aggregate trades of some time ranges (the footprint's older bars),
// from the trade cache (storage::AggTradeCache) where it holds them and over REST otherwise, within
// the venue's limits: Binance GET /api/v3/aggTrades pages of 1,000 by a time window of less than
// an hour (startTime/endTime), continued by id (fromId) while a window has more, every request
// through the host's VenueRest (its weight budget). What is fetched is stored before it is handed
// on, so it is read from disk after a restart. Venues without a usable trade history
// (exchange::aggTradesRequest() is nullopt) end at once with the adapter's reason.
//
// Events reach the listener on the network thread, in this order: a Range per range as it is
// complete (newest range first, as given), Progress after every request, then one Finished.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cpc/exchange/exchange_adapter.hpp"
#include "cpc/storage/agg_trade_cache.hpp"

namespace cpc::session {

class MarketSession;

struct AggTradeHistoryOptions {
    std::string symbol;
    std::vector<storage::TimeRange> ranges;  // fetched in this order (the app: newest bar first)
    std::string cachePath;                   // "" : no cache, every range over REST
    int maxRequests = 300;                   // REST requests at most; beyond: Finished, incomplete
};

struct AggTradeHistoryEvent {
    enum class Kind : std::uint8_t { Range, Progress, Finished };
    Kind kind = Kind::Progress;
    storage::TimeRange range;                  // Range: which one
    std::vector<exchange::TradeTick> trades;   // Range: every aggregate trade of it, ascending
    bool fromCache = false;                    // Range: read from the cache, no request
    int rangesDone = 0, rangesTotal = 0;
    int requests = 0;                          // REST requests made so far
    bool complete = false;                     // Finished: every range delivered
    std::string error;                         // Finished: why not (the venue, the network, the budget)
    std::string notice;                        // the cache was damaged and salvaged (said once)
};

class AggTradeHistory {
public:
    using Listener = std::function<void(AggTradeHistoryEvent)>;
    AggTradeHistory(MarketSession& market, std::shared_ptr<const exchange::ExchangeAdapter> adapter,
                    AggTradeHistoryOptions options, Listener listener);
    ~AggTradeHistory();  // stop()
    AggTradeHistory(const AggTradeHistory&) = delete;
    AggTradeHistory& operator=(const AggTradeHistory&) = delete;

    // Any thread. Runs on the market's network thread.
    void start();
    // Any thread but the network one: ends the requests; nothing reaches the listener afterwards.
    void stop();

private:
    struct Impl;
    std::shared_ptr<Impl> m_impl;
};

}  // namespace cpc::session
