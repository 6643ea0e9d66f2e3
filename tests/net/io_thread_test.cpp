#include "cpc/net/io_thread.hpp"

#include <future>

#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

TEST(IoThread, RunsPostedWorkOnItsOwnThread) {
    cpc::net::IoThread io;
    EXPECT_FALSE(io.runningInThisThread());
    std::promise<std::pair<bool, std::thread::id>> p;
    boost::asio::post(io.executor(), [&] { p.set_value({io.runningInThisThread(), std::this_thread::get_id()}); });
    const auto [inside, id] = p.get_future().get();
    EXPECT_TRUE(inside);
    EXPECT_NE(id, std::this_thread::get_id());
}

TEST(IoThread, StopIsIdempotentAndJoins) {
    cpc::net::IoThread io;
    std::promise<void> ran;
    boost::asio::post(io.executor(), [&] { ran.set_value(); });
    ran.get_future().get();
    io.stop();
    io.stop();
    EXPECT_TRUE(io.context().stopped());
}
