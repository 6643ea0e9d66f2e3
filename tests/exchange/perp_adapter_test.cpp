// Perpetual-futures codecs (Binance USD-M, Bybit linear, OKX swap) on the venues' documented
// example payloads in tests/fixtures/{binance-perp,bybit,okx} (sources in each README.md), the
// registry's market selection, and what spot codecs say about perpetual streams.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cpc/exchange/binance/binance_adapter.hpp"
#include "cpc/exchange/bybit/bybit_adapter.hpp"
#include "cpc/exchange/okx/okx_adapter.hpp"
#include "cpc/exchange/price_klines.hpp"
#include "cpc/exchange/registry.hpp"
#include "support/fixtures.hpp"

using namespace cpc;
using namespace cpc::exchange;

namespace {

std::vector<StreamEvent> parseOk(const ExchangeAdapter& a, const std::string& frame) {
    auto events = a.parseStreamMessage(frame);
    EXPECT_TRUE(events) << (events ? "" : events.error().message);
    return events ? *events : std::vector<StreamEvent>{};
}

template <class T>
std::vector<T> only(const std::vector<StreamEvent>& events) {
    std::vector<T> out;
    for (const auto& e : events)
        if (const auto* t = std::get_if<T>(&e)) out.push_back(*t);
    return out;
}

Decimal dec(const char* text) { return *Decimal::parse(text); }

std::unique_ptr<ExchangeAdapter> perp(const char* venue) {
    auto a = makeAdapter(venue, {}, MarketType::Perp);
    EXPECT_TRUE(a) << (a ? "" : a.error().message);
    return a ? std::move(*a) : nullptr;
}

StreamSpec spec(const char* symbol, StreamKind kind) {
    StreamSpec s;
    s.symbol = symbol;
    s.kind = kind;
    return s;
}

}  // namespace

// ---- registry ------------------------------------------------------------------------------------

TEST(PerpRegistry, EachVenueHasItsPerpetualHostsAndKucoinIsRefusedByName) {
    const auto binance = perp("binance");
    ASSERT_TRUE(binance);
    EXPECT_EQ(binance->market(), MarketType::Perp);
    EXPECT_EQ(binance->endpoints().restBase, "https://fapi.binance.com");
    EXPECT_EQ(binance->endpoints().streamBase, "wss://fstream.binance.com");
    const auto bybit = perp("bybit");
    EXPECT_EQ(bybit->endpoints().restBase, "https://api.bybit.com");
    EXPECT_EQ(bybit->endpoints().streamBase, "wss://stream.bybit.com/v5/public/linear");
    const auto okx = perp("OKX");
    EXPECT_EQ(okx->market(), MarketType::Perp);
    EXPECT_EQ(okx->symbolFor("BTC", "USDT"), "BTC-USDT-SWAP");

    const auto kucoin = makeAdapter("kucoin", {}, MarketType::Perp);
    ASSERT_FALSE(kucoin);
    EXPECT_NE(kucoin.error().message.find("no perpetual futures"), std::string::npos) << kucoin.error().message;
    EXPECT_NE(kucoin.error().message.find("binance, bybit, okx"), std::string::npos) << kucoin.error().message;
    const auto unknown = makeAdapter("kraken", {}, MarketType::Perp);
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().message.find("unknown exchange"), std::string::npos);

    // Spot stays the default and unchanged.
    const auto spot = makeAdapter("binance");
    ASSERT_TRUE(spot);
    EXPECT_EQ((*spot)->market(), MarketType::Spot);
    EXPECT_EQ((*spot)->endpoints().restBase, "https://api.binance.com");
}

TEST(PerpRegistry, SpotCodecsHaveNoPerpetualStreamsOrRest) {
    for (const auto& name : adapterNames()) {
        auto a = makeAdapter(name);
        ASSERT_TRUE(a);
        for (const auto kind : {StreamKind::MarkPrice, StreamKind::Funding, StreamKind::OpenInterest, StreamKind::Liquidation})
            EXPECT_FALSE((*a)->hasStream(spec("BTCUSDT", kind))) << name;
        EXPECT_TRUE((*a)->hasStream(spec("BTCUSDT", StreamKind::Kline))) << name;
        EXPECT_FALSE((*a)->fundingHistoryRequest(DerivativesQuery{"BTCUSDT"})) << name;
        EXPECT_FALSE((*a)->parseFundingHistory("[]", 200)) << name;
    }
}

TEST(PerpRegistry, MarketTypeNamesParseAndSeriesKeysKeepSpotSpelling) {
    EXPECT_EQ(parseMarketType("spot"), MarketType::Spot);
    EXPECT_EQ(parseMarketType("PERP"), MarketType::Perp);
    EXPECT_FALSE(parseMarketType("futures"));
    EXPECT_EQ(toString(SeriesKey{"binance", "BTCUSDT", Interval::M1}), "binance:BTCUSDT:1m");
    EXPECT_EQ(toString(SeriesKey{"binance", "BTCUSDT", Interval::M1, MarketType::Perp}), "binance/perp:BTCUSDT:1m");
    EXPECT_NE((SeriesKey{"binance", "BTCUSDT", Interval::M1}), (SeriesKey{"binance", "BTCUSDT", Interval::M1, MarketType::Perp}));
}

// ---- Binance USD-M ---------------------------------------------------------------------------------

