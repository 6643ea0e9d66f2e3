// LocalOrderBook: Binance's sync procedure on a real capture + its REST snapshot, and on the
// simulator's book model.
#include "cpc/feed/order_book.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "cpc/exchange/binance/binance_adapter.hpp"
#include "cpc/sim/order_book_model.hpp"
#include "support/fixtures.hpp"

using namespace cpc;
using namespace cpc::exchange;
using cpc::feed::LocalOrderBook;
using Outcome = LocalOrderBook::Outcome;

namespace {

struct Timed {
    double at;
    std::string text;
};

// cryptofeed capture lines: "<unix ts>: <frame>" (the first line of a .ws file is the URL;
// .http lines are "<url> -> <unix ts>: <body>").
std::vector<Timed> captureLines(const std::string& file) {
    std::istringstream in(test::readFixture(file));
    std::vector<Timed> out;
    std::string line;
    while (std::getline(in, line)) {
        std::size_t start = 0;
        if (const auto arrow = line.find(" -> "); arrow != std::string::npos) start = arrow + 4;
        const auto sep = line.find(": ", start);
        if (sep == std::string::npos) continue;
        try {
            out.push_back({std::stod(line.substr(start, sep - start)), line.substr(sep + 2)});
        } catch (const std::exception&) {
        }
    }
    return out;
}

DepthSnapshot snapshotFor(const std::string& symbol, double& at) {
    BinanceAdapter adapter;
    std::istringstream in(test::readFixture("binance-captures/BINANCE.http.depth-snapshots"));
    std::string line;
    while (std::getline(in, line)) {
        if (line.find("symbol=" + symbol + "&") == std::string::npos) continue;
        const auto arrow = line.find(" -> ");
        const auto sep = line.find(": ", arrow);
        at = std::stod(line.substr(arrow + 4, sep - arrow - 4));
        auto s = adapter.parseDepthSnapshot(line.substr(sep + 2), 200, symbol);
        if (s) return *s;
    }
    ADD_FAILURE() << "no snapshot for " << symbol;
    return {};
}

DepthUpdate makeDiff(std::int64_t first, std::int64_t last, std::vector<PriceLevel> bids,
                     std::vector<PriceLevel> asks = {}) {
    DepthUpdate d;
    d.symbol = "X";
    d.firstUpdateId = first;
    d.finalUpdateId = last;
    d.bids = std::move(bids);
    d.asks = std::move(asks);
    return d;
}

Decimal dec(const char* s) { return *Decimal::parse(s); }

}  // namespace

// The capture subscribed to the diff stream, then fetched the snapshot ~0.26 s later: the
// replay buffers, syncs, then follows 150 NKNUSDT events without one gap; the book is never
// crossed.
TEST(LocalOrderBook, FollowsTheRealNknusdtCaptureFromItsRestSnapshot) {
    BinanceAdapter adapter;
    double snapshotAt = 0;
    const DepthSnapshot snapshot = snapshotFor("NKNUSDT", snapshotAt);
    ASSERT_EQ(snapshot.lastUpdateId, 499869752);
    LocalOrderBook book("NKNUSDT");
    bool snapshotApplied = false;
    int applied = 0, buffered = 0, stale = 0;
    std::int64_t lastU = 0;
    for (const Timed& frame : captureLines("binance-captures/BINANCE.ws.1.0")) {
        if (!snapshotApplied && frame.at >= snapshotAt) {
            ASSERT_EQ(book.onSnapshot(snapshot), Outcome::Applied);
            snapshotApplied = true;
        }
        auto events = adapter.parseStreamMessage(frame.text);
        ASSERT_TRUE(events);
        for (const auto& e : *events) {
            if (const auto* d = std::get_if<DepthUpdate>(&e); d && d->symbol == "NKNUSDT") {
                lastU = d->finalUpdateId;
                switch (book.onDiff(*d)) {
                    case Outcome::Applied:
                        ++applied;
                        ASSERT_LT(book.bids().begin()->first, book.asks().begin()->first) << "crossed at u=" << lastU;
                        break;
                    case Outcome::Buffered: ++buffered; break;
                    case Outcome::Stale: ++stale; break;
                    case Outcome::NeedsSnapshot: FAIL() << "gap at U=" << d->firstUpdateId;
                }
            }
        }
    }
    EXPECT_TRUE(book.synced());
    EXPECT_EQ(book.lastUpdateId(), lastU);
    EXPECT_EQ(book.resyncs(), 0u);
    EXPECT_GT(buffered, 0);
    EXPECT_GT(applied, 100);
    EXPECT_LT(book.bids().begin()->first, book.asks().begin()->first);  // never crossed
    EXPECT_EQ(stale, 0);  // the capture never repeats an applied event
}

TEST(LocalOrderBook, ASnapshotOlderThanTheBufferIsRefused) {
    LocalOrderBook book;
    EXPECT_EQ(book.onDiff(makeDiff(100, 105, {{dec("1"), dec("2")}})), Outcome::Buffered);
    DepthSnapshot old;
    old.lastUpdateId = 90;  // events 91..99 are lost
    EXPECT_EQ(book.onSnapshot(old), Outcome::NeedsSnapshot);
    EXPECT_FALSE(book.synced());
    DepthSnapshot fresh;
    fresh.lastUpdateId = 102;
    fresh.bids = {{dec("1"), dec("5")}, {dec("0.5"), dec("1")}};
    EXPECT_EQ(book.onSnapshot(fresh), Outcome::Applied);
    EXPECT_EQ(book.lastUpdateId(), 105);  // 100..105 straddles 103: applied
    EXPECT_EQ(book.bids().at(dec("1")), dec("2"));
}

