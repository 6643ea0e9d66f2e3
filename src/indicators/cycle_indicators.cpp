// MAMA and the Hilbert-transform cycle functions (HT_DCPERIOD, HT_DCPHASE, HT_PHASOR, HT_SINE,
// HT_TRENDLINE, HT_TRENDMODE): a port of TA-Lib 0.6's loops (Ehlers, "Rocket Science for Traders"),
// same arithmetic in the same order, so the results are TA-Lib's to the last bit on the reference
// fixtures (tests/fixtures/indicators/talib-0.6.0-dev_hilbert_*.csv). Algorithm, constants and
// order of operations from TA-Lib (c) 1999-2025 Mario Fortier, BSD-3-Clause.
//
// TA-Lib runs every one of them as one pass over the series starting at bar 0 (unstable period 0):
//  - bars 0..2 seed a 4-bar weighted moving average of the price (weights 4,3,2,1 / 10);
//  - the smoother then runs alone for 9 bars (look-back 32: MAMA, HT_DCPERIOD, HT_PHASOR) or 34 bars
//    (look-back 63: the others), after which the Hilbert transform starts from zero state;
//  - the transform keeps separate 3-slot buffers for even and odd bars (parity of the bar index
//    from the start of the series) and advances the slot after each even bar;
//  - the first output is at bar 32 or 63; rows before are NaN.
// Each bar is one O(1) step; HT_DCPHASE/HT_SINE/HT_TRENDMODE/HT_TRENDLINE also sum over the
// dominant-cycle period (at most 50 bars, a constant bound) exactly as TA-Lib does. The whole
// per-bar state is one Checkpoint, so revising the forming bar restores the state of the last closed
// bar and recomputes only that step. The two 50-bar rings (raw and smoothed price) live outside the
// checkpoint: a step writes only its own bar's slot, and the slot it overwrites belongs to a bar 50
// back that no step reads any more.
//
// MAMA's machine also serves as TA-Lib's MA type 7 (MamaKernel, declared in kernels.hpp): the same
// HilbertCore<kMama> fed whatever series the MA-type parameter averages.
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>

#include "indicator_impl.hpp"

namespace cpc::indicators::detail {
namespace {

constexpr int kRingSize = 50;  // TA-Lib's SMOOTH_PRICE_SIZE: the dominant cycle never exceeds 50 bars
constexpr double kA = 0.0962;
constexpr double kB = 0.5769;

struct AngleConstants {
    double rad2Deg;            // 45 / atan(1); TA-Lib's 180 / (4 atan(1)) in MAMA, HT_DCPERIOD and
                               // HT_PHASOR is the same double (4 atan(1) is exact, division rounds once)
    double deg2Rad;            // 1 / rad2Deg
    double constDeg2RadBy360;  // 8 atan(1)
    // sin and cos of i * constDeg2RadBy360 / p for p in 1..50, i < p: the terms of TA-Lib's
    // dominant-cycle phase sum, computed once with the same expression, so bitwise the same values.
    std::array<std::array<double, kRingSize>, kRingSize + 1> sine{};
    std::array<std::array<double, kRingSize>, kRingSize + 1> cosine{};
};

const AngleConstants& angles() {
    static const AngleConstants c = [] {
        AngleConstants a;
        // TA-Lib evaluates atan, sin and cos with the C library at run time. Left to itself GCC
        // folds this whole table at compile time, correctly rounded, and libm's sin is 1 ulp away
        // for some of these arguments (e.g. i = 13, p = 27), which moves the phase sum's last bits.
        // The volatile read keeps every call a run-time libm call, as in TA-Lib.
        volatile double one = 1.0;
        const double quarterPi = std::atan(one);
        a.rad2Deg = 45.0 / quarterPi;
        a.deg2Rad = 1.0 / a.rad2Deg;
        a.constDeg2RadBy360 = quarterPi * 8.0;
        for (int p = 1; p <= kRingSize; ++p) {
            for (int i = 0; i < p; ++i) {
                const double x = (static_cast<double>(i) * a.constDeg2RadBy360) / static_cast<double>(p);
                a.sine[p][i] = std::sin(x);
                a.cosine[p][i] = std::cos(x);
            }
        }
        return a;
    }();
    return c;
}

// One of TA-Lib's four Hilbert transforms (detrender, Q1, jI, jQ) with its even and odd buffers.
struct HilbertFilter {
    double buf[2][3]{};  // [0] even bars, [1] odd bars
    double prev[2]{};
    double prevInput[2]{};
    // TA-Lib's DO_HILBERT_TRANSFORM.
    double apply(int parity, int slot, double input, double adjustedPrevPeriod) {
        const double t = kA * input;
        double v = -buf[parity][slot];
        buf[parity][slot] = t;
        v += t;
        v -= prev[parity];
        prev[parity] = kB * prevInput[parity];
        v += prev[parity];
        prevInput[parity] = input;
        v *= adjustedPrevPeriod;
        return v;
    }
};

enum Kind { kMama, kDcPeriod, kDcPhase, kPhasor, kSine, kTrendline, kTrendMode };

constexpr int lookbackOf(Kind k) { return (k == kMama || k == kDcPeriod || k == kPhasor) ? 32 : 63; }

// The whole per-bar machine of one function, fed one value per bar: step(x, today, put) processes
// bar `today` (0 = the first bar it sees; the same `today` again revises that bar) and writes the
// outputs through put(output, value) from the look-back on. Used by the indicators below and, for
// MAMA, by MovingAverage type 7 (MamaKernel), so both run the same code.
template <Kind K>
class HilbertCore {
    static constexpr int kLookback = lookbackOf(K);
    // First bar of TA-Lib's main loop: 3 seed bars, then 9 or 34 smoother-only bars.
    static constexpr int kMainStart = kLookback == 32 ? 12 : 37;
    static constexpr bool kNeedsPhase = K == kDcPhase || K == kSine || K == kTrendMode;
    static constexpr bool kNeedsTrendline = K == kTrendline || K == kTrendMode;

public:
    explicit HilbertCore(double fastLimit = 0.5, double slowLimit = 0.05)
        : m_fastLimit(fastLimit), m_slowLimit(slowLimit) {}

