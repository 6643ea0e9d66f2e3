// `cpc fetch`: downloads klines over a venue's REST API (the adapter from exchange::makeAdapter)
// into the candle cache, asking only for the ranges the cache's coverage table does not already
// know (stored, or known exchange gaps). An interval the venue does not serve is fetched at its
// nativeSourceInterval() and aggregated (market::aggregate); both series are stored.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <future>
#include <iostream>
#include <memory>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "command.hpp"
#include "cpc/core/ascii.hpp"
#include "cpc/core/time.hpp"
#include "cpc/exchange/listing_day.hpp"
#include "cpc/exchange/registry.hpp"
#include "cpc/feed/venue_rest_gate.hpp"
#include "cpc/net/http_client.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/net/tls.hpp"
#include "cpc/net/url.hpp"
#include "cpc/storage/candle_database.hpp"
#include "cpc/storage/coverage.hpp"
#include "cpc/storage/data_paths.hpp"
#include "kline_io.hpp"

namespace cpc::cli {

namespace {

namespace asio = boost::asio;
using Range = std::pair<std::int64_t, std::int64_t>;  // [from, to) in ms

constexpr const char* kName = "cpc fetch";
// Binance's REQUEST_WEIGHT limit per minute; we stay under 80 % of it, as the feed does. The other
// venues' limits are per second or per endpoint and far above one request at a time.
constexpr int kMaxAttempts = 5;

// Progress on stderr: a redrawn bar on a terminal, one plain line per page otherwise.
class Progress {
public:
    Progress(std::ostream& err, bool terminal, std::string label, std::int64_t expected)
        : m_err(err), m_terminal(terminal), m_label(std::move(label)), m_expected(std::max<std::int64_t>(expected, 1)) {}

    void page(std::int64_t added, std::int64_t lastOpen) {
        m_done += added;
        if (!m_terminal) {
            m_err << kName << ": " << m_label << ": " << m_done << " candles so far (up to " << formatUtc(lastOpen)
                  << ")\n";
            return;
        }
        const std::int64_t pct = std::min<std::int64_t>(100, m_done * 100 / m_expected);
        constexpr int kWidth = 30;
        const auto filled = static_cast<int>(pct * kWidth / 100);
        m_err << '\r' << m_label << " [" << std::string(static_cast<std::size_t>(filled), '#')
              << std::string(static_cast<std::size_t>(kWidth - filled), '.') << "] " << pct << "% " << m_done
              << " candles" << std::flush;
        m_drawn = true;
    }
    void note(const std::string& line) {
        finishLine();
        m_err << kName << ": " << line << '\n';
    }
    void finishLine() {
        if (m_drawn) m_err << '\n';
        m_drawn = false;
    }

private:
    std::ostream& m_err;
    bool m_terminal;
    std::string m_label;
    std::int64_t m_expected;
    std::int64_t m_done = 0;
    bool m_drawn = false;
};

struct FetchResult {
    std::size_t requests = 0;
    std::size_t stored = 0;
    std::vector<Range> gaps;
    std::int64_t serverNow = 0;  // the venue's clock when the fetch began
};

// The download, run as one coroutine on the network thread. The caller's thread waits for it, so
// the database and the streams are used by one thread at a time.
class Fetcher {
public:
    // `key` is the series requested from the venue (a native interval).
    Fetcher(asio::io_context& io, std::shared_ptr<asio::ssl::context> tls, net::Url base, storage::CandleDatabase& db,
            SeriesKey key, const exchange::ExchangeAdapter& adapter, Progress& progress)
        : m_io(io), m_tls(std::move(tls)), m_base(std::move(base)), m_db(db), m_key(std::move(key)),
          m_adapter(adapter), m_progress(progress) {}

