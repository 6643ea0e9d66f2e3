#pragma once
// Qt glue of the chart's order flow: one user (listener) of the venue's StreamSession for the open
// symbol's trades and its synced order book (the same shared connection engine the charts and the
// realtime window use), feeding the Qt-free models on the GUI thread — the footprint bars of the
// open interval, the big trades, and the heatmap, which samples the newest book every 100 ms.
// Events come through a session::Inbox like every other hand-off to the GUI thread; one wake-up
// per burst. changed() is emitted at most once per 100 ms tick, and only when something changed.
#include <QObject>
#include <QString>
#include <memory>
#include <optional>
#include <string>

#include "cpc/core/interval.hpp"
#include "cpc/exchange/exchange_adapter.hpp"
#include "cpc/feed/feed_events.hpp"
#include "cpc/orderflow/big_trades.hpp"
#include "cpc/orderflow/book_heatmap.hpp"
#include "cpc/orderflow/footprint.hpp"

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
    // A 1-2-5 multiple of tick at least span/rows (the heatmap's row).
    static double heatmapRowSize(double tickSize, double price, std::size_t rows);

signals:
    void changed();
    void linkChanged();

private:
    struct Port;
    void drain();
    void sample();
    std::vector<exchange::StreamSpec> specs() const;

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
};

}  // namespace cpc::app
