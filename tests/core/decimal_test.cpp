#include <gtest/gtest.h>

#include "cpc/core/decimal.hpp"

using cpc::Decimal;

TEST(Decimal, ParsesBinanceStringsExactly) {
    const auto d = Decimal::parse("41732.35000000");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->units(), static_cast<cpc::Int128>(4173235000000LL));
    EXPECT_EQ(d->toString(), "41732.35000000");
    EXPECT_EQ(d->toShortString(), "41732.35");
}

TEST(Decimal, SumsHaveNoBinaryFloatingPointError) {
    const Decimal a = *Decimal::parse("0.1");
    const Decimal b = *Decimal::parse("0.2");
    EXPECT_EQ((a + b).toString(), "0.30000000");
    EXPECT_EQ(a + b, *Decimal::parse("0.3"));
}

TEST(Decimal, HoldsVolumesBeyondInt64Units) {
    const Decimal v = *Decimal::parse("123456789012345.12345678");  // 1.2e22 units
    EXPECT_EQ(v.toString(), "123456789012345.12345678");
    EXPECT_EQ((v + v).toString(), "246913578024690.24691356");
}

TEST(Decimal, RejectsMalformedInputAndSilentRounding) {
    for (const char* bad : {"", "-", ".", "abc", "1e5", "1.2.3", "12a", " 1", "0.000000001"})
        EXPECT_FALSE(Decimal::parse(bad)) << bad;
    EXPECT_TRUE(Decimal::parse("0.100000000000"));  // extra zeros are exact
    EXPECT_EQ(Decimal::parse("-0.5")->toString(), "-0.50000000");
    EXPECT_EQ(Decimal::parse("7")->toString(), "7.00000000");
    EXPECT_EQ(Decimal::parse(".5")->toString(), "0.50000000");
}

TEST(Decimal, ConvertsToAndFromDouble) {
    EXPECT_DOUBLE_EQ(Decimal::parse("42511.1")->toDouble(), 42511.1);
    EXPECT_EQ(Decimal::fromDouble(1.234567891)->toString(), "1.23456789");
    EXPECT_FALSE(Decimal::fromDouble(std::numeric_limits<double>::quiet_NaN()));
    EXPECT_FALSE(Decimal::fromDouble(std::numeric_limits<double>::infinity()));
}
