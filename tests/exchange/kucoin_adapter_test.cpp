// KuCoin spot codec, tested on the documented example payloads in tests/fixtures/kucoin
// (sources in tests/fixtures/kucoin/README.md).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cpc/exchange/kucoin/kucoin_adapter.hpp"
#include "support/fixtures.hpp"

using namespace cpc;
using namespace cpc::exchange;

namespace {

std::vector<StreamEvent> parseOk(const ExchangeAdapter& a, const std::string& frame) {
    auto events = a.parseStreamMessage(frame);
    EXPECT_TRUE(events) << (events ? "" : events.error().message);
    return events ? *events : std::vector<StreamEvent>{};
}

constexpr std::int64_t kWeekMs = 7 * kDayMs;

}  // namespace

TEST(KucoinAdapter, DefaultsAndIntervalSpelling) {
    KucoinAdapter a;
    EXPECT_EQ(a.name(), "kucoin");
    EXPECT_EQ(a.endpoints().restBase, "https://api.kucoin.com");
    EXPECT_TRUE(a.endpoints().streamBase.starts_with("wss://"));
    EXPECT_EQ(a.symbolFor("BTC", "USDT"), "BTC-USDT");
    const std::pair<Interval, const char*> spelled[] = {
        {Interval::M1, "1min"},   {Interval::M3, "3min"},   {Interval::M5, "5min"},   {Interval::M15, "15min"},
        {Interval::M30, "30min"}, {Interval::H1, "1hour"},  {Interval::H2, "2hour"},  {Interval::H4, "4hour"},
        {Interval::H6, "6hour"},  {Interval::H8, "8hour"},  {Interval::H12, "12hour"}, {Interval::D1, "1day"},
        {Interval::W1, "1week"},  {Interval::Mo1, "1month"}};
    for (auto [i, code] : spelled) {
        EXPECT_EQ(KucoinAdapter::typeCode(i).value_or("?"), code);
        EXPECT_EQ(KucoinAdapter::parseTypeCode(code), i);
    }
    EXPECT_FALSE(KucoinAdapter::typeCode(Interval::S1));
    EXPECT_FALSE(KucoinAdapter::typeCode(Interval::D3));
    int native = 0;
    for (Interval i : kAllIntervals) native += a.isNativeInterval(i);
    EXPECT_EQ(native, 12);
    EXPECT_FALSE(a.nativeSourceInterval(Interval::S1));
    EXPECT_EQ(a.nativeSourceInterval(Interval::H8), Interval::H8);
    EXPECT_EQ(a.nativeSourceInterval(Interval::D3), Interval::D1);
    EXPECT_EQ(a.nativeSourceInterval(Interval::W1), Interval::D1);  // KuCoin weeks open on Thursday
    EXPECT_EQ(a.nativeSourceInterval(Interval::Mo1), Interval::D1);
}

TEST(KucoinAdapter, WeeklyCandlesOpenOnThursdaySoOurWeeksAreBuiltFromDays) {
    KucoinAdapter a;
    // A real 1week answer quoted in Kucoin/kucoin-api-docs#350.
    auto rows = a.parseHistory(test::readFixture("kucoin/candles-1week-issue350.json"), 200, 0);
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->size(), 2u);
    for (const Candle& c : *rows) {
        EXPECT_EQ(c.openTime % kWeekMs, 0) << "epoch-aligned (1970-01-01 was a Thursday)";
        EXPECT_NE(bucketStart(Interval::W1, c.openTime), c.openTime) << "not a Monday week";
    }
    EXPECT_EQ((*rows)[0].openTime, 1641427200000);  // Thu 2022-01-06
    EXPECT_EQ((*rows)[1].openTime, 1642032000000);  // Thu 2022-01-13
    // Turnover has 9 decimals: rounded half away from zero to the 8 that Decimal keeps.
    EXPECT_EQ((*rows)[0].quoteVolume.toString(), "2932651428.24246096");
    EXPECT_EQ((*rows)[1].quoteVolume.toString(), "1365382826.91678058");
    const auto req = a.historyRequest({"BTC-USDT", Interval::W1, std::nullopt, std::nullopt, 100});
    EXPECT_NE(req.target.find("type=1day"), std::string::npos);
}

