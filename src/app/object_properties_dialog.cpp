#include "cpc/app/object_properties_dialog.hpp"

#include <QCheckBox>
#include <QCoreApplication>
#include <QColorDialog>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace cpc::app {

namespace {

QDoubleSpinBox* widthBox(double value, QWidget* parent) {
    auto* box = new QDoubleSpinBox(parent);
    box->setRange(0.5, 10.0);
    box->setSingleStep(0.5);
    box->setDecimals(1);
    box->setSuffix(QStringLiteral(" px"));
    box->setValue(value);
    return box;
}

QComboBox* dashBox(chart::LineDash dash, QWidget* parent) {
    auto* box = new QComboBox(parent);
    box->addItems(lineDashNames());
    box->setCurrentIndex(static_cast<int>(dash));
    return box;
}

void paintColourButton(QPushButton* button, const QColor& colour, const QString& text) {
    button->setText(text);
    button->setStyleSheet(QStringLiteral("background-color: %1; color: %2;")
                              .arg(colour.name(), colour.lightness() > 128 ? QStringLiteral("black") : QStringLiteral("white")));
}

std::uint32_t toRgba(const QColor& c) {
    return (static_cast<std::uint32_t>(c.red()) << 24U) | (static_cast<std::uint32_t>(c.green()) << 16U) |
           (static_cast<std::uint32_t>(c.blue()) << 8U) | static_cast<std::uint32_t>(c.alpha());
}

QColor fromRgba(std::uint32_t rgba) {
    return QColor(static_cast<int>(rgba >> 24U), static_cast<int>((rgba >> 16U) & 0xffU),
                  static_cast<int>((rgba >> 8U) & 0xffU), static_cast<int>(rgba & 0xffU));
}

}  // namespace

QStringList lineDashNames() {
    return {QCoreApplication::translate("cpc::app::ObjectProperties", "Solid"),
            QCoreApplication::translate("cpc::app::ObjectProperties", "Dashed"),
            QCoreApplication::translate("cpc::app::ObjectProperties", "Dotted")};
}

// ---- drawings ---------------------------------------------------------------------------------

DrawingPropertiesDialog::DrawingPropertiesDialog(const chart::Drawing& drawing, const QColor& defaultColour,
                                                 QWidget* parent)
    : QDialog(parent), m_drawing(drawing), m_defaultColour(defaultColour) {
    setObjectName(QStringLiteral("drawingPropertiesDialog"));
    setWindowTitle(tr("Drawing properties"));
    auto* root = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    root->addLayout(form);

    if (drawing.rgba != 0) m_colour = fromRgba(drawing.rgba);
    m_colourButton = new QPushButton(this);
    m_colourButton->setObjectName(QStringLiteral("drawingColour"));
    connect(m_colourButton, &QPushButton::clicked, this, [this] {
        const QColor c = QColorDialog::getColor(m_colour.isValid() ? m_colour : m_defaultColour, this, tr("Colour"),
                                                QColorDialog::ShowAlphaChannel);
        if (c.isValid()) setColour(c);
    });
    updateColourButton();
    form->addRow(tr("Colour"), m_colourButton);

    m_width = widthBox(drawing.width, this);
    m_width->setObjectName(QStringLiteral("drawingWidth"));
    form->addRow(tr("Width"), m_width);
    m_dash = dashBox(drawing.dash, this);
    m_dash->setObjectName(QStringLiteral("drawingDash"));
    form->addRow(tr("Line style"), m_dash);

    m_extendLeft = new QCheckBox(tr("Extend left"), this);
    m_extendLeft->setObjectName(QStringLiteral("extendLeft"));
    m_extendRight = new QCheckBox(tr("Extend right"), this);
    m_extendRight->setObjectName(QStringLiteral("extendRight"));
    const bool extendable = chart::supportsExtend(drawing.kind);
    // A ray and a Fibonacci's levels always run on to the right.
    const bool alwaysRight = drawing.kind == chart::DrawingKind::Ray || drawing.kind == chart::DrawingKind::Fibonacci;
    m_extendLeft->setChecked(drawing.extendLeft);
    m_extendRight->setChecked(drawing.extendRight || alwaysRight);
    m_extendLeft->setEnabled(extendable);
    m_extendRight->setEnabled(extendable && !alwaysRight);
    if (!extendable) {
        m_extendLeft->setToolTip(tr("Only trend lines, rays and Fibonacci retracements extend"));
        m_extendRight->setToolTip(m_extendLeft->toolTip());
    }
    auto* extendRow = new QHBoxLayout;
    extendRow->addWidget(m_extendLeft);
    extendRow->addWidget(m_extendRight);
    form->addRow(tr("Extend"), extendRow);

    m_text = new QLineEdit(QString::fromStdString(drawing.text), this);
    m_text->setObjectName(QStringLiteral("drawingText"));
    m_text->setPlaceholderText(tr("Shown next to the drawing"));
    form->addRow(tr("Text"), m_text);

    m_locked = new QCheckBox(tr("Locked (cannot be moved with the mouse)"), this);
    m_locked->setObjectName(QStringLiteral("drawingLocked"));
    m_locked->setChecked(drawing.locked);
    form->addRow(QString(), m_locked);
    m_visible = new QCheckBox(tr("Visible"), this);
    m_visible->setObjectName(QStringLiteral("drawingVisible"));
    m_visible->setChecked(!drawing.hidden);
    form->addRow(QString(), m_visible);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    root->addWidget(buttons);
}

void DrawingPropertiesDialog::setColour(const QColor& colour) {
    if (!colour.isValid()) return;
    m_colour = colour;
    updateColourButton();
}

