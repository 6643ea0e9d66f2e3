#pragma once
#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include "cpc/core/result.hpp"
#include "cpc/net/url.hpp"

namespace cpc::net {

// WebSocket client (RFC 6455) over verified TLS (wss) or plain TCP to loopback (ws).
// Beast answers the server's pings with pongs automatically while a read is pending.
// One connection per object; create a new one to reconnect. Network thread only.
class WsClient {
public:
    WsClient(boost::asio::io_context& io, std::shared_ptr<boost::asio::ssl::context> tls);
    ~WsClient();

    // Resolve, connect, TLS handshake (SNI, host-name check), WebSocket upgrade.
    boost::asio::awaitable<Result<Ok>> connect(const Url& url,
                                               std::chrono::milliseconds timeout = std::chrono::seconds(15));
    // Next text (or binary) message. An Error when the connection ends (close frame, reset,
    // cancel()); Error::code 1 marks a normal close by us.
    boost::asio::awaitable<Result<std::string>> read();
    boost::asio::awaitable<Result<Ok>> send(std::string text);
    // Graceful close handshake (bounded by a short timeout).
    boost::asio::awaitable<void> close();
    // Abort now: closes the socket so a pending read() completes with an error. Used by the
    // feed's watchdog. Safe to call when not connected.
    void cancel();
    bool isOpen() const;
    // Number of pings received from the server and pongs we sent (feed health).
    std::uint64_t pingsReceived() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace cpc::net
