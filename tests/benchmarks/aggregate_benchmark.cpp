// Aggregating 1,000,000 1m candles (about 1.9 years) to every higher interval, against a plain
// memcpy of the same candle array (issue target: aggregation within 3x of the copy).
#include <benchmark/benchmark.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "cpc/core/time.hpp"
#include "cpc/market/aggregate.hpp"

namespace {

using cpc::Candle;
using cpc::Decimal;
using cpc::Interval;

constexpr std::size_t kCandles = 1'000'000;

// A random walk in 1e-8 units; one minute in five has no trades (flat at the previous close).
const std::vector<Candle>& minutes() {
    static const std::vector<Candle> candles = [] {
        std::mt19937_64 rng(7);
        std::vector<Candle> out(kCandles);
        std::int64_t price = 4'200'000'000'000;  // 42000.00000000
        const std::int64_t start = *cpc::parseUtc("2023-01-02");
        for (std::size_t i = 0; i < kCandles; ++i) {
            Candle& c = out[i];
            c.openTime = start + static_cast<std::int64_t>(i) * cpc::kMinuteMs;
            c.closed = true;
            if (rng() % 5 == 0) {
                c.open = c.high = c.low = c.close = Decimal::fromUnits(price);
                continue;
            }
            const std::int64_t open = price;
            price += static_cast<std::int64_t>(rng() % 2'000'001) - 1'000'000;
            c.open = Decimal::fromUnits(open);
            c.close = Decimal::fromUnits(price);
            c.high = Decimal::fromUnits(std::max(open, price) + static_cast<std::int64_t>(rng() % 100'000));
            c.low = Decimal::fromUnits(std::min(open, price) - static_cast<std::int64_t>(rng() % 100'000));
            c.volume = Decimal::fromUnits(static_cast<std::int64_t>(rng() % 10'000'000'000));
            c.quoteVolume = Decimal::fromUnits(static_cast<cpc::Int128>(c.volume.units()) * 42'000);
            c.trades = 1 + static_cast<std::int64_t>(rng() % 500);
            c.takerBuyBase = Decimal::fromUnits(c.volume.units() / 2);
            c.takerBuyQuote = Decimal::fromUnits(c.quoteVolume.units() / 2);
        }
        return out;
    }();
    return candles;
}

void BM_MemcpyCandles(benchmark::State& state) {
    const auto& source = minutes();
    std::vector<Candle> target(source.size());
    for (auto _ : state) {
        std::memcpy(static_cast<void*>(target.data()), source.data(), source.size() * sizeof(Candle));
        benchmark::DoNotOptimize(target.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(source.size()));
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(source.size() * sizeof(Candle)));
}
BENCHMARK(BM_MemcpyCandles)->Unit(benchmark::kMillisecond);

// The same copy into a fresh allocation, as any function returning a new vector must do: the
// first touch of each page costs a fault (aggregate() returns a new vector too).
void BM_MemcpyCandlesIntoNewVector(benchmark::State& state) {
    const auto& source = minutes();
    for (auto _ : state) {
        std::vector<Candle> target;
        target.reserve(source.size());
        std::memcpy(static_cast<void*>(target.data()), source.data(), source.size() * sizeof(Candle));
        benchmark::DoNotOptimize(target.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(source.size()));
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(source.size() * sizeof(Candle)));
}
BENCHMARK(BM_MemcpyCandlesIntoNewVector)->Unit(benchmark::kMillisecond);

void BM_Aggregate1m(benchmark::State& state, Interval to) {
    const auto& source = minutes();
    cpc::market::AggregateOptions options;
    options.anchor3dMs = *cpc::parseUtc("2017-08-17");
    std::size_t buckets = 0;
    for (auto _ : state) {
        auto out = cpc::market::aggregate(source, Interval::M1, to, options);
        buckets = out.size();
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(source.size()));
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(source.size() * sizeof(Candle)));
    state.counters["buckets"] = static_cast<double>(buckets);
}

// The same into one reused output buffer (aggregateInto), as the memcpy above copies into an
// already-allocated target: this measures the aggregation, not the kernel's first touch of pages.
void BM_AggregateInto1m(benchmark::State& state, Interval to) {
    const auto& source = minutes();
    cpc::market::AggregateOptions options;
    options.anchor3dMs = *cpc::parseUtc("2017-08-17");
    std::vector<Candle> out;
    cpc::market::aggregateInto(source, Interval::M1, to, out, options);  // faults the buffer in once
    for (auto _ : state) {
        cpc::market::aggregateInto(source, Interval::M1, to, out, options);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(source.size()));
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(source.size() * sizeof(Candle)));
    state.counters["buckets"] = static_cast<double>(out.size());
}

const bool kRegistered = [] {
    for (Interval to : cpc::kAllIntervals) {
        if (to == Interval::S1 || to == Interval::M1) continue;
        benchmark::RegisterBenchmark(("BM_Aggregate1m/to:" + std::string(cpc::toString(to))).c_str(),
                                     BM_Aggregate1m, to)
            ->Unit(benchmark::kMillisecond);
    }
    for (Interval to : cpc::kAllIntervals) {
        if (to == Interval::S1 || to == Interval::M1) continue;
        benchmark::RegisterBenchmark(("BM_AggregateInto1m/to:" + std::string(cpc::toString(to))).c_str(),
                                     BM_AggregateInto1m, to)
            ->Unit(benchmark::kMillisecond);
    }
    return true;
}();

}  // namespace
