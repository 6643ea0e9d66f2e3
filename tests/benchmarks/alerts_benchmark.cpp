// Tick → alert decision: 1,000 active alerts over 100 symbols (10 a symbol, every condition kind:
// price cross and level, change in % within 15 minutes, volume spike, RSI level, EMA cross, close
// against a Bollinger band, MACD line against its signal, a trend line, a box), each symbol warmed
// with 1,000 1m bars of the simulator's market. Every iteration is one live kline update of one
// symbol (round robin; 20 revisions of a forming bar, then its close and a new bar) through
// AlertEvaluator::onKline — indicators updated, every alert of the symbol decided. The latency of
// each call is recorded; p50 / p99 / max are reported as counters (issue target: p99 < 1 ms).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "cpc/alerts/evaluator.hpp"
#include "cpc/core/time.hpp"
#include "cpc/sim/market_model.hpp"

using namespace cpc;
using namespace cpc::alerts;

namespace {

constexpr int kSymbols = 100;
constexpr int kWarmBars = 1000;
constexpr int kTicksPerBar = 20;

std::string at(std::int64_t ms) { return std::to_string(ms); }

struct Fixture {
    AlertEvaluator eval;
    std::vector<SeriesKey> keys;
    std::vector<std::vector<Candle>> future;  // per symbol: the bars its ticks come from
    std::vector<std::size_t> next;            // per symbol: the next bar of `future`
    std::vector<Trigger> out;

    Fixture() {
        const sim::MarketModel model(42);
        const std::int64_t listing = *model.firstOpenTime("BTCUSDT", Interval::M1);
        std::int64_t id = 1;
        for (int s = 0; s < kSymbols; ++s) {
            // Each symbol its own stretch of the market (a day apart).
            const std::int64_t from = listing + (3 + s) * kDayMs;
            std::vector<Candle> bars;
            for (std::int64_t t = from; bars.size() < kWarmBars + 400;) {
                auto page = model.klines("BTCUSDT", Interval::M1, t, std::nullopt, 1000, from + 10 * kDayMs);
                if (page.empty()) break;
                t = page.back().openTime + kMinuteMs;
                bars.insert(bars.end(), page.begin(), page.end());
            }
            SeriesKey key{"binance", "SYM" + std::to_string(s) + "USDT", Interval::M1};
            // The symbol's own open times: bar i at T0 + i minutes.
            const std::int64_t t0 = bars.front().openTime;
            const double last = bars[kWarmBars - 1].close.toDouble();
            const std::int64_t now = t0 + kWarmBars * kMinuteMs;
            const std::vector<std::string> conditions{
                "price crosses " + std::to_string(last * 1.001),
                "price > " + std::to_string(last * 1.02),
                "change > 2% in 15m",
                "volume > 3x avg(20)",
                "RSI(14) > 70",
                "EMA(9) crosses EMA(21)",
                "close crosses BBANDS(20,2).upperband",
                "MACD(12,26,9).macd crosses MACD(12,26,9).macdsignal",
                "price crosses trendline(" + std::to_string(last) + "@" + at(now - kHourMs) + ", " +
                    std::to_string(last * 1.01) + "@" + at(now + kDayMs) + ")",
                "price leaves box(" + std::to_string(last * 0.99) + "@" + at(now - kHourMs) + ", " +
                    std::to_string(last * 1.01) + "@" + at(now + kDayMs) + ")",
            };
            for (const auto& text : conditions) {
                Alert a;
                a.id = id++;
                a.key = key;
                a.condition = *parseCondition(text);
                a.frequency = Frequency::EveryTime;
                a.createdMs = now;
                (void)eval.add(a);
            }
            eval.onHistory(key, std::span(bars).first(kWarmBars), now, 0, out);
            keys.push_back(key);
            future.emplace_back(bars.begin() + kWarmBars, bars.end());
            next.push_back(0);
        }
        out.clear();
    }

    // The update number `k` of the current bar of symbol `s`: the forming bar moving from its
    // open towards its close, its high and low growing; the last one closes it.
    exchange::KlineUpdate tick(int s, int k) {
        const Candle& bar = future[s][next[s] % future[s].size()];
        Candle c = bar;
        const double f = static_cast<double>(k + 1) / kTicksPerBar;
        const double open = bar.open.toDouble();
        const double price = open + (bar.close.toDouble() - open) * f;
        c.close = *Decimal::fromDouble(price);
        c.high = *Decimal::fromDouble(std::max(price, open + (bar.high.toDouble() - open) * f));
        c.low = *Decimal::fromDouble(std::min(price, open + (bar.low.toDouble() - open) * f));
        c.volume = *Decimal::fromDouble(bar.volume.toDouble() * f);
        c.closed = k + 1 == kTicksPerBar;
        // Past the end of the stretch: keep going in time with the same shapes.
        c.openTime = bar.openTime + static_cast<std::int64_t>(next[s] / future[s].size()) * 1000 * kMinuteMs;
        return {keys[s], c, c.openTime + (k + 1) * (kMinuteMs / kTicksPerBar) - 1};
    }
};

void BM_TickToDecision_1000Alerts100Symbols(benchmark::State& state) {
    Fixture fx;
    std::vector<double> latencyUs;
    latencyUs.reserve(1 << 20);
    int symbol = 0;
    int k = 0;
    std::uint64_t fired = 0;
    for (auto _ : state) {
        const auto update = fx.tick(symbol, k);
        const auto start = std::chrono::steady_clock::now();
        fx.eval.onKline(update, 0, fx.out);
        const auto end = std::chrono::steady_clock::now();
        latencyUs.push_back(std::chrono::duration<double, std::micro>(end - start).count());
        fired += fx.out.size();
        fx.out.clear();
        if (++symbol == kSymbols) {
            symbol = 0;
            if (++k == kTicksPerBar) {
                k = 0;
                for (auto& n : fx.next) ++n;
            }
        }
    }
    std::sort(latencyUs.begin(), latencyUs.end());
    const auto pct = [&](double p) {
        return latencyUs.empty() ? 0.0 : latencyUs[std::min(latencyUs.size() - 1, static_cast<std::size_t>(p * latencyUs.size()))];
    };
    state.counters["p50_us"] = pct(0.50);
    state.counters["p99_us"] = pct(0.99);
    state.counters["max_us"] = latencyUs.empty() ? 0.0 : latencyUs.back();
    state.counters["triggers"] = static_cast<double>(fired);
    state.counters["alerts"] = static_cast<double>(fx.eval.alertCount());
}
BENCHMARK(BM_TickToDecision_1000Alerts100Symbols)->Iterations(200'000)->Unit(benchmark::kMicrosecond);

}  // namespace
