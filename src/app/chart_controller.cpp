#include "cpc/app/chart_controller.hpp"

#include <QMetaObject>
#include <filesystem>
#include <QPointer>
#include <algorithm>

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
    : QObject(parent), m_options(std::move(options)), m_store(m_options.memoryBudgetBytes) {
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
        config.clock = m_options.simClock;
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
    m_olderFromVenue = false;
    m_cacheExhausted = false;
    m_startReached = false;
    m_latencyMs.reset();
    m_status = feed::FeedStatus{key, feed::FeedState::Connecting, "opening", 0, nowMs()};
    const std::uint64_t generation = ++m_openGeneration;
    market::CandleSeries& series = m_store.series(key);  // exists before charts rebind to it
    const bool memoryHit = !series.empty();
    // Instant switch: derive the new timeframe from a finer one already in memory while the
    // venue's own candles load (they replace the derived ones where they differ).
    if (!memoryHit) seedFromFinerInterval(key, series);
    if (m_store.enforceBudget(key) > 0) pruneAggregators();  // memory tier: least recently used go first
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
                if (s.merge(**candles) > 0) {
                    self->updateDerived(key, **candles, true);
                    emit self->seriesUpdated();
                }
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
    // Into a reused buffer: a switch does not fault in fresh pages for its output.
    market::aggregateInto(best->candles(), best->key().interval, key.interval, m_aggregateScratch);
    std::span<const Candle> derived = m_aggregateScratch;
    // The first bucket is partial unless the source starts where it opens.
    if (!derived.empty() && derived.front().openTime < (*best)[0].openTime) derived = derived.subspan(1);
    target.merge(derived);
}

bool ChartController::updateDerived(const SeriesKey& sourceKey, std::span<const Candle> changed, bool batch) {
    const market::CandleSeries* source = m_store.find(sourceKey);
    if (!source || source->empty() || changed.empty()) return false;
    bool currentChanged = false;
    for (const SeriesKey& key : m_store.keys()) {
        // 3d needs the listing-day anchor, which only the venue's candles carry.
        if (key.exchange != sourceKey.exchange || key.symbol != sourceKey.symbol || key.interval == Interval::D3 ||
            key.interval == sourceKey.interval || !divides(sourceKey.interval, key.interval))
            continue;
        market::CandleSeries* target = m_store.find(key);
        if (!target || target->empty()) continue;  // only timeframes the user has opened
        auto& aggregator = m_aggregators.try_emplace({sourceKey, key.interval}, sourceKey.interval, key.interval)
                               .first->second;
        const auto previousClose = [target](std::int64_t bucketOpen) -> std::optional<Decimal> {
            const std::size_t i = target->lowerBound(bucketOpen);
            return i == 0 ? std::nullopt : std::optional<Decimal>((*target)[i - 1].close);
        };
        std::vector<Candle> derived;
        if (batch) {
            // History merged into the source: recompute each bucket it touched from the source.
            std::vector<std::int64_t> buckets;
            for (const Candle& c : changed)
                if (source->find(c.openTime)) buckets.push_back(bucketStart(key.interval, c.openTime));
            std::sort(buckets.begin(), buckets.end());
            buckets.erase(std::unique(buckets.begin(), buckets.end()), buckets.end());
            for (const std::int64_t b : buckets) derived.push_back(aggregator.recompute(*source, b, previousClose(b)));
        } else {
            for (const Candle& c : changed) {
                auto out = aggregator.apply(*source, c, previousClose(bucketStart(key.interval, c.openTime)));
                derived.insert(derived.end(), out.begin(), out.end());
            }
        }
        const std::int64_t sourceStart = (*source)[0].openTime;
        for (const Candle& d : derived) {
            if (d.openTime < sourceStart) continue;  // the source starts inside this bucket: partial
            // A final candle already there (the venue's own, or one derived earlier) is kept: the
            // venue's candles are the authority, derived ones only fill in until they come.
            if (const auto existing = target->find(d.openTime); existing && existing->closed) continue;
            const auto outcome = target->upsert(d);
            if (key == m_key && outcome != market::UpsertOutcome::Unchanged &&
                outcome != market::UpsertOutcome::IgnoredClosed && outcome != market::UpsertOutcome::Rejected)
                currentChanged = true;
        }
    }
    return currentChanged;
}

void ChartController::pruneAggregators() {
    std::erase_if(m_aggregators, [this](const auto& entry) {
        const auto& [source, target] = entry.first;
        return !m_store.find(source) || !m_store.find(SeriesKey{source.exchange, source.symbol, target});
    });
}

std::int64_t ChartController::klineLatencyMs(std::int64_t eventTimeMs, std::int64_t receivedMs,
                                             std::optional<std::int64_t> clockOffsetMs) {
    return std::max<std::int64_t>(0, receivedMs + clockOffsetMs.value_or(0) - eventTimeMs);
}

void ChartController::setMemoryBudgetBytes(std::size_t bytes) {
    m_store.setBudgetBytes(bytes);
    if (m_store.enforceBudget(m_key) > 0) pruneAggregators();
}

const market::CandleSeries* ChartController::currentSeries() const { return m_store.find(m_key); }

int ChartController::priceDecimals() const {
    for (const auto& s : m_symbols)
        if (s.symbol == m_key.symbol) return std::clamp(s.priceDecimals, 0, 8);
    return 2;
}

double ChartController::tickSize() const {
    for (const auto& s : m_symbols)
        if (s.symbol == m_key.symbol) return s.tickSize.toDouble();
    return 0.0;
}

bool ChartController::isKnownSymbol(const QString& symbol) const {
    return m_symbols.empty() || m_symbolNames.contains(symbol.trimmed().toUpper());
}

