// Bybit v5 spot codec, tested on the documented example payloads in tests/fixtures/bybit
// (sources in tests/fixtures/bybit/README.md).
#include <gtest/gtest.h>

#include <limits>

#include <nlohmann/json.hpp>

#include "cpc/exchange/bybit/bybit_adapter.hpp"
#include "cpc/market/validation.hpp"
#include "support/fixtures.hpp"

using namespace cpc;
using namespace cpc::exchange;

namespace {

std::vector<StreamEvent> parseOk(const ExchangeAdapter& a, const std::string& frame) {
    auto events = a.parseStreamMessage(frame);
    EXPECT_TRUE(events) << (events ? "" : events.error().message);
    return events ? *events : std::vector<StreamEvent>{};
}

}  // namespace

TEST(BybitAdapter, DefaultsAreProductionTlsHosts) {
    BybitAdapter a;
    EXPECT_EQ(a.name(), "bybit");
    EXPECT_EQ(a.endpoints().restBase, "https://api.bybit.com");
    EXPECT_EQ(a.endpoints().streamBase, "wss://stream.bybit.com/v5/public/spot");
    EXPECT_EQ(a.symbolFor("BTC", "USDT"), "BTCUSDT");
    BybitAdapter local(Endpoints{"https://127.0.0.1:1", "wss://127.0.0.1:2/v5/public/spot"});
    EXPECT_EQ(local.streamUrl({{"BTCUSDT", Interval::M1, StreamKind::Kline}}), "wss://127.0.0.1:2/v5/public/spot");
}

TEST(BybitAdapter, IntervalSpellingAndNativeSources) {
    BybitAdapter a;
    const std::pair<Interval, const char*> spelled[] = {
        {Interval::M1, "1"},    {Interval::M3, "3"},    {Interval::M5, "5"},   {Interval::M15, "15"},
        {Interval::M30, "30"},  {Interval::H1, "60"},   {Interval::H2, "120"}, {Interval::H4, "240"},
        {Interval::H6, "360"},  {Interval::H12, "720"}, {Interval::D1, "D"},   {Interval::W1, "W"},
        {Interval::Mo1, "M"}};
    for (auto [i, code] : spelled) {
        EXPECT_EQ(BybitAdapter::intervalCode(i).value_or("?"), code) << toString(i);
        EXPECT_EQ(BybitAdapter::parseIntervalCode(code), i) << code;
    }
    for (Interval i : {Interval::S1, Interval::H8, Interval::D3}) EXPECT_FALSE(BybitAdapter::intervalCode(i));
    int native = 0;
    for (Interval i : kAllIntervals) {
        native += a.isNativeInterval(i);
        const auto src = a.nativeSourceInterval(i);
        if (a.isNativeInterval(i)) {
            EXPECT_EQ(src, i);
        } else if (src) {
            EXPECT_TRUE(a.isNativeInterval(*src)) << toString(i);
            EXPECT_TRUE(divides(*src, i)) << toString(i);
        }
    }
    EXPECT_EQ(native, 12);  // the 13 spellings minus W (weekday of Bybit's weeks undocumented)
    EXPECT_FALSE(a.nativeSourceInterval(Interval::S1));
    EXPECT_EQ(a.nativeSourceInterval(Interval::H8), Interval::H4);
    EXPECT_EQ(a.nativeSourceInterval(Interval::D3), Interval::D1);
    EXPECT_EQ(a.nativeSourceInterval(Interval::W1), Interval::D1);
    EXPECT_EQ(a.nativeSourceInterval(Interval::Mo1), Interval::Mo1);
}

