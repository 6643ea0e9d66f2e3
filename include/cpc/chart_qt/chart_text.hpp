#pragma once
// The chart's words in the interface language, made at the Qt boundary: the Qt-free chart formats
// its axis, legend and crosshair texts with a chart::TextLocale, filled here from the installed
// translations (month and weekday abbreviations, the legend's O H L C Vol) and from `locale`
// (decimal separator; day before month when its short date starts with the day).
#include <QLocale>

#include "cpc/chart/format.hpp"

namespace cpc::chart_qt {

chart::TextLocale chartTextLocale(const QLocale& locale = QLocale());

}  // namespace cpc::chart_qt
