#include "cpc/app/chart_controller.hpp"

#include <QMetaObject>
#include <filesystem>
#include <QPointer>
#include <algorithm>

#include "cpc/app/market_bridge.hpp"
#include "cpc/core/time.hpp"
#include "cpc/exchange/registry.hpp"
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

bool ChartController::isTrading(std::string_view status) {
    // Binance "TRADING", Bybit "Trading", OKX "live" (KuCoin's enableTrading becomes "TRADING").
    const QString s = QString::fromUtf8(status.data(), static_cast<qsizetype>(status.size()));
    return s.isEmpty() || s.compare(QLatin1String("trading"), Qt::CaseInsensitive) == 0 ||
           s.compare(QLatin1String("live"), Qt::CaseInsensitive) == 0;
}

std::string ChartController::venueStreamPath(const std::string& venue) {
    const auto production = exchange::defaultEndpoints(venue);
    if (!production) return {};
    const std::string& base = production->streamBase;
    const auto scheme = base.find("://");
    const auto slash = scheme == std::string::npos ? std::string::npos : base.find('/', scheme + 3);
    std::string path = slash == std::string::npos ? std::string() : base.substr(slash);
    while (path.ends_with('/')) path.pop_back();
    return path;
}

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
    // An unknown venue fails before anything starts.
    if (auto known = exchange::defaultEndpoints(m_options.exchange); !known) return known.error();
    std::string dbPath = m_options.databasePath;
    if (m_options.demo && dbPath.empty()) // Demo data stays apart from real data; defaultDatabasePath() creates the directory.
        dbPath = (std::filesystem::path(storage::defaultDatabasePath()).parent_path() / "demo.sqlite3").string();
    if (dbPath.empty()) dbPath = storage::defaultDatabasePath();

    QPointer<ChartController> self(this);
    m_storage = std::make_unique<storage::StorageWorker>(dbPath, [self](const storage::StorageNotice& n) {
        const QString text = QString::fromStdString(n.message);
        QMetaObject::invokeMethod(self, [self, text] {
            if (self) emit self->noticeRaised(text);
        }, Qt::QueuedConnection);
    });
    m_io = std::make_unique<net::IoThread>();
    return connectVenue(m_options.exchange, exchange::Endpoints{m_options.restBase, m_options.streamBase});
}

Result<Ok> ChartController::connectVenue(const std::string& name, const exchange::Endpoints& overrides) {
    // The old venue's feed stops first (it may be connected to the simulator stopped next).
    if (m_feed) m_feed->stop();
    m_feed.reset();
    exchange::Endpoints endpoints = overrides;
    if (m_options.demo) {
        if (m_sim) m_sim->stop();
        m_sim.reset();
        sim::SimConfig config;
        config.exchange = name;
        config.seed = m_options.simSeed;
        config.klinePushInterval = std::chrono::milliseconds(m_options.simPushIntervalMs);
        config.clock = m_options.simClock;
        m_sim = std::make_unique<sim::SimServer>(config);
        if (auto r = m_sim->start(); !r) return makeError("demo simulator: " + r.error().message);
        // Flags still win (a test pointing the demo elsewhere); otherwise the simulator.
        if (endpoints.restBase.empty()) endpoints.restBase = m_sim->restBase();
        if (endpoints.streamBase.empty()) endpoints.streamBase = m_sim->streamBase() + venueStreamPath(name);
    }
    auto adapter = exchange::makeAdapter(name, endpoints);
    if (!adapter) return adapter.error();
    m_adapter = std::shared_ptr<exchange::ExchangeAdapter>(std::move(*adapter));
    m_options.exchange = m_adapter->name();
    feed::FeedConfig feedConfig;
    feedConfig.tls = m_options.tls;
    m_feed = std::make_unique<feed::MarketFeed>(*m_io, m_adapter, feedConfig, *m_bridge);
    m_feed->requestSymbols();
    return Ok{};
}

QString ChartController::exchangeName() const {
    return m_adapter ? QString::fromStdString(m_adapter->name()) : QString();
}

