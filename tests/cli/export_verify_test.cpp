// `cpc export` and `cpc verify` on caches written with CandleDatabase (and damaged with SQLite).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "cli_test_util.hpp"
#include "cpc/core/time.hpp"
#include "cpc/storage/candle_database.hpp"
#include "support/fixtures.hpp"

using namespace cpc;
using cpc::test::runCpc;
using cpc::test::TempDir;

namespace {

const SeriesKey kHours{"binance", "BTCUSDT", Interval::H1};

// A cache holding the 24 real hours of 2024-01-15, with their coverage.
std::string makeCache(const TempDir& dir) {
    const std::string path = dir.file("cache.sqlite3");
    auto db = storage::CandleDatabase::open(path);
    EXPECT_TRUE(db);
    const auto hours = test::fixtureHours();
    EXPECT_TRUE(db->upsert(kHours, hours));
    EXPECT_TRUE(db->recordCoverage(kHours, hours.front().openTime, hours.back().openTime + kHourMs,
                                   storage::CoverageKind::Complete));
    return path;
}

void execSql(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    char* message = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    EXPECT_EQ(rc, SQLITE_OK) << (message ? message : "");
    sqlite3_free(message);
    sqlite3_close(db);
}

}  // namespace

TEST(ExportCommand, WritesTheCachedIntervalAsStored) {
    TempDir dir;
    const std::string db = makeCache(dir);
    const auto run = runCpc({"export", "BTCUSDT", "1h", "--format", "json", "--db", db});
    ASSERT_EQ(run.code, 0) << run.err;
    // Byte for byte the REST rows Binance sent (one per line).
    std::string fixture = test::readFixture(test::kFixtureHours);
    std::string compact = run.out;
    std::erase(compact, '\n');
    while (!fixture.empty() && (fixture.back() == '\n' || fixture.back() == '\r')) fixture.pop_back();
    EXPECT_EQ(compact, fixture);
}

TEST(ExportCommand, AnAggregatedIntervalEqualsAggregatingTheCachedLowerOne) {
    TempDir dir;
    const std::string db = makeCache(dir);
    for (const char* format : {"json", "csv"}) {
        const auto hours = runCpc({"export", "BTCUSDT", "1h", "--format", format, "--db", db});
        ASSERT_EQ(hours.code, 0) << hours.err;
        test::writeFile(dir.file("hours"), hours.out);
        for (const char* target : {"2h", "4h", "1d"}) {
            const auto exported = runCpc({"export", "BTCUSDT", target, "--format", format, "--db", db});
            const auto aggregated = runCpc({"aggregate", "--to", target, dir.file("hours")});
            ASSERT_EQ(exported.code, 0) << exported.err;
            ASSERT_EQ(aggregated.code, 0) << aggregated.err;
            EXPECT_FALSE(exported.out.empty());
            EXPECT_EQ(exported.out, aggregated.out) << target << " " << format;
        }
    }
    const auto day = runCpc({"export", "BTCUSDT", "1d", "--db", db});
    EXPECT_EQ(day.out.rfind("1705276800000,41732.35000000,43400.43000000,41718.05000000,42511.10000000,"
                            "40269.89303000,", 0), 0u) << day.out;
}

TEST(ExportCommand, RangeAndErrors) {
    TempDir dir;
    const std::string db = makeCache(dir);
    const auto part = runCpc({"export", "BTCUSDT", "4h", "--from", "2024-01-15 08:00", "--to", "2024-01-15 16:00",
                              "--db", db});
    ASSERT_EQ(part.code, 0) << part.err;
    EXPECT_EQ(std::count(part.out.begin(), part.out.end(), '\n'), 2);
    EXPECT_EQ(part.out.rfind(std::to_string(*parseUtc("2024-01-15 08:00")), 0), 0u);

    const auto notCached = runCpc({"export", "ETHUSDT", "1h", "--db", db});
    EXPECT_EQ(notCached.code, 1);
    EXPECT_NE(notCached.err.find("no ETHUSDT candles at 1h"), std::string::npos) << notCached.err;
    const auto lower = runCpc({"export", "BTCUSDT", "1m", "--db", db});
    EXPECT_EQ(lower.code, 1);
    EXPECT_NE(lower.err.find("(cached: 1h)"), std::string::npos) << lower.err;
    const auto threeDays = runCpc({"export", "BTCUSDT", "3d", "--db", db});
    EXPECT_EQ(threeDays.code, 1);
    EXPECT_NE(threeDays.err.find("first trading day"), std::string::npos) << threeDays.err;
    const auto noDb = runCpc({"export", "BTCUSDT", "1h", "--db", dir.file("none.sqlite3")});
    EXPECT_EQ(noDb.code, 1);
    EXPECT_NE(noDb.err.find("no candle cache"), std::string::npos) << noDb.err;
    const auto format = runCpc({"export", "BTCUSDT", "1h", "--format", "xml", "--db", db});
    EXPECT_EQ(format.code, 2);
    EXPECT_NE(format.err.find("accepted: csv, json"), std::string::npos) << format.err;
}

