#include "cpc/app/chart_pane.hpp"

#include "cpc/app/chart_compare.hpp"

#include "cpc/app/core_text.hpp"
#include "cpc/app/app_services.hpp"

#include <QEvent>
#include <algorithm>
#include <filesystem>
#include <QFocusEvent>
#include <QMouseEvent>
#include <QInputDialog>
#include <QLineEdit>
#include <QPainter>
#include <QThreadPool>
#include <QTimer>
#include <QVBoxLayout>
#include <limits>

#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/chart_undo.hpp"
#include "cpc/app/feed_text.hpp"
#include "cpc/app/order_flow_feed.hpp"
#include "cpc/app/perp_chart.hpp"
#include "cpc/app/trade_cvd.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"
#include "cpc/indicators/registry.hpp"
#include "cpc/session/indicator_set.hpp"
#include "cpc/session/market_session.hpp"

namespace cpc::app {

namespace {

QString qs(std::string_view s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }

constexpr int kHistoryBusyTimeoutMs = 5000;  // the cache may have nothing older: stop spinning
// Bars wide enough for a footprint's "sell | buy" numbers.
constexpr double kFootprintBarSpacing = 100.0;
// MACD's histogram below zero (TradingView's red).
constexpr std::uint32_t kHistogramBelowZero = 0xef5350ffU;
// The frame around the active chart (its width; the colour is the palette's highlight).
constexpr int kActiveFrameWidth = 2;

std::uint32_t toRgba(const QColor& c) {
    return (static_cast<std::uint32_t>(c.red()) << 24U) | (static_cast<std::uint32_t>(c.green()) << 16U) |
           (static_cast<std::uint32_t>(c.blue()) << 8U) | static_cast<std::uint32_t>(c.alpha());
}

// The spec as the indicator made from it says it: registry name, every parameter, a colour per output.
void completeSpec(IndicatorSpec& spec, const indicators::Indicator& made) {
    spec.name = QString::fromStdString(made.info().name);
    spec.params.assign(made.params().begin(), made.params().end());
    spec.colours.resize(made.outputCount());
    for (std::size_t i = 0; i < spec.colours.size(); ++i) spec.colours[i] = spec.colour(i);
}

}  // namespace

QString linkGroupColour(int group) {
    // TradingView's link colours: red, green, blue, yellow.
    switch (group) {
    case 1: return QStringLiteral("#f23645");
    case 2: return QStringLiteral("#22ab94");
    case 3: return QStringLiteral("#2962ff");
    case 4: return QStringLiteral("#ff9800");
    default: return {};
    }
}

ChartPane::ChartPane(ChartController& controller, std::unique_ptr<ChartController> owned, AppSettings& settings,
                     QWidget* parent)
    : QWidget(parent), m_ownedController(std::move(owned)), m_controller(controller), m_settings(settings) {
    setObjectName(QStringLiteral("chartPane"));
    // The indicators over the controller's current series; a background recompute runs on the
    // thread pool and its result comes back through the controller's mailbox, in order with the
    // feed's events (the set drops it if the pane is gone by then).
    session::IndicatorSet::Hooks indicatorHooks;
    indicatorHooks.series = [this] { return m_controller.currentSeries(); };
    indicatorHooks.post = m_controller.executor();
    indicatorHooks.run = [](std::function<void()> job) { QThreadPool::globalInstance()->start(std::move(job)); };
    indicatorHooks.changed = [this](std::size_t index, std::size_t fromRow) { pushIndicator(index, fromRow); };
    m_indicatorSet = std::make_unique<session::IndicatorSet>(std::move(indicatorHooks));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(kActiveFrameWidth, kActiveFrameWidth, kActiveFrameWidth, kActiveFrameWidth);
    layout->setSpacing(0);
    m_canvas = new chart_qt::ChartCanvas(this);
    layout->addWidget(m_canvas);
    // A click anywhere on the chart (or the keyboard focus) makes this pane the active one.
    m_canvas->installEventFilter(this);
    m_undo = new ChartUndo(*m_canvas,
                           ChartUndo::Hooks{[this] { return indicatorSpecs(); },
                                            [this](const std::vector<IndicatorSpec>& specs) { applyIndicatorSpecs(specs); }},
                           this);

    m_orderFlow = new OrderFlowFeed(this);
    m_orderFlow->setClock([this] { return m_controller.services().marketNowMs(); });
    connect(m_orderFlow, &OrderFlowFeed::changed, m_canvas, &chart_qt::ChartCanvas::orderFlowChanged);
    connect(m_orderFlow, &OrderFlowFeed::changed, this, &ChartPane::pushTradeCvds);
    // A CVD from trades needs the order-flow feed (its trades and their history) open.
    connect(this, &ChartPane::indicatorsChanged, this, [this] { syncOrderFlow(false); });
    connect(m_orderFlow, &OrderFlowFeed::linkChanged, this, [this] {
        // A failure of the order-flow streams is said where the user looks, not only logged.
        const feed::StreamLink& link = m_orderFlow->link();
        if (link.state == feed::FeedState::Failed || link.state == feed::FeedState::Reconnecting)
            emit message(tr("Order flow: %1 %2").arg(feedStateText(link.state), coreText(link.detail)), 10'000);
    });
    m_compare = new ChartCompare(m_controller, *m_canvas, m_settings, this);
    connect(m_compare, &ChartCompare::changed, this, &ChartPane::chartChanged);  // saved with the workspace
    // The footprint history's progress and failures on the chart; its end and the cache's state in
    // the status bar.
    connect(m_orderFlow, &OrderFlowFeed::historyChanged, this, [this](bool finished) {
        chart::OrderFlowOptions options = m_canvas->orderFlowOptions();
        options.footprintNote = m_orderFlow->historyNote().toStdString();
        m_canvas->setOrderFlowOptions(options);
        if (finished && m_orderFlow->historyComplete())
            emit message(tr("Footprint history: %1 bars, %2 trades (%3 bars from the cache)")
                             .arg(m_orderFlow->historyBars())
                             .arg(m_orderFlow->historyTrades())
                             .arg(m_orderFlow->historyBarsFromCache()),
                         10'000);
    });
    connect(m_orderFlow, &OrderFlowFeed::historyNotice, this, [this](const QString& text) { emit message(text, 15'000); });
    connect(&m_controller, &ChartController::seriesReset, this, &ChartPane::rebindChart);
    // After rebindChart (connected first): the perpetual's layers go on the rebound chart.
    m_perp = new PerpChart(m_controller, *m_canvas, m_settings, this);
    connect(m_perp, &PerpChart::failureChanged, this, [this] {
        if (const QString failed = m_perp->failure(); !failed.isEmpty()) emit message(m_perp->fundingText(), 15000);
    });
    connect(&m_controller, &ChartController::seriesUpdated, this, [this] {
        m_compare->chartUpdated();
        m_indicatorSet->update();
        m_canvas->seriesChanged();
        // The heatmap's rows are sized from the price: sized again once the first candles tell it
        // (the footprint keeps the trades it has).
        if (m_orderFlow->isOpen() && m_orderFlowPrice <= 0.0) {
            const auto* candles = m_controller.currentSeries();
            if (candles && candles->size() > 0) {
                m_orderFlowPrice = candles->candles().close(candles->size() - 1);
                m_orderFlow->setHeatmapPrice(m_controller.tickSize(), m_orderFlowPrice);
                m_canvas->setOrderFlowModels(m_orderFlow->footprint(), m_orderFlow->heatmap(), &m_orderFlow->bigTrades());
            }
        }
        const auto* series = m_controller.currentSeries();
        // A scroll-back load may come in several pages: loading until its last one came.
        if (m_historyLoading && series && series->size() > m_countBeforeHistory && !m_controller.olderHistoryLoading())
            setHistoryLoading(false);
        emit chartChanged();
    });
    connect(&m_controller, &ChartController::statusChanged, this, &ChartPane::statusChanged);
    connect(&m_controller, &ChartController::symbolsChanged, this, [this] {
        m_canvas->model().setPricePrecision(m_controller.priceDecimals(), m_controller.tickSize());
        emit symbolsChanged();
    });
    connect(&m_controller, &ChartController::exchangeChanged, this, &ChartPane::exchangeChanged);
    connect(&m_controller, &ChartController::errorOccurred, this, [this](const QString& text) {
        emit message(text, 15000);
        m_canvas->setPlaceholderText(text);
    });
    connect(&m_controller, &ChartController::symbolAccepted, this, &ChartPane::symbolAccepted);
    connect(&m_controller, &ChartController::noticeRaised, this, [this](const QString& text) { emit message(text, 15000); });
    connect(m_canvas, &chart_qt::ChartCanvas::historyNeeded, this, [this] {
        const auto* series = m_controller.currentSeries();
        if (!series || series->empty()) return;
        if (m_controller.olderHistoryStartReached()) return;  // the listing start is shown: no spinner
        m_countBeforeHistory = series->size();
        setHistoryLoading(true);
        m_controller.loadOlderHistory();
    });
    connect(m_canvas, &chart_qt::ChartCanvas::drawingsChanged, this, &ChartPane::saveDrawings);
    connect(m_canvas, &chart_qt::ChartCanvas::paneHeightsChanged, this, &ChartPane::keepPaneHeights);
    connect(m_canvas, &chart_qt::ChartCanvas::textDrawingPlaced, this, [this](std::uint64_t id) {
        // Out of the mouse handler: a modal dialog must not run inside it.
        QTimer::singleShot(0, this, [this, id] { askNoteText(id); });
    });
    connect(m_canvas, &chart_qt::ChartCanvas::drawingsChanged, this, &ChartPane::objectsChanged);
    connect(m_canvas, &chart_qt::ChartCanvas::contextMenuRequested, this, [this](QPointF pos, QPoint globalPos) {
        emit activated(this);
        emit contextMenuRequested(pos, globalPos);
    });

    // Presentation from the settings (the window's setters override them).
    setChartType(m_settings.chartType());
    setPriceScaleMode(m_settings.priceScaleMode());
    setPriceScaleInverted(m_settings.priceScaleInverted());
    setVolumeVisible(m_settings.volumeVisible());
    m_canvas->model().setMagnet(m_settings.magnet());
    setVolumeProfileVisible(m_settings.volumeProfileVisible());
    m_heatmapLog = m_settings.heatmapLogScale();
    m_orderFlow->setBigTradeMinValue(m_settings.bigTradeMinValue());
    setHeatmapVisible(m_settings.heatmapVisible());
}

ChartPane::~ChartPane() {
    // What reads the controller goes before it (an owned controller is a member, destroyed
    // before the QWidget base deletes the children).
    delete m_undo;
    delete m_perp;
    delete m_orderFlow;
    delete m_canvas;
    m_indicatorSet.reset();
}

bool ChartPane::eventFilter(QObject* watched, QEvent* event) {
    // A click, or the keyboard moving the focus here (Tab). Not any focus: a window getting
    // active again gives the focus back to the chart that had it, which must not take the
    // toolbar from the chart the user chose since.
    if (watched == m_canvas) {
        if (event->type() == QEvent::MouseButtonPress) emit activated(this);
        if (event->type() == QEvent::MouseMove) {
            // The bar under the mouse, as the canvas will mark it (the same x → index mapping).
            m_mouseInside = true;
            const auto& model = m_canvas->model();
            const double x = static_cast<QMouseEvent*>(event)->position().x();
            const auto& pane = model.layout().candlePane;
            std::optional<std::int64_t> time;
            if (model.hasData() && x >= pane.x && x < pane.x + pane.width) {
                const std::int64_t index = model.timeScale().xToIndex(x - pane.x);
                const auto* series = m_controller.currentSeries();
                if (series && index >= 0 && index < static_cast<std::int64_t>(series->size())) time = model.timeAtIndex(index);
            }
            if (time != m_crosshairTime) {
                m_crosshairTime = time;
                emit crosshairTimeChanged(time);
            }
        }
        if (event->type() == QEvent::Leave) {
            m_mouseInside = false;
            if (m_crosshairTime) {
                m_crosshairTime.reset();
                emit crosshairTimeChanged(std::nullopt);
            }
        }
        if (event->type() == QEvent::FocusIn) {
            const Qt::FocusReason reason = static_cast<QFocusEvent*>(event)->reason();
            if (reason == Qt::TabFocusReason || reason == Qt::BacktabFocusReason) emit activated(this);
        }
    }
    return QWidget::eventFilter(watched, event);
}

void ChartPane::paintEvent(QPaintEvent* event) {
    QWidget::paintEvent(event);
    if (!m_framed) return;
    // The active chart in the highlight colour; the others in their link group's colour (else
    // nothing), so the frame says both which chart the toolbar acts on and which charts follow it.
    QColor colour = m_active ? palette().color(QPalette::Highlight) : QColor(linkGroupColour(m_linkGroup));
    if (!colour.isValid()) return;
    if (!m_active) colour.setAlpha(110);
    QPainter painter(this);
    painter.setPen(QPen(colour, kActiveFrameWidth, Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin));
    painter.setBrush(Qt::NoBrush);
    const qreal half = kActiveFrameWidth / 2.0;
    painter.drawRect(QRectF(rect()).adjusted(half, half, -half, -half));
}

void ChartPane::showSyncedCrosshair(std::optional<std::int64_t> timeMs) {
    if (m_mouseInside) return;  // the user's own crosshair
    auto& model = m_canvas->model();
    if (!timeMs || !model.hasData()) {
        model.clearCrosshair();
        return;
    }
    const auto& pane = model.layout().candlePane;
    const double x = model.timeToX(*timeMs);
    // The moment is off this chart's visible bars: no mark rather than one at the edge.
    if (x < pane.x || x >= pane.x + pane.width) {
        model.clearCrosshair();
        return;
    }
    model.setCrosshair(chart::Point{x, pane.y + pane.height / 2.0});
}

void ChartPane::setActiveMark(bool active, bool framed) {
    if (m_active == active && m_framed == framed) return;
    m_active = active;
    m_framed = framed;
    update();
}

void ChartPane::setLinkGroup(int group) {
    m_linkGroup = std::clamp(group, 0, kLinkGroupCount);
    update();
}

void ChartPane::setChartType(chart::ChartType type) {
    const bool wasFootprint = m_canvas->model().chartType() == chart::ChartType::Footprint;
    m_canvas->model().setChartType(type);
    // Footprint cells need room: widen the bars once when switching to it.
    if (type == chart::ChartType::Footprint && !wasFootprint && m_canvas->model().timeScale().barSpacing() < 40.0)
        m_canvas->model().setBarSpacing(kFootprintBarSpacing);
    syncOrderFlow(false);
}

void ChartPane::setPriceScaleMode(chart::PriceScaleMode mode) { m_canvas->model().setPriceScaleMode(mode); }

void ChartPane::setPriceScaleInverted(bool inverted) { m_canvas->model().setPriceScaleInverted(inverted); }

void ChartPane::setVolumeVisible(bool visible) { m_canvas->model().setVolumeVisible(visible); }

void ChartPane::setVolumeProfileVisible(bool visible) {
    m_volumeProfile = visible;
    m_canvas->setVolumeProfileVisible(visible);
}

void ChartPane::setHeatmapVisible(bool visible) {
    m_heatmap = visible;
    applyOrderFlowOptions();
    syncOrderFlow(false);
}

void ChartPane::setHeatmapLogScale(bool log) {
    m_heatmapLog = log;
    applyOrderFlowOptions();
}

void ChartPane::setBigTradeMinValue(double value) {
    if (!(value > 0.0)) return;
    m_orderFlow->setBigTradeMinValue(value);
    m_canvas->orderFlowChanged();
}

void ChartPane::applyOrderFlowOptions() {
    chart::OrderFlowOptions options = m_canvas->orderFlowOptions();
    options.heatmap = m_heatmap;
    options.heatmapScale = m_heatmapLog ? orderflow::HeatmapScale::Log : orderflow::HeatmapScale::Linear;
    options.imbalanceRatio = m_settings.imbalanceRatio();
    m_canvas->setOrderFlowOptions(options);
}

void ChartPane::syncOrderFlow(bool reopen) {
    if (!m_orderFlow) return;  // still being built
    const bool footprintWanted = m_canvas->model().chartType() == chart::ChartType::Footprint || showsTradeCvd();
    const bool wanted = m_heatmap || footprintWanted;
    const SeriesKey& key = m_controller.currentKey();
    session::MarketSession* market = m_controller.marketSession();
    if (!wanted || key.symbol.empty() || !market || !m_controller.sharedAdapter()) {
        if (m_orderFlow->isOpen()) m_orderFlow->close();
        m_canvas->setOrderFlowModels(nullptr, nullptr, nullptr);
        return;
    }
    m_orderFlow->setHistoryWanted(footprintWanted);
    if (m_orderFlow->isOpen() && !reopen && m_orderFlow->symbol() == key.symbol &&
        m_orderFlow->footprint()->interval() == key.interval)
        return;
    const market::CandleSeries* series = m_controller.currentSeries();
    m_orderFlowPrice = series && series->size() > 0 ? series->candles().close(series->size() - 1) : 0.0;
    // The trade cache beside the candle cache, named after it (the demo's simulated trades apart).
    const std::filesystem::path candles(m_controller.services().databasePath());
    m_orderFlow->setTradeCachePath((candles.parent_path() / (candles.stem().string() + ".aggtrades.sqlite3")).string());
    m_orderFlow->open(*market, m_controller.sharedAdapter(), key.symbol, key.interval, m_controller.tickSize(),
                      m_orderFlowPrice);
    m_canvas->setOrderFlowModels(m_orderFlow->footprint(), m_orderFlow->heatmap(), &m_orderFlow->bigTrades());
    pushTradeCvds();  // the footprint starts over
}

void ChartPane::saveDrawings() {
    if (m_drawingsSymbol.isEmpty() || m_reloading) return;
    m_settings.setDrawings(m_drawingsSymbol, m_canvas->model().drawings());
    emit objectsSaved(AppSettings::pairKey(m_drawingsSymbol));
}

QString ChartPane::objectsPair() const {
    return m_drawingsSymbol.isEmpty() ? QString() : AppSettings::pairKey(m_drawingsSymbol);
}

void ChartPane::reloadObjects() {
    if (m_drawingsSymbol.isEmpty()) return;
    m_reloading = true;
    m_canvas->model().setDrawings(m_settings.drawings(m_drawingsSymbol));
    m_indicatorsSymbol = m_drawingsSymbol;
    showIndicatorSpecs(m_settings.indicators(m_drawingsSymbol));
    m_reloading = false;
    m_undo->reset();  // its steps were made over the objects shown before
    emit objectsChanged();
}

void ChartPane::setHistoryLoading(bool loading) {
    m_historyLoading = loading;
    emit statusChanged();
    if (loading)
        QTimer::singleShot(kHistoryBusyTimeoutMs, this, [this] {
            m_historyLoading = false;
            emit statusChanged();
        });
}

void ChartPane::rebindChart() {
    const SeriesKey& key = m_controller.currentKey();
    const QString symbol = QString::fromStdString(key.symbol);
    m_canvas->setPlaceholderText(tr("Loading %1 %2…").arg(symbol, qs(toString(key.interval))));
    m_canvas->setSeries(m_controller.currentSeries(), key.interval, m_controller.priceDecimals(),
                        m_controller.tickSize());
    m_canvas->model().setVenueLabel(venueLabel().toStdString());
    // setSeries reset the zoom; footprint cells need wide bars.
    if (m_canvas->model().chartType() == chart::ChartType::Footprint)
        m_canvas->model().setBarSpacing(kFootprintBarSpacing);
    syncOrderFlow(true);  // another series: the footprint's bars and the book are another's
    m_compare->chartReset();  // the compared symbols follow the timeframe
    const bool otherObjects = symbol != m_indicatorsSymbol || symbol != m_drawingsSymbol;
    if (symbol != m_indicatorsSymbol) loadIndicators(symbol);  // per symbol, like the drawings
    else m_indicatorSet->reset();
    if (symbol != m_drawingsSymbol) {
        // Drawings belong to the symbol, whatever the timeframe.
        m_drawingsSymbol = symbol;
        m_canvas->model().setDrawings(m_settings.drawings(symbol));
    }
    if (otherObjects) {
        m_undo->reset();  // the history was the other pair's
        emit objectsChanged();
    }
    m_historyLoading = false;
    emit chartChanged();
}

QString ChartPane::venueLabel() const {
    const QString venue = exchangeDisplayName(m_controller.exchangeName());
    // The demo never labels simulated data as the venue's: "Simulator (Bybit)".
    const QString market = m_controller.marketType() == MarketType::Perp ? tr("%1 Perpetual").arg(venue) : venue;
    return m_controller.isDemo() ? tr("Simulator (%1)").arg(market) : market;
}

// ---- indicators ------------------------------------------------------------------------------

void ChartPane::attachIndicator(std::size_t index, std::optional<std::size_t> position) {
    auto& model = m_canvas->model();
    ShownIndicator& shown = m_shownIndicators[index];
    std::string title = shown.spec.title().toStdString();
    // CVD reads the klines' taker buy volume, which only Binance's klines carry: elsewhere it
    // would draw minus the volume as if every trade were a sell. It stays empty and says why.
    if (!dataAvailable(shown.spec)) title += " — " + tr("needs the taker buy volume of Binance's klines").toStdString();
    // A study that is not a price (its natural place is a pane: OBV, RSI…) laid over the candles
    // gets its own scale instead of squeezing the price axis.
    const bool ownScale = m_indicatorSet->indicator(index).info().placement == indicators::Placement::Pane;
    if (shown.spec.hidden) {  // kept and computed, not drawn
        shown.chartId = 0;
        return;
    }
    if (shown.spec.placement == indicators::Placement::Overlay) {
        shown.chartId = model.addOverlay(title, {}, ownScale, position);
    } else {
        shown.chartId = model.addPane(title, position);
        model.setPaneLevels(shown.chartId, shown.spec.levels);
        if (const auto range = oscillatorRange(shown.spec.name))
            model.setPaneRange(shown.chartId, chart::Pane::Range{range->low, range->high});
        if (shown.spec.paneHeight > 0) model.setPaneHeightFraction(shown.chartId, shown.spec.paneHeight);
    }
    pushIndicator(index, 0);
}

void ChartPane::askNoteText(std::uint64_t id) {
    auto& model = m_canvas->model();
    const chart::Drawing* placed = model.drawing(id);
    if (!placed) return;
    bool ok = false;
    const QString text = QInputDialog::getText(this, tr("Text note"), tr("Note:"), QLineEdit::Normal,
                                               QString::fromStdString(placed->text), &ok)
                             .simplified();
    placed = model.drawing(id);  // the dialog ran the event loop: it may be gone
    if (!placed || !ok || text.isEmpty()) return;
    chart::Drawing note = *placed;
    note.text = text.toStdString();
    model.updateDrawing(note);
}

bool ChartPane::dataAvailable(const IndicatorSpec& spec) const {
    return readsTrades(spec) || !needsTakerBuyVolume(spec.name) ||
           klinesCarryTakerBuyVolume(m_controller.currentKey().exchange);
}

bool ChartPane::showsTradeCvd() const {
    return std::any_of(m_shownIndicators.begin(), m_shownIndicators.end(),
                       [](const ShownIndicator& shown) { return readsTrades(shown.spec); });
}

void ChartPane::pushTradeCvds() {
    for (std::size_t i = 0; i < m_shownIndicators.size() && i < m_indicatorSet->size(); ++i)
        if (readsTrades(m_shownIndicators[i].spec)) pushIndicator(i, 0);
}

void ChartPane::keepPaneHeights() {
    const auto& model = m_canvas->model();
    bool changed = false;
    for (ShownIndicator& shown : m_shownIndicators) {
        if (shown.chartId == 0 || shown.spec.placement != indicators::Placement::Pane) continue;
        const auto index = model.paneIndex(shown.chartId);
        if (!index) continue;
        const double height = model.panes()[*index].heightFraction;
        if (height != shown.spec.paneHeight) {
            shown.spec.paneHeight = height;
            changed = true;
        }
    }
    if (changed) saveIndicators();
}

void ChartPane::detachIndicator(std::size_t index) {
    auto& model = m_canvas->model();
    ShownIndicator& shown = m_shownIndicators[index];
    if (shown.chartId == 0) return;  // hidden
    if (shown.spec.placement == indicators::Placement::Overlay) model.removeOverlay(shown.chartId);
    else model.removePane(shown.chartId);
    shown.chartId = 0;
}

void ChartPane::pushIndicator(std::size_t index, std::size_t fromRow) {
    const indicators::Indicator& ind = m_indicatorSet->indicator(index);
    const ShownIndicator& shown = m_shownIndicators[index];
    if (shown.chartId == 0) return;  // hidden
    const auto* series = m_controller.currentSeries();
    const std::size_t bars = series ? series->size() : 0;
    auto edit = [&](std::vector<chart::PaneSeries>& out) {
        if (out.size() != drawnOutputs(shown.spec, ind.outputCount())) {
            out.assign(drawnOutputs(shown.spec, ind.outputCount()), {});
            fromRow = 0;
            for (std::size_t o = 0; o < out.size(); ++o) {
                const auto& info = ind.info().outputs[o];
                out[o].name = info.name;
                out[o].rgba = toRgba(shown.spec.colour(o));
                out[o].width = shown.spec.style(o).width;
                out[o].dash = shown.spec.style(o).dash;
                out[o].kind = info.name.find("hist") != std::string::npos &&
                                      shown.spec.placement == indicators::Placement::Pane
                                  ? chart::PaneSeriesKind::Histogram
                                  : chart::PaneSeriesKind::Line;
                // A two-colour histogram (MACD): the chosen colour above zero, red below — unless
                // the user picked a colour of their own, whose darker shade then marks below zero.
                if (out[o].kind == chart::PaneSeriesKind::Histogram && shown.spec.colour(o) == defaultIndicatorColour(o))
                    out[o].negativeRgba = kHistogramBelowZero;
            }
        }
        // Displaced outputs (Ichimoku's cloud) run past the newest candle into the future slots.
        if (!dataAvailable(shown.spec)) {
            for (auto& column : out) column.values.assign(bars, std::numeric_limits<double>::quiet_NaN());
            return;  // see attachIndicator: no values rather than wrong ones
        }
        if (readsTrades(shown.spec)) {
            // The CVD of trades: the chart's footprint bars (live trades and their history), not
            // the indicator's rows (it has none from klines).
            const orderflow::FootprintSeries* footprint = m_orderFlow ? m_orderFlow->footprint() : nullptr;
            const SeriesKey& key = m_controller.currentKey();
            if (footprint && (m_orderFlow->symbol() != key.symbol || footprint->interval() != key.interval))
                footprint = nullptr;  // still another series' (reopened on the next sync)
            placeTradeCvd(out, series, footprint, cvdAnchorOf(shown.spec));
            return;
        }
        for (std::size_t o = 0; o < out.size(); ++o) indicators::placeOutput(out[o].values, ind, o, bars, fromRow);
    };
    auto& model = m_canvas->model();
    if (shown.spec.placement == indicators::Placement::Overlay) model.editOverlaySeries(shown.chartId, edit);
    else model.editPaneSeries(shown.chartId, edit);
}

bool ChartPane::addIndicator(const IndicatorSpec& spec) {
    const auto added = m_indicatorSet->add(spec.specText().toStdString());
    if (!added) {
        emit message(tr("Cannot add %1: %2").arg(spec.specText(), coreText(added.error().message)),
                                 10000);
        return false;
    }
    ShownIndicator shown;
    shown.spec = spec;
    completeSpec(shown.spec, m_indicatorSet->indicator(*added));
    m_shownIndicators.push_back(std::move(shown));
    attachIndicator(*added);
    if (m_indicatorsSymbol.isEmpty()) m_indicatorsSymbol = QString::fromStdString(m_controller.currentKey().symbol);
    saveIndicators();
    emit indicatorsChanged();
    return true;
}

bool ChartPane::editIndicator(std::size_t index, const IndicatorSpec& spec) {
    if (index >= m_shownIndicators.size()) return false;
    // The edited indicator keeps its place: the same pane position (or legend row) when it stays
    // a pane (or an overlay).
    ShownIndicator& shown = m_shownIndicators[index];
    if (!m_indicatorSet->replace(index, spec.specText().toStdString())) return false;
    detachIndicator(index);
    shown.spec = spec;
    completeSpec(shown.spec, m_indicatorSet->indicator(index));
    // The chart shows the visible indicators in list order: its place is after the visible ones
    // before it that are drawn the same way (also when it was hidden until now).
    std::size_t position = 0;
    for (std::size_t i = 0; i < index; ++i)
        if (!m_shownIndicators[i].spec.hidden && m_shownIndicators[i].spec.placement == shown.spec.placement) ++position;
    attachIndicator(index, position);
    saveIndicators();
    emit indicatorsChanged();
    return true;
}

bool ChartPane::removeIndicator(std::size_t index) {
    if (index >= m_shownIndicators.size()) return false;
    detachIndicator(index);
    m_indicatorSet->remove(index);
    m_shownIndicators.erase(m_shownIndicators.begin() + static_cast<std::ptrdiff_t>(index));
    saveIndicators();
    emit indicatorsChanged();
    return true;
}

std::vector<IndicatorSpec> ChartPane::indicatorSpecs() const {
    std::vector<IndicatorSpec> specs;
    for (const auto& shown : m_shownIndicators) specs.push_back(shown.spec);
    return specs;
}

const indicators::Indicator* ChartPane::indicator(std::size_t index) const {
    return index < m_indicatorSet->size() ? &m_indicatorSet->indicator(index) : nullptr;
}

std::uint64_t ChartPane::indicatorChartId(std::size_t index) const {
    return index < m_shownIndicators.size() ? m_shownIndicators[index].chartId : 0;
}

bool ChartPane::indicatorRecomputeRunning() const { return m_indicatorSet->jobRunning(); }

std::uint64_t ChartPane::backgroundIndicatorRecomputes() const { return m_indicatorSet->backgroundRecomputes(); }

void ChartPane::setIndicatorJobHook(std::function<void()> hook) { m_indicatorSet->setJobHook(std::move(hook)); }

void ChartPane::loadIndicators(const QString& symbol) {
    m_indicatorsSymbol = symbol;
    showIndicatorSpecs(m_settings.indicators(symbol));
}

void ChartPane::showIndicatorSpecs(const std::vector<IndicatorSpec>& specs) {
    for (std::size_t i = 0; i < m_shownIndicators.size(); ++i) detachIndicator(i);
    m_shownIndicators.clear();
    m_indicatorSet->clear();
    for (const IndicatorSpec& spec : specs) {
        const auto added = m_indicatorSet->add(spec.specText().toStdString());
        if (!added) continue;
        m_shownIndicators.push_back(ShownIndicator{spec, 0});
        attachIndicator(*added);
    }
    emit indicatorsChanged();
}

void ChartPane::applyIndicatorSpecs(const std::vector<IndicatorSpec>& specs) {
    showIndicatorSpecs(specs);
    saveIndicators();
}

bool ChartPane::moveIndicator(std::size_t index, int delta) {
    const auto target = static_cast<std::ptrdiff_t>(index) + delta;
    if (index >= m_shownIndicators.size() || target < 0 || target >= static_cast<std::ptrdiff_t>(m_shownIndicators.size()))
        return false;
    std::vector<IndicatorSpec> specs = indicatorSpecs();
    std::swap(specs[index], specs[static_cast<std::size_t>(target)]);
    applyIndicatorSpecs(specs);
    return true;
}

bool ChartPane::setIndicatorHidden(std::size_t index, bool hidden) {
    if (index >= m_shownIndicators.size()) return false;
    IndicatorSpec spec = m_shownIndicators[index].spec;
    if (spec.hidden == hidden) return true;
    spec.hidden = hidden;
    return editIndicator(index, spec);
}

void ChartPane::saveIndicators() {
    m_undo->studiesChanged();
    emit objectsChanged();
    if (m_indicatorsSymbol.isEmpty()) return;
    m_settings.setIndicators(m_indicatorsSymbol, indicatorSpecs());
    emit objectsSaved(AppSettings::pairKey(m_indicatorsSymbol));
}

}  // namespace cpc::app
