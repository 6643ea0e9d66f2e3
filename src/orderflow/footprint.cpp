#include "cpc/orderflow/footprint.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace cpc::orderflow {

namespace {

std::int64_t floorDiv128(Int128 a, Int128 b) {
    Int128 q = a / b;
    if (a % b != 0 && ((a < 0) != (b < 0))) --q;
    return static_cast<std::int64_t>(q);
}

std::int64_t floorDiv64(std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    if (a % b != 0 && ((a < 0) != (b < 0))) --q;
    return q;
}

}  // namespace

FootprintSeries::FootprintSeries(Interval interval, Decimal rowSize, std::size_t maxBars)
    : m_interval(interval), m_rowSize(rowSize), m_maxBars(std::max<std::size_t>(1, maxBars)) {
    if (rowSize.units() <= 0) throw std::invalid_argument("footprint row size must be positive");
}

std::int64_t FootprintSeries::rowOf(Decimal price) const { return floorDiv128(price.units(), m_rowSize.units()); }

const FootprintBar* FootprintSeries::find(std::int64_t openTime) const {
    const auto it = std::lower_bound(m_bars.begin(), m_bars.end(), openTime,
                                     [](const FootprintBar& b, std::int64_t t) { return b.openTime < t; });
    return it != m_bars.end() && it->openTime == openTime ? &*it : nullptr;
}

FootprintBar& FootprintSeries::barFor(std::int64_t openTime, bool& ok) {
    ok = true;
    // The usual case: the newest bar, or the next one.
    if (m_bars.empty() || m_bars.back().openTime < openTime) {
        m_bars.push_back(FootprintBar{});
        m_bars.back().openTime = openTime;
        if (m_bars.size() > m_maxBars) m_bars.pop_front();
        return m_bars.back();
    }
    if (m_bars.back().openTime == openTime) return m_bars.back();
    const auto it = std::lower_bound(m_bars.begin(), m_bars.end(), openTime,
                                     [](const FootprintBar& b, std::int64_t t) { return b.openTime < t; });
    if (it != m_bars.end() && it->openTime == openTime) return *it;
    if (it == m_bars.begin() && m_bars.size() >= m_maxBars) {
        ok = false;  // older than everything a full series keeps
        return m_bars.front();
    }
    FootprintBar bar;
    bar.openTime = openTime;
    FootprintBar& inserted = *m_bars.insert(it, std::move(bar));
    // Not the front (refused above when full), so dropping the front leaves it in place.
    if (m_bars.size() > m_maxBars) m_bars.pop_front();
    return inserted;
}

bool FootprintSeries::add(std::int64_t timeMs, Decimal price, Decimal quantity, bool buyerIsMaker) {
    if (quantity.units() <= 0) return false;
    bool ok = false;
    FootprintBar& bar = barFor(bucketStart(m_interval, timeMs), ok);
    if (!ok) return false;
    const std::int64_t row = rowOf(price);
    SideVolumes& v = bar.rows[row];
    // The buyer was the maker: the seller crossed the spread, an aggressive sell.
    (buyerIsMaker ? v.sell : v.buy) += quantity;
    (buyerIsMaker ? bar.totals.sell : bar.totals.buy) += quantity;
    if (bar.trades == 0) {
        bar.lowRow = bar.highRow = bar.pocRow = row;
    } else {
        bar.lowRow = std::min(bar.lowRow, row);
        bar.highRow = std::max(bar.highRow, row);
        const Decimal pocTotal = bar.rows.find(bar.pocRow)->second.total();
        const Decimal total = v.total();
        if (total > pocTotal || (total == pocTotal && row < bar.pocRow)) bar.pocRow = row;
    }
    ++bar.trades;
    const Decimal d = bar.delta();
    if (d > bar.deltaHigh) bar.deltaHigh = d;
    if (d < bar.deltaLow) bar.deltaLow = d;
    return true;
}

