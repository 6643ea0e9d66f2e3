// Momentum indicators with TA-Lib 0.6 seeding (unstable period 0, default compatibility).
// Where TA-Lib tests a denominator against an absolute 1e-8 (TA_IS_ZERO) or MFI against 1.0, we test
// against exactly zero: an absolute threshold turns every value of a 1e-6-priced pair into 0. On
// ordinary prices both give the same numbers.
#include <algorithm>
#include <cmath>

#include "indicator_impl.hpp"

namespace cpc::indicators::detail {
namespace {

// +DM, -DM and TR smoothed the way TA-Lib's ADX family does: bars 1..p-1 are summed, later bars
// use x - x/p + new. value at bar p-1 is the plain sum (PLUS_DM's first output).
class DirectionalMovement {
public:
    explicit DirectionalMovement(int period = 14) : m_period(period) {}
    void clear() { m_cp.clear(); }
    struct State {
        double prevHigh = 0, prevLow = 0, prevClose = 0;
        double plusDm = 0, minusDm = 0, tr = 0;
    };
    const State& update(const Bar& b, std::int64_t i) {
        State& s = m_cp.enter(i);
        if (i > 0) {
            const double diffP = b.high - s.prevHigh;
            const double diffM = s.prevLow - b.low;
            const double plus = (diffP > 0 && diffP > diffM) ? diffP : 0.0;
            const double minus = (diffM > 0 && diffM > diffP) ? diffM : 0.0;
            const double tr = trueRange(b.high, b.low, s.prevClose);
            if (i < m_period) {
                s.plusDm += plus;
                s.minusDm += minus;
                s.tr += tr;
            } else {
                s.plusDm = s.plusDm - (s.plusDm / m_period) + plus;
                s.minusDm = s.minusDm - (s.minusDm / m_period) + minus;
                s.tr = s.tr - (s.tr / m_period) + tr;
            }
        }
        s.prevHigh = b.high;
        s.prevLow = b.low;
        s.prevClose = b.close;
        return s;
    }

private:
    int m_period;
    Checkpoint<State> m_cp;
};

enum class DmOutput { PlusDm, MinusDm, PlusDi, MinusDi };

template <DmOutput Kind>
class DmIndicator final : public IndicatorImpl<DmIndicator<Kind>> {
    using Base = IndicatorImpl<DmIndicator<Kind>>;

public:
    DmIndicator(const IndicatorInfo& info, std::vector<double> p) : Base(info, std::move(p)), m_dm(this->intParam(0)) {}
    void resetState() { m_dm.clear(); }
    void step(const Bar& b, std::int64_t i) {
        const auto& s = m_dm.update(b, i);
        const int p = this->intParam(0);
        if constexpr (Kind == DmOutput::PlusDm || Kind == DmOutput::MinusDm) {
            if (i >= p - 1) this->put(0, Kind == DmOutput::PlusDm ? s.plusDm : s.minusDm);
        } else {
            if (i < p) return;
            const double dm = Kind == DmOutput::PlusDi ? s.plusDm : s.minusDm;
            this->put(0, s.tr != 0.0 ? 100.0 * (dm / s.tr) : 0.0);
        }
    }

private:
    DirectionalMovement m_dm;
};

// DX from the smoothed DM/TR; nullopt when TA-Lib would skip the bar (zero TR or zero DI sum).
std::optional<double> dxOf(const DirectionalMovement::State& s) {
    if (s.tr == 0.0) return std::nullopt;
    const double minusDi = 100.0 * (s.minusDm / s.tr);
    const double plusDi = 100.0 * (s.plusDm / s.tr);
    const double sum = minusDi + plusDi;
    if (sum == 0.0) return std::nullopt;
    return 100.0 * (std::fabs(minusDi - plusDi) / sum);
}

class Dx final : public IndicatorImpl<Dx> {
public:
    Dx(const IndicatorInfo& info, std::vector<double> p) : IndicatorImpl(info, std::move(p)), m_dm(intParam(0)) {}
    void resetState() {
        m_dm.clear();
        m_cp.clear();
    }
    void step(const Bar& b, std::int64_t i) {
        const auto& s = m_dm.update(b, i);
        double& last = m_cp.enter(i);
        if (i < intParam(0)) return;
        // TA-Lib: 0 on the first bar, then the previous value while DX is undefined.
        if (auto dx = dxOf(s)) last = *dx;
        put(0, last);
    }

private:
    DirectionalMovement m_dm;
    Checkpoint<double> m_cp;
};

// ADX (and ADXR on top of it): DX summed over bars p..2p-1, averaged, then Wilder-smoothed.
class AdxCore {
public:
    explicit AdxCore(int period = 14) : m_period(period), m_dm(period), m_hist(period + 1u) {}
    void clear() {
        m_dm.clear();
        m_cp.clear();
    }
    // ADX at bar i, NaN before 2p-1.
    double update(const Bar& b, std::int64_t i) {
        const auto& s = m_dm.update(b, i);
        State& st = m_cp.enter(i);
        const int p = m_period;
        double out = kNaN;
        if (i >= p) {
            const auto dx = dxOf(s);
            if (i < 2 * p - 1) {
                if (dx) st.sumDx += *dx;
            } else if (i == 2 * p - 1) {
                if (dx) st.sumDx += *dx;
                st.adx = st.sumDx / p;
                out = st.adx;
            } else {
                if (dx) st.adx = ((st.adx * (p - 1)) + *dx) / p;
                out = st.adx;
            }
        }
        m_hist.put(i, out);
        return out;
    }
    // ADX `back` bars ago (back < period + 1).
    double past(std::int64_t i, int back) const { return m_hist.at(i - back); }

private:
    struct State {
        double sumDx = 0;
        double adx = 0;
    };
    int m_period;
    DirectionalMovement m_dm;
    Ring m_hist;
    Checkpoint<State> m_cp;
};

class Adx final : public IndicatorImpl<Adx> {
public:
    Adx(const IndicatorInfo& info, std::vector<double> p) : IndicatorImpl(info, std::move(p)), m_adx(intParam(0)) {}
    void resetState() { m_adx.clear(); }
    void step(const Bar& b, std::int64_t i) {
        const double v = m_adx.update(b, i);
        if (!std::isnan(v)) put(0, v);
    }

private:
    AdxCore m_adx;
};

class Adxr final : public IndicatorImpl<Adxr> {
public:
    Adxr(const IndicatorInfo& info, std::vector<double> p) : IndicatorImpl(info, std::move(p)), m_adx(intParam(0)) {}
    void resetState() { m_adx.clear(); }
    void step(const Bar& b, std::int64_t i) {
        const double v = m_adx.update(b, i);
        if (std::isnan(v)) return;
        const int p = intParam(0);
        if (i < 3 * p - 2) return;
        put(0, (v + m_adx.past(i, p - 1)) / 2.0);
    }

private:
    AdxCore m_adx;
};

// Fast and slow moving averages. aligned (MACDEXT): TA-Lib asks both for output from the same bar,
// so a stateful fast average (EMA, KAMA, T3...) is seeded from the bars just before that bar, not
// from bar 0. Not aligned (APO, PPO): TA-Lib's INT_PO runs both from bar 0.
class FastSlow {
public:
    FastSlow() = default;
    FastSlow(int fastPeriod, int fastType, int slowPeriod, int slowType, bool aligned) {
        if (slowPeriod < fastPeriod) {
            std::swap(slowPeriod, fastPeriod);
            std::swap(slowType, fastType);
        }
        m_fast = MovingAverage(fastType, fastPeriod);
        m_slow = MovingAverage(slowType, slowPeriod);
        const int fastLb = MovingAverage::lookback(fastType, fastPeriod);
        const int slowLb = MovingAverage::lookback(slowType, slowPeriod);
        m_lookback = std::max(fastLb, slowLb);
        m_fastStart = aligned ? m_lookback - fastLb : 0;
        m_slowStart = aligned ? m_lookback - slowLb : 0;
    }
    void clear() {
        m_fast.clear();
        m_slow.clear();
    }
    int lookback() const { return m_lookback; }
    // {fast, slow}, both NaN before lookback().
    std::pair<double, double> update(std::int64_t i, double x) {
        double f = kNaN;
        double s = kNaN;
        if (i >= m_fastStart) f = m_fast.update(i - m_fastStart, x);
        if (i >= m_slowStart) s = m_slow.update(i - m_slowStart, x);
        if (i < m_lookback) return {kNaN, kNaN};
        return {f, s};
    }

private:
    MovingAverage m_fast, m_slow;
    int m_lookback = 0;
    int m_fastStart = 0;
    int m_slowStart = 0;
};

template <bool Percent>
class PriceOscillator final : public IndicatorImpl<PriceOscillator<Percent>> {
    using Base = IndicatorImpl<PriceOscillator<Percent>>;

public:
    PriceOscillator(const IndicatorInfo& info, std::vector<double> p)
        : Base(info, std::move(p)),
          m_fs(this->intParam(0), this->intParam(2), this->intParam(1), this->intParam(2), false) {}
    void resetState() { m_fs.clear(); }
    void step(const Bar& b, std::int64_t i) {
        const auto [f, s] = m_fs.update(i, b.close);
        if (std::isnan(f) || std::isnan(s)) return;
        if constexpr (Percent) {
            this->put(0, s != 0.0 ? ((f - s) / s) * 100.0 : 0.0);
        } else {
            this->put(0, f - s);
        }
    }

private:
    FastSlow m_fs;
};

// MACD, MACDEXT and MACDFIX: macd = fast - slow from the slow lookback, signal = MA of macd seeded
// on the first macd values; all three outputs start together at the full lookback.
class Macd final : public IndicatorImpl<Macd> {
public:
    enum class Kind { Macd, Ext, Fix };
    Macd(const IndicatorInfo& info, std::vector<double> p) : IndicatorImpl(info, std::move(p)) {
        const Kind kind = info.name == "MACDEXT" ? Kind::Ext : info.name == "MACDFIX" ? Kind::Fix : Kind::Macd;
        const auto v = params();
        if (kind == Kind::Ext) {
            m_fs = FastSlow(static_cast<int>(v[0]), static_cast<int>(v[1]), static_cast<int>(v[2]),
                            static_cast<int>(v[3]), true);
            m_signal = MovingAverage(static_cast<int>(v[5]), static_cast<int>(v[4]));
            m_signalLb = MovingAverage::lookback(static_cast<int>(v[5]), static_cast<int>(v[4]));
            m_useFastSlow = true;
            return;
        }
        int fast = 12;
        int slow = 26;
        int signal = static_cast<int>(v[0]);
        double kFast = 0.15;   // MACDFIX: TA-Lib's fixed 12/26 smoothing constants
        double kSlow = 0.075;
        if (kind == Kind::Macd) {
            fast = static_cast<int>(v[0]);
            slow = static_cast<int>(v[1]);
            signal = static_cast<int>(v[2]);
            if (slow < fast) std::swap(slow, fast);
            kFast = 2.0 / (fast + 1.0);
            kSlow = 2.0 / (slow + 1.0);
        }
        m_fast = Ema(fast, kFast);
        m_slow = Ema(slow, kSlow);
        m_emaSignal = Ema(signal);
        m_fastStart = slow - fast;
        m_macdStart = slow - 1;
        m_signalLb = signal - 1;
    }
    void resetState() {
        m_fs.clear();
        m_signal.clear();
        m_fast.clear();
        m_slow.clear();
        m_emaSignal.clear();
    }
    void step(const Bar& b, std::int64_t i) {
        double macd = kNaN;
        std::int64_t macdIndex = 0;
        if (m_useFastSlow) {
            const auto [f, s] = m_fs.update(i, b.close);
            if (std::isnan(f) || std::isnan(s)) return;
            macd = f - s;
            macdIndex = i - m_fs.lookback();
        } else {
            double f = kNaN;
            if (i >= m_fastStart) f = m_fast.update(i, b.close);
            const double s = m_slow.update(i, b.close);
            if (i < m_macdStart) return;
            macd = f - s;
            macdIndex = i - m_macdStart;
        }
        const double sig = m_useFastSlow ? m_signal.update(macdIndex, macd) : m_emaSignal.update(macdIndex, macd);
        if (macdIndex < m_signalLb || std::isnan(sig)) return;
        put(0, macd);
        put(1, sig);
        put(2, macd - sig);
    }

private:
    bool m_useFastSlow = false;
    FastSlow m_fs;
    MovingAverage m_signal;
    Ema m_fast, m_slow, m_emaSignal;
    std::int64_t m_fastStart = 0;
    std::int64_t m_macdStart = 0;
    std::int64_t m_signalLb = 0;
};

// Average gain and loss, TA-Lib's RSI/CMO seeding: plain averages of changes 1..p, then Wilder.
class GainLoss {
public:
    explicit GainLoss(int period = 14) : m_period(period) {}
    void clear() { m_cp.clear(); }
    // True from bar `period` on; gain()/loss() are then the smoothed averages.
    bool update(std::int64_t i, double x) {
        State& s = m_cp.enter(i);
        if (i > 0) {
            const double d = x - s.prev;
            if (i <= m_period) {
                if (d < 0) s.loss -= d; else s.gain += d;
                if (i == m_period) {
                    s.loss /= m_period;
                    s.gain /= m_period;
                }
            } else {
                s.loss *= (m_period - 1);
                s.gain *= (m_period - 1);
                if (d < 0) s.loss -= d; else s.gain += d;
                s.loss /= m_period;
                s.gain /= m_period;
            }
        }
        s.prev = x;
        return i >= m_period;
    }
    double gain() const { return m_cp.state().gain; }
    double loss() const { return m_cp.state().loss; }

private:
    struct State {
        double prev = 0, gain = 0, loss = 0;
    };
    int m_period;
    Checkpoint<State> m_cp;
};

double rsiOf(const GainLoss& g) {
    const double sum = g.gain() + g.loss();
    return sum != 0.0 ? 100.0 * (g.gain() / sum) : 0.0;
}

class Rsi final : public IndicatorImpl<Rsi> {
public:
    Rsi(const IndicatorInfo& info, std::vector<double> p) : IndicatorImpl(info, std::move(p)), m_gl(intParam(0)) {}
    void resetState() { m_gl.clear(); }
    void step(const Bar& b, std::int64_t i) {
        if (m_gl.update(i, b.close)) put(0, rsiOf(m_gl));
    }

private:
    GainLoss m_gl;
};

class Cmo final : public IndicatorImpl<Cmo> {
public:
    Cmo(const IndicatorInfo& info, std::vector<double> p) : IndicatorImpl(info, std::move(p)), m_gl(intParam(0)) {}
    void resetState() { m_gl.clear(); }
    void step(const Bar& b, std::int64_t i) {
        if (!m_gl.update(i, b.close)) return;
        const double sum = m_gl.gain() + m_gl.loss();
        put(0, sum != 0.0 ? 100.0 * ((m_gl.gain() - m_gl.loss()) / sum) : 0.0);
    }

private:
    GainLoss m_gl;
};

class Aroon final : public IndicatorImpl<Aroon> {
public:
    Aroon(const IndicatorInfo& info, std::vector<double> p, bool osc)
        : IndicatorImpl(info, std::move(p)), m_osc(osc), m_max(intParam(0) + 1, true), m_min(intParam(0) + 1, true) {}
    Aroon(const IndicatorInfo& info, std::vector<double> p) : Aroon(info, std::move(p), info.name == "AROONOSC") {}
    void resetState() {
        m_max.clear();
        m_min.clear();
    }
    void step(const Bar& b, std::int64_t i) {
        const bool ready = m_max.update(i, b.high);
        m_min.update(i, b.low);
        if (!ready) return;
        const int p = intParam(0);
        const double factor = 100.0 / p;
        const double up = factor * static_cast<double>(p - (i - m_max.index()));
        const double down = factor * static_cast<double>(p - (i - m_min.index()));
        if (m_osc) {
            put(0, factor * static_cast<double>(m_max.index() - m_min.index()));
        } else {
            put(0, down);
            put(1, up);
        }
    }

private:
    bool m_osc;
    WindowMax m_max;
    WindowMin m_min;
};

class Bop final : public IndicatorImpl<Bop> {
public:
    Bop(const IndicatorInfo& info, std::vector<double> p) : IndicatorImpl(info, std::move(p)) {}
    void resetState() {}
    void step(const Bar& b, std::int64_t) {
        const double range = b.high - b.low;
        put(0, range > 0.0 ? (b.close - b.open) / range : 0.0);
    }
};

// CCI: mean deviation about the moving mean has no O(1) update; this is O(period) per bar.
class Cci final : public IndicatorImpl<Cci> {
public:
    Cci(const IndicatorInfo& info, std::vector<double> p)
        : IndicatorImpl(info, std::move(p)), m_period(intParam(0)), m_ring(m_period + 1u) {}
    void resetState() { m_cp.clear(); }
    void step(const Bar& b, std::int64_t i) {
        std::int64_t& n = m_cp.enter(i);
        const double tp = (b.high + b.low + b.close) / 3;
        m_ring.put(n, tp);
        ++n;
        if (n < m_period) return;
        double avg = 0;
        for (std::int64_t j = n - m_period; j < n; ++j) avg += m_ring.at(j);
        avg /= m_period;
        double dev = 0;
        for (std::int64_t j = n - m_period; j < n; ++j) dev += std::fabs(m_ring.at(j) - avg);
        const double diff = tp - avg;
        const double meanDev = dev / m_period;
        const bool flat = withinRounding(tp, avg) || meanDev <= 1e-12 * std::fabs(avg);
        put(0, (diff != 0.0 && dev != 0.0 && !flat) ? diff / (0.015 * meanDev) : 0.0);
    }

private:
    int m_period;
    Ring m_ring;
    Checkpoint<std::int64_t> m_cp;
};

class Mfi final : public IndicatorImpl<Mfi> {
public:
    Mfi(const IndicatorInfo& info, std::vector<double> p)
        : IndicatorImpl(info, std::move(p)), m_pos(intParam(0)), m_neg(intParam(0)) {}
    void resetState() {
        m_cp.clear();
        m_pos.clear();
        m_neg.clear();
    }
    void step(const Bar& b, std::int64_t i) {
        double& prevTp = m_cp.enter(i);
        const double tp = (b.high + b.low + b.close) / 3.0;
        if (i == 0) {
            prevTp = tp;
            return;
        }
        const double d = tp - prevTp;
        prevTp = tp;
        const double flow = tp * b.volume;
        const double pos = m_pos.update(i, d > 0 ? flow : 0.0);
        const double neg = m_neg.update(i, d < 0 ? flow : 0.0);
        if (std::isnan(pos)) return;
        const double total = pos + neg;
        put(0, total != 0.0 ? 100.0 * (pos / total) : 0.0);
    }

private:
    Checkpoint<double> m_cp;
    RollingSum m_pos, m_neg;
};

enum class ChangeKind { Mom, Roc, Rocp, Rocr, Rocr100 };

template <ChangeKind K>
class Change final : public IndicatorImpl<Change<K>> {
    using Base = IndicatorImpl<Change<K>>;

public:
    Change(const IndicatorInfo& info, std::vector<double> p)
        : Base(info, std::move(p)), m_period(this->intParam(0)), m_ring(m_period + 1u) {}
    void resetState() {}
    void step(const Bar& b, std::int64_t i) {
        m_ring.put(i, b.close);
        if (i < m_period) return;
        const double prev = m_ring.at(i - m_period);
        const double x = b.close;
        double v = 0.0;
        if constexpr (K == ChangeKind::Mom) {
            v = x - prev;
        } else if constexpr (K == ChangeKind::Roc) {
            v = prev != 0.0 ? ((x / prev) - 1.0) * 100.0 : 0.0;
        } else if constexpr (K == ChangeKind::Rocp) {
            v = prev != 0.0 ? (x - prev) / prev : 0.0;
        } else if constexpr (K == ChangeKind::Rocr) {
            v = prev != 0.0 ? x / prev : 0.0;
        } else {
            v = prev != 0.0 ? (x / prev) * 100.0 : 0.0;
        }
        this->put(0, v);
    }

private:
    int m_period;
    Ring m_ring;
};

// Fast %K over a high/low window (TA-Lib: 0 when the window is flat).
class FastK {
public:
    explicit FastK(int period = 5) : m_max(period), m_min(period) {}
    void clear() {
        m_max.clear();
        m_min.clear();
    }
    double update(std::int64_t i, double high, double low, double close) {
        const bool ready = m_max.update(i, high);
        m_min.update(i, low);
        if (!ready) return kNaN;
        if (withinRounding(m_max.value(), m_min.value())) return 0.0;
        const double diff = (m_max.value() - m_min.value()) / 100.0;
        return (close - m_min.value()) / diff;
    }

private:
    WindowMax m_max;
    WindowMin m_min;
};

class Stoch final : public IndicatorImpl<Stoch> {
public:
    Stoch(const IndicatorInfo& info, std::vector<double> p)
        : IndicatorImpl(info, std::move(p)), m_k(intParam(0)), m_slowK(intParam(2), intParam(1)),
          m_slowD(intParam(4), intParam(3)) {}
    void resetState() {
        m_k.clear();
        m_slowK.clear();
        m_slowD.clear();
    }
    void step(const Bar& b, std::int64_t i) {
        const double k = m_k.update(i, b.high, b.low, b.close);
        if (std::isnan(k)) return;
        const double sk = m_slowK.update(i, k);
        if (std::isnan(sk)) return;
        const double sd = m_slowD.update(i, sk);
        if (std::isnan(sd)) return;
        put(0, sk);
        put(1, sd);
    }

private:
    FastK m_k;
    MovingAverage m_slowK, m_slowD;
};

class StochF final : public IndicatorImpl<StochF> {
public:
    StochF(const IndicatorInfo& info, std::vector<double> p)
        : IndicatorImpl(info, std::move(p)), m_k(intParam(0)), m_d(intParam(2), intParam(1)) {}
    void resetState() {
        m_k.clear();
        m_d.clear();
    }
    void step(const Bar& b, std::int64_t i) {
        const double k = m_k.update(i, b.high, b.low, b.close);
        if (std::isnan(k)) return;
        const double d = m_d.update(i, k);
        if (std::isnan(d)) return;
        put(0, k);
        put(1, d);
    }

private:
    FastK m_k;
    MovingAverage m_d;
};

class StochRsi final : public IndicatorImpl<StochRsi> {
public:
    StochRsi(const IndicatorInfo& info, std::vector<double> p)
        : IndicatorImpl(info, std::move(p)), m_gl(intParam(0)), m_k(intParam(1)), m_d(intParam(3), intParam(2)) {}
    void resetState() {
        m_gl.clear();
        m_k.clear();
        m_d.clear();
    }
    void step(const Bar& b, std::int64_t i) {
        if (!m_gl.update(i, b.close)) return;
        const double rsi = rsiOf(m_gl);
        const double k = m_k.update(i, rsi, rsi, rsi);
        if (std::isnan(k)) return;
        const double d = m_d.update(i, k);
        if (std::isnan(d)) return;
        put(0, k);
        put(1, d);
    }

private:
    GainLoss m_gl;
    FastK m_k;
    MovingAverage m_d;
};

class Trix final : public IndicatorImpl<Trix> {
public:
    Trix(const IndicatorInfo& info, std::vector<double> p)
        : IndicatorImpl(info, std::move(p)), m_e1(intParam(0)), m_e2(intParam(0)), m_e3(intParam(0)) {}
    void resetState() {
        m_e1.clear();
        m_e2.clear();
        m_e3.clear();
        m_cp.clear();
    }
    void step(const Bar& b, std::int64_t i) {
        State& s = m_cp.enter(i);
        const double e1 = m_e1.update(i, b.close);
        if (std::isnan(e1)) return;
        const double e2 = m_e2.update(i, e1);
        if (std::isnan(e2)) return;
        const double e3 = m_e3.update(i, e2);
        if (std::isnan(e3)) return;
        if (s.havePrev) put(0, s.prev != 0.0 ? ((e3 / s.prev) - 1.0) * 100.0 : 0.0);
        s.prev = e3;
        s.havePrev = true;
    }

private:
    struct State {
        double prev = 0;
        bool havePrev = false;
    };
    Ema m_e1, m_e2, m_e3;
    Checkpoint<State> m_cp;
};

class UltOsc final : public IndicatorImpl<UltOsc> {
public:
    UltOsc(const IndicatorInfo& info, std::vector<double> p) : IndicatorImpl(info, std::move(p)) {
        int periods[3] = {intParam(0), intParam(1), intParam(2)};
        std::sort(periods, periods + 3);  // weights 4, 2, 1 go to the shortest .. longest period
        for (int k = 0; k < 3; ++k) {
            m_bp[k] = RollingSum(periods[k]);
            m_tr[k] = RollingSum(periods[k]);
        }
    }
    void resetState() {
        m_cp.clear();
        for (int k = 0; k < 3; ++k) {
            m_bp[k].clear();
            m_tr[k].clear();
        }
    }
    void step(const Bar& b, std::int64_t i) {
        double& prevClose = m_cp.enter(i);
        if (i == 0) {
            prevClose = b.close;
            return;
        }
        const double trueLow = std::min(b.low, prevClose);
        const double bp = b.close - trueLow;
        const double tr = trueRange(b.high, b.low, prevClose);
        prevClose = b.close;
        double a[3];
        double t[3];
        for (int k = 0; k < 3; ++k) {
            a[k] = m_bp[k].update(i, bp);
            t[k] = m_tr[k].update(i, tr);
        }
        if (std::isnan(a[2])) return;
        double out = 0.0;
        if (t[0] != 0.0) out += 4.0 * (a[0] / t[0]);
        if (t[1] != 0.0) out += 2.0 * (a[1] / t[1]);
        if (t[2] != 0.0) out += a[2] / t[2];
        put(0, 100.0 * (out / 7.0));
    }

private:
    Checkpoint<double> m_cp;
    RollingSum m_bp[3];
    RollingSum m_tr[3];
};

class WillR final : public IndicatorImpl<WillR> {
public:
    WillR(const IndicatorInfo& info, std::vector<double> p)
        : IndicatorImpl(info, std::move(p)), m_max(intParam(0)), m_min(intParam(0)) {}
    void resetState() {
        m_max.clear();
        m_min.clear();
    }
    void step(const Bar& b, std::int64_t i) {
        const bool ready = m_max.update(i, b.high);
        m_min.update(i, b.low);
        if (!ready) return;
        if (withinRounding(m_max.value(), m_min.value())) {
            put(0, 0.0);
            return;
        }
        const double diff = (m_max.value() - m_min.value()) / (-100.0);
        put(0, (m_max.value() - b.close) / diff);
    }

private:
    WindowMax m_max;
    WindowMin m_min;
};

// Intraday Momentum Index: up-candle bodies / all bodies over the window (0 when all are dojis).
class Imi final : public IndicatorImpl<Imi> {
public:
    Imi(const IndicatorInfo& info, std::vector<double> p)
        : IndicatorImpl(info, std::move(p)), m_up(intParam(0)), m_down(intParam(0)) {}
    void resetState() {
        m_up.clear();
        m_down.clear();
    }
    void step(const Bar& b, std::int64_t i) {
        const double up = m_up.update(i, b.close > b.open ? b.close - b.open : 0.0);
        const double down = m_down.update(i, b.close > b.open ? 0.0 : b.open - b.close);
        if (std::isnan(up)) return;
        const double total = up + down;
        put(0, total != 0.0 ? 100.0 * (up / total) : 0.0);
    }

private:
    RollingSum m_up, m_down;
};

}  // namespace

void registerMomentum(RegistryBuilder& r) {
    const auto G = IndicatorGroup::Momentum;
    const auto P = Placement::Pane;
    const std::vector<std::string> close{"close"};
    const std::vector<std::string> hlc{"high", "low", "close"};
    const std::vector<std::string> hl{"high", "low"};
    const std::vector<std::string> real{"real"};
    const auto tp14 = [] { return std::vector<ParamInfo>{periodParam("timeperiod", 14)}; };
    r.add<Adx>(makeInfo("ADX", "Average Directional Movement Index", G, P, hlc, tp14(), real));
    r.add<Adxr>(makeInfo("ADXR", "Average Directional Movement Index Rating", G, P, hlc, tp14(), real));
    r.add<Dx>(makeInfo("DX", "Directional Movement Index", G, P, hlc, tp14(), real));
    r.add<DmIndicator<DmOutput::PlusDi>>(makeInfo("PLUS_DI", "Plus Directional Indicator", G, P, hlc, tp14(), real));
    r.add<DmIndicator<DmOutput::MinusDi>>(makeInfo("MINUS_DI", "Minus Directional Indicator", G, P, hlc, tp14(), real));
    r.add<DmIndicator<DmOutput::PlusDm>>(makeInfo("PLUS_DM", "Plus Directional Movement", G, P, hl, tp14(), real));
    r.add<DmIndicator<DmOutput::MinusDm>>(makeInfo("MINUS_DM", "Minus Directional Movement", G, P, hl, tp14(), real));
    const auto poParams = [] {
        return std::vector<ParamInfo>{periodParam("fastperiod", 12), periodParam("slowperiod", 26), maTypeParam("matype")};
    };
    r.add<PriceOscillator<false>>(makeInfo("APO", "Absolute Price Oscillator", G, P, close, poParams(), real));
    r.add<PriceOscillator<true>>(makeInfo("PPO", "Percentage Price Oscillator", G, P, close, poParams(), real));
    r.add<Aroon>(makeInfo("AROON", "Aroon", G, P, hl, tp14(), {"aroondown", "aroonup"}));
    r.add<Aroon>(makeInfo("AROONOSC", "Aroon Oscillator", G, P, hl, tp14(), real));
    r.add<Bop>(makeInfo("BOP", "Balance Of Power", G, P, {"open", "high", "low", "close"}, {}, real));
    r.add<Cci>(makeInfo("CCI", "Commodity Channel Index", G, P, hlc, tp14(), real));
    r.add<Cmo>(makeInfo("CMO", "Chande Momentum Oscillator", G, P, close, tp14(), real));
    const std::vector<std::string> macdOut{"macd", "macdsignal", "macdhist"};
    r.add<Macd>(makeInfo(
        "MACD", "Moving Average Convergence/Divergence", G, P, close,
        {periodParam("fastperiod", 12), periodParam("slowperiod", 26), periodParam("signalperiod", 9, 1)}, macdOut));
    r.add<Macd>(
        makeInfo("MACDEXT", "MACD with controllable MA type", G, P, close,
                 {periodParam("fastperiod", 12), maTypeParam("fastmatype"), periodParam("slowperiod", 26),
                  maTypeParam("slowmatype"), periodParam("signalperiod", 9, 1), maTypeParam("signalmatype")},
                 macdOut));
    r.add<Macd>(makeInfo("MACDFIX", "Moving Average Convergence/Divergence Fix 12/26", G, P, close,
                                            {periodParam("signalperiod", 9, 1)}, macdOut));
    r.add<Mfi>(makeInfo("MFI", "Money Flow Index", G, P, {"high", "low", "close", "volume"}, tp14(), real));
    const auto tp10 = [] { return std::vector<ParamInfo>{periodParam("timeperiod", 10, 1)}; };
    r.add<Change<ChangeKind::Mom>>(makeInfo("MOM", "Momentum", G, P, close, tp10(), real));
    r.add<Change<ChangeKind::Roc>>(makeInfo("ROC", "Rate of change : ((price/prevPrice)-1)*100", G, P, close, tp10(), real));
    r.add<Change<ChangeKind::Rocp>>(
        makeInfo("ROCP", "Rate of change Percentage: (price-prevPrice)/prevPrice", G, P, close, tp10(), real));
    r.add<Change<ChangeKind::Rocr>>(makeInfo("ROCR", "Rate of change ratio: (price/prevPrice)", G, P, close, tp10(), real));
    r.add<Change<ChangeKind::Rocr100>>(
        makeInfo("ROCR100", "Rate of change ratio 100 scale: (price/prevPrice)*100", G, P, close, tp10(), real));
    r.add<Rsi>(makeInfo("RSI", "Relative Strength Index", G, P, close, tp14(), real));
    r.add<Stoch>(makeInfo("STOCH", "Stochastic", G, P, hlc,
                          {periodParam("fastk_period", 5, 1), periodParam("slowk_period", 3, 1),
                           maTypeParam("slowk_matype"), periodParam("slowd_period", 3, 1), maTypeParam("slowd_matype")},
                          {"slowk", "slowd"}));
    r.add<StochF>(makeInfo("STOCHF", "Stochastic Fast", G, P, hlc,
                           {periodParam("fastk_period", 5, 1), periodParam("fastd_period", 3, 1), maTypeParam("fastd_matype")},
                           {"fastk", "fastd"}));
    r.add<StochRsi>(makeInfo("STOCHRSI", "Stochastic Relative Strength Index", G, P, close,
                             {periodParam("timeperiod", 14), periodParam("fastk_period", 5, 1),
                              periodParam("fastd_period", 3, 1), maTypeParam("fastd_matype")},
                             {"fastk", "fastd"}));
    r.add<Trix>(makeInfo("TRIX", "1-day Rate-Of-Change (ROC) of a Triple Smooth EMA", G, P, close,
                         {periodParam("timeperiod", 30, 1)}, real));
    r.add<UltOsc>(makeInfo("ULTOSC", "Ultimate Oscillator", G, P, hlc,
                           {periodParam("timeperiod1", 7, 1), periodParam("timeperiod2", 14, 1),
                            periodParam("timeperiod3", 28, 1)},
                           real));
    r.add<WillR>(makeInfo("WILLR", "Williams' %R", G, P, hlc, tp14(), real));
    r.add<Imi>(makeInfo("IMI", "Intraday Momentum Index", G, P, {"open", "close"}, tp14(), real));
}

}  // namespace cpc::indicators::detail
