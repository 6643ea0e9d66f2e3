// The window's chart controls: chart type, theme, time zone, scales, drawings saved per symbol,
// PNG export, and the --chart-type / --theme flags of the real binary.
#include <gtest/gtest.h>

#include <QAction>
#include <QComboBox>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>

#include "app_test_util.hpp"
#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"

using namespace cpc;
using namespace cpc::app;

namespace {

struct BinaryRun {
    int exitCode = -1;
    QString err;
};

BinaryRun runBinary(const QStringList& args) {
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    p.setProcessEnvironment(env);
    p.start(CPC_APP_BINARY, args);
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromLocal8Bit(p.readAllStandardError())};
}

}  // namespace

TEST(ChartWindow, ControlsDriveTheChartAndPersist) {
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.simPushIntervalMs = 100;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    const QString ini = dir.filePath("settings.ini");
    {
        ChartController controller(options);
        ASSERT_TRUE(controller.start());
        AppSettings settings(ini);
        MainWindow window(controller, settings);
        window.resize(1100, 700);
        window.show();
        window.openSeries("BTCUSDT", Interval::M5);
        ASSERT_TRUE(test::processEventsUntil([&] {
            return controller.currentSeries() && controller.currentSeries()->size() >= 500;
        }, 20000));

        auto* typeBox = window.findChild<QComboBox*>("chartTypeBox");
        ASSERT_NE(typeBox, nullptr);
        EXPECT_EQ(typeBox->count(), 8);
        window.setChartType(chart::ChartType::Area);
        EXPECT_EQ(window.canvas()->model().chartType(), chart::ChartType::Area);
        window.setThemeName("light");
        EXPECT_FALSE(window.canvas()->theme().dark);
        EXPECT_TRUE(window.setTimeZoneName("Asia/Tokyo"));
        EXPECT_FALSE(window.setTimeZoneName("Nowhere/Land"));
        EXPECT_EQ(window.canvas()->model().toDisplayTime(0), 9 * 3'600'000);
        window.setPriceScaleMode(chart::PriceScaleMode::Percent);
        window.setVolumeVisible(false);
        EXPECT_FALSE(window.canvas()->model().layout().hasVolumePane());
        auto* fiveMin = window.findChild<QAction*>("interval_5m");
        ASSERT_NE(fiveMin, nullptr);
        EXPECT_TRUE(fiveMin->isChecked());

        // A drawing made on the chart is saved for the symbol.
        auto& model = window.canvas()->model();
        model.addDrawing(chart::Drawing{0, chart::DrawingKind::HorizontalLine, model.anchorAt({300, 200}), {}});
        EXPECT_EQ(settings.drawings("BTCUSDT").size(), 1U);

        const QString png = dir.filePath("export.png");
        ASSERT_TRUE(window.exportPng(png));
        const QImage image(png);
        ASSERT_FALSE(image.isNull());
        EXPECT_EQ(image.size(), window.canvas()->size() * window.canvas()->devicePixelRatioF());
        window.close();
    }
    // Restart: everything comes back, including the drawing.
    ChartController controller(options);
    ASSERT_TRUE(controller.start());
    AppSettings settings(ini);
    MainWindow window(controller, settings);
    window.show();
    window.openSeries(settings.lastSymbol(), settings.lastInterval());
    ASSERT_TRUE(test::processEventsUntil([&] { return controller.currentSeries() != nullptr; }, 20000));
    EXPECT_EQ(controller.currentKey().interval, Interval::M5);
    EXPECT_EQ(window.canvas()->model().chartType(), chart::ChartType::Area);
    EXPECT_FALSE(window.canvas()->theme().dark);
    EXPECT_EQ(window.canvas()->model().priceScaleMode(), chart::PriceScaleMode::Percent);
    EXPECT_FALSE(window.canvas()->model().volumeVisible());
    EXPECT_EQ(window.canvas()->model().toDisplayTime(0), 9 * 3'600'000);
    ASSERT_EQ(window.canvas()->model().drawings().size(), 1U);
    EXPECT_EQ(window.canvas()->model().drawings()[0].kind, chart::DrawingKind::HorizontalLine);
}

TEST(ChartWindowBinary, ScreenshotWorksForEveryChartTypeAndTheLightTheme) {
    QTemporaryDir dir;
    for (const QString type : {"hollow", "heikin-ashi", "bars", "line", "area", "baseline"}) {
        const QString png = dir.filePath(type + ".png");
        const BinaryRun r = runBinary({"--demo", "--chart-type", type, "--theme", type == "line" ? "light" : "dark",
                                 "--screenshot", png, "--exit-after", "3", "--database",
                                 dir.filePath(type + ".sqlite3"), "--settings", dir.filePath(type + ".ini")});
        ASSERT_EQ(r.exitCode, 0) << type.toStdString() << ": " << r.err.toStdString();
        QImage image(png);
        ASSERT_FALSE(image.isNull()) << type.toStdString();
        if (type == "line") {
            // Light theme: mostly white.
            EXPECT_GT(test::countColor(image, QColor(Qt::white), 2), image.width() * image.height() / 3);
        } else if (type == "area") {
            EXPECT_GT(test::countColor(image, QColor(0x29, 0x62, 0xff), 30), 300);
        } else {
            EXPECT_GT(test::countColor(image, test::kRising) + test::countColor(image, test::kFalling), 400)
                << type.toStdString();
        }
    }
}

TEST(ChartWindowBinary, BadChartFlagsListTheAcceptedValues) {
    const BinaryRun type = runBinary({"--demo", "--chart-type", "renko"});
    EXPECT_EQ(type.exitCode, 2);
    EXPECT_TRUE(type.err.contains("unknown chart type \"renko\"")) << type.err.toStdString();
    EXPECT_TRUE(type.err.contains("candles hollow heikin-ashi bars line area baseline footprint")) << type.err.toStdString();
    const BinaryRun theme = runBinary({"--demo", "--theme", "blue"});
    EXPECT_EQ(theme.exitCode, 2);
    EXPECT_TRUE(theme.err.contains("accepted: dark light")) << theme.err.toStdString();
    const BinaryRun zone = runBinary({"--demo", "--time-zone", "Mars/Base"});
    EXPECT_EQ(zone.exitCode, 2);
    EXPECT_TRUE(zone.err.contains("IANA")) << zone.err.toStdString();
}
