#pragma once
#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

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

}  // namespace cpc::net
