// Issue 22, speed of use: the window title says venue, symbol and last price; the status bar names
// the venue instead of its URL; the side drawing toolbar is a narrow column of drawn icons.
#include <gtest/gtest.h>

#include <QAction>
#include <QApplication>
#include <QEvent>
#include <QLabel>
#include <QLocale>
#include <QTemporaryDir>
#include <QMenu>
#include <QToolBar>
#include <QToolButton>

#include <set>

#include "app_test_util.hpp"
#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/language.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/app/tool_icons.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"

using namespace cpc;
using namespace cpc::app;

namespace {

// Every title the window was given, in order (QEvent::WindowTitleChange).
class TitleRecorder : public QObject {
public:
    explicit TitleRecorder(QWidget& window) : m_window(window) { window.installEventFilter(this); }
    QStringList titles;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (watched == &m_window && event->type() == QEvent::WindowTitleChange) titles << m_window.windowTitle();
        return false;
    }

private:
    QWidget& m_window;
};

// The process stays in English for the other GUI tests.
class WindowChrome : public ::testing::Test {
protected:
    void TearDown() override { EXPECT_EQ(applyLanguage(QStringLiteral("en")), QString()); }
};

double lastClose(const ChartController& controller) { return controller.currentSeries()->last()->close.toDouble(); }

}  // namespace

TEST_F(WindowChrome, TitleShowsVenueSymbolAndLastPriceInTheInterfacesNumberFormat) {
    ASSERT_EQ(applyLanguage(QStringLiteral("pt_BR")), QString());  // decimal comma, "." groups
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.simPushIntervalMs = 100;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    ChartController controller(options);
    ASSERT_TRUE(controller.start());
    AppSettings settings(dir.filePath("settings.ini"));
    MainWindow window(controller, settings);
    TitleRecorder recorder(window);
    window.show();
    window.openSeries("BTCUSDT", Interval::M1);
    ASSERT_TRUE(test::processEventsUntil([&] {
        return controller.currentSeries() && !controller.currentSeries()->empty() &&
               controller.status().state == feed::FeedState::Live && controller.symbols().contains("ETHUSDT");
    }, 20000)) << "state " << feed::toString(controller.status().state);
    ASSERT_EQ(controller.exchangeName(), "binance");
    ASSERT_GT(controller.priceDecimals(), 0);

    // "Simulador (Binance) · BTCUSDT 67.123,45 — CanvasProChart": the demo is never labelled as
    // the venue itself, and the price reads as every other number of a Portuguese interface.
    const double price = lastClose(controller);
    ASSERT_GT(price, 1000.0) << "the simulator's BTC price has grouped digits";
    const QString formatted = QLocale().toString(price, 'f', controller.priceDecimals());
    EXPECT_TRUE(formatted.contains(QLatin1Char(',')) && formatted.contains(QLatin1Char('.'))) << formatted.toStdString();
    EXPECT_EQ(window.windowTitle(), QStringLiteral("Simulador (Binance) · BTCUSDT %1 — CanvasProChart").arg(formatted));

    // Every price change reaches the title.
    ASSERT_TRUE(test::processEventsUntil([&] { return lastClose(controller) != price; }, 40000));
    EXPECT_EQ(window.windowTitle(), QStringLiteral("Simulador (Binance) · BTCUSDT %1 — CanvasProChart")
                                        .arg(QLocale().toString(lastClose(controller), 'f', controller.priceDecimals())));

    // Every title set so far was a new text, never the same one again. (The demo's kline updates
    // come every few seconds, so no count of them is asked for.)
    test::processEventsUntil([] { return false; }, 1000);
    ASSERT_GE(recorder.titles.size(), 2);
    for (qsizetype i = 1; i < recorder.titles.size(); ++i)
        EXPECT_NE(recorder.titles[i], recorder.titles[i - 1]) << "title set again unchanged: " << recorder.titles[i].toStdString();
}

TEST_F(WindowChrome, StatusBarNamesTheVenueAndKeepsItsAddressInTheTooltip) {
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    ChartController controller(options);
    ASSERT_TRUE(controller.start());
    AppSettings settings(dir.filePath("settings.ini"));
    MainWindow window(controller, settings);
    window.show();
    window.openSeries("BTCUSDT", Interval::H1);
    auto* state = window.findChild<QLabel*>("connectionState");
    ASSERT_NE(state, nullptr);
    ASSERT_TRUE(test::processEventsUntil([&] { return controller.status().state == feed::FeedState::Live; }, 20000));
    ASSERT_FALSE(controller.restBase().isEmpty());
    // The legend's name for the demo's venue, not http://127.0.0.1:port.
    EXPECT_TRUE(state->text().contains("Simulator (Binance)")) << state->text().toStdString();
    EXPECT_FALSE(state->text().contains("http")) << state->text().toStdString();
    EXPECT_FALSE(state->text().contains(controller.restBase())) << state->text().toStdString();
    EXPECT_TRUE(state->toolTip().contains(controller.restBase())) << state->toolTip().toStdString();
    EXPECT_TRUE(state->toolTip().contains(controller.streamBase())) << state->toolTip().toStdString();

    // Another venue: its name.
    ASSERT_TRUE(window.switchExchange("bybit"));
    ASSERT_TRUE(test::processEventsUntil([&] { return state->text().contains("Simulator (Bybit)"); }, 20000))
        << state->text().toStdString();
    EXPECT_TRUE(window.windowTitle().startsWith("Simulator (Bybit) · BTCUSDT")) << window.windowTitle().toStdString();
}

