#include "cpc/app/main_window.hpp"

#include "cpc/app/core_text.hpp"

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
#include <QUndoGroup>
#include <QUndoStack>
#include <QTabWidget>
#include <QSplitter>
#include <QPixmap>
#include <QIcon>
#include <map>

#include "cpc/app/about_dialog.hpp"
#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/bar_replay_ui.hpp"
#include "cpc/app/chart_pane.hpp"
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
    : QMainWindow(parent), m_primaryController(controller), m_settings(settings) {
    setWindowTitle(QStringLiteral("CanvasProChart"));
    // One undo history per chart; Edit ▸ Undo acts on the active chart's.
    m_undoGroup = new QUndoGroup(this);
    m_primaryPane = new ChartPane(controller, nullptr, m_settings, this);
    wirePane(m_primaryPane);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("layoutTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->setTabsClosable(true);
    m_tabs->setTabBarAutoHide(true);  // one layout: no tab bar
    setCentralWidget(m_tabs);
    m_layouts.push_back(LayoutTab{});
    m_layouts.back().layout = QStringLiteral("1");
    m_layouts.back().page = new QWidget(m_tabs);
    buildLayout(m_layouts.back(), {m_primaryPane});
    m_tabs->addTab(m_layouts.back().page, tr("Layout %1").arg(1));
    m_canvas = m_primaryPane->canvas();
    m_undo = &m_primaryPane->undo();
    m_active = m_primaryPane;
    m_layouts.back().active = m_primaryPane;
    m_undoGroup->setActiveStack(m_undo->stack());
    m_objectTree = new ObjectTree(*this);
    addDockWidget(Qt::RightDockWidgetArea, m_objectTree);
    m_objectTree->hide();
    buildMenus();
    buildToolbar();
    m_barReplay = new BarReplayUi(*this, *m_viewMenu, *m_drawBar);
    connect(m_barReplay, &BarReplayUi::changed, this, &MainWindow::refreshStatus);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (index < 0 || index >= static_cast<int>(m_layouts.size())) return;
        setActivePane(m_layouts[static_cast<std::size_t>(index)].active);
        saveWorkspace();
    });
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, [this](int index) { closeLayoutTab(index); });

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
    buildPerpStatus();

    m_linkIntervalsAction->setChecked(m_linkIntervals);
    syncControls();
    setThemeName(m_settings.theme());
    if (!setTimeZoneName(m_settings.timeZone())) setTimeZoneName(QStringLiteral("UTC"));

    m_geometryRestored = restoreGeometry(m_settings.windowGeometry());
    if (!m_geometryRestored) resize(1280, 760);
    else keepOnScreen();  // saved on a larger screen or at another scale factor
    restoreState(m_settings.windowState());
    refreshStatus();
}

MainWindow::~MainWindow() {
    // The charts go while the window is whole: deleted later with the widget tree, their signals
    // (and the tabs' currentChanged) would reach a window whose members are gone. Each pane's
    // own controller goes with it; the first chart's (runApp's) outlives the window.
    m_tabs->disconnect(this);
    std::vector<ChartPane*> all;
    for (auto& tab : m_layouts)
        for (auto& cell : tab.cells) all.push_back(cell.pane);
    if (!m_primaryInUse) all.push_back(m_primaryPane);
    for (ChartPane* pane : all) {
        pane->disconnect(this);
        pane->canvas()->disconnect(this);
    }
    for (ChartPane* pane : all) delete pane;
    for (auto& tab : m_layouts)
        for (auto& cell : tab.cells) delete cell.window;
    m_layouts.clear();
    m_active = nullptr;
}

