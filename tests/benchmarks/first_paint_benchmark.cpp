// First paint after a switch to a cached series (issue 3, target < 50 ms): 100,000 1m candles
// stored in SQLite are loaded with loadLatest (directly, and through StorageWorker waiting on
// its callback as the app does), merged into a fresh market::CandleSeries, handed to a
// ChartCanvas with setSeries and rendered once at 1600×900. The three stages are also timed
// alone (load / merge / first render). Runs offscreen; needs a QApplication, hence its own main.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <QApplication>
#include <QImage>
#include <QSize>
#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "bench_candles.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"
#include "cpc/core/time.hpp"
#include "cpc/market/candle_series.hpp"
#include "cpc/storage/candle_database.hpp"
#include "cpc/storage/storage_worker.hpp"

namespace {

using cpc::Candle;
using cpc::Decimal;
using cpc::chart_qt::ChartCanvas;
using cpc::market::CandleSeries;
using cpc::storage::CandleDatabase;
using cpc::storage::StorageWorker;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kCandles = 100'000;
const cpc::SeriesKey kKey{"binance", "BTCUSDT", cpc::Interval::M1};
const QSize kSize(1600, 900);

std::vector<Candle> makeMinutes() { return cpc::bench::randomWalkMinutes(kCandles); }

void removeDatabase(const std::string& path) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path + suffix);
}

// The prepared database, written once per process and removed at exit.
struct Fixture {
    std::string path;
    bool ok = false;
    std::string error;

    Fixture()
        : path((std::filesystem::temp_directory_path() /
                ("cpc-first-paint-bench-" + std::to_string(::getpid()) + ".sqlite3"))
                   .string()) {
        removeDatabase(path);
        auto db = CandleDatabase::open(path);
        if (!db) {
            error = db.error().message;
            return;
        }
        const auto candles = makeMinutes();
        auto written = db->upsert(kKey, candles);
        if (!written) {
            error = written.error().message;
            return;
        }
        ok = true;
    }
    ~Fixture() { removeDatabase(path); }
    Fixture(const Fixture&) = delete;
    Fixture& operator=(const Fixture&) = delete;
};

const Fixture& fixture() {
    static const Fixture f;
    return f;
}

