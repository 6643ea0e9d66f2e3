#pragma once
// ChartCanvas: the candlestick chart widget. Input becomes ChartModel operations; painting is
// two layers (lightweight-charts' pane widget): a base image (grid, volume, candles, axes)
// rebuilt only when data or view changed, and an overlay (legend, last-price tag, crosshair)
// drawn over it every frame, so moving the mouse never redraws a candle. Any number of
// invalidations between two frames cost one paint (QWidget::update() coalesces). GUI thread only.
#include <QImage>
#include <QPointF>
#include <QString>
#include <QWidget>
#include <cstdint>
#include <memory>
#include <optional>

#include "cpc/chart/chart_model.hpp"
#include "cpc/chart/chart_views.hpp"
#include "cpc/chart/order_flow_view.hpp"
#include "cpc/chart/render_items.hpp"
#include "cpc/chart_qt/chart_theme.hpp"
#include "cpc/core/interval.hpp"

class QTimer;

namespace cpc::market {
class CandleSeries;
}

namespace cpc::chart_qt {

class QtTextMeasurer;

class ChartCanvas : public QWidget {
    Q_OBJECT

public:
    explicit ChartCanvas(QWidget* parent = nullptr);
    ~ChartCanvas() override;

    // Shows `series` (not owned; must outlive the canvas or be replaced; GUI thread only) and
    // resets the view to the live edge. nullptr shows the placeholder.
    void setSeries(const market::CandleSeries* series, Interval interval, int priceDecimals,
                   double tickSize = 0.0);  // see chart::ChartModel::setSeries
    // The series' data changed: Light invalidation, painted at the next frame.
    void seriesChanged();

    chart::ChartModel& model() { return m_model; }
    const chart::ChartModel& model() const { return m_model; }

    // Shown centred when there is nothing to draw, e.g. "Loading…". Default "No data".
    void setPlaceholderText(const QString& text);
    QString placeholderText() const { return m_placeholder; }

    // Visible-range volume profile over the candles (off by default); Light invalidation.
    void setVolumeProfileVisible(bool visible);
    bool volumeProfileVisible() const { return m_volumeProfile.enabled(); }
    const chart::VisibleVolumeProfile& volumeProfile() const { return m_volumeProfile; }

    // Order flow (heatmap, footprint cells, big trades) from the app's models (not owned; GUI
    // thread; they must outlive the canvas or be replaced by nullptr). orderFlowChanged(): the
    // models changed (new trades, a new book sample): Light invalidation.
    void setOrderFlowModels(const orderflow::FootprintSeries* footprint, const orderflow::BookHeatmap* heatmap,
                            const orderflow::BigTrades* bigTrades);
    void setOrderFlowOptions(const chart::OrderFlowOptions& options);
    const chart::OrderFlowOptions& orderFlowOptions() const { return m_orderFlow.options(); }
    void orderFlowChanged();

    void setTheme(const ChartTheme& theme);
    const ChartTheme& theme() const { return m_theme; }

    // The chart as it would be painted at `size` (logical px), for tests and screenshots.
    QImage renderToImage(QSize size, qreal devicePixelRatio = 1.0);

    // Drawing tool for the next clicks in the candle pane (nullopt: select / pan). A horizontal
    // line takes one click; the other tools take two (or press, drag, release).
    void setDrawingTool(std::optional<chart::DrawingKind> tool);
    std::optional<chart::DrawingKind> drawingTool() const { return m_tool; }

    // A drawing is being placed, moved or reshaped with the mouse: its drawingsChanged() notices
    // are steps of one gesture, which ends with drawingGestureFinished() (one undo step).
    bool drawingGestureActive() const;
    // The overlay (chart::Overlay::id) whose legend row is under pos, if any.
    std::optional<std::uint64_t> overlayLegendAt(QPointF pos) const;

    // How often the base layer was rebuilt (diagnostics; cursor moves must not increase it).
    std::uint64_t baseLayerBuilds() const { return m_baseBuilds; }

    QSize sizeHint() const override { return {900, 560}; }
    QSize minimumSizeHint() const override { return {240, 160}; }

signals:
    // The view reached the first loaded bars: load older history (see ChartModel).
    void historyNeeded();
    // The user added, moved or deleted a drawing.
    void drawingsChanged();
    // The drawing tool finished or was cancelled (toolbar buttons un-check).
    void drawingToolChanged();
    // A mouse gesture on drawings ended (see drawingGestureActive()).
    void drawingGestureFinished();
    // The selected drawing changed (a click, Delete, Escape, an undo).
    void selectionChanged();
    // Right click (or the menu key) at pos (widget coordinates); a drawing under it is selected
    // first, so the menu acts on what the user pointed at.
    void contextMenuRequested(QPointF pos, QPoint globalPos);
    // The user resized indicator panes by dragging a separator (on release).
    void paneHeightsChanged();
    // A text note was placed with the Text tool: the window asks for its words.
    void textDrawingPlaced(std::uint64_t id);
    // The price axis' autoscale was switched on or off (by the mouse or the model's setter).
    void autoScaleChanged(bool on);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    enum class Drag : unsigned char { None, Pan, PriceScale, TimeScale, MoveDrawing, MoveAnchor, NewDrawing, PaneSeparator, Measure };

    void renderBase(QPainter& painter, qreal dpr);
    void updateCursorShape(QPointF pos);
    double paneRightX() const;

    ChartTheme m_theme;
    // Declared before the model: the model (which points at it) is destroyed first.
    std::unique_ptr<QtTextMeasurer> m_measurer;
    chart::ChartModel m_model;
    chart::FrameItems m_frame;
    chart::VisibleVolumeProfile m_volumeProfile;
    chart::OrderFlowView m_orderFlow;
    chart::OverlayItems m_overlay;
    QImage m_base;  // the base layer, Format_RGB32 at the device pixel ratio
    QString m_placeholder;
    QTimer* m_clockTimer = nullptr;
    Drag m_drag = Drag::None;
    bool m_dragPricePan = false;  // panning from the candle pane with manual price scale
    QPointF m_dragLast;
    std::uint64_t m_baseBuilds = 0;
    std::optional<chart::DrawingKind> m_tool;
    std::optional<std::uint64_t> m_newDrawing;  // being placed: its second anchor follows the mouse
    bool m_placing = false;  // a two-anchor drawing is being added (before m_newDrawing is known)
    std::uint64_t m_dragDrawing = 0;
    int m_dragAnchor = 0;  // MoveAnchor: 0 = Drawing::a, 1 = Drawing::b
    std::size_t m_dragSeparator = 0;  // PaneSeparator: the extra pane below it
    bool m_autoScaleSeen = true;      // the model's autoscale at the last invalidation
};

}  // namespace cpc::chart_qt
