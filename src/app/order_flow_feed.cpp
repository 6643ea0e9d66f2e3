#include "cpc/app/order_flow_feed.hpp"

#include <QTimer>
#include <cmath>

#include "cpc/core/time.hpp"
#include "cpc/session/inbox.hpp"
#include "cpc/session/market_session.hpp"
#include "cpc/session/stream_session.hpp"

namespace cpc::app {

// The listener the stream session holds (it may outlive the feed): posts through the inbox's
// executor, which drops what comes after the inbox is gone (the feed's destructor does that first).
struct OrderFlowFeed::Port final : feed::FeedSink {
    Port(session::Executor post, OrderFlowFeed* f) : executor(std::move(post)), feed(f) {}
    void post(feed::FeedEvent event) override {
        if (!std::holds_alternative<exchange::TradeTick>(event) && !std::holds_alternative<feed::OrderBookView>(event))
            return;
        executor([f = feed, e = std::move(event)]() mutable {
            if (auto* t = std::get_if<exchange::TradeTick>(&e)) {
                if (t->symbol != f->m_symbol || !f->m_footprint) return;
                if (!f->m_firstLive) {
                    f->m_firstLive = *t;
                    if (f->m_historyWanted && !f->m_historyStarted) f->startHistory();
                }
                f->m_footprint->add(*t);
                f->m_big.add(*t);
                ++f->m_tradesSeen;
                f->m_dirty = true;
            } else if (auto* v = std::get_if<feed::OrderBookView>(&e)) {
                if (v->symbol == f->m_symbol) f->m_book = std::move(*v);
            }
        });
    }
    void onLink(const feed::StreamLink& link) override {
        executor([f = feed, link] {
            f->m_link = link;
            emit f->linkChanged();
        });
    }
    session::Executor executor;
    OrderFlowFeed* feed;
};

OrderFlowFeed::OrderFlowFeed(QObject* parent)
    : QObject(parent),
      m_inbox(std::make_unique<session::Inbox>(
          [this] { QMetaObject::invokeMethod(this, [this] { drain(); }, Qt::QueuedConnection); })),
      m_port(std::make_shared<Port>(m_inbox->executor(), this)) {
    m_timer = new QTimer(this);
    m_timer->setTimerType(Qt::PreciseTimer);
    m_timer->setInterval(static_cast<int>(kSampleMs));
    connect(m_timer, &QTimer::timeout, this, &OrderFlowFeed::sample);
    m_historyTimer = new QTimer(this);
    m_historyTimer->setSingleShot(true);
    m_historyTimer->setInterval(kHistoryWaitMs);
    connect(m_historyTimer, &QTimer::timeout, this, [this] {
        if (!m_historyStarted && m_historyWanted && m_footprint) startHistory();
    });
}

OrderFlowFeed::~OrderFlowFeed() {
    m_inbox.reset();  // nothing the session still delivers reaches this object now
    close();
}

std::vector<exchange::StreamSpec> OrderFlowFeed::specs() const {
    exchange::StreamSpec trades;
    trades.symbol = m_symbol;
    trades.kind = exchange::StreamKind::Trade;
    // Binance USD-M has no trade stream, only aggTrade (as the realtime window chooses): the
    // footprint, big trades and the CVD of trades read the aggregates there.
    if (m_adapter && !m_adapter->hasStream(trades)) {
        exchange::StreamSpec aggregates = trades;
        aggregates.kind = exchange::StreamKind::AggTrade;
        if (m_adapter->hasStream(aggregates)) trades = aggregates;
    }
    exchange::StreamSpec depth;
    depth.symbol = m_symbol;
    depth.kind = exchange::StreamKind::Depth;
    return {trades, depth};
}

double OrderFlowFeed::heatmapRowSize(double tickSize, double price, std::size_t rows) {
    const double tick = tickSize > 0.0 ? tickSize : 0.01;
    const double wanted = price > 0.0 ? price * kHeatmapSpanFraction / static_cast<double>(rows) : tick;
    for (double decade = 1.0; decade < 1e12; decade *= 10.0)
        for (const double step : {1.0, 2.0, 5.0})
            if (tick * step * decade >= wanted) return tick * step * decade;
    return tick;
}

void OrderFlowFeed::open(session::MarketSession& market, std::shared_ptr<const exchange::ExchangeAdapter> adapter,
                         const std::string& symbol, Interval interval, double tickSize, double price) {
    close();
    // What the streams delivered and the feed did not take yet is of the models being replaced:
    // another symbol's, or a replay's that went back (its trades and books of after the time).
    if (m_inbox) m_inbox->takeAll();
    m_symbol = symbol;
    const double tick = tickSize > 0.0 ? tickSize : 0.01;
    const Decimal footprintRow = Decimal::fromDouble(tick).value_or(Decimal::fromUnits(1'000'000));
    orderflow::HeatmapConfig config;
    config.rowSize = Decimal::fromDouble(heatmapRowSize(tick, price, config.maxRows)).value_or(footprintRow);
    m_footprint = std::make_unique<orderflow::FootprintSeries>(interval, footprintRow);
    m_heatmap = std::make_unique<orderflow::BookHeatmap>(config);
    m_big.clear();
    m_book.reset();
    m_tradesSeen = 0;
    m_link = {};
    m_market = &market;
    m_adapter = adapter;
    m_history.reset();
    m_historyStarted = m_historyComplete = false;
    m_firstLive.reset();
    m_historyNote.clear();
    m_historyBarsDone = m_historyBarsTotal = m_historyFromCache = 0;
    m_historyTrades = 0;
    ++m_historyGeneration;
    m_historyTimer->start();
    m_streams = market.streams(adapter);
    m_streams->subscribe(specs(), std::shared_ptr<feed::FeedSink>(m_port, m_port.get()));
    m_timer->start();
    emit changed();
}

void OrderFlowFeed::setHeatmapPrice(double tickSize, double price) {
    if (!m_heatmap) return;
    const double tick = tickSize > 0.0 ? tickSize : 0.01;
    orderflow::HeatmapConfig config = m_heatmap->config();
    if (const auto row = Decimal::fromDouble(heatmapRowSize(tick, price, config.maxRows))) config.rowSize = *row;
    m_heatmap = std::make_unique<orderflow::BookHeatmap>(config);  // the caller hands it to the chart
}

void OrderFlowFeed::close() {
    m_timer->stop();
    m_historyTimer->stop();
    m_history.reset();  // stops it: nothing of it arrives any more
    if (m_streams) m_streams->unsubscribe(specs(), std::shared_ptr<feed::FeedSink>(m_port, m_port.get()));
    m_streams.reset();
}

void OrderFlowFeed::setHistoryWanted(bool wanted) {
    m_historyWanted = wanted;
    // Open already (for the heatmap): start now if the live trades have begun, else the first
    // trade or the timer does.
    if (wanted && m_footprint && m_streams && !m_historyStarted) {
        if (m_firstLive) startHistory();
        else if (!m_historyTimer->isActive()) m_historyTimer->start();
    }
}

void OrderFlowFeed::startHistory() {
    m_historyStarted = true;
    m_historyTimer->stop();
    if (!m_firstLive) m_cutMs = cpc::nowMs();
    else m_cutMs = m_firstLive->timeMs + 1;  // the first live trade's millisecond is fetched too
    const Interval interval = m_footprint->interval();
    const std::int64_t liveBar = bucketStart(interval, m_cutMs - 1);
    session::AggTradeHistoryOptions options;
    options.symbol = m_symbol;
    options.cachePath = m_tradeCachePath;
    if (m_cutMs > liveBar) options.ranges.push_back({liveBar, m_cutMs});
    std::int64_t open = liveBar;
    for (int i = 1; i < kHistoryBars; ++i) {
        const std::int64_t previous = bucketStart(interval, open - 1);
        if (m_cutMs - previous > kHistorySpanMs && i > 1) break;
        options.ranges.push_back({previous, open});
        open = previous;
    }
    m_historyBarsTotal = static_cast<int>(options.ranges.size());
    m_historyNote = tr("Footprint history: loading %1 bars…").arg(m_historyBarsTotal);
    emit historyChanged(false);
    // Events come on the network thread: through the inbox, tagged with this open's generation.
    const session::Executor post = m_inbox->executor();
    const std::uint64_t generation = m_historyGeneration;
    m_history = std::make_unique<session::AggTradeHistory>(
        *m_market, m_adapter, std::move(options), [post, generation, this](session::AggTradeHistoryEvent e) {
            post([this, generation, e = std::move(e)]() mutable {
                if (generation == m_historyGeneration) onHistory(std::move(e));
            });
        });
    m_history->start();
}

void OrderFlowFeed::onHistory(session::AggTradeHistoryEvent e) {
    using Kind = session::AggTradeHistoryEvent::Kind;
    if (!e.notice.empty()) emit historyNotice(QString::fromStdString(e.notice));
    if (e.kind == Kind::Range && m_footprint) {
        // Only what came before the live trades: the rest the stream delivered already.
        std::erase_if(e.trades, [this](const exchange::TradeTick& t) {
            if (!m_firstLive) return t.timeMs >= m_cutMs;
            // In trade ids, whatever groups them: the last trade a history row covers against the
            // first trade of the first live event (a trade, Binance's aggregate, OKX's message of
            // `count` trades).
            return t.lastTradeId >= m_firstLive->firstTradeId;
        });
        m_historyTrades += m_footprint->addEarlier(e.trades);
        for (const auto& t : e.trades) m_big.add(t);
        ++m_historyBarsDone;
        if (e.fromCache) ++m_historyFromCache;
        m_dirty = true;
    }
    if (e.kind == Kind::Finished) {
        m_historyComplete = e.complete;
        const QString since = QString::fromStdString(formatUtc(m_firstLive ? m_firstLive->timeMs : m_cutMs)).mid(11, 8);
        m_historyNote = e.complete ? QString()
                                   : tr("Footprint history: %1 of %2 bars: %3; newer trades since %4 UTC")
                                         .arg(m_historyBarsDone)
                                         .arg(m_historyBarsTotal)
                                         .arg(QString::fromStdString(e.error))
                                         .arg(since);
        m_history.reset();
        emit historyChanged(true);
        return;
    }
    if (e.kind == Kind::Progress || e.kind == Kind::Range)
        m_historyNote = tr("Footprint history: %1 of %2 bars (%3 requests)")
                            .arg(m_historyBarsDone)
                            .arg(m_historyBarsTotal)
                            .arg(e.requests);
    emit historyChanged(false);
}

void OrderFlowFeed::drain() {
    if (!m_inbox) return;
    for (session::Handoff& item : m_inbox->takeAll())
        if (auto* task = std::get_if<session::Task>(&item)) (*task)();
}

void OrderFlowFeed::sample() {
    const std::int64_t now = m_clock ? m_clock() : cpc::nowMs();
    if (now > 0 && m_book && m_heatmap && m_heatmap->sample(*m_book, now)) m_dirty = true;
    if (!m_dirty) return;
    m_dirty = false;
    emit changed();
}

}  // namespace cpc::app
