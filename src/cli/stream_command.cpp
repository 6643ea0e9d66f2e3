// `cpc stream`: prints a symbol's live market streams on any venue of the registry as JSON lines
// on stdout; connection state and reconnects on stderr; exits 0 on SIGINT/SIGTERM, after
// --max-events events or after --seconds seconds, closing the WebSockets gracefully. The command
// is a composition root: one network thread, one session::MarketSession (whose StreamSession does
// the connections, subscriptions, heartbeats, KuCoin's connect token, reconnects with jittered
// back-off, the idle watchdog and a synced order book for diff depth) and one storage worker.
// The run is one user of the session's streams; what it hears reaches the command's thread
// through one session::Inbox, and its klines go through a session::SeriesHub and its observer.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <future>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "cpc/core/ascii.hpp"
#include "cpc/exchange/registry.hpp"
#include "cpc/exchange/stream_tokens.hpp"
#include "cpc/session/stream_session.hpp"
#include "cpc/market/candle_series.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/net/tls.hpp"
#include "cpc/net/url.hpp"
#include "cpc/session/inbox.hpp"
#include "cpc/session/market_session.hpp"
#include "cpc/session/perp_feed.hpp"
#include "cpc/session/series_hub.hpp"
#include "cpc/session/venue_paths.hpp"
#include "cpc/storage/storage_worker.hpp"
#include "stream_run.hpp"

