// Venues that answer the newest rows of a range: a forward page must span exactly `limit` buckets
// from its start, or rows between two pages would be skipped (Binance pages oldest first).
#include <gtest/gtest.h>

#include <regex>

#include "cpc/exchange/listing_day.hpp"
#include "cpc/exchange/registry.hpp"

using namespace cpc;
using namespace cpc::exchange;

namespace {

std::int64_t param(const std::string& target, const std::string& name) {
    const std::regex re("[?&]" + name + "=(-?[0-9]+)");
    std::smatch m;
    if (!std::regex_search(target, m, re)) {
        ADD_FAILURE() << name << " missing in " << target;
        return 0;
    }
    return std::stoll(m[1].str());
}

int bucketsBetween(Interval i, std::int64_t first, std::int64_t last) {
    int n = 0;
    for (std::int64_t t = first; t <= last; t = nextBucketStart(i, t)) ++n;
    return n;
}

}  // namespace

TEST(VenuePaging, ForwardPagesSpanExactlyOnePage) {
    const std::int64_t start = 1704067200000;  // 2024-01-01 00:00 UTC, a Monday
    for (const char* name : {"bybit", "okx", "kucoin"}) {
        auto adapter = makeAdapter(name);
        ASSERT_TRUE(adapter);
        const ExchangeAdapter& a = **adapter;
        for (Interval i : kAllIntervals) {
            if (!a.isNativeInterval(i)) continue;
            for (int limit : {1, 7, a.maxHistoryLimit()}) {
                const std::string target = a.historyRequest({"BTCUSDT", i, start, std::nullopt, limit}).target;
                std::int64_t last = 0;
                if (std::string(name) == "bybit") last = param(target, "end");
                if (std::string(name) == "okx") last = param(target, "after") - 1;  // exclusive
                if (std::string(name) == "kucoin") last = param(target, "endAt") * 1000;
                EXPECT_EQ(bucketsBetween(i, start, last), limit) << name << " " << toString(i) << " " << target;
                // The page starts where asked (KuCoin one second early: no bucket opens there).
                const std::int64_t first = std::string(name) == "bybit" ? param(target, "start")
                                           : std::string(name) == "okx" ? param(target, "before") + 1
                                                                        : param(target, "startAt") * 1000 + 1000;
                EXPECT_EQ(first, start) << name << " " << target;
            }
        }
    }
}

// ListingDaySearch against a venue's days answered the way the venue pages (the newest `limit`
// rows up to endTime): finds the first day in a few requests on every venue, also when KuCoin
// leaves out days without trades (every third day here, and a quiet month).
TEST(ListingDaySearch, FindsTheFirstDayInAFewPages) {
    constexpr std::int64_t kDay = 24 * 3600'000;
    const std::int64_t now = 1705322096789;  // 2024-01-15
    for (const std::string venue : {"binance", "bybit", "okx", "kucoin"}) {
        auto adapter = makeAdapter(venue);
        ASSERT_TRUE(adapter);
        for (const std::int64_t listing : {now / kDay * kDay - 2000 * kDay, now / kDay * kDay - 37 * kDay,
                                           (*adapter)->earliestHistoryMs() / kDay * kDay + 400 * kDay}) {
            const bool gaps = (*adapter)->historyHasGaps();
            const auto traded = [&](std::int64_t day) {
                if (!gaps) return true;
                const std::int64_t i = (day - listing) / kDay;
                return i == 0 || (i % 3 != 1 && !(i > 100 && i < 130));
            };
            ListingDaySearch search(**adapter, "X", now);
            int pages = 0;
            while (const auto q = search.next()) {
                ASSERT_LT(++pages, 30) << venue;
                ASSERT_TRUE(q->endTime);
                ASSERT_FALSE(q->startTime);
                std::vector<Candle> rows;
                const std::int64_t from = gaps ? *q->endTime - q->limit * kDay : 0;  // KuCoin: limit days back
                for (std::int64_t d = *q->endTime / kDay * kDay; d >= listing && d > from; d -= kDay) {
                    if (!gaps && static_cast<int>(rows.size()) == q->limit) break;
                    if (!traded(d)) continue;
                    Candle c;
                    c.openTime = d;
                    rows.insert(rows.begin(), c);
                }
                search.answer(rows);
            }
            EXPECT_EQ(search.day(), listing) << venue;
            EXPECT_LE(pages, 16) << venue;
        }
    }
}
