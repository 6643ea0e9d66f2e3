// OKX v5 spot codec, tested on the documented example payloads in tests/fixtures/okx
// (sources in tests/fixtures/okx/README.md).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cpc/exchange/okx/okx_adapter.hpp"
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

TEST(OkxAdapter, DefaultsAreProductionTlsHostsAndCandlesUseTheBusinessEndpoint) {
    OkxAdapter a;
    EXPECT_EQ(a.name(), "okx");
    EXPECT_EQ(a.endpoints().restBase, "https://www.okx.com");
    EXPECT_EQ(a.symbolFor("BTC", "USDT"), "BTC-USDT");
    EXPECT_EQ(a.streamUrl({{"BTC-USDT", Interval::M1, StreamKind::Kline}}), "wss://ws.okx.com:8443/ws/v5/business");
    EXPECT_EQ(a.klineStreamUrl({{"BTC-USDT", Interval::M1, StreamKind::Kline}}), "wss://ws.okx.com:8443/ws/v5/business");
    for (StreamKind k : {StreamKind::Trade, StreamKind::Depth, StreamKind::PartialDepth, StreamKind::BookTicker,
                         StreamKind::Ticker})
        EXPECT_EQ(a.streamUrl({{"BTC-USDT", Interval::M1, k}}), "wss://ws.okx.com:8443/ws/v5/public");
    OkxAdapter local(Endpoints{"https://127.0.0.1:1", "wss://127.0.0.1:2/ws/v5"});
    EXPECT_EQ(local.streamUrl({{"BTC-USDT", Interval::H1, StreamKind::Kline}}), "wss://127.0.0.1:2/ws/v5/business");
}

TEST(OkxAdapter, BarSpellingIsUtcAlignedAndCaseSensitive) {
    OkxAdapter a;
    const std::pair<Interval, const char*> spelled[] = {
        {Interval::S1, "1s"},     {Interval::M1, "1m"},      {Interval::M3, "3m"},    {Interval::M5, "5m"},
        {Interval::M15, "15m"},   {Interval::M30, "30m"},    {Interval::H1, "1H"},    {Interval::H2, "2H"},
        {Interval::H4, "4H"},     {Interval::H6, "6Hutc"},   {Interval::H12, "12Hutc"}, {Interval::D1, "1Dutc"},
        {Interval::D3, "3Dutc"},  {Interval::W1, "1Wutc"},   {Interval::Mo1, "1Mutc"}};
    for (auto [i, code] : spelled) {
        EXPECT_EQ(OkxAdapter::barCode(i).value_or("?"), code);
        EXPECT_EQ(OkxAdapter::parseBarCode(code), i);
    }
    EXPECT_FALSE(OkxAdapter::barCode(Interval::H8));
    EXPECT_FALSE(OkxAdapter::parseBarCode("1D"));  // UTC+8
    EXPECT_FALSE(OkxAdapter::parseBarCode("1h"));  // case matters
    int native = 0;
    for (Interval i : kAllIntervals) native += a.isNativeInterval(i);
    EXPECT_EQ(native, 13);
    EXPECT_EQ(a.nativeSourceInterval(Interval::S1), Interval::S1);  // only OKX has seconds
    EXPECT_EQ(a.nativeSourceInterval(Interval::H8), Interval::H4);
    EXPECT_EQ(a.nativeSourceInterval(Interval::D3), Interval::D1);
    EXPECT_EQ(a.nativeSourceInterval(Interval::W1), Interval::D1);
}

TEST(OkxAdapter, HistoryRequestsPickTheEndpointAndExclusiveBounds) {
    OkxAdapter a;
    auto r = a.historyRequest({"btc-usdt", Interval::M1, std::nullopt, std::nullopt, 1000});
    EXPECT_EQ(r.target, "/api/v5/market/candles?instId=BTC-USDT&bar=1m&limit=100");
    r = a.historyRequest({"BTC-USDT", Interval::S1, std::nullopt, std::nullopt, 50});
    EXPECT_EQ(r.target, "/api/v5/market/history-candles?instId=BTC-USDT&bar=1s&limit=50");
    const std::int64_t start = 1597017600000;  // 2020-08-10 00:00 UTC
    r = a.historyRequest({"BTC-USDT", Interval::H1, start, std::nullopt, 100});
    EXPECT_EQ(r.target, "/api/v5/market/history-candles?instId=BTC-USDT&bar=1H&after=" +
                            std::to_string(start + 99 * kHourMs + 1) + "&before=" + std::to_string(start - 1) +
                            "&limit=100");
    r = a.historyRequest({"BTC-USDT", Interval::D1, std::nullopt, start, 10});
    EXPECT_EQ(r.target, "/api/v5/market/history-candles?instId=BTC-USDT&bar=1Dutc&after=" + std::to_string(start + 1) +
                            "&limit=10");
    EXPECT_EQ(a.depthRequest("BTC-USDT", 5000).target, "/api/v5/market/books?instId=BTC-USDT&sz=400");
    EXPECT_EQ(a.exchangeInfoRequest().target, "/api/v5/public/instruments?instType=SPOT");
    EXPECT_EQ(a.serverTimeRequest().target, "/api/v5/public/time");
}