namespace cpc::cli {

namespace {

namespace asio = boost::asio;
using json = nlohmann::ordered_json;
using exchange::StreamKind;
using exchange::StreamSpec;

constexpr const char* kStreamName = "cpc stream";

json levelsJson(const std::vector<exchange::PriceLevel>& levels) {
    json a = json::array();
    for (const auto& l : levels) a.push_back(json::array({l.price.toString(), l.quantity.toString()}));
    return a;
}

// One event as one JSON object; nullopt for events that are not market data.
std::optional<json> eventJson(const feed::FeedEvent& event) {
    json j;
    if (const auto* k = std::get_if<exchange::KlineUpdate>(&event)) {
        const Candle& c = k->candle;
        j["type"] = "kline";
        j["symbol"] = k->key.symbol;
        j["interval"] = std::string(toString(k->key.interval));
        j["eventTime"] = k->eventTimeMs;
        j["openTime"] = c.openTime;
        j["closeTime"] = closeTime(k->key.interval, c.openTime);
        j["open"] = c.open.toString();
        j["high"] = c.high.toString();
        j["low"] = c.low.toString();
        j["close"] = c.close.toString();
        j["volume"] = c.volume.toString();
        j["quoteVolume"] = c.quoteVolume.toString();
        j["trades"] = c.trades;
        j["takerBuyBase"] = c.takerBuyBase.toString();
        j["takerBuyQuote"] = c.takerBuyQuote.toString();
        j["closed"] = c.closed;
        return j;
    }
    if (const auto* t = std::get_if<exchange::TradeTick>(&event)) {
        j["type"] = t->aggregate ? "aggTrade" : "trade";
        j["symbol"] = t->symbol;
        j["eventTime"] = t->eventTimeMs;
        j["time"] = t->timeMs;
        j["id"] = t->tradeId;
        if (t->aggregate) {
            j["firstTradeId"] = t->firstTradeId;
            j["lastTradeId"] = t->lastTradeId;
        }
        j["price"] = t->price.toString();
        j["quantity"] = t->quantity.toString();
        j["buyerIsMaker"] = t->buyerIsMaker;
        return j;
    }
    if (const auto* d = std::get_if<exchange::DepthUpdate>(&event)) {
        j["type"] = "depthUpdate";
        j["symbol"] = d->symbol;
        j["eventTime"] = d->eventTimeMs;
        j["firstUpdateId"] = d->firstUpdateId;
        j["finalUpdateId"] = d->finalUpdateId;
        j["levels"] = d->depthLevels;  // its book: 0 the diff-depth book, N a top-N partial topic
        j["bids"] = levelsJson(d->bids);
        j["asks"] = levelsJson(d->asks);
        return j;
    }
    if (const auto* b = std::get_if<feed::OrderBookView>(&event)) {
        j["type"] = "book";  // the local order book a diff depth stream keeps synced: its top levels
        j["symbol"] = b->symbol;
        j["lastUpdateId"] = b->lastUpdateId;
        j["bids"] = levelsJson(b->bids);
        j["asks"] = levelsJson(b->asks);
        return j;
    }
    if (const auto* s = std::get_if<exchange::DepthSnapshot>(&event)) {
        j["type"] = "depth";
        j["symbol"] = s->symbol;
        j["lastUpdateId"] = s->lastUpdateId;
        j["levels"] = s->depthLevels;  // N: the venue's top-N partial book as sent
        j["bids"] = levelsJson(s->bids);
        j["asks"] = levelsJson(s->asks);
        return j;
    }
    if (const auto* b = std::get_if<exchange::BookTicker>(&event)) {
        j["type"] = "bookTicker";
        j["symbol"] = b->symbol;
        j["updateId"] = b->updateId;
        j["bidPrice"] = b->bidPrice.toString();
        j["bidQuantity"] = b->bidQuantity.toString();
        j["askPrice"] = b->askPrice.toString();
        j["askQuantity"] = b->askQuantity.toString();
        return j;
    }
    if (const auto* t = std::get_if<exchange::Ticker24h>(&event)) {
        j["type"] = t->mini ? "miniTicker" : "ticker";
        j["symbol"] = t->symbol;
        j["eventTime"] = t->eventTimeMs;
        if (!t->mini) {
            j["priceChange"] = t->priceChange.toString();
            j["priceChangePercent"] = t->priceChangePercent.toString();
            j["weightedAvgPrice"] = t->weightedAvgPrice.toString();
        }
        j["lastPrice"] = t->lastPrice.toString();
        if (!t->mini) {
            j["lastQuantity"] = t->lastQuantity.toString();
            j["bidPrice"] = t->bidPrice.toString();
            j["bidQuantity"] = t->bidQuantity.toString();
            j["askPrice"] = t->askPrice.toString();
            j["askQuantity"] = t->askQuantity.toString();
        }
        j["open"] = t->open.toString();
        j["high"] = t->high.toString();
        j["low"] = t->low.toString();
        j["volume"] = t->volume.toString();
        j["quoteVolume"] = t->quoteVolume.toString();
        if (!t->mini) {
            j["openTime"] = t->openTimeMs;
            j["closeTime"] = t->closeTimeMs;
            j["firstTradeId"] = t->firstTradeId;
            j["lastTradeId"] = t->lastTradeId;
            j["tradeCount"] = t->tradeCount;
        }
        return j;
    }
    if (const auto* m = std::get_if<exchange::MarkPriceUpdate>(&event)) {
        j["type"] = "markPrice";
        j["symbol"] = m->symbol;
        j["eventTime"] = m->eventTimeMs;
        if (m->markPrice) j["markPrice"] = m->markPrice->toString();
        if (m->indexPrice) j["indexPrice"] = m->indexPrice->toString();
        return j;
    }
    if (const auto* f = std::get_if<exchange::FundingUpdate>(&event)) {
        j["type"] = "funding";
        j["symbol"] = f->symbol;
        j["eventTime"] = f->eventTimeMs;
        if (f->rate) j["rate"] = f->rate->toString();
        if (f->nextFundingTimeMs) {
            j["nextFundingTime"] = *f->nextFundingTimeMs;
            // The countdown as of the event: what a legend shows ("funding in 1:23:45").
            if (f->eventTimeMs > 0) j["countdownMs"] = std::max<std::int64_t>(0, *f->nextFundingTimeMs - f->eventTimeMs);
        }
        return j;
    }
    if (const auto* o = std::get_if<exchange::OpenInterestUpdate>(&event)) {
        j["type"] = "openInterest";
        j["symbol"] = o->symbol;
        j["time"] = o->timeMs;
        j["openInterest"] = o->openInterest.toString();
        if (o->value) j["value"] = o->value->toString();
        return j;
    }
    if (const auto* l = std::get_if<exchange::Liquidation>(&event)) {
        j["type"] = "liquidation";
        j["symbol"] = l->symbol;
        j["time"] = l->timeMs;
        j["side"] = l->longLiquidated ? "long" : "short";  // the position that was liquidated
        j["price"] = l->price.toString();
        j["quantity"] = l->quantity.toString();
        if (l->contracts) j["unit"] = "contracts";
        return j;
    }
    return std::nullopt;
}

std::string secondsText(std::chrono::milliseconds d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(d.count()) / 1000.0);
    return buf;
}

// What the network thread may reach of a run: its inbox, until the run has ended. The listener
// and the signal handler may outlive the run (the session can deliver an event already in flight
// after the run left its streams), so they post through this door, which the run closes.
struct InboxDoor {
    std::mutex mutex;
    session::Inbox* inbox = nullptr;  // guarded by mutex

