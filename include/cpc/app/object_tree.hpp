#pragma once
// The object tree: a dock listing the chart's drawings and indicators (View ▸ Object tree,
// Ctrl+Shift+O). Each row's check box shows or hides the object (the way back for one hidden from
// its context menu); a double click, or Properties…, opens its properties; Delete removes the
// selected row's object and Delete all every drawing and indicator — each one undo step.
#include <QDockWidget>
#include <cstdint>
#include <optional>

class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace cpc::app {

class MainWindow;

class ObjectTree final : public QDockWidget {
    Q_OBJECT
public:
    explicit ObjectTree(MainWindow& window);

    QTreeWidget* tree() const { return m_tree; }
    // Rebuilds the rows from the chart (the window's objectsChanged(); while shown).
    void refresh();
    // The drawings' and the indicators' group rows.
    QTreeWidgetItem* drawingsItem() const;
    QTreeWidgetItem* indicatorsItem() const;
    // The object of the current row: a drawing id or an indicator index.
    void deleteCurrent();
    void openCurrentProperties();

private:
    void onItemChanged(QTreeWidgetItem* item, int column);

    MainWindow& m_window;
    QTreeWidget* m_tree = nullptr;
    QPushButton* m_properties = nullptr;
    QPushButton* m_delete = nullptr;
    QPushButton* m_deleteAll = nullptr;
    bool m_rebuilding = false;
    // A tick being applied: the item that sent itemChanged is still in use by QTreeWidget, so the
    // rebuild the change causes waits for the event loop (clearing now freed it under Qt).
    bool m_applyingTick = false;
};

}  // namespace cpc::app
