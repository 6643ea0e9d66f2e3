// The feed's REST pacing against each venue's own limits in the simulator (src/sim/venue_limits.hpp):
// Bybit's 600 requests per 5 s per IP, OKX's history-candles window (20 per 2 s), KuCoin's public
// pool (2,000 weight per 30 s from its first request). Scroll-back history of eight charts at once
// (eight loads in flight, page after page, far more requests than one window allows) goes through
// one MarketFeed and the venue's RestGate (session::restLimitsOf, as the MarketSession makes it):
// every page arrives equal to the venue's candles, the simulator counts no request beyond the
// venue's limit, and its accounting shows the windows were used close to the gate's 80 % (so the
// pacing, not a slow machine, kept the feed inside). Then the venue's own refusal is forced: on Bybit
// its 403 ban (every load fails with a message naming HTTP 403 and until when; no request reaches
// the venue during the ban), on OKX and KuCoin a 429 (waited out as the venue says — OKX says
// nothing: one window; KuCoin's gw-ratelimit-reset — and no request sent inside it).
// Binance's weight per minute of its clock is paced in session/market_feed_test and the fault
// matrix.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <thread>

#include "cpc/core/time.hpp"
#include "cpc/exchange/registry.hpp"
#include "cpc/feed/mailbox.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/session/market_feed.hpp"
#include "cpc/session/venue_rest.hpp"
#include "cpc/session/venue_rest_gate.hpp"
#include "cpc/sim/sim_server.hpp"
#include "net_test_util.hpp"

using namespace cpc;
using namespace std::chrono_literals;

namespace {

struct PacingCase {
    std::string venue;
    std::string streamPath;
    int windowDivisor;  // the venue's window and the gate's, this many times shorter
    int loads;          // scroll-back loads of 5 candles each
    sim::SimFault refusal;
};

std::ostream& operator<<(std::ostream& os, const PacingCase& c) { return os << c.venue; }

struct MailboxSink final : feed::FeedSink {
    void post(feed::FeedEvent e) override { box.post(std::move(e)); }
    feed::Mailbox<feed::FeedEvent> box;
};

class VenuePacing : public ::testing::TestWithParam<PacingCase> {};

}  // namespace

