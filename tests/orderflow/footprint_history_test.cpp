// Footprint history: the older bars from the venue's aggregate trades over REST (the simulator's
// /api/v3/aggTrades on 127.0.0.1, paged by time window and by id through the app's VenueRest) equal
// the sums of the simulator's own trades; the SQLite trade cache round-trips, survives a restart,
// refuses a bad batch without losing what it held and moves a damaged file aside; the intrabar CVD
// equals the running delta of the trades, also when the history is merged under live trades.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "cpc/core/time.hpp"
#include "cpc/exchange/binance/binance_adapter.hpp"
#include "cpc/exchange/agg_trades.hpp"
#include "cpc/exchange/bybit/bybit_adapter.hpp"
#include "cpc/exchange/registry.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/orderflow/footprint.hpp"
#include "cpc/session/agg_trade_history.hpp"
#include "cpc/session/market_session.hpp"
#include "cpc/sim/sim_server.hpp"
#include "cpc/storage/agg_trade_cache.hpp"

using namespace cpc;
using namespace std::chrono_literals;
using orderflow::FootprintSeries;
using storage::TimeRange;

namespace {

Decimal dec(const char* text) { return *Decimal::parse(text); }

// The events of one history job, gathered on the test's thread.
struct Collected {
    std::mutex mutex;
    std::vector<session::AggTradeHistoryEvent> events;
    void add(session::AggTradeHistoryEvent e) {
        std::lock_guard lock(mutex);
        events.push_back(std::move(e));
    }
    bool finished() {
        std::lock_guard lock(mutex);
        return !events.empty() && events.back().kind == session::AggTradeHistoryEvent::Kind::Finished;
    }
};

std::vector<session::AggTradeHistoryEvent> runHistory(session::MarketSession& market,
                                                      std::shared_ptr<const exchange::ExchangeAdapter> adapter,
                                                      session::AggTradeHistoryOptions options) {
    Collected c;
    session::AggTradeHistory job(market, std::move(adapter), std::move(options),
                                 [&c](session::AggTradeHistoryEvent e) { c.add(std::move(e)); });
    job.start();
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (!c.finished() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
    job.stop();
    return std::move(c.events);
}

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        path = std::filesystem::temp_directory_path() /
               ("cpc_footprint_history_" + std::to_string(::getpid()) + "_" + std::to_string(nowMs()));
        std::filesystem::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

void expectSameBars(const FootprintSeries& got, const FootprintSeries& want) {
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        SCOPED_TRACE(want[i].openTime);
        EXPECT_EQ(got[i].openTime, want[i].openTime);
        EXPECT_EQ(got[i].trades, want[i].trades);
        EXPECT_EQ(got[i].totals, want[i].totals);
        EXPECT_EQ(got[i].pocRow, want[i].pocRow);
        EXPECT_EQ(got[i].lowRow, want[i].lowRow);
        EXPECT_EQ(got[i].highRow, want[i].highRow);
        EXPECT_EQ(got[i].deltaHigh, want[i].deltaHigh);
        EXPECT_EQ(got[i].deltaLow, want[i].deltaLow);
        ASSERT_EQ(got[i].rows.size(), want[i].rows.size());
        for (const auto& [row, v] : want[i].rows) {
            const auto it = got[i].rows.find(row);
            ASSERT_NE(it, got[i].rows.end()) << row;
            EXPECT_EQ(it->second, v) << row;
        }
    }
}

exchange::TradeTick trade(std::int64_t id, std::int64_t timeMs, const char* price, const char* qty, bool buyerIsMaker) {
    exchange::TradeTick t;
    t.exchange = "binance";
    t.symbol = "BTCUSDT";
    t.aggregate = true;
    t.tradeId = t.firstTradeId = id;
    t.lastTradeId = id + 2;
    t.timeMs = timeMs;
    t.price = dec(price);
    t.quantity = dec(qty);
    t.buyerIsMaker = buyerIsMaker;
    return t;
}

void expectSameTrades(const std::vector<exchange::TradeTick>& got, const std::vector<exchange::TradeTick>& want) {
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(got[i].tradeId, want[i].tradeId);
        EXPECT_EQ(got[i].firstTradeId, want[i].firstTradeId);
        EXPECT_EQ(got[i].lastTradeId, want[i].lastTradeId);
        EXPECT_EQ(got[i].timeMs, want[i].timeMs);
        EXPECT_EQ(got[i].price, want[i].price);
        EXPECT_EQ(got[i].quantity, want[i].quantity);
        EXPECT_EQ(got[i].buyerIsMaker, want[i].buyerIsMaker);
    }
}

}  // namespace

