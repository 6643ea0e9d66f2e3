// Offscreen rendering tests of ChartCanvas: pixels, not pixel-perfect goldens. They check that
// each part of the chart shows up where it belongs, and that input drives the model.
#include <gtest/gtest.h>

#include <QApplication>
#include <QImage>
#include <QMouseEvent>
#include <QWheelEvent>
#include <cstdlib>
#include <functional>
#include <memory>

#include "cpc/chart/chart_views.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"
#include "synthetic_series.hpp"

namespace {

using cpc::Interval;
using cpc::chart::Invalidation;
using cpc::chart::Rect;
using cpc::chart_qt::ChartCanvas;
using cpc::chart_qt::ChartTheme;
using cpc::chart_qt::darkTheme;
namespace synth = cpc::chart::testing;

class QtEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
        m_app = std::make_unique<QApplication>(m_argc, m_argv);
    }
    void TearDown() override { m_app.reset(); }

private:
    int m_argc = 1;
    char m_name[16] = "chart_qt_tests";
    char* m_argv[2] = {m_name, nullptr};
    std::unique_ptr<QApplication> m_app;
};
[[maybe_unused]] const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new QtEnvironment);

QRect toQRect(const Rect& r) {
    return QRect(static_cast<int>(r.x), static_cast<int>(r.y), static_cast<int>(r.width),
                 static_cast<int>(r.height));
}

int countPixels(const QImage& image, const QRect& area, const std::function<bool(QRgb)>& pred) {
    int n = 0;
    const QRect r = area.intersected(image.rect());
    for (int y = r.top(); y <= r.bottom(); ++y) {
        const auto* line = reinterpret_cast<const QRgb*>(image.constScanLine(y));
        for (int x = r.left(); x <= r.right(); ++x)
            if (pred(line[x])) ++n;
    }
    return n;
}

int countColour(const QImage& image, const QRect& area, const QColor& colour) {
    const QRgb want = colour.rgb();
    return countPixels(image, area, [want](QRgb p) { return (p & 0xFFFFFFU) == (want & 0xFFFFFFU); });
}

bool nearColour(QRgb p, const QColor& c, int tolerance) {
    return std::abs(qRed(p) - c.red()) <= tolerance && std::abs(qGreen(p) - c.green()) <= tolerance &&
           std::abs(qBlue(p) - c.blue()) <= tolerance;
}

// Bright pixels: text on the dark background.
int countText(const QImage& image, const QRect& area) {
    return countPixels(image, area, [](QRgb p) { return qGray(p) > 90; });
}

class ChartCanvasTest : public ::testing::Test {
protected:
    void SetUp() override {
        series = synth::makeSeries(300);
        canvas = std::make_unique<ChartCanvas>();
        canvas->resize(900, 560);
        canvas->setSeries(&series, Interval::M1, 2);
    }

    QImage render() { return canvas->renderToImage(QSize(900, 560)).convertToFormat(QImage::Format_RGB32); }

    // Runs the widget's own paintEvent (base layer cache + overlay), as a frame on screen would.
    QImage paint() {
        QImage image(canvas->size(), QImage::Format_RGB32);
        canvas->render(&image);
        return image;
    }

    void sendMouseMove(QPointF pos) {
        QMouseEvent move(QEvent::MouseMove, pos, canvas->mapToGlobal(pos), Qt::NoButton,
                         Qt::NoButton, Qt::NoModifier);
        QCoreApplication::sendEvent(canvas.get(), &move);
    }

    cpc::market::CandleSeries series;
    std::unique_ptr<ChartCanvas> canvas;
    ChartTheme theme = darkTheme();
};

TEST_F(ChartCanvasTest, RendersRisingAndFallingCandlesInTheCandlePane) {
    const QImage image = render();
    const QRect pane = toQRect(canvas->model().layout().candlePane);
    EXPECT_GT(countColour(image, pane, theme.rising), 300);
    EXPECT_GT(countColour(image, pane, theme.falling), 300);
    if (const char* path = std::getenv("CPC_CHART_PREVIEW")) image.save(QString::fromLocal8Bit(path));
}

