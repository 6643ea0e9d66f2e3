#pragma once
// Qt glue over the data side of the app, on the GUI thread: composes the exchange adapter +
// MarketFeed on the process's network thread and the Qt-free session::SeriesHub (every candle
// series: memory tier, derived timeframes, cache, scroll-back) over the process's storage worker;
// in demo mode it points the feed at the process's simulator of the venue's dialect. Those
// process-wide pieces (AppServices) are the composition root's (runApp's), injected through
// ControllerOptions::services. Turns the hub's change notices and the feed's status into signals.
// Everything from other threads arrives through the MarketBridge's one mailbox.
// Widgets talk to this; it knows no widgets.
#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <utility>
#include <optional>
#include <string_view>

#include "cpc/app/app_services.hpp"
#include "cpc/core/result.hpp"
#include "cpc/exchange/exchange_adapter.hpp"
#include "cpc/feed/feed_events.hpp"
#include "cpc/market/candle_store.hpp"
#include "cpc/net/tls.hpp"
#include "cpc/session/series_hub.hpp"

namespace cpc::session { class MarketSession; }

namespace cpc::net { class IoThread; }
namespace cpc::session { class MarketFeed; }
namespace cpc::storage { class StorageWorker; }
namespace cpc::sim { class SimServer; }

namespace cpc::app {

class MarketBridge;

struct ControllerOptions {
    bool demo = false;              // run against the process's simulator on loopback
    // The venue (exchange::adapterNames(): binance, bybit, okx, kucoin); demo: the dialect the
    // simulator speaks. switchExchange() changes it at run time.
    std::string exchange = "binance";
    // Spot or the venue's perpetual futures (`--market perp`); switchMarket() changes it at run
    // time. Part of every series key (the cache keeps the two apart); in demo mode a perpetual is
    // served by the process's perpetual simulator of the venue (Binance USD-M only).
    MarketType market = MarketType::Spot;
    std::string restBase;           // override (empty: the venue's production host, or the simulator)
    std::string streamBase;
    // Without `services` only: what the controller's own AppServices are made with (see
    // servicesOptions()); with them, theirs apply.
    std::string databasePath;       // empty: the default per-user database (demo: its own file)
    net::TlsOptions tls;
    std::uint64_t simSeed = 42;
    int simPushIntervalMs = 1000;
    std::function<std::int64_t()> simClock;  // demo: the simulator's exchange clock (empty: system clock)
    // Byte budget of the memory tier (Settings → memory budget); over it, the least recently
    // used series other than the open one are evicted (they stay in SQLite).
    std::size_t memoryBudgetBytes = market::CandleStore::kDefaultBudgetBytes;
    // The process's network thread, market session, storage worker and demo simulators
    // (runApp's): the controller's feed rides the session's venue connections and REST limits,
    // shared with every other window; its series are saved by the one storage worker; in demo
    // mode it talks to the simulator of the venue's dialect, the same one on every switch back.
    // null: the controller makes AppServices of its own from servicesOptions() (tests) — the
    // same pieces, owned instead of borrowed.
    AppServices* services = nullptr;
    // A replay (`--replay DIR`): the services' market session is a replayed one (the record is
    // what it receives); the chart's series come from the candle cache (read, never written) and
    // the replayed stream; nothing is asked of the venue (no history, scroll-back or symbol list:
    // `replaySymbols`, the recording's, are the list).
    bool replay = false;
    std::vector<std::string> replaySymbols;
};

// The AppServices options these controller options describe (database, demo, TLS, simulator).
ServicesOptions servicesOptions(const ControllerOptions& options);

class ChartController final : public QObject {
    Q_OBJECT
public:
    explicit ChartController(ControllerOptions options, QObject* parent = nullptr);
    ~ChartController() override;

    // Starts the feed on the venue (demo: on the process's simulator of its dialect, started at
    // first use), the series hub over the storage worker, and the symbol list request.
    // An unknown ControllerOptions::exchange is an error naming the accepted ones.
    Result<Ok> start();