TEST(BinancePerp, RestTargetsAreFapiWithUsdmLimitsAndWeights) {
    const auto a = perp("binance");
    EXPECT_EQ(a->maxHistoryLimit(), 1500);
    HistoryQuery q{"btcusdt", Interval::M1, 1000, std::nullopt, 1500};
    const auto klines = a->historyRequest(q);
    EXPECT_EQ(klines.target, "/fapi/v1/klines?symbol=BTCUSDT&interval=1m&startTime=1000&limit=1500");
    EXPECT_EQ(klines.weight, 10);
    q.limit = 99;
    EXPECT_EQ(a->historyRequest(q).weight, 1);
    q.limit = 500;
    EXPECT_EQ(a->historyRequest(q).weight, 5);
    // Depth limits are a fixed set: a request for 30 levels asks for 50.
    EXPECT_EQ(a->depthRequest("BTCUSDT", 30).target, "/fapi/v1/depth?symbol=BTCUSDT&limit=50");
    EXPECT_EQ(a->depthRequest("BTCUSDT", 5000).target, "/fapi/v1/depth?symbol=BTCUSDT&limit=1000");
    EXPECT_EQ(a->depthRequest("BTCUSDT", 5000).weight, 20);
    EXPECT_EQ(a->exchangeInfoRequest().target, "/fapi/v1/exchangeInfo");
    EXPECT_EQ(a->serverTimeRequest().target, "/fapi/v1/time");
    EXPECT_EQ(a->restRateLimit().weight, 2400);
    EXPECT_EQ(a->premiumIndexRequest("btcusdt")->target, "/fapi/v1/premiumIndex?symbol=BTCUSDT");
    EXPECT_EQ(a->openInterestRequest("BTCUSDT")->target, "/fapi/v1/openInterest?symbol=BTCUSDT");
    EXPECT_EQ(a->fundingHistoryRequest(DerivativesQuery{"BTCUSDT", Interval::M5, 1, 2, 5000})->target,
              "/fapi/v1/fundingRate?symbol=BTCUSDT&startTime=1&endTime=2&limit=1000");
    EXPECT_EQ(a->openInterestHistoryRequest(DerivativesQuery{"BTCUSDT", Interval::H1, std::nullopt, std::nullopt, 900})->target,
              "/futures/data/openInterestHist?symbol=BTCUSDT&period=1h&limit=500");
    // 1m is not a period the venue keeps open interest for.
    EXPECT_FALSE(a->openInterestHistoryRequest(DerivativesQuery{"BTCUSDT", Interval::M1}));
}

TEST(BinancePerp, StreamsAreRoutedByPathAndNeverMixedOnOneUrl) {
    const auto a = perp("binance");
    EXPECT_EQ(a->streamName(spec("BTCUSDT", StreamKind::MarkPrice)), "btcusdt@markPrice@1s");
    EXPECT_EQ(a->streamName(spec("BTCUSDT", StreamKind::Funding)), "btcusdt@markPrice@1s");
    EXPECT_EQ(a->streamName(spec("BTCUSDT", StreamKind::Liquidation)), "btcusdt@forceOrder");
    EXPECT_EQ(a->connectionGroup(spec("BTCUSDT", StreamKind::Depth)), "/public");
    EXPECT_EQ(a->connectionGroup(spec("BTCUSDT", StreamKind::BookTicker)), "/public");
    EXPECT_EQ(a->connectionGroup(spec("BTCUSDT", StreamKind::Kline)), "/market");
    EXPECT_EQ(a->connectionGroup(spec("BTCUSDT", StreamKind::MarkPrice)), "/market");
    EXPECT_EQ(a->streamUrl({spec("BTCUSDT", StreamKind::MarkPrice), spec("BTCUSDT", StreamKind::Liquidation)}),
              "wss://fstream.binance.com/market/stream?streams=btcusdt@markPrice@1s/btcusdt@forceOrder");
    EXPECT_EQ(a->streamUrl({spec("BTCUSDT", StreamKind::Depth)}),
              "wss://fstream.binance.com/public/stream?streams=btcusdt@depth@100ms");
    // USD-M has no open-interest stream (polled) and streams aggTrade, not trade.
    EXPECT_FALSE(a->hasStream(spec("BTCUSDT", StreamKind::OpenInterest)));
    EXPECT_FALSE(a->hasStream(spec("BTCUSDT", StreamKind::Trade)));
    EXPECT_TRUE(a->hasStream(spec("BTCUSDT", StreamKind::AggTrade)));
    EXPECT_GT(a->openInterestPollInterval().count(), 0);
    // Spot keeps one endpoint for every stream.
    BinanceAdapter spot;
    EXPECT_EQ(spot.connectionGroup(spec("BTCUSDT", StreamKind::Depth)), "");
    EXPECT_EQ(spot.streamUrl({spec("BTCUSDT", StreamKind::Depth)}),
              "wss://stream.binance.com:9443/stream?streams=btcusdt@depth@100ms");
}

TEST(BinancePerp, MarkPriceFrameGivesMarkIndexFundingAndNextFundingTime) {
    const auto a = perp("binance");
    EXPECT_EQ(a->streamNameOfFrame(test::readFixture("binance-perp/markPrice-ws.json")), "btcusdt@markPrice@1s");
    const auto events = parseOk(*a, test::readFixture("binance-perp/markPrice-ws.json"));
    const auto marks = only<MarkPriceUpdate>(events);
    ASSERT_EQ(marks.size(), 1u);
    EXPECT_EQ(marks[0].symbol, "BTCUSDT");
    EXPECT_EQ(marks[0].eventTimeMs, 1562305380000);
    EXPECT_EQ(marks[0].markPrice, dec("11794.15"));
    EXPECT_EQ(marks[0].indexPrice, dec("11784.62659091"));
    const auto funding = only<FundingUpdate>(events);
    ASSERT_EQ(funding.size(), 1u);
    EXPECT_EQ(funding[0].rate, dec("0.00038167"));
    EXPECT_EQ(funding[0].nextFundingTimeMs, 1562306400000);
}

