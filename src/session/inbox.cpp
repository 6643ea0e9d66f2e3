#include "cpc/session/inbox.hpp"

namespace cpc::session {

void Inbox::Shared::post(Handoff item) {
    if (!mailbox.post(std::move(item))) return;  // not empty: a wake-up is already on its way
    const std::lock_guard lock(wakeMutex);
    if (wake) wake();
}

Inbox::Inbox(Wake wake) : m_shared(std::make_shared<Shared>()) { m_shared->wake = std::move(wake); }

Inbox::~Inbox() {
    {
        const std::lock_guard lock(m_shared->wakeMutex);
        m_shared->wake = nullptr;
    }
    // What is left is dropped now, not when the last executor goes: a task waiting here may hold
    // that executor (a port that posts into this inbox), and the two would keep each other alive.
    std::vector<Handoff> dropped = m_shared->mailbox.takeAll();
}

void Inbox::post(feed::FeedEvent event) { m_shared->post(Handoff(std::in_place_index<0>, std::move(event))); }

void Inbox::post(Task task) { m_shared->post(Handoff(std::in_place_index<1>, std::move(task))); }

Executor Inbox::executor() const {
    return [shared = m_shared](Task task) { shared->post(Handoff(std::in_place_index<1>, std::move(task))); };
}

std::vector<Handoff> Inbox::takeAll() { return m_shared->mailbox.takeAll(); }

std::size_t Inbox::size() const { return m_shared->mailbox.size(); }

}  // namespace cpc::session