TEST(BybitAdapter, HistoryRequestsSpotAndCutsForwardPagesToOnePage) {
    BybitAdapter a;
    const std::int64_t start = 1670601600000;
    auto r = a.historyRequest({"btcusdt", Interval::H1, start, std::nullopt, 1000});
    EXPECT_EQ(r.target, "/v5/market/kline?category=spot&symbol=BTCUSDT&interval=60&start=1670601600000&end=" +
                            std::to_string(start + 999 * kHourMs) + "&limit=1000");
    r = a.historyRequest({"BTCUSDT", Interval::M1, std::nullopt, std::int64_t{1670608800000}, 5000});
    EXPECT_EQ(r.target, "/v5/market/kline?category=spot&symbol=BTCUSDT&interval=1&end=1670608800000&limit=1000");
    r = a.historyRequest({"BTCUSDT", Interval::H8, std::nullopt, std::nullopt, 200});
    EXPECT_EQ(r.target, "/v5/market/kline?category=spot&symbol=BTCUSDT&interval=240&limit=200");  // from 4h
    EXPECT_EQ(a.depthRequest("BTCUSDT", 5000).target, "/v5/market/orderbook?category=spot&symbol=BTCUSDT&limit=200");
    EXPECT_EQ(a.exchangeInfoRequest().target, "/v5/market/instruments-info?category=spot");
    EXPECT_EQ(a.serverTimeRequest().target, "/v5/market/time");
}

TEST(BybitAdapter, DocumentedKlineAnswerComesBackAscendingWithTheFormingCandleLast) {
    BybitAdapter a;
    const std::string body = test::readFixture("bybit/kline-rest.json");
    const HistoryQuery q{"BTCUSD", Interval::H1, std::nullopt, std::nullopt, 200};
    // At the answer's own "time" every row is over.
    auto rows = a.parseHistoryFor(q, body, 200, 1672025956592);
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->size(), 3u);
    EXPECT_EQ((*rows)[0].openTime, 1670601600000);
    EXPECT_EQ((*rows)[1].openTime, 1670605200000);
    EXPECT_EQ((*rows)[2].openTime, 1670608800000);
    EXPECT_EQ((*rows)[0].open.toString(), "17086.50000000");
    EXPECT_EQ((*rows)[0].high.toString(), "17088.00000000");
    EXPECT_EQ((*rows)[0].low.toString(), "16978.00000000");
    EXPECT_EQ((*rows)[0].close.toString(), "17071.50000000");
    EXPECT_EQ((*rows)[0].volume.toString(), "6356.00000000");
    EXPECT_EQ((*rows)[0].quoteVolume.toString(), "0.37288112");
    for (const Candle& c : *rows) {
        EXPECT_TRUE(c.closed);
        EXPECT_EQ(c.trades, -1);
        EXPECT_FALSE(market::validateCandle(c));
    }
    // Half-way through the newest hour it is the forming candle.
    rows = a.parseHistoryFor(q, body, 200, 1670608800000 + 30 * kMinuteMs);
    ASSERT_TRUE(rows);
    EXPECT_TRUE((*rows)[1].closed);
    EXPECT_FALSE((*rows)[2].closed);
    // Without the query: all but the newest closed, the newest once an hour (the row spacing) is over.
    rows = a.parseHistory(body, 200, 1670608800000 + 30 * kMinuteMs);
    ASSERT_TRUE(rows);
    EXPECT_TRUE((*rows)[0].closed && (*rows)[1].closed);
    EXPECT_FALSE((*rows)[2].closed);
    rows = a.parseHistory(body, 200, 1670608800000 + kHourMs);
    ASSERT_TRUE(rows);
    EXPECT_TRUE((*rows)[2].closed);
}