    void post(session::Handoff item) {
        std::lock_guard lock(mutex);
        if (inbox == nullptr) return;
        if (auto* event = std::get_if<feed::FeedEvent>(&item))
            inbox->post(std::move(*event));
        else
            inbox->post(std::move(std::get<session::Task>(item)));
    }
    void close() {
        std::lock_guard lock(mutex);
        inbox = nullptr;
    }
};

class StreamRun;

// A driver's door into the run (RunControl), through the run's inbox.
class Control final : public RunControl {
public:
    Control(std::shared_ptr<InboxDoor> door, StreamRun* run) : m_door(std::move(door)), m_run(run) {}
    void startPrinting() override;
    void finish(std::string reason, bool failed, std::vector<std::string> notes) override;

private:
    std::shared_ptr<InboxDoor> m_door;
    StreamRun* m_run;  // only used by tasks, which run while the run drains its inbox
};

// The run's user of the venue's connection engine (network thread): hands every event and every
// state of the connection to the run's thread.
class Listener final : public feed::FeedSink {
public:
    Listener(std::shared_ptr<InboxDoor> door, StreamRun* run) : m_door(std::move(door)), m_run(run) {}
    void post(feed::FeedEvent event) override { m_door->post(std::move(event)); }
    void onLink(const feed::StreamLink& link) override;

private:
    std::shared_ptr<InboxDoor> m_door;
    StreamRun* m_run;  // only used by tasks, which run while the run drains its inbox
};

// One `cpc stream` run on the calling thread: the owner of the inbox and of the series hub.
class StreamRun {
public:
    StreamRun(storage::StorageWorker& storage, const StreamOptions& options, std::ostream& out, std::ostream& err,
              const char* name)
        : m_name(name),
          m_options(options),
          m_out(out),
          m_err(err),
          m_inbox([this] {
              {
                  std::lock_guard lock(m_wakeMutex);
                  m_woken = true;
              }
              m_wake.notify_one();
          }),
          m_door(std::make_shared<InboxDoor>()),
          m_hub(storage, session::SeriesHub::Hooks{m_inbox.executor(), {}, {}, {},
                                                   [this](const std::string& message) { status(message); }}) {
        m_door->inbox = &m_inbox;
        m_printing = !m_options.holdPrinting;
    }

    ~StreamRun() { m_door->close(); }

