#include "cpc/alerts/alert_engine.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "cpc/alerts/evaluator.hpp"
#include "cpc/core/time.hpp"
#include "cpc/exchange/registry.hpp"
#include "cpc/session/inbox.hpp"
#include "cpc/session/market_session.hpp"

namespace cpc::alerts {

struct AlertEngine::Impl {
    session::MarketSession& market;
    std::string storePath;
    AlertSink& sink;
    EngineConfig config;

    // Wake-ups of the engine's thread: a post into the empty inbox, or stop().
    std::mutex wakeMutex;
    std::condition_variable wakeCv;
    bool woken = false;       // guarded by wakeMutex
    bool stopping = false;    // guarded by wakeMutex
    session::Inbox inbox{[this] {
        const std::lock_guard lock(wakeMutex);
        woken = true;
        wakeCv.notify_one();
    }};
    std::thread thread;
    std::atomic<bool> running{false};

    // Owned by the engine's thread once started.
    std::unique_ptr<AlertStore> store;
    AlertEvaluator evaluator;
    std::map<std::string, std::shared_ptr<const exchange::ExchangeAdapter>> adapters;
    std::map<SeriesKey, std::unique_ptr<session::MarketFeed>> feeds;
    std::map<std::string, std::int64_t> clockOffsets;  // venue − local, per venue
    std::map<std::int64_t, std::int64_t> savedSeen;    // alert id → seenThroughMs last saved
    std::vector<Trigger> fired;                        // scratch

    mutable std::mutex statsMutex;
    EngineStats stats;  // guarded by statsMutex

    Impl(session::MarketSession& m, std::string path, AlertSink& s, EngineConfig c)
        : market(m), storePath(std::move(path)), sink(s), config(std::move(c)) {}

    // ---- engine thread ----

    Result<std::shared_ptr<const exchange::ExchangeAdapter>> adapterFor(const std::string& venue) {
        if (auto it = adapters.find(venue); it != adapters.end()) return it->second;
        const auto ep = config.endpoints.find(venue);
        auto made = exchange::makeAdapter(venue, ep == config.endpoints.end() ? exchange::Endpoints{} : ep->second);
        if (!made) return made.error();
        std::shared_ptr<const exchange::ExchangeAdapter> adapter(std::move(*made));
        adapters[venue] = adapter;
        return adapter;
    }

    void openFeed(const SeriesKey& key) {
        if (feeds.count(key)) return;
        auto adapter = adapterFor(key.exchange);
        if (!adapter) {
            sink.onProblem("alerts on " + toString(key) + " cannot run: " + adapter.error().message);
            sink.onStatus({key, feed::FeedState::Failed, adapter.error().message});
            return;
        }
        auto feed = std::make_unique<session::MarketFeed>(market.io(), *adapter, market.feedConfig(*adapter, config.feed), inbox);
        feed->open(key);
        feeds[key] = std::move(feed);
    }

    void closeUnusedFeeds() {
        const auto keys = evaluator.keys();
        for (auto it = feeds.begin(); it != feeds.end();) {
            if (std::find(keys.begin(), keys.end(), it->first) == keys.end()) {
                it->second->stop();
                it = feeds.erase(it);
            } else {
                ++it;
            }
        }
    }

    // Alerts that can fire again are evaluated; a done or expired one keeps no feed open.
    Result<Ok> track(const Alert& a) {
        if (a.done || a.expiredAt(nowMs())) return Ok{};
        auto r = evaluator.add(a);
        if (!r) return r;
        savedSeen[a.id] = a.seenThroughMs;
        openFeed(a.key);
        return Ok{};
    }

    void countAlerts() {
        const std::lock_guard lock(statsMutex);
        stats.alerts = evaluator.alertCount();
        stats.feeds = feeds.size();
    }

    // Takes the alerts the store holds now: new ones start, removed ones stop, pauses follow.
    void reload() {
        auto loaded = store->load();
        if (!loaded) {
            sink.onProblem("reading the alerts: " + loaded.error().message);
            return;
        }
        std::set<std::int64_t> ids;
        for (const Alert& a : loaded->alerts) {
            ids.insert(a.id);
            const Alert* held = evaluator.find(a.id);
            if (!held) {
                if (auto r = track(a); !r) sink.onProblem("alert " + std::to_string(a.id) + ": " + r.error().message);
            } else if (held->paused != a.paused) {
                evaluator.setPaused(a.id, a.paused);
            }
        }
        for (const Alert& a : evaluator.alerts())
            if (!ids.count(a.id)) {
                evaluator.remove(a.id);
                savedSeen.erase(a.id);
            }
        closeUnusedFeeds();
        countAlerts();
    }