TEST(BybitAdapter, DuplicateRowsAreDroppedAndErrorsCarryRetCode) {
    BybitAdapter a;
    auto doc = nlohmann::json::parse(test::readFixture("bybit/kline-rest.json"));
    auto& list = doc["result"]["list"];
    list.push_back(list[0]);  // a repeated newest row
    auto rows = a.parseHistoryFor({"BTCUSD", Interval::H1, std::nullopt, std::nullopt, 200}, doc.dump(), 200,
                                  1672025956592);
    ASSERT_TRUE(rows);
    EXPECT_EQ(rows->size(), 3u);

    const auto err = a.parseHistory(R"({"retCode":10001,"retMsg":"Not supported symbols","result":{},"retExtInfo":{},"time":1672025956592})",
                                    200, 0);
    ASSERT_FALSE(err);
    EXPECT_EQ(err.error().code, 10001);
    EXPECT_NE(err.error().message.find("Not supported symbols"), std::string::npos);
    const auto http = a.parseServerTime("access too frequent", 403);
    ASSERT_FALSE(http);
    EXPECT_EQ(http.error().code, 403);
    EXPECT_FALSE(a.parseHistory("[]", 200, 0));
}

TEST(BybitAdapter, DocumentedKlinePush) {
    BybitAdapter a;
    const auto events = parseOk(a, test::readFixture("bybit/kline-ws.json"));
    ASSERT_EQ(events.size(), 1u);
    const auto& k = std::get<KlineUpdate>(events[0]);
    EXPECT_EQ(k.key, (SeriesKey{"bybit", "BTCUSDT", Interval::M5}));
    EXPECT_EQ(k.candle.openTime, 1672324800000);
    EXPECT_EQ(k.candle.open.toString(), "16649.50000000");
    EXPECT_EQ(k.candle.high.toString(), "16677.00000000");
    EXPECT_EQ(k.candle.low.toString(), "16608.00000000");
    EXPECT_EQ(k.candle.close.toString(), "16677.00000000");
    EXPECT_EQ(k.candle.volume.toString(), "2.08100000");
    EXPECT_EQ(k.candle.quoteVolume.toString(), "34666.40050000");
    EXPECT_FALSE(k.candle.closed);
    EXPECT_EQ(k.eventTimeMs, 1672324988882);
    EXPECT_FALSE(market::validateAlignment(k.candle, Interval::M5));
}

TEST(BybitAdapter, DocumentedTradeOrderBookAndTicker) {
    BybitAdapter a;
    auto events = parseOk(a, test::readFixture("bybit/trade-ws.json"));
    ASSERT_EQ(events.size(), 1u);
    const auto& t = std::get<TradeTick>(events[0]);
    EXPECT_EQ(t.symbol, "BTCUSDT");
    EXPECT_EQ(t.price.toString(), "16578.50000000");
    EXPECT_EQ(t.quantity.toString(), "0.00100000");
    EXPECT_EQ(t.timeMs, 1672304486865);
    EXPECT_FALSE(t.buyerIsMaker);  // taker bought
    EXPECT_EQ(t.tradeId, 0);       // the example's id is a UUID

    const std::string snapshot = test::readFixture("bybit/orderbook-ws-snapshot.json");
    events = parseOk(a, snapshot);
    ASSERT_EQ(events.size(), 1u);
    const auto& s = std::get<DepthSnapshot>(events[0]);
    EXPECT_EQ(s.exchange, "bybit");
    EXPECT_EQ(s.symbol, "BTCUSDT");
    EXPECT_EQ(s.lastUpdateId, 18521288);
    ASSERT_EQ(s.bids.size(), 2u);
    ASSERT_EQ(s.asks.size(), 2u);
    EXPECT_EQ(s.bids[0].price.toString(), "16493.50000000");
    EXPECT_EQ(s.asks[1].quantity.toString(), "0.21300000");
    EXPECT_EQ(s.depthLevels, 50);  // orderbook.50: a partial-depth book, not the diff-depth one
    EXPECT_TRUE(s.partial());

    // The same message as the next delta: an update id sequence of one.
    auto delta = nlohmann::json::parse(snapshot);
    delta["type"] = "delta";
    delta["data"]["u"] = 18521289;
    delta["data"]["b"] = nlohmann::json::array({nlohmann::json::array({"16493.50", "0"})});
    delta["data"]["a"] = nlohmann::json::array();
    events = parseOk(a, delta.dump());
    ASSERT_EQ(events.size(), 1u);
    const auto& d = std::get<DepthUpdate>(events[0]);
    EXPECT_EQ(d.firstUpdateId, 18521289);
    EXPECT_EQ(d.finalUpdateId, 18521289);
    ASSERT_EQ(d.bids.size(), 1u);
    EXPECT_TRUE(d.bids[0].quantity.isZero());
    EXPECT_EQ(d.eventTimeMs, 1672304484978);
    // u == 1 is a snapshot after a service restart, whatever the type says.
    delta["data"]["u"] = 1;
    events = parseOk(a, delta.dump());
    ASSERT_EQ(events.size(), 1u);
    EXPECT_TRUE(std::holds_alternative<DepthSnapshot>(events[0]));

    events = parseOk(a, test::readFixture("bybit/ticker-ws-spot.json"));
    ASSERT_EQ(events.size(), 1u);
    const auto& tk = std::get<Ticker24h>(events[0]);
    EXPECT_TRUE(tk.mini);
    EXPECT_EQ(tk.symbol, "BTCUSDT");
    EXPECT_EQ(tk.lastPrice.toString(), "16363.78000000");
    EXPECT_EQ(tk.open.toString(), "16443.66000000");
    EXPECT_EQ(tk.high.toString(), "16566.64000000");
    EXPECT_EQ(tk.low.toString(), "16009.19000000");
    EXPECT_EQ(tk.volume.toString(), "5865.47018200");
    EXPECT_EQ(tk.quoteVolume.toString(), "95949815.68087500");
    EXPECT_EQ(tk.priceChange.toString(), "-79.88000000");
    EXPECT_EQ(tk.priceChangePercent.toString(), "-0.49000000");
    EXPECT_EQ(tk.eventTimeMs, 1672305380595);
}