    int run(session::MarketSession& market, const std::shared_ptr<const exchange::ExchangeAdapter>& adapter) {
        const auto streams = market.streams(adapter);
        const auto listener = std::make_shared<Listener>(m_door, this);
        asio::signal_set signals(market.io().context(), SIGINT, SIGTERM);
        signals.async_wait([door = m_door, this](const boost::system::error_code& ec, int signal) {
            if (!ec) door->post(session::Task([this, signal] { stop(signal == SIGINT ? "SIGINT" : "SIGTERM"); }));
        });
        const auto deadline = m_options.duration.count() > 0 ? std::chrono::steady_clock::now() + m_options.duration
                                                             : std::chrono::steady_clock::time_point::max();
        streams->subscribe(m_options.specs, listener);
        // Open interest of a venue without a stream for it (Binance USD-M): polled over REST by a
        // PerpFeed of the same session, into the same listener.
        std::unique_ptr<session::PerpFeed> poll;
        if (std::find(m_options.perpKinds.begin(), m_options.perpKinds.end(), StreamKind::OpenInterest) !=
                m_options.perpKinds.end() &&
            !m_options.specs.empty() &&
            !adapter->hasStream(StreamSpec{m_options.specs.front().symbol, Interval::M1, StreamKind::OpenInterest})) {
            session::PerpFeedOptions o;
            o.symbol = m_options.specs.front().symbol;
            o.markPrice = o.funding = o.liquidations = o.history = false;
            poll = std::make_unique<session::PerpFeed>(market, adapter, listener, o);
            if (auto started = poll->start(); !started) {
                status("error: " + started.error().message);
                m_failed = true;
                stop("failed");
            }
        }
        if (m_options.afterSubscribe) m_options.afterSubscribe(std::make_shared<Control>(m_door, this));
        while (!m_stopping) {
            {
                std::unique_lock lock(m_wakeMutex);
                if (!m_wake.wait_until(lock, deadline, [this] { return m_woken; })) {
                    stop(secondsText(m_options.duration) + " s elapsed");
                    break;
                }
                m_woken = false;
            }
            if (m_options.healthCheck) {
                if (const std::string problem = m_options.healthCheck(); !problem.empty()) {
                    status("error: " + problem);
                    m_failed = true;
                    stop("failed");
                    break;
                }
            }
            for (auto& item : m_inbox.takeAll()) {
                if (m_stopping) break;
                if (auto* event = std::get_if<feed::FeedEvent>(&item))
                    onEvent(std::move(*event));
                else
                    std::get<session::Task>(item)();
            }
        }
        // This user leaves its streams; the session (the composition root's) and its other users
        // go on. What is still in flight is not printed.
        if (poll) poll->stop();
        streams->unsubscribe(m_options.specs, listener);
        m_door->close();
        // The signal set belongs to the network thread: cancel it there, and wait until it is.
        std::promise<void> cancelled;
        asio::post(market.io().context(), [&signals, &cancelled] {
            signals.cancel();
            cancelled.set_value();
        });
        cancelled.get_future().wait();
        status("stopped (" + m_reason + "; " + std::to_string(m_events) + " event" + (m_events == 1 ? "" : "s") + ")");
        return m_failed ? kExitFailure : kExitOk;
    }

    // The state of the connection carrying the run's streams (as a task on the run's thread).
    void onLink(const feed::StreamLink& received) {
        // A state of another than the run's first connection says which (as the engine's own
        // status lines do).
        feed::StreamLink link = received;
        if (link.connection > 0) link.detail = "connection " + std::to_string(link.connection + 1) + ": " + link.detail;
        switch (link.state) {
        case feed::FeedState::Connecting: status("connecting to " + m_options.endpoint); break;
        case feed::FeedState::Live: {
            const std::size_t n = m_options.specs.size();
            status("live (" + std::to_string(n) + " stream" + (n == 1 ? "" : "s") + ")");
            break;
        }
        case feed::FeedState::Stale: status(link.detail + " (watchdog); reconnecting"); break;
        case feed::FeedState::Reconnecting:
            if (link.retryInMs > 0)
                status("reconnecting in " + secondsText(std::chrono::milliseconds(link.retryInMs)) + " s (" +
                       link.detail + ")");
            else
                status(link.detail);
            break;
        case feed::FeedState::Failed:
            // A SUBSCRIBE the venue refused was said with its FeedError; the other streams go on.
            if (link.final && link.detail == m_lastError) break;
            // The venue refused the connection's streams, or the connection cannot be made: the
            // reason, then the failure (an internal error that restarts the connection is only the
            // failure).
            if (link.final) status("error: " + link.detail);
            status("failed: " + link.detail);
            m_failed = true;
            stop("failed");
            break;
        case feed::FeedState::Idle: break;
        }
    }

