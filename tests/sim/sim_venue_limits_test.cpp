// Each venue's own REST limits in the simulator (src/sim/venue_limits.hpp), asked directly with
// the HttpClient and no pacing: Bybit's 600 requests per IP in 5 s and its 403 ban, OKX's window per
// endpoint and its 429 code 50011, KuCoin's public pool of 2,000 weight per 30 s counted from the
// first request and its 429 code 429000 with gw-ratelimit-reset. Binance's weight per minute is
// sim_fault_test's. What the client's gate makes of each answer is checked too.
#include <gtest/gtest.h>

#include "cpc/exchange/bybit/bybit_adapter.hpp"
#include "cpc/exchange/kucoin/kucoin_adapter.hpp"
#include "cpc/exchange/okx/okx_adapter.hpp"
#include "venue_sim_util.hpp"

using namespace cpc;
using namespace std::chrono_literals;
using cpc::test::kFixedNowMs;
using cpc::test::TestClock;
using cpc::test::VenueSim;

namespace {

// Asks `target` until the answer is not 200 (at most `bound` times); returns how many were 200
// and the first other answer.
std::pair<int, net::HttpResponse> askUntilRefused(VenueSim& sim, const std::string& target, int bound) {
    for (int ok = 0; ok < bound; ++ok) {
        auto r = sim.get(target);
        if (r.status != 200) return {ok, std::move(r)};
    }
    ADD_FAILURE() << target << " was never refused in " << bound << " requests";
    return {bound, net::HttpResponse{}};
}

sim::SimConfig fixedClock(TestClock& clock) {
    sim::SimConfig c;
    c.clock = clock.fn();
    return c;
}

}  // namespace

TEST(SimVenueLimits, BybitBansAnIpThatSendsMoreThan600RequestsIn5SecondsWith403) {
    TestClock clock{kFixedNowMs};
    sim::SimConfig c = fixedClock(clock);
    c.banDuration = 60'000ms;
    VenueSim sim("bybit", false, c, "/v5/public/spot");
    // Sent one after the other: 600 go through within the 5 s (more if the machine is slow and
    // the window slid), the next one is the ban; there is no 429 before it.
    const auto [ok, refused] = askUntilRefused(sim, "/v5/market/time", 5000);
    EXPECT_GE(ok, 600);
    EXPECT_EQ(refused.status, 403);
    EXPECT_EQ(refused.header("retry-after"), "60");
    const auto e = exchange::BybitAdapter::parseErrorBody(refused.body, refused.status);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, 10006);
    auto st = sim.env->server->stats();
    EXPECT_EQ(st.rest429, 0u);
    EXPECT_EQ(st.rest418, 1u);
    EXPECT_EQ(st.weightViolations, 1u);
    EXPECT_EQ(st.restPeakLimitPermille, 1000);
    // The ban holds the whole IP, every path, for its length.
    EXPECT_EQ(sim.get("/v5/market/kline?category=spot&symbol=BTCUSDT&interval=1&limit=1").status, 403);
    EXPECT_EQ(sim.env->server->stats().weightViolations, 2u) << "a request during the ban";
    // The client's gate takes the 403 as Bybit's ban, for as long as Retry-After says.
    net::RestGate gate(session::restLimitsOf(*sim.adapter, 0, 0.8));
    const auto ban = gate.noteAnswer(refused, 1'000'000, 0);
    ASSERT_TRUE(ban);
    EXPECT_NE(ban->message.find("HTTP 403"), std::string::npos) << ban->message;
    EXPECT_EQ(gate.bannedUntilMs(), 1'060'000);
}

