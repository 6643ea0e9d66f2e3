#include "cpc/app/app_main.hpp"

int main(int argc, char** argv) { return cpc::app::runApp(argc, argv); }
