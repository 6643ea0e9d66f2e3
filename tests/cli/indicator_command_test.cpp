// `cpc indicator`, run in-process through the command registry.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "cli_test_util.hpp"
#include "cpc/indicators/bar.hpp"
#include "cpc/indicators/registry.hpp"
#include "kline_io.hpp"
#include "support/fixtures.hpp"

using namespace cpc;
using cpc::test::runCpc;
using cpc::test::TempDir;

namespace {

std::vector<std::string> splitLines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(line);
    }
    return lines;
}

std::vector<std::string> splitCells(const std::string& line) {
    std::vector<std::string> cells;
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = line.find(',', start);
        cells.push_back(line.substr(start, comma - start));
        if (comma == std::string::npos) return cells;
        start = comma + 1;
    }
}

std::size_t columnIndex(const std::vector<std::string>& header, const std::string& name) {
    for (std::size_t i = 0; i < header.size(); ++i)
        if (header[i] == name) return i;
    ADD_FAILURE() << "no column " << name;
    return 0;
}

std::string indicatorFixture() { return test::fixturePath("indicators/btcusdt-1h.csv"); }

}  // namespace

TEST(IndicatorCommand, MacdMatchesTaLib) {
    const auto run = runCpc({"indicator", "MACD", "--fastperiod", "12", "--slowperiod", "26", "--signalperiod=9",
                             indicatorFixture()});
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_TRUE(run.err.empty()) << run.err;
    const auto lines = splitLines(run.out);
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines[0], "open_time,macd,macdsignal,macdhist");

    const auto ref = splitLines(test::readFixture("indicators/talib-0.6.0-c_BTCUSDT-1h-2025-01.csv"));
    ASSERT_EQ(lines.size(), ref.size());
    const auto refHeader = splitCells(ref[0]);
    const std::size_t refCols[] = {columnIndex(refHeader, "macd_12_26_9"),
                                   columnIndex(refHeader, "macdsignal_12_26_9"),
                                   columnIndex(refHeader, "macdhist_12_26_9")};
    std::size_t defined = 0;
    for (std::size_t row = 1; row < lines.size(); ++row) {
        const auto got = splitCells(lines[row]);
        const auto want = splitCells(ref[row]);
        ASSERT_EQ(got.size(), 4u) << lines[row];
        // The fixture's times are microseconds; the output is always milliseconds.
        EXPECT_EQ(std::stoll(got[0]), std::stoll(want[0]) / 1000) << "row " << row;
        for (std::size_t k = 0; k < 3; ++k) {
            const std::string& expected = want[refCols[k]];
            if (expected.empty()) {
                EXPECT_TRUE(got[k + 1].empty()) << "row " << row << " column " << k << ": " << got[k + 1];
                continue;
            }
            ASSERT_FALSE(got[k + 1].empty()) << "row " << row << " column " << k;
            const double e = std::stod(expected);
            EXPECT_NEAR(std::stod(got[k + 1]), e, 1e-9 * std::max(1.0, std::abs(e))) << "row " << row;
            ++defined;
        }
    }
    EXPECT_GT(defined, 3u * 700u);
}

TEST(IndicatorCommand, DefaultsAndOutputFile) {
    TempDir dir;
    const std::string outPath = dir.file("macd.csv");
    const auto explicitRun = runCpc({"indicator", "macd", "--fastperiod", "12", indicatorFixture()});
    ASSERT_EQ(explicitRun.code, 0) << explicitRun.err;
    const auto fileRun = runCpc({"indicator", "MACD", indicatorFixture(), outPath});
    ASSERT_EQ(fileRun.code, 0) << fileRun.err;
    EXPECT_TRUE(fileRun.out.empty());
    EXPECT_EQ(test::readFile(outPath), explicitRun.out);
}

