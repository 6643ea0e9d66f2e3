// Heatmap columns equal the book states sampled: the local book is synced from the simulator's
// order book model (snapshot, then one diff per 100 ms tick, as the venue streams it) and sampled
// at each tick; every column must hold the ground-truth book of its tick, row by row.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "cpc/core/time.hpp"
#include "cpc/orderflow/book_heatmap.hpp"
#include "cpc/sim/market_model.hpp"
#include "cpc/sim/order_book_model.hpp"

using namespace cpc;
using orderflow::BookHeatmap;

namespace {

Decimal dec(const char* text) { return *Decimal::parse(text); }

// Row sums of a book, computed independently: row = ⌊price / rowSize⌋.
std::map<std::int64_t, Decimal> rowsOf(const exchange::DepthSnapshot& book, Decimal rowSize) {
    std::map<std::int64_t, Decimal> rows;
    for (const auto* side : {&book.bids, &book.asks})
        for (const auto& l : *side) rows[static_cast<std::int64_t>(l.price.units() / rowSize.units())] += l.quantity;
    return rows;
}

}  // namespace

TEST(BookHeatmap, ColumnsEqualTheBookStatesSampled) {
    const sim::MarketModel model(7);
    const sim::OrderBookModel books(model, 7);
    const std::int64_t startMs = daysFromCivil(CivilDate{2024, 3, 20}) * kDayMs + 15 * kHourMs;
    const std::int64_t tick0 = sim::OrderBookModel::tickOf(startMs);
    for (const char* rowText : {"0.01", "0.05"}) {  // the tick size, and five ticks a row
        SCOPED_TRACE(rowText);
        const Decimal rowSize = dec(rowText);
        BookHeatmap heatmap({rowSize, 100, 100, 400});
        feed::LocalOrderBook local("BTCUSDT");
        ASSERT_EQ(local.onSnapshot(books.book("BTCUSDT", tick0)), feed::LocalOrderBook::Outcome::Applied);
        ASSERT_TRUE(heatmap.sample(local, tick0 * 100));
        constexpr int kTicks = 150;  // 15 s; the heatmap keeps the newest 100 columns
        for (std::int64_t tick = tick0 + 1; tick <= tick0 + kTicks; ++tick) {
            ASSERT_EQ(local.onDiff(books.diff("BTCUSDT", tick)), feed::LocalOrderBook::Outcome::Applied);
            ASSERT_TRUE(heatmap.sample(local, tick * 100 + 37));  // inside the tick's slot
        }
        ASSERT_EQ(heatmap.size(), 100u);
        for (std::size_t i = 0; i < heatmap.size(); ++i) {
            const std::int64_t tick = tick0 + kTicks - 99 + static_cast<std::int64_t>(i);
            const orderflow::HeatmapColumn& col = heatmap[i];
            ASSERT_EQ(col.timeMs, tick * 100);
            const auto truth = books.book("BTCUSDT", tick);
            const auto rows = rowsOf(truth, rowSize);
            EXPECT_EQ(col.bestBidRow, static_cast<std::int64_t>(truth.bids.front().price.units() / rowSize.units()));
            EXPECT_EQ(col.bestAskRow, static_cast<std::int64_t>(truth.asks.front().price.units() / rowSize.units()));
            // The book's 50 levels fit the 400 rows kept: every row of the book, and nothing else.
            std::size_t nonZero = 0;
            for (std::size_t r = 0; r < col.sizes.size(); ++r) {
                const auto it = rows.find(col.firstRow + static_cast<std::int64_t>(r));
                const float expected = it == rows.end() ? 0.0f : static_cast<float>(it->second.toDouble());
                ASSERT_EQ(col.sizes[r], expected) << "column " << i << " row " << col.firstRow + static_cast<std::int64_t>(r);
                if (expected != 0.0f) ++nonZero;
            }
            EXPECT_EQ(nonZero, rows.size());
        }
    }
}

