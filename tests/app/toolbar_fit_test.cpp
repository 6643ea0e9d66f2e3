// Issue 22: at the default width the Realtime button was behind the toolbar's overflow; at 800×600
// the drawing tools, Indicators and Screenshot were, and the opened overflow covered the legend.
#include <gtest/gtest.h>

#include <QAction>
#include <QTemporaryDir>
#include <QMenu>
#include <QToolBar>
#include <QToolButton>

#include "app_test_util.hpp"
#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"

using namespace cpc;
using namespace cpc::app;

TEST(ToolbarFit, EveryToolbarActionIsOnScreenAtTheDefaultSizeAndAt800x600) {
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    ChartController controller(options);
    ASSERT_TRUE(controller.start());
    AppSettings settings(dir.filePath("settings.ini"));
    MainWindow window(controller, settings);
    window.show();
    EXPECT_EQ(window.size(), QSize(1280, 760)) << "no saved geometry: the default size";
    for (const QSize size : {QSize(1280, 760), QSize(800, 600)}) {
        window.resize(size);
        test::processEventsUntil([] { return false; }, 200);  // layouts settle
        const std::string at = std::to_string(size.width()) + "x" + std::to_string(size.height());
        const auto bars = window.findChildren<QToolBar*>();
        ASSERT_FALSE(bars.isEmpty());
        int actions = 0;
        for (QToolBar* bar : bars) {
            if (!bar->isVisible()) continue;
            // No overflow: the extension button stays hidden, nothing drops down over the chart.
            auto* extension = bar->findChild<QToolButton*>("qt_toolbar_ext_button");
            if (extension) {
                EXPECT_FALSE(extension->isVisible()) << bar->objectName().toStdString() << " overflows at " << at;
            }
            for (QAction* action : bar->actions()) {
                if (action->isSeparator()) continue;
                ++actions;
                QWidget* widget = bar->widgetForAction(action);
                ASSERT_NE(widget, nullptr);
                EXPECT_TRUE(widget->isVisible())
                    << "\"" << action->text().toStdString() << "\" (" << action->objectName().toStdString()
                    << ") is hidden in the overflow of " << bar->objectName().toStdString() << " at " << at;
                // Inside the window, not under the chart's legend: the toolbars do not overlap the chart.
                const QRect inWindow(widget->mapTo(&window, QPoint(0, 0)), widget->size());
                EXPECT_TRUE(window.rect().contains(inWindow)) << action->objectName().toStdString() << " at " << at;
                const QRect chart(window.canvas()->mapTo(&window, QPoint(0, 0)), window.canvas()->size());
                EXPECT_FALSE(chart.intersects(inWindow)) << action->objectName().toStdString() << " covers the chart at " << at;
            }
        }
        // Every tool the window offers is among them.
        for (const char* name : {"realtimeAction", "screenshotAction", "deleteDrawingAction", "draw_fib",
                                 "draw_trend", "draw_rect", "draw_long", "magnetAction", "autoScaleAction", "volumeAction"}) {
            auto* action = window.findChild<QAction*>(name);
            ASSERT_NE(action, nullptr) << name;
            bool onABar = false;
            for (QToolBar* bar : bars)
                if (bar->isVisible() && bar->actions().contains(action)) onABar = true;
            EXPECT_TRUE(onABar) << name << " is on no toolbar at " << at;
        }
        // The other tools are in the menu of their group's button, on screen too.
        for (const char* name : {"draw_hline", "draw_vline", "draw_ray", "draw_channel", "draw_text", "draw_short",
                                 "draw_prange", "draw_drange"}) {
            auto* action = window.findChild<QAction*>(name);
            ASSERT_NE(action, nullptr) << name;
            bool inAMenu = false;
            for (QToolBar* bar : bars)
                for (QAction* onBar : bar->actions())
                    if (auto* button = qobject_cast<QToolButton*>(bar->widgetForAction(onBar)))
                        if (button->isVisible() && button->menu() && button->menu()->actions().contains(action)) inAMenu = true;
            EXPECT_TRUE(inAMenu) << name << " is in no group's menu at " << at;
        }
        EXPECT_GE(actions, 20);
    }
}
