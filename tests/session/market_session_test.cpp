// The one market session of a process owns what the venues limit per IP: one connection engine
// per venue and endpoints, one REST gate per REST host, one connection budget — no statics.
#include <gtest/gtest.h>

#include "cpc/exchange/registry.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/session/market_session.hpp"

using namespace cpc;

namespace {

std::shared_ptr<const exchange::ExchangeAdapter> venue(const std::string& name, const std::string& rest,
                                                       const std::string& stream) {
    auto a = exchange::makeAdapter(name, exchange::Endpoints{rest, stream});
    EXPECT_TRUE(a);
    return std::shared_ptr<const exchange::ExchangeAdapter>(std::move(*a));
}

}  // namespace

TEST(MarketSession, OneEngineAndGatePerVenueOneBudgetForTheProcess) {
    net::IoThread io;
    session::MarketSession market(io);
    const auto binanceA = venue("binance", "http://127.0.0.1:1", "ws://127.0.0.1:1");
    const auto binanceB = venue("binance", "http://127.0.0.1:1", "ws://127.0.0.1:1");  // another window's adapter
    const auto bybit = venue("bybit", "http://127.0.0.1:2", "ws://127.0.0.1:2");
    EXPECT_EQ(market.streams(binanceA), market.streams(binanceB)) << "two windows on one venue: one engine";
    EXPECT_NE(market.streams(binanceA), market.streams(bybit));
    EXPECT_EQ(market.streamSessions(), 2u);
    EXPECT_EQ(market.restGate(*binanceA), market.restGate(*binanceB));
    EXPECT_NE(market.restGate(*binanceA), market.restGate(*bybit));
    // A ban of the host holds every user of the gate.
    market.restGate(*binanceA)->ban(4'000'000'000'000);
    EXPECT_EQ(market.restGate(*binanceB)->bannedUntilMs(), 4'000'000'000'000);
    EXPECT_EQ(market.restGate(*bybit)->bannedUntilMs(), 0);
    // Feeds made from the session use its pieces.
    const session::FeedConfig config = market.feedConfig(binanceB);
    EXPECT_EQ(config.streamSession, market.streams(binanceA));
    EXPECT_EQ(config.rest, market.rest(binanceA)) << "one REST client per host";
    EXPECT_NE(market.rest(binanceA), market.rest(bybit));
    EXPECT_EQ(config.rest->gate(), market.restGate(*binanceA));
    EXPECT_EQ(config.connectionBudget, market.connectionBudget());
    EXPECT_EQ(market.connectionBudget()->maxAttempts(), net::ConnectionBudget::kVenueAttempts);
    // Another process (another session) shares nothing with this one.
    session::MarketSession other(io);
    EXPECT_NE(other.restGate(*binanceA), market.restGate(*binanceA));
    EXPECT_NE(other.connectionBudget(), market.connectionBudget());
    market.stop();
    other.stop();
}

TEST(MarketSession, SpotAndPerpetualOfOneVenueHaveEnginesOfTheirOwn) {
    // The same endpoints (a simulator, a proxy) must not make spot and perpetual streams share
    // subscriptions: btcusdt@kline_1m names a different instrument in each market.
    net::IoThread io;
    session::MarketSession market(io);
    auto spot = exchange::makeAdapter("binance", exchange::Endpoints{"http://127.0.0.1:1", "ws://127.0.0.1:1"});
    auto perp = exchange::makeAdapter("binance", exchange::Endpoints{"http://127.0.0.1:1", "ws://127.0.0.1:1"}, MarketType::Perp);
    ASSERT_TRUE(spot && perp);
    const std::shared_ptr<const exchange::ExchangeAdapter> s(std::move(*spot)), p(std::move(*perp));
    EXPECT_NE(market.streams(s), market.streams(p));
    EXPECT_EQ(market.streamSessions(), 2u);
    EXPECT_EQ(market.restGate(*s), market.restGate(*p)) << "one host, one weight budget";
    market.stop();
}
