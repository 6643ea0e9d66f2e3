#include <gtest/gtest.h>

#include "cpc/market/validation.hpp"
#include "market_test_util.hpp"

using namespace cpc;
using cpc::test::makeCandle;

TEST(Validation, AcceptsSoundCandles) {
    EXPECT_FALSE(market::validateCandle(makeCandle(0, 1, 2, 0.5, 1.5, 3)));
}

TEST(Validation, NamesWhatIsWrong) {
    auto e = market::validateCandle(makeCandle(0, 1, 2, 0.5, 3, 3));
    ASSERT_TRUE(e);
    EXPECT_NE(e->find("open/close outside"), std::string::npos);
    auto c = makeCandle(0, 1, 2, 0.5, 1.5, 3);
    c.takerBuyBase = *Decimal::parse("4");
    EXPECT_TRUE(market::validateCandle(c));
    EXPECT_TRUE(market::validateAlignment(makeCandle(1'518'168'494'789, 1, 1, 1, 1, 1), Interval::M1));
}

TEST(Validation, SeriesMustBeStrictlyIncreasing) {
    std::vector<Candle> s = {makeCandle(60'000, 1, 1, 1, 1, 1), makeCandle(60'000, 1, 1, 1, 1, 1)};
    auto e = market::validateSeries(s, Interval::M1);
    ASSERT_TRUE(e);
    EXPECT_NE(e->find("increasing"), std::string::npos);
}
