#include "cpc/alerts/evaluator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "cpc/indicators/bar.hpp"
#include "cpc/indicators/registry.hpp"

namespace cpc::alerts {

std::string_view toString(Evaluation e) { return e == Evaluation::OnBarClose ? "close" : "tick"; }
std::string_view toString(Frequency f) {
    switch (f) {
    case Frequency::Once: return "once";
    case Frequency::OncePerBar: return "bar";
    case Frequency::EveryTime: return "every";
    }
    return "once";
}
std::optional<Evaluation> parseEvaluation(std::string_view t) {
    if (t == "tick") return Evaluation::EveryTick;
    if (t == "close") return Evaluation::OnBarClose;
    return std::nullopt;
}
std::optional<Frequency> parseFrequency(std::string_view t) {
    if (t == "once") return Frequency::Once;
    if (t == "bar") return Frequency::OncePerBar;
    if (t == "every") return Frequency::EveryTime;
    return std::nullopt;
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::int64_t kLateAfterMs = 5000;
constexpr std::size_t kKeepBars = 10'000;
using indicators::Bar;
using indicators::Indicator;

// One look at a series: a tick (the forming bar revised or begun), a bar's close, or a bar from
// history. Since the previous look the price went from prevPrice to price and visited
// [minSeen, maxSeen] (the new highs and lows since that look; the price itself included).
struct Step {
    std::int64_t time = 0;    // market time of this look
    std::int64_t since = 0;   // market time the extremes are counted from
    std::int64_t barOpen = 0;
    bool barClosed = false;   // the bar is final now (on-close alerts look only at these)
    bool late = false;
    double prevPrice = kNaN;
    double price = kNaN;
    double maxSeen = kNaN;
    double minSeen = kNaN;
};

struct Source {
    Indicator* indicator = nullptr;
    std::size_t output = 0;
};

struct Runtime {
    Alert alert;
    Source left, right;
    // Transient: rebuilt from history after a restart (history up to seenThroughMs only warms).
    bool havePrev = false;
    double prevDiff = 0;
    bool prevMet = false;
    bool boxKnown = false;
    bool prevInside = false;
};

struct IndicatorSlot {
    std::unique_ptr<Indicator> indicator;
    int users = 0;
};

struct Series {
    SeriesKey key;
    std::vector<Bar> bars;
    bool lastClosed = false;
    double lastPrice = kNaN;
    std::int64_t lastTime = 0;
    std::map<std::string, IndicatorSlot> indicators;
    std::vector<Runtime*> alerts;
};

double fieldValue(const Bar& b, Field f) {
    switch (f) {
    case Field::Price:
    case Field::Close: return b.close;
    case Field::Open: return b.open;
    case Field::High: return b.high;
    case Field::Low: return b.low;
    case Field::Volume: return b.volume;
    }
    return kNaN;
}

double operandValue(const Operand& o, const Source& src, const Series& s, const Step& step) {
    switch (o.kind) {
    case Operand::Kind::Number: return o.number;
    case Operand::Kind::Field: return s.bars.empty() ? kNaN : fieldValue(s.bars.back(), o.field);
    case Operand::Kind::Indicator:
        if (!src.indicator || src.indicator->size() == 0) return kNaN;
        return src.indicator->value(src.output, src.indicator->size() - 1);
    case Operand::Kind::Line: return o.line.valueAt(step.time);
    }
    return kNaN;
}

bool isPriceField(const Operand& o) {
    return o.kind == Operand::Kind::Field && (o.field == Field::Price || o.field == Field::Close);
}
bool isFixedLevel(const Operand& o) { return o.kind == Operand::Kind::Number || o.kind == Operand::Kind::Line; }

struct Outcome {
    bool met = false;
    bool event = false;  // a crossing (fires every time), not a state that holds
    bool known = false;  // values were there (no warm-up NaN)
};

}  // namespace

struct AlertEvaluator::Impl {
    std::map<SeriesKey, Series> series;
    std::map<std::int64_t, std::unique_ptr<Runtime>> alerts;