TEST_P(VenuePacing, EightChartsScrollingBackNeverBreakTheVenuesLimitAndItsRefusalIsHonoured) {
    const PacingCase& c = GetParam();
    sim::SimConfig config;
    config.exchange = c.venue;
    config.klinePushInterval = 100ms;
    config.restWindowDivisor = c.windowDivisor;
    config.tooManyRetryAfterSeconds = 1;
    config.banDuration = 1500ms;
    config.log = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
    sim::SimServer server(config);
    ASSERT_TRUE(server.start());
    auto made = exchange::makeAdapter(c.venue, {server.restBase(), server.streamBase() + c.streamPath});
    ASSERT_TRUE(made) << made.error().message;
    std::shared_ptr<const exchange::ExchangeAdapter> adapter(std::move(*made));
    net::RestLimits limits = session::restLimitsOf(*adapter, 0, 0.8);
    ASSERT_FALSE(limits.calendarWindow);
    limits.window /= c.windowDivisor;
    for (net::EndpointWindow& e : limits.endpoints) e.window /= c.windowDivisor;

    net::IoThread io;
    MailboxSink sink;
    session::FeedConfig feedConfig;
    feedConfig.backoffBase = 20ms;
    feedConfig.backoffMax = 80ms;
    feedConfig.restGate = std::make_shared<net::RestGate>(limits);
    session::MarketFeed feed(io, adapter, feedConfig, sink);
    const SeriesKey key{c.venue, adapter->symbolFor("ETH", "USDT"), Interval::M1};
    const std::int64_t newest = nowMs() / (5 * kMinuteMs) * (5 * kMinuteMs) - 10 * kMinuteMs;

    // Keeps `inFlight` loads running until `total` have ended; returns the batches by the `before`
    // they answered for, and the errors.
    std::map<std::int64_t, std::vector<Candle>> pages;
    std::vector<feed::FeedError> errors;
    const auto run = [&](int first, int total, int inFlight, std::chrono::seconds timeout) {
        int next = first;
        int ended = 0;
        const auto issue = [&] {
            feed.loadOlder(key, newest - static_cast<std::int64_t>(next) * 5 * kMinuteMs, 5);
            ++next;
        };
        while (next < first + std::min(inFlight, total)) issue();
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (ended < total && std::chrono::steady_clock::now() < deadline) {
            for (auto& e : sink.box.takeAll()) {
                if (auto* h = std::get_if<feed::HistoryBatch>(&e); h && h->older) {
                    auto& page = pages[h->candles.empty() ? 0 : h->candles.back().openTime / (5 * kMinuteMs)];
                    page.insert(page.end(), h->candles.begin(), h->candles.end());
                    if (h->candles.empty() || h->candles.front().openTime % (5 * kMinuteMs) == 0 || h->startReached) {
                        ++ended;
                        if (next < first + total) issue();
                    }
                } else if (auto* err = std::get_if<feed::FeedError>(&e)) {
                    errors.push_back(*err);
                    ++ended;
                    if (next < first + total) issue();
                }
            }
            std::this_thread::sleep_for(2ms);
        }
        return ended == total;
    };

    const auto started = std::chrono::steady_clock::now();
    ASSERT_TRUE(run(0, c.loads, 8, 60s)) << "the loads did not end";
    const auto took = std::chrono::steady_clock::now() - started;
    for (const auto& err : errors) ADD_FAILURE() << err.error.message;
    // Every page is the venue's: its candles (KuCoin leaves out the minutes without trades).
    std::size_t candles = 0;
    for (const auto& [slot, page] : pages) {
        ASSERT_FALSE(page.empty());
        const auto truth = server.model().klines("ETHUSDT", Interval::M1, page.front().openTime, page.back().openTime,
                                                 1000, nowMs());
        for (const Candle& got : page) {
            const auto it = std::find_if(truth.begin(), truth.end(), [&](const Candle& t) { return t.openTime == got.openTime; });
            ASSERT_NE(it, truth.end()) << got.openTime;
            EXPECT_TRUE(got.open == it->open && got.high == it->high && got.low == it->low && got.close == it->close &&
                        got.volume == it->volume)
                << "candle " << got.openTime << " differs from the venue's";
        }
        candles += page.size();
    }
    EXPECT_GE(candles, static_cast<std::size_t>(c.loads) * 4);
    auto st = server.stats();
    EXPECT_EQ(st.weightViolations, 0u) << "a request beyond the venue's limit";
    EXPECT_EQ(st.rest429, 0u);
    EXPECT_EQ(st.rest418, 0u);
    // The gate spends 80 % of a window; the loads asked for far more than one window holds, so the
    // busiest window was filled to about that, and the burst lasted more than one window.
    EXPECT_GE(st.restPeakLimitPermille, 700) << "the burst never came near the venue's limit";
    EXPECT_LE(st.restPeakLimitPermille, 1000);
    EXPECT_GT(took, limits.window) << "the pacing never waited";

    // The venue's own refusal, forced: the next request meets it.
    const auto requestsBefore = server.stats().restRequests;
    server.inject(c.refusal, 1500ms, 1);
    const auto refusedAt = std::chrono::steady_clock::now();
    // Three loads in flight: the simulator forgives at most three requests crossing its refusal
    // on the wire (SimConfig::maxCrossing429).
    ASSERT_TRUE(run(c.loads, 16, 3, 30s)) << "the loads after the refusal did not end";
    st = server.stats();
    EXPECT_EQ(st.weightViolations, 0u) << "a request was sent inside the venue's wait or ban";
    if (c.refusal == sim::SimFault::RestBan) {
        // Bybit's 403: the loads fail, saying why and until when; the venue saw one request of
        // them during the ban (and those crossing the first answer on the wire).
        EXPECT_GE(st.restBanAnswersInjected, 1u);
        ASSERT_FALSE(errors.empty());
        EXPECT_EQ(errors.front().error.code, 418);
        EXPECT_NE(errors.front().error.message.find("HTTP 403"), std::string::npos) << errors.front().error.message;
        EXPECT_NE(errors.front().error.message.find("until 20"), std::string::npos) << errors.front().error.message;
        EXPECT_GT(feed.stats().restBannedUntilMs, 0);
        // After the ban, scroll-back works again.
        std::this_thread::sleep_for(std::chrono::milliseconds(feedConfig.restGate->bannedUntilMs() - nowMs() + 50));
        errors.clear();
        ASSERT_TRUE(run(c.loads + 16, 8, 3, 30s));
        EXPECT_TRUE(errors.empty()) << errors.front().error.message;
    } else {
        // A 429: every load waited the venue's wait and then got its page; nothing failed.
        EXPECT_EQ(st.restTooManyInjected, 1u);
        EXPECT_EQ(st.rest429, 1u);
        EXPECT_EQ(st.rest418, 0u);
        for (const auto& err : errors) ADD_FAILURE() << err.error.message;
        EXPECT_GE(std::chrono::steady_clock::now() - refusedAt, 900ms) << "the 429's wait was not honoured";
    }
    EXPECT_GT(server.stats().restRequests, requestsBefore);
    feed.stop();
}