// The swap-only paths of OKX's perpetual simulator have their windows too (funding-rate-history
// 10 / 2 s, open-interest 20 / 2 s), and the client's swap codec paces them by the same.
TEST(SimVenueLimits, OkxSwapPathsHaveTheirOwnWindows) {
    TestClock clock{kFixedNowMs};
    sim::SimConfig c = fixedClock(clock);
    c.restWindowDivisor = 1;
    c.market = MarketType::Perp;
    VenueSim sim("okx", false, c, "/ws/v5");
    const auto started = std::chrono::steady_clock::now();
    const auto [ok, refused] =
        askUntilRefused(sim, "/api/v5/public/funding-rate-history?instId=BTC-USDT-SWAP&limit=1", 2000);
    if (std::chrono::steady_clock::now() - started < 1900ms) {
        EXPECT_EQ(ok, 10);
    }
    EXPECT_GE(ok, 10);
    EXPECT_EQ(refused.status, 429);
    const auto e = exchange::OkxAdapter::parseErrorBody(refused.body, refused.status);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, 50011);
    EXPECT_EQ(sim.get("/api/v5/public/open-interest?instType=SWAP&instId=BTC-USDT-SWAP").status, 200)
        << "another path, another window";
    const auto [oiOk, oiRefused] = askUntilRefused(sim, "/api/v5/public/open-interest?instType=SWAP&instId=BTC-USDT-SWAP", 2000);
    EXPECT_GE(oiOk + 1, 20);
    EXPECT_EQ(oiRefused.status, 429);

    const auto swap = exchange::makeAdapter("okx", {}, MarketType::Perp);
    ASSERT_TRUE(swap);
    const auto limits = (*swap)->restRateLimit();
    const auto windowOf = [&](const std::string& path) {
        for (const auto& endpoint : limits.endpoints)
            if (endpoint.path == path) return endpoint.weight;
        return 0;
    };
    EXPECT_EQ(windowOf("/api/v5/public/funding-rate-history"), 10);
    EXPECT_EQ(windowOf("/api/v5/public/funding-rate"), 10);
    EXPECT_EQ(windowOf("/api/v5/public/open-interest"), 20);
    EXPECT_EQ(windowOf("/api/v5/rubik/stat/contracts/open-interest-history"), 10);
    EXPECT_EQ(exchange::makeAdapter("okx").value()->restRateLimit().endpoints.size(), 5u) << "spot: its five";

    // The mark and index price candles: the history- variants 10 per 2 s, each its own window,
    // paced by the codec the same.
    const auto [markOk, markRefused] = askUntilRefused(
        sim, "/api/v5/market/history-mark-price-candles?instId=BTC-USDT-SWAP&bar=1m&limit=1", 2000);
    EXPECT_GE(markOk, 10);
    EXPECT_EQ(markRefused.status, 429);
    EXPECT_EQ(sim.get("/api/v5/market/history-index-candles?instId=BTC-USDT&bar=1m&limit=1").status, 200)
        << "the index candles have a window of their own";
    EXPECT_EQ(windowOf("/api/v5/market/history-mark-price-candles"), 10);
    EXPECT_EQ(windowOf("/api/v5/market/history-index-candles"), 10);
    EXPECT_EQ(windowOf("/api/v5/market/mark-price-candles"), 20);
    EXPECT_EQ(windowOf("/api/v5/market/index-candles"), 20);
}

TEST(SimVenueLimits, OkxCountsEachEndpointInItsOwnTwoSecondWindow) {
    TestClock clock{kFixedNowMs};
    sim::SimConfig c = fixedClock(clock);
    c.restWindowDivisor = 1;  // OKX's own 2 s
    VenueSim sim("okx", false, c, "/ws/v5");
    const std::string history = "/api/v5/market/history-candles?instId=BTC-USDT&bar=1m&limit=1";
    const auto started = std::chrono::steady_clock::now();
    const auto [ok, refused] = askUntilRefused(sim, history, 2000);
    if (std::chrono::steady_clock::now() - started < 1900ms) {
        EXPECT_EQ(ok, 20);
    }
    EXPECT_GE(ok, 20);
    EXPECT_EQ(refused.status, 429);
    EXPECT_EQ(refused.header("retry-after"), "");
    const auto e = exchange::OkxAdapter::parseErrorBody(refused.body, refused.status);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, 50011);
    EXPECT_NE(e->message.find("Rate limit reached"), std::string::npos) << e->message;
    // Another endpoint has a window of its own: candles (40) still answer, the time (10) too
    // until its own ten.
    EXPECT_EQ(sim.get("/api/v5/market/candles?instId=BTC-USDT&bar=1m&limit=1").status, 200);
    const auto [timeOk, timeRefused] = askUntilRefused(sim, "/api/v5/public/time", 2000);
    EXPECT_GE(timeOk, 10);
    EXPECT_EQ(timeRefused.status, 429);
    auto st = sim.env->server->stats();
    EXPECT_EQ(st.rest429, 2u);
    EXPECT_EQ(st.rest418, 0u) << "OKX answers 429 while a window is full, no ban";
    EXPECT_EQ(st.weightViolations, 2u);
    EXPECT_EQ(st.restPeakLimitPermille, 1000);
    // The window slides: 2 s later the history answers again.
    std::this_thread::sleep_for(2100ms);
    EXPECT_EQ(sim.get(history).status, 200);
}

