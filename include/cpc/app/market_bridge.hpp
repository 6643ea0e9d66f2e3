#pragma once
// The thread bridge (architecture §4): the network thread posts feed events into a mailbox; a
// post into an empty mailbox wakes the GUI thread once; drain() takes the whole batch there.
#include <QObject>
#include <functional>
#include <vector>

#include "cpc/feed/feed_events.hpp"
#include "cpc/feed/mailbox.hpp"

namespace cpc::app {

class MarketBridge final : public QObject, public feed::FeedSink {
    Q_OBJECT
public:
    explicit MarketBridge(QObject* parent = nullptr) : QObject(parent) {}

    using Consumer = std::function<void(std::vector<feed::FeedEvent>&&)>;
    // GUI thread: called once per wake-up with every event posted since the last one.
    void setConsumer(Consumer consumer) { m_consumer = std::move(consumer); }

    void post(feed::FeedEvent event) override;  // any thread
    void drain();                               // GUI thread
    std::uint64_t wakeUps() const { return m_wakeUps; }

private:
    feed::Mailbox<feed::FeedEvent> m_mailbox;
    Consumer m_consumer;
    std::uint64_t m_wakeUps = 0;  // GUI thread
};

}  // namespace cpc::app