double msSince(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

cpc::Result<std::vector<Candle>> loadThroughWorker(StorageWorker& worker) {
    std::promise<cpc::Result<std::vector<Candle>>> promise;
    auto future = promise.get_future();
    worker.loadLatest(kKey, kCandles, [&promise](cpc::Result<std::vector<Candle>> result) {
        promise.set_value(std::move(result));
    });
    return future.get();
}

// ---- Stages alone ----------------------------------------------------------------------------

void BM_StageLoadDirect(benchmark::State& state) {
    const Fixture& f = fixture();
    if (!f.ok) {
        state.SkipWithError(f.error.c_str());
        return;
    }
    auto db = CandleDatabase::open(f.path);
    if (!db) {
        state.SkipWithError(db.error().message.c_str());
        return;
    }
    std::size_t read = 0;
    for (auto _ : state) {
        auto loaded = db->loadLatest(kKey, kCandles);
        if (!loaded) {
            state.SkipWithError(loaded.error().message.c_str());
            break;
        }
        read = loaded->size();
        benchmark::DoNotOptimize(loaded->data());
    }
    state.counters["candles"] = static_cast<double>(read);
}
BENCHMARK(BM_StageLoadDirect)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_StageLoadWorker(benchmark::State& state) {
    const Fixture& f = fixture();
    if (!f.ok) {
        state.SkipWithError(f.error.c_str());
        return;
    }
    StorageWorker worker(f.path);
    worker.flush();
    if (!worker.isOpen()) {
        state.SkipWithError("storage worker could not open the database");
        return;
    }
    std::size_t read = 0;
    for (auto _ : state) {
        auto loaded = loadThroughWorker(worker);
        if (!loaded) {
            state.SkipWithError(loaded.error().message.c_str());
            break;
        }
        read = loaded->size();
        benchmark::DoNotOptimize(loaded->data());
    }
    state.counters["candles"] = static_cast<double>(read);
}
BENCHMARK(BM_StageLoadWorker)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_StageMerge(benchmark::State& state) {
    const auto candles = makeMinutes();
    for (auto _ : state) {
        CandleSeries series(kKey);
        benchmark::DoNotOptimize(series.merge(candles));
        benchmark::DoNotOptimize(series.size());
    }
}
BENCHMARK(BM_StageMerge)->Unit(benchmark::kMillisecond)->UseRealTime();

// setSeries + renderToImage of a freshly merged series on a canvas that showed another one.
void BM_StageFirstRender(benchmark::State& state) {
    const auto candles = makeMinutes();
    ChartCanvas canvas;
    canvas.resize(kSize);
    for (auto _ : state) {
        state.PauseTiming();
        auto series = std::make_unique<CandleSeries>(kKey);
        series->merge(candles);
        state.ResumeTiming();
        canvas.setSeries(series.get(), cpc::Interval::M1, 2);
        QImage image = canvas.renderToImage(kSize);
        benchmark::DoNotOptimize(image.constBits());
        state.PauseTiming();
        canvas.setSeries(nullptr, cpc::Interval::M1, 2);
        series.reset();
        state.ResumeTiming();
    }
}
BENCHMARK(BM_StageFirstRender)->Unit(benchmark::kMillisecond)->UseRealTime();

// ---- The whole switch: load + merge + setSeries + first render --------------------------------
// Counters load_ms / merge_ms / render_ms are each stage's mean wall time inside the switch.

template <typename Load>
void firstPaint(benchmark::State& state, Load&& load) {
    ChartCanvas canvas;
    canvas.resize(kSize);
    double loadMs = 0;
    double mergeMs = 0;
    double renderMs = 0;
    for (auto _ : state) {
        auto t0 = Clock::now();
        auto loaded = load();
        if (!loaded) {
            state.SkipWithError(loaded.error().message.c_str());
            break;
        }
        loadMs += msSince(t0);

        t0 = Clock::now();
        auto series = std::make_unique<CandleSeries>(kKey);
        series->merge(*loaded);
        mergeMs += msSince(t0);

        t0 = Clock::now();
        canvas.setSeries(series.get(), cpc::Interval::M1, 2);
        QImage image = canvas.renderToImage(kSize);
        benchmark::DoNotOptimize(image.constBits());
        renderMs += msSince(t0);

        state.PauseTiming();
        canvas.setSeries(nullptr, cpc::Interval::M1, 2);
        series.reset();
        loaded = cpc::Result<std::vector<Candle>>(std::vector<Candle>{});
        state.ResumeTiming();
    }
    const auto n = static_cast<double>(state.iterations());
    if (n > 0) {
        state.counters["load_ms"] = loadMs / n;
        state.counters["merge_ms"] = mergeMs / n;
        state.counters["render_ms"] = renderMs / n;
    }
}

void BM_FirstPaintDirect(benchmark::State& state) {
    const Fixture& f = fixture();
    if (!f.ok) {
        state.SkipWithError(f.error.c_str());
        return;
    }
    auto db = CandleDatabase::open(f.path);
    if (!db) {
        state.SkipWithError(db.error().message.c_str());
        return;
    }
    firstPaint(state, [&db] { return db->loadLatest(kKey, kCandles); });
}
BENCHMARK(BM_FirstPaintDirect)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_FirstPaintWorker(benchmark::State& state) {
    const Fixture& f = fixture();
    if (!f.ok) {
        state.SkipWithError(f.error.c_str());
        return;
    }
    StorageWorker worker(f.path);
    worker.flush();
    if (!worker.isOpen()) {
        state.SkipWithError("storage worker could not open the database");
        return;
    }
    firstPaint(state, [&worker] { return loadThroughWorker(worker); });
}
BENCHMARK(BM_FirstPaintWorker)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    ::benchmark::Initialize(&argc, argv);
    if (::benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    ::benchmark::RunSpecifiedBenchmarks();
    ::benchmark::Shutdown();
    return 0;
}
