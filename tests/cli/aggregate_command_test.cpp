// `cpc aggregate`, run in-process through the command registry.
#include <gtest/gtest.h>

#include <random>

#include "cli_test_util.hpp"
#include "cpc/core/time.hpp"
#include "kline_io.hpp"
#include "support/fixtures.hpp"

using namespace cpc;
using cpc::test::runCpc;
using cpc::test::TempDir;

namespace {

// Binance's own 1d candle of 2024-01-15 (open, high, low, close, volume as the REST API sends it).
constexpr const char* kDailyRowStart =
    R"([1705276800000,"41732.35000000","43400.43000000","41718.05000000","42511.10000000","40269.89303000",1705363199999,)";
constexpr const char* kDailyCsvStart =
    "1705276800000,41732.35000000,43400.43000000,41718.05000000,42511.10000000,40269.89303000,1705363199999,";

std::string fixtureFile() { return test::fixturePath(test::kFixtureHours); }

// The fixture as data.binance.vision CSV; with micro = true in 2025-style microseconds.
std::string fixtureCsv(bool micro, std::size_t skipFirst = 0) {
    std::string csv;
    const auto hours = test::fixtureHours();
    for (std::size_t i = skipFirst; i < hours.size(); ++i) {
        std::string row = cli::klineCsvRow(hours[i], Interval::H1);
        if (micro) {
            const std::string open = std::to_string(hours[i].openTime);
            const std::string close = std::to_string(closeTime(Interval::H1, hours[i].openTime));
            row.replace(row.find(close), close.size(), close + "999");
            row.replace(0, open.size(), open + "000");
        }
        csv += row + "\n";
    }
    return csv;
}

std::size_t countRows(const std::string& json) {
    std::size_t n = 0;
    for (std::size_t p = json.find("\n["); p != std::string::npos; p = json.find("\n[", p + 1)) ++n;
    return n;
}

}  // namespace

TEST(AggregateCommand, RealHoursMakeBinancesDailyCandleExactly) {
    const auto run = runCpc({"aggregate", "--to", "1d", fixtureFile()});
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_EQ(run.out.rfind(std::string("[\n") + kDailyRowStart, 0), 0u) << run.out;
    EXPECT_EQ(countRows(run.out), 1u);
    EXPECT_TRUE(run.err.empty()) << run.err;
}

TEST(AggregateCommand, WritesCsvWhenAsked) {
    const auto run = runCpc({"aggregate", "--to", "1d", "--output-format", "csv", fixtureFile()});
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_EQ(run.out.rfind(kDailyCsvStart, 0), 0u) << run.out;
    EXPECT_EQ(std::count(run.out.begin(), run.out.end(), '\n'), 1);
}

TEST(AggregateCommand, ReadsArchiveCsvInMicrosecondsAndMilliseconds) {
    TempDir dir;
    for (const bool micro : {true, false}) {
        const std::string path = dir.file(micro ? "us.csv" : "ms.csv");
        test::writeFile(path, fixtureCsv(micro));
        const auto run = runCpc({"aggregate", "--to", "1d", path});
        ASSERT_EQ(run.code, 0) << run.err;
        EXPECT_EQ(run.out.rfind(kDailyCsvStart, 0), 0u) << (micro ? "µs: " : "ms: ") << run.out;
    }
}

TEST(AggregateCommand, AcceptsACsvHeaderLine) {
    TempDir dir;
    const std::string path = dir.file("h.csv");
    test::writeFile(path, "open_time,open,high,low,close,volume,close_time,quote_volume,count,"
                          "taker_buy_base_volume,taker_buy_quote_volume,ignore\n" + fixtureCsv(false));
    const auto run = runCpc({"aggregate", "--to", "1d", "--output-format", "json", path});
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_NE(run.out.find(kDailyRowStart), std::string::npos) << run.out;
}

