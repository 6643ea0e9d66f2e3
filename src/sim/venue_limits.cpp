#include "venue_limits.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "cpc/core/time.hpp"

namespace cpc::sim {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

int permille(int used, int limit) { return limit > 0 ? static_cast<int>(static_cast<std::int64_t>(used) * 1000 / limit) : 0; }

milliseconds scaled(milliseconds window, const SimConfig& config) {
    return std::max(milliseconds(1), window / std::max(1, config.restWindowDivisor));
}

// Binance: REQUEST_WEIGHT per minute of the exchange clock.
class BinanceWeights final : public RestLimiter {
public:
    explicit BinanceWeights(int perMinute) : m_limit(perMinute) {}

    LimitVerdict admit(std::string_view, int weight, std::int64_t venueNowMs, Clock::time_point) override {
        const std::int64_t minute = venueNowMs / kMinuteMs;
        if (minute != m_minute) {
            m_minute = minute;
            m_used = 0;
        }
        if (m_used + weight > m_limit) {
            LimitVerdict v;
            v.kind = LimitVerdict::Kind::TooMany;
            v.waitMs = kMinuteMs - venueNowMs % kMinuteMs;
            v.escalates = true;
            v.message = "Too much request weight used; current limit is " + std::to_string(m_limit) +
                        " request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling "
                        "the API.";
            return v;
        }
        m_used += weight;
        m_peak = std::max(m_peak, permille(m_used, m_limit));
        return {};
    }
    int peakPermille() const override { return m_peak; }

private:
    int m_limit;
    std::int64_t m_minute = -1;
    int m_used = 0;
    int m_peak = 0;
};

// A count of requests (or weight) in a rolling window of the wall clock.
class SlidingWindow {
public:
    SlidingWindow(int limit, milliseconds window) : m_limit(limit), m_window(window) {}

    // Room for `weight` now? If not, how long until the oldest entries have left enough of it.
    std::optional<milliseconds> tryAdd(int weight, Clock::time_point now) {
        while (!m_log.empty() && now - m_log.front().first >= m_window) {
            m_used -= m_log.front().second;
            m_log.pop_front();
        }
        if (m_used + weight > m_limit) {
            int left = m_used;
            Clock::time_point until = now;
            for (const auto& [t, w] : m_log) {
                left -= w;
                until = t;
                if (left + weight <= m_limit) break;
            }
            return std::max(milliseconds(1), std::chrono::duration_cast<milliseconds>(until + m_window - now));
        }
        m_log.emplace_back(now, weight);
        m_used += weight;
        m_peak = std::max(m_peak, permille(m_used, m_limit));
        return std::nullopt;
    }
    int peak() const { return m_peak; }

private:
    int m_limit;
    milliseconds m_window;
    std::deque<std::pair<Clock::time_point, int>> m_log;
    int m_used = 0;
    int m_peak = 0;
};

// Bybit: 600 requests per IP in any 5-second window; past it, 403 and a ban.
class BybitIpWindow final : public RestLimiter {
public:
    explicit BybitIpWindow(const SimConfig& config) : m_window(600, scaled(milliseconds(5000), config)) {}

