#include "cpc/net/http_client.hpp"

#include <algorithm>
#include <vector>

#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "cpc/core/ascii.hpp"
#include "cpc/net/tls.hpp"
#include "net_detail.hpp"

namespace cpc::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using detail::kNoThrow;

std::string HttpResponse::header(const std::string& lowerName) const {
    const auto it = headers.find(lowerName);
    return it == headers.end() ? std::string() : it->second;
}

namespace {

constexpr std::size_t kMaxIdlePerHost = 4;
// The most an answer's headers and body may hold: venue answers are far smaller (a 1,000-row kline
// page is ~150 kB); more is a broken or hostile server, refused with a message saying so.
constexpr std::uint32_t kHeaderLimit = 8 * 1024;
constexpr const char* kUserAgent = "CanvasProChart/0.1";

// One kept-alive connection: plain TCP (loopback only) or TLS over TCP.
struct Connection {
    std::unique_ptr<beast::tcp_stream> plain;
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
    beast::flat_buffer buffer;

    beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
};

template <class Stream, class Body>
asio::awaitable<boost::system::error_code> roundTrip(Stream& stream, beast::tcp_stream& lowest,
                                                     beast::flat_buffer& buffer,
                                                     http::request<Body>& request,
                                                     http::response_parser<http::string_body>& parser,
                                                     std::chrono::milliseconds timeout) {
    lowest.expires_after(timeout);
    auto [wec, written] = co_await http::async_write(stream, request, kNoThrow);
    if (wec) co_return wec;
    lowest.expires_after(timeout);
    auto [rec, read] = co_await http::async_read(stream, buffer, parser, kNoThrow);
    lowest.expires_never();
    co_return rec;
}

// The server closed a kept-alive connection before answering (idle timeout, restart): a fresh
// connection may well succeed, and a GET is safe to repeat.
bool isStaleConnectionError(const boost::system::error_code& ec) {
    return ec == http::error::end_of_stream || ec == asio::error::eof ||
           ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
           ec == asio::error::connection_aborted || ec == asio::ssl::error::stream_truncated ||
           ec == http::error::partial_message || ec == asio::error::not_connected;
}

// "64 MiB", "8 KiB", "1000 bytes".
std::string bytesText(std::uint64_t n) {
    if (n >= (1u << 20) && n % (1u << 20) == 0) return std::to_string(n >> 20) + " MiB";
    if (n >= 1024 && n % 1024 == 0) return std::to_string(n >> 10) + " KiB";
    return std::to_string(n) + " bytes";
}

}  // namespace

struct HttpClient::Impl {
    asio::io_context& io;
    std::shared_ptr<asio::ssl::context> tls;
    std::chrono::milliseconds timeout;
    std::map<std::string, std::vector<std::unique_ptr<Connection>>> idle;  // by scheme://host:port
    std::uint64_t opened = 0;
    std::uint64_t bodyLimit = HttpClient::kDefaultBodyLimit;

    // One request on a kept-alive (or new) connection. A request on a reused connection that the
    // server had already closed (it was never read) is sent once more on a fresh one.
    template <class Body>
    asio::awaitable<Result<HttpResponse>> send(const Url& base, const std::string& target, http::request<Body>& request,
                                               const char* method);

    asio::awaitable<Result<std::unique_ptr<Connection>>> open(const Url& url) {
        auto endpoints = co_await detail::resolve(url.host, url.port, timeout);
        if (!endpoints) co_return endpoints.error();
        auto conn = std::make_unique<Connection>();
        if (url.secure()) {
            conn->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(io, *tls);
        } else {
            conn->plain = std::make_unique<beast::tcp_stream>(io);
        }
        conn->lowest().expires_after(timeout);
        auto [cec, ep] = co_await conn->lowest().async_connect(*endpoints, kNoThrow);
        if (cec == beast::error::timeout)
            co_return makeError("connecting to " + url.hostHeader() + " timed out after " +
                                detail::millisText(timeout));
        if (cec) co_return makeError("cannot connect to " + url.hostHeader() + ": " + detail::describe(cec));
        if (conn->tls) {
            if (auto setup = setupTlsClientStream(*conn->tls, url.host); !setup) co_return setup.error();
            conn->lowest().expires_after(timeout);
            auto [hec] = co_await conn->tls->async_handshake(asio::ssl::stream_base::client, kNoThrow);
            if (hec == beast::error::timeout)
                co_return makeError("TLS handshake with " + url.hostHeader() + " timed out after " +
                                    detail::millisText(timeout));
            if (hec) {
                const std::string problem = certificateProblem(conn->tls->native_handle(), url.host);
                if (!problem.empty())
                    co_return makeError("TLS handshake with " + url.hostHeader() +
                                            " failed: certificate verify failed: " + problem,
                                        kCertificateRejected);
                co_return makeError("TLS handshake with " + url.hostHeader() + " failed: " +
                                    detail::describe(hec));
            }
        }
        conn->lowest().expires_never();
        ++opened;
        co_return conn;
    }
};

