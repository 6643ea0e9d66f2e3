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
}

OrderFlowFeed::~OrderFlowFeed() {
    m_inbox.reset();  // nothing the session still delivers reaches this object now
    close();
}

std::vector<exchange::StreamSpec> OrderFlowFeed::specs() const {
    exchange::StreamSpec trades;
    trades.symbol = m_symbol;
    trades.kind = exchange::StreamKind::Trade;
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
    m_streams = market.streams(adapter);
    m_streams->subscribe(specs(), std::shared_ptr<feed::FeedSink>(m_port, m_port.get()));
    m_timer->start();
    emit changed();
}

void OrderFlowFeed::close() {
    m_timer->stop();
    if (m_streams) m_streams->unsubscribe(specs(), std::shared_ptr<feed::FeedSink>(m_port, m_port.get()));
    m_streams.reset();
}

void OrderFlowFeed::drain() {
    if (!m_inbox) return;
    for (session::Handoff& item : m_inbox->takeAll())
        if (auto* task = std::get_if<session::Task>(&item)) (*task)();
}

void OrderFlowFeed::sample() {
    if (m_book && m_heatmap && m_heatmap->sample(*m_book, cpc::nowMs())) m_dirty = true;
    if (!m_dirty) return;
    m_dirty = false;
    emit changed();
}

}  // namespace cpc::app
