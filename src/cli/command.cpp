#include "command.hpp"

#include <charconv>
#include <iomanip>

#include "cpc/core/build_info.hpp"
#include "cpc/exchange/registry.hpp"

namespace cpc::cli {

namespace {
std::string acceptedOptions(const Command& command) {
    std::string s;
    for (const OptionSpec& o : command.options) s += (s.empty() ? "" : ", ") + o.name;
    return s.empty() ? "--help" : s + ", --help";
}
}  // namespace

std::optional<std::string> ParsedArgs::value(const std::string& name) const {
    const auto it = options.find(name);
    if (it == options.end()) return std::nullopt;
    return it->second;
}

Result<ParsedArgs> parseArgs(const Command& command, const std::vector<std::string>& args) {
    ParsedArgs parsed;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--help" || arg == "-h") {
            parsed.options["--help"] = "";
            continue;
        }
        if (arg.size() > 1 && arg[0] == '-') {
            const std::size_t eq = arg.find('=');
            const std::string name = arg.substr(0, eq);
            const OptionSpec* spec = nullptr;
            for (const OptionSpec& o : command.options)
                if (o.name == name) spec = &o;
            if (!spec && !command.acceptsExtraOptions)
                return makeError("cpc " + command.name + ": unknown option '" + name + "'; accepted: " +
                                 acceptedOptions(command));
            if (parsed.has(name)) return makeError("cpc " + command.name + ": option " + name + " given twice");
            if (!spec) {  // an extra option: always takes a value; run() checks the name
                if (eq != std::string::npos) {
                    parsed.options[name] = arg.substr(eq + 1);
                } else {
                    if (i + 1 >= args.size())
                        return makeError("cpc " + command.name + ": option " + name + " needs a value (" + name +
                                         " VALUE)");
                    parsed.options[name] = args[++i];
                }
            } else if (spec->valueName.empty()) {
                if (eq != std::string::npos)
                    return makeError("cpc " + command.name + ": option " + name + " takes no value");
                parsed.options[name] = "";
            } else if (eq != std::string::npos) {
                parsed.options[name] = arg.substr(eq + 1);
            } else {
                if (i + 1 >= args.size())
                    return makeError("cpc " + command.name + ": option " + name + " needs a value (" + name +
                                     " " + spec->valueName + ")");
                parsed.options[name] = args[++i];
            }
            continue;
        }
        if (parsed.positional.size() >= command.maxPositional)
            return makeError("cpc " + command.name + ": unexpected argument '" + arg + "'" +
                             (command.maxPositional == 0 ? " (this command takes options only; accepted: " +
                                                               acceptedOptions(command) + ")"
                                                         : ""));
        parsed.positional.push_back(arg);
    }
    return parsed;
}

Result<long long> parseIntOption(const std::string& name, const std::string& text, long long min, long long max) {
    long long v = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size() || v < min || v > max)
        return makeError(name + " expects a whole number in " + std::to_string(min) + ".." + std::to_string(max) +
                         ", got '" + text + "'");
    return v;
}

void CommandRegistry::add(Command command) { m_commands.push_back(std::move(command)); }

const Command* CommandRegistry::find(const std::string& name) const {
    for (const Command& c : m_commands)
        if (c.name == name) return &c;
    return nullptr;
}

void CommandRegistry::printUsage(std::ostream& os) const {
    os << "Usage: cpc <command> [options]\n\nCanvasProChart command-line tool.\n\nCommands:\n";
    for (const Command& c : m_commands) os << "  " << std::left << std::setw(12) << c.name << c.summary << '\n';
    os << "\nRun 'cpc <command> --help' for the options of a command.\n";
}

void CommandRegistry::printCommandHelp(const Command& command, std::ostream& os) {
    os << "Usage: " << command.usage << "\n\n" << command.description << "\n\nOptions:\n";
    for (const OptionSpec& o : command.options) {
        const std::string left = o.name + (o.valueName.empty() ? "" : " " + o.valueName);
        // A name too long for the column gets a line of its own, its help under the column.
        if (left.size() >= 24)
            os << "  " << left << '\n' << std::string(26, ' ') << o.help << '\n';
        else
            os << "  " << std::left << std::setw(24) << left << o.help << '\n';
    }
    os << "  " << std::left << std::setw(24) << "--help" << "show this help\n";
}

