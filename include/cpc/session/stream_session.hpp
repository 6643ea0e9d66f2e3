#pragma once
// StreamSession = the one connection engine: the only code that opens and keeps a venue's stream
// connections (one per venue and endpoints in a process, from session::MarketSession). Its users —
// chart feeds (MarketFeed), the realtime window, `cpc stream` — subscribe streams as listeners
// (start / subscribe without a listener use the session's own sink: tests and benchmarks);
// subscriptions are counted per venue stream (the first user subscribes, the last one leaving
// unsubscribes), each user gets its streams' events and its connection's state (StreamLink).
// The connections: one per maxStreamsPerConnection streams (Binance: 1,024), a new one
// opened when a subscription does not fit, an emptied extra one closed. Streams are subscribed
// and unsubscribed LIVE on the open connection with
// request-id'd control messages, paced at least `controlInterval` apart. The connection is
// watched (watchdog), reconnected with jittered exponential back-off and, after a reconnect,
// opened with the current stream set again; after every connect LIST_SUBSCRIPTIONS reconciles the
// set with what the venue reports. A SUBSCRIBE the venue refuses is reported (FeedError,
// stats.controlErrors, lastError) and its streams leave the set. For each subscribed diff depth stream it keeps a
// LocalOrderBook synced (buffer, REST snapshot, replay, resync on a gap) and posts its top levels
// as OrderBookView, fed only by the depth events of that diff-depth book (depthLevels 0); a partial
// depth topic's events (depthLevels N) go to the sink as DepthSnapshots when a PartialDepth stream
// of that N is subscribed (Bybit's orderbook.50 deltas applied to a top-50 book of its own first).
// Every other stream event goes to the sink as its FeedEvent alternative.
// Venues without streams in the URL (Bybit, OKX, KuCoin) connect to the bare endpoint (KuCoin:
// the one its token request answers, before every connect) and subscribe everything after
// connecting; streams whose endpoints differ (OKX /business, /public) get separate connections;
// client heartbeats go out every heartbeat period; books whose stream carries its own snapshot
// (Bybit, OKX) start from it and re-subscribe after a gap. There is no LIST_SUBSCRIPTIONS there.
// Qt-free; all socket work runs on the IoThread.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cpc/exchange/exchange_adapter.hpp"
#include "cpc/feed/feed_events.hpp"
#include "cpc/session/venue_rest.hpp"
#include "cpc/session/wire_tap.hpp"
#include "cpc/net/connection_budget.hpp"
#include "cpc/net/rest_gate.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/net/tls.hpp"

