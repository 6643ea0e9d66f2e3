// `cpc fetch`: downloads klines over a venue's REST API (the adapter from exchange::makeAdapter)
// into the candle cache, asking only for the ranges the cache's coverage table does not already
// know (stored, or known exchange gaps). An interval the venue does not serve is fetched at its
// nativeSourceInterval() and aggregated (market::aggregate); both series are stored.
// The command is a composition root: one network thread, one session::MarketSession (the REST
// host's gate: weight budget, 429 pause, ban) and one storage::StorageWorker (the only code that
// touches the SQLite file). The download runs on the network thread and never waits for the disk:
// each page is queued to the storage worker, and its coverage is recorded there only once the
// page's candles are written.
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "command.hpp"
#include "cpc/core/ascii.hpp"
#include "cpc/core/time.hpp"
#include "cpc/exchange/history_rows.hpp"
#include "cpc/exchange/listing_day.hpp"
#include "cpc/exchange/registry.hpp"
#include "cpc/session/venue_rest.hpp"
#include "cpc/net/http_client.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/net/tls.hpp"
#include "cpc/net/url.hpp"
#include "cpc/session/history_pages.hpp"
#include "cpc/session/market_session.hpp"
#include "cpc/storage/candle_database.hpp"
#include "cpc/storage/coverage.hpp"
#include "cpc/storage/data_paths.hpp"
#include "cpc/storage/storage_worker.hpp"
#include "fetch_progress.hpp"
#include "kline_io.hpp"

namespace cpc::cli {

namespace {

namespace asio = boost::asio;
using Range = std::pair<std::int64_t, std::int64_t>;  // [from, to) in ms

constexpr const char* kName = "cpc fetch";
// Binance's REQUEST_WEIGHT limit per minute; we stay under 80 % of it, as the feed does. The other
// venues' limits are per second or per endpoint and far above one request at a time.
constexpr int kMaxAttempts = 5;

struct FetchResult {
    std::size_t requests = 0;
    std::size_t stored = 0;
    std::vector<Range> gaps;
    std::size_t gapRechecks = 0;  // empty answers asked again before a gap was recorded
    std::int64_t serverNow = 0;   // the venue's clock when the fetch began
};

// `--NAME N`: a whole number in [low, high], `fallback` when the option is absent.
Result<std::size_t> countArg(const ParsedArgs& args, const std::string& name, long long low, long long high,
                             long long fallback) {
    const auto text = args.value(name);
    if (!text) return static_cast<std::size_t>(fallback);
    long long v = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc{} || end != text->data() + text->size() || v < low || v > high)
        return makeError(name + ": expected a whole number from " + std::to_string(low) + " to " + std::to_string(high) +
                         ", got '" + *text + "'");
    return static_cast<std::size_t>(v);
}

// A range is recorded as the venue's gap only when this many answers in a row had no candles.
constexpr int kGapConfirmations = 2;
constexpr std::chrono::milliseconds kGapRecheckDelay{500};

// What the storage worker reported (on its thread): a salvaged file, and the first failure (the
// database could not be opened, a save or a coverage record failed). A failure ends the fetch.
class StorageReports {
public:
    void onNotice(const storage::StorageNotice& notice) {
        std::lock_guard lock(m_mutex);
        if (notice.kind == storage::StorageNotice::Kind::Recovered)
            m_recovered.push_back(notice.message);
        else if (notice.kind != storage::StorageNotice::Kind::Reopened && !m_failure)
            m_failure = notice.kind == storage::StorageNotice::Kind::OpenFailed ? reasonOnly(notice.message)
                                                                                : notice.message;
    }
    std::optional<std::string> failure() const {
        std::lock_guard lock(m_mutex);
        return m_failure;
    }
    std::vector<std::string> takeRecovered() {
        std::lock_guard lock(m_mutex);
        return std::exchange(m_recovered, {});
    }

private:
    // An OpenFailed notice speaks to a running app ("…; the candle cache is unavailable for now
    // and will be tried again"); the command ends at it, so it says the reason only.
    static std::string reasonOnly(const std::string& message) {
        return message.substr(0, message.find("; the candle cache is unavailable"));
    }