TEST(KucoinAdapter, HistoryRequestsUseSecondsAndOnePageWindows) {
    KucoinAdapter a;
    const std::int64_t start = 1545904920000;
    auto r = a.historyRequest({"btc-usdt", Interval::M1, start, std::nullopt, 5000});
    EXPECT_EQ(r.target, "/api/v1/market/candles?symbol=BTC-USDT&type=1min&startAt=1545904919&endAt=" +
                            std::to_string((start + 1499 * kMinuteMs) / 1000));
    r = a.historyRequest({"BTC-USDT", Interval::H1, std::nullopt, start, 10});
    EXPECT_EQ(r.target, "/api/v1/market/candles?symbol=BTC-USDT&type=1hour&startAt=" +
                            std::to_string((start - 10 * kHourMs) / 1000 - 1) + "&endAt=1545904920");
    r = a.historyRequest({"BTC-USDT", Interval::M5, std::nullopt, std::nullopt, 10});
    EXPECT_EQ(r.target, "/api/v1/market/candles?symbol=BTC-USDT&type=5min");
    EXPECT_EQ(a.depthRequest("BTC-USDT", 20).target, "/api/v1/market/orderbook/level2_20?symbol=BTC-USDT");
    EXPECT_EQ(a.depthRequest("BTC-USDT", 1000).target, "/api/v1/market/orderbook/level2_100?symbol=BTC-USDT");
    EXPECT_EQ(a.exchangeInfoRequest().target, "/api/v2/symbols");
    EXPECT_EQ(a.serverTimeRequest().target, "/api/v1/timestamp");
}

// A scroll-back probe past a no-trade stretch asks for the newest rows of a wide range: both
// bounds as given, not cut to one page from the start.
TEST(KucoinAdapter, AProbeAsksForTheWholeRange) {
    KucoinAdapter a;
    const std::int64_t end = 1545904920000;
    const std::int64_t start = end - 100 * 1500 * kMinuteMs;
    HistoryQuery q{"BTC-USDT", Interval::M1, start, end, 1500};
    q.newestOfRange = true;
    EXPECT_EQ(a.historyRequest(q).target, "/api/v1/market/candles?symbol=BTC-USDT&type=1min&startAt=" +
                                              std::to_string(start / 1000 - 1) + "&endAt=" + std::to_string(end / 1000));
    q.newestOfRange = false;  // a forward page: 1,500 minutes from the start
    EXPECT_EQ(a.historyRequest(q).target, "/api/v1/market/candles?symbol=BTC-USDT&type=1min&startAt=" +
                                              std::to_string(start / 1000 - 1) + "&endAt=" +
                                              std::to_string((start + 1499 * kMinuteMs) / 1000));
    EXPECT_TRUE(a.historyHasGaps());
    EXPECT_LE(a.earliestHistoryMs(), 1505779200000);  // KuCoin opened in September 2017
}

// Found by the fuzz stage (2026-12-07): a row's time in seconds past what milliseconds can hold
// overflowed when multiplied by 1,000 (UBSan). It is refused, with the row and the value named.
TEST(KucoinAdapter, ACandleTimeTooLargeForMillisecondsIsRefusedNotWrapped) {
    KucoinAdapter a;
    for (const char* time : {"164142720641427200", "9223372036854776", "-60"}) {
        const std::string body = std::string(R"({"code":"200000","data":[[")") + time +
                                 R"(","1","2","3","0.5","10","20"]]})";
        const auto rows = a.parseHistory(body, 200, 0);
        ASSERT_FALSE(rows) << time;
        EXPECT_NE(rows.error().message.find(std::string("time ") + time + " is not a time in seconds"), std::string::npos)
            << rows.error().message;
    }
    const auto ok = a.parseHistory(R"({"code":"200000","data":[["9223372036854","1","2","3","0.5","10","20"]]})", 200, 0);
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->front().openTime, 9223372036854000);
}

