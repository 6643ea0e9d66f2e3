#pragma once
// Time-axis labels (after lightweight-charts' tick-marks.ts). Every bar gets a weight: the largest
// calendar or clock boundary it is the first bar of (a year, a month, a day, 12 h … 1 min, 1 s).
// Labels are then accepted from the heaviest weight down, each only if it keeps a label's width of
// clearance to every label already accepted, so year and month boundaries always win over
// "14:30" and no two labels ever overlap.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "cpc/chart/format.hpp"
#include "cpc/chart/text_measurer.hpp"

namespace cpc::chart {

enum class TimeMarkWeight : std::uint8_t {
    Second = 10,
    Minute = 20,
    Minute5 = 21,
    Minute15 = 22,
    Minute30 = 23,
    Hour = 30,
    Hour3 = 31,
    Hour6 = 32,
    Hour12 = 33,
    Day = 50,
    Month = 60,
    Year = 70,
};

// Weight of a bar opening at timeMs whose predecessor opened at prevMs (< timeMs).
TimeMarkWeight markWeight(std::int64_t prevMs, std::int64_t timeMs);

// Label for a mark: Year "2024", Month "Feb", Day "Jan 15", clock "14:30", Second "14:30:05".
std::string formatTimeMark(std::int64_t timeMs, TimeMarkWeight weight, const TextLocale& locale = englishTextLocale());

struct TimeMarkCandidate {
    double x = 0;  // centre of the bar, logical px
    std::int64_t timeMs = 0;
    TimeMarkWeight weight = TimeMarkWeight::Second;
};

struct TimeMark {
    double x = 0;      // centre of the label
    double width = 0;  // measured label width
    std::string text;
    TimeMarkWeight weight = TimeMarkWeight::Second;
    bool emphasised = false;
};

// Chooses the marks to label among candidates (ordered by x). A label must fit entirely inside
// [minX, maxX] and keep at least `gap` px between its box and its neighbours' boxes. Calendar
// boundaries (day, month, year) heavier than the finest chosen label are emphasised: "Jan 17"
// among "18:00"s, "Feb" among "Jan 15"s, "2025" among months.
std::vector<TimeMark> selectTimeMarks(std::span<const TimeMarkCandidate> candidates, double minX,
                                      double maxX, const TextMeasurer& measurer, double gap,
                                      const TextLocale& locale = englishTextLocale());

}  // namespace cpc::chart
