#pragma once
// Qt glue of the chart's order flow: one user (listener) of the venue's StreamSession for the open
// symbol's trades and its synced order book (the same shared connection engine the charts and the
// realtime window use), feeding the Qt-free models on the GUI thread — the footprint bars of the
// open interval, the big trades, and the heatmap, which samples the newest book every 100 ms.
// Events come through a session::Inbox like every other hand-off to the GUI thread; one wake-up
// per burst. changed() is emitted at most once per 100 ms tick, and only when something changed.
#include <QObject>
#include <QString>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "cpc/core/interval.hpp"
#include "cpc/exchange/exchange_adapter.hpp"
#include "cpc/feed/feed_events.hpp"
#include "cpc/orderflow/big_trades.hpp"
#include "cpc/orderflow/book_heatmap.hpp"
#include "cpc/orderflow/footprint.hpp"
#include "cpc/session/agg_trade_history.hpp"

class QTimer;

namespace cpc::session {
class Inbox;
class MarketSession;
class StreamSession;
}  // namespace cpc::session

namespace cpc::app {

class OrderFlowFeed final : public QObject {
    Q_OBJECT
public:
    static constexpr std::int64_t kSampleMs = 100;
    // Rows of the heatmap: about 1 % of the price around the mid over 1,000 rows.
    static constexpr double kHeatmapSpanFraction = 0.01;

    explicit OrderFlowFeed(QObject* parent = nullptr);
    ~OrderFlowFeed() override;

    // Follows `symbol` on the venue of `adapter` (trades and the synced book), with footprint bars
    // of `interval` and rows of `tickSize` (the heatmap's: a 1-2-5 multiple of it spanning about
    // kHeatmapSpanFraction of `price` over its rows). Starts over: the models are emptied.
    void open(session::MarketSession& market, std::shared_ptr<const exchange::ExchangeAdapter> adapter,
              const std::string& symbol, Interval interval, double tickSize, double price);
    // The heatmap's rows sized for `price` now that it is known (the chart's first candles after
    // an open without one): the heatmap starts over empty; the footprint, the big trades and the
    // book keep what they hold (reopening would drop the trades seen before the first candle).
    void setHeatmapPrice(double tickSize, double price);
    // Leaves the streams (the last user leaving unsubscribes them); the models keep what they hold.
    void close();
    bool isOpen() const { return m_streams != nullptr; }
    const std::string& symbol() const { return m_symbol; }

    const orderflow::FootprintSeries* footprint() const { return m_footprint.get(); }
    const orderflow::BookHeatmap* heatmap() const { return m_heatmap.get(); }
    const orderflow::BigTrades& bigTrades() const { return m_big; }
    void setBigTradeMinValue(double value) { m_big.setMinValue(value); }
    std::uint64_t tradesSeen() const { return m_tradesSeen; }
    // The state of the connection carrying the streams (Failed with why, Reconnecting…).
    const feed::StreamLink& link() const { return m_link; }
    // The footprint's older bars: once the first live trade says where the live trades begin (or
    // after kHistoryWaitMs without one), the venue's aggregate trades of the bars before it — the
    // live bar's part before that trade, then older bars, newest first, at most kHistoryBars and
    // kHistorySpanMs — from the trade cache or over REST (session::AggTradeHistory), merged under
    // the live trades (FootprintSeries::addEarlier). An aggregate reaching into the live trades
    // (its last trade id at or past the first live one) is left out.
    static constexpr int kHistoryBars = 60;
    static constexpr std::int64_t kHistorySpanMs = 6 * 3'600'000;
    static constexpr int kHistoryWaitMs = 3000;
    // The trade cache's file ("" : none, every bar over REST). Before open().
    void setTradeCachePath(std::string path) { m_tradeCachePath = std::move(path); }
    // Whether the footprint is shown (the history is fetched only then; the heatmap alone needs none).
    void setHistoryWanted(bool wanted);
    // The history's state for the chart: empty while nothing is to be said (not started, or done),
    // else its progress, or why the footprint holds only the trades seen live.
    const QString& historyNote() const { return m_historyNote; }
    bool historyComplete() const { return m_historyComplete; }
    int historyBars() const { return m_historyBarsDone; }
    std::uint64_t historyTrades() const { return m_historyTrades; }
    int historyBarsFromCache() const { return m_historyFromCache; }
    // The clock the heatmap's columns are stamped with (AppServices::marketNowMs: a replay's is the
    // recording's); empty: the system clock. A time of 0 (a replay before its first record) is
    // not sampled.
    void setClock(std::function<std::int64_t()> clock) { m_clock = std::move(clock); }
    // A 1-2-5 multiple of tick at least span/rows (the heatmap's row).
    static double heatmapRowSize(double tickSize, double price, std::size_t rows);

signals:
    void changed();
    void linkChanged();
    // historyNote() changed; `finished`: the history ended (complete or not).
    void historyChanged(bool finished);
    // The trade cache was damaged and salvaged, or cannot be used (the history goes on over REST).
    void historyNotice(const QString& text);

private:
    struct Port;
    void drain();
    void sample();
    std::vector<exchange::StreamSpec> specs() const;
    // From m_firstLive (none within kHistoryWaitMs: the local clock cuts).
    void startHistory();
    void onHistory(session::AggTradeHistoryEvent e);

    std::function<std::int64_t()> m_clock;
    std::unique_ptr<session::Inbox> m_inbox;
    std::shared_ptr<Port> m_port;
    std::shared_ptr<session::StreamSession> m_streams;
    std::string m_symbol;
    std::unique_ptr<orderflow::FootprintSeries> m_footprint;
    std::unique_ptr<orderflow::BookHeatmap> m_heatmap;
    orderflow::BigTrades m_big{250'000.0};
    std::optional<feed::OrderBookView> m_book;
    feed::StreamLink m_link;
    QTimer* m_timer = nullptr;
    bool m_dirty = false;
    std::uint64_t m_tradesSeen = 0;

    session::MarketSession* m_market = nullptr;
    std::shared_ptr<const exchange::ExchangeAdapter> m_adapter;
    std::string m_tradeCachePath;
    std::unique_ptr<session::AggTradeHistory> m_history;
    QTimer* m_historyTimer = nullptr;
    bool m_historyStarted = false;
    bool m_historyWanted = false;
    bool m_historyComplete = false;
    std::optional<exchange::TradeTick> m_firstLive;  // where the live trades begin
    std::int64_t m_cutMs = 0;                        // history before this (no live trade yet)
    QString m_historyNote;
    int m_historyBarsDone = 0, m_historyBarsTotal = 0, m_historyFromCache = 0;
    std::uint64_t m_historyTrades = 0;
    std::uint64_t m_historyGeneration = 0;  // events of an earlier open() are dropped
};

}  // namespace cpc::app