TEST(BybitAdapter, BookTickerFromLevelOneBook) {
    BybitAdapter a;
    auto doc = nlohmann::json::parse(test::readFixture("bybit/orderbook-ws-snapshot.json"));
    doc["topic"] = "orderbook.1.BTCUSDT";
    doc["data"]["b"].erase(1);
    doc["data"]["a"].erase(1);
    const auto events = parseOk(a, doc.dump());
    ASSERT_EQ(events.size(), 2u);
    const auto& b = std::get<BookTicker>(events[0]);
    EXPECT_EQ(b.bidPrice.toString(), "16493.50000000");
    EXPECT_EQ(b.askPrice.toString(), "16611.00000000");
    EXPECT_EQ(b.updateId, 18521288);
}

// orderbook.1, .50 and .200 of one symbol are three books, each with its own snapshots and u
// sequence: every event names its book (depthLevels; 0 for orderbook.200, the diff-depth book the
// Depth stream subscribes), so a session can keep them apart.
TEST(BybitAdapter, EachOrderBookTopicDecodesWithItsOwnDepthLevels) {
    BybitAdapter a;
    const auto fixture = nlohmann::json::parse(test::readFixture("bybit/orderbook-ws-snapshot.json"));
    struct Case {
        const char* topic;
        int levels;
    };
    for (const Case& c : {Case{"orderbook.1.BTCUSDT", 1}, Case{"orderbook.50.BTCUSDT", 50}, Case{"orderbook.200.BTCUSDT", 0}}) {
        SCOPED_TRACE(c.topic);
        auto doc = fixture;
        doc["topic"] = c.topic;
        if (c.levels == 1) {
            doc["data"]["b"].erase(1);
            doc["data"]["a"].erase(1);
        }
        auto events = parseOk(a, doc.dump());
        ASSERT_EQ(events.size(), c.levels == 1 ? 2u : 1u);  // orderbook.1: a BookTicker too
        const auto& s = std::get<DepthSnapshot>(events.back());
        EXPECT_EQ(s.depthLevels, c.levels);
        EXPECT_EQ(s.partial(), c.levels != 0);
        EXPECT_EQ(s.lastUpdateId, 18521288);
        EXPECT_EQ(s.bids.front().price.toString(), "16493.50000000");

        doc["type"] = "delta";
        doc["data"]["u"] = 18521289;
        doc["data"]["b"] = nlohmann::json::array({nlohmann::json::array({"16493.50", "0"})});
        doc["data"]["a"] = nlohmann::json::array();
        events = parseOk(a, doc.dump());
        ASSERT_EQ(events.size(), 1u);
        const auto& d = std::get<DepthUpdate>(events[0]);
        EXPECT_EQ(d.depthLevels, c.levels);
        EXPECT_EQ(d.finalUpdateId, 18521289);
    }
    // The streams name those topics and the levels their events carry.
    const auto spec = [](StreamKind kind, int depthLevels = 20) {
        StreamSpec s{"btcusdt", Interval::M1, kind, depthLevels};
        return s;
    };
    EXPECT_EQ(a.streamName(spec(StreamKind::Depth)), "orderbook.200.BTCUSDT");
    EXPECT_EQ(a.depthLevelsOf(spec(StreamKind::Depth)), 0);
    EXPECT_EQ(a.streamName(spec(StreamKind::PartialDepth)), "orderbook.50.BTCUSDT");
    EXPECT_EQ(a.depthLevelsOf(spec(StreamKind::PartialDepth)), 50);
    EXPECT_EQ(a.streamName(spec(StreamKind::PartialDepth, 1)), "orderbook.1.BTCUSDT");
    EXPECT_EQ(a.depthLevelsOf(spec(StreamKind::PartialDepth, 1)), 1);
    EXPECT_EQ(a.streamName(spec(StreamKind::BookTicker)), "orderbook.1.BTCUSDT");
    EXPECT_EQ(a.depthLevelsOf(spec(StreamKind::BookTicker)), 1);
    EXPECT_EQ(a.depthLevelsOf(spec(StreamKind::Trade)), std::nullopt);
    // A topic whose depth is not a number is refused.
    auto bad = fixture;
    bad["topic"] = "orderbook.x.BTCUSDT";
    EXPECT_FALSE(a.parseStreamMessage(bad.dump()));
}

