#include "cpc/chart_qt/chart_text.hpp"

#include <QCoreApplication>

namespace cpc::chart_qt {

namespace {

// Context "ChartText" in the .ts files.
std::string translated(const char* text) { return QCoreApplication::translate("ChartText", text).toStdString(); }

}  // namespace

chart::TextLocale chartTextLocale(const QLocale& locale) {
    // Short month names, January first (the time axis, the crosshair).
    static constexpr const char* kMonths[12] = {
        QT_TRANSLATE_NOOP("ChartText", "Jan"), QT_TRANSLATE_NOOP("ChartText", "Feb"), QT_TRANSLATE_NOOP("ChartText", "Mar"),
        QT_TRANSLATE_NOOP("ChartText", "Apr"), QT_TRANSLATE_NOOP("ChartText", "May"), QT_TRANSLATE_NOOP("ChartText", "Jun"),
        QT_TRANSLATE_NOOP("ChartText", "Jul"), QT_TRANSLATE_NOOP("ChartText", "Aug"), QT_TRANSLATE_NOOP("ChartText", "Sep"),
        QT_TRANSLATE_NOOP("ChartText", "Oct"), QT_TRANSLATE_NOOP("ChartText", "Nov"), QT_TRANSLATE_NOOP("ChartText", "Dec")};
    // Short weekday names, Sunday first (the crosshair).
    static constexpr const char* kWeekdays[7] = {
        QT_TRANSLATE_NOOP("ChartText", "Sun"), QT_TRANSLATE_NOOP("ChartText", "Mon"), QT_TRANSLATE_NOOP("ChartText", "Tue"),
        QT_TRANSLATE_NOOP("ChartText", "Wed"), QT_TRANSLATE_NOOP("ChartText", "Thu"), QT_TRANSLATE_NOOP("ChartText", "Fri"),
        QT_TRANSLATE_NOOP("ChartText", "Sat")};
    chart::TextLocale text;
    for (std::size_t i = 0; i < 12; ++i) text.months[i] = translated(kMonths[i]);
    for (std::size_t i = 0; i < 7; ++i) text.weekdays[i] = translated(kWeekdays[i]);
    text.open = QCoreApplication::translate("ChartText", "O", "legend: open price").toStdString();
    text.high = QCoreApplication::translate("ChartText", "H", "legend: high price").toStdString();
    text.low = QCoreApplication::translate("ChartText", "L", "legend: low price").toStdString();
    text.close = QCoreApplication::translate("ChartText", "C", "legend: close price").toStdString();
    text.volume = QCoreApplication::translate("ChartText", "Vol", "legend: volume").toStdString();
    text.notAvailable =
        QCoreApplication::translate("ChartText", "n/a", "legend: an indicator value not computed yet").toStdString();
    text.bars = QCoreApplication::translate("ChartText", "bars", "a measure: \"15 bars, 15m\"").toStdString();
    text.target = QCoreApplication::translate("ChartText", "Target", "a position's take-profit price").toStdString();
    text.stop = QCoreApplication::translate("ChartText", "Stop", "a position's stop-loss price").toStdString();
    text.riskReward = QCoreApplication::translate("ChartText", "Risk/reward", "a position's reward divided by its risk").toStdString();
    const QString point = locale.decimalPoint();
    text.decimalPoint = point.size() == 1 && point.at(0).unicode() < 128 ? point.at(0).toLatin1() : '.';
    text.dayBeforeMonth = locale.dateFormat(QLocale::ShortFormat).startsWith(QLatin1Char('d'));
    return text;
}

}  // namespace cpc::chart_qt
