// Record and replay benchmarks.
// - ReplayMax: a recording of a Binance session (BTCUSDT trade, diff depth and kline_1m streams
//   on one connection, a REST book snapshot; per 100 ms: one depth diff, 8 trades; a kline push
//   a second) played as fast as possible into a replayed StreamSession on one network thread:
//   read + zstd decode + CRC, the adapter's parse, the de-duplication, the synced LocalOrderBook
//   (its top-20 view when it changes), and a listener on the same thread that aggregates the
//   trades into 1s candles, those into 1m (market::TimeframeAggregator), and keeps the 1m klines
//   in a CandleSeries. Issue target: >= 500,000 frames per second on one core.
// - ParseFramesFast / ParseFramesFullCodec: the codec's share: the same mix of frames parsed by
//   the adapter (its in-place fast path) and by the full nlohmann/json codec it falls back to.
// - ReadRecording: the same recording read (zstd decode + CRC) without playing it.
// - RecordedSize: one million Binance trade frames as a busy day sends them (random walk prices,
//   random quantities, increasing ids and times), appended through the Recorder at the pace of a
//   live session (a flush every 1,000 frames ≈ a busy half second): bytes on disk per million
//   frames. Issue target: a day of BTCUSDT trades (a few million frames) under 200 MB.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <future>
#include <random>

#include <time.h>

#include "../../src/sim/wire.hpp"
#include "cpc/core/time.hpp"
#include "cpc/exchange/binance/binance_adapter.hpp"
#include "cpc/exchange/binance/binance_fast_frame.hpp"
#include "cpc/market/candle_series.hpp"
#include "cpc/market/timeframe_aggregator.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/replay/record_reader.hpp"
#include "cpc/replay/record_writer.hpp"
#include "cpc/replay/recorder.hpp"
#include "cpc/replay/replayer.hpp"
#include "cpc/session/stream_session.hpp"
#include "cpc/sim/market_model.hpp"
#include "cpc/sim/order_book_model.hpp"

using namespace cpc;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kStart = 1'765'000'000'000;  // 2025-12-06, exchange ms

// CPU seconds of the whole process: in ReplayMax only the network thread works (the benchmark's
// thread waits), so this is the replay's CPU time, fair on a shared machine.
double processCpuSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

