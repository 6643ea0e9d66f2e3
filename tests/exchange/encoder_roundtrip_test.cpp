// The venues' encoders (for the simulator dialects) write what the codecs read back: candles, forming
// flags, errors, clocks and the KuCoin token answer survive a round trip unchanged.
#include <gtest/gtest.h>

#include "cpc/exchange/bybit/bybit_adapter.hpp"
#include "cpc/exchange/kucoin/kucoin_adapter.hpp"
#include "cpc/exchange/okx/okx_adapter.hpp"

using namespace cpc;
using namespace cpc::exchange;

namespace {

constexpr std::int64_t kStart = 1704067200000;  // 2024-01-01 00:00 UTC

// Five hourly candles with uneven decimals; the last one is still forming.
std::vector<Candle> hourlyCandles() {
    std::vector<Candle> out;
    Decimal price = *Decimal::parse("42000.5");
    for (int i = 0; i < 5; ++i) {
        Candle c;
        c.openTime = kStart + i * kHourMs;
        c.open = price;
        c.high = price + *Decimal::parse("120.25");
        c.low = price - *Decimal::parse("0.00000001");
        c.close = price + *Decimal::parse("3.125");
        c.volume = *Decimal::parse("12.34567891");
        c.quoteVolume = *Decimal::parse("518765.4321");
        c.trades = -1;  // none of the three venues counts trades
        c.closed = i < 4;
        out.push_back(c);
        price = c.close;
    }
    return out;
}

const std::int64_t kNow = kStart + 4 * kHourMs + 17 * kMinuteMs;  // inside the fifth hour

void expectSame(const std::vector<Candle>& got, const std::vector<Candle>& want, const char* venue) {
    ASSERT_EQ(got.size(), want.size()) << venue;
    for (std::size_t i = 0; i < want.size(); ++i) EXPECT_EQ(got[i], want[i]) << venue << " row " << i;
}

}  // namespace

TEST(EncoderRoundTrip, Bybit) {
    BybitAdapter a;
    const auto candles = hourlyCandles();
    const HistoryQuery q{"BTCUSDT", Interval::H1, std::nullopt, std::nullopt, 1000};
    auto rows = a.parseHistoryFor(q, BybitAdapter::klineListJson("BTCUSDT", candles, kNow), 200, kNow);
    ASSERT_TRUE(rows) << rows.error().message;
    expectSame(*rows, candles, "bybit");
    for (const Candle& c : candles) {
        auto events = a.parseStreamMessage(BybitAdapter::klineEventJson("BTCUSDT", Interval::H1, c, kNow));
        ASSERT_TRUE(events);
        ASSERT_EQ(events->size(), 1u);
        const auto& k = std::get<KlineUpdate>(events->front());
        EXPECT_EQ(k.candle, c);
        EXPECT_EQ(k.key, (SeriesKey{"bybit", "BTCUSDT", Interval::H1}));
        EXPECT_EQ(k.eventTimeMs, kNow);
    }
    const auto err = a.parseHistory(BybitAdapter::errorJson(10001, "Not supported symbols", kNow), 200, kNow);
    ASSERT_FALSE(err);
    EXPECT_EQ(err.error().code, 10001);
    EXPECT_EQ(*a.parseServerTime(BybitAdapter::serverTimeJson(kNow), 200), kNow);
    auto reply = a.parseStreamMessage(BybitAdapter::replyJson("subscribe", false, "invalid topic", "12"));
    ASSERT_TRUE(reply);
    EXPECT_EQ(std::get<ControlReply>(reply->front()).id, "12");
    EXPECT_NE(std::get<ControlReply>(reply->front()).errorCode, 0);
}

TEST(EncoderRoundTrip, Okx) {
    OkxAdapter a;
    const auto candles = hourlyCandles();
    auto rows = a.parseHistory(OkxAdapter::candlesJson(candles), 200, kNow);
    ASSERT_TRUE(rows) << rows.error().message;
    expectSame(*rows, candles, "okx");
    for (const Candle& c : candles) {
        auto events = a.parseStreamMessage(OkxAdapter::candleEventJson("BTC-USDT", Interval::H1, c));
        ASSERT_TRUE(events);
        ASSERT_EQ(events->size(), 1u);
        const auto& k = std::get<KlineUpdate>(events->front());
        EXPECT_EQ(k.candle, c);
        EXPECT_EQ(k.key, (SeriesKey{"okx", "BTC-USDT", Interval::H1}));
    }
    const auto err = a.parseHistory(OkxAdapter::errorJson(51001, "Instrument ID does not exist"), 200, kNow);
    ASSERT_FALSE(err);
    EXPECT_EQ(err.error().code, 51001);
    EXPECT_EQ(*a.parseServerTime(OkxAdapter::timeJson(kNow), 200), kNow);
}

TEST(EncoderRoundTrip, Kucoin) {
    KucoinAdapter a;
    const auto candles = hourlyCandles();
    const HistoryQuery q{"BTC-USDT", Interval::H1, std::nullopt, std::nullopt, 1500};
    auto rows = a.parseHistoryFor(q, KucoinAdapter::candlesJson(candles), 200, kNow);
    ASSERT_TRUE(rows) << rows.error().message;
    expectSame(*rows, candles, "kucoin");
    for (Candle c : candles) {
        auto events = a.parseStreamMessage(KucoinAdapter::candleEventJson("BTC-USDT", Interval::H1, c, kNow));
        ASSERT_TRUE(events);
        ASSERT_EQ(events->size(), 1u);
        const auto& k = std::get<KlineUpdate>(events->front());
        c.closed = false;  // KuCoin pushes carry no closed flag
        EXPECT_EQ(k.candle, c);
        EXPECT_EQ(k.eventTimeMs, kNow);
    }
    const auto err = a.parseHistory(KucoinAdapter::errorJson(400100, "Unsupported trading pair."), 200, kNow);
    ASSERT_FALSE(err);
    EXPECT_EQ(err.error().code, 400100);
    EXPECT_EQ(*a.parseServerTime(KucoinAdapter::timestampJson(kNow), 200), kNow);
    const auto info = a.parseStreamConnect(KucoinAdapter::bulletJson("t+k/n=", "wss://127.0.0.1:9443/", 1500, 800),
                                           200, "c1");
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(info->url, "wss://127.0.0.1:9443/?token=t%2Bk%2Fn%3D&connectId=c1");
    EXPECT_EQ(info->heartbeatInterval.count(), 1500);
    EXPECT_EQ(info->heartbeatTimeout.count(), 800);
    for (const char* type : {"welcome", "pong", "ack"}) {
        auto events = a.parseStreamMessage(KucoinAdapter::typedJson(type, "42"));
        ASSERT_TRUE(events);
        EXPECT_EQ(std::get<ControlReply>(events->front()).id, "42");
        EXPECT_EQ(std::get<ControlReply>(events->front()).errorCode, 0);
    }
}
