#include "cpc/net/io_thread.hpp"

#include <exception>
#include <iostream>

namespace cpc::net {

IoThread::IoThread()
    : m_guard(boost::asio::make_work_guard(m_io)), m_thread([this] {
          // A handler that throws (a bug: coroutines report errors as Results) must not take the
          // network thread down silently; report it and keep serving.
          for (;;) {
              try {
                  m_io.run();
                  return;
              } catch (const std::exception& e) {
                  std::cerr << "cpc: unhandled exception on the network thread: " << e.what() << '\n';
              }
          }
      }) {}

IoThread::~IoThread() { stop(); }

bool IoThread::runningInThisThread() const {
    // get_executor() is not const in Asio but only reads the context pointer.
    return const_cast<boost::asio::io_context&>(m_io).get_executor().running_in_this_thread();
}

void IoThread::stop() {
    m_guard.reset();
    m_io.stop();
    if (m_thread.joinable() && m_thread.get_id() != std::this_thread::get_id()) m_thread.join();
}

}  // namespace cpc::net