void MainWindow::wirePane(ChartPane* pane) {
    m_undoGroup->addStack(pane->undo().stack());
    connect(pane, &ChartPane::activated, this, &MainWindow::setActivePane);
    connect(pane, &ChartPane::chartChanged, this, [this, pane] { onPaneChanged(pane); });
    connect(pane, &ChartPane::statusChanged, this, [this, pane] {
        if (pane == m_active) refreshStatus();
    });
    connect(pane, &ChartPane::symbolsChanged, this, [this, pane] {
        if (pane != m_active) return;
        const QString current = m_symbolBox->currentText();
        m_symbolBox->blockSignals(true);
        m_symbolBox->clear();
        m_symbolBox->addItems(pane->controller().symbols());
        m_symbolBox->setCurrentText(current);
        m_symbolBox->blockSignals(false);
        refreshTitle();  // the symbol's price decimals are known now
    });
    connect(pane, &ChartPane::exchangeChanged, this, [this, pane] {
        if (pane == m_active)
            m_exchangeBox->setCurrentIndex(std::max(0, m_exchangeBox->findData(pane->controller().exchangeName())));
        saveWorkspace();
    });
    connect(pane, &ChartPane::message, this, [this, pane](const QString& text, int timeoutMs) {
        // Another chart's news is said with its symbol (a failure must not look like the active one's).
        if (pane == m_active) statusBar()->showMessage(text, timeoutMs);
        else
            statusBar()->showMessage(
                QStringLiteral("%1: %2").arg(QString::fromStdString(pane->controller().currentKey().symbol), text), timeoutMs);
    });
    // Only a symbol the venue lists is remembered for the next start (a typo would otherwise
    // reopen as a blank "Invalid symbol" chart).
    connect(pane, &ChartPane::symbolAccepted, this, [this, pane](const QString& symbol) {
        if (pane == m_active) m_settings.setLastSymbol(symbol);
        saveWorkspace();
    });
    connect(pane, &ChartPane::objectsChanged, this, [this, pane] {
        if (pane == m_active) emit objectsChanged();
    });
    connect(pane, &ChartPane::indicatorsChanged, this, [this, pane] {
        if (pane == m_active) rebuildIndicatorMenu();
    });
    connect(pane, &ChartPane::crosshairTimeChanged, this, [this, pane](std::optional<std::int64_t> timeMs) {
        if (!m_syncCrosshair) return;
        LayoutTab* tab = tabOf(pane);
        if (!tab) return;
        for (const Cell& cell : tab->cells)
            if (cell.pane != pane) cell.pane->showSyncedCrosshair(timeMs);
    });
    connect(pane, &ChartPane::objectsSaved, this, [this, pane](const QString& pair) { syncObjects(pane, pair); });
    wirePerpPane(pane);
    connect(pane, &ChartPane::contextMenuRequested, this, [this](QPointF pos, QPoint globalPos) {
        if (const auto menu = contextMenuAt(pos)) menu->exec(globalPos);
    });
    chart_qt::ChartCanvas* canvas = pane->canvas();
    connect(canvas, &chart_qt::ChartCanvas::autoScaleChanged, this, [this, pane](bool on) {
        if (pane == m_active && m_autoAction) m_autoAction->setChecked(on);
    });
    // The Delete button acts on the selected drawing: without one there is nothing to press.
    connect(canvas, &chart_qt::ChartCanvas::selectionChanged, this, [this, pane] {
        if (pane == m_active) m_deleteAction->setEnabled(m_canvas->model().selectedDrawing().has_value());
    });
    connect(canvas, &chart_qt::ChartCanvas::drawingToolChanged, this, [this, pane] {
        if (pane != m_active) return;
        const auto tool = m_canvas->drawingTool();
        for (QAction* a : m_toolGroup->actions())
            a->setChecked(tool && a->data().toInt() == static_cast<int>(*tool));
    });
}


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
    QAction* undoAction = m_undoGroup->createUndoAction(this, tr("&Undo"));
    undoAction->setObjectName(QStringLiteral("undoAction"));
    undoAction->setShortcut(QKeySequence(tr("Ctrl+Z")));
    edit->addAction(undoAction);
    QAction* redoAction = m_undoGroup->createRedoAction(this, tr("&Redo"));
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
    m_viewMenu = view;
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
            this, tr("Big trades"), tr("Draw trades worth at least (quote asset):"), orderFlow()->bigTrades().minValue(),
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
    view->addAction(tr("Go to &live edge"), QKeySequence(Qt::Key_End), this,
                    [this] { m_canvas->model().scrollToLiveEdge(); });
    view->addAction(tr("&Reset view"), this, [this] { m_canvas->model().resetView(); });
    QAction* reconnect = view->addAction(tr("Re&connect"), this, [this] { activeController().reconnect(); });
    reconnect->setShortcut(QKeySequence(tr("Ctrl+R")));
    view->addAction(tr("Realtime &test window"), this, [this] { RealtimeWindow::openFor(activeController(), m_settings, this); })
        ->setObjectName(QStringLiteral("realtimeMenuAction"));
    buildPerpMenu(view);

    // ---- the workspace: layouts, tabs, detaching, link groups --------------------------------
    QMenu* layout = menuBar()->addMenu(tr("&Layout"));
    layout->setObjectName(QStringLiteral("layoutMenu"));
    m_layoutGroup = new QActionGroup(this);
    m_layoutGroup->setExclusive(true);
    const std::pair<QString, QString> layoutLabels[] = {
        {QStringLiteral("1"), tr("1 chart")},
        {QStringLiteral("2h"), tr("2 charts side by side")},
        {QStringLiteral("2v"), tr("2 charts stacked")},
        {QStringLiteral("3"), tr("3 charts (one left, two right)")},
        {QStringLiteral("4"), tr("4 charts (2 × 2)")},
        {QStringLiteral("6"), tr("6 charts (3 × 2)")},
        {QStringLiteral("8"), tr("8 charts (4 × 2)")}};
    for (const auto& [name, label] : layoutLabels) {
        QAction* a = layout->addAction(label);
        a->setObjectName(QStringLiteral("layout_") + name);
        a->setCheckable(true);
        a->setData(name);
        m_layoutGroup->addAction(a);
        connect(a, &QAction::triggered, this, [this, n = name] { applyLayout(n); });
    }
    layout->addSeparator();
    QAction* newTab = layout->addAction(tr("&New layout tab"), this, [this] { setCurrentLayoutTab(addLayoutTab()); });
    newTab->setObjectName(QStringLiteral("newLayoutTabAction"));
    newTab->setShortcut(QKeySequence(tr("Ctrl+T")));
    QAction* closeTab = layout->addAction(tr("&Close layout tab"), this, [this] { closeLayoutTab(currentLayoutTab()); });
    closeTab->setObjectName(QStringLiteral("closeLayoutTabAction"));
    layout->addSeparator();
    m_detachAction = layout->addAction(tr("&Detach chart into its own window"), this, [this] {
        if (!m_active) return;
        if (detachedWindow(m_active)) attachChart(m_active);
        else detachChart(m_active);
    });
    m_detachAction->setObjectName(QStringLiteral("detachChartAction"));
    layout->addSeparator();
    QMenu* link = layout->addMenu(tr("&Link the chart"));
    link->setObjectName(QStringLiteral("linkMenu"));
    m_linkGroup = new QActionGroup(this);
    m_linkGroup->setExclusive(true);
    const QString groupNames[] = {tr("Not linked"), tr("Red group"), tr("Green group"), tr("Blue group"), tr("Orange group")};
    for (int g = 0; g <= kLinkGroupCount; ++g) {
        QAction* a = link->addAction(groupNames[g]);
        a->setObjectName(QStringLiteral("linkGroup_%1").arg(g));
        a->setCheckable(true);
        a->setData(g);
        if (g > 0) {
            QPixmap swatch(12, 12);
            swatch.fill(QColor(linkGroupColour(g)));
            a->setIcon(QIcon(swatch));
        }
        m_linkGroup->addAction(a);
        connect(a, &QAction::triggered, this, [this, g] { setLinkGroup(m_active, g); });
    }
    m_linkIntervalsAction = layout->addAction(tr("Linked charts follow the &timeframe too"));
    m_linkIntervalsAction->setObjectName(QStringLiteral("linkIntervalsAction"));
    m_linkIntervalsAction->setCheckable(true);
    connect(m_linkIntervalsAction, &QAction::triggered, this, &MainWindow::setLinkIntervals);
    m_syncCrosshairAction = layout->addAction(tr("&Sync the crosshair across charts"));
    m_syncCrosshairAction->setObjectName(QStringLiteral("syncCrosshairAction"));
    m_syncCrosshairAction->setCheckable(true);
    m_syncCrosshairAction->setChecked(m_syncCrosshair);
    connect(m_syncCrosshairAction, &QAction::triggered, this, &MainWindow::setSyncCrosshair);

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
    m_exchangeBox->setCurrentIndex(std::max(0, m_exchangeBox->findData(m_primaryController.exchangeName())));
    connect(m_exchangeBox, &QComboBox::activated, this,
            [this](int index) { switchExchange(m_exchangeBox->itemData(index).toString()); });
    bar->addWidget(m_exchangeBox);
    buildMarketBox(bar);

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
            if (i != activeController().currentKey().interval)
                openSeries(QString::fromStdString(activeController().currentKey().symbol), i);
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
        // A drawing habit, not one chart's: every chart snaps alike.
        for (auto& tab : m_layouts)
            for (auto& cell : tab.cells) cell.pane->canvas()->model().setMagnet(on);
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
    QAction* realtime = drawBar->addAction(tr("Realtime"), this, [this] { RealtimeWindow::openFor(activeController(), m_settings, this); });
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

