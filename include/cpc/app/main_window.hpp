#pragma once
// The main window: a top toolbar (exchange, symbol search, timeframes, chart type, indicators),
// a side toolbar of icons at the chart's left edge (drawing tools, price scales, volume,
// screenshot, realtime window), the workspace, a status bar (connection, venue, last update,
// history loading), and a title naming venue, symbol and last price.
//
// The workspace: layouts as tabs, each 1, 2 (side by side or stacked), 3, 4, 6 or 8 charts
// (ChartPane) in draggable splitters. Every chart has its own exchange, symbol, timeframe, chart
// type, indicators and drawings; the toolbar, the menus, the status bar and the title act on and
// show the active chart (framed in the highlight colour; a click on a chart makes it active). A
// chart can be detached into a window of its own; closing that window puts it back. Charts in a
// link group (a colour) follow each other's symbol and, if asked, timeframe. The whole workspace
// (layouts, charts, splitter positions, link groups, detached windows, the active chart) is saved
// in the settings and restored by restoreWorkspace().
#include <QMainWindow>
#include <QPointer>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "cpc/app/indicator_spec.hpp"

#include "cpc/chart/chart_model.hpp"
#include "cpc/core/candle.hpp"
#include "cpc/core/interval.hpp"

class QAction;
class QActionGroup;
class QComboBox;
class QLabel;
class QMenu;
class QProgressBar;
class QSplitter;
class QTabWidget;
class QToolBar;
class QUndoGroup;
class QPointF;

namespace cpc::chart_qt { class ChartCanvas; }
namespace cpc::indicators { class Indicator; }
namespace cpc::session { class IndicatorSet; }

