#include "cpc/chart/chart_model.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include "cpc/chart/format.hpp"
#include "cpc/core/time.hpp"
#include "cpc/market/candle_series.hpp"

namespace cpc::chart {

namespace {
// Candle pane: room above the highest wick for the legend, a little below the lowest.
constexpr double kPriceMarginTop = 0.12;
constexpr double kPriceMarginBottom = 0.08;
// Volume pane: bars grow from the bottom edge.
constexpr double kVolumeMarginTop = 0.12;
constexpr double kVolumeMarginBottom = 0.0;
// Cap for walking calendar buckets past either end of the data.
constexpr std::int64_t kMaxExtrapolatedBars = 200'000;
}  // namespace

ChartModel::ChartModel()
    : m_clock([] { return cpc::nowMs(); }),
      m_priceScale(0, 0, kPriceMarginTop, kPriceMarginBottom),
      m_volumeScale(0, 0, kVolumeMarginTop, kVolumeMarginBottom) {
    m_volumeScale.setRange(PriceRange{0.0, 1.0});
}

void ChartModel::setTextMeasurer(const TextMeasurer* measurer) {
    m_measurer = measurer;
    m_priceLabelWidth = 0;
    relayout();
    invalidate(Invalidation::Full);
}

const TextMeasurer& ChartModel::textMeasurer() const {
    return m_measurer != nullptr ? *m_measurer : m_fallbackMeasurer;
}

void ChartModel::setClock(Clock clock) {
    m_clock = clock ? std::move(clock) : Clock([] { return cpc::nowMs(); });
    invalidate(Invalidation::Cursor);
}

std::span<const Candle> ChartModel::candles() const {
    return m_series != nullptr ? m_series->candles() : std::span<const Candle>{};
}

std::string ChartModel::title() const {
    if (m_series == nullptr) return {};
    const SeriesKey& key = m_series->key();
    std::string t = key.symbol;
    t += t.empty() ? "" : " · ";
    t += toString(m_interval);
    if (!key.exchange.empty()) {
        std::string venue = key.exchange;
        venue[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(venue[0])));
        t += " · " + venue;
    }
    return t;
}

void ChartModel::setSeries(const market::CandleSeries* series, Interval interval,
                           int priceDecimals) {
    m_series = series;
    m_interval = interval;
    m_priceDecimals = std::clamp(priceDecimals, 0, 10);
    const auto bars = candles();
    m_seenRevision = series != nullptr ? series->revision() : 0;
    m_seenCount = bars.size();
    m_seenLastOpenTime =
        bars.empty() ? std::nullopt : std::optional<std::int64_t>(bars.back().openTime);
    m_timeScale.setBarCount(bars.size());
    m_timeScale.reset();
    m_priceScale.setAutoScale(true);
    m_volumeScale.setAutoScale(true);
    m_priceLabelWidth = 0;
    m_lastCountdownSecond = -1;
    relayout();
    invalidate(Invalidation::Full);
}

void ChartModel::seriesChanged() {
    if (m_series == nullptr) {
        invalidate(Invalidation::Light);
        return;
    }
    const auto bars = candles();
    const std::size_t n = bars.size();
    if (m_series->revision() == m_seenRevision && n == m_seenCount) return;

    if (n == 0 || m_seenCount == 0 || !m_seenLastOpenTime) {
        // First data after "Loading…", or the series was cleared: start at the live edge.
        m_timeScale.setBarCount(n);
        m_timeScale.scrollToLiveEdge();
        m_priceLabelWidth = 0;
    } else {
        // Bars after the previously newest bar were appended; anything else was inserted before
        // it (history paging), which leaves the view alone because rightOffset counts from the end.
        const std::size_t at = m_series->lowerBound(*m_seenLastOpenTime);
        std::size_t appended = 0;
        if (at < n && bars[at].openTime == *m_seenLastOpenTime) appended = n - 1 - at;
        m_timeScale.setBarCount(n - appended);
        m_timeScale.appendBars(appended);
    }
    m_seenRevision = m_series->revision();
    m_seenCount = n;
    m_seenLastOpenTime = n == 0 ? std::nullopt : std::optional<std::int64_t>(bars.back().openTime);
    invalidate(Invalidation::Light);
}

