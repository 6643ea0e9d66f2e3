#pragma once

namespace cpc::app {

// The whole GUI program (flags, composition, event loop); src/app/main.cpp only calls this.
int runApp(int argc, char** argv);

}  // namespace cpc::app
