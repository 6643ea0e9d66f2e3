// MarketFeed against the simulator: the venue's rate-limit answers are obeyed (never an IP ban),
// server errors are retried with back-off, and the symbol list arrives.
#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "cpc/core/time.hpp"
#include "cpc/exchange/binance/binance_adapter.hpp"
#include "cpc/feed/mailbox.hpp"
#include "cpc/session/market_feed.hpp"
#include "cpc/session/stream_session.hpp"
#include "cpc/session/venue_rest_gate.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/sim/sim_server.hpp"
#include "cpc/net/http_client.hpp"
#include "net_test_util.hpp"

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
    std::vector<feed::HistoryBatch> olderBatches;  // loadOlder pages, in arrival order
    std::vector<exchange::KlineUpdate> klines;     // stream updates, in delivery order

    template <class Pred>
    bool until(Sink& sink, Pred pred, std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        do {
            for (auto& e : sink.box.takeAll()) {
                if (auto* s = std::get_if<feed::FeedStatus>(&e)) statuses.push_back(*s);
                if (auto* l = std::get_if<feed::SymbolList>(&e)) symbolLists.push_back(*l);
                if (auto* err = std::get_if<feed::FeedError>(&e)) errors.push_back(*err);
                if (auto* k = std::get_if<exchange::KlineUpdate>(&e)) klines.push_back(*k);
                if (auto* h = std::get_if<feed::HistoryBatch>(&e)) {
                    historyCandles += h->candles.size();
                    if (h->older) olderBatches.push_back(*h);
                }
            }
            if (pred()) return true;
            std::this_thread::sleep_for(20ms);
        } while (std::chrono::steady_clock::now() < deadline);
        return pred();
    }
    bool saw(feed::FeedState state) const {
        return std::any_of(statuses.begin(), statuses.end(), [&](const auto& s) { return s.state == state; });
    }
    // `then` reported after a `first`: both may arrive in one drain of the mailbox, so a test
    // must not clear the statuses between waiting for the one and for the other.
    bool sawAfter(feed::FeedState first, feed::FeedState then) const {
        const auto at = std::find_if(statuses.begin(), statuses.end(), [&](const auto& s) { return s.state == first; });
        return at != statuses.end() &&
               std::any_of(std::next(at), statuses.end(), [&](const auto& s) { return s.state == then; });
    }
};

// The simulator's clock, set so that its current minute ends about 1.5 s after the test starts:
// a 429's Retry-After (seconds to the next minute) is then short.
std::function<std::int64_t()> clockNearMinuteEnd() {
    const std::int64_t now = nowMs();
    const std::int64_t offset = (60'000 - now % 60'000) - 1'500;
    return [offset] { return nowMs() + offset; };
}

// The simulator's clock set to `minutes` minutes (and 30 s) after the listing of `symbol`, so its
// whole 1m history is a few REST pages.
std::function<std::int64_t()> clockAfterListing(const std::string& symbol, std::int64_t minutes) {
    const sim::MarketModel model(42);
    const std::int64_t listing = *model.firstOpenTime(symbol, Interval::M1);
    const std::int64_t offset = listing + minutes * 60'000 + 30'000 - nowMs();
    return [offset] { return nowMs() + offset; };
}

// The venue's candles with open time in [from, to), paged like REST.
std::vector<Candle> venueCandles(const sim::SimServer& server, const sim::SimConfig& config,
                                 const std::string& symbol, std::int64_t from, std::int64_t to) {
    std::vector<Candle> out;
    while (from < to) {
        auto page = server.model().klines(symbol, Interval::M1, from, to - 1, 1000, config.clock());
        if (page.empty()) break;
        from = page.back().openTime + 1;
        out.insert(out.end(), page.begin(), page.end());
    }
    return out;
}

