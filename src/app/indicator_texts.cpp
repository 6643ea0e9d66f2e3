#include "cpc/app/indicator_texts.hpp"

#include <QCoreApplication>
#include <cstring>

namespace cpc::app {

namespace {

// The registry's texts, listed here so that lupdate finds them (the registry is Qt-free). A test
// holds this list and the registry equal: a new indicator without its line here fails it.
constexpr const char* kTitles[] = {
    QT_TRANSLATE_NOOP("IndicatorTitle", "1-day Rate-Of-Change (ROC) of a Triple Smooth EMA"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Absolute Price Oscillator"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Acceleration Bands"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Aroon"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Aroon Oscillator"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Average Deviation"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Average Directional Movement Index"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Average Directional Movement Index Rating"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Average Price"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Average True Range"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Balance Of Power"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Beta"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Bollinger Bands"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Chaikin A/D Line"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Chaikin A/D Oscillator"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Chande Momentum Oscillator"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Choppiness Index"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Classic daily pivot points"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Commodity Channel Index"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Cumulative Volume Delta (klines' taker buy volume or trades)"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Directional Movement Index"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Donchian Channels"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Double Exponential Moving Average"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Exponential Moving Average"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Highest value over a specified period"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Hilbert Transform - Dominant Cycle Period"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Hilbert Transform - Dominant Cycle Phase"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Hilbert Transform - Instantaneous Trendline"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Hilbert Transform - Phasor Components"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Hilbert Transform - SineWave"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Hilbert Transform - Trend vs Cycle Mode"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Ichimoku Kinko Hyo"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Index of highest value over a specified period"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Index of lowest value over a specified period"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Indexes of lowest and highest values over a specified period"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Intraday Momentum Index"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Kaufman Adaptive Moving Average"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Keltner Channels"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Linear Regression"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Linear Regression Angle"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Linear Regression Intercept"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Linear Regression Slope"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Lowest and highest values over a specified period"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Lowest value over a specified period"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "MACD with controllable MA type"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "MESA Adaptive Moving Average"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Median Price"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "MidPoint over period"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Midpoint Price over period"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Minus Directional Indicator"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Minus Directional Movement"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Momentum"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Money Flow Index"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Moving Average Convergence/Divergence"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Moving Average Convergence/Divergence Fix 12/26"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Moving average"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Normalized Average True Range"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "On Balance Volume"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Parabolic SAR"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Parabolic SAR - Extended"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Pearson's Correlation Coefficient (r)"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Percentage Price Oscillator"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Plus Directional Indicator"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Plus Directional Movement"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Rate of change : ((price/prevPrice)-1)*100"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Rate of change Percentage: (price-prevPrice)/prevPrice"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Rate of change ratio 100 scale: (price/prevPrice)*100"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Rate of change ratio: (price/prevPrice)"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Relative Strength Index"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Session VWAP (daily UTC reset, hlc3)"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Simple Moving Average"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Standard Deviation"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Stochastic"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Stochastic Fast"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Stochastic Relative Strength Index"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Summation"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "SuperTrend"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Time Series Forecast"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Triangular Moving Average"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Triple Exponential Moving Average"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Triple Exponential Moving Average (T3)"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "True Range"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Typical Price"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Ultimate Oscillator"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Variance"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Weighted Close Price"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Weighted Moving Average"),
    QT_TRANSLATE_NOOP("IndicatorTitle", "Williams' %R"),
};

constexpr const char* kParameters[] = {
    QT_TRANSLATE_NOOP("IndicatorParameter", "0 klines (their taker buy volume, one value per bar), 1 trades (each bar's CVD as a candle of the running delta of its trades)"),
    QT_TRANSLATE_NOOP("IndicatorParameter", "ATR multiplier"),
    QT_TRANSLATE_NOOP("IndicatorParameter", "EMA period"),
    QT_TRANSLATE_NOOP("IndicatorParameter", "acceleration factor maximum"),
    QT_TRANSLATE_NOOP("IndicatorParameter", "acceleration factor step"),
    QT_TRANSLATE_NOOP("IndicatorParameter", "bars the spans are shifted"),
    QT_TRANSLATE_NOOP("IndicatorParameter", "base line period"),
    QT_TRANSLATE_NOOP("IndicatorParameter", "conversion line period"),
    QT_TRANSLATE_NOOP("IndicatorParameter", "deviation multiplier"),
    QT_TRANSLATE_NOOP("IndicatorParameter", "deviation multiplier for the lower band"),
    QT_TRANSLATE_NOOP("IndicatorParameter", "deviation multiplier for the upper band"),
    QT_TRANSLATE_NOOP("IndicatorParameter", "initial long acceleration"),
    QT_TRANSLATE_NOOP("IndicatorParameter", "initial short acceleration"),
    QT_TRANSLATE_NOOP("IndicatorParameter", "leading span B period"),
    QT_TRANSLATE_NOOP("IndicatorParameter", "long acceleration maximum"),
    QT_TRANSLATE_NOOP("IndicatorParameter", "long acceleration step"),
    QT_TRANSLATE_NOOP("IndicatorParameter", "lower limit of the adaptive smoothing factor"),
    QT_TRANSLATE_NOOP("IndicatorParameter", "moving average type: 0 SMA, 1 EMA, 2 WMA, 3 DEMA, 4 TEMA, 5 TRIMA, 6 KAMA, 7 MAMA, 8 T3"),
    QT_TRANSLATE_NOOP("IndicatorParameter", "number of bars"),
    QT_TRANSLATE_NOOP("IndicatorParameter", "percent offset added/removed on reversal"),
    QT_TRANSLATE_NOOP("IndicatorParameter", "reset: 0 none (from the first bar), 1 day (00:00 UTC), 2 session (the venue's trading session: 00:00 UTC on the crypto venues)"),
    QT_TRANSLATE_NOOP("IndicatorParameter", "short acceleration maximum"),
    QT_TRANSLATE_NOOP("IndicatorParameter", "short acceleration step"),
    QT_TRANSLATE_NOOP("IndicatorParameter", "start value; 0 = auto, >0 long, <0 short"),
    QT_TRANSLATE_NOOP("IndicatorParameter", "upper limit of the adaptive smoothing factor"),
    QT_TRANSLATE_NOOP("IndicatorParameter", "volume factor"),
};

constexpr const char* kGroups[] = {
    QT_TRANSLATE_NOOP("IndicatorGroup", "Overlap Studies"),
    QT_TRANSLATE_NOOP("IndicatorGroup", "Momentum Indicators"),
    QT_TRANSLATE_NOOP("IndicatorGroup", "Volume Indicators"),
    QT_TRANSLATE_NOOP("IndicatorGroup", "Volatility Indicators"),
    QT_TRANSLATE_NOOP("IndicatorGroup", "Price Transform"),
    QT_TRANSLATE_NOOP("IndicatorGroup", "Statistic Functions"),
    QT_TRANSLATE_NOOP("IndicatorGroup", "Math Operators"),
    QT_TRANSLATE_NOOP("IndicatorGroup", "Chart Studies"),
    QT_TRANSLATE_NOOP("IndicatorGroup", "Cycle Indicators"),
};

QString translated(const char* context, const std::string& english) {
    return QCoreApplication::translate(context, english.c_str());
}

}  // namespace

QString indicatorTitle(const indicators::IndicatorInfo& info) { return translated("IndicatorTitle", info.title); }

QString indicatorGroupName(indicators::IndicatorGroup group) {
    return translated("IndicatorGroup", std::string(indicators::toString(group)));
}

QString indicatorParameterDescription(const indicators::ParamInfo& param) {
    return translated("IndicatorParameter", param.description);
}

QStringList indicatorTextSources(const char* context) {
    QStringList out;
    const auto add = [&out](const auto& list) {
        for (const char* text : list) out << QString::fromUtf8(text);
    };
    if (std::strcmp(context, "IndicatorTitle") == 0) add(kTitles);
    if (std::strcmp(context, "IndicatorParameter") == 0) add(kParameters);
    if (std::strcmp(context, "IndicatorGroup") == 0) add(kGroups);
    return out;
}

}  // namespace cpc::app
