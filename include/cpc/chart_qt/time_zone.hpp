#pragma once
// Display time zones for the Qt-free chart model: "UTC", "local" (the system zone) or any IANA id
// ("Europe/Berlin"), turned into the model's offset function with QTimeZone (DST-correct).
#include <QString>
#include <QStringList>
#include <optional>

#include "cpc/chart/chart_model.hpp"

namespace cpc::chart_qt {

// nullopt when the name is neither "UTC", "local" nor an IANA id QTimeZone knows.
std::optional<chart::TimeZoneOffset> timeZoneOffset(const QString& name);
// "UTC", "local", then every IANA id available on this system.
QStringList timeZoneNames();

}  // namespace cpc::chart_qt
