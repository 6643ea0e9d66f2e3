#pragma once
// The 16 Binance kline intervals and their bucket arithmetic (../docs/ARCHITECTURE.md, rules from
// the aggregation guide): epoch-aligned up to 1d, Monday weeks, calendar months, and 3d buckets
// anchored at the symbol's listing day.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cpc {

enum class Interval : std::uint8_t {
    S1, M1, M3, M5, M15, M30, H1, H2, H4, H6, H8, H12, D1, D3, W1, Mo1
};

inline constexpr std::array<Interval, 16> kAllIntervals{
    Interval::S1,  Interval::M1, Interval::M3, Interval::M5,  Interval::M15, Interval::M30,
    Interval::H1,  Interval::H2, Interval::H4, Interval::H6,  Interval::H8,  Interval::H12,
    Interval::D1,  Interval::D3, Interval::W1, Interval::Mo1};

inline constexpr std::int64_t kSecondMs = 1000;
inline constexpr std::int64_t kMinuteMs = 60 * kSecondMs;
inline constexpr std::int64_t kHourMs = 60 * kMinuteMs;
inline constexpr std::int64_t kDayMs = 24 * kHourMs;

// Binance spelling: "1s" … "1M". Case-sensitive: "1m" is a minute, "1M" a month.
std::string_view toString(Interval interval);
std::optional<Interval> parseInterval(std::string_view text);
// "1s, 1m, 3m, …, 1M": for error messages that say what is accepted.
std::string acceptedIntervalsText();

// Fixed length in ms; for 1M the length of a 31-day month (only a nominal size, never use it
// for bucket arithmetic).
std::int64_t nominalMs(Interval interval);
bool isCalendar(Interval interval);  // 1w or 1M

// Start of the bucket containing timeMs. anchor3dMs: the listing day (00:00 UTC) of the symbol,
// used only for 3d; any day works as anchor, only its residue mod 3 days matters.
std::int64_t bucketStart(Interval interval, std::int64_t timeMs, std::int64_t anchor3dMs = 0);
// Start of the bucket after the one opening at openTimeMs (which must be aligned).
std::int64_t nextBucketStart(Interval interval, std::int64_t openTimeMs);
// The first open time after `count` buckets of `interval`, counted from the first bucket opening
// at or after `startMs` (where a forward REST page of `count` rows from startMs ends when the venue
// skips empty intervals).
std::int64_t bucketsEnd(Interval interval, std::int64_t startMs, int count);
// Binance close time: next open − 1 ms.
inline std::int64_t closeTime(Interval interval, std::int64_t openTimeMs) {
    return nextBucketStart(interval, openTimeMs) - 1;
}
bool isAligned(Interval interval, std::int64_t openTimeMs, std::int64_t anchor3dMs = 0);
// True when every bucket of `higher` is an exact union of buckets of `lower` (e.g. 1m→1w, 1d→1M,
// 1d→3d; but not 3d→1w, 1w→1M).
bool divides(Interval lower, Interval higher);

}  // namespace cpc