TEST(BybitAdapter, SubscribeHeartbeatAndReplies) {
    BybitAdapter a;
    EXPECT_FALSE(a.streamsInUrl());
    EXPECT_EQ(a.maxStreamsPerSubscribe(), 10);
    const auto sub = nlohmann::json::parse(a.subscribeMessage(
        {{"BTCUSDT", Interval::M1, StreamKind::Kline}, {"BTCUSDT", Interval::M1, StreamKind::Trade},
         {"ETHUSDT", Interval::D1, StreamKind::Kline}, {"ETHUSDT", Interval::M1, StreamKind::Depth}},
        7));
    EXPECT_EQ(sub["op"], "subscribe");
    EXPECT_EQ(sub["req_id"], "7");
    EXPECT_EQ(sub["args"], nlohmann::json::parse(R"(["kline.1.BTCUSDT","publicTrade.BTCUSDT","kline.D.ETHUSDT","orderbook.200.ETHUSDT"])"));
    const auto unsub = nlohmann::json::parse(a.unsubscribeMessage({{"BTCUSDT", Interval::H8, StreamKind::Kline}}, 8));
    EXPECT_EQ(unsub["op"], "unsubscribe");
    EXPECT_EQ(unsub["args"][0], "kline.240.BTCUSDT");  // 8h is built from 4h
    const auto ping = nlohmann::json::parse(a.heartbeatMessage(3).value_or("{}"));
    EXPECT_EQ(ping["op"], "ping");
    EXPECT_EQ(a.heartbeatInterval(), std::chrono::seconds(20));
    EXPECT_FALSE(a.streamConnectRequest());

    for (const char* file : {"bybit/pong-spot.json", "bybit/subscribe-reply.json"}) {
        const auto events = parseOk(a, test::readFixture(file));
        ASSERT_EQ(events.size(), 1u) << file;
        EXPECT_EQ(std::get<ControlReply>(events[0]).errorCode, 0) << file;
    }
    const auto failed = parseOk(a, R"({"success":false,"ret_msg":"error:handler not found","op":"subscribe","req_id":"9","conn_id":"x"})");
    ASSERT_EQ(failed.size(), 1u);
    const auto& r = std::get<ControlReply>(failed[0]);
    EXPECT_EQ(r.id, "9");
    EXPECT_NE(r.errorCode, 0);
    EXPECT_EQ(r.message, "error:handler not found");
    EXPECT_FALSE(a.parseStreamMessage("not json"));
}

