// The simulator's REST API, through the real HttpClient, plain and over TLS.
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cpc/exchange/binance/binance_adapter.hpp"
#include "cpc/net/http_client.hpp"
#include "net_test_util.hpp"
#include "support/fixtures.hpp"

using namespace cpc;
using cpc::net::HttpClient;
using cpc::net::HttpResponse;
using cpc::net::IoThread;
using cpc::net::Url;
using cpc::test::kFixedNowMs;
using cpc::test::runSync;
using cpc::test::SimEnv;

namespace {
sim::SimConfig fixedClock() {
    sim::SimConfig c;
    c.clock = [] { return kFixedNowMs; };
    return c;
}
}  // namespace

class SimRestTest : public ::testing::TestWithParam<bool> {
protected:
    SimRestTest() : env(GetParam(), fixedClock()), client(io.context(), env.clientTls) {}

    HttpResponse get(const std::string& target) {
        auto r = runSync(io, client.get(*Url::parse(env.server->restBase()), target));
        if (!r) throw std::runtime_error(r.error().message);
        return std::move(*r);
    }

    void expectError(const std::string& target, int code, const std::string& msg) {
        const HttpResponse r = get(target);
        EXPECT_EQ(r.status, 400) << target;
        const auto e = exchange::BinanceAdapter::parseErrorBody(r.body, r.status);
        ASSERT_TRUE(e) << r.body;
        EXPECT_EQ(e->code, code) << target << " -> " << r.body;
        EXPECT_EQ(nlohmann::json::parse(r.body).at("msg"), msg) << target;
    }

    SimEnv env;
    IoThread io;
    HttpClient client;
    exchange::BinanceAdapter adapter;
};

TEST_P(SimRestTest, KlinesAreTheModelsCandlesInBinanceRowFormat) {
    const HttpResponse r = get("/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=5");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto parsed = adapter.parseHistory(r.body, r.status, kFixedNowMs);
    ASSERT_TRUE(parsed) << parsed.error().message;
    const auto expected =
        env.server->model().klines("BTCUSDT", Interval::M1, std::nullopt, std::nullopt, 5, kFixedNowMs);
    EXPECT_EQ(*parsed, expected);
    EXPECT_FALSE(parsed->back().closed);  // the forming candle
    // 12 fields: 3 numbers at 0, 6, 8; strings elsewhere.
    const auto rows = nlohmann::json::parse(r.body);
    ASSERT_EQ(rows.size(), 5u);
    for (const auto& row : rows) {
        ASSERT_EQ(row.size(), 12u);
        for (int i = 0; i < 12; ++i)
            EXPECT_EQ(row[i].is_number_integer(), i == 0 || i == 6 || i == 8) << row.dump();
        EXPECT_EQ(row[11], "0");
    }
    EXPECT_EQ(r.body.front(), '[');
}

TEST_P(SimRestTest, SameRequestSameAnswerAndUiKlinesAgree) {
    const std::string q = "?symbol=NKNUSDT&interval=15m&startTime=1700000000000&endTime=1700100000000";
    const HttpResponse a = get("/api/v3/klines" + q);
    const HttpResponse b = get("/api/v3/klines" + q);
    const HttpResponse ui = get("/api/v3/uiKlines" + q);
    ASSERT_EQ(a.status, 200);
    EXPECT_EQ(a.body, b.body);
    EXPECT_EQ(a.body, ui.body);
    EXPECT_EQ(nlohmann::json::parse(a.body).size(), 112u);  // 27.7 h of 15 min buckets
}

TEST_P(SimRestTest, LimitDefaultsTo500AndAllows1000) {
    EXPECT_EQ(nlohmann::json::parse(get("/api/v3/klines?symbol=ETHBTC&interval=1m").body).size(), 500u);
    EXPECT_EQ(nlohmann::json::parse(get("/api/v3/klines?symbol=ETHBTC&interval=1h&limit=1000").body).size(), 1000u);
    // Microsecond times are understood (Binance infers the unit).
    const auto us = nlohmann::json::parse(
        get("/api/v3/klines?symbol=ETHBTC&interval=1h&startTime=1704067200000000&limit=1").body);
    EXPECT_EQ(us.at(0).at(0), 1704067200000);
}

TEST_P(SimRestTest, NoDataIsAnEmptyArray) {
    const HttpResponse before = get("/api/v3/klines?symbol=BTCUSDT&interval=1d&endTime=1500000000000");
    EXPECT_EQ(before.status, 200);
    EXPECT_EQ(before.body, "[]");
    const HttpResponse future = get("/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=" +
                                    std::to_string(kFixedNowMs + kHourMs));
    EXPECT_EQ(future.body, "[]");
}