    // The venue now: "binance", "bybit", "okx", "kucoin" (empty before start()).
    QString exchangeName() const;
    // Switches the venue at run time (after start()): the feed (in demo mode on the process's
    // simulator speaking `name`'s dialect, kept from an earlier switch) is recreated over a new adapter from exchange::makeAdapter
    // with `endpoints` (empty fields: the venue's production hosts; ignored in demo mode), the
    // symbol list is requested again, and the open series is reopened on the new venue with the
    // same base/quote in its spelling (BTCUSDT ↔ BTC-USDT). Should the venue's symbol list not
    // have it, the first of BTC/USDT or the venue's first symbol is opened instead. Series are
    // keyed by exchange (SeriesKey::exchange) in memory and SQLite, so nothing of one venue is
    // shown as another's. Same venue: nothing happens. Unknown name: an Error listing the
    // accepted names, nothing changed.
    Result<Ok> switchExchange(const QString& name, const exchange::Endpoints& endpoints = {});
    // Switches between the venue's spot market and its perpetual futures (after start()), like
    // switchExchange: a new adapter of `market` (`endpoints` empty: the market's production
    // hosts; the demo: the perpetual simulator), the symbol list again, the open pair reopened in
    // the market's spelling (OKX BTC-USDT ↔ BTC-USDT-SWAP). Same market: nothing happens. A venue
    // without perpetuals (KuCoin), or a demo venue whose perpetuals are not simulated, is an Error
    // saying so, and the chart stays on the market it had.
    Result<Ok> switchMarket(MarketType market, const exchange::Endpoints& endpoints = {});
    MarketType marketType() const { return m_options.market; }
    // `symbol` (any venue's spelling) in the current venue's spelling: base/quote from the symbol
    // list when it is there, else split at "-" or a common quote asset suffix (USDT, USDC, BTC…).
    // Unchanged when it cannot be split.
    QString venueSymbol(const QString& symbol) const;
    // "BTCUSDT" / "BTC-USDT" → {"BTC", "USDT"}; nullopt when no known quote suffix matches.
    static std::optional<std::pair<std::string, std::string>> splitSymbol(std::string_view symbol);
    const exchange::ExchangeAdapter* adapter() const { return m_adapter.get(); }
    // The same adapter shared, for another user of the venue's stream session (the order flow).
    std::shared_ptr<const exchange::ExchangeAdapter> sharedAdapter() const { return m_adapter; }
    // Whether a SymbolInfo::status is open for trading on any venue (only those are listed).
    static bool isTrading(std::string_view status);

    // Shows cached candles at once (memory, else SQLite), then loads and streams from the venue.
    // A symbol the venue's list (when it comes) lacks is replaced by its BTC/USDT, with a notice.
    void openSeries(const QString& symbol, Interval interval);
    const SeriesKey& currentKey() const { return m_key; }
    const market::CandleSeries* currentSeries() const;
    // Bar replay (bar_replay_ui.hpp): the chart, its indicators and panes see `series` (the live
    // series cut at the replay time, owned by the replay) instead of the live one; null: live
    // again (the live series as it is now, with what arrived meanwhile). Emits seriesReset. While
    // replaying the live series' changes are not signalled (the chart does not show it). Opening
    // another series ends the replay (replayInterrupted, then the new series' seriesReset).
    void setReplaySeries(const market::CandleSeries* series);
    bool replaying() const { return m_replaySeries != nullptr; }
    // The hub's series of the current key, replay or not.
    const market::CandleSeries* liveSeries() const;
    // The replay revealed candles on the series it gave: seriesUpdated; `reset`: it rebuilt it
    // (a jump to another start): seriesReset.
    void replaySeriesChanged(bool reset = false);
    // The memory tier: every series held (the current one, other timeframes kept live, evicted
    // least recently used first). Empty before start().
    const market::CandleStore& store() const;
    // The series hub (null before start()).
    const session::SeriesHub* hub() const { return m_hub.get(); }
    // Applies a new memory budget at once (evicting least recently used series if now over it).
    void setMemoryBudgetBytes(std::size_t bytes);
    std::size_t memoryBudgetBytes() const;
    // Any thread: runs a closure on the GUI thread through the one mailbox, in order with the
    // feed's events and the storage answers (a worker's result, e.g. an indicator recompute).
    // Safe to keep and call after the controller is gone (the closure is then dropped).
    session::Executor executor() const;
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
    QString streamBase() const;
    // The venue's hold on this process's REST requests (its REST host's gate, shared by every
    // chart and command on that host): a pause after HTTP 429 (the venue asked to slow down) or an
    // IP ban, until `untilMs` (local clock). statusChanged() is emitted when a hold starts, every
    // half second while it lasts (its countdown) and when it ends, so that it is a visible state
    // rather than a silent wait.
    struct RestHold {
        enum class Kind : std::uint8_t { None, TooMany, Banned };
        Kind kind = Kind::None;
        std::int64_t untilMs = 0;
        bool operator==(const RestHold&) const = default;
    };
    RestHold restHold() const;
    bool isDemo() const { return m_options.demo; }
    // What the controller was made with (the venue: the current one); another chart's controller
    // is made from them with the same services (MainWindow's layouts).
    const ControllerOptions& options() const { return m_options; }
    // Demo mode: the simulator of the current venue's dialect (null otherwise).
    const sim::SimServer* simulator() const;
    // The market session the controller's feed uses (its own or the process's; null before start()).
    session::MarketSession* marketSession() const { return m_market; }
    // The process pieces the controller uses (its own or the composition root's).
    AppServices& services() const { return *m_services; }
    void reconnect();  // drop the stream now; the feed heals itself
    // A replay going back in time (ReplayPlayer::seekTo before its clock; ControllerOptions::replay
    // only): the feed and the series hub are made anew — every series, aggregator and candle the
    // replay delivered is dropped, what the feed already posted is discarded — and the current
    // series is opened again from the cache (the candles before the recording), as at the start of
    // the replay; seriesReset follows. The replay then plays the recording again from its start.
    void restartReplay();

