#include "cpc/app/indicator_dialog.hpp"

#include <QButtonGroup>
#include <QColorDialog>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cmath>
#include <limits>

#include "cpc/app/indicator_texts.hpp"
#include "cpc/indicators/registry.hpp"

namespace cpc::app {

namespace {
QString qs(const std::string& s) { return QString::fromStdString(s); }

int clampToInt(double v) {
    return static_cast<int>(std::clamp(v, static_cast<double>(std::numeric_limits<int>::min()),
                                       static_cast<double>(std::numeric_limits<int>::max())));
}

// TA-Lib's moving-average type parameters (matype, slowk_matype…): a list of names, not a number.
bool isMaType(const std::string& param) { return param.size() >= 6 && param.ends_with("matype"); }
}  // namespace

QString IndicatorDialog::parameterLabel(const std::string& param) {
    // The words a trader reads on TradingView, not TA-Lib's identifiers.
    static const std::pair<const char*, const char*> labels[] = {
        {"timeperiod", QT_TR_NOOP("Length")},
        {"fastperiod", QT_TR_NOOP("Fast length")},
        {"slowperiod", QT_TR_NOOP("Slow length")},
        {"signalperiod", QT_TR_NOOP("Signal length")},
        {"matype", QT_TR_NOOP("MA type")},
        {"fastmatype", QT_TR_NOOP("Fast MA type")},
        {"slowmatype", QT_TR_NOOP("Slow MA type")},
        {"signalmatype", QT_TR_NOOP("Signal MA type")},
        {"nbdevup", QT_TR_NOOP("Std. dev. up")},
        {"nbdevdn", QT_TR_NOOP("Std. dev. down")},
        {"nbdev", QT_TR_NOOP("Std. deviations")},
        {"fastk_period", QT_TR_NOOP("%K length")},
        {"slowk_period", QT_TR_NOOP("%K smoothing")},
        {"slowk_matype", QT_TR_NOOP("%K smoothing MA type")},
        {"slowd_period", QT_TR_NOOP("%D length")},
        {"slowd_matype", QT_TR_NOOP("%D MA type")},
        {"fastd_period", QT_TR_NOOP("%D length")},
        {"fastd_matype", QT_TR_NOOP("%D MA type")},
        {"multiplier", QT_TR_NOOP("Multiplier")},
        {"atrperiod", QT_TR_NOOP("ATR length")},
        {"acceleration", QT_TR_NOOP("Acceleration step")},
        {"maximum", QT_TR_NOOP("Maximum acceleration")},
        {"vfactor", QT_TR_NOOP("Volume factor")},
        {"fastlimit", QT_TR_NOOP("Fast limit")},
        {"slowlimit", QT_TR_NOOP("Slow limit")},
        {"tenkan", QT_TR_NOOP("Conversion line length")},
        {"kijun", QT_TR_NOOP("Base line length")},
        {"senkou", QT_TR_NOOP("Leading span B length")},
        {"displacement", QT_TR_NOOP("Displacement")},
        {"startvalue", QT_TR_NOOP("Start value")},
        {"offsetonreverse", QT_TR_NOOP("Offset on reverse")},
        {"accelerationinitlong", QT_TR_NOOP("Acceleration start (long)")},
        {"accelerationlong", QT_TR_NOOP("Acceleration step (long)")},
        {"accelerationmaxlong", QT_TR_NOOP("Maximum acceleration (long)")},
        {"accelerationinitshort", QT_TR_NOOP("Acceleration start (short)")},
        {"accelerationshort", QT_TR_NOOP("Acceleration step (short)")},
        {"accelerationmaxshort", QT_TR_NOOP("Maximum acceleration (short)")},
        {"anchor", QT_TR_NOOP("Anchor")},
        {"source", QT_TR_NOOP("Source")},
    };
    for (const auto& [name, label] : labels)
        if (param == name) return tr(label);
    return QString::fromStdString(param);
}

QString IndicatorDialog::choiceLabel(const std::string& choice) {
    static const std::pair<const char*, const char*> labels[] = {
        {"none", QT_TR_NOOP("None")},
        {"day", QT_TR_NOOP("Day (00:00 UTC)")},
        {"session", QT_TR_NOOP("Session")},
        {"klines", QT_TR_NOOP("Klines (taker buy volume)")},
        {"trades", QT_TR_NOOP("Trades (intrabar)")},
    };
    for (const auto& [name, label] : labels)
        if (choice == name) return tr(label);
    return QString::fromStdString(choice);
}

QString IndicatorDialog::outputLabel(const std::string& output) {
    static const std::pair<const char*, const char*> labels[] = {
        {"real", QT_TR_NOOP("Line")},
        {"upperband", QT_TR_NOOP("Upper band")},
        {"middleband", QT_TR_NOOP("Middle band")},
        {"lowerband", QT_TR_NOOP("Lower band")},
        {"macd", QT_TR_NOOP("MACD")},
        {"macdsignal", QT_TR_NOOP("Signal")},
        {"macdhist", QT_TR_NOOP("Histogram")},
        {"slowk", QT_TR_NOOP("%K")},
        {"slowd", QT_TR_NOOP("%D")},
        {"fastk", QT_TR_NOOP("%K")},
        {"fastd", QT_TR_NOOP("%D")},
        {"aroondown", QT_TR_NOOP("Aroon down")},
        {"aroonup", QT_TR_NOOP("Aroon up")},
    };
    for (const auto& [name, label] : labels)
        if (output == name) return tr(label);
    return QString::fromStdString(output);
}

QStringList IndicatorDialog::maTypeNames() {
    // TA-Lib's MA_Type order: the value stored is the index.
    return {tr("Simple (SMA)"),          tr("Exponential (EMA)"),      tr("Weighted (WMA)"),
            tr("Double exponential (DEMA)"), tr("Triple exponential (TEMA)"), tr("Triangular (TRIMA)"),
            tr("Kaufman adaptive (KAMA)"), tr("MESA adaptive (MAMA)"),   tr("Triple smoothed (T3)")};
}

IndicatorDialog::IndicatorDialog(QWidget* parent, const std::optional<IndicatorSpec>& initial)
    : QDialog(parent), m_initial(initial) {
    setWindowTitle(initial ? tr("Edit indicator") : tr("Add indicator"));
    setObjectName(QStringLiteral("indicatorDialog"));
    auto* root = new QHBoxLayout(this);

    auto* left = new QVBoxLayout;
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("indicatorSearch"));
    m_search->setPlaceholderText(tr("Search: name or title (e.g. RSI, moving average)"));
    m_search->setClearButtonEnabled(true);
    left->addWidget(m_search);
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("indicatorList"));
    m_list->setMinimumWidth(320);
    for (const indicators::IndicatorInfo* info : indicators::allIndicators()) {
        auto* item = new QListWidgetItem(qs(info->name) + QStringLiteral(" — ") + indicatorTitle(*info), m_list);
        item->setData(Qt::UserRole, qs(info->name));
        // The search finds TA-Lib's English title too: traders and tutorials use it.
        item->setData(Qt::UserRole + 1, qs(info->title));
        item->setToolTip(indicatorTitle(*info) + QStringLiteral("\n") + indicatorGroupName(info->group));
    }
    left->addWidget(m_list, 1);
    root->addLayout(left, 1);

    auto* right = new QVBoxLayout;
    m_description = new QLabel(this);
    m_description->setWordWrap(true);
    right->addWidget(m_description);
    m_formHost = new QWidget(this);
    m_form = new QFormLayout(m_formHost);
    right->addWidget(m_formHost);
    auto* placementBox = new QGroupBox(tr("Placement"), this);
    auto* placementLayout = new QVBoxLayout(placementBox);
    m_overlay = new QRadioButton(tr("Overlay on price"), placementBox);
    m_overlay->setObjectName(QStringLiteral("overlayRadio"));
    m_pane = new QRadioButton(tr("Own pane"), placementBox);
    m_pane->setObjectName(QStringLiteral("paneRadio"));
    placementLayout->addWidget(m_overlay);
    placementLayout->addWidget(m_pane);
    right->addWidget(placementBox);
    right->addStretch(1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    right->addWidget(buttons);
    root->addLayout(right, 1);

    connect(m_search, &QLineEdit::textChanged, this, &IndicatorDialog::setFilter);
    connect(m_list, &QListWidget::currentItemChanged, this, [this](QListWidgetItem* current, QListWidgetItem*) {
        if (current) showIndicator(current->data(Qt::UserRole).toString(), std::nullopt);
    });

    if (initial) {
        for (int i = 0; i < m_list->count(); ++i)
            if (m_list->item(i)->data(Qt::UserRole).toString() == initial->name) {
                m_list->blockSignals(true);
                m_list->setCurrentRow(i);
                m_list->blockSignals(false);
            }
        showIndicator(initial->name, initial);
    } else if (m_list->count() > 0) {
        m_list->setCurrentRow(0);
    }
    m_search->setFocus();
}

