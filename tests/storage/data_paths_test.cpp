#include "cpc/storage/data_paths.hpp"

#include <cstdlib>
#include <filesystem>
#include <optional>

#include <gtest/gtest.h>

#include "storage_test_util.hpp"

namespace cpc::storage {
namespace {

// Sets (or unsets) an environment variable for the scope of a test and restores it afterwards.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : m_name(name) {
        if (const char* old = std::getenv(name)) m_old = old;
        if (value != nullptr)
            setenv(name, value, 1);
        else
            unsetenv(name);
    }
    ~ScopedEnv() {
        if (m_old)
            setenv(m_name, m_old->c_str(), 1);
        else
            unsetenv(m_name);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* m_name;
    std::optional<std::string> m_old;
};

TEST(DataPaths, CpcDataDirWinsAndIsCreated) {
    test::TempDir dir;
    const std::string data = dir.file("nested/data");
    ScopedEnv cpc("CPC_DATA_DIR", data.c_str());
    ScopedEnv xdg("XDG_DATA_HOME", "/should/not/be/used");
    EXPECT_EQ(defaultDatabasePath(), data + "/candles.sqlite3");
    EXPECT_TRUE(std::filesystem::is_directory(data));
}

TEST(DataPaths, XdgDataHomeIsUsedWhenAbsolute) {
    test::TempDir dir;
    ScopedEnv cpc("CPC_DATA_DIR", nullptr);
    ScopedEnv xdg("XDG_DATA_HOME", dir.path().c_str());
    EXPECT_EQ(defaultDatabasePath(), dir.path() + "/canvasprochart/candles.sqlite3");
    EXPECT_TRUE(std::filesystem::is_directory(dir.path() + "/canvasprochart"));
}

TEST(DataPaths, RelativeXdgDataHomeFallsBackToHome) {
    test::TempDir dir;
    ScopedEnv cpc("CPC_DATA_DIR", nullptr);
    ScopedEnv xdg("XDG_DATA_HOME", "relative/dir");
    ScopedEnv home("HOME", dir.path().c_str());
    EXPECT_EQ(defaultDatabasePath(), dir.path() + "/.local/share/canvasprochart/candles.sqlite3");
    EXPECT_TRUE(std::filesystem::is_directory(dir.path() + "/.local/share/canvasprochart"));
}

TEST(DataPaths, NewDataDirectoryIsPrivateToTheUser) {
    test::TempDir dir;
    const std::string data = dir.file("private");
    ScopedEnv cpc("CPC_DATA_DIR", data.c_str());
    (void)defaultDatabasePath();
    const auto perms = std::filesystem::status(data).permissions();
    EXPECT_EQ(perms & std::filesystem::perms::all, std::filesystem::perms::owner_all);
}

}  // namespace
}  // namespace cpc::storage
