// The simulator's Bybit payloads (src/sim/wire_bybit.cpp): BybitAdapter reads back what they carry,
// and they have the fields and types of Bybit's documented examples (tests/fixtures/bybit).
#include <gtest/gtest.h>

#include "cpc/exchange/bybit/bybit_adapter.hpp"
#include "wire.hpp"
#include "wire_test_util.hpp"

using namespace cpc;
using namespace cpc::exchange;
namespace wire = cpc::sim::wire::bybit;

TEST(WireBybit, KlinesReadBackAndHaveBybitsShape) {
    BybitAdapter a;
    const auto candles = test::wireCandles(false);
    const std::string list = wire::klineList("btcusdt", candles, test::kWireNow);
    const HistoryQuery q{"BTCUSDT", Interval::H1, std::nullopt, std::nullopt, 1000};
    auto rows = a.parseHistoryFor(q, list, 200, test::kWireNow);  // forming row: by the clock
    ASSERT_TRUE(rows) << rows.error().message;
    test::expectSameCandles(*rows, candles, "bybit");
    test::expectSameShape(list, test::readFixture("bybit/kline-rest.json"), "GET /v5/market/kline");

    for (const Candle& c : candles) {
        const std::string push = wire::klineEvent("60", "btcusdt", Interval::H1, c, test::kWireNow);
        auto events = a.parseStreamMessage(push);
        ASSERT_TRUE(events) << events.error().message;
        ASSERT_EQ(events->size(), 1u);
        const auto& k = std::get<KlineUpdate>(events->front());
        EXPECT_EQ(k.candle, c);
        EXPECT_EQ(k.key, (SeriesKey{"bybit", "BTCUSDT", Interval::H1}));
        EXPECT_EQ(k.eventTimeMs, test::kWireNow);
        test::expectSameShape(push, test::readFixture("bybit/kline-ws.json"), "kline push");
    }
}

TEST(WireBybit, ClockErrorsAndRepliesReadBackAndHaveBybitsShape) {
    BybitAdapter a;
    const std::string time = wire::serverTime(test::kWireNow);
    EXPECT_EQ(*a.parseServerTime(time, 200), test::kWireNow);
    test::expectSameShape(time, test::readFixture("bybit/time.json"), "GET /v5/market/time");

    const auto err = a.parseHistory(wire::error(10001, "Not supported symbols", test::kWireNow), 200, test::kWireNow);
    ASSERT_FALSE(err);
    EXPECT_EQ(err.error().code, 10001);
    EXPECT_NE(err.error().message.find("Not supported symbols"), std::string::npos);

    auto refused = a.parseStreamMessage(wire::reply("subscribe", false, "invalid topic", "12"));
    ASSERT_TRUE(refused) << refused.error().message;
    EXPECT_EQ(std::get<ControlReply>(refused->front()).id, "12");
    EXPECT_NE(std::get<ControlReply>(refused->front()).errorCode, 0);
    auto accepted = a.parseStreamMessage(wire::reply("subscribe", true, "", "13"));
    ASSERT_TRUE(accepted) << accepted.error().message;
    EXPECT_EQ(std::get<ControlReply>(accepted->front()).errorCode, 0);
    // The documented replies carry no req_id (none was sent).
    test::expectSameShape(wire::reply("subscribe", true, "", ""), test::readFixture("bybit/subscribe-reply.json"),
                          "subscribe reply");
    test::expectSameShape(wire::reply("ping", true, "pong", ""), test::readFixture("bybit/pong-spot.json"), "pong");
}
