#include "cpc/chart/chart_model.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include "cpc/chart/format.hpp"
#include "cpc/core/ascii.hpp"
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
// Extra panes: a little room above and below their lines.
constexpr double kPaneMargin = 0.1;
// Above this many visible bars autoscale reads the min/max pyramid instead of every bar.
constexpr std::int64_t kPyramidAutoscaleBars = 4096;
// Bars at the end re-read after any change: a backfill may upsert bars just before the newest.
constexpr std::size_t kTailRecheckBars = 1024;

// 0 inside the box, else the distance to its nearest edge (filled drawings are hit inside).
double distanceToBox(Point p, const Rect& box) {
    if (box.contains(p)) return 0.0;
    return std::hypot(std::max({box.left() - p.x, 0.0, p.x - box.right()}),
                      std::max({box.top() - p.y, 0.0, p.y - box.bottom()}));
}

double distanceToSegment(Point p, Point a, Point b, bool rayB) {
    const double dx = b.x - a.x;
    const double dy = b.y - a.y;
    const double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0.0;
    t = rayB ? std::max(0.0, t) : std::clamp(t, 0.0, 1.0);
    return std::hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}
}  // namespace

std::string_view toString(ChartType type) {
    switch (type) {
    case ChartType::Candles: return "candles";
    case ChartType::HollowCandles: return "hollow";
    case ChartType::HeikinAshi: return "heikin-ashi";
    case ChartType::Bars: return "bars";
    case ChartType::Line: return "line";
    case ChartType::Area: return "area";
    case ChartType::Baseline: return "baseline";
    case ChartType::Footprint: return "footprint";
    }
    return "candles";
}

std::optional<ChartType> parseChartType(std::string_view text) {
    for (const ChartType t : kAllChartTypes)
        if (toString(t) == text) return t;
    return std::nullopt;
}

std::string acceptedChartTypesText() {
    std::string out;
    for (const ChartType t : kAllChartTypes) {
        if (!out.empty()) out += ' ';
        out += toString(t);
    }
    return out;
}

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

market::CandleView ChartModel::candles() const {
    return m_series != nullptr ? m_series->candles() : market::CandleView{};
}

std::string ChartModel::title() const {
    if (m_series == nullptr) return {};
    const SeriesKey& key = m_series->key();
    std::string t = key.symbol;
    t += t.empty() ? "" : " · ";
    t += toString(m_interval);
    if (!m_venueLabel.empty()) {
        t += " · " + m_venueLabel;
    } else if (!key.exchange.empty()) {
        std::string venue = key.exchange;
        venue[0] = toUpperAscii(venue[0]);
        t += " · " + venue;
    }
    return t;
}

void ChartModel::setVenueLabel(std::string label) {
    if (label == m_venueLabel) return;
    m_venueLabel = std::move(label);
    invalidate(Invalidation::Light);
}

void ChartModel::setTextLocale(TextLocale locale) {
    m_textLocale = std::move(locale);
    invalidate(Invalidation::Full);
}

int ChartModel::decimalsOfTick(double tick) {
    if (!(tick > 0.0) || !std::isfinite(tick)) return 0;
    double scaled = tick;
    for (int d = 0; d < 10; ++d, scaled *= 10.0)
        if (std::fabs(scaled - std::round(scaled)) <= 1e-9 * std::max(1.0, scaled)) return d;
    return 10;
}

double ChartModel::tickSize() const { return m_tickSize > 0.0 ? m_tickSize : std::pow(10.0, -m_priceDecimals); }

double ChartModel::roundToTick(double price) const {
    const double tick = tickSize();
    return std::isfinite(price) ? std::round(price / tick) * tick : price;
}

void ChartModel::applyPricePrecision(int priceDecimals, double tickSize) {
    m_tickSize = std::isfinite(tickSize) && tickSize > 0.0 ? tickSize : 0.0;
    m_priceDecimals = m_tickSize > 0.0 ? decimalsOfTick(m_tickSize) : std::clamp(priceDecimals, 0, 10);
}

void ChartModel::setPricePrecision(int priceDecimals, double tickSize) {
    const int oldDecimals = m_priceDecimals;
    const double oldTick = m_tickSize;
    applyPricePrecision(priceDecimals, tickSize);
    if (m_priceDecimals != oldDecimals || m_tickSize != oldTick) invalidate(Invalidation::Full);
}

void ChartModel::setSeries(const market::CandleSeries* series, Interval interval,
                           int priceDecimals, double tickSize) {
    m_series = series;
    m_interval = interval;
    applyPricePrecision(priceDecimals, tickSize);
    const auto bars = candles();
    m_seenRevision = series != nullptr ? series->revision() : 0;
    m_seenCount = bars.size();
    m_seenLastOpenTime =
        bars.empty() ? std::nullopt : std::optional<std::int64_t>(bars.openTime(bars.size() - 1));
    m_timeScale.setBarCount(bars.size());
    m_timeScale.reset();
    m_priceScale.setAutoScale(true);
    m_volumeScale.setAutoScale(true);
    m_priceLabelWidth = 0;
    m_lastCountdownSecond = -1;
    m_historyRequestedAt = 0;
    rebuildCaches(0, true);
    relayout();
    invalidate(Invalidation::Full);
}