void IndicatorDialog::setFilter(const QString& text) {
    if (m_search->text() != text) {
        m_search->setText(text);  // re-enters through textChanged
        return;
    }
    const QString needle = text.trimmed();
    QListWidgetItem* firstVisible = nullptr;
    for (int i = 0; i < m_list->count(); ++i) {
        QListWidgetItem* item = m_list->item(i);
        const bool match = needle.isEmpty() || item->text().contains(needle, Qt::CaseInsensitive) ||
                           item->data(Qt::UserRole + 1).toString().contains(needle, Qt::CaseInsensitive);
        item->setHidden(!match);
        if (match && !firstVisible) firstVisible = item;
    }
    QListWidgetItem* current = m_list->currentItem();
    if ((!current || current->isHidden()) && firstVisible) m_list->setCurrentItem(firstVisible);
}

QStringList IndicatorDialog::visibleNames() const {
    QStringList names;
    for (int i = 0; i < m_list->count(); ++i)
        if (!m_list->item(i)->isHidden()) names << m_list->item(i)->data(Qt::UserRole).toString();
    return names;
}

bool IndicatorDialog::selectIndicator(const QString& name) {
    for (int i = 0; i < m_list->count(); ++i) {
        QListWidgetItem* item = m_list->item(i);
        if (item->isHidden() || item->data(Qt::UserRole).toString().compare(name, Qt::CaseInsensitive) != 0)
            continue;
        m_list->setCurrentItem(item);
        if (m_shown != item->data(Qt::UserRole).toString()) showIndicator(item->data(Qt::UserRole).toString(), std::nullopt);
        return true;
    }
    return false;
}

