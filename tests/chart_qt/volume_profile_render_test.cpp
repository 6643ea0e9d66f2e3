// Offscreen pixels of the visible-range volume profile in both themes: the histogram paints from
// the right edge of the candle pane in the theme's translucent colours, behind the candles, and
// turning it off restores the chart exactly. The QApplication comes from chart_canvas_test.cpp's
// global environment.
#include <gtest/gtest.h>

#include <QImage>
#include <cmath>
#include <functional>

#include "cpc/chart_qt/chart_canvas.hpp"
#include "cpc/chart_qt/chart_theme.hpp"
#include "synthetic_series.hpp"

namespace {

using cpc::Interval;
using cpc::chart_qt::ChartCanvas;
using cpc::chart_qt::ChartTheme;
namespace synth = cpc::chart::testing;

int countWhere(const QRect& area, const std::function<bool(int, int)>& pred) {
    int n = 0;
    for (int y = area.top(); y <= area.bottom(); ++y)
        for (int x = area.left(); x <= area.right(); ++x)
            if (pred(x, y)) ++n;
    return n;
}

// `colour` (translucent) painted over `background`.
QColor over(const QColor& colour, const QColor& background) {
    const double a = colour.alphaF();
    auto mix = [a](int c, int b) { return static_cast<int>(std::lround(c * a + b * (1 - a))); };
    return QColor(mix(colour.red(), background.red()), mix(colour.green(), background.green()),
                  mix(colour.blue(), background.blue()));
}

bool near(QRgb p, const QColor& c, int tol) {
    return std::abs(qRed(p) - c.red()) <= tol && std::abs(qGreen(p) - c.green()) <= tol &&
           std::abs(qBlue(p) - c.blue()) <= tol;
}

class VolumeProfileRender : public ::testing::TestWithParam<bool> {};

TEST_P(VolumeProfileRender, PaintsFromTheRightEdgeBehindTheCandlesAndTogglesOff) {
    const bool light = GetParam();
    const ChartTheme theme = light ? cpc::chart_qt::lightTheme() : cpc::chart_qt::darkTheme();
    auto series = synth::makeSeries(300);
    ChartCanvas canvas;
    canvas.setTheme(theme);
    canvas.resize(900, 560);
    canvas.setSeries(&series, Interval::M1, 2);
    auto render = [&] { return canvas.renderToImage(QSize(900, 560)).convertToFormat(QImage::Format_RGB32); };

    ASSERT_FALSE(canvas.volumeProfileVisible());
    const QImage off = render();
    canvas.setVolumeProfileVisible(true);
    ASSERT_TRUE(canvas.volumeProfileVisible());
    const QImage on = render();
    canvas.setVolumeProfileVisible(false);
    const QImage offAgain = render();

    const cpc::chart::Rect& p = canvas.model().layout().candlePane;
    const QRect pane(static_cast<int>(std::ceil(p.x)), static_cast<int>(std::ceil(p.y)),
                     static_cast<int>(std::floor(p.width)) - 1, static_cast<int>(std::floor(p.height)) - 1);
    // The longest bar is 30 % of the pane: the right fifth is mostly histogram, the left half
    // changes only on the POC line across the pane.
    const QRect right(pane.right() - pane.width() / 5, pane.top(), pane.width() / 5, pane.height());
    const QRect left(pane.left(), pane.top(), pane.width() / 2, pane.height());
    auto changed = [&](const QImage& a, const QImage& b, const QRect& r) {
        return countWhere(r, [&](int x, int y) { return a.pixel(x, y) != b.pixel(x, y); });
    };
    EXPECT_GT(changed(off, on, right), right.width() * right.height() / 8);
    EXPECT_GT(changed(off, on, left), 0);  // the POC line
    EXPECT_LE(changed(off, on, left), left.width() * 2);
    // Rows of the POC line only: every changed pixel on the left is in at most two rows.
    int rowsChanged = 0;
    for (int y = left.top(); y <= left.bottom(); ++y)
        if (changed(off, on, QRect(left.left(), y, left.width(), 1)) > 0) ++rowsChanged;
    EXPECT_GE(rowsChanged, 1);
    EXPECT_LE(rowsChanged, 2);

    // The theme's colours: value-area rising and falling volume over the background.
    const int up = countWhere(right, [&](int x, int y) { return near(on.pixel(x, y), over(theme.profileUp, theme.background), 3); });
    const int down = countWhere(right, [&](int x, int y) { return near(on.pixel(x, y), over(theme.profileDown, theme.background), 3); });
    const int poc = countWhere(pane, [&](int x, int y) { return near(on.pixel(x, y), over(theme.profilePoc, theme.background), 3); });
    EXPECT_GT(up, 500);
    EXPECT_GT(down, 500);
    EXPECT_GT(poc, pane.width() / 3);
    // Candles are drawn over the histogram: their opaque pixels are the same with it on.
    auto candlePixels = [&](const QImage& img) {
        return countWhere(right, [&](int x, int y) {
            return near(img.pixel(x, y), theme.rising, 1) || near(img.pixel(x, y), theme.falling, 1);
        });
    };
    EXPECT_GT(candlePixels(off), 100);
    EXPECT_EQ(candlePixels(on), candlePixels(off));

    // Off again: exactly the chart without it.
    EXPECT_EQ(changed(off, offAgain, pane), 0);
}

INSTANTIATE_TEST_SUITE_P(Themes, VolumeProfileRender, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& p) { return p.param ? "Light" : "Dark"; });

}  // namespace