    mutable std::mutex m_mutex;
    std::vector<std::string> m_recovered;  // guarded by m_mutex
    std::optional<std::string> m_failure;  // guarded by m_mutex
};

// Asks the storage worker on the calling thread and waits for its answer.
template <class T, class Ask>
Result<T> askStorage(Ask ask) {
    std::promise<Result<T>> answer;
    auto future = answer.get_future();
    ask([&answer](Result<T> result) { answer.set_value(std::move(result)); });
    return future.get();
}

// The download, run as one coroutine on the network thread; the command's thread waits for its
// result. Pages go to the storage worker as they come.
class Fetcher {
public:
    // `key` is the series requested from the venue (a native interval).
    Fetcher(asio::io_context& io, std::shared_ptr<session::VenueRest> rest, storage::StorageWorker& storage,
            StorageReports& reports, SeriesKey key, const exchange::ExchangeAdapter& adapter, FetchProgress& progress)
        : m_rest(std::move(rest)), m_scope(std::make_shared<session::CancelScope>(io)), m_storage(storage),
          m_reports(reports), m_key(std::move(key)), m_adapter(adapter), m_progress(progress) {}

    // Every hole's first page is asked as the serial download asks it (from the hole's start up to
    // its end): where the answer begins shows where the venue's history begins, so a range before
    // the listing costs one request, not one per empty page. The rest of every hole is cut into
    // pages of whole buckets, asked for newest first with up to `width` in flight (the host's gate
    // paces them all). width 1: one request at a time, every page from where the last one ended.
    asio::awaitable<Result<FetchResult>> run(std::vector<Range> holes, std::size_t width) {
        FetchResult result;
        const auto serverNow = co_await venueNow(result);
        if (!serverNow) co_return serverNow.error();
        result.serverNow = *serverNow;

        std::vector<session::PageSpan> rest;
        for (const auto& [holeFrom, holeToRaw] : holes) {
            // Nothing opens after the exchange's now; the forming candle is cut off below.
            const std::int64_t holeTo = std::min(holeToRaw, *serverNow + 1);
            std::int64_t start = holeFrom;
            while (start < holeTo) {
                auto page = co_await fetchPage(start, holeTo, result);
                if (!page) co_return page.error();
                if (!page->more || page->end <= start) break;
                start = page->end;
                if (width > 1) {
                    const auto pages = session::pagesNewestFirst(m_key.interval, start, holeTo, m_adapter.maxHistoryLimit());
                    rest.insert(rest.end(), pages.begin(), pages.end());
                    break;
                }
            }
        }
        // Newest first across the holes too.
        std::stable_sort(rest.begin(), rest.end(),
                         [](const session::PageSpan& a, const session::PageSpan& b) { return a.from > b.from; });
        std::optional<Error> failed;
        const std::function<asio::awaitable<bool>(std::size_t)> job =
            [this, &rest, &result, &failed](std::size_t i) { return parallelPage(rest[i], result, failed); };
        co_await session::runBounded(rest.size(), width, job);
        if (failed) co_return *failed;
        co_return result;
    }

    // The symbol's listing day, where 3d built from days is anchored (as in the app):
    // exchange::ListingDaySearch's 1d pages, through the same gate.
    asio::awaitable<Result<std::int64_t>> listingDay() {
        FetchResult counted;
        const auto serverNow = co_await venueNow(counted);
        if (!serverNow) co_return serverNow.error();
        exchange::ListingDaySearch search(m_adapter, m_key.symbol, *serverNow);
        while (const auto query = search.next()) {
            const exchange::RestRequest request = m_adapter.historyRequest(*query);
            auto reply = co_await get(request, counted);
            if (!reply) co_return reply.error();
            auto rows = m_adapter.parseHistoryFor(*query, reply->body, reply->status, *serverNow);
            if (!rows) co_return rows.error();
            search.answer(*rows);
        }
        co_return search.day();
    }

private:
    struct PageOutcome {
        std::int64_t end = 0;  // where the next page starts
        bool more = false;     // the hole goes on after it
    };

    // One of the planned pages [page.from, page.to): false (and `failed` set) ends the download.
    asio::awaitable<bool> parallelPage(session::PageSpan page, FetchResult& result, std::optional<Error>& failed) {
        if (failed) co_return false;
        auto outcome = co_await fetchPage(page.from, page.to, result);
        if (!outcome) {
            if (!failed) failed = outcome.error();
            m_scope->cancel();  // the pages in flight end too: the first failure is the result
            co_return false;
        }
        co_return true;
    }