TEST(IndicatorCommand, ValuesRoundTripExactly) {
    const auto run = runCpc({"indicator", "BBANDS", "--timeperiod", "3", "--nbdevup", "1.5", indicatorFixture()});
    ASSERT_EQ(run.code, 0) << run.err;
    const auto lines = splitLines(run.out);
    EXPECT_EQ(lines[0], "open_time,upperband,middleband,lowerband");
    EXPECT_EQ(lines[1], "1735689600000,,,");
    EXPECT_EQ(lines[2], "1735693200000,,,");

    auto input = cli::readKlines(test::readFixture("indicators/btcusdt-1h.csv"), std::nullopt, "fixture");
    ASSERT_TRUE(input) << input.error().message;
    std::vector<Candle> candles;
    for (const auto& r : input->rows) candles.push_back(r.candle);
    auto bb = indicators::createFromSpec("BBANDS(timeperiod=3, nbdevup=1.5)");
    ASSERT_TRUE(bb) << bb.error().message;
    (*bb)->computeAll(indicators::toBars(candles));
    ASSERT_EQ(lines.size(), candles.size() + 1);
    for (std::size_t row = 2; row < candles.size(); ++row) {
        const auto cells = splitCells(lines[row + 1]);
        ASSERT_EQ(cells.size(), 4u);
        for (std::size_t k = 0; k < 3; ++k)
            EXPECT_EQ(std::strtod(cells[k + 1].c_str(), nullptr), (*bb)->value(k, row)) << lines[row + 1];
    }
}

TEST(IndicatorCommand, ListShowsNamesParametersAndDefaults) {
    const auto run = runCpc({"indicator", "--list"});
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_NE(run.out.find("MACD(fastperiod=12, slowperiod=26, signalperiod=9) -> macd, macdsignal, macdhist"),
              std::string::npos)
        << run.out;
    EXPECT_NE(run.out.find("--fastperiod (default 12"), std::string::npos);
    EXPECT_NE(run.out.find("\nSMA(timeperiod=30)"), std::string::npos);
    EXPECT_NE(run.out.find("BBANDS("), std::string::npos);
}

