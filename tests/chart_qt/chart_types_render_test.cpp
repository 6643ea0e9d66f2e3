// Offscreen pixels for every chart type in both themes, stacked panes, drawings by mouse, the
// history request and QTimeZone offsets (issue 5). The QApplication comes from
// chart_canvas_test.cpp's global environment.
#include <gtest/gtest.h>

#include <QCoreApplication>
#include <QImage>
#include <QKeyEvent>
#include <QMouseEvent>
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>

#include "cpc/chart/chart_views.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"
#include "cpc/chart_qt/chart_theme.hpp"
#include "cpc/chart_qt/time_zone.hpp"
#include "synthetic_series.hpp"

namespace {

using cpc::Interval;
using cpc::chart::ChartType;
using cpc::chart_qt::ChartCanvas;
using cpc::chart_qt::ChartTheme;
namespace synth = cpc::chart::testing;

QRect toQRect(const cpc::chart::Rect& r) {
    return QRect(static_cast<int>(r.x), static_cast<int>(r.y), static_cast<int>(r.width), static_cast<int>(r.height));
}

int count(const QImage& image, const QRect& area, const std::function<bool(QRgb)>& pred) {
    int n = 0;
    const QRect r = area.intersected(image.rect());
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x)
            if (pred(image.pixel(x, y))) ++n;
    return n;
}

bool near(QRgb p, const QColor& c, int tol = 10) {
    return std::abs(qRed(p) - c.red()) <= tol && std::abs(qGreen(p) - c.green()) <= tol &&
           std::abs(qBlue(p) - c.blue()) <= tol;
}

struct Case {
    ChartType type;
    bool light;
};

class ChartTypeRender : public ::testing::TestWithParam<Case> {};

TEST_P(ChartTypeRender, DrawsTheSeriesInTheThemeColours) {
    const Case c = GetParam();
    auto series = synth::makeSeries(300);
    ChartCanvas canvas;
    const ChartTheme theme = c.light ? cpc::chart_qt::lightTheme() : cpc::chart_qt::darkTheme();
    canvas.setTheme(theme);
    canvas.resize(900, 560);
    canvas.setSeries(&series, Interval::M1, 2);
    canvas.model().setChartType(c.type);
    const QImage image = canvas.renderToImage(QSize(900, 560)).convertToFormat(QImage::Format_RGB32);
    const QRect pane = toQRect(canvas.model().layout().candlePane);
    const std::string name(cpc::chart::toString(c.type));
    // The background is the theme's.
    EXPECT_GT(count(image, pane, [&](QRgb p) { return near(p, theme.background, 2); }), pane.width() * pane.height() / 3)
        << name;
    const int rising = count(image, pane, [&](QRgb p) { return near(p, theme.rising); });
    const int falling = count(image, pane, [&](QRgb p) { return near(p, theme.falling); });
    const int line = count(image, pane, [&](QRgb p) { return near(p, theme.line, 40); });
    switch (c.type) {
    case ChartType::Candles:
    case ChartType::HeikinAshi:
    case ChartType::Footprint:  // without order-flow data: the candles (full width below 24 px bars)
        EXPECT_GT(rising, 800) << name;
        EXPECT_GT(falling, 800) << name;
        break;
    case ChartType::HollowCandles: {
        // Rising bodies are outlines: far fewer rising pixels than filled candles have.
        canvas.model().setChartType(ChartType::Candles);
        const QImage filled = canvas.renderToImage(QSize(900, 560)).convertToFormat(QImage::Format_RGB32);
        const int filledRising = count(filled, pane, [&](QRgb p) { return near(p, theme.rising); });
        EXPECT_GT(rising, 200) << name;
        EXPECT_LT(rising, filledRising * 3 / 4) << name;
        EXPECT_GT(falling, 800) << name;
        break;
    }
    case ChartType::Bars:
        EXPECT_GT(rising, 300) << name;
        EXPECT_GT(falling, 300) << name;
        break;
    case ChartType::Line:
    case ChartType::Area:
    {
        EXPECT_GT(line, 600) << name;
        // Only the legend and the last-price line use the candle colours now.
        canvas.model().setChartType(ChartType::Candles);
        const QImage candles = canvas.renderToImage(QSize(900, 560)).convertToFormat(QImage::Format_RGB32);
        const int candlePixels = count(candles, pane, [&](QRgb p) { return near(p, theme.rising) || near(p, theme.falling); });
        EXPECT_LT((rising + falling) * 5, candlePixels) << name << ": candles drawn under a line chart";
        canvas.model().setChartType(c.type);
        break;
    }
    case ChartType::Baseline:
        EXPECT_GT(rising + falling, 400) << name;
        break;
    }
    if (c.type == ChartType::Area) {
        // The gradient tints the pane below the line: fewer exact background pixels than a line chart.
        canvas.model().setChartType(ChartType::Line);
        const QImage plain = canvas.renderToImage(QSize(900, 560)).convertToFormat(QImage::Format_RGB32);
        const auto bg = [&](QRgb p) { return near(p, theme.background, 2); };
        EXPECT_LT(count(image, pane, bg), count(plain, pane, bg) - 20000);
    }
}