    // Asks for the candles opening in [start, holeTo) (one page: the venue answers at most its
    // maxHistoryLimit() rows from `start`), stores what it answered and records its coverage.
    asio::awaitable<Result<PageOutcome>> fetchPage(std::int64_t start, std::int64_t holeTo, FetchResult& result) {
        if (const auto failed = m_reports.failure()) co_return makeError(*failed);
        exchange::HistoryQuery query{m_key.symbol, m_key.interval, start, holeTo - 1, m_adapter.maxHistoryLimit()};
        const exchange::RestRequest request = m_adapter.historyRequest(query);
        std::vector<Candle> answered;
        for (int asked = 1;; ++asked) {
            auto reply = co_await get(request, result);
            if (!reply) co_return reply.error();
            auto parsed = m_adapter.parseHistoryFor(query, reply->body, reply->status, result.serverNow);
            if (!parsed) co_return parsed.error();
            // What is stored here is recorded complete for good: a candle counts as closed
            // only once its close time has passed on both the venue's clock and ours (a
            // venue clock running ahead must not make the forming candle final); an answer
            // with an open time off the interval's boundaries is not used.
            auto checked = exchange::checkHistoryRows(std::move(*parsed), m_key.interval,
                                                      std::min(result.serverNow, nowMs()), m_adapter.name());
            if (!checked) co_return checked.error();
            answered = std::move(*checked);
            if (!answered.empty() || asked >= kGapConfirmations) break;
            // An answer without rows is recorded as the venue's gap (never asked again) only
            // when the venue gives it consistently: one empty 200 may be a hiccup.
            ++result.gapRechecks;
            m_progress.note("no candles from " + formatUtc(start) + "; asking again to confirm the gap");
            if (!co_await m_scope->sleep(kGapRecheckDelay)) co_return makeError("cancelled");
        }
        // Rows, but none in the asked range (another range's page): the answer says nothing
        // about this range, so nothing is stored or recorded as a gap.
        if (!answered.empty() && std::none_of(answered.begin(), answered.end(), [&](const Candle& c) {
                return c.openTime >= start && c.openTime < holeTo;
            }))
            co_return makeError(m_adapter.name() + " answered " + std::to_string(answered.size()) +
                                " candles, none in the asked range " + formatUtc(start) + " to " +
                                formatUtc(holeTo) + " (from " + formatUtc(answered.front().openTime) + " to " +
                                formatUtc(answered.back().openTime) +
                                "); nothing was recorded for it, run the fetch again");
        const std::vector<Candle>* rows = &answered;
        const bool fullPage = rows->size() >= static_cast<std::size_t>(m_adapter.maxHistoryLimit());
        std::vector<Candle> closed;
        std::int64_t pageEnd = holeTo;
        for (const Candle& c : *rows) {
            if (c.openTime < start || c.openTime >= holeTo) continue;
            if (!c.closed) {  // the forming candle: not cached, and nothing after it exists
                pageEnd = c.openTime;
                break;
            }
            closed.push_back(c);
        }
        const bool forming = pageEnd < holeTo;
        if (fullPage && !forming && !closed.empty())
            pageEnd = std::min(holeTo, closeTime(m_key.interval, closed.back().openTime) + 1);
        // A venue that skips intervals without trades (KuCoin) answers a forward page for
        // `limit` intervals from the start: fewer rows (or none: a no-trade stretch) is no
        // end. Only that span is known; the rest of the hole is asked for next.
        bool more = fullPage;
        if (!fullPage && !forming && m_adapter.historyHasGaps()) {
            const std::int64_t covered = bucketsEnd(m_key.interval, start, m_adapter.maxHistoryLimit());
            if (covered < holeTo) {
                pageEnd = covered;
                more = true;
            }
        }
        const std::int64_t lastOpen = closed.empty() ? pageEnd - 1 : closed.back().openTime;
        const std::int64_t firstOpen = closed.empty() ? start : closed.front().openTime;
        const auto added = static_cast<std::int64_t>(closed.size());
        result.stored += closed.size();
        storePage(start, pageEnd, std::move(closed), result);
        m_progress.page(added, firstOpen, lastOpen);
        co_return PageOutcome{pageEnd, more && !forming};
    }

