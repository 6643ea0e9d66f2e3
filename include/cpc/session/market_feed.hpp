#pragma once
// MarketFeed = the history side of one open series, on top of the connection engine. For the open
// series it loads history over REST and takes the series' kline stream from a StreamSession (the
// one engine that opens and keeps venue connections: connect plan, heartbeats, watchdog,
// rotation); after the open and after every fresh connection it backfills the gap over REST while
// the stream's updates are held in memory: streams never replay, so this is how no candle is lost.
// Written once for every adapter: the venue's REST pacing (restRateLimit), intervals it lacks
// (aggregated from nativeSourceInterval) and candles without a close flag (closed by the next one
// and fetched over REST; final only once the venue confirms them) come from the adapter interface.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include "cpc/exchange/exchange_adapter.hpp"
#include "cpc/feed/feed_events.hpp"
#include "cpc/session/stream_session.hpp"
#include "cpc/session/venue_rest.hpp"
#include "cpc/net/connection_budget.hpp"
#include "cpc/net/rest_gate.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/net/tls.hpp"

namespace cpc::session {

struct FeedConfig {
    net::TlsOptions tls;
    std::chrono::milliseconds backoffBase{1000};
    std::chrono::milliseconds backoffMax{30000};
    std::chrono::milliseconds requestTimeout{15000};
    // 0: use the adapter's idle timeout for the interval.
    std::chrono::milliseconds watchdogOverride{0};
    // REST weight per window of the venue (ExchangeAdapter::restRateLimit()); 0: the venue's own.
    // Requests wait once weightSafetyShare of it is used.
    int restWeightBudget = 0;
    // Client heartbeat period for venues whose clients ping (Bybit, OKX, KuCoin); 0: the venue's
    // (ExchangeAdapter::heartbeatInterval(), or KuCoin's token answer). Tests shorten it.
    std::chrono::milliseconds heartbeatOverride{0};
    // Minimum gap between two subscribe messages on one connection (venues that subscribe after
    // connecting).
    std::chrono::milliseconds controlInterval{250};
    // Candles a series opened without a cache starts with, at least: venues whose REST pages are
    // shorter (OKX: 100) are read forward over several pages instead of one newest page.
    int initialCandles = 1000;
    // Pages of a hole (loadRange) requested at once, newest first (issue 21); the host's RestGate
    // paces them all. 1: one at a time.
    std::size_t parallelPages = 8;
    // Make-before-break rotation of the stream connection this long after it opened (Binance
    // cuts connections at 24 h); 0: only on the venue's serverShutdown event.
    std::chrono::milliseconds rotateAfter{23LL * 3600 * 1000};
    // Connection attempts, shared with every other feed of the process (the MarketSession's);
    // null: a budget of its own with Binance's per-IP limit (300 per 5 minutes).
    std::shared_ptr<net::ConnectionBudget> connectionBudget;
    double weightSafetyShare = 0.8;
    // The REST host's client (its gate: weight budget, 429 pause, 418 ban; the venue clock's
    // offset), shared with every feed, session and command of the process talking to the host (the
    // MarketSession's); null: one of its own with `restGate` (null: the venue's restRateLimit(),
    // restWeightBudget and weightSafetyShare apply).
    std::shared_ptr<VenueRest> rest;
    std::shared_ptr<net::RestGate> restGate;
    // The connection engine that carries the kline stream, shared with every other user of the
    // venue in the process (charts, the realtime window): one subscription per stream, one
    // connection per venue's limits. null: the feed makes its own from the settings above.
    std::shared_ptr<StreamSession> streamSession;
    // A replay's feed (MarketSession::feedConfig of a replayed session): it asks the venue for
    // nothing — no history, backfill or reconcile over REST, no symbol list, no scroll-back (a
    // request for older candles or a range fails saying so); its series are what the replayed
    // stream delivers on top of what the caller loaded from its cache.
    bool offline = false;
};

// The connection's figures (frames, reconnects, rotations, budget waits, heartbeats, last message)
// are those of the StreamSession carrying the stream.
struct FeedStats {
    std::uint64_t framesReceived = 0;
    std::uint64_t framesRejected = 0;
    std::uint64_t reconnects = 0;       // of the stream connection, plus history retries
    std::uint64_t historyRetries = 0;   // backfills that failed and were tried again
    std::uint64_t unconfirmed = 0;      // candles REST could not confirm final yet (re-checked later)
    std::uint64_t internalErrors = 0;   // exceptions caught in the feed's coroutines (each shown as
                                        // Failed, the series reopened after a back-off)
    std::uint64_t rotations = 0;
    std::uint64_t budgetWaits = 0;      // connection attempts delayed by the connection budget
    std::uint64_t heartbeatsSent = 0;   // client pings (venues whose clients keep the stream alive)
    std::uint64_t reconciles = 0;       // candles closed by a newer one (no close flag) and fetched over REST
    std::uint64_t restRequests = 0;
    std::uint64_t historyProbes = 0;     // scroll-back probes past an empty page (historyHasGaps venues)
    std::int64_t lastMessageAtMs = 0;
    std::uint64_t restBans = 0;          // HTTP 418 answers (IP ban)
    std::int64_t restBannedUntilMs = 0;  // local clock; no REST request before it
};

class MarketFeed {
public:
    MarketFeed(net::IoThread& io, std::shared_ptr<const exchange::ExchangeAdapter> adapter,
               FeedConfig config, FeedSink& sink);
    ~MarketFeed();  // stop()
    MarketFeed(const MarketFeed&) = delete;
    MarketFeed& operator=(const MarketFeed&) = delete;

