// Issue 22, "Habits of a trading chart": context menus on the chart, a drawing, an indicator and
// the price axis; object properties for drawings and indicators (saved with them); undo / redo of
// drawing and indicator changes (Ctrl+Z / Ctrl+Shift+Z); the object tree with delete-all; copying
// the chart image (Ctrl+Shift+C). Offscreen, against the demo simulator.
#include <gtest/gtest.h>

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QContextMenuEvent>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QStatusBar>
#include <QLocale>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>
#include <QUndoStack>
#include <cmath>

#include "app_test_util.hpp"
#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/chart_undo.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/app/object_properties_dialog.hpp"
#include "cpc/app/object_tree.hpp"
#include "cpc/chart/chart_views.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"
#include "cpc/indicators/registry.hpp"

using namespace cpc;
using namespace cpc::app;

namespace {

IndicatorSpec defaults(const char* name, indicators::Placement placement) {
    IndicatorSpec spec = defaultSpec(*indicators::findIndicator(name));
    spec.placement = placement;
    return spec;
}

QAction* action(QMenu& menu, const char* name) { return menu.findChild<QAction*>(QString::fromLatin1(name)); }

// Runs `handle` on the next modal dialog of type D once it is open (the action that opens it
// defers the exec), then waits for it to close.
template <class D, class Handle>
bool whenDialogOpens(Handle handle, int timeoutMs = 5000) {
    bool seen = false;
    QTimer poll;
    poll.setInterval(20);
    QObject::connect(&poll, &QTimer::timeout, [&] {
        if (auto* dialog = qobject_cast<D*>(QApplication::activeModalWidget())) {
            seen = true;
            poll.stop();
            handle(*dialog);
        }
    });
    poll.start();
    test::processEventsUntil([&] { return seen && !QApplication::activeModalWidget(); }, timeoutMs);
    poll.stop();
    return seen;
}

class ChartObjects : public ::testing::Test {
protected:
    void SetUp() override {
        ControllerOptions options;
        options.demo = true;
        options.databasePath = dir.filePath("demo.sqlite3").toStdString();
        controller = std::make_unique<ChartController>(options);
        ASSERT_TRUE(controller->start());
        settings = std::make_unique<AppSettings>(dir.filePath("settings.ini"));
        window = std::make_unique<MainWindow>(*controller, *settings);
        window->resize(1200, 800);
        window->show();
        window->openSeries("BTCUSDT", Interval::M1);
        ASSERT_TRUE(test::processEventsUntil([&] {
            return controller->currentSeries() && controller->currentSeries()->size() >= 300;
        }, 30000));
        QCoreApplication::processEvents();
        model().prepareFrame(model().takeInvalidation());
    }
    void TearDown() override {
        window.reset();
        settings.reset();
        controller.reset();
    }
    chart::ChartModel& model() { return window->canvas()->model(); }
    QPointF paneCentre() {
        const chart::Rect r = model().layout().candlePane;
        return {r.x + r.width * 0.5, r.y + r.height * 0.55};
    }
    QUndoStack& stack() { return *window->undo().stack(); }

    QTemporaryDir dir;
    std::unique_ptr<ChartController> controller;
    std::unique_ptr<AppSettings> settings;
    std::unique_ptr<MainWindow> window;
};

}  // namespace

// ---- context menus --------------------------------------------------------------------------

TEST_F(ChartObjects, TheChartMenuAddsAHorizontalLineCopiesThePriceAndResetsTheView) {
    const QPointF at = paneCentre();
    const double price = model().roundToTick(model().priceScale().yToPrice(at.y()));
    auto menu = window->contextMenuAt(at);
    ASSERT_TRUE(menu);
    for (const char* name : {"chartAddHorizontalLine", "chartCopyPrice", "chartResetView", "chartAddIndicator",
                             "chartObjectTree", "chartSettings"})
        EXPECT_NE(action(*menu, name), nullptr) << name;
    EXPECT_EQ(action(*menu, "drawingDelete"), nullptr);
    EXPECT_EQ(action(*menu, "scaleLog"), nullptr);
    EXPECT_TRUE(action(*menu, "chartAddHorizontalLine")->text().endsWith(QLocale().toString(price, 'f', model().priceDecimals())))
        << action(*menu, "chartAddHorizontalLine")->text().toStdString();
    {
        // The price in the user's language: Brazilian Portuguese groups thousands with '.' and
        // writes the decimals after ','.
        const QLocale before;
        QLocale::setDefault(QLocale(QStringLiteral("pt_BR")));
        auto ptMenu = window->contextMenuAt(at);
        QLocale::setDefault(before);
        ASSERT_TRUE(ptMenu);
        const QString text = action(*ptMenu, "chartAddHorizontalLine")->text();
        EXPECT_TRUE(text.endsWith(QLocale(QStringLiteral("pt_BR")).toString(price, 'f', model().priceDecimals()))) << text.toStdString();
        if (model().priceDecimals() > 0) {
            EXPECT_TRUE(text.contains(QLatin1Char(','))) << text.toStdString();
        }
    }

    action(*menu, "chartAddHorizontalLine")->trigger();
    ASSERT_EQ(model().drawings().size(), 1U);
    EXPECT_EQ(model().drawings()[0].kind, chart::DrawingKind::HorizontalLine);
    EXPECT_DOUBLE_EQ(model().drawings()[0].a.price, price);  // the clicked price, on the tick grid
    EXPECT_EQ(settings->drawings("BTCUSDT").size(), 1U);     // saved like any drawing

    QGuiApplication::clipboard()->clear();
    action(*menu, "chartCopyPrice")->trigger();
    EXPECT_EQ(QGuiApplication::clipboard()->text(), QString::number(price, 'f', model().priceDecimals()));

    model().scrollBy(900);
    model().scalePrice(1.7);
    ASSERT_FALSE(model().autoScale());
    action(*menu, "chartResetView")->trigger();
    EXPECT_TRUE(model().autoScale());
    EXPECT_TRUE(model().timeScale().isAtLiveEdge());

    // Chart settings opens the settings dialog.
    action(*menu, "chartSettings")->trigger();
    EXPECT_TRUE(whenDialogOpens<QDialog>([](QDialog& d) {
        EXPECT_EQ(d.objectName(), "settingsDialog");
        d.reject();
    }));
}