void ChartModel::rebuildCaches(std::size_t from, bool full) {
    const auto bars = candles();
    const std::size_t n = bars.size();
    if (full) {
        m_pyramid.rebuild(bars);
        from = 0;
    } else {
        from = std::min({from, n, n > kTailRecheckBars ? n - kTailRecheckBars : std::size_t{0}});
        m_pyramid.updateFrom(bars, from);
    }
    // Heikin-Ashi: close = mean of OHLC, open = mean of the previous HA open and close, high and
    // low include the HA open and close. Each bar depends on the previous one, so recompute
    // from `from` on. Kept only while the chart shows it (32 bytes per candle).
    if (m_chartType != ChartType::HeikinAshi) {
        m_heikinAshi.clear();
        m_heikinAshi.shrink_to_fit();
        return;
    }
    if (m_heikinAshi.size() > n) from = 0;
    from = std::min(from, m_heikinAshi.size());
    m_heikinAshi.resize(n);
    for (std::size_t i = from; i < n; ++i) {
        const double o = bars.open(i);
        const double h = bars.high(i);
        const double l = bars.low(i);
        const double cl = bars.close(i);
        OhlcBar ha;
        ha.close = (o + h + l + cl) / 4.0;
        ha.open = i == 0 ? (o + cl) / 2.0 : (m_heikinAshi[i - 1].open + m_heikinAshi[i - 1].close) / 2.0;
        ha.high = std::max({h, ha.open, ha.close});
        ha.low = std::min({l, ha.open, ha.close});
        m_heikinAshi[i] = ha;
    }
}

OhlcBar ChartModel::displayBar(std::size_t i) const {
    if (m_chartType == ChartType::HeikinAshi && i < m_heikinAshi.size()) return m_heikinAshi[i];
    const market::CandleView bars = candles();
    return OhlcBar{bars.open(i), bars.high(i), bars.low(i), bars.close(i)};
}

std::size_t ChartModel::cacheBytes() const {
    return m_pyramid.memoryBytes() + m_heikinAshi.capacity() * sizeof(OhlcBar);
}

void ChartModel::setChartType(ChartType type) {
    if (type == m_chartType) return;
    const bool heikinAshi = type == ChartType::HeikinAshi || m_chartType == ChartType::HeikinAshi;
    m_chartType = type;
    if (heikinAshi) rebuildCaches(0, true);  // builds or frees the Heikin-Ashi bars
    invalidate(Invalidation::Light);
}

void ChartModel::setPriceScaleMode(PriceScaleMode mode) {
    if (mode == m_priceScale.mode()) return;
    m_priceScale.setMode(mode);
    m_priceLabelWidth = 0;  // percent labels are narrower or wider than prices
    invalidate(Invalidation::Full);
}

void ChartModel::setPriceScaleInverted(bool inverted) {
    if (inverted == m_priceScale.inverted()) return;
    m_priceScale.setInverted(inverted);
    invalidate(Invalidation::Light);
}

void ChartModel::setVolumeVisible(bool visible) {
    if (visible == m_volumeVisible) return;
    m_volumeVisible = visible;
    relayout();
    invalidate(Invalidation::Full);
}

void ChartModel::setTimeZone(TimeZoneOffset offset) {
    m_timeZone = std::move(offset);
    invalidate(Invalidation::Light);
}

std::int64_t ChartModel::toDisplayTime(std::int64_t utcMs) const {
    return m_timeZone ? utcMs + m_timeZone(utcMs) : utcMs;
}

std::uint64_t ChartModel::addPane(std::string title, std::optional<std::size_t> position) {
    Pane pane;
    pane.id = m_nextPaneId++;
    pane.title = std::move(title);
    pane.scale.setMargins(kPaneMargin, kPaneMargin);
    const std::uint64_t id = pane.id;
    const std::size_t at = std::min(position.value_or(m_panes.size()), m_panes.size());
    m_panes.insert(m_panes.begin() + static_cast<std::ptrdiff_t>(at), std::move(pane));
    relayout();
    invalidate(Invalidation::Full);
    return id;
}

std::optional<std::size_t> ChartModel::paneIndex(std::uint64_t id) const {
    for (std::size_t i = 0; i < m_panes.size(); ++i)
        if (m_panes[i].id == id) return i;
    return std::nullopt;
}

std::optional<std::size_t> ChartModel::overlayIndex(std::uint64_t id) const {
    for (std::size_t i = 0; i < m_overlays.size(); ++i)
        if (m_overlays[i].id == id) return i;
    return std::nullopt;
}

bool ChartModel::removePane(std::uint64_t id) {
    const auto it = std::find_if(m_panes.begin(), m_panes.end(), [id](const Pane& p) { return p.id == id; });
    if (it == m_panes.end()) return false;
    m_panes.erase(it);
    relayout();
    invalidate(Invalidation::Full);
    return true;
}

bool ChartModel::setPaneSeries(std::uint64_t id, std::vector<PaneSeries> series) {
    const auto it = std::find_if(m_panes.begin(), m_panes.end(), [id](const Pane& p) { return p.id == id; });
    if (it == m_panes.end()) return false;
    it->series = std::move(series);
    invalidate(Invalidation::Light);
    return true;
}

bool ChartModel::editPaneSeries(std::uint64_t id, const std::function<void(std::vector<PaneSeries>&)>& edit) {
    const auto it = std::find_if(m_panes.begin(), m_panes.end(), [id](const Pane& p) { return p.id == id; });
    if (it == m_panes.end()) return false;
    edit(it->series);
    invalidate(Invalidation::Light);
    return true;
}

bool ChartModel::setPaneLevels(std::uint64_t id, std::vector<double> levels) {
    const auto it = std::find_if(m_panes.begin(), m_panes.end(), [id](const Pane& p) { return p.id == id; });
    if (it == m_panes.end()) return false;
    it->levels = std::move(levels);
    invalidate(Invalidation::Light);
    return true;
}

