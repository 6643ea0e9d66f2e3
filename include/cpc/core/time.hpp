#pragma once
// UTC calendar helpers (no time zone database needed: everything Binance does is UTC).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cpc {

struct CivilDate {
    int year = 1970;
    unsigned month = 1;  // 1..12
    unsigned day = 1;    // 1..31
};

std::int64_t daysFromCivil(CivilDate date);       // days since 1970-01-01
CivilDate civilFromDays(std::int64_t days);
std::int64_t nowMs();                               // system clock, ms since epoch
// "2024-01-15 13:05:00" (UTC); with ms when withMillis.
std::string formatUtc(std::int64_t ms, bool withMillis = false);
// Accepts "2024-01-15", "2024-01-15T13:05", "2024-01-15 13:05:00", "2024-01-15T13:05:00Z" or an
// integer of epoch ms. Returns nullopt for anything else.
std::optional<std::int64_t> parseUtc(std::string_view text);

}  // namespace cpc
