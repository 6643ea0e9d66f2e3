#include "cpc/session/venue_paths.hpp"

#include "cpc/exchange/registry.hpp"
#include "cpc/net/url.hpp"

namespace cpc::session {

std::string venueStreamPath(const std::string& venue, MarketType market) {
    const auto defaults = exchange::defaultEndpoints(venue, market);
    if (!defaults) return {};
    const auto production = net::Url::parse(defaults->streamBase);
    if (!production) return {};
    std::string path = production->target;
    while (path.ends_with('/')) path.pop_back();
    return path;
}

std::string withVenueStreamPath(std::string base, const std::string& venue, MarketType market) {
    while (base.ends_with('/')) base.pop_back();
    const auto url = net::Url::parse(base);
    if (!url || (!url->target.empty() && url->target != "/")) return base;
    return base + venueStreamPath(venue, market);
}

}  // namespace cpc::session
