// The simulator's KuCoin payloads (src/sim/wire_kucoin.cpp): KucoinAdapter reads back what they
// carry, and they have the fields and types of KuCoin's documented examples (tests/fixtures/kucoin):
// seconds in candle rows, nanoseconds in pushes.
#include <gtest/gtest.h>

#include "cpc/exchange/kucoin/kucoin_adapter.hpp"
#include "wire.hpp"
#include "wire_test_util.hpp"

using namespace cpc;
using namespace cpc::exchange;
namespace wire = cpc::sim::wire::kucoin;

TEST(WireKucoin, CandlesReadBackAndHaveKucoinsShape) {
    KucoinAdapter a;
    const auto candles = test::wireCandles(false);
    const std::string answer = wire::candles(candles);
    const HistoryQuery q{"BTC-USDT", Interval::H1, std::nullopt, std::nullopt, 1500};
    auto rows = a.parseHistoryFor(q, answer, 200, test::kWireNow);  // forming row: by the clock
    ASSERT_TRUE(rows) << rows.error().message;
    test::expectSameCandles(*rows, candles, "kucoin");
    test::expectSameShape(answer, test::readFixture("kucoin/candles-rest.json"), "GET /api/v1/market/candles");

    for (Candle c : candles) {
        const std::string push = wire::candleEvent("btc-usdt", "1hour", c, test::kWireNow);
        auto events = a.parseStreamMessage(push);
        ASSERT_TRUE(events) << events.error().message;
        ASSERT_EQ(events->size(), 1u);
        const auto& k = std::get<KlineUpdate>(events->front());
        c.closed = false;  // KuCoin's pushes carry no closed flag
        EXPECT_EQ(k.candle, c);
        EXPECT_EQ(k.key, (SeriesKey{"kucoin", "BTC-USDT", Interval::H1}));
        EXPECT_EQ(k.eventTimeMs, test::kWireNow);
        test::expectSameShape(push, test::readFixture("kucoin/candles-ws.json"), "candle push");
    }
}

TEST(WireKucoin, TokenClockErrorsAndControlMessagesReadBackAndHaveKucoinsShape) {
    KucoinAdapter a;
    const std::string bullet = wire::bullet("t+k/n=", "wss://127.0.0.1:9443/", 1500, 800);
    const auto info = a.parseStreamConnect(bullet, 200, "c1");
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(info->url, "wss://127.0.0.1:9443/?token=t%2Bk%2Fn%3D&connectId=c1");
    EXPECT_EQ(info->heartbeatInterval.count(), 1500);
    EXPECT_EQ(info->heartbeatTimeout.count(), 800);
    test::expectSameShape(bullet, test::readFixture("kucoin/bullet-public.json"), "POST /api/v1/bullet-public");

    const std::string time = wire::timestamp(test::kWireNow);
    EXPECT_EQ(*a.parseServerTime(time, 200), test::kWireNow);
    test::expectSameShape(time, test::readFixture("kucoin/timestamp.json"), "GET /api/v1/timestamp");

    const auto err = a.parseHistory(wire::error(400100, "Unsupported trading pair."), 200, test::kWireNow);
    ASSERT_FALSE(err);
    EXPECT_EQ(err.error().code, 400100);

    // The id is the client's (its request's, or the connectId of the welcome); KuCoin's examples
    // use a millisecond clock, as here.
    const std::string id = std::to_string(test::kWireNow);
    for (const char* type : {"welcome", "pong", "ack"}) {
        const std::string message = wire::typed(type, id);
        auto events = a.parseStreamMessage(message);
        ASSERT_TRUE(events) << events.error().message;
        EXPECT_EQ(std::get<ControlReply>(events->front()).id, id);
        EXPECT_EQ(std::get<ControlReply>(events->front()).errorCode, 0);
        test::expectSameShape(message, test::readFixture(std::string("kucoin/") + type + ".json"), type);
    }
}
