// The alert engine against the simulator (in-process, 127.0.0.1): an alert fires once, live, in
// the bar the simulator's market (a pure function of time, known in advance) says; a cross while
// the venue is unreachable is reported after the backfill, late, with its bar's time; a restart on
// the same database does not fire it again. Levels are chosen from the simulator's own future
// candles, so each scenario is exact whatever the machine's load; waits are on conditions.
#include <gtest/gtest.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <mutex>
#include <sstream>
#include <thread>

#include <unistd.h>

#include "cpc/alerts/alert_engine.hpp"
#include "cpc/core/time.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/session/market_session.hpp"
#include "cpc/session/venue_paths.hpp"
#include "cpc/sim/sim_server.hpp"

using namespace cpc;
using namespace cpc::alerts;
using namespace std::chrono_literals;

namespace {

const SeriesKey kKey{"binance", "BTCUSDT", Interval::S1};

struct Sink final : AlertSink {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<Trigger> triggers;
    std::vector<SeriesStatus> statuses;
    std::vector<std::string> problems;

    void onTrigger(const Trigger& t) override {
        const std::lock_guard lock(mutex);
        triggers.push_back(t);
        changed.notify_all();
    }
    void onStatus(const SeriesStatus& s) override {
        const std::lock_guard lock(mutex);
        statuses.push_back(s);
        if (std::getenv("CPC_TEST_VERBOSE")) std::fprintf(stderr, "%s %s %s\n", formatUtc(nowMs(), true).c_str(), std::string(feed::toString(s.state)).c_str(), s.detail.c_str());
        changed.notify_all();
    }
    void onProblem(const std::string& p) override {
        const std::lock_guard lock(mutex);
        problems.push_back(p);
        changed.notify_all();
    }
    template <class Pred>
    bool waitFor(Pred pred, std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, timeout, [&] { return pred(); });
    }
    bool live() const {
        return std::any_of(statuses.begin(), statuses.end(), [](const auto& s) { return s.state == feed::FeedState::Live; });
    }
    std::vector<Trigger> copy() {
        const std::lock_guard lock(mutex);
        return triggers;
    }
};

struct TempFile {
    std::string path;
    TempFile() {
        path = (std::filesystem::temp_directory_path() /
                ("cpc_alert_engine_" + std::to_string(::getpid()) + "_" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".sqlite3"))
                   .string();
        clean();
    }
    ~TempFile() { clean(); }
    void clean() {
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    }
};

std::string exact(double v) {
    std::ostringstream os;
    os << std::setprecision(17) << std::fixed << v;
    return os.str();
}

// A level the simulator's price first reaches in one bar, at least `leadMs` after now: the first
// bar that makes a new high (or a new low) over every bar since the current one; the level is
// halfway between the old extreme and the new one, crossed up (or down).
struct Plan {
    std::int64_t createdMs = 0;
    Candle bar;  // the bar in which the price first reaches the level
    double level = 0;
    bool up = true;
};

Plan planCross(const sim::SimServer& server, std::int64_t leadMs) {
    Plan plan;
    plan.createdMs = nowMs();
    const std::int64_t first = bucketStart(Interval::S1, plan.createdMs);
    const auto bars = server.model().klines(kKey.symbol, Interval::S1, first, first + 600'000, 1000, first + 700'000);
    double highest = 0;
    double lowest = 0;
    for (const Candle& c : bars) {
        const double high = c.high.toDouble();
        const double low = c.low.toDouble();
        if (c.openTime >= first + leadMs && highest > 0 && (high > highest || low < lowest)) {
            plan.bar = c;
            plan.up = high > highest;
            plan.level = plan.up ? (highest + high) / 2 : (lowest + low) / 2;
            return plan;
        }
        highest = highest > 0 ? std::max(highest, high) : high;
        lowest = lowest > 0 ? std::min(lowest, low) : low;
    }
    ADD_FAILURE() << "no new high or low within ten minutes of the simulator's market (" << bars.size() << " bars)";
    return plan;
}

struct Rig {
    sim::SimConfig simConfig;
    std::unique_ptr<sim::SimServer> server;
    net::IoThread io;
    std::unique_ptr<session::MarketSession> market;
    EngineConfig engineConfig;