TEST_F(ChartObjects, ARightClickOnADrawingSelectsItAndOpensTheDrawingMenu) {
    const QPointF at = paneCentre();
    const std::uint64_t id = model().addDrawing(
        chart::Drawing{0, chart::DrawingKind::HorizontalLine, model().anchorAt({at.x(), at.y()}), {}});
    ASSERT_FALSE(model().selectedDrawing());
    // A real right click: the menu pops up (closed here once it is open).
    QStringList shown;
    QTimer poll;  // until the menu is up (exec() returns only once it closes)
    poll.setInterval(20);
    QObject::connect(&poll, &QTimer::timeout, [&] {
        if (auto* popup = qobject_cast<QMenu*>(QApplication::activePopupWidget())) {
            poll.stop();
            for (QAction* a : popup->actions()) shown << a->objectName();
            popup->close();
        }
    });
    poll.start();
    QContextMenuEvent event(QContextMenuEvent::Mouse, at.toPoint(), window->canvas()->mapToGlobal(at.toPoint()));
    QApplication::sendEvent(window->canvas(), &event);
    EXPECT_EQ(model().selectedDrawing(), id);
    for (const char* name : {"drawingProperties", "drawingClone", "drawingLock", "drawingHide", "drawingDelete"})
        EXPECT_TRUE(shown.contains(name)) << name << " in " << shown.join(',').toStdString();
}

TEST_F(ChartObjects, TheDrawingMenuClonesLocksHidesAndDeletes) {
    const QPointF at = paneCentre();
    chart::Drawing trend{0, chart::DrawingKind::TrendLine, model().anchorAt({at.x() - 80, at.y() - 40}),
                         model().anchorAt({at.x() + 80, at.y() + 40})};
    trend.rgba = 0xff00ffffU;
    const std::uint64_t id = model().addDrawing(trend);
    auto menu = window->contextMenuAt(at);
    ASSERT_NE(action(*menu, "drawingClone"), nullptr);
    EXPECT_FALSE(action(*menu, "drawingLock")->isChecked());

    action(*menu, "drawingClone")->trigger();
    ASSERT_EQ(model().drawings().size(), 2U);
    const chart::Drawing& clone = model().drawings()[1];
    EXPECT_EQ(model().selectedDrawing(), clone.id);
    EXPECT_EQ(clone.rgba, trend.rgba);  // the properties come along
    EXPECT_GT(clone.a.timeMs, trend.a.timeMs);  // moved right, so it is not hidden under the original
    EXPECT_LT(clone.a.price, trend.a.price);    // and lower

    action(*menu, "drawingLock")->trigger();
    EXPECT_TRUE(model().drawing(id)->locked);
    model().moveDrawing(id, 0, 50);  // locked: stays
    EXPECT_EQ(model().drawing(id)->a, trend.a);
    EXPECT_TRUE(window->contextMenuAt(at) && action(*window->contextMenuAt(at), "drawingLock")->isChecked());

    action(*menu, "drawingHide")->trigger();
    EXPECT_TRUE(model().drawing(id)->hidden);
    EXPECT_FALSE(model().drawingAt({at.x(), at.y()}) == id);
    EXPECT_TRUE(window->statusBar()->currentMessage().contains("Object tree"));

    action(*menu, "drawingDelete")->trigger();
    EXPECT_EQ(model().drawing(id), nullptr);
    EXPECT_EQ(settings->drawings("BTCUSDT").size(), 1U);  // the clone
}

TEST_F(ChartObjects, ThePriceAxisMenuSwitchesAutoLogPercentAndInvertAndTheyAreSaved) {
    const chart::Rect axis = model().layout().priceAxis;
    const QPointF at(axis.x + axis.width / 2, axis.y + axis.height / 2);
    auto menu = window->contextMenuAt(at);
    for (const char* name : {"scaleAuto", "scaleLinear", "scaleLog", "scalePercent", "scaleInvert"})
        ASSERT_NE(action(*menu, name), nullptr) << name;
    EXPECT_EQ(action(*menu, "chartAddHorizontalLine"), nullptr);
    EXPECT_TRUE(action(*menu, "scaleAuto")->isChecked());
    EXPECT_TRUE(action(*menu, "scaleLinear")->isChecked());

    action(*menu, "scaleLog")->trigger();
    EXPECT_EQ(model().priceScaleMode(), chart::PriceScaleMode::Logarithmic);
    EXPECT_EQ(settings->priceScaleMode(), chart::PriceScaleMode::Logarithmic);
    EXPECT_TRUE(window->findChild<QAction*>("logScaleAction")->isChecked());  // the side toolbar follows
    action(*menu, "scalePercent")->trigger();
    EXPECT_EQ(model().priceScaleMode(), chart::PriceScaleMode::Percent);
    action(*menu, "scaleLinear")->trigger();
    EXPECT_EQ(model().priceScaleMode(), chart::PriceScaleMode::Linear);

    action(*menu, "scaleAuto")->trigger();  // unchecks
    EXPECT_FALSE(model().autoScale());
    action(*menu, "scaleAuto")->trigger();
    EXPECT_TRUE(model().autoScale());

    action(*menu, "scaleInvert")->trigger();
    EXPECT_TRUE(model().priceScaleInverted());
    EXPECT_TRUE(settings->priceScaleInverted());
    // The candles really are upside down: the newest bar's high is drawn below its low.
    model().prepareFrame(chart::Invalidation::Full);
    chart::FrameItems frame;
    chart::buildFrame(model(), frame);
    ASSERT_FALSE(frame.candles.empty());
    const auto& bar = frame.candles.back();
    EXPECT_GE(bar.highY, bar.lowY);
    EXPECT_TRUE(action(*window->contextMenuAt(at), "scaleInvert")->isChecked());
    // A new window restores it.
    menu.reset();  // the window's child
    window.reset();
    MainWindow again(*controller, *settings);
    EXPECT_TRUE(again.canvas()->model().priceScaleInverted());
}

