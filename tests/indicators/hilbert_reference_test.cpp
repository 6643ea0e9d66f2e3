// MAMA and the Hilbert-transform cycle functions against TA-Lib 0.6.0-dev's own output
// (tests/fixtures/indicators/talib_hilbert_gen.c): every column, every row TA-Lib defines, and NaN
// exactly on TA-Lib's look-back rows. Two series: BTCUSDT 1h (the project's reference input) and a
// synthetic ~2.5e-6-priced cycle with a drifting period and flat stretches that no other fixture has.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "cpc/indicators/registry.hpp"
#include "csv_table.hpp"
#include "random_bars.hpp"

namespace cpc::indicators {
namespace {

using test::CsvTable;

struct Column {
    std::string header;
    std::string indicator;
    std::vector<double> params;
    std::string output;
};

// "FUNC_p1_p2[.output]" with FUNC a registered name (HT_* names contain '_' themselves).
bool parseColumn(const std::string& header, Column& out) {
    std::string name = header;
    std::string output;
    if (const auto dot = header.rfind('.');
        dot != std::string::npos && dot + 1 < header.size() && std::isalpha(static_cast<unsigned char>(header[dot + 1]))) {
        name = header.substr(0, dot);
        output = header.substr(dot + 1);
    }
    std::vector<std::string> tokens;
    std::istringstream in(name);
    for (std::string tok; std::getline(in, tok, '_');) tokens.push_back(tok);
    for (std::size_t k = tokens.size(); k > 0; --k) {
        std::string fn;
        for (std::size_t j = 0; j < k; ++j) fn += (j ? "_" : "") + tokens[j];
        if (const auto* info = findIndicator(fn)) {
            out.header = header;
            out.indicator = fn;
            out.params.clear();
            for (std::size_t j = k; j < tokens.size(); ++j) out.params.push_back(std::stod(tokens[j]));
            out.output = output.empty() ? info->outputs.front().name : output;
            return true;
        }
    }
    return false;
}

// 1e-9 relative to the value, or to a floor where the value crosses zero: the phasor components are
// detrended price (floor 1e-3 x close, i.e. 1e-12 of the price), periods, phases and sines are
// dimensionless (floor 1); MAMA/FAMA and the trendline are prices (no floor); the trend mode is 0/1
// and must be equal.
bool matches(const Column& c, double ours, double talib, double close) {
    if (c.indicator == "HT_TRENDMODE") return ours == talib;
    double floor = 0.0;
    if (c.indicator == "HT_PHASOR") floor = 1e-3 * std::fabs(close);
    if (c.indicator == "HT_DCPERIOD" || c.indicator == "HT_DCPHASE" || c.indicator == "HT_SINE") floor = 1.0;
    return std::fabs(ours - talib) <= 1e-9 * std::max(std::fabs(talib), floor);
}

struct Checked {
    std::size_t rows = 0;
    std::size_t bitwise = 0;
};

Checked checkColumn(const CsvTable& table, const std::vector<Bar>& bars, const Column& c) {
    SCOPED_TRACE(c.header);
    Checked result;
    auto made = create(c.indicator, std::span<const double>(c.params));
    if (!made) {
        ADD_FAILURE() << made.error().message;
        return result;
    }
    Indicator& ind = **made;
    ind.computeAll(bars);
    const auto out = ind.outputIndex(c.output);
    if (!out) {
        ADD_FAILURE() << c.indicator << " has no output " << c.output;
        return result;
    }
    const auto& expected = table.at(c.header);
    const auto ours = ind.output(*out);
    EXPECT_EQ(ours.size(), expected.size());
    int failures = 0;
    for (std::size_t i = 0; i < expected.size() && i < ours.size() && failures < 5; ++i) {
        if (std::isnan(expected[i])) {
            if (!std::isnan(ours[i])) {
                ADD_FAILURE() << "row " << i << ": TA-Lib is in its look-back but we have " << ours[i];
                ++failures;
            }
            continue;
        }
        ++result.rows;
        if (ours[i] == expected[i]) ++result.bitwise;
        if (!matches(c, ours[i], expected[i], bars[i].close)) {
            ADD_FAILURE() << "row " << i << ": ours " << ours[i] << " TA-Lib " << expected[i];
            ++failures;
        }
    }
    return result;
}

void checkFixture(const std::string& file, std::size_t expectedBars) {
    const CsvTable table = test::loadCsv(file);
    const auto bars = test::barsOf(table);
    ASSERT_EQ(bars.size(), expectedBars);
    std::set<std::string> functions;
    for (std::size_t k = 6; k < table.header.size(); ++k) {
        Column c;
        ASSERT_TRUE(parseColumn(table.header[k], c)) << "fixture column of no registered indicator: " << table.header[k];
        const Checked checked = checkColumn(table, bars, c);
        const std::size_t lookback = c.indicator == "MAMA" || c.indicator == "HT_DCPERIOD" || c.indicator == "HT_PHASOR" ? 32 : 63;
        // TA-Lib defines every row from its look-back on, and we compared each of them.
        EXPECT_EQ(checked.rows, expectedBars - lookback) << c.header;
        // Same operations in the same order as TA-Lib's C, so with the same libm every row is the same
        // double; the contract is 1e-9 (a different libm may round sin/atan differently), so the
        // count is recorded, not asserted.
        ::testing::Test::RecordProperty(c.header + " bitwise rows", std::to_string(checked.bitwise) + " of " + std::to_string(checked.rows));
        functions.insert(c.indicator);
    }
    EXPECT_EQ(functions, (std::set<std::string>{"MAMA", "HT_DCPERIOD", "HT_DCPHASE", "HT_PHASOR", "HT_SINE",
                                                "HT_TRENDLINE", "HT_TRENDMODE"}));
}

TEST(HilbertReference, EveryColumnMatchesTalibOnBtcusdt) {
    checkFixture("indicators/talib-0.6.0-dev_hilbert_BTCUSDT-1h-2025-01.csv", 744);
}

TEST(HilbertReference, EveryColumnMatchesTalibOnATinyPricedDriftingCycle) {
    checkFixture("indicators/talib-0.6.0-dev_hilbert_synthetic-cycles.csv", 1000);
}

TEST(HilbertReference, DominantCyclePeriodFollowsTheSyntheticCycle) {
    // The synthetic series' cycle lengthens from 12 to 40 bars: HT_DCPERIOD must see it (a check on
    // the meaning of the output, independent of the reference values).
    const CsvTable table = test::loadCsv("indicators/talib-0.6.0-dev_hilbert_synthetic-cycles.csv");
    const auto bars = test::barsOf(table);
    auto period = create("HT_DCPERIOD");
    ASSERT_TRUE(period.ok());
    (*period)->computeAll(bars);
    const auto trueLength = [&](std::size_t i) { return 12.0 + 28.0 * static_cast<double>(i) / (bars.size() - 1.0); };
    for (std::size_t i : {200u, 500u, 900u}) {
        const double got = (*period)->value(0, i);
        EXPECT_NEAR(got, trueLength(i), 0.25 * trueLength(i)) << "bar " << i;
    }
}

TEST(HilbertReference, RegisteredWithTalibNamesParametersAndOutputs) {
    const auto outputsOf = [](const char* name) {
        std::vector<std::string> names;
        for (const auto& o : findIndicator(name)->outputs) names.push_back(o.name);
        return names;
    };
    for (const char* name : {"MAMA", "HT_DCPERIOD", "HT_DCPHASE", "HT_PHASOR", "HT_SINE", "HT_TRENDLINE", "HT_TRENDMODE"}) {
        ASSERT_NE(findIndicator(name), nullptr) << name;
        EXPECT_EQ(findIndicator(name)->inputs, std::vector<std::string>{"close"}) << name;
    }
    EXPECT_EQ(describe(*findIndicator("MAMA")), "MAMA(fastlimit=0.5, slowlimit=0.05) -> mama, fama");
    EXPECT_EQ(outputsOf("HT_PHASOR"), (std::vector<std::string>{"inphase", "quadrature"}));
    EXPECT_EQ(outputsOf("HT_SINE"), (std::vector<std::string>{"sine", "leadsine"}));
    EXPECT_EQ(outputsOf("HT_TRENDMODE"), std::vector<std::string>{"integer"});
    EXPECT_TRUE(findIndicator("HT_DCPERIOD")->params.empty());
    EXPECT_EQ(findIndicator("MAMA")->group, IndicatorGroup::Overlap);
    EXPECT_EQ(findIndicator("HT_TRENDLINE")->placement, Placement::Overlay);
    EXPECT_EQ(findIndicator("HT_SINE")->group, IndicatorGroup::Cycle);
    EXPECT_EQ(findIndicator("HT_SINE")->placement, Placement::Pane);
    EXPECT_EQ(toString(IndicatorGroup::Cycle), "Cycle Indicators");
    // TA-Lib accepts limits in [0.01, 0.99].
    EXPECT_TRUE(create("MAMA", {0.01, 0.99}).ok());
    EXPECT_FALSE(create("MAMA", {1.0, 0.05}).ok());
    EXPECT_FALSE(create("MAMA", {0.5, 0.005}).ok());
    EXPECT_FALSE(create("HT_SINE", {1.0}).ok());
}

TEST(HilbertReference, LookbackRowsAreNaNAndTheFirstValueComesAtTalibsLookback) {
    const auto bars = test::randomBars(70, 5);
    for (const auto& [name, lookback] : std::vector<std::pair<std::string, std::size_t>>{
             {"MAMA", 32}, {"HT_DCPERIOD", 32}, {"HT_PHASOR", 32}, {"HT_DCPHASE", 63},
             {"HT_SINE", 63}, {"HT_TRENDLINE", 63}, {"HT_TRENDMODE", 63}}) {
        auto ind = create(name);
        ASSERT_TRUE(ind.ok());
        (*ind)->computeAll(bars);
        for (std::size_t k = 0; k < (*ind)->outputCount(); ++k) {
            for (std::size_t i = 0; i < lookback; ++i) EXPECT_TRUE(std::isnan((*ind)->value(k, i))) << name << " row " << i;
            for (std::size_t i = lookback; i < bars.size(); ++i) EXPECT_TRUE(std::isfinite((*ind)->value(k, i))) << name << " row " << i;
        }
    }
}

TEST(HilbertReference, RevisingTheFormingBarOfTheFixtureEqualsBatchBitwise) {
    // The real series, fed live: every bar first arrives as two provisional ticks, then final.
    const CsvTable table = test::loadCsv("indicators/talib-0.6.0-dev_hilbert_BTCUSDT-1h-2025-01.csv");
    const auto bars = test::barsOf(table);
    for (const char* name : {"MAMA", "HT_DCPERIOD", "HT_DCPHASE", "HT_PHASOR", "HT_SINE", "HT_TRENDLINE", "HT_TRENDMODE"}) {
        auto live = create(name);
        auto batch = create(name);
        ASSERT_TRUE(live.ok() && batch.ok());
        for (const Bar& b : bars) {
            Bar tick = b;
            tick.close = b.open;
            (*live)->update(tick, true);
            tick.close = b.high;
            (*live)->update(tick, false);
            (*live)->update(b, false);
        }
        (*batch)->computeAll(bars);
        ASSERT_EQ((*live)->size(), (*batch)->size());
        for (std::size_t k = 0; k < (*batch)->outputCount(); ++k) {
            const auto x = (*live)->output(k);
            const auto y = (*batch)->output(k);
            for (std::size_t i = 0; i < y.size(); ++i) {
                ASSERT_TRUE(test::sameValue(x[i], y[i])) << name << " output " << k << " row " << i;
            }
        }
    }
}

}  // namespace
}  // namespace cpc::indicators
