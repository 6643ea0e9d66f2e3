#include "cpc/chart_qt/chart_canvas.hpp"

#include <QContextMenuEvent>
#include <QHideEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QShowEvent>
#include <QTimer>
#include <QWheelEvent>
#include <cmath>

#include "cpc/chart/chart_views.hpp"
#include "cpc/chart_qt/chart_renderers.hpp"
#include "cpc/chart_qt/chart_text.hpp"
#include "cpc/chart_qt/qt_text_measurer.hpp"

namespace cpc::chart_qt {

using chart::ChartRegion;
using chart::Invalidation;
using chart::Point;

namespace {
constexpr double kWheelNotch = 120.0;
constexpr double kZoomPerNotch = 1.18;
constexpr double kKeyZoom = 1.25;
constexpr double kAxisDragSensitivity = 0.005;  // exp(px · this) per pixel dragged
constexpr int kClockTickMs = 250;               // countdown redraws when its second changes

Point toPoint(QPointF p) { return Point{p.x(), p.y()}; }
}  // namespace

ChartCanvas::ChartCanvas(QWidget* parent)
    : QWidget(parent), m_theme(darkTheme()), m_placeholder(tr("No data")) {
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setCursor(Qt::CrossCursor);
    m_measurer = std::make_unique<QtTextMeasurer>(m_theme.font, m_theme.boldFont);
    m_model.setTextMeasurer(m_measurer.get());
    m_model.setTextLocale(chartTextLocale());  // the interface language, installed before any window
    m_model.setInvalidateHandler([this](Invalidation) {
        update();
        // A drag on the price axis turns autoscale off, a double-click on it on again: the
        // toolbar's and the menu's switches follow.
        if (m_model.autoScale() != m_autoScaleSeen) {
            m_autoScaleSeen = m_model.autoScale();
            emit autoScaleChanged(m_autoScaleSeen);
        }
    });
    // Queued: the request comes from inside a scroll or zoom; the receiver may reset the series.
    m_model.setHistoryNeededHandler(
        [this] { QMetaObject::invokeMethod(this, &ChartCanvas::historyNeeded, Qt::QueuedConnection); });
    m_model.setDrawingsChangedHandler([this] { emit drawingsChanged(); });
    m_model.setSelectionChangedHandler([this] { emit selectionChanged(); });
    m_model.setViewportSize(width(), height());

    m_clockTimer = new QTimer(this);
    m_clockTimer->setInterval(kClockTickMs);
    connect(m_clockTimer, &QTimer::timeout, this, [this] { m_model.clockTick(); });
}

ChartCanvas::~ChartCanvas() {
    // The model must not call back into a half-destroyed widget. No relayout here: the series
    // the model points at may already be gone (it belongs to the caller).
    m_model.setInvalidateHandler({});
    m_model.setHistoryNeededHandler({});
    m_model.setDrawingsChangedHandler({});
    m_model.setSelectionChangedHandler({});
}

bool ChartCanvas::drawingGestureActive() const {
    return m_placing || m_newDrawing.has_value() || m_drag == Drag::MoveDrawing || m_drag == Drag::MoveAnchor;
}

std::optional<std::uint64_t> ChartCanvas::overlayLegendAt(QPointF pos) const {
    chart::OverlayItems overlay;
    chart::buildOverlay(m_model, overlay);
    for (const auto& row : overlay.overlayLegendRows)
        if (row.box.contains(toPoint(pos))) return row.overlayId;
    return std::nullopt;
}

void ChartCanvas::contextMenuEvent(QContextMenuEvent* event) {
    const QPointF pos = event->pos();
    if (m_tool || m_newDrawing) setDrawingTool(std::nullopt);  // right click cancels a tool, as Esc
    if (m_model.regionAt(toPoint(pos)) == ChartRegion::CandlePane) {
        if (const auto hit = m_model.drawingAt(toPoint(pos))) m_model.selectDrawing(hit);
    }
    emit contextMenuRequested(pos, event->globalPos());
    event->accept();
}

void ChartCanvas::setDrawingTool(std::optional<chart::DrawingKind> tool) {
    if (m_newDrawing) {  // abandon a half-placed drawing
        m_model.removeDrawing(*m_newDrawing);
        m_newDrawing.reset();
        emit drawingGestureFinished();
    }
    m_tool = tool;
    if (m_drag == Drag::NewDrawing) m_drag = Drag::None;
    setCursor(Qt::CrossCursor);
    emit drawingToolChanged();
}

void ChartCanvas::setSeries(const market::CandleSeries* series, Interval interval,
                            int priceDecimals, double tickSize) {
    m_model.setSeries(series, interval, priceDecimals, tickSize);
}

void ChartCanvas::seriesChanged() { m_model.seriesChanged(); }

void ChartCanvas::setPlaceholderText(const QString& text) {
    if (text == m_placeholder) return;
    m_placeholder = text;
    if (!m_model.hasData()) m_model.invalidate(Invalidation::Light);
}

void ChartCanvas::setTheme(const ChartTheme& theme) {
    m_theme = theme;
    m_measurer = std::make_unique<QtTextMeasurer>(m_theme.font, m_theme.boldFont);
    m_model.setTextMeasurer(m_measurer.get());  // Full invalidation
}

void ChartCanvas::setVolumeProfileVisible(bool visible) {
    if (visible == m_volumeProfile.enabled()) return;
    m_volumeProfile.setEnabled(visible);
    m_model.invalidate(Invalidation::Light);
}

void ChartCanvas::setOrderFlowModels(const orderflow::FootprintSeries* footprint,
                                     const orderflow::BookHeatmap* heatmap, const orderflow::BigTrades* bigTrades) {
    m_orderFlow.setModels(footprint, heatmap, bigTrades);
    m_model.invalidate(Invalidation::Light);
}

void ChartCanvas::setOrderFlowOptions(const chart::OrderFlowOptions& options) {
    m_orderFlow.setOptions(options);
    m_model.invalidate(Invalidation::Light);
}

void ChartCanvas::orderFlowChanged() { m_model.invalidate(Invalidation::Light); }

void ChartCanvas::renderBase(QPainter& painter, qreal dpr) {
    chart::buildFrame(m_model, m_frame);
    m_volumeProfile.build(m_model, m_frame);
    m_orderFlow.build(m_model, m_frame);
    drawBase(painter, m_frame, m_theme, dpr);
    if (!m_frame.hasData) drawPlaceholder(painter, m_frame.layout, m_placeholder, m_theme);
}

void ChartCanvas::paintEvent(QPaintEvent*) {
    const qreal dpr = devicePixelRatioF();
    // A hidden widget gets its resize event only when shown; paint at the size we really have.
    m_model.setViewportSize(width(), height());
    Invalidation level = m_model.takeInvalidation();
    const QSize pixels(static_cast<int>(std::ceil(width() * dpr)),
                       static_cast<int>(std::ceil(height() * dpr)));
    if (m_base.isNull() || m_base.size() != pixels || m_base.devicePixelRatio() != dpr)
        level = chart::mergeInvalidation(level, Invalidation::Full);
    m_model.prepareFrame(level);
    if (level >= Invalidation::Light) {
        // A QImage (not a QPixmap): the renderers fill its rectangles straight into its memory.
        // RGB32 like a raster QPixmap, so blitting it to the window is a plain copy.
        if (m_base.size() != pixels) m_base = QImage(pixels, QImage::Format_RGB32);
        m_base.setDevicePixelRatio(dpr);
        QPainter base(&m_base);
        renderBase(base, dpr);
        ++m_baseBuilds;
    }
    QPainter painter(this);
    painter.drawImage(0, 0, m_base);
    chart::buildOverlay(m_model, m_overlay);
    drawOverlay(painter, m_overlay, m_model.layout(), m_theme, dpr);
}

QImage ChartCanvas::renderToImage(QSize size, qreal devicePixelRatio) {
    const qreal dpr = devicePixelRatio > 0 ? devicePixelRatio : 1.0;
    m_model.setViewportSize(size.width(), size.height());
    m_model.prepareFrame(Invalidation::Full);

    QImage image(static_cast<int>(std::ceil(size.width() * dpr)),
                 static_cast<int>(std::ceil(size.height() * dpr)),
                 QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(dpr);
    {
        QPainter painter(&image);
        chart::FrameItems frame;
        chart::buildFrame(m_model, frame);
        m_volumeProfile.build(m_model, frame);
        m_orderFlow.build(m_model, frame);
        drawBase(painter, frame, m_theme, dpr);
        if (!frame.hasData) drawPlaceholder(painter, frame.layout, m_placeholder, m_theme);
        chart::OverlayItems overlay;
        chart::buildOverlay(m_model, overlay);
        drawOverlay(painter, overlay, m_model.layout(), m_theme, dpr);
    }
    // Back to the widget's own geometry; its next paint rebuilds everything.
    m_model.setViewportSize(width(), height());
    return image;
}

void ChartCanvas::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    m_model.setViewportSize(width(), height());
}

void ChartCanvas::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    // A new device pixel ratio is noticed by paintEvent (the cached layer no longer matches).
    if (event->type() == QEvent::StyleChange)
        m_model.invalidate(Invalidation::Full);
}

