// Simulator on 127.0.0.1 → WebSocket + REST clients (MarketFeed) → mailbox → candle series →
// SQLite store, plain and over TLS with a certificate made at test time. The series must hold
// exactly the candles the simulator's REST serves, and the forming candle must move live.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <future>
#include <filesystem>
#include <thread>

#include "cpc/exchange/binance/binance_adapter.hpp"
#include "cpc/feed/mailbox.hpp"
#include "cpc/session/market_feed.hpp"
#include "cpc/market/candle_series.hpp"
#include "cpc/net/http_client.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/sim/sim_server.hpp"
#include "cpc/storage/storage_worker.hpp"
#include "support/test_cert.hpp"

using namespace cpc;
using namespace std::chrono_literals;

namespace {

struct MailboxSink final : feed::FeedSink {
    void post(feed::FeedEvent e) override { box.post(std::move(e)); }
    feed::Mailbox<feed::FeedEvent> box;
};

// Drains the mailbox into the series the way the app's GUI thread does.
struct Consumer {
    market::CandleSeries series;
    std::vector<feed::FeedStatus> statuses;
    std::vector<feed::FeedError> errors;
    int klineUpdates = 0;
    int historyBatches = 0;
    std::size_t sizeAfterFirstHistory = 0;  // a live update may come in the same drain
    std::vector<std::int64_t> formingOpenTimes;
    storage::StorageWorker* storage = nullptr;

    void drain(MailboxSink& sink) {
        for (auto& e : sink.box.takeAll()) {
            if (auto* k = std::get_if<exchange::KlineUpdate>(&e)) {
                ++klineUpdates;
                series.upsert(k->candle);
                if (!k->candle.closed) formingOpenTimes.push_back(k->candle.openTime);
                if (k->candle.closed && storage) storage->save(k->key, {k->candle});
            } else if (auto* h = std::get_if<feed::HistoryBatch>(&e)) {
                ++historyBatches;
                series.merge(h->candles);
                if (historyBatches == 1) sizeAfterFirstHistory = series.size();
                std::vector<Candle> closed;
                for (const auto& c : h->candles)
                    if (c.closed) closed.push_back(c);
                if (storage && !closed.empty()) storage->save(h->key, closed);
            } else if (auto* s = std::get_if<feed::FeedStatus>(&e)) {
                statuses.push_back(*s);
            } else if (auto* err = std::get_if<feed::FeedError>(&e)) {
                errors.push_back(*err);
            }
        }
    }
    template <class Pred>
    bool runUntil(MailboxSink& sink, Pred pred, std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            drain(sink);
            if (pred()) return true;
            std::this_thread::sleep_for(20ms);
        }
        drain(sink);
        return pred();
    }
    bool sawState(feed::FeedState state) const {
        return std::any_of(statuses.begin(), statuses.end(), [&](const auto& s) { return s.state == state; });
    }
    // `then` reported after a `first` (both may come in one drain of the mailbox).
    bool sawStateAfter(feed::FeedState first, feed::FeedState then) const {
        const auto at = std::find_if(statuses.begin(), statuses.end(), [&](const auto& s) { return s.state == first; });
        return at != statuses.end() &&
               std::any_of(std::next(at), statuses.end(), [&](const auto& s) { return s.state == then; });
    }
};

std::vector<Candle> restKlines(net::IoThread& io, const net::TlsOptions& tls, const std::string& restBase,
                               const std::string& target, std::int64_t serverNow) {
    auto ctx = net::makeClientTlsContext(tls);
    EXPECT_TRUE(ctx);
    net::HttpClient client(io.context(), *ctx);
    auto base = net::Url::parse(restBase);
    EXPECT_TRUE(base);
    std::promise<Result<net::HttpResponse>> done;
    boost::asio::co_spawn(io.context(), [&]() -> boost::asio::awaitable<void> {
        done.set_value(co_await client.get(*base, target));
    }, boost::asio::detached);
    auto r = done.get_future().get();
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    if (!r) return {};
    auto rows = exchange::BinanceAdapter{}.parseHistory(r->body, r->status, serverNow);
    EXPECT_TRUE(rows) << (rows ? "" : rows.error().message);
    return rows ? *rows : std::vector<Candle>{};
}

class Pipeline : public ::testing::TestWithParam<bool> {
protected:
    void SetUp() override {
        dir = std::filesystem::temp_directory_path() / ("cpc-pipeline-" + std::to_string(::getpid()) + (GetParam() ? "-tls" : ""));
        std::filesystem::create_directories(dir);
        sim::SimConfig config;
        config.klinePushInterval = 100ms;
        if (GetParam()) {
            cert = std::make_unique<test::TestCertificate>();
            config.tls = true;
            config.certFile = cert->certFile;
            config.keyFile = cert->keyFile;
            tls.extraCaFile = cert->certFile;
        }
        server = std::make_unique<sim::SimServer>(config);
        ASSERT_TRUE(server->start());
    }
    void TearDown() override {
        if (server) server->stop();
        std::filesystem::remove_all(dir);
    }
    session::FeedConfig config() const {
        session::FeedConfig c;
        c.tls = tls;
        return c;
    }
    std::shared_ptr<exchange::BinanceAdapter> adapter() const {
        return std::make_shared<exchange::BinanceAdapter>(exchange::Endpoints{server->restBase(), server->streamBase()});
    }

    std::filesystem::path dir;
    std::unique_ptr<test::TestCertificate> cert;
    net::TlsOptions tls;
    std::unique_ptr<sim::SimServer> server;
};