TEST_F(ChartObjects, TheIndicatorMenuOpensOnAPaneOrALegendRowAndHidesMovesAndRemoves) {
    ASSERT_TRUE(window->addIndicator(defaults("RSI", indicators::Placement::Pane)));
    ASSERT_TRUE(window->addIndicator(defaults("SMA", indicators::Placement::Overlay)));
    ASSERT_TRUE(window->addIndicator(defaults("EMA", indicators::Placement::Overlay)));
    model().prepareFrame(chart::Invalidation::Full);
    // On the RSI pane.
    const chart::Rect pane = model().layout().extraPanes.at(0);
    auto onPane = window->contextMenuAt(QPointF(pane.x + pane.width / 2, pane.y + pane.height / 2));
    ASSERT_NE(action(*onPane, "indicatorSettings"), nullptr);
    EXPECT_EQ(action(*onPane, "chartAddHorizontalLine"), nullptr);
    EXPECT_FALSE(action(*onPane, "indicatorMoveUp")->isEnabled());  // first in the list
    EXPECT_TRUE(action(*onPane, "indicatorMoveDown")->isEnabled());
    // RSI's levels are drawn in its pane.
    EXPECT_EQ(model().panes().at(0).levels, (std::vector<double>{30, 70}));

    // On the EMA's legend row over the candles.
    chart::OverlayItems overlay;
    chart::buildOverlay(model(), overlay);
    ASSERT_EQ(overlay.overlayLegendRows.size(), 2U);
    const chart::Rect row = overlay.overlayLegendRows[1].box;
    const QPointF onRow(row.x + row.width / 2, row.y + row.height / 2);
    EXPECT_EQ(window->indicatorAt(onRow), 2U);
    auto onLegend = window->contextMenuAt(onRow);
    ASSERT_NE(action(*onLegend, "indicatorMoveUp"), nullptr);
    EXPECT_FALSE(action(*onLegend, "indicatorMoveDown")->isEnabled());  // last
    action(*onLegend, "indicatorMoveUp")->trigger();
    ASSERT_EQ(window->indicatorCount(), 3U);
    EXPECT_EQ(window->indicatorSpecs()[1].name, "EMA");
    EXPECT_EQ(window->indicatorSpecs()[2].name, "SMA");
    ASSERT_EQ(model().overlays().size(), 2U);
    EXPECT_EQ(model().overlays()[0].title.substr(0, 3), "EMA");  // the legend follows the list
    EXPECT_EQ(settings->indicators("BTCUSDT")[1].name, "EMA");   // and it is saved

    action(*onPane, "indicatorHide")->trigger();
    EXPECT_TRUE(window->indicatorSpecs()[0].hidden);
    EXPECT_TRUE(model().panes().empty());  // not drawn
    EXPECT_EQ(window->indicatorCount(), 3U);  // still there, to show again
    EXPECT_TRUE(settings->indicators("BTCUSDT")[0].hidden);
    ASSERT_TRUE(window->setIndicatorHidden(0, false));
    EXPECT_EQ(model().panes().size(), 1U);

    model().prepareFrame(chart::Invalidation::Full);
    auto again = window->contextMenuAt(QPointF(pane.x + pane.width / 2, pane.y + pane.height / 2));
    action(*again, "indicatorRemove")->trigger();
    EXPECT_EQ(window->indicatorCount(), 2U);
    EXPECT_TRUE(model().panes().empty());

    // Settings… opens the indicator dialog on that indicator.
    chart::buildOverlay(model(), overlay);
    const chart::Rect first = overlay.overlayLegendRows.at(0).box;
    auto settingsMenu = window->contextMenuAt(QPointF(first.x + first.width / 2, first.y + first.height / 2));
    action(*settingsMenu, "indicatorSettings")->trigger();
    EXPECT_TRUE(whenDialogOpens<QDialog>([](QDialog& d) {
        EXPECT_EQ(d.objectName(), "indicatorDialog");
        d.reject();
    }));
}

// ---- object properties --------------------------------------------------------------------

TEST(DrawingPropertiesDialog, EditsEveryPropertyAndOffersExtendOnlyWhereItApplies) {
    chart::Drawing trend{7, chart::DrawingKind::TrendLine, {1000, 10}, {2000, 20}};
    DrawingPropertiesDialog dialog(trend, QColor(0x29, 0x62, 0xff));
    EXPECT_EQ(dialog.drawing(), trend);  // unchanged when nothing is edited
    dialog.setColour(QColor(0x12, 0x34, 0x56));
    dialog.findChild<QDoubleSpinBox*>("drawingWidth")->setValue(3);
    dialog.findChild<QComboBox*>("drawingDash")->setCurrentIndex(1);
    dialog.findChild<QCheckBox*>("extendLeft")->setChecked(true);
    dialog.findChild<QCheckBox*>("extendRight")->setChecked(true);
    dialog.findChild<QLineEdit*>("drawingText")->setText("  support \n zone ");
    dialog.findChild<QCheckBox*>("drawingLocked")->setChecked(true);
    dialog.findChild<QCheckBox*>("drawingVisible")->setChecked(false);
    const chart::Drawing d = dialog.drawing();
    EXPECT_EQ(d.id, 7U);
    EXPECT_EQ(d.a, trend.a);
    EXPECT_EQ(d.rgba, 0x123456ffU);
    EXPECT_EQ(d.width, 3);
    EXPECT_EQ(d.dash, chart::LineDash::Dashed);
    EXPECT_TRUE(d.extendLeft && d.extendRight);
    EXPECT_EQ(d.text, "support zone");  // one line
    EXPECT_TRUE(d.locked);
    EXPECT_TRUE(d.hidden);

    DrawingPropertiesDialog hline(chart::Drawing{1, chart::DrawingKind::HorizontalLine, {0, 5}, {}}, Qt::blue);
    EXPECT_FALSE(hline.findChild<QCheckBox*>("extendLeft")->isEnabled());
    EXPECT_FALSE(hline.findChild<QCheckBox*>("extendRight")->isEnabled());
    DrawingPropertiesDialog ray(chart::Drawing{1, chart::DrawingKind::Ray, {0, 5}, {1, 6}}, Qt::blue);
    EXPECT_TRUE(ray.findChild<QCheckBox*>("extendLeft")->isEnabled());
    EXPECT_FALSE(ray.findChild<QCheckBox*>("extendRight")->isEnabled());  // a ray always runs right
    EXPECT_TRUE(ray.findChild<QCheckBox*>("extendRight")->isChecked());
}

