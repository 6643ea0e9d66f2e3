#include "cpc/app/main_window.hpp"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QCompleter>
#include <QDateTime>
#include <QFileDialog>
#include <QImage>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenuBar>
#include <QPalette>
#include <QProgressBar>
#include <QStandardPaths>
#include <QScreen>
#include <QStatusBar>
#include <QGuiApplication>
#include <QStyleFactory>
#include <QTimeZone>
#include <QThreadPool>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QUndoStack>
#include <map>

#include "cpc/app/about_dialog.hpp"
#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/chart_undo.hpp"
#include "cpc/app/object_tree.hpp"
#include "cpc/app/order_flow_feed.hpp"
#include "cpc/app/feed_text.hpp"
#include "cpc/app/indicator_dialog.hpp"
#include "cpc/app/realtime_window.hpp"
#include "cpc/app/settings_dialog.hpp"
#include "cpc/app/tool_icons.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"
#include "cpc/chart_qt/time_zone.hpp"
#include "cpc/core/time.hpp"
#include "cpc/exchange/registry.hpp"
#include "cpc/indicators/registry.hpp"
#include "cpc/session/indicator_set.hpp"
#include "cpc/session/market_session.hpp"

#include <QMenu>
#include <algorithm>
#include <cmath>
#include <limits>

namespace cpc::app {

namespace {
QString qs(std::string_view s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }

constexpr int kHistoryBusyTimeoutMs = 5000;  // the cache may have nothing older: stop spinning
constexpr Interval kFavouriteIntervals[] = {Interval::M1, Interval::M5, Interval::M15,
                                            Interval::H1, Interval::H4, Interval::D1};

QString stateColor(feed::FeedState s) {
    switch (s) {
        case feed::FeedState::Live: return QStringLiteral("#26a69a");
        case feed::FeedState::Connecting:
        case feed::FeedState::Reconnecting: return QStringLiteral("#f0b90b");
        case feed::FeedState::Stale:
        case feed::FeedState::Failed: return QStringLiteral("#ef5350");
        case feed::FeedState::Idle: break;
    }
    return QStringLiteral("#787b86");
}

// Bars wide enough for a footprint's "sell | buy" numbers.
constexpr double kFootprintBarSpacing = 100.0;

QString chartTypeLabel(chart::ChartType t) {
    switch (t) {
    case chart::ChartType::Candles: return QObject::tr("Candles");
    case chart::ChartType::HollowCandles: return QObject::tr("Hollow candles");
    case chart::ChartType::HeikinAshi: return QObject::tr("Heikin-Ashi");
    case chart::ChartType::Bars: return QObject::tr("OHLC bars");
    case chart::ChartType::Line: return QObject::tr("Line");
    case chart::ChartType::Area: return QObject::tr("Area");
    case chart::ChartType::Baseline: return QObject::tr("Baseline");
    case chart::ChartType::Footprint: return QObject::tr("Footprint");
    }
    return {};
}

ToolIcon drawingIcon(chart::DrawingKind k) {
    switch (k) {
    case chart::DrawingKind::HorizontalLine: return ToolIcon::HorizontalLine;
    case chart::DrawingKind::VerticalLine: return ToolIcon::VerticalLine;
    case chart::DrawingKind::TrendLine: return ToolIcon::TrendLine;
    case chart::DrawingKind::Ray: return ToolIcon::Ray;
    case chart::DrawingKind::Rectangle: return ToolIcon::Rectangle;
    case chart::DrawingKind::Fibonacci: return ToolIcon::Fibonacci;
    case chart::DrawingKind::ParallelChannel: return ToolIcon::ParallelChannel;
    case chart::DrawingKind::Text: return ToolIcon::Text;
    case chart::DrawingKind::PriceRange: return ToolIcon::PriceRange;
    case chart::DrawingKind::DateRange: return ToolIcon::DateRange;
    case chart::DrawingKind::LongPosition: return ToolIcon::LongPosition;
    case chart::DrawingKind::ShortPosition: return ToolIcon::ShortPosition;
    }
    return ToolIcon::TrendLine;
}

// The side toolbar's actions keep their ToolIcon here (refreshToolIcons draws them again).
constexpr const char* kToolIconProperty = "cpcToolIcon";

void setToolIcon(QAction* action, ToolIcon icon) { action->setProperty(kToolIconProperty, static_cast<int>(icon)); }

QString drawingLabel(chart::DrawingKind k) {
    switch (k) {
    case chart::DrawingKind::HorizontalLine: return QObject::tr("H-Line");
    case chart::DrawingKind::VerticalLine: return QObject::tr("V-Line");
    case chart::DrawingKind::TrendLine: return QObject::tr("Trend");
    case chart::DrawingKind::Ray: return QObject::tr("Ray");
    case chart::DrawingKind::Rectangle: return QObject::tr("Rect");
    case chart::DrawingKind::Fibonacci: return QObject::tr("Fib");
    case chart::DrawingKind::ParallelChannel: return QObject::tr("Parallel channel");
    case chart::DrawingKind::Text: return QObject::tr("Text");
    case chart::DrawingKind::PriceRange: return QObject::tr("Price range");
    case chart::DrawingKind::DateRange: return QObject::tr("Date range");
    case chart::DrawingKind::LongPosition: return QObject::tr("Long position");
    case chart::DrawingKind::ShortPosition: return QObject::tr("Short position");
    }
    return {};
}

// MACD's histogram below zero (TradingView's red).
constexpr std::uint32_t kHistogramBelowZero = 0xef5350ffU;

std::uint32_t toRgba(const QColor& c) {
    return (static_cast<std::uint32_t>(c.red()) << 24U) | (static_cast<std::uint32_t>(c.green()) << 16U) |
           (static_cast<std::uint32_t>(c.blue()) << 8U) | static_cast<std::uint32_t>(c.alpha());
}

}  // namespace

namespace {

// The spec as the indicator made from it says it: registry name, every parameter, a colour per output.
void completeSpec(IndicatorSpec& spec, const indicators::Indicator& made) {
    spec.name = QString::fromStdString(made.info().name);
    spec.params.assign(made.params().begin(), made.params().end());
    spec.colours.resize(made.outputCount());
    for (std::size_t i = 0; i < spec.colours.size(); ++i) spec.colours[i] = spec.colour(i);
}

}  // namespace

void MainWindow::applyPalette(bool dark) {
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    if (!dark) {
        QApplication::setPalette(QApplication::style()->standardPalette());
        return;
    }
    QPalette p;
    const QColor window(0x13, 0x17, 0x22), base(0x1e, 0x22, 0x2d), text(0xd1, 0xd4, 0xdc);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, base);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Highlight, QColor(0x29, 0x62, 0xff));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::PlaceholderText, QColor(0x78, 0x7b, 0x86));
    QApplication::setPalette(p);
}

