#include "cpc/app/bar_replay.hpp"

#include <algorithm>
#include <limits>

#include "cpc/alerts/evaluator.hpp"
#include "cpc/core/time.hpp"
#include "cpc/exchange/events.hpp"
#include "cpc/market/aggregate.hpp"

namespace cpc::app {

namespace {

std::int64_t endOf(Interval interval, const Candle& c) { return nextBucketStart(interval, c.openTime); }

}  // namespace

BarReplayTrack::BarReplayTrack(SeriesKey key, std::vector<Candle> live)
    : m_key(std::move(key)), m_live(std::move(live)), m_shown(m_key) {}

BarReplayTrack::~BarReplayTrack() = default;
BarReplayTrack::BarReplayTrack(BarReplayTrack&&) noexcept = default;
BarReplayTrack& BarReplayTrack::operator=(BarReplayTrack&&) noexcept = default;

void BarReplayTrack::setFine(Interval interval, std::vector<Candle> candles) {
    // 3d buckets are anchored at the listing day, which the replay does not know: whole bars only.
    if (interval == m_key.interval || !divides(interval, m_key.interval) || m_key.interval == Interval::D3) return;
    m_fineInterval = interval;
    m_fine = std::move(candles);
    std::sort(m_fine.begin(), m_fine.end(), [](const Candle& a, const Candle& b) { return a.openTime < b.openTime; });
    // The bar forming now is built from them at once.
    if (m_whole < m_live.size()) {
        const std::optional<Candle> forming = formingAt(m_whole, m_time);
        if (forming && forming != m_forming) {
            m_shown.upsert(*forming);
            m_forming = forming;
        }
    }
}

std::int64_t BarReplayTrack::endTime() const { return m_live.empty() ? 0 : endOf(m_key.interval, m_live.back()); }

std::optional<std::int64_t> BarReplayTrack::barEndAt(std::int64_t t) const {
    // The last bar opening at or before t.
    const auto after = std::upper_bound(m_live.begin(), m_live.end(), t,
                                        [](std::int64_t time, const Candle& c) { return time < c.openTime; });
    if (after == m_live.begin()) return std::nullopt;
    const std::int64_t end = endOf(m_key.interval, *(after - 1));
    if (t < end) return end;
    if (t == end) return t;
    return std::nullopt;  // in a gap after that bar, or past the newest
}

std::optional<std::int64_t> BarReplayTrack::nextBarEnd(std::int64_t t) const {
    // The first bar not yet shown whole at t: the one holding t, else the next one.
    const auto after = std::upper_bound(m_live.begin(), m_live.end(), t,
                                        [](std::int64_t time, const Candle& c) { return time < c.openTime; });
    if (after != m_live.begin() && endOf(m_key.interval, *(after - 1)) > t) return endOf(m_key.interval, *(after - 1));
    if (after == m_live.end()) return std::nullopt;
    return endOf(m_key.interval, *after);
}

std::optional<std::int64_t> BarReplayTrack::nextChange(std::int64_t t) const {
    const std::optional<std::int64_t> barEnd = nextBarEnd(t);
    if (!barEnd || !m_fineInterval) return barEnd;
    // The bar that ends at barEnd: its lower-timeframe candles ending after t and before barEnd.
    const auto bar = std::lower_bound(m_live.begin(), m_live.end(), *barEnd, [this](const Candle& c, std::int64_t end) {
        return endOf(m_key.interval, c) < end;
    });
    if (bar == m_live.end()) return barEnd;
    const std::int64_t from = std::max(bar->openTime, t - (nominalMs(*m_fineInterval) - 1));
    for (auto it = std::lower_bound(m_fine.begin(), m_fine.end(), from,
                                    [](const Candle& c, std::int64_t time) { return c.openTime < time; });
         it != m_fine.end() && it->openTime < *barEnd; ++it) {
        const std::int64_t end = endOf(*m_fineInterval, *it);
        if (end > t) return std::min(end, *barEnd);
    }
    return barEnd;
}

std::optional<Candle> BarReplayTrack::formingAt(std::size_t bucketIndex, std::int64_t t) const {
    if (!m_fineInterval || bucketIndex >= m_live.size()) return std::nullopt;
    const Candle& bar = m_live[bucketIndex];
    const std::int64_t barEnd = endOf(m_key.interval, bar);
    if (t < bar.openTime || t >= barEnd) return std::nullopt;
    const auto first = std::lower_bound(m_fine.begin(), m_fine.end(), bar.openTime,
                                        [](const Candle& c, std::int64_t time) { return c.openTime < time; });
    auto last = first;
    while (last != m_fine.end() && last->openTime < barEnd && endOf(*m_fineInterval, *last) <= t) ++last;
    if (last == first) return std::nullopt;  // nothing of this bar had ended by t
    // The same rules as every derived timeframe (market::aggregate), over the part that had ended.
    const std::vector<Candle> built =
        market::aggregate(std::span<const Candle>(&*first, static_cast<std::size_t>(last - first)), *m_fineInterval,
                          m_key.interval);
    if (built.size() != 1 || built.front().openTime != bar.openTime) return std::nullopt;
    Candle forming = built.front();
    forming.closed = false;
    return forming;
}

void BarReplayTrack::rebuild(std::int64_t t) {
    m_shown = market::CandleSeries(m_key);
    const auto whole = std::partition_point(m_live.begin(), m_live.end(),
                                            [&](const Candle& c) { return endOf(m_key.interval, c) <= t; });
    m_whole = static_cast<std::size_t>(whole - m_live.begin());
    m_shown.merge(std::span<const Candle>(m_live.data(), m_whole));
    m_forming = formingAt(m_whole, t);
    if (m_forming) m_shown.upsert(*m_forming);
    m_time = t;
    m_rebuilt = true;
    armAlerts(t);  // a jump: the alerts start over at the new start
}

std::vector<Candle> BarReplayTrack::moveTo(std::int64_t t) {
    std::vector<Candle> revealed;
    if (t < m_time || m_shown.empty()) {
        rebuild(t);
        return revealed;  // a jump: nothing was revealed as time went by
    }
    m_rebuilt = false;
    while (m_whole < m_live.size() && endOf(m_key.interval, m_live[m_whole]) <= t) {
        m_shown.upsert(m_live[m_whole]);
        revealed.push_back(m_live[m_whole]);
        ++m_whole;
        m_forming.reset();
    }
    if (std::optional<Candle> forming = formingAt(m_whole, t); forming && forming != m_forming) {
        m_shown.upsert(*forming);
        revealed.push_back(*forming);
        m_forming = forming;
    }
    m_time = t;
    evaluate(revealed, t);
    return revealed;
}

void BarReplayTrack::setAlerts(const std::vector<alerts::Alert>& alerts, std::int64_t replayTime) {
    m_alertSource.clear();
    for (const alerts::Alert& alert : alerts)
        if (alert.key == m_key) m_alertSource.push_back(alert);
    armAlerts(replayTime);
}

void BarReplayTrack::armAlerts(std::int64_t replayTime) {
    m_evaluator.reset();
    m_alertCount = 0;
    m_firings.clear();
    if (m_alertSource.empty()) return;
    m_evaluator = std::make_unique<alerts::AlertEvaluator>();
    for (alerts::Alert alert : m_alertSource) {
        // A fresh start at the replay time: what it did live (fired, done) is the live market's.
        alert.done = false;
        alert.fireCount = 0;
        alert.lastFiredMs.reset();
        alert.lastFiredBar.reset();
        alert.createdMs = std::min(alert.createdMs, replayTime);
        alert.seenThroughMs = replayTime;
        if (m_evaluator->add(alert)) ++m_alertCount;
    }
    // Warm-up on the bars shown whole: their indicators and last values, nothing fires.
    std::vector<alerts::Trigger> ignored;
    m_evaluator->onHistory(m_key, std::span<const Candle>(m_live.data(), m_whole), replayTime, replayTime, ignored);
}

void BarReplayTrack::evaluate(const std::vector<Candle>& revealed, std::int64_t t) {
    if (!m_evaluator) return;
    for (const Candle& candle : revealed) {
        // The moment the candle was as shown: its last lower-timeframe candle's end, or its close.
        const std::int64_t at = std::min(t, endOf(m_key.interval, candle)) - 1;
        std::vector<alerts::Trigger> fired;
        m_evaluator->onKline(exchange::KlineUpdate{m_key, candle, at}, at, fired);
        m_firings.insert(m_firings.end(), fired.begin(), fired.end());
    }
}

// ---- BarReplay ---------------------------------------------------------------------------------

Result<Ok> BarReplay::startTimeOf(std::size_t driver, std::int64_t timeMs, std::int64_t& out) const {
    const BarReplayTrack& track = m_tracks[driver];
    const auto live = track.live();
    if (live.empty()) return makeError("the chart has no candles yet");
    if (timeMs < live.front().openTime)
        return makeError("the chart's first candle opens at " + formatUtc(live.front().openTime) +
                     " UTC: choose a later time (or scroll back to load older candles)");
    const auto after = std::upper_bound(live.begin(), live.end(), timeMs,
                                        [](std::int64_t time, const Candle& c) { return time < c.openTime; });
    if (after == live.end())
        return makeError("that is the newest candle (" + formatUtc(live.back().openTime) +
                     " UTC): nothing after it to replay; choose an earlier time");
    out = nextBucketStart(track.key().interval, (after - 1)->openTime);
    return Ok{};
}

Result<Ok> BarReplay::start(std::vector<BarReplayTrack> tracks, std::size_t driver, std::int64_t timeMs) {
    if (driver >= tracks.size()) return makeError("no chart to replay");
    std::vector<BarReplayTrack> previous = std::move(m_tracks);
    m_tracks = std::move(tracks);
    std::int64_t t = 0;
    if (auto ok = startTimeOf(driver, timeMs, t); !ok) {
        m_tracks = std::move(previous);
        return ok;
    }
    m_time = t;
    m_revealed.assign(m_tracks.size(), {});
    for (BarReplayTrack& track : m_tracks) track.moveTo(t);
    return Ok{};
}

Result<Ok> BarReplay::jumpTo(std::size_t driver, std::int64_t timeMs) {
    if (driver >= m_tracks.size()) return makeError("no chart to replay");
    std::int64_t t = 0;
    if (auto ok = startTimeOf(driver, timeMs, t); !ok) return ok;
    m_time = t;
    for (std::size_t i = 0; i < m_tracks.size(); ++i) {
        // Rebuilt at the new start, forward or back: nothing "revealed", no firing for the jump.
        m_tracks[i].moveTo(std::numeric_limits<std::int64_t>::min());
        m_tracks[i].moveTo(t);
        m_revealed[i].clear();
    }
    return Ok{};
}

bool BarReplay::atEnd() const {
    return std::all_of(m_tracks.begin(), m_tracks.end(), [this](const BarReplayTrack& t) { return m_time >= t.endTime(); });
}

void BarReplay::moveTo(std::int64_t t) {
    std::int64_t end = 0;
    for (const BarReplayTrack& track : m_tracks) end = std::max(end, track.endTime());
    t = std::min(t, end);
    m_time = t;
    for (std::size_t i = 0; i < m_tracks.size(); ++i) m_revealed[i] = m_tracks[i].moveTo(t);
}

bool BarReplay::tick() {
    std::optional<std::int64_t> next;
    for (const BarReplayTrack& track : m_tracks)
        if (const auto change = track.nextChange(m_time); change && (!next || *change < *next)) next = change;
    if (!next) return false;
    moveTo(*next);
    return true;
}

std::optional<std::int64_t> BarReplay::nextBarEnd(std::size_t driver) const {
    if (driver >= m_tracks.size()) return std::nullopt;
    return m_tracks[driver].nextBarEnd(m_time);
}

bool BarReplay::stepBar(std::size_t driver) {
    const std::optional<std::int64_t> next = nextBarEnd(driver);
    if (!next) return false;
    moveTo(*next);
    return true;
}

}  // namespace cpc::app