    asio::awaitable<Result<FetchResult>> run(std::vector<Range> holes) {
        net::HttpClient client(m_io, m_tls);
        FetchResult result;
        // Named requests: GCC 12 destroys temporaries of a co_await full-expression twice.
        const exchange::RestRequest timeRequest = m_adapter.serverTimeRequest();
        auto timeReply = co_await get(client, timeRequest, result);
        if (!timeReply) co_return timeReply.error();
        const auto serverNow = m_adapter.parseServerTime(timeReply->body, timeReply->status);
        if (!serverNow) co_return serverNow.error();
        result.serverNow = *serverNow;

        for (const auto& [holeFrom, holeToRaw] : holes) {
            // Nothing opens after the exchange's now; the forming candle is cut off below.
            const std::int64_t holeTo = std::min(holeToRaw, *serverNow + 1);
            std::int64_t start = holeFrom;
            while (start < holeTo) {
                exchange::HistoryQuery query{m_key.symbol, m_key.interval, start, holeTo - 1, m_adapter.maxHistoryLimit()};
                const exchange::RestRequest request = m_adapter.historyRequest(query);
                auto reply = co_await get(client, request, result);
                if (!reply) co_return reply.error();
                auto rows = m_adapter.parseHistoryFor(query, reply->body, reply->status, *serverNow);
                if (!rows) co_return rows.error();
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
                if (!closed.empty()) {
                    auto written = m_db.upsert(m_key, closed);
                    if (!written) co_return written.error();
                    result.stored += closed.size();
                }
                if (pageEnd > start) {
                    if (auto r = recordPage(start, pageEnd, closed, result); !r) co_return r.error();
                }
                m_progress.page(static_cast<std::int64_t>(closed.size()),
                                closed.empty() ? pageEnd - 1 : closed.back().openTime);
                if (!more || forming || pageEnd <= start) break;
                start = pageEnd;
            }
        }
        co_return result;
    }

    // The symbol's listing day, where 3d built from days is anchored (as in the app):
    // exchange::ListingDaySearch's 1d pages, through the same gate.
    asio::awaitable<Result<std::int64_t>> listingDay() {
        net::HttpClient client(m_io, m_tls);
        FetchResult counted;
        const exchange::RestRequest timeRequest = m_adapter.serverTimeRequest();
        auto timeReply = co_await get(client, timeRequest, counted);
        if (!timeReply) co_return timeReply.error();
        const auto serverNow = m_adapter.parseServerTime(timeReply->body, timeReply->status);
        if (!serverNow) co_return serverNow.error();
        exchange::ListingDaySearch search(m_adapter, m_key.symbol, *serverNow);
        while (const auto query = search.next()) {
            const exchange::RestRequest request = m_adapter.historyRequest(*query);
            auto reply = co_await get(client, request, counted);
            if (!reply) co_return reply.error();
            auto rows = m_adapter.parseHistoryFor(*query, reply->body, reply->status, *serverNow);
            if (!rows) co_return rows.error();
            search.answer(*rows);
        }
        co_return search.day();
    }

private:
    // Coverage of one answered page [from, to): candle spans are Complete, the rest is an
    // exchange Gap (the venue has no candle opening there), so neither is requested again.
    Result<Ok> recordPage(std::int64_t from, std::int64_t to, const std::vector<Candle>& candles, FetchResult& result) {
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
        for (const auto& [range, kind] : parts) {
            if (auto r = m_db.recordCoverage(m_key, range.first, range.second, kind); !r) return r.error();
            if (kind == storage::CoverageKind::Gap) result.gaps.push_back(range);
        }
        return Ok{};
    }

    asio::awaitable<void> sleep(std::chrono::milliseconds delay) {
        asio::steady_timer timer(m_io, delay);
        co_await timer.async_wait(asio::use_awaitable);
    }

