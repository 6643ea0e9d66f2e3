#include "cpc/net/rest_gate.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "cpc/core/time.hpp"
#include "cpc/net/http_client.hpp"

namespace cpc::net {
namespace {

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kT0 = 1'700'000'020'000;  // 40 s into a minute

TEST(RestGate, CalendarWindowSpendsTheSafeShareThenWaitsForTheVenuesNextMinute) {
    RestGate gate(RestLimits{100, std::chrono::milliseconds(kMinute), true, 0.8});
    for (int i = 0; i < 8; ++i) EXPECT_TRUE(gate.admit(10, kT0).go()) << i;
    const auto refused = gate.admit(10, kT0 + 5);
    ASSERT_FALSE(refused.go());
    EXPECT_FALSE(refused.refused);
    EXPECT_EQ(refused.wait.count(), 20'000 - 5 + 250);  // to the minute's end + clock margin
    // The venue's clock runs 30 s ahead: its minute ends 10 s later than ours would say.
    RestGate skewed(RestLimits{10, std::chrono::milliseconds(kMinute), true, 1.0});
    EXPECT_TRUE(skewed.admit(10, kT0, -30'000).go());
    EXPECT_EQ(skewed.admit(1, kT0, -30'000).wait.count(), 50'000 + 250);
    // A new minute starts afresh.
    EXPECT_TRUE(gate.admit(10, kT0 + 20'000).go());
    EXPECT_EQ(gate.usedWeight(kT0 + 20'000), 10);
}

TEST(RestGate, TheVenuesCountRaisesButNeverLowersWhatInFlightRequestsReserved) {
    RestGate gate(RestLimits{100, std::chrono::milliseconds(kMinute), true, 1.0});
    ASSERT_TRUE(gate.admit(30, kT0).go());
    gate.reportUsedWeight(10, kT0 + 1);  // answered before the other 20 were counted
    EXPECT_EQ(gate.usedWeight(kT0 + 1), 30);
    gate.reportUsedWeight(95, kT0 + 2);  // another program on this IP spends too
    EXPECT_EQ(gate.usedWeight(kT0 + 2), 95);
    EXPECT_FALSE(gate.admit(10, kT0 + 3).go());
    EXPECT_TRUE(gate.admit(5, kT0 + 3).go());
}

TEST(RestGate, AnOversizedRequestGoesAloneAtTheStartOfAWindow) {
    RestGate gate(RestLimits{10, std::chrono::milliseconds(kMinute), true, 1.0});
    EXPECT_TRUE(gate.admit(50, kT0).go());
    EXPECT_FALSE(gate.admit(50, kT0 + 1).go());
}

// The venue counts a request when it arrives, which may be long after the gate let it go (a
// handshake, a queue): a reservation leaves the window one window after its answer, not after its
// admission. (Found by the OKX pacing test: requests let go at the end of one window and arriving
// late met the next window's in one of the venue's windows: 21 of 20.)
TEST(RestGate, ASlidingReservationLeavesOneWindowAfterItsAnswerNotItsAdmission) {
    RestGate gate(RestLimits{10, std::chrono::milliseconds(1000), false, 1.0});
    const auto slow = gate.admit(4, 0);
    ASSERT_TRUE(slow.go());
    ASSERT_NE(slow.ticket, 0u);
    const auto quick = gate.admit(6, 100);
    ASSERT_TRUE(quick.go());
    gate.answered(quick.ticket, 120);
    gate.answered(slow.ticket, 700);  // its answer took 700 ms: the venue may have counted it at 690
    // At 1130 the quick one has left (answered at 120); the slow one holds its 4 until 1700.
    EXPECT_TRUE(gate.admit(6, 1130).go());
    const auto wait = gate.admit(1, 1140);
    ASSERT_FALSE(wait.go());
    EXPECT_EQ(wait.wait.count(), 1700 - 1140);
    EXPECT_TRUE(gate.admit(4, 1701).go());
    // An answer never moves a reservation earlier; an unknown or calendar ticket changes nothing.
    gate.answered(12345, 5000);
    EXPECT_EQ(gate.usedWeight(1702), 10);
}

TEST(RestGate, SlidingWindowWaitsUntilEnoughOldReservationsHaveLeft) {
    RestGate gate(RestLimits{10, std::chrono::milliseconds(1000), false, 1.0});
    EXPECT_TRUE(gate.admit(4, 0).go());
    EXPECT_TRUE(gate.admit(4, 300).go());
    const auto wait = gate.admit(4, 500);  // 12 > 10: the first 4 must leave (at 1000)
    ASSERT_FALSE(wait.go());
    EXPECT_EQ(wait.wait.count(), 1000 - 500);
    EXPECT_TRUE(gate.admit(4, 1001).go());
    EXPECT_EQ(gate.usedWeight(1001), 8);
    EXPECT_FALSE(gate.admit(4, 1200).go());
    EXPECT_EQ(gate.admit(10, 1200).wait.count(), 2001 - 1200);  // both must leave
}

TEST(RestGate, RetryAfterPausesEveryRequestToTheHost) {
    RestGate gate;
    gate.pauseUntil(kT0 + 3'000);
    const auto a = gate.admit(1, kT0);
    EXPECT_EQ(a.wait.count(), 3'000);
    EXPECT_FALSE(a.refused);
    gate.pauseUntil(kT0 + 1'000);  // an earlier end does not shorten the pause
    EXPECT_EQ(gate.pausedUntilMs(), kT0 + 3'000);
    EXPECT_TRUE(gate.admit(1, kT0 + 3'000).go());
}

TEST(RestGate, ABanRefusesEveryRequestUntilItEndsAndSaysUntilWhen) {
    RestGate gate;
    const Error e = gate.ban(kT0 + 120'000);
    EXPECT_EQ(e.code, 418);
    EXPECT_NE(e.message.find("banned"), std::string::npos);
    EXPECT_NE(e.message.find(formatUtc(kT0 + 120'000)), std::string::npos);
    const auto a = gate.admit(1, kT0 + 119'999);
    ASSERT_TRUE(a.refused);
    EXPECT_EQ(a.refused->code, 418);
    EXPECT_TRUE(gate.admit(1, kT0 + 120'000).go());
}

TEST(RestGate, AnswersFeedTheGate) {
    RestGate gate(RestLimits{1000, std::chrono::milliseconds(kMinute), true, 1.0});
    EXPECT_FALSE(gate.noteAnswer(200, "", "640", "[]", kT0, 0));
    EXPECT_EQ(gate.usedWeight(kT0), 640);
    EXPECT_FALSE(gate.noteAnswer(200, "", "garbage", "[]", kT0, 0));  // ignored, not a crash
    EXPECT_EQ(gate.usedWeight(kT0), 640);
    EXPECT_FALSE(gate.noteAnswer(429, "7", "", "", kT0, std::nullopt));
    EXPECT_EQ(gate.pausedUntilMs(), kT0 + 7'000);
    EXPECT_FALSE(gate.noteAnswer(429, "", "", "", kT0, std::nullopt));  // no Retry-After: a minute
    EXPECT_EQ(gate.pausedUntilMs(), kT0 + 60'000);
    // 418 with Retry-After; then one whose end is only in the body, in the venue's clock.
    auto banned = gate.noteAnswer(418, "30", "", "", kT0, std::nullopt);
    ASSERT_TRUE(banned);
    EXPECT_EQ(banned->code, 418);
    EXPECT_EQ(gate.bannedUntilMs(), kT0 + 30'000);
    banned = gate.noteAnswer(418, "", "", R"({"code":-1003,"msg":"Way too many requests; IP banned until 1700000400000."})",
                             kT0, 1'000);
    ASSERT_TRUE(banned);
    EXPECT_EQ(gate.bannedUntilMs(), 1'700'000'400'000 - 1'000);
    // Unknown venue clock and no Retry-After: Binance's shortest ban, two minutes.
    RestGate other;
    ASSERT_TRUE(other.noteAnswer(418, "", "", "IP banned until 1700000400000", kT0, std::nullopt));
    EXPECT_EQ(other.bannedUntilMs(), kT0 + 120'000);
}

TEST(RestGate, EachVenuesWaitHeaderSaysHowLongA429Pauses) {
    const auto answer = [](int status, std::map<std::string, std::string> headers) {
        HttpResponse r;
        r.status = status;
        r.headers = std::move(headers);
        return r;
    };
    // Binance: Retry-After seconds, and its used weight.
    RestLimits binanceLimits;
    binanceLimits.usedWeightHeader = "x-mbx-used-weight-1m";
    RestGate binance(binanceLimits);
    EXPECT_FALSE(binance.noteAnswer(answer(200, {{"x-mbx-used-weight-1m", "321"}}), kT0, 0));
    EXPECT_EQ(binance.usedWeight(kT0), 321);
    EXPECT_FALSE(binance.noteAnswer(answer(429, {{"retry-after", "9"}}), kT0, 0));
    EXPECT_EQ(binance.pausedUntilMs(), kT0 + 9'000);
    // KuCoin: milliseconds until the quota resets.
    RestLimits kucoinLimits{2000, std::chrono::milliseconds(30'000), false, 0.8};
    kucoinLimits.waitHeader = "gw-ratelimit-reset";
    kucoinLimits.waitKind = WaitHeader::MillisecondsLeft;
    RestGate kucoin(kucoinLimits);
    EXPECT_FALSE(kucoin.noteAnswer(answer(429, {{"gw-ratelimit-reset", "8500"}}), kT0, std::nullopt));
    EXPECT_EQ(kucoin.pausedUntilMs(), kT0 + 8'500);
    // Bybit: the venue time the limit resets, converted with the clock offset; unknown offset:
    // one window.
    RestLimits bybitLimits{600, std::chrono::milliseconds(5'000), false, 0.8};
    bybitLimits.waitHeader = "x-bapi-limit-reset-timestamp";
    bybitLimits.waitKind = WaitHeader::ResetAtVenueMs;
    RestGate bybit(bybitLimits);
    const auto reset = std::to_string(kT0 + 3'000 + 700);  // venue 3 s ahead; resets 700 ms from now
    EXPECT_FALSE(bybit.noteAnswer(answer(429, {{"x-bapi-limit-reset-timestamp", reset}}), kT0, 3'000));
    EXPECT_EQ(bybit.pausedUntilMs(), kT0 + 700);
    RestGate bybitStale(bybitLimits);  // an offset gone stale: never longer than the window
    EXPECT_FALSE(bybitStale.noteAnswer(answer(429, {{"x-bapi-limit-reset-timestamp", reset}}), kT0, -600'000));
    EXPECT_EQ(bybitStale.pausedUntilMs(), kT0 + 5'000);
    RestGate bybitUnsynced(bybitLimits);
    EXPECT_FALSE(bybitUnsynced.noteAnswer(answer(429, {{"x-bapi-limit-reset-timestamp", reset}}), kT0, std::nullopt));
    EXPECT_EQ(bybitUnsynced.pausedUntilMs(), kT0 + 5'000);
    // OKX says nothing: one window of its limit. A value that makes no sense is no value.
    RestLimits okxLimits{20, std::chrono::milliseconds(2'000), false, 0.8};
    okxLimits.waitHeader.clear();
    RestGate okx(okxLimits);
    EXPECT_FALSE(okx.noteAnswer(answer(429, {}), kT0, 0));
    EXPECT_EQ(okx.pausedUntilMs(), kT0 + 2'000);
    RestGate kucoinGarbage(kucoinLimits);
    EXPECT_FALSE(kucoinGarbage.noteAnswer(answer(429, {{"gw-ratelimit-reset", "-5"}}), kT0, 0));
    EXPECT_EQ(kucoinGarbage.pausedUntilMs(), kT0 + 30'000);
    // A ban with the venue's own wait header is a ban that long.
    RestGate kucoinBan(kucoinLimits);
    ASSERT_TRUE(kucoinBan.noteAnswer(answer(418, {{"gw-ratelimit-reset", "45000"}}), kT0, 0));
    EXPECT_EQ(kucoinBan.bannedUntilMs(), kT0 + 45'000);
}

TEST(RestGate, AVenueWhoseBanIsAnotherStatusIsBannedForItsOwnDuration) {
    // Bybit: HTTP 403 "access too frequent", no Retry-After, stop for at least 10 minutes.
    RestLimits bybit{600, std::chrono::milliseconds(5'000), false, 0.8};
    bybit.banStatus = 403;
    bybit.ban = std::chrono::minutes(10);
    RestGate gate(bybit);
    const auto banned = gate.noteAnswer(403, "", "", R"({"retCode":10006,"retMsg":"access too frequent"})", kT0,
                                        std::nullopt);
    ASSERT_TRUE(banned);
    EXPECT_EQ(banned->code, 418);  // our code for "banned", whatever the venue's status
    EXPECT_NE(banned->message.find("HTTP 403"), std::string::npos) << banned->message;
    EXPECT_EQ(gate.bannedUntilMs(), kT0 + 600'000);
    EXPECT_TRUE(gate.admit(1, kT0 + 599'999).refused);
    // On Binance a 403 is its firewall, not a ban: nothing is held.
    RestGate binance;
    EXPECT_FALSE(binance.noteAnswer(403, "", "", "", kT0, std::nullopt));
    EXPECT_EQ(binance.bannedUntilMs(), 0);
}

}  // namespace
}  // namespace cpc::net
