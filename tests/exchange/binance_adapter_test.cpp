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
        k.low = *Decimal::parse("0.0015");
        k.close = *Decimal::parse("0.0020");
        k.volume = *Decimal::parse("1000");
        k.quoteVolume = *Decimal::parse("1.0000");
        k.trades = 100;
        k.takerBuyBase = *Decimal::parse("500");
        k.takerBuyQuote = *Decimal::parse("0.500");
        return k;
    }();
    // The documented example of <symbol>@kline_<interval> (raw stream, no combined wrapper).
    const std::string raw =
        R"({"e":"kline","E":1672515782136,"s":"BNBBTC","k":{"t":1672515780000,"T":1672515839999,"s":"BNBBTC",)"
        R"("i":"1m","f":100,"L":200,"o":"0.0010","c":"0.0020","h":"0.0025","l":"0.0015","v":"1000","n":100,)"
        R"("x":false,"q":"1.0000","V":"500","Q":"0.500","B":"123456"}})";
    auto events = adapter.parseStreamMessage(raw);
    ASSERT_TRUE(events) << events.error().message;
    const auto& k = std::get<KlineUpdate>(events->front());
    EXPECT_EQ(k.candle, c);
    EXPECT_EQ(k.key.symbol, "BNBBTC");
    EXPECT_EQ(k.eventTimeMs, 1672515782136);

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
    EXPECT_EQ(it->tickSize, *Decimal::parse("0.01"));  // PRICE_FILTER tickSize "0.01000000"
    EXPECT_EQ(it->status, "TRADING");
    const auto eth = std::find_if(symbols->begin(), symbols->end(),
                                  [](const SymbolInfo& s) { return s.symbol == "ETHBTC"; });
    ASSERT_NE(eth, symbols->end());
    EXPECT_EQ(eth->tickSize, *Decimal::parse("0.000001"));
    EXPECT_EQ(eth->priceDecimals, 6);
    EXPECT_FALSE(adapter.parseExchangeInfo("{}", 200));
    EXPECT_EQ(adapter.parseServerTime(R"({"serverTime":1499827319559})", 200).value(), 1499827319559);
}

// ---- trade, aggTrade, depth, partial depth, bookTicker, tickers (issue #4) ----

TEST(BinanceAdapter, ParsesDepthDiffsBookTickersAndAggTradesOfTheRealCapture) {
    BinanceAdapter adapter;
    const auto frames = captureFrames("binance-captures/BINANCE.ws.1.0");
    int depth = 0, books = 0, aggs = 0;
    for (const auto& f : frames) {
        auto events = adapter.parseStreamMessage(f);
        ASSERT_TRUE(events) << events.error().message;
        for (const auto& e : *events) {
            if (const auto* d = std::get_if<DepthUpdate>(&e)) {
                ++depth;
                EXPECT_FALSE(d->symbol.empty());
                EXPECT_LE(d->firstUpdateId, d->finalUpdateId);
                EXPECT_GT(d->eventTimeMs, 1633998500000);
            } else if (const auto* b = std::get_if<BookTicker>(&e)) {
                ++books;
                EXPECT_LT(b->bidPrice, b->askPrice) << f;
                EXPECT_GT(b->updateId, 0);
            } else if (const auto* t = std::get_if<TradeTick>(&e)) {
                ++aggs;
                EXPECT_TRUE(t->aggregate);
                EXPECT_LE(t->firstTradeId, t->lastTradeId);
            }
        }
    }
    EXPECT_EQ(depth, 177);
    EXPECT_EQ(books, 84);
    EXPECT_EQ(aggs, 2);
}