TEST(BinancePerp, ForceOrderIsALiquidationOfALong) {
    const auto a = perp("binance");
    const auto l = only<Liquidation>(parseOk(*a, test::readFixture("binance-perp/forceOrder-ws.json")));
    ASSERT_EQ(l.size(), 1u);
    EXPECT_EQ(l[0].symbol, "BTCUSDT");
    EXPECT_TRUE(l[0].longLiquidated);  // side SELL
    EXPECT_EQ(l[0].price, dec("9910"));
    EXPECT_EQ(l[0].quantity, dec("0.014"));
    EXPECT_EQ(l[0].timeMs, 1568014460893);
    EXPECT_FALSE(l[0].contracts);
}

TEST(BinancePerp, DepthUpdateChainsByPreviousFinalId) {
    const auto a = perp("binance");
    const auto d = only<DepthUpdate>(parseOk(*a, test::readFixture("binance-perp/depthUpdate-ws.json")));
    ASSERT_EQ(d.size(), 1u);
    // pu 149: it follows the event that ended at 149, whatever its own U (157).
    EXPECT_EQ(d[0].firstUpdateId, 150);
    EXPECT_EQ(d[0].finalUpdateId, 160);
}

TEST(BinancePerp, KlinesOfThePerpetualAreKeyedAsPerp) {
    const auto a = perp("binance");
    const std::string frame =
        R"({"stream":"btcusdt@kline_1m","data":{"e":"kline","E":1,"s":"BTCUSDT","k":{"t":60000,"T":119999,"s":"BTCUSDT","i":"1m",)"
        R"("f":1,"L":2,"o":"1","c":"2","h":"3","l":"0.5","v":"10","n":2,"x":false,"q":"20","V":"5","Q":"10","B":"0"}}})";
    const auto k = only<KlineUpdate>(parseOk(*a, frame));
    ASSERT_EQ(k.size(), 1u);
    EXPECT_EQ(k[0].key, (SeriesKey{"binance", "BTCUSDT", Interval::M1, MarketType::Perp}));
    BinanceAdapter spot;
    EXPECT_EQ(only<KlineUpdate>(parseOk(spot, frame))[0].key.market, MarketType::Spot);
}

TEST(BinancePerp, RestHistoryOfFundingAndOpenInterestAscending) {
    const auto a = perp("binance");
    const auto funding = a->parseFundingHistory(test::readFixture("binance-perp/fundingRate.json"), 200);
    ASSERT_TRUE(funding) << funding.error().message;
    ASSERT_EQ(funding->size(), 2u);
    EXPECT_EQ((*funding)[0], (FundingRatePoint{1570608000000, dec("-0.0375")}));
    EXPECT_EQ((*funding)[1], (FundingRatePoint{1570636800000, dec("0.0001")}));
    const auto oi = a->parseOpenInterestHistory(test::readFixture("binance-perp/openInterestHist.json"), 200);
    ASSERT_TRUE(oi) << oi.error().message;
    ASSERT_EQ(oi->size(), 2u);
    EXPECT_EQ((*oi)[0].timeMs, 1583127900000);  // the documented example writes it as a string
    EXPECT_EQ((*oi)[0].openInterest, dec("20403.637"));
    EXPECT_EQ((*oi)[0].value, dec("150570784.07809979"));
    const auto now = a->parseOpenInterest(test::readFixture("binance-perp/openInterest.json"), 200, "BTCUSDT");
    ASSERT_TRUE(now) << now.error().message;
    EXPECT_EQ(now->openInterest, dec("10659.509"));
    EXPECT_EQ(now->timeMs, 1589437530011);
    const auto premium = a->parsePremiumIndex(test::readFixture("binance-perp/premiumIndex.json"), 200, "BTCUSDT");
    ASSERT_TRUE(premium) << premium.error().message;
    ASSERT_EQ(only<MarkPriceUpdate>(*premium).size(), 1u);
    EXPECT_EQ(only<MarkPriceUpdate>(*premium)[0].indexPrice, dec("11781.8049597"));
    EXPECT_EQ(only<FundingUpdate>(*premium)[0].rate, dec("0.00038246"));
    EXPECT_EQ(only<FundingUpdate>(*premium)[0].nextFundingTimeMs, 1597392000000);
    // The venue's error body becomes its Error.
    const auto refused = a->parseFundingHistory(R"({"code":-1121,"msg":"Invalid symbol."})", 400);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, -1121);
}

TEST(BinancePerp, ExchangeInfoKeepsOnlyPerpetualContracts) {
    const auto a = perp("binance");
    const std::string body = R"({"symbols":[{"symbol":"BTCUSDT","contractType":"PERPETUAL","baseAsset":"BTC","quoteAsset":"USDT","status":"TRADING"},)"
                             R"({"symbol":"BTCUSDT_250627","contractType":"CURRENT_QUARTER","baseAsset":"BTC","quoteAsset":"USDT","status":"TRADING"}]})";
    const auto info = a->parseExchangeInfo(body, 200);
    ASSERT_TRUE(info);
    ASSERT_EQ(info->size(), 1u);
    EXPECT_EQ((*info)[0].symbol, "BTCUSDT");
}

// ---- Bybit linear ----------------------------------------------------------------------------------

TEST(BybitPerp, LinearCategoryAndTopics) {
    const auto a = perp("bybit");
    EXPECT_NE(a->historyRequest(HistoryQuery{"BTCUSDT", Interval::M1}).target.find("category=linear"), std::string::npos);
    EXPECT_NE(a->depthRequest("BTCUSDT", 50).target.find("category=linear"), std::string::npos);
    EXPECT_EQ(a->streamName(spec("BTCUSDT", StreamKind::MarkPrice)), "tickers.BTCUSDT");
    EXPECT_EQ(a->streamName(spec("BTCUSDT", StreamKind::OpenInterest)), "tickers.BTCUSDT");
    EXPECT_EQ(a->streamName(spec("BTCUSDT", StreamKind::Liquidation)), "allLiquidation.BTCUSDT");
    EXPECT_EQ(a->fundingHistoryRequest(DerivativesQuery{"BTCUSDT", Interval::M5, std::nullopt, 5000, 500})->target,
              "/v5/market/funding/history?category=linear&symbol=BTCUSDT&endTime=5000&limit=200");
    // A start alone is refused by Bybit: the request always carries an end.
    EXPECT_EQ(a->fundingHistoryRequest(DerivativesQuery{"BTCUSDT", Interval::M5, 0, std::nullopt, 2})->target,
              "/v5/market/funding/history?category=linear&symbol=BTCUSDT&startTime=0&endTime=7200000&limit=2");
    EXPECT_EQ(a->openInterestHistoryRequest(DerivativesQuery{"BTCUSDT", Interval::H1})->target,
              "/v5/market/open-interest?category=linear&symbol=BTCUSDT&intervalTime=1h&limit=100");
    EXPECT_FALSE(a->openInterestHistoryRequest(DerivativesQuery{"BTCUSDT", Interval::H2}));
}

