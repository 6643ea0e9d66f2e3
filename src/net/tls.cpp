#include "cpc/net/tls.hpp"

#include <boost/asio/ip/address.hpp>
#include <openssl/x509v3.h>

#include "net_detail.hpp"

namespace cpc::net {

namespace ssl = boost::asio::ssl;

using detail::describe;

bool setSniHostName(SSL* ssl, const std::string& host) {
    // SSL_set_tlsext_host_name is a macro with C casts; this is its expansion.
    return SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                    const_cast<char*>(host.c_str())) == 1;
}

bool setVerifiedHost(SSL* ssl, const std::string& host) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    if (param == nullptr) return false;
    if (isIpLiteral(host)) return X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) == 1;
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    return X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size()) == 1;
}

std::string certificateProblem(SSL* ssl, const std::string& host) {
    if (ssl == nullptr) return {};
    const long result = SSL_get_verify_result(ssl);
    if (result == X509_V_OK) return {};
    const std::string openssl = X509_verify_cert_error_string(result);
    std::string why;
    switch (result) {
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
            why = "the certificate's issuer is not trusted (if the server is yours, trust its CA with --ca-file)";
            break;
        case X509_V_ERR_CERT_HAS_EXPIRED: why = "the certificate has expired"; break;
        case X509_V_ERR_CERT_NOT_YET_VALID: why = "the certificate is not valid yet (check this computer's clock)"; break;
        case X509_V_ERR_HOSTNAME_MISMATCH:
        case X509_V_ERR_IP_ADDRESS_MISMATCH: why = "the certificate is not for " + host; break;
        case X509_V_ERR_CERT_REVOKED: why = "the certificate has been revoked"; break;
        default: why = "the certificate was refused"; break;
    }
    return why + " (OpenSSL verify error " + std::to_string(result) + ": " + openssl + ")";
}

bool isIpLiteral(const std::string& host) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(host, ec);
    return !ec;
}

Result<std::shared_ptr<ssl::context>> makeClientTlsContext(const TlsOptions& options) {
    auto ctx = std::make_shared<ssl::context>(ssl::context::tlsv12_client);
    boost::system::error_code ec;
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                     ec);
    if (ec) return makeError("TLS: cannot set context options: " + describe(ec));
    ctx->set_default_verify_paths(ec);
    if (ec) return makeError("TLS: cannot load the system CA store: " + describe(ec));
    if (!options.extraCaFile.empty()) {
        ctx->load_verify_file(options.extraCaFile, ec);
        if (ec)
            return makeError("TLS: cannot load CA file '" + options.extraCaFile + "': " + describe(ec));
    }
    ctx->set_verify_mode(ssl::verify_peer, ec);
    if (ec) return makeError("TLS: cannot enable peer verification: " + describe(ec));
    return ctx;
}

Result<std::shared_ptr<ssl::context>> makeServerTlsContext(const std::string& certFile,
                                                           const std::string& keyFile) {
    auto ctx = std::make_shared<ssl::context>(ssl::context::tlsv12_server);
    boost::system::error_code ec;
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                         ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                     ec);
    if (ec) return makeError("TLS: cannot set context options: " + describe(ec));
    ctx->use_certificate_chain_file(certFile, ec);
    if (ec) return makeError("TLS: cannot load certificate '" + certFile + "': " + describe(ec));
    ctx->use_private_key_file(keyFile, ssl::context::pem, ec);
    if (ec && describe(ec).find("mismatch") != std::string::npos)
        return makeError("TLS: private key '" + keyFile + "' does not match certificate '" + certFile + "'");
    if (ec) return makeError("TLS: cannot load private key '" + keyFile + "': " + describe(ec));
    if (SSL_CTX_check_private_key(ctx->native_handle()) != 1)
        return makeError("TLS: private key '" + keyFile + "' does not match certificate '" + certFile + "'");
    return ctx;
}

}  // namespace cpc::net
