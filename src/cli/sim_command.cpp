// `cpc sim`: runs the Binance-compatible exchange simulator until SIGINT/SIGTERM.
#include <csignal>
#include <limits>
#include <iostream>
#include <pthread.h>

#include "command.hpp"
#include "cpc/sim/sim_server.hpp"

namespace cpc::cli {

namespace {

int runSim(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
    sim::SimConfig config;
    if (auto v = args.value("--port")) {
        auto port = parseIntOption("--port", *v, 0, 65535);
        if (!port) {
            err << "cpc sim: " << port.error().message << '\n';
            return kExitUsage;
        }
        config.port = static_cast<std::uint16_t>(*port);
    }
    if (auto v = args.value("--seed")) {
        auto seed = parseIntOption("--seed", *v, 0, std::numeric_limits<long long>::max());
        if (!seed) {
            err << "cpc sim: " << seed.error().message << '\n';
            return kExitUsage;
        }
        config.seed = static_cast<std::uint64_t>(*seed);
    }
    if (auto v = args.value("--push-interval-ms")) {
        auto ms = parseIntOption("--push-interval-ms", *v, 10, 3'600'000);
        if (!ms) {
            err << "cpc sim: " << ms.error().message << '\n';
            return kExitUsage;
        }
        config.klinePushInterval = std::chrono::milliseconds(*ms);
    }
    if (auto v = args.value("--bind")) config.bindAddress = *v;
    config.tls = args.has("--tls");
    const bool certOrKey = args.has("--cert") || args.has("--key");
    if (config.tls && !(args.has("--cert") && args.has("--key"))) {
        err << "cpc sim: --tls needs both --cert FILE and --key FILE (PEM)\n";
        return kExitUsage;
    }
    if (!config.tls && certOrKey) {
        err << "cpc sim: --cert and --key are used only with --tls\n";
        return kExitUsage;
    }
    config.certFile = args.value("--cert").value_or("");
    config.keyFile = args.value("--key").value_or("");
    config.log = [](const std::string& line) { std::cerr << line << std::endl; };

    // Block the stop signals before the server starts its thread (threads inherit the mask), then
    // wait for one synchronously: no handler runs in signal context.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGINT);
    sigaddset(&stopSignals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

    sim::SimServer server(config);
    if (auto started = server.start(); !started) {
        err << "cpc sim: " << started.error().message << '\n';
        return kExitFailure;
    }
    std::string symbols;
    for (const auto& s : server.model().symbols()) symbols += (symbols.empty() ? "" : " ") + s.symbol;
    out << "cpc sim: Binance-compatible simulator (seed " << config.seed << ")\n"
        << "rest: " << server.restBase() << '\n'
        << "streams: " << server.streamBase() << '\n'
        << "symbols: " << symbols << '\n'
        << "try: " << server.restBase() << "/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=5\n"
        << "     " << server.streamBase() << "/ws/btcusdt@kline_1m\n"
        << "Press Ctrl+C to stop." << std::endl;

    int signal = 0;
    sigwait(&stopSignals, &signal);
    server.stop();
    const auto stats = server.stats();
    out << "cpc sim: stopped by " << (signal == SIGINT ? "SIGINT" : "SIGTERM") << " (" << stats.restRequests
        << " REST requests, " << stats.wsConnections << " WebSocket connections)" << std::endl;
    return kExitOk;
}

}  // namespace

Command makeSimCommand() {
    Command c;
    c.name = "sim";
    c.summary = "run the local Binance-compatible exchange simulator";
    c.usage = "cpc sim [--port N] [--tls --cert FILE --key FILE] [--seed S] [--push-interval-ms MS] [--bind ADDR]";
    c.description =
        "Serves deterministic market data for a few symbols over Binance's REST API (/api/v3/klines,\n"
        "uiKlines, exchangeInfo, time, ping) and kline WebSocket streams (/ws/<stream>,\n"
        "/stream?streams=a/b) until interrupted (Ctrl+C or SIGTERM). Prints the REST and stream base URLs.";
    c.options = {
        {"--port", "N", "TCP port, 0 = any free port (default 0)"},
        {"--bind", "ADDR", "address to listen on (default 127.0.0.1)"},
        {"--tls", "", "serve https:// and wss:// (needs --cert and --key)"},
        {"--cert", "FILE", "PEM certificate (chain) for --tls"},
        {"--key", "FILE", "PEM private key for --tls"},
        {"--seed", "S", "seed of the simulated market (default 42)"},
        {"--push-interval-ms", "MS", "kline stream push interval (default 2000, as Binance)"},
    };
    c.run = runSim;
    return c;
}

}  // namespace cpc::cli