// ---- presentation: the active chart; each choice is saved as the default of new charts -------

void MainWindow::setChartType(chart::ChartType type) {
    m_active->setChartType(type);
    m_chartTypeBox->setCurrentIndex(m_chartTypeBox->findData(static_cast<int>(type)));
    m_settings.setChartType(type);
    saveWorkspace();
}

void MainWindow::setHeatmapVisible(bool visible) {
    m_active->setHeatmapVisible(visible);
    m_heatmapAction->setChecked(visible);
    m_settings.setHeatmapVisible(visible);
}

void MainWindow::setHeatmapLogScale(bool log) {
    m_active->setHeatmapLogScale(log);
    m_heatmapLogAction->setChecked(log);
    m_settings.setHeatmapLogScale(log);
}

void MainWindow::setBigTradeMinValue(double value) {
    if (!(value > 0.0)) return;
    m_active->setBigTradeMinValue(value);
    m_settings.setBigTradeMinValue(value);
}

void MainWindow::setImbalanceRatio(double ratio) {
    if (!(ratio >= 1.0)) return;
    m_settings.setImbalanceRatio(ratio);
    for (ChartPane* pane : panes()) pane->applyOrderFlowOptions();
}

void MainWindow::startReplayOver() {
    std::vector<ChartController*> controllers{&m_primaryController};
    for (int tab = 0; tab < layoutTabCount(); ++tab)
        for (ChartPane* pane : panes(tab))
            if (std::find(controllers.begin(), controllers.end(), &pane->controller()) == controllers.end())
                controllers.push_back(&pane->controller());
    for (ChartController* chart : controllers) chart->restartReplay();
    for (RealtimeWindow* realtime : findChildren<RealtimeWindow*>()) realtime->startOver();
}

