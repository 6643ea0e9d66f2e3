#include <gtest/gtest.h>

#include <sstream>

#include "cpc/exchange/binance/binance_adapter.hpp"
#include "cpc/market/validation.hpp"
#include "support/fixtures.hpp"

using namespace cpc;
using namespace cpc::exchange;

namespace {

// cryptofeed capture format: first line is the URL, then "<unix ts>: <frame>" per line.
std::vector<std::string> captureFrames(const std::string& file) {
    std::istringstream in(test::readFixture(file));
    std::string line;
    std::vector<std::string> frames;
    std::getline(in, line);  // URL line
    while (std::getline(in, line)) {
        const auto sep = line.find(": ");
        if (sep != std::string::npos) frames.push_back(line.substr(sep + 2));
    }
    return frames;
}

}  // namespace

TEST(BinanceAdapter, ParsesEveryFrameOfARealCombinedStreamCapture) {
    BinanceAdapter adapter;
    for (const char* file : {"binance-captures/BINANCE.ws.1.0", "binance-captures/BINANCE_US.ws.1.0"}) {
        const auto frames = captureFrames(file);
        ASSERT_GT(frames.size(), 200u);
        int klines = 0, aggTrades = 0, expectedKlines = 0, expectedAggTrades = 0;
        for (const auto& f : frames) {
            expectedKlines += f.find(R"("e":"kline")") != std::string::npos;
            expectedAggTrades += f.find(R"("e":"aggTrade")") != std::string::npos;
            auto events = adapter.parseStreamMessage(f);
            ASSERT_TRUE(events) << events.error().message << " in " << f;
            for (const auto& e : *events) {
                if (const auto* k = std::get_if<KlineUpdate>(&e)) {
                    ++klines;
                    EXPECT_EQ(k->key.interval, Interval::M1);
                    EXPECT_FALSE(market::validateCandle(k->candle));
                    EXPECT_FALSE(market::validateAlignment(k->candle, Interval::M1));
                }
                if (std::holds_alternative<TradeTick>(e)) ++aggTrades;
            }
        }
        EXPECT_GE(expectedKlines, 2) << file;
        EXPECT_EQ(klines, expectedKlines) << file;
        EXPECT_EQ(aggTrades, expectedAggTrades) << file;
    }
}

TEST(BinanceAdapter, KlineFieldsKeepBinancesExactDecimals) {
    BinanceAdapter adapter;
    const std::string frame =
        R"({"stream":"omgbusd@kline_1m","data":{"e":"kline","E":1633998301755,"s":"OMGBUSD","k":{"t":1633998240000,"T":1633998299999,"s":"OMGBUSD","i":"1m","f":439572,"L":439585,"o":"13.72120000","c":"13.76640000","h":"13.80760000","l":"13.72120000","v":"536.51000000","n":14,"x":true,"q":"7387.12073500","V":"231.60000000","Q":"3187.75743000","B":"0"}}})";
    auto events = adapter.parseStreamMessage(frame);
    ASSERT_TRUE(events);
    ASSERT_EQ(events->size(), 1u);
    const auto& k = std::get<KlineUpdate>(events->front());
    EXPECT_EQ(k.key.symbol, "OMGBUSD");
    EXPECT_EQ(k.key.exchange, "binance");
    EXPECT_EQ(k.eventTimeMs, 1633998301755);
    EXPECT_EQ(k.candle.openTime, 1633998240000);
    EXPECT_EQ(k.candle.open.toString(), "13.72120000");
    EXPECT_EQ(k.candle.high.toString(), "13.80760000");
    EXPECT_EQ(k.candle.low.toString(), "13.72120000");
    EXPECT_EQ(k.candle.close.toString(), "13.76640000");
    EXPECT_EQ(k.candle.volume.toString(), "536.51000000");
    EXPECT_EQ(k.candle.quoteVolume.toString(), "7387.12073500");
    EXPECT_EQ(k.candle.takerBuyBase.toString(), "231.60000000");
    EXPECT_EQ(k.candle.takerBuyQuote.toString(), "3187.75743000");
    EXPECT_EQ(k.candle.trades, 14);
    EXPECT_TRUE(k.candle.closed);
}

TEST(BinanceAdapter, RawStreamEventWithoutWrapperAndSpecialEvents) {
    BinanceAdapter adapter;
    const Candle c = [] {
        Candle k;
        k.openTime = 1672515780000;
        k.open = *Decimal::parse("0.0010");
        k.high = *Decimal::parse("0.0025");
        k.low = *Decimal::parse("0.0010");
        k.close = *Decimal::parse("0.0020");
        k.volume = *Decimal::parse("1000");
        k.quoteVolume = *Decimal::parse("1.0000");
        k.trades = 100;
        k.takerBuyBase = *Decimal::parse("500");
        k.takerBuyQuote = *Decimal::parse("0.500");
        return k;
    }();
    const auto raw = BinanceAdapter::klineEventJson("bnbbtc", Interval::M1, c, 1672515782136);
    auto events = adapter.parseStreamMessage(raw);
    ASSERT_TRUE(events) << events.error().message;
    const auto& k = std::get<KlineUpdate>(events->front());
    EXPECT_EQ(k.candle, c);  // encoder and decoder agree field by field
    EXPECT_EQ(k.key.symbol, "BNBBTC");

    auto shutdown = adapter.parseStreamMessage(
        R"({"stream":"!serverShutdown","data":{"e":"serverShutdown","E":1770123456789}})");
    ASSERT_TRUE(shutdown);
    EXPECT_EQ(std::get<ServerShutdown>(shutdown->front()).eventTimeMs, 1770123456789);

    auto ok = adapter.parseStreamMessage(R"({"result":null,"id":1})");
    ASSERT_TRUE(ok);
    EXPECT_EQ(std::get<ControlReply>(ok->front()).errorCode, 0);
    auto err = adapter.parseStreamMessage(R"({"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":2})");
    ASSERT_TRUE(err);
    EXPECT_EQ(std::get<ControlReply>(err->front()).errorCode, 2);
    EXPECT_EQ(std::get<ControlReply>(err->front()).message, "Invalid request: invalid stream");
}

