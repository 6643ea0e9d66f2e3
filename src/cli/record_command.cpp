// `cpc record` and `cpc replay`: a market session written to a recording directory while it is
// printed exactly as `cpc stream` prints it, and a recording played back through the same
// session code (adapter codec, book sync, de-duplication, series hub) printing the same lines.
// Both are composition roots like `cpc stream` (one network thread, one MarketSession, one
// in-memory storage worker) and run the same StreamRun (stream_run.hpp); the recording format is
// cpc_replay's (docs/RECORDING.md).
#include <csignal>
#include <iomanip>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "command.hpp"
#include "cpc/core/time.hpp"
#include "cpc/exchange/registry.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/net/tls.hpp"
#include "cpc/replay/record_reader.hpp"
#include "cpc/replay/record_writer.hpp"
#include "cpc/replay/recorder.hpp"
#include "cpc/replay/replayer.hpp"
#include "cpc/session/market_session.hpp"
#include "cpc/storage/storage_worker.hpp"
#include "stream_run.hpp"

namespace cpc::cli {

namespace {

std::vector<std::string> splitTokens(const std::string& text) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t comma = std::min(text.find(',', pos), text.size());
        out.push_back(text.substr(pos, comma - pos));
        pos = comma + 1;
    }
    return out;
}

std::string joinTokens(const std::vector<std::string>& tokens) {
    std::string out;
    for (const auto& t : tokens) out += (out.empty() ? "" : ",") + t;
    return out;
}

std::string megabytes(std::uint64_t bytes) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(1) << static_cast<double>(bytes) / (1024.0 * 1024.0) << " MB";
    return s.str();
}

int runRecord(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
    constexpr const char* kName = "cpc record";
    const auto usage = [&](const std::string& message) {
        err << kName << ": " << message << "\nRun 'cpc record --help' for usage.\n";
        return kExitUsage;
    };
    if (args.positional.empty())
        return usage("expected at least one SYMBOL (e.g. cpc record BTCUSDT --streams trade,depth --out rec)");
    const auto marketType = marketArg(args);
    if (!marketType) return usage(marketType.error().message);
    const auto venue = exchangeForMarket(args, *marketType);
    if (!venue) return usage(venue.error().message);
    std::vector<std::string> symbols;
    for (const auto& p : args.positional) {
        auto symbol = symbolArg(p);
        if (!symbol) return usage(symbol.error().message);
        if (std::find(symbols.begin(), symbols.end(), *symbol) == symbols.end()) symbols.push_back(*symbol);
    }
    const std::string streamsText = args.value("--streams").value_or("kline_1m");
    auto specs = parseStreamList(streamsText, symbols);
    if (!specs) return usage(specs.error().message);
    const auto outDir = args.value("--out");
    if (!outDir || outDir->empty()) return usage("--out DIR is required (a new or empty directory for the recording)");
    StreamOptions options;
    if (auto v = args.value("--exit-after")) {
        auto n = parseIntOption("--exit-after", *v, 1, 365LL * 24 * 3600);
        if (!n) return usage(n.error().message);
        options.duration = std::chrono::seconds(*n);
    }
    if (auto v = args.value("--max-events")) {
        auto n = parseIntOption("--max-events", *v, 1, std::numeric_limits<long long>::max());
        if (!n) return usage(n.error().message);
        options.maxEvents = static_cast<std::uint64_t>(*n);
    }
    replay::WriterOptions writerOptions;
    if (auto v = args.value("--segment-mb")) {
        auto n = parseIntOption("--segment-mb", *v, 1, 1 << 20);
        if (!n) return usage(n.error().message);
        writerOptions.maxSegmentBytes = static_cast<std::uint64_t>(*n) << 20;
    }
    if (auto v = args.value("--segment-minutes")) {
        auto n = parseIntOption("--segment-minutes", *v, 1, 7 * 24 * 60);
        if (!n) return usage(n.error().message);
        writerOptions.maxSegmentAge = std::chrono::minutes(*n);
    }
    const auto endpoints = streamEndpoints(args, *venue, *marketType);
    if (!endpoints) return usage(endpoints.error().message);
    auto adapter = exchange::makeAdapter(*venue, *endpoints, *marketType);
    if (!adapter) return usage(adapter.error().message);
    const std::shared_ptr<const exchange::ExchangeAdapter> shared(std::move(*adapter));
    auto perpKinds = keepVenueStreams(*specs, *shared, *marketType);
    if (!perpKinds) return usage(perpKinds.error().message);

    session::StreamSessionConfig config;
    config.tls.extraCaFile = args.value("--ca-file").value_or("");
    if (!config.tls.extraCaFile.empty()) {
        if (auto tls = net::makeClientTlsContext(config.tls); !tls) {
            err << kName << ": " << tls.error().message << '\n';
            return kExitFailure;
        }
    }
    replay::SessionInfo info;
    info.exchange = *venue;
    info.market = *marketType;
    info.restBase = endpoints->restBase;
    info.streamBase = endpoints->streamBase;
    info.symbols = symbols;
    info.streams = splitTokens(streamsText);
    info.startedAtMs = nowMs();
    // A file size limit (ulimit -f) makes a write fail with EFBIG instead of killing the process
    // with SIGXFSZ: the writer's error path says which file and stops, keeping what was written.
    std::signal(SIGXFSZ, SIG_IGN);
    auto writer = replay::RecordWriter::create(*outDir, info, writerOptions);
    if (!writer) {
        err << kName << ": " << writer.error().message << '\n';
        return kExitFailure;
    }
    const auto recorder = std::make_shared<replay::Recorder>(std::move(*writer));
    config.tap = recorder;
    options.specs = std::move(*specs);
    options.perpKinds = std::move(*perpKinds);
    options.endpoint = endpoints->streamBase;
    options.healthCheck = [recorder] { return recorder->writer().error(); };

    net::IoThread io;
    session::MarketSessionConfig marketConfig;
    marketConfig.tls = config.tls;
    marketConfig.streams = config;
    session::MarketSession market(io, std::move(marketConfig));
    storage::StorageWorker storage(":memory:");
    int status = streamThrough(market, shared, storage, options, out, err, kName);
    market.stop();  // nothing is received (or recorded) afterwards
    const auto closed = recorder->writer().close();
    const auto stats = recorder->writer().stats();
    if (!closed) {
        err << kName << ": error: " << closed.error().message << '\n';
        status = kExitFailure;
    }
    err << kName << ": recorded " << stats.records << " records (" << megabytes(stats.rawBytes) << ", "
        << megabytes(stats.fileBytes) << " on disk in " << stats.segments << " segment"
        << (stats.segments == 1 ? "" : "s") << ") in " << *outDir << std::endl;
    return status;
}

