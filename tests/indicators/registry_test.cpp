#include <gtest/gtest.h>

#include <cmath>

#include "cpc/indicators/registry.hpp"

namespace cpc::indicators {
namespace {

TEST(Registry, HasAtLeast74IndicatorsEachCreatableWithDefaults) {
    const auto& all = allIndicators();
    EXPECT_GE(all.size(), 74u);
    for (const auto* info : all) {
        auto ind = create(info->name);
        ASSERT_TRUE(ind.ok()) << info->name << ": " << ind.error().message;
        EXPECT_EQ((*ind)->outputCount(), info->outputs.size());
        EXPECT_FALSE(info->inputs.empty()) << info->name;
        EXPECT_FALSE(info->title.empty()) << info->name;
        for (const auto& p : info->params) {
            EXPECT_LE(p.minValue, p.defaultValue) << info->name << "." << p.name;
            EXPECT_GE(p.maxValue, p.defaultValue) << info->name << "." << p.name;
        }
    }
}

TEST(Registry, UsesTalibNamesDefaultsAndOutputs) {
    const auto* macd = findIndicator("macd");
    ASSERT_NE(macd, nullptr);
    EXPECT_EQ(describe(*macd), "MACD(fastperiod=12, slowperiod=26, signalperiod=9) -> macd, macdsignal, macdhist");
    const auto* bb = findIndicator("BBANDS");
    ASSERT_NE(bb, nullptr);
    EXPECT_EQ(describe(*bb), "BBANDS(timeperiod=5, nbdevup=2, nbdevdn=2, matype=0) -> upperband, middleband, lowerband");
    EXPECT_EQ(bb->placement, Placement::Overlay);
    const auto* stoch = findIndicator("STOCH");
    ASSERT_NE(stoch, nullptr);
    EXPECT_EQ(describe(*stoch),
              "STOCH(fastk_period=5, slowk_period=3, slowk_matype=0, slowd_period=3, slowd_matype=0) -> slowk, slowd");
    EXPECT_EQ(findIndicator("RSI")->placement, Placement::Pane);
    EXPECT_EQ(findIndicator("RSI")->group, IndicatorGroup::Momentum);
    EXPECT_EQ(findIndicator("VWAP")->group, IndicatorGroup::ChartStudy);
    EXPECT_TRUE(findIndicator("MAXINDEX")->outputs[0].isIndex);
}

TEST(Registry, UnknownNameListsWhatIsAccepted) {
    auto r = create("SMAA");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("unknown indicator 'SMAA'"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("SMA, STDDEV"), std::string::npos) << r.error().message;
}

TEST(Registry, BadParametersSayWhatIsAccepted) {
    auto tooMany = create("RSI", {14, 3});
    ASSERT_FALSE(tooMany.ok());
    EXPECT_EQ(tooMany.error().message, "RSI takes at most 1 parameter (timeperiod), got 2");

    auto range = create("SMA", {1});
    ASSERT_FALSE(range.ok());
    EXPECT_EQ(range.error().message, "SMA: timeperiod must be an integer in [2, 100000] (number of bars), got 1");

    auto fraction = create("EMA", {2.5});
    ASSERT_FALSE(fraction.ok());
    EXPECT_NE(fraction.error().message.find("must be an integer"), std::string::npos);

    auto nan = create("BBANDS", {20, std::nan("")});
    ASSERT_FALSE(nan.ok());
    EXPECT_NE(nan.error().message.find("nbdevup must be a number"), std::string::npos) << nan.error().message;

    auto badType = create("MA", {30, 9});  // 7 (MAMA) is accepted; 0..8 are TA-Lib's types
    ASSERT_FALSE(badType.ok());
    EXPECT_NE(badType.error().message.find("matype"), std::string::npos) << badType.error().message;
    for (const char* name : {"MA", "BBANDS", "MACDEXT", "STOCH", "STOCHF", "STOCHRSI", "APO", "PPO"}) {
        const auto info = findIndicator(name);
        ASSERT_TRUE(info) << name;
        std::vector<NamedParam> params;
        for (const auto& p : info->params)
            if (p.name.find("matype") != std::string::npos) params.push_back({p.name, 7});
        ASSERT_FALSE(params.empty()) << name;
        auto withMama = create(name, std::span<const NamedParam>(params));
        EXPECT_TRUE(withMama.ok()) << name << ": " << (withMama.ok() ? "" : withMama.error().message);
    }

    const std::vector<NamedParam> wrong{{"period", 20}};
    auto named = create("SMA", std::span<const NamedParam>(wrong));
    ASSERT_FALSE(named.ok());
    EXPECT_EQ(named.error().message, "SMA has no parameter 'period'; accepted: timeperiod");
}

TEST(Registry, NamedParametersAndSpecsFillDefaults) {
    auto bb = create("BBANDS", {{"timeperiod", 20}, {"NBDEVDN", 1.5}});
    ASSERT_TRUE(bb.ok()) << bb.error().message;
    const std::vector<double> expected{20, 2, 1.5, 0};
    EXPECT_EQ(std::vector<double>((*bb)->params().begin(), (*bb)->params().end()), expected);

    auto spec = createFromSpec(" macd ( 5 , 35 ) ");
    ASSERT_TRUE(spec.ok()) << spec.error().message;
    EXPECT_EQ((*spec)->info().name, "MACD");
    EXPECT_EQ((*spec)->params()[2], 9);

    auto namedSpec = createFromSpec("STOCH(fastk_period=14,slowk_period=1)");
    ASSERT_TRUE(namedSpec.ok()) << namedSpec.error().message;
    EXPECT_EQ((*namedSpec)->params()[0], 14);

    auto bad = createFromSpec("RSI(fourteen)");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("'fourteen' is not a number"), std::string::npos) << bad.error().message;
    EXPECT_FALSE(createFromSpec("RSI(14").ok());
    EXPECT_FALSE(createFromSpec("(14)").ok());
    EXPECT_FALSE(createFromSpec("MACD(12,slowperiod=26)").ok());
}

}  // namespace
}  // namespace cpc::indicators
