// MarketFeed against the simulator speaking each venue's dialect (binance, bybit, okx, kucoin),
// through the registry's adapter only: history equals the simulator's ground truth (also for an
// interval the venue lacks, built from a finer one), live candles close as REST has them (KuCoin's
// carry no close flag), client heartbeats keep a connection past the venue's silence cut-off, and a
// dropped connection is healed with the gap backfilled.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <thread>

#include "cpc/core/time.hpp"
#include "cpc/exchange/registry.hpp"
#include "cpc/feed/mailbox.hpp"
#include "cpc/session/market_feed.hpp"
#include "cpc/session/stream_session.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/sim/sim_server.hpp"
#include "net_test_util.hpp"
#include "venues.hpp"

using namespace cpc;
using namespace std::chrono_literals;
using cpc::test::kFixedNowMs;
using cpc::test::TestClock;
using cpc::test::Venue;
using cpc::test::venues;

namespace {

struct Sink final : feed::FeedSink {
    void post(feed::FeedEvent e) override { box.post(std::move(e)); }
    feed::Mailbox<feed::FeedEvent> box;
};

// Everything a feed delivered for one series: the latest version of each candle (REST pages and
// stream updates merged by open time, in delivery order, as the app's cache does).
struct Delivered {
    std::map<std::int64_t, Candle> candles;
    std::vector<feed::FeedStatus> statuses;
    std::vector<feed::FeedError> errors;
    std::size_t liveUpdates = 0;
    std::size_t historyBatches = 0;

    void drain(Sink& sink) {
        for (auto& e : sink.box.takeAll()) {
            if (auto* k = std::get_if<exchange::KlineUpdate>(&e)) {
                candles[k->candle.openTime] = k->candle;
                ++liveUpdates;
            } else if (auto* h = std::get_if<feed::HistoryBatch>(&e)) {
                for (const Candle& c : h->candles) candles[c.openTime] = c;
                ++historyBatches;
            } else if (auto* s = std::get_if<feed::FeedStatus>(&e)) {
                statuses.push_back(*s);
            } else if (auto* err = std::get_if<feed::FeedError>(&e)) {
                errors.push_back(*err);
            }
        }
    }
    template <class Pred>
    bool until(Sink& sink, Pred pred, std::chrono::milliseconds timeout = 20s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        do {
            drain(sink);
            if (pred()) return true;
            std::this_thread::sleep_for(20ms);
        } while (std::chrono::steady_clock::now() < deadline);
        drain(sink);
        return pred();
    }
    std::size_t count(feed::FeedState state) const {
        return static_cast<std::size_t>(
            std::count_if(statuses.begin(), statuses.end(), [&](const auto& s) { return s.state == state; }));
    }
    bool closed(std::int64_t openTime) const {
        const auto it = candles.find(openTime);
        return it != candles.end() && it->second.closed;
    }
};

// Same market data as the model's candle (venues omit trade counts and taker volumes).
void expectSameCandle(const Candle& got, const Candle& want, const std::string& where) {
    EXPECT_EQ(got.openTime, want.openTime) << where;
    EXPECT_EQ(got.open, want.open) << where;
    EXPECT_EQ(got.high, want.high) << where;
    EXPECT_EQ(got.low, want.low) << where;
    EXPECT_EQ(got.close, want.close) << where;
    EXPECT_EQ(got.volume, want.volume) << where;
    EXPECT_EQ(got.quoteVolume, want.quoteVolume) << where;
    EXPECT_EQ(got.closed, want.closed) << where;
}

class VenueFeedTest : public ::testing::TestWithParam<Venue> {
protected:
    void startSim(sim::SimConfig config = {}) {
        config.exchange = GetParam().name;
        config.klinePushInterval = 100ms;
        config.clock = clock.fn();
        server = std::make_unique<sim::SimServer>(config);
        ASSERT_TRUE(server->start());
        exchange::Endpoints endpoints{server->restBase(), server->streamBase() + GetParam().streamPath};
        auto a = exchange::makeAdapter(GetParam().name, endpoints);
        ASSERT_TRUE(a) << a.error().message;
        adapter = std::shared_ptr<const exchange::ExchangeAdapter>(std::move(*a));
        symbol = adapter->symbolFor("BTC", "USDT");
    }
    std::unique_ptr<session::MarketFeed> makeFeed(session::FeedConfig config = {}) {
        config.backoffBase = 100ms;
        config.backoffMax = 300ms;
        return std::make_unique<session::MarketFeed>(io, adapter, config, sink);
    }
    // Until the open series is live and a stream update of it has arrived.
    bool untilLive() {
        return got.until(sink, [&] { return got.count(feed::FeedState::Live) > 0 && got.liveUpdates > 0; });
    }
    // The simulator's candles (Binance's semantics: every interval, no-trade candles included)
    // with open time in [from, to], as the venue's REST would close them at the clock's time.
    std::vector<Candle> truth(Interval interval, std::int64_t from, std::int64_t to) const {
        std::vector<Candle> out;
        while (from <= to) {
            auto page = server->model().klines("BTCUSDT", interval, from, to, 1000, clock.now());
            if (page.empty()) break;
            from = page.back().openTime + 1;
            out.insert(out.end(), page.begin(), page.end());
        }
        return out;
    }

