#include "cpc/app/object_tree.hpp"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QStatusBar>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "cpc/app/chart_undo.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/chart/format.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"

namespace cpc::app {

namespace {

// Row data: which object a row stands for.
constexpr int kKindRole = Qt::UserRole;      // "drawing" | "indicator"
constexpr int kIdRole = Qt::UserRole + 1;    // drawing id | indicator index

QString kindName(chart::DrawingKind kind) {
    switch (kind) {
    case chart::DrawingKind::HorizontalLine: return ObjectTree::tr("Horizontal line");
    case chart::DrawingKind::VerticalLine: return ObjectTree::tr("Vertical line");
    case chart::DrawingKind::TrendLine: return ObjectTree::tr("Trend line");
    case chart::DrawingKind::Ray: return ObjectTree::tr("Ray");
    case chart::DrawingKind::Rectangle: return ObjectTree::tr("Rectangle");
    case chart::DrawingKind::Fibonacci: return ObjectTree::tr("Fibonacci retracement");
    case chart::DrawingKind::ParallelChannel: return ObjectTree::tr("Parallel channel");
    case chart::DrawingKind::Text: return ObjectTree::tr("Text note");
    case chart::DrawingKind::PriceRange: return ObjectTree::tr("Price range");
    case chart::DrawingKind::DateRange: return ObjectTree::tr("Date range");
    case chart::DrawingKind::LongPosition: return ObjectTree::tr("Long position");
    case chart::DrawingKind::ShortPosition: return ObjectTree::tr("Short position");
    }
    return {};
}

}  // namespace

ObjectTree::ObjectTree(MainWindow& window) : QDockWidget(ObjectTree::tr("Object tree"), &window), m_window(window) {
    setObjectName(QStringLiteral("objectTreeDock"));
    auto* host = new QWidget(this);
    auto* root = new QVBoxLayout(host);
    root->setContentsMargins(4, 4, 4, 4);
    m_tree = new QTreeWidget(host);
    m_tree->setObjectName(QStringLiteral("objectTree"));
    m_tree->setHeaderHidden(true);
    m_tree->setColumnCount(1);
    root->addWidget(m_tree);
    auto* buttons = new QHBoxLayout;
    m_properties = new QPushButton(tr("Properties…"), host);
    m_properties->setObjectName(QStringLiteral("objectTreeProperties"));
    m_delete = new QPushButton(tr("Delete"), host);
    m_delete->setObjectName(QStringLiteral("objectTreeDelete"));
    m_deleteAll = new QPushButton(tr("Delete all"), host);
    m_deleteAll->setObjectName(QStringLiteral("objectTreeDeleteAll"));
    m_deleteAll->setToolTip(tr("Remove every drawing and indicator of this chart (Ctrl+Z brings them back)"));
    buttons->addWidget(m_properties);
    buttons->addWidget(m_delete);
    buttons->addStretch(1);
    buttons->addWidget(m_deleteAll);
    root->addLayout(buttons);
    setWidget(host);

    connect(m_tree, &QTreeWidget::itemChanged, this, &ObjectTree::onItemChanged);
    connect(m_tree, &QTreeWidget::itemDoubleClicked, this, [this] { openCurrentProperties(); });
    connect(m_tree, &QTreeWidget::currentItemChanged, this, [this] {
        const QTreeWidgetItem* item = m_tree->currentItem();
        const bool object = item && item->parent();
        m_properties->setEnabled(object);
        m_delete->setEnabled(object);
    });
    connect(m_properties, &QPushButton::clicked, this, &ObjectTree::openCurrentProperties);
    connect(m_delete, &QPushButton::clicked, this, &ObjectTree::deleteCurrent);
    connect(m_deleteAll, &QPushButton::clicked, &m_window, &MainWindow::deleteAllObjects);
    connect(&m_window, &MainWindow::objectsChanged, this, [this] {
        if (!isVisible()) return;  // drags send one notice per mouse move: rebuild only when seen
        if (m_applyingTick) QTimer::singleShot(0, this, [this] { if (isVisible()) refresh(); });
        else refresh();
    });
    connect(this, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible) refresh();
    });
    refresh();
}

QTreeWidgetItem* ObjectTree::drawingsItem() const { return m_tree->topLevelItem(0); }

QTreeWidgetItem* ObjectTree::indicatorsItem() const { return m_tree->topLevelItem(1); }