void ChartModel::setViewportSize(double width, double height) {
    width = std::max(0.0, width);
    height = std::max(0.0, height);
    if (width == m_viewportW && height == m_viewportH) return;
    m_viewportW = width;
    m_viewportH = height;
    relayout();
    invalidate(Invalidation::Full);
}

ChartRegion ChartModel::regionAt(Point p) const {
    if (m_layout.candlePane.contains(p)) return ChartRegion::CandlePane;
    if (m_layout.volumePane.contains(p)) return ChartRegion::VolumePane;
    if (m_layout.priceAxis.contains(p)) return ChartRegion::PriceAxis;
    if (m_layout.volumeAxis.contains(p)) return ChartRegion::VolumeAxis;
    if (m_layout.timeAxis.contains(p)) return ChartRegion::TimeAxis;
    return ChartRegion::None;
}

void ChartModel::relayout() {
    if (m_priceLabelWidth <= 0) m_priceLabelWidth = requiredPriceLabelWidth();
    m_layout = computeLayout(m_viewportW, m_viewportH, m_priceLabelWidth, textMeasurer());
    m_timeScale.setWidth(m_layout.candlePane.width);
    m_priceScale.setPane(m_layout.candlePane.y, m_layout.candlePane.height);
    m_volumeScale.setPane(m_layout.volumePane.y, m_layout.volumePane.height);
}

double ChartModel::requiredPriceLabelWidth() const {
    const TextMeasurer& m = textMeasurer();
    const PriceRange r = m_priceScale.range();
    double w = std::max(m.textWidth(formatPrice(r.max, m_priceDecimals)),
                        m.textWidth(formatPrice(r.min, m_priceDecimals)));
    if (const auto bars = candles(); !bars.empty())
        w = std::max(w, m.textWidth(formatPrice(bars.back().close.toDouble(), m_priceDecimals)));
    w = std::max(w, m.textWidth(formatVolume(m_volumeScale.range().max)));
    w = std::max(w, m.textWidth(formatCountdown(nominalMs(m_interval))));
    return std::ceil(w);
}

void ChartModel::prepareFrame(Invalidation level) {
    if (level >= Invalidation::Full) {
        m_priceLabelWidth = 0;  // fonts or size changed: measure afresh
        relayout();
    }
    if (level >= Invalidation::Light) {
        autoscale();
        const double needed = requiredPriceLabelWidth();
        if (needed > m_priceLabelWidth) {
            m_priceLabelWidth = needed;
            relayout();
            autoscale();  // the pane got narrower, so the visible range may have changed
        }
    }
}

void ChartModel::autoscale() {
    const auto bars = candles();
    const IndexRange range = m_timeScale.visibleRange();
    if (bars.empty() || range.empty()) return;
    double lo = std::numeric_limits<double>::infinity();
    double hi = -std::numeric_limits<double>::infinity();
    double maxVolume = 0;
    for (std::int64_t i = range.first; i <= range.last; ++i) {
        const Candle& c = bars[static_cast<std::size_t>(i)];
        lo = std::min(lo, c.low.toDouble());
        hi = std::max(hi, c.high.toDouble());
        maxVolume = std::max(maxVolume, c.volume.toDouble());
    }
    m_priceScale.autoscaleTo(lo, hi);
    m_volumeScale.autoscaleTo(0.0, maxVolume > 0 ? maxVolume : 1.0);
}

void ChartModel::zoom(double anchorX, double factor) {
    m_timeScale.zoom(anchorX - m_layout.candlePane.x, factor);
    invalidate(Invalidation::Light);
}

void ChartModel::scrollBy(double dxPx) {
    m_timeScale.scrollBy(dxPx);
    invalidate(Invalidation::Light);
}

void ChartModel::scrollToLiveEdge() {
    m_timeScale.scrollToLiveEdge();
    invalidate(Invalidation::Light);
}

