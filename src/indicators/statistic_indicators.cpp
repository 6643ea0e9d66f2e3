// Statistic functions and math operators, TA-Lib 0.6 semantics. Two-input functions (BETA, CORREL)
// read high and low, as TA-Lib's abstract API does by default.
#include <cmath>
#include <numbers>

#include "indicator_impl.hpp"

namespace cpc::indicators::detail {
namespace {

template <bool Sqrt>
class Variance final : public IndicatorImpl<Variance<Sqrt>> {
    using Base = IndicatorImpl<Variance<Sqrt>>;

public:
    Variance(const IndicatorInfo& info, std::vector<double> p) : Base(info, std::move(p)), m_var(this->intParam(0)) {}
    void resetState() { m_var.clear(); }
    void step(const Bar& b, std::int64_t i) {
        const double var = m_var.update(i, b.close);
        if (std::isnan(var)) return;
        if constexpr (Sqrt) {
            this->put(0, var > 0.0 ? std::sqrt(var) * this->realParam(1) : 0.0);
        } else {
            this->put(0, var);  // TA-Lib's VAR ignores nbdev
        }
    }

private:
    RollingVariance m_var;
};

// Mean absolute deviation about the window mean: O(period) per bar, like CCI.
class AvgDev final : public IndicatorImpl<AvgDev> {
public:
    AvgDev(const IndicatorInfo& info, std::vector<double> p)
        : IndicatorImpl(info, std::move(p)), m_period(intParam(0)), m_ring(m_period + 1u) {}
    void resetState() {}
    void step(const Bar& b, std::int64_t i) {
        m_ring.put(i, b.close);
        if (i + 1 < m_period) return;
        double sum = 0;
        for (std::int64_t j = i - m_period + 1; j <= i; ++j) sum += m_ring.at(j);
        const double mean = sum / m_period;
        double dev = 0;
        for (std::int64_t j = i - m_period + 1; j <= i; ++j) dev += std::fabs(m_ring.at(j) - mean);
        put(0, dev / m_period);
    }

private:
    int m_period;
    Ring m_ring;
};

// Least-squares line through the last `period` closes, O(1) per bar: sums of (y - K) and
// age * (y - K) (age 0 = newest) rolled forward and recomputed exactly every `period` bars, with K
// the newest close at that recompute.
enum class RegKind { Value, Slope, Intercept, Angle, Tsf };

template <RegKind K>
class LinearReg final : public IndicatorImpl<LinearReg<K>> {
    using Base = IndicatorImpl<LinearReg<K>>;

public:
    LinearReg(const IndicatorInfo& info, std::vector<double> p)
        : Base(info, std::move(p)), m_period(this->intParam(0)), m_ring(m_period + 1u) {
        const double n = m_period;
        m_sumX = n * (n - 1) * 0.5;
        m_divisor = n * (n * (n - 1) * (2 * n - 1) / 6) - m_sumX * m_sumX;
    }
    void resetState() { m_cp.clear(); }
    void step(const Bar& b, std::int64_t i) {
        State& s = m_cp.enter(i);
        const double y = b.close;
        m_ring.put(i, y);
        if (i == 0) s.k = y;
        if (i < m_period) {
            s.sxy += s.sy;
            s.sy += y - s.k;
        } else {
            const double leaving = m_ring.at(i - m_period) - s.k;
            s.sxy += (s.sy - leaving) - (m_period - 1) * leaving;
            s.sy += (y - s.k) - leaving;
        }
        if (i + 1 < m_period) return;
        if ((i + 1) % m_period == 0) {
            s.k = y;
            s.sy = 0;
            s.sxy = 0;
            for (int age = 0; age < m_period; ++age) {
                const double d = m_ring.at(i - age) - s.k;
                s.sy += d;
                s.sxy += age * d;
            }
        }
        const double n = m_period;
        const double slope = -((n * s.sxy - m_sumX * s.sy) / m_divisor);  // per bar, forward in time
        const double mean = s.k + s.sy / n;
        const double half = (n - 1) / 2.0;
        double v = 0;
        if constexpr (K == RegKind::Value) {
            v = mean + slope * half;
        } else if constexpr (K == RegKind::Slope) {
            v = slope;
        } else if constexpr (K == RegKind::Intercept) {
            v = mean - slope * half;
        } else if constexpr (K == RegKind::Angle) {
            v = std::atan(slope) * (180.0 / std::numbers::pi);
        } else {
            v = mean + slope * (half + 1.0);
        }
        this->put(0, v);
    }

private:
    struct State {
        double k = 0, sy = 0, sxy = 0;
    };
    int m_period;
    Ring m_ring;
    double m_sumX = 0, m_divisor = 1;
    Checkpoint<State> m_cp;
};

// BETA of high's returns against low's returns over `period` returns (TA-Lib: first value at bar
// `period`; a zero previous price gives a zero return).
class Beta final : public IndicatorImpl<Beta> {
public:
    Beta(const IndicatorInfo& info, std::vector<double> p)
        : IndicatorImpl(info, std::move(p)), m_sx(intParam(0)), m_sy(intParam(0)), m_sxx(intParam(0)),
          m_sxy(intParam(0)) {}
    void resetState() {
        m_cp.clear();
        m_sx.clear();
        m_sy.clear();
        m_sxx.clear();
        m_sxy.clear();
    }
    void step(const Bar& b, std::int64_t i) {
        State& s = m_cp.enter(i);
        const double x0 = s.lastX;
        const double y0 = s.lastY;
        s.lastX = b.high;
        s.lastY = b.low;
        if (i == 0) return;
        const double x = x0 != 0.0 ? (b.high - x0) / x0 : 0.0;
        const double y = y0 != 0.0 ? (b.low - y0) / y0 : 0.0;
        const double sx = m_sx.update(i, x);
        const double sy = m_sy.update(i, y);
        const double sxx = m_sxx.update(i, x * x);
        const double sxy = m_sxy.update(i, x * y);
        if (std::isnan(sx)) return;
        const double n = intParam(0);
        const double den = (n * sxx) - (sx * sx);
        put(0, den > 1e-12 * n * sxx ? ((n * sxy) - (sx * sy)) / den : 0.0);
    }

private:
    struct State {
        double lastX = 0, lastY = 0;
    };
    Checkpoint<State> m_cp;
    RollingSum m_sx, m_sy, m_sxx, m_sxy;
};

// Pearson correlation of high and low over `period` bars, from sums of values shifted by the first
// bar's high/low (correlation does not change under a shift; the shift removes most of the
// cancellation in Σx² - (Σx)²/n).
class Correl final : public IndicatorImpl<Correl> {
public:
    Correl(const IndicatorInfo& info, std::vector<double> p)
        : IndicatorImpl(info, std::move(p)), m_sx(intParam(0)), m_sy(intParam(0)), m_sxx(intParam(0)),
          m_syy(intParam(0)), m_sxy(intParam(0)) {}
    void resetState() {
        m_cp.clear();
        m_sx.clear();
        m_sy.clear();
        m_sxx.clear();
        m_syy.clear();
        m_sxy.clear();
    }
    void step(const Bar& b, std::int64_t i) {
        State& s = m_cp.enter(i);
        if (i == 0) {
            s.kx = b.high;
            s.ky = b.low;
        }
        const double x = b.high - s.kx;
        const double y = b.low - s.ky;
        const double sx = m_sx.update(i, x);
        const double sy = m_sy.update(i, y);
        const double sxx = m_sxx.update(i, x * x);
        const double syy = m_syy.update(i, y * y);
        const double sxy = m_sxy.update(i, x * y);
        if (std::isnan(sx)) return;
        const double n = intParam(0);
        const double varX = sxx - ((sx * sx) / n);
        const double varY = syy - ((sy * sy) / n);
        // A variance below the rounding noise of its sums is a flat window: no correlation.
        const bool flat = varX <= 1e-12 * sxx || varY <= 1e-12 * syy;
        put(0, flat ? 0.0 : (sxy - ((sx * sy) / n)) / std::sqrt(varX * varY));
    }

private:
    struct State {
        double kx = 0, ky = 0;
    };
    Checkpoint<State> m_cp;
    RollingSum m_sx, m_sy, m_sxx, m_syy, m_sxy;
};

enum class ExtKind { Max, Min, MaxIndex, MinIndex, MinMax, MinMaxIndex };

template <ExtKind K>
class Extreme final : public IndicatorImpl<Extreme<K>> {
    using Base = IndicatorImpl<Extreme<K>>;

public:
    Extreme(const IndicatorInfo& info, std::vector<double> p)
        : Base(info, std::move(p)), m_max(this->intParam(0)), m_min(this->intParam(0)) {}
    void resetState() {
        m_max.clear();
        m_min.clear();
    }
    void step(const Bar& b, std::int64_t i) {
        constexpr bool needMax = K != ExtKind::Min && K != ExtKind::MinIndex;
        constexpr bool needMin = K != ExtKind::Max && K != ExtKind::MaxIndex;
        bool ready = false;
        if constexpr (needMax) ready = m_max.update(i, b.close);
        if constexpr (needMin) ready = m_min.update(i, b.close);
        if (!ready) return;
        if constexpr (K == ExtKind::Max) this->put(0, m_max.value());
        if constexpr (K == ExtKind::Min) this->put(0, m_min.value());
        if constexpr (K == ExtKind::MaxIndex) this->put(0, static_cast<double>(m_max.index()));
        if constexpr (K == ExtKind::MinIndex) this->put(0, static_cast<double>(m_min.index()));
        if constexpr (K == ExtKind::MinMax) {
            this->put(0, m_min.value());
            this->put(1, m_max.value());
        }
        if constexpr (K == ExtKind::MinMaxIndex) {
            this->put(0, static_cast<double>(m_min.index()));
            this->put(1, static_cast<double>(m_max.index()));
        }
    }

private:
    WindowMax m_max;
    WindowMin m_min;
};

class Sum final : public IndicatorImpl<Sum> {
public:
    Sum(const IndicatorInfo& info, std::vector<double> p) : IndicatorImpl(info, std::move(p)), m_sum(intParam(0)) {}
    void resetState() { m_sum.clear(); }
    void step(const Bar& b, std::int64_t i) {
        const double v = m_sum.update(i, b.close);
        if (!std::isnan(v)) put(0, v);
    }

private:
    RollingSum m_sum;
};

IndicatorInfo indexInfo(IndicatorInfo info) {
    for (auto& o : info.outputs) o.isIndex = true;
    return info;
}

}  // namespace

void registerStatistics(RegistryBuilder& r) {
    const auto G = IndicatorGroup::Statistic;
    const auto P = Placement::Pane;
    const auto O = Placement::Overlay;
    const std::vector<std::string> close{"close"};
    const std::vector<std::string> real{"real"};
    const auto nbdev = [] { return realParam("nbdev", 1, -3e37, 3e37, "deviation multiplier"); };
    r.add<Variance<true>>(
        makeInfo("STDDEV", "Standard Deviation", G, P, close, {periodParam("timeperiod", 5), nbdev()}, real));
    r.add<Variance<false>>(makeInfo("VAR", "Variance", G, P, close, {periodParam("timeperiod", 5, 1), nbdev()}, real));
    r.add<AvgDev>(makeInfo("AVGDEV", "Average Deviation", G, P, close, {periodParam("timeperiod", 14)}, real));
    const auto tp14 = [] { return std::vector<ParamInfo>{periodParam("timeperiod", 14)}; };
    r.add<LinearReg<RegKind::Value>>(makeInfo("LINEARREG", "Linear Regression", G, O, close, tp14(), real));
    r.add<LinearReg<RegKind::Slope>>(makeInfo("LINEARREG_SLOPE", "Linear Regression Slope", G, P, close, tp14(), real));
    r.add<LinearReg<RegKind::Intercept>>(
        makeInfo("LINEARREG_INTERCEPT", "Linear Regression Intercept", G, O, close, tp14(), real));
    r.add<LinearReg<RegKind::Angle>>(makeInfo("LINEARREG_ANGLE", "Linear Regression Angle", G, P, close, tp14(), real));
    r.add<LinearReg<RegKind::Tsf>>(makeInfo("TSF", "Time Series Forecast", G, O, close, tp14(), real));
    r.add<Beta>(makeInfo("BETA", "Beta", G, P, {"high", "low"}, {periodParam("timeperiod", 5, 1)}, real));
    r.add<Correl>(makeInfo("CORREL", "Pearson's Correlation Coefficient (r)", G, P, {"high", "low"},
                           {periodParam("timeperiod", 30, 1)}, real));
    const auto M = IndicatorGroup::MathOperator;
    const auto tp30 = [] { return std::vector<ParamInfo>{periodParam("timeperiod", 30)}; };
    r.add<Extreme<ExtKind::Max>>(makeInfo("MAX", "Highest value over a specified period", M, O, close, tp30(), real));
    r.add<Extreme<ExtKind::Min>>(makeInfo("MIN", "Lowest value over a specified period", M, O, close, tp30(), real));
    r.add<Extreme<ExtKind::MaxIndex>>(indexInfo(
        makeInfo("MAXINDEX", "Index of highest value over a specified period", M, P, close, tp30(), {"integer"})));
    r.add<Extreme<ExtKind::MinIndex>>(indexInfo(
        makeInfo("MININDEX", "Index of lowest value over a specified period", M, P, close, tp30(), {"integer"})));
    r.add<Extreme<ExtKind::MinMax>>(
        makeInfo("MINMAX", "Lowest and highest values over a specified period", M, O, close, tp30(), {"min", "max"}));
    r.add<Extreme<ExtKind::MinMaxIndex>>(indexInfo(makeInfo("MINMAXINDEX",
                                                            "Indexes of lowest and highest values over a specified period",
                                                            M, P, close, tp30(), {"minidx", "maxidx"})));
    r.add<Sum>(makeInfo("SUM", "Summation", M, P, close, tp30(), real));
}

}  // namespace cpc::indicators::detail
