#include "cpc/app/perp_chart.hpp"

#include <QLocale>
#include <QStringList>
#include <QTimer>
#include <algorithm>
#include <limits>

#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/core_text.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"
#include "cpc/core/time.hpp"
#include "cpc/exchange/price_klines.hpp"
#include "cpc/session/inbox.hpp"
#include "cpc/session/market_session.hpp"
#include "cpc/session/perp_feed.hpp"

namespace cpc::app {

namespace {

constexpr std::uint32_t kMarkColour = 0xff9800ffU;        // orange
constexpr std::uint32_t kIndexColour = 0xab47bcffU;       // purple, dashed
constexpr std::uint32_t kFundingColour = 0x26a69affU;     // longs pay: green
constexpr std::uint32_t kFundingNegative = 0xef5350ffU;   // shorts pay: red
constexpr std::uint32_t kOpenInterestColour = 0x2962ffffU;
constexpr int kRefreshMs = 250;  // the lines follow the 1 s pushes; a burst costs one rebuild

chart::PaneSeries line(std::string name, std::uint32_t rgba, std::vector<double> values,
                       chart::PaneSeriesKind kind = chart::PaneSeriesKind::Line) {
    chart::PaneSeries s;
    s.name = std::move(name);
    s.rgba = rgba;
    s.kind = kind;
    s.values = std::move(values);
    return s;
}

// Pages of mark (and of index) candles for `bars` bars: as many as that takes, 20 at most.
int pricePages(const exchange::ExchangeAdapter& adapter, std::size_t bars) {
    const int rows = exchange::priceKlinesPageLimit(adapter);
    if (rows <= 0) return 10;
    return static_cast<int>(std::clamp<std::size_t>(bars / static_cast<std::size_t>(rows) + 1, 1, 20));
}

}  // namespace

const QString PerpChart::kMark = QStringLiteral("mark");
const QString PerpChart::kIndex = QStringLiteral("index");
const QString PerpChart::kFunding = QStringLiteral("funding");
const QString PerpChart::kOpenInterest = QStringLiteral("openInterest");
const QString PerpChart::kLiquidations = QStringLiteral("liquidations");

// The feed's sink, one per opening: its tasks run on the GUI thread only while it is the chart's
// current one (`live`), so what an earlier symbol's feed queued before it stopped is dropped.
struct PerpChart::Port final : feed::FeedSink, std::enable_shared_from_this<Port> {
    Port(session::Executor post, PerpChart* c) : executor(std::move(post)), chart(c) {}
    void post(feed::FeedEvent event) override {
        executor([self = shared_from_this(), e = std::move(event)]() mutable {
            if (self->live) self->chart->onEvent(std::move(e));
        });
    }
    void onLink(const feed::StreamLink& link) override {
        executor([self = shared_from_this(), link] {
            if (!self->live) return;
            if (link.state == feed::FeedState::Failed)
                self->chart->setFailure(QStringLiteral("link"), PerpChart::tr("streams: %1").arg(coreText(link.detail)));
            else if (link.state == feed::FeedState::Live)
                self->chart->setFailure(QStringLiteral("link"), {});
        });
    }
    session::Executor executor;
    PerpChart* chart;
    bool live = true;  // GUI thread
};

PerpChart::PerpChart(ChartController& controller, chart_qt::ChartCanvas& canvas, AppSettings& settings, QObject* parent)
    : QObject(parent), m_controller(controller), m_canvas(canvas), m_settings(settings),
      m_inbox(std::make_unique<session::Inbox>(
          [this] { QMetaObject::invokeMethod(this, [this] { drain(); }, Qt::QueuedConnection); })) {
    for (const QString& layer : {kMark, kIndex, kFunding, kOpenInterest, kLiquidations})
        m_visible[layer] = m_settings.perpLayerVisible(layer);
    m_clock = new QTimer(this);
    m_clock->setInterval(1000);
    connect(m_clock, &QTimer::timeout, this, &PerpChart::tick);
    m_refreshTimer = new QTimer(this);
    m_refreshTimer->setSingleShot(true);
    m_refreshTimer->setInterval(kRefreshMs);
    connect(m_refreshTimer, &QTimer::timeout, this, &PerpChart::refresh);
    connect(&m_controller, &ChartController::seriesReset, this, &PerpChart::reopen);
    connect(&m_controller, &ChartController::seriesUpdated, this, [this] {
        // New or prepended candles: the values are index-aligned, so now; a tick of the newest
        // candle waits for the next refresh.
        const auto* series = m_controller.currentSeries();
        const std::size_t bars = series ? series->size() : 0;
        const std::int64_t first = bars > 0 ? series->openTime(0) : 0;
        if (m_key.market == MarketType::Perp && (bars != m_bars || first != m_firstOpen)) {
            refresh();
            loadOlderPrices();  // scrolled back: the older bars' mark and index
        } else {
            scheduleRefresh();
        }
    });
}

PerpChart::~PerpChart() {
    m_inbox.reset();  // nothing the session still delivers reaches this object now
    close();
}

Interval PerpChart::openInterestPeriodFor(const std::vector<Interval>& kept, Interval chart) {
    if (kept.empty()) return Interval::M5;
    std::optional<Interval> best;
    for (const Interval i : kept)
        if (nominalMs(i) <= nominalMs(chart) && (!best || nominalMs(i) > nominalMs(*best))) best = i;
    if (best) return *best;
    return *std::min_element(kept.begin(), kept.end(), [](Interval a, Interval b) { return nominalMs(a) < nominalMs(b); });
}

bool PerpChart::layerVisible(const QString& layer) const {
    const auto it = m_visible.find(layer);
    return it != m_visible.end() && it->second;
}

void PerpChart::setLayerVisible(const QString& layer, bool visible) {
    if (!m_visible.contains(layer) || m_visible[layer] == visible) return;
    m_visible[layer] = visible;
    if (m_key.market != MarketType::Perp || m_key.symbol.empty()) return;
    detachLayers();
    attachLayers();
    refresh();
}

void PerpChart::close() {
    if (m_port) m_port->live = false;
    m_port.reset();
    if (m_feed) m_feed->stop();
    m_feed.reset();
    if (m_clock) m_clock->stop();
}

void PerpChart::reopen() {
    const SeriesKey key = m_controller.currentKey();
    session::MarketSession* market = m_controller.marketSession();
    const auto adapter = m_controller.sharedAdapter();
    const bool perp = key.market == MarketType::Perp && !key.symbol.empty() && market && adapter &&
                      adapter->market() == MarketType::Perp;
    const Interval period =
        perp ? openInterestPeriodFor(adapter->openInterestPeriods(), key.interval) : Interval::M5;
    // The same perpetual at another timeframe keeps its feed when the open-interest period stays
    // and the mark/index history was asked at this interval or a finer one (a bar of a coarser
    // chart takes the last of its finer bars; a finer chart needs its own history).
    if (perp && m_feed && key.exchange == m_key.exchange && key.symbol == m_key.symbol &&
        m_data.openInterestPeriod().value_or(period) == period && nominalMs(m_priceInterval) <= nominalMs(key.interval)) {
        m_key = key;
        refresh();
        loadOlderPrices();  // a coarser chart may reach further back
        return;
    }
    close();
    detachLayers();
    m_data.clear();
    const bool hadFailure = !m_failures.empty();
    m_failures.clear();
    m_key = key;
    m_symbol = perp ? key.symbol : std::string();
    if (!perp) {
        if (hadFailure) emit failureChanged();
        tick();
        return;
    }
    attachLayers();
    m_port = std::make_shared<Port>(m_inbox->executor(), this);
    session::PerpFeedOptions options;
    options.symbol = key.symbol;
    options.openInterestPeriod = period;
    // Binance keeps 30 days of open interest: 5-minute rows are 18 pages of 500.
    options.historyPages = 30;
    // The mark and index lines of the bars before now: back to the chart's first bar (a thousand
    // bars while the candles are still loading), in as many pages as that takes, 20 at most.
    options.priceInterval = key.interval;
    const auto* series = m_controller.currentSeries();
    const std::size_t bars = series && series->size() > 0 ? series->size() : 1000;
    options.priceFromMs = series && series->size() > 0 ? series->openTime(0) : 0;
    options.priceHistoryPages = pricePages(*adapter, bars);
    options.onPriceHistory = [port = m_port](session::PriceHistory history) {
        port->executor([port, h = std::move(history)]() mutable {
            if (port->live) port->chart->onPriceHistory(std::move(h));
        });
    };
    m_priceInterval = key.interval;
    m_priceReachedMs = std::numeric_limits<std::int64_t>::max();
    m_pricePending = true;
    m_feed = std::make_unique<session::PerpFeed>(*market, adapter, std::shared_ptr<feed::FeedSink>(m_port, m_port.get()),
                                                 options);
    if (auto started = m_feed->start(); !started) {
        m_feed.reset();
        setFailure(QStringLiteral("start"), coreText(started.error().message));
    } else if (hadFailure) {
        emit failureChanged();
    }
    m_clock->start();
    tick();
    refresh();
}

void PerpChart::drain() {
    if (!m_inbox) return;
    for (session::Handoff& item : m_inbox->takeAll()) {
        if (auto* task = std::get_if<session::Task>(&item)) (*task)();
        else if (auto* event = std::get_if<feed::FeedEvent>(&item)) onEvent(std::move(*event));
    }
}

void PerpChart::onEvent(feed::FeedEvent&& event) {
    if (auto* m = std::get_if<exchange::MarkPriceUpdate>(&event)) {
        m_data.addMarkPrice(*m);
        setFailure(QStringLiteral("mark"), {});
        scheduleRefresh();
    } else if (auto* f = std::get_if<exchange::FundingUpdate>(&event)) {
        m_data.setFunding(*f, nowMs());
        setFailure(QStringLiteral("mark"), {});
        tick();
        scheduleRefresh();
    } else if (auto* oi = std::get_if<exchange::OpenInterestUpdate>(&event)) {
        m_data.addOpenInterest(*oi);
        setFailure(QStringLiteral("openInterest"), {});
        scheduleRefresh();
    } else if (auto* l = std::get_if<exchange::Liquidation>(&event)) {
        m_data.addLiquidation(*l);
        emit liquidationReceived(*l);
        scheduleRefresh();
    } else if (auto* fh = std::get_if<feed::FundingHistory>(&event)) {
        m_data.setFundingHistory(std::move(fh->points));
        scheduleRefresh();
    } else if (auto* oh = std::get_if<feed::OpenInterestHistory>(&event)) {
        m_data.setOpenInterestHistory(*oh);
        scheduleRefresh();
    } else if (auto* err = std::get_if<feed::FeedError>(&event)) {
        const std::string& text = err->error.message;
        if (text.starts_with("venue clock")) return;  // the local clock is used: not a failure
        const QString source = text.starts_with("open interest of")            ? QStringLiteral("openInterest")
                               : text.starts_with("mark price and funding of") ? QStringLiteral("mark")
                                                                               : QStringLiteral("history");
        setFailure(source, coreText(text));
    }
}

void PerpChart::onPriceHistory(session::PriceHistory&& history) {
    m_data.addPriceHistory(history.interval, history.mark, history.index);
    // A request that got no further back (the venue failed it: a FeedError says so) gives up on
    // its range rather than asking again at once.
    if (history.beforeMs == 0 || history.reachedMs < m_priceReachedMs) m_priceReachedMs = history.reachedMs;
    else m_priceReachedMs = std::min(m_priceReachedMs, history.fromMs);
    m_pricePending = false;
    scheduleRefresh();
    loadOlderPrices();  // the chart may have scrolled further meanwhile
}

void PerpChart::loadOlderPrices() {
    if (!m_feed || m_pricePending || m_key.market != MarketType::Perp) return;
    const auto* series = m_controller.currentSeries();
    const auto adapter = m_controller.sharedAdapter();
    if (!series || series->size() == 0 || !adapter) return;
    const std::int64_t first = series->openTime(0);
    if (first >= m_priceReachedMs) return;
    std::size_t bars = 0;  // the chart's bars before what was asked so far
    while (bars < series->size() && series->openTime(bars) < m_priceReachedMs) ++bars;
    m_pricePending = true;
    m_feed->requestPriceHistory(first, m_priceReachedMs, pricePages(*adapter, bars));
}

void PerpChart::setFailure(const QString& source, const QString& text) {
    const QString before = failure();
    if (text.isEmpty()) m_failures.erase(source);
    else m_failures[source] = text;
    if (failure() == before) return;
    tick();
    emit failureChanged();
}

QString PerpChart::failure() const {
    QStringList parts;
    for (const auto& [source, text] : m_failures) parts << text;
    return parts.join(QStringLiteral("; "));
}

std::optional<std::int64_t> PerpChart::fundingCountdownMs() const { return m_data.fundingCountdownMs(nowMs()); }

QString PerpChart::fundingText() const {
    if (m_key.market != MarketType::Perp || m_key.symbol.empty()) return {};
    if (const QString failed = failure(); !failed.isEmpty()) return tr("Perpetual data failed: %1").arg(failed);
    const auto rate = m_data.fundingRate();
    const auto left = fundingCountdownMs();
    if (!rate || !left) return tr("Funding: waiting for the venue…");
    return tr("Funding %1 % · next in %2")
        .arg(QLocale().toString(*rate * 100.0, 'f', 4), QString::fromStdString(PerpData::countdownText(*left)));
}

void PerpChart::tick() {
    m_fundingShown = fundingText();
    if (m_fundingLegendId) m_canvas.model().setOverlayTitle(m_fundingLegendId, m_fundingShown.toStdString());
    emit changed();
}

void PerpChart::scheduleRefresh() {
    if (!m_refreshTimer->isActive()) m_refreshTimer->start();
}

void PerpChart::attachLayers() {
    auto& model = m_canvas.model();
    // The funding row first: the legend reads "Funding … · next in …" right under the prices.
    m_fundingShown = fundingText();
    m_fundingLegendId = model.addOverlay(m_fundingShown.toStdString());
    if (layerVisible(kMark)) m_markId = model.addOverlay(tr("Mark price").toStdString());
    if (layerVisible(kIndex)) m_indexId = model.addOverlay(tr("Index price").toStdString());
    if (layerVisible(kFunding)) {
        m_fundingPaneId = model.addPane(tr("Funding rate %").toStdString());
        model.setPaneLevels(m_fundingPaneId, {0.0});
    }
    if (layerVisible(kOpenInterest)) m_oiPaneId = model.addPane(tr("Open interest").toStdString());
}

void PerpChart::detachLayers() {
    auto& model = m_canvas.model();
    for (std::uint64_t* id : {&m_fundingLegendId, &m_markId, &m_indexId}) {
        if (*id) model.removeOverlay(*id);
        *id = 0;
    }
    for (std::uint64_t* id : {&m_fundingPaneId, &m_oiPaneId}) {
        if (*id) model.removePane(*id);
        *id = 0;
    }
    model.setBubbles({});
}

void PerpChart::refresh() {
    m_refreshTimer->stop();
    if (m_key.market != MarketType::Perp) return;
    const auto* series = m_controller.currentSeries();
    if (!series) return;
    const market::CandleView candles = series->candles();
    const Interval interval = m_key.interval;
    m_bars = candles.size();
    m_firstOpen = candles.empty() ? 0 : candles.openTime(0);
    auto& model = m_canvas.model();
    if (m_markId) model.setOverlaySeries(m_markId, {line("mark", kMarkColour, m_data.markValues(candles, interval))});
    if (m_indexId) {
        chart::PaneSeries index = line("index", kIndexColour, m_data.indexValues(candles, interval));
        index.dash = chart::LineDash::Dashed;
        model.setOverlaySeries(m_indexId, {std::move(index)});
    }
    if (m_fundingPaneId) {
        chart::PaneSeries funding = line("funding", kFundingColour, m_data.fundingValues(candles), chart::PaneSeriesKind::Histogram);
        funding.negativeRgba = kFundingNegative;
        model.setPaneSeries(m_fundingPaneId, {std::move(funding)});
    }
    if (m_oiPaneId)
        model.setPaneSeries(m_oiPaneId, {line("openInterest", kOpenInterestColour, m_data.openInterestValues(candles, interval))});
    std::vector<chart::ChartBubble> bubbles;
    if (layerVisible(kLiquidations) && !candles.empty()) {
        const std::int64_t first = candles.openTime(0);
        for (const exchange::Liquidation& l : m_data.liquidations()) {
            if (l.timeMs < first) continue;
            const double price = l.price.toDouble();
            // Quote value; a liquidation still in contracts (an OKX swap listed since the connect,
            // whose contract value the codec has not read yet): their count.
            bubbles.push_back(chart::ChartBubble{l.timeMs, price, l.contracts ? l.quantity.toDouble() : price * l.quantity.toDouble(),
                                                 !l.longLiquidated});
        }
    }
    model.setBubbles(std::move(bubbles));
    tick();  // the funding text with the new data, in the legend and the status bar alike
}

}  // namespace cpc::app