void ChartModel::scrollToFirstBar() {
    m_timeScale.scrollToFirstBar();
    invalidate(Invalidation::Light);
}

void ChartModel::setBarSpacing(double spacing) {
    m_timeScale.setBarSpacing(spacing);
    invalidate(Invalidation::Light);
}

void ChartModel::resetView() {
    m_timeScale.reset();
    m_priceScale.setAutoScale(true);
    m_volumeScale.setAutoScale(true);
    invalidate(Invalidation::Light);
}

void ChartModel::scalePrice(double factor) {
    m_priceScale.scaleBy(factor);
    invalidate(Invalidation::Light);
}

void ChartModel::panPrice(double dyPx) {
    m_priceScale.panBy(dyPx);
    invalidate(Invalidation::Light);
}

void ChartModel::setAutoScale(bool on) {
    m_priceScale.setAutoScale(on);
    invalidate(Invalidation::Light);
}

void ChartModel::setCrosshair(Point p) {
    if (m_crosshair && *m_crosshair == p) return;
    m_crosshair = p;
    invalidate(Invalidation::Cursor);
}

void ChartModel::clearCrosshair() {
    if (!m_crosshair) return;
    m_crosshair.reset();
    invalidate(Invalidation::Cursor);
}

std::optional<std::size_t> ChartModel::hoveredIndex() const {
    if (!m_crosshair) return std::nullopt;
    const ChartRegion region = regionAt(*m_crosshair);
    if (region != ChartRegion::CandlePane && region != ChartRegion::VolumePane) return std::nullopt;
    const std::int64_t i = m_timeScale.xToIndex(m_crosshair->x - m_layout.candlePane.x);
    if (i < 0 || i >= static_cast<std::int64_t>(candles().size())) return std::nullopt;
    return static_cast<std::size_t>(i);
}

std::optional<std::int64_t> ChartModel::timeAtIndex(std::int64_t index) const {
    const auto bars = candles();
    if (bars.empty()) return std::nullopt;
    const auto n = static_cast<std::int64_t>(bars.size());
    if (index >= 0 && index < n) return bars[static_cast<std::size_t>(index)].openTime;
    const bool calendar = isCalendar(m_interval);
    const std::int64_t step = nominalMs(m_interval);
    if (index >= n) {
        const std::int64_t ahead = index - (n - 1);
        std::int64_t t = bars.back().openTime;
        if (!calendar) return t + ahead * step;
        if (ahead > kMaxExtrapolatedBars) return std::nullopt;
        for (std::int64_t k = 0; k < ahead; ++k) t = nextBucketStart(m_interval, t);
        return t;
    }
    const std::int64_t behind = -index;
    std::int64_t t = bars.front().openTime;
    if (!calendar) return t - behind * step;
    if (behind > kMaxExtrapolatedBars) return std::nullopt;
    for (std::int64_t k = 0; k < behind; ++k) t = bucketStart(m_interval, t - 1);
    return t;
}

std::optional<std::int64_t> ChartModel::countdownMs() const {
    const auto bars = candles();
    if (bars.empty() || bars.back().closed) return std::nullopt;
    const std::int64_t close = nextBucketStart(m_interval, bars.back().openTime);
    const std::int64_t left = close - now();
    // Negative: the data is old (or the clock is off); beyond one bar: the clock is off.
    if (left < 0 || left > close - bars.back().openTime) return std::nullopt;
    return left;
}

void ChartModel::clockTick() {
    const auto left = countdownMs();
    const std::int64_t second = left ? (*left + 999) / 1000 : -1;
    if (second == m_lastCountdownSecond) return;
    m_lastCountdownSecond = second;
    invalidate(Invalidation::Cursor);
}

void ChartModel::invalidate(Invalidation level) {
    if (level == Invalidation::None) return;
    m_pending = mergeInvalidation(m_pending, level);
    if (m_onInvalidate) m_onInvalidate(m_pending);
}

Invalidation ChartModel::takeInvalidation() {
    const Invalidation level = m_pending;
    m_pending = Invalidation::None;
    return level;
}

}  // namespace cpc::chart