TEST(BinanceAdapter, MalformedFramesGiveClearErrors) {
    BinanceAdapter adapter;
    EXPECT_FALSE(adapter.parseStreamMessage("{not json"));
    EXPECT_FALSE(adapter.parseStreamMessage("[1,2]"));
    auto missing = adapter.parseStreamMessage(R"({"e":"kline","E":1,"s":"X","k":{"t":0,"i":"1m"}})");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("\"o\""), std::string::npos);
    auto badInterval = adapter.parseStreamMessage(R"({"e":"kline","k":{"t":0,"i":"1mo"}})");
    ASSERT_FALSE(badInterval);
    EXPECT_NE(badInterval.error().message.find("1mo"), std::string::npos);
}

TEST(BinanceAdapter, ParsesRealRestKlinesAndMarksTheFormingRowProvisional) {
    BinanceAdapter adapter;
    const auto body = test::readFixture("binance-rest/BTCUSDT-1h-2024-01-15.klines.json");
    auto rows = adapter.parseHistory(body, 200, 1705350000000);  // 2024-01-15 20:20 UTC
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->size(), 24u);
    EXPECT_EQ(rows->front().openTime, 1705276800000);
    EXPECT_EQ(rows->front().open.toString(), "41732.35000000");
    EXPECT_EQ(rows->front().quoteVolume.toString(), "102456168.22559890");
    EXPECT_EQ(rows->front().trades, 66725);
    EXPECT_TRUE(rows->front().closed);
    EXPECT_FALSE(rows->back().closed);  // its close time is after "now"
    EXPECT_FALSE(market::validateSeries(*rows, Interval::H1));
    // Encoding a parsed row reproduces Binance's bytes exactly.
    const std::string first = body.substr(1, body.find(']') );
    EXPECT_EQ(BinanceAdapter::klineRowJson(rows->front(), Interval::H1), first);
}

TEST(BinanceAdapter, ErrorBodiesBecomeErrorsWithTheVenueCode) {
    BinanceAdapter adapter;
    auto r = adapter.parseHistory(R"({"code":-1121,"msg":"Invalid symbol."})", 400, 0);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, -1121);
    EXPECT_NE(r.error().message.find("Invalid symbol."), std::string::npos);
    auto html = adapter.parseHistory("<html>busy</html>", 503, 0);
    ASSERT_FALSE(html);
    EXPECT_EQ(html.error().code, 503);
    EXPECT_FALSE(adapter.parseHistory("[[1,2]]", 200, 0));
    EXPECT_TRUE(adapter.parseHistory("[]", 200, 0));
}

TEST(BinanceAdapter, BuildsRequestsAndStreamUrls) {
    BinanceAdapter adapter;
    EXPECT_EQ(adapter.endpoints().restBase, "https://api.binance.com");
    EXPECT_EQ(adapter.endpoints().streamBase, "wss://stream.binance.com:9443");
    const auto req = adapter.historyRequest({"btcusdt", Interval::Mo1, 1000, 2000, 5000});
    EXPECT_EQ(req.target, "/api/v3/klines?symbol=BTCUSDT&interval=1M&startTime=1000&endTime=2000&limit=1000");
    EXPECT_EQ(req.weight, 2);
    EXPECT_EQ(adapter.klineStreamUrl({{"BTCUSDT", Interval::M1}, {"ETHBTC", Interval::Mo1}}),
              "wss://stream.binance.com:9443/stream?streams=btcusdt@kline_1m/ethbtc@kline_1M");
}

TEST(BinanceAdapter, ExchangeInfoGivesSymbolsAndPrecision) {
    BinanceAdapter adapter;
    auto symbols = adapter.parseExchangeInfo(test::readFixture("binance-captures/exchangeInfo.subset.json"), 200);
    ASSERT_TRUE(symbols) << symbols.error().message;
    ASSERT_GE(symbols->size(), 5u);
    const auto it = std::find_if(symbols->begin(), symbols->end(),
                                 [](const SymbolInfo& s) { return s.symbol == "BTCUSDT"; });
    ASSERT_NE(it, symbols->end());
    EXPECT_EQ(it->baseAsset, "BTC");
    EXPECT_EQ(it->quoteAsset, "USDT");
    EXPECT_EQ(it->priceDecimals, 2);
    EXPECT_EQ(it->status, "TRADING");
    EXPECT_FALSE(adapter.parseExchangeInfo("{}", 200));
    EXPECT_EQ(adapter.parseServerTime(R"({"serverTime":1499827319559})", 200).value(), 1499827319559);
}
