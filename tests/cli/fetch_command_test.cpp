// `cpc fetch` against the built-in simulator on 127.0.0.1 (never the internet).
#include <gtest/gtest.h>

#include <filesystem>
#include <limits>

#include "cli_test_util.hpp"
#include "cpc/core/time.hpp"
#include "cpc/sim/sim_server.hpp"
#include "cpc/storage/candle_database.hpp"

#include <sqlite3.h>

using namespace cpc;
using cpc::test::runCpc;
using cpc::test::TempDir;

namespace {

class FetchCommand : public ::testing::Test {
protected:
    void SetUp() override {
        m_sim = std::make_unique<sim::SimServer>(sim::SimConfig{});
        auto started = m_sim->start();
        ASSERT_TRUE(started) << started.error().message;
    }

    test::CommandRun fetch(std::vector<std::string> args) {
        args.insert(args.begin(), "fetch");
        for (const std::string& extra : {std::string("--endpoint"), m_sim->restBase(), std::string("--db"), db()})
            args.push_back(extra);
        return runCpc(args);
    }
    std::string db() const { return m_dir.file("cache.sqlite3"); }
    std::uint64_t requests() const { return m_sim->stats().restRequests; }
    std::size_t stored(const std::string& symbol, Interval interval) {
        auto database = storage::CandleDatabase::open(db());
        EXPECT_TRUE(database);
        auto n = database->count(SeriesKey{"binance", symbol, interval});
        EXPECT_TRUE(n);
        return n ? *n : 0;
    }

    TempDir m_dir;
    std::unique_ptr<sim::SimServer> m_sim;
};

}  // namespace

TEST_F(FetchCommand, SecondRunRequestsNothing) {
    const auto first = fetch({"BTCUSDT", "1h", "--from", "2024-01-01", "--to", "2024-01-03"});
    ASSERT_EQ(first.code, 0) << first.err;
    EXPECT_NE(first.out.find("stored 48 candles"), std::string::npos) << first.out;
    EXPECT_EQ(stored("BTCUSDT", Interval::H1), 48u);
    const std::uint64_t afterFirst = requests();
    EXPECT_EQ(afterFirst, 2u);  // exchange time + one page

    const auto second = fetch({"btcusdt", "1h", "--from", "2024-01-01", "--to", "2024-01-03"});
    ASSERT_EQ(second.code, 0) << second.err;
    EXPECT_NE(second.out.find("nothing requested"), std::string::npos) << second.out;
    EXPECT_EQ(requests(), afterFirst);
}

TEST_F(FetchCommand, PagesByAThousandAndFetchesOnlyTheMissingPart) {
    const auto first = fetch({"ETHUSDT", "1m", "--from", "2024-01-01 00:00", "--to", "2024-01-01 20:00"});
    ASSERT_EQ(first.code, 0) << first.err;
    EXPECT_EQ(stored("ETHUSDT", Interval::M1), 1200u);
    EXPECT_EQ(requests(), 3u);  // time + 2 pages
    // Plain progress lines when stderr is not a terminal.
    EXPECT_NE(first.err.find("1200 candles so far"), std::string::npos) << first.err;

    const auto wider = fetch({"ETHUSDT", "1m", "--from", "2024-01-01 00:00", "--to", "2024-01-01 21:00"});
    ASSERT_EQ(wider.code, 0) << wider.err;
    EXPECT_NE(wider.out.find("stored 60 candles"), std::string::npos) << wider.out;
    EXPECT_EQ(requests(), 5u);  // time + 1 page for the last hour only
    EXPECT_EQ(stored("ETHUSDT", Interval::M1), 1260u);
}

