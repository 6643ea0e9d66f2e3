// Chart studies TA-Lib does not have. Conventions (verified against talipp / pandas_ta fixtures, see
// tests/fixtures/indicators/README.md):
//  - "talipp ATR" (SUPERTREND, KELTNER) and CHOP's true range: the first bar's range is high - low,
//    ATR's first value is the mean of the first n ranges (at bar n-1), then Wilder smoothing. This
//    differs from TA-Lib's ATR (first value at bar n, bar 0 has no range).
//  - KELTNER's middle line is TA-Lib's EMA (SMA-seeded).
//  - ICHIMOKU columns are computed at their own bar; the leading spans carry plotOffset
//    +displacement and the lagging span -displacement.
#include <cmath>

#include "indicator_impl.hpp"

namespace cpc::indicators::detail {
namespace {

constexpr double kDayMs = 86'400'000.0;

double utcDay(double timeMs) { return std::floor(timeMs / kDayMs); }

// talipp's ATR (see the file comment).
class WilderAtr {
public:
    explicit WilderAtr(int period = 14) : m_period(period) {}
    void clear() { m_cp.clear(); }
    double update(const Bar& b, std::int64_t i) {
        State& s = m_cp.enter(i);
        const double tr = i == 0 ? b.high - b.low : trueRange(b.high, b.low, s.prevClose);
        s.prevClose = b.close;
        if (i < m_period) {
            s.seed += tr;
            if (i < m_period - 1) return kNaN;
            s.atr = s.seed / m_period;
        } else {
            s.atr = (s.atr * (m_period - 1) + tr) / m_period;
        }
        return s.atr;
    }

private:
    struct State {
        double prevClose = 0, seed = 0, atr = 0;
    };
    int m_period;
    Checkpoint<State> m_cp;
};

// Session VWAP: cumulative Σ(hlc3 · volume) / Σ volume, restarting at 00:00 UTC.
class Vwap final : public IndicatorImpl<Vwap> {
public:
    Vwap(const IndicatorInfo& info, std::vector<double> p) : IndicatorImpl(info, std::move(p)) {}
    void resetState() { m_cp.clear(); }
    void step(const Bar& b, std::int64_t i) {
        State& s = m_cp.enter(i);
        const double day = utcDay(b.time);
        if (i == 0 || day != s.day) {
            s = State{};
            s.day = day;
        }
        const double tp = (b.high + b.low + b.close) / 3.0;
        s.pv.add(tp * b.volume);
        s.vol.add(b.volume);
        const double vol = s.vol.value();
        // No volume yet in this session: the typical price is the only price there is.
        put(0, vol > 0.0 ? s.pv.value() / vol : tp);
    }

private:
    struct State {
        double day = 0;
        Neumaier pv, vol;
    };
    Checkpoint<State> m_cp;
};

// Cumulative volume delta from klines: each bar's delta is what the aggressive buyers bought minus
// what the aggressive sellers sold, takerBuy − (volume − takerBuy) = 2·takerBuy − volume, summed
// from the anchor on. Anchors: 0 none (from the first bar of the series), 1 day (resets at 00:00
// UTC), 2 session (resets at the start of the venue's trading session). Crypto spot venues trade
// around the clock and open their trading day — the daily candle — at 00:00 UTC, so on all four
// venues a session is the UTC day, the same session VWAP uses and what TradingView's "Session"
// anchor does on crypto; the two names are kept apart because they mean different things on a
// market with sessions. Bars of a day or longer reset at every bar under both.
class Cvd final : public IndicatorImpl<Cvd> {
public:
    static constexpr int kSourceTrades = 1;
    Cvd(const IndicatorInfo& info, std::vector<double> p) : IndicatorImpl(info, std::move(p)) {}
    void resetState() { m_cp.clear(); }
    void step(const Bar& b, std::int64_t i) {
        // Source 1 (trades): the values are each bar's running delta, which the klines do not
        // hold; whoever has the trades computes them (orderflow::intrabarCvd: the chart from its
        // trades, `cpc indicator CVD --trades`). From bars alone there is nothing to put.
        if (intParam(1) == kSourceTrades) return;
        State& s = m_cp.enter(i);
        const double day = utcDay(b.time);
        if (i == 0 || (intParam(0) != 0 && day != s.day)) s = State{};
        s.day = day;
        const double delta = b.takerBuyVolume - (b.volume - b.takerBuyVolume);
        s.sum.add(delta);
        put(0, s.sum.value());
        put(1, delta);
    }

private:
    struct State {
        double day = 0;
        Neumaier sum;
    };
    Checkpoint<State> m_cp;
};

// SuperTrend (talipp): basic bands hl2 ± mult·ATR, final bands ratchet, the line follows the upper
// band in a down-trend and the lower band in an up-trend. First value one bar after the first ATR.
class SuperTrend final : public IndicatorImpl<SuperTrend> {
public:
    SuperTrend(const IndicatorInfo& info, std::vector<double> p)
        : IndicatorImpl(info, std::move(p)), m_atr(intParam(0)) {}
    void resetState() {
        m_atr.clear();
        m_cp.clear();
    }
    void step(const Bar& b, std::int64_t i) {
        State& s = m_cp.enter(i);
        const double atr = m_atr.update(b, i);
        const double prevClose = s.prevClose;
        s.prevClose = b.close;
        if (std::isnan(atr)) return;
        const double hl2 = (b.high + b.low) / 2.0;
        const double bub = hl2 + realParam(1) * atr;
        const double blb = hl2 - realParam(1) * atr;
        if (!s.started) {
            // talipp's first ATR bar only seeds the bands with 0.
            s.started = true;
            s.fub = 0;
            s.flb = 0;
            s.onUpper = true;
            return;
        }
        const double fub = (bub < s.fub || prevClose > s.fub) ? bub : s.fub;
        const double flb = (blb > s.flb || prevClose < s.flb) ? blb : s.flb;
        if (s.onUpper) {
            s.onUpper = b.close <= fub;
        } else {
            s.onUpper = b.close < flb;
        }
        s.fub = fub;
        s.flb = flb;
        const double st = s.onUpper ? fub : flb;
        put(0, st);
        put(1, b.close > st ? 1.0 : -1.0);
    }

private:
    struct State {
        bool started = false;
        bool onUpper = true;
        double fub = 0, flb = 0, prevClose = 0;
    };
    WilderAtr m_atr;
    Checkpoint<State> m_cp;
};

class Ichimoku final : public IndicatorImpl<Ichimoku> {
public:
    Ichimoku(const IndicatorInfo& info, std::vector<double> p)
        : IndicatorImpl(info, std::move(p)), m_tenkanMax(intParam(0)), m_tenkanMin(intParam(0)),
          m_kijunMax(intParam(1)), m_kijunMin(intParam(1)), m_senkouMax(intParam(2)), m_senkouMin(intParam(2)) {
        const int d = intParam(3);
        m_plotOffsets = {0, 0, d, d, -d};
    }
    void resetState() {
        m_tenkanMax.clear();
        m_tenkanMin.clear();
        m_kijunMax.clear();
        m_kijunMin.clear();
        m_senkouMax.clear();
        m_senkouMin.clear();
    }
    void step(const Bar& b, std::int64_t i) {
        const bool t = m_tenkanMax.update(i, b.high);
        m_tenkanMin.update(i, b.low);
        const bool k = m_kijunMax.update(i, b.high);
        m_kijunMin.update(i, b.low);
        const bool s = m_senkouMax.update(i, b.high);
        m_senkouMin.update(i, b.low);
        const double tenkan = (m_tenkanMax.value() + m_tenkanMin.value()) / 2.0;
        const double kijun = (m_kijunMax.value() + m_kijunMin.value()) / 2.0;
        if (t) put(0, tenkan);
        if (k) put(1, kijun);
        if (t && k) put(2, (tenkan + kijun) / 2.0);
        if (s) put(3, (m_senkouMax.value() + m_senkouMin.value()) / 2.0);
        put(4, b.close);
    }

private:
    WindowMax m_tenkanMax;
    WindowMin m_tenkanMin;
    WindowMax m_kijunMax;
    WindowMin m_kijunMin;
    WindowMax m_senkouMax;
    WindowMin m_senkouMin;
};

class Keltner final : public IndicatorImpl<Keltner> {
public:
    Keltner(const IndicatorInfo& info, std::vector<double> p)
        : IndicatorImpl(info, std::move(p)), m_ema(intParam(0)), m_atr(intParam(1)) {}
    void resetState() {
        m_ema.clear();
        m_atr.clear();
    }
    void step(const Bar& b, std::int64_t i) {
        const double mid = m_ema.update(i, b.close);
        const double atr = m_atr.update(b, i);
        if (std::isnan(mid) || std::isnan(atr)) return;
        put(0, mid + realParam(2) * atr);
        put(1, mid);
        put(2, mid - realParam(2) * atr);
    }

private:
    Ema m_ema;
    WilderAtr m_atr;
};

class Donchian final : public IndicatorImpl<Donchian> {
public:
    Donchian(const IndicatorInfo& info, std::vector<double> p)
        : IndicatorImpl(info, std::move(p)), m_max(intParam(0)), m_min(intParam(0)) {}
    void resetState() {
        m_max.clear();
        m_min.clear();
    }
    void step(const Bar& b, std::int64_t i) {
        const bool ready = m_max.update(i, b.high);
        m_min.update(i, b.low);
        if (!ready) return;
        put(0, m_max.value());
        put(1, (m_max.value() + m_min.value()) / 2.0);
        put(2, m_min.value());
    }

private:
    WindowMax m_max;
    WindowMin m_min;
};

// Choppiness: 100 · log10(Σ TR / (highest high − lowest low)) / log10(n). A window whose range is
// zero has no defined value (NaN), as in talipp.
class Chop final : public IndicatorImpl<Chop> {
public:
    Chop(const IndicatorInfo& info, std::vector<double> p)
        : IndicatorImpl(info, std::move(p)), m_tr(intParam(0)), m_max(intParam(0)), m_min(intParam(0)) {}
    void resetState() {
        m_cp.clear();
        m_tr.clear();
        m_max.clear();
        m_min.clear();
    }
    void step(const Bar& b, std::int64_t i) {
        double& prevClose = m_cp.enter(i);
        const double tr = i == 0 ? b.high - b.low : trueRange(b.high, b.low, prevClose);
        prevClose = b.close;
        const double sum = m_tr.update(i, tr);
        m_max.update(i, b.high);
        m_min.update(i, b.low);
        if (std::isnan(sum)) return;
        const double range = m_max.value() - m_min.value();
        if (range == 0.0) return;
        put(0, 100.0 * std::log10(sum / range) / std::log10(static_cast<double>(intParam(0))));
    }

private:
    Checkpoint<double> m_cp;
    RollingSum m_tr;
    WindowMax m_max;
    WindowMin m_min;
};

// Classic floor pivots from the previous UTC day's high, low and close.
class Pivots final : public IndicatorImpl<Pivots> {
public:
    Pivots(const IndicatorInfo& info, std::vector<double> p) : IndicatorImpl(info, std::move(p)) {}
    void resetState() { m_cp.clear(); }
    void step(const Bar& b, std::int64_t i) {
        State& s = m_cp.enter(i);
        const double day = utcDay(b.time);
        if (i == 0 || day != s.day) {
            if (i > 0) {
                s.havePrev = true;
                s.ph = s.h;
                s.pl = s.l;
                s.pc = s.c;
            }
            s.day = day;
            s.h = b.high;
            s.l = b.low;
        } else {
            s.h = std::max(s.h, b.high);
            s.l = std::min(s.l, b.low);
        }
        s.c = b.close;
        if (!s.havePrev) return;
        const double pp = (s.ph + s.pl + s.pc) / 3.0;
        const double range = s.ph - s.pl;
        put(0, pp);
        put(1, 2.0 * pp - s.pl);
        put(2, 2.0 * pp - s.ph);
        put(3, pp + range);
        put(4, pp - range);
        put(5, s.ph + 2.0 * (pp - s.pl));
        put(6, s.pl - 2.0 * (s.ph - pp));
    }

private:
    struct State {
        double day = 0, h = 0, l = 0, c = 0;
        bool havePrev = false;
        double ph = 0, pl = 0, pc = 0;
    };
    Checkpoint<State> m_cp;
};

}  // namespace

void registerStudies(RegistryBuilder& r) {
    const auto G = IndicatorGroup::ChartStudy;
    const auto O = Placement::Overlay;
    const std::vector<std::string> hlc{"high", "low", "close"};
    r.add<Vwap>(makeInfo("VWAP", "Session VWAP (daily UTC reset, hlc3)", G, O, {"high", "low", "close", "volume"}, {},
                         {"vwap"}));
    ParamInfo anchorParam{"anchor", 0, 0, 2, true,
                          "reset: 0 none (from the first bar), 1 day (00:00 UTC), 2 session (the venue's trading "
                          "session: 00:00 UTC on the crypto venues)",
                          {"none", "day", "session"}};
    ParamInfo sourceParam{"source", 0, 0, 1, true,
                          "0 klines (their taker buy volume, one value per bar), 1 trades (each bar's CVD as a "
                          "candle of the running delta of its trades)",
                          {"klines", "trades"}};
    r.add<Cvd>(makeInfo("CVD", "Cumulative Volume Delta (klines' taker buy volume or trades)", G, Placement::Pane,
                        {"volume", "takerbuyvolume"}, {anchorParam, sourceParam}, {"cvd", "delta"}));
    r.add<SuperTrend>(makeInfo("SUPERTREND", "SuperTrend", G, O, hlc,
                               {periodParam("atrperiod", 10, 1), realParam("multiplier", 3, 0, 1000, "ATR multiplier")},
                               {"supertrend", "direction"}));
    r.add<Ichimoku>(makeInfo("ICHIMOKU", "Ichimoku Kinko Hyo", G, O, hlc,
                             {periodParam("tenkan", 9, 1, "conversion line period"),
                              periodParam("kijun", 26, 1, "base line period"),
                              periodParam("senkou", 52, 1, "leading span B period"),
                              periodParam("displacement", 26, 0, "bars the spans are shifted")},
                             {"tenkan", "kijun", "senkou_a", "senkou_b", "chikou"}));
    r.add<Keltner>(makeInfo("KELTNER", "Keltner Channels", G, O, hlc,
                            {periodParam("timeperiod", 20, 1, "EMA period"), periodParam("atrperiod", 10, 1),
                             realParam("multiplier", 1.5, 0, 1000, "ATR multiplier")},
                            {"upperband", "middleband", "lowerband"}));
    r.add<Donchian>(makeInfo("DONCHIAN", "Donchian Channels", G, O, {"high", "low"}, {periodParam("timeperiod", 20, 1)},
                             {"upperband", "middleband", "lowerband"}));
    r.add<Chop>(makeInfo("CHOP", "Choppiness Index", G, Placement::Pane, hlc, {periodParam("timeperiod", 14)}, {"real"}));
    r.add<Pivots>(makeInfo("PIVOTS", "Classic daily pivot points", G, O, hlc, {},
                           {"pp", "r1", "s1", "r2", "s2", "r3", "s3"}));
}

}  // namespace cpc::indicators::detail
