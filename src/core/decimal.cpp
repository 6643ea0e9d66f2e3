#include "cpc/core/decimal.hpp"

#include <cmath>

namespace cpc {

std::optional<Decimal> Decimal::fromDouble(double v) {
    if (!std::isfinite(v) || std::fabs(v) > 1e20) return std::nullopt;
    return fromUnits(static_cast<Int128>(std::llround(v * static_cast<double>(kUnitsPerOne))));
}

std::optional<Decimal> Decimal::parse(std::string_view text) {
    if (text.empty()) return std::nullopt;
    bool negative = false;
    std::size_t i = 0;
    if (text[0] == '-' || text[0] == '+') {
        negative = text[0] == '-';
        i = 1;
    }
    Int128 whole = 0;
    int wholeDigits = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
        if (++wholeDigits > 24) return std::nullopt;  // keeps whole * 1e8 far inside 128 bits
        whole = whole * 10 + (text[i] - '0');
    }
    Int128 frac = 0;
    int fracDigits = 0;
    if (i < text.size() && text[i] == '.') {
        ++i;
        for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
            if (fracDigits < kScale) {
                frac = frac * 10 + (text[i] - '0');
                ++fracDigits;
            } else if (text[i] != '0') {
                return std::nullopt;  // more precision than we can hold exactly
            }
        }
        if (fracDigits == 0 && wholeDigits == 0) return std::nullopt;
    }
    if (i != text.size() || (wholeDigits == 0 && fracDigits == 0)) return std::nullopt;
    for (int d = fracDigits; d < kScale; ++d) frac *= 10;
    Int128 units = whole * kUnitsPerOne + frac;
    return fromUnits(negative ? -units : units);
}

double Decimal::toDouble() const {
    const Int128 whole = m_units / kUnitsPerOne;
    const Int128 frac = m_units % kUnitsPerOne;
    return static_cast<double>(whole) + static_cast<double>(frac) / static_cast<double>(kUnitsPerOne);
}

namespace {
std::string digitsOf(Int128 v) {  // v >= 0
    if (v == 0) return "0";
    std::string s;
    while (v > 0) {
        s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
        v /= 10;
    }
    return s;
}
}  // namespace

std::string Decimal::toString() const {
    const bool negative = m_units < 0;
    const Int128 abs = negative ? -m_units : m_units;
    const std::string frac = digitsOf(abs % kUnitsPerOne);
    std::string out = negative ? "-" : "";
    out += digitsOf(abs / kUnitsPerOne);
    out += '.';
    out.append(static_cast<std::size_t>(kScale) - frac.size(), '0');
    out += frac;
    return out;
}

std::string Decimal::toShortString() const {
    std::string s = toString();
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
}

}  // namespace cpc
