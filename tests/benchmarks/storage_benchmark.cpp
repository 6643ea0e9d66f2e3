// SQLite tier: inserting 1,000,000 candles (one transaction, and in 1,000-candle pages as
// `cpc fetch` writes them) and reading them back with one range query. Issue targets:
// insert >= 500,000 candles/s, range read >= 2,000,000 candles/s.
// Start-up: CandleDatabase::openOrSalvage of a 10k and a 1M candle cache, closed cleanly (the
// bounded checks) and after an unclean close (plus the full PRAGMA quick_check, which every
// open ran before). Salvage: CandleDatabase::salvage of a 1M candle cache with three bad pages.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
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

// Opens a cache of state.range(0) candles; `unclean` leaves an empty -wal beside it first, as a
// process that died without closing does. Only the open is timed (not the close).
void openCache(benchmark::State& state, bool unclean) {
    const auto candles = static_cast<std::size_t>(state.range(0));
    const std::string path = benchPath(unclean ? "open-unclean" : "open-clean");
    removeDatabase(path);
    {
        auto db = CandleDatabase::open(path);
        if (!db || !db->upsert(kKey, std::span(minutes()).first(candles))) {
            state.SkipWithError("cannot prepare the database");
            return;
        }
    }
    state.counters["file_MB"] = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
    cpc::storage::OpenReport report;
    for (auto _ : state) {
        state.PauseTiming();
        if (unclean) std::ofstream(path + "-wal", std::ios::trunc);
        state.ResumeTiming();
        auto db = CandleDatabase::openOrSalvage(path, &report);
        state.PauseTiming();
        if (!db || report.fullCheckRan != unclean || report.salvage) {
            state.SkipWithError(db ? "unexpected check or salvage" : db.error().message.c_str());
            break;
        }
        { auto closing = std::move(*db); }
        state.ResumeTiming();
    }
    removeDatabase(path);
    state.counters["candles"] = static_cast<double>(candles);
}

void BM_OpenCleanCache(benchmark::State& state) { openCache(state, false); }
BENCHMARK(BM_OpenCleanCache)->Arg(10'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_OpenAfterUncleanClose(benchmark::State& state) { openCache(state, true); }
BENCHMARK(BM_OpenAfterUncleanClose)->Arg(10'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Salvage(benchmark::State& state) {
    const auto& candles = minutes();
    const std::string pristine = benchPath("salvage-pristine");
    const std::string path = benchPath("salvage");
    removeDatabase(pristine);
    {
        auto db = CandleDatabase::open(pristine);
        if (!db || !db->upsert(kKey, candles)) {
            state.SkipWithError("cannot prepare the database");
            return;
        }
    }
    cpc::storage::SalvageReport report;
    for (auto _ : state) {
        state.PauseTiming();
        removeDatabase(path);
        std::filesystem::copy_file(pristine, path);
        {
            // Three pages in the middle of the file overwritten.
            std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
            file.seekp(static_cast<std::streamoff>(std::filesystem::file_size(path) / 2 / 4096 * 4096));
            const std::string noise(3 * 4096, '\x5a');
            file.write(noise.data(), static_cast<std::streamsize>(noise.size()));
        }
        state.ResumeTiming();
        auto db = CandleDatabase::salvage(path, "benchmark", &report);
        state.PauseTiming();
        if (!db) {
            state.SkipWithError(db.error().message.c_str());
            break;
        }
        { auto closing = std::move(*db); }
        if (!report.damagedPath.empty()) removeDatabase(report.damagedPath);
        state.ResumeTiming();
    }
    removeDatabase(path);
    removeDatabase(pristine);
    state.counters["kept"] = static_cast<double>(report.candlesKept);
    state.counters["lost"] = static_cast<double>(report.candlesLost);
}
BENCHMARK(BM_Salvage)->Unit(benchmark::kMillisecond)->Iterations(2)->UseRealTime();

}  // namespace
