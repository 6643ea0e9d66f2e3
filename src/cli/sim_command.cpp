// `cpc sim`: runs the Binance-compatible exchange simulator until SIGINT/SIGTERM.
#include <algorithm>
#include <csignal>
#include <limits>
#include <iostream>
#include <pthread.h>

#include <ctime>
#include <optional>
#include <utility>

#include "command.hpp"
#include "cpc/sim/symbol_universe.hpp"
#include "cpc/sim/sim_server.hpp"

namespace cpc::cli {

namespace {

struct FaultName {
    const char* name;
    sim::SimFault fault;
};
constexpr FaultName kFaults[] = {
    {"close", sim::SimFault::CloseTcp},           {"reset", sim::SimFault::ResetTcp},
    {"stall", sim::SimFault::Stall},              {"malformed", sim::SimFault::MalformedFrame},
    {"oversized", sim::SimFault::OversizedFrame}, {"shutdown", sim::SimFault::ServerShutdown},
    {"ignore-pongs", sim::SimFault::IgnorePongs}, {"rest-503", sim::SimFault::RestServerError},
    {"rest-429", sim::SimFault::RestTooMany},     {"rest-wrong-range", sim::SimFault::RestWrongRange},
    {"rest-empty", sim::SimFault::RestEmptyAnswer},    {"rest-ban", sim::SimFault::RestBan},
    {"rest-slow", sim::SimFault::RestSlow},
};

std::string acceptedFaults() {
    std::string s;
    for (const auto& f : kFaults) s += (s.empty() ? "" : ", ") + std::string(f.name);
    return s;
}

// Millisecond options that map onto SimConfig fields: name, minimum, maximum, setter.
struct MsOption {
    const char* name;
    long long min;
    long long max;
    void (*apply)(sim::SimConfig&, long long);
};
constexpr MsOption kMsOptions[] = {
    {"--ping-interval-ms", 10, 3'600'000, [](sim::SimConfig& c, long long v) { c.pingInterval = std::chrono::milliseconds(v); }},
    {"--pong-timeout-ms", 10, 3'600'000, [](sim::SimConfig& c, long long v) { c.pongTimeout = std::chrono::milliseconds(v); }},
    {"--max-lifetime-ms", 10, 7LL * 24 * 3'600'000, [](sim::SimConfig& c, long long v) { c.maxConnectionLifetime = std::chrono::milliseconds(v); }},
    {"--rest-delay-ms", 0, 600'000, [](sim::SimConfig& c, long long v) { c.restDelay = std::chrono::milliseconds(v); }},
    {"--ban-ms", 0, 3LL * 24 * 3'600'000, [](sim::SimConfig& c, long long v) { c.banDuration = std::chrono::milliseconds(v); }},
    {"--weight-per-minute", 1, 1'000'000, [](sim::SimConfig& c, long long v) { c.restWeightPerMinute = static_cast<int>(v); }},
    {"--heartbeat-timeout-ms", 10, 3'600'000, [](sim::SimConfig& c, long long v) { c.heartbeatTimeout = std::chrono::milliseconds(v); }},
};

std::string joined(const std::vector<std::string>& names) {
    std::string s;
    for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
    return s;
}

int runSim(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
    sim::SimConfig config;
    if (auto v = args.value("--exchange")) {
        const auto names = sim::SimServer::exchangeNames();
        if (std::find(names.begin(), names.end(), *v) == names.end()) {
            err << "cpc sim: --exchange: unknown exchange '" << *v << "'; accepted: " << joined(names) << '\n';
            return kExitUsage;
        }
        config.exchange = *v;
    }
    {
        const auto market = marketArg(args);
        if (!market) {
            err << "cpc sim: " << market.error().message << '\n';
            return kExitUsage;
        }
        if (*market == MarketType::Perp && config.exchange == "kucoin") {
            err << "cpc sim: --market perp is simulated for --exchange binance (USD-M), bybit (linear) and okx (swap); "
                   "kucoin's futures are a separate API the client does not speak\n";
            return kExitUsage;
        }
        config.market = *market;
    }
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
    if (auto v = args.value("--trade-rate")) {
        auto rate = parseIntOption("--trade-rate", *v, 0, sim::MarketModel::kMaxLiveTradesPerSecond);
        if (!rate) {
            err << "cpc sim: " << rate.error().message << '\n';
            return kExitUsage;
        }
        config.liveTradesPerSecond = static_cast<int>(*rate);
    }
    if (auto v = args.value("--symbol-count")) {
        auto count = parseIntOption("--symbol-count", *v, 5, sim::kMaxSimSymbols);
        if (!count) {
            err << "cpc sim: " << count.error().message << '\n';
            return kExitUsage;
        }
        config.symbols = sim::symbolUniverse(static_cast<int>(*count));
    }
    if (auto v = args.value("--trade-symbols")) {
        auto count = parseIntOption("--trade-symbols", *v, 1, sim::kMaxSimSymbols);
        if (!count) {
            err << "cpc sim: " << count.error().message << '\n';
            return kExitUsage;
        }
        if (config.liveTradesPerSecond == 0) {
            err << "cpc sim: --trade-symbols needs --trade-rate N (the live load it limits to the first symbols)\n";
            return kExitUsage;
        }
        config.liveTradeSymbols = static_cast<int>(*count);
    }
    for (const MsOption& o : kMsOptions) {
        if (auto v = args.value(o.name)) {
            auto n = parseIntOption(o.name, *v, o.min, o.max);
            if (!n) {
                err << "cpc sim: " << n.error().message << '\n';
                return kExitUsage;
            }
            o.apply(config, *n);
        }
    }
    // A fault injected again and again: --fault KIND --fault-every-ms MS [--fault-duration-ms MS].
    std::optional<sim::SimFault> fault;
    long long faultEveryMs = 0;
    long long faultDurationMs = 1000;
    if (auto v = args.value("--fault")) {
        for (const auto& f : kFaults)
            if (*v == f.name) fault = f.fault;
        if (!fault) {
            err << "cpc sim: --fault: unknown fault '" << *v << "'; accepted: " << acceptedFaults() << '\n';
            return kExitUsage;
        }
        auto every = parseIntOption("--fault-every-ms", args.value("--fault-every-ms").value_or(""), 10, 86'400'000);
        if (!every) {
            err << "cpc sim: --fault needs --fault-every-ms MS (10 to 86400000)\n";
            return kExitUsage;
        }
        faultEveryMs = *every;
        if (auto d = args.value("--fault-duration-ms")) {
            auto n = parseIntOption("--fault-duration-ms", *d, 1, 3'600'000);
            if (!n) {
                err << "cpc sim: " << n.error().message << '\n';
                return kExitUsage;
            }
            faultDurationMs = *n;
        }
    } else if (args.has("--fault-every-ms") || args.has("--fault-duration-ms")) {
        err << "cpc sim: --fault-every-ms and --fault-duration-ms need --fault KIND (" << acceptedFaults() << ")\n";
        return kExitUsage;
    }
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
    out << "cpc sim: " << config.exchange << (config.market == MarketType::Perp ? " perpetual-futures" : "") << " dialect simulator (seed " << config.seed << ")\n"
        << "rest: " << server.restBase() << '\n'
        << "streams: " << server.streamBase() << '\n'
        << "symbols: " << symbols << '\n';
    if (config.liveTradesPerSecond > 0)
        out << "live load: " << config.liveTradesPerSecond << " trades/s per symbol from now on"
            << (config.liveTradeSymbols > 0 ? " (the first " + std::to_string(config.liveTradeSymbols) + " symbols)" : std::string())
            << '\n';
    const char* tryLabel = "try: ";
    for (const std::string& url : server.exampleUrls()) {
        out << tryLabel << url << '\n';
        tryLabel = "     ";
    }
    out << "Press Ctrl+C to stop." << std::endl;

    int signal = 0;
    if (fault) {
        out << "fault: " << args.value("--fault").value_or("") << " every " << faultEveryMs << " ms" << std::endl;
        const timespec period{static_cast<std::time_t>(faultEveryMs / 1000), static_cast<long>(faultEveryMs % 1000) * 1'000'000L};
        while ((signal = sigtimedwait(&stopSignals, nullptr, &period)) < 0)
            server.inject(*fault, std::chrono::milliseconds(faultDurationMs), 1);
    } else {
        sigwait(&stopSignals, &signal);
    }
    server.stop();
    const auto stats = server.stats();
    out << "cpc sim: stopped by " << (signal == SIGINT ? "SIGINT" : "SIGTERM") << " (" << stats.restRequests
        << " REST requests: " << stats.rest429 << " answered 429, " << stats.rest418 << " answered 418, "
        << stats.weightViolations << " weight violations, at most " << stats.restInFlightMax << " in flight; "
        << stats.wsConnections << " WebSocket connections, " << stats.faultsInjected
        << " faults injected)" << std::endl;
    return kExitOk;
}

}  // namespace

Command makeSimCommand() {
    Command c;
    c.name = "sim";
    c.summary = "run the local exchange simulator (Binance, Bybit, OKX or KuCoin dialect)";
    c.usage = "cpc sim [--exchange binance|bybit|okx|kucoin] [--market spot|perp] [--port N] [--tls --cert FILE --key FILE] [--seed S] [--push-interval-ms MS] [--bind ADDR]\n"
              "               [--ping-interval-ms MS] [--pong-timeout-ms MS] [--max-lifetime-ms MS] [--rest-delay-ms MS]\n"
              "               [--weight-per-minute N] [--ban-ms MS] [--fault KIND --fault-every-ms MS [--fault-duration-ms MS]]\n"
              "               [--trade-rate N [--trade-symbols N]] [--symbol-count N] [--heartbeat-timeout-ms MS]";
    c.description =
        "Serves deterministic market data for a few symbols over Binance's REST API (/api/v3/klines,\n"
        "uiKlines, exchangeInfo, time, ping) and kline WebSocket streams (/ws/<stream>,\n"
        "/stream?streams=a/b) until interrupted (Ctrl+C or SIGTERM). Prints the REST and stream base URLs.\n"
        "--exchange bybit|okx|kucoin serves the same market in that venue's dialect instead (its REST\n"
        "paths, error bodies, WebSocket path, subscribe/ping messages; the client pings).\n"
        "--market perp serves the venue's perpetual futures of the same symbols: Binance USD-M\n"
        "(/fapi/v1/*, /futures/data/openInterestHist, streams on /public and /market), Bybit linear\n"
        "(category=linear: tickers, funding/history, open-interest; /v5/public/linear with tickers and\n"
        "allLiquidation) or OKX swaps (BTC-USDT-SWAP, sizes in contracts: funding-rate[-history],\n"
        "rubik open-interest-history; mark-price, funding-rate, open-interest, liquidation-orders):\n"
        "a perpetual that tracks the spot market with a basis, mark and index price, funding every\n"
        "8 h, open interest and liquidations, with the same limits and --fault injection.";
    c.options = {
        {"--exchange", "NAME", "the venue dialect: binance (default), bybit, okx, kucoin"},
        {"--market", "spot|perp", "spot (default) or the venue's perpetual futures (binance, bybit, okx)"},
        {"--port", "N", "TCP port, 0 = any free port (default 0)"},
        {"--bind", "ADDR", "address to listen on (default 127.0.0.1)"},
        {"--tls", "", "serve https:// and wss:// (needs --cert and --key)"},
        {"--cert", "FILE", "PEM certificate (chain) for --tls"},
        {"--key", "FILE", "PEM private key for --tls"},
        {"--seed", "S", "seed of the simulated market (default 42)"},
        {"--push-interval-ms", "MS", "kline stream push interval (default 2000, as Binance)"},
        {"--trade-rate", "N", "live load: every symbol also trades N times a second from now on, history "
                              "unchanged (0..20000, default 0)"},
        {"--trade-symbols", "N", "with --trade-rate: only the first N symbols get the live load"},
        {"--symbol-count", "N", "serve N symbols: the 5 default ones, then generated X0001USDT, X0002USDT… "
                                "(5..5000; a watchlist benchmark)"},
        {"--ping-interval-ms", "MS", "server ping interval (default 20000, as Binance)"},
        {"--pong-timeout-ms", "MS", "close a connection without pong after this (default 60000)"},
        {"--heartbeat-timeout-ms", "MS", "bybit/okx/kucoin: close a connection whose client sent nothing for "
                                         "this long (default: the venue's)"},
        {"--max-lifetime-ms", "MS", "cut every WebSocket connection after this (default 24 h)"},
        {"--rest-delay-ms", "MS", "answer every REST request this late (default 0)"},
        {"--weight-per-minute", "N", "binance: REST weight limit per minute (default 6000; over it: 429, then 418); the other venues keep their own limits"},
        {"--ban-ms", "MS", "length of the 418 IP ban (default 120000)"},
        {"--fault", "KIND", "inject a fault repeatedly: close, reset, stall, malformed, oversized, shutdown, "
                            "ignore-pongs, rest-503, rest-429, rest-wrong-range, rest-empty, rest-ban, rest-slow"},
        {"--fault-every-ms", "MS", "with --fault: how often"},
        {"--fault-duration-ms", "MS", "with --fault stall/ignore-pongs/rest-ban/rest-slow: how long (default 1000)"},
    };
    c.run = runSim;
    return c;
}

}  // namespace cpc::cli