TEST(OkxAdapter, DocumentedHistoryAnswerIsDeDuplicatedAndKeepsTheConfirmFlag) {
    OkxAdapter a;
    // The documented example repeats one ts: one candle remains, the first listed.
    auto rows = a.parseHistory(test::readFixture("okx/history-candles.json"), 200, 0);
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->size(), 1u);
    const Candle& c = rows->front();
    EXPECT_EQ(c.openTime, 1597026383085);
    EXPECT_EQ(c.open.toString(), "3.72100000");
    EXPECT_EQ(c.high.toString(), "3.74300000");
    EXPECT_EQ(c.low.toString(), "3.67700000");
    EXPECT_EQ(c.close.toString(), "3.70800000");
    EXPECT_EQ(c.volume.toString(), "8422410.00000000");
    EXPECT_EQ(c.quoteVolume.toString(), "12698348.04828491");  // volCcyQuote
    EXPECT_TRUE(c.closed);

    // Newest first with the forming candle on top (rows of the documented candle push) comes back
    // ascending with only the newest forming.
    auto doc = nlohmann::json::parse(test::readFixture("okx/history-candles.json"));
    auto newer = doc["data"][0];
    newer[0] = "1597026443085";
    newer[8] = "0";
    doc["data"] = nlohmann::json::array({newer, doc["data"][0]});
    rows = a.parseHistory(doc.dump(), 200, 0);
    ASSERT_TRUE(rows);
    ASSERT_EQ(rows->size(), 2u);
    EXPECT_EQ((*rows)[0].openTime, 1597026383085);
    EXPECT_TRUE((*rows)[0].closed);
    EXPECT_EQ((*rows)[1].openTime, 1597026443085);
    EXPECT_FALSE((*rows)[1].closed);
}

TEST(OkxAdapter, ErrorBodiesCarryOkxsCode) {
    OkxAdapter a;
    const auto e = a.parseHistory(R"({"code":"51001","msg":"Instrument ID does not exist","data":[]})", 200, 0);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, 51001);
    EXPECT_NE(e.error().message.find("Instrument ID does not exist"), std::string::npos);
    const auto busy = a.parseServerTime(R"({"msg":"Too Many Requests","code":"50011"})", 429);
    ASSERT_FALSE(busy);
    EXPECT_EQ(busy.error().code, 50011);
    const auto http = a.parseExchangeInfo("<html>bad gateway</html>", 502);
    ASSERT_FALSE(http);
    EXPECT_EQ(http.error().code, 502);
}

TEST(OkxAdapter, DocumentedCandlePush) {
    OkxAdapter a;
    const std::string frame = test::readFixture("okx/candle-ws.json");
    // The doc's channel is candle1D (UTC+8 days), which this client never subscribes to.
    EXPECT_TRUE(parseOk(a, frame).empty());
    auto utc = nlohmann::json::parse(frame);
    utc["arg"]["channel"] = "candle1Dutc";
    const auto events = parseOk(a, utc.dump());
    ASSERT_EQ(events.size(), 1u);
    const auto& k = std::get<KlineUpdate>(events[0]);
    EXPECT_EQ(k.key, (SeriesKey{"okx", "BTC-USDT", Interval::D1}));
    EXPECT_EQ(k.candle.openTime, 1597026383085);
    EXPECT_EQ(k.candle.open.toString(), "8533.02000000");
    EXPECT_EQ(k.candle.close.toString(), "8548.26000000");
    EXPECT_EQ(k.candle.volume.toString(), "45247.00000000");
    EXPECT_EQ(k.candle.quoteVolume.toString(), "5529.58580610");
    EXPECT_FALSE(k.candle.closed);
}

