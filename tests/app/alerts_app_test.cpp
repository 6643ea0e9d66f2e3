// Issue 15's GUI, "Alerts that never miss": the app's one alert engine (AlertService on the
// controller's market session) against the demo simulator, offscreen. Adding an alert from the
// chart's context menu and a drawing's menu stores it; a price cross on the simulator fires →
// a row in the log dock, a marker on the chart and one notification; the log and the markers come
// back after a restart; pause, resume and delete from the Alerts dialog; a malformed condition is
// refused in the editor with the parser's message; a refused database is a visible state. The
// desktop notifier: the D-Bus call's shape without a bus, and the tray when there is no service.
#include <gtest/gtest.h>

#include <QAction>
#include <QApplication>
#include <QDBusArgument>
#include <QDialogButtonBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QStatusBar>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QVariantMap>

#include "app_test_util.hpp"
#include "cpc/alerts/alert_store.hpp"
#include "cpc/app/alert_log_dock.hpp"
#include "cpc/app/alert_service.hpp"
#include "cpc/app/alerts_dialog.hpp"
#include "cpc/app/alerts_ui.hpp"
#include "cpc/app/chart_pane.hpp"
#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/desktop_notifier.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/chart/chart_views.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"
#include "cpc/core/time.hpp"
#include "cpc/session/venue_paths.hpp"
#include "cpc/sim/sim_server.hpp"

using namespace cpc;
using namespace cpc::app;
using namespace std::chrono_literals;

namespace {

struct RecordingNotifier final : Notifier {
    std::vector<Notification> seen;
    void notify(const Notification& n) override { seen.push_back(n); }
};

QAction* action(QMenu& menu, const char* name) { return menu.findChild<QAction*>(QString::fromLatin1(name)); }

// Runs `handle` on the next modal dialog of type D once it is open, then waits for it to close.
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

void clickOk(QDialog& dialog) {
    auto* box = dialog.findChild<QDialogButtonBox*>();
    QTest::mouseClick(box->button(QDialogButtonBox::Ok), Qt::LeftButton);
}

std::vector<alerts::Alert> stored(const std::string& path) {
    auto store = alerts::AlertStore::open(path);
    if (!store) {
        ADD_FAILURE() << store.error().message;
        return {};
    }
    auto loaded = (*store)->load();
    return loaded ? loaded->alerts : std::vector<alerts::Alert>{};
}

alerts::Alert neverFiring(const SeriesKey& key, const char* message) {
    alerts::Alert a;
    a.key = key;
    a.condition = *alerts::parseCondition("price < 0.00000001");
    a.message = message;
    return a;
}

class AlertsApp : public ::testing::Test {
protected:
    void SetUp() override {
        ControllerOptions options;
        options.demo = true;
        options.simPushIntervalMs = 100;
        options.databasePath = dir.filePath("demo.sqlite3").toStdString();
        controller = std::make_unique<ChartController>(options);
        ASSERT_TRUE(controller->start());
        settings = std::make_unique<AppSettings>(dir.filePath("settings.ini"));
        alertsPath = dir.filePath("alerts.sqlite3").toStdString();
        startAlerts();
        ASSERT_TRUE(test::processEventsUntil([&] {
            return controller->currentSeries() && controller->currentSeries()->size() >= 300;
        }, 30000));
        QCoreApplication::processEvents();
        model().prepareFrame(model().takeInvalidation());
    }
    void TearDown() override { stopAlerts(); controller.reset(); }

    // The composition runApp makes: the service on the controller's session (the demo's binance
    // simulator as the venue), then the window and the alert GUI on it.
    void startAlerts() {
        const sim::SimServer* sim = controller->simulator();
        alerts::EngineConfig config;
        config.endpoints["binance"] = {sim->restBase(), session::withVenueStreamPath(sim->streamBase(), "binance")};
        config.feed.backoffBase = 100ms;
        config.feed.backoffMax = 400ms;
        config.saveEvery = 200ms;
        config.reloadEvery = 200ms;
        service = std::make_unique<AlertService>(controller->services().market(), alertsPath, config);
        service->start();
        window = std::make_unique<MainWindow>(*controller, *settings);
        ui = new AlertsUi(*window, *controller, *service, *settings, notifier);
        window->resize(1200, 800);
        window->show();
        window->openSeries("BTCUSDT", Interval::M1);
    }
    void stopAlerts() {
        window.reset();  // the alert GUI with it
        ui = nullptr;
        service.reset();
    }
    chart::ChartModel& model() { return window->canvas()->model(); }
    QPointF paneCentre() {
        const chart::Rect r = model().layout().candlePane;
        return {r.x + r.width * 0.5, r.y + r.height * 0.55};
    }

