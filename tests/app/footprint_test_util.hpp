#pragma once
// The app tests' check of a footprint's history against the simulator (issue 18: "footprint rows
// equal the sums of the simulator's trades"), shared by the venues' tests.
#include <gtest/gtest.h>

#include <string>
#include <unordered_map>

#include "cpc/core/interval.hpp"
#include "cpc/core/time.hpp"
#include "cpc/orderflow/footprint.hpp"
#include "cpc/sim/sim_server.hpp"

namespace cpc::test {

// Each of the footprint's oldest bars that closed before `settledBefore` (before the live trades
// began), at most `atMost` of them, against the simulator's own trades of that bar
// (`modelSymbol`: the model's name, BTCUSDT on every venue): every price row's buys and sells and
// the totals. Returns how many bars were compared.
inline int expectSettledBarsAreTheSimulatorsTrades(const orderflow::FootprintSeries& footprint,
                                                   const sim::SimServer& simulator, const std::string& modelSymbol,
                                                   std::int64_t settledBefore, int atMost = 10) {
    int compared = 0;
    for (std::size_t i = 0; i < footprint.size() && compared < atMost; ++i) {
        const orderflow::FootprintBar& bar = footprint[i];
        const std::int64_t end = nextBucketStart(footprint.interval(), bar.openTime);
        if (end > settledBefore) break;
        std::unordered_map<std::int64_t, orderflow::SideVolumes> rows;
        orderflow::SideVolumes totals;
        for (const auto& t : simulator.model().trades(modelSymbol, bar.openTime, end)) {
            (t.buyerIsMaker ? rows[footprint.rowOf(t.price)].sell : rows[footprint.rowOf(t.price)].buy) += t.quantity;
            (t.buyerIsMaker ? totals.sell : totals.buy) += t.quantity;
        }
        EXPECT_EQ(bar.totals, totals) << formatUtc(bar.openTime, true);
        EXPECT_EQ(bar.rows.size(), rows.size()) << formatUtc(bar.openTime, true);
        for (const auto& [row, volumes] : rows) {
            const auto it = bar.rows.find(row);
            if (it == bar.rows.end()) {
                ADD_FAILURE() << "row " << row << " of " << formatUtc(bar.openTime, true) << " is missing";
                continue;
            }
            EXPECT_EQ(it->second, volumes) << "row " << row << " of " << formatUtc(bar.openTime, true);
        }
        ++compared;
    }
    return compared;
}

}  // namespace cpc::test