Result<Ok> ChartController::switchExchange(const QString& name, const exchange::Endpoints& endpoints) {
    if (!m_io) return makeError("cannot switch the exchange before the controller started");
    const std::string wanted = name.trimmed().toLower().toStdString();
    if (auto known = exchange::defaultEndpoints(wanted); !known) return known.error();
    if (m_adapter && wanted == m_adapter->name()) return Ok{};
    // Base and quote of the open symbol, while the old venue's symbol list still says them.
    const auto pair = baseQuote(m_key.symbol);
    if (auto connected = connectVenue(wanted, endpoints); !connected) {
        // Back to the venue there was (the demo: a fresh simulator in its dialect), so the chart
        // keeps a feed; the error says why the switch failed.
        const std::string previous = m_adapter ? m_adapter->name() : std::string("binance");
        const exchange::Endpoints previousEndpoints =
            m_options.demo || !m_adapter ? exchange::Endpoints{} : m_adapter->endpoints();
        if (connectVenue(previous, previousEndpoints) && !m_key.symbol.empty())
            m_feed->open(m_key, m_store.series(m_key).lastClosedOpenTime());
        return connected;
    }
    m_symbols.clear();
    m_symbolNames.clear();
    m_latencyMs.reset();
    m_clockOffsetMs.reset();  // another venue, another clock
    emit symbolsChanged();
    emit exchangeChanged();
    if (!m_key.symbol.empty()) {
        m_symbolCheckPending = true;
        const std::string symbol = pair ? m_adapter->symbolFor(pair->first, pair->second) : m_key.symbol;
        openSeries(QString::fromStdString(symbol), m_key.interval);
    }
    return Ok{};
}

std::optional<std::pair<std::string, std::string>> ChartController::baseQuote(const std::string& symbol) const {
    for (const auto& s : m_symbols)
        if (s.symbol == symbol && !s.baseAsset.empty() && !s.quoteAsset.empty())
            return std::pair{s.baseAsset, s.quoteAsset};
    return splitSymbol(symbol);
}

std::optional<std::pair<std::string, std::string>> ChartController::splitSymbol(std::string_view symbol) {
    if (const auto dash = symbol.find('-'); dash != std::string_view::npos) {
        if (dash == 0 || dash + 1 >= symbol.size()) return std::nullopt;
        return std::pair{std::string(symbol.substr(0, dash)), std::string(symbol.substr(dash + 1))};
    }
    // Longest suffix first: FDUSD before USD, USDT before USD.
    static constexpr std::string_view kQuotes[] = {"FDUSD", "USDT", "USDC", "BUSD", "TUSD", "DAI", "USD", "EUR",
                                                   "TRY",   "BRL",  "BTC",  "ETH",  "BNB"};
    for (const std::string_view quote : kQuotes)
        if (symbol.size() > quote.size() && symbol.ends_with(quote))
            return std::pair{std::string(symbol.substr(0, symbol.size() - quote.size())), std::string(quote)};
    return std::nullopt;
}

QString ChartController::venueSymbol(const QString& symbol) const {
    const std::string text = symbol.trimmed().toUpper().toStdString();
    const auto pair = baseQuote(text);
    if (!m_adapter || !pair) return QString::fromStdString(text);
    return QString::fromStdString(m_adapter->symbolFor(pair->first, pair->second));
}

void ChartController::keepSymbolOnVenue() {
    if (!m_symbolCheckPending || m_symbolNames.isEmpty()) return;
    m_symbolCheckPending = false;
    if (m_key.symbol.empty() || m_symbolNames.contains(QString::fromStdString(m_key.symbol))) return;
    const QString btc = QString::fromStdString(m_adapter->symbolFor("BTC", "USDT"));
    const QString fallback = m_symbolNames.contains(btc) ? btc : m_symbolNames.front();
    emit noticeRaised(tr("%1 is not listed on %2; showing %3")
                          .arg(QString::fromStdString(m_key.symbol), exchangeName(), fallback));
    openSeries(fallback, m_key.interval);
}

