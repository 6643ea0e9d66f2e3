#pragma once
// AlertEngine: every stored alert evaluated on the live market, on a thread of its own (never the
// GUI's), whether or not a chart shows its series. Made by a composition root (`cpc alerts run`;
// the app next) on the process's one MarketSession: for each series key some alert reads it opens
// one session::MarketFeed (made with MarketSession::feedConfig, so its kline stream is one more
// user of the venue's shared StreamSession subscription, its REST goes through the host's
// VenueRest and gate). The feed loads history (the indicators' warm-up, and the bars that closed
// since an alert was last evaluated) and backfills after every fresh connection; the evaluator
// looks at each backfilled bar, so a cross during an outage is still reported — `late`, with the
// time of its bar.
//
// Everything the feeds post reaches the engine's thread through one session::Inbox (one wake-up
// per burst); that thread alone owns the evaluator and the store connection. Each firing is
// written to the store (its log row and the alert's state in one transaction) before the sink
// hears it, so nothing fires twice across a restart; the evaluation marks (seenThroughMs) are
// saved every `saveEvery` and at stop. Alerts added, removed or paused by another process (`cpc
// alerts add` while `cpc alerts run` runs) are picked up within `reloadEvery`.
//
// Triggers, feed states and problems go to an AlertSink (the GUI's will post into its own inbox,
// like the chart's MarketBridge does for feed events).
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "cpc/alerts/alert.hpp"
#include "cpc/alerts/alert_store.hpp"
#include "cpc/core/result.hpp"
#include "cpc/exchange/exchange_adapter.hpp"
#include "cpc/feed/feed_events.hpp"
#include "cpc/session/market_feed.hpp"

namespace cpc::session {
class MarketSession;
}

namespace cpc::alerts {

// The state of the feed of one series the alerts read.
struct SeriesStatus {
    SeriesKey key;
    feed::FeedState state = feed::FeedState::Idle;
    std::string detail;
};

// Where the engine reports. Called on the engine's thread: keep it short (post to your own).
class AlertSink {
public:
    virtual ~AlertSink() = default;
    virtual void onTrigger(const Trigger& trigger) = 0;
    virtual void onStatus(const SeriesStatus& status) { (void)status; }
    // Something the user must know: an alert that cannot be evaluated (its symbol refused by the
    // venue, its condition unreadable), the database failing to record a firing.
    virtual void onProblem(const std::string& message) { (void)message; }
};

struct EngineConfig {
    // Endpoints per venue name ("binance": REST and stream bases); a venue not listed uses the
    // registry's production hosts.
    std::map<std::string, exchange::Endpoints> endpoints;
    // Settings of every feed (back-off, timeouts); its session pieces are the MarketSession's.
    session::FeedConfig feed;
    std::chrono::milliseconds saveEvery{2000};
    std::chrono::milliseconds reloadEvery{1000};
};

struct EngineStats {
    std::uint64_t klines = 0;         // live updates evaluated
    std::uint64_t historyBars = 0;    // bars of history (first pages and backfills) evaluated
    std::uint64_t triggers = 0;
    std::uint64_t lateTriggers = 0;
    std::uint64_t storeFailures = 0;  // firings or states the database did not take (each said)
    std::size_t alerts = 0;
    std::size_t feeds = 0;
};

class AlertEngine {
public:
    AlertEngine(session::MarketSession& market, std::string storePath, AlertSink& sink, EngineConfig config = {});
    ~AlertEngine();  // stop()
    AlertEngine(const AlertEngine&) = delete;
    AlertEngine& operator=(const AlertEngine&) = delete;

    // Opens the store (its refusal is the error), loads the alerts, opens their feeds and starts
    // the engine's thread.
    Result<Ok> start();
    // Any thread but the network one: stops the feeds, saves the evaluation state, joins.
    void stop();

    // Any thread (not the sink's callbacks): go through the engine's thread and its store; wait.
    Result<std::int64_t> add(Alert alert);
    Result<Ok> remove(std::int64_t id);
    Result<Ok> setPaused(std::int64_t id, bool paused);
    std::vector<Alert> alerts();
    // Every stored alert, those that are done (fired once) or expired included, as the store has
    // them (what an Alerts dialog lists), from the engine's store connection.
    Result<LoadedAlerts> storedAlerts();
    // The log (every alert's firings, newest first) from the engine's store connection.
    Result<std::vector<Trigger>> log(std::size_t limit = 1000);

    // Drops every feed's stream connection (tests, a "reconnect" action): they backfill.
    void dropConnections();
    EngineStats stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace cpc::alerts
