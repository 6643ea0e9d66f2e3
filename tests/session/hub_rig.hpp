#pragma once
// A series hub driven on the test's thread the way the app's GUI thread drives it: the simulator
// (or an unreachable venue) → MarketFeed on a network thread → one inbox → hub.apply, storage
// answers through the same inbox (the hub's post executor), SQLite in a temporary file.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <unistd.h>

#include "cpc/exchange/registry.hpp"
#include "cpc/session/market_feed.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/session/inbox.hpp"
#include "cpc/session/series_hub.hpp"
#include "cpc/sim/sim_server.hpp"
#include "cpc/storage/storage_worker.hpp"

namespace cpc::test {

// A directory of its own under the system's temporary directory, removed with everything in it.
class TempDir {
public:
    TempDir() {
        static std::atomic<int> counter{0};
        m_path = std::filesystem::temp_directory_path() /
                 ("cpc-session-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::remove_all(m_path);
        std::filesystem::create_directories(m_path);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string file(const std::string& name) const { return (m_path / name).string(); }

private:
    std::filesystem::path m_path;
};

struct HubRig {
    struct Options {
        std::string databasePath;
        bool simulator = true;           // false: a venue nobody answers on (offline)
        sim::SimConfig sim;
        std::size_t memoryBudgetBytes = market::CandleStore::kDefaultBudgetBytes;
    };

    explicit HubRig(Options options) {
        exchange::Endpoints endpoints{"http://127.0.0.1:9", "ws://127.0.0.1:9"};
        if (options.simulator) {
            sim = std::make_unique<sim::SimServer>(options.sim);
            const auto started = sim->start();
            EXPECT_TRUE(started) << (started ? "" : started.error().message);
            endpoints = {sim->restBase(), sim->streamBase()};
        }
        storage = std::make_unique<storage::StorageWorker>(options.databasePath);
        io = std::make_unique<net::IoThread>();
        auto made = exchange::makeAdapter(options.sim.exchange, endpoints);
        EXPECT_TRUE(made);
        adapter = std::shared_ptr<exchange::ExchangeAdapter>(std::move(*made));
        feed = std::make_unique<session::MarketFeed>(*io, adapter, session::FeedConfig{}, inbox);
        session::SeriesHub::Hooks hooks;
        hooks.post = inbox.executor();
        hooks.openFeed = [this](const SeriesKey& key, std::optional<std::int64_t> resume) {
            feed->open(key, resume);
        };
        hooks.loadOlder = [this](const SeriesKey& key, std::int64_t before) {
            feed->loadOlder(key, before, static_cast<std::size_t>(adapter->maxHistoryLimit()));
        };
        hooks.loadRange = [this](const SeriesKey& key, std::int64_t from, std::int64_t to) {
            feed->loadRange(key, from, to);
        };
        hooks.notice = [this](const std::string& message) { notices.push_back(message); };
        hub = std::make_unique<session::SeriesHub>(*storage, std::move(hooks), options.memoryBudgetBytes);
    }

    // The app's shutdown order: feed → network thread → storage (writes every queued save) → simulator.
    ~HubRig() {
        hub.reset();
        feed->stop();
        feed.reset();
        io->stop();
        io.reset();
        storage.reset();
        if (sim) sim->stop();
    }
    HubRig(const HubRig&) = delete;
    HubRig& operator=(const HubRig&) = delete;

    // What the app's GUI thread does on a wake-up: every item, in posting order.
    void drain() {
        for (session::Handoff& item : inbox.takeAll()) {
            if (auto* event = std::get_if<feed::FeedEvent>(&item)) {
                if (const auto* status = std::get_if<feed::FeedStatus>(event)) statuses[status->key] = *status;
                if (const auto* error = std::get_if<feed::FeedError>(event)) errors.push_back(*error);
                hub->apply(std::move(*event));
            } else {
                std::get<session::Task>(item)();
            }
        }
    }

    template <class Pred>
    bool runUntil(Pred pred, std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            drain();
            if (pred()) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        drain();
        return pred();
    }
    void runFor(std::chrono::milliseconds duration) {
        runUntil([] { return false; }, duration);
    }

    feed::FeedState state(const SeriesKey& key) const {
        const auto it = statuses.find(key);
        return it == statuses.end() ? feed::FeedState::Idle : it->second.state;
    }
    const market::CandleSeries& open() const { return *hub->openSeries(); }
    bool live(const SeriesKey& key, std::size_t atLeast) const {
        const market::CandleSeries* s = hub->find(key);
        return s && s->size() >= atLeast && state(key) == feed::FeedState::Live;
    }

    std::unique_ptr<sim::SimServer> sim;
    session::Inbox inbox;
    std::unique_ptr<storage::StorageWorker> storage;
    std::unique_ptr<net::IoThread> io;
    std::shared_ptr<exchange::ExchangeAdapter> adapter;
    std::unique_ptr<session::MarketFeed> feed;
    std::unique_ptr<session::SeriesHub> hub;
    std::map<SeriesKey, feed::FeedStatus> statuses;
    std::vector<feed::FeedError> errors;
    std::vector<std::string> notices;
};

}  // namespace cpc::test
