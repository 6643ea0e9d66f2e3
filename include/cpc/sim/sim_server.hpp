#pragma once
// The built-in exchange simulator: speaks Binance's REST and WebSocket protocol on loopback
// (plain or TLS) over a MarketModel. Used by `canvasprochart --demo`, `cpc sim` and every network
// test. Runs its own network thread.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "cpc/core/result.hpp"
#include "cpc/sim/market_model.hpp"

namespace cpc::sim {

struct SimConfig {
    std::string bindAddress = "127.0.0.1";
    std::uint16_t port = 0;                // 0: pick a free port
    bool tls = false;
    std::string certFile;                  // PEM, when tls
    std::string keyFile;
    std::uint64_t seed = 42;
    std::chrono::milliseconds klinePushInterval{2000};   // Binance: 2 s (1 s for 1s klines)
    std::chrono::milliseconds pingInterval{20000};       // Binance: ping every 20 s
    std::chrono::milliseconds pongTimeout{60000};        // disconnect without pong
    // Exchange clock (ms since epoch). Defaults to the system clock.
    std::function<std::int64_t()> clock;
    // Diagnostics (TLS handshake failures, dropped clients); none when empty. Called on the
    // server's network thread. Normal closes are not reported.
    std::function<void(const std::string&)> log;
    std::size_t maxStreamsPerConnection = 1024;  // Binance spot limit
};

struct SimStats {
    std::uint64_t restRequests = 0;
    std::uint64_t wsConnections = 0;    // accepted WebSocket upgrades, in total
    std::uint64_t wsMessagesSent = 0;   // text frames (events and control replies)
    std::uint64_t wsOpenConnections = 0;
    std::uint64_t pingsSent = 0;
    std::uint64_t pongTimeouts = 0;     // connections closed because no pong came back
};

class SimServer {
public:
    explicit SimServer(SimConfig config);
    ~SimServer();  // stops
    SimServer(const SimServer&) = delete;
    SimServer& operator=(const SimServer&) = delete;

    Result<Ok> start();         // binds and starts serving; error if the port is taken etc.
    void stop();                // closes every connection, joins the thread
    std::uint16_t port() const; // the bound port (after start)
    std::string restBase() const;    // "http://127.0.0.1:PORT" or "https://…"
    std::string streamBase() const;  // "ws://127.0.0.1:PORT" or "wss://…"
    SimStats stats() const;
    // Fault injection (tests): drop every open WebSocket connection now (TCP close, no close
    // frame, like a network failure). Returns when the sockets are closed.
    void dropAllConnections();
    // Fault injection (tests): close every kept-alive HTTP connection, as a server's idle
    // timeout would.
    void dropHttpConnections();
    const MarketModel& model() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace cpc::sim
