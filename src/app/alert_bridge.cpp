#include "cpc/app/alert_bridge.hpp"

#include "cpc/app/core_text.hpp"

#include <QMetaObject>

namespace cpc::app {

AlertBridge::AlertBridge(QObject* parent)
    : QObject(parent),
      // The inbox stops calling this before the bridge is destroyed.
      m_inbox([this] { QMetaObject::invokeMethod(this, &AlertBridge::drain, Qt::QueuedConnection); }) {}

void AlertBridge::onTrigger(const alerts::Trigger& trigger) {
    m_inbox.post(session::Task([this, trigger] { emit triggered(trigger); }));
}

void AlertBridge::onStatus(const alerts::SeriesStatus& status) {
    m_inbox.post(session::Task([this, status] { emit statusChanged(status); }));
}

void AlertBridge::onProblem(const std::string& message) {
    m_inbox.post(session::Task([this, text = coreText(message)] { emit problem(text); }));
}

void AlertBridge::drain() {
    auto items = m_inbox.takeAll();
    if (items.empty()) return;
    ++m_wakeUps;
    for (auto& item : items)
        if (auto* task = std::get_if<session::Task>(&item)) (*task)();
}

}  // namespace cpc::app
