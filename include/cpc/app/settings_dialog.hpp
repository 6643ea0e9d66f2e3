#pragma once
// Preferences: endpoints per exchange and market (applied at the next start, or when the toolbar
// switches to that exchange or market; pick the exchange and the market — spot or perpetual — to
// edit at the top), an extra CA file, the cache
// location, and the memory budget of the candle cache, the default time zone and theme (applied at
// once by the caller after accept()).
// Invalid input keeps the dialog open with the reason shown.
#include <QDialog>
#include <QString>
#include <map>
#include <utility>

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
    void exchangeChanged();  // the exchange or the market to edit changed
    void fillPresets();
    void stashEdits();  // the shown exchange's and market's preset and URLs into m_edits

    struct EndpointEdit {
        EndpointPreset preset = EndpointPreset::Production;
        Endpoints custom;
    };

    AppSettings& m_settings;
    // Every exchange's endpoints of each of its markets as edited so far.
    std::map<std::pair<QString, MarketType>, EndpointEdit> m_edits;
    QString m_shownExchange;
    MarketType m_shownMarket = MarketType::Spot;
    QComboBox* m_exchange = nullptr;
    QComboBox* m_market = nullptr;
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
