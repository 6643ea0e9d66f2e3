#include "cpc/feed/feed_events.hpp"

namespace cpc::feed {

std::string_view toString(FeedState state) {
    switch (state) {
        case FeedState::Idle: return "idle";
        case FeedState::Connecting: return "connecting";
        case FeedState::Live: return "live";
        case FeedState::Stale: return "stale";
        case FeedState::Reconnecting: return "reconnecting";
        case FeedState::Failed: return "failed";
    }
    return "unknown";
}

}  // namespace cpc::feed
