// Footprint bars: rows equal the sums of the simulator's trades (streamed from the simulator on
// 127.0.0.1 through the StreamSession, like the app's), delta and POC follow, imbalances compare the
// diagonal, and zoomed-out rows are whole multiples summed exactly.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <thread>

#include "cpc/core/time.hpp"
#include "cpc/exchange/binance/binance_adapter.hpp"
#include "cpc/feed/mailbox.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/orderflow/footprint.hpp"
#include "cpc/session/stream_session.hpp"
#include "cpc/sim/sim_server.hpp"

using namespace cpc;
using namespace std::chrono_literals;
using orderflow::FootprintSeries;

namespace {

Decimal dec(const char* text) { return *Decimal::parse(text); }

// Row sums computed independently of FootprintSeries: row = ⌊price / rowSize⌋ (prices > 0).
struct Expected {
    std::map<std::int64_t, orderflow::SideVolumes> rows;
    Decimal buy, sell;
    std::int64_t trades = 0;
};

std::map<std::int64_t, Expected> expectedBars(const std::vector<exchange::TradeTick>& trades, Decimal rowSize,
                                              Interval interval) {
    std::map<std::int64_t, Expected> bars;
    for (const auto& t : trades) {
        Expected& e = bars[bucketStart(interval, t.timeMs)];
        auto& row = e.rows[static_cast<std::int64_t>(t.price.units() / rowSize.units())];
        if (t.buyerIsMaker) {
            row.sell += t.quantity;
            e.sell += t.quantity;
        } else {
            row.buy += t.quantity;
            e.buy += t.quantity;
        }
        ++e.trades;
    }
    return bars;
}

void expectBarEquals(const orderflow::FootprintBar& bar, const Expected& e) {
    EXPECT_EQ(bar.trades, e.trades);
    EXPECT_EQ(bar.totals.buy, e.buy);
    EXPECT_EQ(bar.totals.sell, e.sell);
    EXPECT_EQ(bar.delta(), e.buy - e.sell);
    ASSERT_EQ(bar.rows.size(), e.rows.size());
    std::int64_t poc = 0;
    Decimal best = Decimal::fromInt(-1);
    for (const auto& [row, v] : e.rows) {
        const auto it = bar.rows.find(row);
        ASSERT_NE(it, bar.rows.end()) << row;
        EXPECT_EQ(it->second, v) << row;
        if (v.total() > best) {  // ascending rows: the lower row wins a tie
            best = v.total();
            poc = row;
        }
    }
    EXPECT_EQ(bar.pocRow, poc);
    EXPECT_EQ(bar.lowRow, e.rows.begin()->first);
    EXPECT_EQ(bar.highRow, e.rows.rbegin()->first);
}

struct Sink final : feed::FeedSink {
    void post(feed::FeedEvent e) override { box.post(std::move(e)); }
    feed::Mailbox<feed::FeedEvent> box;
};

}  // namespace

