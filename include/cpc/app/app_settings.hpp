#pragma once
#include <QByteArray>
#include <QSettings>
#include <QString>

#include "cpc/core/interval.hpp"

namespace cpc::app {

// One typed facade over QSettings; keys are "group/key".
class AppSettings {
public:
    AppSettings();
    explicit AppSettings(const QString& iniFile);  // tests and --settings

    QString lastSymbol() const;
    void setLastSymbol(const QString& symbol);
    Interval lastInterval() const;
    void setLastInterval(Interval interval);
    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray& geometry);

private:
    static constexpr auto kLastSymbol = "chart/lastSymbol";
    static constexpr auto kLastInterval = "chart/lastInterval";
    static constexpr auto kWindowGeometry = "window/geometry";
    QSettings m_settings;
};

}  // namespace cpc::app
