#pragma once
// Every indicator by name. Names are TA-Lib's (case-insensitive): "SMA", "MACD", "BBANDS"; the chart
// studies TA-Lib lacks use "VWAP", "SUPERTREND", "ICHIMOKU", "KELTNER", "DONCHIAN", "CHOP", "PIVOTS".
//
//   auto macd = cpc::indicators::create("MACD", {12, 26, 9});         // positional, TA-Lib order
//   auto bb = cpc::indicators::create("BBANDS", {{"timeperiod", 20}});  // by name, rest default
//   auto rsi = cpc::indicators::createFromSpec("RSI(21)");             // what a CLI or dialog types
//   if (!macd) std::cerr << macd.error().message;                      // says what is accepted
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cpc/core/result.hpp"
#include "cpc/indicators/indicator.hpp"

namespace cpc::indicators {

struct NamedParam {
    std::string name;
    double value = 0;
};

// Every registered indicator, sorted by name.
const std::vector<const IndicatorInfo*>& allIndicators();
std::vector<std::string> indicatorNames();
// nullptr when unknown.
const IndicatorInfo* findIndicator(std::string_view name);

// Missing trailing parameters take their defaults.
Result<std::unique_ptr<Indicator>> create(std::string_view name, std::span<const double> params = {});
Result<std::unique_ptr<Indicator>> create(std::string_view name, std::initializer_list<double> params);
Result<std::unique_ptr<Indicator>> create(std::string_view name, std::span<const NamedParam> params);
Result<std::unique_ptr<Indicator>> create(std::string_view name, std::initializer_list<NamedParam> params);
// The value of a choice parameter (ParamInfo::choices) by name, case-insensitive; nullopt when the
// parameter has no choice of that name.
std::optional<double> choiceValue(const ParamInfo& param, std::string_view name);

// "NAME", "NAME(1, 2.5)" or "NAME(timeperiod=20, nbdevup=2)"; spaces are ignored. A choice
// parameter may be given by name: "CVD(anchor=day)".
Result<std::unique_ptr<Indicator>> createFromSpec(std::string_view spec);

// "MACD(fastperiod=12, slowperiod=26, signalperiod=9) -> macd, macdsignal, macdhist"
std::string describe(const IndicatorInfo& info);

}  // namespace cpc::indicators
