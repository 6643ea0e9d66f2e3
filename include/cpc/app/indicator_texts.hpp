#pragma once
// The indicator registry (src/indicators) names its studies in English, as TA-Lib does and as
// `cpc indicator --list` prints them. The GUI shows the titles, groups and parameter descriptions in
// the interface language through these functions (contexts "IndicatorTitle", "IndicatorGroup",
// "IndicatorParameter" of the translations).
#include <QString>
#include <QStringList>

#include "cpc/indicators/indicator.hpp"

namespace cpc::app {

QString indicatorTitle(const indicators::IndicatorInfo& info);
QString indicatorGroupName(indicators::IndicatorGroup group);
QString indicatorParameterDescription(const indicators::ParamInfo& param);

// Every English text the functions above translate, by context (for the translation test).
QStringList indicatorTextSources(const char* context);

}  // namespace cpc::app