    // A StreamSession against a simulator on the system clock (the market moves), with live
    // trades and a 1.5 s silence cut-off that only client heartbeats get past.
    std::unique_ptr<session::StreamSession> startLiveSession(std::vector<exchange::StreamSpec> streams,
                                                          session::StreamSessionConfig& sessionConfig) {
        sim::SimConfig config;
        config.liveTradesPerSecond = 20;
        config.heartbeatTimeout = 1500ms;
        config.exchange = GetParam().name;
        config.klinePushInterval = 100ms;
        server = std::make_unique<sim::SimServer>(config);
        if (!server->start()) return nullptr;
        auto a = exchange::makeAdapter(GetParam().name,
                                       {server->restBase(), server->streamBase() + GetParam().streamPath});
        if (!a) return nullptr;
        adapter = std::shared_ptr<const exchange::ExchangeAdapter>(std::move(*a));
        symbol = adapter->symbolFor("BTC", "USDT");
        sessionConfig.backoffBase = 100ms;
        if (GetParam().name != "kucoin") sessionConfig.heartbeatOverride = 400ms;  // KuCoin: its token answer's
        auto session = std::make_unique<session::StreamSession>(io, adapter, sessionConfig, sink);
        for (auto& s : streams) s.symbol = symbol;
        session->start(std::move(streams));
        return session;
    }
    // The top `levels` per side of a book are the simulator's at `tick`.
    bool sameTop(const std::vector<exchange::PriceLevel>& bids, const std::vector<exchange::PriceLevel>& asks,
                 std::int64_t tick, std::size_t levels) const {
        const auto truthBook = server->book().book("BTCUSDT", tick);
        const auto n = std::min(levels, truthBook.bids.size());
        const auto m = std::min(levels, truthBook.asks.size());
        return bids.size() == n && asks.size() == m && std::equal(bids.begin(), bids.end(), truthBook.bids.begin()) &&
               std::equal(asks.begin(), asks.end(), truthBook.asks.begin());
    }
    // … at a tick shortly before `takenMs` (for update ids that do not name the simulator's tick).
    bool sameTopRecently(const std::vector<exchange::PriceLevel>& bids, const std::vector<exchange::PriceLevel>& asks,
                         std::int64_t takenMs, std::size_t levels) const {
        const std::int64_t taken = sim::OrderBookModel::tickOf(takenMs);
        for (std::int64_t tick = taken + 1; tick >= taken - 30; --tick)
            if (sameTop(bids, asks, tick, levels)) return true;
        return false;
    }
    // A synced book's view (taken at `takenMs`) equals the simulator's book: at the tick its update
    // id names or, on Bybit, whose u counts the messages of one subscription, shortly before.
    void expectViewMatchesTruth(const feed::OrderBookView& view, std::int64_t takenMs, std::size_t levels) const {
        if (GetParam().bookIdsAreTicks) {
            EXPECT_TRUE(sameTop(view.bids, view.asks, sim::OrderBookModel::tickOfUpdateId(view.lastUpdateId), levels))
                << "update id " << view.lastUpdateId;
            return;
        }
        EXPECT_TRUE(sameTopRecently(view.bids, view.asks, takenMs, levels)) << "Bybit u " << view.lastUpdateId;
    }

    TestClock clock{kFixedNowMs};
    std::unique_ptr<sim::SimServer> server;
    std::shared_ptr<const exchange::ExchangeAdapter> adapter;
    std::string symbol;
    net::IoThread io;
    Sink sink;
    Delivered got;
};

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kDay = 24 * 3600'000;

}  // namespace

