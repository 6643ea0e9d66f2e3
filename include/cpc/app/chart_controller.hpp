#pragma once
// Composition of the data side of the app, on the GUI thread: exchange adapter + MarketFeed on
// the network thread, the in-memory CandleStore, the SQLite StorageWorker, and in demo mode the
// in-process exchange simulator. Widgets talk to this; it knows no widgets.
#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <utility>
#include <optional>

#include "cpc/core/result.hpp"
#include "cpc/exchange/exchange_adapter.hpp"
#include "cpc/feed/feed_events.hpp"
#include "cpc/market/candle_store.hpp"
#include "cpc/market/timeframe_aggregator.hpp"
#include "cpc/net/tls.hpp"

namespace cpc::net { class IoThread; }
namespace cpc::feed { class MarketFeed; }
namespace cpc::storage { class StorageWorker; }
namespace cpc::sim { class SimServer; }

namespace cpc::app {

class MarketBridge;

struct ControllerOptions {
    bool demo = false;              // run against the in-process simulator on loopback
    std::string restBase;           // override (empty: Binance production, or the simulator)
    std::string streamBase;
    std::string databasePath;       // empty: the default per-user database (demo: its own file)
    net::TlsOptions tls;
    std::uint64_t simSeed = 42;
    int simPushIntervalMs = 1000;
    std::function<std::int64_t()> simClock;  // demo: the simulator's exchange clock (empty: system clock)
    // Byte budget of the memory tier (Settings → memory budget); over it, the least recently
    // used series other than the open one are evicted (they stay in SQLite).
    std::size_t memoryBudgetBytes = market::CandleStore::kDefaultBudgetBytes;
};

class ChartController final : public QObject {
    Q_OBJECT
public:
    explicit ChartController(ControllerOptions options, QObject* parent = nullptr);
    ~ChartController() override;

    // Starts the simulator (demo), the network thread, storage and the symbol list request.
    Result<Ok> start();

    // Shows cached candles at once (memory, else SQLite), then loads and streams from the venue.
    void openSeries(const QString& symbol, Interval interval);
    const SeriesKey& currentKey() const { return m_key; }
    const market::CandleSeries* currentSeries() const;
    // The memory tier: every series held (the current one, other timeframes kept live, evicted
    // least recently used first).
    const market::CandleStore& store() const { return m_store; }
    // Applies a new memory budget at once (evicting least recently used series if now over it).
    void setMemoryBudgetBytes(std::size_t bytes);
    std::size_t memoryBudgetBytes() const { return m_store.budgetBytes(); }
    int priceDecimals() const;
    // The current symbol's price step from exchangeInfo (PRICE_FILTER tickSize); 0 when unknown.
    double tickSize() const;
    QStringList symbols() const { return m_symbolNames; }
    bool isKnownSymbol(const QString& symbol) const;
    const feed::FeedStatus& status() const { return m_status; }
    qint64 lastUpdateMs() const { return m_lastUpdateMs; }
    // Latency of the newest kline update of the current series: its exchange event time to its
    // arrival on the GUI thread, corrected by the exchange clock offset when the feed reported
    // one (latencyCorrected()). nullopt until an update with an event time arrived.
    std::optional<std::int64_t> latencyMs() const { return m_latencyMs; }
    bool latencyCorrected() const { return m_clockOffsetMs.has_value(); }
    // receivedMs (local clock) + offset − eventTimeMs, never negative (an unsynced clock ahead of
    // the exchange's would make it so).
    static std::int64_t klineLatencyMs(std::int64_t eventTimeMs, std::int64_t receivedMs,
                                       std::optional<std::int64_t> clockOffsetMs);
    QString restBase() const;
    bool isDemo() const { return m_options.demo; }
    // Demo mode: the in-process simulator (null otherwise).
    const sim::SimServer* simulator() const { return m_sim.get(); }
    void reconnect();  // drop the stream now; the feed heals itself

    // Scroll-back state of the current series: a load (cache or venue) is in flight; the venue
    // said it has nothing older (listing start), so loadOlderHistory() does nothing more.
    bool olderHistoryLoading() const { return m_olderLoadInFlight; }
    bool olderHistoryStartReached() const { return m_startReached; }
    // MarketFeed::loadOlder requests sent since start (every series).
    std::uint64_t olderHistoryVenueRequests() const { return m_olderVenueRequests; }

public slots:
    // The user scrolled back to the first loaded candle: load older candles of the current
    // series, from the SQLite cache first; when the cache has none (or they do not reach back
    // far), one page from the venue (MarketFeed::loadOlder), merged and saved in SQLite.
    // Ignored while a load is in flight and once the venue reported the listing start.
    void loadOlderHistory();

signals:
    void seriesReset();     // a different series is current: charts rebind
    void seriesUpdated();   // the current series changed
    void statusChanged();
    void symbolsChanged();
    void errorOccurred(const QString& message);
    void noticeRaised(const QString& message);  // non-fatal information (e.g. cache rebuilt)

private:
    void onEvents(std::vector<feed::FeedEvent>&& events);
    void persistClosed(const SeriesKey& key, std::vector<Candle> candles);
    void requestOlderFromVenue();  // one loadOlder page before the current series' first candle
    void seedFromFinerInterval(const SeriesKey& key, market::CandleSeries& target);
    // Live multi-timeframe: `changed` candles were just upserted into the series `source` (one
    // live update, or a merged batch); every coarser series of the same symbol held in memory is
    // updated from it with a TimeframeAggregator. Returns whether the current series changed.
    bool updateDerived(const SeriesKey& source, std::span<const Candle> changed, bool batch);
    void pruneAggregators();  // drops the aggregators of evicted series

    ControllerOptions m_options;
    std::shared_ptr<exchange::ExchangeAdapter> m_adapter;
    std::unique_ptr<sim::SimServer> m_sim;
    std::unique_ptr<storage::StorageWorker> m_storage;
    std::unique_ptr<net::IoThread> m_io;
    MarketBridge* m_bridge = nullptr;              // child QObject
    std::unique_ptr<feed::MarketFeed> m_feed;
    market::CandleStore m_store;
    std::map<std::pair<SeriesKey, Interval>, market::TimeframeAggregator> m_aggregators;  // (source, target)
    std::vector<Candle> m_aggregateScratch;  // output buffer of seedFromFinerInterval, reused
    SeriesKey m_key;
    std::uint64_t m_openGeneration = 0;
    bool m_olderLoadInFlight = false;
    bool m_cacheExhausted = false;     // no older candles in SQLite for m_key
    bool m_olderFromVenue = false;     // the load in flight is a MarketFeed::loadOlder page
    bool m_startReached = false;       // the venue has nothing older than m_key's first candle
    std::int64_t m_olderBefore = 0;    // beforeOpenTime of the loadOlder page in flight
    std::uint64_t m_olderVenueRequests = 0;
    feed::FeedStatus m_status;
    qint64 m_lastUpdateMs = 0;
    std::optional<std::int64_t> m_latencyMs;
    std::optional<std::int64_t> m_clockOffsetMs;  // exchange − local, from the feed's status
    std::vector<exchange::SymbolInfo> m_symbols;
    QStringList m_symbolNames;
};

}  // namespace cpc::app
