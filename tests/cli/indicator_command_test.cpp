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
#include "cpc/core/decimal.hpp"
#include "kline_io.hpp"
#include <nlohmann/json.hpp>
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

namespace {

// The aggregate trades of Binance.US's captured stream (OMGBUSD, 2021-10-12): the real frames.
std::vector<nlohmann::json> capturedAggTrades() {
    std::vector<nlohmann::json> out;
    std::istringstream in(test::readFixture("binance-captures/BINANCE_US.ws.1.0"));
    std::string line;
    std::getline(in, line);  // the URL line
    while (std::getline(in, line)) {
        const std::size_t colon = line.find(": ");
        if (colon == std::string::npos) continue;
        const auto frame = nlohmann::json::parse(line.substr(colon + 2));
        if (frame["data"].value("e", "") == "aggTrade") out.push_back(frame["data"]);
    }
    return out;
}

}  // namespace

TEST(IndicatorCommand, CvdFromTradesEqualsTheRunningDeltaOfTheCapturedTradesPerBar) {
    const auto frames = capturedAggTrades();
    ASSERT_EQ(frames.size(), 11u);
    TempDir dir;
    // As `cpc stream --streams aggTrade` prints them (with another stream's line between), and as
    // data.binance.vision's aggTrades CSV with times in µs.
    std::string jsonl, csv = "agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker,is_best_match\n";
    for (const auto& f : frames) {
        nlohmann::json j{{"type", "aggTrade"}, {"symbol", f["s"]}, {"eventTime", f["E"]}, {"time", f["T"]},
                         {"id", f["a"]}, {"firstTradeId", f["f"]}, {"lastTradeId", f["l"]}, {"price", f["p"]},
                         {"quantity", f["q"]}, {"buyerIsMaker", f["m"]}};
        jsonl += j.dump() + "\n";
        jsonl += R"({"type":"bookTicker","symbol":"OMGBUSD","bid":"13.7","ask":"13.8"})" "\n";
        csv += std::to_string(f["a"].get<std::int64_t>()) + "," + f["p"].get<std::string>() + "," +
               f["q"].get<std::string>() + "," + std::to_string(f["f"].get<std::int64_t>()) + "," +
               std::to_string(f["l"].get<std::int64_t>()) + "," + std::to_string(f["T"].get<std::int64_t>() * 1000) +
               "," + (f["m"].get<bool>() ? "True" : "False") + ",True\n";
    }
    test::writeFile(dir.file("t.jsonl"), jsonl);
    test::writeFile(dir.file("t.csv"), csv);

    // Independently: the running sum of the signed quantities, per 1 s bar.
    struct Bar {
        std::int64_t open;
        Decimal o, h, l, c;
    };
    std::vector<Bar> want;
    Decimal cvd;
    for (const auto& f : frames) {
        const std::int64_t open = f["T"].get<std::int64_t>() / 1000 * 1000;
        if (want.empty() || want.back().open != open) want.push_back({open, cvd, cvd, cvd, cvd});
        const Decimal q = *Decimal::parse(f["q"].get<std::string>());
        cvd += f["m"].get<bool>() ? Decimal{} - q : q;
        want.back().c = cvd;
        want.back().h = std::max(want.back().h, cvd);
        want.back().l = std::min(want.back().l, cvd);
    }
    ASSERT_EQ(want.size(), 5u);  // several trades in some seconds, one in others

    const auto run = runCpc({"indicator", "CVD", "--trades", dir.file("t.jsonl"), "--interval", "1s"});
    ASSERT_EQ(run.code, 0) << run.err;
    const auto lines = splitLines(run.out);
    ASSERT_EQ(lines.size(), want.size() + 1);
    EXPECT_EQ(lines[0], "open_time,cvd_open,cvd_high,cvd_low,cvd,delta");
    for (std::size_t i = 0; i < want.size(); ++i) {
        const auto cells = splitCells(lines[i + 1]);
        ASSERT_EQ(cells.size(), 6u) << lines[i + 1];
        EXPECT_EQ(cells[0], std::to_string(want[i].open));
        EXPECT_EQ(*Decimal::parse(cells[1]), want[i].o) << lines[i + 1];
        EXPECT_EQ(*Decimal::parse(cells[2]), want[i].h) << lines[i + 1];
        EXPECT_EQ(*Decimal::parse(cells[3]), want[i].l) << lines[i + 1];
        EXPECT_EQ(*Decimal::parse(cells[4]), want[i].c) << lines[i + 1];
        EXPECT_EQ(*Decimal::parse(cells[5]), want[i].c - want[i].o) << lines[i + 1];
    }
    // The CSV archive says the same; "-" reads standard input is covered by readTextInput.
    const auto fromCsv = runCpc({"indicator", "CVD", "--trades", dir.file("t.csv"), "--interval", "1s"});
    ASSERT_EQ(fromCsv.code, 0) << fromCsv.err;
    EXPECT_EQ(fromCsv.out, run.out);

    // Per minute: the capture holds every trade of 00:25 UTC (ids 439586–439587, the kline's f..L),
    // so the bar's trade delta equals the klines' formula on the captured closing kline_1m update
    // (v 28.25, V 0): 2·V − v.
    const auto minute = runCpc({"indicator", "CVD", "--trades", dir.file("t.jsonl"), "--anchor", "day"});
    ASSERT_EQ(minute.code, 0) << minute.err;
    const auto minuteLines = splitLines(minute.out);
    ASSERT_EQ(minuteLines.size(), 3u) << minute.out;
    const auto last = splitCells(minuteLines[2]);
    EXPECT_EQ(last[0], "1633998300000");
    EXPECT_EQ(*Decimal::parse(last[5]), *Decimal::parse("-28.25"));
    // The day anchor: both bars are of one UTC day, the second opens where the first closed.
    EXPECT_EQ(splitCells(minuteLines[1])[4], last[1]);
}