    void startPrinting() { m_printing = true; }
    void finish(const std::string& reason, bool failed, const std::vector<std::string>& notes) {
        for (const auto& n : notes) status(n);
        if (failed) m_failed = true;
        stop(reason);
    }

private:
    void onEvent(feed::FeedEvent&& event) {
        if (auto* kline = std::get_if<exchange::KlineUpdate>(&event)) {
            onKline(std::move(*kline));
            return;
        }
        if (const auto* e = std::get_if<feed::FeedError>(&event)) {
            m_lastError = e->error.message;
            status("error: " + e->error.message);
            return;
        }
        if (!asked(event)) return;
        if (auto j = eventJson(event)) print(*j);
    }

    // A perpetual stream may carry more than the kind asked for (Binance's @markPrice@1s is the
    // funding stream too, Bybit's ticker carries mark, funding and open interest): only the
    // kinds of --streams are printed.
    bool asked(const feed::FeedEvent& event) const {
        const auto wants = [&](StreamKind kind) {
            return std::any_of(m_options.specs.begin(), m_options.specs.end(), [&](const StreamSpec& s) { return s.kind == kind; }) ||
                   std::find(m_options.perpKinds.begin(), m_options.perpKinds.end(), kind) != m_options.perpKinds.end();
        };
        if (std::holds_alternative<exchange::MarkPriceUpdate>(event)) return wants(StreamKind::MarkPrice);
        if (std::holds_alternative<exchange::FundingUpdate>(event)) return wants(StreamKind::Funding);
        if (std::holds_alternative<exchange::OpenInterestUpdate>(event)) return wants(StreamKind::OpenInterest);
        if (const auto* l = std::get_if<exchange::Liquidation>(&event))
            return wants(StreamKind::Liquidation) &&
                   std::any_of(m_options.specs.begin(), m_options.specs.end(),
                               [&](const StreamSpec& s) { return equalsIgnoreCaseAscii(s.symbol, l->symbol); });
        if (std::holds_alternative<exchange::Ticker24h>(event))
            return wants(StreamKind::Ticker) || wants(StreamKind::MiniTicker);
        return true;
    }

    // A kline goes into the run's series hub; its observer prints what changed. A kline the hub
    // does not take as a change (the same candle again, a late update of a closed one, one its
    // series rejects) is printed as the venue sent it: `cpc stream` prints every event.
    void onKline(exchange::KlineUpdate&& kline) {
        auto [observed, added] = m_observed.try_emplace(kline.key);
        if (added)
            observed->second =
                m_hub.subscribe(kline.key, [this](const session::SeriesChange& change) { onSeriesChange(change); });
        const exchange::KlineUpdate update = kline;
        m_applying = &update;
        m_appliedPrinted = false;
        m_hub.apply(feed::FeedEvent(std::move(kline)));
        m_applying = nullptr;
        if (!m_appliedPrinted) print(*eventJson(feed::FeedEvent(update)));
    }

    // The hub's change notice: the candle of the kline being applied, read back from its series.
    // Notices of other series (a coarser timeframe the hub derives from this one) are not events
    // of the venue and are not printed.
    void onSeriesChange(const session::SeriesChange& change) {
        if (m_applying == nullptr || m_appliedPrinted || change.kind != session::SeriesChange::Kind::Update ||
            !(change.key == m_applying->key))
            return;
        const market::CandleSeries* series = m_hub.find(change.key);
        const auto candle = series ? series->find(m_applying->candle.openTime) : std::nullopt;
        if (!candle) return;
        m_appliedPrinted = true;
        print(*eventJson(feed::FeedEvent(exchange::KlineUpdate{change.key, *candle, m_applying->eventTimeMs})));
    }

    void print(const json& j) {
        if (m_stopping || !m_printing) return;
        m_out << j.dump() << '\n';
        m_out.flush();
        ++m_events;
        if (m_options.maxEvents != 0 && m_events >= m_options.maxEvents) stop(std::to_string(m_events) + " events");
    }

    void stop(const std::string& reason) {
        if (m_stopping) return;
        m_stopping = true;
        m_reason = reason;
    }

    void status(const std::string& text) { m_err << m_name << ": " << text << std::endl; }

