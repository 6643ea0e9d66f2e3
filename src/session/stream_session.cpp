#include "cpc/session/stream_session.hpp"

#include "coroutine_tracker.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <exception>
#include <future>
#include <mutex>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cpc/core/ascii.hpp"
#include "cpc/core/time.hpp"
#include "cpc/feed/order_book.hpp"
#include "cpc/net/backoff.hpp"
#include "cpc/net/http_client.hpp"
#include "cpc/net/ws_client.hpp"
#include "cpc/net/tls.hpp"

namespace cpc::session {

using feed::LocalOrderBook;

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct StreamSession::Impl : std::enable_shared_from_this<StreamSession::Impl> {
    Impl(net::IoThread& ioThread, std::shared_ptr<const exchange::ExchangeAdapter> venue,
         StreamSessionConfig sessionConfig, FeedSink& target)
        : io(ioThread), adapter(std::move(venue)), config(std::move(sessionConfig)), sink(target) {
        if (!config.connectionBudget)
            config.connectionBudget = std::make_shared<net::ConnectionBudget>(net::ConnectionBudget::kVenueAttempts,
                                                                              net::ConnectionBudget::kVenueWindow);
        rest = config.rest;
        if (!rest)
            rest = std::make_shared<VenueRest>(io.context(), adapter,
                                               VenueRestConfig{config.tls, config.requestTimeout, config.restGate, 0,
                                                               config.restSafetyShare, config.tap});
    }

    net::IoThread& io;
    std::shared_ptr<const exchange::ExchangeAdapter> adapter;
    StreamSessionConfig config;
    FeedSink& sink;

    struct Book {
        explicit Book(const std::string& symbol) : book(symbol) {}
        LocalOrderBook book;
        std::string name;  // the diff depth stream whose users get its views
        bool fetching = false;
        std::uint64_t token = 0;  // invalidates snapshot fetches of an earlier connection
        std::vector<exchange::PriceLevel> lastBids, lastAsks;
    };
    // The position of a stream's newest event: an id (trade, aggregate, diff depth final update,
    // bookTicker update, partial depth), an event time (tickers) or, for klines, open time + event
    // time + final.
    struct Mark {
        std::int64_t a = 0;
        std::int64_t b = 0;
        bool kline = false;
        bool final = false;
    };
    struct Keyed {
        std::string key;
        Mark mark;
        bool ordered = false;  // trade, aggTrade, kline, diff depth: the rotation waits for these
    };
    struct Pending {
        std::string method;
        std::vector<std::string> names;
    };
    // One WebSocket connection of the session: at most streamLimit() streams, its own control
    // queue (the venue's message rate is per connection), its own reconnect loop.
    struct Conn {
        Conn(int i, const StreamSessionConfig& config) : index(i), restartBackoff(config.backoffBase, config.backoffMax) {}
        int index;
        net::Backoff restartBackoff;  // restarts of its run loop after an internal error
        // Its run loops alive (one at most). A loop that ended for good (the venue refused the
        // URL's stream set, TLS cannot work) is started again when the set changes.
        int runs = 0;
        // The venue's endpoint of this connection's streams (adapter->streamUrl({stream})): streams
        // with different endpoints (OKX: candles on /business, the rest on /public) never share a
        // connection. Empty until the first stream is placed.
        std::string group;
        std::chrono::milliseconds heartbeat{0};         // client pings of the current connect
        std::chrono::milliseconds heartbeatTimeout{0};
        std::shared_ptr<net::WsClient> ws;
        bool live = false;     // ws is connected and reading
        bool closing = false;  // no longer part of the session (emptied, start(), stop())
        std::shared_ptr<asio::steady_timer> watchdogTimer;
        std::vector<exchange::StreamSpec> desired;  // this connection's stream set
        std::set<std::string> names;
        std::deque<std::string> controlQueue;
        bool draining = false;
        Clock::time_point lastControl{};
        std::map<std::int64_t, Pending> pendingIds;
        // De-duplication: the newest event delivered per stream (kept across a rotation, cleared
        // by a fresh connect — a stream never replays).
        std::map<std::string, Mark> marks;
        // The current connect's coroutines (pumps, watchdog, heartbeats, rotation) run in its scope,
        // a child of the session's: the connect ending cancels it (and sets it to null), so an
        // earlier connect's coroutines stop; `connect == theirs` says they are still current.
        std::shared_ptr<CancelScope> connect;
        std::shared_ptr<asio::steady_timer> endSignal;  // woken when the primary socket ends
        bool ended = false;
        bool stale = false;
        std::string endReason;
        Clock::time_point lastFrame{};
        // Rotation (make-before-break): the new connection, read into a buffer until the switch.
        Clock::time_point rotateDueAt = Clock::time_point::max();
        bool rotating = false;
        std::shared_ptr<net::WsClient> candidate;
        bool candidateConnected = false;
        std::vector<exchange::StreamSpec> candidateSpecs;  // its URL's streams
        std::deque<std::string> candidateFrames;
        std::map<std::string, Mark> candidateFirst;  // its first event per ordered stream
        Clock::time_point switchDeadline{};
        // The WireTap's ids of `ws` and `candidate` (config.tap set).
        std::uint32_t wsTap = 0;
        std::uint32_t candidateTap = 0;
    };

    // --- network thread only ---
    std::shared_ptr<asio::ssl::context> tls;
    std::string tlsError;
    std::vector<std::shared_ptr<Conn>> conns;  // conns[0] always exists after start()
    int nextConnIndex = 0;
    bool started = false;
    bool userDriven = false;  // started by its first listener, not by start(): closes when unused
    std::uint64_t unusedSince = 0;  // bumped when the last user leaves; a later user cancels the close
    // Every sleep and REST request of the session's connections runs in `scope`: start(), the
    // close of an unused session and stop() cancel it (and make a new one).
    using Scope = std::shared_ptr<CancelScope>;
    Scope scope = std::make_shared<CancelScope>(io.context());
    bool stopping = false;
    std::set<std::string> desiredNames;         // union of every connection's set
    std::map<std::string, exchange::StreamSpec> knownSpecs;  // every stream named this session
    std::map<std::string, Book> books;          // by upper-case symbol (diff depth subscribed)
    // The users of each desired venue stream: (listener, spec) pairs, the one place subscriptions
    // are counted. A listener is a shared user (StreamSession::subscribe with a listener); null is
    // the session's own sink. A venue stream may be asked for under several specs (a Bybit
    // bookTicker and a one-level partial depth are both orderbook.1). The first user subscribes the
    // stream, the last one leaving unsubscribes it. From the specs come the partial-depth books
    // whose events are posted: (upper-case symbol, depthLevels) of each PartialDepth stream. A depth
    // event of another book (Bybit's orderbook.1 of a bookTicker subscription) is not posted.
    struct User {
        std::shared_ptr<FeedSink> listener;
        exchange::StreamSpec spec;
        bool operator==(const User&) const = default;
    };
    std::map<std::string, std::vector<User>> usersByName;
    std::set<std::pair<std::string, int>> partialWanted;
    // Partial-depth books whose topic sends deltas after its snapshot (Bybit orderbook.50): kept
    // per (symbol, depthLevels) so each delta can be posted as the topic's whole top N.
    std::map<std::pair<std::string, int>, LocalOrderBook> partialBooks;
    std::int64_t nextId = 1;
    // A replayed session's depth snapshot requests (the ones fetchSnapshot would send), in order:
    // each recorded depth answer goes to the first one asking for its target.
    struct SnapshotWanted {
        std::string symbol;
        std::uint64_t token = 0;
        int attempt = 0;
    };
    std::deque<SnapshotWanted> replayWanted;
    // The REST host's client (limits, clock offset), shared with every feed, session and command of
    // the process talking to it: StreamSessionConfig::rest (the MarketSession's) or one of its own.
    std::shared_ptr<VenueRest> rest;

    // --- any thread ---
    mutable std::mutex statsMutex;
    StreamSessionStats statsValue;  // guarded by statsMutex
    detail::CoroutineTracker coroutines;  // stop() waits for these

    using ActiveGuard = detail::CoroutineTracker::Guard;
    using ConnPtr = std::shared_ptr<Conn>;

    bool alive(const Scope& sc) const { return !stopping && !sc->cancelled(); }
    bool alive(const Scope& sc, const Conn& c) const { return alive(sc) && !c.closing; }
    void renewScope() {
        scope->cancel();
        scope = std::make_shared<CancelScope>(io.context());
    }

    SeriesKey sessionKey() const { return SeriesKey{adapter->name(), "", Interval::M1}; }

    std::size_t streamLimit() const {
        const int limit = config.maxStreamsPerConnection > 0 ? config.maxStreamsPerConnection
                                                             : adapter->maxStreamsPerConnection();
        return static_cast<std::size_t>(std::max(1, limit));
    }

    void publish(FeedState state, std::string detail, std::int64_t retryInMs = 0) {
        sink.post(FeedStatus{sessionKey(), state, std::move(detail), retryInMs, nowMs()});
    }
    // The connection's state: the session's sink gets it as a FeedStatus, the listeners whose
    // streams it carries as a StreamLink (fresh: a Live on a new connection).
    void publish(const Conn& c, FeedState state, std::string detail, std::int64_t retryInMs = 0, bool fresh = false,
                 bool final = false) {
        notifyLink(c, StreamLink{state, detail, retryInMs, fresh, final, c.index});
        if (c.index > 0) detail = "connection " + std::to_string(c.index + 1) + ": " + detail;
        publish(state, std::move(detail), retryInMs);
    }

    // --- users: who receives what ---

    // The distinct receivers of a venue stream's events (listeners; the session's own sink for
    // its own subscriptions). A frame naming no stream goes to every receiver of the connection.
    std::vector<FeedSink*> receiversOf(const std::string& name, const Conn* c) const {
        std::vector<FeedSink*> out;
        const auto addUsers = [&](const std::string& n) {
            const auto it = usersByName.find(n);
            if (it == usersByName.end()) return;
            for (const User& u : it->second) {
                FeedSink* r = u.listener ? u.listener.get() : &sink;
                if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
            }
        };
        if (!name.empty()) addUsers(name);
        else if (c)
            for (const auto& n : c->names) addUsers(n);
        if (out.empty() && name.empty()) out.push_back(&sink);
        return out;
    }

    void deliver(const std::string& name, const Conn* c, FeedEvent event) {
        if (!name.empty()) {  // the common case, one user of the stream: no list to build
            const auto it = usersByName.find(name);
            if (it != usersByName.end() && it->second.size() == 1) {
                const User& u = it->second.front();
                (u.listener ? u.listener.get() : &sink)->post(std::move(event));
                return;
            }
        }
        const std::vector<FeedSink*> receivers = receiversOf(name, c);
        for (std::size_t i = 0; i + 1 < receivers.size(); ++i) receivers[i]->post(event);
        if (!receivers.empty()) receivers.back()->post(std::move(event));
    }

    std::vector<std::shared_ptr<FeedSink>> listenersOf(const std::vector<std::string>& names) const {
        std::vector<std::shared_ptr<FeedSink>> out;
        for (const auto& n : names) {
            const auto it = usersByName.find(n);
            if (it == usersByName.end()) continue;
            for (const User& u : it->second)
                if (u.listener && std::find(out.begin(), out.end(), u.listener) == out.end()) out.push_back(u.listener);
        }
        return out;
    }

    void notifyLink(const Conn& c, const StreamLink& link) {
        for (const auto& l : listenersOf(std::vector<std::string>(c.names.begin(), c.names.end()))) l->onLink(link);
    }

    std::size_t usersOf(const std::string& name) const {
        const auto it = usersByName.find(name);
        return it == usersByName.end() ? 0 : it->second.size();
    }

    // Longest silence a healthy connection carrying `c`'s streams may have (see
    // StreamSessionConfig::watchdog).
    milliseconds idleLimit(const Conn& c) const {
        milliseconds idle = config.watchdog;
        if (idle.count() <= 0) {
            // Spot streams: at most 60 s (a kline stream's own limit when shorter).
            constexpr milliseconds kSpotCap = std::chrono::seconds(60);
            std::optional<milliseconds> shortest;
            for (const auto& spec : c.desired) {
                milliseconds t = std::chrono::seconds(30);
                if (spec.kind == exchange::StreamKind::Kline) t = adapter->streamIdleTimeout(spec.interval);
                if (spec.kind == exchange::StreamKind::Trade || spec.kind == exchange::StreamKind::AggTrade)
                    t = std::chrono::seconds(60);
                t = std::min(t, kSpotCap);
                // Perpetuals: OKX pushes funding every 30-90 s and open interest only on change; a
                // symbol may have no liquidation for hours (Binance's @forceOrder is silent then,
                // its pings keep the connection).
                if (spec.kind == exchange::StreamKind::Funding || spec.kind == exchange::StreamKind::OpenInterest)
                    t = std::chrono::seconds(120);
                if (spec.kind == exchange::StreamKind::Liquidation) t = std::chrono::hours(1);
                shortest = shortest ? std::min(*shortest, t) : t;
            }
            idle = shortest.value_or(kSpotCap);
        }
        if (c.heartbeat.count() > 0) idle = std::min(idle, c.heartbeat + c.heartbeatTimeout);
        return idle;
    }

    void noteError(const std::string& message) {
        std::lock_guard lock(statsMutex);
        statsValue.lastError = message;
    }

    void ensureTls() { detail::ensureTlsContext(config.tls, tls, tlsError); }

    // An exception escaping a coroutine is a failure of the session, not a line on stderr: it is
    // counted and shown (Failed, with its reason), and every connection ends and reconnects with
    // back-off (their run loops are the supervisors; a run loop that failed is restarted).
    void spawn(awaitable<void> coroutine) {
        std::weak_ptr<Impl> weak = weak_from_this();
        detail::spawnSupervised(io.context(), std::move(coroutine), [weak](const std::string& what) {
            if (auto self = weak.lock()) self->internalError(what, nullptr);
        });
    }

    void spawnRun(Scope sc, const ConnPtr& conn) {
        if (config.replay) return;  // a replayed session's connections are the record's
        ++conn->runs;
        std::weak_ptr<Impl> weak = weak_from_this();
        detail::spawnSupervised(io.context(), run(sc, conn), [weak, sc, conn](const std::string& what) {
            if (auto self = weak.lock()) self->internalError(what, conn, sc);
        });
    }

    void internalError(const std::string& what, const ConnPtr& deadRun, const Scope& sc = nullptr) {
        const std::string msg = "internal error: " + what;
        {
            std::lock_guard lock(statsMutex);
            ++statsValue.internalErrors;
            statsValue.lastError = msg;
        }
        if (stopping) return;
        for (const auto& c : conns) {
            if (c == deadRun) continue;
            publish(*c, FeedState::Failed, msg);
            if (c->ws && !c->ended) {
                endPrimary(*c, msg);
                c->ws->cancel();
            }
        }
        if (deadRun && sc && alive(sc, *deadRun)) {
            deadRun->live = false;
            if (deadRun->ws) deadRun->ws->cancel();
            endConnect(*deadRun);  // its pumps, watchdog and heartbeats end
            const auto delay = deadRun->restartBackoff.next();
            publish(*deadRun, FeedState::Failed, msg + "; restarting in " + std::to_string(delay.count()) + " ms",
                    delay.count());
            spawn(restartRun(sc, deadRun, delay));
        }
    }

    awaitable<void> restartRun(Scope sc, ConnPtr conn, milliseconds delay) {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        if (!co_await sc->sleep(delay) || !alive(sc, *conn) || conn->runs > 0) co_return;
        spawnRun(sc, conn);
    }

    // The current connect of `c` is over: its coroutines end.
    static void endConnect(Conn& c) {
        if (c.connect) c.connect->cancel();
        c.connect.reset();
    }

    static void cancelSockets(Conn& c) {
        if (c.ws) c.ws->cancel();
        if (c.candidate) c.candidate->cancel();
        if (c.watchdogTimer) c.watchdogTimer->cancel();
        if (c.endSignal) c.endSignal->cancel();
    }

    void closeConn(Conn& c) {
        c.closing = true;
        c.live = false;
        cancelSockets(c);
    }

    void cancelAll() {
        for (const auto& c : conns) cancelSockets(*c);
    }

    // --- stream set: spread over connections of at most streamLimit() streams each ---

    // Not started here: its run would pick its URL at once (the spawned coroutine runs up to its
    // first wait inline), before add() placed its streams and group — an empty set on the default
    // route (Binance USD-M's /market), where the book streams SUBSCRIBEd later are refused. add()
    // starts it with its set in the URL; start() and a first subscribe() start every connection.
    ConnPtr newConn() {
        auto c = std::make_shared<Conn>(nextConnIndex++, config);
        conns.push_back(c);
        return c;
    }

    ConnPtr connByIndex(int index) const {
        for (const auto& c : conns)
            if (c->index == index) return c;
        return nullptr;
    }

    ConnPtr connOf(const std::string& name) const {
        for (const auto& c : conns)
            if (c->names.contains(name)) return c;
        return nullptr;
    }

    void add(std::vector<exchange::StreamSpec> streams, const std::shared_ptr<FeedSink>& listener = nullptr) {
        std::map<ConnPtr, std::vector<exchange::StreamSpec>> added;
        std::set<ConnPtr> joined;  // connections already carrying a stream the listener now shares
        const std::size_t limit = streamLimit();
        for (auto& s : streams) {
            std::string name = adapter->streamName(s);
            auto& users = usersByName[name];
            if (const User user{listener, s}; std::find(users.begin(), users.end(), user) == users.end())
                users.push_back(user);
            if (desiredNames.contains(name)) {
                if (auto c = connOf(name)) joined.insert(c);
                continue;
            }
            // Venues naming the streams in the URL (Binance spot) have one endpoint for all of them;
            // Binance USD-M routes book streams to /public and the rest to /market.
            const std::string group = adapter->connectionGroup(s);
            ConnPtr target;
            for (const auto& c : conns)
                if (c->names.size() < limit && (c->group == group || (c->group.empty() && c->names.empty()))) {
                    target = c;
                    break;
                }
            if (!target) target = newConn();  // a new connection opens with this set in its URL
            target->group = group;
            desiredNames.insert(name);
            knownSpecs.insert_or_assign(name, s);
            if (s.kind == exchange::StreamKind::Depth)
                books.try_emplace(toUpperAscii(s.symbol), toUpperAscii(s.symbol)).first->second.name = name;
            target->names.insert(name);
            target->desired.push_back(s);
            added[target].push_back(std::move(s));
        }
        for (auto& [c, specs] : added) {
            if (c->live) sendControl(*c, "SUBSCRIBE", specs);
            else if (started && c->runs == 0) spawnRun(scope, c);  // a new connection, or its loop had ended
            joined.insert(c);
        }
        updateRoutes();
        updateConnected();
        // A listener whose streams flow (or are being subscribed) on a live connection hears so now;
        // on one still connecting it hears at its connect. Fresh: it did not get what came before.
        if (listener)
            for (const auto& c : joined)
                if (c->live) {
                    listener->onLink(StreamLink{FeedState::Live, "live", 0, true, false, c->index});
                    break;
                }
    }

    // partialWanted from the users' specs; partial books nobody asks for any more are dropped.
    void updateRoutes() {
        partialWanted.clear();
        for (const auto& [name, users] : usersByName) {
            if (!desiredNames.contains(name)) continue;
            for (const auto& u : users) {
                const exchange::StreamSpec& s = u.spec;
                if (s.kind != exchange::StreamKind::PartialDepth) continue;
                if (const auto levels = adapter->depthLevelsOf(s); levels && *levels != exchange::kDiffDepthBook)
                    partialWanted.emplace(toUpperAscii(s.symbol), *levels);
            }
        }
        std::erase_if(partialBooks, [&](const auto& entry) { return !partialWanted.contains(entry.first); });
    }

    void remove(const std::vector<exchange::StreamSpec>& streams, const std::shared_ptr<FeedSink>& listener = nullptr) {
        std::map<ConnPtr, std::vector<exchange::StreamSpec>> removed;
        for (const auto& s : streams) {
            const std::string name = adapter->streamName(s);
            if (auto it = usersByName.find(name); it != usersByName.end()) {
                std::erase(it->second, User{listener, s});
                // Another user still wants the venue's stream (another chart, or Bybit's
                // orderbook.1 that is both a bookTicker and a one-level partial depth): only the
                // routes change.
                if (!it->second.empty()) continue;
                usersByName.erase(it);
            } else {
                continue;  // nobody asked for it
            }
            if (!desiredNames.erase(name)) continue;
            for (const auto& c : conns) {
                if (!c->names.erase(name)) continue;
                std::erase_if(c->desired, [&](const exchange::StreamSpec& d) { return adapter->streamName(d) == name; });
                removed[c].push_back(s);
                break;
            }
            if (s.kind == exchange::StreamKind::Depth) books.erase(toUpperAscii(s.symbol));
        }
        for (auto& [c, specs] : removed) {
            if (c->names.empty() && c != conns.front()) {
                closeConn(*c);  // an emptied extra connection is closed, not kept idle
                std::erase(conns, c);
            } else if (c->live) {
                sendControl(*c, "UNSUBSCRIBE", specs);
            } else if (started && c->runs == 0 && !c->names.empty()) {
                spawnRun(scope, c);  // its loop ended on a refused set: the rest may connect now
            }
        }
        updateRoutes();
        updateConnected();
        if (userDriven && usersByName.empty() && !conns.empty()) spawn(closeWhenUnused(scope, ++unusedSince));
    }

    // The last user left: after a grace period with still nobody, the connections close.
    awaitable<void> closeWhenUnused(Scope sc, std::uint64_t mark) {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        if (!co_await sc->sleep(config.closeWhenUnusedAfter) || !alive(sc) || mark != unusedSince ||
            !usersByName.empty())
            co_return;
        for (const auto& c : conns) closeConn(*c);
        conns.clear();
        renewScope();  // their run loops end
        updateConnected();
    }

    // --- control messages: per connection, a queue drained at most one per controlInterval ---

    void sendControl(Conn& c, const std::string& method, const std::vector<exchange::StreamSpec>& streams) {
        // At most maxStreamsPerSubscribe() streams a message (Bybit spot: 10; KuCoin: one topic).
        const std::size_t per = static_cast<std::size_t>(std::max(1, adapter->maxStreamsPerSubscribe()));
        if (streams.size() > per) {
            for (std::size_t i = 0; i < streams.size(); i += per)
                sendControl(c, method,
                            std::vector<exchange::StreamSpec>(streams.begin() + static_cast<std::ptrdiff_t>(i),
                                                              streams.begin() + static_cast<std::ptrdiff_t>(
                                                                                    std::min(streams.size(), i + per))));
            return;
        }
        const std::int64_t id = nextId++;
        std::string message = method == "SUBSCRIBE" ? adapter->subscribeMessage(streams, id)
                                                    : adapter->unsubscribeMessage(streams, id);
        if (message.empty() && streams.size() > 1) {  // the venue cannot combine these: one by one
            for (const auto& one : streams) sendControl(c, method, {one});
            return;
        }
        if (message.empty()) return;
        Pending p{method, {}};
        for (const auto& s : streams) p.names.push_back(adapter->streamName(s));
        c.pendingIds[id] = std::move(p);
        c.controlQueue.push_back(std::move(message));
        kickDrain(c);
    }

    // Asks the venue which streams this connection really carries (answered in onReply).
    void sendList(Conn& c) {
        const std::int64_t id = nextId++;
        std::string message = adapter->listSubscriptionsMessage(id);
        if (message.empty()) return;  // the venue has no such request (Bybit, OKX, KuCoin)
        c.pendingIds[id] = Pending{"LIST_SUBSCRIPTIONS", {}};
        c.controlQueue.push_back(std::move(message));
        kickDrain(c);
    }

    // Names in control requests not answered yet: the venue's list cannot show them yet.
    static std::set<std::string> namesInFlight(const Conn& c) {
        std::set<std::string> out;
        for (const auto& [id, p] : c.pendingIds) out.insert(p.names.begin(), p.names.end());
        return out;
    }

    // The venue's list against the connection's set: subscribe what it lacks, unsubscribe what
    // it has extra.
    void reconcile(Conn& c, const std::vector<std::string>& venueNames) {
        const std::set<std::string> venue(venueNames.begin(), venueNames.end());
        const std::set<std::string> inFlight = namesInFlight(c);
        std::vector<exchange::StreamSpec> missing, extra;
        for (const auto& s : c.desired) {
            const std::string name = adapter->streamName(s);
            if (!venue.contains(name) && !inFlight.contains(name)) missing.push_back(s);
        }
        std::string unknown;
        for (const auto& name : venue) {
            if (c.names.contains(name) || inFlight.contains(name)) continue;
            if (auto it = knownSpecs.find(name); it != knownSpecs.end()) extra.push_back(it->second);
            else unknown += (unknown.empty() ? "" : ",") + name;
        }
        if (missing.empty() && extra.empty() && unknown.empty()) return;
        std::string msg = "the venue's subscriptions differed from the session's:";
        for (const auto& s : missing) msg += " +" + adapter->streamName(s);
        for (const auto& s : extra) msg += " -" + adapter->streamName(s);
        if (!unknown.empty()) msg += " (unknown streams left alone: " + unknown + ")";
        {
            std::lock_guard lock(statsMutex);
            statsValue.subscriptionsRepaired += missing.size() + extra.size();
            statsValue.lastError = msg;
        }
        std::fprintf(stderr, "cpc stream session: %s\n", msg.c_str());
        if (!missing.empty()) sendControl(c, "SUBSCRIBE", missing);
        if (!extra.empty()) sendControl(c, "UNSUBSCRIBE", extra);
    }

    // A SUBSCRIBE the venue refused: its streams are not carried, so they leave the set (Binance
    // refuses the whole request, e.g. for one invalid stream name or past the stream limit).
    void dropRejected(Conn& c, const std::vector<std::string>& names) {
        for (const auto& name : names) {
            if (!c.names.erase(name)) continue;
            desiredNames.erase(name);
            usersByName.erase(name);
            const auto it = std::find_if(c.desired.begin(), c.desired.end(),
                                         [&](const exchange::StreamSpec& d) { return adapter->streamName(d) == name; });
            if (it == c.desired.end()) continue;
            if (it->kind == exchange::StreamKind::Depth) books.erase(toUpperAscii(it->symbol));
            c.desired.erase(it);
        }
        updateRoutes();
    }

    void kickDrain(Conn& c) {
        if (config.replay) {  // nothing goes out: the venue's answers are in the record
            c.controlQueue.clear();
            return;
        }
        if (c.draining || !c.live || c.controlQueue.empty() || stopping) return;
        c.draining = true;
        spawn(drainControl(connPtr(c)));
    }

    ConnPtr connPtr(const Conn& c) const {
        for (const auto& p : conns)
            if (p.get() == &c) return p;
        return nullptr;
    }

    awaitable<void> drainControl(ConnPtr conn) {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        if (!conn) co_return;
        const Scope sc = scope;  // held: start() or stop() may replace the session's scope meanwhile
        Conn& c = *conn;
        while (!stopping && c.live && !c.closing && !c.controlQueue.empty()) {
            const auto due = c.lastControl + config.controlInterval;
            const auto now = Clock::now();
            if (now < due) {
                const auto wait = std::chrono::duration_cast<milliseconds>(due - now) + milliseconds(1);
                if (!co_await sc->sleep(wait)) break;
                continue;
            }
            auto socket = c.ws;
            std::string message = std::move(c.controlQueue.front());
            c.controlQueue.pop_front();
            c.lastControl = Clock::now();
            auto sent = co_await socket->send(std::move(message));
            c.lastControl = Clock::now();
            {
                std::lock_guard lock(statsMutex);
                ++statsValue.controlMessagesSent;
                if (!sent) statsValue.lastError = "control message: " + sent.error().message;
            }
            if (!sent) break;  // the connection ends; the reconnect opens with the current set
        }
        c.draining = false;
    }

    void onReply(Conn& c, const exchange::ControlReply& reply) {
        std::int64_t id = 0;
        try {
            id = std::stoll(reply.id);
        } catch (const std::exception&) {
        }
        Pending request;
        if (auto it = c.pendingIds.find(id); it != c.pendingIds.end()) {
            request = std::move(it->second);
            c.pendingIds.erase(it);
        }
        {
            std::lock_guard lock(statsMutex);
            ++statsValue.controlReplies;
        }
        if (reply.errorCode == 0) {
            if (request.method == "LIST_SUBSCRIPTIONS") reconcile(c, reply.streams);
            return;
        }
        // The users of a refused SUBSCRIBE are told, then the streams leave the set.
        const auto refusedUsers = request.method == "SUBSCRIBE" ? listenersOf(request.names)
                                                                : std::vector<std::shared_ptr<FeedSink>>{};
        if (request.method == "SUBSCRIBE") dropRejected(c, request.names);
        std::string names;
        for (const auto& n : request.names) names += (names.empty() ? "" : ",") + n;
        const std::string msg = (request.method.empty() ? std::string("control request") : request.method) +
                                " " + names + " (id " + reply.id + ") failed: " + reply.message;
        {
            std::lock_guard lock(statsMutex);
            ++statsValue.controlErrors;
            statsValue.lastError = msg;
        }
        for (const auto& l : refusedUsers) {
            l->post(FeedError{sessionKey(), makeError(msg, reply.errorCode)});
            l->onLink(StreamLink{FeedState::Failed, msg, 0, false, true, c.index});
        }
        sink.post(FeedError{sessionKey(), makeError(msg, reply.errorCode)});
    }

    // --- order books ---

    void postView(const std::string& symbol, Book& b) {
        auto top = b.book.snapshot(config.bookLevels);
        if (top.bids == b.lastBids && top.asks == b.lastAsks) return;
        b.lastBids = top.bids;
        b.lastAsks = top.asks;
        deliver(b.name, nullptr, OrderBookView{symbol, std::move(top.bids), std::move(top.asks), b.book.lastUpdateId()});
    }

    void onDepth(const exchange::DepthUpdate& diff) {
        const std::string symbol = toUpperAscii(diff.symbol);
        auto it = books.find(symbol);
        if (it == books.end()) return;
        Book& b = it->second;
        const auto outcome = b.book.onDiff(diff);
        if (outcome == LocalOrderBook::Outcome::Applied) {
            postView(symbol, b);
        } else if (outcome == LocalOrderBook::Outcome::NeedsSnapshot ||
                   outcome == LocalOrderBook::Outcome::Buffered) {
            if (outcome == LocalOrderBook::Outcome::NeedsSnapshot) {
                std::lock_guard lock(statsMutex);
                ++statsValue.bookResyncs;
            }
            if (adapter->depthSnapshotInStream()) {
                // Bybit, OKX: the stream's own snapshot starts the book; after a gap, subscribe
                // again for a fresh one (diffs before it are buffered, then dropped as stale).
                if (outcome == LocalOrderBook::Outcome::NeedsSnapshot) resubscribe(symbol, exchange::kDiffDepthBook);
            } else if (!b.fetching) {
                b.fetching = true;
                if (config.replay) replayWanted.push_back({symbol, b.token, 0});
                else spawn(fetchSnapshot(scope, symbol, b.token));
            }
        }
    }

    // A book whose stream carries its snapshot (Bybit, OKX): one from the stream starts it.
    bool onStreamSnapshot(const exchange::DepthSnapshot& snapshot) {
        if (!adapter->depthSnapshotInStream() || snapshot.partial()) return false;
        const std::string symbol = toUpperAscii(snapshot.symbol);
        auto it = books.find(symbol);
        if (it == books.end()) return false;
        Book& b = it->second;
        b.book.reset();  // a snapshot replaces the book (also after the venue's restart)
        if (b.book.onSnapshot(snapshot) == LocalOrderBook::Outcome::Applied) postView(symbol, b);
        {
            std::lock_guard lock(statsMutex);
            ++statsValue.bookSnapshots;
        }
        return true;
    }

    // A push of a partial-depth topic (depthLevels N > 0): posted when a PartialDepth stream of
    // that N is subscribed. On a venue whose topics start with a snapshot it also (re)starts the
    // topic's own book, for the deltas that may follow (Bybit orderbook.50).
    void onPartialSnapshot(exchange::DepthSnapshot snapshot, const std::string& name, const Conn& c) {
        std::pair<std::string, int> key{toUpperAscii(snapshot.symbol), snapshot.depthLevels};
        if (!partialWanted.contains(key)) return;  // e.g. Bybit's orderbook.1 of a bookTicker
        if (adapter->depthSnapshotInStream()) {
            LocalOrderBook& book = partialBooks.try_emplace(key, key.first).first->second;
            book.reset();
            book.onSnapshot(snapshot);
        }
        deliver(name, &c, std::move(snapshot));
    }

    // A delta of a partial-depth topic: applied to that topic's book only, whose top N is posted.
    // A gap re-subscribes that topic (never the diff-depth book's).
    void onPartialDiff(const exchange::DepthUpdate& diff, const std::string& name, const Conn& c) {
        const std::pair<std::string, int> key{toUpperAscii(diff.symbol), diff.depthLevels};
        auto it = partialBooks.find(key);
        if (it == partialBooks.end()) return;  // not asked for, or before the topic's snapshot
        const auto outcome = it->second.onDiff(diff);
        if (outcome == LocalOrderBook::Outcome::Applied) {
            exchange::DepthSnapshot top = it->second.snapshot(static_cast<std::size_t>(diff.depthLevels));
            top.exchange = diff.exchange;
            top.symbol = diff.symbol;
            top.depthLevels = diff.depthLevels;
            deliver(name, &c, std::move(top));
        } else if (outcome == LocalOrderBook::Outcome::NeedsSnapshot) {
            partialBooks.erase(it);  // started again by the fresh subscription's snapshot
            {
                std::lock_guard lock(statsMutex);
                ++statsValue.partialBookResyncs;
            }
            resubscribe(key.first, key.second);
        }
    }

    // Subscribes again the stream whose depth events belong to `symbol`'s book of `depthLevels`
    // (0: the Depth stream), for a fresh snapshot.
    void resubscribe(const std::string& symbol, int depthLevels) {
        for (const auto& c : conns) {
            for (const auto& s : c->desired) {
                if (toUpperAscii(s.symbol) != symbol || adapter->depthLevelsOf(s) != depthLevels) continue;
                if (!c->live) return;
                sendControl(*c, "UNSUBSCRIBE", {s});
                sendControl(*c, "SUBSCRIBE", {s});
                return;
            }
        }
    }

    // A REST request of the session through the host's client: nothing is sent before the gate
    // allows (Binance bans otherwise); a ban is waited out, and reported once.
    template <class Request>  // exchange::RestRequest (a GET) or exchange::HttpRequest
    awaitable<Result<net::HttpResponse>> restSend(const Request& request, const Scope& sc) {
        std::string banned;
        auto r = co_await rest->send(request, *sc, {.onBan = VenueRest::OnBan::WaitOut, .banned = &banned});
        if (!banned.empty()) noteError(banned);
        co_return r;
    }

    awaitable<void> fetchSnapshot(Scope sc, std::string symbol, std::uint64_t token) {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        auto current = [&]() -> Book* {
            auto it = books.find(symbol);
            return it != books.end() && it->second.token == token ? &it->second : nullptr;
        };
        for (int attempt = 0; attempt < kSnapshotAttempts && alive(sc) && current(); ++attempt) {
            if (attempt > 0 && !co_await sc->sleep(milliseconds(200 * attempt))) co_return;
            const exchange::RestRequest request = adapter->depthRequest(symbol, config.snapshotLimit);
            auto r = co_await restSend(request, sc);
            if (!alive(sc)) co_return;
            if (onSnapshotAnswer(symbol, token, r)) co_return;
        }
        if (Book* b = current()) b->fetching = false;  // the next diff asks again
    }

    static constexpr int kSnapshotAttempts = 8;

    // A depth snapshot answer for the book `token` of `symbol` (live: fetchSnapshot's; replayed:
    // the recorded one). true: done (applied, or the book is gone); false: ask again.
    bool onSnapshotAnswer(const std::string& symbol, std::uint64_t token, const Result<net::HttpResponse>& r) {
        {
            std::lock_guard lock(statsMutex);
            ++statsValue.bookSnapshots;
        }
        auto snapshot = r ? adapter->parseDepthSnapshot(r->body, r->status, symbol)
                          : Result<exchange::DepthSnapshot>(r.error());
        if (!snapshot) {
            noteError("depth snapshot: " + snapshot.error().message);
            return false;
        }
        auto it = books.find(symbol);
        if (it == books.end() || it->second.token != token) return true;
        Book& b = it->second;
        if (b.book.onSnapshot(*snapshot) != LocalOrderBook::Outcome::Applied) return false;
        b.fetching = false;
        postView(symbol, b);
        return true;
    }

    // --- clock ---

    awaitable<void> syncClock(Scope sc) {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        // Rate-limited: the offset can wait.
        auto offset = co_await rest->syncClock(*sc, {.skipWhenLimited = true});
        if (!offset && alive(sc) && offset.error().code != 429) noteError("server time: " + offset.error().message);
    }

    // --- de-duplication (a rotation's overlap delivers some events twice) ---

    static std::optional<Keyed> keyOf(const exchange::StreamEvent& e) {
        if (const auto* k = std::get_if<exchange::KlineUpdate>(&e))
            return Keyed{"k|" + k->key.symbol + "|" + std::to_string(static_cast<int>(k->key.interval)),
                         Mark{k->candle.openTime, k->eventTimeMs, true, k->candle.closed}, true};
        // A trade without a numeric id (Bybit linear's ids are UUIDs) cannot be ordered: delivered.
        if (const auto* t = std::get_if<exchange::TradeTick>(&e); t && t->tradeId != 0)
            return Keyed{(t->aggregate ? "a|" : "t|") + t->symbol, Mark{t->tradeId, 0, false, false}, true};
        // Each book of a symbol (depthLevels: the diff-depth book, each partial topic) has its own ids.
        if (const auto* d = std::get_if<exchange::DepthUpdate>(&e))
            return Keyed{"d|" + d->symbol + "|" + std::to_string(d->depthLevels), Mark{d->finalUpdateId, 0, false, false},
                         true};
        if (const auto* p = std::get_if<exchange::DepthSnapshot>(&e); p && p->lastUpdateId > 0)
            return Keyed{"p|" + p->symbol + "|" + std::to_string(p->depthLevels), Mark{p->lastUpdateId, 0, false, false},
                         false};
        if (const auto* b = std::get_if<exchange::BookTicker>(&e); b && b->updateId > 0)
            return Keyed{"b|" + b->symbol, Mark{b->updateId, 0, false, false}, false};
        if (const auto* tk = std::get_if<exchange::Ticker24h>(&e); tk && tk->eventTimeMs > 0)
            return Keyed{(tk->mini ? "m|" : "T|") + tk->symbol, Mark{tk->eventTimeMs, 0, false, false}, false};
        // Perpetual state (snapshots in time): the newest wins, an older push of an overlap is dropped.
        // Per the fields a push carries: OKX's index price comes from its own channel (index-tickers)
        // at its own times, so the mark and the index are ordered each apart.
        if (const auto* m = std::get_if<exchange::MarkPriceUpdate>(&e); m && m->eventTimeMs > 0)
            return Keyed{"mp|" + m->symbol + (m->markPrice ? "|m" : "") + (m->indexPrice ? "|i" : ""),
                         Mark{m->eventTimeMs, 0, false, false}, false};
        if (const auto* f = std::get_if<exchange::FundingUpdate>(&e); f && f->eventTimeMs > 0)
            return Keyed{"fr|" + f->symbol, Mark{f->eventTimeMs, 0, false, false}, false};
        if (const auto* o = std::get_if<exchange::OpenInterestUpdate>(&e); o && o->timeMs > 0)
            return Keyed{"oi|" + o->symbol, Mark{o->timeMs, 0, false, false}, false};
        return std::nullopt;
    }

    // Is `m` already covered by `have` (delivered or older)?
    static bool covered(const Mark& m, const Mark& have) {
        if (!m.kline) return m.a <= have.a;
        if (m.a != have.a) return m.a < have.a;
        if (have.final) return true;   // the final version was delivered
        if (m.final) return false;     // the final version replaces any provisional one
        return m.b <= have.b;          // provisional versions in event-time order
    }

    // Records the event as delivered; false when it was delivered already.
    bool firstTime(Conn& c, const exchange::StreamEvent& e) {
        auto keyed = keyOf(e);
        if (!keyed) return true;
        auto [it, inserted] = c.marks.try_emplace(keyed->key, keyed->mark);
        if (inserted) return true;
        if (covered(keyed->mark, it->second)) {
            std::lock_guard lock(statsMutex);
            ++statsValue.duplicatesDropped;
            return false;
        }
        it->second = keyed->mark;
        return true;
    }

    // --- connection ---

    // stats.connected: every connection of the session is connected and reading.
    void updateConnected() {
        std::size_t liveCount = 0;
        for (const auto& c : conns) liveCount += c->live ? 1 : 0;
        std::lock_guard lock(statsMutex);
        statsValue.connected = !conns.empty() && liveCount == conns.size();
        statsValue.connections = conns.size();
    }

    // Returns true when the venue announced a shutdown.
    // The frame's stream name and events; a codec that throws (a field of an unexpected type)
    // rejects the frame like any other malformed one: the frames around it are still delivered.
    std::pair<std::string, Result<std::vector<exchange::StreamEvent>>> parseFrame(const std::string& frame) const {
        try {
            std::string name = adapter->streamNameOfFrame(frame);
            return {std::move(name), adapter->parseStreamMessage(frame)};
        } catch (const std::exception& e) {
            return {std::string(), makeError(std::string("malformed frame: ") + e.what())};
        }
    }

    bool handleFrame(Conn& c, const std::string& frame) {
        auto [name, events] = parseFrame(frame);
        {
            std::lock_guard lock(statsMutex);
            ++statsValue.framesReceived;
            statsValue.lastMessageAtMs = nowMs();
            if (!events) {
                ++statsValue.framesRejected;
                statsValue.lastError = "rejected frame: " + events.error().message;
            } else if (!name.empty()) {
                auto& counters = statsValue.perStream[name];
                ++counters.messages;
                counters.bytes += frame.size();
            }
        }
        if (!events) return false;
        // A frame of a stream just unsubscribed (in flight before the reply): not delivered. The
        // venue's own events ("!serverShutdown") are not subscribed streams.
        const bool subscribed = name.empty() || c.names.contains(name);
        bool shutdown = false;
        for (auto& e : *events) {
            if (std::holds_alternative<exchange::ServerShutdown>(e)) {
                shutdown = true;
                continue;
            }
            if (auto* k = std::get_if<exchange::KlineUpdate>(&e); k && k->eventTimeMs == 0) {
                // OKX candle pushes carry no event time: the receipt time on the exchange clock
                // orders them for the de-duplication and the rotation overlap.
                k->eventTimeMs = rest->venueNowMs();
            }
            if (!subscribed || !firstTime(c, e)) continue;
            if (auto* k = std::get_if<exchange::KlineUpdate>(&e)) {
                if (k->key.exchange.empty()) k->key.exchange = adapter->name();
                deliver(name, &c, std::move(*k));
            } else if (auto* t = std::get_if<exchange::TradeTick>(&e)) {
                deliver(name, &c, std::move(*t));
            } else if (auto* d = std::get_if<exchange::DepthUpdate>(&e)) {
                // Routed by the book the event belongs to: only the diff-depth book's own events
                // reach the synced LocalOrderBook.
                if (d->depthLevels == exchange::kDiffDepthBook) onDepth(*d);
                else onPartialDiff(*d, name, c);
            } else if (auto* s = std::get_if<exchange::DepthSnapshot>(&e)) {
                if (s->partial()) onPartialSnapshot(std::move(*s), name, c);
                else if (!onStreamSnapshot(*s)) deliver(name, &c, std::move(*s));
            } else if (auto* b = std::get_if<exchange::BookTicker>(&e)) {
                deliver(name, &c, std::move(*b));
            } else if (auto* tk = std::get_if<exchange::Ticker24h>(&e)) {
                deliver(name, &c, std::move(*tk));
            } else if (auto* m = std::get_if<exchange::MarkPriceUpdate>(&e)) {
                deliver(name, &c, std::move(*m));
            } else if (auto* f = std::get_if<exchange::FundingUpdate>(&e)) {
                deliver(name, &c, std::move(*f));
            } else if (auto* o = std::get_if<exchange::OpenInterestUpdate>(&e)) {
                deliver(name, &c, std::move(*o));
            } else if (auto* l = std::get_if<exchange::Liquidation>(&e)) {
                deliver(name, &c, std::move(*l));
            } else if (const auto* r = std::get_if<exchange::ControlReply>(&e)) {
                onReply(c, *r);
            } else if (std::holds_alternative<exchange::ServerShutdown>(e)) {
                shutdown = true;
            }
        }
        return shutdown;
    }

    // After a connect (fresh) or a rotation's switch: the URL carried `initial`; streams changed
    // meanwhile are (un)subscribed now, then LIST_SUBSCRIPTIONS checks what the venue carries.
    void afterConnect(Conn& c, const std::vector<exchange::StreamSpec>& initial, bool fresh) {
        c.live = true;
        c.controlQueue.clear();
        c.pendingIds.clear();
        c.lastControl = Clock::now() - config.controlInterval;
        c.lastFrame = Clock::now();
        // rotateAfter 0: only the venue's serverShutdown rotates.
        c.rotateDueAt = config.rotateAfter.count() > 0 ? Clock::now() + config.rotateAfter : Clock::time_point::max();
        updateConnected();
        if (fresh) {
            c.marks.clear();
            for (const auto& s : c.desired) {  // the stream does not replay: sync afresh
                if (const auto levels = adapter->depthLevelsOf(s); levels && *levels != exchange::kDiffDepthBook)
                    partialBooks.erase(std::pair<std::string, int>{toUpperAscii(s.symbol), *levels});  // its topic starts with a snapshot
                if (s.kind != exchange::StreamKind::Depth) continue;
                auto it = books.find(toUpperAscii(s.symbol));
                if (it == books.end()) continue;
                Book& b = it->second;
                b.book.reset();
                ++b.token;
                b.fetching = false;
                b.lastBids.clear();
                b.lastAsks.clear();
            }
        }
        std::set<std::string> initialNames;
        for (const auto& s : initial) initialNames.insert(adapter->streamName(s));
        std::vector<exchange::StreamSpec> toAdd, toRemove;
        for (const auto& s : c.desired)
            if (!initialNames.contains(adapter->streamName(s))) toAdd.push_back(s);
        for (const auto& s : initial)
            if (!c.names.contains(adapter->streamName(s))) toRemove.push_back(s);
        if (!toAdd.empty()) sendControl(c, "SUBSCRIBE", toAdd);
        if (!toRemove.empty()) sendControl(c, "UNSUBSCRIBE", toRemove);
        sendList(c);  // what does the venue really carry? (answered after the above)
    }

    // --- connecting the venue's way ---

    // The URL to connect `c` to: streamUrl() of its streams, or, when the venue hands URLs out per
    // connection (KuCoin's token), the answer to streamConnectRequest(). Sets the connection's
    // client heartbeat period (config override, the venue's answer, or the adapter's).
    awaitable<Result<std::string>> connectUrl(Scope sc, Conn& c, const std::vector<exchange::StreamSpec>& specs) {
        std::string url = specs.empty() && !c.group.empty() ? c.group : adapter->streamUrl(specs);
        // (Binance: the streams in the URL; the others: the group's endpoint.)
        c.heartbeat = adapter->heartbeatInterval();
        c.heartbeatTimeout = std::chrono::milliseconds(0);
        if (const auto request = adapter->streamConnectRequest()) {
            auto r = co_await restSend(*request, sc);
            if (!alive(sc, c)) co_return makeError("cancelled");
            if (!r) co_return r.error();
            const std::string connectId = "cpcs" + std::to_string(nextId++) + "x" + std::to_string(nowMs());
            auto info = adapter->parseStreamConnect(r->body, r->status, connectId);
            if (!info) co_return info.error();
            // An empty URL: the request taught the codec something (OKX swaps: the contract
            // values), the stream URL stays streamUrl()'s.
            if (!info->url.empty()) url = info->url;
            c.heartbeat = info->heartbeatInterval;
            c.heartbeatTimeout = info->heartbeatTimeout;
        }
        if (config.heartbeatOverride.count() > 0) {
            c.heartbeat = config.heartbeatOverride;
            c.heartbeatTimeout = std::chrono::milliseconds(0);
        }
        if (!adapter->heartbeatMessage(0)) c.heartbeat = std::chrono::milliseconds(0);
        if (c.heartbeatTimeout.count() <= 0) c.heartbeatTimeout = c.heartbeat;
        co_return url;
    }

    // One socket for `c` carrying `specs`, opened the venue's way: its URL (connectUrl), a slot of
    // the connection budget (waited for), the WebSocket handshake. The socket is `c.ws` (a
    // connect or reconnect, announced as Connecting / Reconnecting) or, for a rotation,
    // `c.candidate` (nothing announced: the connection stays live meanwhile).
    struct Dial {
        enum Stage { Opened, UrlFailed, BadUrl, HandshakeFailed, Cancelled } stage = Opened;
        std::shared_ptr<net::WsClient> socket;
        Error error;
    };
    awaitable<Dial> dial(Scope sc, ConnPtr conn, std::vector<exchange::StreamSpec> specs, bool rotation,
                         bool firstAttempt) {
        Conn& c = *conn;
        // (A rotation dials in its connect's scope: the connect ending cancels it.)
        const auto current = [&] { return alive(sc, c) && (!rotation || !c.ended); };
        Dial d;
        auto urlText = co_await connectUrl(sc, c, specs);
        if (!current()) co_return Dial{Dial::Cancelled, nullptr, {}};
        // KuCoin's token request failed: a network problem like a failed connect.
        if (!urlText) co_return Dial{Dial::UrlFailed, nullptr, Error{"stream URL: " + urlText.error().message, 0}};
        auto url = net::Url::parse(*urlText);
        if (!url) co_return Dial{Dial::BadUrl, nullptr, url.error()};
        if (!rotation)
            publish(c, firstAttempt ? FeedState::Connecting : FeedState::Reconnecting,
                    (firstAttempt ? "connecting to " : "reconnecting to ") + url->host);
        for (auto wait = config.connectionBudget->reserve(); wait.count() > 0; wait = config.connectionBudget->reserve()) {
            {
                std::lock_guard lock(statsMutex);
                ++statsValue.budgetWaits;
            }
            if (!rotation)
                publish(c, FeedState::Reconnecting,
                        "waiting for the connection budget (" + std::to_string(config.connectionBudget->maxAttempts()) +
                            " attempts per " + std::to_string(config.connectionBudget->window().count() / 1000) + " s)",
                        wait.count());
            if (!co_await sc->sleep(wait) || !current()) co_return Dial{Dial::Cancelled, nullptr, {}};
        }
        d.socket = std::make_shared<net::WsClient>(io.context(), tls);
        auto& slot = rotation ? c.candidate : c.ws;
        slot = d.socket;
        if (rotation) c.candidateConnected = false;
        auto connected = co_await d.socket->connect(*url, config.requestTimeout);
        if (!current() || slot != d.socket) {
            d.socket->cancel();
            d.stage = Dial::Cancelled;
        } else if (!connected) {
            d.stage = Dial::HandshakeFailed;
            d.error = connected.error();
        } else if (config.tap) {
            (rotation ? c.candidateTap : c.wsTap) = config.tap->opened(c.index, rotation, *urlText);
        }
        co_return d;
    }

    // Subscribes a rotation's new connection at once (venues without streams in the URL), so it
    // carries the streams before the switch; paced controlInterval apart.
    awaitable<bool> subscribeDirect(Scope sc, Conn& c, std::shared_ptr<net::WsClient> socket,
                                    const std::vector<exchange::StreamSpec>& specs) {
        const std::size_t per = static_cast<std::size_t>(std::max(1, adapter->maxStreamsPerSubscribe()));
        std::vector<std::string> messages;
        for (std::size_t i = 0; i < specs.size(); i += per) {
            const std::vector<exchange::StreamSpec> chunk(
                specs.begin() + static_cast<std::ptrdiff_t>(i),
                specs.begin() + static_cast<std::ptrdiff_t>(std::min(specs.size(), i + per)));
            std::string m = adapter->subscribeMessage(chunk, nextId++);
            if (!m.empty()) messages.push_back(std::move(m));
            else
                for (const auto& one : chunk) messages.push_back(adapter->subscribeMessage({one}, nextId++));
        }
        bool first = true;
        for (auto& m : messages) {
            if (m.empty()) continue;
            if (!first && (!co_await sc->sleep(config.controlInterval) || !alive(sc, c))) co_return false;
            first = false;
            auto sent = co_await socket->send(std::move(m));
            {
                std::lock_guard lock(statsMutex);
                ++statsValue.controlMessagesSent;
            }
            if (!sent) co_return false;
        }
        co_return true;
    }

    // Client heartbeats on one socket of `c` (the connection or a rotation's new one) while it is
    // part of this connect; a missed reply shows as silence to the watchdog.
    awaitable<void> heartbeatLoop(Scope sc, ConnPtr conn, std::shared_ptr<net::WsClient> socket) {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        Conn& c = *conn;
        const auto every = c.heartbeat;
        if (every.count() <= 0) co_return;
        std::int64_t id = 0;
        const auto mine = [&] { return alive(sc, c) && (c.ws == socket || c.candidate == socket); };
        while (mine()) {
            if (!co_await sc->sleep(every) || !mine()) co_return;
            // On the connection itself, a ping counts against the venue's incoming message rate
            // like a control message: it keeps the same spacing.
            while (c.ws == socket && Clock::now() < c.lastControl + config.controlInterval) {
                const auto wait = std::chrono::duration_cast<milliseconds>(c.lastControl + config.controlInterval -
                                                                           Clock::now()) + milliseconds(1);
                if (!co_await sc->sleep(wait) || !mine()) co_return;
            }
            if (c.ws == socket) c.lastControl = Clock::now();
            auto message = adapter->heartbeatMessage(++id);
            if (!message) co_return;
            std::string text = std::move(*message);
            auto sent = co_await socket->send(std::move(text));
            if (!sent) co_return;
            std::lock_guard lock(statsMutex);
            ++statsValue.heartbeatsSent;
        }
    }

    // --- rotation, make-before-break ---

    void maybeRotate(Scope sc, const ConnPtr& conn) {
        Conn& c = *conn;
        if (c.rotating || !c.live || !alive(sc, c) || Clock::now() < c.rotateDueAt) return;
        c.rotating = true;
        spawn(rotate(sc, conn));
    }

    // Every ordered stream the new connection has started on has been delivered by the old one up
    // to the new one's first event: switching now loses nothing.
    bool readyToSwitch(const Conn& c) const {
        if (!c.candidate || !c.candidateConnected) return false;
        if (Clock::now() >= c.switchDeadline || c.candidateFrames.size() >= 100'000) return true;
        if (c.candidateFrames.empty()) return false;  // the new one has not delivered yet
        for (const auto& [key, first] : c.candidateFirst) {
            const auto it = c.marks.find(key);
            if (it == c.marks.end() || !covered(first, it->second)) return false;
        }
        return true;
    }

    // The new connection becomes the connection; its buffered frames are delivered (what the old
    // one delivered already is dropped) and the old one is closed.
    void switchOver(Conn& c) {
        if (config.tap) config.tap->switched(c.candidateTap, c.index);
        c.wsTap = c.candidateTap;
        auto old = c.ws;
        c.ws = c.candidate;
        c.candidate.reset();
        c.candidateConnected = false;
        c.rotating = false;
        std::deque<std::string> frames;
        frames.swap(c.candidateFrames);
        c.candidateFirst.clear();
        const std::vector<exchange::StreamSpec> initial = std::move(c.candidateSpecs);
        c.candidateSpecs.clear();
        {
            std::lock_guard lock(statsMutex);
            ++statsValue.rotations;
        }
        afterConnect(c, initial, false);
        for (const auto& s : c.desired) {
            if (s.kind == exchange::StreamKind::Depth) {
                if (auto it = books.find(toUpperAscii(s.symbol)); it != books.end()) it->second.book.allowOverlap();
            } else if (const auto levels = adapter->depthLevelsOf(s); levels && *levels != exchange::kDiffDepthBook) {
                const auto it = partialBooks.find(std::pair<std::string, int>{toUpperAscii(s.symbol), *levels});
                if (it != partialBooks.end()) it->second.allowOverlap();
            }
        }
        bool shutdown = false;
        for (const auto& f : frames) shutdown = handleFrame(c, f) || shutdown;
        if (shutdown) c.rotateDueAt = Clock::now();
        if (old) old->cancel();
        publish(c, FeedState::Live, "live (rotated to a new connection)");
    }

    void bufferCandidate(Conn& c, std::string frame) {
        auto [name, events] = parseFrame(frame);
        if (name.empty() || c.names.contains(name)) {
            if (events) {
                for (const auto& e : *events)
                    if (auto keyed = keyOf(e); keyed && keyed->ordered) c.candidateFirst.try_emplace(keyed->key, keyed->mark);
            }
        }
        c.candidateFrames.push_back(std::move(frame));
    }

    awaitable<void> rotate(Scope sc, ConnPtr conn) {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        Conn& c = *conn;
        auto current = [&] { return alive(sc, c) && !c.ended; };
        const std::vector<exchange::StreamSpec> specs = c.desired;
        Dial d = co_await dial(sc, conn, specs, true, false);
        if (d.stage == Dial::Cancelled) {
            if (!d.socket && c.connect == sc) c.rotating = false;
            co_return;
        }
        if (d.stage != Dial::Opened) {
            abandonRotation(c, d.error.message);
            co_return;
        }
        auto socket = d.socket;
        if (!adapter->streamsInUrl() && !co_await subscribeDirect(sc, c, socket, specs)) {
            if (current() && c.candidate == socket) abandonRotation(c, "could not subscribe on the new connection");
            socket->cancel();
            co_return;
        }
        if (!current() || c.candidate != socket) {
            socket->cancel();
            co_return;
        }
        c.candidateConnected = true;
        c.candidateSpecs = specs;
        spawn(heartbeatLoop(sc, conn, socket));
        c.candidateFrames.clear();
        c.candidateFirst.clear();
        c.switchDeadline = Clock::now() + config.rotationOverlapMax;
        spawn(pump(sc, conn, socket));
    }

    // --- reading: one pump per socket (the connection, or a rotation's new one) ---

    void endPrimary(Conn& c, std::string reason) {
        c.ended = true;
        c.endReason = std::move(reason);
        if (c.endSignal) c.endSignal->cancel();
    }

    // `sc`: the connect's scope.
    awaitable<void> pump(Scope sc, ConnPtr conn, std::shared_ptr<net::WsClient> socket) {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        Conn& c = *conn;
        // The recorder hears every frame this pump reads and hands on, and the socket's end.
        struct TapEnd {
            WireTap* tap;
            std::uint32_t id;
            std::string reason = "closed";
            ~TapEnd() {
                if (tap) tap->closed(id, reason);
            }
        } tapEnd{config.tap.get(), socket == c.ws ? c.wsTap : c.candidateTap};
        for (;;) {
            auto frame = co_await socket->read();
            if (!alive(sc, c) || c.ended) {
                if (c.ws == socket && c.connect == sc && !c.ended) endPrimary(c, "closed");
                co_return;
            }
            const bool primary = c.ws == socket;
            if (!primary && c.candidate != socket) co_return;  // an old connection, switched away from
            if (tapEnd.tap) {
                if (frame) tapEnd.tap->frame(tapEnd.id, *frame);
                else tapEnd.reason = frame.error().message;
            }
            if (!frame) {
                if (!primary) {
                    abandonRotation(c, "the new connection closed: " + frame.error().message);
                    co_return;
                }
                if (c.candidate && c.candidateConnected) {
                    switchOver(c);  // the old one ended during the overlap: the new one carries on
                    co_return;
                }
                if (c.candidate) c.candidate->cancel();
                endPrimary(c, c.stale ? "no data for " + std::to_string(idleLimit(c).count()) + " ms"
                                      : "stream closed: " + frame.error().message);
                co_return;
            }
            if (primary) {
                c.lastFrame = Clock::now();
                bool shutdown = false;
                try {
                    shutdown = handleFrame(c, *frame);
                } catch (const std::exception& e) {
                    // A user's handler (or ours) failed on this frame: the connection ends with
                    // the reason shown and reconnects with back-off; nothing is left half-read.
                    const std::string msg = std::string("internal error: ") + e.what();
                    {
                        std::lock_guard lock(statsMutex);
                        ++statsValue.internalErrors;
                    }
                    publish(c, FeedState::Failed, msg);
                    if (c.candidate) c.candidate->cancel();
                    endPrimary(c, msg);
                    socket->cancel();
                    co_return;
                }
                if (shutdown) c.rotateDueAt = Clock::now();  // serverShutdown
                if (c.ws == socket) maybeRotate(sc, conn);
            } else {
                bufferCandidate(c, std::move(*frame));
            }
            if (readyToSwitch(c)) switchOver(c);
        }
    }

    // A rotation that could not open (or keep) its new connection: the connection goes on, and
    // the rotation is tried again after a pause.
    void abandonRotation(Conn& c, const std::string& why) {
        c.rotating = false;
        c.candidate.reset();
        c.candidateConnected = false;
        c.candidateFrames.clear();
        c.candidateFirst.clear();
        c.rotateDueAt = Clock::now() + std::max(config.backoffBase, milliseconds(1000));
        noteError("rotation: " + why);
    }

    // `sc`: the connect's scope.
    awaitable<void> watchdog(Scope sc, ConnPtr conn) {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        Conn& c = *conn;
        auto timer = std::make_shared<asio::steady_timer>(io.context());
        c.watchdogTimer = timer;
        while (alive(sc, c) && !c.ended) {
            const auto idle = idleLimit(c);  // the streams it carries may have changed
            const auto tick = std::max(std::min(idle / 4, config.rotateAfter / 4), milliseconds(50));
            timer->expires_after(tick);
            boost::system::error_code ec;
            co_await timer->async_wait(asio::redirect_error(use_awaitable, ec));
            if (!alive(sc, c) || c.ended) co_return;
            if (c.desired.empty()) c.lastFrame = Clock::now();  // nothing subscribed: silence is expected
            if (Clock::now() - c.lastFrame > idle) {
                if (c.candidate && c.candidateConnected) {
                    switchOver(c);  // the old one went silent during the overlap
                    continue;
                }
                c.stale = true;
                publish(c, FeedState::Stale, "no data for " + std::to_string(idle.count()) + " ms");
                if (c.ws) c.ws->cancel();
                co_return;
            }
            if (readyToSwitch(c)) switchOver(c);  // the overlap's deadline
            maybeRotate(sc, conn);
        }
    }

    // Reads the connection (through any number of rotations) until it ends; returns why.
    awaitable<std::string> serve(Scope sc, ConnPtr conn) {
        Conn& c = *conn;
        auto signal = std::make_shared<asio::steady_timer>(io.context());
        c.endSignal = signal;
        c.ended = false;
        c.stale = false;
        c.endReason.clear();
        const Scope connect = c.connect;
        spawn(pump(connect, conn, c.ws));
        spawn(watchdog(connect, conn));
        while (!c.ended && alive(sc, c)) {
            signal->expires_after(milliseconds(500));
            boost::system::error_code ec;
            co_await signal->async_wait(asio::redirect_error(use_awaitable, ec));
        }
        if (c.candidate) c.candidate->cancel();
        c.candidate.reset();
        c.candidateConnected = false;
        c.rotating = false;
        c.candidateFrames.clear();
        c.candidateFirst.clear();
        if (c.watchdogTimer) c.watchdogTimer->cancel();
        endConnect(c);  // this connect's pumps, watchdog and heartbeats end
        co_return c.endReason;
    }

    // The streams of a refused URL, the one that cannot be right when only one is plausible, and
    // what the venue accepts.
    std::string refusedMessage(const std::vector<exchange::StreamSpec>& streams, const std::string& venueAnswer) const {
        std::string names;
        for (const auto& s : streams) names += (names.empty() ? "" : ", ") + adapter->streamName(s);
        std::string msg = streams.size() == 1 ? "the venue refused the stream " + names
                                              : "the venue refused the stream set [" + names +
                                                    "] (at least one of them is invalid)";
        msg += " at the handshake (" + venueAnswer +
               "); not retried. Accepted: <symbol>@kline_<interval> (1s 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d "
               "3d 1w 1M), <symbol>@trade, <symbol>@aggTrade, <symbol>@depth[@100ms], "
               "<symbol>@depth<5|10|20>[@100ms], <symbol>@bookTicker, <symbol>@ticker, <symbol>@miniTicker, "
               "for a symbol the venue lists (lower case)";
        return msg;
    }

    awaitable<void> run(Scope sc, ConnPtr conn) {
        auto self = shared_from_this();
        ActiveGuard guard(coroutines);
        struct Running {
            Conn& c;
            ~Running() { --c.runs; }
        } running{*conn};
        if (!alive(sc, *conn)) co_return;
        ensureTls();
        if (!tls) {
            const std::string msg = "TLS setup failed: " + tlsError;
            noteError(msg);
            sink.post(FeedError{sessionKey(), makeError(msg)});
            publish(*conn, FeedState::Failed, msg, 0, false, true);
            co_return;
        }
        Conn& c = *conn;
        net::Backoff backoff(config.backoffBase, config.backoffMax);
        bool firstAttempt = true;
        while (alive(sc, c)) {
            const std::vector<exchange::StreamSpec> initial = c.desired;
            Dial d = co_await dial(sc, conn, initial, false, firstAttempt);
            if (d.stage == Dial::Cancelled) co_return;
            if (d.stage == Dial::BadUrl) {
                noteError(d.error.message);
                sink.post(FeedError{sessionKey(), d.error});
                publish(c, FeedState::Failed, d.error.message, 0, false, true);
                co_return;
            }
            if (d.stage != Dial::UrlFailed) firstAttempt = false;
            auto socket = d.socket;
            std::string reason = d.error.message;
            if (d.stage == Dial::HandshakeFailed) {
                const int status = d.error.code;
                if (status == 400 || status == 404 || status == 414) {
                    // The venue refused the URL itself (Binance: HTTP 400 for an invalid stream
                    // name): the same set would be refused forever, so it is not retried.
                    socket->cancel();
                    const std::string msg = refusedMessage(initial, d.error.message);
                    {
                        std::lock_guard lock(statsMutex);
                        statsValue.refused = true;
                        statsValue.lastError = msg;
                    }
                    sink.post(FeedError{sessionKey(), makeError(msg, status)});
                    publish(c, FeedState::Failed, msg, 0, false, true);
                    co_return;
                }
                if (status == net::kCertificateRejected) {
                    // The venue's certificate was refused (unknown issuer, expired, another host):
                    // the next attempt would be refused the same way, so it is not retried.
                    socket->cancel();
                    noteError(d.error.message);
                    sink.post(FeedError{sessionKey(), d.error});
                    publish(c, FeedState::Failed, d.error.message, 0, false, true);
                    co_return;
                }
                reason = "stream: " + d.error.message;
            } else if (d.stage == Dial::Opened) {
                endConnect(c);
                c.connect = sc->child();
                // Venues without streams in the URL: the connection starts empty, every stream is
                // subscribed now.
                afterConnect(c, adapter->streamsInUrl() ? initial : std::vector<exchange::StreamSpec>{}, true);
                spawn(heartbeatLoop(c.connect, conn, socket));
                publish(c, FeedState::Live, "live", 0, true);
                backoff.reset();
                if (config.syncClock && c.index == conns.front()->index) spawn(syncClock(sc));
                auto served = serve(sc, conn);
                reason = co_await std::move(served);
                c.live = false;
                updateConnected();
                socket = c.ws;  // the connection that ended (after any rotations)
                if (!alive(sc, c)) co_return;
            }
            if (socket) socket->cancel();
            {
                std::lock_guard lock(statsMutex);
                ++statsValue.reconnects;
                statsValue.lastError = reason;
            }
            const auto delay = backoff.next();
            publish(c, FeedState::Reconnecting, reason, delay.count());
            if (!co_await sc->sleep(delay) || !alive(sc, c)) co_return;
        }
    }
};

StreamSession::StreamSession(net::IoThread& io, std::shared_ptr<const exchange::ExchangeAdapter> adapter,
                             StreamSessionConfig config, FeedSink& sink)
    : m_impl(std::make_shared<Impl>(io, std::move(adapter), std::move(config), sink)) {}

StreamSession::~StreamSession() { stop(); }

void StreamSession::start(std::vector<exchange::StreamSpec> streams) {
    auto impl = m_impl;
    asio::post(impl->io.context(), [impl, streams = std::move(streams)]() mutable {
        if (impl->stopping) return;
        impl->renewScope();
        impl->userDriven = false;
        impl->cancelAll();
        for (const auto& c : impl->conns) impl->closeConn(*c);
        impl->conns.clear();
        impl->desiredNames.clear();
        impl->books.clear();
        impl->usersByName.clear();
        impl->partialWanted.clear();
        impl->partialBooks.clear();
        // The whole set is placed first, so every connection opens with its streams in the URL.
        impl->started = false;
        impl->newConn();  // the first connection exists even without streams
        impl->add(std::move(streams));
        impl->started = true;
        for (const auto& c : impl->conns) impl->spawnRun(impl->scope, c);
    });
}

void StreamSession::subscribe(std::vector<exchange::StreamSpec> streams) {
    auto impl = m_impl;
    asio::post(impl->io.context(), [impl, streams = std::move(streams)]() mutable {
        if (impl->stopping) return;
        if (impl->conns.empty()) impl->conns.push_back(std::make_shared<Impl::Conn>(impl->nextConnIndex++, impl->config));
        impl->add(std::move(streams));
    });
}

void StreamSession::subscribe(std::vector<exchange::StreamSpec> streams, std::shared_ptr<FeedSink> listener) {
    auto impl = m_impl;
    asio::post(impl->io.context(), [impl, streams = std::move(streams), listener = std::move(listener)]() mutable {
        if (impl->stopping) return;
        if (impl->conns.empty()) {
            // A session nobody start()ed: its first user starts it, with its streams placed first
            // so that they are in the first connection's URL (where the venue takes them there).
            impl->started = false;
            impl->userDriven = true;
            impl->newConn();
            impl->add(std::move(streams), listener);
            impl->started = true;
            for (const auto& c : impl->conns) impl->spawnRun(impl->scope, c);
            return;
        }
        ++impl->unusedSince;  // a pending close of an unused session is off
        impl->add(std::move(streams), listener);
    });
}

void StreamSession::unsubscribe(std::vector<exchange::StreamSpec> streams, std::shared_ptr<FeedSink> listener) {
    auto impl = m_impl;
    asio::post(impl->io.context(), [impl, streams = std::move(streams), listener = std::move(listener)] {
        if (!impl->stopping) impl->remove(streams, listener);
    });
}

std::size_t StreamSession::usersOf(const std::string& streamName) const {
    // The count lives on the network thread: ask it there and wait (never call this on it).
    auto impl = m_impl;
    auto answer = std::make_shared<std::promise<std::size_t>>();
    auto future = answer->get_future();
    asio::post(impl->io.context(), [impl, name = streamName, answer] { answer->set_value(impl->usersOf(name)); });
    if (future.wait_for(std::chrono::seconds(5)) != std::future_status::ready) return 0;
    return future.get();
}

void StreamSession::unsubscribe(std::vector<exchange::StreamSpec> streams) {
    auto impl = m_impl;
    asio::post(impl->io.context(), [impl, streams = std::move(streams)] {
        if (!impl->stopping) impl->remove(streams);
    });
}

void StreamSession::dropConnection() {
    auto impl = m_impl;
    asio::post(impl->io.context(), [impl] {
        for (const auto& c : impl->conns) {
            if (c->ws) c->ws->cancel();
            if (c->candidate) c->candidate->cancel();
        }
    });
}

void StreamSession::stop() {
    auto impl = m_impl;
    asio::post(impl->io.context(), [impl] {
        impl->stopping = true;
        impl->renewScope();
        for (const auto& c : impl->conns) impl->closeConn(*c);
        impl->cancelAll();
        impl->coroutines.markStopped();
    });
    impl->coroutines.waitStopped(std::chrono::seconds(5));
}

// --- replay: the record hands the session what its connections received, on the network thread ---

void StreamSession::replayOpened(int connection, bool rotation) {
    Impl& m = *m_impl;
    const auto c = m.connByIndex(connection);
    if (!c || m.stopping) return;
    if (rotation) {  // what rotate() sets up once the new socket is open
        c->rotating = true;
        c->candidateConnected = true;
        c->candidateSpecs = c->desired;
        c->candidateFrames.clear();
        c->candidateFirst.clear();
        return;
    }
    // What run() does after a connect: the URL carried the set (venues naming streams in it).
    c->ended = false;
    m.afterConnect(*c, m.adapter->streamsInUrl() ? c->desired : std::vector<exchange::StreamSpec>{}, true);
    m.publish(*c, FeedState::Live, "live", 0, true);
}

void StreamSession::replayFrame(int connection, bool rotation, const std::string& frame) {
    Impl& m = *m_impl;
    const auto c = m.connByIndex(connection);
    if (!c || m.stopping) return;
    if (rotation) {
        if (c->rotating) m.bufferCandidate(*c, frame);
        return;
    }
    if (!c->live) return;
    c->lastFrame = Clock::now();
    try {
        m.handleFrame(*c, frame);  // a serverShutdown's rotation is in the record
    } catch (const std::exception& e) {
        const std::string msg = std::string("internal error: ") + e.what();
        {
            std::lock_guard lock(m.statsMutex);
            ++m.statsValue.internalErrors;
        }
        m.publish(*c, FeedState::Failed, msg);
    }
}

void StreamSession::replayClosed(int connection, bool rotation, const std::string& reason) {
    Impl& m = *m_impl;
    const auto c = m.connByIndex(connection);
    if (!c || m.stopping) return;
    if (rotation) {
        if (c->rotating) m.abandonRotation(*c, "the new connection closed: " + reason);
        return;
    }
    if (!c->live) return;
    c->live = false;
    m.updateConnected();
    {
        std::lock_guard lock(m.statsMutex);
        ++m.statsValue.reconnects;
        m.statsValue.lastError = reason;
    }
    m.publish(*c, FeedState::Reconnecting, reason, 0);
}

void StreamSession::replaySwitched(int connection) {
    Impl& m = *m_impl;
    const auto c = m.connByIndex(connection);
    if (!c || m.stopping || !c->rotating) return;
    m.switchOver(*c);
}

void StreamSession::replayRest(const std::string& target, int status, std::string body) {
    Impl& m = *m_impl;
    if (m.stopping) return;
    // The answer a connect asked for (OKX swaps' contract values): the codec learns it again.
    if (const auto connect = m.adapter->streamConnectRequest(); connect && connect->target == target && status != 0) {
        (void)m.adapter->parseStreamConnect(body, status, "replay");
        return;
    }
    for (auto it = m.replayWanted.begin(); it != m.replayWanted.end(); ++it) {
        if (m.adapter->depthRequest(it->symbol, m.config.snapshotLimit).target != target) continue;
        const Impl::SnapshotWanted wanted = *it;
        m.replayWanted.erase(it);
        const Result<net::HttpResponse> answer =
            status == 0 ? Result<net::HttpResponse>(makeError(std::move(body)))
                        : Result<net::HttpResponse>(net::HttpResponse{status, std::move(body), {}});
        if (m.onSnapshotAnswer(wanted.symbol, wanted.token, answer)) return;
        // Not applied: fetchSnapshot asks again (up to its attempts), then leaves it to the next diff.
        const auto book = m.books.find(wanted.symbol);
        if (book == m.books.end() || book->second.token != wanted.token) return;
        if (wanted.attempt + 1 < Impl::kSnapshotAttempts)
            m.replayWanted.push_back({wanted.symbol, wanted.token, wanted.attempt + 1});
        else
            book->second.fetching = false;
        return;
    }
}

void StreamSession::replayRewind(const std::string& reason) {
    Impl& m = *m_impl;
    if (m.stopping) return;
    for (const auto& c : m.conns) {
        if (c->rotating) m.abandonRotation(*c, reason);
        if (!c->live) continue;
        c->live = false;
        m.publish(*c, FeedState::Reconnecting, reason, 0);
    }
    m.updateConnected();
    m.replayWanted.clear();
    for (auto& [symbol, b] : m.books) {
        b.book.reset();
        ++b.token;
        b.fetching = false;
        b.lastBids.clear();
        b.lastAsks.clear();
    }
    m.partialBooks.clear();
}

StreamSessionStats StreamSession::stats() const {
    StreamSessionStats out;
    {
        std::lock_guard lock(m_impl->statsMutex);
        out = m_impl->statsValue;
    }
    const auto offset = m_impl->rest->clockOffsetMs();  // the host's, measured by any of its users
    out.clockSynced = offset.has_value();
    out.clockOffsetMs = offset.value_or(0);
    return out;
}

}  // namespace cpc::session
