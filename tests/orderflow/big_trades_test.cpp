// Big trades: kept from the threshold on (value = price × quantity), bounded, bubbles sized by value.
#include <gtest/gtest.h>

#include "cpc/orderflow/big_trades.hpp"

using namespace cpc;

namespace {
Decimal dec(const char* text) { return *Decimal::parse(text); }
}  // namespace

TEST(BigTrades, KeepsTradesFromTheThresholdOnWithTheirAggressor) {
    orderflow::BigTrades big(100'000.0, 3);
    EXPECT_FALSE(big.add(1, dec("50000"), dec("1.99"), false));   // 99,500
    EXPECT_TRUE(big.add(2, dec("50000"), dec("2"), false));       // 100,000: at the threshold
    EXPECT_TRUE(big.add(3, dec("50000"), dec("10"), true));       // an aggressive sell
    ASSERT_EQ(big.size(), 2u);
    EXPECT_EQ(big[0].value, 100'000.0);
    EXPECT_TRUE(big[0].buy);
    EXPECT_FALSE(big[1].buy);
    EXPECT_EQ(big[1].quantity, 10.0);
    big.add(4, dec("50000"), dec("3"), false);
    big.add(5, dec("50000"), dec("4"), false);
    ASSERT_EQ(big.size(), 3u);  // bounded: the oldest went
    EXPECT_EQ(big[0].timeMs, 3);
    big.setMinValue(1'000'000.0);
    EXPECT_FALSE(big.add(6, dec("50000"), dec("4"), false));
}

TEST(BigTrades, BubbleAreaGrowsWithValue) {
    EXPECT_EQ(orderflow::bubbleRadius(100, 100, 4, 30), 4.0);
    EXPECT_EQ(orderflow::bubbleRadius(400, 100, 4, 30), 8.0);  // 4 × the value: 2 × the radius
    EXPECT_EQ(orderflow::bubbleRadius(1e9, 100, 4, 30), 30.0);
}
