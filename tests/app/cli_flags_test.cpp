// Runs the real canvasprochart binary, as a user would.
#include <gtest/gtest.h>

#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QSettings>
#include <QTemporaryDir>

#include "app_test_util.hpp"
#include "cpc/core/build_info.hpp"

using cpc::test::AppRun;
using cpc::test::runApp;

namespace {


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

    const AppRun language = runApp({"--demo", "--language", "fr"});
    EXPECT_EQ(language.exitCode, 2);
    EXPECT_TRUE(language.err.contains("unknown language \"fr\"; accepted: en, pt_BR")) << language.err.toStdString();

    // A symbol outside the venue's alphabet would inject query parameters or requests: refused
    // at once with what is accepted (issue 20).
    for (const char* bad : {"BTCUSDT&limit=1", "BTC USDT", "BTCUSDT\r\nHost: x"}) {
        const AppRun symbol = runApp({"--demo", "--symbol", bad});
        EXPECT_EQ(symbol.exitCode, 2) << bad;
        EXPECT_TRUE(symbol.err.contains("--symbol: ")) << symbol.err.toStdString();
        EXPECT_TRUE(symbol.err.contains("accepted: 1 to 32 of ASCII letters, digits")) << symbol.err.toStdString();
    }

    const AppRun scrollTime = runApp({"--demo", "--scroll-back-to", "last year", "--exit-after", "5"});
    EXPECT_EQ(scrollTime.exitCode, 2);
    EXPECT_TRUE(scrollTime.err.contains("--scroll-back-to needs a time (UTC) such as")) << scrollTime.err.toStdString();
    const AppRun scrollWithoutExit = runApp({"--demo", "--scroll-back-to", "-2d"});
    EXPECT_EQ(scrollWithoutExit.exitCode, 2);
    EXPECT_TRUE(scrollWithoutExit.err.contains("--exit-after")) << scrollWithoutExit.err.toStdString();

    const AppRun openWithoutExit = runApp({"--demo", "--open-stats", "ETHUSDT"});
    EXPECT_EQ(openWithoutExit.exitCode, 2);
    EXPECT_TRUE(openWithoutExit.err.contains("--open-stats needs --exit-after")) << openWithoutExit.err.toStdString();
    const AppRun openBadSymbol = runApp({"--demo", "--open-stats", "ETHUSDT,BTC?USDT", "--exit-after", "5"});
    EXPECT_EQ(openBadSymbol.exitCode, 2);
    EXPECT_TRUE(openBadSymbol.err.contains("--open-stats: ")) << openBadSymbol.err.toStdString();
    EXPECT_TRUE(openBadSymbol.err.contains("accepted: 1 to 32 of ASCII letters, digits")) << openBadSymbol.err.toStdString();

    const AppRun help = runApp({"--help"});
    EXPECT_EQ(help.exitCode, 0);
    EXPECT_TRUE(help.out.contains("--demo"));
}

// The benchmark's drive (scripts/bench-year-in-app): the chart is scrolled back, as a drag does,
// until its first candle is two days old — more than its first page (1,000 minutes) and one
// scroll-back load — and the app says how long that took and quits.
TEST(CanvasProChartBinary, ScrollBackToDragsTheChartBackUntilItsFirstCandleIsThatOld) {
    QTemporaryDir dir;
    const QString db = dir.filePath("cache.sqlite3");
    const QString ini = dir.filePath("settings.ini");
    const AppRun r = runApp({"--demo", "--interval", "1m", "--scroll-back-to", "-2d", "--frame-stats", "0",
                             "--exit-after", "50", "--database", db, "--settings", ini});
    EXPECT_EQ(r.exitCode, 0) << r.out.toStdString() << r.err.toStdString();
    EXPECT_TRUE(r.out.contains("canvasprochart: scroll-back reached ")) << r.out.toStdString();
    EXPECT_TRUE(r.out.contains(" at the start), first ")) << r.out.toStdString();
    EXPECT_TRUE(r.out.contains("canvasprochart: frames ")) << r.out.toStdString();
}

// The opening path's benchmark (scripts/bench-open): the start is timed to the first chart
// painted with candles, then each listed symbol from its choice to its chart's first paint with
// its own candles; the app then quits by itself, well before --exit-after.
TEST(CanvasProChartBinary, OpenStatsTimesTheStartAndEachChosenSymbolToItsFirstPaint) {
    QTemporaryDir dir;
    const AppRun r = runApp({"--demo", "--symbol", "BTCUSDT", "--interval", "1h", "--open-stats", "ethusdt,ETHBTC",
                             "--exit-after", "100", "--database", dir.filePath("cache.sqlite3"), "--settings",
                             dir.filePath("settings.ini")});
    EXPECT_EQ(r.exitCode, 0) << r.out.toStdString() << r.err.toStdString();
    const QString out = r.out;
    const QRegularExpression start(QStringLiteral(
        R"(canvasprochart: start: first chart painted (\d+\.\d) ms after exec \((\d+\.\d) ms after main; (\d+) candles\))"));
    const auto s = start.match(out);
    ASSERT_TRUE(s.hasMatch()) << out.toStdString();
    EXPECT_GE(s.captured(1).toDouble(), s.captured(2).toDouble()) << "exec comes before main";
    EXPECT_GT(s.captured(3).toInt(), 0);
    for (const char* symbol : {"ETHUSDT", "ETHBTC"}) {
        const QRegularExpression open(QStringLiteral(R"(canvasprochart: open %1: first paint (\d+\.\d) ms after the choice \((\d+) candles\))")
                                          .arg(QLatin1String(symbol)));
        const auto m = open.match(out);
        ASSERT_TRUE(m.hasMatch()) << symbol << "\n" << out.toStdString();
        EXPECT_GT(m.captured(2).toInt(), 0) << symbol;
    }
    EXPECT_TRUE(out.contains("canvasprochart: opens: 2, p50 ")) << out.toStdString();
}