    Series& seriesFor(const SeriesKey& key) {
        auto [it, inserted] = series.try_emplace(key);
        if (inserted) it->second.key = key;
        return it->second;
    }

    Result<Source> acquire(Series& s, const Operand& o) {
        if (o.kind != Operand::Kind::Indicator) return Source{};
        auto it = s.indicators.find(o.indicator);
        if (it == s.indicators.end()) {
            auto made = indicators::createFromSpec(o.indicator);
            if (!made) return made.error();
            (*made)->computeAll(s.bars);
            it = s.indicators.emplace(o.indicator, IndicatorSlot{std::move(*made), 0}).first;
        }
        const auto out = it->second.indicator->outputIndex(o.output);
        if (!out) return makeError(o.indicator + " has no output " + o.output);
        ++it->second.users;
        return Source{it->second.indicator.get(), *out};
    }

    void release(Series& s, const Operand& o) {
        if (o.kind != Operand::Kind::Indicator) return;
        auto it = s.indicators.find(o.indicator);
        if (it != s.indicators.end() && --it->second.users <= 0) s.indicators.erase(it);
    }

    void removeRuntime(std::int64_t id) {
        auto it = alerts.find(id);
        if (it == alerts.end()) return;
        Runtime* rt = it->second.get();
        auto sit = series.find(rt->alert.key);
        if (sit != series.end()) {
            Series& s = sit->second;
            if (const auto* c = std::get_if<Comparison>(&rt->alert.condition.kind)) {
                release(s, c->left);
                release(s, c->right);
            }
            std::erase(s.alerts, rt);
            if (s.alerts.empty()) series.erase(sit);
        }
        alerts.erase(it);
    }

    Outcome evaluate(Runtime& rt, const Series& s, const Step& step, bool extremes) {
        Outcome o;
        const Alert& a = rt.alert;
        const double price = step.price;
        const double maxSeen = extremes ? step.maxSeen : price;
        const double minSeen = extremes ? step.minSeen : price;
        if (const auto* c = std::get_if<Comparison>(&a.condition.kind)) {
            const double l = operandValue(c->left, rt.left, s, step);
            const double r = operandValue(c->right, rt.right, s, step);
            if (std::isnan(l) || std::isnan(r)) {
                rt.havePrev = false;  // a segment's end, a warm-up: start afresh where it is defined again
                return o;
            }
            o.known = true;
            const double d = l - r;
            // The path between two looks is only known for the price against a fixed level.
            const bool path = isPriceField(c->left) && isFixedLevel(c->right);
            const double hi = (path ? maxSeen : l) - r;
            const double lo = (path ? minSeen : l) - r;
            if (isCrossing(c->op)) {
                o.event = true;
                if (rt.havePrev) {
                    const bool up = rt.prevDiff < 0 && (d >= 0 || hi >= 0);
                    const bool down = rt.prevDiff >= 0 && (d < 0 || lo < 0);
                    o.met = c->op == Compare::Crosses ? (up || down) : c->op == Compare::CrossesUp ? up : down;
                }
                rt.havePrev = true;
                rt.prevDiff = d;
                return o;
            }
            switch (c->op) {
            case Compare::Above: o.met = hi > 0; break;
            case Compare::AtOrAbove: o.met = hi >= 0; break;
            case Compare::Below: o.met = lo < 0; break;
            case Compare::AtOrBelow: o.met = lo <= 0; break;
            default: break;
            }
            return o;
        }
        if (const auto* p = std::get_if<PriceChange>(&a.condition.kind)) {
            if (s.bars.empty() || std::isnan(price)) return o;
            double high = std::max(price, maxSeen);
            double low = std::min(price, minSeen);
            const std::int64_t from = step.time - p->windowMs;
            // Bars whose span reaches into the window; the current bar's own high and low only
            // when they are all news to the alert (or it is final), else just the step's path.
            for (std::size_t i = s.bars.size(); i-- > 0;) {
                const Bar& b = s.bars[i];
                const bool current = i + 1 == s.bars.size();
                if (!current && closeTime(s.key.interval, static_cast<std::int64_t>(b.time)) < from) break;
                if (current && !extremes && !step.barClosed) continue;
                high = std::max(high, b.high);
                low = std::min(low, b.low);
            }
            if (!(low > 0)) return o;
            o.known = true;
            double pct = 0;
            switch (p->direction) {
            case PriceChange::Direction::Any: pct = (high - low) / low * 100.0; break;
            case PriceChange::Direction::Up: pct = (price - low) / low * 100.0; break;
            case PriceChange::Direction::Down: pct = (high - price) / high * 100.0; break;
            }
            o.met = pct > p->percent;
            return o;
        }
        if (const auto* v = std::get_if<VolumeSpike>(&a.condition.kind)) {
            const auto n = s.bars.size();
            if (n < static_cast<std::size_t>(v->period) + 1) return o;
            double sum = 0;
            for (std::size_t i = n - 1 - static_cast<std::size_t>(v->period); i < n - 1; ++i) sum += s.bars[i].volume;
            const double avg = sum / v->period;
            o.known = true;
            o.met = s.bars.back().volume > v->multiple * avg;
            return o;
        }
        const auto& b = std::get<BoxCross>(a.condition.kind);
        o.event = true;
        const std::int64_t t0 = std::min(b.a.timeMs, b.b.timeMs);
        const std::int64_t t1 = std::max(b.a.timeMs, b.b.timeMs);
        const double lo = std::min(b.a.price, b.b.price);
        const double hi = std::max(b.a.price, b.b.price);
        if (step.time < t0 || step.time > t1 || std::isnan(price)) {
            rt.boxKnown = false;
            return o;
        }
        o.known = true;
        const bool inside = price >= lo && price <= hi;
        if (rt.boxKnown) {
            if (b.leaves) {
                o.met = rt.prevInside && (!inside || maxSeen > hi || minSeen < lo);
            } else {
                const double prev = step.prevPrice;
                o.met = !rt.prevInside &&
                        (inside || (!std::isnan(prev) && ((prev > hi && minSeen <= hi) || (prev < lo && maxSeen >= lo))));
            }
        }
        rt.boxKnown = true;
        rt.prevInside = inside;
        return o;
    }