TEST_F(ChartCanvasTest, BackgroundDominatesAndCandlesStayOutOfTheAxes) {
    const QImage image = render();
    const auto& l = canvas->model().layout();
    const QRect pane = toQRect(l.candlePane);
    const int background = countColour(image, pane, theme.background);
    EXPECT_GT(background, pane.width() * pane.height() / 2);
    // Candle colours never leak into the axes (the last-price tag is the one filled box there).
    const QRect timeAxis = toQRect(l.timeAxis);
    EXPECT_EQ(countColour(image, timeAxis, theme.rising), 0);
    EXPECT_EQ(countColour(image, timeAxis, theme.falling), 0);
}

TEST_F(ChartCanvasTest, VolumeBarsFillTheBottomPane) {
    const QImage image = render();
    const auto& l = canvas->model().layout();
    ASSERT_TRUE(l.hasVolumePane());
    const QRect pane = toQRect(l.volumePane);
    EXPECT_NEAR(l.volumePane.height / (l.volumePane.bottom() - l.candlePane.top()), 0.2, 0.03);
    const int greenish = countPixels(image, pane, [](QRgb p) { return qGreen(p) > qRed(p) + 40; });
    const int reddish = countPixels(image, pane, [](QRgb p) { return qRed(p) > qGreen(p) + 40; });
    EXPECT_GT(greenish, 200);
    EXPECT_GT(reddish, 200);
}

TEST_F(ChartCanvasTest, AxesCarryText) {
    const QImage image = render();
    const auto& l = canvas->model().layout();
    EXPECT_GT(countText(image, toQRect(l.priceAxis)), 100);
    EXPECT_GT(countText(image, toQRect(l.timeAxis)), 60);
    EXPECT_GT(countText(image, toQRect(l.volumeAxis)), 10);
}

TEST_F(ChartCanvasTest, CandlesAreCrispAtDevicePixelRatioTwo) {
    const QImage image =
        canvas->renderToImage(QSize(900, 560), 2.0).convertToFormat(QImage::Format_RGB32);
    ASSERT_EQ(image.width(), 1800);
    const auto& pane = canvas->model().layout().candlePane;
    const QRect area(0, static_cast<int>(pane.y * 2 + 80), static_cast<int>(pane.width * 2) - 2,
                     static_cast<int>(pane.height * 2) - 100);
    const int exact = countColour(image, area, theme.rising) + countColour(image, area, theme.falling);
    // Antialiasing would leave half-tones of the candle colours at every body edge.
    const int blended = countPixels(image, area, [&](QRgb p) {
        const bool candleish = nearColour(p, theme.rising, 60) || nearColour(p, theme.falling, 60);
        return candleish && (p & 0xFFFFFFU) != (theme.rising.rgb() & 0xFFFFFFU) &&
               (p & 0xFFFFFFU) != (theme.falling.rgb() & 0xFFFFFFU);
    });
    EXPECT_GT(exact, 2000);
    EXPECT_LT(blended, exact / 50);
}

TEST_F(ChartCanvasTest, EmptySeriesShowsThePlaceholderInsteadOfCandles) {
    cpc::market::CandleSeries empty(cpc::SeriesKey{"binance", "ETHUSDT", Interval::M1});
    canvas->setSeries(&empty, Interval::M1, 2);
    canvas->setPlaceholderText(QStringLiteral("Loading…"));
    const QImage image = render();
    const auto& l = canvas->model().layout();
    const QRect plot = toQRect(l.plotArea());
    EXPECT_EQ(countColour(image, plot, theme.rising), 0);
    EXPECT_EQ(countColour(image, plot, theme.falling), 0);
    const QRect centre(plot.center().x() - 80, plot.center().y() - 15, 160, 30);
    EXPECT_GT(countText(image, centre), 20);
    // Nothing but the placeholder: the rest of the plot is background.
    const QRect topLeft(plot.left() + 5, plot.top() + 5, 200, 100);
    EXPECT_EQ(countColour(image, topLeft, theme.background), 200 * 100);
}

TEST_F(ChartCanvasTest, NullSeriesShowsThePlaceholder) {
    canvas->setSeries(nullptr, Interval::M1, 2);
    const QImage image = render();
    const QRect plot = toQRect(canvas->model().layout().plotArea());
    EXPECT_EQ(countColour(image, plot, theme.rising), 0);
    EXPECT_GT(countText(image, QRect(plot.center().x() - 80, plot.center().y() - 15, 160, 30)), 20);
}

