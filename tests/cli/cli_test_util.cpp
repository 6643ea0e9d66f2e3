#include "cli_test_util.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include <unistd.h>

#include "command.hpp"
#include "cpc/exchange/binance/binance_adapter.hpp"
#include "support/fixtures.hpp"

namespace cpc::test {

CommandRun runCpc(const std::vector<std::string>& args) {
    const cli::CommandRegistry registry = cli::makeCommands();
    std::ostringstream out;
    std::ostringstream err;
    CommandRun run;
    run.code = registry.run(args, out, err);
    run.out = out.str();
    run.err = err.str();
    return run;
}

TempDir::TempDir() {
    static std::atomic<int> counter{0};
    m_path = std::filesystem::temp_directory_path() /
             ("cpc-cli-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(m_path);
    std::filesystem::create_directories(m_path);
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
}

bool waitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return condition();
}

void writeFile(const std::string& path, const std::string& content) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << content;
    ASSERT_TRUE(file.good()) << path;
}

std::string readFile(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    EXPECT_TRUE(file.good()) << path;
    return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

std::vector<Candle> fixtureHours() {
    const exchange::BinanceAdapter adapter;
    auto rows = adapter.parseHistory(readFixture(kFixtureHours), 200, INT64_MAX);
    EXPECT_TRUE(rows);
    return rows ? *rows : std::vector<Candle>{};
}

}  // namespace cpc::test
