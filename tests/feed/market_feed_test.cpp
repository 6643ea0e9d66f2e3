// MarketFeed against the simulator: the venue's rate-limit answers are obeyed (never an IP ban),
// server errors are retried with back-off, and the symbol list arrives.
#include <gtest/gtest.h>

#include <thread>

#include "cpc/core/time.hpp"
#include "cpc/exchange/binance/binance_adapter.hpp"
#include "cpc/feed/mailbox.hpp"
#include "cpc/feed/market_feed.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/sim/sim_server.hpp"

using namespace cpc;
using namespace std::chrono_literals;

namespace {

struct Sink final : feed::FeedSink {
    void post(feed::FeedEvent e) override { box.post(std::move(e)); }
    feed::Mailbox<feed::FeedEvent> box;
};

struct Collected {
    std::vector<feed::FeedStatus> statuses;
    std::vector<feed::SymbolList> symbolLists;
    std::vector<feed::FeedError> errors;
    std::size_t historyCandles = 0;

    template <class Pred>
    bool until(Sink& sink, Pred pred, std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        do {
            for (auto& e : sink.box.takeAll()) {
                if (auto* s = std::get_if<feed::FeedStatus>(&e)) statuses.push_back(*s);
                if (auto* l = std::get_if<feed::SymbolList>(&e)) symbolLists.push_back(*l);
                if (auto* err = std::get_if<feed::FeedError>(&e)) errors.push_back(*err);
                if (auto* h = std::get_if<feed::HistoryBatch>(&e)) historyCandles += h->candles.size();
            }
            if (pred()) return true;
            std::this_thread::sleep_for(20ms);
        } while (std::chrono::steady_clock::now() < deadline);
        return pred();
    }
    bool saw(feed::FeedState state) const {
        return std::any_of(statuses.begin(), statuses.end(), [&](const auto& s) { return s.state == state; });
    }
};

// The simulator's clock, set so that its current minute ends about 1.5 s after the test starts:
// a 429's Retry-After (seconds to the next minute) is then short.
std::function<std::int64_t()> clockNearMinuteEnd() {
    const std::int64_t now = nowMs();
    const std::int64_t offset = (60'000 - now % 60'000) - 1'500;
    return [offset] { return nowMs() + offset; };
}

std::shared_ptr<exchange::BinanceAdapter> adapterFor(const sim::SimServer& s) {
    return std::make_shared<exchange::BinanceAdapter>(exchange::Endpoints{s.restBase(), s.streamBase()});
}

}  // namespace

TEST(MarketFeed, WaitsOutA429RetryAfterAndNeverEarnsABan) {
    sim::SimConfig config;
    config.klinePushInterval = 100ms;
    config.clock = clockNearMinuteEnd();
    sim::SimServer server(config);
    ASSERT_TRUE(server.start());
    server.inject(sim::SimFault::RestTooMany, 0ms, 1);

    net::IoThread io;
    Sink sink;
    Collected got;
    feed::MarketFeed feed(io, adapterFor(server), feed::FeedConfig{}, sink);
    feed.open({"binance", "BTCUSDT", Interval::M1});
    ASSERT_TRUE(got.until(sink, [&] { return got.saw(feed::FeedState::Live); }, 15s));
    feed.stop();
    EXPECT_EQ(server.stats().rest429, 1u);
    EXPECT_EQ(server.stats().rest418, 0u) << "the feed ignored Retry-After";
    EXPECT_EQ(server.stats().weightViolations, 0u);
    EXPECT_EQ(got.historyCandles, 1000u);
}