TEST(StudyPropertiesDialog, EditsStylesLevelsAndVisibilityAndRefusesBadLevels) {
    IndicatorSpec rsi = defaultSpec(*indicators::findIndicator("RSI"));
    rsi.placement = indicators::Placement::Pane;
    EXPECT_EQ(rsi.levels, (std::vector<double>{30, 70}));
    StudyPropertiesDialog dialog(rsi, {"real"});
    EXPECT_EQ(dialog.spec(), rsi);
    EXPECT_EQ(dialog.findChild<QLineEdit*>("levels")->text(), "30, 70");
    dialog.setColour(0, QColor(0xab, 0xcd, 0xef));
    dialog.findChild<QDoubleSpinBox*>("width_0")->setValue(2.5);
    dialog.findChild<QComboBox*>("dash_0")->setCurrentIndex(2);
    dialog.findChild<QLineEdit*>("levels")->setText("20 50,80");
    dialog.findChild<QCheckBox*>("studyVisible")->setChecked(false);
    IndicatorSpec s = dialog.spec();
    EXPECT_EQ(s.colour(0), QColor(0xab, 0xcd, 0xef));
    EXPECT_EQ(s.style(0), (LineStyle{2.5, chart::LineDash::Dotted}));
    EXPECT_EQ(s.levels, (std::vector<double>{20, 50, 80}));
    EXPECT_TRUE(s.hidden);
    // Bad input: a clear message and no OK.
    auto* ok = dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
    EXPECT_TRUE(ok->isEnabled());
    dialog.findChild<QLineEdit*>("levels")->setText("30, seventy");
    EXPECT_FALSE(ok->isEnabled());
    EXPECT_FALSE(dialog.findChild<QLabel*>("levelsError")->isHidden());
    EXPECT_TRUE(dialog.findChild<QLabel*>("levelsError")->text().contains("numbers"));
    // Stochastic's default levels.
    EXPECT_EQ(defaultSpec(*indicators::findIndicator("STOCH")).levels, (std::vector<double>{20, 80}));
}

TEST(IndicatorSpecText, PropertiesRoundTripAndOlderLinesGetTheDefaults) {
    IndicatorSpec rsi = defaultSpec(*indicators::findIndicator("RSI"));
    rsi.placement = indicators::Placement::Pane;
    EXPECT_EQ(serializeIndicatorSpec(rsi).contains("levels"), false);  // defaults are not written
    rsi.styles = {LineStyle{2, chart::LineDash::Dashed}};
    rsi.levels = {25, 75};
    rsi.hidden = true;
    const QString text = serializeIndicatorSpec(rsi);
    EXPECT_TRUE(text.contains("styles=2:dashed")) << text.toStdString();
    EXPECT_TRUE(text.contains("levels=25,75")) << text.toStdString();
    EXPECT_TRUE(text.endsWith(" hidden")) << text.toStdString();
    EXPECT_EQ(parseIndicatorSpec(text), rsi);
    // No levels at all is a choice too.
    rsi.levels.clear();
    EXPECT_EQ(parseIndicatorSpec(serializeIndicatorSpec(rsi))->levels, std::vector<double>{});
    // A line saved before properties existed: RSI's default levels, default styles, visible.
    const auto old = parseIndicatorSpec("RSI(14) pane #2962ff");
    ASSERT_TRUE(old);
    EXPECT_EQ(old->levels, (std::vector<double>{30, 70}));
    EXPECT_TRUE(old->styles.empty());
    EXPECT_FALSE(old->hidden);
}

TEST_F(ChartObjects, PropertiesFromTheirDialogsAreDrawnAndSaved) {
    const QPointF at = paneCentre();
    const std::uint64_t id = model().addDrawing(chart::Drawing{0, chart::DrawingKind::TrendLine,
                                                               model().anchorAt({at.x() - 60, at.y()}),
                                                               model().anchorAt({at.x() + 60, at.y()})});
    auto menu = window->contextMenuAt(at);
    action(*menu, "drawingProperties")->trigger();
    ASSERT_TRUE(whenDialogOpens<DrawingPropertiesDialog>([](DrawingPropertiesDialog& d) {
        d.setColour(QColor(0xff, 0x00, 0xff));
        d.findChild<QDoubleSpinBox*>("drawingWidth")->setValue(4);
        d.findChild<QCheckBox*>("extendRight")->setChecked(true);
        d.findChild<QLineEdit*>("drawingText")->setText("breakout");
        d.accept();
    }));
    const chart::Drawing* d = model().drawing(id);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->rgba, 0xff00ffffU);
    EXPECT_EQ(d->width, 4);
    EXPECT_TRUE(d->extendRight);
    EXPECT_EQ(d->text, "breakout");
    // Saved with the drawing and read back.
    const auto saved = settings->drawings("BTCUSDT");
    ASSERT_EQ(saved.size(), 1U);
    EXPECT_EQ(saved[0].rgba, 0xff00ffffU);
    EXPECT_EQ(saved[0].text, "breakout");
    EXPECT_TRUE(saved[0].extendRight);
    // Drawn in its colour, past its anchor to the pane's right edge.
    const QImage image = window->canvas()->grab().toImage();
    const chart::Rect pane = model().layout().candlePane;
    EXPECT_GT(test::countColor(image.copy(QRect(static_cast<int>(pane.right()) - 80, 0, 70, image.height())),
                               QColor(0xff, 0x00, 0xff), 40), 20);
}

