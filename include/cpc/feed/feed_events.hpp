#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "cpc/core/candle.hpp"
#include "cpc/core/result.hpp"
#include "cpc/exchange/events.hpp"
#include "cpc/exchange/exchange_adapter.hpp"

namespace cpc::feed {

enum class FeedState : std::uint8_t {
    Idle,          // nothing opened
    Connecting,    // first connection attempt of a series
    Live,          // stream connected and history caught up
    Stale,         // watchdog: the stream went silent; about to reconnect
    Reconnecting,  // waiting (back-off) before the next attempt
    Failed,        // a permanent error (unknown symbol…): no retry until the user opens another
};

std::string_view toString(FeedState state);

struct FeedStatus {
    SeriesKey key;
    FeedState state = FeedState::Idle;
    std::string detail;          // human-readable reason ("connection refused", "no data for 30 s")
    std::int64_t retryInMs = 0;  // Reconnecting: delay before the next attempt
    std::int64_t atMs = 0;       // local time of the change
    // Exchange clock − local clock (ms), once the feed has asked the venue for its time; used to
    // correct the latency of stream events (event time → receipt). nullopt: not known.
    std::optional<std::int64_t> clockOffsetMs = std::nullopt;
};

// Candles fetched over REST (initial load, backfill after a reconnect, or MarketFeed::loadOlder).
struct HistoryBatch {
    SeriesKey key;
    std::vector<Candle> candles;  // ascending open time
    bool older = false;         // a page of MarketFeed::loadOlder (scroll-back history)
    bool startReached = false;  // loadOlder: the venue has nothing older (start of the listing)
    // A page of MarketFeed::loadRange: `candles` are every candle the venue has with open times
    // in [fromOpenTime, toOpenTime) (none: it has none there); rangeEnd on its last page, and on
    // the last page of a loadOlder.
    bool filled = false;
    bool rangeEnd = false;
    std::int64_t fromOpenTime = 0;
    std::int64_t toOpenTime = 0;
};

struct SymbolList {
    std::string exchange;
    std::vector<exchange::SymbolInfo> symbols;
};

// A request the user made cannot be served (unknown symbol, bad interval): shown, not retried.
// `job` says which request it ends, so that its owner ends that one only: the open series (its
// history or stream), a scroll-back (MarketFeed::loadOlder), or the loading of one hole
// (MarketFeed::loadRange of [fromOpenTime, toOpenTime)).
struct FeedError {
    enum class Job { Series, Older, Range };
    SeriesKey key;
    Error error;
    Job job = Job::Series;
    std::int64_t fromOpenTime = 0;  // Range: the span asked for
    std::int64_t toOpenTime = 0;
};

// The top levels of a synced local order book (StreamSession), posted when they change.
// Bids best (highest) first, asks best (lowest) first.
struct OrderBookView {
    std::string symbol;
    std::vector<exchange::PriceLevel> bids;
    std::vector<exchange::PriceLevel> asks;
    std::int64_t lastUpdateId = 0;
};

// A perpetual's funding-rate history (session::PerpFeed), ascending by funding time.
struct FundingHistory {
    std::string exchange;
    std::string symbol;
    std::vector<exchange::FundingRatePoint> points;
};

// A perpetual's open-interest history at `period` (session::PerpFeed), ascending. `reachedStart`:
// the venue serves nothing older (Binance keeps 30 days, OKX the latest 1,440 rows).
struct OpenInterestHistory {
    std::string exchange;
    std::string symbol;
    Interval period = Interval::M5;
    std::vector<exchange::OpenInterestPoint> points;
    bool reachedStart = false;
};

using FeedEvent = std::variant<exchange::KlineUpdate, HistoryBatch, FeedStatus, SymbolList, FeedError,
                               exchange::TradeTick, exchange::DepthUpdate, exchange::DepthSnapshot,
                               exchange::BookTicker, exchange::Ticker24h, OrderBookView,
                               exchange::MarkPriceUpdate, exchange::FundingUpdate,
                               exchange::OpenInterestUpdate, exchange::Liquidation, FundingHistory,
                               OpenInterestHistory>;

// The state of the connection that carries a user's streams (StreamSession → its listeners).
struct StreamLink {
    FeedState state = FeedState::Idle;
    std::string detail;
    std::int64_t retryInMs = 0;
    // Live: the streams start on a NEW connection (or were just subscribed on one): what happened
    // before was not streamed, a user that must not miss anything fetches it (REST backfill).
    // false: a make-before-break rotation switched connections without a gap.
    bool fresh = false;
    // Failed and not retried: the venue refused the stream (at the handshake or its SUBSCRIBE), or
    // the connection cannot be made at all (TLS setup, URL). false: the session recovers by itself
    // (an internal error restarts the connection).
    bool final = false;
    // Which of the engine's connections (0: its first; a venue whose streams need several, e.g.
    // OKX's candles on /business and the rest on /public, or past maxStreamsPerConnection).
    int connection = 0;
};

// Where a feed delivers its events. post() is called on the network thread.
class FeedSink {
public:
    virtual ~FeedSink() = default;
    virtual void post(FeedEvent event) = 0;
    // A StreamSession listener (StreamSession::subscribe with a listener) also hears about the
    // connection carrying its streams; network thread. The session's own sink gets FeedStatus
    // events instead.
    virtual void onLink(const StreamLink& link) { (void)link; }
};

}  // namespace cpc::feed