TEST(BybitPerp, LinearTickerSnapshotGivesTickerMarkFundingAndOpenInterest) {
    const auto a = perp("bybit");
    const auto events = parseOk(*a, test::readFixture("bybit/ticker-ws-linear.json"));
    const auto tickers = only<Ticker24h>(events);
    ASSERT_EQ(tickers.size(), 1u);
    EXPECT_EQ(tickers[0].lastPrice, dec("17216"));
    EXPECT_EQ(tickers[0].bidPrice, dec("17215.5"));
    const auto marks = only<MarkPriceUpdate>(events);
    ASSERT_EQ(marks.size(), 1u);
    EXPECT_EQ(marks[0].markPrice, dec("17217.33"));
    EXPECT_EQ(marks[0].indexPrice, dec("17227.36"));
    EXPECT_EQ(marks[0].eventTimeMs, 1673272861686);
    const auto funding = only<FundingUpdate>(events);
    ASSERT_EQ(funding.size(), 1u);
    EXPECT_EQ(funding[0].rate, dec("-0.000212"));
    EXPECT_EQ(funding[0].nextFundingTimeMs, 1673280000000);
    const auto oi = only<OpenInterestUpdate>(events);
    ASSERT_EQ(oi.size(), 1u);
    EXPECT_EQ(oi[0].openInterest, dec("68744.761"));
    EXPECT_EQ(oi[0].value, dec("1183601235.91"));
}

TEST(BybitPerp, LinearTickerDeltaCarriesOnlyWhatChanged) {
    const auto a = perp("bybit");
    const std::string delta =
        R"({"topic":"tickers.BTCUSDT","type":"delta","data":{"symbol":"BTCUSDT","markPrice":"17218.00","openInterest":"68745"},"cs":1,"ts":1673272861786})";
    const auto events = parseOk(*a, delta);
    EXPECT_TRUE(only<Ticker24h>(events).empty());  // a delta is no whole ticker
    EXPECT_TRUE(only<FundingUpdate>(events).empty());
    const auto marks = only<MarkPriceUpdate>(events);
    ASSERT_EQ(marks.size(), 1u);
    EXPECT_EQ(marks[0].markPrice, dec("17218"));
    EXPECT_FALSE(marks[0].indexPrice);
    ASSERT_EQ(only<OpenInterestUpdate>(events).size(), 1u);
}

TEST(BybitPerp, AllLiquidationBuyMeansALongWasLiquidated) {
    const auto a = perp("bybit");
    const auto frame = test::readFixture("bybit/all-liquidation-ws.json");
    EXPECT_EQ(a->streamNameOfFrame(frame), "allLiquidation.ROSEUSDT");
    const auto l = only<Liquidation>(parseOk(*a, frame));
    ASSERT_EQ(l.size(), 1u);
    EXPECT_EQ(l[0].symbol, "ROSEUSDT");
    EXPECT_FALSE(l[0].longLiquidated);  // "Sell": a short position
    EXPECT_EQ(l[0].quantity, dec("20000"));
    EXPECT_EQ(l[0].price, dec("0.04499"));
    EXPECT_EQ(l[0].timeMs, 1739502302929);
}

TEST(BybitPerp, LinearInstrumentsGiveTheQuantityStepOfQtyStep) {
    // Linear's lotSizeFilter says qtyStep where spot's says basePrecision (instruments-info, Linear
    // tab); delivery futures of the same list are not this market's.
    const auto a = perp("bybit");
    const auto symbols = a->parseExchangeInfo(
        R"({"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[
            {"symbol":"BTCUSDT","contractType":"LinearPerpetual","status":"Trading","baseCoin":"BTC","quoteCoin":"USDT",
             "priceFilter":{"minPrice":"0.10","maxPrice":"199999.80","tickSize":"0.10"},
             "lotSizeFilter":{"maxOrderQty":"100.000","minOrderQty":"0.001","qtyStep":"0.001"}},
            {"symbol":"BTC-27DEC24","contractType":"LinearFutures","status":"Trading","baseCoin":"BTC","quoteCoin":"USDT",
             "priceFilter":{"tickSize":"0.50"},"lotSizeFilter":{"qtyStep":"0.001"}}],"nextPageCursor":""},
            "retExtInfo":{},"time":1672053548579})",
        200);
    ASSERT_TRUE(symbols) << symbols.error().message;
    ASSERT_EQ(symbols->size(), 1u);
    EXPECT_EQ((*symbols)[0].quantityDecimals, 3);
    EXPECT_EQ((*symbols)[0].priceDecimals, 1);
}