    QTemporaryDir dir;
    std::unique_ptr<ChartController> controller;
    std::unique_ptr<AppSettings> settings;
    std::string alertsPath;
    RecordingNotifier notifier;
    std::unique_ptr<AlertService> service;
    std::unique_ptr<MainWindow> window;
    AlertsUi* ui = nullptr;
};

}  // namespace

TEST_F(AlertsApp, AddAlertFromTheChartMenuAndFromADrawingStoresIt) {
    ASSERT_TRUE(service->running()) << service->failure().toStdString();
    const QPointF at = paneCentre();
    const double price = model().roundToTick(model().priceScale().yToPrice(at.y()));
    const QString priceText = QString::number(price, 'f', model().priceDecimals());
    auto menu = window->contextMenuAt(at);
    QAction* add = action(*menu, "chartAddAlert");
    ASSERT_NE(add, nullptr);
    EXPECT_TRUE(add->isEnabled());
    add->trigger();
    QString shownCondition;
    ASSERT_TRUE(whenDialogOpens<AlertEditDialog>([&](AlertEditDialog& d) {
        shownCondition = d.findChild<QLineEdit*>(QStringLiteral("alertCondition"))->text();
        d.findChild<QLineEdit*>(QStringLiteral("alertMessage"))->setText(QStringLiteral("round number"));
        clickOk(d);
    }));
    // The dialog shows the condition's canonical text: the price without trailing zeros
    // ("7534.1" for a price drawn as 7534.10), so compare it read back, and as that text.
    const auto menuCondition = alerts::parseCondition("price crosses " + priceText.toStdString());
    ASSERT_TRUE(menuCondition);
    EXPECT_EQ(shownCondition.toStdString(), (*menuCondition).text());
    auto alerts = stored(alertsPath);
    ASSERT_EQ(alerts.size(), 1U);
    EXPECT_EQ(alerts[0].key, (SeriesKey{"binance", "BTCUSDT", Interval::M1}));
    EXPECT_EQ(alerts[0].condition, *alerts::parseCondition("price crosses " + priceText.toStdString()));
    EXPECT_EQ(alerts[0].message, "round number");
    EXPECT_EQ(alerts[0].frequency, alerts::Frequency::Once);

    // A horizontal line's menu: "Alert on cross…" makes the line's condition.
    chart::DrawingAnchor anchor = model().anchorAt(chart::Point{at.x(), at.y()});
    anchor.price = price;
    model().addDrawing(chart::Drawing{0, chart::DrawingKind::HorizontalLine, anchor, anchor});
    menu = window->contextMenuAt(at);
    QAction* onCross = action(*menu, "drawingAlertOnCross");
    ASSERT_NE(onCross, nullptr);
    onCross->trigger();
    ASSERT_TRUE(whenDialogOpens<AlertEditDialog>([&](AlertEditDialog& d) { clickOk(d); }));
    alerts = stored(alertsPath);
    ASSERT_EQ(alerts.size(), 2U);
    const auto expected = alerts::lineCondition(alerts::LineShape{alerts::LineShape::Kind::Horizontal,
                                                                  {anchor.timeMs, price}, {anchor.timeMs, price}});
    EXPECT_EQ(alerts[1].condition.text(), expected.text());
    // Cancel adds nothing.
    menu = window->contextMenuAt(at);
    action(*menu, "drawingAlertOnCross")->trigger();
    ASSERT_TRUE(whenDialogOpens<AlertEditDialog>([&](AlertEditDialog& d) { d.reject(); }));
    EXPECT_EQ(stored(alertsPath).size(), 2U);
}

