#include <gtest/gtest.h>

#include <thread>

#include "app_test_util.hpp"
#include "cpc/app/market_bridge.hpp"

using namespace cpc;

TEST(MarketBridge, ABurstOfTenThousandEventsCostsOneWakeUp) {
    app::MarketBridge bridge;
    std::size_t received = 0;
    int batches = 0;
    bridge.setConsumer([&](std::vector<feed::FeedEvent>&& events) {
        received += events.size();
        ++batches;
    });
    std::thread producer([&] {
        for (int i = 0; i < 10000; ++i) {
            exchange::KlineUpdate u;
            u.candle.openTime = i * 60'000LL;
            bridge.post(std::move(u));
        }
    });
    producer.join();
    ASSERT_TRUE(test::processEventsUntil([&] { return received == 10000; }, 5000));
    EXPECT_EQ(batches, 1);
    EXPECT_EQ(bridge.wakeUps(), 1u);
}