bool ChartModel::setPaneRange(std::uint64_t id, std::optional<Pane::Range> range) {
    const auto it = std::find_if(m_panes.begin(), m_panes.end(), [id](const Pane& p) { return p.id == id; });
    if (it == m_panes.end()) return false;
    if (range && !(range->high > range->low)) range.reset();  // an empty range fits the values
    it->fixedRange = range;
    invalidate(Invalidation::Light);
    return true;
}

bool ChartModel::setPaneHeightFraction(std::uint64_t id, double fraction) {
    const auto it = std::find_if(m_panes.begin(), m_panes.end(), [id](const Pane& p) { return p.id == id; });
    if (it == m_panes.end()) return false;
    it->heightFraction = std::isfinite(fraction) ? std::clamp(fraction, 0.0, 1.0) : 0.0;
    relayout();
    invalidate(Invalidation::Full);
    return true;
}

std::optional<std::size_t> ChartModel::paneSeparatorAt(Point p, double tolerancePx) const {
    if (p.x < 0 || p.x >= m_layout.viewport.width) return std::nullopt;
    for (std::size_t i = 0; i < m_layout.extraSeparatorsY.size(); ++i)
        if (std::abs(p.y - (m_layout.extraSeparatorsY[i] + 0.5)) <= tolerancePx) return i;
    return std::nullopt;
}

void ChartModel::dragPaneSeparator(std::size_t index, double y) {
    if (index >= m_layout.extraPanes.size() || index >= m_panes.size()) return;
    const double plotH = m_layout.timeAxis.y - m_layout.candlePane.y;
    if (plotH <= 0) return;
    const LayoutMetrics metrics;
    const double minHeight = metrics.minPaneHeight;
    // Every shown pane keeps the height it has now unless it is one of the two being resized.
    for (std::size_t i = 0; i < m_layout.extraPanes.size(); ++i)
        m_panes[i].heightFraction = m_layout.extraPanes[i].height / plotH;
    const Rect below = m_layout.extraPanes[index];
    if (index > 0) {
        // Between two extra panes: their total height stays, the boundary moves.
        const Rect above = m_layout.extraPanes[index - 1];
        const double top = above.top();
        const double bottom = below.bottom();
        const double sep = below.top() - above.bottom();
        const double lowest = top + minHeight;
        const double highest = bottom - minHeight - sep;
        if (highest < lowest) return;
        const double boundary = std::clamp(y, lowest, highest);
        m_panes[index - 1].heightFraction = (boundary - top) / plotH;
        m_panes[index].heightFraction = (bottom - (boundary + sep)) / plotH;
    } else {
        // Between the candles (and volume) and the first extra pane: the candle pane gives or
        // takes, down to its minimum share.
        double others = 0.0;
        for (std::size_t i = 1; i < m_layout.extraPanes.size(); ++i) others += m_layout.extraPanes[i].height;
        const double volumeH = m_layout.hasVolumePane() ? m_layout.volumePane.height : 0.0;
        const double budget = plotH * (1.0 - metrics.minCandleFraction) - volumeH - others;
        const double height = std::clamp(below.bottom() - y, minHeight, std::max(minHeight, budget));
        m_panes[index].heightFraction = height / plotH;
    }
    relayout();
    invalidate(Invalidation::Full);
}

std::uint64_t ChartModel::addOverlay(std::string title, std::vector<PaneSeries> series, bool ownScale,
                                     std::optional<std::size_t> position) {
    Overlay overlay;
    overlay.id = m_nextOverlayId++;
    overlay.title = std::move(title);
    overlay.series = std::move(series);
    overlay.ownScale = ownScale;
    overlay.scale.setMargins(kPaneMargin, kPaneMargin);
    overlay.scale.setPane(m_layout.candlePane.y, m_layout.candlePane.height);
    const std::uint64_t id = overlay.id;
    const std::size_t at = std::min(position.value_or(m_overlays.size()), m_overlays.size());
    m_overlays.insert(m_overlays.begin() + static_cast<std::ptrdiff_t>(at), std::move(overlay));
    invalidate(Invalidation::Light);
    return id;
}

bool ChartModel::removeOverlay(std::uint64_t id) {
    const auto it =
        std::find_if(m_overlays.begin(), m_overlays.end(), [id](const Overlay& o) { return o.id == id; });
    if (it == m_overlays.end()) return false;
    m_overlays.erase(it);
    invalidate(Invalidation::Light);
    return true;
}

bool ChartModel::setOverlayRebased(std::uint64_t id, bool rebase) {
    const auto at = overlayIndex(id);
    if (!at) return false;
    m_overlays[*at].rebase = rebase;
    invalidate(Invalidation::Light);  // the frame's autoscale sets its factor
    return true;
}

bool ChartModel::setOverlaySeries(std::uint64_t id, std::vector<PaneSeries> series) {
    return editOverlaySeries(id, [&series](std::vector<PaneSeries>& s) { s = std::move(series); });
}

bool ChartModel::editOverlaySeries(std::uint64_t id,
                                   const std::function<void(std::vector<PaneSeries>&)>& edit) {
    const auto it =
        std::find_if(m_overlays.begin(), m_overlays.end(), [id](const Overlay& o) { return o.id == id; });
    if (it == m_overlays.end()) return false;
    edit(it->series);
    invalidate(Invalidation::Light);
    return true;
}

std::optional<std::size_t> ChartModel::paneAt(Point p) const {
    for (std::size_t i = 0; i < m_layout.extraPanes.size(); ++i)
        if (m_layout.extraPanes[i].contains(p) || m_layout.extraAxes[i].contains(p)) return i;
    return std::nullopt;
}

