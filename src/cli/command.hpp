#pragma once
// Subcommand dispatch for `cpc`: each command declares its options (for parsing, --help and the
// error that lists what is accepted) and a run function. Adding a command = one more Command.
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "cpc/core/candle.hpp"
#include "cpc/core/result.hpp"

namespace cpc::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command ran and failed (port taken, network error…)
inline constexpr int kExitUsage = 2;    // bad command line

struct OptionSpec {
    std::string name;       // "--port"
    std::string valueName;  // "N"; empty for a flag without a value
    std::string help;
};

// Options as given: name → value ("" for flags). Positional arguments in order.
struct ParsedArgs {
    std::map<std::string, std::string> options;
    std::vector<std::string> positional;

    bool has(const std::string& name) const { return options.count(name) != 0; }
    std::optional<std::string> value(const std::string& name) const;
};

struct Command {
    std::string name;         // "sim"
    std::string summary;      // one line for `cpc --help`
    std::string usage;        // "cpc sim [options]"
    std::string description;  // paragraph for `cpc sim --help`
    std::vector<OptionSpec> options;
    std::size_t maxPositional = 0;
    // Options not in `options` are accepted too, each with a value ("--name value" or
    // "--name=value"), and left in ParsedArgs::options for run() to check (`cpc indicator`, whose
    // options are the chosen indicator's parameters).
    bool acceptsExtraOptions = false;
    std::function<int(const ParsedArgs&, std::ostream& out, std::ostream& err)> run;
};

// Parses args (after the command name) against the command's options. Accepts "--opt value" and
// "--opt=value". Errors name the offending argument and list the accepted options.
Result<ParsedArgs> parseArgs(const Command& command, const std::vector<std::string>& args);

// Parses an integer option value in [min, max]; the error names the option and the range.
// --exchange NAME (default "binance"), lower-cased; an unknown name is an Error naming it and
// listing the accepted ones (exchange::adapterNames()).
Result<std::string> exchangeArg(const ParsedArgs& args);
// "binance, bybit, okx, kucoin"
std::string acceptedExchangesText();
// --market spot|perp (default spot); anything else is an Error listing the accepted values.
Result<MarketType> marketArg(const ParsedArgs& args);
// The --market option every venue-reaching command declares.
OptionSpec marketOption();
// --exchange and --market together: an Error when the venue has no such market (kucoin perp).
Result<std::string> exchangeForMarket(const ParsedArgs& args, MarketType market);
Result<long long> parseIntOption(const std::string& name, const std::string& text, long long min, long long max);

class CommandRegistry {
public:
    void add(Command command);
    const Command* find(const std::string& name) const;
    // `cpc <args…>`: dispatches and returns the process exit code.
    int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) const;
    void printUsage(std::ostream& os) const;
    static void printCommandHelp(const Command& command, std::ostream& os);

private:
    std::vector<Command> m_commands;
};

Command makeSimCommand();
// Every command of the tool.
CommandRegistry makeCommands();

}  // namespace cpc::cli
