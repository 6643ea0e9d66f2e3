// StreamSession against the simulator: trades in order, live SUBSCRIBE / UNSUBSCRIBE on one
// connection with paced control messages, a synced order book equal to the simulator's, and
// recovery after the connection drops.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "cpc/core/time.hpp"
#include "cpc/exchange/binance/binance_adapter.hpp"
#include "cpc/feed/mailbox.hpp"
#include "cpc/session/stream_session.hpp"
#include "cpc/net/io_thread.hpp"
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
    std::vector<exchange::TradeTick> trades;     // plain trades
    std::vector<exchange::TradeTick> aggTrades;
    std::vector<exchange::BookTicker> bookTickers;
    std::vector<feed::OrderBookView> books;
    std::vector<feed::FeedError> errors;
    std::vector<feed::FeedStatus> statuses;

    void take(Sink& sink) {
        for (auto& e : sink.box.takeAll()) {
            if (auto* t = std::get_if<exchange::TradeTick>(&e)) (t->aggregate ? aggTrades : trades).push_back(*t);
            if (auto* b = std::get_if<exchange::BookTicker>(&e)) bookTickers.push_back(*b);
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
    void clear() { *this = Collected{}; }
};

class StreamSessionTest : public ::testing::Test {
protected:
    void SetUp() override {
        sim::SimConfig c;
        c.klinePushInterval = 100ms;
        // The exchange clock runs 30x fast so that trades come often (a quiet market otherwise).
        const std::int64_t origin = nowMs();
        c.clock = [origin, k = speed()] { return origin + (nowMs() - origin) * k; };
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
        session = std::make_unique<session::StreamSession>(io, adapter, config, sink);
    }
    virtual std::int64_t speed() const { return 30; }
    virtual void configure(sim::SimConfig&) const {}
    void TearDown() override {
        if (session) session->stop();
    }

    net::IoThread io;
    std::unique_ptr<sim::SimServer> server;
    std::shared_ptr<exchange::BinanceAdapter> adapter;
    Sink sink;
    Collected got;
    std::unique_ptr<session::StreamSession> session;
};

StreamSpec spec(const char* symbol, StreamKind kind) {
    StreamSpec s;
    s.symbol = symbol;
    s.kind = kind;
    return s;
}

// The posted view equals the simulator's book at the view's update id (top levels).
void expectMatchesTruth(const sim::SimServer& server, const feed::OrderBookView& view, std::size_t levels) {
    const auto truth = server.book().book(view.symbol, sim::OrderBookModel::tickOfUpdateId(view.lastUpdateId));
    ASSERT_EQ(truth.lastUpdateId, view.lastUpdateId);
    const auto n = std::min(levels, truth.bids.size());
    const auto m = std::min(levels, truth.asks.size());
    ASSERT_EQ(view.bids.size(), n);
    ASSERT_EQ(view.asks.size(), m);
    EXPECT_TRUE(std::equal(view.bids.begin(), view.bids.end(), truth.bids.begin()));
    EXPECT_TRUE(std::equal(view.asks.begin(), view.asks.end(), truth.asks.begin()));
}

// A venue that carries at most two streams per connection.
class StreamSessionSmallVenueTest : public StreamSessionTest {
protected:
    void configure(sim::SimConfig& c) const override { c.maxStreamsPerConnection = 2; }
};

// The order book test runs the exchange clock at real speed: one diff per 100 ms tick.
class StreamSessionBookTest : public StreamSessionTest {
protected:
    std::int64_t speed() const override { return 1; }
};

}  // namespace

TEST_F(StreamSessionTest, TradesArriveInOrder) {
    session->start({spec("BTCUSDT", StreamKind::Trade)});
    ASSERT_TRUE(got.until(sink, [&] { return got.trades.size() >= 10; }, 4s)) << got.trades.size();
    for (std::size_t i = 1; i < got.trades.size(); ++i)
        ASSERT_GT(got.trades[i].tradeId, got.trades[i - 1].tradeId) << i;
    EXPECT_EQ(got.trades.front().symbol, "BTCUSDT");
    const auto st = session->stats();
    ASSERT_TRUE(st.perStream.contains("btcusdt@trade"));
    EXPECT_GE(st.perStream.at("btcusdt@trade").messages, got.trades.size());
    EXPECT_GT(st.perStream.at("btcusdt@trade").bytes, st.perStream.at("btcusdt@trade").messages * 20);
    EXPECT_EQ(st.framesRejected, 0u);
    EXPECT_EQ(st.reconnects, 0u);
    EXPECT_TRUE(st.connected);
    EXPECT_TRUE(got.until(sink, [&] { return session->stats().clockSynced; }, 2s));
}

