#pragma once
#include <string>

namespace cpc::test {
// Absolute path of tests/fixtures/<relative>.
std::string fixturePath(const std::string& relative);
// Whole file as a string; fails the current test (ADD_FAILURE) when unreadable.
std::string readFixture(const std::string& relative);
}  // namespace cpc::test
