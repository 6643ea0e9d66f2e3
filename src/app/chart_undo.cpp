#include "cpc/app/chart_undo.hpp"

#include <QUndoCommand>
#include <QUndoStack>
#include <algorithm>

#include "cpc/chart_qt/chart_canvas.hpp"

namespace cpc::app {

// What a step did, for the Edit menu's "Undo …" text.
QString ChartUndo::drawingStepText(const std::vector<chart::Drawing>& before, const std::vector<chart::Drawing>& after) {
    if (after.size() > before.size()) return after.size() - before.size() == 1 ? tr("Add drawing") : tr("Add drawings");
    if (after.size() < before.size()) return before.size() - after.size() == 1 ? tr("Delete drawing") : tr("Delete drawings");
    for (std::size_t i = 0; i < before.size(); ++i) {
        if (before[i].id != after[i].id) return tr("Reorder drawings");
        if (before[i].a != after[i].a || before[i].b != after[i].b) return tr("Move drawing");
    }
    return tr("Drawing properties");
}

QString ChartUndo::studyStepText(const ChartUndo::Specs& before, const ChartUndo::Specs& after) {
    if (after.size() > before.size()) return tr("Add indicator");
    if (after.size() < before.size()) return tr("Remove indicator");
    return tr("Change indicator");
}

// One step: the drawings or the indicators before and after it (only the part that changed).
class SnapshotCommand final : public QUndoCommand {
public:
    SnapshotCommand(ChartUndo& owner, const QString& text) : QUndoCommand(text), m_owner(owner) {}

    void setDrawings(std::vector<chart::Drawing> before, std::vector<chart::Drawing> after) {
        m_hasDrawings = true;
        m_drawingsBefore = std::move(before);
        m_drawingsAfter = std::move(after);
    }
    void setStudies(ChartUndo::Specs before, ChartUndo::Specs after) {
        m_hasStudies = true;
        m_studiesBefore = std::move(before);
        m_studiesAfter = std::move(after);
    }

    void undo() override {
        if (m_hasDrawings) m_owner.applyDrawings(m_drawingsBefore);
        if (m_hasStudies) m_owner.applyStudies(m_studiesBefore);
    }
    void redo() override {
        // The first redo() comes from push(): the change has happened already.
        if (m_first) {
            m_first = false;
            return;
        }
        if (m_hasDrawings) m_owner.applyDrawings(m_drawingsAfter);
        if (m_hasStudies) m_owner.applyStudies(m_studiesAfter);
    }

private:
    ChartUndo& m_owner;
    bool m_first = true;
    bool m_hasDrawings = false;
    bool m_hasStudies = false;
    std::vector<chart::Drawing> m_drawingsBefore;
    std::vector<chart::Drawing> m_drawingsAfter;
    ChartUndo::Specs m_studiesBefore;
    ChartUndo::Specs m_studiesAfter;
};

ChartUndo::ChartUndo(chart_qt::ChartCanvas& canvas, Hooks hooks, QObject* parent)
    : QObject(parent), m_canvas(canvas), m_hooks(std::move(hooks)), m_stack(new QUndoStack(this)) {
    connect(&m_canvas, &chart_qt::ChartCanvas::drawingsChanged, this, &ChartUndo::drawingsChanged);
    connect(&m_canvas, &chart_qt::ChartCanvas::drawingGestureFinished, this, &ChartUndo::drawingsChanged);
    reset();
}

ChartUndo::~ChartUndo() = default;

void ChartUndo::reset() {
    m_stack->clear();
    m_drawings = m_canvas.model().drawings();
    m_studies = m_hooks.studies ? m_hooks.studies() : Specs{};
}

void ChartUndo::drawingsChanged() {
    if (m_applying || m_canvas.drawingGestureActive()) return;
    const std::vector<chart::Drawing>& now = m_canvas.model().drawings();
    if (now == m_drawings) return;
    auto* step = new SnapshotCommand(*this, drawingStepText(m_drawings, now));
    step->setDrawings(m_drawings, now);
    m_drawings = now;
    m_stack->push(step);
}

void ChartUndo::studiesChanged() {
    if (m_applying || !m_hooks.studies) return;
    Specs now = m_hooks.studies();
    if (now == m_studies) return;
    auto* step = new SnapshotCommand(*this, studyStepText(m_studies, now));
    step->setStudies(m_studies, now);
    m_studies = std::move(now);
    m_stack->push(step);
}

void ChartUndo::beginGroup(const QString& text) { m_stack->beginMacro(text); }

void ChartUndo::endGroup() { m_stack->endMacro(); }

void ChartUndo::applyDrawings(const std::vector<chart::Drawing>& drawings) {
    m_applying = true;
    m_canvas.model().restoreDrawings(drawings);
    m_applying = false;
    m_drawings = m_canvas.model().drawings();
}

void ChartUndo::applyStudies(const Specs& specs) {
    m_applying = true;
    if (m_hooks.applyStudies) m_hooks.applyStudies(specs);
    m_applying = false;
    m_studies = m_hooks.studies ? m_hooks.studies() : specs;
}

}  // namespace cpc::app
