#pragma once
// Object properties: what a drawing or an indicator looks like, edited in a dialog (the chart's
// context menu, the object tree, a double click). OK → drawing() / spec(); the caller applies it
// (one undo step).
//   drawings:   colour, width, dash, extend left / right (where the kind has them), text, lock,
//               visibility;
//   indicators: per output colour, width and dash, reference levels ("30, 70"), visibility.
#include <QColor>
#include <QDialog>
#include <QStringList>
#include <vector>

#include "cpc/app/indicator_spec.hpp"
#include "cpc/chart/drawings.hpp"

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace cpc::app {

class DrawingPropertiesDialog final : public QDialog {
    Q_OBJECT
public:
    // defaultColour: what a drawing without a colour of its own is drawn in (the theme's).
    DrawingPropertiesDialog(const chart::Drawing& drawing, const QColor& defaultColour, QWidget* parent = nullptr);
    chart::Drawing drawing() const;
    void setColour(const QColor& colour);  // what the colour button's picker does

private:
    void updateColourButton();

    chart::Drawing m_drawing;
    QColor m_colour;  // invalid: the theme's colour (rgba 0)
    QColor m_defaultColour;
    QPushButton* m_colourButton = nullptr;
    QDoubleSpinBox* m_width = nullptr;
    QComboBox* m_dash = nullptr;
    QCheckBox* m_extendLeft = nullptr;
    QCheckBox* m_extendRight = nullptr;
    QLineEdit* m_text = nullptr;
    QCheckBox* m_locked = nullptr;
    QCheckBox* m_visible = nullptr;
};

class StudyPropertiesDialog final : public QDialog {
    Q_OBJECT
public:
    // outputs: the indicator's output names, one editor row each.
    StudyPropertiesDialog(const IndicatorSpec& spec, const QStringList& outputs, QWidget* parent = nullptr);
    IndicatorSpec spec() const;
    void setColour(std::size_t output, const QColor& colour);
    // The levels as typed are numbers separated by commas or spaces: nullopt (and a message in
    // the dialog, OK disabled) when one is not.
    static std::optional<std::vector<double>> parseLevels(const QString& text);

private:
    void updateColourButton(std::size_t output);
    void checkLevels();

    IndicatorSpec m_spec;
    std::vector<QColor> m_colours;
    std::vector<QPushButton*> m_colourButtons;
    std::vector<QDoubleSpinBox*> m_widths;
    std::vector<QComboBox*> m_dashes;
    QLineEdit* m_levels = nullptr;
    QLabel* m_levelsError = nullptr;
    QCheckBox* m_visible = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

// "Solid", "Dashed", "Dotted" (translated), index-aligned with chart::LineDash.
QStringList lineDashNames();

}  // namespace cpc::app
