#include "cpc/core/build_info.hpp"

namespace cpc {

std::string versionText() {
    std::string text(projectVersion());
    if (!gitCommit().empty()) text += " (git " + std::string(gitCommit()) + ")";
    return text;
}

}  // namespace cpc
