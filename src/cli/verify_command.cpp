// `cpc verify`: checks the whole candle cache (SQLite integrity, then every series: each candle
// sound, aligned, close time not reaching into the next candle, open times strictly increasing)
// and reports the problems by series and time.
#include <filesystem>
#include <limits>
#include <optional>

#include "command.hpp"
#include "cpc/core/time.hpp"
#include "cpc/market/validation.hpp"
#include "cpc/storage/candle_database.hpp"
#include "cpc/storage/data_paths.hpp"

namespace cpc::cli {

namespace {

// Read-only: nothing is written into the file (a 0-byte or foreign file is refused as it is, and a
// read-only cache can be read).
storage::OpenOptions readOnlyCache() {
    storage::OpenOptions options;
    options.readOnly = true;
    return options;
}

constexpr const char* kName = "cpc verify";
// Candles read per query, so a series of years of 1m candles is checked in bounded memory.
constexpr std::int64_t kCandlesPerChunk = 200'000;
constexpr std::size_t kMaxListedPerSeries = 50;

struct SeriesReport {
    std::size_t candles = 0;
    std::vector<std::string> problems;
};

SeriesReport checkSeries(storage::CandleDatabase& db, const SeriesKey& key) {
    SeriesReport report;
    const auto problem = [&report](std::int64_t openTime, const std::string& what) {
        report.problems.push_back(formatUtc(openTime, true) + "  " + what);
    };
    auto stored = db.count(key);
    auto bounds = db.bounds(key);
    if (!stored || !bounds) {
        report.problems.push_back(!stored ? stored.error().message : bounds.error().message);
        return report;
    }
    if (!*bounds) return report;
    const auto [first, last] = **bounds;
    const std::string keyPrefix = toString(key) + ": ";
    const std::size_t notesBefore = db.corruptionNotes().size();
    const std::uint64_t skippedBefore = db.skippedCorruptRows();
    // 3d buckets are anchored at the listing day, which the cache does not store; the first
    // candle's residue is the reference every other 3d candle must share.
    const std::int64_t anchor = first;
    const std::int64_t step = nominalMs(key.interval) * kCandlesPerChunk;
    std::optional<Candle> previous;
    for (std::int64_t from = first; from <= last;) {
        const std::int64_t to = last - from < step ? last : from + step - 1;
        auto candles = db.loadRange(key, from, to);
        if (!candles) {
            report.problems.push_back(candles.error().message);
            return report;
        }
        for (const Candle& c : *candles) {
            ++report.candles;
            if (auto bad = market::validateCandle(c)) problem(c.openTime, *bad);
            if (auto bad = market::validateAlignment(c, key.interval, anchor)) problem(c.openTime, *bad);
            if (previous) {
                if (c.openTime <= previous->openTime)
                    problem(c.openTime, "open times not strictly increasing (previous " +
                                            formatUtc(previous->openTime, true) + ")");
                else if (closeTime(key.interval, previous->openTime) >= c.openTime)
                    problem(previous->openTime, "close time " +
                                                    formatUtc(closeTime(key.interval, previous->openTime), true) +
                                                    " reaches into the next candle, which opens at " +
                                                    formatUtc(c.openTime, true));
            }
            previous = c;
        }
        if (to == last) break;
        from = to + 1;
    }
    // Rows the database could not decode or that failed validation were skipped by the loads.
    const auto& notes = db.corruptionNotes();
    for (std::size_t i = notesBefore; i < notes.size(); ++i) {
        std::string note = notes[i];
        if (note.starts_with(keyPrefix)) note.erase(0, keyPrefix.size());
        report.problems.push_back("unreadable row: " + note);
    }
    const std::uint64_t skipped = db.skippedCorruptRows() - skippedBefore;
    if (skipped > notes.size() - notesBefore)
        report.problems.push_back(std::to_string(skipped - (notes.size() - notesBefore)) +
                                  " more unreadable rows");
    if (report.candles + skipped != *stored)
        report.problems.push_back("the series counts " + std::to_string(*stored) + " rows but " +
                                  std::to_string(report.candles + skipped) + " were read");
    return report;
}

int runVerify(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
    std::optional<std::string> venue;
    if (args.has("--exchange")) {
        auto name = exchangeArg(args);
        if (!name) {
            err << kName << ": " << name.error().message << "\nRun 'cpc verify --help' for usage.\n";
            return kExitUsage;
        }
        venue = *name;
    }
    // Like --exchange: without it every series is checked, spot and perpetual.
    std::optional<MarketType> market;
    if (args.has("--market")) {
        auto m = marketArg(args);
        if (!m) {
            err << kName << ": " << m.error().message << "\nRun 'cpc verify --help' for usage.\n";
            return kExitUsage;
        }
        market = *m;
    }
    const std::string dbPath = args.value("--db").value_or(storage::defaultDatabasePath());
    std::error_code ec;
    if (!std::filesystem::exists(dbPath, ec)) {
        err << kName << ": " << dbPath << ": no candle cache there (give --db FILE)\n";
        return kExitFailure;
    }
    auto db = storage::CandleDatabase::open(dbPath, readOnlyCache());
    if (!db) {
        err << kName << ": " << db.error().message << '\n';
        return kExitFailure;
    }
    out << "checking " << dbPath << '\n';
    std::size_t problems = 0;
    std::size_t badSeries = 0;
    if (auto integrity = db->checkIntegrity(); !integrity) {
        out << "database: " << integrity.error().message << '\n';
        ++problems;
    }
    auto keys = db->listSeries();
    if (!keys) {
        err << kName << ": " << keys.error().message << '\n';
        return kExitFailure;
    }
    if (venue) std::erase_if(*keys, [&](const SeriesKey& k) { return k.exchange != *venue; });
    if (market) std::erase_if(*keys, [&](const SeriesKey& k) { return k.market != *market; });
    std::size_t candles = 0;
    for (const SeriesKey& key : *keys) {
        const SeriesReport report = checkSeries(*db, key);
        candles += report.candles;
        auto bounds = db->bounds(key);
        out << toString(key) << "  " << report.candles << " candles";
        if (bounds && *bounds)
            out << "  " << formatUtc((*bounds)->first) << " .. " << formatUtc((*bounds)->second);
        if (report.problems.empty()) {
            out << "  ok\n";
            continue;
        }
        ++badSeries;
        problems += report.problems.size();
        out << "  " << report.problems.size() << " problem" << (report.problems.size() == 1 ? "" : "s") << '\n';
        for (std::size_t i = 0; i < report.problems.size() && i < kMaxListedPerSeries; ++i)
            out << "  " << toString(key) << "  " << report.problems[i] << '\n';
        if (report.problems.size() > kMaxListedPerSeries)
            out << "  … and " << report.problems.size() - kMaxListedPerSeries << " more\n";
    }
    if (problems == 0) {
        out << "cache is clean: " << keys->size() << " series" << (venue ? " of " + *venue : std::string()) << ", "
            << candles << " candles\n";
        return kExitOk;
    }
    out << problems << " problem" << (problems == 1 ? "" : "s") << " found (" << badSeries << " of " << keys->size()
        << " series)\n";
    return kExitFailure;
}

}  // namespace

Command makeVerifyCommand() {
    Command c;
    c.name = "verify";
    c.summary = "check the whole candle cache and report problems by series and time";
    c.usage = "cpc verify [--exchange NAME] [--market spot|perp] [--db FILE]";
    c.description =
        "Runs SQLite's integrity check on the candle cache, then checks every cached series: each\n"
        "candle valid (low <= open/close <= high, no negative values, taker volumes within totals),\n"
        "open times aligned to the interval, close time (open + interval - 1 ms) before the next\n"
        "open, open times strictly increasing without duplicates, every stored row readable.\n"
        "Each series is listed as exchange:symbol:interval (exchange/perp for perpetual futures);\n"
        "--exchange checks only that exchange's, --market only that market's (default: every series).\n"
        "Nothing is repaired. Exit status: 0 clean, 1 problems found (or no readable cache), 2 bad\n"
        "command line.";
    c.options = {
        {"--exchange", "NAME", "check only this exchange's series: " + acceptedExchangesText() + " (default: all)"},
        {"--market", "spot|perp", "check only spot or only perpetual-futures series (default: all)"},
        {"--db", "FILE", "candle cache (default " + storage::defaultDataDirectory() + "/" + storage::kDatabaseFileName + ")"},
    };
    c.run = runVerify;
    return c;
}

}  // namespace cpc::cli