TEST(BybitPerp, RestHistoryNewestFirstIsTurnedAround) {
    const auto a = perp("bybit");
    const auto funding = a->parseFundingHistory(test::readFixture("bybit/funding-history.json"), 200);
    ASSERT_TRUE(funding) << funding.error().message;
    ASSERT_EQ(funding->size(), 1u);
    EXPECT_EQ((*funding)[0], (FundingRatePoint{1672041600000, dec("0.0001")}));
    const auto oi = a->parseOpenInterestHistory(test::readFixture("bybit/open-interest.json"), 200);
    ASSERT_TRUE(oi) << oi.error().message;
    ASSERT_EQ(oi->size(), 2u);
    EXPECT_EQ((*oi)[0].timeMs, 1669571100000);
    EXPECT_EQ((*oi)[1].openInterest, dec("461134384"));
    const auto premium = a->parsePremiumIndex(
        R"({"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[{"symbol":"BTCUSDT","markPrice":"1.5","indexPrice":"1.4","fundingRate":"0.0001","nextFundingTime":"1673280000000","lastPrice":"1"}]},"retExtInfo":{},"time":1672053548579})",
        200, "BTCUSDT");
    ASSERT_TRUE(premium) << premium.error().message;
    ASSERT_EQ(only<MarkPriceUpdate>(*premium).size(), 1u);
    // As of the answer's time, the venue's clock (not 0, the epoch).
    EXPECT_EQ(only<MarkPriceUpdate>(*premium)[0].eventTimeMs, 1672053548579);
    EXPECT_EQ(only<FundingUpdate>(*premium).at(0).eventTimeMs, 1672053548579);
    EXPECT_TRUE(only<Ticker24h>(*premium).empty());
    const auto refused = a->parseOpenInterestHistory(R"({"retCode":10001,"retMsg":"Illegal category"})", 200);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, 10001);
}

// ---- OKX swap -------------------------------------------------------------------------------------

TEST(OkxPerp, ChannelsAndSubscribeArgs) {
    const auto a = perp("okx");
    EXPECT_EQ(a->streamName(spec("BTC-USDT-SWAP", StreamKind::MarkPrice)), "mark-price:BTC-USDT-SWAP");
    EXPECT_EQ(a->streamName(spec("BTC-USDT-SWAP", StreamKind::Funding)), "funding-rate:BTC-USDT-SWAP");
    EXPECT_EQ(a->streamName(spec("BTC-USDT-SWAP", StreamKind::OpenInterest)), "open-interest:BTC-USDT-SWAP");
    EXPECT_EQ(a->streamName(spec("BTC-USDT-SWAP", StreamKind::Liquidation)), "liquidation-orders:SWAP");
    const auto sub = nlohmann::json::parse(a->subscribeMessage(
        {spec("BTC-USDT-SWAP", StreamKind::Liquidation), spec("BTC-USDT-SWAP", StreamKind::MarkPrice)}, 7));
    EXPECT_EQ(sub["args"][0], (nlohmann::json{{"channel", "liquidation-orders"}, {"instType", "SWAP"}}));
    EXPECT_EQ(sub["args"][1], (nlohmann::json{{"channel", "mark-price"}, {"instId", "BTC-USDT-SWAP"}}));
    EXPECT_EQ(a->exchangeInfoRequest().target, "/api/v5/public/instruments?instType=SWAP");
    EXPECT_EQ(a->fundingHistoryRequest(DerivativesQuery{"BTC-USDT-SWAP", Interval::M5, 1000, 2000, 100})->target,
              "/api/v5/public/funding-rate-history?instId=BTC-USDT-SWAP&after=2001&before=999&limit=100");
    EXPECT_EQ(a->openInterestHistoryRequest(DerivativesQuery{"BTC-USDT-SWAP", Interval::H1, std::nullopt, std::nullopt, 300})->target,
              "/api/v5/rubik/stat/contracts/open-interest-history?instId=BTC-USDT-SWAP&period=1H&limit=100");
}

TEST(OkxPerp, MarkPriceFundingAndOpenInterestPushes) {
    const auto a = perp("okx");
    const auto marks = only<MarkPriceUpdate>(parseOk(*a, test::readFixture("okx/mark-price-ws.json")));
    ASSERT_EQ(marks.size(), 1u);
    EXPECT_EQ(marks[0].markPrice, dec("0.1"));
    EXPECT_FALSE(marks[0].indexPrice);  // not in this channel
    EXPECT_EQ(marks[0].eventTimeMs, 1597026383085);

    const auto funding = only<FundingUpdate>(parseOk(*a, test::readFixture("okx/funding-rate-ws.json")));
    ASSERT_EQ(funding.size(), 1u);
    EXPECT_EQ(funding[0].symbol, "BTC-USD-SWAP");
    EXPECT_EQ(funding[0].rate, dec("0.00018754"));  // 0.0001875391284828 rounded to 8 decimals
    EXPECT_EQ(funding[0].nextFundingTimeMs, 1700726400000);  // fundingTime: this period's settlement

    const auto oi = only<OpenInterestUpdate>(parseOk(*a, test::readFixture("okx/open-interest-ws.json")));
    ASSERT_EQ(oi.size(), 1u);
    EXPECT_EQ(oi[0].openInterest, dec("22161.1301")) << "oiCcy: the base asset, not the contracts";
    EXPECT_EQ(oi[0].value, dec("1939251795.5476927"));
    EXPECT_EQ(oi[0].timeMs, 1743041250440);
}

TEST(OkxPerp, LiquidationOrdersAreRoutedByInstrumentTypeAndCountContracts) {
    const auto a = perp("okx");
    const auto frame = test::readFixture("okx/liquidation-orders-ws.json");
    EXPECT_EQ(a->streamNameOfFrame(frame), "liquidation-orders:SWAP");
    const auto l = only<Liquidation>(parseOk(*a, frame));
    ASSERT_EQ(l.size(), 1u);
    EXPECT_EQ(l[0].symbol, "IOST-USDT-SWAP");
    EXPECT_FALSE(l[0].longLiquidated);  // side buy: a short bought back
    EXPECT_EQ(l[0].price, dec("0.007831"));
    EXPECT_EQ(l[0].quantity, dec("13"));
    EXPECT_TRUE(l[0].contracts);
    EXPECT_EQ(l[0].timeMs, 1692266434010);
}

