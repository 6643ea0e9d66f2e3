// Parallel history's two pieces: the page plan (newest first, whole buckets, covering the range
// exactly once) and the bounded runner (never more than `width` jobs at once, all run, a false
// stops the rest).
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include "cpc/core/time.hpp"
#include "cpc/session/history_pages.hpp"

using namespace cpc;
using session::PageSpan;
namespace asio = boost::asio;

TEST(HistoryPages, CutsARangeIntoPagesOfWholeBucketsNewestFirst) {
    const std::int64_t from = *parseUtc("2024-01-01"), to = *parseUtc("2024-01-01 20:00");
    const auto pages = session::pagesNewestFirst(Interval::M1, from, to, 1000);
    const std::vector<PageSpan> expected{{from + 1000 * kMinuteMs, to}, {from, from + 1000 * kMinuteMs}};
    EXPECT_EQ(pages, expected);

    // A year of minutes: 526 full pages and a short one, adjacent, covering the year once.
    const std::int64_t yearEnd = *parseUtc("2025-01-01");
    const auto year = session::pagesNewestFirst(Interval::M1, from, yearEnd, 1000);
    ASSERT_EQ(year.size(), 528u);  // 2024 is a leap year: 527,040 minutes
    EXPECT_EQ(year.front().to, yearEnd);
    EXPECT_EQ(year.back().from, from);
    for (std::size_t i = 1; i < year.size(); ++i) EXPECT_EQ(year[i].to, year[i - 1].from) << i;
    for (std::size_t i = 1; i < year.size(); ++i) EXPECT_EQ(year[i].to - year[i].from, 1000 * kMinuteMs) << i;

    // Calendar buckets: months of different lengths, whole months per page.
    const auto months = session::pagesNewestFirst(Interval::Mo1, *parseUtc("2023-01-01"), *parseUtc("2024-03-01"), 5);
    const std::vector<PageSpan> monthPages{{*parseUtc("2023-11-01"), *parseUtc("2024-03-01")},
                                           {*parseUtc("2023-06-01"), *parseUtc("2023-11-01")},
                                           {*parseUtc("2023-01-01"), *parseUtc("2023-06-01")}};
    EXPECT_EQ(months, monthPages);
    EXPECT_TRUE(session::pagesNewestFirst(Interval::M1, to, from, 1000).empty());
}

namespace {

// A job that sleeps 5 ms and counts how many run at the same time.
struct Tracker {
    int running = 0;
    int most = 0;
    std::vector<std::size_t> started;
};

asio::awaitable<bool> sleepyJob(Tracker& t, std::size_t i, std::size_t stopAt) {
    t.started.push_back(i);
    t.most = std::max(t.most, ++t.running);
    asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(5));
    co_await timer.async_wait(asio::use_awaitable);
    --t.running;
    co_return i != stopAt;
}

void runJobs(Tracker& t, std::size_t count, std::size_t width, std::size_t stopAt = SIZE_MAX) {
    asio::io_context io;
    const std::function<asio::awaitable<bool>(std::size_t)> job = [&t, stopAt](std::size_t i) {
        return sleepyJob(t, i, stopAt);
    };
    auto done = asio::co_spawn(io, session::runBounded(count, width, job), asio::use_future);
    io.run();
    done.get();
}

}  // namespace

TEST(HistoryPages, RunsEveryJobInOrderWithAtMostWidthAtOnce) {
    Tracker t;
    runJobs(t, 20, 4);
    ASSERT_EQ(t.started.size(), 20u);
    for (std::size_t i = 0; i < t.started.size(); ++i) EXPECT_EQ(t.started[i], i);
    EXPECT_EQ(t.most, 4);
    EXPECT_EQ(t.running, 0);  // returned only once all ended

    Tracker serial;
    runJobs(serial, 5, 1);
    EXPECT_EQ(serial.most, 1);
    EXPECT_EQ(serial.started.size(), 5u);

    Tracker none;
    runJobs(none, 0, 8);
    EXPECT_TRUE(none.started.empty());
}

TEST(HistoryPages, AJobReturningFalseStopsTheStartOfTheRest) {
    Tracker t;
    runJobs(t, 50, 3, 5);
    // Jobs 0..5 started before job 5 ended; at most the two started beside it after that.
    EXPECT_GE(t.started.size(), 6u);
    EXPECT_LE(t.started.size(), 8u);
    EXPECT_EQ(t.running, 0);
}