    const char* m_name;
    const StreamOptions& m_options;
    std::ostream& m_out;
    std::ostream& m_err;
    std::mutex m_wakeMutex;
    std::condition_variable m_wake;
    bool m_woken = false;  // guarded by m_wakeMutex
    session::Inbox m_inbox;  // after what its wake function uses
    std::shared_ptr<InboxDoor> m_door;
    session::SeriesHub m_hub;
    std::map<SeriesKey, session::SeriesHub::Subscription> m_observed;  // after the hub: destroyed first
    const exchange::KlineUpdate* m_applying = nullptr;  // the kline the hub is applying
    bool m_appliedPrinted = false;
    bool m_printing = true;
    bool m_stopping = false;
    bool m_failed = false;
    std::string m_reason;
    std::string m_lastError;  // the last FeedError's message
    std::uint64_t m_events = 0;
};

void Listener::onLink(const feed::StreamLink& link) {
    m_door->post(session::Task([run = m_run, link] { run->onLink(link); }));
}

void Control::startPrinting() {
    m_door->post(session::Task([run = m_run] { run->startPrinting(); }));
}

void Control::finish(std::string reason, bool failed, std::vector<std::string> notes) {
    m_door->post(session::Task([run = m_run, reason = std::move(reason), failed, notes = std::move(notes)] {
        run->finish(reason, failed, notes);
    }));
}

int runStream(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
    const auto usage = [&](const std::string& message) {
        err << kStreamName << ": " << message << "\nRun 'cpc stream --help' for usage.\n";
        return kExitUsage;
    };
    if (args.positional.size() != 1) return usage("expected one SYMBOL (e.g. cpc stream BTCUSDT --streams kline_1m,trade)");
    const auto marketType = marketArg(args);
    if (!marketType) return usage(marketType.error().message);
    const auto venue = exchangeForMarket(args, *marketType);
    if (!venue) return usage(venue.error().message);
    const auto symbol = symbolArg(args.positional[0]);
    if (!symbol) return usage(symbol.error().message);
    auto parsedSpecs = parseStreamList(args.value("--streams").value_or("kline_1m"), {*symbol});
    if (!parsedSpecs) return usage(parsedSpecs.error().message);
    std::vector<StreamSpec> specs = std::move(*parsedSpecs);

    std::uint64_t maxEvents = 0;
    std::chrono::milliseconds duration{0};
    if (auto v = args.value("--max-events")) {
        auto n = parseIntOption("--max-events", *v, 1, std::numeric_limits<long long>::max());
        if (!n) return usage(n.error().message);
        maxEvents = static_cast<std::uint64_t>(*n);
    }
    if (auto v = args.value("--seconds")) {
        auto n = parseIntOption("--seconds", *v, 1, 365LL * 24 * 3600);
        if (!n) return usage(n.error().message);
        duration = std::chrono::seconds(*n);
    }

    const auto endpoints = streamEndpoints(args, *venue, *marketType);
    if (!endpoints) return usage(endpoints.error().message);
    const std::string base = endpoints->streamBase;
    auto adapter = exchange::makeAdapter(*venue, *endpoints, *marketType);
    if (!adapter) return usage(adapter.error().message);
    const std::shared_ptr<const exchange::ExchangeAdapter> shared(std::move(*adapter));
    auto perpKinds = keepVenueStreams(specs, *shared, *marketType);
    if (!perpKinds) return usage(perpKinds.error().message);

    session::StreamSessionConfig config;
    config.tls.extraCaFile = args.value("--ca-file").value_or("");
    // Without --idle-timeout the session's own limit for these streams (StreamSessionConfig::watchdog).
    if (auto v = args.value("--idle-timeout")) {
        auto n = parseIntOption("--idle-timeout", *v, 1, 3600);
        if (!n) return usage(n.error().message);
        config.watchdog = std::chrono::seconds(*n);
    }
    if (!config.tls.extraCaFile.empty()) {
        // A bad CA file is this command's failure, said before anything connects.
        if (auto tls = net::makeClientTlsContext(config.tls); !tls) {
            err << kStreamName << ": " << tls.error().message << '\n';
            return kExitFailure;
        }
    }

    // The composition root of the command: one network thread, one market session, one storage
    // worker (the series hub's; `cpc stream` keeps nothing, so it writes to memory only).
    StreamOptions options;
    options.specs = std::move(specs);
    options.perpKinds = std::move(*perpKinds);
    options.endpoint = base;
    options.maxEvents = maxEvents;
    options.duration = duration;
    net::IoThread io;
    session::MarketSessionConfig marketConfig;
    marketConfig.tls = config.tls;
    marketConfig.streams = config;
    session::MarketSession market(io, std::move(marketConfig));
    storage::StorageWorker storage(":memory:");
    const int status = streamThrough(market, shared, storage, options, out, err);
    market.stop();  // closes every WebSocket; nothing is delivered afterwards
    return status;
}

}  // namespace

