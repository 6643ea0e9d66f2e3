#include "cpc/storage/data_paths.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <vector>

namespace cpc::storage {

namespace {

std::string environment(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr ? std::string(value) : std::string();
}

std::string homeDirectory() {
    if (std::string home = environment("HOME"); !home.empty()) return home;
    // Services and some sandboxes run without HOME; the password database still knows.
    long size = sysconf(_SC_GETPW_R_SIZE_MAX);
    std::vector<char> buffer(size > 0 ? static_cast<std::size_t>(size) : 16384);
    passwd entry{};
    passwd* result = nullptr;
    if (getpwuid_r(getuid(), &entry, buffer.data(), buffer.size(), &result) == 0 &&
        result != nullptr && result->pw_dir != nullptr)
        return result->pw_dir;
    return ".";  // last resort: the working directory, so the app still runs
}

}  // namespace

std::string defaultDataDirectory() {
    if (std::string dir = environment("CPC_DATA_DIR"); !dir.empty()) return dir;
    if (std::string xdg = environment("XDG_DATA_HOME"); !xdg.empty() && xdg.front() == '/')
        return xdg + "/canvasprochart";
    return homeDirectory() + "/.local/share/canvasprochart";
}

std::string defaultDatabasePath() {
    namespace fs = std::filesystem;
    const fs::path dir = defaultDataDirectory();
    std::error_code ec;
    if (!fs::exists(dir, ec)) {
        fs::create_directories(dir, ec);
        if (!ec) fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    }
    return (dir / kDatabaseFileName).string();
}

}  // namespace cpc::storage