TEST(OkxAdapter, DocumentedTradesTickersAndBooks) {
    OkxAdapter a;
    auto events = parseOk(a, test::readFixture("okx/trades-ws.json"));
    ASSERT_EQ(events.size(), 1u);
    const auto& t = std::get<TradeTick>(events[0]);
    EXPECT_EQ(t.symbol, "BTC-USDT");
    EXPECT_EQ(t.tradeId, 130639474);
    EXPECT_EQ(t.firstTradeId, 130639472);  // count 3: trades 130639472..130639474
    EXPECT_EQ(t.lastTradeId, 130639474);
    EXPECT_TRUE(t.aggregate);
    EXPECT_EQ(t.price.toString(), "42219.90000000");
    EXPECT_EQ(t.quantity.toString(), "0.12060306");
    EXPECT_FALSE(t.buyerIsMaker);  // the taker bought
    EXPECT_EQ(t.timeMs, 1630048897897);

    events = parseOk(a, test::readFixture("okx/tickers-ws.json"));
    ASSERT_EQ(events.size(), 1u);
    const auto& tk = std::get<Ticker24h>(events[0]);
    EXPECT_FALSE(tk.mini);
    EXPECT_EQ(tk.lastPrice.toString(), "9999.99000000");
    EXPECT_EQ(tk.open.toString(), "9000.00000000");
    EXPECT_EQ(tk.bidPrice.toString(), "8888.88000000");
    EXPECT_EQ(tk.askQuantity.toString(), "11.00000000");
    EXPECT_EQ(tk.priceChange.toString(), "999.99000000");
    EXPECT_EQ(tk.priceChangePercent.toString(), "11.11100000");
    EXPECT_EQ(tk.eventTimeMs, 1597026383085);

    events = parseOk(a, test::readFixture("okx/books-ws-snapshot.json"));
    ASSERT_EQ(events.size(), 1u);
    const DepthSnapshot s = std::get<DepthSnapshot>(events[0]);  // a copy: `events` is reassigned below
    EXPECT_EQ(s.lastUpdateId, 123456);
    EXPECT_FALSE(s.partial());
    EXPECT_EQ(s.depthLevels, 0);  // books: the diff-depth book
    ASSERT_EQ(s.bids.size(), 8u);
    ASSERT_EQ(s.asks.size(), 8u);
    EXPECT_EQ(s.bids[0].price.toString(), "8476.97000000");
    EXPECT_EQ(s.asks[7].quantity.toString(), "100.00000000");

    events = parseOk(a, test::readFixture("okx/books-ws-update.json"));
    ASSERT_EQ(events.size(), 1u);
    const auto& d = std::get<DepthUpdate>(events[0]);
    // prevSeqId 123456 == the snapshot's seqId: first = last + 1, as Binance's rule expects.
    EXPECT_EQ(d.firstUpdateId, s.lastUpdateId + 1);
    EXPECT_EQ(d.finalUpdateId, 123457);
    EXPECT_EQ(d.eventTimeMs, 1597026383085);
    EXPECT_EQ(d.depthLevels, 0);

    events = parseOk(a, test::readFixture("okx/books5-ws.json"));
    ASSERT_EQ(events.size(), 1u);
    const auto& p = std::get<DepthSnapshot>(events[0]);
    EXPECT_TRUE(p.partial());
    EXPECT_EQ(p.depthLevels, 5);
    EXPECT_EQ(p.symbol, "BCH-USDT-SWAP");
    EXPECT_EQ(p.bids.size(), 5u);

    events = parseOk(a, test::readFixture("okx/bbo-tbt-ws.json"));
    ASSERT_EQ(events.size(), 1u);
    const auto& b = std::get<BookTicker>(events[0]);
    EXPECT_EQ(b.symbol, "BCH-USDT-SWAP");
    EXPECT_EQ(b.updateId, 363996337);
    EXPECT_EQ(b.bidPrice.toString(), "111.05000000");
    EXPECT_EQ(b.askQuantity.toString(), "55154.00000000");
}

TEST(OkxAdapter, SubscribeHeartbeatRepliesAndUpgradeNotice) {
    OkxAdapter a;
    const auto sub = nlohmann::json::parse(a.subscribeMessage(
        {{"BTC-USDT", Interval::M1, StreamKind::Kline}, {"ETH-USDT", Interval::H8, StreamKind::Kline}}, 12));
    EXPECT_EQ(sub, nlohmann::json::parse(
                       R"({"id":"12","op":"subscribe","args":[{"channel":"candle1m","instId":"BTC-USDT"},{"channel":"candle4H","instId":"ETH-USDT"}]})"));
    const auto unsub = nlohmann::json::parse(a.unsubscribeMessage({{"BTC-USDT", Interval::M1, StreamKind::Depth}}, 13));
    EXPECT_EQ(unsub["op"], "unsubscribe");
    EXPECT_EQ(unsub["args"][0]["channel"], "books");
    EXPECT_EQ(a.heartbeatMessage(1), "ping");
    EXPECT_LT(a.heartbeatInterval(), std::chrono::seconds(30));

    auto events = parseOk(a, "pong");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(std::get<ControlReply>(events[0]).errorCode, 0);
    events = parseOk(a, test::readFixture("okx/subscribe-reply.json"));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(std::get<ControlReply>(events[0]).id, "1512");
    EXPECT_EQ(std::get<ControlReply>(events[0]).errorCode, 0);
    events = parseOk(a, test::readFixture("okx/subscribe-error.json"));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(std::get<ControlReply>(events[0]).errorCode, 60012);
    EXPECT_NE(std::get<ControlReply>(events[0]).message.find("Invalid request"), std::string::npos);
    events = parseOk(a, test::readFixture("okx/notice.json"));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_TRUE(std::holds_alternative<ServerShutdown>(events[0]));
    EXPECT_FALSE(a.parseStreamMessage("ping?"));
}