    // Scroll-back state of the current series (the hub's): a load (cache or venue) is in flight;
    // the venue said it has nothing older (listing start), so loadOlderHistory() does nothing
    // more. The listing start is kept in SQLite (a coverage Gap before the first candle), so a
    // reopened chart whose candles reach it does not ask the venue again.
    bool olderHistoryLoading() const { return m_hub && m_hub->olderLoading(); }
    bool olderHistoryStartReached() const { return m_hub && m_hub->startReached(); }
    // MarketFeed::loadOlder requests sent since start (every series).
    std::uint64_t olderHistoryVenueRequests() const { return m_hub ? m_hub->olderVenueRequests() : 0; }

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
    void exchangeChanged();  // switchExchange() made another venue current
    void marketChanged();    // switchMarket() made the other market current
    void errorOccurred(const QString& message);
    void noticeRaised(const QString& message);  // non-fatal information (e.g. cache rebuilt)
    // The venue's symbol list has the current symbol (in its spelling): the one worth saving as
    // the last symbol. A symbol it does not list is never accepted; the chart falls back instead.
    void symbolAccepted(const QString& symbol);
    // Another series was opened while replaying: the replay no longer applies to this chart.
    void replayInterrupted();
    // restartReplay() begins (before the chart's own series is opened again): what runs
    // controllers of its own beside this chart's on the replayed market (the compared symbols)
    // starts them over too.
    void replayRestarting();

private:
    // GUI thread, once per wake-up: every feed event and closure posted since the last one, in order.
    void onHandoffs(std::vector<session::Handoff>&& items);
    void onEvent(feed::FeedEvent&& event);
    void onSeriesChange(const session::SeriesChange& change);
    void makeHub();
    // (Re)creates the adapter and the feed (and in demo mode the simulator) for venue `name`.
    Result<Ok> connectVenue(const std::string& name, const exchange::Endpoints& overrides);
    // Once the venue's symbols are known (at start, after a switch): says the current symbol is
    // accepted (symbolAccepted), or, when the venue does not list it, reopens on its BTC/USDT
    // (else its first symbol) with a notice saying so.
    void checkSymbolListed();
    // Base and quote asset of a symbol: from the venue's symbol list, else splitSymbol().
    std::optional<std::pair<std::string, std::string>> baseQuote(const std::string& symbol) const;

    ControllerOptions m_options;
    std::shared_ptr<exchange::ExchangeAdapter> m_adapter;
    std::unique_ptr<AppServices> m_ownServices;  // only without ControllerOptions::services
    AppServices* m_services = nullptr;
    AppServices::NoticeHandlerId m_noticeHandler = 0;  // storage notices → noticeRaised
    session::MarketSession* m_market = nullptr;    // m_services->market() after start()
    MarketBridge* m_bridge = nullptr;              // child QObject
    std::unique_ptr<session::MarketFeed> m_feed;
    std::unique_ptr<session::SeriesHub> m_hub;      // made in start(), over the services' storage
    session::SeriesHub::Subscription m_subscription;  // to m_key
    SeriesKey m_key;
    const market::CandleSeries* m_replaySeries = nullptr;  // bar replay's (not owned); null: live
    bool m_draining = false;     // inside onHandoffs: signals wait for its end
    bool m_discardFeedEvents = false;  // restartReplay(): the stopped feed's events are dropped
    bool m_seriesDirty = false;  // the current series changed during this drain
    bool m_statusDirty = false;
    feed::FeedStatus m_status;
    qint64 m_lastUpdateMs = 0;
    std::optional<std::int64_t> m_latencyMs;
    std::optional<std::int64_t> m_clockOffsetMs;  // exchange − local, from the feed's status
    std::vector<exchange::SymbolInfo> m_symbols;
    QStringList m_symbolNames;
    RestHold m_shownHold;  // the hold the last statusChanged() reflected
};

}  // namespace cpc::app