void ChartController::loadOlderHistory() {
    const market::CandleSeries* series = currentSeries();
    if (!series || series->empty() || m_olderLoadInFlight || m_startReached) return;
    if (m_cacheExhausted) {
        requestOlderFromVenue();
        return;
    }
    m_olderLoadInFlight = true;
    const SeriesKey key = m_key;
    const std::uint64_t generation = m_openGeneration;
    const std::int64_t first = (*series)[0].openTime;
    const std::int64_t step = nominalMs(key.interval);
    const std::int64_t from = first - static_cast<std::int64_t>(kInitialCachedCandles) * step;
    QPointer<ChartController> self(this);
    m_storage->loadRange(key, from, first - 1, [self, key, generation, from, step](Result<std::vector<Candle>> r) {
        auto candles = std::make_shared<Result<std::vector<Candle>>>(std::move(r));
        QMetaObject::invokeMethod(self, [self, key, generation, from, step, candles] {
            if (!self || generation != self->m_openGeneration) return;
            self->m_olderLoadInFlight = false;
            if (!candles->ok()) {
                emit self->noticeRaised(QString::fromStdString("cache: " + candles->error().message));
                self->m_cacheExhausted = true;  // the venue has them
                self->requestOlderFromVenue();
                return;
            }
            market::CandleSeries& s = self->m_store.series(key);
            const std::vector<Candle>& older = **candles;
            // Cached candles are used only when they join the series (a calendar month may be
            // up to a day longer than the nominal one): a hole in the cache is not shown as a
            // gap in the chart, the venue fills it instead.
            const bool joins = !older.empty() && !s.empty() && older.back().openTime < s[0].openTime &&
                               older.back().openTime >= s[0].openTime - 2 * step;
            if (joins && s.merge(older) > 0) {
                self->updateDerived(key, older, true);
                emit self->seriesUpdated();
            }
            // Nothing cached before the series, or the cached run ends inside the window read:
            // what is older comes from the venue, now (the chart asks again only after it grew).
            if (older.empty() || (joins && older.front().openTime > from + 2 * step)) self->m_cacheExhausted = true;
            if (!joins || self->m_cacheExhausted) self->requestOlderFromVenue();
        }, Qt::QueuedConnection);
    });
}

void ChartController::requestOlderFromVenue() {
    const market::CandleSeries* series = currentSeries();
    if (!m_feed || !series || series->empty() || m_olderLoadInFlight || m_startReached) return;
    // The feed was opened for m_key before any scroll-back reaches here (the cache load that
    // precedes it is queued after the one that opens the feed), so open() cannot cancel this.
    m_olderLoadInFlight = true;
    m_olderFromVenue = true;
    m_olderBefore = (*series)[0].openTime;
    ++m_olderVenueRequests;
    // One page of the venue's maximum: exactly one HistoryBatch (or a FeedError) answers it.
    m_feed->loadOlder(m_key, m_olderBefore, static_cast<std::size_t>(std::max(1, m_adapter->maxHistoryLimit())));
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
            if (k->key == m_key && k->eventTimeMs > 0) {
                const std::int64_t latency = klineLatencyMs(k->eventTimeMs, nowMs(), m_clockOffsetMs);
                if (m_latencyMs != latency) statusDirty = true;
                m_latencyMs = latency;
            }
            market::CandleSeries& s = m_store.series(k->key);
            const auto outcome = s.upsert(k->candle);
            if (k->candle.closed) persistClosed(k->key, {k->candle});
            if (outcome != market::UpsertOutcome::Unchanged && outcome != market::UpsertOutcome::IgnoredClosed &&
                outcome != market::UpsertOutcome::Rejected &&
                updateDerived(k->key, std::span<const Candle>(&k->candle, 1), false))
                currentChanged = true;
            if (k->key == m_key && outcome != market::UpsertOutcome::Unchanged) {
                currentChanged = true;
                m_lastUpdateMs = nowMs();
                statusDirty = true;
            }
        } else if (auto* h = std::get_if<feed::HistoryBatch>(&event)) {
            if (h->older) {
                // Scroll-back page: only the one asked for the current series (a page of a series
                // the user left, or of an earlier opening of this one, is dropped).
                if (h->key != m_key || !m_olderFromVenue || !m_olderLoadInFlight) continue;
                m_olderLoadInFlight = false;
                m_olderFromVenue = false;
                if (h->startReached) m_startReached = true;  // nothing older: stop asking
                std::erase_if(h->candles, [this](const Candle& c) { return c.openTime >= m_olderBefore; });
                if (h->candles.empty()) continue;
            }
            market::CandleSeries& s = m_store.series(h->key);
            if (s.merge(h->candles) > 0) {
                if (h->key == m_key) currentChanged = true;
                if (updateDerived(h->key, h->candles, true)) currentChanged = true;
            }
            if (h->key == m_key) {
                m_lastUpdateMs = nowMs();
                statusDirty = true;
            }
            persistClosed(h->key, std::move(h->candles));
        } else if (auto* st = std::get_if<feed::FeedStatus>(&event)) {
            if (st->clockOffsetMs) m_clockOffsetMs = st->clockOffsetMs;  // one clock per venue
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
            // A failed scroll-back page ends its load; the next scroll asks again.
            if (err->key == m_key && m_olderFromVenue && m_olderLoadInFlight) {
                m_olderLoadInFlight = false;
                m_olderFromVenue = false;
            }
            if (err->key.symbol.empty() || err->key == m_key)
                emit errorOccurred(QString::fromStdString(err->error.message));
        }
    }
    if (currentChanged) emit seriesUpdated();
    if (statusDirty) emit statusChanged();
}

}  // namespace cpc::app
