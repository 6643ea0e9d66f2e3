#pragma once
// Helpers for tests that talk to the simulator over loopback: run a coroutine on the network
// thread and wait for it, a controllable exchange clock, and a started SimServer (plain or TLS).
#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/detached.hpp>
#include <gtest/gtest.h>

#include "cpc/net/io_thread.hpp"
#include "cpc/net/tls.hpp"
#include "cpc/sim/sim_server.hpp"
#include "support/test_cert.hpp"

namespace cpc::test {

template <class T>
boost::asio::awaitable<void> fulfil(std::shared_ptr<std::promise<T>> promise, boost::asio::awaitable<T> aw) {
    try {
        if constexpr (std::is_void_v<T>) {
            co_await std::move(aw);
            promise->set_value();
        } else {
            promise->set_value(co_await std::move(aw));
        }
    } catch (...) {
        promise->set_exception(std::current_exception());
    }
}

// Starts `aw` on the IoThread; the future gets its result. (asio::use_future would need a
// default-constructible result, which Result<T> is not.)
template <class T>
std::future<T> spawn(net::IoThread& io, boost::asio::awaitable<T> aw) {
    auto promise = std::make_shared<std::promise<T>>();
    auto future = promise->get_future();
    boost::asio::co_spawn(io.context(), fulfil(promise, std::move(aw)), boost::asio::detached);
    return future;
}

// Runs `aw` on the IoThread and waits for its result (throws, failing the test, on timeout).
template <class T>
T runSync(net::IoThread& io, boost::asio::awaitable<T> aw, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto future = spawn(io, std::move(aw));
    if (future.wait_for(timeout) != std::future_status::ready)
        throw std::runtime_error("network operation did not finish within " + std::to_string(timeout.count()) + " ms");
    return future.get();
}

inline boost::asio::awaitable<void> sleepFor(std::chrono::milliseconds d) {
    boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, d);
    co_await t.async_wait(boost::asio::use_awaitable);
}

// 2024-01-15 12:34:56.789 UTC: a fixed exchange time for deterministic answers.
inline constexpr std::int64_t kFixedNowMs = 1705322096789;

class TestClock {
public:
    explicit TestClock(std::int64_t ms) : m_ms(std::make_shared<std::atomic<std::int64_t>>(ms)) {}
    std::function<std::int64_t()> fn() const {
        return [ms = m_ms] { return ms->load(); };
    }
    void set(std::int64_t ms) { m_ms->store(ms); }
    std::int64_t now() const { return m_ms->load(); }

private:
    std::shared_ptr<std::atomic<std::int64_t>> m_ms;
};

// A simulator on 127.0.0.1:0, plain or TLS with a throw-away certificate, plus a client TLS
// context that trusts that certificate.
struct SimEnv {
    std::unique_ptr<TestCertificate> cert;
    std::unique_ptr<sim::SimServer> server;
    std::shared_ptr<boost::asio::ssl::context> clientTls;

    explicit SimEnv(bool tls, sim::SimConfig config = {}) {
        if (tls) {
            cert = std::make_unique<TestCertificate>();
            config.tls = true;
            config.certFile = cert->certFile;
            config.keyFile = cert->keyFile;
        }
        server = std::make_unique<sim::SimServer>(std::move(config));
        auto started = server->start();
        if (!started) throw std::runtime_error("SimServer::start: " + started.error().message);
        auto ctx = net::makeClientTlsContext(net::TlsOptions{tls ? cert->certFile : std::string()});
        if (!ctx) throw std::runtime_error(ctx.error().message);
        clientTls = *ctx;
    }
};

inline std::string tlsName(const ::testing::TestParamInfo<bool>& info) { return info.param ? "Tls" : "Plain"; }

}  // namespace cpc::test