TEST_P(SimRestTest, ErrorsUseBinanceCodesAndMessages) {
    expectError("/api/v3/klines?symbol=NOPE&interval=1m", -1121, "Invalid symbol.");
    expectError("/api/v3/klines?symbol=BTCUSDT&interval=1mo", -1120, "Invalid interval.");
    expectError("/api/v3/klines?interval=1m", -1102,
                "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
    expectError("/api/v3/klines?symbol=&interval=1m", -1102,
                "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
    expectError("/api/v3/klines?symbol=BTCUSDT", -1102,
                "Mandatory parameter 'interval' was not sent, was empty/null, or malformed.");
    expectError("/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=yesterday", -1100,
                "Illegal characters found in parameter 'startTime'; legal range is '^[0-9]{1,20}$'.");
    expectError("/api/v3/klines?symbol=BTCUSDT&interval=1m&endTime=-5", -1100,
                "Illegal characters found in parameter 'endTime'; legal range is '^[0-9]{1,20}$'.");
    expectError("/api/v3/klines?symbol=BTCUSDT&interval=", -1100,
                "Illegal characters found in parameter 'interval'; legal range is '^[a-zA-Z0-9]{1,36}$'.");
    expectError("/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=0", -1130,
                "Data sent for parameter 'limit' is not valid.");
    expectError("/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1001", -1130,
                "Data sent for parameter 'limit' is not valid.");
    expectError("/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=2000&endTime=1000", -1023,
                "Start time is greater than end time.");
    expectError("/api/v3/exchangeInfo?symbol=NOPE", -1121, "Invalid symbol.");
}

TEST_P(SimRestTest, ExchangeInfoHasBinancesShapeAndParses) {
    const HttpResponse r = get("/api/v3/exchangeInfo");
    ASSERT_EQ(r.status, 200);
    const auto infos = adapter.parseExchangeInfo(r.body, r.status);
    ASSERT_TRUE(infos) << infos.error().message;
    ASSERT_EQ(infos->size(), env.server->model().symbols().size());
    const auto btc = std::find_if(infos->begin(), infos->end(), [](const auto& s) { return s.symbol == "BTCUSDT"; });
    ASSERT_NE(btc, infos->end());
    EXPECT_EQ(btc->status, "TRADING");
    EXPECT_EQ(btc->baseAsset, "BTC");
    EXPECT_EQ(btc->quoteAsset, "USDT");
    EXPECT_EQ(btc->priceDecimals, 2);
    EXPECT_EQ(btc->quantityDecimals, 5);

    // Every key of a real capture is present, at the top level and per symbol.
    const auto real = nlohmann::json::parse(cpc::test::readFixture("binance-captures/exchangeInfo.subset.json"));
    const auto ours = nlohmann::json::parse(r.body);
    for (const auto& [key, value] : real.items()) EXPECT_TRUE(ours.contains(key)) << key;
    for (const auto& [key, value] : real["symbols"][0].items()) EXPECT_TRUE(ours["symbols"][0].contains(key)) << key;
    EXPECT_EQ(ours["serverTime"], kFixedNowMs);
    EXPECT_EQ(ours["rateLimits"][0]["rateLimitType"], "REQUEST_WEIGHT");

    const auto one = nlohmann::json::parse(get("/api/v3/exchangeInfo?symbol=ETHBTC").body);
    ASSERT_EQ(one["symbols"].size(), 1u);
    EXPECT_EQ(one["symbols"][0]["symbol"], "ETHBTC");
    const auto two = nlohmann::json::parse(get("/api/v3/exchangeInfo?symbols=%5B%22ETHBTC%22,%22ADAUSDT%22%5D").body);
    EXPECT_EQ(two["symbols"].size(), 2u);
}

TEST_P(SimRestTest, TimeAndPing) {
    const HttpResponse t = get("/api/v3/time");
    EXPECT_EQ(t.status, 200);
    EXPECT_EQ(adapter.parseServerTime(t.body, t.status).value(), kFixedNowMs);
    const HttpResponse p = get("/api/v3/ping");
    EXPECT_EQ(p.status, 200);
    EXPECT_EQ(p.body, "{}");
}

TEST_P(SimRestTest, UnknownPathIsA404JsonError) {
    const HttpResponse r = get("/api/v3/nothing");
    EXPECT_EQ(r.status, 404);
    const auto j = nlohmann::json::parse(r.body);
    EXPECT_TRUE(j.contains("code"));
    EXPECT_NE(j["msg"].get<std::string>().find("/api/v3/klines"), std::string::npos) << r.body;
}

TEST_P(SimRestTest, UsedWeightHeaderCountsPerMinute) {
    const auto weight = [](const HttpResponse& r) { return std::stoi(r.header("x-mbx-used-weight-1m")); };
    const int first = weight(get("/api/v3/ping"));
    EXPECT_EQ(first, 1);
    EXPECT_EQ(weight(get("/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1")), first + 2);
    EXPECT_EQ(weight(get("/api/v3/exchangeInfo")), first + 22);
    EXPECT_EQ(weight(get("/api/v3/klines?symbol=NOPE&interval=1m")), first + 24);  // errors cost too
    EXPECT_EQ(env.server->stats().restRequests, 4u);
}

INSTANTIATE_TEST_SUITE_P(Transport, SimRestTest, ::testing::Bool(), cpc::test::tlsName);

TEST(SimServer, PortZeroPicksAFreePortAndATakenPortIsAnError) {
    sim::SimServer a(sim::SimConfig{});
    ASSERT_TRUE(a.start());
    EXPECT_NE(a.port(), 0);
    EXPECT_EQ(a.restBase(), "http://127.0.0.1:" + std::to_string(a.port()));
    EXPECT_EQ(a.streamBase(), "ws://127.0.0.1:" + std::to_string(a.port()));
    sim::SimConfig same;
    same.port = a.port();
    sim::SimServer b(same);
    auto r = b.start();
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find(std::to_string(a.port())), std::string::npos) << r.error().message;
    EXPECT_FALSE(a.start());  // already started
    a.stop();
    a.stop();
}

TEST(SimServer, TlsNeedsUsableCertificateFiles) {
    sim::SimConfig c;
    c.tls = true;
    EXPECT_FALSE(sim::SimServer(c).start());
    c.certFile = "/nonexistent/cert.pem";
    c.keyFile = "/nonexistent/key.pem";
    auto r = sim::SimServer(c).start();
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("/nonexistent/cert.pem"), std::string::npos);
    sim::SimConfig badBind;
    badBind.bindAddress = "not-an-ip";
    EXPECT_FALSE(sim::SimServer(badBind).start());
}
