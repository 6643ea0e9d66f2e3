// Volume (AD, ADOSC, OBV), volatility (TRANGE, ATR, NATR) and price transforms, TA-Lib 0.6.
#include <cmath>

#include "indicator_impl.hpp"

namespace cpc::indicators::detail {
namespace {

double adStep(const Bar& b) {
    const double range = b.high - b.low;
    return range > 0.0 ? (((b.close - b.low) - (b.high - b.close)) / range) * b.volume : 0.0;
}

// Chaikin A/D line: a running total, Neumaier-compensated so huge volumes over millions of bars
// keep every digit.
class Ad final : public IndicatorImpl<Ad> {
public:
    Ad(const IndicatorInfo& info, std::vector<double> p) : IndicatorImpl(info, std::move(p)) {}
    void resetState() { m_cp.clear(); }
    void step(const Bar& b, std::int64_t i) {
        Neumaier& ad = m_cp.enter(i);
        ad.add(adStep(b));
        put(0, ad.value());
    }

private:
    Checkpoint<Neumaier> m_cp;
};

// TA-Lib ADOSC: both EMAs start at the first A/D value (no SMA seed), k = 2/(n+1).
class AdOsc final : public IndicatorImpl<AdOsc> {
public:
    AdOsc(const IndicatorInfo& info, std::vector<double> p) : IndicatorImpl(info, std::move(p)) {
        m_kFast = 2.0 / (intParam(0) + 1.0);
        m_kSlow = 2.0 / (intParam(1) + 1.0);
        m_lookback = std::max(intParam(0), intParam(1)) - 1;
    }
    void resetState() { m_cp.clear(); }
    void step(const Bar& b, std::int64_t i) {
        State& s = m_cp.enter(i);
        s.ad.add(adStep(b));
        const double ad = s.ad.value();
        if (i == 0) {
            s.fast = ad;
            s.slow = ad;
        } else {
            s.fast = (m_kFast * ad) + ((1.0 - m_kFast) * s.fast);
            s.slow = (m_kSlow * ad) + ((1.0 - m_kSlow) * s.slow);
        }
        if (i >= m_lookback) put(0, s.fast - s.slow);
    }

private:
    struct State {
        Neumaier ad;
        double fast = 0, slow = 0;
    };
    double m_kFast = 0, m_kSlow = 0;
    int m_lookback = 0;
    Checkpoint<State> m_cp;
};

class Obv final : public IndicatorImpl<Obv> {
public:
    Obv(const IndicatorInfo& info, std::vector<double> p) : IndicatorImpl(info, std::move(p)) {}
    void resetState() { m_cp.clear(); }
    void step(const Bar& b, std::int64_t i) {
        State& s = m_cp.enter(i);
        if (i == 0) {
            s.obv.add(b.volume);
        } else if (b.close > s.prevClose) {
            s.obv.add(b.volume);
        } else if (b.close < s.prevClose) {
            s.obv.add(-b.volume);
        }
        s.prevClose = b.close;
        put(0, s.obv.value());
    }

private:
    struct State {
        Neumaier obv;
        double prevClose = 0;
    };
    Checkpoint<State> m_cp;
};

class TRange final : public IndicatorImpl<TRange> {
public:
    TRange(const IndicatorInfo& info, std::vector<double> p) : IndicatorImpl(info, std::move(p)) {}
    void resetState() { m_cp.clear(); }
    void step(const Bar& b, std::int64_t i) {
        double& prevClose = m_cp.enter(i);
        if (i > 0) put(0, trueRange(b.high, b.low, prevClose));
        prevClose = b.close;
    }

private:
    Checkpoint<double> m_cp;
};

// TA-Lib ATR: true range from bar 1, seeded with the SMA of the first `period` ranges (first value
// at bar `period`), then Wilder: (prev * (n-1) + tr) / n. NATR = 100 * ATR / close.
template <bool Normalized>
class Atr final : public IndicatorImpl<Atr<Normalized>> {
    using Base = IndicatorImpl<Atr<Normalized>>;

public:
    Atr(const IndicatorInfo& info, std::vector<double> p) : Base(info, std::move(p)), m_period(this->intParam(0)) {}
    void resetState() { m_cp.clear(); }
    void step(const Bar& b, std::int64_t i) {
        State& s = m_cp.enter(i);
        if (i > 0) {
            const double tr = trueRange(b.high, b.low, s.prevClose);
            if (i <= m_period) {
                s.seed += tr;
                if (i == m_period) s.atr = s.seed / m_period;
            } else {
                s.atr = ((s.atr * (m_period - 1)) + tr) / m_period;
            }
            if (i >= m_period) {
                if constexpr (Normalized) {
                    this->put(0, b.close != 0.0 ? (s.atr / b.close) * 100.0 : 0.0);
                } else {
                    this->put(0, s.atr);
                }
            }
        }
        s.prevClose = b.close;
    }

private:
    struct State {
        double prevClose = 0, seed = 0, atr = 0;
    };
    int m_period;
    Checkpoint<State> m_cp;
};

enum class PriceKind { Avg, Med, Typ, Wcl };

template <PriceKind K>
class PriceTransform final : public IndicatorImpl<PriceTransform<K>> {
    using Base = IndicatorImpl<PriceTransform<K>>;

public:
    PriceTransform(const IndicatorInfo& info, std::vector<double> p) : Base(info, std::move(p)) {}
    void resetState() {}
    void step(const Bar& b, std::int64_t) {
        if constexpr (K == PriceKind::Avg) {
            this->put(0, (b.open + b.high + b.low + b.close) / 4);
        } else if constexpr (K == PriceKind::Med) {
            this->put(0, (b.high + b.low) / 2.0);
        } else if constexpr (K == PriceKind::Typ) {
            this->put(0, (b.high + b.low + b.close) / 3.0);
        } else {
            this->put(0, (b.high + b.low + (b.close * 2.0)) / 4.0);
        }
    }
};

}  // namespace

void registerVolumeVolatility(RegistryBuilder& r) {
    const std::vector<std::string> real{"real"};
    const std::vector<std::string> hlcv{"high", "low", "close", "volume"};
    const std::vector<std::string> hlc{"high", "low", "close"};
    r.add<Ad>(makeInfo("AD", "Chaikin A/D Line", IndicatorGroup::Volume, Placement::Pane, hlcv, {}, real));
    r.add<AdOsc>(makeInfo("ADOSC", "Chaikin A/D Oscillator", IndicatorGroup::Volume, Placement::Pane, hlcv,
                          {periodParam("fastperiod", 3), periodParam("slowperiod", 10)}, real));
    r.add<Obv>(makeInfo("OBV", "On Balance Volume", IndicatorGroup::Volume, Placement::Pane, {"close", "volume"}, {},
                        real));
    r.add<TRange>(makeInfo("TRANGE", "True Range", IndicatorGroup::Volatility, Placement::Pane, hlc, {}, real));
    r.add<Atr<false>>(makeInfo("ATR", "Average True Range", IndicatorGroup::Volatility, Placement::Pane, hlc,
                               {periodParam("timeperiod", 14, 1)}, real));
    r.add<Atr<true>>(makeInfo("NATR", "Normalized Average True Range", IndicatorGroup::Volatility, Placement::Pane,
                              hlc, {periodParam("timeperiod", 14, 1)}, real));
    const auto G = IndicatorGroup::PriceTransform;
    r.add<PriceTransform<PriceKind::Avg>>(
        makeInfo("AVGPRICE", "Average Price", G, Placement::Overlay, {"open", "high", "low", "close"}, {}, real));
    r.add<PriceTransform<PriceKind::Med>>(
        makeInfo("MEDPRICE", "Median Price", G, Placement::Overlay, {"high", "low"}, {}, real));
    r.add<PriceTransform<PriceKind::Typ>>(makeInfo("TYPPRICE", "Typical Price", G, Placement::Overlay, hlc, {}, real));
    r.add<PriceTransform<PriceKind::Wcl>>(
        makeInfo("WCLPRICE", "Weighted Close Price", G, Placement::Overlay, hlc, {}, real));
}

}  // namespace cpc::indicators::detail