TEST(SimVenueLimits, KucoinPublicPoolRefillsAWindowAfterItsFirstRequestAndSaysWhen) {
    TestClock clock{kFixedNowMs};
    sim::SimConfig c = fixedClock(clock);
    c.restWindowDivisor = 6;  // 5 s instead of 30 s
    VenueSim sim("kucoin", false, c, "");
    // The symbol list weighs 4: 500 of them use the 2,000 of the pool. The pool's window starts
    // when the first arrives: stamped before it was sent and once it was answered.
    const auto sent = std::chrono::steady_clock::now();
    ASSERT_EQ(sim.get("/api/v2/symbols").status, 200);
    const auto first = std::chrono::steady_clock::now();
    const auto [ok, refused] = askUntilRefused(sim, "/api/v2/symbols", 2000);
    const auto refusedAt = std::chrono::steady_clock::now();
    if (refusedAt - sent < 4900ms) {
        EXPECT_EQ(ok, 499);
    }
    EXPECT_EQ(refused.status, 429);
    const auto e = exchange::KucoinAdapter::parseErrorBody(refused.body, refused.status);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, 429000);
    // gw-ratelimit-reset: the milliseconds until the pool refills, counted from the first request.
    const long long reset = std::stoll(refused.header("gw-ratelimit-reset"));
    EXPECT_GT(reset, 0);
    // Counted from the first request, not a whole window: no more than what was left of the
    // window after the first answer (plus the refusal's way back, 250 ms at most on a loaded
    // machine), no less than what was left of it counted from before the first was sent.
    const auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
    if (refusedAt - sent < 4900ms) {  // else the pool may have refilled once on the way
        EXPECT_LE(reset, 5000 - ms(refusedAt - first) + 250);
        EXPECT_GE(reset, 5000 - ms(refusedAt - sent));
    }
    EXPECT_EQ(refused.header("gw-ratelimit-remaining"), "0");
    // The pool is shared by every public path: the (lighter) time asks are refused too.
    EXPECT_EQ(sim.get("/api/v1/timestamp").status, 429);
    // The client's gate pauses exactly that long (not one whole window).
    net::RestGate gate(session::restLimitsOf(*sim.adapter, 0, 0.8));
    EXPECT_FALSE(gate.noteAnswer(refused, 1'000'000, 0));
    EXPECT_EQ(gate.pausedUntilMs(), 1'000'000 + reset);
    auto st = sim.env->server->stats();
    EXPECT_EQ(st.rest418, 0u);
    EXPECT_EQ(st.weightViolations, 2u);
    EXPECT_EQ(st.restPeakLimitPermille, 1000);
    std::this_thread::sleep_for(std::chrono::milliseconds(reset + 20));
    EXPECT_EQ(sim.get("/api/v1/timestamp").status, 200) << "a new window has begun";
}

TEST(SimVenueLimits, AnInjectedBanAnswersEveryRequestWithTheVenuesBanStatusAndIsNoViolation) {
    for (const auto& [venue, path, status] : {std::tuple{"binance", "/api/v3/time", 418},
                                              std::tuple{"bybit", "/v5/market/time", 403},
                                              std::tuple{"okx", "/api/v5/public/time", 418},
                                              std::tuple{"kucoin", "/api/v1/timestamp", 418}}) {
        TestClock clock{kFixedNowMs};
        VenueSim sim(venue, false, fixedClock(clock), "");
        sim.env->server->inject(sim::SimFault::RestBan, 30'000ms);
        const auto r = sim.get(path);
        EXPECT_EQ(r.status, status) << venue;
        EXPECT_EQ(r.header("retry-after"), "30") << venue;
        auto st = sim.env->server->stats();
        EXPECT_EQ(st.restBanAnswersInjected, 1u) << venue;
        EXPECT_EQ(st.weightViolations, 0u) << venue << ": the client could not have known";
        clock.set(kFixedNowMs + 31'000);
        EXPECT_EQ(sim.get(path).status, 200) << venue;
    }
}