TEST(Footprint, RowsEqualTheSumsOfTheSimulatorsStreamedTrades) {
    sim::SimConfig c;
    c.liveTradesPerSecond = 400;  // on top of the quiet historical market
    sim::SimServer server(c);
    ASSERT_TRUE(server.start());
    net::IoThread io;
    Sink sink;
    auto adapter = std::make_shared<exchange::BinanceAdapter>(exchange::Endpoints{server.restBase(), server.streamBase()});
    session::StreamSessionConfig config;
    config.watchdog = 5s;
    session::StreamSession streams(io, adapter, config, sink);
    exchange::StreamSpec spec;
    spec.symbol = "BTCUSDT";
    spec.kind = exchange::StreamKind::Trade;
    streams.start({spec});

    const Decimal rowSize = dec("0.05");  // five ticks of 0.01: several trades share a row
    FootprintSeries series(Interval::S1, rowSize);
    std::vector<exchange::TradeTick> streamed;
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    // Until three whole seconds after the first one have been streamed.
    while (std::chrono::steady_clock::now() < deadline &&
           (streamed.empty() || streamed.back().timeMs < bucketStart(Interval::S1, streamed.front().timeMs) + 4'000)) {
        for (auto& e : sink.box.takeAll())
            if (auto* t = std::get_if<exchange::TradeTick>(&e)) {
                EXPECT_TRUE(series.add(*t));
                streamed.push_back(*t);
            }
        std::this_thread::sleep_for(10ms);
    }
    streams.stop();
    ASSERT_FALSE(streamed.empty());
    const std::int64_t first = bucketStart(Interval::S1, streamed.front().timeMs) + 1'000;  // first whole second
    const std::int64_t last = bucketStart(Interval::S1, streamed.back().timeMs);           // still streaming
    ASSERT_GE(last - first, 3'000) << "the stream did not last three whole seconds";

    // The streamed trades equal the simulator's own for every whole second, and each footprint bar
    // equals the row sums of the simulator's trades of that second.
    const auto truth = server.model().trades("BTCUSDT", first, last);
    ASSERT_GT(truth.size(), 1'000u);
    const auto bars = expectedBars(truth, rowSize, Interval::S1);
    ASSERT_EQ(bars.size(), static_cast<std::size_t>((last - first) / 1'000));
    for (const auto& [openTime, e] : bars) {
        SCOPED_TRACE(openTime);
        const orderflow::FootprintBar* bar = series.find(openTime);
        ASSERT_NE(bar, nullptr);
        expectBarEquals(*bar, e);
        // Zoomed out to rows of 4 × 0.05: each level the exact sum of its four base rows.
        const auto levels = orderflow::levelsOf(*bar, 4, 3.0);
        std::map<std::int64_t, std::pair<Decimal, Decimal>> coarse;
        for (const auto& [row, v] : e.rows) {
            coarse[row / 4].first += v.buy;
            coarse[row / 4].second += v.sell;
        }
        ASSERT_EQ(levels.levels.front().row, coarse.begin()->first);
        ASSERT_EQ(levels.levels.back().row, coarse.rbegin()->first);
        for (const auto& l : levels.levels) {
            const auto it = coarse.find(l.row);
            EXPECT_EQ(l.buy, it == coarse.end() ? 0.0 : it->second.first.toDouble()) << l.row;
            EXPECT_EQ(l.sell, it == coarse.end() ? 0.0 : it->second.second.toDouble()) << l.row;
        }
    }
}

TEST(Footprint, AggressorDeltaAndPocOfHandMadeTrades) {
    FootprintSeries series(Interval::M1, dec("0.5"));
    const std::int64_t t0 = 1'700'000'040'000;  // inside the minute opening at 1'700'000'040'000 − 40 s
    const std::int64_t bar = bucketStart(Interval::M1, t0);
    ASSERT_TRUE(series.add(t0, dec("100.2"), dec("1.5"), false));    // buy 1.5 at row 200
    ASSERT_TRUE(series.add(t0 + 1, dec("100.4"), dec("0.5"), true));  // sell 0.5 at row 200
    ASSERT_TRUE(series.add(t0 + 2, dec("100.5"), dec("1.0"), true));  // sell 1.0 at row 201
    ASSERT_TRUE(series.add(t0 + 3, dec("99.9"), dec("2.0"), false));  // buy 2.0 at row 199
    EXPECT_FALSE(series.add(t0 + 4, dec("99.9"), dec("0"), false));   // no quantity: not a trade
    ASSERT_EQ(series.size(), 1u);
    const auto& b = series[0];
    EXPECT_EQ(b.openTime, bar);
    EXPECT_EQ(b.totals.buy, dec("3.5"));
    EXPECT_EQ(b.totals.sell, dec("1.5"));
    EXPECT_EQ(b.delta(), dec("2"));
    EXPECT_EQ(b.pocRow, 199);  // 2.0 at row 199 and 2.0 at row 200: the lower row
    EXPECT_EQ(b.rows.at(200), (orderflow::SideVolumes{dec("1.5"), dec("0.5")}));
    // A trade of the next minute opens a bar; a late one of the first still lands in it.
    ASSERT_TRUE(series.add(bar + 60'000, dec("100"), dec("1"), false));
    ASSERT_TRUE(series.add(t0 + 5, dec("100.2"), dec("0.5"), false));
    EXPECT_EQ(series.size(), 2u);
    EXPECT_EQ(series[0].pocRow, 200);  // now 2.5 at row 200
    EXPECT_EQ(series[1].delta(), dec("1"));
}

TEST(Footprint, ImbalancesCompareTheDiagonal) {
    FootprintSeries series(Interval::M1, dec("1"));
    const std::int64_t t = 60'000;
    // Row 10: sells 1. Row 11: buys 3.5 (≥ 3 × the sells of row 10: a buy imbalance), sells 2
    // (< 3 × the buys of row 12: none). Row 12: buys 1 (< 3 × 2: none), sells 3 (against the
    // empty row 13's zero buys: a sell imbalance). Row 14: buys 1 over the empty row 13's zero
    // sells: a buy imbalance.
    series.add(t, dec("10"), dec("1"), true);
    series.add(t, dec("11"), dec("3.5"), false);
    series.add(t, dec("11"), dec("2"), true);
    series.add(t, dec("12"), dec("1"), false);
    series.add(t, dec("12"), dec("3"), true);
    series.add(t, dec("14"), dec("1"), false);
    const auto fp = orderflow::levelsOf(series[0], 1, 3.0);
    ASSERT_EQ(fp.levels.size(), 5u);  // rows 10..14, the empty row 13 included
    EXPECT_EQ(fp.levels[3].row, 13);
    EXPECT_EQ(fp.levels[3].buy + fp.levels[3].sell, 0.0);
    const bool buys[] = {false, true, false, false, true};
    const bool sells[] = {false, false, true, false, false};
    for (std::size_t i = 0; i < 5; ++i) {
        EXPECT_EQ(fp.levels[i].buyImbalance, buys[i]) << i;
        EXPECT_EQ(fp.levels[i].sellImbalance, sells[i]) << i;
    }
    EXPECT_EQ(fp.pocIndex, 1u);
    // A stricter ratio drops the buy imbalance of row 11 (3.5 < 4 × 1).
    EXPECT_FALSE(orderflow::levelsOf(series[0], 1, 4.0).levels[1].buyImbalance);
}

TEST(Footprint, RowMultipleFollowsTheZoomInOneTwoFiveSteps) {
    EXPECT_EQ(orderflow::rowMultipleForZoom(20.0, 14.0), 1);
    EXPECT_EQ(orderflow::rowMultipleForZoom(10.0, 14.0), 2);
    EXPECT_EQ(orderflow::rowMultipleForZoom(3.0, 14.0), 5);
    EXPECT_EQ(orderflow::rowMultipleForZoom(1.0, 14.0), 20);
    EXPECT_EQ(orderflow::rowMultipleForZoom(0.01, 14.0), 2'000);
    EXPECT_EQ(orderflow::rowMultipleForZoom(0.0, 14.0), 1);
}

TEST(Footprint, BoundedToMaxBarsAndRefusesWhatItDropped) {
    FootprintSeries series(Interval::S1, dec("1"), 3);
    for (int s = 0; s < 5; ++s) ASSERT_TRUE(series.add(s * 1'000, dec("5"), dec("1"), false));
    ASSERT_EQ(series.size(), 3u);
    EXPECT_EQ(series[0].openTime, 2'000);
    EXPECT_FALSE(series.add(500, dec("5"), dec("1"), false));  // older than everything kept
    EXPECT_EQ(series.find(0), nullptr);
}
