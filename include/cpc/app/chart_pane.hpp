#pragma once
// One chart of the workspace: a ChartCanvas over its own ChartController (exchange, symbol,
// timeframe), with its chart type, indicators (session::IndicatorSet), drawings, undo history and
// order flow. Several panes share the process's market session through their controllers
// (ControllerOptions::services): no pane owns a connection. The window's toolbar, menus and status
// bar act on the active pane (MainWindow::activePane()); a pane keeps working (live candles,
// indicator recomputes, saving its objects) whether it is active, on a hidden tab or detached.
#include <QWidget>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "cpc/app/indicator_spec.hpp"
#include "cpc/chart/chart_model.hpp"
#include "cpc/core/interval.hpp"

class QPointF;

namespace cpc::chart_qt { class ChartCanvas; }
namespace cpc::indicators { class Indicator; }
namespace cpc::session { class IndicatorSet; }

namespace cpc::app {

class AppSettings;
class ChartCompare;
class ChartController;
class ChartUndo;
class OrderFlowFeed;
class PerpChart;

// Link groups (TradingView's coloured links): charts in one group follow each other's symbol and,
// if asked, timeframe. 0 is no group.
constexpr int kLinkGroupCount = 4;
// The group's colour (#rrggbb); group 0: none.
QString linkGroupColour(int group);

class ChartPane final : public QWidget {
    Q_OBJECT
public:
    // `controller` is the pane's; `owned` is set when the pane made it (every pane but the one
    // the window was made with) and is destroyed with the pane.
    ChartPane(ChartController& controller, std::unique_ptr<ChartController> owned, AppSettings& settings,
              QWidget* parent = nullptr);
    ~ChartPane() override;

    ChartController& controller() const { return m_controller; }
    chart_qt::ChartCanvas* canvas() const { return m_canvas; }
    ChartUndo& undo() const { return *m_undo; }
    const OrderFlowFeed* orderFlow() const { return m_orderFlow; }
    // The perpetual side of the chart (mark/index lines, funding, open interest, liquidations);
    // idle on a spot chart.
    PerpChart* perp() const { return m_perp; }
    // The symbols compared with this chart (Compare…: lines on the percent scale).
    ChartCompare& compare() const { return *m_compare; }

    // Marked with a coloured frame (the window's toolbar acts on it); `framed`: the layout has
    // more than one chart (a single chart needs no mark).
    void setActiveMark(bool active, bool framed);
    bool isActiveMarked() const { return m_active; }
    int linkGroup() const { return m_linkGroup; }
    void setLinkGroup(int group);

    // ---- presentation (the window saves the choices as the defaults of new charts) ----------
    void setChartType(chart::ChartType type);
    void setPriceScaleMode(chart::PriceScaleMode mode);
    void setPriceScaleInverted(bool inverted);
    void setVolumeVisible(bool visible);
    void setVolumeProfileVisible(bool visible);
    bool volumeProfileVisible() const { return m_volumeProfile; }
    void setHeatmapVisible(bool visible);
    bool heatmapVisible() const { return m_heatmap; }
    void setHeatmapLogScale(bool log);
    bool heatmapLogScale() const { return m_heatmapLog; }
    void setBigTradeMinValue(double value);
    void applyOrderFlowOptions();

    // Crosshair sync: another chart's mouse is at `timeMs` (nullopt: it left): this chart marks
    // the bar holding that moment (its vertical line and legend), at the height of the middle of
    // its candles. Ignored while the mouse is over this chart.
    void showSyncedCrosshair(std::optional<std::int64_t> timeMs);

    // The venue as the chart's legend names it: "Binance", in demo mode "Simulator (Binance)".
    QString venueLabel() const;
    bool historyLoading() const { return m_historyLoading; }