TEST_F(ChartObjects, StudyPropertiesReachThePaneAndAreSaved) {
    ASSERT_TRUE(window->addIndicator(defaults("RSI", indicators::Placement::Pane)));
    QTimer::singleShot(0, window.get(), [this] { window->openStudyProperties(0); });
    ASSERT_TRUE(whenDialogOpens<StudyPropertiesDialog>([](StudyPropertiesDialog& d) {
        d.findChild<QDoubleSpinBox*>("width_0")->setValue(3);
        d.findChild<QComboBox*>("dash_0")->setCurrentIndex(1);
        d.findChild<QLineEdit*>("levels")->setText("20, 80");
        d.accept();
    }));
    ASSERT_EQ(model().panes().size(), 1U);
    EXPECT_EQ(model().panes()[0].levels, (std::vector<double>{20, 80}));
    ASSERT_EQ(model().panes()[0].series.size(), 1U);
    EXPECT_EQ(model().panes()[0].series[0].width, 3);
    EXPECT_EQ(model().panes()[0].series[0].dash, chart::LineDash::Dashed);
    const auto saved = settings->indicators("BTCUSDT");
    ASSERT_EQ(saved.size(), 1U);
    EXPECT_EQ(saved[0].levels, (std::vector<double>{20, 80}));
    EXPECT_EQ(saved[0].style(0), (LineStyle{3, chart::LineDash::Dashed}));
}

// ---- undo / redo ----------------------------------------------------------------------------

namespace {
void key(QWidget* target, Qt::Key k, Qt::KeyboardModifiers modifiers) { QTest::keyClick(target, k, modifiers); }
}  // namespace