// Rows a year 200 million apart: the spacing that says whether the newest is closed overflowed
// (fuzz_kucoin_codec at 9.9 M inputs, the same fault fuzz_bybit_codec found). The newest row stays open.
TEST(KucoinAdapter, RowsTooFarApartToMeasureLeaveTheNewestOpenNotOverflowed) {
    KucoinAdapter a;
    const auto rows = a.parseHistory(R"({"code":"200000","data":[)"
                                     R"(["6405713642032000","1","2","3","0.5","10","20"],)"
                                     R"(["1642032000","1","2","3","0.5","10","20"]]})",
                                     200, 1700000000000);
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->size(), 2u);
    EXPECT_EQ(rows->back().openTime, 6405713642032000000);
    EXPECT_FALSE(rows->back().closed);
    EXPECT_TRUE(rows->front().closed);
}

TEST(KucoinAdapter, DocumentedCandlesComeBackAscendingInOpenHighLowCloseOrder) {
    KucoinAdapter a;
    const std::string body = test::readFixture("kucoin/candles-rest.json");
    const HistoryQuery q{"BTC-USDT", Interval::M1, std::nullopt, std::nullopt, 1500};
    auto rows = a.parseHistoryFor(q, body, 200, 1545904980000 + 30 * kSecondMs);
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->size(), 2u);
    const Candle& c = (*rows)[0];
    EXPECT_EQ(c.openTime, 1545904920000);  // seconds -> ms, oldest first
    EXPECT_EQ(c.open.toString(), "0.05800000");
    EXPECT_EQ(c.close.toString(), "0.07200000");
    EXPECT_EQ(c.high.toString(), "0.07200000");
    EXPECT_EQ(c.low.toString(), "0.05800000");
    EXPECT_EQ(c.volume.toString(), "0.10300000");
    EXPECT_EQ(c.quoteVolume.toString(), "0.00698600");
    EXPECT_TRUE(c.closed);
    EXPECT_EQ((*rows)[1].openTime, 1545904980000);
    EXPECT_EQ((*rows)[1].close.toString(), "0.04900000");
    EXPECT_FALSE((*rows)[1].closed);  // the minute is still running
    rows = a.parseHistory(body, 200, 0);
    ASSERT_TRUE(rows);
    EXPECT_TRUE((*rows)[0].closed);
    EXPECT_FALSE((*rows)[1].closed);

    const auto e = a.parseHistory(R"({"code":"400100","msg":"This pair is not provided at present"})", 200, 0);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, 400100);
    EXPECT_NE(e.error().message.find("not provided"), std::string::npos);
    const auto http = a.parseServerTime("Too Many Requests", 429);
    ASSERT_FALSE(http);
    EXPECT_EQ(http.error().code, 429);
}

