// `cpc fetch`, `cpc export`, `cpc verify` and `cpc stream` with --exchange, against the simulator
// speaking each venue's dialect on 127.0.0.1 (never the internet).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli_test_util.hpp"
#include "cpc/core/time.hpp"
#include "cpc/exchange/registry.hpp"
#include "cpc/sim/sim_server.hpp"
#include "cpc/storage/candle_database.hpp"
#include "kline_io.hpp"

using namespace cpc;
using cpc::test::runCpc;
using cpc::test::TempDir;

namespace {

// What every venue reports of a candle (Bybit, OKX and KuCoin count no trades, report no taker volumes).
void expectSameMarket(const Candle& got, const Candle& truth) {
    EXPECT_EQ(got.openTime, truth.openTime);
    EXPECT_EQ(got.open, truth.open) << "open at " << formatUtc(got.openTime);
    EXPECT_EQ(got.high, truth.high) << "high at " << formatUtc(got.openTime);
    EXPECT_EQ(got.low, truth.low) << "low at " << formatUtc(got.openTime);
    EXPECT_EQ(got.close, truth.close) << "close at " << formatUtc(got.openTime);
    EXPECT_EQ(got.volume, truth.volume) << "volume at " << formatUtc(got.openTime);
}

class ExchangeCli : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        sim::SimConfig config;
        config.exchange = GetParam();
        config.klinePushInterval = std::chrono::milliseconds(100);
        config.liveTradesPerSecond = 50;  // trades beside the klines within a few seconds
        m_sim = std::make_unique<sim::SimServer>(config);
        auto started = m_sim->start();
        ASSERT_TRUE(started) << started.error().message;
        auto adapter = exchange::makeAdapter(GetParam());
        ASSERT_TRUE(adapter);
        m_symbol = (*adapter)->symbolFor("BTC", "USDT");
    }
    test::CommandRun fetch(const std::string& interval, const std::string& from, const std::string& to) {
        return runCpc({"fetch", m_symbol, interval, "--from", from, "--to", to, "--exchange", GetParam(), "--endpoint",
                       m_sim->restBase(), "--db", db()});
    }
    std::string db() const { return m_dir.file("cache.sqlite3"); }
    std::vector<Candle> truth(Interval interval, const std::string& from, const std::string& to) const {
        return m_sim->model().klines("BTCUSDT", interval, *parseUtc(from), *parseUtc(to) - 1, 1000, nowMs());
    }

    TempDir m_dir;
    std::unique_ptr<sim::SimServer> m_sim;
    std::string m_symbol;
};

}  // namespace

TEST_P(ExchangeCli, FetchStoresTheVenuesHistoryUnderItsNameAndExportWritesIt) {
    const std::string venue = GetParam();
    const auto first = fetch("1h", "2024-01-01", "2024-01-03");
    ASSERT_EQ(first.code, 0) << first.err;
    EXPECT_NE(first.out.find("stored 48 candles"), std::string::npos) << first.out;

    // The cache holds the venue's candles under its name, equal to the simulated market's.
    const SeriesKey key{venue, m_symbol, Interval::H1};
    {
        auto database = storage::CandleDatabase::open(db());
        ASSERT_TRUE(database) << database.error().message;
        auto stored = database->loadRange(key, 0, *parseUtc("2024-01-03"));
        ASSERT_TRUE(stored);
        const auto expected = truth(Interval::H1, "2024-01-01", "2024-01-03");
        ASSERT_EQ(expected.size(), 48u);
        ASSERT_EQ(stored->size(), expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i) expectSameMarket((*stored)[i], expected[i]);
        auto series = database->listSeries();
        ASSERT_TRUE(series);
        EXPECT_EQ(*series, std::vector<SeriesKey>{key}) << "stored under another key";
    }

    // Asked again: the venue is not asked.
    const std::uint64_t requests = m_sim->stats().restRequests;
    const auto second = fetch("1h", "2024-01-01", "2024-01-03");
    ASSERT_EQ(second.code, 0) << second.err;
    EXPECT_NE(second.out.find("nothing requested"), std::string::npos) << second.out;
    EXPECT_EQ(m_sim->stats().restRequests, requests);

    // Export reads that venue's series: Binance CSV rows equal to the market's candles.
    const auto exported = runCpc({"export", m_symbol, "1h", "--exchange", venue, "--db", db()});
    ASSERT_EQ(exported.code, 0) << exported.err;
    const std::string csv = m_dir.file("out.csv");
    test::writeFile(csv, exported.out);
    auto rows = cli::readKlineFile(csv, cli::KlineFormat::Csv);
    ASSERT_TRUE(rows) << rows.error().message;
    const auto expected = truth(Interval::H1, "2024-01-01", "2024-01-03");
    ASSERT_EQ(rows->rows.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) expectSameMarket(rows->rows[i].candle, expected[i]);
    // Aggregated on export from that venue's hours too.
    const auto fourHours = runCpc({"export", m_symbol, "4h", "--exchange", venue, "--db", db()});
    ASSERT_EQ(fourHours.code, 0) << fourHours.err;
    EXPECT_EQ(std::count(fourHours.out.begin(), fourHours.out.end(), '\n'), 12);

    if (venue != "binance") {
        // Another venue's name finds nothing of this one's.
        const auto other = runCpc({"export", m_symbol, "1h", "--db", db()});
        EXPECT_EQ(other.code, 1);
        EXPECT_NE(other.err.find("the cache has no " + m_symbol + " candles at 1h from binance"), std::string::npos)
            << other.err;
        EXPECT_NE(other.err.find("cached: " + venue + " 1h"), std::string::npos) << other.err;
    }
    const auto verified = runCpc({"verify", "--exchange", venue, "--db", db()});
    EXPECT_EQ(verified.code, 0) << verified.out << verified.err;
    EXPECT_NE(verified.out.find(venue + ":" + m_symbol + ":1h  48 candles"), std::string::npos) << verified.out;
    EXPECT_NE(verified.out.find("cache is clean: 1 series of " + venue), std::string::npos) << verified.out;
}