TEST(IndicatorCommand, CvdFromTradesRefusesBadInputWithTheLineAndWhy) {
    TempDir dir;
    const std::string good = R"({"type":"trade","time":1000,"price":"10","quantity":"1","buyerIsMaker":false})";
    const auto expectFailure = [&](const std::string& content, const std::string& message) {
        SCOPED_TRACE(content);
        test::writeFile(dir.file("bad.jsonl"), content);
        const auto run = runCpc({"indicator", "CVD", "--trades", dir.file("bad.jsonl")});
        EXPECT_EQ(run.code, 1);
        EXPECT_NE(run.err.find(message), std::string::npos) << run.err;
        EXPECT_TRUE(run.out.empty());
    };
    expectFailure(good + "\n" + R"({"type":"trade","time":1001,"price":"10","quantity":"-1","buyerIsMaker":false})",
                  "line 2: quantity '-1' is not a positive decimal");
    expectFailure(good + "\n{not json", "line 2: not valid JSON");
    expectFailure(R"({"type":"trade","price":"10","quantity":"1","buyerIsMaker":false})", "line 1: \"time\" is missing");
    expectFailure(R"({"type":"kline","openTime":0})", "no trade in it");
    expectFailure("1,10,1,1,1,1000\n", "line 1: an aggTrades row needs 7 or 8 columns");
    expectFailure("1,10,1,1,1,1000,maybe\n", "line 1: is_buyer_maker is not true/false");
    expectFailure("", "empty");

    test::writeFile(dir.file("good.jsonl"), good + "\n");
    const auto noTrades = runCpc({"indicator", "CVD", "--source", "trades", indicatorFixture()});
    EXPECT_EQ(noTrades.code, 2);
    EXPECT_NE(noTrades.err.find("give them with --trades FILE"), std::string::npos) << noTrades.err;
    const auto klinesSource = runCpc({"indicator", "CVD", "--source", "klines", "--trades", dir.file("good.jsonl")});
    EXPECT_EQ(klinesSource.code, 2);
    EXPECT_NE(klinesSource.err.find("--source klines reads a kline file"), std::string::npos) << klinesSource.err;
    const auto notCvd = runCpc({"indicator", "SMA", "--trades", dir.file("good.jsonl")});
    EXPECT_EQ(notCvd.code, 2);
    EXPECT_NE(notCvd.err.find("--trades and --interval are CVD's"), std::string::npos) << notCvd.err;
    const auto badInterval = runCpc({"indicator", "CVD", "--trades", dir.file("good.jsonl"), "--interval", "7m"});
    EXPECT_EQ(badInterval.code, 2);
    EXPECT_NE(badInterval.err.find("--interval expects"), std::string::npos) << badInterval.err;
    const auto ok = runCpc({"indicator", "CVD", "--source", "trades", "--trades", dir.file("good.jsonl")});
    ASSERT_EQ(ok.code, 0) << ok.err;
    EXPECT_EQ(splitLines(ok.out).at(1), "0,0.00000000,1.00000000,0.00000000,1.00000000,1.00000000");
}

TEST(IndicatorCommand, CvdFromKlinesIsUnchangedBySourceKlines) {
    const std::string in = test::fixturePath("binance-rest/BTCUSDT-1h-2024-01-15.klines.json");
    const auto plain = runCpc({"indicator", "CVD", "--anchor", "day", in});
    const auto klines = runCpc({"indicator", "CVD", "--anchor", "day", "--source", "klines", in});
    ASSERT_EQ(plain.code, 0) << plain.err;
    EXPECT_EQ(klines.out, plain.out);
}