const OrderFlowFeed* MainWindow::orderFlow() const { return m_active->orderFlow(); }

void MainWindow::setThemeName(const QString& name) {
    const auto theme = chart_qt::themeByName(name);
    if (!theme) return;
    // One theme for the whole window: every chart, the detached ones too.
    for (auto& tab : m_layouts)
        for (auto& cell : tab.cells) cell.pane->canvas()->setTheme(*theme);
    if (!m_primaryInUse) m_primaryPane->canvas()->setTheme(*theme);
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
    for (auto& tab : m_layouts)
        for (auto& cell : tab.cells) cell.pane->canvas()->model().setTimeZone(*offset);
    m_settings.setTimeZone(name);
    m_zoneLabel->setText(name == QLatin1String("local") ? tr("local (%1)").arg(QString::fromUtf8(QTimeZone::systemTimeZoneId()))
                                                         : name);
    refreshStatus();
    return true;
}

void MainWindow::setPriceScaleMode(chart::PriceScaleMode mode) {
    m_active->setPriceScaleMode(mode);
    m_logAction->setChecked(mode == chart::PriceScaleMode::Logarithmic);
    m_percentAction->setChecked(mode == chart::PriceScaleMode::Percent);
    m_settings.setPriceScaleMode(mode);
}

void MainWindow::setPriceScaleInverted(bool inverted) {
    m_active->setPriceScaleInverted(inverted);
    m_settings.setPriceScaleInverted(inverted);
}

void MainWindow::copyChartImage() {
    const QImage image = m_canvas->renderToImage(m_canvas->size(), m_canvas->devicePixelRatioF());
    QGuiApplication::clipboard()->setImage(image);
    statusBar()->showMessage(tr("Chart image copied to the clipboard (%1 × %2)").arg(image.width()).arg(image.height()),
                             5000);
}