std::size_t FootprintSeries::addEarlier(const std::vector<exchange::TradeTick>& trades) {
    std::size_t taken = 0;
    for (std::size_t i = 0; i < trades.size();) {
        const std::int64_t openTime = bucketStart(m_interval, trades[i].timeMs);
        // This bar's history alone, in a series of its own (the same rules as add()).
        FootprintSeries one(m_interval, m_rowSize, 1);
        std::size_t n = 0;
        for (; i < trades.size() && bucketStart(m_interval, trades[i].timeMs) == openTime; ++i)
            n += one.add(trades[i]) ? 1 : 0;
        if (one.size() == 0) continue;
        FootprintBar h = std::move(one.m_bars.front());
        bool ok = false;
        FootprintBar& bar = barFor(openTime, ok);
        if (!ok) continue;
        taken += n;
        if (bar.trades == 0) {
            bar = std::move(h);
            continue;
        }
        // History first, then what the series held (the live trades, later in the bar).
        const Decimal historyClose = h.delta();
        h.deltaHigh = std::max(h.deltaHigh, historyClose + bar.deltaHigh);
        h.deltaLow = std::min(h.deltaLow, historyClose + bar.deltaLow);
        for (const auto& [row, v] : bar.rows) {
            SideVolumes& sum = h.rows[row];
            sum.buy += v.buy;
            sum.sell += v.sell;
        }
        h.totals.buy += bar.totals.buy;
        h.totals.sell += bar.totals.sell;
        h.trades += bar.trades;
        h.lowRow = std::min(h.lowRow, bar.lowRow);
        h.highRow = std::max(h.highRow, bar.highRow);
        Decimal best = Decimal::fromInt(-1);
        for (const auto& [row, v] : h.rows)
            if (v.total() > best || (v.total() == best && row < h.pocRow)) {
                best = v.total();
                h.pocRow = row;
            }
        bar = std::move(h);
    }
    return taken;
}

std::vector<CvdCandle> intrabarCvd(const FootprintSeries& series, CvdAnchor anchor) {
    std::vector<CvdCandle> out;
    out.reserve(series.size());
    Decimal cvd;
    std::int64_t day = 0;
    for (std::size_t i = 0; i < series.size(); ++i) {
        const FootprintBar& bar = series[i];
        const std::int64_t barDay = floorDiv64(bar.openTime, 86'400'000);
        if (anchor != CvdAnchor::None && (i == 0 || barDay != day)) cvd = Decimal{};
        day = barDay;
        CvdCandle c;
        c.openTime = bar.openTime;
        c.open = cvd;
        c.high = cvd + bar.deltaHigh;
        c.low = cvd + bar.deltaLow;
        c.close = cvd + bar.delta();
        cvd = c.close;
        out.push_back(c);
    }
    return out;
}

FootprintLevels levelsOf(const FootprintBar& bar, int multiple, double imbalanceRatio) {
    FootprintLevels out;
    if (bar.trades == 0 || bar.rows.empty()) return out;
    const std::int64_t m = std::max(1, multiple);
    const std::int64_t low = floorDiv64(bar.lowRow, m);
    const std::int64_t high = floorDiv64(bar.highRow, m);
    out.levels.resize(static_cast<std::size_t>(high - low + 1));
    for (std::size_t i = 0; i < out.levels.size(); ++i) out.levels[i].row = low + static_cast<std::int64_t>(i);
    if (m == 1) {
        for (const auto& [row, v] : bar.rows) {
            FootprintLevel& l = out.levels[static_cast<std::size_t>(row - low)];
            l.buy = v.buy.toDouble();
            l.sell = v.sell.toDouble();
        }
    } else {
        // Sum exactly, convert once: a level's volume equals the sum of its trades.
        std::vector<SideVolumes> sums(out.levels.size());
        for (const auto& [row, v] : bar.rows) {
            SideVolumes& s = sums[static_cast<std::size_t>(floorDiv64(row, m) - low)];
            s.buy += v.buy;
            s.sell += v.sell;
        }
        for (std::size_t i = 0; i < sums.size(); ++i) {
            out.levels[i].buy = sums[i].buy.toDouble();
            out.levels[i].sell = sums[i].sell.toDouble();
        }
    }
    double best = -1.0;
    for (std::size_t i = 0; i < out.levels.size(); ++i) {
        FootprintLevel& l = out.levels[i];
        const double total = l.buy + l.sell;
        if (total > best) {
            best = total;
            out.pocIndex = i;
        }
        // Diagonal: the buyers at this price lifted offers one row above the sellers' row below.
        if (i > 0 && l.buy > 0.0 && l.buy >= imbalanceRatio * out.levels[i - 1].sell) l.buyImbalance = true;
        if (i + 1 < out.levels.size() && l.sell > 0.0 && l.sell >= imbalanceRatio * out.levels[i + 1].buy)
            l.sellImbalance = true;
    }
    return out;
}

int rowMultipleForZoom(double baseRowPixels, double minRowPixels) {
    if (!(baseRowPixels > 0.0) || !std::isfinite(baseRowPixels)) return 1;
    static constexpr int kSteps[] = {1, 2, 5};
    for (long long decade = 1; decade <= 1'000'000'000LL; decade *= 10) {
        for (int s : kSteps) {
            const long long m = s * decade;
            if (baseRowPixels * static_cast<double>(m) >= minRowPixels) return static_cast<int>(m);
        }
    }
    return 1'000'000'000;
}

}  // namespace cpc::orderflow