TEST(OkxPerp, RestHistoryUsesTheRealizedRateAndAscends) {
    const auto a = perp("okx");
    const auto funding = a->parseFundingHistory(test::readFixture("okx/funding-rate-history.json"), 200);
    ASSERT_TRUE(funding) << funding.error().message;
    ASSERT_EQ(funding->size(), 2u);
    EXPECT_EQ((*funding)[0], (FundingRatePoint{1703030400000, dec("0.00022798")}));
    EXPECT_EQ((*funding)[1], (FundingRatePoint{1703059200000, dec("0.00007466")}));
    const auto oi = a->parseOpenInterestHistory(test::readFixture("okx/open-interest-history.json"), 200);
    ASSERT_TRUE(oi) << oi.error().message;
    ASSERT_EQ(oi->size(), 2u);
    EXPECT_EQ((*oi)[0].timeMs, 1701417300000);
    EXPECT_EQ((*oi)[1].openInterest, dec("12311.34")) << "oiCcy: the base asset, not the contracts";
    EXPECT_EQ((*oi)[1].value, dec("452314151.35"));
}

TEST(OkxPerp, SwapCandlesCountBaseVolumeNotContracts) {
    const auto a = perp("okx");
    // [ts, o, h, l, c, vol (contracts), volCcy (base), volCcyQuote, confirm]
    const auto rows = a->parseHistory(R"({"code":"0","msg":"","data":[["1700000000000","10","11","9","10.5","100","1","10.5","1"]]})",
                                      200, 0);
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ((*rows)[0].volume, dec("1"));
    EXPECT_EQ((*rows)[0].quoteVolume, dec("10.5"));
}

// OKX sizes on swaps count contracts (ctVal of the base asset each); the codec reads the contract
// values from the instruments answer it asks for before every stream connect and passes sizes on
// in the base asset.
TEST(OkxPerp, ContractValuesComeFromTheInstrumentsReadBeforeEachConnect) {
    const auto a = perp("okx");
    const auto request = a->streamConnectRequest();
    ASSERT_TRUE(request);
    EXPECT_EQ(request->method, "GET");
    EXPECT_EQ(request->target, "/api/v5/public/instruments?instType=SWAP");
    // Before the answer: a swap's sizes cannot be read, and the frame says why.
    const auto before = a->parseStreamMessage(test::readFixture("okx/trades-swap-ws.json"));
    ASSERT_FALSE(before);
    EXPECT_NE(before.error().message.find("no contract value (ctVal) for BTC-USDT-SWAP"), std::string::npos)
        << before.error().message;

    const auto info = a->parseStreamConnect(test::readFixture("okx/instruments-swap.json"), 200, "c1");
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_TRUE(info->url.empty()) << "the stream URL stays streamUrl()'s";
    EXPECT_EQ(info->heartbeatInterval, a->heartbeatInterval());
    const auto& okx = dynamic_cast<const OkxAdapter&>(*a);
    EXPECT_EQ(okx.contractValue("BTC-USDT-SWAP")->value, dec("0.01"));
    EXPECT_EQ(okx.contractValue("BCH-USDT-SWAP")->value, dec("0.1"));
    EXPECT_TRUE(okx.contractValue("BTC-USD-SWAP")->inverse);
    EXPECT_FALSE(okx.contractValue("NEW-USDT-SWAP")) << "a listing announced without its fields yet";

    const auto trades = only<TradeTick>(parseOk(*a, test::readFixture("okx/trades-swap-ws.json")));
    ASSERT_EQ(trades.size(), 1u);
    EXPECT_EQ(trades[0].quantity, dec("0.125")) << "12.5 contracts of 0.01 BTC";
    EXPECT_EQ(trades[0].price, dec("42219.9"));

    const auto books = only<DepthSnapshot>(parseOk(*a, test::readFixture("okx/books5-ws.json")));
    ASSERT_EQ(books.size(), 1u);
    EXPECT_EQ(books[0].asks[0], (PriceLevel{dec("111.06"), dec("5515.4")})) << "55154 contracts of 0.1 BCH";
    EXPECT_EQ(books[0].bids[4], (PriceLevel{dec("111.01"), dec("6509")}));
    const auto bbo = only<BookTicker>(parseOk(*a, test::readFixture("okx/bbo-tbt-ws.json")));
    ASSERT_EQ(bbo.size(), 1u);
    EXPECT_EQ(bbo[0].bidQuantity, dec("5774.5"));

    // An inverse swap's contract is worth ctVal of the quote: 100 USD at 40,000 = 0.0025 BTC.
    EXPECT_EQ(okx.baseQuantity("BTC-USD-SWAP", dec("2"), dec("40000")), dec("0.005"));

    // Liquidations of a known swap are in the base asset; the channel's others keep contracts.
    const std::string liquidation = R"({"arg":{"channel":"liquidation-orders","instType":"SWAP"},"data":[)"
                                    R"({"details":[{"bkLoss":"0","bkPx":"40000","ccy":"","posSide":"long","side":"sell","sz":"7","ts":"1"}],)"
                                    R"("instFamily":"BTC-USDT","instId":"BTC-USDT-SWAP","instType":"SWAP","uly":"BTC-USDT"}]})";
    const auto known = only<Liquidation>(parseOk(*a, liquidation));
    ASSERT_EQ(known.size(), 1u);
    EXPECT_EQ(known[0].quantity, dec("0.07"));
    EXPECT_FALSE(known[0].contracts);
    const auto other = only<Liquidation>(parseOk(*a, test::readFixture("okx/liquidation-orders-ws.json")));
    ASSERT_EQ(other.size(), 1u);
    EXPECT_TRUE(other[0].contracts) << "IOST-USDT-SWAP is not in the instruments answer";

    // A spot codec asks for nothing; a failed answer changes nothing.
    EXPECT_FALSE(makeAdapter("okx").value()->streamConnectRequest());
    EXPECT_FALSE(a->parseStreamConnect(R"({"code":"0","msg":"","data":[]})", 200, "c2"))
        << "an answer without a single contract value is an error";
    EXPECT_FALSE(a->parseStreamConnect(R"({"code":"50011","msg":"Too Many Requests","data":[]})", 200, "c3"));
    EXPECT_EQ(okx.contractValue("BTC-USDT-SWAP")->value, dec("0.01")) << "a failed answer keeps the table";
}

