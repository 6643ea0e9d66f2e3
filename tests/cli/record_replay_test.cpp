// Record and replay against the simulator on 127.0.0.1: `cpc record`'s run (the cpc stream run
// with a Recorder as the session's WireTap) records a session through a depth resync (a stall
// long enough for a gap in the diff depth ids) and a reconnect (SimFault::CloseTcp, a fresh book
// sync), with a failed snapshot answer on the way (HTTP 503, retried); `cpc replay --speed max`
// then prints the same lines in the same order, and the replayed book and candles are the
// simulator's own. Also: a cut recording replays with a notice, bad input gets clear messages.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli_test_util.hpp"
#include "cpc/core/time.hpp"
#include "cpc/exchange/registry.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/replay/record_reader.hpp"
#include "cpc/replay/record_writer.hpp"
#include "cpc/replay/recorder.hpp"
#include "cpc/session/market_session.hpp"
#include "cpc/sim/order_book_model.hpp"
#include "cpc/sim/sim_server.hpp"
#include "cpc/storage/storage_worker.hpp"
#include "stream_run.hpp"

using namespace cpc;
using cpc::test::runCpc;
using cpc::test::TempDir;
using cpc::test::waitFor;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> lineList(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

exchange::StreamSpec spec(exchange::StreamKind kind) {
    exchange::StreamSpec s;
    s.symbol = "BTCUSDT";
    s.kind = kind;
    s.interval = Interval::M1;
    return s;
}

std::vector<exchange::PriceLevel> levels(const nlohmann::json& a) {
    std::vector<exchange::PriceLevel> out;
    for (const auto& l : a) out.push_back({*Decimal::parse(l[0].get<std::string>()), *Decimal::parse(l[1].get<std::string>())});
    return out;
}

class RecordReplay : public ::testing::Test {
protected:
    void SetUp() override {
        sim::SimConfig config;
        config.klinePushInterval = std::chrono::milliseconds(100);
        // The exchange's clock runs 20 times as fast: minutes close within the test, and a stall
        // of a second is 20 s of depth ticks, past the diff stream's catch-up window (a gap).
        const std::int64_t start = bucketStart(Interval::M1, nowMs()) + 50'000;
        const auto wallStart = std::chrono::steady_clock::now();
        config.liveTradesPerSecond = 5;
        config.clock = [start, wallStart] {
            const auto elapsed =
                std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - wallStart);
            return start + 20 * elapsed.count();
        };
        m_clock = config.clock;
        m_sim = std::make_unique<sim::SimServer>(config);
        ASSERT_TRUE(m_sim->start());
        auto adapter = exchange::makeAdapter("binance", exchange::Endpoints{m_sim->restBase(), m_sim->streamBase()});
        ASSERT_TRUE(adapter);
        m_adapter = std::shared_ptr<const exchange::ExchangeAdapter>(std::move(*adapter));
    }

    replay::SessionInfo info() const {
        replay::SessionInfo i;
        i.exchange = "binance";
        i.restBase = m_adapter->endpoints().restBase;
        i.streamBase = m_adapter->endpoints().streamBase;
        i.symbols = {"BTCUSDT"};
        i.streams = {"kline_1m", "trade", "depth"};
        return i;
    }

    net::IoThread m_io;
    std::unique_ptr<sim::SimServer> m_sim;
    std::function<std::int64_t()> m_clock;  // the simulator's exchange clock
    std::shared_ptr<const exchange::ExchangeAdapter> m_adapter;
    storage::StorageWorker m_storage{":memory:"};
};

}  // namespace

