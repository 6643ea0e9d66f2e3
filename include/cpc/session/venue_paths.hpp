#pragma once
// Where a venue's stream path goes on a base URL given without one: a simulator's or a test's
// `ws://127.0.0.1:PORT` stands for the venue's production stream base, whose path (Bybit
// /v5/public/spot, OKX /ws/v5, none on Binance and KuCoin) the composition root adds. Written once
// for the composition roots: `cpc stream --endpoint` and the app's demo simulators use it.
#include <string>

#include "cpc/core/candle.hpp"

namespace cpc::session {

// The path of `venue`'s production stream base URL without a trailing '/' ("" when it has none,
// or `venue` is not a registry name).
std::string venueStreamPath(const std::string& venue, MarketType market = MarketType::Spot);

// `base` (trailing '/' removed) with venueStreamPath(venue) appended when `base` has no path of
// its own; a base with a path, or one that is not a URL, is returned as given.
std::string withVenueStreamPath(std::string base, const std::string& venue, MarketType market = MarketType::Spot);

}  // namespace cpc::session
