#include "cpc/net/ws_client.hpp"

#include <atomic>
#include <deque>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "cpc/net/tls.hpp"
#include "net_detail.hpp"

namespace cpc::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using detail::kNoThrow;

namespace {
constexpr std::size_t kReadMessageMax = 1024u * 1024;  // Binance frames are a few kB; more is a fault
constexpr auto kCloseTimeout = std::chrono::seconds(2);
constexpr const char* kUserAgent = "CanvasProChart/0.1";

using PlainWs = websocket::stream<beast::tcp_stream>;
using TlsWs = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

websocket::stream_base::timeout wsTimeouts(std::chrono::steady_clock::duration handshake) {
    // No Beast idle timeout and no Beast keep-alive pings: the server pings us (we answer while
    // a read is pending) and the feed's watchdog judges silence, which Beast's idle timer
    // cannot do correctly for pings (boostorg/beast#2716).
    websocket::stream_base::timeout t{};
    t.handshake_timeout = handshake;
    t.idle_timeout = websocket::stream_base::none();
    t.keep_alive_pings = false;
    return t;
}
}  // namespace

struct WsClient::Impl {
    asio::io_context& io;
    std::shared_ptr<asio::ssl::context> tls;
    std::unique_ptr<PlainWs> plain;
    std::unique_ptr<TlsWs> secure;
    beast::flat_buffer buffer;
    std::atomic<std::uint64_t> pings{0};
    std::atomic<bool> open{false};
    bool closedByUs = false;
    std::string peer;  // "host:port" for messages
    // Beast allows one write at a time: send() calls queue behind the one in flight.
    bool writing = false;
    struct WriteWaiter {
        explicit WriteWaiter(asio::io_context& ctx) : timer(ctx, asio::steady_timer::time_point::max()) {}
        asio::steady_timer timer;
        bool granted = false;  // the writer ahead handed the stream over
    };
    std::deque<std::shared_ptr<WriteWaiter>> writeWaiters;  // oldest first

    Impl(asio::io_context& ctx, std::shared_ptr<asio::ssl::context> t) : io(ctx), tls(std::move(t)) {}

    bool hasStream() const { return plain || secure; }
    beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : beast::get_lowest_layer(*plain); }

    template <class F>
    auto withStream(F&& f) {
        return secure ? f(*secure) : f(*plain);
    }

    template <class Ws>
    asio::awaitable<Result<Ok>> upgrade(Ws& ws, const Url& url, std::chrono::steady_clock::duration left) {
        ws.set_option(wsTimeouts(left));
        ws.set_option(websocket::stream_base::decorator(
            [](websocket::request_type& req) { req.set(beast::http::field::user_agent, kUserAgent); }));
        ws.read_message_max(kReadMessageMax);
        ws.control_callback([this](websocket::frame_type kind, beast::string_view) {
            if (kind == websocket::frame_type::ping) ++pings;  // Beast sends the pong itself
        });
        websocket::response_type response;
        auto [ec] = co_await ws.async_handshake(response, url.hostHeader(), url.target, kNoThrow);
        if (ec == websocket::error::upgrade_declined) {
            std::string body = response.body().substr(0, 300);
            co_return makeError("WebSocket upgrade to " + url.toString() + " declined: HTTP " +
                                    std::to_string(response.result_int()) + (body.empty() ? "" : " " + body),
                                static_cast<int>(response.result_int()));
        }
        if (ec == beast::error::timeout)
            co_return makeError("WebSocket handshake with " + peer + " timed out");
        if (ec) co_return makeError("WebSocket handshake with " + peer + " failed: " + detail::describe(ec));
        co_return Ok{};
    }
};

WsClient::WsClient(asio::io_context& io, std::shared_ptr<asio::ssl::context> tls)
    : m_impl(std::make_unique<Impl>(io, std::move(tls))) {}

WsClient::~WsClient() = default;

