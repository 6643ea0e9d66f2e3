#pragma once
// Preferences: endpoints per exchange (applied at the next start, or when the toolbar switches
// to that exchange; pick the exchange to edit at the top), an extra CA file, the cache
// location, and the memory budget of the candle cache, the default time zone and theme (applied at
// once by the caller after accept()).
// Invalid input keeps the dialog open with the reason shown.
#include <QDialog>
#include <QString>
#include <map>

#include "cpc/app/app_settings.hpp"

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace cpc::app {

class AppSettings;

class SettingsDialog final : public QDialog {
    Q_OBJECT
public:
    SettingsDialog(AppSettings& settings, QWidget* parent = nullptr);

    // Validates and writes everything to the settings; false (with the reason shown) if invalid.
    bool apply();
    QString errorText() const;

    void accept() override;

private:
    void presetChanged();
    void exchangeChanged();
    void fillPresets(const QString& exchange);
    void stashEdits();  // the shown exchange's preset and URLs into m_edits

    struct EndpointEdit {
        EndpointPreset preset = EndpointPreset::Production;
        Endpoints custom;
    };

    AppSettings& m_settings;
    std::map<QString, EndpointEdit> m_edits;  // every exchange's endpoints as edited so far
    QString m_shownExchange;
    QComboBox* m_exchange = nullptr;
    QComboBox* m_preset = nullptr;
    QLineEdit* m_rest = nullptr;
    QLineEdit* m_stream = nullptr;
    QLineEdit* m_caFile = nullptr;
    QLineEdit* m_cacheDir = nullptr;
    QSpinBox* m_memoryBudget = nullptr;
    QComboBox* m_timeZone = nullptr;
    QComboBox* m_theme = nullptr;
    QComboBox* m_language = nullptr;
    QLabel* m_error = nullptr;
};

}  // namespace cpc::app