    void look(Series& s, const Step& step, bool closeOnly, std::int64_t localNow, std::vector<Trigger>& out) {
        for (Runtime* rt : s.alerts) {
            Alert& a = rt->alert;
            const bool onClose = a.evaluation == Evaluation::OnBarClose;
            if (onClose ? !step.barClosed : closeOnly) continue;
            const bool eligible = step.time > a.seenThroughMs;
            const bool extremes = !onClose && !std::isnan(step.maxSeen) && step.since >= a.seenThroughMs;
            const Outcome o = evaluate(*rt, s, step, extremes);
            if (!o.known) continue;
            bool fire = false;
            if (o.met && eligible && !a.done && !a.paused && !a.expiredAt(step.time)) {
                switch (a.frequency) {
                case Frequency::Once: fire = true; break;
                case Frequency::OncePerBar: fire = !a.lastFiredBar || *a.lastFiredBar != step.barOpen; break;
                case Frequency::EveryTime: fire = o.event || !rt->prevMet; break;
                }
            }
            rt->prevMet = o.met;
            if (eligible) a.seenThroughMs = step.time;
            if (!fire) continue;
            if (a.frequency == Frequency::Once) a.done = true;
            ++a.fireCount;
            a.lastFiredMs = step.time;
            a.lastFiredBar = step.barOpen;
            Trigger t;
            t.alertId = a.id;
            t.key = a.key;
            t.condition = a.condition.text();
            t.message = a.message;
            t.timeMs = step.time;
            t.barOpenTime = step.barOpen;
            t.price = step.price;
            // From history: late when the bar had closed, or when what showed it (the new highs
            // and lows) spans more than a few seconds unwatched; a forming bar that shows it by
            // its price now is news, not late.
            t.late = step.late && (step.barClosed || (extremes && step.time - step.since > kLateAfterMs));
            t.detectedMs = localNow;
            out.push_back(std::move(t));
        }
    }

