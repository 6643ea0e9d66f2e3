#include "cpc/chart/time_marks.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <numeric>

#include "cpc/chart/format.hpp"
#include "cpc/core/arith.hpp"

namespace cpc::chart {

namespace {

struct ClockUnit {
    std::int64_t ms;
    TimeMarkWeight weight;
};

// Heaviest first. A clock boundary counts only when the bar opens exactly on it, so 4h bars are
// labelled by the hours they start on rather than by the 3h boundary they happen to straddle.
constexpr std::array<ClockUnit, 9> kClockUnits{{
    {12 * kHourMs, TimeMarkWeight::Hour12},
    {6 * kHourMs, TimeMarkWeight::Hour6},
    {3 * kHourMs, TimeMarkWeight::Hour3},
    {kHourMs, TimeMarkWeight::Hour},
    {30 * kMinuteMs, TimeMarkWeight::Minute30},
    {15 * kMinuteMs, TimeMarkWeight::Minute15},
    {5 * kMinuteMs, TimeMarkWeight::Minute5},
    {kMinuteMs, TimeMarkWeight::Minute},
    {kSecondMs, TimeMarkWeight::Second},
}};

}  // namespace

TimeMarkWeight markWeight(std::int64_t prevMs, std::int64_t timeMs) {
    const std::int64_t prevDay = floorDiv(prevMs, kDayMs);
    const std::int64_t day = floorDiv(timeMs, kDayMs);
    if (prevDay != day) {
        // Calendar boundaries count for the first bar after them, aligned or not (a weekly bar
        // opening on Monday Feb 5 is the first bar of February).
        const UtcFields a = utcFields(prevMs);
        const UtcFields b = utcFields(timeMs);
        if (a.year != b.year) return TimeMarkWeight::Year;
        if (a.month != b.month) return TimeMarkWeight::Month;
        return TimeMarkWeight::Day;
    }
    for (const ClockUnit& u : kClockUnits) {
        if (timeMs % u.ms == 0 && floorDiv(prevMs, u.ms) != floorDiv(timeMs, u.ms)) return u.weight;
    }
    return TimeMarkWeight::Second;
}

std::string formatTimeMark(std::int64_t timeMs, TimeMarkWeight weight, const TextLocale& locale) {
    const UtcFields f = utcFields(timeMs);
    const char* month = locale.months[static_cast<std::size_t>(std::clamp(f.month, 1, 12) - 1)].c_str();
    char buf[64];
    switch (weight) {
    case TimeMarkWeight::Year:
        std::snprintf(buf, sizeof buf, "%d", f.year);
        break;
    case TimeMarkWeight::Month:
        std::snprintf(buf, sizeof buf, "%s", month);
        break;
    case TimeMarkWeight::Day:
        if (locale.dayBeforeMonth) std::snprintf(buf, sizeof buf, "%d %s", f.day, month);
        else std::snprintf(buf, sizeof buf, "%s %d", month, f.day);
        break;
    case TimeMarkWeight::Second:
        std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", f.hour, f.minute, f.second);
        break;
    default:
        std::snprintf(buf, sizeof buf, "%02d:%02d", f.hour, f.minute);
        break;
    }
    return buf;
}

std::vector<TimeMark> selectTimeMarks(std::span<const TimeMarkCandidate> candidates, double minX,
                                      double maxX, const TextMeasurer& measurer, double gap,
                                      const TextLocale& locale) {
    std::vector<TimeMark> accepted;
    if (candidates.empty() || maxX <= minX) return accepted;

    // Every label needs at most one "slot": the widest label any weight class can produce. Using
    // one slot for all (instead of measuring thousands of labels per frame) keeps zoomed-out frames
    // cheap and makes the spacing a regular rhythm that depends only on x. Digits have equal
    // advances in UI fonts; month names do not, so take the widest month.
    double slot = measurer.textWidth("00:00", FontRole::Bold);
    for (const std::string& month : locale.months)
        slot = std::max(slot, measurer.textWidth(month + " 30", FontRole::Bold));
    slot = std::max(slot, measurer.textWidth("0000", FontRole::Bold));
    const bool hasSeconds = std::any_of(candidates.begin(), candidates.end(), [](const auto& c) {
        return c.weight == TimeMarkWeight::Second;
    });
    if (hasSeconds) slot = std::max(slot, measurer.textWidth("00:00:00", FontRole::Bold));
    // Centres this far apart keep `gap` px between any two label boxes.
    const double need = slot + gap;

    std::vector<std::size_t> order(candidates.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return candidates[a].weight > candidates[b].weight;
    });

    std::vector<double> xs;  // accepted x, sorted
    std::size_t pos = 0;
    while (pos < order.size()) {
        // One weight level at a time, heaviest first.
        const TimeMarkWeight level = candidates[order[pos]].weight;
        const std::size_t levelStart = accepted.size();
        std::size_t eligible = 0;
        bool crowded = false;
        for (; pos < order.size() && candidates[order[pos]].weight == level; ++pos) {
            const TimeMarkCandidate& c = candidates[order[pos]];
            if (c.x < minX || c.x > maxX) continue;
            // Crowding is judged on labels well inside the axis; a label cut off at an edge says
            // nothing about whether the level fits.
            const bool inner = c.x - slot / 2 >= minX && c.x + slot / 2 <= maxX;
            if (inner) ++eligible;
            const auto it = std::lower_bound(xs.begin(), xs.end(), c.x);
            if ((it != xs.end() && *it - c.x < need) || (it != xs.begin() && c.x - *(it - 1) < need)) {
                crowded = crowded || inner;
                continue;
            }
            // Formatted and measured only for survivors, in bold (the wider face) because
            // emphasis is decided once all labels are known.
            std::string text = formatTimeMark(c.timeMs, c.weight, locale);
            const double w = measurer.textWidth(text, FontRole::Bold);
            if (c.x - w / 2 < minX || c.x + w / 2 > maxX) continue;
            xs.insert(it, c.x);
            accepted.push_back(TimeMark{c.x, w, std::move(text), c.weight, false});
        }
        if (!crowded) continue;
        // This level does not fit completely, so finer ones cannot either. If it got only a few
        // labels in, they are leftovers squeezed into gaps ("10:05" beside "10:15", "Mar 17"
        // between months) that break the rhythm: drop them, unless nothing heavier is shown.
        // The heaviest level is kept whatever happens, so there is always something to read.
        if (levelStart > 0 && (accepted.size() - levelStart) * 4 < eligible)
            accepted.resize(levelStart);
        break;
    }
    if (accepted.empty()) return accepted;
    const TimeMarkWeight finest =
        std::min_element(accepted.begin(), accepted.end(), [](const TimeMark& a, const TimeMark& b) {
            return a.weight < b.weight;
        })->weight;
    for (TimeMark& mark : accepted) {
        mark.emphasised = mark.weight > finest && mark.weight >= TimeMarkWeight::Day;
        mark.width = measurer.textWidth(mark.text, mark.emphasised ? FontRole::Bold : FontRole::Regular);
    }
    std::sort(accepted.begin(), accepted.end(),
              [](const TimeMark& a, const TimeMark& b) { return a.x < b.x; });
    return accepted;
}

}  // namespace cpc::chart
