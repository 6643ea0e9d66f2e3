#pragma once
// Text for axes, legend and crosshair labels. All times are shown in UTC, as Binance reports them.
#include <array>
#include <cstdint>
#include <string>

#include "cpc/core/interval.hpp"

namespace cpc::chart {

// The words and the decimal separator of the chart's texts in the interface language. The chart
// knows no translation system: the GUI fills this at the Qt boundary (chart_qt::chartTextLocale,
// from its translations and QLocale) and gives it to the ChartModel. The default is English.
struct TextLocale {
    char decimalPoint = '.';
    std::array<std::string, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::array<std::string, 7> weekdays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    bool dayBeforeMonth = false;  // time axis: "Jan 17" (false) or "17 jan" (true)
    // Legend: open, high, low, close, volume; a value an indicator does not have yet.
    std::string open = "O", high = "H", low = "L", close = "C", volume = "Vol", notAvailable = "n/a";
    // Drawings that measure: "15 bars", a position's "Target", "Stop" and "Risk/reward".
    std::string bars = "bars", target = "Target", stop = "Stop", riskReward = "Risk/reward";
};
const TextLocale& englishTextLocale();

// Fixed decimals: formatPrice(41732.3456, 2) == "41732.35" ("41732,35" with a decimal comma).
// Never "-0.00".
std::string formatPrice(double value, int decimals, const TextLocale& locale = englishTextLocale());
// With an explicit sign: "+12.30", "-0.50", "0.00".
std::string formatSignedPrice(double value, int decimals, const TextLocale& locale = englishTextLocale());
// "+0.25%", "-1.30%", "0.00%".
std::string formatPercent(double percent, const TextLocale& locale = englishTextLocale());
// Compact volume without padding zeros: "950", "12.35", "20", "0.042", "1.25K", "35.2M", "1.5B".
std::string formatVolume(double value, const TextLocale& locale = englishTextLocale());

struct UtcFields {
    int year = 1970;
    int month = 1;    // 1..12
    int day = 1;      // 1..31
    int weekday = 4;  // 0 = Sunday (1970-01-01 was a Thursday)
    int hour = 0;
    int minute = 0;
    int second = 0;
};
UtcFields utcFields(std::int64_t ms);
const char* monthShortName(int month);     // 1..12 → "Jan"…"Dec"
const char* weekdayShortName(int weekday);  // 0..6 → "Sun"…"Sat"

// Crosshair time label, precision following the interval:
// 1s "Mon 15 Jan '24 14:30:05", 1m…12h "Mon 15 Jan '24 14:30", 1d…1w "Mon 15 Jan '24", 1M "Jan '24".
std::string formatCrosshairTime(std::int64_t ms, Interval interval, const TextLocale& locale = englishTextLocale());
// A span of time in its two largest units: "45s", "15m", "2h 15m", "3d 4h", "12d".
std::string formatDuration(std::int64_t ms);
// Time left until a candle closes: "42" s → "00:42", "1:05:09", "3d 04h".
std::string formatCountdown(std::int64_t remainingMs);

}  // namespace cpc::chart