void ChartCanvas::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    m_clockTimer->start();  // the countdown ticks only while someone can see it
    m_model.clockTick();
}

void ChartCanvas::hideEvent(QHideEvent* event) {
    QWidget::hideEvent(event);
    m_clockTimer->stop();
}

double ChartCanvas::paneRightX() const { return m_model.layout().candlePane.right(); }

void ChartCanvas::updateCursorShape(QPointF pos) {
    if (m_drag == Drag::Pan) {
        setCursor(Qt::ClosedHandCursor);
        return;
    }
    if (m_drag == Drag::PaneSeparator || (!m_tool && !m_newDrawing && m_model.paneSeparatorAt(toPoint(pos)))) {
        setCursor(Qt::SplitVCursor);  // the line between two panes can be dragged
        return;
    }
    switch (m_model.regionAt(toPoint(pos))) {
    case ChartRegion::PriceAxis:
    case ChartRegion::VolumeAxis: setCursor(Qt::SizeVerCursor); break;
    case ChartRegion::TimeAxis: setCursor(Qt::SizeHorCursor); break;
    case ChartRegion::CandlePane:
        // Over a drawing's end point: it can be dragged on its own.
        setCursor(!m_tool && m_model.drawingAnchorAt(toPoint(pos)) ? Qt::SizeAllCursor : Qt::CrossCursor);
        break;
    default: setCursor(Qt::CrossCursor); break;
    }
}