TEST(AlertsDrawings, EachLineKindAndTheRectangleMakeTheirConditionOthersNone) {
    using Kind = alerts::LineShape::Kind;
    const chart::DrawingAnchor a{1'700'000'000'000, 100}, b{1'700'000'600'000, 110};
    chart::Drawing d{0, chart::DrawingKind::TrendLine, a, b};
    const alerts::Anchor aa{a.timeMs, a.price}, bb{b.timeMs, b.price};
    EXPECT_EQ(drawingAlertCondition(d), alerts::lineCondition({Kind::Trend, aa, bb}));
    d.extendRight = true;
    EXPECT_EQ(drawingAlertCondition(d), alerts::lineCondition({Kind::Ray, aa, bb}));
    d.extendLeft = true;
    EXPECT_EQ(drawingAlertCondition(d), alerts::lineCondition({Kind::Extended, aa, bb}));
    d = chart::Drawing{0, chart::DrawingKind::Ray, a, b};
    EXPECT_EQ(drawingAlertCondition(d), alerts::lineCondition({Kind::Ray, aa, bb}));
    d = chart::Drawing{0, chart::DrawingKind::HorizontalLine, a, b};
    EXPECT_EQ(drawingAlertCondition(d), alerts::lineCondition({Kind::Horizontal, aa, aa}));
    d = chart::Drawing{0, chart::DrawingKind::Rectangle, a, b};
    EXPECT_EQ(drawingAlertCondition(d), alerts::boxCondition(aa, bb, true));
    d = chart::Drawing{0, chart::DrawingKind::Fibonacci, a, b};
    EXPECT_FALSE(drawingAlertCondition(d));
    // Each reads back from its text (what the editor shows and the store keeps).
    for (const auto kind : {chart::DrawingKind::TrendLine, chart::DrawingKind::Ray, chart::DrawingKind::Rectangle}) {
        const auto c = drawingAlertCondition(chart::Drawing{0, kind, a, b});
        ASSERT_TRUE(c);
        EXPECT_EQ(alerts::parseCondition(c->text()).value(), *c);
    }
}

// A level the simulator's price first reaches at least `leadMs` from now (the first 1s bar making
// a new high or low over every bar since now), as in the engine's own tests.
struct Plan {
    Candle bar;
    double level = 0;
    bool up = true;
};

Plan planCross(const sim::SimServer& server, std::int64_t leadMs) {
    Plan plan;
    const std::int64_t first = bucketStart(Interval::S1, nowMs());
    const auto bars = server.model().klines("BTCUSDT", Interval::S1, first, first + 600'000, 1000, first + 700'000);
    double highest = 0, lowest = 0;
    for (const Candle& c : bars) {
        const double high = c.high.toDouble(), low = c.low.toDouble();
        if (c.openTime >= first + leadMs && highest > 0 && (high > highest || low < lowest)) {
            plan.bar = c;
            plan.up = high > highest;
            plan.level = plan.up ? (highest + high) / 2 : (lowest + low) / 2;
            return plan;
        }
        highest = highest > 0 ? std::max(highest, high) : high;
        lowest = lowest > 0 ? std::min(lowest, low) : low;
    }
    ADD_FAILURE() << "no new high or low within ten minutes of the simulator's market";
    return plan;
}