    // The venue's clock now (every fetch starts with it).
    asio::awaitable<Result<std::int64_t>> venueNow(FetchResult& result) {
        // Named request: GCC 12 destroys temporaries of a co_await full-expression twice.
        const exchange::RestRequest timeRequest = m_adapter.serverTimeRequest();
        std::int64_t sentAt = 0;
        auto timeReply = co_await get(timeRequest, result, &sentAt);
        if (!timeReply) co_return timeReply.error();
        auto venueTime = m_adapter.parseServerTime(timeReply->body, timeReply->status);
        // The host's gate counts the venue's weight windows (its minutes) on the venue's clock.
        if (venueTime) m_rest->recordClock(*venueTime, sentAt);
        co_return venueTime;
    }

    // One answered page [from, to): its candles are queued to the storage worker, and behind them
    // its coverage: candle spans Complete, the rest an exchange Gap (the venue has no candle
    // opening there), so neither is requested again. The coverage is recorded on the storage
    // thread only when the candles were written (a failed save is reported before the worker
    // runs the next job), so the table never claims candles the file lacks.
    void storePage(std::int64_t from, std::int64_t to, std::vector<Candle> candles, FetchResult& result) {
        std::vector<std::pair<Range, storage::CoverageKind>> parts;
        const auto add = [&parts](std::int64_t a, std::int64_t b, storage::CoverageKind kind) {
            if (a >= b) return;
            if (!parts.empty() && parts.back().second == kind && parts.back().first.second == a)
                parts.back().first.second = b;
            else
                parts.push_back({{a, b}, kind});
        };
        std::int64_t pos = from;
        for (const Candle& c : candles) {
            const std::int64_t spanEnd = std::min(to, closeTime(m_key.interval, c.openTime) + 1);
            add(pos, std::min(c.openTime, to), storage::CoverageKind::Gap);
            add(std::max(pos, c.openTime), spanEnd, storage::CoverageKind::Complete);
            pos = std::max(pos, spanEnd);
        }
        add(pos, to, storage::CoverageKind::Gap);
        for (const auto& [range, kind] : parts)
            if (kind == storage::CoverageKind::Gap) result.gaps.push_back(range);
        if (!candles.empty()) m_storage.save(m_key, std::move(candles));
        if (parts.empty()) return;
        // A job queued behind the save, whose answer runs on the storage thread once the save is
        // done: the coverage goes in only if nothing failed.
        m_storage.loadCoverage(m_key, [&storage = m_storage, &reports = m_reports, key = m_key,
                                       parts = std::move(parts)](const Result<std::vector<storage::CoverageRange>>&) {
            if (reports.failure()) return;
            for (const auto& [range, kind] : parts) storage.recordCoverage(key, range.first, range.second, kind);
        });
    }

    // One GET through the session's REST client of the host (session::VenueRest: the venue's rate
    // limits from ExchangeAdapter::restRateLimit(), 80 % of the budget at most; a 429 waited out as
    // asked, at most kMaxAttempts sends), each wait shown on the progress line; a network error or
    // a 5xx is tried again (3 attempts); the venue's IP ban (Binance 418, Bybit 403) stops it.
    asio::awaitable<Result<net::HttpResponse>> get(const exchange::RestRequest& request, FetchResult& result,
                                                   std::int64_t* sentAtMs = nullptr) {
        const std::function<void(const std::string&)> note = [this](const std::string& m) { m_progress.note(m); };
        for (int attempt = 1;; ++attempt) {
            session::RestTally tally;
            auto reply = co_await m_rest->send(request, *m_scope,
                                               {.tally = &tally, .progress = &note, .maxSends = kMaxAttempts, .sentAtMs = sentAtMs});
            result.requests += tally.sent;
            if (!reply && reply.error().code == 418)
                co_return makeError(m_adapter.name() + " has banned this IP address for sending requests past a "
                                    "rate limit: " + reply.error().message, 418);
            if (!reply && (reply.error().code == 429 || attempt >= 3)) co_return reply.error();
            if (!reply) {
                m_progress.note(reply.error().message + "; retrying");
            } else if (reply->status >= 500 && attempt < 3) {
                m_progress.note("server error (HTTP " + std::to_string(reply->status) + "); retrying");
            } else {
                co_return reply;
            }
            co_await m_scope->sleep(std::chrono::seconds(attempt));
        }
    }

