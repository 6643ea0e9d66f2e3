#pragma once
// The one hand-off to the GUI thread (architecture §4): the network thread posts feed events, the
// storage thread the hub's storage answers and worker threads their results (indicator
// recomputes) into one session::Inbox; a post into an empty inbox wakes the GUI thread once;
// drain() takes everything there, in posting order.
#include <QObject>
#include <functional>
#include <vector>

#include "cpc/feed/feed_events.hpp"
#include "cpc/session/inbox.hpp"

namespace cpc::app {

class MarketBridge final : public QObject, public feed::FeedSink {
    Q_OBJECT
public:
    explicit MarketBridge(QObject* parent = nullptr);

    using Consumer = std::function<void(std::vector<session::Handoff>&&)>;
    // GUI thread: called once per wake-up with every item posted since the last one: feed events
    // to apply and closures to run, in posting order.
    void setConsumer(Consumer consumer) { m_consumer = std::move(consumer); }

    void post(feed::FeedEvent event) override;  // any thread
    void post(session::Task task);              // any thread
    // Any thread; stays safe to call after the bridge is gone (the closure is then dropped).
    session::Executor executor() const { return m_inbox.executor(); }
    void drain();                               // GUI thread
    std::uint64_t wakeUps() const { return m_wakeUps; }

private:
    session::Inbox m_inbox;
    Consumer m_consumer;
    std::uint64_t m_wakeUps = 0;  // GUI thread
};

}  // namespace cpc::app
