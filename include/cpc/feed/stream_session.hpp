#pragma once
// StreamSession = one live multi-stream WebSocket connection to one venue (the realtime test
// window's feed). Streams are subscribed and unsubscribed LIVE on the open connection with
// request-id'd control messages, paced at least `controlInterval` apart. The connection is
// watched (watchdog), reconnected with jittered exponential back-off and, after a reconnect,
// opened with the current stream set again. For each subscribed diff depth stream it keeps a
// LocalOrderBook synced (buffer, REST snapshot, replay, resync on a gap) and posts its top levels
// as OrderBookView. Every other stream event goes to the sink as its FeedEvent alternative.
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
#include "cpc/net/io_thread.hpp"
#include "cpc/net/tls.hpp"

namespace cpc::feed {

struct StreamSessionConfig {
    net::TlsOptions tls;
    std::chrono::milliseconds backoffBase{500};
    std::chrono::milliseconds backoffMax{30000};
    std::chrono::milliseconds requestTimeout{10000};
    // Silence (no frame at all) after which a connection with subscriptions is reconnected.
    std::chrono::milliseconds watchdog{30000};
    // Minimum gap between two outgoing control messages (Binance: at most 5 messages per second).
    std::chrono::milliseconds controlInterval{250};
    // Levels per side of each posted OrderBookView, and of the REST snapshot request.
    std::size_t bookLevels = 20;
    int snapshotLimit = 1000;
    // Measure the clock offset from the venue's server time after every connect.
    bool syncClock = true;
};

struct StreamCounters {
    std::uint64_t messages = 0;
    std::uint64_t bytes = 0;
};

struct StreamSessionStats {
    std::map<std::string, StreamCounters> perStream;  // by venue stream name ("btcusdt@trade")
    std::uint64_t framesReceived = 0;
    std::uint64_t framesRejected = 0;     // not parseable
    std::uint64_t reconnects = 0;
    std::uint64_t controlMessagesSent = 0;
    std::uint64_t controlErrors = 0;      // error replies to our control messages
    std::uint64_t bookResyncs = 0;        // order book snapshots fetched after a gap
    std::uint64_t bookSnapshots = 0;      // REST depth snapshots fetched
    std::string lastError;
    std::int64_t clockOffsetMs = 0;       // exchange clock − local clock
    bool clockSynced = false;
    bool connected = false;
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
    // Any thread: drop the connection now; the session reconnects as after a network failure.
    void dropConnection();
    // Any thread except the network thread. Closes everything and waits until every coroutine
    // has ended; nothing is posted to the sink afterwards.
    void stop();
    // Any thread.
    StreamSessionStats stats() const;

private:
    struct Impl;
    std::shared_ptr<Impl> m_impl;
};

}  // namespace cpc::feed