HttpClient::HttpClient(asio::io_context& io, std::shared_ptr<asio::ssl::context> tls,
                       std::chrono::milliseconds timeout)
    : m_impl(std::make_unique<Impl>(Impl{io, std::move(tls), timeout, {}, 0})) {}

HttpClient::~HttpClient() = default;

void HttpClient::close() { m_impl->idle.clear(); }

std::uint64_t HttpClient::connectionsOpened() const { return m_impl->opened; }

void HttpClient::setBodyLimit(std::uint64_t bytes) { m_impl->bodyLimit = bytes; }

asio::awaitable<Result<HttpResponse>> HttpClient::get(const Url& base, std::string target) {
    if (target.empty() || target.front() != '/') target.insert(target.begin(), '/');
    http::request<http::empty_body> request{http::verb::get, target, 11};
    auto result = co_await m_impl->send(base, target, request, "GET");
    co_return result;
}

asio::awaitable<Result<HttpResponse>> HttpClient::post(const Url& base, std::string target, std::string body,
                                                       std::string contentType) {
    if (target.empty() || target.front() != '/') target.insert(target.begin(), '/');
    http::request<http::string_body> request{http::verb::post, target, 11};
    request.set(http::field::content_type, contentType);
    request.body() = std::move(body);
    request.prepare_payload();
    auto result = co_await m_impl->send(base, target, request, "POST");
    co_return result;
}

template <class Body>
asio::awaitable<Result<HttpResponse>> HttpClient::Impl::send(const Url& base, const std::string& target,
                                                             http::request<Body>& request, const char* method) {
    Impl& impl = *this;
    if (!base.secure() && !isLoopbackHost(base.host))
        co_return makeError("plain " + base.scheme + ":// is only allowed to loopback hosts; use https:// for '" +
                            base.host + "'");
    if (base.secure() && !impl.tls) co_return makeError("https:// needs a TLS context (none was given)");

    const std::string key = base.scheme + "://" + base.host + ":" + base.port;
    request.set(http::field::host, base.hostHeader());
    request.set(http::field::user_agent, kUserAgent);
    request.set(http::field::accept, "application/json");
    request.keep_alive(true);

    for (int attempt = 0; attempt < 2; ++attempt) {
        std::unique_ptr<Connection> conn;
        bool reused = false;
        if (auto it = impl.idle.find(key); it != impl.idle.end() && !it->second.empty()) {
            conn = std::move(it->second.back());
            it->second.pop_back();
            reused = true;
        } else {
            auto fresh = co_await impl.open(base);
            if (!fresh) co_return fresh.error();
            conn = std::move(*fresh);
        }

        http::response_parser<http::string_body> parser;
        parser.header_limit(kHeaderLimit);
        parser.body_limit(impl.bodyLimit);
        const auto ec = conn->tls ? co_await roundTrip(*conn->tls, conn->lowest(), conn->buffer, request,
                                                       parser, impl.timeout)
                                  : co_await roundTrip(*conn->plain, conn->lowest(), conn->buffer, request,
                                                       parser, impl.timeout);
        if (ec) {
            if (reused && isStaleConnectionError(ec)) {
                impl.idle.erase(key);  // its siblings are as old: start over on a fresh connection
                continue;
            }
            if (ec == beast::error::timeout)
                co_return makeError(std::string(method) + " " + base.hostHeader() + target + " timed out after " +
                                    detail::millisText(impl.timeout));
            // The connection is dropped with `conn`: nothing more of such an answer is read.
            if (ec == http::error::header_limit)
                co_return makeError(std::string(method) + " " + base.hostHeader() + target +
                                    " failed: the answer's headers are larger than " + bytesText(kHeaderLimit) +
                                    " (a broken or hostile server)");
            if (ec == http::error::body_limit)
                co_return makeError(std::string(method) + " " + base.hostHeader() + target +
                                    " failed: the answer's body is larger than the " + bytesText(impl.bodyLimit) +
                                    " limit (a broken or hostile server)");
            co_return makeError(std::string(method) + " " + base.hostHeader() + target + " failed: " +
                                detail::describe(ec));
        }

        auto response = parser.release();
        HttpResponse out;
        out.status = static_cast<int>(response.result_int());
        for (const auto& field : response) out.headers[toLowerAscii(field.name_string())] = std::string(field.value());
        out.body = std::move(response.body());
        if (response.keep_alive()) {
            auto& pool = impl.idle[key];
            if (pool.size() < kMaxIdlePerHost) pool.push_back(std::move(conn));
        }
        co_return out;
    }
    co_return makeError(std::string(method) + " " + base.hostHeader() + target +
                        " failed: the server closed the connection twice before answering");
}

}  // namespace cpc::net