TEST(KucoinAdapter, TokenConnectAndHeartbeat) {
    KucoinAdapter a;
    const auto req = a.streamConnectRequest();
    ASSERT_TRUE(req);
    EXPECT_EQ(req->method, "POST");
    EXPECT_EQ(req->target, "/api/v1/bullet-public");
    const auto info = a.parseStreamConnect(test::readFixture("kucoin/bullet-public.json"), 200, "cpc-1");
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(info->url,
              "wss://push1-v2.kucoin.com/endpoint?token=vYNlCtbz4XNJ1QncwWilJnBtmmfe4geLQDUA62kKJsDChc6I4bRDQc73JfIrl"
              "FaVYIAE0Gv2--MROnLAgjVsWkcDq_MuG7qV7EktfCEIphiqnlfpQn4Ybg%3D%3D.IoORVxR2LmKV7_maOR9xOg%3D%3D&connectId=cpc-1");
    EXPECT_EQ(info->heartbeatInterval, std::chrono::milliseconds(50000));
    EXPECT_EQ(info->heartbeatTimeout, std::chrono::milliseconds(10000));
    EXPECT_FALSE(a.parseStreamConnect(R"({"code":"200000","data":{"instanceServers":[]}})", 200, "x"));

    const auto ping = nlohmann::json::parse(a.heartbeatMessage(9).value_or("{}"));
    EXPECT_EQ(ping, nlohmann::json::parse(R"({"id":"9","type":"ping"})"));
    for (const char* file : {"kucoin/welcome.json", "kucoin/pong.json", "kucoin/ack.json"}) {
        const auto events = parseOk(a, test::readFixture(file));
        ASSERT_EQ(events.size(), 1u) << file;
        EXPECT_EQ(std::get<ControlReply>(events[0]).errorCode, 0) << file;
    }
    EXPECT_EQ(std::get<ControlReply>(parseOk(a, test::readFixture("kucoin/ack.json"))[0]).id, "1545910660739");
    const auto err = parseOk(a, R"({"id":"7","type":"error","code":404,"data":"topic /market/candles:FOO-BAR_1min is not found"})");
    ASSERT_EQ(err.size(), 1u);
    EXPECT_EQ(std::get<ControlReply>(err[0]).errorCode, 404);
    EXPECT_NE(std::get<ControlReply>(err[0]).message.find("not found"), std::string::npos);
}

TEST(KucoinAdapter, SubscribeMessagesOneTopicEach) {
    KucoinAdapter a;
    EXPECT_FALSE(a.streamsInUrl());
    EXPECT_EQ(a.maxStreamsPerSubscribe(), 1);
    EXPECT_EQ(nlohmann::json::parse(a.subscribeMessage({{"BTC-USDT", Interval::H1, StreamKind::Kline}}, 5)),
              nlohmann::json::parse(
                  R"({"id":"5","type":"subscribe","topic":"/market/candles:BTC-USDT_1hour","privateChannel":false,"response":true})"));
    const auto both = nlohmann::json::parse(a.unsubscribeMessage(
        {{"BTC-USDT", Interval::M1, StreamKind::Trade}, {"ETH-USDT", Interval::M1, StreamKind::Trade}}, 6));
    EXPECT_EQ(both["type"], "unsubscribe");
    EXPECT_EQ(both["topic"], "/market/match:BTC-USDT,ETH-USDT");
    EXPECT_EQ(a.subscribeMessage({{"BTC-USDT", Interval::M1, StreamKind::Trade},
                                  {"BTC-USDT", Interval::M1, StreamKind::Depth}},
                                 7),
              "");
    EXPECT_EQ(a.streamName({"BTC-USDT", Interval::M1, StreamKind::Depth}), "/market/level2:BTC-USDT");
    EXPECT_EQ(a.streamName({"BTC-USDT", Interval::M1, StreamKind::PartialDepth, 5}), "/spotMarket/level2Depth5:BTC-USDT");
    // The depthLevels each stream's depth events carry: 0 for the diff-depth book.
    EXPECT_EQ(a.depthLevelsOf({"BTC-USDT", Interval::M1, StreamKind::Depth}), 0);
    EXPECT_EQ(a.depthLevelsOf({"BTC-USDT", Interval::M1, StreamKind::PartialDepth, 5}), 5);
    EXPECT_EQ(a.depthLevelsOf({"BTC-USDT", Interval::M1, StreamKind::PartialDepth, 20}), 50);
    EXPECT_EQ(a.depthLevelsOf({"BTC-USDT", Interval::M1, StreamKind::BookTicker}), std::nullopt);
    EXPECT_EQ(a.streamName({"BTC-USDT", Interval::W1, StreamKind::Kline}), "/market/candles:BTC-USDT_1day");
}