void ChartModel::checkHistoryNeed() {
    if (!m_onHistoryNeeded || m_series == nullptr) return;
    const std::size_t n = candles().size();
    if (n == 0 || n == m_historyRequestedAt) return;
    if (m_timeScale.xToIndex(0.0) > kHistoryPrefetchBars) return;
    m_historyRequestedAt = n;
    m_onHistoryNeeded();
}

void ChartModel::drawingsChanged() {
    if (m_onDrawingsChanged) m_onDrawingsChanged();
    invalidate(Invalidation::Light);
}

void ChartModel::setSelection(std::optional<std::uint64_t> id) {
    if (id == m_selectedDrawing) return;
    m_selectedDrawing = id;
    if (m_onSelectionChanged) m_onSelectionChanged();
}

void ChartModel::setDrawings(std::vector<Drawing> drawings) {
    m_drawings = std::move(drawings);
    for (Drawing& d : m_drawings) d.id = m_nextDrawingId++;
    setSelection(std::nullopt);
    invalidate(Invalidation::Light);  // loading is not a user change: no handler call
}

void ChartModel::restoreDrawings(std::vector<Drawing> drawings) {
    m_drawings = std::move(drawings);
    for (const Drawing& d : m_drawings) m_nextDrawingId = std::max(m_nextDrawingId, d.id + 1);
    if (m_selectedDrawing && !drawing(*m_selectedDrawing)) setSelection(std::nullopt);
    drawingsChanged();
}

const Drawing* ChartModel::drawing(std::uint64_t id) const {
    const auto it = std::find_if(m_drawings.begin(), m_drawings.end(), [id](const Drawing& d) { return d.id == id; });
    return it == m_drawings.end() ? nullptr : &*it;
}

std::uint64_t ChartModel::addDrawing(Drawing drawing) {
    drawing.id = m_nextDrawingId++;
    m_drawings.push_back(drawing);
    drawingsChanged();
    return drawing.id;
}

bool ChartModel::removeDrawing(std::uint64_t id) {
    const auto it = std::find_if(m_drawings.begin(), m_drawings.end(), [id](const Drawing& d) { return d.id == id; });
    if (it == m_drawings.end()) return false;
    m_drawings.erase(it);
    if (m_selectedDrawing == id) setSelection(std::nullopt);
    drawingsChanged();
    return true;
}

bool ChartModel::updateDrawing(const Drawing& drawing) {
    const auto it = std::find_if(m_drawings.begin(), m_drawings.end(),
                                 [&](const Drawing& d) { return d.id == drawing.id; });
    if (it == m_drawings.end()) return false;
    *it = drawing;
    // A hidden drawing cannot stay selected (its handles would show and Delete would remove it).
    if (drawing.hidden && m_selectedDrawing == drawing.id) setSelection(std::nullopt);
    drawingsChanged();
    return true;
}

void ChartModel::selectDrawing(std::optional<std::uint64_t> id) {
    if (id == m_selectedDrawing) return;
    setSelection(id);
    invalidate(Invalidation::Light);
}

double ChartModel::indexOfTime(std::int64_t timeMs) const {
    const auto bars = candles();
    if (bars.empty()) return 0.0;
    const std::int64_t step = std::max<std::int64_t>(1, nominalMs(m_interval));
    const std::int64_t newest = bars.openTime(bars.size() - 1);
    const std::int64_t oldest = bars.openTime(0);
    if (timeMs > newest)
        return static_cast<double>(bars.size() - 1) + static_cast<double>(timeMs - newest) / static_cast<double>(step);
    if (timeMs < oldest) return -static_cast<double>(oldest - timeMs) / static_cast<double>(step);
    return static_cast<double>(m_series->lowerBound(timeMs));
}

double ChartModel::timeToX(std::int64_t timeMs) const {
    if (candles().empty()) return m_layout.candlePane.x;
    return m_layout.candlePane.x + m_timeScale.indexToX(indexOfTime(timeMs));
}

DrawingAnchor ChartModel::pointAt(Point p) const {
    const std::int64_t index =
        static_cast<std::int64_t>(std::lround(m_timeScale.xToFloatIndex(p.x - m_layout.candlePane.x)));
    return DrawingAnchor{timeAtIndex(index).value_or(0), m_priceScale.yToPrice(p.y)};
}

DrawingAnchor ChartModel::anchorAt(Point p) const {
    DrawingAnchor at = pointAt(p);
    if (!m_magnet) return at;
    const std::int64_t index =
        static_cast<std::int64_t>(std::lround(m_timeScale.xToFloatIndex(p.x - m_layout.candlePane.x)));
    const auto bars = candles();
    if (index < 0 || index >= static_cast<std::int64_t>(bars.size())) return at;
    // The bar's open, high, low or close nearest on screen (what the eye aims at).
    const Candle& c = bars[static_cast<std::size_t>(index)];
    double best = std::numeric_limits<double>::infinity();
    for (const double v : {c.open.toDouble(), c.high.toDouble(), c.low.toDouble(), c.close.toDouble()}) {
        const double d = std::fabs(m_priceScale.priceToY(v) - p.y);
        if (d < best) {
            best = d;
            at.price = v;
        }
    }
    return at;
}

