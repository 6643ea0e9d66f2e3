// `cpc alerts`: add / list / pause / remove / log on the alert database, refusals with exit 2 and
// what is accepted, a foreign database refused and left alone, and `run` against the simulator:
// a trigger is one JSON line, and a second run does not print it again.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <sstream>

#include "cli_test_util.hpp"
#include "cpc/sim/sim_server.hpp"

using namespace cpc;
using cpc::test::runCpc;
using cpc::test::TempDir;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

}  // namespace

TEST(AlertsCommand, AddListPauseRemove) {
    TempDir dir;
    const auto db = dir.file("alerts.sqlite3");
    auto add = runCpc({"alerts", "add", "ethusdt", "close crosses BBANDS(20,2).upperband", "--interval", "15m", "--on-close",
                       "--per-bar", "--message", "band break", "--expires", "2099-01-01", "--db", db});
    ASSERT_EQ(add.code, 0) << add.err;
    EXPECT_EQ(add.out, "alert 1: binance ETHUSDT 15m \"close crosses BBANDS(20,2,2,0).upperband\" (close, bar, expires 2099-01-01 00:00:00)\n");
    ASSERT_EQ(runCpc({"alerts", "add", "BTC-USDT", "price crosses 6820.5", "--exchange", "okx", "--every", "--db", db}).code, 0);
    ASSERT_EQ(runCpc({"alerts", "pause", "2", "--db", db}).code, 0);
    auto list = runCpc({"alerts", "list", "--db", db});
    ASSERT_EQ(list.code, 0) << list.err;
    const auto rows = lines(list.out);
    ASSERT_EQ(rows.size(), 3u) << list.out;
    EXPECT_EQ(rows[1], "1\tbinance\tETHUSDT\t15m\tclose\tbar\tactive\t0\t-\t2099-01-01 00:00:00\tclose crosses BBANDS(20,2,2,0).upperband\tband break");
    EXPECT_EQ(rows[2], "2\tokx\tBTC-USDT\t1m\ttick\tevery\tpaused\t0\t-\t-\tprice crosses 6820.5\t");
    ASSERT_EQ(runCpc({"alerts", "resume", "2", "--db", db}).code, 0);
    auto removed = runCpc({"alerts", "remove", "1", "--db", db});
    EXPECT_EQ(removed.code, 0);
    EXPECT_EQ(removed.out, "alert 1 removed\n");
    auto again = runCpc({"alerts", "remove", "1", "--db", db});
    EXPECT_EQ(again.code, 1);
    EXPECT_NE(again.err.find("there is no alert 1"), std::string::npos) << again.err;
    const auto after = lines(runCpc({"alerts", "list", "--db", db}).out);
    ASSERT_EQ(after.size(), 2u);
    EXPECT_NE(after[1].find("\tactive\t"), std::string::npos);
    EXPECT_EQ(runCpc({"alerts", "log", "--db", db}).out, "");
}

TEST(AlertsCommand, RefusalsAreUsageErrorsThatSayWhatIsAccepted) {
    TempDir dir;
    const auto db = dir.file("alerts.sqlite3");
    const auto expect = [&](std::vector<std::string> args, const std::string& says) {
        args.push_back("--db");
        args.push_back(db);
        const auto run = runCpc(args);
        EXPECT_EQ(run.code, 2) << run.err;
        EXPECT_NE(run.err.find(says), std::string::npos) << run.err;
    };
    expect({"alerts"}, "accepted: add, list, log, remove, pause, resume, run");
    expect({"alerts", "frob"}, "unknown action 'frob'");
    expect({"alerts", "add", "BTCUSDT"}, "expected SYMBOL and CONDITION");
    expect({"alerts", "add", "BTCUSDT", "price equals 5"}, "Accepted conditions");
    expect({"alerts", "add", "BTCUSDT", "RSI(14) > 70", "--interval", "7m"}, "accepted: 1s 1m");
    expect({"alerts", "add", "BTCUSDT", "RSI(14) > 70", "--once", "--every"}, "choose one of --once, --per-bar, --every");
    expect({"alerts", "add", "BTCUSDT", "RSI(14) > 70", "--exchange", "nasdaq"}, "nasdaq");
    expect({"alerts", "add", "BTC/USDT", "RSI(14) > 70"}, "is not a symbol");
    expect({"alerts", "add", "BTCUSDT", "RSI(14) > 70", "--expires", "soon"}, "neither a UTC time");
    expect({"alerts", "add", "BTCUSDT", "RSI(14) > 70", "--expires", "2001-01-01"}, "already passed");
    expect({"alerts", "list", "--every"}, "--every does not go with 'alerts list'");
    expect({"alerts", "remove", "x"}, "ID");
    expect({"alerts", "run", "--exit-after", "0"}, "--exit-after");
    // Nothing was stored by any of them.
    EXPECT_EQ(lines(runCpc({"alerts", "list", "--db", db}).out).size(), 1u);
}

