// Overlap studies: moving averages, bands, parabolic SAR. TA-Lib 0.6 semantics (see
// docs in indicator.hpp and tests/fixtures/indicators/README.md).
#include <cmath>

#include "indicator_impl.hpp"

namespace cpc::indicators::detail {
namespace {

// SMA, EMA, WMA, DEMA, TEMA, TRIMA, KAMA over close (type fixed by the name) and MA (type is a
// parameter).
template <int FixedType>
class MaIndicator final : public IndicatorImpl<MaIndicator<FixedType>> {
    using Base = IndicatorImpl<MaIndicator<FixedType>>;

public:
    MaIndicator(const IndicatorInfo& info, std::vector<double> p)
        : Base(info, std::move(p)),
          m_ma(FixedType >= 0 ? FixedType : this->intParam(1), this->intParam(0)) {}
    void resetState() { m_ma.clear(); }
    void step(const Bar& b, std::int64_t i) {
        const double v = m_ma.update(i, b.close);
        if (!std::isnan(v)) this->put(0, v);
    }

private:
    MovingAverage m_ma;
};

class T3Indicator final : public IndicatorImpl<T3Indicator> {
public:
    T3Indicator(const IndicatorInfo& info, std::vector<double> p)
        : IndicatorImpl(info, std::move(p)), m_t3(intParam(0), realParam(1)) {}
    void resetState() { m_t3.clear(); }
    void step(const Bar& b, std::int64_t i) {
        const double v = intParam(0) == 1 ? b.close : m_t3.update(i, b.close);
        if (!std::isnan(v)) put(0, v);
    }

private:
    T3 m_t3;
};

class Bbands final : public IndicatorImpl<Bbands> {
public:
    Bbands(const IndicatorInfo& info, std::vector<double> p)
        : IndicatorImpl(info, std::move(p)), m_ma(intParam(3), intParam(0)), m_var(intParam(0)) {}
    void resetState() {
        m_ma.clear();
        m_var.clear();
    }
    void step(const Bar& b, std::int64_t i) {
        const double mid = m_ma.update(i, b.close);
        const double var = m_var.update(i, b.close);
        if (std::isnan(mid) || std::isnan(var)) return;
        const double sd = var > 0.0 ? std::sqrt(var) : 0.0;
        put(0, mid + sd * realParam(1));
        put(1, mid);
        put(2, mid - sd * realParam(2));
    }

private:
    MovingAverage m_ma;
    RollingVariance m_var;
};

// SAR (2 parameters) and SAREXT (8): TA-Lib's state machine. The first output is at bar 1; the
// initial direction comes from bar 1's -DM (long unless the low fell more than the high rose).
// SAREXT reports short positions as negative values, as TA-Lib does.
class Sar final : public IndicatorImpl<Sar> {
public:
    Sar(const IndicatorInfo& info, std::vector<double> p) : IndicatorImpl(info, std::move(p)) {
        const auto v = params();
        if (v.size() == 2) {
            m_ext = false;
            m_accInitLong = m_accLong = m_accInitShort = m_accShort = v[0];
            m_maxLong = m_maxShort = v[1];
        } else {
            m_ext = true;
            m_start = v[0];
            m_offset = v[1];
            m_accInitLong = v[2];
            m_accLong = v[3];
            m_maxLong = v[4];
            m_accInitShort = v[5];
            m_accShort = v[6];
            m_maxShort = v[7];
        }
        if (m_accInitLong > m_maxLong) m_accInitLong = m_maxLong;
        if (m_accLong > m_maxLong) m_accLong = m_maxLong;
        if (m_accInitShort > m_maxShort) m_accInitShort = m_maxShort;
        if (m_accShort > m_maxShort) m_accShort = m_maxShort;
    }
    void resetState() { m_cp.clear(); }
    void step(const Bar& b, std::int64_t i) {
        State& s = m_cp.enter(i);
        if (i == 0) {
            s.prevHigh = b.high;
            s.prevLow = b.low;
            return;
        }
        double prevHigh = s.prevHigh;
        double prevLow = s.prevLow;
        if (i == 1) {
            if (m_start == 0.0) {
                const double diffM = prevLow - b.low;
                const double diffP = b.high - prevHigh;
                const double minusDm = (diffM > 0 && diffP < diffM) ? diffM : 0.0;
                s.isLong = !(minusDm > 0);
                s.ep = s.isLong ? b.high : b.low;
                s.sar = s.isLong ? prevLow : prevHigh;
            } else if (m_start > 0) {
                s.isLong = true;
                s.ep = b.high;
                s.sar = m_start;
            } else {
                s.isLong = false;
                s.ep = b.low;
                s.sar = std::fabs(m_start);
            }
            s.afLong = m_accInitLong;
            s.afShort = m_accInitShort;
            // TA-Lib's first iteration uses bar 1 itself as the "previous" bar.
            prevHigh = b.high;
            prevLow = b.low;
        }
        const double newHigh = b.high;
        const double newLow = b.low;
        double out = 0.0;
        if (s.isLong) {
            if (newLow <= s.sar) {
                s.isLong = false;
                s.sar = s.ep;
                if (s.sar < prevHigh) s.sar = prevHigh;
                if (s.sar < newHigh) s.sar = newHigh;
                if (m_offset != 0.0) s.sar += s.sar * m_offset;
                out = m_ext ? -s.sar : s.sar;
                s.afShort = m_accInitShort;
                s.ep = newLow;
                s.sar = s.sar + s.afShort * (s.ep - s.sar);
                if (s.sar < prevHigh) s.sar = prevHigh;
                if (s.sar < newHigh) s.sar = newHigh;
            } else {
                out = s.sar;
                if (newHigh > s.ep) {
                    s.ep = newHigh;
                    s.afLong += m_accLong;
                    if (s.afLong > m_maxLong) s.afLong = m_maxLong;
                }
                s.sar = s.sar + s.afLong * (s.ep - s.sar);
                if (s.sar > prevLow) s.sar = prevLow;
                if (s.sar > newLow) s.sar = newLow;
            }
        } else {
            if (newHigh >= s.sar) {
                s.isLong = true;
                s.sar = s.ep;
                if (s.sar > prevLow) s.sar = prevLow;
                if (s.sar > newLow) s.sar = newLow;
                if (m_offset != 0.0) s.sar -= s.sar * m_offset;
                out = s.sar;
                s.afLong = m_accInitLong;
                s.ep = newHigh;
                s.sar = s.sar + s.afLong * (s.ep - s.sar);
                if (s.sar > prevLow) s.sar = prevLow;
                if (s.sar > newLow) s.sar = newLow;
            } else {
                out = m_ext ? -s.sar : s.sar;
                if (newLow < s.ep) {
                    s.ep = newLow;
                    s.afShort += m_accShort;
                    if (s.afShort > m_maxShort) s.afShort = m_maxShort;
                }
                s.sar = s.sar + s.afShort * (s.ep - s.sar);
                if (s.sar < prevHigh) s.sar = prevHigh;
                if (s.sar < newHigh) s.sar = newHigh;
            }
        }
        s.prevHigh = newHigh;
        s.prevLow = newLow;
        put(0, out);
    }

private:
    struct State {
        bool isLong = true;
        double afLong = 0, afShort = 0, ep = 0, sar = 0;
        double prevHigh = 0, prevLow = 0;
    };
    bool m_ext = false;
    double m_start = 0, m_offset = 0;
    double m_accInitLong = 0, m_accLong = 0, m_maxLong = 0;
    double m_accInitShort = 0, m_accShort = 0, m_maxShort = 0;
    Checkpoint<State> m_cp;
};

class MidPoint final : public IndicatorImpl<MidPoint> {
public:
    MidPoint(const IndicatorInfo& info, std::vector<double> p)
        : IndicatorImpl(info, std::move(p)), m_max(intParam(0)), m_min(intParam(0)) {}
    void resetState() {
        m_max.clear();
        m_min.clear();
    }
    void step(const Bar& b, std::int64_t i) {
        const bool a = m_max.update(i, b.close);
        m_min.update(i, b.close);
        if (a) put(0, (m_max.value() + m_min.value()) / 2.0);
    }

private:
    WindowMax m_max;
    WindowMin m_min;
};

class MidPrice final : public IndicatorImpl<MidPrice> {
public:
    MidPrice(const IndicatorInfo& info, std::vector<double> p)
        : IndicatorImpl(info, std::move(p)), m_max(intParam(0)), m_min(intParam(0)) {}
    void resetState() {
        m_max.clear();
        m_min.clear();
    }
    void step(const Bar& b, std::int64_t i) {
        const bool a = m_max.update(i, b.high);
        m_min.update(i, b.low);
        if (a) put(0, (m_max.value() + m_min.value()) / 2.0);
    }

private:
    WindowMax m_max;
    WindowMin m_min;
};

// Acceleration bands: SMAs of high*(1+4(h-l)/(h+l)), close and low*(1-4(h-l)/(h+l)).
class AccBands final : public IndicatorImpl<AccBands> {
public:
    AccBands(const IndicatorInfo& info, std::vector<double> p)
        : IndicatorImpl(info, std::move(p)), m_up(intParam(0)), m_mid(intParam(0)), m_low(intParam(0)) {}
    void resetState() {
        m_up.clear();
        m_mid.clear();
        m_low.clear();
    }
    void step(const Bar& b, std::int64_t i) {
        double hi = b.high;
        double lo = b.low;
        const double sum = b.high + b.low;
        if (sum != 0.0) {
            const double f = 4 * (b.high - b.low) / sum;
            hi = b.high * (1 + f);
            lo = b.low * (1 - f);
        }
        const double u = m_up.update(i, hi);
        const double m = m_mid.update(i, b.close);
        const double l = m_low.update(i, lo);
        if (std::isnan(m)) return;
        put(0, u);
        put(1, m);
        put(2, l);
    }

private:
    Sma m_up, m_mid, m_low;
};

}  // namespace

void registerOverlap(RegistryBuilder& r) {
    const auto G = IndicatorGroup::Overlap;
    const auto O = Placement::Overlay;
    const std::vector<std::string> close{"close"};
    const std::vector<std::string> real{"real"};
    r.add<MaIndicator<MovingAverage::kSma>>(
        makeInfo("SMA", "Simple Moving Average", G, O, close, {periodParam("timeperiod", 30)}, real));
    r.add<MaIndicator<MovingAverage::kEma>>(
        makeInfo("EMA", "Exponential Moving Average", G, O, close, {periodParam("timeperiod", 30)}, real));
    r.add<MaIndicator<MovingAverage::kWma>>(
        makeInfo("WMA", "Weighted Moving Average", G, O, close, {periodParam("timeperiod", 30)}, real));
    r.add<MaIndicator<MovingAverage::kDema>>(
        makeInfo("DEMA", "Double Exponential Moving Average", G, O, close, {periodParam("timeperiod", 30)}, real));
    r.add<MaIndicator<MovingAverage::kTema>>(
        makeInfo("TEMA", "Triple Exponential Moving Average", G, O, close, {periodParam("timeperiod", 30)}, real));
    r.add<MaIndicator<MovingAverage::kTrima>>(
        makeInfo("TRIMA", "Triangular Moving Average", G, O, close, {periodParam("timeperiod", 30)}, real));
    r.add<MaIndicator<MovingAverage::kKama>>(
        makeInfo("KAMA", "Kaufman Adaptive Moving Average", G, O, close, {periodParam("timeperiod", 30)}, real));
    r.add<MaIndicator<-1>>(makeInfo("MA", "Moving average", G, O, close,
                                    {periodParam("timeperiod", 30, 1), maTypeParam("matype")}, real));
    r.add<T3Indicator>(makeInfo("T3", "Triple Exponential Moving Average (T3)", G, O, close,
                                {periodParam("timeperiod", 5), realParam("vfactor", 0.7, 0, 1, "volume factor")},
                                real));
    r.add<Bbands>(makeInfo("BBANDS", "Bollinger Bands", G, O, close,
                           {periodParam("timeperiod", 5),
                            realParam("nbdevup", 2, -3e37, 3e37, "deviation multiplier for the upper band"),
                            realParam("nbdevdn", 2, -3e37, 3e37, "deviation multiplier for the lower band"),
                            maTypeParam("matype")},
                           {"upperband", "middleband", "lowerband"}));
    r.add<Sar>(makeInfo("SAR", "Parabolic SAR", G, O, {"high", "low"},
                        {realParam("acceleration", 0.02, 0, 3e37, "acceleration factor step"),
                         realParam("maximum", 0.2, 0, 3e37, "acceleration factor maximum")},
                        real));
    r.add<Sar>(makeInfo("SAREXT", "Parabolic SAR - Extended", G, O, {"high", "low"},
                        {realParam("startvalue", 0, -3e37, 3e37, "start value; 0 = auto, >0 long, <0 short"),
                         realParam("offsetonreverse", 0, 0, 3e37, "percent offset added/removed on reversal"),
                         realParam("accelerationinitlong", 0.02, 0, 3e37, "initial long acceleration"),
                         realParam("accelerationlong", 0.02, 0, 3e37, "long acceleration step"),
                         realParam("accelerationmaxlong", 0.2, 0, 3e37, "long acceleration maximum"),
                         realParam("accelerationinitshort", 0.02, 0, 3e37, "initial short acceleration"),
                         realParam("accelerationshort", 0.02, 0, 3e37, "short acceleration step"),
                         realParam("accelerationmaxshort", 0.2, 0, 3e37, "short acceleration maximum")},
                        real));
    r.add<MidPoint>(makeInfo("MIDPOINT", "MidPoint over period", G, O, close, {periodParam("timeperiod", 14)}, real));
    r.add<MidPrice>(
        makeInfo("MIDPRICE", "Midpoint Price over period", G, O, {"high", "low"}, {periodParam("timeperiod", 14)}, real));
    r.add<AccBands>(makeInfo("ACCBANDS", "Acceleration Bands", G, O, {"high", "low", "close"},
                             {periodParam("timeperiod", 20)}, {"upperband", "middleband", "lowerband"}));
}

}  // namespace cpc::indicators::detail