namespace cpc::app {

class AppSettings;
class BarReplayUi;
class ChartController;
class ChartPane;
class ChartUndo;
class ObjectTree;
class OrderFlowFeed;

class MainWindow final : public QMainWindow {
    Q_OBJECT
public:
    // `controller` is the first chart's (started); the window makes the other charts'
    // controllers from its options and services (the one market session of the process).
    MainWindow(ChartController& controller, AppSettings& settings, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens the series in the active chart (the charts of its link group follow the symbol, and
    // the timeframe when linkIntervals()).
    void openSeries(const QString& symbol, Interval interval);
    // Opens the series in `pane` (any venue's spelling of the symbol: the pane's venue's is used).
    void openSeriesIn(ChartPane* pane, const QString& symbol, Interval interval);
    // Compare (chart_compare.cpp): `text` (EXCHANGE:SYMBOL, or SYMBOL on the active chart's
    // venue) drawn on the active chart as a line on the percent scale; false, with the reason in
    // the status bar, when it does not parse or cannot be compared. The dialog asks for the text.
    bool addCompare(const QString& text);
    void openCompareDialog();

    // ---- workspace: layouts (tabs of charts), the active chart, detaching, link groups --------
    // "1", "2h" (side by side), "2v" (stacked), "3" (one left, two stacked right), "4" (2 × 2),
    // "6" (3 × 2), "8" (4 × 2).
    static QStringList layoutNames();
    static std::optional<int> layoutChartCount(const QString& name);
    // The smallest layout holding `charts` charts (1 → "1", 2 → "2h", 5 → "6"); nullopt above 8.
    static std::optional<QString> layoutFor(int charts);
    // The current tab's layout becomes `name`: its first charts stay, new ones open the active
    // chart's exchange, symbol and timeframe, the surplus ones close. False for an unknown name.
    bool applyLayout(const QString& name);
    QString layoutName() const;
    int layoutTabCount() const;
    int currentLayoutTab() const;
    void setCurrentLayoutTab(int index);
    // A new tab with one chart on the active chart's series; its index.
    int addLayoutTab();
    // False when it is the last tab (a window always has one).
    bool closeLayoutTab(int index);
    // The charts of a tab in layout order (-1: the current tab).
    std::vector<ChartPane*> panes(int tab = -1) const;
    ChartPane* activePane() const { return m_active; }
    // A `--replay` going back (ReplayPlayer::rewinding): every chart of every tab starts over
    // (ChartController::restartReplay; the compared symbols and the order flow with it) and so
    // does the realtime window (RealtimeWindow::startOver).
    void startReplayOver();
    // Bar Replay (View → Bar Replay; bar_replay_ui.hpp).
    BarReplayUi* barReplay() const { return m_barReplay; }
    ChartController& activeController() const;
    void setActivePane(ChartPane* pane);
    // The chart in a window of its own (several monitors); closing that window, or attachChart,
    // puts it back into its place in the layout.
    void detachChart(ChartPane* pane);
    void attachChart(ChartPane* pane);
    QWidget* detachedWindow(const ChartPane* pane) const;
    // Link groups: 0 none, 1..kLinkGroupCount colours. Linked charts always follow the symbol;
    // the timeframe while linkIntervals().
    void setLinkGroup(ChartPane* pane, int group);
    bool linkIntervals() const { return m_linkIntervals; }
    void setLinkIntervals(bool on);
    // Crosshair sync (Layout menu, on by default): the moment under the mouse is marked on every
    // chart of the tab, whatever its timeframe.
    bool syncCrosshair() const { return m_syncCrosshair; }
    void setSyncCrosshair(bool on);
    // The workspace as saved in the settings (JSON), and back. restoreWorkspace: false (nothing
    // changed) when none is saved or it does not parse; every chart then opens its series.
    QByteArray workspaceState() const;
    bool restoreWorkspace();
    bool restoreWorkspace(const QByteArray& state);
    void saveWorkspace();
    // The toolbar's exchange selector: makes `name` (exchange::adapterNames()) the venue, with its
    // endpoints from the settings (the demo: the simulator in its dialect), keeps the symbol when
    // the venue has it, and saves the choice. False (status bar says why) if it failed.
    bool switchExchange(const QString& name);
    // The same for any chart of the workspace.
    bool switchExchangeOf(ChartPane* pane, const QString& name);
    // The active chart's canvas.
    chart_qt::ChartCanvas* canvas() const { return m_canvas; }

    // ---- perpetual futures (perp_ui.cpp) ---------------------------------------------------
    // The toolbar's market selector (beside the exchange): Spot or Perpetual for the active
    // chart (ChartController::switchMarket; non-demo: Settings' endpoints of that market), saved as
    // the choice for the next start. False (the status bar says why, the selector goes back) if
    // the venue has no perpetuals or, in the demo, they are not simulated.
    bool switchMarket(MarketType market);
    bool switchMarketOf(ChartPane* pane, MarketType market);
    // View ▸ Perpetual: shows or hides a layer (PerpChart::kMark …) on every chart; saved.
    void setPerpLayerVisible(const QString& layer, bool visible);
    // The status bar's funding rate and countdown of the active chart (empty on spot).
    QString fundingStatusText() const;

    // Chart presentation; each is saved in the settings.
    void setChartType(chart::ChartType type);
    void setThemeName(const QString& name);            // "dark" | "light"; others are ignored
    bool setTimeZoneName(const QString& name);         // false (and unchanged) if unknown
    void setPriceScaleMode(chart::PriceScaleMode mode);
    void setPriceScaleInverted(bool inverted);
    void setVolumeVisible(bool visible);
    void setVolumeProfileVisible(bool visible);  // View ▸ Volume profile (visible range)
    // Order flow (OrderFlowFeed: the open symbol's trades and synced book): View ▸ Heatmap
    // (`--heatmap`), its colour scale, the big-trade threshold (quote value) and the footprint's
    // imbalance ratio. The streams are subscribed only while the heatmap is on or the chart type
    // is footprint; big trades are drawn then too. Saved in the settings.
    void setHeatmapVisible(bool visible);
    void setHeatmapLogScale(bool log);
    void setBigTradeMinValue(double value);
    void setImbalanceRatio(double ratio);
    const OrderFlowFeed* orderFlow() const;
    // The active chart (without toolbar and status bar) as a PNG; false if the file cannot be written.
    bool exportPng(const QString& path);
    // Sets the application palette to match a chart theme.
    static void applyPalette(bool dark);

    // ---- indicators (saved per symbol, whatever the timeframe) ----------------------------
    // Computing them is session::IndicatorSet's (Qt-free); the window adds the dialogs, the
    // chart's overlays and panes, and saving the specs in the settings.
    // Adds an indicator over the current series (several instances of one indicator are fine);
    // false when the spec does not create an indicator.
    bool addIndicator(const IndicatorSpec& spec);
    bool editIndicator(std::size_t index, const IndicatorSpec& spec);
    bool removeIndicator(std::size_t index);
    std::size_t indicatorCount() const;
    std::vector<IndicatorSpec> indicatorSpecs() const;
    // The computed indicator (rows index-aligned with the current series); nullptr if out of range.
    const indicators::Indicator* indicator(std::size_t index) const;
    // Chart ids: the overlay id (Overlay placement) or the pane id (Pane placement).
    std::uint64_t indicatorChartId(std::size_t index) const;
    void openAddIndicatorDialog();
    void openEditIndicatorDialog(std::size_t index);
    // Older history prepended to the series: the indicators recompute on a worker thread and the
    // result is applied only if the chart still shows the same series and indicators.
    bool indicatorRecomputeRunning() const;
    std::uint64_t backgroundIndicatorRecomputes() const;
    // Tests: runs on the worker thread before it computes (to hold a job while the chart changes).
    void setIndicatorJobHook(std::function<void()> hook);
    // Moves indicator `index` one place up (delta −1) or down (+1) in the list: its pane in the
    // stack, its row in the legend. False at either end.
    bool moveIndicator(std::size_t index, int delta);
    bool setIndicatorHidden(std::size_t index, bool hidden);
    // Replaces every indicator with these (undo / redo, delete all).
    void applyIndicatorSpecs(const std::vector<IndicatorSpec>& specs);
    // The indicator whose pane, or legend row over the candles, is under pos (canvas coordinates).
    std::optional<std::size_t> indicatorAt(QPointF pos) const;

    // ---- chart objects: menus, properties, undo, object tree (chart_context_menu.cpp,
    // object_tree.cpp) ------------------------------------------------------------------------
    // The context menu for a right click at pos (canvas coordinates): on a drawing, an indicator,
    // the price axis or the chart. Its actions have object names (tests trigger them).
    std::unique_ptr<QMenu> contextMenuAt(QPointF pos);
    // Entries other parts add to that menu (the alerts' "Add alert…", "Alert on cross"): called
    // with the menu being built and what was clicked — a drawing, or a price over the chart.
    struct ContextMenuTarget {
        std::optional<std::uint64_t> drawing;
        std::optional<double> price;  // on the tick grid
    };
    using ContextMenuExtension = std::function<void(QMenu& menu, const ContextMenuTarget& target)>;
    void addContextMenuExtension(ContextMenuExtension extension) { m_menuExtensions.push_back(std::move(extension)); }
    // A copy of the drawing a little to the right and below; its id.
    std::optional<std::uint64_t> cloneDrawing(std::uint64_t id);
    void openDrawingProperties(std::uint64_t id);
    void openStudyProperties(std::size_t index);
    // Every drawing and indicator removed, as one undo step.
    void deleteAllObjects();
    // Edit ▸ Copy chart image (Ctrl+Shift+C): the chart as an image on the clipboard.
    void copyChartImage();
    // What a user typed on the chart as a timeframe (chart_hotkeys.cpp): "15" (minutes, as on
    // TradingView: "60" is 1h, "240" 4h), "15m", "4h", "1d", "1w", "1M", "1s"; nullopt if none.
    static std::optional<Interval> typedInterval(const QString& typed);
    // The digits (and unit) typed on the chart so far, waiting for Enter; empty when none.
    QString typedTimeframe() const { return m_typed; }
    ChartUndo& undo() const { return *m_undo; }  // the active chart's
    ObjectTree* objectTree() const { return m_objectTree; }

signals:
    // Drawings or indicators were added, removed or changed, or another symbol's were loaded.
    void objectsChanged();
    // Another chart became the active one (the toolbar, menus and status bar now act on it).
    void activePaneChanged(cpc::app::ChartPane* pane);

protected:
    void closeEvent(QCloseEvent* event) override;
    // Typing on the chart (keys the canvas leaves alone reach the window): digits and a unit then
    // Enter switch the timeframe, a letter opens the symbol search with it (chart_hotkeys.cpp).
    void keyPressEvent(QKeyEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    // Moves and, if need be, shrinks the window (frame included) into its screen's available
    // area: a geometry saved on a larger screen or at another QT_SCALE_FACTOR stays reachable.
    void keepOnScreen();
    void buildMenus();
    void buildToolbar();
    void onSymbolChosen();
    void onIntervalChosen(int index);
    void refreshStatus();
    // "Binance · BTCUSDT 67,123.45 — CanvasProChart" (the locale's number format); called on every
    // price change, it formats and sets the title only when the venue, symbol or price changed.
    void refreshTitle();
    QString venueLabel() const;
    // The side toolbar's icons, drawn in the palette's text colour (again on a theme change).
    void refreshToolIcons();
    // The toolbar, the side bar and the menus show the active chart's state.
    void syncControls();
    void syncIntervalControls(Interval interval);
    void openSettings();
    void exportPngInteractive();
    void rebuildIndicatorMenu();
    // perp_ui.cpp: the market selector, View ▸ Perpetual, the status bar's funding label.
    void buildMarketBox(QToolBar* bar);
    void buildPerpMenu(QMenu* view);
    void buildPerpStatus();
    void wirePerpPane(ChartPane* pane);
    void syncPerpControls();
    void refreshFundingStatus();
    // A symbol typed with TradingView's perpetual suffix ("BTCUSDT.P") opens the perpetual; the
    // symbol without it. Anything else is returned as typed (the market unchanged).
    QString takeMarketSuffix(const QString& typed);

    // ---- workspace ------------------------------------------------------------------------
    // A chart's place in a layout: `host` holds the pane, or, while it is detached, a notice
    // with a button bringing it back.
    struct Cell {
        QWidget* host = nullptr;
        ChartPane* pane = nullptr;
        QWidget* window = nullptr;  // the pane's own window while detached
        QWidget* notice = nullptr;
    };
    struct LayoutTab {
        QString layout;
        QWidget* page = nullptr;        // the tab's widget
        QSplitter* root = nullptr;      // the layout's outer splitter
        std::vector<QSplitter*> splitters;  // root first, then the inner ones in layout order
        std::vector<Cell> cells;
        ChartPane* active = nullptr;    // the tab's active chart (the window's while shown)
    };
    // A chart on `exchange` (empty: the active chart's); null (the status bar says why) if its
    // controller cannot start.
    ChartPane* makePane(const QString& exchange);
    void wirePane(ChartPane* pane);
    // Removes the pane (its window too); the window's first chart is kept for reuse, not deleted.
    void releasePane(ChartPane* pane);
    // (Re)builds the tab's splitters for its layout with these panes (the count of the layout).
    void buildLayout(LayoutTab& tab, const std::vector<ChartPane*>& panes);
    LayoutTab* tabOf(const ChartPane* pane);
    Cell* cellOf(const ChartPane* pane);
    void refreshActiveMarks();
    // The pane's link group follows its symbol (and timeframe when linked).
    void followLinks(ChartPane* source);
    void onPaneChanged(ChartPane* pane);
    void syncObjects(ChartPane* source, const QString& pair);

    ChartController& m_primaryController;  // the first chart's (runApp's); never destroyed here
    AppSettings& m_settings;
    QTabWidget* m_tabs = nullptr;
    std::vector<LayoutTab> m_layouts;  // index-aligned with m_tabs
    ChartPane* m_active = nullptr;
    ChartPane* m_primaryPane = nullptr;     // the pane over m_primaryController
    bool m_primaryInUse = true;             // false: kept hidden until a new chart needs one
    bool m_linkIntervals = true;
    bool m_syncCrosshair = true;
    QAction* m_syncCrosshairAction = nullptr;
    bool m_following = false;               // followLinks / syncObjects: no echo
    bool m_restoring = false;               // restoreWorkspace: nothing saved half-way
    QUndoGroup* m_undoGroup = nullptr;
    QActionGroup* m_layoutGroup = nullptr;
    QActionGroup* m_linkGroup = nullptr;
    QAction* m_linkIntervalsAction = nullptr;
    QAction* m_detachAction = nullptr;
    // The active chart's (updated by setActivePane): the chart's code in the context menu, the
    // object tree and the hotkeys reads them.
    chart_qt::ChartCanvas* m_canvas = nullptr;
    ChartUndo* m_undo = nullptr;

    QComboBox* m_exchangeBox = nullptr;
    QComboBox* m_marketBox = nullptr;
    QLabel* m_fundingLabel = nullptr;
    std::map<QString, QAction*> m_perpLayerActions;
    QComboBox* m_symbolBox = nullptr;
    QComboBox* m_intervalBox = nullptr;
    QComboBox* m_chartTypeBox = nullptr;
    QActionGroup* m_favouriteGroup = nullptr;
    QActionGroup* m_toolGroup = nullptr;
    QAction* m_logAction = nullptr;
    QAction* m_percentAction = nullptr;
    QAction* m_autoAction = nullptr;
    QAction* m_deleteAction = nullptr;
    QToolBar* m_drawBar = nullptr;
    ObjectTree* m_objectTree = nullptr;
    QString m_typed;  // timeframe typed on the chart, until Enter or Escape
    QAction* m_volumeAction = nullptr;
    QAction* m_magnetAction = nullptr;
    QAction* m_volumeProfileAction = nullptr;
    QAction* m_heatmapAction = nullptr;
    QAction* m_heatmapLogAction = nullptr;
    QAction* m_lightAction = nullptr;
    QLabel* m_stateLabel = nullptr;
    QLabel* m_updateLabel = nullptr;
    QLabel* m_countLabel = nullptr;
    QLabel* m_zoneLabel = nullptr;
    QProgressBar* m_busy = nullptr;
    QMenu* m_indicatorMenu = nullptr;
    QMenu* m_viewMenu = nullptr;
    BarReplayUi* m_barReplay = nullptr;
    bool m_shownOnce = false;
    bool m_geometryRestored = false;  // from the settings (the default size is left alone)
    // What the title was made from: a tick that leaves them as they are costs no formatting.
    struct TitleSource {
        QString venue, symbol;
        std::optional<double> price;
        int decimals = 0;
        bool operator==(const TitleSource&) const = default;
    };
    std::optional<TitleSource> m_titleSource;
    std::vector<ContextMenuExtension> m_menuExtensions;
};

}  // namespace cpc::app