TEST(OkxPerp, SwapTickerReadsTheBaseVolumeAndSizesInTheBaseAsset) {
    const auto a = perp("okx");
    ASSERT_TRUE(a->parseStreamConnect(test::readFixture("okx/instruments-swap.json"), 200, "c1"));
    const auto t = only<Ticker24h>(parseOk(*a, test::readFixture("okx/tickers-swap-ws.json")));
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(t[0].volume, dec("12345.67")) << "volCcy24h: the base asset on SWAP (vol24h counts contracts)";
    EXPECT_EQ(t[0].quoteVolume, dec("493826800")) << "no quote volume on SWAP: the base volume at the last price";
    EXPECT_EQ(t[0].lastQuantity, dec("0.03"));
    EXPECT_EQ(t[0].bidQuantity, dec("0.85"));
    EXPECT_EQ(t[0].askQuantity, dec("1.2"));
    // Spot is unchanged: vol24h base, volCcy24h quote.
    const auto spot = only<Ticker24h>(parseOk(*makeAdapter("okx").value(), test::readFixture("okx/tickers-ws.json")));
    ASSERT_EQ(spot.size(), 1u);
    EXPECT_EQ(spot[0].volume, dec("2222"));
    EXPECT_EQ(spot[0].bidQuantity, dec("5"));
}

TEST(OkxPerp, MarkPriceStreamCarriesTheIndexTickersOfTheIndex) {
    const auto a = perp("okx");
    const auto sub = nlohmann::json::parse(a->subscribeMessage({spec("BTC-USDT-SWAP", StreamKind::MarkPrice)}, 3));
    ASSERT_EQ(sub["args"].size(), 2u);
    EXPECT_EQ(sub["args"][0], (nlohmann::json{{"channel", "mark-price"}, {"instId", "BTC-USDT-SWAP"}}));
    EXPECT_EQ(sub["args"][1], (nlohmann::json{{"channel", "index-tickers"}, {"instId", "BTC-USDT"}}));
    const auto unsub = nlohmann::json::parse(a->unsubscribeMessage({spec("BTC-USDT-SWAP", StreamKind::MarkPrice)}, 4));
    EXPECT_EQ(unsub["args"].size(), 2u) << "both channels leave together";
    const auto frame = test::readFixture("okx/index-tickers-ws.json");
    EXPECT_EQ(a->streamNameOfFrame(frame), "mark-price:BTC-USDT-SWAP") << "the frames belong to the MarkPrice stream";
    const auto marks = only<MarkPriceUpdate>(parseOk(*a, frame));
    ASSERT_EQ(marks.size(), 1u);
    EXPECT_EQ(marks[0].symbol, "BTC-USDT-SWAP");
    EXPECT_EQ(marks[0].indexPrice, dec("0.1"));
    EXPECT_FALSE(marks[0].markPrice);
    EXPECT_EQ(marks[0].eventTimeMs, 1597026383085);
    EXPECT_FALSE(a->parseStreamMessage(R"({"arg":{"channel":"index-tickers","instId":"BTC-USDT"},"data":[{"idxPx":[]}]})"));
    // Spot subscribes no index.
    const auto spotSub = nlohmann::json::parse(makeAdapter("okx").value()->subscribeMessage({spec("BTC-USDT", StreamKind::Ticker)}, 5));
    EXPECT_EQ(spotSub["args"].size(), 1u);
}

// ---- mark and index price klines -----------------------------------------------------------------

TEST(PriceKlines, EachPerpetualVenueHasItsMarkAndIndexKlinePaths) {
    HistoryQuery q;
    q.interval = Interval::M1;
    q.startTime = 1700000040000;  // a minute's open
    q.limit = 5000;
    q.symbol = "BTCUSDT";
    const auto binance = perp("binance");
    EXPECT_EQ(priceKlinesRequest(*binance, PriceSeries::Mark, q)->target,
              "/fapi/v1/markPriceKlines?symbol=BTCUSDT&interval=1m&startTime=1700000040000&limit=1500");
    EXPECT_EQ(priceKlinesRequest(*binance, PriceSeries::Mark, q)->weight, 10);
    EXPECT_EQ(priceKlinesRequest(*binance, PriceSeries::Index, q)->target,
              "/fapi/v1/indexPriceKlines?pair=BTCUSDT&interval=1m&startTime=1700000040000&limit=1500");
    const auto bybit = perp("bybit");
    EXPECT_EQ(priceKlinesRequest(*bybit, PriceSeries::Mark, q)->target,
              "/v5/market/mark-price-kline?category=linear&symbol=BTCUSDT&interval=1&start=1700000040000"
              "&end=1700059980000&limit=1000");
    EXPECT_EQ(priceKlinesRequest(*bybit, PriceSeries::Index, q)->target.substr(0, 49),
              "/v5/market/index-price-kline?category=linear&symb");
    q.symbol = "BTC-USDT-SWAP";
    const auto okx = perp("okx");
    EXPECT_EQ(priceKlinesRequest(*okx, PriceSeries::Mark, q)->target,
              "/api/v5/market/history-mark-price-candles?instId=BTC-USDT-SWAP&bar=1m&after=1700005980001"
              "&before=1700000039999&limit=100");
    q.startTime.reset();
    EXPECT_EQ(priceKlinesRequest(*okx, PriceSeries::Index, q)->target,
              "/api/v5/market/index-candles?instId=BTC-USDT&bar=1m&limit=100")
        << "the index of the swap, the latest rows";
    EXPECT_EQ(priceKlinesPageLimit(*okx), 100);
    EXPECT_FALSE(priceKlinesRequest(*makeAdapter("binance").value(), PriceSeries::Mark, q)) << "spot has none";
    EXPECT_FALSE(parsePriceKlines(*makeAdapter("okx").value(), PriceSeries::Mark, q, "[]", 200, 0));
}

