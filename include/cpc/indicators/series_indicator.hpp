#pragma once
// Keeps one indicator in step with a CandleSeries (same owning thread as the series).
//
//   SeriesIndicator rsi(std::move(*cpc::indicators::create("RSI")));
//   const auto outcome = series.upsert(candle);
//   rsi.onUpsert(series, outcome);      // O(1) for a forming-candle tick or a new candle
#include <cstdint>
#include <memory>

#include "cpc/indicators/indicator.hpp"
#include "cpc/market/candle_series.hpp"

namespace cpc::indicators {

class SeriesIndicator {
public:
    enum class SyncKind : unsigned char { Unchanged, Incremental, Full };

    explicit SeriesIndicator(std::unique_ptr<Indicator> indicator);

    Indicator& indicator() { return *m_indicator; }
    const Indicator& indicator() const { return *m_indicator; }

    // Exact: call after every CandleSeries::upsert with its outcome. Appended → one appended row,
    // UpdatedLast → the last row revised, Inserted/Replaced (history changed) → full recompute.
    SyncKind onUpsert(const market::CandleSeries& series, market::UpsertOutcome outcome);
    // After any batch of changes (merge(), several upserts): revises the previously last candle and
    // appends the new ones when the series only grew at its end; recomputes everything otherwise.
    // Older candles are assumed final (closed klines do not change); use recompute() after
    // rewriting history.
    SyncKind sync(const market::CandleSeries& series);
    void recompute(const market::CandleSeries& series);

private:
    void remember(const market::CandleSeries& series);

    std::unique_ptr<Indicator> m_indicator;
    std::size_t m_size = 0;
    std::int64_t m_firstOpen = 0;
    std::int64_t m_lastOpen = 0;
    std::uint64_t m_revision = 0;
    bool m_synced = false;
};

}  // namespace cpc::indicators