Drawing ChartModel::newDrawing(DrawingKind kind, DrawingAnchor at) const {
    Drawing d{0, kind, at, at};
    const PriceRange visible = m_priceScale.range();
    double span = visible.valid() ? m_priceScale.fromScale(visible.max) - m_priceScale.fromScale(visible.min) : 0.0;
    if (!(span > 0) || !std::isfinite(span)) span = std::max(std::fabs(at.price) * 0.02, 1e-9);
    switch (kind) {
    case DrawingKind::ParallelChannel:
        d.c = DrawingAnchor{at.timeMs, at.price - span * 0.1};
        break;
    case DrawingKind::LongPosition:
    case DrawingKind::ShortPosition: {
        const double sign = kind == DrawingKind::LongPosition ? 1.0 : -1.0;
        const std::int64_t index = static_cast<std::int64_t>(std::lround(indexOfTime(at.timeMs))) + 20;
        d.b = DrawingAnchor{timeAtIndex(index).value_or(at.timeMs), at.price + sign * span * 0.1};
        d.c = DrawingAnchor{at.timeMs, at.price - sign * span * 0.05};
        break;
    }
    default: break;
    }
    return d;
}

std::vector<Point> ChartModel::drawingHandles(const Drawing& d) const {
    const Point a{timeToX(d.a.timeMs), m_priceScale.priceToY(d.a.price)};
    const Point b{timeToX(d.b.timeMs), m_priceScale.priceToY(d.b.price)};
    switch (d.kind) {
    case DrawingKind::HorizontalLine:
    case DrawingKind::VerticalLine:
    case DrawingKind::Text: return {a};
    case DrawingKind::ParallelChannel:
        // The parallel's handle sits at its middle.
        return {a, b, Point{(a.x + b.x) / 2, m_priceScale.priceToY((d.a.price + d.b.price) / 2 + d.c.price - d.a.price)}};
    case DrawingKind::LongPosition:
    case DrawingKind::ShortPosition:
        // Entry at its bar; target and stop at the right edge.
        return {a, b, Point{b.x, m_priceScale.priceToY(d.c.price)}};
    default: return {a, b};
    }
}

void ChartModel::setMarkers(std::vector<ChartMarker> markers) {
    if (markers == m_markers) return;
    m_markers = std::move(markers);
    invalidate(Invalidation::Light);
}

void ChartModel::setBubbles(std::vector<ChartBubble> bubbles) {
    if (bubbles == m_bubbles) return;
    m_bubbles = std::move(bubbles);
    invalidate(Invalidation::Light);
}

bool ChartModel::setOverlayTitle(std::uint64_t id, std::string title) {
    const auto it =
        std::find_if(m_overlays.begin(), m_overlays.end(), [id](const Overlay& o) { return o.id == id; });
    if (it == m_overlays.end()) return false;
    if (it->title == title) return true;
    it->title = std::move(title);
    invalidate(Invalidation::Cursor);
    return true;
}

void ChartModel::setMeasure(std::optional<Measure> measure) {
    if (measure == m_measure) return;
    m_measure = measure;
    invalidate(Invalidation::Cursor);
}

std::optional<std::uint64_t> ChartModel::drawingAt(Point p, double tolerancePx) const {
    if (!m_layout.candlePane.contains(p)) return std::nullopt;
    const Rect& pane = m_layout.candlePane;
    for (auto it = m_drawings.rbegin(); it != m_drawings.rend(); ++it) {
        const Drawing& d = *it;
        if (d.hidden) continue;
        const Point a{timeToX(d.a.timeMs), m_priceScale.priceToY(d.a.price)};
        const Point b{timeToX(d.b.timeMs), m_priceScale.priceToY(d.b.price)};
        double dist = std::numeric_limits<double>::infinity();
        const bool right = d.kind == DrawingKind::Ray || d.extendRight;
        switch (d.kind) {
        case DrawingKind::HorizontalLine: dist = std::fabs(p.y - a.y); break;
        case DrawingKind::VerticalLine: dist = std::fabs(p.x - a.x); break;
        case DrawingKind::TrendLine:
        case DrawingKind::Ray:
            if (d.extendLeft && right) dist = std::min(distanceToSegment(p, a, b, true), distanceToSegment(p, b, a, true));
            else if (d.extendLeft) dist = distanceToSegment(p, b, a, true);
            else dist = distanceToSegment(p, a, b, right);
            break;
        case DrawingKind::Rectangle: {
            const Point c{a.x, b.y};
            const Point e{b.x, a.y};
            dist = std::min({distanceToSegment(p, a, c, false), distanceToSegment(p, c, b, false),
                             distanceToSegment(p, b, e, false), distanceToSegment(p, e, a, false)});
            break;
        }
        case DrawingKind::Fibonacci:
            for (const double level : kFibLevels) {
                const double y = m_priceScale.priceToY(d.b.price + (d.a.price - d.b.price) * level);
                const Point l{d.extendLeft ? pane.left() : std::min(a.x, b.x), y};
                const Point r{pane.right(), y};
                dist = std::min(dist, distanceToSegment(p, l, r, false));
            }
            break;
        case DrawingKind::ParallelChannel: {
            // Either line, or inside the channel (it is filled).
            const double offset = d.c.price - d.a.price;
            const Point pa{a.x, m_priceScale.priceToY(d.a.price + offset)};
            const Point pb{b.x, m_priceScale.priceToY(d.b.price + offset)};
            auto lineDistance = [&](Point from, Point to) {
                if (d.extendLeft && d.extendRight)
                    return std::min(distanceToSegment(p, from, to, true), distanceToSegment(p, to, from, true));
                if (d.extendLeft) return distanceToSegment(p, to, from, true);
                return distanceToSegment(p, from, to, d.extendRight);
            };
            dist = std::min(lineDistance(a, b), lineDistance(pa, pb));
            if (b.x != a.x && p.x >= std::min(a.x, b.x) && p.x <= std::max(a.x, b.x)) {
                const double t = (p.x - a.x) / (b.x - a.x);
                const double y1 = a.y + (b.y - a.y) * t;
                const double y2 = pa.y + (pb.y - pa.y) * t;
                if (p.y >= std::min(y1, y2) && p.y <= std::max(y1, y2)) dist = 0;
            }
            break;
        }
        case DrawingKind::Text: {
            // The note's box: its text above and right of the anchor (as the views draw it).
            const TextMeasurer& m = textMeasurer();
            const Rect box{a.x, a.y - m.lineHeight() - 4, m.textWidth(d.text.empty() ? std::string("Text") : d.text) + 8,
                           m.lineHeight() + 4};
            dist = distanceToBox(p, box);
            break;
        }
        case DrawingKind::PriceRange:
        case DrawingKind::DateRange: {
            const Rect box{std::min(a.x, b.x), std::min(a.y, b.y), std::fabs(b.x - a.x), std::fabs(b.y - a.y)};
            dist = distanceToBox(p, box);
            break;
        }
        case DrawingKind::LongPosition:
        case DrawingKind::ShortPosition: {
            // Either zone: entry to target, entry to stop, from the entry's bar to the right edge.
            const double stopY = m_priceScale.priceToY(d.c.price);
            const double x0 = std::min(a.x, b.x);
            const double x1 = std::max(a.x, b.x);
            const double top = std::min({a.y, b.y, stopY});
            const double bottom = std::max({a.y, b.y, stopY});
            const Rect box{x0, top, x1 - x0, bottom - top};
            dist = distanceToBox(p, box);
            break;
        }
        }
        if (dist <= tolerancePx) return d.id;
    }
    return std::nullopt;
}

