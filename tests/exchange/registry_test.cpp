#include <gtest/gtest.h>

#include "cpc/exchange/registry.hpp"

using namespace cpc;
using namespace cpc::exchange;

TEST(ExchangeRegistry, EveryNameMakesItsAdapterWithProductionTlsEndpoints) {
    const std::vector<std::string> expected{"binance", "bybit", "okx", "kucoin"};
    EXPECT_EQ(adapterNames(), expected);
    for (const auto& name : adapterNames()) {
        auto adapter = makeAdapter(name);
        ASSERT_TRUE(adapter) << adapter.error().message;
        EXPECT_EQ((*adapter)->name(), name);
        EXPECT_TRUE((*adapter)->endpoints().restBase.starts_with("https://")) << name;
        EXPECT_TRUE((*adapter)->endpoints().streamBase.starts_with("wss://")) << name;
        const auto defaults = defaultEndpoints(name);
        ASSERT_TRUE(defaults);
        EXPECT_EQ((*adapter)->endpoints().restBase, defaults->restBase);
    }
    EXPECT_EQ((*makeAdapter("OKX"))->name(), "okx");  // case-insensitive
}

TEST(ExchangeRegistry, OverridesReplaceOnlyTheFieldsGiven) {
    auto a = makeAdapter("bybit", Endpoints{"https://127.0.0.1:8443", ""});
    ASSERT_TRUE(a);
    EXPECT_EQ((*a)->endpoints().restBase, "https://127.0.0.1:8443");
    EXPECT_EQ((*a)->endpoints().streamBase, "wss://stream.bybit.com/v5/public/spot");
    a = makeAdapter("kucoin", Endpoints{"", "wss://127.0.0.1:9443/"});
    ASSERT_TRUE(a);
    EXPECT_EQ((*a)->endpoints().restBase, "https://api.kucoin.com");
    EXPECT_EQ((*a)->endpoints().streamBase, "wss://127.0.0.1:9443/");
}

TEST(ExchangeRegistry, BinanceKeepsItsBehaviourUnderTheNewInterface) {
    auto a = makeAdapter("binance");
    ASSERT_TRUE(a);
    const ExchangeAdapter& b = **a;
    EXPECT_TRUE(b.streamsInUrl());
    EXPECT_FALSE(b.heartbeatMessage(1));
    EXPECT_EQ(b.heartbeatInterval().count(), 0);
    EXPECT_FALSE(b.streamConnectRequest());
    EXPECT_FALSE(b.parseStreamConnect("{}", 200, "x"));
    for (Interval i : kAllIntervals) {
        EXPECT_TRUE(b.isNativeInterval(i));
        EXPECT_EQ(b.nativeSourceInterval(i), i);
    }
    EXPECT_EQ(b.symbolFor("BTC", "USDT"), "BTCUSDT");
    EXPECT_EQ(b.maxStreamsPerSubscribe(), b.maxStreamsPerConnection());
}

TEST(ExchangeRegistry, UnknownNamesListTheAcceptedOnes) {
    for (const char* bad : {"binanse", "", "coinbase"}) {
        auto a = makeAdapter(bad);
        ASSERT_FALSE(a) << bad;
        EXPECT_NE(a.error().message.find(std::string("\"") + bad + "\""), std::string::npos);
        EXPECT_NE(a.error().message.find("accepted are binance, bybit, okx, kucoin"), std::string::npos);
        EXPECT_FALSE(defaultEndpoints(bad));
    }
}
