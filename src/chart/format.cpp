#include "cpc/chart/format.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "cpc/core/arith.hpp"
#include "cpc/core/time.hpp"

namespace cpc::chart {

namespace {

std::string printf2(const char* fmt, double v, int decimals) {
    char buf[64];
    const int n = std::snprintf(buf, sizeof buf, fmt, decimals, v);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(std::min<int>(n, sizeof buf - 1)))
                 : std::string{};
}

// Rounds away values that would print as "-0.00".
double zeroIfRoundsToZero(double value, int decimals) {
    const double unit = std::pow(10.0, -decimals) / 2;
    return std::fabs(value) < unit ? 0.0 : value;
}

// printf writes the C locale's point; the interface's separator replaces it.
std::string withDecimalPoint(std::string text, char decimalPoint) {
    if (decimalPoint != '.')
        if (const auto dot = text.find('.'); dot != std::string::npos) text[dot] = decimalPoint;
    return text;
}

}  // namespace

const TextLocale& englishTextLocale() {
    static const TextLocale kEnglish;
    return kEnglish;
}

std::string formatPrice(double value, int decimals, const TextLocale& locale) {
    if (!std::isfinite(value)) return "-";
    decimals = std::clamp(decimals, 0, 10);
    return withDecimalPoint(printf2("%.*f", zeroIfRoundsToZero(value, decimals), decimals), locale.decimalPoint);
}

std::string formatSignedPrice(double value, int decimals, const TextLocale& locale) {
    if (!std::isfinite(value)) return "-";
    decimals = std::clamp(decimals, 0, 10);
    const double v = zeroIfRoundsToZero(value, decimals);
    // printf's '+' flag rather than "+" + text, which also sidesteps GCC 12's false -Wrestrict.
    return withDecimalPoint(printf2(v != 0.0 ? "%+.*f" : "%.*f", v, decimals), locale.decimalPoint);
}

std::string formatPercent(double percent, const TextLocale& locale) {
    return formatSignedPrice(percent, 2, locale) + "%";
}

namespace {
// "20.00" → "20", "1.50" → "1.5"; volumes read better without padding zeros.
std::string trimZeros(std::string s) {
    if (s.find('.') == std::string::npos) return s;
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
}
}  // namespace

std::string formatVolume(double value, const TextLocale& locale) {
    if (!std::isfinite(value)) return "-";
    const double a = std::fabs(value);
    struct Unit {
        double scale;
        const char* suffix;
    };
    static constexpr std::array<Unit, 3> kUnits{{{1e9, "B"}, {1e6, "M"}, {1e3, "K"}}};
    for (const Unit& u : kUnits) {
        if (a >= u.scale) {
            const double v = value / u.scale;
            const int decimals = std::fabs(v) >= 100 ? 1 : 2;
            return withDecimalPoint(trimZeros(printf2("%.*f", v, decimals)), locale.decimalPoint) + u.suffix;
        }
    }
    int decimals = 0;
    if (a == 0.0) decimals = 0;
    else if (a < 1.0) decimals = 4;
    else if (a < 100.0) decimals = 2;
    else decimals = 0;
    return withDecimalPoint(trimZeros(printf2("%.*f", zeroIfRoundsToZero(value, decimals), decimals)),
                            locale.decimalPoint);
}

UtcFields utcFields(std::int64_t ms) {
    const std::int64_t days = floorDiv(ms, kDayMs);
    const std::int64_t rem = ms - days * kDayMs;
    const CivilDate d = civilFromDays(days);
    UtcFields f;
    f.year = d.year;
    f.month = static_cast<int>(d.month);
    f.day = static_cast<int>(d.day);
    f.weekday = static_cast<int>(floorMod(days + 4, 7));  // 1970-01-01 was a Thursday
    f.hour = static_cast<int>(rem / kHourMs);
    f.minute = static_cast<int>(rem / kMinuteMs % 60);
    f.second = static_cast<int>(rem / kSecondMs % 60);
    return f;
}

const char* monthShortName(int month) {
    static constexpr std::array<const char*, 12> kNames{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    return (month >= 1 && month <= 12) ? kNames[static_cast<std::size_t>(month - 1)] : "?";
}

const char* weekdayShortName(int weekday) {
    static constexpr std::array<const char*, 7> kNames{"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
    return (weekday >= 0 && weekday <= 6) ? kNames[static_cast<std::size_t>(weekday)] : "?";
}

std::string formatCrosshairTime(std::int64_t ms, Interval interval, const TextLocale& locale) {
    const UtcFields f = utcFields(ms);
    const int yy = static_cast<int>(floorMod(f.year, 100));
    const char* month = locale.months[static_cast<std::size_t>(std::clamp(f.month, 1, 12) - 1)].c_str();
    const char* weekday = locale.weekdays[static_cast<std::size_t>(std::clamp(f.weekday, 0, 6))].c_str();
    char buf[96];
    if (interval == Interval::Mo1) {
        std::snprintf(buf, sizeof buf, "%s '%02d", month, yy);
    } else if (nominalMs(interval) >= kDayMs) {
        std::snprintf(buf, sizeof buf, "%s %02d %s '%02d", weekday, f.day, month, yy);
    } else if (interval == Interval::S1) {
        std::snprintf(buf, sizeof buf, "%s %02d %s '%02d  %02d:%02d:%02d", weekday, f.day, month, yy, f.hour,
                      f.minute, f.second);
    } else {
        std::snprintf(buf, sizeof buf, "%s %02d %s '%02d  %02d:%02d", weekday, f.day, month, yy, f.hour,
                      f.minute);
    }
    return buf;
}

std::string formatCountdown(std::int64_t remainingMs) {
    // Round up: with 41.2 s left the clock reads 00:42, and it reads 00:00 only at the close.
    const std::int64_t s = std::max<std::int64_t>(0, (remainingMs + 999) / 1000);
    char buf[32];
    if (s >= 86400) {
        std::snprintf(buf, sizeof buf, "%lldd %02lldh", static_cast<long long>(s / 86400),
                      static_cast<long long>(s % 86400 / 3600));
    } else if (s >= 3600) {
        std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                      static_cast<long long>(s % 3600 / 60), static_cast<long long>(s % 60));
    } else {
        std::snprintf(buf, sizeof buf, "%02lld:%02lld", static_cast<long long>(s / 60),
                      static_cast<long long>(s % 60));
    }
    return buf;
}

std::string formatDuration(std::int64_t ms) {
    std::int64_t seconds = std::abs(ms) / 1000;
    const std::int64_t days = seconds / 86400;
    const std::int64_t hours = seconds % 86400 / 3600;
    const std::int64_t minutes = seconds % 3600 / 60;
    seconds %= 60;
    char buf[48];
    const auto ll = [](std::int64_t v) { return static_cast<long long>(v); };
    if (days > 0) {
        if (hours > 0) std::snprintf(buf, sizeof buf, "%lldd %lldh", ll(days), ll(hours));
        else std::snprintf(buf, sizeof buf, "%lldd", ll(days));
    } else if (hours > 0) {
        if (minutes > 0) std::snprintf(buf, sizeof buf, "%lldh %lldm", ll(hours), ll(minutes));
        else std::snprintf(buf, sizeof buf, "%lldh", ll(hours));
    } else if (minutes > 0) {
        if (seconds > 0) std::snprintf(buf, sizeof buf, "%lldm %llds", ll(minutes), ll(seconds));
        else std::snprintf(buf, sizeof buf, "%lldm", ll(minutes));
    } else {
        std::snprintf(buf, sizeof buf, "%llds", ll(seconds));
    }
    return buf;
}

}  // namespace cpc::chart