TEST(BinanceAdapter, DepthDiffKeepsLevelsAndUpdateIds) {
    BinanceAdapter adapter;
    const std::string frame =
        R"({"stream":"nknusdt@depth@100ms","data":{"e":"depthUpdate","E":1633998512068,"s":"NKNUSDT","U":499869750,"u":499869752,"b":[["0.35130000","6195.00000000"],["0.34750000","0.00000000"]],"a":[]}})";
    auto events = adapter.parseStreamMessage(frame);
    ASSERT_TRUE(events);
    const auto& d = std::get<DepthUpdate>(events->at(0));
    EXPECT_EQ(d.symbol, "NKNUSDT");
    EXPECT_EQ(d.firstUpdateId, 499869750);
    EXPECT_EQ(d.finalUpdateId, 499869752);
    ASSERT_EQ(d.bids.size(), 2u);
    EXPECT_EQ(d.bids[0].price.toString(), "0.35130000");
    EXPECT_EQ(d.bids[0].quantity.toString(), "6195.00000000");
    EXPECT_TRUE(d.bids[1].quantity.isZero());
    EXPECT_TRUE(d.asks.empty());
}

TEST(BinanceAdapter, PartialDepthIsRoutedByTheCombinedStreamName) {
    BinanceAdapter adapter;
    const std::string frame =
        R"({"stream":"bnbbtc@depth5@100ms","data":{"lastUpdateId":160,"bids":[["0.0024","10"]],"asks":[["0.0026","100"]]}})";
    auto events = adapter.parseStreamMessage(frame);
    ASSERT_TRUE(events);
    const auto& s = std::get<DepthSnapshot>(events->at(0));
    EXPECT_EQ(s.symbol, "BNBBTC");
    EXPECT_TRUE(s.partial());
    EXPECT_EQ(s.depthLevels, 5);
    EXPECT_EQ(s.lastUpdateId, 160);
    EXPECT_EQ(s.bids.at(0).price.toString(), "0.00240000");
    EXPECT_EQ(s.asks.at(0).quantity.toString(), "100.00000000");
    // The raw form has no symbol at all: parsed, symbol left empty for the caller to route.
    auto raw = adapter.parseStreamMessage(R"({"lastUpdateId":160,"bids":[],"asks":[]})");
    ASSERT_TRUE(raw);
    EXPECT_TRUE(std::get<DepthSnapshot>(raw->at(0)).symbol.empty());
}

TEST(BinanceAdapter, TradeBookTickerAndTickersFromTheDocumentedPayloads) {
    BinanceAdapter adapter;
    auto trade = adapter.parseStreamMessage(
        R"({"e":"trade","E":1672515782136,"s":"BNBBTC","t":12345,"p":"0.001","q":"100","T":1672515782136,"m":true,"M":true})");
    ASSERT_TRUE(trade);
    const auto& t = std::get<TradeTick>(trade->at(0));
    EXPECT_FALSE(t.aggregate);
    EXPECT_EQ(t.tradeId, 12345);
    EXPECT_EQ(t.firstTradeId, 12345);
    EXPECT_TRUE(t.buyerIsMaker);
    EXPECT_EQ(t.price.toString(), "0.00100000");

    auto agg = adapter.parseStreamMessage(
        R"({"e":"aggTrade","E":1672515782136,"s":"BNBBTC","a":12345,"p":"0.001","q":"100","f":100,"l":105,"T":1672515782136,"m":true,"M":true})");
    ASSERT_TRUE(agg);
    const auto& a = std::get<TradeTick>(agg->at(0));
    EXPECT_TRUE(a.aggregate);
    EXPECT_EQ(a.firstTradeId, 100);
    EXPECT_EQ(a.lastTradeId, 105);

    auto book = adapter.parseStreamMessage(
        R"({"u":400900217,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"})");
    ASSERT_TRUE(book);
    const auto& b = std::get<BookTicker>(book->at(0));
    EXPECT_EQ(b.updateId, 400900217);
    EXPECT_EQ(b.askQuantity.toString(), "40.66000000");

    auto ticker = adapter.parseStreamMessage(
        R"({"e":"24hrTicker","E":1672515782136,"s":"BNBBTC","p":"0.0015","P":"250.00","w":"0.0018","x":"0.0009","c":"0.0025","Q":"10","b":"0.0024","B":"10","a":"0.0026","A":"100","o":"0.0010","h":"0.0025","l":"0.0010","v":"10000","q":"18","O":0,"C":86400000,"F":0,"L":18150,"n":18151})");
    ASSERT_TRUE(ticker);
    const auto& tk = std::get<Ticker24h>(ticker->at(0));
    EXPECT_FALSE(tk.mini);
    EXPECT_EQ(tk.priceChangePercent.toString(), "250.00000000");
    EXPECT_EQ(tk.lastPrice.toString(), "0.00250000");
    EXPECT_EQ(tk.closeTimeMs, 86400000);
    EXPECT_EQ(tk.tradeCount, 18151);
    EXPECT_EQ(tk.weightedAvgPrice.toString(), "0.00180000");

    auto mini = adapter.parseStreamMessage(
        R"({"stream":"bnbbtc@miniTicker","data":{"e":"24hrMiniTicker","E":1672515782136,"s":"BNBBTC","c":"0.0025","o":"0.0010","h":"0.0025","l":"0.0010","v":"10000","q":"18"}})");
    ASSERT_TRUE(mini);
    EXPECT_TRUE(std::get<Ticker24h>(mini->at(0)).mini);
    EXPECT_EQ(std::get<Ticker24h>(mini->at(0)).quoteVolume.toString(), "18.00000000");
}