TEST_F(FetchCommand, RangesBeforeTheListingAreRecordedAsGapsAndNotAskedAgain) {
    const auto first = fetch({"NKNUSDT", "1d", "--from", "2019-04-01", "--to", "2019-04-20"});
    ASSERT_EQ(first.code, 0) << first.err;
    EXPECT_EQ(stored("NKNUSDT", Interval::D1), 10u);  // listed 2019-04-10
    EXPECT_NE(first.out.find("recorded as gaps"), std::string::npos) << first.out;
    auto database = storage::CandleDatabase::open(db());
    ASSERT_TRUE(database);
    auto coverage = database->coverage(SeriesKey{"binance", "NKNUSDT", Interval::D1});
    ASSERT_TRUE(coverage);
    const std::vector<storage::CoverageRange> expected{
        {*parseUtc("2019-04-01"), *parseUtc("2019-04-10"), storage::CoverageKind::Gap},
        {*parseUtc("2019-04-10"), *parseUtc("2019-04-20"), storage::CoverageKind::Complete}};
    EXPECT_EQ(*coverage, expected);

    const std::uint64_t before = requests();
    const auto second = fetch({"NKNUSDT", "1d", "--from", "2019-04-01", "--to", "2019-04-20"});
    ASSERT_EQ(second.code, 0) << second.err;
    EXPECT_EQ(requests(), before);
}

TEST_F(FetchCommand, UnknownSymbolReportsTheVenuesMessageAndAnUnknownIntervalWhatIsAccepted) {
    const auto symbol = fetch({"NOPEUSDT", "1h", "--from", "2024-01-01", "--to", "2024-01-02"});
    EXPECT_EQ(symbol.code, 1);
    EXPECT_NE(symbol.err.find("NOPEUSDT 1h: Binance error -1121: Invalid symbol."), std::string::npos) << symbol.err;
    // The cache this run created holds nothing: it is not left behind.
    EXPECT_FALSE(std::filesystem::exists(db())) << "an empty new database was left behind";
    EXPECT_FALSE(std::filesystem::exists(db() + "-wal"));

    // An interval no venue's candles could be stored under is refused before anything is asked.
    const std::uint64_t before = requests();
    const auto interval = fetch({"BTCUSDT", "2m", "--from", "2024-01-01", "--to", "2024-01-02"});
    EXPECT_EQ(interval.code, 2);
    EXPECT_NE(interval.err.find("interval '2m' is not one this tool can store; accepted: 1s 1m 3m"), std::string::npos)
        << interval.err;
    EXPECT_EQ(requests(), before);
}

TEST_F(FetchCommand, BadCommandLinesExitTwo) {
    const auto dates = fetch({"BTCUSDT", "1h", "--from", "yesterday", "--to", "2024-01-02"});
    EXPECT_EQ(dates.code, 2);
    EXPECT_NE(dates.err.find("--from: cannot read 'yesterday'"), std::string::npos) << dates.err;
    const auto order = fetch({"BTCUSDT", "1h", "--from", "2024-01-02", "--to", "2024-01-01"});
    EXPECT_EQ(order.code, 2);
    const auto missing = runCpc({"fetch", "BTCUSDT"});
    EXPECT_EQ(missing.code, 2);
    const auto endpoint = runCpc({"fetch", "BTCUSDT", "1h", "--from", "2024-01-01", "--to", "2024-01-02",
                                  "--endpoint", "http://example.com", "--db", db()});
    EXPECT_EQ(endpoint.code, 2);
    EXPECT_EQ(requests(), 0u);
}

