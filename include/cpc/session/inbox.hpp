#pragma once
// The one hand-off from worker threads to the owner thread (the GUI thread in the app, a test's
// thread in tests): feed events from the network thread, storage results from the storage
// thread and worker results (indicator recomputes) are posted here as values, in one queue, so
// they are taken in the order they were posted. A post into an EMPTY inbox calls the wake
// function once (the app queues one drain on the GUI thread); the owner takes everything at once.
// A burst of any mix of posts costs one wake-up.
#include <functional>
#include <memory>
#include <mutex>
#include <variant>
#include <vector>

#include "cpc/feed/feed_events.hpp"
#include "cpc/feed/mailbox.hpp"

namespace cpc::session {

// A closure to run on the owner thread (a storage result, a finished worker job).
using Task = std::function<void()>;
// Runs a closure on the owner thread later; callable from any thread.
using Executor = std::function<void(Task)>;
// One item of the inbox, run or applied by the owner in posting order.
using Handoff = std::variant<feed::FeedEvent, Task>;

class Inbox final : public feed::FeedSink {
public:
    // Called on the posting thread when a post finds the inbox empty; the owner must then take
    // the inbox on its thread. Empty: the owner polls (tests).
    using Wake = std::function<void()>;

    explicit Inbox(Wake wake = {});
    // Later posts (a worker that outlives the owner, through executor()) are kept but wake
    // nobody; what is left in the inbox is dropped without running.
    ~Inbox() override;
    Inbox(const Inbox&) = delete;
    Inbox& operator=(const Inbox&) = delete;

    void post(feed::FeedEvent event) override;  // any thread
    void post(Task task);                       // any thread
    // Any thread: an executor that posts tasks into this inbox. It stays safe to call after the
    // inbox is gone (the task is then dropped), so a worker job may keep it.
    Executor executor() const;
    // Owner thread: everything posted since the last call, in posting order.
    std::vector<Handoff> takeAll();
    std::size_t size() const;

private:
    struct Shared {
        feed::Mailbox<Handoff> mailbox;
        std::mutex wakeMutex;  // guards wake against ~Inbox clearing it
        Wake wake;             // guarded by wakeMutex
        void post(Handoff item);
    };
    std::shared_ptr<Shared> m_shared;
};

}  // namespace cpc::session
