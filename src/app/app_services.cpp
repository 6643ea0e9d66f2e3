#include "cpc/app/app_services.hpp"

#include "cpc/core/time.hpp"

#include <filesystem>

#include "cpc/net/io_thread.hpp"
#include "cpc/session/market_session.hpp"
#include "cpc/sim/sim_server.hpp"
#include "cpc/storage/data_paths.hpp"

namespace cpc::app {

AppServices::AppServices(ServicesOptions options) : m_options(std::move(options)) {
    m_databasePath = m_options.databasePath;
    if (m_databasePath.empty())  // defaultDatabasePath() creates the directory
        m_databasePath = m_options.demo
                             ? (std::filesystem::path(storage::defaultDatabasePath()).parent_path() / "demo.sqlite3").string()
                             : storage::defaultDatabasePath();
    m_io = std::make_unique<net::IoThread>();
    session::MarketSessionConfig marketConfig;
    marketConfig.tls = m_options.tls;
    marketConfig.streams = m_options.streams;
    m_market = std::make_unique<session::MarketSession>(*m_io, std::move(marketConfig));
}

AppServices::~AppServices() {
    m_market->stop();
    m_io->stop();
    m_market.reset();
    m_io.reset();
    m_storage.reset();  // drains queued saves, joins
    for (auto& [dialect, server] : m_simulators) server->stop();
    m_simulators.clear();
}

storage::StorageWorker& AppServices::storage() {
    if (!m_storage && m_options.readOnlyCache) {
        std::error_code ec;
        storage::OpenOptions readOnly;
        readOnly.readOnly = true;
        const bool exists = std::filesystem::exists(m_databasePath, ec);
        m_storage = std::make_unique<storage::StorageWorker>(
            exists ? m_databasePath : std::string(":memory:"),
            [this](const storage::StorageNotice& notice) { onNotice(notice); },
            exists ? readOnly : storage::OpenOptions{});
    }
    if (!m_storage)
        m_storage = std::make_unique<storage::StorageWorker>(
            m_databasePath, [this](const storage::StorageNotice& notice) { onNotice(notice); });
    return *m_storage;
}

AppServices::NoticeHandlerId AppServices::addStorageNoticeHandler(storage::StorageWorker::NoticeHandler handler) {
    const std::lock_guard lock(m_noticeMutex);
    const NoticeHandlerId id = m_nextNoticeHandler++;
    m_noticeHandlers.emplace(id, std::move(handler));
    return id;
}

void AppServices::removeStorageNoticeHandler(NoticeHandlerId id) {
    const std::lock_guard lock(m_noticeMutex);
    m_noticeHandlers.erase(id);
}

void AppServices::onNotice(const storage::StorageNotice& notice) {
    // Under the lock: a handler being removed on another thread is not called after its removal.
    const std::lock_guard lock(m_noticeMutex);
    for (const auto& [id, handler] : m_noticeHandlers) handler(notice);
}

namespace {
std::string simulatorKey(const std::string& dialect, MarketType market) {
    return market == MarketType::Spot ? dialect : dialect + "/" + std::string(toString(market));
}
}  // namespace

Result<sim::SimServer*> AppServices::simulator(const std::string& dialect, MarketType market) {
    const std::string key = simulatorKey(dialect, market);
    if (auto it = m_simulators.find(key); it != m_simulators.end()) return it->second.get();
    sim::SimConfig config;
    config.exchange = dialect;
    config.market = market;
    config.seed = m_options.simSeed;
    config.klinePushInterval = std::chrono::milliseconds(m_options.simPushIntervalMs);
    config.liveTradesPerSecond = m_options.simLiveTradesPerSecond;
    config.clock = m_options.simClock;
    auto server = std::make_unique<sim::SimServer>(config);
    if (auto started = server->start(); !started) return makeError("demo simulator: " + started.error().message);
    sim::SimServer* raw = server.get();
    m_simulators.emplace(key, std::move(server));
    return raw;
}

std::int64_t AppServices::marketNowMs() const { return m_marketClock ? m_marketClock() : nowMs(); }

const sim::SimServer* AppServices::findSimulator(const std::string& dialect, MarketType market) const {
    const auto it = m_simulators.find(simulatorKey(dialect, market));
    return it == m_simulators.end() ? nullptr : it->second.get();
}

}  // namespace cpc::app
