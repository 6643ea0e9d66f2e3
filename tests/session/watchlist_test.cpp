// The watchlist's Qt-free side: typed entries, the text import/export, the ticker board.
#include "cpc/session/watchlist.hpp"

#include <gtest/gtest.h>

namespace cpc::session {
namespace {

using Kind = WatchParseError::Kind;

exchange::Ticker24h ticker(std::string venue, std::string symbol, std::int64_t atMs, double last, double open) {
    exchange::Ticker24h t;
    t.exchange = std::move(venue);
    t.symbol = std::move(symbol);
    t.mini = true;
    t.eventTimeMs = atMs;
    t.lastPrice = *Decimal::fromDouble(last);
    t.open = *Decimal::fromDouble(open);
    t.volume = *Decimal::fromDouble(12.5);
    t.quoteVolume = *Decimal::fromDouble(1000.0);
    return t;
}

TEST(WatchlistParse, ExchangePrefixAnyCaseAndTheVenuesSpelling) {
    auto a = parseWatchSymbol("  okx : btcusdt ", "binance");
    ASSERT_TRUE(a.symbol);
    EXPECT_EQ(a.symbol->exchange, "okx");
    EXPECT_EQ(a.symbol->symbol, "BTC-USDT");
    auto b = parseWatchSymbol("BINANCE:ETH-BTC", "okx");
    ASSERT_TRUE(b.symbol);
    EXPECT_EQ(b.symbol->exchange, "binance");
    EXPECT_EQ(b.symbol->symbol, "ETHBTC");
    EXPECT_EQ(b.symbol->text(), "BINANCE:ETHBTC");
}

TEST(WatchlistParse, ABareSymbolGoesOnTheActiveVenue) {
    auto a = parseWatchSymbol("adausdt", "kucoin");
    ASSERT_TRUE(a.symbol);
    EXPECT_EQ(a.symbol->exchange, "kucoin");
    EXPECT_EQ(a.symbol->symbol, "ADA-USDT");
    auto none = parseWatchSymbol("adausdt", "");
    ASSERT_TRUE(none.error);
    EXPECT_EQ(none.error->kind, Kind::NoActiveVenue);
}

TEST(WatchlistParse, UnknownVenueBadSymbolAndEmptyAreSaidApart) {
    auto venue = parseWatchSymbol("kraken:BTCUSD", "binance");
    ASSERT_TRUE(venue.error);
    EXPECT_EQ(venue.error->kind, Kind::UnknownVenue);
    EXPECT_EQ(venue.error->venue, "kraken");
    auto bad = parseWatchSymbol("binance:BTC/USDT", "binance");
    ASSERT_TRUE(bad.error);
    EXPECT_EQ(bad.error->kind, Kind::BadSymbol);
    EXPECT_NE(bad.error->detail.find("'/'"), std::string::npos) << bad.error->detail;
    // Bybit's spot symbols are letters and digits only.
    EXPECT_EQ(parseWatchSymbol("bybit:BTC_USDT", "binance").error->kind, Kind::BadSymbol);
    EXPECT_EQ(parseWatchSymbol("   ", "binance").error->kind, Kind::Empty);
    EXPECT_EQ(parseWatchSymbol("binance:", "binance").error->kind, Kind::BadSymbol);
}

TEST(WatchlistText, BadLinesAreReportedWithTheirNumberAndGoodOnesKept) {
    const std::string text =
        "# my list\n"
        "BINANCE:BTCUSDT\n"
        "\n"
        "okx:ETH-USDT\r\n"
        "nowhere:XYZ\n"
        "binance:BTCUSDT\n"  // a duplicate
        "ADAUSDT\n"          // the active venue
        "bybit:a b";         // no final newline
    const WatchImport got = parseWatchlistText(text, "bybit");
    ASSERT_EQ(got.symbols.size(), 3u);
    EXPECT_EQ(got.symbols[0].text(), "BINANCE:BTCUSDT");
    EXPECT_EQ(got.symbols[1].text(), "OKX:ETH-USDT");
    EXPECT_EQ(got.symbols[2].text(), "BYBIT:ADAUSDT");
    ASSERT_EQ(got.problems.size(), 3u);
    EXPECT_EQ(got.problems[0].line, 5);
    EXPECT_EQ(got.problems[0].error->kind, Kind::UnknownVenue);
    EXPECT_EQ(got.problems[1].line, 6);
    EXPECT_FALSE(got.problems[1].error);  // duplicate
    EXPECT_EQ(got.problems[2].line, 8);
    EXPECT_EQ(got.problems[2].text, "bybit:a b");
    EXPECT_EQ(got.problems[2].error->kind, Kind::BadSymbol);
}

TEST(WatchlistText, ExportReadsBackTheSameList) {
    const std::vector<WatchSymbol> list{{"binance", "BTCUSDT"}, {"okx", "ETH-USDT"}, {"kucoin", "ADA-USDT"}};
    const std::string text = watchlistText(list);
    EXPECT_EQ(text, "BINANCE:BTCUSDT\nOKX:ETH-USDT\nKUCOIN:ADA-USDT\n");
    const WatchImport back = parseWatchlistText(text, "");
    EXPECT_TRUE(back.problems.empty());
    EXPECT_EQ(back.symbols, list);
}

TEST(TickerBoard, ChangeDirectionAndOlderTickersIgnored) {
    TickerBoard board;
    const WatchSymbol btc{"binance", "BTCUSDT"};
    const std::int64_t t0 = 1'700'000'000'000;
    ASSERT_TRUE(board.apply(ticker("binance", "BTCUSDT", t0, 110, 100)));
    const TickerRow* row = board.find(btc);
    ASSERT_NE(row, nullptr);
    EXPECT_DOUBLE_EQ(row->last, 110);
    EXPECT_DOUBLE_EQ(row->changePercent, 10.0);
    EXPECT_DOUBLE_EQ(row->quoteVolume, 1000.0);
    EXPECT_EQ(row->direction, 0);
    ASSERT_TRUE(board.apply(ticker("binance", "BTCUSDT", t0 + 1000, 105, 100)));
    EXPECT_EQ(board.find(btc)->direction, -1);
    ASSERT_TRUE(board.apply(ticker("binance", "BTCUSDT", t0 + 2000, 105, 100)));
    EXPECT_EQ(board.find(btc)->direction, 0);
    EXPECT_FALSE(board.apply(ticker("binance", "BTCUSDT", t0 + 1500, 200, 100)));  // out of order
    EXPECT_DOUBLE_EQ(board.find(btc)->last, 105);
    ASSERT_TRUE(board.apply(ticker("binance", "BTCUSDT", t0 + 3000, 120, 100)));
    EXPECT_EQ(board.find(btc)->direction, 1);
    EXPECT_EQ(board.find(WatchSymbol{"okx", "BTCUSDT"}), nullptr);
}

TEST(TickerBoard, SparklineIsTheOpenThenOnePointAMinuteForADay) {
    TickerBoard board;
    const WatchSymbol eth{"okx", "ETH-USDT"};
    const std::int64_t minute = TickerBoard::kSparklineStepMs;
    const std::int64_t t0 = 1'700'000'000'000 / minute * minute;
    ASSERT_TRUE(board.apply(ticker("okx", "ETH-USDT", t0, 50, 40)));
    auto line = board.find(eth)->sparkline;
    ASSERT_EQ(line.size(), 2u);
    EXPECT_EQ(line[0].first, t0 - TickerBoard::kSparklineSpanMs);
    EXPECT_DOUBLE_EQ(line[0].second, 40);
    EXPECT_DOUBLE_EQ(line[1].second, 50);
    // Same minute: the point moves; the next minute: a new one.
    board.apply(ticker("okx", "ETH-USDT", t0 + 30'000, 51, 40));
    EXPECT_EQ(board.find(eth)->sparkline.size(), 2u);
    EXPECT_DOUBLE_EQ(board.find(eth)->sparkline.back().second, 51);
    board.apply(ticker("okx", "ETH-USDT", t0 + minute, 52, 40));
    EXPECT_EQ(board.find(eth)->sparkline.size(), 3u);
    // A day and more later only the day's points are left, behind the window's open.
    for (int m = 2; m <= 1500; ++m) board.apply(ticker("okx", "ETH-USDT", t0 + m * minute, 50 + m % 7, 45));
    line = board.find(eth)->sparkline;
    EXPECT_LE(line.size(), 1442u);
    EXPECT_GE(line.size(), 1440u);
    EXPECT_DOUBLE_EQ(line.front().second, 45);
    EXPECT_GE(line[1].first, line.back().first - TickerBoard::kSparklineSpanMs);
    board.forget(eth);
    EXPECT_EQ(board.find(eth), nullptr);
}

}  // namespace
}  // namespace cpc::session