TEST(BinanceAdapter, MalformedDepthIsAnErrorNotAnEmptyBook) {
    BinanceAdapter adapter;
    EXPECT_FALSE(adapter.parseStreamMessage(R"({"e":"depthUpdate","s":"X","U":1,"b":[],"a":[]})"));
    EXPECT_FALSE(adapter.parseStreamMessage(R"({"e":"depthUpdate","s":"X","U":1,"u":2,"b":[["1"]],"a":[]})"));
    EXPECT_FALSE(adapter.parseStreamMessage(R"({"u":5,"s":"X","b":"1.0","B":"x","a":"2","A":"1"})"));
    EXPECT_FALSE(adapter.parseDepthSnapshot(R"({"bids":[],"asks":[]})", 200, "X"));
    auto err = adapter.parseDepthSnapshot(R"({"code":-1121,"msg":"Invalid symbol."})", 400, "X");
    ASSERT_FALSE(err);
    EXPECT_EQ(err.error().code, -1121);
}

TEST(BinanceAdapter, StreamNamesRoundTripAndControlMessagesCarryIds) {
    BinanceAdapter adapter;
    const std::vector<StreamSpec> specs = {
        {"BTCUSDT", Interval::Mo1, StreamKind::Kline, 20}, {"BTCUSDT", Interval::M1, StreamKind::Trade, 20},
        {"BTCUSDT", Interval::M1, StreamKind::AggTrade, 20}, {"BTCUSDT", Interval::M1, StreamKind::Depth, 20},
        {"BTCUSDT", Interval::M1, StreamKind::PartialDepth, 5}, {"BTCUSDT", Interval::M1, StreamKind::BookTicker, 20},
        {"BTCUSDT", Interval::M1, StreamKind::Ticker, 20}, {"BTCUSDT", Interval::M1, StreamKind::MiniTicker, 20}};
    for (const auto& s : specs) {
        const auto parsed = BinanceAdapter::parseStreamName(adapter.streamName(s));
        ASSERT_TRUE(parsed) << adapter.streamName(s);
        EXPECT_EQ(parsed->kind, s.kind);
        EXPECT_EQ(parsed->symbol, "BTCUSDT");
    }
    EXPECT_EQ(adapter.streamName(specs[0]), "btcusdt@kline_1M");  // never case-folded
    EXPECT_EQ(adapter.streamName(specs[4]), "btcusdt@depth5@100ms");
    EXPECT_FALSE(BinanceAdapter::parseStreamName("btcusdt@depth7"));
    EXPECT_EQ(adapter.subscribeMessage({specs[1], specs[3]}, 7),
              R"({"id":7,"method":"SUBSCRIBE","params":["btcusdt@trade","btcusdt@depth@100ms"]})");
    EXPECT_EQ(adapter.listSubscriptionsMessage(3), R"({"id":3,"method":"LIST_SUBSCRIPTIONS"})");
    EXPECT_EQ(adapter.depthRequest("nknusdt", 1000).weight, 50);
    EXPECT_EQ(adapter.depthRequest("nknusdt", 1000).target, "/api/v3/depth?symbol=NKNUSDT&limit=1000");
}