    explicit Rig(const std::string& venue = "binance") {
        simConfig.exchange = venue;
        simConfig.klinePushInterval = 100ms;
        server = std::make_unique<sim::SimServer>(simConfig);
        EXPECT_TRUE(server->start().ok());
        simConfig.port = server->port();  // a restart comes back on the same port
        session::MarketSessionConfig mc;
        mc.streams.backoffBase = 100ms;
        mc.streams.backoffMax = 400ms;
        market = std::make_unique<session::MarketSession>(io, mc);
        engineConfig.endpoints[venue] = {server->restBase(), session::withVenueStreamPath(server->streamBase(), venue)};
        engineConfig.feed.backoffBase = 100ms;
        engineConfig.feed.backoffMax = 400ms;
        engineConfig.saveEvery = 200ms;
        engineConfig.reloadEvery = 200ms;
    }
    ~Rig() { market->stop(); }

    Alert alert(const Plan& plan, Frequency frequency) const {
        Alert a;
        a.key = kKey;
        a.condition = *parseCondition(std::string("price crosses ") + (plan.up ? "up " : "down ") + exact(plan.level));
        a.frequency = frequency;
        a.createdMs = plan.createdMs;
        a.message = "new extreme";
        return a;
    }
};

void sleepUntilMs(std::int64_t ms) {
    const std::int64_t wait = ms - nowMs();
    if (wait > 0) std::this_thread::sleep_for(std::chrono::milliseconds(wait));
}

}  // namespace