std::optional<ChartModel::AnchorHit> ChartModel::drawingAnchorAt(Point p, double tolerancePx) const {
    if (!m_layout.candlePane.contains(p)) return std::nullopt;
    std::optional<AnchorHit> best;
    double bestDistance = tolerancePx;
    auto consider = [&](const Drawing& d) {
        if (handleCount(d.kind) < 2) return;  // a horizontal line's one anchor moves the line
        if (d.hidden || d.locked) return;
        const std::vector<Point> handles = drawingHandles(d);
        for (std::size_t i = 0; i < handles.size(); ++i) {
            const double dist = std::hypot(p.x - handles[i].x, p.y - handles[i].y);
            if (dist <= bestDistance) {
                bestDistance = dist;
                best = AnchorHit{d.id, static_cast<int>(i)};
            }
        }
    };
    // The selected drawing wins (its handles are the ones shown), then the topmost drawing.
    for (const Drawing& d : m_drawings)
        if (m_selectedDrawing == d.id) consider(d);
    if (best) return best;
    for (auto it = m_drawings.rbegin(); it != m_drawings.rend() && !best; ++it) consider(*it);
    return best;
}

void ChartModel::moveDrawingAnchor(std::uint64_t id, int anchor, Point p) {
    const auto it = std::find_if(m_drawings.begin(), m_drawings.end(), [id](const Drawing& d) { return d.id == id; });
    if (it == m_drawings.end() || it->locked || anchor < 0 || anchor >= handleCount(it->kind)) return;
    const Drawing before = *it;
    const DrawingAnchor moved = anchorAt(p);
    if (anchor == 2) {
        if (it->kind == DrawingKind::ParallelChannel) {
            // The parallel passes through p: its offset from the base line at p's middle handle.
            it->c.price = it->a.price + moved.price - (it->a.price + it->b.price) / 2;
        } else {
            it->c.price = moved.price;  // a position's stop
        }
    } else {
        DrawingAnchor& target = anchor == 0 ? it->a : it->b;
        const double shift = moved.price - target.price;
        if (moved.timeMs != 0) target.timeMs = moved.timeMs;
        target.price = moved.price;
        // The channel's parallel keeps its distance from the end it belongs to.
        if (it->kind == DrawingKind::ParallelChannel && anchor == 0) it->c.price += shift;
        if (usesThirdAnchor(it->kind) && anchor == 0) it->c.timeMs = it->a.timeMs;
    }
    if (*it != before) drawingsChanged();
}

void ChartModel::moveDrawing(std::uint64_t id, double dxPx, double dyPx) {
    const auto it = std::find_if(m_drawings.begin(), m_drawings.end(), [id](const Drawing& d) { return d.id == id; });
    if (it == m_drawings.end() || it->locked) return;
    // Every anchor moves by the same pixels (the magnet would pull each its own way).
    auto shift = [&](DrawingAnchor& anchor) {
        const DrawingAnchor moved =
            pointAt(Point{timeToX(anchor.timeMs) + dxPx, m_priceScale.priceToY(anchor.price) + dyPx});
        if (dxPx != 0.0 && moved.timeMs != 0) anchor.timeMs = moved.timeMs;
        if (dyPx != 0.0) anchor.price = moved.price;
    };
    shift(it->a);
    if (handleCount(it->kind) > 1) shift(it->b);
    if (usesThirdAnchor(it->kind)) shift(it->c);
    drawingsChanged();
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
        rebuildCaches(0, true);
    } else {
        // Bars after the previously newest bar were appended; anything else was inserted before
        // it (history paging), which leaves the view alone because rightOffset counts from the end.
        const std::size_t at = m_series->lowerBound(*m_seenLastOpenTime);
        std::size_t appended = 0;
        if (at < n && bars.openTime(at) == *m_seenLastOpenTime) appended = n - 1 - at;
        m_timeScale.setBarCount(n - appended);
        m_timeScale.appendBars(appended);
        // Same bars before the previously newest one: only the tail changed. Otherwise history
        // was inserted (indexes shifted): rebuild.
        const bool tailOnly = at < n && at + 1 == m_seenCount;
        rebuildCaches(at, !tailOnly);
    }
    m_seenRevision = m_series->revision();
    m_seenCount = n;
    m_seenLastOpenTime = n == 0 ? std::nullopt : std::optional<std::int64_t>(bars.openTime(n - 1));
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
    for (std::size_t i = 0; i < m_layout.extraPanes.size(); ++i) {
        if (m_layout.extraPanes[i].contains(p)) return ChartRegion::ExtraPane;
        if (m_layout.extraAxes[i].contains(p)) return ChartRegion::ExtraAxis;
    }
    return ChartRegion::None;
}

