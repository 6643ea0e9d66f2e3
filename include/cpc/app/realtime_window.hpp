#pragma once
// The realtime test window (issue 6): what the feed is doing right now, and proof that it keeps
// up. Its own symbol and timeframe, a live candlestick chart (MarketFeed: history, kline stream,
// backfill after every reconnect), live trades, the synced order book ladder, the 24 h ticker,
// a stream selector that subscribes and unsubscribes live on one StreamSession, feed health
// (FeedHealth: rates, latency to receipt and to paint, counters), a log of state changes and a
// "Force reconnect" button.
//
// Threads: the StreamSession and the MarketFeed run on the process's network thread (the market
// session's; a window given none makes its own). Both post into the window's session::Inbox, the
// same one hand-off the chart controller uses (the receipt time is stamped on the network
// thread); a post into an empty inbox wakes the GUI thread, which takes the whole inbox at
// most once a display frame and applies it to bounded models, so 20,000 messages a second cost
// at most 60 model updates a second, and a quiet feed pays no coalescing delay. The trade
// tape (TradeTape) shifts its pixels by the rows that came and draws only those; the tape, the
// ladder, the chart and the ticker panel repaint at most once a display frame (FramePacer).
#include <QElapsedTimer>
#include <QMainWindow>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "cpc/core/interval.hpp"
#include "cpc/exchange/exchange_adapter.hpp"
#include "cpc/session/feed_health.hpp"
#include "cpc/session/stream_session.hpp"
#include "cpc/market/candle_series.hpp"
#include "cpc/net/tls.hpp"

class QCheckBox;
class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableView;
class QTableWidget;
class QTimer;

namespace cpc::net { class IoThread; }
namespace cpc::session { class MarketFeed; }
namespace cpc::session { class Inbox; class MarketSession; }
namespace cpc::chart_qt { class ChartCanvas; }

namespace cpc::app {

class AppSettings;
class FramePacer;
class ChartController;
class LiquidationTable;
class OrderBookLadder;
class TradeTape;
class TradesTableModel;
class ValueLabel;

struct RealtimeOptions {
    std::string exchange = "binance";  // exchange::adapterNames(); the adapter comes from the registry
    // The venue's spot market or its perpetual futures: a perpetual's window subscribes only the
    // streams the venue has for it (Binance USD-M: aggTrade, not trade), adds its liquidation
    // stream and lists the liquidations (LiquidationTable).
    MarketType marketType = MarketType::Spot;
    std::string restBase;    // "https://api.binance.com" or the simulator's
    std::string streamBase;  // "wss://stream.binance.com:9443" or the simulator's
    net::TlsOptions tls;
    QString symbol = QStringLiteral("BTCUSDT");
    Interval interval = Interval::M1;
    QString timeZone = QStringLiteral("UTC");  // of the trade tape's times: the app's ("UTC", "local", IANA)
    bool simulator = false;  // label the chart "Simulator"
    int maxTradeRows = 500;  // bounded trades table
    int bookLevels = 12;     // ladder levels per side
    // Streams subscribed at the start (the selector's initial ticks).
    std::vector<exchange::StreamKind> streams = {exchange::StreamKind::Kline, exchange::StreamKind::Trade,
                                                 exchange::StreamKind::Depth, exchange::StreamKind::BookTicker,
                                                 exchange::StreamKind::Ticker};
    session::StreamSessionConfig session;  // back-off, watchdog, pacing (tests shorten them)
    // The process's market session (the main window's): the window's streams and its chart's
    // kline stream ride the venue's shared connection, subscribed as one more user. null: the
    // window makes a network thread and a market session of its own (`--test-realtime`, tests),
    // with `session`'s settings.
    session::MarketSession* market = nullptr;
    // Minimum time between two model updates of the GUI (the mailbox is applied whole). 0: the
    // display's frame period (FramePacer::periodOf: 16 ms at 60 Hz), so that each frame's batch is
    // applied once and painted at once after it — the repaints are paced to that frame anyway, so
    // applying more often only adds work, not earlier pixels (docs/PERFORMANCE.md, "Light while
    // live", has 4 ms against the frame).
    std::chrono::milliseconds frameInterval{0};
};

class RealtimeWindow final : public QMainWindow {
    Q_OBJECT
public:
    explicit RealtimeWindow(RealtimeOptions options, QWidget* parent = nullptr);
    ~RealtimeWindow() override;  // stops the feeds and the network thread

    // Options for the venue the main window's controller talks to (the demo simulator's
    // endpoints in demo mode, else the settings' endpoints).
    static RealtimeOptions optionsFor(const ChartController& controller, const AppSettings& settings);
    // The main window's View menu and toolbar: shows the window for that venue (one per parent;
    // an open one is raised). Deleted on close.
    static RealtimeWindow* openFor(ChartController& controller, const AppSettings& settings, QWidget* parent);

    void setSymbol(const QString& symbol);
    void setInterval(Interval interval);
    QString symbol() const { return m_symbol; }
    Interval interval() const { return m_interval; }
    // Subscribes / unsubscribes one stream kind of the current symbol, live (as the checkboxes).
    void setStreamEnabled(exchange::StreamKind kind, bool on);
    bool streamEnabled(exchange::StreamKind kind) const;
    // Drops both connections now; they heal themselves (the button).
    void forceReconnect();
    // A replay going back (ReplayPlayer::rewinding, after the replay before it stopped): the
    // window leaves its streams, drops what it received and not yet applied, empties the tape,
    // the book and the tickers, and subscribes again; its chart opens afresh. It then shows what
    // the replay plays again from the recording's start.
    void startOver();