TEST(OkxAdapter, DocumentedTimeInstrumentsAndBook) {
    OkxAdapter a;
    const auto t = a.parseServerTime(test::readFixture("okx/time.json"), 200);
    ASSERT_TRUE(t);
    EXPECT_EQ(*t, 1597026383085);
    const auto symbols = a.parseExchangeInfo(test::readFixture("okx/instruments-spot.json"), 200);
    ASSERT_TRUE(symbols) << symbols.error().message;
    ASSERT_EQ(symbols->size(), 1u);
    EXPECT_EQ((*symbols)[0].symbol, "BTC-USDT");
    EXPECT_EQ((*symbols)[0].baseAsset, "BTC");
    EXPECT_EQ((*symbols)[0].quoteAsset, "USDT");
    EXPECT_EQ((*symbols)[0].status, "live");
    EXPECT_EQ((*symbols)[0].priceDecimals, 1);
    EXPECT_EQ((*symbols)[0].tickSize.toString(), "0.10000000");
    EXPECT_EQ((*symbols)[0].quantityDecimals, 8);
    const auto book = a.parseDepthSnapshot(test::readFixture("okx/books-rest.json"), 200, "btc-usdt");
    ASSERT_TRUE(book) << book.error().message;
    EXPECT_EQ(book->symbol, "BTC-USDT");
    EXPECT_EQ(book->lastUpdateId, 3235851742);
    EXPECT_EQ(book->asks[0].price.toString(), "41006.80000000");
    EXPECT_EQ(book->bids[0].quantity.toString(), "0.30178218");
}

TEST(OkxAdapter, KeepAliveBookUpdateIsAnEmptyRangeAndForeignBarsAreIgnored) {
    OkxAdapter a;
    // "no change" update: seqId == prevSeqId, no levels -> final < first, stale for the book.
    auto keepAlive = nlohmann::json::parse(test::readFixture("okx/books-ws-update.json"));
    keepAlive["data"][0]["prevSeqId"] = 123457;
    keepAlive["data"][0]["seqId"] = 123457;
    keepAlive["data"][0]["asks"] = nlohmann::json::array();
    keepAlive["data"][0]["bids"] = nlohmann::json::array();
    const auto events = parseOk(a, keepAlive.dump());
    ASSERT_EQ(events.size(), 1u);
    const auto& d = std::get<DepthUpdate>(events[0]);
    EXPECT_LT(d.finalUpdateId, d.firstUpdateId);
    EXPECT_TRUE(d.bids.empty() && d.asks.empty());
    auto week = nlohmann::json::parse(test::readFixture("okx/candle-ws.json"));
    week["arg"]["channel"] = "candle1Wutc";
    EXPECT_TRUE(parseOk(a, week.dump()).empty());
}

// The session counts and filters frames by stream: a documented push names its channel and
// instrument, as streamName() spells them; replies (an "event") name none.
TEST(OkxAdapter, DocumentedPushesNameTheStreamTheyBelongTo) {
    OkxAdapter a;
    EXPECT_EQ(a.streamNameOfFrame(test::readFixture("okx/trades-ws.json")),
              a.streamName({"BTC-USDT", Interval::M1, StreamKind::Trade}));
    EXPECT_EQ(a.streamNameOfFrame(test::readFixture("okx/tickers-ws.json")), "tickers:BTC-USDT");
    EXPECT_EQ(a.streamNameOfFrame(test::readFixture("okx/books5-ws.json")), "books5:BCH-USDT-SWAP");
    EXPECT_EQ(a.streamNameOfFrame(test::readFixture("okx/subscribe-reply.json")), "");
    EXPECT_EQ(a.streamNameOfFrame(test::readFixture("okx/notice.json")), "");
}