TEST(IndicatorCommand, UnknownIndicatorNamesTheAcceptedOnes) {
    const auto run = runCpc({"indicator", "NOPE", indicatorFixture()});
    EXPECT_EQ(run.code, 2);
    EXPECT_NE(run.err.find("unknown indicator 'NOPE'"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("MACD"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("SMA"), std::string::npos) << run.err;
    EXPECT_TRUE(run.out.empty());
}

TEST(IndicatorCommand, UnknownParameterNamesTheAcceptedOnes) {
    const auto run = runCpc({"indicator", "MACD", "--timeperiod", "5", indicatorFixture()});
    EXPECT_EQ(run.code, 2);
    EXPECT_NE(run.err.find("unknown parameter '--timeperiod' for MACD"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("--fastperiod, --slowperiod, --signalperiod"), std::string::npos) << run.err;
    EXPECT_TRUE(run.out.empty());
}

TEST(IndicatorCommand, BadParameterValuesAreUsageErrors) {
    for (const char* value : {"abc", "2.5", "0", "", "1e9"}) {
        const auto run = runCpc({"indicator", "SMA", "--timeperiod", value, indicatorFixture()});
        EXPECT_EQ(run.code, 2) << value;
        EXPECT_NE(run.err.find("--timeperiod expects a whole number in"), std::string::npos) << run.err;
    }
    const auto missing = runCpc({"indicator", "SMA", "--timeperiod"});
    EXPECT_EQ(missing.code, 2);
    EXPECT_NE(missing.err.find("--timeperiod needs a value"), std::string::npos) << missing.err;
    const auto twice = runCpc({"indicator", "SMA", "--timeperiod", "3", "--timeperiod", "4", indicatorFixture()});
    EXPECT_EQ(twice.code, 2);
    const auto noInput = runCpc({"indicator", "SMA"});
    EXPECT_EQ(noInput.code, 2);
    EXPECT_NE(noInput.err.find("missing input file"), std::string::npos) << noInput.err;
}

TEST(IndicatorCommand, UnreadableInputFails) {
    TempDir dir;
    const auto missing = runCpc({"indicator", "SMA", dir.file("missing.csv")});
    EXPECT_EQ(missing.code, 1);
    EXPECT_NE(missing.err.find("missing.csv"), std::string::npos) << missing.err;
    const std::string garbage = dir.file("garbage.csv");
    test::writeFile(garbage, "open_time,open\nhello,world\n");
    EXPECT_EQ(runCpc({"indicator", "SMA", garbage}).code, 1);
}

TEST(IndicatorCommand, ReadsBinanceRestJson) {
    const auto run = runCpc({"indicator", "SMA", "--timeperiod", "5", test::fixturePath(test::kFixtureHours)});
    ASSERT_EQ(run.code, 0) << run.err;
    const auto lines = splitLines(run.out);
    const auto hours = test::fixtureHours();
    ASSERT_EQ(lines.size(), hours.size() + 1);
    EXPECT_EQ(lines[0], "open_time,real");
    for (std::size_t i = 0; i < hours.size(); ++i) {
        const auto cells = splitCells(lines[i + 1]);
        ASSERT_EQ(cells.size(), 2u);
        EXPECT_EQ(cells[0], std::to_string(hours[i].openTime));
        if (i < 4) {
            EXPECT_TRUE(cells[1].empty()) << lines[i + 1];
            continue;
        }
        double sum = 0;
        for (std::size_t j = i - 4; j <= i; ++j) sum += hours[j].close.toDouble();
        EXPECT_NEAR(std::stod(cells[1]), sum / 5, 1e-9) << lines[i + 1];
    }
}

TEST(IndicatorCommand, OtherCommandsStillRejectUnknownOptions) {
    const auto run = runCpc({"aggregate", "--timeperiod", "5", "x"});
    EXPECT_EQ(run.code, 2);
    EXPECT_NE(run.err.find("unknown option '--timeperiod'"), std::string::npos) << run.err;
}

TEST(IndicatorCommand, CvdFromRealBinanceKlinesWithAnAnchorByName) {
    const std::string in = test::fixturePath("binance-rest/BTCUSDT-1h-2024-01-15.klines.json");
    const auto run = runCpc({"indicator", "CVD", "--anchor", "session", in});
    ASSERT_EQ(run.code, 0) << run.err;
    const auto lines = splitLines(run.out);
    ASSERT_EQ(lines.size(), 25u);
    EXPECT_EQ(lines[0], "open_time,cvd,delta");
    const auto first = splitCells(lines[1]);
    EXPECT_EQ(first[0], "1705276800000");
    EXPECT_NEAR(std::stod(first[2]), 2 * 1348.93805 - 2433.52283, 1e-9);  // the file's first row
    EXPECT_EQ(first[1], first[2]);
    const auto second = splitCells(lines[2]);
    EXPECT_NEAR(std::stod(second[1]), std::stod(first[1]) + 2 * 821.97918 - 1404.64040, 1e-9);

    const auto byNumber = runCpc({"indicator", "CVD", "--anchor", "2", in});
    EXPECT_EQ(byNumber.out, run.out);
    const auto bad = runCpc({"indicator", "CVD", "--anchor", "week", in});
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.err.find("--anchor expects one of none|day|session"), std::string::npos) << bad.err;
}

TEST(IndicatorCommand, CvdRefusesKlinesWithoutTakerBuyVolume) {
    // The 6-column CSV (open_time,open,high,low,close,volume) has no taker buy volume: a CVD of it
    // would be −volume on every bar, so the command says why instead.
    const auto run = runCpc({"indicator", "CVD", indicatorFixture()});
    EXPECT_EQ(run.code, 1);
    EXPECT_NE(run.err.find("CVD needs the taker buy base volume"), std::string::npos) << run.err;
    EXPECT_TRUE(run.out.empty());
}