TEST_P(Pipeline, SeriesHoldsExactlyWhatTheSimulatorServesAndTheFormingCandleMoves) {
    EXPECT_EQ(server->restBase().rfind(GetParam() ? "https://127.0.0.1:" : "http://127.0.0.1:", 0), 0u);
    net::IoThread io;
    MailboxSink sink;
    Consumer consumer;
    storage::StorageWorker storage((dir / "candles.sqlite3").string());
    consumer.storage = &storage;
    const SeriesKey key{"binance", "BTCUSDT", Interval::S1};
    {
        session::MarketFeed feedUnderTest(io, adapter(), config(), sink);
        feedUnderTest.open(key);
        // History first (one REST page of up to 1000 candles), then live pushes.
        ASSERT_TRUE(consumer.runUntil(sink, [&] { return consumer.historyBatches >= 1; }, 10s))
            << (consumer.statuses.empty() ? "no status" : consumer.statuses.back().detail);
        EXPECT_EQ(consumer.sizeAfterFirstHistory, 1000u);
        const std::int64_t firstForming = consumer.series.last()->openTime;
        ASSERT_TRUE(consumer.runUntil(sink, [&] {
            return consumer.sawState(feed::FeedState::Live) && !consumer.formingOpenTimes.empty() &&
                   consumer.formingOpenTimes.back() >= firstForming + 2000;
        }, 10s)) << "the forming 1s candle did not move on";
        feedUnderTest.stop();
    }
    consumer.drain(sink);
    ASSERT_TRUE(consumer.errors.empty()) << consumer.errors.front().error.message;
    EXPECT_GT(consumer.klineUpdates, 5);

    // Every closed candle we hold equals the simulator's REST answer for the same range.
    const auto& s = consumer.series;
    const std::int64_t from = s[0].openTime;
    const std::int64_t to = *s.lastClosedOpenTime();
    std::vector<Candle> ours;
    for (const Candle& c : s.candles())
        if (c.openTime <= to) ours.push_back(c);
    std::vector<Candle> theirs;
    for (std::int64_t start = from; start <= to;) {
        auto page = restKlines(io, tls, server->restBase(),
                               "/api/v3/klines?symbol=BTCUSDT&interval=1s&startTime=" + std::to_string(start) +
                                   "&endTime=" + std::to_string(to) + "&limit=1000",
                               to + 10'000);
        if (page.empty()) break;
        start = page.back().openTime + 1;
        theirs.insert(theirs.end(), page.begin(), page.end());
    }
    ASSERT_EQ(ours.size(), theirs.size());
    for (std::size_t i = 0; i < ours.size(); ++i) {
        ASSERT_EQ(ours[i], theirs[i]) << "candle " << i << " at " << ours[i].openTime;
    }
    // No gaps: one candle per second from the first to the newest closed one.
    EXPECT_EQ(static_cast<std::int64_t>(ours.size()), (to - from) / 1000 + 1);

    // The store persisted the closed candles exactly.
    storage.flush();
    std::promise<Result<std::vector<Candle>>> loaded;
    storage.loadRange(key, from, to, [&](Result<std::vector<Candle>> r) { loaded.set_value(std::move(r)); });
    auto stored = loaded.get_future().get();
    ASSERT_TRUE(stored) << stored.error().message;
    EXPECT_EQ(*stored, ours);
}

TEST_P(Pipeline, ReconnectsAfterADropAndBackfillsTheGap) {
    net::IoThread io;
    MailboxSink sink;
    Consumer consumer;
    const SeriesKey key{"binance", "ETHUSDT", Interval::S1};
    session::FeedConfig fast = config();
    fast.backoffBase = 300ms;
    fast.backoffMax = 600ms;
    session::MarketFeed feedUnderTest(io, adapter(), fast, sink);
    feedUnderTest.open(key);
    ASSERT_TRUE(consumer.runUntil(sink, [&] { return consumer.sawState(feed::FeedState::Live); }, 10s));
    server->dropAllConnections();
    consumer.statuses.clear();
    ASSERT_TRUE(consumer.runUntil(
        sink, [&] { return consumer.sawStateAfter(feed::FeedState::Reconnecting, feed::FeedState::Live); }, 15s));
    const std::int64_t liveAgain = consumer.series.last()->openTime;
    ASSERT_TRUE(consumer.runUntil(sink, [&] { return consumer.series.lastClosedOpenTime() > liveAgain + 1000; }, 10s));
    feedUnderTest.stop();
    consumer.drain(sink);
    // Not a single second is missing across the disconnect.
    const auto& s = consumer.series;
    for (std::size_t i = 1; i < s.size(); ++i)
        ASSERT_EQ(s[i].openTime - s[i - 1].openTime, 1000) << "gap after " << s[i - 1].openTime;
    EXPECT_GE(feedUnderTest.stats().reconnects, 1u);
}

TEST_P(Pipeline, UnknownSymbolIsReportedAndNotRetried) {
    net::IoThread io;
    MailboxSink sink;
    Consumer consumer;
    session::MarketFeed feedUnderTest(io, adapter(), config(), sink);
    feedUnderTest.open({"binance", "NOPEUSDT", Interval::M1});
    ASSERT_TRUE(consumer.runUntil(sink, [&] { return !consumer.errors.empty(); }, 10s));
    EXPECT_EQ(consumer.errors.front().error.code, -1121);
    EXPECT_TRUE(consumer.sawState(feed::FeedState::Failed));
    EXPECT_FALSE(consumer.sawState(feed::FeedState::Reconnecting));
}

INSTANTIATE_TEST_SUITE_P(PlainAndTls, Pipeline, ::testing::Values(false, true),
                         [](const auto& p) { return p.param ? "Tls" : "Plain"; });

}  // namespace