    // One GET within the venue's rate limits, through a RestGate made from the adapter's
    // (ExchangeAdapter::restRateLimit(): Binance's minute weight from X-MBX-USED-WEIGHT-1M, the
    // others' request windows; 80 % of the budget at most): wait Retry-After on 429, stop on the
    // venue's IP ban (Binance 418, Bybit 403).
    asio::awaitable<Result<net::HttpResponse>> get(net::HttpClient& client, const exchange::RestRequest& request,
                                                   FetchResult& result) {
        for (int attempt = 1;;) {
            const net::RestGate::Admission admission = m_gate->admit(request.weight, nowMs());
            if (admission.refused)
                co_return makeError(m_adapter.name() + " has banned this IP address for sending requests past a "
                                    "rate limit: " + admission.refused->message, 418);
            if (!admission.go()) {
                if (m_gate->pausedUntilMs() <= nowMs())
                    m_progress.note("request weight " + std::to_string(m_gate->usedWeight(nowMs())) + "/" +
                                    std::to_string(m_gate->limits().weightPerWindow) + " used; waiting " +
                                    std::to_string((admission.wait.count() + 999) / 1000) + " s");
                co_await sleep(admission.wait + std::chrono::milliseconds(1));
                continue;
            }
            auto reply = co_await client.get(m_base, request.target);
            ++result.requests;
            if (!reply) {
                if (attempt >= 3) co_return reply.error();
                m_progress.note(reply.error().message + "; retrying");
                co_await sleep(std::chrono::seconds(attempt++));
                continue;
            }
            if (auto banned = m_gate->noteAnswer(*reply, nowMs(), std::nullopt))
                co_return makeError(m_adapter.name() + " has banned this IP address for sending requests past a "
                                    "rate limit: " + banned->message, 418);
            if (reply->status == 429) {
                if (attempt >= kMaxAttempts) co_return makeError("still rate limited (HTTP 429) after " +
                                                                 std::to_string(attempt) + " attempts", 429);
                ++attempt;
                const std::int64_t wait = std::max<std::int64_t>(0, m_gate->pausedUntilMs() - nowMs());
                m_progress.note("rate limited (HTTP 429); waiting " + std::to_string((wait + 999) / 1000) + " s as asked");
                continue;  // the gate holds the next request until then
            }
            if (reply->status >= 500 && attempt < 3) {
                m_progress.note("server error (HTTP " + std::to_string(reply->status) + "); retrying");
                co_await sleep(std::chrono::seconds(attempt++));
                continue;
            }
            co_return reply;
        }
    }

    asio::io_context& m_io;
    std::shared_ptr<asio::ssl::context> m_tls;
    net::Url m_base;
    storage::CandleDatabase& m_db;
    SeriesKey m_key;
    const exchange::ExchangeAdapter& m_adapter;
    Progress& m_progress;
    std::shared_ptr<net::RestGate> m_gate = feed::venueRestGate(m_adapter, 0, 0.8);  // 80 % of the budget
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
    const auto venue = exchangeArg(args);
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
    const auto defaults = exchange::defaultEndpoints(*venue);
    auto base = net::Url::parse(args.value("--endpoint").value_or(defaults->restBase));
    if (!base) return usage("--endpoint: " + base.error().message);
    if (base->websocket()) return usage("--endpoint must be an https:// (or loopback http://) REST URL");
    auto adapter = exchange::makeAdapter(*venue, exchange::Endpoints{base->toString(), ""});
    if (!adapter) return usage(adapter.error().message);
    // What to ask the venue for: the interval itself, or the coarsest native one dividing it.
    const auto source = (*adapter)->nativeSourceInterval(*interval);
    if (!source)
        return usage(*venue + " serves no " + intervalText + " candles, nor any interval they could be built from");

    const std::string dbPath = args.value("--db").value_or(storage::defaultDatabasePath());
    std::string notice;
    auto db = storage::CandleDatabase::openOrRecover(dbPath, &notice);
    if (!db) return failure(db.error().message);
    if (!notice.empty()) err << kName << ": " << notice << '\n';