INSTANTIATE_TEST_SUITE_P(Venues, VenuePacing,
                         ::testing::Values(PacingCase{"bybit", "/v5/public/spot", 2, 900, sim::SimFault::RestBan},
                                           PacingCase{"okx", "/ws/v5", 2, 48, sim::SimFault::RestTooMany},
                                           PacingCase{"kucoin", "", 6, 800, sim::SimFault::RestTooMany}),
                         [](const auto& p) { return p.param.venue; });

// OKX counts each endpoint apart: /api/v5/public/time allows 10 requests per 2 s, history-candles 20
// (the simulator keeps both, src/sim/venue_limits.cpp). The gate knows each endpoint's window
// (the adapter's RestRateLimit::endpoints): a burst of clock syncs (a backfill asks the clock after
// every reconnect) stays inside /public/time's 10, and does not use up history-candles' window.
// With one budget per host (16 a window, 0.8 of 20) the burst sent 14 time requests into one window.
TEST(OkxPacing, ABurstOfClockSyncsKeepsPublicTimesOwnWindowAndLeavesHistoryCandlesItsOwn) {
    sim::SimConfig config;
    config.exchange = "okx";
    config.klinePushInterval = 100ms;
    config.log = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
    sim::SimServer server(config);
    ASSERT_TRUE(server.start());
    auto made = exchange::makeAdapter("okx", {server.restBase(), server.streamBase() + "/ws/v5"});
    ASSERT_TRUE(made) << made.error().message;
    std::shared_ptr<const exchange::ExchangeAdapter> adapter(std::move(*made));
    net::IoThread io;
    session::VenueRestConfig restConfig;
    restConfig.gate = session::venueRestGate(*adapter, 0, 0.8);
    auto rest = std::make_shared<session::VenueRest>(io.context(), adapter, restConfig);
    auto scope = std::make_shared<session::CancelScope>(io.context());

    const auto started = std::chrono::steady_clock::now();
    const auto syncs = [&]() -> boost::asio::awaitable<int> {
        int ok = 0;
        for (int i = 0; i < 14; ++i)
            if (auto r = co_await rest->syncClock(*scope); r) ++ok;
        co_return ok;
    };
    EXPECT_EQ(test::runSync(io, syncs(), 20s), 14);
    const auto syncsTook = std::chrono::steady_clock::now() - started;
    auto st = server.stats();
    EXPECT_EQ(st.weightViolations, 0u) << "more /api/v5/public/time requests in one window than OKX allows";
    EXPECT_EQ(st.rest429, 0u);
    EXPECT_GE(syncsTook, 1500ms) << "14 clock syncs need a second window of /public/time";

    // history-candles right after: its own window is untouched, 16 go at once (0.8 of its 20).
    const auto pagesFrom = std::chrono::steady_clock::now();
    const auto pages = [&]() -> boost::asio::awaitable<int> {
        int ok = 0;
        for (int i = 0; i < 16; ++i) {
            const exchange::HistoryQuery q{"ETH-USDT", Interval::M1, std::nullopt, nowMs() - i * 100 * kMinuteMs, 100};
            if (auto r = co_await rest->send(adapter->historyRequest(q), *scope); r && r->status == 200) ++ok;
        }
        co_return ok;
    };
    EXPECT_EQ(test::runSync(io, pages(), 20s), 16);
    EXPECT_LT(std::chrono::steady_clock::now() - pagesFrom, 1000ms) << "history-candles waited for /public/time's window";
    st = server.stats();
    EXPECT_EQ(st.weightViolations, 0u);
    EXPECT_EQ(st.rest429, 0u);
    scope->cancel();
}