// History of a range, for an interval the venue has and one it lacks (aggregated from its source
// interval: 1w from 1d on Bybit, OKX and KuCoin), equals the simulator's candles, and the live
// forming candle of the aggregated interval is the aggregate of the venue's source candles.
TEST_P(VenueFeedTest, HistoryOfARangeAndTheFormingCandleEqualTheSimulator) {
    clock.set(kFixedNowMs + 3 * kDay);  // a Thursday: KuCoin's own weeks would start today
    startSim();
    EXPECT_EQ(adapter->isNativeInterval(GetParam().nonNative), GetParam().name == "binance");
    for (const Interval interval : {Interval::M1, Interval::H1, GetParam().nonNative}) {
        Delivered seen;
        auto feed = makeFeed();
        const std::int64_t newest = bucketStart(interval, clock.now());
        const std::int64_t from = interval == Interval::W1 ? newest - 30 * 7 * kDay : newest - 1700 * nominalMs(interval);
        feed->open({GetParam().name, symbol, interval}, from);
        // Live, and the forming candle came from the stream as well as from REST.
        ASSERT_TRUE(seen.until(sink, [&] { return seen.count(feed::FeedState::Live) > 0 && seen.liveUpdates > 0; }))
            << toString(interval);
        feed->stop();
        seen.drain(sink);
        EXPECT_TRUE(seen.errors.empty()) << (seen.errors.empty() ? "" : seen.errors.front().error.message);
        const auto want = truth(interval, from, newest);
        ASSERT_EQ(want.size(), interval == Interval::W1 ? 31u : 1701u);
        std::vector<Candle> delivered;
        for (const auto& [t, c] : seen.candles) delivered.push_back(c);
        ASSERT_EQ(delivered.size(), want.size()) << toString(interval);
        for (std::size_t i = 0; i < want.size(); ++i)
            expectSameCandle(delivered[i], want[i], std::string(toString(interval)) + " row " + std::to_string(i));
        EXPECT_FALSE(delivered.back().closed);
    }
}