void ChartCanvas::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) {
        QWidget::mousePressEvent(event);
        return;
    }
    const QPointF pos = event->position();
    const ChartRegion region = m_model.regionAt(toPoint(pos));
    m_drag = Drag::None;
    // A click ends the last measure (it stays on screen after Shift+drag until then, to be read).
    m_model.setMeasure(std::nullopt);
    if (region == ChartRegion::CandlePane && !m_tool && !m_newDrawing && (event->modifiers() & Qt::ShiftModifier)) {
        // Shift+drag measures price change, bars and time, as on TradingView.
        const chart::DrawingAnchor at = m_model.anchorAt(toPoint(pos));
        m_model.setMeasure(chart::ChartModel::Measure{at, at});
        m_drag = Drag::Measure;
        m_dragLast = pos;
        event->accept();
        return;
    }
    if (!m_tool && !m_newDrawing) {
        if (const auto separator = m_model.paneSeparatorAt(toPoint(pos))) {
            m_drag = Drag::PaneSeparator;
            m_dragSeparator = *separator;
            m_dragLast = pos;
            updateCursorShape(pos);
            event->accept();
            return;
        }
    }
    if (region == ChartRegion::CandlePane && m_newDrawing) {
        // Second click: the drawing is complete.
        m_newDrawing.reset();
        m_tool.reset();
        emit drawingToolChanged();
        emit drawingGestureFinished();
        event->accept();
        return;
    }
    if (region == ChartRegion::CandlePane && m_tool) {
        const chart::DrawingAnchor at = m_model.anchorAt(toPoint(pos));
        m_placing = chart::anchorCount(*m_tool) > 1;
        const std::uint64_t id = m_model.addDrawing(m_model.newDrawing(*m_tool, at));
        m_placing = false;
        m_model.selectDrawing(id);
        if (chart::anchorCount(*m_tool) == 1) {
            const bool text = *m_tool == chart::DrawingKind::Text;
            m_tool.reset();
            emit drawingToolChanged();
            if (text) emit textDrawingPlaced(id);
        } else {
            m_newDrawing = id;
            m_drag = Drag::NewDrawing;
        }
        m_dragLast = pos;
        event->accept();
        return;
    }
    if (region == ChartRegion::CandlePane) {
        // An end point or corner under the mouse: drag just that anchor.
        if (const auto anchor = m_model.drawingAnchorAt(toPoint(pos))) {
            m_model.selectDrawing(anchor->id);
            m_drag = Drag::MoveAnchor;
            m_dragDrawing = anchor->id;
            m_dragAnchor = anchor->anchor;
            m_dragLast = pos;
            event->accept();
            return;
        }
        const auto hit = m_model.drawingAt(toPoint(pos));
        m_model.selectDrawing(hit);
        if (hit) {
            m_drag = Drag::MoveDrawing;
            m_dragDrawing = *hit;
            m_dragLast = pos;
            event->accept();
            return;
        }
    }
    switch (region) {
    case ChartRegion::CandlePane:
    case ChartRegion::VolumePane:
    case ChartRegion::ExtraPane:
        m_drag = Drag::Pan;
        m_dragPricePan = region == ChartRegion::CandlePane;
        break;
    case ChartRegion::PriceAxis: m_drag = Drag::PriceScale; break;
    case ChartRegion::TimeAxis: m_drag = Drag::TimeScale; break;
    default: break;
    }
    m_dragLast = pos;
    updateCursorShape(pos);
    event->accept();
}

