#pragma once
// What a perpetual chart knows about its symbol beyond the candles (Qt-free, GUI thread): the
// mark and index price as they were pushed (and the venue's candles of them before that), the funding rate with its next funding time and the
// settled history, open interest (the venue's history joined with the live values), and the
// liquidations seen — each bounded. PerpChart fills it from session::PerpFeed's events and turns
// it into the chart's lines, panes and bubbles with the per-candle functions below.
//
// Per candle: values are index-aligned with the candles (NaN = nothing known for that candle).
// A candle takes the last value at or before its end (the next candle's open), held forward for
// at most `holdMs` past the candle's open — a feed that stopped leaves the later candles empty
// instead of drawing a stale value across them.
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cpc/core/interval.hpp"
#include "cpc/exchange/events.hpp"
#include "cpc/feed/feed_events.hpp"
#include "cpc/market/candle_series.hpp"

namespace cpc::app {

class PerpData {
public:
    static constexpr std::size_t kMaxMarkSamples = 200'000;  // about two days of 1 s pushes
    static constexpr std::size_t kMaxOpenInterestPoints = 50'000;
    static constexpr std::size_t kMaxLiquidations = 2'000;

    struct Sample {
        std::int64_t timeMs = 0;
        double value = 0;
    };

    void clear();

    // ---- input (events of session::PerpFeed, in arrival order) ------------------------------
    void addMarkPrice(const exchange::MarkPriceUpdate& update);
    // The venue's mark- and index-price candles of the bars before the live pushes (session::
    // PriceHistory): each closed candle becomes a sample of its close at its last millisecond
    // (where a push at that moment would be). Only those older than the first live sample are
    // taken — where both have a value the live one stays — so the history and the pushes are one
    // series without a gap or an overlap.
    void addPriceHistory(Interval interval, const std::vector<Candle>& mark, const std::vector<Candle>& index);
    void setFunding(const exchange::FundingUpdate& update, std::int64_t receivedMs);
    void setFundingHistory(std::vector<exchange::FundingRatePoint> points);
    void setOpenInterestHistory(const feed::OpenInterestHistory& history);
    void addOpenInterest(const exchange::OpenInterestUpdate& update);
    void addLiquidation(const exchange::Liquidation& liquidation);

    // ---- what is known -------------------------------------------------------------------------
    const std::vector<Sample>& markSamples() const { return m_mark; }
    const std::vector<Sample>& indexSamples() const { return m_index; }
    std::optional<double> markPrice() const;
    std::optional<double> indexPrice() const;
    std::optional<double> fundingRate() const { return m_fundingRate; }  // 0.0001 = 0.01 %
    std::optional<std::int64_t> nextFundingTimeMs() const { return m_nextFundingMs; }
    // Time left to the next funding at local time `nowMs`: the venue's event time of the last
    // funding update plus the local time elapsed since it arrived (the venue's clock, not the
    // local one, which may be off by seconds), never below zero. nullopt until a funding time is known.
    std::optional<std::int64_t> fundingCountdownMs(std::int64_t nowMs) const;
    const std::vector<exchange::FundingRatePoint>& fundingHistory() const { return m_fundingHistory; }
    // History rows and live values in one ascending list (one point per time; a live value at a
    // history row's time replaces it).
    const std::vector<exchange::OpenInterestPoint>& openInterest() const { return m_openInterest; }
    std::optional<Interval> openInterestPeriod() const { return m_openInterestPeriod; }
    bool openInterestReachedStart() const { return m_openInterestReachedStart; }
    // The largest step between two successive open-interest points at or after `fromMs` (0 when
    // fewer than two): a joined history and live series has none larger than the history's period.
    std::int64_t largestOpenInterestGapMs(std::int64_t fromMs = 0) const;
    const std::deque<exchange::Liquidation>& liquidations() const { return m_liquidations; }
    std::uint64_t liquidationsSeen() const { return m_liquidationsSeen; }

    // ---- per candle --------------------------------------------------------------------------
    // The last sample at or before each candle's end, held at most holdMs past its open.
    static std::vector<double> stepValues(market::CandleView candles, Interval interval,
                                          const std::vector<Sample>& samples, std::int64_t holdMs);
    std::vector<double> markValues(market::CandleView candles, Interval interval) const;
    std::vector<double> indexValues(market::CandleView candles, Interval interval) const;
    // Open interest per candle (the joined series), held for two of its periods.
    std::vector<double> openInterestValues(market::CandleView candles, Interval interval) const;
    // The funding rate in percent of the period each candle is in: a settled period's rate from
    // the history, the current (predicted) rate for the period that has not been paid yet; NaN
    // before the history's first period.
    std::vector<double> fundingValues(market::CandleView candles) const;

    // "00:42:05" (hours may pass 24: "31:00:00").
    static std::string countdownText(std::int64_t ms);

private:
    std::vector<Sample> m_mark;
    std::vector<Sample> m_index;
    std::optional<double> m_fundingRate;
    std::optional<std::int64_t> m_nextFundingMs;
    std::int64_t m_fundingEventMs = 0;     // venue time of the last funding update
    std::int64_t m_fundingReceivedMs = 0;  // local time it arrived
    std::vector<exchange::FundingRatePoint> m_fundingHistory;
    std::vector<exchange::OpenInterestPoint> m_openInterest;
    std::optional<Interval> m_openInterestPeriod;
    bool m_openInterestReachedStart = false;
    std::deque<exchange::Liquidation> m_liquidations;
    std::uint64_t m_liquidationsSeen = 0;
};

}  // namespace cpc::app
