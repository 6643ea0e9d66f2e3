#pragma once
// A feed's state as the status bar and the realtime window show it, in the interface language
// (feed::toString is the Qt-free, untranslated name: "live", "reconnecting"…).
#include <QString>

#include "cpc/feed/feed_events.hpp"

namespace cpc::app {

QString feedStateText(feed::FeedState state);

}  // namespace cpc::app
