// CVD (cumulative volume delta) from klines: on real Binance klines it equals the formula
// Σ (takerBuyBase − (volume − takerBuyBase)) computed exactly in Decimal, and its anchors reset it
// where they say.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cpc/core/decimal.hpp"
#include "cpc/indicators/bar.hpp"
#include "cpc/indicators/registry.hpp"
#include "support/fixtures.hpp"

namespace cpc::indicators {
namespace {

struct RealRow {
    std::int64_t openTime = 0;
    Decimal volume, takerBuyBase;
};

// tests/fixtures/binance-rest: a real GET /api/v3/klines answer, 24 hourly rows of 2024-01-15.
std::vector<RealRow> realRows() {
    const auto json = nlohmann::json::parse(test::readFixture("binance-rest/BTCUSDT-1h-2024-01-15.klines.json"));
    std::vector<RealRow> rows;
    for (const auto& r : json) {
        RealRow row;
        row.openTime = r[0].get<std::int64_t>();
        row.volume = *Decimal::parse(r[5].get<std::string>());
        row.takerBuyBase = *Decimal::parse(r[9].get<std::string>());
        rows.push_back(row);
    }
    return rows;
}

std::vector<Bar> barsOf(const std::vector<RealRow>& rows) {
    std::vector<Bar> bars;
    for (const RealRow& r : rows) {
        Candle c;
        c.openTime = r.openTime;
        c.open = c.high = c.low = c.close = Decimal::fromInt(1);
        c.volume = r.volume;
        c.takerBuyBase = r.takerBuyBase;
        bars.push_back(toBar(c));  // the same conversion the chart and `cpc indicator` use
    }
    return bars;
}

TEST(Cvd, EqualsTheFormulaOnRealBinanceKlines) {
    const std::vector<RealRow> rows = realRows();
    ASSERT_EQ(rows.size(), 24u);
    const std::vector<Bar> bars = barsOf(rows);
    for (const char* spec : {"CVD", "CVD(anchor=none)", "CVD(anchor=day)", "CVD(anchor=session)"}) {
        SCOPED_TRACE(spec);
        auto made = createFromSpec(spec);
        ASSERT_TRUE(made.ok()) << made.error().message;
        Indicator& cvd = **made;
        cvd.computeAll(bars);
        ASSERT_EQ(cvd.size(), rows.size());
        Decimal sum;  // exact: the file's decimals, no rounding anywhere
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const Decimal delta = rows[i].takerBuyBase - (rows[i].volume - rows[i].takerBuyBase);
            sum = sum + delta;
            // One whole day: no anchor resets inside it.
            EXPECT_NEAR(cvd.value(0, i), sum.toDouble(), 1e-9 * std::max(1.0, std::abs(sum.toDouble()))) << i;
            EXPECT_NEAR(cvd.value(1, i), delta.toDouble(), 1e-9) << i;
        }
        // Hand-checked first row: 2·1348.93805 − 2433.52283.
        EXPECT_NEAR(cvd.value(1, 0), 264.35327, 1e-9);
    }
}

TEST(Cvd, IncrementalUpdatesEqualTheBatch) {
    const std::vector<Bar> bars = barsOf(realRows());
    auto batch = createFromSpec("CVD(anchor=day)");
    auto live = createFromSpec("CVD(anchor=day)");
    ASSERT_TRUE(batch.ok() && live.ok());
    (*batch)->computeAll(bars);
    for (const Bar& b : bars) {
        Bar forming = b;  // the forming candle first, then its final values
        forming.volume /= 2;
        forming.takerBuyVolume /= 3;
        (*live)->update(forming, true);
        (*live)->update(b, false);
    }
    for (std::size_t i = 0; i < bars.size(); ++i) EXPECT_EQ((*live)->value(0, i), (*batch)->value(0, i)) << i;
}

TEST(Cvd, AnchorsResetAtMidnightUtc) {
    // Real hourly bars moved so that they run across two UTC midnights: 2024-01-14 12:00 to
    // 2024-01-15 11:00, then the first 12 of them again at 2024-01-16 00:00.
    std::vector<RealRow> rows = realRows();
    for (RealRow& r : rows) r.openTime -= 12 * 3'600'000;
    for (std::size_t i = 0; i < 12; ++i) {
        RealRow again = rows[i];
        again.openTime += 36 * 3'600'000;
        rows.push_back(again);
    }
    const std::vector<Bar> bars = barsOf(rows);
    auto none = createFromSpec("CVD(anchor=none)");
    auto day = createFromSpec("CVD(anchor=day)");
    auto session = createFromSpec("CVD(anchor=session)");
    ASSERT_TRUE(none.ok() && day.ok() && session.ok());
    (*none)->computeAll(bars);
    (*day)->computeAll(bars);
    (*session)->computeAll(bars);
    double all = 0, today = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const double delta = bars[i].takerBuyVolume * 2 - bars[i].volume;
        if (rows[i].openTime % 86'400'000 == 0) today = 0;  // 00:00 UTC: a new day and session
        all += delta;
        today += delta;
        EXPECT_NEAR((*none)->value(0, i), all, 1e-6) << i;
        EXPECT_NEAR((*day)->value(0, i), today, 1e-6) << i;
        EXPECT_EQ((*session)->value(0, i), (*day)->value(0, i)) << i;
    }
    EXPECT_EQ((*day)->value(0, 12), (*day)->value(1, 12));  // 2024-01-15 00:00 starts from its own delta
    EXPECT_NE((*none)->value(0, 12), (*none)->value(1, 12));
}

TEST(Cvd, AnchorIsAChoiceByNameOrNumber) {
    const IndicatorInfo* info = findIndicator("cvd");
    ASSERT_NE(info, nullptr);
    ASSERT_EQ(info->params.size(), 2u);
    EXPECT_EQ(info->params[0].choices, (std::vector<std::string>{"none", "day", "session"}));
    // The source: the klines' taker buy volume (the default) or the trades.
    EXPECT_EQ(info->params[1].name, "source");
    EXPECT_EQ(info->params[1].choices, (std::vector<std::string>{"klines", "trades"}));
    EXPECT_EQ(info->params[1].defaultValue, 0.0);
    EXPECT_EQ(choiceValue(info->params[0], "Session"), 2.0);
    EXPECT_FALSE(choiceValue(info->params[0], "week").has_value());
    auto byName = createFromSpec("CVD(anchor=session)");
    ASSERT_TRUE(byName.ok());
    EXPECT_EQ((*byName)->params()[0], 2.0);
    auto byNumber = createFromSpec("CVD(1)");
    ASSERT_TRUE(byNumber.ok());
    EXPECT_EQ((*byNumber)->params()[0], 1.0);
    // From trades, bars alone give nothing (each bar's running delta is not in a kline): every row
    // NaN, never the klines' values passed off as the trades'.
    auto fromTrades = createFromSpec("CVD(anchor=day,source=trades)");
    ASSERT_TRUE(fromTrades.ok()) << fromTrades.error().message;
    Bar bar;
    bar.time = 0;
    bar.volume = 10;
    bar.takerBuyVolume = 7;
    (*fromTrades)->computeAll(std::vector<Bar>{bar, bar});
    ASSERT_EQ((*fromTrades)->size(), 2u);
    EXPECT_TRUE(std::isnan((*fromTrades)->value(0, 1)));
    EXPECT_TRUE(std::isnan((*fromTrades)->value(1, 1)));
    auto bad = createFromSpec("CVD(anchor=week)");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("'anchor=week' is not a number"), std::string::npos) << bad.error().message;
}

}  // namespace
}  // namespace cpc::indicators