TEST(CanvasProChartBinary, AnUnknownSymbolIsNeverSavedAndAnUnknownSavedOneFallsBackToTheDefault) {
    // Issue 22: `--demo --symbol FOOUSDT`, quit, then `--demo` opened on a blank chart with
    // "Invalid symbol" because the typed symbol was saved before the venue had seen it.
    QTemporaryDir dir;
    const QString ini = dir.filePath("s.ini");
    const QString db = dir.filePath("demo.sqlite3");
    const AppRun bad = runApp({"--demo", "--symbol", "FOOUSDT", "--exit-after", "4", "--database", db, "--settings", ini});
    ASSERT_EQ(bad.exitCode, 0) << bad.err.toStdString();
    {
        const QSettings saved(ini, QSettings::IniFormat);
        EXPECT_NE(saved.value("chart/lastSymbol").toString(), "FOOUSDT") << "a symbol the venue does not list was saved";
    }
    // The next start draws candles, not an empty chart.
    const QString png = dir.filePath("next.png");
    const AppRun next = runApp({"--demo", "--screenshot", png, "--exit-after", "4", "--database", db, "--settings", ini});
    ASSERT_EQ(next.exitCode, 0) << next.err.toStdString();
    QImage image(png);
    ASSERT_FALSE(image.isNull()) << "not a readable PNG";
    EXPECT_GT(cpc::test::countColor(image, cpc::test::kRising), 200) << "the chart is blank";
    EXPECT_GT(cpc::test::countColor(image, cpc::test::kFalling), 200) << "the chart is blank";

    // A settings file that already holds an unknown symbol (written by an older version) opens
    // the default instead, and saves it.
    const QString old = dir.filePath("old.ini");
    {
        QSettings s(old, QSettings::IniFormat);
        s.setValue("chart/lastSymbol", "FOOUSDT");
    }
    const QString oldPng = dir.filePath("old.png");
    const AppRun fallback = runApp({"--demo", "--screenshot", oldPng, "--exit-after", "4", "--database", db, "--settings", old});
    ASSERT_EQ(fallback.exitCode, 0) << fallback.err.toStdString();
    QImage fallbackImage(oldPng);
    ASSERT_FALSE(fallbackImage.isNull());
    EXPECT_GT(cpc::test::countColor(fallbackImage, cpc::test::kRising), 200) << "the chart is blank";
    const QSettings saved(old, QSettings::IniFormat);
    EXPECT_EQ(saved.value("chart/lastSymbol").toString(), "BTCUSDT");
}

TEST(CanvasProChartBinary, HelpAndVersionNeedNoDisplay) {
    // Issue 22: they aborted without a display (the GUI was made before the flags were read).
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}) env.remove(name);
    auto run = [&](const QString& flag) {
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(CPC_APP_BINARY, {flag});
        if (!p.waitForFinished(30000)) {
            p.kill();
            p.waitForFinished();
        }
        return AppRun{p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                      QString::fromLocal8Bit(p.readAllStandardOutput()), QString::fromLocal8Bit(p.readAllStandardError())};
    };
    for (const QString flag : {"--help", "-h"}) {
        const AppRun help = run(flag);
        EXPECT_EQ(help.exitCode, 0) << flag.toStdString() << ": " << help.err.toStdString();
        EXPECT_TRUE(help.out.contains("--demo")) << help.out.toStdString();
        EXPECT_TRUE(help.out.contains("--symbol")) << help.out.toStdString();
    }
    for (const QString flag : {"--version", "-v"}) {
        const AppRun version = run(flag);
        EXPECT_EQ(version.exitCode, 0) << flag.toStdString() << ": " << version.err.toStdString();
        EXPECT_TRUE(version.out.startsWith("canvasprochart " CPC_PROJECT_VERSION)) << version.out.toStdString();
        // The commit built, as `cpc --version` prints it (one generated source for both).
        EXPECT_EQ(version.out.trimmed().toStdString(), "canvasprochart " + cpc::versionText());
        if (!cpc::gitCommit().empty()) {
            EXPECT_TRUE(version.out.contains(" (git ")) << version.out.toStdString();
        }
    }
}

// --help in the interface language: --language pt_BR gives the Brazilian Portuguese descriptions
// (cpc's help stays English); the flags themselves are the same.
TEST(CliFlags, HelpSpeaksTheChosenLanguage) {
    const AppRun english = runApp({"--help", "--language", "en"});
    ASSERT_EQ(english.exitCode, 0) << english.err.toStdString();
    EXPECT_TRUE(english.out.contains("Quit after this many seconds.")) << english.out.toStdString();
    const AppRun portuguese = runApp({"--help", "--language", "pt_BR"});
    ASSERT_EQ(portuguese.exitCode, 0) << portuguese.err.toStdString();
    EXPECT_TRUE(portuguese.out.contains("Sai depois de tantos segundos.")) << portuguese.out.toStdString();
    EXPECT_TRUE(portuguese.out.contains("--exit-after")) << portuguese.out.toStdString();
    EXPECT_FALSE(portuguese.out.contains("Quit after this many seconds.")) << portuguese.out.toStdString();
}