asio::awaitable<Result<Ok>> WsClient::connect(const Url& url, std::chrono::milliseconds timeout) {
    Impl& impl = *m_impl;
    if (impl.hasStream()) co_return makeError("WsClient is already connected; create a new one to reconnect");
    if (!url.websocket()) co_return makeError("not a WebSocket URL: " + url.toString() + " (expected ws:// or wss://)");
    if (!url.secure() && !isLoopbackHost(url.host))
        co_return makeError("plain ws:// is only allowed to loopback hosts; use wss:// for '" + url.host + "'");
    if (url.secure() && !impl.tls) co_return makeError("wss:// needs a TLS context (none was given)");
    impl.peer = url.hostHeader();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const auto left = [&] { return std::max<std::chrono::steady_clock::duration>(deadline - std::chrono::steady_clock::now(), std::chrono::milliseconds(1)); };

    auto endpoints = co_await detail::resolve(url.host, url.port, timeout);
    if (!endpoints) co_return endpoints.error();
    if (url.secure()) {
        impl.secure = std::make_unique<TlsWs>(impl.io, *impl.tls);
    } else {
        impl.plain = std::make_unique<PlainWs>(impl.io);
    }
    impl.lowest().expires_after(left());
    auto [cec, ep] = co_await impl.lowest().async_connect(*endpoints, kNoThrow);
    if (cec == beast::error::timeout)
        co_return makeError("connecting to " + impl.peer + " timed out after " + detail::millisText(timeout));
    if (cec) co_return makeError("cannot connect to " + impl.peer + ": " + detail::describe(cec));
    if (impl.secure) {
        if (auto setup = setupTlsClientStream(impl.secure->next_layer(), url.host); !setup) co_return setup.error();
        impl.lowest().expires_after(left());
        auto [hec] = co_await impl.secure->next_layer().async_handshake(asio::ssl::stream_base::client, kNoThrow);
        if (hec == beast::error::timeout)
            co_return makeError("TLS handshake with " + impl.peer + " timed out after " + detail::millisText(timeout));
        if (hec) {
            const std::string problem = certificateProblem(impl.secure->next_layer().native_handle(), url.host);
            if (!problem.empty())
                co_return makeError("TLS handshake with " + impl.peer + " failed: certificate verify failed: " + problem,
                                    kCertificateRejected);
            co_return makeError("TLS handshake with " + impl.peer + " failed: " + detail::describe(hec));
        }
    }
    impl.lowest().expires_never();  // the websocket layer has its own timeouts
    auto upgraded = co_await impl.withStream([&](auto& ws) { return impl.upgrade(ws, url, left()); });
    if (!upgraded) {
        boost::system::error_code ignored;
        impl.lowest().socket().close(ignored);
        co_return upgraded.error();
    }
    impl.open = true;
    co_return Ok{};
}

asio::awaitable<Result<std::string>> WsClient::read() {
    Impl& impl = *m_impl;
    if (!impl.hasStream()) co_return makeError("WebSocket is not connected");
    auto [ec, bytes] = co_await impl.withStream([&](auto& ws) { return ws.async_read(impl.buffer, kNoThrow); });
    if (ec) {
        impl.open = false;
        if (impl.closedByUs) co_return makeError("WebSocket to " + impl.peer + " closed by us", 1);
        if (ec == websocket::error::closed) {
            const auto reason = impl.withStream([](auto& ws) { return ws.reason(); });
            co_return makeError("WebSocket closed by " + impl.peer + " (code " + std::to_string(reason.code) +
                                (reason.reason.empty() ? "" : ", " + std::string(reason.reason.c_str())) + ")");
        }
        if (ec == websocket::error::message_too_big)
            co_return makeError("WebSocket message from " + impl.peer + " is larger than the " +
                                std::to_string(kReadMessageMax >> 20) + " MiB limit (a broken or hostile server)");
        co_return makeError("WebSocket read from " + impl.peer + " failed: " + detail::describe(ec));
    }
    std::string text = beast::buffers_to_string(impl.buffer.data());
    impl.buffer.consume(impl.buffer.size());
    co_return text;
}

asio::awaitable<Result<Ok>> WsClient::send(std::string text) {
    Impl& impl = *m_impl;
    if (!impl.hasStream() || !impl.open) co_return makeError("WebSocket is not open");
    // Messages leave in the order send() was called (a SUBSCRIBE before its UNSUBSCRIBE): a writer
    // hands the stream straight to the oldest waiter (`writing` stays set), so a send called
    // meanwhile queues behind it instead of slipping in before the waiter resumes.
    if (impl.writing) {
        auto waiter = std::make_shared<Impl::WriteWaiter>(impl.io);
        impl.writeWaiters.push_back(waiter);
        while (!waiter->granted) co_await waiter->timer.async_wait(kNoThrow);
    }
    impl.writing = true;
    auto [ec, bytes] = co_await impl.withStream([&](auto& ws) {
        ws.text(true);
        return ws.async_write(asio::buffer(text), kNoThrow);
    });
    if (!impl.writeWaiters.empty()) {
        auto next = std::move(impl.writeWaiters.front());
        impl.writeWaiters.pop_front();
        next->granted = true;
        next->timer.cancel();
    } else {
        impl.writing = false;
    }
    if (ec) co_return makeError("WebSocket send to " + impl.peer + " failed: " + detail::describe(ec));
    co_return Ok{};
}

asio::awaitable<void> WsClient::close() {
    Impl& impl = *m_impl;
    impl.closedByUs = true;
    if (!impl.hasStream() || !impl.open) co_return;
    impl.open = false;
    co_await impl.withStream([](auto& ws) -> asio::awaitable<void> {
        ws.set_option(wsTimeouts(kCloseTimeout));
        co_await ws.async_close(websocket::close_code::normal, kNoThrow);
    });
    boost::system::error_code ignored;
    impl.lowest().socket().close(ignored);
}

void WsClient::cancel() {
    Impl& impl = *m_impl;
    impl.closedByUs = true;
    impl.open = false;
    if (!impl.hasStream()) return;
    boost::system::error_code ignored;
    impl.lowest().socket().close(ignored);
}

bool WsClient::isOpen() const { return m_impl->open; }

std::uint64_t WsClient::pingsReceived() const { return m_impl->pings; }

}  // namespace cpc::net