TEST(AggregateCommand, AcceptsSixFieldRows) {
    std::string json = "[";
    for (const Candle& c : test::fixtureHours())
        json += (json.size() > 1 ? "," : "") + ("[" + std::to_string(c.openTime) + ",\"" + c.open.toString() + "\",\"" +
                                                c.high.toString() + "\",\"" + c.low.toString() + "\",\"" +
                                                c.close.toString() + "\",\"" + c.volume.toString() + "\"]");
    json += "]";
    TempDir dir;
    test::writeFile(dir.file("six.json"), json);
    const auto run = runCpc({"aggregate", "--to", "1d", dir.file("six.json")});
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_NE(run.out.find(kDailyRowStart), std::string::npos) << run.out;
}

TEST(AggregateCommand, WritesOnlyWholeBucketsUnlessPartial) {
    TempDir dir;
    const std::string path = dir.file("from2h.csv");
    test::writeFile(path, fixtureCsv(false, /*skipFirst=*/2));  // starts 02:00: the 00:00 4h bucket is cut
    const auto whole = runCpc({"aggregate", "--to", "4h", path});
    ASSERT_EQ(whole.code, 0) << whole.err;
    EXPECT_EQ(std::count(whole.out.begin(), whole.out.end(), '\n'), 5);
    EXPECT_EQ(whole.out.rfind(std::to_string(*parseUtc("2024-01-15 04:00")) + ",", 0), 0u) << whole.out;

    const auto partial = runCpc({"aggregate", "--to", "4h", "--partial", path});
    ASSERT_EQ(partial.code, 0) << partial.err;
    EXPECT_EQ(std::count(partial.out.begin(), partial.out.end(), '\n'), 6);
    // The cut bucket opens at its bucket start, from the rows it has (02:00 onwards).
    EXPECT_EQ(partial.out.rfind(std::to_string(*parseUtc("2024-01-15 00:00")) + ",", 0), 0u) << partial.out;

    const auto day = runCpc({"aggregate", "--to", "1d", path});
    ASSERT_EQ(day.code, 0) << day.err;
    EXPECT_EQ(day.out, "");
}

TEST(AggregateCommand, AMissingRowInsideABucketIsAGapNotADrop) {
    auto hours = test::fixtureHours();
    const Candle removed = hours[5];
    hours.erase(hours.begin() + 5);
    std::string csv;
    for (const Candle& c : hours) csv += cli::klineCsvRow(c, Interval::H1) + "\n";
    TempDir dir;
    test::writeFile(dir.file("gap.csv"), csv);
    const auto run = runCpc({"aggregate", "--from", "1h", "--to", "1d", dir.file("gap.csv")});
    ASSERT_EQ(run.code, 0) << run.err;
    const Decimal volume = *Decimal::parse("40269.89303") - removed.volume;
    EXPECT_NE(run.out.find("," + volume.toString() + ",1705363199999,"), std::string::npos) << run.out;
}

