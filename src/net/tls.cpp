#include "cpc/net/tls.hpp"

#include <boost/asio/ip/address.hpp>

#include "net_detail.hpp"

namespace cpc::net {

namespace ssl = boost::asio::ssl;

using detail::describe;

bool setSniHostName(SSL* ssl, const std::string& host) {
    // SSL_set_tlsext_host_name is a macro with C casts; this is its expansion.
    return SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                    const_cast<char*>(host.c_str())) == 1;
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