TEST_F(ChartCanvasTest, MouseMoveShowsTheCrosshairWithoutRebuildingTheBase) {
    const QImage before = paint();
    const auto builds = canvas->baseLayerBuilds();
    ASSERT_GE(builds, 1U);
    ASSERT_EQ(canvas->model().pendingInvalidation(), Invalidation::None);

    const auto& l = canvas->model().layout();
    const QPointF pos(l.candlePane.width * 0.4, l.candlePane.height * 0.5);
    sendMouseMove(pos);
    EXPECT_EQ(canvas->model().pendingInvalidation(), Invalidation::Cursor);
    ASSERT_TRUE(canvas->model().crosshair().has_value());
    const QImage after = paint();
    EXPECT_EQ(canvas->baseLayerBuilds(), builds);  // overlay only
    if (const char* path = std::getenv("CPC_CHART_PREVIEW_CROSSHAIR"))
        after.save(QString::fromLocal8Bit(path));

    // A dashed vertical line through the snapped bar and a horizontal line at the cursor.
    const auto snappedX = static_cast<int>(std::lround(
        canvas->model().timeScale().indexToX(static_cast<double>(canvas->model().timeScale().xToIndex(pos.x())))));
    const QRect row(0, static_cast<int>(std::lround(pos.y())), static_cast<int>(l.candlePane.width), 1);
    const QRect column(snappedX, 0, 1, static_cast<int>(l.volumePane.bottom()));
    EXPECT_GT(countColour(after, row, theme.crosshair), 200);
    EXPECT_GT(countColour(after, column, theme.crosshair), 100);
    EXPECT_EQ(countColour(before, row, theme.crosshair), 0);
    // Price and time labels appear on the axes.
    const QRect priceTag(static_cast<int>(l.priceAxis.x), static_cast<int>(pos.y()) - 3,
                         static_cast<int>(l.priceAxis.width), 6);
    EXPECT_GT(countColour(after, priceTag, theme.crosshairLabel), 50);
    EXPECT_GT(countColour(after, toQRect(l.timeAxis), theme.crosshairLabel), 200);

    QEvent leave(QEvent::Leave);
    QCoreApplication::sendEvent(canvas.get(), &leave);
    EXPECT_FALSE(canvas->model().crosshair().has_value());
    EXPECT_EQ(countColour(paint(), row, theme.crosshair), 0);
    EXPECT_EQ(canvas->baseLayerBuilds(), builds);
}

TEST_F(ChartCanvasTest, HoveringACandleUpdatesTheLegend) {
    const auto& l = canvas->model().layout();
    const QRect legend(0, 0, static_cast<int>(l.candlePane.width), 22);
    const QImage last = render();
    sendMouseMove(QPointF(l.candlePane.width * 0.3, l.candlePane.height * 0.6));
    const auto hovered = canvas->model().hoveredIndex();
    ASSERT_TRUE(hovered.has_value());
    EXPECT_LT(*hovered, series.size() - 1);
    EXPECT_NE(last.copy(legend), render().copy(legend));
}

TEST_F(ChartCanvasTest, WheelZoomsAroundTheHoveredBar) {
    paint();
    const auto& ts = canvas->model().timeScale();
    const QPointF pos(canvas->model().layout().candlePane.width * 0.35, 200);
    sendMouseMove(pos);
    const auto barBefore = ts.xToIndex(pos.x());
    const double spacingBefore = ts.barSpacing();

    QWheelEvent zoomIn(pos, canvas->mapToGlobal(pos), QPoint(), QPoint(0, 120), Qt::NoButton,
                       Qt::NoModifier, Qt::NoScrollPhase, false);
    QCoreApplication::sendEvent(canvas.get(), &zoomIn);
    EXPECT_GT(ts.barSpacing(), spacingBefore);
    EXPECT_EQ(ts.xToIndex(pos.x()), barBefore);
    EXPECT_EQ(canvas->model().pendingInvalidation(), Invalidation::Light);

    QWheelEvent zoomOut(pos, canvas->mapToGlobal(pos), QPoint(), QPoint(0, -360), Qt::NoButton,
                        Qt::NoModifier, Qt::NoScrollPhase, false);
    QCoreApplication::sendEvent(canvas.get(), &zoomOut);
    EXPECT_LT(ts.barSpacing(), spacingBefore);
    EXPECT_EQ(ts.xToIndex(pos.x()), barBefore);
}

