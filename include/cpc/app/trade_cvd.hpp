#pragma once
// The CVD indicator's trade-based mode on a chart (CVD with source = trades): each bar's CVD
// candle from the chart's footprint bars (live trades and the aggregate trades of the footprint
// history, app::OrderFlowFeed) through orderflow::intrabarCvd, placed on the chart's candles.
#include <vector>

#include "cpc/app/indicator_spec.hpp"
#include "cpc/chart/chart_model.hpp"
#include "cpc/market/candle_series.hpp"
#include "cpc/orderflow/footprint.hpp"

namespace cpc::app {

// CVD with its "source" parameter at trades.
bool readsTrades(const IndicatorSpec& spec);
// The columns the chart draws for `spec` of an indicator with `outputs` outputs (the CVD of
// trades: its candles only).
std::size_t drawnOutputs(const IndicatorSpec& spec, std::size_t outputs);
// The spec's anchor parameter (0 none, 1 day, 2 session) as the order-flow model's.
orderflow::CvdAnchor cvdAnchorOf(const IndicatorSpec& spec);

// Fills the indicator's column for `candles`: one column (CVD's "cvd"; the "delta" output is
// dropped: it is each candle's body, and on the pane's one scale it would squash the candles)
// of candles, open/high/low/close of the running delta (PaneSeriesKind::Candles); NaN where the
// footprint has no bar (no trade seen there, or none yet). `footprint` null (the order-flow feed
// not open yet): every value NaN.
void placeTradeCvd(std::vector<chart::PaneSeries>& columns, const market::CandleSeries* candles,
                   const orderflow::FootprintSeries* footprint, orderflow::CvdAnchor anchor);

}  // namespace cpc::app
