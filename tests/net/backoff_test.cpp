#include "cpc/net/backoff.hpp"

#include <set>

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using cpc::net::Backoff;

TEST(Backoff, UpperBoundDoublesUntilTheCap) {
    Backoff b(100ms, 1600ms, 1);
    const std::chrono::milliseconds expected[] = {100ms, 200ms, 400ms, 800ms, 1600ms, 1600ms, 1600ms};
    for (auto e : expected) {
        EXPECT_EQ(b.peek(), e);
        b.next();
    }
    EXPECT_EQ(b.attempts(), 7);
}

TEST(Backoff, EveryDelayIsWithinOneMillisecondAndItsBound) {
    Backoff b(50ms, 5000ms, 7);
    for (int i = 0; i < 200; ++i) {
        const auto upper = b.peek();
        const auto d = b.next();
        EXPECT_GE(d, 1ms) << "attempt " << i;
        EXPECT_LE(d, upper) << "attempt " << i;
        EXPECT_LE(d, 5000ms);
    }
}

TEST(Backoff, FullJitterUsesTheWholeRangeDownToZero) {
    // Equal jitter would never go below half the bound; full jitter does, about half the time.
    Backoff b(1000ms, 1000ms, 11);
    int belowHalf = 0;
    for (int i = 0; i < 1000; ++i)
        if (b.next() < 500ms) ++belowHalf;
    EXPECT_GT(belowHalf, 400);
    EXPECT_LT(belowHalf, 600);
}

TEST(Backoff, JitterSpreadsTheDelays) {
    std::set<long long> seen;
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
        Backoff b(1000ms, 60000ms, seed);
        b.next();
        b.next();
        seen.insert(b.next().count());  // bound 4000 ms: drawn from [1, 4000]
    }
    EXPECT_GT(seen.size(), 10u);
}

TEST(Backoff, SameSeedGivesTheSameSequence) {
    Backoff a(10ms, 10000ms, 99), b(10ms, 10000ms, 99);
    for (int i = 0; i < 20; ++i) EXPECT_EQ(a.next(), b.next());
}

TEST(Backoff, ResetStartsOverAndManyAttemptsDoNotOverflow) {
    Backoff b(10ms, 30000ms, 3);
    for (int i = 0; i < 100; ++i) b.next();
    EXPECT_EQ(b.peek(), 30000ms);
    b.reset();
    EXPECT_EQ(b.attempts(), 0);
    EXPECT_EQ(b.peek(), 10ms);
    EXPECT_LE(b.next(), 10ms);
}