TEST(BookHeatmap, ASlotKeepsItsNewestStateAndTimeOnlyMovesForward) {
    BookHeatmap heatmap({dec("1"), 100, 10, 20});
    feed::OrderBookView view;
    view.bids = {{dec("99"), dec("2")}};
    view.asks = {{dec("101"), dec("3")}};
    ASSERT_TRUE(heatmap.sample(view, 1'000));
    view.bids[0].quantity = dec("5");
    ASSERT_TRUE(heatmap.sample(view, 1'099));  // same slot: replaced
    ASSERT_EQ(heatmap.size(), 1u);
    EXPECT_EQ(heatmap[0].sizes[static_cast<std::size_t>(99 - heatmap[0].firstRow)], 5.0f);
    EXPECT_FALSE(heatmap.sample(view, 900));  // older than the newest column
    feed::LocalOrderBook unsynced("X");
    EXPECT_FALSE(heatmap.sample(unsynced, 2'000));
    EXPECT_EQ(heatmap.size(), 1u);
}

TEST(BookHeatmap, GridTakesTheMaximumPerPixelAndCarriesRestingState) {
    BookHeatmap heatmap({dec("1"), 100, 1'000, 20});
    feed::OrderBookView view;
    view.asks = {{dec("101"), dec("1")}};
    view.bids = {{dec("99"), dec("1")}};
    // A large bid of 50 at 95 rests for one 100 ms column only, at 1,300 ms.
    for (std::int64_t t = 1'000; t < 2'000; t += 100) {
        view.bids.resize(1);
        if (t == 1'300) view.bids.push_back({dec("95"), dec("50")});
        ASSERT_TRUE(heatmap.sample(view, t));
    }
    // Two pixel columns of 500 ms, rows 94..102 at the base size: the flash shows in the first.
    const auto g = heatmap.grid(1'000, 2'000, 2, 94, 102, 1);
    ASSERT_EQ(g.rows, 9u);
    ASSERT_EQ(g.columns, 2u);
    EXPECT_EQ(g.at(8 - (95 - 94), 0), 50.0f);  // top row first
    EXPECT_EQ(g.at(8 - (95 - 94), 1), 0.0f);
    EXPECT_EQ(g.at(8 - (101 - 94), 1), 1.0f);
    EXPECT_EQ(g.maxValue, 50.0f);
    // Rows of 4: [96, 100) holds the bid at 99 only; [92, 96) the flash.
    const auto coarse = heatmap.grid(1'000, 2'000, 2, 23, 25, 4);
    EXPECT_EQ(coarse.at(2 - 0, 0), 50.0f);  // row 23 = [92, 96)
    EXPECT_EQ(coarse.at(2 - 1, 1), 1.0f);   // row 24 = [96, 100)
    // Zoomed in past the samples (10 ms a pixel): a pixel between samples shows the resting book;
    // after the last sample it lasts one second, then the cells are empty.
    const auto fine = heatmap.grid(1'900, 3'100, 120, 99, 99, 1);
    EXPECT_EQ(fine.at(0, 5), 1.0f);     // 1,950 ms
    EXPECT_EQ(fine.at(0, 95), 1.0f);               // 2,850 ms: 950 ms after the last sample
    EXPECT_TRUE(std::isnan(fine.at(0, 105)));      // 2,950 ms: 1,050 ms after it
    EXPECT_TRUE(std::isnan(heatmap.grid(0, 1'000, 10, 99, 99, 1).at(0, 3)));  // before the first
}

TEST(BookHeatmap, IntensityScales) {
    using orderflow::HeatmapScale;
    EXPECT_EQ(orderflow::heatmapIntensity(5, 10, HeatmapScale::Linear), 0.5);
    EXPECT_NEAR(orderflow::heatmapIntensity(5, 10, HeatmapScale::Log), std::log1p(5.0) / std::log1p(10.0), 1e-15);
    EXPECT_EQ(orderflow::heatmapIntensity(20, 10, HeatmapScale::Log), 1.0);
    EXPECT_EQ(orderflow::heatmapIntensity(0, 10, HeatmapScale::Log), 0.0);
    EXPECT_EQ(orderflow::heatmapIntensity(3, 0, HeatmapScale::Linear), 0.0);
}
