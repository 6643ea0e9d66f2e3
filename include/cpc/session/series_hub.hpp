#pragma once
// Every candle series of the process, Qt-free: the memory tier (CandleStore and its byte
// budget), timeframes derived from a finer series in memory (at once when one opens, then live
// through one TimeframeAggregator per pair), the cache load on open, the saving of closed
// candles, scroll-back (SQLite first, then the venue) and the listing start (the coverage table).
//
// Threads: the hub is driven on ONE owner thread (the GUI thread in the app, the test's thread in
// tests) and never locks. Storage answers arrive on the storage thread; the hub hands them back
// through the injected `post` executor and handles them when the owner runs them. What the venue
// must do (open the feed from a resume point, load an older page) the hub asks of its owner,
// which forwards it to session::MarketFeed; the feed's events come back through apply().
// Observers subscribe to a series key and are told what changed.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "cpc/feed/feed_events.hpp"
#include "cpc/market/candle_store.hpp"
#include "cpc/market/timeframe_aggregator.hpp"
#include "cpc/session/inbox.hpp"
#include "cpc/storage/candle_database.hpp"

namespace cpc::storage { class StorageWorker; }

namespace cpc::session {

// A change notice of one series.
struct SeriesChange {
    enum class Kind : std::uint8_t {
        Reset,   // read the series anew: it was (re)opened, or evicted from memory (find() is null)
        Update,  // candles with open times in [fromOpenTime, toOpenTime] were added or changed
    };
    SeriesKey key;
    Kind kind = Kind::Update;
    std::int64_t fromOpenTime = 0;  // Update only
    std::int64_t toOpenTime = 0;    // Update only
};

class SeriesHub {
public:
    using Observer = std::function<void(const SeriesChange&)>;

    // What the hub needs from its owner. Only `post` may be called off the owner thread.
    struct Hooks {
        // Runs a closure on the owner thread later (the app: through the GUI mailbox). Called on
        // the storage thread; required.
        Executor post;
        // Open the venue's feed for `key` from the newest closed candle the hub holds (nullopt:
        // nothing cached, the newest page): MarketFeed::open(key, resumeFromOpenTime).
        std::function<void(const SeriesKey& key, std::optional<std::int64_t> resumeFromOpenTime)> openFeed;
        // The venue's candles opening before `beforeOpenTime`: MarketFeed::loadOlder(key,
        // beforeOpenTime, <one page or more>). Its HistoryBatches (older, newest first; the last
        // with rangeEnd or startReached) or a FeedError must come back through apply(). Empty:
        // scroll-back stops at the cache.
        std::function<void(const SeriesKey& key, std::int64_t beforeOpenTime)> loadOlder;
        // Every candle of the venue with open times in [fromOpenTime, toOpenTime) (a hole in the
        // cache, or candles the hub derived from a finer series): MarketFeed::loadRange. Its
        // HistoryBatches (filled) or FeedError must come back through apply(). Empty: holes stay.
        std::function<void(const SeriesKey& key, std::int64_t fromOpenTime, std::int64_t toOpenTime)> loadRange;
        // Something the user should hear about (the cache could not be read). May be empty.
        std::function<void(const std::string& message)> notice;
    };

    // Unsubscribes when destroyed (or reset); may outlive the hub. Owner thread only.
    class Subscription {
    public:
        Subscription() = default;
        Subscription(Subscription&& other) noexcept;
        Subscription& operator=(Subscription&& other) noexcept;
        Subscription(const Subscription&) = delete;
        Subscription& operator=(const Subscription&) = delete;
        ~Subscription();
        void reset();
        explicit operator bool() const { return m_id != 0; }

    private:
        friend class SeriesHub;
        struct Registry;
        Subscription(std::weak_ptr<Registry> registry, std::uint64_t id)
            : m_registry(std::move(registry)), m_id(id) {}
        std::weak_ptr<Registry> m_registry;
        std::uint64_t m_id = 0;
    };

