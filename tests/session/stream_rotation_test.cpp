// StreamSession make-before-break rotation against the simulator (serverShutdown and the venue's
// connection lifetime cut), with the simulator's live trade load so that trades flow throughout:
// no trade, aggregate trade or diff depth event is lost or delivered twice across the switch.
// Also: a stream set the venue refuses at the handshake is reported and not retried.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <thread>

#include "cpc/core/time.hpp"
#include "cpc/exchange/binance/binance_adapter.hpp"
#include "cpc/feed/mailbox.hpp"
#include "cpc/session/stream_session.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/sim/market_model.hpp"
#include "cpc/sim/sim_server.hpp"

using namespace cpc;
using namespace std::chrono_literals;
using exchange::StreamKind;
using exchange::StreamSpec;

namespace {

struct Sink final : feed::FeedSink {
    void post(feed::FeedEvent e) override { box.post(std::move(e)); }
    feed::Mailbox<feed::FeedEvent> box;
};

struct Collected {
    std::vector<exchange::TradeTick> trades;
    std::vector<exchange::TradeTick> aggTrades;
    std::vector<exchange::KlineUpdate> klines;
    std::vector<feed::OrderBookView> books;
    std::vector<feed::FeedError> errors;
    std::vector<feed::FeedStatus> statuses;

    void take(Sink& sink) {
        for (auto& e : sink.box.takeAll()) {
            if (auto* t = std::get_if<exchange::TradeTick>(&e)) (t->aggregate ? aggTrades : trades).push_back(*t);
            if (auto* k = std::get_if<exchange::KlineUpdate>(&e)) klines.push_back(*k);
            if (auto* v = std::get_if<feed::OrderBookView>(&e)) books.push_back(*v);
            if (auto* err = std::get_if<feed::FeedError>(&e)) errors.push_back(*err);
            if (auto* s = std::get_if<feed::FeedStatus>(&e)) statuses.push_back(*s);
        }
    }
    template <class Pred>
    bool until(Sink& sink, Pred pred, std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        do {
            take(sink);
            if (pred()) return true;
            std::this_thread::sleep_for(10ms);
        } while (std::chrono::steady_clock::now() < deadline);
        take(sink);
        return pred();
    }
};

StreamSpec spec(const char* symbol, StreamKind kind, Interval interval = Interval::M1) {
    StreamSpec s;
    s.symbol = symbol;
    s.kind = kind;
    s.interval = interval;
    return s;
}

class StreamRotationTest : public ::testing::Test {
protected:
    void SetUp() override {
        sim::SimConfig c;
        c.klinePushInterval = 200ms;
        c.liveTradesPerSecond = 500;  // trades flow all the time, also during the overlap
        configure(c);
        server = std::make_unique<sim::SimServer>(c);
        ASSERT_TRUE(server->start());
        adapter = std::make_shared<exchange::BinanceAdapter>(
            exchange::Endpoints{server->restBase(), server->streamBase()});
        session::StreamSessionConfig config;
        config.backoffBase = 100ms;
        config.backoffMax = 500ms;
        config.watchdog = 3s;
        config.bookLevels = 10;
        config.connectionBudget = std::make_shared<net::ConnectionBudget>(300, 300s);
        sessionConfig(config);
        session = std::make_unique<session::StreamSession>(io, adapter, config, sink);
    }
    virtual void configure(sim::SimConfig&) const {}
    virtual void sessionConfig(session::StreamSessionConfig&) const {}
    void TearDown() override {
        if (session) session->stop();
    }

    std::vector<StreamSpec> streams() const {
        return {spec("BTCUSDT", StreamKind::Trade), spec("BTCUSDT", StreamKind::AggTrade),
                spec("BTCUSDT", StreamKind::Depth), spec("BTCUSDT", StreamKind::Kline, Interval::M1)};
    }