int runReplay(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
    constexpr const char* kName = "cpc replay";
    const auto usage = [&](const std::string& message) {
        err << kName << ": " << message << "\nRun 'cpc replay --help' for usage.\n";
        return kExitUsage;
    };
    if (args.positional.size() != 1) return usage("expected one DIR (a directory cpc record wrote)");
    replay::ReplayOptions replayOptions;
    if (auto v = args.value("--speed")) {
        auto parsed = replay::Replayer::parseSpeed(*v);
        if (!parsed) return usage(parsed.error().message);
        replayOptions = *parsed;
    }
    for (const char* name : {"--from", "--to"}) {
        if (auto v = args.value(name)) {
            auto t = replay::Replayer::parseTime(*v);
            if (!t) return usage(std::string(name) + ": " + t.error().message);
            (std::string(name) == "--from" ? replayOptions.fromMs : replayOptions.toMs) = *t;
        }
    }
    if (replayOptions.fromMs && replayOptions.toMs && *replayOptions.toMs < *replayOptions.fromMs)
        return usage("--to is before --from");
    StreamOptions options;
    if (auto v = args.value("--max-events")) {
        auto n = parseIntOption("--max-events", *v, 1, std::numeric_limits<long long>::max());
        if (!n) return usage(n.error().message);
        options.maxEvents = static_cast<std::uint64_t>(*n);
    }
    auto reader = replay::RecordReader::open(args.positional[0]);
    if (!reader) {
        err << kName << ": error: " << reader.error().message << '\n';
        return kExitFailure;
    }
    const replay::SessionInfo info = (*reader)->info();
    auto adapter = exchange::makeAdapter(info.exchange, exchange::Endpoints{info.restBase, info.streamBase}, info.market);
    if (!adapter) {
        err << kName << ": error: the recording's venue: " << adapter.error().message << '\n';
        return kExitFailure;
    }
    auto specs = parseStreamList(joinTokens(info.streams), info.symbols);
    if (!specs) {
        err << kName << ": error: the recording's streams: " << specs.error().message << '\n';
        return kExitFailure;
    }
    const std::shared_ptr<const exchange::ExchangeAdapter> shared(std::move(*adapter));
    auto perpKinds = keepVenueStreams(*specs, *shared, info.market);
    if (!perpKinds) {
        err << kName << ": error: the recording's streams: " << perpKinds.error().message << '\n';
        return kExitFailure;
    }
    options.specs = std::move(*specs);
    options.perpKinds = std::move(*perpKinds);
    options.endpoint = args.positional[0];
    options.holdPrinting = replayOptions.fromMs.has_value();

    net::IoThread io;
    session::MarketSessionConfig marketConfig;
    marketConfig.streams.replay = true;  // no socket, no request: the record is what it receives
    session::MarketSession market(io, std::move(marketConfig));
    storage::StorageWorker storage(":memory:");
    std::shared_ptr<replay::Replayer> replayer;
    std::unique_ptr<replay::RecordReader> source = std::move(*reader);
    options.afterSubscribe = [&](std::shared_ptr<RunControl> control) {
        replayer = replay::Replayer::start(
            io, market.streams(shared), std::move(source), replayOptions, [control] { control->startPrinting(); },
            [control](Result<replay::ReplaySummary> result) {
                if (!result) {
                    control->finish("failed", true, {"error: " + result.error().message});
                    return;
                }
                control->finish("end of the recording: " + std::to_string(result->records) + " records, " +
                                    std::to_string(result->frames) + " frames",
                                false, result->notices);
            });
    };
    const int status = streamThrough(market, shared, storage, options, out, err, kName);
    if (replayer) replayer->cancel();
    market.stop();
    return status;
}

}  // namespace

