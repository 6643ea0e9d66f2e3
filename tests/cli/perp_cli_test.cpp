// `--market spot|perp` on cpc fetch / export / stream / verify / sim, against the simulator's
// Binance USD-M dialect on 127.0.0.1 (never the internet).
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli_test_util.hpp"
#include "cpc/sim/sim_server.hpp"

using namespace cpc;
using cpc::test::runCpc;

namespace {

std::vector<nlohmann::json> jsonLines(const std::string& text) {
    std::vector<nlohmann::json> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        EXPECT_FALSE(j.is_discarded()) << "not JSON: " << line;
        if (!j.is_discarded()) lines.push_back(std::move(j));
    }
    return lines;
}

std::unique_ptr<sim::SimServer> perpSim(int speed, const std::string& exchange = "binance") {
    sim::SimConfig c;
    c.exchange = exchange;
    c.market = MarketType::Perp;
    if (speed > 1) {
        const auto wallStart = std::chrono::steady_clock::now();
        const std::int64_t start = 1709279940000;  // 2024-03-01 07:59 UTC
        c.clock = [wallStart, start, speed] {
            return start + std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - wallStart)
                                   .count() * speed;
        };
    }
    auto s = std::make_unique<sim::SimServer>(c);
    EXPECT_TRUE(s->start());
    return s;
}

}  // namespace

TEST(PerpCli, BadMarketValuesAndMarketsAVenueLacksAreUsageErrorsListingTheAccepted) {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"stream", "BTCUSDT", "--market", "futures"},
          {"fetch", "BTCUSDT", "1h", "--from", "2024-01-01", "--to", "2024-01-02", "--market", "swap"},
          {"export", "BTCUSDT", "1h", "--market", "x"},
          {"verify", "--market", "PERPS"},
          {"sim", "--market", "margin"}}) {
        const auto run = runCpc(args);
        EXPECT_EQ(run.code, 2) << args[0];
        EXPECT_NE(run.err.find("unknown market"), std::string::npos) << args[0] << ": " << run.err;
        EXPECT_NE(run.err.find("accepted: spot, perp"), std::string::npos) << args[0] << ": " << run.err;
    }
    const auto kucoin = runCpc({"stream", "XBTUSDTM", "--exchange", "kucoin", "--market", "perp"});
    EXPECT_EQ(kucoin.code, 2);
    EXPECT_NE(kucoin.err.find("kucoin has no perpetual futures"), std::string::npos) << kucoin.err;
    const auto spotMark = runCpc({"stream", "BTCUSDT", "--streams", "markPrice"});
    EXPECT_EQ(spotMark.code, 2);
    EXPECT_NE(spotMark.err.find("--market perp"), std::string::npos) << spotMark.err;
    // Bybit's and OKX's perpetuals are simulated; KuCoin's futures are another API.
    const auto simKucoin = runCpc({"sim", "--exchange", "kucoin", "--market", "perp"});
    EXPECT_EQ(simKucoin.code, 2);
    EXPECT_NE(simKucoin.err.find("binance (USD-M), bybit (linear) and okx (swap)"), std::string::npos) << simKucoin.err;
}

TEST(PerpCli, StreamPrintsMarkPriceFundingOpenInterestAndLiquidations) {
    // Ten exchange minutes a wall second: liquidations (about one a 4 minutes) come every second.
    const auto sim = perpSim(600);
    const auto run = runCpc({"stream", "btcusdt", "--market", "perp", "--streams",
                             "markPrice,funding,openInterest,liquidation", "--seconds", "8", "--endpoint",
                             sim->streamBase()});
    ASSERT_EQ(run.code, 0) << run.err;
    std::set<std::string> types;
    for (const auto& j : jsonLines(run.out)) {
        const std::string type = j.at("type");
        types.insert(type);
        EXPECT_EQ(j.at("symbol"), "BTCUSDT") << j.dump();
        if (type == "markPrice") {
            EXPECT_TRUE(j.at("markPrice").is_string());
            EXPECT_TRUE(j.at("indexPrice").is_string());
        } else if (type == "funding") {
            EXPECT_TRUE(j.at("rate").is_string());
            const std::int64_t next = j.at("nextFundingTime");
            EXPECT_EQ(next % (8 * 3'600'000), 0) << j.dump();
            EXPECT_EQ(j.at("countdownMs").get<std::int64_t>(), next - j.at("eventTime").get<std::int64_t>()) << j.dump();
        } else if (type == "openInterest") {
            EXPECT_TRUE(j.at("openInterest").is_string());
            EXPECT_GT(j.at("time").get<std::int64_t>(), 0);
        } else {
            ASSERT_EQ(type, "liquidation") << j.dump();
            EXPECT_TRUE(j.at("side") == "long" || j.at("side") == "short") << j.dump();
            EXPECT_TRUE(j.at("price").is_string());
            EXPECT_TRUE(j.at("quantity").is_string());
        }
    }
    EXPECT_EQ(types, (std::set<std::string>{"markPrice", "funding", "openInterest", "liquidation"})) << run.out << run.err;
}

