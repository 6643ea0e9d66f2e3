#pragma once
// Helpers for the venue-dialect tests: a simulator speaking one venue's dialect, that venue's
// adapter (codec, pointed at the simulator) and the real HttpClient / WsClient.
#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <thread>
#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "cpc/exchange/registry.hpp"
#include "cpc/session/venue_rest_gate.hpp"
#include "cpc/net/http_client.hpp"
#include "cpc/net/ws_client.hpp"
#include "net_test_util.hpp"

namespace cpc::test {

// Same market data as the model's candle (venues omit trade counts and taker volumes).
inline void expectSameCandle(const Candle& got, const Candle& want, const std::string& where) {
    EXPECT_EQ(got.openTime, want.openTime) << where;
    EXPECT_EQ(got.open, want.open) << where << " open @" << want.openTime;
    EXPECT_EQ(got.high, want.high) << where << " high @" << want.openTime;
    EXPECT_EQ(got.low, want.low) << where << " low @" << want.openTime;
    EXPECT_EQ(got.close, want.close) << where << " close @" << want.openTime;
    EXPECT_EQ(got.volume, want.volume) << where << " volume @" << want.openTime;
    EXPECT_EQ(got.quoteVolume, want.quoteVolume) << where << " quote volume @" << want.openTime;
    EXPECT_EQ(got.closed, want.closed) << where << " closed @" << want.openTime;
}

inline void expectSameCandles(const std::vector<Candle>& got, const std::vector<Candle>& want,
                              const std::string& where) {
    ASSERT_EQ(got.size(), want.size()) << where;
    for (std::size_t i = 0; i < got.size(); ++i) expectSameCandle(got[i], want[i], where + " row " + std::to_string(i));
}

class VenueSim {
public:
    // `streamPath` is appended to the simulator's ws base for the adapter's stream endpoint.
    VenueSim(const std::string& exchange, bool tls, sim::SimConfig config, const std::string& streamPath) {
        config.exchange = exchange;
        env = std::make_unique<SimEnv>(tls, std::move(config));
        exchange::Endpoints endpoints;
        endpoints.restBase = env->server->restBase();
        endpoints.streamBase = env->server->streamBase() + streamPath;
        auto a = exchange::makeAdapter(exchange, endpoints);
        if (!a) throw std::runtime_error(a.error().message);
        adapter = std::move(*a);
        http = std::make_unique<net::HttpClient>(io.context(), env->clientTls);
    }

    // How long a RestGate made from the adapter's limits (as every feed makes it) pauses after
    // `answer`, a 429, taken at local time `localMs` with the venue clock `skewMs` ahead.
    std::int64_t pauseAfter(const net::HttpResponse& answer, std::int64_t localMs, std::int64_t skewMs) const {
        net::RestGate gate(session::restLimitsOf(*adapter, 0, 0.8));
        EXPECT_FALSE(gate.noteAnswer(answer, localMs, skewMs)) << "a 429 is not a ban";
        return gate.pausedUntilMs() - localMs;
    }

    net::HttpResponse get(const std::string& target) {
        auto r = runSync(io, http->get(*net::Url::parse(env->server->restBase()), target));
        if (!r) throw std::runtime_error(r.error().message);
        return std::move(*r);
    }

    std::unique_ptr<net::WsClient> connect(const std::string& url) {
        auto ws = std::make_unique<net::WsClient>(io.context(), env->clientTls);
        auto parsed = net::Url::parse(url);
        if (!parsed) throw std::runtime_error(parsed.error().message);
        auto c = runSync(io, ws->connect(*parsed));
        if (!c) throw std::runtime_error(c.error().message);
        return ws;
    }

    void send(net::WsClient& ws, const std::string& text) {
        auto r = runSync(io, ws.send(text));
        if (!r) throw std::runtime_error(r.error().message);
    }

    // Reads frames, parsed by the adapter, until `pick` accepts an event (at most `frames`).
    template <class T>
    T readUntil(net::WsClient& ws, const std::function<bool(const T&)>& pick, int frames = 400) {
        for (int i = 0; i < frames; ++i) {
            auto m = runSync(io, ws.read(), std::chrono::seconds(5));
            if (!m) throw std::runtime_error("read: " + m.error().message);
            auto events = adapter->parseStreamMessage(*m);
            if (!events) throw std::runtime_error("parse: " + events.error().message + " in " + *m);
            for (auto& e : *events)
                if (auto* t = std::get_if<T>(&e); t && pick(*t)) return *t;
        }
        throw std::runtime_error("the expected event did not arrive");
    }

    // True once the connection ends (reads fail) within `frames` frames.
    bool readsUntilClosed(net::WsClient& ws, int frames = 1000) {
        for (int i = 0; i < frames; ++i)
            if (!runSync(io, ws.read(), std::chrono::seconds(10))) return true;
        return false;
    }

    // A fault injected before the server registered the session could miss it.
    void waitForOpenConnections(std::uint64_t n) {
        for (int i = 0; i < 500 && env->server->stats().wsOpenConnections < n; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        if (env->server->stats().wsOpenConnections < n) throw std::runtime_error("the session was not registered");
    }

    // Injects MalformedFrame and reads until the adapter rejects a frame.
    void expectMalformedFrameRejected(net::WsClient& ws) {
        env->server->inject(sim::SimFault::MalformedFrame);
        bool rejected = false;
        for (int i = 0; i < 400 && !rejected; ++i) {
            auto m = runSync(io, ws.read(), std::chrono::seconds(5));
            ASSERT_TRUE(m) << m.error().message;
            rejected = !adapter->parseStreamMessage(*m);
        }
        EXPECT_TRUE(rejected);
    }

    // With a heartbeat timeout of ~1.5 s: a client that pings (and reads each pong) every 200 ms
    // for longer than that stays connected, a silent one is cut.
    void expectSilentClientCutAndPingingKept(const std::function<std::unique_ptr<net::WsClient>()>& connectOne,
                                             const std::function<std::string(int)>& ping) {
        auto pinging = connectOne();
        auto silent = connectOne();
        waitForOpenConnections(2);
        const auto pong = [](const exchange::ControlReply& r) { return r.message == "pong"; };
        for (int i = 0; i < 12; ++i) {
            send(*pinging, ping(i));
            readUntil<exchange::ControlReply>(*pinging, pong);
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        EXPECT_TRUE(readsUntilClosed(*silent));
        EXPECT_GE(env->server->stats().heartbeatTimeouts, 1u);
        send(*pinging, ping(99));
        readUntil<exchange::ControlReply>(*pinging, pong);
    }

    std::unique_ptr<SimEnv> env;
    net::IoThread io;
    std::unique_ptr<exchange::ExchangeAdapter> adapter;
    std::unique_ptr<net::HttpClient> http;
};

}  // namespace cpc::test
