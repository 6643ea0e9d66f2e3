#pragma once
// Building blocks shared by the indicators. Every kernel is a small state machine fed one value
// per bar through update(bar, x):
//  - bar increases by one for a new bar; the same bar again means "the last bar changed": the
//    kernel restores the state it had before that bar (Checkpoint) and recomputes, so a revision
//    costs the same O(1) as an append and gives bitwise the same result as a batch run.
//  - Window values live in a Ring indexed by the kernel's own push counter. The ring keeps one slot
//    more than the window, so re-pushing a revised value never overwrites a value still needed.
// Rolling sums are Neumaier-compensated and recomputed exactly from the window every `period`
// pushes (amortised O(1)), so they cannot drift over millions of bars; a window of zeros sums to
// exactly zero, which matters for flat markets on illiquid pairs.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <limits>
#include <memory>
#include <vector>

namespace cpc::indicators::detail {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

template <class S>
class Checkpoint {
public:
    // State to update for `bar`: restored to its pre-bar value when `bar` is being revised.
    S& enter(std::int64_t bar) {
        if (bar == m_bar) {
            m_cur = m_saved;
        } else {
            m_saved = m_cur;
            m_bar = bar;
        }
        return m_cur;
    }
    const S& state() const { return m_cur; }
    void clear() {
        m_cur = S{};
        m_saved = S{};
        m_bar = -1;
    }

private:
    S m_cur{};
    S m_saved{};
    std::int64_t m_bar = -1;
};

class Ring {
public:
    explicit Ring(std::size_t capacity = 1) : m_data(capacity < 1 ? 1 : capacity, 0.0) {}
    void put(std::int64_t seq, double v) { m_data[index(seq)] = v; }
    double at(std::int64_t seq) const { return m_data[index(seq)]; }

private:
    std::size_t index(std::int64_t seq) const { return static_cast<std::size_t>(seq) % m_data.size(); }
    std::vector<double> m_data;
};

struct Neumaier {
    double sum = 0.0;
    double comp = 0.0;
    void add(double x) {
        const double t = sum + x;
        if (std::fabs(sum) >= std::fabs(x)) {
            comp += (sum - t) + x;
        } else {
            comp += (x - t) + sum;
        }
        sum = t;
    }
    double value() const { return sum + comp; }
};

// Sum of the last `period` values.
class RollingSum {
public:
    explicit RollingSum(int period = 1) : m_period(period < 1 ? 1 : period), m_ring(m_period + 1u) {}
    int period() const { return m_period; }
    void clear() { m_cp.clear(); }
    // Returns the window sum once `period` values were pushed, NaN before.
    double update(std::int64_t bar, double x) {
        State& s = m_cp.enter(bar);
        m_ring.put(s.n, x);
        ++s.n;
        s.acc.add(x);
        if (x != 0.0) ++s.nonZero;
        if (s.n > m_period) {
            const double out = m_ring.at(s.n - 1 - m_period);
            s.acc.add(-out);
            if (out != 0.0) --s.nonZero;
        }
        if (s.n >= m_period && s.n % m_period == 0) {
            Neumaier fresh;
            for (std::int64_t i = s.n - m_period; i < s.n; ++i) fresh.add(m_ring.at(i));
            s.acc = fresh;
        }
        return value();
    }
    double value() const {
        const State& s = m_cp.state();
        if (s.n < m_period) return kNaN;
        return s.nonZero == 0 ? 0.0 : s.acc.value();
    }
    std::int64_t count() const { return m_cp.state().n; }
    // i-th most recent value (0 = newest); valid for i < period.
    double recent(int i) const { return m_ring.at(m_cp.state().n - 1 - i); }

private:
    struct State {
        std::int64_t n = 0;
        std::int64_t nonZero = 0;
        Neumaier acc;
    };
    int m_period;
    Ring m_ring;
    Checkpoint<State> m_cp;
};

// TA-Lib EMA: seeded with the SMA of the first `period` values, then prev + k * (x - prev).
class Ema {
public:
    explicit Ema(int period = 1, double k = -1.0)
        : m_period(period < 1 ? 1 : period), m_k(k > 0.0 ? k : 2.0 / (m_period + 1.0)) {}
    void clear() { m_cp.clear(); }
    double update(std::int64_t bar, double x) {
        State& s = m_cp.enter(bar);
        if (s.n < m_period) {
            s.seed += x;
            ++s.n;
            if (s.n < m_period) return kNaN;
            s.value = s.seed / m_period;
            return s.value;
        }
        ++s.n;
        s.value = ((x - s.value) * m_k) + s.value;
        return s.value;
    }

private:
    struct State {
        std::int64_t n = 0;
        double seed = 0.0;
        double value = 0.0;
    };
    int m_period;
    double m_k;
    Checkpoint<State> m_cp;
};

class Sma {
public:
    explicit Sma(int period = 1) : m_sum(period) {}
    void clear() { m_sum.clear(); }
    double update(std::int64_t bar, double x) { return m_sum.update(bar, x) / m_sum.period(); }

private:
    RollingSum m_sum;
};

// Linearly weighted: the newest value weighs `period`, the oldest 1.
class Wma {
public:
    explicit Wma(int period = 1)
        : m_period(period < 1 ? 1 : period), m_ring(m_period + 1u),
          m_divider(m_period * (m_period + 1.0) / 2.0) {}
    void clear() { m_cp.clear(); }
    double update(std::int64_t bar, double x) {
        State& s = m_cp.enter(bar);
        m_ring.put(s.n, x);
        if (s.n < m_period) {
            s.weighted += static_cast<double>(s.n + 1) * x;
            s.plain += x;
        } else {
            s.weighted += m_period * x - s.plain;
            s.plain += x - m_ring.at(s.n - m_period);
        }
        ++s.n;
        if (s.n < m_period) return kNaN;
        if (s.n % m_period == 0) {
            double w = 0.0;
            double p = 0.0;
            for (int i = 0; i < m_period; ++i) {
                const double v = m_ring.at(s.n - m_period + i);
                w += (i + 1.0) * v;
                p += v;
            }
            s.weighted = w;
            s.plain = p;
        }
        return s.weighted / m_divider;
    }

private:
    struct State {
        std::int64_t n = 0;
        double weighted = 0.0;
        double plain = 0.0;
    };
    int m_period;
    Ring m_ring;
    double m_divider;
    Checkpoint<State> m_cp;
};

// Population variance of the last `period` values from sums of (x - K), with K the newest value at
// the last exact recompute: shifting by a nearby value avoids the cancellation of E[x²] - E[x]²
// when prices are large and the spread is small.
class RollingVariance {
public:
    explicit RollingVariance(int period = 1) : m_period(period < 1 ? 1 : period), m_ring(m_period + 1u) {}
    void clear() { m_cp.clear(); }
    double update(std::int64_t bar, double x) {
        State& s = m_cp.enter(bar);
        m_ring.put(s.n, x);
        s.run = (s.n > 0 && x == m_ring.at(s.n - 1)) ? s.run + 1 : 1;
        ++s.n;
        if (s.n == 1) s.k = x;
        const double d = x - s.k;
        s.s1 += d;
        s.s2 += d * d;
        if (s.n > m_period) {
            const double o = m_ring.at(s.n - 1 - m_period) - s.k;
            s.s1 -= o;
            s.s2 -= o * o;
        }
        if (s.n < m_period) return kNaN;
        if (s.n % m_period == 0) {
            s.k = x;
            s.s1 = 0.0;
            s.s2 = 0.0;
            for (std::int64_t i = s.n - m_period; i < s.n; ++i) {
                const double v = m_ring.at(i) - s.k;
                s.s1 += v;
                s.s2 += v * v;
            }
        }
        if (s.run >= m_period) return 0.0;  // every value in the window is the same
        const double m1 = s.s1 / m_period;
        const double m2 = s.s2 / m_period;
        const double var = m2 - m1 * m1;
        // Below the rounding noise of the sums it is a flat window.
        return var <= m2 * 1e-13 ? 0.0 : var;
    }

private:
    struct State {
        std::int64_t n = 0;
        std::int64_t run = 0;  // equal values ending at the newest
        double k = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
    };
    int m_period;
    Ring m_ring;
    Checkpoint<State> m_cp;
};

// Highest (IsMax) or lowest value of the last `window` values and the push index where it is,
// tracked the way TA-Lib's MAX/MIN/STOCH/AROON do: a new value at least as extreme takes over; when
// the extreme leaves the window the window is rescanned (strict comparison keeps the earliest of
// equal values unless tieLatestOnRescan, which AROON uses). Amortised O(1).
template <bool IsMax>
class WindowExtreme {
public:
    explicit WindowExtreme(int window = 1, bool tieLatestOnRescan = false)
        : m_window(window < 1 ? 1 : window), m_tieLatest(tieLatestOnRescan), m_ring(m_window + 1u) {}
    void clear() { m_cp.clear(); }
    // Returns true once `window` values were pushed (value()/index() are then defined).
    bool update(std::int64_t bar, double x) {
        State& s = m_cp.enter(bar);
        const std::int64_t today = s.n;
        m_ring.put(today, x);
        ++s.n;
        if (s.n < m_window) return false;
        const std::int64_t trailing = today - (m_window - 1);
        if (s.idx < trailing) {
            s.idx = trailing;
            s.value = m_ring.at(trailing);
            for (std::int64_t i = trailing + 1; i <= today; ++i) {
                const double v = m_ring.at(i);
                if (better(v, s.value) || (m_tieLatest && v == s.value)) {
                    s.idx = i;
                    s.value = v;
                }
            }
        } else if (better(x, s.value) || x == s.value) {
            s.idx = today;
            s.value = x;
        }
        return true;
    }
    double value() const { return m_cp.state().value; }
    // Push index (0 = first value pushed) of the extreme.
    std::int64_t index() const { return m_cp.state().idx; }
    std::int64_t count() const { return m_cp.state().n; }

private:
    static bool better(double a, double b) { return IsMax ? a > b : a < b; }
    struct State {
        std::int64_t n = 0;
        std::int64_t idx = -1;
        double value = 0.0;
    };
    int m_window;
    bool m_tieLatest;
    Ring m_ring;
    Checkpoint<State> m_cp;
};

using WindowMax = WindowExtreme<true>;
using WindowMin = WindowExtreme<false>;

// TA-Lib KAMA: efficiency ratio over `period` changes, smoothing between 2/(2+1) and 2/(30+1),
// seeded with the value before the first output.
class Kama {
public:
    explicit Kama(int period = 30) : m_period(period < 1 ? 1 : period), m_ring(m_period + 1u), m_noise(m_period) {}
    void clear() {
        m_cp.clear();
        m_noise.clear();
    }
    double update(std::int64_t bar, double x) {
        State& s = m_cp.enter(bar);
        m_ring.put(s.n, x);
        if (s.n > 0) m_noise.update(bar, std::fabs(x - m_ring.at(s.n - 1)));
        ++s.n;
        if (s.n <= m_period) return kNaN;
        if (s.n == m_period + 1) s.value = m_ring.at(s.n - 2);
        const double sumRoc = m_noise.value();
        const double periodRoc = x - m_ring.at(s.n - 1 - m_period);
        double er = 1.0;
        if (!(sumRoc <= periodRoc || sumRoc == 0.0)) er = std::fabs(periodRoc / sumRoc);
        constexpr double kFast = 2.0 / (2.0 + 1.0);
        constexpr double kSlow = 2.0 / (30.0 + 1.0);
        double sc = er * (kFast - kSlow) + kSlow;
        sc *= sc;
        s.value = ((x - s.value) * sc) + s.value;
        return s.value;
    }

private:
    struct State {
        std::int64_t n = 0;
        double value = 0.0;
    };
    int m_period;
    Ring m_ring;
    RollingSum m_noise;
    Checkpoint<State> m_cp;
};

// Tillson T3: six chained EMAs, each seeded with the SMA of the previous one's first values.
class T3 {
public:
    explicit T3(int period = 5, double vfactor = 0.7) {
        for (auto& e : m_e) e = Ema(period);
        const double a = vfactor;
        const double a2 = a * a;
        m_c1 = -(a2 * a);
        m_c2 = 3.0 * (a2 - m_c1);
        m_c3 = -6.0 * a2 - 3.0 * (a - m_c1);
        m_c4 = 1.0 + 3.0 * a - m_c1 + 3.0 * a2;
    }
    void clear() {
        for (auto& e : m_e) e.clear();
    }
    double update(std::int64_t bar, double x) {
        double v[6];
        double in = x;
        for (int i = 0; i < 6; ++i) {
            v[i] = m_e[i].update(bar, in);
            if (std::isnan(v[i])) return kNaN;
            in = v[i];
        }
        return m_c1 * v[5] + m_c2 * v[4] + m_c3 * v[3] + m_c4 * v[2];
    }

private:
    Ema m_e[6];
    double m_c1 = 0, m_c2 = 0, m_c3 = 0, m_c4 = 0;
};

// TA-Lib's MAMA as a moving average of any input (MA type 7): the mama line, look-back 32; the
// machine is the MAMA indicator's own (cycle_indicators.cpp). It counts the values it is given from
// 0, as TA-Lib's MAMA counts from the first value it is asked about; update(bar, x) with the same
// `bar` again revises the last value. A default-constructed kernel is empty and returns NaN.
class MamaKernel {
public:
    static constexpr int kLookback = 32;
    MamaKernel();
    MamaKernel(double fastLimit, double slowLimit);
    ~MamaKernel();
    MamaKernel(const MamaKernel& other);
    MamaKernel& operator=(const MamaKernel& other);
    MamaKernel(MamaKernel&&) noexcept;
    MamaKernel& operator=(MamaKernel&&) noexcept;
    void clear();
    double update(std::int64_t bar, double x);  // NaN for the first kLookback values

private:
    struct Core;
    std::unique_ptr<Core> m_core;  // ~2 KB, allocated only for MA type 7
    std::int64_t m_count = 0;
    std::int64_t m_lastBar = -1;
};

// TA-Lib's MA with optInMAType: 0 SMA, 1 EMA, 2 WMA, 3 DEMA, 4 TEMA, 5 TRIMA, 6 KAMA, 7 MAMA
// (TA-Lib's fixed limits 0.5/0.05, the period is ignored, the mama line), 8 T3. Period 1 passes
// the input through, as TA-Lib does (also for MAMA).
class MovingAverage {
public:
    enum Type { kSma = 0, kEma = 1, kWma = 2, kDema = 3, kTema = 4, kTrima = 5, kKama = 6, kMama = 7, kT3 = 8 };
    MovingAverage() = default;
    MovingAverage(int type, int period);
    static int lookback(int type, int period);
    void clear();
    double update(std::int64_t bar, double x);

private:
    int m_type = kSma;
    int m_period = 1;
    Sma m_sma, m_sma2;
    Ema m_e1, m_e2, m_e3;
    Wma m_wma;
    Kama m_kama{1};
    T3 m_t3{1, 0.7};
    MamaKernel m_mama;
};

// True when |a - b| is within the rounding noise of numbers of that size: a window whose range
// or deviation is that small is flat, and using the noise as a denominator gives random output
// (TA-Lib compares with exact zero and shares that problem; on ordinary prices nothing changes).
inline bool withinRounding(double a, double b) {
    return std::fabs(a - b) <= 1e-12 * std::max(std::fabs(a), std::fabs(b));
}

inline double trueRange(double high, double low, double prevClose) {
    double tr = high - low;
    const double a = std::fabs(prevClose - high);
    const double b = std::fabs(prevClose - low);
    if (a > tr) tr = a;
    if (b > tr) tr = b;
    return tr;
}

}  // namespace cpc::indicators::detail
