#include "cpc/core/time.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>

#include "cpc/core/arith.hpp"

namespace cpc {

// Howard Hinnant's days_from_civil / civil_from_days (public domain algorithms).
std::int64_t daysFromCivil(CivilDate date) {
    const int y = date.year - (date.month <= 2 ? 1 : 0);
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned mp = date.month > 2 ? date.month - 3 : date.month + 9;
    const unsigned doy = (153 * mp + 2) / 5 + date.day - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

CivilDate civilFromDays(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return CivilDate{static_cast<int>(y + (m <= 2 ? 1 : 0)), m, d};
}

std::int64_t nowMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string formatUtc(std::int64_t ms, bool withMillis) {
    const std::int64_t days = floorDiv(ms, 86'400'000);
    const std::int64_t rem = ms - days * 86'400'000;
    const CivilDate d = civilFromDays(days);
    char buf[48];
    const int h = static_cast<int>(rem / 3'600'000);
    const int mi = static_cast<int>(rem / 60'000 % 60);
    const int s = static_cast<int>(rem / 1000 % 60);
    if (withMillis) {
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d.%03d", d.year, d.month, d.day,
                      h, mi, s, static_cast<int>(rem % 1000));
    } else {
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d", d.year, d.month, d.day, h,
                      mi, s);
    }
    return buf;
}

std::optional<std::int64_t> parseUtc(std::string_view text) {
    if (text.empty()) return std::nullopt;
    // Plain integer: epoch milliseconds.
    if (text.find_first_not_of("0123456789") == std::string_view::npos) {
        std::int64_t v = 0;
        auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc{} || p != text.data() + text.size()) return std::nullopt;
        return v;
    }
    if (text.back() == 'Z') text.remove_suffix(1);
    int fields[6] = {0, 0, 0, 0, 0, 0};
    const char seps[6] = {'-', '-', 'T', ':', ':', '\0'};
    std::size_t pos = 0;
    int count = 0;
    for (int f = 0; f < 6 && pos < text.size(); ++f) {
        auto [p, ec] = std::from_chars(text.data() + pos, text.data() + text.size(), fields[f]);
        if (ec != std::errc{}) return std::nullopt;
        pos = static_cast<std::size_t>(p - text.data());
        ++count;
        if (pos == text.size()) break;
        const char c = text[pos];
        const bool sepOk = (f == 2) ? (c == 'T' || c == ' ') : c == seps[f];
        if (!sepOk || f == 5) return std::nullopt;
        ++pos;
    }
    if (pos != text.size() || (count != 3 && count != 5 && count != 6)) return std::nullopt;
    // Years 1..9999 (ISO 8601's four digits): a larger year overflowed the milliseconds (found by
    // fuzz_alert_condition: a trend line's point in the year 2026555555).
    if (fields[0] < 1 || fields[0] > 9999) return std::nullopt;
    if (fields[1] < 1 || fields[1] > 12 || fields[2] < 1 || fields[2] > 31 || fields[3] > 23 ||
        fields[4] > 59 || fields[5] > 59 || fields[3] < 0 || fields[4] < 0 || fields[5] < 0)
        return std::nullopt;
    const CivilDate date{fields[0], static_cast<unsigned>(fields[1]), static_cast<unsigned>(fields[2])};
    const CivilDate check = civilFromDays(daysFromCivil(date));
    if (check.day != date.day || check.month != date.month) return std::nullopt;  // 2024-02-30
    return daysFromCivil(date) * 86'400'000 + fields[3] * 3'600'000LL + fields[4] * 60'000LL +
           fields[5] * 1000LL;
}

}  // namespace cpc