void ObjectTree::refresh() {
    m_rebuilding = true;
    // Keep the current row across the rebuild (a property change rebuilds the list).
    QString currentKind;
    qulonglong currentId = 0;
    if (const QTreeWidgetItem* item = m_tree->currentItem(); item && item->parent()) {
        currentKind = item->data(0, kKindRole).toString();
        currentId = item->data(0, kIdRole).toULongLong();
    }
    m_tree->clear();
    const auto& model = m_window.canvas()->model();
    auto* drawings = new QTreeWidgetItem(m_tree, {tr("Drawings (%1)").arg(model.drawings().size())});
    auto* studies = new QTreeWidgetItem(m_tree, {tr("Indicators (%1)").arg(m_window.indicatorCount())});
    QTreeWidgetItem* current = nullptr;
    for (const chart::Drawing& d : model.drawings()) {
        QString text = kindName(d.kind) + QStringLiteral(" · ") +
                       QString::fromStdString(chart::formatPrice(d.a.price, model.priceDecimals()));
        if (!d.text.empty()) text += QStringLiteral(" · \"%1\"").arg(QString::fromStdString(d.text));
        if (d.locked) text += QStringLiteral(" · ") + tr("locked");
        auto* item = new QTreeWidgetItem(drawings, {text});
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(0, d.hidden ? Qt::Unchecked : Qt::Checked);
        item->setToolTip(0, text + QLatin1Char('\n') + tr("Tick to show, untick to hide; double-click for its properties"));
        item->setData(0, kKindRole, QStringLiteral("drawing"));
        item->setData(0, kIdRole, QVariant::fromValue<qulonglong>(d.id));
        if (currentKind == QLatin1String("drawing") && currentId == d.id) current = item;
    }
    const std::vector<IndicatorSpec> specs = m_window.indicatorSpecs();
    for (std::size_t i = 0; i < specs.size(); ++i) {
        auto* item = new QTreeWidgetItem(studies, {specs[i].title()});
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(0, specs[i].hidden ? Qt::Unchecked : Qt::Checked);
        item->setForeground(0, specs[i].colour(0));
        item->setData(0, kKindRole, QStringLiteral("indicator"));
        item->setData(0, kIdRole, QVariant::fromValue<qulonglong>(i));
        if (currentKind == QLatin1String("indicator") && currentId == i) current = item;
    }
    m_tree->expandAll();
    if (current) m_tree->setCurrentItem(current);
    const bool object = current != nullptr;
    m_properties->setEnabled(object);
    m_delete->setEnabled(object);
    m_deleteAll->setEnabled(!model.drawings().empty() || !specs.empty());
    m_rebuilding = false;
}

void ObjectTree::onItemChanged(QTreeWidgetItem* item, int column) {
    if (m_rebuilding || column != 0 || !item->parent()) return;
    m_applyingTick = true;
    const bool hidden = item->checkState(0) != Qt::Checked;
    const qulonglong id = item->data(0, kIdRole).toULongLong();
    if (item->data(0, kKindRole).toString() == QLatin1String("drawing")) {
        auto& model = m_window.canvas()->model();
        if (const chart::Drawing* d = model.drawing(id); d && d->hidden != hidden) {
            chart::Drawing changed = *d;
            changed.hidden = hidden;
            model.updateDrawing(changed);
        }
    } else {
        m_window.setIndicatorHidden(static_cast<std::size_t>(id), hidden);
    }
    m_applyingTick = false;
}

void ObjectTree::deleteCurrent() {
    const QTreeWidgetItem* item = m_tree->currentItem();
    if (!item || !item->parent()) return;
    const qulonglong id = item->data(0, kIdRole).toULongLong();
    if (item->data(0, kKindRole).toString() == QLatin1String("drawing")) m_window.canvas()->model().removeDrawing(id);
    else m_window.removeIndicator(static_cast<std::size_t>(id));
}

void ObjectTree::openCurrentProperties() {
    const QTreeWidgetItem* item = m_tree->currentItem();
    if (!item || !item->parent()) return;
    const qulonglong id = item->data(0, kIdRole).toULongLong();
    if (item->data(0, kKindRole).toString() == QLatin1String("drawing")) m_window.openDrawingProperties(id);
    else m_window.openStudyProperties(static_cast<std::size_t>(id));
}

void MainWindow::deleteAllObjects() {
    auto& model = m_canvas->model();
    if (model.drawings().empty() && indicatorCount() == 0) {
        statusBar()->showMessage(tr("Delete all: the chart has no drawings or indicators"), 8000);
        return;
    }
    const std::size_t drawings = model.drawings().size();
    const std::size_t studies = indicatorCount();
    m_undo->beginGroup(tr("Delete all drawings and indicators"));
    model.restoreDrawings({});
    applyIndicatorSpecs({});
    m_undo->endGroup();
    statusBar()->showMessage(
        tr("Deleted %1 drawings and %2 indicators (Ctrl+Z brings them back)").arg(drawings).arg(studies), 8000);
}

}  // namespace cpc::app
