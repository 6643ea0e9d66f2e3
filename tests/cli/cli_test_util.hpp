#pragma once
// Helpers for the `cpc` command tests: run a command line in-process, temporary files.
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "cpc/core/candle.hpp"

namespace cpc::test {

struct CommandRun {
    int code = -1;
    std::string out;
    std::string err;
};

// `cpc <args…>` through the command registry, with captured output.
CommandRun runCpc(const std::vector<std::string>& args);

// A fresh directory under the system temp directory, removed with everything in it.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string file(const std::string& name) const { return (m_path / name).string(); }

private:
    std::filesystem::path m_path;
};

// Polls `condition` every 10 ms until it holds or `timeout` passed; returns its last value.
bool waitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout = std::chrono::seconds(3));

void writeFile(const std::string& path, const std::string& content);
std::string readFile(const std::string& path);

// The 24 real 1h BTCUSDT candles of 2024-01-15 (tests/fixtures/binance-rest).
std::vector<Candle> fixtureHours();
inline constexpr const char* kFixtureHours = "binance-rest/BTCUSDT-1h-2024-01-15.klines.json";

}  // namespace cpc::test