TEST(AlertEngine, FiresOnceLiveInTheBarTheMarketCrosses) {
    Rig rig;
    TempFile db;
    Sink sink;
    // An alert that never fires has the feed of BTCUSDT open before the one under test exists.
    {
        auto store = AlertStore::open(db.path);
        ASSERT_TRUE(store.ok());
        Alert warm;
        warm.key = kKey;
        warm.condition = *parseCondition("price < 0.00000001");
        warm.createdMs = nowMs();
        ASSERT_TRUE((*store)->add(warm).ok());
    }
    AlertEngine engine(*rig.market, db.path, sink, rig.engineConfig);
    ASSERT_TRUE(engine.start().ok());
    ASSERT_TRUE(sink.waitFor([&] { return sink.live(); }, 20s)) << sink.statuses.size() << " " << (sink.statuses.empty() ? "" : sink.statuses.back().detail) << (sink.problems.empty() ? "" : sink.problems.front());
    const Plan plan = planCross(*rig.server, 3000);
    auto id = engine.add(rig.alert(plan, Frequency::Once));
    ASSERT_TRUE(id.ok()) << id.error().message;
    const std::int64_t barClose = closeTime(Interval::S1, plan.bar.openTime);
    // The planned bar may be a minute away: wait until well after it closed.
    const auto untilAfterBar = std::chrono::milliseconds(std::max<std::int64_t>(0, barClose - nowMs()) + 20'000);
    ASSERT_TRUE(sink.waitFor([&] { return !sink.triggers.empty(); }, untilAfterBar)) << "level " << plan.level;
    sleepUntilMs(barClose + 1500);  // time for a wrong second firing
    const auto triggers = sink.copy();
    ASSERT_EQ(triggers.size(), 1u);
    const Trigger& t = triggers[0];
    EXPECT_EQ(t.alertId, *id);
    EXPECT_EQ(t.barOpenTime, plan.bar.openTime);
    EXPECT_GE(t.timeMs, plan.bar.openTime);
    EXPECT_LE(t.timeMs, barClose);
    EXPECT_FALSE(t.late);
    EXPECT_EQ(t.message, "new extreme");
    // The done one leaves the evaluator (right after the sink heard it); the other keeps the feed.
    const auto retired = std::chrono::steady_clock::now() + 10s;
    while (engine.stats().alerts != 1 && std::chrono::steady_clock::now() < retired) std::this_thread::sleep_for(10ms);
    EXPECT_EQ(engine.stats().alerts, 1u);
    EXPECT_EQ(engine.stats().feeds, 1u);
    engine.stop();
    auto store = AlertStore::open(db.path);
    ASSERT_TRUE(store.ok());
    EXPECT_TRUE((*(*store)->find(*id))->done);
    EXPECT_EQ((*store)->triggers(*id)->size(), 1u);
    EXPECT_TRUE(sink.problems.empty()) << sink.problems.front();
}

TEST(AlertEngine, ACrossDuringAnOutageIsReportedLateAfterTheBackfillAndNotAgainAfterARestart) {
    Rig rig;
    TempFile db;
    Plan plan;
    std::int64_t firedBar = 0;
    {
        Sink sink;
        AlertEngine engine(*rig.market, db.path, sink, rig.engineConfig);
        ASSERT_TRUE(engine.start().ok());
        plan = planCross(*rig.server, 6000);
        ASSERT_TRUE(engine.add(rig.alert(plan, Frequency::EveryTime)).ok());
        ASSERT_TRUE(sink.waitFor([&] { return sink.live(); }, 20s));
        // The venue goes away 3 s before the bar and comes back 2 s after it closed.
        sleepUntilMs(plan.bar.openTime - 3000);
        ASSERT_TRUE(sink.copy().empty()) << "fired before the outage";
        rig.server->stop();
        rig.server.reset();
        sleepUntilMs(closeTime(Interval::S1, plan.bar.openTime) + 2000);
        rig.server = std::make_unique<sim::SimServer>(rig.simConfig);
        ASSERT_TRUE(rig.server->start().ok());
        ASSERT_TRUE(sink.waitFor([&] { return !sink.triggers.empty(); }, 30s));
        const Trigger t = sink.copy().front();
        EXPECT_TRUE(t.late);
        EXPECT_EQ(t.barOpenTime, plan.bar.openTime);
        EXPECT_EQ(t.timeMs, closeTime(Interval::S1, plan.bar.openTime));  // its true time: that bar
        EXPECT_GT(t.detectedMs, t.timeMs);
        firedBar = t.barOpenTime;
        engine.stop();
        EXPECT_GE(engine.stats().lateTriggers, 1u);
    }
    // A restart on the same database: its history holds the bar again, nothing fires for it.
    Sink sink;
    AlertEngine engine(*rig.market, db.path, sink, rig.engineConfig);
    ASSERT_TRUE(engine.start().ok());
    ASSERT_TRUE(sink.waitFor([&] { return sink.live(); }, 20s));
    const auto bars = engine.stats().historyBars;
    EXPECT_GT(bars, 0u);
    engine.stop();
    for (const Trigger& t : sink.copy()) EXPECT_GT(t.barOpenTime, firedBar) << "fired again for an old bar";
    auto store = AlertStore::open(db.path);
    ASSERT_TRUE(store.ok());
    const auto log = *(*store)->triggers();
    const auto forBar = std::count_if(log.begin(), log.end(), [&](const Trigger& t) { return t.barOpenTime == firedBar; });
    EXPECT_EQ(forBar, 1);
}

TEST(AlertEngine, AnUnknownSymbolIsAVisibleProblem) {
    Rig rig;
    TempFile db;
    Sink sink;
    AlertEngine engine(*rig.market, db.path, sink, rig.engineConfig);
    ASSERT_TRUE(engine.start().ok());
    Alert a;
    a.key = {"binance", "NOSUCHCOIN", Interval::M1};
    a.condition = *parseCondition("price > 1");
    const auto id = engine.add(a);
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(sink.waitFor([&] { return !sink.problems.empty(); }, 20s));
    EXPECT_NE(sink.problems.front().find("NOSUCHCOIN"), std::string::npos) << sink.problems.front();
    ASSERT_TRUE(engine.remove(*id).ok());
    EXPECT_EQ(engine.stats().feeds, 0u);
}

// OKX's candle pushes carry no event time: they count as happening now on the venue's clock
// (before, every live update of a bar looked like the last look's time and nothing fired live).
TEST(AlertEngine, LiveUpdatesWithoutAnEventTimeStillFire) {
    Rig rig("okx");
    TempFile db;
    Sink sink;
    AlertEngine engine(*rig.market, db.path, sink, rig.engineConfig);
    ASSERT_TRUE(engine.start().ok());
    Alert a;
    a.key = {"okx", "BTC-USDT", Interval::S1};
    a.condition = *parseCondition("price > 0.00000001");
    a.frequency = Frequency::OncePerBar;
    ASSERT_TRUE(engine.add(a).ok());
    // One trigger a bar, live (after the first page), in bars that follow each other.
    ASSERT_TRUE(sink.waitFor([&] {
        return std::count_if(sink.triggers.begin(), sink.triggers.end(), [](const Trigger& t) { return !t.late; }) >= 3;
    }, 30s)) << sink.triggers.size() << " triggers";
    engine.stop();
    const auto triggers = sink.copy();
    for (std::size_t i = 1; i < triggers.size(); ++i) EXPECT_GT(triggers[i].barOpenTime, triggers[i - 1].barOpenTime);
}