TEST_F(AlertsApp, ACrossOnTheSimulatorFiresALogRowAMarkerAndANotificationAndTheyComeBackAfterARestart) {
    ASSERT_TRUE(service->running()) << service->failure().toStdString();
    settings->setAlertSound(true);
    const Plan plan = planCross(*controller->simulator(), 3000);
    alerts::Alert a;
    // 1s bars: another series than the chart's 1m — the engine watches it on its own.
    a.key = SeriesKey{"binance", "BTCUSDT", Interval::S1};
    a.condition = *alerts::parseCondition(std::string("price crosses ") + (plan.up ? "up " : "down ") +
                                          QString::number(plan.level, 'f', 8).toStdString());
    a.message = "new extreme";
    auto id = service->add(a);
    ASSERT_TRUE(id.ok()) << id.error().message;
    QTableWidget* log = ui->logDock()->table();
    EXPECT_EQ(log->rowCount(), 0);
    const std::int64_t wait = std::max<std::int64_t>(0, closeTime(Interval::S1, plan.bar.openTime) - nowMs()) + 20'000;
    ASSERT_TRUE(test::processEventsUntil([&] { return log->rowCount() > 0; }, static_cast<int>(wait)))
        << "level " << plan.level;
    test::processEventsUntil([] { return false; }, 1500);  // time for a wrong second firing
    ASSERT_EQ(log->rowCount(), 1);
    ASSERT_EQ(service->log().size(), 1U);
    const alerts::Trigger t = service->log().front();
    EXPECT_EQ(t.alertId, *id);
    EXPECT_EQ(t.barOpenTime, plan.bar.openTime);
    EXPECT_FALSE(t.late);
    EXPECT_EQ(log->item(0, AlertLogDock::ColSymbol)->text(), QStringLiteral("binance · BTCUSDT · 1s"));
    EXPECT_EQ(log->item(0, AlertLogDock::ColCondition)->text(), QString::fromStdString(a.condition.text()));
    EXPECT_EQ(log->item(0, AlertLogDock::ColPrice)->text(), AlertLogDock::priceText(t.price));
    EXPECT_EQ(log->item(0, AlertLogDock::ColLate)->text(), QStringLiteral("no"));
    EXPECT_EQ(log->item(0, AlertLogDock::ColMessage)->text(), QStringLiteral("new extreme"));
    // The price reached the level in that bar (the cross may come with the bar's first trade).
    if (plan.up) EXPECT_GE(plan.bar.high.toDouble(), plan.level);
    else EXPECT_LE(plan.bar.low.toDouble(), plan.level);
    EXPECT_EQ(t.condition, a.condition.text());
    // One notification, with the sound asked for.
    ASSERT_EQ(notifier.seen.size(), 1U);
    EXPECT_TRUE(notifier.seen[0].title.contains(QStringLiteral("BTCUSDT")));
    EXPECT_TRUE(notifier.seen[0].body.contains(QStringLiteral("new extreme")));
    EXPECT_TRUE(notifier.seen[0].sound);
    // A marker on the 1m chart of the symbol, where it fired, drawn in the frame.
    ASSERT_EQ(model().markers().size(), 1U);
    EXPECT_EQ(model().markers()[0].timeMs, t.timeMs);
    EXPECT_DOUBLE_EQ(model().markers()[0].price, t.price);
    model().prepareFrame(model().takeInvalidation());
    chart::FrameItems frame;
    chart::buildFrame(model(), frame);
    ASSERT_EQ(frame.markers.size(), 1U);
    EXPECT_FLOAT_EQ(frame.markers[0].x, static_cast<float>(model().timeToX(bucketStart(Interval::M1, t.timeMs))));
    if (const char* shots = std::getenv("CPC_ALERTS_SCREENSHOTS")) {
        ui->logDock()->show();
        QCoreApplication::processEvents();
        window->grab().save(QString::fromLocal8Bit(shots) + "/fired.png");
    }

    // Restart: a new engine on the same database — the log and the marker come back, nothing
    // fires again.
    stopAlerts();
    notifier.seen.clear();
    startAlerts();
    ASSERT_TRUE(service->running());
    ASSERT_TRUE(test::processEventsUntil([&] { return controller->currentSeries() && controller->currentSeries()->size() >= 300; }, 30000));
    log = ui->logDock()->table();
    ASSERT_EQ(log->rowCount(), 1);
    EXPECT_EQ(log->item(0, AlertLogDock::ColCondition)->text(), QString::fromStdString(a.condition.text()));
    EXPECT_EQ(model().markers().size(), 1U);
    test::processEventsUntil([] { return false; }, 1500);
    EXPECT_EQ(log->rowCount(), 1);
    EXPECT_TRUE(notifier.seen.empty());
    const auto alerts = stored(alertsPath);
    ASSERT_EQ(alerts.size(), 1U);
    EXPECT_TRUE(alerts[0].done);
}

