#include <gtest/gtest.h>

#include <algorithm>

#include "cpc/chart/time_marks.hpp"
#include "fake_text_measurer.hpp"
#include "synthetic_series.hpp"

namespace {

using namespace cpc::chart;
using cpc::Interval;
using cpc::kDayMs;
using cpc::kHourMs;
using cpc::kMinuteMs;
using cpc::chart::testing::FakeTextMeasurer;
using cpc::chart::testing::kStartMs;  // Mon 2024-01-15 00:00 UTC

TEST(TimeMarks, WeightIsTheLargestBoundaryTheBarOpens) {
    const std::int64_t t = kStartMs;
    EXPECT_EQ(markWeight(t - kMinuteMs, t), TimeMarkWeight::Day);
    EXPECT_EQ(markWeight(t + 12 * kHourMs - kMinuteMs, t + 12 * kHourMs), TimeMarkWeight::Hour12);
    EXPECT_EQ(markWeight(t + 6 * kHourMs - kMinuteMs, t + 6 * kHourMs), TimeMarkWeight::Hour6);
    EXPECT_EQ(markWeight(t + 9 * kHourMs - kMinuteMs, t + 9 * kHourMs), TimeMarkWeight::Hour3);
    EXPECT_EQ(markWeight(t + 5 * kHourMs - kMinuteMs, t + 5 * kHourMs), TimeMarkWeight::Hour);
    EXPECT_EQ(markWeight(t + 90 * kMinuteMs - kMinuteMs, t + 90 * kMinuteMs), TimeMarkWeight::Minute30);
    EXPECT_EQ(markWeight(t + 45 * kMinuteMs - kMinuteMs, t + 45 * kMinuteMs), TimeMarkWeight::Minute15);
    EXPECT_EQ(markWeight(t + 10 * kMinuteMs - kMinuteMs, t + 10 * kMinuteMs), TimeMarkWeight::Minute5);
    EXPECT_EQ(markWeight(t + 7 * kMinuteMs - kMinuteMs, t + 7 * kMinuteMs), TimeMarkWeight::Minute);
    EXPECT_EQ(markWeight(t + 7000 - 1000, t + 7000), TimeMarkWeight::Second);
    // Calendar boundaries: Feb 1, Jan 1.
    const std::int64_t feb1 = kStartMs + 17 * kDayMs;
    EXPECT_EQ(markWeight(feb1 - kDayMs, feb1), TimeMarkWeight::Month);
    const std::int64_t jan2025 = kStartMs + 352 * kDayMs;  // 2025-01-01
    EXPECT_EQ(markWeight(jan2025 - kDayMs, jan2025), TimeMarkWeight::Year);
    // A weekly bar opening Monday Feb 5 is the first bar of February.
    EXPECT_EQ(markWeight(feb1 - 3 * kDayMs, feb1 + 4 * kDayMs), TimeMarkWeight::Month);
}

TEST(TimeMarks, BarsLabelTheHourTheyOpenOnNotTheOneTheyStraddle) {
    // 4h bars: 04:00 straddles the 03:00 boundary but opens on a plain hour.
    EXPECT_EQ(markWeight(kStartMs, kStartMs + 4 * kHourMs), TimeMarkWeight::Hour);
    EXPECT_EQ(markWeight(kStartMs + 8 * kHourMs, kStartMs + 12 * kHourMs), TimeMarkWeight::Hour12);
}

TEST(TimeMarks, LabelsReadLikeAChart) {
    const std::int64_t t = kStartMs + 14 * kHourMs + 30 * kMinuteMs + 5000;
    EXPECT_EQ(formatTimeMark(t, TimeMarkWeight::Minute30), "14:30");
    EXPECT_EQ(formatTimeMark(t, TimeMarkWeight::Second), "14:30:05");
    EXPECT_EQ(formatTimeMark(kStartMs, TimeMarkWeight::Day), "Jan 15");
    EXPECT_EQ(formatTimeMark(kStartMs + 17 * kDayMs, TimeMarkWeight::Month), "Feb");
    EXPECT_EQ(formatTimeMark(kStartMs, TimeMarkWeight::Year), "2024");
}

TEST(TimeMarks, LabelsInTheInterfaceLanguage) {
    TextLocale pt;
    pt.months = {"jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez"};
    pt.dayBeforeMonth = true;
    EXPECT_EQ(formatTimeMark(kStartMs, TimeMarkWeight::Day, pt), "15 jan");
    EXPECT_EQ(formatTimeMark(kStartMs + 17 * kDayMs, TimeMarkWeight::Month, pt), "fev");
    EXPECT_EQ(formatTimeMark(kStartMs + 14 * kHourMs, TimeMarkWeight::Hour, pt), "14:00");
}

std::vector<TimeMarkCandidate> candidatesFor(Interval interval, std::size_t bars, double spacing,
                                             std::int64_t start = kStartMs) {
    std::vector<TimeMarkCandidate> out;
    std::int64_t prev = start - cpc::nominalMs(interval);
    std::int64_t t = start;
    for (std::size_t i = 0; i < bars; ++i) {
        out.push_back({static_cast<double>(i) * spacing + spacing / 2, t, markWeight(prev, t)});
        prev = t;
        t = cpc::nextBucketStart(interval, t);
    }
    return out;
}

void expectNoOverlap(const std::vector<TimeMark>& marks, double minX, double maxX, double gap) {
    for (std::size_t i = 0; i < marks.size(); ++i) {
        EXPECT_GE(marks[i].x - marks[i].width / 2, minX);
        EXPECT_LE(marks[i].x + marks[i].width / 2, maxX);
        if (i > 0) {
            const double space = (marks[i].x - marks[i].width / 2) - (marks[i - 1].x + marks[i - 1].width / 2);
            EXPECT_GE(space, gap - 1e-9) << marks[i - 1].text << " / " << marks[i].text;
        }
    }
}

TEST(TimeMarks, LabelsNeverOverlapAtAnyZoom) {
    const FakeTextMeasurer m;
    for (const Interval interval : {Interval::S1, Interval::M1, Interval::M15, Interval::H4,
                                    Interval::D1, Interval::W1, Interval::Mo1}) {
        for (const double spacing : {0.1, 0.5, 1.0, 3.0, 8.0, 20.0, 60.0}) {
            const auto bars = static_cast<std::size_t>(1200 / spacing) + 2;
            const auto candidates = candidatesFor(interval, std::min<std::size_t>(bars, 12000), spacing);
            const auto marks = selectTimeMarks(candidates, 0, 1200, m, 16);
            ASSERT_FALSE(marks.empty()) << cpc::toString(interval) << " @" << spacing;
            ASSERT_TRUE(std::is_sorted(marks.begin(), marks.end(),
                                       [](const TimeMark& a, const TimeMark& b) { return a.x < b.x; }));
            expectNoOverlap(marks, 0, 1200, 16);
        }
    }
}

TEST(TimeMarks, DayBoundariesWinOverClockLabelsAndStandOut) {
    const FakeTextMeasurer m;
    // 1m bars, 2 px apart, from 20:00 on Jan 15 across midnight.
    const auto candidates = candidatesFor(Interval::M1, 600, 2.0, kStartMs + 20 * kHourMs);
    const auto marks = selectTimeMarks(candidates, 0, 1200, m, 16);
    const auto day = std::find_if(marks.begin(), marks.end(), [](const TimeMark& t) { return t.text == "Jan 16"; });
    ASSERT_NE(day, marks.end());
    EXPECT_TRUE(day->emphasised);
    EXPECT_DOUBLE_EQ(day->width, 6 * 7.0);  // measured in bold
    for (const TimeMark& t : marks) {
        if (&t == &*day) continue;
        EXPECT_FALSE(t.emphasised) << t.text;
        EXPECT_EQ(t.text.size(), 5U) << t.text;  // "21:00"
        EXPECT_EQ(t.text[2], ':');
    }
}

TEST(TimeMarks, LongRangesShowMonthsAndEmphasiseYears) {
    const FakeTextMeasurer m;
    const auto candidates = candidatesFor(Interval::D1, 700, 1.6);
    const auto marks = selectTimeMarks(candidates, 0, 1120, m, 16);
    const auto year = std::find_if(marks.begin(), marks.end(), [](const TimeMark& t) { return t.text == "2025"; });
    ASSERT_NE(year, marks.end());
    EXPECT_TRUE(year->emphasised);
    std::size_t months = 0;
    for (const TimeMark& t : marks)
        if (t.weight == TimeMarkWeight::Month) {
            ++months;
            EXPECT_FALSE(t.emphasised);
        }
    EXPECT_GE(months, 8U);
}

TEST(TimeMarks, ClockLabelsKeepARegularRhythm) {
    const FakeTextMeasurer m;
    // 1m bars at 6 px: a label needs ~10 bars, so one every 15 minutes.
    const auto candidates = candidatesFor(Interval::M1, 200, 6.0, kStartMs + 10 * kHourMs);
    const auto marks = selectTimeMarks(candidates, 0, 1200, m, 16);
    ASSERT_GE(marks.size(), 5U);
    for (std::size_t i = 2; i < marks.size(); ++i)
        EXPECT_DOUBLE_EQ(marks[i].x - marks[i - 1].x, marks[1].x - marks[0].x);
}

TEST(TimeMarks, LabelsThatWouldStickOutOfTheAxisAreDropped) {
    const FakeTextMeasurer m;
    const std::vector<TimeMarkCandidate> edge{{3.0, kStartMs, TimeMarkWeight::Year},
                                              {597.0, kStartMs + kDayMs, TimeMarkWeight::Day}};
    EXPECT_TRUE(selectTimeMarks(edge, 0, 600, m, 10).empty());
}

}  // namespace
