#pragma once
// Integer division that rounds towards negative infinity. C++'s / and % truncate towards zero, so
// a time before the epoch (or before a bucket's anchor) would land in the bucket after its own:
// -1 ms / one day is day 0, but it belongs to day -1 (1969-12-31).
#include <cstdint>

namespace cpc {

// floor(a / b); b must not be 0.
constexpr std::int64_t floorDiv(std::int64_t a, std::int64_t b) noexcept {
    const std::int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// a - floorDiv(a, b) * b: has the sign of b (0 <= result < b for b > 0); b must not be 0.
constexpr std::int64_t floorMod(std::int64_t a, std::int64_t b) noexcept { return a - floorDiv(a, b) * b; }

}  // namespace cpc
