#pragma once
// The one mechanism by which data crosses from the network (or storage) thread to the GUI
// thread: producers post values; a post into an EMPTY box tells the producer to wake the
// consumer once; the consumer takes the whole batch. Bursts of 10,000 events cost one wake-up.
#include <mutex>
#include <utility>
#include <vector>

namespace cpc::feed {

template <class T>
class Mailbox {
public:
    // Any thread. Returns true when the box was empty: the caller must wake the consumer.
    bool post(T item) {
        std::lock_guard lock(m_mutex);
        m_items.push_back(std::move(item));
        return m_items.size() == 1;
    }
    // Consumer thread.
    std::vector<T> takeAll() {
        std::lock_guard lock(m_mutex);
        return std::exchange(m_items, {});
    }
    std::size_t size() const {
        std::lock_guard lock(m_mutex);
        return m_items.size();
    }

private:
    mutable std::mutex m_mutex;
    std::vector<T> m_items;  // guarded by m_mutex
};

}  // namespace cpc::feed
