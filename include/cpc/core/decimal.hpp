#pragma once
// Exact decimal numbers with 8 fractional digits, the precision Binance uses for every price and
// quantity. Stored as a 128-bit count (Int128) of 1e-8 units, so sums of volumes over years of 1m candles
// neither overflow nor drift (no 0.30000000000000004). See docs/ARCHITECTURE.md, "Numbers".
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cpc {

// GCC/Clang 128-bit integer; __extension__ keeps -Wpedantic quiet about it.
__extension__ typedef __int128 Int128;

class Decimal {
public:
    static constexpr int kScale = 8;
    static constexpr std::int64_t kUnitsPerOne = 100'000'000;

    constexpr Decimal() = default;
    static constexpr Decimal fromUnits(Int128 units) { Decimal d; d.m_units = units; return d; }
    static constexpr Decimal fromInt(std::int64_t whole) { return fromUnits(static_cast<Int128>(whole) * kUnitsPerOne); }
    // Rounds to the nearest 1e-8; non-finite input gives nullopt.
    static std::optional<Decimal> fromDouble(double v);
    // Accepts "-12.345", "0.00000001", "42", "1e-5" is rejected; more than 8 fractional digits
    // are accepted only when the extra digits are zeros (so nothing is silently rounded).
    static std::optional<Decimal> parse(std::string_view text);

    constexpr Int128 units() const { return m_units; }
    double toDouble() const;
    // Fixed 8 decimals, exactly as Binance writes them: "41732.35000000".
    std::string toString() const;
    // Shortest form without trailing zeros: "41732.35".
    std::string toShortString() const;

    constexpr bool isZero() const { return m_units == 0; }
    constexpr bool isNegative() const { return m_units < 0; }

    constexpr Decimal operator+(Decimal o) const { return fromUnits(m_units + o.m_units); }
    constexpr Decimal operator-(Decimal o) const { return fromUnits(m_units - o.m_units); }
    constexpr Decimal& operator+=(Decimal o) { m_units += o.m_units; return *this; }
    constexpr Decimal& operator-=(Decimal o) { m_units -= o.m_units; return *this; }
    constexpr auto operator<=>(const Decimal&) const = default;

private:
    Int128 m_units = 0;
};

}  // namespace cpc
