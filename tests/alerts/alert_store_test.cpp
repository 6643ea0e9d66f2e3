// The alert database: alerts and their state round-trip, a firing is its log row and its state
// together, and a file that is not an alert database (the candle cache, another program's
// SQLite, not SQLite, damaged, newer) is refused with a clear message and left byte for byte as
// it was.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "cpc/alerts/alert_store.hpp"

using namespace cpc;
using namespace cpc::alerts;

namespace {

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        path = std::filesystem::temp_directory_path() /
               ("cpc_alerts_store_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    std::string file(const std::string& name) const { return (path / name).string(); }
};

std::string bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

Alert sample(std::string_view condition = "RSI(14) > 70") {
    Alert a;
    a.key = {"binance", "ETHUSDT", Interval::M15};
    a.condition = *parseCondition(condition);
    a.evaluation = Evaluation::OnBarClose;
    a.frequency = Frequency::OncePerBar;
    a.expiresMs = 1'900'000'000'000;
    a.message = "RSI hot — take profit?";
    a.createdMs = 1'800'000'000'000;
    return a;
}

void sqlite(const std::string& path, const char* sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
}

}  // namespace

TEST(AlertStore, AlertsStateAndLogSurviveReopening) {
    TempDir dir;
    const auto path = dir.file("alerts.sqlite3");
    Alert a = sample();
    Alert b = sample("price crosses trendline(6800@2026-12-01T00:00Z, 6900@2026-12-02T00:00Z)");
    b.expiresMs.reset();
    b.frequency = Frequency::Once;
    {
        auto store = AlertStore::open(path);
        ASSERT_TRUE(store.ok()) << store.error().message;
        ASSERT_TRUE((*store)->add(a).ok());
        ASSERT_TRUE((*store)->add(b).ok());
        EXPECT_GT(b.id, a.id);
        EXPECT_EQ(a.seenThroughMs, a.createdMs);
        Trigger t{b.id, b.key, b.condition.text(), "", 1'800'000'100'000, 1'800'000'000'000, 6850.5, true, 1'800'000'200'000};
        b.done = true;
        b.fireCount = 1;
        b.lastFiredMs = t.timeMs;
        b.lastFiredBar = t.barOpenTime;
        b.seenThroughMs = t.timeMs;
        ASSERT_TRUE((*store)->record(t, b).ok());
        a.seenThroughMs = 1'800'000'050'000;
        ASSERT_TRUE((*store)->saveStates(std::vector<Alert>{a}).ok());
        ASSERT_TRUE((*store)->setPaused(a.id, true).ok());
        a.paused = true;
    }
    auto store = AlertStore::open(path);
    ASSERT_TRUE(store.ok()) << store.error().message;
    auto loaded = (*store)->load();
    ASSERT_TRUE(loaded.ok());
    EXPECT_TRUE(loaded->problems.empty());
    ASSERT_EQ(loaded->alerts.size(), 2u);
    const Alert& la = loaded->alerts[0];
    EXPECT_EQ(la.id, a.id);
    EXPECT_EQ(la.key, a.key);
    EXPECT_EQ(la.condition, a.condition);
    EXPECT_EQ(la.evaluation, Evaluation::OnBarClose);
    EXPECT_EQ(la.frequency, Frequency::OncePerBar);
    EXPECT_EQ(la.expiresMs, a.expiresMs);
    EXPECT_EQ(la.message, a.message);
    EXPECT_TRUE(la.paused);
    EXPECT_EQ(la.seenThroughMs, 1'800'000'050'000);
    const Alert& lb = loaded->alerts[1];
    EXPECT_EQ(lb.condition, b.condition);
    EXPECT_TRUE(lb.done);
    EXPECT_EQ(lb.fireCount, 1);
    EXPECT_EQ(lb.lastFiredBar, 1'800'000'000'000);
    EXPECT_EQ(lb.seenThroughMs, 1'800'000'100'000);
    auto log = (*store)->triggers();
    ASSERT_TRUE(log.ok());
    ASSERT_EQ(log->size(), 1u);
    EXPECT_EQ((*log)[0].alertId, b.id);
    EXPECT_TRUE((*log)[0].late);
    EXPECT_DOUBLE_EQ((*log)[0].price, 6850.5);
    EXPECT_EQ((*log)[0].condition, b.condition.text());
    // The seen mark never goes back (an older state saved late).
    Alert older = lb;
    older.seenThroughMs = 5;
    ASSERT_TRUE((*store)->saveStates(std::vector<Alert>{older}).ok());
    EXPECT_EQ((*(*store)->find(b.id))->seenThroughMs, 1'800'000'100'000);

    ASSERT_TRUE((*store)->remove(a.id).ok());
    const auto again = (*store)->remove(a.id);
    ASSERT_FALSE(again.ok());
    EXPECT_NE(again.error().message.find("there is no alert " + std::to_string(a.id)), std::string::npos);
    EXPECT_EQ((*store)->load()->alerts.size(), 1u);
}

