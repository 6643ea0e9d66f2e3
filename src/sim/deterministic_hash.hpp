#pragma once
// Deterministic randomness for the simulator: every random quantity is drawn from a generator
// seeded by a hash of (model seed, symbol, what, index), so any minute or book tick can be
// generated on its own and always comes out the same. Private to cpc_sim.
#include <cstdint>
#include <string_view>

namespace cpc::sim::detail {

// SplitMix64 finaliser (Steele, Lea, Flood 2014).
constexpr std::uint64_t splitmix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

// FNV-1a of a string (symbol names).
constexpr std::uint64_t fnv1a(std::string_view s) {
    std::uint64_t h = 0xCBF29CE484222325ull;
    for (char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001B3ull;
    }
    return h;
}

}  // namespace cpc::sim::detail