// Found by fuzz_bybit_codec: a "timeNano" of 19 digits past INT64_MAX overflowed (UB) while read.
// Now it is not a number of ours: the seconds are read instead; seconds that cannot be a time in
// milliseconds are an error, not a wrapped value.
TEST(BybitAdapter, AServerTimeOutOfRangeIsRefusedNotWrapped) {
    BybitAdapter a;
    const auto t = a.parseServerTime(
        R"({"retCode":0,"retMsg":"OK","result":{"timeSecond":"1688639403","timeNano":"9668813403423213947"},"time":1688639403424})",
        200);
    ASSERT_TRUE(t) << t.error().message;
    EXPECT_EQ(*t, 1688639403000);
    const auto huge = a.parseServerTime(
        R"({"retCode":0,"retMsg":"OK","result":{"timeSecond":"9223372036854775807"},"time":1})", 200);
    ASSERT_FALSE(huge);
    EXPECT_NE(huge.error().message.find("timeSecond"), std::string::npos) << huge.error().message;
    const auto unsignedNano = a.parseServerTime(
        R"({"retCode":0,"retMsg":"OK","result":{"timeSecond":"1688639403","timeNano":18446744073709551615},"time":1})", 200);
    ASSERT_TRUE(unsignedNano) << unsignedNano.error().message;
    EXPECT_EQ(*unsignedNano, 1688639403000);
}

// A kline page whose newest row opens in the year 275 million: the spacing that says whether it is
// closed overflowed (fuzz_bybit_codec, 2026-12-07). The rows are taken, the newest one open.
TEST(BybitAdapter, AKlineRowFarInTheFutureIsLeftOpenNotOverflowed) {
    BybitAdapter a;
    const auto rows = a.parseHistory(
        R"({"retCode":0,"retMsg":"OK","result":{"symbol":"BTCUSD","category":"inverse","list":[)"
        R"(["0000191969199","17071","17073","17027","17055.5","268611","15.74462667"],)"
        R"(["1670605200000","17071.5","17071.5","17061","17071","4177","0.24469757"],)"
        R"(["00000008688802839743599438","17086.5","17088","16978","17071.5","6356","0.37288112"]]},)"
        R"("retExtInfo":{},"time":1672025956592})",
        200, 1672025956592);
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->size(), 3u);
    EXPECT_EQ(rows->back().openTime, 8688802839743599438);
    EXPECT_FALSE(rows->back().closed);
    EXPECT_TRUE(rows->front().closed);
}

// The same through a query's parse (fuzz_bybit_codec, 3.4 M inputs after the fix above): a row
// opening at the last representable millisecond is open, not a signed overflow in its close time.
TEST(BybitAdapter, AQueryRowOpeningAtTheLastRepresentableTimeIsOpenNotOverflowed) {
    BybitAdapter a;
    const auto rows = a.parseHistoryFor(
        {"BTCUSD", Interval::H1, std::nullopt, std::nullopt, 200},
        R"({"retCode":0,"retMsg":"OK","result":{"symbol":"BTCUSD","category":"inverse","list":[)"
        R"(["9223372036854775807","17073","17027","1705571.5","6356","0.444444444456","0.44444437288112"],)"
        R"(["1670605200000","17071.5","17071.5","17061","17071","4177","0.24469757"]]},)"
        R"("retExtInfo":{},"time":1672025956592})",
        200, 1672025956592);
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->size(), 2u);
    EXPECT_EQ(rows->back().openTime, std::numeric_limits<std::int64_t>::max());
    EXPECT_FALSE(rows->back().closed);
    EXPECT_TRUE(rows->front().closed);
}

