// `cpc export`: writes cached candles as Binance REST JSON or data.binance.vision CSV. An interval
// that is not cached itself is aggregated from the largest cached interval that divides it.
#include <filesystem>
#include <limits>
#include <optional>

#include "command.hpp"
#include "cpc/core/ascii.hpp"
#include "cpc/core/time.hpp"
#include "cpc/storage/candle_database.hpp"
#include "cpc/storage/data_paths.hpp"
#include "kline_io.hpp"

namespace cpc::cli {

namespace {

// Read-only: nothing is written into the file (a 0-byte or foreign file is refused as it is, and a
// read-only cache can be read).
storage::OpenOptions readOnlyCache() {
    storage::OpenOptions options;
    options.readOnly = true;
    return options;
}

constexpr const char* kName = "cpc export";

// The listing day of a series, when the cache can prove it: coverage reaches back past the first
// stored candle, so the exchange has nothing before it (fetch records such pre-listing ranges).
std::optional<std::int64_t> knownListingDay(storage::CandleDatabase& db, const SeriesKey& key) {
    auto bounds = db.bounds(key);
    auto coverage = db.coverage(key);
    if (!bounds || !*bounds || !coverage) return std::nullopt;
    const std::int64_t first = (*bounds)->first;
    for (const auto& r : *coverage)
        if (r.fromMs < first && r.toMs >= first) return bucketStart(Interval::D1, first);
    return std::nullopt;
}

int runExport(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
    const auto usage = [&](const std::string& message) {
        err << kName << ": " << message << "\nRun 'cpc export --help' for usage.\n";
        return kExitUsage;
    };
    const auto failure = [&](const std::string& message) {
        err << kName << ": " << message << '\n';
        return kExitFailure;
    };
    if (args.positional.size() < 2) return usage("expected SYMBOL and INTERVAL (e.g. cpc export BTCUSDT 4h)");
    const auto market = marketArg(args);
    if (!market) return usage(market.error().message);
    const auto venue = exchangeForMarket(args, *market);
    if (!venue) return usage(venue.error().message);
    const std::string symbol = toUpperAscii(args.positional[0]);
    const auto interval = parseInterval(args.positional[1]);
    if (!interval)
        return usage("unknown interval '" + args.positional[1] + "'; accepted: " + acceptedIntervalsText());
    std::int64_t from = std::numeric_limits<std::int64_t>::min();
    std::int64_t to = std::numeric_limits<std::int64_t>::max();
    if (auto v = args.value("--from")) {
        const auto t = parseUtc(*v);
        if (!t) return usage("--from: cannot read '" + *v + "' as a UTC date (YYYY-MM-DD[ HH:MM[:SS]] or epoch ms)");
        from = *t;
    }
    if (auto v = args.value("--to")) {
        const auto t = parseUtc(*v);
        if (!t) return usage("--to: cannot read '" + *v + "' as a UTC date (YYYY-MM-DD[ HH:MM[:SS]] or epoch ms)");
        to = *t;
    }
    if (from >= to) return usage("--from must be before --to");
    KlineFormat format = KlineFormat::Csv;
    if (auto v = args.value("--format")) {
        const auto f = parseKlineFormat(*v);
        if (!f) return usage("--format: unknown format '" + *v + "'; accepted: csv, json");
        format = *f;
    }
    const std::string dbPath = args.value("--db").value_or(storage::defaultDatabasePath());
    std::error_code ec;
    if (!std::filesystem::exists(dbPath, ec))
        return failure(dbPath + ": no candle cache there (run 'cpc fetch' first, or give --db FILE)");
    auto db = storage::CandleDatabase::open(dbPath, readOnlyCache());
    if (!db) return failure(db.error().message);

    const SeriesKey key{*venue, symbol, *interval, *market};
    auto stored = db->count(key);
    if (!stored) return failure(stored.error().message);
    if (*stored > 0) {
        auto candles = db->loadRange(key, from, to - 1);
        if (!candles) return failure(candles.error().message);
        writeKlines(out, *candles, *interval, format);
        return kExitOk;
    }

    // Not cached itself: the largest cached interval that divides it has the fewest rows to fold.
    std::optional<Interval> source;
    for (Interval lower : kAllIntervals) {
        if (lower == *interval || !divides(lower, *interval)) continue;
        auto n = db->count(SeriesKey{*venue, symbol, lower, *market});
        if (!n) return failure(n.error().message);
        if (*n > 0) source = lower;
    }
    if (!source) {
        std::string cached;
        if (auto keys = db->listSeries())
            for (const SeriesKey& k : *keys)
                if (k.symbol == symbol)
                    cached += (cached.empty() ? "" : ", ") +
                              (k.exchange == *venue && k.market == *market
                                   ? ""
                                   : k.exchange + (k.market == MarketType::Perp ? " perp " : " ")) +
                              std::string(toString(k.interval));
        const std::string exchangeFlag = (*venue == "binance" ? "" : " --exchange " + *venue) +
                                         (*market == MarketType::Perp ? " --market perp" : "");
        return failure("the cache has no " + symbol + " candles at " + std::string(toString(*interval)) + " from " +
                       *venue + " or at any interval that divides it" +
                       (cached.empty() ? " (nothing cached for " + symbol + ")" : " (cached: " + cached + ")") +
                       "; run 'cpc fetch " + symbol + " " + std::string(toString(*interval)) + exchangeFlag +
                       " --from … --to …'");
    }
    const SeriesKey sourceKey{*venue, symbol, *source, *market};
    std::int64_t anchor = 0;
    if (*interval == Interval::D3) {
        const auto listing = knownListingDay(*db, sourceKey);
        if (!listing)
            return failure("3d candles are anchored at " + symbol +
                           "'s first trading day, which the cache cannot prove from its " +
                           std::string(toString(*source)) + " candles; fetch 3d directly ('cpc fetch " + symbol +
                           " 3d …'), fetch from before the listing, or use 'cpc aggregate --to 3d --anchor DATE'");
        anchor = *listing;
    }
    // Whole buckets: start at the bucket holding `from`, end at the last source candle before `to`.
    const std::int64_t sourceFrom =
        from == std::numeric_limits<std::int64_t>::min() ? from : bucketStart(*interval, from, anchor);
    auto candles = db->loadRange(sourceKey, sourceFrom, to - 1);
    if (!candles) return failure(candles.error().message);
    std::vector<Candle> result = aggregateWholeBuckets(*candles, *source, *interval, anchor, false);
    std::erase_if(result, [&](const Candle& c) { return c.openTime < from || c.openTime >= to; });
    writeKlines(out, result, *interval, format);
    return kExitOk;
}

}  // namespace

Command makeExportCommand() {
    Command c;
    c.name = "export";
    c.summary = "write cached candles as Binance JSON or CSV (aggregated where needed)";
    c.usage = "cpc export SYMBOL INTERVAL [--exchange NAME] [--from DATE] [--to DATE] [--format csv|json] [--db FILE]";
    c.description =
        "Writes the cached candles of one exchange's SYMBOL (as that exchange spells it: BTCUSDT,\n"
        "BTC-USDT) at INTERVAL with open time in [--from, --to) to standard output, as\n"
        "data.binance.vision CSV (12 columns, times in ms; the default) or a Binance REST JSON array,\n"
        "whichever exchange they came from (Bybit, OKX and KuCoin count no trades and report no taker\n"
        "volumes: those columns are 0). When INTERVAL itself is not cached, it is aggregated from the\n"
        "largest cached interval of that exchange that divides it; only whole buckets are written.\n"
        "Exit status: 0 success, 1 nothing cached / unreadable cache, 2 bad command line.";
    c.options = {
        {"--exchange", "NAME", "whose candles: " + acceptedExchangesText() + " (default binance)"},
        marketOption(),
        {"--from", "DATE", "first open time (UTC; default: the oldest cached)"},
        {"--to", "DATE", "end, exclusive (UTC; default: the newest cached)"},
        {"--format", "FMT", "csv (default) or json"},
        {"--db", "FILE", "candle cache (default " + storage::defaultDataDirectory() + "/" + storage::kDatabaseFileName + ")"},
    };
    c.maxPositional = 2;
    c.run = runExport;
    return c;
}

}  // namespace cpc::cli
