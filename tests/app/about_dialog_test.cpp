#include <gtest/gtest.h>

#include <QAction>
#include <QMenu>
#include <QMenuBar>
#include <QTemporaryDir>

#include "app_test_util.hpp"
#include "cpc/app/about_dialog.hpp"
#include "cpc/app/app_identity.hpp"
#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/core/build_info.hpp"

using namespace cpc;
using namespace cpc::app;

TEST(AboutDialog, NamesTheVersionTheLicenceAndEveryVenueTheDataComesFrom) {
    const AboutDialog about;
    const QString text = about.text();
    EXPECT_TRUE(text.contains(QString::fromStdString(versionText()))) << text.toStdString();
    EXPECT_TRUE(text.contains("MIT License")) << text.toStdString();
    for (const char* venue : {"Binance", "Bybit", "OKX", "KuCoin"})
        EXPECT_TRUE(text.contains(QLatin1String(venue))) << venue << " missing: " << text.toStdString();
    // The hosts, so a trader knows which endpoints the app talks to.
    for (const char* host : {"api.binance.com", "api.bybit.com", "www.okx.com", "api.kucoin.com"})
        EXPECT_TRUE(text.contains(QLatin1String(host))) << host << " missing: " << text.toStdString();
}

TEST(AboutDialog, HelpMenuOpensItWithoutBlockingTheWindow) {
    QTemporaryDir dir;
    ControllerOptions options;
    options.databasePath = dir.filePath("cache.sqlite3").toStdString();
    ChartController controller(options);
    AppSettings settings(dir.filePath("settings.ini"));
    MainWindow window(controller, settings);
    window.show();
    QMenu* help = window.findChild<QMenu*>("helpMenu");
    ASSERT_NE(help, nullptr);
    EXPECT_EQ(window.menuBar()->actions().back(), help->menuAction()) << "Help is the last menu";
    auto* action = window.findChild<QAction*>("aboutAction");
    ASSERT_NE(action, nullptr);
    action->trigger();  // returns at once: the dialog is window-modal, not exec()'d
    AboutDialog* about = nullptr;
    ASSERT_TRUE(test::processEventsUntil([&] {
        about = window.findChild<AboutDialog*>();
        return about && about->isVisible();
    }, 5000));
    EXPECT_TRUE(about->text().contains(QString::fromStdString(versionText())));
    about->close();
}

TEST(ApplicationIcon, ComesFromTheCompiledInResourcesInEverySize) {
    const QIcon icon = applicationIcon();
    ASSERT_FALSE(icon.isNull());
    for (const int size : {16, 32, 48, 64, 128, 256}) {
        const QImage image = icon.pixmap(size, size).toImage();
        ASSERT_EQ(image.width(), size);
        // The candles' colours are in the drawing (not a blank or placeholder image).
        EXPECT_GT(test::countColor(image, test::kRising), size * size / 100) << size;
        EXPECT_GT(test::countColor(image, test::kFalling), size * size / 100) << size;
    }
}