TEST_F(StreamSessionTest, SubscribeAndUnsubscribeLiveWithoutReconnecting) {
    session->start({spec("BTCUSDT", StreamKind::Trade)});
    ASSERT_TRUE(got.until(sink, [&] { return !got.trades.empty(); }, 3s));
    EXPECT_TRUE(got.aggTrades.empty());
    EXPECT_TRUE(got.bookTickers.empty());

    // Several changes at once: they leave as separate control messages, paced.
    session->subscribe({spec("BTCUSDT", StreamKind::AggTrade)});
    session->subscribe({spec("ETHUSDT", StreamKind::BookTicker)});
    session->subscribe({spec("ETHUSDT", StreamKind::Ticker)});
    session->subscribe({spec("ADAUSDT", StreamKind::MiniTicker)});
    session->subscribe({spec("BTCUSDT", StreamKind::AggTrade)});  // already subscribed: no message
    session->unsubscribe({spec("BTCUSDT", StreamKind::Trade)});
    // 5 changes + the LIST_SUBSCRIPTIONS sent after the connect.
    ASSERT_TRUE(got.until(sink, [&] { return server->stats().controlMessages >= 6; }, 3s));
    ASSERT_TRUE(got.until(sink, [&] { return !got.aggTrades.empty() && !got.bookTickers.empty(); }, 3s));
    std::this_thread::sleep_for(300ms);  // the UNSUBSCRIBE reply is in
    got.clear();
    ASSERT_TRUE(got.until(sink, [&] { return got.aggTrades.size() >= 5; }, 3s));
    EXPECT_TRUE(got.trades.empty()) << "unsubscribed trades still arrive";

    const auto st = server->stats();
    EXPECT_EQ(st.wsConnections, 1u);
    EXPECT_EQ(st.controlMessages, 6u);
    EXPECT_EQ(st.messageRateViolations, 0u);
    const auto mine = session->stats();
    EXPECT_EQ(mine.reconnects, 0u);
    EXPECT_EQ(mine.controlMessagesSent, 6u);
    EXPECT_EQ(mine.controlErrors, 0u);
    EXPECT_EQ(mine.subscriptionsRepaired, 0u) << mine.lastError;
    EXPECT_TRUE(mine.perStream.contains("ethusdt@bookTicker"));
    EXPECT_TRUE(got.errors.empty());
}

TEST_F(StreamSessionTest, ControlMessagesArePacedUnderTheVenueLimit) {
    session->start({});
    ASSERT_TRUE(got.until(sink, [&] { return session->stats().connected; }, 3s));
    const auto t0 = std::chrono::steady_clock::now();
    for (const char* s : {"BTCUSDT", "ETHUSDT", "ADAUSDT"}) {
        session->subscribe({spec(s, StreamKind::Trade)});
        session->subscribe({spec(s, StreamKind::BookTicker)});
        session->subscribe({spec(s, StreamKind::Ticker)});
    }
    // 9 SUBSCRIBEs + the LIST_SUBSCRIPTIONS after the connect.
    ASSERT_TRUE(got.until(sink, [&] { return server->stats().controlMessages >= 10; }, 5s));
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 8 * 250ms);
    EXPECT_EQ(server->stats().messageRateViolations, 0u);
    EXPECT_EQ(server->stats().wsConnections, 1u);
}

TEST_F(StreamSessionBookTest, OrderBookEqualsTheSimulatorsBook) {
    session->start({spec("ETHUSDT", StreamKind::Depth)});
    ASSERT_TRUE(got.until(sink, [&] { return got.books.size() >= 10; }, 5s)) << got.books.size();
    for (std::size_t i = 1; i < got.books.size(); ++i)
        EXPECT_GT(got.books[i].lastUpdateId, got.books[i - 1].lastUpdateId);
    for (const auto& v : got.books) {
        EXPECT_EQ(v.symbol, "ETHUSDT");
        expectMatchesTruth(*server, v, 10);
    }
    const auto st = session->stats();
    EXPECT_GE(st.bookSnapshots, 1u);
    EXPECT_EQ(st.bookResyncs, 0u);
    EXPECT_EQ(server->stats().weightViolations, 0u);
}

