#pragma once
#include <string>
#include <string_view>

#include "cpc/core/result.hpp"

namespace cpc::net {

// ws://, wss://, http://, https:// URLs. Plain schemes are accepted only for loopback hosts
// (127.0.0.0/8, ::1, localhost): market data leaves the machine only over verified TLS.
struct Url {
    std::string scheme;  // "wss", "ws", "https", "http"
    std::string host;    // "stream.binance.com" (no brackets for IPv6)
    std::string port;    // "9443"; defaulted from the scheme when absent
    std::string target;  // "/stream?streams=btcusdt@kline_1m"; "/" when absent

    bool secure() const { return scheme == "wss" || scheme == "https"; }
    bool websocket() const { return scheme == "ws" || scheme == "wss"; }
    std::string hostHeader() const;  // "host" or "host:port" when the port is not the default
    std::string toString() const;

    static Result<Url> parse(std::string_view text);
};

bool isLoopbackHost(std::string_view host);

}  // namespace cpc::net
