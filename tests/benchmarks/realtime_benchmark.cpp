// Tick-to-paint latency of the realtime test window (issue 6; target p99 < 16 ms at 1,000
// messages/s): the simulator on 127.0.0.1 streams N trades a second (one @trade message each),
// the window runs offscreen for 2 s of warm-up and 10 s of measurement, and its own FeedHealth
// statistics report the latency from the exchange's event time to receipt (network thread) and
// to the first paint after the frame that applied the event, p50 / p99 / max over those 10 s,
// plus the GUI thread's cost per applied frame. Needs a QApplication, hence its own main.
#include <benchmark/benchmark.h>

#include <QApplication>
#include <QEventLoop>
#include <QTimer>

#include "cpc/app/realtime_window.hpp"
#include "cpc/sim/sim_server.hpp"

namespace {

void runFor(int ms) {
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

void BM_RealtimeTickToPaint(benchmark::State& state) {
    const int rate = static_cast<int>(state.range(0));
    const auto frameInterval = std::chrono::milliseconds(state.range(1));
    cpc::sim::SimConfig config;
    config.liveTradesPerSecond = rate;
    cpc::sim::SimServer server(config);
    if (auto started = server.start(); !started) {
        state.SkipWithError(started.error().message.c_str());
        return;
    }
    cpc::app::RealtimeOptions options;
    options.restBase = server.restBase();
    options.streamBase = server.streamBase();
    options.symbol = QStringLiteral("BTCUSDT");
    options.interval = cpc::Interval::M1;
    options.streams = {cpc::exchange::StreamKind::Trade};
    options.frameInterval = frameInterval;
    cpc::app::RealtimeWindow window(options);
    window.show();
    for (auto _ : state) {
        runFor(2000);   // connect, history, first paints
        runFor(10000);  // the measured window (FeedHealth keeps the last 10 s)
    }
    window.refreshHealth();
    const auto& h = window.health();
    state.counters["msgs_per_s"] = h.messagesPerSecond;
    state.counters["paint_p50_ms"] = static_cast<double>(h.paint.p50);
    state.counters["paint_p99_ms"] = static_cast<double>(h.paint.p99);
    state.counters["paint_max_ms"] = static_cast<double>(h.paint.max);
    state.counters["recv_p50_ms"] = static_cast<double>(h.receipt.p50);
    state.counters["recv_p99_ms"] = static_cast<double>(h.receipt.p99);
    state.counters["samples"] = static_cast<double>(h.paint.count);
    state.counters["reconnects"] = static_cast<double>(h.reconnects);
    state.counters["frame_p99_ms"] = static_cast<double>(window.frameCost().p99) / 1000.0;
    state.counters["frame_max_ms"] = static_cast<double>(window.frameCost().max) / 1000.0;
    window.close();
}
// Args: messages per second, minimum ms between two GUI model updates (RealtimeOptions::frameInterval).
BENCHMARK(BM_RealtimeTickToPaint)
    ->ArgsProduct({{100, 1000, 20000}, {4, 16}})
    ->ArgNames({"msgs_per_s", "frame_ms"})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
