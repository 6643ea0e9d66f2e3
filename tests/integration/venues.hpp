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
};

inline std::ostream& operator<<(std::ostream& os, const Venue& v) { return os << v.name; }

inline const std::vector<Venue>& venues() {
    static const std::vector<Venue> v{{"binance", "", Interval::M1, true, true, true},
                                      {"bybit", "/v5/public/spot", Interval::W1, false, false, false},
                                      {"okx", "/ws/v5", Interval::W1, true, true, false},
                                      {"kucoin", "", Interval::W1, false, true, false}};
    return v;
}

}  // namespace cpc::test
