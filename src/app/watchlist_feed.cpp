#include "cpc/app/watchlist_feed.hpp"

#include <algorithm>

#include "cpc/app/market_bridge.hpp"
#include "cpc/session/market_session.hpp"
#include "cpc/session/stream_session.hpp"

namespace cpc::app {

// The feed's listener on one venue's connection engine, on the network thread: each event and
// connection state goes into the bridge's inbox as a closure naming the venue (a post into an
// empty inbox wakes the GUI once). The engine keeps the listener alive while it is a user; closures
// posted after the feed (and its bridge) are gone are dropped by the inbox's executor.
struct WatchlistFeed::Port final : feed::FeedSink {
    Port(session::Executor post, WatchlistFeed* f, std::string v) : executor(std::move(post)), feed(f), venue(std::move(v)) {}
    void post(feed::FeedEvent event) override {
        // Only tickers and errors matter here; a stream engine's other events are not for us.
        if (!std::holds_alternative<exchange::Ticker24h>(event) && !std::holds_alternative<feed::FeedError>(event)) return;
        executor([f = feed, v = venue, e = std::move(event)]() mutable { f->onEvent(v, std::move(e), f->m_changed); });
    }
    void onLink(const feed::StreamLink& link) override {
        executor([f = feed, v = venue, link] { f->onLink(v, link); });
    }
    session::Executor executor;
    WatchlistFeed* feed;
    std::string venue;
};

WatchlistFeed::WatchlistFeed(session::MarketSession& market, AdapterFor adapterFor, QObject* parent)
    : QObject(parent), m_market(market), m_adapterFor(std::move(adapterFor)) {
    m_bridge = new MarketBridge(this);
    m_bridge->setConsumer([this](std::vector<session::Handoff>&& items) {
        for (auto& item : items)
            if (auto* task = std::get_if<session::Task>(&item)) (*task)();
        if (m_changed.empty()) return;
        std::vector<session::WatchSymbol> changed;
        changed.swap(m_changed);
        std::sort(changed.begin(), changed.end());
        changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
        emit tickersChanged(changed);
    });
}

WatchlistFeed::~WatchlistFeed() {
    for (auto& [name, v] : m_venues) {
        if (!v.streams) continue;
        std::vector<exchange::StreamSpec> specs;
        for (const auto& s : m_watched)
            if (s.exchange == name) specs.push_back(specOf(s));
        if (!specs.empty()) v.streams->unsubscribe(std::move(specs), v.listener);
    }
}

std::uint64_t WatchlistFeed::wakeUps() const { return m_bridge->wakeUps(); }

exchange::StreamSpec WatchlistFeed::specOf(const session::WatchSymbol& symbol) {
    exchange::StreamSpec spec;
    spec.symbol = symbol.symbol;
    spec.kind = exchange::StreamKind::MiniTicker;
    return spec;
}

WatchlistFeed::Venue* WatchlistFeed::venue(const std::string& name) {
    if (auto it = m_venues.find(name); it != m_venues.end()) return it->second.streams ? &it->second : nullptr;
    Venue& v = m_venues[name];
    auto adapter = m_adapterFor(name);
    if (!adapter) {  // a visible state, not retried until the list changes venue again
        VenueState& st = m_states[name];
        st.state = feed::FeedState::Failed;
        st.error = adapter.error().message;
        m_venues.erase(name);
        emit venueStateChanged();
        return nullptr;
    }
    v.adapter = *adapter;
    v.streams = m_market.streams(v.adapter);
    v.listener = std::make_shared<Port>(m_bridge->executor(), this, name);
    return &v;
}

void WatchlistFeed::setSymbols(const std::vector<session::WatchSymbol>& symbols) {
    const std::set<session::WatchSymbol> wanted(symbols.begin(), symbols.end());
    std::map<std::string, std::vector<exchange::StreamSpec>> added, removed;
    for (const auto& s : wanted)
        if (!m_watched.count(s)) added[s.exchange].push_back(specOf(s));
    for (const auto& s : m_watched)
        if (!wanted.count(s)) {
            removed[s.exchange].push_back(specOf(s));
            m_board.forget(s);
        }
    for (auto& [name, specs] : removed)
        if (auto it = m_venues.find(name); it != m_venues.end() && it->second.streams)
            it->second.streams->unsubscribe(std::move(specs), it->second.listener);
    bool statesChanged = false;
    for (auto& [name, specs] : added) {
        if (!m_states.count(name)) {
            m_states[name] = VenueState{};
            statesChanged = true;
        }
        if (Venue* v = venue(name)) v->streams->subscribe(std::move(specs), v->listener);
    }
    // A venue no symbol is on any more has no state to show.
    for (auto it = m_states.begin(); it != m_states.end();) {
        const bool used = std::any_of(wanted.begin(), wanted.end(), [&](const auto& s) { return s.exchange == it->first; });
        if (used) {
            ++it;
        } else {
            if (auto v = m_venues.find(it->first); v != m_venues.end() && !v->second.streams) m_venues.erase(v);
            it = m_states.erase(it);
            statesChanged = true;
        }
    }
    m_watched = wanted;
    if (statesChanged) emit venueStateChanged();
}

void WatchlistFeed::onEvent(const std::string& venue, feed::FeedEvent&& event, std::vector<session::WatchSymbol>& changed) {
    if (auto* t = std::get_if<exchange::Ticker24h>(&event)) {
        session::WatchSymbol key{venue, t->symbol};
        if (!m_watched.count(key)) return;  // unsubscribed a moment ago, or another user's stream
        t->exchange = venue;
        if (m_board.apply(*t)) {
            ++m_applied;
            changed.push_back(std::move(key));
        }
        return;
    }
    if (auto* e = std::get_if<feed::FeedError>(&event)) {
        // A refused SUBSCRIBE (an unknown symbol on a venue that says so) and the like.
        m_states[venue].error = e->error.message;
        emit venueStateChanged();
    }
}

void WatchlistFeed::onLink(const std::string& venue, const feed::StreamLink& link) {
    auto it = m_states.find(venue);
    if (it == m_states.end()) return;
    VenueState& st = it->second;
    st.state = link.final ? feed::FeedState::Failed : link.state;
    st.detail = link.detail;
    st.retryInMs = link.retryInMs;
    if (link.state == feed::FeedState::Live && !link.final) st.error.clear();
    if (link.final && !link.detail.empty()) st.error = link.detail;
    emit venueStateChanged();
}

}  // namespace cpc::app
