// net::Url::parse, which reads the --rest / --stream overrides, the KuCoin token's server list and
// every adapter URL. What must hold: no crash or sanitizer report, a refusal has a message, a plain
// (ws, http) URL is accepted only for a loopback host, and an accepted URL's text parses back to
// the same URL.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cpc/net/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto url = cpc::net::Url::parse(text);
    if (!url) {
        if (url.error().message.empty()) std::abort();
        return 0;
    }
    if (!url->secure() && !cpc::net::isLoopbackHost(url->host)) std::abort();
    const auto again = cpc::net::Url::parse(url->toString());
    if (!again || again->scheme != url->scheme || again->host != url->host || again->port != url->port ||
        again->target != url->target)
        std::abort();
    return 0;
}