    // Candles open on bucket boundaries: widen [from, to) to the requested interval's buckets, so an
    // aggregate has whole ones (3d's anchor is the venue's).
    const SeriesKey key{*venue, symbol, *source};
    const SeriesKey target{*venue, symbol, *interval};
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
    auto tls = net::makeClientTlsContext(net::TlsOptions{args.value("--ca-file").value_or("")});
    if (!tls) return failure(tls.error().message);
    // 3d built from days starts at the symbol's listing day (as in the app and on Binance), which
    // the venue is asked for first.
    std::int64_t anchor3d = 0;
    if (*interval == Interval::D3 && *source != Interval::D3) {
        Progress quiet(err, false, symbol + " 1d", 1);
        net::IoThread io;
        Fetcher fetcher(io.context(), *tls, *base, *db, key, **adapter, quiet);
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
        auto candles = db->loadRange(key, rangeFrom, rangeTo - 1);
        if (!candles) return candles.error();
        std::vector<Candle> buckets = aggregateWholeBuckets(*candles, *source, *interval, anchor3d, false);
        std::erase_if(buckets, [&](const Candle& c) {
            return !c.closed || c.openTime < rangeFrom || closeTime(*interval, c.openTime) >= rangeTo;
        });
        if (buckets.empty()) return std::size_t{0};
        if (auto written = db->upsert(target, buckets); !written) return written.error();
        return buckets.size();
    };
    const auto aggregateNote = [&](std::size_t n) {
        if (*source != *interval)
            out << symbol << ' ' << intervalText << ": " << *venue << " has no " << intervalText << " candles; stored "
                << n << " built from its " << sourceText << " candles\n";
    };

    auto coverage = db->coverage(key);
    if (!coverage) return failure(coverage.error().message);
    std::vector<Range> holes = storage::missingRanges(*coverage, rangeFrom, rangeTo);
    if (holes.empty()) {
        out << symbol << ' ' << (*source == *interval ? intervalText : sourceText) << ": already cached from "
            << formatUtc(rangeFrom) << " to " << formatUtc(rangeTo) << "; nothing requested\n";
        auto aggregated = storeAggregate();
        if (!aggregated) return failure(aggregated.error().message);
        aggregateNote(*aggregated);
        return kExitOk;
    }

    std::int64_t expected = 0;
    for (const auto& [a, b] : holes) expected += (b - a) / nominalMs(key.interval);
    const bool terminal = &err == &std::cerr && isatty(STDERR_FILENO) == 1;
    Progress progress(err, terminal, symbol + " " + sourceText, expected);

    Result<FetchResult> result = makeError("not run");
    {
        net::IoThread io;
        Fetcher fetcher(io.context(), *tls, *base, *db, key, **adapter, progress);
        auto promise = std::make_shared<std::promise<Result<FetchResult>>>();
        auto future = promise->get_future();
        asio::co_spawn(io.context(), fulfil(promise, fetcher.run(holes)), asio::detached);
        result = future.get();
    }
    progress.finishLine();
    if (!result) {
        // A venue error about BTCUSDT on a venue that spells it BTC-USDT: say how it spells it.
        const std::string example = (*adapter)->symbolFor("BTC", "USDT");
        const bool spelling = example.find('-') != std::string::npos && symbol.find('-') == std::string::npos;
        return failure(symbol + " " + intervalText + ": " + result.error().message +
                       (spelling ? " (" + *venue + " spells symbols like " + example + ")" : ""));
    }

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
    out << "cache: " << db->path() << '\n';
    return kExitOk;
}

}  // namespace

Command makeFetchCommand() {
    Command c;
    c.name = "fetch";
    c.summary = "download an exchange's klines into the local cache (only what it lacks)";
    c.usage = "cpc fetch SYMBOL INTERVAL --from DATE --to DATE [--exchange NAME] [--endpoint URL] [--db FILE] "
              "[--ca-file F]";
    c.description =
        "Downloads the closed klines of SYMBOL at INTERVAL whose open time is in [--from, --to) over\n"
        "the exchange's REST API (pages of its maximum size, within Binance's request-weight limit,\n"
        "waiting on HTTP 429 as told) into the candle cache, keyed by exchange. Ranges the cache\n"
        "already holds, and ranges the exchange has already answered with no candles (outages, before\n"
        "listing), are not requested again.\n"
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
        {"--endpoint", "URL", "REST base URL (default: the exchange's, e.g. https://api.binance.com)"},
        {"--db", "FILE", "candle cache (default " + storage::defaultDataDirectory() + "/" + storage::kDatabaseFileName + ")"},
        {"--ca-file", "F", "extra PEM CA certificates to trust (besides the system store)"},
    };
    c.maxPositional = 2;
    c.run = runFetch;
    return c;
}

}  // namespace cpc::cli
