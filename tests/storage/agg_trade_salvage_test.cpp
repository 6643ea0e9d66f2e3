// The footprint's trade cache (storage::AggTradeCache) after real damage: a page of the file is
// overwritten and the session did not close it cleanly (its -wal is left), so opening it fails its
// check. The file is moved aside, byte for byte, the notice names it and where it went, and what
// can still be read is copied into the fresh file — a symbol with all its ranges only when every
// one of its trades was read; a symbol with an unreadable trade is left to be fetched again.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "cpc/core/time.hpp"
#include "cpc/storage/agg_trade_cache.hpp"

using namespace cpc;
using storage::TimeRange;

namespace {

exchange::TradeTick trade(std::int64_t id, std::int64_t timeMs, const char* price, const char* qty, bool buyerIsMaker) {
    exchange::TradeTick t;
    t.aggregate = true;
    t.tradeId = t.firstTradeId = id;
    t.lastTradeId = id + 1;
    t.timeMs = timeMs;
    t.price = *Decimal::parse(price);
    t.quantity = *Decimal::parse(qty);
    t.buyerIsMaker = buyerIsMaker;
    return t;
}

std::int64_t sqlInt(sqlite3* db, const char* sql) {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    EXPECT_EQ(sqlite3_step(st), SQLITE_ROW) << sql;
    const std::int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

std::string bytesOf(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST(AggTradeCacheSalvage, KeepsTheReadableSymbolsWithTheirRangesAndNamesTheDamagedFile) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("cpc_agg_salvage_" + std::to_string(::getpid()) + "_" + std::to_string(nowMs()));
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "trades.sqlite").string();
    const storage::AggTradeKey btc{"binance", "spot", "BTCUSDT"}, eth{"binance", "spot", "ETHUSDT"},
        okx{"okx", "spot", "BTC-USDT"};
    const std::vector<exchange::TradeTick> btcFirst{trade(10, 1'000, "100", "1", false), trade(12, 2'000, "101", "2", true),
                                                    trade(14, 59'999, "102", "0.5", false)};
    const std::vector<exchange::TradeTick> btcSecond{trade(40, 125'000, "99", "3", true), trade(42, 170'000, "98", "1", true)};
    const std::vector<exchange::TradeTick> ethTrades{trade(7, 3'000, "5", "1", false), trade(9, 4'000, "6", "1", true)};
    const std::vector<exchange::TradeTick> okxTrades{trade(100, 5'000, "100.5", "0.01", false)};
    {
        auto cache = storage::AggTradeCache::open(path);
        ASSERT_TRUE(cache) << cache.error().message;
        ASSERT_TRUE(cache->store(btc, {0, 60'000}, btcFirst));
        ASSERT_TRUE(cache->store(btc, {120'000, 180'000}, btcSecond));
        ASSERT_TRUE(cache->store(btc, {60'000, 120'000}, {}));  // a quiet minute, held too
        ASSERT_TRUE(cache->store(eth, {0, 60'000}, ethTrades));
        ASSERT_TRUE(cache->store(okx, {0, 60'000}, okxTrades));
    }
    // One ETHUSDT trade's price made unreadable, and the time index's root page overwritten:
    // damage that the check finds, with the table's own rows still there.
    std::int64_t indexPage = 0, pageSize = 0;
    {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
        ASSERT_EQ(sqlite3_exec(db,
                               "UPDATE agg_trades SET price='not a price' WHERE id=9 AND series=(SELECT id FROM "
                               "agg_trade_series WHERE symbol='ETHUSDT')",
                               nullptr, nullptr, nullptr),
                  SQLITE_OK)
            << sqlite3_errmsg(db);
        indexPage = sqlInt(db, "SELECT rootpage FROM sqlite_master WHERE name='agg_trades_by_time'");
        pageSize = sqlInt(db, "PRAGMA page_size");
        ASSERT_EQ(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);
    }
    ASSERT_GT(indexPage, 1);
    std::string bytes = bytesOf(path);
    ASSERT_GE(static_cast<std::int64_t>(bytes.size()), indexPage * pageSize);
    for (std::int64_t i = 0; i < 16; ++i) bytes[static_cast<std::size_t>((indexPage - 1) * pageSize + i)] = '\x7f';
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << bytes;
        std::ofstream wal(path + "-wal", std::ios::binary | std::ios::trunc);  // an unclean close
    }

    std::string notice;
    auto cache = storage::AggTradeCache::open(path, &notice);
    ASSERT_TRUE(cache) << cache.error().message;
    // The notice names the damaged file and where it was moved; the file there is the damaged one.
    EXPECT_NE(notice.find("The trade cache " + path + " was damaged"), std::string::npos) << notice;
    std::string aside;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        const std::string name = entry.path().filename().string();
        if (name.starts_with("trades.sqlite.corrupt-") && !name.ends_with("-wal") && !name.ends_with("-shm"))
            aside = entry.path().string();
    }
    ASSERT_FALSE(aside.empty());
    EXPECT_NE(notice.find("moved to " + aside), std::string::npos) << notice;
    EXPECT_EQ(bytesOf(aside), bytes);
    // What was salvaged: BTCUSDT and OKX's BTC-USDT whole (trades and ranges, the quiet minute
    // too); ETHUSDT, one of whose trades could not be read, not at all (fetched again).
    EXPECT_NE(notice.find("6 trades of 2 symbols were kept; 1 symbols will be fetched again"), std::string::npos)
        << notice;
    std::vector<exchange::TradeTick> btcAll = btcFirst;
    btcAll.insert(btcAll.end(), btcSecond.begin(), btcSecond.end());
    const auto btcLoaded = cache->load(btc, 0, 200'000);
    ASSERT_TRUE(btcLoaded) << btcLoaded.error().message;
    ASSERT_EQ(btcLoaded->size(), btcAll.size());
    for (std::size_t i = 0; i < btcAll.size(); ++i) {
        EXPECT_EQ((*btcLoaded)[i].tradeId, btcAll[i].tradeId);
        EXPECT_EQ((*btcLoaded)[i].timeMs, btcAll[i].timeMs);
        EXPECT_EQ((*btcLoaded)[i].price, btcAll[i].price);
        EXPECT_EQ((*btcLoaded)[i].quantity, btcAll[i].quantity);
        EXPECT_EQ((*btcLoaded)[i].buyerIsMaker, btcAll[i].buyerIsMaker);
        EXPECT_EQ((*btcLoaded)[i].lastTradeId, btcAll[i].lastTradeId);
    }
    EXPECT_EQ(*cache->coverage(btc), (std::vector<TimeRange>{{0, 180'000}}));
    EXPECT_TRUE(cache->missing(btc, 0, 180'000)->empty());
    EXPECT_EQ(cache->load(okx, 0, 60'000)->size(), 1u);
    EXPECT_EQ(*cache->coverage(okx), (std::vector<TimeRange>{{0, 60'000}}));
    EXPECT_TRUE(cache->coverage(eth)->empty());
    EXPECT_TRUE(cache->load(eth, 0, 60'000)->empty());
    EXPECT_EQ(*cache->missing(eth, 0, 60'000), (std::vector<TimeRange>{{0, 60'000}}));
    // The fresh file works and opens cleanly next time.
    ASSERT_TRUE(cache->store(eth, {0, 60'000}, std::vector{trade(7, 3'000, "5", "1", false)}));
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
}
