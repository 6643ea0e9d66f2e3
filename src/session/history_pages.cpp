#include "cpc/session/history_pages.hpp"

#include <algorithm>
#include <exception>
#include <memory>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace cpc::session {

namespace asio = boost::asio;

std::vector<PageSpan> pagesNewestFirst(Interval interval, std::int64_t from, std::int64_t to, int limit) {
    std::vector<PageSpan> pages;
    limit = std::max(1, limit);
    for (std::int64_t start = from; start < to;) {
        const std::int64_t end = std::min(to, bucketsEnd(interval, start, limit));
        if (end <= start) break;  // cannot happen for a positive limit; never loop forever
        pages.push_back({start, end});
        start = end;
    }
    std::reverse(pages.begin(), pages.end());
    return pages;
}

namespace {

struct Bounded {
    explicit Bounded(const asio::any_io_executor& ex) : done(ex, asio::steady_timer::time_point::max()) {}
    std::size_t next = 0;
    std::size_t running = 0;
    bool stop = false;
    std::exception_ptr error;
    asio::steady_timer done;  // cancelled when the last worker ends
};

asio::awaitable<void> worker(std::shared_ptr<Bounded> state, std::size_t count,
                             const std::function<asio::awaitable<bool>(std::size_t)>& job) {
    while (!state->stop && state->next < count) {
        const std::size_t i = state->next++;
        try {
            if (!co_await job(i)) state->stop = true;
        } catch (...) {
            if (!state->error) state->error = std::current_exception();
            state->stop = true;
        }
    }
    if (--state->running == 0) state->done.cancel();
}

}  // namespace

asio::awaitable<void> runBounded(std::size_t count, std::size_t width,
                                 const std::function<asio::awaitable<bool>(std::size_t)>& job) {
    if (count == 0) co_return;
    const auto executor = co_await asio::this_coro::executor;
    auto state = std::make_shared<Bounded>(executor);
    state->running = std::clamp<std::size_t>(width, 1, count);
    for (std::size_t k = state->running; k > 0; --k) asio::co_spawn(executor, worker(state, count, job), asio::detached);
    boost::system::error_code ec;
    while (state->running > 0) co_await state->done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (state->error) std::rethrow_exception(state->error);
}

}  // namespace cpc::session