std::string acceptedStreamsText() {
    return "kline_<interval> (interval: " + acceptedIntervalsText() +
           "), trade, aggTrade, depth, depth@100ms, depth5, depth10, depth20, bookTicker, ticker, miniTicker; with "
           "--market perp also markPrice, funding, openInterest, liquidation";
}

Result<std::vector<StreamKind>> keepVenueStreams(std::vector<StreamSpec>& specs, const exchange::ExchangeAdapter& adapter,
                                                 MarketType market) {
    // Perpetual kinds: what the venue streams is subscribed once per venue stream (Binance's
    // @markPrice@1s carries mark and funding); open interest without a stream is polled; a kind
    // the market has not is an error naming why.
    std::vector<StreamKind> perpKinds;
    std::vector<StreamSpec> kept;
    std::vector<std::string> names;
    for (const StreamSpec& spec : specs) {
        if (exchange::isPerpetualStream(spec.kind)) {
            if (market != MarketType::Perp)
                return makeError("--streams: markPrice, funding, openInterest and liquidation are streams of perpetual "
                                 "futures; add --market perp");
            perpKinds.push_back(spec.kind);
        }
        if (!adapter.hasStream(spec)) {
            if (spec.kind == StreamKind::OpenInterest && adapter.openInterestRequest(spec.symbol)) continue;  // polled
            return makeError("--streams: " + adapter.name() + " " + std::string(toString(market)) + " has no such stream (" +
                             adapter.streamName(spec) + ")");
        }
        const std::string name = adapter.streamName(spec);
        if (std::find(names.begin(), names.end(), name) != names.end()) continue;
        names.push_back(name);
        kept.push_back(spec);
    }
    specs = std::move(kept);
    return perpKinds;
}

Result<std::vector<StreamSpec>> parseStreamList(const std::string& text, const std::vector<std::string>& symbols) {
    std::vector<StreamSpec> specs;
    for (const auto& symbol : symbols) {
        std::size_t pos = 0;
        while (pos <= text.size()) {
            const std::size_t comma = std::min(text.find(',', pos), text.size());
            const std::string token = text.substr(pos, comma - pos);
            pos = comma + 1;
            const auto spec = exchange::parseStreamToken(token, symbol);
            if (!spec) return makeError("--streams: unknown stream '" + token + "'; accepted: " + acceptedStreamsText());
            if (std::find(specs.begin(), specs.end(), *spec) == specs.end()) specs.push_back(*spec);
        }
    }
    return specs;
}

Result<std::string> symbolArg(const std::string& text) {
    const std::string symbol = toUpperAscii(text);
    if (symbol.empty() || !std::all_of(symbol.begin(), symbol.end(), [](char c) {
            return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
        }))
        return makeError("'" + text + "' is not a symbol (letters, digits and '-', e.g. BTCUSDT or BTC-USDT)");
    return symbol;
}