struct TradeSource {
    std::mt19937_64 rng{42};
    std::int64_t price = 97'000'00;  // cents
    std::int64_t id = 4'000'000'000;
    exchange::TradeTick next(std::int64_t timeMs) {
        price += static_cast<std::int64_t>(rng() % 21) - 10;
        exchange::TradeTick t;
        t.symbol = "BTCUSDT";
        t.tradeId = ++id;
        t.price = Decimal::fromUnits(static_cast<Int128>(price) * 1'000'000);
        t.quantity = Decimal::fromUnits(static_cast<Int128>(1 + rng() % 200'000) * 1'000);  // 0.00001 … 2 BTC
        t.timeMs = timeMs;
        t.eventTimeMs = timeMs + static_cast<std::int64_t>(rng() % 3);
        t.buyerIsMaker = (rng() & 1) != 0;
        return t;
    }
};

Candle opening(std::int64_t openTime, Decimal price) {
    Candle c;
    c.openTime = openTime;
    c.open = c.high = c.low = c.close = price;
    return c;
}

std::string combined(const std::string& stream, const std::string& payload) {
    return "{\"stream\":\"" + stream + "\",\"data\":" + payload + "}";
}

replay::SessionInfo sessionInfo() {
    replay::SessionInfo info;
    info.exchange = "binance";
    info.restBase = "http://127.0.0.1:9";
    info.streamBase = "ws://127.0.0.1:9/stream";
    info.symbols = {"BTCUSDT"};
    info.streams = {"trade", "depth", "kline_1m"};
    return info;
}

std::vector<exchange::StreamSpec> specs() {
    std::vector<exchange::StreamSpec> out(3);
    for (auto& s : out) s.symbol = "BTCUSDT";
    out[0].kind = exchange::StreamKind::Trade;
    out[1].kind = exchange::StreamKind::Depth;
    out[2].kind = exchange::StreamKind::Kline;
    out[2].interval = Interval::M1;
    return out;
}

// A temporary directory removed when the program ends.
struct TempRecording {
    fs::path dir;
    ~TempRecording() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

// The recording of ReplayMax: `frames` frames, made once.
const fs::path& sessionRecording(std::size_t frames) {
    static const TempRecording made{[frames] {
        const fs::path d = fs::temp_directory_path() / ("cpc-replay-bench-" + std::to_string(::getpid()));
        fs::remove_all(d);
        const exchange::BinanceAdapter adapter;
        const auto streams = specs();
        const std::string tradeName = adapter.streamName(streams[0]), depthName = adapter.streamName(streams[1]),
                          klineName = adapter.streamName(streams[2]);
        auto writer = replay::RecordWriter::create(d, sessionInfo());
        if (!writer) throw std::runtime_error(writer.error().message);
        replay::Recorder recorder(std::move(*writer));
        const sim::MarketModel model(42);
        const sim::OrderBookModel book(model, 42);
        std::int64_t tick = sim::OrderBookModel::tickOf(kStart);
        const std::uint32_t socket = recorder.opened(0, false, "ws://127.0.0.1:9/stream?streams=" + tradeName);
        // The first diff makes the session ask for a snapshot; the answer comes after it.
        recorder.frame(socket, combined(depthName, sim::wire::binance::depthUpdateEvent(book.diff("BTCUSDT", tick + 1))));
        recorder.rest("GET", adapter.depthRequest("BTCUSDT", 1000).target, 200,
                      sim::wire::binance::depthSnapshot(book.book("BTCUSDT", tick)));
        ++tick;
        TradeSource trades;
        Candle candle;
        std::size_t n = 2;
        while (n < frames) {
            ++tick;
            const std::int64_t t = tick * 100;
            recorder.frame(socket, combined(depthName, sim::wire::binance::depthUpdateEvent(book.diff("BTCUSDT", tick))));
            ++n;
            for (int i = 0; i < 8 && n < frames; ++i, ++n) {
                const auto trade = trades.next(t + i * 12);
                recorder.frame(socket, combined(tradeName, sim::wire::binance::tradeEvent(trade)));
                const std::int64_t open = bucketStart(Interval::M1, trade.timeMs);
                if (candle.openTime != open) candle = opening(open, trade.price);
                candle.high = std::max(candle.high, trade.price);
                candle.low = std::min(candle.low, trade.price);
                candle.close = trade.price;
                candle.volume = candle.volume + trade.quantity;
                candle.trades += 1;
            }
            if (tick % 10 == 0 && n < frames) {
                recorder.frame(socket, combined(klineName, sim::wire::binance::klineEvent("BTCUSDT", Interval::M1, candle, t)));
                ++n;
            }
            if (tick % 50 == 0) recorder.writer().flush();
        }
        if (!recorder.writer().close()) throw std::runtime_error("writing the benchmark recording failed");
        return d;
    }()};
    return made.dir;
}

// The benchmark's user of the replayed session (network thread): aggregates what it hears.
struct Aggregating final : feed::FeedSink {
    market::CandleSeries seconds{SeriesKey{"binance", "BTCUSDT", Interval::S1}};
    market::CandleSeries minutes{SeriesKey{"binance", "BTCUSDT", Interval::M1}};
    market::CandleSeries klines{SeriesKey{"binance", "BTCUSDT", Interval::M1}};
    market::TimeframeAggregator toMinutes{Interval::S1, Interval::M1};
    std::uint64_t events = 0, books = 0;
    void post(feed::FeedEvent event) override {
        ++events;
        if (const auto* t = std::get_if<exchange::TradeTick>(&event)) {
            const std::int64_t open = bucketStart(Interval::S1, t->timeMs);
            Candle c;
            if (auto existing = seconds.find(open)) {
                c = *existing;
                c.high = std::max(c.high, t->price);
                c.low = std::min(c.low, t->price);
                c.close = t->price;
            } else {
                c = opening(open, t->price);
            }
            c.volume = c.volume + t->quantity;
            c.trades += 1;
            seconds.upsert(c);
            for (const Candle& m : toMinutes.apply(seconds, c)) minutes.upsert(m);
        } else if (const auto* k = std::get_if<exchange::KlineUpdate>(&event)) {
            klines.upsert(k->candle);
        } else if (std::holds_alternative<feed::OrderBookView>(event)) {
            ++books;
        }
    }
};

void ReplayMax(benchmark::State& state) {
    const std::size_t frames = static_cast<std::size_t>(state.range(0));
    const fs::path& dir = sessionRecording(frames);
    std::uint64_t played = 0, books = 0, minutes = 0;
    double cpu = 0;
    for (auto _ : state) {
        net::IoThread io;
        const auto adapter = std::make_shared<const exchange::BinanceAdapter>(
            exchange::Endpoints{"http://127.0.0.1:9", "ws://127.0.0.1:9"});
        session::StreamSessionConfig config;
        config.replay = true;
        feed::FeedSink* none = nullptr;
        struct Discard final : feed::FeedSink {
            void post(feed::FeedEvent) override {}
        } discard;
        none = &discard;
        auto session = std::make_shared<session::StreamSession>(io, adapter, config, *none);
        auto user = std::make_shared<Aggregating>();
        session->subscribe(specs(), user);
        auto reader = replay::RecordReader::open(dir);
        if (!reader) {
            state.SkipWithError(reader.error().message.c_str());
            return;
        }
        std::promise<Result<replay::ReplaySummary>> finished;
        const auto started = std::chrono::steady_clock::now();
        const double cpuStarted = processCpuSeconds();
        replay::ReplayOptions options;
        options.asFastAsPossible = true;
        auto replayer = replay::Replayer::start(io, session, std::move(*reader), options, {},
                                                [&](Result<replay::ReplaySummary> r) { finished.set_value(std::move(r)); });
        auto result = finished.get_future().get();
        cpu += processCpuSeconds() - cpuStarted;
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        state.SetIterationTime(seconds);
        if (!result) {
            state.SkipWithError(result.error().message.c_str());
            return;
        }
        played += result->frames;
        books += user->books;
        minutes += user->minutes.size();
        session->stop();
    }
    state.counters["frames_per_s"] = benchmark::Counter(static_cast<double>(played), benchmark::Counter::kIsRate);
    state.counters["frames_per_cpu_s"] = static_cast<double>(played) / cpu;
    state.counters["books_per_run"] = benchmark::Counter(static_cast<double>(books) / static_cast<double>(state.iterations()));
    state.counters["bytes_on_disk"] = static_cast<double>([&] {
        std::uintmax_t b = 0;
        for (const auto& e : fs::directory_iterator(dir)) b += fs::file_size(e.path());
        return b;
    }());
    (void)minutes;
}
BENCHMARK(ReplayMax)->Arg(1'000'000)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);

// The codec's share of ReplayMax: the same mix of frames (per 100 ms one diff depth frame, 8
// trades, a kline a second), parsed by BinanceAdapter::parseStreamMessage (the fast path for these
// kinds) and by its full codec (the nlohmann/json tree, what every frame cost before), on the
// benchmark's thread. frames_per_s is by CPU time.
const std::vector<std::string>& mixedFrames() {
    static const std::vector<std::string> frames = [] {
        const exchange::BinanceAdapter adapter;
        const auto streams = specs();
        const std::string tradeName = adapter.streamName(streams[0]), depthName = adapter.streamName(streams[1]),
                          klineName = adapter.streamName(streams[2]);
        const sim::MarketModel model(42);
        const sim::OrderBookModel book(model, 42);
        std::int64_t tick = sim::OrderBookModel::tickOf(kStart);
        TradeSource trades;
        Candle candle = opening(bucketStart(Interval::M1, kStart), Decimal::fromInt(97'000));
        std::vector<std::string> out;
        while (out.size() < 100'000) {
            ++tick;
            const std::int64_t t = tick * 100;
            out.push_back(combined(depthName, sim::wire::binance::depthUpdateEvent(book.diff("BTCUSDT", tick))));
            for (int i = 0; i < 8; ++i) {
                const auto trade = trades.next(t + i * 12);
                candle.close = trade.price;
                out.push_back(combined(tradeName, sim::wire::binance::tradeEvent(trade)));
            }
            if (tick % 10 == 0)
                out.push_back(combined(klineName, sim::wire::binance::klineEvent("BTCUSDT", Interval::M1, candle, t)));
        }
        return out;
    }();
    return frames;
}

template <bool Full>
void ParseFrames(benchmark::State& state) {
    const exchange::BinanceAdapter adapter;
    const auto& frames = mixedFrames();
    std::uint64_t parsed = 0, events = 0;
    for (auto _ : state) {
        for (const auto& f : frames) {
            auto r = Full ? exchange::binance::parseFrameFullCodec(f, adapter.market()) : adapter.parseStreamMessage(f);
            if (!r) {
                state.SkipWithError(r.error().message.c_str());
                return;
            }
            events += r->size();
            benchmark::DoNotOptimize(r);
        }
        parsed += frames.size();
    }
    state.counters["frames_per_s"] = benchmark::Counter(static_cast<double>(parsed), benchmark::Counter::kIsRate);
    state.counters["events"] = static_cast<double>(events);
}
void ParseFramesFast(benchmark::State& state) { ParseFrames<false>(state); }
void ParseFramesFullCodec(benchmark::State& state) { ParseFrames<true>(state); }
BENCHMARK(ParseFramesFast)->Unit(benchmark::kMillisecond);
BENCHMARK(ParseFramesFullCodec)->Unit(benchmark::kMillisecond);

// The recording's own share of ReplayMax: read + zstd decode + CRC of the same records, nothing
// parsed.
void ReadRecording(benchmark::State& state) {
    const fs::path& dir = sessionRecording(static_cast<std::size_t>(state.range(0)));
    std::uint64_t records = 0;
    for (auto _ : state) {
        auto reader = replay::RecordReader::open(dir);
        replay::RecordView v;
        while (*(*reader)->next(v)) ++records;
    }
    state.counters["records_per_s"] = benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
}
BENCHMARK(ReadRecording)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(3);

void RecordedSize(benchmark::State& state) {
    const std::size_t frames = static_cast<std::size_t>(state.range(0));
    const exchange::BinanceAdapter adapter;
    exchange::StreamSpec trade;
    trade.symbol = "BTCUSDT";
    trade.kind = exchange::StreamKind::Trade;
    const std::string name = adapter.streamName(trade);
    // The frames first (their making is not the recorder's cost).
    TradeSource source;
    std::vector<std::string> wire;
    wire.reserve(frames);
    std::int64_t t = kStart;
    for (std::size_t i = 0; i < frames; ++i) {
        t += static_cast<std::int64_t>(source.rng() % 60);  // ~30 trades a second
        wire.push_back(combined(name, sim::wire::binance::tradeEvent(source.next(t))));
    }
    std::uint64_t onDisk = 0, raw = 0, wireBytes = 0;
    for (const auto& w : wire) wireBytes += w.size();
    for (auto _ : state) {
        const fs::path dir = fs::temp_directory_path() / ("cpc-record-bench-" + std::to_string(::getpid()));
        fs::remove_all(dir);
        auto writer = replay::RecordWriter::create(dir, sessionInfo());
        if (!writer) {
            state.SkipWithError(writer.error().message.c_str());
            return;
        }
        replay::Recorder recorder(std::move(*writer));
        const std::uint32_t socket = recorder.opened(0, false, "ws://127.0.0.1:9/stream?streams=" + name);
        for (std::size_t i = 0; i < frames; ++i) {
            recorder.frame(socket, wire[i]);
            if (i % 1000 == 999) recorder.writer().flush();
        }
        if (!recorder.writer().close()) state.SkipWithError("close failed");
        onDisk = recorder.writer().stats().fileBytes;
        raw = recorder.writer().stats().rawBytes;
        fs::remove_all(dir);
    }
    const double perMillion = 1'000'000.0 / static_cast<double>(frames);
    state.counters["MB_on_disk_per_1M"] = static_cast<double>(onDisk) * perMillion / 1e6;
    state.counters["MB_records_per_1M"] = static_cast<double>(raw) * perMillion / 1e6;
    state.counters["MB_wire_per_1M"] = static_cast<double>(wireBytes) * perMillion / 1e6;
    state.counters["frames_per_s"] = benchmark::Counter(static_cast<double>(frames) * static_cast<double>(state.iterations()),
                                                        benchmark::Counter::kIsRate);
}
BENCHMARK(RecordedSize)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace
