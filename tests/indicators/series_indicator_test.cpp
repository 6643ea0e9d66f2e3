#include "cpc/indicators/series_indicator.hpp"

#include <gtest/gtest.h>

#include "cpc/indicators/registry.hpp"
#include "csv_table.hpp"

namespace cpc::indicators {
namespace {

Candle candle(std::int64_t openTime, double o, double h, double l, double c, double v, bool closed) {
    Candle k;
    k.openTime = openTime;
    k.open = *Decimal::fromDouble(o);
    k.high = *Decimal::fromDouble(h);
    k.low = *Decimal::fromDouble(l);
    k.close = *Decimal::fromDouble(c);
    k.volume = *Decimal::fromDouble(v);
    k.trades = 1;
    k.closed = closed;
    return k;
}

void expectMatchesBatch(const SeriesIndicator& si, const market::CandleSeries& series) {
    auto batch = create(si.indicator().info().name, si.indicator().params());
    ASSERT_TRUE(batch.ok());
    (*batch)->computeAll(toBars(series.candles()));
    ASSERT_EQ(si.indicator().size(), series.size());
    for (std::size_t k = 0; k < batch->get()->outputCount(); ++k) {
        for (std::size_t i = 0; i < series.size(); ++i) {
            EXPECT_TRUE(test::sameValue(si.indicator().value(k, i), (*batch)->value(k, i))) << "row " << i;
        }
    }
}

TEST(SeriesIndicator, FollowsTicksAppendsAndHistoryRewrites) {
    market::CandleSeries series;
    auto made = create("RSI", {3});
    ASSERT_TRUE(made.ok());
    SeriesIndicator rsi(std::move(*made));
    const std::int64_t h = 3'600'000;
    using Sync = SeriesIndicator::SyncKind;
    EXPECT_EQ(rsi.onUpsert(series, series.upsert(candle(0, 10, 11, 9, 10.5, 1, true))), Sync::Full);
    for (int i = 1; i < 8; ++i) {
        EXPECT_EQ(rsi.onUpsert(series, series.upsert(candle(i * h, 10, 12, 9, 10 + i % 3, 1, false))), Sync::Incremental);
        EXPECT_EQ(rsi.onUpsert(series, series.upsert(candle(i * h, 10, 12, 8, 9 + i % 4, 2, true))), Sync::Incremental);
    }
    expectMatchesBatch(rsi, series);
    EXPECT_EQ(rsi.onUpsert(series, series.upsert(candle(3 * h, 10, 13, 9, 12.5, 2, true))), Sync::Full);
    expectMatchesBatch(rsi, series);

    series.upsert(candle(7 * h, 10, 12, 8, 11.25, 3, true));
    series.upsert(candle(8 * h, 11, 12, 8, 10.75, 3, false));
    series.upsert(candle(9 * h, 11, 12, 8, 11.75, 3, false));
    EXPECT_EQ(rsi.sync(series), Sync::Incremental);
    expectMatchesBatch(rsi, series);
    EXPECT_EQ(rsi.sync(series), Sync::Unchanged);
}

}  // namespace
}  // namespace cpc::indicators