// A cache days old: the backfill's whole pages before the newest are asked several at once (issue
// 21; the simulator answers each 150 ms late, so one at a time would take a page's delay each),
// and what arrives is every candle of the gap, the simulator's, delivered oldest first.
TEST_P(VenueFeedTest, ABackfillOfSeveralPagesAsksThemAtOnceAndDeliversTheGapInOrder) {
    const std::int64_t minute = (kFixedNowMs / kMinute) * kMinute;
    clock.set(minute + 30'000);
    sim::SimConfig config;
    config.restDelay = 150ms;
    startSim(config);
    const std::int64_t pages = 5;
    const std::int64_t resume = minute - pages * adapter->maxHistoryLimit() * kMinute - 7 * kMinute;
    auto feed = makeFeed();
    feed->open({GetParam().name, symbol, Interval::M1}, resume);
    std::vector<std::int64_t> order;  // the open times of history as delivered
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    bool live = false;
    while (!(live && got.candles.count(minute) > 0) && std::chrono::steady_clock::now() < deadline) {
        for (auto& e : sink.box.takeAll()) {
            if (auto* h = std::get_if<feed::HistoryBatch>(&e))
                for (const Candle& c : h->candles) {
                    order.push_back(c.openTime);
                    got.candles[c.openTime] = c;
                }
            if (auto* st = std::get_if<feed::FeedStatus>(&e); st && st->state == feed::FeedState::Live) live = true;
            if (auto* err = std::get_if<feed::FeedError>(&e)) FAIL() << err->error.message;
        }
        std::this_thread::sleep_for(20ms);
    }
    const auto stats = feed->stats();
    feed->stop();
    ASSERT_TRUE(live && got.candles.count(minute) > 0) << "not live with the forming candle";
    EXPECT_GE(server->stats().restInFlightMax, 2u) << "the pages were asked one at a time";
    EXPECT_EQ(stats.historyRetries, 0u);
    EXPECT_TRUE(std::is_sorted(order.begin(), order.end())) << "history was not delivered oldest first";
    const auto want = truth(Interval::M1, resume, minute - kMinute);
    std::size_t compared = 0;
    for (const Candle& w : want) {
        if (adapter->historyHasGaps() && w.trades == 0) continue;  // KuCoin has no candle for a quiet minute
        const auto it = got.candles.find(w.openTime);
        ASSERT_NE(it, got.candles.end()) << "candle at " << w.openTime << " lost";
        expectSameCandle(it->second, w, "minute " + std::to_string((w.openTime - resume) / kMinute));
        ++compared;
    }
    EXPECT_GT(compared, static_cast<std::size_t>(pages * adapter->maxHistoryLimit()) / 2);
}

// A live 1m candle closes when the venue's minute ends, and the closed version is REST's. KuCoin
// sends no close flag: the candle is closed by the next one's first push and fetched over REST.
TEST_P(VenueFeedTest, LiveCandlesCloseAsRestHasThem) {
    const std::int64_t minute = (kFixedNowMs / kMinute) * kMinute;
    clock.set(minute + 58'000);
    startSim();
    auto feed = makeFeed();
    feed->open({GetParam().name, symbol, Interval::M1});
    ASSERT_TRUE(untilLive());
    EXPECT_FALSE(got.closed(minute));
    for (int step = 1; step <= 3; ++step) {
        clock.set(minute + step * kMinute + 30'000);  // KuCoin pushes a candle only once it has a trade
        const std::int64_t prev = minute + (step - 1) * kMinute;
        ASSERT_TRUE(got.until(sink, [&] { return got.closed(prev) && got.candles.count(prev + kMinute) > 0; }))
            << "step " << step;
        const auto rest = truth(Interval::M1, prev, prev);
        ASSERT_EQ(rest.size(), 1u);
        expectSameCandle(got.candles[prev], rest.front(), "closed minute " + std::to_string(step));
    }
    const auto stats = feed->stats();
    feed->stop();
    EXPECT_EQ(stats.reconnects, 0u);
    // Only a venue without close flags needs REST to close its candles.
    if (GetParam().name == "kucoin") EXPECT_GE(stats.reconciles, 3u);
    else EXPECT_EQ(stats.reconciles, 0u);
}

// A candle the venue's stream leaves without a close flag (KuCoin) is final only once REST has it:
// when REST fails every attempt, the candle stays as the stream left it, provisional (never saved
// as final from the stream's last push), and the next successful REST call confirms it with the
// venue's values. It used to be marked closed after three failures and never checked again.
TEST_P(VenueFeedTest, ACandleRestCannotConfirmStaysProvisionalUntilItCan) {
    if (GetParam().name != "kucoin") GTEST_SKIP() << "the venue's stream closes its own candles";
    const std::int64_t minute = (kFixedNowMs / kMinute) * kMinute;
    clock.set(minute + 58'000);
    startSim();
    auto feed = makeFeed();
    feed->open({GetParam().name, symbol, Interval::M1});
    ASSERT_TRUE(untilLive());
    server->inject(sim::SimFault::RestServerError, 0ms, 3);  // every attempt of the reconcile
    clock.set(minute + kMinute + 30'000);
    ASSERT_TRUE(got.until(sink, [&] { return feed->stats().unconfirmed >= 1 && got.candles.count(minute + kMinute) > 0; }));
    got.drain(sink);
    ASSERT_TRUE(got.candles.count(minute));
    EXPECT_FALSE(got.closed(minute)) << "the stream's last push was made final without the venue";
    // REST answers again: the next reconcile (the next minute's) also confirms the parked one.
    clock.set(minute + 2 * kMinute + 30'000);
    ASSERT_TRUE(got.until(sink, [&] { return got.closed(minute) && got.closed(minute + kMinute); }));
    const auto rest = truth(Interval::M1, minute, minute + kMinute);
    ASSERT_EQ(rest.size(), 2u);
    expectSameCandle(got.candles[minute], rest[0], "the candle REST could not confirm at first");
    expectSameCandle(got.candles[minute + kMinute], rest[1], "the next one");
    feed->stop();
}

// A candle parked as unconfirmed is asked for again after a back-off of its own: no later REST call
// need come (the stream goes on without a reconnect, and the next minute has not begun), and it
// used to stay provisional, and out of the cache, until one did (the OKX fault matrix met it).
TEST_P(VenueFeedTest, AParkedCandleIsAskedForAgainWithoutWaitingForTheNextRestCall) {
    if (GetParam().name != "kucoin") GTEST_SKIP() << "the venue's stream closes its own candles";
    const std::int64_t minute = (kFixedNowMs / kMinute) * kMinute;
    clock.set(minute + 58'000);
    startSim();
    auto feed = makeFeed();
    feed->open({GetParam().name, symbol, Interval::M1});
    ASSERT_TRUE(untilLive());
    server->inject(sim::SimFault::RestServerError, 0ms, 3);  // every attempt of the reconcile
    clock.set(minute + kMinute + 30'000);                    // and the clock stays there
    ASSERT_TRUE(got.until(sink, [&] { return feed->stats().unconfirmed >= 1; }));
    ASSERT_TRUE(got.until(sink, [&] { return got.closed(minute); })) << "the parked candle was never asked for again";
    const auto rest = truth(Interval::M1, minute, minute);
    ASSERT_EQ(rest.size(), 1u);
    expectSameCandle(got.candles[minute], rest.front(), "the candle REST could not confirm at first");
    EXPECT_EQ(feed->stats().reconnects, 0u);
    feed->stop();
}

// The dialect cuts a connection whose client stays silent for 1.5 s; the feed's heartbeats (every
// 400 ms here; KuCoin: the token answer's pingInterval, half the cut-off) keep it open for longer.
TEST_P(VenueFeedTest, ClientHeartbeatsKeepTheStreamPastTheSilenceCutOff) {
    sim::SimConfig config;
    config.heartbeatTimeout = 1500ms;
    startSim(config);
    session::FeedConfig feedConfig;
    if (GetParam().name != "kucoin") feedConfig.heartbeatOverride = 400ms;
    auto feed = makeFeed(feedConfig);
    feed->open({GetParam().name, symbol, Interval::M1});
    ASSERT_TRUE(untilLive());
    std::this_thread::sleep_for(4500ms);
    got.drain(sink);
    const auto stats = feed->stats();
    const auto simStats = server->stats();
    feed->stop();
    EXPECT_EQ(simStats.heartbeatTimeouts, 0u);
    EXPECT_EQ(simStats.messageRateViolations, 0u);
    EXPECT_EQ(stats.reconnects, 0u);
    EXPECT_EQ(got.count(feed::FeedState::Reconnecting), 0u);
    if (adapter->heartbeatMessage(1)) EXPECT_GE(stats.heartbeatsSent, 4u);
    else EXPECT_EQ(stats.heartbeatsSent, 0u);
}

// The connection drops while the venue's clock moves on three minutes: the feed reconnects and
// backfills the gap over REST; no candle is missing and every closed one is REST's.
TEST_P(VenueFeedTest, ADroppedConnectionIsHealedAndTheGapBackfilled) {
    const std::int64_t minute = (kFixedNowMs / kMinute) * kMinute;
    clock.set(minute + 30'000);
    startSim();
    session::FeedConfig feedConfig;
    auto feed = makeFeed(feedConfig);
    feed->open({GetParam().name, symbol, Interval::M1});
    ASSERT_TRUE(untilLive());
    ASSERT_GE(server->stats().wsOpenConnections, 1u);
    clock.set(minute + 3 * kMinute + 30'000);
    server->dropAllConnections();
    ASSERT_TRUE(got.until(sink, [&] {
        return got.count(feed::FeedState::Live) >= 2 && got.candles.count(minute + 3 * kMinute) > 0;
    }));
    const auto stats = feed->stats();
    feed->stop();
    got.drain(sink);
    EXPECT_GE(stats.reconnects, 1u);
    const auto want = truth(Interval::M1, minute - 10 * kMinute, minute + 3 * kMinute);
    for (const Candle& w : want) {
        const auto it = got.candles.find(w.openTime);
        ASSERT_NE(it, got.candles.end()) << "candle at " << w.openTime << " lost";
        // The forming minute may have moved on since its last push; closed ones must be exact.
        if (w.closed) expectSameCandle(it->second, w, "minute " + std::to_string((w.openTime - minute) / kMinute));
    }
    EXPECT_FALSE(got.candles[minute + 3 * kMinute].closed);
}

// The backfill after a reconnect is answered without rows (status 200: an outage of the venue's
// history). The feed asked from a candle the venue had sent, so that is no "nothing new": it asks
// again, and no candle of the gap is lost. It used to take the empty answer as the gap's end, and
// only the forming candle's reconcile (two rows) covered part of it.
TEST_P(VenueFeedTest, AnEmptyAnswerToTheBackfillIsAskedAgainNotTakenAsNothingNew) {
    const std::int64_t minute = (kFixedNowMs / kMinute) * kMinute;
    clock.set(minute + 30'000);
    startSim();
    auto feed = makeFeed();
    feed->open({GetParam().name, symbol, Interval::M1});
    ASSERT_TRUE(untilLive());
    // The connection in use pushes nothing more before it is dropped: a push of the newer candle
    // would start the forming candle's reconcile, which could meet the empty answer before the
    // backfill did (KuCoin, once at -O0 under ASan).
    server->inject(sim::SimFault::Stall, 30s, 1);
    clock.set(minute + 4 * kMinute + 30'000);
    server->inject(sim::SimFault::RestEmptyAnswer, 0ms, 1);
    server->dropAllConnections();
    ASSERT_TRUE(got.until(sink, [&] {
        return got.count(feed::FeedState::Live) >= 2 && got.candles.count(minute + 4 * kMinute) > 0 &&
               got.closed(minute + 3 * kMinute);
    })) << "the gap was not filled";
    const auto stats = feed->stats();
    feed->stop();
    got.drain(sink);
    EXPECT_EQ(server->stats().restEmptyAnswers, 1u);
    EXPECT_GE(stats.historyRetries, 1u);
    const auto want = truth(Interval::M1, minute - 10 * kMinute, minute + 3 * kMinute);
    for (const Candle& w : want) {
        if (adapter->historyHasGaps() && w.trades == 0) continue;  // KuCoin has no candle for a quiet minute
        const auto it = got.candles.find(w.openTime);
        ASSERT_NE(it, got.candles.end()) << "candle at " << w.openTime << " lost";
        expectSameCandle(it->second, w, "minute " + std::to_string((w.openTime - minute) / kMinute));
    }
}

// A backfill whose rows run past the feed's estimate of the venue's clock (measured just before the
// venue's clock moved on: here the clock answer is held while the venue's clock jumps five minutes)
// gets the candles the venue has moved past as not final (exchange::checkHistoryRows), and only the
// newest of them is the forming candle the stream reconciles. The others are asked for again and
// made final. They used to stay provisional, out of the cache, for good (the OKX fault matrix, its
// exchange clock at 75x, on a loaded machine).
TEST_P(VenueFeedTest, RowsPastTheFeedsEstimateOfTheVenuesClockAreConfirmedNotLeftProvisional) {
    if (GetParam().name == "kucoin")
        GTEST_SKIP() << "KuCoin's stream reconnect asks REST for a token first, which would take the held answer";
    const std::int64_t minute = (kFixedNowMs / kMinute) * kMinute;
    clock.set(minute + 30'000);
    startSim();
    auto feed = makeFeed();
    feed->open({GetParam().name, symbol, Interval::M1});
    ASSERT_TRUE(untilLive());
    server->inject(sim::SimFault::RestSlow, 500ms, 1);  // the backfill's clock request, answered now, sent late
    server->dropAllConnections();
    ASSERT_TRUE(got.until(sink, [&] { return server->stats().restSlowAnswers >= 1; }));
    clock.set(minute + 5 * kMinute + 30'000);
    const auto allClosed = [&] {
        for (int m = 0; m < 5; ++m)
            if (!got.closed(minute + m * kMinute)) return false;
        return true;
    };
    const bool confirmed = got.until(sink, allClosed);
    got.drain(sink);
    for (int m = 0; m < 5; ++m) EXPECT_TRUE(got.closed(minute + m * kMinute)) << "minute " << m << " left provisional";
    ASSERT_TRUE(confirmed);
    EXPECT_GE(feed->stats().unconfirmed, 1u) << "no row came past the feed's clock: the case was not made";
    for (const Candle& w : truth(Interval::M1, minute, minute + 4 * kMinute))
        expectSameCandle(got.candles[w.openTime], w, "minute " + std::to_string((w.openTime - minute) / kMinute));
    feed->stop();
}

// Scroll-back (loadOlder) of an aggregated interval: whole candles, each the simulator's.
TEST_P(VenueFeedTest, OlderHistoryOfTheNonNativeIntervalIsWholeCandles) {
    clock.set(kFixedNowMs + 3 * kDay);
    startSim();
    const Interval interval = GetParam().nonNative;
    auto feed = makeFeed();
    const std::int64_t before = bucketStart(interval, clock.now()) - 20 * nominalMs(interval);
    feed->loadOlder({GetParam().name, symbol, interval}, before, 40);
    std::vector<feed::HistoryBatch> pages;
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    std::size_t total = 0;
    while (total < 40 && std::chrono::steady_clock::now() < deadline) {
        for (auto& e : sink.box.takeAll()) {
            if (auto* h = std::get_if<feed::HistoryBatch>(&e); h && h->older) {
                total += h->candles.size();
                pages.push_back(*h);
            }
            if (auto* err = std::get_if<feed::FeedError>(&e)) FAIL() << err->error.message;
        }
        std::this_thread::sleep_for(20ms);
    }
    feed->stop();
    ASSERT_GE(total, 40u);
    std::vector<Candle> delivered;
    for (auto it = pages.rbegin(); it != pages.rend(); ++it) delivered.insert(delivered.end(), it->candles.begin(), it->candles.end());
    const auto want = truth(interval, delivered.front().openTime, before - 1);
    ASSERT_EQ(delivered.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) expectSameCandle(delivered[i], want[i], "row " + std::to_string(i));
    EXPECT_EQ(delivered.back().openTime, before - nominalMs(interval));  // 1m and 1w have fixed lengths
}

// StreamSession on each venue: trades arrive in order, the local order book (REST snapshot + diffs
// on Binance and KuCoin, the stream's own snapshot + deltas on Bybit and OKX) equals the
// simulator's, client heartbeats keep the connections past the silence cut-off, and after a
// dropped connection the book is synced again.
TEST_P(VenueFeedTest, StreamSessionTradesInOrderAndTheLocalBookEqualsTheSimulators) {
    using exchange::StreamKind;
    session::StreamSessionConfig sessionConfig;
    auto started = startLiveSession({{"", Interval::M1, StreamKind::Trade}, {"", Interval::M1, StreamKind::Depth}},
                                    sessionConfig);
    ASSERT_NE(started, nullptr);
    session::StreamSession& session = *started;

    std::vector<exchange::TradeTick> trades;
    std::vector<std::pair<feed::OrderBookView, std::int64_t>> views;  // with the time it was taken
    const auto collect = [&](std::chrono::milliseconds timeout, const std::function<bool()>& done) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            for (auto& e : sink.box.takeAll()) {
                if (auto* t = std::get_if<exchange::TradeTick>(&e)) trades.push_back(*t);
                if (auto* v = std::get_if<feed::OrderBookView>(&e)) views.emplace_back(*v, nowMs());
                if (auto* err = std::get_if<feed::FeedError>(&e)) ADD_FAILURE() << err->error.message;
            }
            if (done()) return true;
            std::this_thread::sleep_for(20ms);
        }
        return done();
    };
    // Longer than the 1.5 s silence cut-off, with trades and synced books throughout.
    ASSERT_TRUE(collect(15s, [&] { return trades.size() >= 40 && views.size() >= 10; }));
    std::this_thread::sleep_for(2s);
    collect(100ms, [] { return false; });
    auto stats = session.stats();
    EXPECT_EQ(server->stats().heartbeatTimeouts, 0u);
    EXPECT_EQ(server->stats().messageRateViolations, 0u);
    EXPECT_EQ(stats.reconnects, 0u);
    if (adapter->heartbeatMessage(1)) {
        EXPECT_GE(stats.heartbeatsSent, 3u);
    }
    EXPECT_EQ(stats.controlErrors, 0u) << stats.lastError;
    // Every frame is counted under its stream's name, as the venue's streamName() spells it (the
    // realtime window's feed health table).
    for (const StreamKind kind : {StreamKind::Trade, StreamKind::Depth}) {
        const std::string name = adapter->streamName({symbol, Interval::M1, kind});
        const auto it = stats.perStream.find(name);
        ASSERT_NE(it, stats.perStream.end()) << name << " not counted";
        EXPECT_GT(it->second.messages, 10u) << name;
        EXPECT_GT(it->second.bytes, it->second.messages * 20) << name;
    }
    EXPECT_EQ(stats.perStream.size(), 2u) << "frames counted under names that are no stream";
    for (std::size_t i = 1; i < trades.size(); ++i)
        ASSERT_GT(trades[i].tradeId, trades[i - 1].tradeId) << "trade " << i << " out of order";
    const auto expectMatchesTruth = [&](const std::pair<feed::OrderBookView, std::int64_t>& v) {
        expectViewMatchesTruth(v.first, v.second, sessionConfig.bookLevels);
    };
    for (const auto& v : views) expectMatchesTruth(v);
    // A dropped connection: the book syncs again and goes on matching.
    server->dropAllConnections();
    const std::size_t before = views.size();
    ASSERT_TRUE(collect(15s, [&] { return views.size() >= before + 10; }));
    session.stop();
    stats = session.stats();
    EXPECT_GE(stats.reconnects, 1u);
    for (std::size_t i = before; i < views.size(); ++i) expectMatchesTruth(views[i]);
}

// Bybit's orderbook.1 is both a bookTicker and a one-level partial depth. A session asked for both
// subscribes it once; dropping the partial depth keeps the topic (no UNSUBSCRIBE) and the book
// tickers, and ends the partial snapshots. (The other venues have a stream for each.)
TEST_P(VenueFeedTest, DroppingOneOfTwoSubscriptionsSharingATopicKeepsTheOther) {
    using exchange::StreamKind;
    if (GetParam().name != "bybit") GTEST_SKIP() << "no two stream kinds share a stream on " << GetParam().name;
    session::StreamSessionConfig sessionConfig;
    exchange::StreamSpec partial{"", Interval::M1, StreamKind::PartialDepth, 1};
    exchange::StreamSpec ticker{"", Interval::M1, StreamKind::BookTicker};
    auto session = startLiveSession({partial, ticker}, sessionConfig);
    ASSERT_NE(session, nullptr);
    partial.symbol = ticker.symbol = symbol;
    ASSERT_EQ(adapter->streamName(partial), adapter->streamName(ticker));
    std::size_t partials = 0, bookTickers = 0;
    const auto pump = [&](std::chrono::milliseconds timeout, const std::function<bool()>& done) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        do {
            for (auto& e : sink.box.takeAll()) {
                if (std::holds_alternative<exchange::DepthSnapshot>(e)) ++partials;
                if (std::holds_alternative<exchange::BookTicker>(e)) ++bookTickers;
                if (auto* err = std::get_if<feed::FeedError>(&e)) ADD_FAILURE() << err->error.message;
            }
            if (done()) return true;
            std::this_thread::sleep_for(20ms);
        } while (std::chrono::steady_clock::now() < deadline);
        return done();
    };
    ASSERT_TRUE(pump(15s, [&] { return partials >= 3 && bookTickers >= 3; }));
    const auto sentBefore = session->stats().controlMessagesSent;
    session->unsubscribe({partial});
    pump(500ms, [] { return false; });  // the unsubscribe is handled; what was in flight is drained
    partials = bookTickers = 0;
    ASSERT_TRUE(pump(15s, [&] { return bookTickers >= 5; })) << "the shared topic was dropped";
    EXPECT_EQ(partials, 0u);
    EXPECT_EQ(session->stats().controlMessagesSent, sentBefore) << "no UNSUBSCRIBE of a topic still wanted";
    EXPECT_EQ(session->stats().controlErrors, 0u);
    session->stop();
}

// One session subscribes the diff depth, a partial depth and the bookTicker of the same symbol. On
// Bybit those are three books of their own (orderbook.200, .50, .1), each with its snapshots and u
// sequence: only orderbook.200's events feed the synced book, which still equals the simulator's
// without a single resync; the partial depth (orderbook.50's snapshot and deltas, kept in a book
// of its own) is the simulator's top 50; orderbook.1 gives bookTickers only.
TEST_P(VenueFeedTest, DiffDepthPartialDepthAndBookTickerOfOneSymbolKeepTheirBooksApart) {
    using exchange::StreamKind;
    session::StreamSessionConfig sessionConfig;
    const exchange::StreamSpec partialSpec{"", Interval::M1, StreamKind::PartialDepth, 20};
    auto session = startLiveSession({{"", Interval::M1, StreamKind::Depth}, partialSpec,
                                     {"", Interval::M1, StreamKind::BookTicker}},
                                    sessionConfig);
    ASSERT_NE(session, nullptr);
    const int partialLevels = adapter->depthLevelsOf(partialSpec).value_or(-1);
    ASSERT_GT(partialLevels, 0);

    std::vector<std::pair<feed::OrderBookView, std::int64_t>> views;  // with the time it was taken
    std::vector<std::pair<exchange::DepthSnapshot, std::int64_t>> partials;
    std::size_t bookTickers = 0;
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline &&
           (views.size() < 20 || partials.size() < 20 || bookTickers < 5)) {
        for (auto& e : sink.box.takeAll()) {
            if (auto* v = std::get_if<feed::OrderBookView>(&e)) views.emplace_back(*v, nowMs());
            if (auto* p = std::get_if<exchange::DepthSnapshot>(&e)) partials.emplace_back(*p, nowMs());
            if (std::holds_alternative<exchange::BookTicker>(e)) ++bookTickers;
            if (auto* err = std::get_if<feed::FeedError>(&e)) ADD_FAILURE() << err->error.message;
        }
        std::this_thread::sleep_for(20ms);
    }
    session->stop();
    EXPECT_GE(views.size(), 20u);
    EXPECT_GE(partials.size(), 20u);
    EXPECT_GE(bookTickers, 5u);
    for (const auto& [view, taken] : views) expectViewMatchesTruth(view, taken, sessionConfig.bookLevels);
    for (const auto& [p, taken] : partials) {
        // Only the partial depth's own book reaches the sink (no orderbook.1 snapshot on Bybit).
        EXPECT_EQ(p.depthLevels, partialLevels);
        EXPECT_EQ(p.symbol, symbol);
        EXPECT_TRUE(sameTopRecently(p.bids, p.asks, taken, static_cast<std::size_t>(partialLevels)))
            << "partial depth " << p.lastUpdateId << " with " << p.bids.size() << " bids";
    }
    const auto stats = session->stats();
    EXPECT_EQ(stats.bookResyncs, 0u);  // no other book's update looked like a gap in the diff depth
    EXPECT_EQ(stats.partialBookResyncs, 0u);
    EXPECT_EQ(stats.reconnects, 0u);
    EXPECT_EQ(stats.controlErrors, 0u) << stats.lastError;
}

INSTANTIATE_TEST_SUITE_P(Venues, VenueFeedTest, ::testing::ValuesIn(venues()),
                         [](const auto& p) { return p.param.name; });

// A chart opened without a cache starts with at least a thousand candles on every venue, equal
// to the simulator's: one newest page on Binance, Bybit and KuCoin, ten forward pages of 100 on
// OKX (its REST page size).
TEST_P(VenueFeedTest, AFirstOpenWithoutACacheStartsWithAThousandCandles) {
    startSim();
    Delivered seen;
    auto feed = makeFeed();
    feed->open({GetParam().name, symbol, Interval::M1});
    ASSERT_TRUE(seen.until(sink, [&] { return seen.count(feed::FeedState::Live) > 0 && seen.liveUpdates > 0; }));
    feed->stop();
    seen.drain(sink);
    EXPECT_TRUE(seen.errors.empty()) << (seen.errors.empty() ? "" : seen.errors.front().error.message);
    ASSERT_GE(seen.candles.size(), 1000u);
    const auto want = truth(Interval::M1, seen.candles.begin()->first, seen.candles.rbegin()->first);
    ASSERT_EQ(want.size(), seen.candles.size()) << "a hole or an extra candle";
    std::size_t i = 0;
    for (const auto& [t, c] : seen.candles) expectSameCandle(c, want[i], "row " + std::to_string(i)), ++i;
    EXPECT_GE(server->stats().restRequests, GetParam().name == "okx" ? 10u : 1u);
}