    // How many cached candles a series shows when it opens, and a scroll-back reads from SQLite.
    static constexpr std::size_t kInitialCachedCandles = 5000;
    // Where the coverage Gap recorded at the listing start begins: the Unix epoch (no venue has
    // candles before it).
    static constexpr std::int64_t kBeforeListingFromMs = 0;
    // Holes asked of the venue per opening at most (the newest first); the rest on later openings.
    static constexpr std::size_t kMaxHolesPerOpen = 8;
    // Holes closer than this many candles are asked for as one range (one or a few REST pages
    // instead of a request per missing candle).
    static constexpr std::int64_t kHoleMergeCandles = 1000;

    SeriesHub(storage::StorageWorker& storage, Hooks hooks,
              std::size_t memoryBudgetBytes = market::CandleStore::kDefaultBudgetBytes);
    ~SeriesHub();
    SeriesHub(const SeriesHub&) = delete;
    SeriesHub& operator=(const SeriesHub&) = delete;
    // A replay's hub reads the cache but never writes it: no candle saved, no coverage recorded
    // (replayed candles are not the venue's, and must not stand in for them in the live cache).
    void setReadOnly(bool readOnly) { m_readOnly = readOnly; }
    bool readOnly() const { return m_readOnly; }

    // `observer` hears of every change of `key` (on the owner thread, while the hub works: it
    // may call the hub's const methods, subscribe and unsubscribe).
    [[nodiscard]] Subscription subscribe(SeriesKey key, Observer observer);

    // Makes `key` the open series (the one the feed streams, never evicted, the one scroll-back
    // applies to), with its candles at once where possible:
    // 1. memory tier hit: shown as is; the feed opens from its newest closed candle;
    // 2. else derived from a finer series of the symbol in memory (not 3d, which needs the
    //    listing day; a partial first bucket is dropped); the venue's candles replace them;
    // 3. the newest kInitialCachedCandles cached candles are loaded on the storage thread and
    //    merged; the feed then opens from the newest closed one of them;
    // 4. with the series' coverage read: the holes between the cached candles (and the derived
    //    candles the feed's backfill does not reach) that the coverage table does not explain are
    //    asked of the venue (Hooks::loadRange, at most kMaxHolesPerOpen, newest first); what it
    //    answers is merged, saved and recorded in the coverage table (Complete, or Gap when it has
    //    no candles there), so the next opening asks nothing.
    // Observers of `key` get a Reset at once. The coverage table's listing start is read too.
    void open(const SeriesKey& key);
    const SeriesKey& openKey() const { return m_key; }

    // A feed event (owner thread): KlineUpdate (upsert; a closed candle is saved), HistoryBatch
    // (merged and saved; a scroll-back page only when it answers this hub's request for the open
    // series), FeedError (ends the scroll-back request it answers). Other events are ignored.
    // Every coarser series of the symbol in memory follows a change live. Returns whether the
    // event was taken: a kline that is not a repeat of the held candle, a history batch not
    // dropped and not empty after its overlap was cut.
    bool apply(feed::FeedEvent&& event);

    // The open series was scrolled back to its first candle: older candles from SQLite first
    // (only a cached run that joins the series); when the cache has none or its run ends inside
    // the window read, one page from the venue in the same step (Hooks::loadOlder). One load at a
    // time; nothing once the listing start is reached.
    void loadOlder();
    bool olderLoading() const { return m_olderLoadInFlight; }
    // The venue has nothing older than the open series' first candle (it said so now, or the
    // coverage table remembered it for these candles).
    bool startReached() const { return m_startReached; }
    // Hooks::loadOlder requests made (every series).
    std::uint64_t olderVenueRequests() const { return m_olderVenueRequests; }
    // Hooks::loadRange requests made (every series), and those not answered to the end yet.
    std::uint64_t holeVenueRequests() const { return m_holeVenueRequests; }
    std::size_t holesLoading() const { return m_fills.size(); }
    // The open series' hole search is done: nothing to ask, or every hole asked (holesLoading()
    // then tells whether the answers are in).
    bool holesSearched() const { return !m_holeSearch.pending; }