void MainWindow::setVolumeVisible(bool visible) {
    m_active->setVolumeVisible(visible);
    m_volumeAction->setChecked(visible);
    m_settings.setVolumeVisible(visible);
}

void MainWindow::setVolumeProfileVisible(bool visible) {
    m_active->setVolumeProfileVisible(visible);
    m_volumeProfileAction->setChecked(visible);
    m_settings.setVolumeProfileVisible(visible);
}

bool MainWindow::exportPng(const QString& path) {
    const qreal dpr = m_canvas->devicePixelRatioF();
    return m_canvas->renderToImage(m_canvas->size(), dpr).save(path, "PNG");
}

void MainWindow::exportPngInteractive() {
    const SeriesKey& key = activeController().currentKey();
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
    for (auto& tab : m_layouts)
        for (auto& cell : tab.cells) cell.pane->controller().setMemoryBudgetBytes(m_settings.memoryBudgetBytes());
    statusBar()->showMessage(tr("Settings saved; endpoint changes apply at the next start or exchange switch, CA and cache "
                                "folder changes at the next start"), 10000);
}

void MainWindow::syncIntervalControls(Interval interval) {
    m_intervalBox->setCurrentIndex(m_intervalBox->findData(static_cast<int>(interval)));
    for (QAction* a : m_favouriteGroup->actions()) a->setChecked(a->data().toInt() == static_cast<int>(interval));
}

ChartController& MainWindow::activeController() const { return m_active->controller(); }

void MainWindow::openSeries(const QString& symbol, Interval interval) {
    m_symbolBox->setCurrentText(symbol);
    syncIntervalControls(interval);
    m_settings.setLastInterval(interval);  // the symbol once the venue accepted it (symbolAccepted)
    activeController().openSeries(symbol, interval);
    followLinks(m_active);
    saveWorkspace();
}

void MainWindow::openSeriesIn(ChartPane* pane, const QString& symbol, Interval interval) {
    if (!pane) return;
    if (pane == m_active) {
        openSeries(pane->controller().venueSymbol(symbol), interval);
        return;
    }
    pane->controller().openSeries(pane->controller().venueSymbol(symbol), interval);
    saveWorkspace();
}

bool MainWindow::switchExchange(const QString& name) { return switchExchangeOf(m_active, name); }

bool MainWindow::switchExchangeOf(ChartPane* pane, const QString& name) {
    ChartController& controller = pane->controller();
    const QString before = controller.exchangeName();
    exchange::Endpoints endpoints;  // demo: the simulator, in the new venue's dialect
    if (!controller.isDemo()) {
        // The settings' endpoints of the chart's market on the new venue.
        const Endpoints e = m_settings.effectiveEndpoints(name, controller.marketType());
        endpoints = {e.rest.toStdString(), e.stream.toStdString()};
    }
    auto switched = controller.switchExchange(name, endpoints);
    if (!switched) {
        statusBar()->showMessage(tr("Cannot switch to %1: %2").arg(name, coreText(switched.error().message)),
                                 15000);
        if (pane == m_active) m_exchangeBox->setCurrentIndex(std::max(0, m_exchangeBox->findData(before)));
        return false;
    }
    const QString now = controller.exchangeName();
    if (pane == m_active) {
        m_exchangeBox->setCurrentIndex(std::max(0, m_exchangeBox->findData(now)));
        m_settings.setExchange(now);
        if (now != before) statusBar()->showMessage(tr("Exchange: %1").arg(exchangeDisplayName(now)), 8000);
    }
    saveWorkspace();
    return true;
}

void MainWindow::onSymbolChosen() {
    const QString symbol = takeMarketSuffix(m_symbolBox->currentText().trimmed().toUpper());
    if (symbol.isEmpty()) return;
    ChartController& controller = activeController();
    if (!controller.isKnownSymbol(symbol)) {
        statusBar()->showMessage(tr("Unknown symbol \"%1\": pick one of the %2 symbols in the list")
                                     .arg(symbol).arg(controller.symbols().size()), 10000);
        m_symbolBox->setCurrentText(QString::fromStdString(controller.currentKey().symbol));
        return;
    }
    if (symbol == QString::fromStdString(controller.currentKey().symbol)) return;
    openSeries(symbol, controller.currentKey().interval);
}

