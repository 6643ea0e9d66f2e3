#include "support/fixtures.hpp"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace cpc::test {

std::string fixturePath(const std::string& relative) {
    return std::string(CPC_FIXTURES_DIR) + "/" + relative;
}

std::string readFixture(const std::string& relative) {
    std::ifstream in(fixturePath(relative), std::ios::binary);
    if (!in) {
        ADD_FAILURE() << "cannot read fixture " << fixturePath(relative);
        return {};
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace cpc::test
