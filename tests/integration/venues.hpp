#pragma once
// The venues the integration tests run against (the simulator speaks each one's dialect), with
// what a test must know about the simulator's dialect beyond the adapter interface.
#include <ostream>
#include <string>
#include <vector>

#include "cpc/core/candle.hpp"

namespace cpc::test {

struct Venue {
    std::string name;
    std::string streamPath;     // appended to the simulator's ws base for the adapter's endpoint
    Interval nonNative;         // an interval the venue lacks (built by the feed); M1 for Binance
    bool shutdownNotice;        // the dialect announces a server shutdown (Binance, OKX)
    bool bookIdsAreTicks;       // the book's update id names the simulator's tick (not Bybit's u)
    bool countsTrades;          // candles carry trade counts and taker volumes (Binance only)
    MarketType market = MarketType::Spot;  // Perp: the venue's perpetual futures (the simulator's too)
};

inline std::ostream& operator<<(std::ostream& os, const Venue& v) {
    return os << v.name << (v.market == MarketType::Perp ? "/perp" : "");
}

inline const std::vector<Venue>& venues() {
    static const std::vector<Venue> v{{"binance", "", Interval::M1, true, true, true},
                                      {"bybit", "/v5/public/spot", Interval::W1, false, false, false},
                                      {"okx", "/ws/v5", Interval::W1, true, true, false},
                                      {"kucoin", "", Interval::W1, false, true, false}};
    return v;
}

// The venues whose perpetual futures the simulator serves: Binance USD-M (streams routed by the
// adapter under the base), Bybit linear (/v5/public/linear), OKX swaps (/ws/v5, as on spot).
inline const std::vector<Venue>& perpVenues() {
    static const std::vector<Venue> v{{"binance", "", Interval::M1, true, true, true, MarketType::Perp},
                                      {"bybit", "/v5/public/linear", Interval::W1, false, false, false, MarketType::Perp},
                                      {"okx", "/ws/v5", Interval::W1, true, true, false, MarketType::Perp}};
    return v;
}

}  // namespace cpc::test
