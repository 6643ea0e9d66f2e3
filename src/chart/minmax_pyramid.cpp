#include "cpc/chart/minmax_pyramid.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "cpc/market/packed_candle.hpp"

namespace cpc::chart {

namespace {
constexpr float kInf = std::numeric_limits<float>::infinity();

float down(double v) {
    auto f = static_cast<float>(v);
    if (static_cast<double>(f) > v) f = std::nextafter(f, -kInf);
    return f;
}
float up(double v) {
    auto f = static_cast<float>(v);
    if (static_cast<double>(f) < v) f = std::nextafter(f, kInf);
    return f;
}
}  // namespace

MinMaxPyramid::Node MinMaxPyramid::block(const market::CandleView& bars, std::size_t k) {
    // Extremes in double first, rounded outwards once (rounding is monotonic, so this equals the
    // extremes of the rounded bars).
    const std::size_t from = k << kBlockShift;
    double low = bars.low(from), high = bars.high(from), closeLow = bars.close(from), closeHigh = closeLow;
    double volume = bars.volume(from);
    for (std::size_t i = from + 1; i < from + (std::size_t{1} << kBlockShift); ++i) {
        const double close = bars.close(i);
        low = std::min(low, bars.low(i));
        high = std::max(high, bars.high(i));
        closeLow = std::min(closeLow, close);
        closeHigh = std::max(closeHigh, close);
        volume = std::max(volume, bars.volume(i));
    }
    return Node{down(low), up(high), down(closeLow), up(closeHigh), up(volume)};
}

MinMaxPyramid::Node MinMaxPyramid::merge(const Node& a, const Node& b) {
    return Node{std::min(a.low, b.low), std::max(a.high, b.high), std::min(a.closeLow, b.closeLow),
                std::max(a.closeHigh, b.closeHigh), std::max(a.maxVolume, b.maxVolume)};
}

void MinMaxPyramid::clear() {
    m_levels.clear();
    m_barCount = 0;
}

void MinMaxPyramid::rebuild(const market::CandleView& bars) {
    clear();
    updateFrom(bars, 0);
}

void MinMaxPyramid::updateFrom(const market::CandleView& bars, std::size_t first) {
    const std::size_t n = bars.size();
    m_barCount = n;
    first = std::min(first, n);
    std::size_t level = 0;
    for (std::size_t size = n >> kBlockShift; size > 0; size /= 2, ++level) {
        if (m_levels.size() <= level) m_levels.emplace_back();
        auto& nodes = m_levels[level];
        // Entry k covers bars [k·2^(level+2), (k+1)·2^(level+2)); the first changed one holds `first`.
        const std::size_t shift = level + kBlockShift;
        const std::size_t from = std::min(first >> shift, nodes.size());
        market::reserveGrown(nodes, size);  // live appends grow by 1/16, not 2x
        nodes.resize(size);
        if (level == 0) {
            for (std::size_t k = from; k < size; ++k) nodes[k] = block(bars, k);
        } else {
            const auto& below = m_levels[level - 1];
            for (std::size_t k = from; k < size; ++k) nodes[k] = merge(below[2 * k], below[2 * k + 1]);
        }
    }
    m_levels.resize(level);
}

BarExtremes MinMaxPyramid::query(const market::CandleView& bars, std::size_t first,
                                 std::size_t last) const {
    BarExtremes out{std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                    std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                    0.0};
    const std::size_t n = std::min(bars.size(), m_barCount);
    if (n == 0 || first > last || first >= n) return out;
    last = std::min(last, n - 1);
    auto addBar = [&](std::size_t b) {
        const double close = bars.close(b);
        out.low = std::min(out.low, bars.low(b));
        out.high = std::max(out.high, bars.high(b));
        out.closeLow = std::min(out.closeLow, close);
        out.closeHigh = std::max(out.closeHigh, close);
        out.maxVolume = std::max(out.maxVolume, bars.volume(b));
    };
    auto addNode = [&](const Node& v) {
        out.low = std::min(out.low, static_cast<double>(v.low));
        out.high = std::max(out.high, static_cast<double>(v.high));
        out.closeLow = std::min(out.closeLow, static_cast<double>(v.closeLow));
        out.closeHigh = std::max(out.closeHigh, static_cast<double>(v.closeHigh));
        out.maxVolume = std::max(out.maxVolume, static_cast<double>(v.maxVolume));
    };
    // Half-open [i, j): the bars outside whole 4-bar blocks are read directly, then the blocks
    // are walked up the pyramid: odd ends are taken at the current level, the rest moves up one
    // level (a bottom-up segment-tree query).
    constexpr std::size_t kBlockMask = (std::size_t{1} << kBlockShift) - 1;
    std::size_t i = first;
    std::size_t j = last + 1;
    while ((i & kBlockMask) != 0 && i < j) addBar(i++);
    while ((j & kBlockMask) != 0 && j > i) addBar(--j);
    i >>= kBlockShift;
    j >>= kBlockShift;
    for (std::size_t level = 0; i < j; ++level) {
        if (level >= m_levels.size()) {
            // Only reachable if the pyramid is stale; stay correct by reading the bars.
            const std::size_t shift = level + kBlockShift;
            for (std::size_t b = i << shift; b < std::min(n, j << shift); ++b) addBar(b);
            break;
        }
        const auto& nodes = m_levels[level];
        if (i & 1U) addNode(nodes[i++]);
        if (j & 1U) addNode(nodes[--j]);
        i >>= 1U;
        j >>= 1U;
    }
    return out;
}

std::size_t MinMaxPyramid::memoryBytes() const {
    std::size_t bytes = 0;
    for (const auto& level : m_levels) bytes += level.capacity() * sizeof(Node);
    return bytes;
}

}  // namespace cpc::chart
