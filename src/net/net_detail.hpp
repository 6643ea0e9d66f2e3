#pragma once
// Private helpers shared by the clients (not installed, not part of the API).
#include <chrono>
#include <string>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>

#include "cpc/core/result.hpp"

namespace cpc::net::detail {

namespace asio = boost::asio;

// Completion token: co_await yields std::tuple<error_code, ...> instead of throwing.
inline constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

// Human text for an error code; OpenSSL errors carry the library's reason string
// ("certificate verify failed"), which is what a user needs to see.
std::string describe(const boost::system::error_code& ec);

// Resolve host:port, bounded by `timeout`.
asio::awaitable<Result<asio::ip::tcp::resolver::results_type>> resolve(const std::string& host,
                                                                      const std::string& port,
                                                                      std::chrono::milliseconds timeout);

std::string millisText(std::chrono::milliseconds ms);

}  // namespace cpc::net::detail
