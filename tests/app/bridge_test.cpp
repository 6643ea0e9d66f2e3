#include <gtest/gtest.h>

#include <QTemporaryDir>
#include <QThreadPool>
#include <thread>

#include "app_test_util.hpp"
#include "cpc/app/market_bridge.hpp"
#include "cpc/storage/storage_worker.hpp"

using namespace cpc;

TEST(MarketBridge, ABurstOfTenThousandEventsCostsOneWakeUp) {
    app::MarketBridge bridge;
    std::size_t received = 0;
    int batches = 0;
    bridge.setConsumer([&](std::vector<session::Handoff>&& items) {
        received += items.size();
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

TEST(MarketBridge, StorageResultsFeedEventsAndWorkerResultsShareOneWakeUpInPostingOrder) {
    // What reaches the GUI thread from three other threads, in this order: feed events from a
    // "network" thread, a storage answer from the storage thread (as the series hub posts it),
    // a result from a QThreadPool job (as MainWindow's indicator recompute posts it), more events.
    app::MarketBridge bridge;
    std::vector<std::string> arrived;
    int batches = 0;
    bridge.setConsumer([&](std::vector<session::Handoff>&& items) {
        ++batches;
        for (session::Handoff& item : items) {
            if (auto* event = std::get_if<feed::FeedEvent>(&item))
                arrived.push_back("event " + std::to_string(std::get<exchange::KlineUpdate>(*event).candle.openTime));
            else
                std::get<session::Task>(item)();
        }
    });
    const auto postEvents = [&](int from, int to) {
        std::thread network([&] {
            for (int i = from; i < to; ++i) {
                exchange::KlineUpdate u;
                u.candle.openTime = i;
                bridge.post(std::move(u));
            }
        });
        network.join();
    };
    postEvents(0, 100);
    QTemporaryDir dir;
    storage::StorageWorker storage(dir.filePath("cache.sqlite3").toStdString());
    storage.loadLatest(SeriesKey{"binance", "BTCUSDT", Interval::M1}, 10,
                       [&arrived, post = bridge.executor()](Result<std::vector<Candle>> loaded) {
                           const bool ok = loaded.ok();
                           post([&arrived, ok] { arrived.push_back(ok ? "storage" : "storage failed"); });
                       });
    storage.flush();
    QThreadPool pool;
    pool.start([&arrived, post = bridge.executor()] { post([&arrived] { arrived.push_back("indicators"); }); });
    pool.waitForDone();
    postEvents(100, 200);

    ASSERT_TRUE(test::processEventsUntil([&] { return arrived.size() == 202; }, 5000)) << arrived.size();
    EXPECT_EQ(batches, 1);
    EXPECT_EQ(bridge.wakeUps(), 1u);
    std::vector<std::string> expected;
    for (int i = 0; i < 100; ++i) expected.push_back("event " + std::to_string(i));
    expected.push_back("storage");
    expected.push_back("indicators");
    for (int i = 100; i < 200; ++i) expected.push_back("event " + std::to_string(i));
    EXPECT_EQ(arrived, expected);
}
