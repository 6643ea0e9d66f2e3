#pragma once
#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <openssl/ssl.h>

#include "cpc/core/result.hpp"

namespace cpc::net {

struct TlsOptions {
    // Extra PEM trust anchors added to the system CA store (tests trust their throw-away
    // certificate this way). Verification is never switched off.
    std::string extraCaFile;
};

// TLS 1.2+ client context: system CA store, verify_peer. SNI and host-name checks are set per
// connection by the clients (setupTlsClientStream).
Result<std::shared_ptr<boost::asio::ssl::context>> makeClientTlsContext(const TlsOptions& options);

// Server context for the simulator.
Result<std::shared_ptr<boost::asio::ssl::context>> makeServerTlsContext(const std::string& certFile,
                                                                        const std::string& keyFile);

// True for an IPv4 or IPv6 literal (SNI must not carry those, RFC 6066 §3).
bool isIpLiteral(const std::string& host);
// Sets the TLS SNI extension on one connection (SSL_set_tlsext_host_name).
bool setSniHostName(SSL* ssl, const std::string& host);

// Per-connection client setup on an ssl::stream before its handshake: SNI (for names, not IP
// literals) and RFC 6125 host-name verification of the peer certificate (X509_check_host, or
// X509_check_ip for an IP literal). `host` is the bare host, without scheme or port.
template <class SslStream>
Result<Ok> setupTlsClientStream(SslStream& stream, const std::string& host) {
    if (!isIpLiteral(host) && !setSniHostName(stream.native_handle(), host))
        return makeError("TLS: cannot set SNI host name '" + host + "'");
    stream.set_verify_mode(boost::asio::ssl::verify_peer);
    stream.set_verify_callback(boost::asio::ssl::host_name_verification(host));
    return Ok{};
}

}  // namespace cpc::net
