// Feed benchmarks.
// - ParseDispatch: the per-frame work of the feed's reader on real captured Binance frames
//   (tests/fixtures/binance-captures): BinanceAdapter::parseStreamMessage, the series filter and
//   the post into the app's mailbox (feed::Mailbox, drained every 1,024 frames as the GUI does).
//   Issue target: >= 200,000 kline messages per second on one core.
// - SimToFeedLatency: the simulator pushes kline events (event time E, whole ms) to StreamSession
//   connections over loopback; latency = time the feed hands the parsed update to its sink − E.
//   Reported as p50/p99 at the achieved message rate (counters), for ~1,000 and ~20,000 msg/s.
//   The simulator runs in the same process on the same 2 cores (its own network thread).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "cpc/exchange/binance/binance_adapter.hpp"
#include "cpc/feed/mailbox.hpp"
#include "cpc/feed/stream_session.hpp"
#include "cpc/net/connection_budget.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/sim/sim_server.hpp"

using namespace cpc;
using namespace std::chrono_literals;

namespace {

// Frames of the captures whose payload contains `needle` ("\"e\":\"kline\"").
std::vector<std::string> captured(const std::string& needle) {
    std::vector<std::string> frames;
    for (const char* file : {"/binance-captures/BINANCE.ws.1.0", "/binance-captures/BINANCE_US.ws.1.0"}) {
        std::ifstream in(std::string(CPC_FIXTURES_DIR) + file);
        if (!in) throw std::runtime_error(std::string("missing fixture ") + file);
        std::string line;
        std::getline(in, line);  // URL line
        while (std::getline(in, line)) {
            const auto sep = line.find(": ");
            if (sep != std::string::npos && line.find(needle) != std::string::npos) frames.push_back(line.substr(sep + 2));
        }
    }
    if (frames.empty()) throw std::runtime_error("no captured frame contains " + needle);
    return frames;
}

void parseDispatch(benchmark::State& state, const std::string& needle) {
    const auto frames = captured(needle);
    const exchange::BinanceAdapter adapter;
    feed::Mailbox<feed::FeedEvent> box;
    std::size_t i = 0, delivered = 0;
    for (auto _ : state) {
        auto events = adapter.parseStreamMessage(frames[i++ % frames.size()]);
        if (!events) {
            state.SkipWithError("a captured frame did not parse");
            break;
        }
        for (auto& e : *events) {
            if (auto* k = std::get_if<exchange::KlineUpdate>(&e)) {
                if (k->key.interval != Interval::M1) continue;  // the series filter
                box.post(std::move(*k));
            } else if (auto* t = std::get_if<exchange::TradeTick>(&e)) {
                box.post(std::move(*t));
            }
        }
        if ((i & 1023) == 0) delivered += box.takeAll().size();
    }
    delivered += box.takeAll().size();
    benchmark::DoNotOptimize(delivered);
    state.SetItemsProcessed(static_cast<std::int64_t>(i));
    state.counters["frames"] = static_cast<double>(frames.size());
}

void BM_ParseDispatchKline(benchmark::State& state) { parseDispatch(state, "\"e\":\"kline\""); }
void BM_ParseDispatchAggTrade(benchmark::State& state) { parseDispatch(state, "\"e\":\"aggTrade\""); }
BENCHMARK(BM_ParseDispatchKline);
BENCHMARK(BM_ParseDispatchAggTrade);

// Records the latency of every kline update the sessions deliver.
struct LatencySink final : feed::FeedSink {
    void post(feed::FeedEvent e) override {
        const auto* k = std::get_if<exchange::KlineUpdate>(&e);
        if (!k || !recording) return;
        const auto nowUs = std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
        std::lock_guard lock(mutex);
        samplesUs.push_back(nowUs - k->eventTimeMs * 1000);
    }
    std::atomic<bool> recording{false};
    std::mutex mutex;
    std::vector<std::int64_t> samplesUs;
};

// state.range(0): kline streams per session; state.range(1): sessions (each its own connection).
void BM_SimToFeedLatency(benchmark::State& state) {
    const auto perSession = static_cast<std::size_t>(state.range(0));
    const auto sessions = static_cast<std::size_t>(state.range(1));
    sim::SimConfig config;
    config.klinePushInterval = 10ms;  // every stream pushes 100 times a second
    sim::SimServer server(config);
    if (!server.start()) {
        state.SkipWithError("simulator did not start");
        return;
    }
    auto adapter = std::make_shared<exchange::BinanceAdapter>(exchange::Endpoints{server.restBase(), server.streamBase()});
    std::vector<exchange::StreamSpec> all;
    // Short intervals first: a long one (1d, 1w, 1M) costs the simulator an aggregation of many
    // 1m candles per push, which would measure the simulator, not the feed.
    for (Interval iv : kAllIntervals)
        for (const char* symbol : {"BTCUSDT", "ETHUSDT", "ETHBTC", "ADAUSDT", "NKNUSDT"}) {
            exchange::StreamSpec s;
            s.symbol = symbol;
            s.interval = iv;
            all.push_back(s);
        }
    net::IoThread io;
    LatencySink sink;
    feed::StreamSessionConfig sessionConfig;
    sessionConfig.syncClock = false;
    sessionConfig.connectionBudget = std::make_shared<net::ConnectionBudget>(100, 5min);
    std::vector<std::unique_ptr<feed::StreamSession>> feeds;
    for (std::size_t f = 0; f < sessions; ++f) {
        feeds.push_back(std::make_unique<feed::StreamSession>(io, adapter, sessionConfig, sink));
        feeds.back()->start({all.begin(), all.begin() + static_cast<std::ptrdiff_t>(std::min(perSession, all.size()))});
    }
    std::this_thread::sleep_for(1500ms);  // connected and pushing
    double seconds = 0;
    for (auto _ : state) {
        const auto t0 = std::chrono::steady_clock::now();
        sink.recording = true;
        std::this_thread::sleep_for(4s);
        sink.recording = false;
        seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    for (auto& f : feeds) f->stop();
    std::vector<std::int64_t> s;
    {
        std::lock_guard lock(sink.mutex);
        s = sink.samplesUs;
    }
    if (s.empty()) {
        state.SkipWithError("no kline arrived");
        return;
    }
    std::sort(s.begin(), s.end());
    const auto pct = [&](double p) {
        const auto idx = static_cast<std::size_t>(std::max(0.0, std::ceil(p * static_cast<double>(s.size())) - 1));
        return static_cast<double>(s[std::min(idx, s.size() - 1)]) / 1000.0;
    };
    state.counters["msgs_per_s"] = static_cast<double>(s.size()) / seconds;
    state.counters["p50_ms"] = pct(0.50);
    state.counters["p99_ms"] = pct(0.99);
    state.counters["max_ms"] = pct(1.0);
}
// ~1,000 msg/s: 10 streams (1s, 1m of five symbols) on one connection; ~20,000 msg/s: 40
// connections of the five 1s streams (the cheapest for the simulator to produce); 20 connections
// (~10,000 msg/s) in between.
BENCHMARK(BM_SimToFeedLatency)->Args({10, 1})->Args({5, 20})->Args({5, 40})->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