    // Any thread. Switches the feed to `key`. resumeFromOpenTime: the newest closed candle the
    // caller already holds (cache); history is fetched from there on, else the newest page.
    void open(SeriesKey key, std::optional<std::int64_t> resumeFromOpenTime = std::nullopt);
    // Any thread. Scroll-back history: up to `count` candles of `key` opening before
    // `beforeOpenTime` (the oldest candle the caller holds), newest first over REST, in pages of
    // the venue's maximum (1,000 for Binance). Each page is posted as a HistoryBatch with
    // older = true (candles ascending); the page that shows the venue has nothing older (the
    // start of the listing) has startReached = true (it may be empty). On a venue whose history
    // skips intervals without trades (KuCoin) an empty page is probed past (ranges growing 4-fold,
    // at most 6 requests, never before the venue's earliest data) before the start is reached. A request that fails is
    // posted as FeedError (after a few retries for transient errors). Cancelled by open() and
    // stop(); several loads may run at once. Shares the REST weight budget and ban gate.
    void loadOlder(SeriesKey key, std::int64_t beforeOpenTime, std::size_t count = 1000);
    // Any thread. Every candle of `key` the venue has with open times in [fromOpenTime,
    // toOpenTime) (bucket starts; a hole in the caller's cache), paged forward. Each page is
    // posted as a HistoryBatch with filled = true and the span it answers for
    // (fromOpenTime/toOpenTime: the candles are all the venue has there, none when it has none);
    // the last one has rangeEnd = true. Stops before a forming candle. A failure (or an answer
    // whose rows all lie outside the asked span: it says nothing about the span) is posted as
    // FeedError. Same REST gate, retries and cancellation as loadOlder.
    void loadRange(SeriesKey key, std::int64_t fromOpenTime, std::int64_t toOpenTime);
    // Any thread. Fetches the venue's symbol list; delivered as SymbolList (or FeedError).
    void requestSymbols();
    // Any thread except the network thread. Closes everything and waits for it to finish.
    void stop();
    // Any thread: drop the current stream connection now (as if the network failed). Tests and
    // the "reconnect" menu item use it; the feed heals itself as on any other disconnect.
    void dropConnection();
    FeedStats stats() const;

private:
    struct Impl;
    std::shared_ptr<Impl> m_impl;
};

}  // namespace cpc::session