namespace cpc::session {

// The feed's values (events and their sink) by the names the engine uses.
using feed::FeedError;
using feed::FeedEvent;
using feed::FeedSink;
using feed::FeedState;
using feed::FeedStatus;
using feed::HistoryBatch;
using feed::OrderBookView;
using feed::StreamLink;
using feed::SymbolList;

struct StreamSessionConfig {
    net::TlsOptions tls;
    std::chrono::milliseconds backoffBase{500};
    std::chrono::milliseconds backoffMax{30000};
    std::chrono::milliseconds requestTimeout{10000};
    // Silence (no frame at all) after which a connection with subscriptions is reconnected; 0:
    // the most talkative of its streams decides (a kline stream the adapter's streamIdleTimeout,
    // 10 s for Binance's 1s; trades 60 s; books and tickers 30 s), and with client heartbeats one
    // period plus the reply's deadline at most.
    std::chrono::milliseconds watchdog{0};
    // Streams per connection; 0: the adapter's limit (Binance 1,024). More streams open more
    // connections.
    int maxStreamsPerConnection = 0;
    // Minimum gap between two outgoing control messages on one connection (Binance: at most 5
    // incoming messages per second per connection).
    std::chrono::milliseconds controlInterval{250};
    // Levels per side of each posted OrderBookView, and of the REST snapshot request.
    std::size_t bookLevels = 20;
    int snapshotLimit = 1000;
    // Measure the clock offset from the venue's server time after every connect.
    bool syncClock = true;
    // Connection attempts, shared with every other feed of the process (the MarketSession's);
    // null: a budget of its own with Binance's per-IP limit (300 per 5 minutes).
    std::shared_ptr<net::ConnectionBudget> connectionBudget;
    // Planned rotation, make-before-break: this long after a connection opened (Binance cuts at
    // 24 h) and at once on `serverShutdown`, a second connection with the same streams is opened
    // while the first keeps being read; the switch happens once the old one has delivered, on every
    // trade, aggTrade, kline and diff depth stream the new one has started, up to the new one's
    // first event (or after `rotationOverlapMax`, or when the old one closes). Events of the
    // overlap are de-duplicated (trade / aggregate id, diff depth final update id, kline open and
    // event time, bookTicker update id, ticker event time).
    std::chrono::milliseconds rotateAfter{23LL * 3600 * 1000};
    std::chrono::milliseconds rotationOverlapMax{10000};
    // A session its users started (subscribe with a listener, no start()) closes its connections
    // once its last user has been gone this long (a chart switching symbols re-subscribes at once
    // on the open connection); the next user opens them again.
    std::chrono::milliseconds closeWhenUnusedAfter{5000};
    // Client heartbeat period for venues whose clients ping (Bybit, OKX, KuCoin); 0: the venue's
    // (ExchangeAdapter::heartbeatInterval(), or KuCoin's token answer). Tests shorten it.
    std::chrono::milliseconds heartbeatOverride{0};
    // The REST host's client (its gate: weight budget, 429 pause, 418 ban; the venue clock's
    // offset) shared with every feed, session and command of the process talking to the host (the
    // MarketSession's), so a MarketFeed's ban also holds this session's snapshots; null: one of its
    // own with `restGate` (null: the venue's restRateLimit(), this share of it spent at most).
    std::shared_ptr<VenueRest> rest;
    std::shared_ptr<net::RestGate> restGate;
    double restSafetyShare = 0.8;
    // Handed every frame as received, the sockets' opens and closes, a rotation's switch (and, set
    // on the MarketSession, its REST answers): a recorder (`cpc record`). Null: nothing is copied.
    std::shared_ptr<WireTap> tap;
    // A replayed session (`cpc replay`): it opens no socket and sends no request; the replay*()
    // calls hand it what its connections received, in the recorded order, and it does with them
    // what it did live (the same frame handling, book sync, de-duplication and delivery).
    bool replay = false;
};

struct StreamCounters {
    std::uint64_t messages = 0;
    std::uint64_t bytes = 0;
};

struct StreamSessionStats {
    std::map<std::string, StreamCounters> perStream;  // by venue stream name ("btcusdt@trade")
    std::uint64_t framesReceived = 0;
    std::uint64_t framesRejected = 0;     // not parseable (also a field of the wrong type)
    std::uint64_t internalErrors = 0;     // exceptions caught in the session's coroutines (each
                                          // ended its connection, which reconnected)
    std::uint64_t reconnects = 0;
    std::uint64_t rotations = 0;          // make-before-break switches to a new connection
    std::uint64_t duplicatesDropped = 0;  // events already delivered (a rotation's overlap)
    std::uint64_t budgetWaits = 0;        // connection attempts delayed by the connection budget
    std::uint64_t controlMessagesSent = 0;
    // Replies to them (success or error). A stream's messages sent before the venue handled an
    // UNSUBSCRIBE arrive before its reply: once the reply is counted, no more of them come.
    std::uint64_t controlReplies = 0;
    std::uint64_t heartbeatsSent = 0;     // client pings (venues whose clients keep the stream alive)
    std::uint64_t controlErrors = 0;      // error replies to our control messages (a refused
                                          // SUBSCRIBE also removes its streams from the set)
    std::uint64_t subscriptionsRepaired = 0;  // streams re-(un)subscribed after LIST_SUBSCRIPTIONS
    std::uint64_t bookResyncs = 0;        // order book snapshots fetched after a gap
    std::uint64_t partialBookResyncs = 0; // partial-depth topics re-subscribed after a gap in
                                          // their deltas (Bybit orderbook.50)
    std::uint64_t bookSnapshots = 0;      // REST depth snapshots fetched
    std::string lastError;
    // The venue refused the connection's URL (HTTP 4xx at the handshake, e.g. an invalid stream
    // name): that stream set is not retried; `lastError` / a FeedError say which streams.
    bool refused = false;
    std::int64_t clockOffsetMs = 0;       // exchange clock − local clock
    bool clockSynced = false;
    bool connected = false;               // every connection of the session is connected
    std::size_t connections = 0;          // connections the session has (open or reconnecting)
    std::int64_t lastMessageAtMs = 0;
};

class StreamSession {
public:
    StreamSession(net::IoThread& io, std::shared_ptr<const exchange::ExchangeAdapter> adapter,
                  StreamSessionConfig config, FeedSink& sink);
    ~StreamSession();  // stop()
    StreamSession(const StreamSession&) = delete;
    StreamSession& operator=(const StreamSession&) = delete;

