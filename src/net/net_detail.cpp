#include "net_detail.hpp"

#include <openssl/err.h>

namespace cpc::net::detail {

std::string describe(const boost::system::error_code& ec) {
    if (ec.category() == asio::error::get_ssl_category()) {
        const char* reason = ERR_reason_error_string(static_cast<unsigned long>(ec.value()));
        if (reason) return reason;
    }
    if (ec == asio::ssl::error::stream_truncated) return "TLS stream truncated (peer closed without close_notify)";
    return ec.message();
}

std::string millisText(std::chrono::milliseconds ms) { return std::to_string(ms.count()) + " ms"; }

asio::awaitable<Result<asio::ip::tcp::resolver::results_type>> resolve(const std::string& host,
                                                                      const std::string& port,
                                                                      std::chrono::milliseconds timeout) {
    using namespace asio::experimental::awaitable_operators;
    const auto ex = co_await asio::this_coro::executor;
    asio::ip::tcp::resolver resolver(ex);
    asio::steady_timer timer(ex, timeout);
    auto outcome = co_await (resolver.async_resolve(host, port, kNoThrow) || timer.async_wait(kNoThrow));
    if (outcome.index() == 1)
        co_return makeError("resolving '" + host + "' timed out after " + millisText(timeout));
    auto [ec, results] = std::get<0>(std::move(outcome));
    if (ec) co_return makeError("cannot resolve '" + host + "': " + describe(ec));
    if (results.empty()) co_return makeError("cannot resolve '" + host + "': no addresses");
    co_return results;
}

}  // namespace cpc::net::detail