    void saveStates() {
        std::vector<Alert> changed;
        for (const Alert& a : evaluator.alerts()) {
            auto it = savedSeen.find(a.id);
            if (it == savedSeen.end() || it->second != a.seenThroughMs) changed.push_back(a);
        }
        if (changed.empty()) return;
        if (auto r = store->saveStates(changed); !r) {
            {
                const std::lock_guard lock(statsMutex);
                ++stats.storeFailures;
            }
            sink.onProblem("saving the alerts' evaluation state: " + r.error().message);
            return;
        }
        for (const Alert& a : changed) savedSeen[a.id] = a.seenThroughMs;
    }

    void deliver() {
        for (const Trigger& t : fired) {
            const Alert* state = evaluator.find(t.alertId);
            if (state) {
                if (auto r = store->record(t, *state); !r) {
                    {
                        const std::lock_guard lock(statsMutex);
                        ++stats.storeFailures;
                    }
                    sink.onProblem("alert " + std::to_string(t.alertId) + " fired but the database did not record it: " +
                                   r.error().message);
                } else {
                    savedSeen[t.alertId] = state->seenThroughMs;
                }
            }
            {
                const std::lock_guard lock(statsMutex);
                ++stats.triggers;
                if (t.late) ++stats.lateTriggers;
            }
            sink.onTrigger(t);
        }
        const bool anyDone = std::any_of(fired.begin(), fired.end(), [&](const Trigger& t) {
            const Alert* a = evaluator.find(t.alertId);
            return a && a->done;
        });
        fired.clear();
        if (anyDone) retireFinished();
    }

    // Done (a Once alert that fired) and expired alerts leave the evaluator; a feed nobody else
    // needs closes.
    void retireFinished() {
        const std::int64_t now = nowMs();
        bool removed = false;
        for (const Alert& a : evaluator.alerts()) {
            if (!a.done && !a.expiredAt(now)) continue;
            evaluator.remove(a.id);
            savedSeen.erase(a.id);
            removed = true;
        }
        if (!removed) return;
        closeUnusedFeeds();
        countAlerts();
    }

    // The venue's clock now: local time + the offset its feeds measured (0 until they have).
    std::int64_t marketNow(const std::string& venue) const {
        const auto offset = clockOffsets.find(venue);
        return nowMs() + (offset == clockOffsets.end() ? 0 : offset->second);
    }

    void handle(feed::FeedEvent& event) {
        if (auto* k = std::get_if<exchange::KlineUpdate>(&event)) {
            // A venue message without an event time is taken as happening now (venue clock).
            if (k->eventTimeMs <= 0) k->eventTimeMs = marketNow(k->key.exchange);
            evaluator.onKline(*k, nowMs(), fired);
            const std::lock_guard lock(statsMutex);
            ++stats.klines;
        } else if (auto* h = std::get_if<feed::HistoryBatch>(&event)) {
            if (h->older || h->filled) return;  // not asked for by the engine
            evaluator.onHistory(h->key, h->candles, marketNow(h->key.exchange), nowMs(), fired);
            const std::lock_guard lock(statsMutex);
            stats.historyBars += h->candles.size();
        } else if (auto* s = std::get_if<feed::FeedStatus>(&event)) {
            if (s->clockOffsetMs) clockOffsets[s->key.exchange] = *s->clockOffsetMs;
            if (feeds.count(s->key)) sink.onStatus({s->key, s->state, s->detail});
        } else if (auto* e = std::get_if<feed::FeedError>(&event)) {
            if (feeds.count(e->key)) {
                sink.onStatus({e->key, feed::FeedState::Failed, e->error.message});
                sink.onProblem("alerts on " + toString(e->key) + " are not evaluated: " + e->error.message);
            }
        }
        deliver();
    }

    void run() {
        auto nextSave = std::chrono::steady_clock::now() + config.saveEvery;
        auto nextReload = std::chrono::steady_clock::now() + config.reloadEvery;
        for (;;) {
            {
                std::unique_lock lock(wakeMutex);
                wakeCv.wait_until(lock, std::min(nextSave, nextReload), [&] { return woken || stopping; });
                woken = false;
                if (stopping) break;
            }
            for (auto& item : inbox.takeAll()) {
                if (auto* event = std::get_if<feed::FeedEvent>(&item)) handle(*event);
                else std::get<session::Task>(item)();
            }
            const auto now = std::chrono::steady_clock::now();
            if (now >= nextReload) {
                if (store->changedElsewhere()) reload();
                nextReload = now + config.reloadEvery;
            }
            if (now >= nextSave) {
                saveStates();
                retireFinished();
                nextSave = now + config.saveEvery;
            }
        }
        for (auto& [key, feed] : feeds) feed->stop();
        // What the feeds posted before they stopped is still evaluated (and recorded).
        for (auto& item : inbox.takeAll()) {
            if (auto* event = std::get_if<feed::FeedEvent>(&item)) handle(*event);
            else std::get<session::Task>(item)();
        }
        feeds.clear();
        saveStates();
    }

