// The chart's context menus (MainWindow's, kept out of main_window.cpp): what a right click
// offers depends on what is under it — a drawing, an indicator (its pane or its legend row), the
// price axis, or the chart itself. Every change goes through the same calls as the toolbar and
// dialogs, so each is one undo step (ChartUndo) and is saved like any other.
#include <QAction>
#include <QActionGroup>
#include <QClipboard>
#include <QGuiApplication>
#include <QLocale>
#include <QMenu>
#include <QPointF>
#include <QStatusBar>
#include <QTimer>

#include "cpc/app/indicator_dialog.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/app/object_properties_dialog.hpp"
#include "cpc/app/object_tree.hpp"
#include "cpc/chart/format.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"
#include "cpc/session/indicator_set.hpp"
#include "cpc/app/chart_compare.hpp"
#include "cpc/app/chart_pane.hpp"

namespace cpc::app {

namespace {

QAction* addNamed(QMenu& menu, const QString& text, const char* name) {
    QAction* a = menu.addAction(text);
    a->setObjectName(QString::fromLatin1(name));
    return a;
}

}  // namespace

std::optional<std::size_t> MainWindow::indicatorAt(QPointF pos) const {
    const auto& model = m_canvas->model();
    const chart::Point p{pos.x(), pos.y()};
    const chart::ChartRegion region = model.regionAt(p);
    std::optional<std::uint64_t> id;
    indicators::Placement placement = indicators::Placement::Pane;
    if (region == chart::ChartRegion::ExtraPane || region == chart::ChartRegion::ExtraAxis) {
        if (const auto pane = model.paneAt(p); pane && *pane < model.panes().size()) id = model.panes()[*pane].id;
    } else if (region == chart::ChartRegion::CandlePane) {
        id = m_canvas->overlayLegendAt(pos);
        placement = indicators::Placement::Overlay;
    }
    if (!id) return std::nullopt;
    const std::vector<IndicatorSpec> specs = indicatorSpecs();
    for (std::size_t i = 0; i < specs.size(); ++i)
        if (indicatorChartId(i) == *id && specs[i].placement == placement) return i;
    return std::nullopt;
}

std::unique_ptr<QMenu> MainWindow::contextMenuAt(QPointF pos) {
    auto menu = std::make_unique<QMenu>(this);
    menu->setObjectName(QStringLiteral("chartContextMenu"));
    auto& model = m_canvas->model();
    const chart::Point p{pos.x(), pos.y()};
    const chart::ChartRegion region = model.regionAt(p);

    // ---- the price axis: its scale ---------------------------------------------------------
    if (region == chart::ChartRegion::PriceAxis) {
        QAction* autoScale = addNamed(*menu, tr("Auto (fit the visible bars)"), "scaleAuto");
        autoScale->setCheckable(true);
        autoScale->setChecked(model.autoScale());
        connect(autoScale, &QAction::triggered, this, [this](bool on) {
            m_canvas->model().setAutoScale(on);
            m_autoAction->setChecked(on);
        });
        menu->addSeparator();
        auto* modes = new QActionGroup(menu.get());
        const std::pair<chart::PriceScaleMode, std::pair<QString, const char*>> choices[] = {
            {chart::PriceScaleMode::Linear, {tr("Regular"), "scaleLinear"}},
            {chart::PriceScaleMode::Logarithmic, {tr("Logarithmic"), "scaleLog"}},
            {chart::PriceScaleMode::Percent, {tr("Percent"), "scalePercent"}}};
        for (const auto& [mode, label] : choices) {
            QAction* a = addNamed(*menu, label.first, label.second);
            a->setCheckable(true);
            a->setChecked(model.priceScaleMode() == mode);
            modes->addAction(a);
            connect(a, &QAction::triggered, this, [this, m = mode] { setPriceScaleMode(m); });
        }
        menu->addSeparator();
        QAction* invert = addNamed(*menu, tr("Invert scale"), "scaleInvert");
        invert->setCheckable(true);
        invert->setChecked(model.priceScaleInverted());
        connect(invert, &QAction::triggered, this, &MainWindow::setPriceScaleInverted);
        return menu;
    }

    // ---- a drawing (the canvas selected it on the right click) ------------------------------
    if (region == chart::ChartRegion::CandlePane) {
        if (const auto hit = model.drawingAt(p)) {
            const std::uint64_t id = *hit;
            const chart::Drawing& d = *model.drawing(id);
            // Deferred: a modal dialog opened from inside the menu's own event loop.
            connect(addNamed(*menu, tr("Properties…"), "drawingProperties"), &QAction::triggered, this,
                    [this, id] { QTimer::singleShot(0, this, [this, id] { openDrawingProperties(id); }); });
            connect(addNamed(*menu, tr("Clone"), "drawingClone"), &QAction::triggered, this, [this, id] { cloneDrawing(id); });
            QAction* lock = addNamed(*menu, tr("Lock"), "drawingLock");
            lock->setCheckable(true);
            lock->setChecked(d.locked);
            connect(lock, &QAction::triggered, this, [this, id](bool on) {
                if (const chart::Drawing* current = m_canvas->model().drawing(id)) {
                    chart::Drawing changed = *current;
                    changed.locked = on;
                    m_canvas->model().updateDrawing(changed);
                }
            });
            connect(addNamed(*menu, tr("Hide"), "drawingHide"), &QAction::triggered, this, [this, id] {
                if (const chart::Drawing* current = m_canvas->model().drawing(id)) {
                    chart::Drawing changed = *current;
                    changed.hidden = true;
                    m_canvas->model().updateDrawing(changed);
                    statusBar()->showMessage(tr("Drawing hidden: View ▸ Object tree shows it again"), 8000);
                }
            });
            for (const auto& extend : m_menuExtensions) extend(*menu, ContextMenuTarget{id, std::nullopt});
            menu->addSeparator();
            connect(addNamed(*menu, tr("Delete"), "drawingDelete"), &QAction::triggered, this,
                    [this, id] { m_canvas->model().removeDrawing(id); });
            return menu;
        }
    }

    // ---- an indicator: its pane, or its legend row over the candles ---------------------------
    if (const auto found = indicatorAt(pos)) {
        const std::size_t index = *found;
        QAction* title = menu->addAction(indicatorSpecs()[index].title());
        title->setEnabled(false);
        menu->addSeparator();
        connect(addNamed(*menu, tr("Settings…"), "indicatorSettings"), &QAction::triggered, this,
                [this, index] { QTimer::singleShot(0, this, [this, index] { openEditIndicatorDialog(index); }); });
        connect(addNamed(*menu, tr("Properties…"), "indicatorProperties"), &QAction::triggered, this,
                [this, index] { QTimer::singleShot(0, this, [this, index] { openStudyProperties(index); }); });
        connect(addNamed(*menu, tr("Hide"), "indicatorHide"), &QAction::triggered, this, [this, index] {
            setIndicatorHidden(index, true);
            statusBar()->showMessage(tr("Indicator hidden: View ▸ Object tree shows it again"), 8000);
        });
        QAction* up = addNamed(*menu, tr("Move up"), "indicatorMoveUp");
        up->setEnabled(index > 0);
        connect(up, &QAction::triggered, this, [this, index] { moveIndicator(index, -1); });
        QAction* down = addNamed(*menu, tr("Move down"), "indicatorMoveDown");
        down->setEnabled(index + 1 < indicatorCount());
        connect(down, &QAction::triggered, this, [this, index] { moveIndicator(index, +1); });
        menu->addSeparator();
        connect(addNamed(*menu, tr("Remove"), "indicatorRemove"), &QAction::triggered, this,
                [this, index] { removeIndicator(index); });
        return menu;
    }

    // ---- the chart ---------------------------------------------------------------------------
    if (region == chart::ChartRegion::CandlePane && model.hasData()) {
        const double price = model.roundToTick(model.priceScale().yToPrice(p.y));
        // In the user's language, as the alert dialogs show prices (pt_BR: 65.000,50).
        const QString shown = QLocale().toString(price, 'f', model.priceDecimals());
        QAction* hline = addNamed(*menu, tr("Add horizontal line at %1").arg(shown), "chartAddHorizontalLine");
        connect(hline, &QAction::triggered, this, [this, p, price] {
            auto& m = m_canvas->model();
            chart::DrawingAnchor at = m.anchorAt(p);
            at.price = price;
            m.selectDrawing(m.addDrawing(chart::Drawing{0, chart::DrawingKind::HorizontalLine, at, at}));
        });
        QAction* copy = addNamed(*menu, tr("Copy price %1").arg(shown), "chartCopyPrice");
        connect(copy, &QAction::triggered, this, [this, price] {
            // The plain number (no thousands separators), as an order ticket takes it.
            QGuiApplication::clipboard()->setText(QString::number(price, 'f', m_canvas->model().priceDecimals()));
        });
        for (const auto& extend : m_menuExtensions) extend(*menu, ContextMenuTarget{std::nullopt, price});
        menu->addSeparator();
    }
    connect(addNamed(*menu, tr("Reset chart view"), "chartResetView"), &QAction::triggered, this, [this] {
        m_canvas->model().resetView();
        m_autoAction->setChecked(true);
    });
    connect(addNamed(*menu, tr("Add indicator…"), "chartAddIndicator"), &QAction::triggered, this,
            [this] { QTimer::singleShot(0, this, &MainWindow::openAddIndicatorDialog); });
    connect(addNamed(*menu, tr("Compare…"), "chartCompare"), &QAction::triggered, this,
            [this] { QTimer::singleShot(0, this, &MainWindow::openCompareDialog); });
    const auto compared = m_active->compare().symbols();
    for (std::size_t i = 0; i < compared.size(); ++i)
        connect(addNamed(*menu, tr("Remove compare %1").arg(QString::fromStdString(compared[i].text())), "chartRemoveCompare"),
                &QAction::triggered, this, [this, i] { m_active->compare().remove(i); });
    connect(addNamed(*menu, tr("Object tree"), "chartObjectTree"), &QAction::triggered, this, [this] {
        m_objectTree->show();
        m_objectTree->raise();
    });
    menu->addSeparator();
    connect(addNamed(*menu, tr("Chart settings…"), "chartSettings"), &QAction::triggered, this,
            [this] { QTimer::singleShot(0, this, &MainWindow::openSettings); });
    return menu;
}

std::optional<std::uint64_t> MainWindow::cloneDrawing(std::uint64_t id) {
    auto& model = m_canvas->model();
    const chart::Drawing* original = model.drawing(id);
    if (!original) return std::nullopt;
    // A few bars right and a little lower, so the copy is not hidden under the original; one
    // add, so one undo step.
    constexpr double kOffsetPx = 24;
    chart::Drawing copy = *original;
    auto shifted = [&](const chart::DrawingAnchor& a) {
        // Every point the same distance away: no magnet.
        chart::DrawingAnchor moved = model.pointAt(
            chart::Point{model.timeToX(a.timeMs) + kOffsetPx, model.priceScale().priceToY(a.price) + kOffsetPx});
        if (moved.timeMs == 0) moved.timeMs = a.timeMs;
        return moved;
    };
    copy.a = shifted(original->a);
    copy.b = chart::handleCount(original->kind) == 1 ? copy.a : shifted(original->b);
    if (chart::usesThirdAnchor(original->kind)) copy.c = shifted(original->c);
    const std::uint64_t cloned = model.addDrawing(copy);
    model.selectDrawing(cloned);
    return cloned;
}

void MainWindow::openDrawingProperties(std::uint64_t id) {
    const chart::Drawing* d = m_canvas->model().drawing(id);
    if (!d) return;
    DrawingPropertiesDialog dialog(*d, m_canvas->theme().drawing, this);
    if (dialog.exec() != QDialog::Accepted) return;
    const chart::Drawing changed = dialog.drawing();
    if (const chart::Drawing* now = m_canvas->model().drawing(id); now && !(*now == changed))
        m_canvas->model().updateDrawing(changed);
}

void MainWindow::openStudyProperties(std::size_t index) {
    if (index >= indicatorCount()) return;
    QStringList outputs;
    const IndicatorSpec spec = indicatorSpecs()[index];
    const auto& info = indicator(index)->info();
    // One line: it is the indicator ("RSI 14", not TA-Lib's output name "real").
    if (info.outputs.size() == 1) outputs << spec.title();
    else
        for (const auto& output : info.outputs) outputs << QString::fromStdString(output.name);
    StudyPropertiesDialog dialog(spec, outputs, this);
    if (dialog.exec() != QDialog::Accepted) return;
    const IndicatorSpec changed = dialog.spec();
    // The dialog ran the event loop: the chart may have changed meanwhile.
    if (index < indicatorCount() && !(changed == indicatorSpecs()[index])) editIndicator(index, changed);
}

}  // namespace cpc::app