Command makeRecordCommand() {
    Command c;
    c.name = "record";
    c.summary = "record a venue's market streams (raw frames, compressed) while printing them as cpc stream does";
    c.usage = "cpc record SYMBOL… [--exchange NAME] [--market spot|perp] [--streams kline_1m,trade,depth,…] [--endpoint URL] [--rest URL] "
              "--out DIR [--exit-after SECONDS] [--max-events N] [--segment-mb N] [--segment-minutes N]";
    c.description =
        "Streams SYMBOL… as cpc stream does (the same JSON lines on stdout, states on stderr) and\n"
        "writes what the session receives to DIR (a new or empty directory): every WebSocket frame\n"
        "exactly as received, with its receipt time and connection, the connections' opens and\n"
        "closes (reconnects) and the REST answers (book snapshots), in zstd-compressed segment files\n"
        "rotated by size and age. A kill -9 loses at most the last second; every file stays\n"
        "readable. cpc replay DIR plays it back. Format: docs/RECORDING.md.\n"
        "Streams: " + acceptedStreamsText() + ".\n"
        "Exit status: 0 stopped as asked, 1 the venue refused the streams or writing failed, 2 bad\n"
        "command line.";
    c.options = {
        {"--exchange", "NAME", "the venue: " + acceptedExchangesText() + " (default binance)"},
        marketOption(),
        {"--streams", "LIST", "comma-separated streams of every SYMBOL (default kline_1m)"},
        {"--endpoint", "URL", "stream base URL (default: the exchange's; ws:// only to loopback)"},
        {"--rest", "URL", "REST base URL (default: a loopback --endpoint's host, else the exchange's)"},
        {"--ca-file", "F", "extra PEM CA certificate(s) to trust"},
        {"--out", "DIR", "the recording's directory (created; must be empty)"},
        {"--exit-after", "S", "stop after S seconds"},
        {"--max-events", "N", "stop after N printed events"},
        {"--segment-mb", "N", "start a new segment file after N MB on disk (default 256)"},
        {"--segment-minutes", "N", "start a new segment file after N minutes (default 60)"},
    };
    c.maxPositional = 1000;
    c.run = runRecord;
    return c;
}

Command makeReplayCommand() {
    Command c;
    c.name = "replay";
    c.summary = "play a recording back through the live code, printing what cpc record printed";
    c.usage = "cpc replay DIR [--speed X|max] [--from T] [--to T] [--max-events N]";
    c.description =
        "Plays the recording in DIR (written by cpc record) through the same session code as live\n"
        "data — the venue's codec, the order book sync with the recorded snapshots, reconnects,\n"
        "de-duplication, the candle series — and prints the same JSON lines cpc record printed.\n"
        "Paced by the recorded receipt times (--speed 1 to 1000, default 1) or as fast as possible\n"
        "(--speed max). --from / --to (ISO-8601 UTC such as 2026-12-06T03:18:00Z, or epoch\n"
        "milliseconds): what comes before --from is played at once without printing (so the book and\n"
        "the candles are as they were), the replay ends after --to. A recording cut short (kill -9)\n"
        "is played up to its last whole record, and stderr says so.\n"
        "Exit status: 0 played, 1 the directory is not a (readable) recording, 2 bad command line.";
    c.options = {
        {"--speed", "X", "1 … 1000 times the recorded pace, or max (default 1)"},
        {"--from", "T", "start printing at T (ISO-8601 UTC or epoch ms)"},
        {"--to", "T", "stop after T (ISO-8601 UTC or epoch ms)"},
        {"--max-events", "N", "stop after N printed events"},
    };
    c.maxPositional = 1;
    c.run = runReplay;
    return c;
}

}  // namespace cpc::cli