QString IndicatorDialog::selectedName() const { return m_shown; }

void IndicatorDialog::showIndicator(const QString& name, const std::optional<IndicatorSpec>& values) {
    const indicators::IndicatorInfo* info = indicators::findIndicator(name.toStdString());
    if (!info) return;
    m_shown = qs(info->name);
    while (m_form->rowCount() > 0) m_form->removeRow(0);
    m_params.clear();
    m_colourButtons.clear();
    const IndicatorSpec spec = values ? *values : defaultSpec(*info);
    m_description->setText(QStringLiteral("<b>%1</b> — %2<br><small>%3</small>")
                               .arg(qs(info->name), indicatorTitle(*info).toHtmlEscaped(),
                                    indicatorGroupName(info->group).toHtmlEscaped()));
    for (std::size_t i = 0; i < info->params.size(); ++i) {
        const indicators::ParamInfo& p = info->params[i];
        const double value = i < spec.params.size() ? spec.params[i] : p.defaultValue;
        QWidget* editor = nullptr;
        if (!p.choices.empty()) {  // CVD's anchor and source: names, not numbers
            auto* box = new QComboBox(m_formHost);
            for (std::size_t c = 0; c < p.choices.size(); ++c) box->addItem(choiceLabel(p.choices[c]), static_cast<int>(c));
            box->setCurrentIndex(std::clamp(clampToInt(std::round(value)), 0, box->count() - 1));
            editor = box;
        } else if (isMaType(p.name)) {
            auto* box = new QComboBox(m_formHost);
            const QStringList names = maTypeNames();
            for (int t = 0; t < names.size() && t <= clampToInt(p.maxValue); ++t) box->addItem(names[t], t);
            box->setCurrentIndex(std::clamp(clampToInt(std::round(value)), 0, box->count() - 1));
            editor = box;
        } else if (p.integer) {
            auto* box = new QSpinBox(m_formHost);
            box->setRange(clampToInt(p.minValue), clampToInt(p.maxValue));
            box->setValue(clampToInt(std::round(value)));
            editor = box;
        } else {
            auto* box = new QDoubleSpinBox(m_formHost);
            box->setDecimals(4);
            box->setRange(p.minValue, p.maxValue);
            box->setSingleStep(0.1);
            box->setValue(value);
            editor = box;
        }
        editor->setObjectName(QStringLiteral("param_") + qs(p.name));
        // TA-Lib's own name stays at hand for those who know it (and `cpc indicator`).
        editor->setToolTip(qs(p.name) + QStringLiteral(": ") + indicatorParameterDescription(p));
        m_form->addRow(parameterLabel(p.name), editor);
        m_params.push_back(editor);
    }
    m_colours.clear();
    for (std::size_t i = 0; i < info->outputs.size(); ++i) {
        m_colours.push_back(spec.colour(i));
        auto* button = new QPushButton(m_formHost);
        button->setObjectName(QStringLiteral("colour_") + qs(info->outputs[i].name));
        connect(button, &QPushButton::clicked, this, [this, i] {
            const QColor c = QColorDialog::getColor(m_colours[i], this, tr("Colour"));
            if (c.isValid()) setColour(i, c);
        });
        m_form->addRow(tr("Colour of %1").arg(outputLabel(info->outputs[i].name)), button);
        m_colourButtons.push_back(button);
        updateColourButton(i);
    }
    (spec.placement == indicators::Placement::Overlay ? m_overlay : m_pane)->setChecked(true);
    m_ok->setEnabled(true);
}