void MainWindow::onIntervalChosen(int index) {
    const auto interval = static_cast<Interval>(m_intervalBox->itemData(index).toInt());
    if (interval == activeController().currentKey().interval) return;
    openSeries(QString::fromStdString(activeController().currentKey().symbol), interval);
}

void MainWindow::onPaneChanged(ChartPane* pane) {
    if (QWidget* window = detachedWindow(pane)) {
        const SeriesKey& key = pane->controller().currentKey();
        window->setWindowTitle(tr("%1 · %2 %3 — CanvasProChart", "detached chart: venue, symbol, timeframe")
                                   .arg(pane->venueLabel(), QString::fromStdString(key.symbol), qs(toString(key.interval))));
    }
    if (pane != m_active) return;
    // The controller may have chosen the symbol (the venue lacked the open one).
    const QString symbol = QString::fromStdString(pane->controller().currentKey().symbol);
    if (m_symbolBox->currentText() != symbol && !m_symbolBox->hasFocus()) m_symbolBox->setCurrentText(symbol);
    syncIntervalControls(pane->controller().currentKey().interval);
    refreshTitle();
    refreshStatus();
}

QString MainWindow::venueLabel() const { return m_active->venueLabel(); }

void MainWindow::refreshTitle() {
    const ChartController& controller = activeController();
    TitleSource source;
    source.venue = venueLabel();
    source.symbol = QString::fromStdString(controller.currentKey().symbol);
    if (const auto* series = controller.currentSeries(); series && !series->empty()) source.price = series->last()->close.toDouble();
    source.decimals = controller.priceDecimals();
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

// ---- indicators: the active chart's ----------------------------------------------------------

bool MainWindow::addIndicator(const IndicatorSpec& spec) { return m_active->addIndicator(spec); }
bool MainWindow::editIndicator(std::size_t index, const IndicatorSpec& spec) { return m_active->editIndicator(index, spec); }
bool MainWindow::removeIndicator(std::size_t index) { return m_active->removeIndicator(index); }
std::size_t MainWindow::indicatorCount() const { return m_active->indicatorCount(); }
std::vector<IndicatorSpec> MainWindow::indicatorSpecs() const { return m_active->indicatorSpecs(); }
const indicators::Indicator* MainWindow::indicator(std::size_t index) const { return m_active->indicator(index); }
std::uint64_t MainWindow::indicatorChartId(std::size_t index) const { return m_active->indicatorChartId(index); }
bool MainWindow::indicatorRecomputeRunning() const { return m_active->indicatorRecomputeRunning(); }
std::uint64_t MainWindow::backgroundIndicatorRecomputes() const { return m_active->backgroundIndicatorRecomputes(); }
void MainWindow::setIndicatorJobHook(std::function<void()> hook) { m_active->setIndicatorJobHook(std::move(hook)); }
void MainWindow::applyIndicatorSpecs(const std::vector<IndicatorSpec>& specs) { m_active->applyIndicatorSpecs(specs); }
bool MainWindow::moveIndicator(std::size_t index, int delta) { return m_active->moveIndicator(index, delta); }
bool MainWindow::setIndicatorHidden(std::size_t index, bool hidden) { return m_active->setIndicatorHidden(index, hidden); }

void MainWindow::rebuildIndicatorMenu() {
    if (!m_indicatorMenu) return;
    m_indicatorMenu->clear();
    QAction* add = m_indicatorMenu->addAction(tr("&Add indicator…"), this, &MainWindow::openAddIndicatorDialog);
    add->setObjectName(QStringLiteral("addIndicatorAction"));
    add->setShortcut(QKeySequence(tr("Ctrl+I")));
    const std::vector<IndicatorSpec> specs = m_active ? m_active->indicatorSpecs() : std::vector<IndicatorSpec>{};
    if (specs.empty()) return;
    m_indicatorMenu->addSeparator();
    for (std::size_t i = 0; i < specs.size(); ++i) {
        const IndicatorSpec& spec = specs[i];
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
    if (index >= indicatorCount()) return;
    IndicatorDialog dialog(this, indicatorSpecs()[index]);
    if (dialog.exec() != QDialog::Accepted) return;
    if (const auto spec = dialog.spec()) QTimer::singleShot(0, this, [this, index, s = *spec] { editIndicator(index, s); });
}

void MainWindow::refreshStatus() {
    if (!m_stateLabel || !m_active) return;  // still being built
    const ChartController& controller = activeController();
    const auto& st = controller.status();
    QString text = QStringLiteral("<span style='color:%1'>●</span> %2")
                       .arg(stateColor(st.state), feedStateText(st.state));
    if (const auto latency = controller.latencyMs(); latency && st.state == feed::FeedState::Live) {
        // Exchange event time → arrival here; "~" when the exchange clock offset is not known.
        text += QStringLiteral(" · %1%2").arg(controller.latencyCorrected() ? QString() : QStringLiteral("~"),
                                              *latency < 10'000 ? tr("%L1 ms").arg(*latency)
                                                                : tr("%L1 s").arg(double(*latency) / 1000.0, 0, 'f', 1));
    }
    if (!st.detail.empty() && st.state != feed::FeedState::Live)
        text += QStringLiteral(" — ") + coreText(st.detail).toHtmlEscaped();
    if (st.state == feed::FeedState::Reconnecting && st.retryInMs > 0)
        text += tr(" (retry in %1 s)").arg((st.retryInMs + 999) / 1000);
    // The venue holding back this process's requests (history, scroll-back, the symbol list wait
    // for it): said with its countdown, whatever the stream's state.
    if (const auto hold = controller.restHold(); hold.kind != ChartController::RestHold::Kind::None) {
        const qint64 left = std::max<qint64>(1, (hold.untilMs - nowMs() + 999) / 1000);
        if (hold.kind == ChartController::RestHold::Kind::TooMany)
            text += tr(" — the exchange asked to slow down (HTTP 429): requests wait %1 s").arg(left);
        else if (st.detail.find("banned") == std::string::npos || st.state == feed::FeedState::Live)
            text += tr(" — the exchange banned this IP for too many requests: no request for %1 s").arg(left);
    }
    // The venue by name, as the chart's legend says it; its endpoints for whoever needs them.
    text += QStringLiteral("  ·  ") + venueLabel().toHtmlEscaped();
    // A chart in Bar Replay is not live, whatever its feed does underneath: said first.
    if (m_barReplay && m_barReplay->replaying()) {
        const auto panes = m_barReplay->panes();
        if (std::find(panes.begin(), panes.end(), m_active) != panes.end()) {
            const QString at = QDateTime::fromMSecsSinceEpoch(m_barReplay->replayTime(), QTimeZone::utc())
                                   .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
            text = QStringLiteral("<span style='color:#ef5350'>■</span> ") + tr("Bar Replay at %1 UTC").arg(at) +
                   QStringLiteral(" · ") + tr("feed: %1").arg(text);
        }
    }
    m_stateLabel->setText(text);
    m_stateLabel->setToolTip(tr("REST %1\nStream %2").arg(controller.restBase(), controller.streamBase()));
    const auto* series = controller.currentSeries();
    const bool empty = series == nullptr || series->empty();
    const bool connecting = st.state == feed::FeedState::Connecting || st.state == feed::FeedState::Idle;
    m_busy->setVisible(m_active->historyLoading() || (empty && connecting && !controller.currentKey().symbol.empty()));
    const QString zone = m_settings.timeZone();
    const QTimeZone chosenTz = zone == QLatin1String("local") ? QTimeZone::systemTimeZone()
                               : zone == QLatin1String("UTC") ? QTimeZone::utc()
                                                              : QTimeZone(zone.toUtf8());
    const QTimeZone tz = chosenTz.isValid() ? chosenTz : QTimeZone::utc();
    QString count = tr("%Ln candle(s)", nullptr, series ? static_cast<int>(series->size()) : 0);
    // Scrolling back: how far the chart reaches while older pages arrive.
    if (m_active->historyLoading() && !empty)
        count += QStringLiteral(" · ") + tr("loading older, from %1")
                                             .arg(QDateTime::fromMSecsSinceEpoch((*series)[0].openTime, tz)
                                                      .toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    m_countLabel->setText(count);
    const qint64 last = controller.lastUpdateMs();
    if (last == 0) {
        m_updateLabel->setText(tr("no update yet"));
    } else {
        const QDateTime at = QDateTime::fromMSecsSinceEpoch(last, tz);
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
    saveWorkspace();
    QMainWindow::closeEvent(event);
}

}  // namespace cpc::app