void ChartCanvas::mouseMoveEvent(QMouseEvent* event) {
    const QPointF pos = event->position();
    const QPointF delta = pos - m_dragLast;
    switch (m_drag) {
    case Drag::Pan:
        if (delta.x() != 0.0) m_model.scrollBy(delta.x());
        // With autoscale on, the price range follows the data; once the user has scaled the
        // price axis by hand, vertical drags pan it.
        if (m_dragPricePan && !m_model.autoScale() && delta.y() != 0.0) m_model.panPrice(delta.y());
        break;
    case Drag::PriceScale:
        // Down widens the range (squeezes the candles), up narrows it.
        if (delta.y() != 0.0) m_model.scalePrice(std::exp(delta.y() * kAxisDragSensitivity));
        break;
    case Drag::TimeScale:
        // Right widens the bars; anchored at the right edge so the live edge stays put.
        if (delta.x() != 0.0) m_model.zoom(paneRightX(), std::exp(delta.x() * kAxisDragSensitivity));
        break;
    case Drag::MoveDrawing:
        if (delta.x() != 0.0 || delta.y() != 0.0) m_model.moveDrawing(m_dragDrawing, delta.x(), delta.y());
        break;
    case Drag::MoveAnchor:
        if (delta.x() != 0.0 || delta.y() != 0.0) m_model.moveDrawingAnchor(m_dragDrawing, m_dragAnchor, toPoint(pos));
        break;
    case Drag::PaneSeparator:
        if (delta.y() != 0.0) m_model.dragPaneSeparator(m_dragSeparator, pos.y());
        break;
    case Drag::Measure:
        if (const auto& measure = m_model.measure())
            m_model.setMeasure(chart::ChartModel::Measure{measure->from, m_model.anchorAt(toPoint(pos))});
        break;
    case Drag::NewDrawing: break;
    case Drag::None: break;
    }
    if (m_newDrawing) {
        // The second anchor follows the mouse until the second click (or the release of a drag).
        for (chart::Drawing d : m_model.drawings())
            if (d.id == *m_newDrawing) {
                d.b = m_model.anchorAt(toPoint(pos));
                m_model.updateDrawing(d);
                break;
            }
    }
    m_dragLast = pos;
    m_model.setCrosshair(toPoint(pos));
    if (m_drag == Drag::None) updateCursorShape(pos);
    event->accept();
}