    // Bars a series keeps: what its alerts' windows and averages reach back, at least kKeepBars.
    static std::size_t barsNeeded(const Series& s) {
        std::size_t need = kKeepBars;
        for (const Runtime* rt : s.alerts) {
            if (const auto* p = std::get_if<PriceChange>(&rt->alert.condition.kind))
                need = std::max(need, static_cast<std::size_t>(p->windowMs / nominalMs(s.key.interval)) + 2);
            if (const auto* v = std::get_if<VolumeSpike>(&rt->alert.condition.kind))
                need = std::max(need, static_cast<std::size_t>(v->period) + 2);
        }
        return need;
    }

    // A series running for weeks must not grow without bound: past twice what it needs, the
    // older half goes and the indicators are computed again on what is left (once every `need`
    // bars: amortised O(1) a bar). An indicator that accumulates from the first bar (OBV, AD…)
    // then counts from the new first bar; averages and oscillators have long converged.
    static void trim(Series& s) {
        const std::size_t need = barsNeeded(s);
        if (s.bars.size() < 2 * need) return;
        s.bars.erase(s.bars.begin(), s.bars.end() - static_cast<std::ptrdiff_t>(need));
        for (auto& [spec, slot] : s.indicators) slot.indicator->computeAll(s.bars);
    }

    // The bar (the newest) closed without the venue saying so before the next one began: on-close
    // alerts still get its close.
    void closeImplicitly(Series& s, std::int64_t time, bool late, std::int64_t localNow, std::vector<Trigger>& out) {
        if (s.bars.empty() || s.lastClosed) return;
        s.lastClosed = true;
        Step step;
        step.time = std::max(s.lastTime, closeTime(s.key.interval, static_cast<std::int64_t>(s.bars.back().time)));
        step.time = std::min(step.time, time);
        step.since = step.time;
        step.barOpen = static_cast<std::int64_t>(s.bars.back().time);
        step.barClosed = true;
        step.late = late;
        step.prevPrice = step.price = s.bars.back().close;
        look(s, step, true, localNow, out);
    }

