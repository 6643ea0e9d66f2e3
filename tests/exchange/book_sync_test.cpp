// The venues' order-book sequences, as the adapters map them, keep feed::LocalOrderBook (Binance's
// sync rules) in step: continuations apply, keep-alives are stale, gaps ask for a snapshot.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cpc/exchange/bybit/bybit_adapter.hpp"
#include "cpc/exchange/kucoin/kucoin_adapter.hpp"
#include "cpc/exchange/okx/okx_adapter.hpp"
#include "cpc/feed/order_book.hpp"
#include "support/fixtures.hpp"

using namespace cpc;
using namespace cpc::exchange;
using Outcome = feed::LocalOrderBook::Outcome;

namespace {

template <class T>
T only(const ExchangeAdapter& a, const std::string& frame) {
    auto events = a.parseStreamMessage(frame);
    EXPECT_TRUE(events) << (events ? "" : events.error().message);
    EXPECT_EQ(events ? events->size() : 0u, 1u);
    return events && !events->empty() ? std::get<T>(events->front()) : T{};
}

Decimal d(const char* s) { return *Decimal::parse(s); }

}  // namespace

TEST(VenueBookSync, OkxSeqIdChain) {
    OkxAdapter a;
    feed::LocalOrderBook book("BTC-USDT");
    EXPECT_EQ(book.onSnapshot(only<DepthSnapshot>(a, test::readFixture("okx/books-ws-snapshot.json"))), Outcome::Applied);
    auto update = nlohmann::json::parse(test::readFixture("okx/books-ws-update.json"));
    EXPECT_EQ(book.onDiff(only<DepthUpdate>(a, update.dump())), Outcome::Applied);
    EXPECT_EQ(book.lastUpdateId(), 123457);
    // Keep-alive: seqId == prevSeqId, no levels.
    update["data"][0]["prevSeqId"] = 123457;
    update["data"][0]["seqId"] = 123457;
    update["data"][0]["asks"] = nlohmann::json::array();
    update["data"][0]["bids"] = nlohmann::json::array({nlohmann::json::array({"8476.97", "0", "0", "0"})});
    EXPECT_EQ(book.onDiff(only<DepthUpdate>(a, update.dump())), Outcome::Stale);
    EXPECT_EQ(book.bids().count(d("8476.97")), 1u);  // untouched
    // seqIds need not be consecutive, only chained: 123457 -> 123460 removes the best bid.
    update["data"][0]["seqId"] = 123460;
    EXPECT_EQ(book.onDiff(only<DepthUpdate>(a, update.dump())), Outcome::Applied);
    EXPECT_EQ(book.bids().count(d("8476.97")), 0u);
    EXPECT_EQ(book.bids().begin()->first, d("8475.55"));
    // A message lost: prevSeqId is not the book's seqId.
    update["data"][0]["prevSeqId"] = 123470;
    update["data"][0]["seqId"] = 123475;
    EXPECT_EQ(book.onDiff(only<DepthUpdate>(a, update.dump())), Outcome::NeedsSnapshot);
}

TEST(VenueBookSync, BybitUpdateIdSequence) {
    BybitAdapter a;
    feed::LocalOrderBook book("BTCUSDT");
    const std::string snapshot = test::readFixture("bybit/orderbook-ws-snapshot.json");
    EXPECT_EQ(book.onSnapshot(only<DepthSnapshot>(a, snapshot)), Outcome::Applied);
    auto delta = nlohmann::json::parse(snapshot);
    delta["type"] = "delta";
    delta["data"]["u"] = 18521289;
    delta["data"]["b"] = nlohmann::json::array({nlohmann::json::array({"16493.50", "0"})});
    delta["data"]["a"] = nlohmann::json::array({nlohmann::json::array({"16611.00", "0.5"})});
    EXPECT_EQ(book.onDiff(only<DepthUpdate>(a, delta.dump())), Outcome::Applied);
    EXPECT_EQ(book.bids().begin()->first, d("16493.00"));
    EXPECT_EQ(book.asks().begin()->second, d("0.5"));
    delta["data"]["u"] = 18521291;  // 18521290 missing
    EXPECT_EQ(book.onDiff(only<DepthUpdate>(a, delta.dump())), Outcome::NeedsSnapshot);
}

TEST(VenueBookSync, KucoinDocumentedCalibrationExample) {
    // docs.kucoin.com "Level-2 Market Data": snapshot at sequence 16, then changes with sequences
    // 15..18; the documented result is the final table of that section.
    KucoinAdapter a;
    feed::LocalOrderBook book("BTC-USDT");
    const auto update = only<DepthUpdate>(a, R"({"type":"message","topic":"/market/level2:BTC-USDT","subject":"trade.l2update",
        "data":{"sequenceStart":15,"sequenceEnd":18,"symbol":"BTC-USDT","changes":{
        "asks":[["3988.62","8","15"],["3988.61","0","18"],["3988.59","3","16"]],"bids":[["3988.50","44","17"]]}}})");
    EXPECT_EQ(book.onDiff(update), Outcome::Buffered);
    const auto snap = a.parseDepthSnapshot(R"({"code":"200000","data":{"sequence":"16","time":1550653727731,
        "asks":[["3988.62","8"],["3988.61","32"],["3988.60","47"],["3988.59","3"]],
        "bids":[["3988.51","56"],["3988.50","15"],["3988.49","100"],["3988.48","10"]]}})",
                                           200, "BTC-USDT");
    ASSERT_TRUE(snap) << snap.error().message;
    EXPECT_EQ(book.onSnapshot(*snap), Outcome::Applied);
    EXPECT_EQ(book.lastUpdateId(), 18);
    const std::vector<std::pair<const char*, const char*>> asks{{"3988.59", "3"}, {"3988.60", "47"}, {"3988.62", "8"}};
    const std::vector<std::pair<const char*, const char*>> bids{
        {"3988.51", "56"}, {"3988.50", "44"}, {"3988.49", "100"}, {"3988.48", "10"}};
    ASSERT_EQ(book.asks().size(), asks.size());
    ASSERT_EQ(book.bids().size(), bids.size());
    std::size_t i = 0;
    for (const auto& [p, q] : book.asks()) {
        EXPECT_EQ(p, d(asks[i].first));
        EXPECT_EQ(q, d(asks[i].second));
        ++i;
    }
    i = 0;
    for (const auto& [p, q] : book.bids()) {
        EXPECT_EQ(p, d(bids[i].first));
        EXPECT_EQ(q, d(bids[i].second));
        ++i;
    }
}