TEST(PriceKlines, DocumentedRowsParseAscendingWithPricesOnly) {
    HistoryQuery q;
    q.interval = Interval::M1;
    const auto binance = parsePriceKlines(*perp("binance"), PriceSeries::Mark, q,
                                          test::readFixture("binance-perp/markPriceKlines.json"), 200, 1591256460000);
    ASSERT_TRUE(binance) << binance.error().message;
    ASSERT_EQ(binance->size(), 1u);
    EXPECT_EQ((*binance)[0].openTime, 1591256400000);
    EXPECT_EQ((*binance)[0].close, dec("9651.552"));
    EXPECT_TRUE((*binance)[0].volume.isZero());
    EXPECT_TRUE((*binance)[0].closed) << "closed on the venue's clock";
    const auto bybit = parsePriceKlines(*perp("bybit"), PriceSeries::Mark, q, test::readFixture("bybit/mark-price-kline.json"),
                                        200, 1670608830000);
    ASSERT_TRUE(bybit) << bybit.error().message;
    ASSERT_EQ(bybit->size(), 1u);
    EXPECT_EQ((*bybit)[0].high, dec("17164.16"));
    EXPECT_EQ((*bybit)[0].close, dec("17131.64"));
    EXPECT_FALSE((*bybit)[0].closed) << "still forming at the venue's now";
    const auto okx = parsePriceKlines(*perp("okx"), PriceSeries::Index, q, test::readFixture("okx/mark-price-candles.json"),
                                      200, 0);
    ASSERT_TRUE(okx) << okx.error().message;
    ASSERT_EQ(okx->size(), 1u) << "one row per open time";
    EXPECT_TRUE((*okx)[0].closed) << "confirm 1";
    EXPECT_FALSE(parsePriceKlines(*perp("okx"), PriceSeries::Mark, q, R"({"code":"51001","msg":"Instrument ID does not exist.","data":[]})",
                                  200, 0));
    EXPECT_FALSE(parsePriceKlines(*perp("bybit"), PriceSeries::Mark, q, R"({"retCode":0,"result":{"list":[["x"]]}})", 200, 0));
    EXPECT_NO_THROW(EXPECT_FALSE(parsePriceKlines(*perp("binance"), PriceSeries::Mark, q, R"([[1,{},2,3,4]])", 200, 0)));
}

// ---- hostile input ----------------------------------------------------------------------------------

TEST(PerpCodecs, BadPayloadsAreErrorsNeverExceptions) {
    const std::vector<std::pair<const char*, std::string>> frames = {
        {"binance", R"({"stream":"btcusdt@forceOrder","data":{"e":"forceOrder","E":1,"o":{"s":"BTCUSDT","S":7,"p":"1","q":"1","T":1}}})"},
        {"binance", R"({"stream":"btcusdt@forceOrder","data":{"e":"forceOrder","E":1,"o":"x"}})"},
        {"binance", R"({"stream":"btcusdt@markPrice@1s","data":{"e":"markPriceUpdate","E":"x","s":5,"p":[1]}})"},
        {"bybit", R"({"topic":"allLiquidation.X","type":"snapshot","ts":1,"data":[{"T":"a","s":"X","S":"Buy","v":"1","p":"1"}]})"},
        {"bybit", R"({"topic":"allLiquidation.X","type":"snapshot","ts":1,"data":{"T":1}})"},
        {"bybit", R"({"topic":"tickers.X","type":"snapshot","ts":1,"data":{"symbol":7,"markPrice":{}}})"},
        {"okx", R"({"arg":{"channel":"liquidation-orders","instType":"SWAP"},"data":[{"details":[{"side":"buy","bkPx":1,"sz":"x","ts":"1"}]}]})"},
        {"okx", R"({"arg":{"channel":"open-interest","instId":"X"},"data":[{"oi":[],"ts":"1"}]})"},
        {"okx", R"({"arg":{"channel":"funding-rate","instId":"X"},"data":["x"]})"},
        {"okx", R"({"arg":{"channel":"mark-price","instId":"X"},"data":[{"markPx":true}]})"},
    };
    for (const auto& [venue, frame] : frames) {
        const auto a = perp(venue);
        Result<std::vector<StreamEvent>> r = makeError("not run");
        EXPECT_NO_THROW(r = a->parseStreamMessage(frame)) << venue << ": " << frame;
        if (r) {
            // Accepted only when nothing bad was turned into a value.
            EXPECT_TRUE(only<Liquidation>(*r).empty() && only<OpenInterestUpdate>(*r).empty()) << venue << ": " << frame;
        }
    }
    for (const char* venue : {"binance", "bybit", "okx"}) {
        const auto a = perp(venue);
        for (const char* body : {"", "null", "[1,2]", R"({"data":"x","result":7})", R"([{"fundingRate":{},"fundingTime":[]}])"}) {
            EXPECT_NO_THROW({
                EXPECT_FALSE(a->parseFundingHistory(body, 200)) << venue << ": " << body;
                EXPECT_FALSE(a->parseOpenInterestHistory(body, 200)) << venue << ": " << body;
                EXPECT_FALSE(a->parsePremiumIndex(body, 200, "X")) << venue << ": " << body;
            });
        }
    }
}
