#include "cpc/app/chart_controller.hpp"

#include <QMetaObject>
#include <filesystem>
#include <QPointer>

#include "cpc/app/market_bridge.hpp"
#include "cpc/core/time.hpp"
#include "cpc/exchange/binance/binance_adapter.hpp"
#include "cpc/feed/market_feed.hpp"
#include "cpc/market/aggregate.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/sim/sim_server.hpp"
#include "cpc/storage/data_paths.hpp"
#include "cpc/storage/storage_worker.hpp"

namespace cpc::app {

namespace {
// How many cached candles a chart shows at once when it opens.
constexpr std::size_t kInitialCachedCandles = 5000;
}  // namespace

ChartController::ChartController(ControllerOptions options, QObject* parent)
    : QObject(parent), m_options(std::move(options)) {
    m_bridge = new MarketBridge(this);
    m_bridge->setConsumer([this](std::vector<feed::FeedEvent>&& events) { onEvents(std::move(events)); });
}

ChartController::~ChartController() {
    // Shutdown order (architecture §4): close feeds → stop the network thread → flush storage.
    if (m_feed) m_feed->stop();
    m_feed.reset();
    if (m_io) m_io->stop();
    m_io.reset();
    m_storage.reset();  // drains queued saves, joins
    if (m_sim) m_sim->stop();
}

Result<Ok> ChartController::start() {
    exchange::Endpoints endpoints{exchange::BinanceAdapter::kProductionRest,
                                  exchange::BinanceAdapter::kProductionStream};
    std::string dbPath = m_options.databasePath;
    if (m_options.demo) {
        sim::SimConfig config;
        config.seed = m_options.simSeed;
        config.klinePushInterval = std::chrono::milliseconds(m_options.simPushIntervalMs);
        m_sim = std::make_unique<sim::SimServer>(config);
        if (auto r = m_sim->start(); !r) return makeError("demo simulator: " + r.error().message);
        endpoints = {m_sim->restBase(), m_sim->streamBase()};
        if (dbPath.empty()) // Demo data stays apart from real data; defaultDatabasePath() creates the directory.
            dbPath = (std::filesystem::path(storage::defaultDatabasePath()).parent_path() / "demo.sqlite3").string();
    }
    if (!m_options.restBase.empty()) endpoints.restBase = m_options.restBase;
    if (!m_options.streamBase.empty()) endpoints.streamBase = m_options.streamBase;
    if (dbPath.empty()) dbPath = storage::defaultDatabasePath();

    m_adapter = std::make_shared<exchange::BinanceAdapter>(endpoints);
    QPointer<ChartController> self(this);
    m_storage = std::make_unique<storage::StorageWorker>(dbPath, [self](const storage::StorageNotice& n) {
        const QString text = QString::fromStdString(n.message);
        QMetaObject::invokeMethod(self, [self, text] {
            if (self) emit self->noticeRaised(text);
        }, Qt::QueuedConnection);
    });
    m_io = std::make_unique<net::IoThread>();
    feed::FeedConfig feedConfig;
    feedConfig.tls = m_options.tls;
    m_feed = std::make_unique<feed::MarketFeed>(*m_io, m_adapter, feedConfig, *m_bridge);
    m_feed->requestSymbols();
    return Ok{};
}

QString ChartController::restBase() const {
    return m_adapter ? QString::fromStdString(m_adapter->endpoints().restBase) : QString();
}

void ChartController::openSeries(const QString& symbol, Interval interval) {
    SeriesKey key{m_adapter ? m_adapter->name() : "binance", symbol.trimmed().toUpper().toStdString(), interval};
    if (key.symbol.empty()) return;
    m_key = key;
    m_olderLoadInFlight = false;
    m_cacheExhausted = false;
    m_status = feed::FeedStatus{key, feed::FeedState::Connecting, "opening", 0, nowMs()};
    const std::uint64_t generation = ++m_openGeneration;
    market::CandleSeries& series = m_store.series(key);  // exists before charts rebind to it
    const bool memoryHit = !series.empty();
    // Instant switch: derive the new timeframe from a finer one already in memory while the
    // venue's own candles load (they replace the derived ones where they differ).
    if (!memoryHit) seedFromFinerInterval(key, series);
    m_store.enforceBudget(key);  // memory tier: least recently used series go first
    emit seriesReset();
    emit statusChanged();

    if (memoryHit) {
        // Memory tier hit: painted already; resume from the newest closed candle.
        m_feed->open(key, series.lastClosedOpenTime());
        return;
    }
    // SQLite tier: load on the storage thread, merge on the GUI thread, then go to the venue,
    // asking only for what the cache lacks.
    QPointer<ChartController> self(this);
    m_storage->loadLatest(key, kInitialCachedCandles, [self, key, generation](Result<std::vector<Candle>> r) {
        auto candles = std::make_shared<Result<std::vector<Candle>>>(std::move(r));
        QMetaObject::invokeMethod(self, [self, key, generation, candles] {
            if (!self || generation != self->m_openGeneration) return;  // user moved on
            market::CandleSeries& s = self->m_store.series(key);
            std::optional<std::int64_t> resume;
            if (candles->ok()) {
                for (auto it = (*candles)->rbegin(); it != (*candles)->rend() && !resume; ++it)
                    if (it->closed) resume = it->openTime;
                if (s.merge(**candles) > 0) emit self->seriesUpdated();
            } else {
                emit self->noticeRaised(QString::fromStdString("cache: " + candles->error().message));
            }
            self->m_feed->open(key, resume);
        }, Qt::QueuedConnection);
    });
}

void ChartController::seedFromFinerInterval(const SeriesKey& key, market::CandleSeries& target) {
    if (key.interval == Interval::D3) return;  // 3d needs the listing day anchor; wait for the venue
    const market::CandleSeries* best = nullptr;
    for (Interval finer : kAllIntervals) {
        if (finer == key.interval || !divides(finer, key.interval)) continue;
        const market::CandleSeries* s = m_store.find(SeriesKey{key.exchange, key.symbol, finer});
        if (!s || s->empty()) continue;
        const auto span = [](const market::CandleSeries* x) { return x->last()->openTime - (*x)[0].openTime; };
        if (!best || span(s) > span(best)) best = s;  // the one covering the most time
    }
    if (!best) return;
    auto derived = market::aggregate(best->candles(), best->key().interval, key.interval);
    // The first bucket is partial unless the source starts where it opens.
    if (!derived.empty() && derived.front().openTime < (*best)[0].openTime) derived.erase(derived.begin());
    target.merge(derived);
}

const market::CandleSeries* ChartController::currentSeries() const { return m_store.find(m_key); }

int ChartController::priceDecimals() const {
    for (const auto& s : m_symbols)
        if (s.symbol == m_key.symbol) return std::clamp(s.priceDecimals, 0, 8);
    return 2;
}

bool ChartController::isKnownSymbol(const QString& symbol) const {
    return m_symbols.empty() || m_symbolNames.contains(symbol.trimmed().toUpper());
}

void ChartController::loadOlderHistory() {
    const market::CandleSeries* series = currentSeries();
    if (!series || series->empty() || m_olderLoadInFlight || m_cacheExhausted) return;
    m_olderLoadInFlight = true;
    const SeriesKey key = m_key;
    const std::uint64_t generation = m_openGeneration;
    const std::int64_t first = (*series)[0].openTime;
    const std::int64_t from = first - static_cast<std::int64_t>(kInitialCachedCandles) * nominalMs(key.interval);
    QPointer<ChartController> self(this);
    m_storage->loadRange(key, from, first - 1, [self, key, generation](Result<std::vector<Candle>> r) {
        auto candles = std::make_shared<Result<std::vector<Candle>>>(std::move(r));
        QMetaObject::invokeMethod(self, [self, key, generation, candles] {
            if (!self || generation != self->m_openGeneration) return;
            self->m_olderLoadInFlight = false;
            if (!candles->ok()) {
                emit self->noticeRaised(QString::fromStdString("cache: " + candles->error().message));
                return;
            }
            if ((*candles)->empty()) {
                self->m_cacheExhausted = true;
                return;
            }
            if (self->m_store.series(key).merge(**candles) > 0) emit self->seriesUpdated();
        }, Qt::QueuedConnection);
    });
}

void ChartController::reconnect() {
    if (m_feed) m_feed->dropConnection();
}

void ChartController::persistClosed(const SeriesKey& key, std::vector<Candle> candles) {
    std::erase_if(candles, [](const Candle& c) { return !c.closed; });  // only final candles persist
    if (!candles.empty()) m_storage->save(key, std::move(candles));
}

void ChartController::onEvents(std::vector<feed::FeedEvent>&& events) {
    bool currentChanged = false;
    bool statusDirty = false;
    for (auto& event : events) {
        if (auto* k = std::get_if<exchange::KlineUpdate>(&event)) {
            market::CandleSeries& s = m_store.series(k->key);
            const auto outcome = s.upsert(k->candle);
            if (k->candle.closed) persistClosed(k->key, {k->candle});
            if (k->key == m_key && outcome != market::UpsertOutcome::Unchanged) {
                currentChanged = true;
                m_lastUpdateMs = nowMs();
                statusDirty = true;
            }
        } else if (auto* h = std::get_if<feed::HistoryBatch>(&event)) {
            market::CandleSeries& s = m_store.series(h->key);
            if (s.merge(h->candles) > 0 && h->key == m_key) currentChanged = true;
            if (h->key == m_key) {
                m_lastUpdateMs = nowMs();
                statusDirty = true;
            }
            persistClosed(h->key, std::move(h->candles));
        } else if (auto* st = std::get_if<feed::FeedStatus>(&event)) {
            if (st->key == m_key) {
                m_status = std::move(*st);
                statusDirty = true;
            }
        } else if (auto* list = std::get_if<feed::SymbolList>(&event)) {
            m_symbols = std::move(list->symbols);
            std::sort(m_symbols.begin(), m_symbols.end(),
                      [](const auto& a, const auto& b) { return a.symbol < b.symbol; });
            m_symbolNames.clear();
            for (const auto& s : m_symbols)
                if (s.status.empty() || s.status == "TRADING") m_symbolNames << QString::fromStdString(s.symbol);
            emit symbolsChanged();
            if (!m_key.symbol.empty()) currentChanged = true;  // price precision may have changed
        } else if (auto* err = std::get_if<feed::FeedError>(&event)) {
            if (err->key.symbol.empty() || err->key == m_key)
                emit errorOccurred(QString::fromStdString(err->error.message));
        }
    }
    if (currentChanged) emit seriesUpdated();
    if (statusDirty) emit statusChanged();
}

}  // namespace cpc::app
