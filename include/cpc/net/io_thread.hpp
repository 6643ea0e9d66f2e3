#pragma once
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace cpc::net {

// The network thread: one io_context run by one std::jthread. Everything that touches a socket
// runs here, so no strand is needed (single-threaded io_context).
class IoThread {
public:
    IoThread();
    ~IoThread();  // stops and joins; never destroy it from one of its own handlers
    IoThread(const IoThread&) = delete;
    IoThread& operator=(const IoThread&) = delete;

    boost::asio::io_context& context() { return m_io; }
    boost::asio::io_context::executor_type executor() { return m_io.get_executor(); }
    bool runningInThisThread() const;
    void stop();  // idempotent

private:
    boost::asio::io_context m_io{1};
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> m_guard;
    std::jthread m_thread;
};

}  // namespace cpc::net
