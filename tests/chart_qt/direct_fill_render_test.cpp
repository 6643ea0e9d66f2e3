// The renderers write opaque rectangles straight into a 32-bit QImage when the painter paints
// 1:1 into one (chart_renderers.cpp, RectFill); otherwise they go through QPainter::drawRects.
// These tests draw the same base layer both ways — a painter clipped to the whole image takes the
// QPainter path — and require every pixel to be equal: candles, bars, hollow candles, pixel
// columns, volume, grid, borders, stacked panes, both themes, device pixel ratio 1, 1.5 and 2.
// The QApplication comes from chart_canvas_test.cpp's global environment.
#include <gtest/gtest.h>

#include <QImage>
#include <QPainter>
#include <cmath>
#include <ostream>
#include <string>

#include "cpc/chart/chart_model.hpp"
#include "cpc/chart/chart_views.hpp"
#include "cpc/chart_qt/chart_renderers.hpp"
#include "cpc/chart_qt/chart_theme.hpp"
#include "cpc/chart_qt/qt_text_measurer.hpp"
#include "synthetic_series.hpp"

namespace {

using cpc::Interval;
using cpc::chart::ChartType;
namespace synth = cpc::chart::testing;

struct FillCase {
    ChartType type;
    double barSpacing;  // < 1: one column per pixel
    bool light;
    double dpr;
    bool pane;  // a stacked indicator pane with a histogram
};

std::string caseName(const ::testing::TestParamInfo<FillCase>& info) {
    const FillCase& c = info.param;
    std::string name = c.type == ChartType::Candles ? "Candles" : c.type == ChartType::Bars ? "Bars" : "Hollow";
    name += c.barSpacing < 1.0 ? "Columns" : "Spacing" + std::to_string(static_cast<int>(c.barSpacing));
    name += c.light ? "Light" : "Dark";
    name += "Dpr" + std::to_string(static_cast<int>(c.dpr * 10));
    if (c.pane) name += "Pane";
    return name;
}

void PrintTo(const FillCase& c, std::ostream* os) {
    *os << "type " << static_cast<int>(c.type) << ", bar spacing " << c.barSpacing << (c.light ? ", light" : ", dark")
        << ", dpr " << c.dpr << (c.pane ? ", with a pane" : "");
}

// Draws the base layer of `model` into a fresh image; `viaPainter` clips the painter to the whole
// image first, which makes the renderers use QPainter for every rectangle.
QImage drawBaseLayer(const cpc::chart::FrameItems& frame, const cpc::chart_qt::ChartTheme& theme, QSize size,
                     double dpr, QImage::Format format, bool viaPainter) {
    QImage image(static_cast<int>(size.width() * dpr), static_cast<int>(size.height() * dpr), format);
    image.setDevicePixelRatio(dpr);
    image.fill(Qt::magenta);  // anything left unpainted shows
    QPainter p(&image);
    if (viaPainter) p.setClipRect(QRectF(0, 0, size.width(), size.height()));
    cpc::chart_qt::drawBase(p, frame, theme, dpr);
    p.end();
    return image.convertToFormat(QImage::Format_RGB32);
}

int differingPixels(const QImage& a, const QImage& b) {
    if (a.size() != b.size()) return -1;
    int n = 0;
    for (int y = 0; y < a.height(); ++y) {
        const auto* la = reinterpret_cast<const QRgb*>(a.constScanLine(y));
        const auto* lb = reinterpret_cast<const QRgb*>(b.constScanLine(y));
        for (int x = 0; x < a.width(); ++x)
            if (la[x] != lb[x]) ++n;
    }
    return n;
}

class DirectFill : public ::testing::TestWithParam<FillCase> {};

TEST_P(DirectFill, DrawsExactlyWhatQPainterDraws) {
    const FillCase c = GetParam();
    const QSize size(640, 420);
    auto series = synth::makeSeries(3000);
    const cpc::chart_qt::ChartTheme theme = c.light ? cpc::chart_qt::lightTheme() : cpc::chart_qt::darkTheme();
    cpc::chart_qt::QtTextMeasurer measurer(theme.font, theme.boldFont);
    cpc::chart::ChartModel model;
    model.setTextMeasurer(&measurer);
    model.setViewportSize(size.width(), size.height());
    model.setSeries(&series, Interval::M1, 2);
    model.setChartType(c.type);
    if (c.pane) {
        cpc::chart::PaneSeries histogram;
        histogram.kind = cpc::chart::PaneSeriesKind::Histogram;
        histogram.rgba = 0x2962ffffU;
        for (std::size_t i = 0; i < series.size(); ++i)
            histogram.values.push_back(std::sin(static_cast<double>(i) * 0.05) * 10.0);
        ASSERT_TRUE(model.setPaneSeries(model.addPane("Histogram"), {std::move(histogram)}));
    }
    model.prepareFrame(model.takeInvalidation());
    model.setBarSpacing(c.barSpacing);
    model.scrollToLiveEdge();
    model.prepareFrame(model.takeInvalidation());
    cpc::chart::FrameItems frame;
    cpc::chart::buildFrame(model, frame);
    ASSERT_TRUE(frame.hasData);
    ASSERT_EQ(frame.pixelColumns, c.barSpacing < 1.0);
    ASSERT_FALSE(frame.candles.empty());
    ASSERT_FALSE(frame.volumes.empty());

    for (const QImage::Format format :
         {QImage::Format_RGB32, QImage::Format_ARGB32_Premultiplied, QImage::Format_ARGB32}) {
        const QImage direct = drawBaseLayer(frame, theme, size, c.dpr, format, false);
        const QImage painted = drawBaseLayer(frame, theme, size, c.dpr, format, true);
        EXPECT_EQ(differingPixels(direct, painted), 0) << "format " << format;
        // Nothing left unpainted, and the candles are there.
        int unpainted = 0;
        int candlePixels = 0;
        for (int y = 0; y < direct.height(); ++y)
            for (int x = 0; x < direct.width(); ++x) {
                const QRgb px = direct.pixel(x, y);
                if (px == QColor(Qt::magenta).rgb()) ++unpainted;
                if (px == theme.rising.rgb() || px == theme.falling.rgb()) ++candlePixels;
            }
        EXPECT_EQ(unpainted, 0);
        EXPECT_GT(candlePixels, 500);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DirectFill,
    ::testing::Values(FillCase{ChartType::Candles, 6.0, false, 1.0, false},
                      FillCase{ChartType::Candles, 6.0, true, 2.0, true},
                      FillCase{ChartType::Candles, 0.3, false, 1.0, false},
                      FillCase{ChartType::Candles, 0.3, true, 1.5, false},
                      FillCase{ChartType::Candles, 0.3, false, 2.0, true},
                      FillCase{ChartType::Candles, 2.0, false, 1.5, true},
                      FillCase{ChartType::Bars, 9.0, false, 1.0, false},
                      FillCase{ChartType::HollowCandles, 12.0, true, 2.0, false},
                      FillCase{ChartType::HollowCandles, 12.0, false, 1.5, false}),
    caseName);

}  // namespace
