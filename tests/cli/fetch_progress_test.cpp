// `cpc fetch`'s progress output: the bar on a terminal, the plain lines otherwise (format only; the
// clock is the test's).
#include <gtest/gtest.h>

#include <sstream>

#include "cpc/core/interval.hpp"
#include "cpc/core/time.hpp"
#include "fetch_progress.hpp"

using namespace cpc;

TEST(FetchProgress, PlainLinesSayPageCandlesRateAndTimeLeft) {
    std::ostringstream err;
    std::int64_t now = 1'000;
    cli::FetchProgress progress(err, false, "BTCUSDT 1m", 4, [&now] { return now; });
    const std::int64_t t = *parseUtc("2024-03-01");
    now += 500;
    progress.page(1000, t, t + 999 * kMinuteMs);
    EXPECT_EQ(err.str(),
              "cpc fetch: BTCUSDT 1m: page 1/4 (2024-03-01 00:00:00 to 2024-03-01 16:39:00), 1000 candles so far, "
              "2000 candles/s, 0:02 left\n");
    err.str("");
    now += 500;
    progress.page(400, t - 400 * kMinuteMs, t - kMinuteMs);
    EXPECT_EQ(err.str(),
              "cpc fetch: BTCUSDT 1m: page 2/4 (2024-02-29 17:20:00 to 2024-02-29 23:59:00), 1400 candles so far, "
              "1400 candles/s, 0:01 left\n");
    EXPECT_EQ(progress.pagesDone(), 2);
    EXPECT_EQ(progress.candles(), 1400);
}

TEST(FetchProgress, ATerminalGetsOneBarRedrawnInPlaceAndNotesOnLinesOfTheirOwn) {
    std::ostringstream err;
    std::int64_t now = 0;
    cli::FetchProgress progress(err, true, "ETHUSDT 1m", 527, [&now] { return now; });
    now = 2'000;
    for (int i = 0; i < 100; ++i) progress.page(1000, 0, 0);
    const std::string bar = err.str().substr(err.str().rfind('\r'));
    EXPECT_EQ(bar, "\rETHUSDT 1m [#####.........................] 18% 100/527 pages, 100000 candles, 50000 candles/s, "
                   "ETA 0:09\x1b[K");
    EXPECT_EQ(err.str().find('\n'), std::string::npos);  // redrawn, never scrolled
    progress.note("request weight 4800/6000 used; waiting 3 s");
    EXPECT_NE(err.str().find("\x1b[K\ncpc fetch: request weight 4800/6000 used; waiting 3 s\n"), std::string::npos);
    progress.finishLine();  // nothing drawn since the note: no empty line
    EXPECT_EQ(err.str().back(), '\n');
    EXPECT_NE(err.str().substr(err.str().size() - 2), "\n\n");
}

TEST(FetchProgress, MorePagesThanExpectedNeverShowsMoreThanAll) {
    std::ostringstream err;
    std::int64_t now = 0;
    cli::FetchProgress progress(err, true, "X 1d", 1, [&now] { return now; });
    progress.page(0, 0, 0);  // before any time passed: no rate, no ETA
    EXPECT_NE(err.str().find("100% 1/1 pages, 0 candles, 0 candles/s, ETA ?"), std::string::npos) << err.str();
    now = 1000;
    progress.page(5, 0, 0);
    EXPECT_NE(err.str().find("100% 2/2 pages, 5 candles, 5 candles/s, ETA 0:00"), std::string::npos) << err.str();
    EXPECT_EQ(cli::formatDuration(3725), "1:02:05");
    EXPECT_EQ(cli::formatDuration(65), "1:05");
}