    LimitVerdict admit(std::string_view, int, std::int64_t, Clock::time_point wall) override {
        if (!m_window.tryAdd(1, wall)) return {};
        LimitVerdict v;
        v.kind = LimitVerdict::Kind::Ban;
        v.message = "access too frequent";
        return v;
    }
    int peakPermille() const override { return m_window.peak(); }

private:
    SlidingWindow m_window;
};

// OKX: one window per endpoint (rate limit rule: IP), as its v5 reference gives them.
class OkxEndpointWindows final : public RestLimiter {
public:
    explicit OkxEndpointWindows(const SimConfig& config) {
        const milliseconds two = scaled(milliseconds(2000), config);
        m_windows.emplace("/api/v5/market/history-candles", SlidingWindow(20, two));
        m_windows.emplace("/api/v5/market/candles", SlidingWindow(40, two));
        m_windows.emplace("/api/v5/market/books", SlidingWindow(40, two));
        m_windows.emplace("/api/v5/public/instruments", SlidingWindow(20, two));
        m_windows.emplace("/api/v5/public/time", SlidingWindow(10, two));
        if (config.market == MarketType::Perp) {
            // The swap-only paths (rate limit rule: IP + instrument ID; one window per path here,
            // stricter than the venue when several swaps are asked for at once).
            m_windows.emplace("/api/v5/public/funding-rate", SlidingWindow(10, two));
            m_windows.emplace("/api/v5/public/funding-rate-history", SlidingWindow(10, two));
            m_windows.emplace("/api/v5/public/open-interest", SlidingWindow(20, two));
            m_windows.emplace("/api/v5/rubik/stat/contracts/open-interest-history", SlidingWindow(10, two));
            m_windows.emplace("/api/v5/market/mark-price-candles", SlidingWindow(20, two));
            m_windows.emplace("/api/v5/market/index-candles", SlidingWindow(20, two));
            m_windows.emplace("/api/v5/market/history-mark-price-candles", SlidingWindow(10, two));
            m_windows.emplace("/api/v5/market/history-index-candles", SlidingWindow(10, two));
        }
    }

    LimitVerdict admit(std::string_view path, int, std::int64_t, Clock::time_point wall) override {
        const auto it = m_windows.find(std::string(path));
        if (it == m_windows.end()) return {};
        const auto wait = it->second.tryAdd(1, wall);
        if (!wait) return {};
        LimitVerdict v;
        v.kind = LimitVerdict::Kind::TooMany;
        v.waitMs = wait->count();
        v.message = "Rate limit reached. Please refer to API documentation and throttle requests accordingly";
        return v;
    }
    int peakPermille() const override {
        int peak = 0;
        for (const auto& [path, w] : m_windows) peak = std::max(peak, w.peak());
        return peak;
    }

private:
    std::map<std::string, SlidingWindow, std::less<>> m_windows;
};

// KuCoin: the public pool, 2,000 weight per 30 s from the first request of a window.
class KucoinPublicPool final : public RestLimiter {
public:
    explicit KucoinPublicPool(const SimConfig& config) : m_window(scaled(milliseconds(30'000), config)) {}

    LimitVerdict admit(std::string_view, int weight, std::int64_t, Clock::time_point wall) override {
        if (!m_started || wall - m_start >= m_window) {
            m_started = true;
            m_start = wall;
            m_used = 0;
        }
        if (m_used + weight > kQuota) {
            LimitVerdict v;
            v.kind = LimitVerdict::Kind::TooMany;
            v.waitMs = std::max<std::int64_t>(1, std::chrono::duration_cast<milliseconds>(m_start + m_window - wall).count());
            v.message = "Too Many Requests";
            return v;
        }
        m_used += weight;
        m_peak = std::max(m_peak, permille(m_used, kQuota));
        return {};
    }
    int peakPermille() const override { return m_peak; }

private:
    static constexpr int kQuota = 2000;
    milliseconds m_window;
    bool m_started = false;
    Clock::time_point m_start{};
    int m_used = 0;
    int m_peak = 0;
};

}  // namespace

std::unique_ptr<RestLimiter> makeRestLimiter(std::string_view exchange, const SimConfig& config) {
    // Perpetuals (Bybit linear, OKX swaps) are limited per IP as the venue's spot market is.
    if (exchange == "bybit") return std::make_unique<BybitIpWindow>(config);
    if (exchange == "okx") return std::make_unique<OkxEndpointWindows>(config);
    if (exchange == "kucoin" && config.market == MarketType::Spot) return std::make_unique<KucoinPublicPool>(config);
    return std::make_unique<BinanceWeights>(config.restWeightPerMinute);
}

}  // namespace cpc::sim