void ChartCanvas::mouseReleaseEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton) {
        if (m_drag == Drag::NewDrawing && m_newDrawing) {
            // Press-drag-release places a drawing in one gesture; a plain click waits for a
            // second click.
            for (const chart::Drawing& d : m_model.drawings())
                if (d.id == *m_newDrawing && d.a != d.b) {
                    m_newDrawing.reset();
                    m_tool.reset();
                    emit drawingToolChanged();
                    break;
                }
        }
        const bool gesture = m_drag == Drag::MoveDrawing || m_drag == Drag::MoveAnchor ||
                             (m_drag == Drag::NewDrawing && !m_newDrawing);
        const bool resized = m_drag == Drag::PaneSeparator;
        m_drag = Drag::None;
        if (gesture) emit drawingGestureFinished();
        if (resized) emit paneHeightsChanged();
        updateCursorShape(event->position());
    }
    event->accept();
}

void ChartCanvas::mouseDoubleClickEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return;
    switch (m_model.regionAt(toPoint(event->position()))) {
    case ChartRegion::PriceAxis:
    case ChartRegion::VolumeAxis: m_model.setAutoScale(true); break;
    case ChartRegion::TimeAxis: m_model.resetView(); break;
    default:
        m_model.scrollToLiveEdge();
        m_model.setAutoScale(true);
        break;
    }
    event->accept();
}

void ChartCanvas::wheelEvent(QWheelEvent* event) {
    const QPoint angle = event->angleDelta();
    const QPointF pos = event->position();
    const bool horizontal =
        (event->modifiers() & Qt::ShiftModifier) || std::abs(angle.x()) > std::abs(angle.y());
    if (horizontal) {
        const int steps = angle.x() != 0 ? angle.x() : angle.y();
        // One notch scrolls five bars.
        m_model.scrollBy(steps / kWheelNotch * 5.0 * m_model.timeScale().barSpacing());
    } else if (angle.y() != 0) {
        const ChartRegion region = m_model.regionAt(toPoint(pos));
        const bool overPane = region == ChartRegion::CandlePane || region == ChartRegion::VolumePane;
        const double anchor = overPane ? pos.x() : paneRightX();
        m_model.zoom(anchor, std::pow(kZoomPerNotch, angle.y() / kWheelNotch));
    }
    event->accept();
}

void ChartCanvas::leaveEvent(QEvent* event) {
    QWidget::leaveEvent(event);
    if (m_drag == Drag::None) m_model.clearCrosshair();
}

void ChartCanvas::keyPressEvent(QKeyEvent* event) {
    const double step = m_model.layout().candlePane.width / 8.0;
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal: m_model.zoom(paneRightX(), kKeyZoom); break;
    case Qt::Key_Minus: m_model.zoom(paneRightX(), 1.0 / kKeyZoom); break;
    case Qt::Key_Left: m_model.scrollBy(step); break;
    case Qt::Key_Right: m_model.scrollBy(-step); break;
    case Qt::Key_Home: m_model.scrollToFirstBar(); break;
    case Qt::Key_End: m_model.scrollToLiveEdge(); break;
    case Qt::Key_Delete:
    case Qt::Key_Backspace:
        if (const auto id = m_model.selectedDrawing()) m_model.removeDrawing(*id);
        else {
            QWidget::keyPressEvent(event);  // nothing to delete: the window's (a typed timeframe)
            return;
        }
        break;
    case Qt::Key_Escape:
        if (m_model.measure()) m_model.setMeasure(std::nullopt);
        else if (m_tool || m_newDrawing) setDrawingTool(std::nullopt);
        else if (m_model.selectedDrawing()) m_model.selectDrawing(std::nullopt);
        else {
            QWidget::keyPressEvent(event);
            return;
        }
        break;
    default: QWidget::keyPressEvent(event); return;
    }
    event->accept();
}

}  // namespace cpc::chart_qt