    const market::CandleSeries* find(const SeriesKey& key) const { return m_store.find(key); }
    const market::CandleSeries* openSeries() const { return m_store.find(m_key); }
    const market::CandleStore& store() const { return m_store; }
    // Applies a new memory budget at once (evicting least recently used series, never the open one).
    void setMemoryBudgetBytes(std::size_t bytes);
    std::size_t memoryBudgetBytes() const { return m_store.budgetBytes(); }
    // The newest closed candle held for `key` (where MarketFeed::open resumes); nullopt: none.
    std::optional<std::int64_t> resumePoint(const SeriesKey& key) const;

private:
    void notify(const SeriesChange& change);
    void notifyUpdate(const SeriesKey& key, std::span<const Candle> changed);
    bool applyKline(const exchange::KlineUpdate& update);
    bool applyHistory(feed::HistoryBatch&& batch);
    void applyError(const feed::FeedError& error);
    void onLatestLoaded(const SeriesKey& key, std::uint64_t generation, Result<std::vector<Candle>>& loaded);
    void onOlderLoaded(const SeriesKey& key, std::uint64_t generation, std::int64_t from, std::int64_t step,
                       Result<std::vector<Candle>>& loaded);
    void requestOlderFromVenue();
    void persistClosed(const SeriesKey& key, std::vector<Candle> candles);
    void seedFromFinerInterval(const SeriesKey& key, market::CandleSeries& target);
    // `changed` candles were just upserted into `source` (one live update, or a merged batch):
    // every coarser series of the same symbol held in memory follows it.
    void updateDerived(const SeriesKey& source, std::span<const Candle> changed, bool batch);
    void enforceBudget();  // evicts (never the open series), drops their aggregators, tells observers
    // m_startReached from the known listing start of m_key: true once the open series' first
    // candle is at or before it. Returns m_startReached.
    bool checkListingStart();
    void loadListingStart(const SeriesKey& key, std::uint64_t generation);
    // Asks the venue for the open series' holes once the cache, its coverage and the end of what
    // the feed's backfill fetches anyway are known.
    void searchHoles();
    bool applyFilled(feed::HistoryBatch&& batch);
    // Wraps an owner-thread handler for a storage answer: posted through Hooks::post, dropped if
    // the hub is gone by then.
    template <class Fn>
    auto onOwnerThread(Fn fn);

    storage::StorageWorker& m_storage;
    bool m_readOnly = false;
    Hooks m_hooks;
    std::shared_ptr<Subscription::Registry> m_observers;
    std::shared_ptr<int> m_alive = std::make_shared<int>(0);  // posted answers hold a weak_ptr
    market::CandleStore m_store;
    std::map<std::pair<SeriesKey, Interval>, market::TimeframeAggregator> m_aggregators;  // (source, target)
    std::vector<Candle> m_aggregateScratch;  // output buffer of seedFromFinerInterval, reused
    SeriesKey m_key;
    std::uint64_t m_openGeneration = 0;
    bool m_olderLoadInFlight = false;
    bool m_cacheExhausted = false;     // no older candles in SQLite for m_key
    bool m_olderFromVenue = false;     // the load in flight is a venue page
    bool m_startReached = false;       // the venue has nothing older than m_key's first candle
    std::int64_t m_olderBefore = 0;    // beforeOpenTime of the venue page in flight
    std::uint64_t m_olderVenueRequests = 0;
    // The open series' hole search (SQLite tier openings only).
    struct HoleSearch {
        bool pending = false;
        std::uint64_t generation = 0;
        std::vector<std::int64_t> cached;                 // open times of the cached candles loaded
        std::optional<std::pair<std::int64_t, std::int64_t>> derived;  // [from, to) derived at open
        bool cacheLoaded = false;
        // Reopened from memory: `cached` is read from the series in memory when the search runs.
        bool fromMemory = false;
        std::optional<std::vector<storage::CoverageRange>> coverage;
        // Holes end here: the feed's backfill fetches what follows (the newest cached closed
        // candle's end; without one, the first candle of the backfill's first page).
        std::optional<std::int64_t> upTo;
    };
    HoleSearch m_holeSearch;
    struct Fill {
        SeriesKey key;
        std::int64_t from = 0;
        std::int64_t to = 0;
    };
    std::vector<Fill> m_fills;  // Hooks::loadRange requests not answered to the end
    std::uint64_t m_holeVenueRequests = 0;
    // First open time of each series whose listing start is known (the venue said so now, or
    // the coverage table remembered it).
    std::map<SeriesKey, std::int64_t> m_listingStarts;
};

}  // namespace cpc::session