QString ChartController::restBase() const {
    return m_adapter ? QString::fromStdString(m_adapter->endpoints().restBase) : QString();
}

QString ChartController::streamBase() const {
    return m_adapter ? QString::fromStdString(m_adapter->endpoints().streamBase) : QString();
}

void ChartController::openSeries(const QString& symbol, Interval interval) {
    SeriesKey key{m_adapter ? m_adapter->name() : "binance", symbol.trimmed().toUpper().toStdString(), interval};
    if (key.symbol.empty() || !m_feed) return;
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
        if (!m_listingStarts.contains(key)) loadListingStart(key, generation);
        checkListingStart();
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
            if (self->m_feed) self->m_feed->open(key, resume);
        }, Qt::QueuedConnection);
    });
    loadListingStart(key, generation);  // queued after the load: answers after it merged
}

void ChartController::loadListingStart(const SeriesKey& key, std::uint64_t generation) {
    QPointer<ChartController> self(this);
    m_storage->loadCoverage(key, [self, key, generation](Result<std::vector<storage::CoverageRange>> r) {
        if (!r) return;  // the load of the candles reported the cache's trouble already
        std::optional<std::int64_t> listing;
        for (const storage::CoverageRange& range : *r)
            if (range.kind == storage::CoverageKind::Gap && range.fromMs <= kBeforeListingFromMs)
                listing = std::max(listing.value_or(range.toMs), range.toMs);
        if (!listing) return;
        QMetaObject::invokeMethod(self, [self, key, generation, listing] {
            if (!self) return;
            self->m_listingStarts[key] = *listing;
            if (generation == self->m_openGeneration) self->checkListingStart();
        }, Qt::QueuedConnection);
    });
}

bool ChartController::checkListingStart() {
    if (m_startReached) return true;
    const auto it = m_listingStarts.find(m_key);
    const market::CandleSeries* series = currentSeries();
    if (it != m_listingStarts.end() && series && !series->empty() && (*series)[0].openTime <= it->second)
        m_startReached = true;
    return m_startReached;
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
    if (!series || series->empty() || m_olderLoadInFlight || checkListingStart()) return;
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
            if (self->checkListingStart()) return;  // the cache reached the remembered listing
            // Nothing cached before the series, or the cached run ends inside the window read:
            // what is older comes from the venue, now (the chart asks again only after it grew).
            if (older.empty() || (joins && older.front().openTime > from + 2 * step)) self->m_cacheExhausted = true;
            if (!joins || self->m_cacheExhausted) self->requestOlderFromVenue();
        }, Qt::QueuedConnection);
    });
}

void ChartController::requestOlderFromVenue() {
    const market::CandleSeries* series = currentSeries();
    if (!m_feed || !series || series->empty() || m_olderLoadInFlight || checkListingStart()) return;
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
                std::erase_if(h->candles, [this](const Candle& c) { return c.openTime >= m_olderBefore; });
                if (h->startReached) {
                    // Nothing older: stop asking, now and (via the coverage table) after a reopen.
                    m_startReached = true;
                    std::int64_t first = m_olderBefore;
                    for (const Candle& c : h->candles) first = std::min(first, c.openTime);
                    m_listingStarts[h->key] = first;
                    if (first > kBeforeListingFromMs)
                        m_storage->recordCoverage(h->key, kBeforeListingFromMs, first, storage::CoverageKind::Gap);
                }
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
            // A list the previous venue's feed posted before it stopped is not this venue's.
            if (!list->exchange.empty() && m_adapter && list->exchange != m_adapter->name()) continue;
            m_symbols = std::move(list->symbols);
            std::sort(m_symbols.begin(), m_symbols.end(),
                      [](const auto& a, const auto& b) { return a.symbol < b.symbol; });
            m_symbolNames.clear();
            for (const auto& s : m_symbols)
                if (isTrading(s.status)) m_symbolNames << QString::fromStdString(s.symbol);
            emit symbolsChanged();
            if (!m_key.symbol.empty()) currentChanged = true;  // price precision may have changed
            keepSymbolOnVenue();
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
