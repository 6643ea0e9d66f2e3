// Full computation of 20 common indicators over 1,000,000 candles, and the cost of one live tick
// (a forming-candle revision, or a new candle) for the same 20 together.
#include <benchmark/benchmark.h>

#include <cmath>
#include <memory>
#include <random>
#include <vector>

#include "cpc/indicators/registry.hpp"

namespace {

using cpc::indicators::Bar;
using cpc::indicators::Indicator;

const char* const kCommon[] = {
    "SMA(20)", "EMA(20)", "WMA(20)", "DEMA(20)", "TEMA(20)", "BBANDS(20,2,2,0)", "RSI(14)", "MACD(12,26,9)",
    "STOCH(14,3,0,3,0)", "STOCHRSI(14,14,3,0)", "ATR(14)", "ADX(14)", "CCI(20)", "WILLR(14)", "MFI(14)", "OBV",
    "SAR(0.02,0.2)", "VWAP", "SUPERTREND(10,3)", "ICHIMOKU(9,26,52,26)",
};

std::vector<Bar> makeBars(std::size_t n) {
    std::mt19937_64 rng(1);
    std::normal_distribution<double> step(0.0, 0.002);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<Bar> bars(n);
    double close = 60'000.0;
    for (std::size_t i = 0; i < n; ++i) {
        const double open = close;
        close = open * std::exp(step(rng));
        const double high = std::max(open, close) * (1.0 + 0.001 * u(rng));
        const double low = std::min(open, close) * (1.0 - 0.001 * u(rng));
        bars[i] = Bar{60'000.0 * static_cast<double>(i), open, high, low, close, 10.0 + 100.0 * u(rng)};
    }
    return bars;
}

std::vector<std::unique_ptr<Indicator>> makeCommon() {
    std::vector<std::unique_ptr<Indicator>> out;
    for (const char* spec : kCommon) out.push_back(std::move(*cpc::indicators::createFromSpec(spec)));
    return out;
}

void BM_FullCompute20IndicatorsOn1MCandles(benchmark::State& state) {
    const auto bars = makeBars(1'000'000);
    auto indicators = makeCommon();
    for (auto _ : state) {
        for (auto& ind : indicators) ind->computeAll(bars);
        benchmark::DoNotOptimize(indicators.front()->output(0).data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(bars.size()));
    state.counters["candles"] = static_cast<double>(bars.size());
}
BENCHMARK(BM_FullCompute20IndicatorsOn1MCandles)->Unit(benchmark::kMillisecond)->Iterations(3);

// One forming-candle tick: revise the last candle of a 1M-candle history in all 20 indicators.
void BM_Tick20IndicatorsReviseLast(benchmark::State& state) {
    const auto bars = makeBars(1'000'000);
    auto indicators = makeCommon();
    for (auto& ind : indicators) ind->computeAll(bars);
    Bar tick = bars.back();
    std::mt19937_64 rng(2);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    for (auto _ : state) {
        tick.close = bars.back().close * (1.0 + 0.001 * u(rng));
        tick.high = std::max(tick.high, tick.close);
        tick.low = std::min(tick.low, tick.close);
        for (auto& ind : indicators) ind->update(tick, false);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Tick20IndicatorsReviseLast)->Unit(benchmark::kMicrosecond);

// A new candle: append to all 20 indicators (storage grows, so this includes vector growth).
void BM_Tick20IndicatorsAppend(benchmark::State& state) {
    const auto bars = makeBars(1'200'000);
    const std::span<const Bar> all(bars);
    auto indicators = makeCommon();
    for (auto& ind : indicators) ind->computeAll(all.first(1'000'000));
    std::size_t next = 1'000'000;
    for (auto _ : state) {
        if (next == bars.size()) {
            state.PauseTiming();
            for (auto& ind : indicators) ind->computeAll(all.first(1'000'000));
            next = 1'000'000;
            state.ResumeTiming();
        }
        for (auto& ind : indicators) ind->update(bars[next], true);
        ++next;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Tick20IndicatorsAppend)->Unit(benchmark::kMicrosecond);

}  // namespace