TEST_F(ChartCanvasTest, DragPansAndDoubleClickReturnsToTheLiveEdge) {
    const auto& ts = canvas->model().timeScale();
    ASSERT_TRUE(ts.isAtLiveEdge());
    const QPointF start(400, 200);
    const QPointF end(700, 230);
    QMouseEvent press(QEvent::MouseButtonPress, start, canvas->mapToGlobal(start), Qt::LeftButton,
                      Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(canvas.get(), &press);
    QMouseEvent move(QEvent::MouseMove, end, canvas->mapToGlobal(end), Qt::NoButton, Qt::LeftButton,
                     Qt::NoModifier);
    QCoreApplication::sendEvent(canvas.get(), &move);
    QMouseEvent release(QEvent::MouseButtonRelease, end, canvas->mapToGlobal(end), Qt::LeftButton,
                        Qt::NoButton, Qt::NoModifier);
    QCoreApplication::sendEvent(canvas.get(), &release);
    // 300 px to the right at 8 px per bar: the view moved ~37 bars into the past.
    EXPECT_NEAR(ts.rightOffset(), cpc::chart::TimeScale::kDefaultRightOffset - 300.0 / 8.0, 1e-6);
    EXPECT_FALSE(ts.isAtLiveEdge());
    EXPECT_TRUE(canvas->model().autoScale());  // horizontal pan keeps autoscale

    QMouseEvent dbl(QEvent::MouseButtonDblClick, end, canvas->mapToGlobal(end), Qt::LeftButton,
                    Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(canvas.get(), &dbl);
    EXPECT_TRUE(ts.isAtLiveEdge());
    EXPECT_DOUBLE_EQ(ts.rightOffset(), cpc::chart::TimeScale::kDefaultRightOffset);
}

TEST_F(ChartCanvasTest, SeriesChangedRequestsOneLightRepaintAndShowsTheNewBar) {
    paint();
    const auto builds = canvas->baseLayerBuilds();
    synth::Walk walk(series.last()->close.toDouble());
    for (int i = 0; i < 3; ++i) {
        series.upsert(walk.next(cpc::nextBucketStart(Interval::M1, series.last()->openTime)));
        canvas->seriesChanged();
    }
    EXPECT_EQ(canvas->model().pendingInvalidation(), Invalidation::Light);
    EXPECT_EQ(canvas->model().timeScale().barCount(), 303U);
    paint();
    EXPECT_EQ(canvas->baseLayerBuilds(), builds + 1);
    EXPECT_EQ(canvas->model().pendingInvalidation(), Invalidation::None);
}

TEST_F(ChartCanvasTest, KeyboardZoomsAndScrolls) {
    const auto& ts = canvas->model().timeScale();
    const double spacing = ts.barSpacing();
    QKeyEvent plus(QEvent::KeyPress, Qt::Key_Plus, Qt::NoModifier, QStringLiteral("+"));
    QCoreApplication::sendEvent(canvas.get(), &plus);
    EXPECT_GT(ts.barSpacing(), spacing);
    QKeyEvent left(QEvent::KeyPress, Qt::Key_Left, Qt::NoModifier);
    QCoreApplication::sendEvent(canvas.get(), &left);
    EXPECT_FALSE(ts.isAtLiveEdge());
    QKeyEvent end(QEvent::KeyPress, Qt::Key_End, Qt::NoModifier);
    QCoreApplication::sendEvent(canvas.get(), &end);
    EXPECT_TRUE(ts.isAtLiveEdge());
}

TEST_F(ChartCanvasTest, ZoomedFarOutDrawsPixelColumns) {
    auto big = synth::makeSeries(6000);
    canvas->setSeries(&big, Interval::M1, 2);
    canvas->model().setBarSpacing(0.25);
    const QImage image = render();
    const QRect pane = toQRect(canvas->model().layout().candlePane);
    EXPECT_GT(countColour(image, pane, theme.rising) + countColour(image, pane, theme.falling), 2000);
    cpc::chart::FrameItems frame;
    cpc::chart::buildFrame(canvas->model(), frame);
    EXPECT_TRUE(frame.pixelColumns);
    EXPECT_LE(frame.candles.size(), static_cast<std::size_t>(pane.width() + 1));
}

}  // namespace

namespace {

void sendDrag(QWidget* w, QPointF from, QPointF to) {
    QMouseEvent press(QEvent::MouseButtonPress, from, w->mapToGlobal(from), Qt::LeftButton, Qt::LeftButton,
                      Qt::NoModifier);
    QCoreApplication::sendEvent(w, &press);
    // Two steps, as a real drag sends many moves.
    const QPointF mid = (from + to) / 2;
    for (const QPointF p : {mid, to}) {
        QMouseEvent move(QEvent::MouseMove, p, w->mapToGlobal(p), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(w, &move);
    }
    QMouseEvent release(QEvent::MouseButtonRelease, to, w->mapToGlobal(to), Qt::LeftButton, Qt::NoButton,
                        Qt::NoModifier);
    QCoreApplication::sendEvent(w, &release);
}

}  // namespace

TEST_F(ChartCanvasTest, DraggingAnEndPointMovesOnlyThatAnchorOfATrendLine) {
    using cpc::chart::Drawing;
    using cpc::chart::DrawingKind;
    auto& model = canvas->model();
    paint();  // lays the chart out
    const auto bars = model.candles();
    const auto at = [&](std::size_t i) {
        return cpc::chart::DrawingAnchor{bars[i].openTime, bars[i].close.toDouble()};
    };
    const std::uint64_t id = model.addDrawing(Drawing{0, DrawingKind::TrendLine, at(220), at(260)});
    const Drawing before = model.drawings().front();
    int changes = 0;
    QObject::connect(canvas.get(), &ChartCanvas::drawingsChanged, [&] { ++changes; });
    paint();

    // Grab the second end point (2 px off, within the handle) and drag it 5 bars left, 40 px up.
    const QPointF end(model.timeToX(before.b.timeMs) + 2, model.priceScale().priceToY(before.b.price) - 1);
    const QPointF target(model.timeToX(bars[255].openTime), end.y() - 40);
    sendDrag(canvas.get(), end, target);
    ASSERT_EQ(model.drawings().size(), 1U);
    const Drawing after = model.drawings().front();
    EXPECT_EQ(after.a, before.a) << "the other end point stays where it was";
    EXPECT_EQ(after.b.timeMs, bars[255].openTime);
    EXPECT_NEAR(after.b.price, model.priceScale().yToPrice(target.y()), 1e-9);
    EXPECT_EQ(model.selectedDrawing(), std::optional<std::uint64_t>(id));
    EXPECT_GT(changes, 0);

    // Grabbing the middle of the line still moves the whole drawing.
    const QPointF middle((model.timeToX(after.a.timeMs) + model.timeToX(after.b.timeMs)) / 2,
                         (model.priceScale().priceToY(after.a.price) + model.priceScale().priceToY(after.b.price)) / 2);
    sendDrag(canvas.get(), middle, middle + QPointF(0, 30));
    const Drawing moved = model.drawings().front();
    EXPECT_EQ(moved.a.timeMs, after.a.timeMs);
    EXPECT_EQ(moved.b.timeMs, after.b.timeMs);
    EXPECT_LT(moved.a.price, after.a.price);  // 30 px down: both ends lower
    EXPECT_LT(moved.b.price, after.b.price);

    // The first end point can be dragged too, and a horizontal line has no separate anchors.
    const QPointF start(model.timeToX(moved.a.timeMs), model.priceScale().priceToY(moved.a.price));
    sendDrag(canvas.get(), start, QPointF(model.timeToX(bars[200].openTime), start.y() + 25));
    EXPECT_EQ(model.drawings().front().a.timeMs, bars[200].openTime);
    EXPECT_EQ(model.drawings().front().b, moved.b);
    model.addDrawing(Drawing{0, DrawingKind::HorizontalLine, at(100), {}});
    paint();
    const auto& hline = model.drawings().back();
    EXPECT_FALSE(model.drawingAnchorAt({model.timeToX(hline.a.timeMs), model.priceScale().priceToY(hline.a.price)}) &&
                 model.drawingAnchorAt({model.timeToX(hline.a.timeMs), model.priceScale().priceToY(hline.a.price)})->id ==
                     hline.id);
}
