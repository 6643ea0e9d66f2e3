// The simulator's OKX payloads (src/sim/wire_okx.cpp): OkxAdapter reads back what they carry, and
// they have the fields and types of OKX's documented examples (tests/fixtures/okx).
#include <gtest/gtest.h>

#include "cpc/exchange/okx/okx_adapter.hpp"
#include "wire.hpp"
#include "wire_test_util.hpp"

using namespace cpc;
using namespace cpc::exchange;
namespace wire = cpc::sim::wire::okx;

TEST(WireOkx, CandlesReadBackAndHaveOkxsShape) {
    OkxAdapter a;
    const auto candles = test::wireCandles(false);
    const std::string answer = wire::candles(candles);
    auto rows = a.parseHistory(answer, 200, test::kWireNow);  // forming row: OKX's confirm flag
    ASSERT_TRUE(rows) << rows.error().message;
    test::expectSameCandles(*rows, candles, "okx");
    test::expectSameShape(answer, test::readFixture("okx/history-candles.json"), "GET /api/v5/market/history-candles");

    for (const Candle& c : candles) {
        const std::string push = wire::candleEvent("candle1H", "btc-usdt", c);
        auto events = a.parseStreamMessage(push);
        ASSERT_TRUE(events) << events.error().message;
        ASSERT_EQ(events->size(), 1u);
        const auto& k = std::get<KlineUpdate>(events->front());
        EXPECT_EQ(k.candle, c);
        EXPECT_EQ(k.key, (SeriesKey{"okx", "BTC-USDT", Interval::H1}));
        test::expectSameShape(push, test::readFixture("okx/candle-ws.json"), "candle push");
    }
}

TEST(WireOkx, ClockAndErrorsReadBackAndHaveOkxsShape) {
    OkxAdapter a;
    const std::string time = wire::time(test::kWireNow);
    EXPECT_EQ(*a.parseServerTime(time, 200), test::kWireNow);
    test::expectSameShape(time, test::readFixture("okx/time.json"), "GET /api/v5/public/time");

    const auto err = a.parseHistory(wire::error(51001, "Instrument ID does not exist"), 200, test::kWireNow);
    ASSERT_FALSE(err);
    EXPECT_EQ(err.error().code, 51001);
    EXPECT_NE(err.error().message.find("Instrument ID does not exist"), std::string::npos);
    // An error answer is the success envelope with a code, a message and no data.
    auto envelope = nlohmann::json::parse(test::readFixture("okx/time.json"));
    envelope["data"] = nlohmann::json::array();
    test::expectSameShape(wire::error(51001, "Instrument ID does not exist"), envelope.dump(), "error answer");
}
