// `cpc`: the command-line tool. Composition root only; the commands live in cpc_cli.
#include <iostream>
#include <string>
#include <vector>

#include "command.hpp"

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    return cpc::cli::makeCommands().run(args, std::cout, std::cerr);
}
