#pragma once
// Undo / redo of what the user does to a chart's objects: drawings (add, move, reshape, delete,
// properties) and indicators (add, remove, settings, properties, order, visibility).
//
// It records states, not operations: the chart's drawing list and the window's indicator specs
// are plain values, so each step keeps the list before and after and undo puts the "before" back
// (ChartModel::restoreDrawings keeps the ids; indicators are rebuilt from their specs). Whatever
// changes them — the mouse, a menu, a dialog, the object tree, a key — is recorded the same way,
// with no command class per action. A mouse gesture (drag a drawing, place a two-click one) is
// one step: its intermediate notices are folded until ChartCanvas::drawingGestureFinished().
// Opening another symbol starts a new history (the steps belong to the other pair's objects).
#include <QObject>
#include <QString>
#include <functional>
#include <vector>

#include "cpc/app/indicator_spec.hpp"
#include "cpc/chart/drawings.hpp"

class QUndoStack;

namespace cpc::chart_qt { class ChartCanvas; }

namespace cpc::app {

class ChartUndo final : public QObject {
    Q_OBJECT
public:
    using Specs = std::vector<IndicatorSpec>;
    struct Hooks {
        std::function<Specs()> studies;                    // the indicator specs now
        std::function<void(const Specs&)> applyStudies;   // rebuild the indicators from specs
    };
    ChartUndo(chart_qt::ChartCanvas& canvas, Hooks hooks, QObject* parent = nullptr);
    ~ChartUndo() override;

    QUndoStack* stack() const { return m_stack; }

    // The chart's drawings changed (ChartCanvas::drawingsChanged): one undo step, unless a
    // gesture is under way or the change is an undo / redo being applied.
    void drawingsChanged();
    // The window's indicators changed (added, removed, edited…): one undo step, likewise.
    void studiesChanged();
    // Another symbol's objects are shown: the history starts again from them.
    void reset();
    // Several changes as one step (the object tree's "Delete all").
    void beginGroup(const QString& text);
    void endGroup();

private:
    friend class SnapshotCommand;
    static QString drawingStepText(const std::vector<chart::Drawing>& before, const std::vector<chart::Drawing>& after);
    static QString studyStepText(const Specs& before, const Specs& after);
    void applyDrawings(const std::vector<chart::Drawing>& drawings);
    void applyStudies(const Specs& specs);

    chart_qt::ChartCanvas& m_canvas;
    Hooks m_hooks;
    QUndoStack* m_stack = nullptr;
    std::vector<chart::Drawing> m_drawings;  // as of the last step
    Specs m_studies;                         // as of the last step
    bool m_applying = false;                 // an undo / redo is putting a state back
};

}  // namespace cpc::app
