#pragma once
// The listing day of a symbol on a venue: the open time of its first 1d candle, the anchor of our
// 3d buckets (Binance's rule; see docs/ARCHITECTURE.md). Venues without our 3d (Bybit, OKX,
// KuCoin) leave it to the client, and their newest-first REST cannot simply be asked for the
// oldest row, so this is a binary search over days with newest-rows 1d pages that end at the
// probed day: an empty page means "listed later"; otherwise the listing is no later than the
// page's first row, and is exactly that row when the page is shorter than asked on a venue
// without gaps. A venue whose days skip no-trade days (historyHasGaps(), KuCoin) is asked for its
// widest page (1,500 days), so a quiet day is not taken for the time before the listing. About 13
// requests from earliestHistoryMs() to today. Pure: the caller makes the requests (MarketFeed
// through its REST gate, `cpc fetch` through its own).
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cpc/exchange/exchange_adapter.hpp"

namespace cpc::exchange {

class ListingDaySearch {
public:
    ListingDaySearch(const ExchangeAdapter& adapter, std::string symbol, std::int64_t serverNowMs)
        : m_symbol(std::move(symbol)),
          m_gaps(adapter.historyHasGaps()),
          m_limit(std::max(1, m_gaps ? adapter.maxHistoryLimit() : std::min(100, adapter.maxHistoryLimit()))),
          m_lo(bucketStart(Interval::D1, adapter.earliestHistoryMs())),
          m_hi(bucketStart(Interval::D1, serverNowMs)) {}

    // The next page to ask for; nullopt once the day is known (day()).
    std::optional<HistoryQuery> next() const {
        if (m_lo >= m_hi) return std::nullopt;
        return HistoryQuery{m_symbol, Interval::D1, std::nullopt, mid() + kDayMs - 1, m_limit};
    }
    // The rows the venue answered to next()'s query (any order).
    void answer(const std::vector<Candle>& rows) {
        const std::int64_t probed = mid();
        std::optional<std::int64_t> first;
        for (const Candle& c : rows)
            if (c.openTime <= probed + kDayMs - 1 && (!first || c.openTime < *first)) first = c.openTime;
        if (!first) {
            m_lo = probed + kDayMs;
            return;
        }
        m_hi = std::min(m_hi, bucketStart(Interval::D1, *first));
        if (!m_gaps && rows.size() < static_cast<std::size_t>(m_limit)) m_lo = m_hi;
    }
    // The listing day (00:00 UTC); meaningful once next() is nullopt.
    std::int64_t day() const { return m_lo; }

private:
    std::int64_t mid() const { return m_lo + (m_hi - m_lo) / kDayMs / 2 * kDayMs; }

    std::string m_symbol;
    bool m_gaps;
    int m_limit;
    std::int64_t m_lo;  // the listing is no earlier
    std::int64_t m_hi;  // and no later
};

}  // namespace cpc::exchange