TEST_F(WindowChrome, SideToolbarIsANarrowColumnOfDrawnIconsNamedInTheirTooltips) {
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    ChartController controller(options);
    ASSERT_TRUE(controller.start());
    AppSettings settings(dir.filePath("settings.ini"));
    MainWindow window(controller, settings);
    window.show();
    test::processEventsUntil([] { return false; }, 200);  // layouts settle
    auto* bar = window.findChild<QToolBar*>("drawingToolbar");
    ASSERT_NE(bar, nullptr);

    std::vector<QImage> images;
    int tools = 0;
    for (QAction* action : bar->actions()) {
        if (action->isSeparator()) continue;
        const std::string name = action->objectName().toStdString();
        ASSERT_FALSE(action->icon().isNull()) << name << " has no icon";
        auto* button = qobject_cast<QToolButton*>(bar->widgetForAction(action));
        ASSERT_NE(button, nullptr) << name;
        EXPECT_EQ(button->toolButtonStyle(), Qt::ToolButtonIconOnly) << name;
        // The text is still the action's (menus, accessibility) and the tooltip says what it is.
        EXPECT_FALSE(action->text().isEmpty()) << name;
        EXPECT_FALSE(action->toolTip().isEmpty()) << name;
        if (action->objectName().startsWith("draw_")) {
            ++tools;
            EXPECT_TRUE(action->toolTip().startsWith(action->text())) << name << ": " << action->toolTip().toStdString();
        }
        images.push_back(action->icon().pixmap(24, 24).toImage());
    }
    // Four groups (lines, Fibonacci, shapes and text, positions and ranges): each button shows one
    // tool and holds the group in its menu, so every tool is two clicks away at most.
    EXPECT_EQ(tools, 4);
    int inMenus = 0;
    for (QAction* action : bar->actions())
        if (auto* button = qobject_cast<QToolButton*>(bar->widgetForAction(action)); button && button->menu())
            for (QAction* tool : button->menu()->actions()) {
                EXPECT_TRUE(tool->objectName().startsWith("draw_")) << tool->objectName().toStdString();
                EXPECT_FALSE(tool->icon().isNull()) << tool->objectName().toStdString();
                ++inMenus;
            }
    EXPECT_EQ(inMenus, 11);  // every tool but the Fibonacci, which is a group of its own
    // Each icon is a picture of its own, not a blank square.
    for (std::size_t i = 0; i < images.size(); ++i) {
        int inked = 0;
        for (int y = 0; y < images[i].height(); ++y)
            for (int x = 0; x < images[i].width(); ++x) inked += qAlpha(images[i].pixel(x, y)) > 128 ? 1 : 0;
        EXPECT_GT(inked, 15) << "icon " << i << " is (nearly) blank";
        for (std::size_t j = 0; j < i; ++j) EXPECT_NE(images[i], images[j]) << "icons " << j << " and " << i << " are alike";
    }
    // One narrow column: an icon and the button's margins.
    EXPECT_LE(bar->width(), 44) << "the side toolbar takes " << bar->width() << " px from the chart";
}

TEST_F(WindowChrome, SideToolbarIconsAreDrawnInTheThemesTextColour) {
    QTemporaryDir dir;
    ControllerOptions options;
    options.demo = true;
    options.databasePath = dir.filePath("demo.sqlite3").toStdString();
    ChartController controller(options);
    ASSERT_TRUE(controller.start());
    AppSettings settings(dir.filePath("settings.ini"));
    MainWindow window(controller, settings);
    auto* action = window.findChild<QAction*>("draw_trend");
    ASSERT_NE(action, nullptr);
    // The mean lightness of the icon's opaque pixels.
    auto inkLightness = [&] {
        const QImage image = action->icon().pixmap(24, 24).toImage();
        long sum = 0, n = 0;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x)
                if (qAlpha(image.pixel(x, y)) > 200) {
                    sum += QColor(image.pixel(x, y)).lightness();
                    ++n;
                }
        return n == 0 ? -1 : static_cast<int>(sum / n);
    };
    window.setThemeName("dark");
    EXPECT_GT(inkLightness(), 160) << "light lines on the dark theme";
    window.setThemeName("light");
    EXPECT_LT(inkLightness(), 90) << "dark lines on the light theme";
    window.setThemeName("dark");
}

TEST(ToolIcons, EveryIconIsDrawnInTheGivenColourAtBothSizes) {
    for (const ToolIcon icon : kAllToolIcons) {
        const QIcon drawn = toolIcon(icon, QColor(255, 0, 0));
        for (const int size : {24, 48}) {
            const QImage image = drawn.pixmap(size, size).toImage();
            ASSERT_EQ(image.width(), size);
            int red = 0, other = 0;
            for (int y = 0; y < size; ++y)
                for (int x = 0; x < size; ++x) {
                    const QRgb px = image.pixel(x, y);
                    if (qAlpha(px) < 250) continue;
                    (qRed(px) > 240 && qGreen(px) < 15 && qBlue(px) < 15 ? red : other) += 1;
                }
            EXPECT_GT(red, size / 2) << static_cast<int>(icon) << " at " << size;
            EXPECT_EQ(other, 0) << static_cast<int>(icon) << " at " << size;
        }
    }
}
