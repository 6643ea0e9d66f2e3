#pragma once
// Composition of the data side of the app, on the GUI thread: exchange adapter + MarketFeed on
// the network thread, the in-memory CandleStore, the SQLite StorageWorker, and in demo mode the
// in-process exchange simulator. Widgets talk to this; it knows no widgets.
#include <QObject>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>

#include "cpc/core/result.hpp"
#include "cpc/exchange/exchange_adapter.hpp"
#include "cpc/feed/feed_events.hpp"
#include "cpc/market/candle_store.hpp"
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
    int priceDecimals() const;
    QStringList symbols() const { return m_symbolNames; }
    bool isKnownSymbol(const QString& symbol) const;
    const feed::FeedStatus& status() const { return m_status; }
    qint64 lastUpdateMs() const { return m_lastUpdateMs; }
    QString restBase() const;
    bool isDemo() const { return m_options.demo; }
    void reconnect();  // drop the stream now; the feed heals itself

public slots:
    // The user scrolled back to the first loaded candle: load older candles of the current
    // series, from the SQLite cache first. Ignored while a load is in flight.
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
    void seedFromFinerInterval(const SeriesKey& key, market::CandleSeries& target);

    ControllerOptions m_options;
    std::shared_ptr<exchange::ExchangeAdapter> m_adapter;
    std::unique_ptr<sim::SimServer> m_sim;
    std::unique_ptr<storage::StorageWorker> m_storage;
    std::unique_ptr<net::IoThread> m_io;
    MarketBridge* m_bridge = nullptr;              // child QObject
    std::unique_ptr<feed::MarketFeed> m_feed;
    market::CandleStore m_store;
    SeriesKey m_key;
    std::uint64_t m_openGeneration = 0;
    bool m_olderLoadInFlight = false;
    bool m_cacheExhausted = false;     // no older candles in SQLite for m_key
    feed::FeedStatus m_status;
    qint64 m_lastUpdateMs = 0;
    std::vector<exchange::SymbolInfo> m_symbols;
    QStringList m_symbolNames;
};

}  // namespace cpc::app