std::vector<Candle> joined(const std::vector<feed::HistoryBatch>& newestFirst) {
    std::vector<Candle> out;
    for (auto it = newestFirst.rbegin(); it != newestFirst.rend(); ++it)
        out.insert(out.end(), it->candles.begin(), it->candles.end());
    return out;
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
    session::MarketFeed feed(io, adapterFor(server), session::FeedConfig{}, sink);
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
    session::FeedConfig feedConfig;
    feedConfig.backoffBase = 100ms;
    feedConfig.backoffMax = 200ms;
    session::MarketFeed feed(io, adapterFor(server), feedConfig, sink);
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

// A server certificate the client does not trust is refused for good: the history and the symbol
// list fail at once with the reason, as the stream does, instead of asking again with back-off.
TEST(MarketFeed, ACertificateFailureEndsTheHistoryAndSymbolRequestsWithTheReason) {
    test::TestCertificate cert;  // a throw-away CA the system store does not hold
    sim::SimConfig config;
    config.tls = true;
    config.certFile = cert.certFile;
    config.keyFile = cert.keyFile;
    sim::SimServer server(config);
    ASSERT_TRUE(server.start());
    net::IoThread io;
    Sink sink;
    Collected got;
    session::FeedConfig feedConfig;
    feedConfig.backoffBase = 50ms;
    feedConfig.backoffMax = 100ms;
    session::MarketFeed feed(io, adapterFor(server), feedConfig, sink);
    feed.open({"binance", "BTCUSDT", Interval::M1});
    feed.requestSymbols();
    const auto certificateError = [&] {
        return std::count_if(got.errors.begin(), got.errors.end(), [](const feed::FeedError& e) {
            return e.error.code == net::kCertificateRejected &&
                   e.error.message.find("the certificate's issuer is not trusted") != std::string::npos;
        });
    };
    // Both the series and the symbol list end with the certificate's reason.
    ASSERT_TRUE(got.until(sink, [&] { return certificateError() >= 2 && got.saw(feed::FeedState::Failed); }, 15s))
        << got.errors.size() << " errors";
    // And stay ended: at 50-100 ms back-off a retry would come well within this time.
    got.until(sink, [] { return false; }, 1500ms);
    feed.stop();
    EXPECT_EQ(feed.stats().historyRetries, 0u);
    for (const auto& s : got.statuses)
        EXPECT_EQ(s.detail.rfind("history:", 0), std::string::npos) << "history retried: " << s.detail;
    for (const auto& e : got.errors)
        EXPECT_EQ(e.error.message.find("could not load the symbol list"), std::string::npos) << e.error.message;
}

TEST(MarketFeed, DeliversTheVenuesSymbolList) {
    sim::SimServer server(sim::SimConfig{});
    ASSERT_TRUE(server.start());
    net::IoThread io;
    Sink sink;
    Collected got;
    session::MarketFeed feed(io, adapterFor(server), session::FeedConfig{}, sink);
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
    session::FeedConfig config;
    config.tls.extraCaFile = "/nonexistent/ca.pem";
    session::MarketFeed feed(io, adapterFor(server), config, sink);
    feed.open({"binance", "BTCUSDT", Interval::M1});
    ASSERT_TRUE(got.until(sink, [&] { return !got.errors.empty(); }, 10s));
    feed.stop();
    EXPECT_NE(got.errors.front().error.message.find("TLS setup failed"), std::string::npos)
        << got.errors.front().error.message;
    EXPECT_TRUE(got.saw(feed::FeedState::Failed));
}

// Whatever entry a symbol came through (the symbol box, settings), the feed refuses one outside the
// venue's alphabet before any request or subscription: Failed, saying what is accepted.
TEST(MarketFeed, ASymbolOutsideTheVenuesAlphabetFailsBeforeAnyRequest) {
    sim::SimServer server(sim::SimConfig{});
    ASSERT_TRUE(server.start());
    net::IoThread io;
    Sink sink;
    Collected got;
    session::MarketFeed feed(io, adapterFor(server), session::FeedConfig{}, sink);
    feed.open({"binance", "BTCUSDT&limit=1000 HTTP/1.1\r\nX: y", Interval::M1});
    ASSERT_TRUE(got.until(sink, [&] { return !got.errors.empty() && got.saw(feed::FeedState::Failed); }, 10s));
    std::this_thread::sleep_for(200ms);
    feed.stop();
    EXPECT_NE(got.errors.front().error.message.find("accepted: 1 to 32 of ASCII letters, digits"), std::string::npos)
        << got.errors.front().error.message;
    EXPECT_EQ(server.stats().restRequests, 0u);
    EXPECT_EQ(server.stats().wsConnections, 0u);
}

TEST(MarketFeed, ASilentStreamIsDetectedByTheWatchdogAndReplaced) {
    sim::SimConfig config;
    config.klinePushInterval = 100ms;
    sim::SimServer server(config);
    ASSERT_TRUE(server.start());
    net::IoThread io;
    Sink sink;
    Collected got;
    session::FeedConfig feedConfig;
    feedConfig.watchdogOverride = 600ms;
    feedConfig.backoffBase = 100ms;
    feedConfig.backoffMax = 200ms;
    session::MarketFeed feed(io, adapterFor(server), feedConfig, sink);
    feed.open({"binance", "BTCUSDT", Interval::S1});
    ASSERT_TRUE(got.until(sink, [&] { return got.saw(feed::FeedState::Live); }, 10s));
    // The stall reaches only sessions the server has registered.
    ASSERT_TRUE(got.until(sink, [&] { return server.stats().wsOpenConnections >= 1; }, 10s));
    server.inject(sim::SimFault::Stall, 3000ms);  // socket stays open, nothing arrives
    ASSERT_TRUE(got.until(sink, [&] { return got.sawAfter(feed::FeedState::Stale, feed::FeedState::Live); }, 15s));
    feed.stop();
    EXPECT_GE(feed.stats().reconnects, 1u);
}

TEST(MarketFeed, LoadOlderPagesBackToTheListingAndEqualsTheVenuesCandles) {
    sim::SimConfig config;
    config.clock = clockAfterListing("NKNUSDT", 2500);
    sim::SimServer server(config);
    ASSERT_TRUE(server.start());
    const std::int64_t listing = *server.model().firstOpenTime("NKNUSDT", Interval::M1);
    const std::int64_t before = listing + 2400 * 60'000LL;

    net::IoThread io;
    Sink sink;
    Collected got;
    session::MarketFeed feed(io, adapterFor(server), session::FeedConfig{}, sink);
    feed.loadOlder({"binance", "NKNUSDT", Interval::M1}, before, 100'000);
    ASSERT_TRUE(got.until(sink, [&] { return !got.olderBatches.empty() && got.olderBatches.back().startReached; }, 20s));
    feed.stop();
    got.until(sink, [] { return false; }, 0ms);  // anything posted before stop() returned

    // Three pages of the venue's maximum, newest first; only the last one reaches the listing.
    ASSERT_EQ(got.olderBatches.size(), 3u);
    EXPECT_EQ(got.olderBatches[0].candles.size(), 1000u);
    EXPECT_EQ(got.olderBatches[1].candles.size(), 1000u);
    EXPECT_EQ(got.olderBatches[2].candles.size(), 400u);
    EXPECT_FALSE(got.olderBatches[0].startReached);
    EXPECT_FALSE(got.olderBatches[1].startReached);
    for (const auto& b : got.olderBatches) EXPECT_EQ(b.key, (SeriesKey{"binance", "NKNUSDT", Interval::M1}));
    const auto candles = joined(got.olderBatches);
    const auto expected = venueCandles(server, config, "NKNUSDT", listing, before);
    ASSERT_EQ(expected.size(), 2400u);
    EXPECT_EQ(candles.front().openTime, listing);
    EXPECT_TRUE(candles == expected) << "the scroll-back history differs from the venue's candles";
    EXPECT_TRUE(got.errors.empty());
}

TEST(MarketFeed, LoadOlderStopsAtTheRequestedCount) {
    sim::SimConfig config;
    config.clock = clockAfterListing("NKNUSDT", 5000);
    sim::SimServer server(config);
    ASSERT_TRUE(server.start());
    const std::int64_t listing = *server.model().firstOpenTime("NKNUSDT", Interval::M1);
    const std::int64_t before = listing + 4000 * 60'000LL;

    net::IoThread io;
    Sink sink;
    Collected got;
    session::MarketFeed feed(io, adapterFor(server), session::FeedConfig{}, sink);
    feed.loadOlder({"binance", "NKNUSDT", Interval::M1}, before, 1500);
    ASSERT_TRUE(got.until(sink, [&] { return got.historyCandles >= 1500; }, 20s));
    feed.stop();
    got.until(sink, [] { return false; }, 0ms);

    ASSERT_EQ(got.olderBatches.size(), 2u);
    EXPECT_EQ(got.olderBatches[0].candles.size(), 1000u);
    EXPECT_EQ(got.olderBatches[1].candles.size(), 500u);
    EXPECT_FALSE(got.olderBatches[1].startReached) << "2,500 older candles exist";
    EXPECT_TRUE(joined(got.olderBatches) == venueCandles(server, config, "NKNUSDT", before - 1500 * 60'000LL, before));
}

// Scroll-back of several pages asks them at once (issue 21: the simulator answers each 200 ms
// late) and posts them newest first, the last one saying so; together they are the venue's candles.
TEST(MarketFeed, LoadOlderOfSeveralPagesAsksThemAtOnceAndPostsThemNewestFirst) {
    sim::SimConfig config;
    config.clock = clockAfterListing("NKNUSDT", 9000);
    config.restDelay = 200ms;
    sim::SimServer server(config);
    ASSERT_TRUE(server.start());
    const std::int64_t listing = *server.model().firstOpenTime("NKNUSDT", Interval::M1);
    const std::int64_t before = listing + 8000 * 60'000LL + 30'000;  // inside minute 8000: it is the newest

    net::IoThread io;
    Sink sink;
    Collected got;
    session::MarketFeed feed(io, adapterFor(server), session::FeedConfig{}, sink);
    feed.loadOlder({"binance", "NKNUSDT", Interval::M1}, before, 6000);
    ASSERT_TRUE(got.until(sink, [&] { return !got.olderBatches.empty() && got.olderBatches.back().rangeEnd; }, 20s));
    feed.stop();
    got.until(sink, [] { return false; }, 0ms);

    EXPECT_GE(server.stats().restInFlightMax, 2u) << "the pages were asked one at a time";
    ASSERT_EQ(got.olderBatches.size(), 6u);
    for (std::size_t i = 0; i < got.olderBatches.size(); ++i) {
        EXPECT_EQ(got.olderBatches[i].candles.size(), 1000u) << "page " << i;
        EXPECT_EQ(got.olderBatches[i].rangeEnd, i == 5) << "page " << i;
        EXPECT_FALSE(got.olderBatches[i].startReached) << "page " << i;
        if (i > 0) {
            EXPECT_LT(got.olderBatches[i].candles.back().openTime, got.olderBatches[i - 1].candles.front().openTime)
                << "page " << i << " is not older than the one before it";
        }
    }
    EXPECT_TRUE(joined(got.olderBatches) ==
                venueCandles(server, config, "NKNUSDT", listing + 2001 * 60'000LL, listing + 8001 * 60'000LL));
    EXPECT_TRUE(got.errors.empty());
}

TEST(MarketFeed, LoadOlderOfAnUnknownSymbolIsReportedNotRetried) {
    sim::SimServer server(sim::SimConfig{});
    ASSERT_TRUE(server.start());
    net::IoThread io;
    Sink sink;
    Collected got;
    session::MarketFeed feed(io, adapterFor(server), session::FeedConfig{}, sink);
    feed.loadOlder({"binance", "NOSUCHCOIN", Interval::H1}, nowMs());
    ASSERT_TRUE(got.until(sink, [&] { return !got.errors.empty(); }, 10s));
    feed.stop();
    EXPECT_EQ(got.errors.front().error.code, -1121);
    EXPECT_NE(got.errors.front().error.message.find("older history of NOSUCHCOIN"), std::string::npos)
        << got.errors.front().error.message;
    EXPECT_TRUE(got.olderBatches.empty());
    EXPECT_EQ(server.stats().restRequests, 2u) << "time + one klines request, no retry";
}

namespace {

// Earns the simulator's IP ban the way a careless client does: requests during a 429's
// Retry-After (the first few right after it pass as having crossed it on the wire, then the ban).
// The ban then covers every client of the "IP" (the whole simulator).
void earnBan(sim::SimServer& server) {
    server.inject(sim::SimFault::RestTooMany, 0ms, 1);
    net::IoThread io;
    auto tls = net::makeClientTlsContext({});
    ASSERT_TRUE(tls);
    net::HttpClient client(io.context(), *tls);
    const auto base = *net::Url::parse(server.restBase());
    auto first = test::runSync(io, client.get(base, "/api/v3/ping"));
    ASSERT_TRUE(first);
    ASSERT_EQ(first->status, 429);
    int status = 429;
    for (int i = 0; i <= sim::SimConfig{}.maxCrossing429 && status == 429; ++i) {
        auto again = test::runSync(io, client.get(base, "/api/v3/ping"));
        ASSERT_TRUE(again);
        status = again->status;
    }
    ASSERT_EQ(status, 418);
    client.close();
}

}  // namespace

TEST(MarketFeed, AnIpBanStopsEveryRestRequestUntilItEndsAndTellsTheUserWhy) {
    sim::SimConfig config;
    config.klinePushInterval = 100ms;
    config.banDuration = 5000ms;
    // The 429 that earns the ban asks to wait until the next minute: make that minute end before
    // the ban does, or the venue would ban again the first request after the ban.
    config.clock = clockNearMinuteEnd();
    sim::SimServer server(config);
    ASSERT_TRUE(server.start());
    earnBan(server);
    ASSERT_EQ(server.stats().rest418, 1u);

    net::IoThread io;
    Sink sink;
    Collected got;
    session::FeedConfig feedConfig;
    feedConfig.backoffBase = 50ms;  // shorter than the ban: the ban, not the back-off, decides
    feedConfig.backoffMax = 100ms;
    const auto gate = session::venueRestGate(*adapterFor(server), 0, 0.8);  // the host's, as a MarketSession has it
    feedConfig.restGate = gate;
    session::MarketFeed feed(io, adapterFor(server), feedConfig, sink);
    const SeriesKey key{"binance", "BTCUSDT", Interval::M1};
    feed.open(key);
    // The first request meets the ban; the user is told why and until when.
    ASSERT_TRUE(got.until(sink, [&] { return got.saw(feed::FeedState::Reconnecting); }, 10s));
    const auto banned = *std::find_if(got.statuses.begin(), got.statuses.end(),
                                      [](const auto& s) { return s.state == feed::FeedState::Reconnecting; });
    EXPECT_NE(banned.detail.find("HTTP 418"), std::string::npos) << banned.detail;
    EXPECT_NE(banned.detail.find("until 20"), std::string::npos) << banned.detail;
    EXPECT_GT(banned.retryInMs, 1000) << "the wait is the ban's, not the back-off's";
    const auto stats = feed.stats();
    EXPECT_EQ(stats.restBans, 1u);
    EXPECT_GT(stats.restBannedUntilMs, 0);
    // The ban is the IP's, so it holds the whole process: a realtime session started now on the
    // same venue (its own config, the feed's gate: in the app both come from the MarketSession)
    // waits for it before its book snapshot too.
    Sink sessionSink;
    session::StreamSessionConfig sessionConfig;
    sessionConfig.restGate = gate;
    session::StreamSession session(io, adapterFor(server), sessionConfig, sessionSink);
    exchange::StreamSpec depth;
    depth.symbol = "BTCUSDT";
    depth.kind = exchange::StreamKind::Depth;
    session.start({depth});
    // Every other REST user of the feed is held at the same gate: no request reaches the venue.
    const auto requestsDuringBan = server.stats().restRequests;
    feed.loadOlder(key, nowMs());
    feed.requestSymbols();
    ASSERT_TRUE(got.until(sink, [&] { return !got.errors.empty(); }, 10s));
    EXPECT_EQ(got.errors.front().error.code, 418);
    EXPECT_NE(got.errors.front().error.message.find("HTTP 418"), std::string::npos);
    // After the ban the series goes live and the symbol list arrives; the venue never saw a
    // request inside the ban (each one would have been answered 418 again).
    got.statuses.clear();
    const bool healed = got.until(sink, [&] { return got.saw(feed::FeedState::Live) && !got.symbolLists.empty(); }, 20s);
    std::string trace;
    for (const auto& st : got.statuses) trace += std::string(feed::toString(st.state)) + ": " + st.detail + "\n";
    ASSERT_TRUE(healed) << trace << "symbol lists: " << got.symbolLists.size()
                        << ", 418 answers: " << server.stats().rest418;
    feed.stop();
    // The session's book comes from a snapshot asked for after the ban.
    bool booked = false;
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!booked && std::chrono::steady_clock::now() < deadline) {
        for (auto& e : sessionSink.box.takeAll()) booked = booked || std::holds_alternative<feed::OrderBookView>(e);
        if (!booked) std::this_thread::sleep_for(20ms);
    }
    session.stop();
    EXPECT_TRUE(booked) << "the session's book never synced after the ban";
    EXPECT_EQ(server.stats().rest418, 2u) << "a request was sent during the ban";
    EXPECT_GT(server.stats().restRequests, requestsDuringBan);
    EXPECT_EQ(got.historyCandles, 1000u);
}

namespace {

// The stream's klines over a connection change: every candle's final version exactly once, no
// candle missing between the first and the last final seen, each equal to the venue's REST
// candle, and the updates of one candle in event-time order (nothing repeated or stale).
void expectSeamless(const sim::SimServer& server, const std::vector<exchange::KlineUpdate>& klines,
                    Interval interval, std::size_t minFinals) {
    std::map<std::int64_t, int> finals;
    std::map<std::int64_t, std::int64_t> lastEvent;
    std::map<std::int64_t, Candle> finalCandle;
    for (const auto& k : klines) {
        const std::int64_t t = k.candle.openTime;
        EXPECT_EQ(finals[t], 0) << "an update after the final version of " << t;
        if (auto it = lastEvent.find(t); it != lastEvent.end() && !k.candle.closed) {
            EXPECT_GT(k.eventTimeMs, it->second) << "a repeated or stale update of " << t;
        }
        lastEvent[t] = k.eventTimeMs;
        if (k.candle.closed) {
            ++finals[t];
            finalCandle[t] = k.candle;
        }
    }
    ASSERT_GE(finalCandle.size(), minFinals);
    const std::int64_t first = finalCandle.begin()->first;
    const std::int64_t last = finalCandle.rbegin()->first;
    const auto truth = server.model().klines("BTCUSDT", interval, first, last, 1000, nowMs());
    ASSERT_EQ(truth.size(), finalCandle.size()) << "a candle's final version is missing";
    for (const Candle& c : truth) {
        ASSERT_TRUE(finalCandle.contains(c.openTime)) << "missing " << c.openTime;
        EXPECT_EQ(finalCandle[c.openTime], c) << c.openTime;
        EXPECT_EQ(finals[c.openTime], 1) << c.openTime;
    }
}

}  // namespace

TEST(MarketFeed, RotatesMakeBeforeBreakBeforeTheVenuesConnectionLifetime) {
    sim::SimConfig config;
    config.klinePushInterval = 100ms;
    config.maxConnectionLifetime = 1500ms;  // Binance: 24 h
    sim::SimServer server(config);
    ASSERT_TRUE(server.start());
    net::IoThread io;
    Sink sink;
    Collected got;
    session::FeedConfig feedConfig;
    feedConfig.rotateAfter = 700ms;  // Binance: 23 h
    feedConfig.backoffBase = 100ms;
    feedConfig.backoffMax = 200ms;
    session::MarketFeed feed(io, adapterFor(server), feedConfig, sink);
    feed.open({"binance", "BTCUSDT", Interval::S1});
    ASSERT_TRUE(got.until(sink, [&] { return feed.stats().rotations >= 5; }, 20s)) << feed.stats().rotations;
    feed.stop();
    got.until(sink, [] { return false; }, 0ms);
    const auto st = feed.stats();
    EXPECT_EQ(st.reconnects, 0u) << "a rotation fell back to a reconnect";
    EXPECT_EQ(server.stats().lifetimeCuts, 0u) << "the venue cut a connection before the feed rotated it";
    EXPECT_EQ(server.stats().wsConnections, st.rotations + 1);
    expectSeamless(server, got.klines, Interval::S1, 3);
}

TEST(MarketFeed, AServerShutdownRotatesWithoutAGapOrABackfill) {
    sim::SimConfig config;
    config.klinePushInterval = 100ms;
    sim::SimServer server(config);
    ASSERT_TRUE(server.start());
    net::IoThread io;
    Sink sink;
    Collected got;
    session::FeedConfig feedConfig;
    feedConfig.rotateAfter = 0ms;  // only the venue's event rotates
    session::MarketFeed feed(io, adapterFor(server), feedConfig, sink);
    feed.open({"binance", "BTCUSDT", Interval::S1});
    ASSERT_TRUE(got.until(sink, [&] { return got.klines.size() >= 3 && server.stats().wsOpenConnections == 1; }, 10s));
    const auto restBefore = server.stats().restRequests;
    server.inject(sim::SimFault::ServerShutdown);
    ASSERT_TRUE(got.until(sink, [&] { return feed.stats().rotations >= 1; }, 10s));
    const auto finalsSoFar = std::count_if(got.klines.begin(), got.klines.end(), [](const auto& k) { return k.candle.closed; });
    ASSERT_TRUE(got.until(sink, [&] {
        return std::count_if(got.klines.begin(), got.klines.end(), [](const auto& k) { return k.candle.closed; }) >=
               finalsSoFar + 2;
    }, 10s));
    feed.stop();
    got.until(sink, [] { return false; }, 0ms);
    EXPECT_EQ(feed.stats().reconnects, 0u);
    // A rotation needs no backfill. (Under load a 1s candle's x:true can come after the next
    // candle's first update; that one candle is then closed and fetched over REST, counted in
    // `reconciles` — expectSeamless below still checks every final candle against REST.)
    EXPECT_EQ(server.stats().restRequests, restBefore + feed.stats().reconciles) << "a rotation needs no backfill";
    EXPECT_LE(feed.stats().reconciles, 2u);
    EXPECT_EQ(server.stats().wsConnections, 2u);
    expectSeamless(server, got.klines, Interval::S1, 2);
}

TEST(MarketFeed, LoadOlderRetriesAServerErrorAndStillDeliversEveryPage) {
    sim::SimConfig config;
    config.clock = clockAfterListing("NKNUSDT", 1500);
    sim::SimServer server(config);
    ASSERT_TRUE(server.start());
    const std::int64_t listing = *server.model().firstOpenTime("NKNUSDT", Interval::M1);
    const std::int64_t before = listing + 1200 * 60'000LL;
    server.inject(sim::SimFault::RestServerError, 0ms, 2);  // the time request and the first page

    net::IoThread io;
    Sink sink;
    Collected got;
    session::FeedConfig feedConfig;
    feedConfig.backoffBase = 20ms;
    feedConfig.backoffMax = 50ms;
    session::MarketFeed feed(io, adapterFor(server), feedConfig, sink);
    feed.loadOlder({"binance", "NKNUSDT", Interval::M1}, before, 5000);
    ASSERT_TRUE(got.until(sink, [&] { return !got.olderBatches.empty() && got.olderBatches.back().startReached; }, 20s));
    feed.stop();
    got.until(sink, [] { return false; }, 0ms);
    EXPECT_TRUE(got.errors.empty()) << got.errors.front().error.message;
    ASSERT_EQ(got.olderBatches.size(), 2u);
    EXPECT_TRUE(joined(got.olderBatches) == venueCandles(server, config, "NKNUSDT", listing, before));
}

// The venue pings and cuts a client whose pong is late. A backfill that takes longer than that
// deadline (slow REST answers) used to leave the socket unread, so its pings went unanswered and
// the connection was cut. The read loop now runs from connect to close whatever else is going on:
// the backfill ends with the connection it started with.
TEST(MarketFeed, ABackfillLongerThanThePongDeadlineKeepsTheConnection) {
    sim::SimConfig config;
    config.klinePushInterval = 100ms;
    config.pingInterval = 200ms;   // Binance: 20 s (a sped-up clock)
    config.pongTimeout = 700ms;    // Binance: 60 s
    config.restDelay = 1000ms;     // the time request and the page: 2 s of backfill
    sim::SimServer server(config);
    ASSERT_TRUE(server.start());
    net::IoThread io;
    Sink sink;
    Collected got;
    session::FeedConfig feedConfig;
    feedConfig.backoffBase = 100ms;
    feedConfig.backoffMax = 300ms;
    session::MarketFeed feed(io, adapterFor(server), feedConfig, sink);
    feed.open({"binance", "BTCUSDT", Interval::M1});
    ASSERT_TRUE(got.until(sink, [&] { return got.saw(feed::FeedState::Live) && !got.klines.empty(); }, 20s));
    feed.stop();
    EXPECT_GE(server.stats().pingsSent, 5u);
    EXPECT_EQ(server.stats().pongTimeouts, 0u) << "pings went unanswered during the backfill";
    EXPECT_EQ(server.stats().wsConnections, 1u);
    EXPECT_EQ(feed.stats().reconnects, 0u);
    EXPECT_EQ(got.historyCandles, 1000u);
}