TEST_F(ChartObjects, UndoAndRedoStepThroughDrawingsAddedMovedChangedAndDeleted) {
    window->activateWindow();
    ASSERT_TRUE(test::processEventsUntil([&] { return QApplication::activeWindow() == window.get(); }, 5000));
    chart_qt::ChartCanvas* canvas = window->canvas();
    canvas->setFocus();
    const QPointF at = paneCentre();
    const QPoint p1 = (at - QPointF(100, 30)).toPoint();
    const QPoint p2 = (at + QPointF(100, 30)).toPoint();

    // Add: a trend line placed with two clicks is one step (its second anchor followed the mouse).
    canvas->setDrawingTool(chart::DrawingKind::TrendLine);
    QTest::mouseClick(canvas, Qt::LeftButton, {}, p1);
    QTest::mouseMove(canvas, (at).toPoint());
    QTest::mouseMove(canvas, p2);
    QTest::mouseClick(canvas, Qt::LeftButton, {}, p2);
    ASSERT_EQ(model().drawings().size(), 1U);
    EXPECT_EQ(stack().count(), 1);
    const chart::Drawing added = model().drawings()[0];

    // Move: a drag of many mouse moves is one step.
    const QPoint mid = ((QPointF(p1) + QPointF(p2)) / 2).toPoint();
    QTest::mousePress(canvas, Qt::LeftButton, {}, mid);
    for (int dy = 5; dy <= 60; dy += 5) QTest::mouseMove(canvas, mid + QPoint(0, dy));
    QTest::mouseRelease(canvas, Qt::LeftButton, {}, mid + QPoint(0, 60));
    EXPECT_EQ(stack().count(), 2);
    const chart::Drawing moved = model().drawings()[0];
    EXPECT_NE(moved.a.price, added.a.price);
    EXPECT_EQ(stack().undoText(), "Move drawing");

    // Properties.
    chart::Drawing styled = moved;
    styled.rgba = 0x00ff00ffU;
    styled.dash = chart::LineDash::Dotted;
    model().updateDrawing(styled);
    EXPECT_EQ(stack().count(), 3);

    // Delete with the Delete key (the drawing is selected after the drag).
    ASSERT_EQ(model().selectedDrawing(), added.id);
    key(canvas, Qt::Key_Delete, {});
    EXPECT_TRUE(model().drawings().empty());
    EXPECT_EQ(stack().count(), 4);

    // Ctrl+Z walks back through each state, the drawing keeping its id.
    key(canvas, Qt::Key_Z, Qt::ControlModifier);
    ASSERT_EQ(model().drawings().size(), 1U);
    EXPECT_EQ(model().drawings()[0], styled);
    key(canvas, Qt::Key_Z, Qt::ControlModifier);
    EXPECT_EQ(model().drawings()[0], moved);
    key(canvas, Qt::Key_Z, Qt::ControlModifier);
    EXPECT_EQ(model().drawings()[0], added);
    key(canvas, Qt::Key_Z, Qt::ControlModifier);
    EXPECT_TRUE(model().drawings().empty());
    EXPECT_TRUE(settings->drawings("BTCUSDT").empty());  // undo saves too
    // Ctrl+Shift+Z forward again.
    key(canvas, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    EXPECT_EQ(model().drawings().size(), 1U);
    key(canvas, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    key(canvas, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    ASSERT_EQ(model().drawings().size(), 1U);
    EXPECT_EQ(model().drawings()[0], styled);
    EXPECT_EQ(settings->drawings("BTCUSDT").at(0).rgba, 0x00ff00ffU);
    // A vertical line takes one click from its tool: one step.
    const int stepsBefore = stack().index();
    window->findChild<QAction*>("draw_vline")->trigger();
    QTest::mouseClick(canvas, Qt::LeftButton, {}, (at + QPointF(150, 0)).toPoint());
    ASSERT_EQ(model().drawings().size(), 2U);
    EXPECT_EQ(model().drawings()[1].kind, chart::DrawingKind::VerticalLine);
    EXPECT_FALSE(canvas->drawingTool());
    EXPECT_EQ(stack().index(), stepsBefore + 1);
    key(canvas, Qt::Key_Z, Qt::ControlModifier);
    EXPECT_EQ(model().drawings().size(), 1U);
    // A new change after an undo drops the redo branch.
    model().removeDrawing(model().drawings()[0].id);
    EXPECT_FALSE(stack().canRedo());
}

TEST_F(ChartObjects, UndoAndRedoCoverIndicatorsAddedChangedAndRemoved) {
    ASSERT_TRUE(window->addIndicator(defaults("RSI", indicators::Placement::Pane)));
    IndicatorSpec rsi = window->indicatorSpecs()[0];
    ASSERT_TRUE(window->addIndicator(defaults("SMA", indicators::Placement::Overlay)));
    IndicatorSpec changed = rsi;
    changed.params = {7};
    changed.levels = {10, 90};
    ASSERT_TRUE(window->editIndicator(0, changed));
    ASSERT_TRUE(window->removeIndicator(1));
    EXPECT_EQ(stack().count(), 4);
    EXPECT_EQ(stack().undoText(), "Remove indicator");

    stack().undo();  // the SMA is back, over the candles
    ASSERT_EQ(window->indicatorCount(), 2U);
    EXPECT_EQ(window->indicatorSpecs()[1].name, "SMA");
    EXPECT_EQ(model().overlays().size(), 1U);
    stack().undo();  // RSI 14 with its 30 / 70 again
    EXPECT_EQ(window->indicatorSpecs()[0].params, std::vector<double>{14});
    EXPECT_EQ(model().panes().at(0).levels, (std::vector<double>{30, 70}));
    EXPECT_EQ(window->indicator(0)->params()[0], 14);  // recomputed with it
    EXPECT_EQ(settings->indicators("BTCUSDT")[0].params, std::vector<double>{14});
    stack().undo();
    stack().undo();
    EXPECT_EQ(window->indicatorCount(), 0U);
    EXPECT_TRUE(model().panes().empty());
    stack().redo();
    stack().redo();
    stack().redo();
    ASSERT_EQ(window->indicatorCount(), 2U);
    EXPECT_EQ(window->indicatorSpecs()[0], changed);
    EXPECT_EQ(model().panes().at(0).levels, (std::vector<double>{10, 90}));
    // Another symbol: its own history.
    window->openSeries("ETHUSDT", Interval::M1);
    ASSERT_TRUE(test::processEventsUntil([&] { return controller->currentKey().symbol == "ETHUSDT"; }, 10000));
    EXPECT_EQ(stack().count(), 0);
}

// ---- object tree -----------------------------------------------------------------------------

TEST_F(ChartObjects, TheObjectTreeListsShowsHidesAndDeletesAllInOneUndoStep) {
    const QPointF at = paneCentre();
    model().addDrawing(chart::Drawing{0, chart::DrawingKind::HorizontalLine, model().anchorAt({at.x(), at.y()}), {}});
    model().addDrawing(chart::Drawing{0, chart::DrawingKind::Rectangle, model().anchorAt({at.x() - 50, at.y() - 50}),
                                      model().anchorAt({at.x() + 50, at.y() + 50})});
    ASSERT_TRUE(window->addIndicator(defaults("RSI", indicators::Placement::Pane)));
    QAction* toggle = window->findChild<QAction*>("objectTreeAction");
    ASSERT_NE(toggle, nullptr);
    ObjectTree* tree = window->objectTree();
    EXPECT_FALSE(tree->isVisible());
    toggle->trigger();
    ASSERT_TRUE(test::processEventsUntil([&] { return tree->isVisible(); }, 3000));
    ASSERT_EQ(tree->drawingsItem()->childCount(), 2);
    ASSERT_EQ(tree->indicatorsItem()->childCount(), 1);
    EXPECT_TRUE(tree->drawingsItem()->child(0)->text(0).startsWith("Horizontal line"));
    EXPECT_TRUE(tree->indicatorsItem()->child(0)->text(0).startsWith("RSI"));

    // Unticking hides, ticking shows (the way back for "Hide" from a menu).
    const std::uint64_t rect = model().drawings()[1].id;
    tree->drawingsItem()->child(1)->setCheckState(0, Qt::Unchecked);
    EXPECT_TRUE(model().drawing(rect)->hidden);
    tree->drawingsItem()->child(1)->setCheckState(0, Qt::Checked);
    EXPECT_FALSE(model().drawing(rect)->hidden);
    tree->indicatorsItem()->child(0)->setCheckState(0, Qt::Unchecked);
    EXPECT_TRUE(window->indicatorSpecs()[0].hidden);
    EXPECT_TRUE(model().panes().empty());
    tree->indicatorsItem()->child(0)->setCheckState(0, Qt::Checked);
    EXPECT_EQ(model().panes().size(), 1U);

    // A new drawing shows up in the list.
    model().addDrawing(chart::Drawing{0, chart::DrawingKind::HorizontalLine, model().anchorAt({at.x(), at.y() + 40}), {}});
    EXPECT_EQ(tree->drawingsItem()->childCount(), 3);

    const auto before = model().drawings();
    const int steps = stack().count();
    tree->findChild<QPushButton*>("objectTreeDeleteAll")->click();
    EXPECT_TRUE(model().drawings().empty());
    EXPECT_EQ(window->indicatorCount(), 0U);
    EXPECT_EQ(tree->drawingsItem()->childCount(), 0);
    EXPECT_EQ(stack().count(), steps + 1);  // one step
    EXPECT_TRUE(settings->drawings("BTCUSDT").empty());
    EXPECT_TRUE(settings->indicators("BTCUSDT").empty());
    EXPECT_FALSE(tree->findChild<QPushButton*>("objectTreeDeleteAll")->isEnabled());
    stack().undo();
    EXPECT_EQ(model().drawings(), before);
    EXPECT_EQ(window->indicatorCount(), 1U);
    EXPECT_EQ(tree->drawingsItem()->childCount(), 3);

    // Delete on one row removes that object.
    tree->tree()->setCurrentItem(tree->drawingsItem()->child(0));
    tree->findChild<QPushButton*>("objectTreeDelete")->click();
    EXPECT_EQ(model().drawings().size(), 2U);
}

// ---- copy chart image --------------------------------------------------------------------------

TEST_F(ChartObjects, CtrlShiftCCopiesTheChartImageToTheClipboard) {
    window->activateWindow();
    ASSERT_TRUE(test::processEventsUntil([&] { return QApplication::activeWindow() == window.get(); }, 5000));
    window->canvas()->setFocus();
    QGuiApplication::clipboard()->clear();
    ASSERT_TRUE(QGuiApplication::clipboard()->image().isNull());
    key(window->canvas(), Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);
    const QImage image = QGuiApplication::clipboard()->image();
    ASSERT_FALSE(image.isNull());
    EXPECT_EQ(image.size(), window->canvas()->size() * window->canvas()->devicePixelRatioF());
    EXPECT_GT(test::countColor(image, test::kRising), 100);  // candles, not a blank picture
    EXPECT_TRUE(window->statusBar()->currentMessage().contains("clipboard"));
}

// ---- typing on the chart -----------------------------------------------------------------------

TEST(TypedTimeframe, DigitsAreMinutesAndAUnitNamesTheRest) {
    EXPECT_EQ(MainWindow::typedInterval("15"), Interval::M15);
    EXPECT_EQ(MainWindow::typedInterval("1"), Interval::M1);
    EXPECT_EQ(MainWindow::typedInterval("60"), Interval::H1);
    EXPECT_EQ(MainWindow::typedInterval("240"), Interval::H4);
    EXPECT_EQ(MainWindow::typedInterval("1440"), Interval::D1);
    EXPECT_EQ(MainWindow::typedInterval("4h"), Interval::H4);
    EXPECT_EQ(MainWindow::typedInterval("1D"), Interval::D1);
    EXPECT_EQ(MainWindow::typedInterval("1w"), Interval::W1);
    EXPECT_EQ(MainWindow::typedInterval("1M"), Interval::Mo1);
    EXPECT_EQ(MainWindow::typedInterval("1s"), Interval::S1);
    EXPECT_FALSE(MainWindow::typedInterval("7"));    // no 7-minute candles
    EXPECT_FALSE(MainWindow::typedInterval("90"));   // nor 1.5 h
    EXPECT_FALSE(MainWindow::typedInterval("h"));
    EXPECT_FALSE(MainWindow::typedInterval("0"));
}

TEST_F(ChartObjects, TypingOnTheChartSwitchesTimeframeOrOpensTheSymbolSearch) {
    window->activateWindow();
    ASSERT_TRUE(test::processEventsUntil([&] { return QApplication::activeWindow() == window.get(); }, 5000));
    chart_qt::ChartCanvas* canvas = window->canvas();
    canvas->setFocus();
    QTest::keyClicks(canvas, "15");
    EXPECT_EQ(window->typedTimeframe(), "15");
    EXPECT_TRUE(window->statusBar()->currentMessage().contains("15"));
    QTest::keyClick(canvas, Qt::Key_Return);
    EXPECT_EQ(controller->currentKey().interval, Interval::M15);
    EXPECT_TRUE(window->typedTimeframe().isEmpty());
    // A unit; Escape cancels; a bad one says what to type.
    QTest::keyClicks(canvas, "4h");
    QTest::keyClick(canvas, Qt::Key_Escape);
    EXPECT_TRUE(window->typedTimeframe().isEmpty());
    QTest::keyClicks(canvas, "7");
    QTest::keyClick(canvas, Qt::Key_Return);
    EXPECT_EQ(controller->currentKey().interval, Interval::M15);
    EXPECT_TRUE(window->statusBar()->currentMessage().contains("No timeframe"));
    QTest::keyClicks(canvas, "4h");
    QTest::keyClick(canvas, Qt::Key_Enter);
    EXPECT_EQ(controller->currentKey().interval, Interval::H4);
    // A letter: the symbol search, with the letter typed.
    canvas->setFocus();
    QTest::keyClick(canvas, Qt::Key_E, Qt::NoModifier);
    auto* symbolBox = window->findChild<QComboBox*>("symbolBox");
    ASSERT_NE(symbolBox, nullptr);
    EXPECT_TRUE(symbolBox->hasFocus() || symbolBox->lineEdit()->hasFocus());
    EXPECT_EQ(symbolBox->lineEdit()->text(), "E");
}

// ---- more drawing tools -----------------------------------------------------------------------

TEST_F(ChartObjects, EveryToolOfTheSideToolbarPlacesItsDrawingInOneUndoStep) {
    window->activateWindow();
    ASSERT_TRUE(test::processEventsUntil([&] { return QApplication::activeWindow() == window.get(); }, 5000));
    chart_qt::ChartCanvas* canvas = window->canvas();
    const QPointF at = paneCentre();
    int expected = 0;
    for (const chart::DrawingKind kind : chart::kAllDrawingKinds) {
        SCOPED_TRACE(std::string(chart::toString(kind)));
        auto* tool = window->findChild<QAction*>(QStringLiteral("draw_") + QString::fromUtf8(chart::toString(kind).data()));
        ASSERT_NE(tool, nullptr);
        EXPECT_FALSE(tool->icon().isNull());
        if (kind == chart::DrawingKind::Text) {
            // The note asks for its words.
            tool->trigger();
            QTest::mouseClick(canvas, Qt::LeftButton, {}, at.toPoint());
            ASSERT_TRUE(whenDialogOpens<QInputDialog>([](QInputDialog& dialog) {
                dialog.setTextValue(QStringLiteral("Breakout here?"));
                dialog.accept();
            }));
        } else {
            tool->trigger();
            QTest::mouseClick(canvas, Qt::LeftButton, {}, (at - QPointF(80, 20)).toPoint());
            if (chart::anchorCount(kind) == 2) {
                QTest::mouseMove(canvas, (at + QPointF(80, 20)).toPoint());
                QTest::mouseClick(canvas, Qt::LeftButton, {}, (at + QPointF(80, 20)).toPoint());
            }
        }
        ++expected;
        ASSERT_EQ(model().drawings().size(), static_cast<std::size_t>(expected));
        const chart::Drawing& placed = model().drawings().back();
        EXPECT_EQ(placed.kind, kind);
        EXPECT_FALSE(tool->isChecked());  // the tool is done after placing one
        if (kind == chart::DrawingKind::Text) {
            EXPECT_EQ(placed.text, "Breakout here?");
        }
        if (kind == chart::DrawingKind::LongPosition) {
            EXPECT_GT(placed.b.price, placed.a.price);
            EXPECT_LT(placed.c.price, placed.a.price);
        }
    }
    // Saved and read back with their third anchors and text.
    const auto saved = settings->drawings("BTCUSDT");
    ASSERT_EQ(saved.size(), model().drawings().size());
    for (std::size_t i = 0; i < saved.size(); ++i) {
        EXPECT_EQ(saved[i].kind, model().drawings()[i].kind);
        EXPECT_EQ(saved[i].c, model().drawings()[i].c);
        EXPECT_EQ(saved[i].text, model().drawings()[i].text);
    }
    // Ctrl+Z takes the last one away.
    window->activateWindow();
    ASSERT_TRUE(test::processEventsUntil([&] { return QApplication::activeWindow() == window.get(); }, 5000));
    canvas->setFocus();
    const int steps = stack().count();
    QTest::keyClick(canvas, Qt::Key_Z, Qt::ControlModifier);
    EXPECT_EQ(model().drawings().size(), static_cast<std::size_t>(expected - 1));
    EXPECT_EQ(stack().index(), steps - 1);
}

TEST_F(ChartObjects, ShiftDragMeasuresUntilAClickOrEscape) {
    chart_qt::ChartCanvas* canvas = window->canvas();
    canvas->setFocus();
    const QPoint from = paneCentre().toPoint();
    const QPoint to = from + QPoint(120, 60);
    QTest::mousePress(canvas, Qt::LeftButton, Qt::ShiftModifier, from);
    QTest::mouseMove(canvas, from + QPoint(60, 30));
    QTest::mouseMove(canvas, to);
    QTest::mouseRelease(canvas, Qt::LeftButton, Qt::ShiftModifier, to);
    ASSERT_TRUE(model().measure());
    EXPECT_LT(model().measure()->to.price, model().measure()->from.price);  // dragged down
    EXPECT_GT(model().measure()->to.timeMs, model().measure()->from.timeMs);
    EXPECT_TRUE(model().drawings().empty());
    EXPECT_EQ(stack().count(), 0);  // nothing to undo: a measure is not a drawing
    // Drawn on the chart: its figures in the overlay.
    chart::OverlayItems overlay;
    chart::buildOverlay(model(), overlay);
    ASSERT_TRUE(overlay.measure);
    EXPECT_NE(overlay.measure->label.texts.at(1).text.find(" bars, "), std::string::npos);
    QTest::keyClick(canvas, Qt::Key_Escape);
    EXPECT_FALSE(model().measure());
    // A plain drag pans; the next Shift+drag measures again, and a click ends it.
    QTest::mousePress(canvas, Qt::LeftButton, Qt::ShiftModifier, from);
    QTest::mouseMove(canvas, to);
    QTest::mouseRelease(canvas, Qt::LeftButton, Qt::ShiftModifier, to);
    ASSERT_TRUE(model().measure());
    QTest::mouseClick(canvas, Qt::LeftButton, {}, from);
    EXPECT_FALSE(model().measure());
}

TEST_F(ChartObjects, TheMagnetSnapsNewPointsToTheBarAndIsRemembered) {
    auto* magnet = window->findChild<QAction*>(QStringLiteral("magnetAction"));
    ASSERT_NE(magnet, nullptr);
    EXPECT_FALSE(magnet->isChecked());
    magnet->trigger();
    EXPECT_TRUE(model().magnet());
    EXPECT_TRUE(settings->magnet());
    chart_qt::ChartCanvas* canvas = window->canvas();
    window->findChild<QAction*>(QStringLiteral("draw_hline"))->trigger();
    QTest::mouseClick(canvas, Qt::LeftButton, {}, paneCentre().toPoint());
    ASSERT_EQ(model().drawings().size(), 1U);
    const chart::Drawing& line = model().drawings()[0];
    const auto candles = model().candles();
    const std::size_t index = model().series()->lowerBound(line.a.timeMs);
    ASSERT_LT(index, candles.size());
    const auto& bar = candles[index];
    const double p = line.a.price;
    EXPECT_TRUE(p == bar.open.toDouble() || p == bar.high.toDouble() || p == bar.low.toDouble() || p == bar.close.toDouble())
        << p;
    magnet->trigger();
    EXPECT_FALSE(settings->magnet());
}

TEST_F(ChartObjects, TheAutoButtonFollowsTheMouseOnThePriceAxis) {
    auto* autoAction = window->findChild<QAction*>(QStringLiteral("autoScaleAction"));
    ASSERT_NE(autoAction, nullptr);
    ASSERT_TRUE(autoAction->isChecked());
    chart_qt::ChartCanvas* canvas = window->canvas();
    const chart::Rect axis = model().layout().priceAxis;
    const QPoint on(static_cast<int>(axis.x + axis.width / 2), static_cast<int>(axis.y + axis.height / 2));
    // Dragging the axis scales by hand: autoscale goes off, and so does the button.
    QTest::mousePress(canvas, Qt::LeftButton, {}, on);
    QTest::mouseMove(canvas, on + QPoint(0, 30));
    QTest::mouseRelease(canvas, Qt::LeftButton, {}, on + QPoint(0, 30));
    EXPECT_FALSE(model().autoScale());
    EXPECT_FALSE(autoAction->isChecked());
    // A double-click on the axis turns it back on.
    QTest::mouseDClick(canvas, Qt::LeftButton, {}, on);
    EXPECT_TRUE(model().autoScale());
    EXPECT_TRUE(autoAction->isChecked());
}
