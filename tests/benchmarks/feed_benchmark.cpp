// Feed benchmarks.
// - ParseDispatch: the per-frame work of the feed's reader on real captured Binance frames
//   (tests/fixtures/binance-captures): BinanceAdapter::parseStreamMessage, the series filter and
//   the post into the app's mailbox (feed::Mailbox, drained every 1,024 frames as the GUI does).
//   Issue target: >= 200,000 kline messages per second on one core.
// - SimToFeedLatency: the simulator pushes kline events (event time E, whole ms) to StreamSession
//   connections over loopback; latency = time the feed hands the parsed update to its sink − E
//   (p50_ms, p99_ms), and time the candle is upserted into its CandleSeries on a consumer thread
//   woken through a feed::Mailbox, as the app's GUI thread does − E (model_p50_ms, model_p99_ms).
//   Reported at the achieved message rate (counters), for ~1,000, ~10,000 and ~20,000 msg/s.
//   The simulator runs in the same process on the same 2 cores (its own network thread).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "cpc/exchange/binance/binance_adapter.hpp"
#include "cpc/feed/mailbox.hpp"
#include "cpc/session/stream_session.hpp"
#include "cpc/market/candle_series.hpp"
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

std::int64_t nowUs() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Records the latency of every kline update the sessions deliver (at the hand-over), and passes
// them on as the app does: into a feed::Mailbox whose first post wakes a consumer thread (the
// GUI thread's role), which takes the whole batch and upserts each candle into its series'
// market::CandleSeries (the data the chart model draws), recording the latency after the upsert.
struct LatencySink final : feed::FeedSink {
    LatencySink()
        : consumer([this](std::stop_token stop) { consume(stop); }) {}
    ~LatencySink() override {
        consumer.request_stop();
        wake.notify_one();
    }
    LatencySink(const LatencySink&) = delete;
    LatencySink& operator=(const LatencySink&) = delete;

    void post(feed::FeedEvent e) override {
        const auto* k = std::get_if<exchange::KlineUpdate>(&e);
        if (!k) return;
        if (recording) {
            const std::int64_t latency = nowUs() - k->eventTimeMs * 1000;
            std::lock_guard lock(mutex);
            samplesUs.push_back(latency);
        }
        if (box.post(std::move(e))) {
            std::lock_guard lock(wakeMutex);
            woken = true;
            wake.notify_one();
        }
    }

    void consume(std::stop_token stop) {
        while (!stop.stop_requested()) {
            {
                std::unique_lock lock(wakeMutex);
                wake.wait_for(lock, 100ms, [&] { return woken || stop.stop_requested(); });
                woken = false;
            }
            for (feed::FeedEvent& e : box.takeAll()) {
                auto& k = std::get<exchange::KlineUpdate>(e);
                series.try_emplace(k.key, k.key).first->second.upsert(k.candle);
                if (!recording) continue;
                const std::int64_t latency = nowUs() - k.eventTimeMs * 1000;
                std::lock_guard lock(mutex);
                modelSamplesUs.push_back(latency);
            }
        }
    }

    std::atomic<bool> recording{false};
    std::mutex mutex;
    std::vector<std::int64_t> samplesUs;       // at the sink (parsed update handed over)
    std::vector<std::int64_t> modelSamplesUs;  // after the CandleSeries upsert on the consumer
    feed::Mailbox<feed::FeedEvent> box;
    std::map<SeriesKey, market::CandleSeries> series;  // consumer thread only
    std::mutex wakeMutex;
    std::condition_variable wake;
    bool woken = false;  // guarded by wakeMutex
    std::jthread consumer;  // last: started after everything it uses
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
    session::StreamSessionConfig sessionConfig;
    sessionConfig.syncClock = false;
    sessionConfig.connectionBudget = std::make_shared<net::ConnectionBudget>(100, 5min);
    std::vector<std::unique_ptr<session::StreamSession>> feeds;
    for (std::size_t f = 0; f < sessions; ++f) {
        feeds.push_back(std::make_unique<session::StreamSession>(io, adapter, sessionConfig, sink));
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
    std::this_thread::sleep_for(200ms);  // the consumer drains what was in flight
    std::vector<std::int64_t> s;
    std::vector<std::int64_t> model;
    {
        std::lock_guard lock(sink.mutex);
        s = sink.samplesUs;
        model = sink.modelSamplesUs;
    }
    if (s.empty() || model.empty()) {
        state.SkipWithError("no kline arrived");
        return;
    }
    const auto pct = [](std::vector<std::int64_t>& v, double p) {
        std::sort(v.begin(), v.end());
        const auto idx = static_cast<std::size_t>(std::max(0.0, std::ceil(p * static_cast<double>(v.size())) - 1));
        return static_cast<double>(v[std::min(idx, v.size() - 1)]) / 1000.0;
    };
    state.counters["msgs_per_s"] = static_cast<double>(s.size()) / seconds;
    state.counters["p50_ms"] = pct(s, 0.50);
    state.counters["p99_ms"] = pct(s, 0.99);
    state.counters["max_ms"] = pct(s, 1.0);
    state.counters["model_p50_ms"] = pct(model, 0.50);
    state.counters["model_p99_ms"] = pct(model, 0.99);
    state.counters["model_max_ms"] = pct(model, 1.0);
}
// ~1,000 msg/s: 10 streams (1s, 1m of five symbols) on one connection; ~20,000 msg/s: 40
// connections of the five 1s streams (the cheapest for the simulator to produce); 20 connections
// (~10,000 msg/s) in between.
BENCHMARK(BM_SimToFeedLatency)->Args({10, 1})->Args({5, 20})->Args({5, 40})->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
