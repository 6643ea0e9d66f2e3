#pragma once
// What a process has exactly one of, made by its composition root (runApp; a test) and passed to
// every chart and window: the network thread, the market session on it, the storage worker (the
// one sqlite3 handle) and, in demo mode, the exchange simulators — one per venue dialect, started
// at first use and kept until the end, so a venue's demo endpoints never change and the market
// session keeps one connection engine per venue however often the user switches. Qt-free.
//
// Destruction order (after every window and controller using it): stop the market session
// (its connection engines end) → stop the network thread → the storage worker drains its queued
// saves and joins → the simulators stop.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "cpc/core/result.hpp"
#include "cpc/session/stream_session.hpp"
#include "cpc/net/tls.hpp"
#include "cpc/storage/storage_worker.hpp"

namespace cpc::net { class IoThread; }
namespace cpc::session { class MarketSession; }
namespace cpc::sim { class SimServer; }

namespace cpc::app {

// Live trades a second of the demo chart's simulators (`canvasprochart --demo` without
// --trade-rate): the simulated history trades only a few times a minute, and the realtime window
// opened from the chart's menu should show a moving tape.
inline constexpr int kDemoChartTradesPerSecond = 20;

struct ServicesOptions {
    net::TlsOptions tls;
    session::StreamSessionConfig streams;  // every venue's connection engine (tests shorten timers)
    // The SQLite candle cache. Empty: the per-user default (demo: demo.sqlite3 beside it, so demo
    // data stays apart from real data).
    std::string databasePath;
    bool demo = false;
    // The demo simulators (every dialect alike).
    std::uint64_t simSeed = 42;
    int simPushIntervalMs = 1000;
    int simLiveTradesPerSecond = 0;          // live trade load (the realtime test window's demo)
    std::function<std::int64_t()> simClock;  // the simulator's exchange clock (empty: system clock)
    // A replay: the candle cache is opened read-only (the history before the recording's first
    // frame; replayed candles are never written into it); no cache file: an empty one in memory.
    bool readOnlyCache = false;
};

class AppServices {
public:
    // Starts the network thread and makes the market session; the storage worker and the
    // simulators are made at first use (the realtime test window needs no database).
    explicit AppServices(ServicesOptions options = {});
    ~AppServices();
    AppServices(const AppServices&) = delete;
    AppServices& operator=(const AppServices&) = delete;

    const ServicesOptions& options() const { return m_options; }
    net::IoThread& io() { return *m_io; }
    session::MarketSession& market() { return *m_market; }
    // The process's storage worker, opened at the first call (owner thread).
    storage::StorageWorker& storage();
    // The database file storage() opens (resolved from ServicesOptions::databasePath).
    const std::string& databasePath() const { return m_databasePath; }

    // Storage notices (salvage, open/save failures) reach every handler added here, on the
    // storage thread. Any thread; remove before what the handler refers to is gone.
    using NoticeHandlerId = std::uint64_t;
    NoticeHandlerId addStorageNoticeHandler(storage::StorageWorker::NoticeHandler handler);
    void removeStorageNoticeHandler(NoticeHandlerId id);

    // The simulator speaking `dialect` (sim::SimServer::exchangeNames()), started at the first
    // call and kept; later calls return the same server. An error says why it could not start.
    // `market` Perp: the dialect's perpetual-futures simulator (a server of its own beside the
    // spot one; Binance USD-M only — another dialect is an error saying so).
    Result<sim::SimServer*> simulator(const std::string& dialect, MarketType market = MarketType::Spot);
    // The dialect's simulator if one was started, else null.
    const sim::SimServer* findSimulator(const std::string& dialect, MarketType market = MarketType::Spot) const;
    std::size_t simulatorCount() const { return m_simulators.size(); }

    // What time it is in the market the app shows (ms since the epoch): a replay sets the
    // recording's clock (the receipt time of the record played), so that what is stamped with
    // the time (the heatmap's columns) lies where the recording's candles are; else the system
    // clock. GUI thread.
    void setMarketClock(std::function<std::int64_t()> clock) { m_marketClock = std::move(clock); }
    std::int64_t marketNowMs() const;

private:
    void onNotice(const storage::StorageNotice& notice);

    ServicesOptions m_options;
    std::string m_databasePath;
    std::unique_ptr<net::IoThread> m_io;
    std::unique_ptr<session::MarketSession> m_market;
    std::map<std::string, std::unique_ptr<sim::SimServer>> m_simulators;  // by dialect ("binance/perp": perpetuals)
    std::unique_ptr<storage::StorageWorker> m_storage;
    std::mutex m_noticeMutex;
    std::map<NoticeHandlerId, storage::StorageWorker::NoticeHandler> m_noticeHandlers;  // guarded
    NoticeHandlerId m_nextNoticeHandler = 1;                                            // guarded
    std::function<std::int64_t()> m_marketClock;  // empty: the system clock
};

}  // namespace cpc::app