    // Runs `job` on the engine's thread and waits for its result.
    template <class R>
    R onEngine(std::function<R()> job, R whenStopped) {
        if (!running) return whenStopped;
        auto task = std::make_shared<std::packaged_task<R()>>(std::move(job));
        auto result = task->get_future();
        inbox.post(session::Task([task] { (*task)(); }));
        // A stop before the task ran drops it (the promise breaks).
        try {
            return result.get();
        } catch (const std::future_error&) {
            return whenStopped;
        }
    }
};

AlertEngine::AlertEngine(session::MarketSession& market, std::string storePath, AlertSink& sink, EngineConfig config)
    : m_impl(std::make_unique<Impl>(market, std::move(storePath), sink, std::move(config))) {}

AlertEngine::~AlertEngine() { stop(); }

Result<Ok> AlertEngine::start() {
    if (m_impl->running) return Ok{};
    auto store = AlertStore::open(m_impl->storePath);
    if (!store) return store.error();
    m_impl->store = std::move(*store);
    auto loaded = m_impl->store->load();
    if (!loaded) return loaded.error();
    for (const auto& p : loaded->problems) m_impl->sink.onProblem(p);
    for (const Alert& a : loaded->alerts)
        if (auto r = m_impl->track(a); !r) m_impl->sink.onProblem("alert " + std::to_string(a.id) + ": " + r.error().message);
    m_impl->countAlerts();
    m_impl->store->changedElsewhere();
    m_impl->running = true;
    m_impl->thread = std::thread([impl = m_impl.get()] { impl->run(); });
    return Ok{};
}

void AlertEngine::stop() {
    if (!m_impl->thread.joinable()) return;
    {
        const std::lock_guard lock(m_impl->wakeMutex);
        m_impl->stopping = true;
        m_impl->wakeCv.notify_one();
    }
    m_impl->thread.join();
    m_impl->running = false;
    // Tasks posted too late are dropped with their promises (their callers get "stopped").
    m_impl->inbox.takeAll();
}

namespace {
Error stoppedError() { return makeError("the alert engine is not running"); }
}  // namespace

Result<std::int64_t> AlertEngine::add(Alert alert) {
    Impl* impl = m_impl.get();
    return impl->onEngine<Result<std::int64_t>>(
        [impl, alert]() mutable -> Result<std::int64_t> {
            if (alert.createdMs == 0) alert.createdMs = nowMs();
            auto id = impl->store->add(alert);
            if (!id) return id.error();
            if (auto r = impl->track(alert); !r) {
                (void)impl->store->remove(alert.id);
                return r.error();
            }
            impl->countAlerts();
            return *id;
        },
        stoppedError());
}

Result<Ok> AlertEngine::remove(std::int64_t id) {
    Impl* impl = m_impl.get();
    return impl->onEngine<Result<Ok>>(
        [impl, id]() -> Result<Ok> {
            auto r = impl->store->remove(id);
            if (!r) return r;
            impl->evaluator.remove(id);
            impl->savedSeen.erase(id);
            impl->closeUnusedFeeds();
            impl->countAlerts();
            return Ok{};
        },
        stoppedError());
}

Result<Ok> AlertEngine::setPaused(std::int64_t id, bool paused) {
    Impl* impl = m_impl.get();
    return impl->onEngine<Result<Ok>>(
        [impl, id, paused]() -> Result<Ok> {
            auto r = impl->store->setPaused(id, paused);
            if (r) impl->evaluator.setPaused(id, paused);
            return r;
        },
        stoppedError());
}

std::vector<Alert> AlertEngine::alerts() {
    Impl* impl = m_impl.get();
    return impl->onEngine<std::vector<Alert>>([impl] { return impl->evaluator.alerts(); }, {});
}

Result<LoadedAlerts> AlertEngine::storedAlerts() {
    Impl* impl = m_impl.get();
    return impl->onEngine<Result<LoadedAlerts>>([impl] { return impl->store->load(); }, stoppedError());
}

Result<std::vector<Trigger>> AlertEngine::log(std::size_t limit) {
    Impl* impl = m_impl.get();
    return impl->onEngine<Result<std::vector<Trigger>>>([impl, limit] { return impl->store->triggers(0, limit); },
                                                         stoppedError());
}

void AlertEngine::dropConnections() {
    Impl* impl = m_impl.get();
    impl->onEngine<int>(
        [impl] {
            for (auto& [key, feed] : impl->feeds) feed->dropConnection();
            return 0;
        },
        0);
}

EngineStats AlertEngine::stats() const {
    const std::lock_guard lock(m_impl->statsMutex);
    return m_impl->stats;
}

}  // namespace cpc::alerts
