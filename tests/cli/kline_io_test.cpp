#include "kline_io.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "cpc/core/time.hpp"

using namespace cpc;
using cpc::cli::KlineFormat;
using cpc::cli::readKlines;

TEST(KlineIo, ReadsRestRowsExactly) {
    const auto in = readKlines(
        R"([[1705276800000,"41732.35000000","42353.94000000","41718.05000000","42279.75000000","2433.52283000",)"
        R"(1705280399999,"102456168.22559890",66725,"1348.93805000","56779695.64663060","0"]])",
        std::nullopt, "x.json");
    ASSERT_TRUE(in) << in.error().message;
    EXPECT_EQ(in->format, KlineFormat::Json);
    ASSERT_EQ(in->rows.size(), 1u);
    const Candle& c = in->rows[0].candle;
    EXPECT_EQ(c.openTime, 1705276800000);
    EXPECT_EQ(c.quoteVolume.toString(), "102456168.22559890");
    EXPECT_EQ(c.trades, 66725);
    EXPECT_EQ(c.takerBuyQuote.toString(), "56779695.64663060");
}

TEST(KlineIo, WritesRestRowsAsBinanceDoes) {
    const std::string row =
        R"([1705276800000,"41732.35000000","42353.94000000","41718.05000000","42279.75000000","2433.52283000",)"
        R"(1705280399999,"102456168.22559890",66725,"1348.93805000","56779695.64663060","0"])";
    const auto in = readKlines("[" + row + "]", std::nullopt, "x.json");
    ASSERT_TRUE(in) << in.error().message;
    EXPECT_EQ(cpc::cli::klineJsonRow(in->rows[0].candle, Interval::H1), row);
    std::ostringstream out;
    const std::vector<Candle> candles{in->rows[0].candle};
    cpc::cli::writeKlines(out, candles, Interval::H1, KlineFormat::Json);
    EXPECT_EQ(out.str(), "[\n" + row + "\n]\n");
}

TEST(KlineIo, DetectsMicrosecondTimesPerRow) {
    const auto in = readKlines(
        "1735689600000000,0.31600000,0.31600000,0.31600000,0.31600000,27.00000000,1735689600999999,8.53200000,1,0,0,0\n"
        "1735689601000,0.31601000,0.31601000,0.31601000,0.31601000,0.00000000,1735689601999,0.00000000,0,0,0,0\n",
        std::nullopt, "x.csv");
    ASSERT_TRUE(in) << in.error().message;
    EXPECT_EQ(in->format, KlineFormat::Csv);
    ASSERT_EQ(in->rows.size(), 2u);
    EXPECT_EQ(in->rows[0].candle.openTime, 1735689600000);
    EXPECT_EQ(in->rows[1].candle.openTime, 1735689601000);
    EXPECT_FALSE(in->rows[1].candle.hasTrades());
}

TEST(KlineIo, SkipsACsvHeaderAndReadsSixColumns) {
    const auto in = readKlines("open_time,open,high,low,close,volume\n60000,1,2,0.5,1.5,3\n", std::nullopt, "x.csv");
    ASSERT_TRUE(in) << in.error().message;
    ASSERT_EQ(in->rows.size(), 1u);
    EXPECT_EQ(in->rows[0].line, 2u);
    EXPECT_EQ(in->rows[0].candle.trades, -1);  // unknown: prices count because volume > 0
    EXPECT_TRUE(in->rows[0].candle.hasTrades());
}

TEST(KlineIo, ErrorsNameTheLineAndWhatIsAccepted) {
    const auto bad = readKlines("[\n[0,\"1\",\"2\",\"0.5\",\"1\",\"1\"],\n[60000,\"1\",\"2\"]\n]", std::nullopt, "in.json");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("in.json:3: row 2 has 3 fields"), std::string::npos) << bad.error().message;
    EXPECT_NE(bad.error().message.find("accepted"), std::string::npos);

    const auto exponent = readKlines("0,1e3,2,0.5,1,1\n", KlineFormat::Csv, "in.csv");
    ASSERT_FALSE(exponent);
    EXPECT_NE(exponent.error().message.find("in.csv:1: open '1e3' is not a decimal"), std::string::npos)
        << exponent.error().message;
}

TEST(KlineIo, WritesBinanceVisionCsvInMilliseconds) {
    Candle c;
    c.openTime = *parseUtc("2025-01-01");
    c.open = c.high = c.low = c.close = *Decimal::parse("0.316");
    c.volume = *Decimal::parse("27");
    c.trades = 1;
    std::ostringstream out;
    cli::writeKlines(out, std::span(&c, 1), Interval::S1, KlineFormat::Csv);
    EXPECT_EQ(out.str(),
              "1735689600000,0.31600000,0.31600000,0.31600000,0.31600000,27.00000000,1735689600999,0.00000000,1,"
              "0.00000000,0.00000000,0\n");
}

// A CSV (or JSON) written by a tool that starts it with a UTF-8 byte order mark: the mark is not
// part of the first row, which used to be taken for a header and dropped.
TEST(KlineIo, AUtf8ByteOrderMarkDoesNotCostTheFirstRow) {
    const std::string rows = "1704067200000,1,2,0.5,1.5,10\n1704067260000,1,2,0.5,1.5,10\n";
    const auto csv = readKlines("\xEF\xBB\xBF" + rows, std::nullopt, "bom.csv");
    ASSERT_TRUE(csv) << csv.error().message;
    ASSERT_EQ(csv->rows.size(), 2u);
    EXPECT_EQ(csv->rows[0].candle.openTime, 1704067200000);
    EXPECT_EQ(csv->rows[0].line, 1u);
    const auto withHeader = readKlines("\xEF\xBB\xBFopen_time,open,high,low,close,volume\n" + rows,
                                       KlineFormat::Csv, "bom.csv");
    ASSERT_TRUE(withHeader) << withHeader.error().message;
    EXPECT_EQ(withHeader->rows.size(), 2u);
    const auto json = readKlines("\xEF\xBB\xBF[[1704067200000,\"1\",\"2\",\"0.5\",\"1.5\",\"10\"]]", std::nullopt, "bom.json");
    ASSERT_TRUE(json) << json.error().message;
    EXPECT_EQ(json->format, KlineFormat::Json);
    EXPECT_EQ(json->rows.size(), 1u);
}

// A directory, or an endless input (/dev/zero), is a clear error — not an uncaught
// std::ios_base::failure, not a read until memory runs out.
TEST(KlineIo, ReadingADirectoryOrAnEndlessInputIsAClearError) {
    const auto dir = cli::readTextInput(::testing::TempDir());
    ASSERT_FALSE(dir);
    EXPECT_NE(dir.error().message.find("is a directory"), std::string::npos) << dir.error().message;
    const auto missing = cli::readTextInput(::testing::TempDir() + "/no-such-file.csv");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("cannot open"), std::string::npos) << missing.error().message;
    const auto endless = cli::readTextInput("/dev/zero", 1 << 20);
    ASSERT_FALSE(endless);
    EXPECT_NE(endless.error().message.find("larger than 1 MiB"), std::string::npos) << endless.error().message;
    const std::string small = ::testing::TempDir() + "/small-input.csv";
    std::ofstream(small) << "1704067200000,1,2,0.5,1.5,10\n";
    const auto fits = cli::readTextInput(small, 29);
    ASSERT_TRUE(fits) << fits.error().message;
    EXPECT_EQ(fits->size(), 29u);
    EXPECT_FALSE(cli::readTextInput(small, 28));
}
