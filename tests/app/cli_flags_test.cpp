// Runs the real canvasprochart binary, as a user would.
#include <gtest/gtest.h>

#include <QImage>
#include <QProcess>
#include <QTemporaryDir>

#include "app_test_util.hpp"

namespace {

struct AppRun {
    int exitCode = -1;
    QString out;
    QString err;
};

AppRun runApp(const QStringList& args, int timeoutMs = 60000) {
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    p.setProcessEnvironment(env);
    p.start(CPC_APP_BINARY, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromLocal8Bit(p.readAllStandardOutput()), QString::fromLocal8Bit(p.readAllStandardError())};
}

}  // namespace

TEST(CanvasProChartBinary, DemoScreenshotWritesAPngOfTheChart) {
    QTemporaryDir dir;
    const QString png = dir.filePath("chart.png");
    const AppRun r = runApp({"--demo", "--screenshot", png, "--exit-after", "5", "--database",
                          dir.filePath("demo.sqlite3"), "--settings", dir.filePath("s.ini")});
    ASSERT_EQ(r.exitCode, 0) << r.err.toStdString();
    QImage image(png);
    ASSERT_FALSE(image.isNull()) << "not a readable PNG";
    EXPECT_GE(image.width(), 800);
    EXPECT_GT(cpc::test::countColor(image, cpc::test::kRising), 200);
    EXPECT_GT(cpc::test::countColor(image, cpc::test::kFalling), 200);
}

TEST(CanvasProChartBinary, BadFlagsAreRejectedWithAClearMessage) {
    const AppRun bogus = runApp({"--bogus"});
    EXPECT_EQ(bogus.exitCode, 2);
    EXPECT_TRUE(bogus.err.contains("bogus")) << bogus.err.toStdString();

    const AppRun interval = runApp({"--demo", "--interval", "2d"});
    EXPECT_EQ(interval.exitCode, 2);
    EXPECT_TRUE(interval.err.contains("unknown interval \"2d\"")) << interval.err.toStdString();
    EXPECT_TRUE(interval.err.contains("1s 1m 3m")) << interval.err.toStdString();

    const AppRun shotWithoutExit = runApp({"--demo", "--screenshot", "x.png"});
    EXPECT_EQ(shotWithoutExit.exitCode, 2);
    EXPECT_TRUE(shotWithoutExit.err.contains("--exit-after")) << shotWithoutExit.err.toStdString();

    const AppRun help = runApp({"--help"});
    EXPECT_EQ(help.exitCode, 0);
    EXPECT_TRUE(help.out.contains("--demo"));
}
