// The built `cpc` executable, as a user runs it: stdin, stdout, exit status.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <cctype>
#include <sstream>
#include <vector>
#include <cstdio>

#include "support/fixtures.hpp"

namespace {

struct ProcessRun {
    int code = -1;
    std::string out;
};

ProcessRun runShell(const std::string& command) {
    ProcessRun run;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return run;
    std::array<char, 4096> buffer{};
    for (std::size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0;) run.out.append(buffer.data(), n);
    const int status = ::pclose(pipe);
    run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

const std::string kCpc = CPC_CLI_BINARY;

}  // namespace

TEST(CpcBinary, AggregatesStandardInputToStandardOutput) {
    const std::string fixture = cpc::test::fixturePath("binance-rest/BTCUSDT-1h-2024-01-15.klines.json");
    const auto run = runShell("'" + kCpc + "' aggregate --to 1d --output-format csv - < '" + fixture + "'");
    EXPECT_EQ(run.code, 0);
    EXPECT_EQ(run.out.rfind("1705276800000,41732.35000000,43400.43000000,41718.05000000,42511.10000000,"
                            "40269.89303000,1705363199999,", 0), 0u) << run.out;
}

TEST(CpcBinary, ExitStatusSaysWhatWentWrong) {
    const std::string fixture = cpc::test::fixturePath("binance-rest/BTCUSDT-1h-2024-01-15.klines.json");
    const auto usage = runShell("'" + kCpc + "' aggregate --to 3d '" + fixture + "' 2>&1");
    EXPECT_EQ(usage.code, 2);
    EXPECT_NE(usage.out.find("--anchor"), std::string::npos) << usage.out;
    const auto data = runShell("echo '[[1,2]]' | '" + kCpc + "' aggregate --to 1d - 2>&1");
    EXPECT_EQ(data.code, 1);
    EXPECT_NE(data.out.find("<stdin>:1: row 1 has 2 fields"), std::string::npos) << data.out;
    const auto help = runShell("'" + kCpc + "' --help");
    EXPECT_EQ(help.code, 0);
    for (const char* command : {"aggregate", "fetch", "export", "verify"})
        EXPECT_NE(help.out.find(command), std::string::npos) << command;
}

TEST(CpcBinary, VersionNamesTheProjectVersionAndTheCommitBuilt) {
    const auto version = runShell("'" + kCpc + "' --version");
    EXPECT_EQ(version.code, 0);
    const std::string expected = std::string("cpc ") + CPC_PROJECT_VERSION;
    ASSERT_EQ(version.out.rfind(expected, 0), 0u) << version.out;
    // Built from a git checkout (this one): the commit follows — HEAD when built, so HEAD or one of
    // its ancestors when something was committed since the build.
    const auto head = runShell("git -C '" CPC_SOURCE_DIR "' rev-parse HEAD 2>/dev/null");
    if (head.code != 0) {
        EXPECT_EQ(version.out, expected + "\n");
        return;
    }
    const std::string rest = version.out.substr(expected.size());
    ASSERT_EQ(rest.rfind(" (git ", 0), 0u) << version.out;
    const std::string commit = rest.substr(6, rest.find_first_of("-)", 6) - 6);
    EXPECT_GE(commit.size(), 7u) << version.out;
    const auto ancestor = runShell("git -C '" CPC_SOURCE_DIR "' merge-base --is-ancestor '" + commit + "' HEAD 2>&1");
    EXPECT_EQ(ancestor.code, 0) << "printed " << commit << ", not HEAD (" << head.out << ") or an ancestor: " << ancestor.out;
}

// aggregate and indicator given a directory: exit 1 with the reason, not an abort (an uncaught
// std::ios_base::failure from reading it).
TEST(CpcBinary, ADirectoryAsInputIsAnErrorNotAnAbort) {
    const std::string dir = ::testing::TempDir();
    for (const std::string command : {"aggregate --to 1h", "indicator SMA"}) {
        const auto run = runShell("'" + kCpc + "' " + command + " '" + dir + "' 2>&1");
        EXPECT_EQ(run.code, 1) << command << ": " << run.out;
        EXPECT_NE(run.out.find("is a directory"), std::string::npos) << command << ": " << run.out;
    }
}

// Every command's help keeps an option's name and its help apart: a name too long for the column
// gets its own line ("--heartbeat-timeout-ms MSbybit/okx…" ran together before).
TEST(CpcBinary, EveryOptionsNameStandsApartFromItsHelp) {
    for (const char* command : {"fetch", "export", "stream", "record", "replay", "sim", "verify", "alerts", "aggregate",
                                "indicator"}) {
        const auto help = runShell("'" + kCpc + "' " + command + " --help 2>&1");
        EXPECT_EQ(help.code, 0) << command << ": " << help.out;
        std::istringstream lines(help.out);
        std::vector<std::string> all;
        for (std::string line; std::getline(lines, line);) all.push_back(line);
        for (std::size_t i = 0; i < all.size(); ++i) {
            const std::string& line = all[i];
            if (line.rfind("  --", 0) != 0) continue;
            // The help column starts at 26: the name ends before it with a space, or the name has
            // the line to itself and its help is on the next line, in the column.
            if (line.find("  ", 2) == std::string::npos) {
                ASSERT_LT(i + 1, all.size()) << command << ": \"" << line << '"';
                EXPECT_EQ(all[i + 1].rfind(std::string(26, ' '), 0), 0u) << command << ": \"" << line << '"';
            } else {
                EXPECT_LE(line.find("  ", 2), 25u) << command << ": \"" << line << '"';
                EXPECT_GT(line.size(), 26u) << command << ": \"" << line << '"';
                EXPECT_EQ(line[25], ' ') << command << ": \"" << line << '"';
            }
        }
    }
}
