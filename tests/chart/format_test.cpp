#include <gtest/gtest.h>

#include "cpc/chart/format.hpp"
#include "synthetic_series.hpp"

namespace {

using namespace cpc::chart;
using cpc::Interval;
using cpc::chart::testing::kStartMs;  // Mon 2024-01-15 00:00 UTC

TEST(Format, PricesUseTheSymbolsDecimals) {
    EXPECT_EQ(formatPrice(41732.3456, 2), "41732.35");
    EXPECT_EQ(formatPrice(0.000123456, 8), "0.00012346");
    EXPECT_EQ(formatPrice(42000, 0), "42000");
    EXPECT_EQ(formatPrice(-0.001, 2), "0.00");
}

TEST(Format, SignedPricesAndPercents) {
    EXPECT_EQ(formatSignedPrice(12.3, 2), "+12.30");
    EXPECT_EQ(formatSignedPrice(-0.5, 2), "-0.50");
    EXPECT_EQ(formatSignedPrice(0.0001, 2), "0.00");
    EXPECT_EQ(formatPercent(0.254), "+0.25%");
    EXPECT_EQ(formatPercent(-1.3), "-1.30%");
}

TEST(Format, VolumesAreCompact) {
    EXPECT_EQ(formatVolume(0), "0");
    EXPECT_EQ(formatVolume(0.0421), "0.0421");
    EXPECT_EQ(formatVolume(20), "20");
    EXPECT_EQ(formatVolume(12.345), "12.35");
    EXPECT_EQ(formatVolume(950), "950");
    EXPECT_EQ(formatVolume(1250), "1.25K");
    EXPECT_EQ(formatVolume(1500), "1.5K");
    EXPECT_EQ(formatVolume(35'200'000), "35.2M");
    EXPECT_EQ(formatVolume(250'000'000), "250M");
    EXPECT_EQ(formatVolume(1.07e9), "1.07B");
}

TEST(Format, UtcFieldsKnowTheWeekday) {
    const UtcFields f = utcFields(kStartMs + 14 * cpc::kHourMs + 30 * cpc::kMinuteMs + 5000);
    EXPECT_EQ(f.year, 2024);
    EXPECT_EQ(f.month, 1);
    EXPECT_EQ(f.day, 15);
    EXPECT_EQ(f.weekday, 1);  // Monday
    EXPECT_EQ(f.hour, 14);
    EXPECT_EQ(f.minute, 30);
    EXPECT_EQ(f.second, 5);
    EXPECT_EQ(utcFields(0).weekday, 4);  // 1970-01-01 was a Thursday
    EXPECT_EQ(utcFields(-1).year, 1969);
}

TEST(Format, CrosshairTimeFollowsTheInterval) {
    const std::int64_t t = kStartMs + 14 * cpc::kHourMs + 30 * cpc::kMinuteMs + 5000;
    EXPECT_EQ(formatCrosshairTime(t, Interval::S1), "Mon 15 Jan '24  14:30:05");
    EXPECT_EQ(formatCrosshairTime(t, Interval::M15), "Mon 15 Jan '24  14:30");
    EXPECT_EQ(formatCrosshairTime(kStartMs, Interval::D1), "Mon 15 Jan '24");
    EXPECT_EQ(formatCrosshairTime(kStartMs, Interval::W1), "Mon 15 Jan '24");
    EXPECT_EQ(formatCrosshairTime(kStartMs, Interval::Mo1), "Jan '24");
}

TEST(Format, CountdownRoundsUpAndGrowsUnits) {
    EXPECT_EQ(formatCountdown(41'200), "00:42");
    EXPECT_EQ(formatCountdown(0), "00:00");
    EXPECT_EQ(formatCountdown(-5), "00:00");
    EXPECT_EQ(formatCountdown(59 * 60'000 + 59'000), "59:59");
    EXPECT_EQ(formatCountdown(3'600'000 + 5 * 60'000 + 9'000), "1:05:09");
    EXPECT_EQ(formatCountdown(3 * cpc::kDayMs + 4 * cpc::kHourMs), "3d 04h");
}

}  // namespace

namespace {
// What chart_qt makes for pt_BR (the chart itself knows no translations).
TextLocale brazilian() {
    TextLocale pt;
    pt.decimalPoint = ',';
    pt.months = {"jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez"};
    pt.weekdays = {"dom", "seg", "ter", "qua", "qui", "sex", "sáb"};
    pt.dayBeforeMonth = true;
    return pt;
}
}  // namespace

TEST(Format, TheInterfacesDecimalSeparatorAndWords) {
    const TextLocale pt = brazilian();
    EXPECT_EQ(formatPrice(41732.3456, 2, pt), "41732,35");
    EXPECT_EQ(formatPrice(42000, 0, pt), "42000");
    EXPECT_EQ(formatSignedPrice(-0.5, 2, pt), "-0,50");
    EXPECT_EQ(formatPercent(0.254, pt), "+0,25%");
    EXPECT_EQ(formatVolume(1250, pt), "1,25K");
    EXPECT_EQ(formatVolume(12.345, pt), "12,35");
    EXPECT_EQ(formatVolume(20, pt), "20");
    const std::int64_t t = kStartMs + 14 * cpc::kHourMs + 30 * cpc::kMinuteMs;
    EXPECT_EQ(formatCrosshairTime(t, Interval::M15, pt), "seg 15 jan '24  14:30");
    EXPECT_EQ(formatCrosshairTime(kStartMs + 40 * cpc::kDayMs, Interval::Mo1, pt), "fev '24");
    // English stays the default.
    EXPECT_EQ(formatPrice(41732.3456, 2), "41732.35");
    EXPECT_EQ(formatCrosshairTime(t, Interval::M15), "Mon 15 Jan '24  14:30");
}
