#pragma once
// An indicator computes one or more output columns over a whole series and then keeps them up to
// date bar by bar: revising the forming (last) candle or appending a new one costs O(1) (amortised
// O(1) for window extremes; O(period) for the mean-deviation studies CCI and AVGDEV; at most 50
// terms for the dominant-cycle sums of HT_DCPHASE, HT_SINE, HT_TRENDLINE, HT_TRENDMODE), never a
// recompute of the series. The incremental path runs exactly the same arithmetic as computeAll(),
// so both give bitwise-identical columns.
//
// Outputs are columns of double, one row per input bar. Rows inside the warm-up (TA-Lib's
// "look-back") are NaN, never zero.
//
// Not thread-safe: an instance is owned by one thread (the GUI thread, or a worker that computes it
// and hands it back).
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cpc/indicators/bar.hpp"

namespace cpc::indicators {

enum class IndicatorGroup : unsigned char {
    Overlap,         // moving averages and bands, drawn over the candles
    Momentum,
    Volume,
    Volatility,
    PriceTransform,
    Statistic,
    MathOperator,    // MAX, MIN, SUM, MAXINDEX...
    ChartStudy,      // studies TA-Lib lacks: VWAP, SuperTrend, Ichimoku...
    Cycle,           // TA-Lib's Hilbert-transform cycle functions: HT_DCPERIOD, HT_SINE...
};
std::string_view toString(IndicatorGroup group);

// Where a chart draws the indicator: over the price candles or in its own pane below.
enum class Placement : unsigned char { Overlay, Pane };

struct ParamInfo {
    std::string name;         // TA-Lib's parameter name without "optIn": "timeperiod", "fastperiod"
    double defaultValue = 0;
    double minValue = 0;
    double maxValue = 0;
    bool integer = true;      // periods and MA types are integers; multipliers are not
    std::string description;
    // Names of the values 0, 1, 2… when the parameter is a choice (CVD's anchor: "none", "day",
    // "session"); a command line or spec may give the name instead of the number.
    std::vector<std::string> choices = {};
};

struct OutputInfo {
    std::string name;         // TA-Lib's output name: "real", "macd", "macdsignal", "upperband"
    // Bars to shift the column when plotting: +26 draws row i at bar i+26 (Ichimoku's cloud is
    // computed at i and shown ahead of price); -26 draws it behind. 0 for almost everything.
    int plotOffset = 0;
    bool isIndex = false;     // the values are bar indices (MAXINDEX...), not prices
};

struct IndicatorInfo {
    std::string name;         // TA-Lib's name, upper case: "MACD", "BBANDS"; studies: "VWAP"
    std::string title;        // "Moving Average Convergence/Divergence"
    IndicatorGroup group = IndicatorGroup::Overlap;
    Placement placement = Placement::Overlay;
    std::vector<std::string> inputs;  // bar fields read: "open", "high", "low", "close", "volume",
                                      // "takerbuyvolume"
    std::vector<ParamInfo> params;
    std::vector<OutputInfo> outputs;
};

class Indicator {
public:
    virtual ~Indicator() = default;
    Indicator(const Indicator&) = delete;
    Indicator& operator=(const Indicator&) = delete;

    const IndicatorInfo& info() const { return *m_info; }
    // Parameter values in info().params order, defaults filled in.
    std::span<const double> params() const { return m_params; }

    // Forget every bar.
    virtual void reset() = 0;
    // Reset, then compute every row for `bars` (sorted by time).
    virtual void computeAll(std::span<const Bar> bars) = 0;
    // isNewBar: append `bar` as a new last row. Otherwise `bar` replaces the last row (the forming
    // candle changed, or it closed with final values). A revision with no rows appends.
    virtual void update(const Bar& bar, bool isNewBar) = 0;

    std::size_t size() const { return m_rows; }
    std::size_t outputCount() const { return m_columns.size(); }
    std::span<const double> output(std::size_t index) const { return m_columns.at(index); }
    std::optional<std::size_t> outputIndex(std::string_view name) const;
    // Value of `output` at `row`; NaN when out of range or inside the warm-up.
    double value(std::size_t outputIdx, std::size_t row) const;
    // Bars to shift the output when plotting (OutputInfo::plotOffset; depends on parameters, e.g.
    // Ichimoku's displacement).
    int plotOffset(std::size_t outputIdx) const { return m_plotOffsets.at(outputIdx); }

protected:
    Indicator(const IndicatorInfo& info, std::vector<double> params);

    std::vector<std::vector<double>> m_columns;
    std::size_t m_rows = 0;
    std::vector<int> m_plotOffsets;

private:
    const IndicatorInfo* m_info;
    std::vector<double> m_params;
};

// The plotted column of `output`: slot i (a bar index of the chart's time axis) holds row
// i − plotOffset, NaN where there is none. A positive offset (Ichimoku's cloud, +26) runs past the
// newest bar: dst has bars + offset slots, the last `offset` of them in the future, to the right
// of the newest candle. A negative offset leaves the last |offset| slots NaN. Incremental: only
// rows [fromRow, size) changed since the previous call with the same dst (0: rewrite everything);
// costs O(changed rows + |offset|).
void placeOutput(std::vector<double>& dst, const Indicator& ind, std::size_t output, std::size_t bars,
                 std::size_t fromRow);

}  // namespace cpc::indicators