    // ---- for tests and diagnostics ----------------------------------------------------------
    TradesTableModel* tradesModel() const { return m_trades; }
    TradeTape* tradeTape() const { return m_tradesView; }
    OrderBookLadder* ladder() const { return m_ladder; }
    LiquidationTable* liquidationTable() const { return m_liquidations; }  // null on spot
    chart_qt::ChartCanvas* canvas() const { return m_canvas; }
    const market::CandleSeries& series() const { return m_series; }
    session::StreamSessionStats sessionStats() const;
    const session::HealthSnapshot& health() const { return m_snapshot; }
    QCheckBox* streamCheckBox(exchange::StreamKind kind) const;
    QString logText() const;
    std::uint64_t tradesReceived() const { return m_tradesReceived; }
    std::uint64_t framesApplied() const { return m_framesApplied; }
    // GUI thread time spent applying one frame's events, in µs, over the last 10 s.
    const session::LatencySummary& frameCost() const { return m_frameSummary; }
    const std::optional<exchange::Ticker24h>& ticker() const { return m_ticker; }
    const std::optional<exchange::BookTicker>& bookTicker() const { return m_bookTicker; }
    // The statistics refresh (normally every 250 ms); tests call it to read fresh numbers.
    void refreshHealth();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    struct Ports;
    struct Received;
    void buildUi();
    void scheduleFrame();  // the mailbox got events: apply them now or at the next frame
    void applyFrame();     // take the whole mailbox, update the models once
    void apply(std::vector<Received>& batch);
    void onStatus(const feed::FeedStatus& status);
    void updateTicker();
    void log(const QString& line);
    std::vector<exchange::StreamSpec> specs(const std::vector<exchange::StreamKind>& kinds) const;
    exchange::StreamSpec spec(exchange::StreamKind kind) const;
    void openChart();
    void applySymbolDecimals();

    RealtimeOptions m_options;
    QString m_symbol;
    Interval m_interval;
    std::vector<exchange::StreamKind> m_enabled;

    std::unique_ptr<session::Inbox> m_inbox;  // the hand-off from the network thread; reset first on close
    std::shared_ptr<Ports> m_ports;           // the feeds' sinks, posting into m_inbox
    std::vector<Received> m_frame;            // GUI thread: the events of the frame being applied
    std::unique_ptr<net::IoThread> m_io;                   // only without RealtimeOptions::market
    std::unique_ptr<session::MarketSession> m_ownMarket;   // likewise
    session::MarketSession* m_market = nullptr;
    std::shared_ptr<exchange::ExchangeAdapter> m_adapter;
    std::shared_ptr<session::StreamSession> m_session;  // the venue's connection engine (shared)
    std::shared_ptr<feed::FeedSink> m_listener;      // the window as one of its users
    std::unique_ptr<session::MarketFeed> m_feed;

    market::CandleSeries m_series;
    std::vector<exchange::SymbolInfo> m_symbols;
    session::FeedHealth m_healthStats;
    session::HealthSnapshot m_snapshot;
    session::RateMeter m_tradeRate;
    std::vector<std::int64_t> m_awaitingPaint;  // exchange event times applied, not yet painted
    std::optional<exchange::Ticker24h> m_ticker;
    std::optional<exchange::BookTicker> m_bookTicker;
    std::uint64_t m_tradesReceived = 0;
    std::uint64_t m_framesApplied = 0;
    session::LatencyWindow m_frameCost{std::chrono::milliseconds(10000)};  // µs per applied frame
    session::LatencySummary m_frameSummary;
    std::int64_t m_openedAtMs = 0;
    std::map<std::string, feed::FeedState> m_states;  // "stream session" / "chart feed"
    bool m_chartHistoryLoaded = false;

    // Widgets (owned by the window).
    QComboBox* m_symbolBox = nullptr;
    QComboBox* m_intervalBox = nullptr;
    std::map<exchange::StreamKind, QCheckBox*> m_streamBoxes;
    QPushButton* m_reconnectButton = nullptr;
    chart_qt::ChartCanvas* m_canvas = nullptr;
    TradesTableModel* m_trades = nullptr;
    TradeTape* m_tradesView = nullptr;
    ValueLabel* m_tradeRateLabel = nullptr;
    OrderBookLadder* m_ladder = nullptr;
    LiquidationTable* m_liquidations = nullptr;
    std::map<QString, ValueLabel*> m_tickerLabels;
    QTableWidget* m_streamTable = nullptr;
    std::map<QString, ValueLabel*> m_healthLabels;
    QLabel* m_errorLabel = nullptr;
    QPlainTextEdit* m_log = nullptr;
    QTimer* m_frameTimer = nullptr;  // single shot: the next frame when the last one is < 16 ms old
    QElapsedTimer m_sinceFrame;
    std::chrono::milliseconds m_frameInterval{16};  // frameInterval, or the display's frame
    QTimer* m_healthTimer = nullptr;
    // The chart's and the ticker panel's redraws: at once after each frame's update when the
    // window applies once a frame, else paced to the display's frame (as the ladder and the tape).
    std::unique_ptr<FramePacer> m_chartPacer;
    std::unique_ptr<FramePacer> m_tickerPacer;
};

}  // namespace cpc::app
