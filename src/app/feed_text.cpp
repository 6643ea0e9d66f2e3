#include "cpc/app/feed_text.hpp"

#include <QCoreApplication>

namespace cpc::app {

QString feedStateText(feed::FeedState state) {
    switch (state) {
    case feed::FeedState::Idle: return QCoreApplication::translate("FeedState", "idle");
    case feed::FeedState::Connecting: return QCoreApplication::translate("FeedState", "connecting");
    case feed::FeedState::Live: return QCoreApplication::translate("FeedState", "live");
    case feed::FeedState::Stale: return QCoreApplication::translate("FeedState", "stale");
    case feed::FeedState::Reconnecting: return QCoreApplication::translate("FeedState", "reconnecting");
    case feed::FeedState::Failed: return QCoreApplication::translate("FeedState", "failed");
    }
    const std::string_view name = feed::toString(state);
    return QString::fromUtf8(name.data(), static_cast<qsizetype>(name.size()));
}

}  // namespace cpc::app