TEST_F(StreamSessionTest, ReconnectsResubscribesAndContinues) {
    session->start({spec("BTCUSDT", StreamKind::Trade)});
    session->subscribe({spec("ETHUSDT", StreamKind::Depth)});  // may go in the URL or live
    ASSERT_TRUE(got.until(sink, [&] { return got.trades.size() >= 5 && !got.books.empty(); }, 4s));
    session->subscribe({spec("ETHUSDT", StreamKind::BookTicker)});
    ASSERT_TRUE(got.until(sink, [&] { return !got.bookTickers.empty(); }, 3s));
    const std::int64_t lastTrade = got.trades.back().tradeId;

    server->dropAllConnections();
    ASSERT_TRUE(got.until(sink, [&] { return session->stats().reconnects >= 1; }, 3s));
    got.clear();
    ASSERT_TRUE(got.until(sink, [&] {
        return got.trades.size() >= 5 && got.books.size() >= 3 && !got.bookTickers.empty();
    }, 4s));
    EXPECT_GT(got.trades.front().tradeId, lastTrade);
    for (std::size_t i = 1; i < got.trades.size(); ++i) EXPECT_GT(got.trades[i].tradeId, got.trades[i - 1].tradeId);
    // Book contents are compared with the simulator's in StreamSessionBookTest at real speed; at
    // this test's 30x exchange clock the comparison is not reliable yet (open question, see the
    // issue notes), so here only resynchronisation after the reconnect is checked.
    for (const auto& v : got.books) EXPECT_FALSE(v.bids.empty() || v.asks.empty());
    EXPECT_TRUE(std::any_of(got.statuses.begin(), got.statuses.end(),
                            [](const feed::FeedStatus& s) { return s.state == feed::FeedState::Live; }));
    EXPECT_EQ(server->stats().wsConnections, 2u);
    EXPECT_EQ(server->stats().messageRateViolations, 0u);
    EXPECT_EQ(session->stats().reconnects, 1u);
    EXPECT_TRUE(session->stats().connected);
}

TEST_F(StreamSessionTest, ARefusedSubscribeIsReportedAndItsStreamsLeaveTheSet) {
    session->start({spec("BTCUSDT", StreamKind::Trade)});
    ASSERT_TRUE(got.until(sink, [&] { return !got.trades.empty(); }, 3s));
    // One request, one stream the venue does not know: Binance refuses the whole request.
    session->subscribe({spec("NOSUCHCOIN", StreamKind::Trade), spec("ETHUSDT", StreamKind::AggTrade)});
    ASSERT_TRUE(got.until(sink, [&] { return !got.errors.empty(); }, 3s));
    const auto st = session->stats();
    EXPECT_EQ(st.controlErrors, 1u);
    EXPECT_NE(st.lastError.find("invalid stream"), std::string::npos) << st.lastError;
    EXPECT_NE(st.lastError.find("nosuchcoin@trade"), std::string::npos) << st.lastError;
    EXPECT_EQ(got.errors.front().error.code, 2);
    // Out of the set: the reconnect's URL no longer names them, so the venue accepts it.
    session->dropConnection();
    ASSERT_TRUE(got.until(sink, [&] { return session->stats().reconnects >= 1; }, 3s));
    got.clear();
    ASSERT_TRUE(got.until(sink, [&] { return got.trades.size() >= 3 && session->stats().connected; }, 5s));
    EXPECT_TRUE(got.aggTrades.empty());
    EXPECT_TRUE(got.errors.empty());
    EXPECT_EQ(server->stats().wsConnections, 2u) << "the reconnect was refused";
    // A later SUBSCRIBE of a valid stream is not affected.
    session->subscribe({spec("ETHUSDT", StreamKind::AggTrade)});
    ASSERT_TRUE(got.until(sink, [&] { return !got.aggTrades.empty(); }, 3s));
    EXPECT_EQ(session->stats().controlErrors, 1u);
}

TEST_F(StreamSessionSmallVenueTest, ASubscribePastTheVenuesStreamLimitIsRefusedAndReported) {
    session->start({spec("BTCUSDT", StreamKind::Trade), spec("BTCUSDT", StreamKind::AggTrade)});
    ASSERT_TRUE(got.until(sink, [&] { return !got.trades.empty() && !got.aggTrades.empty(); }, 3s));
    session->subscribe({spec("ETHUSDT", StreamKind::BookTicker)});
    ASSERT_TRUE(got.until(sink, [&] { return !got.errors.empty(); }, 3s));
    EXPECT_NE(session->stats().lastError.find("too many streams"), std::string::npos) << session->stats().lastError;
    EXPECT_EQ(session->stats().controlErrors, 1u);
    // Removed from the set: a reconnect opens with the two streams the venue allows.
    session->dropConnection();
    ASSERT_TRUE(got.until(sink, [&] { return session->stats().reconnects >= 1; }, 3s));
    got.clear();
    ASSERT_TRUE(got.until(sink, [&] { return !got.trades.empty() && !got.aggTrades.empty(); }, 5s));
    EXPECT_TRUE(got.bookTickers.empty());
    EXPECT_EQ(server->stats().wsConnections, 2u);
}

