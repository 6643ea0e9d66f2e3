#include "cpc/feed/order_book.hpp"

namespace cpc::feed {

void LocalOrderBook::reset() {
    m_bids.clear();
    m_asks.clear();
    m_buffer.clear();
    m_synced = false;
    m_firstAfterSnapshot = false;
    m_overlapOk = false;
    m_lastUpdateId = 0;
}

LocalOrderBook::Outcome LocalOrderBook::gap(const exchange::DepthUpdate* keep) {
    ++m_resyncs;
    reset();
    if (keep) m_buffer.push_back(*keep);
    return Outcome::NeedsSnapshot;
}

void LocalOrderBook::apply(const exchange::DepthUpdate& diff) {
    for (const auto& l : diff.bids) {
        if (l.quantity.isZero()) m_bids.erase(l.price);
        else m_bids[l.price] = l.quantity;
    }
    for (const auto& l : diff.asks) {
        if (l.quantity.isZero()) m_asks.erase(l.price);
        else m_asks[l.price] = l.quantity;
    }
    m_lastUpdateId = diff.finalUpdateId;
    m_firstAfterSnapshot = false;
    m_overlapOk = false;
}

void LocalOrderBook::allowOverlap() {
    if (m_synced) m_overlapOk = true;
}

LocalOrderBook::Outcome LocalOrderBook::onDiff(const exchange::DepthUpdate& diff) {
    if (!m_synced) {
        if (m_buffer.size() >= kMaxBuffered) m_buffer.pop_front();
        m_buffer.push_back(diff);
        return Outcome::Buffered;
    }
    if (diff.finalUpdateId <= m_lastUpdateId) return Outcome::Stale;
    // Binance: U == previous u + 1 (after a snapshot, or once after allowOverlap(): U <= u + 1).
    const std::int64_t next = m_lastUpdateId + 1;
    const bool continues = (m_firstAfterSnapshot || m_overlapOk) ? diff.firstUpdateId <= next
                                                                 : diff.firstUpdateId == next;
    if (!continues) return gap(&diff);
    apply(diff);
    return Outcome::Applied;
}

LocalOrderBook::Outcome LocalOrderBook::onSnapshot(const exchange::DepthSnapshot& snapshot) {
    // Older than everything buffered: the events between are lost, ask again (step 2).
    if (!m_buffer.empty() && snapshot.lastUpdateId < m_buffer.front().firstUpdateId - 1)
        return Outcome::NeedsSnapshot;
    m_bids.clear();
    m_asks.clear();
    for (const auto& l : snapshot.bids)
        if (!l.quantity.isZero()) m_bids[l.price] = l.quantity;
    for (const auto& l : snapshot.asks)
        if (!l.quantity.isZero()) m_asks[l.price] = l.quantity;
    m_lastUpdateId = snapshot.lastUpdateId;
    m_synced = true;
    m_firstAfterSnapshot = true;
    std::deque<exchange::DepthUpdate> pending;
    pending.swap(m_buffer);
    for (const auto& d : pending) {
        if (d.finalUpdateId <= m_lastUpdateId) continue;  // already in the snapshot
        const std::int64_t next = m_lastUpdateId + 1;
        const bool continues = m_firstAfterSnapshot ? (d.firstUpdateId <= next && next <= d.finalUpdateId)
                                                    : d.firstUpdateId == next;
        if (!continues) {
            // Keep the newest events: a fresh snapshot may continue them.
            ++m_resyncs;
            const std::int64_t keepFrom = d.firstUpdateId;
            reset();
            for (const auto& e : pending)
                if (e.firstUpdateId >= keepFrom) m_buffer.push_back(e);
            return Outcome::NeedsSnapshot;
        }
        apply(d);
    }
    return Outcome::Applied;
}

exchange::DepthSnapshot LocalOrderBook::snapshot(std::size_t levels) const {
    exchange::DepthSnapshot s;
    s.symbol = m_symbol;
    s.lastUpdateId = m_lastUpdateId;
    for (const auto& [p, q] : m_bids) {
        if (s.bids.size() >= levels) break;
        s.bids.push_back({p, q});
    }
    for (const auto& [p, q] : m_asks) {
        if (s.asks.size() >= levels) break;
        s.asks.push_back({p, q});
    }
    return s;
}

}  // namespace cpc::feed
