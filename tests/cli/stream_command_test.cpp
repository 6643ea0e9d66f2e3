// `cpc stream` against the built-in simulator on 127.0.0.1 (never the internet).
#include <gtest/gtest.h>

#include <csignal>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli_test_util.hpp"
#include "cpc/core/time.hpp"
#include "cpc/sim/sim_server.hpp"
#include "support/test_cert.hpp"

using namespace cpc;
using cpc::test::runCpc;
using cpc::test::waitFor;

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

std::size_t count(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
    return n;
}

sim::SimConfig fastConfig() {
    sim::SimConfig config;
    config.klinePushInterval = std::chrono::milliseconds(100);
    return config;
}

class StreamCommand : public ::testing::Test {
protected:
    void SetUp() override {
        m_sim = std::make_unique<sim::SimServer>(fastConfig());
        auto started = m_sim->start();
        ASSERT_TRUE(started) << started.error().message;
    }
    test::CommandRun stream(std::vector<std::string> args) {
        args.insert(args.begin(), "stream");
        args.push_back("--endpoint");
        args.push_back(m_sim->streamBase());
        return runCpc(args);
    }
    std::unique_ptr<sim::SimServer> m_sim;
};

}  // namespace

TEST_F(StreamCommand, PrintsKlineAndTradeEventsAsJsonLinesAndStopsAfterMaxEvents) {
    // 40 events come in about 4 s (a push every 100 ms); --seconds only bounds a stuck run, so it
    // leaves a loaded machine room (the run stops at the 40th event).
    const auto run = stream({"btcusdt", "--streams", "kline_1s,trade", "--max-events", "40", "--seconds", "20"});
    ASSERT_EQ(run.code, 0) << run.err;
    const auto lines = jsonLines(run.out);
    ASSERT_EQ(lines.size(), 40u) << run.out << run.err;
    std::set<std::string> types;
    for (const auto& j : lines) {
        ASSERT_TRUE(j.contains("type")) << j.dump();
        const std::string type = j["type"];
        types.insert(type);
        EXPECT_EQ(j["symbol"], "BTCUSDT") << j.dump();
        if (type == "kline") {
            EXPECT_EQ(j["interval"], "1s");
            EXPECT_TRUE(j["close"].is_string());
            EXPECT_EQ(j["closeTime"].get<std::int64_t>(), j["openTime"].get<std::int64_t>() + 999);
            EXPECT_NE(j["close"].get<std::string>().find('.'), std::string::npos);
        } else {
            EXPECT_EQ(type, "trade");
            EXPECT_TRUE(j["price"].is_string());
            EXPECT_TRUE(j["quantity"].is_string());
            EXPECT_TRUE(j["time"].is_number_integer());
        }
    }
    EXPECT_TRUE(types.count("kline")) << run.out;  // trades are rare in the simulator: see below
    EXPECT_NE(run.err.find("connecting to ws://127.0.0.1"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("live (2 streams)"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("stopped (40 events"), std::string::npos) << run.err;
    EXPECT_TRUE(waitFor([&] { return m_sim->stats().wsOpenConnections == 0; })) << "socket left open";
}

TEST_F(StreamCommand, PrintsTradesAsTheyHappen) {
    // The simulated BTCUSDT trades a few times a minute, deterministically: ask the model when
    // the next trade comes and listen until just after it.
    const std::int64_t now = nowMs();
    const auto upcoming = m_sim->model().trades("BTCUSDT", now - 5'000, now + 120'000);
    const auto next = std::find_if(upcoming.begin(), upcoming.end(),
                                   [&](const auto& t) { return t.timeMs > now + 500; });
    ASSERT_NE(next, upcoming.end());
    const std::int64_t seconds = (next->timeMs - now) / 1000 + 3;
    const auto run = stream({"BTCUSDT", "--streams", "trade", "--max-events", "1", "--seconds",
                             std::to_string(seconds)});
    ASSERT_EQ(run.code, 0) << run.err;
    const auto lines = jsonLines(run.out);
    ASSERT_EQ(lines.size(), 1u) << run.out << run.err;
    EXPECT_EQ(lines[0]["type"], "trade");
    EXPECT_EQ(lines[0]["symbol"], "BTCUSDT");
    // It is exactly one of the model's trades.
    const auto same = std::find_if(upcoming.begin(), upcoming.end(), [&](const auto& t) {
        return t.timeMs == lines[0]["time"].get<std::int64_t>() && lines[0]["price"] == t.price.toString() &&
               lines[0]["quantity"] == t.quantity.toString();
    });
    EXPECT_NE(same, upcoming.end()) << lines[0].dump();
}

TEST_F(StreamCommand, OtherStreamTypes) {
    const auto run = stream({"ETHUSDT", "--streams", "depth,depth5,bookTicker,miniTicker,ticker,aggTrade",
                             "--seconds", "2"});
    ASSERT_EQ(run.code, 0) << run.err;
    std::set<std::string> types;
    for (const auto& j : jsonLines(run.out)) {
        types.insert(j["type"].get<std::string>());
        EXPECT_EQ(j["symbol"], "ETHUSDT") << j.dump();
        if (j["type"] == "depth") {  // depth5: its book is named by its levels
            EXPECT_EQ(j["levels"], 5) << j.dump();
            EXPECT_LE(j["bids"].size(), 5u) << j.dump();
        }
    }
    // The diff depth stream keeps a local book synced (REST snapshot from the same simulator) and
    // prints its top levels; depth5 is the venue's partial book as sent.
    for (const char* t : {"book", "depth", "bookTicker"}) EXPECT_TRUE(types.count(t)) << t << "\n" << run.out;
    EXPECT_NE(run.err.find("stopped (2.0 s elapsed"), std::string::npos) << run.err;
}

TEST_F(StreamCommand, ReconnectsAfterTheConnectionDropsAndEventsContinue) {
    test::CommandRun run;
    std::thread t([&] { run = stream({"BTCUSDT", "--streams", "kline_1s", "--seconds", "3"}); });
    ASSERT_TRUE(waitFor([&] { return m_sim->stats().wsMessagesSent >= 3; }));
    m_sim->dropAllConnections();
    const std::int64_t droppedAt = nowMs();
    t.join();
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_NE(run.err.find("reconnecting in "), std::string::npos) << run.err;
    EXPECT_EQ(count(run.err, "live (1 stream)"), 2u) << run.err;
    EXPECT_EQ(m_sim->stats().wsConnections, 2u);
    std::size_t after = 0;
    for (const auto& j : jsonLines(run.out))
        if (j["eventTime"].get<std::int64_t>() > droppedAt + 100) ++after;
    EXPECT_GT(after, 3u) << run.out;
}

TEST_F(StreamCommand, WatchdogReconnectsASilentConnection) {
    test::CommandRun run;
    std::thread t([&] { run = stream({"BTCUSDT", "--streams", "kline_1s", "--idle-timeout", "1", "--seconds", "4"}); });
    ASSERT_TRUE(waitFor([&] { return m_sim->stats().wsMessagesSent >= 2; }));
    m_sim->inject(sim::SimFault::Stall, std::chrono::milliseconds(2500));
    t.join();
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_NE(run.err.find("watchdog"), std::string::npos) << run.err;
    EXPECT_GE(m_sim->stats().wsConnections, 2u);
}

TEST_F(StreamCommand, StopsCleanlyOnSigint) {
    test::CommandRun run;
    std::thread t([&] { run = stream({"BTCUSDT", "--seconds", "10"}); });
    ASSERT_TRUE(waitFor([&] { return m_sim->stats().wsMessagesSent >= 2; }));
    std::raise(SIGINT);  // the command's signal_set is installed before it connects
    t.join();
    EXPECT_EQ(run.code, 0) << run.err;
    EXPECT_NE(run.err.find("stopped (SIGINT"), std::string::npos) << run.err;
    EXPECT_TRUE(waitFor([&] { return m_sim->stats().wsOpenConnections == 0; })) << "socket left open";
}

TEST_F(StreamCommand, BadStreamTokenListsWhatIsAccepted) {
    for (const std::string bad : {"kline_1H", "kline_2m", "trades", "depth15", ""}) {
        const auto run = stream({"BTCUSDT", "--streams", "trade," + bad});
        EXPECT_EQ(run.code, 2) << bad;
        EXPECT_NE(run.err.find("unknown stream '" + bad + "'"), std::string::npos) << run.err;
        EXPECT_NE(run.err.find("kline_<interval> (interval: 1s 1m 3m"), std::string::npos) << run.err;
        EXPECT_NE(run.err.find("aggTrade, depth, depth@100ms, depth5, depth10, depth20, bookTicker, ticker, miniTicker"),
                  std::string::npos)
            << run.err;
        EXPECT_TRUE(run.out.empty());
    }
    EXPECT_EQ(m_sim->stats().wsConnections, 0u);
}

TEST_F(StreamCommand, UsageErrors) {
    auto run = stream({"BTCUSDT", "--bogus"});
    EXPECT_EQ(run.code, 2);
    EXPECT_NE(run.err.find("unknown option '--bogus'"), std::string::npos) << run.err;
    run = runCpc({"stream"});
    EXPECT_EQ(run.code, 2);
    run = stream({"BTCUSDT", "--max-events", "0"});
    EXPECT_EQ(run.code, 2);
    run = runCpc({"stream", "BTCUSDT", "--endpoint", "ws://example.com"});
    EXPECT_EQ(run.code, 2);
    EXPECT_NE(run.err.find("--endpoint"), std::string::npos) << run.err;
}

TEST(StreamCommandTls, TrustsTheGivenCaFile) {
    test::TestCertificate cert;
    auto config = fastConfig();
    config.tls = true;
    config.certFile = cert.certFile;
    config.keyFile = cert.keyFile;
    sim::SimServer sim(config);
    ASSERT_TRUE(sim.start());
    const auto run = runCpc({"stream", "BTCUSDT", "--streams", "kline_1s", "--endpoint", sim.streamBase(),
                             "--ca-file", cert.certFile, "--max-events", "3", "--seconds", "4"});
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_EQ(jsonLines(run.out).size(), 3u) << run.out;
    EXPECT_NE(run.err.find("connecting to wss://127.0.0.1"), std::string::npos) << run.err;
}

// A certificate the client does not trust (here: no --ca-file for the simulator's throw-away one,
// and an expired one) is a failure with the reason, at once: not a reconnect loop until --seconds.
TEST(StreamCommandTls, ACertificateFailureSaysWhyAndIsNotRetried) {
    for (const auto validity : {test::TestCertificate::Validity::Current, test::TestCertificate::Validity::Expired}) {
        test::TestCertificate cert(validity);
        auto config = fastConfig();
        config.tls = true;
        config.certFile = cert.certFile;
        config.keyFile = cert.keyFile;
        sim::SimServer sim(config);
        ASSERT_TRUE(sim.start());
        const bool expired = validity == test::TestCertificate::Validity::Expired;
        std::vector<std::string> args{"stream", "BTCUSDT", "--streams", "kline_1s", "--endpoint", sim.streamBase(),
                                      "--seconds", "30"};
        if (expired) args.insert(args.end(), {"--ca-file", cert.certFile});
        const auto started = std::chrono::steady_clock::now();
        const auto run = runCpc(args);
        const auto took = std::chrono::steady_clock::now() - started;
        EXPECT_EQ(run.code, 1) << run.err;
        EXPECT_LT(took, std::chrono::seconds(20)) << "retried until --seconds: " << run.err;
        EXPECT_NE(run.err.find(expired ? "the certificate has expired" : "the certificate's issuer is not trusted"),
                  std::string::npos)
            << run.err;
        EXPECT_EQ(run.err.find("reconnecting"), std::string::npos) << run.err;
        EXPECT_EQ(sim.stats().wsConnections, 0u);
    }
}
