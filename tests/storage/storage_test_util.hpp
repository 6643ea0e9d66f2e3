#pragma once
// Helpers shared by the storage tests: temporary directories, exact candles, raw SQLite access.
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "cpc/core/candle.hpp"
#include "cpc/core/decimal.hpp"

namespace cpc::storage::test {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
public:
    TempDir() {
        const char* tmp = std::getenv("TMPDIR");
        std::string pattern =
            std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/cpc-storage-test-XXXXXX";
        if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed for " << pattern;
        m_path = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return m_path; }
    std::string file(std::string_view name) const { return m_path + "/" + std::string(name); }

private:
    std::string m_path;
};

// Reads one int32 from a pipe (blocking, EINTR retried); false at EOF or on an error. The crash
// tests' writer children report each commit this way.
inline bool readInt32(int fd, std::int32_t& value) {
    std::size_t got = 0;
    auto* out = reinterpret_cast<char*>(&value);
    while (got < sizeof value) {
        const ssize_t n = ::read(fd, out + got, sizeof value - got);
        if (n == 0) return false;
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        got += static_cast<std::size_t>(n);
    }
    return true;
}

inline Decimal dec(std::string_view text) {
    auto value = Decimal::parse(text);
    EXPECT_TRUE(value.has_value()) << "bad decimal literal in test: " << text;
    return value.value_or(Decimal{});
}

inline SeriesKey btc1m() { return SeriesKey{"binance", "BTCUSDT", Interval::M1}; }
inline SeriesKey eth1h() { return SeriesKey{"binance", "ETHUSDT", Interval::H1}; }

// A valid candle whose every field depends on `index`, so mix-ups between rows show up.
inline Candle syntheticCandle(std::int64_t openTime, std::int64_t index, bool closed = true) {
    Candle c;
    c.openTime = openTime;
    const std::int64_t base = 100'000 + (index * 7919) % 50'000;  // whole units
    c.low = Decimal::fromInt(base) + Decimal::fromUnits(index % 97);
    c.open = c.low + Decimal::fromUnits(index % 1000 + 1);
    c.close = c.low + Decimal::fromUnits(index % 777 + 3);
    c.high = c.low + Decimal::fromUnits(2000 + index % 13);
    c.volume = Decimal::fromUnits(1'000'000 + index * 31);
    c.quoteVolume = Decimal::fromUnits(5'000'000'000 + index * 17);
    c.takerBuyBase = Decimal::fromUnits(index * 11 % 1'000'000);
    c.takerBuyQuote = Decimal::fromUnits(index * 13 % 5'000'000'000);
    c.trades = 1 + index % 1000;
    c.closed = closed;
    return c;
}

// `count` consecutive 1m candles starting at `startIndex` (open time = index minutes).
inline std::vector<Candle> minuteCandles(std::int64_t startIndex, std::int64_t count,
                                         bool closed = true) {
    std::vector<Candle> out;
    out.reserve(static_cast<std::size_t>(count));
    for (std::int64_t i = startIndex; i < startIndex + count; ++i)
        out.push_back(syntheticCandle(i * 60'000, i, closed));
    return out;
}

// Runs SQL on its own raw connection (to craft old or damaged databases); fails the test on error.
inline void execRaw(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    int rc =
        sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    char* message = nullptr;
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    EXPECT_EQ(rc, SQLITE_OK) << "raw SQL on " << path
                             << " failed: " << (message != nullptr ? message : sqlite3_errmsg(db))
                             << "\n"
                             << sql;
    sqlite3_free(message);
    sqlite3_close_v2(db);
}

// First column of the first row of `sql`, as an integer (-1 when there is no row).
inline long long queryRawInt(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    long long value = -1;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
            sqlite3_step(statement) == SQLITE_ROW)
            value = sqlite3_column_int64(statement, 0);
        else
            ADD_FAILURE() << "raw query on " << path << " failed: " << sqlite3_errmsg(db);
        sqlite3_finalize(statement);
    }
    sqlite3_close_v2(db);
    return value;
}

// First column of the first row of `sql`, as text ("" when there is no row or it is NULL).
inline std::string queryRawText(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    std::string value;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK) {
            if (sqlite3_step(statement) == SQLITE_ROW &&
                sqlite3_column_text(statement, 0) != nullptr)
                value = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
        } else {
            ADD_FAILURE() << "raw query on " << path << " failed: " << sqlite3_errmsg(db);
        }
        sqlite3_finalize(statement);
    }
    sqlite3_close_v2(db);
    return value;
}

inline std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void writeFile(const std::string& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    EXPECT_TRUE(out.good()) << "cannot write " << path;
}

inline bool endsWith(const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Files in `dir` whose name starts with "<base>.corrupt-": the moved database files, and with
// withSidecars also their -wal/-shm.
inline std::vector<std::string> asideFiles(const std::string& dir, const std::string& base,
                                    bool withSidecars = false) {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind(base + ".corrupt-", 0) != 0) continue;
        if (!withSidecars && (endsWith(name, "-wal") || endsWith(name, "-shm"))) continue;
        names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

inline std::string randomBytes(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::string bytes(n, '\0');
    for (char& b : bytes) b = static_cast<char>(rng() & 0xff);
    return bytes;
}

inline std::vector<std::string> asideFiles(const TempDir& dir, const std::string& base,
                                           bool withSidecars = false) {
    return asideFiles(dir.path(), base, withSidecars);
}

}  // namespace cpc::storage::test
