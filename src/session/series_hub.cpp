#include "cpc/session/series_hub.hpp"

#include <algorithm>

#include "cpc/market/aggregate.hpp"
#include "cpc/storage/coverage.hpp"
#include "cpc/storage/storage_worker.hpp"

namespace cpc::session {

// ---- observers -------------------------------------------------------------------------------

struct SeriesHub::Subscription::Registry {
    struct Entry {
        SeriesKey key;
        std::shared_ptr<const Observer> observer;  // held while called: it may unsubscribe itself
    };
    std::map<std::uint64_t, Entry> entries;  // by id: subscription order
    std::uint64_t nextId = 1;
};

SeriesHub::Subscription::Subscription(Subscription&& other) noexcept
    : m_registry(std::move(other.m_registry)), m_id(std::exchange(other.m_id, 0)) {}

SeriesHub::Subscription& SeriesHub::Subscription::operator=(Subscription&& other) noexcept {
    if (this != &other) {
        reset();
        m_registry = std::move(other.m_registry);
        m_id = std::exchange(other.m_id, 0);
    }
    return *this;
}

SeriesHub::Subscription::~Subscription() { reset(); }

void SeriesHub::Subscription::reset() {
    if (auto registry = m_registry.lock()) registry->entries.erase(m_id);
    m_registry.reset();
    m_id = 0;
}

SeriesHub::Subscription SeriesHub::subscribe(SeriesKey key, Observer observer) {
    const std::uint64_t id = m_observers->nextId++;
    m_observers->entries.emplace(
        id, Subscription::Registry::Entry{std::move(key), std::make_shared<const Observer>(std::move(observer))});
    return Subscription(m_observers, id);
}

void SeriesHub::notify(const SeriesChange& change) {
    // Observers may subscribe or unsubscribe while they are told: pick the listeners first.
    std::vector<std::shared_ptr<const Observer>> listeners;
    for (const auto& [id, entry] : m_observers->entries)
        if (entry.key == change.key) listeners.push_back(entry.observer);
    for (const auto& listener : listeners) (*listener)(change);
}

void SeriesHub::notifyUpdate(const SeriesKey& key, std::span<const Candle> changed) {
    if (changed.empty()) return;
    std::int64_t from = changed.front().openTime;
    std::int64_t to = from;
    for (const Candle& c : changed) {
        from = std::min(from, c.openTime);
        to = std::max(to, c.openTime);
    }
    notify(SeriesChange{key, SeriesChange::Kind::Update, from, to});
}

// ---- the hub ---------------------------------------------------------------------------------

SeriesHub::SeriesHub(storage::StorageWorker& storage, Hooks hooks, std::size_t memoryBudgetBytes)
    : m_storage(storage),
      m_hooks(std::move(hooks)),
      m_observers(std::make_shared<Subscription::Registry>()),
      m_store(memoryBudgetBytes) {}

SeriesHub::~SeriesHub() = default;

template <class Fn>
auto SeriesHub::onOwnerThread(Fn fn) {
    // The storage thread calls this with its answer; the handler runs later on the owner
    // thread, and not at all if the hub is gone by then (the weak token tells, on that thread).
    return [post = m_hooks.post, alive = std::weak_ptr<int>(m_alive), this, fn = std::move(fn)](auto result) {
        auto shared = std::make_shared<decltype(result)>(std::move(result));
        post([alive, this, fn, shared] {
            if (alive.lock()) fn(this, *shared);
        });
    };
}

std::optional<std::int64_t> SeriesHub::resumePoint(const SeriesKey& key) const {
    const market::CandleSeries* series = m_store.find(key);
    return series ? series->lastClosedOpenTime() : std::nullopt;
}

void SeriesHub::open(const SeriesKey& key) {
    m_key = key;
    m_olderLoadInFlight = false;
    m_olderFromVenue = false;
    m_cacheExhausted = false;
    m_startReached = false;
    m_fills.clear();  // pages of an earlier opening's holes are dropped (asked again next time)
    const std::uint64_t generation = ++m_openGeneration;
    market::CandleSeries& series = m_store.series(key);  // exists before observers read it
    const bool memoryHit = !series.empty();
    // Instant switch: derive the new timeframe from a finer one already in memory while the
    // venue's own candles load (they replace the derived ones where they differ). The derived
    // span is remembered: what the feed's backfill does not reach is asked of the venue with the
    // cache's holes, so no derived candle stays where the venue has its own.
    m_holeSearch = HoleSearch{};
    if (!memoryHit) {
        seedFromFinerInterval(key, series);
        m_holeSearch.pending = true;
        m_holeSearch.generation = generation;
        if (!series.empty())
            m_holeSearch.derived.emplace(series[0].openTime, nextBucketStart(key.interval, series.last()->openTime));
    }
    enforceBudget();  // memory tier: least recently used go first
    const std::optional<std::int64_t> resume = series.lastClosedOpenTime();
    notify(SeriesChange{key, SeriesChange::Kind::Reset});
    if (generation != m_openGeneration) return;  // an observer opened another series meanwhile

    if (memoryHit) {
        // Memory tier hit: shown already; resume from the newest closed candle. Its holes are
        // searched again (against the coverage table): a hole whose load failed, or was cut short
        // by a switch, on an earlier opening is asked for now.
        if (m_hooks.openFeed) m_hooks.openFeed(key, resume);
        if (resume) {
            m_holeSearch.pending = true;
            m_holeSearch.generation = generation;
            m_holeSearch.cacheLoaded = true;
            m_holeSearch.fromMemory = true;
            m_holeSearch.upTo = nextBucketStart(key.interval, *resume);
        }
        // The coverage, for the search and (when not known yet) the listing start.
        if (resume || !m_listingStarts.contains(key)) loadListingStart(key, generation);
        checkListingStart();
        return;
    }
    // SQLite tier: load on the storage thread, merge on the owner thread, then go to the venue,
    // asking only for what the cache lacks.
    m_storage.loadLatest(key, kInitialCachedCandles,
                         onOwnerThread([key, generation](SeriesHub* hub, Result<std::vector<Candle>>& loaded) {
                             hub->onLatestLoaded(key, generation, loaded);
                         }));
    loadListingStart(key, generation);  // queued after the load: answers after it merged
}

void SeriesHub::onLatestLoaded(const SeriesKey& key, std::uint64_t generation, Result<std::vector<Candle>>& loaded) {
    if (generation != m_openGeneration) return;  // another series was opened since
    market::CandleSeries& series = m_store.series(key);
    std::optional<std::int64_t> resume;
    if (loaded.ok()) {
        for (auto it = loaded->rbegin(); it != loaded->rend() && !resume; ++it)
            if (it->closed) resume = it->openTime;
        if (series.merge(*loaded) > 0) {
            notifyUpdate(key, *loaded);
            updateDerived(key, *loaded, true);
        }
    } else if (m_hooks.notice) {
        m_hooks.notice("cache: " + loaded.error().message);
    }
    if (generation != m_openGeneration) return;  // an observer opened another series
    if (m_hooks.openFeed) m_hooks.openFeed(key, resume);
    if (m_holeSearch.pending && m_holeSearch.generation == generation) {
        m_holeSearch.cacheLoaded = true;
        if (loaded.ok()) {
            m_holeSearch.cached.reserve(loaded->size());
            for (const Candle& c : *loaded) m_holeSearch.cached.push_back(c.openTime);
        }
        // The feed fetches everything after the resume point; without one, its newest page (see
        // applyHistory). Nothing cached and nothing derived: no holes.
        if (resume) m_holeSearch.upTo = nextBucketStart(key.interval, *resume);
        else if (!m_holeSearch.derived) m_holeSearch.pending = false;
        searchHoles();
    }
}

void SeriesHub::searchHoles() {
    HoleSearch& search = m_holeSearch;
    if (!search.pending || search.generation != m_openGeneration || !search.cacheLoaded || !search.coverage ||
        !search.upTo)
        return;
    search.pending = false;
    const SeriesKey& key = m_key;
    if (search.fromMemory) {
        const market::CandleSeries* series = m_store.find(key);
        if (!series) return;
        search.cached.clear();
        search.cached.reserve(series->size());
        for (const Candle& c : series->candles()) search.cached.push_back(c.openTime);
    }
    std::optional<std::int64_t> lo;
    if (!search.cached.empty()) lo = search.cached.front();
    if (search.derived) lo = std::min(lo.value_or(search.derived->first), search.derived->first);
    if (!lo || *lo >= *search.upTo || !m_hooks.loadRange) return;
    // Buckets the cache lacks in [lo, upTo) (derived candles are not the venue's), minus what the
    // coverage table explains: the venue has none there (Gap), or every one it has is stored
    // (Complete: a venue that skips intervals without trades).
    std::vector<storage::TimeRange> holes;
    for (const auto& [from, to] : storage::absentRuns(search.cached, key.interval, *lo, *search.upTo))
        for (const storage::TimeRange& hole : storage::missingRanges(*search.coverage, from, to))
            holes.push_back(hole);
    // Newest first; holes close to each other are one request.
    const std::int64_t mergeSpan = kHoleMergeCandles * nominalMs(key.interval);
    std::vector<storage::TimeRange> asks;
    for (auto it = holes.rbegin(); it != holes.rend(); ++it) {
        if (!asks.empty() && asks.back().second - it->first <= mergeSpan) {
            asks.back().first = it->first;
            continue;
        }
        if (asks.size() == kMaxHolesPerOpen) break;
        asks.push_back(*it);
    }
    for (const auto& [from, to] : asks) {
        m_fills.push_back(Fill{key, from, to});
        ++m_holeVenueRequests;
        m_hooks.loadRange(key, from, to);
    }
}

void SeriesHub::loadListingStart(const SeriesKey& key, std::uint64_t generation) {
    m_storage.loadCoverage(key, onOwnerThread([key, generation](SeriesHub* hub,
                                                                 Result<std::vector<storage::CoverageRange>>& r) {
        if (!r) return;  // the load of the candles reported the cache's trouble already
        std::optional<std::int64_t> listing;
        for (const storage::CoverageRange& range : *r)
            if (range.kind == storage::CoverageKind::Gap && range.fromMs <= kBeforeListingFromMs)
                listing = std::max(listing.value_or(range.toMs), range.toMs);
        if (generation == hub->m_openGeneration && hub->m_holeSearch.generation == generation) {
            hub->m_holeSearch.coverage = *r;
            hub->searchHoles();
        }
        if (!listing) return;
        hub->m_listingStarts[key] = *listing;
        if (generation == hub->m_openGeneration) hub->checkListingStart();
    }));
}

bool SeriesHub::checkListingStart() {
    if (m_startReached) return true;
    const auto it = m_listingStarts.find(m_key);
    const market::CandleSeries* series = openSeries();
    if (it != m_listingStarts.end() && series && !series->empty() && (*series)[0].openTime <= it->second)
        m_startReached = true;
    return m_startReached;
}

bool SeriesHub::apply(feed::FeedEvent&& event) {
    if (const auto* k = std::get_if<exchange::KlineUpdate>(&event)) return applyKline(*k);
    if (auto* h = std::get_if<feed::HistoryBatch>(&event)) return applyHistory(std::move(*h));
    if (const auto* err = std::get_if<feed::FeedError>(&event)) applyError(*err);
    return false;
}

bool SeriesHub::applyKline(const exchange::KlineUpdate& update) {
    market::CandleSeries& series = m_store.series(update.key);
    const auto outcome = series.upsert(update.candle);
    if (update.candle.closed) persistClosed(update.key, {update.candle});
    if (outcome == market::UpsertOutcome::Unchanged) return false;
    if (outcome != market::UpsertOutcome::IgnoredClosed && outcome != market::UpsertOutcome::Rejected) {
        const std::span<const Candle> changed(&update.candle, 1);
        notifyUpdate(update.key, changed);
        updateDerived(update.key, changed, false);
    }
    return true;
}

bool SeriesHub::applyHistory(feed::HistoryBatch&& batch) {
    if (batch.filled) return applyFilled(std::move(batch));
    if (!batch.older && batch.key == m_key && m_holeSearch.pending && m_holeSearch.cacheLoaded &&
        !m_holeSearch.upTo && !batch.candles.empty()) {
        // The feed's first page of an opening without a cache: the derived candles older than it
        // are asked of the venue.
        m_holeSearch.upTo = batch.candles.front().openTime;
        searchHoles();
    }
    if (batch.older) {
        // Scroll-back page: only the one asked for the open series (a page of a series the user
        // left, or of an earlier opening of this one, is dropped).
        // A load may come in several pages, newest first; its last one says so (rangeEnd).
        if (batch.key != m_key || !m_olderFromVenue || !m_olderLoadInFlight) return false;
        if (batch.rangeEnd || batch.startReached) {
            m_olderLoadInFlight = false;
            m_olderFromVenue = false;
        }
        std::erase_if(batch.candles, [this](const Candle& c) { return c.openTime >= m_olderBefore; });
        if (batch.startReached) {
            // Nothing older: stop asking, now and (via the coverage table) after a reopen.
            m_startReached = true;
            std::int64_t first = m_olderBefore;
            for (const Candle& c : batch.candles) first = std::min(first, c.openTime);
            m_listingStarts[batch.key] = first;
            if (first > kBeforeListingFromMs && !m_readOnly)
                m_storage.recordCoverage(batch.key, kBeforeListingFromMs, first, storage::CoverageKind::Gap);
        }
        if (batch.candles.empty()) return false;
    }
    market::CandleSeries& series = m_store.series(batch.key);
    if (series.merge(batch.candles) > 0) {
        notifyUpdate(batch.key, batch.candles);
        updateDerived(batch.key, batch.candles, true);
    }
    persistClosed(batch.key, std::move(batch.candles));
    return true;
}

bool SeriesHub::applyFilled(feed::HistoryBatch&& batch) {
    // Only pages of a range asked for (an earlier opening's are dropped).
    const auto fill = std::find_if(m_fills.begin(), m_fills.end(), [&](const Fill& f) {
        return f.key == batch.key && f.from <= batch.fromOpenTime && batch.toOpenTime <= f.to;
    });
    if (fill == m_fills.end()) return false;
    if (batch.rangeEnd) m_fills.erase(fill);
    std::erase_if(batch.candles, [&](const Candle& c) {
        return c.openTime < batch.fromOpenTime || c.openTime >= batch.toOpenTime;
    });
    const std::int64_t from = batch.fromOpenTime;
    const std::int64_t to = batch.toOpenTime;
    const bool empty = batch.candles.empty();
    market::CandleSeries& series = m_store.series(batch.key);
    if (!empty && series.merge(batch.candles) > 0) {
        notifyUpdate(batch.key, batch.candles);
        updateDerived(batch.key, batch.candles, true);
    }
    // The page answers for exactly [from, to): the venue has nothing there (no trades, an outage:
    // a Gap), or all it has is stored — recorded Complete only once the candles are written (a
    // save that fails records nothing, so the next opening asks again). Either way, recorded, the
    // next opening does not ask again.
    if (from >= to) {
        persistClosed(batch.key, std::move(batch.candles));
    } else if (m_readOnly) {
        // nothing is written
    } else if (empty) {
        m_storage.recordCoverage(batch.key, from, to, storage::CoverageKind::Gap);
    } else {
        std::erase_if(batch.candles, [](const Candle& c) { return !c.closed; });  // (a filled page has none)
        m_storage.save(batch.key, std::move(batch.candles), storage::CoverageRange{from, to, storage::CoverageKind::Complete});
    }
    return !empty;
}

void SeriesHub::applyError(const feed::FeedError& error) {
    // A failed hole load ends that hole's load only, and is not recorded: the next opening asks
    // again. The other holes' pages are still taken.
    if (error.job == feed::FeedError::Job::Range)
        std::erase_if(m_fills, [&](const Fill& f) {
            return f.key == error.key && f.from == error.fromOpenTime && f.to == error.toOpenTime;
        });
    // A failed scroll-back page ends its load; the next scroll asks again.
    if (error.job == feed::FeedError::Job::Older && error.key == m_key && m_olderFromVenue && m_olderLoadInFlight) {
        m_olderLoadInFlight = false;
        m_olderFromVenue = false;
    }
}

void SeriesHub::loadOlder() {
    const market::CandleSeries* series = openSeries();
    if (!series || series->empty() || m_olderLoadInFlight || checkListingStart()) return;
    if (m_cacheExhausted) {
        requestOlderFromVenue();
        return;
    }
    m_olderLoadInFlight = true;
    const SeriesKey key = m_key;
    const std::uint64_t generation = m_openGeneration;
    const std::int64_t first = (*series)[0].openTime;
    const std::int64_t step = nominalMs(key.interval);
    const std::int64_t from = first - static_cast<std::int64_t>(kInitialCachedCandles) * step;
    m_storage.loadRange(key, from, first - 1,
                        onOwnerThread([key, generation, from, step](SeriesHub* hub, Result<std::vector<Candle>>& r) {
                            hub->onOlderLoaded(key, generation, from, step, r);
                        }));
}

void SeriesHub::onOlderLoaded(const SeriesKey& key, std::uint64_t generation, std::int64_t from, std::int64_t step,
                              Result<std::vector<Candle>>& loaded) {
    if (generation != m_openGeneration) return;
    m_olderLoadInFlight = false;
    if (!loaded.ok()) {
        if (m_hooks.notice) m_hooks.notice("cache: " + loaded.error().message);
        m_cacheExhausted = true;  // the venue has them
        requestOlderFromVenue();
        return;
    }
    market::CandleSeries& series = m_store.series(key);
    const std::vector<Candle>& older = *loaded;
    // Cached candles are used only when they join the series (a calendar month may be up to a
    // day longer than the nominal one): a hole in the cache is not shown as a gap in the chart,
    // the venue fills it instead.
    const bool joins = !older.empty() && !series.empty() && older.back().openTime < series[0].openTime &&
                       older.back().openTime >= series[0].openTime - 2 * step;
    if (joins && series.merge(older) > 0) {
        notifyUpdate(key, older);
        updateDerived(key, older, true);
    }
    if (generation != m_openGeneration || checkListingStart()) return;  // the cache reached the listing
    // Nothing cached before the series, or the cached run ends inside the window read: what is
    // older comes from the venue, now (the chart asks again only after it grew).
    if (older.empty() || (joins && older.front().openTime > from + 2 * step)) m_cacheExhausted = true;
    if (!joins || m_cacheExhausted) requestOlderFromVenue();
}

void SeriesHub::requestOlderFromVenue() {
    const market::CandleSeries* series = openSeries();
    if (!m_hooks.loadOlder || !series || series->empty() || m_olderLoadInFlight || checkListingStart()) return;
    // The feed was opened for m_key before any scroll-back reaches here (the cache load that
    // precedes it is queued after the one that opens the feed), so opening cannot cancel this.
    m_olderLoadInFlight = true;
    m_olderFromVenue = true;
    m_olderBefore = (*series)[0].openTime;
    ++m_olderVenueRequests;
    // Exactly one HistoryBatch (or a FeedError) answers it.
    m_hooks.loadOlder(m_key, m_olderBefore);
}

void SeriesHub::persistClosed(const SeriesKey& key, std::vector<Candle> candles) {
    if (m_readOnly) return;
    std::erase_if(candles, [](const Candle& c) { return !c.closed; });  // only final candles persist
    if (!candles.empty()) m_storage.save(key, std::move(candles));
}

void SeriesHub::seedFromFinerInterval(const SeriesKey& key, market::CandleSeries& target) {
    if (key.interval == Interval::D3) return;  // 3d needs the listing day anchor; wait for the venue
    const market::CandleSeries* best = nullptr;
    for (Interval finer : kAllIntervals) {
        if (finer == key.interval || !divides(finer, key.interval)) continue;
        const market::CandleSeries* s = m_store.find(SeriesKey{key.exchange, key.symbol, finer});
        if (!s || s->empty()) continue;
        const auto span = [](const market::CandleSeries* x) { return x->last()->openTime - (*x)[0].openTime; };
        if (!best || span(s) > span(best)) best = s;  // the one covering the most time
    }
    if (!best) return;
    // Into a reused buffer: a switch does not fault in fresh pages for its output.
    market::aggregateInto(best->candles(), best->key().interval, key.interval, m_aggregateScratch);
    std::span<const Candle> derived = m_aggregateScratch;
    // The first bucket is partial unless the source starts where it opens.
    if (!derived.empty() && derived.front().openTime < (*best)[0].openTime) derived = derived.subspan(1);
    target.merge(derived);
}

void SeriesHub::updateDerived(const SeriesKey& sourceKey, std::span<const Candle> changed, bool batch) {
    const market::CandleSeries* source = m_store.find(sourceKey);
    if (!source || source->empty() || changed.empty()) return;
    for (const SeriesKey& key : m_store.keys()) {
        // 3d needs the listing-day anchor, which only the venue's candles carry.
        if (key.exchange != sourceKey.exchange || key.symbol != sourceKey.symbol || key.interval == Interval::D3 ||
            key.interval == sourceKey.interval || !divides(sourceKey.interval, key.interval))
            continue;
        market::CandleSeries* target = m_store.find(key);
        if (!target || target->empty()) continue;  // only timeframes the user has opened
        auto& aggregator = m_aggregators.try_emplace({sourceKey, key.interval}, sourceKey.interval, key.interval)
                               .first->second;
        const auto previousClose = [target](std::int64_t bucketOpen) -> std::optional<Decimal> {
            const std::size_t i = target->lowerBound(bucketOpen);
            return i == 0 ? std::nullopt : std::optional<Decimal>((*target)[i - 1].close);
        };
        std::vector<Candle> derived;
        if (batch) {
            // History merged into the source: recompute each bucket it touched from the source.
            std::vector<std::int64_t> buckets;
            for (const Candle& c : changed)
                if (source->find(c.openTime)) buckets.push_back(bucketStart(key.interval, c.openTime));
            std::sort(buckets.begin(), buckets.end());
            buckets.erase(std::unique(buckets.begin(), buckets.end()), buckets.end());
            for (const std::int64_t b : buckets) derived.push_back(aggregator.recompute(*source, b, previousClose(b)));
        } else {
            for (const Candle& c : changed) {
                auto out = aggregator.apply(*source, c, previousClose(bucketStart(key.interval, c.openTime)));
                derived.insert(derived.end(), out.begin(), out.end());
            }
        }
        const std::int64_t sourceStart = (*source)[0].openTime;
        std::vector<Candle> upserted;
        for (const Candle& d : derived) {
            if (d.openTime < sourceStart) continue;  // the source starts inside this bucket: partial
            // A final candle already there (the venue's own, or one derived earlier) is kept: the
            // venue's candles are the authority, derived ones only fill in until they come.
            if (const auto existing = target->find(d.openTime); existing && existing->closed) continue;
            const auto outcome = target->upsert(d);
            if (outcome != market::UpsertOutcome::Unchanged && outcome != market::UpsertOutcome::IgnoredClosed &&
                outcome != market::UpsertOutcome::Rejected)
                upserted.push_back(d);
        }
        notifyUpdate(key, upserted);
    }
}

void SeriesHub::enforceBudget() {
    const std::vector<SeriesKey> before = m_store.keys();
    if (m_store.enforceBudget(m_key) == 0) return;
    std::erase_if(m_aggregators, [this](const auto& entry) {
        const auto& [source, target] = entry.first;
        return !m_store.find(source) || !m_store.find(SeriesKey{source.exchange, source.symbol, target});
    });
    for (const SeriesKey& key : before)
        if (!m_store.find(key)) notify(SeriesChange{key, SeriesChange::Kind::Reset});
}

void SeriesHub::setMemoryBudgetBytes(std::size_t bytes) {
    m_store.setBudgetBytes(bytes);
    enforceBudget();
}

}  // namespace cpc::session
