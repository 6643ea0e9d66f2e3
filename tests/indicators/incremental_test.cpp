// Property: for every registered indicator, feeding a series bar by bar, with several revisions of
// each forming bar before its final value, ends with columns bitwise identical to computeAll().
#include <gtest/gtest.h>

#include <random>

#include "cpc/indicators/registry.hpp"
#include "csv_table.hpp"
#include "random_bars.hpp"

namespace cpc::indicators {
namespace {

struct Case {
    std::string name;
    std::vector<double> params;
};

std::vector<Case> allCases() {
    std::vector<Case> cases;
    for (const auto& name : indicatorNames()) cases.push_back({name, {}});
    for (double t : {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0}) cases.push_back({"MA", {30, t}});
    cases.push_back({"MA", {15, 5}});
    cases.push_back({"MACDEXT", {10, 6, 21, 2, 5, 3}});
    cases.push_back({"MACDEXT", {12, 8, 26, 1, 9, 4}});
    cases.push_back({"APO", {12, 26, 1}});
    cases.push_back({"PPO", {5, 20, 6}});
    cases.push_back({"BBANDS", {20, 2, 1.5, 1}});
    cases.push_back({"STOCH", {14, 3, 1, 3, 5}});
    cases.push_back({"STOCHRSI", {14, 14, 3, 8}});
    cases.push_back({"SAREXT", {-105, 0.01, 0.01, 0.02, 0.1, 0.03, 0.03, 0.3}});
    cases.push_back({"ULTOSC", {28, 7, 14}});
    cases.push_back({"ICHIMOKU", {9, 26, 52, 26}});
    // MA type 7 (MAMA) inside the indicators that take an MA type.
    cases.push_back({"BBANDS", {20, 2, 2, 7}});
    cases.push_back({"MACDEXT", {12, 7, 26, 7, 9, 7}});
    cases.push_back({"MACDEXT", {5, 8, 60, 7, 9, 0}});
    cases.push_back({"APO", {12, 26, 7}});
    cases.push_back({"STOCH", {14, 3, 7, 3, 7}});
    cases.push_back({"STOCHF", {5, 3, 7}});
    cases.push_back({"STOCHRSI", {14, 14, 3, 7}});
    cases.push_back({"MAMA", {0.3, 0.02}});
    cases.push_back({"MAMA", {0.99, 0.01}});
    return cases;
}

void expectSameColumns(const Indicator& a, const Indicator& b, const std::string& what) {
    ASSERT_EQ(a.size(), b.size()) << what;
    for (std::size_t k = 0; k < a.outputCount(); ++k) {
        const auto x = a.output(k);
        const auto y = b.output(k);
        for (std::size_t i = 0; i < x.size(); ++i) {
            if (!test::sameValue(x[i], y[i])) {
                ADD_FAILURE() << what << " output " << a.info().outputs[k].name << " row " << i << ": incremental "
                              << x[i] << " batch " << y[i];
                return;
            }
        }
    }
}

TEST(Incremental, RevisionsThenAppendsEqualBatchBitwiseForEveryIndicator) {
    const auto bars = test::randomBars(400, 42);
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<int> revisions(0, 3);
    std::size_t checkedNames = 0;
    for (const auto& c : allCases()) {
        auto incremental = create(c.name, std::span<const double>(c.params));
        auto batch = create(c.name, std::span<const double>(c.params));
        ASSERT_TRUE(incremental.ok() && batch.ok()) << c.name;
        double prevClose = bars.front().open;
        for (const Bar& final : bars) {
            const int n = revisions(rng);
            for (int r = 0; r < n; ++r) {
                // A provisional tick of the forming candle: different prices, same open time.
                const Bar tick = test::randomBar(rng, final.time, prevClose, false);
                (*incremental)->update(tick, r == 0);
            }
            (*incremental)->update(final, n == 0);
            prevClose = final.close;
        }
        (*batch)->computeAll(bars);
        expectSameColumns(**incremental, **batch, c.name);
        ++checkedNames;
    }
    EXPECT_GE(checkedNames, indicatorNames().size());
}

TEST(Incremental, ComputeAllThenUpdatesContinuesExactly) {
    const auto bars = test::randomBars(300, 99);
    const std::span<const Bar> all(bars);
    for (const auto& name : indicatorNames()) {
        auto a = create(name);
        auto b = create(name);
        ASSERT_TRUE(a.ok() && b.ok());
        (*a)->computeAll(all.first(200));
        // Revise the last bar of the batch, then append the rest.
        (*a)->update(bars[199], false);
        for (std::size_t i = 200; i < bars.size(); ++i) (*a)->update(bars[i], true);
        (*b)->computeAll(all);
        expectSameColumns(**a, **b, name);
    }
}

TEST(Incremental, WarmupRowsAreNaNNeverZero) {
    const auto bars = test::randomBars(5, 3);
    auto sma = create("SMA", {30});
    ASSERT_TRUE(sma.ok());
    (*sma)->computeAll(bars);
    for (double v : (*sma)->output(0)) EXPECT_TRUE(std::isnan(v));
    auto macd = create("MACD");
    ASSERT_TRUE(macd.ok());
    (*macd)->computeAll(test::randomBars(60, 3));
    EXPECT_TRUE(std::isnan((*macd)->value(0, 32)));
    EXPECT_FALSE(std::isnan((*macd)->value(0, 33)));
}

}  // namespace
}  // namespace cpc::indicators
