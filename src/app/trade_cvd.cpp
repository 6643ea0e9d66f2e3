#include "cpc/app/trade_cvd.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cpc::app {

namespace {
constexpr std::size_t kAnchorParam = 0;
constexpr std::size_t kSourceParam = 1;
constexpr double kSourceTrades = 1.0;
}  // namespace

bool readsTrades(const IndicatorSpec& spec) {
    return spec.name == QLatin1String("CVD") && spec.params.size() > kSourceParam &&
           spec.params[kSourceParam] == kSourceTrades;
}

std::size_t drawnOutputs(const IndicatorSpec& spec, std::size_t outputs) {
    return readsTrades(spec) ? std::min<std::size_t>(outputs, 1) : outputs;
}

orderflow::CvdAnchor cvdAnchorOf(const IndicatorSpec& spec) {
    const double anchor = spec.params.size() > kAnchorParam ? spec.params[kAnchorParam] : 0.0;
    if (anchor == 1.0) return orderflow::CvdAnchor::Day;
    if (anchor == 2.0) return orderflow::CvdAnchor::Session;
    return orderflow::CvdAnchor::None;
}

void placeTradeCvd(std::vector<chart::PaneSeries>& columns, const market::CandleSeries* candles,
                   const orderflow::FootprintSeries* footprint, orderflow::CvdAnchor anchor) {
    const std::size_t bars = candles ? candles->size() : 0;
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    if (columns.empty()) return;
    // The bar's delta is the candle's body: a delta line beside it would share the pane's scale
    // and squash the candles into a sliver (the running CVD is far from the per-bar deltas' zero).
    columns.resize(1);
    chart::PaneSeries& cvd = columns[0];
    cvd.kind = chart::PaneSeriesKind::Candles;
    for (std::vector<double>* v : {&cvd.values, &cvd.open, &cvd.high, &cvd.low}) v->assign(bars, kNaN);
    if (!footprint || bars == 0 || footprint->size() == 0) return;
    const std::vector<orderflow::CvdCandle> cvdCandles = orderflow::intrabarCvd(*footprint, anchor);
    // Both ascending by open time: one walk.
    std::size_t c = candles->lowerBound(cvdCandles.front().openTime);
    for (const orderflow::CvdCandle& k : cvdCandles) {
        while (c < bars && candles->openTime(c) < k.openTime) ++c;
        if (c >= bars) break;
        if (candles->openTime(c) != k.openTime) continue;  // a bar the chart does not hold
        cvd.open[c] = k.open.toDouble();
        cvd.high[c] = k.high.toDouble();
        cvd.low[c] = k.low.toDouble();
        cvd.values[c] = k.close.toDouble();
    }
}

}  // namespace cpc::app
