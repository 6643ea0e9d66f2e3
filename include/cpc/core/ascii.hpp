#pragma once
// ASCII case for protocol text: symbols, stream names, header names, URL schemes and hosts,
// indicator and exchange names. Only 'A'-'Z' and 'a'-'z' change; every other byte (digits,
// punctuation, UTF-8 sequences) is kept. std::toupper/std::tolower follow the C locale, which a
// GUI process sets from the environment, and under a single-byte locale they rewrite bytes of
// UTF-8 text; wire formats are ASCII whatever the user's locale is.
#include <string>
#include <string_view>

namespace cpc {

constexpr char toUpperAscii(char c) noexcept { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }
constexpr char toLowerAscii(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string toUpperAscii(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = toUpperAscii(c);
    return out;
}

inline std::string toLowerAscii(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = toLowerAscii(c);
    return out;
}

// "BTCUSDT" equals "btcusdt"; "é" equals only itself.
constexpr bool equalsIgnoreCaseAscii(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (toLowerAscii(a[i]) != toLowerAscii(b[i])) return false;
    return true;
}

}  // namespace cpc
