#pragma once
// What this binary is: the project version and the git commit it was built from. The values live
// in one generated .cpp (cmake/CpcBuildInfo.cmake), so a new commit relinks the executables
// without recompiling anything else.
#include <string>
#include <string_view>

namespace cpc {

// "0.1.0": project(VERSION) in the top-level CMakeLists.txt.
std::string_view projectVersion();

// The commit built ("879ebf2a1c"; "-dirty" appended when tracked files differed from it), empty
// when the sources are not a git checkout (a release tarball).
std::string_view gitCommit();

// What --version prints after the program's name: "0.1.0 (git 879ebf2a1c)", or "0.1.0".
std::string versionText();

}  // namespace cpc
