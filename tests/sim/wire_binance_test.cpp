// The simulator's Binance payloads (src/sim/wire_binance.cpp) against BinanceAdapter and against
// Binance's own bytes: the real REST answer and stream capture in tests/fixtures, and the
// documented examples where no capture has the payload (trade, tickers).
#include <gtest/gtest.h>

#include <sstream>

#include "cpc/exchange/binance/binance_adapter.hpp"
#include "wire.hpp"
#include "wire_test_util.hpp"

using namespace cpc;
using namespace cpc::exchange;
namespace wire = cpc::sim::wire::binance;

namespace {

// cryptofeed capture format: first line is the URL, then "<unix ts>: <frame>" per line.
std::vector<std::string> captureFrames(const std::string& file) {
    std::istringstream in(test::readFixture(file));
    std::string line;
    std::vector<std::string> frames;
    std::getline(in, line);
    while (std::getline(in, line)) {
        const auto sep = line.find(": ");
        if (sep != std::string::npos) frames.push_back(line.substr(sep + 2));
    }
    return frames;
}

// The "data" member of a combined-stream frame, as the bytes Binance sent.
std::string dataOf(const std::string& frame) {
    const std::string tag = "\"data\":";
    const std::size_t at = frame.find(tag);
    return frame.substr(at + tag.size(), frame.size() - at - tag.size() - 1);
}

std::string firstFrameWith(const std::vector<std::string>& frames, const std::string& needle) {
    for (const auto& f : frames)
        if (f.find(needle) != std::string::npos) return f;
    ADD_FAILURE() << "no frame with " << needle;
    return "{}";
}

// Documented examples of the Binance Spot WebSocket streams page (no capture has these streams).
constexpr const char* kDocTrade =
    R"({"e":"trade","E":1672515782136,"s":"BNBBTC","t":12345,"p":"0.001","q":"100","T":1672515782136,"m":true,"M":true})";
constexpr const char* kDocTicker =
    R"({"e":"24hrTicker","E":1672515782136,"s":"BNBBTC","p":"0.0015","P":"250.00","w":"0.0018","x":"0.0009","c":"0.0025","Q":"10","b":"0.0024","B":"10","a":"0.0026","A":"100","o":"0.0010","h":"0.0025","l":"0.0010","v":"10000","q":"18","O":0,"C":86400000,"F":0,"L":18150,"n":18151})";
constexpr const char* kDocMiniTicker =
    R"({"e":"24hrMiniTicker","E":1672515782136,"s":"BNBBTC","c":"0.0025","o":"0.0010","h":"0.0025","l":"0.0010","v":"10000","q":"18"})";

}  // namespace

TEST(WireBinance, RestKlineRowsReproduceARealAnswerByteForByte) {
    BinanceAdapter adapter;
    std::string body = test::readFixture("binance-rest/BTCUSDT-1h-2024-01-15.klines.json");
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
    auto rows = adapter.parseHistory(body, 200, 1705350000000);
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->size(), 24u);
    std::string encoded = "[";
    for (const Candle& c : *rows) encoded += (encoded.size() > 1 ? "," : "") + wire::klineRow(c, Interval::H1);
    EXPECT_EQ(encoded + "]", body);
}

TEST(WireBinance, StreamPayloadsReproduceTheRealCaptureByteForByte) {
    BinanceAdapter adapter;
    int depth = 0, books = 0, aggTrades = 0;
    for (const char* file : {"binance-captures/BINANCE.ws.1.0", "binance-captures/BINANCE_US.ws.1.0"}) {
        for (const std::string& frame : captureFrames(file)) {
            auto events = adapter.parseStreamMessage(frame);
            ASSERT_TRUE(events) << events.error().message;
            ASSERT_EQ(events->size(), 1u) << frame;
            const auto& e = events->front();
            if (const auto* d = std::get_if<DepthUpdate>(&e)) {
                ++depth;
                EXPECT_EQ(wire::depthUpdateEvent(*d), dataOf(frame));
            } else if (const auto* b = std::get_if<BookTicker>(&e)) {
                ++books;
                EXPECT_EQ(wire::bookTickerEvent(*b), dataOf(frame));
            } else if (const auto* t = std::get_if<TradeTick>(&e)) {
                ++aggTrades;
                EXPECT_EQ(wire::tradeEvent(*t), dataOf(frame));
            }
        }
    }
    EXPECT_EQ(depth, 177 + 336);
    EXPECT_EQ(books, 84 + 128);
    EXPECT_EQ(aggTrades, 2 + 11);
}

