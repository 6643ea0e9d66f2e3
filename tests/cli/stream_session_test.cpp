// `cpc stream` on the session layer, against the simulator on 127.0.0.1: the run is one user of
// the process's MarketSession (its streams share the session's connection with other users and
// it leaves only its own), and its klines, which go through a SeriesHub, are the venue's.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli_test_util.hpp"
#include "cpc/core/time.hpp"
#include "cpc/exchange/registry.hpp"
#include "cpc/session/stream_session.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/session/market_session.hpp"
#include "cpc/sim/sim_server.hpp"
#include "cpc/storage/storage_worker.hpp"
#include "stream_run.hpp"

using namespace cpc;
using cpc::test::waitFor;

namespace {

// Another user of the session (a chart, in the app): counts what it hears.
struct OtherUser final : feed::FeedSink {
    std::atomic<int> klines{0};
    void post(feed::FeedEvent event) override {
        if (std::holds_alternative<exchange::KlineUpdate>(event)) ++klines;
    }
};

exchange::StreamSpec spec(exchange::StreamKind kind, Interval interval = Interval::M1) {
    exchange::StreamSpec s;
    s.symbol = "BTCUSDT";
    s.kind = kind;
    s.interval = interval;
    return s;
}

std::vector<nlohmann::json> lines(const std::string& text) {
    std::vector<nlohmann::json> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
    return out;
}

class StreamOnSession : public ::testing::Test {
protected:
    void SetUp() override {
        sim::SimConfig config;
        config.klinePushInterval = std::chrono::milliseconds(100);
        // The exchange's clock runs 20 times as fast, from 55 s into a minute: the 1s and 1m
        // streams cross minutes within a test.
        const std::int64_t start = bucketStart(Interval::M1, nowMs()) + 55'000;
        const auto wallStart = std::chrono::steady_clock::now();
        config.liveTradesPerSecond = 20;  // every second has trades: a candle derived from some seconds differs
        config.clock = [start, wallStart] {
            const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - wallStart);
            return start + 20 * elapsed.count();
        };
        m_sim = std::make_unique<sim::SimServer>(config);
        ASSERT_TRUE(m_sim->start());
        auto adapter = exchange::makeAdapter("binance", exchange::Endpoints{m_sim->restBase(), m_sim->streamBase()});
        ASSERT_TRUE(adapter);
        m_adapter = std::shared_ptr<const exchange::ExchangeAdapter>(std::move(*adapter));
    }
    // The composition root of the test: one network thread, one session, one storage worker.
    net::IoThread m_io;
    std::unique_ptr<sim::SimServer> m_sim;
    std::shared_ptr<const exchange::ExchangeAdapter> m_adapter;
    storage::StorageWorker m_storage{":memory:"};
};

}  // namespace

TEST_F(StreamOnSession, ItsStreamsShareTheSessionsConnectionAndItLeavesOnlyItsOwn) {
    session::MarketSession market(m_io);
    const auto streams = market.streams(m_adapter);
    const auto other = std::make_shared<OtherUser>();
    streams->subscribe({spec(exchange::StreamKind::Kline, Interval::S1)}, other);
    ASSERT_TRUE(waitFor([&] { return other->klines > 0; }, std::chrono::seconds(5)));
    ASSERT_EQ(m_sim->stats().wsConnections, 1u);

    // The command's run: the same kline stream (a second user of it) and a trade stream of its own.
    cli::StreamOptions options;
    options.specs = {spec(exchange::StreamKind::Kline, Interval::S1), spec(exchange::StreamKind::Trade)};
    options.endpoint = m_sim->streamBase();
    options.maxEvents = 15;
    options.duration = std::chrono::seconds(10);
    std::size_t usersDuringRun = 0;
    std::ostringstream out;
    std::ostringstream err;
    std::atomic<bool> ended{false};
    std::thread run([&] {
        EXPECT_EQ(cli::streamThrough(market, m_adapter, m_storage, options, out, err), 0) << err.str();
        ended = true;
    });
    ASSERT_TRUE(waitFor([&] {
        if (streams->usersOf("btcusdt@kline_1s") == 2) usersDuringRun = 2;
        return usersDuringRun == 2 || ended;
    }, std::chrono::seconds(5)));
    run.join();
    EXPECT_EQ(usersDuringRun, 2u) << "the run shares the other user's subscription";
    EXPECT_EQ(lines(out.str()).size(), 15u) << err.str();
    EXPECT_NE(err.str().find("live (2 streams)"), std::string::npos) << err.str();
    EXPECT_NE(err.str().find("stopped (15 events"), std::string::npos) << err.str();
    // One connection for both users: the run's trade stream was subscribed on the open one.
    EXPECT_EQ(m_sim->stats().wsConnections, 1u);

    // The run left its streams only: the other user's subscription and connection go on.
    EXPECT_EQ(streams->usersOf("btcusdt@kline_1s"), 1u);
    EXPECT_EQ(streams->usersOf("btcusdt@trade"), 0u);
    const int before = other->klines;
    EXPECT_TRUE(waitFor([&] { return other->klines > before + 2; }, std::chrono::seconds(5))) << "the other user still hears its stream";
    EXPECT_EQ(m_sim->stats().wsOpenConnections, 1u);
    streams->unsubscribe({spec(exchange::StreamKind::Kline, Interval::S1)}, other);
    market.stop();
}

TEST_F(StreamOnSession, EveryKlinePrintedIsTheVenuesCandleNotOneTheHubDerived) {
    // With 1s and 1m both streamed, the run's series hub also derives the 1m candle from the 1s
    // ones; only what the venue sent may be printed.
    session::MarketSession market(m_io);
    cli::StreamOptions options;
    options.specs = {spec(exchange::StreamKind::Kline, Interval::S1), spec(exchange::StreamKind::Kline, Interval::M1)};
    options.endpoint = m_sim->streamBase();
    // 240 events span about 96 s of the exchange's clock, so the run crosses a minute wherever it
    // starts (150 spanned 60 s: a connection made just after a minute's start, at four tests at
    // once, saw that minute only).
    options.maxEvents = 240;
    options.duration = std::chrono::seconds(20);
    std::ostringstream out;
    std::ostringstream err;
    ASSERT_EQ(cli::streamThrough(market, m_adapter, m_storage, options, out, err), 0) << err.str();
    market.stop();
    const auto printed = lines(out.str());
    ASSERT_EQ(printed.size(), 240u) << err.str();
    std::set<std::int64_t> minutes;
    for (const auto& j : printed) {
        const auto interval = parseInterval(j["interval"].get<std::string>());
        ASSERT_TRUE(interval) << j.dump();
        if (*interval == Interval::M1) minutes.insert(j["openTime"].get<std::int64_t>());
        const std::int64_t open = j["openTime"];
        // The simulator sends the candle as its model has it at the event time.
        const auto venue = m_sim->model().klines("BTCUSDT", *interval, open, open, 1, j["eventTime"].get<std::int64_t>());
        ASSERT_EQ(venue.size(), 1u) << j.dump();
        EXPECT_EQ(j["open"], venue[0].open.toString()) << j.dump();
        EXPECT_EQ(j["close"], venue[0].close.toString()) << j.dump();
        EXPECT_EQ(j["volume"], venue[0].volume.toString()) << j.dump();
        EXPECT_EQ(j["trades"], venue[0].trades) << j.dump();
        EXPECT_EQ(j["closed"], venue[0].closed) << j.dump();
    }
    EXPECT_GE(minutes.size(), 2u) << "the run crossed a minute, where the hub derives: " << out.str();
}