    // Every trade once, in order, none missing; aggregate trades cover consecutive trade ranges;
    // kline updates never go back (a closed candle once, provisional ones in event-time order).
    void expectContiguous() const {
        // The simulator numbers a live minute's trades from that minute's own base (bases
        // sim::MarketModel::kLiveIdStride apart, so a minute of live load fits): within a minute the
        // ids are consecutive; the first trade of the next minute jumps to the next base.
        const auto follows = [](std::int64_t prevId, std::int64_t prevMs, std::int64_t id, std::int64_t ms) {
            if (ms / 60'000 == prevMs / 60'000) return id == prevId + 1;
            return id > prevId && id <= prevId + sim::MarketModel::kLiveIdStride;
        };
        ASSERT_GE(got.trades.size(), 2u);
        for (std::size_t i = 1; i < got.trades.size(); ++i)
            ASSERT_TRUE(follows(got.trades[i - 1].tradeId, got.trades[i - 1].timeMs, got.trades[i].tradeId,
                                got.trades[i].timeMs))
                << "trade " << i << ": " << got.trades[i - 1].tradeId << " then " << got.trades[i].tradeId;
        ASSERT_GE(got.aggTrades.size(), 2u);
        for (std::size_t i = 1; i < got.aggTrades.size(); ++i)
            ASSERT_TRUE(follows(got.aggTrades[i - 1].lastTradeId, got.aggTrades[i - 1].timeMs,
                                got.aggTrades[i].firstTradeId, got.aggTrades[i].timeMs))
                << "aggTrade " << i;
        std::map<std::int64_t, int> finals;
        for (std::size_t i = 0; i < got.klines.size(); ++i) {
            const auto& k = got.klines[i];
            if (k.candle.closed) ++finals[k.candle.openTime];
            if (i == 0) continue;
            const auto& p = got.klines[i - 1];
            ASSERT_GE(k.candle.openTime, p.candle.openTime) << "kline " << i;
            if (k.candle.openTime == p.candle.openTime) {
                ASSERT_FALSE(p.candle.closed) << "an update after the final one, kline " << i;
                if (!k.candle.closed) {
                    ASSERT_GT(k.eventTimeMs, p.eventTimeMs) << "kline " << i;
                }
            }
        }
        for (const auto& [open, n] : finals) EXPECT_EQ(n, 1) << open;
    }

    // The newest posted view equals the simulator's book at its update id.
    void expectBookMatchesTruth() const {
        ASSERT_FALSE(got.books.empty());
        const auto& view = got.books.back();
        const auto truth = server->book().book(view.symbol, sim::OrderBookModel::tickOfUpdateId(view.lastUpdateId));
        ASSERT_EQ(truth.lastUpdateId, view.lastUpdateId);
        const auto n = std::min<std::size_t>(10, truth.bids.size());
        const auto m = std::min<std::size_t>(10, truth.asks.size());
        ASSERT_EQ(view.bids.size(), n);
        ASSERT_EQ(view.asks.size(), m);
        EXPECT_TRUE(std::equal(view.bids.begin(), view.bids.end(), truth.bids.begin()));
        EXPECT_TRUE(std::equal(view.asks.begin(), view.asks.end(), truth.asks.begin()));
    }

    net::IoThread io;
    std::unique_ptr<sim::SimServer> server;
    std::shared_ptr<exchange::BinanceAdapter> adapter;
    Sink sink;
    Collected got;
    std::unique_ptr<session::StreamSession> session;
};

// The venue cuts a connection after 3 s; the session rotates after 1 s, well before.
class StreamLifetimeRotationTest : public StreamRotationTest {
protected:
    void configure(sim::SimConfig& c) const override { c.maxConnectionLifetime = 3s; }
    void sessionConfig(session::StreamSessionConfig& c) const override { c.rotateAfter = 1s; }
};

}  // namespace

