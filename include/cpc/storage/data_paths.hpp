#pragma once
// Where the candle cache lives on disk.
#include <string>

namespace cpc::storage {

inline constexpr const char* kDatabaseFileName = "candles.sqlite3";

// The directory for CanvasProChart's data, first match wins:
//   $CPC_DATA_DIR                     (tests, portable installs)
//   $XDG_DATA_HOME/canvasprochart     (only when absolute, as the XDG spec requires)
//   $HOME/.local/share/canvasprochart (HOME from the environment, else the password database)
// Relative XDG_DATA_HOME values are ignored. Does not create anything.
std::string defaultDataDirectory();

// defaultDataDirectory() + "/candles.sqlite3", creating the directory (mode 0700 for new
// directories, per the XDG spec). A directory that cannot be created is not reported here:
// opening the database then fails with a message naming the path.
std::string defaultDatabasePath();

}  // namespace cpc::storage
