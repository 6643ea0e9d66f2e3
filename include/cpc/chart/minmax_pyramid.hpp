#pragma once
// Min/max pyramid over a candle series: level k holds, for every aligned block of 4·2^k bars,
// the lowest low, highest high, lowest and highest close and largest volume. Any bar range is
// then answered from O(log n) blocks plus at most 3 bars at each end, so a zoomed-out frame of a
// million candles costs what the screen has columns, not what the series has bars. Bars
// themselves are read from the series (exact, through CandleView's field accessors). Block
// values are floats rounded outwards (low down, high up), which keeps every answer a superset of
// the exact one at about 10 bytes per candle (a 20-byte node per 4 bars, per 8, …). GUI thread
// only.
#include <cstddef>
#include <vector>

#include "cpc/market/candle_view.hpp"

namespace cpc::chart {

struct BarExtremes {
    double low = 0;
    double high = 0;
    double closeLow = 0;
    double closeHigh = 0;
    double maxVolume = 0;
    bool valid() const { return high >= low; }
};

class MinMaxPyramid {
public:
    // Recomputes everything (new series, or bars inserted before the end).
    void rebuild(const market::CandleView& bars);
    // Bars from `first` on changed or were appended (bars before `first` are unchanged):
    // O(log n + changed bars).
    void updateFrom(const market::CandleView& bars, std::size_t first);
    void clear();

    // Extremes of bars [first, last] (inclusive; clipped to the data). Invalid when empty.
    BarExtremes query(const market::CandleView& bars, std::size_t first, std::size_t last) const;

    std::size_t barCount() const { return m_barCount; }
    std::size_t memoryBytes() const;

private:
    struct Node {
        float low, high, closeLow, closeHigh, maxVolume;
    };
    static constexpr std::size_t kBlockShift = 2;  // level 0 covers 2^2 = 4 bars
    static Node block(const market::CandleView& bars, std::size_t k);
    static Node merge(const Node& a, const Node& b);

    std::vector<std::vector<Node>> m_levels;
    std::size_t m_barCount = 0;
};

}  // namespace cpc::chart
