#pragma once
// The venue's REST limits (ExchangeAdapter::restRateLimit()) as a gate's. A process shares one gate
// per REST host through its session::MarketSession; a feed, session or command given none makes
// its own with venueRestGate().
#include <algorithm>
#include <memory>

#include "cpc/exchange/exchange_adapter.hpp"
#include "cpc/net/rest_gate.hpp"

namespace cpc::session {

inline net::RestLimits restLimitsOf(const exchange::ExchangeAdapter& adapter, int weightOverride, double safetyShare) {
    const exchange::RestRateLimit venue = adapter.restRateLimit();
    net::RestLimits limits;
    limits.weightPerWindow = weightOverride > 0 ? weightOverride : venue.weight;
    limits.window = venue.window;
    // A venue that reports its used weight counts per window of its clock (Binance's minutes);
    // the others are paced by a sliding window of our own requests.
    limits.calendarWindow = !venue.usedWeightHeader.empty();
    limits.safetyShare = safetyShare;
    limits.banStatus = venue.banStatus;
    limits.ban = venue.ban;
    limits.usedWeightHeader = venue.usedWeightHeader;
    limits.waitHeader = venue.waitHeader;
    for (const auto& e : venue.endpoints)
        limits.endpoints.push_back(net::EndpointWindow{e.path, weightOverride > 0 ? std::min(weightOverride, e.weight) : e.weight, e.window});
    switch (venue.waitKind) {
        case exchange::RestRateLimit::Wait::Seconds: limits.waitKind = net::WaitHeader::RetryAfterSeconds; break;
        case exchange::RestRateLimit::Wait::MillisecondsLeft: limits.waitKind = net::WaitHeader::MillisecondsLeft; break;
        case exchange::RestRateLimit::Wait::ResetAtMs: limits.waitKind = net::WaitHeader::ResetAtVenueMs; break;
    }
    return limits;
}

inline std::shared_ptr<net::RestGate> venueRestGate(const exchange::ExchangeAdapter& adapter, int weightOverride,
                                                    double safetyShare) {
    return std::make_shared<net::RestGate>(restLimitsOf(adapter, weightOverride, safetyShare));
}

}  // namespace cpc::session
