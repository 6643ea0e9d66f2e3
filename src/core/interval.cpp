#include "cpc/core/interval.hpp"

#include <limits>

#include "cpc/core/arith.hpp"
#include "cpc/core/ascii.hpp"
#include "cpc/core/candle.hpp"
#include "cpc/core/time.hpp"

namespace cpc {

namespace {
struct IntervalInfo {
    std::string_view name;
    std::int64_t ms;
};
constexpr IntervalInfo kInfo[] = {
    {"1s", kSecondMs},      {"1m", kMinuteMs},      {"3m", 3 * kMinuteMs},  {"5m", 5 * kMinuteMs},
    {"15m", 15 * kMinuteMs}, {"30m", 30 * kMinuteMs}, {"1h", kHourMs},       {"2h", 2 * kHourMs},
    {"4h", 4 * kHourMs},    {"6h", 6 * kHourMs},    {"8h", 8 * kHourMs},    {"12h", 12 * kHourMs},
    {"1d", kDayMs},         {"3d", 3 * kDayMs},     {"1w", 7 * kDayMs},     {"1M", 31 * kDayMs},
};
const IntervalInfo& info(Interval i) { return kInfo[static_cast<int>(i)]; }

std::int64_t floorTo(std::int64_t t, std::int64_t step, std::int64_t anchor) {
    return anchor + floorDiv(t - anchor, step) * step;
}
// 1970-01-05 was a Monday.
constexpr std::int64_t kMondayAnchorMs = 4 * kDayMs;
}  // namespace

std::string_view toString(Interval interval) { return info(interval).name; }

std::optional<Interval> parseInterval(std::string_view text) {
    for (Interval i : kAllIntervals)
        if (info(i).name == text) return i;  // exact, case-sensitive on purpose
    return std::nullopt;
}

std::string acceptedIntervalsText() {
    std::string s;
    for (Interval i : kAllIntervals) {
        if (!s.empty()) s += ' ';
        s += toString(i);
    }
    return s;
}

std::int64_t nominalMs(Interval interval) { return info(interval).ms; }

bool isCalendar(Interval interval) { return interval == Interval::W1 || interval == Interval::Mo1; }

std::int64_t bucketStart(Interval interval, std::int64_t timeMs, std::int64_t anchor3dMs) {
    switch (interval) {
        case Interval::W1: return floorTo(timeMs, 7 * kDayMs, kMondayAnchorMs);
        case Interval::D3: return floorTo(timeMs, 3 * kDayMs, floorTo(anchor3dMs, kDayMs, 0));
        case Interval::Mo1: {
            const CivilDate d = civilFromDays(floorDiv(timeMs, kDayMs));
            return daysFromCivil(CivilDate{d.year, d.month, 1}) * kDayMs;
        }
        default: return floorTo(timeMs, info(interval).ms, 0);
    }
}

std::int64_t bucketsEnd(Interval interval, std::int64_t startMs, int count) {
    std::int64_t t = bucketStart(interval, startMs);
    if (t < startMs) t = nextBucketStart(interval, t);
    for (int i = 0; i < count; ++i) t = nextBucketStart(interval, t);
    return t;
}

std::int64_t nextBucketStart(Interval interval, std::int64_t openTimeMs) {
    // Saturates: a bucket ending past what 64 bits of milliseconds hold (the year 292 million,
    // only in hostile input: a kline row's open time is the venue's text) ends at the last
    // representable time and never closes (fuzz_bybit_codec: a signed overflow here).
    constexpr std::int64_t kLast = std::numeric_limits<std::int64_t>::max();
    if (interval == Interval::Mo1) {
        if (openTimeMs > kLast - 31 * kDayMs) return kLast;
        CivilDate d = civilFromDays(floorDiv(openTimeMs, kDayMs));
        d.day = 1;
        if (++d.month > 12) {
            d.month = 1;
            ++d.year;
        }
        return daysFromCivil(d) * kDayMs;
    }
    std::int64_t next = 0;
    if (__builtin_add_overflow(openTimeMs, info(interval).ms, &next)) return kLast;
    return next;
}

bool isAligned(Interval interval, std::int64_t openTimeMs, std::int64_t anchor3dMs) {
    return bucketStart(interval, openTimeMs, anchor3dMs) == openTimeMs;
}

bool divides(Interval lower, Interval higher) {
    if (lower == higher) return true;
    if (static_cast<int>(lower) > static_cast<int>(higher)) return false;
    if (higher == Interval::Mo1) return nominalMs(lower) <= kDayMs;  // months are whole days
    if (higher == Interval::W1) return nominalMs(lower) <= kDayMs;   // 3d does not tile weeks
    if (higher == Interval::D3) return nominalMs(lower) <= kDayMs;   // day-aligned, any anchor
    return nominalMs(higher) % nominalMs(lower) == 0;
}

std::string_view toString(MarketType market) { return market == MarketType::Perp ? "perp" : "spot"; }

std::optional<MarketType> parseMarketType(std::string_view text) {
    if (equalsIgnoreCaseAscii(text, "spot")) return MarketType::Spot;
    if (equalsIgnoreCaseAscii(text, "perp")) return MarketType::Perp;
    return std::nullopt;
}

std::string_view marketTypeNames() { return "spot, perp"; }

std::string toString(const SeriesKey& key) {
    const std::string venue = key.market == MarketType::Spot ? key.exchange : key.exchange + "/" + std::string(toString(key.market));
    return venue + ":" + key.symbol + ":" + std::string(toString(key.interval));
}

}  // namespace cpc
