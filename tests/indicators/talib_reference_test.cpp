// Every column of the TA-Lib fixtures must match our indicator on every row TA-Lib defines (1e-9
// relative, 1e-9 absolute near zero), and our warm-up rows must be NaN exactly where TA-Lib's
// cells are empty.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "cpc/indicators/registry.hpp"
#include "csv_table.hpp"

namespace cpc::indicators {
namespace {

using test::CsvTable;

struct Column {
    std::string fixtureColumn;
    std::string indicator;
    std::vector<double> params;
    std::string output;
};

// Relative 1e-9 (absolute 1e-9 near zero), with two documented allowances for TA-Lib's own
// rounding, which our exact recomputed sums do not share:
//  - outputs that are differences of price-sized averages (MACD, APO, MOM...) near zero: TA-Lib's
//    running sums carry ~1e-14 of the price level, so near zero the bound is 1e-13 x close;
//  - VAR/STDDEV: TA-Lib computes E[x^2] - E[x]^2 on raw BTC prices, losing ~1e-8 relative;
//    the bound is TA-Lib's rounding of E[x^2] (1e-14 x close^2); numerics_test.cpp checks ours
//    against an exact two-pass variance at 1e-12.
bool matches(const Column& c, double ours, double talib, double close) {
    const double noise = 1e-14 * close * close;  // TA-Lib's error in E[x^2] - E[x]^2
    if (c.indicator == "VAR") return std::fabs(ours - talib) <= 1e-9 * std::fabs(talib) + noise;
    if (c.indicator == "STDDEV") {
        const double nbdev = c.params.size() > 1 ? std::fabs(c.params[1]) : 1.0;
        return std::fabs(ours - talib) <= 1e-9 * std::fabs(talib) + nbdev * nbdev * noise / (2 * std::fabs(talib) + 1e-300);
    }
    const double bound = 1e-9 * std::max({1.0, std::fabs(talib), 1e-4 * std::fabs(close)});
    return std::fabs(ours - talib) <= bound;
}

// Compares one column; returns the number of defined rows checked.
std::size_t expectColumnMatches(const CsvTable& table, const std::vector<Bar>& bars, const Column& c) {
    SCOPED_TRACE(c.fixtureColumn);
    auto made = create(c.indicator, std::span<const double>(c.params));
    if (!made) {
        ADD_FAILURE() << made.error().message;
        return 0;
    }
    Indicator& ind = **made;
    ind.computeAll(bars);
    const auto out = ind.outputIndex(c.output);
    if (!out) {
        ADD_FAILURE() << c.indicator << " has no output " << c.output;
        return 0;
    }
    const auto& expected = table.at(c.fixtureColumn);
    const auto ours = ind.output(*out);
    EXPECT_EQ(ours.size(), expected.size());
    std::size_t checked = 0;
    int failures = 0;
    for (std::size_t i = 0; i < expected.size() && i < ours.size() && failures < 5; ++i) {
        if (std::isnan(expected[i])) {
            if (!std::isnan(ours[i])) {
                ADD_FAILURE() << "row " << i << ": TA-Lib is in its look-back but we have " << ours[i];
                ++failures;
            }
            continue;
        }
        ++checked;
        if (!matches(c, ours[i], expected[i], bars[i].close)) {
            ADD_FAILURE() << "row " << i << ": ours " << ours[i] << " TA-Lib " << expected[i];
            ++failures;
        }
    }
    return checked;
}

TEST(TalibReference, EveryColumnOfTheTalibFixtureMatches) {
    const CsvTable table = test::loadCsv("indicators/talib-0.6.0-c_BTCUSDT-1h-2025-01.csv");
    const auto bars = test::barsOf(table);
    ASSERT_EQ(bars.size(), 744u);
    const std::vector<Column> columns = {
        {"sma_20", "SMA", {20}, "real"},
        {"ema_20", "EMA", {20}, "real"},
        {"ema_12", "EMA", {12}, "real"},
        {"ema_26", "EMA", {26}, "real"},
        {"wma_20", "WMA", {20}, "real"},
        {"rsi_14", "RSI", {14}, "real"},
        {"macd_12_26_9", "MACD", {12, 26, 9}, "macd"},
        {"macdsignal_12_26_9", "MACD", {12, 26, 9}, "macdsignal"},
        {"macdhist_12_26_9", "MACD", {12, 26, 9}, "macdhist"},
        {"bb_upper_20_2", "BBANDS", {20, 2, 2, 0}, "upperband"},
        {"bb_middle_20_2", "BBANDS", {20, 2, 2, 0}, "middleband"},
        {"bb_lower_20_2", "BBANDS", {20, 2, 2, 0}, "lowerband"},
        {"stddev_20", "STDDEV", {20, 1}, "real"},
        {"trange", "TRANGE", {}, "real"},
        {"atr_14", "ATR", {14}, "real"},
        {"stoch_k_14_1_3", "STOCH", {14, 1, 0, 3, 0}, "slowk"},
        {"stoch_d_14_1_3", "STOCH", {14, 1, 0, 3, 0}, "slowd"},
        {"stoch_k_14_3_3", "STOCH", {14, 3, 0, 3, 0}, "slowk"},
        {"stoch_d_14_3_3", "STOCH", {14, 3, 0, 3, 0}, "slowd"},
        {"stochrsi_fastk_14_14", "STOCHRSI", {14, 14, 3, 0}, "fastk"},
        {"stochrsi_fastd_14_14_3", "STOCHRSI", {14, 14, 3, 0}, "fastd"},
        {"cci_20", "CCI", {20}, "real"},
        {"willr_14", "WILLR", {14}, "real"},
        {"adx_14", "ADX", {14}, "real"},
        {"plus_di_14", "PLUS_DI", {14}, "real"},
        {"minus_di_14", "MINUS_DI", {14}, "real"},
        {"obv", "OBV", {}, "real"},
        {"sar_0.02_0.2", "SAR", {0.02, 0.2}, "real"},
        {"mfi_14", "MFI", {14}, "real"},
        {"mom_10", "MOM", {10}, "real"},
        {"roc_10", "ROC", {10}, "real"},
    };
    std::set<std::string> covered;
    for (const auto& c : columns) {
        EXPECT_GT(expectColumnMatches(table, bars, c), 600u) << c.fixtureColumn;
        covered.insert(c.fixtureColumn);
    }
    for (const auto& name : table.header) {
        const bool input = name == "open_time" || name == "open" || name == "high" || name == "low" ||
                           name == "close" || name == "volume";
        EXPECT_TRUE(input || covered.count(name)) << "fixture column not checked: " << name;
    }
}

// Column names of the extended fixture: FUNC_p1_p2[.output], FUNC being a registered name.
bool parseExtendedColumn(const std::string& header, Column& out) {
    std::string name = header;
    std::string output;
    if (const auto dot = header.find('.'); dot != std::string::npos) {
        // A dot inside a number ("T3_5_0.7") is not an output separator: outputs start with a letter.
        const auto last = header.rfind('.');
        if (last + 1 < header.size() && std::isalpha(static_cast<unsigned char>(header[last + 1]))) {
            name = header.substr(0, last);
            output = header.substr(last + 1);
        }
    }
    std::vector<std::string> tokens;
    std::istringstream in(name);
    std::string tok;
    while (std::getline(in, tok, '_')) tokens.push_back(tok);
    for (std::size_t k = tokens.size(); k > 0; --k) {
        std::string fn;
        for (std::size_t j = 0; j < k; ++j) fn += (j ? "_" : "") + tokens[j];
        if (const auto* info = findIndicator(fn)) {
            out.fixtureColumn = header;
            out.indicator = fn;
            out.params.clear();
            for (std::size_t j = k; j < tokens.size(); ++j) out.params.push_back(std::stod(tokens[j]));
            out.output = output.empty() ? info->outputs.front().name : output;
            return true;
        }
    }
    return false;
}

TEST(TalibReference, EveryColumnOfTheExtendedTalibFixtureMatches) {
    const CsvTable table = test::loadCsv("indicators/talib-0.6.0-dev_extended_BTCUSDT-1h-2025-01.csv");
    const auto bars = test::barsOf(table);
    ASSERT_EQ(bars.size(), 744u);
    std::set<std::string> functions;
    std::vector<std::string> skipped;
    for (std::size_t k = 6; k < table.header.size(); ++k) {
        Column c;
        if (!parseExtendedColumn(table.header[k], c)) {
            skipped.push_back(table.header[k]);
            continue;
        }
        EXPECT_GT(expectColumnMatches(table, bars, c), 500u) << c.fixtureColumn;
        functions.insert(c.indicator);
    }
    // Every column is a function we provide (HT_TRENDLINE included; the other Hilbert-transform
    // functions and MAMA are checked against their own fixture in hilbert_reference_test.cpp).
    EXPECT_TRUE(skipped.empty()) << "not checked: " << (skipped.empty() ? std::string() : skipped.front());
    EXPECT_TRUE(functions.count("HT_TRENDLINE"));
    EXPECT_GE(functions.size(), 70u);
}

}  // namespace
}  // namespace cpc::indicators
