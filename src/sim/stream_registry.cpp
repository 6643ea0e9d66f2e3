#include "stream_registry.hpp"

#include <algorithm>
#include <cctype>

#include "cpc/exchange/binance/binance_adapter.hpp"

namespace cpc::sim {

void StreamRegistry::add(Factory factory) { m_factories.push_back(std::move(factory)); }

std::unique_ptr<StreamProducer> StreamRegistry::create(std::string_view name) const {
    for (const Factory& f : m_factories)
        if (auto p = f(name)) return p;
    return nullptr;
}

namespace {

class KlineStream final : public StreamProducer {
public:
    // anchor3dMs: the symbol's listing day (3d buckets; nothing is pushed before it).
    KlineStream(const MarketModel& model, std::string symbol, Interval interval, std::int64_t anchor3dMs,
                std::chrono::milliseconds pushInterval)
        : m_model(model), m_symbol(std::move(symbol)), m_interval(interval), m_anchor(anchor3dMs),
          m_push(pushInterval) {}

    void poll(const PollTime& now, std::vector<std::string>& out) override {
        const std::int64_t nowMs = now.exchangeMs;
        if (nowMs < m_anchor) return;  // not listed yet
        const std::int64_t open = bucketStart(m_interval, nowMs, m_anchor);
        if (m_current && open != *m_current) {
            // The candle we were pushing has closed: its final version first, then the new one.
            emit(*m_current, now, out);
            m_current = open;
            emit(open, now, out);
        } else if (!m_current || now.wall - m_lastPush >= m_push) {
            m_current = open;
            emit(open, now, out);
        }
    }

private:
    void emit(std::int64_t openTime, const PollTime& now, std::vector<std::string>& out) {
        const auto candles = m_model.klines(m_symbol, m_interval, openTime, openTime, 1, now.exchangeMs);
        if (candles.empty()) return;
        out.push_back(
            exchange::BinanceAdapter::klineEventJson(m_symbol, m_interval, candles.front(), now.exchangeMs));
        m_lastPush = now.wall;
    }

    const MarketModel& m_model;
    std::string m_symbol;
    Interval m_interval;
    std::int64_t m_anchor;
    std::chrono::milliseconds m_push;
    std::optional<std::int64_t> m_current;  // open time of the candle being pushed
    std::chrono::steady_clock::time_point m_lastPush{};
};

std::string upper(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

}  // namespace

StreamRegistry makeBinanceStreams(const MarketModel& model, std::chrono::milliseconds klinePushInterval) {
    StreamRegistry registry;
    registry.add([&model, klinePushInterval](std::string_view name) -> std::unique_ptr<StreamProducer> {
        constexpr std::string_view kTag = "@kline_";
        const std::size_t at = name.find(kTag);
        if (at == std::string_view::npos || at == 0) return nullptr;
        const std::string_view symbolPart = name.substr(0, at);
        // Stream names carry the symbol in lower case (payloads in upper case).
        if (std::any_of(symbolPart.begin(), symbolPart.end(),
                        [](unsigned char c) { return std::isupper(c) != 0; }))
            return nullptr;
        const auto interval = parseInterval(name.substr(at + kTag.size()));
        if (!interval) return nullptr;
        const std::string symbol = upper(symbolPart);
        const SimSymbol* s = model.find(symbol);
        if (!s) return nullptr;
        const auto push = *interval == Interval::S1 ? std::min(klinePushInterval, std::chrono::milliseconds(1000))
                                                    : klinePushInterval;
        return std::make_unique<KlineStream>(model, symbol, *interval, s->listingMs, push);
    });
    return registry;
}

}  // namespace cpc::sim
