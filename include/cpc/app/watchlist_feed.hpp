#pragma once
// The watchlist's tickers (issue 14): every watched symbol's 24 h mini ticker, over the process's
// market session — per venue ONE connection engine (MarketSession::streams, the same the charts
// on that venue use), on which the feed is one more user (listener) of a `MiniTicker` stream per
// symbol: Binance `<symbol>@miniTicker`, Bybit `tickers.<SYMBOL>`, OKX `tickers` of the instId,
// KuCoin `/market/snapshot:<SYMBOL>`. Per-symbol streams rather than Binance's all-market
// `!miniTicker@arr`: the array carries every one of the venue's ~2,000 symbols each second
// (hundreds of KB/s) to show a few; a watchlist of 300 is 300 streams on one connection (the
// limit is 1,024), subscribed in paced, chunked SUBSCRIBE messages by the engine. The events come
// to the GUI thread through one inbox (a MarketBridge: one wake-up per burst) and land in a
// session::TickerBoard. The connection's state per venue is kept as a visible state (connecting,
// live, reconnecting with its reason, failed: the venue cannot be reached or refused a stream).
#include <QObject>
#include <QString>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cpc/core/result.hpp"
#include "cpc/exchange/exchange_adapter.hpp"
#include "cpc/feed/feed_events.hpp"
#include "cpc/session/watchlist.hpp"

namespace cpc::session {
class MarketSession;
class StreamSession;
}  // namespace cpc::session

namespace cpc::app {

class MarketBridge;

class WatchlistFeed final : public QObject {
    Q_OBJECT
public:
    // The adapter of a venue at the endpoints the app uses for it (a chart's, the settings', the
    // demo's simulator); an Error says why there is none (shown as the venue's state).
    using AdapterFor = std::function<Result<std::shared_ptr<const exchange::ExchangeAdapter>>(const std::string& venue)>;

    WatchlistFeed(session::MarketSession& market, AdapterFor adapterFor, QObject* parent = nullptr);
    ~WatchlistFeed() override;  // leaves every stream (the last user leaving unsubscribes it)

    // The symbols to watch: streams of the ones new here are subscribed, of the ones gone
    // unsubscribed (their rows are forgotten).
    void setSymbols(const std::vector<session::WatchSymbol>& symbols);
    const std::set<session::WatchSymbol>& symbols() const { return m_watched; }
    const session::TickerBoard& board() const { return m_board; }

    struct VenueState {
        feed::FeedState state = feed::FeedState::Connecting;
        std::string detail;        // the connection's reason (reconnecting: why)
        std::int64_t retryInMs = 0;
        std::string error;         // the last error: no adapter, a refused stream
    };
    // Per venue of the watched symbols.
    const std::map<std::string, VenueState>& venueStates() const { return m_states; }
    // Tickers applied since the start (tests, the benchmark).
    std::uint64_t tickersApplied() const { return m_applied; }
    std::uint64_t wakeUps() const;

signals:
    // Once per drain: these symbols' rows changed (price, volume or a new sparkline point).
    void tickersChanged(const std::vector<cpc::session::WatchSymbol>& symbols);
    void venueStateChanged();

private:
    struct Port;
    struct Venue {
        std::shared_ptr<const exchange::ExchangeAdapter> adapter;
        std::shared_ptr<session::StreamSession> streams;
        std::shared_ptr<Port> listener;
    };
    static exchange::StreamSpec specOf(const session::WatchSymbol& symbol);
    Venue* venue(const std::string& name);
    void onEvent(const std::string& venue, feed::FeedEvent&& event, std::vector<session::WatchSymbol>& changed);
    void onLink(const std::string& venue, const feed::StreamLink& link);

    session::MarketSession& m_market;
    AdapterFor m_adapterFor;
    MarketBridge* m_bridge = nullptr;  // child
    std::map<std::string, Venue> m_venues;
    std::set<session::WatchSymbol> m_watched;
    std::map<std::string, VenueState> m_states;
    session::TickerBoard m_board;
    std::vector<session::WatchSymbol> m_changed;  // during a drain
    std::uint64_t m_applied = 0;
};

}  // namespace cpc::app