    void clear() {
        m_cp.clear();
        m_price.fill(0.0);
        m_smooth.fill(0.0);
    }

    template <class Put>
    void step(double x, std::int64_t today, Put&& put) {
        State& s = m_cp.enter(today);
        const auto slot = static_cast<std::size_t>(today % kRingSize);
        m_price[slot] = x;
        // TA-Lib's price smoother: WMA seed, then DO_PRICE_WMA.
        if (today < 3) {
            if (today == 0) {
                s.wmaSub = x;
                s.wmaSum = x;
            } else {
                s.wmaSub += x;
                s.wmaSum += x * (today == 1 ? 2.0 : 3.0);
                s.trailingWma = 0.0;
            }
            return;
        }
        const double adjustedPrevPeriod = (0.075 * s.period) + 0.54;
        s.wmaSub += x;
        s.wmaSub -= s.trailingWma;
        s.wmaSum += x * 4.0;
        s.trailingWma = m_price[static_cast<std::size_t>((today - 3) % kRingSize)];
        const double smoothed = s.wmaSum * 0.1;
        s.wmaSum -= s.wmaSub;
        if (today < kMainStart) return;

        if constexpr (kNeedsPhase) m_smooth[slot] = smoothed;
        const AngleConstants& c = angles();

        // Hilbert transforms, even and odd bars kept apart.
        const int parity = today % 2 == 0 ? 0 : 1;
        double q1 = 0.0;
        [[maybe_unused]] double i1 = 0.0;  // the detrender 3 bars back (I1), as TA-Lib uses it on this bar
        double q2 = 0.0;
        double i2 = 0.0;
        if (parity == 0) {
            i1 = s.i1EvenPrev3;
            const double detrender = s.detrender.apply(0, s.hilbertIdx, smoothed, adjustedPrevPeriod);
            q1 = s.q1.apply(0, s.hilbertIdx, detrender, adjustedPrevPeriod);
            const double jI = s.jI.apply(0, s.hilbertIdx, s.i1EvenPrev3, adjustedPrevPeriod);
            const double jQ = s.jQ.apply(0, s.hilbertIdx, q1, adjustedPrevPeriod);
            if (++s.hilbertIdx == 3) s.hilbertIdx = 0;
            q2 = (0.2 * (q1 + jI)) + (0.8 * s.prevQ2);
            i2 = (0.2 * (s.i1EvenPrev3 - jQ)) + (0.8 * s.prevI2);
            s.i1OddPrev3 = s.i1OddPrev2;
            s.i1OddPrev2 = detrender;
        } else {
            i1 = s.i1OddPrev3;
            const double detrender = s.detrender.apply(1, s.hilbertIdx, smoothed, adjustedPrevPeriod);
            q1 = s.q1.apply(1, s.hilbertIdx, detrender, adjustedPrevPeriod);
            const double jI = s.jI.apply(1, s.hilbertIdx, s.i1OddPrev3, adjustedPrevPeriod);
            const double jQ = s.jQ.apply(1, s.hilbertIdx, q1, adjustedPrevPeriod);
            q2 = (0.2 * (q1 + jI)) + (0.8 * s.prevQ2);
            i2 = (0.2 * (s.i1OddPrev3 - jQ)) + (0.8 * s.prevI2);
            s.i1EvenPrev3 = s.i1EvenPrev2;
            s.i1EvenPrev2 = detrender;
        }
        const bool output = today >= kLookback;

        if constexpr (K == kPhasor) {
            if (output) {
                put(0, i1);
                put(1, q1);
            }
        }
        if constexpr (K == kMama) {
            const double phase = i1 != 0.0 ? std::atan(q1 / i1) * c.rad2Deg : 0.0;
            double alpha = s.prevPhase - phase;  // delta phase
            s.prevPhase = phase;
            if (alpha < 1.0) alpha = 1.0;
            if (alpha > 1.0) {
                alpha = m_fastLimit / alpha;
                if (alpha < m_slowLimit) alpha = m_slowLimit;
            } else {
                alpha = m_fastLimit;
            }
            s.mama = (alpha * x) + ((1 - alpha) * s.mama);
            alpha *= 0.5;
            s.fama = (alpha * s.mama) + ((1 - alpha) * s.fama);
            if (output) {
                put(0, s.mama);
                put(1, s.fama);
            }
        }

        // Period of the dominant cycle, for the next bar.
        s.re = (0.2 * ((i2 * s.prevI2) + (q2 * s.prevQ2))) + (0.8 * s.re);
        s.im = (0.2 * ((i2 * s.prevQ2) - (q2 * s.prevI2))) + (0.8 * s.im);
        s.prevQ2 = q2;
        s.prevI2 = i2;
        const double lastPeriod = s.period;
        if (s.im != 0.0 && s.re != 0.0) s.period = 360.0 / (std::atan(s.im / s.re) * c.rad2Deg);
        double bound = 1.5 * lastPeriod;
        if (s.period > bound) s.period = bound;
        bound = 0.67 * lastPeriod;
        if (s.period < bound) s.period = bound;
        if (s.period < 6) {
            s.period = 6;
        } else if (s.period > 50) {
            s.period = 50;
        }
        s.period = (0.2 * s.period) + (0.8 * lastPeriod);
        if constexpr (K == kMama || K == kPhasor) return;

        s.smoothPeriod = (0.33 * s.period) + (0.67 * s.smoothPeriod);
        if constexpr (K == kDcPeriod) {
            if (output) put(0, s.smoothPeriod);
            return;
        }
        const int dcPeriodInt = static_cast<int>(s.smoothPeriod + 0.5);

        [[maybe_unused]] double sine = 0.0;
        [[maybe_unused]] double leadSine = 0.0;
        [[maybe_unused]] double prevDcPhase = 0.0;
        if constexpr (kNeedsPhase) {
            // Dominant cycle phase: one DFT term of the last dcPeriodInt smoothed prices.
            prevDcPhase = s.dcPhase;
            double realPart = 0.0;
            double imagPart = 0.0;
            std::size_t idx = slot;
            for (int i = 0; i < dcPeriodInt; ++i) {
                const double v = m_smooth[idx];
                realPart += c.sine[dcPeriodInt][i] * v;
                imagPart += c.cosine[dcPeriodInt][i] * v;
                idx = idx == 0 ? kRingSize - 1 : idx - 1;
            }
            const double absImag = std::fabs(imagPart);
            if (absImag > 0.0) {
                s.dcPhase = std::atan(realPart / imagPart) * c.rad2Deg;
            } else if (absImag <= 0.01) {
                if (realPart < 0.0) {
                    s.dcPhase -= 90.0;
                } else if (realPart > 0.0) {
                    s.dcPhase += 90.0;
                }
            }
            s.dcPhase += 90.0;
            s.dcPhase += 360.0 / s.smoothPeriod;  // one-bar lag of the price smoother
            if (imagPart < 0.0) s.dcPhase += 180.0;
            if (s.dcPhase > 315.0) s.dcPhase -= 360.0;
            if constexpr (K == kDcPhase) {
                if (output) put(0, s.dcPhase);
                return;
            }
            sine = std::sin(s.dcPhase * c.deg2Rad);
            leadSine = std::sin((s.dcPhase + 45) * c.deg2Rad);
            if constexpr (K == kSine) {
                if (output) {
                    put(0, sine);
                    put(1, leadSine);
                }
                return;
            }
        }

        if constexpr (kNeedsTrendline) {
            // Instantaneous trendline: mean of the raw price over the dominant cycle, then a 4-3-2-1
            // weighting of the last four means.
            double mean = 0.0;
            for (int i = 0; i < dcPeriodInt && i <= today; ++i) {
                mean += m_price[static_cast<std::size_t>((today - i) % kRingSize)];
            }
            if (dcPeriodInt > 0) mean = mean / static_cast<double>(dcPeriodInt);
            const double trendline = (4.0 * mean + 3.0 * s.iTrend1 + 2.0 * s.iTrend2 + s.iTrend3) / 10.0;
            s.iTrend3 = s.iTrend2;
            s.iTrend2 = s.iTrend1;
            s.iTrend1 = mean;
            if constexpr (K == kTrendline) {
                if (output) put(0, trendline);
                return;
            }
            if constexpr (K == kTrendMode) {
                // Trend (1) unless the sine lines crossed within half a cycle or the phase advances
                // at the cycle's rate; a price 1.5% away from the trendline is a trend regardless.
                int trend = 1;
                if ((sine > leadSine && s.prevSine <= s.prevLeadSine) ||
                    (sine < leadSine && s.prevSine >= s.prevLeadSine)) {
                    s.daysInTrend = 0;
                    trend = 0;
                }
                s.prevSine = sine;
                s.prevLeadSine = leadSine;
                ++s.daysInTrend;
                if (s.daysInTrend < (0.5 * s.smoothPeriod)) trend = 0;
                const double phaseStep = s.dcPhase - prevDcPhase;
                if (s.smoothPeriod != 0.0 &&
                    (phaseStep > (0.67 * 360.0 / s.smoothPeriod) && phaseStep < (1.5 * 360.0 / s.smoothPeriod))) {
                    trend = 0;
                }
                const double price = m_smooth[slot];
                if (trendline != 0.0 && std::fabs((price - trendline) / trendline) >= 0.015) trend = 1;
                if (output) put(0, static_cast<double>(trend));
            }
        }
    }

private:
    struct State {
        // price smoother
        double wmaSub = 0.0;
        double wmaSum = 0.0;
        double trailingWma = 0.0;
        // Hilbert transform
        int hilbertIdx = 0;
        HilbertFilter detrender, q1, jI, jQ;
        double i1OddPrev2 = 0.0, i1OddPrev3 = 0.0, i1EvenPrev2 = 0.0, i1EvenPrev3 = 0.0;
        double prevQ2 = 0.0, prevI2 = 0.0, re = 0.0, im = 0.0;
        double period = 0.0;
        double smoothPeriod = 0.0;
        // MAMA
        double prevPhase = 0.0, mama = 0.0, fama = 0.0;
        // dominant cycle phase, sine wave, trendline, trend mode
        double dcPhase = 0.0;
        double prevSine = 0.0, prevLeadSine = 0.0;
        double iTrend1 = 0.0, iTrend2 = 0.0, iTrend3 = 0.0;
        int daysInTrend = 0;
    };
    double m_fastLimit = 0.5;
    double m_slowLimit = 0.05;
    Checkpoint<State> m_cp;
    std::array<double, kRingSize> m_price{};   // raw close by bar % 50
    std::array<double, kRingSize> m_smooth{};  // smoothed price by bar % 50 (0 before the main loop)
};

template <Kind K>
class HilbertIndicator final : public IndicatorImpl<HilbertIndicator<K>> {
    using Base = IndicatorImpl<HilbertIndicator<K>>;

public:
    HilbertIndicator(const IndicatorInfo& info, std::vector<double> p) : Base(info, std::move(p)) {
        if constexpr (K == kMama) m_core = HilbertCore<K>(this->realParam(0), this->realParam(1));
    }
    void resetState() { m_core.clear(); }
    void step(const Bar& bar, std::int64_t today) {
        m_core.step(bar.close, today, [this](std::size_t output, double v) { this->put(output, v); });
    }

private:
    HilbertCore<K> m_core;
};

}  // namespace

// ---- MamaKernel (kernels.hpp): MAMA's mama line as a moving average of any input ----

struct MamaKernel::Core {
    HilbertCore<kMama> machine;
};

MamaKernel::MamaKernel(double fastLimit, double slowLimit)
    : m_core(std::make_unique<Core>(Core{HilbertCore<kMama>(fastLimit, slowLimit)})) {}
MamaKernel::MamaKernel() = default;
MamaKernel::~MamaKernel() = default;
MamaKernel::MamaKernel(const MamaKernel& other)
    : m_core(other.m_core ? std::make_unique<Core>(*other.m_core) : nullptr),
      m_count(other.m_count),
      m_lastBar(other.m_lastBar) {}
MamaKernel& MamaKernel::operator=(const MamaKernel& other) {
    if (this != &other) *this = MamaKernel(other);
    return *this;
}
MamaKernel::MamaKernel(MamaKernel&&) noexcept = default;
MamaKernel& MamaKernel::operator=(MamaKernel&&) noexcept = default;

void MamaKernel::clear() {
    if (m_core) m_core->machine.clear();
    m_count = 0;
    m_lastBar = -1;
}

double MamaKernel::update(std::int64_t bar, double x) {
    // The machine counts its own values from 0 (TA-Lib starts MAMA at the first value it is given,
    // and the Hilbert transform's even/odd buffers follow that count); `bar` only tells a
    // revision (the same bar again) from a new value.
    if (bar != m_lastBar) {
        m_lastBar = bar;
        ++m_count;
    }
    double mama = kNaN;
    if (!m_core) return mama;  // default-constructed: not a MAMA
    m_core->machine.step(x, m_count - 1, [&mama](std::size_t output, double v) {
        if (output == 0) mama = v;
    });
    return mama;
}

void registerCycle(RegistryBuilder& r) {
    const std::vector<std::string> close{"close"};
    const std::vector<std::string> real{"real"};
    const auto C = IndicatorGroup::Cycle;
    const auto P = Placement::Pane;
    r.add<HilbertIndicator<kMama>>(makeInfo(
        "MAMA", "MESA Adaptive Moving Average", IndicatorGroup::Overlap, Placement::Overlay, close,
        {realParam("fastlimit", 0.5, 0.01, 0.99, "upper limit of the adaptive smoothing factor"),
         realParam("slowlimit", 0.05, 0.01, 0.99, "lower limit of the adaptive smoothing factor")},
        {"mama", "fama"}));
    r.add<HilbertIndicator<kTrendline>>(makeInfo("HT_TRENDLINE", "Hilbert Transform - Instantaneous Trendline",
                                                 IndicatorGroup::Overlap, Placement::Overlay, close, {}, real));
    r.add<HilbertIndicator<kDcPeriod>>(
        makeInfo("HT_DCPERIOD", "Hilbert Transform - Dominant Cycle Period", C, P, close, {}, real));
    r.add<HilbertIndicator<kDcPhase>>(
        makeInfo("HT_DCPHASE", "Hilbert Transform - Dominant Cycle Phase", C, P, close, {}, real));
    r.add<HilbertIndicator<kPhasor>>(makeInfo("HT_PHASOR", "Hilbert Transform - Phasor Components", C, P, close,
                                              {}, {"inphase", "quadrature"}));
    r.add<HilbertIndicator<kSine>>(
        makeInfo("HT_SINE", "Hilbert Transform - SineWave", C, P, close, {}, {"sine", "leadsine"}));
    r.add<HilbertIndicator<kTrendMode>>(
        makeInfo("HT_TRENDMODE", "Hilbert Transform - Trend vs Cycle Mode", C, P, close, {}, {"integer"}));
}

}  // namespace cpc::indicators::detail
