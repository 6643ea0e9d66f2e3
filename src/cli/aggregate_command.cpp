// `cpc aggregate`: builds higher-interval klines from a file of lower-interval ones, exactly as
// Binance does (market::aggregate), reading and writing Binance's REST JSON and archive CSV.
#include <algorithm>
#include <fstream>
#include <optional>

#include "command.hpp"
#include "cpc/core/time.hpp"
#include "cpc/market/validation.hpp"
#include "kline_io.hpp"

namespace cpc::cli {

namespace {

constexpr const char* kName = "cpc aggregate";

std::string spacingText(std::int64_t ms) {
    if (ms % kDayMs == 0) return std::to_string(ms / kDayMs) + " days";
    if (ms % kHourMs == 0) return std::to_string(ms / kHourMs) + " h";
    if (ms % kMinuteMs == 0) return std::to_string(ms / kMinuteMs) + " min";
    if (ms % kSecondMs == 0) return std::to_string(ms / kSecondMs) + " s";
    return std::to_string(ms) + " ms";
}

// The source interval from the spacing of the rows (sorted, no duplicates): the smallest spacing
// must be an interval and every other spacing a whole number of it (gaps), else it is ambiguous.
Result<Interval> detectInterval(const std::vector<KlineRow>& rows, const std::string& source) {
    if (rows.size() < 2)
        return makeError(source + ": cannot detect the input interval from a single row; give --from INTERVAL");
    std::int64_t smallest = INT64_MAX;
    for (std::size_t i = 1; i < rows.size(); ++i)
        smallest = std::min(smallest, rows[i].candle.openTime - rows[i - 1].candle.openTime);

    // Calendar months: 28..31 days apart, every row opening on the 1st.
    if (smallest >= 28 * kDayMs && smallest <= 31 * kDayMs) {
        const bool monthly = std::all_of(rows.begin(), rows.end(), [](const KlineRow& r) {
            return isAligned(Interval::Mo1, r.candle.openTime);
        });
        if (monthly) return Interval::Mo1;
    }
    std::optional<Interval> found;
    for (Interval i : kAllIntervals)
        if (i != Interval::Mo1 && nominalMs(i) == smallest) found = i;
    if (!found)
        return makeError(source + ": cannot detect the input interval: the smallest spacing between rows (" +
                         spacingText(smallest) + ") is not a kline interval; give --from INTERVAL (" +
                         acceptedIntervalsText() + ")");
    for (std::size_t i = 1; i < rows.size(); ++i) {
        const std::int64_t step = rows[i].candle.openTime - rows[i - 1].candle.openTime;
        if (step % smallest != 0)
            return makeError(source + ": the input interval is ambiguous: rows are " + spacingText(smallest) +
                             " apart but lines " + std::to_string(rows[i - 1].line) + " and " +
                             std::to_string(rows[i].line) + " are " + spacingText(step) +
                             " apart; give --from INTERVAL");
    }
    return *found;
}

int runAggregate(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
    const auto usage = [&](const std::string& message) {
        err << kName << ": " << message << "\nRun 'cpc aggregate --help' for usage.\n";
        return kExitUsage;
    };
    const auto failure = [&](const std::string& message) {
        err << kName << ": " << message << '\n';
        return kExitFailure;
    };

    if (args.positional.empty()) return usage("missing input file IN (a path, or - for standard input)");
    const std::string inPath = args.positional[0];
    const std::optional<std::string> outPath =
        args.positional.size() > 1 && args.positional[1] != "-" ? std::optional(args.positional[1]) : std::nullopt;

    const auto toText = args.value("--to");
    if (!toText) return usage("--to INTERVAL is required (" + acceptedIntervalsText() + ")");
    const auto to = parseInterval(*toText);
    if (!to) return usage("--to: unknown interval '" + *toText + "'; accepted: " + acceptedIntervalsText());
    std::optional<Interval> from;
    if (auto v = args.value("--from")) {
        from = parseInterval(*v);
        if (!from) return usage("--from: unknown interval '" + *v + "'; accepted: " + acceptedIntervalsText());
        if (!divides(*from, *to))
            return usage("cannot aggregate " + *v + " to " + *toText + ": every " + *toText +
                         " candle must be a whole number of " + *v + " candles");
    }
    std::optional<KlineFormat> inputFormat;
    if (auto v = args.value("--input-format"); v && *v != "auto") {
        inputFormat = parseKlineFormat(*v);
        if (!inputFormat) return usage("--input-format: unknown format '" + *v + "'; accepted: auto, json, csv");
    }
    std::optional<KlineFormat> outputFormat;
    if (auto v = args.value("--output-format")) {
        outputFormat = parseKlineFormat(*v);
        if (!outputFormat) return usage("--output-format: unknown format '" + *v + "'; accepted: json, csv");
    }
    std::optional<std::int64_t> anchor;
    if (auto v = args.value("--anchor")) {
        anchor = parseUtc(*v);
        if (!anchor || *anchor % kDayMs != 0)
            return usage("--anchor: expected a day (YYYY-MM-DD, 00:00 UTC), got '" + *v + "'");
    }
    if (*to == Interval::D3 && !anchor)
        return usage("--to 3d needs --anchor DATE: Binance anchors 3d candles at the symbol's first trading "
                     "day (its listing day, e.g. --anchor 2017-08-17 for BTCUSDT), not at a fixed epoch");

    const std::string sourceName = inputDisplayName(inPath);
    auto input = readKlineFile(inPath, inputFormat);
    if (!input) return failure(input.error().message);
    std::vector<KlineRow>& rows = input->rows;
    if (!from) {
        auto detected = detectInterval(rows, sourceName);
        if (!detected) return failure(detected.error().message);
        from = *detected;
        if (!divides(*from, *to))
            return usage("the input is " + std::string(toString(*from)) + " (detected from its spacing), which " +
                         "cannot be aggregated to " + *toText + "; give --from if the detection is wrong");
    }
    // 3d source rows carry their own anchor: any of their open times has the right residue.
    const std::int64_t anchor3d = anchor ? *anchor : rows.front().candle.openTime;
    for (const KlineRow& r : rows)
        if (auto bad = market::validateAlignment(r.candle, *from, anchor3d))
            return failure(sourceName + ":" + std::to_string(r.line) + ": " + *bad +
                           " (every input row must open on a " + std::string(toString(*from)) + " boundary)");

    std::vector<Candle> candles;
    candles.reserve(rows.size());
    for (const KlineRow& r : rows) candles.push_back(r.candle);
    const std::vector<Candle> result = aggregateWholeBuckets(candles, *from, *to, anchor3d, args.has("--partial"));
    const KlineFormat format = outputFormat.value_or(input->format);

    if (!outPath) {
        writeKlines(out, result, *to, format);
        out.flush();
        return out ? kExitOk : failure("cannot write to standard output");
    }
    std::ofstream file(*outPath, std::ios::binary | std::ios::trunc);
    if (!file) return failure(*outPath + ": cannot create the output file");
    writeKlines(file, result, *to, format);
    file.close();
    if (!file) return failure(*outPath + ": write failed");
    return kExitOk;
}

}  // namespace

Command makeAggregateCommand() {
    Command c;
    c.name = "aggregate";
    c.summary = "build higher-interval klines from a Binance kline file (JSON or CSV)";
    c.usage = "cpc aggregate --to INTERVAL [--from INTERVAL] [--input-format auto|json|csv] "
              "[--output-format json|csv] [--anchor DATE] [--partial] IN [OUT]";
    c.description =
        "Reads klines from IN (- for standard input) as a Binance REST JSON array (12-field rows;\n"
        "6-field [t,o,h,l,c,v] rows too) or a data.binance.vision CSV (no header needed; times in\n"
        "milliseconds or microseconds, detected per row), aggregates them the way Binance builds its\n"
        "candles (UTC buckets, Monday weeks, calendar months, no-trade candles ignored for\n"
        "open/high/low/close, exact decimal sums) and writes them to OUT (standard output by default)\n"
        "in the same formats (JSON: 12-field REST rows; CSV: binance.vision columns in ms).\n"
        "Only buckets whose whole span lies inside the input's time range are written unless\n"
        "--partial; rows missing inside a bucket are an exchange gap and do not drop it.\n"
        "Exit status: 0 success, 1 unreadable or invalid data, 2 bad command line.";
    c.options = {
        {"--to", "INTERVAL", "interval to build (" + acceptedIntervalsText() + ")"},
        {"--from", "INTERVAL", "interval of the input (default: detected from the row spacing)"},
        {"--input-format", "FMT", "auto (default), json or csv"},
        {"--output-format", "FMT", "json or csv (default: the input's format)"},
        {"--anchor", "DATE", "the symbol's first trading day; required for --to 3d"},
        {"--partial", "", "also write the incomplete buckets at both ends"},
    };
    c.maxPositional = 2;
    c.run = runAggregate;
    return c;
}

}  // namespace cpc::cli
