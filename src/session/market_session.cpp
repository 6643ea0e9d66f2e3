#include "cpc/session/market_session.hpp"

#include "cpc/session/venue_rest_gate.hpp"

namespace cpc::session {

MarketSession::MarketSession(net::IoThread& io, MarketSessionConfig config)
    : m_io(io),
      m_config(std::move(config)),
      m_budget(std::make_shared<net::ConnectionBudget>(m_config.connectionAttempts, m_config.connectionWindow)) {}

MarketSession::~MarketSession() { stop(); }

std::shared_ptr<session::VenueRest> MarketSession::rest(const std::shared_ptr<const exchange::ExchangeAdapter>& adapter) {
    std::lock_guard lock(m_mutex);
    auto& client = m_rests[adapter->endpoints().restBase];
    if (!client) {
        auto& gate = m_gates[adapter->endpoints().restBase];
        if (!gate)
            gate = std::make_shared<net::RestGate>(
                session::restLimitsOf(*adapter, m_config.restWeightOverride, m_config.restSafetyShare));
        client = std::make_shared<session::VenueRest>(m_io.context(), adapter,
                                                   session::VenueRestConfig{m_config.tls, m_config.streams.requestTimeout,
                                                                         gate, 0, m_config.restSafetyShare,
                                                                         m_config.streams.tap,
                                                                         m_config.streams.replay});
    }
    return client;
}

std::shared_ptr<net::RestGate> MarketSession::restGate(const exchange::ExchangeAdapter& adapter) {
    std::lock_guard lock(m_mutex);
    auto& gate = m_gates[adapter.endpoints().restBase];
    if (!gate)
        gate = std::make_shared<net::RestGate>(
            session::restLimitsOf(adapter, m_config.restWeightOverride, m_config.restSafetyShare));
    return gate;
}

std::shared_ptr<session::StreamSession> MarketSession::streams(
    const std::shared_ptr<const exchange::ExchangeAdapter>& adapter) {
    auto host = rest(adapter);
    std::lock_guard lock(m_mutex);
    // The market is part of the key: spot and perpetual engines never share subscriptions (their
    // stream names are alike: btcusdt@kline_1m names a different instrument on each).
    const auto key = std::make_tuple(adapter->name(), adapter->market(), adapter->endpoints().restBase,
                                     adapter->endpoints().streamBase);
    auto& engine = m_streams[key];
    if (!engine) {
        session::StreamSessionConfig c = m_config.streams;
        c.tls = m_config.tls;
        c.connectionBudget = m_budget;
        c.rest = host;
        engine = std::make_shared<session::StreamSession>(m_io, adapter, std::move(c), m_discard);
        if (m_stopped) engine->stop();
    }
    return engine;
}

session::FeedConfig MarketSession::feedConfig(const std::shared_ptr<const exchange::ExchangeAdapter>& adapter,
                                           session::FeedConfig base) {
    base.tls = m_config.tls;
    base.streamSession = streams(adapter);
    base.rest = rest(adapter);
    base.connectionBudget = m_budget;
    base.offline = m_config.streams.replay;  // a replay's feeds read the record, never the venue
    return base;
}

std::size_t MarketSession::streamSessions() const {
    std::lock_guard lock(m_mutex);
    return m_streams.size();
}

void MarketSession::stop() {
    std::vector<std::shared_ptr<session::StreamSession>> engines;
    {
        std::lock_guard lock(m_mutex);
        m_stopped = true;
        for (const auto& [key, engine] : m_streams) engines.push_back(engine);
    }
    for (const auto& e : engines) e->stop();
}

}  // namespace cpc::session