std::string caseName(const ::testing::TestParamInfo<Case>& info) {
    std::string n(cpc::chart::toString(info.param.type));
    for (char& ch : n)
        if (ch == '-') ch = '_';
    return n + (info.param.light ? "_light" : "_dark");
}

std::vector<Case> allCases() {
    std::vector<Case> out;
    for (const ChartType t : cpc::chart::kAllChartTypes) {
        out.push_back({t, false});
        out.push_back({t, true});
    }
    return out;
}

INSTANTIATE_TEST_SUITE_P(AllTypesBothThemes, ChartTypeRender, ::testing::ValuesIn(allCases()), caseName);

TEST(ChartThemes, NamesSelectThemesAndUnknownNamesAreRefused) {
    ASSERT_TRUE(cpc::chart_qt::themeByName("light"));
    EXPECT_FALSE(cpc::chart_qt::themeByName("light")->dark);
    EXPECT_TRUE(cpc::chart_qt::themeByName("dark")->dark);
    EXPECT_FALSE(cpc::chart_qt::themeByName("solarized"));
}

TEST(ChartPanes, IndicatorPaneLinesAndHistogramsArePainted) {
    auto series = synth::makeSeries(300);
    ChartCanvas canvas;
    canvas.resize(900, 700);
    canvas.setSeries(&series, Interval::M1, 2);
    const auto id = canvas.model().addPane("RSI");
    std::vector<double> v(series.size(), std::numeric_limits<double>::quiet_NaN());
    for (std::size_t i = 20; i < v.size(); ++i) v[i] = 50 + 25 * std::sin(static_cast<double>(i) / 6.0);
    canvas.model().setPaneSeries(id, {cpc::chart::PaneSeries{"RSI", cpc::chart::PaneSeriesKind::Line, 0xffeb3bffU, v}});
    const QImage image = canvas.renderToImage(QSize(900, 700)).convertToFormat(QImage::Format_RGB32);
    ASSERT_EQ(canvas.model().layout().extraPanes.size(), 1U);
    const QRect pane = toQRect(canvas.model().layout().extraPanes[0]);
    EXPECT_GT(count(image, pane, [](QRgb p) { return near(p, QColor(0xff, 0xeb, 0x3b), 40); }), 400);
    // Nothing yellow outside the pane.
    const QRect candles = toQRect(canvas.model().layout().candlePane);
    EXPECT_EQ(count(image, candles, [](QRgb p) { return near(p, QColor(0xff, 0xeb, 0x3b), 20); }), 0);
}

TEST(ChartOverlays, DisplacedValuesArePaintedInTheFutureSlotsPastTheNewestCandle) {
    // A study displaced +26 (Ichimoku's senkou spans): its column runs 26 slots past the newest
    // candle, and scrolled into the future those slots are painted right of the last candle.
    auto series = synth::makeSeries(300);
    ChartCanvas canvas;
    canvas.resize(900, 560);
    canvas.setSeries(&series, Interval::M1, 2);
    const std::size_t n = series.size();
    std::vector<double> span(n + 26, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t i = 0; i < span.size(); ++i) {
        const std::size_t from = std::min(i, n - 1);  // near the price: a lagged close
        span[i] = series[from >= 26 ? from - 26 : 0].close.toDouble();
    }
    auto& model = canvas.model();
    const auto id = model.addOverlay("SPAN", {cpc::chart::PaneSeries{"span", cpc::chart::PaneSeriesKind::Line, 0xff00ffffU, span}});
    model.scrollBy(-40 * model.timeScale().barSpacing());
    const QColor magenta(0xff, 0x00, 0xff);
    const auto futureMagenta = [&] {
        const QImage image = canvas.renderToImage(QSize(900, 560)).convertToFormat(QImage::Format_RGB32);
        const auto& l = model.layout();
        const double lastX = l.candlePane.x + model.timeScale().indexToX(static_cast<double>(n - 1));
        QRect future = toQRect(l.candlePane);
        future.setLeft(static_cast<int>(std::ceil(lastX)) + 2);
        return count(image, future, [&](QRgb p) { return near(p, magenta, 40); });
    };
    ASSERT_GE(model.timeScale().rightOffset(), 27.0);
    const int painted = futureMagenta();
    // 26 slots of 8 px: a line at least that long.
    EXPECT_GT(painted, 150);
    // The same study cut at the newest candle paints nothing there.
    span.resize(n);
    model.setOverlaySeries(id, {cpc::chart::PaneSeries{"span", cpc::chart::PaneSeriesKind::Line, 0xff00ffffU, span}});
    EXPECT_EQ(futureMagenta(), 0);
}

