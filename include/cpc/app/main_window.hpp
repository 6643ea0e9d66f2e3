#pragma once
// The main window: a top toolbar (exchange, symbol search, timeframes, chart type, indicators),
// a side toolbar of icons at the chart's left edge (drawing tools, price scales, volume,
// screenshot, realtime window), the chart, a status bar (connection, venue, last update, history
// loading), and a title naming venue, symbol and last price.
#include <QMainWindow>
#include <QPointer>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "cpc/app/indicator_spec.hpp"

#include "cpc/chart/chart_model.hpp"
#include "cpc/core/interval.hpp"

class QAction;
class QActionGroup;
class QComboBox;
class QLabel;
class QMenu;
class QProgressBar;
class QToolBar;
class QPointF;

namespace cpc::chart_qt { class ChartCanvas; }
namespace cpc::indicators { class Indicator; }
namespace cpc::session { class IndicatorSet; }

namespace cpc::app {

class AppSettings;
class ChartController;
class ChartUndo;
class ObjectTree;
class OrderFlowFeed;

class MainWindow final : public QMainWindow {
    Q_OBJECT
public:
    MainWindow(ChartController& controller, AppSettings& settings, QWidget* parent = nullptr);
    ~MainWindow() override;

    void openSeries(const QString& symbol, Interval interval);
    // The toolbar's exchange selector: makes `name` (exchange::adapterNames()) the venue, with its
    // endpoints from the settings (the demo: the simulator in its dialect), keeps the symbol when
    // the venue has it, and saves the choice. False (status bar says why) if it failed.
    bool switchExchange(const QString& name);
    chart_qt::ChartCanvas* canvas() const { return m_canvas; }

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
    const OrderFlowFeed* orderFlow() const { return m_orderFlow; }
    // The chart (without toolbar and status bar) as a PNG; false if the file cannot be written.
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
    std::size_t indicatorCount() const { return m_shownIndicators.size(); }
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
    ChartUndo& undo() const { return *m_undo; }
    ObjectTree* objectTree() const { return m_objectTree; }

signals:
    // Drawings or indicators were added, removed or changed, or another symbol's were loaded.
    void objectsChanged();

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
    // The venue as the chart's legend names it: "Binance", in demo mode "Simulator (Binance)".
    QString venueLabel() const;
    // The side toolbar's icons, drawn in the palette's text colour (again on a theme change).
    void refreshToolIcons();
    void rebindChart();
    void syncIntervalControls(Interval interval);
    void openSettings();
    void exportPngInteractive();
    void saveDrawings();
    void setHistoryLoading(bool loading);
    // Indicator `index` of the set on the chart: its overlay or pane (position: where it goes,
    // nullopt = last; an edit keeps its place), and its rows from `fromRow` on.
    void attachIndicator(std::size_t index, std::optional<std::size_t> position = std::nullopt);
    void detachIndicator(std::size_t index);
    // After the user resized panes: their heights go into the specs and are saved.
    void keepPaneHeights();
    // Whether the shown venue's klines carry what the study reads (CVD: the taker buy volume).
    bool dataAvailable(const IndicatorSpec& spec) const;
    // Asks for the words of a note just placed with the Text tool (Cancel keeps "Text").
    void askNoteText(std::uint64_t id);
    void pushIndicator(std::size_t index, std::size_t fromRow);
    void loadIndicators(const QString& symbol);
    void showIndicatorSpecs(const std::vector<IndicatorSpec>& specs);  // not saved, no undo step
    void saveIndicators();
    void rebuildIndicatorMenu();

    ChartController& m_controller;
    AppSettings& m_settings;
    chart_qt::ChartCanvas* m_canvas = nullptr;
    QComboBox* m_exchangeBox = nullptr;
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
    ChartUndo* m_undo = nullptr;
    ObjectTree* m_objectTree = nullptr;
    QString m_typed;  // timeframe typed on the chart, until Enter or Escape
    QAction* m_volumeAction = nullptr;
    QAction* m_magnetAction = nullptr;
    QAction* m_volumeProfileAction = nullptr;
    QAction* m_heatmapAction = nullptr;
    QAction* m_heatmapLogAction = nullptr;
    OrderFlowFeed* m_orderFlow = nullptr;
    double m_orderFlowPrice = 0;  // the price the heatmap's rows were sized for (0: none yet)
    // Opens, reopens (another series) or closes the order flow as the view needs it.
    void syncOrderFlow(bool reopen);
    void applyOrderFlowOptions();
    QAction* m_lightAction = nullptr;
    QLabel* m_stateLabel = nullptr;
    QLabel* m_updateLabel = nullptr;
    QLabel* m_countLabel = nullptr;
    QLabel* m_zoneLabel = nullptr;
    QProgressBar* m_busy = nullptr;
    QString m_drawingsSymbol;       // whose drawings the chart shows
    QString m_indicatorsSymbol;     // whose indicators the chart shows
    // What the user chose for each indicator and where the chart draws it, index-aligned with
    // the set's indicators.
    struct ShownIndicator {
        IndicatorSpec spec;
        std::uint64_t chartId = 0;  // overlay or pane id
    };
    std::vector<ShownIndicator> m_shownIndicators;
    std::unique_ptr<session::IndicatorSet> m_indicatorSet;
    QMenu* m_indicatorMenu = nullptr;
    std::size_t m_countBeforeHistory = 0;
    bool m_historyLoading = false;
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
