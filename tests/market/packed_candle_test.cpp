// The compact in-memory row of a candle series (PackedCandle + side table + CandleView): exact
// round trips for every input, the side table for numbers a row cannot hold, and upsert / merge
// outcomes identical to a plain map of whole Candles.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <map>
#include <random>

#include "cpc/market/candle_series.hpp"
#include "cpc/market/packed_candle.hpp"
#include "cpc/market/validation.hpp"
#include "market_test_util.hpp"

using namespace cpc;
using cpc::market::CandleSeries;
using cpc::market::CandleView;
using cpc::market::PackedCandle;
using cpc::market::UpsertOutcome;

namespace {

constexpr std::int64_t kI64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kI64Min = std::numeric_limits<std::int64_t>::min();

bool fits(Decimal d) { return d.units() >= kI64Min && d.units() <= kI64Max; }

bool packable(const Candle& c) {
    return fits(c.open) && fits(c.high) && fits(c.low) && fits(c.close) && fits(c.volume) &&
           fits(c.quoteVolume) && fits(c.takerBuyBase) && fits(c.takerBuyQuote) &&
           c.trades >= PackedCandle::kMinTrades && c.trades <= PackedCandle::kMaxTrades;
}

// Any 128-bit units value, weighted towards the edges of the int64 range where packing changes.
class RandomUnits {
public:
    explicit RandomUnits(unsigned seed) : m_rng(seed) {}
    Int128 operator()() {
        const std::int64_t r = static_cast<std::int64_t>(m_rng());
        switch (m_rng() % 8) {
            case 0: return 0;
            case 1: return r % 10'000'000'000LL;                       // ordinary prices
            case 2: return r;                                          // anywhere in int64
            case 3: return kI64Max - static_cast<std::int64_t>(m_rng() % 3);  // at the edge
            case 4: return kI64Min + static_cast<std::int64_t>(m_rng() % 3);
            case 5: return static_cast<Int128>(kI64Max) + 1 + (m_rng() % 1000);  // just past it
            case 6: return static_cast<Int128>(r) * static_cast<Int128>(m_rng());  // huge, either sign
            default: return -(static_cast<Int128>(kI64Max) + 2);
        }
    }
    std::int64_t trades() {
        switch (m_rng() % 7) {
            case 0: return -1;
            case 1: return 0;
            case 2: return PackedCandle::kMaxTrades;
            case 3: return PackedCandle::kMaxTrades + 1;
            case 4: return PackedCandle::kMinTrades - 1;
            case 5: return static_cast<std::int64_t>(m_rng());
            default: return static_cast<std::int64_t>(m_rng() % 100'000);
        }
    }
    std::uint64_t bits() { return m_rng(); }

private:
    std::mt19937_64 m_rng;
};

Candle randomCandle(RandomUnits& u) {
    Candle c;
    c.openTime = static_cast<std::int64_t>(u.bits());
    c.open = Decimal::fromUnits(u());
    c.high = Decimal::fromUnits(u());
    c.low = Decimal::fromUnits(u());
    c.close = Decimal::fromUnits(u());
    c.volume = Decimal::fromUnits(u());
    c.quoteVolume = Decimal::fromUnits(u());
    c.trades = u.trades();
    c.takerBuyBase = Decimal::fromUnits(u());
    c.takerBuyQuote = Decimal::fromUnits(u());
    c.closed = (u.bits() & 1U) != 0;
    return c;
}

// A valid candle (passes validateCandle) whose numbers may or may not fit a row.
Candle randomValidCandle(RandomUnits& u, std::int64_t openTime) {
    auto nonNegative = [&] {
        Int128 v = u();
        if (v < 0) v = -(v + 1);
        return v;
    };
    Int128 p[4] = {nonNegative(), nonNegative(), nonNegative(), nonNegative()};
    std::sort(std::begin(p), std::end(p));
    Candle c;
    c.openTime = openTime;
    c.low = Decimal::fromUnits(p[0]);
    c.open = Decimal::fromUnits(p[1]);
    c.close = Decimal::fromUnits(p[2]);
    c.high = Decimal::fromUnits(p[3]);
    if (u.bits() & 1U) std::swap(c.open, c.close);
    Int128 v[2] = {nonNegative(), nonNegative()};
    std::sort(std::begin(v), std::end(v));
    c.takerBuyBase = Decimal::fromUnits(v[0]);
    c.volume = Decimal::fromUnits(v[1]);
    Int128 q[2] = {nonNegative(), nonNegative()};
    std::sort(std::begin(q), std::end(q));
    c.takerBuyQuote = Decimal::fromUnits(q[0]);
    c.quoteVolume = Decimal::fromUnits(q[1]);
    c.trades = std::max<std::int64_t>(-1, u.trades());
    c.closed = (u.bits() & 1U) != 0;
    return c;
}

// SHIBUSDT-like monthly candle: 1.2 trillion SHIB traded is 1.2e20 units, past int64.
Candle shibMonth(std::int64_t openTime, bool closed = true) {
    Candle c;
    c.openTime = openTime;
    c.open = *Decimal::parse("0.00001012");
    c.high = *Decimal::parse("0.00001090");
    c.low = *Decimal::parse("0.00000955");
    c.close = *Decimal::parse("0.00001030");
    c.volume = *Decimal::parse("1234567890123.12345678");
    c.quoteVolume = *Decimal::parse("12611843.84216031");
    c.trades = 4'500'000;
    c.takerBuyBase = *Decimal::parse("600000000000.00000001");
    c.takerBuyQuote = *Decimal::parse("6100000.5");
    c.closed = closed;
    return c;
}

// Each field accessor of the view equals the decoded candle's field.
void expectAccessorsMatch(const CandleView& view) {
    for (std::size_t i = 0; i < view.size(); ++i) {
        const Candle c = view[i];
        ASSERT_EQ(view.openTime(i), c.openTime);
        ASSERT_EQ(view.closed(i), c.closed);
        ASSERT_EQ(view.open(i), c.open.toDouble());
        ASSERT_EQ(view.high(i), c.high.toDouble());
        ASSERT_EQ(view.low(i), c.low.toDouble());
        ASSERT_EQ(view.close(i), c.close.toDouble());
        ASSERT_EQ(view.volume(i), c.volume.toDouble());
        ASSERT_EQ(view.rising(i), c.close >= c.open);
    }
}

}  // namespace

TEST(PackedCandle, IsEightyBytes) { EXPECT_EQ(sizeof(PackedCandle), 80u); }

TEST(PackedCandle, RoundTripIsBitIdenticalOrRefusedForEveryInput) {
    RandomUnits u(20261125);
    int packed = 0;
    int refused = 0;
    for (int n = 0; n < 200'000; ++n) {
        const Candle c = randomCandle(u);
        const auto p = PackedCandle::pack(c);
        ASSERT_EQ(p.has_value(), packable(c)) << "candle " << n;
        if (!p) {
            ++refused;
            continue;
        }
        ++packed;
        ASSERT_FALSE(p->wide());
        ASSERT_EQ(p->closed(), c.closed);
        ASSERT_EQ(p->trades(), c.trades);
        ASSERT_EQ(p->unpack(), c) << "candle " << n;
    }
    // Both paths were exercised plenty.
    EXPECT_GT(packed, 1000);
    EXPECT_GT(refused, 1000);
}

TEST(PackedCandle, KeepsUnreportedTradeCountAndTheClosedFlagApart) {
    for (const std::int64_t trades : {std::int64_t{-1}, std::int64_t{0}, std::int64_t{1}, PackedCandle::kMaxTrades,
                                      PackedCandle::kMinTrades}) {
        for (const bool closed : {false, true}) {
            Candle c = test::makeCandle(60'000, 1, 2, 0.5, 1.5, 3, trades, closed);
            const auto p = PackedCandle::pack(c);
            ASSERT_TRUE(p.has_value());
            EXPECT_EQ(p->trades(), trades);
            EXPECT_EQ(p->closed(), closed);
            EXPECT_FALSE(p->wide());
            EXPECT_EQ(p->unpack(), c);
        }
    }
    Candle tooMany = test::makeCandle(60'000, 1, 2, 0.5, 1.5, 3, PackedCandle::kMaxTrades + 1);
    EXPECT_FALSE(PackedCandle::pack(tooMany).has_value());
    const PackedCandle wide = PackedCandle::wideRow(tooMany);
    EXPECT_TRUE(wide.wide());
    EXPECT_TRUE(wide.closed());
    EXPECT_EQ(wide.openTime, 60'000);
}

TEST(PackedCandle, UnitsToDoubleEqualsDecimalToDouble) {
    std::mt19937_64 rng(5);
    std::vector<std::int64_t> samples = {0, 1, -1, 99'999'999, 100'000'000, -100'000'001, kI64Max, kI64Min,
                                         (std::int64_t{1} << 53) + 1, -(std::int64_t{1} << 53) - 1};
    for (int i = 0; i < 100'000; ++i) samples.push_back(static_cast<std::int64_t>(rng()) >> (rng() % 64));
    for (const std::int64_t units : samples)
        ASSERT_EQ(market::unitsToDouble(units), Decimal::fromUnits(units).toDouble()) << units;
}

TEST(PackedCandle, SeriesRoundTripsRandomValidCandlesIncludingHugeOnes) {
    RandomUnits u(77);
    std::map<std::int64_t, Candle> expected;
    CandleSeries s;
    std::mt19937 order(3);
    for (int n = 0; n < 3000; ++n) {
        const std::int64_t t = static_cast<std::int64_t>(order() % 2000) * 60'000;  // hits repeat: replaces
        Candle c = randomValidCandle(u, t);
        c.closed = true;  // always replaces, so the expected state is the last write
        ASSERT_FALSE(market::validateCandle(c).has_value());
        s.upsert(c);
        expected[t] = c;
    }
    ASSERT_EQ(s.size(), expected.size());
    std::size_t wide = 0;
    std::size_t i = 0;
    for (const auto& [t, c] : expected) {
        ASSERT_EQ(s[i], c) << "row " << i;
        ASSERT_EQ(s.find(t), c);
        wide += PackedCandle::pack(c) ? 0 : 1;
        ++i;
    }
    EXPECT_EQ(s.wideCount(), wide);  // the side table holds exactly the candles rows cannot
    EXPECT_GT(wide, 100u);
    EXPECT_LT(wide, expected.size());
    expectAccessorsMatch(s.candles());
}

TEST(PackedCandle, SideTableKeepsAShibMonthExact) {
    CandleSeries s(SeriesKey{"binance", "SHIBUSDT", Interval::Mo1});
    const Candle jan = shibMonth(1'704'067'200'000);  // 2024-01
    const Candle feb = shibMonth(1'706'745'600'000, false);
    ASSERT_FALSE(PackedCandle::pack(jan).has_value());  // volume is 1.2e20 units
    EXPECT_EQ(s.upsert(jan), UpsertOutcome::Appended);
    EXPECT_EQ(s.upsert(feb), UpsertOutcome::Appended);
    EXPECT_EQ(s.wideCount(), 2u);
    EXPECT_EQ(s[0], jan);
    EXPECT_EQ(s[1], feb);
    EXPECT_EQ(s.candles()[0].volume.toString(), "1234567890123.12345678");
    EXPECT_EQ(s.memoryBytes(), s.capacity() * sizeof(PackedCandle) + 2 * sizeof(Candle));
    expectAccessorsMatch(s.candles());

    // Outcomes are those of whole candles: identical → Unchanged, a late provisional → ignored.
    EXPECT_EQ(s.upsert(jan), UpsertOutcome::Unchanged);
    Candle provisional = jan;
    provisional.closed = false;
    EXPECT_EQ(s.upsert(provisional), UpsertOutcome::IgnoredClosed);
    EXPECT_EQ(s[0], jan);

    // The forming month shrinks into a row when its numbers fit (a quiet day), and grows back.
    Candle small = feb;
    small.volume = *Decimal::parse("5000.5");
    small.takerBuyBase = *Decimal::parse("100");
    EXPECT_EQ(s.upsert(small), UpsertOutcome::UpdatedLast);
    EXPECT_EQ(s.wideCount(), 1u);
    EXPECT_EQ(s[1], small);
    EXPECT_EQ(s.upsert(feb), UpsertOutcome::UpdatedLast);
    EXPECT_EQ(s.wideCount(), 2u);
    EXPECT_EQ(s[1], feb);

    // Older history inserted before them shifts the indexes; the side table is keyed by open
    // time, so every wide row still finds its candle.
    const Candle dec = shibMonth(1'701'388'800'000);  // 2023-12
    Candle nov = test::makeCandle(1'698'796'800'000, 0.00001, 0.00002, 0.000009, 0.000011, 1e9);
    EXPECT_EQ(s.upsert(dec), UpsertOutcome::Inserted);
    EXPECT_EQ(s.upsert(nov), UpsertOutcome::Inserted);
    ASSERT_EQ(s.size(), 4u);
    EXPECT_EQ(s[0], nov);
    EXPECT_EQ(s[1], dec);
    EXPECT_EQ(s[2], jan);
    EXPECT_EQ(s[3], feb);
    EXPECT_EQ(s.wideCount(), 3u);
    EXPECT_EQ(s.lastClosedOpenTime(), jan.openTime);
    const std::vector<Candle> all = s.candles().toVector();
    EXPECT_EQ(all, (std::vector<Candle>{nov, dec, jan, feb}));
    expectAccessorsMatch(s.candles());
    expectAccessorsMatch(s.candles().subspan(1, 2));

    s.clear();
    EXPECT_EQ(s.wideCount(), 0u);
    EXPECT_EQ(s.upsert(nov), UpsertOutcome::Appended);
    EXPECT_EQ(s[0], nov);
}

TEST(PackedCandle, MergeFastPathStoresWideCandlesToo) {
    CandleSeries s;
    std::vector<Candle> batch = test::randomMinutes(0, 50, 9);
    batch[10].volume = Decimal::fromUnits(static_cast<Int128>(kI64Max) * 4);
    batch[10].takerBuyBase = Decimal::fromUnits(0);
    batch[30].quoteVolume = Decimal::fromUnits(static_cast<Int128>(kI64Max) + 1);
    EXPECT_EQ(s.merge(batch), 50u);
    EXPECT_EQ(s.wideCount(), 2u);
    EXPECT_EQ(s.candles().toVector(), batch);
    // Merging the same batch again changes nothing.
    EXPECT_EQ(s.merge(batch), 0u);
    EXPECT_EQ(s.candles().toVector(), batch);
}

TEST(PackedCandle, UpsertOutcomesMatchAMapOfWholeCandles) {
    // The rules of CandleSeries::upsert applied to a std::map of Candles: the packed storage
    // must give the same outcome and the same contents for any sequence of updates.
    RandomUnits u(11);
    std::mt19937 rng(12);
    std::map<std::int64_t, Candle> reference;
    CandleSeries s;
    for (int n = 0; n < 5000; ++n) {
        const std::int64_t t = static_cast<std::int64_t>(rng() % 300) * 60'000;
        Candle c;
        const auto it = reference.find(t);
        switch (rng() % 5) {
            case 0:  // resend what is there
                c = it != reference.end() ? it->second : randomValidCandle(u, t);
                break;
            case 1:  // an invalid one
                c = randomValidCandle(u, t);
                c.low = c.high + Decimal::fromUnits(1);
                break;
            default: c = randomValidCandle(u, t);
        }
        UpsertOutcome want;
        if (market::validateCandle(c)) {
            want = UpsertOutcome::Rejected;
        } else if (reference.empty() || reference.rbegin()->first < t) {
            want = UpsertOutcome::Appended;
            reference[t] = c;
        } else if (it != reference.end()) {
            if (it->second == c) {
                want = UpsertOutcome::Unchanged;
            } else if (it->second.closed && !c.closed) {
                want = UpsertOutcome::IgnoredClosed;
            } else {
                want = t == reference.rbegin()->first ? UpsertOutcome::UpdatedLast : UpsertOutcome::Replaced;
                it->second = c;
            }
        } else {
            want = UpsertOutcome::Inserted;
            reference[t] = c;
        }
        ASSERT_EQ(s.upsert(c), want) << "update " << n;
    }
    ASSERT_EQ(s.size(), reference.size());
    std::size_t i = 0;
    for (const auto& [t, c] : reference) ASSERT_EQ(s[i++], c);
    std::size_t wide = 0;
    for (const auto& [t, c] : reference) wide += PackedCandle::pack(c) ? 0 : 1;
    EXPECT_EQ(s.wideCount(), wide);
}

TEST(CandleView, BehavesLikeASpanOfCandles) {
    CandleSeries s;
    const std::vector<Candle> batch = test::randomMinutes(60'000, 40, 4);
    s.merge(batch);
    const CandleView v = s.candles();
    ASSERT_EQ(v.size(), 40u);
    EXPECT_EQ(v.front(), batch.front());
    EXPECT_EQ(v.back(), batch.back());
    EXPECT_EQ(v.end() - v.begin(), 40);
    EXPECT_EQ(v.begin()[7], batch[7]);
    EXPECT_EQ((v.begin() + 3)->openTime, batch[3].openTime);
    std::size_t i = 0;
    for (const Candle& c : v) EXPECT_EQ(c, batch[i++]);
    const auto it = std::lower_bound(v.begin(), v.end(), batch[25].openTime,
                                     [](const Candle& c, std::int64_t t) { return c.openTime < t; });
    EXPECT_EQ(it - v.begin(), 25);
    EXPECT_EQ(v.subspan(10, 5).toVector(), std::vector<Candle>(batch.begin() + 10, batch.begin() + 15));
    EXPECT_EQ(v.subspan(35).size(), 5u);
    EXPECT_EQ(v.first(3).back(), batch[2]);
    EXPECT_EQ(v.last(2).front(), batch[38]);
    EXPECT_TRUE(CandleView{}.empty());
    expectAccessorsMatch(v);
}

TEST(CandleView, RisingComparesExactlyWhereDoublesCollide) {
    // Above 2^53 units two different prices can be the same double: the colour must still follow
    // the exact comparison.
    Candle c = test::makeCandle(0, 1, 1, 1, 1, 1);
    const Int128 big = Int128{1} << 60;
    c.low = c.open = Decimal::fromUnits(big);
    c.high = c.close = Decimal::fromUnits(big + 1);
    Candle falling = c;
    falling.openTime = 60'000;
    std::swap(falling.open, falling.close);
    CandleSeries s;
    s.upsert(c);
    s.upsert(falling);
    ASSERT_EQ(s.candles().open(1), s.candles().close(1));  // the doubles are equal
    EXPECT_TRUE(s.candles().rising(0));
    EXPECT_FALSE(s.candles().rising(1));
}

TEST(CandleSeries, MemoryIsRowCapacityPlusSideTableWithBoundedSlack) {
    CandleSeries s;
    std::vector<Candle> batch;
    for (std::int64_t i = 0; i < 100'000; ++i) batch.push_back(test::makeCandle(i * 60'000, 1, 2, 0.5, 1.5, 3));
    ASSERT_EQ(s.merge(batch), 100'000u);
    EXPECT_EQ(s.capacity(), 100'000u);  // a loaded batch is reserved exactly
    EXPECT_EQ(s.memoryBytes(), 100'000u * sizeof(PackedCandle));
    // One live candle past a full vector grows it by 1/16, not by half or double.
    s.upsert(test::makeCandle(100'000 * 60'000LL, 1, 2, 0.5, 1.5, 3));
    EXPECT_EQ(s.capacity(), 100'000u + 100'000u / 16);
    EXPECT_EQ(s.memoryBytes(), s.capacity() * sizeof(PackedCandle));
    EXPECT_EQ(market::grownCapacity(10, 11), 20u);  // small vectors still double
    EXPECT_EQ(market::grownCapacity(0, 50), 50u);  // a first allocation is exact
    EXPECT_EQ(market::grownCapacity(1'000'000, 1'000'001), 1'062'500u);
    EXPECT_EQ(market::grownCapacity(1'000'000, 3'000'000), 3'000'000u);
}
