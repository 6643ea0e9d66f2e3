#include "cpc/app/app_settings.hpp"

namespace cpc::app {

AppSettings::AppSettings() : m_settings(QSettings::IniFormat, QSettings::UserScope, "CanvasProChart", "canvasprochart") {}

AppSettings::AppSettings(const QString& iniFile) : m_settings(iniFile, QSettings::IniFormat) {}

QString AppSettings::lastSymbol() const { return m_settings.value(kLastSymbol, QStringLiteral("BTCUSDT")).toString(); }

void AppSettings::setLastSymbol(const QString& symbol) { m_settings.setValue(kLastSymbol, symbol); }

Interval AppSettings::lastInterval() const {
    const auto text = m_settings.value(kLastInterval, QStringLiteral("1m")).toString().toStdString();
    return parseInterval(text).value_or(Interval::M1);
}

void AppSettings::setLastInterval(Interval interval) {
    m_settings.setValue(kLastInterval, QString::fromLatin1(toString(interval).data(),
                                                           static_cast<int>(toString(interval).size())));
}

QByteArray AppSettings::windowGeometry() const { return m_settings.value(kWindowGeometry).toByteArray(); }

void AppSettings::setWindowGeometry(const QByteArray& geometry) { m_settings.setValue(kWindowGeometry, geometry); }

}  // namespace cpc::app