    // Applies one candle; returns false when it was an older bar (indicators then need a recompute).
    bool apply(Series& s, const Candle& c, std::int64_t time, bool late, std::int64_t localNow, std::vector<Trigger>& out) {
        const Bar bar = indicators::toBar(c);
        Step step;
        step.barOpen = c.openTime;
        step.late = late;
        step.prevPrice = s.lastPrice;
        step.price = bar.close;
        if (s.bars.empty() || bar.time > s.bars.back().time) {
            closeImplicitly(s, time, late, localNow, out);
            trim(s);
            s.bars.push_back(bar);
            for (auto& [spec, slot] : s.indicators) slot.indicator->update(bar, true);
            step.since = c.openTime;
            step.maxSeen = bar.high;
            step.minSeen = bar.low;
        } else if (bar.time == s.bars.back().time) {
            const Bar old = s.bars.back();
            const bool wasClosed = s.lastClosed;
            s.bars.back() = bar;
            if (!(old == bar)) {
                for (auto& [spec, slot] : s.indicators) slot.indicator->update(bar, false);
            }
            if (wasClosed) return true;  // a repeat of a final bar: nothing new happened
            step.since = s.lastTime;
            // A high or low beyond the previous look's was visited since it, however briefly.
            step.maxSeen = std::max(bar.close, bar.high > old.high ? bar.high : bar.close);
            step.minSeen = std::min(bar.close, bar.low < old.low ? bar.low : bar.close);
        } else {
            const auto it = std::lower_bound(s.bars.begin(), s.bars.end(), bar.time,
                                             [](const Bar& b, double t) { return b.time < t; });
            if (it != s.bars.end() && it->time == bar.time) {
                if (*it == bar) return true;
                *it = bar;
            } else {
                s.bars.insert(it, bar);
            }
            return false;
        }
        s.lastClosed = c.closed;
        // A bar's close is reported after it ended (the venue's event time of the closing push is
        // in the next bar): what it shows happened by the bar's close time.
        const std::int64_t seen = c.closed ? std::min(time, closeTime(s.key.interval, c.openTime)) : time;
        step.time = std::max(seen, s.lastTime);
        step.barClosed = c.closed;
        s.lastPrice = bar.close;
        s.lastTime = step.time;
        look(s, step, false, localNow, out);
        return true;
    }
};

AlertEvaluator::AlertEvaluator() : m_impl(std::make_unique<Impl>()) {}
AlertEvaluator::~AlertEvaluator() = default;

Result<Ok> AlertEvaluator::add(const Alert& alert) {
    m_impl->removeRuntime(alert.id);
    Series& s = m_impl->seriesFor(alert.key);
    auto rt = std::make_unique<Runtime>();
    rt->alert = alert;
    if (rt->alert.seenThroughMs == 0) rt->alert.seenThroughMs = alert.createdMs;
    if (const auto* c = std::get_if<Comparison>(&alert.condition.kind)) {
        auto left = m_impl->acquire(s, c->left);
        if (!left) {
            if (s.alerts.empty()) m_impl->series.erase(alert.key);
            return left.error();
        }
        auto right = m_impl->acquire(s, c->right);
        if (!right) {
            m_impl->release(s, c->left);
            if (s.alerts.empty()) m_impl->series.erase(alert.key);
            return right.error();
        }
        rt->left = *left;
        rt->right = *right;
    }
    s.alerts.push_back(rt.get());
    m_impl->alerts[alert.id] = std::move(rt);
    return Ok{};
}

void AlertEvaluator::remove(std::int64_t id) { m_impl->removeRuntime(id); }

void AlertEvaluator::setPaused(std::int64_t id, bool paused) {
    auto it = m_impl->alerts.find(id);
    if (it != m_impl->alerts.end()) it->second->alert.paused = paused;
}

const Alert* AlertEvaluator::find(std::int64_t id) const {
    auto it = m_impl->alerts.find(id);
    return it == m_impl->alerts.end() ? nullptr : &it->second->alert;
}

std::vector<Alert> AlertEvaluator::alerts() const {
    std::vector<Alert> out;
    for (const auto& [id, rt] : m_impl->alerts) out.push_back(rt->alert);
    return out;
}

std::vector<SeriesKey> AlertEvaluator::keys() const {
    std::vector<SeriesKey> out;
    for (const auto& [key, s] : m_impl->series) out.push_back(key);
    return out;
}

std::size_t AlertEvaluator::alertCount() const { return m_impl->alerts.size(); }

std::size_t AlertEvaluator::barCount(const SeriesKey& key) const {
    auto it = m_impl->series.find(key);
    return it == m_impl->series.end() ? 0 : it->second.bars.size();
}

void AlertEvaluator::onKline(const exchange::KlineUpdate& update, std::int64_t localNowMs, std::vector<Trigger>& out) {
    auto it = m_impl->series.find(update.key);
    if (it == m_impl->series.end()) return;
    Series& s = it->second;
    if (!m_impl->apply(s, update.candle, update.eventTimeMs, false, localNowMs, out)) {
        // A live update of an older bar (rare): the indicators start over on the corrected bars.
        for (auto& [spec, slot] : s.indicators) slot.indicator->computeAll(s.bars);
    }
}

void AlertEvaluator::onHistory(const SeriesKey& key, std::span<const Candle> candles, std::int64_t marketNowMs,
                               std::int64_t localNowMs, std::vector<Trigger>& out) {
    auto it = m_impl->series.find(key);
    if (it == m_impl->series.end()) return;
    Series& s = it->second;
    bool recompute = false;
    for (const Candle& c : candles) {
        const std::int64_t time = c.closed ? closeTime(key.interval, c.openTime)
                                           : std::clamp(marketNowMs, c.openTime, closeTime(key.interval, c.openTime));
        if (!m_impl->apply(s, c, time, true, localNowMs, out)) recompute = true;
    }
    if (recompute)
        for (auto& [spec, slot] : s.indicators) slot.indicator->computeAll(s.bars);
}

}  // namespace cpc::alerts