TEST_F(AlertsApp, TheDialogPausesResumesAndDeletesAndRefusesAMalformedConditionWithTheParsersMessage) {
    ASSERT_TRUE(service->running());
    const SeriesKey key{"binance", "BTCUSDT", Interval::M1};
    const auto first = service->add(neverFiring(key, "first"));
    const auto second = service->add(neverFiring(key, "second"));
    ASSERT_TRUE(first.ok() && second.ok());
    // From the menu, as a user opens it.
    QAction* open = window->menuBar()->findChild<QAction*>(QStringLiteral("alertsOpenDialog"));
    ASSERT_NE(open, nullptr);
    open->trigger();
    AlertsDialog* dialog = ui->alertsDialog();
    ASSERT_NE(dialog, nullptr);
    ASSERT_TRUE(QTest::qWaitForWindowExposed(dialog));
    QTableWidget* table = dialog->table();
    ASSERT_EQ(table->rowCount(), 2);
    auto* pause = dialog->findChild<QPushButton*>(QStringLiteral("alertsPause"));
    auto* del = dialog->findChild<QPushButton*>(QStringLiteral("alertsDelete"));
    EXPECT_FALSE(pause->isEnabled());  // nothing selected
    table->selectRow(0);
    EXPECT_EQ(dialog->selectedId(), *first);
    QTest::mouseClick(pause, Qt::LeftButton);
    auto alerts = stored(alertsPath);
    ASSERT_EQ(alerts.size(), 2U);
    EXPECT_TRUE(alerts[0].paused);
    EXPECT_FALSE(alerts[1].paused);
    EXPECT_EQ(table->item(0, 4)->text(), QStringLiteral("paused"));
    EXPECT_EQ(pause->text(), QStringLiteral("Resume"));
    QTest::mouseClick(pause, Qt::LeftButton);
    EXPECT_FALSE(stored(alertsPath)[0].paused);
    EXPECT_EQ(table->item(0, 4)->text(), QStringLiteral("active"));

    // A malformed condition: the editor shows the parser's message and stays open; nothing stored.
    QString shown;
    bool stillOpen = false;
    QTimer::singleShot(0, dialog, [&] {
        whenDialogOpens<AlertEditDialog>([&](AlertEditDialog& editor) {
            editor.findChild<QLineEdit*>(QStringLiteral("alertCondition"))->setText(QStringLiteral("price crosses banana"));
            clickOk(editor);
            shown = editor.errorText();
            stillOpen = editor.isVisible();
            EXPECT_TRUE(editor.findChild<QWidget*>(QStringLiteral("alertError"))->isVisible());
            if (std::getenv("CPC_ALERTS_SCREENSHOTS"))
                editor.grab().save(QString::fromLocal8Bit(std::getenv("CPC_ALERTS_SCREENSHOTS")) + "/alert_editor.png");
            editor.reject();
        });
    });
    QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("alertsAdd")), Qt::LeftButton);
    EXPECT_TRUE(stillOpen);
    EXPECT_EQ(shown.toStdString(), alerts::parseCondition("price crosses banana").error().message);
    EXPECT_EQ(stored(alertsPath).size(), 2U);

    // Edit: the changed alert replaces the old one (a new id; its message kept).
    table->selectRow(1);
    QTimer::singleShot(0, dialog, [&] {
        whenDialogOpens<AlertEditDialog>([&](AlertEditDialog& editor) {
            EXPECT_EQ(editor.findChild<QLineEdit*>(QStringLiteral("alertCondition"))->text(),
                      QStringLiteral("price < 0.00000001"));
            editor.findChild<QLineEdit*>(QStringLiteral("alertCondition"))->setText(QStringLiteral("RSI(14) > 70"));
            clickOk(editor);
        });
    });
    QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("alertsEdit")), Qt::LeftButton);
    alerts = stored(alertsPath);
    ASSERT_EQ(alerts.size(), 2U);
    EXPECT_EQ(alerts[0].id, *first);
    EXPECT_GT(alerts[1].id, *second);
    EXPECT_EQ(alerts[1].condition, *alerts::parseCondition("RSI(14) > 70"));
    EXPECT_EQ(alerts[1].message, "second");
    ASSERT_EQ(table->rowCount(), 2);
    EXPECT_EQ(table->item(1, 2)->text(), QString::fromStdString(alerts[1].condition.text()));

    table->selectRow(1);
    EXPECT_EQ(dialog->selectedId(), alerts[1].id);
    QTest::mouseClick(del, Qt::LeftButton);
    alerts = stored(alertsPath);
    ASSERT_EQ(alerts.size(), 1U);
    EXPECT_EQ(alerts[0].id, *first);
    EXPECT_EQ(table->rowCount(), 1);

    if (const char* shots = std::getenv("CPC_ALERTS_SCREENSHOTS")) {
        ui->logDock()->show();
        QCoreApplication::processEvents();
        dialog->grab().save(QString::fromLocal8Bit(shots) + "/alerts_dialog.png");
        window->grab().save(QString::fromLocal8Bit(shots) + "/window_with_log.png");
    }
}

