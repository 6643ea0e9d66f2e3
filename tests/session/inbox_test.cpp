#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "cpc/session/inbox.hpp"

using namespace cpc;

TEST(Inbox, AMixedBurstFromSeveralThreadsCostsOneWakeUpAndKeepsEachProducersOrder) {
    std::atomic<int> wakes{0};
    session::Inbox inbox([&] { ++wakes; });
    constexpr int kEach = 2000;
    std::vector<int> ran;  // tasks run on this thread only
    std::thread events([&] {
        for (int i = 0; i < kEach; ++i) {
            exchange::KlineUpdate u;
            u.candle.openTime = i;
            inbox.post(feed::FeedEvent(u));
        }
    });
    std::thread tasks([&, post = inbox.executor()] {
        for (int i = 0; i < kEach; ++i) post([&ran, i] { ran.push_back(i); });
    });
    events.join();
    tasks.join();
    EXPECT_EQ(wakes.load(), 1);
    auto items = inbox.takeAll();
    ASSERT_EQ(items.size(), 2u * kEach);
    std::int64_t nextOpen = 0;
    for (auto& item : items) {
        if (auto* e = std::get_if<feed::FeedEvent>(&item)) {
            EXPECT_EQ(std::get<exchange::KlineUpdate>(*e).candle.openTime, nextOpen++);
        } else {
            std::get<session::Task>(item)();
        }
    }
    EXPECT_EQ(nextOpen, kEach);
    ASSERT_EQ(ran.size(), static_cast<std::size_t>(kEach));
    for (int i = 0; i < kEach; ++i) ASSERT_EQ(ran[static_cast<std::size_t>(i)], i);
    // Emptied: the next post wakes again.
    inbox.post([] {});
    EXPECT_EQ(wakes.load(), 2);
}

TEST(Inbox, AnExecutorKeptByAWorkerOutlivesTheInboxAndWakesNobody) {
    int wakes = 0;
    session::Executor post;
    {
        session::Inbox inbox([&] { ++wakes; });
        post = inbox.executor();
    }
    bool ran = false;
    post([&] { ran = true; });
    EXPECT_EQ(wakes, 0);
    EXPECT_FALSE(ran);
}
