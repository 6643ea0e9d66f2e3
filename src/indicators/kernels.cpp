#include "kernels.hpp"

namespace cpc::indicators::detail {

MovingAverage::MovingAverage(int type, int period) : m_type(type), m_period(period < 1 ? 1 : period) {
    const int p = m_period;
    switch (m_type) {
        case kSma: m_sma = Sma(p); break;
        case kEma: m_e1 = Ema(p); break;
        case kWma: m_wma = Wma(p); break;
        case kDema:
            m_e1 = Ema(p);
            m_e2 = Ema(p);
            break;
        case kTema:
            m_e1 = Ema(p);
            m_e2 = Ema(p);
            m_e3 = Ema(p);
            break;
        case kTrima:
            // A triangular average is an SMA of an SMA: weights 1,2,..,2,1 over `period` bars.
            if (p % 2 == 1) {
                m_sma = Sma((p + 1) / 2);
                m_sma2 = Sma((p + 1) / 2);
            } else {
                m_sma = Sma(p / 2);
                m_sma2 = Sma(p / 2 + 1);
            }
            break;
        case kKama: m_kama = Kama(p); break;
        case kT3: m_t3 = T3(p, 0.7); break;
        case kMama: m_mama = MamaKernel(0.5, 0.05); break;  // TA_MA's limits for MA type 7
        default: m_type = kSma; m_sma = Sma(p); break;
    }
}

int MovingAverage::lookback(int type, int period) {
    if (period <= 1) return 0;
    switch (type) {
        case kDema: return 2 * (period - 1);
        case kTema: return 3 * (period - 1);
        case kKama: return period;
        case kT3: return 6 * (period - 1);
        case kMama: return MamaKernel::kLookback;
        default: return period - 1;
    }
}

void MovingAverage::clear() {
    m_sma.clear();
    m_sma2.clear();
    m_e1.clear();
    m_e2.clear();
    m_e3.clear();
    m_wma.clear();
    m_kama.clear();
    m_t3.clear();
    m_mama.clear();
}

double MovingAverage::update(std::int64_t bar, double x) {
    if (m_period == 1) return x;
    switch (m_type) {
        case kEma: return m_e1.update(bar, x);
        case kWma: return m_wma.update(bar, x);
        case kDema: {
            const double e1 = m_e1.update(bar, x);
            if (std::isnan(e1)) return kNaN;
            const double e2 = m_e2.update(bar, e1);
            if (std::isnan(e2)) return kNaN;
            return (2.0 * e1) - e2;
        }
        case kTema: {
            const double e1 = m_e1.update(bar, x);
            if (std::isnan(e1)) return kNaN;
            const double e2 = m_e2.update(bar, e1);
            if (std::isnan(e2)) return kNaN;
            const double e3 = m_e3.update(bar, e2);
            if (std::isnan(e3)) return kNaN;
            return (3.0 * e1) - (3.0 * e2) + e3;
        }
        case kTrima: {
            const double a = m_sma.update(bar, x);
            if (std::isnan(a)) return kNaN;
            return m_sma2.update(bar, a);
        }
        case kKama: return m_kama.update(bar, x);
        case kT3: return m_t3.update(bar, x);
        case kMama: return m_mama.update(bar, x);
        default: return m_sma.update(bar, x);
    }
}

}  // namespace cpc::indicators::detail
