// The `cpc` executable: help, usage errors and exit codes, and `cpc sim` serving until SIGTERM.
#include <csignal>
#include <fcntl.h>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "cpc/net/http_client.hpp"
#include "cpc/net/ws_client.hpp"
#include "net_test_util.hpp"

extern char** environ;

namespace {

struct CpcRun {
    int exitCode = -1;
    std::string out;
    std::string err;
};

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Runs cpc with args to completion, capturing stdout and stderr.
CpcRun runCpc(const std::vector<std::string>& args) {
    const std::string base = ::testing::TempDir() + "cpc_cli_" + std::to_string(::getpid());
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, (base + ".out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, (base + ".err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<std::string> argvStore{CPC_EXE};
    argvStore.insert(argvStore.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argvStore) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    CpcRun run;
    if (posix_spawn(&pid, CPC_EXE, &actions, nullptr, argv.data(), environ) != 0) {
        ADD_FAILURE() << "cannot start " << CPC_EXE;
        return run;
    }
    posix_spawn_file_actions_destroy(&actions);
    int status = 0;
    waitpid(pid, &status, 0);
    run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = slurp(base + ".out");
    run.err = slurp(base + ".err");
    std::remove((base + ".out").c_str());
    std::remove((base + ".err").c_str());
    return run;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST(Cli, HelpListsCommandsAndExitsZero) {
    const CpcRun r = runCpc({"--help"});
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_TRUE(contains(r.out, "sim")) << r.out;
}

TEST(Cli, SimHelpListsItsOptions) {
    const CpcRun r = runCpc({"sim", "--help"});
    EXPECT_EQ(r.exitCode, 0);
    for (const char* opt : {"--port", "--tls", "--cert", "--key", "--seed", "--push-interval-ms", "--bind"})
        EXPECT_TRUE(contains(r.out, opt)) << opt << "\n" << r.out;
}

TEST(Cli, UsageErrorsExitTwoAndSayWhatIsAccepted) {
    const CpcRun badFlag = runCpc({"sim", "--frobnicate"});
    EXPECT_EQ(badFlag.exitCode, 2);
    EXPECT_TRUE(contains(badFlag.err, "'--frobnicate'")) << badFlag.err;
    EXPECT_TRUE(contains(badFlag.err, "--port")) << badFlag.err;

    const CpcRun badCommand = runCpc({"frobnicate"});
    EXPECT_EQ(badCommand.exitCode, 2);
    EXPECT_TRUE(contains(badCommand.err, "unknown command 'frobnicate'")) << badCommand.err;
    EXPECT_TRUE(contains(badCommand.err, "sim")) << badCommand.err;

    EXPECT_EQ(runCpc({}).exitCode, 2);
    EXPECT_EQ(runCpc({"--frobnicate"}).exitCode, 2);

    const CpcRun badPort = runCpc({"sim", "--port", "http"});
    EXPECT_EQ(badPort.exitCode, 2);
    EXPECT_TRUE(contains(badPort.err, "0..65535")) << badPort.err;
    EXPECT_EQ(runCpc({"sim", "--port"}).exitCode, 2);
    EXPECT_EQ(runCpc({"sim", "--tls"}).exitCode, 2);               // no --cert/--key
    EXPECT_EQ(runCpc({"sim", "--cert", "x.pem"}).exitCode, 2);     // without --tls
    EXPECT_EQ(runCpc({"sim", "extra"}).exitCode, 2);
}

TEST(Cli, SimReportsARuntimeFailureWithExitOne) {
    const CpcRun r = runCpc({"sim", "--tls", "--cert", "/nonexistent/c.pem", "--key", "/nonexistent/k.pem"});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(contains(r.err, "/nonexistent/c.pem")) << r.err;
}

TEST(Cli, SimServesUntilSigterm) {
    int pipeFds[2];
    ASSERT_EQ(pipe(pipeFds), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipeFds[1], 1);
    posix_spawn_file_actions_addclose(&actions, pipeFds[0]);
    std::vector<std::string> argvStore{CPC_EXE, "sim", "--port", "0", "--seed", "5"};
    std::vector<char*> argv;
    for (auto& a : argvStore) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, CPC_EXE, &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    close(pipeFds[1]);

    // Read the banner up to the "streams:" line.
    std::string banner;
    char buf[512];
    while (!contains(banner, "streams: ")) {
        const ssize_t n = read(pipeFds[0], buf, sizeof buf);
        if (n <= 0) break;
        banner.append(buf, static_cast<std::size_t>(n));
    }
    const auto restPos = banner.find("rest: ");
    ASSERT_NE(restPos, std::string::npos) << banner;
    const std::string rest = banner.substr(restPos + 6, banner.find('\n', restPos) - restPos - 6);

    cpc::net::IoThread io;
    cpc::net::HttpClient client(io.context(), nullptr);
    auto url = cpc::net::Url::parse(rest);
    ASSERT_TRUE(url) << rest;
    auto r = cpc::test::runSync(io, client.get(*url, "/api/v3/klines?symbol=BTCUSDT&interval=1d&limit=3"));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->status, 200);

    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    std::string tail;
    ssize_t n = 0;
    while ((n = read(pipeFds[0], buf, sizeof buf)) > 0) tail.append(buf, static_cast<std::size_t>(n));
    close(pipeFds[0]);
    EXPECT_TRUE(contains(tail, "stopped by SIGTERM")) << tail;
}

TEST(Cli, SimFaultFlagsAreCheckedAndListWhatIsAccepted) {
    const auto bogus = runCpc({"sim", "--fault", "bogus", "--fault-every-ms", "100"});
    EXPECT_EQ(bogus.exitCode, 2);
    EXPECT_TRUE(contains(bogus.err, "unknown fault 'bogus'; accepted: close, reset, stall")) << bogus.err;
    const auto noPeriod = runCpc({"sim", "--fault", "close"});
    EXPECT_EQ(noPeriod.exitCode, 2);
    EXPECT_TRUE(contains(noPeriod.err, "--fault-every-ms")) << noPeriod.err;
    const auto badLimit = runCpc({"sim", "--weight-per-minute", "0"});
    EXPECT_EQ(badLimit.exitCode, 2);
    EXPECT_TRUE(contains(badLimit.err, "--weight-per-minute")) << badLimit.err;
}

TEST(Cli, SimInjectsTheScriptedFaultRepeatedly) {
    int pipeFds[2];
    ASSERT_EQ(pipe(pipeFds), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipeFds[1], 1);
    posix_spawn_file_actions_addclose(&actions, pipeFds[0]);
    std::vector<std::string> argvStore{CPC_EXE, "sim", "--port", "0", "--push-interval-ms", "50",
                                       "--fault", "close", "--fault-every-ms", "300"};
    std::vector<char*> argv;
    for (auto& a : argvStore) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, CPC_EXE, &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    close(pipeFds[1]);
    std::string banner;
    char buf[512];
    while (!contains(banner, "fault: close every 300 ms")) {
        const ssize_t n = read(pipeFds[0], buf, sizeof buf);
        if (n <= 0) break;
        banner.append(buf, static_cast<std::size_t>(n));
    }
    const auto pos = banner.find("streams: ");
    ASSERT_NE(pos, std::string::npos) << banner;
    const std::string streams = banner.substr(pos + 9, banner.find('\n', pos) - pos - 9);

    // A connection receives events, then is cut by the scripted fault.
    cpc::net::IoThread io;
    cpc::net::WsClient ws(io.context(), nullptr);
    auto url = cpc::net::Url::parse(streams + "/ws/btcusdt@kline_1s");
    ASSERT_TRUE(url);
    ASSERT_TRUE(cpc::test::runSync(io, ws.connect(*url)));
    int frames = 0;
    bool cut = false;
    for (int i = 0; i < 200 && !cut; ++i) {
        auto frame = cpc::test::runSync(io, ws.read());
        if (frame) ++frames;
        else cut = true;
    }
    EXPECT_TRUE(cut) << "the scripted close never came";

    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    std::string tail;
    ssize_t n = 0;
    while ((n = read(pipeFds[0], buf, sizeof buf)) > 0) tail.append(buf, static_cast<std::size_t>(n));
    close(pipeFds[0]);
    EXPECT_TRUE(contains(tail, "faults injected")) << tail;
}

TEST(Cli, SimTradeRateIsListedAndChecked) {
    const CpcRun help = runCpc({"sim", "--help"});
    EXPECT_EQ(help.exitCode, 0);
    EXPECT_TRUE(contains(help.out, "--trade-rate")) << help.out;
    const CpcRun tooHigh = runCpc({"sim", "--trade-rate", "20001"});
    EXPECT_EQ(tooHigh.exitCode, 2);
    EXPECT_TRUE(contains(tooHigh.err, "--trade-rate")) << tooHigh.err;
    EXPECT_EQ(runCpc({"sim", "--trade-rate", "fast"}).exitCode, 2);
}

TEST(Cli, SimExchangeIsCheckedAndListsTheDialects) {
    const auto bogus = runCpc({"sim", "--exchange", "kraken"});
    EXPECT_EQ(bogus.exitCode, 2);
    EXPECT_TRUE(contains(bogus.err, "unknown exchange 'kraken'; accepted: binance, bybit, okx, kucoin")) << bogus.err;
    const auto help = runCpc({"sim", "--help"});
    EXPECT_EQ(help.exitCode, 0);
    EXPECT_TRUE(contains(help.out, "--exchange")) << help.out;
    EXPECT_TRUE(contains(help.out, "--heartbeat-timeout-ms")) << help.out;
}

TEST(Cli, SimServesTheBybitDialect) {
    int pipeFds[2];
    ASSERT_EQ(pipe(pipeFds), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipeFds[1], 1);
    posix_spawn_file_actions_addclose(&actions, pipeFds[0]);
    std::vector<std::string> argvStore{CPC_EXE, "sim", "--exchange", "bybit", "--port", "0"};
    std::vector<char*> argv;
    for (auto& a : argvStore) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, CPC_EXE, &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    close(pipeFds[1]);
    std::string banner;
    char buf[512];
    while (!contains(banner, "Press Ctrl+C")) {
        const ssize_t n = read(pipeFds[0], buf, sizeof buf);
        if (n <= 0) break;
        banner.append(buf, static_cast<std::size_t>(n));
    }
    EXPECT_TRUE(contains(banner, "bybit dialect")) << banner;
    EXPECT_TRUE(contains(banner, "/v5/market/kline?category=spot")) << banner;
    const auto restPos = banner.find("rest: ");
    ASSERT_NE(restPos, std::string::npos) << banner;
    const std::string rest = banner.substr(restPos + 6, banner.find('\n', restPos) - restPos - 6);
    {
        cpc::net::IoThread io;
        cpc::net::HttpClient client(io.context(), nullptr);
        auto url = cpc::net::Url::parse(rest);
        ASSERT_TRUE(url) << rest;
        auto r = cpc::test::runSync(io, client.get(*url, "/v5/market/time"));
        ASSERT_TRUE(r) << r.error().message;
        EXPECT_EQ(r->status, 200);
        EXPECT_TRUE(contains(r->body, "\"timeNano\"")) << r->body;
    }
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    close(pipeFds[0]);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(Cli, SimServesBybitAndOkxPerpetuals) {
    // `cpc sim --market perp` on Bybit (linear) and OKX (swap): each serves its venue's perpetual
    // REST paths; KuCoin's futures (another API) are refused with the venues that have them.
    const auto kucoin = runCpc({"sim", "--exchange", "kucoin", "--market", "perp"});
    EXPECT_EQ(kucoin.exitCode, 2);
    EXPECT_TRUE(contains(kucoin.err, "binance (USD-M), bybit (linear) and okx (swap)")) << kucoin.err;
    const std::pair<std::string, std::string> venues[] = {
        {"bybit", "/v5/market/tickers?category=linear&symbol=BTCUSDT"},
        {"okx", "/api/v5/public/funding-rate?instId=BTC-USDT-SWAP"}};
    for (const auto& [venue, target] : venues) {
        int pipeFds[2];
        ASSERT_EQ(pipe(pipeFds), 0);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, pipeFds[1], 1);
        posix_spawn_file_actions_addclose(&actions, pipeFds[0]);
        std::vector<std::string> argvStore{CPC_EXE, "sim", "--exchange", venue, "--market", "perp", "--port", "0"};
        std::vector<char*> argv;
        for (auto& a : argvStore) argv.push_back(a.data());
        argv.push_back(nullptr);
        pid_t pid = 0;
        ASSERT_EQ(posix_spawn(&pid, CPC_EXE, &actions, nullptr, argv.data(), environ), 0);
        posix_spawn_file_actions_destroy(&actions);
        close(pipeFds[1]);
        std::string banner;
        char buf[512];
        while (!contains(banner, "Press Ctrl+C")) {
            const ssize_t n = read(pipeFds[0], buf, sizeof buf);
            if (n <= 0) break;
            banner.append(buf, static_cast<std::size_t>(n));
        }
        const auto restPos = banner.find("rest: ");
        ASSERT_NE(restPos, std::string::npos) << venue << ": " << banner;
        const std::string rest = banner.substr(restPos + 6, banner.find('\n', restPos) - restPos - 6);
        {
            cpc::net::IoThread io;
            cpc::net::HttpClient client(io.context(), nullptr);
            auto url = cpc::net::Url::parse(rest);
            ASSERT_TRUE(url) << rest;
            auto r = cpc::test::runSync(io, client.get(*url, target));
            ASSERT_TRUE(r) << r.error().message;
            EXPECT_EQ(r->status, 200);
            EXPECT_TRUE(contains(r->body, "\"fundingRate\"")) << venue << ": " << r->body;
        }
        kill(pid, SIGTERM);
        int status = 0;
        waitpid(pid, &status, 0);
        close(pipeFds[0]);
        ASSERT_TRUE(WIFEXITED(status));
        EXPECT_EQ(WEXITSTATUS(status), 0);
    }
}
