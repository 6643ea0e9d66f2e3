#include "cpc/app/market_bridge.hpp"

#include <QMetaObject>

namespace cpc::app {

MarketBridge::MarketBridge(QObject* parent)
    : QObject(parent),
      // First post since the last drain: wake the GUI thread once (a queued call; the inbox
      // stops calling it before the bridge is destroyed).
      m_inbox([this] { QMetaObject::invokeMethod(this, &MarketBridge::drain, Qt::QueuedConnection); }) {}

void MarketBridge::post(feed::FeedEvent event) { m_inbox.post(std::move(event)); }

void MarketBridge::post(session::Task task) { m_inbox.post(std::move(task)); }

void MarketBridge::drain() {
    auto items = m_inbox.takeAll();
    if (items.empty()) return;
    ++m_wakeUps;
    if (m_consumer) m_consumer(std::move(items));
}

}  // namespace cpc::app
