// SQLite tier: inserting 1,000,000 candles (one transaction, and in 1,000-candle pages as
// `cpc fetch` writes them) and reading them back with one range query. Issue targets:
// insert >= 500,000 candles/s, range read >= 2,000,000 candles/s.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <filesystem>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "cpc/core/time.hpp"
#include "bench_candles.hpp"
#include "cpc/storage/candle_database.hpp"

namespace {

using cpc::Candle;
using cpc::Decimal;
using cpc::storage::CandleDatabase;

constexpr std::size_t kCandles = 1'000'000;
const cpc::SeriesKey kKey{"binance", "BTCUSDT", cpc::Interval::M1};

const std::vector<Candle>& minutes() {
    static const std::vector<Candle> candles = cpc::bench::randomWalkMinutes(kCandles);
    return candles;
}

std::string benchPath(const char* name) {
    return (std::filesystem::temp_directory_path() /
            ("cpc-storage-bench-" + std::to_string(::getpid()) + "-" + name + ".sqlite3"))
        .string();
}

void removeDatabase(const std::string& path) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path + suffix);
}

void insert(benchmark::State& state, std::size_t pageSize) {
    const auto& candles = minutes();
    const std::string path = benchPath("insert");
    for (auto _ : state) {
        state.PauseTiming();
        removeDatabase(path);
        auto db = CandleDatabase::open(path);
        if (!db) {
            state.SkipWithError(db.error().message.c_str());
            return;
        }
        state.ResumeTiming();
        for (std::size_t i = 0; i < candles.size(); i += pageSize) {
            const std::size_t n = std::min(pageSize, candles.size() - i);
            auto written = db->upsert(kKey, std::span(candles).subspan(i, n));
            if (!written) {
                state.SkipWithError(written.error().message.c_str());
                return;
            }
        }
    }
    removeDatabase(path);
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(candles.size()));
}

void BM_InsertOneTransaction(benchmark::State& state) { insert(state, kCandles); }
BENCHMARK(BM_InsertOneTransaction)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

void BM_InsertPagesOf1000(benchmark::State& state) { insert(state, 1000); }
BENCHMARK(BM_InsertPagesOf1000)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

void BM_RangeRead(benchmark::State& state) {
    const auto& candles = minutes();
    const std::string path = benchPath("read");
    removeDatabase(path);
    {
        auto db = CandleDatabase::open(path);
        if (!db || !db->upsert(kKey, candles)) {
            state.SkipWithError("cannot prepare the database");
            return;
        }
    }
    auto db = CandleDatabase::open(path);
    if (!db) {
        state.SkipWithError(db.error().message.c_str());
        return;
    }
    std::size_t read = 0;
    for (auto _ : state) {
        auto loaded = db->loadRange(kKey, candles.front().openTime, candles.back().openTime);
        if (!loaded) {
            state.SkipWithError(loaded.error().message.c_str());
            break;
        }
        read = loaded->size();
        benchmark::DoNotOptimize(loaded->data());
    }
    removeDatabase(path);
    state.counters["candles"] = static_cast<double>(read);
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(candles.size()));
}
BENCHMARK(BM_RangeRead)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
