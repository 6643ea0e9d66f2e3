#pragma once
// MarketSession: the one market session of a process. Made by the composition root (runApp, each
// `cpc` command, a test) on the process's network thread and passed down; every window and command
// reaches the venues through it. It owns what the venues limit per IP — so exactly one per process:
//   - per venue (adapter name + endpoints): the StreamSession, the one connection engine; its
//     subscriptions are shared and counted (two charts and a realtime window on one stream are one
//     subscription on one connection);
//   - per REST host: the VenueRest, the one REST client (its RestGate: weight budget, 429 pause,
//     IP ban; the venue clock's offset; pooled connections);
//   - the connection budget (connection attempts per window, Binance's 300 per 5 minutes).
// Feeds made with feedConfig() use all three. Qt-free; any thread.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "cpc/exchange/exchange_adapter.hpp"
#include "cpc/session/market_feed.hpp"
#include "cpc/session/stream_session.hpp"
#include "cpc/session/venue_rest.hpp"
#include "cpc/net/connection_budget.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/net/rest_gate.hpp"

namespace cpc::session {

struct MarketSessionConfig {
    net::TlsOptions tls;
    // Settings of every venue's StreamSession (its tls is replaced by `tls`, its budget and gate by
    // the session's).
    session::StreamSessionConfig streams;
    // Connection attempts per window for the whole process (Binance: 300 per 5 minutes per IP).
    int connectionAttempts = net::ConnectionBudget::kVenueAttempts;
    std::chrono::milliseconds connectionWindow = net::ConnectionBudget::kVenueWindow;
    double restSafetyShare = 0.8;  // share of a venue's REST weight budget spent at most
    // A REST host's weight per window when it is not the venue's published one (> 0; a simulator
    // started with another limit, an account with a raised one); 0: the venue's.
    int restWeightOverride = 0;
};

class MarketSession {
public:
    explicit MarketSession(net::IoThread& io, MarketSessionConfig config = {});
    ~MarketSession();  // stop()
    MarketSession(const MarketSession&) = delete;
    MarketSession& operator=(const MarketSession&) = delete;

    net::IoThread& io() { return m_io; }
    const MarketSessionConfig& config() const { return m_config; }

    // The venue's connection engine, made at first use: one per (venue, endpoints).
    std::shared_ptr<session::StreamSession> streams(const std::shared_ptr<const exchange::ExchangeAdapter>& adapter);
    // The REST client of the adapter's REST host (its gate, the venue clock's offset), made at
    // first use: one per host, shared by every feed, engine and command of the process.
    std::shared_ptr<session::VenueRest> rest(const std::shared_ptr<const exchange::ExchangeAdapter>& adapter);
    // The REST gate of the adapter's REST host (made at first use with the venue's limits); the
    // host's VenueRest uses it.
    std::shared_ptr<net::RestGate> restGate(const exchange::ExchangeAdapter& adapter);
    std::shared_ptr<net::ConnectionBudget> connectionBudget() const { return m_budget; }
    // `base` with this session's connection engine, REST gate and connection budget for `adapter`.
    session::FeedConfig feedConfig(const std::shared_ptr<const exchange::ExchangeAdapter>& adapter,
                                session::FeedConfig base = {});

    // Venue connection engines made so far (tests, the realtime window's health view).
    std::size_t streamSessions() const;
    // Any thread but the network one: stops every connection engine (nothing is delivered after).
    void stop();

private:
    // What the session's engines deliver to no listener (every user subscribes with its own).
    struct Discard final : feed::FeedSink {
        void post(feed::FeedEvent) override {}
    };

    net::IoThread& m_io;
    MarketSessionConfig m_config;
    std::shared_ptr<net::ConnectionBudget> m_budget;
    Discard m_discard;
    mutable std::mutex m_mutex;
    // guarded by m_mutex
    // (venue, market, REST base, stream base) → its connection engine.
    std::map<std::tuple<std::string, MarketType, std::string, std::string>, std::shared_ptr<session::StreamSession>> m_streams;
    std::map<std::string, std::shared_ptr<net::RestGate>> m_gates;  // by REST base
    std::map<std::string, std::shared_ptr<session::VenueRest>> m_rests;  // by REST base
    bool m_stopped = false;
};

}  // namespace cpc::session