TEST_F(AlertsApp, TheLogComesFromTheDatabaseAtStartLateFiringsSaySo) {
    // A firing recorded by an earlier run (here: written straight into the store).
    stopAlerts();
    {
        auto store = alerts::AlertStore::open(alertsPath);
        ASSERT_TRUE(store.ok());
        alerts::Alert a = neverFiring(SeriesKey{"binance", "BTCUSDT", Interval::M1}, "from yesterday");
        a.createdMs = nowMs() - 3'600'000;
        ASSERT_TRUE((*store)->add(a).ok());
        const auto bars = controller->currentSeries()->candles();
        alerts::Trigger t;
        t.alertId = a.id;
        t.key = a.key;
        t.condition = a.condition.text();
        t.message = a.message;
        t.barOpenTime = bars.openTime(bars.size() - 5);
        t.timeMs = closeTime(Interval::M1, t.barOpenTime);
        t.price = bars[bars.size() - 5].close.toDouble();
        t.late = true;
        t.detectedMs = nowMs();
        a.fireCount = 1;
        a.lastFiredMs = t.timeMs;
        ASSERT_TRUE((*store)->record(t, a).ok());
    }
    startAlerts();
    ASSERT_TRUE(test::processEventsUntil([&] { return controller->currentSeries() && controller->currentSeries()->size() >= 300; }, 30000));
    QTableWidget* log = ui->logDock()->table();
    ASSERT_EQ(log->rowCount(), 1);
    EXPECT_EQ(log->item(0, AlertLogDock::ColLate)->text(), QStringLiteral("late"));
    EXPECT_EQ(log->item(0, AlertLogDock::ColMessage)->text(), QStringLiteral("from yesterday"));
    ASSERT_EQ(model().markers().size(), 1U);
    EXPECT_TRUE(model().markers()[0].late);
    EXPECT_EQ(model().markers()[0].label, "from yesterday");
    // Another symbol's chart shows no marker of BTCUSDT's.
    window->openSeries("ETHUSDT", Interval::M1);
    ASSERT_TRUE(test::processEventsUntil([&] { return controller->currentKey().symbol == "ETHUSDT"; }, 10000));
    EXPECT_TRUE(model().markers().empty());
}

