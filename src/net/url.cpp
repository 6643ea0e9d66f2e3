#include "cpc/net/url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "cpc/core/ascii.hpp"

namespace cpc::net {

namespace {

std::string_view defaultPort(std::string_view scheme) {
    return (scheme == "wss" || scheme == "https") ? "443" : "80";
}

// Dotted-quad IPv4 with every part 0..255; returns the first octet or -1.
int ipv4FirstOctet(std::string_view host) {
    int parts = 0;
    int first = -1;
    std::size_t pos = 0;
    while (pos <= host.size()) {
        const std::size_t dot = std::min(host.find('.', pos), host.size());
        const std::string_view part = host.substr(pos, dot - pos);
        if (part.empty() || part.size() > 3) return -1;
        int value = 0;
        const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
        if (ec != std::errc{} || ptr != part.data() + part.size() || value > 255) return -1;
        if (parts == 0) first = value;
        ++parts;
        pos = dot + 1;
        if (dot == host.size()) break;
    }
    return parts == 4 ? first : -1;
}

}  // namespace

bool isLoopbackHost(std::string_view host) {
    const std::string h = toLowerAscii(host);
    if (h == "localhost" || h == "::1" || h == "0:0:0:0:0:0:0:1") return true;
    return ipv4FirstOctet(h) == 127;
}

std::string Url::hostHeader() const {
    const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return port == defaultPort(scheme) ? h : h + ":" + port;
}

std::string Url::toString() const { return scheme + "://" + hostHeader() + target; }

Result<Url> Url::parse(std::string_view text) {
    const std::string quoted = "'" + std::string(text) + "'";
    const std::size_t sep = text.find("://");
    if (sep == std::string_view::npos)
        return makeError("URL " + quoted + " has no scheme; expected ws://, wss://, http:// or https://");
    Url url;
    url.scheme = toLowerAscii(text.substr(0, sep));
    if (url.scheme != "ws" && url.scheme != "wss" && url.scheme != "http" && url.scheme != "https")
        return makeError("URL " + quoted + ": unsupported scheme '" + url.scheme +
                         "'; accepted: ws, wss, http, https");
    std::string_view rest = text.substr(sep + 3);
    const std::size_t targetPos = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, targetPos);
    if (targetPos == std::string_view::npos) {
        url.target = "/";
    } else {
        url.target = std::string(rest.substr(targetPos));
        if (url.target.front() == '?') url.target.insert(url.target.begin(), '/');
    }
    if (authority.find('@') != std::string_view::npos)
        return makeError("URL " + quoted + ": user information (user@host) is not supported");
    if (authority.empty()) return makeError("URL " + quoted + " has no host");

    std::string_view portText;
    if (authority.front() == '[') {  // [IPv6]:port
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos)
            return makeError("URL " + quoted + ": unterminated '[' in an IPv6 host");
        url.host = std::string(authority.substr(1, close - 1));
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return makeError("URL " + quoted + ": unexpected text after ']'");
            portText = after.substr(1);
            if (portText.empty()) return makeError("URL " + quoted + ": empty port after ':'");
        }
    } else {
        const std::size_t colon = authority.find(':');
        url.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            portText = authority.substr(colon + 1);
            if (portText.empty()) return makeError("URL " + quoted + ": empty port after ':'");
        }
    }
    if (url.host.empty()) return makeError("URL " + quoted + " has no host");
    url.host = toLowerAscii(url.host);
    for (char c : url.host) {
        const auto u = static_cast<unsigned char>(c);
        if (!(std::isalnum(u) || c == '.' || c == '-' || c == ':' || c == '_'))
            return makeError("URL " + quoted + ": illegal character '" + std::string(1, c) + "' in host");
    }
    if (!portText.empty()) {
        unsigned value = 0;
        const auto [ptr, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), value);
        if (ec != std::errc{} || ptr != portText.data() + portText.size() || value == 0 || value > 65535)
            return makeError("URL " + quoted + ": port '" + std::string(portText) +
                             "' is not a number in 1..65535");
        url.port = std::to_string(value);
    } else {
        url.port = std::string(defaultPort(url.scheme));
    }
    if (!url.secure() && !isLoopbackHost(url.host)) {
        const std::string secure = url.websocket() ? "wss" : "https";
        return makeError("URL " + quoted + ": plain " + url.scheme + ":// is only allowed to loopback hosts (127.0.0.1, ::1, localhost); use " +
                         secure + ":// for '" + url.host + "'");
    }
    return url;
}

}  // namespace cpc::net
