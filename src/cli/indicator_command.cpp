// `cpc indicator`: computes one indicator (TA-Lib names for the indicator, its parameters and its
// outputs) over a kline file and writes the columns as CSV.
#include <algorithm>
#include <charconv>
#include <cctype>
#include <cmath>
#include <fstream>
#include <optional>
#include <span>
#include <system_error>

#include "command.hpp"
#include "cpc/core/ascii.hpp"
#include "cpc/core/time.hpp"
#include "cpc/indicators/bar.hpp"
#include "cpc/indicators/registry.hpp"
#include "cpc/orderflow/footprint.hpp"
#include "kline_io.hpp"
#include "trade_io.hpp"

namespace cpc::cli {

namespace {

constexpr const char* kName = "cpc indicator";

std::string formatNumber(double v) {
    char buf[64];
    const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest repr that round-trips
    return ec == std::errc{} ? std::string(buf, ptr) : std::string();
}

// Parameter defaults and limits: whole numbers without an exponent ("100000", not "1e+05").
std::string formatParam(double v) {
    if (v == std::floor(v) && std::abs(v) < 1e15) {
        char buf[32];
        const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
        if (ec == std::errc{}) return std::string(buf, ptr);
    }
    return formatNumber(v);
}

std::string acceptedParams(const indicators::IndicatorInfo& info) {
    if (info.params.empty()) return info.name + " takes no parameters";
    std::string s;
    for (const indicators::ParamInfo& p : info.params) s += (s.empty() ? "--" : ", --") + p.name;
    return "accepted: " + s;
}

std::string rangeText(const indicators::ParamInfo& p) {
    if (!p.choices.empty()) {
        std::string names;
        for (const std::string& c : p.choices) names += (names.empty() ? "" : "|") + c;
        return "one of " + names + " (or its number 0.." + formatParam(p.maxValue) + ")";
    }
    return std::string(p.integer ? "a whole number" : "a number") + " in " + formatParam(p.minValue) + ".." +
           formatParam(p.maxValue);
}

void writeList(std::ostream& out) {
    for (const indicators::IndicatorInfo* info : indicators::allIndicators()) {
        out << indicators::describe(*info) << "  # " << info->title << '\n';
        for (const indicators::ParamInfo& p : info->params)
            out << "    --" << p.name << " (default "
                << (p.choices.empty() ? formatParam(p.defaultValue)
                                      : p.choices.at(static_cast<std::size_t>(p.defaultValue)))
                << ", " << rangeText(p)
                << ")\n";
    }
}

void writeColumns(std::ostream& os, const indicators::Indicator& indicator, std::span<const Candle> candles) {
    os << "open_time";
    for (const indicators::OutputInfo& o : indicator.info().outputs) os << ',' << o.name;
    os << '\n';
    std::string line;
    for (std::size_t row = 0; row < candles.size(); ++row) {
        line = std::to_string(candles[row].openTime);
        for (std::size_t k = 0; k < indicator.outputCount(); ++k) {
            line += ',';
            const double v = indicator.value(k, row);
            if (!std::isnan(v)) line += formatNumber(v);
        }
        line += '\n';
        os << line;
    }
}

// The CVD of trades: per bar of `interval` with trades, the candle of the running delta
// (orderflow::intrabarCvd) and the bar's delta.
void writeTradeCvd(std::ostream& os, const std::vector<orderflow::CvdCandle>& candles) {
    os << "open_time,cvd_open,cvd_high,cvd_low,cvd,delta\n";
    for (const orderflow::CvdCandle& c : candles)
        os << c.openTime << ',' << c.open.toString() << ',' << c.high.toString() << ',' << c.low.toString() << ','
           << c.close.toString() << ',' << (c.close - c.open).toString() << '\n';
}

int writeOutput(const std::optional<std::string>& outPath, std::ostream& out, std::ostream& err,
                const std::function<void(std::ostream&)>& write) {
    const auto failure = [&](const std::string& message) {
        err << kName << ": " << message << '\n';
        return kExitFailure;
    };
    if (!outPath) {
        write(out);
        out.flush();
        return out ? kExitOk : failure("cannot write to standard output");
    }
    std::ofstream file(*outPath, std::ios::binary | std::ios::trunc);
    if (!file) return failure(*outPath + ": cannot create the output file");
    write(file);
    file.close();
    if (!file) return failure(*outPath + ": write failed");
    return kExitOk;
}

int runIndicator(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
    const auto usage = [&](const std::string& message) {
        err << kName << ": " << message << "\nRun 'cpc indicator --help' for usage.\n";
        return kExitUsage;
    };
    const auto failure = [&](const std::string& message) {
        err << kName << ": " << message << '\n';
        return kExitFailure;
    };

    if (args.has("--list")) {
        if (!args.positional.empty() || args.options.size() > 1)
            return usage("--list takes no other arguments");
        writeList(out);
        out.flush();
        return out ? kExitOk : failure("cannot write to standard output");
    }
    if (args.positional.empty())
        return usage("missing indicator NAME (run 'cpc indicator --list' for the names and parameters)");
    const std::string& name = args.positional[0];
    const indicators::IndicatorInfo* info = indicators::findIndicator(name);
    if (!info) {
        std::string names;
        for (const std::string& n : indicators::indicatorNames()) names += (names.empty() ? "" : ", ") + n;
        return usage("unknown indicator '" + name + "'; accepted: " + names);
    }

    // The CVD of trades: --trades FILE (and the bars' --interval) instead of a kline file.
    const std::optional<std::string> tradesPath = args.value("--trades");
    const std::optional<std::string> intervalText = args.value("--interval");
    std::vector<indicators::NamedParam> params;
    for (const auto& [option, text] : args.options) {
        if (option == "--trades" || option == "--interval") continue;
        const std::string param = option.substr(option.starts_with("--") ? 2 : 1);
        const std::string lowered = toLowerAscii(param);
        const auto it = std::find_if(info->params.begin(), info->params.end(),
                                     [&](const indicators::ParamInfo& p) { return p.name == lowered; });
        if (it == info->params.end())
            return usage("unknown parameter '" + option + "' for " + info->name + "; " + acceptedParams(*info));
        double value = 0;
        const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        bool ok = !text.empty() && ec == std::errc{} && ptr == text.data() + text.size() &&
                  std::isfinite(value) && (!it->integer || value == std::floor(value)) &&
                  value >= it->minValue && value <= it->maxValue;
        if (!ok) {
            // A choice by name: "--anchor session".
            if (const std::optional<double> choice = indicators::choiceValue(*it, text)) {
                value = *choice;
                ok = true;
            }
        }
        if (!ok)
            return usage(info->name + ": --" + it->name + " expects " + rangeText(*it) + ", got '" + text + "'");
        params.push_back({it->name, value});
    }

    if (tradesPath || intervalText) {
        if (info->name != "CVD") return usage("--trades and --interval are CVD's (the CVD of trades); " + info->name + " reads klines");
        if (!tradesPath) return usage("--interval is for --trades FILE (the CVD of trades)");
        const auto source = std::find_if(params.begin(), params.end(), [](const auto& p) { return p.name == "source"; });
        if (source != params.end() && source->value != 1)
            return usage("--source klines reads a kline file; --trades gives trades (leave --source out, or --source trades)");
        if (args.positional.size() > 2) return usage("with --trades FILE, only OUT may follow NAME");
        const std::optional<Interval> interval = parseInterval(intervalText.value_or("1m"));
        if (!interval) return usage("--interval expects a Binance interval (1s, 1m, 5m, 1h, 1d…), got '" + *intervalText + "'");
        orderflow::CvdAnchor anchor = orderflow::CvdAnchor::None;
        for (const auto& p : params)
            if (p.name == "anchor") anchor = p.value == 1 ? orderflow::CvdAnchor::Day
                                             : p.value == 2 ? orderflow::CvdAnchor::Session
                                                            : orderflow::CvdAnchor::None;
        auto trades = readTradeFile(*tradesPath);
        if (!trades) return failure(trades.error().message);
        // Rows are irrelevant to the CVD: one row per price unit; every bar is kept.
        orderflow::FootprintSeries series(*interval, Decimal::fromInt(1), trades->size());
        for (const exchange::TradeTick& t : *trades) series.add(t);
        const std::vector<orderflow::CvdCandle> cvd = orderflow::intrabarCvd(series, anchor);
        const std::optional<std::string> outPath =
            args.positional.size() > 1 && args.positional[1] != "-" ? std::optional(args.positional[1]) : std::nullopt;
        return writeOutput(outPath, out, err, [&](std::ostream& os) { writeTradeCvd(os, cvd); });
    }
    if (info->name == "CVD") {
        const auto source = std::find_if(params.begin(), params.end(), [](const auto& p) { return p.name == "source"; });
        if (source != params.end() && source->value == 1)
            return usage("CVD --source trades reads trades: give them with --trades FILE");
    }
    if (args.positional.size() < 2)
        return usage("missing input file IN (a path, or - for standard input)");
    const std::string inPath = args.positional[1];
    const std::optional<std::string> outPath =
        args.positional.size() > 2 && args.positional[2] != "-" ? std::optional(args.positional[2]) : std::nullopt;

    auto indicator = indicators::create(info->name, std::span<const indicators::NamedParam>(params));
    if (!indicator) return usage(indicator.error().message);

    auto input = readKlineFile(inPath, std::nullopt);
    if (!input) return failure(input.error().message);
    const std::vector<KlineRow>& rows = input->rows;

    const bool needsTakerBuy = std::find(info->inputs.begin(), info->inputs.end(), "takerbuyvolume") != info->inputs.end();
    if (needsTakerBuy) {
        const auto partial = std::find_if(rows.begin(), rows.end(), [](const KlineRow& r) { return !r.full; });
        if (partial != rows.end())
            return failure(inPath + ": line " + std::to_string(partial->line) + ": " + info->name +
                           " needs the taker buy base volume, which 6-field rows lack (give the 12 fields "
                           "Binance sends)");
    }
    std::vector<Candle> candles;
    candles.reserve(rows.size());
    for (const KlineRow& r : rows) candles.push_back(r.candle);
    const std::vector<indicators::Bar> bars = indicators::toBars(candles);
    (*indicator)->computeAll(bars);

    return writeOutput(outPath, out, err, [&](std::ostream& os) { writeColumns(os, **indicator, candles); });
}

}  // namespace

Command makeIndicatorCommand() {
    Command c;
    c.name = "indicator";
    c.summary = "compute a technical indicator (TA-Lib names) over a kline file, as CSV";
    c.usage = "cpc indicator --list | cpc indicator NAME [--PARAM VALUE]... IN [OUT] | "
              "cpc indicator CVD --trades FILE [--interval 1m] [--anchor none|day|session] [OUT]";
    c.description =
        "Computes indicator NAME (TA-Lib's name, e.g. SMA, MACD, BBANDS; case-insensitive) over the\n"
        "klines of IN (- for standard input): a Binance REST JSON array (12- or 6-field rows) or a\n"
        "CSV (data.binance.vision's 12 columns, or open_time,open,high,low,close,volume; optional\n"
        "header; times in ms or µs). Parameters are given by TA-Lib's names, e.g.\n"
        "  cpc indicator MACD --fastperiod 12 --slowperiod 26 --signalperiod 9 in.csv\n"
        "and default when omitted; a choice may be given by name:\n"
        "  cpc indicator CVD --anchor session in.json\n"
        "(CVD: cumulative volume delta from the klines' taker buy volume, which only Binance's klines\n"
        "carry; --anchor none|day|session resets it never, at 00:00 UTC, or at the venue's session\n"
        "start, which is 00:00 UTC on the crypto venues). Writes CSV to OUT (standard output by default): open_time (ms)\n"
        "and one column per output, named as in TA-Lib (macd,macdsignal,macdhist); cells inside the\n"
        "warm-up are empty; values are printed with the shortest text that reads back exactly.\n"
        "CVD from trades (intrabar): --trades FILE (- for standard input) instead of IN, with the bars'\n"
        "--interval (default 1m): JSON lines of `cpc stream --streams aggTrade` (or trade; other lines\n"
        "are skipped), Binance's REST aggTrades/trades rows (one per line or a JSON array), or\n"
        "data.binance.vision's aggTrades/trades CSV. Per bar with trades, the candle of the running\n"
        "delta (+quantity for an aggressive buy, -quantity for an aggressive sell, trade by trade):\n"
        "open_time,cvd_open,cvd_high,cvd_low,cvd,delta, exact decimals; --anchor as above, e.g.\n"
        "  cpc stream BTCUSDT --streams aggTrade --seconds 60 > t.jsonl\n"
        "  cpc indicator CVD --trades t.jsonl --interval 1m --anchor day\n"
        "Exit status: 0 success, 1 unreadable or invalid input, 2 bad command line.";
    c.options = {
        {"--list", "", "list the indicators with their parameters, defaults and outputs"},
        {"--PARAM", "VALUE", "a parameter of the indicator (see --list)"},
        {"--trades", "FILE", "CVD only: compute it from these trades (see above) instead of klines"},
        {"--interval", "INTERVAL", "with --trades: the bars' interval (default 1m)"},
    };
    c.acceptsExtraOptions = true;
    c.maxPositional = 3;
    c.run = runIndicator;
    return c;
}

}  // namespace cpc::cli