// With several charts (issue 14's workspace): a new alert is for the chart clicked last, and each
// chart shows the markers of its own symbol.
TEST_F(AlertsApp, InALayoutTheAlertIsTheActiveChartsAndEachChartShowsItsOwnMarkers) {
    stopAlerts();
    {
        auto store = alerts::AlertStore::open(alertsPath);
        ASSERT_TRUE(store.ok());
        alerts::Alert a = neverFiring(SeriesKey{"binance", "BTCUSDT", Interval::M1}, "on BTC");
        ASSERT_TRUE((*store)->add(a).ok());
        const auto bars = controller->currentSeries()->candles();
        alerts::Trigger t;
        t.alertId = a.id;
        t.key = a.key;
        t.condition = a.condition.text();
        t.message = a.message;
        t.barOpenTime = bars.openTime(bars.size() - 3);
        t.timeMs = closeTime(Interval::M1, t.barOpenTime);
        t.price = bars[bars.size() - 3].close.toDouble();
        t.detectedMs = nowMs();
        a.fireCount = 1;
        a.lastFiredMs = t.timeMs;
        ASSERT_TRUE((*store)->record(t, a).ok());
    }
    startAlerts();
    ASSERT_TRUE(window->applyLayout("2h"));
    const std::vector<ChartPane*> panes = window->panes();
    ASSERT_EQ(panes.size(), 2U);
    window->setActivePane(panes[1]);
    window->openSeries("ETHUSDT", Interval::M1);
    ASSERT_TRUE(test::processEventsUntil([&] { return panes[1]->controller().currentKey().symbol == "ETHUSDT"; }, 10000));
    EXPECT_EQ(ui->newAlertForChart().key.symbol, "ETHUSDT");
    window->setActivePane(panes[0]);
    EXPECT_EQ(ui->newAlertForChart().key.symbol, "BTCUSDT");
    ASSERT_TRUE(test::processEventsUntil([&] { return panes[0]->canvas()->model().markers().size() == 1U; }, 10000));
    EXPECT_EQ(panes[0]->canvas()->model().markers()[0].label, "on BTC");
    EXPECT_TRUE(panes[1]->canvas()->model().markers().empty());
    // The BTC chart of the second pane shows it too.
    window->setActivePane(panes[1]);
    window->openSeries("BTCUSDT", Interval::M1);
    ASSERT_TRUE(test::processEventsUntil([&] { return panes[1]->canvas()->model().markers().size() == 1U; }, 10000));
}

TEST_F(AlertsApp, ARefusedDatabaseIsAVisibleStateNotALineOnStderr) {
    stopAlerts();
    {
        QFile f(QString::fromStdString(alertsPath));
        ASSERT_TRUE(f.open(QIODevice::WriteOnly));
        f.write("these are my notes, not a database\n");
    }
    startAlerts();
    EXPECT_FALSE(service->running());
    ASSERT_FALSE(service->failure().isEmpty());
    EXPECT_TRUE(ui->stateLabel()->isVisible());
    EXPECT_EQ(ui->stateLabel()->text(), QStringLiteral("Alerts off"));
    EXPECT_EQ(ui->stateLabel()->toolTip(), service->failure());
    EXPECT_TRUE(window->statusBar()->currentMessage().contains(service->failure()));
    AlertsDialog* dialog = ui->showAlertsDialog();
    EXPECT_TRUE(dialog->stateText().contains(service->failure()));
    EXPECT_FALSE(dialog->findChild<QPushButton*>(QStringLiteral("alertsAdd"))->isEnabled());
    auto menu = window->contextMenuAt(paneCentre());
    ASSERT_NE(action(*menu, "chartAddAlert"), nullptr);
    EXPECT_FALSE(action(*menu, "chartAddAlert")->isEnabled());
    EXPECT_FALSE(service->add(neverFiring(controller->currentKey(), "x")).ok());
    // The file is left as it was.
    QFile f(QString::fromStdString(alertsPath));
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    EXPECT_EQ(f.readAll(), QByteArray("these are my notes, not a database\n"));
}

// ---- the desktop notifier -------------------------------------------------------------------

