// Numerical care: scale invariance on tiny prices, huge volumes, no drift in rolling sums over long
// series, exact zeros on flat windows, and our variance against an exact two-pass computation.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "cpc/indicators/registry.hpp"
#include "csv_table.hpp"
#include "random_bars.hpp"

namespace cpc::indicators {
namespace {

// How each output scales when every price is multiplied by s (volume unchanged): s^exponent.
// Indicators not listed do not scale simply: LINEARREG_ANGLE (atan of a slope).
const std::map<std::string, int>& priceExponents() {
    static const std::map<std::string, int> m = {
        {"SMA", 1}, {"EMA", 1}, {"WMA", 1}, {"DEMA", 1}, {"TEMA", 1}, {"TRIMA", 1}, {"KAMA", 1}, {"MA", 1},
        {"T3", 1}, {"BBANDS", 1}, {"SAR", 1}, {"SAREXT", 1}, {"MIDPOINT", 1}, {"MIDPRICE", 1}, {"ACCBANDS", 1},
        {"APO", 1}, {"MACD", 1}, {"MACDEXT", 1}, {"MACDFIX", 1}, {"MOM", 1}, {"PLUS_DM", 1}, {"MINUS_DM", 1},
        {"ATR", 1}, {"TRANGE", 1}, {"AVGPRICE", 1}, {"MEDPRICE", 1}, {"TYPPRICE", 1}, {"WCLPRICE", 1},
        {"STDDEV", 1}, {"AVGDEV", 1}, {"LINEARREG", 1}, {"LINEARREG_SLOPE", 1}, {"LINEARREG_INTERCEPT", 1},
        {"TSF", 1}, {"MAX", 1}, {"MIN", 1}, {"SUM", 1}, {"MINMAX", 1}, {"VWAP", 1}, {"ICHIMOKU", 1},
        {"KELTNER", 1}, {"DONCHIAN", 1}, {"PIVOTS", 1}, {"VAR", 2},
        {"ADX", 0}, {"ADXR", 0}, {"DX", 0}, {"PLUS_DI", 0}, {"MINUS_DI", 0}, {"AROON", 0}, {"AROONOSC", 0},
        {"BOP", 0}, {"CCI", 0}, {"CMO", 0}, {"MFI", 0}, {"PPO", 0}, {"ROC", 0}, {"ROCP", 0}, {"ROCR", 0},
        {"ROCR100", 0}, {"RSI", 0}, {"STOCH", 0}, {"STOCHF", 0}, {"STOCHRSI", 0}, {"TRIX", 0}, {"ULTOSC", 0},
        {"WILLR", 0}, {"IMI", 0}, {"NATR", 0}, {"AD", 0}, {"ADOSC", 0}, {"OBV", 0}, {"BETA", 0}, {"CORREL", 0},
        {"CHOP", 0}, {"CVD", 0}, {"MAXINDEX", 0}, {"MININDEX", 0}, {"MINMAXINDEX", 0},
        {"MAMA", 1}, {"HT_TRENDLINE", 1}, {"HT_PHASOR", 1},
        {"HT_DCPERIOD", 0}, {"HT_DCPHASE", 0}, {"HT_SINE", 0}, {"HT_TRENDMODE", 0},
    };
    return m;
}

// Every row: |scaled - s^e * base| <= 1e-9 * max|s^e * base| over the column (a column-relative
// bound: differences such as MACD cross zero, where a row-relative bound means nothing).
void expectScaled(const Indicator& base, const Indicator& scaled, double factor, const std::string& what) {
    for (std::size_t k = 0; k < base.outputCount(); ++k) {
        if (what == "SUPERTREND" && k == 1) continue;
        const auto b = base.output(k);
        const auto s = scaled.output(k);
        double magnitude = 0;
        for (double v : b) {
            if (!std::isnan(v)) magnitude = std::max(magnitude, std::fabs(v * factor));
        }
        int failures = 0;
        for (std::size_t i = 0; i < b.size() && failures < 3; ++i) {
            if (std::isnan(b[i]) != std::isnan(s[i])) {
                ADD_FAILURE() << what << " row " << i << ": NaN in one run only";
                ++failures;
            } else if (!std::isnan(b[i]) && std::fabs(s[i] - b[i] * factor) > 1e-9 * magnitude) {
                ADD_FAILURE() << what << "." << base.info().outputs[k].name << " row " << i << ": " << s[i]
                              << " vs " << b[i] * factor;
                ++failures;
            }
        }
    }
}

TEST(Numerics, PricesTimesOneMillionthScaleEveryIndicatorAccordingly) {
    const auto bars = test::randomBars(600, 11, 50'000.0);
    auto tiny = bars;
    for (Bar& b : tiny) {
        b.open *= 1e-6;
        b.high *= 1e-6;
        b.low *= 1e-6;
        b.close *= 1e-6;
    }
    std::size_t checked = 0;
    for (const auto& name : indicatorNames()) {
        const auto it = priceExponents().find(name);
        if (it == priceExponents().end()) {
            EXPECT_TRUE(name == "LINEARREG_ANGLE" || name == "SUPERTREND") << name << " has no scaling rule";
            if (name != "SUPERTREND") continue;
        }
        // Over a flat window (randomBars has 20-bar flat stretches) the phase angles TA-Lib computes
        // are angles of rounding noise: MAMA's atan(Q1/I1) of a detrended constant (the running WMA
        // sums wobble in the last bit), and the dominant-cycle phase, one DFT term of a constant over
        // a whole period. Their values there depend on the scale. We keep TA-Lib's arithmetic (the
        // fixtures match it bit for bit); HilbertPhaseFunctionsScaleOnAMovingMarket checks these four
        // on real data, where the angles are well defined.
        if (name == "MAMA" || name == "HT_DCPHASE" || name == "HT_SINE" || name == "HT_TRENDMODE") continue;
        const int exponent = it == priceExponents().end() ? 1 : it->second;
        auto a = create(name);
        auto b = create(name);
        ASSERT_TRUE(a.ok() && b.ok());
        (*a)->computeAll(bars);
        (*b)->computeAll(tiny);
        expectScaled(**a, **b, std::pow(1e-6, exponent), name);
        ++checked;
    }
    EXPECT_GE(checked, 78u);
}

TEST(Numerics, HilbertPhaseFunctionsScaleOnAMovingMarket) {
    // BTCUSDT 1h has no flat window: there the phase, sine and trend mode are scale-free.
    const auto bars = test::barsOf(test::loadCsv("indicators/btcusdt-1h.csv"));
    ASSERT_EQ(bars.size(), 744u);
    auto tiny = bars;
    for (Bar& b : tiny) {
        b.open *= 1e-6;
        b.high *= 1e-6;
        b.low *= 1e-6;
        b.close *= 1e-6;
    }
    for (const char* name : {"MAMA", "HT_TRENDLINE", "HT_PHASOR", "HT_DCPERIOD", "HT_DCPHASE", "HT_SINE", "HT_TRENDMODE"}) {
        auto a = create(name);
        auto b = create(name);
        ASSERT_TRUE(a.ok() && b.ok());
        (*a)->computeAll(bars);
        (*b)->computeAll(tiny);
        expectScaled(**a, **b, std::pow(1e-6, priceExponents().at(name)), name);
    }
}

TEST(Numerics, HugeVolumesScaleVolumeIndicators) {
    const auto bars = test::randomBars(400, 5);
    auto huge = bars;
    for (Bar& b : huge) b.volume *= 1e9;
    for (const auto& [name, factor] : std::vector<std::pair<std::string, double>>{
             {"AD", 1e9}, {"ADOSC", 1e9}, {"OBV", 1e9}, {"MFI", 1.0}, {"VWAP", 1.0}}) {
        auto a = create(name);
        auto b = create(name);
        ASSERT_TRUE(a.ok() && b.ok());
        (*a)->computeAll(bars);
        (*b)->computeAll(huge);
        expectScaled(**a, **b, factor, name);
    }
}

TEST(Numerics, TinyPricesKeepRsiAndStddevAliveWhereTalibThresholdsWouldZeroThem) {
    auto bars = test::randomBars(200, 8, 2e-6);
    auto rsi = create("RSI");
    auto sd = create("STDDEV");
    ASSERT_TRUE(rsi.ok() && sd.ok());
    (*rsi)->computeAll(bars);
    (*sd)->computeAll(bars);
    int alive = 0;
    for (std::size_t i = 20; i < bars.size(); ++i) {
        const double r = (*rsi)->value(0, i);
        if (r > 0.0 && r < 100.0) ++alive;
        EXPECT_GE((*sd)->value(0, i), 0.0);
    }
    EXPECT_GT(alive, 100);
}

TEST(Numerics, RollingSumsDoNotDriftOverMillionsOfBarsAcrossPriceRegimes) {
    // 400k bars at ~1e5, then 100k bars at ~1e-3: a plain running sum would keep an error of
    // ~1e-11 absolute (1e5 * eps * sqrt(n)), i.e. 1e-8 relative to the new prices.
    auto bars = test::randomBars(400'000, 21, 100'000.0);
    const auto cheap = test::randomBars(100'000, 22, 0.001);
    for (Bar b : cheap) {
        b.time += bars.back().time;
        bars.push_back(b);
    }
    auto sma = create("SMA", {20});
    auto sum = create("SUM", {20});
    auto bb = create("BBANDS", {20, 2, 2, 0});
    ASSERT_TRUE(sma.ok() && sum.ok() && bb.ok());
    (*sma)->computeAll(bars);
    (*sum)->computeAll(bars);
    (*bb)->computeAll(bars);
    for (std::size_t i = bars.size() - 5; i < bars.size(); ++i) {
        long double exact = 0;
        for (std::size_t j = i - 19; j <= i; ++j) exact += bars[j].close;
        const double mean = static_cast<double>(exact / 20);
        long double sq = 0;
        for (std::size_t j = i - 19; j <= i; ++j) sq += (bars[j].close - exact / 20) * (bars[j].close - exact / 20);
        const double sd = std::sqrt(static_cast<double>(sq / 20));
        EXPECT_NEAR((*sum)->value(0, i), static_cast<double>(exact), 1e-13 * static_cast<double>(exact));
        EXPECT_NEAR((*sma)->value(0, i), mean, 1e-13 * mean);
        EXPECT_NEAR((*bb)->value(0, i), mean + 2 * sd, 1e-12 * mean);
    }
}

TEST(Numerics, FlatWindowsGiveExactZeros) {
    std::vector<Bar> bars;
    for (int i = 0; i < 60; ++i) {
        const double p = i < 20 ? 100.0 + i : 0.12345678;  // then 40 identical bars
        bars.push_back(Bar{3.6e6 * i, p, p, p, p, 1.0});
    }
    for (const auto& [name, expected] : std::vector<std::pair<std::string, double>>{
             {"STDDEV", 0.0}, {"VAR", 0.0}, {"LINEARREG_SLOPE", 0.0}, {"MOM", 0.0}, {"TRANGE", 0.0}, {"CCI", 0.0},
             {"WILLR", 0.0}, {"STOCHF", 0.0}, {"CORREL", 0.0}}) {
        auto ind = create(name);
        ASSERT_TRUE(ind.ok());
        (*ind)->computeAll(bars);
        EXPECT_EQ((*ind)->value(0, 59), expected) << name;
    }
    auto kama = create("KAMA", {10});
    ASSERT_TRUE(kama.ok());
    (*kama)->computeAll(bars);
    EXPECT_TRUE(std::isfinite((*kama)->value(0, 59)));
}

TEST(Numerics, VarianceMatchesExactTwoPassOnBtc) {
    const auto bars = test::barsOf(test::loadCsv("indicators/btcusdt-1h.csv"));
    for (int period : {5, 20}) {
        auto var = create("VAR", {static_cast<double>(period)});
        ASSERT_TRUE(var.ok());
        (*var)->computeAll(bars);
        for (std::size_t i = static_cast<std::size_t>(period) - 1; i < bars.size(); ++i) {
            long double mean = 0;
            for (std::size_t j = i + 1 - static_cast<std::size_t>(period); j <= i; ++j) mean += bars[j].close;
            mean /= period;
            long double sq = 0;
            for (std::size_t j = i + 1 - static_cast<std::size_t>(period); j <= i; ++j) {
                sq += (bars[j].close - mean) * (bars[j].close - mean);
            }
            const double exact = static_cast<double>(sq / period);
            ASSERT_NEAR((*var)->value(0, i), exact, 1e-12 * exact + 1e-18) << "period " << period << " row " << i;
        }
    }
}

}  // namespace
}  // namespace cpc::indicators