TEST(AggregateCommand, ThreeDaysNeedTheListingDay) {
    const auto refused = runCpc({"aggregate", "--to", "3d", fixtureFile()});
    EXPECT_EQ(refused.code, 2);
    EXPECT_NE(refused.err.find("--to 3d needs --anchor"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find("first trading day"), std::string::npos) << refused.err;
    EXPECT_TRUE(refused.out.empty());

    const auto anchored = runCpc({"aggregate", "--to", "3d", "--anchor", "2017-08-17", "--partial", fixtureFile()});
    ASSERT_EQ(anchored.code, 0) << anchored.err;
    const std::int64_t start = bucketStart(Interval::D3, *parseUtc("2024-01-15"), *parseUtc("2017-08-17"));
    EXPECT_NE(anchored.out.find("[" + std::to_string(start) + ",\"41732.35000000\",\"43400.43000000\""),
              std::string::npos) << anchored.out;
}

TEST(AggregateCommand, BadUsageExitsTwoAndSaysWhatIsAccepted) {
    const auto interval = runCpc({"aggregate", "--to", "2m", fixtureFile()});
    EXPECT_EQ(interval.code, 2);
    EXPECT_NE(interval.err.find("unknown interval '2m'; accepted: 1s 1m 3m"), std::string::npos) << interval.err;

    const auto format = runCpc({"aggregate", "--to", "1d", "--input-format", "xml", fixtureFile()});
    EXPECT_EQ(format.code, 2);
    EXPECT_NE(format.err.find("accepted: auto, json, csv"), std::string::npos) << format.err;

    const auto noIn = runCpc({"aggregate", "--to", "1d"});
    EXPECT_EQ(noIn.code, 2);
    EXPECT_NE(noIn.err.find("missing input file"), std::string::npos) << noIn.err;

    const auto noTo = runCpc({"aggregate", fixtureFile()});
    EXPECT_EQ(noTo.code, 2);
    EXPECT_NE(noTo.err.find("--to INTERVAL is required"), std::string::npos) << noTo.err;

    const auto notDividing = runCpc({"aggregate", "--from", "1w", "--to", "1M", fixtureFile()});
    EXPECT_EQ(notDividing.code, 2);
    EXPECT_NE(notDividing.err.find("cannot aggregate 1w to 1M"), std::string::npos) << notDividing.err;

    const auto help = runCpc({"aggregate", "--help"});
    EXPECT_EQ(help.code, 0);
    EXPECT_NE(help.out.find("--partial"), std::string::npos);
}

TEST(AggregateCommand, BadDataExitsOneAndNamesFileAndLine) {
    TempDir dir;
    const auto missing = runCpc({"aggregate", "--to", "1d", dir.file("nope.json")});
    EXPECT_EQ(missing.code, 1);
    EXPECT_NE(missing.err.find(dir.file("nope.json") + ": cannot open"), std::string::npos) << missing.err;

    // Line 3: low above high.
    const std::string bad = dir.file("bad.csv");
    test::writeFile(bad, "0,1,2,0.5,1,1,59999,1,1,0,0,0\n60000,1,2,0.5,1,1,119999,1,1,0,0,0\n"
                         "120000,1,2,3,1,1,179999,1,1,0,0,0\n");
    const auto invalid = runCpc({"aggregate", "--to", "5m", bad});
    EXPECT_EQ(invalid.code, 1);
    EXPECT_NE(invalid.err.find(bad + ":3: low above high"), std::string::npos) << invalid.err;

    const std::string columns = dir.file("cols.csv");
    test::writeFile(columns, "0,1,2,0.5\n");
    const auto wrong = runCpc({"aggregate", "--to", "5m", columns});
    EXPECT_EQ(wrong.code, 1);
    EXPECT_NE(wrong.err.find(columns + ":1: expected 12 or 6 columns, got 4"), std::string::npos) << wrong.err;

    const std::string misaligned = dir.file("mis.csv");
    test::writeFile(misaligned, "0,1,2,0.5,1,1,59999,1,1,0,0,0\n90000,1,2,0.5,1,1,149999,1,1,0,0,0\n"
                                "180000,1,2,0.5,1,1,239999,1,1,0,0,0\n");
    const auto ambiguous = runCpc({"aggregate", "--to", "5m", misaligned});
    EXPECT_EQ(ambiguous.code, 1);
    EXPECT_NE(ambiguous.err.find("not a kline interval"), std::string::npos) << ambiguous.err;
    const auto unaligned = runCpc({"aggregate", "--from", "1m", "--to", "5m", misaligned});
    EXPECT_EQ(unaligned.code, 1);
    EXPECT_NE(unaligned.err.find(misaligned + ":2: open time"), std::string::npos) << unaligned.err;
    EXPECT_NE(unaligned.err.find("not aligned to 1m"), std::string::npos) << unaligned.err;

    const std::string mixed = dir.file("mixed.csv");
    test::writeFile(mixed, "0,1,2,0.5,1,1,59999,1,1,0,0,0\n180000,1,2,0.5,1,1,239999,1,1,0,0,0\n"
                           "480000,1,2,0.5,1,1,539999,1,1,0,0,0\n");
    const auto mixedRun = runCpc({"aggregate", "--to", "15m", mixed});
    EXPECT_EQ(mixedRun.code, 1);
    EXPECT_NE(mixedRun.err.find("ambiguous"), std::string::npos) << mixedRun.err;
}

TEST(AggregateCommand, WritesToTheOutputFile) {
    TempDir dir;
    const auto run = runCpc({"aggregate", "--to", "1d", fixtureFile(), dir.file("out.json")});
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_TRUE(run.out.empty());
    EXPECT_NE(test::readFile(dir.file("out.json")).find(kDailyRowStart), std::string::npos);
}

// Property (aggregation guide): 1m→5m→15m equals 1m→15m, for random minutes with exchange gaps
// and no-trade candles (flat at the previous close), through the command and its file formats.
TEST(AggregateCommand, ChainedAggregationEqualsDirectOnRandomData) {
    TempDir dir;
    for (std::uint32_t seed = 1; seed <= 12; ++seed) {
        std::mt19937 rng(seed);
        std::int64_t priceUnits = 100'000'000'000;  // 1000.00000000
        std::string csv;
        std::int64_t t = *parseUtc("2024-03-01") + static_cast<std::int64_t>(rng() % 30) * kMinuteMs;
        for (int i = 0; i < 600; ++i, t += kMinuteMs) {
            if (rng() % 10 == 0) {  // an outage: no rows at all
                t += static_cast<std::int64_t>(rng() % 40) * kMinuteMs;
            }
            Candle c;
            c.openTime = t;
            c.closed = true;
            if (rng() % 3 == 0) {  // no trades: flat at the previous close
                c.open = c.high = c.low = c.close = Decimal::fromUnits(priceUnits);
            } else {
                const auto move = [&rng] { return static_cast<std::int64_t>(rng() % 2001) - 1000; };
                const std::int64_t open = priceUnits + move() * 1000;
                const std::int64_t close = open + move() * 1000;
                c.open = Decimal::fromUnits(open);
                c.close = Decimal::fromUnits(close);
                c.high = Decimal::fromUnits(std::max(open, close) + static_cast<std::int64_t>(rng() % 500) * 1000);
                c.low = Decimal::fromUnits(std::min(open, close) - static_cast<std::int64_t>(rng() % 500) * 1000);
                c.volume = Decimal::fromUnits(static_cast<std::int64_t>(rng() % 1'000'000'000) + 1);
                c.quoteVolume = Decimal::fromUnits(static_cast<std::int64_t>(rng() % 1'000'000'000'000));
                c.trades = 1 + static_cast<std::int64_t>(rng() % 50);
                c.takerBuyBase = Decimal::fromUnits(c.volume.units() / 2);
                c.takerBuyQuote = Decimal::fromUnits(c.quoteVolume.units() / 3);
                priceUnits = close;
            }
            csv += cli::klineCsvRow(c, Interval::M1) + "\n";
        }
        const std::string minutes = dir.file("m" + std::to_string(seed) + ".csv");
        const std::string fives = dir.file("f" + std::to_string(seed) + ".csv");
        test::writeFile(minutes, csv);
        // --partial keeps the edge buckets: without it each step drops its own cut edges, and a
        // 5m file no longer knows where the 1m input began.
        ASSERT_EQ(runCpc({"aggregate", "--partial", "--from", "1m", "--to", "5m", minutes, fives}).code, 0);
        const auto direct = runCpc({"aggregate", "--partial", "--from", "1m", "--to", "15m", minutes});
        const auto chained = runCpc({"aggregate", "--partial", "--from", "5m", "--to", "15m", fives});
        ASSERT_EQ(direct.code, 0) << direct.err;
        ASSERT_EQ(chained.code, 0) << chained.err;
        EXPECT_GT(std::count(direct.out.begin(), direct.out.end(), '\n'), 30);
        EXPECT_EQ(direct.out, chained.out) << "seed " << seed;
    }
}
