#include "cpc/app/market_bridge.hpp"

#include <QMetaObject>

namespace cpc::app {

void MarketBridge::post(feed::FeedEvent event) {
    if (m_mailbox.post(std::move(event))) {
        // First event since the last drain: wake the GUI thread once.
        QMetaObject::invokeMethod(this, &MarketBridge::drain, Qt::QueuedConnection);
    }
}

void MarketBridge::drain() {
    auto events = m_mailbox.takeAll();
    if (events.empty()) return;
    ++m_wakeUps;
    if (m_consumer) m_consumer(std::move(events));
}

}  // namespace cpc::app