TEST(KucoinAdapter, DocumentedPushes) {
    KucoinAdapter a;
    auto events = parseOk(a, test::readFixture("kucoin/candles-ws.json"));
    ASSERT_EQ(events.size(), 1u);
    const auto& k = std::get<KlineUpdate>(events[0]);
    EXPECT_EQ(k.key, (SeriesKey{"kucoin", "BTC-USDT", Interval::H1}));
    EXPECT_EQ(k.candle.openTime, 1589968800000);
    EXPECT_EQ(k.candle.open.toString(), "9786.90000000");
    EXPECT_EQ(k.candle.close.toString(), "9740.80000000");
    EXPECT_EQ(k.candle.high.toString(), "9806.10000000");
    EXPECT_EQ(k.candle.low.toString(), "9732.00000000");
    EXPECT_EQ(k.candle.volume.toString(), "27.45649579");
    EXPECT_EQ(k.candle.quoteVolume.toString(), "268280.09830877");
    EXPECT_FALSE(k.candle.closed);
    EXPECT_EQ(k.eventTimeMs, 1589970010253);  // "time" is in nanoseconds

    events = parseOk(a, test::readFixture("kucoin/match-ws.json"));
    ASSERT_EQ(events.size(), 1u);
    const auto& t = std::get<TradeTick>(events[0]);
    EXPECT_EQ(t.price.toString(), "0.08200000");
    EXPECT_EQ(t.quantity.toString(), "0.01022222");
    EXPECT_EQ(t.timeMs, 1545913818099);
    EXPECT_EQ(t.tradeId, 1545896669145);  // the example's tradeId is a hex id: the sequence instead
    EXPECT_FALSE(t.buyerIsMaker);

    events = parseOk(a, test::readFixture("kucoin/level2-ws.json"));
    ASSERT_EQ(events.size(), 1u);
    const auto& d = std::get<DepthUpdate>(events[0]);
    EXPECT_EQ(d.firstUpdateId, 1545896669105);
    EXPECT_EQ(d.finalUpdateId, 1545896669106);
    ASSERT_EQ(d.asks.size(), 1u);
    EXPECT_EQ(d.asks[0].price.toString(), "6.00000000");
    ASSERT_EQ(d.bids.size(), 1u);
    EXPECT_EQ(d.bids[0].price.toString(), "4.00000000");
    // A price of "0" only advances the sequence.
    auto zero = nlohmann::json::parse(test::readFixture("kucoin/level2-ws.json"));
    zero["data"]["changes"]["bids"][0][0] = "0";
    events = parseOk(a, zero.dump());
    ASSERT_EQ(events.size(), 1u);
    EXPECT_TRUE(std::get<DepthUpdate>(events[0]).bids.empty());

    events = parseOk(a, test::readFixture("kucoin/ticker-ws.json"));
    ASSERT_EQ(events.size(), 1u);
    const auto& b = std::get<BookTicker>(events[0]);
    EXPECT_EQ(b.symbol, "BTC-USDT");
    EXPECT_EQ(b.updateId, 1545896668986);
    EXPECT_EQ(b.bidPrice.toString(), "0.04900000");
    EXPECT_EQ(b.bidQuantity.toString(), "0.03600000");
    EXPECT_EQ(b.askPrice.toString(), "0.08000000");
    EXPECT_EQ(b.askQuantity.toString(), "0.18000000");

    events = parseOk(a, test::readFixture("kucoin/snapshot-ws.json"));
    ASSERT_EQ(events.size(), 1u);
    const auto& tk = std::get<Ticker24h>(events[0]);
    EXPECT_EQ(tk.symbol, "KCS-BTC");
    EXPECT_EQ(tk.lastPrice.toString(), "0.00012000");
    EXPECT_EQ(tk.open.toString(), "0.00013000");  // last - change
    EXPECT_EQ(tk.high.toString(), "0.00013000");
    EXPECT_EQ(tk.volume.toString(), "27514.34842000");
    EXPECT_EQ(tk.priceChangePercent.toString(), "-7.69000000");
    EXPECT_EQ(tk.eventTimeMs, 1548388122031);

    events = parseOk(a, test::readFixture("kucoin/level2depth5-ws.json"));
    ASSERT_EQ(events.size(), 1u);
    const auto& p = std::get<DepthSnapshot>(events[0]);
    EXPECT_TRUE(p.partial());
    EXPECT_EQ(p.depthLevels, 5);
    EXPECT_EQ(p.symbol, "BTC-USDT");
    EXPECT_EQ(p.bids.size(), 5u);
    EXPECT_EQ(p.asks[0].price.toString(), "9989.00000000");
}

