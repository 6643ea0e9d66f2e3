#pragma once
// Choose an indicator and its settings: a search field filtering the registry (name and title),
// parameter editors generated from the parameter specs, a colour per output, and overlay on the
// price pane or an own pane (default: the indicator's hint). OK → spec().
#include <QDialog>
#include <QString>
#include <QStringList>
#include <string>
#include <optional>
#include <vector>

#include "cpc/app/indicator_spec.hpp"

class QAbstractSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QRadioButton;

namespace cpc::app {

class IndicatorDialog final : public QDialog {
    Q_OBJECT
public:
    // `initial`: edit an existing indicator (its entry is selected, its values shown).
    explicit IndicatorDialog(QWidget* parent = nullptr, const std::optional<IndicatorSpec>& initial = std::nullopt);

    // Filters the list (case-insensitive substring of name or title); the first visible entry is
    // selected when the selection got hidden.
    void setFilter(const QString& text);
    // Names shown by the current filter, in list order.
    QStringList visibleNames() const;
    // Selects an indicator by name and shows its defaults; false if unknown or filtered out.
    bool selectIndicator(const QString& name);
    QString selectedName() const;
    // Sets parameter `param` (TA-Lib name) in the editor; false if there is no such parameter.
    bool setParam(const QString& param, double value);
    void setColour(std::size_t output, const QColor& colour);
    void setPlacement(indicators::Placement placement);
    // The current choice; nullopt when nothing is selected.
    std::optional<IndicatorSpec> spec() const;

    // A TA-Lib parameter in a trader's words ("nbdevup" → "Std. dev. up"); unknown ones as given.
    static QString parameterLabel(const std::string& param);
    // An output's name in a trader's words ("macdhist" → "Histogram").
    static QString outputLabel(const std::string& output);
    // A choice parameter's value in words ("session" → "Session").
    static QString choiceLabel(const std::string& choice);
    // The moving-average types in TA-Lib's order (index = the parameter's value).
    static QStringList maTypeNames();

private:
    void showIndicator(const QString& name, const std::optional<IndicatorSpec>& values);
    void updateColourButton(std::size_t output);

    QLineEdit* m_search = nullptr;
    QListWidget* m_list = nullptr;
    QLabel* m_description = nullptr;
    QFormLayout* m_form = nullptr;
    QWidget* m_formHost = nullptr;
    QRadioButton* m_overlay = nullptr;
    QRadioButton* m_pane = nullptr;
    QPushButton* m_ok = nullptr;
    QString m_shown;                           // indicator whose editors are shown
    std::optional<IndicatorSpec> m_initial;    // edited: its properties (styles, levels) are kept
    std::vector<QWidget*> m_params;   // QSpinBox, QDoubleSpinBox or (MA types) QComboBox, in param order
    std::vector<QPushButton*> m_colourButtons;
    std::vector<QColor> m_colours;
};

}  // namespace cpc::app
