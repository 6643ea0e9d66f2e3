#include <csignal>

#include "cpc/app/app_main.hpp"

int main(int argc, char** argv) {
    // A file size limit (ulimit -f) makes a write fail with EFBIG instead of killing the app with
    // SIGXFSZ: File > Record's writer then stops with the error in the status bar instead of the
    // app vanishing.
    std::signal(SIGXFSZ, SIG_IGN);
    return cpc::app::runApp(argc, argv);
}