Result<exchange::Endpoints> streamEndpoints(const ParsedArgs& args, const std::string& venue, MarketType market) {
    const auto defaults = exchange::defaultEndpoints(venue, market);
    if (!defaults) return makeError("--exchange: unknown exchange '" + venue + "'; accepted: " + acceptedExchangesText());
    std::string base = args.value("--endpoint").value_or(defaults->streamBase);
    while (base.ends_with('/')) base.pop_back();
    auto baseUrl = net::Url::parse(base);
    if (!baseUrl) return makeError("--endpoint: " + baseUrl.error().message);
    if (!baseUrl->websocket()) return makeError("--endpoint must be a wss:// (or loopback ws://) URL");
    if (venue == "binance" && baseUrl->target != "/" && !baseUrl->target.empty())
        return makeError("--endpoint is the stream base URL without a path (e.g. wss://stream.binance.com:9443)");
    base = session::withVenueStreamPath(base, venue, market);
    // REST (order book snapshots, the exchange clock, KuCoin's stream token): --rest, else the
    // same loopback host and port as a loopback --endpoint (the simulator serves both), else the
    // exchange's production host.
    std::string rest = defaults->restBase;
    if (auto v = args.value("--rest")) {
        rest = *v;
    } else if (args.has("--endpoint") && net::isLoopbackHost(baseUrl->host)) {
        rest = std::string(baseUrl->secure() ? "https" : "http") + "://" + baseUrl->hostHeader();
    }
    while (rest.ends_with('/')) rest.pop_back();
    auto restUrl = net::Url::parse(rest);
    if (!restUrl) return makeError("--rest: " + restUrl.error().message);
    if (restUrl->websocket()) return makeError("--rest must be an https:// (or loopback http://) URL");
    return exchange::Endpoints{rest, base};
}

int streamThrough(session::MarketSession& market, std::shared_ptr<const exchange::ExchangeAdapter> adapter,
                  storage::StorageWorker& storage, const StreamOptions& options, std::ostream& out,
                  std::ostream& err, const char* name) {
    StreamRun run(storage, options, out, err, name);
    return run.run(market, adapter);
}

Command makeStreamCommand() {
    Command c;
    c.name = "stream";
    c.summary = "print a symbol's live market streams as JSON lines";
    c.usage = "cpc stream SYMBOL [--exchange NAME] [--market spot|perp] [--streams kline_1m,trade,depth,…] [--endpoint URL] [--rest URL] "
              "[--ca-file F] [--max-events N] [--seconds S]";
    c.description =
        "Subscribes to an exchange's market streams of SYMBOL (as the exchange spells it: BTCUSDT,\n"
        "BTC-USDT) and prints every event as one JSON object per line on stdout, with a \"type\" field\n"
        "(kline, trade, aggTrade, book, depth, bookTicker, ticker, miniTicker; on perpetual futures also\n"
        "markPrice, funding (rate, nextFundingTime, countdownMs), openInterest, liquidation); prices and quantities\n"
        "are exact decimal strings. A diff depth stream (depth) keeps a local order book synced (REST\n"
        "snapshot, replay, resync on a gap) and prints its top levels as \"book\". Connection state\n"
        "and reconnects (exponential back-off with jitter; also when the stream goes silent) are\n"
        "reported on stderr. Stops cleanly on Ctrl+C or SIGTERM, after --max-events or after --seconds.\n"
        "Streams: " + acceptedStreamsText() + " (a venue without one of them, e.g. Bybit's\n"
        "aggTrade, serves the nearest it has).\n"
        "Exit status: 0 stopped as asked, 1 the venue refused the streams (or a bad CA file), 2 bad\n"
        "command line.";
    c.options = {
        {"--exchange", "NAME", "the venue: " + acceptedExchangesText() + " (default binance)"},
        marketOption(),
        {"--streams", "LIST", "comma-separated streams (default kline_1m)"},
        {"--endpoint", "URL", "stream base URL (default: the exchange's, e.g. wss://stream.binance.com:9443; ws:// only "
                              "to loopback; without a path, the exchange's path is added: /v5/public/spot on Bybit, "
                              "/ws/v5 on OKX)"},
        {"--rest", "URL", "REST base URL for book snapshots, the clock and KuCoin's token (default: a loopback "
                          "--endpoint's host over http(s)://, else the exchange's)"},
        {"--ca-file", "F", "extra PEM CA certificate(s) to trust"},
        {"--max-events", "N", "stop after N events"},
        {"--seconds", "S", "stop after S seconds"},
        {"--idle-timeout", "S", "reconnect after S seconds without data or ping (default: by stream)"},
    };
    c.maxPositional = 1;
    c.run = runStream;
    return c;
}

}  // namespace cpc::cli