TEST(KucoinAdapter, DocumentedTimeSymbolsAndBook) {
    KucoinAdapter a;
    const auto t = a.parseServerTime(test::readFixture("kucoin/timestamp.json"), 200);
    ASSERT_TRUE(t);
    EXPECT_EQ(*t, 1546837113087);
    const auto symbols = a.parseExchangeInfo(test::readFixture("kucoin/symbols.json"), 200);
    ASSERT_TRUE(symbols) << symbols.error().message;
    ASSERT_EQ(symbols->size(), 1u);
    EXPECT_EQ((*symbols)[0].symbol, "BTC-USDT");
    EXPECT_EQ((*symbols)[0].baseAsset, "BTC");
    EXPECT_EQ((*symbols)[0].quoteAsset, "USDT");
    EXPECT_EQ((*symbols)[0].status, "TRADING");
    EXPECT_EQ((*symbols)[0].priceDecimals, 8);
    EXPECT_EQ((*symbols)[0].tickSize.toString(), "0.00000001");
    const auto book = a.parseDepthSnapshot(test::readFixture("kucoin/orderbook-level2_20.json"), 200, "btc-usdt");
    ASSERT_TRUE(book) << book.error().message;
    EXPECT_EQ(book->lastUpdateId, 3262786978);
    EXPECT_EQ(book->symbol, "BTC-USDT");
    ASSERT_EQ(book->bids.size(), 2u);
    EXPECT_EQ(book->bids[0].price.toString(), "6500.12000000");
    EXPECT_EQ(book->asks[1].quantity.toString(), "0.57753524");
}

TEST(KucoinAdapter, PushesOfIntervalsThatAreNotOursAreIgnored) {
    KucoinAdapter a;
    auto week = nlohmann::json::parse(test::readFixture("kucoin/candles-ws.json"));
    week["topic"] = "/market/candles:BTC-USDT_1week";
    EXPECT_TRUE(parseOk(a, week.dump()).empty());
    week["topic"] = "/market/candles:BTC-USDT_1day";
    EXPECT_EQ(parseOk(a, week.dump()).size(), 1u);
    week["topic"] = "/market/candles:BTC-USDT_2day";
    EXPECT_FALSE(a.parseStreamMessage(week.dump()));
}

// The session counts and filters frames by stream: a documented push names its topic, which is
// what streamName() spells for the subscription; acks and the welcome name none.
TEST(KucoinAdapter, DocumentedPushesNameTheStreamTheyBelongTo) {
    KucoinAdapter a;
    EXPECT_EQ(a.streamNameOfFrame(test::readFixture("kucoin/match-ws.json")),
              a.streamName({"BTC-USDT", Interval::M1, StreamKind::Trade}));
    EXPECT_EQ(a.streamNameOfFrame(test::readFixture("kucoin/candles-ws.json")),
              a.streamName({"BTC-USDT", Interval::H1, StreamKind::Kline}));
    EXPECT_EQ(a.streamNameOfFrame(test::readFixture("kucoin/level2depth5-ws.json")),
              a.streamName({"BTC-USDT", Interval::M1, StreamKind::PartialDepth, 5}));
    EXPECT_EQ(a.streamNameOfFrame(test::readFixture("kucoin/ack.json")), "");
    EXPECT_EQ(a.streamNameOfFrame(test::readFixture("kucoin/welcome.json")), "");
}