TEST_F(RecordReplay, ReplayPrintsWhatTheRecordingRunPrintedThroughAResyncAndAReconnect) {
    TempDir tmp;
    const std::string dir = tmp.file("rec");
    auto writer = replay::RecordWriter::create(dir, info());
    ASSERT_TRUE(writer) << writer.error().message;
    const auto recorder = std::make_shared<replay::Recorder>(std::move(*writer));
    session::MarketSessionConfig marketConfig;
    marketConfig.streams.tap = recorder;
    session::MarketSession market(m_io, marketConfig);
    const auto engine = market.streams(m_adapter);

    cli::StreamOptions options;
    options.specs = {spec(exchange::StreamKind::Kline), spec(exchange::StreamKind::Trade),
                     spec(exchange::StreamKind::Depth)};
    options.endpoint = m_sim->streamBase();
    options.duration = std::chrono::seconds(60);  // the test ends it sooner (RunControl::finish)
    std::mutex controlMutex;
    std::shared_ptr<cli::RunControl> control;
    options.afterSubscribe = [&](std::shared_ptr<cli::RunControl> c) {
        std::lock_guard lock(controlMutex);
        control = std::move(c);
    };
    std::ostringstream out, err;
    std::atomic<int> exitCode{-1};
    // The first REST answers are 503s (the clock's and the first book snapshot's): retried.
    m_sim->inject(sim::SimFault::RestServerError, {}, 2);
    std::thread run([&] { exitCode = cli::streamThrough(market, m_adapter, m_storage, options, out, err, "cpc record"); });
    // Ends the run (also when an assertion below fails, so the thread is always joined).
    struct EndRun {
        std::mutex& mutex;
        std::shared_ptr<cli::RunControl>& control;
        std::thread& thread;
        void now() {
            if (!thread.joinable()) return;
            {
                std::lock_guard lock(mutex);
                if (control) control->finish("test done", false, {});
            }
            thread.join();
        }
        ~EndRun() { now(); }
    } endRun{controlMutex, control, run};

    const auto stats = [&] { return engine->stats(); };
    // Synced, trades and klines flowing.
    ASSERT_TRUE(waitFor([&] { return stats().bookSnapshots >= 1 && stats().framesReceived > 60; }, std::chrono::seconds(30)))
        << "snapshots " << stats().bookSnapshots << ", frames " << stats().framesReceived;
    ASSERT_TRUE(waitFor([&] {
        std::lock_guard lock(controlMutex);
        return control != nullptr;
    }));
    const auto synced = stats().bookSnapshots;
    // A stall: the depth stream's next diff skips ids, the book resyncs from a new snapshot.
    m_sim->inject(sim::SimFault::Stall, std::chrono::milliseconds(1200));
    ASSERT_TRUE(waitFor([&] { return stats().bookResyncs >= 1 && stats().bookSnapshots > synced; },
                        std::chrono::seconds(30)))
        << "resyncs " << stats().bookResyncs;
    // A reconnect: the venue drops the TCP connection; the session reconnects and syncs afresh.
    const auto beforeDrop = stats();
    m_sim->inject(sim::SimFault::CloseTcp);
    ASSERT_TRUE(waitFor([&] { return stats().reconnects >= 1 && stats().bookSnapshots > beforeDrop.bookSnapshots &&
                                      stats().framesReceived > beforeDrop.framesReceived + 60; },
                        std::chrono::seconds(30)))
        << "reconnects " << stats().reconnects;
    // A minute closes on the stream before the run ends, so that the replay's candles are checked
    // against the simulator's too. The first minute closes half a second (wall) after the
    // simulator starts, often before the streams are subscribed on a loaded machine, and the next
    // 3 s later: a quick run could end between the two.
    const std::int64_t nextClose = bucketStart(Interval::M1, m_clock()) + 60'000;
    ASSERT_TRUE(waitFor([&] { return m_clock() >= nextClose + 10'000; }, std::chrono::seconds(10)));
    endRun.now();
    market.stop();
    ASSERT_TRUE(recorder->writer().close());
    ASSERT_EQ(exitCode, 0) << err.str();
    const auto recorded = lineList(out.str());
    ASSERT_GT(recorded.size(), 100u) << err.str();

    // The replay: the same lines in the same order (it may go on with the few frames that came
    // while the recording run was stopping: those were recorded but not printed).
    const auto replayed = runCpc({"replay", dir, "--speed", "max"});
    ASSERT_EQ(replayed.code, 0) << replayed.err;
    const auto lines = lineList(replayed.out);
    ASSERT_GE(lines.size(), recorded.size()) << replayed.err;
    for (std::size_t i = 0; i < recorded.size(); ++i) ASSERT_EQ(lines[i], recorded[i]) << "line " << i + 1;
    EXPECT_LT(lines.size() - recorded.size(), 200u);
    EXPECT_NE(replayed.err.find("end of the recording"), std::string::npos) << replayed.err;
    EXPECT_NE(replayed.err.find("cpc replay: live (3 streams)"), std::string::npos) << replayed.err;

    // What the replay printed is the venue's market: every book it showed is the simulator's book
    // at that update id (so the resync and the fresh sync after the reconnect happened in the
    // replay too), every closed candle the simulator's candle.
    std::size_t books = 0, closedCandles = 0;
    std::int64_t lastBookId = 0;
    std::size_t bookJumps = 0;
    for (const auto& text : lines) {
        const auto j = nlohmann::json::parse(text);
        if (j["type"] == "book") {
            ++books;
            const std::int64_t id = j["lastUpdateId"].get<std::int64_t>();
            if (lastBookId != 0 && sim::OrderBookModel::tickOfUpdateId(id) > sim::OrderBookModel::tickOfUpdateId(lastBookId) + 64)
                ++bookJumps;  // a resync (a new snapshot far ahead of the book before)
            lastBookId = id;
            const auto truth = m_sim->book().book("BTCUSDT", sim::OrderBookModel::tickOfUpdateId(id));
            const auto bids = levels(j["bids"]), asks = levels(j["asks"]);
            ASSERT_FALSE(bids.empty());
            for (std::size_t k = 0; k < bids.size(); ++k) ASSERT_EQ(bids[k], truth.bids[k]) << text;
            for (std::size_t k = 0; k < asks.size(); ++k) ASSERT_EQ(asks[k], truth.asks[k]) << text;
        } else if (j["type"] == "kline" && j["closed"].get<bool>()) {
            ++closedCandles;
            const std::int64_t open = j["openTime"].get<std::int64_t>();
            const auto truth = m_sim->model().klines("BTCUSDT", Interval::M1, open, open, 1, open + 120'000);
            ASSERT_EQ(truth.size(), 1u);
            EXPECT_EQ(j["close"].get<std::string>(), truth[0].close.toString()) << text;
            EXPECT_EQ(j["volume"].get<std::string>(), truth[0].volume.toString()) << text;
            EXPECT_EQ(j["trades"].get<std::int64_t>(), truth[0].trades) << text;
        }
    }
    EXPECT_GT(books, 10u);
    EXPECT_GE(bookJumps, 1u) << "the stall's resync shows as a jump of the book's update id";
    EXPECT_GE(closedCandles, 1u);
}

TEST_F(RecordReplay, AMakeBeforeBreakRotationReplaysAsItHappened) {
    // The connection rotates every 1.5 s: the new socket's frames are buffered until the switch,
    // the overlap de-duplicated; the replay buffers and switches where the record says.
    TempDir tmp;
    const std::string dir = tmp.file("rec");
    auto sessionInfo = info();
    sessionInfo.streams = {"trade", "depth"};
    auto writer = replay::RecordWriter::create(dir, sessionInfo);
    ASSERT_TRUE(writer) << writer.error().message;
    const auto recorder = std::make_shared<replay::Recorder>(std::move(*writer));
    session::MarketSessionConfig marketConfig;
    marketConfig.streams.tap = recorder;
    marketConfig.streams.rotateAfter = std::chrono::milliseconds(1500);
    session::MarketSession market(m_io, marketConfig);
    const auto engine = market.streams(m_adapter);
    cli::StreamOptions options;
    options.specs = {spec(exchange::StreamKind::Trade), spec(exchange::StreamKind::Depth)};
    options.endpoint = m_sim->streamBase();
    options.duration = std::chrono::seconds(60);
    std::mutex controlMutex;
    std::shared_ptr<cli::RunControl> control;
    options.afterSubscribe = [&](std::shared_ptr<cli::RunControl> c) {
        std::lock_guard lock(controlMutex);
        control = std::move(c);
    };
    std::ostringstream out, err;
    std::thread run([&] { cli::streamThrough(market, m_adapter, m_storage, options, out, err, "cpc record"); });
    const bool rotated = waitFor([&] { return engine->stats().rotations >= 2; }, std::chrono::seconds(30));
    {
        std::lock_guard lock(controlMutex);
        if (control) control->finish("test done", false, {});
    }
    run.join();
    market.stop();
    ASSERT_TRUE(recorder->writer().close());
    ASSERT_TRUE(rotated) << "rotations " << engine->stats().rotations;
    // A resync the live run needed on a loaded machine is in the recording too and replays the
    // same; switches without loss are StreamRotationTest's subject.
    const auto recorded = lineList(out.str());
    ASSERT_GT(recorded.size(), 50u);
    const auto replayed = runCpc({"replay", dir, "--speed", "max"});
    ASSERT_EQ(replayed.code, 0) << replayed.err;
    const auto lines = lineList(replayed.out);
    ASSERT_GE(lines.size(), recorded.size()) << replayed.err;
    for (std::size_t i = 0; i < recorded.size(); ++i) ASSERT_EQ(lines[i], recorded[i]) << "line " << i + 1;
    // Live at the connect and at each switch, as the recording run heard it.
    std::size_t lives = 0;
    for (std::size_t at = 0; (at = replayed.err.find("cpc replay: live (2 streams)", at)) != std::string::npos; ++at) ++lives;
    EXPECT_GE(lives, 3u) << replayed.err;
}

TEST_F(RecordReplay, TheCpcRecordCommandRecordsWhatItPrintsAndACutRecordingReplaysWithANotice) {
    TempDir tmp;
    const std::string dir = tmp.file("rec");
    const auto recorded = runCpc({"record", "BTCUSDT", "--endpoint", m_sim->streamBase(), "--streams", "trade,kline_1m",
                                  "--out", dir, "--max-events", "150", "--exit-after", "60"});
    ASSERT_EQ(recorded.code, 0) << recorded.err;
    EXPECT_NE(recorded.err.find("cpc record: recorded "), std::string::npos) << recorded.err;
    const auto printed = lineList(recorded.out);
    ASSERT_EQ(printed.size(), 150u);
    const auto replayed = runCpc({"replay", dir, "--speed", "max", "--max-events", "150"});
    ASSERT_EQ(replayed.code, 0) << replayed.err;
    EXPECT_EQ(lineList(replayed.out), printed);

    // --from: what came before is played without printing (the candles are as they were), so
    // the output is the full replay's tail; --to ends it, so the output is its head.
    const auto full = lineList(runCpc({"replay", dir, "--speed", "max"}).out);
    std::vector<std::int64_t> frameTimes;
    {
        auto reader = replay::RecordReader::open(dir);
        ASSERT_TRUE(reader);
        replay::RecordView v;
        while (*(*reader)->next(v))
            if (v.type == replay::RecordType::Frame) frameTimes.push_back(v.wallUs / 1000);
    }
    ASSERT_GT(frameTimes.size(), 20u);
    // A cut between two receipt times near the middle (frames of one burst share a millisecond).
    std::size_t cutAt = frameTimes.size() / 2;
    while (cutAt + 1 < frameTimes.size() && frameTimes[cutAt] == frameTimes[cutAt + 1]) ++cutAt;
    ASSERT_LT(cutAt + 1, frameTimes.size()) << "the frames' receipt times do not spread";
    const std::int64_t middle = frameTimes[cutAt];
    const auto from = runCpc({"replay", dir, "--speed", "max", "--from", std::to_string(middle + 1)});
    ASSERT_EQ(from.code, 0) << from.err;
    const auto tail = lineList(from.out);
    ASSERT_FALSE(tail.empty());
    ASSERT_LT(tail.size(), full.size());
    EXPECT_TRUE(std::equal(tail.begin(), tail.end(), full.end() - static_cast<std::ptrdiff_t>(tail.size())));
    const auto to = runCpc({"replay", dir, "--speed", "max", "--to", std::to_string(middle)});
    ASSERT_EQ(to.code, 0) << to.err;
    const auto head = lineList(to.out);
    ASSERT_FALSE(head.empty());
    ASSERT_LT(head.size(), full.size());
    EXPECT_TRUE(std::equal(head.begin(), head.end(), full.begin()));
    EXPECT_EQ(head.size() + tail.size(), full.size()) << "every event is on one side of the cut";

    // Cut the segment inside its last compressed frame (a kill -9 while writing).
    std::vector<fs::path> segments;
    for (const auto& e : fs::directory_iterator(dir)) segments.push_back(e.path());
    ASSERT_EQ(segments.size(), 1u);
    fs::resize_file(segments[0], fs::file_size(segments[0]) - 20);
    const auto cut = runCpc({"replay", dir, "--speed", "max"});
    EXPECT_EQ(cut.code, 0) << cut.err;
    EXPECT_NE(cut.err.find("the recording was cut short"), std::string::npos) << cut.err;
    EXPECT_NE(cut.err.find("replayed up to its last whole record"), std::string::npos) << cut.err;
    const auto cutLines = lineList(cut.out);
    ASSERT_LE(cutLines.size(), printed.size() + 150);
    for (std::size_t i = 0; i < std::min(cutLines.size(), printed.size()); ++i) EXPECT_EQ(cutLines[i], printed[i]) << i;

    // A foreign file in the directory: a clear error, nothing replayed.
    std::ofstream(dir + "/notes.txt") << "x";
    const auto foreign = runCpc({"replay", dir});
    EXPECT_EQ(foreign.code, 1);
    EXPECT_NE(foreign.err.find("notes.txt: not a recording segment"), std::string::npos) << foreign.err;
    EXPECT_TRUE(foreign.out.empty());
}

// `cpc record` under a file size limit (RLIMIT_FSIZE, as `ulimit -f`): the write that would pass
// it fails with EFBIG (the command ignores SIGXFSZ, which would kill it), the run ends with exit 1
// and a message naming the segment file and the error, and the segment is cut back to its last
// whole flush: the replay reads every record up to the failure and prints what was printed then.
TEST(RecordReplayLimits, AWriteErrorEndsCpcRecordSayingWhichFileAndKeepsWhatWasWritten) {
    sim::SimConfig config;
    config.liveTradesPerSecond = 200;
    config.klinePushInterval = std::chrono::milliseconds(100);
    sim::SimServer simulator(config);
    ASSERT_TRUE(simulator.start());
    TempDir tmp;
    const std::string dir = tmp.file("rec");
    const std::string errPath = tmp.file("err.txt");
    constexpr rlim_t kLimit = 12'000;  // bytes: a few seconds of 200 trades a second
    const std::vector<std::string> args = {CPC_CLI_BINARY, "record", "BTCUSDT", "--endpoint", simulator.streamBase(),
                                           "--streams", "trade,kline_1m", "--out", dir, "--exit-after", "60"};
    std::vector<char*> argv;  // made before the fork: the child only makes async-signal-safe calls
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    // stdout through a pipe: a file would meet the same size limit as the recording.
    int outPipe[2];
    ASSERT_EQ(pipe(outPipe), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        rlimit limit{};
        getrlimit(RLIMIT_FSIZE, &limit);
        limit.rlim_cur = kLimit;
        setrlimit(RLIMIT_FSIZE, &limit);
        const int err = ::open(errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(outPipe[1], 1);
        close(outPipe[0]);
        close(outPipe[1]);
        dup2(err, 2);
        execv(argv[0], argv.data());
        _exit(127);
    }
    close(outPipe[1]);
    std::string printedText;
    std::thread reading([&] {
        char buffer[4096];
        for (ssize_t n; (n = ::read(outPipe[0], buffer, sizeof buffer)) > 0;) printedText.append(buffer, static_cast<std::size_t>(n));
    });
    int status = 0;
    const bool ended = waitFor([&] { return waitpid(pid, &status, WNOHANG) == pid; }, std::chrono::seconds(45));
    if (!ended) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    reading.join();
    close(outPipe[0]);
    ASSERT_TRUE(ended) << "cpc record did not stop at the size limit";
    const std::string err = cpc::test::readFile(errPath);
    ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0) << "\n" << err;
    EXPECT_EQ(WEXITSTATUS(status), 1) << err;
    std::vector<fs::path> segments;
    for (const auto& e : fs::directory_iterator(dir)) segments.push_back(e.path());
    ASSERT_EQ(segments.size(), 1u);
    const std::string segment = segments[0].string();
    EXPECT_NE(err.find("writing " + segment + " failed: File too large"), std::string::npos) << err;
    EXPECT_NE(err.find("recording stopped"), std::string::npos) << err;
    EXPECT_LE(fs::file_size(segments[0]), kLimit);

    // Every record in the file reads back (the file ends at a whole flush: no corrupt data), and
    // the replay prints what the recording run printed for those frames, in order.
    auto reader = replay::RecordReader::open(dir);
    ASSERT_TRUE(reader) << reader.error().message;
    replay::RecordView v;
    std::uint64_t frames = 0;
    for (;;) {
        auto more = (*reader)->next(v);
        ASSERT_TRUE(more) << more.error().message;
        if (!*more) break;
        if (v.type == replay::RecordType::Frame) ++frames;
    }
    EXPECT_GT(frames, 50u) << "too little was kept to prove anything";
    const auto replayed = runCpc({"replay", dir, "--speed", "max"});
    ASSERT_EQ(replayed.code, 0) << replayed.err;
    const auto printed = lineList(printedText);
    const auto lines = lineList(replayed.out);
    ASSERT_GT(lines.size(), 50u) << replayed.err;
    ASSERT_LE(lines.size(), printed.size());
    for (std::size_t i = 0; i < lines.size(); ++i) ASSERT_EQ(lines[i], printed[i]) << i;
}

TEST(RecordReplayFlags, BadFlagsGetClearMessagesListingWhatIsAccepted) {
    TempDir tmp;
    const auto noOut = runCpc({"record", "BTCUSDT"});
    EXPECT_EQ(noOut.code, 2);
    EXPECT_NE(noOut.err.find("--out DIR is required"), std::string::npos) << noOut.err;
    const auto noSymbol = runCpc({"record", "--out", tmp.file("a")});
    EXPECT_EQ(noSymbol.code, 2);
    EXPECT_NE(noSymbol.err.find("expected at least one SYMBOL"), std::string::npos) << noSymbol.err;
    const auto badStream = runCpc({"record", "BTCUSDT", "--streams", "trades", "--out", tmp.file("a")});
    EXPECT_EQ(badStream.code, 2);
    EXPECT_NE(badStream.err.find("unknown stream 'trades'; accepted: kline_<interval>"), std::string::npos) << badStream.err;
    const auto badExchange = runCpc({"record", "BTCUSDT", "--exchange", "ftx", "--out", tmp.file("a")});
    EXPECT_EQ(badExchange.code, 2);
    EXPECT_NE(badExchange.err.find("accepted: binance"), std::string::npos) << badExchange.err;
    const auto badExit = runCpc({"record", "BTCUSDT", "--out", tmp.file("a"), "--exit-after", "0"});
    EXPECT_EQ(badExit.code, 2);
    EXPECT_NE(badExit.err.find("--exit-after"), std::string::npos) << badExit.err;
    EXPECT_FALSE(fs::exists(tmp.file("a"))) << "a bad command line writes nothing";

    const auto badSpeed = runCpc({"replay", tmp.file("x"), "--speed", "fast"});
    EXPECT_EQ(badSpeed.code, 2);
    EXPECT_NE(badSpeed.err.find("accepted: a number from 1 to 1000"), std::string::npos) << badSpeed.err;
    const auto badFrom = runCpc({"replay", tmp.file("x"), "--from", "noon"});
    EXPECT_EQ(badFrom.code, 2);
    EXPECT_NE(badFrom.err.find("--from: 'noon' is not a time; accepted: ISO-8601 UTC"), std::string::npos) << badFrom.err;
    const auto backwards = runCpc({"replay", tmp.file("x"), "--from", "2026-12-06", "--to", "2026-12-05"});
    EXPECT_EQ(backwards.code, 2);
    EXPECT_NE(backwards.err.find("--to is before --from"), std::string::npos) << backwards.err;
    const auto missing = runCpc({"replay", tmp.file("x")});
    EXPECT_EQ(missing.code, 1);
    EXPECT_NE(missing.err.find("no such recording directory"), std::string::npos) << missing.err;
    const auto unknown = runCpc({"replay", tmp.file("x"), "--rate", "2"});
    EXPECT_EQ(unknown.code, 2);
    EXPECT_NE(unknown.err.find("--speed"), std::string::npos) << unknown.err;
}