TEST(LocalOrderBook, ZeroQuantityRemovesAndAGapAsksForANewSnapshot) {
    LocalOrderBook book;
    DepthSnapshot s;
    s.lastUpdateId = 10;
    s.bids = {{dec("9"), dec("1")}, {dec("8"), dec("1")}};
    s.asks = {{dec("11"), dec("1")}};
    ASSERT_EQ(book.onSnapshot(s), Outcome::Applied);
    EXPECT_EQ(book.onDiff(makeDiff(5, 10, {{dec("9"), dec("0")}})), Outcome::Stale);
    EXPECT_EQ(book.onDiff(makeDiff(9, 12, {{dec("9"), dec("0")}}, {{dec("10.5"), dec("3")}})), Outcome::Applied);
    EXPECT_EQ(book.bids().size(), 1u);
    EXPECT_EQ(book.asks().begin()->first, dec("10.5"));
    // After the first event, U must be exactly the previous u + 1.
    EXPECT_EQ(book.onDiff(makeDiff(12, 14, {})), Outcome::NeedsSnapshot);
    EXPECT_FALSE(book.synced());
    EXPECT_EQ(book.resyncs(), 1u);
    EXPECT_EQ(book.buffered(), 1u);  // the event that showed the gap waits for the next snapshot
}

TEST(LocalOrderBook, AFirstBufferedEventThatDoesNotReachTheSnapshotIsAGap) {
    LocalOrderBook book;
    book.onDiff(makeDiff(20, 25, {}));
    book.onDiff(makeDiff(30, 31, {}));  // 26..29 missing in the buffer itself
    DepthSnapshot s;
    s.lastUpdateId = 26;
    EXPECT_EQ(book.onSnapshot(s), Outcome::NeedsSnapshot);
    EXPECT_EQ(book.buffered(), 1u);
    s.lastUpdateId = 30;
    EXPECT_EQ(book.onSnapshot(s), Outcome::Applied);
    EXPECT_EQ(book.lastUpdateId(), 31);
}

// The simulator's book model: snapshot at tick k then the diffs of k+1.. rebuild the model's
// book at every later tick exactly.
TEST(LocalOrderBook, ReplaysTheSimulatorModelExactly) {
    sim::MarketModel model(7);
    sim::OrderBookModel books(model, 7);
    const std::int64_t t0 = sim::OrderBookModel::tickOf(1705322096789);
    for (const std::string symbol : {"BTCUSDT", "NKNUSDT"}) {
        LocalOrderBook book(symbol);
        for (std::int64_t k = t0 - 3; k <= t0; ++k) book.onDiff(books.diff(symbol, k));
        ASSERT_EQ(book.onSnapshot(books.book(symbol, t0 - 2)), Outcome::Applied);
        EXPECT_EQ(book.lastUpdateId(), sim::OrderBookModel::lastUpdateId(t0));
        for (std::int64_t k = t0 + 1; k <= t0 + 1200; ++k) {  // two minutes: the mid moves
            ASSERT_EQ(book.onDiff(books.diff(symbol, k)), Outcome::Applied);
            if (k % 97 == 0 || k == t0 + 1200) {
                const auto truth = books.book(symbol, k);
                const auto mine = book.snapshot();
                ASSERT_EQ(mine.bids, truth.bids) << symbol << " tick " << k;
                ASSERT_EQ(mine.asks, truth.asks) << symbol << " tick " << k;
            }
        }
    }
}

TEST(LocalOrderBook, AfterAllowOverlapOneDiffMayStartBeforeTheBookAndReachPastIt) {
    LocalOrderBook book;
    DepthSnapshot s;
    s.lastUpdateId = 10;
    s.bids = {{dec("9"), dec("1")}};
    s.asks = {{dec("11"), dec("1")}};
    ASSERT_EQ(book.onSnapshot(s), Outcome::Applied);
    ASSERT_EQ(book.onDiff(makeDiff(11, 14, {{dec("9"), dec("2")}})), Outcome::Applied);
    // A rotation's new connection cut its windows differently: 13..16 overlaps 13..14.
    book.allowOverlap();
    EXPECT_EQ(book.onDiff(makeDiff(13, 16, {{dec("9"), dec("2")}}, {{dec("10.5"), dec("3")}})), Outcome::Applied);
    EXPECT_EQ(book.lastUpdateId(), 16);
    EXPECT_EQ(book.bids().at(dec("9")), dec("2"));
    EXPECT_EQ(book.asks().begin()->first, dec("10.5"));
    // Once only: afterwards U must again be exactly u + 1.
    EXPECT_EQ(book.onDiff(makeDiff(16, 18, {})), Outcome::NeedsSnapshot);
    EXPECT_EQ(book.resyncs(), 1u);
}