int CommandRegistry::run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) const {
    std::string names;
    for (const Command& c : m_commands) names += (names.empty() ? "" : ", ") + c.name;
    if (args.empty()) {
        printUsage(err);
        return kExitUsage;
    }
    const std::string& first = args.front();
    if (first == "--help" || first == "-h" || first == "help") {
        if (first == "help" && args.size() > 1) {
            if (const Command* c = find(args[1])) {
                printCommandHelp(*c, out);
                return kExitOk;
            }
            err << "cpc: unknown command '" << args[1] << "'; commands: " << names << '\n';
            return kExitUsage;
        }
        printUsage(out);
        return kExitOk;
    }
    if (first == "--version") {
        out << "cpc " << versionText() << '\n';
        return kExitOk;
    }
    if (first.starts_with("-")) {
        err << "cpc: unknown option '" << first << "'; accepted before a command: --help, --version\n"
            << "Run 'cpc --help' for the commands (" << names << ").\n";
        return kExitUsage;
    }
    const Command* command = find(first);
    if (!command) {
        err << "cpc: unknown command '" << first << "'; commands: " << names << "\n";
        return kExitUsage;
    }
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    auto parsed = parseArgs(*command, rest);
    if (!parsed) {
        err << parsed.error().message << "\nRun 'cpc " << command->name << " --help' for usage.\n";
        return kExitUsage;
    }
    if (parsed->has("--help")) {
        printCommandHelp(*command, out);
        return kExitOk;
    }
    return command->run(*parsed, out, err);
}

Command makeAggregateCommand();  // aggregate_command.cpp
Command makeFetchCommand();      // fetch_command.cpp
Command makeExportCommand();     // export_command.cpp
Command makeVerifyCommand();     // verify_command.cpp
Command makeStreamCommand();     // stream_command.cpp
Command makeIndicatorCommand();  // indicator_command.cpp
Command makeAlertsCommand();     // alerts_command.cpp
Command makeRecordCommand();     // record_command.cpp
Command makeReplayCommand();     // record_command.cpp

CommandRegistry makeCommands() {
    CommandRegistry registry;
    registry.add(makeSimCommand());
    registry.add(makeAggregateCommand());
    registry.add(makeFetchCommand());
    registry.add(makeExportCommand());
    registry.add(makeVerifyCommand());
    registry.add(makeStreamCommand());
    registry.add(makeRecordCommand());
    registry.add(makeReplayCommand());
    registry.add(makeIndicatorCommand());
    registry.add(makeAlertsCommand());
    return registry;
}

}  // namespace cpc::cli

namespace cpc::cli {

std::string acceptedExchangesText() {
    std::string text;
    for (const std::string& name : exchange::adapterNames()) text += (text.empty() ? "" : ", ") + name;
    return text;
}

Result<std::string> exchangeArg(const ParsedArgs& args) {
    const std::string given = args.value("--exchange").value_or("binance");
    std::string name = given;
    for (char& c : name)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (!exchange::defaultEndpoints(name))
        return makeError("--exchange: unknown exchange '" + given + "'; accepted: " + acceptedExchangesText());
    return name;
}

Result<MarketType> marketArg(const ParsedArgs& args) {
    const std::string given = args.value("--market").value_or("spot");
    const auto market = parseMarketType(given);
    if (!market)
        return makeError("--market: unknown market '" + given + "'; accepted: " + std::string(marketTypeNames()));
    return *market;
}

OptionSpec marketOption() {
    return {"--market", "spot|perp", "the venue's spot market (default) or its perpetual futures"};
}

Result<std::string> exchangeForMarket(const ParsedArgs& args, MarketType market) {
    auto name = exchangeArg(args);
    if (!name) return name.error();
    if (auto endpoints = exchange::defaultEndpoints(*name, market); !endpoints)
        return makeError("--exchange " + *name + " --market " + std::string(toString(market)) + ": " +
                         endpoints.error().message);
    return name;
}

}  // namespace cpc::cli