TEST(WireBinance, KlinePushReadsBackAndHasTheCapturesShape) {
    BinanceAdapter adapter;
    for (const Candle& c : test::wireCandles(true)) {
        const std::string payload = wire::klineEvent("btcusdt", Interval::H1, c, test::kWireNow);
        auto events = adapter.parseStreamMessage(payload);
        ASSERT_TRUE(events) << events.error().message;
        ASSERT_EQ(events->size(), 1u);
        const auto& k = std::get<KlineUpdate>(events->front());
        EXPECT_EQ(k.candle, c);
        EXPECT_EQ(k.key, (SeriesKey{"binance", "BTCUSDT", Interval::H1}));
        EXPECT_EQ(k.eventTimeMs, test::kWireNow);
    }
    const auto frames = captureFrames("binance-captures/BINANCE.ws.1.0");
    test::expectSameShape(wire::klineEvent("NKNUSDT", Interval::M1, test::wireCandles(true).front(), test::kWireNow),
                          dataOf(firstFrameWith(frames, R"("e":"kline")")), "kline push");
}

TEST(WireBinance, TradesTickersAndBooksReadBackAndHaveBinancesShape) {
    BinanceAdapter adapter;
    TradeTick t;
    t.symbol = "btcusdt";
    t.tradeId = 4200;
    t.price = *Decimal::parse("42000.01");
    t.quantity = *Decimal::parse("0.5");
    t.timeMs = test::kWireNow - 3;
    t.eventTimeMs = test::kWireNow;
    t.buyerIsMaker = true;
    t.firstTradeId = t.lastTradeId = 4200;
    for (const bool aggregate : {false, true}) {
        t.aggregate = aggregate;
        if (aggregate) t.lastTradeId = 4203;
        auto events = adapter.parseStreamMessage(wire::tradeEvent(t));
        ASSERT_TRUE(events) << events.error().message;
        const auto& got = std::get<TradeTick>(events->front());
        EXPECT_EQ(got.symbol, "BTCUSDT");
        EXPECT_EQ(got.aggregate, aggregate);
        EXPECT_EQ(got.tradeId, 4200);
        EXPECT_EQ(got.firstTradeId, 4200);
        EXPECT_EQ(got.lastTradeId, t.lastTradeId);
        EXPECT_EQ(got.price, t.price);
        EXPECT_EQ(got.quantity, t.quantity);
        EXPECT_EQ(got.timeMs, t.timeMs);
        EXPECT_EQ(got.eventTimeMs, t.eventTimeMs);
        EXPECT_TRUE(got.buyerIsMaker);
    }
    t.aggregate = false;
    test::expectSameShape(wire::tradeEvent(t), kDocTrade, "trade");
    t.aggregate = true;
    test::expectSameShape(wire::tradeEvent(t),
                          dataOf(firstFrameWith(captureFrames("binance-captures/BINANCE.ws.1.0"), R"("e":"aggTrade")")),
                          "aggTrade");

    // Tickers: the documented payloads parsed, encoded again and parsed back.
    for (const char* doc : {kDocTicker, kDocMiniTicker}) {
        auto parsed = adapter.parseStreamMessage(doc);
        ASSERT_TRUE(parsed) << parsed.error().message;
        const auto& tk = std::get<Ticker24h>(parsed->front());
        const std::string ours = wire::tickerEvent(tk);
        auto again = adapter.parseStreamMessage(ours);
        ASSERT_TRUE(again) << again.error().message;
        const auto& back = std::get<Ticker24h>(again->front());
        EXPECT_EQ(back.mini, tk.mini);
        EXPECT_EQ(back.lastPrice, tk.lastPrice);
        EXPECT_EQ(back.open, tk.open);
        EXPECT_EQ(back.quoteVolume, tk.quoteVolume);
        EXPECT_EQ(back.weightedAvgPrice, tk.weightedAvgPrice);
        EXPECT_EQ(back.priceChangePercent, tk.priceChangePercent);
        EXPECT_EQ(back.closeTimeMs, tk.closeTimeMs);
        EXPECT_EQ(back.tradeCount, tk.tradeCount);
        test::expectSameShape(ours, doc, tk.mini ? "miniTicker" : "ticker");
    }

    // The REST depth snapshot (the capture's answer to GET /api/v3/depth): read back as a partial
    // depth push, and Binance's shape.
    const std::string snapshotLine = test::readFixture("binance-captures/BINANCE.http.depth-snapshots");
    const std::size_t brace = snapshotLine.find(": {");
    const std::string realSnapshot = snapshotLine.substr(brace + 2, snapshotLine.find('\n', brace) - brace - 2);
    auto real = adapter.parseDepthSnapshot(realSnapshot, 200, "NKNUSDT");
    ASSERT_TRUE(real) << real.error().message;
    const std::string ours = wire::depthSnapshot(*real);
    EXPECT_EQ(ours, realSnapshot);  // Binance's bytes
    auto pushed = adapter.parseStreamMessage(R"({"stream":"nknusdt@depth5@100ms","data":)" + ours + "}");
    ASSERT_TRUE(pushed) << pushed.error().message;
    const auto& snap = std::get<DepthSnapshot>(pushed->front());
    EXPECT_EQ(snap.lastUpdateId, real->lastUpdateId);
    EXPECT_EQ(snap.bids, real->bids);
    EXPECT_EQ(snap.asks, real->asks);
}