TEST(AlertsCommand, AForeignDatabaseIsRefusedAndLeftAlone) {
    TempDir dir;
    const auto cache = dir.file("candles.sqlite3");
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(cache.c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw, "CREATE TABLE candles(t INTEGER)", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(raw);
    const auto before = test::readFile(cache);
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"alerts", "list", "--db", cache},
             {"alerts", "add", "BTCUSDT", "price > 1", "--db", cache},
             {"alerts", "run", "--exit-after", "1", "--db", cache}}) {
        const auto run = runCpc(args);
        EXPECT_EQ(run.code, 1) << args[1];
        EXPECT_NE(run.err.find("not a CanvasProChart alert database"), std::string::npos) << run.err;
        EXPECT_NE(run.err.find("nothing in it was changed"), std::string::npos) << run.err;
    }
    EXPECT_EQ(test::readFile(cache), before);
}

TEST(AlertsCommand, RunPrintsEachTriggerOnceAsAJsonLine) {
    sim::SimConfig config;
    config.klinePushInterval = 100ms;
    sim::SimServer server(config);
    ASSERT_TRUE(server.start().ok());
    TempDir dir;
    const auto db = dir.file("alerts.sqlite3");
    ASSERT_EQ(runCpc({"alerts", "add", "BTCUSDT", "price > 0.00000001", "--interval", "1s", "--message", "alive", "--db", db}).code, 0);
    // One that never fires keeps the feed open after the first is done.
    ASSERT_EQ(runCpc({"alerts", "add", "BTCUSDT", "price < 0.00000001", "--interval", "1s", "--db", db}).code, 0);
    const std::string endpoint = "ws://127.0.0.1:" + std::to_string(server.port());
    auto run = runCpc({"alerts", "run", "--endpoint", endpoint, "--exit-after", "3", "--db", db});
    ASSERT_EQ(run.code, 0) << run.err;
    const auto printed = lines(run.out);
    ASSERT_EQ(printed.size(), 1u) << run.out << run.err;
    const auto j = nlohmann::json::parse(printed[0]);
    EXPECT_EQ(j["type"], "alert");
    EXPECT_EQ(j["id"], 1);
    EXPECT_EQ(j["exchange"], "binance");
    EXPECT_EQ(j["symbol"], "BTCUSDT");
    EXPECT_EQ(j["interval"], "1s");
    EXPECT_EQ(j["condition"], "price > 0.00000001");
    EXPECT_EQ(j["message"], "alive");
    EXPECT_GT(j["price"].get<double>(), 0);
    EXPECT_GE(j["time"].get<std::int64_t>(), j["barOpenTime"].get<std::int64_t>());
    EXPECT_TRUE(j.contains("late"));
    EXPECT_NE(run.err.find("binance:BTCUSDT:1s live"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("stopped (3 s elapsed; 1 trigger"), std::string::npos) << run.err;
    // The log holds it; the alert is done; a second run prints nothing.
    EXPECT_EQ(lines(runCpc({"alerts", "log", "--db", db}).out), printed);
    EXPECT_NE(runCpc({"alerts", "list", "--db", db}).out.find("\tdone\t1\t"), std::string::npos);
    auto second = runCpc({"alerts", "run", "--endpoint", endpoint, "--exit-after", "2", "--db", db});
    EXPECT_EQ(second.code, 0) << second.err;
    EXPECT_EQ(second.out, "");
}
