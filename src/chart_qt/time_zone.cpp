#include "cpc/chart_qt/time_zone.hpp"

#include <QByteArray>
#include <QDateTime>
#include <QTimeZone>

namespace cpc::chart_qt {

std::optional<chart::TimeZoneOffset> timeZoneOffset(const QString& name) {
    if (name.isEmpty() || name == QLatin1String("UTC")) return chart::TimeZoneOffset{};
    QTimeZone zone = name == QLatin1String("local") ? QTimeZone::systemTimeZone()
                                                    : QTimeZone(name.toUtf8());
    if (!zone.isValid()) return std::nullopt;
    // QTimeZone answers per instant, so the offset switches exactly at each DST transition.
    return chart::TimeZoneOffset([zone](std::int64_t utcMs) -> std::int64_t {
        return static_cast<std::int64_t>(zone.offsetFromUtc(QDateTime::fromMSecsSinceEpoch(utcMs, QTimeZone::utc()))) *
               1000;
    });
}

QStringList timeZoneNames() {
    QStringList names{QStringLiteral("UTC"), QStringLiteral("local")};
    for (const QByteArray& id : QTimeZone::availableTimeZoneIds()) names.push_back(QString::fromUtf8(id));
    return names;
}

}  // namespace cpc::chart_qt