    std::shared_ptr<session::VenueRest> m_rest;  // the session's REST client of this host
    std::shared_ptr<session::CancelScope> m_scope;
    storage::StorageWorker& m_storage;
    StorageReports& m_reports;
    SeriesKey m_key;
    const exchange::ExchangeAdapter& m_adapter;
    FetchProgress& m_progress;
};

// Runs `work` on the network thread and hands its result (or what it threw) to the waiting thread.
template <class T>
asio::awaitable<void> fulfil(std::shared_ptr<std::promise<Result<T>>> promise, asio::awaitable<Result<T>> work) {
    try {
        promise->set_value(co_await std::move(work));
    } catch (const std::exception& e) {
        promise->set_value(makeError(std::string("unexpected error: ") + e.what()));
    }
}

// A cache file this run created and left without a single series (an unknown symbol, a venue that
// could not be reached) is removed when the command ends: a failed fetch leaves no new database
// behind. A file that existed before, or that holds anything, is never touched.
class RemoveIfCreatedEmpty {
public:
    explicit RemoveIfCreatedEmpty(std::string path) : m_path(std::move(path)) {
        std::error_code ec;
        m_existed = std::filesystem::exists(m_path, ec) || ec;
    }
    RemoveIfCreatedEmpty(const RemoveIfCreatedEmpty&) = delete;
    RemoveIfCreatedEmpty& operator=(const RemoveIfCreatedEmpty&) = delete;
    ~RemoveIfCreatedEmpty() {
        if (m_existed) return;
        storage::OpenOptions readOnly;
        readOnly.readOnly = true;
        bool empty = false;
        {
            auto db = storage::CandleDatabase::open(m_path, readOnly);
            if (!db) return;
            const auto series = db->listSeries();
            empty = series && series->empty();
        }
        if (!empty) return;
        std::error_code ec;
        for (const char* suffix : {"-wal", "-shm", "-journal", ""}) std::filesystem::remove(m_path + suffix, ec);
    }

private:
    std::string m_path;
    bool m_existed = true;
};

int runFetch(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
    const auto usage = [&](const std::string& message) {
        err << kName << ": " << message << "\nRun 'cpc fetch --help' for usage.\n";
        return kExitUsage;
    };
    const auto failure = [&](const std::string& message) {
        err << kName << ": " << message << '\n';
        return kExitFailure;
    };
    if (args.positional.size() < 2) return usage("expected SYMBOL and INTERVAL (e.g. cpc fetch BTCUSDT 1h --from 2024-01-01 --to 2024-02-01)");
    const auto marketType = marketArg(args);
    if (!marketType) return usage(marketType.error().message);
    const auto venue = exchangeForMarket(args, *marketType);
    if (!venue) return usage(venue.error().message);
    const std::string symbol = toUpperAscii(args.positional[0]);
    const std::string intervalText = args.positional[1];
    const auto interval = parseInterval(intervalText);
    if (!interval)
        return usage("interval '" + intervalText + "' is not one this tool can store; accepted: " + acceptedIntervalsText() +
                     " (case matters: 1m is a minute, 1M a month)");
    const auto fromText = args.value("--from");
    const auto toText = args.value("--to");
    if (!fromText || !toText) return usage("--from DATE and --to DATE are required");
    const auto from = parseUtc(*fromText);
    if (!from) return usage("--from: cannot read '" + *fromText + "' as a UTC date (YYYY-MM-DD[ HH:MM[:SS]] or epoch ms)");
    const auto to = parseUtc(*toText);
    if (!to) return usage("--to: cannot read '" + *toText + "' as a UTC date (YYYY-MM-DD[ HH:MM[:SS]] or epoch ms)");
    if (*from >= *to) return usage("--from (" + formatUtc(*from) + ") must be before --to (" + formatUtc(*to) + ")");
    const auto defaults = exchange::defaultEndpoints(*venue, *marketType);
    auto base = net::Url::parse(args.value("--endpoint").value_or(defaults->restBase));
    if (!base) return usage("--endpoint: " + base.error().message);
    if (base->websocket()) return usage("--endpoint must be an https:// (or loopback http://) REST URL");
    auto adapter = exchange::makeAdapter(*venue, exchange::Endpoints{base->toString(), ""}, *marketType);
    if (!adapter) return usage(adapter.error().message);
    const std::shared_ptr<const exchange::ExchangeAdapter> venueAdapter = std::move(*adapter);
    // Before anything is opened or sent: a symbol outside the venue's alphabet would put its '&',
    // '?', spaces or line breaks into the request.
    if (const auto bad = venueAdapter->checkSymbol(symbol)) return usage(bad->message);
    // What to ask the venue for: the interval itself, or the coarsest native one dividing it.
    const auto source = venueAdapter->nativeSourceInterval(*interval);
    if (!source)
        return usage(*venue + " serves no " + intervalText + " candles, nor any interval they could be built from");

    // How many page requests may be in flight at once (the gate paces them all), and the host's
    // weight budget when it is not the venue's published one (a simulator started with another).
    const auto parallel = countArg(args, "--parallel", 1, static_cast<long long>(session::kMaxParallelPages),
                                   static_cast<long long>(session::kDefaultParallelPages));
    if (!parallel) return usage(parallel.error().message);
    const auto weight = countArg(args, "--weight-per-minute", 1, 10'000'000, 0);
    if (!weight) return usage(weight.error().message);

    const std::string dbPath = args.value("--db").value_or(storage::defaultDatabasePath());
    // The composition root of the command: one storage worker (the only user of the file), one
    // network thread and one market session (declared in this order: the network thread stops
    // before the worker that its download queues to).
    // Declared before the worker, so it runs once the file is closed.
    const RemoveIfCreatedEmpty cleanUp(dbPath);
    StorageReports reports;
    storage::StorageWorker storage(dbPath, [&reports](const storage::StorageNotice& n) { reports.onNotice(n); });
    storage.flush();  // the file is open (or salvaged, or known not to open)
    for (const std::string& salvaged : reports.takeRecovered()) err << kName << ": " << salvaged << '\n';
    if (!storage.isOpen()) return failure(reports.failure().value_or(dbPath + ": the candle cache did not open"));
    // Everything queued so far is written (or a failure is known).
    const auto written = [&]() -> Result<Ok> {
        storage.flush();
        if (const auto failed = reports.failure()) return makeError(*failed);
        return Ok{};
    };

    // Candles open on bucket boundaries: widen [from, to) to the requested interval's buckets, so an
    // aggregate has whole ones (3d's anchor is the venue's).
    const SeriesKey key{*venue, symbol, *source, *marketType};
    const SeriesKey target{*venue, symbol, *interval, *marketType};
    std::int64_t rangeFrom = *from;
    std::int64_t rangeTo = std::min(*to, nowMs() + 1);
    if (*interval != Interval::D3) {
        if (!isAligned(*interval, rangeFrom)) rangeFrom = nextBucketStart(*interval, bucketStart(*interval, rangeFrom));
        if (!isAligned(*interval, rangeTo)) rangeTo = nextBucketStart(*interval, bucketStart(*interval, rangeTo));
    }
    if (rangeFrom >= rangeTo) {
        out << symbol << ' ' << intervalText << ": nothing to fetch (the range holds no closed candle)\n";
        return kExitOk;
    }
    const std::string sourceText(toString(*source));
    const net::TlsOptions tlsOptions{args.value("--ca-file").value_or("")};
    auto tls = net::makeClientTlsContext(tlsOptions);
    if (!tls) return failure(tls.error().message);
    net::IoThread io;
    session::MarketSessionConfig marketConfig;
    marketConfig.tls = tlsOptions;
    marketConfig.restWeightOverride = static_cast<int>(*weight);
    session::MarketSession market(io, std::move(marketConfig));
    const auto rest = market.rest(venueAdapter);
    // 3d built from days starts at the symbol's listing day (as in the app and on Binance), which
    // the venue is asked for first.
    std::int64_t anchor3d = 0;
    if (*interval == Interval::D3 && *source != Interval::D3) {
        FetchProgress quiet(err, false, symbol + " 1d", 1);
        Fetcher fetcher(io.context(), rest, storage, reports, key, *venueAdapter, quiet);
        auto promise = std::make_shared<std::promise<Result<std::int64_t>>>();
        auto future = promise->get_future();
        asio::co_spawn(io.context(), fulfil(promise, fetcher.listingDay()), asio::detached);
        auto day = future.get();
        if (!day) return failure(symbol + " " + intervalText + ": finding the listing day: " + day.error().message);
        anchor3d = *day;
    }
    // An aggregate is (re)built from the cached source candles of the range: whole buckets only.
    const auto storeAggregate = [&]() -> Result<std::size_t> {
        if (*source == *interval) return std::size_t{0};
        auto candles = askStorage<std::vector<Candle>>(
            [&](auto done) { storage.loadRange(key, rangeFrom, rangeTo - 1, std::move(done)); });
        if (!candles) return candles.error();
        std::vector<Candle> buckets = aggregateWholeBuckets(*candles, *source, *interval, anchor3d, false);
        std::erase_if(buckets, [&](const Candle& c) {
            return !c.closed || c.openTime < rangeFrom || closeTime(*interval, c.openTime) >= rangeTo;
        });
        if (buckets.empty()) return std::size_t{0};
        const std::size_t n = buckets.size();
        storage.save(target, std::move(buckets));
        if (auto saved = written(); !saved) return saved.error();
        return n;
    };
    const auto aggregateNote = [&](std::size_t n) {
        if (*source != *interval)
            out << symbol << ' ' << intervalText << ": " << *venue << " has no " << intervalText << " candles; stored "
                << n << " built from its " << sourceText << " candles\n";
    };

    auto coverage = askStorage<std::vector<storage::CoverageRange>>(
        [&](auto done) { storage.loadCoverage(key, std::move(done)); });
    if (!coverage) return failure(coverage.error().message);
    // --refetch: ranges recorded as the venue's gaps are asked again (what is stored stays; candles
    // found there now are stored and the gap is cut back).
    const bool refetch = args.has("--refetch");
    if (refetch)
        std::erase_if(*coverage, [](const storage::CoverageRange& r) { return r.kind == storage::CoverageKind::Gap; });
    std::vector<Range> holes = storage::missingRanges(*coverage, rangeFrom, rangeTo);
    if (holes.empty()) {
        out << symbol << ' ' << (*source == *interval ? intervalText : sourceText) << ": already cached from "
            << formatUtc(rangeFrom) << " to " << formatUtc(rangeTo) << "; nothing requested\n";
        auto aggregated = storeAggregate();
        if (!aggregated) return failure(aggregated.error().message);
        aggregateNote(*aggregated);
        return kExitOk;
    }

    std::int64_t expectedPages = 0;
    for (const auto& [a, b] : holes)
        expectedPages += static_cast<std::int64_t>(
            session::pagesNewestFirst(key.interval, a, std::min(b, nowMs() + 1), venueAdapter->maxHistoryLimit()).size());
    const bool terminal = &err == &std::cerr && isatty(STDERR_FILENO) == 1;
    FetchProgress progress(err, terminal, symbol + " " + sourceText, expectedPages);

    Result<FetchResult> result = makeError("not run");
    {
        Fetcher fetcher(io.context(), rest, storage, reports, key, *venueAdapter, progress);
        auto promise = std::make_shared<std::promise<Result<FetchResult>>>();
        auto future = promise->get_future();
        asio::co_spawn(io.context(), fulfil(promise, fetcher.run(holes, *parallel)), asio::detached);
        result = future.get();
    }
    progress.finishLine();
    if (!result) {
        // A venue error about BTCUSDT on a venue that spells it BTC-USDT: say how it spells it.
        const std::string example = venueAdapter->symbolFor("BTC", "USDT");
        const bool spelling = example.find('-') != std::string::npos && symbol.find('-') == std::string::npos;
        return failure(symbol + " " + intervalText + ": " + result.error().message +
                       (spelling ? " (" + *venue + " spells symbols like " + example + ")" : ""));
    }
    // The download's pages are in the file (and their coverage), or the failure is known.
    if (auto saved = written(); !saved) return failure(symbol + " " + intervalText + ": " + saved.error().message);

    out << symbol << ' ' << sourceText << ": stored " << result->stored << " candles from " << formatUtc(rangeFrom)
        << " to " << formatUtc(rangeTo) << " in " << result->requests << " requests to " << base->hostHeader();
    if (!result->gaps.empty()) {
        std::int64_t gapMs = 0;
        for (const auto& [a, b] : result->gaps) gapMs += b - a;
        out << "; the exchange has no candles in " << result->gaps.size() << " range(s) (" << gapMs / nominalMs(key.interval)
            << " " << sourceText << " buckets, e.g. " << formatUtc(result->gaps.front().first) << " to "
            << formatUtc(result->gaps.front().second) << "), recorded as gaps";
    }
    out << '\n';
    auto aggregated = storeAggregate();
    if (!aggregated) return failure(aggregated.error().message);
    aggregateNote(*aggregated);
    out << "cache: " << dbPath << '\n';
    return kExitOk;
}

}  // namespace