TEST(VerifyCommand, ACleanCacheExitsZero) {
    TempDir dir;
    const std::string db = makeCache(dir);
    const auto run = runCpc({"verify", "--db", db});
    EXPECT_EQ(run.code, 0) << run.out << run.err;
    EXPECT_NE(run.out.find("binance:BTCUSDT:1h  24 candles"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("cache is clean: 1 series, 24 candles"), std::string::npos) << run.out;
}

TEST(VerifyCommand, ReportsEveryProblemBySeriesAndTime) {
    TempDir dir;
    const std::string db = makeCache(dir);
    const std::int64_t five = *parseUtc("2024-01-15 05:00");
    const std::int64_t nine = *parseUtc("2024-01-15 09:00");
    // 05:00: high below low (the load skips it as unreadable). 09:30: a misaligned copy of 09:00
    // whose close time reaches into 10:00.
    execSql(db, "UPDATE candles SET high = 1 WHERE open_time = " + std::to_string(five) + ";" +
                    "INSERT INTO candles SELECT series_id, open_time + 1800000, open, high, low, close, volume, "
                    "quote_volume, trades, taker_buy_base, taker_buy_quote, closed FROM candles WHERE open_time = " +
                    std::to_string(nine) + ";");
    const auto run = runCpc({"verify", "--db", db});
    EXPECT_EQ(run.code, 1) << run.out << run.err;
    EXPECT_NE(run.out.find("unreadable row: low above high in candle at 2024-01-15 05:00:00"), std::string::npos)
        << run.out;
    EXPECT_NE(run.out.find("binance:BTCUSDT:1h  2024-01-15 09:30:00.000  open time 2024-01-15 09:30:00.000 is not "
                           "aligned to 1h"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("2024-01-15 09:00:00.000  close time 2024-01-15 09:59:59.999 reaches into the next "
                           "candle"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("problems found (1 of 1 series)"), std::string::npos) << run.out;
}

TEST(VerifyCommand, AnUnreadableOrMissingFileIsAFailure) {
    TempDir dir;
    test::writeFile(dir.file("junk.sqlite3"), std::string(4096, 'x'));
    const auto junk = runCpc({"verify", "--db", dir.file("junk.sqlite3")});
    EXPECT_EQ(junk.code, 1);
    EXPECT_NE(junk.err.find("junk.sqlite3"), std::string::npos) << junk.err;
    EXPECT_EQ(test::readFile(dir.file("junk.sqlite3")), std::string(4096, 'x'));  // not moved, not rebuilt

    const auto missing = runCpc({"verify", "--db", dir.file("missing.sqlite3")});
    EXPECT_EQ(missing.code, 1);
    EXPECT_NE(missing.err.find("no candle cache"), std::string::npos) << missing.err;
}

// A 0-byte file or another program's SQLite database is not our cache: verify and export refuse it
// and leave it as it was (they used to write the schema and WAL mode into it).
TEST(VerifyCommand, AnEmptyOrForeignFileIsRefusedUntouched) {
    TempDir dir;
    const std::string empty = dir.file("empty.sqlite3");
    test::writeFile(empty, "");
    const std::string other = dir.file("other.sqlite3");
    execSql(other, "CREATE TABLE notes (text TEXT)");
    const std::string otherBytes = test::readFile(other);
    for (const std::string& file : {empty, other}) {
        const auto verify = runCpc({"verify", "--db", file});
        EXPECT_EQ(verify.code, 1) << verify.out;
        EXPECT_NE(verify.err.find("not a candle cache"), std::string::npos) << verify.err;
        const auto exported = runCpc({"export", "BTCUSDT", "1h", "--db", file});
        EXPECT_EQ(exported.code, 1) << exported.out;
        EXPECT_NE(exported.err.find("not a candle cache"), std::string::npos) << exported.err;
    }
    EXPECT_EQ(test::readFile(empty), "");
    EXPECT_EQ(test::readFile(other), otherBytes);
    EXPECT_FALSE(std::filesystem::exists(empty + "-wal"));
    EXPECT_FALSE(std::filesystem::exists(other + "-wal"));
}
