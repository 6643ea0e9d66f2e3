// The workspace (MainWindow's, kept out of main_window.cpp): layouts as tabs of charts in
// splitters, the active chart, detaching a chart into its own window, link groups, and saving the
// whole of it in the settings. Every chart is a ChartPane over a controller of its own; all of
// them share the process's market session through the first controller's services.
#include <QAction>
#include <QActionGroup>
#include <QCloseEvent>
#include <QComboBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolButton>
#include <QUndoGroup>
#include <QUndoStack>
#include <QVBoxLayout>
#include <algorithm>

#include "cpc/app/chart_compare.hpp"
#include "cpc/app/core_text.hpp"
#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/chart_pane.hpp"
#include "cpc/app/chart_undo.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"
#include "cpc/chart_qt/chart_theme.hpp"
#include "cpc/chart_qt/time_zone.hpp"

namespace cpc::app {

namespace {

QString qs(std::string_view s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }

// A layout's shape: the outer splitter's orientation and, per group along it, how many charts
// share an inner splitter (across it).
struct Shape {
    Qt::Orientation outer;
    std::vector<int> groups;
};

std::optional<Shape> shapeOf(const QString& name) {
    if (name == QLatin1String("1")) return Shape{Qt::Horizontal, {1}};
    if (name == QLatin1String("2h")) return Shape{Qt::Horizontal, {1, 1}};
    if (name == QLatin1String("2v")) return Shape{Qt::Vertical, {1, 1}};
    if (name == QLatin1String("3")) return Shape{Qt::Horizontal, {1, 2}};
    if (name == QLatin1String("4")) return Shape{Qt::Vertical, {2, 2}};
    if (name == QLatin1String("6")) return Shape{Qt::Vertical, {3, 3}};
    if (name == QLatin1String("8")) return Shape{Qt::Vertical, {4, 4}};
    return std::nullopt;
}

// A detached chart's window: closing it puts the chart back into the layout.
class DetachedChartWindow final : public QWidget {
public:
    explicit DetachedChartWindow(QWidget* parent) : QWidget(parent, Qt::Window) {
        setObjectName(QStringLiteral("detachedChartWindow"));
        setAttribute(Qt::WA_DeleteOnClose, false);  // the workspace deletes it
        auto* layout = new QVBoxLayout(this);
        layout->setContentsMargins(0, 0, 0, 0);
    }
    std::function<void()> onClose;

protected:
    void closeEvent(QCloseEvent* event) override {
        if (auto close = std::exchange(onClose, nullptr)) close();
        event->accept();
    }
};

constexpr int kStateVersion = 1;

}  // namespace

QStringList MainWindow::layoutNames() {
    return {QStringLiteral("1"), QStringLiteral("2h"), QStringLiteral("2v"), QStringLiteral("3"),
            QStringLiteral("4"), QStringLiteral("6"),  QStringLiteral("8")};
}

std::optional<int> MainWindow::layoutChartCount(const QString& name) {
    const auto shape = shapeOf(name);
    if (!shape) return std::nullopt;
    int count = 0;
    for (const int g : shape->groups) count += g;
    return count;
}

std::optional<QString> MainWindow::layoutFor(int charts) {
    if (charts <= 0) return std::nullopt;
    for (const QString& name : {QStringLiteral("1"), QStringLiteral("2h"), QStringLiteral("3"), QStringLiteral("4"),
                                QStringLiteral("6"), QStringLiteral("8")})
        if (*layoutChartCount(name) >= charts) return name;
    return std::nullopt;
}

ChartPane* MainWindow::makePane(const QString& exchange) {
    const QString venue = exchange.isEmpty() ? (m_active ? activeController().exchangeName() : QString()) : exchange;
    if (!m_primaryInUse) {
        // The first chart's pane (its controller is runApp's) is kept, never deleted: reused first.
        m_primaryInUse = true;
        m_undoGroup->addStack(m_primaryPane->undo().stack());
        if (!venue.isEmpty() && venue != m_primaryController.exchangeName()) switchExchangeOf(m_primaryPane, venue);
        return m_primaryPane;
    }
    // Another controller over the same services: the same network thread, market session
    // (connections, subscriptions, REST limits), storage worker and demo simulators.
    ControllerOptions options = m_primaryController.options();
    options.services = &m_primaryController.services();
    if (m_active && activeController().marketType() != options.market) {
        // The active chart's market, as its venue, at the settings' endpoints of that market.
        options.market = activeController().marketType();
        const Endpoints e = m_settings.effectiveEndpoints(QString::fromStdString(options.exchange), options.market);
        options.restBase = options.demo ? std::string{} : e.rest.toStdString();
        options.streamBase = options.demo ? std::string{} : e.stream.toStdString();
    }
    if (!venue.isEmpty() && venue.toStdString() != options.exchange) {
        // Not the first chart's venue: that venue's endpoints from the settings (demo: its simulator).
        options.exchange = venue.toStdString();
        const Endpoints e = m_settings.effectiveEndpoints(venue, options.market);
        options.restBase = options.demo ? std::string{} : e.rest.toStdString();
        options.streamBase = options.demo ? std::string{} : e.stream.toStdString();
    }
    auto controller = std::make_unique<ChartController>(options);
    if (auto started = controller->start(); !started) {
        statusBar()->showMessage(tr("Cannot open another chart on %1: %2")
                                     .arg(exchangeDisplayName(venue), coreText(started.error().message)),
                                 15000);
        return nullptr;
    }
    controller->setMemoryBudgetBytes(m_settings.memoryBudgetBytes());
    ChartController& ref = *controller;
    auto* pane = new ChartPane(ref, std::move(controller), m_settings, this);
    wirePane(pane);
    if (const auto theme = chart_qt::themeByName(m_settings.theme())) pane->canvas()->setTheme(*theme);
    if (const auto offset = chart_qt::timeZoneOffset(m_settings.timeZone())) pane->canvas()->model().setTimeZone(*offset);
    return pane;
}

void MainWindow::releasePane(ChartPane* pane) {
    if (!pane) return;
    if (Cell* cell = cellOf(pane); cell && cell->window) attachChart(pane);
    m_undoGroup->removeStack(pane->undo().stack());
    if (pane == m_primaryPane) {
        m_primaryInUse = false;
        pane->hide();
        pane->setParent(this);  // kept (hidden) for the next chart
        return;
    }
    delete pane;
}

void MainWindow::buildLayout(LayoutTab& tab, const std::vector<ChartPane*>& panes) {
    const Shape shape = *shapeOf(tab.layout);
    // The panes leave the old splitters (which go) for the page, then into the new hosts.
    // (The charts leaving the layout too: the caller releases them after.)
    for (const Cell& cell : tab.cells) {
        cell.pane->hide();
        cell.pane->setParent(tab.page);
    }
    for (ChartPane* pane : panes) {
        pane->hide();
        pane->setParent(tab.page);
    }
    delete tab.root;
    tab.splitters.clear();
    tab.cells.clear();
    if (!tab.page->layout()) {
        auto* pageLayout = new QVBoxLayout(tab.page);
        pageLayout->setContentsMargins(0, 0, 0, 0);
    }
    tab.root = new QSplitter(shape.outer, tab.page);
    tab.root->setObjectName(QStringLiteral("layoutSplitter"));
    tab.page->layout()->addWidget(tab.root);
    tab.splitters.push_back(tab.root);
    std::size_t next = 0;
    auto addHost = [&](QSplitter* into) {
        auto* host = new QWidget(into);
        host->setObjectName(QStringLiteral("chartHost"));
        auto* hostLayout = new QVBoxLayout(host);
        hostLayout->setContentsMargins(0, 0, 0, 0);
        ChartPane* pane = panes[next++];
        hostLayout->addWidget(pane);
        pane->show();
        into->addWidget(host);
        tab.cells.push_back(Cell{host, pane, nullptr, nullptr});
    };
    for (const int group : shape.groups) {
        if (group == 1) {
            addHost(tab.root);
            continue;
        }
        auto* inner = new QSplitter(shape.outer == Qt::Horizontal ? Qt::Vertical : Qt::Horizontal, tab.root);
        inner->setObjectName(QStringLiteral("layoutSplitter"));
        tab.root->addWidget(inner);
        tab.splitters.push_back(inner);
        for (int i = 0; i < group; ++i) addHost(inner);
    }
    tab.root->show();  // added to a page that may be shown already (a layout shows it only later)
    // Equal shares; a chart never collapses to nothing under a drag.
    for (QSplitter* splitter : tab.splitters) {
        splitter->setChildrenCollapsible(false);
        splitter->setSizes(QList<int>(splitter->count(), 1000));
        connect(splitter, &QSplitter::splitterMoved, this, [this] { saveWorkspace(); });
    }
}

bool MainWindow::applyLayout(const QString& name) {
    const auto count = layoutChartCount(name);
    if (!count) {
        statusBar()->showMessage(tr("Unknown layout \"%1\"; accepted: %2").arg(name, layoutNames().join(QStringLiteral(", "))),
                                 10000);
        return false;
    }
    LayoutTab& tab = m_layouts[static_cast<std::size_t>(currentLayoutTab())];
    // A new layout places every chart: detached ones come back first.
    for (const Cell& cell : std::vector<Cell>(tab.cells))
        if (cell.window) attachChart(cell.pane);
    std::vector<ChartPane*> keep;
    for (std::size_t i = 0; i < tab.cells.size() && static_cast<int>(i) < *count; ++i) keep.push_back(tab.cells[i].pane);
    // New charts open what the active chart shows (as TradingView fills a new layout).
    ChartPane* model = m_active;
    const SeriesKey key = model->controller().currentKey();
    std::vector<ChartPane*> added;
    while (static_cast<int>(keep.size() + added.size()) < *count) {
        ChartPane* pane = makePane(model->controller().exchangeName());
        if (!pane) {
            for (ChartPane* made : added) releasePane(made);
            return false;
        }
        pane->setChartType(model->canvas()->model().chartType());
        if (!key.symbol.empty()) pane->controller().openSeries(QString::fromStdString(key.symbol), key.interval);
        added.push_back(pane);
    }
    std::vector<ChartPane*> surplus;
    for (std::size_t i = keep.size(); i < tab.cells.size(); ++i) surplus.push_back(tab.cells[i].pane);
    if (std::find(surplus.begin(), surplus.end(), tab.active) != surplus.end()) tab.active = keep.front();
    keep.insert(keep.end(), added.begin(), added.end());
    tab.layout = name;
    buildLayout(tab, keep);
    for (ChartPane* pane : surplus) releasePane(pane);
    if (!tab.active) tab.active = keep.front();
    m_active = nullptr;  // whatever it was, set again (it may have been a surplus chart)
    setActivePane(tab.active);
    saveWorkspace();
    return true;
}

QString MainWindow::layoutName() const { return m_layouts[static_cast<std::size_t>(currentLayoutTab())].layout; }

int MainWindow::layoutTabCount() const { return static_cast<int>(m_layouts.size()); }

int MainWindow::currentLayoutTab() const { return std::max(0, m_tabs->currentIndex()); }

void MainWindow::setCurrentLayoutTab(int index) {
    if (index >= 0 && index < layoutTabCount()) m_tabs->setCurrentIndex(index);
}

int MainWindow::addLayoutTab() {
    const SeriesKey key = activeController().currentKey();
    ChartPane* pane = makePane(activeController().exchangeName());
    if (!pane) return currentLayoutTab();
    pane->setChartType(m_active->canvas()->model().chartType());
    if (!key.symbol.empty()) pane->controller().openSeries(QString::fromStdString(key.symbol), key.interval);
    LayoutTab tab;
    tab.layout = QStringLiteral("1");
    tab.page = new QWidget(m_tabs);
    tab.active = pane;
    m_layouts.push_back(std::move(tab));
    buildLayout(m_layouts.back(), {pane});
    // Added after the vector holds it: addTab may emit currentChanged (the first tab).
    m_tabs->addTab(m_layouts.back().page, tr("Layout %1").arg(m_layouts.size()));
    saveWorkspace();
    return layoutTabCount() - 1;
}

bool MainWindow::closeLayoutTab(int index) {
    if (index < 0 || index >= layoutTabCount()) return false;
    if (layoutTabCount() == 1) {
        statusBar()->showMessage(tr("The last layout cannot be closed"), 8000);
        return false;
    }
    LayoutTab tab = std::move(m_layouts[static_cast<std::size_t>(index)]);
    m_layouts.erase(m_layouts.begin() + index);
    // The tab's charts leave the lookups (cellOf) before they go.
    for (Cell& cell : tab.cells) {
        if (cell.window) {
            cell.pane->setParent(tab.page);
            delete cell.window;
        }
        m_undoGroup->removeStack(cell.pane->undo().stack());
        if (cell.pane == m_primaryPane) {
            m_primaryInUse = false;
            m_primaryPane->hide();
            m_primaryPane->setParent(this);
        } else {
            delete cell.pane;
        }
    }
    m_active = nullptr;
    {
        const QSignalBlocker block(m_tabs);  // m_layouts and the tabs agree again below
        m_tabs->removeTab(index);
    }
    delete tab.page;
    setActivePane(m_layouts[static_cast<std::size_t>(currentLayoutTab())].active);
    saveWorkspace();
    return true;
}

std::vector<ChartPane*> MainWindow::panes(int tab) const {
    const int index = tab < 0 ? currentLayoutTab() : tab;
    std::vector<ChartPane*> out;
    if (index >= layoutTabCount()) return out;
    for (const Cell& cell : m_layouts[static_cast<std::size_t>(index)].cells) out.push_back(cell.pane);
    return out;
}

MainWindow::LayoutTab* MainWindow::tabOf(const ChartPane* pane) {
    for (auto& tab : m_layouts)
        for (const auto& cell : tab.cells)
            if (cell.pane == pane) return &tab;
    return nullptr;
}

MainWindow::Cell* MainWindow::cellOf(const ChartPane* pane) {
    for (auto& tab : m_layouts)
        for (auto& cell : tab.cells)
            if (cell.pane == pane) return &cell;
    return nullptr;
}

void MainWindow::setActivePane(ChartPane* pane) {
    if (!pane || pane == m_active) return;
    LayoutTab* tab = tabOf(pane);
    if (!tab) return;
    m_active = pane;
    tab->active = pane;
    m_canvas = pane->canvas();
    m_undo = &pane->undo();
    m_undoGroup->setActiveStack(pane->undo().stack());
    const int index = static_cast<int>(tab - m_layouts.data());
    if (m_tabs->currentIndex() != index) {
        const QSignalBlocker block(m_tabs);
        m_tabs->setCurrentIndex(index);
    }
    refreshActiveMarks();
    syncControls();
    emit activePaneChanged(pane);
    emit objectsChanged();  // the object tree lists the active chart's
    saveWorkspace();
}

void MainWindow::refreshActiveMarks() {
    for (auto& tab : m_layouts)
        for (auto& cell : tab.cells) cell.pane->setActiveMark(cell.pane == m_active, tab.cells.size() > 1 || cell.window);
}

void MainWindow::syncControls() {
    if (!m_active || !m_symbolBox) return;
    ChartController& controller = activeController();
    const auto& model = m_canvas->model();
    m_exchangeBox->setCurrentIndex(std::max(0, m_exchangeBox->findData(controller.exchangeName())));
    {
        const QSignalBlocker block(m_symbolBox);
        // Refilled only when the list differs (another venue's): a venue lists thousands.
        if (m_symbolBox->count() != controller.symbols().size() ||
            (m_symbolBox->count() > 0 && m_symbolBox->itemText(0) != controller.symbols().front())) {
            m_symbolBox->clear();
            m_symbolBox->addItems(controller.symbols());
        }
        m_symbolBox->setCurrentText(QString::fromStdString(controller.currentKey().symbol));
    }
    syncIntervalControls(controller.currentKey().interval);
    m_chartTypeBox->setCurrentIndex(m_chartTypeBox->findData(static_cast<int>(model.chartType())));
    m_logAction->setChecked(model.priceScaleMode() == chart::PriceScaleMode::Logarithmic);
    m_percentAction->setChecked(model.priceScaleMode() == chart::PriceScaleMode::Percent);
    m_autoAction->setChecked(model.autoScale());
    m_volumeAction->setChecked(model.volumeVisible());
    m_magnetAction->setChecked(model.magnet());
    m_volumeProfileAction->setChecked(m_active->volumeProfileVisible());
    m_heatmapAction->setChecked(m_active->heatmapVisible());
    syncPerpControls();
    m_heatmapLogAction->setChecked(m_active->heatmapLogScale());
    m_deleteAction->setEnabled(model.selectedDrawing().has_value());
    const auto tool = m_canvas->drawingTool();
    for (QAction* a : m_toolGroup->actions()) a->setChecked(tool && a->data().toInt() == static_cast<int>(*tool));
    for (QAction* a : m_layoutGroup->actions()) a->setChecked(a->data().toString() == layoutName());
    for (QAction* a : m_linkGroup->actions()) a->setChecked(a->data().toInt() == m_active->linkGroup());
    m_detachAction->setText(detachedWindow(m_active) ? tr("&Put the chart back into the layout")
                                                      : tr("&Detach chart into its own window"));
    m_titleSource.reset();
    refreshTitle();
    refreshStatus();
    rebuildIndicatorMenu();
}

QWidget* MainWindow::detachedWindow(const ChartPane* pane) const {
    for (const auto& tab : m_layouts)
        for (const auto& cell : tab.cells)
            if (cell.pane == pane) return cell.window;
    return nullptr;
}

void MainWindow::detachChart(ChartPane* pane) {
    Cell* cell = cellOf(pane);
    if (!cell || cell->window) return;
    auto* window = new DetachedChartWindow(this);
    window->onClose = [this, pane] { attachChart(pane); };
    const QSize size = pane->size().isValid() && pane->width() > 200 ? pane->size() : QSize(900, 600);
    window->layout()->addWidget(pane);
    pane->show();
    cell->window = window;
    // Its place in the layout says where it went, with a way back.
    auto* notice = new QWidget(cell->host);
    notice->setObjectName(QStringLiteral("detachedNotice"));
    auto* noticeLayout = new QVBoxLayout(notice);
    noticeLayout->addStretch();
    auto* label = new QLabel(tr("This chart is in a window of its own."), notice);
    label->setAlignment(Qt::AlignCenter);
    noticeLayout->addWidget(label);
    auto* back = new QPushButton(tr("Put it back"), notice);
    back->setObjectName(QStringLiteral("attachChartButton"));
    connect(back, &QPushButton::clicked, this, [this, pane] { attachChart(pane); });
    noticeLayout->addWidget(back, 0, Qt::AlignCenter);
    noticeLayout->addStretch();
    cell->host->layout()->addWidget(notice);
    cell->notice = notice;
    window->resize(size);
    window->show();
    onPaneChanged(pane);  // the window's title
    refreshActiveMarks();
    if (pane == m_active) syncControls();
    saveWorkspace();
}

void MainWindow::attachChart(ChartPane* pane) {
    Cell* cell = cellOf(pane);
    if (!cell || !cell->window) return;
    auto* window = static_cast<DetachedChartWindow*>(cell->window);
    window->onClose = nullptr;
    cell->window = nullptr;
    delete cell->notice;
    cell->notice = nullptr;
    cell->host->layout()->addWidget(pane);
    pane->show();
    window->hide();
    window->deleteLater();  // we may be inside its closeEvent
    refreshActiveMarks();
    if (pane == m_active) syncControls();
    saveWorkspace();
}

// ---- link groups ----------------------------------------------------------------------------

void MainWindow::setLinkGroup(ChartPane* pane, int group) {
    if (!pane) return;
    pane->setLinkGroup(group);
    if (pane == m_active) syncControls();
    followLinks(pane);  // joining a group: the others show what this chart shows
    saveWorkspace();
}

void MainWindow::setLinkIntervals(bool on) {
    m_linkIntervals = on;
    m_linkIntervalsAction->setChecked(on);
    saveWorkspace();
}

void MainWindow::setSyncCrosshair(bool on) {
    m_syncCrosshair = on;
    m_syncCrosshairAction->setChecked(on);
    if (!on)
        for (ChartPane* pane : panes()) pane->showSyncedCrosshair(std::nullopt);
    saveWorkspace();
}

void MainWindow::followLinks(ChartPane* source) {
    if (m_following || !source || source->linkGroup() == 0) return;
    LayoutTab* tab = tabOf(source);
    if (!tab) return;
    const SeriesKey key = source->controller().currentKey();
    if (key.symbol.empty()) return;
    m_following = true;
    for (const Cell& cell : tab->cells) {
        ChartPane* pane = cell.pane;
        if (pane == source || pane->linkGroup() != source->linkGroup()) continue;
        ChartController& controller = pane->controller();
        // The pair in the follower's venue's spelling (a linked chart may show another venue).
        const QString symbol = controller.venueSymbol(QString::fromStdString(key.symbol));
        const Interval interval = m_linkIntervals ? key.interval : controller.currentKey().interval;
        if (symbol.toStdString() != controller.currentKey().symbol || interval != controller.currentKey().interval)
            controller.openSeries(symbol, interval);
    }
    m_following = false;
}

void MainWindow::syncObjects(ChartPane* source, const QString& pair) {
    if (m_following) return;
    // Two charts of one pair show one set of drawings and indicators: the other one, left
    // showing the old set, would save it over the new one at its next change.
    m_following = true;
    for (auto& tab : m_layouts)
        for (auto& cell : tab.cells)
            if (cell.pane != source && cell.pane->objectsPair() == pair) cell.pane->reloadObjects();
    m_following = false;
}

// ---- saving and restoring --------------------------------------------------------------------

QByteArray MainWindow::workspaceState() const {
    QJsonObject root;
    root[QStringLiteral("version")] = kStateVersion;
    root[QStringLiteral("activeTab")] = currentLayoutTab();
    root[QStringLiteral("linkIntervals")] = m_linkIntervals;
    root[QStringLiteral("syncCrosshair")] = m_syncCrosshair;
    QJsonArray tabs;
    for (const LayoutTab& tab : m_layouts) {
        QJsonObject t;
        t[QStringLiteral("layout")] = tab.layout;
        QJsonArray splitters;
        for (const QSplitter* splitter : tab.splitters) {
            QJsonArray sizes;
            for (const int size : splitter->sizes()) sizes.append(size);
            splitters.append(sizes);
        }
        t[QStringLiteral("splitters")] = splitters;
        QJsonArray charts;
        int active = 0;
        for (std::size_t i = 0; i < tab.cells.size(); ++i) {
            const Cell& cell = tab.cells[i];
            if (cell.pane == tab.active) active = static_cast<int>(i);
            const ChartController& controller = cell.pane->controller();
            QJsonObject c;
            c[QStringLiteral("exchange")] = controller.exchangeName();
            if (controller.marketType() != MarketType::Spot)
                c[QStringLiteral("market")] = qs(toString(controller.marketType()));
            c[QStringLiteral("symbol")] = QString::fromStdString(controller.currentKey().symbol);
            c[QStringLiteral("interval")] = qs(toString(controller.currentKey().interval));
            c[QStringLiteral("type")] = qs(chart::toString(cell.pane->canvas()->model().chartType()));
            c[QStringLiteral("link")] = cell.pane->linkGroup();
            if (const auto compared = cell.pane->compare().symbols(); !compared.empty()) {
                QJsonArray list;
                for (const auto& s : compared) list.append(QString::fromStdString(s.text()));
                c[QStringLiteral("compare")] = list;
            }
            if (cell.window) {
                c[QStringLiteral("detached")] = true;
                c[QStringLiteral("geometry")] = QString::fromLatin1(cell.window->saveGeometry().toBase64());
            }
            charts.append(c);
        }
        t[QStringLiteral("charts")] = charts;
        t[QStringLiteral("active")] = active;
        tabs.append(t);
    }
    root[QStringLiteral("tabs")] = tabs;
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

void MainWindow::saveWorkspace() {
    if (m_restoring || m_layouts.empty() || !m_active) return;
    m_settings.setWorkspace(workspaceState());
}

bool MainWindow::restoreWorkspace() { return restoreWorkspace(m_settings.workspace()); }

bool MainWindow::restoreWorkspace(const QByteArray& state) {
    if (state.isEmpty()) return false;
    const QJsonDocument doc = QJsonDocument::fromJson(state);
    if (!doc.isObject()) return false;
    const QJsonObject root = doc.object();
    if (root.value(QStringLiteral("version")).toInt() != kStateVersion) return false;
    // What each tab holds, checked before anything changes: a hand-edited or older entry that
    // does not fit is not restored (the window stays as it is).
    struct ChartEntry {
        QString exchange, symbol;
        MarketType market = MarketType::Spot;
        Interval interval = Interval::H1;
        std::optional<chart::ChartType> type;
        int link = 0;
        bool detached = false;
        QByteArray geometry;
        std::vector<session::WatchSymbol> compare;
    };
    struct TabEntry {
        QString layout;
        std::vector<ChartEntry> charts;
        std::vector<QList<int>> splitters;
        int active = 0;
    };
    std::vector<TabEntry> entries;
    for (const QJsonValue& value : root.value(QStringLiteral("tabs")).toArray()) {
        const QJsonObject t = value.toObject();
        TabEntry entry;
        entry.layout = t.value(QStringLiteral("layout")).toString();
        const auto count = layoutChartCount(entry.layout);
        const QJsonArray charts = t.value(QStringLiteral("charts")).toArray();
        if (!count || charts.size() != *count) continue;
        for (const QJsonValue& c : charts) {
            const QJsonObject o = c.toObject();
            ChartEntry chartEntry;
            chartEntry.exchange = o.value(QStringLiteral("exchange")).toString();
            chartEntry.market = parseMarketType(o.value(QStringLiteral("market")).toString().toStdString()).value_or(MarketType::Spot);
            chartEntry.symbol = o.value(QStringLiteral("symbol")).toString().trimmed().toUpper();
            chartEntry.interval = parseInterval(o.value(QStringLiteral("interval")).toString().toStdString())
                                      .value_or(m_settings.lastInterval());
            chartEntry.type = chart::parseChartType(o.value(QStringLiteral("type")).toString().toStdString());
            chartEntry.link = std::clamp(o.value(QStringLiteral("link")).toInt(), 0, kLinkGroupCount);
            chartEntry.detached = o.value(QStringLiteral("detached")).toBool();
            chartEntry.geometry = QByteArray::fromBase64(o.value(QStringLiteral("geometry")).toString().toLatin1());
            for (const QJsonValue& s : o.value(QStringLiteral("compare")).toArray())
                if (auto parsed = session::parseWatchSymbol(s.toString().toStdString(), ""); parsed.symbol)
                    chartEntry.compare.push_back(*parsed.symbol);
            entry.charts.push_back(std::move(chartEntry));
        }
        for (const QJsonValue& s : t.value(QStringLiteral("splitters")).toArray()) {
            QList<int> sizes;
            for (const QJsonValue& size : s.toArray()) sizes.append(size.toInt());
            entry.splitters.push_back(sizes);
        }
        entry.active = std::clamp(t.value(QStringLiteral("active")).toInt(), 0, *count - 1);
        entries.push_back(std::move(entry));
    }
    // Restored into a window as made (one tab, the first chart): its first chart is the first tab's.
    if (entries.empty() || m_layouts.size() != 1 || m_layouts.front().cells.size() != 1) return false;
    m_restoring = true;
    m_linkIntervals = root.value(QStringLiteral("linkIntervals")).toBool(true);
    m_linkIntervalsAction->setChecked(m_linkIntervals);
    m_syncCrosshair = root.value(QStringLiteral("syncCrosshair")).toBool(true);
    m_syncCrosshairAction->setChecked(m_syncCrosshair);
    const QString fallbackSymbol = m_settings.lastSymbol();
    std::vector<std::pair<ChartPane*, const ChartEntry*>> toDetach;
    for (std::size_t t = 0; t < entries.size(); ++t) {
        const TabEntry& entry = entries[t];
        std::vector<ChartPane*> made;
        for (std::size_t i = 0; i < entry.charts.size(); ++i) {
            const ChartEntry& c = entry.charts[i];
            ChartPane* pane = nullptr;
            if (t == 0 && i == 0) {
                pane = m_primaryPane;
                if (!c.exchange.isEmpty() && c.exchange != m_primaryController.exchangeName())
                    switchExchangeOf(pane, c.exchange);
            } else {
                pane = makePane(c.exchange);
                if (!pane) pane = makePane(m_primaryController.exchangeName());  // the venue failed: the first chart's
            }
            if (!pane) break;
            made.push_back(pane);
            if (c.type) pane->setChartType(*c.type);
            pane->setLinkGroup(c.link);
            if (pane->controller().marketType() != c.market) switchMarketOf(pane, c.market);
            const QString symbol = c.symbol.isEmpty() ? fallbackSymbol : c.symbol;
            pane->controller().openSeries(pane->controller().venueSymbol(symbol), c.interval);
            pane->compare().clear();
            for (const auto& compared : c.compare) pane->compare().add(compared);
            if (c.detached) toDetach.emplace_back(pane, &c);
        }
        if (made.size() != entry.charts.size()) {  // a chart could not be made: the tab is left out
            for (ChartPane* pane : made)
                if (pane != m_primaryPane) delete pane;
            if (t == 0) break;
            continue;
        }
        LayoutTab* tab = nullptr;
        if (t == 0) {
            tab = &m_layouts.front();
        } else {
            LayoutTab added;
            added.page = new QWidget(m_tabs);
            m_layouts.push_back(std::move(added));
            tab = &m_layouts.back();
        }
        tab->layout = entry.layout;
        buildLayout(*tab, made);
        tab->active = made[static_cast<std::size_t>(entry.active)];
        for (std::size_t s = 0; s < tab->splitters.size() && s < entry.splitters.size(); ++s)
            if (entry.splitters[s].size() == tab->splitters[s]->count()) tab->splitters[s]->setSizes(entry.splitters[s]);
        if (t > 0) {
            const QSignalBlocker block(m_tabs);
            m_tabs->addTab(tab->page, tr("Layout %1").arg(m_layouts.size()));
        }
    }
    for (const auto& [pane, entry] : toDetach) {
        detachChart(pane);
        if (QWidget* window = detachedWindow(pane); window && !entry->geometry.isEmpty()) window->restoreGeometry(entry->geometry);
    }
    m_restoring = false;
    const int activeTab = std::clamp(root.value(QStringLiteral("activeTab")).toInt(), 0, layoutTabCount() - 1);
    {
        const QSignalBlocker block(m_tabs);
        m_tabs->setCurrentIndex(activeTab);
    }
    m_active = nullptr;
    setActivePane(m_layouts[static_cast<std::size_t>(activeTab)].active);
    return true;
}

}  // namespace cpc::app