TEST(FootprintHistory, RowsFromRestHistoryEqualTheSumsOfTheSimulatorsTrades) {
    sim::SimConfig c;
    c.liveTradesPerSecond = 700;  // busy seconds: a window's page is full and goes on by id
    sim::SimServer server(c);
    ASSERT_TRUE(server.start());
    // Three whole live seconds before the current one: the live load starts with the server, so
    // the second before `now`'s must begin at least one second after it (3.5 s let the first of
    // the three start before the load did when the server started late in its second).
    std::this_thread::sleep_for(4500ms);
    net::IoThread io;
    session::MarketSession market(io);
    auto adapter = std::make_shared<exchange::BinanceAdapter>(exchange::Endpoints{server.restBase(), server.streamBase()});

    const std::int64_t now = nowMs();
    const std::int64_t liveFrom = bucketStart(Interval::S1, now) - 3'000;  // three live seconds
    const TimeRange live{liveFrom, liveFrom + 3'000};
    // Two and a half quiet hours before the live load: three time windows of less than an hour.
    const std::int64_t quietTo = bucketStart(Interval::H1, now) - 3'600'000;
    const TimeRange quiet{quietTo - 9'000'000, quietTo};
    TempDir dir;
    session::AggTradeHistoryOptions options;
    options.symbol = "BTCUSDT";
    options.ranges = {live, quiet};
    options.cachePath = (dir.path / "trades.sqlite").string();
    const auto events = runHistory(market, adapter, options);
    ASSERT_FALSE(events.empty());
    ASSERT_EQ(events.back().kind, session::AggTradeHistoryEvent::Kind::Finished);
    ASSERT_TRUE(events.back().complete) << events.back().error;
    EXPECT_EQ(events.back().rangesDone, 2);

    std::map<std::int64_t, std::vector<exchange::TradeTick>> byRange;
    int requests = 0;
    for (const auto& e : events)
        if (e.kind == session::AggTradeHistoryEvent::Kind::Range) {
            EXPECT_FALSE(e.fromCache);
            byRange[e.range.fromMs] = e.trades;
            requests = e.requests;
        }
    ASSERT_EQ(byRange.size(), 2u);
    // 2,100 live trades at most 1,000 a page, and three windows for the quiet hours.
    EXPECT_GE(requests, 6);

    const struct {
        TimeRange range;
        Interval interval;
        Decimal rowSize;
    } cases[] = {{live, Interval::S1, dec("0.05")}, {quiet, Interval::M5, dec("1")}};
    for (const auto& k : cases) {
        SCOPED_TRACE(formatUtc(k.range.fromMs));
        const auto truth = server.model().trades("BTCUSDT", k.range.fromMs, k.range.toMs);
        ASSERT_GT(truth.size(), k.interval == Interval::S1 ? 2'000u : 1'000u);
        FootprintSeries fromTrades(k.interval, k.rowSize), fromHistory(k.interval, k.rowSize);
        for (const auto& t : truth) ASSERT_TRUE(fromTrades.add(t));
        const auto& fetched = byRange[k.range.fromMs];
        EXPECT_LE(fetched.size(), truth.size());  // same-millisecond trades of one side and price fold
        EXPECT_EQ(fromHistory.addEarlier(fetched), fetched.size());
        // Rows, totals, delta and POC equal the simulator's trades' sums; the trade counts are the
        // aggregates', so compare all but those.
        ASSERT_EQ(fromHistory.size(), fromTrades.size());
        for (std::size_t i = 0; i < fromTrades.size(); ++i) {
            EXPECT_EQ(fromHistory[i].openTime, fromTrades[i].openTime);
            EXPECT_EQ(fromHistory[i].totals, fromTrades[i].totals);
            EXPECT_EQ(fromHistory[i].pocRow, fromTrades[i].pocRow);
            EXPECT_EQ(fromHistory[i].rows.size(), fromTrades[i].rows.size());
            for (const auto& [row, v] : fromTrades[i].rows) EXPECT_EQ(fromHistory[i].rows.at(row), v) << row;
        }
        // Every trade is in exactly one aggregate: the covered trade counts add up.
        std::int64_t covered = 0;
        for (const auto& a : fetched) covered += a.lastTradeId - a.firstTradeId + 1;
        EXPECT_EQ(covered, static_cast<std::int64_t>(truth.size()));
    }

    // Asked again: the same trades, from the cache, without a request.
    const auto again = runHistory(market, adapter, options);
    ASSERT_TRUE(again.back().complete) << again.back().error;
    EXPECT_EQ(again.back().requests, 0);
    for (const auto& e : again)
        if (e.kind == session::AggTradeHistoryEvent::Kind::Range) {
            EXPECT_TRUE(e.fromCache);
            expectSameTrades(e.trades, byRange[e.range.fromMs]);
        }
}

// The sums per bar of the fetched history equal those of the simulator's own trades of the range.
void expectBarsEqualTheSimulatorsTrades(const std::vector<exchange::TradeTick>& fetched,
                                        const std::vector<exchange::TradeTick>& truth, Interval interval) {
    FootprintSeries fromTrades(interval, dec("1")), fromHistory(interval, dec("1"));
    for (const auto& t : truth) ASSERT_TRUE(fromTrades.add(t));
    EXPECT_EQ(fromHistory.addEarlier(fetched), fetched.size());
    ASSERT_EQ(fromHistory.size(), fromTrades.size());
    for (std::size_t i = 0; i < fromTrades.size(); ++i) {
        EXPECT_EQ(fromHistory[i].openTime, fromTrades[i].openTime);
        EXPECT_EQ(fromHistory[i].totals, fromTrades[i].totals);
        EXPECT_EQ(fromHistory[i].rows.size(), fromTrades[i].rows.size());
        for (const auto& [row, v] : fromTrades[i].rows) EXPECT_EQ(fromHistory[i].rows.at(row), v) << row;
    }
}

TEST(FootprintHistory, AUsdmPerpetualsHistoryComesFromFapiAggTrades) {
    sim::SimConfig c;
    c.market = MarketType::Perp;
    sim::SimServer server(c);
    ASSERT_TRUE(server.start());
    net::IoThread io;
    session::MarketSession market(io);
    std::shared_ptr<const exchange::ExchangeAdapter> adapter(
        exchange::makeAdapter("binance", exchange::Endpoints{server.restBase(), server.streamBase()}, MarketType::Perp)
            .value());
    const std::int64_t to = bucketStart(Interval::H1, nowMs()) - 3'600'000;
    const TimeRange range{to - 5'400'000, to};  // an hour and a half: two windows
    session::AggTradeHistoryOptions options;
    options.symbol = "BTCUSDT";
    options.ranges = {range};
    const auto events = runHistory(market, adapter, options);
    ASSERT_FALSE(events.empty());
    ASSERT_TRUE(events.back().complete) << events.back().error;
    std::vector<exchange::TradeTick> fetched;
    for (const auto& e : events)
        if (e.kind == session::AggTradeHistoryEvent::Kind::Range) fetched = e.trades;
    const auto truth = server.model().trades("BTCUSDT", range.fromMs, range.toMs);
    ASSERT_GT(truth.size(), 500u);
    expectBarsEqualTheSimulatorsTrades(fetched, truth, Interval::M5);
    // The USD-M route, at its weight: what the simulator counted.
    EXPECT_GE(server.stats().restRequests, 2u);
}

TEST(FootprintHistory, OkxHistoryTradesPageBackwardsByTradeIdAndEqualTheSimulatorsTrades) {
    sim::SimConfig c;
    c.exchange = "okx";
    sim::SimServer server(c);
    ASSERT_TRUE(server.start());
    net::IoThread io;
    session::MarketSession market(io);
    std::shared_ptr<const exchange::ExchangeAdapter> adapter(
        exchange::makeAdapter("okx", exchange::Endpoints{server.restBase(), server.streamBase()}).value());
    const std::int64_t to = bucketStart(Interval::M1, nowMs()) - 600'000;
    const TimeRange recent{to - 3'600'000, to};  // an hour: several pages of 100
    // Older than OKX's 3 months: nothing there (the venue keeps no more).
    const std::int64_t old = bucketStart(Interval::H1, nowMs()) - 100LL * 86'400'000;
    const TimeRange tooOld{old, old + 600'000};
    TempDir dir;
    session::AggTradeHistoryOptions options;
    options.symbol = "BTC-USDT";
    options.ranges = {recent, tooOld};
    options.cachePath = (dir.path / "trades.sqlite").string();
    const auto events = runHistory(market, adapter, options);
    ASSERT_FALSE(events.empty());
    ASSERT_TRUE(events.back().complete) << events.back().error;
    std::map<std::int64_t, std::vector<exchange::TradeTick>> byRange;
    int requests = 0;
    for (const auto& e : events)
        if (e.kind == session::AggTradeHistoryEvent::Kind::Range) {
            byRange[e.range.fromMs] = e.trades;
            requests = e.requests;
        }
    const auto truth = server.model().trades("BTCUSDT", recent.fromMs, recent.toMs);
    ASSERT_GT(truth.size(), 500u);
    const auto& fetched = byRange[recent.fromMs];
    // Each row one trade: every trade of the range, exactly, in order.
    ASSERT_EQ(fetched.size(), truth.size());
    for (std::size_t i = 0; i < truth.size(); ++i) {
        EXPECT_EQ(fetched[i].tradeId, truth[i].tradeId);
        EXPECT_EQ(fetched[i].timeMs, truth[i].timeMs);
        EXPECT_EQ(fetched[i].price, truth[i].price);
        EXPECT_EQ(fetched[i].quantity, truth[i].quantity);
        EXPECT_EQ(fetched[i].buyerIsMaker, truth[i].buyerIsMaker);
    }
    expectBarsEqualTheSimulatorsTrades(fetched, truth, Interval::M1);
    // 100 a page, backwards: the page reaching before the range's start ends it.
    EXPECT_GE(requests, static_cast<int>(truth.size() / 100) + 1 + 1);
    EXPECT_TRUE(byRange[tooOld.fromMs].empty());
    EXPECT_FALSE(server.model().trades("BTCUSDT", tooOld.fromMs, tooOld.toMs).empty());

    // Asked again: from the cache, no request.
    const auto again = runHistory(market, adapter, options);
    ASSERT_TRUE(again.back().complete) << again.back().error;
    EXPECT_EQ(again.back().requests, 0);
}

TEST(FootprintHistory, OkxHistoryTradesCodecReadsNewestFirstAndRefusesBadRows) {
    const std::string body =
        R"({"code":"0","msg":"","data":[)"
        R"({"instId":"BTC-USDT","side":"sell","sz":"0.00001","px":"29963.2","tradeId":"242720720","ts":"1654161646974"},)"
        R"({"instId":"BTC-USDT","side":"buy","sz":"0.5","px":"29963.1","tradeId":"242720719","ts":"1654161646970"}]})";
    auto rows = exchange::okx::parseHistoryTrades(body, 200, "BTC-USDT");
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->size(), 2u);
    EXPECT_EQ((*rows)[0].tradeId, 242720719);
    EXPECT_FALSE((*rows)[0].buyerIsMaker);  // the taker bought
    EXPECT_EQ((*rows)[1].price, dec("29963.2"));
    EXPECT_TRUE((*rows)[1].buyerIsMaker);
    EXPECT_EQ((*rows)[1].lastTradeId, 242720720);
    const auto ascending = exchange::okx::parseHistoryTrades(
        R"({"code":"0","data":[{"side":"buy","sz":"1","px":"1","tradeId":"1","ts":"1"},{"side":"buy","sz":"1","px":"1","tradeId":"2","ts":"1"}]})",
        200, "BTC-USDT");
    ASSERT_FALSE(ascending);
    EXPECT_NE(ascending.error().message.find("not descending"), std::string::npos);
    const auto noSide = exchange::okx::parseHistoryTrades(
        R"({"code":"0","data":[{"sz":"1","px":"1","tradeId":"1","ts":"1"}]})", 200, "BTC-USDT");
    ASSERT_FALSE(noSide);
    const auto venueError = exchange::okx::parseHistoryTrades(R"({"code":"51001","msg":"Instrument ID does not exist.","data":[]})",
                                                              200, "BTC-USDT");
    ASSERT_FALSE(venueError);
    EXPECT_EQ(venueError.error().code, 51001);
    EXPECT_EQ(exchange::okx::historyTradesRequest({"btc-usdt", std::nullopt, std::nullopt, std::nullopt, 100, 1'000, std::nullopt}).target,
              "/api/v5/market/history-trades?instId=BTC-USDT&type=2&after=1000&limit=100");
    EXPECT_EQ(exchange::okx::historyTradesRequest({"BTC-USDT", std::nullopt, std::nullopt, std::nullopt, 500, std::nullopt, 77}).target,
              "/api/v5/market/history-trades?instId=BTC-USDT&type=1&after=77&limit=100");
}

TEST(FootprintHistory, AVenueWithoutTradeHistorySaysSo) {
    net::IoThread io;
    session::MarketSession market(io);
    auto adapter = std::make_shared<exchange::BybitAdapter>(exchange::Endpoints{"http://127.0.0.1:1", "ws://127.0.0.1:1"});
    session::AggTradeHistoryOptions options;
    options.symbol = "BTCUSDT";
    options.ranges = {{0, 60'000}};
    const auto events = runHistory(market, adapter, options);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_FALSE(events.back().complete);
    EXPECT_NE(events.back().error.find("only its latest trades"), std::string::npos) << events.back().error;
}

TEST(AggTradeCache, RoundTripsSurvivesRestartAndRefusesABadBatchWithoutLosingData) {
    TempDir dir;
    const std::string path = (dir.path / "trades.sqlite").string();
    const storage::AggTradeKey key{"binance", "spot", "BTCUSDT"};
    const std::vector<exchange::TradeTick> first = {trade(10, 1'000, "42000.01", "0.00000001", false),
                                                    trade(13, 1'500, "42000.5", "12.5", true),
                                                    trade(16, 59'999, "41999.99", "3", false)};
    const std::vector<exchange::TradeTick> second = {trade(20, 60'000, "42001", "1", true)};
    {
        std::string notice;
        auto cache = storage::AggTradeCache::open(path, &notice);
        ASSERT_TRUE(cache) << cache.error().message;
        EXPECT_TRUE(notice.empty());
        ASSERT_TRUE(cache->store(key, {0, 60'000}, first));
        ASSERT_TRUE(cache->store(key, {60'000, 120'000}, second));
        ASSERT_TRUE(cache->store(key, {300'000, 360'000}, {}));  // a quiet minute is held too
        expectSameTrades(*cache->load(key, 0, 60'000), first);
        EXPECT_EQ(*cache->coverage(key), (std::vector<TimeRange>{{0, 120'000}, {300'000, 360'000}}));
        EXPECT_EQ(*cache->missing(key, 30'000, 400'000), (std::vector<TimeRange>{{120'000, 300'000}, {360'000, 400'000}}));
        EXPECT_TRUE(cache->load({"binance", "spot", "ETHUSDT"}, 0, 120'000)->empty());
    }
    // Reopened: the same trades and ranges.
    auto cache = storage::AggTradeCache::open(path);
    ASSERT_TRUE(cache) << cache.error().message;
    auto all = first;
    all.insert(all.end(), second.begin(), second.end());
    expectSameTrades(*cache->load(key, 0, 120'000), all);
    EXPECT_EQ(*cache->coverage(key), (std::vector<TimeRange>{{0, 120'000}, {300'000, 360'000}}));

    // Bad batches are refused whole: a trade outside its range, a zero quantity, ids going back.
    auto outside = std::vector<exchange::TradeTick>{trade(30, 120'000, "1", "1", false), trade(31, 200'000, "1", "1", false)};
    auto zero = std::vector<exchange::TradeTick>{trade(30, 130'000, "1", "0", false)};
    auto back = std::vector<exchange::TradeTick>{trade(40, 130'000, "1", "1", false), trade(35, 131'000, "1", "1", false)};
    for (const auto* bad : {&outside, &zero, &back}) {
        const auto stored = cache->store(key, {120'000, 180'000}, *bad);
        ASSERT_FALSE(stored);
        EXPECT_NE(stored.error().message.find("nothing stored"), std::string::npos) << stored.error().message;
    }
    expectSameTrades(*cache->load(key, 0, 400'000), all);
    EXPECT_EQ(*cache->coverage(key), (std::vector<TimeRange>{{0, 120'000}, {300'000, 360'000}}));
}

TEST(AggTradeCache, ADamagedFileIsMovedAsideAndAFreshOneTakesItsPlace) {
    TempDir dir;
    const std::string path = (dir.path / "trades.sqlite").string();
    const storage::AggTradeKey key{"binance", "spot", "BTCUSDT"};
    {
        auto cache = storage::AggTradeCache::open(path);
        ASSERT_TRUE(cache);
        ASSERT_TRUE(cache->store(key, {0, 60'000}, std::vector{trade(1, 5, "1", "1", false)}));
    }
    // The header overwritten: not a database any more.
    std::string bytes;
    {
        std::ifstream in(path, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    ASSERT_GT(bytes.size(), 100u);
    for (std::size_t i = 0; i < 100; ++i) bytes[i] = 'x';
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << bytes;
    }
    std::string notice;
    auto cache = storage::AggTradeCache::open(path, &notice);
    ASSERT_TRUE(cache) << cache.error().message;
    ASSERT_NE(notice.find("was damaged"), std::string::npos) << notice;
    // The damaged file is kept, byte for byte, where the notice says.
    std::string aside;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path))
        if (entry.path().filename().string().starts_with("trades.sqlite.corrupt-") &&
            entry.path().string().find("-wal") == std::string::npos && entry.path().string().find("-shm") == std::string::npos)
            aside = entry.path().string();
    ASSERT_FALSE(aside.empty());
    EXPECT_NE(notice.find(aside), std::string::npos) << notice;
    std::ifstream in(aside, std::ios::binary);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), bytes);
    // The fresh cache holds nothing (the range is fetched again) and works.
    EXPECT_TRUE(cache->coverage(key)->empty());
    ASSERT_TRUE(cache->store(key, {0, 60'000}, std::vector{trade(1, 5, "1", "1", false)}));
    EXPECT_EQ(cache->load(key, 0, 60'000)->size(), 1u);

    // Another program's database is not taken for ours either: moved aside, not written into.
    const std::string other = (dir.path / "other.sqlite").string();
    {
        auto first = storage::AggTradeCache::open(other);
        ASSERT_TRUE(first);
    }
    std::filesystem::remove(other);
    std::filesystem::remove(other + "-wal");
    std::filesystem::remove(other + "-shm");
    {
        std::ofstream out(other, std::ios::binary);
        out << "SQLite format 3";  // a truncated header
    }
    std::string otherNotice;
    auto reopened = storage::AggTradeCache::open(other, &otherNotice);
    ASSERT_TRUE(reopened) << reopened.error().message;
    EXPECT_NE(otherNotice.find("was damaged"), std::string::npos) << otherNotice;
}

TEST(IntrabarCvd, EqualsTheRunningDeltaOfTheTrades) {
    sim::MarketModel model(7);
    const std::int64_t from = 1'700'000'000'000 - 1'700'000'000'000 % 86'400'000 - 3 * 3'600'000;  // 21:00 UTC
    const auto trades = model.trades("BTCUSDT", from, from + 6 * 3'600'000);  // across midnight
    ASSERT_GT(trades.size(), 3'000u);
    FootprintSeries series(Interval::M15, dec("1"));
    for (const auto& t : trades) ASSERT_TRUE(series.add(t));

    for (const auto anchor : {orderflow::CvdAnchor::None, orderflow::CvdAnchor::Day}) {
        SCOPED_TRACE(static_cast<int>(anchor));
        // Independently: the running sum of the signed quantities, trade by trade.
        std::vector<orderflow::CvdCandle> want;
        Decimal cvd;
        for (const auto& t : trades) {
            const std::int64_t open = bucketStart(Interval::M15, t.timeMs);
            if (want.empty() || want.back().openTime != open) {
                if (anchor == orderflow::CvdAnchor::Day && (want.empty() || open % 86'400'000 == 0)) cvd = Decimal{};
                want.push_back({open, cvd, cvd, cvd, cvd});
            }
            cvd += t.buyerIsMaker ? Decimal{} - t.quantity : t.quantity;
            auto& c = want.back();
            c.close = cvd;
            c.high = std::max(c.high, cvd);
            c.low = std::min(c.low, cvd);
        }
        const auto got = orderflow::intrabarCvd(series, anchor);
        ASSERT_EQ(got.size(), want.size());
        for (std::size_t i = 0; i < want.size(); ++i) EXPECT_EQ(got[i], want[i]) << formatUtc(want[i].openTime);
    }

    // The history fetched after the live trades of the same bars came: each bar equals the one
    // built from every trade in order (rows, POC, the delta path).
    FootprintSeries merged(Interval::M15, dec("1"));
    const std::size_t cut = trades.size() * 2 / 3 + 7;  // inside a bar
    for (std::size_t i = cut; i < trades.size(); ++i) ASSERT_TRUE(merged.add(trades[i]));
    EXPECT_EQ(merged.addEarlier(std::vector(trades.begin(), trades.begin() + static_cast<std::ptrdiff_t>(cut))), cut);
    expectSameBars(merged, series);
}