// The stream test per venue: the same fixture, its own instantiation (the venues whose streams
// session::StreamSession serves).
class ExchangeStream : public ExchangeCli {};

TEST_P(ExchangeStream, StreamPrintsTheVenuesLiveKlinesAndTrades) {
    // The simulator's base URL, as for `cpc sim --exchange X`: the venue's stream path is added.
    const auto run = runCpc({"stream", m_symbol, "--exchange", GetParam(), "--streams", "kline_1m,trade", "--endpoint",
                             m_sim->streamBase(), "--max-events", "30", "--seconds", "20"});
    ASSERT_EQ(run.code, 0) << run.err;
    std::istringstream in(run.out);
    std::size_t lines = 0;
    std::set<std::string> types;
    for (std::string line; std::getline(in, line); ++lines) {
        const auto j = nlohmann::json::parse(line, nullptr, false);
        ASSERT_FALSE(j.is_discarded()) << line;
        EXPECT_EQ(j["symbol"], m_symbol) << line;
        types.insert(j["type"].get<std::string>());
        if (j["type"] == "kline") {
            EXPECT_EQ(j["interval"], "1m") << line;
            EXPECT_EQ(j["openTime"].get<std::int64_t>() % kMinuteMs, 0) << line;
            // Within the minute the simulator is in now.
            EXPECT_LE(std::abs(j["openTime"].get<std::int64_t>() - bucketStart(Interval::M1, nowMs())), kMinuteMs) << line;
        } else {
            EXPECT_TRUE(j["price"].is_string()) << line;
        }
    }
    EXPECT_EQ(lines, 30u) << run.out;
    EXPECT_TRUE(types.count("kline")) << run.out;
    // OKX's trades channel is one message per taker order and price: printed as aggTrade.
    EXPECT_TRUE(types.count(GetParam() == "okx" ? "aggTrade" : "trade")) << run.out;
    EXPECT_NE(run.err.find("live (2 streams)"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("stopped (30 events"), std::string::npos) << run.err;
}

INSTANTIATE_TEST_SUITE_P(Venues, ExchangeCli, ::testing::Values("binance", "bybit", "okx", "kucoin"),
                         [](const ::testing::TestParamInfo<std::string>& venue) { return venue.param; });
INSTANTIATE_TEST_SUITE_P(Venues, ExchangeStream, ::testing::Values("binance", "bybit", "okx", "kucoin"),
                         [](const ::testing::TestParamInfo<std::string>& venue) { return venue.param; });

TEST(ExchangeCliAggregate, AnIntervalTheVenueLacksIsBuiltFromOneItHasAndBothAreStored) {
    sim::SimConfig config;
    config.exchange = "bybit";
    sim::SimServer sim(config);
    ASSERT_TRUE(sim.start());
    TempDir dir;
    // Bybit's weeks are not documented to start on Monday: 1w is built from its days.
    const std::vector<std::string> args{"fetch", "BTCUSDT", "1w", "--from", "2024-01-01", "--to", "2024-02-05",
                                        "--exchange", "bybit", "--endpoint", sim.restBase(), "--db",
                                        dir.file("c.sqlite3")};
    const auto run = runCpc(args);
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_NE(run.out.find("BTCUSDT 1d: stored 35 candles"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("bybit has no 1w candles; stored 5 built from its 1d candles"), std::string::npos) << run.out;
    {
        auto db = storage::CandleDatabase::open(dir.file("c.sqlite3"));
        ASSERT_TRUE(db);
        EXPECT_EQ(*db->count(SeriesKey{"bybit", "BTCUSDT", Interval::D1}), 35u);
        auto weeks = db->loadRange(SeriesKey{"bybit", "BTCUSDT", Interval::W1}, 0, *parseUtc("2024-02-05"));
        ASSERT_TRUE(weeks);
        const auto truth = sim.model().klines("BTCUSDT", Interval::W1, *parseUtc("2024-01-01"),
                                              *parseUtc("2024-02-05") - 1, 10, nowMs());
        ASSERT_EQ(truth.size(), 5u);
        ASSERT_EQ(weeks->size(), truth.size());
        for (std::size_t i = 0; i < truth.size(); ++i) expectSameMarket((*weeks)[i], truth[i]);
    }
    // Again: the days are covered, nothing is asked; the weeks are still there.
    const std::uint64_t requests = sim.stats().restRequests;
    const auto again = runCpc(args);
    ASSERT_EQ(again.code, 0) << again.err;
    EXPECT_NE(again.out.find("BTCUSDT 1d: already cached"), std::string::npos) << again.out;
    EXPECT_EQ(sim.stats().restRequests, requests);
}

// KuCoin has no candle for a minute without trades: a page with fewer rows than asked (here none,
// inside a two-day no-trade stretch longer than its 1,500-row page) does not end the range. The
// whole range is fetched, the stretch is recorded as the venue's gap, and nothing is asked again.
TEST(ExchangeCliKucoin, AFetchGoesOnPastANoTradeStretch) {
    const std::int64_t quietFrom = *parseUtc("2024-01-03 01:00"), quietTo = *parseUtc("2024-01-05 01:00");
    sim::SimConfig config;
    config.exchange = "kucoin";
    config.symbols = sim::MarketModel::defaultSymbols();
    for (auto& s : config.symbols)
        if (s.symbol == "BTCUSDT") s.quietWindows = {{quietFrom, quietTo}};
    sim::SimServer sim(config);
    ASSERT_TRUE(sim.start());
    TempDir dir;
    const std::vector<std::string> args{"fetch", "BTC-USDT", "1m", "--from", "2024-01-03", "--to", "2024-01-05 03:00",
                                        "--exchange", "kucoin", "--endpoint", sim.restBase(), "--db",
                                        dir.file("c.sqlite3")};
    const auto run = runCpc(args);
    ASSERT_EQ(run.code, 0) << run.err;
    auto truth = sim.model().klines("BTCUSDT", Interval::M1, *parseUtc("2024-01-03"), std::nullopt, 1000, nowMs());
    const auto after = sim.model().klines("BTCUSDT", Interval::M1, quietTo, *parseUtc("2024-01-05 03:00") - 1, 1000, nowMs());
    truth.insert(truth.end(), after.begin(), after.end());
    std::erase_if(truth, [](const Candle& c) { return c.trades <= 0; });
    ASSERT_EQ(truth.size(), 180u);  // an hour before the stretch, two after
    {
        auto db = storage::CandleDatabase::open(dir.file("c.sqlite3"));
        ASSERT_TRUE(db);
        auto stored = db->loadRange(SeriesKey{"kucoin", "BTC-USDT", Interval::M1}, 0, *parseUtc("2024-01-06"));
        ASSERT_TRUE(stored);
        ASSERT_EQ(stored->size(), truth.size()) << "the minutes after the stretch were not fetched";
        for (std::size_t i = 0; i < truth.size(); ++i) expectSameMarket((*stored)[i], truth[i]);
    }
    const std::uint64_t requests = sim.stats().restRequests;
    const auto again = runCpc(args);
    ASSERT_EQ(again.code, 0) << again.err;
    EXPECT_EQ(sim.stats().restRequests, requests) << again.out;
}

// OKX has no 3d of ours: fetch stores its days and the 3d candles built from them, anchored at the
// symbol's listing day (found from the venue's days) as the app's and Binance's 3d candles are —
// here a listing day off the epoch's 3-day grid.
TEST(ExchangeCliAggregate, ThreeDaysFromOkxDaysStartAtTheListingDay) {
    constexpr std::int64_t kDay = 24 * 3600'000;
    const std::int64_t listing = *parseUtc("2023-06-29");
    ASSERT_EQ((listing / kDay) % 3, 1);
    sim::SimConfig config;
    config.exchange = "okx";
    config.symbols = sim::MarketModel::defaultSymbols();
    for (auto& s : config.symbols)
        if (s.symbol == "BTCUSDT") s.listingMs = listing;
    sim::SimServer sim(config);
    ASSERT_TRUE(sim.start());
    TempDir dir;
    const auto run = runCpc({"fetch", "BTC-USDT", "3d", "--from", "2023-11-01", "--to", "2024-01-01", "--exchange",
                             "okx", "--endpoint", sim.restBase(), "--db", dir.file("c.sqlite3")});
    ASSERT_EQ(run.code, 0) << run.err;
    auto db = storage::CandleDatabase::open(dir.file("c.sqlite3"));
    ASSERT_TRUE(db);
    auto buckets = db->loadRange(SeriesKey{"okx", "BTC-USDT", Interval::D3}, 0, *parseUtc("2024-01-01"));
    ASSERT_TRUE(buckets);
    const auto truth = sim.model().klines("BTCUSDT", Interval::D3, *parseUtc("2023-11-01"), *parseUtc("2024-01-01") - 1,
                                          100, nowMs());
    ASSERT_GE(truth.size(), 19u);
    std::vector<Candle> whole;  // the model's 3d candles wholly inside the range
    for (const Candle& c : truth)
        if (closeTime(Interval::D3, c.openTime) < *parseUtc("2024-01-01")) whole.push_back(c);
    ASSERT_EQ(buckets->size(), whole.size()) << run.out;
    for (std::size_t i = 0; i < whole.size(); ++i) {
        EXPECT_EQ(((*buckets)[i].openTime - listing) % (3 * kDay), 0);
        expectSameMarket((*buckets)[i], whole[i]);
    }
}

TEST(ExchangeCliErrors, ASymbolInAnotherVenuesSpellingGetsTheVenuesAnswerAndAHint) {
    sim::SimConfig config;
    config.exchange = "okx";
    sim::SimServer sim(config);
    ASSERT_TRUE(sim.start());
    TempDir dir;
    const auto run = runCpc({"fetch", "BTCUSDT", "1h", "--from", "2024-01-01", "--to", "2024-01-02", "--exchange", "okx",
                             "--endpoint", sim.restBase(), "--db", dir.file("c.sqlite3")});
    EXPECT_EQ(run.code, 1) << run.err;
    EXPECT_NE(run.err.find("BTCUSDT 1h: "), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("(okx spells symbols like BTC-USDT)"), std::string::npos) << run.err;
}

TEST(ExchangeCliErrors, AnUnknownExchangeIsABadCommandLineNamingTheAcceptedOnes) {
    TempDir dir;
    const std::vector<std::vector<std::string>> commands{
        {"fetch", "BTCUSDT", "1h", "--from", "2024-01-01", "--to", "2024-01-02", "--exchange", "MtGox", "--db",
         dir.file("c.sqlite3")},
        {"export", "BTCUSDT", "1h", "--exchange", "MtGox", "--db", dir.file("c.sqlite3")},
        {"stream", "BTCUSDT", "--exchange", "MtGox", "--endpoint", "ws://127.0.0.1:9"},
        {"verify", "--exchange", "MtGox", "--db", dir.file("c.sqlite3")},
    };
    for (const auto& args : commands) {
        const auto run = runCpc(args);
        EXPECT_EQ(run.code, 2) << args[0] << ": " << run.err;
        EXPECT_NE(run.err.find("unknown exchange 'MtGox'; accepted: binance, bybit, okx, kucoin"), std::string::npos)
            << args[0] << ": " << run.err;
    }
    for (const char* command : {"fetch", "export", "stream", "verify"}) {
        const auto help = runCpc({command, "--help"});
        EXPECT_EQ(help.code, 0) << command;
        EXPECT_NE(help.out.find("--exchange"), std::string::npos) << command << ":\n" << help.out;
    }
}