TEST(BybitAdapter, DocumentedServerTimeInstrumentsAndBook) {
    BybitAdapter a;
    const auto t = a.parseServerTime(test::readFixture("bybit/time.json"), 200);
    ASSERT_TRUE(t);
    EXPECT_EQ(*t, 1688639403423);

    const auto symbols = a.parseExchangeInfo(test::readFixture("bybit/instruments-spot.json"), 200);
    ASSERT_TRUE(symbols) << symbols.error().message;
    ASSERT_EQ(symbols->size(), 1u);
    EXPECT_EQ((*symbols)[0].symbol, "BTCUSDT");
    EXPECT_EQ((*symbols)[0].baseAsset, "BTC");
    EXPECT_EQ((*symbols)[0].quoteAsset, "USDT");
    EXPECT_EQ((*symbols)[0].status, "Trading");
    EXPECT_EQ((*symbols)[0].priceDecimals, 1);
    EXPECT_EQ((*symbols)[0].tickSize.toString(), "0.10000000");
    EXPECT_EQ((*symbols)[0].quantityDecimals, 6);

    const auto book = a.parseDepthSnapshot(test::readFixture("bybit/orderbook-rest.json"), 200, "btcusdt");
    ASSERT_TRUE(book) << book.error().message;
    EXPECT_EQ(book->lastUpdateId, 230704);
    EXPECT_EQ(book->symbol, "BTCUSDT");
    ASSERT_EQ(book->bids.size(), 1u);
    EXPECT_EQ(book->bids[0].quantity.toString(), "47.08182900");
    EXPECT_EQ(book->asks[0].price.toString(), "65557.70000000");
}

TEST(BybitAdapter, WeeklyPushesAreIgnoredBecauseOurWeeksAreBuiltFromDays) {
    BybitAdapter a;
    auto doc = nlohmann::json::parse(test::readFixture("bybit/kline-ws.json"));
    doc["topic"] = "kline.W.BTCUSDT";
    EXPECT_TRUE(parseOk(a, doc.dump()).empty());
    doc["topic"] = "kline.D.BTCUSDT";
    const auto events = parseOk(a, doc.dump());
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(std::get<KlineUpdate>(events[0]).key.interval, Interval::D1);
    doc["topic"] = "kline.7.BTCUSDT";
    EXPECT_FALSE(a.parseStreamMessage(doc.dump()));
}

// The session counts and filters frames by stream: a documented push names its topic, which is
// what streamName() spells for the subscription; replies name none.
TEST(BybitAdapter, DocumentedPushesNameTheStreamTheyBelongTo) {
    BybitAdapter a;
    EXPECT_EQ(a.streamNameOfFrame(test::readFixture("bybit/trade-ws.json")),
              a.streamName({"BTCUSDT", Interval::M1, StreamKind::Trade}));
    EXPECT_EQ(a.streamNameOfFrame(test::readFixture("bybit/kline-ws.json")),
              a.streamName({"BTCUSDT", Interval::M5, StreamKind::Kline}));
    EXPECT_EQ(a.streamNameOfFrame(test::readFixture("bybit/orderbook-ws-snapshot.json")),
              a.streamName({"BTCUSDT", Interval::M1, StreamKind::PartialDepth, 50}));
    EXPECT_EQ(a.streamNameOfFrame(test::readFixture("bybit/subscribe-reply.json")), "");
    EXPECT_EQ(a.streamNameOfFrame(test::readFixture("bybit/pong-spot.json")), "");
}