    // ---- indicators (saved per pair, whatever the timeframe) -----------------------------------
    bool addIndicator(const IndicatorSpec& spec);
    bool editIndicator(std::size_t index, const IndicatorSpec& spec);
    bool removeIndicator(std::size_t index);
    std::size_t indicatorCount() const { return m_shownIndicators.size(); }
    std::vector<IndicatorSpec> indicatorSpecs() const;
    const indicators::Indicator* indicator(std::size_t index) const;
    std::uint64_t indicatorChartId(std::size_t index) const;
    bool indicatorRecomputeRunning() const;
    std::uint64_t backgroundIndicatorRecomputes() const;
    void setIndicatorJobHook(std::function<void()> hook);
    bool moveIndicator(std::size_t index, int delta);
    bool setIndicatorHidden(std::size_t index, bool hidden);
    void applyIndicatorSpecs(const std::vector<IndicatorSpec>& specs);
    // Another pane of the same pair saved its objects: show them (not saved again, no undo step).
    void reloadObjects();
    // The pair whose drawings and indicators the pane shows (AppSettings::pairKey); empty before
    // the first series.
    QString objectsPair() const;

signals:
    // The pane was clicked or got the keyboard focus: the window makes it the active one.
    void activated(cpc::app::ChartPane* pane);
    // Another series is shown, its candles changed, or the feed's status changed.
    void chartChanged();
    void statusChanged();
    void symbolsChanged();
    void exchangeChanged();
    // Drawings or indicators were added, removed or changed, or another pair's were loaded.
    void objectsChanged();
    // The indicator list changed (the Indicators menu lists the active pane's).
    void indicatorsChanged();
    // Drawings or indicators of the pair were saved (other panes on the pair show them too).
    void objectsSaved(const QString& pair);
    // For the status bar (the window shows it while the pane is active, or always for failures).
    void message(const QString& text, int timeoutMs);
    void symbolAccepted(const QString& symbol);
    void contextMenuRequested(QPointF pos, QPoint globalPos);
    // The mouse is over the bar opening at `timeMs` (nullopt: off the bars or the chart).
    void crosshairTimeChanged(std::optional<std::int64_t> timeMs);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;

private:
    void rebindChart();
    void saveDrawings();
    void setHistoryLoading(bool loading);
    void syncOrderFlow(bool reopen);
    void attachIndicator(std::size_t index, std::optional<std::size_t> position = std::nullopt);
    void detachIndicator(std::size_t index);
    void keepPaneHeights();
    bool dataAvailable(const IndicatorSpec& spec) const;
    bool showsTradeCvd() const;  // a CVD from trades is among the indicators
    void pushTradeCvds();        // the footprint changed: every CVD from trades again
    void askNoteText(std::uint64_t id);
    void pushIndicator(std::size_t index, std::size_t fromRow);
    void loadIndicators(const QString& symbol);
    void showIndicatorSpecs(const std::vector<IndicatorSpec>& specs);  // not saved, no undo step
    void saveIndicators();

    std::unique_ptr<ChartController> m_ownedController;  // destroyed last (declared first)
    ChartController& m_controller;
    AppSettings& m_settings;
    chart_qt::ChartCanvas* m_canvas = nullptr;
    ChartUndo* m_undo = nullptr;
    OrderFlowFeed* m_orderFlow = nullptr;
    PerpChart* m_perp = nullptr;
    ChartCompare* m_compare = nullptr;  // child
    double m_orderFlowPrice = 0;  // the price the heatmap's rows were sized for (0: none yet)
    bool m_heatmap = false;
    bool m_heatmapLog = true;
    bool m_volumeProfile = false;
    bool m_active = false;
    bool m_framed = false;
    int m_linkGroup = 0;
    bool m_reloading = false;
    bool m_mouseInside = false;
    std::optional<std::int64_t> m_crosshairTime;  // last said by crosshairTimeChanged  // reloadObjects: the objects shown are saved already
    QString m_drawingsSymbol;    // whose drawings the chart shows
    QString m_indicatorsSymbol;  // whose indicators the chart shows
    struct ShownIndicator {
        IndicatorSpec spec;
        std::uint64_t chartId = 0;  // overlay or pane id
    };
    std::vector<ShownIndicator> m_shownIndicators;
    std::unique_ptr<session::IndicatorSet> m_indicatorSet;
    std::size_t m_countBeforeHistory = 0;
    bool m_historyLoading = false;
};

}  // namespace cpc::app
