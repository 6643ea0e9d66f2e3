#pragma once
// Order flow on the chart, as a layer of the base frame (like VisibleVolumeProfile): the order-book
// heatmap under the candles with its colour legend and the current ladder at the right edge, the
// footprint cells of the Footprint chart type, and the big trades as bubbles. It reads the
// Qt-free order-flow models (cpc/orderflow: not owned, set by the app on the GUI thread) and turns
// the visible part into render items; the renderers only draw them.
//
// Time → x: bar i spans [indexToX(i) − spacing/2, indexToX(i) + spacing/2) and the time inside a
// bar is spread linearly over it, measured from the newest bar (the series has a bar for every
// interval: a gap-free venue series).
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>

#include "cpc/chart/chart_model.hpp"
#include "cpc/chart/render_items.hpp"
#include "cpc/orderflow/big_trades.hpp"
#include "cpc/orderflow/book_heatmap.hpp"
#include "cpc/orderflow/footprint.hpp"

namespace cpc::chart {

// From this bar spacing on, a footprint bar draws its candle thin at the slot's left and its cells
// beside it; narrower bars are shaded cells over the candle.
inline constexpr double kFootprintWideSpacing = 24.0;

struct TimeAxisMap;

struct OrderFlowOptions {
    bool heatmap = false;
    orderflow::HeatmapScale heatmapScale = orderflow::HeatmapScale::Log;
    bool bigTrades = true;          // bubbles, when a BigTrades model is set
    double imbalanceRatio = 3.0;    // footprint: buys ≥ ratio × the diagonal sells, and the reverse
    double minFootprintRowPx = 14;  // footprint rows at least this tall (the multiple follows zoom)
    double ladderWidthPx = 90;      // the longest bar of the ladder at the right edge
    // Footprint: said at the top right of the candle pane (the history's progress or failure).
    std::string footprintNote;
};

class OrderFlowView {
public:
    void setModels(const orderflow::FootprintSeries* footprint, const orderflow::BookHeatmap* heatmap,
                   const orderflow::BigTrades* bigTrades) {
        m_footprint = footprint;
        m_heatmap = heatmap;
        m_bigTrades = bigTrades;
    }
    void setOptions(const OrderFlowOptions& options) { m_options = options; }
    const OrderFlowOptions& options() const { return m_options; }

    // Fills out.heatmap, out.footprint and out.bubbles after buildFrame(model, out).
    void build(const ChartModel& model, FrameItems& out) const;

    // The colour of a cell of intensity in [0, 1] (0xAARRGGBB, premultiplied alpha): transparent
    // at 0, through deep blue and cyan to yellow, white at the top — the largest orders stand out.
    static std::uint32_t heatColour(double intensity);

private:
    void buildHeatmap(const ChartModel& model, FrameItems& out) const;
    // The heatmap's image into h from m_heat, updated; returns the largest size on screen.
    float buildHeatmapImage(const ChartModel& model, const TimeAxisMap& map, const Rect& pane, int multiple,
                            std::int64_t lowRow, std::int64_t highRow, HeatmapItem& h) const;
    void buildFootprint(const ChartModel& model, FrameItems& out) const;
    void buildBubbles(const ChartModel& model, FrameItems& out) const;

    // A bar's rows at a zoom's multiple, kept while its trade count, the multiple and the ratio stay
    // (a frame after a tick recomputes the newest bar only).
    // A level's "sell" and "buy" numbers and their widths, made the first frame they may show.
    struct LevelTexts {
        std::string sell, buy;
        double sellWidth = 0, buyWidth = 0;
    };
    struct CachedLevels {
        std::int64_t trades = 0;
        int multiple = 0;
        double ratio = 0;
        orderflow::FootprintLevels levels;
        std::vector<LevelTexts> texts;  // per level once texts were needed; empty before
        std::string delta;              // the bar's delta text ("" before it was needed)
        double deltaWidth = 0;
        char decimalPoint = 0;          // of the texts
    };
    mutable std::unordered_map<std::int64_t, CachedLevels> m_levelCache;
    mutable const orderflow::FootprintSeries* m_cachedFootprint = nullptr;
    mutable double m_digitWidth = 0;  // of "0" in the regular font of m_digitMeasurer
    mutable const TextMeasurer* m_digitMeasurer = nullptr;

    // The heatmap kept between frames: a live frame computes only the columns new samples changed
    // (a 100 ms tick: one or two) instead of every cell on screen. Column k is one logical pixel,
    // the times [k / pxPerMs, (k + 1) / pxPerMs): absolute, so a pan or a new bar shifts which
    // columns show without changing any. Rows are aggregated price rows, the highest first; the
    // image is stretched over the price axis, so an autoscale that keeps the row multiple reuses
    // it. Anything else (zoom, another multiple, rows past the kept ones, a cleared heatmap)
    // starts over.
    struct HeatmapCache {
        const orderflow::BookHeatmap* source = nullptr;
        std::uint64_t generation = 0, version = 0;
        std::int64_t firstSampleMs = 0, lastSampleMs = 0;
        double pxPerMs = 0;
        int multiple = 0;
        std::int64_t lowRow = 0, highRow = -1;  // the rows kept (aggregated indices)
        std::int64_t firstColumn = 0;           // absolute index of column 0
        int columns = 0;
        std::vector<float> cells;               // rows × columns, the highest row first; NaN: none
        std::vector<float> columnMax;           // per column
        std::vector<char> computed;             // per column: cells (and colours) are current
        std::shared_ptr<std::vector<std::uint32_t>> pixels;  // rows × columns colours
        // Buffers reused when the window moves or starts over, and the heatmap's answer.
        std::vector<float> spareCells, spareColumnMax;
        std::vector<char> spareComputed;
        std::shared_ptr<std::vector<std::uint32_t>> sparePixels;
        orderflow::HeatmapGrid scratch;
        float colourMax = -1.0F;                 // the size the colours are scaled to
        orderflow::HeatmapScale colourScale = orderflow::HeatmapScale::Log;
        int rows() const { return static_cast<int>(highRow - lowRow + 1); }
    };
    mutable HeatmapCache m_heat;

    const orderflow::FootprintSeries* m_footprint = nullptr;
    const orderflow::BookHeatmap* m_heatmap = nullptr;
    const orderflow::BigTrades* m_bigTrades = nullptr;
    OrderFlowOptions m_options;
};

// Maps times to x and back over the shown series (see the file comment); nullopt without bars.
struct TimeAxisMap {
    double x0 = 0;        // left edge of the newest bar, pane coordinates + pane x
    std::int64_t t0 = 0;  // its open time
    double pxPerMs = 0;
    double xOf(std::int64_t t) const { return x0 + static_cast<double>(t - t0) * pxPerMs; }
    std::int64_t timeOf(double x) const { return t0 + static_cast<std::int64_t>((x - x0) / pxPerMs); }
};
std::optional<TimeAxisMap> timeAxisMap(const ChartModel& model);

}  // namespace cpc::chart