TEST(PerpCli, FetchExportAndVerifyKeepPerpetualCandlesApartFromSpot) {
    const auto sim = perpSim(1);
    test::TempDir dir;
    const std::string db = dir.file("cache.sqlite3");
    const auto fetched = runCpc({"fetch", "BTCUSDT", "1h", "--market", "perp", "--from", "2024-01-01", "--to",
                                 "2024-01-02", "--endpoint", sim->restBase(), "--db", db});
    ASSERT_EQ(fetched.code, 0) << fetched.err;

    const auto perp = runCpc({"export", "BTCUSDT", "1h", "--market", "perp", "--db", db, "--format", "json"});
    ASSERT_EQ(perp.code, 0) << perp.err;
    EXPECT_NE(perp.out.find("1704067200000"), std::string::npos) << perp.out;  // 2024-01-01 00:00

    // The spot market of the same venue has nothing cached: the perpetual's candles are not its.
    const auto spot = runCpc({"export", "BTCUSDT", "1h", "--db", db});
    EXPECT_EQ(spot.code, 1);
    EXPECT_NE(spot.err.find("binance perp 1h"), std::string::npos) << spot.err;

    const auto verified = runCpc({"verify", "--db", db, "--market", "perp"});
    EXPECT_EQ(verified.code, 0) << verified.out << verified.err;
    EXPECT_NE(verified.out.find("binance/perp:BTCUSDT:1h  24 candles"), std::string::npos) << verified.out;
    const auto spotOnly = runCpc({"verify", "--db", db, "--market", "spot"});
    EXPECT_EQ(spotOnly.out.find("binance/perp"), std::string::npos) << spotOnly.out;
}

TEST(PerpCli, StreamPrintsThePerpetualKindsOfBybitAndOkx) {
    // The simulator's Bybit linear and OKX swap dialects through `cpc stream --market perp`: every
    // kind arrives (ten exchange minutes a wall second: liquidations every second or so).
    for (const auto& [venue, symbol] : {std::pair<std::string, std::string>{"bybit", "BTCUSDT"}, {"okx", "BTC-USDT-SWAP"}}) {
        const auto sim = perpSim(600, venue);
        const auto run = runCpc({"stream", symbol, "--exchange", venue, "--market", "perp", "--streams",
                                 "markPrice,funding,openInterest,liquidation", "--seconds", "8", "--endpoint",
                                 sim->streamBase()});
        ASSERT_EQ(run.code, 0) << venue << ": " << run.err;
        std::set<std::string> types;
        for (const auto& j : jsonLines(run.out)) types.insert(j.at("type").get<std::string>());
        EXPECT_EQ(types, (std::set<std::string>{"markPrice", "funding", "openInterest", "liquidation"}))
            << venue << ": " << run.out << run.err;
    }
}

TEST(PerpCli, RecordMarketPerpRecordsThePerpetualAndReplaysIt) {
    // `cpc record --market perp`: the perpetual's codec and streams, the market in the recording's
    // header, and `cpc replay` prints the same lines through the same codec.
    const auto sim = perpSim(60, "bybit");
    test::TempDir dir;
    const std::string out = dir.file("rec");
    const auto recorded = runCpc({"record", "BTCUSDT", "--exchange", "bybit", "--market", "perp", "--streams",
                                  "markPrice,openInterest,liquidation", "--endpoint", sim->streamBase(), "--out", out,
                                  "--exit-after", "5"});
    ASSERT_EQ(recorded.code, 0) << recorded.err;
    std::set<std::string> types;
    for (const auto& j : jsonLines(recorded.out)) types.insert(j.at("type").get<std::string>());
    EXPECT_TRUE(types.count("markPrice") && types.count("openInterest")) << recorded.out << recorded.err;
    const auto replayed = runCpc({"replay", out, "--speed", "max"});
    ASSERT_EQ(replayed.code, 0) << replayed.err;
    EXPECT_EQ(replayed.out, recorded.out);
    const auto spotMark = runCpc({"record", "BTCUSDT", "--streams", "markPrice", "--out", dir.file("spot")});
    EXPECT_EQ(spotMark.code, 2);
    EXPECT_NE(spotMark.err.find("--market perp"), std::string::npos) << spotMark.err;
    const auto badMarket = runCpc({"record", "BTCUSDT", "--market", "futures", "--out", dir.file("bad")});
    EXPECT_EQ(badMarket.code, 2);
    EXPECT_NE(badMarket.err.find("accepted: spot, perp"), std::string::npos) << badMarket.err;
}