TEST(DesktopNotifierTest, TheFreedesktopCallHasTheSpecifiedShape) {
    const QDBusMessage m = freedesktopNotifyMessage({QStringLiteral("BTCUSDT: price crosses 67000"),
                                                     QStringLiteral("Price 67,001.5 at 12:00:01"), true});
    EXPECT_EQ(m.type(), QDBusMessage::MethodCallMessage);
    EXPECT_EQ(m.service(), QStringLiteral("org.freedesktop.Notifications"));
    EXPECT_EQ(m.path(), QStringLiteral("/org/freedesktop/Notifications"));
    EXPECT_EQ(m.interface(), QStringLiteral("org.freedesktop.Notifications"));
    EXPECT_EQ(m.member(), QStringLiteral("Notify"));
    const QList<QVariant> args = m.arguments();
    ASSERT_EQ(args.size(), 8);  // susssasa{sv}i
    EXPECT_EQ(args[0].typeId(), QMetaType::QString);
    EXPECT_EQ(args[0].toString(), QStringLiteral("CanvasProChart"));
    EXPECT_EQ(args[1].typeId(), QMetaType::UInt);
    EXPECT_EQ(args[1].toUInt(), 0U);
    EXPECT_EQ(args[2].toString(), QStringLiteral("io.github.canvasprochart.CanvasProChart"));
    EXPECT_EQ(args[3].toString(), QStringLiteral("BTCUSDT: price crosses 67000"));
    EXPECT_EQ(args[4].toString(), QStringLiteral("Price 67,001.5 at 12:00:01"));
    EXPECT_EQ(args[5].typeId(), QMetaType::QStringList);
    EXPECT_TRUE(args[5].toStringList().isEmpty());
    const QVariantMap hints = args[6].toMap();
    EXPECT_EQ(hints.value(QStringLiteral("sound-name")).toString(), QStringLiteral("message-new-instant"));
    EXPECT_EQ(hints.value(QStringLiteral("urgency")).typeId(), QMetaType::UChar);  // D-Bus byte
    EXPECT_EQ(hints.value(QStringLiteral("desktop-entry")).toString(), QStringLiteral("io.github.canvasprochart.CanvasProChart"));
    EXPECT_EQ(args[7].typeId(), QMetaType::Int);
    EXPECT_EQ(args[7].toInt(), -1);
    // Without sound: no sound name, and the daemon is asked to stay quiet.
    const QVariantMap quiet = freedesktopNotifyMessage({QStringLiteral("t"), QStringLiteral("b"), false}).arguments()[6].toMap();
    EXPECT_FALSE(quiet.contains(QStringLiteral("sound-name")));
    EXPECT_TRUE(quiet.value(QStringLiteral("suppress-sound")).toBool());
}

TEST(DesktopNotifierTest, TheServiceWhenPresentElseTheTrayWithABeepForTheSound) {
    bool service = true;
    std::vector<QDBusMessage> sent;
    std::vector<QString> tray;
    int beeps = 0;
    DesktopNotifier notifier(DesktopNotifier::Backends{
        [&] { return service; },
        [&](const QDBusMessage& m) { sent.push_back(m); return true; },
        [&](const QString& title, const QString&) { tray.push_back(title); return true; },
        [&] { ++beeps; }});
    notifier.notify({QStringLiteral("one"), QStringLiteral("b"), true});
    EXPECT_EQ(notifier.lastRoute(), DesktopNotifier::Route::DBus);
    ASSERT_EQ(sent.size(), 1U);
    EXPECT_EQ(sent[0].arguments()[3].toString(), QStringLiteral("one"));
    EXPECT_TRUE(tray.empty());
    EXPECT_EQ(beeps, 0);  // the daemon plays the sound-name
    service = false;  // the daemon went away
    notifier.notify({QStringLiteral("two"), QStringLiteral("b"), true});
    EXPECT_EQ(notifier.lastRoute(), DesktopNotifier::Route::Tray);
    ASSERT_EQ(tray.size(), 1U);
    EXPECT_EQ(tray[0], QStringLiteral("two"));
    EXPECT_EQ(beeps, 1);
    notifier.notify({QStringLiteral("three"), QStringLiteral("b"), false});
    EXPECT_EQ(beeps, 1);
    EXPECT_EQ(sent.size(), 1U);
}

TEST(DesktopNotifierTest, WithoutASessionBusTheRealRouteIsNotDBus) {
    // This test process has no session bus (offscreen, no DBUS_SESSION_BUS_ADDRESS): the real
    // service check says no and the notification goes to the tray (or nowhere when the platform
    // has no tray), never a call into the void.
    if (qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS")) GTEST_SKIP() << "a session bus is present";
    std::vector<QString> tray;
    DesktopNotifier notifier(DesktopNotifier::Backends{
        {}, {}, [&](const QString& title, const QString&) { tray.push_back(title); return true; }, [] {}});
    notifier.notify({QStringLiteral("t"), QStringLiteral("b"), false});
    EXPECT_EQ(notifier.lastRoute(), DesktopNotifier::Route::Tray);
    EXPECT_EQ(tray.size(), 1U);
}