Command makeFetchCommand() {
    Command c;
    c.name = "fetch";
    c.summary = "download an exchange's klines into the local cache (only what it lacks)";
    c.usage = "cpc fetch SYMBOL INTERVAL --from DATE --to DATE [--exchange NAME] [--endpoint URL] [--db FILE] "
              "[--ca-file F] [--refetch] [--parallel N] [--weight-per-minute N]";
    c.description =
        "Downloads the closed klines of SYMBOL at INTERVAL whose open time is in [--from, --to) over\n"
        "the exchange's REST API (pages of its maximum size, within Binance's request-weight limit,\n"
        "waiting on HTTP 429 as told) into the candle cache, keyed by exchange. Ranges the cache\n"
        "already holds, and ranges the exchange has already answered with no candles (outages, before\n"
        "listing), are not requested again; --refetch asks again for the ranges recorded as the exchange's\n"
        "gaps. A range becomes such a gap only when the exchange answers it twice without candles; an\n"
        "answer whose rows all lie outside the asked range, or open off the interval's boundaries, is an\n"
        "error and records nothing. A candle is stored only once its close time has passed on both the\n"
        "exchange's clock and this computer's.\n"
        "Up to --parallel pages are requested at once, the newest first, all paced by the exchange's\n"
        "request-weight budget (80 % of it at most). Progress goes to stderr: a bar (pages, candles,\n"
        "rate, time left) on a terminal, one line per page otherwise.\n"
        "SYMBOL is spelt as the exchange spells it: BTCUSDT on Binance and Bybit, BTC-USDT on OKX and\n"
        "KuCoin. An INTERVAL the exchange does not serve (Bybit 1w, OKX 8h, …) is fetched at the\n"
        "coarsest interval it serves that divides INTERVAL, and both are stored: those candles (with\n"
        "their coverage, so a rerun asks nothing) and the whole INTERVAL buckets aggregated from them.\n"
        "DATE: YYYY-MM-DD, 'YYYY-MM-DD HH:MM[:SS]' (UTC) or epoch milliseconds.\n"
        "Exit status: 0 success, 1 failure (venue error such as an unknown symbol, network), 2 bad command line.";
    c.options = {
        {"--from", "DATE", "first open time to fetch (UTC)"},
        {"--to", "DATE", "end of the range, exclusive (UTC); capped at now"},
        {"--exchange", "NAME", "the venue: " + acceptedExchangesText() + " (default binance)"},
        marketOption(),
        {"--endpoint", "URL", "REST base URL (default: the exchange's, e.g. https://api.binance.com)"},
        {"--db", "FILE", "candle cache (default " + storage::defaultDataDirectory() + "/" + storage::kDatabaseFileName + ")"},
        {"--ca-file", "F", "extra PEM CA certificates to trust (besides the system store)"},
        {"--refetch", "", "ask the exchange again for ranges recorded as its gaps (no candles there)"},
        {"--parallel", "N", "page requests in flight at once, newest pages first (1-32, default 8; 1: one at a time)"},
        {"--weight-per-minute", "N", "the host's REST weight budget per minute, when not the exchange's own (a simulator's)"},
    };
    c.maxPositional = 2;
    c.run = runFetch;
    return c;
}

}  // namespace cpc::cli
