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

std::unique_ptr<sim::SimServer> perpSim(int speed) {
    sim::SimConfig c;
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
    const auto simBybit = runCpc({"sim", "--exchange", "bybit", "--market", "perp"});
    EXPECT_EQ(simBybit.code, 2);
    EXPECT_NE(simBybit.err.find("binance (USD-M) only"), std::string::npos) << simBybit.err;
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