// Binance's rate-limit rules: a 429 is answered by waiting its Retry-After (a request before then
// would earn the 418 ban), and a 5xx is retried. The simulator's clock stands just before the end
// of a minute, so its Retry-After (the rest of the minute) is one second.
TEST(FetchCommandLimits, WaitsOutA429AndRetriesA503) {
    const std::int64_t offset = [] {
        const std::int64_t real = nowMs();
        return (59'300 - real % kMinuteMs + kMinuteMs) % kMinuteMs;
    }();
    sim::SimConfig config;
    config.clock = [offset] { return nowMs() + offset; };
    sim::SimServer server(config);
    ASSERT_TRUE(server.start());
    server.inject(sim::SimFault::RestTooMany, std::chrono::milliseconds(0), 1);
    TempDir dir;
    const auto run = runCpc({"fetch", "BTCUSDT", "1d", "--from", "2024-01-01", "--to", "2024-01-11", "--endpoint",
                             server.restBase(), "--db", dir.file("c.sqlite3")});
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_NE(run.err.find("rate limited (HTTP 429); waiting "), std::string::npos) << run.err;
    EXPECT_EQ(server.stats().rest429, 1u);
    EXPECT_EQ(server.stats().rest418, 0u);
    EXPECT_EQ(server.stats().weightViolations, 0u);

    server.inject(sim::SimFault::RestServerError, std::chrono::milliseconds(0), 1);
    const auto again = runCpc({"fetch", "BTCUSDT", "1d", "--from", "2024-01-11", "--to", "2024-01-21", "--endpoint",
                               server.restBase(), "--db", dir.file("c.sqlite3")});
    ASSERT_EQ(again.code, 0) << again.err;
    EXPECT_NE(again.err.find("server error (HTTP 503); retrying"), std::string::npos) << again.err;
    EXPECT_NE(again.out.find("stored 10 candles"), std::string::npos) << again.out;
}


TEST_F(FetchCommand, AWriteThatFailsIsAFailureAndLeavesNoCoverageSoARerunAsksAgain) {
    // The download's pages are written by the storage worker while the next page is fetched; the
    // coverage of a page may only go in once its candles did.
    ASSERT_EQ(fetch({"BTCUSDT", "1h", "--from", "2024-01-01", "--to", "2024-01-02"}).code, 0);
    {
        sqlite3* raw = nullptr;
        ASSERT_EQ(sqlite3_open(db().c_str(), &raw), SQLITE_OK);
        char* message = nullptr;
        // ETHUSDT's candles cannot be written (as on a full disk); its coverage could be.
        const int rc = sqlite3_exec(raw,
                                    "CREATE TRIGGER refuse_eth BEFORE INSERT ON candles WHEN (SELECT symbol FROM "
                                    "series WHERE series_id = NEW.series_id) = 'ETHUSDT' BEGIN SELECT "
                                    "RAISE(ABORT, 'no space left (test)'); END;",
                                    nullptr, nullptr, &message);
        EXPECT_EQ(rc, SQLITE_OK) << (message ? message : "");
        sqlite3_free(message);
        sqlite3_close(raw);
    }
    const auto failed = fetch({"ETHUSDT", "1h", "--from", "2024-01-01", "--to", "2024-01-02"});
    EXPECT_EQ(failed.code, 1) << failed.out << failed.err;
    EXPECT_NE(failed.err.find("no space left (test)"), std::string::npos) << failed.err;
    {
        auto database = storage::CandleDatabase::open(db());
        ASSERT_TRUE(database);
        auto coverage = database->coverage(SeriesKey{"binance", "ETHUSDT", Interval::H1});
        ASSERT_TRUE(coverage);
        EXPECT_TRUE(coverage->empty()) << "coverage claims candles the file lacks";
        sqlite3* raw = nullptr;
        ASSERT_EQ(sqlite3_open(db().c_str(), &raw), SQLITE_OK);
        EXPECT_EQ(sqlite3_exec(raw, "DROP TRIGGER refuse_eth;", nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(raw);
    }
    const std::uint64_t before = requests();
    const auto again = fetch({"ETHUSDT", "1h", "--from", "2024-01-01", "--to", "2024-01-02"});
    ASSERT_EQ(again.code, 0) << again.err;
    EXPECT_NE(again.out.find("stored 24 candles"), std::string::npos) << again.out;
    EXPECT_GT(requests(), before) << "the rerun asked the venue again";
    EXPECT_EQ(stored("ETHUSDT", Interval::H1), 24u);
}

TEST_F(FetchCommand, ACacheThatCannotOpenIsAFailureSayingWhyBeforeAnythingIsAsked) {
    const auto run = runCpc({"fetch", "BTCUSDT", "1h", "--from", "2024-01-01", "--to", "2024-01-02", "--endpoint",
                             m_sim->restBase(), "--db", m_dir.file("missing/dir/cache.sqlite3")});
    EXPECT_EQ(run.code, 1) << run.err;
    EXPECT_NE(run.err.find("cpc fetch: " + m_dir.file("missing/dir/cache.sqlite3") + ": opening: "), std::string::npos)
        << run.err;
    // The command ends here: nothing is "tried again" (the storage worker's words for the app).
    EXPECT_EQ(run.err.find("tried again"), std::string::npos) << run.err;
    EXPECT_EQ(requests(), 0u);
}

// A symbol outside the venue's alphabet never reaches a request: '&' or '?' would add query
// parameters, spaces and CR/LF whole requests. Exit 2 saying what is accepted; nothing asked, no
// file made.
TEST_F(FetchCommand, ASymbolOutsideTheVenuesAlphabetIsRefusedBeforeAnyRequest) {
    for (const std::string bad : {"BTCUSDT&limit=1", "BTCUSDT?x=1", "BTC USDT", "BTCUSDT\r\nHost: x", "BTC/USDT"}) {
        const auto run = fetch({bad, "1h", "--from", "2024-01-01", "--to", "2024-01-02"});
        EXPECT_EQ(run.code, 2) << bad << ": " << run.err;
        EXPECT_NE(run.err.find("is not a binance symbol"), std::string::npos) << run.err;
        EXPECT_NE(run.err.find("accepted: 1 to 32 of ASCII letters, digits"), std::string::npos) << run.err;
    }
    EXPECT_EQ(requests(), 0u);
    EXPECT_FALSE(std::filesystem::exists(db()));
    // A database that existed before is kept even when the fetch fails.
    ASSERT_EQ(fetch({"BTCUSDT", "1h", "--from", "2024-01-01", "--to", "2024-01-02"}).code, 0);
    EXPECT_EQ(fetch({"NOPEUSDT", "1h", "--from", "2024-01-01", "--to", "2024-01-02"}).code, 1);
    EXPECT_EQ(stored("BTCUSDT", Interval::H1), 24u);
}

// A venue whose clock runs an hour ahead of ours calls the candle of our current minute closed;
// it is still forming, so it is neither stored nor recorded as complete (issue 20).
TEST(FetchCommandClock, AVenueClockAheadDoesNotMakeTheFormingCandleFinal) {
    sim::SimConfig config;
    config.clock = [] { return nowMs() + 3'600'000; };
    sim::SimServer server(config);
    ASSERT_TRUE(server.start());
    TempDir dir;
    const std::int64_t from = nowMs() - 10 * kMinuteMs;
    const auto run = runCpc({"fetch", "BTCUSDT", "1m", "--from", std::to_string(from), "--to",
                             std::to_string(nowMs() + 3'600'000), "--endpoint", server.restBase(), "--db",
                             dir.file("c.sqlite3")});
    const std::int64_t finished = nowMs();
    ASSERT_EQ(run.code, 0) << run.err;
    auto database = storage::CandleDatabase::open(dir.file("c.sqlite3"));
    ASSERT_TRUE(database);
    const SeriesKey key{"binance", "BTCUSDT", Interval::M1};
    const auto bounds = database->bounds(key);
    ASSERT_TRUE(bounds && *bounds);
    EXPECT_LT(closeTime(Interval::M1, (*bounds)->second), finished) << "a candle still forming here was stored";
    const auto coverage = database->coverage(key);
    ASSERT_TRUE(coverage);
    for (const auto& range : *coverage) EXPECT_LE(range.toMs, finished) << "coverage claims the future";
}

// Issue 20: a 200 answer that says nothing about the asked range must not become an exchange gap
// that every later fetch skips. Rows of another range are an error recording nothing; an answer
// without rows is asked again, and only a second one marks the gap.
TEST_F(FetchCommand, AnAnswerFromAnotherRangeOrOneEmptyAnswerIsNotRecordedAsAGap) {
    m_sim->inject(sim::SimFault::RestWrongRange, std::chrono::milliseconds(0), 1);
    const auto wrong = fetch({"BTCUSDT", "1h", "--from", "2024-01-01", "--to", "2024-01-03"});
    EXPECT_EQ(wrong.code, 1) << wrong.out;
    EXPECT_NE(wrong.err.find("none in the asked range"), std::string::npos) << wrong.err;
    {
        auto database = storage::CandleDatabase::open(db());
        ASSERT_TRUE(database);
        EXPECT_TRUE(database->coverage(SeriesKey{"binance", "BTCUSDT", Interval::H1})->empty());
    }
    m_sim->inject(sim::SimFault::RestEmptyAnswer, std::chrono::milliseconds(0), 1);
    const auto once = fetch({"BTCUSDT", "1h", "--from", "2024-01-01", "--to", "2024-01-03"});
    ASSERT_EQ(once.code, 0) << once.err;
    EXPECT_NE(once.out.find("stored 48 candles"), std::string::npos) << once.out;
    EXPECT_EQ(once.out.find("recorded as gaps"), std::string::npos) << once.out;
    EXPECT_NE(once.err.find("asking again to confirm the gap"), std::string::npos) << once.err;
    EXPECT_EQ(stored("BTCUSDT", Interval::H1), 48u);
}

// A gap recorded earlier (a venue's wrong answer at the time) is asked again with --refetch: the
// candles the venue has there now are stored and the gap is cut back; without it nothing is asked.
TEST_F(FetchCommand, RefetchAsksAgainForRecordedGaps) {
    const SeriesKey key{"binance", "BTCUSDT", Interval::H1};
    const std::int64_t from = *parseUtc("2024-01-01"), to = *parseUtc("2024-01-03");
    {
        auto database = storage::CandleDatabase::open(db());
        ASSERT_TRUE(database);
        ASSERT_TRUE(database->recordCoverage(key, from - 3'600'000, to, storage::CoverageKind::Gap));
    }
    const auto skipped = fetch({"BTCUSDT", "1h", "--from", "2024-01-01", "--to", "2024-01-03"});
    ASSERT_EQ(skipped.code, 0) << skipped.err;
    EXPECT_NE(skipped.out.find("nothing requested"), std::string::npos) << skipped.out;
    EXPECT_EQ(requests(), 0u);
    const auto again = fetch({"BTCUSDT", "1h", "--from", "2024-01-01", "--to", "2024-01-03", "--refetch"});
    ASSERT_EQ(again.code, 0) << again.err;
    EXPECT_NE(again.out.find("stored 48 candles"), std::string::npos) << again.out;
    EXPECT_EQ(stored("BTCUSDT", Interval::H1), 48u);
    auto database = storage::CandleDatabase::open(db());
    ASSERT_TRUE(database);
    const std::vector<storage::CoverageRange> expected{{from - 3'600'000, from, storage::CoverageKind::Gap},
                                                       {from, to, storage::CoverageKind::Complete}};
    EXPECT_EQ(*database->coverage(key), expected);
    const auto help = runCpc({"fetch", "--help"});
    EXPECT_NE(help.out.find("--refetch"), std::string::npos);
}

// Issue 21: parallel history. Several pages in flight, newest first, store exactly what the
// one-at-a-time download stores: every candle, field for field, and the same coverage (gaps
// before the listing included).
namespace {

struct Stored {
    std::vector<Candle> candles;
    std::vector<storage::CoverageRange> coverage;
};

Stored storedSeries(const std::string& db, const SeriesKey& key) {
    Stored s;
    auto database = storage::CandleDatabase::open(db);
    EXPECT_TRUE(database);
    if (!database) return s;
    auto candles = database->loadRange(key, 0, std::numeric_limits<std::int64_t>::max());
    EXPECT_TRUE(candles);
    if (candles) s.candles = std::move(*candles);
    auto coverage = database->coverage(key);
    EXPECT_TRUE(coverage);
    if (coverage) s.coverage = std::move(*coverage);
    return s;
}

// `cpc fetch` with `extra` options against a simulator of its own answering 20 ms late; returns the
// run and the most requests the simulator had in flight at once.
std::pair<test::CommandRun, std::uint64_t> fetchFromSlowSim(std::vector<std::string> args, const std::string& db) {
    sim::SimConfig config;
    config.restDelay = std::chrono::milliseconds(20);
    sim::SimServer server(config);
    EXPECT_TRUE(server.start());
    args.insert(args.begin(), "fetch");
    for (const std::string& extra : {std::string("--endpoint"), server.restBase(), std::string("--db"), db})
        args.push_back(extra);
    auto run = runCpc(args);
    EXPECT_EQ(server.stats().weightViolations, 0u);
    return {run, server.stats().restInFlightMax};
}

}  // namespace

TEST(FetchCommandParallel, StoresExactlyWhatTheSerialFetchStores) {
    TempDir dir;
    // 5,760 minutes (2024 is a leap year): 6 pages, one short; and hours across NKNUSDT's listing on 2019-04-10: the
    // range before it is a gap, recorded the same way by both.
    const std::vector<std::pair<SeriesKey, std::vector<std::string>>> cases{
        {SeriesKey{"binance", "ETHUSDT", Interval::M1}, {"ETHUSDT", "1m", "--from", "2024-02-27", "--to", "2024-03-02"}},
        {SeriesKey{"binance", "NKNUSDT", Interval::H1}, {"NKNUSDT", "1h", "--from", "2019-01-01", "--to", "2019-08-01"}},
    };
    for (const auto& [key, args] : cases) {
        auto serialArgs = args;
        serialArgs.insert(serialArgs.end(), {"--parallel", "1"});
        const auto [serial, serialInFlight] = fetchFromSlowSim(serialArgs, dir.file("serial.sqlite3"));
        ASSERT_EQ(serial.code, 0) << serial.err;
        EXPECT_EQ(serialInFlight, 1u);
        const auto [parallel, parallelInFlight] = fetchFromSlowSim(args, dir.file("parallel.sqlite3"));
        ASSERT_EQ(parallel.code, 0) << parallel.err;
        EXPECT_GT(parallelInFlight, 1u) << "no two pages were ever in flight at once";

        const Stored a = storedSeries(dir.file("serial.sqlite3"), key);
        const Stored b = storedSeries(dir.file("parallel.sqlite3"), key);
        ASSERT_FALSE(a.candles.empty());
        EXPECT_EQ(a.candles.size(), b.candles.size()) << key.symbol;
        EXPECT_TRUE(a.candles == b.candles) << key.symbol << ": the stored candles differ";
        EXPECT_EQ(a.coverage, b.coverage) << key.symbol;
    }
    // The ETHUSDT minutes are every one of the range; the NKNUSDT coverage starts with the gap.
    EXPECT_EQ(storedSeries(dir.file("parallel.sqlite3"), SeriesKey{"binance", "ETHUSDT", Interval::M1}).candles.size(),
              5760u);
    const auto nkn = storedSeries(dir.file("parallel.sqlite3"), SeriesKey{"binance", "NKNUSDT", Interval::H1});
    ASSERT_FALSE(nkn.coverage.empty());
    EXPECT_EQ(nkn.coverage.front().kind, storage::CoverageKind::Gap);
    EXPECT_EQ(nkn.coverage.front().toMs, *parseUtc("2019-04-10"));
}

// Pages in flight never take the host past its weight budget: the simulator (Binance's rules: 429
// past the minute's weight, 418 for a request after a 429) counts every violation. Its minute is
// about to end, so the download has to wait for the next one in the middle.
TEST(FetchCommandParallel, PagesInFlightStayWithinTheVenuesWeightBudget) {
    const std::int64_t offset = [] {
        const std::int64_t real = nowMs();
        return (58'500 - real % kMinuteMs + kMinuteMs) % kMinuteMs;
    }();
    sim::SimConfig config;
    config.clock = [offset] { return nowMs() + offset; };
    config.restWeightPerMinute = 100;  // 80 spent at most: the time (1) and 39 pages (2 each)
    config.restDelay = std::chrono::milliseconds(20);
    sim::SimServer server(config);
    ASSERT_TRUE(server.start());
    TempDir dir;
    // 60,000 minutes: 60 pages, more than one minute's budget.
    const auto run = runCpc({"fetch", "ETHUSDT", "1m", "--from", "2024-01-01", "--to", "2024-02-11 16:00",
                             "--parallel", "8", "--weight-per-minute", "100", "--endpoint", server.restBase(), "--db",
                             dir.file("c.sqlite3")});
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_NE(run.out.find("stored 60000 candles"), std::string::npos) << run.out;
    EXPECT_NE(run.err.find("request weight "), std::string::npos) << "the budget never made it wait: " << run.err;
    const sim::SimStats stats = server.stats();
    EXPECT_EQ(stats.weightViolations, 0u);
    EXPECT_EQ(stats.rest429, 0u);
    EXPECT_EQ(stats.rest418, 0u);
    EXPECT_GT(stats.restInFlightMax, 1u);
    EXPECT_EQ(stats.restRequests, 61u);  // the time and 60 pages: nothing asked twice

    const auto bad = runCpc({"fetch", "ETHUSDT", "1m", "--from", "2024-01-01", "--to", "2024-01-02", "--parallel", "0",
                             "--endpoint", server.restBase(), "--db", dir.file("c.sqlite3")});
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.err.find("--parallel: expected a whole number from 1 to 32, got '0'"), std::string::npos) << bad.err;
}
