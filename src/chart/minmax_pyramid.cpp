#include "cpc/chart/minmax_pyramid.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

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

MinMaxPyramid::Node MinMaxPyramid::leaf(const Candle& c) {
    const double close = c.close.toDouble();
    return Node{down(c.low.toDouble()), up(c.high.toDouble()), down(close), up(close),
                up(c.volume.toDouble())};
}

MinMaxPyramid::Node MinMaxPyramid::merge(const Node& a, const Node& b) {
    return Node{std::min(a.low, b.low), std::max(a.high, b.high), std::min(a.closeLow, b.closeLow),
                std::max(a.closeHigh, b.closeHigh), std::max(a.maxVolume, b.maxVolume)};
}

MinMaxPyramid::Node MinMaxPyramid::pairNode(std::span<const Candle> bars, std::size_t level,
                                            std::size_t k) const {
    if (level == 0) return merge(leaf(bars[2 * k]), leaf(bars[2 * k + 1]));
    const auto& below = m_levels[level - 1];
    return merge(below[2 * k], below[2 * k + 1]);
}

void MinMaxPyramid::clear() {
    m_levels.clear();
    m_barCount = 0;
}

void MinMaxPyramid::rebuild(std::span<const Candle> bars) {
    clear();
    updateFrom(bars, 0);
}

void MinMaxPyramid::updateFrom(std::span<const Candle> bars, std::size_t first) {
    const std::size_t n = bars.size();
    m_barCount = n;
    first = std::min(first, n);
    std::size_t level = 0;
    for (std::size_t size = n / 2; size > 0; size /= 2, ++level) {
        if (m_levels.size() <= level) m_levels.emplace_back();
        auto& nodes = m_levels[level];
        // Entry k covers bars [k·2^(level+1), (k+1)·2^(level+1)); the first changed one holds `first`.
        const std::size_t from = std::min(first >> (level + 1), nodes.size());
        nodes.resize(size);
        for (std::size_t k = from; k < size; ++k) nodes[k] = pairNode(bars, level, k);
    }
    m_levels.resize(level);
}

BarExtremes MinMaxPyramid::query(std::span<const Candle> bars, std::size_t first,
                                 std::size_t last) const {
    BarExtremes out{std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                    std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                    0.0};
    const std::size_t n = std::min(bars.size(), m_barCount);
    if (n == 0 || first > last || first >= n) return out;
    last = std::min(last, n - 1);
    auto addBar = [&](const Candle& c) {
        const double close = c.close.toDouble();
        out.low = std::min(out.low, c.low.toDouble());
        out.high = std::max(out.high, c.high.toDouble());
        out.closeLow = std::min(out.closeLow, close);
        out.closeHigh = std::max(out.closeHigh, close);
        out.maxVolume = std::max(out.maxVolume, c.volume.toDouble());
    };
    auto addNode = [&](const Node& v) {
        out.low = std::min(out.low, static_cast<double>(v.low));
        out.high = std::max(out.high, static_cast<double>(v.high));
        out.closeLow = std::min(out.closeLow, static_cast<double>(v.closeLow));
        out.closeHigh = std::max(out.closeHigh, static_cast<double>(v.closeHigh));
        out.maxVolume = std::max(out.maxVolume, static_cast<double>(v.maxVolume));
    };
    // Half-open [i, j) walked up the pyramid: odd ends are taken at the current level, the
    // rest moves up one level (a bottom-up segment-tree query).
    std::size_t i = first;
    std::size_t j = last + 1;
    if (i & 1U) addBar(bars[i++]);
    if (j & 1U) addBar(bars[--j]);
    i >>= 1U;
    j >>= 1U;
    for (std::size_t level = 0; i < j; ++level) {
        if (level >= m_levels.size()) {
            // Only reachable if the pyramid is stale; stay correct by reading the bars.
            for (std::size_t b = i << (level + 1); b < std::min(n, j << (level + 1)); ++b)
                addBar(bars[b]);
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
