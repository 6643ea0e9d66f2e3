#pragma once
// Parallel history (issue 21): a history range cut into pages that can be asked for independently,
// and a bounded number of page requests in flight at once. What paces them is still the host's
// RestGate, waited on by VenueRest::send for every request: this only decides how many wait (or
// travel) at the same time. A width of 1 is the old one-request-at-a-time download.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "cpc/core/interval.hpp"

namespace cpc::session {

// Requests in flight at once when nothing else is said: a page's round trip, not the budget, is
// what limits a download, and eight cover a 50–100 ms round trip without coming near Binance's
// weight budget (2 a page, 4,800 of 6,000 a minute spent at most: 2,400 pages a minute).
inline constexpr std::size_t kDefaultParallelPages = 8;
inline constexpr std::size_t kMaxParallelPages = 32;

struct PageSpan {
    std::int64_t from = 0;  // the first open time asked for
    std::int64_t to = 0;    // exclusive: the page answers for [from, to)
    bool operator==(const PageSpan&) const = default;
};

// [from, to) cut into forward pages of `limit` whole buckets of `interval` (a page ends where
// `limit` buckets from its start end, the last one at `to`), NEWEST FIRST: the part of a chart a
// trader looks at arrives first. Empty when from >= to; limit < 1 counts as 1.
std::vector<PageSpan> pagesNewestFirst(Interval interval, std::int64_t from, std::int64_t to, int limit);

// Runs job(0), job(1), … job(count − 1), starting them in that order with at most `width` running
// at once, on the calling coroutine's executor; returns once every started job has ended. A job
// that returns false stops the start of further jobs (the running ones end as they will). An
// exception thrown by a job is rethrown here after the others ended. `job` must stay callable
// until this returns (it is held by reference).
boost::asio::awaitable<void> runBounded(std::size_t count, std::size_t width,
                                        const std::function<boost::asio::awaitable<bool>(std::size_t)>& job);

}  // namespace cpc::session
