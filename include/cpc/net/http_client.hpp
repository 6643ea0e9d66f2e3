#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include "cpc/core/result.hpp"
#include "cpc/net/url.hpp"

namespace cpc::net {

struct HttpResponse {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string header(const std::string& lowerName) const;
};

// HTTP/1.1 GET (and POST) over TLS (https, verified: SNI + host name) or plain http to loopback.
// Keeps one connection alive per host and reuses it; reconnects transparently when the server
// closed it. Runs on the network thread (coroutines on the IoThread's io_context).
class HttpClient {
public:
    // An answer's body larger than this is refused (a broken or hostile server): the largest
    // answer we ask for (a venue's exchange info) is a few MiB.
    static constexpr std::uint64_t kDefaultBodyLimit = 64ull * 1024 * 1024;

    HttpClient(boost::asio::io_context& io, std::shared_ptr<boost::asio::ssl::context> tls,
               std::chrono::milliseconds timeout = std::chrono::seconds(15));
    ~HttpClient();

    // GET base.target-relative path ("/api/v3/klines?..."), base gives scheme/host/port.
    // Errors: DNS, connect, TLS verification, timeout, malformed response -> Error with message.
    // A non-2xx status is not an Error: the caller reads status and body.
    boost::asio::awaitable<Result<HttpResponse>> get(const Url& base, std::string target);
    // POST with a body (KuCoin's bullet-public token request), same connection handling and
    // errors as get().
    boost::asio::awaitable<Result<HttpResponse>> post(const Url& base, std::string target, std::string body,
                                                      std::string contentType = "application/json");
    void close();  // drop the kept-alive connection
    // TCP connections opened so far (keep-alive reuse shows as requests > connections).
    std::uint64_t connectionsOpened() const;
    // Network thread (or before the first request). Tests use a small limit so that cutting an
    // endless body does not take minutes under a sanitizer.
    void setBodyLimit(std::uint64_t bytes);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace cpc::net