void DrawingPropertiesDialog::updateColourButton() {
    paintColourButton(m_colourButton, m_colour.isValid() ? m_colour : m_defaultColour,
                      m_colour.isValid() ? m_colour.name() : tr("Theme colour"));
}

chart::Drawing DrawingPropertiesDialog::drawing() const {
    chart::Drawing d = m_drawing;
    d.rgba = m_colour.isValid() ? toRgba(m_colour) : 0;
    d.width = m_width->value();
    d.dash = static_cast<chart::LineDash>(std::clamp(m_dash->currentIndex(), 0, 2));
    if (chart::supportsExtend(d.kind)) {
        d.extendLeft = m_extendLeft->isChecked();
        // Always-right kinds do not store it: that is their shape, not a choice.
        d.extendRight = m_extendRight->isEnabled() && m_extendRight->isChecked();
    }
    d.text = m_text->text().simplified().toStdString();
    d.locked = m_locked->isChecked();
    d.hidden = !m_visible->isChecked();
    return d;
}

// ---- indicators -------------------------------------------------------------------------------

StudyPropertiesDialog::StudyPropertiesDialog(const IndicatorSpec& spec, const QStringList& outputs, QWidget* parent)
    : QDialog(parent), m_spec(spec) {
    setObjectName(QStringLiteral("studyPropertiesDialog"));
    setWindowTitle(tr("%1 properties").arg(spec.title()));
    auto* root = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    root->addLayout(form);
    for (qsizetype i = 0; i < outputs.size(); ++i) {
        const auto o = static_cast<std::size_t>(i);
        m_colours.push_back(spec.colour(o));
        auto* row = new QHBoxLayout;
        auto* colour = new QPushButton(this);
        colour->setObjectName(QStringLiteral("colour_%1").arg(i));
        connect(colour, &QPushButton::clicked, this, [this, o] {
            const QColor c = QColorDialog::getColor(m_colours[o], this, tr("Colour"));
            if (c.isValid()) setColour(o, c);
        });
        m_colourButtons.push_back(colour);
        updateColourButton(o);
        auto* width = widthBox(spec.style(o).width, this);
        width->setObjectName(QStringLiteral("width_%1").arg(i));
        m_widths.push_back(width);
        auto* dash = dashBox(spec.style(o).dash, this);
        dash->setObjectName(QStringLiteral("dash_%1").arg(i));
        m_dashes.push_back(dash);
        row->addWidget(colour);
        row->addWidget(width);
        row->addWidget(dash);
        form->addRow(outputs[i], row);
    }
    QStringList levels;
    for (const double l : spec.levels) levels << QString::number(l, 'g', 12);
    m_levels = new QLineEdit(levels.join(QStringLiteral(", ")), this);
    m_levels->setObjectName(QStringLiteral("levels"));
    m_levels->setPlaceholderText(tr("e.g. 30, 70"));
    m_levels->setToolTip(tr("Horizontal reference lines across the indicator's pane, separated by commas"));
    form->addRow(tr("Levels"), m_levels);
    m_levelsError = new QLabel(this);
    m_levelsError->setObjectName(QStringLiteral("levelsError"));
    m_levelsError->setStyleSheet(QStringLiteral("color: #ef5350;"));
    m_levelsError->hide();
    form->addRow(QString(), m_levelsError);
    if (spec.placement != indicators::Placement::Pane) {
        m_levels->setEnabled(false);
        m_levels->setToolTip(tr("Levels are drawn in an indicator's own pane; this one is over the candles"));
    }
    m_visible = new QCheckBox(tr("Visible"), this);
    m_visible->setObjectName(QStringLiteral("studyVisible"));
    m_visible->setChecked(!spec.hidden);
    form->addRow(QString(), m_visible);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    root->addWidget(m_buttons);
    connect(m_levels, &QLineEdit::textChanged, this, &StudyPropertiesDialog::checkLevels);
}

std::optional<std::vector<double>> StudyPropertiesDialog::parseLevels(const QString& text) {
    std::vector<double> out;
    static const QRegularExpression separators(QStringLiteral("[,;\\s]+"));
    for (const QString& part : text.split(separators, Qt::SkipEmptyParts)) {
        bool ok = false;
        const double v = part.toDouble(&ok);
        if (!ok || !std::isfinite(v)) return std::nullopt;
        out.push_back(v);
    }
    return out;
}

void StudyPropertiesDialog::checkLevels() {
    const bool ok = parseLevels(m_levels->text()).has_value();
    m_levelsError->setText(ok ? QString() : tr("Levels must be numbers separated by commas, e.g. 30, 70"));
    m_levelsError->setVisible(!ok);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(ok);
}

void StudyPropertiesDialog::setColour(std::size_t output, const QColor& colour) {
    if (output >= m_colours.size() || !colour.isValid()) return;
    m_colours[output] = colour;
    updateColourButton(output);
}

void StudyPropertiesDialog::updateColourButton(std::size_t output) {
    paintColourButton(m_colourButtons[output], m_colours[output], m_colours[output].name());
}

IndicatorSpec StudyPropertiesDialog::spec() const {
    IndicatorSpec spec = m_spec;
    spec.colours = m_colours;
    spec.styles.clear();
    for (std::size_t o = 0; o < m_widths.size(); ++o)
        spec.styles.push_back(LineStyle{m_widths[o]->value(),
                                        static_cast<chart::LineDash>(std::clamp(m_dashes[o]->currentIndex(), 0, 2))});
    // All default: stored as none, so the spec reads (and compares) as before.
    if (std::all_of(spec.styles.begin(), spec.styles.end(), [](const LineStyle& s) { return s == LineStyle{}; }))
        spec.styles.clear();
    if (const auto levels = parseLevels(m_levels->text())) spec.levels = *levels;
    spec.hidden = !m_visible->isChecked();
    return spec;
}

}  // namespace cpc::app
