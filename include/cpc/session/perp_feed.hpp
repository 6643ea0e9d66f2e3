#pragma once
// PerpFeed: the perpetual-futures side of one symbol (MarketType::Perp adapters), next to the
// candles MarketFeed keeps: mark and index price, the funding rate with its next funding time,
// open interest and liquidations, live through the market session's connection engine (one more
// user of its shared streams) and their history over the venue host's VenueRest.
//
// Live: the venue's streams (Binance USD-M @markPrice@1s / @forceOrder; Bybit tickers /
// allLiquidation; OKX mark-price / funding-rate / open-interest / liquidation-orders). Open
// interest without a stream (Binance USD-M) is polled over REST every
// adapter->openInterestPollInterval(), within the host's weight budget. One premiumIndexRequest()
// at the start gives the mark price and the funding countdown before the first push (OKX pushes
// funding every 30–90 s).
//
// History: funding-rate and open-interest pages, newest first, back until the venue serves no
// more (or PerpFeedOptions::historyPages); mark- and index-price candles of the chart's range
// (exchange/price_klines.hpp), from the venue's now back to its first bar, and later, when the
// chart scrolls back, of the older bars it loaded (requestPriceHistory). The streams are subscribed before the history is
// asked for, and the history reaches up to the venue's now: the live values continue where the
// history ends, without a gap (tested against the simulator).
//
// Events reach `sink` on the network thread: exchange::MarkPriceUpdate, FundingUpdate,
// OpenInterestUpdate, Liquidation (of this symbol only: OKX's channel carries every swap),
// feed::FundingHistory, feed::OpenInterestHistory, and feed::FeedError when a history or a poll
// fails (the live streams go on; their connection states reach sink.onLink).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>
#include <string>

#include "cpc/core/result.hpp"
#include "cpc/exchange/exchange_adapter.hpp"
#include "cpc/feed/feed_events.hpp"

namespace cpc::session {

class MarketSession;

// A perpetual's mark-price and index-price candles (PerpFeedOptions::onPriceHistory), ascending
// by open time, closed bars only: the mark and index lines of the bars before the live pushes.
// Delivered beside the FeedSink rather than as a feed::FeedEvent: only a perpetual chart asks for
// it. A page that fails is a feed::FeedError ("mark price history of …"); the rows before it stay.
struct PriceHistory {
    std::string exchange;
    std::string symbol;
    Interval interval = Interval::M1;
    std::vector<Candle> mark;
    std::vector<Candle> index;
    // What was asked: the bars from `fromMs` on, before `beforeMs` (0: up to the venue's now).
    std::int64_t fromMs = 0;
    std::int64_t beforeMs = 0;
    // How far back both series are answered for: `fromMs` — or the oldest bar, when the last page
    // went past it — when the venue served back to it (or had nothing older), else the oldest bar
    // the page cap or a failed page let through (a later request can go on from there).
    std::int64_t reachedMs = 0;
};

struct PerpFeedOptions {
    std::string symbol;
    bool markPrice = true;     // mark + index
    bool funding = true;       // rate + next funding time
    bool openInterest = true;  // live (stream or poll)
    bool liquidations = true;
    bool history = true;       // funding and open-interest history
    Interval openInterestPeriod = Interval::M5;  // one of adapter->openInterestPeriods()
    int historyPages = 20;     // pages of history at most, per kind
    // Mark and index price history: the venue's mark- and index-price candles
    // (exchange/price_klines.hpp) at `priceInterval` — or the native interval the venue builds it
    // from — back from the venue's now to `priceFromMs` (the chart's first bar), at most
    // `priceHistoryPages` pages each, handed to `onPriceHistory` (network thread; never
    // after stop() returned), which each requestPriceHistory() calls again. No priceInterval or
    // no onPriceHistory: none asked for.
    std::optional<Interval> priceInterval = std::nullopt;
    std::int64_t priceFromMs = 0;
    int priceHistoryPages = 10;
    std::function<void(PriceHistory)> onPriceHistory = nullptr;
};

class PerpFeed {
public:
    PerpFeed(MarketSession& market, std::shared_ptr<const exchange::ExchangeAdapter> adapter,
             std::shared_ptr<feed::FeedSink> sink, PerpFeedOptions options);
    ~PerpFeed();  // stop()
    PerpFeed(const PerpFeed&) = delete;
    PerpFeed& operator=(const PerpFeed&) = delete;

    // Any thread. An Error (nothing started) for a spot adapter, a bad symbol or an open-interest
    // period the venue does not keep.
    Result<Ok> start();
    // Any thread, after start(): the mark- and index-price candles of the bars opening in
    // [fromMs, beforeMs) at the options' priceInterval — the older bars a chart loaded by scrolling
    // back — newest page first, at most `pages` pages each, through the same REST gate, handed
    // to onPriceHistory like the first history. Nothing without a priceInterval or onPriceHistory,
    // or once stopped.
    void requestPriceHistory(std::int64_t fromMs, std::int64_t beforeMs, int pages);
    // Any thread but the network one: leaves the streams, ends the poll and the history, waits
    // until nothing more reaches the sink.
    void stop();

private:
    struct Impl;
    std::shared_ptr<Impl> m_impl;
};

}  // namespace cpc::session