TEST_F(StreamRotationTest, ServerShutdownRotatesMakeBeforeBreakWithoutLossOrDuplicate) {
    session->start(streams());
    // Wait for events of the first connection (a fault right after the handshake could miss it).
    ASSERT_TRUE(got.until(sink, [&] { return got.trades.size() >= 20 && !got.books.empty(); }, 5s));
    server->inject(sim::SimFault::ServerShutdown);
    ASSERT_TRUE(got.until(sink, [&] { return session->stats().rotations >= 1; }, 15s))
        << "reconnects " << session->stats().reconnects << ": " << session->stats().lastError;
    const std::size_t atSwitch = got.trades.size();
    ASSERT_TRUE(got.until(sink, [&] { return got.trades.size() >= atSwitch + 200 && got.klines.size() >= 3; }, 15s));
    session->stop();
    got.take(sink);

    expectContiguous();
    expectBookMatchesTruth();
    const auto st = session->stats();
    EXPECT_EQ(st.rotations, 1u);
    EXPECT_EQ(st.reconnects, 0u) << st.lastError;
    EXPECT_EQ(st.bookResyncs, 0u) << "a diff was missed across the switch";
    EXPECT_EQ(st.bookSnapshots, 1u);
    EXPECT_GT(st.duplicatesDropped, 0u) << "the connections did not overlap";
    EXPECT_EQ(server->stats().wsConnections, 2u);
    EXPECT_EQ(server->stats().messageRateViolations, 0u);
    EXPECT_TRUE(got.errors.empty());
}

TEST_F(StreamLifetimeRotationTest, RotatesBeforeTheVenuesLifetimeCutWithoutLossOrDuplicate) {
    session->start(streams());
    ASSERT_TRUE(got.until(sink, [&] { return !got.trades.empty() && !got.books.empty(); }, 5s));
    ASSERT_TRUE(got.until(sink, [&] { return session->stats().rotations >= 2; }, 20s))
        << "rotations " << session->stats().rotations << ", reconnects " << session->stats().reconnects << ": "
        << session->stats().lastError;
    const std::size_t atSwitch = got.trades.size();
    ASSERT_TRUE(got.until(sink, [&] { return got.trades.size() >= atSwitch + 100; }, 15s));
    session->stop();
    got.take(sink);

    expectContiguous();
    expectBookMatchesTruth();
    const auto st = session->stats();
    EXPECT_EQ(st.reconnects, 0u) << st.lastError;
    EXPECT_EQ(st.bookResyncs, 0u);
    EXPECT_EQ(server->stats().lifetimeCuts, 0u) << "the venue cut a connection before the rotation";
    EXPECT_EQ(server->stats().wsConnections, st.rotations + 1);
}

TEST_F(StreamRotationTest, AStreamSetRefusedAtTheHandshakeIsReportedAndNotRetried) {
    session->start({spec("NOSUCHCOIN", StreamKind::Trade)});
    ASSERT_TRUE(got.until(sink, [&] { return !got.errors.empty(); }, 5s));
    ASSERT_TRUE(got.until(sink, [&] {
        return std::any_of(got.statuses.begin(), got.statuses.end(),
                           [](const feed::FeedStatus& s) { return s.state == feed::FeedState::Failed; });
    }, 5s));
    const auto& error = got.errors.front().error;
    EXPECT_EQ(error.code, 400);
    EXPECT_NE(error.message.find("nosuchcoin@trade"), std::string::npos) << error.message;
    EXPECT_NE(error.message.find("Accepted"), std::string::npos) << error.message;
    EXPECT_NE(error.message.find("@aggTrade"), std::string::npos) << error.message;
    // Ten back-off periods later: still one attempt.
    std::this_thread::sleep_for(1s);
    got.take(sink);
    const auto st = session->stats();
    EXPECT_TRUE(st.refused);
    EXPECT_EQ(st.reconnects, 0u);
    EXPECT_EQ(got.errors.size(), 1u);
    EXPECT_NE(st.lastError.find("nosuchcoin@trade"), std::string::npos) << st.lastError;
    EXPECT_FALSE(std::any_of(got.statuses.begin(), got.statuses.end(),
                             [](const feed::FeedStatus& s) { return s.state == feed::FeedState::Reconnecting; }));
    EXPECT_EQ(server->stats().wsConnections, 0u);
}