MainWindow::MainWindow(ChartController& controller, AppSettings& settings, QWidget* parent)
    : QMainWindow(parent), m_controller(controller), m_settings(settings) {
    // The indicators over the controller's current series; a background recompute runs on the
    // thread pool and its result comes back through the controller's mailbox, in order with the
    // feed's events (the set drops it if the window is gone by then).
    session::IndicatorSet::Hooks indicatorHooks;
    indicatorHooks.series = [this] { return m_controller.currentSeries(); };
    indicatorHooks.post = m_controller.executor();
    indicatorHooks.run = [](std::function<void()> job) { QThreadPool::globalInstance()->start(std::move(job)); };
    indicatorHooks.changed = [this](std::size_t index, std::size_t fromRow) { pushIndicator(index, fromRow); };
    m_indicatorSet = std::make_unique<session::IndicatorSet>(std::move(indicatorHooks));
    setWindowTitle(QStringLiteral("CanvasProChart"));
    m_canvas = new chart_qt::ChartCanvas(this);
    setCentralWidget(m_canvas);
    m_undo = new ChartUndo(*m_canvas,
                           ChartUndo::Hooks{[this] { return indicatorSpecs(); },
                                            [this](const std::vector<IndicatorSpec>& specs) { applyIndicatorSpecs(specs); }},
                           this);
    m_objectTree = new ObjectTree(*this);
    addDockWidget(Qt::RightDockWidgetArea, m_objectTree);
    m_objectTree->hide();
    buildMenus();
    buildToolbar();

    m_stateLabel = new QLabel(this);
    m_stateLabel->setObjectName(QStringLiteral("connectionState"));
    m_updateLabel = new QLabel(this);
    m_countLabel = new QLabel(this);
    m_zoneLabel = new QLabel(this);
    m_busy = new QProgressBar(this);
    m_busy->setObjectName(QStringLiteral("historyBusy"));
    m_busy->setRange(0, 0);  // indeterminate
    m_busy->setMaximumWidth(90);
    m_busy->setMaximumHeight(12);
    m_busy->setTextVisible(false);
    m_busy->setToolTip(tr("Loading history"));
    m_busy->hide();
    statusBar()->addWidget(m_stateLabel, 1);
    statusBar()->addPermanentWidget(m_busy);
    statusBar()->addPermanentWidget(m_countLabel);
    statusBar()->addPermanentWidget(m_updateLabel);
    statusBar()->addPermanentWidget(m_zoneLabel);

    m_orderFlow = new OrderFlowFeed(this);
    connect(m_orderFlow, &OrderFlowFeed::changed, m_canvas, &chart_qt::ChartCanvas::orderFlowChanged);
    connect(m_orderFlow, &OrderFlowFeed::linkChanged, this, [this] {
        // A failure of the order-flow streams is said where the user looks, not only logged.
        const feed::StreamLink& link = m_orderFlow->link();
        if (link.state == feed::FeedState::Failed || link.state == feed::FeedState::Reconnecting)
            statusBar()->showMessage(
                tr("Order flow: %1 %2").arg(feedStateText(link.state), QString::fromStdString(link.detail)), 10'000);
    });
    connect(&m_controller, &ChartController::seriesReset, this, &MainWindow::rebindChart);
    connect(&m_controller, &ChartController::seriesUpdated, this, [this] {
        m_indicatorSet->update();
        m_canvas->seriesChanged();
        // The heatmap's rows are sized from the price: reopen once the first candles tell it.
        if (m_orderFlow->isOpen() && m_orderFlowPrice <= 0.0) syncOrderFlow(true);
        const auto* series = m_controller.currentSeries();
        if (m_historyLoading && series && series->size() > m_countBeforeHistory) setHistoryLoading(false);
        refreshTitle();
        refreshStatus();
    });
    connect(&m_controller, &ChartController::statusChanged, this, &MainWindow::refreshStatus);
    connect(&m_controller, &ChartController::symbolsChanged, this, [this] {
        const QString current = m_symbolBox->currentText();
        m_symbolBox->blockSignals(true);
        m_symbolBox->clear();
        m_symbolBox->addItems(m_controller.symbols());
        m_symbolBox->setCurrentText(current);
        m_symbolBox->blockSignals(false);
        m_canvas->model().setPricePrecision(m_controller.priceDecimals(), m_controller.tickSize());
        refreshTitle();  // the symbol's price decimals are known now
    });
    connect(&m_controller, &ChartController::exchangeChanged, this, [this] {
        m_exchangeBox->setCurrentIndex(std::max(0, m_exchangeBox->findData(m_controller.exchangeName())));
    });
    connect(&m_controller, &ChartController::errorOccurred, this, [this](const QString& message) {
        statusBar()->showMessage(message, 15000);
        m_canvas->setPlaceholderText(message);
    });
    // Only a symbol the venue lists is remembered for the next start (a typo would otherwise
    // reopen as a blank "Invalid symbol" chart).
    connect(&m_controller, &ChartController::symbolAccepted, this,
            [this](const QString& symbol) { m_settings.setLastSymbol(symbol); });
    connect(&m_controller, &ChartController::noticeRaised, this,
            [this](const QString& message) { statusBar()->showMessage(message, 15000); });
    connect(m_canvas, &chart_qt::ChartCanvas::historyNeeded, this, [this] {
        const auto* series = m_controller.currentSeries();
        if (!series || series->empty()) return;
        if (m_controller.olderHistoryStartReached()) return;  // the listing start is shown: no spinner
        m_countBeforeHistory = series->size();
        setHistoryLoading(true);
        m_controller.loadOlderHistory();
    });
    connect(m_canvas, &chart_qt::ChartCanvas::drawingsChanged, this, &MainWindow::saveDrawings);
    connect(m_canvas, &chart_qt::ChartCanvas::paneHeightsChanged, this, &MainWindow::keepPaneHeights);
    connect(m_canvas, &chart_qt::ChartCanvas::autoScaleChanged, this, [this](bool on) {
        if (m_autoAction) m_autoAction->setChecked(on);
    });
    connect(m_canvas, &chart_qt::ChartCanvas::textDrawingPlaced, this, [this](std::uint64_t id) {
        // Out of the mouse handler: a modal dialog must not run inside it.
        QTimer::singleShot(0, this, [this, id] { askNoteText(id); });
    });
    connect(m_canvas, &chart_qt::ChartCanvas::drawingsChanged, this, &MainWindow::objectsChanged);
    connect(m_canvas, &chart_qt::ChartCanvas::contextMenuRequested, this, [this](QPointF pos, QPoint globalPos) {
        if (const auto menu = contextMenuAt(pos)) menu->exec(globalPos);
    });
    // The Delete button acts on the selected drawing: without one there is nothing to press.
    connect(m_canvas, &chart_qt::ChartCanvas::selectionChanged, this,
            [this] { m_deleteAction->setEnabled(m_canvas->model().selectedDrawing().has_value()); });
    connect(m_canvas, &chart_qt::ChartCanvas::drawingToolChanged, this, [this] {
        const auto tool = m_canvas->drawingTool();
        for (QAction* a : m_toolGroup->actions())
            a->setChecked(tool && a->data().toInt() == static_cast<int>(*tool));
    });

    // Presentation from the settings (command-line flags override them through the setters).
    setChartType(m_settings.chartType());
    setPriceScaleMode(m_settings.priceScaleMode());
    setPriceScaleInverted(m_settings.priceScaleInverted());
    setVolumeVisible(m_settings.volumeVisible());
    m_canvas->model().setMagnet(m_settings.magnet());
    m_magnetAction->setChecked(m_settings.magnet());
    setVolumeProfileVisible(m_settings.volumeProfileVisible());
    m_heatmapLogAction->setChecked(m_settings.heatmapLogScale());
    m_orderFlow->setBigTradeMinValue(m_settings.bigTradeMinValue());
    setHeatmapVisible(m_settings.heatmapVisible());
    setThemeName(m_settings.theme());
    if (!setTimeZoneName(m_settings.timeZone())) setTimeZoneName(QStringLiteral("UTC"));

    m_geometryRestored = restoreGeometry(m_settings.windowGeometry());
    if (!m_geometryRestored) resize(1280, 760);
    else keepOnScreen();  // saved on a larger screen or at another scale factor
    restoreState(m_settings.windowState());
    refreshStatus();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* exportAction = file->addAction(tr("&Export PNG…"), this, &MainWindow::exportPngInteractive);
    exportAction->setObjectName(QStringLiteral("exportPngAction"));
    exportAction->setShortcut(QKeySequence(tr("Ctrl+S")));
    QAction* settingsAction = file->addAction(tr("&Settings…"), this, &MainWindow::openSettings);
    settingsAction->setObjectName(QStringLiteral("settingsAction"));
    settingsAction->setShortcut(QKeySequence::Preferences);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undoAction = m_undo->stack()->createUndoAction(this, tr("&Undo"));
    undoAction->setObjectName(QStringLiteral("undoAction"));
    undoAction->setShortcut(QKeySequence(tr("Ctrl+Z")));
    edit->addAction(undoAction);
    QAction* redoAction = m_undo->stack()->createRedoAction(this, tr("&Redo"));
    redoAction->setObjectName(QStringLiteral("redoAction"));
    redoAction->setShortcuts({QKeySequence(tr("Ctrl+Shift+Z")), QKeySequence(tr("Ctrl+Y"))});
    edit->addAction(redoAction);
    edit->addSeparator();
    QAction* copyImage = edit->addAction(tr("&Copy chart image"), this, &MainWindow::copyChartImage);
    copyImage->setObjectName(QStringLiteral("copyChartImageAction"));
    copyImage->setShortcut(QKeySequence(tr("Ctrl+Shift+C")));
    QAction* deleteAll = edit->addAction(tr("&Delete all drawings and indicators"), this, &MainWindow::deleteAllObjects);
    deleteAll->setObjectName(QStringLiteral("deleteAllObjectsAction"));

    QMenu* view = menuBar()->addMenu(tr("&View"));
    m_lightAction = view->addAction(tr("&Light theme"));
    m_lightAction->setObjectName(QStringLiteral("lightThemeAction"));
    m_lightAction->setCheckable(true);
    connect(m_lightAction, &QAction::toggled, this,
            [this](bool on) { setThemeName(on ? QStringLiteral("light") : QStringLiteral("dark")); });
    m_volumeProfileAction = view->addAction(tr("Volume &profile (visible range)"));
    m_volumeProfileAction->setObjectName(QStringLiteral("volumeProfileAction"));
    m_volumeProfileAction->setCheckable(true);
    connect(m_volumeProfileAction, &QAction::triggered, this, &MainWindow::setVolumeProfileVisible);
    m_heatmapAction = view->addAction(tr("&Heatmap (order book)"));
    m_heatmapAction->setObjectName(QStringLiteral("heatmapAction"));
    m_heatmapAction->setCheckable(true);
    connect(m_heatmapAction, &QAction::triggered, this, &MainWindow::setHeatmapVisible);
    m_heatmapLogAction = view->addAction(tr("Heatmap &log scale"));
    m_heatmapLogAction->setObjectName(QStringLiteral("heatmapLogAction"));
    m_heatmapLogAction->setCheckable(true);
    connect(m_heatmapLogAction, &QAction::triggered, this, &MainWindow::setHeatmapLogScale);
    QAction* bigTrades = view->addAction(tr("&Big trades threshold…"), this, [this] {
        bool ok = false;
        const double value = QInputDialog::getDouble(
            this, tr("Big trades"), tr("Draw trades worth at least (quote asset):"), m_orderFlow->bigTrades().minValue(),
            1.0, 1e12, 0, &ok);
        if (ok) setBigTradeMinValue(value);
    });
    bigTrades->setObjectName(QStringLiteral("bigTradesAction"));
    QAction* imbalance = view->addAction(tr("Footprint &imbalance ratio…"), this, [this] {
        bool ok = false;
        const double ratio = QInputDialog::getDouble(this, tr("Footprint"),
                                                     tr("Highlight a row whose buys exceed the diagonal sells (or the "
                                                        "reverse) by at least:"),
                                                     m_settings.imbalanceRatio(), 1.0, 100.0, 1, &ok);
        if (ok) setImbalanceRatio(ratio);
    });
    imbalance->setObjectName(QStringLiteral("imbalanceRatioAction"));
    QAction* tree = m_objectTree->toggleViewAction();
    tree->setText(tr("&Object tree"));
    tree->setObjectName(QStringLiteral("objectTreeAction"));
    tree->setShortcut(QKeySequence(tr("Ctrl+Shift+O")));
    view->addAction(tree);
    view->addAction(tr("Go to &live edge"), QKeySequence(Qt::Key_End), m_canvas,
                    [this] { m_canvas->model().scrollToLiveEdge(); });
    view->addAction(tr("&Reset view"), m_canvas, [this] { m_canvas->model().resetView(); });
    QAction* reconnect = view->addAction(tr("Re&connect"), this, [this] { m_controller.reconnect(); });
    reconnect->setShortcut(QKeySequence(tr("Ctrl+R")));
    view->addAction(tr("Realtime &test window"), this, [this] { RealtimeWindow::openFor(m_controller, m_settings, this); })
        ->setObjectName(QStringLiteral("realtimeMenuAction"));

    m_indicatorMenu = menuBar()->addMenu(tr("&Indicators"));
    m_indicatorMenu->setObjectName(QStringLiteral("indicatorMenu"));
    rebuildIndicatorMenu();

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->setObjectName(QStringLiteral("helpMenu"));
    help->addAction(tr("&About CanvasProChart"), this, [this] {
            // Window-modal, not exec(): the event loop (and the live chart) keeps running.
            auto* about = new AboutDialog(this);
            about->setAttribute(Qt::WA_DeleteOnClose);
            about->open();
        })
        ->setObjectName(QStringLiteral("aboutAction"));
}

void MainWindow::buildToolbar() {
    auto* bar = addToolBar(tr("Chart"));
    bar->setObjectName(QStringLiteral("chartToolbar"));
    bar->setMovable(false);

    m_exchangeBox = new QComboBox(bar);
    m_exchangeBox->setObjectName(QStringLiteral("exchangeBox"));
    m_exchangeBox->setToolTip(tr("Exchange: its symbols, candles and live streams (endpoints in Settings)"));
    for (const std::string& name : exchange::adapterNames())
        m_exchangeBox->addItem(exchangeDisplayName(QString::fromStdString(name)), QString::fromStdString(name));
    m_exchangeBox->setCurrentIndex(std::max(0, m_exchangeBox->findData(m_controller.exchangeName())));
    connect(m_exchangeBox, &QComboBox::activated, this,
            [this](int index) { switchExchange(m_exchangeBox->itemData(index).toString()); });
    bar->addWidget(m_exchangeBox);

    m_symbolBox = new QComboBox(bar);
    m_symbolBox->setObjectName(QStringLiteral("symbolBox"));
    m_symbolBox->setEditable(true);
    m_symbolBox->setInsertPolicy(QComboBox::NoInsert);
    m_symbolBox->setMinimumContentsLength(12);
    m_symbolBox->setToolTip(tr("Type to search the exchange's symbols; Enter opens the chart"));
    // The completer filters the combo's own model (one list, no copies) by substring.
    m_symbolBox->completer()->setFilterMode(Qt::MatchContains);
    m_symbolBox->completer()->setCaseSensitivity(Qt::CaseInsensitive);
    m_symbolBox->completer()->setCompletionMode(QCompleter::PopupCompletion);
    m_symbolBox->completer()->setMaxVisibleItems(14);
    connect(m_symbolBox, &QComboBox::activated, this, [this](int) { onSymbolChosen(); });
    connect(m_symbolBox->lineEdit(), &QLineEdit::returnPressed, this, &MainWindow::onSymbolChosen);
    bar->addWidget(m_symbolBox);
    bar->addSeparator();

    m_favouriteGroup = new QActionGroup(this);
    m_favouriteGroup->setExclusive(true);
    for (const Interval i : kFavouriteIntervals) {
        QAction* a = bar->addAction(qs(toString(i)));
        a->setObjectName(QStringLiteral("interval_") + qs(toString(i)));
        a->setCheckable(true);
        a->setData(static_cast<int>(i));
        a->setToolTip(tr("Timeframe %1").arg(qs(toString(i))));
        m_favouriteGroup->addAction(a);
        connect(a, &QAction::triggered, this, [this, i] {
            if (i != m_controller.currentKey().interval)
                openSeries(QString::fromStdString(m_controller.currentKey().symbol), i);
        });
    }
    m_intervalBox = new QComboBox(bar);
    m_intervalBox->setObjectName(QStringLiteral("intervalBox"));
    for (Interval i : kAllIntervals) m_intervalBox->addItem(qs(toString(i)), static_cast<int>(i));
    m_intervalBox->setToolTip(tr("All 16 Binance timeframes (1m = minute, 1M = month)"));
    connect(m_intervalBox, &QComboBox::activated, this, &MainWindow::onIntervalChosen);
    bar->addWidget(m_intervalBox);
    bar->addSeparator();

    m_chartTypeBox = new QComboBox(bar);
    m_chartTypeBox->setObjectName(QStringLiteral("chartTypeBox"));
    for (const chart::ChartType t : chart::kAllChartTypes) m_chartTypeBox->addItem(chartTypeLabel(t), static_cast<int>(t));
    m_chartTypeBox->setToolTip(tr("Chart type"));
    connect(m_chartTypeBox, &QComboBox::activated, this, [this](int index) {
        setChartType(static_cast<chart::ChartType>(m_chartTypeBox->itemData(index).toInt()));
    });
    bar->addWidget(m_chartTypeBox);
    bar->addSeparator();

    // The drawing tools, the price scale's switches, screenshot and the realtime window on a
    // toolbar of their own at the chart's left edge (the drawing tools are there on TradingView
    // too), so the top toolbar (market, timeframe, chart type, indicators) fits at 800 px with
    // nothing behind its overflow.
    // Icons only (the names are in the tooltips): one narrow column.
    QToolBar* drawBar = new QToolBar(tr("Drawing"), this);
    m_drawBar = drawBar;
    drawBar->setObjectName(QStringLiteral("drawingToolbar"));
    drawBar->setMovable(false);
    drawBar->setToolButtonStyle(Qt::ToolButtonIconOnly);
    drawBar->setOrientation(Qt::Vertical);
    addToolBar(Qt::LeftToolBarArea, drawBar);
    m_toolGroup = new QActionGroup(this);
    m_toolGroup->setExclusionPolicy(QActionGroup::ExclusionPolicy::ExclusiveOptional);
    std::map<chart::DrawingKind, QAction*> tools;
    for (const chart::DrawingKind k : chart::kAllDrawingKinds) {
        QAction* a = new QAction(drawingLabel(k), this);
        a->setObjectName(QStringLiteral("draw_") + qs(chart::toString(k)));
        a->setCheckable(true);
        a->setData(static_cast<int>(k));
        setToolIcon(a, drawingIcon(k));
        a->setToolTip(drawingLabel(k) + QLatin1Char('\n') +
                      (chart::anchorCount(k) == 1
                           ? tr("Draw: click where it goes (Esc cancels; select a drawing and press Delete to remove it)")
                           : tr("Draw: click the first point, then the second (Esc cancels; select a drawing and press Delete to remove it)")) +
                      (k == chart::DrawingKind::PriceRange || k == chart::DrawingKind::DateRange
                           ? QLatin1Char('\n') + tr("Shift+drag on the chart measures without a tool")
                           : QString()));
        m_toolGroup->addAction(a);
        connect(a, &QAction::triggered, this, [this, k](bool on) {
            m_canvas->setDrawingTool(on ? std::optional<chart::DrawingKind>(k) : std::nullopt);
            if (on) m_canvas->setFocus();
        });
        tools[k] = a;
    }
    // Grouped as on TradingView, so the column fits at 800 × 600: one button per group showing
    // the tool used last, the others in its menu (the arrow beside it).
    using K = chart::DrawingKind;
    const std::vector<std::vector<K>> groups{
        {K::TrendLine, K::Ray, K::HorizontalLine, K::VerticalLine, K::ParallelChannel},
        {K::Fibonacci},
        {K::Rectangle, K::Text},
        {K::LongPosition, K::ShortPosition, K::PriceRange, K::DateRange}};
    for (const auto& group : groups) {
        QAction* head = tools.at(group.front());
        drawBar->addAction(head);
        if (group.size() == 1) continue;
        auto* button = qobject_cast<QToolButton*>(drawBar->widgetForAction(head));
        if (!button) continue;
        auto* menu = new QMenu(button);
        for (const K k : group) menu->addAction(tools.at(k));
        button->setMenu(menu);
        button->setPopupMode(QToolButton::MenuButtonPopup);
        // A slim arrow: the column stays as narrow as the icons.
        button->setStyleSheet(QStringLiteral("QToolButton::menu-button { width: 7px; border: none; }"
                                             "QToolButton[popupMode=\"1\"] { padding-right: 7px; }"));
        for (const K k : group) {
            QAction* a = tools.at(k);
            connect(a, &QAction::triggered, button, [button, menu, a] {
                button->setDefaultAction(a);  // the button now offers the tool chosen last
                button->setMenu(menu);
                button->setPopupMode(QToolButton::MenuButtonPopup);
            });
        }
    }
    m_magnetAction = drawBar->addAction(tr("Magnet"));
    m_magnetAction->setObjectName(QStringLiteral("magnetAction"));
    setToolIcon(m_magnetAction, ToolIcon::Magnet);
    m_magnetAction->setCheckable(true);
    m_magnetAction->setToolTip(tr("Magnet: drawing points snap to the bar's open, high, low or close"));
    connect(m_magnetAction, &QAction::triggered, this, [this](bool on) {
        m_canvas->model().setMagnet(on);
        m_settings.setMagnet(on);
    });
    drawBar->addSeparator();
    QAction* del = drawBar->addAction(tr("Delete"));
    m_deleteAction = del;
    setToolIcon(del, ToolIcon::Delete);
    del->setEnabled(false);  // until a drawing is selected (ChartCanvas::selectionChanged)
    del->setObjectName(QStringLiteral("deleteDrawingAction"));
    del->setToolTip(tr("Delete the selected drawing"));
    connect(del, &QAction::triggered, this, [this] {
        auto& model = m_canvas->model();
        if (const auto id = model.selectedDrawing()) model.removeDrawing(*id);
    });
    // The price scale's switches.
    drawBar->addSeparator();
    m_autoAction = drawBar->addAction(tr("Auto"));
    m_autoAction->setObjectName(QStringLiteral("autoScaleAction"));
    setToolIcon(m_autoAction, ToolIcon::AutoScale);
    m_autoAction->setCheckable(true);
    m_autoAction->setChecked(true);
    m_autoAction->setToolTip(tr("Auto-scale the price axis to the visible bars (double-click the axis too)"));
    connect(m_autoAction, &QAction::triggered, this, [this](bool on) { m_canvas->model().setAutoScale(on); });
    m_logAction = drawBar->addAction(tr("Log"));
    m_logAction->setObjectName(QStringLiteral("logScaleAction"));
    setToolIcon(m_logAction, ToolIcon::LogScale);
    m_logAction->setCheckable(true);
    m_logAction->setToolTip(tr("Logarithmic price scale"));
    connect(m_logAction, &QAction::triggered, this, [this](bool on) {
        setPriceScaleMode(on ? chart::PriceScaleMode::Logarithmic : chart::PriceScaleMode::Linear);
    });
    m_percentAction = drawBar->addAction(tr("%"));
    m_percentAction->setObjectName(QStringLiteral("percentScaleAction"));
    setToolIcon(m_percentAction, ToolIcon::PercentScale);
    m_percentAction->setCheckable(true);
    m_percentAction->setToolTip(tr("Percent scale: change from the first visible bar"));
    connect(m_percentAction, &QAction::triggered, this, [this](bool on) {
        setPriceScaleMode(on ? chart::PriceScaleMode::Percent : chart::PriceScaleMode::Linear);
    });
    m_volumeAction = drawBar->addAction(tr("Vol"));
    m_volumeAction->setObjectName(QStringLiteral("volumeAction"));
    setToolIcon(m_volumeAction, ToolIcon::Volume);
    m_volumeAction->setCheckable(true);
    m_volumeAction->setToolTip(tr("Show the volume pane"));
    connect(m_volumeAction, &QAction::triggered, this, &MainWindow::setVolumeVisible);
    auto* indicatorButton = new QToolButton(bar);
    indicatorButton->setObjectName(QStringLiteral("indicatorButton"));
    QAction* indicatorAction = new QAction(tr("Indicators"), indicatorButton);
    indicatorAction->setToolTip(tr("Add an indicator (the arrow lists the chart's indicators to edit or remove)"));
    connect(indicatorAction, &QAction::triggered, this, &MainWindow::openAddIndicatorDialog);
    indicatorButton->setDefaultAction(indicatorAction);
    indicatorButton->setMenu(m_indicatorMenu);
    indicatorButton->setPopupMode(QToolButton::MenuButtonPopup);
    bar->addWidget(indicatorButton);
    drawBar->addSeparator();
    QAction* shot = drawBar->addAction(tr("PNG"));
    shot->setObjectName(QStringLiteral("screenshotAction"));
    setToolIcon(shot, ToolIcon::Screenshot);
    shot->setToolTip(tr("Screenshot: save the chart as a PNG (File → Export PNG, Ctrl+S)"));
    connect(shot, &QAction::triggered, this, &MainWindow::exportPngInteractive);
    QAction* realtime = drawBar->addAction(tr("Realtime"), this, [this] { RealtimeWindow::openFor(m_controller, m_settings, this); });
    realtime->setObjectName(QStringLiteral("realtimeAction"));
    setToolIcon(realtime, ToolIcon::Realtime);
    realtime->setToolTip(tr("Open the realtime test window: live trades, order book, ticker and feed health"));
}

void MainWindow::refreshToolIcons() {
    if (!m_drawBar) return;
    const QColor ink = QApplication::palette().color(QPalette::ButtonText);
    // The bar's actions and the tools in its group menus.
    for (QAction* action : findChildren<QAction*>()) {
        const QVariant icon = action->property(kToolIconProperty);
        if (icon.isValid()) action->setIcon(toolIcon(static_cast<ToolIcon>(icon.toInt()), ink));
    }
}

void MainWindow::setChartType(chart::ChartType type) {
    const bool wasFootprint = m_canvas->model().chartType() == chart::ChartType::Footprint;
    m_canvas->model().setChartType(type);
    m_chartTypeBox->setCurrentIndex(m_chartTypeBox->findData(static_cast<int>(type)));
    m_settings.setChartType(type);
    // Footprint cells need room: widen the bars once when switching to it.
    if (type == chart::ChartType::Footprint && !wasFootprint && m_canvas->model().timeScale().barSpacing() < 40.0)
        m_canvas->model().setBarSpacing(kFootprintBarSpacing);
    syncOrderFlow(false);
}

void MainWindow::setHeatmapVisible(bool visible) {
    m_heatmapAction->setChecked(visible);
    m_settings.setHeatmapVisible(visible);
    applyOrderFlowOptions();
    syncOrderFlow(false);
}

void MainWindow::setHeatmapLogScale(bool log) {
    m_heatmapLogAction->setChecked(log);
    m_settings.setHeatmapLogScale(log);
    applyOrderFlowOptions();
}

void MainWindow::setBigTradeMinValue(double value) {
    if (!(value > 0.0)) return;
    m_orderFlow->setBigTradeMinValue(value);
    m_settings.setBigTradeMinValue(value);
    m_canvas->orderFlowChanged();
}

void MainWindow::setImbalanceRatio(double ratio) {
    if (!(ratio >= 1.0)) return;
    m_settings.setImbalanceRatio(ratio);
    applyOrderFlowOptions();
}

void MainWindow::applyOrderFlowOptions() {
    chart::OrderFlowOptions options = m_canvas->orderFlowOptions();
    options.heatmap = m_heatmapAction->isChecked();
    options.heatmapScale = m_heatmapLogAction->isChecked() ? orderflow::HeatmapScale::Log : orderflow::HeatmapScale::Linear;
    options.imbalanceRatio = m_settings.imbalanceRatio();
    m_canvas->setOrderFlowOptions(options);
}

void MainWindow::syncOrderFlow(bool reopen) {
    if (!m_orderFlow || !m_heatmapAction) return;  // still being built
    const bool wanted =
        m_heatmapAction->isChecked() || m_canvas->model().chartType() == chart::ChartType::Footprint;
    const SeriesKey& key = m_controller.currentKey();
    session::MarketSession* market = m_controller.marketSession();
    if (!wanted || key.symbol.empty() || !market || !m_controller.sharedAdapter()) {
        if (m_orderFlow->isOpen()) m_orderFlow->close();
        m_canvas->setOrderFlowModels(nullptr, nullptr, nullptr);
        return;
    }
    if (m_orderFlow->isOpen() && !reopen && m_orderFlow->symbol() == key.symbol &&
        m_orderFlow->footprint()->interval() == key.interval)
        return;
    const market::CandleSeries* series = m_controller.currentSeries();
    m_orderFlowPrice = series && series->size() > 0 ? series->candles().close(series->size() - 1) : 0.0;
    m_orderFlow->open(*market, m_controller.sharedAdapter(), key.symbol, key.interval, m_controller.tickSize(),
                      m_orderFlowPrice);
    m_canvas->setOrderFlowModels(m_orderFlow->footprint(), m_orderFlow->heatmap(), &m_orderFlow->bigTrades());
}

void MainWindow::setThemeName(const QString& name) {
    const auto theme = chart_qt::themeByName(name);
    if (!theme) return;
    m_canvas->setTheme(*theme);
    applyPalette(theme->dark);
    refreshToolIcons();
    m_lightAction->blockSignals(true);
    m_lightAction->setChecked(!theme->dark);
    m_lightAction->blockSignals(false);
    m_settings.setTheme(name);
}

bool MainWindow::setTimeZoneName(const QString& name) {
    const auto offset = chart_qt::timeZoneOffset(name);
    if (!offset) return false;
    m_canvas->model().setTimeZone(*offset);
    m_settings.setTimeZone(name);
    m_zoneLabel->setText(name == QLatin1String("local") ? tr("local (%1)").arg(QString::fromUtf8(QTimeZone::systemTimeZoneId()))
                                                         : name);
    refreshStatus();
    return true;
}

void MainWindow::setPriceScaleMode(chart::PriceScaleMode mode) {
    m_canvas->model().setPriceScaleMode(mode);
    m_logAction->setChecked(mode == chart::PriceScaleMode::Logarithmic);
    m_percentAction->setChecked(mode == chart::PriceScaleMode::Percent);
    m_settings.setPriceScaleMode(mode);
}

void MainWindow::setPriceScaleInverted(bool inverted) {
    m_canvas->model().setPriceScaleInverted(inverted);
    m_settings.setPriceScaleInverted(inverted);
}

void MainWindow::copyChartImage() {
    const QImage image = m_canvas->renderToImage(m_canvas->size(), m_canvas->devicePixelRatioF());
    QGuiApplication::clipboard()->setImage(image);
    statusBar()->showMessage(tr("Chart image copied to the clipboard (%1 × %2)").arg(image.width()).arg(image.height()),
                             5000);
}

void MainWindow::setVolumeVisible(bool visible) {
    m_canvas->model().setVolumeVisible(visible);
    m_volumeAction->setChecked(visible);
    m_settings.setVolumeVisible(visible);
}

void MainWindow::setVolumeProfileVisible(bool visible) {
    m_canvas->setVolumeProfileVisible(visible);
    m_volumeProfileAction->setChecked(visible);
    m_settings.setVolumeProfileVisible(visible);
}

bool MainWindow::exportPng(const QString& path) {
    const qreal dpr = m_canvas->devicePixelRatioF();
    return m_canvas->renderToImage(m_canvas->size(), dpr).save(path, "PNG");
}

void MainWindow::exportPngInteractive() {
    const SeriesKey& key = m_controller.currentKey();
    const QString suggested =
        QStandardPaths::writableLocation(QStandardPaths::PicturesLocation) + QLatin1Char('/') +
        QStringLiteral("%1_%2_%3.png")
            .arg(QString::fromStdString(key.symbol), qs(toString(key.interval)),
                 QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
    const QString path = QFileDialog::getSaveFileName(this, tr("Export PNG"), suggested, tr("PNG images (*.png)"));
    if (path.isEmpty()) return;
    if (exportPng(path)) statusBar()->showMessage(tr("Chart saved to %1").arg(path), 8000);
    else statusBar()->showMessage(tr("Could not write %1").arg(path), 15000);
}

void MainWindow::openSettings() {
    SettingsDialog dialog(m_settings, this);
    if (dialog.exec() != QDialog::Accepted) return;
    setThemeName(m_settings.theme());
    setTimeZoneName(m_settings.timeZone());
    m_controller.setMemoryBudgetBytes(m_settings.memoryBudgetBytes());
    statusBar()->showMessage(tr("Settings saved; endpoint changes apply at the next start or exchange switch, CA and cache "
                                "folder changes at the next start"), 10000);
}

void MainWindow::saveDrawings() {
    if (m_drawingsSymbol.isEmpty()) return;
    m_settings.setDrawings(m_drawingsSymbol, m_canvas->model().drawings());
}

void MainWindow::setHistoryLoading(bool loading) {
    m_historyLoading = loading;
    refreshStatus();
    if (loading)
        QTimer::singleShot(kHistoryBusyTimeoutMs, this, [this] {
            m_historyLoading = false;
            refreshStatus();
        });
}

void MainWindow::syncIntervalControls(Interval interval) {
    m_intervalBox->setCurrentIndex(m_intervalBox->findData(static_cast<int>(interval)));
    for (QAction* a : m_favouriteGroup->actions()) a->setChecked(a->data().toInt() == static_cast<int>(interval));
}

void MainWindow::openSeries(const QString& symbol, Interval interval) {
    m_symbolBox->setCurrentText(symbol);
    syncIntervalControls(interval);
    m_settings.setLastInterval(interval);  // the symbol once the venue accepted it (symbolAccepted)
    m_controller.openSeries(symbol, interval);
}

bool MainWindow::switchExchange(const QString& name) {
    const QString before = m_controller.exchangeName();
    exchange::Endpoints endpoints;  // demo: the simulator, in the new venue's dialect
    if (!m_controller.isDemo()) {
        const Endpoints e = m_settings.effectiveEndpoints(name);
        endpoints = {e.rest.toStdString(), e.stream.toStdString()};
    }
    auto switched = m_controller.switchExchange(name, endpoints);
    if (!switched) {
        statusBar()->showMessage(tr("Cannot switch to %1: %2").arg(name, QString::fromStdString(switched.error().message)),
                                 15000);
        m_exchangeBox->setCurrentIndex(std::max(0, m_exchangeBox->findData(before)));
        return false;
    }
    const QString now = m_controller.exchangeName();
    m_exchangeBox->setCurrentIndex(std::max(0, m_exchangeBox->findData(now)));
    m_settings.setExchange(now);
    if (now != before) statusBar()->showMessage(tr("Exchange: %1").arg(exchangeDisplayName(now)), 8000);
    return true;
}

void MainWindow::onSymbolChosen() {
    const QString symbol = m_symbolBox->currentText().trimmed().toUpper();
    if (symbol.isEmpty()) return;
    if (!m_controller.isKnownSymbol(symbol)) {
        statusBar()->showMessage(tr("Unknown symbol \"%1\": pick one of the %2 symbols in the list")
                                     .arg(symbol).arg(m_controller.symbols().size()), 10000);
        m_symbolBox->setCurrentText(QString::fromStdString(m_controller.currentKey().symbol));
        return;
    }
    if (symbol == QString::fromStdString(m_controller.currentKey().symbol)) return;
    openSeries(symbol, m_controller.currentKey().interval);
}

void MainWindow::onIntervalChosen(int index) {
    const auto interval = static_cast<Interval>(m_intervalBox->itemData(index).toInt());
    if (interval == m_controller.currentKey().interval) return;
    openSeries(QString::fromStdString(m_controller.currentKey().symbol), interval);
}

void MainWindow::rebindChart() {
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
    // The controller may have chosen the symbol (the venue lacked the open one).
    if (m_symbolBox->currentText() != symbol) m_symbolBox->setCurrentText(symbol);
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
    syncIntervalControls(key.interval);
    refreshTitle();
    refreshStatus();
}

QString MainWindow::venueLabel() const {
    const QString venue = exchangeDisplayName(m_controller.exchangeName());
    // The demo never labels simulated data as the venue's: "Simulator (Bybit)".
    return m_controller.isDemo() ? tr("Simulator (%1)").arg(venue) : venue;
}

void MainWindow::refreshTitle() {
    TitleSource source;
    source.venue = venueLabel();
    source.symbol = QString::fromStdString(m_controller.currentKey().symbol);
    if (const auto* series = m_controller.currentSeries(); series && !series->empty()) source.price = series->last()->close.toDouble();
    source.decimals = m_controller.priceDecimals();
    // Most ticks move the price; those that do not (volume only, another series' update) stop here.
    if (m_titleSource == source) return;
    m_titleSource = source;
    if (source.symbol.isEmpty()) {
        setWindowTitle(QStringLiteral("CanvasProChart"));
        return;
    }
    // Grouped digits and the decimal mark of the interface's locale, as the status bar's numbers.
    setWindowTitle(source.price ? tr("%1 · %2 %3 — CanvasProChart", "window title: venue, symbol, last price")
                                      .arg(source.venue, source.symbol,
                                           QLocale().toString(*source.price, 'f', source.decimals))
                                : tr("%1 · %2 — CanvasProChart", "window title: venue, symbol").arg(source.venue, source.symbol));
}

// ---- indicators ------------------------------------------------------------------------------

void MainWindow::attachIndicator(std::size_t index, std::optional<std::size_t> position) {
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

void MainWindow::askNoteText(std::uint64_t id) {
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

bool MainWindow::dataAvailable(const IndicatorSpec& spec) const {
    return !needsTakerBuyVolume(spec.name) || klinesCarryTakerBuyVolume(m_controller.currentKey().exchange);
}

void MainWindow::keepPaneHeights() {
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

void MainWindow::detachIndicator(std::size_t index) {
    auto& model = m_canvas->model();
    ShownIndicator& shown = m_shownIndicators[index];
    if (shown.chartId == 0) return;  // hidden
    if (shown.spec.placement == indicators::Placement::Overlay) model.removeOverlay(shown.chartId);
    else model.removePane(shown.chartId);
    shown.chartId = 0;
}

void MainWindow::pushIndicator(std::size_t index, std::size_t fromRow) {
    const indicators::Indicator& ind = m_indicatorSet->indicator(index);
    const ShownIndicator& shown = m_shownIndicators[index];
    if (shown.chartId == 0) return;  // hidden
    const auto* series = m_controller.currentSeries();
    const std::size_t bars = series ? series->size() : 0;
    auto edit = [&](std::vector<chart::PaneSeries>& out) {
        if (out.size() != ind.outputCount()) {
            out.assign(ind.outputCount(), {});
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
        for (std::size_t o = 0; o < out.size(); ++o) indicators::placeOutput(out[o].values, ind, o, bars, fromRow);
    };
    auto& model = m_canvas->model();
    if (shown.spec.placement == indicators::Placement::Overlay) model.editOverlaySeries(shown.chartId, edit);
    else model.editPaneSeries(shown.chartId, edit);
}

bool MainWindow::addIndicator(const IndicatorSpec& spec) {
    const auto added = m_indicatorSet->add(spec.specText().toStdString());
    if (!added) {
        statusBar()->showMessage(tr("Cannot add %1: %2").arg(spec.specText(), QString::fromStdString(added.error().message)),
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
    rebuildIndicatorMenu();
    return true;
}

bool MainWindow::editIndicator(std::size_t index, const IndicatorSpec& spec) {
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
    rebuildIndicatorMenu();
    return true;
}

bool MainWindow::removeIndicator(std::size_t index) {
    if (index >= m_shownIndicators.size()) return false;
    detachIndicator(index);
    m_indicatorSet->remove(index);
    m_shownIndicators.erase(m_shownIndicators.begin() + static_cast<std::ptrdiff_t>(index));
    saveIndicators();
    rebuildIndicatorMenu();
    return true;
}

std::vector<IndicatorSpec> MainWindow::indicatorSpecs() const {
    std::vector<IndicatorSpec> specs;
    for (const auto& shown : m_shownIndicators) specs.push_back(shown.spec);
    return specs;
}

const indicators::Indicator* MainWindow::indicator(std::size_t index) const {
    return index < m_indicatorSet->size() ? &m_indicatorSet->indicator(index) : nullptr;
}

std::uint64_t MainWindow::indicatorChartId(std::size_t index) const {
    return index < m_shownIndicators.size() ? m_shownIndicators[index].chartId : 0;
}

bool MainWindow::indicatorRecomputeRunning() const { return m_indicatorSet->jobRunning(); }

std::uint64_t MainWindow::backgroundIndicatorRecomputes() const { return m_indicatorSet->backgroundRecomputes(); }

void MainWindow::setIndicatorJobHook(std::function<void()> hook) { m_indicatorSet->setJobHook(std::move(hook)); }

void MainWindow::loadIndicators(const QString& symbol) {
    m_indicatorsSymbol = symbol;
    showIndicatorSpecs(m_settings.indicators(symbol));
}

void MainWindow::showIndicatorSpecs(const std::vector<IndicatorSpec>& specs) {
    for (std::size_t i = 0; i < m_shownIndicators.size(); ++i) detachIndicator(i);
    m_shownIndicators.clear();
    m_indicatorSet->clear();
    for (const IndicatorSpec& spec : specs) {
        const auto added = m_indicatorSet->add(spec.specText().toStdString());
        if (!added) continue;
        m_shownIndicators.push_back(ShownIndicator{spec, 0});
        attachIndicator(*added);
    }
    rebuildIndicatorMenu();
}

void MainWindow::applyIndicatorSpecs(const std::vector<IndicatorSpec>& specs) {
    showIndicatorSpecs(specs);
    saveIndicators();
}

bool MainWindow::moveIndicator(std::size_t index, int delta) {
    const auto target = static_cast<std::ptrdiff_t>(index) + delta;
    if (index >= m_shownIndicators.size() || target < 0 || target >= static_cast<std::ptrdiff_t>(m_shownIndicators.size()))
        return false;
    std::vector<IndicatorSpec> specs = indicatorSpecs();
    std::swap(specs[index], specs[static_cast<std::size_t>(target)]);
    applyIndicatorSpecs(specs);
    return true;
}

bool MainWindow::setIndicatorHidden(std::size_t index, bool hidden) {
    if (index >= m_shownIndicators.size()) return false;
    IndicatorSpec spec = m_shownIndicators[index].spec;
    if (spec.hidden == hidden) return true;
    spec.hidden = hidden;
    return editIndicator(index, spec);
}

void MainWindow::saveIndicators() {
    m_undo->studiesChanged();
    emit objectsChanged();
    if (m_indicatorsSymbol.isEmpty()) return;
    m_settings.setIndicators(m_indicatorsSymbol, indicatorSpecs());
}

void MainWindow::rebuildIndicatorMenu() {
    if (!m_indicatorMenu) return;
    m_indicatorMenu->clear();
    QAction* add = m_indicatorMenu->addAction(tr("&Add indicator…"), this, &MainWindow::openAddIndicatorDialog);
    add->setObjectName(QStringLiteral("addIndicatorAction"));
    add->setShortcut(QKeySequence(tr("Ctrl+I")));
    if (m_shownIndicators.empty()) return;
    m_indicatorMenu->addSeparator();
    for (std::size_t i = 0; i < m_shownIndicators.size(); ++i) {
        const IndicatorSpec& spec = m_shownIndicators[i].spec;
        QMenu* sub = m_indicatorMenu->addMenu(
            spec.title() + (spec.placement == indicators::Placement::Overlay ? tr(" (overlay)") : tr(" (pane)")));
        QAction* edit = sub->addAction(tr("&Edit…"), this, [this, i] { openEditIndicatorDialog(i); });
        edit->setObjectName(QStringLiteral("editIndicator_%1").arg(i));
        QAction* remove = sub->addAction(tr("&Remove"), this, [this, i] {
            // Deferred: the action belongs to the menu being rebuilt.
            QTimer::singleShot(0, this, [this, i] { removeIndicator(i); });
        });
        remove->setObjectName(QStringLiteral("removeIndicator_%1").arg(i));
    }
}

void MainWindow::openAddIndicatorDialog() {
    IndicatorDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted) return;
    if (const auto spec = dialog.spec()) addIndicator(*spec);
}

void MainWindow::openEditIndicatorDialog(std::size_t index) {
    if (index >= m_shownIndicators.size()) return;
    IndicatorDialog dialog(this, m_shownIndicators[index].spec);
    if (dialog.exec() != QDialog::Accepted) return;
    if (const auto spec = dialog.spec()) QTimer::singleShot(0, this, [this, index, s = *spec] { editIndicator(index, s); });
}

void MainWindow::refreshStatus() {
    const auto& st = m_controller.status();
    QString text = QStringLiteral("<span style='color:%1'>●</span> %2")
                       .arg(stateColor(st.state), feedStateText(st.state));
    if (const auto latency = m_controller.latencyMs(); latency && st.state == feed::FeedState::Live) {
        // Exchange event time → arrival here; "~" when the exchange clock offset is not known.
        text += QStringLiteral(" · %1%2").arg(m_controller.latencyCorrected() ? QString() : QStringLiteral("~"),
                                              *latency < 10'000 ? tr("%L1 ms").arg(*latency)
                                                                : tr("%L1 s").arg(double(*latency) / 1000.0, 0, 'f', 1));
    }
    if (!st.detail.empty() && st.state != feed::FeedState::Live)
        text += QStringLiteral(" — ") + QString::fromStdString(st.detail).toHtmlEscaped();
    if (st.state == feed::FeedState::Reconnecting && st.retryInMs > 0)
        text += tr(" (retry in %1 s)").arg((st.retryInMs + 999) / 1000);
    // The venue by name, as the chart's legend says it; its endpoints for whoever needs them.
    text += QStringLiteral("  ·  ") + venueLabel().toHtmlEscaped();
    m_stateLabel->setText(text);
    m_stateLabel->setToolTip(tr("REST %1\nStream %2").arg(m_controller.restBase(), m_controller.streamBase()));
    const auto* series = m_controller.currentSeries();
    const bool empty = series == nullptr || series->empty();
    const bool connecting = st.state == feed::FeedState::Connecting || st.state == feed::FeedState::Idle;
    m_busy->setVisible(m_historyLoading || (empty && connecting && !m_controller.currentKey().symbol.empty()));
    m_countLabel->setText(tr("%Ln candle(s)", nullptr, series ? static_cast<int>(series->size()) : 0));
    const qint64 last = m_controller.lastUpdateMs();
    if (last == 0) {
        m_updateLabel->setText(tr("no update yet"));
    } else {
        const QString zone = m_settings.timeZone();
        const QTimeZone tz = zone == QLatin1String("local") ? QTimeZone::systemTimeZone()
                             : zone == QLatin1String("UTC") ? QTimeZone::utc()
                                                            : QTimeZone(zone.toUtf8());
        const QDateTime at = QDateTime::fromMSecsSinceEpoch(last, tz.isValid() ? tz : QTimeZone::utc());
        m_updateLabel->setText(tr("last update %1").arg(at.toString(QStringLiteral("HH:mm:ss"))));
    }
}

void MainWindow::keepOnScreen() {
    if (isMaximized() || isFullScreen()) return;
    const QRect frame = frameGeometry();
    const QRect inner = geometry();
    QScreen* screen = QGuiApplication::screenAt(frame.center());
    if (!screen) screen = this->screen();
    if (!screen) screen = QGuiApplication::primaryScreen();
    if (!screen) return;
    // Where the client area may go: the screen's available area less the window frame.
    const QMargins margins(inner.left() - frame.left(), inner.top() - frame.top(), frame.right() - inner.right(),
                           frame.bottom() - inner.bottom());
    const QRect room = screen->availableGeometry().marginsRemoved(margins);
    const QSize size = inner.size().boundedTo(room.size());
    const QPoint at(std::clamp(inner.x(), room.left(), room.right() + 1 - size.width()),
                    std::clamp(inner.y(), room.top(), room.bottom() + 1 - size.height()));
    if (QRect(at, size) != inner) setGeometry(QRect(at, size));
}

void MainWindow::showEvent(QShowEvent* event) {
    QMainWindow::showEvent(event);
    // The frame's size is known once shown: check again with it.
    if (!m_shownOnce) {
        m_shownOnce = true;
        if (m_geometryRestored) keepOnScreen();
    }
}

void MainWindow::closeEvent(QCloseEvent* event) {
    m_settings.setWindowGeometry(saveGeometry());
    m_settings.setWindowState(saveState());
    saveDrawings();
    QMainWindow::closeEvent(event);
}

}  // namespace cpc::app
