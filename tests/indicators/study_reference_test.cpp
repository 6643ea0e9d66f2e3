// talipp / pandas_ta reference files (tests/fixtures/indicators/README.md): the chart studies TA-Lib
// lacks, plus the TA-Lib indicators on which talipp agrees with TA-Lib. Each fixture row must match
// (1e-9 relative, 1e-9 absolute near zero); for the studies, rows before the fixture's first row
// must be NaN in ours.
#include <gtest/gtest.h>

#include <cmath>

#include "cpc/indicators/registry.hpp"
#include "csv_table.hpp"

namespace cpc::indicators {
namespace {

struct Mapping {
    std::string fixtureColumn;
    std::string output;
    int rowShift = 0;  // compare fixture row t with our row t - rowShift
};

class StudyReference : public ::testing::Test {
protected:
    void SetUp() override { m_bars = test::barsOf(test::loadCsv("indicators/btcusdt-1h.csv")); }

    void expectFile(const std::string& file, const std::string& spec, const std::vector<Mapping>& maps,
                    bool warmupIsNaN) {
        SCOPED_TRACE(file);
        const auto table = test::loadCsv("indicators/" + file);
        auto made = createFromSpec(spec);
        ASSERT_TRUE(made.ok()) << made.error().message;
        Indicator& ind = **made;
        ind.computeAll(m_bars);
        ASSERT_GT(table.rows, 600u);
        const auto& times = table.at("open_time");
        for (const auto& m : maps) {
            SCOPED_TRACE(m.fixtureColumn);
            const auto out = ind.outputIndex(m.output);
            ASSERT_TRUE(out.has_value()) << m.output;
            const auto& expected = table.at(m.fixtureColumn);
            int failures = 0;
            for (std::size_t r = 0; r < table.rows && failures < 5; ++r) {
                const std::size_t row = test::rowOfTime(m_bars, times[r]) - static_cast<std::size_t>(m.rowShift);
                const double ours = ind.value(*out, row);
                if (!test::close(ours, expected[r])) {
                    ADD_FAILURE() << "bar " << row << ": ours " << ours << " reference " << expected[r];
                    ++failures;
                }
            }
            if (warmupIsNaN) {
                const std::size_t first = test::rowOfTime(m_bars, times[0]) - static_cast<std::size_t>(m.rowShift);
                for (std::size_t row = 0; row < first; ++row) {
                    EXPECT_TRUE(std::isnan(ind.value(*out, row))) << "warm-up bar " << row;
                }
            }
        }
    }

    std::vector<Bar> m_bars;
};

TEST_F(StudyReference, SuperTrendMatchesTalipp) {
    expectFile("supertrend-10-3.csv", "SUPERTREND(10,3)", {{"value", "supertrend"}}, true);
    const auto table = test::loadCsv("indicators/supertrend-10-3.csv");
    auto st = create("SUPERTREND", {10, 3});
    ASSERT_TRUE(st.ok());
    (*st)->computeAll(m_bars);
    for (std::size_t r = 0; r < table.rows; ++r) {
        const std::size_t row = test::rowOfTime(m_bars, table.at("open_time")[r]);
        EXPECT_EQ((*st)->value(1, row), table.at("is_bullish")[r] == 1.0 ? 1.0 : -1.0) << "bar " << row;
    }
}

TEST_F(StudyReference, IchimokuMatchesTalippWithItsSpanBOffset) {
    // talipp places Senkou A 26 bars ahead but Senkou B 27 bars ahead; ours displaces both by 26
    // (plotOffset), so B is compared one bar further back.
    expectFile("ichimoku-9-26-52-26.csv", "ICHIMOKU(9,26,52,26)",
               {{"tenkan", "tenkan"}, {"kijun", "kijun"}, {"senkou_a", "senkou_a", 26}, {"senkou_b", "senkou_b", 27}},
               false);
    auto ich = create("ICHIMOKU", {9, 26, 52, 26});
    ASSERT_TRUE(ich.ok());
    EXPECT_EQ((*ich)->plotOffset(2), 26);
    EXPECT_EQ((*ich)->plotOffset(3), 26);
    EXPECT_EQ((*ich)->plotOffset(4), -26);
}

TEST_F(StudyReference, KeltnerDonchianChopVwapMatchReferences) {
    expectFile("kc-20-10-1.5.csv", "KELTNER(20,10,1.5)",
               {{"upper", "upperband"}, {"middle", "middleband"}, {"lower", "lowerband"}}, true);
    expectFile("dc-20.csv", "DONCHIAN(20)", {{"upper", "upperband"}, {"middle", "middleband"}, {"lower", "lowerband"}},
               true);
    expectFile("chop-14.csv", "CHOP(14)", {{"expected", "real"}}, true);
    expectFile("vwap-day-hlc3.csv", "VWAP", {{"expected", "vwap"}}, true);
}

TEST_F(StudyReference, TalippAgreesWithOurTalibIndicators) {
    expectFile("sma-20-close.csv", "SMA(20)", {{"expected", "real"}}, true);
    expectFile("ema-20-close.csv", "EMA(20)", {{"expected", "real"}}, true);
    expectFile("rsi-14-close.csv", "RSI(14)", {{"expected", "real"}}, true);
    expectFile("bb-20-2-close.csv", "BBANDS(20,2,2,0)",
               {{"upper", "upperband"}, {"middle", "middleband"}, {"lower", "lowerband"}}, true);
    expectFile("stoch-14-1-3.csv", "STOCH(14,1,0,3,0)", {{"k", "slowk"}, {"d", "slowd"}}, false);
    expectFile("cci-20.csv", "CCI(20)", {{"expected", "real"}}, true);
    expectFile("willr-14.csv", "WILLR(14)", {{"expected", "real"}}, true);
    expectFile("obv-close.csv", "OBV", {{"expected", "real"}}, true);
    expectFile("psar-0.02-0.2.csv", "SAR(0.02,0.2)", {{"sar", "real"}}, true);
}

}  // namespace
}  // namespace cpc::indicators