TEST(MarketFeed, RetriesServerErrorsWithBackoffThenGoesLive) {
    sim::SimConfig config;
    config.klinePushInterval = 100ms;
    sim::SimServer server(config);
    ASSERT_TRUE(server.start());
    server.inject(sim::SimFault::RestServerError, 0ms, 2);

    net::IoThread io;
    Sink sink;
    Collected got;
    feed::FeedConfig feedConfig;
    feedConfig.backoffBase = 100ms;
    feedConfig.backoffMax = 200ms;
    feed::MarketFeed feed(io, adapterFor(server), feedConfig, sink);
    feed.open({"binance", "ETHUSDT", Interval::M5});
    ASSERT_TRUE(got.until(sink, [&] { return got.saw(feed::FeedState::Live); }, 15s));
    feed.stop();
    EXPECT_TRUE(got.saw(feed::FeedState::Reconnecting));
    const auto reconnecting = std::find_if(got.statuses.begin(), got.statuses.end(),
                                           [](const auto& s) { return s.state == feed::FeedState::Reconnecting; });
    EXPECT_NE(reconnecting->detail.find("503"), std::string::npos) << reconnecting->detail;
    EXPECT_GT(reconnecting->retryInMs, 0);
    EXPECT_TRUE(got.errors.empty());
    EXPECT_GE(feed.stats().reconnects, 1u);
}

TEST(MarketFeed, DeliversTheVenuesSymbolList) {
    sim::SimServer server(sim::SimConfig{});
    ASSERT_TRUE(server.start());
    net::IoThread io;
    Sink sink;
    Collected got;
    feed::MarketFeed feed(io, adapterFor(server), feed::FeedConfig{}, sink);
    feed.requestSymbols();
    ASSERT_TRUE(got.until(sink, [&] { return !got.symbolLists.empty(); }, 10s));
    feed.stop();
    const auto& symbols = got.symbolLists.front().symbols;
    EXPECT_EQ(got.symbolLists.front().exchange, "binance");
    EXPECT_TRUE(std::any_of(symbols.begin(), symbols.end(), [](const auto& s) { return s.symbol == "BTCUSDT"; }));
}

TEST(MarketFeed, ABrokenCaFileIsReportedNotRetried) {
    sim::SimServer server(sim::SimConfig{});
    ASSERT_TRUE(server.start());
    net::IoThread io;
    Sink sink;
    Collected got;
    feed::FeedConfig config;
    config.tls.extraCaFile = "/nonexistent/ca.pem";
    feed::MarketFeed feed(io, adapterFor(server), config, sink);
    feed.open({"binance", "BTCUSDT", Interval::M1});
    ASSERT_TRUE(got.until(sink, [&] { return !got.errors.empty(); }, 10s));
    feed.stop();
    EXPECT_NE(got.errors.front().error.message.find("TLS setup failed"), std::string::npos)
        << got.errors.front().error.message;
    EXPECT_TRUE(got.saw(feed::FeedState::Failed));
}

TEST(MarketFeed, ASilentStreamIsDetectedByTheWatchdogAndReplaced) {
    sim::SimConfig config;
    config.klinePushInterval = 100ms;
    sim::SimServer server(config);
    ASSERT_TRUE(server.start());
    net::IoThread io;
    Sink sink;
    Collected got;
    feed::FeedConfig feedConfig;
    feedConfig.watchdogOverride = 600ms;
    feedConfig.backoffBase = 100ms;
    feedConfig.backoffMax = 200ms;
    feed::MarketFeed feed(io, adapterFor(server), feedConfig, sink);
    feed.open({"binance", "BTCUSDT", Interval::S1});
    ASSERT_TRUE(got.until(sink, [&] { return got.saw(feed::FeedState::Live); }, 10s));
    // The stall reaches only sessions the server has registered.
    ASSERT_TRUE(got.until(sink, [&] { return server.stats().wsOpenConnections >= 1; }, 10s));
    server.inject(sim::SimFault::Stall, 3000ms);  // socket stays open, nothing arrives
    ASSERT_TRUE(got.until(sink, [&] { return got.saw(feed::FeedState::Stale); }, 10s));
    got.statuses.clear();
    ASSERT_TRUE(got.until(sink, [&] { return got.saw(feed::FeedState::Live); }, 10s));
    feed.stop();
    EXPECT_GE(feed.stats().reconnects, 1u);
}
