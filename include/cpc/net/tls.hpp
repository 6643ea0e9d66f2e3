#pragma once
#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>
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
// Makes the handshake verify that the peer's certificate is for `host` (a name, or an IP literal).
bool setVerifiedHost(SSL* ssl, const std::string& host);

// Per-connection client setup on an ssl::stream before its handshake: SNI (for names, not IP
// literals) and RFC 6125 host-name verification of the peer certificate (X509_check_host, or
// X509_check_ip for an IP literal). `host` is the bare host, without scheme or port.
template <class SslStream>
Result<Ok> setupTlsClientStream(SslStream& stream, const std::string& host) {
    if (!isIpLiteral(host) && !setSniHostName(stream.native_handle(), host))
        return makeError("TLS: cannot set SNI host name '" + host + "'");
    stream.set_verify_mode(boost::asio::ssl::verify_peer);
    // OpenSSL's own host check (X509_VERIFY_PARAM), not a verify callback: a mismatch is then the
    // verify result X509_V_ERR_HOSTNAME_MISMATCH, which the handshake error can name.
    if (!setVerifiedHost(stream.native_handle(), host))
        return makeError("TLS: cannot set the host name '" + host + "' to verify");
    return Ok{};
}

// Error code of a handshake the peer's certificate failed (unknown issuer, expired, another
// host): retrying cannot fix it, so a stream connection reports it as a final failure.
inline constexpr int kCertificateRejected = 495;  // nginx's "SSL Certificate Error"

// Why the peer's certificate was refused, from OpenSSL's verify result of `ssl` after a failed
// handshake, in words a user can act on ("the certificate has expired", "the certificate's issuer
// is not trusted …", "the certificate is not for <host>"); empty when verification did not fail.
std::string certificateProblem(SSL* ssl, const std::string& host);

}  // namespace cpc::net
