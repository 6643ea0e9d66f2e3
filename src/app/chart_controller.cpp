#include "cpc/app/chart_controller.hpp"

#include "cpc/app/core_text.hpp"

#include "cpc/session/venue_paths.hpp"
#include "cpc/session/market_session.hpp"

#include <QTimer>
#include <algorithm>

#include "cpc/app/market_bridge.hpp"
#include "cpc/core/time.hpp"
#include "cpc/exchange/registry.hpp"
#include "cpc/net/rest_gate.hpp"
#include "cpc/session/market_feed.hpp"
#include "cpc/session/watchlist.hpp"
#include "cpc/sim/sim_server.hpp"
#include "cpc/storage/storage_worker.hpp"

namespace cpc::app {

namespace {
// Candles asked of the venue per scroll-back load: four Binance pages (2.8 days of 1m), forty of
// OKX's, asked several at once by the feed.
constexpr std::size_t kOlderCandlesPerLoad = 4000;
}  // namespace

bool ChartController::isTrading(std::string_view status) {
    // Binance "TRADING", Bybit "Trading", OKX "live" (KuCoin's enableTrading becomes "TRADING").
    const QString s = QString::fromUtf8(status.data(), static_cast<qsizetype>(status.size()));
    return s.isEmpty() || s.compare(QLatin1String("trading"), Qt::CaseInsensitive) == 0 ||
           s.compare(QLatin1String("live"), Qt::CaseInsensitive) == 0;
}

ServicesOptions servicesOptions(const ControllerOptions& options) {
    ServicesOptions s;
    s.tls = options.tls;
    s.databasePath = options.databasePath;
    s.demo = options.demo;
    s.simSeed = options.simSeed;
    s.simPushIntervalMs = options.simPushIntervalMs;
    s.simClock = options.simClock;
    // The synced books the session posts carry this many levels a side: the order-book heatmap
    // shows what rests well beyond the top 20 (the realtime window's ladder shows its own top).
    s.streams.bookLevels = 1'000;
    return s;
}

ChartController::ChartController(ControllerOptions options, QObject* parent)
    : QObject(parent), m_options(std::move(options)) {
    m_bridge = new MarketBridge(this);
    m_bridge->setConsumer([this](std::vector<session::Handoff>&& items) { onHandoffs(std::move(items)); });
    m_services = m_options.services;
    if (!m_services) {  // none given (tests): the same pieces, made for this controller alone
        m_ownServices = std::make_unique<AppServices>(servicesOptions(m_options));
        m_services = m_ownServices.get();
    }
}

ChartController::~ChartController() {
    // Shutdown order (architecture §4): close the feed (it leaves its streams; the process's
    // market session and simulators outlive every window) → the hub (its queued saves stay with
    // the storage worker) → own services, if the controller made them (market session, network
    // thread, storage worker draining its saves, simulators — in that order).
    if (m_feed) m_feed->stop();
    m_feed.reset();
    if (m_noticeHandler) m_services->removeStorageNoticeHandler(m_noticeHandler);
    m_subscription.reset();
    m_hub.reset();
    m_ownServices.reset();
}

Result<Ok> ChartController::start() {
    // An unknown venue fails before anything starts.
    if (auto known = exchange::defaultEndpoints(m_options.exchange); !known) return known.error();
    if (m_hub) return makeError("the chart controller is already started");

    // Storage notices come on the storage thread; they reach the GUI through the mailbox, whose
    // drain runs only while the controller (the bridge's parent) exists.
    m_noticeHandler = m_services->addStorageNoticeHandler(
        [this, post = m_bridge->executor()](const storage::StorageNotice& n) {
            post([this, text = coreText(n.message)] { emit noticeRaised(text); });
        });
    makeHub();
    m_market = &m_services->market();
    // The REST gate is on the network side and says nothing when it pauses: look at it twice a
    // second (a mutex each) and say when a hold starts, counts down and ends.
    auto* holdWatch = new QTimer(this);
    holdWatch->setInterval(500);
    connect(holdWatch, &QTimer::timeout, this, [this] {
        const RestHold hold = restHold();
        if (hold.kind == RestHold::Kind::None && m_shownHold.kind == RestHold::Kind::None) return;
        m_shownHold = hold;
        emit statusChanged();
    });
    holdWatch->start();
    return connectVenue(m_options.exchange, exchange::Endpoints{m_options.restBase, m_options.streamBase});
}

void ChartController::makeHub() {
    session::SeriesHub::Hooks hooks;
    hooks.post = m_bridge->executor();
    hooks.openFeed = [this](const SeriesKey& key, std::optional<std::int64_t> resume) {
        if (m_feed) m_feed->open(key, resume);
    };
    hooks.loadOlder = [this](const SeriesKey& key, std::int64_t before) {
        if (!m_feed) {  // no venue after a failed switch: the request fails visibly and ends
            m_bridge->post(feed::FeedError{key, Error{"no connection to the exchange"}});
            return;
        }
        // Several pages at once (issue 21: a trader dragging back waits for one round of pages,
        // not one per page), at least kOlderCandlesPerLoad candles; they come back newest first,
        // the last one (or a FeedError) ending the load.
        m_feed->loadOlder(key, before, std::max<std::size_t>(kOlderCandlesPerLoad,
                                                             static_cast<std::size_t>(std::max(1, m_adapter->maxHistoryLimit()))));
    };
    hooks.loadRange = [this](const SeriesKey& key, std::int64_t from, std::int64_t to) {
        if (!m_feed) {  // no venue after a failed switch: the hole stays (asked on the next opening)
            m_bridge->post(feed::FeedError{key, Error{"no connection to the exchange"}});
            return;
        }
        m_feed->loadRange(key, from, to);
    };
    hooks.notice = [this](const std::string& message) { emit noticeRaised(coreText(message)); };
    if (m_options.replay) {
        // A replay reads the cache as it is: no venue page is asked for (scroll-back ends at the
        // cache, holes stay) and nothing replayed is written into it.
        hooks.loadOlder = {};
        hooks.loadRange = {};
    }
    m_hub = std::make_unique<session::SeriesHub>(m_services->storage(), std::move(hooks), m_options.memoryBudgetBytes);
    m_hub->setReadOnly(m_options.replay);
}

Result<Ok> ChartController::connectVenue(const std::string& name, const exchange::Endpoints& overrides) {
    // The old venue's feed stops first (it may be connected to the simulator stopped next).
    if (m_feed) m_feed->stop();
    m_feed.reset();
    exchange::Endpoints endpoints = overrides;
    if (m_options.demo && !m_options.replay) {
        // The process's simulator of this dialect (started at its first use, kept): switching
        // back to a venue reaches the same endpoints, so the market session's engine is reused.
        auto server = m_services->simulator(name, m_options.market);
        if (!server) return server.error();
        // Flags still win (a test pointing the demo elsewhere); otherwise the simulator.
        if (endpoints.restBase.empty()) endpoints.restBase = (*server)->restBase();
        if (endpoints.streamBase.empty())
            endpoints.streamBase = (*server)->streamBase() + session::venueStreamPath(name, m_options.market);
    }
    auto adapter = exchange::makeAdapter(name, endpoints, m_options.market);
    if (!adapter) return adapter.error();
    m_adapter = std::shared_ptr<exchange::ExchangeAdapter>(std::move(*adapter));
    m_options.exchange = m_adapter->name();
    // The venue's connection engine and REST gate are the market session's, shared with every
    // other window on this venue.
    m_feed = std::make_unique<session::MarketFeed>(m_market->io(), m_adapter, m_market->feedConfig(m_adapter), *m_bridge);
    if (m_options.replay) {
        // The recording's symbols are the list (the replay asks the venue for nothing); their
        // price steps are not in the record: two decimals, as for a symbol the list lacks.
        feed::SymbolList list{m_adapter->name(), {}};
        for (const std::string& recorded : m_options.replaySymbols) {
            exchange::SymbolInfo info;
            info.symbol = recorded;
            if (const auto pair = splitSymbol(recorded)) {
                info.baseAsset = pair->first;
                info.quoteAsset = pair->second;
            }
            info.status = "TRADING";
            info.priceDecimals = 2;
            list.symbols.push_back(std::move(info));
        }
        m_bridge->post(feed::FeedEvent{std::move(list)});
        return Ok{};
    }
    m_feed->requestSymbols();
    return Ok{};
}

QString ChartController::exchangeName() const {
    return m_adapter ? QString::fromStdString(m_adapter->name()) : QString();
}

Result<Ok> ChartController::switchExchange(const QString& name, const exchange::Endpoints& endpoints) {
    if (!m_market) return makeError("cannot switch the exchange before the controller started");
    const std::string wanted = name.trimmed().toLower().toStdString();
    if (auto known = exchange::defaultEndpoints(wanted); !known) return known.error();
    if (m_adapter && wanted == m_adapter->name()) return Ok{};
    // Base and quote of the open symbol, while the old venue's symbol list still says them.
    const auto pair = baseQuote(m_key.symbol);
    if (auto connected = connectVenue(wanted, endpoints); !connected) {
        // Back to the venue there was (the demo: its simulator, still running), so the chart
        // keeps a feed; the error says why the switch failed.
        const std::string previous = m_adapter ? m_adapter->name() : std::string("binance");
        const exchange::Endpoints previousEndpoints =
            m_options.demo || !m_adapter ? exchange::Endpoints{} : m_adapter->endpoints();
        if (connectVenue(previous, previousEndpoints) && !m_key.symbol.empty())
            m_feed->open(m_key, m_hub->resumePoint(m_key));
        return connected;
    }
    m_symbols.clear();
    m_symbolNames.clear();
    m_latencyMs.reset();
    m_clockOffsetMs.reset();  // another venue, another clock
    emit symbolsChanged();
    emit exchangeChanged();
    if (!m_key.symbol.empty()) {
        const std::string symbol = pair ? m_adapter->symbolFor(pair->first, pair->second) : m_key.symbol;
        openSeries(QString::fromStdString(symbol), m_key.interval);
    }
    return Ok{};
}

Result<Ok> ChartController::switchMarket(MarketType market, const exchange::Endpoints& endpoints) {
    if (!m_market || !m_adapter) return makeError("cannot switch the market before the controller started");
    if (market == m_options.market) return Ok{};
    const MarketType previous = m_options.market;
    const std::string venue = m_adapter->name();
    const exchange::Endpoints previousEndpoints = m_options.demo ? exchange::Endpoints{} : m_adapter->endpoints();
    const auto pair = baseQuote(m_key.symbol);
    m_options.market = market;
    if (auto connected = connectVenue(venue, endpoints); !connected) {
        // Back to the market there was, so the chart keeps a feed; the error says why.
        m_options.market = previous;
        if (connectVenue(venue, previousEndpoints) && !m_key.symbol.empty()) m_feed->open(m_key, m_hub->resumePoint(m_key));
        return connected;
    }
    m_symbols.clear();
    m_symbolNames.clear();
    m_latencyMs.reset();
    emit symbolsChanged();
    emit marketChanged();
    if (!m_key.symbol.empty()) {
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
    return session::splitSymbol(symbol);  // one rule for the charts and the watchlist
}

QString ChartController::venueSymbol(const QString& symbol) const {
    const std::string text = symbol.trimmed().toUpper().toStdString();
    const auto pair = baseQuote(text);
    if (!m_adapter || !pair) return QString::fromStdString(text);
    return QString::fromStdString(m_adapter->symbolFor(pair->first, pair->second));
}

void ChartController::checkSymbolListed() {
    if (m_symbolNames.isEmpty() || m_key.symbol.empty()) return;
    const QString current = QString::fromStdString(m_key.symbol);
    if (m_symbolNames.contains(current)) {
        emit symbolAccepted(current);
        return;
    }
    // Not listed (a typo on the command line, a saved symbol the venue delisted, a pair another
    // venue lacks after a switch): the venue would only answer "Invalid symbol" to a blank chart.
    const QString btc = QString::fromStdString(m_adapter->symbolFor("BTC", "USDT"));
    const QString fallback = m_symbolNames.contains(btc) ? btc : m_symbolNames.front();
    emit noticeRaised(tr("%1 is not listed on %2; showing %3").arg(current, exchangeName(), fallback));
    openSeries(fallback, m_key.interval);
}

const sim::SimServer* ChartController::simulator() const {
    return m_options.demo && m_adapter ? m_services->findSimulator(m_adapter->name(), m_options.market) : nullptr;
}

QString ChartController::restBase() const {
    return m_adapter ? QString::fromStdString(m_adapter->endpoints().restBase) : QString();
}

QString ChartController::streamBase() const {
    return m_adapter ? QString::fromStdString(m_adapter->endpoints().streamBase) : QString();
}

ChartController::RestHold ChartController::restHold() const {
    if (!m_market || !m_adapter) return {};
    const auto gate = m_market->restGate(*m_adapter);
    const std::int64_t now = nowMs();
    if (const std::int64_t until = gate->bannedUntilMs(); until > now) return {RestHold::Kind::Banned, until};
    if (const std::int64_t until = gate->pausedUntilMs(); until > now) return {RestHold::Kind::TooMany, until};
    return {};
}

void ChartController::openSeries(const QString& symbol, Interval interval) {
    SeriesKey key{m_adapter ? m_adapter->name() : "binance", symbol.trimmed().toUpper().toStdString(), interval,
                  m_options.market};
    if (key.symbol.empty() || !m_feed || !m_hub) return;
    if (m_replaySeries) {
        m_replaySeries = nullptr;  // another series: the replay was of the one before
        emit replayInterrupted();
    }
    m_key = key;
    m_latencyMs.reset();
    m_status = feed::FeedStatus{key, feed::FeedState::Connecting, "opening", 0, nowMs()};
    // Subscribed before the hub opens it: its Reset notice rebinds the charts.
    m_subscription = m_hub->subscribe(key, [this](const session::SeriesChange& change) { onSeriesChange(change); });
    m_hub->open(key);
    emit statusChanged();
    // Known to be listed already: accepted now (else when the venue's list comes).
    if (m_symbolNames.contains(QString::fromStdString(key.symbol))) emit symbolAccepted(QString::fromStdString(key.symbol));
}

void ChartController::onSeriesChange(const session::SeriesChange& change) {
    if (change.key != m_key) return;
    // Bar replay: the chart shows the replay's series; the live one is back at its end.
    if (m_replaySeries) return;
    if (change.kind == session::SeriesChange::Kind::Reset) {
        emit seriesReset();
    } else if (m_draining) {
        m_seriesDirty = true;  // once per wake-up
    } else {
        emit seriesUpdated();
    }
}

std::int64_t ChartController::klineLatencyMs(std::int64_t eventTimeMs, std::int64_t receivedMs,
                                             std::optional<std::int64_t> clockOffsetMs) {
    return std::max<std::int64_t>(0, receivedMs + clockOffsetMs.value_or(0) - eventTimeMs);
}

void ChartController::setMemoryBudgetBytes(std::size_t bytes) {
    m_options.memoryBudgetBytes = bytes;
    if (m_hub) m_hub->setMemoryBudgetBytes(bytes);
}

std::size_t ChartController::memoryBudgetBytes() const {
    return m_hub ? m_hub->memoryBudgetBytes() : m_options.memoryBudgetBytes;
}

const market::CandleStore& ChartController::store() const {
    static const market::CandleStore kNone;
    return m_hub ? m_hub->store() : kNone;
}

session::Executor ChartController::executor() const { return m_bridge->executor(); }

const market::CandleSeries* ChartController::currentSeries() const {
    return m_replaySeries ? m_replaySeries : liveSeries();
}

const market::CandleSeries* ChartController::liveSeries() const { return m_hub ? m_hub->find(m_key) : nullptr; }

void ChartController::setReplaySeries(const market::CandleSeries* series) {
    if (series == m_replaySeries) return;
    m_replaySeries = series;
    emit seriesReset();
}

void ChartController::replaySeriesChanged(bool reset) {
    if (!m_replaySeries) return;
    if (reset) emit seriesReset();
    else emit seriesUpdated();
}

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
    if (m_hub) m_hub->loadOlder();
}

void ChartController::reconnect() {
    if (m_feed) m_feed->dropConnection();
}

void ChartController::restartReplay() {
    if (!m_options.replay || !m_hub || !m_adapter) return;
    emit replayRestarting();
    // The feed first: once stopped it posts nothing more; what it posted before is in the mailbox,
    // drained now with its feed events dropped (they are the replay being left), the storage
    // answers still handled by the hub they were asked for.
    if (m_feed) m_feed->stop();
    m_feed.reset();
    m_discardFeedEvents = true;
    m_bridge->drain();
    m_discardFeedEvents = false;
    const SeriesKey key = m_key;
    // A new hub: its series hold only what the cache has (read-only: nothing replayed was written
    // into it); the old one's answers still on their way are dropped by its guard.
    m_subscription.reset();
    makeHub();
    m_lastUpdateMs = 0;
    m_latencyMs.reset();
    if (auto connected = connectVenue(m_options.exchange, m_adapter->endpoints()); !connected) {
        emit errorOccurred(coreText(connected.error().message));
        return;
    }
    if (!key.symbol.empty()) openSeries(QString::fromStdString(key.symbol), key.interval);
}

void ChartController::onHandoffs(std::vector<session::Handoff>&& items) {
    // Signals about the current series and the status go out once per wake-up, after the batch.
    m_draining = true;
    m_seriesDirty = false;
    m_statusDirty = false;
    for (session::Handoff& item : items) {
        if (auto* event = std::get_if<feed::FeedEvent>(&item)) {
            if (!m_discardFeedEvents) onEvent(std::move(*event));
        }
        else std::get<session::Task>(item)();  // a storage answer for the hub, a worker's result
    }
    m_draining = false;
    if (m_seriesDirty) emit seriesUpdated();
    if (m_statusDirty) emit statusChanged();
}

void ChartController::onEvent(feed::FeedEvent&& event) {
    if (auto* k = std::get_if<exchange::KlineUpdate>(&event)) {
        const bool current = k->key == m_key;
        if (current && k->eventTimeMs > 0) {
            const std::int64_t latency = klineLatencyMs(k->eventTimeMs, nowMs(), m_clockOffsetMs);
            if (m_latencyMs != latency) m_statusDirty = true;
            m_latencyMs = latency;
        }
        if (m_hub->apply(std::move(event)) && current) {
            m_lastUpdateMs = nowMs();
            m_statusDirty = true;
        }
    } else if (auto* h = std::get_if<feed::HistoryBatch>(&event)) {
        const bool current = h->key == m_key;
        if (m_hub->apply(std::move(event)) && current) {
            m_lastUpdateMs = nowMs();
            m_statusDirty = true;
        }
    } else if (auto* st = std::get_if<feed::FeedStatus>(&event)) {
        if (st->clockOffsetMs) m_clockOffsetMs = st->clockOffsetMs;  // one clock per venue
        if (st->key == m_key) {
            m_status = std::move(*st);
            m_statusDirty = true;
        }
    } else if (auto* list = std::get_if<feed::SymbolList>(&event)) {
        // A list the previous venue's feed posted before it stopped is not this venue's.
        if (!list->exchange.empty() && m_adapter && list->exchange != m_adapter->name()) return;
        m_symbols = std::move(list->symbols);
        std::sort(m_symbols.begin(), m_symbols.end(),
                  [](const auto& a, const auto& b) { return a.symbol < b.symbol; });
        m_symbolNames.clear();
        for (const auto& s : m_symbols)
            if (isTrading(s.status)) m_symbolNames << QString::fromStdString(s.symbol);
        emit symbolsChanged();
        if (!m_key.symbol.empty()) m_seriesDirty = true;  // price precision may have changed
        checkSymbolListed();
    } else if (auto* err = std::get_if<feed::FeedError>(&event)) {
        const bool shown = err->key.symbol.empty() || err->key == m_key;
        const QString message = coreText(err->error.message);
        m_hub->apply(std::move(event));  // a failed scroll-back page ends its load
        if (shown) emit errorOccurred(message);
    }
}

}  // namespace cpc::app