TEST_F(StreamSessionTest, StreamsTheVenueLostAreResubscribedAfterListSubscriptions) {
    session->start({spec("BTCUSDT", StreamKind::Trade), spec("ETHUSDT", StreamKind::BookTicker)});
    ASSERT_TRUE(got.until(sink, [&] { return !got.trades.empty() && !got.bookTickers.empty(); }, 3s));
    EXPECT_EQ(session->stats().subscriptionsRepaired, 0u);
    // The next connection opens without its URL's streams: only LIST_SUBSCRIPTIONS shows it.
    server->inject(sim::SimFault::ForgetSubscriptions, 0ms, 1);
    session->dropConnection();
    ASSERT_TRUE(got.until(sink, [&] { return session->stats().reconnects >= 1; }, 3s));
    ASSERT_TRUE(got.until(sink, [&] { return session->stats().subscriptionsRepaired >= 2; }, 5s))
        << session->stats().lastError;
    got.clear();
    ASSERT_TRUE(got.until(sink, [&] { return got.trades.size() >= 3 && !got.bookTickers.empty(); }, 5s));
    const auto st = session->stats();
    EXPECT_EQ(st.subscriptionsRepaired, 2u);
    EXPECT_NE(st.lastError.find("+btcusdt@trade"), std::string::npos) << st.lastError;
    EXPECT_EQ(st.reconnects, 1u) << "repaired by the watchdog, not by the list";
    EXPECT_EQ(server->stats().wsConnections, 2u);
    EXPECT_EQ(server->stats().messageRateViolations, 0u);
}

// A session told the venue's limit (2 streams per connection) spreads its streams over several
// connections, opens one more when a subscription does not fit and closes an emptied one.
class StreamSessionSplitTest : public StreamSessionSmallVenueTest {
protected:
    void SetUp() override {
        StreamSessionSmallVenueTest::SetUp();
        session->stop();
        session::StreamSessionConfig config;
        config.backoffBase = 100ms;
        config.backoffMax = 500ms;
        config.watchdog = 3s;
        config.maxStreamsPerConnection = 2;
        session = std::make_unique<session::StreamSession>(io, adapter, config, sink);
    }
};

TEST_F(StreamSessionSplitTest, StreamsBeyondTheLimitOpenMoreConnections) {
    session->start({spec("BTCUSDT", StreamKind::Trade), spec("BTCUSDT", StreamKind::AggTrade),
                    spec("ETHUSDT", StreamKind::BookTicker)});
    ASSERT_TRUE(got.until(sink, [&] {
        return !got.trades.empty() && !got.aggTrades.empty() && !got.bookTickers.empty() && session->stats().connected;
    }, 5s));
    EXPECT_EQ(session->stats().connections, 2u);
    EXPECT_EQ(server->stats().wsConnections, 2u);

    // Live: one more fits the second connection, the next one opens a third.
    session->subscribe({spec("ETHUSDT", StreamKind::Trade)});
    session->subscribe({spec("ADAUSDT", StreamKind::Trade)});
    ASSERT_TRUE(got.until(sink, [&] {
        const auto has = [&](const char* symbol) {
            return std::any_of(got.trades.begin(), got.trades.end(), [&](const auto& t) { return t.symbol == symbol; });
        };
        return has("ETHUSDT") && has("ADAUSDT");
    }, 5s));
    EXPECT_EQ(session->stats().connections, 3u);
    EXPECT_EQ(server->stats().wsConnections, 3u);
    EXPECT_TRUE(got.until(sink, [&] { return server->stats().wsOpenConnections == 3; }, 3s));

    // Emptying the third connection closes it (the venue may see the close before the session has
    // counted it: both are waited for).
    session->unsubscribe({spec("ADAUSDT", StreamKind::Trade)});
    ASSERT_TRUE(got.until(sink, [&] {
        return server->stats().wsOpenConnections == 2 && session->stats().connections == 2;
    }, 5s)) << session->stats().connections << " connections in the session";

    // After a network failure every connection comes back with its own streams.
    session->dropConnection();
    ASSERT_TRUE(got.until(sink, [&] { return session->stats().reconnects >= 2; }, 5s));
    got.clear();
    ASSERT_TRUE(got.until(sink, [&] {
        const auto has = [&](const char* symbol) {
            return std::any_of(got.trades.begin(), got.trades.end(), [&](const auto& t) { return t.symbol == symbol; });
        };
        return has("BTCUSDT") && has("ETHUSDT") && !got.aggTrades.empty() && !got.bookTickers.empty();
    }, 5s));
    EXPECT_TRUE(std::none_of(got.trades.begin(), got.trades.end(), [](const auto& t) { return t.symbol == "ADAUSDT"; }));
    const auto st = session->stats();
    EXPECT_EQ(st.controlErrors, 0u) << st.lastError;  // never more than the venue allows
    EXPECT_EQ(st.subscriptionsRepaired, 0u) << st.lastError;
    EXPECT_EQ(server->stats().messageRateViolations, 0u);
    EXPECT_TRUE(got.errors.empty());
}