void ChartModel::relayout() {
    if (m_priceLabelWidth <= 0) m_priceLabelWidth = requiredPriceLabelWidth();
    std::vector<double> fractions;
    fractions.reserve(m_panes.size());
    for (const Pane& pane : m_panes) fractions.push_back(pane.heightFraction);
    m_layout = computeLayout(m_viewportW, m_viewportH, m_priceLabelWidth, textMeasurer(), {},
                             m_volumeVisible, m_panes.size(), fractions);
    m_timeScale.setWidth(m_layout.candlePane.width);
    m_priceScale.setPane(m_layout.candlePane.y, m_layout.candlePane.height);
    m_volumeScale.setPane(m_layout.volumePane.y, m_layout.volumePane.height);
    for (std::size_t i = 0; i < m_panes.size(); ++i) {
        const Rect r = i < m_layout.extraPanes.size() ? m_layout.extraPanes[i] : Rect{};
        m_panes[i].scale.setPane(r.y, r.height);
    }
    for (Overlay& overlay : m_overlays) overlay.scale.setPane(m_layout.candlePane.y, m_layout.candlePane.height);
}

double ChartModel::requiredPriceLabelWidth() const {
    const TextMeasurer& m = textMeasurer();
    const PriceRange r = m_priceScale.range();
    const double top = m_priceScale.fromScale(r.max);
    const double bottom = m_priceScale.fromScale(r.min);
    double w = std::max(m.textWidth(formatPrice(top, m_priceDecimals)),
                        m.textWidth(formatPrice(bottom, m_priceDecimals)));
    if (m_priceScale.mode() == PriceScaleMode::Percent)
        w = std::max({w, m.textWidth(formatPercent(r.max)), m.textWidth(formatPercent(r.min))});
    if (const auto bars = candles(); !bars.empty())
        w = std::max(w, m.textWidth(formatPrice(bars.close(bars.size() - 1), m_priceDecimals)));
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

IndexRange ChartModel::visibleSlots() const {
    IndexRange range = m_timeScale.visibleRange();
    if (range.empty()) return range;
    // Slot i covers [i − 0.5, i + 0.5) like a bar; visibleRange() stops at the newest bar.
    const double right = m_timeScale.xToFloatIndex(m_timeScale.width());
    range.last = std::max(range.last, static_cast<std::int64_t>(std::ceil(right - 0.5)));
    return range;
}

void ChartModel::autoscale() {
    const auto bars = candles();
    const IndexRange range = m_timeScale.visibleRange();
    if (bars.empty() || range.empty()) return;
    const auto first = static_cast<std::size_t>(range.first);
    const auto last = static_cast<std::size_t>(range.last);
    // Indicator values also count in the visible future slots (displaced outputs).
    const auto lastSlot = static_cast<std::size_t>(visibleSlots().last);
    // Percent mode measures against the first visible close (lightweight-charts' choice).
    m_priceScale.setBase(displayBar(first).close);
    const bool closesOnly = m_chartType == ChartType::Line || m_chartType == ChartType::Area ||
                            m_chartType == ChartType::Baseline;
    double lo = std::numeric_limits<double>::infinity();
    double hi = -std::numeric_limits<double>::infinity();
    double maxVolume = 0;
    if (range.count() > kPyramidAutoscaleBars && m_chartType != ChartType::HeikinAshi) {
        const BarExtremes e = m_pyramid.query(bars, first, last);
        lo = closesOnly ? e.closeLow : e.low;
        hi = closesOnly ? e.closeHigh : e.high;
        maxVolume = e.maxVolume;
    } else {
        for (std::size_t i = first; i <= last; ++i) {
            const OhlcBar b = displayBar(i);
            lo = std::min(lo, closesOnly ? b.close : b.low);
            hi = std::max(hi, closesOnly ? b.close : b.high);
            maxVolume = std::max(maxVolume, bars.volume(i));
        }
    }
    // Overlays share the price scale: keep their visible values on screen too (log scales skip
    // values they cannot show).
    const bool logScale = m_priceScale.mode() == PriceScaleMode::Logarithmic;
    for (Overlay& overlay : m_overlays) {
        // A compared symbol meets the chart's close at the first visible bar where it has a value.
        if (overlay.rebase) {
            overlay.rebaseFactor = 1.0;
            if (!overlay.series.empty()) {
                const auto& values = overlay.series.front().values;
                for (std::size_t i = first; i <= last && i < values.size(); ++i)
                    if (std::isfinite(values[i]) && values[i] != 0) {
                        overlay.rebaseFactor = displayBar(i).close / values[i];
                        break;
                    }
            }
        }
        // An overlay on its own scale is fitted alone and does not stretch the price axis.
        double olo = std::numeric_limits<double>::infinity();
        double ohi = -std::numeric_limits<double>::infinity();
        const bool skipNonPositive = logScale && !overlay.ownScale;
        for (const PaneSeries& series : overlay.series) {
            const std::size_t end = std::min(lastSlot + 1, series.values.size());
            for (std::size_t i = first; i < end; ++i) {
                const double v = overlay.drawn(series.values[i]);
                if (!std::isfinite(v) || (skipNonPositive && v <= 0)) continue;
                olo = std::min(olo, v);
                ohi = std::max(ohi, v);
            }
        }
        if (overlay.ownScale) {
            if (ohi >= olo) overlay.scale.autoscaleTo(olo, ohi);
        } else {
            lo = std::min(lo, olo);
            hi = std::max(hi, ohi);
        }
    }
    m_priceScale.autoscaleTo(lo, hi);
    m_volumeScale.autoscaleTo(0.0, maxVolume > 0 ? maxVolume : 1.0);

    for (Pane& pane : m_panes) {
        if (pane.fixedRange) {  // an oscillator's own range (RSI 0–100), whatever is visible
            pane.scale.autoscaleTo(pane.fixedRange->low, pane.fixedRange->high);
            continue;
        }
        double plo = std::numeric_limits<double>::infinity();
        double phi = -std::numeric_limits<double>::infinity();
        bool histogram = false;
        for (const PaneSeries& series : pane.series) {
            histogram = histogram || series.kind == PaneSeriesKind::Histogram;
            const std::size_t end = std::min(lastSlot + 1, series.values.size());
            for (std::size_t i = first; i < end; ++i) {
                const double v = series.values[i];
                if (!std::isfinite(v)) continue;
                plo = std::min(plo, v);
                phi = std::max(phi, v);
            }
            if (series.kind == PaneSeriesKind::Candles) {  // the wicks stay in view
                for (std::size_t i = first; i < std::min(end, series.low.size()); ++i)
                    if (std::isfinite(series.low[i]) && std::isfinite(series.values[i])) plo = std::min(plo, series.low[i]);
                for (std::size_t i = first; i < std::min(end, series.high.size()); ++i)
                    if (std::isfinite(series.high[i]) && std::isfinite(series.values[i])) phi = std::max(phi, series.high[i]);
            }
        }
        if (!(phi >= plo)) continue;
        if (histogram) {  // bars grow from zero
            plo = std::min(plo, 0.0);
            phi = std::max(phi, 0.0);
        }
        // The reference levels stay in view (RSI at 80 still shows its 70 and 30 lines).
        for (const double level : pane.levels) {
            plo = std::min(plo, level);
            phi = std::max(phi, level);
        }
        pane.scale.autoscaleTo(plo, phi);
    }
}

void ChartModel::zoom(double anchorX, double factor) {
    m_timeScale.zoom(anchorX - m_layout.candlePane.x, factor);
    checkHistoryNeed();
    invalidate(Invalidation::Light);
}

void ChartModel::scrollBy(double dxPx) {
    m_timeScale.scrollBy(dxPx);
    checkHistoryNeed();
    invalidate(Invalidation::Light);
}

void ChartModel::scrollToLiveEdge() {
    m_timeScale.scrollToLiveEdge();
    invalidate(Invalidation::Light);
}

void ChartModel::scrollToFirstBar() {
    m_timeScale.scrollToFirstBar();
    checkHistoryNeed();
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
    if (region != ChartRegion::CandlePane && region != ChartRegion::VolumePane &&
        region != ChartRegion::ExtraPane)
        return std::nullopt;
    const std::int64_t i = m_timeScale.xToIndex(m_crosshair->x - m_layout.candlePane.x);
    if (i < 0 || i >= static_cast<std::int64_t>(candles().size())) return std::nullopt;
    return static_cast<std::size_t>(i);
}

std::optional<std::int64_t> ChartModel::timeAtIndex(std::int64_t index) const {
    const auto bars = candles();
    if (bars.empty()) return std::nullopt;
    const auto n = static_cast<std::int64_t>(bars.size());
    if (index >= 0 && index < n) return bars.openTime(static_cast<std::size_t>(index));
    const bool calendar = isCalendar(m_interval);
    const std::int64_t step = nominalMs(m_interval);
    if (index >= n) {
        const std::int64_t ahead = index - (n - 1);
        std::int64_t t = bars.openTime(bars.size() - 1);
        if (!calendar) return t + ahead * step;
        if (ahead > kMaxExtrapolatedBars) return std::nullopt;
        for (std::int64_t k = 0; k < ahead; ++k) t = nextBucketStart(m_interval, t);
        return t;
    }
    const std::int64_t behind = -index;
    std::int64_t t = bars.openTime(0);
    if (!calendar) return t - behind * step;
    if (behind > kMaxExtrapolatedBars) return std::nullopt;
    for (std::int64_t k = 0; k < behind; ++k) t = bucketStart(m_interval, t - 1);
    return t;
}

std::optional<std::int64_t> ChartModel::countdownMs() const {
    const auto bars = candles();
    if (bars.empty() || bars.closed(bars.size() - 1)) return std::nullopt;
    const std::int64_t open = bars.openTime(bars.size() - 1);
    const std::int64_t close = nextBucketStart(m_interval, open);
    const std::int64_t left = close - now();
    // Negative: the data is old (or the clock is off); beyond one bar: the clock is off.
    if (left < 0 || left > close - open) return std::nullopt;
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