    // Any thread. Opens the connection with `streams` (replaces any earlier session).
    void start(std::vector<exchange::StreamSpec> streams);
    // Any thread. Adds / removes streams on the open connection (no reconnect). Streams already
    // (un)subscribed are skipped. Before start() they only change the initial set.
    void subscribe(std::vector<exchange::StreamSpec> streams);
    void unsubscribe(std::vector<exchange::StreamSpec> streams);
    // Any thread. Shared subscriptions: `listener` becomes a user of `streams`; it receives their
    // events (and the book views of a diff depth stream) and, through FeedSink::onLink, the state
    // of the connection carrying them. Subscriptions are counted per venue stream: the first user
    // subscribes it, further users share it (told Live at once when it already flows), the last
    // one leaving unsubscribes it. The session keeps `listener` alive while it uses any stream; a
    // listener may still get events already in flight when unsubscribe() returns.
    void subscribe(std::vector<exchange::StreamSpec> streams, std::shared_ptr<FeedSink> listener);
    void unsubscribe(std::vector<exchange::StreamSpec> streams, std::shared_ptr<FeedSink> listener);
    // Users of the venue stream `streamName`. The count lives on the network thread: this asks it
    // there and waits (at most 5 s, then 0), so never call it on the network thread. Tests and
    // diagnostics show how many share a stream.
    std::size_t usersOf(const std::string& streamName) const;
    // Any thread: drop every connection now; each reconnects as after a network failure.
    void dropConnection();
    // Any thread except the network thread. Closes everything and waits until every coroutine
    // has ended; nothing is posted to the sink afterwards.
    void stop();
    // Any thread.
    StreamSessionStats stats() const;

    // A replayed session (StreamSessionConfig::replay), network thread only: what connection
    // `connection` received, handed over in the recorded order (replay::Replayer reads a record).
    // A socket of the connection opened (`rotation`: a make-before-break rotation's new socket).
    void replayOpened(int connection, bool rotation);
    // A frame of the connection's socket (`rotation`: of its rotation's new one, buffered until
    // replaySwitched()).
    void replayFrame(int connection, bool rotation, const std::string& frame);
    void replayClosed(int connection, bool rotation, const std::string& reason);
    void replaySwitched(int connection);
    // A REST answer the session got (status 0: the request failed, `body` says why): a depth
    // snapshot the session is waiting for is applied.
    void replayRest(const std::string& target, int status, std::string body);
    // The replay starts over from the recording's first record (a seek back): every connection's
    // socket ends as in replayClosed (its users hear Reconnecting, `reason`), a rotation under way
    // is abandoned, the books are dropped with their pending snapshot requests (a recorded answer
    // must go to the request the replay makes again, not to one of the replay before). The next
    // replayOpened starts each connection afresh, as the recording's first one did.
    void replayRewind(const std::string& reason);

private:
    struct Impl;
    std::shared_ptr<Impl> m_impl;
};

}  // namespace cpc::session