void IndicatorDialog::updateColourButton(std::size_t output) {
    if (output >= m_colourButtons.size()) return;
    const QColor c = m_colours[output];
    m_colourButtons[output]->setText(c.name());
    m_colourButtons[output]->setStyleSheet(
        QStringLiteral("background-color: %1; color: %2;").arg(c.name(), c.lightness() > 128 ? "black" : "white"));
}

bool IndicatorDialog::setParam(const QString& param, double value) {
    const indicators::IndicatorInfo* info = indicators::findIndicator(m_shown.toStdString());
    if (!info) return false;
    for (std::size_t i = 0; i < info->params.size() && i < m_params.size(); ++i) {
        if (qs(info->params[i].name) != param) continue;
        if (auto* box = qobject_cast<QSpinBox*>(m_params[i])) box->setValue(clampToInt(std::round(value)));
        else if (auto* dbox = qobject_cast<QDoubleSpinBox*>(m_params[i])) dbox->setValue(value);
        else if (auto* combo = qobject_cast<QComboBox*>(m_params[i])) combo->setCurrentIndex(clampToInt(std::round(value)));
        return true;
    }
    return false;
}

void IndicatorDialog::setColour(std::size_t output, const QColor& colour) {
    if (output >= m_colours.size() || !colour.isValid()) return;
    m_colours[output] = colour;
    updateColourButton(output);
}

void IndicatorDialog::setPlacement(indicators::Placement placement) {
    (placement == indicators::Placement::Overlay ? m_overlay : m_pane)->setChecked(true);
}

std::optional<IndicatorSpec> IndicatorDialog::spec() const {
    if (m_shown.isEmpty()) return std::nullopt;
    IndicatorSpec spec;
    spec.name = m_shown;
    for (QWidget* editor : m_params) {
        if (auto* box = qobject_cast<QSpinBox*>(editor)) spec.params.push_back(box->value());
        else if (auto* dbox = qobject_cast<QDoubleSpinBox*>(editor)) spec.params.push_back(dbox->value());
        else if (auto* combo = qobject_cast<QComboBox*>(editor)) spec.params.push_back(combo->currentData().toInt());
    }
    spec.colours = m_colours;
    spec.placement = m_overlay->isChecked() ? indicators::Placement::Overlay : indicators::Placement::Pane;
    // The properties dialog's choices survive a change of parameters; another indicator starts
    // with its own defaults.
    if (m_initial && m_initial->name == m_shown) {
        spec.styles = m_initial->styles;
        spec.levels = m_initial->levels;
        spec.hidden = m_initial->hidden;
    } else {
        spec.levels = defaultLevels(m_shown);
    }
    return spec;
}

}  // namespace cpc::app
