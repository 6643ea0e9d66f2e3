// Coverage builds only (CPC_ENABLE_COVERAGE): linked into every executable of the build.
//
// gcov writes each object file's counters into one .gcda beside it, and every process that ran the
// object merges into that file. When two different executables link the same object, each keeps its
// own copy of the object's inline and template functions, and libgcov refuses the merge ("profile
// mismatch"), so a file linked into many tests read 0 %. With CPC_GCOV_BASE set, each executable
// writes under $CPC_GCOV_BASE/<its own file name> instead (GCOV_PREFIX, which libgcov reads when it
// writes at exit): only runs of one executable merge, and scripts/coverage adds the executables'
// reports together. A child process (a test starting cpc) sets its own name the same way.
//
// A process under a file size limit (RLIMIT_FSIZE: the tests of a write error run `cpc record` so)
// writes under $CPC_GCOV_BASE-size-limited instead, which no report reads: the limit would cut its
// .gcda files mid-function, and libgcov refuses to merge any later run into a cut file.
#include <climits>
#include <cstdlib>
#include <string>

#include <sys/resource.h>
#include <unistd.h>

namespace {

struct GcovPrefix {
    GcovPrefix() {
        const char* base = std::getenv("CPC_GCOV_BASE");
        if (base == nullptr || *base != '/') return;  // libgcov ignores a relative prefix
        char exe[PATH_MAX];
        const ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n <= 0) return;
        const std::string path(exe, static_cast<std::size_t>(n));
        rlimit size{};
        const bool limited = ::getrlimit(RLIMIT_FSIZE, &size) == 0 && size.rlim_cur != RLIM_INFINITY;
        const std::string dir = std::string(base) + (limited ? "-size-limited/" : "/") + path.substr(path.rfind('/') + 1);
        ::setenv("GCOV_PREFIX", dir.c_str(), 1);
    }
};
const GcovPrefix prefix;

}  // namespace
