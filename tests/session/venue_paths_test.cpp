// A stream base without a path stands for the venue's production base: its path is added.
#include <gtest/gtest.h>

#include "cpc/session/venue_paths.hpp"

using namespace cpc;

TEST(VenuePaths, ABaseWithoutAPathGetsTheVenuesStreamPath) {
    EXPECT_EQ(session::venueStreamPath("binance"), "");
    EXPECT_EQ(session::venueStreamPath("bybit"), "/v5/public/spot");
    EXPECT_EQ(session::venueStreamPath("okx"), "/ws/v5");
    EXPECT_EQ(session::venueStreamPath("nope"), "");
    EXPECT_EQ(session::withVenueStreamPath("ws://127.0.0.1:9443", "bybit"), "ws://127.0.0.1:9443/v5/public/spot");
    EXPECT_EQ(session::withVenueStreamPath("ws://127.0.0.1:9443/", "okx"), "ws://127.0.0.1:9443/ws/v5");
    EXPECT_EQ(session::withVenueStreamPath("ws://127.0.0.1:9443//", "binance"), "ws://127.0.0.1:9443");
    // A path of its own is kept; what is not a URL is returned as given.
    EXPECT_EQ(session::withVenueStreamPath("ws://127.0.0.1:9443/custom", "bybit"), "ws://127.0.0.1:9443/custom");
    EXPECT_EQ(session::withVenueStreamPath("not a url", "bybit"), "not a url");
}