TEST(AlertStore, ForeignDatabasesAreRefusedAndLeftAlone) {
    TempDir dir;
    // The candle cache (or any other program's SQLite file).
    const auto cache = dir.file("candles.sqlite3");
    sqlite(cache, "CREATE TABLE series(id INTEGER PRIMARY KEY); CREATE TABLE candles(series INTEGER, t INTEGER)");
    const auto before = bytes(cache);
    auto store = AlertStore::open(cache);
    ASSERT_FALSE(store.ok());
    EXPECT_NE(store.error().message.find("not a CanvasProChart alert database (it holds the tables candles, series)"),
              std::string::npos) << store.error().message;
    EXPECT_NE(store.error().message.find("nothing in it was changed"), std::string::npos);
    EXPECT_EQ(bytes(cache), before);
    EXPECT_FALSE(std::filesystem::exists(cache + "-wal"));

    // Not SQLite at all.
    const auto text = dir.file("notes.txt");
    std::ofstream(text) << std::string(4096, 'x');
    auto notSqlite = AlertStore::open(text);
    ASSERT_FALSE(notSqlite.ok());
    EXPECT_NE(notSqlite.error().message.find("not an SQLite database"), std::string::npos) << notSqlite.error().message;
    EXPECT_EQ(bytes(text), std::string(4096, 'x'));

    // Ours, but from a newer version.
    const auto newer = dir.file("newer.sqlite3");
    ASSERT_TRUE(AlertStore::open(newer).ok());
    sqlite(newer, "PRAGMA user_version = 99");
    auto refused = AlertStore::open(newer);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("newer CanvasProChart"), std::string::npos) << refused.error().message;
}

TEST(AlertStore, ADamagedDatabaseIsRefusedAndLeftAlone) {
    TempDir dir;
    const auto path = dir.file("alerts.sqlite3");
    {
        auto store = AlertStore::open(path);
        ASSERT_TRUE(store.ok());
        for (int i = 0; i < 200; ++i) {
            Alert a = sample();
            a.message = std::string(200, static_cast<char>('a' + i % 26));
            ASSERT_TRUE((*store)->add(a).ok());
        }
    }
    // Scribble over the second page (the alerts table's pages follow the schema page).
    {
        std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(4096 + 8);
        const std::string junk(2000, '\xA5');
        f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
    const auto before = bytes(path);
    auto store = AlertStore::open(path);
    ASSERT_FALSE(store.ok());
    EXPECT_NE(store.error().message.find("damaged"), std::string::npos) << store.error().message;
    EXPECT_NE(store.error().message.find("nothing in it was changed"), std::string::npos);
    EXPECT_EQ(bytes(path), before);
    EXPECT_TRUE(std::filesystem::exists(path));
}

TEST(AlertStore, AnotherConnectionsChangeIsNoticed) {
    TempDir dir;
    const auto path = dir.file("alerts.sqlite3");
    auto engine = AlertStore::open(path);
    auto command = AlertStore::open(path);
    ASSERT_TRUE(engine.ok() && command.ok());
    EXPECT_FALSE((*engine)->changedElsewhere());
    Alert a = sample();
    ASSERT_TRUE((*command)->add(a).ok());
    EXPECT_TRUE((*engine)->changedElsewhere());
    EXPECT_FALSE((*engine)->changedElsewhere());
}