class CanvasInput : public ::testing::Test {
protected:
    void SetUp() override {
        series = synth::makeSeries(400);
        canvas.resize(900, 560);
        canvas.setSeries(&series, Interval::M1, 2);
        canvas.show();
        canvas.renderToImage(QSize(900, 560));
    }
    void click(QPointF pos) {
        QMouseEvent press(QEvent::MouseButtonPress, pos, canvas.mapToGlobal(pos), Qt::LeftButton, Qt::LeftButton,
                          Qt::NoModifier);
        QCoreApplication::sendEvent(&canvas, &press);
        QMouseEvent release(QEvent::MouseButtonRelease, pos, canvas.mapToGlobal(pos), Qt::LeftButton, Qt::NoButton,
                            Qt::NoModifier);
        QCoreApplication::sendEvent(&canvas, &release);
    }
    void move(QPointF pos) {
        QMouseEvent m(QEvent::MouseMove, pos, canvas.mapToGlobal(pos), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&canvas, &m);
    }
    void key(int k) {
        QKeyEvent e(QEvent::KeyPress, k, Qt::NoModifier);
        QCoreApplication::sendEvent(&canvas, &e);
    }
    cpc::market::CandleSeries series;
    ChartCanvas canvas;
};

TEST_F(CanvasInput, TwoClicksPlaceATrendLineAndDeleteRemovesIt) {
    int changed = 0;
    QObject::connect(&canvas, &ChartCanvas::drawingsChanged, &canvas, [&] { ++changed; });
    canvas.setDrawingTool(cpc::chart::DrawingKind::TrendLine);
    click({300, 150});
    move({600, 300});
    click({600, 300});
    ASSERT_EQ(canvas.model().drawings().size(), 1U);
    EXPECT_FALSE(canvas.drawingTool()) << "the tool stays armed after the drawing is complete";
    const auto d = canvas.model().drawings()[0];
    EXPECT_NEAR(canvas.model().priceScale().priceToY(d.b.price), 300, 1e-6);
    EXPECT_GE(changed, 2);
    // Drag it by its middle.
    const QPointF mid(450, 225);
    QMouseEvent press(QEvent::MouseButtonPress, mid, canvas.mapToGlobal(mid), Qt::LeftButton, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&canvas, &press);
    QMouseEvent drag(QEvent::MouseMove, mid + QPointF(0, 40), canvas.mapToGlobal(mid + QPointF(0, 40)), Qt::NoButton,
                     Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&canvas, &drag);
    QMouseEvent release(QEvent::MouseButtonRelease, mid + QPointF(0, 40), canvas.mapToGlobal(mid + QPointF(0, 40)),
                        Qt::LeftButton, Qt::NoButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&canvas, &release);
    EXPECT_NEAR(canvas.model().priceScale().priceToY(canvas.model().drawings()[0].b.price), 340, 1e-6);
    key(Qt::Key_Delete);
    EXPECT_TRUE(canvas.model().drawings().empty());
}

TEST_F(CanvasInput, HorizontalLineNeedsOneClickAndEscapeCancelsATool) {
    canvas.setDrawingTool(cpc::chart::DrawingKind::HorizontalLine);
    click({400, 200});
    ASSERT_EQ(canvas.model().drawings().size(), 1U);
    canvas.setDrawingTool(cpc::chart::DrawingKind::Rectangle);
    click({200, 100});
    key(Qt::Key_Escape);
    EXPECT_EQ(canvas.model().drawings().size(), 1U) << "a half-placed rectangle survived Esc";
    EXPECT_FALSE(canvas.drawingTool());
}

TEST_F(CanvasInput, HomeKeyAsksForOlderHistory) {
    int history = 0;
    QObject::connect(&canvas, &ChartCanvas::historyNeeded, &canvas, [&] { ++history; });
    key(Qt::Key_End);
    QCoreApplication::processEvents();
    EXPECT_EQ(history, 0);
    key(Qt::Key_Home);
    QCoreApplication::processEvents();
    EXPECT_EQ(history, 1);
}

TEST(TimeZones, BerlinOffsetSwitchesAtTheDstTransition) {
    const auto berlin = cpc::chart_qt::timeZoneOffset("Europe/Berlin");
    ASSERT_TRUE(berlin && *berlin);
    constexpr std::int64_t kChange = 1'729'990'800'000;  // 2024-10-27T01:00:00Z
    EXPECT_EQ((*berlin)(kChange - 1), 2 * 3'600'000);
    EXPECT_EQ((*berlin)(kChange), 3'600'000);
    const auto ny = cpc::chart_qt::timeZoneOffset("America/New_York");
    ASSERT_TRUE(ny);
    EXPECT_EQ((*ny)(1'705'276'800'000), -5 * 3'600'000);  // January: EST
    const auto utc = cpc::chart_qt::timeZoneOffset("UTC");
    ASSERT_TRUE(utc);
    EXPECT_FALSE(*utc) << "UTC needs no offset function";
    EXPECT_TRUE(cpc::chart_qt::timeZoneOffset("local"));
    EXPECT_FALSE(cpc::chart_qt::timeZoneOffset("Mars/Olympus_Mons"));
    EXPECT_TRUE(cpc::chart_qt::timeZoneNames().contains("Europe/Berlin"));
}

}  // namespace
